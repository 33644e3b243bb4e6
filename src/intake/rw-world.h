/* rw-world.h — what an incident's agents act on: the baseline twin (the network as configured)
 * and the incident state (the reported fault reproduced on a fork, plus every change the
 * ActionAgent made), with the event log both imply.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-agent.h"

G_BEGIN_DECLS

typedef struct {
  RwTwin *baseline;           /* owned */
  RwTwin *state;              /* owned */
  GPtrArray *faults;          /* char*: change strings reproduced from the report */
  GPtrArray *actions;         /* char*: change strings the ActionAgent applied */
  RwGuardConfig guard;
  double confidence;          /* of the plan's diagnosis, for the guard's tiers */
  const char *decision_tag;   /* tag of the plan the actions come from */
  RwStore *store;             /* borrowed, may be NULL: actions are audited here */
  guint32 seed;               /* telemetry noise */
  guint ticks_before, ticks_after;
  double tick_s;
} RwWorld;

/* Takes @topo. */
RwWorld *rw_world_new (RwTopology *topo, RwStore *store, const RwGuardConfig *guard);
void rw_world_free (RwWorld *w);

/* Rebuilds the state from the baseline, the faults and the actions, in that order; on a bad
 * change the state is left as it was. */
gboolean rw_world_rebuild (RwWorld *w, GError **error);

/* Ids of demands that miss their SLA, loop or are blackholed in @after but not in @before. */
GPtrArray *rw_world_new_violations (const RwTwin *before, const RwTwin *after);
/* The BGP session between @a and @b is up in @twin (administratively and in transport). */
gboolean rw_world_session_up (const RwTwin *twin, const char *a, const char *b);
/* @id is a router of our AS. */
gboolean rw_world_is_ours (const RwTopology *topo, const char *id);

/* The event log of the world: one line per event, newest last, with its age in seconds. */
typedef struct {
  double age_s;
  char *line;
  char *kind;            /* link, bgp, bestpath, sla, config */
} RwLogLine;
GPtrArray *rw_world_log (const RwWorld *w);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwWorld, rw_world_free)

G_END_DECLS
