/* rw-sla-editor.c — the SLA class editor.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-sla-editor.h"
#include "rw-window.h"

#include <glib/gi18n.h>
#include "rw-sla-class-row.h"

struct _RwSlaEditor {
  AdwWindow parent_instance;
  AdwWindowTitle *title;
  GtkLabel *error;
  AdwEntryRow *new_name, *new_latency, *new_loss;
  GtkListBox *classes;
  GtkStringList *names;   /* the topology's classes in file order */
  RwDocument *doc;
  guint refresh_id;
};

G_DEFINE_FINAL_TYPE (RwSlaEditor, rw_sla_editor, ADW_TYPE_WINDOW)

static void
show_error (RwSlaEditor *ed, const GError *error)
{
  gtk_label_set_text (ed->error, error ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (ed->error), error != NULL);
}

static void
refresh (RwSlaEditor *ed)
{
  const RwTopology *t = rw_document_get_topology (ed->doc);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *title = rw_document_dup_title (ed->doc);
  adw_window_title_set_subtitle (ed->title, title);
  for (guint i = 0; i < t->sla_classes->len; i++)
    g_ptr_array_add (names, ((RwSlaClass *) t->sla_classes->pdata[i])->name);
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (ed->names, 0, g_list_model_get_n_items (G_LIST_MODEL (ed->names)), (const char *const *) names->pdata);
}

static gboolean
refresh_idle (gpointer data)
{
  RwSlaEditor *ed = data;
  ed->refresh_id = 0;
  refresh (ed);
  return G_SOURCE_REMOVE;
}

/* after the row that made the edit returns: its list is made again */
static void
on_doc_changed (RwDocument *doc, RwSlaEditor *ed)
{
  if (ed->refresh_id == 0)
    ed->refresh_id = g_idle_add_full (G_PRIORITY_DEFAULT, refresh_idle, ed, NULL);
}

static char *
class_path (const char *name)
{
  return g_strdup_printf ("sla_classes.%s", name);
}

static void
on_rename (RwSlaClassRow *row, const char *to, RwSlaEditor *ed)
{
  g_autofree char *path = class_path (rw_sla_class_row_get_name (row));
  g_autoptr(GError) error = NULL;
  show_error (ed, rw_document_rename_json (ed->doc, path, to, &error) ? NULL : error);
}

static void
on_edited (RwSlaClassRow *row, JsonNode *value, RwSlaEditor *ed)
{
  g_autofree char *path = class_path (rw_sla_class_row_get_name (row));
  g_autoptr(GError) error = NULL;
  show_error (ed, rw_document_replace_json (ed->doc, path, value, &error) ? NULL : error);
}

static void
on_remove (RwSlaClassRow *row, RwSlaEditor *ed)
{
  g_autofree char *path = class_path (rw_sla_class_row_get_name (row));
  g_autoptr(GError) error = NULL;
  show_error (ed, rw_document_delete_json (ed->doc, path, &error) ? NULL : error);
}

static GtkWidget *
create_row (gpointer item, gpointer data)
{
  RwSlaEditor *ed = data;
  const char *name = gtk_string_object_get_string (item);
  g_autofree char *path = class_path (name);
  g_autoptr(JsonNode) value = rw_document_dup_json (ed->doc, path);
  g_auto(GStrv) users = rw_document_dup_users (ed->doc, path);
  GtkWidget *row = rw_sla_class_row_new (name, value, g_strv_length (users));
  g_signal_connect (row, "rename", G_CALLBACK (on_rename), ed);
  g_signal_connect (row, "edited", G_CALLBACK (on_edited), ed);
  g_signal_connect (row, "remove", G_CALLBACK (on_remove), ed);
  return row;
}

static void
action_add (GtkWidget *w, const char *name, GVariant *param)
{
  RwSlaEditor *ed = RW_SLA_EDITOR (w);
  g_autofree char *cls = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (ed->new_name))));
  g_autofree char *path = class_path (cls);
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  JsonNode *latency = rw_typed_number (gtk_editable_get_text (GTK_EDITABLE (ed->new_latency)));
  JsonNode *loss = rw_typed_number (gtk_editable_get_text (GTK_EDITABLE (ed->new_loss)));
  g_autoptr(GError) error = NULL;
  if (latency)
    json_object_set_member (o, "latency_ms", latency);
  /* a limit left empty is missing: the loader says so, naming the class */
  if (loss)
    json_object_set_member (o, "loss_pct", loss);
  json_node_take_object (value, o);
  if (!rw_document_insert_json (ed->doc, path, value, &error))
    {
      show_error (ed, error);
      return;
    }
  show_error (ed, NULL);
  gtk_editable_set_text (GTK_EDITABLE (ed->new_name), "");
  gtk_editable_set_text (GTK_EDITABLE (ed->new_latency), "");
  gtk_editable_set_text (GTK_EDITABLE (ed->new_loss), "");
}

/* Enter in any of the new class's rows adds it */
static void
on_new_activated (AdwEntryRow *row, RwSlaEditor *ed)
{
  gtk_widget_activate_action (GTK_WIDGET (ed), "sla.add", NULL);
}

static void
rw_sla_editor_dispose (GObject *object)
{
  RwSlaEditor *ed = RW_SLA_EDITOR (object);
  if (ed->doc)
    g_signal_handlers_disconnect_by_data (ed->doc, ed);
  g_clear_object (&ed->doc);
  g_clear_handle_id (&ed->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_SLA_EDITOR);
  G_OBJECT_CLASS (rw_sla_editor_parent_class)->dispose (object);
}

static void
rw_sla_editor_finalize (GObject *object)
{
  g_clear_object (&RW_SLA_EDITOR (object)->names);
  G_OBJECT_CLASS (rw_sla_editor_parent_class)->finalize (object);
}

static void
rw_sla_editor_class_init (RwSlaEditorClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_sla_editor_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_sla_editor_finalize;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-sla-editor.ui");
  gtk_widget_class_bind_template_child (wc, RwSlaEditor, title);
  gtk_widget_class_bind_template_child (wc, RwSlaEditor, error);
  gtk_widget_class_bind_template_child (wc, RwSlaEditor, new_name);
  gtk_widget_class_bind_template_child (wc, RwSlaEditor, new_latency);
  gtk_widget_class_bind_template_child (wc, RwSlaEditor, new_loss);
  gtk_widget_class_bind_template_child (wc, RwSlaEditor, classes);
  gtk_widget_class_bind_template_callback (wc, on_new_activated);
  gtk_widget_class_install_action (wc, "sla.add", NULL, action_add);
  rw_window_class_add_editor_history (wc);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
rw_sla_editor_init (RwSlaEditor *ed)
{
  gtk_widget_init_template (GTK_WIDGET (ed));
  ed->names = gtk_string_list_new (NULL);
  gtk_list_box_bind_model (ed->classes, G_LIST_MODEL (ed->names), create_row, ed, NULL);
}

RwSlaEditor *
rw_sla_editor_new (GtkWindow *parent, RwDocument *doc)
{
  RwSlaEditor *ed = g_object_new (RW_TYPE_SLA_EDITOR, "transient-for", parent, "destroy-with-parent", TRUE, NULL);
  rw_sla_editor_set_document (ed, doc);
  return ed;
}

void
rw_sla_editor_set_document (RwSlaEditor *ed, RwDocument *doc)
{
  if (ed->doc == doc)
    return;
  if (ed->doc)
    g_signal_handlers_disconnect_by_data (ed->doc, ed);
  g_set_object (&ed->doc, doc);
  g_signal_connect (doc, "changed", G_CALLBACK (on_doc_changed), ed);
  show_error (ed, NULL);
  refresh (ed);
}

AdwEntryRow *
rw_sla_editor_get_new_field (RwSlaEditor *ed, const char *key)
{
  return g_str_equal (key, "name") ? ed->new_name : g_str_equal (key, "latency_ms") ? ed->new_latency : ed->new_loss;
}

GtkListBox *
rw_sla_editor_get_classes (RwSlaEditor *ed)
{
  return ed->classes;
}

const char *
rw_sla_editor_get_error (RwSlaEditor *ed)
{
  return gtk_widget_get_visible (GTK_WIDGET (ed->error)) ? gtk_label_get_text (ed->error) : NULL;
}
