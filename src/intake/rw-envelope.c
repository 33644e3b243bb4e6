/* rw-envelope.c — keyring, sealing, verification and the replay-refusing inbox.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-envelope.h"
#include "rw-canonical.h"
#include "rw-file.h"
#include "rw-json-util.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#define KEYS_FORMAT "routewise-keys"
#define KEYS_MAX_BYTES ((gsize) 1 << 20) /* a key file holds a few hundred bytes per version */

struct _RwKeyring {
  char *path;              /* NULL: in memory only */
  guint current;
  GHashTable *keys;        /* GUINT_TO_POINTER (version) -> GBytes (RW_KEY_BYTES) */
};

static GBytes *
random_key (void)
{
  guint8 *k = g_malloc (RW_KEY_BYTES);
  gsize got = 0;
  /* GRand is not a cryptographic generator; the kernel's is. getrandom() needs no file (it works
   * in sandboxes without /dev) and, once the pool is seeded at boot, does not fail; a kernel
   * without it (ENOSYS) gets /dev/urandom. A machine with neither cannot sign safely at all. */
  while (got < RW_KEY_BYTES)
    {
      gssize n = getrandom (k + got, RW_KEY_BYTES - got, 0);
      if (n > 0)
        got += (gsize) n;
      else if (n < 0 && errno == EINTR)
        continue;
      else
        break;
    }
  if (got < RW_KEY_BYTES)
    {
      g_autoptr(GFile) f = g_file_new_for_path ("/dev/urandom");
      g_autoptr(GFileInputStream) in = g_file_read (f, NULL, NULL);
      if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), k, RW_KEY_BYTES, &got, NULL, NULL)
          || got != RW_KEY_BYTES)
        g_error ("neither getrandom() nor /dev/urandom gives random bytes for a signing key or nonce");
    }
  return g_bytes_new_take (k, RW_KEY_BYTES);
}

static RwKeyring *
keyring_new (const char *path)
{
  RwKeyring *kr = g_new0 (RwKeyring, 1);
  kr->path = g_strdup (path);
  kr->keys = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_bytes_unref);
  return kr;
}

void
rw_keyring_free (RwKeyring *kr)
{
  if (kr == NULL)
    return;
  g_free (kr->path);
  g_hash_table_unref (kr->keys);
  g_free (kr);
}

RwKeyring *
rw_keyring_new_ephemeral (void)
{
  RwKeyring *kr = keyring_new (NULL);
  kr->current = 1;
  g_hash_table_insert (kr->keys, GUINT_TO_POINTER (1), random_key ());
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

static gboolean
keyring_save (const RwKeyring *kr, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) doc = NULL;
  g_autofree char *text = NULL, *dir = NULL;
  g_autoptr(GError) local = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, KEYS_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "current");
  json_builder_add_int_value (b, kr->current);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_object (b);
  for (guint v = 1; v <= kr->current; v++)
    {
      GBytes *k = g_hash_table_lookup (kr->keys, GUINT_TO_POINTER (v));
      g_autofree char *name = g_strdup_printf ("%u", v);
      g_autofree char *h = NULL;
      const guint8 *bytes;
      gsize len;
      if (k == NULL)
        continue;
      bytes = g_bytes_get_data (k, &len);
      h = hex (bytes, len);
      json_builder_set_member_name (b, name);
      json_builder_add_string_value (b, h);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  doc = json_builder_get_root (b);
  text = rw_json_to_string (doc, TRUE);
  dir = g_path_get_dirname (kr->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_IO, "%s: cannot create the directory: %s", dir,
                   g_strerror (errno));
      return FALSE;
    }
  /* written to a temporary file with mode 0600 and renamed: never readable by others, never half-written */
  if (!g_file_set_contents_full (kr->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

static RwKeyring *
keyring_load (const char *path, gboolean create, GError **error)
{
  static const char *const keys[] = { "format", "version", "current", "keys", NULL };
  g_autoptr(RwKeyring) kr = keyring_new (path);
  g_autofree char *data = NULL, *format = NULL, *bad = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  RwJsonCtx c = { path, error };
  GStatBuf st;
  JsonObject *o, *ko = NULL;
  guint64 version, current;
  gsize len;
  gboolean not_json;

  if (g_stat (path, &st) != 0)
    {
      if (errno == ENOENT && create)
        {
          kr->current = 1;
          g_hash_table_insert (kr->keys, GUINT_TO_POINTER (1), random_key ());
          return keyring_save (kr, error) ? g_steal_pointer (&kr) : NULL;
        }
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_IO, "%s: %s", path, g_strerror (errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_IO, "%s: the key file is not a regular file", path);
      return NULL;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID,
                   "%s: the key file is readable or writable by others (mode %03o); run chmod 600 on it",
                   path, (unsigned) (st.st_mode & 0777));
      return NULL;
    }
  if (!rw_read_regular_file (path, KEYS_MAX_BYTES, &data, &len, &local))
    {
      g_set_error_literal (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_IO, local->message);
      return NULL;
    }
  if ((bad = rw_json_check_text (data, (gssize) len, &not_json)) != NULL)
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID, not_json ? "%s: not a key file (%s)" : "%s: %s", path, bad);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local) || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID, "%s: not a key file (%s)", path,
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
      || !rw_json_get_uint (&c, o, "current", "", TRUE, 1, G_MAXUINT32, 1, &current)
      || !rw_json_get_object (&c, o, "keys", "", TRUE, &ko))
    return NULL;
  {
    g_autoptr(GList) members = json_object_get_members (ko);
    for (GList *l = members; l; l = l->next)
      {
        guint64 v;
        JsonNode *n = json_object_get_member (ko, l->data);
        GBytes *k;
        if (!g_ascii_string_to_unsigned (l->data, 10, 1, G_MAXUINT32, &v, NULL))
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
rw_keyring_load (const char *path, gboolean create, GError **error)
{
  RwKeyring *kr = keyring_load (path, create, error);
  if (kr == NULL)
    rw_intake_error_normalise (error);
  return kr;
}

gboolean
rw_keyring_rotate (RwKeyring *kr, GError **error)
{
  guint next = 0;
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, kr->keys);
  while (g_hash_table_iter_next (&it, &key, NULL))
    next = MAX (next, GPOINTER_TO_UINT (key));
  next++;
  g_hash_table_insert (kr->keys, GUINT_TO_POINTER (next), random_key ());
  kr->current = next;
  if (kr->path && !keyring_save (kr, error))
    {
      g_hash_table_remove (kr->keys, GUINT_TO_POINTER (next));
      kr->current = next - 1;
      return FALSE;
    }
  return TRUE;
}

/* ---- envelopes ---- */

void
rw_envelope_free (RwEnvelope *e)
{
  if (e == NULL)
    return;
  g_free (e->nonce);
  g_free (e->sender);
  g_clear_pointer (&e->body, json_node_unref);
  g_free (e->mac);
  g_free (e);
}

/* The signed bytes: every field but the MAC, canonical. */
static char *
signed_text (const RwEnvelope *e)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) doc = NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "body");
  json_builder_add_value (b, e->body ? json_node_copy (e->body) : json_node_new (JSON_NODE_NULL));
  json_builder_set_member_name (b, "key_version");
  json_builder_add_int_value (b, e->key_version);
  json_builder_set_member_name (b, "nonce");
  json_builder_add_string_value (b, e->nonce);
  json_builder_set_member_name (b, "sender");
  json_builder_add_string_value (b, e->sender);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) e->seq);
  json_builder_set_member_name (b, "ts_ms");
  json_builder_add_int_value (b, e->ts_ms);
  json_builder_end_object (b);
  doc = json_builder_get_root (b);
  return rw_json_canonical (doc);
}

static char *
compute_mac (GBytes *key, const RwEnvelope *e)
{
  g_autofree char *text = signed_text (e);
  gsize len;
  const guint8 *k = g_bytes_get_data (key, &len);
  g_autoptr(GHmac) h = g_hmac_new (G_CHECKSUM_SHA256, k, len);
  g_hmac_update (h, (const guchar *) text, strlen (text));
  return g_strdup (g_hmac_get_string (h));
}

RwEnvelope *
rw_envelope_seal (const RwKeyring *kr, const char *sender, guint64 seq, gint64 now_ms, JsonNode *body)
{
  RwEnvelope *e = g_new0 (RwEnvelope, 1);
  GBytes *key = g_hash_table_lookup (kr->keys, GUINT_TO_POINTER (kr->current));
  g_autoptr(GBytes) nonce = random_key ();
  gsize len;
  e->key_version = kr->current;
  e->nonce = hex (g_bytes_get_data (nonce, &len), 16);
  e->seq = seq;
  e->ts_ms = now_ms;
  e->sender = g_strdup (sender);
  e->body = body ? json_node_copy (body) : json_node_new (JSON_NODE_NULL);
  e->mac = compute_mac (key, e);
  return e;
}

JsonNode *
rw_envelope_to_json (const RwEnvelope *e)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key_version");
  json_builder_add_int_value (b, e->key_version);
  json_builder_set_member_name (b, "nonce");
  json_builder_add_string_value (b, e->nonce);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) e->seq);
  json_builder_set_member_name (b, "ts_ms");
  json_builder_add_int_value (b, e->ts_ms);
  json_builder_set_member_name (b, "sender");
  json_builder_add_string_value (b, e->sender);
  json_builder_set_member_name (b, "body");
  json_builder_add_value (b, json_node_copy (e->body));
  json_builder_set_member_name (b, "mac");
  json_builder_add_string_value (b, e->mac);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static RwEnvelope *
envelope_from_json (JsonNode *node, const char *source, GError **error)
{
  static const char *const keys[] = { "key_version", "nonce", "seq", "ts_ms", "sender", "body", "mac", NULL };
  RwJsonCtx c = { source, error };
  g_autoptr(RwEnvelope) e = g_new0 (RwEnvelope, 1);
  JsonObject *o;
  guint64 kv, seq;
  gint64 ts;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID, "%s: envelope: expected an object", source);
      return NULL;
    }
  o = json_node_get_object (node);
  if (!rw_json_check_keys (&c, o, "envelope", keys)
      || !rw_json_get_uint (&c, o, "key_version", "envelope", TRUE, 1, G_MAXUINT32, 1, &kv)
      || !rw_json_get_string (&c, o, "nonce", "envelope", TRUE, &e->nonce)
      || !rw_json_get_uint (&c, o, "seq", "envelope", TRUE, 0, G_MAXINT64, 0, &seq)
      || !rw_json_get_int (&c, o, "ts_ms", "envelope", TRUE, 0, G_MAXINT64, 0, &ts)
      || !rw_json_get_string (&c, o, "sender", "envelope", TRUE, &e->sender)
      || !rw_json_get_string (&c, o, "mac", "envelope", TRUE, &e->mac))
    return NULL;
  if (!json_object_has_member (o, "body"))
    {
      rw_json_fail (&c, "envelope.body: missing");
      return NULL;
    }
  e->key_version = kv;
  e->seq = seq;
  e->ts_ms = ts;
  e->body = json_node_copy (json_object_get_member (o, "body"));
  return g_steal_pointer (&e);
}

RwEnvelope *
rw_envelope_from_json (JsonNode *node, const char *source, GError **error)
{
  RwEnvelope *e = envelope_from_json (node, source, error);
  if (e == NULL)
    rw_intake_error_normalise (error);
  return e;
}

/* Compares every byte so the time taken says nothing about where a forged MAC goes wrong. */
static gboolean
equal_constant_time (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint8 diff = la != lb;
  for (gsize i = 0; i < MIN (la, lb); i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

gboolean
rw_envelope_verify_record (const RwKeyring *kr, const RwEnvelope *e, GError **error)
{
  GBytes *key = g_hash_table_lookup (kr->keys, GUINT_TO_POINTER (e->key_version));
  g_autofree char *mac = NULL;
  if (key == NULL)
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_UNKNOWN_KEY,
                   "envelope %s#%" G_GUINT64_FORMAT ": signed with key version %u, which this keyring does not hold",
                   e->sender, e->seq, e->key_version);
      return FALSE;
    }
  mac = compute_mac (key, e);
  if (!equal_constant_time (mac, e->mac))
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_TAMPERED,
                   "envelope %s#%" G_GUINT64_FORMAT ": the MAC does not match its content (tampered)", e->sender,
                   e->seq);
      return FALSE;
    }
  return TRUE;
}

/* ---- inbox ---- */

struct _RwInbox {
  const RwKeyring *kr;
  RwStore *store;
  GHashTable *nonces;      /* nonce -> ts_ms (gint64 boxed in a pointer-sized int) */
  GHashTable *last_seq;    /* sender -> guint64* */
};

RwInbox *
rw_inbox_new (const RwKeyring *kr, RwStore *store)
{
  RwInbox *in = g_new0 (RwInbox, 1);
  in->kr = kr;
  in->store = store;
  in->nonces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  in->last_seq = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return in;
}

void
rw_inbox_free (RwInbox *in)
{
  if (in == NULL)
    return;
  g_hash_table_unref (in->nonces);
  g_hash_table_unref (in->last_seq);
  g_free (in);
}

static gboolean
refuse (RwInbox *in, const RwEnvelope *e, GError **error, RwIntakeError code, const char *fmt, ...)
  G_GNUC_PRINTF (5, 6);

static gboolean
refuse (RwInbox *in, const RwEnvelope *e, GError **error, RwIntakeError code, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (in->store)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) payload = NULL;
      g_autoptr(GError) local = NULL;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, msg);
      json_builder_set_member_name (b, "sender");
      json_builder_add_string_value (b, e->sender);
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, (gint64) e->seq);
      json_builder_set_member_name (b, "key_version");
      json_builder_add_int_value (b, e->key_version);
      json_builder_set_member_name (b, "nonce");
      json_builder_add_string_value (b, e->nonce);
      json_builder_end_object (b);
      payload = json_builder_get_root (b);
      if (!rw_store_append (in->store, 0, "intake.envelope_refused", "inbox", NULL, payload, NULL, &local))
        g_warning ("%s", local->message);
    }
  g_set_error_literal (error, RW_INTAKE_ERROR, code, msg);
  return FALSE;
}

gboolean
rw_inbox_accept (RwInbox *in, const RwEnvelope *e, gint64 now_ms, GError **error)
{
  g_autoptr(GError) local = NULL;
  guint64 *last;
  GHashTableIter it;
  gpointer key, value;

  if (!rw_envelope_verify_record (in->kr, e, &local))
    return refuse (in, e, error, local->code, "%s", local->message);
  if (e->ts_ms < now_ms - RW_ENVELOPE_TTL_MS)
    return refuse (in, e, error, RW_INTAKE_ERROR_EXPIRED,
                   "envelope %s#%" G_GUINT64_FORMAT ": expired (%" G_GINT64_FORMAT " ms old, the TTL is %d ms)",
                   e->sender, e->seq, now_ms - e->ts_ms, RW_ENVELOPE_TTL_MS);
  if (e->ts_ms > now_ms + RW_ENVELOPE_SKEW_MS)
    return refuse (in, e, error, RW_INTAKE_ERROR_EXPIRED,
                   "envelope %s#%" G_GUINT64_FORMAT ": from %" G_GINT64_FORMAT " ms in the future (allowed skew %d ms)",
                   e->sender, e->seq, e->ts_ms - now_ms, RW_ENVELOPE_SKEW_MS);
  if (g_hash_table_contains (in->nonces, e->nonce))
    return refuse (in, e, error, RW_INTAKE_ERROR_REPLAYED,
                   "envelope %s#%" G_GUINT64_FORMAT ": replayed (nonce %s seen before)", e->sender, e->seq, e->nonce);
  last = g_hash_table_lookup (in->last_seq, e->sender);
  if (last && e->seq <= *last)
    return refuse (in, e, error, RW_INTAKE_ERROR_REPLAYED,
                   "envelope %s#%" G_GUINT64_FORMAT ": replayed (sequence not above %" G_GUINT64_FORMAT ")",
                   e->sender, e->seq, *last);
  /* nonces older than the TTL can be forgotten: such envelopes are refused as expired anyway */
  g_hash_table_iter_init (&it, in->nonces);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (*(gint64 *) value < now_ms - RW_ENVELOPE_TTL_MS - RW_ENVELOPE_SKEW_MS)
      g_hash_table_iter_remove (&it);
  g_hash_table_insert (in->nonces, g_strdup (e->nonce), g_memdup2 (&e->ts_ms, sizeof e->ts_ms));
  g_hash_table_insert (in->last_seq, g_strdup (e->sender), g_memdup2 (&e->seq, sizeof e->seq));
  return TRUE;
}
