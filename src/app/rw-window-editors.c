/* rw-window-editors.c — the window's editors of route-maps, demands and SLA classes: each in a
 * window of its own beside the main one, on the window's document (they follow New and Open).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-window-private.h"

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

void
_rw_window_install_editor_actions (GtkWidgetClass *wc)
{
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
