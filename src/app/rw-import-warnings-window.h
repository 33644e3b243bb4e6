/* rw-import-warnings-window.h — what an import of real configurations could not model, one row
 * per warning with its file and line, sorted by file and line, searchable and copyable
 * (DESIGN.md section 10b).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RW_TYPE_IMPORT_WARNINGS_WINDOW (rw_import_warnings_window_get_type ())
G_DECLARE_FINAL_TYPE (RwImportWarningsWindow, rw_import_warnings_window, RW, IMPORT_WARNINGS_WINDOW, AdwWindow)

RwImportWarningsWindow *rw_import_warnings_window_new (GtkWindow *parent);
/* Shows @warnings (char*, "FILE:LINE: what: why") of the network called @network. */
void rw_import_warnings_window_set_warnings (RwImportWarningsWindow *w, const char *network, GPtrArray *warnings);
/* The rows as shown (sorted, search applied): GtkStringObject. */
GListModel *rw_import_warnings_window_get_shown (RwImportWarningsWindow *w);
void rw_import_warnings_window_set_search (RwImportWarningsWindow *w, const char *text);

/* "R1/frr.conf:42: bfd: not modelled" -> "R1/frr.conf:42" and "bfd: not modelled"; a warning
 * without a location is all message (@location NULL). */
void rw_import_warning_split (const char *warning, char **location, char **message);

G_END_DECLS
