/* rw-store-intake.c — runbook index, tickets and LLM runs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-store-intake.h"
#include "rw-store-private.h"
#include "rw-canonical.h"

static gboolean
done (RwStore *s, sqlite3_stmt *stmt, const char *purpose, GError **error)
{
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  return rc == SQLITE_DONE ? TRUE : rw_store_fail (s, rc, purpose, error);
}

static int
bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  return text ? sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT) : sqlite3_bind_null (stmt, index);
}

static char *
column_dup (sqlite3_stmt *stmt, int col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

/* ---- runbooks ---- */

void
rw_runbook_hit_free (RwRunbookHit *h)
{
  if (h == NULL)
    return;
  g_free (h->id);
  g_free (h);
}

gboolean
rw_store_runbooks_replace (RwStore *s, const RwRunbookRow *rows, guint n_rows, GError **error)
{
  const char *purpose = "indexing runbooks";
  if (!rw_store_begin_write (s, purpose, error))
    return FALSE;
  if (!rw_store_exec (s, "DELETE FROM runbooks", purpose, error))
    goto fail;
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s,
        "INSERT INTO runbooks (id, title, symptoms, keywords, steps) VALUES (?, ?, ?, ?, ?)", purpose, error);
      if (stmt == NULL)
        goto fail;
      if (bind_text (stmt, 1, rows[i].id) != SQLITE_OK || bind_text (stmt, 2, rows[i].title) != SQLITE_OK
          || bind_text (stmt, 3, rows[i].symptoms) != SQLITE_OK || bind_text (stmt, 4, rows[i].keywords) != SQLITE_OK
          || bind_text (stmt, 5, rows[i].steps) != SQLITE_OK)
        {
          rw_store_fail (s, sqlite3_errcode (s->db), purpose, error);
          goto fail;
        }
      if (!done (s, stmt, purpose, error))
        goto fail;
    }
  return rw_store_commit (s, purpose, error);
fail:
  rw_store_rollback (s);
  return FALSE;
}

GPtrArray *
rw_store_runbooks_search (RwStore *s, const char *match, const double weights[4], guint limit, GError **error)
{
  const char *purpose = "searching runbooks";
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_runbook_hit_free);
  /* the id column is unindexed, its weight is irrelevant; rowid breaks ties so ranks are stable */
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s,
    "SELECT id, bm25 (runbooks, 0.0, ?, ?, ?, ?) AS r FROM runbooks WHERE runbooks MATCH ? "
    "ORDER BY r, rowid LIMIT ?", purpose, error);
  int rc;
  if (stmt == NULL)
    return NULL;
  for (int i = 0; i < 4; i++)
    sqlite3_bind_double (stmt, i + 1, weights[i]);
  bind_text (stmt, 5, match);
  sqlite3_bind_int64 (stmt, 6, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RwRunbookHit *h = g_new0 (RwRunbookHit, 1);
      h->id = column_dup (stmt, 0);
      h->score = -sqlite3_column_double (stmt, 1);
      g_ptr_array_add (hits, h);
    }
  if (rc != SQLITE_DONE)
    {
      rw_store_fail (s, rc, purpose, error);
      return NULL;
    }
  return g_steal_pointer (&hits);
}

/* ---- tickets ---- */

void
rw_ticket_free (RwTicket *t)
{
  if (t == NULL)
    return;
  g_free (t->created);
  g_free (t->updated);
  g_free (t->incident);
  g_free (t->runbook);
  g_free (t->severity);
  g_free (t->status);
  g_free (t->reason);
  g_free (t);
}

gint64
rw_store_ticket_create (RwStore *s, const char *incident, const char *runbook, const char *severity, GError **error)
{
  const char *purpose = "creating a ticket";
  g_autofree char *now = rw_store_now ();
  g_autoptr(RwStoreStmt) stmt = NULL;
  if (!rw_store_check_writable (s, purpose, error))
    return -1;
  stmt = rw_store_prepare (s,
    "INSERT INTO tickets (created, updated, incident, runbook, severity, status) VALUES (?, ?, ?, ?, ?, 'open')",
    purpose, error);
  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, now);
  bind_text (stmt, 2, now);
  bind_text (stmt, 3, incident);
  bind_text (stmt, 4, runbook);
  bind_text (stmt, 5, severity);
  if (!done (s, stmt, purpose, error))
    return -1;
  return sqlite3_last_insert_rowid (s->db);
}

static gboolean
no_ticket (RwStore *s, gint64 id, const char *purpose, GError **error)
{
  g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID, "%s: %s: there is no ticket %" G_GINT64_FORMAT,
               s->path, purpose, id);
  return FALSE;
}

gboolean
rw_store_ticket_update (RwStore *s, gint64 ticket_id, const char *task_id, const char *status, JsonNode *detail,
                        GError **error)
{
  g_autofree char *purpose = g_strdup_printf ("updating ticket %" G_GINT64_FORMAT, ticket_id);
  g_autofree char *now = rw_store_now ();
  g_autofree char *text = detail ? rw_json_canonical (detail) : NULL;
  if (!rw_store_begin_write (s, purpose, error))
    return FALSE;
  {
    g_autoptr(RwStoreStmt) touch = rw_store_prepare (s, "UPDATE tickets SET updated = ? WHERE id = ?", purpose, error);
    if (touch == NULL)
      goto fail;
    bind_text (touch, 1, now);
    sqlite3_bind_int64 (touch, 2, ticket_id);
    if (!done (s, touch, purpose, error))
      goto fail;
    if (sqlite3_changes (s->db) == 0)
      {
        no_ticket (s, ticket_id, purpose, error);
        goto fail;
      }
  }
  {
    g_autoptr(RwStoreStmt) ins = rw_store_prepare (s,
      "INSERT INTO ticket_updates (ticket_id, ts, task_id, status, detail) VALUES (?, ?, ?, ?, ?)", purpose, error);
    if (ins == NULL)
      goto fail;
    sqlite3_bind_int64 (ins, 1, ticket_id);
    bind_text (ins, 2, now);
    bind_text (ins, 3, task_id);
    bind_text (ins, 4, status);
    bind_text (ins, 5, text);
    if (!done (s, ins, purpose, error))
      goto fail;
  }
  return rw_store_commit (s, purpose, error);
fail:
  rw_store_rollback (s);
  return FALSE;
}

gboolean
rw_store_ticket_set_status (RwStore *s, gint64 ticket_id, const char *status, const char *reason, JsonNode *plan,
                            GError **error)
{
  g_autofree char *purpose = g_strdup_printf ("closing ticket %" G_GINT64_FORMAT, ticket_id);
  g_autofree char *now = rw_store_now ();
  g_autofree char *text = plan ? rw_json_canonical (plan) : NULL;
  g_autoptr(RwStoreStmt) stmt = NULL;
  if (!rw_store_check_writable (s, purpose, error))
    return FALSE;
  stmt = rw_store_prepare (s, "UPDATE tickets SET status = ?, reason = ?, plan = coalesce (?, plan), updated = ? "
                              "WHERE id = ?", purpose, error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, status);
  bind_text (stmt, 2, reason);
  bind_text (stmt, 3, text);
  bind_text (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, ticket_id);
  if (!done (s, stmt, purpose, error))
    return FALSE;
  return sqlite3_changes (s->db) > 0 ? TRUE : no_ticket (s, ticket_id, purpose, error);
}

#define TICKET_COLUMNS \
  "SELECT id, created, updated, incident, runbook, severity, status, reason, " \
  "(SELECT count(*) FROM ticket_updates u WHERE u.ticket_id = tickets.id) FROM tickets "

static RwTicket *
ticket_from_row (sqlite3_stmt *stmt)
{
  RwTicket *t = g_new0 (RwTicket, 1);
  t->id = sqlite3_column_int64 (stmt, 0);
  t->created = column_dup (stmt, 1);
  t->updated = column_dup (stmt, 2);
  t->incident = column_dup (stmt, 3);
  t->runbook = column_dup (stmt, 4);
  t->severity = column_dup (stmt, 5);
  t->status = column_dup (stmt, 6);
  t->reason = column_dup (stmt, 7);
  t->n_updates = sqlite3_column_int (stmt, 8);
  return t;
}

RwTicket *
rw_store_ticket_get (RwStore *s, gint64 ticket_id, GError **error)
{
  const char *purpose = "reading a ticket";
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, TICKET_COLUMNS "WHERE id = ?", purpose, error);
  int rc;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return ticket_from_row (stmt);
  if (rc == SQLITE_DONE)
    no_ticket (s, ticket_id, purpose, error);
  else
    rw_store_fail (s, rc, purpose, error);
  return NULL;
}

GPtrArray *
rw_store_tickets (RwStore *s, GError **error)
{
  const char *purpose = "listing tickets";
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_ticket_free);
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, TICKET_COLUMNS "ORDER BY id DESC", purpose, error);
  int rc;
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, ticket_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rw_store_fail (s, rc, purpose, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

void
rw_ticket_update_free (RwTicketUpdate *u)
{
  if (u == NULL)
    return;
  g_free (u->ts);
  g_free (u->task_id);
  g_free (u->status);
  g_free (u->detail);
  g_free (u);
}

GPtrArray *
rw_store_ticket_updates (RwStore *s, gint64 ticket_id, GError **error)
{
  const char *purpose = "reading ticket updates";
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_ticket_update_free);
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s,
    "SELECT id, ticket_id, ts, task_id, status, detail FROM ticket_updates WHERE ? = 0 OR ticket_id = ? ORDER BY id",
    purpose, error);
  int rc;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, ticket_id);
  sqlite3_bind_int64 (stmt, 2, ticket_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RwTicketUpdate *u = g_new0 (RwTicketUpdate, 1);
      u->id = sqlite3_column_int64 (stmt, 0);
      u->ticket_id = sqlite3_column_int64 (stmt, 1);
      u->ts = column_dup (stmt, 2);
      u->task_id = column_dup (stmt, 3);
      u->status = column_dup (stmt, 4);
      u->detail = column_dup (stmt, 5);
      g_ptr_array_add (out, u);
    }
  if (rc != SQLITE_DONE)
    {
      rw_store_fail (s, rc, purpose, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* ---- LLM runs ---- */

gint64
rw_store_llm_run_record (RwStore *s, const char *endpoint, const char *model, const char *prompt,
                         const char *response, const char *decision_tag, const char *outcome, GError **error)
{
  const char *purpose = "recording an LLM run";
  g_autofree char *now = rw_store_now ();
  g_autofree char *ph = g_compute_checksum_for_string (G_CHECKSUM_SHA256, prompt, -1);
  g_autofree char *rh = response ? g_compute_checksum_for_string (G_CHECKSUM_SHA256, response, -1) : NULL;
  g_autoptr(RwStoreStmt) stmt = NULL;
  if (!rw_store_check_writable (s, purpose, error))
    return -1;
  stmt = rw_store_prepare (s,
    "INSERT INTO llm_runs (ts, endpoint, model, prompt, prompt_sha256, response, response_sha256, decision_tag, "
    "outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", purpose, error);
  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, now);
  bind_text (stmt, 2, endpoint);
  bind_text (stmt, 3, model);
  bind_text (stmt, 4, prompt);
  bind_text (stmt, 5, ph);
  bind_text (stmt, 6, response);
  bind_text (stmt, 7, rh);
  bind_text (stmt, 8, decision_tag);
  bind_text (stmt, 9, outcome);
  if (!done (s, stmt, purpose, error))
    return -1;
  return sqlite3_last_insert_rowid (s->db);
}

gboolean
rw_store_llm_run_count (RwStore *s, gint64 *count, GError **error)
{
  const char *purpose = "counting LLM runs";
  g_autoptr(RwStoreStmt) stmt = rw_store_prepare (s, "SELECT count(*) FROM llm_runs", purpose, error);
  int rc;
  if (stmt == NULL)
    return FALSE;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return rw_store_fail (s, rc, purpose, error);
  *count = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}
