/* rw-intake.h — the error domain of incident intake (DESIGN.md section 5).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RW_INTAKE_ERROR (rw_intake_error_quark ())
GQuark rw_intake_error_quark (void);

typedef enum {
  RW_INTAKE_ERROR_INVALID,      /* a bad file or document: the message names file and JSON path */
  RW_INTAKE_ERROR_PLAN,         /* a plan failed validation: the message says why */
  RW_INTAKE_ERROR_TIMEOUT,      /* a task or a request took longer than allowed */
  RW_INTAKE_ERROR_FAILED,       /* a task could not do its job */
  RW_INTAKE_ERROR_TAMPERED,     /* an envelope whose MAC does not match */
  RW_INTAKE_ERROR_REPLAYED,     /* an envelope seen before (nonce or sequence) */
  RW_INTAKE_ERROR_EXPIRED,      /* older than the TTL, or from too far in the future */
  RW_INTAKE_ERROR_UNKNOWN_KEY,  /* signed with a key version the keyring does not hold */
  RW_INTAKE_ERROR_LLM,          /* the LLM endpoint failed or answered nonsense */
  RW_INTAKE_ERROR_IO,           /* a file could not be read or written */
  RW_INTAKE_ERROR_UNSAFE,       /* verification or the guard refused a change: retrying cannot help */
} RwIntakeError;

/* Loaders share the twin's strict JSON readers, which report in RW_TWIN_ERROR; this moves such
 * an error into RW_INTAKE_ERROR_INVALID, keeping the message. */
void rw_intake_error_normalise (GError **error);

G_END_DECLS
