/* test-agent.c — the agent loop: scenario files, each stage on its own terms, the loop end to
 * end on the shipped scenarios, the audit chain it leaves, and determinism.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-agent.h"
#include "rw-guard.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCENARIOS RW_SOURCE_DIR "/scenarios/"

static RwScenario *
load (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strconcat (SCENARIOS, name, NULL);
  RwScenario *s = rw_scenario_load_file (path, &error);
  g_assert_no_error (error);
  return s;
}

static void
test_scenario_bad_input (void)
{
  g_autofree char *dir = g_strdup (RW_SOURCE_DIR "/scenarios");
  struct { const char *json; const char *expect; } cases[] = {
    { "{", "not valid JSON" },
    { "[]", "$: expected a JSON object" },
    { "{\"format\":\"routewise-topology\",\"version\":1}", "format: 'routewise-topology' is not 'routewise-scenario'" },
    { "{\"format\":\"routewise-scenario\",\"version\":2}", "version: 2 is not supported" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":\"nope.json\"}", "topology: " },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"tiks\":3,\"topology\":\"../data/topologies/enterprise.json\"}", "tiks: unknown key" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\",\"events\":[{\"at\":3,\"type\":\"link_down\",\"link\":\"R9-X\"}]}", "events[0].link: unknown link 'R9-X'" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\",\"events\":[{\"at\":60,\"type\":\"link_down\",\"link\":\"R1-ISPA\"}]}", "events[0].at: tick 60 is after the end" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\",\"events\":[{\"at\":5,\"type\":\"meteor\"}]}", "events[0].type: 'meteor' is not one of" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"mode\":\"yolo\",\"topology\":\"../data/topologies/enterprise.json\"}", "mode: 'yolo' is not shadow, supervised or autonomous" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\",\"operator\":{\"default\":\"maybe\"}}", "operator.default: 'maybe'" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\",\"events\":[{\"at\":5,\"type\":\"session_flap\",\"a\":\"R1\",\"b\":\"R5\"}]}", "a and b must name the two ends of a session" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":20,\"baseline_ticks\":30,\"topology\":\"../data/topologies/enterprise.json\"}", "baseline_ticks: 30 is not shorter" },
    /* strict JSON (issue 15): json-glib 1.6 read these; the later "seed" won silently */
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"\\u0073eed\":2,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\"}", "bad.json: seed: duplicate key" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\"}\n{\"format\":\"routewise-scenario\"}", "bad.json: not valid JSON: line 2, column 1: more text after the end of the JSON document" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":0x2A,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\"}", "near seed: hex numbers are not JSON" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50 /* short */,\"topology\":\"../data/topologies/enterprise.json\"}", "near ticks: comments or single quotes are not standard JSON" },
    /* absurd figures: 1e308 s per tick printed "inf" in run --json; a ramp to 1e308 Mbps went
     * where no topology demand may go (at most 1e9) */
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"tick_s\":1e308,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\"}", "bad.json: tick_s: must be between 0.001 and 86400 seconds" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"tick_s\":0.0001,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\"}", "bad.json: tick_s: must be between 0.001 and 86400 seconds" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\",\"events\":[{\"at\":5,\"type\":\"demand_ramp\",\"demand\":\"dc-web-to-aws\",\"to_mbps\":1e308,\"over\":10}]}", "bad.json: events[0].to_mbps: must be between 0 and 1000000000" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\",\"events\":[{\"at\":5,\"type\":\"link_degrade\",\"link\":\"R1-ISPA\",\"latency_ms\":1e300}]}", "bad.json: events[0]: loss_pct must be in [0, 100] and latency_ms in [0, 1000000]" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":\"../data/topologies/enterprise.json\",\"expect\":{\"max_utilisation_after\":1e300}}", "bad.json: expect.max_utilisation_after: must be between 0 and 1000" },
    { "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"x\",\"seed\":1,\"ticks\":50,\"topology\":{\"format\":\"routewise-topology\",\"version\":1,\"nodes\":[{\"id\":\"R1\",\"kind\":\"router\",\"role\":\"edge\",\"asn\":1,\"router_id\":\"1.1.1.1\"},{\"id\":\"R2\",\"kind\":\"router\",\"role\":\"edge\",\"asn\":1,\"router_id\":\"1.1.1.2\"}],\"links\":[{\"id\":\"L\",\"a\":\"R1\",\"b\":\"R2\",\"capacity_mbps\":1e-300,\"latency_ms\":1}]}}", "bad.json: topology: links[0].capacity_mbps: must be at least 0.001 (1 kbit/s)" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RwScenario) s = rw_scenario_load_data (cases[i].json, -1, "bad.json", dir, &error);
      g_assert_null (s);
      g_assert_nonnull (error);
      if (!g_str_has_prefix (error->message, "bad.json") || strstr (error->message, cases[i].expect) == NULL)
        g_error ("case %u: '%s' lacks '%s'", i, error->message, cases[i].expect);
    }
  {
    /* 52,000 levels of arrays of objects crashed json-glib's parser (SIGSEGV) */
    g_autoptr(GString) deep = g_string_new ("{\"format\":\"routewise-scenario\",\"events\":");
    g_autoptr(GError) error = NULL;
    g_autoptr(RwScenario) s = NULL;
    for (guint i = 0; i < 52000; i++)
      g_string_append (deep, "[{\"at\":");
    s = rw_scenario_load_data (deep->str, -1, "bad.json", dir, &error);
    g_assert_null (s);
    g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_PARSE);
    g_assert_true (g_str_has_suffix (error->message, ": arrays and objects nested deeper than 64 levels"));
  }
  {
    /* a FIFO blocked the loader for ever */
    g_autoptr(GError) error = NULL;
    g_autofree char *tmp = g_dir_make_tmp ("rw-agent-XXXXXX", NULL);
    g_autofree char *fifo = g_build_filename (tmp, "scenario.json", NULL);
    g_autoptr(RwScenario) s = NULL;
    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    s = rw_scenario_load_file (fifo, &error);
    g_assert_null (s);
    g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO);
    g_assert_true (g_str_has_suffix (error->message, ": not a regular file (a FIFO)"));
    g_assert_cmpint (g_remove (fifo), ==, 0);
    g_assert_cmpint (g_rmdir (tmp), ==, 0);
  }
}

static gboolean
timeline_has (RwAgent *ag, const char *kind, const char *text)
{
  const GPtrArray *tl = rw_agent_timeline (ag);
  for (guint i = 0; i < tl->len; i++)
    {
      const RwTimelineEvent *e = tl->pdata[i];
      if (g_strcmp0 (e->kind, kind) == 0 && (text == NULL || strstr (e->summary, text)))
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  guint started, ended;
  gboolean open;
  guint cancelled_tick;
  char *cancelled_change;
} ProofLog;

/* The operator's Cancel, pressed as the first proof starts. */
static void
cancel_first_proof (const RwProof *proof, gpointer data)
{
  ProofLog *log = data;
  if (proof == NULL)
    {
      g_assert_true (log->open);
      log->open = FALSE;
      log->ended++;
      return;
    }
  g_assert_false (log->open);
  log->open = TRUE;
  if (log->started++ > 0)
    return;
  g_assert_nonnull (proof->changes);
  g_assert_true (proof->synthesis || proof->changes[0] != NULL);
  log->cancelled_tick = proof->tick;
  log->cancelled_change = g_strdup (proof->changes[0]);
  g_cancellable_cancel (proof->cancellable);
}

/* A proof the operator cancels: the decision is recorded as cancelled by the operator, nothing
 * is applied in that tick, and the agent goes on (it proves and acts later). */
static void
test_proof_cancelled (void)
{
  g_autoptr(RwScenario) sc = load ("flagship-growth-and-cut.json");
  g_autofree char *dir = g_dir_make_tmp ("rw-agent-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "audit.db", NULL);
  g_autoptr(RwStore) store = NULL;
  g_autoptr(RwAgent) ag = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(RwRunResult) r = NULL;
  ProofLog log = { 0 };
  guint acted_at = 0;
  gboolean cancel_seen = FALSE;
  store = rw_store_open (db, &error);
  g_assert_no_error (error);
  ag = rw_agent_new (sc, store, NULL, &error);
  g_assert_no_error (error);
  rw_agent_set_proof_watch (ag, cancel_first_proof, &log);
  while (log.started == 0 && rw_agent_step (ag, &error))
    ;
  g_assert_no_error (error);
  g_assert_cmpuint (log.started, ==, 1);
  g_assert_cmpuint (log.ended, ==, 1);
  g_assert_nonnull (log.cancelled_change);
  /* the cancelled tick: the cancel, recorded, and no verdict, no act */
  for (guint i = 0; i < rw_agent_timeline (ag)->len; i++)
    {
      const RwTimelineEvent *e = rw_agent_timeline (ag)->pdata[i];
      if (e->tick != log.cancelled_tick)
        continue;
      g_assert_cmpstr (e->kind, !=, "act");
      g_assert_false (g_strcmp0 (e->kind, "verify") == 0 && strstr (e->summary, log.cancelled_change));
      if (g_strcmp0 (e->kind, "cancel") == 0)
        {
          g_assert_nonnull (strstr (e->summary, log.cancelled_change));
          g_assert_nonnull (strstr (e->summary, "cancelled"));
          cancel_seen = TRUE;
        }
    }
  g_assert_true (cancel_seen);
  r = rw_agent_result (ag);
  g_assert_cmpuint (r->actions, ==, 0);
  events = rw_store_events (store, rw_agent_run_id (ag), &error);
  g_assert_no_error (error);
  {
    const RwAuditEvent *last_cancel = NULL;
    for (guint i = 0; i < events->len; i++)
      if (g_strcmp0 (((RwAuditEvent *) events->pdata[i])->kind, "cancel") == 0)
        last_cancel = events->pdata[i];
    g_assert_nonnull (last_cancel);
    g_assert_cmpstr (last_cancel->actor, ==, "operator");
    g_assert_cmpstr (last_cancel->decision_tag, ==, "OPERATOR");
    g_assert_nonnull (strstr (last_cancel->payload, log.cancelled_change));
  }
  /* the run goes on: later proofs run to their end and the agent acts */
  while (acted_at == 0 && rw_agent_step (ag, &error))
    if (timeline_has (ag, "act", "applied"))
      acted_at = rw_agent_tick (ag);
  g_assert_no_error (error);
  g_assert_cmpuint (acted_at, >, log.cancelled_tick);
  g_assert_cmpuint (log.started, >, 1);
  g_assert_cmpuint (log.ended, ==, log.started);
  g_assert_true (timeline_has (ag, "verify", ": safe"));
  g_free (log.cancelled_change);
  g_clear_pointer (&store, rw_store_close);
  g_assert_cmpint (g_remove (db), ==, 0);
}

/* Detection and reasoning without acting: a quiet network stays quiet (no hypothesis worth
 * acting on, no action), whatever the noise does. */
static void
test_quiet_network (void)
{
  g_autoptr(RwScenario) sc = load ("quiet-network.json");
  g_autoptr(RwAgent) ag = NULL;
  g_autoptr(RwRunResult) r = NULL;
  g_autoptr(GError) error = NULL;
  RwGuardConfig cfg;
  rw_guard_config_init (&cfg);
  ag = rw_agent_new (sc, NULL, &cfg, &error);
  g_assert_no_error (error);
  g_assert_true (rw_agent_run (ag, &error));
  r = rw_agent_result (ag);
  g_assert_cmpuint (r->actions, ==, 0);
  g_assert_cmpuint (r->false_actions, ==, 0);
  g_assert_true (r->sr);
  g_assert_false (timeline_has (ag, "act", NULL));
  g_assert_true (isnan (r->mttd_s));
}

/* The flagship, end to end, with an audit chain: both faults detected, both causes named, a
 * verified change that restores the SLA, a chain that verifies. */
static void
test_flagship_end_to_end (void)
{
  g_autoptr(RwScenario) sc = load ("flagship-growth-and-cut.json");
  g_autofree char *dir = g_dir_make_tmp ("rw-agent-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "audit.db", NULL);
  g_autoptr(RwStore) store = NULL;
  g_autoptr(RwAgent) ag = NULL;
  g_autoptr(RwRunResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *why = NULL;
  gint64 bad = -1;
  gboolean cut = FALSE, growth = FALSE;

  store = rw_store_open (db, &error);
  g_assert_no_error (error);
  ag = rw_agent_new (sc, store, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (rw_agent_run (ag, &error));
  g_assert_no_error (error);
  r = rw_agent_result (ag);
  for (guint i = 0; i < r->root_causes_found->len; i++)
    {
      cut |= g_strcmp0 (r->root_causes_found->pdata[i], "link_down:R2-ISPB") == 0;
      growth |= g_strcmp0 (r->root_causes_found->pdata[i], "congestion:R1-ISPA") == 0;
    }
  g_assert_true (cut);
  g_assert_true (growth);
  g_assert_true (timeline_has (ag, "verify", ": safe"));
  g_assert_true (timeline_has (ag, "act", "applied"));
  g_assert_true (timeline_has (ag, "settle", NULL));
  g_assert_true (timeline_has (ag, "learn", NULL));
  g_assert_cmpuint (r->false_actions, ==, 0);
  g_assert_true (r->recovered);
  g_assert_true (r->sr);
  g_assert_false (isnan (r->mttd_s));
  g_assert_cmpfloat (rw_agent_live (ag)->traffic->max_utilisation, <=, 0.9);
  /* every stage left its event in the chain (the run's own; the learning rewards are chained too,
   * as events of no run), and the chain holds */
  events = rw_store_events (store, rw_agent_run_id (ag), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, rw_agent_timeline (ag)->len);
  g_assert_true (rw_store_verify_chain (store, &bad, &why, &error));
  g_assert_cmpint (bad, <, 0);
  {
    /* the act event carries the FRR diff and its rollback */
    gboolean frr = FALSE;
    for (guint i = 0; i < events->len; i++)
      {
        RwAuditEvent *e = events->pdata[i];
        if (g_strcmp0 (e->kind, "act") == 0 && strstr (e->payload, "route-map") && strstr (e->payload, "rollback_diff"))
          frr = TRUE;
      }
    g_assert_true (frr);
  }
  /* learning persisted a reward for what was done */
  {
    guint n = 0;
    double mean = 0;
    g_assert_true (rw_store_learning_get (store, "congestion", "local_pref", &n, &mean, &error));
    g_assert_cmpuint (n, >, 0);
  }
  g_clear_pointer (&store, rw_store_close);
  g_remove (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL), *shm = g_strconcat (db, "-shm", NULL);
    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (dir);
}

/* When nothing can be proven safe the agent escalates and does not act. */
static void
test_escalates_when_nothing_is_safe (void)
{
  g_autoptr(RwScenario) sc = load ("nothing-is-safe.json");
  g_autoptr(RwAgent) ag = rw_agent_new (sc, NULL, NULL, NULL);
  g_autoptr(RwRunResult) r = NULL;
  g_assert_true (rw_agent_run (ag, NULL));
  r = rw_agent_result (ag);
  g_assert_cmpuint (r->actions, ==, 0);
  g_assert_cmpuint (r->escalations, >, 0);
  g_assert_cmpuint (r->blocked, >, 0);
  g_assert_true (timeline_has (ag, "escalate", "needs a human"));
  g_assert_true (r->sr);
  {
    /* issue 17: the problem lasts, so it is looked at again while it does (recorded), and the
     * human is paged once for it, not at every look */
    const GPtrArray *tl = rw_agent_timeline (ag);
    guint looks = 0, escalate_events = 0;
    for (guint i = 0; i < tl->len; i++)
      {
        const RwTimelineEvent *e = tl->pdata[i];
        looks += g_strcmp0 (e->kind, "reevaluate") == 0;
        escalate_events += g_strcmp0 (e->kind, "escalate") == 0;
      }
    g_assert_cmpuint (looks, >=, 2);
    g_assert_cmpuint (escalate_events, >, r->escalations);
    g_assert_cmpuint (r->escalations, ==, 1);
    g_assert_true (timeline_has (ag, "escalate", "not paged again"));
  }
}

/* Issue 17: on a busy (R1→ISP-A at about 77 %) but healthy network with 12 % noise, a reading
 * that spikes over the hot line for a tick is not a confident congestion hypothesis, and
 * nobody acts or is paged for it. Confidence needs persistence or detectors agreeing. */
static void
test_spike_is_not_confident (void)
{
  const char *json =
    "{\"format\":\"routewise-scenario\",\"version\":1,\"name\":\"busy, noisy, healthy\",\"seed\":3,\"tick_s\":10,"
    "\"ticks\":120,\"noise\":0.12,\"mode\":\"autonomous\",\"baseline_ticks\":30,"
    "\"topology\":\"../data/topologies/enterprise.json\",\"events\":[{\"at\":0,\"type\":\"demand_ramp\","
    "\"demand\":\"dc-web-to-google\",\"to_mbps\":4000,\"over\":1}],\"operator\":{\"default\":\"approve\"}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(RwScenario) sc = rw_scenario_load_data (json, -1, "noisy.json", RW_SOURCE_DIR "/scenarios", &error);
  g_autoptr(RwAgent) ag = NULL;
  g_autoptr(JsonNode) hyps = NULL;
  RwGuardConfig cfg;
  JsonArray *arr;
  g_assert_no_error (error);
  rw_guard_config_init (&cfg);
  cfg.use_z3 = FALSE; /* what is at stake is the confidence, not the proof */
  ag = rw_agent_new (sc, NULL, &cfg, &error);
  g_assert_no_error (error);
  rw_agent_set_max_ticks (ag, 40);
  g_assert_true (rw_agent_run (ag, &error));
  g_assert_no_error (error);
  /* the spike was seen: at tick 30 the first reading after the baseline is 97 % */
  g_assert_true (timeline_has (ag, "anomaly", "util R1→ISP-A"));
  hyps = rw_agent_hypotheses_to_json (ag);
  arr = json_node_get_array (hyps);
  g_assert_cmpuint (json_array_get_length (arr), >, 0);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (arr, i), "confidence"), <, cfg.t2_confidence);
  g_assert_false (timeline_has (ag, "escalate", NULL));
  g_assert_false (timeline_has (ag, "act", NULL));
}

static char *
run_digest (const char *name)
{
  g_autoptr(RwScenario) sc = load (name);
  g_autoptr(RwAgent) ag = rw_agent_new (sc, NULL, NULL, NULL);
  g_autoptr(RwRunResult) r = NULL;
  g_autoptr(JsonNode) doc = NULL;
  GString *out = g_string_new (NULL);
  const GPtrArray *tl;
  g_assert_true (rw_agent_run (ag, NULL));
  r = rw_agent_result (ag);
  doc = rw_run_result_to_json (r);
  {
    g_autofree char *s = rw_json_node_to_string (doc, FALSE);
    g_string_append (out, s);
  }
  tl = rw_agent_timeline (ag);
  for (guint i = 0; i < tl->len; i++)
    {
      const RwTimelineEvent *e = tl->pdata[i];
      g_string_append_printf (out, "\n%u %s %s", e->tick, e->kind, e->summary);
    }
  return g_string_free (out, FALSE);
}

/* Same seed, same numbers: the whole timeline, not only the metrics. */
static void
test_deterministic (void)
{
  g_autofree char *a = run_digest ("route-leak.json");
  g_autofree char *b = run_digest ("route-leak.json");
  g_assert_cmpstr (a, ==, b);
  g_assert_nonnull (strstr (a, "deny:R2:ISP-C:142.250.0.0/15"));
}

/* Shipped scenarios whose expectation the agent does not meet yet, each with what its timeline
 * shows. Their expectations were written as an engineer wants them before the agent ran, and
 * stay so (issue 17): the agent's judgement is being improved, and a scenario leaves this list
 * when it passes. Everything else must succeed. */
static const struct { const char *file, *reason; } known_failures[] = {
  { "td-overlap-degrade-and-growth.json",
    "its first fix for the lossy Airtel link is rolled back because the loss was still ramping up; "
    "the fixes for the SLA misses left are refused by the single-failure screen for a hypothetical "
    "second failure (E3-ISP-C), the agent escalates once and 4 SLA misses remain to the end" },
};

static const char *
known_failure (const char *file)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_failures); i++)
    if (g_strcmp0 (known_failures[i].file, file) == 0)
      return known_failures[i].reason;
  return NULL;
}

static gint
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The harness over every shipped scenario: each one succeeds (its root causes named, recovered
 * in time or escalated as expected, no action where none is wanted) without a false action,
 * except the known failures above, which are reported. */
static void
test_harness (void)
{
  g_autoptr(GDir) d = g_dir_open (RW_SOURCE_DIR "/scenarios", 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint ok = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, by_name);
  g_assert_cmpuint (names->len, >=, 18);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(RwScenario) sc = load (names->pdata[i]);
      g_autoptr(RwAgent) ag = NULL;
      g_autoptr(RwRunResult) r = NULL;
      const char *known = known_failure (names->pdata[i]);
      gint64 start = g_get_monotonic_time ();
      ag = rw_agent_new (sc, NULL, NULL, NULL);
      g_assert_true (rw_agent_run (ag, NULL));
      r = rw_agent_result (ag);
      g_test_message ("%s: SR %d, MTTD %.0f s, MTTR %.0f s, %u actions, %u escalations, %u rollbacks, %u blocked, "
                      "%u false (%.1f s)%s%s", (char *) names->pdata[i], r->sr, r->mttd_s, r->mttr_s, r->actions,
                      r->escalations, r->rollbacks, r->blocked, r->false_actions,
                      (g_get_monotonic_time () - start) / 1e6, known ? " - known failure: " : "", known ? known : "");
      ok += r->sr;
      if (known)
        {
          if (r->sr && r->false_actions == 0)
            g_test_message ("%s passes now: take it off the known failures", (char *) names->pdata[i]);
          continue;
        }
      g_assert_cmpuint (r->false_actions, ==, 0);
      g_assert_true (r->sr);
    }
  g_test_message ("harness: SR %u/%u", ok, names->len);
}

/* Two busy loops beside the agent: the same scenario and seed give the same timeline, byte for
 * byte, as on a quiet machine (issue 17: budgets are counts, not wall-clock time). route-leak
 * holds today; degraded-link does not yet (beside two busy loops three of its Z3 proofs came back
 * unknown on the wall clock and the agent escalated instead of acting), so it belongs here once
 * every budget is a count. */
static void
test_deterministic_under_load (void)
{
  g_autofree char *quiet = run_digest ("route-leak.json");
  g_autofree char *busy = NULL;
  pid_t parent = getpid ();
  pid_t hogs[2];
  for (guint i = 0; i < G_N_ELEMENTS (hogs); i++)
    {
      hogs[i] = fork ();
      g_assert_cmpint (hogs[i], >=, 0);
      if (hogs[i] == 0)
        {
          /* the child only spins, and dies with the test (a failed assertion, a timeout) or after
           * ten minutes at the latest: nothing that could take a lock the parent's threads held */
          volatile guint64 spin = 0;
          prctl (PR_SET_PDEATHSIG, SIGKILL);
          if (getppid () != parent)
            _exit (0);
          alarm (600);
          for (;;)
            spin++;
        }
    }
  busy = run_digest ("route-leak.json");
  for (guint i = 0; i < G_N_ELEMENTS (hogs); i++)
    {
      int status;
      g_assert_cmpint (kill (hogs[i], SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (hogs[i], &status, 0), ==, hogs[i]);
    }
  g_assert_cmpstr (busy, ==, quiet);
}

/* Shadow mode proposes, records the operator's verdict, and does not act; a tier graduates at
 * 90 % agreement over its last 30 verdicts. */
static void
test_shadow_and_graduation (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rw-shadow-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "shadow.db", NULL);
  g_autoptr(RwStore) store = NULL;
  g_autoptr(RwScenario) sc = load ("route-leak.json");
  g_autoptr(RwAgent) ag = NULL;
  g_autoptr(RwRunResult) r = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;
  double rate = 0;

  store = rw_store_open (db, &error);
  g_assert_no_error (error);
  sc->mode = RW_MODE_SHADOW;
  ag = rw_agent_new (sc, store, NULL, &error);
  g_assert_true (rw_agent_run (ag, &error));
  r = rw_agent_result (ag);
  g_assert_cmpuint (r->actions, ==, 0);
  g_assert_true (timeline_has (ag, "approval", "shadow mode: proposed"));
  g_assert_true (rw_store_shadow_agreement (store, "T2", 0, &n, &rate, &error));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpfloat (rate, ==, 1.0);

  /* graduation, on a fresh database */
  {
    g_autofree char *db2 = g_build_filename (dir, "graduation.db", NULL);
    g_clear_pointer (&store, rw_store_close);
    store = rw_store_open (db2, &error);
    g_assert_no_error (error);
  }
  g_assert_false (rw_shadow_graduated (store, "T1", NULL, &error));
  for (guint i = 0; i < 29; i++)
    g_assert_true (rw_store_shadow_record (store, 0, "T1", "local-pref:R1:ISP-B:150", i % 10 != 0, &error));
  g_assert_false (rw_shadow_graduated (store, "T1", NULL, &error)); /* 29 verdicts: too few */
  g_assert_true (rw_store_shadow_record (store, 0, "T1", "local-pref:R1:ISP-B:150", TRUE, &error));
  g_assert_true (rw_shadow_graduated (store, "T1", &rate, &error)); /* 27 of 30 */
  g_assert_cmpfloat (rate, >=, 0.9);
  g_assert_true (rw_store_shadow_record (store, 0, "T1", "local-pref:R1:ISP-B:150", FALSE, &error));
  g_assert_true (rw_shadow_graduated (store, "T1", &rate, &error)); /* still 27 of the last 30 */
  g_assert_true (rw_store_shadow_record (store, 0, "T1", "local-pref:R1:ISP-B:150", FALSE, &error));
  g_assert_false (rw_shadow_graduated (store, "T1", &rate, &error)); /* 26 of the last 30 */
  g_clear_pointer (&store, rw_store_close);
  {
    const char *names[] = { "shadow.db", "graduation.db" };
    for (guint i = 0; i < 2; i++)
      {
        g_autofree char *f = g_build_filename (dir, names[i], NULL);
        g_autofree char *wal = g_strconcat (f, "-wal", NULL), *shm = g_strconcat (f, "-shm", NULL);
        g_remove (f);
        g_remove (wal);
        g_remove (shm);
      }
  }
  g_rmdir (dir);
}

/* The first guard event of @ag's timeline at or after @from: its tier, confidence and blast radius. */
static gboolean
first_guard (RwAgent *ag, guint from, char **tier, double *confidence, double *blast)
{
  const GPtrArray *tl = rw_agent_timeline (ag);
  for (guint i = from; i < tl->len; i++)
    {
      const RwTimelineEvent *e = tl->pdata[i];
      JsonObject *o;
      if (g_strcmp0 (e->kind, "guard") != 0)
        continue;
      o = json_node_get_object (e->payload);
      *tier = g_strdup (json_object_get_string_member (o, "tier"));
      *confidence = json_object_get_double_member (o, "confidence");
      *blast = json_object_get_double_member (o, "blast_radius");
      return TRUE;
    }
  return FALSE;
}

/* Tier limits the operator changes in the middle of a run apply at the agent's next decision
 * (issue 16: Tier 1 maximum blast radius 0 still gave T1 at 17 % until the run restarted). The
 * same run twice: once as it is, once with the limit lowered on the tick before its first
 * decision. */
static void
test_guard_config_mid_run (void)
{
  g_autoptr(RwScenario) sc = load ("flagship-growth-and-cut.json");
  g_autoptr(RwAgent) first = rw_agent_new (sc, NULL, NULL, NULL);
  g_autoptr(RwAgent) second = rw_agent_new (sc, NULL, NULL, NULL);
  g_autofree char *tier = NULL, *tier2 = NULL;
  double confidence = 0, blast = 0, confidence2 = 0, blast2 = 0;
  guint steps = 0;
  RwGuardConfig lowered;

  while (!first_guard (first, 0, &tier, &confidence, &blast))
    {
      g_assert_true (rw_agent_step (first, NULL));
      steps++;
    }
  g_test_message ("first decision after %u ticks: %s, confidence %.2f, blast radius %.3f", steps, tier, confidence, blast);
  g_assert_true (g_strcmp0 (tier, "T1") == 0 || g_strcmp0 (tier, "T2") == 0);
  g_assert_cmpfloat (blast, >, 0.0);

  for (guint i = 0; i + 1 < steps; i++)
    g_assert_true (rw_agent_step (second, NULL));
  g_assert_false (first_guard (second, 0, &tier2, &confidence2, &blast2));
  lowered = *rw_agent_get_guard_config (second);
  if (g_strcmp0 (tier, "T1") == 0)
    lowered.t1_blast = 0.0; /* nothing may act alone now */
  else
    {
      lowered.t1_blast = 1.0; /* the same change may act alone now */
      lowered.t1_confidence = 0.0;
    }
  rw_agent_set_guard_config (second, &lowered);
  g_assert_cmpfloat (rw_agent_get_guard_config (second)->t1_blast, ==, lowered.t1_blast);
  g_assert_true (rw_agent_step (second, NULL));
  g_assert_true (first_guard (second, 0, &tier2, &confidence2, &blast2));
  /* the same candidate, judged against the new limit */
  g_assert_cmpfloat (confidence2, ==, confidence);
  g_assert_cmpfloat (blast2, ==, blast);
  g_assert_cmpstr (tier2, !=, tier);
  g_assert_cmpstr (tier2, ==, rw_tier_to_string (rw_guard_tier (&lowered, confidence2, blast2)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent/scenario/bad-input", test_scenario_bad_input);
  g_test_add_func ("/agent/loop/quiet", test_quiet_network);
  g_test_add_func ("/agent/loop/flagship", test_flagship_end_to_end);
  g_test_add_func ("/agent/loop/escalation", test_escalates_when_nothing_is_safe);
  g_test_add_func ("/agent/loop/proof-cancelled", test_proof_cancelled);
  g_test_add_func ("/agent/detect/spike", test_spike_is_not_confident);
  g_test_add_func ("/agent/loop/deterministic", test_deterministic);
  g_test_add_func ("/agent/loop/guard-config-mid-run", test_guard_config_mid_run);
  g_test_add_func ("/agent/loop/deterministic-under-load", test_deterministic_under_load);
  g_test_add_func ("/agent/shadow", test_shadow_and_graduation);
  g_test_add_func ("/agent/harness", test_harness);
  return g_test_run ();
}
