/* rw-agent.h — the autonomous operations agent (DESIGN.md section 3): one tick is
 * observe -> detect -> reason -> decide -> verify -> guard -> act -> settle -> learn, on a live
 * twin driven by a scenario, every stage recorded in the audit chain.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-scenario.h"
#include "rw-store.h"

G_BEGIN_DECLS

/* A change that adds 1 000 (in the topology's currency) a month to the transit bill costs this
 * many utility points: about what lowering the busiest link by half a percentage point gains. */
#define RW_COST_WEIGHT_DEFAULT 0.1

typedef struct {
  /* tiers (DESIGN.md section 3 defaults) */
  double t1_confidence, t1_blast;
  double t2_confidence, t2_blast;
  /* rate limits per simulated minute */
  guint max_per_min, max_t1_per_min, max_t2_per_min;
  guint settle_ticks;        /* ticks between acting and judging the outcome */
  guint t2_ttl_ticks;        /* an unanswered T2 request applies itself after this */
  double hot_utilisation;    /* a link direction above this is congested */
  double cost_weight;        /* utility points per 1 000 a month a change adds to the transit bill */
  gboolean use_z3;           /* verification and synthesis (TRUE; FALSE only for quick tests) */
  guint z3_timeout_ms;
  /* an escalated problem that lasts is looked at again every this many ticks, or when the
   * network changes (at most every reevaluate_min_ticks); a human is paged once per problem
   * and reason, not at every look */
  guint reevaluate_ticks, reevaluate_min_ticks;
} RwGuardConfig;

void rw_guard_config_init (RwGuardConfig *g);

typedef struct {
  guint tick;
  char *kind;      /* fault, anomaly, hypothesis, decision, verify, guard, approval, act, settle,
                      rollback, learn, escalate, reevaluate, observe */
  char *summary;
  JsonNode *payload;
} RwTimelineEvent;

typedef struct {
  char *name, *file;
  gboolean sr;
  double mttd_s, mttr_s;     /* NAN when not applicable */
  guint rollbacks, blocked, false_actions, actions, escalations;
  GPtrArray *root_causes_found; /* char* "kind:entity" */
  gboolean recovered;
  double max_util_end;
  /* on a world (the lab) only: */
  gboolean world;
  double mttd_real_s, mttr_real_s;     /* in real seconds (NAN when not applicable) */
  guint ticks_compared, ticks_contradicted; /* ticks whose twin disagreed with the network */
  guint best_agree, best_total, fwd_agree, fwd_total; /* summed over the ticks */
  guint predictions, predictions_contradicted; /* applied changes whose outcome was worse than predicted */
} RwRunResult;

typedef struct _RwAgent RwAgent;

/* @store may be NULL (nothing persisted, no learning across runs). */
RwAgent *rw_agent_new (const RwScenario *scenario, RwStore *store, const RwGuardConfig *config, GError **error);
void rw_agent_free (RwAgent *agent);
/* One tick; FALSE when the scenario is over. */
gboolean rw_agent_step (RwAgent *agent, GError **error);
gboolean rw_agent_run (RwAgent *agent, GError **error);
const GPtrArray *rw_agent_timeline (const RwAgent *agent);     /* RwTimelineEvent */
RwRunResult *rw_agent_result (const RwAgent *agent);
guint rw_agent_tick (const RwAgent *agent);
/* The run's id in the store (-1 without one). */
gint64 rw_agent_run_id (const RwAgent *agent);
const RwTwin *rw_agent_live (const RwAgent *agent);

/* ---- driving a run interactively (the app) ----
 * All of these are called on the thread that steps the agent, between steps. */

/* What the operator is asked for a T2/T3 change (or, in shadow mode, for a verdict). */
typedef struct {
  guint tick;
  const char *tier;                 /* "T1", "T2", "T3" */
  RwMode mode;
  const char *hypothesis_kind, *entity, *explains;
  double confidence;
  const char *action_kind;
  const char *const *changes;       /* NULL-terminated */
  double blast_radius;
  double max_util_before, max_util_after;
  guint sla_misses_before, sla_misses_after;
  const char *verdict;              /* the Z3 verdict in words, or NULL without Z3 */
  const char *frr_diff;             /* router configuration for the change */
  guint ttl_ticks;                  /* T2 applies itself after this many ticks unanswered */
  const RwTwin *model;              /* the network as the agent sees it (observed demands): the
                                     * blast radius and the predictions above were computed on it */
} RwApprovalRequest;

/* Returns the operator's answer; for RW_ANSWER_MODIFY, sets *@modified to a replacement change
 * string (newly allocated), which the agent evaluates and verifies again before applying. */
typedef RwAnswer (*RwApproveFunc) (const RwApprovalRequest *request, char **modified, gpointer user_data);

/* A proof the agent runs inside a decision: Z3 verifying a change, or the synthesis search for
 * the smallest one. */
typedef struct {
  guint tick;
  const char *hypothesis_kind, *entity;
  const char *const *changes;       /* what is proved, NULL-terminated; empty for the search */
  gboolean synthesis;
  /* Cancel it, from any thread, to stop the proof: Z3 is interrupted (rw_z3_check), the agent
   * records a "cancel" event by the operator, applies nothing and decides nothing more in
   * that tick. */
  GCancellable *cancellable;
} RwProof;

/* Called on the stepping thread as a proof starts (@proof) and as it ends (@proof NULL). */
typedef void (*RwProofWatch) (const RwProof *proof, gpointer user_data);

void rw_agent_set_proof_watch (RwAgent *agent, RwProofWatch func, gpointer user_data);

/* Without an approver the scenario's scripted operator answers. */
void rw_agent_set_approver (RwAgent *agent, RwApproveFunc func, gpointer user_data);
void rw_agent_set_mode (RwAgent *agent, RwMode mode);
RwMode rw_agent_get_mode (const RwAgent *agent);
/* New tier limits, rate limits and TTL from the operator; the agent's next decision uses them.
 * Called on the stepping thread between steps, like the setters above. */
void rw_agent_set_guard_config (RwAgent *agent, const RwGuardConfig *config);
const RwGuardConfig *rw_agent_get_guard_config (const RwAgent *agent);
/* Lets the run go on past the scenario's end (a live session). */
void rw_agent_set_max_ticks (RwAgent *agent, guint ticks);
guint rw_agent_get_max_ticks (const RwAgent *agent);
/* An operator's fault, taking effect at the next tick (e->at is set to it). Takes ownership. */
void rw_agent_inject_event (RwAgent *agent, RwScenarioEvent *e);
/* The current hypotheses: [{"kind", "entity", "confidence", "explains", "cause" (congestion:
 * "growth" or "failover", else null), "evidence": [...],
 * "escalated", "handled"}] in the order they appeared. */
JsonNode *rw_agent_hypotheses_to_json (const RwAgent *agent);
/* Observed utilisation per link direction at the last tick (index 2*link + dir, 0 = a->b). */
double rw_agent_observed_utilisation (const RwAgent *agent, guint direction);

/* ---- a real network as the world (the lab, src/lab/rw-lab-world.h) ----
 * Without a world, the twin with the scenario's faults and noise is the network the agent
 * watches. With one, the world makes the scenario's faults real, the agent's live twin is its
 * configuration synchronised each tick from what the world reports, and its changes and
 * rollbacks are pushed to the world as router configuration. Demands stay a model input. */
typedef struct {
  guint best_agree, best_total;   /* the synchronised twin's best paths against the routers' */
  guint fwd_agree, fwd_total;     /* its forwarding against the kernels' */
  JsonNode *differences;          /* array (rw_lab_check_to_json's "differences"); owned, nullable */
  GPtrArray *paths;               /* per demand of the live topology: a GPtrArray of node ids (char*)
                                   * the network forwards it along, NULL when it does not arrive */
  /* with real traffic: per link direction (2*link + dir), measured; owned, NULL without */
  double *util, *loss_pct, *queue_ms;
} RwAgentReading;

void rw_agent_reading_clear (RwAgentReading *r);

typedef struct _RwAgentWorld RwAgentWorld;
struct _RwAgentWorld {
  const char *name;
  /* The scenario moved the network from @was to @now (links up or down, their latency and loss,
   * sessions shut, originations): make that real. @log gets one JSON object per command
   * ({"node", "command", "answer", "ok"}), and one {"modelled": why} per fault it cannot make real. */
  gboolean (*realise) (RwAgentWorld *w, const RwTopology *was, const RwTopology *now, JsonBuilder *log, GError **error);
  /* Pushes @diff (rw_frr_topology_diff text, sections "! router ID") and waits, bounded, for BGP
   * to settle. */
  gboolean (*push) (RwAgentWorld *w, const char *diff, JsonBuilder *log, GError **error);
  /* Sets @live's link states, link latency and loss, session states and the originations our
   * routers learn from what the network reports now. @script is the network as the scenario made
   * it, for what the world can only model. */
  gboolean (*sync) (RwAgentWorld *w, const RwTopology *script, RwTopology *live, GError **error);
  /* @twin (the synchronised model) against the network. */
  gboolean (*compare) (RwAgentWorld *w, const RwTwin *twin, RwAgentReading *out, GError **error);
};

/* Before the first step. @world is borrowed and must outlive the agent. */
void rw_agent_set_world (RwAgent *agent, RwAgentWorld *world);
/* With a world: the configuration as the agent left it (the scenario's plus the changes applied
 * and not rolled back), and the network as the scenario made it (faults); NULL without one. */
const RwTopology *rw_agent_world_config (const RwAgent *agent);
const RwTopology *rw_agent_world_script (const RwAgent *agent);

/* Shadow mode graduates a tier once the operator agreed with at least 90 % of its last 30
 * proposals; a graduated T1 then acts on its own even in shadow mode. */
#define RW_GRADUATION_WINDOW 30
#define RW_GRADUATION_AGREEMENT 0.90
gboolean rw_shadow_graduated (RwStore *store, const char *tier, double *rate, GError **error);

void rw_run_result_free (RwRunResult *r);
JsonNode *rw_run_result_to_json (const RwRunResult *r);
JsonNode *rw_timeline_event_to_json (const RwTimelineEvent *e);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwAgent, rw_agent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwRunResult, rw_run_result_free)

G_END_DECLS
