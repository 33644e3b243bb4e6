/* rw-inspector-page.c — the Inspector page.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-inspector-page.h"

#include <glib/gi18n.h>
#include <math.h>
#include "rw-json-util.h"
#include "rw-sparkline.h"

#define HISTORY_MAX 240

struct _RwInspectorPage {
  AdwBin parent_instance;
  /* template */
  GtkDropDown *entity_dropdown;
  GtkLabel *entity_summary;
  GtkWidget *sparkline_box;
  RwSparkline *util_sparkline, *latency_sparkline;
  GtkTextView *entity_text;
  GtkLabel *entity_error;
  /* state */
  RwDocument *doc;
  const RwTwin *twin;            /* borrowed */
  GtkStringList *entities;       /* display names for entity_dropdown */
  GPtrArray *entity_paths;       /* char*: JSON paths, parallel to entities */
  char *inspected;               /* the JSON path shown */
  GHashTable *util_history;      /* link id -> GArray double (max of both directions) */
  GHashTable *latency_history;   /* link id -> GArray double (worse direction, ms) */
};

G_DEFINE_FINAL_TYPE (RwInspectorPage, rw_inspector_page, ADW_TYPE_BIN)

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
show_sparklines (RwInspectorPage *page, const char *link)
{
  GArray *u = link ? g_hash_table_lookup (page->util_history, link) : NULL;
  GArray *l = link ? g_hash_table_lookup (page->latency_history, link) : NULL;
  gtk_widget_set_visible (page->sparkline_box, u != NULL);
  if (u)
    {
      g_autofree double *pct = g_new (double, u->len);
      for (guint i = 0; i < u->len; i++)
        pct[i] = 100 * g_array_index (u, double, i);
      rw_sparkline_set_values (page->util_sparkline, pct, u->len, 0, "%", 90);
    }
  if (l)
    rw_sparkline_set_values (page->latency_sparkline, (double *) l->data, l->len, 1, "ms", NAN);
}

static char *
entity_summary (RwInspectorPage *page, const char *path)
{
  const RwTwin *twin = page->twin;
  g_autoptr(JsonNode) node = rw_document_dup_json (page->doc, path);
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

void
rw_inspector_page_inspect (RwInspectorPage *page, const char *path)
{
  g_autoptr(JsonNode) node = path && page->doc ? rw_document_dup_json (page->doc, path) : NULL;
  g_autofree char *text = node ? json_to_string (node, TRUE) : g_strdup ("");
  g_autofree char *summary = path && page->doc ? entity_summary (page, path) : g_strdup (_("Select a node or link on the canvas, or pick anything here."));
  if (g_strcmp0 (page->inspected, path) != 0)
    {
      g_free (page->inspected);
      page->inspected = g_strdup (path);
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (page->entity_text), text, -1);
  gtk_label_set_text (page->entity_summary, summary);
  gtk_widget_set_visible (GTK_WIDGET (page->entity_error), FALSE);
  if (path && g_str_has_prefix (path, "links[") && node)
    show_sparklines (page, json_object_get_string_member_with_default (json_node_get_object (node), "id", NULL));
  else
    show_sparklines (page, NULL);
  for (guint i = 0; path && i < page->entity_paths->len; i++)
    if (g_strcmp0 (page->entity_paths->pdata[i], path) == 0 && gtk_drop_down_get_selected (page->entity_dropdown) != i)
      {
        gtk_drop_down_set_selected (page->entity_dropdown, i);
        break;
      }
}

void
rw_inspector_page_refresh (RwInspectorPage *page)
{
  g_autofree char *path = g_strdup (page->inspected);
  rw_inspector_page_inspect (page, path);
}

const char *
rw_inspector_page_get_inspected (RwInspectorPage *page)
{
  return page->inspected;
}

void
rw_inspector_page_set_twin (RwInspectorPage *page, const RwTwin *twin)
{
  page->twin = twin;
}

static void
rebuild_entities (RwInspectorPage *page)
{
  const RwTopology *t = rw_document_get_topology (page->doc);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (page->entities));
  g_ptr_array_set_size (page->entity_paths, 0);
#define ADD(path, ...) G_STMT_START { g_ptr_array_add (page->entity_paths, path); g_ptr_array_add (names, g_strdup_printf (__VA_ARGS__)); } G_STMT_END
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
  gtk_string_list_splice (page->entities, 0, n_old, (const char *const *) names->pdata);
}

void
rw_inspector_page_rebuild (RwInspectorPage *page)
{
  rebuild_entities (page);
  rw_inspector_page_refresh (page);
}

void
rw_inspector_page_set_document (RwInspectorPage *page, RwDocument *doc)
{
  g_set_object (&page->doc, doc);
  g_clear_pointer (&page->inspected, g_free);
  rebuild_entities (page);
  rw_inspector_page_inspect (page, page->entity_paths->len ? page->entity_paths->pdata[0] : NULL);
}

gboolean
rw_inspector_page_inspect_id (RwInspectorPage *page, const char *id)
{
  const RwTopology *t = rw_document_get_topology (page->doc);
  g_autofree char *path = NULL;
  for (guint i = 0; id && i < t->nodes->len && !path; i++)
    if (g_strcmp0 (((RwNode *) t->nodes->pdata[i])->id, id) == 0)
      path = g_strdup_printf ("nodes[%u]", i);
  for (guint i = 0; id && i < t->links->len && !path; i++)
    if (g_strcmp0 (((RwLink *) t->links->pdata[i])->id, id) == 0)
      path = g_strdup_printf ("links[%u]", i);
  if (path == NULL)
    return FALSE;
  rw_inspector_page_inspect (page, path);
  return TRUE;
}

gboolean
rw_inspector_page_apply (RwInspectorPage *page)
{
  GtkTextBuffer *buf = gtk_text_view_get_buffer (page->entity_text);
  GtkTextIter a, b;
  g_autofree char *text = NULL, *bad = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  gboolean not_json;
  if (page->inspected == NULL || page->doc == NULL)
    return FALSE;
  gtk_text_buffer_get_bounds (buf, &a, &b);
  text = gtk_text_buffer_get_text (buf, &a, &b, FALSE);
  /* the user's text: checked before json-glib, which reads non-standard text and can be
   * crashed by deep nesting */
  if ((bad = rw_json_check_text (text, -1, &not_json)) != NULL)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, not_json ? _("%s: not valid JSON: %s") : "%s: %s",
                 page->inspected, bad);
  else
    node = json_from_string (text, &error);
  if (node == NULL && error == NULL)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: the text is empty"), page->inspected);
  if (node == NULL || !rw_document_replace_json (page->doc, page->inspected, node, &error))
    {
      /* the edit is refused and the text stays, so the user can fix it */
      gtk_label_set_text (page->entity_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (page->entity_error), TRUE);
      return FALSE;
    }
  return TRUE;
}

void
rw_inspector_page_record (RwInspectorPage *page, const RwTwin *live, const double *observed)
{
  if (live == NULL || observed == NULL)
    return;
  for (guint i = 0; i < live->topo->links->len; i++)
    {
      const RwLink *l = live->topo->links->pdata[i];
      history_push (page->util_history, l->id, MAX (observed[2 * i], observed[2 * i + 1]));
      history_push (page->latency_history, l->id,
                    l->up ? MAX (live->traffic->dirs[2 * i].latency_ms, live->traffic->dirs[2 * i + 1].latency_ms) : NAN);
    }
}

void
rw_inspector_page_clear_history (RwInspectorPage *page)
{
  g_hash_table_remove_all (page->util_history);
  g_hash_table_remove_all (page->latency_history);
}

static void
on_entity_selected (GtkDropDown *dd, GParamSpec *pspec, RwInspectorPage *page)
{
  guint i = gtk_drop_down_get_selected (dd);
  if (i < page->entity_paths->len && g_strcmp0 (page->entity_paths->pdata[i], page->inspected) != 0)
    rw_inspector_page_inspect (page, page->entity_paths->pdata[i]);
}

static void
rw_inspector_page_dispose (GObject *object)
{
  RwInspectorPage *page = RW_INSPECTOR_PAGE (object);
  page->twin = NULL;
  g_clear_object (&page->doc);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_INSPECTOR_PAGE);
  G_OBJECT_CLASS (rw_inspector_page_parent_class)->dispose (object);
}

static void
rw_inspector_page_finalize (GObject *object)
{
  RwInspectorPage *page = RW_INSPECTOR_PAGE (object);
  g_clear_object (&page->entities);
  g_ptr_array_unref (page->entity_paths);
  g_hash_table_unref (page->util_history);
  g_hash_table_unref (page->latency_history);
  g_free (page->inspected);
  G_OBJECT_CLASS (rw_inspector_page_parent_class)->finalize (object);
}

static void
rw_inspector_page_class_init (RwInspectorPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_inspector_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_inspector_page_finalize;
  g_type_ensure (RW_TYPE_SPARKLINE);
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-inspector-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (wc, RwInspectorPage, name)
  BIND (entity_dropdown); BIND (entity_summary); BIND (sparkline_box); BIND (util_sparkline); BIND (latency_sparkline);
  BIND (entity_text); BIND (entity_error);
#undef BIND
}

static void
rw_inspector_page_init (RwInspectorPage *page)
{
  gtk_widget_init_template (GTK_WIDGET (page));
  page->entity_paths = g_ptr_array_new_with_free_func (g_free);
  page->util_history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  page->latency_history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  page->entities = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (page->entity_dropdown, G_LIST_MODEL (page->entities));
  gtk_drop_down_set_expression (page->entity_dropdown, gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  g_signal_connect (page->entity_dropdown, "notify::selected", G_CALLBACK (on_entity_selected), page);
}
