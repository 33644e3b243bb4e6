/* rw-symbolic.h — BGP selection, forwarding and traffic of a twin encoded for Z3.
 *
 * For every prefix class that some demand can use and every node, the best route is a record
 * of symbolic attributes. Candidates are the neighbours' best records passed through the same
 * export rules, route-maps and import checks as the concrete solver, and the best one is the
 * single survivor of the eleven decision steps applied as filters. Links and sessions may fail
 * (one boolean each); the IGP, session state, forwarding, loads, latency and loss follow from
 * the choices.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-twin.h"
#include "rw-z3.h"

G_BEGIN_DECLS

typedef struct {
  Z3_ast valid, weight, lp, aslen, origin, med, nbr_as, originator, clen, nexthop, from, ibgp, from_client, igp;
  Z3_ast *inpath; /* per ASN index */
  Z3_ast *comm;   /* per community index */
  Z3_ast *incl;   /* per node: its cluster id is in the CLUSTER_LIST */
} RwSymRoute;

typedef struct {
  guint k;                     /* at most k failed elements; 0 = none may fail */
  gboolean routing_only;       /* no forwarding, loads, latency or loss (the traffic members
                                * stay NULL): for questions about routing alone */
} RwSymOptions;

typedef struct {
  RwZ3 *z;
  const RwTwin *twin;          /* borrowed; its topology is what is encoded */
  guint n_nodes, n_links, n_adjs;
  /* attribute universes */
  GArray *asns;                /* guint32 */
  GArray *comms;               /* guint32 */
  /* failures */
  Z3_ast *link_failed, *sess_failed; /* NULL where an element cannot fail */
  GPtrArray *failure_vars;     /* Z3_ast Bool, for the cardinality bound */
  GPtrArray *failure_names;    /* char*: "link R1-ISPA", "session R1–ISP-A" */
  Z3_ast *link_up;             /* per link */
  Z3_ast *adj_up;              /* per adjacency */
  Z3_ast *dist;                /* n*n Int IGP distances (same AS), RW_SYM_INF when unreachable */
  Z3_ast *igp_next;            /* n*n Int first hop, -1 */
  /* routing */
  GArray *classes;             /* guint: classes encoded */
  RwSymRoute ***best;          /* [encoded class][node] */
  gint *class_slot;            /* bgp class index -> encoded slot, -1 */
  /* traffic */
  guint n_demands;
  Z3_ast *delivered, *looped;  /* per demand */
  Z3_ast *use;                 /* [demand * 2*n_links + dir] Bool */
  Z3_ast *latency, *loss;      /* per demand, Real (ms, %) */
  Z3_ast *load, *util;         /* per direction, Real */
  GPtrArray *constraints;      /* Z3_ast Bool: the model; assert them all */
  GArray *constraint_slot;     /* gint per constraint: the encoded class it belongs to, or
                                * RW_SYM_SHARED (failures, IGP, sessions), RW_SYM_TRAFFIC */
  gint cur_slot;               /* while encoding */
} RwSym;

#define RW_SYM_INF ((gint64) 1 << 40)
#define RW_SYM_SHARED (-1)
#define RW_SYM_TRAFFIC (-2)

/* The prefix classes (indices into twin->bgp->classes) some demand can use: its destination's
 * and every covering prefix's, in demand order; the classes the encoding holds. */
GArray *rw_sym_demand_classes (const RwTwin *twin);
RwSym *rw_sym_new (RwZ3 *z, const RwTwin *twin, const RwSymOptions *options);
void rw_sym_free (RwSym *sym);
void rw_sym_assert_model (RwSym *sym, Z3_solver s);

/* The stable state @twin (the encoded one, or a fork of it with the same classes) landed in,
 * as one formula per encoded class and node: "no route", or "valid and taken from N". */
GPtrArray *rw_sym_twin_state (RwSym *sym, const RwTwin *twin);

/* What the encoding says of a demand in @twin's own state, in plain C with the encoding's
 * formulas (the queueing chords and the loss tangent, not the twin's exact curves): its
 * latency and loss along its hops, for the SLA rule. */
void rw_sym_concrete_sla_terms (const RwTwin *twin, guint demand, double *latency_ms, double *loss_pct);
/* The same for one encoded class, appended to @out; @twin may be a fork of the encoded twin
 * (failures applied): its class is found by the encoded class's prefix. FALSE when it has none. */
gboolean rw_sym_twin_class_state (RwSym *sym, const RwTwin *twin, guint slot, GPtrArray *out);
/* The constraints tagged @tag: one encoded class's routing (its slot), or RW_SYM_SHARED, what
 * every class rests on (failures, IGP, sessions). A class's and the shared ones, without the
 * other classes or the traffic, are the whole question "which stable states can this class
 * have?": BGP chooses per class. */
void rw_sym_assert_class_only (RwSym *sym, Z3_solver s, gint tag);
/* In a model: the node a class's best route at @node came from (-1 local, -2 none). */
gint rw_sym_model_from (RwSym *sym, Z3_model m, guint cls, guint node);
/* Failed elements in a model, as change strings (link-down:ID, session-down:A:B). */
GPtrArray *rw_sym_model_failures (RwSym *sym, Z3_model m);
Z3_ast rw_sym_sla_ok (RwSym *sym, guint demand);

G_END_DECLS
