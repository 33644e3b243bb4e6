/* rw-router-editor.c — one router or ISP and its sessions, edited through the document.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-router-editor.h"
#include "rw-window.h"

#include <glib/gi18n.h>
#include <string.h>

struct _RwRouterEditor {
  AdwPreferencesWindow parent_instance;
  GtkWidget *error_group;
  GtkLabel *error_label;
  AdwEntryRow *id_row, *hostname_row, *label_row, *asn_row, *router_id_row;
  AdwComboRow *role_row;
  AdwActionRow *prefixes_row;
  GtkMenuButton *add_ibgp_button;
  GtkListBox *sessions_list;
  RwDocument *doc;
  char *node;
  gint index;                 /* where the node is in the file: an undone rename keeps it */
  GListStore *peers;          /* GtkStringObject: the other end of each session */
  GMenu *ibgp_menu;
  char *expanded_peer;        /* the session row left open, opened again after a rebuild */
  char *error;
  guint rebuild_id;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (RwRouterEditor, rw_router_editor, ADW_TYPE_PREFERENCES_WINDOW)

static void schedule_rebuild (RwRouterEditor *self);

static const RwNode *
current_node (RwRouterEditor *self)
{
  const RwTopology *t = rw_document_get_topology (self->doc);
  const RwNode *n = rw_topology_find_node (t, self->node);
  if (n == NULL && self->index >= 0 && (guint) self->index < t->nodes->len)
    {
      /* renamed by an undo or redo: the node at the same place in the file is the one edited */
      n = t->nodes->pdata[self->index];
      g_free (self->node);
      self->node = g_strdup (n->id);
    }
  return n;
}

static void clear_error (RwRouterEditor *self);

/* The newest refusal only: its message, and the error style on the row it concerns. */
static void
show_error (RwRouterEditor *self, GtkWidget *where, const char *message)
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
clear_error (RwRouterEditor *self)
{
  GtkWidget *rows[] = { GTK_WIDGET (self->id_row), GTK_WIDGET (self->hostname_row), GTK_WIDGET (self->label_row),
                        GTK_WIDGET (self->asn_row), GTK_WIDGET (self->router_id_row), GTK_WIDGET (self->role_row) };
  g_clear_pointer (&self->error, g_free);
  gtk_widget_set_visible (self->error_group, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_remove_css_class (rows[i], "error");
}

/* Sets (@value, taken) or removes (@value NULL) @key of the node's JSON: one undo step. */
static gboolean
edit_node (RwRouterEditor *self, const char *key, JsonNode *value, GtkWidget *where)
{
  g_autofree char *path = NULL, *before = NULL, *after = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) owned = value;
  JsonObject *o;
  if (self->loading || current_node (self) == NULL)
    return FALSE;
  path = g_strdup_printf ("nodes[%d]", rw_document_find_node (self->doc, self->node));
  node = rw_document_dup_json (self->doc, path);
  if (node == NULL)
    return FALSE;
  before = json_to_string (node, FALSE);
  o = json_node_get_object (node);
  if (owned)
    json_object_set_member (o, key, g_steal_pointer (&owned));
  else if (json_object_has_member (o, key))
    json_object_remove_member (o, key);
  after = json_to_string (node, FALSE);
  if (g_strcmp0 (before, after) == 0)
    {
      clear_error (self); /* the value the document has: nothing to change */
      return TRUE;
    }
  if (!rw_document_replace_json (self->doc, path, node, &error))
    {
      show_error (self, where, error->message);
      return FALSE;
    }
  clear_error (self);
  return TRUE;
}

static JsonNode *
string_node (const char *s)
{
  JsonNode *n = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (n, s);
  return n;
}

static void
on_id_apply (RwRouterEditor *self, AdwEntryRow *row)
{
  g_autofree char *id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GError) error = NULL;
  g_autofree char *old = g_strdup (self->node);
  if (current_node (self) == NULL)
    return;
  if (!rw_document_rename_node (self->doc, old, id, &error))
    {
      show_error (self, GTK_WIDGET (row), error->message);
      return;
    }
  g_free (self->node);
  self->node = g_steal_pointer (&id);
  clear_error (self);
}

/* Hostname, label and router id: text as the file has it; an empty hostname or label is none. */
static void
on_text_apply (RwRouterEditor *self, AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  const char *key = row == self->hostname_row ? "hostname" : row == self->label_row ? "label" : "router_id";
  edit_node (self, key, *text || row == self->router_id_row ? string_node (text) : NULL, GTK_WIDGET (row));
}

static void
on_asn_apply (RwRouterEditor *self, AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  char *end = NULL;
  guint64 asn;
  JsonNode *value;
  /* "AS65001" and "65001" alike; the loader checks the range */
  const char *digits = g_ascii_strncasecmp (text, "AS", 2) == 0 ? text + 2 : text;
  asn = g_ascii_strtoull (digits, &end, 10);
  if (*digits == '\0' || *end != '\0' || !g_ascii_isdigit (*digits))
    {
      g_autofree char *msg = g_strdup_printf (_("AS number of %s: “%s” is not a number"), self->node, text);
      show_error (self, GTK_WIDGET (row), msg);
      return;
    }
  value = json_node_new (JSON_NODE_VALUE);
  json_node_set_int (value, (gint64) MIN (asn, (guint64) G_MAXINT64));
  edit_node (self, "asn", value, GTK_WIDGET (row));
}

static void
on_role_selected (AdwComboRow *combo, GParamSpec *pspec, RwRouterEditor *self)
{
  guint i = adw_combo_row_get_selected (combo);
  const RwNode *n;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  RwNodeRole role = (RwNodeRole) i;
  if (self->loading || i > RW_ROLE_INTERNET || (n = current_node (self)) == NULL || n->role == role)
    return;
  /* the kind follows the role: ISPs and internet destinations are outside our network */
  path = g_strdup_printf ("nodes[%d]", rw_document_find_node (self->doc, self->node));
  node = rw_document_dup_json (self->doc, path);
  json_object_set_string_member (json_node_get_object (node), "role", rw_node_role_to_string (role));
  json_object_set_string_member (json_node_get_object (node), "kind",
                                 rw_node_kind_to_string (role == RW_ROLE_ISP || role == RW_ROLE_INTERNET ? RW_NODE_EXTERNAL : RW_NODE_ROUTER));
  if (!rw_document_replace_json (self->doc, path, node, &error))
    {
      show_error (self, GTK_WIDGET (combo), error->message);
      schedule_rebuild (self);
    }
  else
    clear_error (self);
}

static void
on_session_edit_failed (RwSessionRow *row, const char *message, RwRouterEditor *self)
{
  show_error (self, NULL, message);
}

static void
on_row_expanded (AdwExpanderRow *row, GParamSpec *pspec, RwRouterEditor *self)
{
  const char *peer = rw_session_row_get_peer (RW_SESSION_ROW (row));
  if (adw_expander_row_get_expanded (row))
    {
      g_free (self->expanded_peer);
      self->expanded_peer = g_strdup (peer);
    }
  else if (g_strcmp0 (self->expanded_peer, peer) == 0)
    g_clear_pointer (&self->expanded_peer, g_free);
}

static GtkWidget *
create_session_row (gpointer item, gpointer data)
{
  RwRouterEditor *self = data;
  const char *peer = gtk_string_object_get_string (item);
  GtkWidget *row = rw_session_row_new (self->doc, self->node, peer);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), g_strcmp0 (peer, self->expanded_peer) == 0);
  g_signal_connect (row, "edit-failed", G_CALLBACK (on_session_edit_failed), self);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (on_row_expanded), self);
  return row;
}

/* The document's value; not a change of the user's, so no apply button for it. */
static void
set_entry (AdwEntryRow *row, const char *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text ? text : "") == 0)
    return;
  adw_entry_row_set_show_apply_button (row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  adw_entry_row_set_show_apply_button (row, TRUE);
}

/* Everything shown, from the document. */
static void
rebuild (RwRouterEditor *self)
{
  const RwTopology *t = rw_document_get_topology (self->doc);
  const RwNode *n = current_node (self);
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *title = NULL, *asn = NULL, *rid = NULL, *count = NULL;
  guint n_prefixes = 0;
  if (n == NULL)
    {
      gtk_window_destroy (GTK_WINDOW (self)); /* the node was deleted */
      return;
    }
  self->index = rw_document_find_node (self->doc, n->id);
  self->loading = TRUE;
  title = g_strdup_printf (n->kind == RW_NODE_ROUTER ? _("Router %s") : _("External Node %s"), n->id);
  gtk_window_set_title (GTK_WINDOW (self), title);
  set_entry (self->id_row, n->id);
  set_entry (self->hostname_row, n->hostname);
  set_entry (self->label_row, n->label);
  asn = g_strdup_printf ("%u", n->asn);
  set_entry (self->asn_row, asn);
  rid = rw_ipv4_to_string (n->router_id);
  set_entry (self->router_id_row, rid);
  adw_combo_row_set_selected (self->role_row, n->role);
  for (guint i = 0; i < t->prefixes->len; i++)
    n_prefixes += g_strcmp0 (((RwOrigination *) t->prefixes->pdata[i])->origin_node, n->id) == 0;
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u prefix", "%u prefixes", n_prefixes), n_prefixes);
  adw_action_row_set_subtitle (self->prefixes_row, count);

  for (guint i = 0; i < t->sessions->len; i++)
    {
      const RwSession *s = t->sessions->pdata[i];
      if (g_strcmp0 (s->a, n->id) == 0 || g_strcmp0 (s->b, n->id) == 0)
        g_ptr_array_add (peers, gtk_string_object_new (g_strcmp0 (s->a, n->id) == 0 ? s->b : s->a));
    }
  g_list_store_splice (self->peers, 0, g_list_model_get_n_items (G_LIST_MODEL (self->peers)), peers->pdata, peers->len);

  /* iBGP needs no link: any router of the same AS without a session to this one */
  g_menu_remove_all (self->ibgp_menu);
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *p = t->nodes->pdata[i];
      g_autoptr(GMenuItem) item = NULL;
      g_autofree char *label = NULL;
      if (p == n || p->asn != n->asn || rw_topology_find_session (t, n->id, p->id))
        continue;
      label = p->hostname ? g_strdup_printf ("%s (%s)", p->id, p->hostname) : g_strdup (p->id);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "editor.add-ibgp", g_variant_new_string (p->id));
      g_menu_append_item (self->ibgp_menu, item);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_ibgp_button), g_menu_model_get_n_items (G_MENU_MODEL (self->ibgp_menu)) > 0);
  self->loading = FALSE;
}

static gboolean
rebuild_idle (gpointer data)
{
  RwRouterEditor *self = data;
  self->rebuild_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* Rows are rebuilt after the edit that changed the document, not inside its handlers. */
static void
schedule_rebuild (RwRouterEditor *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_full (G_PRIORITY_DEFAULT, rebuild_idle, self, NULL); /* before the run's updates */
}

/* Any accepted change (here, on the canvas, an undo) makes an old refusal moot. */
static void
on_doc_changed (RwDocument *doc, RwRouterEditor *self)
{
  clear_error (self);
  schedule_rebuild (self);
}

static void
action_add_ibgp (GtkWidget *w, const char *name, GVariant *param)
{
  RwRouterEditor *self = RW_ROUTER_EDITOR (w);
  const RwTopology *t = rw_document_get_topology (self->doc);
  const char *peer = g_variant_get_string (param, NULL);
  const RwNode *n = current_node (self), *p = rw_topology_find_node (t, peer);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) session = NULL;
  g_autoptr(GError) error = NULL;
  if (n == NULL)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "a");
  json_builder_add_string_value (b, n->id);
  json_builder_set_member_name (b, "b");
  json_builder_add_string_value (b, peer);
  json_builder_set_member_name (b, "up");
  json_builder_add_boolean_value (b, TRUE);
  /* a session to a route reflector makes this router its client, and the other way round */
  if (p && (p->role == RW_ROLE_REFLECTOR) != (n->role == RW_ROLE_REFLECTOR) && p->asn == n->asn)
    {
      json_builder_set_member_name (b, "ends");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, p->role == RW_ROLE_REFLECTOR ? peer : n->id);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "rr_client");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  session = json_builder_get_root (b);
  if (!rw_document_add_session (self->doc, session, &error))
    {
      show_error (self, NULL, error->message);
      return;
    }
  g_free (self->expanded_peer);
  self->expanded_peer = g_strdup (peer);
  clear_error (self);
}

static void
action_remove_session (GtkWidget *w, const char *name, GVariant *param)
{
  RwRouterEditor *self = RW_ROUTER_EDITOR (w);
  g_autoptr(GError) error = NULL;
  if (!rw_document_remove_session (self->doc, self->node, g_variant_get_string (param, NULL), &error))
    show_error (self, NULL, error->message);
  else
    clear_error (self);
}

/* The other editors and tables are the main window's. */
static void
open_in_main_window (RwRouterEditor *self, const char *action)
{
  GtkWindow *main = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (main)
    gtk_widget_activate_action (GTK_WIDGET (main), action, "s", self->node);
}

static void
on_prefixes_activated (RwRouterEditor *self)
{
  open_in_main_window (self, "win.edit-prefixes");
}

static void
on_bgp_table_activated (RwRouterEditor *self)
{
  open_in_main_window (self, "win.bgp-table");
}

static void
rw_router_editor_dispose (GObject *object)
{
  RwRouterEditor *self = RW_ROUTER_EDITOR (object);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->doc)
    g_signal_handlers_disconnect_by_data (self->doc, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_ROUTER_EDITOR);
  G_OBJECT_CLASS (rw_router_editor_parent_class)->dispose (object);
}

static void
rw_router_editor_finalize (GObject *object)
{
  RwRouterEditor *self = RW_ROUTER_EDITOR (object);
  g_clear_object (&self->doc);
  g_clear_object (&self->peers);
  g_clear_object (&self->ibgp_menu);
  g_free (self->node);
  g_free (self->expanded_peer);
  g_free (self->error);
  G_OBJECT_CLASS (rw_router_editor_parent_class)->finalize (object);
}

static void
rw_router_editor_class_init (RwRouterEditorClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_router_editor_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_router_editor_finalize;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-router-editor.ui");
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, error_group);
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, error_label);
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, id_row);
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, hostname_row);
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, label_row);
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, role_row);
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, asn_row);
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, router_id_row);
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, prefixes_row);
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, add_ibgp_button);
  gtk_widget_class_bind_template_child (wc, RwRouterEditor, sessions_list);
  gtk_widget_class_bind_template_callback (wc, on_id_apply);
  gtk_widget_class_bind_template_callback (wc, on_text_apply);
  gtk_widget_class_bind_template_callback (wc, on_asn_apply);
  gtk_widget_class_bind_template_callback (wc, on_prefixes_activated);
  gtk_widget_class_bind_template_callback (wc, on_bgp_table_activated);
  gtk_widget_class_install_action (wc, "editor.add-ibgp", "s", action_add_ibgp);
  gtk_widget_class_install_action (wc, "editor.remove-session", "s", action_remove_session);
  rw_window_class_add_editor_history (wc);
}

static void
rw_router_editor_init (RwRouterEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->index = -1;
  self->peers = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  self->ibgp_menu = g_menu_new ();
  gtk_menu_button_set_menu_model (self->add_ibgp_button, G_MENU_MODEL (self->ibgp_menu));
  gtk_list_box_bind_model (self->sessions_list, G_LIST_MODEL (self->peers), create_session_row, self, NULL);
  g_signal_connect (self->role_row, "notify::selected", G_CALLBACK (on_role_selected), self);
}

GtkWidget *
rw_router_editor_new (GtkWindow *parent, RwDocument *doc, const char *node)
{
  RwRouterEditor *self = g_object_new (RW_TYPE_ROUTER_EDITOR, "transient-for", parent, NULL);
  self->doc = g_object_ref (doc);
  g_signal_connect (doc, "changed", G_CALLBACK (on_doc_changed), self);
  rw_router_editor_set_node (self, node);
  return GTK_WIDGET (self);
}

void
rw_router_editor_set_node (RwRouterEditor *self, const char *node)
{
  g_free (self->node);
  self->node = g_strdup (node);
  self->index = rw_document_find_node (self->doc, node);
  g_clear_pointer (&self->expanded_peer, g_free);
  clear_error (self);
  rebuild (self);
}

const char *
rw_router_editor_get_node (RwRouterEditor *self)
{
  return self->node;
}

const char *
rw_router_editor_get_error (RwRouterEditor *self)
{
  return self->error;
}

RwSessionRow *
rw_router_editor_get_session_row (RwRouterEditor *self, const char *peer)
{
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->sessions_list)); c; c = gtk_widget_get_next_sibling (c))
    if (RW_IS_SESSION_ROW (c) && g_strcmp0 (rw_session_row_get_peer (RW_SESSION_ROW (c)), peer) == 0)
      return RW_SESSION_ROW (c);
  return NULL;
}
