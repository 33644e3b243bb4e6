/* rw-paths-page.c — the Paths page.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-paths-page.h"

#include <glib/gi18n.h>
#include <string.h>
#include "rw-render.h"

struct _RwPathsPage {
  AdwBin parent_instance;
  /* template */
  GtkDropDown *demand_dropdown;
  GtkLabel *paths_summary;
  GtkPicture *paths_picture;
  /* state */
  RwViews *views;
  GtkStringList *demands;
  GPtrArray *sources;   /* char*: where each listed demand starts */
  const RwTwin *twin;   /* borrowed */
  gboolean stale;       /* the network moved on while the page was hidden */
};

G_DEFINE_FINAL_TYPE (RwPathsPage, rw_paths_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_DEMAND, N_PROPS };
static GParamSpec *props[N_PROPS];

const char *
rw_paths_page_get_demand (RwPathsPage *page)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (page->demand_dropdown);
  return item ? gtk_string_object_get_string (item) : NULL;
}

const char *
rw_paths_page_get_summary (RwPathsPage *page)
{
  return gtk_label_get_text (page->paths_summary);
}

void
rw_paths_page_set_views (RwPathsPage *page, RwViews *views)
{
  g_set_object (&page->views, views);
}

void
rw_paths_page_set_twin (RwPathsPage *page, const RwTwin *twin)
{
  page->twin = twin;
}

void
rw_paths_page_refresh (RwPathsPage *page)
{
  const RwTwin *twin = page->twin;
  const char *demand = rw_paths_page_get_demand (page);
  g_autoptr(GError) error = NULL;
  char *dot;
  page->stale = FALSE;
  if (twin == NULL || demand == NULL || rw_traffic_find_demand (twin->traffic, demand) < 0)
    {
      /* another network, or none solved yet: nothing of the last one may stay on the page */
      if (demand && twin == NULL)
        return;
      gtk_label_set_text (page->paths_summary, demand ? "" : _("This network has no demands: add one to see its path."));
      gtk_picture_set_paintable (page->paths_picture, NULL);
      if (page->views)
        rw_views_forget (page->views, "paths");
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
    gtk_label_set_text (page->paths_summary, text);
    g_string_free (hops, TRUE);
  }
  dot = rw_dot_paths (twin, demand, &error);
  if (dot)
    {
      /* the side pane is narrow and tall: the routers' tables one under the other, not in a
       * row that only fits the pane at a size no one can read */
      char *lr = strstr (dot, "rankdir=LR");
      if (lr)
        memcpy (lr, "rankdir=TB", strlen ("rankdir=TB"));
    }
  if (dot && page->views)
    rw_views_render (page->views, "paths", dot, "dot", page->paths_picture);
  else
    g_free (dot);
}

void
rw_paths_page_invalidate (RwPathsPage *page)
{
  /* Graphviz views are drawn for the page in sight; this one when it is shown */
  if (gtk_widget_get_mapped (GTK_WIDGET (page)))
    rw_paths_page_refresh (page);
  else
    page->stale = TRUE;
}

void
rw_paths_page_set_topology (RwPathsPage *page, const RwTopology *t)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  guint selected = gtk_drop_down_get_selected (page->demand_dropdown);
  g_ptr_array_set_size (page->sources, 0);
  for (guint i = 0; i < t->demands->len; i++)
    {
      g_ptr_array_add (ids, ((RwDemand *) t->demands->pdata[i])->id);
      g_ptr_array_add (page->sources, g_strdup (((RwDemand *) t->demands->pdata[i])->src));
    }
  g_ptr_array_add (ids, NULL);
  gtk_string_list_splice (page->demands, 0, g_list_model_get_n_items (G_LIST_MODEL (page->demands)), (const char *const *) ids->pdata);
  if (selected != GTK_INVALID_LIST_POSITION && selected < t->demands->len)
    gtk_drop_down_set_selected (page->demand_dropdown, selected);
}

void
rw_paths_page_select_demand_from (RwPathsPage *page, const char *node)
{
  for (guint i = 0; i < page->sources->len; i++)
    if (g_strcmp0 (page->sources->pdata[i], node) == 0)
      {
        gtk_drop_down_set_selected (page->demand_dropdown, i);
        break;
      }
}

static void
on_demand_selected (GtkDropDown *dd, GParamSpec *pspec, RwPathsPage *page)
{
  rw_paths_page_refresh (page);
  g_object_notify_by_pspec (G_OBJECT (page), props[PROP_DEMAND]);
}

static void
rw_paths_page_map (GtkWidget *widget)
{
  RwPathsPage *page = RW_PATHS_PAGE (widget);
  GTK_WIDGET_CLASS (rw_paths_page_parent_class)->map (widget);
  if (page->stale)
    rw_paths_page_refresh (page);
}

static void
rw_paths_page_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_DEMAND)
    g_value_set_string (value, rw_paths_page_get_demand (RW_PATHS_PAGE (object)));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
rw_paths_page_dispose (GObject *object)
{
  RwPathsPage *page = RW_PATHS_PAGE (object);
  page->twin = NULL;
  g_clear_object (&page->views);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_PATHS_PAGE);
  G_OBJECT_CLASS (rw_paths_page_parent_class)->dispose (object);
}

static void
rw_paths_page_finalize (GObject *object)
{
  g_clear_object (&RW_PATHS_PAGE (object)->demands);
  g_ptr_array_unref (RW_PATHS_PAGE (object)->sources);
  G_OBJECT_CLASS (rw_paths_page_parent_class)->finalize (object);
}

static void
rw_paths_page_class_init (RwPathsPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_paths_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_paths_page_finalize;
  G_OBJECT_CLASS (klass)->get_property = rw_paths_page_get_property;
  wc->map = rw_paths_page_map;
  /* the demand picked: the canvas highlights its path */
  props[PROP_DEMAND] = g_param_spec_string ("demand", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, props);
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-paths-page.ui");
  gtk_widget_class_bind_template_child (wc, RwPathsPage, demand_dropdown);
  gtk_widget_class_bind_template_child (wc, RwPathsPage, paths_summary);
  gtk_widget_class_bind_template_child (wc, RwPathsPage, paths_picture);
}

static void
rw_paths_page_init (RwPathsPage *page)
{
  gtk_widget_init_template (GTK_WIDGET (page));
  page->demands = gtk_string_list_new (NULL);
  page->sources = g_ptr_array_new_with_free_func (g_free);
  gtk_drop_down_set_model (page->demand_dropdown, G_LIST_MODEL (page->demands));
  gtk_drop_down_set_expression (page->demand_dropdown, gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  g_signal_connect (page->demand_dropdown, "notify::selected", G_CALLBACK (on_demand_selected), page);
}
