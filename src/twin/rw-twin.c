/* rw-twin.c — twin lifecycle, forks and diffs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-twin.h"

#include <string.h>

static void
twin_clear_solution (RwTwin *twin)
{
  g_clear_pointer (&twin->traffic, rw_traffic_free);
  g_clear_pointer (&twin->bgp, rw_bgp_result_free);
  g_clear_pointer (&twin->net, rw_net_free);
}

/* Solve @twin's topology; @like (a solution of a topology it was changed from, or NULL) lends
 * its prefix table when the originations and prefix matches are the same. */
static void
twin_solve_like (RwTwin *twin, const RwBgpResult *like, const RwTraffic *like_traffic)
{
  twin->net = rw_net_new (twin->topo);
  twin->bgp = rw_bgp_solve_like (twin->net, &twin->options, like);
  twin->traffic = rw_traffic_compute_like (twin->net, twin->bgp, like_traffic, like);
}

void
rw_twin_resolve (RwTwin *twin)
{
  /* The old solution lends its prefix table and its unmoved demands only if nothing it points
   * into has changed: the topology may have been edited in place, so only the table (which
   * holds its own originations) is reused, and the demands are forwarded again. */
  RwBgpResult *old = g_steal_pointer (&twin->bgp);
  RwNet *old_net = g_steal_pointer (&twin->net);
  twin_clear_solution (twin);
  twin_solve_like (twin, old, NULL);
  rw_bgp_result_free (old);
  rw_net_free (old_net);
}

RwTwin *
rw_twin_new_with_options (RwTopology *topo, const RwBgpOptions *options)
{
  RwTwin *twin = g_new0 (RwTwin, 1);
  twin->topo = topo;
  twin->options.group_prefixes = TRUE;
  if (options)
    twin->options = *options;
  rw_twin_resolve (twin);
  return twin;
}

RwTwin *
rw_twin_new (RwTopology *topo)
{
  return rw_twin_new_with_options (topo, NULL);
}

void
rw_twin_free (RwTwin *twin)
{
  if (twin == NULL)
    return;
  twin_clear_solution (twin);
  rw_topology_free (twin->topo);
  g_free (twin);
}

RwTwin *
rw_twin_fork (const RwTwin *twin)
{
  RwTwin *fork = g_new0 (RwTwin, 1);
  fork->topo = rw_topology_copy (twin->topo);
  fork->options = twin->options;
  twin_solve_like (fork, twin->bgp, twin->traffic);
  return fork;
}

static RwTopology *
changed_copy (const RwTopology *topo, const char *const *changes, GError **error)
{
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_change_free);
  for (guint i = 0; changes && changes[i]; i++)
    {
      RwChange *c = rw_change_parse (changes[i], error);
      if (c == NULL)
        return NULL;
      g_ptr_array_add (parsed, c);
    }
  return rw_topology_with_changes (topo, parsed, error);
}

gboolean
rw_twin_apply (RwTwin *twin, const char *const *changes, GError **error)
{
  RwTopology *work = changed_copy (twin->topo, changes, error);
  if (work == NULL)
    return FALSE;
  rw_topology_free (twin->topo);
  twin->topo = work;
  rw_twin_resolve (twin);
  return TRUE;
}

RwTwin *
rw_twin_fork_apply (const RwTwin *twin, const char *const *changes, GError **error)
{
  RwTopology *work = changed_copy (twin->topo, changes, error);
  RwTwin *fork;
  if (work == NULL)
    return NULL;
  fork = g_new0 (RwTwin, 1);
  fork->topo = work;
  fork->options = twin->options;
  twin_solve_like (fork, twin->bgp, twin->traffic);
  return fork;
}

/* ---- diff ---- */

static gboolean
same_path (const RwDemandResult *a, const RwDemandResult *b)
{
  if (a->status != b->status || a->path->len != b->path->len || a->hops->len != b->hops->len)
    return FALSE;
  if (a->path == b->path && a->hops == b->hops) /* a fork shares the arrays of a demand that did not move */
    return TRUE;
  for (guint i = 0; i < a->hops->len; i++)
    if (g_array_index (a->hops, guint, i) != g_array_index (b->hops, guint, i))
      return FALSE;
  for (guint i = 0; i < a->path->len; i++)
    if (g_array_index (a->path, guint, i) != g_array_index (b->path, guint, i))
      return FALSE;
  return TRUE;
}

static gboolean
same_best (const RwRoute *a, const RwRoute *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  /* Compare what the router would show for the route, not where it sits in memory. */
  return a->from == b->from && a->nexthop == b->nexthop && a->local_pref == b->local_pref &&
         a->has_med == b->has_med && a->med == b->med && a->weight == b->weight && a->origin == b->origin &&
         a->ibgp == b->ibgp && a->as_path_len == b->as_path_len && a->n_communities == b->n_communities &&
         a->cluster_len == b->cluster_len && a->has_originator == b->has_originator &&
         a->originator_id == b->originator_id &&
         memcmp (a->as_path, b->as_path, (a->as_path_len + a->n_communities + a->cluster_len) * sizeof (guint32)) == 0;
}

RwDiff *
rw_twin_diff (const RwTwin *before, const RwTwin *after)
{
  RwDiff *d = g_new0 (RwDiff, 1);
  const RwTraffic *tb = before->traffic, *ta = after->traffic;
  const RwNet *nb = before->net, *na = after->net;
  g_autofree gboolean *router_changed = NULL;
  g_autoptr(GHashTable) pairs_done = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, 2 * sizeof (guint));
  gboolean related;

  d->moved_demands = g_ptr_array_new_with_free_func (g_free);
  d->routers_changed = g_ptr_array_new_with_free_func (g_free);
  d->links_touched = g_ptr_array_new_with_free_func (g_free);
  d->new_loops = g_ptr_array_new_with_free_func (g_free);
  d->new_blackholes = g_ptr_array_new_with_free_func (g_free);
  d->sla_added = g_ptr_array_new_with_free_func (g_free);
  d->sla_removed = g_ptr_array_new_with_free_func (g_free);

  /* Demands are matched by id: a what-if may change a demand's size but not its identity. */
  for (guint i = 0; i < ta->demands->len; i++)
    {
      const RwDemandResult *ra = ta->demands->pdata[i];
      gint j = rw_traffic_find_demand (tb, ra->demand->id);
      const RwDemandResult *rb = j >= 0 ? tb->demands->pdata[j] : NULL;
      gboolean moved;
      if (rb == NULL)
        continue;
      /* Paths are compared by node ids so a fork with the same nodes compares equal. */
      moved = !same_path (ra, rb);
      if (moved)
        {
          g_ptr_array_add (d->moved_demands, g_strdup (ra->demand->id));
          d->moved_mbps += MAX (ra->demand->mbps, rb->demand->mbps);
        }
      if (ra->status == RW_DEMAND_LOOP && rb->status != RW_DEMAND_LOOP)
        g_ptr_array_add (d->new_loops, g_strdup (ra->demand->id));
      if (ra->status == RW_DEMAND_BLACKHOLE && rb->status != RW_DEMAND_BLACKHOLE)
        g_ptr_array_add (d->new_blackholes, g_strdup (ra->demand->id));
      if (!ra->sla_ok && rb->sla_ok)
        g_ptr_array_add (d->sla_added, g_strdup (ra->demand->id));
      if (ra->sla_ok && !rb->sla_ok)
        g_ptr_array_add (d->sla_removed, g_strdup (ra->demand->id));
    }
  d->blast_radius = tb->total_mbps > 0 ? MIN (1.0, d->moved_mbps / tb->total_mbps) : 0;

  /* Routers whose best route changed for any prefix. Prefix classes may differ between the
   * two solutions, so compare each (class before, class after) pair once. */
  router_changed = g_new0 (gboolean, na->n_nodes);
  related = rw_bgp_class_pairs (before->bgp, after->bgp, pairs);
  /* the same prefixes, classes split at most: compare corresponding classes */
  for (guint i = 0; i < pairs->len; i++)
    {
      const guint *pair = &g_array_index (pairs, guint, 2 * i);
      const RwBgpClass *cb = before->bgp->classes->pdata[pair[0]], *ca = after->bgp->classes->pdata[pair[1]];
      if (cb->ribs == ca->ribs) /* a class that came out the same holds the same routes */
        continue;
      for (guint u = 0; u < na->n_nodes && u < nb->n_nodes; u++)
        {
          const RwRib *rb = &cb->ribs[u], *ra = &ca->ribs[u];
          if (!same_best (rb->best >= 0 ? rb->routes->pdata[rb->best] : NULL, ra->best >= 0 ? ra->routes->pdata[ra->best] : NULL))
            router_changed[u] = TRUE;
        }
    }
  for (guint p = 0; !related && p < after->bgp->n_prefixes; p++)
    {
      gint pb = rw_bgp_prefix_index (before->bgp, &after->bgp->prefixes[p]);
      gint64 key;
      if (pb < 0)
        {
          for (guint u = 0; u < na->n_nodes; u++)
            if (rw_bgp_best (after->bgp, p, u))
              router_changed[u] = TRUE;
          continue;
        }
      key = ((gint64) rw_bgp_prefix_class (before->bgp, (guint) pb) << 32) | rw_bgp_prefix_class (after->bgp, p);
      if (g_hash_table_contains (pairs_done, &key))
        continue;
      g_hash_table_add (pairs_done, g_memdup2 (&key, sizeof key));
      for (guint u = 0; u < na->n_nodes && u < nb->n_nodes; u++)
        if (!same_best (rw_bgp_best (before->bgp, (guint) pb, u), rw_bgp_best (after->bgp, p, u)))
          router_changed[u] = TRUE;
    }
  for (guint p = 0; !related && p < before->bgp->n_prefixes; p++)
    if (rw_bgp_prefix_index (after->bgp, &before->bgp->prefixes[p]) < 0)
      for (guint u = 0; u < nb->n_nodes && u < na->n_nodes; u++)
        if (rw_bgp_best (before->bgp, p, u))
          router_changed[u] = TRUE;
  for (guint u = 0; u < na->n_nodes; u++)
    if (router_changed[u])
      g_ptr_array_add (d->routers_changed, g_strdup (na->nodes[u]->id));

  for (guint l = 0; l < ta->n_links && l < tb->n_links; l++)
    if (ABS (ta->dirs[2 * l].load_mbps - tb->dirs[2 * l].load_mbps) > 1e-9 ||
        ABS (ta->dirs[2 * l + 1].load_mbps - tb->dirs[2 * l + 1].load_mbps) > 1e-9 ||
        ((RwLink *) after->topo->links->pdata[l])->up != ((RwLink *) before->topo->links->pdata[l])->up)
      g_ptr_array_add (d->links_touched, g_strdup (((RwLink *) after->topo->links->pdata[l])->id));

  d->max_util_before = tb->max_utilisation;
  d->max_util_after = ta->max_utilisation;
  d->max_dir_before = tb->max_dir >= 0 ? rw_traffic_dir_name (nb, (guint) tb->max_dir) : NULL;
  d->max_dir_after = ta->max_dir >= 0 ? rw_traffic_dir_name (na, (guint) ta->max_dir) : NULL;
  d->converged_before = before->bgp->converged;
  d->converged_after = after->bgp->converged;
  d->priced = tb->isp_costs->len > 0 || ta->isp_costs->len > 0;
  d->cost_before = tb->transit_cost;
  d->cost_after = ta->transit_cost;
  return d;
}

void
rw_diff_free (RwDiff *d)
{
  if (d == NULL)
    return;
  g_ptr_array_unref (d->moved_demands);
  g_ptr_array_unref (d->routers_changed);
  g_ptr_array_unref (d->links_touched);
  g_ptr_array_unref (d->new_loops);
  g_ptr_array_unref (d->new_blackholes);
  g_ptr_array_unref (d->sla_added);
  g_ptr_array_unref (d->sla_removed);
  g_free (d->max_dir_before);
  g_free (d->max_dir_after);
  g_free (d);
}
