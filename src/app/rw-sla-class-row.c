/* rw-sla-class-row.c — one SLA class as an expander row.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-sla-class-row.h"

#include <glib/gi18n.h>

struct _RwSlaClassRow {
  AdwExpanderRow parent_instance;
  AdwEntryRow *name_row, *latency_row, *loss_row;
  char *name;
  JsonNode *value;
};

G_DEFINE_FINAL_TYPE (RwSlaClassRow, rw_sla_class_row, ADW_TYPE_EXPANDER_ROW)

enum { RENAME, EDITED, REMOVE, N_SIGNALS };
static guint signals[N_SIGNALS];

JsonNode *
rw_typed_number (const char *text)
{
  g_autofree char *t = g_strstrip (g_strdup (text ? text : ""));
  char *end = NULL;
  double v;
  if (*t == '\0')
    return NULL;
  v = g_ascii_strtod (t, &end);
  if (end != t && *end == '\0')
    return json_node_init_double (json_node_alloc (), v);
  return json_node_init_string (json_node_alloc (), t);
}

static char *
number_text (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return g_strdup ("");
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (n));
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", json_node_get_double (n)));
}

static void
set_text (AdwEntryRow *row, const char *text)
{
  adw_entry_row_set_show_apply_button (row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  adw_entry_row_set_show_apply_button (row, TRUE);
}

static void
on_name_apply (AdwEntryRow *entry, RwSlaClassRow *row)
{
  g_signal_emit (row, signals[RENAME], 0, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_limit_apply (AdwEntryRow *entry, RwSlaClassRow *row)
{
  g_autoptr(JsonNode) copy = json_node_copy (row->value);
  const char *key = entry == row->latency_row ? "latency_ms" : "loss_pct";
  JsonNode *v = rw_typed_number (gtk_editable_get_text (GTK_EDITABLE (entry)));
  if (v)
    json_object_set_member (json_node_get_object (copy), key, v);
  else
    json_object_remove_member (json_node_get_object (copy), key);
  g_signal_emit (row, signals[EDITED], 0, copy);
}

static void
action_remove (GtkWidget *w, const char *name, GVariant *param)
{
  g_signal_emit (w, signals[REMOVE], 0);
}

static void
rw_sla_class_row_finalize (GObject *object)
{
  RwSlaClassRow *row = RW_SLA_CLASS_ROW (object);
  g_free (row->name);
  g_clear_pointer (&row->value, json_node_unref);
  G_OBJECT_CLASS (rw_sla_class_row_parent_class)->finalize (object);
}

static void
rw_sla_class_row_class_init (RwSlaClassRowClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = rw_sla_class_row_finalize;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-sla-class-row.ui");
  gtk_widget_class_bind_template_child (wc, RwSlaClassRow, name_row);
  gtk_widget_class_bind_template_child (wc, RwSlaClassRow, latency_row);
  gtk_widget_class_bind_template_child (wc, RwSlaClassRow, loss_row);
  gtk_widget_class_bind_template_callback (wc, on_name_apply);
  gtk_widget_class_bind_template_callback (wc, on_limit_apply);
  gtk_widget_class_install_action (wc, "sla-class.remove", NULL, action_remove);
  signals[RENAME] = g_signal_new ("rename", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_NODE);
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
rw_sla_class_row_init (RwSlaClassRow *row)
{
  gtk_widget_init_template (GTK_WIDGET (row));
}

GtkWidget *
rw_sla_class_row_new (const char *name, JsonNode *value, guint users)
{
  RwSlaClassRow *row = g_object_new (RW_TYPE_SLA_CLASS_ROW, NULL);
  g_autofree char *latency = NULL, *loss = NULL, *subtitle = NULL, *title = g_markup_escape_text (name, -1);
  row->name = g_strdup (name);
  row->value = value && JSON_NODE_HOLDS_OBJECT (value) ? json_node_copy (value)
                                                        : json_node_init_object (json_node_alloc (), json_object_new ());
  latency = number_text (json_node_get_object (row->value), "latency_ms");
  loss = number_text (json_node_get_object (row->value), "loss_pct");
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "at most %s ms and %s %% loss · %u demand", "at most %s ms and %s %% loss · %u demands", users),
                              latency, loss, users);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  set_text (row->name_row, name);
  set_text (row->latency_row, latency);
  set_text (row->loss_row, loss);
  return GTK_WIDGET (row);
}

const char *
rw_sla_class_row_get_name (RwSlaClassRow *row)
{
  return row->name;
}

AdwEntryRow *
rw_sla_class_row_get_field (RwSlaClassRow *row, const char *key)
{
  return g_str_equal (key, "name") ? row->name_row : g_str_equal (key, "latency_ms") ? row->latency_row : row->loss_row;
}
