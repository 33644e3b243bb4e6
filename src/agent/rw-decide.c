/* rw-decide.c — one decision per tick: the hypotheses in root-cause order, their candidates
 * ranked, debated, screened for robustness on the twin, proven by Z3, guarded and acted on;
 * Z3 synthesis when the heuristics fall short, and escalation to a human when nothing will do.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-agent-private.h"

/* Concrete sweep over single failures of links of ours: how many break a demand. */
static guint
fragility (const RwTwin *t)
{
  guint broken = 0;
  for (guint l = 0; l < t->topo->links->len; l++)
    {
      RwLink *link = t->topo->links->pdata[l];
      g_autofree char *change = g_strdup_printf ("link-down:%s", link->id);
      const char *changes[] = { change, NULL };
      g_autoptr(RwTwin) f = NULL;
      if (!link->up || !(rw_net_is_ours (t->net, t->net->link_a[l]) || rw_net_is_ours (t->net, t->net->link_b[l])))
        continue;
      f = rw_twin_fork_apply (t, changes, NULL);
      if (f && (f->traffic->n_blackholes || f->traffic->n_loops))
        broken++;
    }
  return broken;
}

/* Traffic a state breaks: the Mbps of demands blackholed, looping or crossing an overloaded
 * link direction (under a further failure the agent holds on to reachability and capacity;
 * latency SLAs during a failure are best effort). @first gets the first such demand. */
static double
broken_mbps (const RwTwin *t, const RwTwin *unless, const char **first)
{
  double mbps = 0;
  *first = NULL;
  for (guint d = 0; d < t->traffic->demands->len; d++)
    {
      const RwDemandResult *r = t->traffic->demands->pdata[d];
      gboolean over = FALSE;
      for (guint h = 0; h < r->hops->len; h++)
        over |= t->traffic->dirs[g_array_index (r->hops, guint, h)].utilisation > 1.0;
      if (r->status == RW_DEMAND_OK && !over)
        continue;
      mbps += r->demand->mbps;
      if (*first == NULL && unless != NULL && d < unless->traffic->demands->len)
        {
          const RwDemandResult *u = unless->traffic->demands->pdata[d];
          gboolean over_u = FALSE;
          for (guint h = 0; h < u->hops->len; h++)
            over_u |= unless->traffic->dirs[g_array_index (u->hops, guint, h)].utilisation > 1.0;
          if (u->status == RW_DEMAND_OK && !over_u)
            *first = r->demand->id;
        }
      else if (*first == NULL && unless == NULL)
        *first = r->demand->id;
    }
  return mbps;
}

/* Is @after worse than @before under some single failure? A quick screen on the twin before
 * Z3 is asked for the proof; returns a sentence or NULL. Robustness is relative: the network
 * with the change against the network without it, under the same failure. A change that
 * breaks no more traffic than leaving things as they are under every single failure is no
 * worse — which demands break may differ (moving Google to another ISP may expose another
 * demand to a second failure while sparing the ones that failure breaks today). */
static char *
new_fragility (const RwTwin *before, const RwTwin *after)
{
  const RwTopology *t = after->topo;
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  for (guint l = 0; l < t->links->len; l++)
    {
      RwLink *link = t->links->pdata[l];
      if (link->up && (rw_net_is_ours (after->net, after->net->link_a[l]) || rw_net_is_ours (after->net, after->net->link_b[l])))
        g_ptr_array_add (failures, g_strdup_printf ("link-down:%s", link->id));
    }
  for (guint i = 0; i < t->sessions->len; i++)
    {
      RwSession *s = t->sessions->pdata[i];
      if (s->up && rw_net_is_ours (after->net, (guint) rw_net_node (after->net, s->a)))
        g_ptr_array_add (failures, g_strdup_printf ("session-down:%s:%s", s->a, s->b));
    }
  for (guint f = 0; f < failures->len; f++)
    {
      const char *one[] = { failures->pdata[f], NULL };
      g_autoptr(RwTwin) a = rw_twin_fork_apply (after, one, NULL);
      g_autoptr(RwTwin) b = NULL;
      const char *first = NULL, *ignored = NULL;
      double with, without;
      if (a == NULL || broken_mbps (a, NULL, &first) <= 0)
        continue;
      b = rw_twin_fork_apply (before, one, NULL);
      with = broken_mbps (a, b, &first);
      without = b ? broken_mbps (b, NULL, &ignored) : 0;
      if (with <= without + 1e-6)
        continue;
      return g_strdup_printf ("after %s, %.0f Mbps of demands would break (%.0f Mbps without the change), among them %s",
                              (char *) failures->pdata[f], with, without, first ? first : "more of the same");
    }
  return NULL;
}

/* ---- one decision: candidates -> debate -> verify -> guard -> (approval) -> act ---- */

/* How a step of the decision ended, and so what comes next. */
typedef enum {
  STEP_GO_ON,     /* nothing taken yet: the next step, candidate or hypothesis */
  STEP_DECIDED,   /* a change applied or proposed: the decision of this tick is made */
  STEP_CANCELLED, /* the operator cancelled a proof (recorded): nothing applied this tick */
  STEP_FAILED,    /* @error is set */
} Step;

/* @then when @ok, else STEP_FAILED: for steps that end in a call that may fail. */
static Step
step_unless_failed (gboolean ok, Step then)
{
  return ok ? then : STEP_FAILED;
}

/* A proof the watcher sees and may cancel: its cancellable is the thread's current one while it
 * runs, which Z3's checks (rw_z3_check) and the synthesis search obey. @changes is
 * NULL-terminated (NULL for the search). */
static GCancellable *
proof_begin (RwAgent *ag, const Hypothesis *h, const char *const *changes)
{
  GCancellable *c = g_cancellable_new ();
  static const char *const none[] = { NULL };
  g_cancellable_push_current (c);
  if (ag->proof_watch)
    {
      RwProof p = { ag->tick, _rw_hyp_kind_to_string (h->kind), h->entity, changes ? changes : none, changes == NULL, c };
      ag->proof_watch (&p, ag->proof_watch_data);
    }
  return c;
}

/* Ends the proof; when the operator cancelled it, records so and returns STEP_CANCELLED (the
 * decision stops: nothing is applied). @verdict is what Z3 said by then, if anything. */
static Step
proof_end (RwAgent *ag, GCancellable *proof, const Hypothesis *h, const char *const *changes, const RwVerdict *verdict,
           GError **error)
{
  g_autoptr(GCancellable) c = proof;
  g_autoptr(JsonBuilder) b = NULL;
  gboolean recorded;
  g_cancellable_pop_current (c);
  if (ag->proof_watch)
    ag->proof_watch (NULL, ag->proof_watch_data);
  if (!g_cancellable_is_cancelled (c))
    return STEP_GO_ON;
  b = _rw_payload_strings ("hypothesis", _rw_hyp_kind_to_string (h->kind), "entity", h->entity, "stage",
                           changes ? "verify" : "synthesis", NULL);
  json_builder_set_member_name (b, "changes");
  json_builder_begin_array (b);
  for (guint i = 0; changes && changes[i]; i++)
    json_builder_add_string_value (b, changes[i]);
  json_builder_end_array (b);
  if (verdict)
    {
      json_builder_set_member_name (b, "verdict");
      json_builder_add_value (b, rw_verdict_to_json (verdict));
    }
  if (changes && changes[0])
    recorded = _rw_agent_record (ag, "cancel", "operator", "OPERATOR", g_steal_pointer (&b), error,
                                 "the operator cancelled the proof of %s: nothing applied", changes[0]);
  else
    recorded = _rw_agent_record (ag, "cancel", "operator", "OPERATOR", g_steal_pointer (&b), error,
                                 "the operator cancelled the search for a minimal change: nothing applied");
  return step_unless_failed (recorded, STEP_CANCELLED);
}

/* Z3's proof of @c, recorded: STEP_GO_ON with *@safe its verdict, or STEP_CANCELLED. */
static Step
verify_candidate (RwAgent *ag, const RwTwin *model, const Hypothesis *h, Candidate *c, gboolean *safe, GError **error)
{
  GCancellable *proof;
  Step ended;
  RwSafetyParams p;
  g_autoptr(RwVerdict) v = NULL;
  g_autoptr(JsonBuilder) b = _rw_payload_new ();
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(GError) bad = NULL;
  rw_safety_params_init (&p);
  p.k = 1;
  p.timeout_ms = ag->cfg.z3_timeout_ms;
  p.confidence = h->confidence;
  p.min_confidence = ag->cfg.t2_confidence; /* below T2's floor nothing may act on its own */
  p.robust_relative_to = model;
  p.rules_relative = TRUE;
  p.stop_at_violation = TRUE;
  g_ptr_array_add (c->changes, NULL);
  proof = proof_begin (ag, h, (const char *const *) c->changes->pdata);
  v = rw_safety_verify (model, (const char *const *) c->changes->pdata, &p, &bad);
  ended = proof_end (ag, proof, h, (const char *const *) c->changes->pdata, v, error);
  g_ptr_array_remove_index (c->changes, c->changes->len - 1);
  rw_safety_params_clear (&p);
  *safe = FALSE;
  if (ended != STEP_GO_ON)
    return ended;
  if (v == NULL)
    {
      if (!_rw_agent_record (ag, "verify", "z3", "DETERMINISTIC", NULL, error, "%s is not a valid change: %s",
                             (char *) c->changes->pdata[0], bad->message))
        return STEP_FAILED;
      return STEP_GO_ON;
    }
  *safe = v->safe;
  doc = rw_verdict_to_json (v);
  json_builder_set_member_name (b, "changes");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->changes->len; i++)
    json_builder_add_string_value (b, c->changes->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_value (b, json_node_copy (doc));
  if (!_rw_agent_record (ag, "verify", "z3", "DETERMINISTIC", g_steal_pointer (&b), error, "%s: %s%s%s",
                         (char *) c->changes->pdata[0], v->unknown ? "UNKNOWN (unsafe)" : v->safe ? "safe" : "UNSAFE",
                         v->violations->len ? " — " : v->cex_message ? " — " : "",
                         v->violations->len ? ((RwViolation *) v->violations->pdata[0])->message : v->cex_message ? v->cex_message : ""))
    return STEP_FAILED;
  return STEP_GO_ON;
}

/* What the agent sees of the network, as far as an escalated problem's answer could depend on
 * it: links and sessions down, the changes in force, the demands missing their SLA and whether
 * a link is hot. A new key means the problem deserves a new look. */
static char *
network_state_key (const RwAgent *ag, const RwTwin *model)
{
  GString *k = g_string_new (NULL);
  const RwTopology *t = ag->live->topo;
  for (guint l = 0; l < t->links->len; l++)
    if (!((RwLink *) t->links->pdata[l])->up)
      g_string_append_printf (k, "link %s down;", ((RwLink *) t->links->pdata[l])->id);
  for (guint i = 0; i < t->sessions->len; i++)
    if (!((RwSession *) t->sessions->pdata[i])->up)
      g_string_append_printf (k, "session %s-%s down;", ((RwSession *) t->sessions->pdata[i])->a,
                              ((RwSession *) t->sessions->pdata[i])->b);
  g_string_append_printf (k, "changes %u;sla %u;hot %d", ag->applied->len, _rw_sla_misses (model),
                          model->traffic->max_utilisation >= ag->cfg.hot_utilisation);
  return g_string_free (k, FALSE);
}

/* Hand a problem to a human. The problem stays open: decide() looks at it again while it lasts
 * (network_state_key, reevaluate_ticks), and a human is paged once for one problem and one
 * reason — a look that ends the same way is recorded, not paged again. */
static gboolean
escalate (RwAgent *ag, Hypothesis *h, const RwTwin *model, const char *why, GError **error)
{
  const char *kind = _rw_hyp_kind_to_string (h->kind);
  gboolean page = g_strcmp0 (h->paged_for, why) != 0;
  g_autoptr(JsonBuilder) b = _rw_payload_strings ("hypothesis", kind, "entity", h->entity, "reason", why, NULL);
  h->escalated = TRUE;
  h->escalated_tick = ag->tick;
  g_free (h->escalated_state);
  h->escalated_state = network_state_key (ag, model);
  json_builder_set_member_name (b, "paged");
  json_builder_add_boolean_value (b, page);
  if (!page)
    return _rw_agent_record (ag, "escalate", "agent", "DETERMINISTIC", g_steal_pointer (&b), error,
                             "%s %s still needs a human: %s (paged at tick %u; not paged again)", kind, h->entity,
                             why, h->paged_tick);
  ag->escalations++;
  g_free (h->paged_for);
  h->paged_for = g_strdup (why);
  h->paged_tick = ag->tick;
  return _rw_agent_record (ag, "escalate", "agent", "DETERMINISTIC", g_steal_pointer (&b), error,
                           "%s %s needs a human: %s", kind, h->entity, why);
}

/* An escalated problem that lasts gets a new look when the network changed since (at most every
 * reevaluate_min_ticks) or every reevaluate_ticks: growth that no change could fix at first may
 * be fixable later, and a proof that found no answer may find one. Returns why, or NULL. */
static const char *
reevaluation_due (const RwAgent *ag, const RwTwin *model, const Hypothesis *h)
{
  g_autofree char *now = NULL;
  if (ag->tick < h->escalated_tick + MAX (ag->cfg.reevaluate_min_ticks, 1))
    return NULL;
  if (ag->tick >= h->escalated_tick + MAX (ag->cfg.reevaluate_ticks, 1))
    return "it has lasted";
  now = network_state_key (ag, model);
  return g_strcmp0 (now, h->escalated_state) != 0 ? "the network changed" : NULL;
}

/* Problems that need a configuration answer right now. */
static gboolean
actionable (RwAgent *ag, const RwTwin *model, Hypothesis *h)
{
  if (h->kind == RW_HYP_LINK_DOWN)
    return FALSE; /* BGP already routes around a cut; its effects show up as congestion */
  if (h->kind == RW_HYP_SESSION_FAULT)
    {
      guint si = 0;
      return _rw_session_for_entity (model->topo, h->entity, &si) != NULL && ag->flaps[si] >= 3;
    }
  if (h->kind == RW_HYP_ROUTE_LEAK)
    return TRUE;
  /* congestion and degradation: act while the network is actually hurting */
  return _rw_sla_misses (model) > 0 || model->traffic->max_utilisation >= ag->cfg.hot_utilisation;
}

/* A proposal a safety check refused: counted, recorded with the rule and its reason, and — it
 * delivered none of its predicted improvement — a learning outcome of 0 when there is a store,
 * so a kind of action that keeps being refused for a kind of problem is tried later next time,
 * which saves the screens and proofs it would fail. */
static gboolean
block (RwAgent *ag, const Hypothesis *h, const Candidate *c, const char *rule, const char *reason, GError **error)
{
  ag->blocked++;
  if (!_rw_agent_record (ag, "guard", "guard", "DETERMINISTIC",
                         _rw_payload_strings ("change", (char *) c->changes->pdata[0], "verdict", "blocked", "rule", rule, "reason", reason,
                                NULL),
               error, "blocked %s: %s", (char *) c->changes->pdata[0], reason))
    return FALSE;
  return ag->store == NULL || _rw_agent_learn (ag, h->kind, c->action_kind, 0.0, rule, error);
}

/* A problem that no longer needs a configuration answer: an open escalation is closed (and
 * recorded), and once it has stayed away for reevaluate_ticks a return is a new problem that
 * may page a human again. */
static gboolean
problem_gone (RwAgent *ag, Hypothesis *h, GError **error)
{
  if (h->gone_since == SETTLE_NONE)
    h->gone_since = ag->tick;
  if (h->paged_for && ag->tick >= h->gone_since + ag->cfg.reevaluate_ticks)
    g_clear_pointer (&h->paged_for, g_free);
  if (!h->escalated)
    return TRUE;
  h->escalated = FALSE;
  return _rw_agent_record (ag, "reevaluate", "agent", "DETERMINISTIC",
                           _rw_payload_strings ("hypothesis", _rw_hyp_kind_to_string (h->kind), "entity", h->entity,
                                                "why", "gone", NULL),
                           error, "%s %s, escalated at tick %u, no longer needs an answer",
                           _rw_hyp_kind_to_string (h->kind), h->entity, h->escalated_tick);
}

/* Whether the link a congestion or degradation is about does harm now: it carries more than it
 * can (measured), or a demand crossing it is lost or misses its SLA in the model. Growth that
 * no policy can place is then a human's problem, not something to note once and forget. */
#define HARM_NO_FIX "no policy change can help and the link does harm now"

/* Whether @h went to a human for @why within the last reevaluate_ticks: a problem that flickers
 * around a threshold comes back every few ticks, and each return is not news. */
static gboolean
escalated_lately (const RwAgent *ag, const Hypothesis *h, const char *why)
{
  return g_strcmp0 (h->paged_for, why) == 0 && ag->tick < h->escalated_tick + MAX (ag->cfg.reevaluate_ticks, 1);
}

static gint
hyp_link (const RwTwin *model, const Hypothesis *h)
{
  if (h->kind != RW_HYP_CONGESTION && h->kind != RW_HYP_DEGRADATION)
    return -1;
  for (guint i = 0; i < model->topo->links->len; i++)
    if (g_strcmp0 (((RwLink *) model->topo->links->pdata[i])->id, h->entity) == 0)
      return (gint) i;
  return -1;
}

static gboolean
crosses (const RwDemandResult *r, gint l)
{
  return l >= 0 && (_rw_hops_contain (r->hops, 2 * (guint) l) || _rw_hops_contain (r->hops, 2 * (guint) l + 1));
}

/* Whether the link a congestion or degradation is about does harm now that no open escalation
 * already covers: it carries more than it can (measured), or a demand crossing it is lost or
 * misses its SLA in the model and crosses no other link already with a human. Growth that no
 * policy can place is then a human's problem, not something to note once and forget; and one
 * flood over two links is one page, not two. */
static gboolean
link_harms_now (const RwAgent *ag, const RwTwin *model, const Hypothesis *h)
{
  gint l = hyp_link (model, h);
  g_autoptr(GArray) others = NULL; /* gint: links of the other problems already with a human */
  if (l < 0)
    return FALSE;
  others = g_array_new (FALSE, FALSE, sizeof (gint));
  for (guint i = 0; i < ag->hyp_order->len; i++)
    {
      const Hypothesis *o = g_hash_table_lookup (ag->hyps, ag->hyp_order->pdata[i]);
      gint ol = o != h && o->escalated ? hyp_link (model, o) : -1;
      if (ol >= 0)
        g_array_append_val (others, ol);
    }
  for (guint d = 0; d < model->traffic->demands->len; d++)
    {
      const RwDemandResult *r = model->traffic->demands->pdata[d];
      gboolean harmed = (r->status != RW_DEMAND_OK || !r->sla_ok) && crosses (r, l);
      gboolean covered = FALSE;
      for (guint i = 0; harmed && i < others->len && !covered; i++)
        covered = crosses (r, g_array_index (others, gint, i));
      if (harmed && !covered)
        return TRUE;
    }
  if (ag->observed_util[2 * l] < 1.0 && ag->observed_util[2 * l + 1] < 1.0)
    return FALSE;
  /* overloaded with no demand of its own harmed: still news unless another open escalation
   * carries the same traffic */
  for (guint d = 0; d < model->traffic->demands->len; d++)
    for (guint i = 0; i < others->len; i++)
      if (crosses (model->traffic->demands->pdata[d], l) && crosses (model->traffic->demands->pdata[d], g_array_index (others, gint, i)))
        return FALSE;
  return TRUE;
}

/* The decision record: the candidates for @h, best first (at most eight). */
static gboolean
record_candidates (RwAgent *ag, const Hypothesis *h, GPtrArray *cands, GError **error)
{
  g_autoptr(JsonBuilder) b = _rw_payload_new ();
  const Candidate *best = cands->pdata[0];
  json_builder_set_member_name (b, "hypothesis");
  json_builder_add_string_value (b, _rw_hyp_kind_to_string (h->kind));
  json_builder_set_member_name (b, "entity");
  json_builder_add_string_value (b, h->entity);
  json_builder_set_member_name (b, "candidates");
  json_builder_begin_array (b);
  for (guint i = 0; i < cands->len && i < 8; i++)
    {
      Candidate *c = cands->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "action");
      json_builder_add_string_value (b, c->action_kind);
      _rw_add_strv (b, "changes", c->changes);
      json_builder_set_member_name (b, "utility");
      if (c->utility == -G_MAXDOUBLE || !isfinite (c->utility))
        json_builder_add_null_value (b); /* not evaluated: the change could not apply or did nothing */
      else
        json_builder_add_double_value (b, round (c->utility * 100) / 100);
      json_builder_set_member_name (b, "max_utilisation_after");
      json_builder_add_double_value (b, round (c->max_util_after * 1000) / 1000);
      json_builder_set_member_name (b, "blast_radius");
      json_builder_add_double_value (b, round (c->blast * 1000) / 1000);
      json_builder_set_member_name (b, "sla_misses_after");
      json_builder_add_int_value (b, c->sla_after);
      json_builder_set_member_name (b, "prior");
      json_builder_add_double_value (b, round (c->prior * 1000) / 1000);
      json_builder_set_member_name (b, "transit_cost_change");
      json_builder_add_double_value (b, round (c->cost_change * 100) / 100);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return _rw_agent_record (ag, "decision", "decider", "DETERMINISTIC", g_steal_pointer (&b), error,
                           "%u candidates for %s %s; best: %s (utility %.2f)", cands->len, _rw_hyp_kind_to_string (h->kind), h->entity,
                           best->changes->len ? (char *) best->changes->pdata[0] : "no action", best->utility);
}

/* Debate: a proposal that would not go at T1 is challenged by the runner-up (cands[*i + 1]) on
 * fragility and rollback cost. When the challenger wins, *@c becomes it and *@i moves past it. */
static gboolean
debate (RwAgent *ag, const RwTwin *model, const Hypothesis *h, GPtrArray *cands, guint *i, Candidate **c,
        GError **error)
{
  Candidate *r;
  g_autoptr(RwTwin) ta = NULL, tb = NULL;
  guint fa, fb;
  gboolean challenger_wins;
  if (rw_guard_tier (&ag->cfg, h->confidence, (*c)->blast) == RW_TIER_1 || *i + 1 >= cands->len ||
      ((Candidate *) cands->pdata[*i + 1])->changes->len == 0)
    return TRUE;
  r = cands->pdata[*i + 1];
  ta = _rw_fork_with (model, (*c)->changes);
  tb = _rw_fork_with (model, r->changes);
  fa = ta ? fragility (ta) : 99;
  fb = tb ? fragility (tb) : 99;
  challenger_wins = fb < fa && r->utility > 0.8 * (*c)->utility;
  if (!_rw_agent_record (ag, "debate", "decider", "DETERMINISTIC", NULL, error,
                         "for %s: utility %.2f, %u single-link failures break a demand, %u change(s) to roll back. "
                         "Against, %s: utility %.2f, %u breaking failures, %u change(s). %s",
                         (char *) (*c)->changes->pdata[0], (*c)->utility, fa, (*c)->changes->len,
                         (char *) r->changes->pdata[0], r->utility, fb, r->changes->len,
                         challenger_wins ? "The challenger wins: more robust at little cost." : "The proposal stands."))
    return FALSE;
  if (challenger_wins)
    {
      *c = r;
      (*i)++;
    }
  return TRUE;
}

/* The robustness screen on the twin, before Z3 is asked: a change that makes the network more
 * fragile is blocked. *@passed says whether @c goes on. */
static gboolean
screen (RwAgent *ag, const RwTwin *model, const Hypothesis *h, const Candidate *c, gboolean *passed, GError **error)
{
  g_autoptr(RwTwin) after = _rw_fork_with (model, c->changes);
  g_autofree char *fragile = after ? new_fragility (model, after) : g_strdup ("it cannot be applied");
  *passed = fragile == NULL;
  return *passed || block (ag, h, c, "robustness screen", fragile, error);
}

/* Whether @c is safe (*@safe): Z3's proof, or without Z3 (quick tests) no new problem on the
 * twin. STEP_GO_ON, or STEP_CANCELLED when the operator cancelled the proof. */
static Step
proven_safe (RwAgent *ag, const RwTwin *model, const Hypothesis *h, Candidate *c, gboolean *safe, GError **error)
{
  if (ag->cfg.use_z3)
    return verify_candidate (ag, model, h, c, safe, error);
  *safe = c->new_problems == 0;
  return STEP_GO_ON;
}

/* Shadow mode: the proposal goes to the operator, whose verdict is the agreement signal per
 * tier; a tier that earned it (graduation) may act. *@graduated says whether the agent acts. */
static gboolean
shadow_propose (RwAgent *ag, const Candidate *c, RwTier t, RwAnswer *ans, gboolean *graduated, GError **error)
{
  const char *tier = rw_tier_to_string (t);
  double rate = 0;
  *graduated = ag->store && t == RW_TIER_1 && rw_shadow_graduated (ag->store, tier, &rate, NULL);
  if (*ans == RW_ANSWER_MODIFY)
    *ans = RW_ANSWER_REJECT; /* a proposal the operator would change is a disagreement */
  if (ag->store && !rw_store_shadow_record (ag->store, ag->run_id, tier, c->changes->pdata[0], *ans == RW_ANSWER_APPROVE, error))
    return FALSE;
  return _rw_agent_record (ag, "approval", "operator", "OPERATOR",
                           _rw_payload_strings ("tier", tier, "change", (char *) c->changes->pdata[0], "answer",
                                                *ans == RW_ANSWER_APPROVE ? "agree" : "disagree", "mode", "shadow", NULL),
                           error, "shadow mode: proposed %s (%s), operator %s%s", (char *) c->changes->pdata[0], tier,
                           *ans == RW_ANSWER_APPROVE ? "agrees" : "disagrees",
                           *graduated ? "; T1 has graduated, so the agent acts" : "");
}

/* The operator modified @c to @modified: the operator's own value is simulated, verified and
 * guarded like any candidate (added to @cands). STEP_GO_ON with *@out the candidate to apply;
 * STEP_DECIDED when the operator's change is not safe (blocked and escalated, which ends the
 * look at @h). */
static Step
operator_modified (RwAgent *ag, const RwTwin *model, Hypothesis *h, GPtrArray *cands, const Candidate *c,
                   RwTier t, char *modified, Candidate **out, GError **error)
{
  const char *tier = rw_tier_to_string (t);
  Candidate *mc = _rw_agent_evaluate (ag, model, h, c->action_kind, _rw_strv1 (modified));
  gboolean msafe = FALSE;
  Step proven = STEP_GO_ON;
  *out = NULL;
  g_ptr_array_add (cands, mc);
  if (!_rw_agent_record (ag, "approval", "operator", "OPERATOR",
                         _rw_payload_strings ("tier", tier, "change", (char *) c->changes->pdata[0], "answer", "modify",
                                              "modified_to", (char *) mc->changes->pdata[0], NULL),
                         error, "%s request for %s: operator modified it to %s", tier, (char *) c->changes->pdata[0],
                         (char *) mc->changes->pdata[0]))
    return STEP_FAILED;
  if (mc->utility != -G_MAXDOUBLE)
    proven = proven_safe (ag, model, h, mc, &msafe, error);
  if (proven != STEP_GO_ON)
    return proven;
  if (msafe)
    {
      *out = mc;
      return STEP_GO_ON;
    }
  ag->blocked++;
  if (!_rw_agent_record (ag, "guard", "guard", "DETERMINISTIC",
                         _rw_payload_strings ("change", (char *) mc->changes->pdata[0], "verdict", "blocked", "rule",
                                              "verification", "reason", "the operator's change is not proven safe", NULL),
                         error, "blocked the operator's %s: not proven safe", (char *) mc->changes->pdata[0]) ||
      !escalate (ag, h, model, "the operator's change is not safe", error))
    return STEP_FAILED;
  return STEP_DECIDED;
}

/* A safe candidate through the guard, the operator (unless the tier acts alone) and into the
 * network. STEP_DECIDED when the change is applied or the operator saw the proposal (shadow
 * mode, a refusal, an unsafe modification): either ends the look at @h. Never STEP_GO_ON. */
static Step
guard_and_act (RwAgent *ag, const RwTwin *model, Hypothesis *h, GPtrArray *cands, Candidate *c, GError **error)
{
  RwTier t;
  const char *tier;
  gboolean auto_ok;
  g_autofree char *modified = NULL;
  RwAnswer ans;
  if (!_rw_agent_guard (ag, h, c, &t, error))
    return STEP_FAILED;
  tier = rw_tier_to_string (t);
  auto_ok = rw_guard_acts_alone (ag->mode, t);
  ans = auto_ok ? RW_ANSWER_APPROVE : _rw_agent_ask_operator (ag, model, h, c, t, &modified);
  if (ag->mode == RW_MODE_SHADOW)
    {
      gboolean graduated = FALSE;
      if (!shadow_propose (ag, c, t, &ans, &graduated, error))
        return STEP_FAILED;
      if (!graduated)
        return STEP_DECIDED;
      auto_ok = TRUE;
    }
  if (!auto_ok && ans == RW_ANSWER_MODIFY)
    {
      Candidate *mc = NULL;
      Step modified_step = operator_modified (ag, model, h, cands, c, t, g_steal_pointer (&modified), &mc, error);
      if (modified_step != STEP_GO_ON)
        return modified_step;
      c = mc;
      ans = RW_ANSWER_APPROVE;
    }
  if (!auto_ok)
    {
      const char *word = ans == RW_ANSWER_APPROVE ? "approved" : ans == RW_ANSWER_REJECT ? "rejected" : "did not answer";
      if (!_rw_agent_record (ag, "approval", "operator", "OPERATOR",
                             _rw_payload_strings ("tier", tier, "change", (char *) c->changes->pdata[0], "answer",
                                                  ans == RW_ANSWER_APPROVE ? "approve"
                                                  : ans == RW_ANSWER_REJECT ? "reject" : "timeout",
                                                  NULL),
                             error, "%s request for %s: operator %s", tier, (char *) c->changes->pdata[0], word))
        return STEP_FAILED;
      if (!rw_guard_answer_applies (t, ans))
        return step_unless_failed (escalate (ag, h, model, "the operator did not approve the change", error),
                                   STEP_DECIDED);
      /* T2 timeout: applies itself after the TTL */
    }
  return step_unless_failed (_rw_agent_apply (ag, h, c, t, error), STEP_DECIDED);
}

/* The best candidates in turn (at most six tried): debate if risky, screen, verify, guard, act.
 * The first one proven safe ends the look at @h (guard_and_act); STEP_GO_ON when none was. */
static Step
try_candidates (RwAgent *ag, const RwTwin *model, Hypothesis *h, GPtrArray *cands, GError **error)
{
  guint tries = 0;
  for (guint i = 0; i < cands->len && tries < 6; i++)
    {
      Candidate *c = cands->pdata[i];
      gboolean passed = FALSE, safe = FALSE;
      Step proven;
      if (c->changes->len == 0 || c->utility <= 0.5)
        break; /* nothing better than leaving it */
      tries++;
      if (!debate (ag, model, h, cands, &i, &c, error) || !screen (ag, model, h, c, &passed, error))
        return STEP_FAILED;
      if (!passed)
        continue;
      proven = proven_safe (ag, model, h, c, &safe, error);
      if (proven != STEP_GO_ON)
        return proven;
      if (safe)
        return guard_and_act (ag, model, h, cands, c, error);
      if (!block (ag, h, c, "verification", "not proven safe", error))
        return STEP_FAILED;
    }
  return STEP_GO_ON;
}

/* The heuristics fell short: Z3 is asked for the minimal change, which is verified with the
 * agent's rules and guarded like any candidate (shadow mode only proposes). STEP_DECIDED when it
 * is applied; escalates when nothing is both effective and proven safe. */
static Step
synthesis_fallback (RwAgent *ag, const RwTwin *model, Hypothesis *h, GPtrArray *cands, GError **error)
{
  RwSafetyParams p;
  g_autoptr(RwSynthResult) r = NULL;
  GCancellable *proof;
  Step proven;
  rw_safety_params_init (&p);
  p.synth_proofs = 0; /* verify_candidate proves it below, with the agent's rules */
  proof = proof_begin (ag, h, NULL);
  r = rw_safety_synthesise (model, &p);
  rw_safety_params_clear (&p);
  proven = proof_end (ag, proof, h, NULL, NULL, error);
  if (proven != STEP_GO_ON)
    return proven;
  if (!_rw_agent_record (ag, "decision", "z3", "DETERMINISTIC", NULL, error, "synthesis: %s",
                         r->found && r->changes->len ? "found a minimal change" : r->reason ? r->reason : "nothing"))
    return STEP_FAILED;
  if (r->found && r->changes->len)
    {
      GPtrArray *ch = g_ptr_array_new_with_free_func (g_free);
      Candidate *sc;
      gboolean safe = FALSE;
      for (guint i = 0; i < r->changes->len; i++)
        g_ptr_array_add (ch, g_strdup (r->changes->pdata[i]));
      sc = _rw_agent_evaluate (ag, model, h, "synthesis", ch);
      g_ptr_array_add (cands, sc);
      proven = verify_candidate (ag, model, h, sc, &safe, error);
      if (proven != STEP_GO_ON)
        return proven;
      if (safe)
        {
          RwTier st;
          if (!_rw_agent_guard (ag, h, sc, &st, error))
            return STEP_FAILED;
          if (ag->mode != RW_MODE_SHADOW &&
              (rw_guard_acts_alone (ag->mode, st) ||
               rw_guard_answer_applies (st, _rw_agent_ask_operator (ag, model, h, sc, st, NULL))))
            return step_unless_failed (_rw_agent_apply (ag, h, sc, st, error), STEP_DECIDED);
        }
      else
        ag->blocked++;
    }
  return step_unless_failed (escalate (ag, h, model, "no candidate is both effective and proven safe", error),
                             STEP_GO_ON);
}

/* An escalated problem that is still there: looked at again when due (reevaluation_due).
 * *@again says whether to look now. */
static gboolean
reevaluate (RwAgent *ag, const RwTwin *model, Hypothesis *h, gboolean *again, GError **error)
{
  const char *why = reevaluation_due (ag, model, h);
  *again = why != NULL;
  if (why == NULL)
    return TRUE;
  h->escalated_tick = ag->tick;
  g_free (h->escalated_state);
  h->escalated_state = network_state_key (ag, model);
  h->handled_tick = SETTLE_NONE;
  return _rw_agent_record (ag, "reevaluate", "agent", "DETERMINISTIC",
                           _rw_payload_strings ("hypothesis", _rw_hyp_kind_to_string (h->kind), "entity", h->entity,
                                                "why", why, NULL),
                           error, "%s %s, escalated and still there: looking again (%s)",
                           _rw_hyp_kind_to_string (h->kind), h->entity, why);
}

/* Growth no policy can place, on a link that does harm now, goes to a human (not again while
 * a page for it is recent). */
static gboolean
escalate_if_harmful (RwAgent *ag, const RwTwin *model, Hypothesis *h, GError **error)
{
  if (!link_harms_now (ag, model, h) || escalated_lately (ag, h, HARM_NO_FIX))
    return TRUE;
  return escalate (ag, h, model, HARM_NO_FIX, error);
}

/* One hypothesis: whether it needs an answer now, its candidates, and the answer.
 * STEP_DECIDED when the look ended in a change or a proposal (one per tick). */
static Step
consider (RwAgent *ag, const RwTwin *model, Hypothesis *h, GError **error)
{
  g_autoptr(GPtrArray) cands = NULL;
  const Candidate *best;
  Step tried;
  if (!actionable (ag, model, h))
    return step_unless_failed (problem_gone (ag, h, error), STEP_GO_ON);
  h->gone_since = SETTLE_NONE;
  if (h->confidence < ag->cfg.t2_confidence)
    return STEP_GO_ON; /* a spike until it persists or detectors agree: not worth a change or a page */
  if (h->escalated)
    {
      gboolean again = FALSE;
      if (!reevaluate (ag, model, h, &again, error))
        return STEP_FAILED;
      if (!again)
        return STEP_GO_ON;
    }
  if (h->handled_tick != SETTLE_NONE && ag->tick < h->handled_tick + ag->cfg.settle_ticks + 1)
    return STEP_GO_ON;
  cands = _rw_agent_candidates (ag, model, h);
  g_ptr_array_sort (cands, _rw_candidate_cmp);
  best = cands->pdata[0];
  if (best->changes->len == 0 && h->handled_tick != SETTLE_NONE)
    {
      h->handled_tick = ag->tick; /* still nothing worth doing: said once already */
      return step_unless_failed (h->escalated || escalate_if_harmful (ag, model, h, error), STEP_GO_ON);
    }
  if (!record_candidates (ag, h, cands, error))
    return STEP_FAILED;
  h->handled_tick = ag->tick;
  tried = try_candidates (ag, model, h, cands, error);
  if (tried != STEP_GO_ON)
    return tried;
  if (best->changes->len > 0)
    return ag->cfg.use_z3 ? synthesis_fallback (ag, model, h, cands, error) : STEP_GO_ON;
  return step_unless_failed (escalate_if_harmful (ag, model, h, error), STEP_GO_ON);
}

gboolean
_rw_agent_decide (RwAgent *ag, GError **error)
{
  /* root causes before their symptoms: leaks, flapping sessions, degraded links, then
   * congestion, each group in the order the hypotheses appeared */
  static const RwHypKind order[] = { RW_HYP_ROUTE_LEAK, RW_HYP_SESSION_FAULT, RW_HYP_DEGRADATION, RW_HYP_CONGESTION };
  g_autoptr(RwTwin) model = NULL;
  for (guint i = 0; i < ag->applied->len; i++)
    if (!((Applied *) ag->applied->pdata[i])->judged)
      return TRUE; /* one change at a time: wait for the last one to settle */
  model = _rw_agent_model_twin (ag);
  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    for (guint i = 0; i < ag->hyp_order->len; i++)
      {
        Hypothesis *h = g_hash_table_lookup (ag->hyps, ag->hyp_order->pdata[i]);
        Step s;
        if (h->kind != order[k])
          continue;
        s = consider (ag, model, h, error);
        if (s == STEP_FAILED)
          return FALSE;
        if (s == STEP_DECIDED || s == STEP_CANCELLED)
          return TRUE; /* one change per tick, and none after a cancelled proof */
      }
  return TRUE;
}
