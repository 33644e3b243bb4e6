/* test-bgp.c — the BGP solver: every decision step deciding, reflection, loop checks,
 * communities, MED subtleties, non-convergence.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-test-build.h"
#include "rw-synth.h"

#define P "203.0.113.0/24"

/* R1 (AS 65001) with two eBGP neighbours A (AS 64501, id .20) and B (AS 64502, id .10), both
 * originating P with the same attributes. Left alone, B wins on router id (step 9). */
static RwTopology *
two_isps (void)
{
  RwTopology *t = tb_new ();
  tb_node (t, "R1", 65001, 1);
  tb_node (t, "A", 64501, 20);
  tb_node (t, "B", 64502, 10);
  tb_peer (t, "R1", "A");
  tb_peer (t, "R1", "B");
  tb_originate (t, P, "A");
  tb_originate (t, P, "B");
  return t;
}

static void
assert_decided (RwTwin *tw, const char *node, const char *from, RwDecisionStep step)
{
  const RwRib *rib = tb_rib (tw, node, P);
  g_assert_cmpstr (tb_best_from (tw, node, P), ==, from);
  g_assert_cmpstr (rw_decision_step_name (rib->decided_by), ==, rw_decision_step_name (step));
}

static void
test_step_baseline_router_id (void)
{
  g_autoptr(RwTwin) tw = tb_solve (two_isps ());
  g_assert_true (tw->bgp->converged);
  g_assert_cmpuint (tb_rib (tw, "R1", P)->routes->len, ==, 2);
  assert_decided (tw, "R1", "B", RW_STEP_ROUTER_ID);
}

static void
test_step_weight (void)
{
  RwTopology *t = two_isps ();
  g_autoptr(RwTwin) tw = NULL;
  rw_session_end_for (rw_topology_find_session (t, "R1", "A"), "R1")->weight = 100;
  /* and a higher LOCAL_PREF on B, which weight must beat */
  rw_session_end_for (rw_topology_find_session (t, "R1", "B"), "R1")->import = g_strdup ("lp");
  tb_entry (t, "lp", 10, TRUE)->has_set_local_pref = TRUE;
  ((RwPolicyEntry *) rw_topology_find_policy (t, "lp")->entries->pdata[0])->set_local_pref = 300;
  tw = tb_solve (t);
  assert_decided (tw, "R1", "A", RW_STEP_WEIGHT);
}

static void
test_step_local_pref (void)
{
  RwTopology *t = two_isps ();
  RwPolicyEntry *e;
  g_autoptr(RwTwin) tw = NULL;
  rw_session_end_for (rw_topology_find_session (t, "R1", "A"), "R1")->import = g_strdup ("lp");
  e = tb_entry (t, "lp", 10, TRUE);
  e->has_set_local_pref = TRUE;
  e->set_local_pref = 150;
  /* A's path is longer: LOCAL_PREF must still win */
  rw_session_end_for (rw_topology_find_session (t, "R1", "A"), "A")->export = g_strdup ("pp");
  tb_entry (t, "pp", 10, TRUE)->set_prepend = 2;
  tw = tb_solve (t);
  assert_decided (tw, "R1", "A", RW_STEP_LOCAL_PREF);
  g_assert_cmpuint (tb_best (tw, "R1", P)->local_pref, ==, 150);
  g_assert_cmpuint (tb_best (tw, "R1", P)->as_path_len, ==, 3);
}

static void
test_step_local_origin (void)
{
  RwTopology *t = two_isps ();
  RwPolicyEntry *e;
  g_autoptr(RwTwin) tw = NULL;
  tb_originate (t, P, "R1");
  /* Give A's route the weight FRR gives local routes, so step 1 ties. */
  rw_session_end_for (rw_topology_find_session (t, "R1", "A"), "R1")->import = g_strdup ("w");
  e = tb_entry (t, "w", 10, TRUE);
  e->has_set_weight = TRUE;
  e->set_weight = 32768;
  tw = tb_solve (t);
  assert_decided (tw, "R1", "local", RW_STEP_LOCAL_ORIGIN);
}

static void
test_step_as_path (void)
{
  RwTopology *t = two_isps ();
  g_autoptr(RwTwin) tw = NULL;
  rw_session_end_for (rw_topology_find_session (t, "R1", "B"), "B")->export = g_strdup ("pp");
  tb_entry (t, "pp", 10, TRUE)->set_prepend = 1;
  tw = tb_solve (t);
  assert_decided (tw, "R1", "A", RW_STEP_AS_PATH);
  g_assert_cmpuint (tb_best (tw, "R1", P)->as_path_len, ==, 1);
}

static void
test_step_origin (void)
{
  RwTopology *t = two_isps ();
  g_autoptr(RwTwin) tw = NULL;
  ((RwOrigination *) t->prefixes->pdata[1])->origin = RW_ORIGIN_INCOMPLETE; /* B's */
  tw = tb_solve (t);
  assert_decided (tw, "R1", "A", RW_STEP_ORIGIN);
}

/* Two routers of one neighbour AS: MED decides, before the router id would pick A1. */
static void
test_step_med_same_as (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  RwOrigination *o;
  tb_node (t, "R1", 65001, 1);
  tb_node (t, "A1", 64501, 10);
  tb_node (t, "A2", 64501, 20);
  tb_peer (t, "R1", "A1");
  tb_peer (t, "R1", "A2");
  o = tb_originate (t, P, "A1");
  o->has_med = TRUE, o->med = 50;
  o = tb_originate (t, P, "A2");
  o->has_med = TRUE, o->med = 10;
  tw = tb_solve (t);
  assert_decided (tw, "R1", "A2", RW_STEP_MED);
}

/* MED is not compared across neighbour ASes unless always_compare_med. */
static void
test_step_med_other_as (void)
{
  RwTopology *t = two_isps ();
  g_autoptr(RwTwin) tw = NULL;
  g_autoptr(RwTwin) tw2 = NULL;
  RwOrigination *a = t->prefixes->pdata[0], *b = t->prefixes->pdata[1];
  a->has_med = TRUE, a->med = 10;
  b->has_med = TRUE, b->med = 50;
  tw = tb_solve (rw_topology_copy (t));
  assert_decided (tw, "R1", "B", RW_STEP_ROUTER_ID);
  t->always_compare_med = TRUE;
  tw2 = tb_solve (t);
  assert_decided (tw2, "R1", "A", RW_STEP_MED);
}

/* R1 and R2 (iBGP, full mesh) each learn P from their own ISP; at R1 the eBGP route wins at
 * step 7 although the iBGP one has the lower router id. */
static RwTopology *
two_edges (void)
{
  RwTopology *t = tb_new ();
  tb_node (t, "R1", 65001, 50);
  tb_node (t, "R2", 65001, 2);
  tb_node (t, "A", 64501, 30);
  tb_node (t, "B", 64502, 40);
  tb_peer (t, "R1", "A");
  tb_peer (t, "R2", "B");
  tb_link (t, "R1", "R2", 10);
  tb_session (t, "R1", "R2");
  tb_originate (t, P, "A");
  tb_originate (t, P, "B");
  return t;
}

static void
test_step_ebgp (void)
{
  g_autoptr(RwTwin) tw = tb_solve (two_edges ());
  assert_decided (tw, "R1", "A", RW_STEP_EBGP);
  assert_decided (tw, "R2", "B", RW_STEP_EBGP);
}

/* R3 hears P from R1 and R2 over iBGP; the nearer exit wins, then the lower router id. */
static RwTopology *
three_routers (guint cost_r1, guint cost_r2)
{
  RwTopology *t = two_edges ();
  tb_node (t, "R3", 65001, 3);
  tb_link (t, "R3", "R1", cost_r1);
  tb_link (t, "R3", "R2", cost_r2);
  /* the R1-R2 link must not offer a shortcut */
  rw_topology_find_link (t, "R1-R2")->igp_cost = 1000;
  tb_session (t, "R3", "R1");
  tb_session (t, "R3", "R2");
  return t;
}

static void
test_step_igp_cost (void)
{
  g_autoptr(RwTwin) tw = tb_solve (three_routers (10, 20));
  assert_decided (tw, "R3", "R1", RW_STEP_IGP_COST);
  g_assert_cmpuint (tb_best (tw, "R3", P)->igp_cost, ==, 10);
}

static void
test_step_router_id (void)
{
  g_autoptr(RwTwin) tw = tb_solve (three_routers (10, 10));
  assert_decided (tw, "R3", "R2", RW_STEP_ROUTER_ID); /* R2 is 10.0.0.2, R1 10.0.0.50 */
}

/* C (client of RR2 directly, and of RR1 which talks to RR3 as a non-client) originates P to
 * its reflectors via eBGP from X. R4, client of RR2 and RR3, hears one reflection with a
 * CLUSTER_LIST of one and one of two; both carry ORIGINATOR_ID C. */
static RwTopology *
cluster_topology (gboolean long_way)
{
  RwTopology *t = tb_new ();
  tb_node (t, "C", 65001, 1);
  tb_node (t, "RR1", 65001, 11);
  tb_node (t, "RR2", 65001, 12);
  tb_node (t, "RR3", 65001, 9);  /* lower than RR2: step 11 would pick RR3 */
  tb_node (t, "R4", 65001, 4);
  tb_node (t, "X", 64501, 30);
  tb_peer (t, "C", "X");
  tb_originate (t, P, "X");
  tb_link (t, "C", "RR1", 10);
  tb_link (t, "C", "RR2", 10);
  tb_link (t, "RR1", "RR3", 10);
  tb_link (t, "RR3", "R4", 10);
  tb_link (t, "RR2", "R4", 10);
  tb_client (t, "RR2", "C");
  tb_client (t, "RR2", "R4");
  tb_client (t, "RR3", "R4");
  if (long_way)
    {
      tb_client (t, "RR1", "C");
      tb_session (t, "RR1", "RR3");
    }
  else
    tb_client (t, "RR3", "C");
  return t;
}

static void
test_step_cluster_list (void)
{
  g_autoptr(RwTwin) tw = tb_solve (cluster_topology (TRUE));
  const RwRoute *best;
  assert_decided (tw, "R4", "RR2", RW_STEP_CLUSTER_LIST);
  g_assert_cmpuint (tb_rib (tw, "R4", P)->routes->len, ==, 2);
  best = tb_best (tw, "R4", P);
  g_assert_true (best->has_originator);
  g_assert_cmpuint (best->originator_id, ==, (10u << 24) | 1);
  g_assert_cmpuint (best->cluster_len, ==, 1);
}

static void
test_step_neighbor_addr (void)
{
  g_autoptr(RwTwin) tw = tb_solve (cluster_topology (FALSE));
  assert_decided (tw, "R4", "RR3", RW_STEP_NEIGHBOR_ADDR);
}

/* ---- reflection ---- */

static RwTopology *
reflector_topology (void)
{
  RwTopology *t = tb_new ();
  tb_node (t, "RR", 65001, 1);
  tb_node (t, "C1", 65001, 2);
  tb_node (t, "C2", 65001, 3);
  tb_node (t, "N1", 65001, 4);
  tb_node (t, "N2", 65001, 5);
  tb_node (t, "X", 64501, 20);
  tb_node (t, "Y", 64502, 21);
  for (guint i = 0; i < 4; i++)
    tb_link (t, "RR", (const char *[]) { "C1", "C2", "N1", "N2" }[i], 10);
  tb_client (t, "RR", "C1");
  tb_client (t, "RR", "C2");
  tb_session (t, "RR", "N1");
  tb_session (t, "RR", "N2");
  tb_peer (t, "C1", "X");
  tb_peer (t, "N1", "Y");
  tb_originate (t, "198.51.100.0/24", "X"); /* enters at client C1 */
  tb_originate (t, "192.0.2.0/24", "Y");    /* enters at non-client N1 */
  return t;
}

static void
test_reflection_matrix (void)
{
  g_autoptr(RwTwin) tw = tb_solve (reflector_topology ());
  /* from a client: to everyone */
  g_assert_cmpstr (tb_best_from (tw, "C2", "198.51.100.0/24"), ==, "RR");
  g_assert_cmpstr (tb_best_from (tw, "N1", "198.51.100.0/24"), ==, "RR");
  g_assert_cmpstr (tb_best_from (tw, "N2", "198.51.100.0/24"), ==, "RR");
  g_assert_true (tb_best (tw, "N2", "198.51.100.0/24")->has_originator);
  g_assert_cmpuint (tb_best (tw, "N2", "198.51.100.0/24")->cluster_list[0], ==, (10u << 24) | 1);
  /* from a non-client: to clients only */
  g_assert_cmpstr (tb_best_from (tw, "C1", "192.0.2.0/24"), ==, "RR");
  g_assert_cmpstr (tb_best_from (tw, "C2", "192.0.2.0/24"), ==, "RR");
  g_assert_null (tb_best (tw, "N2", "192.0.2.0/24"));
  /* the next hop stays the egress router */
  g_assert_cmpint (tb_best (tw, "C2", "192.0.2.0/24")->nexthop, ==, (gint) tb_idx (tw, "N1"));
}

static void
test_no_reflection_without_reflector (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  tb_node (t, "R1", 65001, 1);
  tb_node (t, "R2", 65001, 2);
  tb_node (t, "R3", 65001, 3);
  tb_node (t, "X", 64501, 9);
  tb_link (t, "R1", "R2", 10);
  tb_link (t, "R2", "R3", 10);
  tb_session (t, "R1", "R2");
  tb_session (t, "R2", "R3");
  tb_peer (t, "R1", "X");
  tb_originate (t, P, "X");
  tw = tb_solve (t);
  g_assert_cmpstr (tb_best_from (tw, "R2", P), ==, "R1");
  g_assert_null (tb_best (tw, "R3", P)); /* iBGP-learned routes are not passed on */
}

/* C is a client of RR1 and RR2, which are non-client peers: the reflection of C's route
 * comes back to C and must be dropped on ORIGINATOR_ID. */
static void
test_originator_loop_check (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  const RwRib *rib;
  tb_node (t, "C", 65001, 1);
  tb_node (t, "RR1", 65001, 11);
  tb_node (t, "RR2", 65001, 12);
  tb_node (t, "X", 64501, 9);
  tb_link (t, "C", "RR1", 10);
  tb_link (t, "C", "RR2", 10);
  tb_link (t, "RR1", "RR2", 10);
  tb_client (t, "RR1", "C");
  tb_client (t, "RR2", "C");
  tb_session (t, "RR1", "RR2");
  tb_peer (t, "C", "X");
  tb_originate (t, P, "X");
  tw = tb_solve (t);
  rib = tb_rib (tw, "C", P);
  g_assert_cmpuint (rib->routes->len, ==, 1);
  g_assert_cmpstr (tb_best_from (tw, "C", P), ==, "X");
  /* RR2 holds C's route directly and RR1's reflection of it */
  g_assert_cmpuint (tb_rib (tw, "RR2", P)->routes->len, ==, 2);
}

/* A cycle of reflectors (RR1 client of RR3, RR2 client of RR1, RR3 client of RR2): the route
 * comes round to RR1 with RR1 in its CLUSTER_LIST and is dropped. */
static void
test_cluster_list_loop_check (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  const RwRib *rib;
  tb_node (t, "C", 65001, 1);
  tb_node (t, "RR1", 65001, 11);
  tb_node (t, "RR2", 65001, 12);
  tb_node (t, "RR3", 65001, 13);
  tb_node (t, "X", 64501, 9);
  tb_link (t, "C", "RR1", 10);
  tb_link (t, "RR1", "RR2", 10);
  tb_link (t, "RR2", "RR3", 10);
  tb_link (t, "RR3", "RR1", 10);
  tb_client (t, "RR1", "C");
  tb_client (t, "RR1", "RR2");
  tb_client (t, "RR2", "RR3");
  /* RR3 prefers what RR2 reflects, so it passes that on to its client RR1 */
  rw_session_end_for (tb_client (t, "RR3", "RR1"), "RR3")->weight = 0;
  rw_session_end_for (rw_topology_find_session (t, "RR2", "RR3"), "RR3")->weight = 10;
  tb_peer (t, "C", "X");
  tb_originate (t, P, "X");
  tw = tb_solve (t);
  g_assert_true (tw->bgp->converged);
  rib = tb_rib (tw, "RR1", P);
  for (guint i = 0; i < rib->routes->len; i++)
    {
      const RwRoute *r = rib->routes->pdata[i];
      for (guint k = 0; k < r->cluster_len; k++)
        g_assert_cmpuint (r->cluster_list[k], !=, (10u << 24) | 11);
    }
  g_assert_cmpstr (tb_best_from (tw, "RR1", P), ==, "C");
  g_assert_cmpuint (rib->routes->len, ==, 1);
  /* RR3 took the long way round, two reflections deep, and offered it to RR1 */
  g_assert_cmpstr (tb_best_from (tw, "RR3", P), ==, "RR2");
  g_assert_cmpuint (tb_best (tw, "RR3", P)->cluster_len, ==, 2);
}

/* ---- communities, AS loops, MED across iBGP ---- */

static void
test_no_export_no_advertise (void)
{
  RwTopology *t = two_edges ();
  g_autoptr(RwTwin) tw = NULL;
  RwOrigination *o;
  guint32 c = RW_COMMUNITY_NO_EXPORT;
  o = tb_originate (t, "10.20.0.0/16", "R1");
  g_array_append_val (rw_origination_communities_writable (o), c);
  c = RW_COMMUNITY_NO_ADVERTISE;
  o = tb_originate (t, "10.30.0.0/16", "R1");
  g_array_append_val (rw_origination_communities_writable (o), c);
  tb_originate (t, "10.40.0.0/16", "R1");
  tw = tb_solve (t);
  g_assert_cmpstr (tb_best_from (tw, "R2", "10.20.0.0/16"), ==, "R1"); /* iBGP: yes */
  g_assert_null (tb_best (tw, "A", "10.20.0.0/16"));                    /* eBGP: no */
  g_assert_null (tb_best (tw, "B", "10.20.0.0/16"));
  g_assert_null (tb_best (tw, "R2", "10.30.0.0/16"));                   /* nobody */
  g_assert_null (tb_best (tw, "A", "10.30.0.0/16"));
  g_assert_cmpstr (tb_best_from (tw, "B", "10.40.0.0/16"), ==, "R2");   /* control */
  g_assert_cmpuint (tb_best (tw, "B", "10.40.0.0/16")->as_path_len, ==, 1);
}

static void
test_as_path_loop (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  tb_node (t, "R1", 65001, 1);
  tb_node (t, "A1", 64501, 10);
  tb_node (t, "A2", 64501, 11); /* same AS as A1, no iBGP between them */
  tb_peer (t, "R1", "A1");
  tb_peer (t, "R1", "A2");
  tb_originate (t, P, "A1");
  tw = tb_solve (t);
  g_assert_cmpstr (tb_best_from (tw, "R1", P), ==, "A1");
  g_assert_null (tb_best (tw, "A2", P)); /* [65001 64501] contains its own AS */
}

/* R1 hears P from A1 (AS 64501, MED 50) over eBGP and R2's route from A2 (same AS, MED 10)
 * over iBGP: the MED step removes R1's own eBGP route. */
static void
test_med_prefers_ibgp_over_own_ebgp (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  RwOrigination *o;
  tb_node (t, "R1", 65001, 1);
  tb_node (t, "R2", 65001, 2);
  tb_node (t, "A1", 64501, 10);
  tb_node (t, "A2", 64501, 11);
  tb_link (t, "R1", "R2", 10);
  tb_session (t, "R1", "R2");
  tb_peer (t, "R1", "A1");
  tb_peer (t, "R2", "A2");
  o = tb_originate (t, P, "A1");
  o->has_med = TRUE, o->med = 50;
  o = tb_originate (t, P, "A2");
  o->has_med = TRUE, o->med = 10;
  tw = tb_solve (t);
  assert_decided (tw, "R1", "R2", RW_STEP_MED);
  g_assert_true (tb_best (tw, "R1", P)->ibgp);
  /* and the MED from AS 64501 is not passed on to another AS */
  g_assert_false (tb_best (tw, "A1", "203.0.113.0/24") != NULL && tb_best (tw, "A1", P)->from >= 0 &&
                  tb_best (tw, "A1", P)->has_med);
}

/* Found by the lab on a random network: R2 originates P with MED 10 and sends it to the ISP with
 * it; R1 learned P over iBGP and sends it to the same ISP without it (FRR keeps a MED towards an
 * eBGP peer only on routes the router originates). The ISP then prefers R1's route (MED 0). */
static void
test_med_from_ibgp_not_sent_to_ebgp (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  RwOrigination *o;
  const RwRib *rib;
  tb_node (t, "R1", 65001, 30);
  tb_node (t, "R2", 65001, 2);
  tb_node (t, "A", 64501, 10);
  tb_link (t, "R1", "R2", 10);
  tb_session (t, "R1", "R2");
  tb_peer (t, "R1", "A");
  tb_peer (t, "R2", "A");
  o = tb_originate (t, P, "R2");
  o->has_med = TRUE, o->med = 10;
  tw = tb_solve (t);
  rib = tb_rib (tw, "A", P);
  for (guint i = 0; i < rib->routes->len; i++)
    {
      const RwRoute *r = rib->routes->pdata[i];
      g_assert_cmpint (r->has_med, ==, r->from == (gint) tb_idx (tw, "R2"));
    }
  g_assert_cmpstr (tb_best_from (tw, "A", P), ==, "R1");
  assert_decided (tw, "A", "R1", RW_STEP_MED);
}

/* Policy: first match wins, implicit deny, continue entries adjust and go on; a route whose last
 * match was a continue entry is permitted, as in FRR 8.4. */
static void
test_policy_semantics (void)
{
  RwTopology *t = two_isps (), *t2;
  g_autoptr(RwTwin) tw = NULL;
  RwPolicyEntry *e;
  RwPrefixMatch m = { 0 };
  g_assert_true (rw_prefix_parse ("203.0.113.0/24", &m.prefix));
  m.ge = m.le = 24;
  m.has_ge = m.has_le = FALSE;
  tb_originate (t, "198.51.100.0/24", "A");
  rw_session_end_for (rw_topology_find_session (t, "R1", "A"), "R1")->import = g_strdup ("in");
  e = tb_entry (t, "in", 5, TRUE); /* continue: LP 250 for everything */
  e->cont = TRUE;
  e->has_set_local_pref = TRUE;
  e->set_local_pref = 250;
  e = tb_entry (t, "in", 10, TRUE); /* permit P only */
  e->match_prefixes = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
  g_array_append_val (e->match_prefixes, m);
  t2 = rw_topology_copy (t);
  tw = tb_solve (t);
  g_assert_cmpstr (tb_best_from (tw, "R1", P), ==, "A");
  g_assert_cmpuint (tb_best (tw, "R1", P)->local_pref, ==, 250);
  /* FRR 8.4: a matched on-match next entry that no later entry overrules permits the route */
  g_assert_nonnull (tb_best (tw, "R1", "198.51.100.0/24"));
  g_assert_cmpuint (tb_best (tw, "R1", "198.51.100.0/24")->local_pref, ==, 250);
  /* an explicit deny after it restores the deny */
  tb_entry (t2, "in", 20, FALSE);
  g_clear_pointer (&tw, rw_twin_free);
  tw = tb_solve (t2);
  g_assert_null (tb_best (tw, "R1", "198.51.100.0/24"));
  g_assert_cmpstr (tb_best_from (tw, "R1", P), ==, "A");
}

/* Griffin's bad gadget: three ASes around D, each preferring the path through its clockwise
 * neighbour. There is no stable state; the solver must say so and stop. */
static void
test_bad_gadget_not_converged (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  const char *n[] = { "N1", "N2", "N3" };
  tb_node (t, "D", 64500, 100);
  for (guint i = 0; i < 3; i++)
    {
      tb_node (t, n[i], 64501 + i, 1 + i);
      tb_peer (t, n[i], "D");
    }
  for (guint i = 0; i < 3; i++)
    tb_peer (t, n[i], n[(i + 1) % 3]);
  tb_originate (t, P, "D");
  for (guint i = 0; i < 3; i++)
    {
      const char *next = n[(i + 1) % 3], *prev = n[(i + 2) % 3];
      g_autofree char *via_next = g_strdup_printf ("%s-from-next", n[i]);
      g_autofree char *deny = g_strdup_printf ("%s-deny", n[i]);
      RwPolicyEntry *e;
      /* from the clockwise neighbour: only its direct path, preferred */
      e = tb_entry (t, via_next, 10, FALSE);
      e->has_match_as_path_contains = TRUE;
      e->match_as_path_contains = 64501 + (i + 2) % 3;
      e = tb_entry (t, via_next, 20, TRUE);
      e->has_set_local_pref = TRUE;
      e->set_local_pref = 200;
      rw_session_end_for (rw_topology_find_session (t, n[i], next), n[i])->import = g_strdup (via_next);
      tb_entry (t, deny, 10, FALSE);
      rw_session_end_for (rw_topology_find_session (t, n[i], prev), n[i])->import = g_strdup (deny);
    }
  tw = tb_solve (t);
  g_assert_false (tw->bgp->converged);
  g_assert_cmpuint (tw->bgp->unstable->len, ==, 1);
}

/* A stable twin with the same shape but without the preference converges. */
static void
test_good_gadget_converges (void)
{
  RwTopology *t = tb_new ();
  g_autoptr(RwTwin) tw = NULL;
  const char *n[] = { "N1", "N2", "N3" };
  tb_node (t, "D", 64500, 100);
  for (guint i = 0; i < 3; i++)
    {
      tb_node (t, n[i], 64501 + i, 1 + i);
      tb_peer (t, n[i], "D");
    }
  for (guint i = 0; i < 3; i++)
    tb_peer (t, n[i], n[(i + 1) % 3]);
  tb_originate (t, P, "D");
  tw = tb_solve (t);
  g_assert_true (tw->bgp->converged);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (tb_best_from (tw, n[i], P), ==, "D");
}

/* Grouping prefixes into classes gives exactly the per-prefix answer. */
static void
test_prefix_classes_exact (void)
{
  RwTopology *t = two_edges ();
  RwBgpOptions solo = { FALSE, 0 };
  g_autoptr(RwTwin) grouped = NULL;
  g_autoptr(RwTwin) alone = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autofree char *sa = NULL, *sb = NULL;
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *p = g_strdup_printf ("100.%u.0.0/16", i);
      RwOrigination *o = tb_originate (t, p, i % 2 ? "A" : "B");
      o->origin = i % 3;
      if (i % 5 == 0) /* anycast: both */
        tb_originate (t, p, i % 2 ? "B" : "A");
    }
  alone = rw_twin_new_with_options (rw_topology_copy (t), &solo);
  grouped = rw_twin_new (t);
  g_assert_cmpuint (grouped->bgp->classes->len, <, alone->bgp->classes->len);
  a = rw_twin_simulation_to_json (grouped);
  b = rw_twin_simulation_to_json (alone);
  sa = rw_json_node_to_string (a, FALSE);
  sb = rw_json_node_to_string (b, FALSE);
  g_assert_cmpstr (sa, ==, sb);
}

static gint
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* What decides a prefix's class, written out plainly: its originations (in any order) and the
 * answer of every prefix match of every policy. */
static char *
class_key (const RwTopology *t, const RwPrefix *p)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  GString *key = g_string_new (NULL);
  for (guint i = 0; i < t->prefixes->len; i++)
    {
      const RwOrigination *o = t->prefixes->pdata[i];
      GString *one;
      if (!rw_prefix_equal (&o->prefix, p))
        continue;
      one = g_string_new (NULL);
      g_string_append_printf (one, "%s/%d/%d/%u/", o->origin_node, o->origin, o->has_med, o->med);
      for (guint c = 0; c < rw_origination_n_communities (o); c++)
        g_string_append_printf (one, "%u,", g_array_index (o->communities, guint32, c));
      g_ptr_array_add (parts, g_string_free (one, FALSE));
    }
  g_ptr_array_sort (parts, str_ptr_cmp);
  for (guint i = 0; i < parts->len; i++)
    g_string_append_printf (key, "%s;", (char *) parts->pdata[i]);
  g_string_append_c (key, '|');
  for (guint i = 0; i < t->policies->len; i++)
    {
      const RwPolicy *pol = t->policies->pdata[i];
      for (guint j = 0; j < pol->entries->len; j++)
        {
          const RwPolicyEntry *e = pol->entries->pdata[j];
          for (guint m = 0; e->match_prefixes && m < e->match_prefixes->len; m++)
            g_string_append_c (key, rw_prefix_match_accepts (&g_array_index (e->match_prefixes, RwPrefixMatch, m), p) ? '1' : '0');
        }
    }
  return g_string_free (key, FALSE);
}

/* A prefix match of a random shape (exact, le, ge-le, some deny) around a prefix of @t, as a
 * new entry of @pol. */
static void
add_random_match (GRand *rng, const RwTopology *t, RwPolicy *pol, guint seq)
{
  const RwOrigination *base = t->prefixes->pdata[g_rand_int_range (rng, 0, (gint32) t->prefixes->len)];
  guint8 len = (guint8) g_rand_int_range (rng, 0, base->prefix.len + 1);
  RwPrefixMatch m = { { base->prefix.addr & rw_prefix_mask (len), len }, len, len, FALSE, FALSE, FALSE };
  RwPolicyEntry *e = rw_policy_entry_new (seq, g_rand_boolean (rng));
  if (g_rand_boolean (rng))
    {
      m.has_le = TRUE;
      m.le = (guint8) g_rand_int_range (rng, len, 33);
      if (g_rand_boolean (rng))
        m.has_ge = TRUE, m.ge = (guint8) g_rand_int_range (rng, len, m.le + 1);
    }
  m.deny = g_rand_int_range (rng, 0, 4) == 0;
  e->match_prefixes = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
  g_array_append_val (e->match_prefixes, m);
  g_ptr_array_add (pol->entries, e);
}

/* Two prefixes share a class of @tw exactly when their originations and every prefix match's
 * answer agree, and classes are numbered by their first prefix, which represents them. */
static void
assert_classes_by_key (const RwTwin *tw)
{
  g_autoptr(GHashTable) class_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint seen = 0;
  for (guint p = 0; p < tw->bgp->n_prefixes; p++)
    {
      const RwPrefix *pp = &tw->bgp->prefixes[p];
      guint c = rw_bgp_prefix_class (tw->bgp, p);
      char *key = class_key (tw->topo, pp);
      gpointer v = g_hash_table_lookup (class_of, key);
      g_assert_true (p == 0 || pp->addr > tw->bgp->prefixes[p - 1].addr ||
                     (pp->addr == tw->bgp->prefixes[p - 1].addr && pp->len > tw->bgp->prefixes[p - 1].len));
      if (v != NULL)
        {
          g_assert_cmpuint (GPOINTER_TO_UINT (v) - 1, ==, c);
          g_free (key);
          continue;
        }
      /* a new key: a new class, the next number, represented by this prefix */
      g_assert_cmpuint (c, ==, seen);
      g_assert_true (rw_prefix_equal (&((RwBgpClass *) tw->bgp->classes->pdata[c])->repr, pp));
      g_hash_table_insert (class_of, key, GUINT_TO_POINTER (++seen));
    }
  g_assert_cmpuint (seen, ==, tw->bgp->classes->len);
}

/* On random networks with nested prefixes, anycast, MEDs, communities and prefix matches of every
 * shape, the classes are what their definition says. */
static void
test_prefix_classes_by_key (void)
{
  for (guint seed = 1; seed <= 6; seed++)
    {
      RwSynthParams params = { 8, 3, 200, seed };
      RwTopology *t = rw_synth_enterprise (&params);
      g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
      g_autoptr(RwTwin) tw = NULL;
      RwPolicy *pol = rw_topology_find_policy (t, "TO-ISP");
      guint n = t->prefixes->len;
      for (guint i = 0; i < 60; i++)
        {
          /* more prefixes, inside or around the ones there are, some originated twice */
          const RwOrigination *base = t->prefixes->pdata[g_rand_int_range (rng, 0, (gint32) n)];
          guint8 len = (guint8) g_rand_int_range (rng, 8, 29);
          RwPrefix q = { (base->prefix.addr | (guint32) g_rand_int (rng)) & rw_prefix_mask (len), len };
          const RwNode *node = t->nodes->pdata[g_rand_int_range (rng, 0, (gint32) t->nodes->len)];
          RwOrigination *o = rw_origination_new (&q, node->id);
          o->origin = g_rand_int_range (rng, 0, 3);
          o->has_med = g_rand_boolean (rng);
          o->med = o->has_med ? 10 * g_rand_int_range (rng, 0, 3) : 0;
          if (g_rand_int_range (rng, 0, 3) == 0)
            {
              guint32 c = (65001u << 16) | (guint32) g_rand_int_range (rng, 1, 3);
              g_array_append_val (rw_origination_communities_writable (o), c);
            }
          g_ptr_array_add (t->prefixes, o);
          if (g_rand_int_range (rng, 0, 4) == 0)
            g_ptr_array_add (t->prefixes, rw_origination_new (&q, ((RwNode *) t->nodes->pdata[0])->id));
        }
      for (guint i = 0; i < 12; i++)
        add_random_match (rng, t, pol, 100 + 10 * i);
      tw = rw_twin_new (t);
      g_assert_cmpuint (tw->bgp->classes->len, >, 3);
      assert_classes_by_key (tw);
    }
}

/* Every prefix's (class in @before, class in @after) is one of @pairs, and every pair is some
 * prefix's. */
static void
assert_pairs_exact (const RwBgpResult *before, const RwBgpResult *after, GArray *pairs)
{
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < pairs->len; i++)
    {
      const guint *pair = &g_array_index (pairs, guint, 2 * i);
      gint64 key = ((gint64) pair[0] << 32) | pair[1];
      g_hash_table_add (listed, g_memdup2 (&key, sizeof key));
    }
  for (guint p = 0; p < after->n_prefixes; p++)
    {
      gint64 key = ((gint64) rw_bgp_prefix_class (before, p) << 32) | rw_bgp_prefix_class (after, p);
      g_assert_true (g_hash_table_contains (listed, &key));
      g_hash_table_add (found, g_memdup2 (&key, sizeof key));
    }
  g_assert_cmpuint (g_hash_table_size (found), ==, g_hash_table_size (listed));
}

/* The same classes, prefix by prefix, and the same best routes as a solve from scratch. */
static void
assert_same_as_fresh (const RwTwin *tw)
{
  g_autoptr(RwTwin) fresh = rw_twin_new (rw_topology_copy (tw->topo));
  g_assert_false (rw_bgp_same_table (tw->bgp, fresh->bgp));
  g_assert_cmpuint (tw->bgp->n_prefixes, ==, fresh->bgp->n_prefixes);
  g_assert_cmpuint (tw->bgp->classes->len, ==, fresh->bgp->classes->len);
  for (guint p = 0; p < tw->bgp->n_prefixes; p++)
    g_assert_cmpuint (rw_bgp_prefix_class (tw->bgp, p), ==, rw_bgp_prefix_class (fresh->bgp, p));
  for (guint c = 0; c < tw->bgp->classes->len; c++)
    {
      const RwBgpClass *a = tw->bgp->classes->pdata[c], *b = fresh->bgp->classes->pdata[c];
      g_assert_true (rw_prefix_equal (&a->repr, &b->repr));
      g_assert_cmpuint (a->n_prefixes, ==, b->n_prefixes);
      for (guint u = 0; u < tw->net->n_nodes; u++)
        g_assert_true (rw_route_equal (rw_bgp_best (tw->bgp, rw_bgp_prefix_index (tw->bgp, &a->repr), u),
                                       rw_bgp_best (fresh->bgp, rw_bgp_prefix_index (fresh->bgp, &b->repr), u)));
    }
}

/* A what-if of a what-if of …: each step adds prefix matches to a fork and re-solves it, so its
 * table is split from the one before, again and again. Each step's classes are those a solve from
 * scratch gives, and what it says of the classes it split is exact. Every step moves the first
 * prefix of a class, so what stays of the class is represented by a later prefix; the large
 * network has classes spread over many blocks of the table. */
static void
test_prefix_classes_split_chain (void)
{
  for (guint seed = 1; seed <= 5; seed++)
    {
      RwSynthParams params = { 8, 3, seed == 5 ? 30000 : 200, seed };
      g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
      g_autoptr(RwTwin) tw = rw_twin_new (rw_synth_enterprise (&params));
      guint seq = 100;
      for (guint step = 0; step < 8; step++)
        {
          g_autoptr(RwTwin) next = rw_twin_fork (tw);
          g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, 2 * sizeof (guint));
          RwPolicy *pol = rw_topology_find_policy (next->topo, step % 2 ? "TO-ISP" : "FROM-ISP1");
          guint k = 0;
          g_assert_nonnull (pol);
          g_assert_true (rw_bgp_same_table (tw->bgp, next->bgp));
          for (guint i = g_rand_int_range (rng, 0, 3); i > 0; i--)
            add_random_match (rng, next->topo, pol, seq += 10);
          /* the first prefix of a class of two or more: on its own, or with everything in its
           * /10 (the large network's first 16 384 prefixes, so that what stays of the class
           * starts blocks later) */
          for (guint c = g_rand_int_range (rng, 0, (gint32) tw->bgp->classes->len); k < tw->bgp->classes->len; k++)
            {
              const RwBgpClass *cls = tw->bgp->classes->pdata[(c + k) % tw->bgp->classes->len];
              if (cls->n_prefixes >= 2)
                {
                  RwPrefixMatch m = { cls->repr, cls->repr.len, cls->repr.len, FALSE, FALSE, FALSE };
                  if (step % 3 == 2)
                    m = (RwPrefixMatch) { { cls->repr.addr & rw_prefix_mask (10), 10 }, 10, 32, FALSE, TRUE, FALSE };
                  RwPolicyEntry *e = rw_policy_entry_new (seq += 10, TRUE);
                  e->match_prefixes = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
                  g_array_append_val (e->match_prefixes, m);
                  g_ptr_array_add (pol->entries, e);
                  break;
                }
            }
          rw_twin_resolve (next);
          g_assert_true (rw_bgp_class_pairs (tw->bgp, next->bgp, pairs));
          assert_pairs_exact (tw->bgp, next->bgp, pairs);
          g_assert_true (rw_bgp_class_pairs (next->bgp, tw->bgp, pairs));
          for (guint i = 0; i < pairs->len; i++) /* the other way round */
            {
              guint *pair = &g_array_index (pairs, guint, 2 * i), t = pair[0];
              pair[0] = pair[1], pair[1] = t;
            }
          assert_pairs_exact (tw->bgp, next->bgp, pairs);
          assert_same_as_fresh (next);
          if (params.prefixes <= 1000)
            assert_classes_by_key (next);
          g_clear_pointer (&tw, rw_twin_free);
          tw = g_steal_pointer (&next);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bgp/step/baseline-router-id", test_step_baseline_router_id);
  g_test_add_func ("/bgp/med/ibgp-learned-not-sent-to-ebgp", test_med_from_ibgp_not_sent_to_ebgp);
  g_test_add_func ("/bgp/step/1-weight", test_step_weight);
  g_test_add_func ("/bgp/step/2-local-pref", test_step_local_pref);
  g_test_add_func ("/bgp/step/3-local-origin", test_step_local_origin);
  g_test_add_func ("/bgp/step/4-as-path", test_step_as_path);
  g_test_add_func ("/bgp/step/5-origin", test_step_origin);
  g_test_add_func ("/bgp/step/6-med-same-as", test_step_med_same_as);
  g_test_add_func ("/bgp/step/6-med-other-as", test_step_med_other_as);
  g_test_add_func ("/bgp/step/7-ebgp", test_step_ebgp);
  g_test_add_func ("/bgp/step/8-igp-cost", test_step_igp_cost);
  g_test_add_func ("/bgp/step/9-router-id", test_step_router_id);
  g_test_add_func ("/bgp/step/10-cluster-list", test_step_cluster_list);
  g_test_add_func ("/bgp/step/11-neighbor-addr", test_step_neighbor_addr);
  g_test_add_func ("/bgp/reflection/matrix", test_reflection_matrix);
  g_test_add_func ("/bgp/reflection/none-without-reflector", test_no_reflection_without_reflector);
  g_test_add_func ("/bgp/reflection/originator-loop", test_originator_loop_check);
  g_test_add_func ("/bgp/reflection/cluster-list-loop", test_cluster_list_loop_check);
  g_test_add_func ("/bgp/communities/no-export-no-advertise", test_no_export_no_advertise);
  g_test_add_func ("/bgp/as-path-loop", test_as_path_loop);
  g_test_add_func ("/bgp/med/ibgp-beats-own-ebgp", test_med_prefers_ibgp_over_own_ebgp);
  g_test_add_func ("/bgp/policy/semantics", test_policy_semantics);
  g_test_add_func ("/bgp/convergence/bad-gadget", test_bad_gadget_not_converged);
  g_test_add_func ("/bgp/convergence/good-gadget", test_good_gadget_converges);
  g_test_add_func ("/bgp/classes/exact", test_prefix_classes_exact);
  g_test_add_func ("/bgp/classes/by-key", test_prefix_classes_by_key);
  g_test_add_func ("/bgp/classes/split-chain", test_prefix_classes_split_chain);
  return g_test_run ();
}
