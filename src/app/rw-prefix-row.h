/* rw-prefix-row.h — one prefix a node originates, in the prefix editor: its origin attribute,
 * MED and communities. Every change is one document edit; a refused one is announced with
 * "edit-failed".
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-document.h"

G_BEGIN_DECLS

#define RW_TYPE_PREFIX_ROW (rw_prefix_row_get_type ())
G_DECLARE_FINAL_TYPE (RwPrefixRow, rw_prefix_row, RW, PREFIX_ROW, AdwExpanderRow)

/* The origination of @prefix ("203.0.113.0/24") at @node in @doc. */
GtkWidget *rw_prefix_row_new (RwDocument *doc, const char *node, const char *prefix);
const char *rw_prefix_row_get_prefix (RwPrefixRow *row);

/* Sets "origin", "med" and "communities" of an origination's JSON @o from what the user typed:
 * @med empty = none; @communities separated by commas or spaces. Text that is not a number is
 * refused here, everything else by the loader. */
gboolean _rw_prefix_fields_to_json (JsonObject *o, guint origin, const char *med, const char *communities, GError **error);

G_END_DECLS
