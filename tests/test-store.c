/* test-store.c — the workspace database (DESIGN.md section 6): a long audit chain verifies;
 * every way of tampering with it behind the store's back (changed payload, kind or hash,
 * rewritten prev_hash, deleted rows in the middle, at the start or at the end) is found at the
 * right event with the right sentence; the triggers stop UPDATE and DELETE; the canonical JSON
 * that is hashed does not depend on member order and reads back to the same bytes; learning
 * statistics accumulate across reopening; a writer killed with SIGKILL mid-append leaves a
 * database that opens and verifies with every acknowledged event in it; two writer processes
 * interleave without breaking the chain; and files that are not Routewise databases are refused
 * with their name in the message and left byte for byte as they were.
 *
 * The writer processes are this binary run again as `test-store --writer DB COUNT`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-canonical.h"
#include "rw-keyring.h"
#include "rw-store.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- fixtures and helpers ---- */

typedef struct {
  char *dir;
  char *db;
} Tmp;

static void
tmp_setup (Tmp *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  t->dir = g_dir_make_tmp ("rw-store-XXXXXX", &error);
  g_assert_no_error (error);
  t->db = g_build_filename (t->dir, "workspace.db", NULL);
}

static void
tmp_teardown (Tmp *t, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (t->dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (t->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (t->dir);
  g_free (t->dir);
  g_free (t->db);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* A payload with nested members, floats and strings that need escaping. */
static JsonNode *
event_payload (gint64 i)
{
  g_autofree char *text = g_strdup_printf (
    "{\"tick\": %" G_GINT64_FORMAT ", \"entity\": \"R1-ISPA\", \"util\": %g, \"note\": \"line\\n\\\"%" G_GINT64_FORMAT "\\\"\","
    " \"detectors\": [\"ewma\", \"iforest\"], \"z\": {\"b\": 1, \"a\": [true, null, -0.5]}}",
    i, (double) i / 7.0, i);
  return parse_json (text);
}

/* Appends @n events: the first third to @run_a, the next third to no run, the rest to @run_b. */
static void
append_events (RwStore *s, gint64 n, gint64 run_a, gint64 run_b)
{
  static const char *kinds[] = { "observe", "detect", "reason", "decide", "verify", "guard", "act", "learn" };
  static const char *tags[] = { "DETERMINISTIC", "LLM_DECISION", NULL, "OPERATOR" };
  for (gint64 i = 0; i < n; i++)
    {
      g_autoptr(JsonNode) payload = event_payload (i);
      g_autoptr(GError) error = NULL;
      gint64 run = i < n / 3 ? run_a : i < 2 * n / 3 ? 0 : run_b;
      gint64 seq = 0, head = 0;
      g_assert_true (rw_store_head (s, &head, NULL, &error));
      g_assert_true (rw_store_append (s, run, kinds[i % G_N_ELEMENTS (kinds)], i % 5 == 0 ? "operator" : "agent",
                                      tags[i % G_N_ELEMENTS (tags)], payload, &seq, &error));
      g_assert_no_error (error);
      g_assert_cmpint (seq, ==, head + 1);
    }
}

static RwStore *
open_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  RwStore *s = rw_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

/* A database of @n events, closed again. */
static void
make_db (const char *path, gint64 n)
{
  g_autoptr(RwStore) s = open_ok (path);
  g_autoptr(GError) error = NULL;
  gint64 a = rw_store_begin_run (s, "fibre-cut.json", 42, "supervised", &error);
  gint64 b = rw_store_begin_run (s, NULL, 7, "shadow", &error);
  g_assert_no_error (error);
  append_events (s, n, a, b);
}

/* Runs SQL on the file with plain SQLite, behind the store's back; returns SQLite's result code
 * and, in @msg, its message. */
static int
raw_sql (const char *path, const char *sql, char **msg)
{
  sqlite3 *db = NULL;
  char *err = NULL;
  int rc;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  rc = sqlite3_exec (db, sql, NULL, NULL, &err);
  if (msg)
    *msg = g_strdup (err);
  sqlite3_free (err);
  sqlite3_close (db);
  return rc;
}

static void
raw_sql_ok (const char *path, const char *sql)
{
  g_autofree char *msg = NULL;
  int rc = raw_sql (path, sql, &msg);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
}

/* Verifies with a read-only store (as `audit verify` does) and with a read-write one. */
static void
assert_broken (const char *path, gint64 want_seq, const char *want_why)
{
  for (int ro = 1; ro >= 0; ro--)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RwStore) s = ro ? rw_store_open_readonly (path, &error) : rw_store_open (path, &error);
      g_autofree char *why = NULL;
      gint64 bad = -1;
      g_assert_no_error (error);
      g_assert_false (rw_store_verify_chain (s, &bad, &why, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (why, ==, want_why);
      g_assert_cmpint (bad, ==, want_seq);
    }
}

static void
assert_intact (const char *path, gint64 want_events)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwStore) s = rw_store_open_readonly (path, &error);
  g_autofree char *why = NULL, *problem = NULL;
  gint64 bad = -1, head = -1;
  g_assert_no_error (error);
  if (!rw_store_verify_chain (s, &bad, &why, &error))
    g_error ("%s: chain broken at %" G_GINT64_FORMAT ": %s", path, bad, why ? why : error->message);
  g_assert_true (rw_store_check_integrity (s, &problem, &error));
  g_assert_no_error (error);
  g_assert_true (rw_store_head (s, &head, NULL, &error));
  if (want_events >= 0)
    g_assert_cmpint (head, ==, want_events);
}

static char *
sha256_hex (const char *a, const char *b)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, (const guchar *) a, -1);
  g_checksum_update (sum, (const guchar *) b, -1);
  return g_strdup (g_checksum_get_string (sum));
}

/* The hashed text as rw-store.h defines it, built with json-glib rather than by the store. */
static char *
documented_envelope (const RwAuditEvent *e)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  /* deliberately not in sorted order */
  json_object_set_member (o, "payload", parse_json (e->payload));
  if (e->run_id > 0)
    json_object_set_int_member (o, "run_id", e->run_id);
  else
    json_object_set_null_member (o, "run_id");
  json_object_set_string_member (o, "kind", e->kind);
  if (e->decision_tag)
    json_object_set_string_member (o, "decision_tag", e->decision_tag);
  else
    json_object_set_null_member (o, "decision_tag");
  json_object_set_string_member (o, "actor", e->actor);
  json_node_set_object (node, o);
  return rw_json_canonical (node);
}

/* The keyed text: the same members plus seq and ts (every column but the hashes). */
static char *
documented_keyed_envelope (const RwAuditEvent *e)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  json_object_set_string_member (o, "ts", e->ts);
  json_object_set_int_member (o, "seq", e->seq);
  json_object_set_member (o, "payload", parse_json (e->payload));
  if (e->run_id > 0)
    json_object_set_int_member (o, "run_id", e->run_id);
  else
    json_object_set_null_member (o, "run_id");
  json_object_set_string_member (o, "kind", e->kind);
  if (e->decision_tag)
    json_object_set_string_member (o, "decision_tag", e->decision_tag);
  else
    json_object_set_null_member (o, "decision_tag");
  json_object_set_string_member (o, "actor", e->actor);
  json_node_set_object (node, o);
  return rw_json_canonical (node);
}

/* HMAC-SHA256 of prev_hash || keyed envelope under key version 1 of the test's key file. */
static char *
keyed_hash_hex (const RwAuditEvent *e)
{
  g_autofree char *path = rw_keyring_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RwKeyring) kr = rw_keyring_open (path, FALSE, &error);
  g_autofree char *envelope = documented_keyed_envelope (e);
  g_autofree char *text = g_strconcat (e->prev_hash, envelope, NULL);
  gsize len;
  const guint8 *k;
  g_autoptr(GHmac) h = NULL;
  g_assert_no_error (error);
  k = g_bytes_get_data (rw_keyring_lookup (kr, 1), &len);
  h = g_hmac_new (G_CHECKSUM_SHA256, k, len);
  g_hmac_update (h, (const guchar *) text, -1);
  return g_strdup (g_hmac_get_string (h));
}

static gboolean
file_get (const char *path, char **data, gsize *len)
{
  return g_file_get_contents (path, data, len, NULL);
}

static void
assert_no_side_files (const char *path)
{
  static const char *suffixes[] = { "-wal", "-shm", "-journal" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);
      if (g_file_test (p, G_FILE_TEST_EXISTS))
        g_error ("%s was created", p);
    }
}

/* ---- canonical JSON ---- */

static void
test_canonical_key_order (void)
{
  g_autoptr(JsonNode) a = parse_json ("{\"b\": 1, \"a\": {\"d\": [1, 2.5, {\"z\": null, \"y\": true}], \"c\": \"x\"}}");
  g_autoptr(JsonNode) b = parse_json ("{\"a\": {\"c\": \"x\", \"d\": [1, 2.5, {\"y\": true, \"z\": null}]}, \"b\": 1}");
  g_autoptr(JsonNode) order = parse_json ("{\"\\u00e9\": 1, \"a\": 2, \"B\": 3, \"aa\": 4, \"\": 5}");
  g_autofree char *ca = rw_json_canonical (a);
  g_autofree char *cb = rw_json_canonical (b);
  g_autofree char *co = rw_json_canonical (order);
  g_autofree char *cnull = rw_json_canonical (NULL);

  g_assert_cmpstr (ca, ==, "{\"a\":{\"c\":\"x\",\"d\":[1,2.5,{\"y\":true,\"z\":null}]},\"b\":1}");
  g_assert_cmpstr (ca, ==, cb);
  /* byte order: "" < "B" < "a" < "aa" < "é" (0xC3 0xA9) */
  g_assert_cmpstr (co, ==, "{\"\":5,\"B\":3,\"a\":2,\"aa\":4,\"\xc3\xa9\":1}");
  g_assert_cmpstr (cnull, ==, "null");
}

static void
test_canonical_values (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "0.1", "0.1" },
    { "2.0", "2.0" },
    { "-0.0", "-0.0" },
    { "1e300", "1e+300" },
    { "0.348", "0.348" },
    { "-9223372036854775808", "-9223372036854775808" },
    { "9223372036854775807", "9223372036854775807" },
    { "[]", "[]" },
    { "{}", "{}" },
    { "[ 1 , [ ] , { } ]", "[1,[],{}]" },
    { "\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f\\/\\u00e9\"", "\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f/\xc3\xa9\"" },
    { "\"\\b\\f\"", "\"\\u0008\\u000c\"" },
    { "true", "true" },
    { "null", "null" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) n = parse_json (cases[i].in);
      g_autofree char *c = rw_json_canonical (n);
      g_assert_cmpstr (c, ==, cases[i].out);
    }
  {
    /* JSON has no NaN or infinity */
    g_autoptr(JsonNode) nan = json_node_init_double (json_node_alloc (), NAN);
    g_autoptr(JsonNode) inf = json_node_init_double (json_node_alloc (), -INFINITY);
    g_autofree char *cn = rw_json_canonical (nan);
    g_autofree char *ci = rw_json_canonical (inf);
    g_assert_cmpstr (cn, ==, "null");
    g_assert_cmpstr (ci, ==, "null");
  }
}

/* Canonical text parses back to the same canonical text, for awkward values and random ones. */
static void
test_canonical_stable (void)
{
  for (int round = 0; round < 300; round++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL, again = NULL;
      g_autofree char *first = NULL, *second = NULL;
      json_builder_begin_object (b);
      for (int m = 0; m < 8; m++)
        {
          g_autofree char *key = g_strdup_printf ("k%c%d", 'a' + g_test_rand_int_range (0, 26), g_test_rand_int_range (0, 100));
          json_builder_set_member_name (b, key);
          switch (g_test_rand_int_range (0, 6))
            {
            case 0: json_builder_add_double_value (b, g_test_rand_double_range (-1e6, 1e6)); break;
            case 1: json_builder_add_double_value (b, g_test_rand_double_range (-1, 1) * pow (10, g_test_rand_int_range (-300, 300))); break;
            case 2: json_builder_add_int_value (b, (gint64) (((guint64) (guint32) g_test_rand_int () << 32) ^ (guint32) g_test_rand_int ())); break;
            case 3: json_builder_add_string_value (b, "tab\there \"q\" \\ \x01 \xe2\x82\xac"); break;
            case 4:
              json_builder_begin_array (b);
              json_builder_add_double_value (b, 1.0 / (1 + g_test_rand_int_range (1, 1000)));
              json_builder_add_boolean_value (b, round % 2);
              json_builder_add_null_value (b);
              json_builder_end_array (b);
              break;
            default:
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "z");
              json_builder_add_double_value (b, (double) g_test_rand_int_range (-5, 5));
              json_builder_set_member_name (b, "a");
              json_builder_add_string_value (b, "");
              json_builder_end_object (b);
              break;
            }
        }
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      first = rw_json_canonical (root);
      again = parse_json (first);
      second = rw_json_canonical (again);
      g_assert_cmpstr (first, ==, second);
    }
}

/* The store hashes exactly what rw-store.h documents. */
static void
test_hash_definition (Tmp *t, gconstpointer data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prev = g_strdup (RW_STORE_GENESIS_HASH);

  make_db (t->db, 12);
  {
    g_autoptr(RwStore) s = open_ok (t->db);
    events = rw_store_events (s, -1, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (events->len, ==, 12);
  for (guint i = 0; i < events->len; i++)
    {
      RwAuditEvent *e = events->pdata[i];
      g_autofree char *hash = keyed_hash_hex (e);
      g_autoptr(JsonNode) payload = parse_json (e->payload);
      g_autofree char *canonical_payload = rw_json_canonical (payload);
      g_assert_cmpint (e->seq, ==, i + 1);
      g_assert_cmpstr (e->prev_hash, ==, prev);
      g_assert_cmpstr (e->hash, ==, hash);
      g_assert_cmpstr (e->payload, ==, canonical_payload);
      g_assert_cmpuint (strlen (e->ts), ==, strlen ("2024-05-01T10:00:00.123456Z"));
      g_assert_true (g_str_has_suffix (e->ts, "Z"));
      g_free (prev);
      prev = g_strdup (e->hash);
    }
  {
    /* the members of the payload object were sorted: "z" comes last, "a" before "b" inside it */
    RwAuditEvent *e = events->pdata[0];
    g_assert_true (g_str_has_prefix (e->payload, "{\"detectors\":[\"ewma\",\"iforest\"],\"entity\":\"R1-ISPA\","));
    g_assert_true (g_str_has_suffix (e->payload, ",\"z\":{\"a\":[true,null,-0.5],\"b\":1}}"));
  }
}

/* ---- the chain ---- */

static void
test_chain_200 (Tmp *t, gconstpointer data)
{
  g_autoptr(RwStore) s = open_ok (t->db);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL, run_a = NULL, no_run = NULL, run_b = NULL;
  g_autofree char *head_hash = NULL;
  gint64 a, b, head = 0;

  a = rw_store_begin_run (s, "growth-and-cut.json", 1234, "supervised", &error);
  g_assert_no_error (error);
  b = rw_store_begin_run (s, "leak.json", 99, "autonomous", &error);
  g_assert_no_error (error);
  g_assert_cmpint (a, ==, 1);
  g_assert_cmpint (b, ==, 2);
  append_events (s, 200, a, b);
  g_assert_true (rw_store_verify_chain (s, NULL, NULL, &error));
  g_assert_no_error (error);

  all = rw_store_events (s, -1, &error);
  run_a = rw_store_events (s, a, &error);
  no_run = rw_store_events (s, 0, &error);
  run_b = rw_store_events (s, b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 200);
  g_assert_cmpuint (run_a->len + no_run->len + run_b->len, ==, 200);
  g_assert_cmpuint (run_a->len, ==, 66);
  g_assert_cmpint (((RwAuditEvent *) run_a->pdata[0])->run_id, ==, a);
  g_assert_cmpint (((RwAuditEvent *) no_run->pdata[0])->run_id, ==, 0);
  g_assert_cmpint (((RwAuditEvent *) run_b->pdata[0])->seq, ==, 134);
  g_assert_null (((RwAuditEvent *) all->pdata[2])->decision_tag);
  {
    /* following a run: only what came after the last event seen */
    g_autoptr(GPtrArray) later = rw_store_events_since (s, a, ((RwAuditEvent *) run_a->pdata[59])->seq, &error);
    g_autoptr(GPtrArray) none = rw_store_events_since (s, -1, 200, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (later->len, ==, 6);
    g_assert_cmpint (((RwAuditEvent *) later->pdata[0])->seq, ==, ((RwAuditEvent *) run_a->pdata[60])->seq);
    g_assert_cmpint (((RwAuditEvent *) later->pdata[0])->run_id, ==, a);
    g_assert_cmpuint (none->len, ==, 0);
  }
  {
    g_autoptr(RwAuditEvent) copy = rw_audit_event_copy (all->pdata[199]);
    g_assert_cmpint (copy->seq, ==, 200);
    g_assert_true (rw_store_head (s, &head, &head_hash, &error));
    g_assert_cmpint (head, ==, 200);
    g_assert_cmpstr (head_hash, ==, copy->hash);
  }
  g_clear_pointer (&s, rw_store_close);
  assert_intact (t->db, 200);

  /* a second connection on the same file continues the same chain */
  {
    g_autoptr(RwStore) s1 = open_ok (t->db);
    g_autoptr(RwStore) s2 = open_ok (t->db);
    for (int i = 0; i < 10; i++)
      {
        g_autoptr(JsonNode) p = event_payload (i);
        g_assert_true (rw_store_append (i % 2 ? s1 : s2, 0, "observe", "agent", NULL, p, NULL, &error));
        g_assert_no_error (error);
      }
  }
  assert_intact (t->db, 210);
}

static void
test_empty_log_verifies (Tmp *t, gconstpointer data)
{
  g_autoptr(RwStore) s = open_ok (t->db);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  gint64 head = -1;
  g_assert_true (rw_store_verify_chain (s, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (rw_store_head (s, &head, &hash, &error));
  g_assert_cmpint (head, ==, 0);
  g_assert_cmpstr (hash, ==, RW_STORE_GENESIS_HASH);
}

/* ---- tampering behind the store's back ---- */

static const char changed[] = "its payload, time, kind, actor, decision tag, run or prev_hash was changed, or its hash "
                               "was computed without the key";

static void
test_tamper_payload (Tmp *t, gconstpointer data)
{
  g_autofree char *want = g_strdup_printf ("event 17: hash does not match its content (%s)", changed);
  make_db (t->db, 40);
  raw_sql_ok (t->db, "DROP TRIGGER audit_no_update;"
                     "UPDATE audit SET payload = replace (payload, '\"tick\":16', '\"tick\":61') WHERE seq = 17");
  assert_broken (t->db, 17, want);
}

static void
test_tamper_other_fields (Tmp *t, gconstpointer data)
{
  static const struct { const char *sql; gint64 seq; } cases[] = {
    { "UPDATE audit SET kind = 'learn' WHERE seq = 5", 5 },
    { "UPDATE audit SET actor = 'agent' WHERE seq = 6", 6 }, /* it was the operator */
    { "UPDATE audit SET decision_tag = 'OPERATOR' WHERE seq = 7", 7 },
    { "UPDATE audit SET decision_tag = NULL WHERE seq = 8", 8 },
    { "UPDATE audit SET run_id = 2 WHERE seq = 9", 9 },
    { "UPDATE audit SET run_id = NULL WHERE seq = 10", 10 },
    /* same meaning, other bytes: the stored payload must stay canonical */
    { "UPDATE audit SET payload = replace (payload, ',', ', ') WHERE seq = 11", 11 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *want = g_strdup_printf ("event %" G_GINT64_FORMAT ": hash does not match its content (%s)",
                                               cases[i].seq, changed);
      g_autofree char *sql = g_strconcat ("DROP TRIGGER IF EXISTS audit_no_update;", cases[i].sql, NULL);
      g_unlink (t->db);
      make_db (t->db, 30);
      raw_sql_ok (t->db, sql);
      assert_broken (t->db, cases[i].seq, want);
    }
}

static void
test_tamper_hash (Tmp *t, gconstpointer data)
{
  make_db (t->db, 30);
  raw_sql_ok (t->db, "DROP TRIGGER audit_no_update;"
                     "UPDATE audit SET hash = '" RW_STORE_GENESIS_HASH "' WHERE seq = 17");
  assert_broken (t->db, 17, "event 17: hash does not match its content (the stored hash was changed)");

  /* the newest event: told apart through the head recorded in meta */
  g_unlink (t->db);
  make_db (t->db, 30);
  raw_sql_ok (t->db, "DROP TRIGGER audit_no_update;"
                     "UPDATE audit SET hash = '" RW_STORE_GENESIS_HASH "' WHERE seq = 30");
  assert_broken (t->db, 30, "event 30: hash does not match its content (the stored hash was changed)");
}

/* Changing a payload and recomputing that event's hash without the key (the unkeyed chain let
 * this move the break to the next link, where it could be recomputed too) is found at once. */
static void
test_tamper_rehashed (Tmp *t, gconstpointer data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *envelope = NULL, *hash = NULL, *sql = NULL;
  RwAuditEvent *e;

  make_db (t->db, 30);
  {
    g_autoptr(RwStore) s = open_ok (t->db);
    events = rw_store_events (s, -1, &error);
    g_assert_no_error (error);
  }
  e = events->pdata[16];
  g_free (e->payload);
  e->payload = g_strdup ("{\"forged\":true}");
  envelope = documented_envelope (e);
  hash = sha256_hex (e->prev_hash, envelope);
  sql = g_strdup_printf ("DROP TRIGGER audit_no_update;"
                         "UPDATE audit SET payload = '{\"forged\":true}', hash = '%s' WHERE seq = 17", hash);
  raw_sql_ok (t->db, sql);
  /* the unkeyed recomputation that passed before: the keyed hash tells it apart */
  {
    g_autofree char *want = g_strdup_printf ("event 17: hash does not match its content (%s)", changed);
    assert_broken (t->db, 17, want);
  }
}

static void
test_tamper_prev_hash (Tmp *t, gconstpointer data)
{
  make_db (t->db, 30);
  raw_sql_ok (t->db, "DROP TRIGGER audit_no_update;"
                     "UPDATE audit SET prev_hash = (SELECT hash FROM audit WHERE seq = 3) WHERE seq = 18");
  assert_broken (t->db, 18, "event 18: prev_hash does not match event 17");

  g_unlink (t->db);
  make_db (t->db, 30);
  raw_sql_ok (t->db, "DROP TRIGGER audit_no_update;"
                     "UPDATE audit SET prev_hash = replace (prev_hash, '0', '1') WHERE seq = 1");
  assert_broken (t->db, 1, "event 1: prev_hash is not the genesis value (64 zeros)");
}

static void
test_tamper_delete (Tmp *t, gconstpointer data)
{
  static const struct { const char *where; gint64 seq; const char *why; } cases[] = {
    { "seq = 9", 9, "event 9 is missing (seq jumps from 8 to 10)" },
    { "seq BETWEEN 9 AND 11", 9, "events 9 to 11 are missing (seq jumps from 8 to 12)" },
    { "seq = 1", 1, "event 1 is missing (the log starts at event 2)" },
    { "seq <= 3", 1, "events 1 to 3 are missing (the log starts at event 4)" },
    { "seq = 30", 30, "event 30 is missing from the end of the log (it recorded 30 events)" },
    { "seq > 27", 28, "events 28 to 30 are missing from the end of the log (it recorded 30 events)" },
    { "1", 1, "events 1 to 30 are missing from the end of the log (it recorded 30 events)" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE %s", cases[i].where);
      g_unlink (t->db);
      make_db (t->db, 30);
      raw_sql_ok (t->db, sql);
      assert_broken (t->db, cases[i].seq, cases[i].why);
    }
}

/* Deleting the newest event and appending a forged one in its place, with a correct hash. */
static void
test_tamper_replace_last (Tmp *t, gconstpointer data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *envelope = NULL, *hash = NULL, *sql = NULL;
  RwAuditEvent *e;

  make_db (t->db, 20);
  {
    g_autoptr(RwStore) s = open_ok (t->db);
    events = rw_store_events (s, -1, &error);
    g_assert_no_error (error);
  }
  e = events->pdata[19];
  g_free (e->payload);
  e->payload = g_strdup ("{\"forged\":true}");
  envelope = documented_envelope (e);
  hash = sha256_hex (e->prev_hash, envelope);
  sql = g_strdup_printf ("DROP TRIGGER audit_no_delete; DROP TRIGGER audit_no_update; DELETE FROM audit WHERE seq = 20;"
                         "INSERT INTO audit (seq, ts, run_id, kind, actor, decision_tag, payload, prev_hash, hash) "
                         "VALUES (20, '%s', %s, '%s', '%s', %s%s%s, '{\"forged\":true}', '%s', '%s')",
                         e->ts, e->run_id > 0 ? "2" : "NULL", e->kind, e->actor,
                         e->decision_tag ? "'" : "", e->decision_tag ? e->decision_tag : "NULL",
                         e->decision_tag ? "'" : "", e->prev_hash, hash);
  raw_sql_ok (t->db, sql);
  {
    g_autofree char *want = g_strdup_printf ("event 20: hash does not match its content (%s)", changed);
    assert_broken (t->db, 20, want);
  }
}

/* ---- the triggers ---- */

static void
assert_sql_aborts (const char *path, const char *sql, const char *want)
{
  g_autofree char *msg = NULL;
  int rc = raw_sql (path, sql, &msg);
  g_assert_cmpint (rc, ==, SQLITE_CONSTRAINT);
  g_assert_cmpstr (msg, ==, want);
}

static void
test_triggers (Tmp *t, gconstpointer data)
{
  static const char no_change[] = "the audit log is append-only: events cannot be changed";
  static const char no_delete[] = "the audit log is append-only: events cannot be deleted";
  make_db (t->db, 10);
  assert_sql_aborts (t->db, "UPDATE audit SET payload = '{}' WHERE seq = 3", no_change);
  assert_sql_aborts (t->db, "UPDATE audit SET ts = 'yesterday'", no_change);
  assert_sql_aborts (t->db, "DELETE FROM audit WHERE seq = 3", no_delete);
  assert_sql_aborts (t->db, "DELETE FROM audit", no_delete);
  /* a run that has events cannot go either */
  {
    g_autofree char *msg = NULL;
    g_assert_cmpint (raw_sql (t->db, "PRAGMA foreign_keys = ON; DELETE FROM runs WHERE id = 1", &msg), ==, SQLITE_CONSTRAINT);
  }
  assert_intact (t->db, 10);

  /* opening read-write puts removed triggers back */
  raw_sql_ok (t->db, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete");
  rw_store_close (open_ok (t->db));
  assert_sql_aborts (t->db, "UPDATE audit SET payload = '{}' WHERE seq = 3", no_change);
  assert_sql_aborts (t->db, "DELETE FROM audit WHERE seq = 3", no_delete);
}

/* ---- runs, learning, scenario results ---- */

static void
test_runs (Tmp *t, gconstpointer data)
{
  g_autoptr(RwStore) s = open_ok (t->db);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = parse_json ("{\"sla_ok\": true, \"actions\": 3, \"max_util\": 0.82}");
  g_autoptr(GPtrArray) events = NULL;
  gint64 run = rw_store_begin_run (s, "scenarios/fibre-cut.json", 4000000000u, "shadow", &error);
  gboolean exists = FALSE;
  gint64 head = 0;

  g_assert_no_error (error);
  g_assert_cmpint (run, ==, 1);
  g_assert_true (rw_store_run_exists (s, run, &exists, &error) && exists);
  g_assert_true (rw_store_run_exists (s, 5, &exists, &error) && !exists);
  g_assert_true (rw_store_end_run (s, run, result, &error));
  g_assert_no_error (error);

  g_assert_false (rw_store_end_run (s, run, NULL, &error));
  g_assert_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID);
  g_assert_true (strstr (error->message, t->db) && strstr (error->message, "ending run 1: the run has already ended"));
  g_clear_error (&error);
  g_assert_false (rw_store_end_run (s, 99, NULL, &error));
  g_assert_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID);
  g_assert_true (g_str_has_suffix (error->message, "ending run 99: there is no run 99"));
  g_clear_error (&error);

  /* an event for an unknown run is refused and leaves the chain as it was */
  g_assert_false (rw_store_append (s, 42, "observe", "agent", NULL, NULL, NULL, &error));
  g_assert_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID);
  g_assert_true (g_str_has_suffix (error->message, "appending an audit event: there is no run 42"));
  g_clear_error (&error);
  g_assert_true (rw_store_append (s, run, "observe", "agent", NULL, NULL, NULL, &error));
  g_assert_true (rw_store_head (s, &head, NULL, &error));
  g_assert_cmpint (head, ==, 1);
  events = rw_store_events (s, run, &error);
  g_assert_cmpstr (((RwAuditEvent *) events->pdata[0])->payload, ==, "null");

  g_assert_true (rw_store_add_scenario_result (s, run, "fibre-cut", "scenarios/fibre-cut.json", result, &error));
  g_assert_true (rw_store_add_scenario_result (s, run, "minimal", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (rw_store_add_scenario_result (s, 7, "fibre-cut", NULL, result, &error));
  g_assert_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID);
  g_assert_true (g_str_has_suffix (error->message, "recording the result of scenario fibre-cut: there is no run 7"));
  g_clear_error (&error);
  g_clear_pointer (&s, rw_store_close);

  {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    g_assert_cmpint (sqlite3_open_v2 (t->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT scenario, seed, mode, result, finished IS NOT NULL, "
                                             "(SELECT count(*) FROM scenario_results) FROM runs", -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (st, 0), ==, "scenarios/fibre-cut.json");
    g_assert_cmpint (sqlite3_column_int64 (st, 1), ==, 4000000000);
    g_assert_cmpstr ((const char *) sqlite3_column_text (st, 2), ==, "shadow");
    g_assert_cmpstr ((const char *) sqlite3_column_text (st, 3), ==, "{\"actions\":3,\"max_util\":0.82,\"sla_ok\":true}");
    g_assert_cmpint (sqlite3_column_int (st, 4), ==, 1);
    g_assert_cmpint (sqlite3_column_int (st, 5), ==, 2);
    sqlite3_finalize (st);
    sqlite3_close (db);
  }
}

static void
test_learning (Tmp *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint n = 99;
  double mean = 99;
  {
    g_autoptr(RwStore) s = open_ok (t->db);
    g_assert_true (rw_store_learning_get (s, "congestion-growth", "local-pref", &n, &mean, &error));
    g_assert_cmpuint (n, ==, 0);
    g_assert_cmpfloat (mean, ==, 0.0);
    g_assert_true (rw_store_learning_record (s, "congestion-growth", "local-pref", 1.0, &error));
    g_assert_true (rw_store_learning_record (s, "congestion-growth", "local-pref", 0.5, &error));
    g_assert_true (rw_store_learning_record (s, "congestion-growth", "prepend", -1.0, &error));
    g_assert_no_error (error);
    g_assert_false (rw_store_learning_record (s, "congestion-growth", "local-pref", NAN, &error));
    g_assert_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID);
    g_assert_true (strstr (error->message, t->db) && strstr (error->message, "not a finite number"));
    g_clear_error (&error);
  }
  {
    /* across reopening, as across runs */
    g_autoptr(RwStore) s = open_ok (t->db);
    g_assert_true (rw_store_learning_record (s, "congestion-growth", "local-pref", -0.25, &error));
    g_assert_true (rw_store_learning_get (s, "congestion-growth", "local-pref", &n, &mean, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 3);
    g_assert_cmpfloat_with_epsilon (mean, 1.25 / 3, 1e-12);
    g_assert_true (rw_store_learning_get (s, "congestion-growth", "prepend", &n, &mean, &error));
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpfloat (mean, ==, -1.0);
    g_assert_true (rw_store_learning_get (s, "route-leak", "prepend", &n, NULL, &error));
    g_assert_cmpuint (n, ==, 0);
    {
      g_autoptr(GPtrArray) rows = rw_store_learning_list (s, &error);
      RwLearningRow *r0, *r1;
      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, ==, 2);
      r0 = rows->pdata[0], r1 = rows->pdata[1];
      g_assert_cmpstr (r0->action_kind, ==, "local-pref");
      g_assert_cmpuint (r0->n, ==, 3);
      g_assert_cmpfloat_with_epsilon (r0->mean, 1.25 / 3, 1e-12);
      g_assert_cmpstr (r1->action_kind, ==, "prepend");
      g_assert_cmpfloat (r1->mean, ==, -1.0);
    }
  }
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    g_assert_cmpint (sqlite3_open_v2 (t->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT n, reward_sum, reward_sq_sum FROM learning "
                                             "WHERE action_kind = 'local-pref'", -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (st, 0), ==, 3);
    g_assert_cmpfloat (sqlite3_column_double (st, 1), ==, 1.25);
    g_assert_cmpfloat (sqlite3_column_double (st, 2), ==, 1.3125);
    sqlite3_finalize (st);
    sqlite3_close (db);
  }
}

/* ---- crashes and concurrent writers ---- */

/* `test-store --writer DB COUNT`: appends COUNT events (0: until killed), printing each seq
 * once it is committed. */
static int
writer_main (const char *path, const char *count_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwStore) s = rw_store_open (path, &error);
  guint64 count = g_ascii_strtoull (count_text, NULL, 10);
  if (s == NULL)
    {
      fprintf (stderr, "writer: %s\n", error->message);
      return 3;
    }
  for (guint64 i = 0; count == 0 || i < count; i++)
    {
      g_autoptr(JsonNode) payload = event_payload ((gint64) i);
      gint64 seq;
      if (!rw_store_append (s, 0, "observe", "writer", "DETERMINISTIC", payload, &seq, &error))
        {
          fprintf (stderr, "writer: %s\n", error->message);
          return 3;
        }
      printf ("%" G_GINT64_FORMAT "\n", seq);
      fflush (stdout);
    }
  return 0;
}

static GPid
spawn_writer (const char *db, const char *count, int *out_fd)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", &error);
  const char *argv[] = { self, "--writer", db, count, NULL };
  GPid pid;
  g_assert_no_error (error);
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                           NULL, out_fd, NULL, &error));
  g_assert_no_error (error);
  return pid;
}

static void
test_sigkill_while_appending (Tmp *t, gconstpointer data)
{
  gint64 acknowledged = 0;

  for (int round = 0; round < 6; round++)
    {
      int fd, status;
      GPid pid = spawn_writer (t->db, "0", &fd);
      FILE *out = fdopen (fd, "r");
      char line[64];
      int wanted = g_test_rand_int_range (5, 40);
      g_autoptr(GError) error = NULL;
      g_autoptr(RwStore) s = NULL;
      gint64 head = 0;

      for (int got = 0; got < wanted; got++)
        {
          if (fgets (line, sizeof line, out) == NULL)
            g_error ("the writer stopped before it was killed");
          acknowledged = MAX (acknowledged, g_ascii_strtoll (line, NULL, 10));
        }
      /* somewhere inside the next append: preparing, hashing, inserting or committing */
      g_usleep (g_test_rand_int_range (0, 3000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
      /* everything it reported before dying is there */
      while (fgets (line, sizeof line, out))
        acknowledged = MAX (acknowledged, g_ascii_strtoll (line, NULL, 10));
      fclose (out);

      /* as `audit verify` would see it straight after the crash, then as the next run opens it */
      assert_intact (t->db, -1);
      s = rw_store_open (t->db, &error);
      g_assert_no_error (error);
      g_assert_true (rw_store_head (s, &head, NULL, &error));
      g_assert_cmpint (head, >=, acknowledged);
      g_assert_cmpint (head, <=, acknowledged + 1);
      g_test_message ("round %d: killed after %" G_GINT64_FORMAT " acknowledged events, %" G_GINT64_FORMAT " stored",
                      round, acknowledged, head);
      g_clear_pointer (&s, rw_store_close);
      assert_intact (t->db, head);
    }
}

static void
test_two_writer_processes (Tmp *t, gconstpointer data)
{
  GPid pids[3];
  int fds[3];
  /* the file does not exist yet: the writers also race to create it and its schema */
  for (int i = 0; i < 3; i++)
    pids[i] = spawn_writer (t->db, "60", &fds[i]);
  for (int i = 0; i < 3; i++)
    {
      FILE *out = fdopen (fds[i], "r");
      char line[64];
      int lines = 0, status;
      while (fgets (line, sizeof line, out))
        lines++;
      fclose (out);
      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_spawn_close_pid (pids[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
      g_assert_cmpint (lines, ==, 60);
    }
  assert_intact (t->db, 180);
}

/* ---- files that are not Routewise databases ---- */

static void
assert_refused (const char *path, gboolean read_only, RwStoreError code, const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwStore) s = read_only ? rw_store_open_readonly (path, &error) : rw_store_open (path, &error);
  g_assert_null (s);
  g_assert_error (error, RW_STORE_ERROR, (gint) code);
  if (!g_str_has_prefix (error->message, path) || strstr (error->message, words) == NULL)
    g_error ("message '%s' should start with the file name and say '%s'", error->message, words);
}

static void
assert_refused_unchanged (const char *path, RwStoreError code, const char *words)
{
  g_autofree char *before = NULL, *after = NULL;
  gsize len_before, len_after;
  g_assert_true (file_get (path, &before, &len_before));
  for (int ro = 0; ro < 2; ro++)
    assert_refused (path, ro, code, words);
  g_assert_true (file_get (path, &after, &len_after));
  g_assert_cmpmem (before, len_before, after, len_after);
  assert_no_side_files (path);
}

static void
test_open_not_a_database (Tmp *t, gconstpointer data)
{
  GString *text = g_string_new (NULL);
  for (int i = 0; i < 400; i++)
    g_string_append_printf (text, "line %d of a topology that is not a database\n", i);
  g_assert_true (g_file_set_contents (t->db, text->str, (gssize) text->len, NULL));
  g_string_free (text, TRUE);
  assert_refused_unchanged (t->db, RW_STORE_ERROR_NOT_A_DATABASE, "not a Routewise database (not an SQLite file");
}

static void
make_foreign (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_open_foreign_sqlite (Tmp *t, gconstpointer data)
{
  make_foreign (t->db, "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ana')");
  assert_refused_unchanged (t->db, RW_STORE_ERROR_NOT_A_DATABASE, "without Routewise's meta table");
  g_unlink (t->db);
  make_foreign (t->db, "CREATE TABLE meta (a, b); INSERT INTO meta VALUES (1, 2)");
  assert_refused_unchanged (t->db, RW_STORE_ERROR_NOT_A_DATABASE, "whose meta table is not Routewise's");
  g_unlink (t->db);
  make_foreign (t->db, "CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('format', 'firefox')");
  assert_refused_unchanged (t->db, RW_STORE_ERROR_NOT_A_DATABASE, "has no format 'routewise'");
}

static void
test_open_newer (Tmp *t, gconstpointer data)
{
  make_db (t->db, 3);
  raw_sql_ok (t->db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  assert_refused_unchanged (t->db, RW_STORE_ERROR_VERSION, "newer Routewise (schema version 99, this version reads up to 4)");
}

static void
test_open_damaged (Tmp *t, gconstpointer data)
{
  g_autofree char *bytes = NULL;
  gsize len;
  make_db (t->db, 50);
  assert_no_side_files (t->db); /* the last close checkpointed the WAL into the file */
  g_assert_true (file_get (t->db, &bytes, &len));
  /* the b-tree header of page 1, which holds the schema */
  memset (bytes + 100, 0xff, 12);
  g_assert_true (g_file_set_contents (t->db, bytes, (gssize) len, NULL));
  assert_refused (t->db, TRUE, RW_STORE_ERROR_CORRUPT, "the database file is damaged");
  assert_refused (t->db, FALSE, RW_STORE_ERROR_CORRUPT, "the database file is damaged");

  /* a damaged header is no SQLite file at all */
  memset (bytes, 'x', 16);
  g_assert_true (g_file_set_contents (t->db, bytes, (gssize) len, NULL));
  assert_refused_unchanged (t->db, RW_STORE_ERROR_NOT_A_DATABASE, "not a Routewise database");
}

/* Damage inside the audit table: the file opens, SQLite's check and the chain walk both say so. */
static void
test_damaged_audit_page (Tmp *t, gconstpointer data)
{
  g_autofree char *bytes = NULL, *problem = NULL, *why = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RwStore) s = NULL;
  gsize len;
  gint64 root = 0, page_size = 0;

  make_db (t->db, 80);
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    g_assert_cmpint (sqlite3_open_v2 (t->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_schema "
                                             "WHERE name = 'audit'", -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
    root = sqlite3_column_int64 (st, 0);
    page_size = sqlite3_column_int64 (st, 1);
    sqlite3_finalize (st);
    sqlite3_close (db);
  }
  g_assert_true (file_get (t->db, &bytes, &len));
  g_assert_cmpint ((root - 1) * page_size + 5, <, (gint64) len);
  /* an impossible cell count in the b-tree page header */
  bytes[(root - 1) * page_size + 3] = 0x7f;
  bytes[(root - 1) * page_size + 4] = 0x7f;
  g_assert_true (g_file_set_contents (t->db, bytes, (gssize) len, NULL));

  s = rw_store_open_readonly (t->db, &error);
  g_assert_no_error (error);
  g_assert_false (rw_store_check_integrity (s, &problem, &error));
  g_assert_no_error (error);
  g_assert_nonnull (problem);
  g_assert_null (strchr (problem, '\n'));
  g_assert_false (rw_store_verify_chain (s, NULL, &why, &error));
  g_assert_error (error, RW_STORE_ERROR, RW_STORE_ERROR_CORRUPT);
  g_assert_true (g_str_has_prefix (error->message, t->db));
  g_assert_true (strstr (error->message, "the database file is damaged (verifying the audit chain:"));
  g_assert_null (why);
}

static void
test_open_missing_read_only (Tmp *t, gconstpointer data)
{
  g_autofree char *empty = g_build_filename (t->dir, "empty.db", NULL);
  assert_refused (t->db, TRUE, RW_STORE_ERROR_NOT_FOUND, "no such database file");
  g_assert_false (g_file_test (t->db, G_FILE_TEST_EXISTS));
  assert_no_side_files (t->db);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  assert_refused (empty, TRUE, RW_STORE_ERROR_NOT_A_DATABASE, "an empty file");
  assert_refused (t->dir, FALSE, RW_STORE_ERROR_IO, "is a directory");
  /* read-write opens create a missing file, or fill an empty one */
  rw_store_close (open_ok (empty));
  assert_intact (empty, 0);
}

static void
test_read_only_refuses_writes (Tmp *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwStore) s = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize len_before, len_after;

  make_db (t->db, 5);
  g_assert_true (file_get (t->db, &before, &len_before));
  s = rw_store_open_readonly (t->db, &error);
  g_assert_no_error (error);
  g_assert_false (rw_store_append (s, 0, "observe", "agent", NULL, NULL, NULL, &error));
  g_assert_error (error, RW_STORE_ERROR, RW_STORE_ERROR_READ_ONLY);
  g_assert_true (g_str_has_prefix (error->message, t->db));
  g_clear_error (&error);
  g_assert_cmpint (rw_store_begin_run (s, NULL, 1, "shadow", &error), ==, -1);
  g_assert_error (error, RW_STORE_ERROR, RW_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (rw_store_learning_record (s, "a", "b", 1, &error));
  g_assert_error (error, RW_STORE_ERROR, RW_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_true (rw_store_verify_chain (s, NULL, NULL, &error));
  g_clear_pointer (&s, rw_store_close);
  g_assert_true (file_get (t->db, &after, &len_after));
  g_assert_cmpmem (before, len_before, after, len_after);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (path, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        remove_tree (p);
      else
        g_unlink (p);
    }
  g_rmdir (path);
}

/* ---- the keyed chain, checkpoints and safety state (issue 15): each attack that "verified" ---- */

/* seq -> hash, as stored */
static char *
stored_hash (const char *path, gint64 seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwStore) s = rw_store_open_readonly (path, &error);
  g_autoptr(GPtrArray) events = NULL;
  g_assert_no_error (error);
  events = rw_store_events (s, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seq, <=, events->len);
  return g_strdup (((RwAuditEvent *) events->pdata[seq - 1])->hash);
}

/* Cut the tail and make meta's head match: only the signed checkpoint outside the file can tell. */
static void
test_attack_cut_tail (Tmp *t, gconstpointer data)
{
  g_autofree char *h40 = NULL, *sql = NULL;
  make_db (t->db, 59);
  h40 = stored_hash (t->db, 40);
  sql = g_strdup_printf ("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > 40;"
                         "UPDATE meta SET value = '40' WHERE key = 'audit_head_seq';"
                         "UPDATE meta SET value = '%s' WHERE key = 'audit_head_hash'", h40);
  raw_sql_ok (t->db, sql);
  assert_broken (t->db, 41, "events 41–59 are missing: the signed checkpoint records 59 events (the end of the log "
                            "was cut, or committed events were lost with the WAL file)");
}

/* Recompute the whole chain after rewriting payloads, the way the unkeyed chain allowed. */
static void
test_attack_recompute_chain (Tmp *t, gconstpointer data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) sql = g_string_new ("DROP TRIGGER audit_no_update;");
  g_autofree char *prev = NULL, *want = NULL;

  make_db (t->db, 30);
  {
    g_autoptr(RwStore) s = open_ok (t->db);
    events = rw_store_events (s, -1, &error);
    g_assert_no_error (error);
  }
  prev = g_strdup (((RwAuditEvent *) events->pdata[9])->prev_hash);
  for (guint i = 9; i < events->len; i++)
    {
      RwAuditEvent *e = events->pdata[i];
      g_autofree char *envelope = NULL;
      g_free (e->payload);
      e->payload = g_strdup ("{\"forged\":true}");
      g_free (e->prev_hash);
      e->prev_hash = g_strdup (prev);
      envelope = documented_keyed_envelope (e);
      g_free (prev);
      prev = sha256_hex (e->prev_hash, envelope); /* every column, but no key */
      g_string_append_printf (sql, "UPDATE audit SET payload = '{\"forged\":true}', prev_hash = '%s', hash = '%s' "
                              "WHERE seq = %" G_GINT64_FORMAT ";", e->prev_hash, prev, e->seq);
    }
  g_string_append_printf (sql, "UPDATE meta SET value = '%s' WHERE key = 'audit_head_hash';", prev);
  raw_sql_ok (t->db, sql->str);
  want = g_strdup_printf ("event 10: hash does not match its content (%s)", changed);
  assert_broken (t->db, 10, want);
}

/* Append forged events after the head, with a well-formed unkeyed link. */
static void
test_attack_append_forged (Tmp *t, gconstpointer data)
{
  g_autofree char *h30 = NULL, *hash = NULL, *sql = NULL, *want = NULL;
  RwAuditEvent e = { .seq = 31, .ts = (char *) "2026-12-01T10:00:00.000000Z", .kind = (char *) "act",
                     .actor = (char *) "operator", .decision_tag = (char *) "OPERATOR",
                     .payload = (char *) "{\"change\":\"shutdown:R1:ISP-A\"}" };
  make_db (t->db, 30);
  h30 = stored_hash (t->db, 30);
  e.prev_hash = h30;
  {
    g_autofree char *envelope = documented_keyed_envelope (&e);
    hash = sha256_hex (h30, envelope);
  }
  sql = g_strdup_printf ("INSERT INTO audit (seq, ts, run_id, kind, actor, decision_tag, payload, prev_hash, hash) "
                         "VALUES (31, '%s', NULL, 'act', 'operator', 'OPERATOR', '%s', '%s', '%s');"
                         "UPDATE meta SET value = '31' WHERE key = 'audit_head_seq';"
                         "UPDATE meta SET value = '%s' WHERE key = 'audit_head_hash'", e.ts, e.payload, h30, hash, hash);
  raw_sql_ok (t->db, sql);
  want = g_strdup_printf ("event 31: hash does not match its content (%s)", changed);
  assert_broken (t->db, 31, want);
}

static void
test_attack_edit_ts (Tmp *t, gconstpointer data)
{
  g_autofree char *want = g_strdup_printf ("event 12: hash does not match its content (%s)", changed);
  make_db (t->db, 20);
  raw_sql_ok (t->db, "DROP TRIGGER audit_no_update; UPDATE audit SET ts = '2020-01-01T00:00:00.000000Z' WHERE seq = 12");
  assert_broken (t->db, 12, want);
}

/* Text after a NUL byte: C readers stop there, so the old chain hashed only what came before. */
static void
test_attack_nul (Tmp *t, gconstpointer data)
{
  g_autofree char *msg = NULL;
  make_db (t->db, 20);
  raw_sql_ok (t->db, "DROP TRIGGER audit_no_update;"
                     "UPDATE audit SET payload = payload || char (0) || ' rm -rf /' WHERE seq = 7");
  assert_broken (t->db, 7, "event 7: its payload holds a NUL byte, with text hidden after it (it was written outside "
                           "Routewise)");
  /* at insert: the triggers refuse a NUL anywhere and a payload that is not JSON text */
  g_unlink (t->db);
  make_db (t->db, 3);
  g_assert_cmpint (raw_sql (t->db, "INSERT INTO audit (seq, ts, kind, actor, payload, prev_hash, hash) "
                                   "VALUES (4, 'x', 'observe', 'agent' || char (0) || 'x', '{}', 'p', 'h')", &msg),
                   ==, SQLITE_CONSTRAINT);
  g_assert_cmpstr (msg, ==, "the audit log refuses text with a NUL byte in it");
  g_clear_pointer (&msg, g_free);
  g_assert_cmpint (raw_sql (t->db, "INSERT INTO audit (seq, ts, kind, actor, payload, prev_hash, hash) "
                                   "VALUES (4, 'x', 'observe', 'agent', '{\"a\":', 'p', 'h')", &msg), ==, SQLITE_CONSTRAINT);
  g_assert_cmpstr (msg, ==, "the audit log refuses a payload that is not JSON text");
  g_clear_pointer (&msg, g_free);
  g_assert_cmpint (raw_sql (t->db, "INSERT INTO audit (seq, ts, kind, actor, payload, prev_hash, hash) "
                                   "VALUES (4, 'x', 'observe', 'agent', x'7b7d', 'p', 'h')", &msg), ==, SQLITE_CONSTRAINT);
  g_assert_cmpstr (msg, ==, "the audit log refuses a payload that is not JSON text");
  assert_intact (t->db, 3);
}

static gboolean
copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize len;
  return g_file_get_contents (from, &data, &len, NULL) && g_file_set_contents (to, data, (gssize) len, NULL);
}

/* Committed events still in the WAL file when it is lost: the checkpoint names them. */
static void
test_attack_lost_wal (Tmp *t, gconstpointer data)
{
  g_autofree char *copy = g_build_filename (t->dir, "copy.db", NULL);
  g_autoptr(RwStore) s = NULL;
  make_db (t->db, 40); /* closed: the first 40 are in the main file */
  s = open_ok (t->db);
  append_events (s, 19, 0, 0); /* 41–59: committed, in the WAL while the store is open */
  g_assert_true (copy_file (t->db, copy)); /* the file without its WAL */
  assert_broken (copy, 41, "events 41–59 are missing: the signed checkpoint records 59 events (the end of the log "
                           "was cut, or committed events were lost with the WAL file)");
  g_clear_pointer (&s, rw_store_close);
  assert_intact (t->db, 59);
}

/* A deleted or forged checkpoint is named too. */
static void
test_attack_checkpoint (Tmp *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL, *keys = rw_keyring_default_path (), *dir = g_path_get_dirname (keys);
  g_autofree char *file = NULL, *text = NULL, *forged = NULL, *why = NULL;
  make_db (t->db, 10);
  {
    sqlite3 *db;
    sqlite3_stmt *st;
    g_assert_cmpint (sqlite3_open_v2 (t->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'audit_db_id'", -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
    id = g_strdup ((const char *) sqlite3_column_text (st, 0));
    sqlite3_finalize (st);
    sqlite3_close (db);
  }
  file = g_strdup_printf ("%s/audit-checkpoints/%s.json", dir, id);
  g_assert_true (g_file_get_contents (file, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"seq\":10"));
  /* a lower seq with the old MAC */
  forged = g_strdup (text);
  *strstr (forged, "\"seq\":10") = '\0';
  {
    g_autofree char *edited = g_strconcat (forged, "\"seq\":9", strstr (text, "\"seq\":10") + 8, NULL);
    g_assert_true (g_file_set_contents (file, edited, -1, NULL));
  }
  why = g_strdup_printf ("the signed checkpoint %s does not verify with key version 1 (it is forged, or belongs to "
                         "another database)", file);
  assert_broken (t->db, 0, why);
  g_unlink (file);
  g_free (why);
  why = g_strdup_printf ("there is no signed checkpoint of this log (%s): it was deleted, or the key file is not the "
                         "one the log was written with", file);
  {
    g_autoptr(RwStore) s = rw_store_open_readonly (t->db, &error);
    g_autofree char *got = NULL;
    gint64 bad = -1;
    g_assert_no_error (error);
    g_assert_false (rw_store_verify_chain (s, &bad, &got, &error));
    g_assert_cmpstr (got, ==, why);
  }
}

/* 30 forged "agreed" rows in the shadow table made a shadow agent graduate. */
static void
test_attack_shadow_rows (Tmp *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint n = 99;
  double rate = -1;
  make_db (t->db, 5);
  {
    g_autoptr(RwStore) s = open_ok (t->db);
    for (int i = 0; i < 3; i++)
      g_assert_true (rw_store_shadow_record (s, 1, "T1", "local-pref:R1:ISP-B:150", i != 0, &error));
    g_assert_no_error (error);
    g_assert_true (rw_store_shadow_agreement (s, "T1", 30, &n, &rate, &error));
    g_assert_cmpuint (n, ==, 3);
    g_assert_cmpfloat_with_epsilon (rate, 2.0 / 3.0, 1e-9);
  }
  assert_intact (t->db, 8);
  {
    g_autoptr(GString) sql = g_string_new (NULL);
    for (int i = 0; i < 30; i++)
      g_string_append (sql, "INSERT INTO shadow (run_id, tier, proposal, agreed) VALUES (NULL, 'T1', 'x', 1);");
    raw_sql_ok (t->db, sql->str);
  }
  assert_broken (t->db, 0, "shadow verdict 4 is not in the audit chain (the row was added or changed outside Routewise)");
  {
    g_autoptr(RwStore) s = open_ok (t->db);
    g_assert_true (rw_store_shadow_agreement (s, "T1", 30, &n, &rate, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 0); /* a log that does not verify vouches for no verdict */
  }
  /* changing a real verdict is found the same way */
  raw_sql_ok (t->db, "DELETE FROM shadow WHERE id > 3; UPDATE shadow SET agreed = 1 WHERE id = 1");
  assert_broken (t->db, 0, "shadow verdict 1 is not in the audit chain (the row was added or changed outside Routewise)");
}

static void
test_attack_learning_rows (Tmp *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  make_db (t->db, 5);
  {
    g_autoptr(RwStore) s = open_ok (t->db);
    g_assert_true (rw_store_learning_record (s, "congestion", "local_pref", 0.8, &error));
    g_assert_true (rw_store_learning_record (s, "congestion", "local_pref", 0.1, &error));
    g_assert_no_error (error);
  }
  assert_intact (t->db, 7);
  raw_sql_ok (t->db, "UPDATE learning SET n = 40, reward_sum = 39.5");
  assert_broken (t->db, 0, "the learning statistics of congestion/local_pref differ from the rewards in the audit chain "
                           "(the table was changed outside Routewise)");
}

/* A database written before keying: verifies, says so, and is keyed from its next event. */
static void
test_migration_unkeyed (Tmp *t, gconstpointer data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) sql = g_string_new ("DROP TRIGGER audit_no_update;"
    "DELETE FROM meta WHERE key IN ('audit_key_version', 'audit_keyed_from', 'audit_db_id');"
    "UPDATE meta SET value = '3' WHERE key = 'schema_version'; DROP INDEX audit_kind;");
  g_autofree char *prev = g_strdup (RW_STORE_GENESIS_HASH), *note = NULL;

  /* the chain schema version 3 wrote: plain SHA-256 of prev_hash || envelope without seq and ts */
  make_db (t->db, 12);
  {
    g_autoptr(RwStore) s = open_ok (t->db);
    events = rw_store_events (s, -1, &error);
    g_assert_no_error (error);
  }
  for (guint i = 0; i < events->len; i++)
    {
      RwAuditEvent *e = events->pdata[i];
      g_autofree char *envelope = documented_envelope (e);
      g_autofree char *hash = sha256_hex (prev, envelope);
      g_string_append_printf (sql, "UPDATE audit SET prev_hash = '%s', hash = '%s' WHERE seq = %" G_GINT64_FORMAT ";",
                              prev, hash, e->seq);
      g_free (prev);
      prev = g_steal_pointer (&hash);
    }
  g_string_append_printf (sql, "UPDATE meta SET value = '%s' WHERE key = 'audit_head_hash';", prev);
  raw_sql_ok (t->db, sql->str);
  {
    g_autoptr(RwStore) s = rw_store_open_readonly (t->db, &error);
    g_assert_no_error (error);
    g_assert_true (rw_store_verify_chain (s, NULL, NULL, &error));
    g_assert_no_error (error);
    note = rw_store_keying_note (s, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (note, "the log predates keying: its hashes are plain SHA-256"));
  }
  /* read-write: keyed from event 13, "store.keyed", on */
  {
    g_autoptr(RwStore) s = open_ok (t->db);
    append_events (s, 5, 0, 0);
    g_clear_pointer (&note, g_free);
    note = rw_store_keying_note (s, &error);
    g_assert_cmpstr (note, ==, "events 1 to 12 predate keying: their hashes are plain SHA-256, which anyone who can "
                               "write the file can recompute; events from 13 on are keyed (key version 1)");
    g_clear_pointer (&events, g_ptr_array_unref);
    events = rw_store_events (s, -1, &error);
    g_assert_cmpstr (((RwAuditEvent *) events->pdata[12])->kind, ==, "store.keyed");
  }
  assert_intact (t->db, 18);
  /* and a keyed event cannot be passed off as an old one */
  raw_sql_ok (t->db, "DROP TRIGGER audit_no_update; UPDATE audit SET ts = '2020-01-01T00:00:00.000000Z' WHERE seq = 15");
  {
    g_autofree char *want = g_strdup_printf ("event 15: hash does not match its content (%s)", changed);
    assert_broken (t->db, 15, want);
  }
}

/* Verifying evidence never changes it: a copy with its WAL file stays byte for byte the same
 * (a read-write connection folded the WAL into the file on close), and nothing is created. */
static void
test_verify_read_only_copy (Tmp *t, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (t->dir, "evidence", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.db", NULL), *copy_wal = g_strconcat (copy, "-wal", NULL);
  g_autofree char *wal = g_strconcat (t->db, "-wal", NULL);
  g_autofree char *before = NULL, *before_wal = NULL, *after = NULL, *after_wal = NULL;
  gsize lb, lbw, la, law;
  g_autoptr(RwStore) s = NULL;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  make_db (t->db, 20);
  s = open_ok (t->db);
  append_events (s, 5, 0, 0);
  g_assert_true (copy_file (t->db, copy) && copy_file (wal, copy_wal));
  g_clear_pointer (&s, rw_store_close);
  g_assert_true (file_get (copy, &before, &lb) && file_get (copy_wal, &before_wal, &lbw));
  g_assert_cmpuint (lbw, >, 0);
  g_assert_cmpint (g_chmod (copy, 0444), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  assert_intact (copy, 25);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_true (file_get (copy, &after, &la) && file_get (copy_wal, &after_wal, &law));
  g_assert_cmpmem (before, lb, after, la);
  g_assert_cmpmem (before_wal, lbw, after_wal, law);
  /* without a WAL file nothing is created beside the database */
  g_unlink (copy_wal);
  {
    g_autofree char *shm = g_strconcat (copy, "-shm", NULL);
    g_unlink (shm);
  }
  assert_intact (t->db, 25);
  assert_no_side_files (t->db);
  remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_autofree char *conf = NULL;
  int status;

  if (argc == 4 && strcmp (argv[1], "--writer") == 0)
    return writer_main (argv[2], argv[3]);

  /* the chain's key file and checkpoints go to a configuration directory of the test's own
   * (the writer processes inherit it) */
  conf = g_dir_make_tmp ("rw-store-conf-XXXXXX", NULL);
  g_assert_nonnull (conf);
  g_setenv ("XDG_CONFIG_HOME", conf, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/canonical/key-order", test_canonical_key_order);
  g_test_add_func ("/store/canonical/values", test_canonical_values);
  g_test_add_func ("/store/canonical/stable", test_canonical_stable);
#define ADD(path, fn) g_test_add (path, Tmp, NULL, tmp_setup, fn, tmp_teardown)
  ADD ("/store/chain/hash-definition", test_hash_definition);
  ADD ("/store/chain/200-events", test_chain_200);
  ADD ("/store/chain/empty", test_empty_log_verifies);
  ADD ("/store/tamper/payload", test_tamper_payload);
  ADD ("/store/tamper/other-fields", test_tamper_other_fields);
  ADD ("/store/tamper/hash", test_tamper_hash);
  ADD ("/store/tamper/rehashed", test_tamper_rehashed);
  ADD ("/store/tamper/prev-hash", test_tamper_prev_hash);
  ADD ("/store/tamper/delete", test_tamper_delete);
  ADD ("/store/tamper/replace-last", test_tamper_replace_last);
  ADD ("/store/triggers", test_triggers);
  ADD ("/store/runs", test_runs);
  ADD ("/store/learning", test_learning);
  ADD ("/store/crash/sigkill-while-appending", test_sigkill_while_appending);
  ADD ("/store/crash/two-writer-processes", test_two_writer_processes);
  ADD ("/store/open/not-a-database", test_open_not_a_database);
  ADD ("/store/open/foreign-sqlite", test_open_foreign_sqlite);
  ADD ("/store/open/newer-schema", test_open_newer);
  ADD ("/store/open/damaged", test_open_damaged);
  ADD ("/store/open/damaged-audit-page", test_damaged_audit_page);
  ADD ("/store/open/missing-read-only", test_open_missing_read_only);
  ADD ("/store/open/read-only-refuses-writes", test_read_only_refuses_writes);
  ADD ("/store/attack/cut-tail", test_attack_cut_tail);
  ADD ("/store/attack/recompute-chain", test_attack_recompute_chain);
  ADD ("/store/attack/append-forged", test_attack_append_forged);
  ADD ("/store/attack/edit-ts", test_attack_edit_ts);
  ADD ("/store/attack/nul-byte", test_attack_nul);
  ADD ("/store/attack/lost-wal", test_attack_lost_wal);
  ADD ("/store/attack/checkpoint", test_attack_checkpoint);
  ADD ("/store/attack/shadow-rows", test_attack_shadow_rows);
  ADD ("/store/attack/learning-rows", test_attack_learning_rows);
  ADD ("/store/migration/unkeyed", test_migration_unkeyed);
  ADD ("/store/open/verify-read-only-copy", test_verify_read_only_copy);
#undef ADD
  status = g_test_run ();
  remove_tree (conf);
  return status;
}
