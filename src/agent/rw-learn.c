/* rw-learn.c — settle and learn: an applied change judged against what the twin predicted (and
 * rolled back when the network got worse), and the outcome kept as the learner's prior.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-agent-private.h"

/* The learner's prior for an action kind on a hypothesis kind: the share of its predicted
 * benefit such actions delivered when they settled (each outcome's reward is that share, 0 for
 * a change that made things worse), with RW_PRIOR_WEIGHT optimistic pseudo-outcomes: an action
 * never tried is trusted as the twin predicts it, and disappointments discount it gradually
 * (one bad outcome takes a quarter off, nine about two thirds). */
#define RW_PRIOR_WEIGHT 3.0
double
_rw_agent_learned_prior (RwAgent *ag, RwHypKind hyp_kind, const char *action_kind)
{
  guint n = 0;
  double mean = 0;
  if (ag->store == NULL ||
      !rw_store_learning_get (ag->store, _rw_hyp_kind_to_string (hyp_kind), action_kind, &n, &mean, NULL))
    return 1.0;
  return CLAMP ((mean * n + RW_PRIOR_WEIGHT) / (n + RW_PRIOR_WEIGHT), 0.0, 1.0);
}

/* ---- settle and learn ---- */

/* One learning outcome: into the store (when there is one) and the audit chain. @blocked_by names
 * the safety check that refused the proposal, or is NULL for a change that settled. */
gboolean
_rw_agent_learn (RwAgent *ag, RwHypKind hyp, const char *action_kind, double reward, const char *blocked_by,
                 GError **error)
{
  g_autoptr(JsonBuilder) b = _rw_payload_new ();
  const char *hyp_kind = _rw_hyp_kind_to_string (hyp);
  if (ag->store && !rw_store_learning_record (ag->store, hyp_kind, action_kind, reward, error))
    return FALSE;
  json_builder_set_member_name (b, "hypothesis_kind");
  json_builder_add_string_value (b, hyp_kind);
  json_builder_set_member_name (b, "action_kind");
  json_builder_add_string_value (b, action_kind);
  json_builder_set_member_name (b, "reward");
  json_builder_add_double_value (b, round (reward * 1000) / 1000);
  if (blocked_by)
    {
      json_builder_set_member_name (b, "blocked_by");
      json_builder_add_string_value (b, blocked_by);
      return _rw_agent_record (ag, "learn", "learner", "DETERMINISTIC", g_steal_pointer (&b), error,
                               "reward %.2f for %s on %s: the %s refused it", reward, action_kind, hyp_kind, blocked_by);
    }
  return _rw_agent_record (ag, "learn", "learner", "DETERMINISTIC", g_steal_pointer (&b), error,
                           "reward %.2f (%.0f %% of the predicted improvement) for %s on %s", reward, 100 * reward, action_kind,
                           hyp_kind);
}

/* How much a network hurts: SLA misses, plus overload above the hot line. */
static double
harm (const RwAgent *ag, guint sla, double util)
{
  return (double) sla + 5.0 * MAX (0.0, util - ag->cfg.hot_utilisation);
}

/* The share of the predicted improvement the change delivered, in [0, 1]: the network now
 * against the same network now without the change (the twin can say what that would be, so a
 * fault that kept growing meanwhile is not blamed on the change, nor a fault that healed by
 * itself credited to it). */
static double
realised_share (const RwAgent *ag, const Applied *a)
{
  double predicted = harm (ag, a->sla_before, a->util_before) - harm (ag, a->sla_predicted, a->util_predicted);
  g_autoptr(RwTopology) without = rw_topology_copy (ag->live->topo);
  g_autoptr(RwTwin) cf = NULL;
  double realised;
  _rw_undo_into (without, a);
  cf = rw_twin_new (g_steal_pointer (&without));
  realised = harm (ag, _rw_sla_misses (cf), cf->traffic->max_utilisation) -
             harm (ag, _rw_sla_misses (ag->live), ag->live->traffic->max_utilisation);
  if (predicted <= 1e-9)
    return realised >= -1e-9 ? 1.0 : 0.0;
  return CLAMP (realised / predicted, 0.0, 1.0);
}

gboolean
_rw_agent_settle (RwAgent *ag, GError **error)
{
  for (guint i = 0; i < ag->applied->len; i++)
    {
      Applied *a = ag->applied->pdata[i];
      guint sla_now;
      double util_now = 0, reward;
      gboolean worse;
      g_autoptr(JsonBuilder) b = NULL;
      if (a->judged || ag->tick < a->tick + ag->cfg.settle_ticks)
        continue;
      a->judged = TRUE;
      sla_now = _rw_sla_misses (ag->live);
      for (guint d = 0; d < 2 * ag->live->traffic->n_links; d++)
        util_now = MAX (util_now, ag->observed_util[d]);
      /* worse than before, or a breach the prediction did not foresee */
      worse = sla_now > a->sla_before || (util_now >= 1.0 && util_now > a->util_before + 0.02);
      reward = worse ? 0.0 : realised_share (ag, a);
      b = _rw_payload_new ();
      json_builder_set_member_name (b, "observed_max_utilisation");
      json_builder_add_double_value (b, round (util_now * 1000) / 1000);
      json_builder_set_member_name (b, "predicted_max_utilisation");
      json_builder_add_double_value (b, round (a->util_predicted * 1000) / 1000);
      json_builder_set_member_name (b, "sla_misses_before");
      json_builder_add_int_value (b, a->sla_before);
      json_builder_set_member_name (b, "sla_misses_now");
      json_builder_add_int_value (b, sla_now);
      if (!_rw_agent_record (ag, "settle", "agent", "DETERMINISTIC", g_steal_pointer (&b), error,
                             "%s: observed %.0f %% max utilisation (predicted %.0f %%), %u SLA misses (were %u)",
                             (char *) a->changes->pdata[0], 100 * util_now, 100 * a->util_predicted, sla_now, a->sla_before))
        return FALSE;
      if (ag->world)
        {
          /* a prediction reality contradicted: worse than before, or clearly worse than the
           * twin said it would be */
          ag->predictions++;
          if (worse || sla_now > a->sla_predicted || util_now > a->util_predicted + 0.05)
            ag->predictions_contradicted++;
        }
      if (worse)
        {
          g_autoptr(JsonBuilder) rb = _rw_payload_new ();
          gboolean ok;
          json_builder_set_member_name (rb, "change");
          json_builder_add_string_value (rb, a->changes->pdata[0]);
          json_builder_set_member_name (rb, "hypothesis");
          json_builder_add_string_value (rb, _rw_hyp_kind_to_string (a->hyp_kind));
          json_builder_set_member_name (rb, "action_kind");
          json_builder_add_string_value (rb, a->action_kind);
          if (ag->world)
            {
              json_builder_set_member_name (rb, "commands");
              json_builder_begin_array (rb);
            }
          ok = _rw_agent_restore (ag, a, rb, error);
          if (ag->world)
            json_builder_end_array (rb);
          if (!ok)
            return FALSE;
          ag->rollbacks++;
          ag->last_action_rolled_back = TRUE;
          if (!_rw_agent_record (ag, "rollback", "agent", "DETERMINISTIC", g_steal_pointer (&rb), error,
                                 "rolled back %s: the network got worse", (char *) a->changes->pdata[0]))
            return FALSE;
        }
      else
        ag->last_action_rolled_back = FALSE;
      if (!_rw_agent_learn (ag, a->hyp_kind, a->action_kind, reward, NULL, error))
        return FALSE;
    }
  return TRUE;
}
