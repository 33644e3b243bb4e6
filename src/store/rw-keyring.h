/* rw-keyring.h — the keyring: HMAC-SHA256 keys by version, in a file readable by the user only
 * (0600), never in the database. The envelopes (rw-envelope.h) sign with it, and the audit chain
 * (rw-store.h) is keyed with it, which is why it lives at the store's level.
 *
 * The file: {"format":"routewise-keys","version":1,"current":N,"keys":{"1":"<64 hex>",…},
 *            "retired":{"1":<ms since the epoch>,…}} ("retired" is optional).
 * Rotation adds a key version and keeps the old ones, so records made before still verify.
 * Errors are RW_STORE_ERROR_IO (cannot read or write the file, not a regular file) or
 * RW_STORE_ERROR_INVALID (malformed, readable by others); the message names the file and the
 * JSON path.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RW_KEY_BYTES 32
/* The highest key version: rotation stops there instead of wrapping to 0. */
#define RW_KEY_VERSION_MAX G_MAXUINT32

typedef struct _RwKeyring RwKeyring;

/* A keyring held in memory only (tests, runs without a key file), with one random key. */
RwKeyring *rw_keyring_new_ephemeral (void);
/* Loads @path, or creates it with one fresh key when it does not exist and @create is set. Two
 * processes creating it at once end up with the same file (the second one loads the first's). */
RwKeyring *rw_keyring_open (const char *path, gboolean create, GError **error);
/* Adds a new key version and makes it current; saves atomically (written to a temporary file,
 * then renamed) with mode 0600 when the keyring has a file. Refused at RW_KEY_VERSION_MAX. */
gboolean rw_keyring_rotate (RwKeyring *kr, GError **error);
guint rw_keyring_current (const RwKeyring *kr);
guint rw_keyring_n_keys (const RwKeyring *kr);
/* When rotation retired @version (ms since the epoch): FALSE for the current version and for
 * one never retired. */
gboolean rw_keyring_retired_at (const RwKeyring *kr, guint version, gint64 *ms);
/* The key of @version, or NULL when the keyring does not hold it. */
GBytes *rw_keyring_lookup (const RwKeyring *kr, guint version);
const char *rw_keyring_path (const RwKeyring *kr);
/* The default key file: $XDG_CONFIG_HOME/routewise/keys.json. */
char *rw_keyring_default_path (void);
void rw_keyring_free (RwKeyring *kr);

/* @n bytes from the kernel's cryptographic generator. */
GBytes *rw_keyring_random_bytes (gsize n);
/* Lowercase hex HMAC-SHA256 of @len bytes at @data (-1: NUL-terminated) under @key. */
char *rw_keyring_hmac (GBytes *key, const char *data, gssize len);
/* Compares every byte, so the time taken says nothing about where a forged MAC goes wrong. */
gboolean rw_keyring_mac_equal (const char *a, const char *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwKeyring, rw_keyring_free)

G_END_DECLS
