/* rw-agent.c — the closed loop. Everything the agent knows comes from telemetry of the live
 * twin (with the run's seeded noise) plus the configuration it manages; every decision follows
 * from simulated outcomes, and every stage leaves an audit event. This file holds the tick loop,
 * the run's lifecycle and results, and the public API; each stage has a file of its own
 * (rw-observe.c, rw-reason.c, rw-candidates.c, rw-decide.c, rw-act.c, rw-learn.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-agent-private.h"

static void
hyp_free (Hypothesis *h)
{
  g_free (h->entity);
  g_free (h->cause);
  g_ptr_array_unref (h->evidence);
  g_free (h->explains);
  g_free (h->escalated_state);
  g_free (h->paged_for);
  g_free (h);
}

static void
timeline_event_free (RwTimelineEvent *e)
{
  g_free (e->kind);
  g_free (e->summary);
  g_clear_pointer (&e->payload, json_node_unref);
  g_free (e);
}

gboolean
_rw_agent_record (RwAgent *ag, const char *kind, const char *actor, const char *tag, JsonBuilder *b, GError **error,
                  const char *fmt, ...)
{
  RwTimelineEvent *e = g_new0 (RwTimelineEvent, 1);
  g_autoptr(JsonBuilder) own = NULL;
  va_list ap;
  va_start (ap, fmt);
  e->summary = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  e->tick = ag->tick;
  e->kind = g_strdup (kind);
  if (b == NULL)
    {
      own = json_builder_new ();
      json_builder_begin_object (own);
      b = own;
    }
  json_builder_set_member_name (b, "tick");
  json_builder_add_int_value (b, ag->tick);
  json_builder_set_member_name (b, "summary");
  json_builder_add_string_value (b, e->summary);
  json_builder_end_object (b);
  e->payload = json_builder_get_root (b);
  g_ptr_array_add (ag->timeline, e);
  if (ag->store)
    return rw_store_append (ag->store, ag->run_id, kind, actor, tag, e->payload, NULL, error);
  return TRUE;
}

JsonBuilder *
_rw_payload_new (void)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  return b;
}

JsonBuilder *
_rw_payload_strings (const char *key, ...)
{
  JsonBuilder *b = _rw_payload_new ();
  va_list ap;
  va_start (ap, key);
  for (const char *k = key; k != NULL; k = va_arg (ap, const char *))
    {
      const char *v = va_arg (ap, const char *);
      json_builder_set_member_name (b, k);
      if (v)
        json_builder_add_string_value (b, v);
      else
        json_builder_add_null_value (b);
    }
  va_end (ap);
  return b;
}

void
_rw_add_strv (JsonBuilder *b, const char *key, GPtrArray *items)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; items && i < items->len; i++)
    json_builder_add_string_value (b, items->pdata[i]);
  json_builder_end_array (b);
}

/* The session an entity "A-B" names (node ids may contain '-', so match whole names); its
 * index in *index. NULL when there is none. */
RwSession *
_rw_session_for_entity (const RwTopology *t, const char *entity, guint *index)
{
  for (guint i = 0; i < t->sessions->len; i++)
    {
      RwSession *x = t->sessions->pdata[i];
      g_autofree char *ent = g_strdup_printf ("%s-%s", x->a, x->b);
      if (g_strcmp0 (ent, entity) == 0)
        {
          if (index)
            *index = i;
          return x;
        }
    }
  return NULL;
}

/* A fork of @t with @changes (a GPtrArray of change strings) applied, or NULL. */
RwTwin *
_rw_fork_with (const RwTwin *t, GPtrArray *changes)
{
  RwTwin *out;
  g_ptr_array_add (changes, NULL);
  out = rw_twin_fork_apply (t, (const char *const *) changes->pdata, NULL);
  g_ptr_array_remove_index (changes, changes->len - 1);
  return out;
}

/* ---- the loop ---- */

static gboolean
recovered_now (const RwAgent *ag)
{
  double util = 0;
  for (guint d = 0; d < 2 * ag->live->traffic->n_links; d++)
    util = MAX (util, ag->observed_util[d]);
  return _rw_sla_misses (ag->live) == 0 && util <= ag->cfg.hot_utilisation;
}

gboolean
rw_agent_step (RwAgent *ag, GError **error)
{
  g_autoptr(GPtrArray) anomalies = NULL;
  if (ag->tick >= ag->max_ticks)
    return FALSE;
  if (!_rw_agent_inject (ag, error))
    return FALSE;
  if (ag->world && !_rw_agent_sync_world (ag, error))
    return FALSE;
  if (!_rw_agent_observe (ag, error))
    return FALSE;
  anomalies = _rw_agent_detect (ag);
  if (!_rw_agent_note_anomalies (ag, anomalies, error))
    return FALSE;
  if (!_rw_agent_reason (ag, anomalies, error))
    return FALSE;
  if (ag->tick >= ag->sc->baseline_ticks && !_rw_agent_decide (ag, error))
    return FALSE;
  if (!_rw_agent_settle (ag, error))
    return FALSE;
  if (ag->first_fault_tick >= 0 && ag->tick >= (guint) ag->first_fault_tick)
    {
      /* impairment episodes after a fault: from the first tick an SLA is missed or a link is
       * hot, to the first tick everything is well again */
      gboolean well = recovered_now (ag);
      if (well)
        {
          if (ag->recovered_tick < 0)
            ag->recovered_tick = (gint) ag->tick;
          if (ag->episode_start >= 0)
            {
              ag->episodes++;
              ag->episode_ticks += ag->tick - ag->episode_start;
              if (ag->world && ag->tick < ag->real_us->len)
                ag->real_episode_s += (g_array_index (ag->real_us, gint64, ag->tick) -
                                       g_array_index (ag->real_us, gint64, ag->episode_start)) / 1e6;
              ag->episode_start = -1;
            }
        }
      else
        {
          ag->recovered_tick = -1;
          if (ag->episode_start < 0)
            ag->episode_start = (gint) ag->tick;
        }
    }
  ag->tick++;
  return TRUE;
}

RwAgent *
rw_agent_new (const RwScenario *sc, RwStore *store, const RwGuardConfig *config, GError **error)
{
  RwAgent *ag = g_new0 (RwAgent, 1);
  guint nd;
  ag->sc = sc;
  ag->mode = sc->mode;
  ag->max_ticks = sc->ticks;
  ag->events = g_ptr_array_new ();
  for (guint i = 0; i < sc->events->len; i++)
    g_ptr_array_add (ag->events, sc->events->pdata[i]);
  ag->injected = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_scenario_event_free);
  ag->store = store;
  if (config)
    ag->cfg = *config;
  else
    rw_guard_config_init (&ag->cfg);
  ag->rng = g_rand_new_with_seed (sc->seed);
  ag->live = rw_twin_new (rw_topology_copy (sc->topology));
  nd = 2 * ag->live->traffic->n_links;
  ag->timeline = g_ptr_array_new_with_free_func ((GDestroyNotify) timeline_event_free);
  ag->series = rw_series_store_new (MAX (sc->baseline_ticks, 64));
  ag->ewma = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) rw_ewma_free);
  ag->ewma_streak = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ag->baseline_rows = g_array_new (FALSE, FALSE, sizeof (double));
  ag->observed_util = g_new0 (double, nd + 1);
  ag->observed_loss = g_new0 (double, nd + 1);
  ag->observed_lat = g_new0 (double, nd + 1);
  ag->observed_mbps = g_new0 (double, sc->topology->demands->len + 1);
  ag->baseline_mbps = g_new0 (double, sc->topology->demands->len + 1);
  ag->baseline_hops = g_new0 (GArray *, sc->topology->demands->len + 1);
  ag->prev_sess_up = g_new0 (gboolean, sc->topology->sessions->len + 1);
  ag->flaps = g_new0 (guint, sc->topology->sessions->len + 1);
  for (guint s = 0; s < sc->topology->sessions->len; s++)
    {
      RwSession *sess = sc->topology->sessions->pdata[s];
      gint a = rw_net_find_adj (ag->live->net, (guint) rw_net_node (ag->live->net, sess->a), (guint) rw_net_node (ag->live->net, sess->b));
      ag->prev_sess_up[s] = a >= 0 && ag->live->net->adjs[a].up;
    }
  ag->prev_best = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ag->cpu = g_new0 (double, ag->live->net->n_nodes + 1);
  ag->cpu_extra = g_new0 (double, ag->live->net->n_nodes + 1);
  ag->prev_link_state = g_new0 (gboolean, sc->topology->links->len + 1);
  for (guint l = 0; l < sc->topology->links->len; l++)
    ag->prev_link_state[l] = ((RwLink *) sc->topology->links->pdata[l])->up;
  ag->baseline_prefixes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint p = 0; p < ag->live->bgp->n_prefixes; p++)
    g_hash_table_insert (ag->baseline_prefixes, rw_prefix_to_string (&ag->live->bgp->prefixes[p]),
                         GUINT_TO_POINTER (_rw_origin_as (ag->live, p) + 1));
  ag->open_anomalies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ag->hyps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) hyp_free);
  ag->hyp_order = g_ptr_array_new_with_free_func (g_free);
  ag->applied = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_applied_free);
  rw_action_log_init (&ag->actions);
  ag->first_fault_tick = ag->first_anomaly_tick = ag->recovered_tick = -1;
  ag->episode_start = -1;
  ag->fault_ticks = g_array_new (FALSE, FALSE, sizeof (gint));
  ag->detect_ticks = g_array_new (FALSE, FALSE, sizeof (gint));
  if (store)
    {
      ag->run_id = rw_store_begin_run (store, sc->name, sc->seed, rw_mode_to_string (sc->mode), error);
      if (ag->run_id < 0)
        {
          rw_agent_free (ag);
          return NULL;
        }
    }
  if (!_rw_agent_record (ag, "run", "agent", "DETERMINISTIC", NULL, error, "run of %s (seed %u, %u ticks of %.0f s, mode %s)", sc->name,
                         sc->seed, sc->ticks, sc->tick_s, rw_mode_to_string (sc->mode)))
    {
      rw_agent_free (ag);
      return NULL;
    }
  return ag;
}

void
rw_agent_free (RwAgent *ag)
{
  if (ag == NULL)
    return;
  g_rand_free (ag->rng);
  g_ptr_array_unref (ag->events);
  g_ptr_array_unref (ag->injected);
  rw_twin_free (ag->live);
  g_ptr_array_unref (ag->timeline);
  rw_series_store_free (ag->series);
  g_hash_table_unref (ag->ewma);
  g_hash_table_unref (ag->ewma_streak);
  g_clear_pointer (&ag->forest, rw_iforest_free);
  g_array_unref (ag->baseline_rows);
  g_free (ag->observed_util);
  g_free (ag->observed_loss);
  g_free (ag->observed_lat);
  g_free (ag->observed_mbps);
  g_free (ag->baseline_mbps);
  for (guint i = 0; i < ag->sc->topology->demands->len; i++)
    if (ag->baseline_hops[i])
      g_array_unref (ag->baseline_hops[i]);
  g_free (ag->baseline_hops);
  g_free (ag->prev_sess_up);
  g_free (ag->flaps);
  g_hash_table_unref (ag->baseline_prefixes);
  g_hash_table_unref (ag->prev_best);
  g_free (ag->cpu);
  g_free (ag->cpu_extra);
  g_free (ag->prev_link_state);
  g_hash_table_unref (ag->open_anomalies);
  g_hash_table_unref (ag->hyps);
  g_ptr_array_unref (ag->hyp_order);
  g_ptr_array_unref (ag->applied);
  rw_action_log_clear (&ag->actions);
  g_array_unref (ag->fault_ticks);
  g_array_unref (ag->detect_ticks);
  g_clear_pointer (&ag->config, rw_topology_free);
  g_clear_pointer (&ag->script, rw_topology_free);
  rw_agent_reading_clear (&ag->reading);
  g_clear_pointer (&ag->real_us, g_array_unref);
  g_free (ag);
}

gboolean
rw_agent_run (RwAgent *ag, GError **error)
{
  g_autoptr(RwRunResult) r = NULL;
  g_autoptr(JsonNode) doc = NULL;
  while (ag->tick < ag->max_ticks)
    if (!rw_agent_step (ag, error))
      return FALSE;
  r = rw_agent_result (ag);
  doc = rw_run_result_to_json (r);
  if (ag->store)
    {
      if (!rw_store_end_run (ag->store, ag->run_id, doc, error) ||
          !rw_store_add_scenario_result (ag->store, ag->run_id, ag->sc->name, ag->sc->file ? ag->sc->file : "", doc, error))
        return FALSE;
    }
  return _rw_agent_record (ag, "run", "agent", "DETERMINISTIC", NULL, error, "run ended: SR %d, %u action(s), %u rollback(s), %u blocked",
                           r->sr, r->actions, r->rollbacks, r->blocked);
}

const GPtrArray *
rw_agent_timeline (const RwAgent *ag)
{
  return ag->timeline;
}

guint
rw_agent_tick (const RwAgent *ag)
{
  return ag->tick;
}

const RwTwin *
rw_agent_live (const RwAgent *ag)
{
  return ag->live;
}

RwRunResult *
rw_agent_result (const RwAgent *ag)
{
  RwRunResult *r = g_new0 (RwRunResult, 1);
  const RwScenario *sc = ag->sc;
  gboolean causes_ok = TRUE, recovered;
  r->name = g_strdup (sc->name);
  r->file = g_strdup (sc->file ? sc->file : "");
  r->root_causes_found = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < ag->hyp_order->len; i++)
    {
      Hypothesis *h = g_hash_table_lookup (ag->hyps, ag->hyp_order->pdata[i]);
      if (h->confidence >= 0.5)
        g_ptr_array_add (r->root_causes_found, g_strdup_printf ("%s:%s", _rw_hyp_kind_to_string (h->kind), h->entity));
    }
  for (guint i = 0; i < sc->expect_root_causes->len; i++)
    {
      gboolean seen = FALSE;
      for (guint k = 0; k < r->root_causes_found->len; k++)
        seen |= g_strcmp0 (r->root_causes_found->pdata[k], sc->expect_root_causes->pdata[i]) == 0;
      causes_ok &= seen;
    }
  r->rollbacks = ag->rollbacks;
  r->blocked = ag->blocked;
  r->false_actions = ag->false_actions;
  r->actions = ag->applied->len;
  r->escalations = ag->escalations;
  r->max_util_end = ag->live->traffic->max_utilisation;
  {
    /* MTTD: per fault, the first detector firing at or after it */
    double sum = 0;
    guint n = 0;
    for (guint f = 0; f < ag->fault_ticks->len; f++)
      if (g_array_index (ag->detect_ticks, gint, f) >= 0)
        {
          sum += g_array_index (ag->detect_ticks, gint, f) - g_array_index (ag->fault_ticks, gint, f);
          n++;
        }
    r->mttd_s = n ? sum / n * sc->tick_s : NAN;
  }
  recovered = ag->first_fault_tick < 0 ? _rw_sla_misses (ag->live) == 0 : ag->recovered_tick >= 0;
  if (sc->expect_recovered_by >= 0 && ag->recovered_tick > sc->expect_recovered_by)
    recovered = FALSE;
  if (sc->expect_max_utilisation > 0 && r->max_util_end > sc->expect_max_utilisation)
    recovered = FALSE;
  r->recovered = recovered;
  /* MTTR: mean length of the impairment episodes that ended; an episode still open at the end
   * means the network did not recover */
  r->mttr_s = ag->episodes && ag->episode_start < 0 ? ag->episode_ticks / ag->episodes * sc->tick_s : NAN;
  r->sr = recovered && causes_ok && !ag->last_action_rolled_back && ag->false_actions == 0;
  if (sc->expect_no_action)
    r->sr = r->sr && r->actions == 0;
  if (sc->expect_escalation)
    r->sr = causes_ok && r->escalations > 0 && r->actions == 0 && ag->false_actions == 0;
  r->mttd_real_s = r->mttr_real_s = NAN;
  if (ag->world)
    {
      double sum = 0;
      guint n = 0;
      r->world = TRUE;
      for (guint f = 0; f < ag->fault_ticks->len; f++)
        {
          gint ft = g_array_index (ag->fault_ticks, gint, f), dt = g_array_index (ag->detect_ticks, gint, f);
          if (dt >= 0 && (guint) dt < ag->real_us->len)
            {
              sum += (g_array_index (ag->real_us, gint64, dt) - g_array_index (ag->real_us, gint64, ft)) / 1e6;
              n++;
            }
        }
      r->mttd_real_s = n ? sum / n : NAN;
      if (ag->episodes && ag->episode_start < 0)
        r->mttr_real_s = ag->real_episode_s / ag->episodes;
      r->ticks_compared = ag->ticks_compared;
      r->ticks_contradicted = ag->ticks_contradicted;
      r->best_agree = ag->best_agree;
      r->best_total = ag->best_total;
      r->fwd_agree = ag->fwd_agree;
      r->fwd_total = ag->fwd_total;
      r->predictions = ag->predictions;
      r->predictions_contradicted = ag->predictions_contradicted;
    }
  return r;
}

void
rw_run_result_free (RwRunResult *r)
{
  if (r == NULL)
    return;
  g_free (r->name);
  g_free (r->file);
  g_ptr_array_unref (r->root_causes_found);
  g_free (r);
}

static void
add_seconds (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  if (isnan (v))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

/* {"agree": N, "total": M} under @key, as `lab check --json` writes it */
static void
add_agreement (JsonBuilder *b, const char *key, guint agree, guint total)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "agree");
  json_builder_add_int_value (b, agree);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, total);
  json_builder_end_object (b);
}

JsonNode *
rw_run_result_to_json (const RwRunResult *r)
{
  g_autoptr(JsonBuilder) b = _rw_payload_new ();
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, r->name);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, r->file);
  json_builder_set_member_name (b, "sr");
  json_builder_add_int_value (b, r->sr ? 1 : 0);
  add_seconds (b, "mttd_s", r->mttd_s);
  add_seconds (b, "mttr_s", r->mttr_s);
  json_builder_set_member_name (b, "rollbacks");
  json_builder_add_int_value (b, r->rollbacks);
  json_builder_set_member_name (b, "blocked");
  json_builder_add_int_value (b, r->blocked);
  json_builder_set_member_name (b, "false_actions");
  json_builder_add_int_value (b, r->false_actions);
  _rw_add_strv (b, "root_causes_found", r->root_causes_found);
  json_builder_set_member_name (b, "actions");
  json_builder_add_int_value (b, r->actions);
  json_builder_set_member_name (b, "escalations");
  json_builder_add_int_value (b, r->escalations);
  if (r->world)
    {
      /* the run on real routers: times in real seconds, and how the twin fared against them */
      json_builder_set_member_name (b, "world");
      json_builder_begin_object (b);
      add_seconds (b, "mttd_s", r->mttd_real_s);
      add_seconds (b, "mttr_s", r->mttr_real_s);
      json_builder_set_member_name (b, "ticks_compared");
      json_builder_add_int_value (b, r->ticks_compared);
      json_builder_set_member_name (b, "ticks_contradicted");
      json_builder_add_int_value (b, r->ticks_contradicted);
      add_agreement (b, "best_paths", r->best_agree, r->best_total);
      add_agreement (b, "forwarding", r->fwd_agree, r->fwd_total);
      json_builder_set_member_name (b, "predictions");
      json_builder_add_int_value (b, r->predictions);
      json_builder_set_member_name (b, "predictions_contradicted");
      json_builder_add_int_value (b, r->predictions_contradicted);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
rw_timeline_event_to_json (const RwTimelineEvent *e)
{
  JsonNode *n = json_node_copy (e->payload);
  JsonObject *o = json_node_get_object (n);
  json_object_set_string_member (o, "kind", e->kind);
  return n;
}

gboolean
rw_shadow_graduated (RwStore *store, const char *tier, double *rate, GError **error)
{
  guint n = 0;
  double r = 0;
  if (!rw_store_shadow_agreement (store, tier, RW_GRADUATION_WINDOW, &n, &r, error))
    return FALSE;
  if (rate)
    *rate = r;
  return n >= RW_GRADUATION_WINDOW && r >= RW_GRADUATION_AGREEMENT;
}

gint64
rw_agent_run_id (const RwAgent *ag)
{
  return ag->store ? ag->run_id : -1;
}

void
rw_agent_set_world (RwAgent *ag, RwAgentWorld *world)
{
  g_return_if_fail (ag->tick == 0 && ag->world == NULL);
  ag->world = world;
  ag->config = rw_topology_copy (ag->sc->topology);
  ag->script = rw_topology_copy (ag->sc->topology);
  ag->real_us = g_array_new (FALSE, FALSE, sizeof (gint64));
}

const RwTopology *
rw_agent_world_config (const RwAgent *ag)
{
  return ag->config;
}

const RwTopology *
rw_agent_world_script (const RwAgent *ag)
{
  return ag->script;
}

void
rw_agent_set_approver (RwAgent *ag, RwApproveFunc func, gpointer user_data)
{
  ag->approver = func;
  ag->approver_data = user_data;
}

void
rw_agent_set_proof_watch (RwAgent *ag, RwProofWatch func, gpointer user_data)
{
  ag->proof_watch = func;
  ag->proof_watch_data = user_data;
}

void
rw_agent_set_mode (RwAgent *ag, RwMode mode)
{
  ag->mode = mode;
}

RwMode
rw_agent_get_mode (const RwAgent *ag)
{
  return ag->mode;
}

void
rw_agent_set_guard_config (RwAgent *ag, const RwGuardConfig *config)
{
  g_return_if_fail (config != NULL);
  ag->cfg = *config;
}

const RwGuardConfig *
rw_agent_get_guard_config (const RwAgent *ag)
{
  return &ag->cfg;
}

void
rw_agent_set_max_ticks (RwAgent *ag, guint ticks)
{
  ag->max_ticks = ticks;
}

guint
rw_agent_get_max_ticks (const RwAgent *ag)
{
  return ag->max_ticks;
}

void
rw_agent_inject_event (RwAgent *ag, RwScenarioEvent *e)
{
  e->at = ag->tick;
  g_ptr_array_add (ag->injected, e);
  g_ptr_array_add (ag->events, e);
}

JsonNode *
rw_agent_hypotheses_to_json (const RwAgent *ag)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < ag->hyp_order->len; i++)
    {
      const Hypothesis *h = g_hash_table_lookup (ag->hyps, ag->hyp_order->pdata[i]);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, _rw_hyp_kind_to_string (h->kind));
      json_builder_set_member_name (b, "entity");
      json_builder_add_string_value (b, h->entity);
      json_builder_set_member_name (b, "confidence");
      json_builder_add_double_value (b, round (h->confidence * 100) / 100);
      json_builder_set_member_name (b, "explains");
      json_builder_add_string_value (b, h->explains ? h->explains : "");
      json_builder_set_member_name (b, "cause");
      if (h->cause)
        json_builder_add_string_value (b, h->cause);
      else
        json_builder_add_null_value (b);
      _rw_add_strv (b, "evidence", h->evidence);
      json_builder_set_member_name (b, "escalated");
      json_builder_add_boolean_value (b, h->escalated);
      json_builder_set_member_name (b, "handled");
      json_builder_add_boolean_value (b, h->handled_tick != SETTLE_NONE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

double
rw_agent_observed_utilisation (const RwAgent *ag, guint direction)
{
  g_return_val_if_fail (direction < 2 * ag->live->topo->links->len, 0);
  return ag->observed_util[direction];
}
