/* rw-canonical.c — canonical JSON text for hashing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-canonical.h"
#include "rw-json-util.h"

#include <math.h>
#include <string.h>

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
append_canonical (GString *out, JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_string_append (out, "null");
      return;
    }
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (o);
        g_autoptr(GPtrArray) names = g_ptr_array_new ();
        for (GList *m = members; m; m = m->next)
          g_ptr_array_add (names, m->data);
        g_ptr_array_sort (names, compare_names);
        g_string_append_c (out, '{');
        for (guint i = 0; i < names->len; i++)
          {
            g_autoptr(JsonNode) key = json_node_init_string (json_node_alloc (), names->pdata[i]);
            g_autofree char *key_text = rw_json_to_string (key, FALSE);
            if (i > 0)
              g_string_append_c (out, ',');
            g_string_append (out, key_text);
            g_string_append_c (out, ':');
            append_canonical (out, json_object_get_member (o, names->pdata[i]));
          }
        g_string_append_c (out, '}');
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);
        guint n = json_array_get_length (a);
        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_canonical (out, json_array_get_element (a, i));
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
        g_string_append (out, "null");
      else
        {
          /* one scalar: the same number and string text as every other file Routewise writes */
          g_autofree char *text = rw_json_to_string (node, FALSE);
          g_string_append (out, text);
        }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    }
}

char *
rw_json_canonical (JsonNode *node)
{
  GString *out = g_string_new (NULL);
  append_canonical (out, node);
  return g_string_free (out, FALSE);
}
