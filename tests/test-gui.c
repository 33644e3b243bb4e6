/* test-gui.c — the real window under Xvfb, driven through its actions and the canvas's
 * controllers; a screenshot per test in the build directory.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <adwaita.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "rw-application.h"
#include "rw-timeline-item.h"
#include "rw-window.h"

#define TOPO RW_SOURCE_DIR "/data/topologies/enterprise.json"
#define FLAGSHIP RW_SOURCE_DIR "/scenarios/flagship-growth-and-cut.json"

typedef gboolean (*Cond) (gpointer data);

/* Runs the main loop until @cond holds or @seconds pass. */
static gboolean
wait_for (Cond cond, gpointer data, double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
solved (gpointer data)
{
  RwDocument *doc = rw_window_get_document (data);
  return rw_document_get_twin (doc) != NULL && !rw_document_is_solving (doc);
}

static gboolean
has_snapshot (gpointer data)
{
  RwRunner *r = rw_window_get_runner (data);
  return r && rw_runner_get_snapshot (r) != NULL;
}

static RwWindow *
open_window (const char *topology)
{
  RwWindow *win = rw_window_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (g_get_user_data_dir (), "gui-test.db", NULL);
  rw_window_set_db_path (win, db);
  gtk_window_set_default_size (GTK_WINDOW (win), 1400, 900);
  if (topology)
    {
      g_autoptr(GFile) file = g_file_new_for_path (topology);
      g_assert_true (rw_window_open_file (win, file, &error));
      g_assert_no_error (error);
    }
  gtk_window_present (GTK_WINDOW (win));
  g_assert_true (wait_for (solved, win, 30));
  g_assert_true (wait_for (has_snapshot, win, 30));
  spin (0.3);
  return win;
}

static void
screenshot (RwWindow *win, const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/tests/gui-%s.png", RW_BUILD_DIR, name);
  g_autoptr(GError) error = NULL;
  spin (0.5); /* views render on workers; let them land */
  g_assert_true (rw_window_screenshot (win, path, &error));
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);
}

static void
close_window (RwWindow *win)
{
  gtk_window_destroy (GTK_WINDOW (win));
  spin (0.1);
}

static GtkEventController *
controller (GtkWidget *w, GType type, guint button)
{
  g_autoptr(GListModel) list = gtk_widget_observe_controllers (w);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (list, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type) &&
          (button == 0 || gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (c)) == button))
        return c;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
node_xy (RwWindow *win, const char *id, double *x, double *y)
{
  const RwNode *n = rw_topology_find_node (rw_document_get_topology (rw_window_get_document (win)), id);
  g_assert_nonnull (n);
  rw_canvas_model_to_widget (rw_window_get_canvas (win), n->x, n->y, x, y);
}

static void
drag (RwWindow *win, double x0, double y0, double x1, double y1)
{
  GtkEventController *d = controller (GTK_WIDGET (rw_window_get_canvas (win)), GTK_TYPE_GESTURE_DRAG, GDK_BUTTON_PRIMARY);
  g_signal_emit_by_name (d, "drag-begin", x0, y0);
  g_signal_emit_by_name (d, "drag-update", (x1 - x0) / 2, (y1 - y0) / 2);
  g_signal_emit_by_name (d, "drag-update", x1 - x0, y1 - y0);
  g_signal_emit_by_name (d, "drag-end", x1 - x0, y1 - y0);
}

static void
click (RwWindow *win, double x, double y)
{
  GtkEventController *c = controller (GTK_WIDGET (rw_window_get_canvas (win)), GTK_TYPE_GESTURE_CLICK, GDK_BUTTON_PRIMARY);
  g_signal_emit_by_name (c, "pressed", 1, x, y);
}

static void
activate (RwWindow *win, const char *action, GVariant *param)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (win), action, param));
}

/* ---- tests ---- */

static void
test_default_network (void)
{
  RwWindow *win = open_window (TOPO);
  const RwTopology *t = rw_document_get_topology (rw_window_get_document (win));
  g_assert_cmpuint (t->nodes->len, ==, 15);
  g_assert_nonnull (rw_topology_find_node (t, "R1"));
  g_assert_nonnull (strstr (rw_window_get_status (win), "Tick 0"));
  /* the twin solved off the GUI thread: R1–ISP-A carries the default load */
  g_assert_cmpfloat (rw_document_get_twin (rw_window_get_document (win))->traffic->max_utilisation, >, 0.5);
  screenshot (win, "default-network");
  close_window (win);
}

static char *
doc_text (RwWindow *win)
{
  return rw_topology_to_data (rw_document_get_topology (rw_window_get_document (win)), NULL);
}

static void
test_edit_undo_redo (void)
{
  RwWindow *win = open_window (TOPO);
  RwCanvas *canvas = rw_window_get_canvas (win);
  RwDocument *doc = rw_window_get_document (win);
  g_autofree char *original = doc_text (win);
  const RwTopology *t;
  double x, y, ax, ay, r1x, r1y;
  g_autofree char *after_edits = NULL, *undone = NULL;

  /* add a router in empty space (the bottom middle of the network) */
  node_xy (win, "R3", &x, &y);
  activate (win, "win.tool", g_variant_new_string ("router"));
  click (win, x, y + 150 * rw_canvas_get_zoom (canvas));
  t = rw_document_get_topology (doc);
  g_assert_cmpuint (t->nodes->len, ==, 16);
  g_assert_nonnull (rw_topology_find_node (t, "R6"));
  g_assert_cmpuint (rw_topology_find_node (t, "R6")->asn, ==, 65001);

  /* move it */
  activate (win, "win.tool", g_variant_new_string ("select"));
  node_xy (win, "R6", &ax, &ay);
  drag (win, ax, ay, ax + 80, ay + 10);
  t = rw_document_get_topology (doc);
  g_assert_cmpfloat (fabs (rw_topology_find_node (t, "R6")->x - (480 + 80 / rw_canvas_get_zoom (canvas))), <, 1.01);

  /* link it to R4: a link and an iBGP session */
  node_xy (win, "R6", &ax, &ay);
  node_xy (win, "R4", &r1x, &r1y);
  activate (win, "win.tool", g_variant_new_string ("link"));
  drag (win, ax, ay, r1x, r1y);
  t = rw_document_get_topology (doc);
  g_assert_nonnull (rw_topology_find_link (t, "R6-R4"));
  g_assert_nonnull (rw_topology_find_session (t, "R6", "R4"));
  g_assert_true (rw_document_get_modified (doc));
  activate (win, "win.tool", g_variant_new_string ("select"));
  screenshot (win, "edited");

  /* delete R1 through the selection: its links, sessions and demands go with it */
  node_xy (win, "R1", &x, &y);
  click (win, x, y);
  g_assert_cmpuint (rw_canvas_get_selected_nodes (canvas)->len, ==, 1);
  activate (win, "win.delete", NULL);
  t = rw_document_get_topology (doc);
  g_assert_null (rw_topology_find_node (t, "R1"));
  g_assert_null (rw_topology_find_link (t, "R1-ISPA"));
  after_edits = doc_text (win);

  /* undo everything: byte for byte the file as loaded */
  for (int i = 0; i < 4; i++)
    activate (win, "win.undo", NULL);
  undone = doc_text (win);
  g_assert_cmpstr (undone, ==, original);
  g_assert_false (rw_document_can_undo (doc));
  for (int i = 0; i < 4; i++)
    activate (win, "win.redo", NULL);
  {
    g_autofree char *redone = doc_text (win);
    g_assert_cmpstr (redone, ==, after_edits);
  }
  g_assert_true (wait_for (solved, win, 30));
  close_window (win);
}

static gboolean
can_undo (gpointer data)
{
  return rw_document_can_undo (rw_window_get_document (data));
}

static void
test_arrange (void)
{
  RwWindow *win = open_window (TOPO);
  RwDocument *doc = rw_window_get_document (win);
  g_autofree char *before = doc_text (win);
  const RwTopology *t;
  const RwNode *isp, *r1, *r4;
  /* Graphviz lays the network out in tiers: internet, ISPs, edge, reflector, data centre */
  activate (win, "win.arrange", NULL);
  g_assert_true (wait_for (can_undo, win, 60));
  t = rw_document_get_topology (doc);
  isp = rw_topology_find_node (t, "ISP-A");
  r1 = rw_topology_find_node (t, "R1");
  r4 = rw_topology_find_node (t, "R4");
  g_assert_cmpfloat (isp->y, <, r1->y);
  g_assert_cmpfloat (r1->y, <, r4->y);
  g_assert_cmpstr (rw_document_get_undo_label (doc), ==, "Arrange");
  screenshot (win, "arranged");
  /* one undo step puts every node back */
  activate (win, "win.undo", NULL);
  {
    g_autofree char *after = doc_text (win);
    g_assert_cmpstr (after, ==, before);
  }
  close_window (win);
}

static void
test_inspector_validation (void)
{
  RwWindow *win = open_window (TOPO);
  RwDocument *doc = rw_window_get_document (win);
  g_autofree char *before = doc_text (win);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) bad = json_from_string ("{\"id\": \"R1-ISPA\", \"a\": \"R1\", \"b\": \"ISP-Z\", \"capacity_mbps\": 10000,"
                                              " \"latency_ms\": 2, \"igp_cost\": 10, \"loss_pct\": 0, \"up\": true}", NULL);
  g_autoptr(JsonNode) link = rw_document_dup_json (doc, "links[7]");
  /* an edit that names an unknown node is refused with the JSON path, and nothing changes */
  g_assert_false (rw_document_replace_json (doc, "links[7]", bad, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "ISP-Z"));
  {
    g_autofree char *now = doc_text (win);
    g_assert_cmpstr (now, ==, before);
  }
  /* a good edit: double R1–ISP-A's capacity; the twin follows */
  json_object_set_double_member (json_node_get_object (link), "capacity_mbps", 20000);
  g_assert_true (rw_document_replace_json (doc, "links[7]", link, NULL));
  g_assert_cmpfloat (rw_topology_find_link (rw_document_get_topology (doc), "R1-ISPA")->capacity_mbps, ==, 20000);
  g_assert_true (wait_for (solved, win, 30));
  activate (win, "win.undo", NULL);
  g_assert_cmpfloat (rw_topology_find_link (rw_document_get_topology (doc), "R1-ISPA")->capacity_mbps, ==, 10000);
  close_window (win);
}

static void
test_open_error_keeps_document (void)
{
  RwWindow *win = open_window (TOPO);
  RwDocument *doc = rw_window_get_document (win);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "broken.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_assert_true (g_file_set_contents (path, "{\"format\": \"routewise-topology\", \"version\": 1, \"nodes\": [", -1, NULL));
  g_assert_false (rw_window_open_file (win, file, &error));
  g_assert_nonnull (strstr (error->message, "broken.json"));
  g_assert_true (rw_window_get_document (win) == doc);
  g_assert_cmpuint (rw_document_get_topology (doc)->nodes->len, ==, 15);
  close_window (win);
}

static void
test_views_render (void)
{
  RwWindow *win = open_window (TOPO);
  /* what-if on a fork: the live twin and the document stay untouched */
  g_autofree char *before = doc_text (win);
  activate (win, "win.whatif-link-down", g_variant_new_string ("R2-ISPB"));
  {
    gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while ((rw_window_get_view (win, "whatif") == NULL || rw_window_get_view (win, "paths") == NULL) && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_nonnull (rw_window_get_view (win, "whatif"));
  g_assert_nonnull (rw_window_get_view (win, "paths"));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (rw_window_get_view (win, "whatif")), >, 100);
  {
    g_autofree char *after = doc_text (win);
    g_assert_cmpstr (after, ==, before);
  }
  screenshot (win, "whatif");
  close_window (win);
}

typedef struct {
  RwWindow *win;
  guint draws_while_busy;
  gboolean busy_seen;
} RedrawProbe;

static gboolean
reached_tick (gpointer data)
{
  RwRunner *r = rw_window_get_runner (data);
  RwSnapshot *s = r ? rw_runner_get_snapshot (r) : NULL;
  return s && (s->tick >= GPOINTER_TO_UINT (g_object_get_data (data, "target")) || s->finished);
}

static gboolean
approval_shown (gpointer data)
{
  RwApprovalDialog *d = rw_window_get_approval_dialog (data);
  return d != NULL && gtk_widget_get_mapped (GTK_WIDGET (d));
}

static guint
count_kind (GListModel *m, const char *kind, const char *needle)
{
  guint n = 0;
  for (guint i = 0; i < g_list_model_get_n_items (m); i++)
    {
      g_autoptr(RwTimelineItem) it = g_list_model_get_item (m, i);
      if ((kind == NULL || g_strcmp0 (rw_timeline_item_get_kind (it), kind) == 0) &&
          (needle == NULL || strstr (rw_timeline_item_get_summary (it), needle)))
        n++;
    }
  return n;
}

static void
test_fibre_cut_with_approval (void)
{
  /* every change asks: tier 1 may move no traffic at all */
  g_autoptr(GSettings) settings = g_settings_new ("io.github.routewise.Routewise");
  RwWindow *win;
  RwRunner *runner;
  RwApprovalDialog *dialog;
  guint frames_before, frames_during = 0;
  g_settings_set_double (settings, "t1-blast-radius", 0.0);
  g_settings_set_uint (settings, "tick-interval-ms", 50);
  win = open_window (TOPO);
  runner = rw_window_get_runner (win);
  /* the baseline first, then the R2–ISP-B fibre is cut from the canvas's menu */
  g_object_set_data (G_OBJECT (win), "target", GUINT_TO_POINTER (35));
  rw_runner_play_until (runner, 35);
  g_assert_true (wait_for (reached_tick, win, 300));
  activate (win, "win.fail-link", g_variant_new_string ("R2-ISPB"));
  activate (win, "win.play", NULL);
  /* while the agent thinks (Z3 runs on the worker), the window keeps drawing */
  frames_before = gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (GTK_WIDGET (win)));
  while (!approval_shown (win))
    {
      gtk_widget_queue_draw (GTK_WIDGET (rw_window_get_canvas (win)));
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
      frames_during = gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (GTK_WIDGET (win))) - frames_before;
      if (frames_during > 100000)
        break;
      if (rw_runner_get_snapshot (runner)->tick >= 120)
        {
          GListModel *all = rw_window_get_timeline_all (win);
          for (guint i = 0; i < g_list_model_get_n_items (all); i++)
            {
              g_autoptr(RwTimelineItem) it = g_list_model_get_item (all, i);
              g_test_message ("%u %s %s", rw_timeline_item_get_tick (it), rw_timeline_item_get_kind (it), rw_timeline_item_get_summary (it));
            }
          g_assert_cmpuint (rw_runner_get_snapshot (runner)->tick, <, 120);
        }
    }
  g_assert_true (rw_runner_has_pending_approval (runner));
  /* the loop is blocked on the operator and the window still draws frames */
  g_assert_cmpuint (frames_during, >, 2);
  dialog = rw_window_get_approval_dialog (win);
  g_assert_nonnull (dialog);
  g_assert_cmpuint (rw_approval_dialog_get_remaining (dialog), >, 0);
  spin (1.5);
  screenshot (win, "approval");
  {
    /* the dialog as its own picture, for the documentation */
    g_autofree char *path = g_strdup_printf ("%s/tests/gui-approval-dialog.png", RW_BUILD_DIR);
    g_autoptr(GdkPaintable) p = gtk_widget_paintable_new (GTK_WIDGET (dialog));
    g_autoptr(GtkSnapshot) snap = gtk_snapshot_new ();
    int w = gtk_widget_get_width (GTK_WIDGET (dialog)), h = gtk_widget_get_height (GTK_WIDGET (dialog));
    g_autoptr(GskRenderNode) node = NULL;
    g_autoptr(GdkTexture) tex = NULL;
    gdk_paintable_snapshot (p, GDK_SNAPSHOT (snap), w, h);
    node = gtk_snapshot_free_to_node (g_steal_pointer (&snap));
    tex = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (dialog)), node, &GRAPHENE_RECT_INIT (0, 0, w, h));
    g_assert_true (gdk_texture_save_to_png (tex, path));
  }
  rw_approval_dialog_answer (dialog, RW_ANSWER_APPROVE, NULL);
  g_object_set_data (G_OBJECT (win), "target", GUINT_TO_POINTER (60));
  g_assert_true (wait_for (reached_tick, win, 300));
  rw_runner_pause (runner);
  /* every step is in the timeline: the fault, the reasoning, the approval and the act */
  {
    GListModel *all = rw_window_get_timeline_all (win);
    g_assert_cmpuint (count_kind (all, "fault", "R2-ISPB"), ==, 1);
    g_assert_cmpuint (count_kind (all, "hypothesis", "link_down R2-ISPB"), >=, 1);
    g_assert_cmpuint (count_kind (all, "verify", NULL), >=, 1);
    g_assert_cmpuint (count_kind (all, "approval", "approved"), >=, 1);
    g_assert_cmpuint (count_kind (all, "act", "applied"), >=, 1);
    /* filter by kind, then search */
    rw_window_set_timeline_filter (win, "act", NULL);
    g_assert_cmpuint (g_list_model_get_n_items (rw_window_get_timeline (win)), ==, count_kind (all, "act", NULL));
    rw_window_set_timeline_filter (win, NULL, "R2-ISPB");
    g_assert_cmpuint (g_list_model_get_n_items (rw_window_get_timeline (win)), ==, count_kind (all, NULL, "R2-ISPB"));
    rw_window_set_timeline_filter (win, NULL, NULL);
  }
  /* the live twin has the SLA back */
  g_assert_cmpuint (rw_runner_get_snapshot (runner)->live->traffic->n_sla_violations, ==, 0);
  screenshot (win, "fixed");
  /* the audit chain of the run verifies */
  activate (win, "win.verify-chain", NULL);
  {
    gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (g_object_get_data (G_OBJECT (win), "verify-result") == NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (strstr (g_object_get_data (G_OBJECT (win), "verify-result"), "verifies"));
  }
  close_window (win);
  g_settings_reset (settings, "t1-blast-radius");
  g_settings_reset (settings, "tick-interval-ms");
}

static gboolean
incident_done (gpointer data)
{
  return rw_window_get_incident (data) != NULL;
}

static gboolean
incident_live_or_done (gpointer data)
{
  return rw_window_get_view (data, "incident") != NULL || incident_done (data);
}

/* Waits for the final plan view: the window drops the live one when the run is over. */
static void
wait_for_incident_view (RwWindow *win)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (rw_window_get_view (win, "incident") == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (rw_window_get_view (win, "incident"));
}

static guint
plan_tasks (RwWindow *win)
{
  JsonObject *o = json_node_get_object (rw_window_get_incident (win));
  return json_array_get_length (json_object_get_array_member (json_object_get_object_member (o, "plan"), "tasks"));
}

static void
test_incident (void)
{
  RwWindow *win = open_window (TOPO);
  JsonObject *o;
  rw_window_run_incident (win, "R2 lost the Idea uplink after the fibre cut, users see slow pages");
  /* the plan is drawn while it runs; a picture of it if the run is slow enough to catch one */
  g_assert_true (wait_for (incident_live_or_done, win, 120));
  if (!incident_done (win))
    {
      g_assert_cmpuint (rw_window_get_incident_updates (win), >=, 1);
      screenshot (win, "incident-live");
    }
  g_assert_true (wait_for (incident_done, win, 120));
  o = json_node_get_object (rw_window_get_incident (win));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "runbook"), "id"), ==, "fibre-cut");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "ticket"), "status"), ==, "resolved");
  g_assert_cmpuint (plan_tasks (win), >=, 3);
  /* one update per accepted plan version and per task result */
  g_assert_cmpuint (rw_window_get_incident_updates (win), >=, plan_tasks (win));
  g_assert_nonnull (strstr (rw_window_get_incident_summary (win), "Planned by the rulebook"));
  wait_for_incident_view (win);
  screenshot (win, "incident");
  close_window (win);
}

static void
test_incident_llm_unreachable (void)
{
  /* a planner endpoint nobody listens on: the rulebook plans, and the page says so */
  g_autoptr(GSettings) settings = g_settings_new ("io.github.routewise.Routewise");
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  guint16 port;
  RwWindow *win;
  JsonObject *o;
  const char *summary;
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  endpoint = g_strdup_printf ("http://127.0.0.1:%u/v1", port);
  g_settings_set_string (settings, "llm-endpoint", endpoint);
  g_settings_set_string (settings, "llm-model", "test-model");
  win = open_window (TOPO);
  rw_window_run_incident (win, "R2 lost the Idea uplink after the fibre cut, users see slow pages");
  g_assert_true (wait_for (incident_done, win, 180));
  o = json_node_get_object (rw_window_get_incident (win));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "runbook"), "id"), ==, "fibre-cut");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "ticket"), "status"), ==, "resolved");
  g_assert_cmpuint (rw_window_get_incident_updates (win), >=, plan_tasks (win));
  summary = rw_window_get_incident_summary (win);
  g_test_message ("summary: %s", summary);
  g_assert_nonnull (strstr (summary, "was not reachable or gave no valid plan, so the rulebook planned"));
  g_assert_nonnull (strstr (summary, endpoint));
  wait_for_incident_view (win);
  screenshot (win, "incident-llm-fallback");
  close_window (win);
  g_settings_reset (settings, "llm-endpoint");
  g_settings_reset (settings, "llm-model");
}

static void
test_fibre_cut_modified (void)
{
  /* the operator edits the proposed value; the agent simulates and proves it again, then acts */
  g_autoptr(GSettings) settings = g_settings_new ("io.github.routewise.Routewise");
  RwWindow *win;
  RwRunner *runner;
  RwApprovalDialog *dialog;
  g_auto(GStrv) parts = NULL;
  g_autofree char *modified = NULL;
  g_settings_set_double (settings, "t1-blast-radius", 0.0);
  g_settings_set_uint (settings, "tick-interval-ms", 50);
  win = open_window (TOPO);
  runner = rw_window_get_runner (win);
  g_object_set_data (G_OBJECT (win), "target", GUINT_TO_POINTER (35));
  rw_runner_play_until (runner, 35);
  g_assert_true (wait_for (reached_tick, win, 300));
  activate (win, "win.fail-link", g_variant_new_string ("R2-ISPB"));
  activate (win, "win.play", NULL);
  g_assert_true (wait_for (approval_shown, win, 600));
  dialog = rw_window_get_approval_dialog (win);
  /* local-pref:ROUTER:NEIGHBOR:VALUE[:PREFIX] — ten more than proposed */
  parts = g_strsplit (rw_approval_dialog_get_change (dialog), ":", -1);
  g_assert_cmpstr (parts[0], ==, "local-pref");
  {
    g_autofree char *value = g_strdup_printf ("%d", atoi (parts[3]) + 10);
    g_free (parts[3]);
    parts[3] = g_steal_pointer (&value);
  }
  modified = g_strjoinv (":", parts);
  rw_approval_dialog_answer (dialog, RW_ANSWER_MODIFY, modified);
  g_object_set_data (G_OBJECT (win), "target", GUINT_TO_POINTER (45));
  g_assert_true (wait_for (reached_tick, win, 300));
  rw_runner_pause (runner);
  {
    GListModel *all = rw_window_get_timeline_all (win);
    g_autofree char *said = g_strdup_printf ("operator modified it to %s", modified);
    g_autofree char *applied = g_strdup_printf ("applied %s", modified);
    g_assert_cmpuint (count_kind (all, "approval", said), ==, 1);
    g_assert_cmpuint (count_kind (all, "verify", modified), >=, 1);
    g_assert_cmpuint (count_kind (all, "act", applied), ==, 1);
  }
  close_window (win);
  g_settings_reset (settings, "t1-blast-radius");
  g_settings_reset (settings, "tick-interval-ms");
}

static void
test_flagship_dark (void)
{
  RwWindow *win;
  g_autoptr(GError) error = NULL;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  win = open_window (TOPO);
  g_assert_true (rw_window_load_scenario (win, FLAGSHIP, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (has_snapshot, win, 30));
  rw_window_set_auto_answer (win, RW_ANSWER_APPROVE);
  g_object_set_data (G_OBJECT (win), "target", GUINT_TO_POINTER (70));
  rw_runner_set_interval (rw_window_get_runner (win), 1);
  rw_runner_play_until (rw_window_get_runner (win), 70);
  g_assert_true (wait_for (reached_tick, win, 600));
  /* growth on R1–ISP-A was seen and acted on by then */
  g_assert_cmpuint (count_kind (rw_window_get_timeline_all (win), "act", NULL), >=, 1);
  screenshot (win, "flagship-dark");
  close_window (win);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int argc, char **argv)
{
  /* a fresh data dir for the runs' databases; the system data dirs stay (icon themes) */
  g_autofree char *home = g_dir_make_tmp ("routewise-gui-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  g_test_add_func ("/gui/default-network", test_default_network);
  g_test_add_func ("/gui/edit-undo-redo", test_edit_undo_redo);
  g_test_add_func ("/gui/arrange", test_arrange);
  g_test_add_func ("/gui/inspector-validation", test_inspector_validation);
  g_test_add_func ("/gui/open-error-keeps-document", test_open_error_keeps_document);
  g_test_add_func ("/gui/views-render", test_views_render);
  g_test_add_func ("/gui/fibre-cut-with-approval", test_fibre_cut_with_approval);
  g_test_add_func ("/gui/fibre-cut-modified", test_fibre_cut_modified);
  g_test_add_func ("/gui/incident", test_incident);
  g_test_add_func ("/gui/incident-llm-unreachable", test_incident_llm_unreachable);
  g_test_add_func ("/gui/flagship-dark", test_flagship_dark);
  return g_test_run ();
}
