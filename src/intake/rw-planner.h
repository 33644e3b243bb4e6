/* rw-planner.h — planners behind one interface: the rulebook (runbook templates filled with
 * the incident's facts; replans by cutting out what failed and escalating it) and, in
 * rw-llm.h, a chat-completions model. The scheduler validates whatever a planner returns.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-entity.h"
#include "rw-plan.h"
#include "rw-runbook.h"

G_BEGIN_DECLS

typedef struct {
  const char *incident;        /* the operator's words */
  const RwRunbook *runbook;
  const RwFacts *facts;
  const RwTopology *topo;
  const char *plan_id;
  const RwPlan *current;       /* NULL for the first plan */
  JsonNode *failure;           /* why a replan is wanted (task, status, error, out); NULL at first */
} RwPlanRequest;

typedef struct _RwPlanner RwPlanner;
struct _RwPlanner {
  const char *name;            /* "rulebook", "llm" */
  const char *decision_tag;    /* DETERMINISTIC, LLM_DECISION */
  RwPlan *(*plan) (RwPlanner *self, const RwPlanRequest *req, GError **error);
  gpointer data;
  GDestroyNotify free_data;
};

RwPlan *rw_planner_plan (RwPlanner *planner, const RwPlanRequest *req, GError **error);
void rw_planner_free (RwPlanner *planner);

RwPlanner *rw_rulebook_planner_new (void);

/* The runbook's template with {link}, {router}, {isp}, {prefix} filled in. A fact the runbook
 * needs that is unknown becomes a clarify task asking the runbook's question; tasks that use
 * it (and their dependents) wait for the answer and are left out. */
RwPlan *rw_rulebook_instantiate (const RwRunbook *rb, const RwFacts *facts, const char *plan_id, GError **error);
/* The rulebook's answer to a failure: @current without the failed task and everything that
 * depends on it, plus an escalate task carrying the failure. */
RwPlan *rw_rulebook_replan (const RwPlan *current, JsonNode *failure);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwPlanner, rw_planner_free)

G_END_DECLS
