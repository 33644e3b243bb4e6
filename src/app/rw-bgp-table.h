/* rw-bgp-table.h — one router's full BGP table: every prefix it holds a route for, each
 * candidate route (best, backup, others) with next hop, AS path, LOCAL_PREF, MED, weight,
 * origin, communities, and the decision step that chose it. Sortable by any column, filtered by
 * the search text, exported as CSV.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "rw-twin.h"

G_BEGIN_DECLS

#define RW_TYPE_BGP_TABLE (rw_bgp_table_get_type ())
G_DECLARE_FINAL_TYPE (RwBgpTable, rw_bgp_table, RW, BGP_TABLE, GtkBox)

GtkWidget *rw_bgp_table_new (void);
/* The router shown (its id); "notify::node" says when the user picks another one, so the owner
 * can call rw_bgp_table_set_twin again. */
void rw_bgp_table_set_node (RwBgpTable *table, const char *node);
const char *rw_bgp_table_get_node (RwBgpTable *table);
/* The network whose routes are listed (NULL: none); read now, not kept. */
void rw_bgp_table_set_twin (RwBgpTable *table, const RwTwin *twin);
GtkColumnView *rw_bgp_table_get_view (RwBgpTable *table);
GtkSearchEntry *rw_bgp_table_get_search (RwBgpTable *table);
/* The rows shown (filtered and sorted) as CSV, with the column titles first. */
char *rw_bgp_table_to_csv (RwBgpTable *table);
gboolean rw_bgp_table_export (RwBgpTable *table, const char *path, GError **error);

G_END_DECLS
