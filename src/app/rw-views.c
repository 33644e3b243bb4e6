/* rw-views.c — Graphviz views drawn on workers for the window and its pages.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-views.h"

#include <adwaita.h>
#include "rw-render.h"

struct _RwViews {
  GObject parent_instance;
  GHashTable *views;         /* name -> GdkPaintable: the newest drawn */
  GHashTable *sources;       /* name -> ViewSource: what it was drawn from, to draw it again */
  GHashTable *generations;   /* name -> guint: the newest request; older drawings are dropped */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (RwViews, rw_views, G_TYPE_OBJECT)

enum { SIGNAL_ERROR, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  RwViews *views;
  char *name;
  GtkPicture *picture;
  guint expected;
} ViewJob;

typedef struct {
  char *dot, *engine;
  gboolean dark;
} ViewRequest;

/* What a view was last drawn from, to draw it again in the other style. */
typedef struct {
  char *dot, *engine;
  GtkPicture *picture;
} ViewSource;

static void
view_job_free (ViewJob *j)
{
  g_object_unref (j->views);
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

static void
view_source_free (ViewSource *v)
{
  g_free (v->dot);
  g_free (v->engine);
  g_object_unref (v->picture);
  g_free (v);
}

static guint
generation (RwViews *views, const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (views->generations, name));
}

static guint
next_generation (RwViews *views, const char *name)
{
  guint g = generation (views, name) + 1;
  g_hash_table_insert (views->generations, g_strdup (name), GUINT_TO_POINTER (g));
  return g;
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
  RwViews *views = j->views;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (views->cancellable))
    {
      view_job_free (j);
      return;
    }
  if (texture && generation (views, j->name) == j->expected)
    {
      gtk_picture_set_paintable (j->picture, GDK_PAINTABLE (texture));
      g_hash_table_insert (views->views, g_strdup (j->name), g_object_ref (texture));
    }
  if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (views, signals[SIGNAL_ERROR], 0, error->message);
  view_job_free (j);
}

static void
start_render (RwViews *views, const char *name, const char *dot, const char *engine, GtkPicture *picture)
{
  ViewJob *j = g_new0 (ViewJob, 1);
  ViewRequest *req = g_new0 (ViewRequest, 1);
  g_autoptr(GTask) task = NULL;
  j->views = g_object_ref (views);
  j->name = g_strdup (name);
  j->picture = g_object_ref (picture); /* a dialog's picture may go before the view is drawn */
  j->expected = next_generation (views, name);
  req->dot = g_strdup (dot);
  req->engine = g_strdup (engine);
  req->dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  task = g_task_new (NULL, views->cancellable, render_done, j);
  g_task_set_task_data (task, req, (GDestroyNotify) view_request_free);
  g_task_run_in_thread (task, render_thread);
}

void
rw_views_render (RwViews *views, const char *name, char *dot, const char *engine, GtkPicture *picture)
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
  start_render (views, name, dot, engine, picture);
  v->dot = dot;
  v->engine = g_strdup (engine);
  v->picture = g_object_ref (picture);
  g_hash_table_insert (views->sources, g_strdup (name), v);
}

GdkPaintable *
rw_views_get (RwViews *views, const char *name)
{
  return g_hash_table_lookup (views->views, name);
}

void
rw_views_forget (RwViews *views, const char *name)
{
  next_generation (views, name); /* a drawing still in flight is dropped */
  g_hash_table_remove (views->views, name);
  g_hash_table_remove (views->sources, name);
}

void
rw_views_cancel (RwViews *views)
{
  g_cancellable_cancel (views->cancellable);
}

/* The style went dark or light: every view still on screen is drawn again in it. */
static void
on_dark_changed (AdwStyleManager *style, GParamSpec *pspec, RwViews *views)
{
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, views->sources);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      ViewSource *v = value;
      if (gtk_widget_get_root (GTK_WIDGET (v->picture)) != NULL && gtk_picture_get_paintable (v->picture) != NULL)
        start_render (views, key, v->dot, v->engine, v->picture);
    }
}

static void
rw_views_dispose (GObject *object)
{
  RwViews *views = RW_VIEWS (object);
  g_cancellable_cancel (views->cancellable);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), views);
  g_hash_table_remove_all (views->sources);
  g_hash_table_remove_all (views->views);
  G_OBJECT_CLASS (rw_views_parent_class)->dispose (object);
}

static void
rw_views_finalize (GObject *object)
{
  RwViews *views = RW_VIEWS (object);
  g_hash_table_unref (views->views);
  g_hash_table_unref (views->sources);
  g_hash_table_unref (views->generations);
  g_object_unref (views->cancellable);
  G_OBJECT_CLASS (rw_views_parent_class)->finalize (object);
}

static void
rw_views_class_init (RwViewsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rw_views_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_views_finalize;
  /* a view could not be drawn: the message, for the window to show */
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                        1, G_TYPE_STRING);
}

static void
rw_views_init (RwViews *views)
{
  views->views = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  views->sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) view_source_free);
  views->generations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  views->cancellable = g_cancellable_new ();
  g_signal_connect (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (on_dark_changed), views);
}

RwViews *
rw_views_new (void)
{
  return g_object_new (RW_TYPE_VIEWS, NULL);
}
