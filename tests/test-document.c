/* test-document.c — the document's entity edits (add, remove, rename) that the route-map,
 * demand and SLA editors make: validated as the loader validates a file, one undo step each,
 * and a refused edit changes nothing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include "rw-document.h"

#define TOPO RW_SOURCE_DIR "/data/topologies/enterprise.json"

static RwDocument *
open_doc (void)
{
  g_autoptr(GFile) file = g_file_new_for_path (TOPO);
  g_autoptr(GError) error = NULL;
  RwDocument *doc = rw_document_new_from_file (file, &error);
  g_assert_no_error (error);
  return doc;
}

/* The solves run on workers and report to the main loop: let them finish before the end. */
static void
close_doc (RwDocument *doc)
{
  while (rw_document_is_solving (doc))
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (doc);
}

static JsonNode *
json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *n = json_from_string (text, &error);
  g_assert_no_error (error);
  return n;
}

static char *
text_of (RwDocument *doc)
{
  return rw_topology_to_data (rw_document_get_topology (doc), NULL);
}

/* An edit that must be refused: it fails with a message containing @needle and the document,
 * its undo history included, stays as it was. */
static void
assert_refused (RwDocument *doc, gboolean ok, GError *error, const char *needle)
{
  g_assert_false (ok);
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

/* The route-map story of issue 16: a session's import naming "from-cogent" is refused while no
 * such map exists, and accepted once the map is added; undo takes back one edit at a time. */
static void
test_route_map_add_and_use (void)
{
  RwDocument *doc = open_doc ();
  g_autoptr(JsonNode) session = rw_document_dup_json (doc, "sessions[7]");
  g_autoptr(JsonNode) entries = json ("[{\"seq\": 10, \"action\": \"permit\", \"match\": {\"prefixes\": [\"13.64.0.0/11 le 24\"]},"
                                      " \"set\": {\"local_pref\": 150}}, {\"seq\": 20, \"action\": \"deny\"}]");
  g_autoptr(JsonNode) again = json ("[]");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = text_of (doc), *after_add = NULL, *now = NULL;
  JsonObject *end;
  const RwPolicy *p;
  gboolean ok;
  g_assert_nonnull (session);
  end = json_object_get_object_member (json_object_get_object_member (json_node_get_object (session), "ends"), "R2");
  json_object_set_string_member (end, "import", "from-cogent");
  ok = rw_document_replace_json (doc, "sessions[7]", session, &error);
  assert_refused (doc, ok, error, "sessions[7].ends.R2.import: unknown policy 'from-cogent'");
  g_clear_error (&error);
  now = text_of (doc);
  g_assert_cmpstr (now, ==, before);
  g_assert_false (rw_document_can_undo (doc));

  g_assert_true (rw_document_insert_json (doc, "policies.from-cogent", entries, &error));
  g_assert_no_error (error);
  p = rw_topology_find_policy (rw_document_get_topology (doc), "from-cogent");
  g_assert_nonnull (p);
  g_assert_cmpuint (p->entries->len, ==, 2);
  g_assert_true (((RwPolicyEntry *) p->entries->pdata[0])->permit);
  g_assert_cmpuint (((RwPolicyEntry *) p->entries->pdata[0])->set_local_pref, ==, 150);
  after_add = text_of (doc);
  /* a name taken already is refused, and nothing changes */
  ok = rw_document_insert_json (doc, "policies.from-cogent", again, &error);
  assert_refused (doc, ok, error, "policies.from-cogent: the name is already used");
  g_clear_error (&error);
  g_clear_pointer (&now, g_free);
  now = text_of (doc);
  g_assert_cmpstr (now, ==, after_add);

  g_assert_true (rw_document_replace_json (doc, "sessions[7]", session, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rw_session_end_for (rw_topology_find_session (rw_document_get_topology (doc), "R2", "ISP-C"), "R2")->import, ==,
                   "from-cogent");
  {
    g_auto(GStrv) users = rw_document_dup_users (doc, "policies.from-cogent");
    g_assert_cmpuint (g_strv_length (users), ==, 1);
    g_assert_cmpstr (users[0], ==, "R2–ISP-C (import at R2)");
  }
  /* one undo: the session's import goes back, the map stays; another: the map goes */
  g_assert_true (rw_document_undo (doc));
  g_clear_pointer (&now, g_free);
  now = text_of (doc);
  g_assert_cmpstr (now, ==, after_add);
  g_assert_true (rw_document_undo (doc));
  g_clear_pointer (&now, g_free);
  now = text_of (doc);
  g_assert_cmpstr (now, ==, before);
  close_doc (doc);
}

/* Renaming a route-map renames it where sessions use it, in one step; deleting one in use is
 * refused naming the sessions. */
static void
test_route_map_rename_and_delete (void)
{
  RwDocument *doc = open_doc ();
  const RwTopology *t;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = text_of (doc), *now = NULL;
  gboolean ok;
  g_assert_true (rw_document_rename_json (doc, "policies.r1-from-isp-a", "from-jio", &error));
  g_assert_no_error (error);
  t = rw_document_get_topology (doc);
  g_assert_null (rw_topology_find_policy (t, "r1-from-isp-a"));
  g_assert_nonnull (rw_topology_find_policy (t, "from-jio"));
  /* the order of the maps in the file stays */
  g_assert_cmpstr (((RwPolicy *) t->policies->pdata[0])->name, ==, "from-jio");
  g_assert_cmpstr (rw_session_end_for (rw_topology_find_session (t, "R1", "ISP-A"), "R1")->import, ==, "from-jio");
  g_assert_cmpstr (rw_document_get_undo_label (doc), ==, "Rename r1-from-isp-a to from-jio");
  /* to a name in use, or to nothing: refused */
  ok = rw_document_rename_json (doc, "policies.from-jio", "r1-to-isp-a", &error);
  assert_refused (doc, ok, error, "policies.r1-to-isp-a: the name is already used");
  g_clear_error (&error);
  ok = rw_document_rename_json (doc, "policies.from-jio", "  ", &error);
  assert_refused (doc, ok, error, "must not be empty");
  g_clear_error (&error);
  ok = rw_document_delete_json (doc, "policies.from-jio", &error);
  assert_refused (doc, ok, error, "route-map “from-jio” is used by the sessions R1–ISP-A (import at R1)");
  g_clear_error (&error);
  g_assert_true (rw_document_undo (doc));
  now = text_of (doc);
  g_assert_cmpstr (now, ==, before);
  /* a map nobody uses goes */
  {
    g_autoptr(JsonNode) empty = json ("[]");
    g_assert_true (rw_document_insert_json (doc, "policies.spare", empty, &error));
    g_assert_true (rw_document_delete_json (doc, "policies.spare", &error));
    g_assert_no_error (error);
    g_assert_null (rw_topology_find_policy (rw_document_get_topology (doc), "spare"));
    g_clear_pointer (&now, g_free);
    now = text_of (doc);
    g_assert_cmpstr (now, ==, before);
  }
  close_doc (doc);
}

/* SLA classes and demands: a class in use is not removed and the message lists its demands; a
 * rename follows into the demands; a demand is added with a new class, a bad one is refused
 * naming its JSON path. */
static void
test_sla_classes_and_demands (void)
{
  RwDocument *doc = open_doc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) platinum = json ("{\"latency_ms\": 40, \"loss_pct\": 0.1}");
  g_autoptr(JsonNode) demand = json ("{\"id\": \"dc-to-cogent\", \"src\": \"R4\", \"dst\": \"13.64.0.0/11\", \"mbps\": 250, \"class\": \"platinum\"}");
  g_autoptr(JsonNode) bad = json ("{\"id\": \"dc-bad\", \"src\": \"R4\", \"dst\": \"13.64.0.0/11\", \"mbps\": -5, \"class\": \"platinum\"}");
  g_autoptr(JsonNode) nameless = json ("{\"latency_ms\": 40}");
  const RwTopology *t = rw_document_get_topology (doc);
  guint n = t->demands->len;
  g_autofree char *before = NULL, *now = NULL;
  gboolean ok;

  ok = rw_document_delete_json (doc, "sla_classes.gold", &error);
  assert_refused (doc, ok, error, "SLA class “gold” is used by the demands dc-web-to-google-dns, dc-web-to-cloudflare-dns, dc-web-to-aws,");
  g_clear_error (&error);
  ok = rw_document_insert_json (doc, "sla_classes.platinum", nameless, &error);
  assert_refused (doc, ok, error, "sla_classes.platinum");
  g_clear_error (&error);
  g_assert_true (rw_document_insert_json (doc, "sla_classes.platinum", platinum, &error));
  g_assert_true (rw_document_insert_json (doc, "demands", demand, &error));
  g_assert_no_error (error);
  t = rw_document_get_topology (doc);
  g_assert_cmpuint (t->demands->len, ==, n + 1);
  g_assert_cmpstr (((RwDemand *) t->demands->pdata[n])->sla_class, ==, "platinum");
  before = text_of (doc);
  ok = rw_document_insert_json (doc, "demands", bad, &error);
  g_assert_false (ok);
  g_test_message ("refused: %s", error->message);
  {
    g_autofree char *path = g_strdup_printf ("demands[%u].mbps", n + 1);
    g_assert_nonnull (strstr (error->message, path));
  }
  g_clear_error (&error);
  now = text_of (doc);
  g_assert_cmpstr (now, ==, before);
  /* a rename reaches the demand */
  g_assert_true (rw_document_rename_json (doc, "sla_classes.platinum", "premium", &error));
  t = rw_document_get_topology (doc);
  g_assert_cmpstr (rw_topology_find_demand (t, "dc-to-cogent")->sla_class, ==, "premium");
  /* the demand and then its class can go */
  {
    g_autofree char *path = g_strdup_printf ("demands[%u]", n);
    g_auto(GStrv) users = rw_document_dup_users (doc, "sla_classes.premium");
    g_assert_cmpstrv (users, ((const char *[]) { "dc-to-cogent", NULL }));
    ok = rw_document_delete_json (doc, "sla_classes.premium", &error);
    assert_refused (doc, ok, error, "used by the demands dc-to-cogent;");
    g_clear_error (&error);
    g_assert_true (rw_document_delete_json (doc, path, &error));
    g_assert_true (rw_document_delete_json (doc, "sla_classes.premium", &error));
    g_assert_no_error (error);
  }
  t = rw_document_get_topology (doc);
  g_assert_cmpuint (t->demands->len, ==, n);
  g_assert_null (rw_topology_find_sla_class (t, "premium"));
  ok = rw_document_delete_json (doc, "demands[999]", &error);
  assert_refused (doc, ok, error, "demands[999]: no such entity");
  close_doc (doc);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/document/route-map-add-and-use", test_route_map_add_and_use);
  g_test_add_func ("/document/route-map-rename-and-delete", test_route_map_rename_and_delete);
  g_test_add_func ("/document/sla-classes-and-demands", test_sla_classes_and_demands);
  return g_test_run ();
}
