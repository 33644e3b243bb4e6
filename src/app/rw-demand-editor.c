/* rw-demand-editor.c — the demand editor and its table.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-demand-editor.h"
#include "rw-window.h"

#include <glib/gi18n.h>
#include <math.h>
#include "rw-sla-class-row.h"
#include "rw-table-model.h"

/* the verdict before the path: on a small screen the path is the column that scrolls away */
enum { COL_ID, COL_SRC, COL_DST, COL_MBPS, COL_CLASS, COL_STATUS, COL_SLA, COL_LATENCY, COL_LOSS, COL_PATH, N_COLS };

struct _RwDemandEditor {
  AdwWindow parent_instance;
  AdwWindowTitle *title;
  GtkLabel *error;
  AdwEntryRow *id_row, *dst_row, *mbps_row;
  AdwComboRow *src_row, *class_row;
  GtkColumnView *view;
  GtkSearchEntry *search;
  GtkLabel *count;
  RwTableModel model;
  GtkSingleSelection *selection;
  GtkStringList *nodes, *classes; /* the combo rows' choices */
  RwDocument *doc;
  char *selected;                 /* the demand in the form, or NULL for a new one */
  gboolean refreshing;
};

G_DEFINE_FINAL_TYPE (RwDemandEditor, rw_demand_editor, ADW_TYPE_WINDOW)

static void
show_error (RwDemandEditor *ed, const GError *error)
{
  gtk_label_set_text (ed->error, error ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (ed->error), error != NULL);
}

static char *
figure (double v, const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return isnan (v) ? g_strdup ("–") : g_strdup (g_ascii_formatd (buf, sizeof buf, format, v));
}

/* ---- the table ---- */

static RwTableRow *
demand_row (const RwDemand *d, const RwTwin *twin)
{
  gint k = twin && twin->traffic ? rw_traffic_find_demand (twin->traffic, d->id) : -1;
  const RwDemandResult *r = k >= 0 ? twin->traffic->demands->pdata[k] : NULL;
  double keys[N_COLS];
  GStrv cells = g_new0 (char *, N_COLS + 1);
  for (guint i = 0; i < N_COLS; i++)
    keys[i] = NAN;
  cells[COL_ID] = g_strdup (d->id);
  cells[COL_SRC] = g_strdup (d->src);
  cells[COL_DST] = rw_prefix_to_string (&d->dst);
  cells[COL_MBPS] = figure (d->mbps, "%.0f");
  keys[COL_MBPS] = d->mbps;
  cells[COL_CLASS] = g_strdup (d->sla_class);
  if (r == NULL)
    {
      /* the twin of this configuration is still being solved */
      cells[COL_STATUS] = g_strdup (_("solving…"));
      for (guint i = COL_SLA; i < N_COLS; i++)
        cells[i] = g_strdup ("–");
      return rw_table_row_new (cells, keys);
    }
  cells[COL_STATUS] = g_strdup (r->status == RW_DEMAND_OK ? _("ok") : r->status == RW_DEMAND_LOOP ? _("loop") : _("blackhole"));
  {
    GString *path = g_string_new (NULL);
    for (guint i = 0; r->path && i < r->path->len; i++)
      g_string_append_printf (path, "%s%s", i ? " → " : "", twin->net->nodes[g_array_index (r->path, guint, i)]->id);
    cells[COL_PATH] = g_string_free (path, FALSE);
  }
  cells[COL_LATENCY] = figure (r->latency_ms, "%.1f");
  keys[COL_LATENCY] = isnan (r->latency_ms) ? -1 : r->latency_ms;
  cells[COL_LOSS] = figure (r->loss_pct, "%.2f");
  keys[COL_LOSS] = isnan (r->loss_pct) ? -1 : r->loss_pct;
  cells[COL_SLA] = g_strdup (r->status == RW_DEMAND_OK && r->sla_ok ? _("met") : _("missed"));
  return rw_table_row_new (cells, keys);
}

static void
select_shown (RwDemandEditor *ed)
{
  GListModel *shown = G_LIST_MODEL (ed->model.sorted);
  guint pos = GTK_INVALID_LIST_POSITION;
  for (guint i = 0; ed->selected && i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(RwTableRow) row = g_list_model_get_item (shown, i);
      if (g_strcmp0 (rw_table_row_get_cell (row, COL_ID), ed->selected) == 0)
        pos = i;
    }
  gtk_single_selection_set_selected (ed->selection, pos);
}

static void
refresh_table (RwDemandEditor *ed)
{
  const RwTopology *t = rw_document_get_topology (ed->doc);
  const RwTwin *twin = rw_document_get_twin (ed->doc);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  /* a twin of an older configuration says nothing of these demands */
  if (rw_document_is_solving (ed->doc))
    twin = NULL;
  for (guint i = 0; i < t->demands->len; i++)
    g_ptr_array_add (rows, demand_row (t->demands->pdata[i], twin));
  ed->refreshing = TRUE;
  rw_table_model_set_rows (&ed->model, rows);
  select_shown (ed);
  ed->refreshing = FALSE;
}

/* ---- the form ---- */

static void
set_choices (GtkStringList *list, GPtrArray *names)
{
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)), (const char *const *) names->pdata);
}

static void
select_choice (AdwComboRow *row, GtkStringList *list, const char *name)
{
  for (guint i = 0; name && i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (list, i), name) == 0)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
}

static const char *
choice (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);
  return item ? gtk_string_object_get_string (item) : NULL;
}

static void
show_demand (RwDemandEditor *ed)
{
  const RwDemand *d = ed->selected ? rw_topology_find_demand (rw_document_get_topology (ed->doc), ed->selected) : NULL;
  g_autofree char *dst = NULL, *mbps = NULL;
  if (d == NULL)
    return;
  dst = rw_prefix_to_string (&d->dst);
  mbps = figure (d->mbps, "%g");
  gtk_editable_set_text (GTK_EDITABLE (ed->id_row), d->id);
  gtk_editable_set_text (GTK_EDITABLE (ed->dst_row), dst);
  gtk_editable_set_text (GTK_EDITABLE (ed->mbps_row), mbps);
  select_choice (ed->src_row, ed->nodes, d->src);
  select_choice (ed->class_row, ed->classes, d->sla_class);
}

static void
refresh (RwDemandEditor *ed)
{
  const RwTopology *t = rw_document_get_topology (ed->doc);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new (), classes = g_ptr_array_new ();
  g_autofree char *src = g_strdup (choice (ed->src_row)), *cls = g_strdup (choice (ed->class_row));
  g_autofree char *title = rw_document_dup_title (ed->doc);
  adw_window_title_set_subtitle (ed->title, title);
  for (guint i = 0; i < t->nodes->len; i++)
    g_ptr_array_add (nodes, ((RwNode *) t->nodes->pdata[i])->id);
  for (guint i = 0; i < t->sla_classes->len; i++)
    g_ptr_array_add (classes, ((RwSlaClass *) t->sla_classes->pdata[i])->name);
  set_choices (ed->nodes, nodes);
  set_choices (ed->classes, classes);
  select_choice (ed->src_row, ed->nodes, src);
  select_choice (ed->class_row, ed->classes, cls);
  if (ed->selected && rw_topology_find_demand (t, ed->selected) == NULL)
    g_clear_pointer (&ed->selected, g_free);
  refresh_table (ed);
}

static void
on_doc_changed (RwDocument *doc, RwDemandEditor *ed)
{
  refresh (ed);
}

static void
on_doc_solved (RwDocument *doc, RwDemandEditor *ed)
{
  refresh_table (ed);
}

static void
on_selection (GtkSingleSelection *sel, GParamSpec *pspec, RwDemandEditor *ed)
{
  RwTableRow *row = gtk_single_selection_get_selected_item (sel);
  if (ed->refreshing)
    return;
  g_free (ed->selected);
  ed->selected = row ? g_strdup (rw_table_row_get_cell (row, COL_ID)) : NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (ed), "demands.apply", ed->selected != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (ed), "demands.remove", ed->selected != NULL);
  show_demand (ed);
}

/* The form as a demand's JSON: what was typed goes to the loader as it is, to be judged there. */
static JsonNode *
form_json (RwDemandEditor *ed)
{
  JsonObject *o = json_object_new ();
  g_autofree char *id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (ed->id_row))));
  g_autofree char *dst = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (ed->dst_row))));
  JsonNode *mbps = rw_typed_number (gtk_editable_get_text (GTK_EDITABLE (ed->mbps_row)));
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_object_set_string_member (o, "id", id);
  if (choice (ed->src_row))
    json_object_set_string_member (o, "src", choice (ed->src_row));
  json_object_set_string_member (o, "dst", dst);
  if (mbps)
    json_object_set_member (o, "mbps", mbps);
  if (choice (ed->class_row))
    json_object_set_string_member (o, "class", choice (ed->class_row));
  json_node_take_object (node, o);
  return node;
}

static gint
selected_index (RwDemandEditor *ed)
{
  const RwTopology *t = rw_document_get_topology (ed->doc);
  for (guint i = 0; ed->selected && i < t->demands->len; i++)
    if (g_strcmp0 (((RwDemand *) t->demands->pdata[i])->id, ed->selected) == 0)
      return (gint) i;
  return -1;
}

static void
action_add (GtkWidget *w, const char *name, GVariant *param)
{
  RwDemandEditor *ed = RW_DEMAND_EDITOR (w);
  g_autoptr(JsonNode) demand = form_json (ed);
  g_autoptr(GError) error = NULL;
  if (!rw_document_insert_json (ed->doc, "demands", demand, &error))
    {
      show_error (ed, error);
      return;
    }
  show_error (ed, NULL);
  rw_demand_editor_select (ed, json_object_get_string_member (json_node_get_object (demand), "id"));
}

static void
action_apply (GtkWidget *w, const char *name, GVariant *param)
{
  RwDemandEditor *ed = RW_DEMAND_EDITOR (w);
  g_autoptr(JsonNode) demand = form_json (ed);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gint index = selected_index (ed);
  if (index < 0)
    return;
  path = g_strdup_printf ("demands[%d]", index);
  if (!rw_document_replace_json (ed->doc, path, demand, &error))
    {
      show_error (ed, error);
      return;
    }
  show_error (ed, NULL);
  rw_demand_editor_select (ed, json_object_get_string_member (json_node_get_object (demand), "id"));
}

static void
action_remove (GtkWidget *w, const char *name, GVariant *param)
{
  RwDemandEditor *ed = RW_DEMAND_EDITOR (w);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gint index = selected_index (ed);
  if (index < 0)
    return;
  path = g_strdup_printf ("demands[%d]", index);
  show_error (ed, rw_document_delete_json (ed->doc, path, &error) ? NULL : error);
}

static void
action_export (GtkWidget *w, const char *name, GVariant *param)
{
  rw_table_model_export_interactive (&RW_DEMAND_EDITOR (w)->model, w, "demands.csv");
}

/* ---- GObject ---- */

static void
rw_demand_editor_dispose (GObject *object)
{
  RwDemandEditor *ed = RW_DEMAND_EDITOR (object);
  if (ed->doc)
    g_signal_handlers_disconnect_by_data (ed->doc, ed);
  g_clear_object (&ed->doc);
  if (ed->selection)
    g_signal_handlers_disconnect_by_data (ed->selection, ed);
  g_clear_object (&ed->selection);
  rw_table_model_clear (&ed->model);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_DEMAND_EDITOR);
  G_OBJECT_CLASS (rw_demand_editor_parent_class)->dispose (object);
}

static void
rw_demand_editor_finalize (GObject *object)
{
  RwDemandEditor *ed = RW_DEMAND_EDITOR (object);
  g_clear_object (&ed->nodes);
  g_clear_object (&ed->classes);
  g_free (ed->selected);
  G_OBJECT_CLASS (rw_demand_editor_parent_class)->finalize (object);
}

static void
rw_demand_editor_class_init (RwDemandEditorClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_demand_editor_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_demand_editor_finalize;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-demand-editor.ui");
  gtk_widget_class_bind_template_child (wc, RwDemandEditor, title);
  gtk_widget_class_bind_template_child (wc, RwDemandEditor, error);
  gtk_widget_class_bind_template_child (wc, RwDemandEditor, id_row);
  gtk_widget_class_bind_template_child (wc, RwDemandEditor, src_row);
  gtk_widget_class_bind_template_child (wc, RwDemandEditor, dst_row);
  gtk_widget_class_bind_template_child (wc, RwDemandEditor, mbps_row);
  gtk_widget_class_bind_template_child (wc, RwDemandEditor, class_row);
  gtk_widget_class_bind_template_child (wc, RwDemandEditor, view);
  gtk_widget_class_bind_template_child (wc, RwDemandEditor, search);
  gtk_widget_class_bind_template_child (wc, RwDemandEditor, count);
  gtk_widget_class_install_action (wc, "demands.add", NULL, action_add);
  gtk_widget_class_install_action (wc, "demands.apply", NULL, action_apply);
  gtk_widget_class_install_action (wc, "demands.remove", NULL, action_remove);
  gtk_widget_class_install_action (wc, "demands.export", NULL, action_export);
  rw_window_class_add_editor_history (wc);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
rw_demand_editor_init (RwDemandEditor *ed)
{
  GtkExpression *name = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_widget_init_template (GTK_WIDGET (ed));
  ed->nodes = gtk_string_list_new (NULL);
  ed->classes = gtk_string_list_new (NULL);
  adw_combo_row_set_expression (ed->src_row, name);
  adw_combo_row_set_expression (ed->class_row, name);
  gtk_expression_unref (name);
  adw_combo_row_set_model (ed->src_row, G_LIST_MODEL (ed->nodes));
  adw_combo_row_set_model (ed->class_row, G_LIST_MODEL (ed->classes));
  rw_table_model_init (&ed->model, ed->view, ed->search, ed->count);
  /* the table model shows rows without selection; here a row is picked to be edited */
  ed->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (ed->model.sorted)));
  gtk_single_selection_set_autoselect (ed->selection, FALSE);
  gtk_single_selection_set_can_unselect (ed->selection, TRUE);
  gtk_single_selection_set_selected (ed->selection, GTK_INVALID_LIST_POSITION);
  gtk_column_view_set_model (ed->view, GTK_SELECTION_MODEL (g_object_ref (ed->selection)));
  g_signal_connect (ed->selection, "notify::selected", G_CALLBACK (on_selection), ed);
  gtk_widget_action_set_enabled (GTK_WIDGET (ed), "demands.apply", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (ed), "demands.remove", FALSE);
}

RwDemandEditor *
rw_demand_editor_new (GtkWindow *parent, RwDocument *doc)
{
  RwDemandEditor *ed = g_object_new (RW_TYPE_DEMAND_EDITOR, "transient-for", parent, "destroy-with-parent", TRUE, NULL);
  rw_demand_editor_set_document (ed, doc);
  return ed;
}

void
rw_demand_editor_set_document (RwDemandEditor *ed, RwDocument *doc)
{
  if (ed->doc == doc)
    return;
  if (ed->doc)
    g_signal_handlers_disconnect_by_data (ed->doc, ed);
  g_set_object (&ed->doc, doc);
  g_signal_connect (doc, "changed", G_CALLBACK (on_doc_changed), ed);
  g_signal_connect (doc, "solved", G_CALLBACK (on_doc_solved), ed);
  g_clear_pointer (&ed->selected, g_free);
  show_error (ed, NULL);
  refresh (ed);
}

gboolean
rw_demand_editor_select (RwDemandEditor *ed, const char *id)
{
  g_free (ed->selected);
  ed->selected = g_strdup (id);
  ed->refreshing = TRUE;
  select_shown (ed);
  ed->refreshing = FALSE;
  if (gtk_single_selection_get_selected (ed->selection) == GTK_INVALID_LIST_POSITION)
    g_clear_pointer (&ed->selected, g_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (ed), "demands.apply", ed->selected != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (ed), "demands.remove", ed->selected != NULL);
  show_demand (ed);
  return ed->selected != NULL;
}

GtkWidget *
rw_demand_editor_get_field (RwDemandEditor *ed, const char *key)
{
  if (g_str_equal (key, "id"))
    return GTK_WIDGET (ed->id_row);
  if (g_str_equal (key, "src"))
    return GTK_WIDGET (ed->src_row);
  if (g_str_equal (key, "dst"))
    return GTK_WIDGET (ed->dst_row);
  if (g_str_equal (key, "mbps"))
    return GTK_WIDGET (ed->mbps_row);
  return GTK_WIDGET (ed->class_row);
}

GtkColumnView *
rw_demand_editor_get_view (RwDemandEditor *ed)
{
  return ed->view;
}

GtkSearchEntry *
rw_demand_editor_get_search (RwDemandEditor *ed)
{
  return ed->search;
}

char *
rw_demand_editor_to_csv (RwDemandEditor *ed)
{
  return rw_table_model_to_csv (&ed->model);
}

gboolean
rw_demand_editor_export (RwDemandEditor *ed, const char *path, GError **error)
{
  return rw_table_model_export (&ed->model, path, error);
}

const char *
rw_demand_editor_get_error (RwDemandEditor *ed)
{
  return gtk_widget_get_visible (GTK_WIDGET (ed->error)) ? gtk_label_get_text (ed->error) : NULL;
}
