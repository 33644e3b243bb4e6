/* rw-twin.h — the digital twin: a topology with its solved BGP state and traffic,
 * forks for what-if, change strings and diffs (DESIGN.md sections 2 and 10).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-traffic.h"

G_BEGIN_DECLS

typedef struct {
  RwTopology *topo;      /* owned */
  RwNet *net;
  RwBgpResult *bgp;
  RwTraffic *traffic;
  RwBgpOptions options;
} RwTwin;

/* Takes ownership of @topo and solves it. */
RwTwin *rw_twin_new (RwTopology *topo);
RwTwin *rw_twin_new_with_options (RwTopology *topo, const RwBgpOptions *options);
void rw_twin_free (RwTwin *twin);
/* A copy of the configuration, solved: changes to it never touch @twin. */
RwTwin *rw_twin_fork (const RwTwin *twin);
/* Re-solve after the topology was edited in place. */
void rw_twin_resolve (RwTwin *twin);

/* ---- changes ---- */
typedef enum {
  RW_CHANGE_LINK_DOWN, RW_CHANGE_LINK_UP, RW_CHANGE_SESSION_DOWN, RW_CHANGE_SESSION_UP,
  RW_CHANGE_LOCAL_PREF, RW_CHANGE_PREPEND, RW_CHANGE_MED, RW_CHANGE_COMMUNITY_ADD,
  RW_CHANGE_DEMAND, RW_CHANGE_IGP_COST, RW_CHANGE_DENY,
} RwChangeKind;

typedef struct {
  RwChangeKind kind;
  char *a, *b;           /* link id; session ends; router and neighbour; demand id */
  gint64 value;          /* LOCAL_PREF, count, MED, community, cost */
  double mbps;
  gboolean has_prefix;
  RwPrefix prefix;
} RwChange;

RwChange *rw_change_parse (const char *text, GError **error);
char *rw_change_to_string (const RwChange *c);
void rw_change_free (RwChange *c);
/* Applies to the configuration only (call rw_twin_resolve, or use rw_twin_apply). Errors name
 * the entity ("local-pref:R1:ISP-Z:200: no session between R1 and ISP-Z") and leave @topo as it was. */
gboolean rw_change_apply (RwTopology *topo, const RwChange *c, GError **error);
/* A copy of @topo with @changes (RwChange) applied, or NULL with @error. */
RwTopology *rw_topology_with_changes (const RwTopology *topo, GPtrArray *changes, GError **error);
/* Several changes at once; all or nothing. */
gboolean rw_changes_apply (RwTopology *topo, GPtrArray *changes, GError **error);
/* Parses and applies every change, then re-solves; all or nothing. */
gboolean rw_twin_apply (RwTwin *twin, const char *const *changes, GError **error);
/* A fork with @changes applied, solved once: the what-if. NULL with @error on a bad change. */
RwTwin *rw_twin_fork_apply (const RwTwin *twin, const char *const *changes, GError **error);

/* ---- diff ---- */
typedef struct {
  GPtrArray *moved_demands;      /* char* ids whose path changed */
  double moved_mbps;
  double blast_radius;           /* moved_mbps / total traffic, 0..1 */
  GPtrArray *routers_changed;    /* char* ids whose best route changed for some prefix */
  GPtrArray *links_touched;      /* char* link ids whose load changed */
  GPtrArray *new_loops, *new_blackholes;  /* demand ids */
  GPtrArray *sla_added, *sla_removed;     /* demand ids */
  double max_util_before, max_util_after;
  char *max_dir_before, *max_dir_after;
  gboolean converged_before, converged_after;
  gboolean priced;                       /* some link towards an ISP has a price */
  double cost_before, cost_after;        /* transit cost a month (README "Transit cost") */
} RwDiff;

RwDiff *rw_twin_diff (const RwTwin *before, const RwTwin *after);
void rw_diff_free (RwDiff *d);

/* ---- JSON documents (rw-twin-json.c) ---- */
/* The `simulate --json` document of DESIGN.md section 10. */
JsonNode *rw_twin_simulation_to_json (const RwTwin *twin);
JsonNode *rw_diff_to_json (const RwDiff *diff);
char *rw_json_node_to_string (JsonNode *node, gboolean pretty);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwTwin, rw_twin_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwChange, rw_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwDiff, rw_diff_free)

G_END_DECLS
