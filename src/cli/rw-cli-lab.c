/* rw-cli-lab.c — `lab up|down|status|exec|check`: a network as real FRR routers in network
 * namespaces on this machine, and the drift report against its twin (DESIGN.md section 10b).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-i18n.h"
#include "rw-lab.h"
#include "rw-lab-check.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Every subcommand's --name (RW_LAB_DEFAULT_NAME, spelled out for the translators) */
#define LAB_NAME_ENTRY(var) \
  { "name", 'n', 0, G_OPTION_ARG_STRING, &(var), N_("The lab's name (default \"routewise\")"), "NAME" }

G_STATIC_ASSERT (sizeof RW_LAB_DEFAULT_NAME == sizeof "routewise");

static const char *const lab_description =
  N_("Subcommands:\n"
     "  up FILE        bring up a lab: a Containerlab file (.clab.yml) runs with its own configurations,\n"
     "                 a topology JSON is exported first (routewise-cli export); waits until BGP settles\n"
     "  down           remove the lab's namespaces, daemons, links and files (also after a crash)\n"
     "  status         nodes, daemons alive, BGP sessions\n"
     "  exec NODE -- CMD…  run CMD in NODE's namespace (vtysh there talks to NODE's daemons)\n"
     "  check          the drift report: real best paths and forwarding against the twin\n"
     "\n"
     "Every subcommand takes --name NAME; without it the lab is called \"routewise\".\n"
     "The lab needs root, iproute2 and FRR 8.4 (zebra, staticd, bgpd, ospfd, vtysh; $ROUTEWISE_FRR_DIR\n"
     "overrides /usr/lib/frr). State, sockets and logs live under /run/routewise/labs/NAME.\n"
     "Exit status: 0 ok, 1 a finding (BGP did not settle, a daemon is down, the twin disagrees), 2 bad input\n"
     "or a lab that cannot run.");

static void
print_line (const char *line, gpointer data)
{
  puts (line);
  fflush (stdout);
}

/* The error of rw_lab_check_environment as a user reads it: what is missing and what to run. */
static int
environment_problem (const GError *error, const char *sub, int argc, char **argv)
{
  if (g_error_matches (error, RW_LAB_ERROR, RW_LAB_ERROR_NOT_ROOT))
    {
      g_autoptr(GString) cmd = g_string_new ("sudo routewise-cli lab");
      for (int i = 0; i < argc; i++)
        {
          /* shown to the user to copy, never run */
          g_autofree char *q = strpbrk (argv[i], " '\"\\$`*?;&|<>()") ? g_shell_quote (argv[i]) : g_strdup (argv[i]);
          g_string_append_printf (cmd, " %s", q);
        }
      return rw_cli_bad_input (_("lab %s needs root (network namespaces): %s"), sub, cmd->str);
    }
  if (g_error_matches (error, RW_LAB_ERROR, RW_LAB_ERROR_NO_FRR))
    return rw_cli_bad_input (_("%s: sudo apt-get install frr"), error->message);
  if (g_error_matches (error, RW_LAB_ERROR, RW_LAB_ERROR_NO_IPROUTE))
    return rw_cli_bad_input (_("%s: sudo apt-get install iproute2"), error->message);
  return rw_cli_bad_input ("%s", error->message);
}

static int
lab_error (const GError *error, const char *sub, int argc, char **argv)
{
  if (error->domain == RW_LAB_ERROR &&
      (error->code == RW_LAB_ERROR_NOT_ROOT || error->code == RW_LAB_ERROR_NO_FRR || error->code == RW_LAB_ERROR_NO_IPROUTE))
    return environment_problem (error, sub, argc, argv);
  return rw_cli_bad_input ("%s", error->message);
}

static char *
mgmt_host (const RwLabNode *n)
{
  const char *slash = n->mgmt_addr ? strchr (n->mgmt_addr, '/') : NULL;
  return n->mgmt_addr ? g_strndup (n->mgmt_addr, slash ? (gsize) (slash - n->mgmt_addr) : strlen (n->mgmt_addr))
                      : g_strdup ("-");
}

static guint
print_nodes (const RwLab *lab)
{
  guint dead = 0;
  /* Translators: column headings of the lab's node table */
  printf ("  %-12s %-28s %-15s %s\n", _("node"), _("namespace"), _("management"), _("daemons"));
  for (guint i = 0; i < lab->nodes->len; i++)
    {
      const RwLabNode *n = lab->nodes->pdata[i];
      g_autoptr(GString) daemons = g_string_new (NULL);
      g_autofree char *mgmt = mgmt_host (n);
      for (guint d = 0; d < n->daemons->len; d++)
        {
          const RwLabDaemon *dm = n->daemons->pdata[d];
          gboolean alive = rw_lab_daemon_alive (lab, dm);
          g_string_append_printf (daemons, "%s%s%s", d ? " " : "", dm->name, alive ? "" : _(" (DOWN)"));
          dead += !alive;
        }
      printf ("  %-12s %-28s %-15s %s\n", n->name, n->netns, mgmt, n->daemons->len ? daemons->str : _("(none)"));
    }
  return dead;
}

static void
print_sessions (GPtrArray *sessions)
{
  guint up = 0;
  for (guint i = 0; i < sessions->len; i++)
    up += ((RwLabSession *) sessions->pdata[i])->established;
  printf (_("\nBGP sessions (%u of %u established)\n"), up, sessions->len);
  /* Translators: column headings of the lab's session table */
  printf ("  %-12s %-12s %-16s %10s  %-14s %s\n", _("node"), _("neighbour"), _("address"), _("AS"), _("state"),
          _("received"));
  for (guint i = 0; i < sessions->len; i++)
    {
      const RwLabSession *s = sessions->pdata[i];
      printf ("  %-12s %-12s %-16s %10u  %-14s %" G_GINT64_FORMAT "\n", s->node, s->peer ? s->peer : "?", s->address,
              s->remote_as, s->state, s->prefixes_received);
    }
}

static JsonNode *
sessions_to_json (GPtrArray *sessions)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < sessions->len; i++)
    {
      const RwLabSession *s = sessions->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "node");
      json_builder_add_string_value (b, s->node);
      json_builder_set_member_name (b, "neighbor");
      if (s->peer)
        json_builder_add_string_value (b, s->peer);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "address");
      json_builder_add_string_value (b, s->address);
      json_builder_set_member_name (b, "remote_as");
      json_builder_add_int_value (b, s->remote_as);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, s->state);
      json_builder_set_member_name (b, "established");
      json_builder_add_boolean_value (b, s->established);
      json_builder_set_member_name (b, "prefixes_received");
      json_builder_add_int_value (b, s->prefixes_received);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

static JsonNode *
status_to_json (const RwLab *lab, GPtrArray *sessions)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
#define STR(k, v) do { json_builder_set_member_name (b, k); if (v) json_builder_add_string_value (b, v); else json_builder_add_null_value (b); } while (0)
  STR ("name", lab->name);
  STR ("phase", rw_lab_phase_to_string (lab->phase));
  STR ("source", lab->source);
  STR ("clab", lab->clab);
  STR ("topology", lab->topology);
  STR ("bridge", lab->bridge);
  STR ("mgmt_subnet", lab->mgmt_subnet);
  json_builder_set_member_name (b, "netem");
  json_builder_add_boolean_value (b, lab->netem);
  json_builder_set_member_name (b, "up_seconds");
  json_builder_add_double_value (b, lab->up_seconds);
  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (guint i = 0; i < lab->nodes->len; i++)
    {
      const RwLabNode *n = lab->nodes->pdata[i];
      json_builder_begin_object (b);
      STR ("name", n->name);
      STR ("netns", n->netns);
      STR ("config", n->config);
      STR ("mgmt_addr", n->mgmt_addr);
      json_builder_set_member_name (b, "daemons");
      json_builder_begin_array (b);
      for (guint d = 0; d < n->daemons->len; d++)
        {
          const RwLabDaemon *dm = n->daemons->pdata[d];
          json_builder_begin_object (b);
          STR ("name", dm->name);
          json_builder_set_member_name (b, "pid");
          json_builder_add_int_value (b, dm->pid);
          json_builder_set_member_name (b, "alive");
          json_builder_add_boolean_value (b, rw_lab_daemon_alive (lab, dm));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "sessions");
  if (sessions)
    json_builder_add_value (b, sessions_to_json (sessions));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; i < lab->warnings->len; i++)
    json_builder_add_string_value (b, lab->warnings->pdata[i]);
  json_builder_end_array (b);
#undef STR
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- up ---- */

static volatile int interrupted;

static void
on_interrupt (int sig)
{
  /* `lab up` stops at its next step and takes down what it made */
  interrupted = 1;
}

static int
lab_up (int argc, char **argv, int all_argc, char **all_argv)
{
  g_autofree char *name = NULL;
  g_autofree char *demands = NULL;
  int timeout = 90;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    LAB_NAME_ENTRY (name),
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Seconds to wait at most for BGP to settle (default 90)"), "S" },
    { "demands", 0, 0, G_OPTION_ARG_FILENAME, &demands, N_("A lab file's demands and SLA classes (default: demands.json beside it)"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the lab's status as JSON when it is up"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("FILE — bring up a lab from a .clab.yml or a topology JSON"));
  g_autoptr(GError) error = NULL;
  g_autoptr(RwLab) lab = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GHashTable) addresses = NULL;
  g_autoptr(RwTopology) topo = NULL;
  RwLabUpOptions opts;
  gboolean settled = FALSE;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx, _(lab_description));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return rw_cli_bad_input (_("lab up needs one lab file or topology (see --help)"));
  if (timeout < 5 || timeout > 3600)
    return rw_cli_bad_input (_("--timeout must be between 5 and 3600 seconds"));
  if (!rw_lab_check_environment (&error))
    return environment_problem (error, "up", all_argc, all_argv);

  rw_lab_up_options_init (&opts);
  if (name)
    opts.name = name;
  opts.settle_timeout_s = (guint) timeout;
  opts.demands_file = demands;
  opts.log = json ? NULL : print_line;
  opts.stop = &interrupted;
  {
    struct sigaction sa = { 0 };
    sa.sa_handler = on_interrupt;
    sigemptyset (&sa.sa_mask);
    sigaction (SIGINT, &sa, NULL);
    sigaction (SIGTERM, &sa, NULL);
    sigaction (SIGHUP, &sa, NULL);
  }
  lab = rw_lab_up (argv[1], &opts, &settled, &error);
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  signal (SIGHUP, SIG_DFL);
  if (lab == NULL && g_error_matches (error, RW_LAB_ERROR, RW_LAB_ERROR_INTERRUPTED))
    {
      fprintf (stderr, _("routewise-cli: lab up interrupted; what it made is taken down\n"));
      return RW_EXIT_BAD_INPUT;
    }
  if (lab == NULL)
    return lab_error (error, "up", all_argc, all_argv);

  for (guint i = 0; i < lab->warnings->len; i++)
    fprintf (stderr, _("warning: %s\n"), (char *) lab->warnings->pdata[i]);
  if ((topo = rw_lab_load_topology (lab, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  addresses = rw_lab_address_map (topo);
  if ((sessions = rw_lab_sessions (lab, addresses, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if (json)
    {
      g_autoptr(JsonNode) doc = status_to_json (lab, sessions);
      rw_cli_print_json (doc);
    }
  else
    {
      printf (_("\nLab %s is up in %.1f s: %u nodes, %u links, management %s on %s%s\n"), lab->name, lab->up_seconds,
              lab->nodes->len, lab->links->len, lab->mgmt_subnet, lab->bridge,
              lab->netem ? "" : _(" (no link latencies: tc netem is missing)"));
      print_nodes (lab);
      print_sessions (sessions);
      if (!settled)
        printf (_("\nBGP did not settle within %d s (see lab status, lab check)\n"), timeout);
      printf (_("\nTake it down with: routewise-cli lab down --name %s\n"), lab->name);
    }
  return settled ? RW_EXIT_OK : RW_EXIT_FINDING;
}

/* ---- down, status ---- */

static int
lab_down (int argc, char **argv, int all_argc, char **all_argv)
{
  g_autofree char *name = NULL;
  GOptionEntry entries[] = {
    LAB_NAME_ENTRY (name),
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("— remove everything the lab made"));
  g_autoptr(GError) error = NULL;
  guint removed = 0;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx, _(lab_description));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return rw_cli_bad_input (_("lab down takes no arguments (see --help)"));
  if (!rw_lab_down (name ? name : RW_LAB_DEFAULT_NAME, print_line, NULL, &removed, &error))
    return lab_error (error, "down", all_argc, all_argv);
  if (removed == 0)
    printf (_("No lab '%s' to take down\n"), name ? name : RW_LAB_DEFAULT_NAME);
  else
    printf (_("Lab '%s' is down\n"), name ? name : RW_LAB_DEFAULT_NAME);
  return RW_EXIT_OK;
}

static RwLab *
open_lab (const char *name, const char *sub, int all_argc, char **all_argv, int *status)
{
  g_autoptr(GError) error = NULL;
  RwLab *lab;
  if (!rw_lab_check_environment (&error))
    {
      *status = environment_problem (error, sub, all_argc, all_argv);
      return NULL;
    }
  if ((lab = rw_lab_open (name ? name : RW_LAB_DEFAULT_NAME, &error)) == NULL)
    *status = rw_cli_bad_input ("%s", error->message);
  return lab;
}

static int
lab_status (int argc, char **argv, int all_argc, char **all_argv)
{
  g_autofree char *name = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    LAB_NAME_ENTRY (name),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the status as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("— nodes, daemons alive, BGP sessions"));
  g_autoptr(GError) error = NULL;
  g_autoptr(RwLab) lab = NULL;
  g_autoptr(RwTopology) topo = NULL;
  g_autoptr(GHashTable) addresses = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  guint dead = 0;
  int status = 0;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx, _(lab_description));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return rw_cli_bad_input (_("lab status takes no arguments (see --help)"));
  if ((lab = open_lab (name, "status", all_argc, all_argv, &status)) == NULL)
    return status;
  if ((topo = rw_lab_load_topology (lab, NULL)) != NULL)
    addresses = rw_lab_address_map (topo);
  /* a lab whose bgpd died still has a status: the sessions are then unknown */
  sessions = rw_lab_sessions (lab, addresses, &error);
  for (guint i = 0; i < lab->nodes->len; i++)
    {
      const RwLabNode *n = lab->nodes->pdata[i];
      for (guint d = 0; d < n->daemons->len; d++)
        dead += !rw_lab_daemon_alive (lab, n->daemons->pdata[d]);
    }
  if (json)
    {
      g_autoptr(JsonNode) doc = status_to_json (lab, sessions);
      rw_cli_print_json (doc);
    }
  else
    {
      printf (_("Lab %s (%s): %u nodes, %u links, from %s\n"), lab->name, rw_lab_phase_to_string (lab->phase),
              lab->nodes->len, lab->links->len, lab->source ? lab->source : "?");
      if (lab->phase != RW_LAB_PHASE_UP && (lab->maker_pid <= 0 || kill (lab->maker_pid, 0) != 0))
        printf (_("  the `lab up` that was making it is gone: routewise-cli lab down --name %s\n"), lab->name);
      print_nodes (lab);
      if (sessions)
        print_sessions (sessions);
      else
        printf (_("\nBGP sessions unknown: %s\n"), error->message);
    }
  return dead == 0 && sessions != NULL && lab->phase == RW_LAB_PHASE_UP ? RW_EXIT_OK : RW_EXIT_FINDING;
}

/* ---- exec ---- */

static int
lab_exec (int argc, char **argv, int all_argc, char **all_argv)
{
  g_autofree char *name = NULL;
  GOptionEntry entries[] = {
    LAB_NAME_ENTRY (name),
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("NODE [--] CMD… — run a command in a node's namespace"));
  g_autoptr(GError) error = NULL;
  g_autoptr(RwLab) lab = NULL;
  char **cmd;
  int status = 0;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx, _(lab_description));
  /* options end at NODE: what follows belongs to the command ("vtysh -c …") */
  g_option_context_set_strict_posix (ctx, TRUE);
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc < 2)
    return rw_cli_bad_input (_("lab exec needs a node and a command: lab exec NODE -- CMD… (see --help)"));
  cmd = argv + 2;
  if (cmd[0] != NULL && strcmp (cmd[0], "--") == 0)
    cmd++;
  if (cmd[0] == NULL)
    return rw_cli_bad_input (_("lab exec needs a command to run in %s (see --help)"), argv[1]);
  if ((lab = open_lab (name, "exec", all_argc, all_argv, &status)) == NULL)
    return status;
  fflush (stdout);
  rw_lab_exec (lab, argv[1], (const char *const *) cmd, &error);
  return rw_cli_bad_input ("%s", error->message);
}

/* ---- check ---- */

static char *
route_text (JsonNode *route)
{
  JsonObject *r;
  JsonArray *path;
  GString *s;
  if (route == NULL)
    return g_strdup (_("(no route)"));
  r = json_node_get_object (route);
  s = g_string_new (json_object_get_null_member (r, "from") ? _("local") : json_object_get_string_member (r, "from"));
  path = json_object_get_array_member (r, "as_path");
  g_string_append (s, " [");
  for (guint i = 0; path && i < json_array_get_length (path); i++)
    {
      JsonNode *e = json_array_get_element (path, i);
      if (json_node_get_value_type (e) == G_TYPE_INT64)
        g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? " " : "", json_node_get_int (e));
      else
        g_string_append_printf (s, "%s%s", i ? " " : "", json_node_get_string (e));
    }
  g_string_append (s, "]");
  return g_string_free (s, FALSE);
}

static char *
walk_text (JsonNode *walk)
{
  JsonObject *w = json_node_get_object (walk);
  JsonArray *path = json_object_get_array_member (w, "path");
  GString *s = g_string_new (NULL);
  for (guint i = 0; path && i < json_array_get_length (path); i++)
    g_string_append_printf (s, "%s%s", i ? ">" : "", json_array_get_string_element (path, i));
  if (g_strcmp0 (json_object_get_string_member_with_default (w, "status", ""), "ok") != 0)
    g_string_append_printf (s, " (%s)", json_object_get_string_member_with_default (w, "status", "?"));
  return g_string_free (s, FALSE);
}

static void
print_check (const RwLabCheck *c)
{
  printf (_("Lab %s against its twin: best paths %u/%u agree, forwarding %u/%u agree\n"), c->lab, c->best_agree,
          c->best_total, c->fwd_agree, c->fwd_total);
  if (c->differences->len == 0)
    return;
  /* Translators: column headings of the drift report; "twin" and "FRR" are the two sides */
  printf ("\n  %-10s %-18s %-34s %s\n", _("node"), _("prefix"), _("twin"), _("FRR"));
  for (guint i = 0; i < c->differences->len; i++)
    {
      const RwLabDifference *d = c->differences->pdata[i];
      g_autofree char *t = NULL;
      g_autofree char *f = NULL;
      if (d->kind == RW_LAB_DIFF_ROUTE)
        {
          t = route_text (d->twin);
          f = route_text (d->frr);
          printf ("  %-10s %-18s %-34s %s\n", d->node, d->prefix, t, f);
        }
      else
        {
          t = walk_text (d->twin);
          f = walk_text (d->frr);
          printf (_("  demand %s (%s):\n    twin %s\n    FRR  %s\n"), d->demand, d->prefix, t, f);
        }
    }
}

static int
lab_check (int argc, char **argv, int all_argc, char **all_argv)
{
  g_autofree char *name = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    LAB_NAME_ENTRY (name),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the report as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("— real best paths and forwarding against the twin"));
  g_autoptr(GError) error = NULL;
  g_autoptr(RwLab) lab = NULL;
  g_autoptr(RwLabCheck) check = NULL;
  int status = 0;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx, _(lab_description));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return rw_cli_bad_input (_("lab check takes no arguments (see --help)"));
  if ((lab = open_lab (name, "check", all_argc, all_argv, &status)) == NULL)
    return status;
  if ((check = rw_lab_check (lab, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if (json)
    {
      g_autoptr(JsonNode) doc = rw_lab_check_to_json (check);
      rw_cli_print_json (doc);
    }
  else
    print_check (check);
  return check->differences->len == 0 ? RW_EXIT_OK : RW_EXIT_FINDING;
}

int
rw_cli_lab (int argc, char **argv)
{
  static const struct {
    const char *name;
    int (*fn) (int, char **, int, char **);
  } subs[] = {
    { "up", lab_up }, { "down", lab_down }, { "status", lab_status }, { "exec", lab_exec }, { "check", lab_check },
  };
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      FILE *out = argc < 2 ? stderr : stdout;
      fprintf (out, "%s\n\n%s\n", _("Usage: routewise-cli lab SUBCOMMAND [OPTION…]"), _(lab_description));
      return argc < 2 ? RW_EXIT_BAD_INPUT : RW_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    if (strcmp (argv[1], subs[i].name) == 0)
      {
        g_autofree char *prg = g_strdup_printf ("routewise-cli lab %s", subs[i].name);
        g_set_prgname (prg);
        /* a copy of argv after "lab" stays whole for messages that repeat the command line
         * (option parsing rearranges the one it reads) */
        g_auto(GStrv) whole = g_strdupv (argv + 1);
        return subs[i].fn (argc - 1, argv + 1, argc - 1, whole);
      }
  return rw_cli_bad_input (_("lab: unknown subcommand '%s' (up, down, status, exec, check; see --help)"), argv[1]);
}
