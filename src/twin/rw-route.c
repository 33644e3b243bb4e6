/* rw-route.c — routes and route-maps.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-route.h"

#include <string.h>

RwRoute *
rw_route_new (void)
{
  RwRoute *r = g_new0 (RwRoute, 1);
  r->from = -1;
  r->adj = -1;
  r->nexthop = -1;
  r->local_pref = RW_DEFAULT_LOCAL_PREF;
  rw_route_set_lists (r, NULL, 0, NULL, 0, NULL, 0);
  return r;
}

/* The three lists live in one block: as_path | communities | cluster_list. */
void
rw_route_set_lists (RwRoute *r, const guint32 *as_path, guint as_len, const guint32 *comm, guint n_comm,
                    const guint32 *cl, guint cl_len)
{
  guint32 *block = g_new (guint32, as_len + n_comm + cl_len + 1);
  if (as_len)
    memcpy (block, as_path, as_len * sizeof (guint32));
  if (n_comm)
    memcpy (block + as_len, comm, n_comm * sizeof (guint32));
  if (cl_len)
    memcpy (block + as_len + n_comm, cl, cl_len * sizeof (guint32));
  g_free (r->as_path);
  r->as_path = block;
  r->communities = block + as_len;
  r->cluster_list = block + as_len + n_comm;
  r->as_path_len = as_len;
  r->n_communities = n_comm;
  r->cluster_len = cl_len;
}

RwRoute *
rw_route_copy (const RwRoute *r)
{
  RwRoute *c = g_memdup2 (r, sizeof *r);
  c->as_path = NULL;
  rw_route_set_lists (c, r->as_path, r->as_path_len, r->communities, r->n_communities, r->cluster_list, r->cluster_len);
  return c;
}

void
rw_route_free (RwRoute *r)
{
  if (r == NULL)
    return;
  g_free (r->as_path);
  g_free (r);
}

gboolean
rw_route_equal (const RwRoute *a, const RwRoute *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return a->from == b->from && a->adj == b->adj && a->nexthop == b->nexthop && a->local_pref == b->local_pref &&
         a->has_med == b->has_med && (!a->has_med || a->med == b->med) && a->weight == b->weight &&
         a->origin == b->origin && a->ibgp == b->ibgp && a->has_originator == b->has_originator &&
         a->originator_id == b->originator_id && a->as_path_len == b->as_path_len &&
         a->n_communities == b->n_communities && a->cluster_len == b->cluster_len &&
         memcmp (a->as_path, b->as_path, (a->as_path_len + a->n_communities + a->cluster_len) * sizeof (guint32)) == 0;
}

static inline guint64
mix (guint64 h, guint64 v)
{
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

guint64
rw_route_hash (const RwRoute *r)
{
  guint64 h = 0x12345;
  guint total;
  if (r == NULL)
    return 0;
  h = mix (h, (guint64) (r->from + 1));
  h = mix (h, (guint64) (r->nexthop + 1));
  h = mix (h, r->local_pref);
  h = mix (h, r->has_med ? r->med + 1ull : 0);
  h = mix (h, (guint64) (guint32) r->weight);
  h = mix (h, r->origin | (r->ibgp << 4) | (r->has_originator << 5));
  h = mix (h, r->originator_id);
  h = mix (h, ((guint64) r->as_path_len << 40) | ((guint64) r->n_communities << 20) | r->cluster_len);
  total = r->as_path_len + r->n_communities + r->cluster_len;
  for (guint i = 0; i < total; i++)
    h = mix (h, r->as_path[i]);
  return h ? h : 1;
}

void
rw_route_prepend (RwRoute *r, guint32 asn, guint count)
{
  g_autofree guint32 *path = NULL;
  if (count == 0)
    return;
  path = g_new (guint32, r->as_path_len + count);
  for (guint i = 0; i < count; i++)
    path[i] = asn;
  memcpy (path + count, r->as_path, r->as_path_len * sizeof (guint32));
  rw_route_set_lists (r, path, r->as_path_len + count, r->communities, r->n_communities, r->cluster_list, r->cluster_len);
}

gboolean
rw_route_has_community (const RwRoute *r, guint32 c)
{
  for (guint i = 0; i < r->n_communities; i++)
    if (r->communities[i] == c)
      return TRUE;
  return FALSE;
}

void
rw_route_add_community (RwRoute *r, guint32 c)
{
  g_autofree guint32 *comm = NULL;
  guint pos = 0, n = r->n_communities;
  if (rw_route_has_community (r, c))
    return;
  comm = g_new (guint32, n + 1);
  while (pos < n && r->communities[pos] < c)
    pos++;
  memcpy (comm, r->communities, pos * sizeof (guint32));
  comm[pos] = c;
  memcpy (comm + pos + 1, r->communities + pos, (n - pos) * sizeof (guint32));
  rw_route_set_lists (r, r->as_path, r->as_path_len, comm, n + 1, r->cluster_list, r->cluster_len);
}

void
rw_route_remove_community (RwRoute *r, guint32 c)
{
  g_autofree guint32 *comm = NULL;
  guint k = 0;
  if (!rw_route_has_community (r, c))
    return;
  comm = g_new (guint32, r->n_communities);
  for (guint i = 0; i < r->n_communities; i++)
    if (r->communities[i] != c)
      comm[k++] = r->communities[i];
  rw_route_set_lists (r, r->as_path, r->as_path_len, comm, k, r->cluster_list, r->cluster_len);
}

gboolean
rw_route_path_contains (const RwRoute *r, guint32 asn)
{
  for (guint i = 0; i < r->as_path_len; i++)
    if (r->as_path[i] == asn)
      return TRUE;
  return FALSE;
}

guint32
rw_route_neighbor_as (const RwRoute *r)
{
  return r->as_path_len ? r->as_path[0] : 0;
}

gboolean
rw_prefix_match_accepts (const RwPrefixMatch *m, const RwPrefix *p)
{
  return rw_prefix_contains (&m->prefix, p) && p->len >= m->ge && p->len <= m->le;
}

gboolean
rw_policy_entry_prefix_matches (const RwPolicyEntry *e, const RwPrefix *prefix)
{
  if (e->match_prefixes == NULL)
    return TRUE;
  /* a prefix-list: the first line that accepts the prefix decides; none = no match */
  for (guint i = 0; i < e->match_prefixes->len; i++)
    {
      const RwPrefixMatch *m = &g_array_index (e->match_prefixes, RwPrefixMatch, i);
      if (rw_prefix_match_accepts (m, prefix))
        return !m->deny;
    }
  return FALSE;
}

gboolean
rw_policy_entry_matches (const RwPolicyEntry *e, const RwPrefix *prefix, const RwRoute *r)
{
  if (!rw_policy_entry_prefix_matches (e, prefix))
    return FALSE;
  if (e->has_match_community && !rw_route_has_community (r, e->match_community))
    return FALSE;
  if (e->has_match_neighbor_as && rw_route_neighbor_as (r) != e->match_neighbor_as)
    return FALSE;
  if (e->has_match_as_path_contains && !rw_route_path_contains (r, e->match_as_path_contains))
    return FALSE;
  return TRUE;
}

static void
apply_sets (const RwPolicyEntry *e, RwRoute *r, RwPolicyDirection dir, guint32 import_peer_as, guint *prepend)
{
  if (e->has_set_local_pref)
    r->local_pref = e->set_local_pref;
  if (e->has_set_med)
    {
      r->has_med = TRUE;
      r->med = e->set_med;
    }
  if (e->has_set_weight)
    r->weight = e->set_weight;
  for (guint i = 0; i < e->community_remove->len; i++)
    rw_route_remove_community (r, g_array_index (e->community_remove, guint32, i));
  for (guint i = 0; i < e->community_add->len; i++)
    rw_route_add_community (r, g_array_index (e->community_add, guint32, i));
  if (e->set_prepend)
    {
      if (dir == RW_POLICY_EXPORT)
        *prepend += e->set_prepend;
      else /* inbound prepend repeats the neighbour's AS, like FRR's "prepend last-as" */
        rw_route_prepend (r, r->as_path_len ? r->as_path[0] : import_peer_as, e->set_prepend);
    }
}

gboolean
rw_policy_apply (const RwPolicy *policy, const RwPrefix *prefix, RwRoute *r, RwPolicyDirection dir,
                 guint32 import_peer_as, guint *prepend)
{
  guint dummy = 0;
  gboolean continued = FALSE;
  if (prepend == NULL)
    prepend = &dummy;
  if (policy == NULL)
    return TRUE;
  for (guint i = 0; i < policy->entries->len; i++)
    {
      const RwPolicyEntry *e = policy->entries->pdata[i];
      if (!rw_policy_entry_matches (e, prefix, r))
        continue;
      if (!e->permit)
        return FALSE;
      apply_sets (e, r, dir, import_peer_as, prepend);
      if (!e->cont)
        return TRUE;
      continued = TRUE;
    }
  /* As FRR 8.4: a permit with on-match next that no later entry overrules permits the route. */
  return continued;
}
