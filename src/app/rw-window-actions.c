/* rw-window-actions.c — the window's actions: files, editing, the run, faults, what-if.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-window-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include "rw-clab.h"
#include "rw-render.h"

/* ---- unsaved changes ---- */

typedef void (*Continuation) (RwWindow *win, gpointer data);

/* What runs after the unsaved changes are dealt with; @data is freed with @destroy whether it
 * ran or the user cancelled. */
typedef struct {
  RwWindow *win;
  Continuation then;
  gpointer data;
  GDestroyNotify destroy;
} Pending;

static void
pending_free (Pending *p)
{
  if (p->destroy && p->data)
    p->destroy (p->data);
  g_free (p);
}

static void save_as (RwWindow *win, Pending *after);

static void
on_discard_response (AdwMessageDialog *d, const char *response, Pending *p)
{
  if (g_strcmp0 (response, "discard") == 0)
    p->then (p->win, p->data);
  else if (g_strcmp0 (response, "save") == 0)
    {
      g_autoptr(GError) error = NULL;
      if (rw_document_get_file (p->win->doc) == NULL)
        {
          save_as (p->win, p);
          return;
        }
      if (rw_document_save (p->win->doc, NULL, &error))
        {
          _rw_window_note_recent (p->win, rw_document_get_file (p->win->doc));
          p->then (p->win, p->data);
        }
      else
        rw_window_toast (p->win, error->message);
    }
  pending_free (p);
}

/* Runs @then now, or after the user saved or discarded the unsaved changes. */
static void
maybe_discard (RwWindow *win, Continuation then, gpointer data, GDestroyNotify destroy)
{
  GtkWidget *dialog;
  Pending *p;
  g_autofree char *title = NULL, *body = NULL;
  if (!rw_document_get_modified (win->doc))
    {
      then (win, data);
      if (destroy && data)
        destroy (data);
      return;
    }
  title = rw_document_dup_title (win->doc);
  body = g_strdup_printf (_("“%s” has unsaved changes. If you do not save them, they are lost."), title);
  dialog = adw_message_dialog_new (GTK_WINDOW (win), _("Save Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "discard", _("_Discard"), "save",
                                    _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  p = g_new0 (Pending, 1);
  p->win = win;
  p->then = then;
  p->data = data;
  p->destroy = destroy;
  g_signal_connect (dialog, "response", G_CALLBACK (on_discard_response), p);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- files ---- */

static GtkFileFilter *
topology_filter (void)
{
  GtkFileFilter *f = gtk_file_filter_new ();
  gtk_file_filter_set_name (f, _("Routewise topology"));
  gtk_file_filter_add_mime_type (f, "application/json");
  gtk_file_filter_add_suffix (f, "json");
  return f;
}

static GtkFileFilter *
clab_filter (void)
{
  GtkFileFilter *f = gtk_file_filter_new ();
  gtk_file_filter_set_name (f, _("Containerlab lab"));
  gtk_file_filter_add_suffix (f, "clab.yml");
  gtk_file_filter_add_suffix (f, "clab.yaml");
  return f;
}

static GtkFileFilter *
frr_filter (void)
{
  GtkFileFilter *f = gtk_file_filter_new ();
  gtk_file_filter_set_name (f, _("FRR configuration"));
  gtk_file_filter_add_suffix (f, "conf");
  return f;
}

/* Everything Open reads, first, so no kind of network is hidden by default. */
static GtkFileFilter *
network_filter (void)
{
  GtkFileFilter *f = gtk_file_filter_new ();
  gtk_file_filter_set_name (f, _("All networks"));
  gtk_file_filter_add_mime_type (f, "application/json");
  gtk_file_filter_add_suffix (f, "json");
  gtk_file_filter_add_suffix (f, "clab.yml");
  gtk_file_filter_add_suffix (f, "clab.yaml");
  gtk_file_filter_add_suffix (f, "conf");
  return f;
}

static void
add_filter (GtkFileChooser *chooser, GtkFileFilter *filter)
{
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS /* GtkFileChooserNative is the 4.8 API (GtkFileDialog is 4.10) */

/* What a file chooser was opened for. */
typedef struct {
  RwWindow *win;
  gboolean scenario;   /* a scenario for the agent, not a network */
  Pending *after;      /* Save As: what runs once saved (owned; NULL: nothing) */
} ChooserRequest;

static ChooserRequest *
chooser_request_new (RwWindow *win, gboolean scenario, Pending *after)
{
  ChooserRequest *r = g_new0 (ChooserRequest, 1);
  r->win = win;
  r->scenario = scenario;
  r->after = after;
  return r;
}

static void
chooser_request_free (gpointer data, GClosure *closure)
{
  ChooserRequest *r = data;
  if (r->after)
    pending_free (r->after);
  g_free (r);
}

static void
on_open_response (GtkNativeDialog *dialog, int response, ChooserRequest *req)
{
  RwWindow *win = req->win;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      if (req->scenario)
        {
          if (!rw_window_load_scenario (win, g_file_peek_path (file), &error))
            rw_window_toast (win, error->message);
        }
      else
        rw_window_open_file (win, file, &error);
    }
  g_object_unref (dialog);
}

static void
choose_file (RwWindow *win, gpointer data)
{
  gboolean scenario = GPOINTER_TO_INT (data);
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (scenario ? _("Open a Scenario") : _("Open a Network"), GTK_WINDOW (win),
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
  if (scenario)
    {
      GtkFileFilter *f = gtk_file_filter_new ();
      gtk_file_filter_set_name (f, _("Routewise scenarios"));
      gtk_file_filter_add_mime_type (f, "application/json");
      gtk_file_filter_add_suffix (f, "json");
      add_filter (chooser, f);
    }
  else
    {
      add_filter (chooser, network_filter ());
      add_filter (chooser, topology_filter ());
      add_filter (chooser, clab_filter ());
      add_filter (chooser, frr_filter ());
    }
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_open_response), chooser_request_new (win, scenario, NULL),
                         chooser_request_free, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* A folder of FRR configurations (DIR/NODE/frr.conf or DIR/NODE.conf) is imported as a network. */
static void
choose_folder (RwWindow *win, gpointer data)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Open a Configuration Folder"), GTK_WINDOW (win),
                                                              GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"), _("_Cancel"));
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_open_response), chooser_request_new (win, FALSE, NULL),
                         chooser_request_free, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_save_response (GtkNativeDialog *dialog, int response, ChooserRequest *req)
{
  RwWindow *win = req->win;
  Pending *after = req->after;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      if (!rw_document_save (win->doc, file, &error))
        rw_window_toast (win, error->message);
      else
        {
          _rw_window_note_recent (win, file);
          if (after && after->then)
            after->then (win, after->data);
        }
    }
  g_object_unref (dialog);
}

/* Asks for a .json and saves there, then runs @after (owned; NULL: nothing). */
static void
save_as (RwWindow *win, Pending *after)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Save the Network"), GTK_WINDOW (win), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                              _("_Save"), _("_Cancel"));
  g_autofree char *name = rw_document_dup_title (win->doc);
  GFile *source = rw_document_get_source (win->doc);
  add_filter (GTK_FILE_CHOOSER (dialog), topology_filter ());
  if (!g_str_has_suffix (name, ".json"))
    {
      g_autofree char *n = g_strconcat (name, ".json", NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), n);
    }
  else
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  if (rw_document_get_file (win->doc) == NULL && source)
    {
      /* an imported network: next to the lab or the folder it came from */
      g_autoptr(GFile) parent = g_file_get_parent (source);
      if (parent)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), parent, NULL);
    }
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_save_response), chooser_request_new (win, FALSE, after),
                         chooser_request_free, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_export_response (GtkNativeDialog *dialog, int response, RwWindow *win)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) dir = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (g_file_peek_path (dir))
        rw_window_export_clab (win, g_file_peek_path (dir));
    }
  g_object_unref (dialog);
}

static void
choose_export_folder (RwWindow *win)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Export to Containerlab"), GTK_WINDOW (win),
                                                              GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_create_folders (GTK_FILE_CHOOSER (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), win);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
action_show_folder (GtkWidget *w, const char *name, GVariant *param)
{
  g_autoptr(GFile) dir = g_file_new_for_path (g_variant_get_string (param, NULL));
  g_autofree char *uri = g_file_get_uri (dir);
  gtk_show_uri (GTK_WINDOW (w), uri, GDK_CURRENT_TIME);
}

G_GNUC_END_IGNORE_DEPRECATIONS

/* ---- Containerlab export, on a worker: hundreds of files, each written atomically ---- */

typedef struct {
  RwTopology *topo;
  char *dir;
} ExportJob;

static void
export_job_free (ExportJob *j)
{
  rw_topology_free (j->topo);
  g_free (j->dir);
  g_free (j);
}

static void
export_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ExportJob *j = data;
  GError *error = NULL;
  char *clab_path = NULL;
  if (!rw_clab_export (j->topo, j->dir, &clab_path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, clab_path, g_free);
}

static void
export_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RwWindow *win = data;
  const ExportJob *j = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *clab_path = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (win->cancellable))
    {
      g_object_unref (win);
      return;
    }
  win->exporting = FALSE;
  rw_window_update_actions (win);
  if (clab_path == NULL)
    _rw_window_show_error (win, _("Could Not Export the Lab"), error->message);
  else
    {
      /* short enough for a toast: ~ for the home folder */
      const char *home = g_get_home_dir ();
      gsize n = strlen (home);
      g_autofree char *shown = strncmp (clab_path, home, n) == 0 && clab_path[n] == G_DIR_SEPARATOR && n > 1
                                 ? g_strconcat ("~", clab_path + n, NULL)
                                 : g_strdup (clab_path);
      g_autofree char *text = g_strdup_printf (_("Wrote %s"), shown);
      g_autofree char *escaped = g_markup_escape_text (text, -1);
      AdwToast *toast = adw_toast_new (escaped);
      adw_toast_set_timeout (toast, 10);
      adw_toast_set_button_label (toast, _("_Open Folder"));
      adw_toast_set_action_name (toast, "win.show-folder");
      adw_toast_set_action_target_value (toast, g_variant_new_string (j->dir));
      _rw_window_add_toast (win, toast, text);
    }
  /* for tests: the .clab.yml written, or why not */
  g_free (win->export_result);
  win->export_result = g_strdup (clab_path ? clab_path : error->message);
  g_object_unref (win);
}

void
rw_window_export_clab (RwWindow *win, const char *dir)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *j;
  if (win->exporting)
    return;
  j = g_new0 (ExportJob, 1);
  j->topo = rw_topology_copy (rw_document_get_topology (win->doc));
  j->dir = g_strdup (dir);
  win->exporting = TRUE;
  rw_window_update_actions (win);
  g_clear_pointer (&win->export_result, g_free);
  task = g_task_new (NULL, win->cancellable, export_done, g_object_ref (win));
  g_task_set_task_data (task, j, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

static void
do_new (RwWindow *win, gpointer data)
{
  g_autoptr(RwDocument) doc = rw_document_new ();
  rw_window_set_document (win, doc);
  if (win->scenario_path == NULL)
    rw_window_start_live_session (win);
}

static void
action_new (GtkWidget *w, const char *name, GVariant *param)
{
  maybe_discard (RW_WINDOW (w), do_new, NULL, NULL);
}

static void
action_open (GtkWidget *w, const char *name, GVariant *param)
{
  maybe_discard (RW_WINDOW (w), choose_file, GINT_TO_POINTER (FALSE), NULL);
}

static void
action_open_folder (GtkWidget *w, const char *name, GVariant *param)
{
  maybe_discard (RW_WINDOW (w), choose_folder, NULL, NULL);
}

static void
open_path (RwWindow *win, gpointer data)
{
  g_autoptr(GFile) file = g_file_new_for_path (data);
  rw_window_open_file (win, file, NULL);
}

static void
open_gfile (RwWindow *win, gpointer data)
{
  rw_window_open_file (win, data, NULL);
}

void
rw_window_open_file_interactive (RwWindow *win, GFile *file)
{
  maybe_discard (win, open_gfile, g_object_ref (file), g_object_unref);
}

/* A topology, a lab or a configuration dropped from the file manager. */
static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, RwWindow *win)
{
  GFile *file = NULL;
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);
  else if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
      file = files ? files->data : NULL;
      g_slist_free (files);
    }
  if (file == NULL)
    return FALSE;
  rw_window_open_file_interactive (win, file);
  return TRUE;
}

void
_rw_window_setup_drop (RwWindow *win)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (target, (GType[]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), win);
  gtk_widget_add_controller (GTK_WIDGET (win), GTK_EVENT_CONTROLLER (target));
}

/* Opens a path without a file chooser: a topology, a lab, a folder or a .conf (tests, scripts). */
static void
action_open_path (GtkWidget *w, const char *name, GVariant *param)
{
  maybe_discard (RW_WINDOW (w), open_path, g_variant_dup_string (param, NULL), g_free);
}

/* A table in a window of its own next to the main one; a second activation brings it forward. */
static GtkWidget *
table_window (RwWindow *win, GtkWidget *table, const char *title, gpointer *slot)
{
  GtkWidget *w = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (w), title);
  gtk_window_set_titlebar (GTK_WINDOW (w), adw_header_bar_new ());
  gtk_window_set_transient_for (GTK_WINDOW (w), GTK_WINDOW (win));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (w), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (w), 1200, 560);
  gtk_window_set_child (GTK_WINDOW (w), table);
  *slot = table;
  g_object_add_weak_pointer (G_OBJECT (table), slot);
  _rw_window_refresh_tables (win);
  gtk_window_present (GTK_WINDOW (w));
  return w;
}

static void
action_show_link_table (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  if (win->link_table)
    gtk_window_present (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (win->link_table))));
  else
    table_window (win, rw_link_table_new (), _("Links"), (gpointer *) &win->link_table);
}

static void
action_show_session_table (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  if (win->session_table)
    gtk_window_present (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (win->session_table))));
  else
    table_window (win, rw_session_table_new (), _("BGP Sessions"), (gpointer *) &win->session_table);
}

static void
action_export_clab (GtkWidget *w, const char *name, GVariant *param)
{
  choose_export_folder (RW_WINDOW (w));
}

static void
action_export_clab_to (GtkWidget *w, const char *name, GVariant *param)
{
  rw_window_export_clab (RW_WINDOW (w), g_variant_get_string (param, NULL));
}

static void
action_show_import_warnings (GtkWidget *w, const char *name, GVariant *param)
{
  rw_window_show_import_warnings (RW_WINDOW (w));
}

static void
action_open_scenario (GtkWidget *w, const char *name, GVariant *param)
{
  choose_file (RW_WINDOW (w), GINT_TO_POINTER (TRUE));
}

static void
action_save (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  g_autoptr(GError) error = NULL;
  /* an imported network has no file: its lab and configurations are never written over */
  if (rw_document_get_file (win->doc) == NULL)
    save_as (win, NULL);
  else if (!rw_document_save (win->doc, NULL, &error))
    rw_window_toast (win, error->message);
  else
    _rw_window_note_recent (win, rw_document_get_file (win->doc));
}

static void
action_save_as (GtkWidget *w, const char *name, GVariant *param)
{
  save_as (RW_WINDOW (w), NULL);
}

static void
close_now (RwWindow *win, gpointer data)
{
  g_signal_handlers_disconnect_by_data (win->doc, win);
  win->may_close = TRUE;
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
on_close_request (GtkWindow *window, gpointer data)
{
  RwWindow *win = RW_WINDOW (window);
  if (win->may_close || !rw_document_get_modified (win->doc))
    return FALSE;
  maybe_discard (win, close_now, NULL, NULL);
  return TRUE;
}

/* ---- editing ---- */

static void
action_undo (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  g_autofree char *label = g_strdup (rw_document_get_undo_label (win->doc));
  if (rw_document_undo (win->doc) && label)
    {
      g_autofree char *text = g_strdup_printf (_("Undone: %s"), label);
      rw_window_toast (win, text);
    }
}

static void
action_redo (GtkWidget *w, const char *name, GVariant *param)
{
  rw_document_redo (RW_WINDOW (w)->doc);
}

static void
action_delete (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_free);
  /* copies: deleting changes the selection */
  for (guint i = 0; i < rw_canvas_get_selected_nodes (win->canvas)->len; i++)
    g_ptr_array_add (nodes, g_strdup (rw_canvas_get_selected_nodes (win->canvas)->pdata[i]));
  for (guint i = 0; i < rw_canvas_get_selected_links (win->canvas)->len; i++)
    g_ptr_array_add (links, g_strdup (rw_canvas_get_selected_links (win->canvas)->pdata[i]));
  if (!rw_document_delete (win->doc, nodes, links, &error))
    rw_window_toast (win, error->message);
}

static void
action_fit (GtkWidget *w, const char *name, GVariant *param)
{
  rw_canvas_fit (RW_WINDOW (w)->canvas);
}

/* Arrange: Graphviz computes the layout ("plain" output), a pass keeps the straight links clear
 * of the nodes, and the canvas draws it. */

/* The rows of the arranged network, top down: the internet, transit ISPs (linked to no router
 * of ours), our ISPs, edge, reflectors and core, the data centre. */
static int
tier_of (const RwTopology *t, const RwNode *n)
{
  switch (n->role)
    {
    case RW_ROLE_INTERNET: return 0;
    case RW_ROLE_ISP:
      for (guint i = 0; i < t->links->len; i++)
        {
          const RwLink *l = t->links->pdata[i];
          const char *other = g_str_equal (l->a, n->id) ? l->b : g_str_equal (l->b, n->id) ? l->a : NULL;
          const RwNode *o = other ? rw_topology_find_node (t, other) : NULL;
          if (o && o->kind == RW_NODE_ROUTER)
            return 2;
        }
      return 1;
    case RW_ROLE_EDGE: return 3;
    case RW_ROLE_REFLECTOR: case RW_ROLE_CORE: return 4;
    default: return 5;
    }
}
#define N_TIERS 6

/* Graphviz inches to canvas units */
#define ARRANGE_X 130.0
#define ARRANGE_Y 100.0
/* room between a link and a node it passes */
#define ARRANGE_MARGIN 8.0

typedef struct { double x, y, w, h; } Box;

/* Whether the segment a-b passes through @b grown by @margin (Liang–Barsky clipping). */
static gboolean
segment_hits_box (double ax, double ay, double bx, double by, const Box *box, double margin)
{
  double x0 = box->x - box->w / 2 - margin, x1 = box->x + box->w / 2 + margin;
  double y0 = box->y - box->h / 2 - margin, y1 = box->y + box->h / 2 + margin;
  double p[4] = { -(bx - ax), bx - ax, -(by - ay), by - ay };
  double q[4] = { ax - x0, x1 - ax, ay - y0, y1 - ay };
  double t0 = 0, t1 = 1;
  for (int i = 0; i < 4; i++)
    {
      double r;
      if (p[i] == 0)
        {
          if (q[i] < 0)
            return FALSE;
          continue;
        }
      r = q[i] / p[i];
      if (p[i] < 0)
        t0 = MAX (t0, r);
      else
        t1 = MIN (t1, r);
      if (t0 > t1)
        return FALSE;
    }
  return TRUE;
}

/* The canvas draws a link straight from node to node, not along Graphviz's curve, so a link
 * that Graphviz routed around a node may cross it (R3–R2 under R1, issue 16). A node in a
 * link's way moves sideways, with the nodes beyond it in its row, until no link passes under a
 * node; one along a row steps out of the row. Bounded: at most 200 moves. */
static void
clear_links (Box *boxes, guint n, const guint *ends, guint n_links)
{
  for (guint moves = 0; moves < 200;)
    {
      gboolean moved = FALSE;
      for (guint l = 0; l < n_links && moves < 200; l++)
        for (guint k = 0; k < n && moves < 200; k++)
          {
            const Box *a = &boxes[ends[2 * l]], *b = &boxes[ends[2 * l + 1]];
            Box *in = &boxes[k];
            double row = in->y, from = in->x, shift;
            if (k == ends[2 * l] || k == ends[2 * l + 1] || !segment_hits_box (a->x, a->y, b->x, b->y, in, ARRANGE_MARGIN))
              continue;
            if (fabs (b->y - a->y) < 1)
              {
                in->y = a->y + in->h + 2 * ARRANGE_MARGIN;
                moves++, moved = TRUE;
                continue;
              }
            {
              /* where the link crosses the node's top and bottom (grown by the margin) */
              double t_top = CLAMP ((in->y - in->h / 2 - ARRANGE_MARGIN - a->y) / (b->y - a->y), 0, 1);
              double t_bot = CLAMP ((in->y + in->h / 2 + ARRANGE_MARGIN - a->y) / (b->y - a->y), 0, 1);
              double x_top = a->x + t_top * (b->x - a->x), x_bot = a->x + t_bot * (b->x - a->x);
              double lo = MIN (x_top, x_bot), hi = MAX (x_top, x_bot);
              shift = in->x >= (lo + hi) / 2 ? hi + in->w / 2 + ARRANGE_MARGIN + 1 - in->x
                                             : lo - in->w / 2 - ARRANGE_MARGIN - 1 - in->x;
            }
            for (guint j = 0; j < n; j++)
              if (fabs (boxes[j].y - row) < 1 && (shift > 0 ? boxes[j].x >= from : boxes[j].x <= from))
                boxes[j].x += shift;
            moves++, moved = TRUE;
          }
      if (!moved)
        break;
    }
}

typedef struct {
  char *dot;
  GHashTable *sizes;         /* node id -> Box (w, h in canvas units) */
} ArrangeJob;

static void
arrange_job_free (ArrangeJob *j)
{
  g_free (j->dot);
  g_hash_table_unref (j->sizes);
  g_free (j);
}

static void
arrange_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RwWindow *win = data;
  ArrangeJob *job = g_task_get_task_data (G_TASK (result));
  const RwTopology *t = rw_document_get_topology (win->doc);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (Box));
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) xy = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) lines = NULL;
  double height = 0;
  if (plain == NULL || g_cancellable_is_cancelled (win->cancellable))
    {
      if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        rw_window_toast (win, error->message);
      g_object_unref (win);
      return;
    }
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
    lines = g_strsplit (text, "\n", -1);
  }
  for (guint i = 0; lines[i]; i++)
    {
      /* "graph scale width height" then "node name x y width height …" in inches, y up */
      g_auto(GStrv) f = g_strsplit (lines[i], " ", 6);
      if (g_strv_length (f) >= 4 && g_str_equal (f[0], "graph"))
        height = g_ascii_strtod (f[3], NULL);
      else if (g_strv_length (f) >= 4 && g_str_equal (f[0], "node"))
        {
          char *name = f[1][0] == '"' ? g_strndup (f[1] + 1, strlen (f[1]) - 2) : g_strdup (f[1]);
          const Box *size = g_hash_table_lookup (job->sizes, name);
          Box b = { 80 + ARRANGE_X * g_ascii_strtod (f[2], NULL), 80 + ARRANGE_Y * (height - g_ascii_strtod (f[3], NULL)),
                    size ? size->w : 0, size ? size->h : 0 };
          g_ptr_array_add (ids, name);
          g_array_append_val (boxes, b);
        }
    }
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_insert (index, ids->pdata[i], GUINT_TO_POINTER (i + 1));
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      guint a = GPOINTER_TO_UINT (g_hash_table_lookup (index, l->a)), b = GPOINTER_TO_UINT (g_hash_table_lookup (index, l->b));
      if (a == 0 || b == 0)
        continue;
      a--, b--;
      g_array_append_val (ends, a);
      g_array_append_val (ends, b);
    }
  clear_links ((Box *) boxes->data, boxes->len, (guint *) ends->data, ends->len / 2);
  for (guint i = 0; i < boxes->len; i++)
    {
      const Box *b = &g_array_index (boxes, Box, i);
      g_array_append_val (xy, b->x);
      g_array_append_val (xy, b->y);
    }
  if (ids->len && !rw_document_move_nodes (win->doc, ids, (double *) xy->data, _("Arrange"), &error))
    rw_window_toast (win, error->message);
  rw_canvas_fit (win->canvas);
  g_object_unref (win);
}

static void
arrange_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ArrangeJob *job = data;
  GError *error = NULL;
  GBytes *plain = rw_render_dot (job->dot, "dot", "plain", &error);
  if (plain == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, plain, (GDestroyNotify) g_bytes_unref);
}

static void
action_arrange (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  const RwTopology *t = rw_document_get_topology (win->doc);
  GString *dot = g_string_new ("graph arrange {\n  nodesep=0.6; ranksep=0.9;\n  node [shape=box, fixedsize=true];\n");
  ArrangeJob *job;
  g_autoptr(GTask) task = NULL;
  if (t->nodes->len == 0)
    {
      g_string_free (dot, TRUE);
      return;
    }
  job = g_new0 (ArrangeJob, 1);
  job->sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* each node as wide as the canvas draws it (C locale numbers: Graphviz reads no commas) */
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      g_autofree char *id = g_strescape (n->id, NULL);
      Box *size = g_new0 (Box, 1);
      char wbuf[G_ASCII_DTOSTR_BUF_SIZE], hbuf[G_ASCII_DTOSTR_BUF_SIZE];
      rw_canvas_node_size (win->canvas, n, &size->w, &size->h);
      g_string_append_printf (dot, "  \"%s\" [width=%s, height=%s];\n", id,
                              g_ascii_formatd (wbuf, sizeof wbuf, "%.3f", size->w / ARRANGE_X),
                              g_ascii_formatd (hbuf, sizeof hbuf, "%.3f", size->h / ARRANGE_Y));
      g_hash_table_insert (job->sizes, g_strdup (n->id), size);
    }
  for (int tier = 0; tier < N_TIERS; tier++)
    {
      g_string_append (dot, "  { rank=same;");
      for (guint i = 0; i < t->nodes->len; i++)
        if (tier_of (t, t->nodes->pdata[i]) == tier)
          {
            g_autofree char *id = g_strescape (((RwNode *) t->nodes->pdata[i])->id, NULL);
            g_string_append_printf (dot, " \"%s\";", id);
          }
      g_string_append (dot, " }\n");
    }
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      const RwNode *a = rw_topology_find_node (t, l->a), *b = rw_topology_find_node (t, l->b);
      g_autofree char *ea = g_strescape (l->a, NULL), *eb = g_strescape (l->b, NULL);
      if (a && b && tier_of (t, a) > tier_of (t, b))
        g_string_append_printf (dot, "  \"%s\" -- \"%s\";\n", eb, ea);
      else
        g_string_append_printf (dot, "  \"%s\" -- \"%s\";\n", ea, eb);
    }
  g_string_append (dot, "}\n");
  job->dot = g_string_free (dot, FALSE);
  task = g_task_new (NULL, win->cancellable, arrange_done, g_object_ref (win));
  g_task_set_task_data (task, job, (GDestroyNotify) arrange_job_free);
  g_task_run_in_thread (task, arrange_thread);
}

static void
action_inspector_apply (GtkWidget *w, const char *name, GVariant *param)
{
  rw_inspector_page_apply (RW_WINDOW (w)->inspector_page);
}

static void
action_inspector_revert (GtkWidget *w, const char *name, GVariant *param)
{
  rw_inspector_page_refresh (RW_WINDOW (w)->inspector_page);
}

/* ---- the run ---- */

static void
action_play (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  if (win->runner == NULL)
    rw_window_start_live_session (win);
  if (win->runner == NULL)
    return;
  if (rw_runner_is_playing (win->runner))
    rw_runner_pause (win->runner);
  else
    rw_runner_play (win->runner);
}

static void
action_step (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  if (win->runner == NULL)
    rw_window_start_live_session (win);
  if (win->runner)
    rw_runner_step (win->runner);
}

static void
action_restart (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (win->scenario_path);
  if (path == NULL)
    rw_window_start_live_session (win);
  else if (!rw_window_load_scenario (win, path, &error))
    rw_window_toast (win, error->message);
}

void
rw_window_inject (RwWindow *win, RwScenarioEvent *e, const char *what)
{
  const RwTwin *live = win->snapshot ? win->snapshot->live : NULL;
  gboolean ok = live != NULL;
  if (win->runner && win->snapshot && win->snapshot->finished)
    {
      /* a finished run takes no more ticks: say so, and offer a new run to inject it into */
      /* Translators: the fault, e.g. "R2-ISPB fails" */
      g_autofree char *msg = g_strdup_printf (_("The run is over, so “%s” was not injected. Restart the run to try it."), what);
      g_autofree char *escaped = g_markup_escape_text (msg, -1);
      AdwToast *toast = adw_toast_new (escaped);
      adw_toast_set_timeout (toast, 10);
      adw_toast_set_button_label (toast, _("_Restart Run"));
      adw_toast_set_action_name (toast, "win.restart");
      _rw_window_add_toast (win, toast, msg);
      rw_scenario_event_free (e);
      return;
    }
  if (win->runner == NULL)
    rw_window_start_live_session (win);
  /* the run's network must have the entity: a scenario may run a network other than the document */
  if (ok && e->link)
    ok = rw_topology_find_link (live->topo, e->link) != NULL;
  if (ok && e->demand)
    ok = rw_topology_find_demand (live->topo, e->demand) != NULL;
  if (ok && e->a)
    ok = rw_topology_find_session (live->topo, e->a, e->b) != NULL;
  if (win->runner == NULL || (!ok && win->snapshot))
    {
      g_autofree char *msg = g_strdup_printf (_("%s: not in the network of this run"), what);
      rw_window_toast (win, msg);
      rw_scenario_event_free (e);
      return;
    }
  rw_runner_inject (win->runner, e);
  {
    /* a paused run takes the fault when it next moves */
    g_autofree char *msg = rw_runner_is_playing (win->runner) ? g_strdup_printf (_("Injected at the next tick: %s"), what)
                                                              : g_strdup_printf (_("Injected at the next tick (run or step the agent): %s"), what);
    rw_window_toast (win, msg);
  }
}

static RwScenarioEvent *
event_new (RwEventType type)
{
  RwScenarioEvent *e = g_new0 (RwScenarioEvent, 1);
  e->type = type;
  return e;
}

static void
action_link_event (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  const char *link = g_variant_get_string (param, NULL);
  RwScenarioEvent *e;
  g_autofree char *what = NULL;
  if (g_str_equal (name, "win.fail-link"))
    {
      e = event_new (RW_EVENT_LINK_DOWN);
      e->cause = g_strdup ("operator");
      what = g_strdup_printf (_("%s fails"), link);
    }
  else if (g_str_equal (name, "win.restore-link"))
    {
      e = event_new (RW_EVENT_LINK_UP);
      what = g_strdup_printf (_("%s is restored"), link);
    }
  else
    {
      /* a dirty fibre: 2 % loss and 15 ms more over three ticks */
      e = event_new (RW_EVENT_LINK_DEGRADE);
      e->loss_pct = 2.0;
      e->latency_ms = 15;
      e->over = 3;
      what = g_strdup_printf (_("%s degrades (2 %% loss, +15 ms)"), link);
    }
  e->link = g_strdup (link);
  rw_window_inject (win, e, what);
}

static void
action_flap_session (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  const RwTopology *t = rw_document_get_topology (win->doc);
  const RwLink *l = rw_topology_find_link (t, g_variant_get_string (param, NULL));
  RwScenarioEvent *e;
  g_autofree char *what = NULL;
  if (l == NULL || rw_topology_find_session (t, l->a, l->b) == NULL)
    {
      rw_window_toast (win, _("No BGP session runs over this link"));
      return;
    }
  e = event_new (RW_EVENT_SESSION_FLAP);
  e->a = g_strdup (rw_topology_find_session (t, l->a, l->b)->a);
  e->b = g_strdup (rw_topology_find_session (t, l->a, l->b)->b);
  e->period = 2;
  e->count = 4;
  what = g_strdup_printf (_("the %s–%s session flaps"), e->a, e->b);
  rw_window_inject (win, e, what);
}

static void
action_ramp_demand (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  const char *node = g_variant_get_string (param, NULL);
  const RwTopology *t = win->snapshot && win->snapshot->live ? win->snapshot->live->topo : rw_document_get_topology (win->doc);
  const RwDemand *biggest = NULL;
  for (guint i = 0; i < t->demands->len; i++)
    {
      const RwDemand *d = t->demands->pdata[i];
      if (g_strcmp0 (d->src, node) == 0 && (biggest == NULL || d->mbps > biggest->mbps))
        biggest = d;
    }
  if (biggest == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("No demand starts at %s"), node);
      rw_window_toast (win, msg);
      return;
    }
  {
    /* its biggest flow doubles over ten ticks: growth, not a step */
    RwScenarioEvent *e = event_new (RW_EVENT_DEMAND_RAMP);
    g_autofree char *what = NULL;
    e->demand = g_strdup (biggest->id);
    e->to_mbps = 2 * biggest->mbps;
    e->over = 10;
    what = g_strdup_printf (_("%s ramps to %.0f Mb/s"), biggest->id, e->to_mbps);
    rw_window_inject (win, e, what);
  }
}

static void
action_whatif_link_down (GtkWidget *w, const char *name, GVariant *param)
{
  g_autofree char *change = g_strdup_printf ("link-down:%s", g_variant_get_string (param, NULL));
  rw_window_show_whatif (RW_WINDOW (w), change);
}

static void
action_show_paths (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  rw_paths_page_select_demand_from (win->paths_page, g_variant_get_string (param, NULL));
  adw_view_stack_set_visible_child_name (win->side_stack, "paths");
}

static void
action_whatif (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  g_autofree char *text = g_strdup (rw_whatif_page_get_text (win->whatif_page));
  rw_window_show_whatif (win, text);
}

static void
action_change_template (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  GPtrArray *links = rw_canvas_get_selected_links (win->canvas);
  g_autofree char *text = g_strdup (g_variant_get_string (param, NULL));
  if (links->len && strstr (text, "LINK"))
    {
      g_auto(GStrv) parts = g_strsplit (text, "LINK", 2);
      g_free (text);
      text = g_strconcat (parts[0], (char *) links->pdata[0], parts[1], NULL);
    }
  rw_whatif_page_edit (win->whatif_page, text);
}

static void
action_whatif_apply (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  g_autoptr(GError) error = NULL;
  const char *const *changes = rw_whatif_page_get_changes (win->whatif_page);
  if (changes == NULL)
    return;
  if (!rw_document_apply_changes (win->doc, changes, &error))
    rw_window_toast (win, error->message);
  else
    rw_window_toast (win, _("Applied to the network (undo reverts it)"));
}

/* ---- audit ---- */

static void
verify_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(RwStore) store = rw_store_open_readonly (data, &error);
  gint64 bad = 0;
  g_autofree char *why = NULL;
  if (store == NULL || !rw_store_verify_chain (store, &bad, &why, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (bad > 0)
    g_task_return_pointer (task, g_strdup_printf (_("The chain is BROKEN at event %lld: %s"), (long long) bad, why ? why : ""), g_free);
  else
    {
      gint64 seq = 0;
      rw_store_head (store, &seq, NULL, NULL);
      g_task_return_pointer (task, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The audit chain verifies: %lld event, every link intact",
                                                                       "The audit chain verifies: %lld events, every link intact", (gulong) seq),
                                                          (long long) seq),
                             g_free);
    }
}

static void
verify_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RwWindow *win = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), &error);
  if (!g_cancellable_is_cancelled (win->cancellable))
    {
      rw_window_toast (win, text ? text : error->message);
      g_free (win->verify_result);
      win->verify_result = g_strdup (text ? text : error->message);
    }
  g_object_unref (win);
}

static void
action_verify_chain (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  g_autoptr(GTask) task = NULL;
  if (win->db_path == NULL)
    {
      rw_window_toast (win, _("This run keeps no database"));
      return;
    }
  task = g_task_new (NULL, win->cancellable, verify_done, g_object_ref (win));
  g_task_set_task_data (task, g_strdup (win->db_path), g_free);
  g_task_run_in_thread (task, verify_thread);
}

/* ---- incidents ---- */

static void
action_incident (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  g_autofree char *text = rw_incident_page_dup_text (win->incident_page);
  rw_window_run_incident (win, text);
}

/* ---- state ---- */

void
rw_window_update_actions (RwWindow *win)
{
  GtkWidget *w = GTK_WIDGET (win);
  gboolean sel = rw_canvas_get_selected_nodes (win->canvas)->len + rw_canvas_get_selected_links (win->canvas)->len > 0;
  gboolean finished = win->snapshot && win->snapshot->finished;
  gtk_widget_action_set_enabled (w, "win.undo", win->doc && rw_document_can_undo (win->doc));
  gtk_widget_action_set_enabled (w, "win.redo", win->doc && rw_document_can_redo (win->doc));
  gtk_widget_action_set_enabled (w, "win.delete", sel);
  gtk_widget_action_set_enabled (w, "win.whatif-apply", rw_whatif_page_get_changes (win->whatif_page) != NULL);
  gtk_widget_action_set_enabled (w, "win.play", !finished);
  gtk_widget_action_set_enabled (w, "win.step", !finished && !(win->runner && rw_runner_is_playing (win->runner)));
  gtk_widget_action_set_enabled (w, "win.export-clab", !win->exporting);
  gtk_widget_action_set_enabled (w, "win.export-clab-to", !win->exporting);
}

void
rw_window_install_actions (GtkWidgetClass *wc)
{
  gtk_widget_class_install_action (wc, "win.new", NULL, action_new);
  gtk_widget_class_install_action (wc, "win.open", NULL, action_open);
  gtk_widget_class_install_action (wc, "win.open-folder", NULL, action_open_folder);
  gtk_widget_class_install_action (wc, "win.open-path", "s", action_open_path);
  gtk_widget_class_install_action (wc, "win.open-scenario", NULL, action_open_scenario);
  gtk_widget_class_install_action (wc, "win.show-import-warnings", NULL, action_show_import_warnings);
  gtk_widget_class_install_action (wc, "win.export-clab", NULL, action_export_clab);
  gtk_widget_class_install_action (wc, "win.export-clab-to", "s", action_export_clab_to);
  gtk_widget_class_install_action (wc, "win.show-folder", "s", action_show_folder);
  gtk_widget_class_install_action (wc, "win.save", NULL, action_save);
  gtk_widget_class_install_action (wc, "win.show-link-table", NULL, action_show_link_table);
  gtk_widget_class_install_action (wc, "win.show-session-table", NULL, action_show_session_table);
  /* Open Recent's "No Recent Networks": an action that is never enabled */
  gtk_widget_class_install_action (wc, "win.no-recent", NULL, NULL);
  gtk_widget_class_install_action (wc, "win.save-as", NULL, action_save_as);
  gtk_widget_class_install_action (wc, "win.undo", NULL, action_undo);
  gtk_widget_class_install_action (wc, "win.redo", NULL, action_redo);
  gtk_widget_class_install_action (wc, "win.delete", NULL, action_delete);
  /* stateful: the tool buttons show which one is active */
  gtk_widget_class_install_property_action (wc, "win.tool", "tool");
  gtk_widget_class_install_action (wc, "win.fit", NULL, action_fit);
  gtk_widget_class_install_action (wc, "win.arrange", NULL, action_arrange);
  gtk_widget_class_install_action (wc, "win.inspector-apply", NULL, action_inspector_apply);
  gtk_widget_class_install_action (wc, "win.inspector-revert", NULL, action_inspector_revert);
  gtk_widget_class_install_action (wc, "win.play", NULL, action_play);
  gtk_widget_class_install_action (wc, "win.step", NULL, action_step);
  gtk_widget_class_install_action (wc, "win.restart", NULL, action_restart);
  gtk_widget_class_install_action (wc, "win.fail-link", "s", action_link_event);
  gtk_widget_class_install_action (wc, "win.restore-link", "s", action_link_event);
  gtk_widget_class_install_action (wc, "win.degrade-link", "s", action_link_event);
  gtk_widget_class_install_action (wc, "win.flap-session", "s", action_flap_session);
  gtk_widget_class_install_action (wc, "win.ramp-demand", "s", action_ramp_demand);
  gtk_widget_class_install_action (wc, "win.whatif-link-down", "s", action_whatif_link_down);
  gtk_widget_class_install_action (wc, "win.show-paths", "s", action_show_paths);
  gtk_widget_class_install_action (wc, "win.whatif", NULL, action_whatif);
  gtk_widget_class_install_action (wc, "win.whatif-apply", NULL, action_whatif_apply);
  gtk_widget_class_install_action (wc, "win.change-template", "s", action_change_template);
  gtk_widget_class_install_action (wc, "win.verify-chain", NULL, action_verify_chain);
  gtk_widget_class_install_action (wc, "win.incident", NULL, action_incident);
  _rw_window_install_editor_actions (wc);

  gtk_widget_class_add_binding_action (wc, GDK_KEY_n, GDK_CONTROL_MASK, "win.new", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_Delete, 0, "win.delete", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_Escape, 0, "win.tool", "s", "select");
  gtk_widget_class_add_binding_action (wc, GDK_KEY_l, GDK_CONTROL_MASK, "win.arrange", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_0, GDK_CONTROL_MASK, "win.fit", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_space, GDK_CONTROL_MASK, "win.play", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_period, GDK_CONTROL_MASK, "win.step", NULL);
  g_signal_override_class_handler ("close-request", G_TYPE_FROM_CLASS (wc), G_CALLBACK (on_close_request));
}
