/* rw-store-intake.c — runbook index, tickets and LLM runs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-store-intake.h"
#include "rw-store-private.h"
#include "rw-canonical.h"

#include <string.h>

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

/* Ticket changes are chained with the audit log (run 0: a run's events are its timeline), so
 * `audit verify` finds a status or an update written behind the store's back. Free texts go in
 * as SHA-256 hashes (rw_store_sha256_hex), which keeps the events small. */
static void
add_member_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_member_hash (JsonBuilder *b, const char *name, const char *text)
{
  g_autofree char *hash = rw_store_sha256_hex (text);
  add_member_string (b, name, hash);
}

static gboolean
ticket_event (RwStore *s, const char *kind, JsonBuilder *b, GError **error)
{
  g_autoptr(JsonNode) payload = NULL;
  json_builder_end_object (b);
  payload = json_builder_get_root (b);
  return rw_store_append_locked (s, 0, kind, "intake", "DETERMINISTIC", payload, NULL, error);
}

gint64
rw_store_ticket_create (RwStore *s, const char *incident, const char *runbook, const char *severity, GError **error)
{
  const char *purpose = "creating a ticket";
  g_autofree char *now = rw_store_now ();
  g_autoptr(RwStoreStmt) stmt = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 id;
  if (!rw_store_begin_write (s, purpose, error))
    return -1;
  stmt = rw_store_prepare (s,
    "INSERT INTO tickets (created, updated, incident, runbook, severity, status) VALUES (?, ?, ?, ?, ?, 'open')",
    purpose, error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, now);
  bind_text (stmt, 2, now);
  bind_text (stmt, 3, incident);
  bind_text (stmt, 4, runbook);
  bind_text (stmt, 5, severity);
  if (!done (s, stmt, purpose, error))
    goto fail;
  id = sqlite3_last_insert_rowid (s->db);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ticket_id");
  json_builder_add_int_value (b, id);
  add_member_string (b, "severity", severity);
  add_member_string (b, "runbook", runbook);
  add_member_hash (b, "incident_sha256", incident);
  if (!ticket_event (s, "ticket.created", b, error) || !rw_store_commit_events (s, purpose, error))
    goto fail;
  return id;
fail:
  rw_store_rollback (s);
  return -1;
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
  {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "ticket_id");
    json_builder_add_int_value (b, ticket_id);
    json_builder_set_member_name (b, "update_id");
    json_builder_add_int_value (b, sqlite3_last_insert_rowid (s->db));
    add_member_string (b, "task_id", task_id);
    add_member_string (b, "status", status);
    add_member_hash (b, "detail_sha256", text);
    if (!ticket_event (s, "ticket.update", b, error))
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
rw_store_ticket_set_status (RwStore *s, gint64 ticket_id, const char *status, const char *reason, JsonNode *plan,
                            GError **error)
{
  g_autofree char *purpose = g_strdup_printf ("closing ticket %" G_GINT64_FORMAT, ticket_id);
  g_autofree char *now = rw_store_now ();
  g_autofree char *text = plan ? rw_json_canonical (plan) : NULL;
  g_autoptr(RwStoreStmt) stmt = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  if (!rw_store_begin_write (s, purpose, error))
    return FALSE;
  stmt = rw_store_prepare (s, "UPDATE tickets SET status = ?, reason = ?, plan = coalesce (?, plan), updated = ? "
                              "WHERE id = ?", purpose, error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, status);
  bind_text (stmt, 2, reason);
  bind_text (stmt, 3, text);
  bind_text (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, ticket_id);
  if (!done (s, stmt, purpose, error))
    goto fail;
  if (sqlite3_changes (s->db) == 0)
    {
      no_ticket (s, ticket_id, purpose, error);
      goto fail;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ticket_id");
  json_builder_add_int_value (b, ticket_id);
  add_member_string (b, "status", status);
  add_member_hash (b, "reason_sha256", reason);
  add_member_hash (b, "plan_sha256", text);
  if (!ticket_event (s, "ticket.status", b, error) || !rw_store_commit_events (s, purpose, error))
    goto fail;
  return TRUE;
fail:
  rw_store_rollback (s);
  return FALSE;
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

/* ---- bounded records ---- */

char *
rw_store_bounded_text (const char *text, gssize len, gsize max)
{
  gsize n = len < 0 ? strlen (text) : (gsize) len, cut = MIN (max, n);
  g_autofree char *hash = NULL;
  if (n <= max)
    return g_strndup (text, n);
  /* back to the start of a character, so the prefix stays valid UTF-8 */
  while (cut > 0 && ((guchar) text[cut] & 0xC0) == 0x80)
    cut--;
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, n);
  return g_strdup_printf ("%.*s… [truncated: %" G_GSIZE_FORMAT " bytes in all, SHA-256 %s]", (int) cut, text, n,
                          hash);
}

static void bound_object_member (JsonObject *o, const char *name, JsonNode *member, gpointer max);

void
rw_store_bound_json (JsonNode *node, gsize max)
{
  if (node == NULL)
    return;
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        g_autoptr(GList) names = json_object_get_members (o);
        /* a long member name is renamed: collect first, the object changes under the walk */
        for (GList *l = names; l; l = l->next)
          bound_object_member (o, l->data, json_object_get_member (o, l->data), &max);
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (a); i++)
          rw_store_bound_json (json_array_get_element (a, i), max);
        break;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING && strlen (json_node_get_string (node)) > max)
        {
          g_autofree char *b = rw_store_bounded_text (json_node_get_string (node), -1, max);
          json_node_set_string (node, b);
        }
      break;
    case JSON_NODE_NULL:
    default:
      break;
    }
}

static void
bound_object_member (JsonObject *o, const char *name, JsonNode *member, gpointer max)
{
  gsize m = *(gsize *) max;
  rw_store_bound_json (member, m);
  if (strlen (name) > m)
    {
      g_autofree char *old = g_strdup (name);   /* @name is the object's, freed on removal */
      g_autofree char *b = rw_store_bounded_text (old, -1, m);
      json_object_set_member (o, b, json_node_ref (member));
      json_object_remove_member (o, old);
    }
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
  /* a huge answer (or a prompt carrying one back as "the current plan") is kept once, bounded */
  g_autofree char *pb = rw_store_bounded_text (prompt, -1, RW_STORE_LLM_TEXT_MAX);
  g_autofree char *rb = response ? rw_store_bounded_text (response, -1, RW_STORE_LLM_TEXT_MAX) : NULL;
  g_autofree char *ob = rw_store_bounded_text (outcome, -1, RW_STORE_AUDIT_STRING_MAX);
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
  bind_text (stmt, 4, pb);
  bind_text (stmt, 5, ph);
  bind_text (stmt, 6, rb);
  bind_text (stmt, 7, rh);
  bind_text (stmt, 8, decision_tag);
  bind_text (stmt, 9, ob);
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
