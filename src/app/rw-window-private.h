/* rw-window-private.h — RwWindow's state, shared by rw-window.c and rw-window-actions.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-window.h"
#include "rw-incident-page.h"
#include "rw-inspector-page.h"
#include "rw-link-table.h"
#include "rw-bgp-table.h"
#include "rw-demand-editor.h"
#include "rw-paths-page.h"
#include "rw-prefix-editor.h"
#include "rw-proving-bar.h"
#include "rw-reasoning-page.h"
#include "rw-route-map-editor.h"
#include "rw-router-editor.h"
#include "rw-session-table.h"
#include "rw-sla-editor.h"
#include "rw-sparkline.h"
#include "rw-views.h"
#include "rw-whatif-page.h"

struct _RwWindow {
  AdwApplicationWindow parent_instance;

  /* template */
  AdwToastOverlay *toasts;
  AdwWindowTitle *window_title;
  GtkDropDown *mode_dropdown;
  GtkButton *play_button;
  GtkLabel *status_label;
  RwProvingBar *proving_bar;
  GMenu *recent_section;          /* Open Recent in the primary menu */
  RwLinkTable *link_table;        /* in their windows while open (weak) */
  RwSessionTable *session_table;
  GtkAdjustment *speed_adjustment;
  RwCanvas *canvas;
  AdwViewStack *side_stack;
  /* the side pane's pages: each keeps its own widgets and state */
  RwInspectorPage *inspector_page;
  RwPathsPage *paths_page;
  RwWhatIfPage *whatif_page;
  RwIncidentPage *incident_page;
  RwReasoningPage *reasoning_page;
  GtkDropDown *kind_dropdown;
  GtkSearchEntry *timeline_search;
  GtkLabel *timeline_count;
  GtkListView *timeline_view;
  GtkTextView *event_detail;
  GtkWidget *warnings_button;
  GtkPaned *hpaned, *vpaned, *timeline_paned;

  /* state */
  GSettings *settings;
  RwDocument *doc;
  RwRunner *runner;
  RwSnapshot *snapshot;          /* newest from the runner */
  char *scenario_path;           /* NULL: a live session on the document */
  char *db_path;
  GListStore *timeline;          /* RwTimelineItem */
  GPtrArray *timeline_pending;   /* RwTimelineItem not yet shown (the list is not laid out yet) */
  guint flush_id;
  GtkFilterListModel *timeline_filtered;
  GtkCustomFilter *timeline_filter;
  GtkStringList *kinds;          /* "All kinds", then kinds seen */
  RwApprovalDialog *approval;
  RwImportWarningsWindow *import_warnings;  /* weak: while it is open */
  gboolean exporting;
  char *export_result;           /* the last export's .clab.yml, or why it failed */
  char *verify_result;           /* the last Verify Chain's verdict */
  gboolean may_close;            /* the unsaved changes were dealt with */
  int auto_answer;
  RwViews *views;                /* the Graphviz pictures of the pages and the approval dialog */
  GCancellable *cancellable;
  gboolean updating_mode;
  guint layout_id;               /* the panes' first split, once the window has a size */
  char *last_toast;              /* the newest toast's text (tests read it) */
  /* the editors in their windows while open (weak; rw-window-editors.c) */
  RwRouteMapEditor *route_map_editor;
  RwDemandEditor *demand_editor;
  RwSlaEditor *sla_editor;
  RwRouterEditor *router_editor; /* the editors and the BGP table while open (weak) */
  RwPrefixEditor *prefix_editor;
  RwBgpTable *bgp_table;
};

/* rw-window-actions.c */
void rw_window_install_actions (GtkWidgetClass *klass);
void rw_window_update_actions (RwWindow *win);
void rw_window_inject (RwWindow *win, RwScenarioEvent *e, const char *what);
void rw_window_toast (RwWindow *win, const char *message);
void _rw_window_add_toast (RwWindow *win, AdwToast *toast, const char *text);
void _rw_window_note_recent (RwWindow *win, GFile *file);
void _rw_window_refresh_tables (RwWindow *win);
void _rw_window_setup_drop (RwWindow *win);

/* rw-window-editors.c */
void _rw_window_install_editor_actions (GtkWidgetClass *klass);
void _rw_window_editors_follow_document (RwWindow *win);
void _rw_window_close_editors (RwWindow *win);

/* rw-window.c */
/* An error the user must read in full (a file and line): a dialog over the window, shown once
 * the window is on screen. */
void _rw_window_show_error (RwWindow *win, const char *heading, const char *message);
void rw_window_show_whatif (RwWindow *win, const char *changes_text);
RwScenario *rw_window_live_scenario (RwWindow *win, GError **error);
void rw_window_start_runner (RwWindow *win, RwScenario *scenario);

