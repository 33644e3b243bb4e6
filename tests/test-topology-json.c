/* test-topology-json.c — the topology v1 JSON loader and saver (DESIGN.md section 10):
 * a valid file loads with the documented defaults, load/save round-trips byte for byte (also
 * for values at the edge of what the loader accepts), every kind of bad input fails with
 * "SOURCE: JSON.PATH: problem" and never half-loads, and saving is atomic.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-topology.h"
#include "rw-file.h"
#include "rw-json-util.h"

#include <fcntl.h>
#include <glib.h>
#include <math.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RW_SOURCE_DIR
#error "RW_SOURCE_DIR must be defined (the source root, set in tests/meson.build)"
#endif

#define SOURCE "inline.json"

/* A small but complete network: two routers of AS 65001 (an edge router and a reflector whose
 * end of the iBGP session marks the edge router as its client) and one ISP. Several optional
 * keys are left out on purpose so the defaults can be checked. Entries of from-isp-a are
 * deliberately not in seq order. The malformed cases below are made by editing this text. */
static const char valid_topology[] =
  "{\n"
  "  \"format\": \"routewise-topology\", \"version\": 1, \"name\": \"Test edge\",\n"
  "  \"options\": { \"always_compare_med\": true },\n"
  "  \"nodes\": [\n"
  "    { \"id\": \"R1\", \"kind\": \"router\", \"role\": \"edge\", \"asn\": 65001,\n"
  "      \"router_id\": \"10.255.0.1\", \"hostname\": \"edge-router-01\", \"x\": 120, \"y\": 80.5 },\n"
  "    { \"id\": \"RR\", \"kind\": \"router\", \"role\": \"reflector\", \"asn\": 65001,\n"
  "      \"router_id\": \"10.255.0.9\" },\n"
  "    { \"id\": \"ISP-A\", \"kind\": \"external\", \"role\": \"isp\", \"asn\": 64496,\n"
  "      \"router_id\": \"198.18.0.1\", \"label\": \"Jio\", \"x\": 20, \"y\": 20 }\n"
  "  ],\n"
  "  \"links\": [\n"
  "    { \"id\": \"R1-RR\", \"a\": \"R1\", \"b\": \"RR\", \"capacity_mbps\": 40000, \"latency_ms\": 0.5 },\n"
  "    { \"id\": \"R1-ISPA\", \"a\": \"R1\", \"b\": \"ISP-A\", \"capacity_mbps\": 10000, \"latency_ms\": 8,\n"
  "      \"igp_cost\": 100, \"loss_pct\": 0.25, \"up\": false }\n"
  "  ],\n"
  "  \"sessions\": [\n"
  "    { \"a\": \"R1\", \"b\": \"ISP-A\",\n"
  "      \"ends\": { \"R1\": { \"import\": \"from-isp-a\", \"export\": \"to-isp\", \"weight\": 200 },\n"
  "                \"ISP-A\": {} } },\n"
  "    { \"a\": \"RR\", \"b\": \"R1\", \"up\": false, \"ends\": { \"RR\": { \"rr_client\": true } } }\n"
  "  ],\n"
  "  \"policies\": {\n"
  "    \"from-isp-a\": [\n"
  "      { \"seq\": 20, \"action\": \"deny\" },\n"
  "      { \"seq\": 10, \"action\": \"permit\",\n"
  "        \"match\": { \"prefixes\": [\"10.0.0.0/8 le 32\", \"192.0.2.0/24\"], \"community\": \"65001:100\",\n"
  "                   \"neighbor_as\": 64496, \"as_path_contains\": 15169 },\n"
  "        \"set\": { \"local_pref\": 150, \"med\": 50, \"weight\": 7, \"prepend\": 2,\n"
  "                 \"community_add\": [\"65001:200\", \"no-export\"], \"community_remove\": [\"65001:100\"] } },\n"
  "      { \"seq\": 15, \"action\": \"permit\", \"match\": { \"prefixes\": [\"172.16.0.0/12 ge 16 le 24\"] } }\n"
  "    ],\n"
  "    \"to-isp\": [ { \"seq\": 5, \"action\": \"permit\" } ]\n"
  "  },\n"
  "  \"prefixes\": [\n"
  "    { \"prefix\": \"203.0.113.0/24\", \"origin_node\": \"ISP-A\", \"med\": null,\n"
  "      \"communities\": [\"no-export\", \"64496:1\"] },\n"
  "    { \"prefix\": \"10.1.0.0/16\", \"origin_node\": \"R1\", \"origin\": \"incomplete\", \"med\": 30 }\n"
  "  ],\n"
  "  \"demands\": [\n"
  "    { \"id\": \"r1-to-cdn\", \"src\": \"R1\", \"dst\": \"203.0.113.0/24\", \"mbps\": 3000, \"class\": \"gold\" },\n"
  "    { \"id\": \"bulk\", \"src\": \"RR\", \"dst\": \"203.0.113.0/24\", \"mbps\": 12.5, \"class\": \"bronze\" }\n"
  "  ],\n"
  "  \"sla_classes\": { \"gold\": { \"latency_ms\": 50, \"loss_pct\": 1.0 },\n"
  "                   \"bronze\": { \"latency_ms\": 200, \"loss_pct\": 5 } }\n"
  "}\n";

/* valid_topology with the first occurrence of @find replaced, or NULL if @find does not occur. */
static char *
edit_valid (const char *find, const char *replace)
{
  const char *at = strstr (valid_topology, find);
  GString *s;

  if (at == NULL)
    return NULL;
  s = g_string_new_len (valid_topology, at - valid_topology);
  g_string_append (s, replace);
  g_string_append (s, at + strlen (find));
  return g_string_free (s, FALSE);
}

static RwTopology *
load_valid (void)
{
  g_autoptr(GError) error = NULL;
  RwTopology *t = rw_topology_load_data (valid_topology, -1, SOURCE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

static guint32
community (guint asn, guint value)
{
  return (guint32) ((asn << 16) | value);
}

/* ---- a valid file ---- */

static void
test_valid_nodes_links (void)
{
  g_autoptr(RwTopology) t = load_valid ();
  RwNode *r1, *rr, *isp;
  RwLink *l;

  g_assert_cmpstr (t->name, ==, "Test edge");
  g_assert_true (t->always_compare_med);
  g_assert_cmpuint (t->nodes->len, ==, 3);

  r1 = rw_topology_find_node (t, "R1");
  g_assert_nonnull (r1);
  g_assert_true (r1 == t->nodes->pdata[0]); /* file order kept */
  g_assert_cmpint (r1->kind, ==, RW_NODE_ROUTER);
  g_assert_cmpint (r1->role, ==, RW_ROLE_EDGE);
  g_assert_cmpuint (r1->asn, ==, 65001);
  g_assert_cmphex (r1->router_id, ==, 0x0AFF0001u); /* 10.255.0.1 in host order */
  g_assert_cmpstr (r1->hostname, ==, "edge-router-01");
  g_assert_null (r1->label);
  g_assert_cmpfloat (r1->x, ==, 120.0);
  g_assert_cmpfloat (r1->y, ==, 80.5);

  rr = rw_topology_find_node (t, "RR");
  g_assert_nonnull (rr);
  g_assert_cmpint (rr->role, ==, RW_ROLE_REFLECTOR);
  g_assert_cmphex (rr->router_id, ==, 0x0AFF0009u);
  g_assert_null (rr->hostname);
  g_assert_cmpfloat (rr->x, ==, 0.0); /* x, y default to 0 */
  g_assert_cmpfloat (rr->y, ==, 0.0);

  isp = rw_topology_find_node (t, "ISP-A");
  g_assert_nonnull (isp);
  g_assert_cmpint (isp->kind, ==, RW_NODE_EXTERNAL);
  g_assert_cmpint (isp->role, ==, RW_ROLE_ISP);
  g_assert_cmpuint (isp->asn, ==, 64496);
  g_assert_cmphex (isp->router_id, ==, 0xC6120001u); /* 198.18.0.1 */
  g_assert_cmpstr (isp->label, ==, "Jio");

  g_assert_cmpuint (t->links->len, ==, 2);
  l = rw_topology_find_link (t, "R1-RR");
  g_assert_nonnull (l);
  g_assert_cmpstr (l->a, ==, "R1");
  g_assert_cmpstr (l->b, ==, "RR");
  g_assert_cmpfloat (l->capacity_mbps, ==, 40000.0);
  g_assert_cmpfloat (l->latency_ms, ==, 0.5);
  /* defaults: up true, igp_cost 10, loss 0 */
  g_assert_true (l->up);
  g_assert_cmpuint (l->igp_cost, ==, 10);
  g_assert_cmpfloat (l->loss_pct, ==, 0.0);

  l = rw_topology_find_link (t, "R1-ISPA");
  g_assert_nonnull (l);
  g_assert_false (l->up);
  g_assert_cmpuint (l->igp_cost, ==, 100);
  g_assert_cmpfloat (l->loss_pct, ==, 0.25);
}

static void
test_valid_sessions (void)
{
  g_autoptr(RwTopology) t = load_valid ();
  RwSession *s;
  RwSessionEnd *e;

  g_assert_cmpuint (t->sessions->len, ==, 2);

  s = rw_topology_find_session (t, "ISP-A", "R1"); /* either order finds it */
  g_assert_nonnull (s);
  g_assert_cmpstr (s->a, ==, "R1");
  g_assert_cmpstr (s->b, ==, "ISP-A");
  g_assert_true (s->up); /* default */
  g_assert_true (rw_session_is_ebgp (t, s));
  e = rw_session_end_for (s, "R1");
  g_assert_nonnull (e);
  g_assert_true (e == &s->ends[0]);
  g_assert_cmpstr (e->import, ==, "from-isp-a");
  g_assert_cmpstr (e->export, ==, "to-isp");
  g_assert_cmpint (e->weight, ==, 200);
  g_assert_false (e->rr_client);
  e = rw_session_end_for (s, "ISP-A");
  g_assert_nonnull (e);
  g_assert_null (e->import); /* null = accept all */
  g_assert_null (e->export);
  g_assert_cmpint (e->weight, ==, 0); /* default */
  g_assert_false (e->rr_client);

  s = rw_topology_find_session (t, "R1", "RR");
  g_assert_nonnull (s);
  g_assert_false (s->up);
  g_assert_false (rw_session_is_ebgp (t, s));
  g_assert_true (rw_session_end_for (s, "RR")->rr_client);
  g_assert_false (rw_session_end_for (s, "R1")->rr_client);
  g_assert_cmpint (rw_session_end_for (s, "R1")->weight, ==, 0);
}

static void
test_valid_policies (void)
{
  g_autoptr(RwTopology) t = load_valid ();
  RwPolicy *p;
  RwPolicyEntry *e;
  RwPrefixMatch *m;

  g_assert_cmpuint (t->policies->len, ==, 2);
  g_assert_cmpstr (((RwPolicy *) t->policies->pdata[0])->name, ==, "from-isp-a"); /* file order */
  g_assert_cmpstr (((RwPolicy *) t->policies->pdata[1])->name, ==, "to-isp");

  p = rw_topology_find_policy (t, "from-isp-a");
  g_assert_nonnull (p);
  g_assert_cmpuint (p->entries->len, ==, 3);
  /* entries are kept in seq order, whatever the file order (20, 10, 15) */
  g_assert_cmpuint (((RwPolicyEntry *) p->entries->pdata[0])->seq, ==, 10);
  g_assert_cmpuint (((RwPolicyEntry *) p->entries->pdata[1])->seq, ==, 15);
  g_assert_cmpuint (((RwPolicyEntry *) p->entries->pdata[2])->seq, ==, 20);

  e = p->entries->pdata[0];
  g_assert_true (e->permit);
  g_assert_false (e->cont);
  g_assert_nonnull (e->match_prefixes);
  g_assert_cmpuint (e->match_prefixes->len, ==, 2);
  m = &g_array_index (e->match_prefixes, RwPrefixMatch, 0);
  g_assert_cmphex (m->prefix.addr, ==, 0x0A000000u);
  g_assert_cmpuint (m->prefix.len, ==, 8);
  g_assert_false (m->has_ge);
  g_assert_true (m->has_le);
  g_assert_cmpuint (m->ge, ==, 8);
  g_assert_cmpuint (m->le, ==, 32);
  m = &g_array_index (e->match_prefixes, RwPrefixMatch, 1);
  g_assert_cmphex (m->prefix.addr, ==, 0xC0000200u);
  g_assert_cmpuint (m->prefix.len, ==, 24);
  g_assert_false (m->has_ge);
  g_assert_false (m->has_le);
  g_assert_cmpuint (m->ge, ==, 24); /* exact match */
  g_assert_cmpuint (m->le, ==, 24);
  g_assert_true (e->has_match_community);
  g_assert_cmphex (e->match_community, ==, community (65001, 100));
  g_assert_true (e->has_match_neighbor_as);
  g_assert_cmpuint (e->match_neighbor_as, ==, 64496);
  g_assert_true (e->has_match_as_path_contains);
  g_assert_cmpuint (e->match_as_path_contains, ==, 15169);
  g_assert_true (e->has_set_local_pref);
  g_assert_cmpuint (e->set_local_pref, ==, 150);
  g_assert_true (e->has_set_med);
  g_assert_cmpuint (e->set_med, ==, 50);
  g_assert_true (e->has_set_weight);
  g_assert_cmpint (e->set_weight, ==, 7);
  g_assert_cmpuint (e->set_prepend, ==, 2);
  g_assert_cmpuint (e->community_add->len, ==, 2);
  g_assert_cmphex (g_array_index (e->community_add, guint32, 0), ==, community (65001, 200));
  g_assert_cmphex (g_array_index (e->community_add, guint32, 1), ==, RW_COMMUNITY_NO_EXPORT);
  g_assert_cmpuint (e->community_remove->len, ==, 1);
  g_assert_cmphex (g_array_index (e->community_remove, guint32, 0), ==, community (65001, 100));

  e = p->entries->pdata[1];
  g_assert_true (e->permit);
  g_assert_cmpuint (e->match_prefixes->len, ==, 1);
  m = &g_array_index (e->match_prefixes, RwPrefixMatch, 0);
  g_assert_cmpuint (m->prefix.len, ==, 12);
  g_assert_true (m->has_ge);
  g_assert_true (m->has_le);
  g_assert_cmpuint (m->ge, ==, 16);
  g_assert_cmpuint (m->le, ==, 24);
  g_assert_false (e->has_match_community);
  g_assert_false (e->has_set_local_pref);
  g_assert_cmpuint (e->set_prepend, ==, 0);

  e = p->entries->pdata[2];
  g_assert_false (e->permit);
  g_assert_null (e->match_prefixes); /* no prefix condition */
  g_assert_false (e->has_match_community);
  g_assert_false (e->has_match_neighbor_as);
  g_assert_false (e->has_match_as_path_contains);
  g_assert_false (e->has_set_med);
  g_assert_false (e->has_set_weight);
  g_assert_cmpuint (e->community_add->len, ==, 0);
  g_assert_cmpuint (e->community_remove->len, ==, 0);
}

static void
test_valid_prefixes_demands (void)
{
  g_autoptr(RwTopology) t = load_valid ();
  RwOrigination *o;
  const RwDemand *d;
  RwSlaClass *c;

  g_assert_cmpuint (t->prefixes->len, ==, 2);
  o = t->prefixes->pdata[0];
  g_assert_cmphex (o->prefix.addr, ==, 0xCB007100u);
  g_assert_cmpuint (o->prefix.len, ==, 24);
  g_assert_cmpstr (o->origin_node, ==, "ISP-A");
  g_assert_cmpint (o->origin, ==, RW_ORIGIN_IGP); /* default */
  g_assert_false (o->has_med);                    /* "med": null = absent */
  g_assert_cmpuint (rw_origination_n_communities (o), ==, 2);
  g_assert_cmphex (g_array_index (o->communities, guint32, 0), ==, RW_COMMUNITY_NO_EXPORT);
  g_assert_cmphex (g_array_index (o->communities, guint32, 1), ==, community (64496, 1));

  o = t->prefixes->pdata[1];
  g_assert_cmpstr (o->origin_node, ==, "R1");
  g_assert_cmpint (o->origin, ==, RW_ORIGIN_INCOMPLETE);
  g_assert_true (o->has_med);
  g_assert_cmpuint (o->med, ==, 30);
  g_assert_cmpuint (rw_origination_n_communities (o), ==, 0);

  g_assert_cmpuint (t->demands->len, ==, 2);
  d = rw_topology_find_demand (t, "r1-to-cdn");
  g_assert_nonnull (d);
  g_assert_cmpstr (d->src, ==, "R1");
  g_assert_cmphex (d->dst.addr, ==, 0xCB007100u);
  g_assert_cmpuint (d->dst.len, ==, 24);
  g_assert_cmpfloat (d->mbps, ==, 3000.0);
  g_assert_cmpstr (d->sla_class, ==, "gold");
  d = rw_topology_find_demand (t, "bulk");
  g_assert_nonnull (d);
  g_assert_cmpfloat (d->mbps, ==, 12.5);

  g_assert_cmpuint (t->sla_classes->len, ==, 2);
  g_assert_cmpstr (((RwSlaClass *) t->sla_classes->pdata[0])->name, ==, "gold");
  c = rw_topology_find_sla_class (t, "gold");
  g_assert_nonnull (c);
  g_assert_cmpfloat (c->latency_ms, ==, 50.0);
  g_assert_cmpfloat (c->loss_pct, ==, 1.0);
  c = rw_topology_find_sla_class (t, "bronze");
  g_assert_nonnull (c);
  g_assert_cmpfloat (c->latency_ms, ==, 200.0);
  g_assert_cmpfloat (c->loss_pct, ==, 5.0);
}

/* The smallest file: only the required keys, everything else defaulted. */
static void
test_minimal (void)
{
  static const char minimal[] =
    "{ \"format\": \"routewise-topology\", \"version\": 1,"
    "  \"nodes\": [ { \"id\": \"R1\", \"kind\": \"router\", \"role\": \"edge\", \"asn\": 65001,"
    "                 \"router_id\": \"10.0.0.1\" } ] }";
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTopology) t = rw_topology_load_data (minimal, -1, SOURCE, &error);
  g_autoptr(RwTopology) again = NULL;
  g_autofree char *data = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (t);
  g_assert_false (t->always_compare_med);
  g_assert_cmpuint (t->nodes->len, ==, 1);
  g_assert_cmpuint (t->links->len, ==, 0);
  g_assert_cmpuint (t->sessions->len, ==, 0);
  g_assert_cmpuint (t->policies->len, ==, 0);
  g_assert_cmpuint (t->prefixes->len, ==, 0);
  g_assert_cmpuint (t->demands->len, ==, 0);
  g_assert_cmpuint (t->sla_classes->len, ==, 0);

  data = rw_topology_to_data (t, NULL);
  again = rw_topology_load_data (data, -1, "saved.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_cmpstr (again->name, ==, t->name);
}

/* ---- round trips ---- */

/* load -> save -> load -> save must give the same bytes; returns the first serialisation. */
static char *
assert_round_trip (const char *data, const char *source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTopology) t1 = NULL, t2 = NULL;
  g_autofree char *s1 = NULL, *s2 = NULL;
  gsize len1 = 0, len2 = 0;

  t1 = rw_topology_load_data (data, -1, source, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t1);
  s1 = rw_topology_to_data (t1, &len1);
  g_assert_nonnull (s1);
  g_assert_cmpuint (len1, ==, strlen (s1));

  t2 = rw_topology_load_data (s1, (gssize) len1, "saved", &error);
  g_assert_no_error (error);
  g_assert_nonnull (t2);
  s2 = rw_topology_to_data (t2, &len2);
  g_assert_cmpuint (len1, ==, len2);
  g_assert_cmpstr (s1, ==, s2);

  /* The model survived too, not only its serialisation. */
  g_assert_cmpuint (t1->nodes->len, ==, t2->nodes->len);
  g_assert_cmpuint (t1->links->len, ==, t2->links->len);
  g_assert_cmpuint (t1->sessions->len, ==, t2->sessions->len);
  g_assert_cmpuint (t1->policies->len, ==, t2->policies->len);
  g_assert_cmpuint (t1->prefixes->len, ==, t2->prefixes->len);
  g_assert_cmpuint (t1->demands->len, ==, t2->demands->len);
  g_assert_cmpuint (t1->sla_classes->len, ==, t2->sla_classes->len);
  return g_steal_pointer (&s1);
}

static void
test_round_trip_data (void)
{
  g_autofree char *s = assert_round_trip (valid_topology, SOURCE);
  g_autoptr(RwTopology) t = NULL;
  g_autoptr(GError) error = NULL;
  RwPolicy *p;

  /* What was saved still means the same: spot-check the details that are easiest to lose. */
  t = rw_topology_load_data (s, -1, "saved", &error);
  g_assert_no_error (error);
  g_assert_true (t->always_compare_med);
  g_assert_true (rw_session_end_for (rw_topology_find_session (t, "RR", "R1"), "RR")->rr_client);
  g_assert_cmpint (rw_session_end_for (rw_topology_find_session (t, "R1", "ISP-A"), "R1")->weight, ==, 200);
  g_assert_false (rw_topology_find_link (t, "R1-ISPA")->up);
  g_assert_cmpfloat (rw_topology_find_link (t, "R1-ISPA")->loss_pct, ==, 0.25);
  g_assert_false (((RwOrigination *) t->prefixes->pdata[0])->has_med);
  g_assert_true (((RwOrigination *) t->prefixes->pdata[1])->has_med);
  p = rw_topology_find_policy (t, "from-isp-a");
  g_assert_cmpuint (p->entries->len, ==, 3);
  g_assert_cmpuint (((RwPolicyEntry *) p->entries->pdata[0])->seq, ==, 10);
  g_assert_true (((RwPolicyEntry *) p->entries->pdata[0])->has_match_as_path_contains);
  {
    RwPrefixMatch *m = &g_array_index (((RwPolicyEntry *) p->entries->pdata[1])->match_prefixes, RwPrefixMatch, 0);
    g_assert_cmpuint (m->ge, ==, 16);
    g_assert_cmpuint (m->le, ==, 24);
  }
  g_assert_cmpfloat (rw_topology_find_demand (t, "bulk")->mbps, ==, 12.5);
  g_assert_cmpstr (t->name, ==, "Test edge");
}

static void
test_round_trip_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rw-topology-json-XXXXXX", &error);
  g_autofree char *path = NULL, *before = NULL, *after = NULL, *on_disk = NULL;
  g_autoptr(RwTopology) t = NULL, loaded = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "net.json", NULL);
  t = load_valid ();
  before = rw_topology_to_data (t, NULL);

  g_assert_true (rw_topology_save_file (t, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &on_disk, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (on_disk, ==, before); /* the file holds exactly rw_topology_to_data */

  loaded = rw_topology_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  after = rw_topology_to_data (loaded, NULL);
  g_assert_cmpstr (before, ==, after);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_round_trip_enterprise (void)
{
  g_autofree char *path = g_build_filename (RW_SOURCE_DIR, "data", "topologies", "enterprise.json", NULL);
  g_autofree char *data = NULL, *s = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTopology) t = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("%s does not exist", path);
      g_test_skip (msg);
      return;
    }
  t = rw_topology_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  g_assert_cmpuint (t->nodes->len, >, 0);

  g_assert_true (g_file_get_contents (path, &data, NULL, &error));
  g_assert_no_error (error);
  s = assert_round_trip (data, path);
  g_assert_nonnull (s);
}

/* ---- extremes: every value the loader accepts must survive save -> load -> save ---- */

typedef struct {
  const char *name;
  const char *find;    /* in valid_topology */
  const char *replace;
} EdgeCase;

static const EdgeCase edge_cases[] = {
  /* integer limits */
  { "asn-max", "\"asn\": 64496", "\"asn\": 4294967295" },
  { "med-max", "\"med\": 30", "\"med\": 4294967295" },
  { "set-med-max", "\"med\": 50", "\"med\": 4294967295" },
  { "local-pref-max", "\"local_pref\": 150", "\"local_pref\": 2147483647" },
  { "weight-max", "\"weight\": 200", "\"weight\": 65535" },
  { "prepend-max", "\"prepend\": 2", "\"prepend\": 32" },
  { "seq-zero", "\"seq\": 5,", "\"seq\": 0," },
  { "seq-max", "\"seq\": 5,", "\"seq\": 65535," },
  { "igp-cost-max", "\"igp_cost\": 100", "\"igp_cost\": 16777215" },
  { "loss-100", "\"loss_pct\": 0.25", "\"loss_pct\": 100" },
  { "prefix-default-route", "\"192.0.2.0/24\"", "\"0.0.0.0/0 le 32\"" },
  { "prefix-host-route", "\"192.0.2.0/24\"", "\"192.0.2.1/32\"" },
  { "community-max", "\"65001:200\"", "\"65535:65535\"" },
  /* doubles */
  { "latency-zero", "\"latency_ms\": 0.5", "\"latency_ms\": 0" },
  /* Small but ordinary values: a loss of 0.00001 % or 50 ns of latency. */
  { "loss-1e-5", "\"loss_pct\": 0.25", "\"loss_pct\": 0.00001" },
  { "latency-5e-5", "\"latency_ms\": 0.5", "\"latency_ms\": 0.00005" },
  { "latency-tiny", "\"latency_ms\": 0.5", "\"latency_ms\": 1e-300" },
  { "latency-third", "\"latency_ms\": 0.5", "\"latency_ms\": 0.3333333333333333" },
  { "x-negative-zero", "\"x\": 120", "\"x\": -0.0" },
  { "x-negative", "\"x\": 120", "\"x\": -1234.5" },
  /* the largest values the validator allows must survive a save */
  { "x-1e7", "\"x\": 120", "\"x\": 1e7" },
  { "x-minus-1e7", "\"x\": 120", "\"x\": -9999999.5" },
  { "capacity-1e9", "\"capacity_mbps\": 40000", "\"capacity_mbps\": 1e9" },
  { "capacity-1kbit", "\"capacity_mbps\": 40000", "\"capacity_mbps\": 0.001" },
  { "mbps-1e9", "\"mbps\": 3000", "\"mbps\": 999999999.25" },
  { "sla-latency-1e6", "\"latency_ms\": 200", "\"latency_ms\": 1e6" },
  /* strings */
  { "hostname-escapes", "\"edge-router-01\"", "\"q\\\"uote \\\\ back\\tslash \\u00e9 \\u2713 \\u0001\"" },
  { "hostname-empty", "\"edge-router-01\"", "\"\"" },
  { "label-utf8", "\"Jio\"", "\"R\xc3\xa9seau \xe2\x80\x94 \xe6\x9d\xb1\xe4\xba\xac\"" }, /* Réseau — 東京 */
  { "name-absent", "\"name\": \"Test edge\",", "" },
};

/* Soft checks (see test_bad_input): a failing case must not hide the others. */
static void
test_edge_round_trip (gconstpointer user_data)
{
  const EdgeCase *ec = user_data;
  g_autofree char *input = edit_valid (ec->find, ec->replace);
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTopology) t1 = NULL, t2 = NULL;
  g_autofree char *s1 = NULL, *s2 = NULL;

  g_test_set_nonfatal_assertions ();
  if (input == NULL)
    {
      g_test_fail_printf ("test bug: '%s' does not occur in the valid topology", ec->find);
      return;
    }
  t1 = rw_topology_load_data (input, -1, SOURCE, &error);
  if (t1 == NULL)
    {
      g_test_fail_printf ("valid input was rejected: %s", error ? error->message : "(no GError)");
      return;
    }
  s1 = rw_topology_to_data (t1, NULL);
  t2 = rw_topology_load_data (s1, -1, "saved.json", &error);
  if (t2 == NULL)
    {
      g_test_message ("saved as:\n%s", s1);
      g_test_fail_printf ("what was saved does not load again: %s", error ? error->message : "(no GError)");
      return;
    }
  s2 = rw_topology_to_data (t2, NULL);
  if (g_strcmp0 (s1, s2) != 0)
    {
      g_test_message ("first save:\n%s\nsecond save:\n%s", s1, s2);
      g_test_fail_printf ("save -> load -> save is not byte-identical");
    }
}

/* A transit price and a commit load, and save back as written; an unpriced link stays unpriced. */
static void
test_valid_transit_cost (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = edit_valid ("\"up\": false }", "\"up\": false, \"cost_per_gb\": 0.015, \"monthly_commit\": 2500 }");
  g_autoptr(RwTopology) t = rw_topology_load_data (text, -1, SOURCE, &error);
  g_autoptr(RwTopology) again = NULL;
  g_autofree char *s1 = NULL, *s2 = NULL;
  RwLink *l;
  g_assert_no_error (error);
  l = rw_topology_find_link (t, "R1-ISPA");
  g_assert_true (l->has_cost);
  g_assert_cmpfloat (l->cost_per_gb, ==, 0.015);
  g_assert_cmpfloat (l->monthly_commit, ==, 2500);
  g_assert_false (rw_topology_find_link (t, "R1-RR")->has_cost);
  s1 = rw_topology_to_data (t, NULL);
  g_assert_nonnull (strstr (s1, "\"cost_per_gb\": 0.015"));
  g_assert_nonnull (strstr (s1, "\"monthly_commit\": 2500"));
  again = rw_topology_load_data (s1, -1, SOURCE, &error);
  g_assert_no_error (error);
  s2 = rw_topology_to_data (again, NULL);
  g_assert_cmpstr (s1, ==, s2);
}

/* ---- bad input ---- */

typedef struct {
  const char *name;    /* test path component */
  const char *find;    /* text of valid_topology to replace (first occurrence); NULL: use `replace` as the whole input */
  const char *replace;
  const char *expect;  /* substring the message must contain */
} BadCase;

static const BadCase bad_cases[] = {
  /* not a topology at all */
  { "not-json", NULL, "this is not JSON", "not valid JSON" },
  { "truncated", NULL, "{ \"format\": \"routewise-topology\", \"version\": 1, \"nodes\": [ { \"id\": \"R1\"", "not valid JSON" },
  { "trailing-garbage", "\n}\n", "\n} }\n", "not valid JSON" },
  { "empty", NULL, "", "expected a JSON object" },
  { "top-level-array", NULL, "[ { \"format\": \"routewise-topology\", \"version\": 1 } ]", "$: expected a JSON object" },
  { "top-level-string", NULL, "\"routewise-topology\"", "$: expected a JSON object" },
  /* header */
  { "missing-format", "\"format\": \"routewise-topology\", ", "", "format: missing" },
  { "wrong-format", "\"routewise-topology\"", "\"routewise-scenario\"", "format: 'routewise-scenario' is not 'routewise-topology'" },
  { "version-2", "\"version\": 1", "\"version\": 2", "version: 2 is not supported" },
  { "version-string", "\"version\": 1", "\"version\": \"1\"", "version: expected an integer" },
  { "missing-version", "\"version\": 1, ", "", "version: missing" },
  { "unknown-top-level-key", "\"nodes\"", "\"nodse\"", "nodse: unknown key" },
  /* json-glib decodes an unpaired surrogate into bytes that are not UTF-8 (and eats the next
   * character); intake's entity matching crashed on such a label */
  { "label-lone-surrogate", "\"label\": \"Jio\"", "\"label\": \"\\ud800xJio\"", "nodes[2].label: not valid UTF-8" },
  { "missing-nodes", NULL, "{ \"format\": \"routewise-topology\", \"version\": 1 }", "nodes: missing" },
  { "nodes-null", NULL, "{ \"format\": \"routewise-topology\", \"version\": 1, \"nodes\": null }", "nodes: missing" },
  { "options-not-object", "\"options\": { \"always_compare_med\": true }", "\"options\": 5", "options: expected an object" },
  { "options-unknown-key", "\"always_compare_med\"", "\"always_compare_meds\"", "options.always_compare_meds: unknown key" },
  { "options-bool-as-string", "\"always_compare_med\": true", "\"always_compare_med\": \"true\"", "options.always_compare_med: expected true or false" },
  { "name-not-string", "\"name\": \"Test edge\"", "\"name\": 7", "name: expected a string" },
  { "nodes-not-array", NULL, "{ \"format\": \"routewise-topology\", \"version\": 1, \"nodes\": {} }", "nodes: expected an array" },
  /* nodes */
  { "node-unknown-key", "\"asn\": 65001,\n      \"router_id\": \"10.255.0.1\"", "\"asnn\": 65001,\n      \"router_id\": \"10.255.0.1\"", "nodes[0].asnn: unknown key" },
  { "node-not-object", "{ \"id\": \"R1\", \"kind\"", "null, { \"id\": \"R0\", \"kind\"", "nodes[0]: expected an object" },
  { "node-missing-id", "\"id\": \"R1\", \"kind\": \"router\"", "\"kind\": \"router\"", "nodes[0].id: missing" },
  { "node-empty-id", "\"id\": \"R1\", \"kind\": \"router\"", "\"id\": \"\", \"kind\": \"router\"", "nodes[0].id: must not be empty" },
  { "node-id-with-space", "\"id\": \"R1\", \"kind\": \"router\"", "\"id\": \"R 1\", \"kind\": \"router\"", "nodes[0].id: 'R 1' must not contain" },
  { "node-asn-string", "\"asn\": 65001,\n      \"router_id\": \"10.255.0.1\"", "\"asn\": \"65001\",\n      \"router_id\": \"10.255.0.1\"", "nodes[0].asn: expected an integer" },
  { "node-asn-zero", "\"asn\": 65001,\n      \"router_id\": \"10.255.0.1\"", "\"asn\": 0,\n      \"router_id\": \"10.255.0.1\"", "nodes[0].asn: 0 is out of range" },
  { "node-asn-2^32", "\"asn\": 65001,\n      \"router_id\": \"10.255.0.1\"", "\"asn\": 4294967296,\n      \"router_id\": \"10.255.0.1\"", "nodes[0].asn: 4294967296 is out of range" },
  { "node-asn-fraction", "\"asn\": 65001,\n      \"router_id\": \"10.255.0.1\"", "\"asn\": 65001.5,\n      \"router_id\": \"10.255.0.1\"", "nodes[0].asn: expected an integer" },
  { "node-router-id-3-octets", "\"10.255.0.1\"", "\"10.0.0\"", "nodes[0].router_id: '10.0.0' is not a dotted-quad address" },
  { "node-router-id-octet-256", "\"10.255.0.1\"", "\"10.0.0.256\"", "nodes[0].router_id: '10.0.0.256' is not a dotted-quad address" },
  { "node-router-id-zero", "\"10.255.0.1\"", "\"0.0.0.0\"", "nodes[0].router_id: 0.0.0.0 is not a router id" },
  { "node-router-id-missing", ",\n      \"router_id\": \"10.255.0.9\"", "", "nodes[1].router_id: missing" },
  { "node-bad-kind", "\"kind\": \"external\"", "\"kind\": \"extern\"", "nodes[2].kind: 'extern' is not 'router' or 'external'" },
  { "node-bad-role", "\"role\": \"reflector\"", "\"role\": \"rr\"", "nodes[1].role: 'rr' is not one of" },
  { "node-router-with-isp-role", "\"role\": \"edge\"", "\"role\": \"isp\"", "nodes[0].role: a router of ours cannot have role 'isp'" },
  { "node-external-with-edge-role", "\"role\": \"isp\"", "\"role\": \"edge\"", "nodes[2].role: an external node must be 'isp' or 'internet'" },
  { "node-duplicate-id", "\"id\": \"RR\"", "\"id\": \"R1\"", "nodes[1].id: duplicate node 'R1'" },
  { "node-duplicate-router-id", "\"10.255.0.9\"", "\"10.255.0.1\"", "nodes[1].router_id: 10.255.0.1 is already used" },
  { "node-x-string", "\"x\": 120", "\"x\": \"120\"", "nodes[0].x: expected a number" },
  /* links */
  { "link-unknown-node", "\"a\": \"R1\", \"b\": \"RR\", \"capacity_mbps\"", "\"a\": \"R1\", \"b\": \"R9\", \"capacity_mbps\"", "links[0].b: unknown node 'R9'" },
  { "link-unknown-node-a", "\"a\": \"R1\", \"b\": \"RR\", \"capacity_mbps\"", "\"a\": \"R8\", \"b\": \"RR\", \"capacity_mbps\"", "links[0].a: unknown node 'R8'" },
  { "link-to-itself", "\"a\": \"R1\", \"b\": \"RR\", \"capacity_mbps\"", "\"a\": \"R1\", \"b\": \"R1\", \"capacity_mbps\"", "links[0]: a link cannot join 'R1' to itself" },
  { "link-duplicate-id", "\"id\": \"R1-ISPA\"", "\"id\": \"R1-RR\"", "links[1].id: duplicate link 'R1-RR'" },
  { "link-capacity-zero", "\"capacity_mbps\": 40000", "\"capacity_mbps\": 0", "links[0].capacity_mbps: must be a positive number" },
  { "link-capacity-negative", "\"capacity_mbps\": 40000", "\"capacity_mbps\": -100", "links[0].capacity_mbps: must be a positive number" },
  { "link-capacity-string", "\"capacity_mbps\": 10000", "\"capacity_mbps\": \"10000\"", "links[1].capacity_mbps: expected a number" },
  { "link-capacity-missing", "\"capacity_mbps\": 40000, ", "", "links[0].capacity_mbps: missing" },
  { "link-latency-negative", "\"latency_ms\": 0.5", "\"latency_ms\": -0.5", "links[0].latency_ms: must be between 0 and 1000000" },
  { "link-capacity-absurd", "\"capacity_mbps\": 40000", "\"capacity_mbps\": 1e17", "links[0].capacity_mbps: must be a positive number up to 1000000000" },
  /* 1e-300 Mbps made a utilisation of 7e303 */
  { "link-capacity-tiny", "\"capacity_mbps\": 40000", "\"capacity_mbps\": 1e-300", "links[0].capacity_mbps: must be at least 0.001 (1 kbit/s)" },
  { "node-x-absurd", "\"x\": 120", "\"x\": -1e20", "nodes[0]: x and y must be numbers between -10000000 and 10000000" },
  { "link-loss-101", "\"loss_pct\": 0.25", "\"loss_pct\": 101", "links[1].loss_pct: must be between 0 and 100" },
  { "link-igp-cost-zero", "\"igp_cost\": 100", "\"igp_cost\": 0", "links[1].igp_cost: 0 is out of range" },
  { "link-igp-cost-fraction", "\"igp_cost\": 100", "\"igp_cost\": 1.5", "links[1].igp_cost: expected an integer" },
  { "link-up-string", "\"up\": false }", "\"up\": \"no\" }", "links[1].up: expected true or false" },
  { "link-unknown-key", "\"latency_ms\": 0.5", "\"latency_ms\": 0.5, \"mtu\": 1500", "links[0].mtu: unknown key" },
  /* transit price: only on a link from one of ours to an ISP, a commit only beside a price */
  { "link-cost-negative", "\"up\": false }", "\"up\": false, \"cost_per_gb\": -0.01 }", "links[1].cost_per_gb: must be between 0 and 1000000" },
  { "link-cost-string", "\"up\": false }", "\"up\": false, \"cost_per_gb\": \"0.02\" }", "links[1].cost_per_gb: expected a number" },
  { "link-cost-absurd", "\"up\": false }", "\"up\": false, \"cost_per_gb\": 1e7 }", "links[1].cost_per_gb: must be between 0 and 1000000" },
  { "link-cost-internal", "\"latency_ms\": 0.5 }", "\"latency_ms\": 0.5, \"cost_per_gb\": 0.02 }", "links[0].cost_per_gb: link 'R1-RR' does not join one of our routers to an ISP" },
  { "link-commit-without-price", "\"up\": false }", "\"up\": false, \"monthly_commit\": 500 }", "links[1].monthly_commit: a commit needs a price (cost_per_gb)" },
  { "link-commit-negative", "\"up\": false }", "\"up\": false, \"cost_per_gb\": 0.02, \"monthly_commit\": -1 }", "links[1].monthly_commit: must be between 0 and 1000000000000" },
  /* sessions */
  { "session-unknown-node", "{ \"a\": \"RR\", \"b\": \"R1\"", "{ \"a\": \"RR\", \"b\": \"R9\"", "sessions[1].b: unknown node 'R9'" },
  { "session-to-itself", "{ \"a\": \"RR\", \"b\": \"R1\"", "{ \"a\": \"RR\", \"b\": \"RR\"", "sessions[1]: a session cannot join 'RR' to itself" },
  { "session-duplicate-reversed", "\"RR\": { \"rr_client\": true } } }", "\"RR\": { \"rr_client\": true } } },\n    { \"a\": \"ISP-A\", \"b\": \"R1\" }", "sessions[2]: a session between 'ISP-A' and 'R1' already exists" },
  { "session-ends-not-an-end", "\"ISP-A\": {}", "\"RR\": {}", "sessions[0].ends.RR: 'RR' is not an end of this session" },
  { "session-ends-not-object", "\"ISP-A\": {}", "\"ISP-A\": null", "sessions[0].ends.ISP-A: expected an object" },
  { "session-ends-unknown-key", "\"weight\": 200", "\"weight\": 200, \"local_pref\": 1", "sessions[0].ends.R1.local_pref: unknown key" },
  { "session-import-unknown-policy", "\"import\": \"from-isp-a\"", "\"import\": \"from-isp-b\"", "sessions[0].ends.R1.import: unknown policy 'from-isp-b'" },
  { "session-export-unknown-policy", "\"export\": \"to-isp\"", "\"export\": \"to-isps\"", "sessions[0].ends.R1.export: unknown policy 'to-isps'" },
  { "session-weight-out-of-range", "\"weight\": 200", "\"weight\": 70000", "sessions[0].ends.R1.weight: 70000 is out of range" },
  { "session-rr-client-ebgp", "\"ISP-A\": {}", "\"ISP-A\": { \"rr_client\": true }", "sessions[0].ends.ISP-A.rr_client: route reflection needs an iBGP session" },
  { "session-both-reflectors", "\"RR\": { \"rr_client\": true }", "\"RR\": { \"rr_client\": true }, \"R1\": { \"rr_client\": true }", "sessions[1]: both ends cannot be reflectors" },
  /* policies */
  { "policy-not-array", "\"to-isp\": [ { \"seq\": 5, \"action\": \"permit\" } ]", "\"to-isp\": { \"seq\": 5 }", "policies.to-isp: expected an array of entries" },
  { "policy-entry-not-object", "{ \"seq\": 20, \"action\": \"deny\" }", "\"deny\"", "policies.from-isp-a[0]: expected an object" },
  { "policy-bad-action", "\"action\": \"deny\"", "\"action\": \"allow\"", "policies.from-isp-a[0].action: 'allow' is not 'permit' or 'deny'" },
  { "policy-missing-seq", "{ \"seq\": 5, \"action\": \"permit\" }", "{ \"action\": \"permit\" }", "policies.to-isp[0].seq: missing" },
  { "policy-duplicate-seq", "{ \"seq\": 20, \"action\": \"deny\" }", "{ \"seq\": 15, \"action\": \"deny\" }", "policies.from-isp-a[2].seq: sequence number 15 is used twice" },
  { "policy-unknown-entry-key", "{ \"seq\": 20, \"action\": \"deny\" }", "{ \"seq\": 20, \"action\": \"deny\", \"descr\": \"x\" }", "policies.from-isp-a[0].descr: unknown key" },
  { "policy-match-unknown-key", "\"as_path_contains\"", "\"as_path_contain\"", "policies.from-isp-a[1].match.as_path_contain: unknown key" },
  { "policy-set-unknown-key", "\"prepend\"", "\"prepends\"", "policies.from-isp-a[1].set.prepends: unknown key" },
  { "policy-match-prefix-host-bits", "\"10.0.0.0/8 le 32\"", "\"10.1.0.0/8 le 32\"", "policies.from-isp-a[1].match.prefixes[0]: expected" },
  { "policy-match-prefix-bad-word", "\"10.0.0.0/8 le 32\"", "\"10.0.0.0/8 lt 32\"", "policies.from-isp-a[1].match.prefixes[0]: expected" },
  { "policy-match-prefix-le-33", "\"10.0.0.0/8 le 32\"", "\"10.0.0.0/8 le 33\"", "policies.from-isp-a[1].match.prefixes[0]: expected" },
  /* The file index is [1] (seq 10 is the second entry in the file), whatever the sorted order. */
  { "policy-match-prefix-le-below-len", "\"10.0.0.0/8 le 32\"", "\"10.0.0.0/8 le 7\"", "policies.from-isp-a[1].match.prefixes[0]: need len <= ge <= le <= 32" },
  { "policy-match-prefix-ge-below-len", "\"172.16.0.0/12 ge 16 le 24\"", "\"172.16.0.0/12 ge 8 le 24\"", "policies.from-isp-a[2].match.prefixes[0]: need len <= ge <= le <= 32" },
  { "policy-match-community-65536", "\"community\": \"65001:100\"", "\"community\": \"65536:1\"", "policies.from-isp-a[1].match.community: '65536:1' is not a community" },
  { "policy-match-community-abc", "\"community\": \"65001:100\"", "\"community\": \"abc\"", "policies.from-isp-a[1].match.community: 'abc' is not a community" },
  { "policy-set-community-add-bad", "[\"65001:200\", \"no-export\"]", "[\"65001:200\", \"no-exports\"]", "policies.from-isp-a[1].set.community_add[1]: expected a community" },
  { "policy-set-prepend-33", "\"prepend\": 2", "\"prepend\": 33", "policies.from-isp-a[1].set.prepend: 33 is out of range" },
  { "policy-set-med-negative", "\"med\": 50", "\"med\": -1", "policies.from-isp-a[1].set.med: -1 is out of range" },
  { "policy-set-local-pref-string", "\"local_pref\": 150", "\"local_pref\": \"150\"", "policies.from-isp-a[1].set.local_pref: expected an integer" },
  /* JSON allows duplicate keys syntactically; json-glib keeps the last one. Two policies with one
   * name must not silently merge into one (the first definition would be lost). */
  { "policy-duplicate-name", "\"to-isp\": [", "\"from-isp-a\": [ { \"seq\": 1, \"action\": \"deny\" } ],\n    \"to-isp\": [", "policies.from-isp-a: duplicate" },
  /* prefixes */
  { "prefix-host-bits", "\"prefix\": \"203.0.113.0/24\"", "\"prefix\": \"10.1.2.3/8\"", "prefixes[0].prefix: '10.1.2.3/8' is not an IPv4 prefix" },
  { "prefix-len-33", "\"prefix\": \"203.0.113.0/24\"", "\"prefix\": \"10.0.0.0/33\"", "prefixes[0].prefix: '10.0.0.0/33' is not an IPv4 prefix" },
  { "prefix-unknown-origin-node", "\"origin_node\": \"ISP-A\"", "\"origin_node\": \"R9\"", "prefixes[0].origin_node: unknown node 'R9'" },
  { "prefix-bad-origin", "\"origin\": \"incomplete\"", "\"origin\": \"bgp\"", "prefixes[1].origin: 'bgp' is not igp, egp or incomplete" },
  { "prefix-med-negative", "\"med\": 30", "\"med\": -30", "prefixes[1].med: -30 is out of range" },
  { "prefix-med-string", "\"med\": 30", "\"med\": \"30\"", "prefixes[1].med: expected an integer" },
  { "prefix-community-65536", "[\"no-export\", \"64496:1\"]", "[\"no-export\", \"65536:1\"]", "prefixes[0].communities[1]: expected a community" },
  { "prefix-community-abc", "[\"no-export\", \"64496:1\"]", "[\"abc\"]", "prefixes[0].communities[0]: expected a community" },
  { "prefix-communities-not-array", "[\"no-export\", \"64496:1\"]", "\"no-export\"", "prefixes[0].communities: expected an array" },
  { "prefix-duplicate", "\"prefix\": \"10.1.0.0/16\", \"origin_node\": \"R1\"", "\"prefix\": \"203.0.113.0/24\", \"origin_node\": \"ISP-A\"", "prefixes[1]: 203.0.113.0/24 is already originated by 'ISP-A'" },
  /* demands */
  { "demand-unknown-src", "\"src\": \"R1\"", "\"src\": \"R9\"", "demands[0].src: unknown node 'R9'" },
  { "demand-unknown-class", "\"class\": \"gold\"", "\"class\": \"platinum\"", "demands[0].class: unknown SLA class 'platinum'" },
  { "demand-dst-not-prefix", "\"dst\": \"203.0.113.0/24\"", "\"dst\": \"203.0.113.7\"", "demands[0].dst: '203.0.113.7' is not an IPv4 prefix" },
  { "demand-negative-mbps", "\"mbps\": 3000", "\"mbps\": -1", "demands[0].mbps: must be between 0 and 1000000000" },
  /* json-glib wraps whole numbers above 2^63 - 1 (this one became -1): refused as written */
  { "demand-huge-integer", "\"mbps\": 3000", "\"mbps\": 18446744073709551615", "demands[0].mbps: 18446744073709551615 is out of range" },
  { "json-comment", "\"version\": 1,", "\"version\": 1, /* \" */", "comments or single quotes are not standard JSON" },
  { "demand-mbps-string", "\"mbps\": 3000", "\"mbps\": \"3000\"", "demands[0].mbps: expected a number" },
  { "demand-duplicate-id", "\"id\": \"bulk\"", "\"id\": \"r1-to-cdn\"", "demands[1].id: duplicate demand 'r1-to-cdn'" },
  { "demand-missing-class", ", \"class\": \"bronze\"", "", "demands[1].class: missing" },
  /* Strict JSON (issue 15): json-glib 1.6 reads all of these; rw_json_check_text() refuses them
   * before it does, naming the place. */
  { "duplicate-key-escaped", "\"capacity_mbps\": 40000", "\"\\u0063apacity_mbps\": 1, \"capacity_mbps\": 40000", "links[0].capacity_mbps: duplicate key" },
  { "duplicate-key-escaped-top", "\"name\": \"Test edge\",", "\"name\": \"Test edge\", \"n\\u0061me\": \"x\",", "name: duplicate key" },
  { "second-document", "\n}\n", "\n}\n{ \"format\": \"routewise-topology\" }\n", "line 47, column 1: more text after the end of the JSON document" },
  { "hex-number", "\"asn\": 64496", "\"asn\": 0xFBF0", "near nodes[2].asn: hex numbers are not JSON" },
  { "leading-zero", "\"igp_cost\": 100", "\"igp_cost\": 0100", "near links[1].igp_cost: a number must not start with 0" },
  { "line-comment", "\"version\": 1,", "\"version\": 1, // the first\n", "near version: comments or single quotes are not standard JSON" },
  { "single-quotes", "\"name\": \"Test edge\"", "'name': \"Test edge\"", "comments or single quotes are not standard JSON" },
  { "trailing-comma-array", "\"64496:1\"] }", "\"64496:1\",] }", "near prefixes[0].communities[2]: a comma before ']' is not JSON" },
  { "trailing-comma-object", "\"loss_pct\": 5 }", "\"loss_pct\": 5, }", "near sla_classes.bronze.loss_pct: a comma before '}' is not JSON" },
  { "nan", "\"mbps\": 3000", "\"mbps\": NaN", "near demands[0].mbps: NaN and Infinity are not JSON numbers" },
  { "minus-infinity", "\"latency_ms\": 0.5", "\"latency_ms\": -Infinity", "a digit must follow '-'" },
  { "plus-sign", "\"latency_ms\": 0.5", "\"latency_ms\": +0.5", "a number must not start with '+'" },
  { "number-overflow", "\"mbps\": 3000", "\"mbps\": 1e999", "demands[0].mbps: 1e999 is out of range" },
  { "version-huge", "\"version\": 1", "\"version\": 18446744073709551616", "version: 18446744073709551616 is out of range" },
  { "asn-huge-negative", "\"asn\": 64496", "\"asn\": -9223372036854775809", "nodes[2].asn: -9223372036854775809 is out of range" },
  { "control-character", "\"Jio\"", "\"J\tio\"", "near nodes[2].label: a control character (U+0009) in a string must be written as an escape" },
  { "nul-escape", "\"Jio\"", "\"J\\u0000io\"", "nodes[2].label: \\u0000 in a string" },
  { "bad-escape", "\"Jio\"", "\"J\\xio\"", "a backslash before 'x' is not a JSON escape" },
  { "not-utf8", "\"Jio\"", "\"J\xffio\"", "near nodes[2].label: not UTF-8" },
  { "member-name-lone-surrogate", "\"label\": \"Jio\"", "\"l\\udc00abel\": \"Jio\"", "nodes[2] (a member name): not valid UTF-8" },
  { "unclosed-string", NULL, "{ \"format\": \"routewise-topology", "line 1, column 13, near format: a string is not closed" },
  /* SLA classes */
  { "sla-latency-zero", "\"gold\": { \"latency_ms\": 50", "\"gold\": { \"latency_ms\": 0", "sla_classes.gold.latency_ms: must be a positive number" },
  { "sla-loss-over-100", "\"loss_pct\": 5 }", "\"loss_pct\": 150 }", "sla_classes.bronze.loss_pct: must be between 0 and 100" },
  { "sla-unknown-key", "\"loss_pct\": 5 }", "\"loss_pct\": 5, \"jitter_ms\": 3 }", "sla_classes.bronze.jitter_ms: unknown key" },
  { "sla-not-object", "\"bronze\": { \"latency_ms\": 200, \"loss_pct\": 5 }", "\"bronze\": [200, 5]", "sla_classes.bronze: expected an object" },
};

static char *
make_bad_input (const BadCase *bc)
{
  if (bc->find == NULL)
    return g_strdup (bc->replace);
  return edit_valid (bc->find, bc->replace);
}

/* One loader bug must not hide the others: these cases report with g_test_fail_printf() and
 * return, and g_test_set_nonfatal_assertions() keeps a failed case from stopping the program
 * (without it GLib bails out after the first failure unless run with -k). They are registered
 * last because the setting is global and also makes g_assert_cmp*() non-fatal. */
static void
test_bad_input (gconstpointer user_data)
{
  const BadCase *bc = user_data;
  g_autofree char *input = make_bad_input (bc);
  g_autofree char *prefix = g_strconcat (SOURCE, ": ", NULL);
  g_autoptr(GError) error = NULL;
  RwTopology *t;

  g_test_set_nonfatal_assertions ();
  if (input == NULL)
    {
      g_test_fail_printf ("test bug: '%s' does not occur in the valid topology", bc->find);
      return;
    }
  t = rw_topology_load_data (input, -1, SOURCE, &error);
  if (t != NULL)
    {
      g_autofree char *saved = rw_topology_to_data (t, NULL);
      rw_topology_free (t);
      g_test_message ("it loaded as:\n%s", saved);
      g_test_fail_printf ("bad input was accepted (expected an error containing \"%s\")", bc->expect);
      return;
    }
  if (error == NULL)
    {
      g_test_fail_printf ("loading failed but no GError was set (expected \"%s\")", bc->expect);
      return;
    }
  g_test_message ("message: %s", error->message);
  if (error->domain != RW_TWIN_ERROR)
    g_test_fail_printf ("error domain is %s, not RW_TWIN_ERROR", g_quark_to_string (error->domain));
  else if (error->code != RW_TWIN_ERROR_PARSE && error->code != RW_TWIN_ERROR_INVALID)
    g_test_fail_printf ("error code is %d, not PARSE or INVALID", error->code);
  if (!g_str_has_prefix (error->message, prefix))
    g_test_fail_printf ("message does not start with \"%s\": %s", prefix, error->message);
  if (strstr (error->message, bc->expect) == NULL)
    g_test_fail_printf ("message does not contain \"%s\": %s", bc->expect, error->message);
}

/* Every case edits valid_topology (which must itself load: see /valid/); a `find` that no longer
 * occurs after an edit of valid_topology would make a case prove nothing. */
static void
test_bad_cases_are_single_edits (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    if (bad_cases[i].find != NULL)
      {
        const char *at = strstr (valid_topology, bad_cases[i].find);
        g_assert_nonnull (at);
        g_assert_cmpstr (bad_cases[i].find, !=, bad_cases[i].replace);
      }
  g_assert_cmpuint (G_N_ELEMENTS (bad_cases), >=, 30);
  for (guint i = 0; i < G_N_ELEMENTS (edge_cases); i++)
    g_assert_nonnull (strstr (valid_topology, edge_cases[i].find));
}

/* A NULL source name still yields a message with a stable prefix, and a NULL GError** is allowed. */
static void
test_bad_input_no_source_no_error (void)
{
  g_autoptr(GError) error = NULL;
  g_assert_null (rw_topology_load_data ("[]", -1, NULL, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "<topology>: "));
  g_assert_null (rw_topology_load_data ("[]", -1, "x.json", NULL));
  g_assert_null (rw_topology_load_data ("{", -1, "x.json", NULL));
}

/* An explicit length that stops inside the data must be honoured (no reading past it). */
static void
test_bad_input_explicit_length (void)
{
  g_autoptr(GError) error = NULL;
  gssize half = (gssize) (sizeof valid_topology / 2);
  g_assert_null (rw_topology_load_data (valid_topology, half, SOURCE, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, SOURCE ": not valid JSON"));
}

/* ---- the strict pre-check (rw_json_check_text) ---- */

/* @depth arrays nested inside each other: "[[[...]]]". */
static char *
nested_arrays (guint depth)
{
  GString *s = g_string_sized_new (2 * depth + 1);
  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* A 104 KB file of opening brackets overflowed json-glib's stack (one frame per level): every
 * loader died with SIGSEGV. The check refuses it before json-glib sees it, from memory and from
 * a file. */
static void
test_strict_deep_nesting (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = g_strnfill (104000, '[');
  g_autofree char *doc = g_strdup_printf ("{ \"format\": \"routewise-topology\", \"version\": 1, \"name\": %s }", deep);
  g_autofree char *dir = g_dir_make_tmp ("rw-topology-json-XXXXXX", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  g_assert_null (rw_topology_load_data (doc, -1, SOURCE, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, SOURCE ": not valid JSON: line 1, column 120, near name[0][0][0][0][0][0][0][0][0][0][0][0]"
                   "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
                   "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: arrays and objects nested deeper than 64 levels");
  g_clear_error (&error);

  path = g_build_filename (dir, "deep.json", NULL);
  g_assert_true (g_file_set_contents (path, doc, -1, &error));
  g_assert_null (rw_topology_load_file (path, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "nested deeper than 64 levels"));
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The bound is exact: 64 levels pass the check (json-glib then reads them), 65 do not. */
static void
test_strict_depth_bound (void)
{
  g_autofree char *at = nested_arrays (RW_JSON_MAX_DEPTH), *over = nested_arrays (RW_JSON_MAX_DEPTH + 1);
  g_autofree char *ok = rw_json_check_text (at, -1, NULL), *bad = NULL;
  gboolean not_json = FALSE;

  g_assert_null (ok);
  bad = rw_json_check_text (over, -1, &not_json);
  g_assert_nonnull (bad);
  g_assert_true (not_json);
  g_assert_true (g_str_has_prefix (bad, "line 1, column 65, "));
  g_assert_true (g_str_has_suffix (bad, ": arrays and objects nested deeper than 64 levels"));
}

/* Standard JSON must pass: every escape, numbers at the edges of the grammar, any root value. */
static void
test_strict_accepts_json (void)
{
  static const char *const good[] = {
    "{}", " [] ", "0", "-0", "\"x\"", "null", "true", "\r\n\t {\"a\" : [ 1 , 2 ] }\n",
    "[1, -0, 0.5, -12.5e-3, 1E+2, 3e7, 9223372036854775807, -9223372036854775808, 1e308, 1e-400]",
    "{\"s\": \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00 \\u0001\"}",
    "{\"a\": {\"a\": 1}, \"b\": [{\"a\": 1}, {\"a\": 2}]}", /* the same name in different objects */
    "{\"caf\\u00e9\": 1, \"cafe\": 2}",                         /* different names after decoding */
    "[\"R\xc3\xa9seau \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80\"]",                      /* UTF-8 text */
    "", "  \n",                      /* no document: json-glib gives no root; callers refuse it */
  };
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *bad = rw_json_check_text (good[i], -1, NULL);
      if (bad != NULL)
        g_error ("%s: refused: %s", good[i], bad);
    }
}

/* Messages, and which of them say "not JSON at all"; with an explicit length the text past it
 * is not read. */
static void
test_strict_messages (void)
{
  static const struct {
    const char *text, *expect;
    gboolean not_json;
  } cases[] = {
    { "{\"a\": 1, \"\\u0061\": 2}", "a: duplicate key", FALSE },
    { "{\"x\": {\"\\ud83d\\ude00\": 1, \"\xf0\x9f\x98\x80\": 2}}", "x.\xf0\x9f\x98\x80: duplicate key", FALSE },
    { "[{\"a\": 1}, {\"b\": 1, \"b\": 2}]", "[1].b: duplicate key", FALSE },
    { "{} {}", "line 1, column 4: more text after the end of the JSON document (a second document?)", TRUE },
    { "{}\n// done", "line 2, column 1: comments or single quotes are not standard JSON", TRUE },
    { "[1,\n 2,\n 0x3]", "line 3, column 2, near [2]: hex numbers are not JSON", TRUE },
    { "[007]", "line 1, column 2, near [0]: a number must not start with 0", TRUE },
    { "[1.]", "line 1, column 4, near [0]: a digit must follow the decimal point", TRUE },
    { "[1e]", "line 1, column 4, near [0]: an exponent needs digits", TRUE },
    { "[Infinity]", "NaN and Infinity are not JSON numbers", TRUE },
    { "[True]", "'True' is not a JSON value (text needs double quotes)", TRUE },
    { "{\"a\" 1}", "line 1, column 6, near a: expected ':' after the member name", TRUE },
    { "{\"a\": 1 \"b\": 2}", "line 1, column 9, near a: expected ',' or '}'", TRUE },
    { "{1: 2}", "line 1, column 2: expected a member name in double quotes", TRUE },
    { "[1 2]", "line 1, column 4, near [0]: expected ',' or ']'", TRUE },
    { "[,]", "line 1, column 2, near [0]: expected a value, found ','", TRUE },
    { "[\"\\u12\"]", "line 1, column 3, near [0]: \\u needs four hex digits", TRUE },
    { "[\"a\nb\"]", "a control character (U+000A) in a string must be written as an escape", TRUE },
    { "[\"\xc3\"]", "line 1, column 3, near [0]: not UTF-8", TRUE },
    { "[\"\xed\xa0\x80\"]", "not UTF-8", TRUE },          /* a surrogate written in UTF-8 */
    { "[\"\xc0\xaf\"]", "not UTF-8", TRUE },              /* an over-long form */
    { "{\"a\": [1, 2", "line 1, column 12, near a[1]: the text ends before the document does", TRUE },
    { "\xef\xbb\xbf{}", "line 1, column 1: expected a value, found byte 0xEF", TRUE }, /* a byte-order mark */
    { "{\"\\u0000\": 1}", "a member name: \\u0000 in a string (json-glib would cut the text there)", FALSE },
    { "[99999999999999999999]", "[0]: 99999999999999999999 is out of range (whole numbers are limited to 64 bits)", FALSE },
    { "[-1e400]", "[0]: -1e400 is out of range (too large for a number)", FALSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean not_json = !cases[i].not_json;
      g_autofree char *bad = rw_json_check_text (cases[i].text, -1, &not_json);
      if (bad == NULL)
        g_error ("%s: accepted, expected \"%s\"", cases[i].text, cases[i].expect);
      if (strstr (bad, cases[i].expect) == NULL)
        g_error ("%s: \"%s\" does not contain \"%s\"", cases[i].text, bad, cases[i].expect);
      g_assert_cmpint (not_json, ==, cases[i].not_json);
    }
  {
    /* the length is honoured: "{}" then text the check must not see */
    g_autofree char *bad = rw_json_check_text ("{} garbage", 2, NULL);
    g_assert_null (bad);
  }
}

/* JSON has no infinity or NaN: json-glib wrote "inf" (run --json did, after tick_s 1e308). Every
 * document Routewise writes goes through rw_json_to_string(), which writes null instead. */
static void
test_writer_non_finite (void)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) doc = NULL;
  g_autofree char *text = NULL, *bad = NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mttr_s");
  json_builder_add_double_value (b, 1e308 * 10);
  json_builder_set_member_name (b, "ratio");
  json_builder_add_double_value (b, NAN);
  json_builder_set_member_name (b, "low");
  json_builder_add_double_value (b, -INFINITY);
  json_builder_set_member_name (b, "max");
  json_builder_add_double_value (b, 1e308);
  json_builder_end_object (b);
  doc = json_builder_get_root (b);
  text = rw_json_to_string (doc, FALSE);
  g_assert_cmpstr (text, ==, "{\"mttr_s\":null,\"ratio\":null,\"low\":null,\"max\":1e+308}");
  bad = rw_json_check_text (text, -1, NULL);
  g_assert_null (bad);
}

/* ---- files ---- */

static void
test_load_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rw-topology-json-XXXXXX", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "does-not-exist.json", NULL);
  g_assert_null (rw_topology_load_file (path, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_load_bad_file_names_it (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rw-topology-json-XXXXXX", &error);
  g_autofree char *path = NULL, *prefix = NULL;
  const char *bad = "{ \"format\": \"routewise-topology\", \"version\": 1, \"nodes\": [],"
                    "  \"links\": [ { \"id\": \"L\", \"a\": \"R1\", \"b\": \"R9\", \"capacity_mbps\": 1, \"latency_ms\": 1 } ] }";

  g_assert_no_error (error);
  path = g_build_filename (dir, "bad.json", NULL);
  g_assert_true (g_file_set_contents (path, bad, -1, &error));
  g_assert_no_error (error);
  g_assert_null (rw_topology_load_file (path, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_INVALID);
  prefix = g_strconcat (path, ": links[0].a: unknown node 'R1'", NULL);
  g_assert_cmpstr (error->message, ==, prefix);

  g_clear_error (&error);
  g_assert_null (rw_topology_load_file (dir, &error)); /* a directory is not a file */
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, dir));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A FIFO blocked every loader for ever, /dev/zero was read without end (1.8 GB in 30 s) and a
 * directory got a confusing message: only regular files are read, and only up to a cap. */
static void
test_load_not_regular (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rw-topology-json-XXXXXX", &error);
  g_autofree char *fifo = NULL, *big = NULL, *data = NULL;
  int fd;

  g_assert_no_error (error);
  fifo = g_build_filename (dir, "fifo.json", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_null (rw_topology_load_file (fifo, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO);
  g_assert_cmpstr (strstr (error->message, ": "), ==, ": not a regular file (a FIFO)");
  g_assert_true (g_str_has_prefix (error->message, fifo));
  g_clear_error (&error);

  g_assert_null (rw_topology_load_file ("/dev/zero", &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "/dev/zero: not a regular file (a device)");
  g_clear_error (&error);

  g_assert_null (rw_topology_load_file (dir, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO);
  g_assert_true (g_str_has_suffix (error->message, ": not a regular file (a directory)"));
  g_clear_error (&error);

  /* a file over the cap is refused before it is read (a sparse file costs no disk) */
  big = g_build_filename (dir, "big.json", NULL);
  fd = g_open (big, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) RW_JSON_FILE_MAX_BYTES + 1), ==, 0);
  close (fd);
  g_assert_null (rw_topology_load_file (big, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO);
  g_assert_cmpstr (strstr (error->message, ": larger"), ==, ": larger than 64 MiB, the most this file may hold");
  g_clear_error (&error);
  g_assert_false (rw_read_regular_file (big, 1000, &data, NULL, &error));
  g_assert_null (data);
  g_assert_true (g_str_has_suffix (error->message, ": larger than 1000 bytes, the most this file may hold"));
  g_clear_error (&error);
  /* and the size that is there is read exactly */
  g_assert_cmpint (truncate (big, 3), ==, 0);
  {
    gsize len = 99;
    g_assert_true (rw_read_regular_file (big, 3, &data, &len, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (len, ==, 3);
    g_assert_cmpmem (data, 4, "\0\0\0", 4);
  }

  g_assert_cmpint (g_remove (fifo), ==, 0);
  g_assert_cmpint (g_remove (big), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static guint
count_dir_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_save_invalid_keeps_old_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rw-topology-json-XXXXXX", &error);
  g_autofree char *path = NULL, *before = NULL, *after = NULL;
  g_autoptr(RwTopology) t = NULL;
  RwLink *l;

  g_assert_no_error (error);
  path = g_build_filename (dir, "net.json", NULL);
  t = load_valid ();
  g_assert_true (rw_topology_save_file (t, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, NULL, &error));
  g_assert_no_error (error);

  /* Break the model by hand, as an editor bug might. */
  l = rw_topology_find_link (t, "R1-RR");
  g_assert_nonnull (l);
  g_free (l->b);
  l->b = g_strdup ("R9");

  g_assert_false (rw_topology_save_file (t, path, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "links[0].b: unknown node 'R9'"));

  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);        /* old content intact */
  g_assert_cmpuint (count_dir_entries (dir), ==, 1); /* and no temporary file left behind */
  g_clear_error (&error);
  g_clear_pointer (&t, rw_topology_free);
  t = rw_topology_load_file (path, &error);   /* still loads */
  g_assert_no_error (error);
  g_assert_nonnull (t);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_save_missing_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rw-topology-json-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(RwTopology) t = load_valid ();

  g_assert_no_error (error);
  path = g_build_filename (dir, "no", "such", "dir", "net.json", NULL);
  g_assert_false (rw_topology_save_file (t, path, &error));
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_dir_entries (dir), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/topology-json/valid/nodes-links", test_valid_nodes_links);
  g_test_add_func ("/topology-json/valid/sessions", test_valid_sessions);
  g_test_add_func ("/topology-json/valid/policies", test_valid_policies);
  g_test_add_func ("/topology-json/valid/prefixes-demands-sla", test_valid_prefixes_demands);
  g_test_add_func ("/topology-json/valid/minimal", test_minimal);
  g_test_add_func ("/topology-json/valid/transit-cost", test_valid_transit_cost);
  g_test_add_func ("/topology-json/round-trip/data", test_round_trip_data);
  g_test_add_func ("/topology-json/round-trip/file", test_round_trip_file);
  g_test_add_func ("/topology-json/round-trip/enterprise", test_round_trip_enterprise);
  g_test_add_func ("/topology-json/bad/cases-are-edits", test_bad_cases_are_single_edits);
  g_test_add_func ("/topology-json/bad/no-source-no-error", test_bad_input_no_source_no_error);
  g_test_add_func ("/topology-json/bad/explicit-length", test_bad_input_explicit_length);
  g_test_add_func ("/topology-json/strict/deep-nesting", test_strict_deep_nesting);
  g_test_add_func ("/topology-json/strict/depth-bound", test_strict_depth_bound);
  g_test_add_func ("/topology-json/strict/accepts-json", test_strict_accepts_json);
  g_test_add_func ("/topology-json/strict/messages", test_strict_messages);
  g_test_add_func ("/topology-json/strict/writer-non-finite", test_writer_non_finite);
  g_test_add_func ("/topology-json/file/load-missing", test_load_missing_file);
  g_test_add_func ("/topology-json/file/load-bad-names-file", test_load_bad_file_names_it);
  g_test_add_func ("/topology-json/file/not-regular", test_load_not_regular);
  g_test_add_func ("/topology-json/file/save-invalid-keeps-old", test_save_invalid_keeps_old_file);
  g_test_add_func ("/topology-json/file/save-missing-dir", test_save_missing_dir);
  /* Last: see test_bad_input(). GLib runs suites and tests in registration order. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/topology-json/zz-bad-input/%s", bad_cases[i].name);
      g_test_add_data_func (name, &bad_cases[i], test_bad_input);
    }
  for (guint i = 0; i < G_N_ELEMENTS (edge_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/topology-json/zz-round-trip-edge/%s", edge_cases[i].name);
      g_test_add_data_func (name, &edge_cases[i], test_edge_round_trip);
    }

  return g_test_run ();
}
