/* rw-store-private.h — what the files of src/store share: the connection and the helpers that
 * turn SQLite errors into GErrors. Other modules use rw-store.h only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-store.h"
#include "rw-keyring.h"

#include <sqlite3.h>

G_BEGIN_DECLS

struct _RwStore {
  sqlite3 *db;
  char *path;
  gboolean read_only;
  gboolean immutable;      /* opened with immutable=1: the WAL could not be read */
  char *keys_path;         /* the keyring the chain is keyed with */
  RwKeyring *keys;         /* NULL when it could not be loaded (read-only opens only) */
  char *keys_problem;      /* why, then */
};

/* Appends one audit event inside the write transaction the caller holds (rw_store_begin_write);
 * the caller commits with rw_store_commit_events. */
gboolean rw_store_append_locked (RwStore *s, gint64 run_id, const char *kind, const char *actor,
                                 const char *decision_tag, JsonNode *payload, gint64 *seq_out, GError **error);
/* Writes the signed checkpoint of the head (rw-store.h) after a commit; failures are warnings,
 * the events are committed already. */
void rw_store_checkpoint (RwStore *s);
/* Commits the write transaction that appended events, then writes the checkpoint of the new head. */
gboolean rw_store_commit_events (RwStore *s, const char *purpose, GError **error);
/* Lowercase hex SHA-256 of @text, NULL for NULL; the same function is rw_sha256() in SQL. */
char *rw_store_sha256_hex (const char *text);

/* Sets @error from the connection's last error (or from @rc when the connection has none):
 * "PATH: PURPOSE: SQLite's message". Always returns FALSE. */
gboolean rw_store_fail (RwStore *s, int rc, const char *purpose, GError **error);
/* A prepared statement for @sql (bind parameters, never build SQL from values). */
sqlite3_stmt *rw_store_prepare (RwStore *s, const char *sql, const char *purpose, GError **error);
/* Runs SQL without parameters (transaction control, DDL). */
gboolean rw_store_exec (RwStore *s, const char *sql, const char *purpose, GError **error);
/* BEGIN IMMEDIATE: takes the write lock now, so what is read inside is what the write builds on. */
gboolean rw_store_begin_write (RwStore *s, const char *purpose, GError **error);
gboolean rw_store_commit (RwStore *s, const char *purpose, GError **error);
/* Rolls back if a transaction is open; keeps the first error, which is the one that matters. */
void rw_store_rollback (RwStore *s);
/* RW_STORE_ERROR_READ_ONLY for a store opened read-only. */
gboolean rw_store_check_writable (RwStore *s, const char *purpose, GError **error);
/* Current time in UTC as stored in every ts/started/finished column. */
char *rw_store_now (void);

static inline void
rw_store_stmt_finalize (sqlite3_stmt *stmt)
{
  sqlite3_finalize (stmt);
}
typedef sqlite3_stmt RwStoreStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwStoreStmt, rw_store_stmt_finalize)

G_END_DECLS
