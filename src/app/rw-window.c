/* rw-window.c — the main window: document and run state, views, timeline.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-window-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include "rw-render.h"
#include "rw-timeline-item.h"


G_DEFINE_FINAL_TYPE (RwWindow, rw_window, ADW_TYPE_APPLICATION_WINDOW)

void
rw_window_toast (RwWindow *win, const char *message)
{
  /* a toast's title is markup; messages quote file contents ("<data>:1:57…") */
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 6);
  _rw_window_add_toast (win, toast, message);
}

/* Every toast goes through here, so the newest one's text can be read back. */
void
_rw_window_add_toast (RwWindow *win, AdwToast *toast, const char *text)
{
  g_free (win->last_toast);
  win->last_toast = g_strdup (text);
  adw_toast_overlay_add_toast (win->toasts, toast);
}

const char *
rw_window_get_last_toast (RwWindow *win)
{
  return win->last_toast;
}

static void
present_on_map (GtkWidget *parent, GtkWindow *dialog)
{
  g_signal_handlers_disconnect_by_func (parent, present_on_map, dialog);
  gtk_window_present (dialog);
}

void
_rw_window_show_error (RwWindow *win, const char *heading, const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (win), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  /* a file opened from the command line fails before the window is shown: not in front of nothing */
  if (gtk_widget_get_mapped (GTK_WIDGET (win)))
    gtk_window_present (GTK_WINDOW (dialog));
  else
    g_signal_connect_object (win, "map", G_CALLBACK (present_on_map), dialog, 0);
}

/* A view could not be drawn. */
static void
on_view_error (RwViews *views, const char *message, RwWindow *win)
{
  rw_window_toast (win, message);
}

GdkPaintable *
rw_window_get_view (RwWindow *win, const char *name)
{
  return rw_views_get (win->views, name);
}

/* ---- what is shown ---- */

/* The twin on the canvas: the run's live network when it is this document's, else the
 * document's own. */
static const RwTwin *
shown_twin (RwWindow *win, const double **observed)
{
  const RwTopology *t = rw_document_get_topology (win->doc);
  *observed = NULL;
  if (win->snapshot && win->snapshot->live && rw_topology_same_links (win->snapshot->live->topo, t))
    {
      *observed = win->snapshot->observed_util;
      return win->snapshot->live;
    }
  return rw_document_get_twin (win->doc);
}

static void
update_title (RwWindow *win)
{
  g_autofree char *title = rw_document_dup_title (win->doc);
  g_autofree char *shown = rw_document_get_modified (win->doc) ? g_strdup_printf ("• %s", title) : g_strdup (title);
  const char *scenario = win->runner ? rw_runner_get_scenario (win->runner)->name : NULL;
  adw_window_title_set_title (win->window_title, shown);
  adw_window_title_set_subtitle (win->window_title, scenario ? scenario : _("Live session"));
}

static void
update_status (RwWindow *win)
{
  g_autofree char *text = NULL;
  const double *observed;
  const RwTwin *twin = shown_twin (win, &observed);
  RwSnapshot *s = win->snapshot;
  if (s && s->error && s->live == NULL)
    text = g_strdup_printf (_("The run could not start: %s"), s->error);
  else if (s && s->live)
    {
      const char *mode = s->mode == RW_MODE_SHADOW ? _("shadow") : s->mode == RW_MODE_AUTONOMOUS ? _("autonomous") : _("supervised");
      text = g_strdup_printf (_("Tick %u of %u (%.0f s) · %s · max utilisation %.0f %% · %u SLA misses · %u actions%s"), s->tick,
                              s->max_ticks, s->tick * s->tick_s, mode, 100 * s->live->traffic->max_utilisation,
                              s->live->traffic->n_sla_violations, s->result ? s->result->actions : 0,
                              s->finished ? _(" · finished") : "");
    }
  else if (twin)
    text = g_strdup_printf (_("%u nodes · %u links · max utilisation %.0f %% · %u of %u demands miss their SLA"),
                            twin->topo->nodes->len, twin->topo->links->len, 100 * twin->traffic->max_utilisation,
                            twin->traffic->n_sla_violations, twin->topo->demands->len);
  else
    text = g_strdup (_("Solving…"));
  gtk_label_set_text (win->status_label, text);
}

const char *
rw_window_get_status (RwWindow *win)
{
  return gtk_label_get_text (win->status_label);
}

/* The link and session tables, when open, list the network on the canvas. */
void
_rw_window_refresh_tables (RwWindow *win)
{
  const double *observed;
  const RwTwin *twin = shown_twin (win, &observed);
  if (win->link_table)
    rw_link_table_set_twin (win->link_table, twin, observed);
  if (win->session_table)
    rw_session_table_set_twin (win->session_table, twin);
  if (win->bgp_table)
    rw_bgp_table_set_twin (win->bgp_table, twin);
}

static void
refresh_canvas (RwWindow *win)
{
  const double *observed;
  const RwTwin *twin = shown_twin (win, &observed);
  rw_canvas_set_twin (win->canvas, twin, observed);
  /* the pages keep the network shown, and are given the new one before the old one goes */
  rw_inspector_page_set_twin (win->inspector_page, twin);
  rw_paths_page_set_twin (win->paths_page, twin);
  update_status (win);
  _rw_window_refresh_tables (win);
}

/* ---- the pages ---- */

static void
on_selection_changed (RwCanvas *canvas, RwWindow *win)
{
  GPtrArray *nodes = rw_canvas_get_selected_nodes (canvas), *links = rw_canvas_get_selected_links (canvas);
  const char *id = nodes->len ? nodes->pdata[nodes->len - 1] : links->len ? links->pdata[links->len - 1] : NULL;
  if (id)
    rw_inspector_page_inspect_id (win->inspector_page, id);
  rw_window_update_actions (win);
}

static void
on_edit_failed (RwCanvas *canvas, const char *message, RwWindow *win)
{
  rw_window_toast (win, message);
}

/* The demand picked on the Paths page: the canvas draws its path. */
static void
on_demand_changed (RwPathsPage *page, GParamSpec *pspec, RwWindow *win)
{
  rw_canvas_set_demand (win->canvas, rw_paths_page_get_demand (page));
}

static void
on_whatif_changes (RwWhatIfPage *page, GParamSpec *pspec, RwWindow *win)
{
  rw_window_update_actions (win);
}

static void
on_incident_running (RwIncidentPage *page, GParamSpec *pspec, RwWindow *win)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (win), "win.incident", !rw_incident_page_get_running (page));
}

void
rw_window_show_whatif (RwWindow *win, const char *text)
{
  const double *observed;
  const RwTwin *twin = shown_twin (win, &observed);
  if (twin == NULL)
    return;
  adw_view_stack_set_visible_child_name (win->side_stack, "whatif");
  rw_whatif_page_simulate (win->whatif_page, twin, text);
}

void
rw_window_run_incident (RwWindow *win, const char *text)
{
  g_autofree char *endpoint = g_strstrip (g_settings_get_string (win->settings, "llm-endpoint"));
  g_autofree char *model = g_strstrip (g_settings_get_string (win->settings, "llm-model"));
  if (rw_incident_page_run (win->incident_page, text, rw_document_get_topology (win->doc), win->db_path, endpoint, model))
    adw_view_stack_set_visible_child_name (win->side_stack, "incident");
}

/* ---- the run ---- */

static gboolean flush_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data);

/* GTK 4.8's list view must have laid out a row before it gets items (it asserts otherwise),
 * so rows wait until the timeline has a size. */
static void
flush_timeline (RwWindow *win)
{
  if (win->timeline_pending->len == 0)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (win->timeline_view)) && gtk_widget_get_height (GTK_WIDGET (win->timeline_view)) > 0)
    {
      g_list_store_splice (win->timeline, g_list_model_get_n_items (G_LIST_MODEL (win->timeline)), 0,
                           win->timeline_pending->pdata, win->timeline_pending->len);
      g_ptr_array_set_size (win->timeline_pending, 0);
      {
        g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u event", "%u events", g_list_model_get_n_items (G_LIST_MODEL (win->timeline))),
                                                 g_list_model_get_n_items (G_LIST_MODEL (win->timeline)));
        gtk_label_set_text (win->timeline_count, count);
      }
    }
  else if (win->flush_id == 0)
    win->flush_id = gtk_widget_add_tick_callback (GTK_WIDGET (win->timeline_view), flush_tick, win, NULL);
}

static gboolean
flush_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  RwWindow *win = data;
  if (gtk_widget_get_height (widget) <= 0)
    return G_SOURCE_CONTINUE;
  win->flush_id = 0;
  flush_timeline (win);
  return G_SOURCE_REMOVE;
}

static void
on_snapshot (RwRunner *runner, RwSnapshot *s, RwWindow *win)
{
  g_clear_pointer (&win->snapshot, rw_snapshot_unref);
  win->snapshot = rw_snapshot_ref (s);
  for (guint i = 0; s->events && i < s->events->len; i++)
    {
      g_autoptr(RwTimelineItem) item = rw_timeline_item_new (s->events->pdata[i], s->tick_s);
      const char *kind = rw_timeline_item_get_kind (item);
      gboolean known = FALSE;
      for (guint k = 1; k < g_list_model_get_n_items (G_LIST_MODEL (win->kinds)) && !known; k++)
        known = g_strcmp0 (gtk_string_list_get_string (win->kinds, k), kind) == 0;
      if (!known)
        gtk_string_list_append (win->kinds, kind);
      g_ptr_array_add (win->timeline_pending, g_steal_pointer (&item));
    }
  flush_timeline (win);
  if (!s->mid_tick) /* one point per tick: a mid-tick snapshot's values come again at its end */
    rw_inspector_page_record (win->inspector_page, s->live, s->observed_util);
  if (s->error)
    rw_window_toast (win, s->error);
  win->updating_mode = TRUE;
  gtk_drop_down_set_selected (win->mode_dropdown, s->mode);
  win->updating_mode = FALSE;
  refresh_canvas (win);
  if (s->events && s->events->len)
    {
      /* Graphviz views are drawn for the page in sight; the others when they are shown */
      rw_reasoning_page_set_run (win->reasoning_page, s, G_LIST_MODEL (win->timeline));
      rw_paths_page_invalidate (win->paths_page);
    }
  {
    const char *inspected = rw_inspector_page_get_inspected (win->inspector_page);
    if (inspected && g_str_has_prefix (inspected, "links["))
      rw_inspector_page_refresh (win->inspector_page);
  }
  rw_window_update_actions (win);
}

static void
on_answered (RwApprovalDialog *d, int answer, const char *modified, RwWindow *win)
{
  /* only to a request still waiting: a stray answer would be taken for the next one */
  if (win->runner && rw_runner_has_pending_approval (win->runner))
    rw_runner_answer (win->runner, (RwAnswer) answer, modified);
  win->approval = NULL;
}

/* The blast radius of @changes, drawn on the network the agent computed its request on, so the
 * picture and the figures in the dialog agree. */
static void
draw_approval_blast (RwWindow *win, RwApprovalDialog *d, const char *const *changes)
{
  const double *observed;
  const RwTwin *twin = rw_approval_dialog_get_model (d) ? rw_approval_dialog_get_model (d) : shown_twin (win, &observed);
  g_autoptr(RwTwin) after = twin && changes[0] ? rw_twin_fork_apply (twin, changes, NULL) : NULL;
  if (after)
    rw_views_render (win->views, "approval", rw_dot_blast_radius (twin, after, changes[0]), "neato",
                     rw_approval_dialog_get_blast_picture (d));
}

static void
on_change_verified (RwApprovalDialog *d, const char *change, RwWindow *win)
{
  draw_approval_blast (win, d, (const char *const[]) { change, NULL });
}

RwApprovalDialog *
rw_window_ask_approval (RwWindow *win, const RwApproval *req, guint timeout_s)
{
  win->approval = rw_approval_dialog_new (GTK_WINDOW (win), req, timeout_s);
  g_signal_connect (win->approval, "answered", G_CALLBACK (on_answered), win);
  g_signal_connect (win->approval, "change-verified", G_CALLBACK (on_change_verified), win);
  draw_approval_blast (win, win->approval, (const char *const *) req->changes);
  gtk_window_present (GTK_WINDOW (win->approval));
  return win->approval;
}

static void
on_approval (RwRunner *runner, RwApproval *req, RwWindow *win)
{
  guint timeout_s = 0;
  if (win->auto_answer <= RW_ANSWER_MODIFY)
    {
      rw_runner_answer (runner, (RwAnswer) win->auto_answer, NULL);
      return;
    }
  /* a T2 request applies itself after its TTL in simulated time; the loop waits meanwhile */
  if (g_strcmp0 (req->tier, "T2") == 0 && req->mode != RW_MODE_SHADOW)
    timeout_s = (guint) ceil (req->ttl_ticks * rw_runner_get_scenario (runner)->tick_s);
  rw_window_ask_approval (win, req, timeout_s);
}

static void
on_running_changed (RwRunner *runner, RwWindow *win)
{
  gboolean playing = rw_runner_is_playing (runner);
  gtk_button_set_icon_name (win->play_button, playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (win->play_button), playing ? _("Pause the Agent") : _("Run the Agent"));
}

/* The tier limits and the T2 timeout from the preferences; the rest keeps its defaults. */
static void
guard_config_from_settings (RwWindow *win, RwGuardConfig *cfg)
{
  rw_guard_config_init (cfg);
  cfg->t1_confidence = g_settings_get_double (win->settings, "t1-confidence");
  cfg->t1_blast = g_settings_get_double (win->settings, "t1-blast-radius");
  cfg->t2_confidence = g_settings_get_double (win->settings, "t2-confidence");
  cfg->t2_blast = g_settings_get_double (win->settings, "t2-blast-radius");
  cfg->t2_ttl_ticks = g_settings_get_uint (win->settings, "t2-timeout-ticks");
  cfg->cost_weight = g_settings_get_double (win->settings, "cost-weight");
}

void
rw_window_start_runner (RwWindow *win, RwScenario *scenario)
{
  g_autoptr(GError) error = NULL;
  RwGuardConfig cfg;
  RwRunner *runner;
  RwMode mode;
  if (win->approval)
    rw_approval_dialog_answer (win->approval, RW_ANSWER_REJECT, NULL);
  if (win->runner)
    {
      g_signal_handlers_disconnect_by_data (win->runner, win);
      rw_proving_bar_set_runner (win->proving_bar, NULL);
      rw_runner_shutdown (win->runner);
      g_clear_object (&win->runner);
    }
  g_clear_pointer (&win->snapshot, rw_snapshot_unref);
  refresh_canvas (win); /* the canvas drew the old run's network: it must not keep a pointer into it */
  g_list_store_remove_all (win->timeline);
  g_ptr_array_set_size (win->timeline_pending, 0);
  gtk_string_list_splice (win->kinds, 1, g_list_model_get_n_items (G_LIST_MODEL (win->kinds)) - 1, NULL);
  rw_inspector_page_clear_history (win->inspector_page);
  guard_config_from_settings (win, &cfg);
  mode = scenario->mode;
  runner = rw_runner_new (scenario, win->db_path, &cfg, &error);
  if (runner == NULL)
    {
      rw_window_toast (win, error->message);
      return;
    }
  win->runner = runner;
  g_signal_connect (runner, "snapshot", G_CALLBACK (on_snapshot), win);
  g_signal_connect (runner, "approval", G_CALLBACK (on_approval), win);
  g_signal_connect (runner, "running-changed", G_CALLBACK (on_running_changed), win);
  rw_proving_bar_set_runner (win->proving_bar, runner);
  rw_runner_set_interval (runner, (guint) gtk_adjustment_get_value (win->speed_adjustment));
  win->updating_mode = TRUE;
  gtk_drop_down_set_selected (win->mode_dropdown, mode);
  win->updating_mode = FALSE;
  on_running_changed (runner, win);
  update_title (win);
  rw_window_update_actions (win);
}

RwScenario *
rw_window_live_scenario (RwWindow *win, GError **error)
{
  /* the document's network with no scripted faults: the operator injects them */
  g_autofree char *topo = rw_topology_to_data (rw_document_get_topology (win->doc), NULL);
  g_autofree char *mode = g_settings_get_string (win->settings, "default-mode");
  g_autofree char *json = g_strdup_printf ("{\"format\": \"routewise-scenario\", \"version\": 1, \"name\": \"%s\", "
                                           "\"topology\": %s, \"seed\": 1, \"tick_s\": 10, \"ticks\": 100000, "
                                           "\"noise\": 0.03, \"mode\": \"%s\", \"baseline_ticks\": 30, \"events\": []}",
                                           _("Live session"), topo, mode);
  return rw_scenario_load_data (json, -1, _("live session"), NULL, error);
}

void
rw_window_start_live_session (RwWindow *win)
{
  g_autoptr(GError) error = NULL;
  RwScenario *sc = rw_window_live_scenario (win, &error);
  g_clear_pointer (&win->scenario_path, g_free);
  if (sc == NULL)
    {
      rw_window_toast (win, error->message);
      return;
    }
  rw_window_start_runner (win, sc);
}

gboolean
rw_window_load_scenario (RwWindow *win, const char *path, GError **error)
{
  RwScenario *sc = rw_scenario_load_file (path, error);
  if (sc == NULL)
    return FALSE;
  g_free (win->scenario_path);
  win->scenario_path = g_strdup (path);
  rw_window_start_runner (win, sc);
  return TRUE;
}

RwRunner *
rw_window_get_runner (RwWindow *win)
{
  return win->runner;
}

void
rw_window_set_db_path (RwWindow *win, const char *path)
{
  g_free (win->db_path);
  win->db_path = g_strdup (path);
}

void
rw_window_set_auto_answer (RwWindow *win, int answer)
{
  win->auto_answer = answer;
}

RwApprovalDialog *
rw_window_get_approval_dialog (RwWindow *win)
{
  return win->approval;
}

/* ---- document ---- */

/* The header's warning button, the action and an open warnings window follow the document. */
static void
update_import_warnings (RwWindow *win)
{
  GPtrArray *warnings = rw_document_get_topology (win->doc)->import_warnings;
  g_autofree char *tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Import Warning", "%u Import Warnings", warnings->len),
                                          warnings->len);
  gtk_widget_set_visible (win->warnings_button, warnings->len > 0);
  gtk_widget_set_tooltip_text (win->warnings_button, tip);
  gtk_widget_action_set_enabled (GTK_WIDGET (win), "win.show-import-warnings", warnings->len > 0);
  if (win->import_warnings && warnings->len == 0)
    gtk_window_destroy (GTK_WINDOW (win->import_warnings)); /* the weak pointer clears itself */
  else if (win->import_warnings)
    {
      g_autofree char *title = rw_document_dup_title (win->doc);
      rw_import_warnings_window_set_warnings (win->import_warnings, title, warnings);
    }
}

void
rw_window_show_import_warnings (RwWindow *win)
{
  GPtrArray *warnings = rw_document_get_topology (win->doc)->import_warnings;
  if (warnings->len == 0)
    return;
  if (win->import_warnings == NULL)
    {
      win->import_warnings = rw_import_warnings_window_new (GTK_WINDOW (win));
      g_object_add_weak_pointer (G_OBJECT (win->import_warnings), (gpointer *) &win->import_warnings);
      update_import_warnings (win);
    }
  gtk_window_present (GTK_WINDOW (win->import_warnings));
}

RwImportWarningsWindow *
rw_window_get_import_warnings_window (RwWindow *win)
{
  return win->import_warnings;
}

/* After an open: an import says so, and how many warnings it left, with a way to read them. */
static void
announce_import (RwWindow *win)
{
  GPtrArray *warnings = rw_document_get_topology (win->doc)->import_warnings;
  g_autofree char *title = rw_document_dup_title (win->doc);
  g_autofree char *text = NULL, *escaped = NULL;
  AdwToast *toast;
  if (rw_document_get_source (win->doc) == NULL && warnings->len == 0)
    return;
  if (rw_document_get_source (win->doc) == NULL)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u import warning", "%u import warnings", warnings->len), warnings->len);
  else if (warnings->len == 0)
    text = g_strdup_printf (_("Imported “%s”"), title);
  else
    /* Translators: the network's name, then how many warnings its import gave */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported “%s” with %u warning", "Imported “%s” with %u warnings", warnings->len),
                            title, warnings->len);
  escaped = g_markup_escape_text (text, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 10);
  if (warnings->len > 0)
    {
      adw_toast_set_button_label (toast, _("_Show"));
      adw_toast_set_action_name (toast, "win.show-import-warnings");
    }
  _rw_window_add_toast (win, toast, text);
}

static void
on_doc_changed (RwDocument *doc, RwWindow *win)
{
  update_import_warnings (win);
  rw_paths_page_set_topology (win->paths_page, rw_document_get_topology (doc));
  rw_inspector_page_rebuild (win->inspector_page);
  refresh_canvas (win);
  rw_window_update_actions (win);
}

static void
on_doc_solved (RwDocument *doc, RwWindow *win)
{
  refresh_canvas (win);
  rw_paths_page_refresh (win->paths_page);
  rw_inspector_page_refresh (win->inspector_page);
}

static void
on_doc_modified (RwDocument *doc, GParamSpec *pspec, RwWindow *win)
{
  update_title (win);
  rw_window_update_actions (win);
}

static void
on_doc_file (RwDocument *doc, GParamSpec *pspec, RwWindow *win)
{
  /* saved under a name (an imported network saved as JSON): that is the network to reopen */
  GFile *file = rw_document_get_file (doc);
  if (file && g_file_peek_path (file))
    g_settings_set_string (win->settings, "last-topology", g_file_peek_path (file));
}

void
rw_window_set_document (RwWindow *win, RwDocument *doc)
{
  if (win->doc)
    g_signal_handlers_disconnect_by_data (win->doc, win);
  if (win->doc != doc)
    _rw_window_close_editors (win);
  g_set_object (&win->doc, doc);
  g_signal_connect (doc, "changed", G_CALLBACK (on_doc_changed), win);
  g_signal_connect (doc, "solved", G_CALLBACK (on_doc_solved), win);
  g_signal_connect (doc, "notify::modified", G_CALLBACK (on_doc_modified), win);
  g_signal_connect (doc, "notify::can-undo", G_CALLBACK (on_doc_modified), win);
  g_signal_connect (doc, "notify::can-redo", G_CALLBACK (on_doc_modified), win);
  g_signal_connect (doc, "notify::file", G_CALLBACK (on_doc_modified), win);
  g_signal_connect (doc, "notify::file", G_CALLBACK (on_doc_file), win);
  rw_canvas_set_document (win->canvas, doc);
  refresh_canvas (win);
  rw_paths_page_set_topology (win->paths_page, rw_document_get_topology (doc));
  rw_inspector_page_set_document (win->inspector_page, doc);
  update_title (win);
  update_import_warnings (win);
  rw_window_update_actions (win);
  _rw_window_editors_follow_document (win);
}

RwDocument *
rw_window_get_document (RwWindow *win)
{
  return win->doc;
}

gboolean
rw_window_open_file (RwWindow *win, GFile *file, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(RwDocument) doc = rw_document_new_from_file (file, &local);
  if (doc == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *heading = g_strdup_printf (_("Could Not Open “%s”"), name);
      /* in full: the message names the file and the line or JSON path */
      _rw_window_show_error (win, heading, local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  rw_window_set_document (win, doc);
  if (g_file_peek_path (file))
    g_settings_set_string (win->settings, "last-topology", g_file_peek_path (file));
  _rw_window_note_recent (win, file);
  /* the network a run works on is the document's: a live session follows the new file */
  if (win->scenario_path == NULL)
    rw_window_start_live_session (win);
  announce_import (win);
  return TRUE;
}

/* ---- recent files ---- */

/* A file opened or saved goes to the recent files, as in every GNOME app; Open Recent lists it. */
void
_rw_window_note_recent (RwWindow *win, GFile *file)
{
  g_autofree char *uri = file && g_file_is_native (file) ? g_file_get_uri (file) : NULL;
  if (uri)
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

static int
recent_newest_first (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified (*(GtkRecentInfo **) a), *tb = gtk_recent_info_get_modified (*(GtkRecentInfo **) b);
  return -g_date_time_compare (ta, tb);
}

#define RECENT_MAX 8

/* Open Recent: the files this application opened or saved that still exist, newest first. */
static void
update_recent_menu (GtkRecentManager *manager, RwWindow *win)
{
  GList *items = gtk_recent_manager_get_items (manager);
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  const char *app = g_get_application_name () ? g_get_application_name () : g_get_prgname ();
  for (GList *l = items; l; l = l->next)
    if (app && gtk_recent_info_has_application (l->data, app) && gtk_recent_info_is_local (l->data) && gtk_recent_info_exists (l->data))
      g_ptr_array_add (mine, l->data);
  g_ptr_array_sort (mine, recent_newest_first);
  g_menu_remove_all (win->recent_section);
  for (guint i = 0; i < mine->len && i < RECENT_MAX; i++)
    {
      g_autofree char *path = g_filename_from_uri (gtk_recent_info_get_uri (mine->pdata[i]), NULL, NULL);
      g_autoptr(GMenuItem) item = NULL;
      if (path == NULL)
        continue;
      item = g_menu_item_new (gtk_recent_info_get_display_name (mine->pdata[i]), NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-path", g_variant_new_string (path));
      g_menu_append_item (win->recent_section, item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (win->recent_section)) == 0)
    g_menu_append (win->recent_section, _("No Recent Networks"), "win.no-recent");
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

RwLinkTable *
rw_window_get_link_table (RwWindow *win)
{
  return win->link_table;
}

RwSessionTable *
rw_window_get_session_table (RwWindow *win)
{
  return win->session_table;
}

GMenuModel *
rw_window_get_recent_menu (RwWindow *win)
{
  return G_MENU_MODEL (win->recent_section);
}

const char *
rw_window_get_paths_summary (RwWindow *win)
{
  return rw_paths_page_get_summary (win->paths_page);
}

GtkEntry *
rw_window_get_whatif_entry (RwWindow *win)
{
  return rw_whatif_page_get_entry (win->whatif_page);
}

guint
rw_window_get_incident_updates (RwWindow *win)
{
  return rw_incident_page_get_updates (win->incident_page);
}

const char *
rw_window_get_incident_summary (RwWindow *win)
{
  return rw_incident_page_get_summary (win->incident_page);
}

const char *
rw_window_get_incident_graph (RwWindow *win)
{
  return rw_incident_page_get_graph (win->incident_page);
}

JsonNode *
rw_window_get_incident (RwWindow *win)
{
  return rw_incident_page_get_result (win->incident_page);
}

const char *
rw_window_get_export_result (RwWindow *win)
{
  return win->export_result;
}

const char *
rw_window_get_verify_result (RwWindow *win)
{
  return win->verify_result;
}

RwCanvas *
rw_window_get_canvas (RwWindow *win)
{
  return win->canvas;
}

/* ---- timeline ---- */

static char *
kind_item_label (GtkStringObject *item)
{
  return g_strdup (rw_timeline_kind_label (gtk_string_object_get_string (item)));
}

static gboolean
timeline_match (gpointer item, gpointer data)
{
  RwWindow *win = data;
  RwTimelineItem *t = item;
  guint k = gtk_drop_down_get_selected (win->kind_dropdown);
  const char *search = gtk_editable_get_text (GTK_EDITABLE (win->timeline_search));
  if (k != GTK_INVALID_LIST_POSITION && k > 0 &&
      g_strcmp0 (gtk_string_list_get_string (win->kinds, k), rw_timeline_item_get_kind (t)) != 0)
    return FALSE;
  if (search && *search)
    {
      g_autofree char *hay = g_utf8_casefold (rw_timeline_item_get_summary (t), -1);
      g_autofree char *needle = g_utf8_casefold (search, -1);
      g_autofree char *kind = g_utf8_casefold (rw_timeline_kind_label (rw_timeline_item_get_kind (t)), -1);
      if (strstr (hay, needle) == NULL && strstr (rw_timeline_item_get_kind (t), needle) == NULL && strstr (kind, needle) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
refilter (RwWindow *win)
{
  gtk_filter_changed (GTK_FILTER (win->timeline_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

void
rw_window_set_timeline_filter (RwWindow *win, const char *kind, const char *search)
{
  guint k = 0;
  for (guint i = 1; kind && i < g_list_model_get_n_items (G_LIST_MODEL (win->kinds)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (win->kinds, i), kind) == 0)
      k = i;
  gtk_drop_down_set_selected (win->kind_dropdown, k);
  gtk_editable_set_text (GTK_EDITABLE (win->timeline_search), search ? search : "");
  refilter (win);
}

GListModel *
rw_window_get_timeline (RwWindow *win)
{
  return G_LIST_MODEL (win->timeline_filtered);
}

GListModel *
rw_window_get_timeline_all (RwWindow *win)
{
  return G_LIST_MODEL (win->timeline);
}

static void
on_kind_selected (GObject *o, GParamSpec *pspec, RwWindow *win)
{
  refilter (win);
}

static void
on_search_changed (GtkSearchEntry *e, RwWindow *win)
{
  refilter (win);
}

static void
on_row_setup (GtkSignalListItemFactory *f, GtkListItem *li, gpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *tick = gtk_label_new (NULL), *kind = gtk_label_new (NULL), *summary = gtk_label_new (NULL);
  gtk_widget_add_css_class (box, "timeline-row");
  gtk_widget_add_css_class (tick, "tick");
  gtk_widget_add_css_class (tick, "dim-label");
  gtk_widget_add_css_class (kind, "kind");
  gtk_label_set_xalign (GTK_LABEL (tick), 1);
  gtk_label_set_xalign (GTK_LABEL (kind), 0);
  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_label_set_ellipsize (GTK_LABEL (summary), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (summary, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), tick);
  gtk_box_append (GTK_BOX (box), kind);
  gtk_box_append (GTK_BOX (box), summary);
  gtk_list_item_set_child (li, box);
}

static void
on_row_bind (GtkSignalListItemFactory *f, GtkListItem *li, gpointer data)
{
  RwTimelineItem *item = gtk_list_item_get_item (li);
  GtkWidget *box = gtk_list_item_get_child (li);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *tick = gtk_widget_get_next_sibling (icon);
  GtkWidget *kind = gtk_widget_get_next_sibling (tick);
  GtkWidget *summary = gtk_widget_get_next_sibling (kind);
  const char *k = rw_timeline_item_get_kind (item);
  g_autofree char *time = g_strdup_printf ("%u · %.0f s", rw_timeline_item_get_tick (item), rw_timeline_item_get_seconds (item));
  g_autofree char *css = g_strdup_printf ("kind-%s", k);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), rw_timeline_kind_icon (k));
  gtk_label_set_text (GTK_LABEL (tick), time);
  gtk_label_set_text (GTK_LABEL (kind), rw_timeline_kind_label (k));
  gtk_widget_set_css_classes (kind, (const char *[]) { "kind", css, NULL });
  gtk_label_set_text (GTK_LABEL (summary), rw_timeline_item_get_summary (item));
  gtk_widget_set_tooltip_text (summary, rw_timeline_item_get_summary (item));
}

static void
on_event_selected (GtkSingleSelection *sel, GParamSpec *pspec, RwWindow *win)
{
  RwTimelineItem *item = gtk_single_selection_get_selected_item (sel);
  g_autofree char *details = item ? rw_timeline_item_dup_details (item) : g_strdup ("");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (win->event_detail), details, -1);
}

void
rw_window_show_page (RwWindow *win, const char *name)
{
  adw_view_stack_set_visible_child_name (win->side_stack, name);
}

/* ---- screenshots ---- */

gboolean
rw_window_screenshot (RwWindow *win, const char *path, GError **error)
{
  GtkWidget *widget = GTK_WIDGET (win);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));
  if (w <= 0 || h <= 0 || renderer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The window is not on screen yet"));
      return FALSE;
    }
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The window drew nothing"));
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s"), path);
      return FALSE;
    }
  return TRUE;
}

/* ---- GObject ---- */

static void
on_setting_changed (GSettings *settings, const char *key, RwWindow *win)
{
  static const char *const guard_keys[] = { "t1-confidence", "t1-blast-radius", "t2-confidence", "t2-blast-radius",
                                            "t2-timeout-ticks", "cost-weight", NULL };
  RwGuardConfig cfg;
  const char *text;
  if (!g_strv_contains (guard_keys, key) || win->runner == NULL)
    return;
  guard_config_from_settings (win, &cfg);
  rw_runner_set_guard_config (win->runner, &cfg);
  text = _("The new tier limits apply from the agent’s next decision");
  if (g_strcmp0 (win->last_toast, text) == 0)
    return; /* a slider sends many changes */
  _rw_window_add_toast (win, adw_toast_new (text), text);
}

static void
on_mode_selected (GtkDropDown *dd, GParamSpec *pspec, RwWindow *win)
{
  guint m = gtk_drop_down_get_selected (dd);
  if (win->updating_mode || win->runner == NULL || m > RW_MODE_AUTONOMOUS)
    return;
  rw_runner_set_mode (win->runner, (RwMode) m);
}

static void
on_speed_changed (GtkAdjustment *adj, RwWindow *win)
{
  if (win->runner)
    rw_runner_set_interval (win->runner, (guint) gtk_adjustment_get_value (adj));
}

enum { PROP_0, PROP_TOOL, N_PROPS };

static void
rw_window_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  static const char *names[] = { "select", "router", "isp", "internet", "link" };
  RwWindow *win = RW_WINDOW (object);
  if (id == PROP_TOOL)
    g_value_set_string (value, win->canvas ? names[rw_canvas_get_tool (win->canvas)] : "select");
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
rw_window_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  RwWindow *win = RW_WINDOW (object);
  const char *t = g_value_get_string (value);
  if (id != PROP_TOOL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      return;
    }
  if (win->canvas == NULL)
    return;
  rw_canvas_set_tool (win->canvas, g_strcmp0 (t, "router") == 0     ? RW_CANVAS_TOOL_ROUTER
                                   : g_strcmp0 (t, "isp") == 0      ? RW_CANVAS_TOOL_ISP
                                   : g_strcmp0 (t, "internet") == 0 ? RW_CANVAS_TOOL_INTERNET
                                   : g_strcmp0 (t, "link") == 0     ? RW_CANVAS_TOOL_LINK
                                                                    : RW_CANVAS_TOOL_SELECT);
  g_object_notify_by_pspec (object, pspec);
}

static void
rw_window_dispose (GObject *object)
{
  RwWindow *win = RW_WINDOW (object);
  g_cancellable_cancel (win->cancellable);
  if (win->runner)
    {
      g_signal_handlers_disconnect_by_data (win->runner, win);
      rw_runner_shutdown (win->runner);
      g_clear_object (&win->runner);
    }
  if (win->doc)
    g_signal_handlers_disconnect_by_data (win->doc, win);
  g_clear_object (&win->doc);
  if (win->import_warnings)
    {
      g_object_remove_weak_pointer (G_OBJECT (win->import_warnings), (gpointer *) &win->import_warnings);
      gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&win->import_warnings)));
    }
  if (win->views)
    {
      rw_views_cancel (win->views);
      g_signal_handlers_disconnect_by_data (win->views, win);
    }
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_WINDOW);
  G_OBJECT_CLASS (rw_window_parent_class)->dispose (object);
}

static void
rw_window_finalize (GObject *object)
{
  RwWindow *win = RW_WINDOW (object);
  g_clear_pointer (&win->snapshot, rw_snapshot_unref);
  g_clear_object (&win->settings);
  g_clear_object (&win->timeline);
  g_ptr_array_unref (win->timeline_pending);
  g_clear_object (&win->timeline_filtered);
  g_clear_object (&win->kinds);
  g_clear_object (&win->views);
  g_free (win->last_toast);
  g_free (win->export_result);
  g_free (win->verify_result);
  g_free (win->scenario_path);
  g_free (win->db_path);
  g_clear_object (&win->cancellable);
  G_OBJECT_CLASS (rw_window_parent_class)->finalize (object);
}

static void
rw_window_class_init (RwWindowClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_window_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_window_finalize;
  G_OBJECT_CLASS (klass)->get_property = rw_window_get_property;
  G_OBJECT_CLASS (klass)->set_property = rw_window_set_property;
  /* the canvas tool, as a property so "win.tool" is a stateful action */
  g_object_class_install_property (G_OBJECT_CLASS (klass), PROP_TOOL,
                                   g_param_spec_string ("tool", NULL, NULL, "select", G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_type_ensure (RW_TYPE_CANVAS);
  g_type_ensure (RW_TYPE_INSPECTOR_PAGE);
  g_type_ensure (RW_TYPE_PATHS_PAGE);
  g_type_ensure (RW_TYPE_WHATIF_PAGE);
  g_type_ensure (RW_TYPE_INCIDENT_PAGE);
  g_type_ensure (RW_TYPE_REASONING_PAGE);
  g_type_ensure (RW_TYPE_PROVING_BAR);
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (wc, RwWindow, name)
  BIND (toasts); BIND (window_title); BIND (mode_dropdown); BIND (play_button); BIND (status_label); BIND (recent_section);
  BIND (speed_adjustment); BIND (canvas); BIND (side_stack);
  BIND (inspector_page); BIND (paths_page); BIND (whatif_page); BIND (incident_page); BIND (reasoning_page);
  BIND (kind_dropdown);
  BIND (timeline_search); BIND (timeline_count); BIND (timeline_view); BIND (event_detail);
  BIND (warnings_button); BIND (hpaned); BIND (vpaned); BIND (timeline_paned);
  BIND (proving_bar);
#undef BIND
  rw_window_install_actions (wc);
}

/* The panes' first split, from the window's size: the map gets most of a small screen, the side
 * pane and the timeline grow on a large one. Afterwards both sides of each pane scale with the
 * window, and the user may drag them. */
static gboolean
first_layout (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  RwWindow *win = RW_WINDOW (widget);
  int w = gtk_widget_get_width (GTK_WIDGET (win->hpaned)), h = gtk_widget_get_height (GTK_WIDGET (win->vpaned));
  int tw = gtk_widget_get_width (GTK_WIDGET (win->timeline_paned));
  if (w <= 0 || h <= 0 || tw <= 0)
    return G_SOURCE_CONTINUE;
  win->layout_id = 0;
  gtk_paned_set_position (win->hpaned, w - CLAMP (w * 34 / 100, 340, 760));
  gtk_paned_set_position (win->vpaned, h - CLAMP (h * 26 / 100, 150, 340));
  gtk_paned_set_position (win->timeline_paned, tw - CLAMP (tw * 30 / 100, 240, 560));
  return G_SOURCE_REMOVE;
}

static void
rw_window_init (RwWindow *win)
{
  GtkListItemFactory *factory;
  GtkSingleSelection *selection;
  gtk_widget_init_template (GTK_WIDGET (win));
  win->settings = g_settings_new ("io.github.routewise.Routewise");
  win->cancellable = g_cancellable_new ();
  win->auto_answer = RW_ANSWER_MODIFY + 1;
  win->views = rw_views_new ();
  g_signal_connect (win->views, "error", G_CALLBACK (on_view_error), win);
  rw_paths_page_set_views (win->paths_page, win->views);
  rw_whatif_page_set_views (win->whatif_page, win->views);
  rw_incident_page_set_views (win->incident_page, win->views);
  rw_reasoning_page_set_views (win->reasoning_page, win->views);
  g_signal_connect (win->paths_page, "notify::demand", G_CALLBACK (on_demand_changed), win);
  g_signal_connect (win->whatif_page, "notify::has-changes", G_CALLBACK (on_whatif_changes), win);
  g_signal_connect (win->incident_page, "notify::running", G_CALLBACK (on_incident_running), win);
  gtk_widget_action_set_enabled (GTK_WIDGET (win), "win.no-recent", FALSE);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed", G_CALLBACK (update_recent_menu), win, 0);
  update_recent_menu (gtk_recent_manager_get_default (), win);


  win->timeline = g_list_store_new (RW_TYPE_TIMELINE_ITEM);
  win->timeline_pending = g_ptr_array_new_with_free_func (g_object_unref);
  win->timeline_filter = gtk_custom_filter_new (timeline_match, win, NULL);
  win->timeline_filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (win->timeline)), GTK_FILTER (win->timeline_filter));
  selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (win->timeline_filtered)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  g_signal_connect (selection, "notify::selected-item", G_CALLBACK (on_event_selected), win);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_row_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_row_bind), NULL);
  gtk_list_view_set_model (win->timeline_view, GTK_SELECTION_MODEL (selection));
  gtk_list_view_set_factory (win->timeline_view, factory);
  g_object_unref (factory);
  win->kinds = gtk_string_list_new ((const char *[]) { _("All kinds"), NULL });
  gtk_drop_down_set_model (win->kind_dropdown, G_LIST_MODEL (win->kinds));
  /* the model keeps the recorded kinds (the filter compares them); the list shows them translated */
  gtk_drop_down_set_expression (win->kind_dropdown,
                                gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, G_CALLBACK (kind_item_label), NULL, NULL));
  g_signal_connect (win->kind_dropdown, "notify::selected", G_CALLBACK (on_kind_selected), win);
  g_signal_connect (win->timeline_search, "search-changed", G_CALLBACK (on_search_changed), win);

  win->layout_id = gtk_widget_add_tick_callback (GTK_WIDGET (win), first_layout, NULL, NULL);
  _rw_window_setup_drop (win);
  /* the agent reads its guard limits when a run starts: say so when they change mid-run */
  g_signal_connect (win->settings, "changed", G_CALLBACK (on_setting_changed), win);
  g_signal_connect (win->canvas, "selection-changed", G_CALLBACK (on_selection_changed), win);
  g_signal_connect (win->canvas, "edit-failed", G_CALLBACK (on_edit_failed), win);
  g_signal_connect (win->mode_dropdown, "notify::selected", G_CALLBACK (on_mode_selected), win);
  g_settings_bind (win->settings, "tick-interval-ms", win->speed_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect (win->speed_adjustment, "value-changed", G_CALLBACK (on_speed_changed), win);
  {
    g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "routewise", NULL);
    win->db_path = g_build_filename (dir, "workspace.db", NULL);
  }
  {
    g_autoptr(RwDocument) doc = rw_document_new ();
    rw_window_set_document (win, doc);
  }
}

RwWindow *
rw_window_new (AdwApplication *app)
{
  return g_object_new (RW_TYPE_WINDOW, "application", app, NULL);
}
