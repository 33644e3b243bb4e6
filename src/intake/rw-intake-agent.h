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
  gint64 (*now_us) (gpointer clock_data);   /* NULL: the run has no deadline */
  gpointer clock_data;
  RwTaskVerdict verdict;
  JsonNode *out;         /* the agent's result document (owned) */
} RwTaskRun;

/* Agents check the deadline between units of work and stop with RW_INTAKE_ERROR_TIMEOUT once
 * it has passed, leaving the world as it was. A run without a clock never expires. */

/* Milliseconds left before the deadline (0 once it is reached), G_MAXINT64 without a clock. */
gint64 rw_task_run_remaining_ms (const RwTaskRun *tr);
/* The clock is past the deadline (the scheduler's test for an overrun). */
gboolean rw_task_run_expired (const RwTaskRun *tr);
/* How long a step that may take up to @cap_ms can be given: @cap_ms, or what is left when the
 * deadline is nearer; 0 when less than @floor_ms is left and the step is not worth starting. */
guint rw_task_run_budget_ms (const RwTaskRun *tr, guint cap_ms, guint floor_ms);

/* Verification in the ActionAgent never starts with less than this before the deadline. */
#define RW_ACTION_MIN_Z3_MS 1000

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
