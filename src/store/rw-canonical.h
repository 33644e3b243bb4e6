/* rw-canonical.h — canonical JSON text: one byte sequence per JSON value, whatever order its
 * object members were built or parsed in. The audit chain hashes this form (rw-store.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The canonical text of @node (NULL is read as JSON null):
 *  - no whitespace outside strings;
 *  - object members sorted by name in byte order (strcmp on the UTF-8 bytes), arrays in order;
 *  - strings and numbers printed as rw_json_to_string() prints them: ", \, newline, carriage
 *    return and tab as two-character escapes, other bytes below 0x20 as \u00xx, everything else
 *    (including non-ASCII UTF-8) as is; integers in decimal; doubles in the shortest of %.15g,
 *    %.16g, %.17g that reads back exactly, with ".0" appended when that has no '.' or exponent,
 *    so a double stays a double when the text is parsed again;
 *  - non-finite doubles (NaN, ±infinity), which JSON cannot express, become null.
 * Parsing the result with json-glib and canonicalising again gives the same bytes. */
char *rw_json_canonical (JsonNode *node);

G_END_DECLS
