/* test-cli.c — routewise-cli as a user runs it: the contract document, exit codes, messages,
 * rendered files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#define CLI RW_BUILD_DIR "/src/cli/routewise-cli"
#define ENTERPRISE RW_SOURCE_DIR "/data/topologies/enterprise.json"

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
cli (Run *r, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  va_list ap;
  int wait_status;
  g_ptr_array_add (argv, (char *) CLI);
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  /* Graphviz's text layout leaks through pango into g_realloc; LeakSanitizer needs the slow
   * unwinder to see those frames and apply the suppressions. Only rendering needs it (it would
   * make Z3, which allocates a lot, crawl). */
  if (g_strcmp0 (first, "render") == 0)
    {
      const char *lsan = g_getenv ("LSAN_OPTIONS");
      g_autofree char *opts = g_strdup_printf ("%s%sfast_unwind_on_malloc=0", lsan ? lsan : "", lsan ? ":" : "");
      envp = g_environ_setenv (g_get_environ (), "LSAN_OPTIONS", opts, TRUE);
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &r->out, &r->err,
                               &wait_status, &error));
  g_assert_no_error (error);
  r->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128;
}

static void
assert_keys (JsonObject *o, const char *const *keys)
{
  g_autoptr(GList) members = json_object_get_members (o);
  g_assert_cmpuint (g_list_length (members), ==, g_strv_length ((char **) keys));
  for (guint i = 0; keys[i]; i++)
    if (!json_object_has_member (o, keys[i]))
      g_error ("missing key %s", keys[i]);
}

static void
test_simulate_json_contract (void)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  static const char *top[] = { "converged", "iterations", "routes", "demands", "links", "transit_cost", "stable_states", NULL };
  static const char *isp[] = { "isp", "gb", "usage", "cost", NULL };
  static const char *route[] = { "prefix", "best", "from", "egress", "as_path", "local_pref", "med", "origin",
                                 "weight", "ibgp", "communities", "originator_id", "cluster_list", NULL };
  static const char *demand[] = { "id", "path", "status", "latency_ms", "loss_pct", "sla_ok", NULL };
  static const char *link[] = { "id", "from", "to", "load_mbps", "utilisation", NULL };
  JsonObject *o, *routes;
  JsonArray *links;
  gboolean found = FALSE;

  cli (&r, "simulate", ENTERPRISE, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  o = json_node_get_object (json_parser_get_root (parser));
  assert_keys (o, top);
  g_assert_true (json_object_get_boolean_member (o, "converged"));
  g_assert_cmpint (json_object_get_int_member (o, "stable_states"), ==, 1); /* Z3 finds no wedgie */
  routes = json_object_get_object_member (o, "routes");
  g_assert_true (json_object_has_member (routes, "R1"));
  g_assert_true (json_object_has_member (routes, "ISP-A")); /* external nodes too */
  {
    JsonArray *r1 = json_object_get_array_member (routes, "R1");
    g_assert_cmpuint (json_array_get_length (r1), >, 10);
    for (guint i = 0; i < json_array_get_length (r1); i++)
      assert_keys (json_array_get_object_element (r1, i), route);
  }
  {
    JsonArray *d = json_object_get_array_member (o, "demands");
    g_assert_cmpuint (json_array_get_length (d), >=, 10);
    for (guint i = 0; i < json_array_get_length (d); i++)
      {
        JsonObject *dm = json_array_get_object_element (d, i);
        assert_keys (dm, demand);
        g_assert_cmpstr (json_object_get_string_member (dm, "status"), ==, "ok");
      }
  }
  links = json_object_get_array_member (o, "links");
  for (guint i = 0; i < json_array_get_length (links); i++)
    {
      JsonObject *l = json_array_get_object_element (links, i);
      assert_keys (l, link);
      if (g_strcmp0 (json_object_get_string_member (l, "id"), "R1-ISPA") == 0 &&
          g_strcmp0 (json_object_get_string_member (l, "from"), "R1") == 0)
        {
          double u = json_object_get_double_member (l, "utilisation");
          /* the default network's story: R1–ISP-A near 70 % */
          g_assert_cmpfloat (u, >=, 0.6);
          g_assert_cmpfloat (u, <=, 0.8);
          found = TRUE;
        }
    }
  g_assert_true (found);
  {
    /* the default network's prices per GB; a month of 1 Mbps is 324 GB */
    static const struct { const char *isp; double price; } prices[] = {
      { "ISP-A", 0.02 }, { "ISP-B", 0.015 }, { "ISP-C", 0.025 },
    };
    JsonObject *tc = json_object_get_object_member (o, "transit_cost");
    JsonArray *isps = json_object_get_array_member (tc, "isps");
    double sum = 0;
    g_assert_cmpuint (json_array_get_length (isps), ==, G_N_ELEMENTS (prices));
    for (guint i = 0; i < json_array_get_length (isps); i++)
      {
        JsonObject *c = json_array_get_object_element (isps, i);
        double gb = json_object_get_double_member (c, "gb");
        assert_keys (c, isp);
        g_assert_cmpstr (json_object_get_string_member (c, "isp"), ==, prices[i].isp);
        g_assert_cmpfloat (gb, >, 0);
        g_assert_cmpint ((gint64) gb % 324, ==, 0); /* whole Mbps in the default network */
        g_assert_cmpfloat_with_epsilon (json_object_get_double_member (c, "cost"), gb * prices[i].price, 0.01);
        sum += json_object_get_double_member (c, "cost");
      }
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (tc, "total"), sum, 0.01);
  }
}

static void
test_simulate_human (void)
{
  g_auto(Run) r = { 0 };
  cli (&r, "simulate", ENTERPRISE, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "BGP converged"));
  g_assert_nonnull (strstr (r.out, "Transit cost a month"));
  g_assert_nonnull (strstr (r.out, "R1→ISP-A"));
}

static void
test_whatif_fibre_cut (void)
{
  g_auto(Run) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  cli (&r, "whatif", ENTERPRISE, "link-down:R2-ISPB", "--json", NULL);
  /* the cut pushes the failover onto R2–ISP-C: a finding */
  g_assert_cmpint (r.status, ==, 1);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpfloat (json_object_get_double_member (o, "blast_radius"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (o, "blast_radius"), <=, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "moved_demands")), >=, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "sla_violations_added")), >=, 1);
  g_assert_true (json_object_get_boolean_member (o, "converged_after"));
  /* the 1 800 Mbps AWS backup flow moves from Idea (0.015) to Vodafone (0.025): 1800 x 324 x 0.01 */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "transit_cost_change"), 5832, 0.01);
  g_assert_cmpfloat (json_object_get_double_member (o, "transit_cost_after"), >, json_object_get_double_member (o, "transit_cost_before"));
}

static void
test_whatif_harmless_change (void)
{
  g_auto(Run) r = { 0 };
  cli (&r, "whatif", ENTERPRISE, "igp-cost:R1-R2:12", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "blast radius"));
}

static void
test_bad_input_exit_2 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rw-cli-XXXXXX", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.json", NULL);
  g_autofree char *typo = g_build_filename (dir, "typo.json", NULL);
  g_autofree char *missing_dir_out = g_build_filename (dir, "no", "such", "out.svg", NULL);
  g_autofree char *ent = NULL;
  g_autofree char *typo_text = NULL;
  struct { const char *args[6]; const char *expect; } cases[] = {
    { { "simulate", "/nonexistent/net.json" }, "/nonexistent/net.json: cannot read" },
    { { "simulate", ENTERPRISE, ENTERPRISE }, "at most one topology" },
    { { "frobnicate" }, "unknown command 'frobnicate'" },
    { { "whatif", ENTERPRISE, "link-down:R9-X" }, "unknown link 'R9-X'" },
    { { "whatif", ENTERPRISE }, "at least one change" },
    { { "render", ENTERPRISE, "--view", "paths", "-o" }, "" },
    { { "render", ENTERPRISE, "--view", "maps", "-o", "x.svg" }, "'maps' is not 'topology' or 'paths'" },
    { { "bench", "--routers", "1" }, "routers" },
    { { "simulate", "--bogus" }, "Unknown option" },
  };
  g_assert_true (g_file_set_contents (broken, "{\"format\": \"routewise-topology\", \"version\": 1, \"nodes\": [", -1, NULL));
  g_assert_true (g_file_get_contents (ENTERPRISE, &ent, NULL, NULL));
  typo_text = g_strdup (ent);
  {
    char *p = strstr (typo_text, "\"capacity_mbps\"");
    memcpy (p, "\"capacity_mpbs\"", 15);
  }
  g_assert_true (g_file_set_contents (typo, typo_text, -1, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) r = { 0 };
      const char **a = cases[i].args;
      cli (&r, a[0], a[1], a[2], a[3], a[4], a[5], NULL);
      if (r.status != 2)
        g_error ("case %u (%s): exit %d, stderr: %s", i, a[0], r.status, r.err);
      if (strstr (r.err, cases[i].expect) == NULL)
        g_error ("case %u: stderr '%s' lacks '%s'", i, r.err, cases[i].expect);
    }
  {
    g_auto(Run) r = { 0 };
    cli (&r, "simulate", broken, NULL);
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, broken));
    g_assert_nonnull (strstr (r.err, "not valid JSON"));
  }
  {
    g_auto(Run) r = { 0 };
    cli (&r, "simulate", typo, NULL);
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "links[0].capacity_mpbs: unknown key"));
  }
  {
    g_auto(Run) r = { 0 };
    cli (&r, "render", ENTERPRISE, "-o", missing_dir_out, NULL);
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "cannot write"));
  }
  g_remove (broken);
  g_remove (typo);
  g_rmdir (dir);
}

/* Hostile input (issue 15): each of these crashed, hung, ran without end or was accepted. Now each
 * is refused with exit 2 and a message that names the file and the problem. */
static void
test_hostile_input (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rw-cli-XXXXXX", NULL);
  g_autofree char *deep = g_build_filename (dir, "deep.json", NULL);
  g_autofree char *two = g_build_filename (dir, "two.json", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.json", NULL);
  g_autofree char *tick = g_build_filename (dir, "tick.json", NULL);
  g_autofree char *db = g_build_filename (dir, "ws.db", NULL);
  g_autofree char *keys = g_build_filename (dir, "keys.json", NULL);
  g_autofree char *brackets = g_strnfill (104000, '[');
  g_autofree char *deep_text = g_strconcat ("{\"format\": \"routewise-topology\", \"version\": 1, \"name\": ", brackets, NULL);
  g_autofree char *ent = NULL, *two_text = NULL, *tick_text = NULL, *long_text = NULL;
  struct { const char *args[8]; const char *expect; } cases[] = {
    /* a 104 KB file of '[' overflowed json-glib's stack: SIGSEGV */
    { { "simulate", deep }, "nested deeper than 64 levels" },
    /* the second document was ignored and the command exited 0 */
    /* (the line after the last of data/topologies/enterprise.json) */
    { { "simulate", two }, "line 996, column 1: more text after the end of the JSON document" },
    /* a FIFO blocked for ever, /dev/zero was read until memory ran out */
    { { "simulate", fifo }, ": not a regular file (a FIFO)" },
    { { "simulate", "/dev/zero" }, "/dev/zero: not a regular file (a device)" },
    { { "run", fifo, "--db", db }, ": not a regular file (a FIFO)" },
    /* a policy change at an ISP's router is not ours to make */
    { { "whatif", ENTERPRISE, "local-pref:ISP-B:R1:200" }, "'ISP-B' is not one of our routers (it is external)" },
    /* 1e308 s per tick printed "inf" in run --json */
    { { "run", tick, "--json", "--db", db }, "tick_s: must be between 0.001 and 86400 seconds" },
    /* a directory as the key file was reported as "mode 755" */
    { { "incident", "fibre cut", "--db", db, "--keys", dir }, ": the key file is not a regular file" },
    { { "incident", "fibre cut", "--db", db, "--keys", keys, "--runbooks", fifo }, ": not a regular file (a FIFO)" },
    { { "incident", "--harness", fifo, "--db", db, "--keys", keys }, ": not a regular file (a FIFO)" },
  };

  g_assert_true (g_file_set_contents (deep, deep_text, -1, NULL));
  g_assert_true (g_file_get_contents (ENTERPRISE, &ent, NULL, NULL));
  two_text = g_strconcat (ent, "{\"format\": \"routewise-topology\", \"version\": 1, \"nodes\": []}\n", NULL);
  g_assert_true (g_file_set_contents (two, two_text, -1, NULL));
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  tick_text = g_strdup_printf ("{\"format\": \"routewise-scenario\", \"version\": 1, \"name\": \"x\", \"topology\": \"%s\","
                               " \"seed\": 1, \"tick_s\": 1e308, \"ticks\": 40}", ENTERPRISE);
  g_assert_true (g_file_set_contents (tick, tick_text, -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) r = { 0 };
      const char **a = cases[i].args;
      cli (&r, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], NULL);
      if (r.status != 2)
        g_error ("case %u (%s %s): exit %d, stderr: %s", i, a[0], a[1], r.status, r.err);
      if (strstr (r.err, cases[i].expect) == NULL)
        g_error ("case %u: stderr '%s' lacks '%s'", i, r.err, cases[i].expect);
    }
  {
    /* incident text has a cap, and says it */
    g_auto(Run) r = { 0 };
    long_text = g_strnfill (64 * 1024 + 1, 'x');
    memcpy (long_text, "fibre cut ", 10);
    cli (&r, "incident", long_text, "--db", db, "--keys", keys, NULL);
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "the incident text is 65537 bytes, more than the 64 KiB an incident may have"));
  }
  g_remove (deep);
  g_remove (two);
  g_remove (fifo);
  g_remove (tick);
  g_remove (keys);
  g_remove (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL), *shm = g_strconcat (db, "-shm", NULL);
    g_remove (wal);
    g_remove (shm);
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_render_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rw-render-XXXXXX", NULL);
  const char *names[] = { "topo.svg", "topo.png", "topo.dot", "paths.svg", "paths.png" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_auto(Run) r = { 0 };
      g_autofree char *out = g_build_filename (dir, names[i], NULL);
      g_autofree char *data = NULL;
      gsize len;
      gboolean paths = g_str_has_prefix (names[i], "paths");
      cli (&r, "render", ENTERPRISE, "--view", paths ? "paths" : "topology", "--demand", "dc-web-to-google", "-o", out, NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_true (g_file_get_contents (out, &data, &len, NULL));
      if (g_str_has_suffix (names[i], ".svg"))
        {
          g_assert_nonnull (strstr (data, "<svg"));
          g_assert_nonnull (strstr (data, paths ? "GOOGLE" : "Jio"));
        }
      else if (g_str_has_suffix (names[i], ".png"))
        {
          g_assert_cmpuint (len, >, 1000);
          g_assert_cmpmem (data, 4, "\x89PNG", 4);
          /* keep a copy to look at */
          {
            g_autofree char *keep = g_strdup_printf ("%s/tests/render-%s", RW_BUILD_DIR, names[i]);
            g_file_set_contents (keep, data, (gssize) len, NULL);
          }
        }
      else
        g_assert_nonnull (strstr (data, "graph topology"));
      g_remove (out);
    }
  g_rmdir (dir);
}

static void
test_help_and_bench (void)
{
  const char *cmds[] = { "simulate", "whatif", "render", "bench", "verify", "synth" };
  for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      g_auto(Run) r = { 0 };
      cli (&r, cmds[i], "--help", NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "Usage:"));
    }
  {
    g_auto(Run) r = { 0 };
    cli (&r, "bench", "--routers", "10", "--isps", "3", "--prefixes", "2000", "--seed", "7", "--no-z3", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "converged yes"));
    g_assert_nonnull (strstr (r.out, "peak memory"));
  }
  {
    /* --json: every figure named, measured ones as numbers, the skipped Z3 ones as null */
    g_auto(Run) r = { 0 };
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *o;
    static const char *keys[] = { "solve_s", "whatif_s", "whatif_prefix_s", "import_s", "verify_k0_s", "verify_k1_s", "robustness_s",
                                  "synth_s", "stable_states_s", "decision_s", "tick_ms", "peak_mib", NULL };
    cli (&r, "bench", "--routers", "10", "--isps", "3", "--prefixes", "2000", "--seed", "7", "--no-z3",
         "--import-routers", "12", "--json", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
    o = json_node_get_object (json_parser_get_root (parser));
    assert_keys (o, keys);
    g_assert_cmpfloat (json_object_get_double_member (o, "solve_s"), >, 0);
    g_assert_cmpfloat (json_object_get_double_member (o, "whatif_prefix_s"), >, 0);
    g_assert_cmpfloat (json_object_get_double_member (o, "import_s"), >, 0);
    g_assert_cmpfloat (json_object_get_double_member (o, "peak_mib"), >, 0);
    g_assert_true (json_object_get_null_member (o, "verify_k1_s"));
    g_assert_true (json_object_get_null_member (o, "decision_s"));
  }
}

static JsonObject *
parse_object (JsonParser *parser, const char *text)
{
  g_autoptr(GError) error = NULL;
  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("not JSON (%s): %s", error->message, text);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_verify_rules_in_words (void)
{
  static const char *keys[] = { "safe", "unknown", "violations", "counterexample", "seconds", NULL };
  g_auto(Run) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  JsonArray *v;
  gboolean headroom = FALSE;
  cli (&r, "verify", ENTERPRISE, "demand:dc-web-to-google:4500", "--k", "0", "--headroom", "0.85", "--json", NULL);
  g_assert_cmpint (r.status, ==, 1);
  o = parse_object (parser, r.out);
  assert_keys (o, keys);
  g_assert_false (json_object_get_boolean_member (o, "safe"));
  g_assert_true (json_object_get_null_member (o, "counterexample"));
  v = json_object_get_array_member (o, "violations");
  for (guint i = 0; i < json_array_get_length (v); i++)
    {
      JsonObject *x = json_array_get_object_element (v, i);
      if (g_strcmp0 (json_object_get_string_member (x, "rule"), "headroom") == 0 &&
          g_strcmp0 (json_object_get_string_member (x, "entity"), "R1→ISP-A") == 0)
        {
          g_assert_nonnull (strstr (json_object_get_string_member (x, "message"), "would run at 89 % (limit 85 %)"));
          headroom = TRUE;
        }
    }
  g_assert_true (headroom);
}

static void
test_verify_blackhole_and_safe (void)
{
  g_auto(Run) bad = { 0 };
  g_auto(Run) ok = { 0 };
  g_auto(Run) typo = { 0 };
  cli (&bad, "verify", ENTERPRISE, "session-down:R3:R1", "--k", "0", NULL);
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_nonnull (strstr (bad.out, "UNSAFE"));
  g_assert_nonnull (strstr (bad.out, "would be blackholed: R1 has no route to 203.0.113.0/24"));
  cli (&ok, "verify", ENTERPRISE, "igp-cost:R1-R2:12", "--k", "0", NULL);
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_nonnull (strstr (ok.out, "SAFE"));
  cli (&typo, "verify", ENTERPRISE, "local-pref:R1:ISP-Q:100", NULL);
  g_assert_cmpint (typo.status, ==, 2);
  g_assert_nonnull (strstr (typo.err, "unknown neighbour 'ISP-Q'"));
}

static void
test_verify_counterexample (void)
{
  static const char *keys[] = { "failed", "demand", "effect", "message", NULL };
  g_auto(Run) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o, *cex;
  cli (&r, "verify", ENTERPRISE, "--k", "1", "--json", NULL);
  g_assert_cmpint (r.status, ==, 1);
  o = parse_object (parser, r.out);
  cex = json_object_get_object_member (o, "counterexample");
  g_assert_nonnull (cex);
  assert_keys (cex, keys);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (cex, "failed")), ==, 1);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (cex, "message"), "if "));
}

static void
test_synth_then_whatif (void)
{
  static const char *keys[] = { "changes", "max_utilisation_before", "max_utilisation_after", "confirmed", "proven",
                                "evaluated", "seconds", NULL };
  const char *grow[] = { "demand:dc-web-to-google:4086", "demand:dc-web-to-google-apis:943", "demand:dc-web-to-google-dns:157",
                         "demand:dc-web-to-cloudflare:2357", "demand:dc-web-to-cloudflare-dns:157", "demand:dc-web-to-aws:3300" };
  g_auto(Run) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) parser2 = json_parser_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int wait_status;
  JsonObject *o, *w;
  JsonArray *changes;
  cli (&r, "synth", ENTERPRISE, grow[0], grow[1], grow[2], grow[3], grow[4], grow[5], "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  o = parse_object (parser, r.out);
  assert_keys (o, keys);
  g_assert_true (json_object_get_boolean_member (o, "confirmed"));
  g_assert_true (json_object_get_boolean_member (o, "proven"));
  g_assert_cmpfloat (json_object_get_double_member (o, "max_utilisation_before"), >, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (o, "max_utilisation_after"), <=, 0.9);
  changes = json_object_get_array_member (o, "changes");
  g_assert_cmpuint (json_array_get_length (changes), >, 0);
  /* whatif confirms: the same growth plus the synthesised changes keeps every link under 90 % */
  g_ptr_array_add (argv, (char *) CLI);
  g_ptr_array_add (argv, (char *) "whatif");
  g_ptr_array_add (argv, (char *) ENTERPRISE);
  for (guint i = 0; i < G_N_ELEMENTS (grow); i++)
    g_ptr_array_add (argv, (char *) grow[i]);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    g_ptr_array_add (argv, (char *) json_array_get_string_element (changes, i));
  g_ptr_array_add (argv, (char *) "--json");
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                               &wait_status, &error));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);
  w = parse_object (parser2, out);
  g_assert_cmpfloat (json_object_get_double_member (w, "max_utilisation_after"), <=, 0.9);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (w, "sla_violations_added")), ==, 0);
}


/* ---- incident intake ---- */

#define DONE_CHECK "R2 lost the Idea uplink after the fibre cut, users see slow pages"

static void
test_incident_json_contract (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rw-cli-incident-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "ws.db", NULL);
  g_autofree char *keys = g_build_filename (dir, "keys.json", NULL);
  g_autofree char *bad = g_build_filename (dir, "runbooks.json", NULL);
  g_auto(Run) r = { 0 };
  g_auto(Run) t = { 0 };
  g_auto(Run) k = { 0 };
  g_auto(Run) e = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) tparser = json_parser_new ();
  static const char *top[] = { "runbook", "candidates", "entities", "plan", "results", "ticket", NULL };
  static const char *runbook[] = { "id", "title", "score", NULL };
  static const char *candidate[] = { "id", "score", NULL };
  static const char *entity[] = { "kind", "id", "text", NULL };
  static const char *plan[] = { "plan_id", "plan_version", "tasks", NULL };
  static const char *task[] = { "task_id", "type", "target", "args", "dependencies", "assigned_to", NULL };
  static const char *result[] = { "task_id", "status", "out", NULL };
  static const char *ticket[] = { "id", "status", NULL };
  JsonObject *o, *p;
  JsonArray *a;
  gboolean r2 = FALSE, ispb = FALSE, acted = FALSE;

  g_assert_no_error (error);
  cli (&r, "incident", DONE_CHECK, "--db", db, "--keys", keys, "--json", NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  o = json_node_get_object (json_parser_get_root (parser));
  assert_keys (o, top);
  assert_keys (json_object_get_object_member (o, "runbook"), runbook);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "runbook"), "id"), ==, "fibre-cut");
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (o, "runbook"), "score"), >, 0);
  a = json_object_get_array_member (o, "candidates");
  g_assert_cmpuint (json_array_get_length (a), >, 1);
  for (guint i = 0; i < json_array_get_length (a); i++)
    assert_keys (json_array_get_object_element (a, i), candidate);
  /* ranked: scores never increase */
  for (guint i = 1; i < json_array_get_length (a); i++)
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (a, i), "score"), <=,
                       json_object_get_double_member (json_array_get_object_element (a, i - 1), "score"));
  a = json_object_get_array_member (o, "entities");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *en = json_array_get_object_element (a, i);
      assert_keys (en, entity);
      r2 |= g_str_equal (json_object_get_string_member (en, "id"), "R2")
            && g_str_equal (json_object_get_string_member (en, "kind"), "router");
      ispb |= g_str_equal (json_object_get_string_member (en, "id"), "ISP-B")
              && g_str_equal (json_object_get_string_member (en, "text"), "Idea");
    }
  g_assert_true (r2 && ispb);
  p = json_object_get_object_member (o, "plan");
  assert_keys (p, plan);
  g_assert_cmpint (json_object_get_int_member (p, "plan_version"), ==, 1);
  a = json_object_get_array_member (p, "tasks");
  g_assert_cmpuint (json_array_get_length (a), ==, 6);
  for (guint i = 0; i < json_array_get_length (a); i++)
    assert_keys (json_array_get_object_element (a, i), task);
  a = json_object_get_array_member (o, "results");
  g_assert_cmpuint (json_array_get_length (a), ==, 6);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *res = json_array_get_object_element (a, i);
      assert_keys (res, result);
      g_assert_cmpstr (json_object_get_string_member (res, "status"), ==, "done");
      if (g_str_equal (json_object_get_string_member (res, "task_id"), "t5"))
        {
          JsonObject *out = json_object_get_object_member (res, "out");
          /* the change went through Z3 and the guard */
          g_assert_cmpstr (json_object_get_string_member (out, "verified"), ==, "safe");
          g_assert_cmpstr (json_object_get_string_member (out, "tier"), ==, "T1");
          acted = json_array_get_length (json_object_get_array_member (out, "changes")) > 0;
        }
    }
  g_assert_true (acted);
  assert_keys (json_object_get_object_member (o, "ticket"), ticket);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "ticket"), "status"), ==, "resolved");

  /* the ticket is in the database */
  cli (&t, "tickets", "--db", db, "--json", NULL);
  g_assert_cmpint (t.status, ==, 0);
  g_assert_true (json_parser_load_from_data (tparser, t.out, -1, &error));
  a = json_node_get_array (json_parser_get_root (tparser));
  g_assert_cmpuint (json_array_get_length (a), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (a, 0), "status"), ==, "resolved");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (a, 0), "updates"), ==, 6);

  /* keys rotate keeps the file private and counts up */
  cli (&k, "keys", "rotate", "--keys", keys, NULL);
  g_assert_cmpint (k.status, ==, 0);
  g_assert_nonnull (strstr (k.out, "key version 2 is now current (2 keys kept)"));

  /* the envelopes stored with the ticket were signed with key 1 and still verify after the
   * rotation; editing one in the database is caught */
  {
    g_auto(Run) v = { 0 };
    g_auto(Run) w = { 0 };
    sqlite3 *sdb;
    cli (&v, "tickets", "--verify", "--db", db, "--keys", keys, NULL);
    g_assert_cmpint (v.status, ==, 0);
    g_assert_nonnull (strstr (v.out, "6 task envelopes checked, 0 bad"));
    g_assert_cmpint (sqlite3_open (db, &sdb), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (sdb, "UPDATE ticket_updates SET detail = replace (detail, '\"strategy\":\"shift_away\"', "
                                        "'\"strategy\":\"drain\"') WHERE task_id = 't5'", NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_changes (sdb), ==, 1);
    sqlite3_close (sdb);
    cli (&w, "tickets", "--verify", "--db", db, "--keys", keys, NULL);
    g_assert_cmpint (w.status, ==, 1);
    g_assert_nonnull (strstr (w.out, "BAD ticket 1, update 5 (task t5)"));
    g_assert_nonnull (strstr (w.out, "tampered"));
    g_assert_nonnull (strstr (w.out, "6 task envelopes checked, 1 bad"));
  }

  /* bad input: exit 2 and a message naming the file and the JSON path */
  g_assert_true (g_file_set_contents (bad, "{\"format\":\"routewise-runbooks\",\"version\":1,\"runbooks\":[{\"id\":1}]}", -1, NULL));
  cli (&e, "incident", "fibre cut", "--db", db, "--keys", keys, "--runbooks", bad, NULL);
  g_assert_cmpint (e.status, ==, 2);
  g_assert_nonnull (strstr (e.err, "runbooks.json: runbooks[0].id"));
  run_clear (&e);
  memset (&e, 0, sizeof e);
  cli (&e, "incident", "--db", db, "--keys", keys, NULL);
  g_assert_cmpint (e.status, ==, 2);
  g_assert_nonnull (strstr (e.err, "needs the incident text"));
  run_clear (&e);
  memset (&e, 0, sizeof e);
  g_assert_cmpint (g_chmod (keys, 0644), ==, 0);
  cli (&e, "keys", "rotate", "--keys", keys, NULL);
  g_assert_cmpint (e.status, ==, 2);
  g_assert_nonnull (strstr (e.err, "chmod 600"));

  {
    const char *names[] = { "ws.db", "ws.db-wal", "ws.db-shm", "keys.json", "runbooks.json", NULL };
    for (guint i = 0; names[i]; i++)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
}


static void
test_incident_harness (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rw-cli-harness-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "ws.db", NULL);
  g_autofree char *keys = g_build_filename (dir, "keys.json", NULL);
  g_auto(Run) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *overall;
  JsonArray *rows;

  cli (&r, "incident", "--harness", RW_SOURCE_DIR "/data/incidents.json", "--db", db, "--keys", keys, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  overall = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "overall");
  rows = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "incidents");
  g_assert_cmpuint (json_array_get_length (rows), >=, 12);
  g_assert_cmpfloat (json_object_get_double_member (overall, "retrieval_accuracy"), ==, 1.0);
  /* the rulebook's plans are close to the engineers' reference plans, not identical */
  g_assert_cmpfloat (json_object_get_double_member (overall, "tged"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (overall, "tged"), <, 0.2);
  /* some shipped incidents deviate on the healthy network and replan: MRL is measured */
  g_assert_cmpint (json_object_get_int_member (overall, "replans"), >, 0);
  g_assert_false (json_object_get_null_member (overall, "mrl_ms"));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      g_assert_cmpstr (json_object_get_string_member (row, "runbook"), ==, json_object_get_string_member (row, "expected"));
    }
  {
    const char *names[] = { "ws.db", "ws.db-wal", "ws.db-shm", "keys.json", NULL };
    for (guint i = 0; names[i]; i++)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

/* The scenario harness reports the incidents' retrieval, TGED and MRL beside SR, MTTD, MTTR. */
static void
test_harness_with_incidents (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(Run) r = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o, *inc;
  cli (&r, "harness", RW_SOURCE_DIR "/scenarios/quiet-network.json", "--incidents", RW_SOURCE_DIR "/data/incidents.json",
       "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (o, "scenarios"));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (o, "overall"), "sr"), ==, 1.0);
  inc = json_object_get_object_member (json_object_get_object_member (o, "incidents"), "overall");
  g_assert_cmpfloat (json_object_get_double_member (inc, "retrieval_accuracy"), ==, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (inc, "tged"), <, 0.2);
  g_assert_false (json_object_get_null_member (inc, "mrl_ms"));
  /* a missing incidents file is bad input */
  {
    g_auto(Run) bad = { 0 };
    cli (&bad, "harness", RW_SOURCE_DIR "/scenarios/quiet-network.json", "--incidents", "/nonexistent/incidents.json", "--json", NULL);
    g_assert_cmpint (bad.status, ==, 2);
    g_assert_nonnull (strstr (bad.err, "/nonexistent/incidents.json"));
  }
}

/* ---- issue 15: the audit log and the keys, as a user runs them ---- */

static char *
sql_text (const char *db, const char *sql)
{
  sqlite3 *h;
  sqlite3_stmt *st;
  char *out = NULL;
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (h, sql, -1, &st, NULL), ==, SQLITE_OK);
  if (sqlite3_step (st) == SQLITE_ROW)
    out = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  sqlite3_close (h);
  return out;
}

static void
sql_exec (const char *db, const char *sql)
{
  sqlite3 *h;
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (h, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (h);
}

/* Cut the tail and fix meta's head: `audit verify` said "intact"; now it names the events. */
static void
test_audit_verify_cut_tail (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rw-cli-audit-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "ws.db", NULL);
  g_autofree char *head = NULL, *last = NULL, *sql = NULL, *want = NULL, *cut_hash = NULL;
  g_auto(Run) r = { 0 };
  g_auto(Run) v = { 0 };
  g_auto(Run) j = { 0 };
  g_auto(Run) k = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  gint64 n;

  cli (&r, "run", RW_SOURCE_DIR "/scenarios/flapping-peer.json", "--db", db, NULL);
  g_assert_cmpint (r.status, ==, 0);
  cli (&v, "audit", "verify", db, NULL);
  g_assert_cmpint (v.status, ==, 0);
  g_assert_nonnull (strstr (v.out, "is intact"));
  g_assert_null (strstr (v.out, "predate"));
  last = sql_text (db, "SELECT max (seq) FROM audit");
  n = g_ascii_strtoll (last, NULL, 10);
  g_assert_cmpint (n, >, 10);
  cut_hash = sql_text (db, "SELECT hash FROM audit WHERE seq = 5");
  sql = g_strdup_printf ("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > 5;"
                         "UPDATE meta SET value = '5' WHERE key = 'audit_head_seq';"
                         "UPDATE meta SET value = '%s' WHERE key = 'audit_head_hash'", cut_hash);
  sql_exec (db, sql);
  cli (&j, "audit", "verify", db, "--json", NULL);
  g_assert_cmpint (j.status, ==, 1);
  g_assert_true (json_parser_load_from_data (parser, j.out, -1, NULL));
  {
    JsonObject *o = json_node_get_object (json_parser_get_root (parser));
    g_assert_false (json_object_get_boolean_member (o, "intact"));
    g_assert_cmpint (json_object_get_int_member (o, "first_bad_seq"), ==, 6);
    want = g_strdup_printf ("events 6–%" G_GINT64_FORMAT " are missing: the signed checkpoint records %" G_GINT64_FORMAT
                            " events", n, n);
    g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "problem"), want));
    g_assert_true (json_object_get_null_member (o, "keying"));
  }
  /* the chain's key is named when it cannot be had */
  cli (&k, "audit", "verify", db, "--keys", "/nonexistent/keys.json", NULL);
  g_assert_cmpint (k.status, ==, 2);
  g_assert_nonnull (strstr (k.err, "/nonexistent/keys.json"));
  head = g_strconcat (db, "-wal", NULL);
  g_remove (head);
  g_free (head);
  head = g_strconcat (db, "-shm", NULL);
  g_remove (head);
  g_remove (db);
  g_rmdir (dir);
}

/* `keys rotate` at the top of the version range wrote {"current":0,"keys":{}} and exited 0. */
static void
test_keys_rotate_at_top (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rw-cli-keys-XXXXXX", NULL);
  g_autofree char *keys = g_build_filename (dir, "keys.json", NULL);
  g_autofree char *after = NULL;
  static const char top[] = "{\"format\":\"routewise-keys\",\"version\":1,\"current\":4294967295,\"keys\":"
                            "{\"4294967295\":\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}}";
  g_auto(Run) r = { 0 };
  g_assert_true (g_file_set_contents_full (keys, top, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  cli (&r, "keys", "rotate", "--keys", keys, NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "cannot rotate: key version 4294967295 is the highest there can be"));
  g_assert_true (g_file_get_contents (keys, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, top);
  g_remove (keys);
  g_rmdir (dir);
}

/* A ticket's status edited in the database passed `tickets --verify`. */
static void
test_tickets_verify_forged_status (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rw-cli-tickets-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "ws.db", NULL);
  g_autofree char *keys = g_build_filename (dir, "keys.json", NULL);
  g_auto(Run) r = { 0 };
  g_auto(Run) v = { 0 };
  g_auto(Run) w = { 0 };
  cli (&r, "incident", DONE_CHECK, "--db", db, "--keys", keys, NULL);
  g_assert_cmpint (r.status, ==, 0);
  cli (&v, "tickets", "--verify", "--db", db, "--keys", keys, NULL);
  g_assert_cmpint (v.status, ==, 0);
  sql_exec (db, "UPDATE tickets SET status = 'escalated', reason = 'forged' WHERE id = 1");
  cli (&w, "tickets", "--verify", "--db", db, "--keys", keys, NULL);
  g_test_message ("verify after the edit: %d %s %s", w.status, w.out, w.err);
  g_assert_cmpint (w.status, ==, 1);
  g_assert_nonnull (strstr (w.out, "ticket 1 differs from the audit chain"));
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)))
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_remove (p);
      }
  }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/harness/incidents", test_harness_with_incidents);
  g_test_add_func ("/cli/simulate/json-contract", test_simulate_json_contract);
  g_test_add_func ("/cli/simulate/human", test_simulate_human);
  g_test_add_func ("/cli/whatif/fibre-cut", test_whatif_fibre_cut);
  g_test_add_func ("/cli/whatif/harmless", test_whatif_harmless_change);
  g_test_add_func ("/cli/bad-input", test_bad_input_exit_2);
  g_test_add_func ("/cli/hostile-input", test_hostile_input);
  g_test_add_func ("/cli/render", test_render_files);
  g_test_add_func ("/cli/help-and-bench", test_help_and_bench);
  g_test_add_func ("/cli/verify/rules-in-words", test_verify_rules_in_words);
  g_test_add_func ("/cli/verify/blackhole-and-safe", test_verify_blackhole_and_safe);
  g_test_add_func ("/cli/verify/counterexample", test_verify_counterexample);
  g_test_add_func ("/cli/synth/then-whatif", test_synth_then_whatif);
  g_test_add_func ("/cli/incident/json-contract", test_incident_json_contract);
  g_test_add_func ("/cli/incident/harness", test_incident_harness);
  g_test_add_func ("/cli/audit/verify-cut-tail", test_audit_verify_cut_tail);
  g_test_add_func ("/cli/keys/rotate-at-top", test_keys_rotate_at_top);
  g_test_add_func ("/cli/tickets/verify-forged-status", test_tickets_verify_forged_status);
  return g_test_run ();
}
