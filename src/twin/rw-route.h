/* rw-route.h — a BGP route as held by one speaker, and route-map evaluation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-net.h"

G_BEGIN_DECLS

#define RW_DEFAULT_LOCAL_PREF 100
/* FRR gives locally originated routes weight 32768, which is why step 1 usually settles them. */
#define RW_LOCAL_WEIGHT 32768

typedef struct {
  gint from;             /* neighbour node index, -1 when originated here */
  gint adj;              /* adjacency at the holder it arrived on, -1 when originated */
  gint nexthop;          /* node: eBGP neighbour, or the advertising router inside the AS */
  guint32 local_pref;
  gboolean has_med;
  guint32 med;
  gint32 weight;
  RwOrigin origin;
  gboolean ibgp;
  gboolean has_originator;
  guint32 originator_id;
  guint igp_cost;        /* to the next hop, at the holder (0 for eBGP and local routes) */
  guint as_path_len, n_communities, cluster_len;
  guint32 *as_path;      /* leftmost (neighbour) first */
  guint32 *communities;  /* sorted, unique */
  guint32 *cluster_list; /* most recent first */
} RwRoute;

RwRoute *rw_route_new (void);
RwRoute *rw_route_copy (const RwRoute *r);
void rw_route_free (RwRoute *r);
gboolean rw_route_equal (const RwRoute *a, const RwRoute *b);
guint64 rw_route_hash (const RwRoute *r);
/* Replace the variable-length parts; the arrays are copied. */
void rw_route_set_lists (RwRoute *r, const guint32 *as_path, guint as_len, const guint32 *comm, guint n_comm,
                         const guint32 *cl, guint cl_len);
void rw_route_prepend (RwRoute *r, guint32 asn, guint count);
gboolean rw_route_has_community (const RwRoute *r, guint32 c);
void rw_route_add_community (RwRoute *r, guint32 c);
void rw_route_remove_community (RwRoute *r, guint32 c);
gboolean rw_route_path_contains (const RwRoute *r, guint32 asn);
/* The AS the route came through (leftmost), 0 when originated inside the holder's AS. */
guint32 rw_route_neighbor_as (const RwRoute *r);

typedef enum { RW_POLICY_IMPORT, RW_POLICY_EXPORT } RwPolicyDirection;

/* Route-map semantics as on FRR: entries in seq order, match keys ANDed, first match wins,
 * no match = deny. A "continue" entry (on-match next) applies its sets and goes on; the verdict
 * then comes from the next matching entry without "continue", or the implicit deny.
 * NULL policy = permit all.
 * Returns TRUE when permitted; @r is modified by the sets. *prepend receives export prepends. */
gboolean rw_policy_apply (const RwPolicy *policy, const RwPrefix *prefix, RwRoute *r, RwPolicyDirection dir,
                          guint32 import_peer_as, guint *prepend);
gboolean rw_policy_entry_matches (const RwPolicyEntry *e, const RwPrefix *prefix, const RwRoute *r);
gboolean rw_prefix_match_accepts (const RwPrefixMatch *m, const RwPrefix *p);
/* The entry's prefix condition alone (its prefix-list, first accepting line decides); TRUE when
 * it has none. */
gboolean rw_policy_entry_prefix_matches (const RwPolicyEntry *e, const RwPrefix *prefix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwRoute, rw_route_free)

G_END_DECLS
