/* rw-prefix-editor.h — the prefixes a node originates, with origin, MED and communities: add,
 * change, remove. Every change goes through the document (validated like the loader, one undo
 * step); a refused change leaves the network as it was and says why in the editor.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-document.h"
#include "rw-prefix-row.h"

G_BEGIN_DECLS

#define RW_TYPE_PREFIX_EDITOR (rw_prefix_editor_get_type ())
G_DECLARE_FINAL_TYPE (RwPrefixEditor, rw_prefix_editor, RW, PREFIX_EDITOR, AdwPreferencesWindow)

/* @node: whose prefixes are shown first (NULL: the first node that originates any). */
GtkWidget *rw_prefix_editor_new (GtkWindow *parent, RwDocument *doc, const char *node);
void rw_prefix_editor_set_node (RwPrefixEditor *editor, const char *node);
const char *rw_prefix_editor_get_node (RwPrefixEditor *editor);
const char *rw_prefix_editor_get_error (RwPrefixEditor *editor);
RwPrefixRow *rw_prefix_editor_get_row (RwPrefixEditor *editor, const char *prefix);

G_END_DECLS
