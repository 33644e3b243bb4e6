/* rw-window-editors.c — the window's editors, each in a window of its own beside the main one:
 * win.edit-node, win.edit-prefixes and win.bgp-table take a node id (an empty one means the
 * node selected on the canvas or shown in the inspector, else the first router; for prefixes,
 * the first node with some); win.edit-route-maps, win.edit-demands and win.edit-sla-classes
 * edit the whole network and follow New and Open.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-window-private.h"

#include <glib/gi18n.h>

/* The node the user is looking at: @id when given, else the last selected on the canvas, else
 * the one in the inspector, else the first router. NULL when the network has none. */
static const char *
chosen_node (RwWindow *win, GVariant *param, gboolean fallback)
{
  const RwTopology *t = rw_document_get_topology (win->doc);
  const char *id = param ? g_variant_get_string (param, NULL) : "";
  GPtrArray *selected = rw_canvas_get_selected_nodes (win->canvas);
  const char *inspected;
  const RwNode *n;
  if (*id)
    return (n = rw_topology_find_node (t, id)) ? n->id : NULL;
  if (selected->len && (n = rw_topology_find_node (t, selected->pdata[selected->len - 1])))
    return n->id;
  if ((inspected = rw_inspector_page_get_inspected (win->inspector_page)) && g_str_has_prefix (inspected, "nodes["))
    {
      guint64 i = g_ascii_strtoull (inspected + 6, NULL, 10);
      if (i < t->nodes->len)
        return ((RwNode *) t->nodes->pdata[i])->id;
    }
  if (!fallback)
    return NULL;
  for (guint i = 0; i < t->nodes->len; i++)
    if (((RwNode *) t->nodes->pdata[i])->kind == RW_NODE_ROUTER)
      return ((RwNode *) t->nodes->pdata[i])->id;
  return t->nodes->len ? ((RwNode *) t->nodes->pdata[0])->id : NULL;
}

static void
action_edit_node (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  const char *id = chosen_node (win, param, TRUE);
  if (id == NULL)
    {
      rw_window_toast (win, _("Add a router first"));
      return;
    }
  if (win->router_editor)
    rw_router_editor_set_node (win->router_editor, id);
  else
    {
      win->router_editor = RW_ROUTER_EDITOR (rw_router_editor_new (GTK_WINDOW (win), win->doc, id));
      g_object_add_weak_pointer (G_OBJECT (win->router_editor), (gpointer *) &win->router_editor);
    }
  gtk_window_present (GTK_WINDOW (win->router_editor));
}

static void
action_edit_prefixes (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  /* with nothing chosen: the first node that originates prefixes */
  const char *id = chosen_node (win, param, FALSE);
  if (win->prefix_editor)
    {
      if (id)
        rw_prefix_editor_set_node (win->prefix_editor, id);
    }
  else
    {
      win->prefix_editor = RW_PREFIX_EDITOR (rw_prefix_editor_new (GTK_WINDOW (win), win->doc, id));
      g_object_add_weak_pointer (G_OBJECT (win->prefix_editor), (gpointer *) &win->prefix_editor);
    }
  gtk_window_present (GTK_WINDOW (win->prefix_editor));
}

static void
on_bgp_table_node (RwBgpTable *table, GParamSpec *pspec, RwWindow *win)
{
  g_autofree char *title = g_strdup_printf (_("BGP Table of %s"), rw_bgp_table_get_node (table));
  gtk_window_set_title (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (table))), title);
  _rw_window_refresh_tables (win);
}

static void
action_bgp_table (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  const char *id = chosen_node (win, param, TRUE);
  GtkWidget *window;
  if (win->bgp_table == NULL)
    {
      /* a table in a window of its own next to the main one, as the link and session tables */
      window = gtk_window_new ();
      gtk_window_set_titlebar (GTK_WINDOW (window), adw_header_bar_new ());
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (win));
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
      gtk_window_set_default_size (GTK_WINDOW (window), 1200, 560);
      win->bgp_table = RW_BGP_TABLE (rw_bgp_table_new ());
      gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (win->bgp_table));
      g_object_add_weak_pointer (G_OBJECT (win->bgp_table), (gpointer *) &win->bgp_table);
      g_signal_connect_object (win->bgp_table, "notify::node", G_CALLBACK (on_bgp_table_node), win, 0);
    }
  if (id && g_strcmp0 (id, rw_bgp_table_get_node (win->bgp_table)) != 0)
    rw_bgp_table_set_node (win->bgp_table, id); /* notify::node fills it */
  else
    _rw_window_refresh_tables (win);
  gtk_window_present (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (win->bgp_table))));
}

void
_rw_window_close_editors (RwWindow *win)
{
  /* they edit the document they were opened on */
  if (win->router_editor)
    gtk_window_destroy (GTK_WINDOW (win->router_editor));
  if (win->prefix_editor)
    gtk_window_destroy (GTK_WINDOW (win->prefix_editor));
}

/* A second activation brings the open editor forward. */
static void
present (RwWindow *win, GtkWindow *editor, gpointer *slot)
{
  if (*slot == NULL)
    {
      *slot = editor;
      g_object_add_weak_pointer (G_OBJECT (editor), slot);
    }
  gtk_window_present (GTK_WINDOW (*slot));
}

static void
action_edit_route_maps (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  present (win, win->route_map_editor ? NULL : GTK_WINDOW (rw_route_map_editor_new (GTK_WINDOW (win), win->doc)),
           (gpointer *) &win->route_map_editor);
}

static void
action_edit_demands (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  present (win, win->demand_editor ? NULL : GTK_WINDOW (rw_demand_editor_new (GTK_WINDOW (win), win->doc)),
           (gpointer *) &win->demand_editor);
}

static void
action_edit_sla_classes (GtkWidget *w, const char *name, GVariant *param)
{
  RwWindow *win = RW_WINDOW (w);
  present (win, win->sla_editor ? NULL : GTK_WINDOW (rw_sla_editor_new (GTK_WINDOW (win), win->doc)),
           (gpointer *) &win->sla_editor);
}

/* An editor's "editor.undo" and "editor.redo": the main window's undo and redo (its toast too),
 * on the document the editor edits. */
static void
action_editor_history (GtkWidget *editor, const char *name, GVariant *param)
{
  GtkWindow *main = gtk_window_get_transient_for (GTK_WINDOW (editor));
  if (main)
    gtk_widget_activate_action (GTK_WIDGET (main), g_str_equal (name, "editor.undo") ? "win.undo" : "win.redo", NULL);
}

void
rw_window_class_add_editor_history (GtkWidgetClass *wc)
{
  gtk_widget_class_install_action (wc, "editor.undo", NULL, action_editor_history);
  gtk_widget_class_install_action (wc, "editor.redo", NULL, action_editor_history);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_z, GDK_CONTROL_MASK, "editor.undo", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.redo", NULL);
}

void
_rw_window_install_editor_actions (GtkWidgetClass *wc)
{
  gtk_widget_class_install_action (wc, "win.edit-node", "s", action_edit_node);
  gtk_widget_class_install_action (wc, "win.edit-prefixes", "s", action_edit_prefixes);
  gtk_widget_class_install_action (wc, "win.bgp-table", "s", action_bgp_table);
  gtk_widget_class_install_action (wc, "win.edit-route-maps", NULL, action_edit_route_maps);
  gtk_widget_class_install_action (wc, "win.edit-demands", NULL, action_edit_demands);
  gtk_widget_class_install_action (wc, "win.edit-sla-classes", NULL, action_edit_sla_classes);
}

void
_rw_window_editors_follow_document (RwWindow *win)
{
  if (win->route_map_editor)
    rw_route_map_editor_set_document (win->route_map_editor, win->doc);
  if (win->demand_editor)
    rw_demand_editor_set_document (win->demand_editor, win->doc);
  if (win->sla_editor)
    rw_sla_editor_set_document (win->sla_editor, win->doc);
}

RwRouteMapEditor *
rw_window_get_route_map_editor (RwWindow *win)
{
  return win->route_map_editor;
}

RwDemandEditor *
rw_window_get_demand_editor (RwWindow *win)
{
  return win->demand_editor;
}

RwSlaEditor *
rw_window_get_sla_editor (RwWindow *win)
{
  return win->sla_editor;
}

RwRouterEditor *
rw_window_get_router_editor (RwWindow *win)
{
  return win->router_editor;
}

RwPrefixEditor *
rw_window_get_prefix_editor (RwWindow *win)
{
  return win->prefix_editor;
}

RwBgpTable *
rw_window_get_bgp_table (RwWindow *win)
{
  return win->bgp_table;
}
