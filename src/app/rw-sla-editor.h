/* rw-sla-editor.h — the SLA classes of a network: add, rename, change the latency and loss
 * limits, remove (a class that demands use is kept, and the message names them). Every change
 * goes through the document: validated like a file, one undo step.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-document.h"

G_BEGIN_DECLS

#define RW_TYPE_SLA_EDITOR (rw_sla_editor_get_type ())
G_DECLARE_FINAL_TYPE (RwSlaEditor, rw_sla_editor, RW, SLA_EDITOR, AdwWindow)

RwSlaEditor *rw_sla_editor_new (GtkWindow *parent, RwDocument *doc);
void rw_sla_editor_set_document (RwSlaEditor *ed, RwDocument *doc);
/* For tests: the new class's rows ("name", "latency_ms", "loss_pct"; action "sla.add" adds
 * it), the classes' list box (rows are RwSlaClassRow) and the error shown, or NULL. */
AdwEntryRow *rw_sla_editor_get_new_field (RwSlaEditor *ed, const char *key);
GtkListBox *rw_sla_editor_get_classes (RwSlaEditor *ed);
const char *rw_sla_editor_get_error (RwSlaEditor *ed);

G_END_DECLS
