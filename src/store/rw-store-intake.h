/* rw-store-intake.h — what incident intake keeps in the workspace database (DESIGN.md
 * sections 5 and 6): the runbook full-text index (FTS5), tickets with one update per task
 * result, and the LLM planner's runs with SHA-256 hashes of prompt and response.
 * Errors are RW_STORE_ERROR, named after the file like every other store call.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-store.h"

G_BEGIN_DECLS

/* ---- runbook index ---- */

/* One runbook as the index sees it: plain text per column. */
typedef struct {
  const char *id, *title, *symptoms, *keywords, *steps;
} RwRunbookRow;

typedef struct {
  char *id;
  double score;   /* -bm25(): higher is a better match */
} RwRunbookHit;

void rw_runbook_hit_free (RwRunbookHit *h);

/* Replaces the whole index with @rows (RwRunbookRow, n_rows of them) in one transaction. */
gboolean rw_store_runbooks_replace (RwStore *s, const RwRunbookRow *rows, guint n_rows, GError **error);
/* Runs an FTS5 MATCH expression (the caller builds it from quoted terms; raw user text is not a
 * valid expression) and ranks with bm25() using @weights for title, symptoms, keywords and
 * steps. Returns RwRunbookHit, best first, at most @limit; an empty array when nothing matches. */
GPtrArray *rw_store_runbooks_search (RwStore *s, const char *match, const double weights[4], guint limit,
                                     GError **error);

/* ---- tickets ---- */

typedef struct {
  gint64 id;
  char *created, *updated;
  char *incident;
  char *runbook;     /* may be NULL */
  char *severity;
  char *status;      /* open, resolved, escalated */
  char *reason;      /* may be NULL */
  guint n_updates;
} RwTicket;

void rw_ticket_free (RwTicket *t);

/* A new open ticket; returns its id (>= 1) or -1 with @error. */
gint64 rw_store_ticket_create (RwStore *s, const char *incident, const char *runbook, const char *severity,
                               GError **error);
/* Records one task result (@detail may be NULL) and touches the ticket. */
gboolean rw_store_ticket_update (RwStore *s, gint64 ticket_id, const char *task_id, const char *status,
                                 JsonNode *detail, GError **error);
/* Sets the status, the reason (may be NULL) and the plan that ran (may be NULL). */
gboolean rw_store_ticket_set_status (RwStore *s, gint64 ticket_id, const char *status, const char *reason,
                                     JsonNode *plan, GError **error);
RwTicket *rw_store_ticket_get (RwStore *s, gint64 ticket_id, GError **error);
/* Every ticket, newest first (RwTicket). */
GPtrArray *rw_store_tickets (RwStore *s, GError **error);

typedef struct {
  gint64 id, ticket_id;
  char *ts;
  char *task_id;     /* may be NULL */
  char *status;
  char *detail;      /* canonical JSON text, may be NULL */
} RwTicketUpdate;

void rw_ticket_update_free (RwTicketUpdate *u);
/* The updates of one ticket (@ticket_id > 0) or of all tickets (0), oldest first. */
GPtrArray *rw_store_ticket_updates (RwStore *s, gint64 ticket_id, GError **error);

/* ---- LLM runs ---- */

/* ---- bounded records ----
 * What an endpoint or a planner sends is kept, but not at any size: the append-only audit would
 * keep a huge argument for ever. A long text is kept as a prefix that names the whole one:
 * "<prefix>… [truncated: N bytes in all, SHA-256 <hex>]", cut on a UTF-8 boundary. */

/* The longest prompt, response or outcome stored whole in llm_runs. */
#define RW_STORE_LLM_TEXT_MAX (64 * 1024)
/* The longest string stored whole inside an intake audit payload. */
#define RW_STORE_AUDIT_STRING_MAX (4 * 1024)

/* @text (@len bytes, -1: NUL-terminated) as it is when it fits in @max bytes, else the bounded
 * form above (a little longer than @max). */
char *rw_store_bounded_text (const char *text, gssize len, gsize max);
/* Replaces, in place, every string value and member name in @node longer than @max bytes by
 * its bounded form. */
void rw_store_bound_json (JsonNode *node, gsize max);

/* Stores prompt and response (may be NULL when the call failed) with the SHA-256 hashes of the
 * whole texts, the decision tag (LLM_DECISION, DETERMINISTIC…) and a short outcome ("valid",
 * "repaired", "invalid: …", "timeout"). Texts over RW_STORE_LLM_TEXT_MAX are stored bounded
 * (the hash columns still hash the whole text). */
gint64 rw_store_llm_run_record (RwStore *s, const char *endpoint, const char *model, const char *prompt,
                                const char *response, const char *decision_tag, const char *outcome,
                                GError **error);
/* The number of LLM runs recorded. */
gboolean rw_store_llm_run_count (RwStore *s, gint64 *count, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwRunbookHit, rw_runbook_hit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwTicket, rw_ticket_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwTicketUpdate, rw_ticket_update_free)

G_END_DECLS
