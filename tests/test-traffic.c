/* test-traffic.c — forwarding (loops, blackholes), loads, latency, fluid loss, SLA, what-if.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-test-build.h"

#include "rw-synth.h"

#include <math.h>

#define P "203.0.113.0/24"

/* Two reflectors with different IGP views: RR1 sits next to E2 and reflects E2's route to X,
 * RR2 sits next to E1 and reflects E1's route to Y. On the line E1 - X - Y - E2, X heads for
 * E2 through Y and Y heads for E1 through X: a forwarding loop. */
static RwTopology *
loop_topology (void)
{
  RwTopology *t = tb_new ();
  tb_node (t, "E1", 65001, 1);
  tb_node (t, "X", 65001, 2);
  tb_node (t, "Y", 65001, 3);
  tb_node (t, "E2", 65001, 4);
  tb_node (t, "RR1", 65001, 11);
  tb_node (t, "RR2", 65001, 12);
  tb_node (t, "A", 64501, 20);
  tb_node (t, "B", 64502, 21);
  tb_link (t, "E1", "X", 10);
  tb_link (t, "X", "Y", 10);
  tb_link (t, "Y", "E2", 10);
  tb_link (t, "RR1", "E2", 1);
  tb_link (t, "RR2", "E1", 1);
  tb_client (t, "RR1", "E1");
  tb_client (t, "RR1", "E2");
  tb_client (t, "RR1", "X");
  tb_client (t, "RR2", "E1");
  tb_client (t, "RR2", "E2");
  tb_client (t, "RR2", "Y");
  tb_peer (t, "E1", "A");
  tb_peer (t, "E2", "B");
  tb_originate (t, P, "A");
  tb_originate (t, P, "B");
  tb_demand (t, "x-out", "X", P, 100);
  tb_demand (t, "e1-out", "E1", P, 100);
  return t;
}

static void
test_forwarding_loop (void)
{
  g_autoptr(RwTwin) tw = tb_solve (loop_topology ());
  const RwDemandResult *r = tb_demand_result (tw, "x-out");
  g_autofree char *path = tb_path (tw, "x-out");
  g_assert_true (tw->bgp->converged);
  g_assert_cmpstr (tb_best_from (tw, "X", P), ==, "RR1");
  g_assert_cmpstr (tb_best_from (tw, "Y", P), ==, "RR2");
  g_assert_cmpint (r->status, ==, RW_DEMAND_LOOP);
  g_assert_cmpstr (path, ==, "X Y X");
  g_assert_nonnull (strstr (r->reason, "loop"));
  g_assert_false (r->sla_ok);
  g_assert_true (isnan (r->latency_ms));
  g_assert_cmpuint (tw->traffic->n_loops, ==, 1);
  /* E1 exits directly */
  g_assert_cmpint (tb_demand_result (tw, "e1-out")->status, ==, RW_DEMAND_OK);
}

static RwTopology *
line_topology (void)
{
  RwTopology *t = tb_new ();
  tb_node (t, "R1", 65001, 1);
  tb_node (t, "R2", 65001, 2);
  tb_node (t, "A", 64501, 20);
  tb_link (t, "R1", "R2", 10);
  tb_session (t, "R1", "R2");
  tb_peer (t, "R2", "A");
  tb_originate (t, P, "A");
  tb_demand (t, "out", "R1", P, 4000);
  return t;
}

static void
test_blackhole_no_route (void)
{
  RwTopology *t = line_topology ();
  g_autoptr(RwTwin) tw = NULL;
  const RwDemandResult *r;
  tb_demand (t, "nowhere", "R1", "192.0.2.0/24", 10);
  tw = tb_solve (t);
  r = tb_demand_result (tw, "nowhere");
  g_assert_cmpint (r->status, ==, RW_DEMAND_BLACKHOLE);
  g_assert_nonnull (strstr (r->reason, "R1 has no route to 192.0.2.0/24"));
  g_assert_cmpint (tb_demand_result (tw, "out")->status, ==, RW_DEMAND_OK);
}

/* The session stays up over another path, but the next hop is unreachable: with the iBGP
 * session down too, R1 has no route any more. With IGP and BGP both down, a blackhole. */
static void
test_blackhole_link_down (void)
{
  g_autoptr(RwTwin) tw = tb_solve (line_topology ());
  g_autoptr(RwTwin) fork = rw_twin_fork (tw);
  g_autoptr(GError) error = NULL;
  const char *changes[] = { "link-down:R1-R2", NULL };
  g_autoptr(RwDiff) diff = NULL;
  g_assert_true (rw_twin_apply (fork, changes, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tb_demand_result (fork, "out")->status, ==, RW_DEMAND_BLACKHOLE);
  /* the original is untouched */
  g_assert_cmpint (tb_demand_result (tw, "out")->status, ==, RW_DEMAND_OK);
  diff = rw_twin_diff (tw, fork);
  g_assert_cmpuint (diff->new_blackholes->len, ==, 1);
  g_assert_cmpstr (diff->new_blackholes->pdata[0], ==, "out");
  g_assert_cmpfloat_with_epsilon (diff->blast_radius, 1.0, 1e-9);
}

static void
test_loads_latency_and_fluid_loss (void)
{
  RwTopology *t = line_topology ();
  g_autoptr(RwTwin) tw = NULL;
  g_autoptr(RwTwin) over = NULL;
  const RwDemandResult *r;
  RwLink *l = rw_topology_find_link (t, "R2-A");
  guint dir;
  l->capacity_mbps = 5000;
  l->loss_pct = 0.1;
  tw = tb_solve (t);
  r = tb_demand_result (tw, "out");
  g_assert_cmpint (r->status, ==, RW_DEMAND_OK);
  dir = g_array_index (r->hops, guint, 1);
  g_assert_cmpfloat_with_epsilon (tw->traffic->dirs[dir].load_mbps, 4000, 1e-9);
  g_assert_cmpfloat_with_epsilon (tw->traffic->dirs[dir].utilisation, 0.8, 1e-9);
  /* 5 ms propagation + 5 * 0.8/0.2 queueing */
  g_assert_cmpfloat_with_epsilon (tw->traffic->dirs[dir].latency_ms, 25.0, 1e-9);
  /* the reverse direction carries nothing */
  g_assert_cmpfloat_with_epsilon (tw->traffic->dirs[dir ^ 1].load_mbps, 0, 1e-9);
  /* R1->R2 at 40 %: 5 + 5 * 0.4/0.6; then R2->A at 80 %: 25 */
  g_assert_cmpfloat_with_epsilon (r->latency_ms, 5.0 + 5.0 * 0.4 / 0.6 + 25.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->loss_pct, 0.1, 1e-9);
  g_assert_true (r->sla_ok);

  /* 10 Gbps into 5 Gbps: half is dropped, queueing is capped, the SLA fails */
  over = rw_twin_fork (tw);
  {
    const char *changes[] = { "demand:out:10000", NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(RwDiff) diff = NULL;
    g_assert_true (rw_twin_apply (over, changes, &error));
    r = tb_demand_result (over, "out");
    g_assert_cmpfloat_with_epsilon (over->traffic->dirs[dir].utilisation, 2.0, 1e-9);
    g_assert_cmpfloat_with_epsilon (over->traffic->dirs[dir].loss_pct, 100 * (1 - 0.999 * 0.5), 1e-9);
    g_assert_cmpfloat_with_epsilon (over->traffic->dirs[dir].latency_ms, 5 + 5 * RW_QUEUE_CAP, 1e-9);
    g_assert_cmpfloat (r->loss_pct, >, 50.0);
    g_assert_false (r->sla_ok);
    diff = rw_twin_diff (tw, over);
    g_assert_cmpuint (diff->sla_added->len, ==, 1);
    g_assert_cmpfloat_with_epsilon (diff->max_util_after, 2.0, 1e-9);
    g_assert_cmpuint (diff->moved_demands->len, ==, 0); /* same path, more traffic */
  }
}

static void
test_queue_model (void)
{
  g_assert_cmpfloat_with_epsilon (rw_link_queue_ms (10, 0), 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (rw_link_queue_ms (10, 0.5), 10, 1e-12);
  g_assert_cmpfloat_with_epsilon (rw_link_queue_ms (10, 0.99), 10 * RW_QUEUE_CAP, 1e-12);
  g_assert_cmpfloat_with_epsilon (rw_link_fluid_loss (0.9), 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (rw_link_fluid_loss (1.25), 0.2, 1e-12);
}

/* Inbound traffic engineering: X reaches our prefix through ISP A or B; prepending towards A
 * moves the inbound demand to B. */
static void
test_inbound_prepend_moves_traffic (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  g_autoptr(RwTwin) fork = NULL;
  g_autoptr(RwDiff) diff = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL;
  const char *changes[] = { "prepend:R1:A:2", NULL };
  tb_node (t, "R1", 65001, 1);
  tb_node (t, "A", 64501, 20);
  tb_node (t, "B", 64502, 30);
  tb_node (t, "X", 64600, 40);
  tb_peer (t, "R1", "A");
  tb_peer (t, "R1", "B");
  tb_peer (t, "X", "A");
  tb_peer (t, "X", "B");
  tb_originate (t, P, "R1");
  tb_demand (t, "in", "X", P, 3000);
  tw = tb_solve (t);
  before = tb_path (tw, "in");
  g_assert_cmpstr (before, ==, "X A R1"); /* A has the lower router id */
  fork = rw_twin_fork (tw);
  g_assert_true (rw_twin_apply (fork, changes, &error));
  after = tb_path (fork, "in");
  g_assert_cmpstr (after, ==, "X B R1");
  {
    /* what A hears from R1 now carries 65001 three times */
    const RwRib *rib = tb_rib (fork, "A", P);
    gboolean seen = FALSE;
    for (guint i = 0; i < rib->routes->len; i++)
      {
        const RwRoute *r = rib->routes->pdata[i];
        if (r->from == (gint) tb_idx (fork, "R1"))
          {
            g_assert_cmpuint (r->as_path_len, ==, 3);
            g_assert_cmpuint (r->as_path[0], ==, 65001);
            g_assert_cmpuint (r->as_path[2], ==, 65001);
            seen = TRUE;
          }
      }
    g_assert_true (seen);
  }
  diff = rw_twin_diff (tw, fork);
  g_assert_cmpfloat_with_epsilon (diff->blast_radius, 1.0, 1e-9);
  g_assert_cmpuint (diff->moved_demands->len, ==, 1);
  /* the change is visible as a policy entry with continue, before the rest */
  {
    RwSession *s = rw_topology_find_session (fork->topo, "R1", "A");
    RwPolicy *p = rw_topology_find_policy (fork->topo, rw_session_end_for (s, "R1")->export);
    RwPolicyEntry *first = p->entries->pdata[0];
    g_assert_nonnull (p);
    g_assert_true (first->cont);
    g_assert_cmpuint (first->set_prepend, ==, 2);
    g_assert_null (rw_session_end_for (rw_topology_find_session (tw->topo, "R1", "A"), "R1")->export);
  }
}

static void
test_change_errors_leave_twin_untouched (void)
{
  g_autoptr(RwTwin) tw = tb_solve (line_topology ());
  g_autofree char *before = rw_topology_to_data (tw->topo, NULL);
  struct { const char *change; const char *expect; } cases[] = {
    { "link-down:NOPE", "unknown link 'NOPE'" },
    { "session-down:R1:A", "no BGP session between 'R1' and 'A'" },
    { "local-pref:R1:R9:200", "unknown neighbour 'R9'" },
    { "local-pref:R1:R2:abc", "'abc' is not a value" },
    { "local-pref:R1:R2:200:10.0.0.1/8", "is not a prefix" },
    { "prepend:R1:R2:2", "applies to eBGP sessions" },
    { "demand:nope:10", "unknown demand 'nope'" },
    { "demand:out:-5", "is not a rate" },
    { "igp-cost:R1-R2:0", "is not an IGP cost" },
    { "teleport:R1", "unknown change kind 'teleport'" },
    { "link-down", "wrong number of fields" },
    { "community-add:R2:A:65001:99999", "is not a community" },
    { "", "empty change" },
    /* policy is ours to change only at our routers (an ISP's configuration is not ours) */
    { "local-pref:A:R2:200", "local-pref:A:R2:200: 'A' is not one of our routers (it is external): policy changes are made at our routers only" },
    { "prepend:A:R2:1", "'A' is not one of our routers" },
    { "med:A:R2:10:" P, "'A' is not one of our routers" },
    { "community-add:A:R2:65001:1", "'A' is not one of our routers" },
    { "deny:A:R2:" P, "'A' is not one of our routers" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *changes[] = { "demand:out:1", cases[i].change, NULL };
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;
      g_assert_false (rw_twin_apply (tw, changes, &error));
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].expect) == NULL)
        g_error ("%s: message '%s' lacks '%s'", cases[i].change, error->message, cases[i].expect);
      after = rw_topology_to_data (tw->topo, NULL);
      g_assert_cmpstr (after, ==, before); /* all or nothing */
    }
  {
    /* faults and what-ifs may touch any node: the session to the ISP goes down all the same */
    const char *fault[] = { "session-down:A:R2", NULL };
    g_autoptr(GError) error = NULL;
    g_assert_true (rw_twin_apply (tw, fault, &error));
    g_assert_no_error (error);
  }
}

static void
test_repeated_change_updates_entry (void)
{
  g_autoptr(RwTwin) tw = tb_solve (line_topology ());
  const char *first[] = { "local-pref:R2:A:200:" P, NULL };
  const char *second[] = { "local-pref:R2:A:150:" P, NULL };
  g_autoptr(GError) error = NULL;
  RwPolicy *p;
  g_assert_true (rw_twin_apply (tw, first, &error));
  g_assert_true (rw_twin_apply (tw, second, &error));
  p = rw_topology_find_policy (tw->topo, rw_session_end_for (rw_topology_find_session (tw->topo, "R2", "A"), "R2")->import);
  g_assert_cmpuint (p->entries->len, ==, 2); /* the change entry and accept-all */
  g_assert_cmpuint (tb_best (tw, "R2", P)->local_pref, ==, 150);
  g_assert_cmpuint (tb_best (tw, "R1", P)->local_pref, ==, 150); /* carried over iBGP */
}

/* Determinism: two solves of the same synthetic network print the same document. */
static void
test_same_input_same_output (void)
{
  RwTopology *t = loop_topology ();
  g_autoptr(RwTwin) a = tb_solve (rw_topology_copy (t));
  g_autoptr(RwTwin) b = tb_solve (t);
  g_autoptr(JsonNode) ja = rw_twin_simulation_to_json (a);
  g_autoptr(JsonNode) jb = rw_twin_simulation_to_json (b);
  g_autofree char *sa = rw_json_node_to_string (ja, FALSE);
  g_autofree char *sb = rw_json_node_to_string (jb, FALSE);
  g_assert_cmpstr (sa, ==, sb);
}

/* A what-if re-uses its network's prefix table: as it is for a change without a prefix, split by
 * the new match for a change scoped to a prefix. Either way the fork must be exactly what a solve
 * from scratch of the changed network gives, and its diff what the prefix-by-prefix diff gives.
 * Returns the fork, for a what-if on it. */
static RwTwin *
check_incremental (const RwTwin *base, const char *const *changes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTwin) fork = rw_twin_fork_apply (base, changes, &error);
  g_autoptr(RwTwin) fresh = NULL;
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, 2 * sizeof (guint));
  g_autoptr(JsonNode) jf = NULL, js = NULL, df = NULL, ds = NULL;
  g_autofree char *sf = NULL, *ss = NULL, *dfs = NULL, *dss = NULL;
  g_autoptr(RwDiff) dfork = NULL, dfresh = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (fork);
  /* the fast path was taken: the fork's classes correspond to the base's */
  g_assert_true (rw_bgp_class_pairs (base->bgp, fork->bgp, pairs));
  fresh = rw_twin_new (rw_topology_copy (fork->topo));
  g_assert_false (rw_bgp_class_pairs (base->bgp, fresh->bgp, pairs));
  g_assert_cmpuint (fork->bgp->n_prefixes, ==, fresh->bgp->n_prefixes);
  g_assert_cmpuint (fork->bgp->classes->len, ==, fresh->bgp->classes->len);
  for (guint p = 0; p < fork->bgp->n_prefixes; p++)
    g_assert_cmpuint (rw_bgp_prefix_class (fork->bgp, p), ==, rw_bgp_prefix_class (fresh->bgp, p));
  for (guint c = 0; c < fork->bgp->classes->len; c++)
    g_assert_true (rw_prefix_equal (&((RwBgpClass *) fork->bgp->classes->pdata[c])->repr,
                                    &((RwBgpClass *) fresh->bgp->classes->pdata[c])->repr));
  jf = rw_twin_simulation_to_json (fork);
  js = rw_twin_simulation_to_json (fresh);
  sf = rw_json_node_to_string (jf, FALSE);
  ss = rw_json_node_to_string (js, FALSE);
  g_assert_cmpstr (sf, ==, ss);
  dfork = rw_twin_diff (base, fork);
  dfresh = rw_twin_diff (base, fresh);
  df = rw_diff_to_json (dfork);
  ds = rw_diff_to_json (dfresh);
  dfs = rw_json_node_to_string (df, FALSE);
  dss = rw_json_node_to_string (ds, FALSE);
  g_assert_cmpstr (dfs, ==, dss);

  /* what a fork shares with its base: the demands until one changes, and the routes of every
   * class that came out the same (a what-if at a million prefixes copies neither) */
  {
    gboolean rate_changed = FALSE;
    g_assert_true (rw_bgp_class_pairs (base->bgp, fork->bgp, pairs));
    for (guint i = 0; changes[i] != NULL; i++)
      rate_changed |= g_str_has_prefix (changes[i], "demand:");
    g_assert_true ((fork->topo->demands == base->topo->demands) == !rate_changed);
    for (guint i = 0; i < pairs->len; i++)
      {
        const guint *pair = &g_array_index (pairs, guint, 2 * i);
        const RwBgpClass *cb = base->bgp->classes->pdata[pair[0]], *cf = fork->bgp->classes->pdata[pair[1]];
        gboolean same = TRUE;
        for (guint u = 0; u < base->net->n_nodes && same; u++)
          {
            const RwRib *rb = &cb->ribs[u], *rf = &cf->ribs[u];
            same = rb->best == rf->best && rb->decided_by == rf->decided_by && rb->routes->len == rf->routes->len;
            for (guint r = 0; same && r < rb->routes->len; r++)
              {
                const RwRoute *x = rb->routes->pdata[r], *y = rf->routes->pdata[r];
                same = rw_route_equal (x, y) && x->igp_cost == y->igp_cost;
              }
          }
        g_assert_true ((cb->ribs == cf->ribs) == same);
      }
  }
  return g_steal_pointer (&fork);
}

static void
test_incremental_whatif (void)
{
  for (guint seed = 1; seed <= 4; seed++)
    {
      RwSynthParams params = { 8, 3, 60, seed };
      g_autoptr(RwTwin) base = rw_twin_new (rw_synth_enterprise (&params));
      g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
      const RwOrigination *o = base->topo->prefixes->pdata[g_rand_int_range (rng, 0, (gint32) base->topo->prefixes->len)];
      const RwOrigination *o2 = base->topo->prefixes->pdata[g_rand_int_range (rng, 0, (gint32) base->topo->prefixes->len)];
      g_autofree char *pfx = rw_prefix_to_string (&o->prefix);
      g_autofree char *pfx2 = rw_prefix_to_string (&o2->prefix);
      g_autofree char *wide = NULL;
      const RwSession *s = NULL;
      g_autofree char *plain = NULL, *scoped = NULL, *deny = NULL, *scoped2 = NULL, *covering = NULL, *deny_wide = NULL;
      g_autofree char *rate = NULL, *cost = NULL;
      const RwDemand *d0 = base->topo->demands->pdata[0];
      const RwLink *inner = NULL;
      RwPrefix w = { o->prefix.addr & rw_prefix_mask (12), 12 };
      for (guint i = 0; i < base->topo->sessions->len && s == NULL; i++)
        if (g_str_has_prefix (((RwSession *) base->topo->sessions->pdata[i])->b, "ISP"))
          s = base->topo->sessions->pdata[i];
      g_assert_nonnull (s);
      wide = rw_prefix_to_string (&w);
      plain = g_strdup_printf ("local-pref:%s:%s:200", s->a, s->b);
      scoped = g_strdup_printf ("local-pref:%s:%s:250:%s", s->a, s->b, pfx);
      scoped2 = g_strdup_printf ("local-pref:%s:%s:90:%s", s->a, s->b, pfx2);
      deny = g_strdup_printf ("deny:%s:%s:%s", s->a, s->b, pfx);
      covering = g_strdup_printf ("local-pref:%s:%s:250:%s", s->a, s->b, wide);
      deny_wide = g_strdup_printf ("deny:%s:%s:%s", s->a, s->b, wide);
      rate = g_strdup_printf ("demand:%s:%g", d0->id, d0->mbps * 3 + 1);
      for (guint i = 0; i < base->topo->links->len && inner == NULL; i++)
        {
          const RwLink *l = base->topo->links->pdata[i];
          if (g_str_has_prefix (l->a, "S") && g_str_has_prefix (l->b, "E"))
            inner = l; /* a spine's uplink: its routes' IGP costs change, little else */
        }
      g_assert_nonnull (inner);
      cost = g_strdup_printf ("igp-cost:%s:%u", inner->id, inner->igp_cost + 7);
      {
        /* a demand's rate and an IGP cost: the fork's routes differ from the base's in their
         * IGP cost alone, and its demands are its own while the base keeps its rates */
        const char *rated[] = { rate, cost, NULL };
        const char *costed[] = { cost, scoped, NULL };
        double before = d0->mbps;
        rw_twin_free (check_incremental (base, rated));
        rw_twin_free (check_incremental (base, costed));
        g_assert_cmpfloat (((RwDemand *) base->topo->demands->pdata[0])->mbps, ==, before);
      }
      {
        const char *one[] = { plain, NULL };
        const char *two[] = { scoped, NULL };
        const char *three[] = { deny, NULL };
        const char *four[] = { scoped, scoped2, plain, NULL };
        const char *five[] = { covering, NULL };
        const char *six[] = { scoped2, NULL };
        const char *seven[] = { deny_wide, NULL };
        g_autoptr(RwTwin) once = NULL, twice = NULL;
        rw_twin_free (check_incremental (base, one));
        once = check_incremental (base, two);
        rw_twin_free (check_incremental (base, three));
        rw_twin_free (check_incremental (base, four));
        rw_twin_free (check_incremental (base, five));
        /* a what-if on a what-if: the table split for the first is split again, and again */
        twice = check_incremental (once, six);
        rw_twin_free (check_incremental (twice, three));
        rw_twin_free (check_incremental (twice, seven));
        rw_twin_free (check_incremental (twice, five));
      }
    }
}

/* Transit cost by hand. R1 peers with A (0.02 per GB) and B (0.01 per GB, a commit of 5000 a
 * month); both reach X, which originates P; R1 originates Q. "out" (R1 -> P, 1000 Mbps) and "in"
 * (X -> Q, 500 Mbps) both cross R1-A (A has the lower router id). A month of 1 Mbps is 324 GB. */
static void
test_transit_cost (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  g_autoptr(RwTwin) prepended = NULL, cut = NULL;
  g_autoptr(RwDiff) diff = NULL;
  g_autoptr(GError) error = NULL;
  const char *prepend[] = { "prepend:R1:A:2", NULL };
  const char *down[] = { "link-down:R1-A", NULL };
  const RwIspCost *a, *b;
  RwLink *la, *lb;
  tb_node (t, "R1", 65001, 1);
  tb_node (t, "A", 64501, 20);
  tb_node (t, "B", 64502, 30);
  tb_node (t, "X", 64600, 40);
  tb_peer (t, "R1", "A");
  tb_peer (t, "R1", "B");
  tb_peer (t, "X", "A");
  tb_peer (t, "X", "B");
  la = rw_topology_find_link (t, "R1-A");
  lb = rw_topology_find_link (t, "R1-B");
  la->has_cost = TRUE;
  la->cost_per_gb = 0.02;
  lb->has_cost = TRUE;
  lb->cost_per_gb = 0.01;
  lb->monthly_commit = 5000;
  tb_originate (t, P, "X");
  tb_originate (t, "198.51.100.0/24", "R1");
  tb_demand (t, "out", "R1", P, 1000);
  tb_demand (t, "in", "X", "198.51.100.0/24", 500);
  g_assert_true (rw_topology_validate (t, &error));
  g_assert_no_error (error);
  tw = tb_solve (t);
  {
    g_autofree char *path = tb_path (tw, "out");
    g_assert_cmpstr (path, ==, "R1 A X");
  }
  /* the X links are not priced: two ISPs billed, in node order */
  g_assert_cmpuint (tw->traffic->isp_costs->len, ==, 2);
  a = rw_traffic_isp_cost (tw->traffic, tb_idx (tw, "A"));
  b = rw_traffic_isp_cost (tw->traffic, tb_idx (tw, "B"));
  g_assert_null (rw_traffic_isp_cost (tw->traffic, tb_idx (tw, "X")));
  /* A: (1000 + 500) Mbps x 324 = 486 000 GB at 0.02 = 9 720; B: nothing used, the commit billed */
  g_assert_cmpfloat_with_epsilon (a->gb, 486000, 1e-6);
  g_assert_cmpfloat_with_epsilon (a->cost, 9720, 1e-6);
  g_assert_cmpfloat_with_epsilon (b->gb, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (b->usage, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (b->cost, 5000, 1e-9);
  g_assert_cmpfloat_with_epsilon (tw->traffic->transit_cost, 14720, 1e-6);
  {
    g_autoptr(JsonNode) sim = rw_twin_simulation_to_json (tw);
    JsonObject *tc = json_object_get_object_member (json_node_get_object (sim), "transit_cost");
    g_assert_nonnull (tc);
    g_assert_cmpint (json_object_get_int_member (tc, "total"), ==, 14720);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tc, "isps")), ==, 2);
  }

  /* inbound moves to B: A bills 1000 x 324 x 0.02 = 6 480; B uses 500 x 324 x 0.01 = 1 620, under
   * its commit: still 5 000 */
  prepended = rw_twin_fork_apply (tw, prepend, &error);
  g_assert_no_error (error);
  {
    g_autofree char *path = tb_path (prepended, "in");
    g_assert_cmpstr (path, ==, "X B R1");
  }
  b = rw_traffic_isp_cost (prepended->traffic, tb_idx (prepended, "B"));
  g_assert_cmpfloat_with_epsilon (b->usage, 1620, 1e-6);
  g_assert_cmpfloat_with_epsilon (b->cost, 5000, 1e-9);
  g_assert_cmpfloat_with_epsilon (prepended->traffic->transit_cost, 11480, 1e-6);
  diff = rw_twin_diff (tw, prepended);
  g_assert_true (diff->priced);
  g_assert_cmpfloat_with_epsilon (diff->cost_after - diff->cost_before, -3240, 1e-6);
  {
    g_autoptr(JsonNode) dj = rw_diff_to_json (diff);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (dj), "transit_cost_change"), ==, -3240);
  }

  /* R1-A cut: all 1 500 Mbps through B, 486 000 GB at 0.01 = 4 860, under the commit; A bills 0 */
  cut = rw_twin_fork_apply (tw, down, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (rw_traffic_isp_cost (cut->traffic, tb_idx (cut, "A"))->cost, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (rw_traffic_isp_cost (cut->traffic, tb_idx (cut, "B"))->usage, 4860, 1e-6);
  g_assert_cmpfloat_with_epsilon (cut->traffic->transit_cost, 5000, 1e-9);
}

/* Without prices there is no bill, and the documents say nothing of one. */
static void
test_no_transit_cost_without_prices (void)
{
  g_autoptr(RwTwin) tw = tb_solve (line_topology ());
  g_autoptr(JsonNode) sim = rw_twin_simulation_to_json (tw);
  g_assert_cmpuint (tw->traffic->isp_costs->len, ==, 0);
  g_assert_cmpfloat (tw->traffic->transit_cost, ==, 0);
  g_assert_false (json_object_has_member (json_node_get_object (sim), "transit_cost"));
}

/* Every demand is found by its id, in a network and in its what-ifs (which share the index while
 * the ids stay as they are); an unknown id is not. */
static void
test_find_demand (void)
{
  RwSynthParams params = { 8, 3, 3000, 5 };
  g_autoptr(RwTwin) base = rw_twin_new (rw_synth_enterprise (&params));
  const RwDemand *d0 = base->topo->demands->pdata[7];
  g_autofree char *grow = g_strdup_printf ("demand:%s:%.1f", d0->id, d0->mbps + 100);
  const char *changes[] = { grow, NULL };
  g_autoptr(RwTwin) fork = rw_twin_fork_apply (base, changes, NULL);
  g_autoptr(RwTwin) fork2 = NULL;
  const RwTwin *all[3];
  g_assert_nonnull (fork);
  fork2 = rw_twin_fork_apply (fork, changes, NULL);
  all[0] = base, all[1] = fork, all[2] = fork2;
  g_assert_cmpuint (base->traffic->demands->len, >, 60);
  for (guint k = 0; k < 3; k++)
    {
      for (guint i = 0; i < all[k]->traffic->demands->len; i++)
        {
          const RwDemandResult *r = all[k]->traffic->demands->pdata[i];
          g_autofree char *copy = g_strdup (r->demand->id);
          g_assert_cmpint (rw_traffic_find_demand (all[k]->traffic, copy), ==, (gint) i);
        }
      g_assert_cmpint (rw_traffic_find_demand (all[k]->traffic, "no-such-demand"), ==, -1);
      g_assert_cmpint (rw_traffic_find_demand (all[k]->traffic, NULL), ==, -1);
    }
  g_assert_cmpfloat (((RwDemandResult *) fork->traffic->demands->pdata[7])->demand->mbps, ==, d0->mbps + 100);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/traffic/loop", test_forwarding_loop);
  g_test_add_func ("/traffic/transit-cost", test_transit_cost);
  g_test_add_func ("/traffic/transit-cost/unpriced", test_no_transit_cost_without_prices);
  g_test_add_func ("/traffic/blackhole/no-route", test_blackhole_no_route);
  g_test_add_func ("/traffic/blackhole/link-down", test_blackhole_link_down);
  g_test_add_func ("/traffic/loads-latency-fluid-loss", test_loads_latency_and_fluid_loss);
  g_test_add_func ("/traffic/queue-model", test_queue_model);
  g_test_add_func ("/whatif/inbound-prepend", test_inbound_prepend_moves_traffic);
  g_test_add_func ("/whatif/errors-all-or-nothing", test_change_errors_leave_twin_untouched);
  g_test_add_func ("/whatif/repeated-change", test_repeated_change_updates_entry);
  g_test_add_func ("/twin/deterministic", test_same_input_same_output);
  g_test_add_func ("/whatif/incremental", test_incremental_whatif);
  g_test_add_func ("/traffic/find-demand", test_find_demand);
  return g_test_run ();
}
