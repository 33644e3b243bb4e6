/* rw-candidates.c — the changes that could answer a hypothesis, each simulated on a fork of the
 * agent's model and scored by the decision rule.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-agent-private.h"

static void
candidate_free (Candidate *c)
{
  g_ptr_array_unref (c->changes);
  g_free (c->action_kind);
  g_free (c);
}

/* ---- the decision rule ----
 * Present benefit first. What a change removes now counts in full: SLA misses (an outage is a
 * demand missing its SLA), overload, and a route leak, which is worth its size — the share of
 * all traffic the leaked routes pull, which denying them returns (the filter's blast radius is
 * exactly that traffic). What the change costs (blast radius, number of changes) separates
 * changes of similar benefit, but when a change removes present harm (an SLA miss or a leak)
 * its cost is capped at half its benefit: the size of a fix never makes leaving the harm in
 * place look better. New loops, blackholes or non-convergence are never outweighed. */
#define RW_UTILITY_BLAST 5.0        /* per unit of blast radius */
#define RW_UTILITY_CHANGE 1.0       /* per change */
#define RW_UTILITY_NEW_PROBLEM 50.0 /* per new loop, blackhole or non-convergence */
#define RW_UTILITY_LEAK 20.0        /* per unit of traffic share a leak no longer pulls */
static double
decision_utility (const Hypothesis *h, const char *action_kind, double prior, double benefit, double sla_removed,
                  double blast, gboolean hot_after, guint n_changes, guint new_problems)
{
  double cost = RW_UTILITY_BLAST * blast + RW_UTILITY_CHANGE * n_changes;
  gboolean removes_leak = h->kind == RW_HYP_ROUTE_LEAK && g_strcmp0 (action_kind, "filter") == 0 && blast > 0;
  double gain;
  /* traffic a leak pulled returns to where it belongs: that its old path is busier than the
   * leaked one counts against the filter only if it is hot */
  if (removes_leak)
    benefit = (hot_after ? benefit : MAX (benefit, 0.0)) + RW_UTILITY_LEAK * blast;
  gain = benefit > 0 ? prior * benefit : benefit;
  if (gain > 0 && (sla_removed > 0 || removes_leak))
    cost = MIN (cost, 0.5 * gain);
  return gain - cost - RW_UTILITY_NEW_PROBLEM * new_problems;
}

/* Simulate a candidate on a fork of the model and score it. */
Candidate *
_rw_agent_evaluate (RwAgent *ag, const RwTwin *model, const Hypothesis *h, const char *action_kind, GPtrArray *changes)
{
  Candidate *c = g_new0 (Candidate, 1);
  g_autoptr(RwTwin) after = NULL;
  g_autoptr(RwDiff) diff = NULL;
  double benefit;
  c->changes = changes;
  c->action_kind = g_strdup (action_kind);
  after = changes->len > 0 ? _rw_fork_with (model, changes) : rw_twin_fork (model);
  if (after == NULL)
    {
      c->utility = -G_MAXDOUBLE;
      return c;
    }
  if (changes->len > 0)
    {
      g_autofree char *a = rw_topology_to_data (model->topo, NULL);
      g_autofree char *b = rw_topology_to_data (after->topo, NULL);
      if (g_strcmp0 (a, b) == 0)
        {
          c->utility = -G_MAXDOUBLE; /* already so: nothing to do */
          return c;
        }
    }
  diff = rw_twin_diff (model, after);
  c->max_util_after = after->traffic->max_utilisation;
  c->blast = diff->blast_radius;
  c->sla_after = _rw_sla_misses (after);
  c->new_problems = diff->new_blackholes->len + diff->new_loops->len + (diff->converged_after ? 0 : 1);
  c->prior = _rw_agent_learned_prior (ag, h->kind, action_kind);
  /* utility: the benefit the simulation predicts (SLA misses removed, utilisation lowered),
   * discounted by how much of its predicted benefit this kind of action delivered for this kind
   * of problem before (the learner's prior), minus blast radius, change size and new problems */
  benefit = 10.0 * ((double) _rw_sla_misses (model) - c->sla_after) + 20.0 * (model->traffic->max_utilisation - c->max_util_after);
  if (h->kind == RW_HYP_SESSION_FAULT && g_strcmp0 (action_kind, "session_shutdown") == 0)
    {
      /* a flapping session costs route churn every time it moves: holding it down stops that */
      guint si = 0;
      if (_rw_session_for_entity (model->topo, h->entity, &si))
        benefit += 1.5 * ag->flaps[si];
    }
  c->utility = decision_utility (h, action_kind, c->prior, benefit, (double) _rw_sla_misses (model) - c->sla_after, c->blast,
                                 c->max_util_after >= ag->cfg.hot_utilisation, changes->len, c->new_problems);
  /* transit cost, a term of its own: of two fixes that do the same, the cheaper one wins */
  c->cost_change = after->traffic->transit_cost - model->traffic->transit_cost;
  c->utility -= ag->cfg.cost_weight * c->cost_change / 1000.0;
  if (changes->len == 0)
    c->utility = 0;
  return c;
}

GPtrArray *
_rw_strv1 (char *s)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (a, s);
  return a;
}

/* Candidate actions for one hypothesis, each as change strings. */
GPtrArray *
_rw_agent_candidates (RwAgent *ag, const RwTwin *model, const Hypothesis *h)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  const RwNet *net = model->net;
  const RwTopology *t = model->topo;
  const RwTraffic *tr = model->traffic;

  g_ptr_array_add (out, _rw_agent_evaluate (ag, model, h, "none", g_ptr_array_new_with_free_func (g_free)));
  if (h->kind == RW_HYP_CONGESTION)
    {
      RwLink *l = rw_topology_find_link (t, h->entity);
      gint li = -1;
      for (guint i = 0; i < t->links->len; i++)
        if (t->links->pdata[i] == l)
          li = (gint) i;
      for (guint side = 0; side < 2 && li >= 0; side++)
        {
          guint dir = 2 * (guint) li + side;
          guint from = rw_traffic_dir_from (net, dir), to = rw_traffic_dir_to (net, dir);
          g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          if (tr->dirs[dir].utilisation < ag->cfg.hot_utilisation * 0.95)
            continue;
          for (guint i = 0; i < tr->demands->len; i++)
            {
              const RwDemandResult *r = tr->demands->pdata[i];
              g_autofree char *pfx = NULL;
              if (!_rw_hops_contain (r->hops, dir) || r->prefix < 0)
                continue;
              pfx = rw_prefix_to_string (&model->bgp->prefixes[r->prefix]);
              if (!g_hash_table_add (seen, g_strdup (pfx)))
                continue;
              if (rw_net_is_ours (net, from) && !rw_net_is_ours (net, to))
                {
                  /* outbound: prefer another exit for this prefix, or make this one less liked */
                  for (guint a = 0; a < net->n_adjs; a++)
                    {
                      const RwAdj *adj = &net->adjs[a];
                      const RwRib *rib = rw_bgp_rib (model->bgp, (guint) r->prefix, adj->node);
                      gboolean offers = FALSE;
                      if (!adj->ebgp || !adj->up || !rw_net_is_ours (net, adj->node) || (adj->node == from && adj->peer == to))
                        continue;
                      for (guint k = 0; k < rib->routes->len; k++)
                        offers |= ((RwRoute *) rib->routes->pdata[k])->from == (gint) adj->peer;
                      if (offers)
                        g_ptr_array_add (out, _rw_agent_evaluate (ag, model, h, "local_pref",
                                                                  _rw_strv1 (g_strdup_printf ("local-pref:%s:%s:150:%s", net->nodes[adj->node]->id,
                                                                                net->nodes[adj->peer]->id, pfx))));
                    }
                  g_ptr_array_add (out, _rw_agent_evaluate (ag, model, h, "local_pref",
                                                            _rw_strv1 (g_strdup_printf ("local-pref:%s:%s:50:%s", net->nodes[from]->id,
                                                                          net->nodes[to]->id, pfx))));
                }
              else if (!rw_net_is_ours (net, from) && rw_net_is_ours (net, to))
                {
                  /* inbound: make this entry look longer to the outside */
                  for (guint n = 1; n <= 3; n += 2)
                    g_ptr_array_add (out, _rw_agent_evaluate (ag, model, h, "prepend",
                                                              _rw_strv1 (g_strdup_printf ("prepend:%s:%s:%u:%s", net->nodes[to]->id,
                                                                            net->nodes[from]->id, n, pfx))));
                }
              if (g_hash_table_size (seen) >= 4)
                break;
            }
        }
    }
  else if (h->kind == RW_HYP_SESSION_FAULT)
    {
      RwSession *s = _rw_session_for_entity (t, h->entity, NULL);
      if (s)
        g_ptr_array_add (out, _rw_agent_evaluate (ag, model, h, "session_shutdown", _rw_strv1 (g_strdup_printf ("session-down:%s:%s", s->a, s->b))));
    }
  else if (h->kind == RW_HYP_DEGRADATION)
    {
      RwLink *l = rw_topology_find_link (t, h->entity);
      RwSession *s = l ? rw_topology_find_session (t, l->a, l->b) : NULL;
      if (s && rw_session_is_ebgp (t, s))
        {
          const char *ours = rw_net_is_ours (net, (guint) rw_net_node (net, s->a)) ? s->a : s->b;
          const char *peer = ours == s->a ? s->b : s->a;
          gint eo = rw_net_node (net, ours), ep = rw_net_node (net, peer);
          g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_ptr_array_add (out, _rw_agent_evaluate (ag, model, h, "session_shutdown", _rw_strv1 (g_strdup_printf ("session-down:%s:%s", s->a, s->b))));
          g_ptr_array_add (out, _rw_agent_evaluate (ag, model, h, "local_pref", _rw_strv1 (g_strdup_printf ("local-pref:%s:%s:50", ours, peer))));
          /* inbound demands missing their SLA across it: make this entry less attractive */
          {
            GPtrArray *changes = g_ptr_array_new_with_free_func (g_free);
            g_hash_table_remove_all (seen);
            for (guint i = 0; i < tr->demands->len; i++)
              {
                const RwDemandResult *r = tr->demands->pdata[i];
                gboolean crosses = FALSE;
                g_autofree char *pfx = NULL;
                if (r->sla_ok || r->prefix < 0)
                  continue;
                for (guint k = 0; k + 1 < r->path->len; k++)
                  crosses |= (gint) g_array_index (r->path, guint, k) == ep && (gint) g_array_index (r->path, guint, k + 1) == eo;
                pfx = rw_prefix_to_string (&model->bgp->prefixes[r->prefix]);
                if (crosses && g_hash_table_add (seen, g_strdup (pfx)))
                  g_ptr_array_add (changes, g_strdup_printf ("prepend:%s:%s:3:%s", ours, peer, pfx));
              }
            if (changes->len)
              g_ptr_array_add (out, _rw_agent_evaluate (ag, model, h, "prepend", changes));
            else
              g_ptr_array_unref (changes);
          }
          /* or only the prefixes whose demands miss their SLA across it, each to another exit */
          for (guint a = 0; a < net->n_adjs; a++)
            {
              const RwAdj *adj = &net->adjs[a];
              GPtrArray *changes;
              if (!adj->ebgp || !adj->up || !rw_net_is_ours (net, adj->node) || ((gint) adj->node == eo && (gint) adj->peer == ep))
                continue;
              changes = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_remove_all (seen);
              for (guint i = 0; i < tr->demands->len; i++)
                {
                  const RwDemandResult *r = tr->demands->pdata[i];
                  const RwRib *rib;
                  gboolean crosses = FALSE, offers = FALSE;
                  g_autofree char *pfx = NULL;
                  if (r->sla_ok || r->prefix < 0)
                    continue;
                  for (guint k = 0; k + 1 < r->path->len; k++)
                    crosses |= (gint) g_array_index (r->path, guint, k) == eo && (gint) g_array_index (r->path, guint, k + 1) == ep;
                  if (!crosses)
                    continue;
                  rib = rw_bgp_rib (model->bgp, (guint) r->prefix, adj->node);
                  for (guint k = 0; k < rib->routes->len; k++)
                    offers |= ((RwRoute *) rib->routes->pdata[k])->from == (gint) adj->peer;
                  pfx = rw_prefix_to_string (&model->bgp->prefixes[r->prefix]);
                  if (offers && g_hash_table_add (seen, g_strdup (pfx)))
                    g_ptr_array_add (changes, g_strdup_printf ("local-pref:%s:%s:150:%s", net->nodes[adj->node]->id,
                                                               net->nodes[adj->peer]->id, pfx));
                }
              if (changes->len)
                g_ptr_array_add (out, _rw_agent_evaluate (ag, model, h, "local_pref", changes));
              else
                g_ptr_array_unref (changes);
            }
        }
    }
  else if (h->kind == RW_HYP_ROUTE_LEAK)
    {
      /* filter what the leaker originates that it did not originate in the baseline */
      gint leaker = rw_net_node (net, h->entity);
      GPtrArray *changes = g_ptr_array_new_with_free_func (g_free);
      for (guint p = 0; p < model->bgp->n_prefixes && leaker >= 0; p++)
        {
          g_autofree char *pfx = rw_prefix_to_string (&model->bgp->prefixes[p]);
          gpointer base = g_hash_table_lookup (ag->baseline_prefixes, pfx);
          if (base != NULL && GPOINTER_TO_UINT (base) - 1 == net->nodes[leaker]->asn)
            continue; /* it always did: its own prefix */
          for (guint a = 0; a < net->n_adjs; a++)
            {
              const RwAdj *adj = &net->adjs[a];
              const RwRib *rib;
              if (!adj->ebgp || !rw_net_is_ours (net, adj->node))
                continue;
              rib = rw_bgp_rib (model->bgp, p, adj->node);
              for (guint k = 0; k < rib->routes->len; k++)
                {
                  const RwRoute *r = rib->routes->pdata[k];
                  if (r->from == (gint) adj->peer && r->as_path_len && r->as_path[r->as_path_len - 1] == net->nodes[leaker]->asn)
                    {
                      g_ptr_array_add (changes, g_strdup_printf ("deny:%s:%s:%s", net->nodes[adj->node]->id, net->nodes[adj->peer]->id, pfx));
                      break;
                    }
                }
            }
        }
      if (changes->len)
        g_ptr_array_add (out, _rw_agent_evaluate (ag, model, h, "filter", changes));
      else
        g_ptr_array_unref (changes);
    }
  return out;
}

gint
_rw_candidate_cmp (gconstpointer a, gconstpointer b)
{
  const Candidate *x = *(Candidate * const *) a, *y = *(Candidate * const *) b;
  if (x->utility != y->utility)
    return x->utility > y->utility ? -1 : 1;
  return g_strcmp0 (x->changes->len ? x->changes->pdata[0] : "", y->changes->len ? y->changes->pdata[0] : "");
}
