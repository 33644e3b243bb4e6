/* rw-bgp-table.c — a router's BGP table as the twin solved it: per prefix the candidate routes,
 * the best one, the backup (the best of the others: what takes over when the best goes) and the
 * decision step that chose each.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-bgp-table.h"

#include <glib/gi18n.h>
#include <math.h>
#include "rw-table-model.h"

struct _RwBgpTable {
  GtkBox parent_instance;
  GtkDropDown *node_dropdown;
  GtkColumnView *view;
  GtkSearchEntry *search;
  GtkLabel *count;
  GtkLabel *capped_label;
  RwTableModel model;
  GtkStringList *nodes;
  char *node;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (RwBgpTable, rw_bgp_table, GTK_TYPE_BOX)

/* Rows built on the GUI thread: a router of a million-prefix network shows the lowest prefixes
 * (the CSV of the whole table is `routewise-cli`'s job). */
#define MAX_ROWS 100000

enum { PROP_0, PROP_NODE, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
export_action (GtkWidget *w, const char *name, GVariant *param)
{
  RwBgpTable *t = RW_BGP_TABLE (w);
  g_autofree char *file = g_strdup_printf ("bgp-%s.csv", t->node ? t->node : "table");
  rw_table_model_export_interactive (&t->model, w, file);
}

static void
on_node_picked (GtkDropDown *dd, GParamSpec *pspec, RwBgpTable *t)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dd);
  if (t->updating || item == NULL)
    return;
  rw_bgp_table_set_node (t, gtk_string_object_get_string (item));
}

static void
rw_bgp_table_dispose (GObject *object)
{
  RwBgpTable *t = RW_BGP_TABLE (object);
  rw_table_model_clear (&t->model);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_BGP_TABLE);
  G_OBJECT_CLASS (rw_bgp_table_parent_class)->dispose (object);
}

static void
rw_bgp_table_finalize (GObject *object)
{
  RwBgpTable *t = RW_BGP_TABLE (object);
  g_clear_object (&t->nodes);
  g_free (t->node);
  G_OBJECT_CLASS (rw_bgp_table_parent_class)->finalize (object);
}

static void
rw_bgp_table_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  switch (id)
    {
    case PROP_NODE: g_value_set_string (value, RW_BGP_TABLE (object)->node); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
rw_bgp_table_class_init (RwBgpTableClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  oc->dispose = rw_bgp_table_dispose;
  oc->finalize = rw_bgp_table_finalize;
  oc->get_property = rw_bgp_table_get_property;
  props[PROP_NODE] = g_param_spec_string ("node", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (oc, N_PROPS, props);
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-bgp-table.ui");
  gtk_widget_class_bind_template_child (wc, RwBgpTable, node_dropdown);
  gtk_widget_class_bind_template_child (wc, RwBgpTable, view);
  gtk_widget_class_bind_template_child (wc, RwBgpTable, search);
  gtk_widget_class_bind_template_child (wc, RwBgpTable, count);
  gtk_widget_class_bind_template_child (wc, RwBgpTable, capped_label);
  gtk_widget_class_install_action (wc, "table.export", NULL, export_action);
}

static void
rw_bgp_table_init (RwBgpTable *t)
{
  gtk_widget_init_template (GTK_WIDGET (t));
  t->nodes = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (t->node_dropdown, G_LIST_MODEL (t->nodes));
  g_signal_connect (t->node_dropdown, "notify::selected", G_CALLBACK (on_node_picked), t);
  rw_table_model_init (&t->model, t->view, t->search, t->count);
}

GtkWidget *
rw_bgp_table_new (void)
{
  return g_object_new (RW_TYPE_BGP_TABLE, NULL);
}

void
rw_bgp_table_set_node (RwBgpTable *t, const char *node)
{
  if (g_strcmp0 (t->node, node) == 0)
    return;
  g_free (t->node);
  t->node = g_strdup (node);
  g_object_notify_by_pspec (G_OBJECT (t), props[PROP_NODE]);
}

const char *
rw_bgp_table_get_node (RwBgpTable *t)
{
  return t->node;
}

static char *
as_path_text (const RwRoute *r)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < r->as_path_len; i++)
    g_string_append_printf (s, "%s%u", i ? " " : "", r->as_path[i]);
  return g_string_free (s, FALSE);
}

static char *
communities_text (const RwRoute *r)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < r->n_communities; i++)
    {
      g_autofree char *c = rw_community_to_string (r->communities[i]);
      g_string_append_printf (s, "%s%s", i ? " " : "", c);
    }
  return g_string_free (s, FALSE);
}

/* The row of route @r of @prefix at @node; @kind 0 best, 1 backup, 2 another candidate. */
static RwTableRow *
route_row (const RwNet *net, const RwPrefix *prefix, const RwRoute *r, guint kind, RwDecisionStep step)
{
  static const char *const kinds[] = { N_("best"), N_("backup"), N_("candidate") };
  const RwNode *from = r->from >= 0 ? net->nodes[r->from] : NULL;
  const RwNode *hop = r->nexthop >= 0 ? net->nodes[r->nexthop] : NULL;
  double keys[] = { (double) prefix->addr * 64 + prefix->len, kind, kind < 2 ? (double) step : 99, NAN, NAN, r->as_path_len,
                    r->local_pref, r->has_med ? (double) r->med : -1, r->weight, r->origin, NAN };
  GStrv cells = g_new0 (char *, G_N_ELEMENTS (keys) + 1);
  cells[0] = rw_prefix_to_string (prefix);
  cells[1] = g_strdup (_(kinds[kind]));
  /* a backup with nothing to beat is the one route left when the best goes */
  cells[2] = g_strdup (kind == 1 && step == RW_STEP_NONE ? _("only other route") : kind < 2 ? rw_decision_step_name (step) : "");
  cells[3] = from ? g_strdup_printf ("%s (%s)", from->id, r->ibgp ? "iBGP" : "eBGP") : g_strdup (_("originated here"));
  if (hop && from)
    {
      g_autofree char *addr = rw_ipv4_to_string (rw_node_loopback (hop));
      cells[4] = g_strdup_printf ("%s %s", hop->id, addr);
    }
  else
    cells[4] = g_strdup (_("self"));
  cells[5] = as_path_text (r);
  cells[6] = g_strdup_printf ("%u", r->local_pref);
  cells[7] = r->has_med ? g_strdup_printf ("%u", r->med) : g_strdup ("–");
  cells[8] = g_strdup_printf ("%d", r->weight);
  cells[9] = g_strdup (rw_origin_to_string (r->origin));
  cells[10] = communities_text (r);
  return rw_table_row_new (cells, keys);
}

void
rw_bgp_table_set_twin (RwBgpTable *t, const RwTwin *twin)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  const RwNet *net = twin ? twin->net : NULL;
  const RwBgpResult *bgp = twin ? twin->bgp : NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  gint node = -1;
  guint selected = GTK_INVALID_LIST_POSITION, p = 0;

  /* the routers to choose from */
  for (guint i = 0; net && i < net->n_nodes; i++)
    {
      g_ptr_array_add (ids, net->nodes[i]->id);
      if (g_strcmp0 (net->nodes[i]->id, t->node) == 0)
        selected = i;
    }
  g_ptr_array_add (ids, NULL);
  t->updating = TRUE;
  gtk_string_list_splice (t->nodes, 0, g_list_model_get_n_items (G_LIST_MODEL (t->nodes)), (const char *const *) ids->pdata);
  gtk_drop_down_set_selected (t->node_dropdown, selected);
  t->updating = FALSE;
  if (net && t->node)
    node = rw_net_node (net, t->node);

  for (p = 0; bgp && node >= 0 && p < bgp->n_prefixes && rows->len < MAX_ROWS; p++)
    {
      const RwRib *rib = rw_bgp_rib (bgp, p, (guint) node);
      g_autofree RwRoute **others = NULL;
      RwDecisionStep backup_step = RW_STEP_NONE;
      gint backup = -1;
      guint n_others = 0;
      if (rib == NULL || rib->routes == NULL || rib->routes->len == 0)
        continue;
      /* the backup: the best of the candidates without the best one, by the same process */
      if (rib->best >= 0 && rib->routes->len > 1)
        {
          others = g_new (RwRoute *, rib->routes->len);
          for (guint r = 0; r < rib->routes->len; r++)
            if ((gint) r != rib->best)
              others[n_others++] = rib->routes->pdata[r];
          backup = (gint) rw_bgp_decide (net, (guint) node, others, n_others, &backup_step);
        }
      /* best first, then the backup, then the other candidates in arrival order */
      for (guint kind = 0; kind < 3; kind++)
        for (guint r = 0; r < rib->routes->len; r++)
          {
            const RwRoute *route = rib->routes->pdata[r];
            guint k = (gint) r == rib->best ? 0 : backup >= 0 && route == others[backup] ? 1 : 2;
            if (k == kind)
              g_ptr_array_add (rows, route_row (net, &bgp->prefixes[p], route, k, k == 0 ? rib->decided_by : backup_step));
          }
    }
  rw_table_model_set_rows (&t->model, rows);
  if (bgp && p < bgp->n_prefixes)
    {
      g_autofree char *text = g_strdup_printf (_("The routes of the first %u prefixes in address order are listed, not of all %u."), p,
                                               bgp->n_prefixes);
      gtk_label_set_text (t->capped_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (t->capped_label), bgp && node >= 0 && p < bgp->n_prefixes);
}

GtkColumnView *
rw_bgp_table_get_view (RwBgpTable *t)
{
  return t->view;
}

GtkSearchEntry *
rw_bgp_table_get_search (RwBgpTable *t)
{
  return t->search;
}

char *
rw_bgp_table_to_csv (RwBgpTable *t)
{
  return rw_table_model_to_csv (&t->model);
}

gboolean
rw_bgp_table_export (RwBgpTable *t, const char *path, GError **error)
{
  return rw_table_model_export (&t->model, path, error);
}
