/* rw-sparkline.c — a small line chart of the recent values of one metric.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-sparkline.h"

#include <math.h>

struct _RwSparkline {
  GtkWidget parent_instance;
  double *values;
  guint n;
  char *unit;
  int digits;
  double limit;
};

G_DEFINE_FINAL_TYPE (RwSparkline, rw_sparkline, GTK_TYPE_WIDGET)

void
rw_sparkline_set_values (RwSparkline *s, const double *values, guint n, int digits, const char *unit, double limit)
{
  g_free (s->values);
  s->values = n ? g_memdup2 (values, n * sizeof (double)) : NULL;
  s->n = n;
  g_free (s->unit);
  s->unit = g_strdup (unit);
  s->digits = digits;
  s->limit = limit;
  gtk_widget_queue_draw (GTK_WIDGET (s));
}

guint
rw_sparkline_get_n_values (RwSparkline *s)
{
  return s->n;
}

static void
rw_sparkline_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  RwSparkline *s = RW_SPARKLINE (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double lo = 0, hi = 1e-9, plot_w;
  GdkRGBA fg;
  cairo_t *cr;
  g_autoptr(PangoLayout) layout = NULL;
  int tw = 0, th = 0;
  if (w <= 0 || h <= 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (s->n && s->unit)
    {
      g_autofree char *text = g_strdup_printf ("%.*f %s", s->digits, s->values[s->n - 1], s->unit);
      layout = gtk_widget_create_pango_layout (widget, text);
      pango_layout_get_pixel_size (layout, &tw, &th);
    }
  plot_w = MAX (10, w - tw - 8);
  for (guint i = 0; i < s->n; i++)
    if (isfinite (s->values[i]))
      hi = MAX (hi, s->values[i]);
  if (isfinite (s->limit))
    hi = MAX (hi, s->limit * 1.1);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.15);
  cairo_rectangle (cr, 0, 0, plot_w, h);
  cairo_fill (cr);
  if (isfinite (s->limit))
    {
      double y = h - 2 - (h - 4) * (s->limit - lo) / (hi - lo);
      cairo_set_source_rgba (cr, 0.75, 0.11, 0.16, 0.8);
      cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, 0, y);
      cairo_line_to (cr, plot_w, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  if (s->n >= 2)
    {
      gboolean started = FALSE;
      cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 1);
      cairo_set_line_width (cr, 1.6);
      for (guint i = 0; i < s->n; i++)
        {
          double x = plot_w * i / (s->n - 1), y;
          if (!isfinite (s->values[i]))
            {
              started = FALSE;
              continue;
            }
          y = h - 2 - (h - 4) * (s->values[i] - lo) / (hi - lo);
          if (started)
            cairo_line_to (cr, x, y);
          else
            cairo_move_to (cr, x, y);
          started = TRUE;
        }
      cairo_stroke (cr);
    }
  if (layout)
    {
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_move_to (cr, w - tw, (h - th) / 2.0);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_destroy (cr);
}

static void
rw_sparkline_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat, int *min_b, int *nat_b)
{
  *min = o == GTK_ORIENTATION_HORIZONTAL ? 120 : 36;
  *nat = o == GTK_ORIENTATION_HORIZONTAL ? 300 : 40;
}

static void
rw_sparkline_finalize (GObject *object)
{
  RwSparkline *s = RW_SPARKLINE (object);
  g_free (s->values);
  g_free (s->unit);
  G_OBJECT_CLASS (rw_sparkline_parent_class)->finalize (object);
}

static void
rw_sparkline_class_init (RwSparklineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rw_sparkline_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = rw_sparkline_snapshot;
  GTK_WIDGET_CLASS (klass)->measure = rw_sparkline_measure;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "rwsparkline");
}

static void
rw_sparkline_init (RwSparkline *s)
{
  s->limit = NAN;
}
