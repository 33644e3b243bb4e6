/* rw-frr-export.c — the address plan of a real network: interface names and /31 addresses for
 * the link ends a topology leaves open, and the small helpers the export and the import share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-frr-private.h"
#include "rw-file.h"

#include <string.h>

/* 100.64.0.0/10 (RFC 6598 shared address space): rarely announced, so link subnets taken from
 * it do not shadow anything the network routes. */
#define POOL_BASE 0x64400000u
#define POOL_LEN 10

gboolean
rw_frr_name_ok (const char *name)
{
  if (name == NULL || *name == '\0' || *name == '.' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

gboolean
rw_frr_read_regular_file (const char *path, gsize max_bytes, char **data, gsize *len, GError **error)
{
  g_autoptr(GError) local = NULL;
  if (rw_read_regular_file (path, max_bytes, data, len, &local))
    return TRUE;
  g_set_error_literal (error, RW_FRR_ERROR, RW_FRR_ERROR_IO, local->message);
  return FALSE;
}

gboolean
rw_frr_node_runs_ospf (const RwTopology *t, const RwNode *n)
{
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      const char *other;
      const RwNode *o;
      if (g_strcmp0 (l->a, n->id) == 0)
        other = l->b;
      else if (g_strcmp0 (l->b, n->id) == 0)
        other = l->a;
      else
        continue;
      if ((o = rw_topology_find_node (t, other)) != NULL && o->asn == n->asn)
        return TRUE;
    }
  return FALSE;
}

void
rw_frr_plan_free (RwLinkEnd *plan, guint n_links)
{
  if (plan == NULL)
    return;
  for (guint i = 0; i < 2 * n_links; i++)
    g_free (plan[i].ifname);
  g_free (plan);
}

static gboolean
overlaps (const GArray *taken, guint32 addr, guint8 len)
{
  RwPrefix p = { addr & rw_prefix_mask (len), len };
  for (guint i = 0; i < taken->len; i++)
    {
      const RwPrefix *q = &g_array_index (taken, RwPrefix, i);
      if (rw_prefix_contains (q, &p) || rw_prefix_contains (&p, q))
        return TRUE;
    }
  return FALSE;
}

/* The other host of a point-to-point subnet. */
static gboolean
peer_address (guint32 addr, guint8 plen, guint32 *out)
{
  guint32 net = addr & rw_prefix_mask (plen);
  if (plen == 31)
    *out = addr ^ 1u;
  else if (plen == 30 && (addr == net + 1 || addr == net + 2))
    *out = addr == net + 1 ? net + 2 : net + 1;
  else
    return FALSE;
  return TRUE;
}

RwLinkEnd *
rw_frr_plan_addresses (const RwTopology *t, GError **error)
{
  guint n = t->links->len;
  RwLinkEnd *plan = g_new0 (RwLinkEnd, 2 * n + 1);
  g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (RwPrefix)); /* inside the pool only */
  g_autoptr(GHashTable) addrs = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) ifnames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  RwPrefix pool = { POOL_BASE, POOL_LEN };
  guint32 next = POOL_BASE;

  /* What the pool must avoid: originated prefixes, loopbacks and given addresses inside it. */
  for (guint i = 0; i < t->prefixes->len; i++)
    {
      const RwOrigination *o = t->prefixes->pdata[i];
      if (rw_prefix_contains (&pool, &o->prefix) || rw_prefix_contains (&o->prefix, &pool))
        g_array_append_val (taken, o->prefix);
    }
  for (guint i = 0; i < t->nodes->len; i++)
    {
      RwPrefix lo = { rw_node_loopback (t->nodes->pdata[i]), 32 };
      if (rw_prefix_contains (&pool, &lo))
        g_array_append_val (taken, lo);
    }

  /* The given ends first: they must be consistent. */
  for (guint i = 0; i < n; i++)
    {
      const RwLink *l = t->links->pdata[i];
      for (guint e = 0; e < 2; e++)
        {
          const RwLinkEnd *given = &l->ends[e];
          const char *node = e == 0 ? l->a : l->b;
          plan[2 * i + e].addr = given->addr;
          plan[2 * i + e].plen = given->plen;
          plan[2 * i + e].ifname = g_strdup (given->ifname);
          if (given->ifname)
            {
              char *key = g_strdup_printf ("%s\n%s", node, given->ifname);
              if (!g_hash_table_add (ifnames, key))
                {
                  g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID,
                               "links[%u].ends.%s.interface: %s is already used by another link of %s", i, node,
                               given->ifname, node);
                  goto fail;
                }
            }
          if (given->addr)
            {
              RwPrefix sub = { given->addr & rw_prefix_mask (given->plen), given->plen };
              if (g_hash_table_contains (addrs, GUINT_TO_POINTER (given->addr)))
                {
                  g_autofree char *a = rw_ipv4_to_string (given->addr);
                  g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID,
                               "links[%u].ends.%s.address: %s is already the address of another interface", i, node, a);
                  goto fail;
                }
              g_hash_table_add (addrs, GUINT_TO_POINTER (given->addr));
              if (rw_prefix_contains (&pool, &sub) || rw_prefix_contains (&sub, &pool))
                g_array_append_val (taken, sub);
            }
        }
      if (l->ends[0].addr && l->ends[1].addr &&
          (l->ends[0].plen != l->ends[1].plen ||
           (l->ends[0].addr & rw_prefix_mask (l->ends[0].plen)) != (l->ends[1].addr & rw_prefix_mask (l->ends[1].plen))))
        {
          g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID,
                       "links[%u] (%s): the addresses of its two ends are on different subnets", i, l->id);
          goto fail;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      const RwLink *l = t->links->pdata[i];
      RwLinkEnd *a = &plan[2 * i], *b = &plan[2 * i + 1];
      if (a->addr && !b->addr)
        {
          if (!peer_address (a->addr, a->plen, &b->addr))
            goto no_peer;
          b->plen = a->plen;
        }
      else if (b->addr && !a->addr)
        {
          if (!peer_address (b->addr, b->plen, &a->addr))
            goto no_peer;
          a->plen = b->plen;
        }
      else if (!a->addr && !b->addr)
        {
          while (overlaps (taken, next, 31) || g_hash_table_contains (addrs, GUINT_TO_POINTER (next)) ||
                 g_hash_table_contains (addrs, GUINT_TO_POINTER (next + 1)))
            {
              next += 2;
              if (!rw_prefix_contains (&pool, &(RwPrefix) { next, 32 }))
                {
                  g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID,
                               "no free /31 left in 100.64.0.0/10 for link %s", l->id);
                  goto fail;
                }
            }
          a->addr = next;
          b->addr = next + 1;
          a->plen = b->plen = 31;
          next += 2;
        }
      g_hash_table_add (addrs, GUINT_TO_POINTER (a->addr));
      g_hash_table_add (addrs, GUINT_TO_POINTER (b->addr));
      continue;
    no_peer:
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID,
                   "links[%u] (%s): only one end has an address, on a subnet wider than /30: give both", i, l->id);
      goto fail;
    }

  /* Interface names: eth1, eth2… per node, skipping the names already given. */
  for (guint i = 0; i < n; i++)
    {
      const RwLink *l = t->links->pdata[i];
      for (guint e = 0; e < 2; e++)
        {
          RwLinkEnd *end = &plan[2 * i + e];
          const char *node = e == 0 ? l->a : l->b;
          for (guint k = 1; end->ifname == NULL; k++)
            {
              char *key = g_strdup_printf ("%s\neth%u", node, k);
              if (g_hash_table_add (ifnames, key))
                end->ifname = g_strdup_printf ("eth%u", k);
            }
        }
    }
  return plan;

fail:
  rw_frr_plan_free (plan, n);
  return NULL;
}

gboolean
rw_frr_assign_addresses (RwTopology *t, GError **error)
{
  RwLinkEnd *plan = rw_frr_plan_addresses (t, error);
  if (plan == NULL)
    return FALSE;
  for (guint i = 0; i < t->links->len; i++)
    {
      RwLink *l = t->links->pdata[i];
      for (guint e = 0; e < 2; e++)
        {
          g_free (l->ends[e].ifname);
          l->ends[e] = plan[2 * i + e];
          plan[2 * i + e].ifname = NULL;
        }
    }
  rw_frr_plan_free (plan, t->links->len);
  return TRUE;
}
