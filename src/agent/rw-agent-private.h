/* rw-agent-private.h — what the agent's stage files share: the records of one run (the agent,
 * its hypotheses, candidates and applied changes) and the stage entry points rw-agent.c's tick
 * loop calls. Not installed; nothing outside src/agent includes it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-agent.h"
#include "rw-detect.h"
#include "rw-frr.h"
#include "rw-guard.h"
#include "rw-safety.h"

#include <math.h>
#include <string.h>

G_BEGIN_DECLS

#define SETTLE_NONE G_MAXUINT

/* What a hypothesis says is wrong. */
typedef enum {
  RW_HYP_LINK_DOWN,
  RW_HYP_SESSION_FAULT,
  RW_HYP_DEGRADATION,
  RW_HYP_CONGESTION,
  RW_HYP_ROUTE_LEAK,
} RwHypKind;

/* "link_down", "session_fault", … as the audit chain, the learner and the results name it. */
const char *_rw_hyp_kind_to_string (RwHypKind kind);

typedef struct {
  RwHypKind kind;
  char *entity, *cause;
  double confidence;
  GPtrArray *evidence;   /* char* */
  char *explains;
  guint first_tick;
  guint handled_tick;    /* SETTLE_NONE until an action (or a decision not to act) */
  gboolean escalated;
  guint escalated_tick;  /* when it was last handed to (or left with) a human */
  char *escalated_state; /* the network as the agent saw it then (network_state_key) */
  char *paged_for;       /* the reason a human was paged for; NULL: nobody paged yet */
  guint paged_tick;
  guint gone_since;      /* SETTLE_NONE while the problem lasts: when it stopped needing an answer */
} Hypothesis;

typedef struct {
  GPtrArray *changes;    /* char* */
  char *action_kind;
  double utility;
  double max_util_after, blast;
  guint sla_after, new_problems;
  double prior;
  double cost_change;    /* transit cost a month after minus before */
} Candidate;

typedef struct {
  guint tick;
  GPtrArray *changes;
  RwHypKind hyp_kind;
  char *action_kind;
  GPtrArray *saved_policies;   /* RwPolicy copies before the change */
  GPtrArray *saved_sessions;   /* RwSession copies before the change */
  guint sla_before;
  double util_before, util_predicted;
  guint sla_predicted;
  gboolean judged;
} Applied;

struct _RwAgent {
  const RwScenario *sc;
  RwMode mode;
  guint max_ticks;
  GPtrArray *events;              /* RwScenarioEvent: the scenario's (borrowed) then injected ones */
  GPtrArray *injected;            /* RwScenarioEvent owned: the operator's faults */
  RwApproveFunc approver;
  gpointer approver_data;
  RwProofWatch proof_watch;
  gpointer proof_watch_data;
  RwStore *store;
  gint64 run_id;
  RwGuardConfig cfg;
  GRand *rng;
  RwTwin *live;
  guint tick;
  GPtrArray *timeline;            /* RwTimelineEvent */
  /* telemetry and detection */
  RwSeriesStore *series;
  GPtrArray *metric_names;        /* char*, fixed order: util/loss/lat per link direction */
  GHashTable *ewma;               /* metric -> RwEwma* */
  GHashTable *ewma_streak;        /* metric -> consecutive out-of-control ticks */
  RwIForest *forest;
  GArray *baseline_rows;          /* doubles, row-major */
  double *observed_util, *observed_loss, *observed_lat; /* per direction */
  double *observed_mbps;          /* per demand (flow telemetry) */
  double *baseline_mbps;          /* per demand, mean over the baseline window */
  GArray **baseline_hops;         /* per demand: hops at the end of the baseline */
  gboolean *prev_sess_up;
  GHashTable *baseline_prefixes;  /* prefix text -> origin ASN + 1 that our routers saw in the baseline */
  GHashTable *open_anomalies;     /* "metric|entity" -> first tick */
  guint *flaps;                   /* per session: down transitions seen */
  /* reasoning and action */
  GHashTable *hyps;               /* "kind:entity" -> Hypothesis */
  GPtrArray *hyp_order;           /* keys in creation order */
  GPtrArray *applied;             /* Applied */
  RwActionLog actions;            /* when and at which tier changes were applied (rate limits) */
  /* metrics */
  gint first_fault_tick, first_anomaly_tick, recovered_tick;
  GArray *fault_ticks, *detect_ticks;  /* per fault: when it happened, when a detector first fired (-1) */
  gint episode_start;                  /* impaired since (-1: not impaired) */
  guint episodes;
  double episode_ticks;
  guint rollbacks, blocked, false_actions, escalations;
  gboolean last_action_rolled_back;
  GHashTable *prev_best;          /* "prefix|router" -> from + 2: yesterday's best, for route events */
  double *cpu;                    /* per node: observed CPU % */
  double *cpu_extra;              /* per node: load injected by router_cpu events */
  gboolean *prev_link_state;      /* per link: up at the last tick (syslog) */
  /* a real network as the world (rw_agent_set_world) */
  RwAgentWorld *world;
  RwTopology *config;             /* the configuration: the scenario's plus the changes applied */
  RwTopology *script;             /* the network as the scenario makes it (faults, demands) */
  RwAgentReading reading;         /* the last comparison of the live twin with the network */
  GArray *real_us;                /* monotonic time at the start of each tick */
  guint ticks_compared, ticks_contradicted, best_agree, best_total, fwd_agree, fwd_total;
  guint predictions, predictions_contradicted;
  double real_episode_s;          /* the impairment episodes' length in real seconds */
};

typedef struct {
  char *metric, *entity;
  double value, score;
  guint flags;
} Anomaly;


enum { FLAG_THRESHOLD = 1, FLAG_EWMA = 2, FLAG_IFOREST = 4, FLAG_STATE = 8, FLAG_ROUTE = 16 };

/* ---- rw-agent.c: the audit record and payload helpers ---- */

/* Record a stage: in the timeline and, when there is a store, in the audit chain. */
gboolean _rw_agent_record (RwAgent *ag, const char *kind, const char *actor, const char *tag, JsonBuilder *b,
                           GError **error, const char *fmt, ...) G_GNUC_PRINTF (7, 8);
JsonBuilder *_rw_payload_new (void);
/* A payload of string members: key, value, …, NULL (a NULL value is JSON null). */
JsonBuilder *_rw_payload_strings (const char *key, ...) G_GNUC_NULL_TERMINATED;
void _rw_add_strv (JsonBuilder *b, const char *key, GPtrArray *items);
/* The session an entity "A-B" names (node ids may contain '-', so match whole names); its
 * index in *index. NULL when there is none. */
RwSession *_rw_session_for_entity (const RwTopology *t, const char *entity, guint *index);
/* A fork of @t with @changes (a GPtrArray of change strings) applied, or NULL. */
RwTwin *_rw_fork_with (const RwTwin *t, GPtrArray *changes);

static inline guint
_rw_sla_misses (const RwTwin *t)
{
  return t->traffic->n_sla_violations;
}

/* ---- rw-observe.c: inject, observe, detect ---- */

gboolean _rw_agent_inject (RwAgent *ag, GError **error);
gboolean _rw_agent_sync_world (RwAgent *ag, GError **error);
/* Telemetry of the live network this tick, and its route events and syslog in the audit chain. */
gboolean _rw_agent_observe (RwAgent *ag, GError **error);
GPtrArray *_rw_agent_detect (RwAgent *ag);
/* Records the anomalies that are new (and when a fault was first detected); forgets the ones
 * that cleared, so that they may fire again. */
gboolean _rw_agent_note_anomalies (RwAgent *ag, GPtrArray *anomalies, GError **error);
RwTwin *_rw_agent_model_twin (RwAgent *ag);
guint32 _rw_origin_as (const RwTwin *t, guint p);

/* ---- rw-reason.c ---- */

gboolean _rw_hops_contain (GArray *hops, guint dir);
gboolean _rw_agent_reason (RwAgent *ag, GPtrArray *anomalies, GError **error);

/* ---- rw-candidates.c ---- */

Candidate *_rw_agent_evaluate (RwAgent *ag, const RwTwin *model, const Hypothesis *h, const char *action_kind,
                               GPtrArray *changes);
GPtrArray *_rw_strv1 (char *s);
GPtrArray *_rw_agent_candidates (RwAgent *ag, const RwTwin *model, const Hypothesis *h);
gint _rw_candidate_cmp (gconstpointer a, gconstpointer b);

/* ---- rw-decide.c ---- */

gboolean _rw_agent_decide (RwAgent *ag, GError **error);

/* ---- rw-act.c: guard, approval, act, undo ---- */

void _rw_applied_free (Applied *a);
gboolean _rw_agent_guard (RwAgent *ag, const Hypothesis *h, const Candidate *c, RwTier *tier, GError **error);
RwAnswer _rw_agent_ask_operator (RwAgent *ag, const RwTwin *model, const Hypothesis *h, Candidate *c, RwTier tier,
                                 char **modified);
gboolean _rw_agent_apply (RwAgent *ag, const Hypothesis *h, const Candidate *c, RwTier tier, GError **error);
/* The configuration as it was before @a: policies and session settings (not demands or link
 * states, which are the world's). */
void _rw_undo_into (RwTopology *t, const Applied *a);
gboolean _rw_agent_restore (RwAgent *ag, Applied *a, JsonBuilder *log, GError **error);

/* ---- rw-learn.c: settle and learn ---- */

double _rw_agent_learned_prior (RwAgent *ag, RwHypKind hyp_kind, const char *action_kind);
gboolean _rw_agent_learn (RwAgent *ag, RwHypKind hyp_kind, const char *action_kind, double reward,
                          const char *blocked_by, GError **error);
gboolean _rw_agent_settle (RwAgent *ag, GError **error);

G_END_DECLS
