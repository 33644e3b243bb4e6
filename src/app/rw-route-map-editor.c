/* rw-route-map-editor.c — the route-map editor.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-route-map-editor.h"
#include "rw-window.h"

#include <glib/gi18n.h>
#include "rw-route-map-entry-row.h"

struct _RwRouteMapEditor {
  AdwWindow parent_instance;
  AdwWindowTitle *title;
  GtkLabel *error;
  GtkListBox *maps;
  GtkEntry *new_name;
  GtkStack *stack;
  AdwEntryRow *name_row;
  AdwActionRow *used_row;
  AdwComboRow *use_row;
  GtkListBox *entries;

  GtkStringList *map_names;   /* the sidebar: the topology's route-maps in file order */
  GtkStringList *entry_model; /* the shown map's entries, each as its JSON text */
  GHashTable *expanded;       /* entry index + 1 of the rows open, kept across refreshes */
  GtkStringList *ends;        /* "Use on": every session end's import and export, in words */
  GPtrArray *end_targets;     /* RwUseTarget, parallel to @ends */
  RwDocument *doc;
  char *selected;
  gboolean refreshing;
  guint refresh_id;           /* an edit's refresh, after the row that made it returns */
  gint focus_index;           /* the entry row to focus after the refresh (a moved one), -1 */
};

G_DEFINE_FINAL_TYPE (RwRouteMapEditor, rw_route_map_editor, ADW_TYPE_WINDOW)

/* Where "Use on" puts the map: sessions[session].ends.NODE.import or .export */
typedef struct {
  guint session;
  char *node;
  gboolean export;
} RwUseTarget;

static void
use_target_free (RwUseTarget *t)
{
  g_free (t->node);
  g_free (t);
}

static void
show_error (RwRouteMapEditor *ed, const GError *error)
{
  gtk_label_set_text (ed->error, error ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (ed->error), error != NULL);
}

static char *
selected_path (RwRouteMapEditor *ed)
{
  return g_strdup_printf ("policies.%s", ed->selected);
}

/* ---- showing the document ---- */

static void
show_selected (RwRouteMapEditor *ed)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) policy = NULL;
  g_auto(GStrv) users = NULL;
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  if (ed->selected == NULL)
    {
      gtk_stack_set_visible_child_name (ed->stack, "empty");
      gtk_string_list_splice (ed->entry_model, 0, g_list_model_get_n_items (G_LIST_MODEL (ed->entry_model)), NULL);
      g_ptr_array_unref (texts);
      return;
    }
  gtk_stack_set_visible_child_name (ed->stack, "map");
  path = selected_path (ed);
  adw_entry_row_set_show_apply_button (ed->name_row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (ed->name_row), ed->selected);
  adw_entry_row_set_show_apply_button (ed->name_row, TRUE);
  users = rw_document_dup_users (ed->doc, path);
  if (users[0])
    {
      g_autofree char *list = g_strjoinv (", ", users);
      g_autofree char *escaped = g_markup_escape_text (list, -1);
      adw_action_row_set_subtitle (ed->used_row, escaped);
    }
  else
    adw_action_row_set_subtitle (ed->used_row, _("No session uses it yet: set it as a session end’s import or export"));
  policy = rw_document_dup_json (ed->doc, path);
  for (guint i = 0; policy && JSON_NODE_HOLDS_ARRAY (policy) && i < json_array_get_length (json_node_get_array (policy)); i++)
    g_ptr_array_add (texts, json_to_string (json_array_get_element (json_node_get_array (policy), i), FALSE));
  g_ptr_array_add (texts, NULL);
  gtk_string_list_splice (ed->entry_model, 0, g_list_model_get_n_items (G_LIST_MODEL (ed->entry_model)),
                          (const char *const *) texts->pdata);
  g_ptr_array_unref (texts);
}

static void
refresh (RwRouteMapEditor *ed)
{
  const RwTopology *t = rw_document_get_topology (ed->doc);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *title = rw_document_dup_title (ed->doc);
  gint selected_index = -1;
  ed->refreshing = TRUE;
  adw_window_title_set_subtitle (ed->title, title);
  for (guint i = 0; i < t->policies->len; i++)
    {
      const char *name = ((RwPolicy *) t->policies->pdata[i])->name;
      if (g_strcmp0 (name, ed->selected) == 0)
        selected_index = (gint) i;
      g_ptr_array_add (names, (gpointer) name);
    }
  /* a map undone away or renamed elsewhere: show the first */
  if (selected_index < 0)
    {
      g_free (ed->selected);
      ed->selected = names->len ? g_strdup (names->pdata[0]) : NULL;
      selected_index = names->len ? 0 : -1;
      g_hash_table_remove_all (ed->expanded);
    }
  /* every session end, twice: what it imports and what it exports, and which map does it now */
  {
    g_autoptr(GPtrArray) ends = g_ptr_array_new_with_free_func (g_free);
    guint keep = adw_combo_row_get_selected (ed->use_row);
    g_ptr_array_set_size (ed->end_targets, 0);
    for (guint i = 0; i < t->sessions->len; i++)
      {
        const RwSession *s = t->sessions->pdata[i];
        for (guint e = 0; e < 4; e++)
          {
            const RwSessionEnd *end = &s->ends[e / 2];
            gboolean export = e % 2;
            const char *now = export ? end->export : end->import;
            RwUseTarget *target = g_new0 (RwUseTarget, 1);
            g_autofree char *what = export ? g_strdup_printf (_("%s–%s: export at %s"), s->a, s->b, end->node)
                                           : g_strdup_printf (_("%s–%s: import at %s"), s->a, s->b, end->node);
            target->session = i;
            target->node = g_strdup (end->node);
            target->export = export;
            g_ptr_array_add (ed->end_targets, target);
            g_ptr_array_add (ends, now ? g_strdup_printf (_("%s (now %s)"), what, now) : g_steal_pointer (&what));
          }
      }
    g_ptr_array_add (ends, NULL);
    gtk_string_list_splice (ed->ends, 0, g_list_model_get_n_items (G_LIST_MODEL (ed->ends)), (const char *const *) ends->pdata);
    if (keep < ed->end_targets->len)
      adw_combo_row_set_selected (ed->use_row, keep);
  }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (ed->map_names, 0, g_list_model_get_n_items (G_LIST_MODEL (ed->map_names)),
                          (const char *const *) names->pdata);
  gtk_list_box_select_row (ed->maps, selected_index >= 0 ? gtk_list_box_get_row_at_index (ed->maps, selected_index) : NULL);
  show_selected (ed);
  ed->refreshing = FALSE;
  if (ed->focus_index >= 0 && gtk_list_box_get_row_at_index (ed->entries, ed->focus_index))
    gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (ed->entries, ed->focus_index)));
  ed->focus_index = -1;
}

static gboolean
refresh_idle (gpointer data)
{
  RwRouteMapEditor *ed = data;
  ed->refresh_id = 0;
  refresh (ed);
  return G_SOURCE_REMOVE;
}

/* Edits come from the entry rows' own signals: the rows are made again once those returned. */
static void
on_doc_changed (RwDocument *doc, RwRouteMapEditor *ed)
{
  if (ed->refresh_id == 0)
    ed->refresh_id = g_idle_add_full (G_PRIORITY_DEFAULT, refresh_idle, ed, NULL);
}

/* ---- editing the entries ---- */

/* Commits the shown map's entries as @entries (taken). */
static gboolean
replace_entries (RwRouteMapEditor *ed, JsonArray *entries)
{
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), entries);
  g_autofree char *path = selected_path (ed);
  g_autoptr(GError) error = NULL;
  json_array_unref (entries);
  if (!rw_document_replace_json (ed->doc, path, node, &error))
    {
      show_error (ed, error);
      return FALSE;
    }
  show_error (ed, NULL);
  return TRUE;
}

static JsonArray *
current_entries (RwRouteMapEditor *ed)
{
  g_autofree char *path = selected_path (ed);
  g_autoptr(JsonNode) policy = rw_document_dup_json (ed->doc, path);
  if (policy == NULL || !JSON_NODE_HOLDS_ARRAY (policy))
    return NULL;
  return json_array_ref (json_node_get_array (policy));
}

static void
on_entry_edited (RwRouteMapEntryRow *row, JsonNode *entry, RwRouteMapEditor *ed)
{
  g_autoptr(JsonArray) old = current_entries (ed);
  JsonArray *entries;
  guint index = (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  if (old == NULL)
    return;
  entries = json_array_new ();
  for (guint i = 0; i < json_array_get_length (old); i++)
    json_array_add_element (entries, json_node_copy (i == index ? entry : json_array_get_element (old, i)));
  replace_entries (ed, entries);
}

/* Moves entry @from to place @to: the entries keep their sequence numbers' set, given out again
 * in the new order (the file orders entries by seq). */
static void
move_entry (RwRouteMapEditor *ed, gint from, gint to)
{
  g_autoptr(JsonArray) old = current_entries (ed);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autofree gint64 *seqs = NULL;
  JsonArray *entries;
  guint n;
  gboolean from_open, to_open;
  if (old == NULL || from == to || from < 0 || to < 0 || (guint) from >= json_array_get_length (old) ||
      (guint) to >= json_array_get_length (old))
    return;
  n = json_array_get_length (old);
  seqs = g_new (gint64, n);
  for (guint i = 0; i < n; i++)
    {
      seqs[i] = json_object_get_int_member (json_array_get_object_element (old, i), "seq");
      g_ptr_array_add (order, json_array_get_element (old, i));
    }
  g_ptr_array_insert (order, to, g_ptr_array_steal_index (order, from));
  entries = json_array_new ();
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_node_copy (order->pdata[i]);
      json_object_set_int_member (json_node_get_object (e), "seq", seqs[i]);
      json_array_add_element (entries, e);
    }
  /* the open rows follow their entries */
  from_open = g_hash_table_contains (ed->expanded, GINT_TO_POINTER (from + 1));
  to_open = g_hash_table_contains (ed->expanded, GINT_TO_POINTER (to + 1));
  if (!replace_entries (ed, entries))
    return;
  g_hash_table_remove (ed->expanded, GINT_TO_POINTER (from + 1));
  g_hash_table_remove (ed->expanded, GINT_TO_POINTER (to + 1));
  if (from_open)
    g_hash_table_add (ed->expanded, GINT_TO_POINTER (to + 1));
  if (to_open)
    g_hash_table_add (ed->expanded, GINT_TO_POINTER (from + 1));
  ed->focus_index = to;
}

static void
on_entry_move (RwRouteMapEntryRow *row, int delta, RwRouteMapEditor *ed)
{
  gint index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  move_entry (ed, index, index + delta);
}

static void
on_entry_remove (RwRouteMapEntryRow *row, RwRouteMapEditor *ed)
{
  g_autoptr(JsonArray) old = current_entries (ed);
  guint index = (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  JsonArray *entries;
  if (old == NULL)
    return;
  entries = json_array_new ();
  for (guint i = 0; i < json_array_get_length (old); i++)
    if (i != index)
      json_array_add_element (entries, json_node_copy (json_array_get_element (old, i)));
  g_hash_table_remove_all (ed->expanded);
  replace_entries (ed, entries);
}

static void
on_row_expanded (RwRouteMapEntryRow *row, GParamSpec *pspec, RwRouteMapEditor *ed)
{
  gint index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  if (ed->refreshing || index < 0)
    return;
  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)))
    g_hash_table_add (ed->expanded, GINT_TO_POINTER (index + 1));
  else
    g_hash_table_remove (ed->expanded, GINT_TO_POINTER (index + 1));
}

/* Drag an entry onto another: it takes that one's place. */
static GdkContentProvider *
on_drag_prepare (GtkDragSource *source, double x, double y, GtkWidget *row)
{
  return gdk_content_provider_new_typed (RW_TYPE_ROUTE_MAP_ENTRY_ROW, row);
}

static void
on_drag_begin (GtkDragSource *source, GdkDrag *drag, GtkWidget *row)
{
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (row);
  gtk_drag_source_set_icon (source, icon, 0, 0);
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, RwRouteMapEditor *ed)
{
  GtkWidget *dragged = g_value_get_object (value), *onto = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  if (!RW_IS_ROUTE_MAP_ENTRY_ROW (dragged) || gtk_widget_get_parent (dragged) != GTK_WIDGET (ed->entries))
    return FALSE;
  move_entry (ed, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (dragged)), gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (onto)));
  return TRUE;
}

static GtkWidget *
create_entry_row (gpointer item, gpointer data)
{
  RwRouteMapEditor *ed = data;
  g_autoptr(JsonNode) entry = json_from_string (gtk_string_object_get_string (item), NULL);
  GtkWidget *row = rw_route_map_entry_row_new (entry);
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (RW_TYPE_ROUTE_MAP_ENTRY_ROW, GDK_ACTION_MOVE);
  guint index = 0;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (ed->entry_model)); i++)
    {
      g_autoptr(GObject) it = g_list_model_get_item (G_LIST_MODEL (ed->entry_model), i);
      if (it == item)
        {
          index = i;
          break;
        }
    }
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), row);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), ed);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
  g_signal_connect (row, "edited", G_CALLBACK (on_entry_edited), ed);
  g_signal_connect (row, "move", G_CALLBACK (on_entry_move), ed);
  g_signal_connect (row, "remove", G_CALLBACK (on_entry_remove), ed);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), g_hash_table_contains (ed->expanded, GUINT_TO_POINTER (index + 1)));
  g_signal_connect (row, "notify::expanded", G_CALLBACK (on_row_expanded), ed);
  return row;
}

static GtkWidget *
create_map_row (gpointer item, gpointer data)
{
  GtkWidget *label = gtk_label_new (gtk_string_object_get_string (item));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  return label;
}

/* ---- route-maps ---- */

static void
on_map_selected (GtkListBox *box, GtkListBoxRow *row, RwRouteMapEditor *ed)
{
  g_autoptr(GtkStringObject) item = NULL;
  if (ed->refreshing || row == NULL)
    return;
  item = g_list_model_get_item (G_LIST_MODEL (ed->map_names), gtk_list_box_row_get_index (row));
  if (item == NULL || g_strcmp0 (gtk_string_object_get_string (item), ed->selected) == 0)
    return;
  g_free (ed->selected);
  ed->selected = g_strdup (gtk_string_object_get_string (item));
  g_hash_table_remove_all (ed->expanded);
  show_error (ed, NULL);
  ed->refreshing = TRUE;
  show_selected (ed);
  ed->refreshing = FALSE;
}

static void
action_add_map (GtkWidget *w, const char *name, GVariant *param)
{
  RwRouteMapEditor *ed = RW_ROUTE_MAP_EDITOR (w);
  g_autofree char *map = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (ed->new_name))));
  g_autofree char *path = g_strdup_printf ("policies.%s", map);
  g_autoptr(JsonNode) empty = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GError) error = NULL;
  json_node_take_array (empty, json_array_new ());
  if (!rw_document_insert_json (ed->doc, path, empty, &error))
    {
      show_error (ed, error);
      return;
    }
  show_error (ed, NULL);
  gtk_editable_set_text (GTK_EDITABLE (ed->new_name), "");
  rw_route_map_editor_select (ed, map);
}

static void
action_delete_map (GtkWidget *w, const char *name, GVariant *param)
{
  RwRouteMapEditor *ed = RW_ROUTE_MAP_EDITOR (w);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  if (ed->selected == NULL)
    return;
  path = selected_path (ed);
  show_error (ed, rw_document_delete_json (ed->doc, path, &error) ? NULL : error);
}

static void
action_add_entry (GtkWidget *w, const char *name, GVariant *param)
{
  RwRouteMapEditor *ed = RW_ROUTE_MAP_EDITOR (w);
  JsonArray *entries = ed->selected ? current_entries (ed) : NULL;
  JsonObject *entry;
  gint64 seq = 10;
  guint n;
  if (entries == NULL)
    return;
  n = json_array_get_length (entries);
  /* after the last, in steps of ten as routers number them */
  if (n > 0)
    seq = (json_object_get_int_member (json_array_get_object_element (entries, n - 1), "seq") / 10 + 1) * 10;
  entry = json_object_new ();
  json_object_set_int_member (entry, "seq", seq);
  json_object_set_string_member (entry, "action", "permit");
  json_array_add_object_element (entries, entry);
  g_hash_table_add (ed->expanded, GUINT_TO_POINTER (n + 1));
  replace_entries (ed, entries);
}

/* The shown map as the import or export of the session end chosen in "Use on". */
static void
action_use (GtkWidget *w, const char *name, GVariant *param)
{
  RwRouteMapEditor *ed = RW_ROUTE_MAP_EDITOR (w);
  guint i = adw_combo_row_get_selected (ed->use_row);
  const RwUseTarget *target;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) session = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *o, *ends, *end;
  if (ed->selected == NULL || i >= ed->end_targets->len)
    return;
  target = ed->end_targets->pdata[i];
  path = g_strdup_printf ("sessions[%u]", target->session);
  session = rw_document_dup_json (ed->doc, path);
  if (session == NULL)
    return;
  o = json_node_get_object (session);
  if (!json_object_has_member (o, "ends"))
    json_object_set_object_member (o, "ends", json_object_new ());
  ends = json_object_get_object_member (o, "ends");
  if (!json_object_has_member (ends, target->node))
    json_object_set_object_member (ends, target->node, json_object_new ());
  end = json_object_get_object_member (ends, target->node);
  json_object_set_string_member (end, target->export ? "export" : "import", ed->selected);
  show_error (ed, rw_document_replace_json (ed->doc, path, session, &error) ? NULL : error);
}

static void
on_name_apply (AdwEntryRow *row, RwRouteMapEditor *ed)
{
  g_autofree char *path = selected_path (ed);
  g_autofree char *to = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GError) error = NULL;
  if (!rw_document_rename_json (ed->doc, path, to, &error))
    {
      show_error (ed, error);
      return;
    }
  show_error (ed, NULL);
  rw_route_map_editor_select (ed, to);
}

/* ---- GObject ---- */

static void
rw_route_map_editor_dispose (GObject *object)
{
  RwRouteMapEditor *ed = RW_ROUTE_MAP_EDITOR (object);
  if (ed->doc)
    g_signal_handlers_disconnect_by_data (ed->doc, ed);
  g_clear_object (&ed->doc);
  g_clear_handle_id (&ed->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_ROUTE_MAP_EDITOR);
  G_OBJECT_CLASS (rw_route_map_editor_parent_class)->dispose (object);
}

static void
rw_route_map_editor_finalize (GObject *object)
{
  RwRouteMapEditor *ed = RW_ROUTE_MAP_EDITOR (object);
  g_clear_object (&ed->map_names);
  g_clear_object (&ed->entry_model);
  g_clear_pointer (&ed->expanded, g_hash_table_unref);
  g_clear_object (&ed->ends);
  g_clear_pointer (&ed->end_targets, g_ptr_array_unref);
  g_free (ed->selected);
  G_OBJECT_CLASS (rw_route_map_editor_parent_class)->finalize (object);
}

static void
rw_route_map_editor_class_init (RwRouteMapEditorClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_route_map_editor_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_route_map_editor_finalize;
  g_type_ensure (RW_TYPE_ROUTE_MAP_ENTRY_ROW);
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-route-map-editor.ui");
  gtk_widget_class_bind_template_child (wc, RwRouteMapEditor, title);
  gtk_widget_class_bind_template_child (wc, RwRouteMapEditor, error);
  gtk_widget_class_bind_template_child (wc, RwRouteMapEditor, maps);
  gtk_widget_class_bind_template_child (wc, RwRouteMapEditor, new_name);
  gtk_widget_class_bind_template_child (wc, RwRouteMapEditor, stack);
  gtk_widget_class_bind_template_child (wc, RwRouteMapEditor, name_row);
  gtk_widget_class_bind_template_child (wc, RwRouteMapEditor, used_row);
  gtk_widget_class_bind_template_child (wc, RwRouteMapEditor, use_row);
  gtk_widget_class_bind_template_child (wc, RwRouteMapEditor, entries);
  gtk_widget_class_install_action (wc, "route-maps.add", NULL, action_add_map);
  gtk_widget_class_install_action (wc, "route-maps.delete", NULL, action_delete_map);
  gtk_widget_class_install_action (wc, "route-maps.add-entry", NULL, action_add_entry);
  gtk_widget_class_install_action (wc, "route-maps.use", NULL, action_use);
  rw_window_class_add_editor_history (wc);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
on_new_name_activate (GtkEntry *entry, RwRouteMapEditor *ed)
{
  gtk_widget_activate_action (GTK_WIDGET (ed), "route-maps.add", NULL);
}

static void
rw_route_map_editor_init (RwRouteMapEditor *ed)
{
  gtk_widget_init_template (GTK_WIDGET (ed));
  ed->map_names = gtk_string_list_new (NULL);
  ed->entry_model = gtk_string_list_new (NULL);
  ed->expanded = g_hash_table_new (g_direct_hash, g_direct_equal);
  ed->focus_index = -1;
  ed->ends = gtk_string_list_new (NULL);
  ed->end_targets = g_ptr_array_new_with_free_func ((GDestroyNotify) use_target_free);
  adw_combo_row_set_model (ed->use_row, G_LIST_MODEL (ed->ends));
  gtk_list_box_bind_model (ed->maps, G_LIST_MODEL (ed->map_names), create_map_row, ed, NULL);
  gtk_list_box_bind_model (ed->entries, G_LIST_MODEL (ed->entry_model), create_entry_row, ed, NULL);
  g_signal_connect (ed->maps, "row-selected", G_CALLBACK (on_map_selected), ed);
  g_signal_connect (ed->new_name, "activate", G_CALLBACK (on_new_name_activate), ed);
  g_signal_connect (ed->name_row, "apply", G_CALLBACK (on_name_apply), ed);
}

RwRouteMapEditor *
rw_route_map_editor_new (GtkWindow *parent, RwDocument *doc)
{
  RwRouteMapEditor *ed = g_object_new (RW_TYPE_ROUTE_MAP_EDITOR, "transient-for", parent, "destroy-with-parent", TRUE, NULL);
  rw_route_map_editor_set_document (ed, doc);
  return ed;
}

void
rw_route_map_editor_set_document (RwRouteMapEditor *ed, RwDocument *doc)
{
  if (ed->doc == doc)
    return;
  if (ed->doc)
    g_signal_handlers_disconnect_by_data (ed->doc, ed);
  g_set_object (&ed->doc, doc);
  g_signal_connect (doc, "changed", G_CALLBACK (on_doc_changed), ed);
  g_clear_pointer (&ed->selected, g_free);
  show_error (ed, NULL);
  refresh (ed);
}

gboolean
rw_route_map_editor_select (RwRouteMapEditor *ed, const char *name)
{
  if (rw_topology_find_policy (rw_document_get_topology (ed->doc), name) == NULL)
    return FALSE;
  g_free (ed->selected);
  ed->selected = g_strdup (name);
  g_hash_table_remove_all (ed->expanded);
  g_clear_handle_id (&ed->refresh_id, g_source_remove);
  refresh (ed);
  return TRUE;
}

const char *
rw_route_map_editor_get_selected (RwRouteMapEditor *ed)
{
  return ed->selected;
}

GtkEditable *
rw_route_map_editor_get_new_name (RwRouteMapEditor *ed)
{
  return GTK_EDITABLE (ed->new_name);
}

AdwEntryRow *
rw_route_map_editor_get_name_row (RwRouteMapEditor *ed)
{
  return ed->name_row;
}

GtkListBox *
rw_route_map_editor_get_entries (RwRouteMapEditor *ed)
{
  return ed->entries;
}

AdwComboRow *
rw_route_map_editor_get_use_row (RwRouteMapEditor *ed)
{
  return ed->use_row;
}

AdwActionRow *
rw_route_map_editor_get_used_row (RwRouteMapEditor *ed)
{
  return ed->used_row;
}

const char *
rw_route_map_editor_get_error (RwRouteMapEditor *ed)
{
  return gtk_widget_get_visible (GTK_WIDGET (ed->error)) ? gtk_label_get_text (ed->error) : NULL;
}
