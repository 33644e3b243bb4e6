/* rw-session-table.c — the session table: state, prefixes each end accepted from the other,
 * and the policies at each end.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-session-table.h"

#include <glib/gi18n.h>
#include <math.h>
#include "rw-table-model.h"

struct _RwSessionTable {
  GtkBox parent_instance;
  GtkColumnView *view;
  GtkSearchEntry *search;
  GtkLabel *count;
  RwTableModel model;
};

G_DEFINE_FINAL_TYPE (RwSessionTable, rw_session_table, GTK_TYPE_BOX)

static void
export_action (GtkWidget *w, const char *name, GVariant *param)
{
  rw_table_model_export_interactive (&RW_SESSION_TABLE (w)->model, w, "sessions.csv");
}

static void
rw_session_table_dispose (GObject *object)
{
  RwSessionTable *t = RW_SESSION_TABLE (object);
  rw_table_model_clear (&t->model);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_SESSION_TABLE);
  G_OBJECT_CLASS (rw_session_table_parent_class)->dispose (object);
}

static void
rw_session_table_class_init (RwSessionTableClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_session_table_dispose;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-session-table.ui");
  gtk_widget_class_bind_template_child (wc, RwSessionTable, view);
  gtk_widget_class_bind_template_child (wc, RwSessionTable, search);
  gtk_widget_class_bind_template_child (wc, RwSessionTable, count);
  gtk_widget_class_install_action (wc, "table.export", NULL, export_action);
}

static void
rw_session_table_init (RwSessionTable *t)
{
  gtk_widget_init_template (GTK_WIDGET (t));
  rw_table_model_init (&t->model, t->view, t->search, t->count);
}

GtkWidget *
rw_session_table_new (void)
{
  return g_object_new (RW_TYPE_SESSION_TABLE, NULL);
}

static char *
policies (const RwSessionEnd *e)
{
  return g_strdup_printf ("%s / %s", e->import ? e->import : _("all"), e->export ? e->export : _("all"));
}

void
rw_session_table_set_twin (RwSessionTable *t, const RwTwin *twin)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree guint64 *accepted = NULL;
  const RwNet *net = twin ? twin->net : NULL;
  if (net && twin->bgp)
    {
      /* prefixes accepted on each adjacency: the routes in the holder's table that came over it */
      accepted = g_new0 (guint64, net->n_adjs);
      for (guint c = 0; c < twin->bgp->classes->len; c++)
        {
          const RwBgpClass *cls = twin->bgp->classes->pdata[c];
          for (guint n = 0; n < net->n_nodes; n++)
            for (guint r = 0; cls->ribs[n].routes && r < cls->ribs[n].routes->len; r++)
              {
                const RwRoute *route = cls->ribs[n].routes->pdata[r];
                if (route->adj >= 0 && (guint) route->adj < net->n_adjs)
                  accepted[route->adj] += cls->n_prefixes;
              }
        }
    }
  for (guint s = 0; net && s < twin->topo->sessions->len; s++)
    {
      const RwSession *ses = twin->topo->sessions->pdata[s];
      gint a = rw_net_node (net, ses->a), b = rw_net_node (net, ses->b);
      gint at_a = a >= 0 && b >= 0 ? rw_net_find_adj (net, a, b) : -1, at_b = a >= 0 && b >= 0 ? rw_net_find_adj (net, b, a) : -1;
      gboolean established = at_a >= 0 && net->adjs[at_a].up;
      double from_b = at_a >= 0 ? (double) accepted[at_a] : NAN, from_a = at_b >= 0 ? (double) accepted[at_b] : NAN;
      double keys[] = { NAN, NAN, NAN, established, isnan (from_b) ? -1 : from_b, isnan (from_a) ? -1 : from_a, NAN, NAN };
      GStrv cells = g_new0 (char *, G_N_ELEMENTS (keys) + 1);
      cells[0] = g_strdup (ses->a);
      cells[1] = g_strdup (ses->b);
      cells[2] = g_strdup (at_a >= 0 && net->adjs[at_a].ebgp ? "eBGP" : "iBGP");
      cells[3] = g_strdup (!ses->up ? _("shut down") : established ? _("established") : _("down"));
      cells[4] = isnan (from_b) ? g_strdup ("–") : g_strdup_printf ("%.0f", from_b);
      cells[5] = isnan (from_a) ? g_strdup ("–") : g_strdup_printf ("%.0f", from_a);
      cells[6] = policies (&ses->ends[0]);
      cells[7] = policies (&ses->ends[1]);
      g_ptr_array_add (rows, rw_table_row_new (cells, keys));
    }
  rw_table_model_set_rows (&t->model, rows);
}

GtkColumnView *
rw_session_table_get_view (RwSessionTable *t)
{
  return t->view;
}

GtkSearchEntry *
rw_session_table_get_search (RwSessionTable *t)
{
  return t->search;
}

char *
rw_session_table_to_csv (RwSessionTable *t)
{
  return rw_table_model_to_csv (&t->model);
}

gboolean
rw_session_table_export (RwSessionTable *t, const char *path, GError **error)
{
  return rw_table_model_export (&t->model, path, error);
}
