/* rw-reasoning-page.c — the Reasoning page.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-reasoning-page.h"

#include <glib/gi18n.h>
#include "rw-json-util.h"
#include "rw-render.h"
#include "rw-timeline-item.h"

struct _RwReasoningPage {
  AdwBin parent_instance;
  /* template */
  GtkLabel *hypotheses_label;
  GtkPicture *hypotheses_picture;
  /* state */
  RwViews *views;
  RwSnapshot *snapshot;
  GListModel *timeline;
  gboolean stale;       /* the run moved on while the page was hidden */
};

G_DEFINE_FINAL_TYPE (RwReasoningPage, rw_reasoning_page, ADW_TYPE_BIN)

void
rw_reasoning_page_set_views (RwReasoningPage *page, RwViews *views)
{
  g_set_object (&page->views, views);
}

static void
refresh (RwReasoningPage *page)
{
  JsonArray *a;
  GString *text;
  g_autoptr(JsonNode) anomalies = NULL;
  g_autoptr(JsonArray) recent = json_array_new ();
  guint n;
  page->stale = FALSE;
  if (page->snapshot == NULL || page->snapshot->hypotheses == NULL)
    return;
  a = json_node_get_array (page->snapshot->hypotheses);
  if (json_array_get_length (a) == 0)
    {
      gtk_label_set_text (page->hypotheses_label, _("No hypotheses: nothing unusual so far."));
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
  gtk_label_set_text (page->hypotheses_label, text->str);
  g_string_free (text, TRUE);
  /* the newest anomalies (their payloads carry metric, entity, value, detectors) */
  n = page->timeline ? g_list_model_get_n_items (page->timeline) : 0;
  for (guint i = n, k = 0; i > 0 && k < 6; i--)
    {
      g_autoptr(RwTimelineItem) it = g_list_model_get_item (page->timeline, i - 1);
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
    g_autoptr(JsonNode) hyps = json_node_copy (page->snapshot->hypotheses);
    JsonArray *ha = json_node_get_array (hyps);
    for (guint i = 0; i < json_array_get_length (ha); i++)
      {
        JsonObject *h = json_array_get_object_element (ha, i);
        JsonArray *ev = json_object_get_array_member (h, "evidence");
        while (ev && json_array_get_length (ev) > 3)
          json_array_remove_element (ev, 0);
      }
    if (page->views)
      rw_views_render (page->views, "hypotheses", rw_dot_hypotheses (anomalies, hyps, NULL), "dot", page->hypotheses_picture);
  }
}

void
rw_reasoning_page_set_run (RwReasoningPage *page, RwSnapshot *snapshot, GListModel *timeline)
{
  if (snapshot != page->snapshot)
    {
      g_clear_pointer (&page->snapshot, rw_snapshot_unref);
      page->snapshot = snapshot ? rw_snapshot_ref (snapshot) : NULL;
    }
  g_set_object (&page->timeline, timeline);
  /* Graphviz views are drawn for the page in sight; this one when it is shown */
  if (gtk_widget_get_mapped (GTK_WIDGET (page)))
    refresh (page);
  else
    page->stale = TRUE;
}

static void
rw_reasoning_page_map (GtkWidget *widget)
{
  RwReasoningPage *page = RW_REASONING_PAGE (widget);
  GTK_WIDGET_CLASS (rw_reasoning_page_parent_class)->map (widget);
  if (page->stale)
    refresh (page);
}

static void
rw_reasoning_page_dispose (GObject *object)
{
  RwReasoningPage *page = RW_REASONING_PAGE (object);
  g_clear_object (&page->views);
  g_clear_object (&page->timeline);
  g_clear_pointer (&page->snapshot, rw_snapshot_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_REASONING_PAGE);
  G_OBJECT_CLASS (rw_reasoning_page_parent_class)->dispose (object);
}

static void
rw_reasoning_page_class_init (RwReasoningPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_reasoning_page_dispose;
  wc->map = rw_reasoning_page_map;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-reasoning-page.ui");
  gtk_widget_class_bind_template_child (wc, RwReasoningPage, hypotheses_label);
  gtk_widget_class_bind_template_child (wc, RwReasoningPage, hypotheses_picture);
}

static void
rw_reasoning_page_init (RwReasoningPage *page)
{
  gtk_widget_init_template (GTK_WIDGET (page));
}
