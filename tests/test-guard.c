/* test-guard.c — the guard stage on its own: tiers at their boundaries and with configured
 * limits, the rate limits (each escalation names its rule, the window slides), what each mode
 * may do alone, and what an operator's answer means at each tier.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-guard.h"

#include <string.h>

static void
test_tiers (void)
{
  RwGuardConfig g;
  rw_guard_config_init (&g);
  /* DESIGN.md section 3 defaults, exactly at the boundaries */
  g_assert_cmpint (rw_guard_tier (&g, 0.80, 0.25), ==, RW_TIER_1);
  g_assert_cmpint (rw_guard_tier (&g, 0.79, 0.25), ==, RW_TIER_2);
  g_assert_cmpint (rw_guard_tier (&g, 0.80, 0.26), ==, RW_TIER_2);
  g_assert_cmpint (rw_guard_tier (&g, 0.60, 0.65), ==, RW_TIER_2);
  g_assert_cmpint (rw_guard_tier (&g, 0.59, 0.10), ==, RW_TIER_3);
  g_assert_cmpint (rw_guard_tier (&g, 0.99, 0.66), ==, RW_TIER_3);
  g_assert_cmpint (rw_guard_tier (&g, 1.00, 0.00), ==, RW_TIER_1);
  /* the operator's preferences move the lines */
  g.t1_blast = 0;
  g_assert_cmpint (rw_guard_tier (&g, 0.95, 0.01), ==, RW_TIER_2);
  g_assert_cmpint (rw_guard_tier (&g, 0.95, 0.00), ==, RW_TIER_1);
  g.t2_confidence = 0.9;
  g_assert_cmpint (rw_guard_tier (&g, 0.85, 0.30), ==, RW_TIER_3);
  g_assert_cmpstr (rw_tier_to_string (RW_TIER_1), ==, "T1");
  g_assert_cmpstr (rw_tier_to_string (RW_TIER_3), ==, "T3");
}

static void
test_rate_limits (void)
{
  RwGuardConfig g;
  RwActionLog log;
  char *rule = NULL;
  rw_guard_config_init (&g);
  rw_action_log_init (&log);

  /* nothing done yet: every tier stays */
  g_assert_cmpint (rw_guard_rate_limit (&g, RW_TIER_1, &log, 100, 10, &rule), ==, RW_TIER_1);
  g_assert_null (rule);

  /* six T1 actions in the last minute (ticks of 10 s: the window is the last 6 ticks) */
  for (guint t = 95; t <= 100; t++)
    rw_action_log_add (&log, t, RW_TIER_1);
  g_assert_cmpuint (rw_action_log_last_minute (&log, 100, 10, 0), ==, 6);
  g_assert_cmpuint (rw_action_log_last_minute (&log, 100, 10, RW_TIER_2), ==, 0);
  g_assert_cmpint (rw_guard_rate_limit (&g, RW_TIER_1, &log, 100, 10, &rule), ==, RW_TIER_2);
  g_assert_nonnull (rule);
  g_assert_nonnull (strstr (rule, "6 T1 actions in the last minute, at most 6"));
  g_assert_nonnull (strstr (rule, "escalated to T2"));
  g_clear_pointer (&rule, g_free);
  /* a T2 change is not held back by T1's count */
  g_assert_cmpint (rw_guard_rate_limit (&g, RW_TIER_2, &log, 100, 10, &rule), ==, RW_TIER_2);
  g_assert_null (rule);
  /* the window slides: one tick later the action of tick 95 is more than a minute old */
  g_assert_cmpint (rw_guard_rate_limit (&g, RW_TIER_1, &log, 101, 10, &rule), ==, RW_TIER_1);
  g_assert_null (rule);
  /* with 60 s ticks the same log is six actions in six minutes: one per minute */
  g_assert_cmpint (rw_guard_rate_limit (&g, RW_TIER_1, &log, 100, 60, &rule), ==, RW_TIER_1);
  g_assert_null (rule);

  /* three T2 actions: a T2 change becomes T3, and so does a T1 change pushed up to T2 */
  for (guint t = 98; t <= 100; t++)
    rw_action_log_add (&log, t, RW_TIER_2);
  g_assert_cmpint (rw_guard_rate_limit (&g, RW_TIER_2, &log, 100, 10, &rule), ==, RW_TIER_3);
  g_assert_nonnull (strstr (rule, "3 T2 actions in the last minute, at most 3"));
  g_clear_pointer (&rule, g_free);
  g_assert_cmpint (rw_guard_rate_limit (&g, RW_TIER_1, &log, 100, 10, &rule), ==, RW_TIER_3);
  g_assert_nonnull (strstr (rule, "T1 actions"));
  g_assert_nonnull (strstr (rule, "T2 actions"));
  g_clear_pointer (&rule, g_free);

  /* the overall limit: ten actions of any tier stop everything that would go alone */
  rw_action_log_add (&log, 100, RW_TIER_3);
  g_assert_cmpuint (rw_action_log_last_minute (&log, 100, 10, 0), ==, 10);
  g.max_t1_per_min = 100;
  g.max_t2_per_min = 100;
  g_assert_cmpint (rw_guard_rate_limit (&g, RW_TIER_1, &log, 100, 10, &rule), ==, RW_TIER_3);
  g_assert_nonnull (strstr (rule, "10 actions in the last minute, at most 10"));
  g_assert_nonnull (strstr (rule, "from T1 to T3"));
  g_clear_pointer (&rule, g_free);
  /* a T3 change is asked for anyway: no rule to name */
  g_assert_cmpint (rw_guard_rate_limit (&g, RW_TIER_3, &log, 100, 10, &rule), ==, RW_TIER_3);
  g_assert_null (rule);

  /* limits of zero (the operator wants every change seen) */
  rw_action_log_clear (&log);
  rw_action_log_init (&log);
  rw_guard_config_init (&g);
  g.max_t1_per_min = 0;
  g_assert_cmpint (rw_guard_rate_limit (&g, RW_TIER_1, &log, 5, 10, &rule), ==, RW_TIER_2);
  g_clear_pointer (&rule, g_free);
  rw_action_log_clear (&log);
}

static void
test_modes_and_answers (void)
{
  /* supervised: T1 alone; autonomous: T1 and T2; shadow: never */
  g_assert_true (rw_guard_acts_alone (RW_MODE_SUPERVISED, RW_TIER_1));
  g_assert_false (rw_guard_acts_alone (RW_MODE_SUPERVISED, RW_TIER_2));
  g_assert_false (rw_guard_acts_alone (RW_MODE_SUPERVISED, RW_TIER_3));
  g_assert_true (rw_guard_acts_alone (RW_MODE_AUTONOMOUS, RW_TIER_1));
  g_assert_true (rw_guard_acts_alone (RW_MODE_AUTONOMOUS, RW_TIER_2));
  g_assert_false (rw_guard_acts_alone (RW_MODE_AUTONOMOUS, RW_TIER_3));
  for (RwTier t = RW_TIER_1; t <= RW_TIER_3; t++)
    g_assert_false (rw_guard_acts_alone (RW_MODE_SHADOW, t));
  /* approve applies, reject never; no answer applies T2 after its TTL but never T3 */
  for (RwTier t = RW_TIER_1; t <= RW_TIER_3; t++)
    {
      g_assert_true (rw_guard_answer_applies (t, RW_ANSWER_APPROVE));
      g_assert_false (rw_guard_answer_applies (t, RW_ANSWER_REJECT));
      g_assert_false (rw_guard_answer_applies (t, RW_ANSWER_MODIFY));
    }
  g_assert_true (rw_guard_answer_applies (RW_TIER_2, RW_ANSWER_TIMEOUT));
  g_assert_false (rw_guard_answer_applies (RW_TIER_3, RW_ANSWER_TIMEOUT));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/guard/tiers", test_tiers);
  g_test_add_func ("/guard/rate-limits", test_rate_limits);
  g_test_add_func ("/guard/modes-and-answers", test_modes_and_answers);
  return g_test_run ();
}
