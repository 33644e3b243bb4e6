/* rw-decision.c — the BGP decision process as an ordered table of small steps.
 * Each step filters the remaining candidates, as C-BGP does, so the winner never depends on
 * the order in which routes arrived.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-bgp.h"

typedef struct {
  const RwNet *net;
  guint node;
} DecisionCtx;

typedef gint64 (*StepKey) (const DecisionCtx *c, const RwRoute *r);

/* Keep the candidates with the lowest key. */
static guint
keep_lowest (const DecisionCtx *c, RwRoute **r, guint n, StepKey key)
{
  gint64 best = G_MAXINT64;
  guint k = 0;
  for (guint i = 0; i < n; i++)
    best = MIN (best, key (c, r[i]));
  for (guint i = 0; i < n; i++)
    if (key (c, r[i]) == best)
      r[k++] = r[i];
  return k;
}

static gint64 key_weight (const DecisionCtx *c, const RwRoute *r) { return -(gint64) r->weight; }
static gint64 key_local_pref (const DecisionCtx *c, const RwRoute *r) { return -(gint64) r->local_pref; }
static gint64 key_local_origin (const DecisionCtx *c, const RwRoute *r) { return r->from < 0 ? 0 : 1; }
static gint64 key_as_path (const DecisionCtx *c, const RwRoute *r) { return r->as_path_len; }
static gint64 key_origin (const DecisionCtx *c, const RwRoute *r) { return r->origin; }
static gint64 key_ebgp (const DecisionCtx *c, const RwRoute *r) { return r->ibgp ? 1 : 0; }
static gint64 key_igp_cost (const DecisionCtx *c, const RwRoute *r) { return r->igp_cost; }
static gint64 key_cluster_list (const DecisionCtx *c, const RwRoute *r) { return r->cluster_len; }
static gint64 med_of (const RwRoute *r) { return r->has_med ? r->med : 0; } /* missing MED = 0 */
static gint64 key_med (const DecisionCtx *c, const RwRoute *r) { return med_of (r); }

static gint64
key_router_id (const DecisionCtx *c, const RwRoute *r)
{
  if (r->has_originator)
    return r->originator_id;
  return c->net->nodes[r->from >= 0 ? (guint) r->from : c->node]->router_id;
}

static gint64
key_neighbor_addr (const DecisionCtx *c, const RwRoute *r)
{
  /* Sessions carry no interface addresses; the neighbour's router id stands in for them. */
  return r->from >= 0 ? c->net->nodes[r->from]->router_id : 0;
}

static guint step_weight (const DecisionCtx *c, RwRoute **r, guint n) { return keep_lowest (c, r, n, key_weight); }
static guint step_local_pref (const DecisionCtx *c, RwRoute **r, guint n) { return keep_lowest (c, r, n, key_local_pref); }
static guint step_local_origin (const DecisionCtx *c, RwRoute **r, guint n) { return keep_lowest (c, r, n, key_local_origin); }
static guint step_as_path (const DecisionCtx *c, RwRoute **r, guint n) { return keep_lowest (c, r, n, key_as_path); }
static guint step_origin (const DecisionCtx *c, RwRoute **r, guint n) { return keep_lowest (c, r, n, key_origin); }
static guint step_ebgp (const DecisionCtx *c, RwRoute **r, guint n) { return keep_lowest (c, r, n, key_ebgp); }
static guint step_igp_cost (const DecisionCtx *c, RwRoute **r, guint n) { return keep_lowest (c, r, n, key_igp_cost); }
static guint step_router_id (const DecisionCtx *c, RwRoute **r, guint n) { return keep_lowest (c, r, n, key_router_id); }
static guint step_cluster_list (const DecisionCtx *c, RwRoute **r, guint n) { return keep_lowest (c, r, n, key_cluster_list); }
static guint step_neighbor_addr (const DecisionCtx *c, RwRoute **r, guint n) { return keep_lowest (c, r, n, key_neighbor_addr); }

/* MED: a route is dropped when another remaining route from the same neighbour AS has a lower
 * MED; with always_compare_med every route competes. */
static guint
step_med (const DecisionCtx *c, RwRoute **r, guint n)
{
  g_autofree gboolean *drop = NULL;
  guint k = 0;
  if (c->net->topo->always_compare_med)
    return keep_lowest (c, r, n, key_med);
  drop = g_new0 (gboolean, n);
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n && !drop[i]; j++)
      if (j != i && rw_route_neighbor_as (r[j]) == rw_route_neighbor_as (r[i]) && med_of (r[j]) < med_of (r[i]))
        drop[i] = TRUE;
  for (guint i = 0; i < n; i++)
    if (!drop[i])
      r[k++] = r[i];
  return k;
}

typedef guint (*StepFunc) (const DecisionCtx *c, RwRoute **r, guint n);

static const struct {
  RwDecisionStep step;
  const char *name;
  StepFunc fn;
} steps[] = {
  { RW_STEP_WEIGHT, "highest weight", step_weight },
  { RW_STEP_LOCAL_PREF, "highest LOCAL_PREF", step_local_pref },
  { RW_STEP_LOCAL_ORIGIN, "locally originated", step_local_origin },
  { RW_STEP_AS_PATH, "shortest AS_PATH", step_as_path },
  { RW_STEP_ORIGIN, "lowest origin", step_origin },
  { RW_STEP_MED, "lowest MED", step_med },
  { RW_STEP_EBGP, "eBGP over iBGP", step_ebgp },
  { RW_STEP_IGP_COST, "lowest IGP cost to next hop", step_igp_cost },
  { RW_STEP_ROUTER_ID, "lowest router id", step_router_id },
  { RW_STEP_CLUSTER_LIST, "shortest CLUSTER_LIST", step_cluster_list },
  { RW_STEP_NEIGHBOR_ADDR, "lowest neighbour address", step_neighbor_addr },
};

const char *
rw_decision_step_name (RwDecisionStep step)
{
  if (step == RW_STEP_NONE)
    return "only route";
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i].step == step)
      return steps[i].name;
  return "?";
}

guint
rw_decision_n_steps (void)
{
  return G_N_ELEMENTS (steps);
}

RwDecisionStep
rw_decision_step_at (guint i)
{
  g_return_val_if_fail (i < G_N_ELEMENTS (steps), RW_STEP_NONE);
  return steps[i].step;
}

guint
rw_bgp_decide (const RwNet *net, guint node, RwRoute **cands, guint n, RwDecisionStep *decided_by)
{
  DecisionCtx c = { net, node };
  RwRoute *stack_buf[16];
  g_autofree RwRoute **heap_buf = NULL;
  RwRoute **r = n <= G_N_ELEMENTS (stack_buf) ? stack_buf : (heap_buf = g_new (RwRoute *, n));
  guint left = n;
  RwDecisionStep by = RW_STEP_NONE;

  g_return_val_if_fail (n > 0, 0);
  for (guint i = 0; i < n; i++)
    r[i] = cands[i];
  for (guint s = 0; s < G_N_ELEMENTS (steps) && left > 1; s++)
    {
      left = steps[s].fn (&c, r, left);
      if (left == 1)
        by = steps[s].step;
    }
  if (left > 1) /* indistinguishable candidates: keep the first, say the last step decided */
    by = RW_STEP_NEIGHBOR_ADDR;
  if (decided_by)
    *decided_by = by;
  for (guint i = 0; i < n; i++)
    if (cands[i] == r[0])
      return i;
  g_assert_not_reached ();
}
