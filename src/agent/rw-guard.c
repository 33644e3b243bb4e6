/* rw-guard.c — autonomy tiers, rate limits and answers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-guard.h"
#include "rw-safety.h"

#include <string.h>

/* The guard's defaults (DESIGN.md section 3); the Z3 budget and the hot line are the safety
 * layer's own defaults. */
void
rw_guard_config_init (RwGuardConfig *g)
{
  memset (g, 0, sizeof *g);
  g->t1_confidence = 0.80;
  g->t1_blast = 0.25;
  g->t2_confidence = 0.60;
  g->t2_blast = 0.65;
  g->max_per_min = 10;
  g->max_t1_per_min = 6;
  g->max_t2_per_min = 3;
  g->settle_ticks = 3;
  g->t2_ttl_ticks = 6;
  g->hot_utilisation = RW_SAFETY_DEFAULT_HEADROOM;
  g->cost_weight = RW_COST_WEIGHT_DEFAULT;
  g->use_z3 = TRUE;
  g->z3_timeout_ms = RW_SAFETY_DEFAULT_TIMEOUT_MS;
  g->reevaluate_ticks = 12;
  g->reevaluate_min_ticks = 3;
}

static const char *const tier_names[] = {
  [RW_TIER_1] = "T1",
  [RW_TIER_2] = "T2",
  [RW_TIER_3] = "T3",
};

const char *
rw_tier_to_string (RwTier tier)
{
  g_return_val_if_fail (tier >= RW_TIER_1 && tier <= RW_TIER_3, "T3");
  return tier_names[tier];
}

RwTier
rw_guard_tier (const RwGuardConfig *g, double confidence, double blast)
{
  if (confidence >= g->t1_confidence && blast <= g->t1_blast)
    return RW_TIER_1;
  if (confidence >= g->t2_confidence && blast <= g->t2_blast)
    return RW_TIER_2;
  return RW_TIER_3;
}

void
rw_action_log_init (RwActionLog *log)
{
  log->ticks = g_array_new (FALSE, FALSE, sizeof (guint));
  log->tiers = g_array_new (FALSE, FALSE, sizeof (gint));
}

void
rw_action_log_clear (RwActionLog *log)
{
  g_clear_pointer (&log->ticks, g_array_unref);
  g_clear_pointer (&log->tiers, g_array_unref);
}

void
rw_action_log_add (RwActionLog *log, guint tick, RwTier tier)
{
  gint t = (gint) tier;
  g_array_append_val (log->ticks, tick);
  g_array_append_val (log->tiers, t);
}

guint
rw_action_log_last_minute (const RwActionLog *log, guint now, double tick_s, RwTier tier)
{
  guint n = 0;
  double window = 60.0 / (tick_s > 0 ? tick_s : 1.0);
  for (guint i = 0; i < log->ticks->len; i++)
    {
      guint at = g_array_index (log->ticks, guint, i);
      if (at <= now && now - at < window && (tier == 0 || g_array_index (log->tiers, gint, i) == (gint) tier))
        n++;
    }
  return n;
}

RwTier
rw_guard_rate_limit (const RwGuardConfig *g, RwTier tier, const RwActionLog *log, guint now, double tick_s, char **rule)
{
  guint all = rw_action_log_last_minute (log, now, tick_s, 0);
  *rule = NULL;
  if (tier != RW_TIER_3 && all >= g->max_per_min)
    {
      *rule = g_strdup_printf ("rate limit: %u actions in the last minute, at most %u — escalated from %s to T3", all,
                               g->max_per_min, rw_tier_to_string (tier));
      return RW_TIER_3;
    }
  if (tier == RW_TIER_1)
    {
      guint n = rw_action_log_last_minute (log, now, tick_s, RW_TIER_1);
      if (n < g->max_t1_per_min)
        return RW_TIER_1;
      *rule = g_strdup_printf ("rate limit: %u T1 actions in the last minute, at most %u — escalated to T2", n, g->max_t1_per_min);
      tier = RW_TIER_2;
    }
  if (tier == RW_TIER_2)
    {
      guint n = rw_action_log_last_minute (log, now, tick_s, RW_TIER_2);
      if (n >= g->max_t2_per_min)
        {
          g_autofree char *first = g_steal_pointer (rule);
          *rule = g_strdup_printf ("%s%srate limit: %u T2 actions in the last minute, at most %u — escalated to T3",
                                   first ? first : "", first ? "; " : "", n, g->max_t2_per_min);
          return RW_TIER_3;
        }
    }
  return tier;
}

gboolean
rw_guard_acts_alone (RwMode mode, RwTier tier)
{
  switch (mode)
    {
    case RW_MODE_SUPERVISED: return tier == RW_TIER_1;
    case RW_MODE_AUTONOMOUS: return tier != RW_TIER_3;
    case RW_MODE_SHADOW:
    default: return FALSE;
    }
}

gboolean
rw_guard_answer_applies (RwTier tier, RwAnswer answer)
{
  switch (answer)
    {
    case RW_ANSWER_APPROVE: return TRUE;
    case RW_ANSWER_TIMEOUT: return tier == RW_TIER_2 || tier == RW_TIER_1;
    case RW_ANSWER_REJECT:
    case RW_ANSWER_MODIFY:
    default: return FALSE;
    }
}
