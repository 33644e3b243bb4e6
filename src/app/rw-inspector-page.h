/* rw-inspector-page.h — the Inspector page: any entity of the network (node, link, session,
 * policy, prefix, demand, SLA class) as it stands, with a link's recent load and latency, and its
 * JSON to edit.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-document.h"

G_BEGIN_DECLS

#define RW_TYPE_INSPECTOR_PAGE (rw_inspector_page_get_type ())
G_DECLARE_FINAL_TYPE (RwInspectorPage, rw_inspector_page, RW, INSPECTOR_PAGE, AdwBin)

/* The document inspected (a reference is kept): its entities are listed and the first shown. */
void rw_inspector_page_set_document (RwInspectorPage *page, RwDocument *doc);
/* The network shown, for a link's or a demand's figures (borrowed: the caller sets it again
 * before it goes; NULL: none solved). */
void rw_inspector_page_set_twin (RwInspectorPage *page, const RwTwin *twin);
/* The document changed: the list of entities is made again and the entity shown read again. */
void rw_inspector_page_rebuild (RwInspectorPage *page);
/* Shows the entity at @path ("links[2]", "policies.from-cogent"; NULL: none), read again. */
void rw_inspector_page_inspect (RwInspectorPage *page, const char *path);
/* Shows the node or link @id (what the canvas selected); FALSE when there is none. */
gboolean rw_inspector_page_inspect_id (RwInspectorPage *page, const char *id);
/* Reads the entity shown again (Revert). */
void rw_inspector_page_refresh (RwInspectorPage *page);
/* The JSON path shown, or NULL. */
const char *rw_inspector_page_get_inspected (RwInspectorPage *page);
/* Replaces the entity with the edited JSON, as one undo step; the text stays with the error
 * under it when the document refuses it. */
gboolean rw_inspector_page_apply (RwInspectorPage *page);
/* A run's tick: each link's utilisation (the higher direction) and latency (the worse
 * direction) join the link's history. @observed_util: two per link, as measured. */
void rw_inspector_page_record (RwInspectorPage *page, const RwTwin *live, const double *observed_util);
/* A new run: the histories start again. */
void rw_inspector_page_clear_history (RwInspectorPage *page);

G_END_DECLS
