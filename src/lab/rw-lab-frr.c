/* rw-lab-frr.c — FRR 8.4 in a node's namespace: which daemons, starting them in their own
 * pathspace, loading the integrated configuration, vtysh, and waiting for BGP to settle.
 *
 * Each daemon runs as `ip netns exec NS /usr/lib/frr/DAEMON -d -f /dev/null` with its vty
 * socket, zserv.api, pid file and log under the node's folder (bgpd with its BMP module,
 * `-M bmp`); the node's frr.conf is then loaded with `vtysh --vty_socket DIR -f frr.conf`,
 * which hands every line to the daemon that owns it, as `vtysh -b` does at boot. A daemon
 * never reads /etc/frr.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-lab-private.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#define DAEMON_START_MS (20 * 1000)
#define SOCKET_WAIT_MS (15 * 1000)
#define VTYSH_MS (30 * 1000)

void
_rw_lab_log (const RwLabUpOptions *opts, const char *fmt, ...)
{
  g_autofree char *line = NULL;
  va_list ap;
  if (opts == NULL || opts->log == NULL)
    return;
  va_start (ap, fmt);
  line = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  opts->log (line, opts->log_data);
}

gboolean
_rw_lab_go_on (const RwLabUpOptions *opts, GError **error)
{
  if (opts == NULL || opts->stop == NULL || *opts->stop == 0)
    return TRUE;
  g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INTERRUPTED, "interrupted");
  return FALSE;
}

/* ---- which daemons ---- */

static gboolean
has_line_starting (const char *text, const char *start)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (g_strstrip (lines[i]), start))
      return TRUE;
  return FALSE;
}

/* The argument of the first "KEYWORD ARG" line (e.g. "frr defaults traditional"). */
static char *
config_value (const char *text, const char *const *keywords)
{
  guint nk = g_strv_length ((char **) keywords);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      gboolean match = g_strv_length (words) == nk + 1;
      for (guint k = 0; match && k < nk; k++)
        match = strcmp (words[k], keywords[k]) == 0;
      if (match)
        return g_strdup (words[nk]);
    }
  return NULL;
}

/* A host name (RFC 1123 letters, digits and '-', at most 63) from a configuration's or a node's name. */
static char *
safe_hostname (const char *name)
{
  char *h = g_strndup (name, 63);
  for (char *c = h; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-')
      *c = '-';
  return h;
}

static void
add_daemon (RwLabNode *node, const char *name)
{
  RwLabDaemon *d = g_new0 (RwLabDaemon, 1);
  for (guint i = 0; i < node->daemons->len; i++)
    if (strcmp (((RwLabDaemon *) node->daemons->pdata[i])->name, name) == 0)
      {
        g_free (d);
        return;
      }
  d->name = g_strdup (name);
  d->pidfile = g_strdup_printf ("%s/%s.pid", node->dir, name);
  g_ptr_array_add (node->daemons, d);
}

static gboolean
is_run_by_the_lab (const char *daemon)
{
  static const char *const known[] = { "zebra", "staticd", "bgpd", "ospfd", "vtysh_enable", "watchfrr_enable" };
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (daemon, known[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
_rw_lab_plan_daemons (RwLabNode *node, const char *daemons_file, GPtrArray *warnings, GError **error)
{
  static const char *const frr_defaults[] = { "frr", "defaults", NULL };
  static const char *const hostname[] = { "hostname", NULL };
  g_autofree char *conf = NULL;
  g_autofree char *host = NULL;

  if (node->config == NULL)
    return TRUE; /* a plain namespace: nothing runs there */
  if (!g_file_get_contents (node->config, &conf, NULL, error))
    return FALSE;
  node->profile = config_value (conf, frr_defaults);
  host = config_value (conf, hostname);
  node->hostname = safe_hostname (host ? host : node->name);
  if (daemons_file != NULL)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;
      if (!g_file_get_contents (daemons_file, &text, NULL, error))
        return FALSE;
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        {
          char *l = g_strstrip (lines[i]);
          char *eq = strchr (l, '=');
          if (l[0] == '#' || eq == NULL || !g_str_has_suffix (l, "=yes"))
            continue;
          *eq = '\0';
          if (!is_run_by_the_lab (l))
            g_ptr_array_add (warnings, g_strdup_printf ("%s: %s enables %s; the lab runs zebra, staticd, bgpd and "
                                                        "ospfd only", node->name, daemons_file, l));
        }
    }
  /* bgpd and ospfd run when the configuration has something for them, whatever the daemons file says */
  add_daemon (node, "zebra");
  add_daemon (node, "staticd");
  if (has_line_starting (conf, "router bgp"))
    add_daemon (node, "bgpd");
  if (has_line_starting (conf, "router ospf"))
    add_daemon (node, "ospfd");
  return TRUE;
}

/* ---- starting ---- */

static gint
read_pid (const char *pidfile)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (pidfile, &text, NULL, NULL))
    return 0;
  return (gint) g_ascii_strtoll (g_strstrip (text), NULL, 10);
}

gboolean
rw_lab_daemon_alive (const RwLab *lab, const RwLabDaemon *d)
{
  g_autofree char *marker = g_strconcat (lab->dir, "/", NULL);
  gint pid = d->pid ? d->pid : read_pid (d->pidfile);
  return pid > 0 && _rw_lab_pid_alive (pid) && _rw_lab_pid_mentions (pid, marker);
}

/* The daemons run as FRR's user when there is one: their folder must be theirs. */
static gboolean
prepare_dir (const RwLabNode *node, gboolean *as_root, GError **error)
{
  struct passwd *pw = getpwnam ("frr");
  if (g_mkdir_with_parents (node->dir, 0755) != 0)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: %s", node->dir, g_strerror (errno));
      return FALSE;
    }
  *as_root = pw == NULL;
  if (pw != NULL && chown (node->dir, pw->pw_uid, pw->pw_gid) != 0)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: %s", node->dir, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static char **
daemon_argv (const RwLabNode *node, const RwLabDaemon *d, gboolean as_root)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, _rw_lab_find_tool ("ip"));
  g_ptr_array_add (argv, g_strdup ("netns"));
  g_ptr_array_add (argv, g_strdup ("exec"));
  g_ptr_array_add (argv, g_strdup (node->netns));
  g_ptr_array_add (argv, g_build_filename (_rw_lab_frr_dir (), d->name, NULL));
  g_ptr_array_add (argv, g_strdup ("-d"));
  g_ptr_array_add (argv, g_strdup ("-f"));
  g_ptr_array_add (argv, g_strdup ("/dev/null"));
  g_ptr_array_add (argv, g_strdup ("-i"));
  g_ptr_array_add (argv, g_strdup (d->pidfile));
  g_ptr_array_add (argv, g_strdup ("--vty_socket"));
  g_ptr_array_add (argv, g_strdup (node->dir));
  g_ptr_array_add (argv, g_strdup ("-z"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/zserv.api", node->dir));
  g_ptr_array_add (argv, g_strdup ("--log"));
  g_ptr_array_add (argv, g_strdup_printf ("file:%s/%s.log", node->dir, d->name));
  g_ptr_array_add (argv, g_strdup ("-P"));
  g_ptr_array_add (argv, g_strdup ("0")); /* no TCP vty: vtysh talks over the socket */
  if (strcmp (d->name, "bgpd") == 0)
    {
      /* the BMP module (RFC 7854), so that "bmp targets" in a configuration or typed later
       * works; loaded but unconfigured it does nothing */
      g_ptr_array_add (argv, g_strdup ("-M"));
      g_ptr_array_add (argv, g_strdup ("bmp"));
    }
  if (node->profile)
    {
      /* "frr defaults" only counts at startup, not when vtysh loads the file later */
      g_ptr_array_add (argv, g_strdup ("-F"));
      g_ptr_array_add (argv, g_strdup (node->profile));
    }
  if (as_root)
    {
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup ("root"));
      g_ptr_array_add (argv, g_strdup ("-g"));
      g_ptr_array_add (argv, g_strdup ("root"));
    }
  g_ptr_array_add (argv, NULL);
  return (char **) g_ptr_array_free (argv, FALSE);
}

static char **
vtysh_argv (const RwLabNode *node, const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, _rw_lab_vtysh_path ());
  g_ptr_array_add (argv, g_strdup ("--vty_socket"));
  g_ptr_array_add (argv, g_strdup (node->dir));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  return (char **) g_ptr_array_free (argv, FALSE);
}

static void
keep_refused_lines (RwLab *lab, const RwLabNode *node, const char *err)
{
  g_auto(GStrv) lines = g_strsplit (err ? err : "", "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (*g_strstrip (lines[i]))
      g_ptr_array_add (lab->warnings, g_strdup_printf ("%s: %s: %s", node->name, node->config, lines[i]));
}

/* Whether a daemon in @wave: zebra first (the others connect to its zserv.api), then the rest. */
static gboolean
in_wave (const RwLabDaemon *d, guint wave)
{
  return (strcmp (d->name, "zebra") == 0) == (wave == 0);
}

/* Starts one wave of daemons on every node at once, then waits (bounded) for each to write its
 * pid file and open its vty socket (and zebra its zserv.api). */
static gboolean
start_wave (RwLab *lab, guint wave, gboolean as_root, GError **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_job_free);
  g_autoptr(GPtrArray) started = g_ptr_array_new (); /* RwLabDaemon per job */
  g_autoptr(GPtrArray) owners = g_ptr_array_new ();  /* RwLabNode per job */
  gint64 deadline;

  for (guint i = 0; i < lab->nodes->len; i++)
    {
      RwLabNode *node = lab->nodes->pdata[i];
      for (guint k = 0; k < node->daemons->len; k++)
        {
          RwLabDaemon *d = node->daemons->pdata[k];
          g_autofree char *out = g_strdup_printf ("%s/%s.out", node->dir, d->name);
          RwLabJob *job;
          if (!in_wave (d, wave))
            continue;
          job = _rw_lab_job_new (daemon_argv (node, d, as_root), out);
          /* the router's own host name, as FRR shows it (BGP hostname capability, logs, prompt) */
          job->hostname = g_strdup (node->hostname);
          g_ptr_array_add (jobs, job);
          g_ptr_array_add (started, d);
          g_ptr_array_add (owners, node);
        }
    }
  if (!_rw_lab_run_jobs (jobs, 8, DAEMON_START_MS, error))
    return FALSE;
  for (guint j = 0; j < jobs->len; j++)
    {
      const RwLabJob *job = jobs->pdata[j];
      const RwLabNode *node = owners->pdata[j];
      const RwLabDaemon *d = started->pdata[j];
      if (job->status != 0)
        {
          g_autofree char *log = NULL;
          g_file_get_contents (job->log_path, &log, NULL, NULL);
          g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: %s did not start: %s", node->name, d->name,
                       log && *g_strstrip (log) ? log : "no message");
          return FALSE;
        }
    }

  deadline = g_get_monotonic_time () + SOCKET_WAIT_MS * 1000;
  for (guint j = 0; j < started->len; j++)
    {
      RwLabDaemon *d = started->pdata[j];
      const RwLabNode *node = owners->pdata[j];
      g_autofree char *vty = g_strdup_printf ("%s/%s.vty", node->dir, d->name);
      g_autofree char *zserv = g_strdup_printf ("%s/zserv.api", node->dir);
      gboolean zebra = strcmp (d->name, "zebra") == 0;
      while (((d->pid = read_pid (d->pidfile)) <= 0 || !g_file_test (vty, G_FILE_TEST_EXISTS) ||
              (zebra && !g_file_test (zserv, G_FILE_TEST_EXISTS))) &&
             g_get_monotonic_time () < deadline)
        g_usleep (20 * 1000);
      if (d->pid <= 0 || !g_file_test (vty, G_FILE_TEST_EXISTS) || (zebra && !g_file_test (zserv, G_FILE_TEST_EXISTS)))
        {
          g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: %s did not come up (see %s/%s.log)", node->name,
                       d->name, node->dir, d->name);
          return FALSE;
        }
    }
  return _rw_lab_save (lab, error);
}

/* On every node with daemons, a few at a time: loads its configuration (@load_config), or
 * switches forwarding on through zebra. */
static gboolean
vtysh_everywhere (RwLab *lab, gboolean load_config, GError **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_job_free);
  g_autoptr(GPtrArray) owners = g_ptr_array_new ();
  for (guint i = 0; i < lab->nodes->len; i++)
    {
      RwLabNode *node = lab->nodes->pdata[i];
      const char *const load[] = { "-f", node->config, NULL };
      /* routers forward; zebra switches it on for the namespace */
      const char *const fwd[] = { "-c", "configure terminal", "-c", "ip forwarding", NULL };
      if (node->daemons->len == 0)
        continue;
      g_ptr_array_add (jobs, _rw_lab_job_new (vtysh_argv (node, load_config ? load : fwd), NULL));
      g_ptr_array_add (owners, node);
    }
  if (!_rw_lab_run_jobs (jobs, 4, VTYSH_MS, error))
    return FALSE;
  for (guint j = 0; j < jobs->len; j++)
    {
      const RwLabJob *job = jobs->pdata[j];
      /* vtysh goes on after a line a daemon refuses and says which: the lab runs, with a warning */
      if (job->status != 0 && load_config)
        keep_refused_lines (lab, owners->pdata[j], *job->err ? job->err : job->out);
    }
  return TRUE;
}

gboolean
_rw_lab_start_daemons (RwLab *lab, GError **error)
{
  gboolean as_root = FALSE;
  for (guint i = 0; i < lab->nodes->len; i++)
    {
      const RwLabNode *node = lab->nodes->pdata[i];
      if (node->daemons->len > 0 && !prepare_dir (node, &as_root, error))
        return FALSE;
    }
  g_autofree char *sysctl = _rw_lab_find_tool ("sysctl");
  if (!start_wave (lab, 0, as_root, error) || !start_wave (lab, 1, as_root, error) ||
      !vtysh_everywhere (lab, TRUE, error))
    return FALSE;
  /* forwarding was switched on with sysctl when there is one, else zebra does it */
  if (sysctl == NULL && !vtysh_everywhere (lab, FALSE, error))
    return FALSE;
  return _rw_lab_save (lab, error);
}

/* ---- vtysh and sessions ---- */

char *
rw_lab_vtysh (const RwLab *lab, const char *node_name, const char *command, GError **error)
{
  const RwLabNode *node = rw_lab_find_node (lab, node_name);
  const char *const args[] = { "-c", command, NULL };
  g_auto(GStrv) argv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (node == NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_NOT_FOUND, "lab '%s' has no node '%s'", lab->name, node_name);
      return NULL;
    }
  argv = vtysh_argv (node, args);
  if (argv[0] == NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_NO_FRR, "vtysh is not installed");
      return NULL;
    }
  if (!_rw_lab_run_status ((const char *const *) argv, VTYSH_MS, &out, &err, &status, error))
    return NULL;
  if (status != 0)
    {
      g_strstrip (err);
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: vtysh -c '%s': %s", node_name, command,
                   *err ? err : *g_strstrip (out) ? out : "failed");
      return NULL;
    }
  return g_steal_pointer (&out);
}

char **
rw_lab_exec_argv (const RwLab *lab, const char *node_name, const char *const *cmd, GError **error)
{
  const RwLabNode *node = rw_lab_find_node (lab, node_name);
  GPtrArray *argv;
  g_autofree char *base = NULL;

  if (node == NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_NOT_FOUND, "lab '%s' has no node '%s'", lab->name, node_name);
      return NULL;
    }
  if (cmd == NULL || cmd[0] == NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "no command to run in %s", node_name);
      return NULL;
    }
  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, _rw_lab_find_tool ("ip"));
  g_ptr_array_add (argv, g_strdup ("netns"));
  g_ptr_array_add (argv, g_strdup ("exec"));
  g_ptr_array_add (argv, g_strdup (node->netns));
  base = g_path_get_basename (cmd[0]);
  if (strcmp (base, "vtysh") == 0)
    {
      /* that node's daemons, not the ones /etc/frr would point at */
      char *path = _rw_lab_vtysh_path ();
      g_ptr_array_add (argv, path ? path : g_strdup (cmd[0]));
      g_ptr_array_add (argv, g_strdup ("--vty_socket"));
      g_ptr_array_add (argv, g_strdup (node->dir));
    }
  else
    g_ptr_array_add (argv, g_strdup (cmd[0]));
  for (guint i = 1; cmd[i]; i++)
    g_ptr_array_add (argv, g_strdup (cmd[i]));
  g_ptr_array_add (argv, NULL);
  return (char **) g_ptr_array_free (argv, FALSE);
}

gboolean
rw_lab_exec (const RwLab *lab, const char *node_name, const char *const *cmd, GError **error)
{
  g_auto(GStrv) argv = rw_lab_exec_argv (lab, node_name, cmd, error);
  g_autofree char *host = NULL;
  int e;
  if (argv == NULL)
    return FALSE;
  host = safe_hostname (rw_lab_find_node (lab, node_name)->hostname ? rw_lab_find_node (lab, node_name)->hostname
                                                                     : node_name);
  _rw_lab_set_hostname (host);
  execv (argv[0], argv);
  e = errno;
  g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "cannot run %s: %s", argv[0], g_strerror (e));
  return FALSE;
}

void
rw_lab_session_free (RwLabSession *s)
{
  if (s == NULL)
    return;
  g_free (s->node);
  g_free (s->address);
  g_free (s->peer);
  g_free (s->state);
  g_free (s);
}

static gboolean
runs (const RwLabNode *node, const char *daemon)
{
  for (guint i = 0; i < node->daemons->len; i++)
    if (strcmp (((RwLabDaemon *) node->daemons->pdata[i])->name, daemon) == 0)
      return TRUE;
  return FALSE;
}

/* One node's neighbours from `show bgp summary json`; @fingerprint gets what must not change
 * while BGP is settled. */
static gboolean
node_sessions (const RwLabNode *node, const char *text, GHashTable *addresses, GPtrArray *out, GString *fingerprint,
               GError **error)
{
  g_autoptr(JsonParser) p = json_parser_new ();
  JsonObject *root, *af, *peers;
  g_autoptr(GList) names = NULL;

  if (!json_parser_load_from_data (p, text, -1, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: show bgp summary json: not JSON", node->name);
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (p));
  if (!json_object_has_member (root, "ipv4Unicast") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "ipv4Unicast")))
    return TRUE; /* no BGP instance or no IPv4 neighbours */
  af = json_object_get_object_member (root, "ipv4Unicast");
  if (fingerprint)
    g_string_append_printf (fingerprint, "%s:%" G_GINT64_FORMAT ";", node->name,
                            json_object_get_int_member_with_default (af, "tableVersion", 0));
  if (!json_object_has_member (af, "peers") || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (af, "peers")))
    return TRUE;
  peers = json_object_get_object_member (af, "peers");
  names = json_object_get_members (peers);
  names = g_list_sort (names, (GCompareFunc) g_strcmp0);
  for (GList *l = names; l; l = l->next)
    {
      JsonNode *pn = json_object_get_member (peers, l->data);
      JsonObject *po;
      RwLabSession *s;
      guint32 addr = 0;
      const char *owner;
      if (!JSON_NODE_HOLDS_OBJECT (pn))
        continue;
      po = json_node_get_object (pn);
      s = g_new0 (RwLabSession, 1);
      s->node = g_strdup (node->name);
      s->address = g_strdup (l->data);
      if (addresses && rw_ipv4_parse (l->data, &addr) &&
          (owner = g_hash_table_lookup (addresses, GUINT_TO_POINTER (addr))) != NULL)
        s->peer = g_strdup (owner);
      s->remote_as = (guint32) json_object_get_int_member_with_default (po, "remoteAs", 0);
      s->state = g_strdup (json_object_get_string_member_with_default (po, "state", "unknown"));
      s->established = strcmp (s->state, "Established") == 0;
      s->prefixes_received = json_object_get_int_member_with_default (po, "pfxRcd", 0);
      if (fingerprint)
        g_string_append_printf (fingerprint, "%s=%s/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%"
                                G_GINT64_FORMAT ";", s->address, s->state, s->prefixes_received,
                                json_object_get_int_member_with_default (po, "pfxSnt", 0),
                                json_object_get_int_member_with_default (po, "inq", 0),
                                json_object_get_int_member_with_default (po, "outq", 0));
      g_ptr_array_add (out, s);
    }
  return TRUE;
}

GPtrArray *
_rw_lab_vtysh_all (const RwLab *lab, const char *daemon, const char *command, GPtrArray **nodes, GError **error)
{
  return _rw_lab_vtysh_some (lab, daemon, command, NULL, nodes, error);
}

GPtrArray *
_rw_lab_vtysh_some (const RwLab *lab, const char *daemon, const char *command, GHashTable *only, GPtrArray **nodes,
                    GError **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_job_free);
  g_autoptr(GPtrArray) owners = g_ptr_array_new ();
  GPtrArray *texts;
  const char *const args[] = { "-c", command, NULL };

  for (guint i = 0; i < lab->nodes->len; i++)
    {
      RwLabNode *node = lab->nodes->pdata[i];
      if (!runs (node, daemon) || (only && !g_hash_table_contains (only, node->name)))
        continue;
      g_ptr_array_add (jobs, _rw_lab_job_new (vtysh_argv (node, args), NULL));
      g_ptr_array_add (owners, node);
    }
  if (!_rw_lab_run_jobs (jobs, 4, VTYSH_MS, error))
    return NULL;
  texts = g_ptr_array_new_with_free_func (g_free);
  for (guint j = 0; j < jobs->len; j++)
    {
      RwLabJob *job = jobs->pdata[j];
      const RwLabNode *node = owners->pdata[j];
      if (job->status != 0)
        {
          g_strstrip (job->err);
          g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: vtysh -c '%s': %s", node->name, command,
                       *job->err ? job->err : *g_strstrip (job->out) ? job->out : "failed");
          g_ptr_array_unref (texts);
          return NULL;
        }
      g_ptr_array_add (texts, g_steal_pointer (&job->out));
    }
  if (nodes)
    *nodes = g_steal_pointer (&owners);
  return texts;
}

static GPtrArray *
sample_sessions (const RwLab *lab, GHashTable *addresses, GString *fingerprint, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_lab_session_free);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GPtrArray) texts = _rw_lab_vtysh_all (lab, "bgpd", "show bgp summary json", &nodes, error);
  if (texts == NULL)
    return NULL;
  for (guint i = 0; i < texts->len; i++)
    if (!node_sessions (nodes->pdata[i], texts->pdata[i], addresses, out, fingerprint, error))
      return NULL;
  return g_steal_pointer (&out);
}

GPtrArray *
rw_lab_sessions (const RwLab *lab, GHashTable *addresses, GError **error)
{
  return sample_sessions (lab, addresses, NULL, error);
}

GPtrArray *
_rw_lab_sessions_of (const RwLab *lab, GHashTable *addresses, GHashTable *only, GString *fingerprint, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_lab_session_free);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GPtrArray) texts = _rw_lab_vtysh_some (lab, "bgpd", "show bgp summary json", only, &nodes, error);
  if (texts == NULL)
    return NULL;
  for (guint i = 0; i < texts->len; i++)
    if (!node_sessions (nodes->pdata[i], texts->pdata[i], addresses, out, fingerprint, error))
      return NULL;
  return g_steal_pointer (&out);
}

char **
_rw_lab_vtysh_argv (const RwLabNode *node, const char *const *args)
{
  return vtysh_argv (node, args);
}

static JsonObject *
vtysh_json_object (const RwLab *lab, const char *node, const char *command, const char *member, JsonParser *p,
                   GError **error)
{
  g_autofree char *text = rw_lab_vtysh (lab, node, command, error);
  JsonObject *root;
  if (text == NULL)
    return NULL;
  if (!json_parser_load_from_data (p, text, -1, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: %s: not JSON", node, command);
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (p));
  if (!json_object_has_member (root, member) || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, member)))
    return json_object_new (); /* no OSPF instance yet: nothing to wait for there */
  return json_object_ref (json_object_get_object_member (root, member));
}

/* Whether OSPF has settled on every node that runs it: no interface still waiting for the DR
 * election (the wait timer is the dead interval, 40 s on broadcast links) and no neighbour
 * between Init and Full. iBGP between loopbacks cannot come up before. @why says what is
 * still moving. */
static gboolean
igp_settled (const RwLab *lab, char **why, GError **error)
{
  for (guint i = 0; i < lab->nodes->len; i++)
    {
      const RwLabNode *node = lab->nodes->pdata[i];
      g_autoptr(JsonParser) p1 = json_parser_new ();
      g_autoptr(JsonParser) p2 = json_parser_new ();
      g_autoptr(JsonObject) ifs = NULL;
      g_autoptr(JsonObject) nbrs = NULL;
      g_autoptr(GList) names = NULL;
      if (!runs (node, "ospfd"))
        continue;
      if ((ifs = vtysh_json_object (lab, node->name, "show ip ospf interface json", "interfaces", p1, error)) == NULL ||
          (nbrs = vtysh_json_object (lab, node->name, "show ip ospf neighbor json", "neighbors", p2, error)) == NULL)
        return FALSE;
      names = json_object_get_members (ifs);
      for (GList *l = names; l; l = l->next)
        {
          JsonNode *n = json_object_get_member (ifs, l->data);
          if (JSON_NODE_HOLDS_OBJECT (n) &&
              g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (n), "state", ""), "Waiting") == 0)
            {
              *why = g_strdup_printf ("OSPF on %s %s waits for the DR election", node->name, (char *) l->data);
              return TRUE;
            }
        }
      g_clear_pointer (&names, g_list_free);
      names = json_object_get_members (nbrs);
      for (GList *l = names; l; l = l->next)
        {
          JsonNode *n = json_object_get_member (nbrs, l->data);
          JsonArray *a = JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
          for (guint k = 0; a && k < json_array_get_length (a); k++)
            {
              JsonObject *nb = json_array_get_object_element (a, k);
              const char *c = nb ? json_object_get_string_member_with_default (nb, "converged", "") : "";
              if (strcmp (c, "Full") != 0 && strcmp (c, "2-Way") != 0)
                {
                  *why = g_strdup_printf ("OSPF neighbour %s of %s is %s", (char *) l->data, node->name, c);
                  return TRUE;
                }
            }
        }
    }
  return TRUE;
}

gboolean
_rw_lab_wait_bgp (const RwLab *lab, GHashTable *addresses, const RwLabUpOptions *opts, gboolean *settled,
                  GError **error)
{
  /* Settled: nothing (states, prefixes received and sent, queues, table versions) changed for
   * the window, and every neighbour is Established — or OSPF has settled and BGP has had a
   * while since, after which a neighbour that stays down is down by design (shutdown, a
   * filtered or missing link). */
  const gint64 window = (gint64) (opts->settle_window_s ? opts->settle_window_s : 6) * G_USEC_PER_SEC;
  const gint64 limit = (gint64) (opts->settle_timeout_s ? opts->settle_timeout_s : 90) * G_USEC_PER_SEC;
  const gint64 grace = 15 * G_USEC_PER_SEC;
  const gint64 start = g_get_monotonic_time ();
  g_autofree char *previous = NULL;
  g_autofree char *last_line = NULL;
  gint64 unchanged_since = start, last_print = 0, igp_since = -1;

  *settled = FALSE;
  for (guint iteration = 0;; iteration++)
    {
      g_autoptr(GString) fp = g_string_new (NULL);
      g_autoptr(GPtrArray) sessions = sample_sessions (lab, addresses, fp, error);
      g_autofree char *igp_why = NULL;
      gint64 now = g_get_monotonic_time ();
      guint established = 0;
      gint64 received = 0;
      g_autofree char *line = NULL;

      if (sessions == NULL || !_rw_lab_go_on (opts, error))
        return FALSE;
      for (guint i = 0; i < sessions->len; i++)
        {
          const RwLabSession *s = sessions->pdata[i];
          established += s->established;
          received += s->prefixes_received;
        }
      if (previous == NULL || strcmp (previous, fp->str) != 0)
        {
          g_free (previous);
          previous = g_strdup (fp->str);
          unchanged_since = now;
        }
      if (established < sessions->len)
        {
          if (!igp_settled (lab, &igp_why, error))
            return FALSE;
          if (igp_why != NULL)
            igp_since = -1;
          else if (igp_since < 0)
            igp_since = now;
        }
      line = g_strdup_printf ("%u/%u sessions established, %" G_GINT64_FORMAT " prefixes received%s%s", established,
                              sessions->len, received, igp_why ? "; " : "", igp_why ? igp_why : "");
      if (g_strcmp0 (line, last_line) != 0 || now - last_print >= 10 * G_USEC_PER_SEC)
        {
          _rw_lab_log (opts, "  BGP: %s (%.0f s)", line, (double) (now - start) / G_USEC_PER_SEC);
          g_free (last_line);
          last_line = g_steal_pointer (&line);
          last_print = now;
        }
      if (now - unchanged_since >= window && iteration > 0 &&
          (established == sessions->len || (igp_since >= 0 && now - igp_since >= grace)))
        {
          *settled = TRUE;
          return TRUE;
        }
      if (now - start >= limit)
        return TRUE;
      g_usleep (G_USEC_PER_SEC);
    }
}
