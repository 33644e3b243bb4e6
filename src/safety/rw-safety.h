/* rw-safety.h — what Z3 proves about a change: rule verification with explanations,
 * failure robustness with counterexamples, and minimal-change synthesis (DESIGN.md section 4).
 * Every call creates its own Z3 context, so calls on different threads never share one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-twin.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The defaults of rw_safety_params_init(), in one place: the agent's guard
 * (rw_guard_config_init) takes its Z3 budget and hot line from here. */
#define RW_SAFETY_DEFAULT_HEADROOM 0.9
#define RW_SAFETY_DEFAULT_LP_MAX 300
#define RW_SAFETY_DEFAULT_PREPEND_MAX 5
#define RW_SAFETY_DEFAULT_TIMEOUT_MS 20000

typedef struct {
  double headroom;            /* utilisation limit per link direction (RW_SAFETY_DEFAULT_HEADROOM) */
  guint k;                    /* failures to survive (1) */
  gint64 lp_min, lp_max;      /* LOCAL_PREF range (0..RW_SAFETY_DEFAULT_LP_MAX) */
  guint prepend_max;          /* (RW_SAFETY_DEFAULT_PREPEND_MAX) */
  guint32 med_max;            /* (10000) */
  GArray *protected_communities; /* guint32; never removed inside our AS */
  double confidence;          /* of the proposal; < 0 = not given */
  double min_confidence;      /* tier limit */
  double max_blast_radius;    /* tier limit, 0..1 */
  guint timeout_ms;           /* per Z3 check, as Z3's resource count (rw_z3_rlimit): the same
                               * budget on any machine; running out is "unknown" = unsafe */
  /* When set, a failure that already breaks the same demand in this state is not held against
   * the change: robustness then means "no more fragile than before". */
  const RwTwin *robust_relative_to;
  /* When TRUE, the rules hold the change to "no worse than before" wherever another fault
   * already breaks them: a demand already missing its SLA may still miss it, a demand already
   * blackholed or looping is not held against the change, and neither is a link direction
   * already beyond the headroom whose load the change leaves as it is (the agent fixes faults
   * one after the other). Everything the network met before the change, and every direction
   * whose load it changes, stays absolute. */
  gboolean rules_relative;
  /* When TRUE, a state that already breaks a rule is not also searched for a failure
   * counterexample: the verdict is unsafe either way (the agent, which has more candidates to
   * try, sets it; the CLI shows both). */
  gboolean stop_at_violation;
  /* Synthesis: how many candidate change sets it may evaluate on the twin (a count, not a
   * time; 0 = RW_SYNTH_DEFAULT_BUDGET), and how many of the best it hands to rw_safety_verify()
   * in rank order until one is proven (0 = none: the caller proves the best one itself). */
  guint synth_budget;
  guint synth_proofs;
  /* When TRUE, verify always hands the whole network (forwarding and traffic included) to Z3,
   * as before the routing-only proofs of the twin's state (nothing failed, and each failure
   * case of the robustness check); for the test that holds the two paths to the same
   * verdicts. */
  gboolean full_encoding;
} RwSafetyParams;

#define RW_SYNTH_DEFAULT_BUDGET 1500

void rw_safety_params_init (RwSafetyParams *p); /* the defaults of DESIGN.md section 3 */
void rw_safety_params_clear (RwSafetyParams *p);

typedef struct {
  char *rule;      /* "headroom", "reachable", "sla", "no_loop", "local_pref_range", … */
  char *entity;    /* "R1→ISP-A", a demand id, a change string */
  char *message;   /* a sentence for people */
} RwViolation;

typedef struct {
  gboolean safe;
  gboolean unknown;           /* Z3 gave no answer in time: treated as unsafe */
  char *unknown_reason;
  GPtrArray *violations;      /* RwViolation */
  GPtrArray *cex_failed;      /* change strings; NULL when there is no counterexample */
  char *cex_demand, *cex_effect, *cex_message;
  double seconds;
  guint checks;               /* Z3 checks run */
  guint preexisting;          /* counterexamples that also hold before the change (relative mode) */
} RwVerdict;

void rw_verdict_free (RwVerdict *v);
JsonNode *rw_verdict_to_json (const RwVerdict *v);

/* Rules on the state after @changes (k = 0), then robustness of that state to params->k
 * failures. NULL with @error only when a change string is bad input. */
RwVerdict *rw_safety_verify (const RwTwin *base, const char *const *changes, const RwSafetyParams *p, GError **error);
/* Robustness alone: is there a set of at most k failed links/sessions that blackholes, loops
 * or overloads a demand, or breaks its SLA? Every counterexample is confirmed on the twin. */
RwVerdict *rw_safety_robustness (const RwTwin *twin, const RwSafetyParams *p);

/* How many stable states BGP has for the twin's network (RFC 4264: a "wedgie" has two, and
 * which one the routers land in depends on the order sessions come up). Z3 is asked, prefix
 * group by prefix group, for a stable state other than the twin's: over the group's route
 * space (every route a node could hold, a Boolean per route) when it fits, else with the
 * routing encoding. */
typedef struct {
  gint count;                 /* 1; 2 = at least two; 0 = none (the twin did not converge);
                               * -1 = not known (Z3 gave no answer: @reason) */
  char *prefix;               /* where a second state exists: the group's first prefix */
  GPtrArray *moves;           /* char*: "R1: via ISP-B instead of ISP-A", per router that differs */
  char *reason;
  guint groups, by_space;     /* prefix groups asked, and how many of them over their route space */
  double seconds;
} RwStableStates;

RwStableStates *rw_safety_stable_states (const RwTwin *twin, guint timeout_ms);
/* The same; @whole_encoding asks every group with the routing encoding instead of over its
 * route space first (tests compare the two). */
RwStableStates *rw_safety_stable_states_with (const RwTwin *twin, guint timeout_ms, gboolean whole_encoding);
void rw_stable_states_free (RwStableStates *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwStableStates, rw_stable_states_free)

typedef struct {
  gboolean found;             /* a change set that meets every constraint on the twin and, unless
                               * synth_proofs was 0, that Z3 proved safe (or none is needed) */
  gboolean proven;            /* rw_safety_verify() said safe */
  gboolean unknown;           /* the best candidate's proof gave no answer */
  char *reason;               /* why there is none */
  GPtrArray *changes;         /* change strings, sorted */
  double max_util_before, max_util_after;
  double seconds;
  guint evaluated;            /* candidate sets forked and solved on the twin */
  guint confirmed;            /* of them, sets that met the goal there */
  guint proofs;               /* of those, sets handed to rw_safety_verify() */
  gboolean budget_spent;      /* the count budget ran out before the search was done */
} RwSynthResult;

void rw_synth_result_free (RwSynthResult *r);
JsonNode *rw_synth_result_to_json (const RwSynthResult *r);
/* The smallest set of single-prefix LOCAL_PREF / prepend changes at our edge routers that
 * meets every constraint on the twin (rw-synthesis.c says how they are searched and ranked),
 * proven with rw_safety_verify() under @p. Deterministic: the budgets are counts. */
RwSynthResult *rw_safety_synthesise (const RwTwin *twin, const RwSafetyParams *p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwVerdict, rw_verdict_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwSynthResult, rw_synth_result_free)

G_END_DECLS
