/* rw-store.c — the workspace database: opening and schema, runs, the audit chain, learning
 * statistics, scenario results.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-store-private.h"
#include "rw-canonical.h"
#include "rw-json-util.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (rw-store-error-quark, rw_store_error)

/* The database's meta.format; anything else is some other program's SQLite file. */
#define STORE_FORMAT "routewise"
/* PRAGMA application_id ("RWIS"), so file(1) and sqlite tools can tell the file apart. */
#define STORE_APPLICATION_ID 0x52574953

/* migrations[v] takes a database from schema version v to v + 1 (0 is an empty file). To change
 * the schema, append a step (e.g. CREATE TABLE tickets …, llm_runs …) and bump
 * RW_STORE_SCHEMA_VERSION; never edit a step that has shipped. */
static const char *const migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
  "CREATE TABLE runs ("
  "  id INTEGER PRIMARY KEY,"
  "  started TEXT NOT NULL,"
  "  finished TEXT,"
  "  scenario TEXT,"
  "  seed INTEGER NOT NULL,"
  "  mode TEXT NOT NULL,"
  "  result TEXT);"
  "CREATE TABLE audit ("
  "  seq INTEGER PRIMARY KEY,"
  "  ts TEXT NOT NULL,"
  "  run_id INTEGER REFERENCES runs (id),"
  "  kind TEXT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  decision_tag TEXT,"
  "  payload TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL);"
  "CREATE INDEX audit_run ON audit (run_id);"
  "CREATE TABLE learning ("
  "  hypothesis_kind TEXT NOT NULL,"
  "  action_kind TEXT NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  reward_sum REAL NOT NULL,"
  "  reward_sq_sum REAL NOT NULL,"
  "  PRIMARY KEY (hypothesis_kind, action_kind));"
  "CREATE TABLE scenario_results ("
  "  id INTEGER PRIMARY KEY,"
  "  run_id INTEGER NOT NULL REFERENCES runs (id),"
  "  name TEXT NOT NULL,"
  "  file TEXT,"
  "  result TEXT);"
  "CREATE INDEX scenario_results_run ON scenario_results (run_id);"
  "INSERT INTO meta (key, value) VALUES ('format', '" STORE_FORMAT "');",
  /* 1 -> 2: shadow-mode verdicts (the operator agreed with the agent's proposal or not) */
  "CREATE TABLE shadow ("
  "  id INTEGER PRIMARY KEY,"
  "  run_id INTEGER REFERENCES runs (id),"
  "  tier TEXT NOT NULL,"
  "  proposal TEXT NOT NULL,"
  "  agreed INTEGER NOT NULL);"
  "CREATE INDEX shadow_tier ON shadow (tier, id);",
  /* 2 -> 3: incident intake (rw-store-intake.h): tickets and their updates, LLM planner runs,
   * and the runbook full-text index (FTS5, Porter stemming so "flapping" finds "flap") */
  "CREATE TABLE tickets ("
  "  id INTEGER PRIMARY KEY,"
  "  created TEXT NOT NULL,"
  "  updated TEXT NOT NULL,"
  "  incident TEXT NOT NULL,"
  "  runbook TEXT,"
  "  severity TEXT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  reason TEXT,"
  "  plan TEXT);"
  "CREATE TABLE ticket_updates ("
  "  id INTEGER PRIMARY KEY,"
  "  ticket_id INTEGER NOT NULL REFERENCES tickets (id),"
  "  ts TEXT NOT NULL,"
  "  task_id TEXT,"
  "  status TEXT NOT NULL,"
  "  detail TEXT);"
  "CREATE INDEX ticket_updates_ticket ON ticket_updates (ticket_id, id);"
  "CREATE TABLE llm_runs ("
  "  id INTEGER PRIMARY KEY,"
  "  ts TEXT NOT NULL,"
  "  endpoint TEXT NOT NULL,"
  "  model TEXT NOT NULL,"
  "  prompt TEXT NOT NULL,"
  "  prompt_sha256 TEXT NOT NULL,"
  "  response TEXT,"
  "  response_sha256 TEXT,"
  "  decision_tag TEXT NOT NULL,"
  "  outcome TEXT NOT NULL);"
  "CREATE VIRTUAL TABLE runbooks USING fts5 ("
  "  id UNINDEXED, title, symptoms, keywords, steps, tokenize = 'porter unicode61');",
};
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == RW_STORE_SCHEMA_VERSION);

/* The audit table is append-only. A read-write open puts these back if someone removed them;
 * the chain, not the triggers, is what proves the log intact. */
static const char audit_triggers[] =
  "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
  "BEGIN SELECT RAISE (ABORT, 'the audit log is append-only: events cannot be changed'); END;"
  "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
  "BEGIN SELECT RAISE (ABORT, 'the audit log is append-only: events cannot be deleted'); END;";

/* ---- errors and helpers shared with the other files of src/store ---- */

static RwStoreError
error_code (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return RW_STORE_ERROR_BUSY;
    case SQLITE_CORRUPT:
      return RW_STORE_ERROR_CORRUPT;
    case SQLITE_NOTADB:
      return RW_STORE_ERROR_NOT_A_DATABASE;
    case SQLITE_READONLY:
      return RW_STORE_ERROR_READ_ONLY;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return RW_STORE_ERROR_IO;
    default:
      return RW_STORE_ERROR_FAILED;
    }
}

gboolean
rw_store_fail (RwStore *s, int rc, const char *purpose, GError **error)
{
  const char *msg = s->db && sqlite3_errcode (s->db) != SQLITE_OK ? sqlite3_errmsg (s->db) : sqlite3_errstr (rc);
  RwStoreError code = error_code (rc);
  if (code == RW_STORE_ERROR_NOT_A_DATABASE)
    g_set_error (error, RW_STORE_ERROR, code, "%s: not a Routewise database (not an SQLite file: %s)", s->path, msg);
  else if (code == RW_STORE_ERROR_CORRUPT)
    g_set_error (error, RW_STORE_ERROR, code, "%s: the database file is damaged (%s: %s)", s->path, purpose, msg);
  else
    g_set_error (error, RW_STORE_ERROR, code, "%s: %s: %s", s->path, purpose, msg);
  return FALSE;
}

sqlite3_stmt *
rw_store_prepare (RwStore *s, const char *sql, const char *purpose, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (s->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      rw_store_fail (s, rc, purpose, error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

gboolean
rw_store_exec (RwStore *s, const char *sql, const char *purpose, GError **error)
{
  int rc = sqlite3_exec (s->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? TRUE : rw_store_fail (s, rc, purpose, error);
}

gboolean
rw_store_check_writable (RwStore *s, const char *purpose, GError **error)
{
  if (!s->read_only)
    return TRUE;
  g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_READ_ONLY, "%s: %s: the database was opened read-only",
               s->path, purpose);
  return FALSE;
}

gboolean
rw_store_begin_write (RwStore *s, const char *purpose, GError **error)
{
  return rw_store_check_writable (s, purpose, error) && rw_store_exec (s, "BEGIN IMMEDIATE", purpose, error);
}

gboolean
rw_store_commit (RwStore *s, const char *purpose, GError **error)
{
  if (rw_store_exec (s, "COMMIT", purpose, error))
    return TRUE;
  rw_store_rollback (s);
  return FALSE;
}

void
rw_store_rollback (RwStore *s)
{
  if (!sqlite3_get_autocommit (s->db))
    sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
rw_store_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/* Steps a statement that returns no rows (or whose rows are not wanted). */
static gboolean
step_done (RwStore *s, sqlite3_stmt *stmt, const char *purpose, GError **error)
{
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  return rc == SQLITE_DONE ? TRUE : rw_store_fail (s, rc, purpose, error);
}

static gboolean
bind_failed (RwStore *s, const char *purpose, GError **error)
{
  return rw_store_fail (s, sqlite3_errcode (s->db), purpose, error);
}

/* NULL binds SQL NULL. */
static int
bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  return text ? sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT) : sqlite3_bind_null (stmt, index);
}

/* run_id <= 0 is "no run", stored as NULL. */
static int
bind_run (sqlite3_stmt *stmt, int index, gint64 run_id)
{
  return run_id > 0 ? sqlite3_bind_int64 (stmt, index, run_id) : sqlite3_bind_null (stmt, index);
}

static char *
column_dup (sqlite3_stmt *stmt, int col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

/* ---- opening ---- */

static void
store_free (RwStore *s)
{
  if (s->db)
    sqlite3_close_v2 (s->db);
  g_free (s->path);
  g_free (s);
}

void
rw_store_close (RwStore *s)
{
  if (s)
    store_free (s);
}

const char *
rw_store_get_path (RwStore *s)
{
  return s->path;
}

static gboolean
not_routewise (RwStore *s, GError **error, const char *why)
{
  g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_NOT_A_DATABASE,
               "%s: not a Routewise database (%s)", s->path, why);
  return FALSE;
}

/* One meta value, or NULL when the key is absent. */
static gboolean
meta_get (RwStore *s, const char *key, char **value, const char *purpose, GError **error)
{
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, "SELECT value FROM meta WHERE key = ?", purpose, error);
  int rc;
  *value = NULL;
  if (stmt == NULL)
    return FALSE;
  if (bind_text (stmt, 1, key) != SQLITE_OK)
    return bind_failed (s, purpose, error);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    return rw_store_fail (s, rc, purpose, error);
  return TRUE;
}

static gboolean
meta_set (RwStore *s, const char *key, const char *value, const char *purpose, GError **error)
{
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s,
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    purpose, error);
  if (stmt == NULL)
    return FALSE;
  if (bind_text (stmt, 1, key) != SQLITE_OK || bind_text (stmt, 2, value) != SQLITE_OK)
    return bind_failed (s, purpose, error);
  return step_done (s, stmt, purpose, error);
}

static gboolean
count_rows (RwStore *s, const char *sql, gint64 *count, const char *purpose, GError **error)
{
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, sql, purpose, error);
  int rc;
  if (stmt == NULL)
    return FALSE;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return rw_store_fail (s, rc, purpose, error);
  *count = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* The schema version of the file, 0 for a file without any tables (new or empty). Only reads,
 * so a file that turns out not to be ours is left exactly as it was. */
static gboolean
read_schema_version (RwStore *s, guint64 *version, GError **error)
{
  const char *purpose = "reading the schema";
  g_autofree char *format = NULL, *version_text = NULL;
  gint64 objects, has_meta;
  int rc;

  *version = 0;
  if (!count_rows (s, "SELECT count(*) FROM sqlite_schema", &objects, purpose, error))
    return FALSE;
  if (objects == 0)
    return TRUE;
  if (!count_rows (s, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'", &has_meta,
                   purpose, error))
    return FALSE;
  if (has_meta == 0)
    return not_routewise (s, error, "an SQLite database without Routewise's meta table");
  {
    /* someone else's table called meta may have other columns */
    g_autoptr(RwStoreStmt) probe = NULL;
    rc = sqlite3_prepare_v2 (s->db, "SELECT key, value FROM meta", -1, &probe, NULL);
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_ERROR)
      return rw_store_fail (s, rc, purpose, error);
    if (rc != SQLITE_OK)
      return not_routewise (s, error, "an SQLite database whose meta table is not Routewise's");
  }
  if (!meta_get (s, "format", &format, purpose, error) || !meta_get (s, "schema_version", &version_text, purpose, error))
    return FALSE;
  if (g_strcmp0 (format, STORE_FORMAT) != 0)
    return not_routewise (s, error, "an SQLite database whose meta table has no format 'routewise'");
  if (version_text == NULL
      || !g_ascii_string_to_unsigned (version_text, 10, 1, G_MAXINT, version, NULL))
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_CORRUPT,
                   "%s: the database file is damaged (meta.schema_version is %s%s%s)", s->path,
                   version_text ? "'" : "", version_text ? version_text : "missing", version_text ? "'" : "");
      return FALSE;
    }
  if (*version > RW_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_VERSION,
                   "%s: written by a newer Routewise (schema version %" G_GUINT64_FORMAT
                   ", this version reads up to %d)", s->path, *version, RW_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

static gboolean
triggers_present (RwStore *s, gboolean *present, GError **error)
{
  gint64 n;
  if (!count_rows (s,
                   "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
                   "AND name IN ('audit_no_update', 'audit_no_delete')", &n, "reading the schema", error))
    return FALSE;
  *present = n == 2;
  return TRUE;
}

/* Brings the schema to RW_STORE_SCHEMA_VERSION in one write transaction, reading the version
 * again inside it (another process may have created or upgraded the file meanwhile). */
static gboolean
upgrade_schema (RwStore *s, GError **error)
{
  const char *purpose = "creating the schema";
  guint64 version;
  g_autofree char *version_text = NULL;

  if (!rw_store_begin_write (s, purpose, error))
    return FALSE;
  if (!read_schema_version (s, &version, error))
    goto fail;
  if (version == 0)
    {
      g_autofree char *pragma = g_strdup_printf ("PRAGMA application_id = %d", STORE_APPLICATION_ID);
      if (!rw_store_exec (s, pragma, purpose, error))
        goto fail;
    }
  for (guint64 v = version; v < RW_STORE_SCHEMA_VERSION; v++)
    if (!rw_store_exec (s, migrations[v], v == 0 ? purpose : "upgrading the schema", error))
      goto fail;
  version_text = g_strdup_printf ("%d", RW_STORE_SCHEMA_VERSION);
  if (!meta_set (s, "schema_version", version_text, purpose, error)
      || !rw_store_exec (s, audit_triggers, purpose, error))
    goto fail;
  return rw_store_commit (s, purpose, error);

fail:
  rw_store_rollback (s);
  return FALSE;
}

static gboolean
pragma_text (RwStore *s, const char *sql, char **value, GError **error)
{
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, sql, "configuring the connection", error);
  int rc;
  if (stmt == NULL)
    return FALSE;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return rw_store_fail (s, rc, "configuring the connection", error);
  *value = column_dup (stmt, 0);
  return TRUE;
}

static RwStore *
store_open (const char *path, gboolean read_only, GError **error)
{
  g_autoptr(RwStore) s = g_new0 (RwStore, 1);
  /* Read-only stores still open the file read-write (never creating it) and refuse writes with
   * query_only: a truly read-only connection to a WAL database leaves empty -wal and -shm files
   * behind, while this one removes them on close like any other. SQLite falls back to a
   * read-only connection by itself when the file is write-protected. */
  int flags = read_only ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  guint64 version;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  s->path = g_strdup (path);
  s->read_only = read_only;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_IO, "%s: is a directory, not a database file", path);
      return NULL;
    }
  if (read_only && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_NOT_FOUND, "%s: no such database file", path);
      return NULL;
    }
  rc = sqlite3_open_v2 (path, &s->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      rw_store_fail (s, rc, "opening", error);
      return NULL;
    }
  sqlite3_extended_result_codes (s->db, 1);
  sqlite3_busy_timeout (s->db, 5000);
  if (read_only && !rw_store_exec (s, "PRAGMA query_only = ON", "configuring the connection", error))
    return NULL;

  /* Read before writing anything: a file that is not ours must stay byte for byte the same. */
  if (!read_schema_version (s, &version, error))
    return NULL;

  if (read_only)
    {
      if (version == 0)
        {
          not_routewise (s, error, "an empty file or an SQLite database without tables");
          return NULL;
        }
      if (version < RW_STORE_SCHEMA_VERSION)
        {
          g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_VERSION,
                       "%s: written by an older Routewise (schema version %" G_GUINT64_FORMAT
                       "); open it read-write once to upgrade it", path, version);
          return NULL;
        }
    }
  else
    {
      g_autofree char *mode = NULL;
      gboolean have_triggers = FALSE;
      if (!pragma_text (s, "PRAGMA journal_mode = WAL", &mode, error))
        return NULL;
      if (mode == NULL || g_ascii_strcasecmp (mode, "wal") != 0)
        {
          g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_IO,
                       "%s: cannot use write-ahead logging (journal mode stayed '%s'); is it on a network file system?",
                       path, mode ? mode : "?");
          return NULL;
        }
      if (!rw_store_exec (s, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON",
                          "configuring the connection", error))
        return NULL;
      if (version == RW_STORE_SCHEMA_VERSION && !triggers_present (s, &have_triggers, error))
        return NULL;
      if ((version < RW_STORE_SCHEMA_VERSION || !have_triggers) && !upgrade_schema (s, error))
        return NULL;
    }
  return g_steal_pointer (&s);
}

RwStore *
rw_store_open (const char *path, GError **error)
{
  return store_open (path, FALSE, error);
}

RwStore *
rw_store_open_readonly (const char *path, GError **error)
{
  return store_open (path, TRUE, error);
}

/* ---- runs ---- */

gboolean
rw_store_run_exists (RwStore *s, gint64 run_id, gboolean *exists, GError **error)
{
  const char *purpose = "looking up a run";
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, "SELECT 1 FROM runs WHERE id = ?", purpose, error);
  int rc;
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_int64 (stmt, 1, run_id) != SQLITE_OK)
    return bind_failed (s, purpose, error);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return rw_store_fail (s, rc, purpose, error);
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
no_such_run (RwStore *s, gint64 run_id, const char *purpose, GError **error)
{
  g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID, "%s: %s: there is no run %" G_GINT64_FORMAT,
               s->path, purpose, run_id);
  return FALSE;
}

gint64
rw_store_begin_run (RwStore *s, const char *scenario, guint32 seed, const char *mode, GError **error)
{
  const char *purpose = "starting a run";
  g_autoptr(RwStoreStmt) stmt = NULL;
  g_autofree char *now = rw_store_now ();

  g_return_val_if_fail (s != NULL, -1);
  g_return_val_if_fail (mode != NULL && *mode != '\0', -1);

  if (!rw_store_check_writable (s, purpose, error))
    return -1;
  stmt = rw_store_prepare (s, "INSERT INTO runs (started, scenario, seed, mode) VALUES (?, ?, ?, ?)", purpose, error);
  if (stmt == NULL)
    return -1;
  if (bind_text (stmt, 1, now) != SQLITE_OK || bind_text (stmt, 2, scenario) != SQLITE_OK
      || sqlite3_bind_int64 (stmt, 3, seed) != SQLITE_OK || bind_text (stmt, 4, mode) != SQLITE_OK)
    {
      bind_failed (s, purpose, error);
      return -1;
    }
  if (!step_done (s, stmt, purpose, error))
    return -1;
  return sqlite3_last_insert_rowid (s->db);
}

gboolean
rw_store_end_run (RwStore *s, gint64 run_id, JsonNode *result, GError **error)
{
  g_autofree char *purpose = g_strdup_printf ("ending run %" G_GINT64_FORMAT, run_id);
  g_autoptr(RwStoreStmt) stmt = NULL;
  g_autofree char *now = rw_store_now ();
  g_autofree char *text = result ? rw_json_canonical (result) : NULL;
  gboolean exists;

  g_return_val_if_fail (s != NULL, FALSE);

  if (!rw_store_check_writable (s, purpose, error))
    return FALSE;
  stmt = rw_store_prepare (s, "UPDATE runs SET finished = ?, result = ? WHERE id = ? AND finished IS NULL",
                           purpose, error);
  if (stmt == NULL)
    return FALSE;
  if (bind_text (stmt, 1, now) != SQLITE_OK || bind_text (stmt, 2, text) != SQLITE_OK
      || sqlite3_bind_int64 (stmt, 3, run_id) != SQLITE_OK)
    return bind_failed (s, purpose, error);
  if (!step_done (s, stmt, purpose, error))
    return FALSE;
  if (sqlite3_changes (s->db) == 1)
    return TRUE;
  if (!rw_store_run_exists (s, run_id, &exists, error))
    return FALSE;
  if (!exists)
    return no_such_run (s, run_id, purpose, error);
  g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID, "%s: %s: the run has already ended", s->path, purpose);
  return FALSE;
}

/* ---- audit ---- */

RwAuditEvent *
rw_audit_event_copy (const RwAuditEvent *e)
{
  RwAuditEvent *c = g_new0 (RwAuditEvent, 1);
  c->seq = e->seq;
  c->ts = g_strdup (e->ts);
  c->run_id = e->run_id;
  c->kind = g_strdup (e->kind);
  c->actor = g_strdup (e->actor);
  c->decision_tag = g_strdup (e->decision_tag);
  c->payload = g_strdup (e->payload);
  c->prev_hash = g_strdup (e->prev_hash);
  c->hash = g_strdup (e->hash);
  return c;
}

void
rw_audit_event_free (RwAuditEvent *e)
{
  if (e == NULL)
    return;
  g_free (e->ts);
  g_free (e->kind);
  g_free (e->actor);
  g_free (e->decision_tag);
  g_free (e->payload);
  g_free (e->prev_hash);
  g_free (e->hash);
  g_free (e);
}

static void
append_json_string (GString *out, const char *text)
{
  g_autoptr(JsonNode) node = text ? json_node_init_string (json_node_alloc (), text) : json_node_new (JSON_NODE_NULL);
  g_autofree char *s = rw_json_canonical (node);
  g_string_append (out, s);
}

/* The hashed envelope (see rw-store.h), built from the stored columns: @payload is already
 * canonical text, so the members can be written in their sorted order around it. The store and
 * the verifier both build it here; a test checks it equals rw_json_canonical of the object. */
static char *
envelope_text (gboolean has_run, gint64 run_id, const char *kind, const char *actor, const char *decision_tag, const char *payload)
{
  GString *out = g_string_new ("{\"actor\":");
  append_json_string (out, actor);
  g_string_append (out, ",\"decision_tag\":");
  append_json_string (out, decision_tag);
  g_string_append (out, ",\"kind\":");
  append_json_string (out, kind);
  g_string_append (out, ",\"payload\":");
  g_string_append (out, payload ? payload : "null");
  g_string_append (out, ",\"run_id\":");
  if (has_run)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, run_id);
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static char *
chain_hash (const char *prev_hash, const char *envelope)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, (const guchar *) prev_hash, (gssize) strlen (prev_hash));
  g_checksum_update (sum, (const guchar *) envelope, (gssize) strlen (envelope));
  return g_strdup (g_checksum_get_string (sum));
}

/* seq and hash of the newest event inside the current transaction; 0 and genesis when empty. */
static gboolean
last_event (RwStore *s, gint64 *seq, char **hash, const char *purpose, GError **error)
{
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                                                  purpose, error);
  int rc;
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      *hash = column_dup (stmt, 1);
      if (*hash == NULL)
        *hash = g_strdup ("");
    }
  else if (rc == SQLITE_DONE)
    {
      *seq = 0;
      *hash = g_strdup (RW_STORE_GENESIS_HASH);
    }
  else
    return rw_store_fail (s, rc, purpose, error);
  return TRUE;
}

gboolean
rw_store_append (RwStore *s, gint64 run_id, const char *kind, const char *actor, const char *decision_tag,
                 JsonNode *payload, gint64 *seq_out, GError **error)
{
  const char *purpose = "appending an audit event";
  g_autofree char *payload_text = rw_json_canonical (payload);
  g_autofree char *envelope = envelope_text (run_id > 0, run_id, kind, actor, decision_tag, payload_text);
  g_autofree char *now = rw_store_now ();
  g_autofree char *prev_hash = NULL, *hash = NULL, *seq_text = NULL;
  g_autoptr(RwStoreStmt) insert = NULL;
  gint64 last_seq;

  g_return_val_if_fail (s != NULL, FALSE);
  g_return_val_if_fail (kind != NULL && *kind != '\0', FALSE);
  g_return_val_if_fail (actor != NULL && *actor != '\0', FALSE);

  if (!rw_store_begin_write (s, purpose, error))
    return FALSE;
  if (run_id > 0)
    {
      gboolean exists;
      if (!rw_store_run_exists (s, run_id, &exists, error))
        goto fail;
      if (!exists)
        {
          no_such_run (s, run_id, purpose, error);
          goto fail;
        }
    }
  if (!last_event (s, &last_seq, &prev_hash, purpose, error))
    goto fail;
  hash = chain_hash (prev_hash, envelope);

  insert = rw_store_prepare (s,
    "INSERT INTO audit (seq, ts, run_id, kind, actor, decision_tag, payload, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", purpose, error);
  if (insert == NULL)
    goto fail;
  if (sqlite3_bind_int64 (insert, 1, last_seq + 1) != SQLITE_OK || bind_text (insert, 2, now) != SQLITE_OK
      || bind_run (insert, 3, run_id) != SQLITE_OK || bind_text (insert, 4, kind) != SQLITE_OK
      || bind_text (insert, 5, actor) != SQLITE_OK || bind_text (insert, 6, decision_tag) != SQLITE_OK
      || bind_text (insert, 7, payload_text) != SQLITE_OK || bind_text (insert, 8, prev_hash) != SQLITE_OK
      || bind_text (insert, 9, hash) != SQLITE_OK)
    {
      bind_failed (s, purpose, error);
      goto fail;
    }
  if (!step_done (s, insert, purpose, error))
    goto fail;
  /* the head of the log, so that events removed from its end are noticed */
  seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, last_seq + 1);
  if (!meta_set (s, "audit_head_seq", seq_text, purpose, error) || !meta_set (s, "audit_head_hash", hash, purpose, error))
    goto fail;
  if (!rw_store_commit (s, purpose, error))
    return FALSE;
  if (seq_out)
    *seq_out = last_seq + 1;
  return TRUE;

fail:
  rw_store_rollback (s);
  return FALSE;
}

GPtrArray *
rw_store_events (RwStore *s, gint64 run_id, GError **error)
{
  return rw_store_events_since (s, run_id, 0, error);
}

GPtrArray *
rw_store_events_since (RwStore *s, gint64 run_id, gint64 after_seq, GError **error)
{
  const char *purpose = "reading audit events";
  static const char columns[] = "SELECT seq, ts, run_id, kind, actor, decision_tag, payload, prev_hash, hash FROM audit WHERE seq > ?";
  g_autofree char *sql = g_strconcat (columns,
                                      run_id > 0 ? " AND run_id = ?" : run_id == 0 ? " AND run_id IS NULL" : "",
                                      " ORDER BY seq", NULL);
  g_autoptr(RwStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_audit_event_free);
  int rc;

  g_return_val_if_fail (s != NULL, NULL);

  if ((stmt = rw_store_prepare (s, sql, purpose, error)) == NULL)
    return NULL;
  if (sqlite3_bind_int64 (stmt, 1, after_seq) != SQLITE_OK ||
      (run_id > 0 && sqlite3_bind_int64 (stmt, 2, run_id) != SQLITE_OK))
    {
      bind_failed (s, purpose, error);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RwAuditEvent *e = g_new0 (RwAuditEvent, 1);
      e->seq = sqlite3_column_int64 (stmt, 0);
      e->ts = column_dup (stmt, 1);
      e->run_id = sqlite3_column_int64 (stmt, 2); /* NULL reads as 0 */
      e->kind = column_dup (stmt, 3);
      e->actor = column_dup (stmt, 4);
      e->decision_tag = column_dup (stmt, 5);
      e->payload = column_dup (stmt, 6);
      e->prev_hash = column_dup (stmt, 7);
      e->hash = column_dup (stmt, 8);
      g_ptr_array_add (events, e);
    }
  if (rc != SQLITE_DONE)
    {
      rw_store_fail (s, rc, purpose, error);
      return NULL;
    }
  return g_steal_pointer (&events);
}

gboolean
rw_store_head (RwStore *s, gint64 *seq, char **hash, GError **error)
{
  gint64 last_seq;
  g_autofree char *last_hash = NULL;

  g_return_val_if_fail (s != NULL, FALSE);

  if (!last_event (s, &last_seq, &last_hash, "reading the head of the audit log", error))
    return FALSE;
  if (seq)
    *seq = last_seq;
  if (hash)
    *hash = g_steal_pointer (&last_hash);
  return TRUE;
}

static char *
missing_sentence (gint64 from, gint64 to, const char *context)
{
  if (from == to)
    return g_strdup_printf ("event %" G_GINT64_FORMAT " is missing %s", from, context);
  return g_strdup_printf ("events %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " are missing %s", from, to, context);
}

typedef enum { WALK_ERROR, WALK_INTACT, WALK_BROKEN } WalkResult;

/* Compares the newest event with the head the appends recorded in meta. */
static WalkResult
check_tail (RwStore *s, gint64 last_seq, const char *last_hash, gint64 *bad, char **why, GError **error)
{
  const char *purpose = "verifying the audit chain";
  g_autofree char *head_seq_text = NULL, *head_hash = NULL;
  guint64 head_seq = 0;

  if (!meta_get (s, "audit_head_seq", &head_seq_text, purpose, error)
      || !meta_get (s, "audit_head_hash", &head_hash, purpose, error))
    return WALK_ERROR;
  if (head_seq_text == NULL && head_hash == NULL && last_seq == 0)
    return WALK_INTACT;
  if (head_seq_text == NULL || head_hash == NULL
      || !g_ascii_string_to_unsigned (head_seq_text, 10, 1, G_MAXINT64, &head_seq, NULL))
    {
      *bad = 0;
      *why = g_strdup ("the head of the log recorded in the meta table is missing or unreadable (it was edited)");
    }
  else if ((gint64) head_seq > last_seq)
    {
      g_autofree char *ctx = g_strdup_printf ("from the end of the log (it recorded %" G_GUINT64_FORMAT " events)",
                                              head_seq);
      *bad = last_seq + 1;
      *why = missing_sentence (last_seq + 1, (gint64) head_seq, ctx);
    }
  else if ((gint64) head_seq < last_seq)
    {
      *bad = (gint64) head_seq + 1;
      *why = g_strdup_printf ("event %" G_GINT64_FORMAT " is past the recorded end of the log (event %" G_GUINT64_FORMAT
                              "): it was added outside Routewise, or the meta table was edited",
                              *bad, head_seq);
    }
  else if (strcmp (head_hash, last_hash) != 0)
    {
      *bad = last_seq;
      *why = g_strdup_printf ("event %" G_GINT64_FORMAT ": hash differs from the one recorded for the newest event "
                              "(the event was replaced)", last_seq);
    }
  else
    return WALK_INTACT;
  return WALK_BROKEN;
}

static WalkResult
walk_chain (RwStore *s, gint64 *bad, char **why, GError **error)
{
  const char *purpose = "verifying the audit chain";
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s,
    "SELECT seq, run_id, kind, actor, decision_tag, payload, prev_hash, hash FROM audit ORDER BY seq",
    purpose, error);
  g_autofree char *link = g_strdup (RW_STORE_GENESIS_HASH); /* the stored hash of the previous event */
  gint64 expected = 1;
  int rc;

  if (stmt == NULL)
    return WALK_ERROR;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      const char *prev_hash = (const char *) sqlite3_column_text (stmt, 6);
      const char *hash = (const char *) sqlite3_column_text (stmt, 7);
      g_autofree char *envelope = NULL, *computed = NULL;

      if (seq != expected)
        {
          *bad = MIN (seq, expected);
          if (seq < expected)
            *why = g_strdup_printf ("event %" G_GINT64_FORMAT ": seq is not positive (events are numbered from 1; "
                                    "it was added outside Routewise)", seq);
          else if (expected == 1)
            {
              g_autofree char *ctx = g_strdup_printf ("(the log starts at event %" G_GINT64_FORMAT ")", seq);
              *why = missing_sentence (1, seq - 1, ctx);
            }
          else
            {
              g_autofree char *ctx = g_strdup_printf ("(seq jumps from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ")",
                                                      expected - 1, seq);
              *why = missing_sentence (expected, seq - 1, ctx);
            }
          return WALK_BROKEN;
        }
      if (g_strcmp0 (prev_hash, link) != 0)
        {
          *bad = seq;
          *why = seq == 1 ? g_strdup ("event 1: prev_hash is not the genesis value (64 zeros)")
                          : g_strdup_printf ("event %" G_GINT64_FORMAT ": prev_hash does not match event %" G_GINT64_FORMAT,
                                             seq, seq - 1);
          return WALK_BROKEN;
        }
      envelope = envelope_text (sqlite3_column_type (stmt, 1) != SQLITE_NULL, sqlite3_column_int64 (stmt, 1),
                                (const char *) sqlite3_column_text (stmt, 2), (const char *) sqlite3_column_text (stmt, 3),
                                (const char *) sqlite3_column_text (stmt, 4), (const char *) sqlite3_column_text (stmt, 5));
      computed = chain_hash (prev_hash, envelope);
      if (g_strcmp0 (hash, computed) != 0)
        {
          /* If the next event links to the hash this content gives, only the hash was rewritten. */
          gboolean hash_edited = FALSE;
          *bad = seq;
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            hash_edited = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 6), computed) == 0;
          else if (rc == SQLITE_DONE)
            {
              g_autofree char *head_hash = NULL;
              if (!meta_get (s, "audit_head_hash", &head_hash, purpose, error))
                return WALK_ERROR;
              hash_edited = g_strcmp0 (head_hash, computed) == 0;
            }
          else
            {
              rw_store_fail (s, rc, purpose, error);
              return WALK_ERROR;
            }
          *why = g_strdup_printf ("event %" G_GINT64_FORMAT ": hash does not match its content (%s)", seq,
                                  hash_edited ? "the stored hash was changed"
                                              : "its payload, kind, actor, decision tag, run or prev_hash was changed");
          return WALK_BROKEN;
        }
      g_free (link);
      link = g_strdup (hash);
      expected++;
    }
  if (rc != SQLITE_DONE)
    {
      rw_store_fail (s, rc, purpose, error);
      return WALK_ERROR;
    }
  return check_tail (s, expected - 1, link, bad, why, error);
}

gboolean
rw_store_verify_chain (RwStore *s, gint64 *first_bad_seq, char **why, GError **error)
{
  const char *purpose = "verifying the audit chain";
  g_autoptr(GError) local = NULL;
  g_autofree char *reason = NULL;
  gint64 bad = 0;
  WalkResult result;

  g_return_val_if_fail (s != NULL, FALSE);

  /* one read transaction: a snapshot that appends from other connections do not move */
  if (!rw_store_exec (s, "BEGIN", purpose, error))
    return FALSE;
  result = walk_chain (s, &bad, &reason, &local);
  rw_store_rollback (s);
  if (result == WALK_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (result == WALK_INTACT)
    return TRUE;
  if (first_bad_seq)
    *first_bad_seq = bad;
  if (why)
    *why = g_steal_pointer (&reason);
  return FALSE;
}

gboolean
rw_store_check_integrity (RwStore *s, char **problem, GError **error)
{
  const char *purpose = "checking the database structure";
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, "PRAGMA quick_check", purpose, error);
  const char *first;
  int rc;

  if (stmt == NULL)
    return FALSE;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
        {
          if (problem)
            *problem = g_strdup (sqlite3_errmsg (s->db));
          return FALSE;
        }
      return rw_store_fail (s, rc, purpose, error);
    }
  first = (const char *) sqlite3_column_text (stmt, 0);
  if (g_strcmp0 (first, "ok") == 0)
    return TRUE;
  if (problem)
    {
      /* SQLite's report is several lines under a "*** in database main ***" banner; one
       * sentence reads better in a message */
      g_auto(GStrv) lines = g_strsplit (first ? first : "", "\n", -1);
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();
      for (guint i = 0; lines[i]; i++)
        if (*lines[i] && !g_str_has_prefix (lines[i], "***"))
          g_ptr_array_add (kept, lines[i]);
      g_ptr_array_add (kept, NULL);
      *problem = kept->len > 1 ? g_strjoinv ("; ", (char **) kept->pdata) : g_strdup ("unknown problem");
    }
  return FALSE;
}

/* ---- learning ---- */

gboolean
rw_store_learning_record (RwStore *s, const char *hypothesis_kind, const char *action_kind, double reward,
                          GError **error)
{
  const char *purpose = "recording a learning outcome";
  g_autoptr(RwStoreStmt) stmt = NULL;

  g_return_val_if_fail (s != NULL, FALSE);
  g_return_val_if_fail (hypothesis_kind != NULL && *hypothesis_kind != '\0', FALSE);
  g_return_val_if_fail (action_kind != NULL && *action_kind != '\0', FALSE);

  if (!isfinite (reward))
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID, "%s: %s for %s/%s: the reward %g is not a finite number",
                   s->path, purpose, hypothesis_kind, action_kind, reward);
      return FALSE;
    }
  if (!rw_store_check_writable (s, purpose, error))
    return FALSE;
  stmt = rw_store_prepare (s,
    "INSERT INTO learning (hypothesis_kind, action_kind, n, reward_sum, reward_sq_sum) VALUES (?, ?, 1, ?, ?) "
    "ON CONFLICT (hypothesis_kind, action_kind) DO UPDATE SET n = n + 1, "
    "reward_sum = reward_sum + excluded.reward_sum, reward_sq_sum = reward_sq_sum + excluded.reward_sq_sum",
    purpose, error);
  if (stmt == NULL)
    return FALSE;
  if (bind_text (stmt, 1, hypothesis_kind) != SQLITE_OK || bind_text (stmt, 2, action_kind) != SQLITE_OK
      || sqlite3_bind_double (stmt, 3, reward) != SQLITE_OK || sqlite3_bind_double (stmt, 4, reward * reward) != SQLITE_OK)
    return bind_failed (s, purpose, error);
  return step_done (s, stmt, purpose, error);
}

gboolean
rw_store_learning_get (RwStore *s, const char *hypothesis_kind, const char *action_kind, guint *n, double *mean,
                       GError **error)
{
  const char *purpose = "reading learning statistics";
  g_autoptr(RwStoreStmt) stmt = NULL;
  gint64 count = 0;
  double sum = 0;
  int rc;

  g_return_val_if_fail (s != NULL, FALSE);
  g_return_val_if_fail (hypothesis_kind != NULL && action_kind != NULL, FALSE);

  stmt = rw_store_prepare (s, "SELECT n, reward_sum FROM learning WHERE hypothesis_kind = ? AND action_kind = ?",
                           purpose, error);
  if (stmt == NULL)
    return FALSE;
  if (bind_text (stmt, 1, hypothesis_kind) != SQLITE_OK || bind_text (stmt, 2, action_kind) != SQLITE_OK)
    return bind_failed (s, purpose, error);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      count = sqlite3_column_int64 (stmt, 0);
      sum = sqlite3_column_double (stmt, 1);
    }
  else if (rc != SQLITE_DONE)
    return rw_store_fail (s, rc, purpose, error);
  if (n)
    *n = (guint) CLAMP (count, 0, G_MAXUINT);
  if (mean)
    *mean = count > 0 ? sum / (double) count : 0.0;
  return TRUE;
}

void
rw_learning_row_free (RwLearningRow *r)
{
  if (r == NULL)
    return;
  g_free (r->hypothesis_kind);
  g_free (r->action_kind);
  g_free (r);
}

GPtrArray *
rw_store_learning_list (RwStore *s, GError **error)
{
  const char *purpose = "listing learning statistics";
  g_autoptr(RwStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_learning_row_free);
  int rc;

  g_return_val_if_fail (s != NULL, NULL);

  stmt = rw_store_prepare (s, "SELECT hypothesis_kind, action_kind, n, reward_sum FROM learning "
                              "ORDER BY hypothesis_kind, action_kind", purpose, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RwLearningRow *r = g_new0 (RwLearningRow, 1);
      gint64 n = sqlite3_column_int64 (stmt, 2);
      r->hypothesis_kind = column_dup (stmt, 0);
      r->action_kind = column_dup (stmt, 1);
      r->n = (guint) CLAMP (n, 0, G_MAXUINT);
      r->mean = n > 0 ? sqlite3_column_double (stmt, 3) / (double) n : 0.0;
      g_ptr_array_add (rows, r);
    }
  if (rc != SQLITE_DONE)
    {
      rw_store_fail (s, rc, purpose, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* ---- scenario results ---- */

gboolean
rw_store_add_scenario_result (RwStore *s, gint64 run_id, const char *name, const char *file, JsonNode *result,
                              GError **error)
{
  g_autofree char *purpose = NULL;
  g_autofree char *text = result ? rw_json_canonical (result) : NULL;
  g_autoptr(RwStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (s != NULL, FALSE);
  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);

  purpose = g_strdup_printf ("recording the result of scenario %s", name);
  if (!rw_store_check_writable (s, purpose, error))
    return FALSE;
  stmt = rw_store_prepare (s, "INSERT INTO scenario_results (run_id, name, file, result) VALUES (?, ?, ?, ?)",
                           purpose, error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_int64 (stmt, 1, run_id) != SQLITE_OK || bind_text (stmt, 2, name) != SQLITE_OK
      || bind_text (stmt, 3, file) != SQLITE_OK || bind_text (stmt, 4, text) != SQLITE_OK)
    return bind_failed (s, purpose, error);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return no_such_run (s, run_id, purpose, error);
  if (rc != SQLITE_DONE)
    return rw_store_fail (s, rc, purpose, error);
  return TRUE;
}

/* ---- shadow mode ---- */

gboolean
rw_store_shadow_record (RwStore *s, gint64 run_id, const char *tier, const char *proposal, gboolean agreed, GError **error)
{
  const char *purpose = "recording a shadow-mode verdict";
  g_autoptr(RwStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (s != NULL && tier != NULL && proposal != NULL, FALSE);
  stmt = rw_store_prepare (s, "INSERT INTO shadow (run_id, tier, proposal, agreed) VALUES (?, ?, ?, ?)", purpose, error);
  if (stmt == NULL)
    return FALSE;
  if ((run_id > 0 ? sqlite3_bind_int64 (stmt, 1, run_id) : sqlite3_bind_null (stmt, 1)) != SQLITE_OK ||
      bind_text (stmt, 2, tier) != SQLITE_OK || bind_text (stmt, 3, proposal) != SQLITE_OK ||
      sqlite3_bind_int (stmt, 4, agreed ? 1 : 0) != SQLITE_OK)
    return bind_failed (s, purpose, error);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return rw_store_fail (s, rc, purpose, error);
  return TRUE;
}

gboolean
rw_store_shadow_agreement (RwStore *s, const char *tier, guint last_n, guint *n, double *rate, GError **error)
{
  const char *purpose = "reading shadow-mode agreement";
  g_autoptr(RwStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (s != NULL && tier != NULL, FALSE);
  stmt = rw_store_prepare (s, "SELECT count(*), coalesce(avg(agreed), 0) FROM "
                              "(SELECT agreed FROM shadow WHERE tier = ? ORDER BY id DESC LIMIT ?)", purpose, error);
  if (stmt == NULL)
    return FALSE;
  if (bind_text (stmt, 1, tier) != SQLITE_OK || sqlite3_bind_int64 (stmt, 2, last_n ? last_n : G_MAXINT32) != SQLITE_OK)
    return bind_failed (s, purpose, error);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return rw_store_fail (s, rc, purpose, error);
  if (n)
    *n = (guint) sqlite3_column_int64 (stmt, 0);
  if (rate)
    *rate = sqlite3_column_double (stmt, 1);
  return TRUE;
}
