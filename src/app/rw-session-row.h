/* rw-session-row.h — one BGP session of a router in the router editor: its import and export
 * route-maps, weight and route-reflector flag at this router's end, and whether it is up. Every
 * change is one document edit; a refused one is announced with "edit-failed".
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-document.h"

G_BEGIN_DECLS

#define RW_TYPE_SESSION_ROW (rw_session_row_get_type ())
G_DECLARE_FINAL_TYPE (RwSessionRow, rw_session_row, RW, SESSION_ROW, AdwExpanderRow)

/* The session between @node (the router edited) and @peer in @doc. */
GtkWidget *rw_session_row_new (RwDocument *doc, const char *node, const char *peer);
const char *rw_session_row_get_peer (RwSessionRow *row);

G_END_DECLS
