/* rw-scheduler.h — runs a plan: tasks in dependency order through their agents, each in a
 * signed envelope, with a per-task timeout and two retries with exponential backoff; a monitor
 * asks the planner for a new plan version when a task fails or the network deviates from the
 * runbook (passing the failure as context); a new plan that only repeats the last change within
 * 5 s is rejected (anti-flap), and after two rejected plans the rulebook takes over.
 * A task times out when its agent overran the deadline or stopped for it (RW_INTAKE_ERROR_TIMEOUT).
 * Time comes from an injectable clock, so tests run retries and timeouts without sleeping.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-envelope.h"
#include "rw-intake-agent.h"
#include "rw-planner.h"

G_BEGIN_DECLS

typedef struct {
  gint64 (*now_us) (gpointer data);
  void (*sleep_us) (gpointer data, gint64 us);
  gpointer data;
} RwClock;

/* Monotonic time and g_usleep. */
void rw_clock_init_system (RwClock *c);
/* Time is *@now_us; sleeping adds to it. */
void rw_clock_init_manual (RwClock *c, gint64 *now_us);
/* Real time, but sleeping only moves *@offset_us forward: the harness measures real planning
 * time (MRL) without waiting out backoffs. */
void rw_clock_init_virtual_sleep (RwClock *c, gint64 *offset_us);

typedef struct {
  gint64 task_timeout_ms;   /* 30000 */
  guint retries;            /* 2 */
  gint64 backoff_ms;        /* 500: then 1000 */
  gint64 anti_flap_ms;      /* 5000 */
  guint max_rejected;       /* 2: then the rulebook */
  guint max_replans;        /* 4 */
} RwSchedulerConfig;

void rw_scheduler_config_init (RwSchedulerConfig *c);

typedef struct {
  char *task_id;
  char *status;     /* done, deviation, failed, timeout, needs_input, escalated, skipped, refused */
  guint attempts;
  guint plan_version;
  JsonNode *out;    /* may be NULL */
  char *error;      /* may be NULL */
  JsonNode *envelope; /* the signed envelope the task travelled in (wire form); NULL if none */
} RwTaskResult;

void rw_task_result_free (RwTaskResult *r);
JsonNode *rw_task_result_to_json (const RwTaskResult *r);

typedef struct {
  RwPlan *plan;             /* the last plan that ran */
  GPtrArray *plans;         /* RwPlan: every accepted version */
  GPtrArray *results;       /* RwTaskResult, in execution order (retries are one result) */
  GPtrArray *rejections;    /* char*: why plans were rejected */
  GArray *mrl_ms;           /* double: replan trigger -> new validated plan, per replan */
  guint replans;
  gboolean fallback_used;
  char *outcome;            /* completed, needs_input, escalated, failed */
  char *reason;             /* for anything but completed */
} RwScheduleReport;

void rw_schedule_report_free (RwScheduleReport *r);

typedef struct {
  const RwSchedulerConfig *config;
  const RwClock *clock;
  GPtrArray *agents;            /* RwIntakeAgent */
  RwPlanner *planner;
  RwPlanner *fallback;          /* the rulebook */
  RwWorld *world;
  const RwKeyring *keys;        /* may be NULL: the run signs with a key of its own */
  RwStore *store;               /* may be NULL */
  /* called after each task result (tickets); may be NULL */
  void (*on_result) (const RwTaskResult *r, gpointer data);
  /* called with on_result_data when a plan version is accepted, before it runs; may be NULL */
  void (*on_plan) (const RwPlan *plan, gpointer data);
  gpointer on_result_data;
} RwScheduler;

/* Plans (validating against the request's topology), runs, replans. NULL with @error only when
 * no valid plan could be had at all (the reasons are in the message). */
RwScheduleReport *rw_scheduler_run (const RwScheduler *s, const RwPlanRequest *req, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwScheduleReport, rw_schedule_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwTaskResult, rw_task_result_free)

G_END_DECLS
