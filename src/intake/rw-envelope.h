/* rw-envelope.h — signed task envelopes: HMAC-SHA256 (GHmac) over the canonical JSON of
 * {body, key_version, nonce, sender, seq, ts_ms}; the receiving inbox refuses tampered,
 * replayed (nonce or sequence seen), expired (older than the TTL, or further in the future
 * than the allowed skew) and unknown-key envelopes. Keys live in a keyring file readable by the
 * user only (0600), never in the database; rotation adds a key version and keeps the old ones,
 * so records signed before still verify.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-intake.h"
#include "rw-store.h"
#include "rw-keyring.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define RW_ENVELOPE_TTL_MS 120000
#define RW_ENVELOPE_SKEW_MS 5000
/* How long after a rotation a live inbox still takes the retired key: an envelope sealed just
 * before it may arrive for its whole TTL. */
#define RW_KEY_GRACE_MS (RW_ENVELOPE_TTL_MS + RW_ENVELOPE_SKEW_MS)
/* The keyring (RwKeyring, rw_keyring_*) is rw-keyring.h: the audit chain is keyed with it too.
 * Loads @path, or creates it with one fresh key when it does not exist and @create is set.
 * A file that others may read or write (mode not 0600/0400) is refused, as is a malformed one
 * (the message names the file and the JSON path): RW_INTAKE_ERROR_IO or _INVALID. */
RwKeyring *rw_keyring_load (const char *path, gboolean create, GError **error);

typedef struct {
  guint key_version;
  char *nonce;        /* 32 hex characters */
  guint64 seq;
  gint64 ts_ms;       /* sender's clock, ms since the epoch */
  char *sender;
  JsonNode *body;
  char *mac;          /* lowercase hex HMAC-SHA256 */
} RwEnvelope;

/* Seals @body with the current key. */
RwEnvelope *rw_envelope_seal (const RwKeyring *kr, const char *sender, guint64 seq, gint64 now_ms, JsonNode *body);
void rw_envelope_free (RwEnvelope *e);
JsonNode *rw_envelope_to_json (const RwEnvelope *e);
/* Strict reader: the message names @source and the JSON path. */
RwEnvelope *rw_envelope_from_json (JsonNode *node, const char *source, GError **error);

/* The MAC alone (a stored record, long after its TTL): RW_INTAKE_ERROR_UNKNOWN_KEY or
 * RW_INTAKE_ERROR_TAMPERED on failure. */
gboolean rw_envelope_verify_record (const RwKeyring *kr, const RwEnvelope *e, GError **error);

/* What a receiver remembers to refuse replays: nonces within the TTL (also in the store, when
 * it has one, so they survive a restart), the last sequence number per sender. An envelope
 * signed with a retired key version is refused once RW_KEY_GRACE_MS have passed since the
 * rotation. */
typedef struct _RwInbox RwInbox;
/* @store (may be NULL) receives an audit event for every refusal. */
RwInbox *rw_inbox_new (const RwKeyring *kr, RwStore *store);
void rw_inbox_free (RwInbox *in);
/* Accepts @e at @now_ms or refuses it with the reason in @error (and in the audit log). */
gboolean rw_inbox_accept (RwInbox *in, const RwEnvelope *e, gint64 now_ms, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwEnvelope, rw_envelope_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwInbox, rw_inbox_free)

G_END_DECLS
