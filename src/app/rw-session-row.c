/* rw-session-row.c — a router's end of one BGP session, edited through the document.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-session-row.h"

#include <glib/gi18n.h>

struct _RwSessionRow {
  AdwExpanderRow parent_instance;
  GtkButton *remove_button;
  AdwComboRow *import_row, *export_row;
  AdwEntryRow *weight_row;
  AdwActionRow *rr_row;
  GtkSwitch *rr_switch, *up_switch;
  RwDocument *doc;
  char *node, *peer;
  GtkStringList *imports, *exports;  /* "none", then the topology's policies */
  gboolean loading;                   /* widgets being filled from the document: no edits */
};

G_DEFINE_FINAL_TYPE (RwSessionRow, rw_session_row, ADW_TYPE_EXPANDER_ROW)

enum { EDIT_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The session's JSON and its path ("sessions[3]"), or NULL when it is gone. */
static JsonNode *
session_json (RwSessionRow *row, char **path)
{
  gint i = rw_document_find_session (row->doc, row->node, row->peer);
  if (i < 0)
    return NULL;
  *path = g_strdup_printf ("sessions[%d]", i);
  return rw_document_dup_json (row->doc, *path);
}

/* This router's end of the session (created when the file has none). */
static JsonObject *
own_end (JsonObject *session, const char *node)
{
  JsonObject *ends;
  if (!json_object_has_member (session, "ends") || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (session, "ends")))
    json_object_set_object_member (session, "ends", json_object_new ());
  ends = json_object_get_object_member (session, "ends");
  if (!json_object_has_member (ends, node) || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (ends, node)))
    json_object_set_object_member (ends, node, json_object_new ());
  return json_object_get_object_member (ends, node);
}

/* This router's end as the document has it now, or NULL. A widget set back to the document's
 * value (a refusal's revert can arrive after the refusal) is no edit. */
static const RwSessionEnd *
current_end (RwSessionRow *row, const RwSession **session)
{
  RwSession *s = rw_topology_find_session (rw_document_get_topology (row->doc), row->node, row->peer);
  *session = s;
  return s ? rw_session_end_for (s, row->node) : NULL;
}

static void
fail (RwSessionRow *row, GtkWidget *where, const char *message)
{
  if (where)
    gtk_widget_add_css_class (where, "error");
  g_signal_emit (row, signals[EDIT_FAILED], 0, message);
}

/* After a refused change: the route-maps and switches show the document's values again (a
 * typed weight stays, marked, for the user to correct). */
static void
revert (RwSessionRow *row)
{
  const RwTopology *t = rw_document_get_topology (row->doc);
  RwSession *s = rw_topology_find_session (t, row->node, row->peer);
  const RwSessionEnd *end;
  guint sel_import = 0, sel_export = 0;
  if (s == NULL)
    return;
  end = rw_session_end_for (s, row->node);
  for (guint i = 0; i < t->policies->len; i++)
    {
      const char *name = ((RwPolicy *) t->policies->pdata[i])->name;
      if (g_strcmp0 (name, end->import) == 0)
        sel_import = i + 1;
      if (g_strcmp0 (name, end->export) == 0)
        sel_export = i + 1;
    }
  row->loading = TRUE;
  adw_combo_row_set_selected (row->import_row, sel_import);
  adw_combo_row_set_selected (row->export_row, sel_export);
  gtk_switch_set_active (row->rr_switch, end->rr_client);
  gtk_switch_set_active (row->up_switch, s->up);
  row->loading = FALSE;
}

/* Sets (or with @value NULL removes) @key at this router's end, or of the session itself when
 * @session_wide; one undo step. Nothing of the row is touched after an accepted edit: the
 * editor rebuilds its rows from the document. */
static void
edit (RwSessionRow *row, const char *key, JsonNode *value, gboolean session_wide, GtkWidget *where)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *target;
  if (row->loading)
    {
      g_clear_pointer (&value, json_node_unref);
      return;
    }
  node = session_json (row, &path);
  if (node == NULL)
    {
      g_clear_pointer (&value, json_node_unref);
      return;
    }
  target = session_wide ? json_node_get_object (node) : own_end (json_node_get_object (node), row->node);
  if (value)
    json_object_set_member (target, key, value);
  else if (json_object_has_member (target, key))
    json_object_remove_member (target, key);
  if (!rw_document_replace_json (row->doc, path, node, &error))
    {
      revert (row);
      fail (row, where, error->message);
    }
}

static void
on_policy_selected (AdwComboRow *combo, GParamSpec *pspec, RwSessionRow *row)
{
  guint i = adw_combo_row_get_selected (combo);
  GtkStringList *names = combo == row->import_row ? row->imports : row->exports;
  const char *key = combo == row->import_row ? "import" : "export";
  JsonNode *value = NULL;
  const RwSession *s;
  const RwSessionEnd *end = current_end (row, &s);
  if (i == GTK_INVALID_LIST_POSITION || end == NULL ||
      g_strcmp0 (i > 0 ? gtk_string_list_get_string (names, i) : NULL, combo == row->import_row ? end->import : end->export) == 0)
    return;
  if (i > 0)
    {
      value = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (value, gtk_string_list_get_string (names, i));
    }
  edit (row, key, value, FALSE, GTK_WIDGET (combo));
}

static void
on_weight_apply (RwSessionRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row->weight_row));
  char *end = NULL;
  gint64 v = g_ascii_strtoll (text, &end, 10);
  JsonNode *value;
  if (*text == '\0' || end == NULL || *end != '\0')
    {
      g_autofree char *msg = g_strdup_printf (_("Weight at %s: “%s” is not a whole number"), row->node, text);
      fail (row, GTK_WIDGET (row->weight_row), msg);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row->weight_row), "error");
  {
    const RwSession *s;
    const RwSessionEnd *now = current_end (row, &s);
    if (now == NULL || now->weight == v)
      return;
  }
  value = json_node_new (JSON_NODE_VALUE);
  json_node_set_int (value, v);
  edit (row, "weight", value, FALSE, GTK_WIDGET (row->weight_row));
}

static JsonNode *
boolean_node (gboolean v)
{
  JsonNode *n = json_node_new (JSON_NODE_VALUE);
  json_node_set_boolean (n, v);
  return n;
}

static void
on_rr_toggled (RwSessionRow *row)
{
  gboolean on = gtk_switch_get_active (row->rr_switch);
  const RwSession *s;
  const RwSessionEnd *end = current_end (row, &s);
  if (end == NULL || end->rr_client == on)
    return;
  edit (row, "rr_client", on ? boolean_node (TRUE) : NULL, FALSE, GTK_WIDGET (row->rr_switch));
}

static void
on_up_toggled (RwSessionRow *row)
{
  const RwSession *s;
  if (current_end (row, &s) == NULL || s->up == gtk_switch_get_active (row->up_switch))
    return;
  edit (row, "up", boolean_node (gtk_switch_get_active (row->up_switch)), TRUE, GTK_WIDGET (row->up_switch));
}

static void
rw_session_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_SESSION_ROW);
  G_OBJECT_CLASS (rw_session_row_parent_class)->dispose (object);
}

static void
rw_session_row_finalize (GObject *object)
{
  RwSessionRow *row = RW_SESSION_ROW (object);
  g_clear_object (&row->doc);
  g_clear_object (&row->imports);
  g_clear_object (&row->exports);
  g_free (row->node);
  g_free (row->peer);
  G_OBJECT_CLASS (rw_session_row_parent_class)->finalize (object);
}

static void
rw_session_row_class_init (RwSessionRowClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_session_row_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_session_row_finalize;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-session-row.ui");
  gtk_widget_class_bind_template_child (wc, RwSessionRow, remove_button);
  gtk_widget_class_bind_template_child (wc, RwSessionRow, import_row);
  gtk_widget_class_bind_template_child (wc, RwSessionRow, export_row);
  gtk_widget_class_bind_template_child (wc, RwSessionRow, weight_row);
  gtk_widget_class_bind_template_child (wc, RwSessionRow, rr_row);
  gtk_widget_class_bind_template_child (wc, RwSessionRow, rr_switch);
  gtk_widget_class_bind_template_child (wc, RwSessionRow, up_switch);
  gtk_widget_class_bind_template_callback (wc, on_weight_apply);
  gtk_widget_class_bind_template_callback (wc, on_rr_toggled);
  gtk_widget_class_bind_template_callback (wc, on_up_toggled);
  /* (message): a change was refused; the document is unchanged */
  signals[EDIT_FAILED] = g_signal_new ("edit-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
rw_session_row_init (RwSessionRow *row)
{
  gtk_widget_init_template (GTK_WIDGET (row));
}

static GtkStringList *
policy_names (const RwTopology *t, const char *none, const char *current, guint *selected)
{
  GtkStringList *list = gtk_string_list_new (NULL);
  gtk_string_list_append (list, none);
  *selected = 0;
  for (guint i = 0; i < t->policies->len; i++)
    {
      const RwPolicy *p = t->policies->pdata[i];
      gtk_string_list_append (list, p->name);
      if (g_strcmp0 (p->name, current) == 0)
        *selected = i + 1;
    }
  return list;
}

GtkWidget *
rw_session_row_new (RwDocument *doc, const char *node, const char *peer)
{
  RwSessionRow *row = g_object_new (RW_TYPE_SESSION_ROW, NULL);
  const RwTopology *t = rw_document_get_topology (doc);
  RwSession *s = rw_topology_find_session (t, node, peer);
  const RwSessionEnd *end;
  g_autofree char *weight = NULL, *subtitle = NULL, *title = NULL;
  const RwNode *p = rw_topology_find_node (t, peer);
  guint sel_import, sel_export;
  gboolean ebgp;
  g_return_val_if_fail (s != NULL && p != NULL, GTK_WIDGET (row));
  row->doc = g_object_ref (doc);
  row->node = g_strdup (node);
  row->peer = g_strdup (peer);
  row->loading = TRUE;
  end = rw_session_end_for (s, node);
  ebgp = rw_session_is_ebgp (t, s);
  title = p->label ? g_strdup_printf ("%s (%s)", peer, p->label) : p->hostname ? g_strdup_printf ("%s (%s)", peer, p->hostname) : g_strdup (peer);
  /* Translators: a session's summary: type, state, import and export route-maps */
  subtitle = g_strdup_printf (_("%s · %s · in: %s · out: %s"), ebgp ? "eBGP" : "iBGP", s->up ? _("up") : _("shut down"),
                              end->import ? end->import : _("all"), end->export ? end->export : _("all"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  row->imports = policy_names (t, _("None (accept all)"), end->import, &sel_import);
  row->exports = policy_names (t, _("None (send all)"), end->export, &sel_export);
  adw_combo_row_set_model (row->import_row, G_LIST_MODEL (row->imports));
  adw_combo_row_set_model (row->export_row, G_LIST_MODEL (row->exports));
  adw_combo_row_set_selected (row->import_row, sel_import);
  adw_combo_row_set_selected (row->export_row, sel_export);
  g_signal_connect (row->import_row, "notify::selected", G_CALLBACK (on_policy_selected), row);
  g_signal_connect (row->export_row, "notify::selected", G_CALLBACK (on_policy_selected), row);
  weight = g_strdup_printf ("%d", end->weight);
  gtk_editable_set_text (GTK_EDITABLE (row->weight_row), weight);
  gtk_switch_set_active (row->rr_switch, end->rr_client);
  /* reflection is iBGP only; a stray flag stays visible so it can be switched off */
  gtk_widget_set_sensitive (GTK_WIDGET (row->rr_row), !ebgp || end->rr_client);
  gtk_switch_set_active (row->up_switch, s->up);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row->remove_button), "s", peer);
  row->loading = FALSE;
  return GTK_WIDGET (row);
}

const char *
rw_session_row_get_peer (RwSessionRow *row)
{
  return row->peer;
}
