/* rw-types.c — prefixes, addresses, communities.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-types.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (rw-twin-error-quark, rw_twin_error)

guint32
rw_prefix_mask (guint8 len)
{
  return len == 0 ? 0 : (guint32) (0xFFFFFFFFu << (32 - len));
}

static gboolean
parse_uint (const char *text, guint64 max, guint64 *out)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *c = text; *c; c++)
    if (!g_ascii_isdigit (*c))
      return FALSE;
  if (strlen (text) > 10)
    return FALSE;
  guint64 v = g_ascii_strtoull (text, NULL, 10);
  if (v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
rw_ipv4_parse (const char *text, guint32 *out)
{
  g_auto(GStrv) parts = NULL;
  guint32 addr = 0;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, ".", -1);
  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      guint64 octet;
      if (strlen (parts[i]) > 3 || !parse_uint (parts[i], 255, &octet))
        return FALSE;
      addr = (addr << 8) | (guint32) octet;
    }
  *out = addr;
  return TRUE;
}

char *
rw_ipv4_to_string (guint32 addr)
{
  return g_strdup_printf ("%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xFF, (addr >> 8) & 0xFF, addr & 0xFF);
}

gboolean
rw_prefix_parse (const char *text, RwPrefix *out)
{
  const char *slash;
  g_autofree char *addr_text = NULL;
  guint32 addr;
  guint64 len;

  if (text == NULL || (slash = strchr (text, '/')) == NULL)
    return FALSE;
  addr_text = g_strndup (text, slash - text);
  if (!rw_ipv4_parse (addr_text, &addr) || !parse_uint (slash + 1, 32, &len))
    return FALSE;
  /* Host bits set ("10.1.2.3/8") is a typo on a router too: reject rather than guess. */
  if ((addr & ~rw_prefix_mask ((guint8) len)) != 0)
    return FALSE;
  out->addr = addr;
  out->len = (guint8) len;
  return TRUE;
}

gboolean
rw_interface_address_parse (const char *text, guint32 *addr, guint8 *plen)
{
  const char *slash;
  g_autofree char *addr_text = NULL;
  guint64 len;

  if (text == NULL || (slash = strchr (text, '/')) == NULL)
    return FALSE;
  addr_text = g_strndup (text, slash - text);
  if (!rw_ipv4_parse (addr_text, addr) || !parse_uint (slash + 1, 32, &len) || len == 0)
    return FALSE;
  *plen = (guint8) len;
  return TRUE;
}

char *
rw_prefix_to_string (const RwPrefix *p)
{
  g_autofree char *a = rw_ipv4_to_string (p->addr);
  return g_strdup_printf ("%s/%u", a, p->len);
}

gboolean
rw_prefix_contains (const RwPrefix *outer, const RwPrefix *inner)
{
  return inner->len >= outer->len && (inner->addr & rw_prefix_mask (outer->len)) == outer->addr;
}

gboolean
rw_prefix_equal (const RwPrefix *a, const RwPrefix *b)
{
  return a->addr == b->addr && a->len == b->len;
}

gboolean
rw_community_parse (const char *text, guint32 *out)
{
  const char *colon;
  g_autofree char *hi = NULL;
  guint64 a, v;

  if (text == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (text, "no-export") == 0)
    {
      *out = RW_COMMUNITY_NO_EXPORT;
      return TRUE;
    }
  if (g_ascii_strcasecmp (text, "no-advertise") == 0)
    {
      *out = RW_COMMUNITY_NO_ADVERTISE;
      return TRUE;
    }
  if ((colon = strchr (text, ':')) == NULL)
    return FALSE;
  hi = g_strndup (text, colon - text);
  if (!parse_uint (hi, 65535, &a) || !parse_uint (colon + 1, 65535, &v))
    return FALSE;
  *out = (guint32) ((a << 16) | v);
  return TRUE;
}

char *
rw_community_to_string (guint32 community)
{
  if (community == RW_COMMUNITY_NO_EXPORT)
    return g_strdup ("no-export");
  if (community == RW_COMMUNITY_NO_ADVERTISE)
    return g_strdup ("no-advertise");
  return g_strdup_printf ("%u:%u", community >> 16, community & 0xFFFF);
}

const char *
rw_origin_to_string (RwOrigin origin)
{
  switch (origin)
    {
    case RW_ORIGIN_IGP: return "igp";
    case RW_ORIGIN_EGP: return "egp";
    case RW_ORIGIN_INCOMPLETE: return "incomplete";
    default: return "igp";
    }
}

gboolean
rw_origin_parse (const char *text, RwOrigin *out)
{
  if (g_strcmp0 (text, "igp") == 0)
    *out = RW_ORIGIN_IGP;
  else if (g_strcmp0 (text, "egp") == 0)
    *out = RW_ORIGIN_EGP;
  else if (g_strcmp0 (text, "incomplete") == 0)
    *out = RW_ORIGIN_INCOMPLETE;
  else
    return FALSE;
  return TRUE;
}
