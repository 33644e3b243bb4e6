/* rw-window.c — the main window: document and run state, views, timeline.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-window-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include "rw-frr.h"
#include "rw-json-util.h"
#include "rw-render.h"
#include "rw-timeline-item.h"
#include "rw-traffic.h"

#define HISTORY_MAX 240

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

/* ---- Graphviz views, rendered off the GUI thread ---- */

typedef struct {
  RwWindow *win;
  char *name;
  GtkPicture *picture;
  guint *generation;
  guint expected;
} ViewJob;

typedef struct {
  char *dot, *engine;
  gboolean dark;
} ViewRequest;

static void
view_job_free (ViewJob *j)
{
  g_object_unref (j->win);
  g_object_unref (j->picture);
  g_free (j->name);
  g_free (j);
}

static void
view_request_free (ViewRequest *r)
{
  g_free (r->dot);
  g_free (r->engine);
  g_free (r);
}

/* What a view was last drawn from, to draw it again in the other style. */
typedef struct {
  char *dot, *engine;
  GtkPicture *picture;
  guint *generation;
} ViewSource;

static void
view_source_free (ViewSource *v)
{
  g_free (v->dot);
  g_free (v->engine);
  g_object_unref (v->picture);
  g_free (v);
}

static void
rgb_to_hsl (double r, double g, double b, double *h, double *s, double *l)
{
  double max = MAX (r, MAX (g, b)), min = MIN (r, MIN (g, b)), d = max - min;
  *l = (max + min) / 2;
  *h = *s = 0;
  if (d <= 1e-9)
    return;
  *s = *l > 0.5 ? d / (2 - max - min) : d / (max + min);
  if (max == r)
    *h = (g - b) / d + (g < b ? 6 : 0);
  else if (max == g)
    *h = (b - r) / d + 2;
  else
    *h = (r - g) / d + 4;
  *h /= 6;
}

static double
hue_to_rgb (double p, double q, double t)
{
  t = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
  if (t < 1.0 / 6)
    return p + (q - p) * 6 * t;
  if (t < 0.5)
    return q;
  if (t < 2.0 / 3)
    return p + (q - p) * (2.0 / 3 - t) * 6;
  return p;
}

static void
hsl_to_rgb (double h, double s, double l, double *r, double *g, double *b)
{
  double q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
  if (s <= 1e-9)
    {
      *r = *g = *b = l;
      return;
    }
  *r = hue_to_rgb (p, q, h + 1.0 / 3);
  *g = hue_to_rgb (p, q, h);
  *b = hue_to_rgb (p, q, h - 1.0 / 3);
}

/* The dark palette of a view: every colour keeps its hue and saturation and takes the opposite
 * lightness, so white fills become the dark background's grey, black text becomes light, a pale
 * green "done" a dark green, and red, orange and blue stay themselves. Graphviz draws with the
 * views' light colours; the pixels are turned here, on the worker. */
static GdkTexture *
texture_to_dark (GdkTexture *light)
{
  int w = gdk_texture_get_width (light), h = gdk_texture_get_height (light);
  gsize stride = (gsize) w * 4;
  guchar *px = g_malloc ((gsize) h * stride);
  g_autoptr(GBytes) bytes = NULL;
  /* GDK_MEMORY_DEFAULT: B, G, R, A in memory, premultiplied */
  gdk_texture_download (light, px, stride);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      guchar *p = px + 4 * i;
      double a = p[3] / 255.0, r, g, b, hh, ss, ll;
      if (p[3] == 0)
        continue;
      r = p[2] / 255.0 / a, g = p[1] / 255.0 / a, b = p[0] / 255.0 / a;
      rgb_to_hsl (MIN (r, 1), MIN (g, 1), MIN (b, 1), &hh, &ss, &ll);
      hsl_to_rgb (hh, ss, 0.93 - 0.80 * ll, &r, &g, &b);
      p[2] = (guchar) CLAMP (r * a * 255 + 0.5, 0, 255);
      p[1] = (guchar) CLAMP (g * a * 255 + 0.5, 0, 255);
      p[0] = (guchar) CLAMP (b * a * 255 + 0.5, 0, 255);
    }
  bytes = g_bytes_new_take (px, (gsize) h * stride);
  return gdk_memory_texture_new (w, h, GDK_MEMORY_DEFAULT, bytes, stride);
}

static void
render_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ViewRequest *req = data;
  GError *error = NULL;
  g_autoptr(GBytes) png = rw_render_dot (req->dot, req->engine, "png", &error);
  g_autoptr(GdkTexture) texture = png ? gdk_texture_new_from_bytes (png, &error) : NULL;
  if (texture == NULL)
    g_task_return_error (task, error);
  else if (req->dark)
    g_task_return_pointer (task, texture_to_dark (texture), g_object_unref);
  else
    g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
}

static void
render_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ViewJob *j = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture && *j->generation == j->expected && !g_cancellable_is_cancelled (j->win->cancellable))
    {
      gtk_picture_set_paintable (j->picture, GDK_PAINTABLE (texture));
      g_hash_table_insert (j->win->views, g_strdup (j->name), g_object_ref (texture));
    }
  if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    rw_window_toast (j->win, error->message);
  view_job_free (j);
}

static void
start_render (RwWindow *win, const char *name, const char *dot, const char *engine, GtkPicture *picture, guint *generation)
{
  ViewJob *j = g_new0 (ViewJob, 1);
  ViewRequest *req = g_new0 (ViewRequest, 1);
  g_autoptr(GTask) task = NULL;
  j->win = g_object_ref (win);
  j->name = g_strdup (name);
  j->picture = g_object_ref (picture); /* a dialog's picture may go before the view is drawn */
  j->generation = generation;
  j->expected = ++*generation;
  req->dot = g_strdup (dot);
  req->engine = g_strdup (engine);
  req->dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  task = g_task_new (NULL, win->cancellable, render_done, j);
  g_task_set_task_data (task, req, (GDestroyNotify) view_request_free);
  g_task_run_in_thread (task, render_thread);
}

/* Takes @dot. The newest request for a picture wins. */
void
rw_window_render_view (RwWindow *win, const char *name, char *dot, const char *engine, GtkPicture *picture, guint *generation)
{
  ViewSource *v = g_new0 (ViewSource, 1);
  /* the side panel is narrow: 64 dpi keeps a whole view in sight with its labels readable */
  const char *brace = strchr (dot, '{');
  if (brace)
    {
      char *scaled = g_strdup_printf ("%.*s{ dpi=64;%s", (int) (brace - dot), dot, brace + 1);
      g_free (dot);
      dot = scaled;
    }
  start_render (win, name, dot, engine, picture, generation);
  v->dot = dot;
  v->engine = g_strdup (engine);
  v->picture = g_object_ref (picture);
  v->generation = generation;
  g_hash_table_insert (win->view_sources, g_strdup (name), v);
}

/* The style went dark or light: every view still on screen is drawn again in it. */
static void
on_dark_changed (AdwStyleManager *style, GParamSpec *pspec, RwWindow *win)
{
  GHashTableIter it;
  gpointer key, value;
  if (win->view_sources == NULL)
    return;
  g_hash_table_iter_init (&it, win->view_sources);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      ViewSource *v = value;
      if (gtk_widget_get_root (GTK_WIDGET (v->picture)) != NULL && gtk_picture_get_paintable (v->picture) != NULL)
        start_render (win, key, v->dot, v->engine, v->picture, v->generation);
    }
}

GdkPaintable *
rw_window_get_view (RwWindow *win, const char *name)
{
  return g_hash_table_lookup (win->views, name);
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

static void refresh_paths (RwWindow *win);

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
  update_status (win);
  _rw_window_refresh_tables (win);
}

/* ---- inspector ---- */

static void
history_push (GHashTable *h, const char *id, double v)
{
  GArray *a = g_hash_table_lookup (h, id);
  if (a == NULL)
    {
      a = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (h, g_strdup (id), a);
    }
  g_array_append_val (a, v);
  if (a->len > HISTORY_MAX)
    g_array_remove_index (a, 0);
}

static void
show_sparklines (RwWindow *win, const char *link)
{
  GArray *u = link ? g_hash_table_lookup (win->util_history, link) : NULL;
  GArray *l = link ? g_hash_table_lookup (win->latency_history, link) : NULL;
  gtk_widget_set_visible (win->sparkline_box, u != NULL);
  if (u)
    {
      g_autofree double *pct = g_new (double, u->len);
      for (guint i = 0; i < u->len; i++)
        pct[i] = 100 * g_array_index (u, double, i);
      rw_sparkline_set_values (win->util_sparkline, pct, u->len, 0, "%", 90);
    }
  if (l)
    rw_sparkline_set_values (win->latency_sparkline, (double *) l->data, l->len, 1, "ms", NAN);
}

static char *
entity_summary (RwWindow *win, const char *path)
{
  const double *observed;
  const RwTwin *twin = shown_twin (win, &observed);
  g_autoptr(JsonNode) node = rw_document_dup_json (win->doc, path);
  JsonObject *o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (o == NULL)
    return g_strdup ("");
  if (g_str_has_prefix (path, "links[") && twin)
    {
      const char *id = json_object_get_string_member_with_default (o, "id", "");
      for (guint i = 0; i < twin->topo->links->len; i++)
        {
          const RwLink *l = twin->topo->links->pdata[i];
          const RwLinkDir *ab = &twin->traffic->dirs[2 * i], *ba = &twin->traffic->dirs[2 * i + 1];
          if (g_strcmp0 (l->id, id) != 0)
            continue;
          return g_strdup_printf (_("Link %s, %s\n%s→%s: %.0f Mb/s (%.0f %%), %.1f ms, %.2f %% loss\n%s→%s: %.0f Mb/s (%.0f %%), %.1f ms, %.2f %% loss"),
                                  l->id, l->up ? _("up") : _("DOWN"), l->a, l->b, ab->load_mbps, 100 * ab->utilisation,
                                  ab->latency_ms, ab->loss_pct, l->b, l->a, ba->load_mbps, 100 * ba->utilisation, ba->latency_ms,
                                  ba->loss_pct);
        }
    }
  if (g_str_has_prefix (path, "demands[") && twin)
    {
      const char *id = json_object_get_string_member_with_default (o, "id", "");
      gint d = rw_traffic_find_demand (twin->traffic, id);
      if (d >= 0)
        {
          const RwDemandResult *r = twin->traffic->demands->pdata[d];
          return g_strdup_printf (_("Demand %s: %s, %.1f ms, %.2f %% loss, SLA %s"), id,
                                  r->status == RW_DEMAND_OK ? _("delivered") : r->reason ? r->reason : _("not delivered"),
                                  r->latency_ms, r->loss_pct, r->sla_ok ? _("met") : _("MISSED"));
        }
    }
  if (g_str_has_prefix (path, "nodes["))
    return g_strdup_printf (_("%s %s, AS %lld"), json_object_get_string_member_with_default (o, "role", ""),
                            json_object_get_string_member_with_default (o, "id", ""),
                            (long long) json_object_get_int_member_with_default (o, "asn", 0));
  return g_strdup (path);
}

static void
inspect (RwWindow *win, const char *path)
{
  g_autoptr(JsonNode) node = path ? rw_document_dup_json (win->doc, path) : NULL;
  g_autofree char *text = node ? json_to_string (node, TRUE) : g_strdup ("");
  g_autofree char *summary = path ? entity_summary (win, path) : g_strdup (_("Select a node or link on the canvas, or pick anything here."));
  if (g_strcmp0 (win->inspected, path) != 0)
    {
      g_free (win->inspected);
      win->inspected = g_strdup (path);
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (win->entity_text), text, -1);
  gtk_label_set_text (win->entity_summary, summary);
  gtk_widget_set_visible (GTK_WIDGET (win->entity_error), FALSE);
  if (path && g_str_has_prefix (path, "links[") && node)
    show_sparklines (win, json_object_get_string_member_with_default (json_node_get_object (node), "id", NULL));
  else
    show_sparklines (win, NULL);
  for (guint i = 0; path && i < win->entity_paths->len; i++)
    if (g_strcmp0 (win->entity_paths->pdata[i], path) == 0 && gtk_drop_down_get_selected (win->entity_dropdown) != i)
      {
        gtk_drop_down_set_selected (win->entity_dropdown, i);
        break;
      }
}

void
rw_window_refresh_inspector (RwWindow *win)
{
  inspect (win, win->inspected);
}

static void
rebuild_entities (RwWindow *win)
{
  const RwTopology *t = rw_document_get_topology (win->doc);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (win->entities));
  g_ptr_array_set_size (win->entity_paths, 0);
#define ADD(path, ...) G_STMT_START { g_ptr_array_add (win->entity_paths, path); g_ptr_array_add (names, g_strdup_printf (__VA_ARGS__)); } G_STMT_END
  for (guint i = 0; i < t->nodes->len; i++)
    ADD (g_strdup_printf ("nodes[%u]", i), _("Node %s"), ((RwNode *) t->nodes->pdata[i])->id);
  for (guint i = 0; i < t->links->len; i++)
    ADD (g_strdup_printf ("links[%u]", i), _("Link %s"), ((RwLink *) t->links->pdata[i])->id);
  for (guint i = 0; i < t->sessions->len; i++)
    ADD (g_strdup_printf ("sessions[%u]", i), _("Session %s–%s"), ((RwSession *) t->sessions->pdata[i])->a,
         ((RwSession *) t->sessions->pdata[i])->b);
  for (guint i = 0; i < t->policies->len; i++)
    ADD (g_strdup_printf ("policies.%s", ((RwPolicy *) t->policies->pdata[i])->name), _("Policy %s"),
         ((RwPolicy *) t->policies->pdata[i])->name);
  for (guint i = 0; i < t->prefixes->len; i++)
    {
      const RwOrigination *o = t->prefixes->pdata[i];
      g_autofree char *p = rw_prefix_to_string (&o->prefix);
      ADD (g_strdup_printf ("prefixes[%u]", i), _("Prefix %s from %s"), p, o->origin_node);
    }
  for (guint i = 0; i < t->demands->len; i++)
    ADD (g_strdup_printf ("demands[%u]", i), _("Demand %s"), ((RwDemand *) t->demands->pdata[i])->id);
  for (guint i = 0; i < t->sla_classes->len; i++)
    ADD (g_strdup_printf ("sla_classes.%s", ((RwSlaClass *) t->sla_classes->pdata[i])->name), _("SLA class %s"),
         ((RwSlaClass *) t->sla_classes->pdata[i])->name);
#undef ADD
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (win->entities, 0, n_old, (const char *const *) names->pdata);
  /* demands for the paths view */
  {
    g_autoptr(GPtrArray) ids = g_ptr_array_new ();
    guint selected = gtk_drop_down_get_selected (win->demand_dropdown);
    for (guint i = 0; i < t->demands->len; i++)
      g_ptr_array_add (ids, ((RwDemand *) t->demands->pdata[i])->id);
    g_ptr_array_add (ids, NULL);
    gtk_string_list_splice (win->demands, 0, g_list_model_get_n_items (G_LIST_MODEL (win->demands)), (const char *const *) ids->pdata);
    if (selected != GTK_INVALID_LIST_POSITION && selected < t->demands->len)
      gtk_drop_down_set_selected (win->demand_dropdown, selected);
  }
}

static void
on_entity_selected (GtkDropDown *dd, GParamSpec *pspec, RwWindow *win)
{
  guint i = gtk_drop_down_get_selected (dd);
  if (i < win->entity_paths->len && g_strcmp0 (win->entity_paths->pdata[i], win->inspected) != 0)
    inspect (win, win->entity_paths->pdata[i]);
}

static void
on_selection_changed (RwCanvas *canvas, RwWindow *win)
{
  GPtrArray *nodes = rw_canvas_get_selected_nodes (canvas), *links = rw_canvas_get_selected_links (canvas);
  const RwTopology *t = rw_document_get_topology (win->doc);
  const char *id = nodes->len ? nodes->pdata[nodes->len - 1] : links->len ? links->pdata[links->len - 1] : NULL;
  g_autofree char *path = NULL;
  for (guint i = 0; id && i < t->nodes->len && !path; i++)
    if (g_strcmp0 (((RwNode *) t->nodes->pdata[i])->id, id) == 0)
      path = g_strdup_printf ("nodes[%u]", i);
  for (guint i = 0; id && i < t->links->len && !path; i++)
    if (g_strcmp0 (((RwLink *) t->links->pdata[i])->id, id) == 0)
      path = g_strdup_printf ("links[%u]", i);
  if (path)
    inspect (win, path);
  rw_window_update_actions (win);
}

static void
on_edit_failed (RwCanvas *canvas, const char *message, RwWindow *win)
{
  rw_window_toast (win, message);
}

/* ---- paths view ---- */

/* The demand picked on the Paths page, or NULL. */
static const char *
selected_demand (RwWindow *win)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (win->demand_dropdown);
  return item ? gtk_string_object_get_string (item) : NULL;
}

static void
refresh_paths (RwWindow *win)
{
  const double *observed;
  const RwTwin *twin = shown_twin (win, &observed);
  const char *demand = selected_demand (win);
  g_autoptr(GError) error = NULL;
  char *dot;
  rw_canvas_set_demand (win->canvas, demand);
  if (twin == NULL || demand == NULL || rw_traffic_find_demand (twin->traffic, demand) < 0)
    {
      /* another network, or none solved yet: nothing of the last one may stay on the page */
      if (demand && twin == NULL)
        return;
      gtk_label_set_text (win->paths_summary, demand ? "" : _("This network has no demands: add one to see its path."));
      win->paths_generation++;
      gtk_picture_set_paintable (win->paths_picture, NULL);
      g_hash_table_remove (win->views, "paths");
      return;
    }
  {
    const RwDemandResult *r = twin->traffic->demands->pdata[rw_traffic_find_demand (twin->traffic, demand)];
    GString *hops = g_string_new (NULL);
    g_autofree char *text = NULL;
    for (guint i = 0; r->path && i < r->path->len; i++)
      g_string_append_printf (hops, "%s%s", i ? " → " : "", twin->net->nodes[g_array_index (r->path, guint, i)]->id);
    if (r->status == RW_DEMAND_OK)
      text = g_strdup_printf (_("%s: %.0f Mb/s over %s; %.1f ms, %.2f %% loss; SLA %s"), demand, r->demand->mbps, hops->str,
                              r->latency_ms, r->loss_pct, r->sla_ok ? _("met") : _("missed"));
    else
      text = g_strdup_printf (_("%s is not delivered: %s"), demand, r->reason ? r->reason : "");
    gtk_label_set_text (win->paths_summary, text);
    g_string_free (hops, TRUE);
  }
  dot = rw_dot_paths (twin, demand, &error);
  if (dot)
    rw_window_render_view (win, "paths", dot, "dot", win->paths_picture, &win->paths_generation);
}

static void refresh_hypotheses (RwWindow *win);

static void
on_page_shown (AdwViewStack *stack, GParamSpec *pspec, RwWindow *win)
{
  const char *page = adw_view_stack_get_visible_child_name (stack);
  if (g_strcmp0 (page, "hypotheses") == 0 && win->hyp_stale)
    {
      win->hyp_stale = FALSE;
      refresh_hypotheses (win);
    }
  else if (g_strcmp0 (page, "paths") == 0 && win->paths_stale)
    {
      win->paths_stale = FALSE;
      refresh_paths (win);
    }
}

static void
on_demand_selected (GtkDropDown *dd, GParamSpec *pspec, RwWindow *win)
{
  refresh_paths (win);
}

/* ---- what-if ---- */

/* The last result goes as a new one is asked for: an error must not sit above an old picture. */
static void
clear_whatif (RwWindow *win)
{
  g_clear_pointer (&win->whatif_changes, g_strfreev);
  win->whatif_generation++;  /* a picture still being drawn is dropped */
  gtk_picture_set_paintable (win->blast_picture, NULL);
  gtk_widget_set_visible (win->blast_box, FALSE);
  g_hash_table_remove (win->views, "whatif");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (win->whatif_diff), "", -1);
  rw_window_update_actions (win);
}

static void
on_change_entry_activate (GtkEntry *entry, RwWindow *win)
{
  gtk_widget_activate_action (GTK_WIDGET (win), "win.whatif", NULL);
}

void
rw_window_show_whatif (RwWindow *win, const char *text)
{
  const double *observed;
  const RwTwin *twin = shown_twin (win, &observed);
  g_auto(GStrv) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTwin) after = NULL;
  g_autoptr(RwDiff) diff = NULL;
  g_autofree char *frr = NULL, *summary = NULL;
  GString *moved;
  if (twin == NULL)
    return;
  changes = g_strsplit_set (text, " \t\n", -1);
  {
    /* drop empty words */
    guint j = 0;
    for (guint i = 0; changes[i]; i++)
      if (*changes[i])
        changes[j++] = changes[i];
      else
        g_free (changes[i]);
    changes[j] = NULL;
  }
  adw_view_stack_set_visible_child_name (win->side_stack, "whatif");
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (win->change_entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (win->change_entry), text);
  if (changes[0] == NULL)
    {
      clear_whatif (win);
      gtk_label_set_text (win->whatif_summary, _("Type a change first, for example link-down:R2-ISPB."));
      return;
    }
  /* a fork of the shown network; the live twin and the document stay as they are. The fork
   * of a small network solves in milliseconds, so it is done here; big what-ifs go through
   * routewise-cli. */
  after = rw_twin_fork_apply (twin, (const char *const *) changes, &error);
  if (after == NULL)
    {
      clear_whatif (win);
      gtk_label_set_text (win->whatif_summary, error->message);
      return;
    }
  diff = rw_twin_diff (twin, after);
  moved = g_string_new (NULL);
  for (guint i = 0; i < diff->moved_demands->len; i++)
    g_string_append_printf (moved, "%s%s", i ? ", " : "", (char *) diff->moved_demands->pdata[i]);
  summary = g_strdup_printf (_("Blast radius %.1f %% (%.0f Mb/s moved: %s)\nMax utilisation %.0f %% (%s) → %.0f %% (%s)\n"
                               "SLA misses added: %u, removed: %u · new loops: %u · new blackholes: %u"),
                             100 * diff->blast_radius, diff->moved_mbps, moved->len ? moved->str : _("none"),
                             100 * diff->max_util_before, diff->max_dir_before ? diff->max_dir_before : "—",
                             100 * diff->max_util_after, diff->max_dir_after ? diff->max_dir_after : "—", diff->sla_added->len,
                             diff->sla_removed->len, diff->new_loops->len, diff->new_blackholes->len);
  g_string_free (moved, TRUE);
  if (diff->priced)
    {
      /* Translators: the monthly transit bill before and after a what-if, then the change */
      g_autofree char *cost = g_strdup_printf (_("Transit cost a month %.2f → %.2f (%+.2f)"), diff->cost_before,
                                               diff->cost_after, diff->cost_after - diff->cost_before);
      g_autofree char *both = g_strdup_printf ("%s\n%s", summary, cost);
      g_free (summary);
      summary = g_steal_pointer (&both);
    }
  gtk_label_set_text (win->whatif_summary, summary);
  frr = rw_frr_changes_diff (twin->topo, (const char *const *) changes, NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (win->whatif_diff), frr && *frr ? frr : _("(no configuration change: a physical event)"), -1);
  g_strfreev (win->whatif_changes);
  win->whatif_changes = g_strdupv (changes);
  {
    g_autofree char *title = g_strdup_printf (_("What if: %s"), text);
    rw_window_render_view (win, "whatif", rw_dot_blast_radius (twin, after, title), "neato", win->blast_picture, &win->whatif_generation);
  }
  gtk_widget_set_visible (win->blast_box, TRUE);
  rw_window_update_actions (win);
}

/* ---- hypotheses ---- */

static void
refresh_hypotheses (RwWindow *win)
{
  JsonArray *a;
  GString *text;
  g_autoptr(JsonNode) anomalies = NULL;
  g_autoptr(JsonArray) recent = json_array_new ();
  guint n;
  if (win->snapshot == NULL || win->snapshot->hypotheses == NULL)
    return;
  a = json_node_get_array (win->snapshot->hypotheses);
  if (json_array_get_length (a) == 0)
    {
      gtk_label_set_text (win->hypotheses_label, _("No hypotheses: nothing unusual so far."));
      return;
    }
  text = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *h = json_array_get_object_element (a, i);
      g_string_append_printf (text, "%s %s — %.0f %%%s\n", json_object_get_string_member (h, "kind"),
                              json_object_get_string_member (h, "entity"), 100 * json_object_get_double_member (h, "confidence"),
                              json_object_get_boolean_member (h, "escalated") ? _(" (escalated)") : "");
    }
  gtk_label_set_text (win->hypotheses_label, text->str);
  g_string_free (text, TRUE);
  /* the newest anomalies (their payloads carry metric, entity, value, detectors) */
  n = g_list_model_get_n_items (G_LIST_MODEL (win->timeline));
  for (guint i = n, k = 0; i > 0 && k < 6; i--)
    {
      g_autoptr(RwTimelineItem) it = g_list_model_get_item (G_LIST_MODEL (win->timeline), i - 1);
      g_autoptr(JsonNode) p = NULL;
      g_autofree char *bad = NULL;
      const char *payload = rw_timeline_item_get_event (it)->payload;
      if (g_strcmp0 (rw_timeline_item_get_kind (it), "anomaly") != 0)
        continue;
      /* from the database: checked before json-glib, which deep nesting crashes */
      if (payload == NULL || (bad = rw_json_check_text (payload, -1, NULL)) != NULL)
        continue;
      p = json_from_string (payload, NULL);
      if (p)
        json_array_add_element (recent, g_steal_pointer (&p)), k++;
    }
  anomalies = json_node_init_array (json_node_alloc (), recent);
  {
    /* a readable graph: each hypothesis with its three newest pieces of evidence */
    g_autoptr(JsonNode) hyps = json_node_copy (win->snapshot->hypotheses);
    JsonArray *ha = json_node_get_array (hyps);
    for (guint i = 0; i < json_array_get_length (ha); i++)
      {
        JsonObject *h = json_array_get_object_element (ha, i);
        JsonArray *ev = json_object_get_array_member (h, "evidence");
        while (ev && json_array_get_length (ev) > 3)
          json_array_remove_element (ev, 0);
      }
    rw_window_render_view (win, "hypotheses", rw_dot_hypotheses (anomalies, hyps, NULL), "dot", win->hypotheses_picture,
                           &win->hyp_generation);
  }
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
  const RwTwin *live;
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
  live = s->live;
  if (live && s->observed_util && !s->mid_tick) /* one point per tick: a mid-tick snapshot's values come again at its end */
    for (guint i = 0; i < live->topo->links->len; i++)
      {
        const RwLink *l = live->topo->links->pdata[i];
        history_push (win->util_history, l->id, MAX (s->observed_util[2 * i], s->observed_util[2 * i + 1]));
        history_push (win->latency_history, l->id,
                      l->up ? MAX (live->traffic->dirs[2 * i].latency_ms, live->traffic->dirs[2 * i + 1].latency_ms) : NAN);
      }
  if (s->error)
    rw_window_toast (win, s->error);
  win->updating_mode = TRUE;
  gtk_drop_down_set_selected (win->mode_dropdown, s->mode);
  win->updating_mode = FALSE;
  refresh_canvas (win);
  if (s->events && s->events->len)
    {
      /* Graphviz views are drawn for the page in sight; the others when they are shown */
      const char *page = adw_view_stack_get_visible_child_name (win->side_stack);
      if (g_strcmp0 (page, "hypotheses") == 0)
        refresh_hypotheses (win);
      else
        win->hyp_stale = TRUE;
      if (g_strcmp0 (page, "paths") == 0)
        refresh_paths (win);
      else
        {
          rw_canvas_set_demand (win->canvas, selected_demand (win));
          win->paths_stale = TRUE;
        }
    }
  if (win->inspected && g_str_has_prefix (win->inspected, "links["))
    rw_window_refresh_inspector (win);
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
    rw_window_render_view (win, "approval", rw_dot_blast_radius (twin, after, changes[0]), "neato",
                           rw_approval_dialog_get_blast_picture (d), &win->approval_generation);
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
  g_hash_table_remove_all (win->util_history);
  g_hash_table_remove_all (win->latency_history);
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
  rebuild_entities (win);
  rw_window_refresh_inspector (win);
  refresh_canvas (win);
  rw_window_update_actions (win);
}

static void
on_doc_solved (RwDocument *doc, RwWindow *win)
{
  refresh_canvas (win);
  refresh_paths (win);
  rw_window_refresh_inspector (win);
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
  g_clear_pointer (&win->inspected, g_free);
  rebuild_entities (win);
  inspect (win, win->entity_paths->len ? win->entity_paths->pdata[0] : NULL);
  refresh_canvas (win);
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
  return gtk_label_get_text (win->paths_summary);
}

GtkEntry *
rw_window_get_whatif_entry (RwWindow *win)
{
  return win->change_entry;
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
  g_clear_pointer (&win->view_sources, g_hash_table_unref);
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
  g_clear_object (&win->entities);
  g_clear_object (&win->demands);
  g_ptr_array_unref (win->entity_paths);
  g_hash_table_unref (win->util_history);
  g_hash_table_unref (win->latency_history);
  g_hash_table_unref (win->views);
  g_strfreev (win->whatif_changes);
  g_free (win->inspected);
  g_free (win->last_toast);
  g_free (win->incident_dot);
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
  g_type_ensure (RW_TYPE_SPARKLINE);
  g_type_ensure (RW_TYPE_PROVING_BAR);
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (wc, RwWindow, name)
  BIND (toasts); BIND (window_title); BIND (mode_dropdown); BIND (play_button); BIND (status_label); BIND (recent_section);
  BIND (speed_adjustment); BIND (canvas); BIND (side_stack); BIND (entity_dropdown); BIND (entity_summary);
  BIND (sparkline_box); BIND (util_sparkline); BIND (latency_sparkline); BIND (entity_text); BIND (entity_error);
  BIND (demand_dropdown); BIND (paths_summary); BIND (paths_picture); BIND (change_entry); BIND (whatif_summary);
  BIND (blast_picture); BIND (whatif_diff); BIND (hypotheses_label); BIND (hypotheses_picture); BIND (incident_text); BIND (incident_summary); BIND (incident_picture);
  BIND (incident_legend);
  BIND (kind_dropdown);
  BIND (timeline_search); BIND (timeline_count); BIND (timeline_view); BIND (event_detail);
  BIND (warnings_button); BIND (blast_box); BIND (hpaned); BIND (vpaned); BIND (timeline_paned);
  BIND (proving_bar);
#undef BIND
  gtk_widget_class_bind_template_callback (wc, on_change_entry_activate);
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
  win->entity_paths = g_ptr_array_new_with_free_func (g_free);
  win->util_history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  win->latency_history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  win->views = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  win->view_sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) view_source_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (win), "win.no-recent", FALSE);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed", G_CALLBACK (update_recent_menu), win, 0);
  update_recent_menu (gtk_recent_manager_get_default (), win);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (on_dark_changed), win, 0);

  win->entities = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (win->entity_dropdown, G_LIST_MODEL (win->entities));
  gtk_drop_down_set_expression (win->entity_dropdown, gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  g_signal_connect (win->entity_dropdown, "notify::selected", G_CALLBACK (on_entity_selected), win);
  win->demands = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (win->demand_dropdown, G_LIST_MODEL (win->demands));
  gtk_drop_down_set_expression (win->demand_dropdown, gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  g_signal_connect (win->demand_dropdown, "notify::selected", G_CALLBACK (on_demand_selected), win);
  g_signal_connect (win->side_stack, "notify::visible-child-name", G_CALLBACK (on_page_shown), win);

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
