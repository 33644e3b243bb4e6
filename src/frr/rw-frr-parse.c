/* rw-frr-parse.c — reading one frr.conf.
 *
 * vtysh reads a configuration line by line in a context (top, interface, router bgp and its
 * address family, router ospf, a route-map entry); a command that the context does not know is
 * tried at the top. This reader does the same: the subset the twin models is read into records;
 * a known FRR command outside it is a warning; a line that is no FRR command at all is an error.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-frr-parse.h"

#include <stdlib.h>
#include <string.h>

typedef enum { CTX_TOP, CTX_IFACE, CTX_BGP, CTX_BGP_AF, CTX_BGP_OTHER_AF, CTX_OSPF, CTX_MAP, CTX_OTHER } Ctx;

typedef struct {
  RwFrrConf *c;
  GPtrArray *warnings;
  GError **error;
  guint line;
  const char *text; /* the line, trimmed */
  Ctx ctx;
  RwFrrIface *iface;
  RwFrrMapEntry *entry;
  gboolean other_warned; /* one warning per unknown block */
} P;

static void
warn (P *p, const char *why)
{
  g_ptr_array_add (p->warnings, g_strdup_printf ("%s:%u: %s: %s", p->c->file, p->line, p->text, why));
}

static gboolean
fail (P *p, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (P *p, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (p->error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s:%u: %s: %s", p->c->file, p->line, p->text, msg);
  return FALSE;
}

static gboolean
parse_u32 (const char *s, guint64 max, guint32 *out)
{
  guint64 v;
  if (s == NULL || !g_ascii_string_to_unsigned (s, 10, 0, max, &v, NULL))
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Records */

static void
iface_free (RwFrrIface *i)
{
  g_free (i->name);
  g_free (i->description);
  g_free (i);
}

static void
neighbor_free (RwFrrNeighbor *n)
{
  g_free (n->key);
  g_free (n->group);
  g_free (n->update_source);
  g_free (n->rm_in);
  g_free (n->rm_out);
  g_free (n);
}

static void
network_free (RwFrrNetwork *n)
{
  g_free (n->route_map);
  g_free (n);
}

static void
list_line_free (RwFrrListLine *l)
{
  g_free (l->value);
  g_free (l);
}

static void
list_free (RwFrrList *l)
{
  g_free (l->name);
  g_ptr_array_unref (l->lines);
  g_free (l);
}

static void
map_entry_free (RwFrrMapEntry *e)
{
  g_free (e->match_pl);
  g_free (e->match_cl);
  g_free (e->match_al);
  g_array_unref (e->prepend_asns);
  g_array_unref (e->comm_add);
  g_free (e->comm_delete);
  g_free (e);
}

static void
route_map_free (RwFrrRouteMap *m)
{
  g_free (m->name);
  g_ptr_array_unref (m->entries);
  g_free (m);
}

void
rw_frr_conf_free (RwFrrConf *c)
{
  if (c == NULL)
    return;
  g_free (c->file);
  g_free (c->hostname);
  g_ptr_array_unref (c->ifaces);
  g_array_unref (c->statics);
  g_array_unref (c->ospf_networks);
  g_ptr_array_unref (c->passive);
  g_ptr_array_unref (c->neighbors);
  g_ptr_array_unref (c->networks);
  g_hash_table_unref (c->prefix_lists);
  g_hash_table_unref (c->comm_lists);
  g_hash_table_unref (c->as_lists);
  g_hash_table_unref (c->route_maps);
  g_free (c);
}

RwFrrNeighbor *
rw_frr_conf_neighbor (const RwFrrConf *c, const char *key)
{
  for (guint i = 0; i < c->neighbors->len; i++)
    if (strcmp (((RwFrrNeighbor *) c->neighbors->pdata[i])->key, key) == 0)
      return c->neighbors->pdata[i];
  return NULL;
}

static RwFrrIface *
find_iface (RwFrrConf *c, const char *name)
{
  for (guint i = 0; i < c->ifaces->len; i++)
    if (strcmp (((RwFrrIface *) c->ifaces->pdata[i])->name, name) == 0)
      return c->ifaces->pdata[i];
  return NULL;
}

static gint
seq_cmp (gconstpointer a, gconstpointer b)
{
  guint x = (*(RwFrrListLine *const *) a)->seq, y = (*(RwFrrListLine *const *) b)->seq;
  return (x > y) - (x < y);
}

static gint
entry_seq_cmp (gconstpointer a, gconstpointer b)
{
  guint x = (*(RwFrrMapEntry *const *) a)->seq, y = (*(RwFrrMapEntry *const *) b)->seq;
  return (x > y) - (x < y);
}

/* ------------------------------------------------------------------------------------------ */
/* Lists: "ip prefix-list NAME [seq N] permit|deny VALUE…" and the BGP lists */

static gboolean
parse_list (P *p, GHashTable *table, char **w, guint n, guint name_at, gboolean prefix)
{
  RwFrrList *l;
  RwFrrListLine *line;
  guint i = name_at + 1;
  guint32 seq = 0;

  if (n <= name_at)
    return fail (p, "a list needs a name");
  l = g_hash_table_lookup (table, w[name_at]);
  if (i < n && strcmp (w[i], "seq") == 0)
    {
      if (i + 1 >= n || !parse_u32 (w[i + 1], G_MAXUINT32, &seq))
        return fail (p, "'seq' needs a number");
      i += 2;
    }
  if (i < n && strcmp (w[i], "description") == 0)
    return TRUE;
  if (i >= n || (strcmp (w[i], "permit") != 0 && strcmp (w[i], "deny") != 0) || i + 1 >= n)
    return fail (p, "expected permit or deny and a value");
  if (l == NULL)
    {
      l = g_new0 (RwFrrList, 1);
      l->name = g_strdup (w[name_at]);
      l->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) list_line_free);
      g_hash_table_insert (table, l->name, l);
    }
  if (seq == 0) /* FRR numbers unnumbered lines 5, 10, 15… after the last */
    seq = l->lines->len ? ((RwFrrListLine *) l->lines->pdata[l->lines->len - 1])->seq + 5 : 5;
  line = g_new0 (RwFrrListLine, 1);
  line->seq = seq;
  line->permit = strcmp (w[i], "permit") == 0;
  line->line = p->line;
  line->value = g_strjoinv (" ", w + i + 1);
  if (prefix)
    {
      /* "any" is 0.0.0.0/0 le 32 */
      if (strcmp (line->value, "any") == 0)
        {
          g_free (line->value);
          line->value = g_strdup ("0.0.0.0/0 le 32");
        }
      else
        {
          g_auto(GStrv) pw = g_strsplit (line->value, " ", -1);
          RwPrefix pfx;
          guint pn = g_strv_length (pw);
          gboolean ok = rw_prefix_parse (pw[0], &pfx) && (pn == 1 || pn == 3 || pn == 5);
          for (guint k = 1; ok && k + 1 < pn; k += 2)
            {
              guint32 v;
              ok = (strcmp (pw[k], "ge") == 0 || strcmp (pw[k], "le") == 0) && parse_u32 (pw[k + 1], 32, &v) &&
                   v >= pfx.len;
            }
          if (!ok)
            {
              list_line_free (line);
              return fail (p, "expected PREFIX [ge N] [le N] with the host bits clear");
            }
        }
    }
  g_ptr_array_add (l->lines, line);
  g_ptr_array_sort (l->lines, seq_cmp);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Contexts */

static gboolean
top_line (P *p, char **w, guint n);

static gboolean
iface_line (P *p, char **w, guint n)
{
  RwFrrIface *i = p->iface;
  if (strcmp (w[0], "ip") == 0 && n >= 3 && strcmp (w[1], "address") == 0)
    {
      if (!rw_interface_address_parse (w[2], &i->addr, &i->plen))
        return fail (p, "'%s' is not an address like 10.0.0.1/31", w[2]);
      if (i->has_addr)
        warn (p, "a second address on one interface: not modelled, ignored");
      else
        i->has_addr = TRUE;
      return TRUE;
    }
  if (strcmp (w[0], "ip") == 0 && n >= 3 && strcmp (w[1], "ospf") == 0)
    {
      if (strcmp (w[2], "cost") == 0)
        {
          guint32 v;
          if (n < 4 || !parse_u32 (w[3], 65535, &v) || v == 0)
            return fail (p, "'ip ospf cost' takes 1-65535");
          i->cost = v;
          return TRUE;
        }
      if (strcmp (w[2], "area") == 0)
        {
          if (n < 4 || (strcmp (w[3], "0") != 0 && strcmp (w[3], "0.0.0.0") != 0))
            warn (p, "an OSPF area other than 0: the twin has one IGP area per AS");
          i->ospf_area = TRUE;
          return TRUE;
        }
      if (strcmp (w[2], "network") == 0 || strcmp (w[2], "hello-interval") == 0 ||
          strcmp (w[2], "dead-interval") == 0 || strcmp (w[2], "retransmit-interval") == 0)
        return TRUE; /* timing and network type: no effect on the IGP's shortest paths */
      warn (p, "not modelled, ignored");
      return TRUE;
    }
  if (strcmp (w[0], "bandwidth") == 0)
    {
      guint32 v;
      if (n < 2 || !parse_u32 (w[1], 100000, &v) || v == 0)
        return fail (p, "'bandwidth' takes 1-100000 (Mbit/s)");
      i->bandwidth = v;
      return TRUE;
    }
  if (strcmp (w[0], "shutdown") == 0)
    {
      i->shutdown = TRUE;
      return TRUE;
    }
  if (strcmp (w[0], "description") == 0)
    {
      g_free (i->description);
      i->description = n > 1 ? g_strjoinv (" ", (char **) w + 1) : NULL;
      return TRUE;
    }
  if (strcmp (w[0], "link-detect") == 0 ||
      (strcmp (w[0], "no") == 0 && n >= 2 && strcmp (w[1], "shutdown") == 0))
    return TRUE;
  if (strcmp (w[0], "ip") == 0 && n >= 2 &&
      (strcmp (w[1], "prefix-list") == 0 || strcmp (w[1], "route") == 0 || strcmp (w[1], "forwarding") == 0 ||
       strcmp (w[1], "nht") == 0 || strcmp (w[1], "protocol") == 0 || strcmp (w[1], "router-id") == 0))
    {
      p->ctx = CTX_TOP; /* a top-level command: vtysh leaves the interface for it */
      return top_line (p, w, n);
    }
  if (strcmp (w[0], "ipv6") == 0 || strcmp (w[0], "mpls") == 0 || strcmp (w[0], "evpn") == 0 ||
      strcmp (w[0], "multicast") == 0 || strcmp (w[0], "vrf") == 0 || strcmp (w[0], "link-params") == 0 ||
      strcmp (w[0], "ip") == 0 || strcmp (w[0], "no") == 0 || strcmp (w[0], "mtu") == 0)
    {
      warn (p, "not modelled, ignored");
      return TRUE;
    }
  p->ctx = CTX_TOP;
  return top_line (p, w, n);
}

static gboolean
ospf_line (P *p, char **w, guint n)
{
  RwFrrConf *c = p->c;
  if (strcmp (w[0], "network") == 0 && n >= 4 && strcmp (w[2], "area") == 0)
    {
      RwPrefix pfx;
      if (!rw_prefix_parse (w[1], &pfx))
        return fail (p, "'%s' is not a prefix", w[1]);
      if (strcmp (w[3], "0") != 0 && strcmp (w[3], "0.0.0.0") != 0)
        warn (p, "an OSPF area other than 0: the twin has one IGP area per AS");
      g_array_append_val (c->ospf_networks, pfx);
      return TRUE;
    }
  if (strcmp (w[0], "passive-interface") == 0 && n >= 2)
    {
      if (strcmp (w[1], "default") == 0)
        c->passive_default = TRUE;
      else
        g_ptr_array_add (c->passive, g_strdup (w[1]));
      return TRUE;
    }
  if (strcmp (w[0], "no") == 0 && n >= 3 && strcmp (w[1], "passive-interface") == 0)
    {
      for (guint i = 0; i < c->passive->len; i++)
        if (strcmp (c->passive->pdata[i], w[2]) == 0)
          g_ptr_array_remove_index (c->passive, i--);
      g_ptr_array_add (c->passive, g_strdup_printf ("!%s", w[2])); /* explicitly active */
      return TRUE;
    }
  if (strcmp (w[0], "ospf") == 0 || strcmp (w[0], "log-adjacency-changes") == 0 || strcmp (w[0], "timers") == 0)
    return TRUE;
  if (strcmp (w[0], "redistribute") == 0 || strcmp (w[0], "area") == 0 || strcmp (w[0], "auto-cost") == 0 ||
      strcmp (w[0], "default-information") == 0 || strcmp (w[0], "distance") == 0 || strcmp (w[0], "max-metric") == 0)
    {
      warn (p, "not modelled, ignored");
      return TRUE;
    }
  p->ctx = CTX_TOP;
  return top_line (p, w, n);
}

static RwFrrNeighbor *
neighbor_get (P *p, const char *key)
{
  RwFrrNeighbor *nb = rw_frr_conf_neighbor (p->c, key);
  if (nb == NULL)
    {
      nb = g_new0 (RwFrrNeighbor, 1);
      nb->key = g_strdup (key);
      nb->line = p->line;
      g_ptr_array_add (p->c->neighbors, nb);
    }
  return nb;
}

static gboolean
is_address (const char *s)
{
  guint32 a;
  return rw_ipv4_parse (s, &a);
}

static gboolean
bgp_neighbor_line (P *p, char **w, guint n, gboolean af)
{
  RwFrrNeighbor *nb;
  const char *what;
  if (n < 3)
    return fail (p, "incomplete neighbor command");
  nb = rw_frr_conf_neighbor (p->c, w[1]);
  what = w[2];
  if (strcmp (what, "peer-group") == 0 && n == 3)
    {
      nb = neighbor_get (p, w[1]);
      nb->is_group = TRUE;
      return TRUE;
    }
  if (strcmp (what, "interface") == 0)
    {
      warn (p, "BGP unnumbered (neighbor on an interface): not modelled, ignored");
      return TRUE;
    }
  if (nb == NULL && !is_address (w[1]))
    return fail (p, "'%s' is neither an IPv4 address nor a peer-group defined above", w[1]);
  if (nb == NULL && strcmp (what, "remote-as") != 0 && strcmp (what, "peer-group") != 0)
    return fail (p, "neighbor %s is used before its remote-as or peer-group", w[1]);
  nb = neighbor_get (p, w[1]);
  if (strcmp (what, "remote-as") == 0 && n >= 4)
    {
      if (strcmp (w[3], "internal") == 0)
        nb->remote_kind = 2;
      else if (strcmp (w[3], "external") == 0)
        nb->remote_kind = 3;
      else if (parse_u32 (w[3], G_MAXUINT32, &nb->remote_as) && nb->remote_as > 0)
        nb->remote_kind = 1;
      else
        return fail (p, "'%s' is not an AS number", w[3]);
      return TRUE;
    }
  if (strcmp (what, "peer-group") == 0 && n >= 4)
    {
      RwFrrNeighbor *g = rw_frr_conf_neighbor (p->c, w[3]);
      if (g == NULL || !g->is_group)
        return fail (p, "peer-group '%s' is not defined above", w[3]);
      g_free (nb->group);
      nb->group = g_strdup (w[3]);
      return TRUE;
    }
  if (strcmp (what, "update-source") == 0 && n >= 4)
    {
      g_free (nb->update_source);
      nb->update_source = g_strdup (w[3]);
      return TRUE;
    }
  if (strcmp (what, "shutdown") == 0)
    {
      nb->shutdown = TRUE;
      return TRUE;
    }
  if (strcmp (what, "next-hop-self") == 0)
    {
      nb->nhs = TRUE;
      return TRUE;
    }
  if (strcmp (what, "route-reflector-client") == 0)
    {
      nb->rr_client = TRUE;
      return TRUE;
    }
  if (strcmp (what, "weight") == 0 && n >= 4)
    {
      guint32 v;
      if (!parse_u32 (w[3], 65535, &v))
        return fail (p, "'weight' takes 0-65535");
      nb->has_weight = TRUE;
      nb->weight = (gint) v;
      return TRUE;
    }
  if (strcmp (what, "route-map") == 0 && n >= 5)
    {
      if (strcmp (w[4], "in") == 0)
        {
          g_free (nb->rm_in);
          nb->rm_in = g_strdup (w[3]);
          nb->rm_in_line = p->line;
        }
      else if (strcmp (w[4], "out") == 0)
        {
          g_free (nb->rm_out);
          nb->rm_out = g_strdup (w[3]);
          nb->rm_out_line = p->line;
        }
      else
        return fail (p, "a route-map applies 'in' or 'out'");
      return TRUE;
    }
  if (strcmp (what, "description") == 0 || strcmp (what, "activate") == 0 || strcmp (what, "timers") == 0 ||
      strcmp (what, "advertisement-interval") == 0 || strcmp (what, "password") == 0 ||
      strcmp (what, "capability") == 0 || strcmp (what, "bfd") == 0 || strcmp (what, "soft-reconfiguration") == 0 ||
      strcmp (what, "send-community") == 0)
    return TRUE; /* no effect on best paths (communities are sent by default in FRR) */
  (void) af;
  warn (p, "not modelled, ignored");
  return TRUE;
}

static gboolean
bgp_line (P *p, char **w, guint n)
{
  RwFrrConf *c = p->c;
  if (strcmp (w[0], "neighbor") == 0)
    return bgp_neighbor_line (p, w, n, p->ctx == CTX_BGP_AF);
  if (p->ctx == CTX_BGP_OTHER_AF)
    {
      if (strcmp (w[0], "exit-address-family") == 0)
        p->ctx = CTX_BGP;
      return TRUE; /* another address family: the twin is IPv4 unicast */
    }
  if (strcmp (w[0], "address-family") == 0)
    {
      if (n >= 3 && strcmp (w[1], "ipv4") == 0 && strcmp (w[2], "unicast") == 0)
        p->ctx = CTX_BGP_AF;
      else
        {
          warn (p, "only IPv4 unicast is modelled: this address family is ignored");
          p->ctx = CTX_BGP_OTHER_AF;
        }
      return TRUE;
    }
  if (strcmp (w[0], "exit-address-family") == 0)
    {
      p->ctx = CTX_BGP;
      return TRUE;
    }
  if (strcmp (w[0], "network") == 0 && n >= 2)
    {
      RwFrrNetwork *net = g_new0 (RwFrrNetwork, 1);
      net->line = p->line;
      if (!rw_prefix_parse (w[1], &net->prefix))
        {
          network_free (net);
          return fail (p, "'%s' is not a prefix (host bits must be clear)", w[1]);
        }
      if (n >= 4 && strcmp (w[2], "route-map") == 0)
        net->route_map = g_strdup (w[3]);
      else if (n > 2)
        warn (p, "only 'route-map' is modelled on a network statement; the rest is ignored");
      g_ptr_array_add (c->networks, net);
      return TRUE;
    }
  if (strcmp (w[0], "maximum-paths") == 0 && n >= 2)
    {
      guint32 v;
      gboolean ibgp = strcmp (w[1], "ibgp") == 0;
      if (!parse_u32 (w[ibgp ? 2 : 1], 256, &v) || v == 0)
        return fail (p, "'maximum-paths' takes 1-256");
      if (ibgp)
        c->max_paths_ibgp = v;
      else
        c->max_paths = v;
      return TRUE;
    }
  if (strcmp (w[0], "bgp") == 0 && n >= 2 &&
      (strcmp (w[1], "community-list") == 0 || strcmp (w[1], "as-path") == 0 ||
       strcmp (w[1], "large-community-list") == 0 || strcmp (w[1], "extcommunity-list") == 0))
    {
      p->ctx = CTX_TOP;
      return top_line (p, w, n);
    }
  if (strcmp (w[0], "bgp") == 0 && n >= 2)
    {
      if (strcmp (w[1], "router-id") == 0)
        {
          if (n < 3 || !rw_ipv4_parse (w[2], &c->router_id) || c->router_id == 0)
            return fail (p, "expected a router id like 10.255.0.1");
          return TRUE;
        }
      if (strcmp (w[1], "always-compare-med") == 0)
        return c->always_compare_med = TRUE;
      if (strcmp (w[1], "deterministic-med") == 0)
        return c->deterministic_med = TRUE;
      if (n >= 3 && strcmp (w[1], "bestpath") == 0 && strcmp (w[2], "compare-routerid") == 0)
        return c->compare_routerid = TRUE;
      if (strcmp (w[1], "cluster-id") == 0)
        return TRUE; /* the twin uses the reflector's router id; one cluster per reflector */
      if (strcmp (w[1], "log-neighbor-changes") == 0 || strcmp (w[1], "default") == 0 ||
          strcmp (w[1], "graceful-restart") == 0 || strcmp (w[1], "suppress-duplicates") == 0)
        return TRUE;
      if (strcmp (w[1], "ebgp-requires-policy") == 0 || strcmp (w[1], "network") == 0)
        {
          if (strcmp (w[1], "ebgp-requires-policy") == 0)
            c->no_ebgp_requires_policy = FALSE;
          else
            c->no_import_check = FALSE;
          return TRUE;
        }
      warn (p, "not modelled, ignored");
      return TRUE;
    }
  if (strcmp (w[0], "no") == 0 && n >= 3 && strcmp (w[1], "bgp") == 0)
    {
      if (strcmp (w[2], "ebgp-requires-policy") == 0)
        return c->no_ebgp_requires_policy = TRUE;
      if (n >= 4 && strcmp (w[2], "network") == 0 && strcmp (w[3], "import-check") == 0)
        return c->no_import_check = TRUE;
      if (strcmp (w[2], "default") == 0 || strcmp (w[2], "deterministic-med") == 0)
        {
          if (strcmp (w[2], "deterministic-med") == 0)
            c->deterministic_med = FALSE;
          return TRUE;
        }
      warn (p, "not modelled, ignored");
      return TRUE;
    }
  if (strcmp (w[0], "redistribute") == 0 || strcmp (w[0], "aggregate-address") == 0 ||
      strcmp (w[0], "timers") == 0 || strcmp (w[0], "distance") == 0 || strcmp (w[0], "table-map") == 0 ||
      strcmp (w[0], "no") == 0)
    {
      warn (p, "not modelled, ignored");
      return TRUE;
    }
  p->ctx = CTX_TOP;
  return top_line (p, w, n);
}

static RwFrrMapEntry *
map_entry_new (guint seq, gboolean permit, guint line)
{
  RwFrrMapEntry *e = g_new0 (RwFrrMapEntry, 1);
  e->seq = seq;
  e->permit = permit;
  e->line = line;
  e->prepend_asns = g_array_new (FALSE, FALSE, sizeof (guint32));
  e->comm_add = g_array_new (FALSE, FALSE, sizeof (guint32));
  return e;
}

static gboolean
map_line (P *p, char **w, guint n)
{
  RwFrrMapEntry *e = p->entry;
  if (strcmp (w[0], "match") == 0 && n >= 3)
    {
      if (n >= 5 && strcmp (w[1], "ip") == 0 && strcmp (w[2], "address") == 0 && strcmp (w[3], "prefix-list") == 0)
        {
          g_free (e->match_pl);
          e->match_pl = g_strdup (w[4]);
          e->match_pl_line = p->line;
          return TRUE;
        }
      if (strcmp (w[1], "community") == 0)
        {
          if (n > 3)
            {
              warn (p, "'exact-match' is not modelled: the route-map entry is ignored");
              e->unsupported = TRUE;
            }
          g_free (e->match_cl);
          e->match_cl = g_strdup (w[2]);
          e->match_cl_line = p->line;
          return TRUE;
        }
      if (strcmp (w[1], "as-path") == 0)
        {
          g_free (e->match_al);
          e->match_al = g_strdup (w[2]);
          e->match_al_line = p->line;
          return TRUE;
        }
      warn (p, "this match is not modelled: the route-map entry is ignored");
      e->unsupported = TRUE;
      return TRUE;
    }
  if (strcmp (w[0], "set") == 0 && n >= 3)
    {
      guint32 v;
      if (strcmp (w[1], "local-preference") == 0)
        {
          if (!parse_u32 (w[2], G_MAXUINT32, &v))
            {
              warn (p, "only a plain LOCAL_PREF value is modelled: the route-map entry is ignored");
              e->unsupported = TRUE;
              return TRUE;
            }
          e->has_lp = TRUE;
          e->lp = v;
          return TRUE;
        }
      if (strcmp (w[1], "metric") == 0)
        {
          if (!parse_u32 (w[2], G_MAXUINT32, &v))
            {
              warn (p, "only a plain MED value is modelled: the route-map entry is ignored");
              e->unsupported = TRUE;
              return TRUE;
            }
          e->has_med = TRUE;
          e->med = v;
          return TRUE;
        }
      if (strcmp (w[1], "weight") == 0)
        {
          if (!parse_u32 (w[2], 65535, &v))
            return fail (p, "'set weight' takes 0-65535");
          e->has_weight = TRUE;
          e->weight = (gint32) v;
          return TRUE;
        }
      if (strcmp (w[1], "origin") == 0)
        {
          if (!rw_origin_parse (w[2], &e->origin))
            return fail (p, "origin is igp, egp or incomplete");
          e->has_origin = TRUE;
          return TRUE;
        }
      if (strcmp (w[1], "as-path") == 0 && n >= 4 && strcmp (w[2], "prepend") == 0)
        {
          if (strcmp (w[3], "last-as") == 0)
            {
              if (n < 5 || !parse_u32 (w[4], 10, &v) || v == 0)
                return fail (p, "'prepend last-as' takes 1-10");
              e->prepend = v;
              g_array_set_size (e->prepend_asns, 0);
              return TRUE;
            }
          g_array_set_size (e->prepend_asns, 0);
          for (guint i = 3; i < n; i++)
            {
              if (!parse_u32 (w[i], G_MAXUINT32, &v) || v == 0)
                return fail (p, "'%s' is not an AS number", w[i]);
              g_array_append_val (e->prepend_asns, v);
            }
          e->prepend = e->prepend_asns->len;
          return TRUE;
        }
      if (strcmp (w[1], "community") == 0)
        {
          gboolean additive = strcmp (w[n - 1], "additive") == 0;
          guint last = additive ? n - 1 : n;
          if (strcmp (w[2], "none") == 0)
            {
              warn (p, "removing every community is not modelled: the route-map entry is ignored");
              e->unsupported = TRUE;
              return TRUE;
            }
          for (guint i = 2; i < last; i++)
            {
              guint32 comm;
              if (!rw_community_parse (w[i], &comm))
                return fail (p, "'%s' is not a community (ASN:VALUE, no-export, no-advertise)", w[i]);
              g_array_append_val (e->comm_add, comm);
            }
          e->comm_replace = !additive; /* said by the import where it matters (not on a network) */
          e->comm_line = p->line;
          return TRUE;
        }
      if (strcmp (w[1], "comm-list") == 0 && n >= 4 && strcmp (w[3], "delete") == 0)
        {
          g_free (e->comm_delete);
          e->comm_delete = g_strdup (w[2]);
          e->comm_delete_line = p->line;
          return TRUE;
        }
      warn (p, "this set is not modelled: the route-map entry is ignored");
      e->unsupported = TRUE;
      return TRUE;
    }
  if (strcmp (w[0], "on-match") == 0 && n >= 2 && strcmp (w[1], "next") == 0)
    {
      e->cont = TRUE;
      return TRUE;
    }
  if (strcmp (w[0], "continue") == 0)
    {
      if (n >= 2)
        {
          guint32 target;
          if (!parse_u32 (w[1], 65535, &target))
            return fail (p, "'continue' takes a sequence number");
          if (target <= e->seq)
            return fail (p, "'continue %u' must go forward", target);
          e->cont = TRUE;
          e->cont_target = target; /* checked against the next entry by the import */
        }
      else
        e->cont = TRUE;
      return TRUE;
    }
  if (strcmp (w[0], "description") == 0)
    return TRUE;
  if (strcmp (w[0], "call") == 0 || strcmp (w[0], "on-match") == 0)
    {
      warn (p, "not modelled: the route-map entry is ignored");
      e->unsupported = TRUE;
      return TRUE;
    }
  p->ctx = CTX_TOP;
  p->entry = NULL;
  return top_line (p, w, n);
}

/* ------------------------------------------------------------------------------------------ */

static const char *const ignored_top[] = {
  "log", "service", "password", "enable", "line", "debug", "agentx", "username", "banner", "vrf",
  "segment-routing", "mpls", "bfd", "key", "nexthop-group", "pbr-map", "fpm", "zebra", "table", "domainname",
  "write", "allow-external-route-update", "access-list", "ipv6", "no", "end", "exit", "end-vrf", "exit-vrf",
  "router-id", "hostname", "frr", "ip", "bgp", "route-map", "interface", "router", NULL,
};

static gboolean
top_line (P *p, char **w, guint n)
{
  RwFrrConf *c = p->c;
  p->iface = NULL;
  p->entry = NULL;
  if (strcmp (w[0], "frr") == 0 && n >= 3 && strcmp (w[1], "defaults") == 0)
    {
      if (strcmp (w[2], "datacenter") == 0)
        c->datacenter = TRUE;
      else if (strcmp (w[2], "traditional") != 0)
        return fail (p, "FRR knows the defaults 'traditional' and 'datacenter'");
      return TRUE;
    }
  if (strcmp (w[0], "frr") == 0 && n >= 2 && strcmp (w[1], "version") == 0)
    return TRUE;
  if (strcmp (w[0], "hostname") == 0 && n >= 2)
    {
      g_free (c->hostname);
      c->hostname = g_strdup (w[1]);
      return TRUE;
    }
  if (strcmp (w[0], "interface") == 0 && n >= 2)
    {
      RwFrrIface *i = find_iface (c, w[1]);
      if (n > 2)
        warn (p, "interfaces in a VRF are not modelled");
      if (i == NULL)
        {
          i = g_new0 (RwFrrIface, 1);
          i->name = g_strdup (w[1]);
          i->line = p->line;
          g_ptr_array_add (c->ifaces, i);
        }
      p->iface = i;
      p->ctx = CTX_IFACE;
      return TRUE;
    }
  if (strcmp (w[0], "router") == 0 && n >= 2)
    {
      if (strcmp (w[1], "bgp") == 0)
        {
          guint32 asn;
          if (n < 3 || !parse_u32 (w[2], G_MAXUINT32, &asn) || asn == 0)
            return fail (p, "expected 'router bgp ASN'");
          if (n > 3)
            {
              warn (p, "BGP in a VRF or a view is not modelled: this block is ignored");
              p->ctx = CTX_OTHER;
              p->other_warned = TRUE;
              return TRUE;
            }
          if (c->asn != 0 && c->asn != asn)
            return fail (p, "a second 'router bgp' with another AS (%u)", c->asn);
          c->asn = asn;
          c->bgp_line = p->line;
          p->ctx = CTX_BGP;
          return TRUE;
        }
      if (strcmp (w[1], "ospf") == 0 && n == 2)
        {
          c->ospf = TRUE;
          p->ctx = CTX_OSPF;
          return TRUE;
        }
      warn (p, "this routing protocol is not modelled: the block is ignored");
      p->ctx = CTX_OTHER;
      p->other_warned = TRUE;
      return TRUE;
    }
  if (strcmp (w[0], "route-map") == 0)
    {
      RwFrrRouteMap *m;
      guint32 seq;
      if (n < 4 || (strcmp (w[2], "permit") != 0 && strcmp (w[2], "deny") != 0) || !parse_u32 (w[3], 65535, &seq) ||
          seq == 0)
        return fail (p, "expected 'route-map NAME permit|deny SEQ'");
      m = g_hash_table_lookup (c->route_maps, w[1]);
      if (m == NULL)
        {
          m = g_new0 (RwFrrRouteMap, 1);
          m->name = g_strdup (w[1]);
          m->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) map_entry_free);
          g_hash_table_insert (c->route_maps, m->name, m);
        }
      for (guint i = 0; i < m->entries->len; i++)
        if (((RwFrrMapEntry *) m->entries->pdata[i])->seq == seq)
          {
            p->entry = m->entries->pdata[i];
            p->ctx = CTX_MAP;
            return TRUE;
          }
      p->entry = map_entry_new (seq, strcmp (w[2], "permit") == 0, p->line);
      g_ptr_array_add (m->entries, p->entry);
      g_ptr_array_sort (m->entries, entry_seq_cmp);
      p->ctx = CTX_MAP;
      return TRUE;
    }
  if (strcmp (w[0], "ip") == 0 && n >= 2)
    {
      if (strcmp (w[1], "prefix-list") == 0)
        return parse_list (p, c->prefix_lists, w, n, 2, TRUE);
      if (strcmp (w[1], "route") == 0 && n >= 4)
        {
          RwPrefix pfx;
          if (!rw_prefix_parse (w[2], &pfx))
            return fail (p, "'%s' is not a prefix (host bits must be clear)", w[2]);
          g_array_append_val (c->statics, pfx);
          if (strcmp (w[3], "blackhole") != 0 && strcmp (w[3], "Null0") != 0 && strcmp (w[3], "reject") != 0)
            warn (p, "a static route with a next hop is not modelled (only its presence in the routing table, for "
                     "import-check)");
          return TRUE;
        }
      if (strcmp (w[1], "forwarding") == 0 || strcmp (w[1], "nht") == 0 || strcmp (w[1], "protocol") == 0 ||
          strcmp (w[1], "router-id") == 0 || strcmp (w[1], "import-table") == 0)
        return TRUE;
      warn (p, "not modelled, ignored");
      return TRUE;
    }
  if (strcmp (w[0], "bgp") == 0 && n >= 3)
    {
      if (strcmp (w[1], "community-list") == 0)
        {
          guint at = 2;
          if (strcmp (w[2], "standard") == 0)
            at = 3;
          else if (strcmp (w[2], "expanded") == 0)
            {
              warn (p, "expanded community-lists (regular expressions) are not modelled: a route-map entry that "
                       "uses it is ignored");
              return TRUE;
            }
          return parse_list (p, c->comm_lists, w, n, at, FALSE);
        }
      if (strcmp (w[1], "as-path") == 0 && n >= 4 && strcmp (w[2], "access-list") == 0)
        return parse_list (p, c->as_lists, w, n, 3, FALSE);
      if (strcmp (w[1], "large-community-list") == 0 || strcmp (w[1], "extcommunity-list") == 0)
        {
          warn (p, "not modelled, ignored");
          return TRUE;
        }
    }
  if (strcmp (w[0], "end") == 0 || strcmp (w[0], "exit") == 0)
    return TRUE;
  if (g_strv_contains (ignored_top, w[0]))
    {
      if (strcmp (w[0], "log") != 0 && strcmp (w[0], "service") != 0 && strcmp (w[0], "no") != 0 &&
          strcmp (w[0], "password") != 0 && strcmp (w[0], "enable") != 0 && strcmp (w[0], "username") != 0 &&
          strcmp (w[0], "banner") != 0 && strcmp (w[0], "agentx") != 0)
        warn (p, "not modelled, ignored");
      if (strcmp (w[0], "line") == 0 || strcmp (w[0], "vrf") == 0 || strcmp (w[0], "key") == 0 ||
          strcmp (w[0], "segment-routing") == 0 || strcmp (w[0], "nexthop-group") == 0 ||
          strcmp (w[0], "pbr-map") == 0 || strcmp (w[0], "bfd") == 0)
        {
          p->ctx = CTX_OTHER;
          p->other_warned = TRUE;
        }
      return TRUE;
    }
  return fail (p, "not an FRR configuration command");
}

RwFrrConf *
rw_frr_conf_parse (const char *text, const char *file, GPtrArray *warnings, GError **error)
{
  g_autoptr(RwFrrConf) c = g_new0 (RwFrrConf, 1);
  g_auto(GStrv) lines = NULL;
  P p = { 0 };

  c->file = g_strdup (file);
  c->ifaces = g_ptr_array_new_with_free_func ((GDestroyNotify) iface_free);
  c->statics = g_array_new (FALSE, FALSE, sizeof (RwPrefix));
  c->ospf_networks = g_array_new (FALSE, FALSE, sizeof (RwPrefix));
  c->passive = g_ptr_array_new_with_free_func (g_free);
  c->neighbors = g_ptr_array_new_with_free_func ((GDestroyNotify) neighbor_free);
  c->networks = g_ptr_array_new_with_free_func ((GDestroyNotify) network_free);
  c->prefix_lists = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) list_free);
  c->comm_lists = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) list_free);
  c->as_lists = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) list_free);
  c->route_maps = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) route_map_free);
  p.c = c;
  p.warnings = warnings;
  p.error = error;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s: not a text file (not UTF-8)", file);
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      g_auto(GStrv) w = NULL;
      guint n = 0;
      gboolean ok = TRUE;

      p.line = i + 1;
      p.text = line;
      if (*line == '\0' || *line == '!' || *line == '#')
        continue;
      w = g_strsplit_set (line, " \t", -1);
      /* drop empty words from repeated blanks */
      for (guint k = 0; w[k]; k++)
        if (*w[k] != '\0')
          {
            char *tmp = w[n];
            w[n] = w[k];
            w[k] = tmp;
            n++;
          }
      for (guint k = n; w[k]; k++)
        {
          g_free (w[k]);
          w[k] = NULL;
        }
      if (strcmp (w[0], "exit") == 0 || strcmp (w[0], "end") == 0)
        {
          if (p.ctx == CTX_BGP_AF || p.ctx == CTX_BGP_OTHER_AF)
            p.ctx = strcmp (w[0], "end") == 0 ? CTX_TOP : CTX_BGP;
          else
            p.ctx = CTX_TOP;
          p.iface = NULL;
          p.entry = NULL;
          continue;
        }
      switch (p.ctx)
        {
        case CTX_TOP:
          ok = top_line (&p, w, n);
          break;
        case CTX_IFACE:
          ok = iface_line (&p, w, n);
          break;
        case CTX_BGP:
        case CTX_BGP_AF:
        case CTX_BGP_OTHER_AF:
          ok = bgp_line (&p, w, n);
          break;
        case CTX_OSPF:
          ok = ospf_line (&p, w, n);
          break;
        case CTX_MAP:
          ok = map_line (&p, w, n);
          break;
        case CTX_OTHER:
          /* inside a block we do not model: a top-level command ends it */
          if (strcmp (w[0], "interface") == 0 || strcmp (w[0], "router") == 0 || strcmp (w[0], "route-map") == 0 ||
              strcmp (w[0], "hostname") == 0 || (strcmp (w[0], "ip") == 0 && n > 1 &&
                                                  (strcmp (w[1], "prefix-list") == 0 || strcmp (w[1], "route") == 0)) ||
              (strcmp (w[0], "bgp") == 0 && n > 1 &&
               (strcmp (w[1], "community-list") == 0 || strcmp (w[1], "as-path") == 0)))
            {
              p.ctx = CTX_TOP;
              ok = top_line (&p, w, n);
            }
          break;
        }
      if (!ok)
        return NULL;
    }
  return g_steal_pointer (&c);
}
