/* rw-bmp.c — BMP v3 (RFC 7854) and the BGP messages inside it (RFC 4271, RFC 6793), parsed by
 * hand: Debian has no BMP library, and what a router sends is small — a common header, a
 * per-peer header, TLVs, and BGP OPEN, UPDATE and NOTIFICATION messages.
 *
 * Every field is read through a Reader: a window [pos, end) over the bytes of one message that
 * knows the stream offset of its first byte, so that a check that fails can say where. A field
 * is taken only after need() has checked that it lies inside the window, and a nested structure
 * (the BGP message inside a BMP message, one attribute among the path attributes) is read
 * through a narrower window of its own, so nothing can run past its container.
 *
 * Not read: IPv6 and other address families (their MP_REACH/MP_UNREACH attributes are skipped
 * like any other attribute), add-path NLRI (nothing in a BMP message says a session uses it),
 * Route Mirroring messages (skipped whole).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-bmp.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

G_DEFINE_QUARK (rw-bmp-error-quark, rw_bmp_error)

#define BMP_VERSION 3
#define COMMON_HEADER 6    /* version, length, type */
#define PER_PEER_HEADER 42 /* type, flags, distinguisher, address, AS, BGP ID, timestamp */
#define BGP_MARKER 16
#define BGP_HEADER 19      /* marker, length, type */

enum { BGP_OPEN = 1, BGP_UPDATE = 2, BGP_NOTIFICATION = 3 };

#define ATTR_FLAG_EXTENDED 0x10 /* the attribute's length takes two bytes */
#define CAPABILITY_PARAMETER 2  /* OPEN optional parameter: capabilities (RFC 5492) */
#define CAPABILITY_AS4 65       /* 4-octet AS numbers (RFC 6793) */
#define TERMINATION_REASON 1    /* Termination TLV type: the reason */

struct _RwBmpParser {
  GByteArray *buf;  /* the message being received, from its first byte */
  gsize msg_len;    /* its length once the common header has arrived and passed; else 0 */
  guint64 offset;   /* the stream offset of buf->data[0] */
  char *failure;    /* the error that stopped the parser; NULL while it goes on */
};

typedef struct {
  const guint8 *data;
  gsize pos;
  gsize end;
  guint64 base;     /* the stream offset of data[0] */
  const char *name; /* what the window is, for messages: "the UPDATE" */
} Reader;

/* ---- events ---- */

static const char *const kind_names[] = {
  [RW_BMP_EVENT_INITIATION] = "initiation",
  [RW_BMP_EVENT_TERMINATION] = "termination",
  [RW_BMP_EVENT_PEER_UP] = "peer-up",
  [RW_BMP_EVENT_PEER_DOWN] = "peer-down",
  [RW_BMP_EVENT_ROUTE_MONITORING] = "route-monitoring",
  [RW_BMP_EVENT_STATISTICS] = "statistics",
  [RW_BMP_EVENT_ERROR] = "error",
  [RW_BMP_EVENT_CLOSED] = "closed",
};

const char *
rw_bmp_event_kind_to_string (RwBmpEventKind kind)
{
  if ((guint) kind < G_N_ELEMENTS (kind_names))
    return kind_names[kind];
  return "?";
}

static void
info_free (gpointer p)
{
  RwBmpInfo *info = p;
  g_free (info->value);
  g_free (info);
}

static void
segment_free (gpointer p)
{
  RwBmpSegment *s = p;
  g_array_unref (s->asns);
  g_free (s);
}

RwBmpEvent *
rw_bmp_event_new (RwBmpEventKind kind)
{
  RwBmpEvent *ev = g_new0 (RwBmpEvent, 1);
  ev->kind = kind;
  ev->termination_reason = -1;
  switch (kind)
    {
    case RW_BMP_EVENT_INITIATION:
    case RW_BMP_EVENT_TERMINATION:
    case RW_BMP_EVENT_PEER_UP:
      ev->info = g_ptr_array_new_with_free_func (info_free);
      break;
    case RW_BMP_EVENT_ROUTE_MONITORING:
      ev->route.withdrawn = g_array_new (FALSE, FALSE, sizeof (RwBmpPrefix));
      ev->route.announced = g_array_new (FALSE, FALSE, sizeof (RwBmpPrefix));
      ev->route.as_path = g_ptr_array_new_with_free_func (segment_free);
      ev->route.communities = g_array_new (FALSE, FALSE, sizeof (guint32));
      break;
    case RW_BMP_EVENT_STATISTICS:
      ev->stats = g_array_new (FALSE, FALSE, sizeof (RwBmpStat));
      break;
    case RW_BMP_EVENT_PEER_DOWN:
    case RW_BMP_EVENT_ERROR:
    case RW_BMP_EVENT_CLOSED:
    default:
      break;
    }
  return ev;
}

static GArray *
array_copy (GArray *a)
{
  return a ? g_array_copy (a) : NULL;
}

RwBmpEvent *
rw_bmp_event_copy (const RwBmpEvent *ev)
{
  RwBmpEvent *c;
  g_return_val_if_fail (ev != NULL, NULL);
  c = g_memdup2 (ev, sizeof *ev);
  c->router = g_strdup (ev->router);
  c->sys_name = g_strdup (ev->sys_name);
  c->sys_descr = g_strdup (ev->sys_descr);
  c->peer.address = g_strdup (ev->peer.address);
  c->up.local_address = g_strdup (ev->up.local_address);
  c->error = g_strdup (ev->error);
  if (ev->info)
    {
      c->info = g_ptr_array_new_with_free_func (info_free);
      for (guint i = 0; i < ev->info->len; i++)
        {
          const RwBmpInfo *from = ev->info->pdata[i];
          RwBmpInfo *to = g_new0 (RwBmpInfo, 1);
          to->type = from->type;
          to->value = g_strdup (from->value);
          g_ptr_array_add (c->info, to);
        }
    }
  c->route.withdrawn = array_copy (ev->route.withdrawn);
  c->route.announced = array_copy (ev->route.announced);
  c->route.communities = array_copy (ev->route.communities);
  if (ev->route.as_path)
    {
      c->route.as_path = g_ptr_array_new_with_free_func (segment_free);
      for (guint i = 0; i < ev->route.as_path->len; i++)
        {
          const RwBmpSegment *from = ev->route.as_path->pdata[i];
          RwBmpSegment *to = g_new0 (RwBmpSegment, 1);
          to->type = from->type;
          to->asns = g_array_copy (from->asns);
          g_ptr_array_add (c->route.as_path, to);
        }
    }
  c->stats = array_copy (ev->stats);
  return c;
}

void
rw_bmp_event_free (RwBmpEvent *ev)
{
  if (ev == NULL)
    return;
  g_free (ev->router);
  g_clear_pointer (&ev->info, g_ptr_array_unref);
  g_free (ev->sys_name);
  g_free (ev->sys_descr);
  g_free (ev->peer.address);
  g_free (ev->up.local_address);
  g_clear_pointer (&ev->route.withdrawn, g_array_unref);
  g_clear_pointer (&ev->route.announced, g_array_unref);
  g_clear_pointer (&ev->route.as_path, g_ptr_array_unref);
  g_clear_pointer (&ev->route.communities, g_array_unref);
  g_clear_pointer (&ev->stats, g_array_unref);
  g_free (ev->error);
  g_free (ev);
}

gboolean
rw_bmp_event_has_attr (const RwBmpEvent *ev, RwBmpAttr attr)
{
  g_return_val_if_fail (ev != NULL, FALSE);
  return (guint) attr < 32 && (ev->route.present & (1u << attr)) != 0;
}

char *
rw_bmp_ipv4_to_string (guint32 a)
{
  return g_strdup_printf ("%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

char *
rw_bmp_prefix_to_string (const RwBmpPrefix *p)
{
  g_autofree char *addr = rw_bmp_ipv4_to_string (p->address);
  return g_strdup_printf ("%s/%u", addr, p->length);
}

char *
rw_bmp_as_path_to_string (const GPtrArray *as_path)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; as_path && i < as_path->len; i++)
    {
      const RwBmpSegment *seg = as_path->pdata[i];
      /* FRR's notation: a set between braces, commas between its members */
      const char *open = "", *close = "", *sep = " ";
      switch (seg->type)
        {
        case RW_BMP_SEGMENT_SET: open = "{"; close = "}"; sep = ","; break;
        case RW_BMP_SEGMENT_CONFED_SEQUENCE: open = "("; close = ")"; break;
        case RW_BMP_SEGMENT_CONFED_SET: open = "["; close = "]"; sep = ","; break;
        case RW_BMP_SEGMENT_SEQUENCE:
        default: break;
        }
      if (s->len > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, open);
      for (guint k = 0; k < seg->asns->len; k++)
        g_string_append_printf (s, "%s%u", k ? sep : "", g_array_index (seg->asns, guint32, k));
      g_string_append (s, close);
    }
  return g_string_free (s, FALSE);
}

/* ---- reading a window ---- */

static gboolean G_GNUC_PRINTF (4, 5)
fail_at (const Reader *r, gsize pos, GError **error, const char *fmt, ...)
{
  g_autofree char *what = NULL;
  va_list ap;
  va_start (ap, fmt);
  what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, RW_BMP_ERROR, RW_BMP_ERROR_MALFORMED, "byte %" G_GUINT64_FORMAT ": %s",
               r->base + pos, what);
  return FALSE;
}

static gsize
left (const Reader *r)
{
  return r->end - r->pos;
}

/* Whether @n more bytes, for @what, lie inside the window. */
static gboolean
need (const Reader *r, gsize n, const char *what, GError **error)
{
  if (n <= left (r))
    return TRUE;
  return fail_at (r, r->pos, error, "%s: %" G_GSIZE_FORMAT " bytes needed, only %" G_GSIZE_FORMAT " left in %s",
                  what, n, left (r), r->name);
}

/* The take_ functions read what need() has checked. */
static guint8
take_u8 (Reader *r)
{
  g_assert (left (r) >= 1);
  return r->data[r->pos++];
}

static guint16
take_u16 (Reader *r)
{
  guint16 v;
  g_assert (left (r) >= 2);
  v = (guint16) (r->data[r->pos] << 8 | r->data[r->pos + 1]);
  r->pos += 2;
  return v;
}

static guint32
take_u32 (Reader *r)
{
  guint32 hi = take_u16 (r);
  return hi << 16 | take_u16 (r);
}

static guint64
take_u64 (Reader *r)
{
  guint64 hi = take_u32 (r);
  return hi << 32 | take_u32 (r);
}

/* A 16-byte address field: IPv6, or IPv4 in its last four bytes. */
static char *
take_address (Reader *r, gboolean ipv6)
{
  char text[INET6_ADDRSTRLEN];
  g_assert (left (r) >= 16);
  if (!inet_ntop (ipv6 ? AF_INET6 : AF_INET, r->data + r->pos + (ipv6 ? 0 : 12), text, sizeof text))
    text[0] = '\0';
  r->pos += 16;
  return g_strdup (text);
}

/* The next @n bytes (checked) as a window of their own, called @name; @r moves past them. */
static Reader
sub_window (Reader *r, gsize n, const char *name)
{
  Reader sub = { r->data, r->pos, r->pos + n, r->base, name };
  g_assert (left (r) >= n);
  r->pos += n;
  return sub;
}

static gboolean
take_window (Reader *r, gsize n, const char *name, Reader *sub, GError **error)
{
  if (!need (r, n, name, error))
    return FALSE;
  *sub = sub_window (r, n, name);
  return TRUE;
}

/* Nothing may follow the last field of @r. */
static gboolean
expect_end (const Reader *r, const char *last, GError **error)
{
  if (left (r) == 0)
    return TRUE;
  return fail_at (r, r->pos, error, "%" G_GSIZE_FORMAT " unexpected bytes after %s in %s", left (r), last, r->name);
}

/* ---- the parts of messages ---- */

static gboolean
read_peer_header (Reader *r, RwBmpPeer *peer, GError **error)
{
  gsize at = r->pos;
  if (!need (r, PER_PEER_HEADER, "the per-peer header", error))
    return FALSE;
  peer->type = take_u8 (r);
  if (peer->type > 3)
    return fail_at (r, at, error, "unknown peer type %u in %s (0-3 expected)", peer->type, r->name);
  peer->flags = take_u8 (r);
  peer->post_policy = (peer->flags & RW_BMP_PEER_FLAG_POST_POLICY) != 0;
  peer->distinguisher = take_u64 (r);
  peer->address = take_address (r, (peer->flags & RW_BMP_PEER_FLAG_IPV6) != 0);
  peer->as = take_u32 (r);
  peer->bgp_id = take_u32 (r);
  peer->timestamp_s = take_u32 (r);
  peer->timestamp_us = take_u32 (r);
  return TRUE;
}

/* The information TLVs that end Initiation, Termination and Peer Up messages. */
static gboolean
read_info_tlvs (Reader *r, RwBmpEvent *ev, GError **error)
{
  while (left (r) > 0)
    {
      Reader value;
      guint16 type, len;
      RwBmpInfo *info;
      if (!need (r, 4, "an information TLV's header", error))
        return FALSE;
      type = take_u16 (r);
      len = take_u16 (r);
      if (!take_window (r, len, "an information TLV", &value, error))
        return FALSE;
      if (ev->kind == RW_BMP_EVENT_TERMINATION && type == TERMINATION_REASON)
        {
          if (len != 2)
            return fail_at (r, value.pos - 4, error, "the termination reason has %u bytes, 2 expected", len);
          ev->termination_reason = take_u16 (&value);
          continue;
        }
      info = g_new0 (RwBmpInfo, 1);
      info->type = type;
      info->value = g_utf8_make_valid ((const char *) value.data + value.pos, len);
      g_ptr_array_add (ev->info, info);
      if (ev->kind == RW_BMP_EVENT_INITIATION && type == 1)
        {
          g_free (ev->sys_descr);
          ev->sys_descr = g_strdup (info->value);
        }
      else if (ev->kind == RW_BMP_EVENT_INITIATION && type == 2)
        {
          g_free (ev->sys_name);
          ev->sys_name = g_strdup (info->value);
        }
    }
  return TRUE;
}

/* A whole BGP message of @type (its header checked) at the reader's position: its body becomes
 * the window @body, called @name. */
static gboolean
take_bgp_message (Reader *r, guint8 type, const char *name, Reader *body, GError **error)
{
  gsize at = r->pos;
  guint16 len;
  guint8 got;
  if (!need (r, BGP_HEADER, name, error))
    return FALSE;
  for (guint i = 0; i < BGP_MARKER; i++)
    if (r->data[r->pos + i] != 0xff)
      return fail_at (r, r->pos + i, error, "the marker of %s is not all ones", name);
  r->pos += BGP_MARKER;
  len = take_u16 (r);
  got = take_u8 (r);
  if (got != type)
    return fail_at (r, at + 18, error, "%s has BGP message type %u, %u expected", name, got, type);
  if (len < BGP_HEADER)
    return fail_at (r, at + 16, error, "%s has length %u, shorter than the BGP header (19 bytes)", name, len);
  if ((gsize) (len - BGP_HEADER) > left (r))
    return fail_at (r, at + 16, error, "%s of %u bytes runs past the end of %s (%" G_GSIZE_FORMAT " bytes left)",
                    name, len, r->name, left (r) + BGP_HEADER);
  return take_window (r, len - BGP_HEADER, name, body, error);
}

/* The capabilities of an OPEN's optional parameter: only the 4-octet AS one matters here. */
static gboolean
read_capabilities (Reader *r, RwBmpOpen *open, GError **error)
{
  while (left (r) > 0)
    {
      Reader value;
      guint8 code, len;
      if (!need (r, 2, "a capability's header", error))
        return FALSE;
      code = take_u8 (r);
      len = take_u8 (r);
      if (!take_window (r, len, "a capability", &value, error))
        return FALSE;
      if (code == CAPABILITY_AS4)
        {
          if (len != 4)
            return fail_at (r, value.pos - 2, error, "the 4-octet AS capability has %u bytes, 4 expected", len);
          open->as = take_u32 (&value);
          open->as4 = TRUE;
        }
    }
  return TRUE;
}

static gboolean
read_open (Reader *r, const char *name, RwBmpOpen *open, GError **error)
{
  Reader body, params;
  gsize params_len;
  gboolean extended = FALSE;
  if (!take_bgp_message (r, BGP_OPEN, name, &body, error))
    return FALSE;
  if (left (&body) == 0)
    return TRUE; /* FRR's stand-in for an OPEN it did not keep */
  if (!need (&body, 10, "the OPEN's fixed fields", error))
    return FALSE;
  open->known = TRUE;
  open->version = take_u8 (&body);
  open->as = take_u16 (&body);
  open->hold_time = take_u16 (&body);
  open->bgp_id = take_u32 (&body);
  params_len = take_u8 (&body);
  /* RFC 9072: a length of 255 then a parameter type of 255 announce two-byte lengths */
  if (params_len == 255 && left (&body) > 0 && body.data[body.pos] == 255)
    {
      body.pos++;
      if (!need (&body, 2, "the extended length of the optional parameters", error))
        return FALSE;
      params_len = take_u16 (&body);
      extended = TRUE;
    }
  if (!take_window (&body, params_len, "the OPEN's optional parameters", &params, error))
    return FALSE;
  while (left (&params) > 0)
    {
      Reader param;
      guint8 type;
      gsize len;
      if (!need (&params, extended ? 3 : 2, "an optional parameter's header", error))
        return FALSE;
      type = take_u8 (&params);
      len = extended ? take_u16 (&params) : take_u8 (&params);
      if (!take_window (&params, len, "an optional parameter", &param, error))
        return FALSE;
      if (type == CAPABILITY_PARAMETER && !read_capabilities (&param, open, error))
        return FALSE;
    }
  return expect_end (&body, "the optional parameters", error);
}

static gboolean
read_notification (Reader *r, RwBmpEvent *ev, GError **error)
{
  Reader body;
  if (!take_bgp_message (r, BGP_NOTIFICATION, "the NOTIFICATION", &body, error) ||
      !need (&body, 2, "the error code and subcode", error))
    return FALSE;
  ev->down.has_notification = TRUE;
  ev->down.code = take_u8 (&body);
  ev->down.subcode = take_u8 (&body);
  return TRUE; /* the data that may follow is not read */
}

/* IPv4 prefixes (RFC 4271 4.3) until the end of the window. */
static gboolean
read_prefixes (Reader *r, GArray *out, GError **error)
{
  while (left (r) > 0)
    {
      gsize at = r->pos;
      RwBmpPrefix p = { 0, take_u8 (r) };
      guint nbytes = (p.length + 7u) / 8u;
      if (p.length > 32)
        return fail_at (r, at, error, "prefix length %u in %s is more than 32", p.length, r->name);
      if (!need (r, nbytes, "a prefix", error))
        return FALSE;
      for (guint i = 0; i < nbytes; i++)
        p.address |= (guint32) take_u8 (r) << (24 - 8 * i);
      if (p.length < 32)
        p.address &= ~(G_MAXUINT32 >> p.length);
      g_array_append_val (out, p);
    }
  return TRUE;
}

static gboolean
read_as_path (Reader *r, guint asn_size, GPtrArray *out, GError **error)
{
  while (left (r) > 0)
    {
      gsize at = r->pos;
      RwBmpSegment *seg;
      guint8 type, count;
      if (!need (r, 2, "an AS_PATH segment's header", error))
        return FALSE;
      type = take_u8 (r);
      count = take_u8 (r);
      if (type < RW_BMP_SEGMENT_SET || type > RW_BMP_SEGMENT_CONFED_SET)
        return fail_at (r, at, error, "AS_PATH segment type %u is not 1-4", type);
      if (!need (r, (gsize) count * asn_size, "the ASNs of an AS_PATH segment", error))
        return FALSE;
      seg = g_new0 (RwBmpSegment, 1);
      seg->type = type;
      seg->asns = g_array_sized_new (FALSE, FALSE, sizeof (guint32), count);
      for (guint i = 0; i < count; i++)
        {
          guint32 asn = asn_size == 4 ? take_u32 (r) : take_u16 (r);
          g_array_append_val (seg->asns, asn);
        }
      g_ptr_array_add (out, seg);
    }
  return TRUE;
}

static const char *
attr_name (guint type)
{
  switch (type)
    {
    case RW_BMP_ATTR_ORIGIN: return "ORIGIN";
    case RW_BMP_ATTR_AS_PATH: return "AS_PATH";
    case RW_BMP_ATTR_NEXT_HOP: return "NEXT_HOP";
    case RW_BMP_ATTR_MED: return "MULTI_EXIT_DISC";
    case RW_BMP_ATTR_LOCAL_PREF: return "LOCAL_PREF";
    case RW_BMP_ATTR_COMMUNITIES: return "COMMUNITIES";
    default: return "not read";
    }
}

/* A 32-bit attribute (NEXT_HOP, MED, LOCAL_PREF) of exactly four bytes. */
static gboolean
read_u32_attr (Reader *a, guint type, gsize at, guint32 *out, GError **error)
{
  if (left (a) != 4)
    return fail_at (a, at, error, "path attribute %u (%s) has %" G_GSIZE_FORMAT " bytes, 4 expected",
                    type, attr_name (type), left (a));
  *out = take_u32 (a);
  return TRUE;
}

static gboolean
read_attribute (Reader *a, guint type, gsize at, gboolean as2, RwBmpEvent *ev, GError **error)
{
  switch (type)
    {
    case RW_BMP_ATTR_ORIGIN:
      if (left (a) != 1)
        return fail_at (a, at, error, "ORIGIN has %" G_GSIZE_FORMAT " bytes, 1 expected", left (a));
      ev->route.origin = take_u8 (a);
      if (ev->route.origin > 2)
        return fail_at (a, at, error, "ORIGIN %u is not 0, 1 or 2", ev->route.origin);
      return TRUE;
    case RW_BMP_ATTR_AS_PATH:
      return read_as_path (a, as2 ? 2 : 4, ev->route.as_path, error);
    case RW_BMP_ATTR_NEXT_HOP:
      return read_u32_attr (a, type, at, &ev->route.next_hop, error);
    case RW_BMP_ATTR_MED:
      return read_u32_attr (a, type, at, &ev->route.med, error);
    case RW_BMP_ATTR_LOCAL_PREF:
      return read_u32_attr (a, type, at, &ev->route.local_pref, error);
    case RW_BMP_ATTR_COMMUNITIES:
      if (left (a) % 4 != 0)
        return fail_at (a, at, error, "COMMUNITIES has %" G_GSIZE_FORMAT " bytes, not a multiple of 4", left (a));
      while (left (a) > 0)
        {
          guint32 c = take_u32 (a);
          g_array_append_val (ev->route.communities, c);
        }
      return TRUE;
    default:
      return TRUE; /* skipped by its length */
    }
}

static gboolean
read_attributes (Reader *r, gboolean as2, RwBmpEvent *ev, GError **error)
{
  while (left (r) > 0)
    {
      gsize at = r->pos;
      Reader value;
      guint8 flags, type;
      gsize len;
      if (!need (r, 2, "a path attribute's header", error))
        return FALSE;
      flags = take_u8 (r);
      type = take_u8 (r);
      if (!need (r, flags & ATTR_FLAG_EXTENDED ? 2 : 1, "a path attribute's length", error))
        return FALSE;
      len = flags & ATTR_FLAG_EXTENDED ? take_u16 (r) : take_u8 (r);
      if (len > left (r))
        return fail_at (r, at, error, "path attribute %u (%s) of %" G_GSIZE_FORMAT " bytes runs past the end of %s "
                        "(%" G_GSIZE_FORMAT " bytes left)", type, attr_name (type), len, r->name, left (r));
      value = sub_window (r, len, "a path attribute");
      if (type < 32)
        {
          if (ev->route.present & (1u << type))
            return fail_at (r, at, error, "path attribute %u (%s) appears twice", type, attr_name (type));
          ev->route.present |= 1u << type;
        }
      if (!read_attribute (&value, type, at, as2, ev, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_update (Reader *r, gboolean as2, RwBmpEvent *ev, GError **error)
{
  Reader body, withdrawn, attrs;
  if (!take_bgp_message (r, BGP_UPDATE, "the UPDATE", &body, error) ||
      !need (&body, 2, "the length of the withdrawn routes", error))
    return FALSE;
  if (!take_window (&body, take_u16 (&body), "the withdrawn routes", &withdrawn, error) ||
      !read_prefixes (&withdrawn, ev->route.withdrawn, error) ||
      !need (&body, 2, "the length of the path attributes", error))
    return FALSE;
  if (!take_window (&body, take_u16 (&body), "the path attributes", &attrs, error) ||
      !read_attributes (&attrs, as2, ev, error))
    return FALSE;
  body.name = "the NLRI"; /* the rest of the UPDATE */
  return read_prefixes (&body, ev->route.announced, error);
}

/* ---- the messages ---- */

static gboolean
parse_route_monitoring (Reader *r, RwBmpEvent *ev, GError **error)
{
  return read_peer_header (r, &ev->peer, error) &&
         read_update (r, (ev->peer.flags & RW_BMP_PEER_FLAG_AS2) != 0, ev, error) &&
         expect_end (r, "the UPDATE", error);
}

static gboolean
parse_statistics (Reader *r, RwBmpEvent *ev, GError **error)
{
  guint32 count;
  if (!read_peer_header (r, &ev->peer, error) || !need (r, 4, "the statistics count", error))
    return FALSE;
  count = take_u32 (r);
  if (count > left (r) / 4)
    return fail_at (r, r->pos - 4, error, "%u statistics cannot fit in the %" G_GSIZE_FORMAT " bytes left of %s",
                    count, left (r), r->name);
  for (guint32 i = 0; i < count; i++)
    {
      Reader value;
      RwBmpStat st = { 0 };
      guint16 len;
      if (!need (r, 4, "a statistic's header", error))
        return FALSE;
      st.type = take_u16 (r);
      len = take_u16 (r);
      if (!take_window (r, len, "a statistic", &value, error))
        return FALSE;
      /* counters have 4 bytes, gauges 8, per-AFI/SAFI gauges 11; others are not read */
      if (len == 4)
        st.value = take_u32 (&value);
      else if (len == 8)
        st.value = take_u64 (&value);
      else if (len == 11)
        {
          st.afi = take_u16 (&value);
          st.safi = take_u8 (&value);
          st.value = take_u64 (&value);
        }
      else
        continue;
      g_array_append_val (ev->stats, st);
    }
  return expect_end (r, "the last statistic", error);
}

static gboolean
parse_peer_down (Reader *r, RwBmpEvent *ev, GError **error)
{
  gsize at;
  if (!read_peer_header (r, &ev->peer, error) || !need (r, 1, "the reason", error))
    return FALSE;
  at = r->pos;
  ev->down.reason = take_u8 (r);
  switch (ev->down.reason)
    {
    case RW_BMP_DOWN_LOCAL_NOTIFICATION:
    case RW_BMP_DOWN_REMOTE_NOTIFICATION:
      if (!read_notification (r, ev, error))
        return FALSE;
      return expect_end (r, "the NOTIFICATION", error);
    case RW_BMP_DOWN_LOCAL_NO_NOTIFICATION:
      if (!need (r, 2, "the FSM event code", error))
        return FALSE;
      ev->down.fsm_event = take_u16 (r);
      return expect_end (r, "the FSM event code", error);
    case RW_BMP_DOWN_REMOTE_NO_DATA:
    case RW_BMP_DOWN_DECONFIGURED:
      return expect_end (r, "the reason", error);
    case RW_BMP_DOWN_LOCAL_CLOSED:
      return TRUE; /* information TLVs may follow; not read */
    default:
      return fail_at (r, at, error, "unknown Peer Down reason %u (1-6 expected)", ev->down.reason);
    }
}

static gboolean
parse_peer_up (Reader *r, RwBmpEvent *ev, GError **error)
{
  if (!read_peer_header (r, &ev->peer, error) ||
      !need (r, 20, "the local address and ports", error))
    return FALSE;
  ev->up.local_address = take_address (r, (ev->peer.flags & RW_BMP_PEER_FLAG_IPV6) != 0);
  ev->up.local_port = take_u16 (r);
  ev->up.remote_port = take_u16 (r);
  return read_open (r, "the sent OPEN", &ev->up.sent, error) &&
         read_open (r, "the received OPEN", &ev->up.received, error) &&
         read_info_tlvs (r, ev, error);
}

static gboolean
parse_info_only (Reader *r, RwBmpEvent *ev, GError **error)
{
  return read_info_tlvs (r, ev, error);
}

typedef gboolean (*ParseFunc) (Reader *r, RwBmpEvent *ev, GError **error);

/* By message type (RFC 7854 4.1). Route Mirroring has no parser: it is skipped. */
static const struct {
  const char *name;
  RwBmpEventKind kind;
  ParseFunc parse;
} message_types[] = {
  { "the Route Monitoring message", RW_BMP_EVENT_ROUTE_MONITORING, parse_route_monitoring },
  { "the Statistics Report", RW_BMP_EVENT_STATISTICS, parse_statistics },
  { "the Peer Down message", RW_BMP_EVENT_PEER_DOWN, parse_peer_down },
  { "the Peer Up message", RW_BMP_EVENT_PEER_UP, parse_peer_up },
  { "the Initiation message", RW_BMP_EVENT_INITIATION, parse_info_only },
  { "the Termination message", RW_BMP_EVENT_TERMINATION, parse_info_only },
  { "the Route Mirroring message", 0, NULL },
};

/* The complete message in the parser's buffer (its common header checked already). */
static gboolean
parse_message (RwBmpParser *p, GPtrArray *events_out, GError **error)
{
  guint8 type = p->buf->data[5];
  Reader r = { p->buf->data, COMMON_HEADER, p->msg_len, p->offset, message_types[type].name };
  g_autoptr(RwBmpEvent) ev = NULL;
  if (message_types[type].parse == NULL)
    return TRUE;
  ev = rw_bmp_event_new (message_types[type].kind);
  ev->offset = p->offset;
  if (!message_types[type].parse (&r, ev, error))
    return FALSE;
  g_ptr_array_add (events_out, g_steal_pointer (&ev));
  return TRUE;
}

/* The common header as far as it has arrived: the version as soon as its byte is there, the
 * length and the type as soon as theirs are, so that garbage stops the parser at once. */
static gboolean
check_header (RwBmpParser *p, GError **error)
{
  const guint8 *h = p->buf->data;
  Reader r = { h, 0, p->buf->len, p->offset, "the common header" };
  guint32 len;
  if (p->buf->len >= 1 && h[0] != BMP_VERSION)
    return fail_at (&r, 0, error, "BMP version %u, only version 3 (RFC 7854) is read", h[0]);
  if (p->buf->len < 5)
    return TRUE;
  len = (guint32) h[1] << 24 | (guint32) h[2] << 16 | (guint32) h[3] << 8 | h[4];
  if (len < COMMON_HEADER)
    return fail_at (&r, 1, error, "message length %u is shorter than the common header (6 bytes)", len);
  if (len > RW_BMP_MAX_MESSAGE)
    return fail_at (&r, 1, error, "message length %u is more than the limit of %u bytes", len, RW_BMP_MAX_MESSAGE);
  if (p->buf->len < COMMON_HEADER)
    return TRUE;
  if (h[5] >= G_N_ELEMENTS (message_types))
    return fail_at (&r, 5, error, "unknown message type %u (0-6 expected)", h[5]);
  p->msg_len = len;
  return TRUE;
}

/* ---- the parser ---- */

RwBmpParser *
rw_bmp_parser_new (void)
{
  RwBmpParser *p = g_new0 (RwBmpParser, 1);
  p->buf = g_byte_array_new ();
  return p;
}

void
rw_bmp_parser_free (RwBmpParser *p)
{
  if (p == NULL)
    return;
  g_byte_array_unref (p->buf);
  g_free (p->failure);
  g_free (p);
}

guint64
rw_bmp_parser_get_offset (const RwBmpParser *p)
{
  g_return_val_if_fail (p != NULL, 0);
  return p->offset + p->buf->len;
}

static gboolean
refuse (const RwBmpParser *p, GError **error)
{
  g_set_error (error, RW_BMP_ERROR, RW_BMP_ERROR_STOPPED, "no input is taken after an error (%s)", p->failure);
  return FALSE;
}

gboolean
rw_bmp_parser_feed (RwBmpParser *p, const guint8 *data, gsize len, GPtrArray *events_out, GError **error)
{
  GError *local = NULL;
  g_return_val_if_fail (p != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (events_out != NULL, FALSE);
  if (p->failure)
    return refuse (p, error);
  while (len > 0)
    {
      /* never more than the rest of the current message (or header) at once */
      gsize want = (p->msg_len ? p->msg_len : COMMON_HEADER) - p->buf->len;
      gsize take = MIN (want, len);
      g_byte_array_append (p->buf, data, (guint) take);
      data += take;
      len -= take;
      if (p->msg_len == 0 && !check_header (p, &local))
        break;
      if (p->msg_len == 0 || p->buf->len < p->msg_len)
        continue;
      if (!parse_message (p, events_out, &local))
        break;
      p->offset += p->msg_len;
      p->msg_len = 0;
      g_byte_array_set_size (p->buf, 0);
    }
  if (local == NULL)
    return TRUE;
  p->failure = g_strdup (local->message);
  g_propagate_error (error, local);
  return FALSE;
}

gboolean
rw_bmp_parser_finish (RwBmpParser *p, GError **error)
{
  g_return_val_if_fail (p != NULL, FALSE);
  if (p->failure)
    return refuse (p, error);
  if (p->buf->len == 0)
    return TRUE;
  if (p->msg_len == 0)
    g_set_error (error, RW_BMP_ERROR, RW_BMP_ERROR_TRUNCATED,
                 "byte %" G_GUINT64_FORMAT ": the stream ends inside a common header (%u of its 6 bytes)",
                 p->offset, p->buf->len);
  else
    g_set_error (error, RW_BMP_ERROR, RW_BMP_ERROR_TRUNCATED,
                 "byte %" G_GUINT64_FORMAT ": the stream ends inside %s (%u of its %" G_GSIZE_FORMAT " bytes)",
                 p->offset, message_types[p->buf->data[5]].name, p->buf->len, p->msg_len);
  return FALSE;
}
