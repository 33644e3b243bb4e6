/* rw-types.h — small value types shared by the twin: prefixes, communities, errors.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RW_TWIN_ERROR (rw_twin_error_quark ())
GQuark rw_twin_error_quark (void);

typedef enum {
  RW_TWIN_ERROR_PARSE,      /* not JSON, or not the expected shape */
  RW_TWIN_ERROR_INVALID,    /* well-formed but meaningless (unknown node, duplicate id…) */
  RW_TWIN_ERROR_IO,
  RW_TWIN_ERROR_CHANGE,     /* a change string that cannot be parsed or applied */
} RwTwinError;

/* An IPv4 prefix; addr is in host byte order and masked. */
typedef struct {
  guint32 addr;
  guint8 len;
} RwPrefix;

gboolean rw_prefix_parse (const char *text, RwPrefix *out);
char *rw_prefix_to_string (const RwPrefix *p);
gboolean rw_prefix_contains (const RwPrefix *outer, const RwPrefix *inner);
gboolean rw_prefix_equal (const RwPrefix *a, const RwPrefix *b);
guint32 rw_prefix_mask (guint8 len);

gboolean rw_ipv4_parse (const char *text, guint32 *out);
/* "10.0.0.1/31": an interface address with its prefix length (host bits set, 1..32). */
gboolean rw_interface_address_parse (const char *text, guint32 *addr, guint8 *plen);
char *rw_ipv4_to_string (guint32 addr);

/* Communities are standard 32-bit values ASN:VALUE; the well-known ones are kept as RFC 1997. */
#define RW_COMMUNITY_NO_EXPORT 0xFFFFFF01u
#define RW_COMMUNITY_NO_ADVERTISE 0xFFFFFF02u

gboolean rw_community_parse (const char *text, guint32 *out);
char *rw_community_to_string (guint32 community);

typedef enum { RW_ORIGIN_IGP = 0, RW_ORIGIN_EGP = 1, RW_ORIGIN_INCOMPLETE = 2 } RwOrigin;
const char *rw_origin_to_string (RwOrigin origin);
gboolean rw_origin_parse (const char *text, RwOrigin *out);

G_END_DECLS
