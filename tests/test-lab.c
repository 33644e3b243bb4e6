/* test-lab.c — `routewise-cli lab` against real FRR 8.4 routers in network namespaces: up,
 * status, exec, check and down on the shipped enterprise topology (through the export) and on
 * the example Containerlab labs; nothing left behind after down, also after `lab up` was killed
 * with SIGKILL halfway.
 *
 * The lab needs root, network namespaces and FRR: elsewhere every lab test is skipped with a
 * message saying so. Each test has its own lab name ("t" + this process's id + two letters), a
 * fixture teardown that takes it down whatever happened, and a signal handler that does the same
 * when a failed assertion aborts the run (or meson's timeout stops it); labs of an earlier run
 * that died are taken down at start.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-lab.h"
#include "rw-safety.h"
#include "rw-test-random.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLI RW_BUILD_DIR "/src/cli/routewise-cli"
#define ENTERPRISE RW_SOURCE_DIR "/data/topologies/enterprise.json"
#define LABS_DIR RW_SOURCE_DIR "/data/labs"
#define SKIP_MESSAGE "lab tests need root, network namespaces and FRR 8.4: skipped"

/* ---- running the CLI ---- */

typedef struct {
  int status;
  char *out, *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
as_nobody (gpointer data)
{
  if (setgid (65534) != 0 || setuid (65534) != 0)
    _exit (99);
}

static void
cli_env (Run *r, char **envp, gboolean nobody, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;
  int wait_status;
  g_ptr_array_add (argv, (char *) CLI);
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, nobody ? as_nobody : NULL, NULL,
                               &r->out, &r->err, &wait_status, &error));
  g_assert_no_error (error);
  r->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128;
}

#define cli(r, ...) cli_env (r, NULL, FALSE, __VA_ARGS__)

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) p = json_parser_new ();
  g_autoptr(GError) error = NULL;
  json_parser_load_from_data (p, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (p));
}

/* ---- what the lab may leave behind, seen from the outside ---- */

static char *
read_text (const char *path)
{
  char *text = NULL;
  g_file_get_contents (path, &text, NULL, NULL);
  return text;
}

/* Every namespace, process, link and folder of lab @name still there (names ≤ 8 characters:
 * the lab's interface tag is then its name). */
static GPtrArray *
leftovers (const char *name)
{
  GPtrArray *left = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *netns_prefix = g_strdup_printf ("rw-%s.", name);
  g_autofree char *bridge = g_strdup_printf ("rwmgmt-%s", name);
  g_autofree char *veth_prefix = g_strdup_printf ("rw%sm", name);
  g_autofree char *dir = g_build_filename (RW_LAB_RUN_DIR, name, NULL);
  g_autofree char *marker = g_strconcat (dir, "/", NULL);
  g_autoptr(GDir) netns = g_dir_open ("/run/netns", 0, NULL);
  g_autoptr(GDir) links = g_dir_open ("/sys/class/net", 0, NULL);
  g_autoptr(GDir) procs = g_dir_open ("/proc", 0, NULL);
  const char *e;

  g_assert_cmpuint (strlen (name), <=, 8);
  while (netns && (e = g_dir_read_name (netns)))
    if (g_str_has_prefix (e, netns_prefix))
      g_ptr_array_add (left, g_strdup_printf ("namespace %s", e));
  while (links && (e = g_dir_read_name (links)))
    if (strcmp (e, bridge) == 0 || g_str_has_prefix (e, veth_prefix))
      g_ptr_array_add (left, g_strdup_printf ("link %s", e));
  while (procs && (e = g_dir_read_name (procs)))
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/cmdline", e);
      g_autofree char *stat_path = g_strdup_printf ("/proc/%s/stat", e);
      g_autofree char *stat = NULL;
      gsize len = 0;
      char *cmd = NULL;
      const char *close;
      if (!g_ascii_isdigit (e[0]) || !g_file_get_contents (path, &cmd, &len, NULL))
        continue;
      for (gsize i = 0; i + 1 < len; i++)
        if (cmd[i] == '\0')
          cmd[i] = ' ';
      stat = read_text (stat_path);
      close = stat ? strrchr (stat, ')') : NULL;
      if (strstr (cmd, marker) != NULL && close && close[2] != 'Z')
        g_ptr_array_add (left, g_strdup_printf ("process %s: %s", e, cmd));
      g_free (cmd);
    }
  if (g_file_test (dir, G_FILE_TEST_EXISTS))
    g_ptr_array_add (left, g_strdup_printf ("folder %s", dir));
  return left;
}

static void
assert_nothing_left (const char *name)
{
  g_autoptr(GPtrArray) left = leftovers (name);
  g_autoptr(GPtrArray) seen_by_lab = rw_lab_leftovers (name);
  for (guint i = 0; i < left->len; i++)
    g_test_message ("left behind: %s", (char *) left->pdata[i]);
  g_assert_cmpuint (left->len, ==, 0);
  g_assert_cmpuint (seen_by_lab->len, ==, 0);
}

/* ---- whether labs can run here, and cleaning up whatever happens ---- */

static gboolean
lab_possible (void)
{
  static int possible = -1;
  if (possible < 0)
    {
      g_autofree char *probe = g_strdup_printf ("rwprobe%d", (int) getpid ());
      const char *add[] = { "ip", "netns", "add", probe, NULL };
      const char *del[] = { "ip", "netns", "del", probe, NULL };
      int status = -1;
      possible = geteuid () == 0 && g_file_test ("/usr/lib/frr/bgpd", G_FILE_TEST_IS_EXECUTABLE) &&
                 g_spawn_sync (NULL, (char **) add, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                               G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL) &&
                 g_spawn_check_wait_status (status, NULL);
      if (possible)
        g_spawn_sync (NULL, (char **) del, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    }
  return possible;
}

/* The labs this run may have made, as argv for `lab down`, built up front so that a signal
 * handler can run them without allocating. */
#define MAX_LABS 16
static char lab_names[MAX_LABS][16];
static char *down_argv[MAX_LABS][6];
static guint n_labs;

static void
down_all_from_handler (void)
{
  for (guint i = 0; i < n_labs; i++)
    {
      pid_t pid = fork ();
      if (pid == 0)
        {
          int devnull = open ("/dev/null", O_WRONLY);
          dup2 (devnull, 1);
          execv (CLI, down_argv[i]);
          _exit (127);
        }
      if (pid > 0)
        waitpid (pid, NULL, 0);
    }
}

static void
on_fatal_signal (int sig)
{
  down_all_from_handler ();
  signal (sig, SIG_DFL);
  raise (sig);
}

static const char *
register_lab (const char *suffix)
{
  g_assert_cmpuint (n_labs, <, MAX_LABS);
  g_snprintf (lab_names[n_labs], sizeof lab_names[n_labs], "t%05d%.2s", (int) (getpid () % 100000), suffix);
  down_argv[n_labs][0] = (char *) CLI;
  down_argv[n_labs][1] = (char *) "lab";
  down_argv[n_labs][2] = (char *) "down";
  down_argv[n_labs][3] = (char *) "--name";
  down_argv[n_labs][4] = lab_names[n_labs];
  down_argv[n_labs][5] = NULL;
  return lab_names[n_labs++];
}

static void
lab_down (const char *name)
{
  g_auto(Run) r = { 0 };
  cli (&r, "lab", "down", "--name", name, NULL);
  if (r.status != 0)
    g_test_message ("lab down --name %s: %s", name, r.err);
  g_assert_cmpint (r.status, ==, 0);
}

/* Labs of an earlier run of these tests whose process is gone ("tPPPPPxx"). */
static void
down_stale_labs (void)
{
  g_auto(GStrv) labs = rw_lab_list ();
  g_autoptr(GDir) netns = g_dir_open ("/run/netns", 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *e;
  for (guint i = 0; labs[i]; i++)
    g_ptr_array_add (names, g_strdup (labs[i]));
  while (netns && (e = g_dir_read_name (netns)))
    if (g_str_has_prefix (e, "rw-t") && strchr (e, '.'))
      g_ptr_array_add (names, g_strndup (e + 3, (gsize) (strchr (e, '.') - (e + 3))));
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      char *end = NULL;
      gint64 pid = n[0] == 't' ? g_ascii_strtoll (n + 1, &end, 10) : 0;
      g_autofree char *proc = g_strdup_printf ("/proc/%" G_GINT64_FORMAT, pid);
      if (strlen (n) == 8 && end == n + 6 && pid != getpid () % 100000 && !g_file_test (proc, G_FILE_TEST_EXISTS))
        lab_down (n);
    }
}

typedef struct {
  const char *name;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->name = register_lab (data);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (!lab_possible ())
    return;
  /* whatever the test did or failed to do, nothing of its lab stays */
  lab_down (f->name);
  assert_nothing_left (f->name);
}

#define SKIP_UNLESS_POSSIBLE()                                                                                         \
  do                                                                                                                   \
    {                                                                                                                  \
      if (!lab_possible ())                                                                                            \
        {                                                                                                              \
          g_test_skip (SKIP_MESSAGE);                                                                                  \
          return;                                                                                                      \
        }                                                                                                              \
    }                                                                                                                  \
  while (0)

/* ---- tests ---- */

static void
test_environment_messages (void)
{
  g_auto(Run) r = { 0 };
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "ROUTEWISE_FRR_DIR", "/nonexistent/frr", TRUE);

  if (geteuid () == 0)
    {
      g_auto(Run) nobody = { 0 };
      /* as a user: what is missing and the command to run instead */
      cli_env (&nobody, NULL, TRUE, "lab", "up", ENTERPRISE, "--name", "x", NULL);
      g_assert_cmpint (nobody.status, ==, 2);
      g_assert_nonnull (strstr (nobody.err, "lab up needs root (network namespaces): sudo routewise-cli lab up "));
      g_assert_nonnull (strstr (nobody.err, "--name x"));
      cli_env (&r, env, FALSE, "lab", "status", NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "FRR is not installed"));
      g_assert_nonnull (strstr (r.err, "sudo apt-get install frr"));
    }
  else
    {
      cli (&r, "lab", "down", NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "lab down needs root (network namespaces): sudo routewise-cli lab down"));
    }
}

static void
test_bad_input (void)
{
  g_auto(Run) a = { 0 };
  g_auto(Run) b = { 0 };
  g_auto(Run) c = { 0 };
  SKIP_UNLESS_POSSIBLE ();
  cli (&a, "lab", "up", RW_SOURCE_DIR "/data/topologies/none.json", "--name", "tbad", NULL);
  g_assert_cmpint (a.status, ==, 2);
  g_assert_nonnull (strstr (a.err, "none.json"));
  cli (&b, "lab", "up", ENTERPRISE, "--name", "no.dots", NULL);
  g_assert_cmpint (b.status, ==, 2);
  g_assert_nonnull (strstr (b.err, "not a lab name"));
  cli (&c, "lab", "check", "--name", "tnone", NULL);
  g_assert_cmpint (c.status, ==, 2);
  g_assert_nonnull (strstr (c.err, "no lab 'tnone' is up"));
  assert_nothing_left ("tbad");
}

/* Every node's daemons alive and every BGP session Established. */
static void
assert_all_up (const char *name, guint *n_sessions)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) doc = NULL;
  JsonObject *o;
  JsonArray *nodes, *sessions;

  cli (&r, "lab", "status", "--name", name, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  doc = parse_json (r.out);
  o = json_node_get_object (doc);
  g_assert_cmpstr (json_object_get_string_member (o, "phase"), ==, "up");
  nodes = json_object_get_array_member (o, "nodes");
  g_assert_cmpuint (json_array_get_length (nodes), >, 0);
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonArray *daemons = json_object_get_array_member (json_array_get_object_element (nodes, i), "daemons");
      for (guint d = 0; d < json_array_get_length (daemons); d++)
        g_assert_true (json_object_get_boolean_member (json_array_get_object_element (daemons, d), "alive"));
    }
  sessions = json_object_get_array_member (o, "sessions");
  g_assert_cmpuint (json_array_get_length (sessions), >, 0);
  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      JsonObject *s = json_array_get_object_element (sessions, i);
      if (!json_object_get_boolean_member (s, "established"))
        g_test_message ("%s -> %s: %s", json_object_get_string_member (s, "node"),
                        json_object_get_string_member (s, "address"), json_object_get_string_member (s, "state"));
      g_assert_true (json_object_get_boolean_member (s, "established"));
      g_assert_false (json_object_get_null_member (s, "neighbor"));
    }
  *n_sessions = json_array_get_length (sessions);
}

/* `lab check --json`: the report's shape; the figures through @agree/@total. */
static int
run_check (const char *name, guint best[2], guint fwd[2])
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonNode) doc = NULL;
  JsonObject *o, *b, *f;
  JsonArray *diffs;

  cli (&r, "lab", "check", "--name", name, "--json", NULL);
  g_assert_cmpint (r.status, !=, 2);
  doc = parse_json (r.out);
  o = json_node_get_object (doc);
  b = json_object_get_object_member (o, "best_paths");
  f = json_object_get_object_member (o, "forwarding");
  diffs = json_object_get_array_member (o, "differences");
  best[0] = json_object_get_int_member (b, "agree");
  best[1] = json_object_get_int_member (b, "total");
  fwd[0] = json_object_get_int_member (f, "agree");
  fwd[1] = json_object_get_int_member (f, "total");
  g_assert_cmpuint (best[0], <=, best[1]);
  g_assert_cmpuint (fwd[0], <=, fwd[1]);
  g_assert_cmpuint (json_array_get_length (diffs), ==, best[1] - best[0] + fwd[1] - fwd[0]);
  for (guint i = 0; i < json_array_get_length (diffs) && i < 20; i++)
    {
      JsonObject *d = json_array_get_object_element (diffs, i);
      g_autoptr(JsonGenerator) g = json_generator_new ();
      g_autofree char *text = NULL;
      g_assert_true (json_object_has_member (d, "twin") && json_object_has_member (d, "frr"));
      json_generator_set_root (g, json_array_get_element (diffs, i));
      text = json_generator_to_data (g, NULL);
      g_test_message ("difference: %s", text);
    }
  g_assert_cmpint (r.status, ==, json_array_get_length (diffs) > 0 ? 1 : 0);
  return r.status;
}

static void
test_enterprise (Fixture *fx, gconstpointer data)
{
  g_auto(Run) up = { 0 };
  g_auto(Run) ex = { 0 };
  g_auto(Run) again = { 0 };
  g_autoptr(JsonNode) summary = NULL;
  guint best[2], fwd[2], n_sessions = 0;
  gint64 t0 = g_get_monotonic_time ();

  SKIP_UNLESS_POSSIBLE ();
  cli (&up, "lab", "up", ENTERPRISE, "--name", fx->name, NULL);
  g_test_message ("lab up: %s%s", up.out, up.err);
  g_assert_cmpint (up.status, ==, 0);
  g_test_message ("enterprise lab up in %.1f s", (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC);
  g_assert_nonnull (strstr (up.out, "is up in"));
  assert_all_up (fx->name, &n_sessions);
  g_assert_cmpuint (n_sessions, ==, 44); /* 22 sessions, seen from both ends */

  /* a second lab of the same name is refused, and leaves the first alone */
  cli (&again, "lab", "up", ENTERPRISE, "--name", fx->name, NULL);
  g_assert_cmpint (again.status, ==, 2);
  g_assert_nonnull (strstr (again.err, "is up already"));

  /* vtysh in a node talks to that node's daemons */
  cli (&ex, "lab", "exec", "--name", fx->name, "R3", "--", "vtysh", "-c", "show bgp summary json", NULL);
  g_assert_cmpint (ex.status, ==, 0);
  summary = parse_json (ex.out);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (summary),
                                                                              "ipv4Unicast"), "as"), ==, 65001);

  /* the export renders what the twin computes: real routers agree with it everywhere */
  g_assert_cmpint (run_check (fx->name, best, fwd), ==, 0);
  g_test_message ("enterprise: best paths %u/%u agree, forwarding %u/%u agree", best[0], best[1], fwd[0], fwd[1]);
  g_assert_cmpuint (best[1], >=, 150);
  g_assert_cmpuint (fwd[1], ==, 17);

  lab_down (fx->name);
  assert_nothing_left (fx->name);
}

/* ---- the agent on real routers ---- */

/* `run SCENARIO --lab` on a lab brought up for it: returns the run's JSON ({"events", "result"}). */
static JsonNode *
run_on_lab (const char *name, const char *scenario, const char *tick_s, const char *extra, int *status)
{
  g_auto(Run) r = { 0 };
  g_autofree char *db = g_strdup_printf ("%s/routewise-lab-%s.db", g_get_tmp_dir (), name);
  cli (&r, "run", scenario, "--lab", "--name", name, "--tick-s", tick_s, "--db", db, "--json", extra, NULL);
  g_unlink (db);
  g_test_message ("run --lab: %s", r.err);
  g_assert_cmpint (r.status, !=, 2);
  *status = r.status;
  return parse_json (r.out);
}

/* The events of @kind whose summary contains @text (NULL: any). */
static guint
count_events (JsonNode *run, const char *kind, const char *text)
{
  JsonArray *events = json_object_get_array_member (json_node_get_object (run), "events");
  guint n = 0;
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      if (strcmp (json_object_get_string_member (e, "kind"), kind) == 0 &&
          (text == NULL || strstr (json_object_get_string_member (e, "summary"), text)))
        n++;
    }
  return n;
}

/* Every command the run sent to a router, with its answer, is in the audit: none failed. */
static guint
assert_commands_ok (JsonNode *run, const char *kind, const char *member)
{
  JsonArray *events = json_object_get_array_member (json_node_get_object (run), "events");
  guint n = 0;
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      JsonArray *cmds;
      if (strcmp (json_object_get_string_member (e, "kind"), kind) != 0 || !json_object_has_member (e, member))
        continue;
      cmds = json_object_get_array_member (e, member);
      for (guint k = 0; k < json_array_get_length (cmds); k++)
        {
          JsonObject *c = json_array_get_object_element (cmds, k);
          if (!json_object_has_member (c, "command"))
            continue;
          g_assert_true (json_object_has_member (c, "node") && json_object_has_member (c, "answer"));
          g_assert_true (json_object_get_boolean_member (c, "ok"));
          n++;
        }
    }
  return n;
}

/* Whether a "world" event sent @node a command containing @text. */
static gboolean
world_command (JsonNode *run, const char *node, const char *text)
{
  JsonArray *events = json_object_get_array_member (json_node_get_object (run), "events");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      JsonArray *cmds;
      if (strcmp (json_object_get_string_member (e, "kind"), "world") != 0 || !json_object_has_member (e, "commands"))
        continue;
      cmds = json_object_get_array_member (e, "commands");
      for (guint k = 0; k < json_array_get_length (cmds); k++)
        {
          JsonObject *c = json_array_get_object_element (cmds, k);
          if (json_object_has_member (c, "command") && g_strcmp0 (json_object_get_string_member (c, "node"), node) == 0 &&
              strstr (json_object_get_string_member (c, "command"), text))
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
found_cause (JsonNode *run, const char *cause)
{
  JsonArray *a = json_object_get_array_member (json_object_get_object_member (json_node_get_object (run), "result"),
                                               "root_causes_found");
  for (guint i = 0; i < json_array_get_length (a); i++)
    if (strcmp (json_array_get_string_element (a, i), cause) == 0)
      return TRUE;
  return FALSE;
}

/* Each fault kind made real on the routers (ip link, vtysh at the far end, the leaking router's
 * vtysh; netem or a stated model for the degradation) and seen by the agent, which observes the
 * routers and pushes its changes with vtysh. */
static void
test_agent_faults (Fixture *fx, gconstpointer data)
{
  g_autoptr(JsonNode) run = NULL;
  g_auto(Run) up = { 0 };
  JsonObject *result, *world;
  guint best[2], fwd[2];
  int status = 0;
  SKIP_UNLESS_POSSIBLE ();
  if (g_strcmp0 (g_getenv ("RW_LAB_AGENT"), "0") == 0)
    {
      g_test_skip ("RW_LAB_AGENT=0: the agent on the lab runs in the plain build only");
      return;
    }
  /* on a lab that is up: afterwards its state says what it runs, faults and changes included */
  cli (&up, "lab", "up", ENTERPRISE, "--name", fx->name, NULL);
  g_assert_cmpint (up.status, ==, 0);
  run = run_on_lab (fx->name, RW_SOURCE_DIR "/tests/data/lab/faults.json", "0.3", NULL, &status);
  result = json_object_get_object_member (json_node_get_object (run), "result");
  world = json_object_get_object_member (result, "world");
  g_assert_nonnull (world);
  /* every tick read the routers and compared the synchronised twin with them */
  g_assert_cmpint (json_object_get_int_member (world, "ticks_compared"), ==, 72);
  g_test_message ("faults on the lab: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " ticks contradicted, best paths %"
                  G_GINT64_FORMAT "/%" G_GINT64_FORMAT ", forwarding %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                  json_object_get_int_member (world, "ticks_contradicted"),
                  json_object_get_int_member (world, "ticks_compared"),
                  json_object_get_int_member (json_object_get_object_member (world, "best_paths"), "agree"),
                  json_object_get_int_member (json_object_get_object_member (world, "best_paths"), "total"),
                  json_object_get_int_member (json_object_get_object_member (world, "forwarding"), "agree"),
                  json_object_get_int_member (json_object_get_object_member (world, "forwarding"), "total"));
  /* the faults happened on the routers: the leak, down, up, 6 flap edges, the degradation */
  g_assert_cmpuint (count_events (run, "world", NULL), >=, 5);
  g_assert_cmpuint (assert_commands_ok (run, "world", "commands"), >=, 2 + 2 + 6 + 1);
  assert_commands_ok (run, "act", "commands");
  assert_commands_ok (run, "rollback", "commands");
  /* and the agent saw each of them, from the routers */
  g_assert_true (found_cause (run, "link_down:R2-ISPB"));
  g_assert_true (found_cause (run, "session_fault:R1-ISP-B"));
  g_assert_true (found_cause (run, "degradation:R1-ISPA"));
  /* the leak is announced by the leaking router itself, and seen in our routers' tables */
  g_assert_true (world_command (run, "ISP-C", "network 142.250.0.0/15"));
  g_assert_true (found_cause (run, "route_leak:ISP-C"));
  /* the twin, synchronised from the routers, agreed with them on every tick */
  g_assert_cmpint (json_object_get_int_member (world, "ticks_contradicted"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (result, "false_actions"), ==, 0);
  /* the lab stays up, and `lab check` finds it running what its state says */
  g_assert_cmpint (run_check (fx->name, best, fwd), ==, 0);
  g_test_message ("after the run: best paths %u/%u agree, forwarding %u/%u agree", best[0], best[1], fwd[0], fwd[1]);
  lab_down (fx->name);
  assert_nothing_left (fx->name);
}

/* The largest value of @metric on @entity among the anomalies. */
static double
max_anomaly (JsonNode *run, const char *metric, const char *entity)
{
  JsonArray *events = json_object_get_array_member (json_node_get_object (run), "events");
  double best = -1;
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      if (strcmp (json_object_get_string_member (e, "kind"), "anomaly") == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (e, "metric", ""), metric) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (e, "entity", ""), entity) == 0)
        best = MAX (best, json_object_get_double_member (e, "value"));
    }
  return best;
}

/* Real traffic: the demands as UDP flows and the links shaped, both at 1/1000; a demand that
 * jumps fills R1–ISP-A for real (measured from the interface's counters: the shaper holds it at
 * its capacity), the agent moves traffic away, and what it then measures is under the hot line. */
static void
test_agent_traffic (Fixture *fx, gconstpointer data)
{
  g_autoptr(JsonNode) run = NULL;
  JsonObject *result;
  JsonArray *events;
  double hot = -1, settled = -1;
  int status = 0;
  SKIP_UNLESS_POSSIBLE ();
  if (g_strcmp0 (g_getenv ("RW_LAB_AGENT"), "0") == 0)
    {
      g_test_skip ("RW_LAB_AGENT=0: the agent on the lab runs in the plain build only");
      return;
    }
  run = run_on_lab (fx->name, RW_SOURCE_DIR "/tests/data/lab/traffic.json", "0.3", "--traffic", &status);
  result = json_object_get_object_member (json_node_get_object (run), "result");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (result, "world"), "ticks_compared"), ==, 34);
  /* the agent acted on the congestion it measured */
  g_assert_cmpuint (count_events (run, "act", NULL), >=, 1);
  g_assert_cmpuint (count_events (run, "hypothesis", "congestion R1-ISPA"), >=, 1);
  /* what the shaper dropped, when the loss detector fired (the interval is short) */
  g_test_message ("real traffic: R1→ISP-A loss anomaly %.1f %% (-1: none)", max_anomaly (run, "loss", "R1→ISP-A"));
  events = json_object_get_array_member (json_node_get_object (run), "events");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      if (strcmp (json_object_get_string_member (e, "kind"), "act") == 0 && hot < 0)
        hot = json_object_get_double_member (e, "observed_max_utilisation");
      if (strcmp (json_object_get_string_member (e, "kind"), "settle") == 0)
        settled = json_object_get_double_member (e, "observed_max_utilisation");
    }
  g_test_message ("real traffic: the busiest link measured at %.0f %% when the agent acted", 100 * hot);
  g_assert_cmpfloat (hot, >=, 0.95);
  g_test_message ("real traffic: %.0f %% observed after the change", 100 * settled);
  g_assert_cmpfloat (settled, >, 0);
  g_assert_cmpfloat (settled, <=, 0.9);
  g_assert_cmpint (json_object_get_int_member (result, "false_actions"), ==, 0);
  assert_nothing_left (fx->name);
}

/* The flagship scenario on real routers: the figures of the closing note. */
static void
test_agent_flagship (Fixture *fx, gconstpointer data)
{
  g_autoptr(JsonNode) run = NULL;
  g_autoptr(JsonGenerator) g = json_generator_new ();
  g_autofree char *text = NULL;
  JsonObject *result;
  int status = 0;
  SKIP_UNLESS_POSSIBLE ();
  if (g_strcmp0 (g_getenv ("RW_LAB_AGENT"), "0") == 0)
    {
      g_test_skip ("RW_LAB_AGENT=0: the agent on the lab runs in the plain build only");
      return;
    }
  run = run_on_lab (fx->name, RW_SOURCE_DIR "/scenarios/flagship-growth-and-cut.json", "0.3", g_getenv ("RW_LAB_TRAFFIC") ? "--traffic" : NULL, &status);
  result = json_object_get_object_member (json_node_get_object (run), "result");
  json_generator_set_root (g, json_object_get_member (json_node_get_object (run), "result"));
  text = json_generator_to_data (g, NULL);
  g_test_message ("flagship on the lab: %s", text);
  g_assert_true (found_cause (run, "link_down:R2-ISPB"));
  g_assert_true (found_cause (run, "congestion:R1-ISPA"));
  g_assert_cmpint (json_object_get_int_member (result, "false_actions"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (result, "sr"), ==, 1);
  g_assert_cmpint (status, ==, 0);
  assert_nothing_left (fx->name);
}

/* Random networks of ours (the generator the Z3 agreement test uses: random sizes, reflectors or
 * full mesh, random LOCAL_PREF/deny/prepend/MED policies), each run as real routers through the
 * export and checked: FRR and the twin agree on every best path and every demand's forwarding,
 * except where BGP has two stable states (a wedgie, RFC 4264), which Z3 must then confirm: which
 * state FRR lands in depends on the order its sessions came up. $RW_LAB_RANDOM networks (2 by
 * default; the closing figures come from 50). */
static void
test_random (Fixture *fx, gconstpointer data)
{
  const char *env = g_getenv ("RW_LAB_RANDOM");
  guint n = env ? (guint) g_ascii_strtoull (env, NULL, 10) : 2;
  guint agree_best = 0, total_best = 0, agree_fwd = 0, total_fwd = 0, wedgies = 0, skipped = 0;
  g_autofree char *dir = NULL;

  SKIP_UNLESS_POSSIBLE ();
  dir = g_dir_make_tmp ("rw-lab-random-XXXXXX", NULL);
  g_assert_nonnull (dir);
  for (guint seed = 1; seed <= n; seed++)
    {
      g_autoptr(RwTopology) t = rt_random_topology (seed);
      g_autoptr(RwTwin) tw = NULL;
      g_autofree char *path = g_strdup_printf ("%s/random-%u.json", dir, seed);
      g_autofree char *doc = NULL;
      g_auto(Run) up = { 0 };
      guint best[2], fwd[2];
      int status;

      g_free (t->name);
      t->name = g_strdup_printf ("random %u", seed);
      tw = rw_twin_new (rw_topology_copy (t));
      if (!tw->bgp->converged)
        {
          /* no stable state: nothing for the routers to agree with */
          skipped++;
          continue;
        }
      doc = rw_topology_to_data (t, NULL);
      g_assert_true (g_file_set_contents (path, doc, -1, NULL));
      cli (&up, "lab", "up", path, "--name", fx->name, NULL);
      if (up.status != 0)
        g_test_message ("seed %u: lab up: %s%s", seed, up.out, up.err);
      g_assert_cmpint (up.status, ==, 0);
      status = run_check (fx->name, best, fwd);
      if (status != 0)
        {
          /* the one known reason: a second stable state, found by Z3 and confirmed by the rules */
          g_autoptr(RwStableStates) st = rw_safety_stable_states (tw, 60000);
          g_test_message ("seed %u: %u/%u best paths, %u/%u forwarding agree; stable states: %d%s%s", seed, best[0],
                          best[1], fwd[0], fwd[1], st->count, st->prefix ? " at " : "", st->prefix ? st->prefix : "");
          g_assert_cmpint (st->count, ==, 2);
          wedgies++;
        }
      agree_best += best[0];
      total_best += best[1];
      agree_fwd += fwd[0];
      total_fwd += fwd[1];
      lab_down (fx->name);
      assert_nothing_left (fx->name);
      g_unlink (path);
    }
  g_rmdir (dir);
  g_test_message ("%u random networks: best paths %u/%u agree, forwarding %u/%u agree; %u with two stable states, "
                  "%u without one (not run)", n, agree_best, total_best, agree_fwd, total_fwd, wedgies, skipped);
  g_assert_cmpuint (total_best, >, 0);
}

/* A shipped Containerlab lab runs with its own configurations, and the twin of those
 * configurations agrees with what the routers do. */
static void
test_example_lab (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_auto(Run) up = { 0 };
  guint best[2], fwd[2], n_sessions = 0;
  int check;

  SKIP_UNLESS_POSSIBLE ();
  path = g_strdup_printf ("%s/%s/%s.clab.yml", LABS_DIR, (const char *) data + 2, (const char *) data + 2);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no such example lab");
      return;
    }
  cli (&up, "lab", "up", path, "--name", fx->name, NULL);
  g_test_message ("lab up %s: %s%s", path, up.out, up.err);
  g_assert_cmpint (up.status, ==, 0);
  assert_all_up (fx->name, &n_sessions);
  check = run_check (fx->name, best, fwd);
  g_test_message ("%s: %u sessions; best paths %u/%u agree, forwarding %u/%u agree", path, n_sessions, best[0], best[1],
                  fwd[0], fwd[1]);
  g_assert_cmpuint (best[1], >, 0);
  g_assert_cmpint (check, ==, 0);
  lab_down (fx->name);
  assert_nothing_left (fx->name);
}

static gboolean
state_has_daemon_pid (const char *name)
{
  g_autofree char *path = g_build_filename (RW_LAB_RUN_DIR, name, "state.json", NULL);
  g_autofree char *text = read_text (path);
  return text != NULL && g_regex_match_simple ("\"pid\"\\s*:\\s*[1-9]", text, 0, 0);
}

static guint
count_namespaces (const char *name)
{
  g_autoptr(GPtrArray) left = leftovers (name);
  guint n = 0;
  for (guint i = 0; i < left->len; i++)
    n += g_str_has_prefix (left->pdata[i], "namespace ");
  return n;
}

/* Starts `lab up` of the default network in the background and returns once it has started a
 * daemon (or after a minute): the lab is then half made. */
static GPid
start_up_in_background (const char *name)
{
  const char *argv[] = { CLI, "lab", "up", ENTERPRISE, "--name", name, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;
  gint64 deadline;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!state_has_daemon_pid (name) && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  return pid;
}

/* `lab up` killed with SIGKILL while it starts the daemons: `lab down` still removes it all. */
static void
test_kill9_then_down (Fixture *fx, gconstpointer data)
{
  GPid pid;
  int status = 0;

  SKIP_UNLESS_POSSIBLE ();
  pid = start_up_in_background (fx->name);
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  /* the test means something: the lab was half made when its maker died */
  g_assert_cmpuint (count_namespaces (fx->name), ==, 15);
  g_assert_true (state_has_daemon_pid (fx->name));

  lab_down (fx->name);
  assert_nothing_left (fx->name);
}

/* `lab down` while `lab up` of the same lab still runs: the maker is stopped first, so that it
 * cannot go on making what down removed. */
static void
test_down_while_up (Fixture *fx, gconstpointer data)
{
  GPid pid;
  int status = 0;

  SKIP_UNLESS_POSSIBLE ();
  pid = start_up_in_background (fx->name);
  g_assert_true (state_has_daemon_pid (fx->name));
  lab_down (fx->name);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_false (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  /* and nothing comes back once the maker is gone */
  g_usleep (G_USEC_PER_SEC);
  assert_nothing_left (fx->name);
}

int
main (int argc, char **argv)
{
  static const int fatal[] = { SIGABRT, SIGTERM, SIGINT, SIGSEGV, SIGBUS };
  g_autoptr(GDir) labs = NULL;
  g_autoptr(GPtrArray) examples = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  const char *e;

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (fatal); i++)
    signal (fatal[i], on_fatal_signal);
  if (lab_possible ())
    down_stale_labs ();
  else
    g_test_message (SKIP_MESSAGE);

  g_test_add_func ("/lab/environment-messages", test_environment_messages);
  g_test_add_func ("/lab/bad-input", test_bad_input);
  g_test_add ("/lab/enterprise", Fixture, "en", fixture_setup, test_enterprise, fixture_teardown);
  g_test_add ("/lab/kill9-then-down", Fixture, "k9", fixture_setup, test_kill9_then_down, fixture_teardown);
  g_test_add ("/lab/down-while-up", Fixture, "dw", fixture_setup, test_down_while_up, fixture_teardown);
  g_test_add ("/lab/random", Fixture, "rn", fixture_setup, test_random, fixture_teardown);
  g_test_add ("/lab/agent/faults", Fixture, "af", fixture_setup, test_agent_faults, fixture_teardown);
  g_test_add ("/lab/agent/traffic", Fixture, "tr", fixture_setup, test_agent_traffic, fixture_teardown);
  g_test_add ("/lab/agent/flagship", Fixture, "fl", fixture_setup, test_agent_flagship, fixture_teardown);
  /* every example lab there is, each with a lab name of its own ("x" + its index) */
  labs = g_dir_open (LABS_DIR, 0, NULL);
  while (labs && (e = g_dir_read_name (labs)))
    {
      g_autofree char *clab = g_strdup_printf ("%s/%s/%s.clab.yml", LABS_DIR, e, e);
      if (g_file_test (clab, G_FILE_TEST_EXISTS))
        g_ptr_array_add (examples, g_strdup (e));
    }
  g_ptr_array_sort (examples, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < examples->len && i < 6; i++)
    {
      g_autofree char *test = g_strdup_printf ("/lab/example/%s", (char *) examples->pdata[i]);
      /* the fixture data: a two-letter suffix, then the lab's folder name */
      char *data = g_strdup_printf ("x%u%s", i, (char *) examples->pdata[i]);
      g_ptr_array_add (keep, data); /* until the end of the run */
      g_test_add (test, Fixture, data, fixture_setup, test_example_lab, fixture_teardown);
    }
  return g_test_run ();
}
