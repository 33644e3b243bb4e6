/* rw-lab-down.c — taking a lab down: what its state records, and whatever carries its name
 * (namespaces "rw-NAME.*", processes inside them or running from its folder, its bridge and
 * management veths), so that a crash of `lab up` leaves nothing `lab down` cannot find.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-lab-private.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

static void
add_unique (GPtrArray *a, const char *s)
{
  if (s != NULL && !g_ptr_array_find_with_equal_func (a, s, g_str_equal, NULL))
    g_ptr_array_add (a, g_strdup (s));
}

static GArray *
inodes_of (GPtrArray *netns)
{
  GArray *inodes = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (guint i = 0; i < netns->len; i++)
    {
      guint64 ino = _rw_lab_netns_inode (netns->pdata[i]);
      if (ino)
        g_array_append_val (inodes, ino);
    }
  return inodes;
}

GPtrArray *
rw_lab_leftovers (const char *name)
{
  GPtrArray *left = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *prefix = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *marker = NULL;
  g_autoptr(GPtrArray) netns = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GArray) inodes = NULL;
  g_autoptr(GArray) pids = NULL;

  if (!rw_lab_name_is_valid (name, NULL))
    return left;
  prefix = _rw_lab_netns_prefix (name);
  dir = g_build_filename (RW_LAB_RUN_DIR, name, NULL);
  marker = g_strconcat (dir, "/", NULL);
  netns = _rw_lab_netns_matching (prefix);
  inodes = inodes_of (netns);
  pids = _rw_lab_find_processes (inodes, marker);
  for (guint i = 0; i < netns->len; i++)
    g_ptr_array_add (left, g_strdup_printf ("namespace %s", (char *) netns->pdata[i]));
  for (guint i = 0; i < pids->len; i++)
    {
      gint pid = g_array_index (pids, gint, i);
      g_autofree char *comm = _rw_lab_pid_name (pid);
      g_ptr_array_add (left, g_strdup_printf ("process %d (%s)", pid, comm ? comm : "?"));
    }
  links = _rw_lab_root_links (name);
  for (guint i = 0; i < links->len; i++)
    g_ptr_array_add (left, g_strdup_printf ("link %s", (char *) links->pdata[i]));
  if (g_file_test (dir, G_FILE_TEST_EXISTS))
    g_ptr_array_add (left, g_strdup_printf ("folder %s", dir));
  return left;
}

static void
down_log (RwLabLogFunc log, gpointer data, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
down_log (RwLabLogFunc log, gpointer data, const char *fmt, ...)
{
  g_autofree char *line = NULL;
  va_list ap;
  if (log == NULL)
    return;
  va_start (ap, fmt);
  line = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  log (line, data);
}

typedef struct {
  guint netns, processes, links, folders;
} Removed;

/* One sweep: processes (inside the lab's namespaces or running from its folder), root links
 * (the bridge and the management veths; their mgmt0 ends go with them), namespaces (their veths
 * go with them), files. */
static gboolean
sweep (const char *name, const RwLab *lab, Removed *r, RwLabLogFunc log, gpointer log_data, GError **error)
{
  g_autofree char *prefix = _rw_lab_netns_prefix (name);
  g_autofree char *dir = g_build_filename (RW_LAB_RUN_DIR, name, NULL);
  g_autofree char *marker = g_strconcat (dir, "/", NULL);
  g_autoptr(GPtrArray) netns = _rw_lab_netns_matching (prefix);
  g_autoptr(GPtrArray) links = _rw_lab_root_links (name);
  g_autoptr(GArray) inodes = NULL;
  g_autoptr(GArray) pids = NULL;

  for (guint i = 0; lab && i < lab->nodes->len; i++)
    if (_rw_lab_netns_inode (((RwLabNode *) lab->nodes->pdata[i])->netns))
      add_unique (netns, ((RwLabNode *) lab->nodes->pdata[i])->netns);
  inodes = inodes_of (netns);
  pids = _rw_lab_find_processes (inodes, marker);
  if (pids->len > 0)
    {
      down_log (log, log_data, "Stopping %u processes", pids->len);
      _rw_lab_kill_processes (pids, 5000);
      r->processes += pids->len;
    }

  if (lab && lab->bridge)
    {
      g_autofree char *sys = g_build_filename ("/sys/class/net", lab->bridge, NULL);
      if (g_file_test (sys, G_FILE_TEST_EXISTS))
        add_unique (links, lab->bridge);
    }
  for (guint i = 0; i < links->len; i++)
    {
      g_autoptr(GError) e = NULL;
      if (_rw_lab_ip (&e, "link", "del", links->pdata[i], NULL))
        r->links++;
    }

  for (guint i = 0; i < netns->len; i++)
    {
      g_autoptr(GError) e = NULL;
      if (_rw_lab_ip (&e, "netns", "del", netns->pdata[i], NULL))
        r->netns++;
      else
        down_log (log, log_data, "%s", e->message);
    }

  if (g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      if (!_rw_lab_remove_tree (dir, error))
        return FALSE;
      r->folders++;
    }
  /* the labs' folders go when no lab is left (rmdir refuses while one is there) */
  g_rmdir (RW_LAB_RUN_DIR);
  g_rmdir ("/run/routewise");
  return TRUE;
}

/* FRR 8.4's ospfd keeps its graceful-restart state in one file for the whole machine
 * (DAEMON_VTY_DIR/ospfd-gr.json, whatever the pathspace) and writes it when it stops. Once no
 * ospfd runs any more, a file that records no instance is what a lab's routers left there. */
static gboolean
forget_ospf_gr_state (void)
{
  static const char path[] = "/run/frr/ospfd-gr.json";
  g_autoptr(JsonParser) p = json_parser_new ();
  g_autoptr(GDir) procs = NULL;
  JsonNode *root, *instances;
  const char *e;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || !json_parser_load_from_file (p, path, NULL))
    return FALSE;
  root = json_parser_get_root (p);
  instances = JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "instances") : NULL;
  if (instances == NULL || !JSON_NODE_HOLDS_OBJECT (instances) || json_object_get_size (json_node_get_object (instances)) > 0)
    return FALSE;
  procs = g_dir_open ("/proc", 0, NULL);
  while (procs && (e = g_dir_read_name (procs)) != NULL)
    {
      gint pid = (gint) g_ascii_strtoll (e, NULL, 10);
      g_autofree char *comm = pid > 0 && _rw_lab_pid_alive (pid) ? _rw_lab_pid_name (pid) : NULL;
      if (g_strcmp0 (comm, "ospfd") == 0)
        return FALSE;
    }
  return g_unlink (path) == 0;
}

gboolean
rw_lab_down (const char *name, RwLabLogFunc log, gpointer log_data, guint *removed, GError **error)
{
  g_autofree char *state_path = NULL;
  g_autoptr(RwLab) lab = NULL;
  g_autoptr(GPtrArray) left = NULL;
  Removed r = { 0 };
  gint64 deadline;

  if (removed)
    *removed = 0;
  if (!rw_lab_check_environment (error) || !rw_lab_name_is_valid (name, error))
    return FALSE;
  state_path = _rw_lab_state_path (name);
  if ((lab = _rw_lab_load (state_path, NULL)) != NULL)
    {
      /* a `lab up` still making this lab would go on making it: it stops first */
      if (lab->maker_pid > 0 && lab->maker_pid != (gint) getpid () && _rw_lab_pid_alive (lab->maker_pid) &&
          _rw_lab_pid_start_time (lab->maker_pid) == lab->maker_start)
        {
          g_autoptr(GArray) maker = g_array_new (FALSE, FALSE, sizeof (gint));
          g_array_append_val (maker, lab->maker_pid);
          down_log (log, log_data, "Stopping the `lab up` of this lab (process %d)", lab->maker_pid);
          _rw_lab_kill_processes (maker, 0);
        }
      lab->phase = RW_LAB_PHASE_STOPPING;
      _rw_lab_save (lab, NULL);
    }

  /* Sweeps until nothing is left (bounded): a daemon whose launcher was under way when its maker
   * died comes up after the first sweep, and the kernel tears namespaces and veths down in the
   * background. */
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  for (guint round = 0;; round++)
    {
      if (!sweep (name, lab, &r, log, log_data, error))
        return FALSE;
      left = rw_lab_leftovers (name);
      if (left->len == 0 || g_get_monotonic_time () > deadline)
        break;
      g_clear_pointer (&left, g_ptr_array_unref);
      g_usleep (MIN (100 * 1000 * (round + 1), 500 * 1000));
    }
  if (r.processes > 0)
    forget_ospf_gr_state ();
  if (left->len > 0)
    {
      g_autoptr(GString) what = g_string_new (NULL);
      for (guint i = 0; i < left->len; i++)
        g_string_append_printf (what, "%s%s", i ? ", " : "", (char *) left->pdata[i]);
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "lab '%s': still there after down: %s", name, what->str);
      return FALSE;
    }
  if (r.netns + r.processes + r.links + r.folders > 0)
    down_log (log, log_data, "Removed %u namespaces, %u processes, %u links and %u folders", r.netns, r.processes,
              r.links, r.folders);
  if (removed)
    *removed = r.netns + r.processes + r.links + r.folders;
  return TRUE;
}
