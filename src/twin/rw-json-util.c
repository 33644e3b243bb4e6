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

/* ---- the strict pre-check ---- */

/* An iterative scanner of RFC 8259 JSON that every loader runs before json-glib sees the text.
 * Hand-written because json-glib 1.6 is both lenient and recursive: it reads comments, single
 * quotes, hex and leading zeros, ignores a second document after the first, keeps the last of
 * two equal member names, cuts a string at "\u0000", wraps integers above 2^63 - 1 and reads
 * 1e999 as infinity; and it descends one C stack frame per level, so a 104 KB file of '['
 * overflows an 8 MB stack. This scanner keeps its own bounded stack of containers. */
typedef struct {
  gboolean is_object;
  GHashTable *keys; /* member names seen, decoded (objects) */
  char *key;        /* the current member name, decoded (objects) */
  guint index;      /* the current element (arrays) */
} Level;

typedef struct {
  const char *start, *p, *end;
  Level stack[RW_JSON_MAX_DEPTH];
  guint depth;
  gboolean in_key; /* scanning a member name */
  char *error;
  gboolean syntax; /* @error says the text is not JSON at all */
} Scan;

static char *
scan_path (const Scan *s)
{
  GString *path = g_string_new (NULL);
  for (guint i = 0; i < s->depth; i++)
    {
      const Level *l = &s->stack[i];
      if (l->is_object && l->key)
        g_string_append_printf (path, "%s%s", path->len ? "." : "", l->key);
      else if (!l->is_object)
        g_string_append_printf (path, "[%u]", l->index);
    }
  return g_string_free (path, FALSE);
}

static gboolean path_error (Scan *s, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
static gboolean syntax_error (Scan *s, const char *at, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

/* Well-formed text that Routewise still refuses: "PATH: problem". */
static gboolean
path_error (Scan *s, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL, *path = scan_path (s);
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (s->in_key)
    s->error = g_strdup_printf ("%s%s: %s", *path ? path : "a member name", *path ? " (a member name)" : "", msg);
  else
    s->error = g_strdup_printf ("%s: %s", *path ? path : "$", msg);
  return FALSE;
}

/* Text that is not JSON: "line L, column C, near PATH: problem". */
static gboolean
syntax_error (Scan *s, const char *at, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL, *path = scan_path (s);
  guint line = 1;
  const char *line_start = s->start;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  for (const char *q = s->start; q < at; q++)
    if (*q == '\n')
      line++, line_start = q + 1;
  s->error = g_strdup_printf ("line %u, column %u%s%s: %s", line, (guint) (at - line_start) + 1,
                              *path ? ", near " : "", path, msg);
  s->syntax = TRUE;
  return FALSE;
}

/* How to show the character at @at in a message. */
static char *
describe_char (const char *at)
{
  unsigned char c = (unsigned char) *at;
  if (c >= 0x20 && c < 0x7f)
    return g_strdup_printf ("'%c'", c);
  if (c < 0x80)
    return g_strdup_printf ("U+%04X", c);
  return g_strdup_printf ("byte 0x%02X", c);
}

/* A number, string or word as it is written, shortened for a message. */
static char *
excerpt (const char *at, gsize len)
{
  if (len > 40)
    return g_strdup_printf ("%.32s…", at);
  return g_strndup (at, len);
}

static gboolean
hex4 (const char *p, const char *end, gunichar *out)
{
  *out = 0;
  if (end - p < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return FALSE;
      *out = *out * 16 + (gunichar) g_ascii_xdigit_value (p[i]);
    }
  return TRUE;
}

/* From the opening quote at s->p to just past the closing one; with @out, the decoded text is
 * appended there (member names are compared decoded: "\u0063ost" is "cost"). */
static gboolean
scan_string (Scan *s, GString *out)
{
  const char *open = s->p;
  s->p++;
  while (s->p < s->end)
    {
      unsigned char c = (unsigned char) *s->p;
      gunichar u;
      if (c == '"')
        {
          s->p++;
          return TRUE;
        }
      if (c < 0x20)
        return syntax_error (s, s->p, "a control character (U+%04X) in a string must be written as an escape", c);
      if (c == '\\')
        {
          const char *esc = s->p;
          if (s->p + 1 >= s->end)
            break;
          switch (s->p[1])
            {
            case '"': u = '"'; break;
            case '\\': u = '\\'; break;
            case '/': u = '/'; break;
            case 'b': u = '\b'; break;
            case 'f': u = '\f'; break;
            case 'n': u = '\n'; break;
            case 'r': u = '\r'; break;
            case 't': u = '\t'; break;
            case 'u':
              if (!hex4 (s->p + 2, s->end, &u))
                return syntax_error (s, esc, "\\u needs four hex digits");
              s->p += 6;
              if (u >= 0xD800 && u <= 0xDBFF)
                {
                  gunichar low;
                  if (s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u' && hex4 (s->p + 2, s->end, &low)
                      && low >= 0xDC00 && low <= 0xDFFF)
                    {
                      u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
                      s->p += 6;
                    }
                }
              if (u >= 0xD800 && u <= 0xDFFF)
                {
                  /* in a value, the loaders' check of the parsed tree names it; a member name
                   * must be decoded here to be compared */
                  if (s->in_key)
                    return path_error (s, "not valid UTF-8 (an unpaired \\u surrogate)");
                  continue;
                }
              if (u == 0)
                return path_error (s, "\\u0000 in a string (json-glib would cut the text there)");
              if (out)
                g_string_append_unichar (out, u);
              continue;
            default:
              {
                g_autofree char *what = describe_char (s->p + 1);
                return syntax_error (s, esc, "a backslash before %s is not a JSON escape", what);
              }
            }
          if (out)
            g_string_append_c (out, (char) u);
          s->p += 2;
          continue;
        }
      if (c < 0x80)
        {
          if (out)
            g_string_append_c (out, (char) c);
          s->p++;
          continue;
        }
      u = g_utf8_get_char_validated (s->p, s->end - s->p);
      if (u == (gunichar) -1 || u == (gunichar) -2)
        return syntax_error (s, s->p, "not UTF-8");
      if (out)
        g_string_append_len (out, s->p, g_utf8_skip[c]);
      s->p += g_utf8_skip[c];
    }
  return syntax_error (s, open, "a string is not closed");
}

static gboolean
scan_digits (Scan *s)
{
  const char *from = s->p;
  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > from;
}

static gboolean
scan_number (Scan *s)
{
  const char *start = s->p;
  gboolean integer = TRUE;
  g_autofree char *text = NULL;

  if (*s->p == '-')
    s->p++;
  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return syntax_error (s, start, "a digit must follow '-' (NaN and Infinity are not JSON)");
  if (*s->p == '0')
    {
      s->p++;
      if (s->p < s->end && (*s->p == 'x' || *s->p == 'X'))
        return syntax_error (s, start, "hex numbers are not JSON");
      if (s->p < s->end && g_ascii_isdigit (*s->p))
        return syntax_error (s, start, "a number must not start with 0");
    }
  else
    scan_digits (s);
  if (s->p < s->end && *s->p == '.')
    {
      integer = FALSE;
      s->p++;
      if (!scan_digits (s))
        return syntax_error (s, s->p, "a digit must follow the decimal point");
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      integer = FALSE;
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        return syntax_error (s, s->p, "an exponent needs digits");
    }
  text = g_strndup (start, s->p - start);
  if (integer)
    {
      /* json-glib reads whole numbers as 64-bit integers and wraps what does not fit */
      const char *digits = *text == '-' ? text + 1 : text;
      const char *limit = *text == '-' ? "9223372036854775808" : "9223372036854775807";
      if (strlen (digits) > strlen (limit) || (strlen (digits) == strlen (limit) && strcmp (digits, limit) > 0))
        {
          g_autofree char *shown = excerpt (text, strlen (text));
          return path_error (s, "%s is out of range (whole numbers are limited to 64 bits)", shown);
        }
    }
  else if (!isfinite (g_ascii_strtod (text, NULL)))
    {
      g_autofree char *shown = excerpt (text, strlen (text));
      return path_error (s, "%s is out of range (too large for a number)", shown);
    }
  return TRUE;
}

/* true, false, null; anything else that starts with a letter is not JSON. */
static gboolean
scan_word (Scan *s)
{
  const char *start = s->p;
  g_autofree char *word = NULL;
  while (s->p < s->end && (g_ascii_isalnum (*s->p) || *s->p == '_'))
    s->p++;
  word = excerpt (start, s->p - start);
  if (strcmp (word, "true") == 0 || strcmp (word, "false") == 0 || strcmp (word, "null") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (word, "nan") == 0 || g_ascii_strcasecmp (word, "infinity") == 0
      || g_ascii_strcasecmp (word, "inf") == 0)
    return syntax_error (s, start, "NaN and Infinity are not JSON numbers");
  return syntax_error (s, start, "'%s' is not a JSON value (text needs double quotes)", word);
}

static void
pop (Scan *s)
{
  Level *l = &s->stack[--s->depth];
  g_clear_pointer (&l->keys, g_hash_table_unref);
  g_clear_pointer (&l->key, g_free);
}

static gboolean
push (Scan *s, gboolean is_object)
{
  Level *l;
  if (s->depth == RW_JSON_MAX_DEPTH)
    return syntax_error (s, s->p, "arrays and objects nested deeper than %d levels", RW_JSON_MAX_DEPTH);
  l = &s->stack[s->depth++];
  *l = (Level) { is_object, is_object ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) : NULL, NULL, 0 };
  s->p++;
  return TRUE;
}

/* What the scanner expects next. */
typedef enum {
  WANT_VALUE,           /* at the start and after ':' */
  WANT_ELEMENT,         /* after ',' in an array */
  WANT_VALUE_OR_CLOSE,  /* after '[' */
  WANT_KEY_OR_CLOSE,    /* after '{' */
  WANT_KEY,             /* after ',' in an object */
  WANT_COLON,
  WANT_COMMA_OR_CLOSE,
  WANT_NOTHING,         /* after the root value */
} Want;

static gboolean
scan_value (Scan *s, Want *want)
{
  char c = *s->p;
  gboolean ok;
  if (c == '{' || c == '[')
    {
      *want = c == '{' ? WANT_KEY_OR_CLOSE : WANT_VALUE_OR_CLOSE;
      return push (s, c == '{');
    }
  if (c == '"')
    ok = scan_string (s, NULL);
  else if (c == '-' || g_ascii_isdigit (c))
    ok = scan_number (s);
  else if (g_ascii_isalpha (c))
    ok = scan_word (s);
  else if (c == '+')
    return syntax_error (s, s->p, "a number must not start with '+'");
  else if (c == '.')
    return syntax_error (s, s->p, "a number must start with a digit");
  else if (c == ']' && *want == WANT_ELEMENT)
    return syntax_error (s, s->p, "a comma before ']' is not JSON");
  else
    {
      g_autofree char *what = describe_char (s->p);
      return syntax_error (s, s->p, "expected a value, found %s", what);
    }
  *want = s->depth ? WANT_COMMA_OR_CLOSE : WANT_NOTHING;
  return ok;
}

static gboolean
scan_key (Scan *s)
{
  Level *top = &s->stack[s->depth - 1];
  g_autoptr(GString) key = g_string_new (NULL);
  g_clear_pointer (&top->key, g_free);
  s->in_key = TRUE;
  if (!scan_string (s, key))
    return FALSE;
  s->in_key = FALSE;
  top->key = g_strdup (key->str);
  if (!g_hash_table_add (top->keys, g_string_free (g_steal_pointer (&key), FALSE)))
    return path_error (s, "duplicate key");
  return TRUE;
}

static gboolean
scan_token (Scan *s, Want *want)
{
  char c = *s->p;
  Level *top = s->depth ? &s->stack[s->depth - 1] : NULL;

  if (c == '/' || c == '\'')
    return syntax_error (s, s->p, "comments or single quotes are not standard JSON");
  switch (*want)
    {
    case WANT_NOTHING:
      return syntax_error (s, s->p, "more text after the end of the JSON document (a second document?)");
    case WANT_COLON:
      if (c != ':')
        return syntax_error (s, s->p, "expected ':' after the member name");
      s->p++;
      *want = WANT_VALUE;
      return TRUE;
    case WANT_COMMA_OR_CLOSE:
      if (c == ',')
        {
          s->p++;
          if (top->is_object)
            *want = WANT_KEY;
          else
            {
              top->index++;
              *want = WANT_ELEMENT;
            }
          return TRUE;
        }
      if (c != (top->is_object ? '}' : ']'))
        return syntax_error (s, s->p, top->is_object ? "expected ',' or '}'" : "expected ',' or ']'");
      break; /* closes the container, below */
    case WANT_KEY_OR_CLOSE:
    case WANT_KEY:
      if (c == '}' && *want == WANT_KEY)
        return syntax_error (s, s->p, "a comma before '}' is not JSON");
      if (c != '}')
        {
          if (c != '"')
            return syntax_error (s, s->p, "expected a member name in double quotes");
          *want = WANT_COLON;
          return scan_key (s);
        }
      break;
    case WANT_VALUE_OR_CLOSE:
      if (c != ']')
        {
          *want = WANT_VALUE;
          return scan_value (s, want);
        }
      break;
    case WANT_VALUE:
    case WANT_ELEMENT:
      return scan_value (s, want);
    }
  /* the close of the container on top */
  pop (s);
  s->p++;
  *want = s->depth ? WANT_COMMA_OR_CLOSE : WANT_NOTHING;
  return TRUE;
}

char *
rw_json_check_text (const char *data, gssize len, gboolean *not_json)
{
  Scan s = { 0 };
  Want want = WANT_VALUE;

  s.start = s.p = data;
  s.end = data + (len < 0 ? (gssize) strlen (data) : len);
  for (;;)
    {
      while (s.p < s.end && (*s.p == ' ' || *s.p == '\t' || *s.p == '\n' || *s.p == '\r'))
        s.p++;
      if (s.p >= s.end)
        {
          /* empty text passes: json-glib reads it as no document, which every caller refuses
           * in its own words ("expected a JSON object") */
          if (want != WANT_NOTHING && (want != WANT_VALUE || s.depth > 0))
            syntax_error (&s, s.p, "the text ends before the document does");
          break;
        }
      if (!scan_token (&s, &want))
        break;
    }
  while (s.depth > 0)
    pop (&s);
  if (not_json)
    *not_json = s.syntax;
  return s.error;
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
  /* JSON has no infinity or NaN (json-glib would write "inf", which no reader takes): a figure
   * that overflowed is unknown, and null says so */
  if (!isfinite (v))
    {
      g_string_append (out, "null");
      return;
    }
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
