/* rw-plan.h — plans: a DAG of tasks (task_id, type, target, args, dependencies, assigned_to),
 * their JSON form, validation with a reason, topological order, diffs and the TGED metric.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-intake.h"
#include "rw-topology.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A plan longer than this is rejected: people must be able to read it, and a planner that
 * produces more is rambling. */
#define RW_PLAN_MAX_TASKS 12

typedef struct {
  char *task_id;
  char *type;
  char *target;
  JsonNode *args;            /* an object, never NULL */
  GPtrArray *dependencies;   /* char* task ids */
  char *assigned_to;
} RwTask;

typedef struct {
  char *plan_id;
  guint version;             /* 1 for the first plan of an incident, +1 per replan */
  char *origin;              /* "rulebook", "llm", "fallback" */
  GPtrArray *tasks;          /* RwTask */
} RwPlan;

RwTask *rw_task_new (const char *task_id, const char *type, const char *target, const char *assigned_to);
RwTask *rw_task_copy (const RwTask *t);
void rw_task_free (RwTask *t);
JsonNode *rw_task_to_json (const RwTask *t);

RwPlan *rw_plan_new (const char *plan_id, guint version, const char *origin);
RwPlan *rw_plan_copy (const RwPlan *p);
void rw_plan_free (RwPlan *p);
const RwTask *rw_plan_find_task (const RwPlan *p, const char *task_id);

/* The agent that runs each task type ("MetricAgent", "LogAgent", "ActionAgent", "Operator"),
 * or NULL for a type no agent supports. */
const char *rw_task_type_agent (const char *type);

/* Reads a task array (@node is an array) or a plan object ({"tasks": […]} with optional
 * plan_id, plan_version). Strict: every task needs task_id, type, target, dependencies,
 * assigned_to (args optional); unknown keys and wrong types are errors naming @source and the
 * JSON path ("plan.tasks[2].dependencies[0]: expected a string"). Does not validate the DAG. */
RwPlan *rw_plan_from_json (JsonNode *node, const char *source, GError **error);
RwPlan *rw_plan_from_text (const char *text, const char *source, GError **error);
/* {"plan_id", "plan_version", "origin", "tasks": [...]} */
JsonNode *rw_plan_to_json (const RwPlan *p);

/* RW_INTAKE_ERROR_PLAN with the reason when: the plan is empty or has more than
 * RW_PLAN_MAX_TASKS tasks; a task id repeats; a type is unsupported or assigned to the wrong
 * agent; a dependency names no task or is listed twice; the dependencies form a cycle (the
 * message lists it); or, when @topo is given, a target is neither "network" nor a node, link,
 * prefix or demand of @topo. Placeholders ("{link}") are accepted as targets when @topo is NULL (templates). */
gboolean rw_plan_validate (const RwPlan *p, const RwTopology *topo, GError **error);

/* Task indices in a dependency order (ties by position in the plan); NULL on a cycle. */
GArray *rw_plan_topological_order (const RwPlan *p);

/* A canonical description of what changes from @from to @to ("+t7:mitigate@R1-ISPA -t5"),
 * "" when they hold the same tasks. The scheduler's anti-flap compares these. */
char *rw_plan_diff_key (const RwPlan *from, const RwPlan *to);

/* Task graph edit distance, normalised to 0..1: tasks are matched by (type, target) in
 * dependency order; every unmatched task, every matched task whose args differ and every
 * dependency edge present in one graph only costs 1; the sum is divided by the number of tasks
 * and edges of both graphs. 0 = the same plan, 1 = nothing in common. */
double rw_plan_tged (const RwPlan *a, const RwPlan *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwTask, rw_task_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwPlan, rw_plan_free)

G_END_DECLS
