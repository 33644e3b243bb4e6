/* rw-guard.h — the guard stage (DESIGN.md section 3) as plain functions of its inputs: the
 * autonomy tier of a change from its confidence and blast radius, the rate limits that escalate
 * a tier (naming the rule), whether a mode lets the agent act alone at a tier, and what an
 * operator's answer means for a request. The agent calls these; tests call them directly.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-agent.h"

G_BEGIN_DECLS

typedef enum { RW_TIER_1 = 1, RW_TIER_2 = 2, RW_TIER_3 = 3 } RwTier;

/* "T1", "T2", "T3" */
const char *rw_tier_to_string (RwTier tier);

/* T1 when confidence >= t1_confidence and blast <= t1_blast, else T2 when confidence >=
 * t2_confidence and blast <= t2_blast, else T3. */
RwTier rw_guard_tier (const RwGuardConfig *config, double confidence, double blast);

/* The actions already taken: the tick and the tier each was applied at. */
typedef struct {
  GArray *ticks;   /* guint */
  GArray *tiers;   /* gint (RwTier) */
} RwActionLog;

void rw_action_log_init (RwActionLog *log);
void rw_action_log_clear (RwActionLog *log);
void rw_action_log_add (RwActionLog *log, guint tick, RwTier tier);
/* Actions (of @tier, or of any tier for 0) in the simulated minute before @now. */
guint rw_action_log_last_minute (const RwActionLog *log, guint now, double tick_s, RwTier tier);

/* Applies the rate limits to a change that would go at @tier now: at the overall limit
 * (max_per_min) nothing more goes alone, so the change becomes T3; at T1's limit a T1 change
 * becomes T2; at T2's limit a T2 change becomes T3. Returns the tier after escalation and, when
 * it escalated, sets *@rule to a sentence naming the rule ("rate limit: 6 T1 actions in the last
 * minute, at most 6 — escalated to T2"); otherwise *@rule is NULL. */
RwTier rw_guard_rate_limit (const RwGuardConfig *config, RwTier tier, const RwActionLog *log, guint now, double tick_s,
                            char **rule);

/* Supervised acts alone at T1, autonomous at T1 and T2, shadow never (until a tier graduates). */
gboolean rw_guard_acts_alone (RwMode mode, RwTier tier);

/* After the operator's answer to a request at @tier: TRUE when the change is applied. Approve
 * applies; reject does not; no answer applies a T2 change (after its TTL) but never a T3 one.
 * MODIFY is not an answer here: the replacement is judged as a new candidate. */
gboolean rw_guard_answer_applies (RwTier tier, RwAnswer answer);

G_END_DECLS
