/* rw-bgp.h — the BGP solver: a path-vector fixed point over every speaker, per prefix class,
 * with FRR's decision process and non-convergence detection (DESIGN.md section 2).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-route.h"

G_BEGIN_DECLS

/* The decision steps, in order. The numbers are the ones engineers know from FRR's docs. */
typedef enum {
  RW_STEP_NONE = 0,     /* a single candidate: nothing to decide */
  RW_STEP_WEIGHT = 1,
  RW_STEP_LOCAL_PREF,
  RW_STEP_LOCAL_ORIGIN,
  RW_STEP_AS_PATH,
  RW_STEP_ORIGIN,
  RW_STEP_MED,
  RW_STEP_EBGP,
  RW_STEP_IGP_COST,
  RW_STEP_ROUTER_ID,
  RW_STEP_CLUSTER_LIST,
  RW_STEP_NEIGHBOR_ADDR,
  RW_STEP_COUNT
} RwDecisionStep;

const char *rw_decision_step_name (RwDecisionStep step);
/* The decision order rw_bgp_decide() applies: the @i-th step (0-based) of
 * rw_decision_n_steps(). Whatever else needs the order (the Z3 encoding) takes it from here. */
guint rw_decision_n_steps (void);
RwDecisionStep rw_decision_step_at (guint i);

/* What one node holds for one prefix class. */
typedef struct {
  GPtrArray *routes;        /* RwRoute: usable candidates in adjacency order, local first */
  gint best;                /* index into routes, -1 = no route */
  RwDecisionStep decided_by;
} RwRib;

/* Prefixes with identical originations and identical policy matches get identical results;
 * each such class is solved once. */
typedef struct {
  RwPrefix repr;            /* the first prefix of the class, used for policy matching */
  RwRib *ribs;              /* per node; read-only: a fork whose class comes out the same
                             * shares them (most classes of a what-if do) */
  gboolean converged;
  guint rounds;
  guint n_prefixes;
  gint *ribs_share;         /* how many classes hold @ribs (atomic) */
} RwBgpClass;

typedef struct {
  gboolean group_prefixes;  /* default TRUE; FALSE solves each prefix on its own (tests) */
  guint max_rounds;         /* 0 = automatic bound */
} RwBgpOptions;

/* The prefixes and their classes: shared between a twin and its forks while neither the
 * originations nor the policies' prefix matches change (a what-if at a million prefixes then
 * re-solves its classes without classifying a million prefixes again). */
typedef struct _RwPrefixTable RwPrefixTable;

typedef struct {
  const RwNet *net;         /* borrowed */
  RwPrefixTable *table;     /* shared, read-only */
  guint n_prefixes;
  const RwPrefix *prefixes; /* sorted by address then length (the table's) */
  GPtrArray *classes;       /* RwBgpClass, in the table's class order */
  gboolean converged;
  guint iterations;         /* rounds of the slowest class */
  GArray *unstable;         /* prefix indices (class representatives) that did not converge */
} RwBgpResult;

RwBgpResult *rw_bgp_solve (const RwNet *net, const RwBgpOptions *options);
/* The same, reusing @like's prefix table when it fits @net (same originations table and the
 * same prefix matches in the policies); @like may be NULL. */
RwBgpResult *rw_bgp_solve_like (const RwNet *net, const RwBgpOptions *options, const RwBgpResult *like);
/* Whether two results share their prefix table (their classes then correspond one to one). */
gboolean rw_bgp_same_table (const RwBgpResult *a, const RwBgpResult *b);
/* When @before's and @after's tables are the same or one was split from the other, fills @pairs
 * (guint[2] elements) with every (before class, after class) pair that shares prefixes and
 * returns TRUE; FALSE for unrelated tables. */
gboolean rw_bgp_class_pairs (const RwBgpResult *before, const RwBgpResult *after, GArray *pairs);
void rw_bgp_result_free (RwBgpResult *res);

gint rw_bgp_prefix_index (const RwBgpResult *res, const RwPrefix *p);
/* The class (an index into res->classes) of prefix @prefix_index. */
guint rw_bgp_prefix_class (const RwBgpResult *res, guint prefix_index);
const RwRib *rw_bgp_rib (const RwBgpResult *res, guint prefix_index, guint node);
const RwRoute *rw_bgp_best (const RwBgpResult *res, guint prefix_index, guint node);
/* Longest-prefix match of @dst at @node among prefixes the node has a best route for. */
gint rw_bgp_lookup (const RwBgpResult *res, guint node, const RwPrefix *dst);
/* The prefixes that contain @dst, longest first, into @out (room for 33); returns how many.
 * rw_bgp_lookup () at a node is the first of them the node has a best route for. */
guint rw_bgp_covering (const RwBgpResult *res, const RwPrefix *dst, gint *out);

/* The decision process on its own: picks the best of @cands (n > 0) at @node.
 * Exposed for tests and for the Z3 agreement check. */
guint rw_bgp_decide (const RwNet *net, guint node, RwRoute **cands, guint n, RwDecisionStep *decided_by);

/* Whether "every node u takes its best route from from[u]" (-1 originated here, -2 none) is a
 * stable state for prefixes like @repr; @why says which node would move. Used to check states
 * found by Z3, e.g. a second stable state (a BGP wedgie). */
gboolean rw_bgp_is_stable (const RwNet *net, const RwPrefix *repr, const gint *from, char **why);

/* Every route a node could ever hold for prefixes like @repr, whatever the other nodes choose:
 * the closure of the originations under the advertisement rules (export, import, loop
 * prevention, reflection). Every stable state picks, at each node, one of these or nothing.
 * A route remembers which routes of its sender yield it, so "u holds route i" can be tied to
 * "the sender holds one of i's parents". */
typedef struct {
  RwRoute *route;
  gint adj;                 /* adjacency at the holder it arrived on (its peer sent it), -1 originated */
  GArray *parents;          /* guint: indices into the sender's routes */
} RwSpaceRoute;

typedef struct {
  guint n_nodes;
  GPtrArray **routes;       /* per node: RwSpaceRoute, originated first */
  guint total;
} RwRouteSpace;

/* NULL when the space holds more than @max_routes routes (the caller then asks otherwise). */
RwRouteSpace *rw_bgp_route_space (const RwNet *net, const RwPrefix *repr, guint max_routes);
void rw_route_space_free (RwRouteSpace *space);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwRouteSpace, rw_route_space_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwBgpResult, rw_bgp_result_free)

G_END_DECLS
