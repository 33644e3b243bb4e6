/* rw-intake-agent.h — the agents that run plan tasks, behind one interface, on the incident's
 * world (rw-world.h).
 * MetricAgent reads time series (trend, threshold crossings), LogAgent the event log (pattern,
 * lookback, top lines with a rationale), ActionAgent changes the state only through the twin
 * what-if, Z3 verification and the guard's tiers, and never applies the same change twice.
 * The Operator agent turns clarify tasks into questions and escalate tasks into escalations.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-plan.h"
#include "rw-world.h"

G_BEGIN_DECLS

typedef enum {
  RW_TASK_OK,            /* done, as the runbook expected */
  RW_TASK_DEVIATION,     /* done, but the network is not as the runbook expected */
  RW_TASK_NEEDS_INPUT,   /* an operator must answer a question */
  RW_TASK_ESCALATE,      /* handed to a person */
} RwTaskVerdict;

const char *rw_task_verdict_to_string (RwTaskVerdict v);

typedef struct {
  RwWorld *world;
  gint64 deadline_us;    /* by the scheduler's clock; cooperative */
  gint64 (*now_us) (gpointer clock_data);
  gpointer clock_data;
  RwTaskVerdict verdict;
  JsonNode *out;         /* the agent's result document (owned) */
} RwTaskRun;

typedef struct _RwIntakeAgent RwIntakeAgent;
struct _RwIntakeAgent {
  char *name;            /* what tasks' assigned_to names */
  /* FALSE with @error when the task failed (it may be retried). */
  gboolean (*execute) (RwIntakeAgent *self, const RwTask *task, RwTaskRun *run, GError **error);
  gpointer data;
  GDestroyNotify free_data;
};

void rw_intake_agent_free (RwIntakeAgent *a);
RwIntakeAgent *rw_metric_agent_new (void);
RwIntakeAgent *rw_log_agent_new (void);
RwIntakeAgent *rw_action_agent_new (void);
RwIntakeAgent *rw_operator_agent_new (void);
/* The four above, in one array that frees them. */
GPtrArray *rw_intake_agents_default (void);


G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwIntakeAgent, rw_intake_agent_free)

G_END_DECLS
