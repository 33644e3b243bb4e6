/* rw-lab.c — a lab's life: the environment it needs, `up` (what runs, its plan, then the
 * network, the daemons and BGP settling), and opening a lab that runs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-lab-private.h"
#include "rw-clab.h"
#include "rw-frr-import.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>


/* ---- environment and names ---- */

gboolean
rw_lab_check_environment (GError **error)
{
  static const char *const daemons[] = { "zebra", "staticd", "bgpd", "ospfd" };
  g_autofree char *ip = NULL;
  g_autofree char *tc = NULL;
  g_autofree char *vtysh = NULL;

  if (geteuid () != 0)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_NOT_ROOT, "the lab needs root (network namespaces)");
      return FALSE;
    }
  ip = _rw_lab_find_tool ("ip");
  tc = _rw_lab_find_tool ("tc");
  if (ip == NULL || tc == NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_NO_IPROUTE, "iproute2 is not installed ('%s' not found)",
                   ip == NULL ? "ip" : "tc");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (daemons); i++)
    {
      g_autofree char *path = g_build_filename (_rw_lab_frr_dir (), daemons[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        {
          g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_NO_FRR, "FRR is not installed (%s not found)", path);
          return FALSE;
        }
    }
  if ((vtysh = _rw_lab_vtysh_path ()) == NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_NO_FRR, "FRR is not installed (vtysh not found)");
      return FALSE;
    }
  return TRUE;
}

gboolean
rw_lab_name_is_valid (const char *name, GError **error)
{
  gsize len = name ? strlen (name) : 0;
  gboolean ok = len >= 1 && len <= 32;
  for (gsize i = 0; ok && i < len; i++)
    ok = g_ascii_isalnum (name[i]) || name[i] == '_' || name[i] == '-';
  if (!ok)
    g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT,
                 "'%s' is not a lab name (1 to 32 letters, digits, '_' or '-')", name ? name : "");
  return ok;
}

void
rw_lab_up_options_init (RwLabUpOptions *o)
{
  memset (o, 0, sizeof *o);
  o->name = RW_LAB_DEFAULT_NAME;
  o->settle_timeout_s = 90;
  o->settle_window_s = 6;
}

/* ---- the address plan ---- */

RwTopology *
rw_lab_load_topology (const RwLab *lab, GError **error)
{
  return rw_topology_load_file (lab->topology, error);
}

/* ---- what runs: the lab file and its twin ---- */

/* The twin link between the two ends of a lab link, matched by node and interface. */
static const RwLink *
twin_link (const RwTopology *t, const RwClabLink *cl)
{
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      for (guint flip = 0; flip < 2; flip++)
        if (g_strcmp0 (l->a, cl->node[flip]) == 0 && g_strcmp0 (l->b, cl->node[1 - flip]) == 0 &&
            g_strcmp0 (l->ends[0].ifname, cl->ifname[flip]) == 0 && g_strcmp0 (l->ends[1].ifname, cl->ifname[1 - flip]) == 0)
          return l;
    }
  return NULL;
}

static gboolean
check_ifname (const RwClab *clab, const char *node, const char *ifname, GError **error)
{
  if (ifname == NULL || *ifname == '\0' || strlen (ifname) > 15 || strcmp (ifname, "lo") == 0 ||
      strcmp (ifname, "mgmt0") == 0 || strchr (ifname, '/') || strchr (ifname, ' '))
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT,
                   "%s: %s:%s: not an interface name the lab can make (1-15 characters, not lo or mgmt0)",
                   clab->path, node, ifname ? ifname : "");
      return FALSE;
    }
  return TRUE;
}

/* Nodes (with their daemons planned) and links of @clab, latencies from @twin; nothing is
 * created. Every node of the lab gets a namespace, even without a configuration. */
static gboolean
plan_lab (RwLab *lab, const RwClab *clab, const RwTopology *twin, GPtrArray *nodes, GPtrArray *links, GError **error)
{
  g_autoptr(GHashTable) ifnames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) netns = g_hash_table_new (g_str_hash, g_str_equal);

  if (clab->nodes->len == 0)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "%s: the lab has no nodes", clab->path);
      return FALSE;
    }
  if (clab->nodes->len > 250)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "%s: %u nodes; the lab runs at most 250", clab->path,
                   clab->nodes->len);
      return FALSE;
    }
  for (guint i = 0; i < clab->nodes->len; i++)
    {
      const RwClabNode *cn = clab->nodes->pdata[i];
      g_autoptr(RwLabNode) n = _rw_lab_node_new (lab->name, cn->name);
      if (g_hash_table_contains (netns, n->netns))
        {
          g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "%s: nodes '%s' and another have the same namespace "
                       "name %s", clab->path, cn->name, n->netns);
          return FALSE;
        }
      n->config = g_strdup (cn->config);
      n->mgmt_veth = _rw_lab_mgmt_veth_name (lab->name, i);
      if (!_rw_lab_plan_daemons (n, cn->daemons, lab->warnings, error))
        return FALSE;
      g_hash_table_add (netns, n->netns);
      g_ptr_array_add (nodes, g_steal_pointer (&n));
    }
  for (guint i = 0; i < clab->links->len; i++)
    {
      const RwClabLink *cl = clab->links->pdata[i];
      const RwLink *tl;
      RwLabLink *l;
      if (rw_clab_find_node (clab, cl->node[0]) == NULL || rw_clab_find_node (clab, cl->node[1]) == NULL)
        {
          g_ptr_array_add (lab->warnings, g_strdup_printf ("%s: link %s:%s – %s:%s leaves the lab: not made",
                                                           clab->path, cl->node[0], cl->ifname[0], cl->node[1],
                                                           cl->ifname[1]));
          continue;
        }
      for (guint e = 0; e < 2; e++)
        {
          g_autofree char *key = g_strdup_printf ("%s\n%s", cl->node[e], cl->ifname[e] ? cl->ifname[e] : "");
          if (!check_ifname (clab, cl->node[e], cl->ifname[e], error))
            return FALSE;
          if (!g_hash_table_add (ifnames, g_steal_pointer (&key)))
            {
              g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "%s: %s:%s is the end of two links", clab->path,
                           cl->node[e], cl->ifname[e]);
              return FALSE;
            }
        }
      l = g_new0 (RwLabLink, 1);
      for (guint e = 0; e < 2; e++)
        {
          l->node[e] = g_strdup (cl->node[e]);
          l->ifname[e] = g_strdup (cl->ifname[e]);
        }
      if ((tl = twin_link (twin, cl)) != NULL)
        l->latency_ms = tl->latency_ms;
      else
        g_ptr_array_add (lab->warnings, g_strdup_printf ("%s: link %s:%s – %s:%s has no twin link: no latency",
                                                         clab->path, cl->node[0], cl->ifname[0], cl->node[1],
                                                         cl->ifname[1]));
      g_ptr_array_add (links, l);
    }
  return TRUE;
}

static gboolean
lab_exists (const char *name)
{
  g_autoptr(GPtrArray) left = rw_lab_leftovers (name);
  return left->len > 0;
}

/* Loads what is to run before anything is made: for a lab file, the file and the twin of its
 * configurations; for a topology, the topology with its address plan (as the export writes it). */
static gboolean
load_source (const char *path, const RwLabUpOptions *opts, RwClab **clab, RwTopology **twin, GError **error)
{
  if (rw_frr_source_kind (path) == RW_SOURCE_CLAB)
    {
      RwImportOptions o;
      rw_import_options_init (&o);
      o.demands_file = opts->demands_file; /* NULL: the import takes demands.json beside the lab */
      if ((*clab = rw_clab_load (path, error)) == NULL)
        return FALSE;
      return (*twin = rw_frr_import_lab (*clab, &o, error)) != NULL;
    }
  if (opts->demands_file != NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "%s: a topology brings its own demands (no --demands)", path);
      return FALSE;
    }
  if ((*twin = rw_topology_load_file (path, error)) == NULL)
    return FALSE;
  return rw_frr_assign_addresses (*twin, error);
}

static gboolean
bring_up (RwLab *lab, RwClab *given, RwTopology *twin, const RwLabUpOptions *opts, gboolean *settled, GError **error)
{
  g_autoptr(RwClab) exported = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_node_free);
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_link_free);
  g_autoptr(GHashTable) addresses = NULL;
  RwClab *clab = given;

  if (!_rw_lab_save (lab, error))
    return FALSE;
  if (clab == NULL)
    {
      g_autofree char *dir = g_build_filename (lab->dir, "export", NULL);
      g_autofree char *path = NULL;
      _rw_lab_log (opts, "Exporting %s to %s", lab->source, dir);
      if (!rw_clab_export (twin, dir, &path, error) || (exported = rw_clab_load (path, error)) == NULL)
        return FALSE;
      lab->clab = g_steal_pointer (&path);
      clab = exported;
    }
  else
    lab->clab = g_strdup (clab->path);
  if (!rw_topology_save_file (twin, lab->topology, error))
    return FALSE;
  if (twin->import_warnings && twin->import_warnings->len > 0)
    g_ptr_array_add (lab->warnings, g_strdup_printf ("%u lines of the configurations are outside what the twin "
                                                     "models (routewise-cli import %s lists them): lab check may "
                                                     "differ there", twin->import_warnings->len, lab->source));
  if (!plan_lab (lab, clab, twin, nodes, links, error) || !_rw_lab_choose_mgmt_subnet (lab, twin, error))
    return FALSE;

  _rw_lab_log (opts, "Creating %u namespaces and %u links (management %s on %s)", nodes->len, links->len,
               lab->mgmt_subnet, lab->bridge);
  if (!_rw_lab_go_on (opts, error) || !_rw_lab_make_bridge (lab, error) ||
      !_rw_lab_make_network (lab, nodes, links, error) ||
      !_rw_lab_go_on (opts, error))
    return FALSE;

  _rw_lab_log (opts, "Starting FRR");
  for (guint i = 0; i < lab->nodes->len; i++)
    {
      RwLabNode *n = lab->nodes->pdata[i];
      g_autoptr(GString) names = g_string_new (NULL);
      for (guint d = 0; d < n->daemons->len; d++)
        g_string_append_printf (names, "%s%s", d ? " " : "", ((RwLabDaemon *) n->daemons->pdata[d])->name);
      _rw_lab_log (opts, "  %s: %s", n->name, n->daemons->len ? names->str : "(no configuration: no daemons)");
    }
  if (!_rw_lab_start_daemons (lab, error) || !_rw_lab_go_on (opts, error))
    return FALSE;

  addresses = rw_lab_address_map (twin);
  _rw_lab_log (opts, "Waiting for BGP to settle (at most %u s)", opts->settle_timeout_s ? opts->settle_timeout_s : 90);
  if (!_rw_lab_wait_bgp (lab, addresses, opts, settled, error))
    return FALSE;
  lab->phase = RW_LAB_PHASE_UP;
  return TRUE;
}

RwLab *
rw_lab_up (const char *path, const RwLabUpOptions *options, gboolean *settled, GError **error)
{
  RwLabUpOptions defaults;
  const RwLabUpOptions *opts = options;
  g_autoptr(RwLab) lab = NULL;
  g_autoptr(RwClab) clab = NULL;
  g_autoptr(RwTopology) twin = NULL;
  g_autofree char *abs = NULL;
  g_autoptr(GError) load_error = NULL;
  gboolean ok_settled = FALSE;
  int rc = -1, e = 0;
  const char *name;
  gint64 start = g_get_monotonic_time ();

  if (opts == NULL)
    {
      rw_lab_up_options_init (&defaults);
      opts = &defaults;
    }
  name = opts->name ? opts->name : RW_LAB_DEFAULT_NAME;
  if (!rw_lab_check_environment (error) || !rw_lab_name_is_valid (name, error))
    return NULL;
  abs = g_canonicalize_filename (path, NULL);
  if (!load_source (abs, opts, &clab, &twin, &load_error))
    {
      g_set_error_literal (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, load_error->message);
      return NULL;
    }
  if (lab_exists (name))
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_EXISTS,
                   "lab '%s' is up already, or was not taken down (routewise-cli lab down --name %s)", name, name);
      return NULL;
    }
  lab = _rw_lab_new (name);
  lab->source = g_strdup (abs);
  lab->netem = TRUE;
  lab->maker_pid = (gint) getpid ();
  lab->maker_start = _rw_lab_pid_start_time (lab->maker_pid);
  /* a `lab down` of another lab removes the parent folders when they are empty: try again then */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_mkdir_with_parents (RW_LAB_RUN_DIR, 0755);
      if ((rc = g_mkdir (lab->dir, 0755)) == 0 || (e = errno) != ENOENT)
        break;
    }
  if (rc != 0)
    {
      g_set_error (error, RW_LAB_ERROR, e == EEXIST ? RW_LAB_ERROR_EXISTS : RW_LAB_ERROR_SYSTEM, "%s: %s", lab->dir,
                   g_strerror (e));
      return NULL;
    }
  if (!bring_up (lab, clab, twin, opts, &ok_settled, error))
    {
      g_autoptr(GError) down_error = NULL;
      /* a command the interruption hit fails in its own words: the cause is the interruption */
      if (!_rw_lab_go_on (opts, NULL))
        {
          g_clear_error (error);
          _rw_lab_go_on (opts, error);
        }
      /* nothing half made outlives a failed `lab up` */
      if (!rw_lab_down (name, NULL, NULL, NULL, &down_error))
        g_prefix_error (error, "%s; and taking the lab down failed: ", down_error->message);
      return NULL;
    }
  lab->up_seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  if (!_rw_lab_save (lab, error))
    return NULL;
  if (settled)
    *settled = ok_settled;
  return g_steal_pointer (&lab);
}

/* ---- a lab that runs ---- */

RwLab *
rw_lab_open (const char *name, GError **error)
{
  g_autofree char *path = NULL;
  if (!rw_lab_name_is_valid (name, error))
    return NULL;
  path = _rw_lab_state_path (name);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_NOT_FOUND, "no lab '%s' is up (%s not found)", name, path);
      return NULL;
    }
  return _rw_lab_load (path, error);
}

GStrv
rw_lab_list (void)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (RW_LAB_RUN_DIR, 0, NULL);
  const char *entry;
  while (d && (entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *state = _rw_lab_state_path (entry);
      if (rw_lab_name_is_valid (entry, NULL) && g_file_test (state, G_FILE_TEST_EXISTS))
        g_ptr_array_add (names, g_strdup (entry));
    }
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* ---- down ---- */

