/* rw-prefix-editor.c — a node's originated prefixes, edited through the document.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-prefix-editor.h"
#include "rw-window.h"

#include <glib/gi18n.h>

struct _RwPrefixEditor {
  AdwPreferencesWindow parent_instance;
  GtkWidget *error_group;
  GtkLabel *error_label;
  AdwComboRow *node_row, *new_origin_row;
  AdwEntryRow *new_prefix_row, *new_med_row, *new_communities_row;
  AdwPreferencesGroup *prefixes_group;
  GtkListBox *prefixes_list;
  RwDocument *doc;
  char *node;
  GtkStringList *nodes;   /* node ids, for node_row */
  GListStore *prefixes;   /* GtkStringObject: the node's prefixes, in file order */
  char *expanded;         /* the prefix row left open */
  char *error;
  guint rebuild_id;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (RwPrefixEditor, rw_prefix_editor, ADW_TYPE_PREFERENCES_WINDOW)

static void rebuild (RwPrefixEditor *self);
static void clear_error (RwPrefixEditor *self);

static gboolean
rebuild_idle (gpointer data)
{
  RwPrefixEditor *self = data;
  self->rebuild_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* Rows are rebuilt after the edit that changed the document, not inside its handlers. */
static void
schedule_rebuild (RwPrefixEditor *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_full (G_PRIORITY_DEFAULT, rebuild_idle, self, NULL); /* before the run's updates */
}

/* Any accepted change (here, on the canvas, an undo) makes an old refusal moot. */
static void
on_doc_changed (RwDocument *doc, RwPrefixEditor *self)
{
  clear_error (self);
  schedule_rebuild (self);
}

/* The newest refusal only: its message, and the error style on the row it concerns. */
static void
show_error (RwPrefixEditor *self, GtkWidget *where, const char *message)
{
  clear_error (self);
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (self->error_group, TRUE);
  if (where)
    gtk_widget_add_css_class (where, "error");
}

static void
clear_error (RwPrefixEditor *self)
{
  g_clear_pointer (&self->error, g_free);
  gtk_widget_set_visible (self->error_group, FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_prefix_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_med_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_communities_row), "error");
}

static void
on_row_edit_failed (RwPrefixRow *row, const char *message, RwPrefixEditor *self)
{
  show_error (self, NULL, message);
}

static void
on_row_expanded (AdwExpanderRow *row, GParamSpec *pspec, RwPrefixEditor *self)
{
  const char *prefix = rw_prefix_row_get_prefix (RW_PREFIX_ROW (row));
  if (adw_expander_row_get_expanded (row))
    {
      g_free (self->expanded);
      self->expanded = g_strdup (prefix);
    }
  else if (g_strcmp0 (self->expanded, prefix) == 0)
    g_clear_pointer (&self->expanded, g_free);
}

static GtkWidget *
create_prefix_row (gpointer item, gpointer data)
{
  RwPrefixEditor *self = data;
  const char *prefix = gtk_string_object_get_string (item);
  GtkWidget *row = rw_prefix_row_new (self->doc, self->node, prefix);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), g_strcmp0 (prefix, self->expanded) == 0);
  g_signal_connect (row, "edit-failed", G_CALLBACK (on_row_edit_failed), self);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (on_row_expanded), self);
  return row;
}

static void
rebuild (RwPrefixEditor *self)
{
  const RwTopology *t = rw_document_get_topology (self->doc);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint selected = GTK_INVALID_LIST_POSITION;
  g_autofree char *title = NULL;
  self->loading = TRUE;
  if (rw_topology_find_node (t, self->node) == NULL)
    {
      g_free (self->node);
      self->node = t->nodes->len ? g_strdup (((RwNode *) t->nodes->pdata[0])->id) : NULL;
    }
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      g_ptr_array_add (ids, n->id);
      if (g_strcmp0 (n->id, self->node) == 0)
        selected = i;
    }
  g_ptr_array_add (ids, NULL);
  gtk_string_list_splice (self->nodes, 0, g_list_model_get_n_items (G_LIST_MODEL (self->nodes)), (const char *const *) ids->pdata);
  adw_combo_row_set_selected (self->node_row, selected);
  for (guint i = 0; self->node && i < t->prefixes->len; i++)
    {
      const RwOrigination *o = t->prefixes->pdata[i];
      g_autofree char *p = NULL;
      if (g_strcmp0 (o->origin_node, self->node) != 0)
        continue;
      p = rw_prefix_to_string (&o->prefix);
      g_ptr_array_add (items, gtk_string_object_new (p));
    }
  g_list_store_splice (self->prefixes, 0, g_list_model_get_n_items (G_LIST_MODEL (self->prefixes)), items->pdata, items->len);
  adw_preferences_group_set_description (self->prefixes_group, items->len ? NULL : _("This node originates no prefixes."));
  title = g_strdup_printf (_("Prefixes of %s"), self->node ? self->node : "");
  gtk_window_set_title (GTK_WINDOW (self), title);
  self->loading = FALSE;
}

static void
on_node_selected (AdwComboRow *combo, GParamSpec *pspec, RwPrefixEditor *self)
{
  guint i = adw_combo_row_get_selected (combo);
  if (self->loading || i >= g_list_model_get_n_items (G_LIST_MODEL (self->nodes)))
    return;
  rw_prefix_editor_set_node (self, gtk_string_list_get_string (self->nodes, i));
}

static void
action_add_prefix (GtkWidget *w, const char *name, GVariant *param)
{
  RwPrefixEditor *self = RW_PREFIX_EDITOR (w);
  g_autofree char *prefix = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_prefix_row))));
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *where = GTK_WIDGET (self->new_prefix_row);
  if (self->node == NULL)
    return;
  json_object_set_string_member (o, "prefix", prefix);
  json_object_set_string_member (o, "origin_node", self->node);
  json_node_set_object (node, o);
  if (!_rw_prefix_fields_to_json (o, adw_combo_row_get_selected (self->new_origin_row),
                                  gtk_editable_get_text (GTK_EDITABLE (self->new_med_row)),
                                  gtk_editable_get_text (GTK_EDITABLE (self->new_communities_row)), &error))
    where = GTK_WIDGET (self->new_med_row);
  else if (!rw_document_add_prefix (self->doc, node, &error))
    where = g_strrstr (error->message, "communit") ? GTK_WIDGET (self->new_communities_row)
          : g_strrstr (error->message, "med") ? GTK_WIDGET (self->new_med_row) : where;
  if (error)
    {
      show_error (self, where, error->message);
      return;
    }
  clear_error (self);
  /* the form is empty again for the next prefix */
  gtk_editable_set_text (GTK_EDITABLE (self->new_prefix_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_med_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_communities_row), "");
}

static void
on_new_activated (RwPrefixEditor *self, AdwEntryRow *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.add-prefix", NULL);
}

static void
action_remove_prefix (GtkWidget *w, const char *name, GVariant *param)
{
  RwPrefixEditor *self = RW_PREFIX_EDITOR (w);
  g_autoptr(GError) error = NULL;
  if (!rw_document_remove_prefix (self->doc, g_variant_get_string (param, NULL), self->node, &error))
    show_error (self, NULL, error->message);
  else
    clear_error (self);
}

static void
rw_prefix_editor_dispose (GObject *object)
{
  RwPrefixEditor *self = RW_PREFIX_EDITOR (object);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->doc)
    g_signal_handlers_disconnect_by_data (self->doc, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_PREFIX_EDITOR);
  G_OBJECT_CLASS (rw_prefix_editor_parent_class)->dispose (object);
}

static void
rw_prefix_editor_finalize (GObject *object)
{
  RwPrefixEditor *self = RW_PREFIX_EDITOR (object);
  g_clear_object (&self->doc);
  g_clear_object (&self->nodes);
  g_clear_object (&self->prefixes);
  g_free (self->node);
  g_free (self->expanded);
  g_free (self->error);
  G_OBJECT_CLASS (rw_prefix_editor_parent_class)->finalize (object);
}

static void
rw_prefix_editor_class_init (RwPrefixEditorClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_prefix_editor_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_prefix_editor_finalize;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-prefix-editor.ui");
  gtk_widget_class_bind_template_child (wc, RwPrefixEditor, error_group);
  gtk_widget_class_bind_template_child (wc, RwPrefixEditor, error_label);
  gtk_widget_class_bind_template_child (wc, RwPrefixEditor, node_row);
  gtk_widget_class_bind_template_child (wc, RwPrefixEditor, new_prefix_row);
  gtk_widget_class_bind_template_child (wc, RwPrefixEditor, new_origin_row);
  gtk_widget_class_bind_template_child (wc, RwPrefixEditor, new_med_row);
  gtk_widget_class_bind_template_child (wc, RwPrefixEditor, new_communities_row);
  gtk_widget_class_bind_template_child (wc, RwPrefixEditor, prefixes_group);
  gtk_widget_class_bind_template_child (wc, RwPrefixEditor, prefixes_list);
  gtk_widget_class_bind_template_callback (wc, on_new_activated);
  gtk_widget_class_install_action (wc, "editor.add-prefix", NULL, action_add_prefix);
  gtk_widget_class_install_action (wc, "editor.remove-prefix", "s", action_remove_prefix);
  rw_window_class_add_editor_history (wc);
}

static void
rw_prefix_editor_init (RwPrefixEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->nodes = gtk_string_list_new (NULL);
  self->prefixes = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  adw_combo_row_set_model (self->node_row, G_LIST_MODEL (self->nodes));
  gtk_list_box_bind_model (self->prefixes_list, G_LIST_MODEL (self->prefixes), create_prefix_row, self, NULL);
  g_signal_connect (self->node_row, "notify::selected", G_CALLBACK (on_node_selected), self);
}

GtkWidget *
rw_prefix_editor_new (GtkWindow *parent, RwDocument *doc, const char *node)
{
  RwPrefixEditor *self = g_object_new (RW_TYPE_PREFIX_EDITOR, "transient-for", parent, NULL);
  const RwTopology *t = rw_document_get_topology (doc);
  self->doc = g_object_ref (doc);
  g_signal_connect (doc, "changed", G_CALLBACK (on_doc_changed), self);
  if ((node == NULL || *node == '\0') && t->prefixes->len)
    node = ((RwOrigination *) t->prefixes->pdata[0])->origin_node;
  rw_prefix_editor_set_node (self, node);
  return GTK_WIDGET (self);
}

void
rw_prefix_editor_set_node (RwPrefixEditor *self, const char *node)
{
  if (g_strcmp0 (self->node, node) != 0)
    {
      g_free (self->node);
      self->node = g_strdup (node);
      g_clear_pointer (&self->expanded, g_free);
    }
  clear_error (self);
  rebuild (self);
}

const char *
rw_prefix_editor_get_node (RwPrefixEditor *self)
{
  return self->node;
}

const char *
rw_prefix_editor_get_error (RwPrefixEditor *self)
{
  return self->error;
}

RwPrefixRow *
rw_prefix_editor_get_row (RwPrefixEditor *self, const char *prefix)
{
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->prefixes_list)); c; c = gtk_widget_get_next_sibling (c))
    if (RW_IS_PREFIX_ROW (c) && g_strcmp0 (rw_prefix_row_get_prefix (RW_PREFIX_ROW (c)), prefix) == 0)
      return RW_PREFIX_ROW (c);
  return NULL;
}
