/* rw-net.h — a topology compiled for solving: node indices, BGP adjacencies with their
 * effective state, and IGP shortest paths per AS.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-topology.h"

G_BEGIN_DECLS

#define RW_IGP_UNREACHABLE G_MAXUINT

/* One direction of a BGP session, seen from `node`. */
typedef struct {
  guint node;
  guint peer;
  guint session;            /* index in topology->sessions */
  guint reverse;            /* adjacency peer -> node */
  gboolean ebgp;
  gboolean up;              /* administratively up and transport available */
  const RwPolicy *import;   /* at node, routes from peer; NULL = accept all */
  const RwPolicy *export;   /* at node, routes to peer; NULL = send all */
  gint32 weight;            /* at node, for routes from peer */
  gboolean peer_is_client;  /* node reflects for peer */
  gint link;                /* eBGP: the up link joining the ends, else -1 */
} RwAdj;

typedef struct {
  const RwTopology *topo;   /* borrowed; must outlive the net */
  guint n_nodes;
  RwNode **nodes;           /* borrowed from topo */
  GHashTable *node_index;   /* id -> index+1 */
  guint n_adjs;
  RwAdj *adjs;              /* grouped by node */
  guint *adj_first;         /* per node: first adjacency; adj_first[n_nodes] = n_adjs */
  guint32 *cluster_id;      /* per node: router id if it reflects for a client, else 0 */
  guint *link_a, *link_b;   /* per link: endpoint indices */
  guint *igp_dist;          /* n*n, same AS over up links; RW_IGP_UNREACHABLE otherwise */
  gint *igp_next;           /* n*n: first hop from i towards j, -1 */
  gint *igp_link;           /* n*n: link used for that first hop, -1 */
} RwNet;

RwNet *rw_net_new (const RwTopology *topo);
void rw_net_free (RwNet *net);
gint rw_net_node (const RwNet *net, const char *id);
gint rw_net_find_adj (const RwNet *net, guint node, guint peer);
/* The up link joining a and b with the lowest IGP cost (ties: file order), or -1. */
gint rw_net_direct_link (const RwNet *net, guint a, guint b);
static inline guint rw_net_igp_dist (const RwNet *net, guint a, guint b) { return net->igp_dist[a * net->n_nodes + b]; }
static inline gboolean rw_net_is_ours (const RwNet *net, guint n) { return net->nodes[n]->kind == RW_NODE_ROUTER; }

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwNet, rw_net_free)

G_END_DECLS
