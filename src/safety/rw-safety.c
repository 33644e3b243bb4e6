/* rw-safety.c — verification, robustness and synthesis on top of the symbolic encoding.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-safety.h"
#include "rw-symbolic.h"

#include <math.h>

#define MAX_ROUNDS 25

void
rw_safety_params_init (RwSafetyParams *p)
{
  guint32 c;
  memset (p, 0, sizeof *p);
  p->headroom = RW_SAFETY_DEFAULT_HEADROOM;
  p->k = 1;
  p->lp_min = 0;
  p->lp_max = RW_SAFETY_DEFAULT_LP_MAX;
  p->prepend_max = RW_SAFETY_DEFAULT_PREPEND_MAX;
  p->med_max = 10000;
  p->protected_communities = g_array_new (FALSE, FALSE, sizeof (guint32));
  c = (65001u << 16) | 999;
  g_array_append_val (p->protected_communities, c);
  c = (65001u << 16) | 998;
  g_array_append_val (p->protected_communities, c);
  p->confidence = -1;
  p->min_confidence = 0;
  p->max_blast_radius = 1.0;
  p->timeout_ms = RW_SAFETY_DEFAULT_TIMEOUT_MS;
  p->synth_budget = RW_SYNTH_DEFAULT_BUDGET;
  p->synth_proofs = 3;
}

void
rw_safety_params_clear (RwSafetyParams *p)
{
  g_clear_pointer (&p->protected_communities, g_array_unref);
}

static void
violation_free (RwViolation *v)
{
  g_free (v->rule);
  g_free (v->entity);
  g_free (v->message);
  g_free (v);
}

static RwVerdict *
verdict_new (void)
{
  RwVerdict *v = g_new0 (RwVerdict, 1);
  v->violations = g_ptr_array_new_with_free_func ((GDestroyNotify) violation_free);
  return v;
}

void
rw_verdict_free (RwVerdict *v)
{
  if (v == NULL)
    return;
  g_free (v->unknown_reason);
  g_ptr_array_unref (v->violations);
  g_clear_pointer (&v->cex_failed, g_ptr_array_unref);
  g_free (v->cex_demand);
  g_free (v->cex_effect);
  g_free (v->cex_message);
  g_free (v);
}

static void
add_violation (RwVerdict *v, const char *rule, const char *entity, char *message)
{
  RwViolation *x = g_new0 (RwViolation, 1);
  x->rule = g_strdup (rule);
  x->entity = g_strdup (entity);
  x->message = message;
  g_ptr_array_add (v->violations, x);
}

/* A Z3 error on this thread (recorded by the handler) turns the verdict into "unknown". */
static void
note_z3_error (RwVerdict *v)
{
  g_autofree char *err = rw_z3_take_error ();
  if (err && !v->unknown)
    {
      v->unknown = TRUE;
      v->unknown_reason = g_steal_pointer (&err);
    }
}

/* ---- the concrete twin's verdict on a state: the first problem a person would care about ---- */

typedef struct {
  char *demand, *effect, *message;
} Problem;

static void
problem_clear (Problem *p)
{
  g_clear_pointer (&p->demand, g_free);
  g_clear_pointer (&p->effect, g_free);
  g_clear_pointer (&p->message, g_free);
}

static gboolean
concrete_problem (const RwTwin *t, double util_limit, Problem *out)
{
  const RwTraffic *tr = t->traffic;
  for (guint i = 0; i < tr->demands->len; i++)
    {
      const RwDemandResult *r = tr->demands->pdata[i];
      if (r->status != RW_DEMAND_OK)
        {
          out->demand = g_strdup (r->demand->id);
          out->effect = g_strdup (rw_demand_status_to_string (r->status));
          out->message = g_strdup_printf ("demand %s is %s: %s", r->demand->id,
                                          r->status == RW_DEMAND_LOOP ? "caught in a forwarding loop" : "blackholed", r->reason);
          return TRUE;
        }
    }
  for (guint d = 0; d < 2 * tr->n_links; d++)
    if (tr->dirs[d].utilisation > util_limit + 1e-9)
      for (guint i = 0; i < tr->demands->len; i++)
        {
          const RwDemandResult *r = tr->demands->pdata[i];
          for (guint h = 0; h < r->hops->len; h++)
            if (g_array_index (r->hops, guint, h) == d)
              {
                g_autofree char *name = rw_traffic_dir_name (t->net, d);
                out->demand = g_strdup (r->demand->id);
                out->effect = g_strdup ("overload");
                out->message = g_strdup_printf ("demand %s is pushed onto %s, which runs at %.0f %% (limit %.0f %%)",
                                                r->demand->id, name, 100 * tr->dirs[d].utilisation, 100 * util_limit);
                return TRUE;
              }
        }
  for (guint i = 0; i < tr->demands->len; i++)
    {
      const RwDemandResult *r = tr->demands->pdata[i];
      if (!r->sla_ok)
        {
          RwSlaClass *c = rw_topology_find_sla_class (t->topo, r->demand->sla_class);
          out->demand = g_strdup (r->demand->id);
          out->effect = g_strdup ("sla");
          out->message = g_strdup_printf ("demand %s (%s) sees %.1f ms and %.2f %% loss (limit %g ms, %g %%)",
                                          r->demand->id, r->demand->sla_class, r->latency_ms, r->loss_pct,
                                          c ? c->latency_ms : 0, c ? c->loss_pct : 0);
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- verification ---- */

typedef struct {
  char *rule, *entity;
  Z3_ast expr;
  Z3_ast value_expr; /* the quantity a message reports, where Z3 computes it */
  gint kind;   /* what to evaluate for the message */
  guint index; /* demand, direction or change */
  guint32 value;
} Rule;

enum { R_HEADROOM, R_REACH, R_LOOP, R_SLA, R_COMMUNITY, R_BLAST };

static void
rule_free (Rule *r)
{
  g_free (r->rule);
  g_free (r->entity);
  g_free (r);
}

static Rule *
rule_new (GPtrArray *rules, const char *rule, const char *entity, Z3_ast expr, gint kind, guint index)
{
  Rule *r = g_new0 (Rule, 1);
  r->rule = g_strdup (rule);
  r->entity = g_strdup (entity);
  r->expr = expr;
  r->kind = kind;
  r->index = index;
  g_ptr_array_add (rules, r);
  return r;
}

/* Static limits on the changes themselves and on the proposal: plain range checks, in C (a
 * solver adds nothing to "400 > 300"). */
static void
static_rules (const RwSafetyParams *p, const char *const *changes, RwVerdict *v)
{
  for (guint i = 0; changes && changes[i]; i++)
    {
      g_autoptr(RwChange) c = rw_change_parse (changes[i], NULL);
      if (c == NULL)
        continue;
      switch (c->kind)
        {
        case RW_CHANGE_LOCAL_PREF:
          if (c->value < p->lp_min || c->value > p->lp_max)
            add_violation (v, "local_pref_range", changes[i],
                           g_strdup_printf ("LOCAL_PREF %" G_GINT64_FORMAT " at %s from %s is outside the allowed range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                                            c->value, c->a, c->b, p->lp_min, p->lp_max));
          break;
        case RW_CHANGE_PREPEND:
          if (c->value > (gint64) p->prepend_max)
            add_violation (v, "prepend_limit", changes[i],
                           g_strdup_printf ("a prepend of %" G_GINT64_FORMAT " from %s to %s exceeds the limit of %u",
                                            c->value, c->a, c->b, p->prepend_max));
          break;
        case RW_CHANGE_MED:
          if (c->value > (gint64) p->med_max)
            add_violation (v, "med_range", changes[i],
                           g_strdup_printf ("MED %" G_GINT64_FORMAT " from %s to %s is above the limit of %u",
                                            c->value, c->a, c->b, p->med_max));
          break;
        default:
          break;
        }
    }
  if (p->confidence >= 0 && p->confidence < p->min_confidence)
    add_violation (v, "tier_confidence", "proposal",
                   g_strdup_printf ("confidence %.2f is below the tier minimum %.2f", p->confidence, p->min_confidence));
}

/* A violated rule in words. @sym and @m are needed only for the blast radius (the other figures
 * are the twin's own), so a rule judged in C passes NULL. */
static char *
rule_message (RwSym *sym, Z3_model m, const Rule *r, const RwSafetyParams *p, const RwTwin *after)
{
  const RwNet *net = after->net;
  switch (r->kind)
    {
    case R_HEADROOM:
      {
        RwLink *l = after->topo->links->pdata[r->index / 2];
        guint from = rw_traffic_dir_from (net, r->index), to = rw_traffic_dir_to (net, r->index);
        double u = after->traffic->dirs[r->index].utilisation; /* the exact figure of the same state */
        return g_strdup_printf ("link %s–%s (%s→%s, %s) would run at %.0f %% (limit %.0f %%)", l->a, l->b,
                                net->nodes[from]->id, net->nodes[to]->id, l->id, 100 * u, 100 * p->headroom);
      }
    case R_REACH:
      {
        const RwDemandResult *dr = after->traffic->demands->pdata[r->index];
        return g_strdup_printf ("demand %s would be blackholed%s%s", r->entity, dr->reason ? ": " : "", dr->reason ? dr->reason : "");
      }
    case R_LOOP:
      return g_strdup_printf ("demand %s would be caught in a forwarding loop", r->entity);
    case R_SLA:
      {
        const RwDemand *d = after->topo->demands->pdata[r->index];
        RwSlaClass *c = rw_topology_find_sla_class (after->topo, d->sla_class);
        const RwDemandResult *dr = after->traffic->demands->pdata[r->index];
        return g_strdup_printf ("demand %s (%s) would see %.1f ms and %.2f %% loss (limit %g ms, %g %%)", d->id,
                                d->sla_class, dr->latency_ms, dr->loss_pct, c ? c->latency_ms : 0, c ? c->loss_pct : 0);
      }
    case R_COMMUNITY:
      return g_strdup_printf ("protected community %s would be removed inside our AS", r->entity);
    case R_BLAST:
      return g_strdup_printf ("blast radius %.0f %% exceeds the tier limit of %.0f %%", 100 * rw_z3_eval_real (sym->z, m, r->value_expr),
                              100 * p->max_blast_radius);
    default:
      return g_strdup (r->rule);
    }
}

/* The IGP distances of @net, said outright. Not an assumption: with costs of at least 1 the
 * encoding's shortest-path equations have exactly one solution, the one the twin's Dijkstra
 * computes (the agreement test checks it); Z3 need not rediscover it. */
static Z3_ast
igp_of (RwSym *sym, const RwNet *net)
{
  RwZ3 *z = sym->z;
  guint n = sym->n_nodes;
  g_autoptr(GPtrArray) eqs = g_ptr_array_new ();
  for (guint u = 0; u < n; u++)
    for (guint t = 0; t < n; t++)
      if (u != t && net->nodes[u]->asn == net->nodes[t]->asn)
        {
          guint d = rw_net_igp_dist (net, u, t);
          g_ptr_array_add (eqs, zeq (z, sym->dist[u * n + t], zint (z, d == RW_IGP_UNREACHABLE ? RW_SYM_INF : (gint64) d)));
        }
  return zandv (z, eqs);
}

/* Whether @x is within its limit with room to spare: a value a hair from the limit is left to
 * Z3's exact arithmetic. */
static gboolean
clearly_within (double x, double limit)
{
  return x <= limit - 1e-6 * MAX (1.0, fabs (limit));
}

/* The protected-community rule in C: where a prefix group is originated with @c, every router
 * of ours holding a route for it keeps @c. All groups are checked, a superset of those the
 * encoding holds. */
static gboolean
community_kept (const RwTwin *t, guint32 c)
{
  const RwBgpResult *bgp = t->bgp;
  for (guint cls = 0; cls < bgp->classes->len; cls++)
    {
      const RwBgpClass *bc = bgp->classes->pdata[cls];
      gboolean tagged = FALSE;
      if (bc == NULL)
        continue;
      for (guint o = 0; o < t->topo->prefixes->len && !tagged; o++)
        {
          RwOrigination *org = t->topo->prefixes->pdata[o];
          if (rw_prefix_equal (&org->prefix, &bc->repr))
            for (guint q = 0; q < rw_origination_n_communities (org); q++)
              tagged |= rw_origination_community (org, q) == c;
        }
      if (!tagged)
        continue;
      for (guint u = 0; u < t->net->n_nodes; u++)
        {
          const RwRib *rib = &bc->ribs[u];
          const RwRoute *best;
          gboolean has = FALSE;
          if (!rw_net_is_ours (t->net, u) || rib->best < 0)
            continue;
          best = rib->routes->pdata[rib->best];
          for (guint q = 0; q < best->n_communities && !has; q++)
            has = best->communities[q] == c;
          if (!has)
            return FALSE;
        }
    }
  return TRUE;
}

/* Whether @x is over its limit beyond doubt (see clearly_within). */
static gboolean
clearly_over (double x, double limit)
{
  return x >= limit + 1e-6 * MAX (1.0, fabs (limit));
}

typedef enum { JUDGE_HOLD, JUDGE_BROKEN, JUDGE_UNSURE } Judgement;

/* Adds to @v the violation of @rule by @entity (demand or direction @index), worded as the full
 * check words it. */
static void
add_judged (RwVerdict *v, const RwTwin *after, const RwSafetyParams *p, const char *rule, const char *entity, gint kind,
            guint index)
{
  Rule r = { (char *) rule, (char *) entity, NULL, NULL, kind, index, 0 };
  add_violation (v, rule, entity, rule_message (NULL, NULL, &r, p, after));
}

/* The rules verify_state_full asks Z3 about, judged in C on @after's own stable state with the
 * encoding's formulas: JUDGE_HOLD; JUDGE_BROKEN, the violations added to @v as the full check
 * words them (the twin's state is a stable state, so a rule it breaks is broken, no search
 * needed); JUDGE_UNSURE when a figure is too close to call or a rule is out of C's reach
 * (protected communities, blast radius), and Z3 judges. */
static Judgement
rules_judged (const RwTwin *before, const RwTwin *after, const RwSafetyParams *p, RwVerdict *v)
{
  const RwTraffic *tr = after->traffic;
  for (guint i = 0; p->protected_communities && i < p->protected_communities->len; i++)
    if (!community_kept (after, g_array_index (p->protected_communities, guint32, i)))
      return JUDGE_UNSURE;
  if (p->max_blast_radius < 1.0 && before != NULL)
    return JUDGE_UNSURE;
  /* the links first: an overload is usually the cause of the SLA misses below */
  for (guint d = 0; d < 2 * after->topo->links->len; d++)
    {
      RwLink *l = after->topo->links->pdata[d / 2];
      double limit = p->headroom * l->capacity_mbps, load = tr->dirs[d].load_mbps;
      if (!l->up)
        continue;
      if (p->rules_relative && before != NULL && d < 2 * before->traffic->n_links)
        {
          /* a direction another fault already pushed beyond the headroom, left as it was, is
           * not held against the change */
          double was = before->traffic->dirs[d].load_mbps;
          if (was > limit && fabs (load - was) <= 1e-9 * MAX (1.0, was))
            continue;
        }
      if (clearly_within (load, limit))
        continue;
      if (!clearly_over (load, limit))
        return JUDGE_UNSURE;
      {
        g_autofree char *name = rw_traffic_dir_name (after->net, d);
        add_judged (v, after, p, "headroom", name, R_HEADROOM, d);
      }
    }
  for (guint d = 0; d < after->topo->demands->len; d++)
    {
      const RwDemand *dm = after->topo->demands->pdata[d];
      const RwDemandResult *r = tr->demands->pdata[d];
      const RwDemandResult *was = p->rules_relative && before != NULL && d < before->traffic->demands->len
                                    ? before->traffic->demands->pdata[d] : NULL;
      RwSlaClass *sla = rw_topology_find_sla_class (after->topo, dm->sla_class);
      double lat, loss;
      /* as the full check: a demand already blackholed or looping before is not held against
       * the change, except a blackhole the change turns into a loop */
      if (was == NULL || was->status == RW_DEMAND_OK)
        {
          if (r->status == RW_DEMAND_BLACKHOLE)
            add_judged (v, after, p, "reachable", dm->id, R_REACH, d);
          else if (r->status == RW_DEMAND_LOOP)
            add_judged (v, after, p, "no_loop", dm->id, R_LOOP, d);
        }
      else if (was->status == RW_DEMAND_BLACKHOLE && r->status == RW_DEMAND_LOOP)
        add_judged (v, after, p, "no_loop", dm->id, R_LOOP, d);
      if ((was != NULL && !was->sla_ok) || r->status != RW_DEMAND_OK || sla == NULL || r->sla_ok)
        continue; /* missed before, not delivered (the SLA rule asks nothing), or met exactly */
      rw_sym_concrete_sla_terms (after, d, &lat, &loss);
      if (clearly_over (lat, sla->latency_ms) || clearly_over (loss, sla->loss_pct))
        add_judged (v, after, p, "sla", dm->id, R_SLA, d);
      else
        return JUDGE_UNSURE;
    }
  return v->violations->len ? JUDGE_BROKEN : JUDGE_HOLD;
}

/* Routes a group's route space may hold before its question goes to the whole encoding. */
#define SPACE_MAX_ROUTES 4096

/* Whether route @i beats route @j at @u when both are offered: the decision process on the
 * pair, in the order the solver gathers them (originated first, then by adjacency). */
static gboolean
space_beats (const RwNet *net, guint u, const RwSpaceRoute *i, const RwSpaceRoute *j)
{
  RwRoute *pair[2];
  gboolean i_first = i->adj < j->adj;
  pair[0] = i_first ? i->route : j->route;
  pair[1] = i_first ? j->route : i->route;
  return rw_bgp_decide (net, u, pair, 2, NULL) == (i_first ? 0u : 1u);
}

/* Whether the decision at @u among any routes of @at that arrive together is that of the pairs:
 * true unless MED is compared only within a neighbour AS and two routes from one AS differ in it
 * (the winner of a set then need not win each pair). */
static gboolean
space_pairwise (const RwNet *net, GPtrArray *at)
{
  if (net->topo->always_compare_med)
    return TRUE;
  for (guint i = 0; i < at->len; i++)
    for (guint j = i + 1; j < at->len; j++)
      {
        const RwRoute *a = ((RwSpaceRoute *) at->pdata[i])->route, *b = ((RwSpaceRoute *) at->pdata[j])->route;
        if (rw_route_neighbor_as (a) == rw_route_neighbor_as (b) && (a->has_med ? a->med : 0) != (b->has_med ? b->med : 0))
          return FALSE;
      }
  return TRUE;
}

/* Frees the rows of @rows (NULL where none was made), not @rows itself. */
static void
free_rows (Z3_ast **rows, guint n)
{
  for (guint i = 0; i < n; i++)
    g_free (rows[i]);
}

/* Whether class @cls of @twin has no stable state but the twin's, asked over its route space:
 * a Boolean "node u holds route i" per route, each held route offered by its sender and better
 * than every other route offered with it. Z3 first finds the twin's choices a solution, then
 * proves there is no other. Z3_L_FALSE: no other state (proven); Z3_L_TRUE: another state
 * exists (where each node then takes its route from goes to @other_from when not NULL: a
 * node, -1 originated, -2 nothing); Z3_L_UNDEF: this way does not apply (space too large, MED
 * by neighbour AS, the twin's route missing) or Z3 gave no answer — the caller asks the whole
 * encoding. */
static Z3_lbool
space_other_state (RwZ3 *z, const RwTwin *twin, guint cls, guint *checks, gint *other_from)
{
  const RwNet *net = twin->net;
  const RwBgpClass *bc = twin->bgp->classes->pdata[cls];
  g_autoptr(RwRouteSpace) space = rw_bgp_route_space (net, &bc->repr, SPACE_MAX_ROUTES);
  g_autoptr(GPtrArray) here = g_ptr_array_new ();
  g_autofree Z3_ast **held = NULL;
  Z3_solver s;
  Z3_ast pin;
  Z3_lbool res;

  if (space == NULL)
    return Z3_L_UNDEF;
  held = g_new0 (Z3_ast *, net->n_nodes);
  for (guint u = 0; u < net->n_nodes; u++)
    {
      GPtrArray *at = space->routes[u];
      const RwRib *rib = &bc->ribs[u];
      const RwRoute *best = rib->best >= 0 ? rib->routes->pdata[rib->best] : NULL;
      gboolean found = best == NULL;
      if (!space_pairwise (net, at))
        {
          free_rows (held, net->n_nodes);
          return Z3_L_UNDEF;
        }
      held[u] = g_new0 (Z3_ast, at->len + 1);
      for (guint i = 0; i < at->len; i++)
        {
          const RwSpaceRoute *sr = at->pdata[i];
          held[u][i] = zvar_bool (z, "held.c%u.%u.%u", cls, u, i);
          if (best && sr->adj == best->adj && rw_route_equal (sr->route, best))
            {
              g_ptr_array_add (here, held[u][i]);
              found = TRUE;
            }
          else
            g_ptr_array_add (here, znot (z, held[u][i]));
        }
      if (!found)
        {
          free_rows (held, net->n_nodes);
          return Z3_L_UNDEF;
        }
    }

  s = rw_z3_solver (z);
  for (guint u = 0; u < net->n_nodes; u++)
    {
      GPtrArray *at = space->routes[u];
      g_autofree Z3_ast *offered = g_new0 (Z3_ast, at->len + 1);
      g_autoptr(GPtrArray) all = g_ptr_array_new ();
      for (guint i = 0; i < at->len; i++)
        {
          const RwSpaceRoute *sr = at->pdata[i];
          if (sr->adj < 0)
            offered[i] = zbool (z, TRUE);
          else
            {
              guint from = net->adjs[sr->adj].peer;
              g_autoptr(GPtrArray) by = g_ptr_array_new ();
              for (guint k = 0; k < sr->parents->len; k++)
                g_ptr_array_add (by, held[from][g_array_index (sr->parents, guint, k)]);
              offered[i] = zorv (z, by);
            }
          g_ptr_array_add (all, held[u][i]);
        }
      for (guint i = 0; i < at->len; i++)
        {
          const RwSpaceRoute *sr = at->pdata[i];
          g_autoptr(GPtrArray) wins = g_ptr_array_new ();
          g_ptr_array_add (wins, offered[i]);
          for (guint j = 0; j < at->len; j++)
            {
              const RwSpaceRoute *other = at->pdata[j];
              /* one route per adjacency at a time: routes on the same one never compete */
              if (other->adj != sr->adj && space_beats (net, u, other, sr))
                g_ptr_array_add (wins, znot (z, offered[j]));
            }
          Z3_solver_assert (z->ctx, s, ziff (z, held[u][i], zandv (z, wins)));
        }
      Z3_solver_assert (z->ctx, s, zatmost (z, all, 1));
    }
  pin = zandv (z, here);
  res = rw_z3_check_assuming (z, s, 1, &pin);
  (*checks)++;
  if (res == Z3_L_TRUE)
    {
      Z3_solver_assert (z->ctx, s, znot (z, pin));
      res = rw_z3_check (z, s);
      (*checks)++;
      if (res == Z3_L_TRUE && other_from != NULL)
        {
          Z3_model m = Z3_solver_get_model (z->ctx, s);
          Z3_model_inc_ref (z->ctx, m);
          for (guint u = 0; u < net->n_nodes; u++)
            {
              GPtrArray *at = space->routes[u];
              other_from[u] = -2;
              for (guint i = 0; i < at->len; i++)
                if (rw_z3_eval_bool (z, m, held[u][i]))
                  other_from[u] = ((RwSpaceRoute *) at->pdata[i])->route->from;
            }
          Z3_model_dec_ref (z->ctx, m);
        }
    }
  else
    res = Z3_L_UNDEF; /* the twin's state should be one: ask the whole encoding */
  rw_z3_solver_free (z, s);
  free_rows (held, net->n_nodes);
  return res;
}

/* A failure case: nothing failed (@failure < 0) or one element, and the twin's state then. */
typedef struct {
  gint failure;
  RwTwin *state;
} Case;

static void
case_clear (Case *c)
{
  g_clear_pointer (&c->state, rw_twin_free);
}

/* Whether each of @classes (@n_classes indices into @bgp's classes) has, in each of @cases, no
 * stable state but the one the case's state is in, asked over the route spaces
 * (space_other_state; a class is found in a case's state by its first prefix). FALSE as soon
 * as a class has another. A class the route space does not answer for in some case (the cases
 * after that one are not asked) goes to @rest: the routing encoding decides it. */
static gboolean
space_unique (RwZ3 *z, const Case *cases, guint n_cases, const RwBgpResult *bgp, const guint *classes,
              guint n_classes, GArray *rest, RwVerdict *v)
{
  for (guint i = 0; i < n_classes; i++)
    {
      const RwBgpClass *bc = bgp->classes->pdata[classes[i]];
      Z3_lbool res = Z3_L_FALSE;
      for (guint c = 0; c < n_cases && res == Z3_L_FALSE; c++)
        {
          const RwTwin *state = cases[c].state;
          gint idx = rw_bgp_prefix_index (state->bgp, &bc->repr);
          res = idx < 0 ? Z3_L_UNDEF : space_other_state (z, state, rw_bgp_prefix_class (state->bgp, (guint) idx), &v->checks, NULL);
        }
      if (res == Z3_L_TRUE)
        return FALSE;
      if (res == Z3_L_UNDEF)
        g_array_append_val (rest, classes[i]);
    }
  return TRUE;
}

/* Whether @twin's stable state is, in every prefix group a demand can use, the one and only
 * stable state (nothing failed). Forwarding, loads, latency and loss follow from the routing
 * choices, so the rules then hold in every state exactly when they hold in the twin's. Each
 * group is asked over its route space first (small and Boolean); a group that way does not
 * fit goes to the routing encoding: Z3 finds the twin's choices a solution (assumed for that
 * one check) and then no other, one solver for those groups, each in its own frame. FALSE
 * when a group has another state, a check fails or gives no answer (the caller falls back to
 * the full encoding). */
static gboolean
twin_state_unique (const RwTwin *twin, const RwSafetyParams *p, RwVerdict *v)
{
  RwZ3 *z = rw_z3_new (p->timeout_ms);
  g_autoptr(GArray) classes = rw_sym_demand_classes (twin);
  g_autoptr(GArray) rest = g_array_new (FALSE, FALSE, sizeof (guint));
  const Case none = { -1, (RwTwin *) twin };
  RwSymOptions so = { .k = 0, .routing_only = TRUE };
  RwSym *sym;
  Z3_solver cs;
  gboolean unique = space_unique (z, &none, 1, twin->bgp, (const guint *) classes->data, classes->len, rest, v);

  if (!unique || rest->len == 0)
    {
      rw_z3_free (z);
      return unique;
    }

  sym = rw_sym_new (z, twin, &so);
  cs = rw_z3_solver (z);
  rw_sym_assert_class_only (sym, cs, RW_SYM_SHARED);
  Z3_solver_assert (z->ctx, cs, igp_of (sym, twin->net));
  for (guint i = 0; i < rest->len && unique; i++)
    {
      gint slot = sym->class_slot[g_array_index (rest, guint, i)];
      g_autoptr(GPtrArray) pin = g_ptr_array_new ();
      Z3_ast here;
      if (slot < 0 || !rw_sym_twin_class_state (sym, twin, (guint) slot, pin))
        {
          unique = FALSE;
          break;
        }
      here = zandv (z, pin);
      Z3_solver_push (z->ctx, cs);
      rw_sym_assert_class_only (sym, cs, slot);
      unique = rw_z3_check_assuming (z, cs, 1, &here) == Z3_L_TRUE;
      v->checks++;
      if (unique)
        {
          Z3_solver_assert (z->ctx, cs, znot (z, here));
          unique = rw_z3_check (z, cs) == Z3_L_FALSE;
          v->checks++;
        }
      Z3_solver_pop (z->ctx, cs, 1);
    }
  rw_z3_solver_free (z, cs);
  rw_sym_free (sym);
  rw_z3_free (z);
  return unique;
}

static void
verify_state_full (const RwTwin *before, const RwTwin *after, const RwSafetyParams *p, RwVerdict *v)
{
  RwZ3 *z = rw_z3_new (p->timeout_ms);
  RwSymOptions so = { .k = 0, .routing_only = FALSE };
  RwSym *sym = rw_sym_new (z, after, &so);
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  g_autoptr(GPtrArray) remaining = g_ptr_array_new ();
  Z3_solver s = rw_z3_solver (z);
  Z3_model model = NULL;
  Z3_lbool res;
  guint nd = 2 * sym->n_links;
  Z3_ast blast_value = NULL;
  gboolean pinned = FALSE; /* Z3's model is the twin's own stable state */

  rw_sym_assert_model (sym, s);
  res = Z3_L_UNDEF;
  if (after->bgp->converged)
    {
      /* The twin has already found a stable state: offer it as the candidate instead of
       * searching for one (about six times faster). The encoding admits every concrete fixed
       * point (the agreement test holds the two together), so this is a check, not a search.
       * No push: Z3 simplifies a formula it need not keep open for retraction much better. */
      g_autoptr(GPtrArray) pin = rw_sym_twin_state (sym, after);
      g_ptr_array_add (pin, igp_of (sym, after->net));
      for (guint i = 0; i < pin->len; i++)
        Z3_solver_assert (z->ctx, s, pin->pdata[i]);
      res = rw_z3_check (z, s);
      v->checks++;
      pinned = res == Z3_L_TRUE;
      if (res != Z3_L_TRUE)
        {
          /* should it fail all the same, search as if the twin had said nothing */
          rw_z3_solver_free (z, s);
          s = rw_z3_solver (z);
          rw_sym_assert_model (sym, s);
        }
    }
  if (res != Z3_L_TRUE)
    {
      res = rw_z3_check (z, s);
      v->checks++;
    }
  if (res == Z3_L_UNDEF)
    {
      v->unknown = TRUE;
      v->unknown_reason = rw_z3_unknown_reason (z, s);
      goto out;
    }
  if (res == Z3_L_FALSE)
    {
      add_violation (v, "convergence", "BGP", g_strdup ("BGP has no stable state after the change (the routers would keep changing their minds)"));
      goto out;
    }
  model = Z3_solver_get_model (z->ctx, s);
  Z3_model_inc_ref (z->ctx, model);

  for (guint i = 0; p->protected_communities && i < p->protected_communities->len; i++)
    {
      guint32 c = g_array_index (p->protected_communities, guint32, i);
      gint ci = -1;
      g_autoptr(GPtrArray) conj = g_ptr_array_new ();
      g_autofree char *name = rw_community_to_string (c);
      for (guint k = 0; k < sym->comms->len; k++)
        if (g_array_index (sym->comms, guint32, k) == c)
          ci = (gint) k;
      if (ci < 0)
        continue;
      /* where a class is originated with the community, every router of ours holding it keeps it */
      for (guint sl = 0; sl < sym->classes->len; sl++)
        {
          guint cls = g_array_index (sym->classes, guint, sl);
          const RwBgpClass *bc = after->bgp->classes->pdata[cls];
          gboolean tagged = FALSE;
          for (guint o = 0; o < after->topo->prefixes->len; o++)
            {
              RwOrigination *org = after->topo->prefixes->pdata[o];
              if (rw_prefix_equal (&org->prefix, &bc->repr))
                for (guint q = 0; q < rw_origination_n_communities (org); q++)
                  tagged |= rw_origination_community (org, q) == c;
            }
          if (!tagged)
            continue;
          for (guint u = 0; u < sym->n_nodes; u++)
            if (rw_net_is_ours (after->net, u))
              g_ptr_array_add (conj, zimp (z, sym->best[sl][u]->valid, sym->best[sl][u]->comm[ci]));
        }
      if (conj->len)
        rule_new (rules, "protected_community", name, zandv (z, conj), R_COMMUNITY, 0);
    }
  for (guint d = 0; d < sym->n_demands; d++)
    {
      const RwDemand *dm = after->topo->demands->pdata[d];
      const RwDemandResult *was = p->rules_relative && before != NULL && d < before->traffic->demands->len
                                    ? before->traffic->demands->pdata[d] : NULL;
      /* relative rules judge a change by what it changes: a demand some other fault already
       * blackholes or loops before the change is not held against it */
      if (was == NULL || was->status == RW_DEMAND_OK)
        {
          rule_new (rules, "reachable", dm->id, zor2 (z, sym->delivered[d], sym->looped[d]), R_REACH, d);
          rule_new (rules, "no_loop", dm->id, znot (z, sym->looped[d]), R_LOOP, d);
        }
      else if (was->status == RW_DEMAND_BLACKHOLE)
        rule_new (rules, "no_loop", dm->id, znot (z, sym->looped[d]), R_LOOP, d);
      if (was != NULL && !was->sla_ok)
        continue; /* already missing it before the change */
      rule_new (rules, "sla", dm->id, zimp (z, sym->delivered[d], rw_sym_sla_ok (sym, d)), R_SLA, d);
    }
  for (guint d = 0; d < nd; d++)
    {
      RwLink *l = after->topo->links->pdata[d / 2];
      g_autofree char *name = rw_traffic_dir_name (after->net, d);
      if (!l->up)
        continue;
      {
        /* whatever the agent does must leave every direction it changes within the headroom;
         * in relative mode a direction another fault already pushed beyond it, and whose load
         * the change leaves as it is, is not held against the change (a change that moves
         * traffic on or off it must bring it within the headroom) */
        double limit = p->headroom * l->capacity_mbps;
        if (p->rules_relative && before != NULL && d < 2 * before->traffic->n_links)
          {
            double was = before->traffic->dirs[d].load_mbps, now = after->traffic->dirs[d].load_mbps;
            if (was > limit && fabs (now - was) <= 1e-9 * MAX (1.0, was))
              limit = was;
          }
        rule_new (rules, "headroom", name, zle (z, sym->load[d], zreal (z, limit)), R_HEADROOM, d);
      }
    }
  /* Z3's latency and loss are safe upper bounds of the twin's (chords above the convex queueing
   * curve, losses added rather than compounded). When Z3's model is the twin's own state, the
   * twin's exact figures decide the SLA: a demand at 99.3 ms against a limit of 100 ms meets
   * it, although the bound may say 100.4 ms. */
  for (guint i = rules->len; pinned && i > 0; i--)
    {
      Rule *r = rules->pdata[i - 1];
      const RwDemandResult *dr = r->kind == R_SLA ? after->traffic->demands->pdata[r->index] : NULL;
      if (dr && (dr->status != RW_DEMAND_OK || dr->sla_ok) && !rw_z3_eval_bool (z, model, r->expr))
        g_ptr_array_remove_index (rules, i - 1);
    }
  if (p->max_blast_radius < 1.0 && before != NULL)
    {
      /* share of traffic whose path differs from the path before the change */
      g_autoptr(GPtrArray) moved = g_ptr_array_new ();
      double total = before->traffic->total_mbps;
      for (guint d = 0; d < sym->n_demands && d < before->traffic->demands->len; d++)
        {
          const RwDemandResult *rb = before->traffic->demands->pdata[d];
          g_autoptr(GPtrArray) diff = g_ptr_array_new ();
          for (guint dir = 0; dir < nd; dir++)
            {
              gboolean was = FALSE;
              for (guint h = 0; h < rb->hops->len; h++)
                was |= g_array_index (rb->hops, guint, h) == dir;
              g_ptr_array_add (diff, was ? znot (z, sym->use[d * nd + dir]) : sym->use[d * nd + dir]);
            }
          g_ptr_array_add (moved, zite (z, zorv (z, diff), zreal (z, rb->demand->mbps), zreal (z, 0)));
        }
      blast_value = zmul (z, zsumv (z, moved, TRUE), zreal (z, total > 0 ? 1.0 / total : 0));
      rule_new (rules, "tier_blast_radius", "proposal", zle (z, blast_value, zreal (z, p->max_blast_radius)), R_BLAST, 0)->value_expr = blast_value;
    }

  /* Rules that hold in the state found are satisfiable with it: nothing more to ask. Only
   * when some rule is false there, Z3 is asked whether any completion of that state (the same
   * routing choices) meets them, and cores say which cannot. */
  for (guint i = 0; i < rules->len; i++)
    if (!rw_z3_eval_bool (z, model, ((Rule *) rules->pdata[i])->expr))
      g_ptr_array_add (remaining, rules->pdata[i]);
  if (remaining->len == 0)
    goto out;
  {
    /* All the rules again, each round tracking the ones still standing in a push/pop frame,
     * on the solver that holds the model, with the stable routing choices found above. */
    Z3_solver rs = s;
    g_ptr_array_set_size (remaining, 0);
    for (guint i = 0; i < rules->len; i++)
      g_ptr_array_add (remaining, rules->pdata[i]);
    for (guint sl = 0; sl < sym->classes->len; sl++)
      for (guint u = 0; u < sym->n_nodes; u++)
        {
          RwSymRoute *b = sym->best[sl][u];
          Z3_solver_assert (z->ctx, rs, zeq (z, b->valid, zbool (z, rw_z3_eval_bool (z, model, b->valid))));
          Z3_solver_assert (z->ctx, rs, zeq (z, b->from, zint (z, rw_z3_eval_int (z, model, b->from))));
        }
    for (guint round = 0; round < MAX_ROUNDS; round++)
      {
        Z3_ast_vector core;
        g_autoptr(GHashTable) by_label = g_hash_table_new (g_direct_hash, g_direct_equal);
        guint found = 0;
        Z3_solver_push (z->ctx, rs);
        for (guint i = 0; i < remaining->len; i++)
          {
            Rule *r = remaining->pdata[i];
            Z3_ast label = zvar_bool (z, "rule[%u].%s.%s", i, r->rule, r->entity);
            Z3_solver_assert_and_track (z->ctx, rs, r->expr, label);
            g_hash_table_insert (by_label, GUINT_TO_POINTER (Z3_get_ast_id (z->ctx, label)), r);
          }
        res = rw_z3_check (z, rs);
        v->checks++;
        if (res == Z3_L_UNDEF)
          {
            v->unknown = TRUE;
            v->unknown_reason = rw_z3_unknown_reason (z, rs);
          }
        if (res != Z3_L_FALSE)
          {
            Z3_solver_pop (z->ctx, rs, 1);
            break;
          }
        core = Z3_solver_get_unsat_core (z->ctx, rs);
        Z3_ast_vector_inc_ref (z->ctx, core);
        /* Z3's cores need not be minimal: a rule is reported only if it is false in the
         * post-change state itself. */
        for (guint i = 0; i < Z3_ast_vector_size (z->ctx, core); i++)
          {
            Rule *r = g_hash_table_lookup (by_label, GUINT_TO_POINTER (Z3_get_ast_id (z->ctx, Z3_ast_vector_get (z->ctx, core, i))));
            if (r == NULL || rw_z3_eval_bool (z, model, r->expr))
              continue;
            add_violation (v, r->rule, r->entity, rule_message (sym, model, r, p, after));
            g_ptr_array_remove (remaining, r);
            found++;
          }
        Z3_ast_vector_dec_ref (z->ctx, core);
        Z3_solver_pop (z->ctx, rs, 1);
        if (found == 0)
          {
            v->unknown = TRUE;
            v->unknown_reason = g_strdup ("Z3 found the rules inconsistent with the predicted state, but no rule fails in it");
            break;
          }
      }
  }

out:
  if (model)
    Z3_model_dec_ref (z->ctx, model);
  note_z3_error (v);
  rw_z3_solver_free (z, s);
  rw_sym_free (sym);
  rw_z3_free (z);
}

/* The rules on the state after the change. When the twin's state meets them all (checked in
 * C) and Z3 proves that state the only stable one, that is the verdict; otherwise the whole
 * network, forwarding and traffic included, goes to Z3, which finds and words the violations. */
static void
verify_state_into (const RwTwin *before, const RwTwin *after, const RwSafetyParams *p, RwVerdict *v)
{
  if (!p->full_encoding && after->bgp->converged)
    {
      g_autoptr(RwVerdict) judged = verdict_new ();
      switch (rules_judged (before, after, p, judged))
        {
        case JUDGE_BROKEN:
          /* broken in a state BGP can be in: that is the answer, whatever other states exist */
          for (guint i = 0; i < judged->violations->len; i++)
            g_ptr_array_add (v->violations, g_steal_pointer (&judged->violations->pdata[i]));
          g_ptr_array_set_free_func (judged->violations, NULL);
          return;
        case JUDGE_HOLD:
          if (twin_state_unique (after, p, v))
            return;
          break;
        case JUDGE_UNSURE:
          break;
        }
    }
  if (rw_z3_cancelled ())
    {
      /* the short proof stopped for the operator: no second, longer one */
      v->unknown = TRUE;
      v->unknown_reason = g_strdup (RW_Z3_CANCELLED);
      return;
    }
  verify_state_full (before, after, p, v);
}

/* ---- robustness ---- */

/* "link-down:R1-ISPA" -> "link R1-ISPA"; "session-down:R3:R1" -> "the R3–R1 session" */
static char *
failure_name (const char *change)
{
  g_auto(GStrv) parts = g_strsplit (change, ":", -1);
  if (g_str_has_prefix (change, "link-down:") && parts[1])
    return g_strdup_printf ("link %s", parts[1]);
  if (g_str_has_prefix (change, "session-down:") && parts[1] && parts[2])
    return g_strdup_printf ("the %s–%s BGP session", parts[1], parts[2]);
  return g_strdup (change);
}

/* The verdict's counterexample: @failed (taken) break @pr's demand. */
static void
take_counterexample (RwVerdict *v, GPtrArray *failed, Problem *pr)
{
  GString *what = g_string_new (NULL);
  for (guint i = 0; i < failed->len; i++)
    {
      g_autofree char *name = failure_name (failed->pdata[i]);
      g_string_append_printf (what, "%s%s", i ? " and " : "", name);
    }
  v->cex_failed = failed;
  v->cex_demand = g_steal_pointer (&pr->demand);
  v->cex_effect = g_steal_pointer (&pr->effect);
  if (failed->len == 0)
    v->cex_message = g_strdup_printf ("even with nothing failed, %s", pr->message);
  else
    v->cex_message = g_strdup_printf ("if %s fail%s, %s", what->str, failed->len == 1 ? "s" : "", pr->message);
  g_string_free (what, TRUE);
  problem_clear (pr);
}

/* The formula "this case happened": its one failure, or none at all. */
static Z3_ast
case_holds (RwSym *sym, const Case *c)
{
  g_autoptr(GPtrArray) none = NULL;
  if (c->failure >= 0)
    return sym->failure_vars->pdata[c->failure];
  none = g_ptr_array_new ();
  for (guint f = 0; f < sym->failure_vars->len; f++)
    g_ptr_array_add (none, znot (sym->z, sym->failure_vars->pdata[f]));
  return zandv (sym->z, none);
}

/* In each case, the IGP distances are the twin's. Not an assumption: with costs of at least 1
 * the encoding's shortest-path equations have exactly one solution, the one the twin's
 * Dijkstra computes; said outright, Z3 need not rediscover it for every class. */
static void
assert_igp (RwSym *sym, Z3_solver cs, GArray *cases)
{
  RwZ3 *z = sym->z;
  for (guint i = 0; i < cases->len; i++)
    {
      const Case *c = &g_array_index (cases, Case, i);
      Z3_solver_assert (z->ctx, cs, zimp (z, case_holds (sym, c), igp_of (sym, c->state->net)));
    }
}

/* A solver holding what every class rests on (failures, IGP, sessions), once for all classes;
 * class_other_state asks about each class in a frame of its own. */
static Z3_solver
class_solver (RwSym *sym, GArray *cases)
{
  Z3_solver cs = rw_z3_solver (sym->z);
  rw_sym_assert_class_only (sym, cs, RW_SYM_SHARED);
  assert_igp (sym, cs, cases);
  return cs;
}

/* Whether encoded class @slot has, in any of @cases, a stable state other than the one the
 * twin lands in: Z3_L_FALSE no, Z3_L_TRUE yes (the other state in *@other when not NULL),
 * Z3_L_UNDEF when Z3 gave no answer (why in *@why) or a case has no such class (*@why NULL). */
static Z3_lbool
class_other_state (RwSym *sym, Z3_solver cs, GArray *cases, guint slot, Z3_model *other, char **why)
{
  RwZ3 *z = sym->z;
  g_autoptr(GPtrArray) alternatives = g_ptr_array_new ();
  Z3_lbool res;
  Z3_solver_push (z->ctx, cs);
  rw_sym_assert_class_only (sym, cs, slot);
  for (guint i = 0; i < cases->len; i++)
    {
      const Case *c = &g_array_index (cases, Case, i);
      g_autoptr(GPtrArray) pin = g_ptr_array_new ();
      if (!rw_sym_twin_class_state (sym, c->state, slot, pin))
        {
          Z3_solver_pop (z->ctx, cs, 1);
          return Z3_L_UNDEF;
        }
      g_ptr_array_add (alternatives, zand2 (z, case_holds (sym, c), znot (z, zandv (z, pin))));
    }
  Z3_solver_assert (z->ctx, cs, zorv (z, alternatives));
  res = rw_z3_check (z, cs);
  if (res == Z3_L_UNDEF)
    *why = rw_z3_unknown_reason (z, cs);
  else if (res == Z3_L_TRUE && other != NULL)
    {
      *other = Z3_solver_get_model (z->ctx, cs);
      Z3_model_inc_ref (z->ctx, *other);
    }
  Z3_solver_pop (z->ctx, cs, 1);
  return res;
}

/* Whether every encoded class has no stable state under any of @cases but the one the twin
 * lands in. BGP chooses per class (given the failures, the IGP and the sessions are fixed), so
 * the network then has exactly the twin's state in every case, and the twin's verdict on it is
 * the proof's. Each class is asked in each case over its route space first (the case's own
 * network: the failed element is gone from it); a class that does not fit there gets one
 * check over all cases with the routing encoding. FALSE when some class has another stable
 * state (a wedgie: the full search decides) or Z3 gave no answer (@v says so). */
static gboolean
states_unique (RwSym *sym, GArray *cases, RwVerdict *v)
{
  Z3_solver cs = NULL;
  gboolean unique = TRUE;
  for (guint i = 0; i < cases->len; i++)
    if (!g_array_index (cases, Case, i).state->bgp->converged)
      return FALSE;
  for (guint slot = 0; slot < sym->classes->len && unique; slot++)
    {
      g_autoptr(GArray) rest = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autofree char *why = NULL;
      Z3_lbool res;
      unique = space_unique (sym->z, (const Case *) cases->data, cases->len, sym->twin->bgp,
                             &g_array_index (sym->classes, guint, slot), 1, rest, v);
      if (!unique || rest->len == 0)
        continue;
      if (cs == NULL)
        cs = class_solver (sym, cases);
      res = class_other_state (sym, cs, cases, slot, NULL, &why);
      v->checks++;
      if (res == Z3_L_UNDEF && why != NULL)
        {
          v->unknown = TRUE;
          v->unknown_reason = g_steal_pointer (&why);
        }
      unique = res == Z3_L_FALSE;
    }
  if (cs)
    rw_z3_solver_free (sym->z, cs);
  return unique;
}

static void
robustness_into (const RwTwin *twin, const RwSafetyParams *p, RwVerdict *v)
{
  RwZ3 *z = rw_z3_new (p->timeout_ms);
  /* Routing alone first: the concrete cases need only the failures' names, and the proof that
   * no other stable state exists only the routing. Forwarding and traffic are encoded only
   * when Z3 must search all states. */
  RwSymOptions so = { .k = p->k, .routing_only = TRUE };
  RwSym *sym = rw_sym_new (z, twin, &so);
  Z3_solver s = NULL;
  g_autoptr(GPtrArray) bad = g_ptr_array_new ();
  g_autoptr(GArray) cases = g_array_new (FALSE, FALSE, sizeof (Case));
  g_autoptr(GArray) left_out = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean cases_ok = TRUE, none_excused = FALSE;
  guint nd = 2 * sym->n_links;

  g_array_set_clear_func (cases, (GDestroyNotify) case_clear);

  /* Nothing failed, then every single failure, on the concrete twin first (a few milliseconds
   * each). A case that breaks something in the twin's state is a counterexample, confirmed
   * already. In relative mode, a case that already breaks something before the change is not
   * the change's doing and is left out. */
  for (gint i = -1; p->k <= 1 && i < (gint) sym->failure_vars->len; i++)
    {
      const char *one[] = { i >= 0 ? (const char *) sym->failure_names->pdata[i] : NULL, NULL };
      Case c = { i, NULL };
      Problem pr = { 0 };
      /* the same case before the change (relative mode), asked twice below */
      g_autoptr(RwTwin) before = NULL;
      if (i >= 0 && p->k == 0)
        break;
      if (p->robust_relative_to != NULL)
        {
          Problem pre = { 0 };
          before = rw_twin_fork_apply (p->robust_relative_to, one, NULL);
          gboolean already = before && concrete_problem (before, 1.0, &pre);
          problem_clear (&pre);
          if (already && i >= 0)
            {
              guint fi = (guint) i;
              g_array_append_val (left_out, fi);
              v->preexisting++;
              continue;
            }
        }
      c.state = rw_twin_fork_apply (twin, one, NULL);
      if (c.state == NULL)
        {
          cases_ok = FALSE;
          continue;
        }
      g_array_append_val (cases, c);
      if (concrete_problem (c.state, 1.0, &pr))
        {
          if (before != NULL)
            {
              /* the same demand already broken before the change is not the change's doing */
              gint di = before ? rw_traffic_find_demand (before->traffic, pr.demand) : -1;
              if (di >= 0 && !((const RwDemandResult *) before->traffic->demands->pdata[di])->sla_ok)
                {
                  problem_clear (&pr);
                  if (i >= 0)
                    cases_ok = FALSE; /* the full search weighs this one */
                  else
                    {
                      /* Nothing failed, and the demand was already broken: the case is not the
                       * change's doing (the full search excuses it the same way, below). What
                       * the change itself breaks with nothing failed, the state rules judge. */
                      g_array_remove_index (cases, cases->len - 1);
                      none_excused = TRUE;
                    }
                  continue;
                }
            }
          {
            GPtrArray *failed = g_ptr_array_new_with_free_func (g_free);
            if (i >= 0)
              g_ptr_array_add (failed, g_strdup (one[0]));
            take_counterexample (v, failed, &pr);
            goto done;
          }
        }
    }
  /* Z3 then proves that no other stable state exists in any case; only if one does, or for
   * more than one failure, it searches all states for one that breaks a demand or a link. */
  if (p->k <= 1 && cases_ok && !p->full_encoding && states_unique (sym, cases, v))
    goto done;
  if (v->unknown)
    goto done;

  /* the full encoding, with the same failure variables in the same order */
  rw_sym_free (sym);
  so.routing_only = FALSE;
  sym = rw_sym_new (z, twin, &so);
  s = rw_z3_solver (z);
  rw_sym_assert_model (sym, s);
  for (guint d = 0; d < sym->n_demands; d++)
    g_ptr_array_add (bad, znot (z, rw_sym_sla_ok (sym, d)));
  for (guint dir = 0; dir < nd; dir++)
    {
      RwLink *l = twin->topo->links->pdata[dir / 2];
      g_ptr_array_add (bad, zlt (z, zreal (z, l->capacity_mbps), sym->load[dir]));
    }
  Z3_solver_assert (z->ctx, s, zorv (z, bad));
  for (guint i = 0; i < left_out->len; i++)
    Z3_solver_assert (z->ctx, s, znot (z, sym->failure_vars->pdata[g_array_index (left_out, guint, i)]));
  if (none_excused)
    Z3_solver_assert (z->ctx, s, zorv (z, sym->failure_vars));

  for (guint round = 0; round < MAX_ROUNDS; round++)
    {
      Z3_lbool res = rw_z3_check (z, s);
      Z3_model m;
      g_autoptr(GPtrArray) failed = NULL;
      g_autoptr(GPtrArray) block = g_ptr_array_new ();
      g_autoptr(RwTwin) broken = NULL;
      Problem pr = { 0 };
      v->checks++;
      if (res == Z3_L_FALSE)
        break; /* robust */
      if (res == Z3_L_UNDEF)
        {
          v->unknown = TRUE;
          v->unknown_reason = rw_z3_unknown_reason (z, s);
          break;
        }
      m = Z3_solver_get_model (z->ctx, s);
      Z3_model_inc_ref (z->ctx, m);
      failed = rw_sym_model_failures (sym, m);
      for (guint i = 0; i < sym->failure_vars->len; i++)
        g_ptr_array_add (block, rw_z3_eval_bool (z, m, sym->failure_vars->pdata[i])
                                  ? znot (z, sym->failure_vars->pdata[i]) : (Z3_ast) sym->failure_vars->pdata[i]);
      Z3_model_dec_ref (z->ctx, m);
      g_ptr_array_add (failed, NULL);
      broken = rw_twin_fork_apply (twin, (const char *const *) failed->pdata, NULL);
      g_ptr_array_remove_index (failed, failed->len - 1);
      if (broken && concrete_problem (broken, 1.0, &pr) && p->robust_relative_to != NULL)
        {
          /* the same failures before the change: if they already break this demand, it is not
           * the change's doing */
          g_autoptr(RwTwin) before = NULL;
          g_ptr_array_add (failed, NULL);
          before = rw_twin_fork_apply (p->robust_relative_to, (const char *const *) failed->pdata, NULL);
          g_ptr_array_remove_index (failed, failed->len - 1);
          if (before)
            {
              gint di = rw_traffic_find_demand (before->traffic, pr.demand);
              const RwDemandResult *dr = di >= 0 ? before->traffic->demands->pdata[di] : NULL;
              if (dr && !dr->sla_ok)
                {
                  v->preexisting++;
                  problem_clear (&pr);
                  Z3_solver_assert (z->ctx, s, zorv (z, block));
                  continue;
                }
            }
        }
      if (broken && pr.demand != NULL)
        {
          take_counterexample (v, g_steal_pointer (&failed), &pr);
          break;
        }
      problem_clear (&pr);
      /* The symbolic bound was pessimistic for this failure set: rule it out and look again. */
      Z3_solver_assert (z->ctx, s, zorv (z, block));
    }
done:
  note_z3_error (v);
  rw_z3_solver_free (z, s);
  rw_sym_free (sym);
  rw_z3_free (z);
}

void
rw_stable_states_free (RwStableStates *st)
{
  if (st == NULL)
    return;
  g_free (st->prefix);
  g_free (st->reason);
  g_clear_pointer (&st->moves, g_ptr_array_unref);
  g_free (st);
}

static const char *
from_name (const RwNet *net, gint from)
{
  return from == -1 ? "itself" : from == -2 ? "no route" : net->nodes[from]->id;
}

/* Records in @st the other stable state @from of class @cls (found by Z3), with the routers
 * that move; the BGP rules must agree that it is stable. */
static void
note_other_state (RwStableStates *st, const RwTwin *twin, guint cls, const gint *from)
{
  const RwBgpClass *bc = twin->bgp->classes->pdata[cls];
  st->count = 2;
  st->prefix = rw_prefix_to_string (&bc->repr);
  for (guint u = 0; u < twin->net->n_nodes; u++)
    {
      const RwRib *rib = &bc->ribs[u];
      gint was = rib->best >= 0 ? ((RwRoute *) rib->routes->pdata[rib->best])->from : -2;
      if (from[u] != was)
        g_ptr_array_add (st->moves, g_strdup_printf ("%s: via %s instead of %s", twin->net->nodes[u]->id,
                                                     from_name (twin->net, from[u]), from_name (twin->net, was)));
    }
  if (!rw_bgp_is_stable (twin->net, &bc->repr, from, &st->reason))
    st->count = -1;
}

RwStableStates *
rw_safety_stable_states_with (const RwTwin *twin, guint timeout_ms, gboolean whole_encoding)
{
  RwStableStates *st = g_new0 (RwStableStates, 1);
  gint64 t0 = g_get_monotonic_time ();
  RwZ3 *z;
  RwSymOptions so = { .k = 0, .routing_only = TRUE }; /* no traffic asked */
  RwSym *sym = NULL;
  Z3_solver cs = NULL;
  g_autoptr(GArray) cases = g_array_new (FALSE, FALSE, sizeof (Case));
  g_autoptr(GArray) classes = NULL;
  g_autofree gint *from = NULL;
  Case none = { -1, (RwTwin *) twin };

  st->moves = g_ptr_array_new_with_free_func (g_free);
  if (!twin->bgp->converged)
    {
      st->count = 0;
      st->seconds = (g_get_monotonic_time () - t0) / 1e6;
      return st;
    }
  st->count = 1;
  z = rw_z3_new (timeout_ms);
  classes = rw_sym_demand_classes (twin);
  from = g_new (gint, twin->net->n_nodes + 1);
  g_array_append_val (cases, none); /* borrowed: no clear function */
  for (guint i = 0; i < classes->len && st->count == 1; i++)
    {
      guint cls = g_array_index (classes, guint, i);
      guint checks = 0;
      Z3_model other = NULL;
      g_autofree char *why = NULL;
      Z3_lbool res = whole_encoding ? Z3_L_UNDEF : space_other_state (z, twin, cls, &checks, from);
      st->groups++;
      if (res != Z3_L_UNDEF)
        st->by_space++;
      if (res == Z3_L_TRUE)
        {
          note_other_state (st, twin, cls, from);
          continue;
        }
      if (res == Z3_L_FALSE)
        continue;
      /* the route space does not fit this group: the routing encoding decides */
      if (sym == NULL)
        {
          sym = rw_sym_new (z, twin, &so);
          cs = class_solver (sym, cases);
        }
      res = class_other_state (sym, cs, cases, (guint) sym->class_slot[cls], &other, &why);
      if (res == Z3_L_UNDEF)
        {
          st->count = -1;
          st->reason = g_steal_pointer (&why);
        }
      else if (res == Z3_L_TRUE)
        {
          for (guint u = 0; u < sym->n_nodes; u++)
            from[u] = rw_sym_model_from (sym, other, cls, u);
          note_other_state (st, twin, cls, from);
          Z3_model_dec_ref (z->ctx, other);
        }
    }
  {
    g_autofree char *err = rw_z3_take_error ();
    if (err && st->count != -1)
      {
        st->count = -1;
        g_free (st->reason);
        st->reason = g_steal_pointer (&err);
      }
  }
  if (cs)
    rw_z3_solver_free (z, cs);
  if (sym)
    rw_sym_free (sym);
  rw_z3_free (z);
  st->seconds = (g_get_monotonic_time () - t0) / 1e6;
  return st;
}

RwStableStates *
rw_safety_stable_states (const RwTwin *twin, guint timeout_ms)
{
  return rw_safety_stable_states_with (twin, timeout_ms, FALSE);
}

RwVerdict *
rw_safety_robustness (const RwTwin *twin, const RwSafetyParams *p)
{
  RwVerdict *v = verdict_new ();
  gint64 t0 = g_get_monotonic_time ();
  robustness_into (twin, p, v);
  v->safe = !v->unknown && v->cex_failed == NULL;
  v->seconds = (g_get_monotonic_time () - t0) / 1e6;
  return v;
}

RwVerdict *
rw_safety_verify (const RwTwin *base, const char *const *changes, const RwSafetyParams *p, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(RwTwin) after = rw_twin_fork_apply (base, changes, error);
  RwVerdict *v;
  if (after == NULL)
    return NULL;
  v = verdict_new ();
  static_rules (p, changes, v);
  if (!(p->stop_at_violation && v->violations->len > 0))
    verify_state_into (base, after, p, v);
  if (!v->unknown && p->k > 0 && !(p->stop_at_violation && v->violations->len > 0))
    robustness_into (after, p, v);
  v->safe = !v->unknown && v->violations->len == 0 && v->cex_failed == NULL;
  v->seconds = (g_get_monotonic_time () - t0) / 1e6;
  return v;
}

JsonNode *
rw_verdict_to_json (const RwVerdict *v)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "safe");
  json_builder_add_boolean_value (b, v->safe);
  json_builder_set_member_name (b, "unknown");
  json_builder_add_boolean_value (b, v->unknown);
  json_builder_set_member_name (b, "violations");
  json_builder_begin_array (b);
  for (guint i = 0; i < v->violations->len; i++)
    {
      RwViolation *x = v->violations->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "rule");
      json_builder_add_string_value (b, x->rule);
      json_builder_set_member_name (b, "entity");
      json_builder_add_string_value (b, x->entity);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, x->message);
      json_builder_end_object (b);
    }
  if (v->unknown)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "rule");
      json_builder_add_string_value (b, "unknown");
      json_builder_set_member_name (b, "entity");
      json_builder_add_string_value (b, "z3");
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, v->unknown_reason ? v->unknown_reason : "no answer");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "counterexample");
  if (v->cex_failed)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "failed");
      json_builder_begin_array (b);
      for (guint i = 0; i < v->cex_failed->len; i++)
        json_builder_add_string_value (b, v->cex_failed->pdata[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "demand");
      json_builder_add_string_value (b, v->cex_demand);
      json_builder_set_member_name (b, "effect");
      json_builder_add_string_value (b, v->cex_effect);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, v->cex_message);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, round (v->seconds * 1000) / 1000);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
