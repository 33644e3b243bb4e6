/* rw-act.c — from a safe candidate to a change in force: the guard's tier, the operator's
 * answer, the change applied (pushed on a world) and its exact inverse kept for a rollback.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-agent-private.h"

void
_rw_applied_free (Applied *a)
{
  g_ptr_array_unref (a->changes);
  g_free (a->action_kind);
  g_ptr_array_unref (a->saved_policies);
  g_ptr_array_unref (a->saved_sessions);
  g_free (a);
}

/* ---- act ---- */

gboolean
_rw_agent_apply (RwAgent *ag, const Hypothesis *h, const Candidate *c, RwTier tier, GError **error)
{
  Applied *a = g_new0 (Applied, 1);
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_change_free);
  g_autofree char *diff = NULL, *rollback = NULL;
  g_autoptr(GError) local = NULL;
  /* on a world the change is made to the configuration, whose diff is pushed */
  RwTopology *conf = ag->world ? ag->config : ag->live->topo;
  g_autoptr(RwTopology) before = rw_topology_copy (conf);
  g_autoptr(JsonBuilder) b = _rw_payload_new ();

  a->tick = ag->tick;
  a->changes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < c->changes->len; i++)
    {
      g_ptr_array_add (a->changes, g_strdup (c->changes->pdata[i]));
      g_ptr_array_add (parsed, rw_change_parse (c->changes->pdata[i], NULL));
    }
  a->hyp_kind = h->kind;
  a->action_kind = g_strdup (c->action_kind);
  /* the exact inverse: the policies and sessions as they were */
  a->saved_policies = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_policy_free);
  a->saved_sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_session_free);
  for (guint i = 0; i < conf->policies->len; i++)
    g_ptr_array_add (a->saved_policies, rw_policy_copy (conf->policies->pdata[i]));
  for (guint i = 0; i < conf->sessions->len; i++)
    g_ptr_array_add (a->saved_sessions, rw_session_copy (conf->sessions->pdata[i]));
  a->sla_before = _rw_sla_misses (ag->live);
  a->util_before = ag->live->traffic->max_utilisation;
  a->util_predicted = c->max_util_after;
  a->sla_predicted = c->sla_after;
  if ((ag->world && !rw_changes_apply (ag->config, parsed, &local)) || !rw_changes_apply (ag->live->topo, parsed, &local))
    {
      if (ag->world)
        _rw_undo_into (ag->config, a);
      _rw_applied_free (a);
      return _rw_agent_record (ag, "escalate", "agent", "DETERMINISTIC",
                               _rw_payload_strings ("hypothesis", _rw_hyp_kind_to_string (h->kind), "entity", h->entity,
                                                    "change", (char *) c->changes->pdata[0], "reason", local->message, NULL),
                               error, "could not apply %s: %s", (char *) c->changes->pdata[0], local->message);
    }
  rw_twin_resolve (ag->live);
  g_ptr_array_add (a->changes, NULL);
  diff = rw_frr_changes_diff (before, (const char *const *) a->changes->pdata, NULL);
  g_ptr_array_remove_index (a->changes, a->changes->len - 1);
  rollback = rw_frr_topology_diff (conf, before, NULL);
  if (ag->world)
    {
      /* pushed to the routers, every command and answer in the audit chain */
      gboolean ok;
      json_builder_set_member_name (b, "world");
      json_builder_add_string_value (b, ag->world->name);
      json_builder_set_member_name (b, "commands");
      json_builder_begin_array (b);
      ok = diff && ag->world->push (ag->world, diff, b, &local);
      json_builder_end_array (b);
      if (!ok)
        {
          g_autofree char *why = g_strdup (local ? local->message : "no configuration for the change");
          g_autoptr(JsonBuilder) rb = _rw_payload_new ();
          g_autoptr(GError) again = NULL;
          json_builder_set_member_name (rb, "hypothesis");
          json_builder_add_string_value (rb, _rw_hyp_kind_to_string (h->kind));
          json_builder_set_member_name (rb, "entity");
          json_builder_add_string_value (rb, h->entity);
          json_builder_set_member_name (rb, "change");
          json_builder_add_string_value (rb, c->changes->pdata[0]);
          json_builder_set_member_name (rb, "reason");
          json_builder_add_string_value (rb, why);
          /* what reached the routers is taken back */
          json_builder_set_member_name (rb, "rollback_commands");
          json_builder_begin_array (rb);
          if (rollback && !ag->world->push (ag->world, rollback, rb, &again))
            {
              json_builder_end_array (rb);
              _rw_applied_free (a);
              g_propagate_prefixed_error (error, g_steal_pointer (&again), "%s: taking back a failed push: ", ag->world->name);
              return FALSE;
            }
          json_builder_end_array (rb);
          _rw_undo_into (ag->config, a);
          _rw_undo_into (ag->live->topo, a);
          rw_twin_resolve (ag->live);
          _rw_applied_free (a);
          return _rw_agent_record (ag, "escalate", "agent", "DETERMINISTIC", g_steal_pointer (&rb), error,
                                   "could not push %s to %s: %s", (char *) c->changes->pdata[0], ag->world->name, why);
        }
    }
  g_ptr_array_add (ag->applied, a);
  rw_action_log_add (&ag->actions, ag->tick, tier);
  if (ag->first_fault_tick < 0)
    ag->false_actions++;
  _rw_add_strv (b, "changes", a->changes);
  json_builder_set_member_name (b, "action_kind");
  json_builder_add_string_value (b, c->action_kind);
  json_builder_set_member_name (b, "hypothesis");
  json_builder_add_string_value (b, _rw_hyp_kind_to_string (h->kind));
  json_builder_set_member_name (b, "entity");
  json_builder_add_string_value (b, h->entity);
  json_builder_set_member_name (b, "tier");
  json_builder_add_string_value (b, rw_tier_to_string (tier));
  json_builder_set_member_name (b, "frr_diff");
  json_builder_add_string_value (b, diff ? diff : "");
  json_builder_set_member_name (b, "rollback_diff");
  json_builder_add_string_value (b, rollback ? rollback : "");
  json_builder_set_member_name (b, "predicted_max_utilisation");
  json_builder_add_double_value (b, round (c->max_util_after * 1000) / 1000);
  {
    /* what the agent saw when it acted (telemetry: measured on a world with real traffic) */
    double seen = 0;
    for (guint d = 0; d < 2 * ag->live->traffic->n_links; d++)
      seen = MAX (seen, ag->observed_util[d]);
    json_builder_set_member_name (b, "observed_max_utilisation");
    json_builder_add_double_value (b, round (seen * 1000) / 1000);
  }
  return _rw_agent_record (ag, "act", "agent", "DETERMINISTIC", g_steal_pointer (&b), error, "applied %s (%s, %s)",
                           (char *) a->changes->pdata[0], c->action_kind, rw_tier_to_string (tier));
}

/* The configuration as it was before @a: policies and session settings (not demands or link
 * states, which are the world's). */
void
_rw_undo_into (RwTopology *t, const Applied *a)
{
  g_ptr_array_set_size (t->policies, 0);
  for (guint i = 0; i < a->saved_policies->len; i++)
    g_ptr_array_add (t->policies, rw_policy_copy (a->saved_policies->pdata[i]));
  for (guint i = 0; i < t->sessions->len && i < a->saved_sessions->len; i++)
    {
      RwSession *live = t->sessions->pdata[i], *saved = a->saved_sessions->pdata[i];
      for (guint e = 0; e < 2; e++)
        {
          g_free (live->ends[e].import);
          g_free (live->ends[e].export);
          live->ends[e].import = g_strdup (saved->ends[e].import);
          live->ends[e].export = g_strdup (saved->ends[e].export);
        }
      live->up = saved->up;
    }
}

/* Takes @a back; on a world the inverse configuration is pushed, its commands into @log
 * (a JSON array being built; nullable). */
gboolean
_rw_agent_restore (RwAgent *ag, Applied *a, JsonBuilder *log, GError **error)
{
  if (ag->world)
    {
      g_autoptr(RwTopology) was = rw_topology_copy (ag->config);
      g_autofree char *diff = NULL;
      _rw_undo_into (ag->config, a);
      diff = rw_frr_topology_diff (was, ag->config, error);
      if (diff == NULL || !ag->world->push (ag->world, diff, log, error))
        return FALSE;
    }
  _rw_undo_into (ag->live->topo, a);
  rw_twin_resolve (ag->live);
  return TRUE;
}

/* The operator's answer: the app's approver when there is one, else the scenario's script. */
RwAnswer
_rw_agent_ask_operator (RwAgent *ag, const RwTwin *model, const Hypothesis *h, Candidate *c, RwTier tier, char **modified)
{
  RwApprovalRequest req = { 0 };
  g_autofree char *diff = NULL;
  const char *verdict = NULL;
  RwAnswer ans;
  if (ag->approver == NULL)
    return rw_scenario_answer (ag->sc, rw_tier_to_string (tier));
  for (guint i = ag->timeline->len; i > 0 && verdict == NULL; i--)
    {
      RwTimelineEvent *e = ag->timeline->pdata[i - 1];
      if (g_strcmp0 (e->kind, "verify") == 0)
        verdict = e->summary;
    }
  g_ptr_array_add (c->changes, NULL);
  diff = rw_frr_changes_diff (model->topo, (const char *const *) c->changes->pdata, NULL);
  req.changes = (const char *const *) c->changes->pdata;
  req.tick = ag->tick;
  req.tier = rw_tier_to_string (tier);
  req.mode = ag->mode;
  req.hypothesis_kind = _rw_hyp_kind_to_string (h->kind);
  req.entity = h->entity;
  req.explains = h->explains;
  req.confidence = h->confidence;
  req.action_kind = c->action_kind;
  req.blast_radius = c->blast;
  req.max_util_before = model->traffic->max_utilisation;
  req.max_util_after = c->max_util_after;
  req.sla_misses_before = _rw_sla_misses (model);
  req.sla_misses_after = c->sla_after;
  req.verdict = ag->cfg.use_z3 ? verdict : NULL;
  req.frr_diff = diff;
  req.ttl_ticks = ag->cfg.t2_ttl_ticks;
  req.model = model;
  ans = ag->approver (&req, modified, ag->approver_data);
  g_ptr_array_remove_index (c->changes, c->changes->len - 1);
  if (ans == RW_ANSWER_MODIFY && (modified == NULL || *modified == NULL))
    ans = RW_ANSWER_REJECT;
  return ans;
}

/* The guard on a safe candidate: its tier, escalated by the rate limits, recorded with the rule
 * that escalated it. */
gboolean
_rw_agent_guard (RwAgent *ag, const Hypothesis *h, const Candidate *c, RwTier *tier, GError **error)
{
  g_autofree char *rule = NULL;
  g_autoptr(JsonBuilder) b = _rw_payload_new ();
  RwTier t = rw_guard_tier (&ag->cfg, h->confidence, c->blast);
  t = rw_guard_rate_limit (&ag->cfg, t, &ag->actions, ag->tick, ag->sc->tick_s, &rule);
  *tier = t;
  json_builder_set_member_name (b, "tier");
  json_builder_add_string_value (b, rw_tier_to_string (t));
  json_builder_set_member_name (b, "confidence");
  json_builder_add_double_value (b, round (h->confidence * 100) / 100);
  json_builder_set_member_name (b, "blast_radius");
  json_builder_add_double_value (b, round (c->blast * 1000) / 1000);
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, rw_mode_to_string (ag->mode));
  json_builder_set_member_name (b, "acts_alone");
  json_builder_add_boolean_value (b, rw_guard_acts_alone (ag->mode, t));
  json_builder_set_member_name (b, "rule");
  if (rule)
    json_builder_add_string_value (b, rule);
  else
    json_builder_add_null_value (b);
  return _rw_agent_record (ag, "guard", "guard", "DETERMINISTIC", g_steal_pointer (&b), error,
                           "%s: tier %s (confidence %.2f, blast radius %.0f %%), mode %s%s%s", (char *) c->changes->pdata[0],
                           rw_tier_to_string (t), h->confidence, 100 * c->blast, rw_mode_to_string (ag->mode), rule ? "; " : "",
                           rule ? rule : "");
}
