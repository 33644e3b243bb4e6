/* rw-prefix-row.c — one originated prefix, edited through the document.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-prefix-row.h"

#include <glib/gi18n.h>

struct _RwPrefixRow {
  AdwExpanderRow parent_instance;
  GtkButton *remove_button;
  AdwComboRow *origin_row;
  AdwEntryRow *med_row, *communities_row;
  RwDocument *doc;
  char *node, *prefix;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (RwPrefixRow, rw_prefix_row, ADW_TYPE_EXPANDER_ROW)

enum { EDIT_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const origins[] = { "igp", "egp", "incomplete" };

static gboolean
set_med (JsonObject *o, const char *med, GError **error)
{
  g_autofree char *m = g_strstrip (g_strdup (med ? med : ""));
  char *end = NULL;
  guint64 v;
  if (*m == '\0')
    {
      json_object_set_null_member (o, "med");
      return TRUE;
    }
  v = g_ascii_strtoull (m, &end, 10);
  if (!g_ascii_isdigit (*m) || *end != '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("MED: “%s” is not a whole number"), m);
      return FALSE;
    }
  json_object_set_int_member (o, "med", (gint64) MIN (v, (guint64) G_MAXINT64));
  return TRUE;
}

static void
set_communities (JsonObject *o, const char *communities)
{
  g_auto(GStrv) parts = g_strsplit_set (communities ? communities : "", ", \t", -1);
  JsonArray *list = json_array_new ();
  for (guint i = 0; parts[i]; i++)
    if (*parts[i])
      json_array_add_string_element (list, parts[i]);
  json_object_set_array_member (o, "communities", list);
}

gboolean
_rw_prefix_fields_to_json (JsonObject *o, guint origin, const char *med, const char *communities, GError **error)
{
  json_object_set_string_member (o, "origin", origins[MIN (origin, G_N_ELEMENTS (origins) - 1)]);
  set_communities (o, communities);
  return set_med (o, med, error);
}

/* One field changed, the others as the document has them. */
static void
edit (RwPrefixRow *row, GtkWidget *field)
{
  gint i;
  g_autofree char *path = NULL, *before = NULL, *after = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *o;
  if (row->loading || (i = rw_document_find_prefix (row->doc, row->prefix, row->node)) < 0)
    return;
  path = g_strdup_printf ("prefixes[%d]", i);
  node = rw_document_dup_json (row->doc, path);
  if (node == NULL)
    return;
  before = json_to_string (node, FALSE);
  o = json_node_get_object (node);
  if (field == GTK_WIDGET (row->origin_row))
    json_object_set_string_member (o, "origin", origins[MIN (adw_combo_row_get_selected (row->origin_row), G_N_ELEMENTS (origins) - 1)]);
  else if (field == GTK_WIDGET (row->communities_row))
    set_communities (o, gtk_editable_get_text (GTK_EDITABLE (row->communities_row)));
  if (field == GTK_WIDGET (row->med_row) && !set_med (o, gtk_editable_get_text (GTK_EDITABLE (row->med_row)), &error))
    {
      gtk_widget_add_css_class (field, "error");
      g_signal_emit (row, signals[EDIT_FAILED], 0, error->message);
      return;
    }
  /* the value the document has already is no edit (and no undo step) */
  after = json_to_string (node, FALSE);
  if (g_strcmp0 (before, after) == 0)
    return;
  if (!rw_document_replace_json (row->doc, path, node, &error))
    {
      gtk_widget_add_css_class (field, "error");
      g_signal_emit (row, signals[EDIT_FAILED], 0, error->message);
    }
}

static void
on_apply (RwPrefixRow *row, AdwEntryRow *entry)
{
  edit (row, GTK_WIDGET (entry));
}

static void
on_origin_selected (AdwComboRow *combo, GParamSpec *pspec, RwPrefixRow *row)
{
  edit (row, GTK_WIDGET (combo));
}

static void
rw_prefix_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_PREFIX_ROW);
  G_OBJECT_CLASS (rw_prefix_row_parent_class)->dispose (object);
}

static void
rw_prefix_row_finalize (GObject *object)
{
  RwPrefixRow *row = RW_PREFIX_ROW (object);
  g_clear_object (&row->doc);
  g_free (row->node);
  g_free (row->prefix);
  G_OBJECT_CLASS (rw_prefix_row_parent_class)->finalize (object);
}

static void
rw_prefix_row_class_init (RwPrefixRowClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_prefix_row_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_prefix_row_finalize;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-prefix-row.ui");
  gtk_widget_class_bind_template_child (wc, RwPrefixRow, remove_button);
  gtk_widget_class_bind_template_child (wc, RwPrefixRow, origin_row);
  gtk_widget_class_bind_template_child (wc, RwPrefixRow, med_row);
  gtk_widget_class_bind_template_child (wc, RwPrefixRow, communities_row);
  gtk_widget_class_bind_template_callback (wc, on_apply);
  /* (message): a change was refused; the document is unchanged */
  signals[EDIT_FAILED] = g_signal_new ("edit-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
rw_prefix_row_init (RwPrefixRow *row)
{
  gtk_widget_init_template (GTK_WIDGET (row));
}

GtkWidget *
rw_prefix_row_new (RwDocument *doc, const char *node, const char *prefix)
{
  RwPrefixRow *row = g_object_new (RW_TYPE_PREFIX_ROW, NULL);
  gint i = rw_document_find_prefix (doc, prefix, node);
  const RwOrigination *o;
  GString *comms = g_string_new (NULL);
  g_autofree char *med = NULL, *subtitle = NULL, *comm_text = NULL;
  row->doc = g_object_ref (doc);
  row->node = g_strdup (node);
  row->prefix = g_strdup (prefix);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), prefix);
  g_return_val_if_fail (i >= 0, GTK_WIDGET (row));
  o = rw_document_get_topology (doc)->prefixes->pdata[i];
  row->loading = TRUE;
  for (guint k = 0; o->communities && k < o->communities->len; k++)
    {
      g_autofree char *c = rw_community_to_string (g_array_index (o->communities, guint32, k));
      g_string_append_printf (comms, "%s%s", k ? ", " : "", c);
    }
  comm_text = g_string_free (comms, FALSE);
  med = o->has_med ? g_strdup_printf ("%u", o->med) : g_strdup ("");
  adw_combo_row_set_selected (row->origin_row, o->origin < G_N_ELEMENTS (origins) ? o->origin : 0);
  gtk_editable_set_text (GTK_EDITABLE (row->med_row), med);
  gtk_editable_set_text (GTK_EDITABLE (row->communities_row), comm_text);
  /* Translators: origin attribute, MED, communities of an originated prefix */
  subtitle = g_strdup_printf (_("origin %s · MED %s · %s"), origins[o->origin < G_N_ELEMENTS (origins) ? o->origin : 0],
                              o->has_med ? med : "–", *comm_text ? comm_text : _("no communities"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row->remove_button), "s", prefix);
  g_signal_connect (row->origin_row, "notify::selected", G_CALLBACK (on_origin_selected), row);
  row->loading = FALSE;
  return GTK_WIDGET (row);
}

const char *
rw_prefix_row_get_prefix (RwPrefixRow *row)
{
  return row->prefix;
}
