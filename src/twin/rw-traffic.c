/* rw-traffic.c — forwarding, loads, latency, loss, SLA.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-traffic.h"

#include <math.h>
#include <string.h>

const char *
rw_demand_status_to_string (RwDemandStatus s)
{
  switch (s)
    {
    case RW_DEMAND_OK: return "ok";
    case RW_DEMAND_LOOP: return "loop";
    case RW_DEMAND_BLACKHOLE: return "blackhole";
    default: return "?";
    }
}

double
rw_link_queue_ms (double prop_ms, double rho)
{
  double g;
  if (rho <= 0)
    return 0;
  g = rho >= 1 ? RW_QUEUE_CAP : MIN (rho / (1 - rho), RW_QUEUE_CAP);
  return prop_ms * g;
}

double
rw_link_fluid_loss (double rho)
{
  return rho > 1 ? 1 - 1 / rho : 0;
}

guint
rw_traffic_dir_from (const RwNet *net, guint dir)
{
  return dir % 2 == 0 ? net->link_a[dir / 2] : net->link_b[dir / 2];
}

guint
rw_traffic_dir_to (const RwNet *net, guint dir)
{
  return dir % 2 == 0 ? net->link_b[dir / 2] : net->link_a[dir / 2];
}

char *
rw_traffic_dir_name (const RwNet *net, guint dir)
{
  return g_strdup_printf ("%s→%s", net->nodes[rw_traffic_dir_from (net, dir)]->id,
                          net->nodes[rw_traffic_dir_to (net, dir)]->id);
}

static void
demand_result_clear (RwDemandResult *r)
{
  g_clear_pointer (&r->path, g_array_unref);
  g_clear_pointer (&r->hops, g_array_unref);
  g_clear_pointer (&r->reason, g_free);
}

struct _RwDemandCovers {
  gint ref;
  const RwPrefix *prefixes; /* the prefix array the indices are into (the solution's) */
  guint n;                  /* demands */
  RwPrefix *dst;            /* per demand: its destination */
  guint *first;             /* per demand: its covers are idx[first[d] .. first[d + 1]) */
  gint *idx;
};

static void
covers_unref (RwDemandCovers *c)
{
  if (c == NULL || !g_atomic_int_dec_and_test (&c->ref))
    return;
  g_free (c->dst);
  g_free (c->first);
  g_free (c->idx);
  g_free (c);
}

/* The covers of every demand of @topo in @bgp: @like's when they index the same prefixes and
 * the destinations are the same (a what-if), else looked up, one demand at a time. */
static RwDemandCovers *
covers_for (const RwTopology *topo, const RwBgpResult *bgp, RwDemandCovers *like)
{
  RwDemandCovers *c;
  GArray *idx;
  guint n = topo->demands->len;
  if (like != NULL && like->prefixes == bgp->prefixes && like->n == n)
    {
      guint d = 0;
      while (d < n && rw_prefix_equal (&like->dst[d], &((const RwDemand *) topo->demands->pdata[d])->dst))
        d++;
      if (d == n)
        {
          g_atomic_int_inc (&like->ref);
          return like;
        }
    }
  c = g_new0 (RwDemandCovers, 1);
  c->ref = 1;
  c->prefixes = bgp->prefixes;
  c->n = n;
  c->dst = g_new (RwPrefix, n + 1);
  c->first = g_new (guint, n + 1);
  idx = g_array_sized_new (FALSE, FALSE, sizeof (gint), n + 1);
  for (guint d = 0; d < n; d++)
    {
      gint cover[33];
      c->dst[d] = ((const RwDemand *) topo->demands->pdata[d])->dst;
      c->first[d] = idx->len;
      g_array_append_vals (idx, cover, rw_bgp_covering (bgp, &c->dst[d], cover));
    }
  c->first[n] = idx->len;
  c->idx = (gint *) g_array_free (idx, FALSE);
  return c;
}

struct _RwCoverClasses {
  gint ref;
  guint *cls;                /* per entry of the covers' idx: its class */
};

static void
cover_classes_unref (RwCoverClasses *c)
{
  if (c == NULL || !g_atomic_int_dec_and_test (&c->ref))
    return;
  g_free (c->cls);
  g_free (c);
}

/* The class of every cover in @bgp: @like's when @like read them for the same covers from the
 * same prefix table (a what-if that keeps its network's classes); @like_bgp is @like's solution. */
static RwCoverClasses *
cover_classes_for (const RwDemandCovers *covers, const RwBgpResult *bgp, const RwTraffic *like, const RwBgpResult *like_bgp)
{
  RwCoverClasses *c;
  guint n = covers->first[covers->n];
  if (like != NULL && like->covers == covers && rw_bgp_same_table (like_bgp, bgp))
    {
      g_atomic_int_inc (&like->cover_classes->ref);
      return like->cover_classes;
    }
  c = g_new0 (RwCoverClasses, 1);
  c->ref = 1;
  c->cls = g_new (guint, n + 1);
  for (guint i = 0; i < n; i++)
    c->cls[i] = rw_bgp_prefix_class (bgp, (guint) covers->idx[i]);
  return c;
}

/* Open addressing over demand indices; the ids compared are those of the traffic looked in, so
 * the index holds for every traffic with the same ids in the same order. */
struct _RwDemandIndex {
  gint ref;
  guint mask;
  guint *slot;               /* demand index + 1, 0 = empty */
};

static void
demand_index_unref (RwDemandIndex *x)
{
  if (x == NULL || !g_atomic_int_dec_and_test (&x->ref))
    return;
  g_free (x->slot);
  g_free (x);
}

static RwDemandIndex *
demand_index_new (const GPtrArray *results)
{
  RwDemandIndex *x = g_new0 (RwDemandIndex, 1);
  guint size = 16;
  while (size < 2 * results->len)
    size *= 2;
  x->ref = 1;
  x->mask = size - 1;
  x->slot = g_new0 (guint, size);
  for (guint d = 0; d < results->len; d++)
    {
      const char *id = ((const RwDemandResult *) results->pdata[d])->demand->id;
      guint h = g_str_hash (id) & x->mask;
      while (x->slot[h] != 0 && strcmp (((const RwDemandResult *) results->pdata[x->slot[h] - 1])->demand->id, id) != 0)
        h = (h + 1) & x->mask;
      if (x->slot[h] == 0) /* the first of two demands with one id is found */
        x->slot[h] = d + 1;
    }
  return x;
}

static guint
dir_of (const RwNet *net, gint link, guint from)
{
  return 2 * (guint) link + (net->link_a[link] == from ? 0 : 1);
}

/* Follow the demand hop by hop: each node looks up its own best route among the prefixes that
 * cover the destination (@cover, longest first). @visited (per node, all FALSE) is left so. */
struct _RwFibEntry {
  gint from;                /* the best route's from; -2 = no route, -1 = originated here */
  gint nexthop;
  gint adj;
  gboolean ibgp;
};

/* One pass over every class's RIBs, so forwarding twenty thousand demands reads 16 bytes a hop
 * instead of chasing a route through its class, RIB and route array. */
static RwFibEntry *
fib_new (const RwBgpResult *bgp, guint n_nodes)
{
  RwFibEntry *fib = g_new (RwFibEntry, (gsize) bgp->classes->len * n_nodes + 1);
  for (guint c = 0; c < bgp->classes->len; c++)
    for (guint u = 0; u < n_nodes; u++)
      {
        const RwRib *rib = &((const RwBgpClass *) bgp->classes->pdata[c])->ribs[u];
        const RwRoute *r = rib->best >= 0 ? rib->routes->pdata[rib->best] : NULL;
        RwFibEntry *e = &fib[(gsize) c * n_nodes + u];
        e->from = r ? r->from : -2;
        e->nexthop = r ? r->nexthop : -1;
        e->adj = r ? r->adj : -1;
        e->ibgp = r ? !!r->ibgp : FALSE;
      }
  return fib;
}

static void
forward (const RwNet *net, const RwFibEntry *fib, RwDemandResult *r, const gint *cover, const guint *cover_cls,
         guint n_cover, gboolean *visited)
{
  gint src = rw_net_node (net, r->demand->src);
  guint cur = (guint) src;
  g_autofree char *dst = NULL; /* for the reason, when there is one */

  g_array_append_val (r->path, cur);
  visited[cur] = TRUE;
  for (;;)
    {
      gint idx = -1;
      const RwFibEntry *best = NULL;
      gint next, link;
      guint dir;
      for (guint i = 0; i < n_cover && idx < 0; i++)
        if ((best = &fib[(gsize) cover_cls[i] * net->n_nodes + cur])->from != -2)
          idx = cover[i];
      if (rw_net_is_ours (net, cur))
        r->egress = (gint) cur;
      if (idx < 0)
        {
          r->status = RW_DEMAND_BLACKHOLE;
          dst = rw_prefix_to_string (&r->demand->dst);
          r->reason = g_strdup_printf ("%s has no route to %s", net->nodes[cur]->id, dst);
          break;
        }
      if (r->prefix < 0)
        r->prefix = idx;
      if (best->from < 0)
        {
          r->status = RW_DEMAND_OK; /* delivered to the originator */
          break;
        }
      if (!best->ibgp)
        {
          next = best->from;
          /* the session the route came in on knows its link (the up link of lowest cost) */
          if (best->adj >= 0 && net->adjs[best->adj].node == cur && net->adjs[best->adj].peer == (guint) next)
            link = net->adjs[best->adj].link;
          else
            link = rw_net_direct_link (net, cur, (guint) next);
        }
      else
        {
          next = net->igp_next[cur * net->n_nodes + (guint) best->nexthop];
          link = net->igp_link[cur * net->n_nodes + (guint) best->nexthop];
        }
      if (next < 0 || link < 0)
        {
          r->status = RW_DEMAND_BLACKHOLE;
          dst = rw_prefix_to_string (&r->demand->dst);
          r->reason = g_strdup_printf ("%s cannot reach the next hop %s for %s", net->nodes[cur]->id,
                                       net->nodes[best->nexthop]->id, dst);
          break;
        }
      dir = dir_of (net, link, cur);
      g_array_append_val (r->hops, dir);
      cur = (guint) next;
      g_array_append_val (r->path, cur);
      if (visited[cur])
        {
          r->status = RW_DEMAND_LOOP;
          dst = rw_prefix_to_string (&r->demand->dst);
          r->reason = g_strdup_printf ("forwarding loop for %s: %s is visited twice", dst, net->nodes[cur]->id);
          break;
        }
      visited[cur] = TRUE;
    }
  for (guint i = 0; i < r->path->len; i++)
    visited[g_array_index (r->path, guint, i)] = FALSE;
}

static gboolean
same_array (const GArray *a, const GArray *b)
{
  /* an empty GArray may have no data at all */
  return a == b || (a->len == b->len && (a->len == 0 || memcmp (a->data, b->data, a->len * sizeof (guint)) == 0));
}

/* Demands that go the same way share one path and one hop list: the demands of one source
 * towards the prefixes of one class all take the same way, so a solve keeps a few thousand
 * ways for tens of thousands of demands, and a what-if allocates only the ways that are new. */
typedef struct {
  GArray *path, *hops;      /* borrowed from the results that hold them */
} Way;

static guint
way_hash (gconstpointer p)
{
  const Way *w = p;
  guint h = w->path->len;
  for (guint i = 0; i < w->hops->len; i++)
    h = h * 31u + g_array_index (w->hops, guint, i);
  for (guint i = 0; i < w->path->len; i++)
    h = h * 131u + g_array_index (w->path, guint, i);
  return h;
}

static gboolean
way_equal (gconstpointer a, gconstpointer b)
{
  const Way *x = a, *y = b;
  return same_array (x->path, y->path) && same_array (x->hops, y->hops);
}

static GArray *
array_dup (const GArray *a)
{
  return g_array_append_vals (g_array_sized_new (FALSE, FALSE, sizeof (guint), a->len), a->data, a->len);
}

/* Sets @r's path and hops to the way in @path_s and @hops_s: a way another demand already
 * takes, else the previous result's arrays when it went this way, else copies. */
static void
keep_way (GHashTable *ways, RwDemandResult *r, const RwDemandResult *prev, GArray *path_s, GArray *hops_s)
{
  Way key = { path_s, hops_s }, *found = g_hash_table_lookup (ways, &key);
  if (found != NULL)
    {
      r->path = g_array_ref (found->path);
      r->hops = g_array_ref (found->hops);
      return;
    }
  found = g_new (Way, 1);
  if (prev != NULL && same_array (prev->path, path_s) && same_array (prev->hops, hops_s))
    *found = (Way) { g_array_ref (prev->path), g_array_ref (prev->hops) };
  else
    *found = (Way) { array_dup (path_s), array_dup (hops_s) };
  r->path = found->path;
  r->hops = found->hops;
  g_hash_table_add (ways, found);
}

/* Whether packets leave every node the same way towards every next hop: the same nodes, links
 * up and IGP first hops. */
static gboolean
same_forwarding_plane (const RwNet *a, const RwNet *b)
{
  guint n = a->n_nodes, nl = a->topo->links->len;
  if (n != b->n_nodes || nl != b->topo->links->len)
    return FALSE;
  for (guint u = 0; u < n; u++)
    if (g_strcmp0 (a->nodes[u]->id, b->nodes[u]->id) != 0 || a->nodes[u]->kind != b->nodes[u]->kind)
      return FALSE;
  for (guint l = 0; l < nl; l++)
    {
      const RwLink *la = a->topo->links->pdata[l], *lb = b->topo->links->pdata[l];
      if (a->link_a[l] != b->link_a[l] || a->link_b[l] != b->link_b[l] || !la->up != !lb->up || la->igp_cost != lb->igp_cost)
        return FALSE;
    }
  return memcmp (a->igp_next, b->igp_next, (gsize) n * n * sizeof (gint)) == 0 &&
         memcmp (a->igp_link, b->igp_link, (gsize) n * n * sizeof (gint)) == 0;
}

/* Per class of @bgp: whether a packet can be forwarded differently than under @like_bgp (some
 * node's best route has another origin, next hop or kind, or appeared or vanished). NULL when
 * the two tables are unrelated. */
static gboolean *
classes_moved (const RwBgpResult *like_bgp, const RwFibEntry *like_fib, const RwBgpResult *bgp, const RwFibEntry *fib,
               guint n_nodes)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, 2 * sizeof (guint));
  gboolean *moved;
  if (!rw_bgp_class_pairs (like_bgp, bgp, pairs))
    return NULL;
  moved = g_new0 (gboolean, bgp->classes->len + 1);
  for (guint i = 0; i < pairs->len; i++)
    {
      const guint *pair = &g_array_index (pairs, guint, 2 * i);
      const RwFibEntry *b = &like_fib[(gsize) pair[0] * n_nodes], *a = &fib[(gsize) pair[1] * n_nodes];
      for (guint u = 0; u < n_nodes && !moved[pair[1]]; u++)
        if (a[u].from != b[u].from || a[u].nexthop != b[u].nexthop || a[u].ibgp != b[u].ibgp)
          moved[pair[1]] = TRUE;
    }
  return moved;
}

/* Each priced link bills its ISP for what it carries both ways; a link that is down carries
 * nothing and bills its commit. */
static void
transit_costs (RwTraffic *t)
{
  const RwNet *net = t->net;
  t->isp_costs = g_array_new (FALSE, TRUE, sizeof (RwIspCost));
  for (guint isp = 0; isp < net->n_nodes; isp++)
    {
      RwIspCost ic = { .isp = isp };
      gboolean priced = FALSE;
      if (rw_net_is_ours (net, isp))
        continue;
      for (guint l = 0; l < t->n_links; l++)
        {
          const RwLink *link = net->topo->links->pdata[l];
          double gb, usage;
          if (!link->has_cost || (net->link_a[l] != isp && net->link_b[l] != isp))
            continue;
          priced = TRUE;
          gb = (t->dirs[2 * l].load_mbps + t->dirs[2 * l + 1].load_mbps) * RW_GB_PER_MBPS_MONTH;
          usage = gb * link->cost_per_gb;
          ic.gb += gb;
          ic.usage += usage;
          ic.cost += MAX (usage, link->monthly_commit);
        }
      if (!priced)
        continue;
      g_array_append_val (t->isp_costs, ic);
      t->transit_cost += ic.cost;
    }
}

const RwIspCost *
rw_traffic_isp_cost (const RwTraffic *t, guint isp)
{
  for (guint i = 0; i < t->isp_costs->len; i++)
    if (g_array_index (t->isp_costs, RwIspCost, i).isp == isp)
      return &g_array_index (t->isp_costs, RwIspCost, i);
  return NULL;
}

RwTraffic *
rw_traffic_compute (const RwNet *net, const RwBgpResult *bgp)
{
  return rw_traffic_compute_like (net, bgp, NULL, NULL);
}

RwTraffic *
rw_traffic_compute_like (const RwNet *net, const RwBgpResult *bgp, const RwTraffic *like, const RwBgpResult *like_bgp)
{
  const RwTopology *topo = net->topo;
  RwTraffic *t = g_new0 (RwTraffic, 1);
  g_autofree gboolean *moved = NULL;
  g_autofree gboolean *visited = NULL;
  g_autoptr(GArray) path_s = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) hops_s = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) ways = g_hash_table_new_full (way_hash, way_equal, g_free, NULL);
  gboolean same_ids = like != NULL;

  t->net = net;
  t->n_links = topo->links->len;
  t->dirs = g_new0 (RwLinkDir, 2 * t->n_links + 1);
  t->results = g_new0 (RwDemandResult, topo->demands->len + 1);
  t->demands = g_ptr_array_sized_new (topo->demands->len);
  t->demand_source = g_ptr_array_ref (topo->demands);
  t->max_dir = -1;
  t->fib = fib_new (bgp, net->n_nodes);

  /* Re-forward only the demands whose packets can go another way: a what-if that changes a
   * policy moves the demands of the classes whose best routes moved, and no others. */
  if (like != NULL && like_bgp != NULL && like->demands->len == topo->demands->len && same_forwarding_plane (like->net, net))
    moved = classes_moved (like_bgp, like->fib, bgp, t->fib, net->n_nodes);

  visited = g_new0 (gboolean, net->n_nodes + 1);
  t->covers = covers_for (topo, bgp, like ? like->covers : NULL);
  t->cover_classes = cover_classes_for (t->covers, bgp, like, like_bgp);
  for (guint i = 0; i < topo->demands->len; i++)
    {
      RwDemandResult *r = &t->results[i];
      const RwDemandResult *old = moved ? like->demands->pdata[i] : NULL;
      const RwDemandResult *prev = like != NULL && i < like->demands->len ? like->demands->pdata[i] : NULL;
      const gint *cover = t->covers->idx + t->covers->first[i];
      const guint *cover_cls = t->cover_classes->cls + t->covers->first[i];
      guint n_cover = t->covers->first[i + 1] - t->covers->first[i];
      r->demand = topo->demands->pdata[i];
      r->prefix = -1;
      r->egress = -1;
      same_ids = same_ids && prev != NULL && strcmp (prev->demand->id, r->demand->id) == 0;
      if (old != NULL && same_ids && g_strcmp0 (old->demand->src, r->demand->src) == 0 &&
          rw_prefix_equal (&old->demand->dst, &r->demand->dst))
        {
          for (guint c = 0; c < n_cover && old != NULL; c++)
            if (moved[cover_cls[c]])
              old = NULL;
        }
      else
        old = NULL;
      if (old != NULL)
        {
          /* the same way as before: share the path (read-only once computed) */
          r->path = g_array_ref (old->path);
          r->hops = g_array_ref (old->hops);
          r->status = old->status;
          r->prefix = old->prefix;
          r->egress = old->egress;
          r->reason = g_strdup (old->reason);
        }
      else
        {
          /* forward into scratch arrays, then keep the previous arrays where the way is the same
           * (most demands of a class whose routes moved still go the same way) */
          g_array_set_size (path_s, 0);
          g_array_set_size (hops_s, 0);
          r->path = path_s;
          r->hops = hops_s;
          forward (net, t->fib, r, cover, cover_cls, n_cover, visited);
          keep_way (ways, r, prev, path_s, hops_s);
        }
      /* Offered load: every hop the traffic reaches carries it, including the hops before a
       * blackhole or around a loop (once). */
      for (guint h = 0; h < r->hops->len; h++)
        t->dirs[g_array_index (r->hops, guint, h)].load_mbps += r->demand->mbps;
      t->total_mbps += r->demand->mbps;
      g_ptr_array_add (t->demands, r);
    }
  /* the ids as before, in the same order: their index holds as it is */
  if (like != NULL && same_ids && like->demands->len == t->demands->len)
    {
      g_atomic_int_inc (&like->demand_index->ref);
      t->demand_index = like->demand_index;
    }
  else
    t->demand_index = demand_index_new (t->demands);

  for (guint d = 0; d < 2 * t->n_links; d++)
    {
      RwLink *l = topo->links->pdata[d / 2];
      RwLinkDir *ld = &t->dirs[d];
      double base = l->loss_pct / 100.0;
      ld->utilisation = ld->load_mbps / l->capacity_mbps;
      ld->latency_ms = l->latency_ms + rw_link_queue_ms (l->latency_ms, ld->utilisation);
      ld->loss_pct = 100.0 * (1 - (1 - base) * (1 - rw_link_fluid_loss (ld->utilisation)));
      if (l->up && (t->max_dir < 0 || ld->utilisation > t->max_utilisation))
        {
          t->max_utilisation = ld->utilisation;
          t->max_dir = (gint) d;
        }
    }

  for (guint i = 0; i < t->demands->len; i++)
    {
      RwDemandResult *r = t->demands->pdata[i];
      RwSlaClass *sla = rw_topology_find_sla_class (topo, r->demand->sla_class);
      if (r->status != RW_DEMAND_OK)
        {
          r->latency_ms = NAN;
          r->loss_pct = NAN;
          r->sla_ok = FALSE;
          if (r->status == RW_DEMAND_LOOP)
            t->n_loops++;
          else
            t->n_blackholes++;
          t->n_sla_violations++;
          continue;
        }
      {
        double lat = 0, keep = 1;
        for (guint h = 0; h < r->hops->len; h++)
          {
            const RwLinkDir *ld = &t->dirs[g_array_index (r->hops, guint, h)];
            lat += ld->latency_ms;
            keep *= 1 - ld->loss_pct / 100.0;
          }
        r->latency_ms = lat;
        r->loss_pct = 100.0 * (1 - keep);
        r->sla_ok = sla == NULL || (lat <= sla->latency_ms && r->loss_pct <= sla->loss_pct);
        t->n_ok++;
        if (!r->sla_ok)
          t->n_sla_violations++;
      }
    }
  transit_costs (t);
  return t;
}

void
rw_traffic_free (RwTraffic *t)
{
  if (t == NULL)
    return;
  g_free (t->dirs);
  for (guint i = 0; i < t->demands->len; i++)
    demand_result_clear (&t->results[i]);
  g_free (t->results);
  g_ptr_array_unref (t->demands);
  demand_index_unref (t->demand_index);
  cover_classes_unref (t->cover_classes);
  g_free (t->fib);
  g_clear_pointer (&t->isp_costs, g_array_unref);
  covers_unref (t->covers);
  g_ptr_array_unref (t->demand_source);
  g_free (t);
}

gint
rw_traffic_find_demand (const RwTraffic *t, const char *id)
{
  const RwDemandIndex *x = t->demand_index;
  guint h;
  if (id == NULL)
    return -1;
  for (h = g_str_hash (id) & x->mask; x->slot[h] != 0; h = (h + 1) & x->mask)
    if (strcmp (((const RwDemandResult *) t->demands->pdata[x->slot[h] - 1])->demand->id, id) == 0)
      return (gint) x->slot[h] - 1;
  return -1;
}
