/* rw-table-model.c — rows, filter, sorting and CSV for the link and session tables.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-table-model.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct _RwTableRow {
  GObject parent_instance;
  GStrv cells;
  double *keys;
  guint n;
};

G_DEFINE_FINAL_TYPE (RwTableRow, rw_table_row, G_TYPE_OBJECT)

static void
rw_table_row_finalize (GObject *object)
{
  RwTableRow *r = RW_TABLE_ROW (object);
  g_strfreev (r->cells);
  g_free (r->keys);
  G_OBJECT_CLASS (rw_table_row_parent_class)->finalize (object);
}

static void
rw_table_row_class_init (RwTableRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rw_table_row_finalize;
}

static void
rw_table_row_init (RwTableRow *r)
{
}

RwTableRow *
rw_table_row_new (GStrv cells, const double *keys)
{
  RwTableRow *r = g_object_new (RW_TYPE_TABLE_ROW, NULL);
  r->cells = cells;
  r->n = g_strv_length (cells);
  r->keys = g_memdup2 (keys, sizeof (double) * r->n);
  return r;
}

const char *
rw_table_row_get_cell (RwTableRow *r, guint column)
{
  return column < r->n ? r->cells[column] : "";
}

/* ---- columns ---- */

static void
cell_setup (GtkSignalListItemFactory *f, GtkListItem *li, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (li, label);
}

static void
cell_bind (GtkSignalListItemFactory *f, GtkListItem *li, gpointer data)
{
  RwTableRow *row = gtk_list_item_get_item (li);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (li)), rw_table_row_get_cell (row, GPOINTER_TO_UINT (data)));
}

/* Numbers by their key, text as people sort it. */
static int
cell_compare (gconstpointer a, gconstpointer b, gpointer data)
{
  guint c = GPOINTER_TO_UINT (data);
  const RwTableRow *x = a, *y = b;
  double kx = c < x->n ? x->keys[c] : NAN, ky = c < y->n ? y->keys[c] : NAN;
  if (!isnan (kx) && !isnan (ky))
    return kx < ky ? GTK_ORDERING_SMALLER : kx > ky ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
  return gtk_ordering_from_cmpfunc (g_utf8_collate (rw_table_row_get_cell ((RwTableRow *) x, c), rw_table_row_get_cell ((RwTableRow *) y, c)));
}

static gboolean
row_matches (gpointer item, gpointer data)
{
  RwTableModel *m = data;
  RwTableRow *row = item;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (m->search));
  g_autofree char *needle = NULL;
  if (text == NULL || *text == '\0')
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  for (guint i = 0; i < row->n; i++)
    {
      g_autofree char *hay = g_utf8_casefold (row->cells[i], -1);
      if (strstr (hay, needle))
        return TRUE;
    }
  return FALSE;
}

static void
update_count (RwTableModel *m)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (m->sorted)), all = g_list_model_get_n_items (G_LIST_MODEL (m->store));
  /* Translators: rows shown of all rows */
  g_autofree char *text = g_strdup_printf (_("%u of %u"), shown, all);
  gtk_label_set_text (m->count, text);
}

static void
on_search_changed (GtkSearchEntry *entry, RwTableModel *m)
{
  gtk_filter_changed (GTK_FILTER (m->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_count (m);
}

/* The view moves to follow its top row when it is next laid out, a frame after the sort: once it
 * has, it is scrolled back (a few frames at most). */
static gboolean
restore_scroll (GtkWidget *view, GdkFrameClock *clock, gpointer data)
{
  RwTableModel *m = data;
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  if (adj && fabs (gtk_adjustment_get_value (adj) - m->kept_scroll) < 0.5 && ++m->restore_frames < 5)
    return G_SOURCE_CONTINUE;
  m->restore_id = 0;
  if (adj)
    gtk_adjustment_set_value (adj, m->kept_scroll);
  return G_SOURCE_REMOVE;
}

/* Sorted by another column: the view would follow the row at its top to wherever that row is
 * sorted to, a jump across the table. It stays scrolled where it was instead, as a sheet does. */
static void
on_sort_changed (GtkSorter *sorter, GtkSorterChange change, RwTableModel *m)
{
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (m->view));
  if (adj == NULL)
    return;
  if (m->restore_id == 0)
    {
      m->kept_scroll = gtk_adjustment_get_value (adj);
      m->restore_frames = 0;
      m->restore_id = gtk_widget_add_tick_callback (GTK_WIDGET (m->view), restore_scroll, m, NULL);
    }
}

void
rw_table_model_init (RwTableModel *m, GtkColumnView *view, GtkSearchEntry *search, GtkLabel *count)
{
  GListModel *columns = gtk_column_view_get_columns (view);
  GtkFilterListModel *filtered;
  m->view = view;
  m->search = search;
  m->count = count;
  m->store = g_list_store_new (RW_TYPE_TABLE_ROW);
  m->filter = gtk_custom_filter_new (row_matches, m, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (m->store)), GTK_FILTER (g_object_ref (m->filter)));
  m->sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered), g_object_ref (gtk_column_view_get_sorter (view)));
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (m->sorted)))));
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) col = g_list_model_get_item (columns, i);
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (cell_compare, GUINT_TO_POINTER (i), NULL));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), GUINT_TO_POINTER (i));
      gtk_column_view_column_set_factory (col, factory);
      gtk_column_view_column_set_sorter (col, sorter);
    }
  g_signal_connect (search, "search-changed", G_CALLBACK (on_search_changed), m);
  g_signal_connect (gtk_column_view_get_sorter (view), "changed", G_CALLBACK (on_sort_changed), m);
  update_count (m);
}

void
rw_table_model_clear (RwTableModel *m)
{
  if (m->search)
    g_signal_handlers_disconnect_by_data (m->search, m);
  if (m->view)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (m->view), m);
  if (m->restore_id)
    gtk_widget_remove_tick_callback (GTK_WIDGET (m->view), m->restore_id);
  m->restore_id = 0;
  g_clear_object (&m->store);
  g_clear_object (&m->filter);
  g_clear_object (&m->sorted);
}

void
rw_table_model_set_rows (RwTableModel *m, GPtrArray *rows)
{
  g_list_store_splice (m->store, 0, g_list_model_get_n_items (G_LIST_MODEL (m->store)), rows->pdata, rows->len);
  update_count (m);
}

static void
csv_field (GString *out, const char *s)
{
  if (strpbrk (s, ",\"\r\n") == NULL)
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
rw_table_model_to_csv (RwTableModel *m)
{
  GListModel *columns = gtk_column_view_get_columns (m->view);
  guint n = g_list_model_get_n_items (columns);
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) col = g_list_model_get_item (columns, i);
      if (i)
        g_string_append_c (out, ',');
      csv_field (out, gtk_column_view_column_get_title (col));
    }
  g_string_append (out, "\r\n");
  for (guint r = 0; r < g_list_model_get_n_items (G_LIST_MODEL (m->sorted)); r++)
    {
      g_autoptr(RwTableRow) row = g_list_model_get_item (G_LIST_MODEL (m->sorted), r);
      for (guint i = 0; i < n; i++)
        {
          if (i)
            g_string_append_c (out, ',');
          csv_field (out, rw_table_row_get_cell (row, i));
        }
      g_string_append (out, "\r\n");
    }
  return g_string_free (out, FALSE);
}

gboolean
rw_table_model_export (RwTableModel *m, const char *path, GError **error)
{
  g_autofree char *csv = rw_table_model_to_csv (m);
  g_autoptr(GError) local = NULL;
  if (!g_file_set_contents (path, csv, -1, &local))
    {
      g_set_error (error, G_FILE_ERROR, local->code, _("Could not export the table to %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

static void
on_export_response (GtkNativeDialog *dialog, int response, RwTableModel *m)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      if (g_file_peek_path (file) && !rw_table_model_export (m, g_file_peek_path (file), &error))
        {
          /* over the table's window, which the chooser was opened for */
          GtkWidget *msg = adw_message_dialog_new (gtk_native_dialog_get_transient_for (dialog), _("Export Failed"), error->message);
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (msg), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (msg));
        }
    }
  g_object_unref (dialog);
}

void
rw_table_model_export_interactive (RwTableModel *m, GtkWidget *parent, const char *suggested_name)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Export as CSV"), GTK_WINDOW (gtk_widget_get_root (parent)),
                                                              GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested_name);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), m);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
