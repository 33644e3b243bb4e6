/* rw-json-util.c — strict JSON field readers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-json-util.h"
#include "rw-types.h"

#include <math.h>
#include <string.h>

gboolean
rw_json_fail (RwJsonCtx *c, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (c->error, RW_TWIN_ERROR, RW_TWIN_ERROR_INVALID, "%s: %s", c->source, msg);
  return FALSE;
}

static char *
join (const char *path, const char *key)
{
  return path ? g_strdup_printf ("%s.%s", path, key) : g_strdup (key);
}

gboolean
rw_json_check_keys (RwJsonCtx *c, JsonObject *o, const char *path, const char *const *allowed)
{
  g_autoptr(GList) members = json_object_get_members (o);
  for (GList *m = members; m; m = m->next)
    {
      if (!g_strv_contains (allowed, m->data))
        {
          g_autofree char *p = join (path, m->data);
          g_autofree char *list = g_strjoinv (", ", (char **) allowed);
          return rw_json_fail (c, "%s: unknown key (expected one of: %s)", p, list);
        }
    }
  return TRUE;
}

static JsonNode *
member (JsonObject *o, const char *key, gboolean *present_nonnull)
{
  JsonNode *n = json_object_get_member (o, key);
  *present_nonnull = n != NULL && !json_node_is_null (n);
  return n;
}

gboolean
rw_json_get_string (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required, char **out)
{
  gboolean present;
  JsonNode *n = member (o, key, &present);
  g_autofree char *p = join (path, key);
  if (!present)
    {
      if (required)
        return rw_json_fail (c, "%s: missing (a string is required)", p);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return rw_json_fail (c, "%s: expected a string", p);
  if (required && *json_node_get_string (n) == '\0')
    return rw_json_fail (c, "%s: must not be empty", p);
  g_free (*out);
  *out = g_strdup (json_node_get_string (n));
  return TRUE;
}

gboolean
rw_json_get_int (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required,
                 gint64 min, gint64 max, gint64 dflt, gint64 *out)
{
  gboolean present;
  JsonNode *n = member (o, key, &present);
  g_autofree char *p = join (path, key);
  gint64 v;
  if (!present)
    {
      if (required)
        return rw_json_fail (c, "%s: missing (an integer is required)", p);
      *out = dflt;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return rw_json_fail (c, "%s: expected an integer", p);
  v = json_node_get_int (n);
  if (v < min || v > max)
    return rw_json_fail (c, "%s: %" G_GINT64_FORMAT " is out of range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]", p, v, min, max);
  *out = v;
  return TRUE;
}

gboolean
rw_json_get_uint (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required,
                  guint64 min, guint64 max, guint64 dflt, guint64 *out)
{
  gint64 v;
  if (!rw_json_get_int (c, o, key, path, required, (gint64) min, (gint64) MIN (max, (guint64) G_MAXINT64), (gint64) dflt, &v))
    return FALSE;
  *out = (guint64) v;
  return TRUE;
}

gboolean
rw_json_get_double (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required,
                    double dflt, double *out)
{
  gboolean present;
  JsonNode *n = member (o, key, &present);
  g_autofree char *p = join (path, key);
  GType t;
  if (!present)
    {
      if (required)
        return rw_json_fail (c, "%s: missing (a number is required)", p);
      *out = dflt;
      return TRUE;
    }
  t = JSON_NODE_HOLDS_VALUE (n) ? json_node_get_value_type (n) : G_TYPE_INVALID;
  if (t == G_TYPE_INT64)
    *out = (double) json_node_get_int (n);
  else if (t == G_TYPE_DOUBLE)
    *out = json_node_get_double (n);
  else
    return rw_json_fail (c, "%s: expected a number", p);
  if (!isfinite (*out))
    return rw_json_fail (c, "%s: expected a finite number", p);
  return TRUE;
}

gboolean
rw_json_get_bool (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean dflt, gboolean *out)
{
  gboolean present;
  JsonNode *n = member (o, key, &present);
  g_autofree char *p = join (path, key);
  if (!present)
    {
      *out = dflt;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return rw_json_fail (c, "%s: expected true or false", p);
  *out = json_node_get_boolean (n);
  return TRUE;
}

gboolean
rw_json_get_array (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required, JsonArray **out)
{
  gboolean present;
  JsonNode *n = member (o, key, &present);
  g_autofree char *p = join (path, key);
  *out = NULL;
  if (!present)
    return required ? rw_json_fail (c, "%s: missing (an array is required)", p) : TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    return rw_json_fail (c, "%s: expected an array", p);
  *out = json_node_get_array (n);
  return TRUE;
}

gboolean
rw_json_get_object (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, gboolean required, JsonObject **out)
{
  gboolean present;
  JsonNode *n = member (o, key, &present);
  g_autofree char *p = join (path, key);
  *out = NULL;
  if (!present)
    return required ? rw_json_fail (c, "%s: missing (an object is required)", p) : TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return rw_json_fail (c, "%s: expected an object", p);
  *out = json_node_get_object (n);
  return TRUE;
}

/* A small scanner over text that json-glib has already accepted: it tracks the path of
 * containers and, per object, the member names seen. Hand-written because json-glib 1.6 drops
 * duplicate members silently and offers no hook to see them. */
typedef struct {
  gboolean is_object;
  GHashTable *keys; /* objects only */
  char *key;        /* current member name (objects) */
  guint index;      /* current element (arrays) */
} Level;

static char *
scan_string (const char **p, const char *end)
{
  GString *s = g_string_new (NULL);
  (*p)++; /* opening quote */
  while (*p < end && **p != '"')
    {
      if (**p == '\\' && *p + 1 < end)
        {
          g_string_append_c (s, (*p)[0]);
          (*p)++;
        }
      g_string_append_c (s, **p);
      (*p)++;
    }
  (*p)++; /* closing quote */
  return g_string_free (s, FALSE);
}

static char *
level_path (GArray *stack)
{
  GString *path = g_string_new (NULL);
  for (guint i = 0; i < stack->len; i++)
    {
      Level *l = &g_array_index (stack, Level, i);
      if (l->is_object && l->key)
        g_string_append_printf (path, "%s%s", path->len ? "." : "", l->key);
      else if (!l->is_object)
        g_string_append_printf (path, "[%u]", l->index);
    }
  return g_string_free (path, FALSE);
}

char *
rw_json_find_duplicate_key (const char *data, gssize len)
{
  const char *p = data, *end = data + (len < 0 ? (gssize) strlen (data) : len);
  g_autoptr(GArray) stack = g_array_new (FALSE, TRUE, sizeof (Level));
  char *found = NULL;
  gboolean expect_key = FALSE;

  while (p < end && found == NULL)
    {
      char ch = *p;
      Level *top = stack->len ? &g_array_index (stack, Level, stack->len - 1) : NULL;
      if (ch == '{' || ch == '[')
        {
          Level l = { ch == '{', ch == '{' ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) : NULL, NULL, 0 };
          g_array_append_val (stack, l);
          expect_key = ch == '{';
          p++;
        }
      else if (ch == '}' || ch == ']')
        {
          if (top)
            {
              g_clear_pointer (&top->keys, g_hash_table_unref);
              g_clear_pointer (&top->key, g_free);
              g_array_set_size (stack, stack->len - 1);
            }
          expect_key = FALSE;
          p++;
        }
      else if (ch == ',')
        {
          if (top && top->is_object)
            expect_key = TRUE;
          else if (top)
            top->index++;
          p++;
        }
      else if (ch == '/' || ch == '\'')
        {
          /* json-glib also reads comments and single-quoted strings; Routewise files are plain
           * JSON, and the check above could not see through such text */
          g_autofree char *path = level_path (stack);
          found = g_strdup_printf ("near %s: comments or single quotes are not standard JSON", *path ? path : "the start");
        }
      else if (ch == '"')
        {
          char *str = scan_string (&p, end);
          if (expect_key && top && top->is_object)
            {
              g_free (top->key);
              top->key = g_strdup (str);
              /* the table owns @str either way (g_hash_table_add replaces an equal key) */
              if (!g_hash_table_add (top->keys, str))
                found = level_path (stack);
              str = NULL;
              expect_key = FALSE;
            }
          g_free (str);
        }
      else
        p++;
    }
  for (guint i = 0; i < stack->len; i++)
    {
      Level *l = &g_array_index (stack, Level, i);
      g_clear_pointer (&l->keys, g_hash_table_unref);
      g_clear_pointer (&l->key, g_free);
    }
  return found;
}

static gboolean
invalid_utf8_below (JsonNode *node, GString *path)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter it;
      const char *name;
      JsonNode *child;
      json_object_iter_init (&it, json_node_get_object (node));
      while (json_object_iter_next (&it, &name, &child))
        {
          gsize len = path->len;
          if (!g_utf8_validate (name, -1, NULL))
            {
              g_string_append (path, path->len ? " (a member name)" : "a member name");
              return TRUE;
            }
          g_string_append_printf (path, "%s%s", path->len ? "." : "", name);
          if (invalid_utf8_below (child, path))
            return TRUE;
          g_string_truncate (path, len);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          gsize len = path->len;
          g_string_append_printf (path, "[%u]", i);
          if (invalid_utf8_below (json_array_get_element (a, i), path))
            return TRUE;
          g_string_truncate (path, len);
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return !g_utf8_validate (json_node_get_string (node), -1, NULL);
  return FALSE;
}

char *
rw_json_find_invalid_utf8 (JsonNode *node, const char *root)
{
  g_autoptr(GString) path = g_string_new (root);
  if (node == NULL || !invalid_utf8_below (node, path))
    return NULL;
  return g_string_free (g_steal_pointer (&path), FALSE);
}

/* ---- output ---- */

/* json-glib 1.6 prints doubles with 17 significant digits (0.348 -> 0.34799999999999998);
 * people read these files, so numbers get the shortest text that reads back the same. */
static void
append_double (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int prec = 15; prec <= 17; prec++)
    {
      char fmt[8];
      g_snprintf (fmt, sizeof fmt, "%%.%dg", prec);
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (out, buf);
  /* keep it a JSON number that reads back as a double */
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (out, ".0");
}

static void
append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *c = (const unsigned char *) s; c && *c; c++)
    {
      switch (*c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*c < 0x20)
            g_string_append_printf (out, "\\u%04x", *c);
          else
            g_string_append_c (out, (char) *c);
        }
    }
  g_string_append_c (out, '"');
}

static void
newline (GString *out, gboolean pretty, guint depth)
{
  if (!pretty)
    return;
  g_string_append_c (out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static void
append_node (GString *out, JsonNode *node, gboolean pretty, guint depth)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          append_string (out, json_node_get_string (node));
          break;
        }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);
        guint n = json_array_get_length (a);
        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            newline (out, pretty, depth + 1);
            append_node (out, json_array_get_element (a, i), pretty, depth + 1);
            if (i + 1 < n)
              g_string_append_c (out, ',');
          }
        if (n)
          newline (out, pretty, depth);
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (o);
        g_string_append_c (out, '{');
        for (GList *m = members; m; m = m->next)
          {
            newline (out, pretty, depth + 1);
            append_string (out, m->data);
            g_string_append (out, pretty ? ": " : ":");
            append_node (out, json_object_get_member (o, m->data), pretty, depth + 1);
            if (m->next)
              g_string_append_c (out, ',');
          }
        if (members)
          newline (out, pretty, depth);
        g_string_append_c (out, '}');
      }
      break;
    }
}

char *
rw_json_to_string (JsonNode *node, gboolean pretty)
{
  GString *out = g_string_new (NULL);
  append_node (out, node, pretty, 0);
  return g_string_free (out, FALSE);
}
