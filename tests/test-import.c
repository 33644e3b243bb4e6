/* test-import.c — FRR configurations and Containerlab labs in and out: the round trip, the
 * subset read faithfully, FRR's defaults, the warnings, and every bad input named with its file
 * and line, nothing written.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-clab.h"
#include "rw-frr-import.h"
#include "rw-twin.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <string.h>

#define ENTERPRISE RW_SOURCE_DIR "/data/topologies/enterprise.json"

static char *
tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *d = g_dir_make_tmp ("rw-import-XXXXXX", &error);
  g_assert_no_error (error);
  return d;
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (path, n, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        rm_rf (p);
      else
        g_unlink (p);
    }
  g_rmdir (path);
}

static void
put (const char *dir, const char *name, const char *text)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (p);
  g_autoptr(GError) error = NULL;
  g_mkdir_with_parents (parent, 0755);
  g_file_set_contents (p, text, -1, &error);
  g_assert_no_error (error);
}

static gint
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Every node's best route per prefix: "node prefix from as-path" lines, sorted. */
static char *
best_routes (RwTopology *t)
{
  g_autoptr(RwTwin) tw = rw_twin_new (rw_topology_copy (t));
  g_autoptr(JsonNode) sim = rw_twin_simulation_to_json (tw);
  JsonObject *routes = json_object_get_object_member (json_node_get_object (sim), "routes");
  g_autoptr(GList) nodes = json_object_get_members (routes);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);
  for (GList *l = nodes; l; l = l->next)
    {
      JsonArray *rs = json_object_get_array_member (routes, l->data);
      for (guint i = 0; i < json_array_get_length (rs); i++)
        {
          JsonObject *r = json_array_get_object_element (rs, i);
          JsonArray *path = json_object_get_array_member (r, "as_path");
          GString *line = g_string_new (NULL);
          g_string_append_printf (line, "%s %s %s %s lp=%" G_GINT64_FORMAT " [", (char *) l->data,
                                  json_object_get_string_member (r, "prefix"),
                                  json_object_get_boolean_member (r, "best") ? "best" : "alt",
                                  json_object_get_null_member (r, "from") ? "-" : json_object_get_string_member (r, "from"),
                                  json_object_get_int_member (r, "local_pref"));
          for (guint k = 0; k < json_array_get_length (path); k++)
            g_string_append_printf (line, " %" G_GINT64_FORMAT, json_array_get_int_element (path, k));
          g_string_append (line, " ]");
          g_ptr_array_add (lines, g_string_free (line, FALSE));
        }
    }
  g_ptr_array_sort (lines, str_ptr_cmp);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) lines->pdata[i]);
  return g_string_free (out, FALSE);
}

static gboolean
has_warning (const RwTopology *t, const char *part)
{
  for (guint i = 0; i < t->import_warnings->len; i++)
    if (strstr (t->import_warnings->pdata[i], part))
      return TRUE;
  return FALSE;
}

/* Export, import: `simulate --json` of the result is byte for byte the original's. */
static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTopology) t = rw_topology_load_file (ENTERPRISE, &error);
  g_autofree char *dir = tmpdir ();
  g_autofree char *clab = NULL, *demands_path = NULL;
  g_autoptr(RwTopology) back = NULL;
  g_autofree char *a = NULL, *b = NULL;
  RwImportOptions opts;

  g_assert_no_error (error);
  g_assert_true (rw_clab_export (t, dir, &clab, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (clab, ".clab.yml"));
  /* what configurations cannot carry (demands, SLA classes, latency and loss) is written
   * beside the lab, and the import reads it from there by default */
  demands_path = g_build_filename (dir, "demands.json", NULL);
  g_assert_true (g_file_test (demands_path, G_FILE_TEST_IS_REGULAR));
  rw_import_options_init (&opts);
  back = rw_frr_import_clab (clab, &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->nodes->len, ==, t->nodes->len);
  g_assert_cmpuint (back->links->len, ==, t->links->len);
  g_assert_cmpuint (back->sessions->len, ==, t->sessions->len);
  g_assert_cmpuint (back->prefixes->len, ==, t->prefixes->len);
  g_assert_cmpuint (back->demands->len, ==, t->demands->len);
  for (guint i = 0; i < t->nodes->len; i++)
    {
      RwNode *n = t->nodes->pdata[i], *m = rw_topology_find_node (back, n->id);
      g_assert_nonnull (m);
      g_assert_cmpuint (m->asn, ==, n->asn);
      g_assert_cmpuint (m->router_id, ==, n->router_id);
      g_assert_cmpint (m->kind, ==, n->kind);
    }
  /* the capacity and the IGP cost come back from bandwidth and ip ospf cost */
  for (guint i = 0; i < t->links->len; i++)
    {
      RwLink *l = t->links->pdata[i];
      gboolean found = FALSE;
      for (guint k = 0; k < back->links->len && !found; k++)
        {
          RwLink *m = back->links->pdata[k];
          if ((g_strcmp0 (m->a, l->a) == 0 && g_strcmp0 (m->b, l->b) == 0) ||
              (g_strcmp0 (m->a, l->b) == 0 && g_strcmp0 (m->b, l->a) == 0))
            {
              found = TRUE;
              g_assert_cmpfloat (m->capacity_mbps, ==, l->capacity_mbps);
              if (rw_topology_find_node (t, l->a)->asn == rw_topology_find_node (t, l->b)->asn)
                g_assert_cmpuint (m->igp_cost, ==, l->igp_cost);
            }
        }
      g_assert_true (found);
    }
  a = best_routes (t);
  b = best_routes (back);
  g_assert_cmpstr (a, ==, b);
  /* the whole simulation is the same document, byte for byte: routes with their attributes,
   * every demand's path, latency, loss and SLA, every link's load */
  {
    g_autoptr(RwTwin) ta = rw_twin_new (rw_topology_copy (t));
    g_autoptr(RwTwin) tb = rw_twin_new (rw_topology_copy (back));
    g_autoptr(JsonNode) ja = rw_twin_simulation_to_json (ta);
    g_autoptr(JsonNode) jb = rw_twin_simulation_to_json (tb);
    g_autofree char *sa = json_to_string (ja, TRUE), *sb = json_to_string (jb, TRUE);
    g_assert_cmpstr (sa, ==, sb);
  }
  g_assert_false (has_warning (back, "tie down to the router id"));
  /* without compare-routerid, FRR keeps the older of two tied eBGP routes: said where it decides */
  {
    g_autofree char *r1 = g_build_filename (dir, "R1", "frr.conf", NULL);
    g_autofree char *text = NULL;
    g_autoptr(GString) edited = NULL;
    g_autoptr(RwTopology) again = NULL;
    g_assert_true (g_file_get_contents (r1, &text, NULL, NULL));
    edited = g_string_new (text);
    g_assert_cmpuint (g_string_replace (edited, " bgp bestpath compare-routerid\n", "", 1), ==, 1);
    g_assert_true (g_file_set_contents (r1, edited->str, -1, NULL));
    again = rw_frr_import_clab (clab, &opts, &error);
    g_assert_no_error (error);
    g_assert_true (has_warning (again, "R1/frr.conf:"));
    g_assert_true (has_warning (again, "two eBGP routes tie down to the router id"));
  }
  /* a link the network does not have, or a latency that is not a number: named, nothing loaded */
  {
    static const char *const bad[][2] = {
      { "{\"links\": [{\"id\": \"R1-NOWHERE\", \"latency_ms\": 3}]}", "links[0].id: no link 'R1-NOWHERE'" },
      { "{\"links\": [{\"id\": \"R1-ISPA\", \"latency_ms\": \"slow\"}]}", "links[0].latency_ms" },
      { "{\"links\": [{\"id\": \"R1-ISPA\", \"delay\": 3}]}", "links[0]" },
      { "{\"links\": [{\"id\": \"R1-ISPA\", \"latency_ms\": -4}]}", "links[0].latency_ms: must be between" },
    };
    g_autofree char *bad_path = g_build_filename (dir, "bad-demands.json", NULL);
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) e = NULL;
        g_autoptr(RwTopology) none = NULL;
        g_assert_true (g_file_set_contents (bad_path, bad[i][0], -1, NULL));
        opts.demands_file = bad_path;
        none = rw_frr_import_clab (clab, &opts, &e);
        g_assert_null (none);
        g_assert_nonnull (e);
        g_test_message ("%s", e->message);
        g_assert_nonnull (strstr (e->message, "bad-demands.json"));
        g_assert_nonnull (strstr (e->message, bad[i][1]));
      }
  }
  rm_rf (dir);
}

/* Two small routers written by hand: the subset is read as FRR means it. */
static const char r1_conf[] =
  "frr defaults traditional\n"
  "hostname r1\n"
  "log syslog informational\n"
  "!\n"
  "interface lo\n ip address 10.0.0.1/32\nexit\n"
  "interface eth1\n ip address 192.0.2.0/31\n bandwidth 1000\nexit\n"
  "ip route 203.0.113.0/24 blackhole\n"
  "router bgp 65001\n"
  " bgp router-id 10.0.0.1\n"
  " bgp bestpath compare-routerid\n"
  " neighbor 192.0.2.1 remote-as 64500\n"
  " address-family ipv4 unicast\n"
  "  network 203.0.113.0/24\n"
  "  network 198.51.100.0/24\n"
  "  neighbor 192.0.2.1 route-map IN in\n"
  "  maximum-paths 1\n  maximum-paths ibgp 1\n"
  " exit-address-family\n"
  "exit\n"
  "ip prefix-list BOGONS seq 5 deny 10.0.0.0/8 le 32\n"
  "ip prefix-list BOGONS seq 10 permit 0.0.0.0/0 le 24\n"
  "bgp community-list standard TAG seq 5 permit 64500:1\n"
  "bgp as-path access-list VIA seq 5 permit _64500_\n"
  "route-map IN permit 10\n match ip address prefix-list BOGONS\n set local-preference 150\n on-match next\nexit\n"
  "route-map IN permit 20\n match community TAG\n set metric 7\nexit\n"
  "route-map IN deny 30\n match as-path VIA\n match ip address prefix-list NOPE\nexit\n"
  "bgp bestpath as-path multipath-relax\n";

static const char isp_conf[] =
  "hostname isp\n"
  "interface eth1\n ip address 192.0.2.1/31\nexit\n"
  "ip route 8.8.8.0/24 blackhole\n"
  "router bgp 64500\n"
  " bgp router-id 192.0.2.1\n"
  " no bgp ebgp-requires-policy\n"
  " neighbor 192.0.2.0 remote-as 65001\n"
  " address-family ipv4 unicast\n  network 8.8.8.0/24\n exit-address-family\n"
  "exit\n";

static RwTopology *
import_folder (const char *dir, GError **error)
{
  const char *const paths[] = { dir, NULL };
  RwImportOptions opts;
  rw_import_options_init (&opts);
  opts.our_as = 65001; /* one router each: which AS is ours must be said */
  return rw_frr_import_configs (paths, &opts, error);
}


static void
test_subset_and_bad_inputs (void)
{
  g_autofree char *dir = tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTopology) t = NULL;
  g_autofree char *r1 = NULL;

  /* A route-map naming a missing prefix-list is refused with the file and line. */
  put (dir, "r1/frr.conf", r1_conf);
  put (dir, "isp.conf", isp_conf);
  t = import_folder (dir, &error);
  g_assert_null (t);
  g_assert_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID);
  g_assert_true (strstr (error->message, "r1/frr.conf:") && strstr (error->message, "prefix-list 'NOPE'"));
  g_clear_error (&error);

  r1 = g_strdup (r1_conf);
  {
    char *p = strstr (r1, " match ip address prefix-list NOPE\n");
    memset (p, ' ', strlen (" match ip address prefix-list NOPE")); /* blank the line */
  }
  put (dir, "r1/frr.conf", r1);
  t = import_folder (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->nodes->len, ==, 2);
  g_assert_cmpuint (t->links->len, ==, 1); /* the /31 they share */
  g_assert_cmpfloat (((RwLink *) t->links->pdata[0])->capacity_mbps, ==, 1000);
  g_assert_cmpuint (t->sessions->len, ==, 1);
  /* import-check: 198.51.100.0/24 has no route in r1's table, FRR does not announce it */
  g_assert_cmpuint (t->prefixes->len, ==, 2);
  g_assert_true (has_warning (t, "r1/frr.conf:19: network 198.51.100.0/24"));
  /* RFC 8212: no route-map out on r1 -> it sends nothing (the ISP disabled the rule) */
  g_assert_true (has_warning (t, "no route-map out"));
  g_assert_cmpstr (rw_session_end_for (t->sessions->pdata[0], "r1")->export, ==, "RW-EBGP-REQUIRES-POLICY");
  g_assert_null (rw_session_end_for (t->sessions->pdata[0], "isp")->export);
  /* outside the subset: named with file and line */
  g_assert_true (has_warning (t, "r1/frr.conf:42: bgp bestpath as-path multipath-relax: not modelled, ignored"));
  {
    RwPolicy *in = rw_topology_find_policy (t, "IN");
    RwPolicyEntry *e10, *e20, *e30;
    g_assert_nonnull (in);
    g_assert_cmpuint (in->entries->len, ==, 3);
    e10 = in->entries->pdata[0];
    e20 = in->entries->pdata[1];
    e30 = in->entries->pdata[2];
    g_assert_true (e10->cont && e10->has_set_local_pref && e10->set_local_pref == 150);
    g_assert_cmpuint (e10->match_prefixes->len, ==, 2);
    g_assert_true (g_array_index (e10->match_prefixes, RwPrefixMatch, 0).deny);
    g_assert_true (e20->has_match_community && e20->match_community == ((64500u << 16) | 1));
    g_assert_true (e30->has_match_as_path_contains && e30->match_as_path_contains == 64500 && !e30->permit);
  }
  /* and the twin runs it: 8.8.8.0/24 passes entry 10 (on-match next, LOCAL_PREF 150), and
   * entry 30 then denies it (its AS path contains 64500): r1 has no route to it */
  {
    g_autoptr(RwTwin) tw = rw_twin_new (rw_topology_copy (t));
    g_autoptr(JsonNode) sim = rw_twin_simulation_to_json (tw);
    g_autofree char *text = json_to_string (sim, FALSE);
    g_assert_nonnull (strstr (text, "\"isp\":[{\"prefix\":\"8.8.8.0/24\",\"best\":true"));
    g_assert_null (strstr (text, "\"r1\":[{\"prefix\":\"8.8.8.0/24\""));
  }
  g_clear_pointer (&t, rw_topology_free);

  /* Bad inputs, each named with its file and line; nothing is returned. */
  {
    static const struct {
      const char *file, *text, *expect;
    } bad[] = {
      { "r1/frr.conf", "hostname r1\nthis is not frr\n", "r1/frr.conf:2: this is not frr: not an FRR configuration command" },
      { "r1/frr.conf", "router bgp 65001\n bgp router-id 10.0.0.300\n", "r1/frr.conf:2:" },
      { "r1/frr.conf", "router bgp 65001\n bgp router-id 192.0.2.1\n", "router id 192.0.2.1 is also the router id of isp" },
      { "r1/frr.conf", "interface eth1\n ip address 192.0.2.0/31\nexit\nrouter bgp 65001\n bgp router-id 1.1.1.1\n "
                       "neighbor 192.0.2.77 remote-as 64500\n", "r1/frr.conf:6: neighbor 192.0.2.77: no interface" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        put (dir, bad[i].file, bad[i].text);
        t = import_folder (dir, &error);
        g_assert_null (t);
        g_assert_nonnull (error);
        if (strstr (error->message, bad[i].expect) == NULL)
          g_error ("case %u: «%s» does not say «%s»", i, error->message, bad[i].expect);
        g_clear_error (&error);
      }
  }
  rm_rf (dir);
}

static void
test_clab_bad_inputs (void)
{
  g_autofree char *dir = tmpdir ();
  g_autoptr(GError) error = NULL;
  static const struct {
    const char *text, *expect;
  } bad[] = {
    { "name: x\ntopology: [1, 2\n", "lab.clab.yml:" },
    { "just: a mapping\n", "not a Containerlab topology" },
    { "name: x\ntopology:\n  nodes:\n    r1: {}\n  links:\n    - endpoints: [\"r1:eth1\", \"r9:eth1\"]\n",
      "lab.clab.yml:6: endpoint 'r9:eth1': unknown node 'r9'" },
    { "a: &x [1]\nb: *x\n", "anchors and aliases" },
    { "", "not a Containerlab topology" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_build_filename (dir, "lab.clab.yml", NULL);
      g_autoptr(RwTopology) t = NULL;
      put (dir, "lab.clab.yml", bad[i].text);
      t = rw_frr_import_clab (path, NULL, &error);
      g_assert_null (t);
      g_assert_nonnull (error);
      if (strstr (error->message, bad[i].expect) == NULL)
        g_error ("case %u: «%s» does not say «%s»", i, error->message, bad[i].expect);
      g_clear_error (&error);
    }
  /* a directory or a FIFO is not read as a lab file */
  {
    g_autofree char *fifo = g_build_filename (dir, "fifo.clab.yml", NULL);
    g_autoptr(RwTopology) t = NULL;
    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    t = rw_frr_import_clab (fifo, NULL, &error);
    g_assert_null (t);
    g_assert_nonnull (strstr (error->message, "not a regular file"));
    g_clear_error (&error);
    g_unlink (fifo);
  }
  rm_rf (dir);
}

/* Exporting refuses before it writes: a route-map that the topology names but does not define. */
static void
test_export_writes_nothing_on_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTopology) t = rw_topology_load_file (ENTERPRISE, &error);
  g_autofree char *dir = tmpdir ();
  g_autofree char *sub = g_build_filename (dir, "lab", NULL);
  RwSession *s = t->sessions->pdata[0];
  g_free (s->ends[0].import);
  s->ends[0].import = g_strdup ("missing-map");
  g_assert_false (rw_clab_export (t, sub, NULL, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (sub, G_FILE_TEST_EXISTS));
  rm_rf (dir);
}

/* The shipped example labs import without error. */
static void
test_example_labs (void)
{
  const char *labs[] = { "edge-pair", "dual-dc" };
  for (guint i = 0; i < G_N_ELEMENTS (labs); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/data/labs/%s/%s.clab.yml", RW_SOURCE_DIR, labs[i], labs[i]);
      g_autofree char *demands = g_strdup_printf ("%s/data/labs/%s/demands.json", RW_SOURCE_DIR, labs[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(RwTopology) t = NULL;
      RwImportOptions opts;
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      rw_import_options_init (&opts);
      if (g_file_test (demands, G_FILE_TEST_EXISTS))
        opts.demands_file = demands;
      t = rw_frr_import_clab (path, &opts, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (t->sessions->len, >, 0);
      g_assert_cmpuint (t->prefixes->len, >, 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/import/round-trip", test_round_trip);
  g_test_add_func ("/import/subset-and-bad-inputs", test_subset_and_bad_inputs);
  g_test_add_func ("/import/clab-bad-inputs", test_clab_bad_inputs);
  g_test_add_func ("/import/export-writes-nothing-on-error", test_export_writes_nothing_on_error);
  g_test_add_func ("/import/example-labs", test_example_labs);
  return g_test_run ();
}
