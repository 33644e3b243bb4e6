/* rw-store.h — the workspace database (SQLite): runs, the tamper-evident audit chain, learning
 * statistics and scenario results (DESIGN.md section 6).
 *
 * One RwStore is one connection to one file. Use it from one thread at a time; two stores on the
 * same file (two threads, two processes) are safe: writes take the database lock and wait up to
 * 5 s for it (busy_timeout), and the file runs in WAL mode with synchronous=FULL, so a crash or
 * SIGKILL loses at most the transaction being written and never breaks the chain.
 *
 * The audit chain. Events are numbered 1, 2, 3… (seq, no gaps). Each stores
 *   prev_hash = the hash of event seq-1, or 64 '0' characters for event 1 (the genesis value);
 *   hash      = lowercase hex HMAC-SHA256, under the chain key, of the bytes  prev_hash || E
 * where prev_hash is its 64 ASCII hex characters and E is the canonical JSON (rw-canonical.h) of
 * every column but the hashes:
 *   {"actor": ACTOR, "decision_tag": TAG or null, "kind": KIND, "payload": PAYLOAD,
 *    "run_id": RUN_ID or null, "seq": SEQ, "ts": TS}
 * i.e. exactly, with the members in that (sorted) order and no whitespace. The payload column
 * holds the canonical JSON of the payload, so E can be rebuilt from the stored columns alone.
 * Text with a NUL byte in it, and a payload that is not JSON text, are refused at insert
 * (triggers) and reported by verification (C readers would show less than was hashed).
 *
 * The key. The chain key is a key of the keyring (rw-keyring.h), the file the envelopes are
 * signed with (default ~/.config/routewise/keys.json), never the database: whoever can write the
 * file cannot recompute the chain or append to it. meta holds only which key version
 * (audit_key_version), from which event on (audit_keyed_from) and the database's random id
 * (audit_db_id). A database from before keying (schema 3) verifies with its old, unkeyed hashes
 * (SHA-256 of prev_hash || E without seq and ts) and says so (rw_store_keying_note); its first
 * read-write open keys it from the next event on, which is a "store.keyed" event naming how many
 * came before.
 *
 * Checkpoints. After each commit the head (seq, hash) is written, with an HMAC under the same
 * key, to audit-checkpoints/<audit_db_id>.json beside the key file (mode 0600, atomically).
 * meta also records the head, but both can be cut together; the checkpoint outside the file
 * cannot, so a cut tail or a lost WAL file is named ("events 41–59 are missing: the signed
 * checkpoint records 59 events"). A crash between the commit and the checkpoint leaves the log
 * ahead of its checkpoint, which verifies.
 *
 * Safety state. Shadow verdicts (shadow.verdict), learning rewards (learning.reward) and ticket
 * changes (ticket.created, ticket.update, ticket.status) are events appended in the same
 * transaction as their rows; verification finds rows the chain does not vouch for, and shadow
 * agreement (graduation) is counted from verified events only, never from the table. SQL
 * triggers make UPDATE and DELETE on the audit table abort.
 *
 * Every failure is a GError in RW_STORE_ERROR whose message names the database file and what
 * was being done ("/home/ana/ws.db: appending an audit event: database is locked").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define RW_STORE_ERROR (rw_store_error_quark ())
GQuark rw_store_error_quark (void);

typedef enum {
  RW_STORE_ERROR_FAILED,          /* any other SQLite error */
  RW_STORE_ERROR_NOT_FOUND,       /* rw_store_open_readonly() on a path that does not exist */
  RW_STORE_ERROR_NOT_A_DATABASE,  /* not an SQLite file, or SQLite but not Routewise */
  RW_STORE_ERROR_CORRUPT,         /* an SQLite file that is damaged */
  RW_STORE_ERROR_VERSION,         /* written by a newer Routewise (schema version too high) */
  RW_STORE_ERROR_BUSY,            /* another connection held the lock for longer than 5 s */
  RW_STORE_ERROR_READ_ONLY,       /* a write on a store opened with rw_store_open_readonly() */
  RW_STORE_ERROR_INVALID,         /* a bad argument: unknown run, non-finite reward… */
  RW_STORE_ERROR_IO,              /* disk full, I/O error, cannot open the file */
} RwStoreError;

/* The schema version this build writes (meta.schema_version). */
#define RW_STORE_SCHEMA_VERSION 4

/* prev_hash of event 1. */
#define RW_STORE_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct _RwStore RwStore;

/* Opens @path, creating the file and the schema when it is missing or empty; sets WAL,
 * synchronous=FULL, busy_timeout=5000, foreign_keys=ON and upgrades an older schema. A file that
 * is not a Routewise database (another SQLite database, or not SQLite at all), a damaged one, or
 * one from a newer Routewise is refused and left untouched. */
RwStore *rw_store_open (const char *path, GError **error);
/* Opens an existing Routewise database without changing it (for `audit verify`, evidence copies):
 * SQLITE_OPEN_READONLY, so it works on a write-protected copy; without a WAL file beside it,
 * with immutable=1 (nothing is created beside it), and with one that cannot be read there, the
 * main file alone (the checkpoint then names what is missing). A missing path is
 * RW_STORE_ERROR_NOT_FOUND and nothing is created; every write fails with
 * RW_STORE_ERROR_READ_ONLY. Schema 3 (before keying) opens too. */
RwStore *rw_store_open_readonly (const char *path, GError **error);
/* Either of the above with the audit chain's keyring at @keys_path (NULL: the default one,
 * rw_keyring_default_path()). A read-write open creates the keyring when it is missing and keys
 * the chain; a read-only open without the key still opens, and verifying then fails naming the
 * key file. */
RwStore *rw_store_open_with_keys (const char *path, const char *keys_path, gboolean read_only, GError **error);
void rw_store_close (RwStore *s);
const char *rw_store_get_path (RwStore *s);

/* ---- runs ---- */

/* A new run (started now, UTC). @scenario may be NULL (a live session). Returns its id (>= 1),
 * or -1 with @error set. */
gint64 rw_store_begin_run (RwStore *s, const char *scenario, guint32 seed, const char *mode, GError **error);
/* Sets finished (now) and the result (may be NULL) of a run that has not ended yet. */
gboolean rw_store_end_run (RwStore *s, gint64 run_id, JsonNode *result, GError **error);
gboolean rw_store_run_exists (RwStore *s, gint64 run_id, gboolean *exists, GError **error);

/* ---- audit ---- */

typedef struct {
  gint64 seq;
  char *ts;            /* ISO 8601 UTC with microseconds, "2024-05-01T10:00:00.123456Z" */
  gint64 run_id;       /* 0 when the event belongs to no run */
  char *kind;
  char *actor;
  char *decision_tag;  /* may be NULL */
  char *payload;       /* canonical JSON text */
  char *prev_hash;
  char *hash;
} RwAuditEvent;

RwAuditEvent *rw_audit_event_copy (const RwAuditEvent *e);
void rw_audit_event_free (RwAuditEvent *e);

/* Appends one event as one transaction (BEGIN IMMEDIATE … COMMIT) and returns its seq in
 * @seq_out (may be NULL). @run_id <= 0 means no run; otherwise the run must exist. @kind and
 * @actor must be non-empty; @decision_tag may be NULL (LLM_DECISION, DETERMINISTIC, OPERATOR…);
 * @payload may be NULL (JSON null). */
gboolean rw_store_append (RwStore *s, gint64 run_id, const char *kind, const char *actor,
                          const char *decision_tag, JsonNode *payload, gint64 *seq_out, GError **error);
/* The events of one run (@run_id > 0), of no run (0), or all of them (< 0), by seq; free with
 * g_ptr_array_unref (the array frees its RwAuditEvents). NULL on error. */
GPtrArray *rw_store_events (RwStore *s, gint64 run_id, GError **error);
/* Only the events with seq > @after_seq (the app follows a running chain with it). */
GPtrArray *rw_store_events_since (RwStore *s, gint64 run_id, gint64 after_seq, GError **error);
/* The newest event: its seq (0 when the log is empty) and hash (the genesis value then). Either
 * out pointer may be NULL. Writing down the head hash anchors the log outside the file. */
gboolean rw_store_head (RwStore *s, gint64 *seq, char **hash, GError **error);

/* Walks the whole chain by seq in one read snapshot and recomputes every hash and link.
 * Returns TRUE with @error unset when it is intact. Returns FALSE with @error unset when it is
 * broken: *@first_bad_seq is the first event that is wrong or missing (0 when no single event is
 * to blame) and *@why one sentence, e.g.
 *   "event 17: hash does not match its content (its payload, time, kind, actor, decision tag, run or prev_hash
 *    was changed, or its hash was computed without the key)"
 *   "event 17: hash does not match its content (the stored hash was changed)"
 *   "event 18: prev_hash does not match event 17"
 *   "event 7: its payload holds a NUL byte, with text hidden after it (it was written outside Routewise)"
 *   "event 9 is missing (seq jumps from 8 to 10)"
 *   "events 199 to 200 are missing from the end of the log (it recorded 200 events)"
 *   "events 41–59 are missing: the signed checkpoint records 59 events (the end of the log was cut, or
 *    committed events were lost with the WAL file)"
 *   "shadow verdict 4 is not in the audit chain (the row was added or changed outside Routewise)"
 *   "ticket 1 differs from the audit chain: its status, reason or content was changed outside Routewise"
 * Returns FALSE with @error set when the database cannot be read (a damaged file is
 * RW_STORE_ERROR_CORRUPT) or the chain key cannot be had (RW_STORE_ERROR_INVALID, naming the
 * key file); then the out parameters are left alone. Either may be NULL. */
gboolean rw_store_verify_chain (RwStore *s, gint64 *first_bad_seq, char **why, GError **error);
/* How far the chain is keyed: NULL when every event is, else one sentence for the reader of a
 * verification ("events 1 to 40 predate keying: …", "the log predates keying: …"). */
char *rw_store_keying_note (RwStore *s, GError **error);

/* SQLite's own structural check (PRAGMA quick_check): TRUE when the file is sound; FALSE with
 * *@problem (may be NULL) set to SQLite's complaints joined into one line when it is damaged, or
 * with @error set when the check could not run. */
gboolean rw_store_check_integrity (RwStore *s, char **problem, GError **error);

/* ---- learning: reward statistics per (hypothesis kind, action kind), kept across runs ---- */

/* Adds one observation; @reward must be finite. */
gboolean rw_store_learning_record (RwStore *s, const char *hypothesis_kind, const char *action_kind,
                                   double reward, GError **error);
/* The number of observations and their mean; n = 0, mean = 0 for a pair never recorded.
 * Either out pointer may be NULL. */
gboolean rw_store_learning_get (RwStore *s, const char *hypothesis_kind, const char *action_kind,
                                guint *n, double *mean, GError **error);

typedef struct {
  char *hypothesis_kind, *action_kind;
  guint n;
  double mean;
} RwLearningRow;

void rw_learning_row_free (RwLearningRow *r);
/* Every (hypothesis kind, action kind) pair recorded, sorted by the two kinds; NULL on error. */
GPtrArray *rw_store_learning_list (RwStore *s, GError **error);

/* ---- scenario results (the harness) ---- */

/* @run_id must exist; @file may be NULL; @result may be NULL. */
gboolean rw_store_add_scenario_result (RwStore *s, gint64 run_id, const char *name, const char *file,
                                       JsonNode *result, GError **error);

/* ---- shadow mode ---- */
/* The operator's verdict on a proposal the agent made in shadow mode. */
gboolean rw_store_shadow_record (RwStore *s, gint64 run_id, const char *tier, const char *proposal, gboolean agreed,
                                 GError **error);
/* Over the last @last_n verdicts of @tier (0 = all): how many there are and the share agreed.
 * Counted from the shadow.verdict events of a chain that verifies; n = 0 when it does not. */
gboolean rw_store_shadow_agreement (RwStore *s, const char *tier, guint last_n, guint *n, double *rate, GError **error);

/* ---- envelope nonces (rw-envelope.h): replay protection that survives a restart ---- */
/* Records @nonce of an envelope from @sender (sequence @seq, sent at @ts_ms) unless it is
 * recorded already: *@seen says which. Nonces sent before @forget_before_ms are forgotten first
 * (such envelopes are refused as expired anyway). */
gboolean rw_store_nonce_remember (RwStore *s, const char *nonce, const char *sender, guint64 seq, gint64 ts_ms,
                                  gint64 forget_before_ms, gboolean *seen, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwStore, rw_store_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwAuditEvent, rw_audit_event_free)

G_END_DECLS
