/* rw-incident.h — one incident end to end: the operator's words -> ranked runbooks ->
 * entities and facts -> a plan -> the scheduler and its agents on the twin -> a ticket.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-scheduler.h"
#include "rw-store-intake.h"

G_BEGIN_DECLS

/* The longest incident text read: a page of logs pasted in is a few KiB; longer text is refused
 * with its size said (it would be stored in the ticket and the audit log for ever). */
#define RW_INCIDENT_MAX_BYTES ((gsize) 64 << 10)

typedef struct {
  const char *text;                   /* at most RW_INCIDENT_MAX_BYTES */
  const RwTopology *topo;             /* copied */
  const RwRunbookSet *runbooks;
  RwStore *store;                     /* the index, tickets and the audit log live here */
  const RwKeyring *keys;              /* NULL: envelopes signed with a key of the run's own */
  RwPlanner *planner;                 /* NULL: the rulebook */
  const RwClock *clock;               /* NULL: the system clock */
  const RwGuardConfig *guard;         /* NULL: the defaults, with a short Z3 timeout */
  const RwSchedulerConfig *schedule;  /* NULL: the defaults */
  guint candidates;                   /* how many ranked runbooks to report (5) */
  /* may be NULL: called on the thread that runs the incident, with the plan version that is
   * running, after each task result and with @r NULL when a plan version is accepted */
  void (*on_progress) (const RwPlan *plan, const RwTaskResult *r, gpointer data);
  gpointer progress_data;
} RwIncidentParams;

typedef struct {
  char *text;
  char *match;                        /* the FTS5 expression */
  GPtrArray *hits;                    /* RwRunbookHit */
  const RwRunbook *runbook;           /* borrowed from the set */
  GPtrArray *entities;                /* RwEntity */
  RwFacts *facts;
  RwScheduleReport *report;           /* NULL when no valid plan was found */
  char *plan_error;
  gint64 ticket_id;
  char *ticket_status;                /* resolved, escalated, open */
  char *ticket_reason;
} RwIncidentResult;

RwIncidentResult *rw_incident_run (const RwIncidentParams *p, GError **error);
void rw_incident_result_free (RwIncidentResult *r);
/* The `incident --json` document, exactly the keys of the contract (issue 6):
 * {"runbook": {"id", "title", "score"}, "candidates": [{"id", "score"}],
 *  "entities": [{"kind", "id", "text"}], "plan": {"plan_id", "plan_version", "tasks": [...]},
 *  "results": [{"task_id", "status", "out"}], "ticket": {"id", "status"}}.
 * plan is null when no valid plan could be had; a failed task's out holds its error. */
JsonNode *rw_incident_result_to_json (const RwIncidentResult *r);

/* Checks the envelope stored with every ticket update against @keys (any key version the
 * keyring holds, so records from before a rotation still verify) and that the task recorded
 * beside it is the one the envelope carried. *@checked counts the envelopes; @problems gets one
 * line per bad record ("ticket 3, update 17 (task t5): the MAC does not match…"). FALSE with
 * @error only when the database cannot be read. */
gboolean rw_tickets_verify (RwStore *store, const RwKeyring *keys, guint *checked, GPtrArray *problems,
                            GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwIncidentResult, rw_incident_result_free)

G_END_DECLS
