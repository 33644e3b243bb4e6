/* rw-sparkline.h — a small line chart of the recent values of one metric.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RW_TYPE_SPARKLINE (rw_sparkline_get_type ())
G_DECLARE_FINAL_TYPE (RwSparkline, rw_sparkline, RW, SPARKLINE, GtkWidget)

/* Copies @n values; the last one is printed with @digits decimals and @unit ("%", "ms");
 * @limit draws a dashed line (NAN: none). */
void rw_sparkline_set_values (RwSparkline *s, const double *values, guint n, int digits, const char *unit, double limit);
guint rw_sparkline_get_n_values (RwSparkline *s);

G_END_DECLS
