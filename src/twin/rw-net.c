/* rw-net.c — compile a topology: indices, adjacencies, IGP (Dijkstra per AS).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-net.h"

gint
rw_net_node (const RwNet *net, const char *id)
{
  gpointer v = g_hash_table_lookup (net->node_index, id);
  return v ? GPOINTER_TO_INT (v) - 1 : -1;
}

gint
rw_net_find_adj (const RwNet *net, guint node, guint peer)
{
  for (guint a = net->adj_first[node]; a < net->adj_first[node + 1]; a++)
    if (net->adjs[a].peer == peer)
      return (gint) a;
  return -1;
}

gint
rw_net_direct_link (const RwNet *net, guint a, guint b)
{
  gint best = -1;
  for (guint i = 0; i < net->topo->links->len; i++)
    {
      RwLink *l = net->topo->links->pdata[i];
      if (!l->up)
        continue;
      if (!((net->link_a[i] == a && net->link_b[i] == b) || (net->link_a[i] == b && net->link_b[i] == a)))
        continue;
      if (best < 0 || l->igp_cost < ((RwLink *) net->topo->links->pdata[best])->igp_cost)
        best = (gint) i;
    }
  return best;
}

/* Dijkstra from src over up links inside src's AS. Equal-cost ties go to the lower first-hop
 * node index so results never depend on hash order (no ECMP is modelled). */
static void
igp_from (RwNet *net, guint src)
{
  guint n = net->n_nodes;
  guint *dist = &net->igp_dist[src * n];
  gint *next = &net->igp_next[src * n];
  gint *nlink = &net->igp_link[src * n];
  g_autofree gboolean *done = g_new0 (gboolean, n);
  guint32 asn = net->nodes[src]->asn;

  for (guint i = 0; i < n; i++)
    {
      dist[i] = RW_IGP_UNREACHABLE;
      next[i] = -1;
      nlink[i] = -1;
    }
  dist[src] = 0;
  for (;;)
    {
      gint u = -1;
      for (guint i = 0; i < n; i++)
        if (!done[i] && dist[i] != RW_IGP_UNREACHABLE && (u < 0 || dist[i] < dist[u]))
          u = (gint) i;
      if (u < 0)
        break;
      done[u] = TRUE;
      for (guint li = 0; li < net->topo->links->len; li++)
        {
          RwLink *l = net->topo->links->pdata[li];
          guint v;
          guint nd;
          gint hop;
          if (!l->up)
            continue;
          if (net->link_a[li] == (guint) u)
            v = net->link_b[li];
          else if (net->link_b[li] == (guint) u)
            v = net->link_a[li];
          else
            continue;
          if (net->nodes[v]->asn != asn || done[v])
            continue;
          nd = dist[u] + l->igp_cost;
          hop = (guint) u == src ? (gint) v : next[u];
          if (nd < dist[v] || (nd == dist[v] && hop < next[v]))
            {
              dist[v] = nd;
              next[v] = hop;
              nlink[v] = (guint) u == src ? (gint) li : nlink[u];
            }
        }
    }
}

RwNet *
rw_net_new (const RwTopology *topo)
{
  RwNet *net = g_new0 (RwNet, 1);
  guint n = topo->nodes->len;
  GArray *adjs = g_array_new (FALSE, TRUE, sizeof (RwAdj));

  net->topo = topo;
  net->n_nodes = n;
  net->nodes = g_new (RwNode *, n);
  net->node_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      net->nodes[i] = topo->nodes->pdata[i];
      g_hash_table_insert (net->node_index, net->nodes[i]->id, GINT_TO_POINTER (i + 1));
    }
  net->link_a = g_new (guint, topo->links->len + 1);
  net->link_b = g_new (guint, topo->links->len + 1);
  for (guint i = 0; i < topo->links->len; i++)
    {
      RwLink *l = topo->links->pdata[i];
      net->link_a[i] = (guint) rw_net_node (net, l->a);
      net->link_b[i] = (guint) rw_net_node (net, l->b);
    }

  net->igp_dist = g_new (guint, (gsize) n * n + 1);
  net->igp_next = g_new (gint, (gsize) n * n + 1);
  net->igp_link = g_new (gint, (gsize) n * n + 1);
  for (guint i = 0; i < n; i++)
    igp_from (net, i);

  net->cluster_id = g_new0 (guint32, n + 1);
  /* Adjacencies grouped by node, in session file order within a node. */
  net->adj_first = g_new0 (guint, n + 1);
  for (guint node = 0; node < n; node++)
    {
      net->adj_first[node] = adjs->len;
      for (guint si = 0; si < topo->sessions->len; si++)
        {
          RwSession *s = topo->sessions->pdata[si];
          gint ia = rw_net_node (net, s->a), ib = rw_net_node (net, s->b);
          guint me_end, peer;
          RwAdj adj = { 0 };
          const RwSessionEnd *end;
          if ((guint) ia == node)
            me_end = 0, peer = (guint) ib;
          else if ((guint) ib == node)
            me_end = 1, peer = (guint) ia;
          else
            continue;
          end = &s->ends[me_end];
          adj.node = node;
          adj.peer = peer;
          adj.session = si;
          adj.ebgp = net->nodes[node]->asn != net->nodes[peer]->asn;
          adj.import = end->import ? rw_topology_find_policy (topo, end->import) : NULL;
          adj.export = end->export ? rw_topology_find_policy (topo, end->export) : NULL;
          adj.weight = end->weight;
          adj.peer_is_client = end->rr_client;
          adj.link = -1;
          if (adj.ebgp)
            {
              adj.link = rw_net_direct_link (net, node, peer);
              adj.up = s->up && adj.link >= 0;
            }
          else
            adj.up = s->up && rw_net_igp_dist (net, node, peer) != RW_IGP_UNREACHABLE;
          if (end->rr_client)
            net->cluster_id[node] = net->nodes[node]->router_id;
          g_array_append_val (adjs, adj);
        }
    }
  net->adj_first[n] = adjs->len;
  net->n_adjs = adjs->len;
  net->adjs = (RwAdj *) g_array_free (adjs, FALSE);
  for (guint a = 0; a < net->n_adjs; a++)
    net->adjs[a].reverse = (guint) rw_net_find_adj (net, net->adjs[a].peer, net->adjs[a].node);
  return net;
}

void
rw_net_free (RwNet *net)
{
  if (net == NULL)
    return;
  g_free (net->nodes);
  g_hash_table_unref (net->node_index);
  g_free (net->adjs);
  g_free (net->adj_first);
  g_free (net->cluster_id);
  g_free (net->link_a);
  g_free (net->link_b);
  g_free (net->igp_dist);
  g_free (net->igp_next);
  g_free (net->igp_link);
  g_free (net);
}
