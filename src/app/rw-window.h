/* rw-window.h — the main window: canvas, side panel (inspector, paths, what-if, reasoning),
 * audit timeline, run controls.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-canvas.h"
#include "rw-link-table.h"
#include "rw-session-table.h"
#include "rw-document.h"
#include "rw-runner.h"
#include "rw-approval-dialog.h"
#include "rw-import-warnings-window.h"
#include "rw-route-map-editor.h"
#include "rw-demand-editor.h"
#include "rw-sla-editor.h"
#include "rw-router-editor.h"
#include "rw-prefix-editor.h"
#include "rw-bgp-table.h"

G_BEGIN_DECLS

#define RW_TYPE_WINDOW (rw_window_get_type ())
G_DECLARE_FINAL_TYPE (RwWindow, rw_window, RW, WINDOW, AdwApplicationWindow)

RwWindow *rw_window_new (AdwApplication *app);

/* Replaces the document (no prompt: callers ask first). */
void rw_window_set_document (RwWindow *win, RwDocument *doc);
RwDocument *rw_window_get_document (RwWindow *win);
/* Opens @file: a Routewise topology, or a Containerlab lab (.clab.yml/.clab.yaml), a folder of
 * FRR configurations or a .conf file, imported (rw_document_new_from_file). On error the
 * current document stays and the error is returned and shown in a dialog; an import's warnings
 * are announced with a toast that opens the warnings window. */
gboolean rw_window_open_file (RwWindow *win, GFile *file, GError **error);
/* The import warnings of the document's network in their own window (nothing when there are
 * none), and that window while it is open, else NULL. */
void rw_window_show_import_warnings (RwWindow *win);
RwImportWarningsWindow *rw_window_get_import_warnings_window (RwWindow *win);
/* Writes the document's network as a Containerlab lab into @dir (rw_clab_export, on a worker):
 * a toast names the .clab.yml, an error is shown in a dialog. */
void rw_window_export_clab (RwWindow *win, const char *dir);
/* Loads a scenario for the agent (the document's network runs when the scenario has none of its
 * own): a new paused run. */
gboolean rw_window_load_scenario (RwWindow *win, const char *path, GError **error);
/* A live session on the document's network (no scripted faults), used when no scenario is loaded. */
void rw_window_start_live_session (RwWindow *win);
void rw_window_set_db_path (RwWindow *win, const char *path);

RwCanvas *rw_window_get_canvas (RwWindow *win);
RwRunner *rw_window_get_runner (RwWindow *win);
/* The timeline rows as shown (filtered) and all of them. */
GListModel *rw_window_get_timeline (RwWindow *win);
GListModel *rw_window_get_timeline_all (RwWindow *win);
void rw_window_set_timeline_filter (RwWindow *win, const char *kind, const char *search);
/* The approval dialog on screen, or NULL. */
RwApprovalDialog *rw_window_get_approval_dialog (RwWindow *win);
/* Shows @request in an approval dialog over the window (what the run's requests do); the
 * answer goes to the run when it is waiting for one. */
RwApprovalDialog *rw_window_ask_approval (RwWindow *win, const RwApproval *request, guint timeout_s);
/* Answers approvals without asking (scripted runs): RW_ANSWER_TIMEOUT+1 means "ask". */
void rw_window_set_auto_answer (RwWindow *win, int answer);
/* Views rendered so far (paths, what-if, hypotheses) — for tests. */
GdkPaintable *rw_window_get_view (RwWindow *win, const char *name);
const char *rw_window_get_status (RwWindow *win);
/* Shows a page of the side panel: inspector, paths, whatif, incident, hypotheses. */
void rw_window_show_page (RwWindow *win, const char *name);
/* Runs an incident described in words on the document's network (a worker does it); the
 * result lands on the Incident page. */
void rw_window_run_incident (RwWindow *win, const char *text);
/* The last incident's result (the `incident --json` document), or NULL. */
JsonNode *rw_window_get_incident (RwWindow *win);
/* Live plan updates shown during the last incident run, and the Incident page's summary — for tests. */
guint rw_window_get_incident_updates (RwWindow *win);
const char *rw_window_get_incident_summary (RwWindow *win);
/* The open link and session tables (win.show-link-table, win.show-session-table), or NULL. */
RwLinkTable *rw_window_get_link_table (RwWindow *win);
RwSessionTable *rw_window_get_session_table (RwWindow *win);
/* Open Recent's items ("win.open-path" with the file's path), newest first — for tests. */
GMenuModel *rw_window_get_recent_menu (RwWindow *win);
/* The last incident's final plan graph, in DOT (NULL before one finished). */
const char *rw_window_get_incident_graph (RwWindow *win);
/* The newest toast's text (NULL before any) — for tests. */
const char *rw_window_get_last_toast (RwWindow *win);
/* The Paths page's summary and the What If page's change entry — for tests. */
const char *rw_window_get_paths_summary (RwWindow *win);
GtkEntry *rw_window_get_whatif_entry (RwWindow *win);
/* Opens @file as a dropped or file-manager file: after asking about unsaved changes. */
void rw_window_open_file_interactive (RwWindow *win, GFile *file);
/* The route-map, demand and SLA class editors (win.edit-route-maps, win.edit-demands,
 * win.edit-sla-classes) while open, else NULL. */
RwRouteMapEditor *rw_window_get_route_map_editor (RwWindow *win);
RwDemandEditor *rw_window_get_demand_editor (RwWindow *win);
RwSlaEditor *rw_window_get_sla_editor (RwWindow *win);
/* The last Containerlab export's .clab.yml, or why it failed (NULL while one runs) — for tests. */
const char *rw_window_get_export_result (RwWindow *win);
/* The last Verify Chain's verdict (NULL before one finished) — for tests. */
const char *rw_window_get_verify_result (RwWindow *win);
/* Saves a PNG of the window as drawn now. */
gboolean rw_window_screenshot (RwWindow *win, const char *path, GError **error);

/* The router editor, the prefix editor and the BGP table while open (win.edit-node,
 * win.edit-prefixes, win.bgp-table), else NULL. */
RwRouterEditor *rw_window_get_router_editor (RwWindow *win);
RwPrefixEditor *rw_window_get_prefix_editor (RwWindow *win);
RwBgpTable *rw_window_get_bgp_table (RwWindow *win);

/* For an editor window (transient for its main window): Ctrl+Z and Shift+Ctrl+Z, as the actions
 * "editor.undo" and "editor.redo", undo and redo there as in the main window. */
void rw_window_class_add_editor_history (GtkWidgetClass *wc);

G_END_DECLS
