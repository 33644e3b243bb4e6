/* rw-store.c — the workspace database: opening and schema, runs, the audit chain, learning
 * statistics, scenario results.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-store-private.h"
#include "rw-canonical.h"
#include "rw-json-util.h"

#include <errno.h>
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
  /* 3 -> 4: the keyed chain (meta audit_key_version, audit_keyed_from, audit_db_id are set in
   * code, they need the keyring); safety state is read back from the log by kind; the nonces of
   * accepted envelopes, so a replay is refused after a restart too */
  "CREATE INDEX IF NOT EXISTS audit_kind ON audit (kind, seq);"
  "CREATE TABLE IF NOT EXISTS envelope_nonces ("
  "  nonce TEXT PRIMARY KEY NOT NULL,"
  "  sender TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  ts_ms INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS envelope_nonces_ts ON envelope_nonces (ts_ms);",
};
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == RW_STORE_SCHEMA_VERSION);

/* The audit table is append-only. A read-write open puts these back if someone removed them;
 * the chain, not the triggers, is what proves the log intact. */
static const char audit_triggers[] =
  "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
  "BEGIN SELECT RAISE (ABORT, 'the audit log is append-only: events cannot be changed'); END;"
  "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
  "BEGIN SELECT RAISE (ABORT, 'the audit log is append-only: events cannot be deleted'); END;"
  /* text after a NUL byte is invisible to C readers; a payload must be JSON text */
  "CREATE TRIGGER IF NOT EXISTS audit_no_nul BEFORE INSERT ON audit WHEN "
  "  instr (CAST (NEW.payload AS BLOB), x'00') OR instr (CAST (NEW.kind AS BLOB), x'00') "
  "  OR instr (CAST (NEW.actor AS BLOB), x'00') OR instr (CAST (NEW.ts AS BLOB), x'00') "
  "  OR instr (CAST (coalesce (NEW.decision_tag, '') AS BLOB), x'00') "
  "BEGIN SELECT RAISE (ABORT, 'the audit log refuses text with a NUL byte in it'); END;"
  "CREATE TRIGGER IF NOT EXISTS audit_json_payload BEFORE INSERT ON audit "
  "  WHEN typeof (NEW.payload) != 'text' OR NOT json_valid (NEW.payload) "
  "BEGIN SELECT RAISE (ABORT, 'the audit log refuses a payload that is not JSON text'); END;";
#define AUDIT_N_TRIGGERS 4

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
  g_free (s->keys_path);
  rw_keyring_free (s->keys);
  g_free (s->keys_problem);
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
                   "AND name IN ('audit_no_update', 'audit_no_delete', 'audit_no_nul', 'audit_json_payload')",
                   &n, "reading the schema", error))
    return FALSE;
  *present = n == AUDIT_N_TRIGGERS;
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

char *
rw_store_sha256_hex (const char *text)
{
  return text ? g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1) : NULL;
}

/* rw_sha256(text): verify compares tables with the hashes their events carry. */
static void
sql_sha256 (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  const unsigned char *text = sqlite3_value_text (argv[0]);
  if (sqlite3_value_type (argv[0]) == SQLITE_NULL || text == NULL)
    sqlite3_result_null (ctx);
  else
    {
      char *hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, text, (gsize) sqlite3_value_bytes (argv[0]));
      sqlite3_result_text (ctx, hash, -1, g_free);
    }
}

/* SQLite's connection to @path: read-only connections use SQLITE_OPEN_READONLY, so verifying
 * evidence works on a write-protected copy; @immutable (when even the WAL index cannot be set up
 * there) reads the main file as it is, without its WAL. */
static gboolean
connect (RwStore *s, gboolean read_only, gboolean immutable, GError **error)
{
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  g_autofree char *uri = NULL;
  int rc;
  if (s->db)
    {
      sqlite3_close_v2 (s->db);
      s->db = NULL;
    }
  if (immutable)
    {
      g_autofree char *escaped = g_uri_escape_string (s->path, "/", FALSE);
      uri = g_strdup_printf ("file:%s?immutable=1", escaped);
      flags |= SQLITE_OPEN_URI;
    }
  rc = sqlite3_open_v2 (uri ? uri : s->path, &s->db, flags, NULL);
  if (rc != SQLITE_OK)
    return rw_store_fail (s, rc, "opening", error);
  s->immutable = immutable;
  sqlite3_extended_result_codes (s->db, 1);
  sqlite3_create_function (s->db, "rw_sha256", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_sha256, NULL, NULL);
  sqlite3_busy_timeout (s->db, 5000);
  return !read_only || rw_store_exec (s, "PRAGMA query_only = ON", "configuring the connection", error);
}

static gboolean key_the_chain (RwStore *s, GError **error);

static RwStore *
store_open (const char *path, const char *keys_path, gboolean read_only, GError **error)
{
  g_autoptr(RwStore) s = g_new0 (RwStore, 1);
  g_autoptr(GError) local = NULL;
  guint64 version;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  s->path = g_strdup (path);
  s->read_only = read_only;
  s->keys_path = keys_path ? g_strdup (keys_path) : rw_keyring_default_path ();
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
  {
    /* Read-only: never write the file, never create anything beside it. Without a WAL file
     * there is nothing but the main file to read, and immutable=1 reads it without setting up
     * WAL files; with one, SQLite reads it (which needs its index, the -shm file). */
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    if (!connect (s, read_only, read_only && !g_file_test (wal, G_FILE_TEST_EXISTS), error))
      return NULL;
  }

  /* Read before writing anything: a file that is not ours must stay byte for byte the same. */
  if (!read_schema_version (s, &version, &local))
    {
      /* a WAL database in a place we cannot write: SQLite cannot set up the WAL index there */
      if (!read_only || s->immutable || !(g_error_matches (local, RW_STORE_ERROR, RW_STORE_ERROR_IO)
                          || g_error_matches (local, RW_STORE_ERROR, RW_STORE_ERROR_READ_ONLY)))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      g_clear_error (&local);
      if (!connect (s, read_only, TRUE, error) || !read_schema_version (s, &version, error))
        return NULL;
    }

  if (read_only)
    {
      if (version == 0)
        {
          not_routewise (s, error, "an empty file or an SQLite database without tables");
          return NULL;
        }
      /* schema 3 predates the keyed chain: it still verifies, and says so */
      if (version < 3)
        {
          g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_VERSION,
                       "%s: written by an older Routewise (schema version %" G_GUINT64_FORMAT
                       "); open it read-write once to upgrade it", path, version);
          return NULL;
        }
      /* the key is needed only to verify; a missing key file is reported then */
      if ((s->keys = rw_keyring_open (s->keys_path, FALSE, &local)) == NULL)
        s->keys_problem = g_strdup (local->message);
    }
  else
    {
      g_autofree char *mode = NULL;
      gboolean have_triggers = FALSE;
      if ((s->keys = rw_keyring_open (s->keys_path, TRUE, &local)) == NULL)
        {
          g_set_error (error, RW_STORE_ERROR, local->code, "%s: the audit chain's key: %s", path, local->message);
          return NULL;
        }
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
      if (!key_the_chain (s, error))
        return NULL;
    }
  return g_steal_pointer (&s);
}

RwStore *
rw_store_open (const char *path, GError **error)
{
  return store_open (path, NULL, FALSE, error);
}

RwStore *
rw_store_open_readonly (const char *path, GError **error)
{
  return store_open (path, NULL, TRUE, error);
}

RwStore *
rw_store_open_with_keys (const char *path, const char *keys_path, gboolean read_only, GError **error)
{
  return store_open (path, keys_path, read_only, error);
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

/* ---- the key ---- */

/* How the chain of this database is keyed, from meta: key version 0 when it predates keying. */
typedef struct {
  guint key_version;
  gint64 keyed_from;   /* the first keyed event; G_MAXINT64 when none is */
  char *db_id;
} ChainInfo;

static void
chain_info_clear (ChainInfo *ci)
{
  g_clear_pointer (&ci->db_id, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChainInfo, chain_info_clear)

static gboolean
chain_info (RwStore *s, ChainInfo *ci, const char *purpose, GError **error)
{
  g_autofree char *kv = NULL, *from = NULL;
  guint64 v = 0, f = 0;
  ci->key_version = 0;
  ci->keyed_from = G_MAXINT64;
  if (!meta_get (s, "audit_key_version", &kv, purpose, error) || !meta_get (s, "audit_keyed_from", &from, purpose, error)
      || !meta_get (s, "audit_db_id", &ci->db_id, purpose, error))
    return FALSE;
  if (kv == NULL && from == NULL)
    return TRUE;
  if (kv == NULL || from == NULL || ci->db_id == NULL
      || !g_ascii_string_to_unsigned (kv, 10, 1, RW_KEY_VERSION_MAX, &v, NULL)
      || !g_ascii_string_to_unsigned (from, 10, 1, G_MAXINT64, &f, NULL))
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_CORRUPT,
                   "%s: the database file is damaged (%s: meta.audit_key_version, audit_keyed_from or audit_db_id "
                   "is missing or unreadable; it was edited)", s->path, purpose);
      return FALSE;
    }
  ci->key_version = (guint) v;
  ci->keyed_from = (gint64) f;
  return TRUE;
}

/* The key of @version, or an error naming the key file. */
static GBytes *
chain_key (RwStore *s, guint version, const char *purpose, GError **error)
{
  GBytes *key = s->keys ? rw_keyring_lookup (s->keys, version) : NULL;
  if (key == NULL)
    g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID,
                 "%s: %s: the audit chain is keyed with key version %u of %s, %s", s->path, purpose, version,
                 s->keys_path, s->keys_problem ? s->keys_problem : "which that key file does not hold");
  return key;
}

/* The hashed text of a keyed event: every column but the hashes, canonical, members sorted:
 * {"actor","decision_tag","kind","payload","run_id","seq","ts"}. */
static char *
keyed_envelope_text (gint64 seq, const char *ts, gboolean has_run, gint64 run_id, const char *kind, const char *actor,
                     const char *decision_tag, const char *payload)
{
  g_autofree char *base = envelope_text (has_run, run_id, kind, actor, decision_tag, payload);
  GString *out = g_string_new (base);
  g_string_truncate (out, out->len - 1); /* the closing brace */
  g_string_append_printf (out, ",\"seq\":%" G_GINT64_FORMAT ",\"ts\":", seq);
  append_json_string (out, ts);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* hash = lowercase hex HMAC-SHA256 under the chain key of prev_hash || E */
static char *
keyed_hash (GBytes *key, const char *prev_hash, const char *envelope)
{
  g_autofree char *text = g_strconcat (prev_hash, envelope, NULL);
  return rw_keyring_hmac (key, text, (gssize) strlen (text));
}

/* ---- signed checkpoints ---- */

static char *
checkpoint_path (RwStore *s, const char *db_id)
{
  g_autofree char *dir = g_path_get_dirname (s->keys_path);
  g_autofree char *name = g_strconcat (db_id, ".json", NULL);
  return g_build_filename (dir, "audit-checkpoints", name, NULL);
}

static char *
checkpoint_mac (GBytes *key, const char *db_id, guint key_version, gint64 seq, const char *hash)
{
  /* a prefix of its own, so a checkpoint's MAC can never pass for a chain hash */
  g_autofree char *text = g_strdup_printf ("routewise-checkpoint\n%s\n%u\n%" G_GINT64_FORMAT "\n%s", db_id,
                                           key_version, seq, hash);
  return rw_keyring_hmac (key, text, -1);
}

typedef struct {
  char *db_id, *hash, *mac;
  guint key_version;
  gint64 seq;
} Checkpoint;

static void
checkpoint_clear (Checkpoint *c)
{
  g_clear_pointer (&c->db_id, g_free);
  g_clear_pointer (&c->hash, g_free);
  g_clear_pointer (&c->mac, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Checkpoint, checkpoint_clear)

/* Reads a checkpoint file: FALSE with *@present FALSE when there is none, FALSE with *@present
 * TRUE when it is malformed. */
static gboolean
checkpoint_read (const char *path, Checkpoint *c, gboolean *present)
{
  g_autofree char *data = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  gsize len;
  *present = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!*present || !g_file_get_contents (path, &data, &len, NULL) || len > 4096
      || !json_parser_load_from_data (parser, data, (gssize) len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  o = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (o, "db_id") || !json_object_has_member (o, "hash") || !json_object_has_member (o, "mac")
      || !json_object_has_member (o, "seq") || !json_object_has_member (o, "key_version"))
    return FALSE;
  c->db_id = g_strdup (json_object_get_string_member (o, "db_id"));
  c->hash = g_strdup (json_object_get_string_member (o, "hash"));
  c->mac = g_strdup (json_object_get_string_member (o, "mac"));
  c->seq = json_object_get_int_member (o, "seq");
  c->key_version = (guint) json_object_get_int_member (o, "key_version");
  return c->db_id && c->hash && c->mac && c->seq > 0;
}

void
rw_store_checkpoint (RwStore *s)
{
  const char *purpose = "writing the audit checkpoint";
  g_auto(ChainInfo) ci = { 0 };
  g_auto(Checkpoint) old = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) doc = NULL;
  g_autofree char *path = NULL, *dir = NULL, *hash = NULL, *mac = NULL, *text = NULL;
  gboolean present;
  gint64 seq;
  GBytes *key;

  if (!chain_info (s, &ci, purpose, &error) || !last_event (s, &seq, &hash, purpose, &error))
    goto fail;
  if (ci.key_version == 0 || seq == 0)
    return;
  if ((key = chain_key (s, ci.key_version, purpose, &error)) == NULL)
    goto fail;
  path = checkpoint_path (s, ci.db_id);
  /* another writer may have checkpointed a later head already */
  if (checkpoint_read (path, &old, &present) && g_strcmp0 (old.db_id, ci.db_id) == 0 && old.seq >= seq)
    return;
  mac = checkpoint_mac (key, ci.db_id, ci.key_version, seq, hash);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "routewise-checkpoint");
  json_builder_set_member_name (b, "db_id");
  json_builder_add_string_value (b, ci.db_id);
  json_builder_set_member_name (b, "database");
  json_builder_add_string_value (b, s->path);
  json_builder_set_member_name (b, "key_version");
  json_builder_add_int_value (b, ci.key_version);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, seq);
  json_builder_set_member_name (b, "hash");
  json_builder_add_string_value (b, hash);
  json_builder_set_member_name (b, "mac");
  json_builder_add_string_value (b, mac);
  json_builder_end_object (b);
  doc = json_builder_get_root (b);
  text = rw_json_canonical (doc);
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (&error, RW_STORE_ERROR, RW_STORE_ERROR_IO, "%s: cannot create the directory: %s", dir,
                   g_strerror (errno));
      goto fail;
    }
  if (g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    return;
fail:
  g_warning ("%s: %s", s->path, error->message);
}

gboolean
rw_store_commit_events (RwStore *s, const char *purpose, GError **error)
{
  if (!rw_store_commit (s, purpose, error))
    return FALSE;
  rw_store_checkpoint (s);
  return TRUE;
}

/* Keys the chain of a database opened read-write, once: a new database from its first event, an
 * older one from the next (the events before stay as they were, and verify says they predate
 * keying). The first keyed event of an older log, "store.keyed", says how much came before. */
static gboolean
key_the_chain (RwStore *s, GError **error)
{
  const char *purpose = "keying the audit chain";
  g_auto(ChainInfo) ci = { 0 };
  g_autofree char *head_hash = NULL, *kv = NULL, *from = NULL, *id = NULL;
  g_autoptr(GBytes) id_bytes = NULL;
  gint64 head, shadow_rows, ticket_rows, update_rows;
  const guint8 *raw;
  gsize len;

  if (!chain_info (s, &ci, purpose, error))
    return FALSE;
  if (ci.key_version != 0)
    return chain_key (s, ci.key_version, "opening", error) != NULL;
  if (!rw_store_begin_write (s, purpose, error))
    return FALSE;
  chain_info_clear (&ci);
  if (!chain_info (s, &ci, purpose, error) || !last_event (s, &head, &head_hash, purpose, error)
      || !count_rows (s, "SELECT coalesce (max (id), 0) FROM shadow", &shadow_rows, purpose, error)
      || !count_rows (s, "SELECT coalesce (max (id), 0) FROM tickets", &ticket_rows, purpose, error)
      || !count_rows (s, "SELECT coalesce (max (id), 0) FROM ticket_updates", &update_rows, purpose, error))
    goto fail;
  if (ci.key_version != 0) /* another connection keyed it meanwhile */
    {
      rw_store_rollback (s);
      return chain_key (s, ci.key_version, "opening", error) != NULL;
    }
  id_bytes = rw_keyring_random_bytes (16);
  raw = g_bytes_get_data (id_bytes, &len);
  {
    GString *h = g_string_new (NULL);
    for (gsize i = 0; i < len; i++)
      g_string_append_printf (h, "%02x", raw[i]);
    id = g_string_free (h, FALSE);
  }
  kv = g_strdup_printf ("%u", rw_keyring_current (s->keys));
  from = g_strdup_printf ("%" G_GINT64_FORMAT, head + 1);
  if (!meta_set (s, "audit_key_version", kv, purpose, error) || !meta_set (s, "audit_keyed_from", from, purpose, error)
      || !meta_set (s, "audit_db_id", id, purpose, error))
    goto fail;
  if (head > 0)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) payload = NULL;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "legacy_events");
      json_builder_add_int_value (b, head);
      json_builder_set_member_name (b, "legacy_head_hash");
      json_builder_add_string_value (b, head_hash);
      json_builder_set_member_name (b, "shadow_rows_before");
      json_builder_add_int_value (b, shadow_rows);
      json_builder_set_member_name (b, "tickets_before");
      json_builder_add_int_value (b, ticket_rows);
      json_builder_set_member_name (b, "ticket_updates_before");
      json_builder_add_int_value (b, update_rows);
      json_builder_set_member_name (b, "key_version");
      json_builder_add_int_value (b, rw_keyring_current (s->keys));
      json_builder_end_object (b);
      payload = json_builder_get_root (b);
      if (!rw_store_append_locked (s, 0, "store.keyed", "store", "DETERMINISTIC", payload, NULL, error))
        goto fail;
    }
  if (!rw_store_commit_events (s, purpose, error))
    return FALSE;
  return TRUE;

fail:
  rw_store_rollback (s);
  return FALSE;
}

gboolean
rw_store_append_locked (RwStore *s, gint64 run_id, const char *kind, const char *actor, const char *decision_tag,
                        JsonNode *payload, gint64 *seq_out, GError **error)
{
  const char *purpose = "appending an audit event";
  g_autofree char *payload_text = rw_json_canonical (payload);
  g_autofree char *now = rw_store_now ();
  g_autofree char *prev_hash = NULL, *hash = NULL, *seq_text = NULL, *envelope = NULL;
  g_autoptr(RwStoreStmt) insert = NULL;
  g_auto(ChainInfo) ci = { 0 };
  gint64 last_seq;

  if (run_id > 0)
    {
      gboolean exists;
      if (!rw_store_run_exists (s, run_id, &exists, error))
        return FALSE;
      if (!exists)
        return no_such_run (s, run_id, purpose, error);
    }
  if (!chain_info (s, &ci, purpose, error) || !last_event (s, &last_seq, &prev_hash, purpose, error))
    return FALSE;
  if (ci.key_version != 0 && last_seq + 1 >= ci.keyed_from)
    {
      GBytes *key = chain_key (s, ci.key_version, purpose, error);
      if (key == NULL)
        return FALSE;
      envelope = keyed_envelope_text (last_seq + 1, now, run_id > 0, run_id, kind, actor, decision_tag, payload_text);
      hash = keyed_hash (key, prev_hash, envelope);
    }
  else
    {
      /* only a store that has not keyed its chain yet (the migration's own writes) */
      envelope = envelope_text (run_id > 0, run_id, kind, actor, decision_tag, payload_text);
      hash = chain_hash (prev_hash, envelope);
    }

  insert = rw_store_prepare (s,
    "INSERT INTO audit (seq, ts, run_id, kind, actor, decision_tag, payload, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", purpose, error);
  if (insert == NULL)
    return FALSE;
  if (sqlite3_bind_int64 (insert, 1, last_seq + 1) != SQLITE_OK || bind_text (insert, 2, now) != SQLITE_OK
      || bind_run (insert, 3, run_id) != SQLITE_OK || bind_text (insert, 4, kind) != SQLITE_OK
      || bind_text (insert, 5, actor) != SQLITE_OK || bind_text (insert, 6, decision_tag) != SQLITE_OK
      || bind_text (insert, 7, payload_text) != SQLITE_OK || bind_text (insert, 8, prev_hash) != SQLITE_OK
      || bind_text (insert, 9, hash) != SQLITE_OK)
    return bind_failed (s, purpose, error);
  if (!step_done (s, insert, purpose, error))
    return FALSE;
  /* the head of the log, so that events removed from its end are noticed */
  seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, last_seq + 1);
  if (!meta_set (s, "audit_head_seq", seq_text, purpose, error) || !meta_set (s, "audit_head_hash", hash, purpose, error))
    return FALSE;
  if (seq_out)
    *seq_out = last_seq + 1;
  return TRUE;
}

gboolean
rw_store_append (RwStore *s, gint64 run_id, const char *kind, const char *actor, const char *decision_tag,
                 JsonNode *payload, gint64 *seq_out, GError **error)
{
  const char *purpose = "appending an audit event";
  gint64 seq = 0;

  g_return_val_if_fail (s != NULL, FALSE);
  g_return_val_if_fail (kind != NULL && *kind != '\0', FALSE);
  g_return_val_if_fail (actor != NULL && *actor != '\0', FALSE);

  if (!rw_store_begin_write (s, purpose, error))
    return FALSE;
  if (!rw_store_append_locked (s, run_id, kind, actor, decision_tag, payload, &seq, error))
    {
      rw_store_rollback (s);
      return FALSE;
    }
  if (!rw_store_commit_events (s, purpose, error))
    return FALSE;
  if (seq_out)
    *seq_out = seq;
  return TRUE;
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

/* Compares the log with the signed checkpoint of its head kept beside the key file: a cut
 * tail (with the head in meta rewritten to match) or a lost WAL file leaves fewer events than
 * the checkpoint records. */
static WalkResult
check_checkpoint (RwStore *s, const ChainInfo *ci, gint64 last_seq, gint64 *bad, char **why, GError **error)
{
  const char *purpose = "verifying the audit chain";
  g_autofree char *path = checkpoint_path (s, ci->db_id), *mac = NULL;
  g_auto(Checkpoint) c = { 0 };
  gboolean present;
  GBytes *key;

  if (!checkpoint_read (path, &c, &present))
    {
      if (!present && last_seq < ci->keyed_from)
        return WALK_INTACT; /* nothing keyed yet, nothing to checkpoint */
      *bad = 0;
      *why = present ? g_strdup_printf ("the signed checkpoint %s is unreadable (it was edited)", path)
                     : g_strdup_printf ("there is no signed checkpoint of this log (%s): it was deleted, or the key "
                                        "file is not the one the log was written with", path);
      return WALK_BROKEN;
    }
  /* signed with the chain's own key version, never one the file names */
  if ((key = chain_key (s, ci->key_version, purpose, error)) == NULL)
    return WALK_ERROR;
  mac = checkpoint_mac (key, c.db_id, c.key_version, c.seq, c.hash);
  if (!rw_keyring_mac_equal (mac, c.mac) || c.key_version != ci->key_version || strcmp (c.db_id, ci->db_id) != 0)
    {
      *bad = 0;
      *why = g_strdup_printf ("the signed checkpoint %s does not verify with key version %u (it is forged, or "
                              "belongs to another database)", path, ci->key_version);
      return WALK_BROKEN;
    }
  if (c.seq > last_seq)
    {
      *bad = last_seq + 1;
      *why = last_seq + 1 == c.seq
        ? g_strdup_printf ("event %" G_GINT64_FORMAT " is missing: the signed checkpoint records %" G_GINT64_FORMAT
                           " events (the end of the log was cut, or committed events were lost with the WAL file)",
                           c.seq, c.seq)
        : g_strdup_printf ("events %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT " are missing: the signed checkpoint "
                           "records %" G_GINT64_FORMAT " events (the end of the log was cut, or committed events "
                           "were lost with the WAL file)", last_seq + 1, c.seq, c.seq);
      return WALK_BROKEN;
    }
  {
    g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, "SELECT hash FROM audit WHERE seq = ?", purpose, error);
    int rc;
    if (stmt == NULL)
      return WALK_ERROR;
    sqlite3_bind_int64 (stmt, 1, c.seq);
    if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
      {
        rw_store_fail (s, rc, purpose, error);
        return WALK_ERROR;
      }
    if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), c.hash) != 0)
      {
        *bad = c.seq;
        *why = g_strdup_printf ("event %" G_GINT64_FORMAT ": hash differs from the signed checkpoint (the log was "
                                "rewritten from there on)", c.seq);
        return WALK_BROKEN;
      }
  }
  return WALK_INTACT;
}

/* The first column of the first row @sql returns (?1: the first keyed event, ?2: @extra) in
 * *@found; WALK_INTACT when it returns none. */
static WalkResult
find_unvouched (RwStore *s, const char *sql, gint64 keyed_from, gint64 extra, char **found, GError **error)
{
  const char *purpose = "checking safety state against the audit chain";
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, sql, purpose, error);
  int rc;
  if (stmt == NULL)
    return WALK_ERROR;
  sqlite3_bind_int64 (stmt, 1, keyed_from);
  if (sqlite3_bind_parameter_count (stmt) > 1)
    sqlite3_bind_int64 (stmt, 2, extra);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return WALK_INTACT;
  if (rc != SQLITE_ROW)
    {
      rw_store_fail (s, rc, purpose, error);
      return WALK_ERROR;
    }
  *found = column_dup (stmt, 0);
  return WALK_BROKEN;
}

/* State that drives safety decisions is chained with the log: every shadow verdict and every
 * learning reward since keying is an event, and the tables must agree with those events. */
static WalkResult
check_safety_state (RwStore *s, const ChainInfo *ci, gint64 *bad, char **why, GError **error)
{
  g_autofree char *found = NULL;
  gint64 shadow_before = 0, tickets_before = 0, updates_before = 0;
  WalkResult r;
  {
    /* a log keyed after it began says, in its first keyed event, which rows came before */
    g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s,
      "SELECT coalesce (json_extract (payload, '$.shadow_rows_before'), 0), "
      "coalesce (json_extract (payload, '$.tickets_before'), 0), "
      "coalesce (json_extract (payload, '$.ticket_updates_before'), 0) FROM audit "
      "WHERE seq = ? AND kind = 'store.keyed'", "checking safety state against the audit chain", error);
    int rc;
    if (stmt == NULL)
      return WALK_ERROR;
    sqlite3_bind_int64 (stmt, 1, ci->keyed_from);
    if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        shadow_before = sqlite3_column_int64 (stmt, 0);
        tickets_before = sqlite3_column_int64 (stmt, 1);
        updates_before = sqlite3_column_int64 (stmt, 2);
      }
    else if (rc != SQLITE_DONE)
      {
        rw_store_fail (s, rc, "checking safety state against the audit chain", error);
        return WALK_ERROR;
      }
  }
  *bad = 0;
  r = find_unvouched (s,
    "SELECT s.id FROM shadow s WHERE s.id > ?2 AND NOT EXISTS (SELECT 1 FROM audit a "
    " WHERE a.kind = 'shadow.verdict' AND a.seq >= ?1 AND json_extract (a.payload, '$.shadow_id') = s.id "
    " AND json_extract (a.payload, '$.tier') IS s.tier AND json_extract (a.payload, '$.proposal') IS s.proposal "
    " AND json_extract (a.payload, '$.agreed') = (s.agreed != 0) "
    " AND json_extract (a.payload, '$.run_id') IS s.run_id) ORDER BY s.id LIMIT 1",
    ci->keyed_from, shadow_before, &found, error);
  if (r == WALK_BROKEN)
    *why = g_strdup_printf ("shadow verdict %s is not in the audit chain (the row was added or changed outside "
                            "Routewise)", found);
  if (r != WALK_INTACT)
    return r;
  r = find_unvouched (s,
    "SELECT t.id FROM tickets t WHERE t.id > ?2 AND (NOT EXISTS (SELECT 1 FROM audit a "
    "  WHERE a.kind = 'ticket.created' AND a.seq >= ?1 AND json_extract (a.payload, '$.ticket_id') = t.id "
    "  AND json_extract (a.payload, '$.severity') IS t.severity AND json_extract (a.payload, '$.runbook') IS t.runbook "
    "  AND json_extract (a.payload, '$.incident_sha256') IS rw_sha256 (t.incident)) "
    " OR coalesce ((SELECT json_extract (a.payload, '$.status') FROM audit a WHERE a.kind = 'ticket.status' "
    "   AND a.seq >= ?1 AND json_extract (a.payload, '$.ticket_id') = t.id ORDER BY a.seq DESC LIMIT 1), 'open') "
    "   IS NOT t.status "
    " OR (SELECT json_extract (a.payload, '$.reason_sha256') FROM audit a WHERE a.kind = 'ticket.status' "
    "   AND a.seq >= ?1 AND json_extract (a.payload, '$.ticket_id') = t.id ORDER BY a.seq DESC LIMIT 1) "
    "   IS NOT rw_sha256 (t.reason)) ORDER BY t.id LIMIT 1",
    ci->keyed_from, tickets_before, &found, error);
  if (r == WALK_BROKEN)
    *why = g_strdup_printf ("ticket %s differs from the audit chain: its status, reason or content was changed "
                            "outside Routewise", found);
  if (r != WALK_INTACT)
    return r;
  r = find_unvouched (s,
    "SELECT u.id FROM ticket_updates u WHERE u.id > ?2 AND NOT EXISTS (SELECT 1 FROM audit a "
    " WHERE a.kind = 'ticket.update' AND a.seq >= ?1 AND json_extract (a.payload, '$.update_id') = u.id "
    " AND json_extract (a.payload, '$.ticket_id') = u.ticket_id AND json_extract (a.payload, '$.task_id') IS u.task_id "
    " AND json_extract (a.payload, '$.status') IS u.status "
    " AND json_extract (a.payload, '$.detail_sha256') IS rw_sha256 (u.detail)) ORDER BY u.id LIMIT 1",
    ci->keyed_from, updates_before, &found, error);
  if (r == WALK_BROKEN)
    *why = g_strdup_printf ("ticket update %s is not in the audit chain (the row was added or changed outside "
                            "Routewise)", found);
  if (r != WALK_INTACT || ci->keyed_from > 1)
    return r; /* learning rows of a log keyed later have no events to be checked against */
  r = find_unvouched (s,
    "SELECT l.hypothesis_kind || '/' || l.action_kind FROM learning l LEFT JOIN "
    " (SELECT json_extract (payload, '$.hypothesis_kind') AS h, json_extract (payload, '$.action_kind') AS a, "
    "  count(*) AS n, total (json_extract (payload, '$.reward')) AS r FROM audit "
    "  WHERE kind = 'learning.reward' AND seq >= ?1 GROUP BY h, a) e "
    " ON e.h = l.hypothesis_kind AND e.a = l.action_kind "
    "WHERE coalesce (e.n, 0) != l.n OR abs (coalesce (e.r, 0) - l.reward_sum) > 1e-9 * max (1, abs (l.reward_sum)) "
    "ORDER BY l.hypothesis_kind, l.action_kind LIMIT 1",
    ci->keyed_from, 0, &found, error);
  if (r == WALK_BROKEN)
    *why = g_strdup_printf ("the learning statistics of %s differ from the rewards in the audit chain (the table was "
                            "changed outside Routewise)", found);
  return r;
}

/* Every text column of an event, by name, for the checks on what was stored. */
static const struct { int col; const char *name; gboolean nullable; } event_text_columns[] = {
  { 1, "ts", FALSE }, { 3, "kind", FALSE }, { 4, "actor", FALSE }, { 5, "decision tag", TRUE },
  { 6, "payload", FALSE }, { 7, "prev_hash", FALSE }, { 8, "hash", FALSE },
};

/* Text a C reader would cut short (a NUL byte inside), or a value that is not text at all: both
 * are stored only behind the store's back, and would hash differently from what is shown. */
static char *
stored_text_problem (sqlite3_stmt *stmt, gint64 seq)
{
  int rt = sqlite3_column_type (stmt, 2);
  if (rt != SQLITE_NULL && rt != SQLITE_INTEGER)
    return g_strdup_printf ("event %" G_GINT64_FORMAT ": its run is not a number (it was written outside Routewise)", seq);
  for (guint i = 0; i < G_N_ELEMENTS (event_text_columns); i++)
    {
      int col = event_text_columns[i].col, type = sqlite3_column_type (stmt, col);
      const void *bytes;
      int len;
      if (type == SQLITE_NULL && event_text_columns[i].nullable)
        continue;
      if (type != SQLITE_TEXT)
        return g_strdup_printf ("event %" G_GINT64_FORMAT ": its %s is not text (it was written outside Routewise)",
                                seq, event_text_columns[i].name);
      bytes = sqlite3_column_blob (stmt, col);
      len = sqlite3_column_bytes (stmt, col);
      if (bytes && memchr (bytes, '\0', (size_t) len))
        return g_strdup_printf ("event %" G_GINT64_FORMAT ": its %s holds a NUL byte, with text hidden after it "
                                "(it was written outside Routewise)", seq, event_text_columns[i].name);
    }
  return NULL;
}

static WalkResult
walk_chain (RwStore *s, gint64 *bad, char **why, GError **error)
{
  const char *purpose = "verifying the audit chain";
  g_autoptr(RwStoreStmt) stmt = NULL;
  g_autofree char *link = g_strdup (RW_STORE_GENESIS_HASH); /* the stored hash of the previous event */
  g_auto(ChainInfo) ci = { 0 };
  GBytes *key = NULL;
  gint64 expected = 1;
  WalkResult tail;
  int rc;

  if (!chain_info (s, &ci, purpose, error))
    return WALK_ERROR;
  if (ci.key_version != 0 && (key = chain_key (s, ci.key_version, purpose, error)) == NULL)
    return WALK_ERROR;
  stmt = rw_store_prepare (s,
    "SELECT seq, ts, run_id, kind, actor, decision_tag, payload, prev_hash, hash FROM audit ORDER BY seq",
    purpose, error);
  if (stmt == NULL)
    return WALK_ERROR;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      const char *prev_hash, *hash;
      g_autofree char *envelope = NULL, *computed = NULL, *problem = NULL;
      gboolean has_run;

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
      if ((problem = stored_text_problem (stmt, seq)) != NULL)
        {
          *bad = seq;
          *why = g_steal_pointer (&problem);
          return WALK_BROKEN;
        }
      prev_hash = (const char *) sqlite3_column_text (stmt, 7);
      hash = (const char *) sqlite3_column_text (stmt, 8);
      if (g_strcmp0 (prev_hash, link) != 0)
        {
          *bad = seq;
          *why = seq == 1 ? g_strdup ("event 1: prev_hash is not the genesis value (64 zeros)")
                          : g_strdup_printf ("event %" G_GINT64_FORMAT ": prev_hash does not match event %" G_GINT64_FORMAT,
                                             seq, seq - 1);
          return WALK_BROKEN;
        }
      has_run = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
      if (key && seq >= ci.keyed_from)
        {
          envelope = keyed_envelope_text (seq, (const char *) sqlite3_column_text (stmt, 1), has_run,
                                          sqlite3_column_int64 (stmt, 2), (const char *) sqlite3_column_text (stmt, 3),
                                          (const char *) sqlite3_column_text (stmt, 4),
                                          (const char *) sqlite3_column_text (stmt, 5),
                                          (const char *) sqlite3_column_text (stmt, 6));
          computed = keyed_hash (key, prev_hash, envelope);
        }
      else
        {
          envelope = envelope_text (has_run, sqlite3_column_int64 (stmt, 2), (const char *) sqlite3_column_text (stmt, 3),
                                    (const char *) sqlite3_column_text (stmt, 4),
                                    (const char *) sqlite3_column_text (stmt, 5),
                                    (const char *) sqlite3_column_text (stmt, 6));
          computed = chain_hash (prev_hash, envelope);
        }
      if (g_strcmp0 (hash, computed) != 0)
        {
          /* If the next event links to the hash this content gives, only the hash was rewritten. */
          gboolean hash_edited = FALSE;
          *bad = seq;
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            hash_edited = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 7), computed) == 0;
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
                                  : key && seq >= ci.keyed_from
                                    ? "its payload, time, kind, actor, decision tag, run or prev_hash was changed, or "
                                      "its hash was computed without the key"
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
  tail = check_tail (s, expected - 1, link, bad, why, error);
  if (tail != WALK_INTACT || ci.key_version == 0)
    return tail;
  if ((tail = check_checkpoint (s, &ci, expected - 1, bad, why, error)) != WALK_INTACT)
    return tail;
  return check_safety_state (s, &ci, bad, why, error);
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

char *
rw_store_keying_note (RwStore *s, GError **error)
{
  const char *purpose = "reading how the audit chain is keyed";
  g_auto(ChainInfo) ci = { 0 };
  g_autofree char *hash = NULL;
  gint64 head;
  if (!chain_info (s, &ci, purpose, error) || !last_event (s, &head, &hash, purpose, error))
    return NULL;
  if (ci.key_version == 0)
    return g_strdup ("the log predates keying: its hashes are plain SHA-256, which anyone who can write the file "
                     "can recompute (open it read-write once to key the events that follow)");
  if (ci.keyed_from > 1 && head > 0)
    return g_strdup_printf ("events 1 to %" G_GINT64_FORMAT " predate keying: their hashes are plain SHA-256, which "
                            "anyone who can write the file can recompute; events from %" G_GINT64_FORMAT " on are "
                            "keyed (key version %u)", MIN (ci.keyed_from - 1, head), ci.keyed_from, ci.key_version);
  return NULL;
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
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) payload = NULL;

  g_return_val_if_fail (s != NULL, FALSE);
  g_return_val_if_fail (hypothesis_kind != NULL && *hypothesis_kind != '\0', FALSE);
  g_return_val_if_fail (action_kind != NULL && *action_kind != '\0', FALSE);

  if (!isfinite (reward))
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID, "%s: %s for %s/%s: the reward %g is not a finite number",
                   s->path, purpose, hypothesis_kind, action_kind, reward);
      return FALSE;
    }
  if (!rw_store_begin_write (s, purpose, error))
    return FALSE;
  stmt = rw_store_prepare (s,
    "INSERT INTO learning (hypothesis_kind, action_kind, n, reward_sum, reward_sq_sum) VALUES (?, ?, 1, ?, ?) "
    "ON CONFLICT (hypothesis_kind, action_kind) DO UPDATE SET n = n + 1, "
    "reward_sum = reward_sum + excluded.reward_sum, reward_sq_sum = reward_sq_sum + excluded.reward_sq_sum",
    purpose, error);
  if (stmt == NULL)
    goto fail;
  if (bind_text (stmt, 1, hypothesis_kind) != SQLITE_OK || bind_text (stmt, 2, action_kind) != SQLITE_OK
      || sqlite3_bind_double (stmt, 3, reward) != SQLITE_OK || sqlite3_bind_double (stmt, 4, reward * reward) != SQLITE_OK)
    {
      bind_failed (s, purpose, error);
      goto fail;
    }
  if (!step_done (s, stmt, purpose, error))
    goto fail;
  /* the reward in the chain, so verify can recompute the table from it */
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "hypothesis_kind");
  json_builder_add_string_value (b, hypothesis_kind);
  json_builder_set_member_name (b, "action_kind");
  json_builder_add_string_value (b, action_kind);
  json_builder_set_member_name (b, "reward");
  json_builder_add_double_value (b, reward);
  json_builder_end_object (b);
  payload = json_builder_get_root (b);
  if (!rw_store_append_locked (s, 0, "learning.reward", "agent", "DETERMINISTIC", payload, NULL, error))
    goto fail;
  if (!rw_store_commit_events (s, purpose, error))
    return FALSE;
  return TRUE;

fail:
  rw_store_rollback (s);
  return FALSE;
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
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  gint64 id;
  int rc;

  g_return_val_if_fail (s != NULL && tier != NULL && proposal != NULL, FALSE);
  if (!rw_store_begin_write (s, purpose, error))
    return FALSE;
  stmt = rw_store_prepare (s, "INSERT INTO shadow (run_id, tier, proposal, agreed) VALUES (?, ?, ?, ?)", purpose, error);
  if (stmt == NULL)
    goto fail;
  if ((run_id > 0 ? sqlite3_bind_int64 (stmt, 1, run_id) : sqlite3_bind_null (stmt, 1)) != SQLITE_OK ||
      bind_text (stmt, 2, tier) != SQLITE_OK || bind_text (stmt, 3, proposal) != SQLITE_OK ||
      sqlite3_bind_int (stmt, 4, agreed ? 1 : 0) != SQLITE_OK)
    {
      bind_failed (s, purpose, error);
      goto fail;
    }
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      rw_store_fail (s, rc, purpose, error);
      goto fail;
    }
  id = sqlite3_last_insert_rowid (s->db);
  /* the verdict in the chain: graduation counts these, never the table */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "shadow_id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "run_id");
  if (run_id > 0)
    json_builder_add_int_value (b, run_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "tier");
  json_builder_add_string_value (b, tier);
  json_builder_set_member_name (b, "proposal");
  json_builder_add_string_value (b, proposal);
  json_builder_set_member_name (b, "agreed");
  json_builder_add_boolean_value (b, agreed);
  json_builder_end_object (b);
  payload = json_builder_get_root (b);
  /* no run: a run's events are its timeline, which this verdict is already part of */
  if (!rw_store_append_locked (s, 0, "shadow.verdict", "operator", "OPERATOR", payload, NULL, error))
    goto fail;
  if (!rw_store_commit_events (s, purpose, error))
    return FALSE;
  return TRUE;

fail:
  rw_store_rollback (s);
  return FALSE;
}

gboolean
rw_store_shadow_agreement (RwStore *s, const char *tier, guint last_n, guint *n, double *rate, GError **error)
{
  const char *purpose = "reading shadow-mode agreement";
  g_autoptr(RwStoreStmt) stmt = NULL;
  g_auto(ChainInfo) ci = { 0 };
  g_autoptr(GError) local = NULL;
  g_autofree char *why = NULL;
  gint64 bad = 0;
  int rc;

  g_return_val_if_fail (s != NULL && tier != NULL, FALSE);
  if (n)
    *n = 0;
  if (rate)
    *rate = 0;
  /* Only verdicts the keyed chain vouches for count: rows forged into the shadow table, or a
   * log that does not verify, must not let an agent act on its own. */
  if (!rw_store_verify_chain (s, &bad, &why, &local))
    {
      if (local)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_debug ("%s: %s: the audit chain is broken (%s); no verdict counts", s->path, purpose, why);
      return TRUE;
    }
  if (!chain_info (s, &ci, purpose, error))
    return FALSE;
  stmt = rw_store_prepare (s, "SELECT count(*), coalesce (avg (agreed), 0) FROM "
                              "(SELECT json_extract (payload, '$.agreed') AS agreed FROM audit "
                              " WHERE kind = 'shadow.verdict' AND seq >= ? AND json_extract (payload, '$.tier') = ? "
                              " ORDER BY seq DESC LIMIT ?)", purpose, error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_int64 (stmt, 1, ci.keyed_from) != SQLITE_OK || bind_text (stmt, 2, tier) != SQLITE_OK
      || sqlite3_bind_int64 (stmt, 3, last_n ? last_n : G_MAXINT32) != SQLITE_OK)
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

/* ---- envelope nonces ---- */

gboolean
rw_store_nonce_remember (RwStore *s, const char *nonce, const char *sender, guint64 seq, gint64 ts_ms,
                         gint64 forget_before_ms, gboolean *seen, GError **error)
{
  const char *purpose = "remembering an envelope nonce";
  g_autoptr(RwStoreStmt) prune = NULL, insert = NULL;

  g_return_val_if_fail (s != NULL && nonce != NULL && sender != NULL && seen != NULL, FALSE);
  if (!rw_store_begin_write (s, purpose, error))
    return FALSE;
  prune = rw_store_prepare (s, "DELETE FROM envelope_nonces WHERE ts_ms < ?", purpose, error);
  if (prune == NULL)
    goto fail;
  sqlite3_bind_int64 (prune, 1, forget_before_ms);
  if (!step_done (s, prune, purpose, error))
    goto fail;
  insert = rw_store_prepare (s, "INSERT INTO envelope_nonces (nonce, sender, seq, ts_ms) VALUES (?, ?, ?, ?) "
                                "ON CONFLICT (nonce) DO NOTHING", purpose, error);
  if (insert == NULL)
    goto fail;
  if (bind_text (insert, 1, nonce) != SQLITE_OK || bind_text (insert, 2, sender) != SQLITE_OK
      || sqlite3_bind_int64 (insert, 3, (gint64) MIN (seq, (guint64) G_MAXINT64)) != SQLITE_OK
      || sqlite3_bind_int64 (insert, 4, ts_ms) != SQLITE_OK)
    {
      bind_failed (s, purpose, error);
      goto fail;
    }
  if (!step_done (s, insert, purpose, error))
    goto fail;
  *seen = sqlite3_changes (s->db) == 0;
  return rw_store_commit (s, purpose, error);

fail:
  rw_store_rollback (s);
  return FALSE;
}
