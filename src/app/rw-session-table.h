/* rw-session-table.h — the session table: one row per session of the network shown, sortable by any
 * column, filtered by the search text, exported as CSV.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "rw-twin.h"

G_BEGIN_DECLS

#define RW_TYPE_SESSION_TABLE (rw_session_table_get_type ())
G_DECLARE_FINAL_TYPE (RwSessionTable, rw_session_table, RW, SESSION_TABLE, GtkBox)

GtkWidget *rw_session_table_new (void);
/* The network whose sessions are listed (NULL: none); read now, not kept. */
void rw_session_table_set_twin (RwSessionTable *table, const RwTwin *twin);
GtkColumnView *rw_session_table_get_view (RwSessionTable *table);
GtkSearchEntry *rw_session_table_get_search (RwSessionTable *table);
/* The rows shown (filtered and sorted) as CSV, with the column titles first. */
char *rw_session_table_to_csv (RwSessionTable *table);
gboolean rw_session_table_export (RwSessionTable *table, const char *path, GError **error);

G_END_DECLS
