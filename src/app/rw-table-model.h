/* rw-table-model.h — what the link and session tables share: rows of text cells with numeric
 * sort keys, a GtkColumnView whose columns (from the template) show cell i and sort by it, a
 * search entry that filters the rows, and CSV of the rows as shown (filtered, sorted).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RW_TYPE_TABLE_ROW (rw_table_row_get_type ())
G_DECLARE_FINAL_TYPE (RwTableRow, rw_table_row, RW, TABLE_ROW, GObject)

/* @cells: one string per column (taken); @keys: one sort key per column (copied), NAN where
 * the column sorts by its text. */
RwTableRow *rw_table_row_new (GStrv cells, const double *keys);
const char *rw_table_row_get_cell (RwTableRow *row, guint column);

typedef struct {
  GtkColumnView *view;
  GtkSearchEntry *search;
  GtkLabel *count;
  GListStore *store;           /* RwTableRow */
  GtkCustomFilter *filter;
  GtkSortListModel *sorted;    /* what is shown */
  double kept_scroll;          /* where the view was scrolled when the sort order changed */
  guint restore_id;            /* a tick callback that scrolls it back there */
  guint restore_frames;        /* frames it has waited for the view to move */
} RwTableModel;

/* Sets the view's model, a factory and a sorter on each of its columns, and the filter. */
void rw_table_model_init (RwTableModel *m, GtkColumnView *view, GtkSearchEntry *search, GtkLabel *count);
void rw_table_model_clear (RwTableModel *m);
/* Replaces the rows with @rows (RwTableRow). */
void rw_table_model_set_rows (RwTableModel *m, GPtrArray *rows);
/* The rows shown, as CSV (RFC 4180): the column titles, then one line per row. */
char *rw_table_model_to_csv (RwTableModel *m);
gboolean rw_table_model_export (RwTableModel *m, const char *path, GError **error);
/* Asks for a file name and exports there; a failure becomes a dialog on @parent. */
void rw_table_model_export_interactive (RwTableModel *m, GtkWidget *parent, const char *suggested_name);

G_END_DECLS
