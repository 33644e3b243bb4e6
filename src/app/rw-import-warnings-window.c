/* rw-import-warnings-window.c — the import's warnings as a list: the message, its file and line
 * under it; search narrows the list, Copy All puts every warning on the clipboard.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-import-warnings-window.h"

#include <glib/gi18n.h>
#include <string.h>

struct _RwImportWarningsWindow {
  AdwWindow parent_instance;
  AdwToastOverlay *toasts;
  AdwWindowTitle *title;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkLabel *summary;
  GtkStack *stack;
  GtkListView *list;
  GtkStringList *warnings;
  GtkSortListModel *sorted;
  GtkFilterListModel *filtered;
  char *network;
};

G_DEFINE_FINAL_TYPE (RwImportWarningsWindow, rw_import_warnings_window, ADW_TYPE_WINDOW)

/* Where "FILE:LINE: " ends in @warning: the colon before LINE and the one after it, or FALSE. */
static gboolean
find_location (const char *warning, const char **colon, const char **end)
{
  for (const char *p = strchr (warning, ':'); p; p = strchr (p + 1, ':'))
    {
      const char *q = p + 1;
      while (g_ascii_isdigit (*q))
        q++;
      if (q > p + 1 && *q == ':')
        {
          *colon = p;
          *end = q;
          return TRUE;
        }
    }
  return FALSE;
}

void
rw_import_warning_split (const char *warning, char **location, char **message)
{
  const char *colon, *end;
  if (find_location (warning, &colon, &end))
    {
      const char *rest = end + 1;
      while (*rest == ' ')
        rest++;
      *location = g_strndup (warning, end - warning);
      *message = g_strdup (rest);
      return;
    }
  *location = NULL;
  *message = g_strdup (warning);
}

/* By file, then by line: a router's warnings together, in the order of its configuration.
 * Warnings about the whole network (no file) come first. */
static int
compare_warnings (gconstpointer a, gconstpointer b, gpointer data)
{
  const char *wa = gtk_string_object_get_string ((GtkStringObject *) a);
  const char *wb = gtk_string_object_get_string ((GtkStringObject *) b);
  const char *ca, *ea, *cb, *eb;
  gboolean la = find_location (wa, &ca, &ea), lb = find_location (wb, &cb, &eb);
  int by_file;
  guint64 line_a, line_b;
  if (!la || !lb)
    return la == lb ? GTK_ORDERING_EQUAL : la ? GTK_ORDERING_LARGER : GTK_ORDERING_SMALLER;
  by_file = strncmp (wa, wb, MIN (ca - wa, cb - wb));
  if (by_file == 0 && ca - wa != cb - wb)
    by_file = ca - wa < cb - wb ? -1 : 1;
  if (by_file != 0)
    return by_file < 0 ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
  line_a = g_ascii_strtoull (ca + 1, NULL, 10);
  line_b = g_ascii_strtoull (cb + 1, NULL, 10);
  return line_a == line_b ? GTK_ORDERING_EQUAL : line_a < line_b ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
}

/* closures of the row template (rw-import-warning-row.ui) */
static char *
warning_message (GtkListItem *item, const char *warning)
{
  g_autofree char *location = NULL;
  char *message = NULL;
  if (warning == NULL)
    return NULL;
  rw_import_warning_split (warning, &location, &message);
  return message;
}

static char *
warning_location (GtkListItem *item, const char *warning)
{
  char *location = NULL;
  g_autofree char *message = NULL;
  if (warning == NULL)
    return NULL;
  rw_import_warning_split (warning, &location, &message);
  return location;
}

static gboolean
has_location (GtkListItem *item, const char *warning)
{
  g_autofree char *location = warning_location (item, warning);
  return location != NULL;
}

static void
update_counts (RwImportWarningsWindow *w)
{
  guint total = g_list_model_get_n_items (G_LIST_MODEL (w->warnings));
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (w->filtered));
  g_autofree char *subtitle = NULL;
  if (shown == total)
    /* Translators: the network's name and how many warnings its import gave */
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u warning", "%s · %u warnings", total), w->network, total);
  else
    /* Translators: the network's name, then "3 of 12 warnings" while searching */
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u of %u warning", "%s · %u of %u warnings", total), w->network,
                                shown, total);
  adw_window_title_set_subtitle (w->title, subtitle);
  gtk_stack_set_visible_child_name (w->stack, shown > 0 || total == 0 ? "list" : "empty");
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, RwImportWarningsWindow *w)
{
  update_counts (w);
}

static gboolean
same_warnings (RwImportWarningsWindow *w, const char *network, GPtrArray *warnings)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (w->warnings));
  if (g_strcmp0 (network, w->network) != 0 || n != (warnings ? warnings->len : 0))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (w->warnings, i), warnings->pdata[i]) != 0)
      return FALSE;
  return TRUE;
}

void
rw_import_warnings_window_set_warnings (RwImportWarningsWindow *w, const char *network, GPtrArray *warnings)
{
  g_autoptr(GPtrArray) strv = NULL;
  /* every edit of the network comes here: the list (and where it is scrolled to) stays */
  if (same_warnings (w, network, warnings))
    return;
  strv = g_ptr_array_new ();
  g_free (w->network);
  w->network = g_strdup (network);
  for (guint i = 0; warnings && i < warnings->len; i++)
    g_ptr_array_add (strv, warnings->pdata[i]);
  g_ptr_array_add (strv, NULL);
  gtk_string_list_splice (w->warnings, 0, g_list_model_get_n_items (G_LIST_MODEL (w->warnings)), (const char *const *) strv->pdata);
  update_counts (w);
}

GListModel *
rw_import_warnings_window_get_shown (RwImportWarningsWindow *w)
{
  return G_LIST_MODEL (w->filtered);
}

void
rw_import_warnings_window_set_search (RwImportWarningsWindow *w, const char *text)
{
  gtk_search_bar_set_search_mode (w->search_bar, text && *text);
  gtk_editable_set_text (GTK_EDITABLE (w->search_entry), text ? text : "");
}

static void
action_copy (GtkWidget *widget, const char *name, GVariant *param)
{
  RwImportWarningsWindow *w = RW_IMPORT_WARNINGS_WINDOW (widget);
  GListModel *m = G_LIST_MODEL (w->warnings);
  guint n = g_list_model_get_n_items (m);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *done = NULL;
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s\n", gtk_string_list_get_string (w->warnings, i));
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text->str);
  done = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Copied %u warning", "Copied %u warnings", n), n);
  adw_toast_overlay_add_toast (w->toasts, adw_toast_new (done));
}

static void
action_search (GtkWidget *widget, const char *name, GVariant *param)
{
  RwImportWarningsWindow *w = RW_IMPORT_WARNINGS_WINDOW (widget);
  gtk_search_bar_set_search_mode (w->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (w->search_entry));
}

static void
rw_import_warnings_window_dispose (GObject *object)
{
  RwImportWarningsWindow *w = RW_IMPORT_WARNINGS_WINDOW (object);
  if (w->filtered)
    g_signal_handlers_disconnect_by_data (w->filtered, w);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_IMPORT_WARNINGS_WINDOW);
  G_OBJECT_CLASS (rw_import_warnings_window_parent_class)->dispose (object);
}

static void
rw_import_warnings_window_finalize (GObject *object)
{
  g_free (RW_IMPORT_WARNINGS_WINDOW (object)->network);
  G_OBJECT_CLASS (rw_import_warnings_window_parent_class)->finalize (object);
}

static void
rw_import_warnings_window_class_init (RwImportWarningsWindowClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_import_warnings_window_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_import_warnings_window_finalize;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-import-warnings-window.ui");
  gtk_widget_class_bind_template_child (wc, RwImportWarningsWindow, toasts);
  gtk_widget_class_bind_template_child (wc, RwImportWarningsWindow, title);
  gtk_widget_class_bind_template_child (wc, RwImportWarningsWindow, search_bar);
  gtk_widget_class_bind_template_child (wc, RwImportWarningsWindow, search_entry);
  gtk_widget_class_bind_template_child (wc, RwImportWarningsWindow, summary);
  gtk_widget_class_bind_template_child (wc, RwImportWarningsWindow, stack);
  gtk_widget_class_bind_template_child (wc, RwImportWarningsWindow, list);
  gtk_widget_class_bind_template_child (wc, RwImportWarningsWindow, warnings);
  gtk_widget_class_bind_template_child (wc, RwImportWarningsWindow, sorted);
  gtk_widget_class_bind_template_child (wc, RwImportWarningsWindow, filtered);
  gtk_widget_class_install_action (wc, "warnings.copy", NULL, action_copy);
  gtk_widget_class_install_action (wc, "warnings.search", NULL, action_search);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_f, GDK_CONTROL_MASK, "warnings.search", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "warnings.copy", NULL);
}

static void
rw_import_warnings_window_init (RwImportWarningsWindow *w)
{
  g_autoptr(GtkBuilderScope) scope = gtk_builder_cscope_new ();
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkCustomSorter) sorter = gtk_custom_sorter_new (compare_warnings, NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (w));
  gtk_sort_list_model_set_sorter (w->sorted, GTK_SORTER (sorter));
  gtk_builder_cscope_add_callback_symbols (GTK_BUILDER_CSCOPE (scope), "warning_message", G_CALLBACK (warning_message),
                                           "warning_location", G_CALLBACK (warning_location), "has_location",
                                           G_CALLBACK (has_location), NULL);
  factory = gtk_builder_list_item_factory_new_from_resource (scope, "/io/github/routewise/Routewise/rw-import-warning-row.ui");
  gtk_list_view_set_factory (w->list, factory);
  gtk_search_bar_set_key_capture_widget (w->search_bar, GTK_WIDGET (w));
  g_signal_connect (w->filtered, "items-changed", G_CALLBACK (on_items_changed), w);
  w->network = g_strdup ("");
  update_counts (w);
}

RwImportWarningsWindow *
rw_import_warnings_window_new (GtkWindow *parent)
{
  return g_object_new (RW_TYPE_IMPORT_WARNINGS_WINDOW, "transient-for", parent, "destroy-with-parent", TRUE, NULL);
}
