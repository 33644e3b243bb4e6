/* rw-synthesis.c — the smallest policy change that fixes the network: candidate change sets
 * tried on the concrete twin, smallest first, then the best one proven with Z3.
 *
 * A candidate is a set of single-prefix changes: LOCAL_PREF on import at one of our edge
 * routers from one eBGP neighbour, or a prepend on export to it for a prefix we originate. Each
 * is scoped to one prefix, so two destinations that share a prefix group can be moved apart
 * (moving the whole group is the set of its prefixes' changes). Every candidate is forked,
 * applied and solved on the twin (milliseconds each); the budget is a number of such
 * evaluations, never a time, so the same input gives the same answer on any machine. Among the
 * sets of the smallest size that meet the goal (every demand delivered without a loop, every
 * link direction within the headroom, every SLA met), the order is: fewest changes, then the
 * lowest maximum utilisation, then the smallest total deviation from the values in force, then
 * the text. The best ones are then handed to rw_safety_verify() in that order; a set counts as
 * found only once Z3 has proven it safe.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-safety.h"
#include "rw-z3.h"

#include <math.h>

/* Sizes of change sets tried after single changes; larger sets are not what "the smallest
 * fix" means to an operator, and the budget would run out long before. */
#define MAX_SET_SIZE 4

typedef struct {
  RwChangeKind kind;       /* RW_CHANGE_LOCAL_PREF or RW_CHANGE_PREPEND */
  guint router, neighbor;  /* node indices */
  guint prefix;            /* index into the twin's bgp->prefixes */
  gint64 value;
  gint64 deviation;        /* from the value in force (LOCAL_PREF) or from none (prepend) */
  char *text;              /* the change string */
  /* alone on the twin */
  gboolean effective;      /* some demand's path or status moved */
  guint problems;
  double max_util;
} Atom;

static void
atom_free (Atom *a)
{
  g_free (a->text);
  g_free (a);
}

/* How far a state is from the goal: demands lost or looping, SLAs missed, link directions above
 * the headroom (and a BGP that does not settle counts as a problem of its own). */
static guint
problems_of (const RwTwin *t, double headroom)
{
  const RwTraffic *tr = t->traffic;
  guint n = t->bgp->converged ? 0 : 1;
  for (guint i = 0; i < tr->demands->len; i++)
    {
      const RwDemandResult *r = tr->demands->pdata[i];
      n += r->status != RW_DEMAND_OK || !r->sla_ok;
    }
  for (guint d = 0; d < 2 * tr->n_links; d++)
    n += tr->dirs[d].utilisation > headroom + 1e-9;
  return n;
}

static gboolean
same_forwarding (const RwTwin *a, const RwTwin *b)
{
  const GPtrArray *da = a->traffic->demands, *db = b->traffic->demands;
  if (da->len != db->len)
    return FALSE;
  for (guint i = 0; i < da->len; i++)
    {
      const RwDemandResult *x = da->pdata[i], *y = db->pdata[i];
      if (x->status != y->status || x->hops->len != y->hops->len ||
          memcmp (x->hops->data, y->hops->data, x->hops->len * sizeof (guint)) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Prefixes whose traffic is in trouble: a demand to them is lost, loops, misses its SLA or
 * crosses a link direction above the headroom. In prefix order. */
static GArray *
hot_prefixes (const RwTwin *t, double headroom)
{
  const RwTraffic *tr = t->traffic;
  g_autofree gboolean *hot = g_new0 (gboolean, t->bgp->n_prefixes + 1);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < tr->demands->len; i++)
    {
      const RwDemandResult *r = tr->demands->pdata[i];
      gboolean trouble = r->status != RW_DEMAND_OK || !r->sla_ok;
      if (r->prefix < 0)
        continue;
      for (guint h = 0; h < r->hops->len && !trouble; h++)
        trouble = tr->dirs[g_array_index (r->hops, guint, h)].utilisation > headroom + 1e-9;
      hot[r->prefix] |= trouble;
    }
  for (guint px = 0; px < t->bgp->n_prefixes; px++)
    if (hot[px])
      g_array_append_val (out, px);
  return out;
}

static gboolean
originated_by_us (const RwTwin *t, const RwPrefix *p)
{
  for (guint i = 0; i < t->topo->prefixes->len; i++)
    {
      const RwOrigination *o = t->topo->prefixes->pdata[i];
      gint n;
      if (!rw_prefix_equal (&o->prefix, p))
        continue;
      n = rw_net_node (t->net, o->origin_node);
      if (n >= 0 && rw_net_is_ours (t->net, (guint) n))
        return TRUE;
    }
  return FALSE;
}

static gint
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* LOCAL_PREF values worth trying for a prefix: one below and one above every value that a
 * router of ours holds for it (only the order against those values can change a decision),
 * within the allowed range, ascending. */
static GArray *
lp_values (const RwTwin *t, guint prefix, const RwSafetyParams *p)
{
  const RwBgpClass *bc = t->bgp->classes->pdata[rw_bgp_prefix_class (t->bgp, prefix)];
  GArray *vals = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint u = 0; u < t->net->n_nodes; u++)
    {
      if (!rw_net_is_ours (t->net, u))
        continue;
      for (guint r = 0; r < bc->ribs[u].routes->len; r++)
        {
          const RwRoute *rt = bc->ribs[u].routes->pdata[r];
          gint64 around[2] = { (gint64) rt->local_pref - 1, (gint64) rt->local_pref + 1 };
          for (guint k = 0; k < 2; k++)
            {
              gboolean seen = FALSE;
              if (around[k] < p->lp_min || around[k] > p->lp_max)
                continue;
              for (guint j = 0; j < vals->len && !seen; j++)
                seen = g_array_index (vals, gint64, j) == around[k];
              if (!seen)
                g_array_append_val (vals, around[k]);
            }
        }
    }
  g_array_sort (vals, compare_gint64);
  return vals;
}

static Atom *
atom_new (const RwTwin *t, RwChangeKind kind, const RwAdj *adj, guint prefix, gint64 value, gint64 deviation)
{
  Atom *a = g_new0 (Atom, 1);
  g_autofree char *pfx = rw_prefix_to_string (&t->bgp->prefixes[prefix]);
  a->kind = kind;
  a->router = adj->node;
  a->neighbor = adj->peer;
  a->prefix = prefix;
  a->value = value;
  a->deviation = deviation;
  a->text = g_strdup_printf ("%s:%s:%s:%" G_GINT64_FORMAT ":%s", kind == RW_CHANGE_LOCAL_PREF ? "local-pref" : "prepend",
                             t->net->nodes[adj->node]->id, t->net->nodes[adj->peer]->id, value, pfx);
  return a;
}

/* Every single-prefix change synthesis may make for the prefixes in trouble, in a fixed order:
 * prefix, then adjacency, then value. */
static GPtrArray *
make_atoms (const RwTwin *t, const RwSafetyParams *p)
{
  GPtrArray *atoms = g_ptr_array_new_with_free_func ((GDestroyNotify) atom_free);
  g_autoptr(GArray) hot = hot_prefixes (t, p->headroom);
  const RwNet *net = t->net;
  for (guint h = 0; h < hot->len; h++)
    {
      guint px = g_array_index (hot, guint, h);
      const RwBgpClass *bc = t->bgp->classes->pdata[rw_bgp_prefix_class (t->bgp, px)];
      gboolean ours = originated_by_us (t, &t->bgp->prefixes[px]);
      g_autoptr(GArray) lps = ours ? NULL : lp_values (t, px, p);
      for (guint ai = 0; ai < net->n_adjs; ai++)
        {
          const RwAdj *adj = &net->adjs[ai];
          if (!adj->ebgp || !adj->up || !rw_net_is_ours (net, adj->node))
            continue;
          if (ours)
            {
              for (guint c = 1; c <= p->prepend_max; c++)
                g_ptr_array_add (atoms, atom_new (t, RW_CHANGE_PREPEND, adj, px, c, c));
              continue;
            }
          /* LOCAL_PREF on a route the router does not hold from that neighbour changes nothing */
          for (guint r = 0; r < bc->ribs[adj->node].routes->len; r++)
            {
              const RwRoute *rt = bc->ribs[adj->node].routes->pdata[r];
              if (rt->from != (gint) adj->peer)
                continue;
              for (guint v = 0; v < lps->len; v++)
                {
                  gint64 val = g_array_index (lps, gint64, v);
                  if (val != (gint64) rt->local_pref)
                    g_ptr_array_add (atoms, atom_new (t, RW_CHANGE_LOCAL_PREF, adj, px, val,
                                                      ABS (val - (gint64) rt->local_pref)));
                }
              break;
            }
        }
    }
  return atoms;
}

/* A candidate set that meets the goal on the twin. */
typedef struct {
  GPtrArray *atoms;        /* Atom, borrowed, in the order the set was built */
  double max_util;
  gint64 deviation;
  char *text;              /* the change strings, sorted, joined by spaces: the tie-break */
} Fix;

static void
fix_free (Fix *f)
{
  g_ptr_array_unref (f->atoms);
  g_free (f->text);
  g_free (f);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* fewest changes, then the lowest peak utilisation, then the smallest deviation, then the text */
static gint
compare_fixes (gconstpointer pa, gconstpointer pb)
{
  const Fix *a = *(Fix *const *) pa, *b = *(Fix *const *) pb;
  if (a->atoms->len != b->atoms->len)
    return a->atoms->len < b->atoms->len ? -1 : 1;
  if (fabs (a->max_util - b->max_util) > 1e-9)
    return a->max_util < b->max_util ? -1 : 1;
  if (a->deviation != b->deviation)
    return a->deviation < b->deviation ? -1 : 1;
  return strcmp (a->text, b->text);
}

/* For ordering single changes by promise before they are combined. */
static gint
compare_atoms (gconstpointer pa, gconstpointer pb)
{
  const Atom *a = *(Atom *const *) pa, *b = *(Atom *const *) pb;
  if (a->problems != b->problems)
    return a->problems < b->problems ? -1 : 1;
  if (fabs (a->max_util - b->max_util) > 1e-9)
    return a->max_util < b->max_util ? -1 : 1;
  if (a->deviation != b->deviation)
    return a->deviation < b->deviation ? -1 : 1;
  return strcmp (a->text, b->text);
}

typedef struct {
  const RwTwin *twin;
  const RwSafetyParams *p;
  RwSynthResult *res;
  guint budget;
  GPtrArray *fixes;        /* Fix */
} Search;

/* Whether one more candidate may be evaluated: not once the budget is spent or the proof
 * cancelled (the app's Cancel, see rw_z3_check). */
static gboolean
out_of_budget (Search *s)
{
  if (s->res->evaluated >= s->budget)
    s->res->budget_spent = TRUE;
  return s->res->budget_spent || rw_z3_cancelled ();
}

/* Forks the twin with @set applied and solves it: one unit of the budget. The state, or NULL
 * when the set cannot be applied. */
static RwTwin *
evaluate (Search *s, GPtrArray *set)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  for (guint i = 0; i < set->len; i++)
    g_ptr_array_add (texts, ((Atom *) set->pdata[i])->text);
  g_ptr_array_add (texts, NULL);
  s->res->evaluated++;
  return rw_twin_fork_apply (s->twin, (const char *const *) texts->pdata, NULL);
}

static void
keep_fix (Search *s, GPtrArray *set, const RwTwin *after)
{
  Fix *f = g_new0 (Fix, 1);
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  f->atoms = g_ptr_array_copy (set, NULL, NULL);
  f->max_util = after->traffic->max_utilisation;
  for (guint i = 0; i < set->len; i++)
    {
      const Atom *a = set->pdata[i];
      f->deviation += a->deviation;
      g_ptr_array_add (texts, a->text);
    }
  g_ptr_array_sort (texts, compare_strings);
  g_ptr_array_add (texts, NULL);
  f->text = g_strjoinv (" ", (char **) texts->pdata);
  g_ptr_array_add (s->fixes, f);
}

static gboolean
same_setting (const Atom *a, const Atom *b)
{
  return a->kind == b->kind && a->router == b->router && a->neighbor == b->neighbor && a->prefix == b->prefix;
}

/* Every @size-subset of @pool (lexicographic in pool order) without two values for one
 * setting, evaluated until the budget is spent. */
static void
try_sets (Search *s, GPtrArray *pool, guint size)
{
  g_autofree guint *idx = g_new (guint, size);
  g_autoptr(GPtrArray) set = g_ptr_array_new ();
  guint n = pool->len;
  if (size > n)
    return;
  for (guint i = 0; i < size; i++)
    idx[i] = i;
  for (;;)
    {
      gboolean clash = FALSE;
      g_ptr_array_set_size (set, 0);
      for (guint i = 0; i < size && !clash; i++)
        {
          Atom *a = pool->pdata[idx[i]];
          for (guint j = 0; j < set->len && !clash; j++)
            clash = same_setting (set->pdata[j], a);
          g_ptr_array_add (set, a);
        }
      if (!clash)
        {
          g_autoptr(RwTwin) after = NULL;
          if (out_of_budget (s))
            return;
          after = evaluate (s, set);
          if (after && problems_of (after, s->p->headroom) == 0)
            keep_fix (s, set, after);
        }
      /* next combination */
      {
        gint i = (gint) size - 1;
        while (i >= 0 && idx[i] == n - size + (guint) i)
          i--;
        if (i < 0)
          return;
        idx[i]++;
        for (guint j = (guint) i + 1; j < size; j++)
          idx[j] = idx[j - 1] + 1;
      }
    }
}

/* The first sentence of why @v is not safe. */
static char *
verdict_reason (const RwVerdict *v)
{
  if (v->unknown)
    return g_strdup_printf ("Z3 gave no answer (%s)", v->unknown_reason ? v->unknown_reason : "no reason given");
  if (v->violations->len)
    return g_strdup (((RwViolation *) v->violations->pdata[0])->message);
  if (v->cex_message)
    return g_strdup (v->cex_message);
  return g_strdup ("not proven safe");
}

RwSynthResult *
rw_safety_synthesise (const RwTwin *twin, const RwSafetyParams *p)
{
  RwSynthResult *res = g_new0 (RwSynthResult, 1);
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(GPtrArray) atoms = NULL;
  g_autoptr(GPtrArray) pool = g_ptr_array_new ();
  g_autoptr(GPtrArray) fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) fix_free);
  Search s = { twin, p, res, p->synth_budget ? p->synth_budget : RW_SYNTH_DEFAULT_BUDGET, fixes };

  res->changes = g_ptr_array_new_with_free_func (g_free);
  res->max_util_before = twin->traffic->max_utilisation;
  res->max_util_after = twin->traffic->max_utilisation;
  if (problems_of (twin, p->headroom) == 0)
    {
      res->found = TRUE;
      res->reason = g_strdup ("the network already meets every constraint: no change needed");
      res->seconds = (g_get_monotonic_time () - t0) / 1e6;
      return res;
    }

  /* single changes first; those that move something are then combined, the most promising
   * first, so that a budget that runs out has spent itself on the likeliest sets */
  atoms = make_atoms (twin, p);
  for (guint i = 0; i < atoms->len; i++)
    {
      Atom *a = atoms->pdata[i];
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_autoptr(RwTwin) after = NULL;
      if (out_of_budget (&s))
        break;
      g_ptr_array_add (one, a);
      after = evaluate (&s, one);
      if (after == NULL)
        continue;
      a->problems = problems_of (after, p->headroom);
      a->max_util = after->traffic->max_utilisation;
      a->effective = !same_forwarding (twin, after);
      if (a->problems == 0)
        keep_fix (&s, one, after);
      if (a->effective)
        g_ptr_array_add (pool, a);
    }
  g_ptr_array_sort (pool, compare_atoms);
  for (guint size = 2; fixes->len == 0 && !res->budget_spent && !rw_z3_cancelled () && size <= MAX_SET_SIZE; size++)
    try_sets (&s, pool, size);
  g_ptr_array_sort (fixes, compare_fixes);
  res->confirmed = fixes->len;

  if (fixes->len == 0)
    {
      res->reason = g_strdup_printf ("no set of at most %u LOCAL_PREF (in [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]) or prepend "
                                     "(at most %u) changes at the edge routers, each for one prefix in trouble, keeps every "
                                     "link under %.0f %% and every SLA met on the twin (%u of at most %u candidate sets tried%s)",
                                     MAX_SET_SIZE, p->lp_min, p->lp_max, p->prepend_max, 100 * p->headroom, res->evaluated,
                                     s.budget, res->budget_spent ? ": the budget ran out" : "");
      res->seconds = (g_get_monotonic_time () - t0) / 1e6;
      return res;
    }

  /* the best sets, in rank order, until Z3 proves one; with no proofs asked for, the caller
   * proves the best one itself */
  for (guint i = 0; i < fixes->len && (p->synth_proofs == 0 ? i < 1 : i < p->synth_proofs); i++)
    {
      const Fix *f = fixes->pdata[i];
      g_autoptr(GPtrArray) texts = g_ptr_array_new ();
      g_autoptr(RwVerdict) v = NULL;
      g_autoptr(RwTwin) after = NULL;
      g_autoptr(GError) error = NULL;
      for (guint k = 0; k < f->atoms->len; k++)
        g_ptr_array_add (texts, ((Atom *) f->atoms->pdata[k])->text);
      g_ptr_array_sort (texts, compare_strings);
      g_ptr_array_add (texts, NULL);
      if (p->synth_proofs > 0)
        {
          v = rw_safety_verify (twin, (const char *const *) texts->pdata, p, &error);
          res->proofs++;
          if (v == NULL || !v->safe)
            {
              /* the reason given is the best set's */
              if (res->reason == NULL)
                {
                  g_autofree char *why = v ? verdict_reason (v) : g_strdup (error->message);
                  res->reason = g_strdup_printf ("the best change set the twin confirmed (%s) is not proven safe: %s", f->text, why);
                  res->unknown = v != NULL && v->unknown;
                }
              continue;
            }
          res->proven = TRUE;
        }
      after = rw_twin_fork_apply (twin, (const char *const *) texts->pdata, NULL);
      res->found = TRUE;
      res->unknown = FALSE;
      g_clear_pointer (&res->reason, g_free); /* a better set was refused, this one holds */
      res->max_util_after = after ? after->traffic->max_utilisation : f->max_util;
      for (guint k = 0; texts->pdata[k]; k++)
        g_ptr_array_add (res->changes, g_strdup (texts->pdata[k]));
      break;
    }
  if (!res->found && res->proofs > 1)
    {
      char *all = g_strdup_printf ("%s; the next %u were not proven either", res->reason, res->proofs - 1);
      g_free (res->reason);
      res->reason = all;
    }
  res->seconds = (g_get_monotonic_time () - t0) / 1e6;
  return res;
}

void
rw_synth_result_free (RwSynthResult *r)
{
  if (r == NULL)
    return;
  g_free (r->reason);
  g_clear_pointer (&r->changes, g_ptr_array_unref);
  g_free (r);
}

JsonNode *
rw_synth_result_to_json (const RwSynthResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "changes");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->changes->len; i++)
    json_builder_add_string_value (b, r->changes->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "max_utilisation_before");
  json_builder_add_double_value (b, round (r->max_util_before * 1000) / 1000);
  json_builder_set_member_name (b, "max_utilisation_after");
  json_builder_add_double_value (b, round (r->max_util_after * 1000) / 1000);
  json_builder_set_member_name (b, "confirmed");
  json_builder_add_boolean_value (b, r->found);
  json_builder_set_member_name (b, "proven");
  json_builder_add_boolean_value (b, r->proven);
  json_builder_set_member_name (b, "evaluated");
  json_builder_add_int_value (b, r->evaluated);
  if (r->reason)
    {
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, r->reason);
    }
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, round (r->seconds * 1000) / 1000);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
