/* rw-link-table.h — the link table: one row per link of the network shown, sortable by any
 * column, filtered by the search text, exported as CSV.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "rw-twin.h"

G_BEGIN_DECLS

#define RW_TYPE_LINK_TABLE (rw_link_table_get_type ())
G_DECLARE_FINAL_TYPE (RwLinkTable, rw_link_table, RW, LINK_TABLE, GtkBox)

GtkWidget *rw_link_table_new (void);
/* The network whose links are listed (NULL: none); read now, not kept. */
void rw_link_table_set_twin (RwLinkTable *table, const RwTwin *twin, const double *observed_util);
GtkColumnView *rw_link_table_get_view (RwLinkTable *table);
GtkSearchEntry *rw_link_table_get_search (RwLinkTable *table);
/* The rows shown (filtered and sorted) as CSV, with the column titles first. */
char *rw_link_table_to_csv (RwLinkTable *table);
gboolean rw_link_table_export (RwLinkTable *table, const char *path, GError **error);

G_END_DECLS
