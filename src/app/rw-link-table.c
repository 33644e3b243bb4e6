/* rw-link-table.c — the link table.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-link-table.h"

#include <glib/gi18n.h>
#include <math.h>
#include "rw-table-model.h"

struct _RwLinkTable {
  GtkBox parent_instance;
  GtkColumnView *view;
  GtkSearchEntry *search;
  GtkLabel *count;
  RwTableModel model;
};

G_DEFINE_FINAL_TYPE (RwLinkTable, rw_link_table, GTK_TYPE_BOX)

static void
export_action (GtkWidget *w, const char *name, GVariant *param)
{
  rw_table_model_export_interactive (&RW_LINK_TABLE (w)->model, w, "links.csv");
}

static void
rw_link_table_dispose (GObject *object)
{
  RwLinkTable *t = RW_LINK_TABLE (object);
  rw_table_model_clear (&t->model);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_LINK_TABLE);
  G_OBJECT_CLASS (rw_link_table_parent_class)->dispose (object);
}

static void
rw_link_table_class_init (RwLinkTableClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_link_table_dispose;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-link-table.ui");
  gtk_widget_class_bind_template_child (wc, RwLinkTable, view);
  gtk_widget_class_bind_template_child (wc, RwLinkTable, search);
  gtk_widget_class_bind_template_child (wc, RwLinkTable, count);
  gtk_widget_class_install_action (wc, "table.export", NULL, export_action);
}

static void
rw_link_table_init (RwLinkTable *t)
{
  gtk_widget_init_template (GTK_WIDGET (t));
  rw_table_model_init (&t->model, t->view, t->search, t->count);
}

GtkWidget *
rw_link_table_new (void)
{
  return g_object_new (RW_TYPE_LINK_TABLE, NULL);
}

static char *
figure (double v, const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return isnan (v) ? g_strdup ("–") : g_strdup (g_ascii_formatd (buf, sizeof buf, format, v));
}

static char *
percent (double v)
{
  g_autofree char *n = figure (100 * v, "%.1f");
  return g_strconcat (n, " %", NULL);
}

void
rw_link_table_set_twin (RwLinkTable *t, const RwTwin *twin, const double *observed)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; twin && twin->traffic && i < twin->topo->links->len; i++)
    {
      const RwLink *l = twin->topo->links->pdata[i];
      const RwLinkDir *ab = &twin->traffic->dirs[2 * i], *ba = &twin->traffic->dirs[2 * i + 1];
      double uab = observed ? observed[2 * i] : ab->utilisation, uba = observed ? observed[2 * i + 1] : ba->utilisation;
      double latency = l->up ? MAX (ab->latency_ms, ba->latency_ms) : NAN, loss = l->up ? MAX (ab->loss_pct, ba->loss_pct) : NAN;
      /* numbers in C notation, as a CSV reader expects them */
      double keys[] = { NAN, NAN, NAN, l->up, l->capacity_mbps, ab->load_mbps, ba->load_mbps, uab, uba,
                        isnan (latency) ? -1 : latency, isnan (loss) ? -1 : loss };
      GStrv cells = g_new0 (char *, G_N_ELEMENTS (keys) + 1);
      cells[0] = g_strdup (l->id);
      cells[1] = g_strdup (l->a);
      cells[2] = g_strdup (l->b);
      cells[3] = g_strdup (l->up ? _("up") : _("down"));
      cells[4] = figure (l->capacity_mbps, "%.0f");
      cells[5] = figure (ab->load_mbps, "%.0f");
      cells[6] = figure (ba->load_mbps, "%.0f");
      cells[7] = percent (uab);
      cells[8] = percent (uba);
      cells[9] = figure (latency, "%.1f");
      cells[10] = figure (loss, "%.2f");
      g_ptr_array_add (rows, rw_table_row_new (cells, keys));
    }
  rw_table_model_set_rows (&t->model, rows);
}

GtkColumnView *
rw_link_table_get_view (RwLinkTable *t)
{
  return t->view;
}

GtkSearchEntry *
rw_link_table_get_search (RwLinkTable *t)
{
  return t->search;
}

char *
rw_link_table_to_csv (RwLinkTable *t)
{
  return rw_table_model_to_csv (&t->model);
}

gboolean
rw_link_table_export (RwLinkTable *t, const char *path, GError **error)
{
  return rw_table_model_export (&t->model, path, error);
}
