/* rw-demand-editor.h — the traffic demands of a network: add, change and remove them (source,
 * destination prefix, Mb/s, SLA class), and a table of every demand with what the twin says of
 * it (path, latency, loss, SLA met or missed): sortable, filterable, exported as CSV.
 * Every change goes through the document: validated like a file, one undo step.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-document.h"

G_BEGIN_DECLS

#define RW_TYPE_DEMAND_EDITOR (rw_demand_editor_get_type ())
G_DECLARE_FINAL_TYPE (RwDemandEditor, rw_demand_editor, RW, DEMAND_EDITOR, AdwWindow)

RwDemandEditor *rw_demand_editor_new (GtkWindow *parent, RwDocument *doc);
void rw_demand_editor_set_document (RwDemandEditor *ed, RwDocument *doc);
/* Selects the demand @id in the table and shows it in the form; FALSE when it is not shown. */
gboolean rw_demand_editor_select (RwDemandEditor *ed, const char *id);
/* For tests: the form's rows ("id", "dst", "mbps" are AdwEntryRow; "src", "class" are
 * AdwComboRow), the table, its search entry, the rows shown as CSV, and the error shown or
 * NULL. Actions: "demands.add", "demands.apply", "demands.remove", "demands.export". */
GtkWidget *rw_demand_editor_get_field (RwDemandEditor *ed, const char *key);
GtkColumnView *rw_demand_editor_get_view (RwDemandEditor *ed);
GtkSearchEntry *rw_demand_editor_get_search (RwDemandEditor *ed);
char *rw_demand_editor_to_csv (RwDemandEditor *ed);
gboolean rw_demand_editor_export (RwDemandEditor *ed, const char *path, GError **error);
const char *rw_demand_editor_get_error (RwDemandEditor *ed);

G_END_DECLS
