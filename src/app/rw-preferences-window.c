/* rw-preferences-window.c — every control is bound to its GSettings key.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-preferences-window.h"

struct _RwPreferencesWindow {
  AdwPreferencesWindow parent_instance;
  GSettings *settings;
  AdwComboRow *mode_row;
  GtkSpinButton *tick_interval, *t1_confidence, *t1_blast, *t2_confidence, *t2_blast, *t2_timeout, *cost_weight;
  AdwEntryRow *llm_endpoint, *llm_model;
};

G_DEFINE_FINAL_TYPE (RwPreferencesWindow, rw_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
mode_get (GValue *value, GVariant *variant, gpointer data)
{
  const char *nick = g_variant_get_string (variant, NULL);
  g_value_set_uint (value, g_str_equal (nick, "shadow") ? 0 : g_str_equal (nick, "autonomous") ? 2 : 1);
  return TRUE;
}

static GVariant *
mode_set (const GValue *value, const GVariantType *type, gpointer data)
{
  static const char *nicks[] = { "shadow", "supervised", "autonomous" };
  return g_variant_new_string (nicks[MIN (g_value_get_uint (value), 2)]);
}

static void
rw_preferences_window_finalize (GObject *object)
{
  g_clear_object (&RW_PREFERENCES_WINDOW (object)->settings);
  G_OBJECT_CLASS (rw_preferences_window_parent_class)->finalize (object);
}

static void
rw_preferences_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (rw_preferences_window_parent_class)->dispose (object);
}

static void
rw_preferences_window_class_init (RwPreferencesWindowClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = rw_preferences_window_finalize;
  G_OBJECT_CLASS (klass)->dispose = rw_preferences_window_dispose;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-preferences.ui");
  gtk_widget_class_bind_template_child (wc, RwPreferencesWindow, mode_row);
  gtk_widget_class_bind_template_child (wc, RwPreferencesWindow, tick_interval);
  gtk_widget_class_bind_template_child (wc, RwPreferencesWindow, t1_confidence);
  gtk_widget_class_bind_template_child (wc, RwPreferencesWindow, t1_blast);
  gtk_widget_class_bind_template_child (wc, RwPreferencesWindow, t2_confidence);
  gtk_widget_class_bind_template_child (wc, RwPreferencesWindow, t2_blast);
  gtk_widget_class_bind_template_child (wc, RwPreferencesWindow, t2_timeout);
  gtk_widget_class_bind_template_child (wc, RwPreferencesWindow, cost_weight);
  gtk_widget_class_bind_template_child (wc, RwPreferencesWindow, llm_endpoint);
  gtk_widget_class_bind_template_child (wc, RwPreferencesWindow, llm_model);
}

static void
rw_preferences_window_init (RwPreferencesWindow *w)
{
  gtk_widget_init_template (GTK_WIDGET (w));
}

GtkWidget *
rw_preferences_window_new (GtkWindow *parent, GSettings *settings)
{
  RwPreferencesWindow *w = g_object_new (RW_TYPE_PREFERENCES_WINDOW, "transient-for", parent, "modal", TRUE, NULL);
  static const struct { const char *key; gsize offset; } spins[] = {
    { "tick-interval-ms", G_STRUCT_OFFSET (RwPreferencesWindow, tick_interval) },
    { "t1-confidence", G_STRUCT_OFFSET (RwPreferencesWindow, t1_confidence) },
    { "t1-blast-radius", G_STRUCT_OFFSET (RwPreferencesWindow, t1_blast) },
    { "t2-confidence", G_STRUCT_OFFSET (RwPreferencesWindow, t2_confidence) },
    { "t2-blast-radius", G_STRUCT_OFFSET (RwPreferencesWindow, t2_blast) },
    { "t2-timeout-ticks", G_STRUCT_OFFSET (RwPreferencesWindow, t2_timeout) },
    { "cost-weight", G_STRUCT_OFFSET (RwPreferencesWindow, cost_weight) },
  };
  w->settings = g_object_ref (settings);
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    {
      GtkSpinButton *spin = G_STRUCT_MEMBER (GtkSpinButton *, w, spins[i].offset);
      g_settings_bind (settings, spins[i].key, gtk_spin_button_get_adjustment (spin), "value", G_SETTINGS_BIND_DEFAULT);
    }
  g_settings_bind_with_mapping (settings, "default-mode", w->mode_row, "selected", G_SETTINGS_BIND_DEFAULT, mode_get, mode_set,
                                NULL, NULL);
  g_settings_bind (settings, "llm-endpoint", w->llm_endpoint, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "llm-model", w->llm_model, "text", G_SETTINGS_BIND_DEFAULT);
  return GTK_WIDGET (w);
}
