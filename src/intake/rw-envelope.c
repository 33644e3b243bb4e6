/* rw-envelope.c — sealing, verification and the replay-refusing inbox (the keyring itself is
 * src/store/rw-keyring.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-envelope.h"
#include "rw-canonical.h"
#include "rw-json-util.h"

#include <string.h>

RwKeyring *
rw_keyring_load (const char *path, gboolean create, GError **error)
{
  g_autoptr(GError) local = NULL;
  RwKeyring *kr = rw_keyring_open (path, create, &local);
  if (kr == NULL)
    {
      gboolean io = g_error_matches (local, RW_STORE_ERROR, RW_STORE_ERROR_IO);
      local->domain = RW_INTAKE_ERROR;
      local->code = io ? RW_INTAKE_ERROR_IO : RW_INTAKE_ERROR_INVALID;
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return kr;
}

static char *
hex (const guint8 *data, gsize len)
{
  GString *s = g_string_sized_new (len * 2);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
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
  return rw_keyring_hmac (key, text, -1);
}

RwEnvelope *
rw_envelope_seal (const RwKeyring *kr, const char *sender, guint64 seq, gint64 now_ms, JsonNode *body)
{
  RwEnvelope *e = g_new0 (RwEnvelope, 1);
  GBytes *key = rw_keyring_lookup (kr, rw_keyring_current (kr));
  g_autoptr(GBytes) nonce = rw_keyring_random_bytes (16);
  gsize len;
  e->key_version = rw_keyring_current (kr);
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

gboolean
rw_envelope_verify_record (const RwKeyring *kr, const RwEnvelope *e, GError **error)
{
  GBytes *key = rw_keyring_lookup (kr, e->key_version);
  g_autofree char *mac = NULL;
  if (key == NULL)
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_UNKNOWN_KEY,
                   "envelope %s#%" G_GUINT64_FORMAT ": signed with key version %u, which this keyring does not hold",
                   e->sender, e->seq, e->key_version);
      return FALSE;
    }
  mac = compute_mac (key, e);
  if (!rw_keyring_mac_equal (mac, e->mac))
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
  if (e->key_version != rw_keyring_current (in->kr))
    {
      /* a retired key signs nothing new: only envelopes sealed before the rotation, within the
       * grace period, still arrive with it */
      gint64 retired = 0;
      if (!rw_keyring_retired_at (in->kr, e->key_version, &retired))
        return refuse (in, e, error, RW_INTAKE_ERROR_UNKNOWN_KEY,
                       "envelope %s#%" G_GUINT64_FORMAT ": signed with key version %u, which is not the current one "
                       "(%u) and has no retirement time", e->sender, e->seq, e->key_version,
                       rw_keyring_current (in->kr));
      if (now_ms > retired + RW_KEY_GRACE_MS)
        return refuse (in, e, error, RW_INTAKE_ERROR_UNKNOWN_KEY,
                       "envelope %s#%" G_GUINT64_FORMAT ": signed with key version %u, retired %" G_GINT64_FORMAT
                       " ms ago (the grace period is %d ms)", e->sender, e->seq, e->key_version, now_ms - retired,
                       RW_KEY_GRACE_MS);
    }
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
  /* the nonces within the TTL outlive this inbox in the store: a replay after a restart is refused too
   * (sequence numbers start again with each run of a sender, so only the nonce can be kept) */
  if (in->store)
    {
      gboolean seen = FALSE;
      if (!rw_store_nonce_remember (in->store, e->nonce, e->sender, e->seq, e->ts_ms,
                                    now_ms - RW_ENVELOPE_TTL_MS - RW_ENVELOPE_SKEW_MS, &seen, &local))
        return refuse (in, e, error, RW_INTAKE_ERROR_IO, "envelope %s#%" G_GUINT64_FORMAT ": %s", e->sender, e->seq,
                       local->message);
      if (seen)
        return refuse (in, e, error, RW_INTAKE_ERROR_REPLAYED,
                       "envelope %s#%" G_GUINT64_FORMAT ": replayed (nonce %s seen before, by an earlier inbox)",
                       e->sender, e->seq, e->nonce);
    }
  g_hash_table_insert (in->nonces, g_strdup (e->nonce), g_memdup2 (&e->ts_ms, sizeof e->ts_ms));
  g_hash_table_insert (in->last_seq, g_strdup (e->sender), g_memdup2 (&e->seq, sizeof e->seq));
  return TRUE;
}
