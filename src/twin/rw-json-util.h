/* rw-json-util.h — strict JSON field readers that report "FILE: PATH.KEY: problem".
 * Shared by every loader (topology, scenarios, runbooks).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *source; /* file name shown in messages */
  GError **error;
} RwJsonCtx;

gboolean rw_json_fail (RwJsonCtx *c, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* @allowed is NULL-terminated; any other member is an error naming it. */
gboolean rw_json_check_keys (RwJsonCtx *c, JsonObject *o, const char *path, const char *const *allowed);
/* Optional members that are absent leave *out unchanged (callers preset defaults) or NULL. */
gboolean rw_json_get_string (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required, char **out);
gboolean rw_json_get_uint (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required,
                           guint64 min, guint64 max, guint64 dflt, guint64 *out);
gboolean rw_json_get_int (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required,
                          gint64 min, gint64 max, gint64 dflt, gint64 *out);
gboolean rw_json_get_double (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required,
                             double dflt, double *out);
gboolean rw_json_get_bool (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean dflt, gboolean *out);
gboolean rw_json_get_array (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required, JsonArray **out);
gboolean rw_json_get_object (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required, JsonObject **out);

/* The deepest nesting of arrays and objects a Routewise document may have (ours need under 10). */
#define RW_JSON_MAX_DEPTH 64
/* The strict check every loader runs before json-glib sees text from outside (files, the LLM,
 * the database, the user): NULL when @data is one RFC 8259 JSON document (or empty, which
 * json-glib reads as no document), else what is wrong, and *@not_json (may be NULL) says which:
 *  - TRUE, "line L, column C[, near PATH]: problem", for text that is not JSON: comments,
 *    single quotes, hex, leading zeros, NaN, trailing commas, control characters in strings,
 *    bytes that are not UTF-8, a second document, nesting deeper than RW_JSON_MAX_DEPTH, text
 *    that stops early;
 *  - FALSE, "PATH: problem", for JSON that Routewise still refuses: a member name repeated in
 *    one object (compared after decoding escapes: "PATH: duplicate key"), \u0000 (json-glib
 *    cuts the string there), a member name with an unpaired \u surrogate, and numbers
 *    json-glib cannot hold (whole numbers beyond 64 bits, which it wraps, and 1e999).
 * An unpaired surrogate in a value passes: rw_json_find_invalid_utf8() finds it in the tree.
 * Iterative: any depth of input is safe to give it. @len -1: NUL-terminated. */
char *rw_json_check_text (const char *data, gssize len, gboolean *not_json);

/* The JSON path (under @root, which may be "") of the first string or member name in @node
 * that is not valid UTF-8, or NULL. json-glib 1.6 decodes a lone surrogate escape ("\ud800")
 * into bytes that are not UTF-8, which GLib's text functions (GRegex, g_utf8_*) then refuse. */
char *rw_json_find_invalid_utf8 (JsonNode *node, const char *root);

/* JSON text with numbers as short as they can be and still read back exactly; a number that is
 * not finite is written as null (JSON has no inf or NaN). Every JSON document Routewise writes
 * goes through here. */
char *rw_json_to_string (JsonNode *node, gboolean pretty);

G_END_DECLS
