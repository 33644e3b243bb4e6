/* rw-runner.h — runs the agent on a worker thread for the app. The GUI sends commands (run,
 * pause, step, mode, inject a fault, answer an approval) and receives immutable snapshots on
 * its main context; it never waits for the loop, Z3 or the solver.
 * No GTK here: the runner is GLib only, so the tests can drive it headless too.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "rw-agent.h"
#include "rw-store.h"

G_BEGIN_DECLS

/* What the window shows after a tick. Immutable; shared by reference. */
typedef struct {
  gatomicrefcount ref;
  guint tick, max_ticks;
  double tick_s;
  RwMode mode;
  RwTwin *live;              /* a solved copy of the live network */
  double *observed_util;     /* per link direction, with the telemetry noise */
  GPtrArray *events;         /* RwAuditEvent of this tick (with seq and hash), or timeline copies without a store */
  JsonNode *hypotheses;      /* rw_agent_hypotheses_to_json */
  RwRunResult *result;       /* the run's metrics so far */
  gboolean finished;
  gboolean paused;            /* the run paused by itself (play_until reached, or a proof cancelled) */
  gboolean mid_tick;          /* published during the tick (a proof or an approval is under way):
                               * the tick's network and events so far; the tick's telemetry comes
                               * again in the snapshot that ends it */
  char *error;               /* the loop stopped on this error */
} RwSnapshot;

RwSnapshot *rw_snapshot_ref (RwSnapshot *s);
void rw_snapshot_unref (RwSnapshot *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwSnapshot, rw_snapshot_unref)

/* A copy of an RwApprovalRequest the GUI may keep. */
typedef struct {
  guint tick, ttl_ticks;
  char *tier, *hypothesis_kind, *entity, *explains, *action_kind, *verdict, *frr_diff;
  GStrv changes;
  RwMode mode;
  double confidence, blast_radius, max_util_before, max_util_after;
  guint sla_misses_before, sla_misses_after;
  RwTwin *model;             /* a copy of the agent's model the request was computed on */
} RwApproval;

void rw_approval_free (RwApproval *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwApproval, rw_approval_free)

/* A proof under way in the agent's decision, as the GUI keeps it. */
typedef struct {
  guint tick;
  char *hypothesis_kind, *entity;
  GStrv changes;             /* what is proved; empty while synthesis searches */
  gboolean synthesis;
  gint64 started_us;         /* g_get_monotonic_time () at its start: for the elapsed time shown
                              * only, never an input to a decision */
} RwProving;

void rw_proving_free (RwProving *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwProving, rw_proving_free)

#define RW_TYPE_RUNNER (rw_runner_get_type ())
G_DECLARE_FINAL_TYPE (RwRunner, rw_runner, RW, RUNNER, GObject)

/* Takes ownership of @scenario. @db_path may be NULL (nothing persisted). The run starts paused
 * at tick 0; the agent is built on the worker. Signals arrive on the thread-default main context
 * of the caller: "snapshot" (RwSnapshot*), "approval" (RwApproval*), "running-changed",
 * "proving" (RwProving* as a proof starts, after a snapshot of the tick's network; NULL as it
 * ends). */
RwRunner *rw_runner_new (RwScenario *scenario, const char *db_path, const RwGuardConfig *config, GError **error);

const RwScenario *rw_runner_get_scenario (RwRunner *r);
void rw_runner_play (RwRunner *r);
/* Plays and pauses by itself once tick @tick is done (scripted runs). */
void rw_runner_play_until (RwRunner *r, guint tick);
void rw_runner_pause (RwRunner *r);
void rw_runner_step (RwRunner *r);
gboolean rw_runner_is_playing (RwRunner *r);
void rw_runner_set_interval (RwRunner *r, guint ms);
void rw_runner_set_mode (RwRunner *r, RwMode mode);
/* Takes ownership of @event; it happens at the next tick. */
void rw_runner_inject (RwRunner *r, RwScenarioEvent *event);
/* New tier limits (a copy is taken); the worker hands them to the agent between two ticks, so
 * the running scenario's next decision uses them. */
void rw_runner_set_guard_config (RwRunner *r, const RwGuardConfig *config);
/* The operator's answer to the pending approval (@modified for RW_ANSWER_MODIFY). */
void rw_runner_answer (RwRunner *r, RwAnswer answer, const char *modified);
gboolean rw_runner_has_pending_approval (RwRunner *r);
/* The proof under way (NULL when none), as the last "proving" signal said. */
const RwProving *rw_runner_get_proving (RwRunner *r);
/* Stops the proof under way without waiting for it: Z3 is interrupted on the worker, the agent
 * records the decision as cancelled by the operator and applies nothing, and the run pauses
 * after that tick. FALSE when no proof was under way. */
gboolean rw_runner_cancel_proof (RwRunner *r);
/* The newest snapshot (NULL before the first tick). */
RwSnapshot *rw_runner_get_snapshot (RwRunner *r);
/* The database of this run (NULL without one) and its run id. */
const char *rw_runner_get_db_path (RwRunner *r);
/* Stops the worker; called on dispose too. */
void rw_runner_shutdown (RwRunner *r);

G_END_DECLS
