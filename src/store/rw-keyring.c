/* rw-keyring.c — the key file: load, create, rotate, save.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-keyring.h"
#include "rw-store.h"
#include "rw-file.h"
#include "rw-json-util.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYS_FORMAT "routewise-keys"
#define KEYS_MAX_BYTES ((gsize) 1 << 20) /* a key file holds a few hundred bytes per version */

struct _RwKeyring {
  char *path;              /* NULL: in memory only */
  guint current;
  GHashTable *keys;        /* GUINT_TO_POINTER (version) -> GBytes (RW_KEY_BYTES) */
  GHashTable *retired;     /* GUINT_TO_POINTER (version) -> gint64 *: when rotation retired it, ms */
};

GBytes *
rw_keyring_random_bytes (gsize n)
{
  guint8 *k = g_malloc (n);
  gsize got = 0;
  /* GRand is not a cryptographic generator; the kernel's is. getrandom() needs no file (it works
   * in sandboxes without /dev) and, once the pool is seeded at boot, does not fail; a kernel
   * without it (ENOSYS) gets /dev/urandom. A machine with neither cannot sign safely at all. */
  while (got < n)
    {
      gssize r = getrandom (k + got, n - got, 0);
      if (r > 0)
        got += (gsize) r;
      else if (r < 0 && errno == EINTR)
        continue;
      else
        break;
    }
  if (got < n)
    {
      g_autoptr(GFile) f = g_file_new_for_path ("/dev/urandom");
      g_autoptr(GFileInputStream) in = g_file_read (f, NULL, NULL);
      if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), k, n, &got, NULL, NULL) || got != n)
        g_error ("neither getrandom() nor /dev/urandom gives random bytes for a signing key or nonce");
    }
  return g_bytes_new_take (k, n);
}

char *
rw_keyring_hmac (GBytes *key, const char *data, gssize len)
{
  gsize klen;
  const guint8 *k = g_bytes_get_data (key, &klen);
  g_autoptr(GHmac) h = g_hmac_new (G_CHECKSUM_SHA256, k, klen);
  g_hmac_update (h, (const guchar *) data, len);
  return g_strdup (g_hmac_get_string (h));
}

gboolean
rw_keyring_mac_equal (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint8 diff = la != lb;
  for (gsize i = 0; i < MIN (la, lb); i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

static RwKeyring *
keyring_new (const char *path)
{
  RwKeyring *kr = g_new0 (RwKeyring, 1);
  kr->path = g_strdup (path);
  kr->keys = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_bytes_unref);
  kr->retired = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return kr;
}

void
rw_keyring_free (RwKeyring *kr)
{
  if (kr == NULL)
    return;
  g_free (kr->path);
  g_hash_table_unref (kr->keys);
  g_hash_table_unref (kr->retired);
  g_free (kr);
}

RwKeyring *
rw_keyring_new_ephemeral (void)
{
  RwKeyring *kr = keyring_new (NULL);
  kr->current = 1;
  g_hash_table_insert (kr->keys, GUINT_TO_POINTER (1), rw_keyring_random_bytes (RW_KEY_BYTES));
  return kr;
}

guint
rw_keyring_current (const RwKeyring *kr)
{
  return kr->current;
}

guint
rw_keyring_n_keys (const RwKeyring *kr)
{
  return g_hash_table_size (kr->keys);
}

GBytes *
rw_keyring_lookup (const RwKeyring *kr, guint version)
{
  return g_hash_table_lookup (kr->keys, GUINT_TO_POINTER (version));
}

gboolean
rw_keyring_retired_at (const RwKeyring *kr, guint version, gint64 *ms)
{
  gint64 *at = g_hash_table_lookup (kr->retired, GUINT_TO_POINTER (version));
  if (at && ms)
    *ms = *at;
  return at != NULL;
}

const char *
rw_keyring_path (const RwKeyring *kr)
{
  return kr->path;
}

char *
rw_keyring_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "routewise", "keys.json", NULL);
}

static char *
hex (const guint8 *data, gsize len)
{
  GString *s = g_string_sized_new (len * 2);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

static GBytes *
unhex (const char *s)
{
  gsize n = strlen (s);
  g_autofree guint8 *out = NULL;
  if (n != RW_KEY_BYTES * 2)
    return NULL;
  out = g_malloc (n / 2);
  for (gsize i = 0; i < n / 2; i++)
    {
      int hi = g_ascii_xdigit_value (s[2 * i]), lo = g_ascii_xdigit_value (s[2 * i + 1]);
      if (hi < 0 || lo < 0)
        return NULL;
      out[i] = hi << 4 | lo;
    }
  return g_bytes_new_take (g_steal_pointer (&out), n / 2);
}

static gint
compare_versions (gconstpointer a, gconstpointer b)
{
  guint va = GPOINTER_TO_UINT (a), vb = GPOINTER_TO_UINT (b);
  return va < vb ? -1 : va > vb;
}

static char *
keyring_text (const RwKeyring *kr)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) doc = NULL;
  /* the versions that exist, in order: counting up to current would take minutes for a huge one */
  g_autoptr(GList) versions = g_list_sort (g_hash_table_get_keys (kr->keys), compare_versions);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, KEYS_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "current");
  json_builder_add_int_value (b, kr->current);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_object (b);
  for (GList *l = versions; l; l = l->next)
    {
      GBytes *k = g_hash_table_lookup (kr->keys, l->data);
      g_autofree char *name = g_strdup_printf ("%u", GPOINTER_TO_UINT (l->data));
      g_autofree char *h = NULL;
      gsize len;
      const guint8 *bytes = g_bytes_get_data (k, &len);
      h = hex (bytes, len);
      json_builder_set_member_name (b, name);
      json_builder_add_string_value (b, h);
    }
  json_builder_end_object (b);
  if (g_hash_table_size (kr->retired) > 0)
    {
      g_autoptr(GList) old = g_list_sort (g_hash_table_get_keys (kr->retired), compare_versions);
      json_builder_set_member_name (b, "retired");
      json_builder_begin_object (b);
      for (GList *l = old; l; l = l->next)
        {
          g_autofree char *name = g_strdup_printf ("%u", GPOINTER_TO_UINT (l->data));
          json_builder_set_member_name (b, name);
          json_builder_add_int_value (b, *(gint64 *) g_hash_table_lookup (kr->retired, l->data));
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  doc = json_builder_get_root (b);
  return rw_json_to_string (doc, TRUE);
}

static gboolean
make_parent (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_IO, "%s: cannot create the directory: %s", dir,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Replaces the file: written to a temporary file with mode 0600 and renamed, so it is never
 * readable by others and never half-written. */
static gboolean
keyring_save (const RwKeyring *kr, GError **error)
{
  g_autofree char *text = keyring_text (kr);
  g_autoptr(GError) local = NULL;
  if (!make_parent (kr->path, error))
    return FALSE;
  if (!g_file_set_contents_full (kr->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

/* Creates the file only if nobody else has: the complete file is written under another name and
 * hard-linked into place, which fails when the name exists. Returns FALSE with @error unset when
 * another process created it first. */
static gboolean
keyring_create (const RwKeyring *kr, GError **error)
{
  g_autofree char *text = keyring_text (kr);
  g_autofree char *tmp = g_strdup_printf ("%s.new-XXXXXX", kr->path);
  g_autoptr(GError) local = NULL;
  int fd, saved;
  gboolean linked;

  if (!make_parent (kr->path, error))
    return FALSE;
  if ((fd = g_mkstemp_full (tmp, O_RDWR, 0600)) < 0)
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_IO, "%s: %s", tmp, g_strerror (errno));
      return FALSE;
    }
  close (fd);
  if (!g_file_set_contents_full (tmp, text, -1, G_FILE_SET_CONTENTS_DURABLE, 0600, &local))
    {
      g_unlink (tmp);
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  linked = link (tmp, kr->path) == 0;
  saved = errno;
  g_unlink (tmp);
  if (!linked && saved != EEXIST)
    g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_IO, "%s: %s", kr->path, g_strerror (saved));
  return linked;
}

static RwKeyring *
keyring_load (const char *path, gboolean create, GError **error)
{
  static const char *const keys[] = { "format", "version", "current", "keys", "retired", NULL };
  g_autoptr(RwKeyring) kr = keyring_new (path);
  g_autofree char *data = NULL, *format = NULL, *bad = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  RwJsonCtx c = { path, error };
  GStatBuf st;
  JsonObject *o, *ko = NULL, *ro = NULL;
  guint64 version, current;
  gsize len;
  gboolean not_json;

  if (g_stat (path, &st) != 0)
    {
      if (errno == ENOENT && create)
        {
          kr->current = 1;
          g_hash_table_insert (kr->keys, GUINT_TO_POINTER (1), rw_keyring_random_bytes (RW_KEY_BYTES));
          if (keyring_create (kr, &local))
            return g_steal_pointer (&kr);
          if (local)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          return keyring_load (path, FALSE, error); /* someone else's is the one */
        }
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_IO, "%s: %s", path, g_strerror (errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_IO, "%s: the key file is not a regular file", path);
      return NULL;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID,
                   "%s: the key file is readable or writable by others (mode %03o); run chmod 600 on it",
                   path, (unsigned) (st.st_mode & 0777));
      return NULL;
    }
  if (!rw_read_regular_file (path, KEYS_MAX_BYTES, &data, &len, &local))
    {
      g_set_error_literal (error, RW_STORE_ERROR, RW_STORE_ERROR_IO, local->message);
      return NULL;
    }
  if ((bad = rw_json_check_text (data, (gssize) len, &not_json)) != NULL)
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID, not_json ? "%s: not a key file (%s)" : "%s: %s", path, bad);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local) || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID, "%s: not a key file (%s)", path,
                   local ? local->message : "expected a JSON object");
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  if (!rw_json_check_keys (&c, o, "", keys) || !rw_json_get_string (&c, o, "format", "", TRUE, &format))
    return NULL;
  if (strcmp (format, KEYS_FORMAT) != 0)
    {
      rw_json_fail (&c, "format: '%s' is not '" KEYS_FORMAT "'", format);
      return NULL;
    }
  if (!rw_json_get_uint (&c, o, "version", "", TRUE, 1, 1, 1, &version)
      || !rw_json_get_uint (&c, o, "current", "", TRUE, 1, RW_KEY_VERSION_MAX, 1, &current)
      || !rw_json_get_object (&c, o, "keys", "", TRUE, &ko)
      || !rw_json_get_object (&c, o, "retired", "", FALSE, &ro))
    return NULL;
  if (ro)
    {
      g_autoptr(GList) members = json_object_get_members (ro);
      for (GList *l = members; l; l = l->next)
        {
          guint64 v;
          gint64 at;
          if (!g_ascii_string_to_unsigned (l->data, 10, 1, RW_KEY_VERSION_MAX, &v, NULL))
            {
              rw_json_fail (&c, "retired.%s: a key version must be a positive integer", (char *) l->data);
              return NULL;
            }
          if (!rw_json_get_int (&c, ro, l->data, "retired", TRUE, 0, G_MAXINT64, 0, &at))
            return NULL;
          g_hash_table_insert (kr->retired, GUINT_TO_POINTER ((guint) v), g_memdup2 (&at, sizeof at));
        }
    }
  {
    g_autoptr(GList) members = json_object_get_members (ko);
    for (GList *l = members; l; l = l->next)
      {
        guint64 v;
        JsonNode *n = json_object_get_member (ko, l->data);
        GBytes *k;
        if (!g_ascii_string_to_unsigned (l->data, 10, 1, RW_KEY_VERSION_MAX, &v, NULL))
          {
            rw_json_fail (&c, "keys.%s: a key version must be a positive integer", (char *) l->data);
            return NULL;
          }
        if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING
            || (k = unhex (json_node_get_string (n))) == NULL)
          {
            rw_json_fail (&c, "keys.%s: expected %d hex characters", (char *) l->data, RW_KEY_BYTES * 2);
            return NULL;
          }
        g_hash_table_insert (kr->keys, GUINT_TO_POINTER ((guint) v), k);
      }
  }
  if (!g_hash_table_contains (kr->keys, GUINT_TO_POINTER ((guint) current)))
    {
      rw_json_fail (&c, "current: there is no key version %" G_GUINT64_FORMAT, current);
      return NULL;
    }
  kr->current = current;
  return g_steal_pointer (&kr);
}

RwKeyring *
rw_keyring_open (const char *path, gboolean create, GError **error)
{
  g_autoptr(GError) local = NULL;
  RwKeyring *kr = keyring_load (path, create, &local);
  if (kr == NULL)
    {
      /* the strict JSON readers report in the twin's domain */
      if (local->domain != RW_STORE_ERROR)
        {
          local->domain = RW_STORE_ERROR;
          local->code = RW_STORE_ERROR_INVALID;
        }
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return kr;
}

gboolean
rw_keyring_rotate (RwKeyring *kr, GError **error)
{
  guint top = 0, next, was = kr->current;
  gboolean retired_now = FALSE;
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, kr->keys);
  while (g_hash_table_iter_next (&it, &key, NULL))
    top = MAX (top, GPOINTER_TO_UINT (key));
  if (top >= RW_KEY_VERSION_MAX)
    {
      /* the next version would wrap to 0 and the file would lose every key */
      g_set_error (error, RW_STORE_ERROR, RW_STORE_ERROR_INVALID,
                   "%s: cannot rotate: key version %u is the highest there can be; start a new key file",
                   kr->path ? kr->path : "(keyring in memory)", top);
      return FALSE;
    }
  next = top + 1;
  g_hash_table_insert (kr->keys, GUINT_TO_POINTER (next), rw_keyring_random_bytes (RW_KEY_BYTES));
  kr->current = next;
  /* the old key still verifies records, but live inboxes take it only for a grace period */
  if (!g_hash_table_contains (kr->retired, GUINT_TO_POINTER (was)))
    {
      gint64 now_ms = g_get_real_time () / 1000;
      g_hash_table_insert (kr->retired, GUINT_TO_POINTER (was), g_memdup2 (&now_ms, sizeof now_ms));
      retired_now = TRUE;
    }
  if (kr->path && !keyring_save (kr, error))
    {
      g_hash_table_remove (kr->keys, GUINT_TO_POINTER (next));
      if (retired_now)
        g_hash_table_remove (kr->retired, GUINT_TO_POINTER (was));
      kr->current = was;
      return FALSE;
    }
  return TRUE;
}
