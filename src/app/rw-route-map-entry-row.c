/* rw-route-map-entry-row.c — one route-map entry as an expander row.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-route-map-entry-row.h"

#include <glib/gi18n.h>
#include <string.h>

typedef enum { FIELD_TEXT, FIELD_NUMBER, FIELD_LIST } FieldKind;

/* The fields as the topology file names them; the template's ids are the keys. */
static const struct {
  const char *key, *section;
  FieldKind kind;
} fields[] = {
  { "prefixes", "match", FIELD_LIST },        { "community", "match", FIELD_TEXT },
  { "neighbor_as", "match", FIELD_NUMBER },   { "as_path_contains", "match", FIELD_NUMBER },
  { "local_pref", "set", FIELD_NUMBER },      { "med", "set", FIELD_NUMBER },
  { "weight", "set", FIELD_NUMBER },          { "prepend", "set", FIELD_NUMBER },
  { "community_add", "set", FIELD_LIST },     { "community_remove", "set", FIELD_LIST },
};
#define N_FIELDS G_N_ELEMENTS (fields)

struct _RwRouteMapEntryRow {
  AdwExpanderRow parent_instance;
  AdwComboRow *action_row;
  GtkSwitch *continue_switch;
  AdwEntryRow *rows[N_FIELDS];
  JsonNode *entry;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (RwRouteMapEntryRow, rw_route_map_entry_row, ADW_TYPE_EXPANDER_ROW)

enum { EDITED, MOVE, REMOVE, N_SIGNALS };
static guint signals[N_SIGNALS];

static JsonObject *
entry_object (RwRouteMapEntryRow *row)
{
  return json_node_get_object (row->entry);
}

static JsonObject *
section_of (JsonObject *o, const char *section)
{
  JsonNode *n = json_object_get_member (o, section);
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* A field's value as one line: numbers and strings as they are, lists joined by ", ". */
static char *
field_text (JsonObject *section, const char *key)
{
  JsonNode *n = section ? json_object_get_member (section, key) : NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_ARRAY (n))
    {
      JsonArray *a = json_node_get_array (n);
      GString *s = g_string_new (NULL);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          if (i)
            g_string_append (s, ", ");
          if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
            g_string_append (s, json_node_get_string (e));
        }
      return g_string_free (s, FALSE);
    }
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (n));
  if (JSON_NODE_HOLDS_VALUE (n))
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
  return g_strdup ("");
}

static void
append_summary (GString *s, JsonObject *section, const char *heading)
{
  g_autoptr(GList) members = section ? json_object_get_members (section) : NULL;
  GString *items = g_string_new (NULL);
  for (GList *m = members; m; m = m->next)
    {
      g_autofree char *v = field_text (section, m->data);
      if (*v == '\0')
        continue;
      g_string_append_printf (items, "%s%s %s", items->len ? ", " : "", (char *) m->data, v);
    }
  if (items->len)
    {
      if (s->len)
        g_string_append (s, " · ");
      g_string_append_printf (s, "%s %s", heading, items->str);
    }
  g_string_free (items, TRUE);
}

static void
show_entry (RwRouteMapEntryRow *row)
{
  JsonObject *o = entry_object (row);
  gboolean permit = g_strcmp0 (json_object_get_string_member_with_default (o, "action", "permit"), "deny") != 0;
  g_autofree char *title = g_strdup_printf (_("%u · %s"), rw_route_map_entry_row_get_seq (row), permit ? _("permit") : _("deny"));
  GString *summary = g_string_new (NULL);
  g_autofree char *escaped = NULL;
  row->loading = TRUE;
  /* Translators: "match prefixes 10.0.0.0/8, community 65001:100" */
  append_summary (summary, section_of (o, "match"), C_("route-map", "match"));
  /* Translators: "set local_pref 150, prepend 2" */
  append_summary (summary, section_of (o, "set"), C_("route-map", "set"));
  if (summary->len == 0)
    g_string_append (summary, _("matches every route, sets nothing"));
  escaped = g_markup_escape_text (summary->str, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), escaped);
  adw_combo_row_set_selected (row->action_row, permit ? 0 : 1);
  gtk_switch_set_active (row->continue_switch, json_object_get_boolean_member_with_default (o, "continue", FALSE));
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *text = field_text (section_of (o, fields[i].section), fields[i].key);
      /* text put here is not an edit: no apply button for it */
      adw_entry_row_set_show_apply_button (row->rows[i], FALSE);
      gtk_editable_set_text (GTK_EDITABLE (row->rows[i]), text);
      adw_entry_row_set_show_apply_button (row->rows[i], TRUE);
    }
  g_string_free (summary, TRUE);
  row->loading = FALSE;
}

/* Emits "edited" with the entry where @key of @section is @value (NULL: removed); an emptied
 * section goes too, as the file would not have it. */
static void
emit_with (RwRouteMapEntryRow *row, const char *section, const char *key, JsonNode *value)
{
  g_autoptr(JsonNode) copy = json_node_copy (row->entry);
  JsonObject *o = json_node_get_object (copy), *sec = o;
  if (section)
    {
      sec = section_of (o, section);
      if (sec == NULL)
        {
          json_object_set_object_member (o, section, json_object_new ());
          sec = section_of (o, section);
        }
    }
  if (value)
    json_object_set_member (sec, key, value);
  else if (json_object_has_member (sec, key))
    json_object_remove_member (sec, key);
  if (section && json_object_get_size (sec) == 0)
    json_object_remove_member (o, section);
  g_signal_emit (row, signals[EDITED], 0, copy);
}

/* What was typed, as JSON: a number when it reads as one, else the text itself, so that the
 * loader names the field that is wrong ("expected an integer"). */
static JsonNode *
typed_value (const char *text, FieldKind kind)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  gint64 v;
  if (*t == '\0')
    return NULL;
  if (kind == FIELD_LIST)
    {
      g_auto(GStrv) parts = g_strsplit (t, ",", -1);
      JsonArray *a = json_array_new ();
      JsonNode *n = json_node_new (JSON_NODE_ARRAY);
      for (guint i = 0; parts[i]; i++)
        {
          g_strstrip (parts[i]);
          if (*parts[i])
            json_array_add_string_element (a, parts[i]);
        }
      json_node_take_array (n, a);
      return n;
    }
  if (kind == FIELD_NUMBER && g_ascii_string_to_signed (t, 10, G_MININT64, G_MAXINT64, &v, NULL))
    return json_node_init_int (json_node_alloc (), v);
  return json_node_init_string (json_node_alloc (), t);
}

static void
on_field_apply (AdwEntryRow *entry, RwRouteMapEntryRow *row)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (row->rows[i] == entry)
      emit_with (row, fields[i].section, fields[i].key,
                 typed_value (gtk_editable_get_text (GTK_EDITABLE (entry)), fields[i].kind));
}

static void
on_action_selected (AdwComboRow *combo, GParamSpec *pspec, RwRouteMapEntryRow *row)
{
  if (!row->loading)
    emit_with (row, NULL, "action", json_node_init_string (json_node_alloc (), adw_combo_row_get_selected (combo) == 1 ? "deny" : "permit"));
}

static void
on_continue (GtkSwitch *sw, GParamSpec *pspec, RwRouteMapEntryRow *row)
{
  if (!row->loading)
    emit_with (row, NULL, "continue", gtk_switch_get_active (sw) ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL);
}

static void
action_move (GtkWidget *w, const char *name, GVariant *param)
{
  g_signal_emit (w, signals[MOVE], 0, g_str_equal (name, "entry.move-up") ? -1 : 1);
}

static void
action_remove (GtkWidget *w, const char *name, GVariant *param)
{
  g_signal_emit (w, signals[REMOVE], 0);
}

static void
rw_route_map_entry_row_finalize (GObject *object)
{
  g_clear_pointer (&RW_ROUTE_MAP_ENTRY_ROW (object)->entry, json_node_unref);
  G_OBJECT_CLASS (rw_route_map_entry_row_parent_class)->finalize (object);
}

static void
rw_route_map_entry_row_class_init (RwRouteMapEntryRowClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = rw_route_map_entry_row_finalize;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-route-map-entry-row.ui");
  gtk_widget_class_bind_template_child (wc, RwRouteMapEntryRow, action_row);
  gtk_widget_class_bind_template_child (wc, RwRouteMapEntryRow, continue_switch);
  for (guint i = 0; i < N_FIELDS; i++)
    gtk_widget_class_bind_template_child_full (wc, fields[i].key, FALSE,
                                               G_STRUCT_OFFSET (RwRouteMapEntryRow, rows) + i * sizeof (gpointer));
  gtk_widget_class_install_action (wc, "entry.move-up", NULL, action_move);
  gtk_widget_class_install_action (wc, "entry.move-down", NULL, action_move);
  gtk_widget_class_install_action (wc, "entry.remove", NULL, action_remove);
  /* the keyboard's way to reorder, besides dragging */
  gtk_widget_class_add_binding_action (wc, GDK_KEY_Up, GDK_ALT_MASK, "entry.move-up", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_Down, GDK_ALT_MASK, "entry.move-down", NULL);
  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, JSON_TYPE_NODE);
  signals[MOVE] = g_signal_new ("move", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
rw_route_map_entry_row_init (RwRouteMapEntryRow *row)
{
  gtk_widget_init_template (GTK_WIDGET (row));
  for (guint i = 0; i < N_FIELDS; i++)
    g_signal_connect (row->rows[i], "apply", G_CALLBACK (on_field_apply), row);
  g_signal_connect (row->action_row, "notify::selected", G_CALLBACK (on_action_selected), row);
  g_signal_connect (row->continue_switch, "notify::active", G_CALLBACK (on_continue), row);
}

GtkWidget *
rw_route_map_entry_row_new (JsonNode *entry)
{
  RwRouteMapEntryRow *row = g_object_new (RW_TYPE_ROUTE_MAP_ENTRY_ROW, NULL);
  row->entry = json_node_copy (entry);
  if (!JSON_NODE_HOLDS_OBJECT (row->entry))
    {
      json_node_unref (row->entry);
      row->entry = json_node_init_object (json_node_alloc (), json_object_new ());
    }
  show_entry (row);
  return GTK_WIDGET (row);
}

AdwEntryRow *
rw_route_map_entry_row_get_field (RwRouteMapEntryRow *row, const char *key)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (g_str_equal (fields[i].key, key))
      return row->rows[i];
  return NULL;
}

AdwComboRow *
rw_route_map_entry_row_get_action_row (RwRouteMapEntryRow *row)
{
  return row->action_row;
}

GtkSwitch *
rw_route_map_entry_row_get_continue_switch (RwRouteMapEntryRow *row)
{
  return row->continue_switch;
}

guint
rw_route_map_entry_row_get_seq (RwRouteMapEntryRow *row)
{
  JsonNode *n = json_object_get_member (entry_object (row), "seq");
  return n && JSON_NODE_HOLDS_VALUE (n) ? (guint) json_node_get_int (n) : 0;
}
