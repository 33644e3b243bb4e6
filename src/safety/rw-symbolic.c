/* rw-symbolic.c — the Z3 encoding of a twin (see rw-symbolic.h).
 * It mirrors rw-bgp.c rule by rule; the agreement test holds the two together.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-symbolic.h"

#include <string.h>

#define Z (sym->z)

static gint
u32_index (GArray *arr, guint32 v)
{
  for (guint i = 0; i < arr->len; i++)
    if (g_array_index (arr, guint32, i) == v)
      return (gint) i;
  return -1;
}

static void
u32_add (GArray *arr, guint32 v)
{
  if (u32_index (arr, v) < 0)
    g_array_append_val (arr, v);
}

static void
add_constraint (RwSym *sym, Z3_ast c)
{
  g_ptr_array_add (sym->constraints, c);
  g_array_append_val (sym->constraint_slot, sym->cur_slot);
}

static RwSymRoute *
route_alloc (RwSym *sym)
{
  RwSymRoute *r = g_new0 (RwSymRoute, 1);
  r->inpath = g_new0 (Z3_ast, sym->asns->len + 1);
  r->comm = g_new0 (Z3_ast, sym->comms->len + 1);
  r->incl = g_new0 (Z3_ast, sym->n_nodes + 1);
  return r;
}

static void
route_free (RwSymRoute *r)
{
  if (r == NULL)
    return;
  g_free (r->inpath);
  g_free (r->comm);
  g_free (r->incl);
  g_free (r);
}

static RwSymRoute *
route_copy (RwSym *sym, const RwSymRoute *s)
{
  RwSymRoute *r = route_alloc (sym);
  Z3_ast *inpath = r->inpath, *comm = r->comm, *incl = r->incl;
  *r = *s;
  r->inpath = inpath;
  r->comm = comm;
  r->incl = incl;
  memcpy (r->inpath, s->inpath, sym->asns->len * sizeof (Z3_ast));
  memcpy (r->comm, s->comm, sym->comms->len * sizeof (Z3_ast));
  memcpy (r->incl, s->incl, sym->n_nodes * sizeof (Z3_ast));
  return r;
}

static RwSymRoute *
route_fresh (RwSym *sym, guint slot, guint node)
{
  RwSymRoute *r = route_alloc (sym);
  const char *id = sym->twin->net->nodes[node]->id;
  r->valid = zvar_bool (Z, "best.c%u.%s.valid", slot, id);
  r->weight = zvar_int (Z, "best.c%u.%s.weight", slot, id);
  r->lp = zvar_int (Z, "best.c%u.%s.lp", slot, id);
  r->aslen = zvar_int (Z, "best.c%u.%s.aslen", slot, id);
  r->origin = zvar_int (Z, "best.c%u.%s.origin", slot, id);
  r->med = zvar_int (Z, "best.c%u.%s.med", slot, id);
  r->nbr_as = zvar_int (Z, "best.c%u.%s.nbr_as", slot, id);
  r->originator = zvar_int (Z, "best.c%u.%s.originator", slot, id);
  r->clen = zvar_int (Z, "best.c%u.%s.clen", slot, id);
  r->nexthop = zvar_int (Z, "best.c%u.%s.nexthop", slot, id);
  r->from = zvar_int (Z, "best.c%u.%s.from", slot, id);
  r->ibgp = zvar_bool (Z, "best.c%u.%s.ibgp", slot, id);
  r->from_client = zvar_bool (Z, "best.c%u.%s.from_client", slot, id);
  r->igp = zvar_int (Z, "best.c%u.%s.igp", slot, id);
  for (guint i = 0; i < sym->asns->len; i++)
    r->inpath[i] = zvar_bool (Z, "best.c%u.%s.path%u", slot, id, g_array_index (sym->asns, guint32, i));
  for (guint i = 0; i < sym->comms->len; i++)
    r->comm[i] = zvar_bool (Z, "best.c%u.%s.comm%u", slot, id, i);
  for (guint i = 0; i < sym->n_nodes; i++)
    r->incl[i] = sym->twin->net->cluster_id[i] ? zvar_bool (Z, "best.c%u.%s.cl.%s", slot, id, sym->twin->net->nodes[i]->id)
                                               : zbool (Z, FALSE);
  return r;
}

/* ---- IGP ---- */

static Z3_ast
dist (RwSym *sym, guint u, guint t)
{
  return sym->dist[u * sym->n_nodes + t];
}

/* Distance from u to a symbolic node. */
static Z3_ast
dist_to (RwSym *sym, guint u, Z3_ast t)
{
  Z3_ast e = zint (Z, RW_SYM_INF);
  const RwNet *net = sym->twin->net;
  for (gint w = (gint) sym->n_nodes - 1; w >= 0; w--)
    if (net->nodes[w]->asn == net->nodes[u]->asn)
      e = zite (Z, zeq (Z, t, zint (Z, w)), dist (sym, u, (guint) w), e);
  return e;
}

static void
encode_igp (RwSym *sym)
{
  const RwNet *net = sym->twin->net;
  guint n = sym->n_nodes;
  Z3_ast inf = zint (Z, RW_SYM_INF);

  sym->dist = g_new0 (Z3_ast, (gsize) n * n);
  sym->igp_next = g_new0 (Z3_ast, (gsize) n * n);
  for (guint u = 0; u < n; u++)
    for (guint t = 0; t < n; t++)
      {
        if (u == t)
          sym->dist[u * n + t] = zint (Z, 0);
        else if (net->nodes[u]->asn != net->nodes[t]->asn)
          sym->dist[u * n + t] = inf;
        else
          sym->dist[u * n + t] = zvar_int (Z, "dist.%s.%s", net->nodes[u]->id, net->nodes[t]->id);
      }
  /* d(u,t) = min over up links (u,w) in the AS of cost + d(w,t); INF when nothing is finite. */
  for (guint u = 0; u < n; u++)
    for (guint t = 0; t < n; t++)
      {
        Z3_ast best = inf;
        if (u == t || net->nodes[u]->asn != net->nodes[t]->asn)
          continue;
        for (guint l = 0; l < sym->n_links; l++)
          {
            RwLink *link = net->topo->links->pdata[l];
            guint w;
            Z3_ast opt;
            if (net->link_a[l] == u)
              w = net->link_b[l];
            else if (net->link_b[l] == u)
              w = net->link_a[l];
            else
              continue;
            if (net->nodes[w]->asn != net->nodes[u]->asn)
              continue;
            opt = zite (Z, zand2 (Z, sym->link_up[l], zlt (Z, dist (sym, w, t), inf)),
                        zadd (Z, zint (Z, link->igp_cost), dist (sym, w, t)), inf);
            best = zmin (Z, best, opt);
          }
        add_constraint (sym, zeq (Z, dist (sym, u, t), best));
      }
  /* First hop: the lowest-numbered neighbour on a shortest path (rw-net.c breaks ties so). */
  for (guint u = 0; u < n; u++)
    for (guint t = 0; t < n; t++)
      {
        Z3_ast e = zint (Z, -1);
        if (u == t || net->nodes[u]->asn != net->nodes[t]->asn)
          {
            sym->igp_next[u * n + t] = e;
            continue;
          }
        for (gint w = (gint) n - 1; w >= 0; w--)
          {
            g_autoptr(GPtrArray) ok = g_ptr_array_new ();
            for (guint l = 0; l < sym->n_links; l++)
              {
                RwLink *link = net->topo->links->pdata[l];
                if (!((net->link_a[l] == u && net->link_b[l] == (guint) w) || (net->link_b[l] == u && net->link_a[l] == (guint) w)))
                  continue;
                if (net->nodes[w]->asn != net->nodes[u]->asn)
                  continue;
                g_ptr_array_add (ok, zand2 (Z, sym->link_up[l],
                                            zand2 (Z, zlt (Z, dist (sym, u, t), inf),
                                                   zeq (Z, dist (sym, u, t), zadd (Z, zint (Z, link->igp_cost), dist (sym, (guint) w, t))))));
              }
            if (ok->len)
              e = zite (Z, zorv (Z, ok), zint (Z, w), e);
          }
        sym->igp_next[u * n + t] = zvar_int (Z, "igpnext.%s.%s", net->nodes[u]->id, net->nodes[t]->id);
        add_constraint (sym, zeq (Z, sym->igp_next[u * n + t], e));
      }
}

/* The up link between u and w that carries traffic: lowest IGP cost, then file order. */
static Z3_ast
link_picked (RwSym *sym, guint u, guint w, guint l)
{
  const RwNet *net = sym->twin->net;
  RwLink *link = net->topo->links->pdata[l];
  Z3_ast e = sym->link_up[l];
  for (guint o = 0; o < sym->n_links; o++)
    {
      RwLink *other = net->topo->links->pdata[o];
      if (o == l || !((net->link_a[o] == u && net->link_b[o] == w) || (net->link_b[o] == u && net->link_a[o] == w)))
        continue;
      if (other->igp_cost < link->igp_cost || (other->igp_cost == link->igp_cost && o < l))
        e = zand2 (Z, e, znot (Z, sym->link_up[o]));
    }
  return e;
}

/* ---- route-maps ---- */

static Z3_ast
sym_policy (RwSym *sym, const RwPolicy *policy, const RwPrefix *prefix, RwSymRoute *r, RwPolicyDirection dir,
            guint32 peer_as, Z3_ast *prepend)
{
  Z3_ast done = zbool (Z, FALSE), permit = zbool (Z, FALSE), continued = zbool (Z, FALSE);
  if (policy == NULL)
    return zbool (Z, TRUE);
  for (guint i = 0; i < policy->entries->len; i++)
    {
      const RwPolicyEntry *e = policy->entries->pdata[i];
      gboolean pfx_ok = rw_policy_entry_prefix_matches (e, prefix);
      Z3_ast m, app;
      m = zbool (Z, pfx_ok);
      if (e->has_match_community)
        {
          gint ci = u32_index (sym->comms, e->match_community);
          m = zand2 (Z, m, ci >= 0 ? r->comm[ci] : zbool (Z, FALSE));
        }
      if (e->has_match_neighbor_as)
        m = zand2 (Z, m, zeq (Z, r->nbr_as, zint (Z, e->match_neighbor_as)));
      if (e->has_match_as_path_contains)
        {
          gint ai = u32_index (sym->asns, e->match_as_path_contains);
          m = zand2 (Z, m, ai >= 0 ? r->inpath[ai] : zbool (Z, FALSE));
        }
      app = zand2 (Z, znot (Z, done), m);
      if (!e->permit)
        {
          done = zor2 (Z, done, app);
          continue;
        }
      if (e->has_set_local_pref)
        r->lp = zite (Z, app, zint (Z, e->set_local_pref), r->lp);
      if (e->has_set_med)
        r->med = zite (Z, app, zint (Z, e->set_med), r->med);
      if (e->has_set_weight)
        r->weight = zite (Z, app, zint (Z, e->set_weight), r->weight);
      for (guint k = 0; k < e->community_remove->len; k++)
        {
          gint ci = u32_index (sym->comms, g_array_index (e->community_remove, guint32, k));
          if (ci >= 0)
            r->comm[ci] = zite (Z, app, zbool (Z, FALSE), r->comm[ci]);
        }
      for (guint k = 0; k < e->community_add->len; k++)
        {
          gint ci = u32_index (sym->comms, g_array_index (e->community_add, guint32, k));
          r->comm[ci] = zor2 (Z, app, r->comm[ci]);
        }
      if (e->set_prepend)
        {
          if (dir == RW_POLICY_EXPORT)
            *prepend = zite (Z, app, zadd (Z, *prepend, zint (Z, e->set_prepend)), *prepend);
          else
            {
              /* inbound: the neighbour's AS again (its own when the path is empty) */
              Z3_ast empty = zeq (Z, r->aslen, zint (Z, 0));
              gint ai = u32_index (sym->asns, peer_as);
              r->inpath[ai] = zor2 (Z, r->inpath[ai], zand2 (Z, app, empty));
              r->nbr_as = zite (Z, zand2 (Z, app, empty), zint (Z, peer_as), r->nbr_as);
              r->aslen = zite (Z, app, zadd (Z, r->aslen, zint (Z, e->set_prepend)), r->aslen);
            }
        }
      if (!e->cont)
        {
          permit = zor2 (Z, permit, app);
          done = zor2 (Z, done, app);
        }
      else
        continued = zor2 (Z, continued, app);
    }
  /* as rw_policy_apply: a matched on-match next entry permits unless a later entry decided */
  return zor2 (Z, permit, zand2 (Z, znot (Z, done), continued));
}

/* ---- advertisement: v's best, sent over adjacency a (v -> u), kept by u ---- */

static RwSymRoute *
candidate (RwSym *sym, guint slot, guint cls, const RwAdj *a)
{
  const RwNet *net = sym->twin->net;
  const RwBgpClass *bc = sym->twin->bgp->classes->pdata[cls];
  guint v = a->node, u = a->peer;
  const RwAdj *back = &net->adjs[a->reverse];
  const RwSymRoute *b = sym->best[slot][v];
  RwSymRoute *r = route_copy (sym, b);
  gint no_adv = u32_index (sym->comms, RW_COMMUNITY_NO_ADVERTISE);
  gint no_exp = u32_index (sym->comms, RW_COMMUNITY_NO_EXPORT);
  Z3_ast prepend = zint (Z, 0);
  g_autoptr(GPtrArray) ok = g_ptr_array_new ();

  /* export rules at v */
  g_ptr_array_add (ok, b->valid);
  g_ptr_array_add (ok, sym->adj_up[a - net->adjs]);
  g_ptr_array_add (ok, znot (Z, zeq (Z, b->from, zint (Z, u))));
  g_ptr_array_add (ok, znot (Z, b->comm[no_adv]));
  if (a->ebgp)
    {
      g_ptr_array_add (ok, znot (Z, b->comm[no_exp]));
      r->originator = zint (Z, 0);
      r->clen = zint (Z, 0);
      for (guint i = 0; i < sym->n_nodes; i++)
        r->incl[i] = zbool (Z, FALSE);
      r->med = zite (Z, zeq (Z, b->from, zint (Z, -1)), b->med, zint (Z, 0)); /* only a MED set here */
      r->nexthop = zint (Z, v);
    }
  else
    {
      Z3_ast from_rid = zint (Z, 0);
      if (net->cluster_id[v] == 0)
        g_ptr_array_add (ok, znot (Z, b->ibgp));
      else if (!a->peer_is_client)
        g_ptr_array_add (ok, zimp (Z, b->ibgp, b->from_client));
      for (guint x = net->adj_first[v]; x < net->adj_first[v + 1]; x++)
        if (!net->adjs[x].ebgp)
          from_rid = zite (Z, zeq (Z, b->from, zint (Z, net->adjs[x].peer)), zint (Z, net->nodes[net->adjs[x].peer]->router_id), from_rid);
      r->originator = zite (Z, zand2 (Z, b->ibgp, zeq (Z, b->originator, zint (Z, 0))), from_rid, b->originator);
      r->clen = zite (Z, b->ibgp, zadd (Z, b->clen, zint (Z, 1)), b->clen);
      if (net->cluster_id[v])
        r->incl[v] = zor2 (Z, b->incl[v], b->ibgp);
      r->nexthop = zite (Z, b->ibgp, b->nexthop, zint (Z, v));
    }
  g_ptr_array_add (ok, sym_policy (sym, a->export, &bc->repr, r, RW_POLICY_EXPORT, 0, &prepend));
  if (a->ebgp)
    {
      r->aslen = zadd (Z, r->aslen, zadd (Z, zint (Z, 1), prepend));
      r->inpath[u32_index (sym->asns, net->nodes[v]->asn)] = zbool (Z, TRUE);
      r->nbr_as = zint (Z, net->nodes[v]->asn);
    }

  /* import checks at u */
  if (a->ebgp)
    {
      g_ptr_array_add (ok, znot (Z, r->inpath[u32_index (sym->asns, net->nodes[u]->asn)]));
      r->ibgp = zbool (Z, FALSE);
      r->lp = zint (Z, RW_DEFAULT_LOCAL_PREF);
      r->nexthop = zint (Z, v);
      r->igp = zint (Z, 0);
    }
  else
    {
      g_ptr_array_add (ok, znot (Z, zeq (Z, r->originator, zint (Z, net->nodes[u]->router_id))));
      if (net->cluster_id[u])
        g_ptr_array_add (ok, znot (Z, r->incl[u]));
      r->ibgp = zbool (Z, TRUE);
    }
  r->from = zint (Z, v);
  r->from_client = zbool (Z, back->peer_is_client);
  r->weight = zint (Z, back->weight);
  g_ptr_array_add (ok, sym_policy (sym, back->import, &bc->repr, r, RW_POLICY_IMPORT, net->nodes[v]->asn, NULL));
  if (!a->ebgp)
    {
      Z3_ast d = dist_to (sym, u, r->nexthop);
      g_ptr_array_add (ok, znot (Z, zeq (Z, r->nexthop, zint (Z, u))));
      g_ptr_array_add (ok, zlt (Z, d, zint (Z, RW_SYM_INF)));
      r->igp = d;
    }
  r->valid = zandv (Z, ok);
  return r;
}

static RwSymRoute *
local_route (RwSym *sym, guint cls, guint node)
{
  const RwTopology *topo = sym->twin->topo;
  const RwBgpClass *bc = sym->twin->bgp->classes->pdata[cls];
  const char *id = sym->twin->net->nodes[node]->id;
  for (guint i = 0; i < topo->prefixes->len; i++)
    {
      RwOrigination *o = topo->prefixes->pdata[i];
      RwSymRoute *r;
      if (!rw_prefix_equal (&o->prefix, &bc->repr) || g_strcmp0 (o->origin_node, id) != 0)
        continue;
      r = route_alloc (sym);
      r->valid = zbool (Z, TRUE);
      r->weight = zint (Z, RW_LOCAL_WEIGHT);
      r->lp = zint (Z, RW_DEFAULT_LOCAL_PREF);
      r->aslen = zint (Z, 0);
      r->origin = zint (Z, o->origin);
      r->med = zint (Z, o->has_med ? o->med : 0);
      r->nbr_as = zint (Z, 0);
      r->originator = zint (Z, 0);
      r->clen = zint (Z, 0);
      r->nexthop = zint (Z, node);
      r->from = zint (Z, -1);
      r->ibgp = zbool (Z, FALSE);
      r->from_client = zbool (Z, FALSE);
      r->igp = zint (Z, 0);
      for (guint k = 0; k < sym->asns->len; k++)
        r->inpath[k] = zbool (Z, FALSE);
      for (guint k = 0; k < sym->comms->len; k++)
        {
          gboolean has = FALSE;
          for (guint c = 0; c < rw_origination_n_communities (o); c++)
            has |= rw_origination_community (o, c) == g_array_index (sym->comms, guint32, k);
          r->comm[k] = zbool (Z, has);
        }
      for (guint k = 0; k < sym->n_nodes; k++)
        r->incl[k] = zbool (Z, FALSE);
      return r;
    }
  return NULL;
}

/* ---- the decision process as filters ---- */

/* The key of a decision step for a candidate (lower wins), as rw-decision.c's keys. */
static Z3_ast
key_of (RwSym *sym, RwDecisionStep k, RwSymRoute *r, gint from, guint holder)
{
  const RwNet *net = sym->twin->net;
  switch (k)
    {
    case RW_STEP_WEIGHT: return zsub (Z, zint (Z, 0), r->weight);
    case RW_STEP_LOCAL_PREF: return zsub (Z, zint (Z, 0), r->lp);
    case RW_STEP_LOCAL_ORIGIN: return zint (Z, from < 0 ? 0 : 1);
    case RW_STEP_AS_PATH: return r->aslen;
    case RW_STEP_ORIGIN: return r->origin;
    case RW_STEP_MED: return r->med;
    case RW_STEP_EBGP: return zite (Z, r->ibgp, zint (Z, 1), zint (Z, 0));
    case RW_STEP_IGP_COST: return r->igp;
    case RW_STEP_ROUTER_ID:
      return zite (Z, zeq (Z, r->originator, zint (Z, 0)),
                   zint (Z, net->nodes[from >= 0 ? (guint) from : holder]->router_id), r->originator);
    case RW_STEP_CLUSTER_LIST: return r->clen;
    case RW_STEP_NEIGHBOR_ADDR: return zint (Z, from >= 0 ? net->nodes[from]->router_id : 0);
    case RW_STEP_NONE:
    case RW_STEP_COUNT:
    default: g_assert_not_reached ();
    }
}

static void
encode_selection (RwSym *sym, guint slot, guint node, GPtrArray *cands, GArray *froms)
{
  RwSymRoute *best = sym->best[slot][node];
  guint m = cands->len;
  g_autofree Z3_ast *surv = g_new (Z3_ast, m + 1);
  g_autofree Z3_ast *next = g_new (Z3_ast, m + 1);
  g_autofree Z3_ast *keys = g_new (Z3_ast, m + 1);
  g_autoptr(GPtrArray) any = g_ptr_array_new ();
  gboolean always_med = sym->twin->topo->always_compare_med;

  for (guint i = 0; i < m; i++)
    surv[i] = ((RwSymRoute *) cands->pdata[i])->valid;
  for (guint step = 0; step < rw_decision_n_steps () && m > 1; step++)
    {
      RwDecisionStep k = rw_decision_step_at (step);
      for (guint i = 0; i < m; i++)
        keys[i] = key_of (sym, k, cands->pdata[i], g_array_index (froms, gint, i), node);
      for (guint i = 0; i < m; i++)
        {
          g_autoptr(GPtrArray) conj = g_ptr_array_new ();
          g_ptr_array_add (conj, surv[i]);
          for (guint j = 0; j < m; j++)
            {
              Z3_ast cond = surv[j];
              if (j == i)
                continue;
              if (k == RW_STEP_MED && !always_med)
                cond = zand2 (Z, cond, zeq (Z, ((RwSymRoute *) cands->pdata[j])->nbr_as, ((RwSymRoute *) cands->pdata[i])->nbr_as));
              g_ptr_array_add (conj, zimp (Z, cond, zle (Z, keys[i], keys[j])));
            }
          next[i] = zandv (Z, conj);
        }
      memcpy (surv, next, m * sizeof (Z3_ast));
    }

  /* best = the survivor; defaults when there is none */
  {
    Z3_ast f_valid = zbool (Z, FALSE), f_weight = zint (Z, 0), f_lp = zint (Z, 0), f_aslen = zint (Z, 0),
           f_origin = zint (Z, 0), f_med = zint (Z, 0), f_nbr = zint (Z, 0), f_orig = zint (Z, 0),
           f_clen = zint (Z, 0), f_nh = zint (Z, -1), f_from = zint (Z, -2), f_ibgp = zbool (Z, FALSE),
           f_fc = zbool (Z, FALSE), f_igp = zint (Z, 0);
    g_autofree Z3_ast *f_path = g_new (Z3_ast, sym->asns->len + 1);
    g_autofree Z3_ast *f_comm = g_new (Z3_ast, sym->comms->len + 1);
    g_autofree Z3_ast *f_incl = g_new (Z3_ast, sym->n_nodes + 1);
    for (guint k = 0; k < sym->asns->len; k++)
      f_path[k] = zbool (Z, FALSE);
    for (guint k = 0; k < sym->comms->len; k++)
      f_comm[k] = zbool (Z, FALSE);
    for (guint k = 0; k < sym->n_nodes; k++)
      f_incl[k] = zbool (Z, FALSE);
    for (gint i = (gint) m - 1; i >= 0; i--)
      {
        RwSymRoute *c = cands->pdata[i];
        Z3_ast s = surv[i];
        g_ptr_array_add (any, s);
        f_valid = zite (Z, s, zbool (Z, TRUE), f_valid);
        f_weight = zite (Z, s, c->weight, f_weight);
        f_lp = zite (Z, s, c->lp, f_lp);
        f_aslen = zite (Z, s, c->aslen, f_aslen);
        f_origin = zite (Z, s, c->origin, f_origin);
        f_med = zite (Z, s, c->med, f_med);
        f_nbr = zite (Z, s, c->nbr_as, f_nbr);
        f_orig = zite (Z, s, c->originator, f_orig);
        f_clen = zite (Z, s, c->clen, f_clen);
        f_nh = zite (Z, s, c->nexthop, f_nh);
        f_from = zite (Z, s, c->from, f_from);
        f_ibgp = zite (Z, s, c->ibgp, f_ibgp);
        f_fc = zite (Z, s, c->from_client, f_fc);
        f_igp = zite (Z, s, c->igp, f_igp);
        for (guint k = 0; k < sym->asns->len; k++)
          f_path[k] = zite (Z, s, c->inpath[k], f_path[k]);
        for (guint k = 0; k < sym->comms->len; k++)
          f_comm[k] = zite (Z, s, c->comm[k], f_comm[k]);
        for (guint k = 0; k < sym->n_nodes; k++)
          if (sym->twin->net->cluster_id[k])
            f_incl[k] = zite (Z, s, c->incl[k], f_incl[k]);
      }
    add_constraint (sym, zeq (Z, best->valid, f_valid));
    add_constraint (sym, zeq (Z, best->weight, f_weight));
    add_constraint (sym, zeq (Z, best->lp, f_lp));
    add_constraint (sym, zeq (Z, best->aslen, f_aslen));
    add_constraint (sym, zeq (Z, best->origin, f_origin));
    add_constraint (sym, zeq (Z, best->med, f_med));
    add_constraint (sym, zeq (Z, best->nbr_as, f_nbr));
    add_constraint (sym, zeq (Z, best->originator, f_orig));
    add_constraint (sym, zeq (Z, best->clen, f_clen));
    add_constraint (sym, zeq (Z, best->nexthop, f_nh));
    add_constraint (sym, zeq (Z, best->from, f_from));
    add_constraint (sym, zeq (Z, best->ibgp, f_ibgp));
    add_constraint (sym, zeq (Z, best->from_client, f_fc));
    add_constraint (sym, zeq (Z, best->igp, f_igp));
    for (guint k = 0; k < sym->asns->len; k++)
      add_constraint (sym, zeq (Z, best->inpath[k], f_path[k]));
    for (guint k = 0; k < sym->comms->len; k++)
      add_constraint (sym, zeq (Z, best->comm[k], f_comm[k]));
    for (guint k = 0; k < sym->n_nodes; k++)
      if (sym->twin->net->cluster_id[k])
        add_constraint (sym, zeq (Z, best->incl[k], f_incl[k]));
    /* exactly one survivor when any candidate is valid (step 11 separates neighbours) */
    if (m > 1)
      add_constraint (sym, zatmost (Z, any, 1));
  }
}

/* ---- forwarding and traffic ---- */

/* Queueing growth prop * g(rho), g = rho/(1-rho) capped at RW_QUEUE_CAP, as chords between
 * breakpoints: exact at the breakpoints and never below the curve (g is convex), so SLA checks
 * err on the safe side by at most a few percent of the propagation delay. */
static const double rho_points[] = { 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95 };

static Z3_ast
queue_factor (RwSym *sym, Z3_ast rho)
{
  guint n = G_N_ELEMENTS (rho_points);
  Z3_ast e = zreal (Z, RW_QUEUE_CAP);
  for (gint i = (gint) n - 2; i >= 0; i--)
    {
      double x0 = rho_points[i], x1 = rho_points[i + 1];
      double y0 = MIN (x0 / (1 - x0), RW_QUEUE_CAP), y1 = MIN (x1 / (1 - x1), RW_QUEUE_CAP);
      double slope = (y1 - y0) / (x1 - x0);
      Z3_ast chord = zadd (Z, zreal (Z, y0), zmul (Z, zreal (Z, slope), zsub (Z, rho, zreal (Z, x0))));
      e = zite (Z, zle (Z, rho, zreal (Z, x1)), chord, e);
    }
  return e;
}

/* queue_factor and the loss term of encode_traffic, on a number */
static double
queue_factor_value (double rho)
{
  guint n = G_N_ELEMENTS (rho_points);
  for (guint i = 0; i + 1 < n; i++)
    if (rho <= rho_points[i + 1])
      {
        double x0 = rho_points[i], x1 = rho_points[i + 1];
        double y0 = MIN (x0 / (1 - x0), RW_QUEUE_CAP), y1 = MIN (x1 / (1 - x1), RW_QUEUE_CAP);
        return y0 + (y1 - y0) / (x1 - x0) * (rho - x0);
      }
  return RW_QUEUE_CAP;
}

void
rw_sym_concrete_sla_terms (const RwTwin *twin, guint demand, double *latency_ms, double *loss_pct)
{
  const RwDemandResult *r = twin->traffic->demands->pdata[demand];
  guint nd = 2 * twin->topo->links->len;
  *latency_ms = 0;
  *loss_pct = 0;
  for (guint d = 0; d < nd; d++)
    {
      const RwLink *link = twin->topo->links->pdata[d / 2];
      double rho = twin->traffic->dirs[d].load_mbps * (1.0 / link->capacity_mbps);
      gboolean on = FALSE;
      for (guint h = 0; h < r->hops->len && !on; h++)
        on = g_array_index (r->hops, guint, h) == d;
      if (!on)
        continue;
      *latency_ms += link->latency_ms * (1 + queue_factor_value (rho));
      *loss_pct += link->loss_pct + 100 * MIN (1, MAX (0, rho - 1));
    }
}

static void
encode_traffic (RwSym *sym)
{
  const RwNet *net = sym->twin->net;
  const RwBgpResult *bgp = sym->twin->bgp;
  const RwTopology *topo = sym->twin->topo;
  guint n = sym->n_nodes, nd = 2 * sym->n_links;
  g_autofree GPtrArray **load_terms = g_new0 (GPtrArray *, nd + 1);

  sym->n_demands = topo->demands->len;
  sym->delivered = g_new0 (Z3_ast, sym->n_demands + 1);
  sym->looped = g_new0 (Z3_ast, sym->n_demands + 1);
  sym->use = g_new0 (Z3_ast, (gsize) sym->n_demands * nd + 1);
  sym->latency = g_new0 (Z3_ast, sym->n_demands + 1);
  sym->loss = g_new0 (Z3_ast, sym->n_demands + 1);
  sym->load = g_new0 (Z3_ast, nd + 1);
  sym->util = g_new0 (Z3_ast, nd + 1);
  for (guint d = 0; d < nd; d++)
    load_terms[d] = g_ptr_array_new ();

  for (guint di = 0; di < sym->n_demands; di++)
    {
      const RwDemand *dm = topo->demands->pdata[di];
      guint src = (guint) rw_net_node (net, dm->src);
      g_autoptr(GArray) cover = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autofree Z3_ast *has = g_new0 (Z3_ast, n), *local = g_new0 (Z3_ast, n);
      g_autofree Z3_ast *move = g_new0 (Z3_ast, (gsize) n * n);
      g_autofree Z3_ast *at = g_new0 (Z3_ast, (gsize) (n + 1) * n);
      g_autoptr(GPtrArray) deliv = g_ptr_array_new ();
      g_autoptr(GPtrArray) loopers = g_ptr_array_new ();

      /* covering prefixes, most specific first */
      for (gint len = dm->dst.len; len >= 0; len--)
        {
          RwPrefix q = { dm->dst.addr & rw_prefix_mask ((guint8) len), (guint8) len };
          gint idx = rw_bgp_prefix_index (bgp, &q);
          if (idx >= 0)
            g_array_append_val (cover, idx);
        }
      for (guint u = 0; u < n; u++)
        {
          Z3_ast h = zbool (Z, FALSE), from = zint (Z, -2), ibgp = zbool (Z, FALSE), nh = zint (Z, -1);
          for (gint c = (gint) cover->len - 1; c >= 0; c--)
            {
              guint cls = rw_bgp_prefix_class (bgp, g_array_index (cover, guint, c));
              RwSymRoute *b = sym->best[sym->class_slot[cls]][u];
              from = zite (Z, b->valid, b->from, from);
              ibgp = zite (Z, b->valid, b->ibgp, ibgp);
              nh = zite (Z, b->valid, b->nexthop, nh);
              h = zor2 (Z, h, b->valid);
            }
          has[u] = h;
          local[u] = zand2 (Z, h, zeq (Z, from, zint (Z, -1)));
          for (guint w = 0; w < n; w++)
            {
              gboolean linked = FALSE;
              Z3_ast via_igp = zbool (Z, FALSE);
              for (guint l = 0; l < sym->n_links && !linked; l++)
                linked = (net->link_a[l] == u && net->link_b[l] == w) || (net->link_b[l] == u && net->link_a[l] == w);
              if (!linked)
                continue;
              if (net->nodes[w]->asn == net->nodes[u]->asn)
                for (guint t = 0; t < n; t++)
                  if (t != u && net->nodes[t]->asn == net->nodes[u]->asn)
                    via_igp = zor2 (Z, via_igp, zand2 (Z, zeq (Z, nh, zint (Z, t)),
                                                       zeq (Z, sym->igp_next[u * n + t], zint (Z, w))));
              move[u * n + w] = zand2 (Z, zand2 (Z, h, znot (Z, local[u])),
                                       zor2 (Z, zand2 (Z, znot (Z, ibgp), zeq (Z, from, zint (Z, w))),
                                             zand2 (Z, ibgp, via_igp)));
            }
        }
      for (guint u = 0; u < n; u++)
        at[u] = zbool (Z, u == src);
      for (guint i = 1; i <= n; i++)
        for (guint w = 0; w < n; w++)
          {
            g_autoptr(GPtrArray) in = g_ptr_array_new ();
            for (guint u = 0; u < n; u++)
              if (move[u * n + w] != NULL && i - 1 < n + 1)
                g_ptr_array_add (in, zand2 (Z, at[(i - 1) * n + u], move[u * n + w]));
            if (in->len == 0)
              at[i * n + w] = zbool (Z, FALSE);
            else
              {
                at[i * n + w] = zvar_bool (Z, "at.%s.%u.%s", dm->id, i, net->nodes[w]->id);
                add_constraint (sym, ziff (Z, at[i * n + w], zorv (Z, in)));
              }
          }
      for (guint i = 0; i < n; i++)
        for (guint u = 0; u < n; u++)
          g_ptr_array_add (deliv, zand2 (Z, at[i * n + u], local[u]));
      for (guint u = 0; u < n; u++)
        g_ptr_array_add (loopers, at[n * n + u]);
      sym->delivered[di] = zorv (Z, deliv);
      sym->looped[di] = zorv (Z, loopers);

      for (guint l = 0; l < sym->n_links; l++)
        for (guint side = 0; side < 2; side++)
          {
            guint dir = 2 * l + side;
            guint u = side == 0 ? net->link_a[l] : net->link_b[l];
            guint w = side == 0 ? net->link_b[l] : net->link_a[l];
            g_autoptr(GPtrArray) steps = g_ptr_array_new ();
            Z3_ast used;
            if (move[u * n + w] == NULL)
              {
                sym->use[di * nd + dir] = zbool (Z, FALSE);
                continue;
              }
            for (guint i = 0; i < n; i++)
              g_ptr_array_add (steps, at[i * n + u]);
            used = zand2 (Z, zand2 (Z, zorv (Z, steps), move[u * n + w]), link_picked (sym, u, w, l));
            sym->use[di * nd + dir] = zvar_bool (Z, "use.%s.%u", dm->id, dir);
            add_constraint (sym, ziff (Z, sym->use[di * nd + dir], used));
            g_ptr_array_add (load_terms[dir], zite (Z, sym->use[di * nd + dir], zreal (Z, dm->mbps), zreal (Z, 0)));
          }
    }

  for (guint d = 0; d < nd; d++)
    {
      RwLink *link = topo->links->pdata[d / 2];
      Z3_ast rho, lat, loss;
      sym->load[d] = zvar_real (Z, "load.%u", d);
      add_constraint (sym, zeq (Z, sym->load[d], zsumv (Z, load_terms[d], TRUE)));
      rho = zmul (Z, sym->load[d], zreal (Z, 1.0 / link->capacity_mbps));
      sym->util[d] = rho;
      lat = zmul (Z, zreal (Z, link->latency_ms), zadd (Z, zreal (Z, 1), queue_factor (sym, rho)));
      /* fluid loss 1 - 1/rho lies under its tangent rho - 1: a safe bound */
      loss = zadd (Z, zreal (Z, link->loss_pct),
                   zmul (Z, zreal (Z, 100), zmin (Z, zreal (Z, 1), zmax (Z, zreal (Z, 0), zsub (Z, rho, zreal (Z, 1))))));
      for (guint di = 0; di < sym->n_demands; di++)
        if (sym->latency[di] == NULL)
          {
            sym->latency[di] = zreal (Z, 0);
            sym->loss[di] = zreal (Z, 0);
          }
      for (guint di = 0; di < sym->n_demands; di++)
        {
          Z3_ast u = sym->use[di * nd + d];
          if (Z3_is_eq_ast (Z->ctx, u, zbool (Z, FALSE)))
            continue;
          sym->latency[di] = zadd (Z, sym->latency[di], zite (Z, u, lat, zreal (Z, 0)));
          sym->loss[di] = zadd (Z, sym->loss[di], zite (Z, u, loss, zreal (Z, 0)));
        }
      g_ptr_array_unref (load_terms[d]);
      load_terms[d] = NULL;
    }
}

Z3_ast
rw_sym_sla_ok (RwSym *sym, guint di)
{
  const RwDemand *dm = sym->twin->topo->demands->pdata[di];
  RwSlaClass *sla = rw_topology_find_sla_class (sym->twin->topo, dm->sla_class);
  Z3_ast ok = zand2 (Z, sym->delivered[di], znot (Z, sym->looped[di]));
  if (sla == NULL)
    return ok;
  return zand2 (Z, ok, zand2 (Z, zle (Z, sym->latency[di], zreal (Z, sla->latency_ms)),
                              zle (Z, sym->loss[di], zreal (Z, sla->loss_pct))));
}

/* ---- assembly ---- */

GArray *
rw_sym_demand_classes (const RwTwin *twin)
{
  const RwBgpResult *bgp = twin->bgp;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree gboolean *seen = g_new0 (gboolean, bgp->classes->len + 1);
  for (guint di = 0; di < twin->topo->demands->len; di++)
    {
      const RwDemand *dm = twin->topo->demands->pdata[di];
      for (gint len = dm->dst.len; len >= 0; len--)
        {
          RwPrefix q = { dm->dst.addr & rw_prefix_mask ((guint8) len), (guint8) len };
          gint idx = rw_bgp_prefix_index (bgp, &q);
          guint cls;
          if (idx < 0)
            continue;
          cls = rw_bgp_prefix_class (bgp, (guint) idx);
          if (!seen[cls])
            {
              seen[cls] = TRUE;
              g_array_append_val (out, cls);
            }
        }
    }
  return out;
}

RwSym *
rw_sym_new (RwZ3 *z, const RwTwin *twin, const RwSymOptions *options)
{
  RwSym *sym = g_new0 (RwSym, 1);
  const RwNet *net = twin->net;
  const RwTopology *topo = twin->topo;
  const RwBgpResult *bgp = twin->bgp;

  sym->z = z;
  sym->twin = twin;
  sym->n_nodes = net->n_nodes;
  sym->n_links = topo->links->len;
  sym->n_adjs = net->n_adjs;
  sym->constraints = g_ptr_array_new ();
  sym->constraint_slot = g_array_new (FALSE, FALSE, sizeof (gint));
  sym->cur_slot = RW_SYM_SHARED;
  sym->failure_vars = g_ptr_array_new ();
  sym->failure_names = g_ptr_array_new_with_free_func (g_free);

  sym->asns = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < sym->n_nodes; i++)
    u32_add (sym->asns, net->nodes[i]->asn);
  sym->comms = g_array_new (FALSE, FALSE, sizeof (guint32));
  u32_add (sym->comms, RW_COMMUNITY_NO_EXPORT);
  u32_add (sym->comms, RW_COMMUNITY_NO_ADVERTISE);
  for (guint i = 0; i < topo->prefixes->len; i++)
    {
      RwOrigination *o = topo->prefixes->pdata[i];
      for (guint c = 0; c < rw_origination_n_communities (o); c++)
        u32_add (sym->comms, rw_origination_community (o, c));
    }
  for (guint i = 0; i < topo->policies->len; i++)
    {
      RwPolicy *p = topo->policies->pdata[i];
      for (guint j = 0; j < p->entries->len; j++)
        {
          RwPolicyEntry *e = p->entries->pdata[j];
          if (e->has_match_community)
            u32_add (sym->comms, e->match_community);
          for (guint c = 0; c < e->community_add->len; c++)
            u32_add (sym->comms, g_array_index (e->community_add, guint32, c));
        }
    }

  /* failures: links and sessions that touch our AS */
  sym->link_failed = g_new0 (Z3_ast, sym->n_links + 1);
  sym->sess_failed = g_new0 (Z3_ast, topo->sessions->len + 1);
  sym->link_up = g_new0 (Z3_ast, sym->n_links + 1);
  for (guint l = 0; l < sym->n_links; l++)
    {
      RwLink *link = topo->links->pdata[l];
      gboolean ours = rw_net_is_ours (net, net->link_a[l]) || rw_net_is_ours (net, net->link_b[l]);
      if (options->k > 0 && ours && link->up)
        {
          sym->link_failed[l] = zvar_bool (z, "failed.link.%s", link->id);
          g_ptr_array_add (sym->failure_vars, sym->link_failed[l]);
          g_ptr_array_add (sym->failure_names, g_strdup_printf ("link-down:%s", link->id));
          sym->link_up[l] = znot (z, sym->link_failed[l]);
        }
      else
        sym->link_up[l] = zbool (z, link->up);
    }
  for (guint s = 0; s < topo->sessions->len; s++)
    {
      RwSession *sess = topo->sessions->pdata[s];
      gboolean ours = rw_net_is_ours (net, (guint) rw_net_node (net, sess->a)) || rw_net_is_ours (net, (guint) rw_net_node (net, sess->b));
      if (options->k > 0 && ours && sess->up)
        {
          sym->sess_failed[s] = zvar_bool (z, "failed.session.%s.%s", sess->a, sess->b);
          g_ptr_array_add (sym->failure_vars, sym->sess_failed[s]);
          g_ptr_array_add (sym->failure_names, g_strdup_printf ("session-down:%s:%s", sess->a, sess->b));
        }
    }
  if (options->k > 0)
    add_constraint (sym, zatmost (z, sym->failure_vars, options->k));

  encode_igp (sym);

  sym->adj_up = g_new0 (Z3_ast, sym->n_adjs + 1);
  for (guint a = 0; a < sym->n_adjs; a++)
    {
      const RwAdj *adj = &net->adjs[a];
      RwSession *sess = topo->sessions->pdata[adj->session];
      Z3_ast up = zbool (z, sess->up);
      if (sym->sess_failed[adj->session])
        up = zand2 (z, up, znot (z, sym->sess_failed[adj->session]));
      if (adj->ebgp)
        {
          g_autoptr(GPtrArray) links = g_ptr_array_new ();
          for (guint l = 0; l < sym->n_links; l++)
            if ((net->link_a[l] == adj->node && net->link_b[l] == adj->peer) || (net->link_b[l] == adj->node && net->link_a[l] == adj->peer))
              g_ptr_array_add (links, sym->link_up[l]);
          up = zand2 (z, up, zorv (z, links));
        }
      else
        up = zand2 (z, up, zlt (z, dist (sym, adj->node, adj->peer), zint (z, RW_SYM_INF)));
      sym->adj_up[a] = up;
    }

  /* classes some demand can use */
  sym->classes = rw_sym_demand_classes (twin);
  sym->class_slot = g_new (gint, bgp->classes->len + 1);
  for (guint c = 0; c < bgp->classes->len; c++)
    sym->class_slot[c] = -1;
  for (guint s = 0; s < sym->classes->len; s++)
    sym->class_slot[g_array_index (sym->classes, guint, s)] = (gint) s;

  sym->best = g_new0 (RwSymRoute **, sym->classes->len + 1);
  for (guint s = 0; s < sym->classes->len; s++)
    {
      sym->best[s] = g_new0 (RwSymRoute *, sym->n_nodes + 1);
      for (guint u = 0; u < sym->n_nodes; u++)
        sym->best[s][u] = route_fresh (sym, s, u);
    }
  for (guint s = 0; s < sym->classes->len; s++)
    {
      guint cls = g_array_index (sym->classes, guint, s);
      sym->cur_slot = (gint) s;
      for (guint u = 0; u < sym->n_nodes; u++)
        {
          g_autoptr(GPtrArray) cands = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
          g_autoptr(GArray) froms = g_array_new (FALSE, FALSE, sizeof (gint));
          RwSymRoute *loc = local_route (sym, cls, u);
          gint minus1 = -1;
          if (loc)
            {
              g_ptr_array_add (cands, loc);
              g_array_append_val (froms, minus1);
            }
          for (guint a = net->adj_first[u]; a < net->adj_first[u + 1]; a++)
            {
              const RwAdj *in = &net->adjs[net->adjs[a].reverse]; /* peer -> u */
              gint from = (gint) in->node;
              g_ptr_array_add (cands, candidate (sym, s, cls, in));
              g_array_append_val (froms, from);
            }
          encode_selection (sym, s, u, cands, froms);
        }
    }

  sym->cur_slot = RW_SYM_TRAFFIC;
  if (!options->routing_only)
    encode_traffic (sym);
  return sym;
}

void
rw_sym_free (RwSym *sym)
{
  if (sym == NULL)
    return;
  for (guint s = 0; sym->best && s < sym->classes->len; s++)
    {
      for (guint u = 0; u < sym->n_nodes; u++)
        route_free (sym->best[s][u]);
      g_free (sym->best[s]);
    }
  g_free (sym->best);
  g_array_unref (sym->asns);
  g_array_unref (sym->comms);
  g_free (sym->link_failed);
  g_free (sym->sess_failed);
  g_ptr_array_unref (sym->failure_vars);
  g_ptr_array_unref (sym->failure_names);
  g_free (sym->link_up);
  g_free (sym->adj_up);
  g_free (sym->dist);
  g_free (sym->igp_next);
  g_array_unref (sym->classes);
  g_free (sym->class_slot);
  g_free (sym->delivered);
  g_free (sym->looped);
  g_free (sym->use);
  g_free (sym->latency);
  g_free (sym->loss);
  g_free (sym->load);
  g_free (sym->util);
  g_ptr_array_unref (sym->constraints);
  g_array_unref (sym->constraint_slot);
  g_free (sym);
}

void
rw_sym_assert_model (RwSym *sym, Z3_solver s)
{
  for (guint i = 0; i < sym->constraints->len; i++)
    Z3_solver_assert (Z->ctx, s, sym->constraints->pdata[i]);
}

void
rw_sym_assert_class_only (RwSym *sym, Z3_solver s, gint tag)
{
  for (guint i = 0; i < sym->constraints->len; i++)
    if (g_array_index (sym->constraint_slot, gint, i) == tag)
      Z3_solver_assert (Z->ctx, s, sym->constraints->pdata[i]);
}

gboolean
rw_sym_twin_class_state (RwSym *sym, const RwTwin *twin, guint slot, GPtrArray *out)
{
  const RwBgpClass *enc = sym->twin->bgp->classes->pdata[g_array_index (sym->classes, guint, slot)];
  gint idx = rw_bgp_prefix_index (twin->bgp, &enc->repr);
  const RwBgpClass *bc;
  if (idx < 0 || !twin->bgp->classes->pdata[rw_bgp_prefix_class (twin->bgp, (guint) idx)])
    return FALSE;
  bc = twin->bgp->classes->pdata[rw_bgp_prefix_class (twin->bgp, (guint) idx)];
  for (guint u = 0; u < sym->n_nodes; u++)
    {
      const RwRib *rib = &bc->ribs[u];
      RwSymRoute *b = sym->best[slot][u];
      if (rib->best < 0)
        g_ptr_array_add (out, znot (Z, b->valid));
      else
        g_ptr_array_add (out, zand2 (Z, b->valid, zeq (Z, b->from, zint (Z, ((RwRoute *) rib->routes->pdata[rib->best])->from))));
    }
  return TRUE;
}

GPtrArray *
rw_sym_twin_state (RwSym *sym, const RwTwin *twin)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint sl = 0; sl < sym->classes->len; sl++)
    rw_sym_twin_class_state (sym, twin, sl, out);
  return out;
}

gint
rw_sym_model_from (RwSym *sym, Z3_model m, guint cls, guint node)
{
  gint slot = sym->class_slot[cls];
  RwSymRoute *b;
  if (slot < 0)
    return -3;
  b = sym->best[slot][node];
  if (!rw_z3_eval_bool (Z, m, b->valid))
    return -2;
  return (gint) rw_z3_eval_int (Z, m, b->from);
}

GPtrArray *
rw_sym_model_failures (RwSym *sym, Z3_model m)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < sym->failure_vars->len; i++)
    if (rw_z3_eval_bool (Z, m, sym->failure_vars->pdata[i]))
      g_ptr_array_add (out, g_strdup (sym->failure_names->pdata[i]));
  return out;
}
