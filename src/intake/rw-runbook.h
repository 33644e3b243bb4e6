/* rw-runbook.h — runbooks (data/runbooks.json, format routewise-runbooks v1) and their
 * retrieval: an FTS5 index ranked with bm25(), queried with quoted terms built from the
 * operator's words after abbreviation expansion and typo correction.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-intake.h"
#include "rw-store-intake.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  char *id, *title, *severity;   /* severity: low, medium, high */
  char *symptoms, *keywords;
  GPtrArray *steps;              /* char* */
  GPtrArray *needs;              /* char*: facts the plan needs: link, router, isp, prefix */
  GHashTable *questions;         /* fact -> the question asked when it is missing */
  JsonNode *plan;                /* the plan template: an array of tasks with {link}… placeholders */
} RwRunbook;

typedef struct {
  char *source;
  GPtrArray *runbooks;           /* RwRunbook, file order */
  GHashTable *vocabulary;        /* lower-case words of every runbook text (typo correction) */
} RwRunbookSet;

void rw_runbook_free (RwRunbook *rb);
/* Strict: unknown keys, wrong types, duplicate ids, unknown severities or facts and plan
 * templates that fail structural validation are errors naming @source and the JSON path. */
RwRunbookSet *rw_runbook_set_load_file (const char *path, GError **error);
RwRunbookSet *rw_runbook_set_load_data (const char *data, gssize len, const char *source, GError **error);
void rw_runbook_set_free (RwRunbookSet *set);
const RwRunbook *rw_runbook_set_find (const RwRunbookSet *set, const char *id);

/* Column weights of bm25() for title, symptoms, keywords, steps. */
extern const double rw_runbook_weights[4];

/* (Re)builds the FTS5 index of @store from @set. */
gboolean rw_runbook_set_index (const RwRunbookSet *set, RwStore *store, GError **error);

/* The FTS5 MATCH expression for free text: words lower-cased, stop words dropped,
 * abbreviations expanded, unknown words corrected to the nearest vocabulary word (edit
 * distance 1, or 2 for long words), long words also as prefix queries, every term quoted and
 * the terms ORed. NULL when no term is left. */
char *rw_runbook_match_expression (const RwRunbookSet *set, const char *text);

/* Ranked runbooks for @text (RwRunbookHit, best first, at most @limit). When nothing matches,
 * the "unknown" runbook (if the set has one) comes back alone with score 0. @match_out (may be
 * NULL) receives the expression used. */
GPtrArray *rw_runbook_search (const RwRunbookSet *set, RwStore *store, const char *text, guint limit,
                              char **match_out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwRunbook, rw_runbook_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwRunbookSet, rw_runbook_set_free)

G_END_DECLS
