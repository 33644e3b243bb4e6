/* rw-router-editor.h — the editor of one router or ISP: id, hostname, label, role, ASN, router
 * id, and its BGP sessions. Every change goes through the document (validated like the loader,
 * one undo step); a refused change leaves the network as it was and says why in the editor.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-document.h"
#include "rw-session-row.h"

G_BEGIN_DECLS

#define RW_TYPE_ROUTER_EDITOR (rw_router_editor_get_type ())
G_DECLARE_FINAL_TYPE (RwRouterEditor, rw_router_editor, RW, ROUTER_EDITOR, AdwPreferencesWindow)

GtkWidget *rw_router_editor_new (GtkWindow *parent, RwDocument *doc, const char *node);
/* Shows another node of the same document. */
void rw_router_editor_set_node (RwRouterEditor *editor, const char *node);
const char *rw_router_editor_get_node (RwRouterEditor *editor);
/* The message of the last refused change, or NULL after an accepted one. */
const char *rw_router_editor_get_error (RwRouterEditor *editor);
/* The row of the session with @peer, or NULL. */
RwSessionRow *rw_router_editor_get_session_row (RwRouterEditor *editor, const char *peer);

G_END_DECLS
