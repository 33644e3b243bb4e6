/* rw-bgp.c — the path-vector fixed point.
 *
 * Prefixes are independent in BGP (no aggregation is modelled), and a prefix influences the
 * computation only through its originations and the prefix-list entries it matches. Prefixes
 * that agree on both are grouped into a class and solved once; the result is exact for every
 * member. Within a class, speakers whose best route changed advertise to their peers in rounds;
 * a repeated global state or the round bound means the class has no stable solution.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-bgp.h"

#include <string.h>

typedef struct {
  const RwNet *net;
  const RwPrefix *prefix;
  RwRoute **local;   /* per node */
  RwRoute **adj_in;  /* per adjacency: what adj.node holds from adj.peer after import */
  RwRoute **adv;     /* per node: the best route last advertised (copy) */
  guint *queue, qlen;
  gboolean *queued;
} ClassSolve;

/* ---- advertisement rules, one function per direction ---- */

/* What @u sends to the peer of adjacency @a when its best route is @r; NULL = nothing. */
static RwRoute *
export_route (const ClassSolve *cs, guint u, const RwAdj *a, const RwRoute *r)
{
  const RwNet *net = cs->net;
  g_autoptr(RwRoute) out = NULL;
  guint prepend = 0;

  if (r == NULL || !a->up)
    return NULL;
  if (r->from == (gint) a->peer) /* never back to where it came from */
    return NULL;
  if (rw_route_has_community (r, RW_COMMUNITY_NO_ADVERTISE))
    return NULL;
  if (a->ebgp && rw_route_has_community (r, RW_COMMUNITY_NO_EXPORT))
    return NULL;

  if (!a->ebgp && r->ibgp)
    {
      /* Only a reflector passes iBGP routes on: client routes to everyone, non-client routes
       * to clients only. */
      gboolean from_client = r->adj >= 0 && net->adjs[r->adj].peer_is_client;
      if (net->cluster_id[u] == 0 || !(from_client || a->peer_is_client))
        return NULL;
    }

  out = rw_route_copy (r);
  out->from = (gint) u;
  if (a->ebgp)
    {
      out->local_pref = RW_DEFAULT_LOCAL_PREF;
      out->has_originator = FALSE;
      out->originator_id = 0;
      rw_route_set_lists (out, r->as_path, r->as_path_len, r->communities, r->n_communities, NULL, 0);
      /* Only a MED set here (on a route this router originates) goes to an eBGP peer: one
       * learned from any peer, iBGP included, is dropped, as FRR does (the export route-map
       * may then set one). */
      if (r->from >= 0)
        out->has_med = FALSE, out->med = 0;
      out->nexthop = (gint) u;
    }
  else if (r->ibgp)
    {
      if (!out->has_originator)
        {
          out->has_originator = TRUE;
          out->originator_id = net->nodes[r->from]->router_id;
        }
      rw_route_set_lists (out, r->as_path, r->as_path_len, r->communities, r->n_communities, NULL, 0);
      {
        g_autofree guint32 *cl = g_new (guint32, r->cluster_len + 1);
        cl[0] = net->cluster_id[u];
        memcpy (cl + 1, r->cluster_list, r->cluster_len * sizeof (guint32));
        rw_route_set_lists (out, r->as_path, r->as_path_len, r->communities, r->n_communities, cl, r->cluster_len + 1);
      }
    }
  else
    out->nexthop = (gint) u; /* next-hop-self towards iBGP peers */

  if (!rw_policy_apply (a->export, cs->prefix, out, RW_POLICY_EXPORT, 0, &prepend))
    return NULL;
  if (a->ebgp)
    rw_route_prepend (out, net->nodes[u]->asn, 1 + prepend);
  return g_steal_pointer (&out);
}

/* What adjacency @a's node keeps of @in (sent by a->peer); NULL = rejected or unusable. */
static RwRoute *
import_route (const ClassSolve *cs, const RwAdj *a, RwRoute *in)
{
  const RwNet *net = cs->net;
  g_autoptr(RwRoute) r = in;
  guint v = a->node;

  if (r == NULL)
    return NULL;
  if (a->ebgp)
    {
      if (rw_route_path_contains (r, net->nodes[v]->asn))
        return NULL;
      r->ibgp = FALSE;
      r->local_pref = RW_DEFAULT_LOCAL_PREF;
      r->nexthop = (gint) a->peer;
      r->igp_cost = 0;
    }
  else
    {
      if (r->has_originator && r->originator_id == net->nodes[v]->router_id)
        return NULL;
      if (net->cluster_id[v] != 0)
        for (guint i = 0; i < r->cluster_len; i++)
          if (r->cluster_list[i] == net->cluster_id[v])
            return NULL;
      r->ibgp = TRUE;
    }
  r->from = (gint) a->peer;
  r->adj = (gint) (a - net->adjs);
  r->weight = a->weight;
  if (!rw_policy_apply (a->import, cs->prefix, r, RW_POLICY_IMPORT, net->nodes[a->peer]->asn, NULL))
    return NULL;
  if (r->ibgp)
    {
      /* The next hop must resolve through the IGP. */
      if (r->nexthop < 0 || (guint) r->nexthop == v)
        return NULL;
      r->igp_cost = rw_net_igp_dist (net, v, (guint) r->nexthop);
      if (r->igp_cost == RW_IGP_UNREACHABLE)
        return NULL;
    }
  return g_steal_pointer (&r);
}

static RwRoute *
originate (const RwNet *net, guint node, const RwOrigination *o)
{
  RwRoute *r = rw_route_new ();
  r->from = -1;
  r->adj = -1;
  r->nexthop = (gint) node;
  r->origin = o->origin;
  r->has_med = o->has_med;
  r->med = o->med;
  r->weight = RW_LOCAL_WEIGHT;
  for (guint i = 0; i < o->communities->len; i++)
    rw_route_add_community (r, g_array_index (o->communities, guint32, i));
  return r;
}

/* Candidates held by @u: local route first, then per adjacency. */
static guint
gather (const ClassSolve *cs, guint u, RwRoute **cands)
{
  guint n = 0;
  if (cs->local[u])
    cands[n++] = cs->local[u];
  for (guint a = cs->net->adj_first[u]; a < cs->net->adj_first[u + 1]; a++)
    if (cs->adj_in[a])
      cands[n++] = cs->adj_in[a];
  return n;
}

static void
enqueue (ClassSolve *cs, guint v)
{
  if (!cs->queued[v])
    {
      cs->queued[v] = TRUE;
      cs->queue[cs->qlen++] = v;
    }
}

static guint64
fingerprint (const ClassSolve *cs)
{
  guint64 h = 0xcbf29ce484222325ull;
  for (guint a = 0; a < cs->net->n_adjs; a++)
    h = (h ^ rw_route_hash (cs->adj_in[a])) * 0x100000001b3ull;
  for (guint i = 0; i < cs->qlen; i++)
    h = (h ^ (cs->queue[i] + 1)) * 0x100000001b3ull;
  return h;
}

static void
solve_class (const RwNet *net, const RwTopology *topo, RwBgpClass *cls, GPtrArray *origins, guint max_rounds)
{
  guint n = net->n_nodes;
  ClassSolve cs = { net, &cls->repr };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree RwRoute **cands = g_new (RwRoute *, net->n_adjs + 1);
  g_autofree guint *batch = g_new (guint, n);

  cs.local = g_new0 (RwRoute *, n);
  cs.adj_in = g_new0 (RwRoute *, net->n_adjs + 1);
  cs.adv = g_new0 (RwRoute *, n);
  cs.queue = g_new (guint, n);
  cs.queued = g_new0 (gboolean, n);

  for (guint i = 0; i < origins->len; i++)
    {
      const RwOrigination *o = origins->pdata[i];
      gint node = rw_net_node (net, o->origin_node);
      if (cs.local[node] != NULL) /* validation rejects this; keep the first */
        continue;
      cs.local[node] = originate (net, (guint) node, o);
      enqueue (&cs, (guint) node);
    }

  cls->converged = TRUE;
  cls->rounds = 0;
  while (cs.qlen > 0)
    {
      guint nb = cs.qlen;
      gint64 fp;
      if (cls->rounds >= max_rounds)
        {
          cls->converged = FALSE;
          break;
        }
      cls->rounds++;
      memcpy (batch, cs.queue, nb * sizeof (guint));
      cs.qlen = 0;
      for (guint i = 0; i < nb; i++)
        cs.queued[batch[i]] = FALSE;
      for (guint i = 0; i < nb; i++)
        {
          guint u = batch[i];
          guint nc = gather (&cs, u, cands);
          RwRoute *best = nc ? cands[rw_bgp_decide (net, u, cands, nc, NULL)] : NULL;
          if (rw_route_equal (best, cs.adv[u]))
            continue;
          g_clear_pointer (&cs.adv[u], rw_route_free);
          cs.adv[u] = best ? rw_route_copy (best) : NULL;
          for (guint a = net->adj_first[u]; a < net->adj_first[u + 1]; a++)
            {
              const RwAdj *adj = &net->adjs[a];
              const RwAdj *back = &net->adjs[adj->reverse];
              RwRoute *in = import_route (&cs, back, export_route (&cs, u, adj, cs.adv[u]));
              if (rw_route_equal (in, cs.adj_in[adj->reverse]))
                {
                  rw_route_free (in);
                  continue;
                }
              rw_route_free (cs.adj_in[adj->reverse]);
              cs.adj_in[adj->reverse] = in;
              enqueue (&cs, adj->peer);
            }
        }
      fp = (gint64) fingerprint (&cs);
      if (cs.qlen > 0 && g_hash_table_contains (seen, &fp))
        {
          cls->converged = FALSE; /* the same state again: it oscillates */
          break;
        }
      g_hash_table_add (seen, g_memdup2 (&fp, sizeof fp));
    }

  /* Keep what every node holds in the final (or last) state. */
  cls->ribs = g_new0 (RwRib, n);
  for (guint u = 0; u < n; u++)
    {
      RwRib *rib = &cls->ribs[u];
      guint nc = gather (&cs, u, cands);
      rib->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_route_free);
      rib->best = nc ? (gint) rw_bgp_decide (net, u, cands, nc, &rib->decided_by) : -1;
      for (guint i = 0; i < nc; i++)
        g_ptr_array_add (rib->routes, cands[i]);
      cs.local[u] = NULL;
      for (guint a = net->adj_first[u]; a < net->adj_first[u + 1]; a++)
        cs.adj_in[a] = NULL;
    }
  for (guint u = 0; u < n; u++)
    rw_route_free (cs.adv[u]);
  g_free (cs.local);
  g_free (cs.adj_in);
  g_free (cs.adv);
  g_free (cs.queue);
  g_free (cs.queued);
}

/* ---- prefix classes ---- */

static gint
prefix_cmp (gconstpointer a, gconstpointer b)
{
  const RwPrefix *pa = a, *pb = b;
  if (pa->addr != pb->addr)
    return pa->addr < pb->addr ? -1 : 1;
  return (pa->len > pb->len) - (pa->len < pb->len);
}

static gint64
prefix_key (const RwPrefix *p)
{
  return ((gint64) p->addr << 8) | p->len;
}

static void
append_origin_signature (GString *key, const RwNet *net, GPtrArray *origins)
{
  /* Order-independent: originations sorted by node index. */
  g_autofree guint *order = g_new (guint, origins->len + 1);
  for (guint i = 0; i < origins->len; i++)
    order[i] = i;
  for (guint i = 1; i < origins->len; i++)
    for (guint j = i; j > 0; j--)
      {
        const RwOrigination *x = origins->pdata[order[j - 1]], *y = origins->pdata[order[j]];
        if (rw_net_node (net, x->origin_node) <= rw_net_node (net, y->origin_node))
          break;
        guint t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
  for (guint i = 0; i < origins->len; i++)
    {
      const RwOrigination *o = origins->pdata[order[i]];
      g_string_append_printf (key, "%d/%d/%d/%u", rw_net_node (net, o->origin_node), o->origin, o->has_med, o->med);
      for (guint c = 0; c < o->communities->len; c++)
        g_string_append_printf (key, ",%u", g_array_index (o->communities, guint32, c));
      g_string_append_c (key, ';');
    }
}

RwBgpResult *
rw_bgp_solve (const RwNet *net, const RwBgpOptions *options)
{
  RwBgpOptions defaults = { TRUE, 0 };
  const RwTopology *topo = net->topo;
  RwBgpResult *res = g_new0 (RwBgpResult, 1);
  g_autoptr(GHashTable) class_of_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) matchers = g_ptr_array_new ();  /* RwPrefixMatch* across all policies */
  g_autoptr(GPtrArray) class_origins = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray **origins_of;
  GArray *uniq = g_array_new (FALSE, FALSE, sizeof (RwPrefix));
  gint64 *keys;
  guint max_rounds;
  g_autoptr(GString) key = g_string_new (NULL);

  if (options == NULL)
    options = &defaults;
  max_rounds = options->max_rounds ? options->max_rounds : MAX (100, 8 * net->n_nodes);
  res->net = net;
  res->classes = g_ptr_array_new ();
  res->unstable = g_array_new (FALSE, FALSE, sizeof (guint));
  res->converged = TRUE;

  /* Unique prefixes, sorted. */
  for (guint i = 0; i < topo->prefixes->len; i++)
    g_array_append_val (uniq, ((RwOrigination *) topo->prefixes->pdata[i])->prefix);
  g_array_sort (uniq, prefix_cmp);
  {
    guint k = 0;
    for (guint i = 0; i < uniq->len; i++)
      if (k == 0 || !rw_prefix_equal (&g_array_index (uniq, RwPrefix, k - 1), &g_array_index (uniq, RwPrefix, i)))
        g_array_index (uniq, RwPrefix, k++) = g_array_index (uniq, RwPrefix, i);
    g_array_set_size (uniq, k);
  }
  res->n_prefixes = uniq->len;
  res->prefixes = (RwPrefix *) g_array_free (uniq, FALSE);
  res->prefix_class = g_new0 (guint, res->n_prefixes + 1);
  keys = res->prefix_keys = g_new (gint64, res->n_prefixes + 1);
  res->prefix_lookup = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, NULL);
  for (guint i = 0; i < res->n_prefixes; i++)
    {
      keys[i] = prefix_key (&res->prefixes[i]);
      g_hash_table_insert (res->prefix_lookup, &keys[i], GUINT_TO_POINTER (i + 1));
    }

  origins_of = g_new0 (GPtrArray *, res->n_prefixes + 1);
  for (guint i = 0; i < topo->prefixes->len; i++)
    {
      RwOrigination *o = topo->prefixes->pdata[i];
      guint idx = (guint) rw_bgp_prefix_index (res, &o->prefix);
      if (origins_of[idx] == NULL)
        origins_of[idx] = g_ptr_array_new ();
      g_ptr_array_add (origins_of[idx], o);
    }

  for (guint i = 0; i < topo->policies->len; i++)
    {
      RwPolicy *p = topo->policies->pdata[i];
      for (guint j = 0; j < p->entries->len; j++)
        {
          RwPolicyEntry *e = p->entries->pdata[j];
          for (guint k = 0; e->match_prefixes && k < e->match_prefixes->len; k++)
            g_ptr_array_add (matchers, &g_array_index (e->match_prefixes, RwPrefixMatch, k));
        }
    }

  /* Classify. */
  for (guint i = 0; i < res->n_prefixes; i++)
    {
      gpointer found;
      g_string_truncate (key, 0);
      if (!options->group_prefixes)
        g_string_append_printf (key, "#%u|", i);
      append_origin_signature (key, net, origins_of[i]);
      g_string_append_c (key, '|');
      for (guint m = 0; m < matchers->len; m++)
        g_string_append_c (key, rw_prefix_match_accepts (matchers->pdata[m], &res->prefixes[i]) ? '1' : '0');
      found = g_hash_table_lookup (class_of_key, key->str);
      if (found)
        {
          res->prefix_class[i] = GPOINTER_TO_UINT (found) - 1;
          ((RwBgpClass *) res->classes->pdata[res->prefix_class[i]])->n_prefixes++;
          g_ptr_array_unref (origins_of[i]);
        }
      else
        {
          RwBgpClass *cls = g_new0 (RwBgpClass, 1);
          cls->repr = res->prefixes[i];
          cls->n_prefixes = 1;
          res->prefix_class[i] = res->classes->len;
          g_ptr_array_add (res->classes, cls);
          g_ptr_array_add (class_origins, origins_of[i]);
          g_hash_table_insert (class_of_key, g_strdup (key->str), GUINT_TO_POINTER (res->classes->len));
        }
      origins_of[i] = NULL;
    }
  g_free (origins_of);

  for (guint c = 0; c < res->classes->len; c++)
    {
      RwBgpClass *cls = res->classes->pdata[c];
      solve_class (net, topo, cls, class_origins->pdata[c], max_rounds);
      res->iterations = MAX (res->iterations, cls->rounds);
      if (!cls->converged)
        {
          guint idx = (guint) rw_bgp_prefix_index (res, &cls->repr);
          res->converged = FALSE;
          g_array_append_val (res->unstable, idx);
        }
    }
  return res;
}

void
rw_bgp_result_free (RwBgpResult *res)
{
  if (res == NULL)
    return;
  for (guint c = 0; c < res->classes->len; c++)
    {
      RwBgpClass *cls = res->classes->pdata[c];
      for (guint u = 0; cls->ribs && u < res->net->n_nodes; u++)
        g_ptr_array_unref (cls->ribs[u].routes);
      g_free (cls->ribs);
      g_free (cls);
    }
  g_ptr_array_unref (res->classes);
  g_hash_table_unref (res->prefix_lookup);
  g_free (res->prefix_keys);
  g_free (res->prefixes);
  g_free (res->prefix_class);
  g_array_unref (res->unstable);
  g_free (res);
}

gint
rw_bgp_prefix_index (const RwBgpResult *res, const RwPrefix *p)
{
  gint64 k = prefix_key (p);
  gpointer v = g_hash_table_lookup (res->prefix_lookup, &k);
  return v ? GPOINTER_TO_INT (v) - 1 : -1;
}

const RwRib *
rw_bgp_rib (const RwBgpResult *res, guint prefix_index, guint node)
{
  const RwBgpClass *cls = res->classes->pdata[res->prefix_class[prefix_index]];
  return &cls->ribs[node];
}

const RwRoute *
rw_bgp_best (const RwBgpResult *res, guint prefix_index, guint node)
{
  const RwRib *rib = rw_bgp_rib (res, prefix_index, node);
  return rib->best >= 0 ? rib->routes->pdata[rib->best] : NULL;
}

gint
rw_bgp_lookup (const RwBgpResult *res, guint node, const RwPrefix *dst)
{
  for (gint len = dst->len; len >= 0; len--)
    {
      RwPrefix q = { dst->addr & rw_prefix_mask ((guint8) len), (guint8) len };
      gint idx = rw_bgp_prefix_index (res, &q);
      if (idx >= 0 && rw_bgp_best (res, (guint) idx, node) != NULL)
        return idx;
    }
  return -1;
}

/* Is the assignment "node u takes its best route from from[u]" (-1 originated, -2 none) a
 * stable state for prefixes like @repr? Routes are rebuilt along the chosen edges, then every
 * node must pick exactly its assigned route from what its neighbours' choices offer. */
gboolean
rw_bgp_is_stable (const RwNet *net, const RwPrefix *repr, const gint *from, char **why)
{
  guint n = net->n_nodes;
  ClassSolve cs = { net, repr };
  g_autofree RwRoute **chosen = g_new0 (RwRoute *, n);
  g_autofree gboolean *done = g_new0 (gboolean, n);
  g_autofree RwRoute **cands = g_new (RwRoute *, net->n_adjs + 2);
  gboolean ok = TRUE, progress = TRUE;
  GPtrArray *local = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_route_free);

  cs.local = g_new0 (RwRoute *, n);
  for (guint i = 0; i < net->topo->prefixes->len; i++)
    {
      const RwOrigination *o = net->topo->prefixes->pdata[i];
      gint node = rw_net_node (net, o->origin_node);
      if (rw_prefix_equal (&o->prefix, repr) && cs.local[node] == NULL)
        {
          cs.local[node] = originate (net, (guint) node, o);
          g_ptr_array_add (local, cs.local[node]);
        }
    }
  /* rebuild the chosen routes, parents first */
  for (guint u = 0; u < n; u++)
    if (from[u] == -2 || (from[u] == -1 && cs.local[u]))
      {
        chosen[u] = from[u] == -1 ? rw_route_copy (cs.local[u]) : NULL;
        done[u] = TRUE;
      }
  while (progress)
    {
      progress = FALSE;
      for (guint u = 0; u < n; u++)
        {
          gint v = from[u];
          gint a;
          if (done[u] || v < 0 || !done[v])
            continue;
          a = rw_net_find_adj (net, (guint) v, u);
          done[u] = TRUE;
          progress = TRUE;
          if (a < 0 || chosen[v] == NULL)
            continue;
          chosen[u] = import_route (&cs, &net->adjs[net->adjs[a].reverse], export_route (&cs, (guint) v, &net->adjs[a], chosen[v]));
        }
    }
  for (guint u = 0; u < n && ok; u++)
    {
      guint nc = 0;
      gint pick = -1;
      if (!done[u] || (from[u] >= -1 && chosen[u] == NULL))
        {
          ok = FALSE;
          if (why)
            *why = g_strdup_printf ("%s: the assigned route cannot be built", net->nodes[u]->id);
          break;
        }
      if (cs.local[u])
        cands[nc++] = cs.local[u];
      for (guint a = net->adj_first[u]; a < net->adj_first[u + 1]; a++)
        {
          guint v = net->adjs[a].peer;
          RwRoute *in = chosen[v] ? import_route (&cs, &net->adjs[a], export_route (&cs, v, &net->adjs[net->adjs[a].reverse], chosen[v])) : NULL;
          if (in)
            cands[nc++] = in;
        }
      if (nc > 0)
        pick = cands[rw_bgp_decide (net, u, cands, nc, NULL)]->from;
      else
        pick = -2;
      if (pick != from[u])
        {
          ok = FALSE;
          if (why)
            *why = g_strdup_printf ("%s would pick %s instead", net->nodes[u]->id,
                                    pick >= 0 ? net->nodes[pick]->id : pick == -1 ? "its own route" : "nothing");
        }
      for (guint i = cs.local[u] ? 1 : 0; i < nc; i++)
        rw_route_free (cands[i]);
    }
  for (guint u = 0; u < n; u++)
    rw_route_free (chosen[u]);
  g_ptr_array_unref (local);
  g_free (cs.local);
  return ok;
}
