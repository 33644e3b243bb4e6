/* rw-route-map-editor.h — the route-maps ("policies") of a network: create, rename and delete
 * them, edit their ordered entries (drag or move up/down to reorder), see which sessions use
 * them. Every change goes through the document: validated like a file, one undo step.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-document.h"

G_BEGIN_DECLS

#define RW_TYPE_ROUTE_MAP_EDITOR (rw_route_map_editor_get_type ())
G_DECLARE_FINAL_TYPE (RwRouteMapEditor, rw_route_map_editor, RW, ROUTE_MAP_EDITOR, AdwWindow)

RwRouteMapEditor *rw_route_map_editor_new (GtkWindow *parent, RwDocument *doc);
/* The document edited (the window's, which New and Open replace). */
void rw_route_map_editor_set_document (RwRouteMapEditor *ed, RwDocument *doc);
/* Shows route-map @name; FALSE when there is none. */
gboolean rw_route_map_editor_select (RwRouteMapEditor *ed, const char *name);
const char *rw_route_map_editor_get_selected (RwRouteMapEditor *ed);
/* For tests: the name entry for a new route-map (action "route-maps.add" adds it), the
 * selected map's name row (apply renames), the entries' list box (rows are
 * RwRouteMapEntryRow), the "used by" row and the error shown, or NULL. */
GtkEditable *rw_route_map_editor_get_new_name (RwRouteMapEditor *ed);
AdwEntryRow *rw_route_map_editor_get_name_row (RwRouteMapEditor *ed);
GtkListBox *rw_route_map_editor_get_entries (RwRouteMapEditor *ed);
AdwActionRow *rw_route_map_editor_get_used_row (RwRouteMapEditor *ed);
/* "Use on": a session end's import or export ("R2–ISP-C: import at R2 (now r2-from-isp-c)");
 * action "route-maps.use" makes the shown map that end's policy. */
AdwComboRow *rw_route_map_editor_get_use_row (RwRouteMapEditor *ed);
const char *rw_route_map_editor_get_error (RwRouteMapEditor *ed);

G_END_DECLS
