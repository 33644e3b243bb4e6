/* rw-incident-page.h — the Incident page: an incident described in words is matched to a
 * runbook, its plan is run on a copy of the network (a worker does it) and drawn as it runs,
 * and a ticket is kept.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include "rw-topology.h"
#include "rw-views.h"

G_BEGIN_DECLS

#define RW_TYPE_INCIDENT_PAGE (rw_incident_page_get_type ())
G_DECLARE_FINAL_TYPE (RwIncidentPage, rw_incident_page, RW, INCIDENT_PAGE, AdwBin)

/* Where the page draws the plan (the view "incident"). */
void rw_incident_page_set_views (RwIncidentPage *page, RwViews *views);
/* Runs @text on a copy of @topo with the database at @db_path; @llm_endpoint NULL or empty:
 * the rulebook plans. FALSE (nothing done) while one runs or when @text is blank. The
 * "running" property follows the run. */
gboolean rw_incident_page_run (RwIncidentPage *page, const char *text, const RwTopology *topo, const char *db_path,
                               const char *llm_endpoint, const char *llm_model);
/* The incident as typed on the page. */
char *rw_incident_page_dup_text (RwIncidentPage *page);
gboolean rw_incident_page_get_running (RwIncidentPage *page);
/* The last incident's result (the `incident --json` document; NULL before one finished), its
 * final plan graph in DOT, the page's summary, and the live plan views shown while it ran. */
JsonNode *rw_incident_page_get_result (RwIncidentPage *page);
const char *rw_incident_page_get_graph (RwIncidentPage *page);
const char *rw_incident_page_get_summary (RwIncidentPage *page);
guint rw_incident_page_get_updates (RwIncidentPage *page);

G_END_DECLS
