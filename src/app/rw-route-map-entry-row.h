/* rw-route-map-entry-row.h — one entry of a route-map in the route-map editor: action, continue,
 * matches and sets as rows; move up/down and delete as actions; applied one field at a time.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define RW_TYPE_ROUTE_MAP_ENTRY_ROW (rw_route_map_entry_row_get_type ())
G_DECLARE_FINAL_TYPE (RwRouteMapEntryRow, rw_route_map_entry_row, RW, ROUTE_MAP_ENTRY_ROW, AdwExpanderRow)

/* @entry: the entry's JSON as the topology file has it (copied). */
GtkWidget *rw_route_map_entry_row_new (JsonNode *entry);
/* The entry row of a field: "prefixes", "community", "neighbor_as", "as_path_contains",
 * "local_pref", "med", "weight", "prepend", "community_add", "community_remove". */
AdwEntryRow *rw_route_map_entry_row_get_field (RwRouteMapEntryRow *row, const char *key);
AdwComboRow *rw_route_map_entry_row_get_action_row (RwRouteMapEntryRow *row);
GtkSwitch *rw_route_map_entry_row_get_continue_switch (RwRouteMapEntryRow *row);
guint rw_route_map_entry_row_get_seq (RwRouteMapEntryRow *row);

/* Signals: "edited" (JsonNode *new_entry), "move" (int delta: -1 up, +1 down), "remove". */

G_END_DECLS
