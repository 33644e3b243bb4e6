/* rw-intake-agent.c — MetricAgent, LogAgent, ActionAgent and the Operator agent.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-intake-agent.h"
#include "rw-detect.h"
#include "rw-guard.h"
#include "rw-safety.h"
#include "rw-store-intake.h"

#include <math.h>
#include <string.h>

const char *
rw_task_verdict_to_string (RwTaskVerdict v)
{
  switch (v)
    {
    case RW_TASK_OK: return "done";
    case RW_TASK_DEVIATION: return "deviation";
    case RW_TASK_NEEDS_INPUT: return "needs_input";
    case RW_TASK_ESCALATE: return "escalated";
    default: return "?";
    }
}

void
rw_intake_agent_free (RwIntakeAgent *a)
{
  if (a == NULL)
    return;
  if (a->free_data)
    a->free_data (a->data);
  g_free (a->name);
  g_free (a);
}

static RwIntakeAgent *
agent_new (const char *name, gboolean (*execute) (RwIntakeAgent *, const RwTask *, RwTaskRun *, GError **))
{
  RwIntakeAgent *a = g_new0 (RwIntakeAgent, 1);
  a->name = g_strdup (name);
  a->execute = execute;
  return a;
}

static gboolean
task_verror (GError **error, gint code, const RwTask *t, const char *fmt, va_list ap) G_GNUC_PRINTF (4, 0);

static gboolean
task_verror (GError **error, gint code, const RwTask *t, const char *fmt, va_list ap)
{
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  g_set_error (error, RW_INTAKE_ERROR, code, "task %s (%s %s): %s", t->task_id, t->type, t->target, msg);
  return FALSE;
}

/* ---- the deadline ---- */

gint64
rw_task_run_remaining_ms (const RwTaskRun *tr)
{
  gint64 left;
  if (tr->now_us == NULL)
    return G_MAXINT64;
  left = tr->deadline_us - tr->now_us (tr->clock_data);
  return left > 0 ? left / 1000 : 0;
}

gboolean
rw_task_run_expired (const RwTaskRun *tr)
{
  return tr->now_us != NULL && tr->now_us (tr->clock_data) > tr->deadline_us;
}

guint
rw_task_run_budget_ms (const RwTaskRun *tr, guint cap_ms, guint floor_ms)
{
  gint64 left = rw_task_run_remaining_ms (tr);
  if (left < floor_ms)
    return 0;
  return (guint) MIN (left, (gint64) cap_ms);
}

/* The task could not do its job; a retry may help. */
static gboolean
task_fail (GError **error, const RwTask *t, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
task_fail (GError **error, const RwTask *t, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  task_verror (error, RW_INTAKE_ERROR_FAILED, t, fmt, ap);
  va_end (ap);
  return FALSE;
}

/* RW_INTAKE_ERROR_UNSAFE (a refusal: a retry gives the same answer) or
 * RW_INTAKE_ERROR_TIMEOUT (the deadline passed, or too little is left for the next step). */
static gboolean
task_error (GError **error, gint code, const RwTask *t, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static gboolean
task_error (GError **error, gint code, const RwTask *t, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  task_verror (error, code, t, fmt, ap);
  va_end (ap);
  return FALSE;
}

/* Stops the task when its deadline has passed; @step says where it was. */
static gboolean
deadline_passed (const RwTaskRun *run, const RwTask *t, const char *step, GError **error)
{
  if (!rw_task_run_expired (run))
    return FALSE;
  task_error (error, RW_INTAKE_ERROR_TIMEOUT, t, "the deadline passed %s", step);
  return TRUE;
}

static const char *
arg_string (const RwTask *t, const char *key, const char *dflt)
{
  JsonObject *o = json_node_get_object (t->args);
  JsonNode *n = json_object_get_member (o, key);
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  return dflt;
}

static double
arg_double (const RwTask *t, const char *key, double dflt)
{
  JsonObject *o = json_node_get_object (t->args);
  JsonNode *n = json_object_get_member (o, key);
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) != G_TYPE_STRING
      && json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return json_node_get_double (n);
  return dflt;
}

/* ---- measurements on a twin ---- */

/* Index of @id in the topology's links, -1. */
static gint
link_index (const RwTopology *topo, const char *id)
{
  for (guint i = 0; i < topo->links->len; i++)
    if (strcmp (((RwLink *) topo->links->pdata[i])->id, id) == 0)
      return i;
  return -1;
}

/* The direction of link @l leaving our router (outbound), or the other one (@inbound). */
static guint
link_dir (const RwTopology *topo, guint l, gboolean inbound)
{
  const RwLink *link = topo->links->pdata[l];
  gboolean a_is_ours = rw_world_is_ours (topo, link->a);
  return 2 * l + ((a_is_ours != !inbound) ? 1 : 0);
}

/* The value of @metric for @target on @twin; NAN when it does not apply. */
static double
measure (const RwTwin *twin, const char *metric, const char *target, guint router_churn)
{
  const RwTopology *topo = twin->topo;
  gint l = link_index (topo, target);
  if (l >= 0)
    {
      const RwLink *link = topo->links->pdata[l];
      guint dir = link_dir (topo, l, strcmp (metric, "util_in") == 0);
      const RwLinkDir *d = &twin->traffic->dirs[dir];
      if (strcmp (metric, "session") == 0)
        return rw_world_session_up (twin, link->a, link->b) ? 1.0 : 0.0;
      if (strcmp (metric, "util") == 0 || strcmp (metric, "util_in") == 0)
        return d->utilisation;
      if (strcmp (metric, "latency") == 0)
        return d->latency_ms;
      if (strcmp (metric, "loss") == 0)
        return d->loss_pct;
      return NAN;
    }
  if (strcmp (metric, "cpu") == 0 && rw_topology_find_node (topo, target))
    {
      /* the control plane works harder with every session down and every best-route change */
      gint n = rw_net_node (twin->net, target);
      guint down = 0;
      for (guint a = twin->net->adj_first[n]; a < twin->net->adj_first[n + 1]; a++)
        down += !twin->net->adjs[a].up;
      return 18.0 + 12.0 * down + 4.0 * router_churn;
    }
  if (strcmp (metric, "reachability") == 0)
    {
      RwPrefix p;
      guint ours = 0, reach = 0;
      if (!rw_prefix_parse (target, &p))
        return NAN;
      for (guint n = 0; n < twin->net->n_nodes; n++)
        if (rw_net_is_ours (twin->net, n))
          {
            ours++;
            reach += rw_bgp_lookup (twin->bgp, n, &p) >= 0;
          }
      return ours ? (double) reach / ours : NAN;
    }
  if (strcmp (metric, "session") == 0)
    {
      /* a node: the share of its sessions that are up */
      gint n = rw_net_node (twin->net, target);
      guint all = 0, up = 0;
      if (n < 0)
        return NAN;
      for (guint a = twin->net->adj_first[n]; a < twin->net->adj_first[n + 1]; a++)
        all++, up += twin->net->adjs[a].up;
      return all ? (double) up / all : NAN;
    }
  return NAN;
}

static guint
churn_at (const RwWorld *w, const char *router)
{
  g_autoptr(RwDiff) d = rw_twin_diff (w->baseline, w->state);
  for (guint i = 0; i < d->routers_changed->len; i++)
    if (strcmp (d->routers_changed->pdata[i], router) == 0)
      return 1;
  return 0;
}

/* ---- MetricAgent ---- */

static JsonNode *
impact_json (const RwTwin *before, const RwTwin *after)
{
  g_autoptr(RwDiff) d = rw_twin_diff (before, after);
  g_autoptr(GPtrArray) viol = rw_world_new_violations (before, after);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *hot = after->traffic->max_dir >= 0 ? rw_traffic_dir_name (after->net, after->traffic->max_dir) : NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "new_sla_violations");
  json_builder_begin_array (b);
  for (guint i = 0; i < viol->len; i++)
    json_builder_add_string_value (b, viol->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "moved_demands");
  json_builder_add_int_value (b, d->moved_demands->len);
  json_builder_set_member_name (b, "blast_radius");
  json_builder_add_double_value (b, d->blast_radius);
  json_builder_set_member_name (b, "blackholes");
  json_builder_add_int_value (b, after->traffic->n_blackholes);
  json_builder_set_member_name (b, "max_utilisation");
  json_builder_add_double_value (b, after->traffic->max_utilisation);
  json_builder_set_member_name (b, "busiest");
  hot ? json_builder_add_string_value (b, hot) : json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
metric_check (const RwTask *t, RwTaskRun *run, GError **error)
{
  RwWorld *w = run->world;
  const char *metric = arg_string (t, "metric", "util");
  const char *expect = arg_string (t, "expect", NULL);
  double threshold = arg_double (t, "threshold", NAN);
  double lookback = arg_double (t, "lookback_s", 1800);
  double before, after;
  guint n = w->ticks_before + w->ticks_after, window;
  g_autoptr(RwSeries) s = rw_series_new (n);
  g_autoptr(GRand) rng = g_rand_new_with_seed (w->seed ^ g_str_hash (t->target) ^ g_str_hash (metric));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  RwThreshold th = { isnan (threshold) ? INFINITY : threshold, -INFINITY };
  double slope = 0, mx = 0, my = 0, sxx = 0, resid = 0, se = 0, step = 0;
  const char *observed;
  guint crossings = 0;
  gint first_cross = -1;

  /* one measurement per twin, then the series: the deadline is checked between them */
  before = measure (w->baseline, metric, t->target, 0);
  if (isnan (before))
    return task_fail (error, t, "metric '%s' does not apply to '%s'", metric, t->target);
  if (deadline_passed (run, t, "after measuring the baseline", error))
    return FALSE;
  after = measure (w->state, metric, t->target, churn_at (w, t->target));
  if (isnan (after))
    return task_fail (error, t, "metric '%s' does not apply to '%s'", metric, t->target);
  if (deadline_passed (run, t, "after measuring the incident state", error))
    return FALSE;
  /* the series: the baseline, then the incident state from the fault on, with seeded noise
   * (binary states stay exact: a session is up or down) */
  for (guint i = 0; i < n; i++)
    {
      double v = i < w->ticks_before ? before : after;
      if (strcmp (metric, "session") != 0 && strcmp (metric, "reachability") != 0)
        v *= 1.0 + g_rand_double_range (rng, -0.02, 0.02);
      rw_series_push (s, v);
    }
  if (deadline_passed (run, t, "after building the series", error))
    return FALSE;
  window = MIN (n, (guint) MAX (2.0, lookback / w->tick_s));
  for (guint i = n - window; i < n; i++)
    {
      double v = rw_series_get (s, i);
      RwThresholdCross c = rw_threshold_cross (&th, v);
      if (c != RW_THRESHOLD_INSIDE)
        {
          crossings++;
          if (first_cross < 0)
            first_cross = i;
        }
    }
  /* least-squares slope over the newest ticks: the trend */
  {
    guint k = MIN (window, w->ticks_after * 2);
    for (guint i = n - k; i < n; i++)
      mx += i, my += rw_series_get (s, i);
    mx /= k, my /= k;
    for (guint i = n - k; i < n; i++)
      slope += (i - mx) * (rw_series_get (s, i) - my), sxx += (i - mx) * (i - mx);
    slope = sxx > 0 ? slope / sxx : 0;
    /* the slope's standard error: a trend is one the noise cannot explain */
    for (guint i = n - k; i < n; i++)
      {
        double e = rw_series_get (s, i) - (my + slope * (i - mx));
        resid += e * e;
      }
    se = sxx > 0 && k > 2 ? sqrt (resid / (k - 2) / sxx) : 0;
    /* and the level from the fault on against the level before it, in the same window */
    {
      double pre = 0, post = 0;
      guint npre = 0, npost = 0;
      for (guint i = n - k; i < n; i++)
        if (i < w->ticks_before)
          pre += rw_series_get (s, i), npre++;
        else
          post += rw_series_get (s, i), npost++;
      step = npre && npost ? post / npost - pre / npre : slope * k;
    }
  }
  if (strcmp (metric, "session") == 0)
    observed = rw_series_last (s) >= 0.999 ? "up" : rw_series_last (s) <= 0.001 ? "down" : "partly down";
  else if (!isnan (threshold))
    observed = rw_series_last (s) > threshold ? "above" : "below";
  else
    /* rising or falling only beyond the noise: a slope more than three standard errors from
     * flat and a level that moved by more than the telemetry's noise (2 %) — a latency "jump"
     * that is noise around the same level is steady */
    observed = slope > 0.001 * MAX (1e-9, fabs (my)) && slope > 3 * se && step > 0.02 * fabs (my) ? "rising"
             : slope < -0.001 * MAX (1e-9, fabs (my)) && slope < -3 * se && step < -0.02 * fabs (my) ? "falling" : "steady";

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "metric");
  json_builder_add_string_value (b, metric);
  json_builder_set_member_name (b, "samples");
  json_builder_add_int_value (b, window);
  json_builder_set_member_name (b, "baseline");
  json_builder_add_double_value (b, round (rw_series_mean (s, n) * 1e4) / 1e4);
  json_builder_set_member_name (b, "last");
  json_builder_add_double_value (b, round (rw_series_last (s) * 1e4) / 1e4);
  json_builder_set_member_name (b, "trend_per_tick");
  json_builder_add_double_value (b, round (slope * 1e6) / 1e6);
  json_builder_set_member_name (b, "threshold");
  isnan (threshold) ? json_builder_add_null_value (b) : json_builder_add_double_value (b, threshold);
  json_builder_set_member_name (b, "crossings");
  json_builder_add_int_value (b, crossings);
  json_builder_set_member_name (b, "first_crossing_age_s");
  first_cross < 0 ? json_builder_add_null_value (b) : json_builder_add_double_value (b, (n - 1 - first_cross) * w->tick_s);
  json_builder_set_member_name (b, "observed");
  json_builder_add_string_value (b, observed);
  json_builder_set_member_name (b, "expected");
  expect ? json_builder_add_string_value (b, expect) : json_builder_add_null_value (b);
  json_builder_end_object (b);
  run->out = json_builder_get_root (b);
  run->verdict = expect && strcmp (expect, observed) != 0 ? RW_TASK_DEVIATION : RW_TASK_OK;
  return TRUE;
}

static gboolean
metric_execute (RwIntakeAgent *self, const RwTask *t, RwTaskRun *run, GError **error)
{
  RwWorld *w = run->world;
  if (deadline_passed (run, t, "before the task started", error))
    return FALSE;
  if (strcmp (t->type, "reproduce_fault") == 0)
    {
      const char *change = arg_string (t, "change", NULL);
      g_autoptr(GError) local = NULL;
      if (change == NULL)
        return task_fail (error, t, "args.change is missing");
      if (!g_ptr_array_find_with_equal_func (w->faults, change, g_str_equal, NULL))
        {
          g_ptr_array_add (w->faults, g_strdup (change));
          if (!rw_world_rebuild (w, &local))
            {
              g_ptr_array_remove_index (w->faults, w->faults->len - 1);
              return task_fail (error, t, "%s", local->message);
            }
        }
      run->out = impact_json (w->baseline, w->state);
      json_object_set_string_member (json_node_get_object (run->out), "reproduced", change);
      run->verdict = RW_TASK_OK;
      return TRUE;
    }
  if (strcmp (t->type, "check_metric") == 0)
    return metric_check (t, run, error);
  if (strcmp (t->type, "assess_impact") == 0)
    {
      const char *change = arg_string (t, "change", NULL);
      if (change)
        {
          /* "what if this also happened": measured on a fork, the state is not touched */
          const char *changes[] = { change, NULL };
          g_autoptr(GError) local = NULL;
          g_autoptr(RwTwin) fork = rw_twin_fork_apply (w->state, changes, &local);
          if (fork == NULL)
            return task_fail (error, t, "%s", local->message);
          run->out = impact_json (w->baseline, fork);
          json_object_set_string_member (json_node_get_object (run->out), "what_if", change);
        }
      else
        run->out = impact_json (w->baseline, w->state);
      run->verdict = RW_TASK_OK;
      return TRUE;
    }
  if (strcmp (t->type, "verify_recovery") == 0)
    {
      double limit = arg_double (t, "max_utilisation", w->guard.hot_utilisation);
      g_autoptr(GPtrArray) viol = rw_world_new_violations (w->baseline, w->state);
      run->out = impact_json (w->baseline, w->state);
      if (viol->len > 0)
        return task_fail (error, t, "%u demand(s) still miss their SLA (first: %s)", viol->len,
                          (char *) viol->pdata[0]);
      if (w->state->traffic->max_utilisation > limit)
        return task_fail (error, t, "utilisation %.0f %% is above %.0f %%",
                          100 * w->state->traffic->max_utilisation, 100 * limit);
      run->verdict = RW_TASK_OK;
      return TRUE;
    }
  return task_fail (error, t, "MetricAgent does not run '%s' tasks", t->type);
}

RwIntakeAgent *
rw_metric_agent_new (void)
{
  return agent_new ("MetricAgent", metric_execute);
}

/* ---- LogAgent ---- */

#define LOG_BATCH 64

static const char *
rationale (const char *kind)
{
  if (strcmp (kind, "link") == 0)
    return "interface state change: the physical layer failed";
  if (strcmp (kind, "bgp") == 0)
    return "BGP session state change: routes from this neighbour appeared or vanished";
  if (strcmp (kind, "bestpath") == 0)
    return "best-path change: traffic moved to another exit";
  if (strcmp (kind, "util") == 0)
    return "utilisation alarm: a link runs hot";
  if (strcmp (kind, "sla") == 0)
    return "SLA probe: users feel this";
  if (strcmp (kind, "config") == 0)
    return "a change made during this incident";
  return "matching event";
}

static gint
by_age (gconstpointer a, gconstpointer b)
{
  const RwLogLine *x = *(RwLogLine *const *) a, *y = *(RwLogLine *const *) b;
  return x->age_s < y->age_s ? -1 : x->age_s > y->age_s;
}

static gboolean
log_execute (RwIntakeAgent *self, const RwTask *t, RwTaskRun *run, GError **error)
{
  const char *pattern = arg_string (t, "pattern", t->target);
  double lookback = arg_double (t, "lookback_s", 3600);
  g_autoptr(GError) local = NULL;
  g_autoptr(GRegex) re = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) hits = g_ptr_array_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint scanned = 0;

  if (strcmp (t->type, "search_logs") != 0)
    return task_fail (error, t, "LogAgent does not run '%s' tasks", t->type);
  if (deadline_passed (run, t, "before the task started", error))
    return FALSE;
  re = g_regex_new (pattern, G_REGEX_CASELESS, 0, &local);
  if (re == NULL)
    return task_fail (error, t, "args.pattern is not a valid pattern: %s", local->message);
  log = rw_world_log (run->world);
  for (guint i = 0; i < log->len; i++)
    {
      RwLogLine *l = log->pdata[i];
      /* a user's pattern can be slow: the deadline is checked before every batch of lines */
      if (i % LOG_BATCH == 0 && rw_task_run_expired (run))
        return task_error (error, RW_INTAKE_ERROR_TIMEOUT, t, "the deadline passed after %u of %u log lines", i,
                           log->len);
      if (l->age_s > lookback)
        continue;
      scanned++;
      if (g_regex_match (re, l->line, 0, NULL))
        g_ptr_array_add (hits, l);
    }
  g_ptr_array_sort (hits, by_age);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pattern");
  json_builder_add_string_value (b, pattern);
  json_builder_set_member_name (b, "lookback_s");
  json_builder_add_double_value (b, lookback);
  json_builder_set_member_name (b, "scanned");
  json_builder_add_int_value (b, scanned);
  json_builder_set_member_name (b, "matches");
  json_builder_add_int_value (b, hits->len);
  json_builder_set_member_name (b, "top");
  json_builder_begin_array (b);
  for (guint i = 0; i < hits->len && i < 5; i++)
    {
      RwLogLine *l = hits->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "age_s");
      json_builder_add_double_value (b, l->age_s);
      json_builder_set_member_name (b, "line");
      json_builder_add_string_value (b, l->line);
      json_builder_set_member_name (b, "why");
      json_builder_add_string_value (b, rationale (l->kind));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  run->out = json_builder_get_root (b);
  run->verdict = RW_TASK_OK;
  return TRUE;
}

RwIntakeAgent *
rw_log_agent_new (void)
{
  return agent_new ("LogAgent", log_execute);
}

/* ---- ActionAgent ---- */

/* Number of new violations, then max utilisation, then blast radius: lower is better. */
typedef struct {
  guint violations;
  double max_util;
  double blast;
} Score;

static gboolean
score_changes (const RwWorld *w, GPtrArray *changes, Score *s, RwDiff **diff_out)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(RwTwin) fork = NULL;
  g_autoptr(GPtrArray) viol = NULL;
  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (all, changes->pdata[i]);
  g_ptr_array_add (all, NULL);
  fork = rw_twin_fork_apply (w->state, (const char *const *) all->pdata, NULL);
  if (fork == NULL)
    return FALSE;
  viol = rw_world_new_violations (w->baseline, fork);
  s->violations = viol->len;
  s->max_util = fork->traffic->max_utilisation;
  if (diff_out)
    *diff_out = rw_twin_diff (w->state, fork);
  {
    g_autoptr(RwDiff) d = rw_twin_diff (w->state, fork);
    s->blast = d->blast_radius;
  }
  return TRUE;
}

static gboolean
better (const Score *a, const Score *b)
{
  if (a->violations != b->violations)
    return a->violations < b->violations;
  if (fabs (a->max_util - b->max_util) > 1e-9)
    return a->max_util < b->max_util;
  return a->blast < b->blast;
}

/* Candidate changes for "shift away": lower LOCAL_PREF for the prefix of each demand that
 * newly misses its SLA or crosses the hottest link direction, at the router where it leaves. */
static GPtrArray *
shift_candidates (const RwWorld *w)
{
  GPtrArray *c = g_ptr_array_new_with_free_func (g_free);
  const RwTraffic *tr = w->state->traffic;
  g_autoptr(GPtrArray) viol = rw_world_new_violations (w->baseline, w->state);
  for (guint i = 0; i < tr->demands->len; i++)
    {
      const RwDemandResult *r = tr->demands->pdata[i];
      gboolean hot = FALSE, bad = g_ptr_array_find_with_equal_func (viol, r->demand->id, g_str_equal, NULL);
      guint egress_hop = G_MAXUINT;
      if (r->status != RW_DEMAND_OK || r->egress < 0)
        continue;
      for (guint h = 0; h < r->hops->len; h++)
        {
          guint dir = g_array_index (r->hops, guint, h);
          if (rw_traffic_dir_from (w->state->net, dir) == (guint) r->egress)
            egress_hop = dir;
          hot = hot || (gint) dir == tr->max_dir;
        }
      if (!(bad || (hot && tr->max_utilisation >= w->guard.hot_utilisation)) || egress_hop == G_MAXUINT)
        continue;
      {
        const char *router = w->state->net->nodes[r->egress]->id;
        const char *peer = w->state->net->nodes[rw_traffic_dir_to (w->state->net, egress_hop)]->id;
        g_autofree char *pfx = rw_prefix_to_string (&r->demand->dst);
        char *change = g_strdup_printf ("local-pref:%s:%s:50:%s", router, peer, pfx);
        if (!g_ptr_array_find_with_equal_func (c, change, g_str_equal, NULL)
            && !g_ptr_array_find_with_equal_func (w->actions, change, g_str_equal, NULL))
          g_ptr_array_add (c, change);
        else
          g_free (change);
      }
    }
  return c;
}

static void
audit (RwWorld *w, const char *kind, JsonNode *payload)
{
  if (w->store)
    {
      g_autoptr(GError) error = NULL;
      /* a change string from a planner's arguments reaches the append-only log bounded */
      g_autoptr(JsonNode) bounded = json_node_copy (payload);
      rw_store_bound_json (bounded, RW_STORE_AUDIT_STRING_MAX);
      if (!rw_store_append (w->store, 0, kind, "intake", w->decision_tag, bounded, NULL, &error))
        g_warning ("%s", error->message);
    }
}

/* Verify + guard + apply: the only way the ActionAgent changes the state. */
static gboolean
act (const RwTask *t, RwTaskRun *run, GPtrArray *changes, GError **error)
{
  RwWorld *w = run->world;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(RwDiff) diff = NULL;
  g_autoptr(RwVerdict) verdict = NULL;
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  Score s;
  const char *tier;

  if (deadline_passed (run, t, "before the what-if", error))
    return FALSE;
  for (guint i = 0; i < changes->len; i++)
    if (!g_ptr_array_find_with_equal_func (w->actions, changes->pdata[i], g_str_equal, NULL))
      g_ptr_array_add (fresh, changes->pdata[i]);
  json_builder_begin_object (b);
  if (fresh->len == 0)
    {
      /* idempotent: a retried or replanned task finds its change already in place */
      json_builder_set_member_name (b, "applied");
      json_builder_begin_array (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, changes->len ? "already applied" : "no change needed");
      json_builder_end_object (b);
      run->out = json_builder_get_root (b);
      run->verdict = RW_TASK_OK;
      return TRUE;
    }
  if (!score_changes (w, fresh, &s, &diff))
    {
      g_autoptr(GError) bad = NULL;
      g_autoptr(RwTwin) fork = NULL;
      g_ptr_array_add (fresh, NULL);
      fork = rw_twin_fork_apply (w->state, (const char *const *) fresh->pdata, &bad);
      return task_fail (error, t, "%s", bad ? bad->message : "the change does not apply");
    }
  {
    /* the twin's what-if is the first gate: a change that breaks a demand the state still
     * carries, or loops or blackholes traffic, is refused before Z3 is asked */
    g_autoptr(GPtrArray) now = rw_world_new_violations (w->baseline, w->state);
    const char *why = NULL;
    if (diff->new_loops->len > 0)
      why = "it creates a forwarding loop";
    else if (diff->new_blackholes->len > 0)
      why = "it blackholes a demand";
    else if (s.violations > now->len)
      why = "more demands would miss their SLA";
    if (why)
      {
        return task_error (error, RW_INTAKE_ERROR_UNSAFE, t, "the what-if refused %s: %s",
                           (char *) fresh->pdata[0], why);
      }
  }
  if (w->guard.use_z3)
    {
      RwSafetyParams p;
      g_autoptr(GError) bad = NULL;
      /* Z3 gets its configured time (at most 20 s) or what is left of the task's, and is not
       * started at all when too little is left: the retry gets a fresh deadline */
      guint full = MIN (w->guard.z3_timeout_ms, (guint) RW_SAFETY_DEFAULT_TIMEOUT_MS);
      guint floor_ms = MIN ((guint) RW_ACTION_MIN_Z3_MS, full);
      guint budget = rw_task_run_budget_ms (run, full, floor_ms);
      if (budget == 0)
        return task_error (error, RW_INTAKE_ERROR_TIMEOUT, t,
                           "%" G_GINT64_FORMAT " ms left before the deadline, too little to verify %s (at least %u ms)",
                           rw_task_run_remaining_ms (run), (char *) fresh->pdata[0], floor_ms);
      rw_safety_params_init (&p);
      /* the agent loop's verification: rules on the new state and survival of any single
       * failure, both relative to the state before the change */
      p.k = 1;
      p.stop_at_violation = TRUE;
      p.timeout_ms = budget;
      p.confidence = w->confidence;
      p.min_confidence = w->guard.t2_confidence;
      p.robust_relative_to = w->state;
      p.rules_relative = TRUE;
      g_ptr_array_add (fresh, NULL);
      verdict = rw_safety_verify (w->state, (const char *const *) fresh->pdata, &p, &bad);
      g_ptr_array_set_size (fresh, fresh->len - 1);
      rw_safety_params_clear (&p);
      if (verdict == NULL)
        return task_fail (error, t, "%s", bad->message);
      /* no answer in a shortened time is the deadline's doing, not a refusal */
      if (verdict->unknown && budget < full)
        return task_error (error, RW_INTAKE_ERROR_TIMEOUT, t,
                           "Z3 gave no answer on %s in the %u ms left before the deadline",
                           (char *) fresh->pdata[0], budget);
    }
  if (deadline_passed (run, t, "before the change was applied", error))
    return FALSE;
  /* the guard's tiers; its T1 rate limit caps how many changes one incident makes on its own */
  tier = rw_tier_to_string (rw_guard_tier (&w->guard, w->confidence, diff->blast_radius));
  if (w->actions->len + fresh->len > w->guard.max_t1_per_min && g_strcmp0 (tier, "T1") == 0)
    tier = "T2";
  json_builder_set_member_name (b, "changes");
  json_builder_begin_array (b);
  for (guint i = 0; i < fresh->len; i++)
    json_builder_add_string_value (b, fresh->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "blast_radius");
  json_builder_add_double_value (b, diff->blast_radius);
  json_builder_set_member_name (b, "new_violations_after");
  json_builder_add_int_value (b, s.violations);
  json_builder_set_member_name (b, "max_utilisation_after");
  json_builder_add_double_value (b, s.max_util);
  json_builder_set_member_name (b, "verified");
  if (verdict)
    json_builder_add_string_value (b, verdict->safe ? "safe" : verdict->unknown ? "unknown" : "unsafe");
  else
    json_builder_add_string_value (b, "twin only (Z3 off)");
  json_builder_set_member_name (b, "tier");
  json_builder_add_string_value (b, tier);
  json_builder_set_member_name (b, "decision_tag");
  json_builder_add_string_value (b, w->decision_tag);
  if (verdict && !verdict->safe)
    {
      json_builder_set_member_name (b, "violations");
      json_builder_begin_array (b);
      for (guint i = 0; i < verdict->violations->len; i++)
        json_builder_add_string_value (b, ((RwViolation *) verdict->violations->pdata[i])->message);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  run->out = json_builder_get_root (b);
  if (verdict && !verdict->safe)
    {
      audit (w, "intake.blocked", run->out);
      return task_error (error, RW_INTAKE_ERROR_UNSAFE, t, "verification refused %s: %s", (char *) fresh->pdata[0],
                         verdict->unknown ? "Z3 gave no answer in time" : "a safety rule fails");
    }
  if (strcmp (tier, "T1") != 0)
    {
      /* T2 and T3 need a person; intake has nobody to ask, so the ticket escalates */
      audit (w, "intake.escalate", run->out);
      run->verdict = RW_TASK_ESCALATE;
      return TRUE;
    }
  for (guint i = 0; i < fresh->len; i++)
    g_ptr_array_add (w->actions, g_strdup (fresh->pdata[i]));
  {
    g_autoptr(GError) local = NULL;
    if (!rw_world_rebuild (w, &local))
      {
        g_ptr_array_set_size (w->actions, w->actions->len - fresh->len);
        return task_fail (error, t, "%s", local->message);
      }
  }
  audit (w, "intake.act", run->out);
  run->verdict = RW_TASK_OK;
  return TRUE;
}

/* Does telemetry show the session of @link healthy: up in the incident state, and no fault the
 * incident reproduced touches it (a flap or drop the report speaks of would be one)? */
static gboolean
session_healthy (const RwWorld *w, const RwLink *link, const char *router, const char *peer)
{
  g_autofree char *fwd = g_strdup_printf (":%s:%s", router, peer);
  g_autofree char *rev = g_strdup_printf (":%s:%s", peer, router);
  if (!rw_world_session_up (w->state, router, peer))
    return FALSE;
  for (guint i = 0; i < w->faults->len; i++)
    {
      const char *f = w->faults->pdata[i];
      const char *colon = strchr (f, ':');
      if (colon && (strcmp (colon + 1, link->id) == 0 || g_str_has_suffix (f, fwd) || g_str_has_suffix (f, rev)))
        return FALSE;
    }
  return TRUE;
}

static gboolean
action_execute (RwIntakeAgent *self, const RwTask *t, RwTaskRun *run, GError **error)
{
  RwWorld *w = run->world;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);

  if (deadline_passed (run, t, "before the task started", error))
    return FALSE;

  if (strcmp (t->type, "apply_change") == 0)
    {
      JsonNode *n = json_object_get_member (json_node_get_object (t->args), "changes");
      if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n) || json_array_get_length (json_node_get_array (n)) == 0)
        return task_fail (error, t, "args.changes must be a non-empty array of change strings");
      for (guint i = 0; i < json_array_get_length (json_node_get_array (n)); i++)
        {
          JsonNode *c = json_array_get_element (json_node_get_array (n), i);
          if (!JSON_NODE_HOLDS_VALUE (c) || json_node_get_value_type (c) != G_TYPE_STRING)
            return task_fail (error, t, "args.changes[%u]: expected a change string", i);
          g_ptr_array_add (changes, g_strdup (json_node_get_string (c)));
        }
      return act (t, run, changes, error);
    }
  if (strcmp (t->type, "mitigate") == 0)
    {
      const char *strategy = arg_string (t, "strategy", "shift_away");
      const RwLink *link = rw_topology_find_link (w->state->topo, t->target);
      const char *router = NULL, *peer = NULL;
      if (link)
        {
          router = rw_world_is_ours (w->state->topo, link->a) ? link->a : link->b;
          peer = router == link->a ? link->b : link->a;
        }
      if (strcmp (strategy, "drain") == 0 || strcmp (strategy, "prepend") == 0)
        {
          if (link == NULL)
            return task_fail (error, t, "strategy %s needs a link as the target", strategy);
          if (strcmp (strategy, "drain") == 0 && session_healthy (w, link, router, peer))
            return task_error (error, RW_INTAKE_ERROR_UNSAFE, t,
                               "telemetry shows the session %s–%s healthy (up, with no drop or fault on it in the "
                               "incident state): shutting it would take a working uplink away, not stop a flap",
                               router, peer);
          if (strcmp (strategy, "drain") == 0)
            g_ptr_array_add (changes, g_strdup_printf ("session-down:%s:%s", router, peer));
          else
            g_ptr_array_add (changes, g_strdup_printf ("prepend:%s:%s:2", router, peer));
          return act (t, run, changes, error);
        }
      if (strcmp (strategy, "shift_away") != 0)
        return task_fail (error, t, "unknown strategy '%s' (shift_away, drain, prepend)", strategy);
      {
        /* greedy: add the candidate that helps most until nothing is left to fix or nothing helps */
        g_autoptr(GPtrArray) cands = shift_candidates (w);
        Score cur;
        g_autoptr(GPtrArray) none = g_ptr_array_new ();
        if (!score_changes (w, none, &cur, NULL))
          return task_fail (error, t, "the twin cannot be forked");
        while (changes->len < 4 && (cur.violations > 0 || cur.max_util >= w->guard.hot_utilisation))
          {
            gint best = -1;
            Score best_s = cur;
            if (deadline_passed (run, t, "while choosing the changes", error))
              return FALSE;
            for (guint i = 0; i < cands->len; i++)
              {
                Score s;
                g_autoptr(GPtrArray) trial = g_ptr_array_new ();  /* borrows the strings */
                for (guint k = 0; k < changes->len; k++)
                  g_ptr_array_add (trial, changes->pdata[k]);
                g_ptr_array_add (trial, cands->pdata[i]);
                if (score_changes (w, trial, &s, NULL) && better (&s, &best_s))
                  best = i, best_s = s;
              }
            if (best < 0)
              break;
            g_ptr_array_add (changes, g_strdup (cands->pdata[best]));
            g_ptr_array_remove_index (cands, best);
            cur = best_s;
          }
        return act (t, run, changes, error);
      }
    }
  return task_fail (error, t, "ActionAgent does not run '%s' tasks", t->type);
}

RwIntakeAgent *
rw_action_agent_new (void)
{
  return agent_new ("ActionAgent", action_execute);
}

/* ---- Operator ---- */

static gboolean
operator_execute (RwIntakeAgent *self, const RwTask *t, RwTaskRun *run, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gboolean ask = strcmp (t->type, "clarify") == 0;
  if (!ask && strcmp (t->type, "escalate") != 0)
    return task_fail (error, t, "the Operator does not run '%s' tasks", t->type);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, ask ? "question" : "reason");
  json_builder_add_string_value (b, arg_string (t, ask ? "question" : "reason", ask ? "?" : "escalated"));
  json_builder_end_object (b);
  run->out = json_builder_get_root (b);
  run->verdict = ask ? RW_TASK_NEEDS_INPUT : RW_TASK_ESCALATE;
  return TRUE;
}

RwIntakeAgent *
rw_operator_agent_new (void)
{
  return agent_new ("Operator", operator_execute);
}

GPtrArray *
rw_intake_agents_default (void)
{
  GPtrArray *a = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_intake_agent_free);
  g_ptr_array_add (a, rw_metric_agent_new ());
  g_ptr_array_add (a, rw_log_agent_new ());
  g_ptr_array_add (a, rw_action_agent_new ());
  g_ptr_array_add (a, rw_operator_agent_new ());
  return a;
}
