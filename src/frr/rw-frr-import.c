/* rw-frr-import.c — a topology from FRR configurations (a folder, files, or a Containerlab lab).
 *
 * Nodes are the configurations; links join interfaces on one subnet (or a lab's endpoints);
 * sessions pair the two sides' neighbour statements through the address plan; route-maps
 * become policies with their prefix-, community- and as-path lists folded in. FRR's defaults
 * are applied; what the twin cannot express is a warning with file and line.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-frr-import.h"
#include "rw-json-util.h"
#include "rw-clab.h"
#include "rw-frr-parse.h"
#include "rw-frr-private.h"
#include "rw-twin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_MAX_BYTES (32u << 20)
#define DENY_ALL "RW-EBGP-REQUIRES-POLICY"

void
rw_import_options_init (RwImportOptions *o)
{
  memset (o, 0, sizeof *o);
  o->default_capacity_mbps = 10000;
  o->default_latency_ms = 1;
}

typedef struct {
  char *id;        /* node id */
  RwFrrConf *conf;
} Src;

static void
src_free (Src *s)
{
  g_free (s->id);
  rw_frr_conf_free (s->conf);
  g_free (s);
}

typedef struct {
  guint node;      /* index into srcs */
  RwFrrIface *iface;
} Owner;

typedef struct {
  const RwImportOptions *opts;
  GPtrArray *srcs;           /* Src */
  GPtrArray *warnings;       /* char* */
  RwTopology *t;
  GHashTable *owners;        /* address -> Owner* (interfaces and loopbacks) */
  GHashTable *policy_keys;   /* policy name -> canonical JSON, to share identical route-maps */
  GError **error;
} Imp;

static gboolean
ifail (Imp *im, RwFrrError code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
ifail (Imp *im, RwFrrError code, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (im->error, RW_FRR_ERROR, code, msg);
  return FALSE;
}

static void
iwarn (Imp *im, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
iwarn (Imp *im, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_ptr_array_add (im->warnings, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

static gboolean
is_loopback_iface (const RwFrrIface *i)
{
  return strcmp (i->name, "lo") == 0 || g_str_has_prefix (i->name, "lo:") || (i->has_addr && i->plen == 32);
}

/* ------------------------------------------------------------------------------------------ */
/* Nodes */

static guint32
derived_router_id (const RwFrrConf *c)
{
  /* zebra's choice without "bgp router-id": the highest loopback address, else the highest
   * interface address */
  guint32 best_lo = 0, best = 0;
  for (guint i = 0; i < c->ifaces->len; i++)
    {
      const RwFrrIface *f = c->ifaces->pdata[i];
      if (!f->has_addr)
        continue;
      if (is_loopback_iface (f))
        best_lo = MAX (best_lo, f->addr);
      else
        best = MAX (best, f->addr);
    }
  return best_lo ? best_lo : best;
}

static gboolean
build_nodes (Imp *im)
{
  g_autoptr(GHashTable) per_as = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) rids = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint32 our = im->opts->our_as;

  for (guint i = 0; i < im->srcs->len; i++)
    {
      Src *s = im->srcs->pdata[i];
      if (s->conf->asn == 0)
        return ifail (im, RW_FRR_ERROR_INVALID, "%s: no 'router bgp': every node of the twin speaks BGP", s->conf->file);
      g_hash_table_insert (per_as, GUINT_TO_POINTER (s->conf->asn),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (per_as, GUINT_TO_POINTER (s->conf->asn))) + 1));
    }
  if (our == 0)
    {
      GHashTableIter it;
      gpointer k, v;
      guint best = 0, ties = 0;
      g_hash_table_iter_init (&it, per_as);
      while (g_hash_table_iter_next (&it, &k, &v))
        {
          if (GPOINTER_TO_UINT (v) > best)
            best = GPOINTER_TO_UINT (v), our = GPOINTER_TO_UINT (k), ties = 0;
          else if (GPOINTER_TO_UINT (v) == best)
            ties++;
        }
      if (ties > 0)
        return ifail (im, RW_FRR_ERROR_INVALID,
                      "several ASes have %u routers each: say which one is ours with --our-as", best);
    }
  else if (!g_hash_table_contains (per_as, GUINT_TO_POINTER (our)))
    return ifail (im, RW_FRR_ERROR_INVALID, "--our-as %u: no configuration has 'router bgp %u'", our, our);

  for (guint i = 0; i < im->srcs->len; i++)
    {
      Src *s = im->srcs->pdata[i];
      RwFrrConf *c = s->conf;
      guint32 rid = c->router_id ? c->router_id : derived_router_id (c);
      gboolean ours = c->asn == our;
      RwNode *n;
      gpointer other;
      if (rid == 0)
        return ifail (im, RW_FRR_ERROR_INVALID, "%s:%u: no 'bgp router-id' and no interface address to derive one",
                      c->file, c->bgp_line);
      if ((other = g_hash_table_lookup (rids, GUINT_TO_POINTER (rid))) != NULL)
        {
          g_autofree char *r = rw_ipv4_to_string (rid);
          Src *o = im->srcs->pdata[GPOINTER_TO_UINT (other) - 1];
          return ifail (im, RW_FRR_ERROR_INVALID, "%s:%u: router id %s is also the router id of %s (%s)", c->file,
                        c->bgp_line, r, o->id, o->conf->file);
        }
      g_hash_table_insert (rids, GUINT_TO_POINTER (rid), GUINT_TO_POINTER (i + 1));
      n = rw_node_new (s->id, ours ? RW_NODE_ROUTER : RW_NODE_EXTERNAL, ours ? RW_ROLE_CORE : RW_ROLE_INTERNET, c->asn,
                       rid);
      n->hostname = g_strdup (c->hostname);
      for (guint k = 0; k < c->ifaces->len; k++)
        {
          const RwFrrIface *f = c->ifaces->pdata[k];
          if (f->has_addr && is_loopback_iface (f) && n->loopback == 0)
            n->loopback = f->addr == rid ? 0 : f->addr;
        }
      g_ptr_array_add (im->t->nodes, n);
    }
  return TRUE;
}

static gboolean
build_owners (Imp *im)
{
  for (guint i = 0; i < im->srcs->len; i++)
    {
      Src *s = im->srcs->pdata[i];
      for (guint k = 0; k < s->conf->ifaces->len; k++)
        {
          RwFrrIface *f = s->conf->ifaces->pdata[k];
          Owner *o, *prev;
          if (!f->has_addr)
            continue;
          if ((prev = g_hash_table_lookup (im->owners, GUINT_TO_POINTER (f->addr))) != NULL)
            {
              g_autofree char *a = rw_ipv4_to_string (f->addr);
              Src *ps = im->srcs->pdata[prev->node];
              return ifail (im, RW_FRR_ERROR_INVALID, "%s:%u: address %s is also on %s %s (%s:%u)", s->conf->file,
                            f->line, a, ps->id, prev->iface->name, ps->conf->file, prev->iface->line);
            }
          o = g_new0 (Owner, 1);
          o->node = i;
          o->iface = f;
          g_hash_table_insert (im->owners, GUINT_TO_POINTER (f->addr), o);
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Links */

static gboolean
iface_in_ospf (const RwFrrConf *c, const RwFrrIface *f)
{
  gboolean in = f->ospf_area, passive = c->passive_default;
  g_autofree char *active = g_strdup_printf ("!%s", f->name);
  if (!c->ospf)
    return FALSE;
  if (!in && f->has_addr)
    for (guint i = 0; i < c->ospf_networks->len && !in; i++)
      {
        RwPrefix host = { f->addr, 32 };
        in = rw_prefix_contains (&g_array_index (c->ospf_networks, RwPrefix, i), &host);
      }
  for (guint i = 0; i < c->passive->len; i++)
    {
      if (strcmp (c->passive->pdata[i], f->name) == 0)
        passive = TRUE;
      if (strcmp (c->passive->pdata[i], active) == 0)
        passive = FALSE;
    }
  return in && !passive;
}

/* A link's name in parentheses at the end of an interface description ("R3 (R1-R3)"), as the
 * export writes it and as engineers often do; NULL when there is none. */
static char *
described_link_id (const RwFrrIface *f)
{
  const char *d = f ? f->description : NULL, *open;
  gsize len;
  if (d == NULL || (len = strlen (d)) < 3 || d[len - 1] != ')' || (open = strrchr (d, '(')) == NULL ||
      open + 1 >= d + len - 1)
    return NULL;
  for (const char *q = open + 1; q < d + len - 1; q++)
    if (!g_ascii_isalnum (*q) && *q != '-' && *q != '_' && *q != '.')
      return NULL;
  return g_strndup (open + 1, (gsize) (d + len - 1 - (open + 1)));
}

static void
add_link (Imp *im, guint a, RwFrrIface *fa, guint b, RwFrrIface *fb)
{
  Src *sa = im->srcs->pdata[a], *sb = im->srcs->pdata[b];
  g_autofree char *base = g_strdup_printf ("%s-%s", sa->id, sb->id);
  g_autofree char *id = NULL;
  g_autofree char *da = described_link_id (fa), *db = described_link_id (fb);
  RwLink *l;
  guint bw;
  gboolean same_as = sa->conf->asn == sb->conf->asn;

  /* the name both ends' descriptions give (or the one that names it), else "A-B" */
  if (da && db && strcmp (da, db) != 0)
    g_clear_pointer (&da, g_free);
  else if (da == NULL)
    da = g_steal_pointer (&db);
  id = g_strdup (da && rw_topology_find_link (im->t, da) == NULL ? da : base);
  for (guint k = 2; rw_topology_find_link (im->t, id) != NULL; k++)
    {
      g_free (id);
      id = g_strdup_printf ("%s-%u", base, k);
    }
  bw = fa && fb && fa->bandwidth && fb->bandwidth ? MIN (fa->bandwidth, fb->bandwidth)
                                                  : (fa && fa->bandwidth ? fa->bandwidth : (fb ? fb->bandwidth : 0));
  l = rw_link_new (id, sa->id, sb->id, bw ? bw : im->opts->default_capacity_mbps, im->opts->default_latency_ms);
  if (fa)
    {
      l->ends[0].ifname = g_strdup (fa->name);
      if (fa->has_addr)
        l->ends[0].addr = fa->addr, l->ends[0].plen = fa->plen;
    }
  if (fb)
    {
      l->ends[1].ifname = g_strdup (fb->name);
      if (fb->has_addr)
        l->ends[1].addr = fb->addr, l->ends[1].plen = fb->plen;
    }
  l->up = !(fa && fa->shutdown) && !(fb && fb->shutdown);
  if (same_as)
    {
      gboolean oa = fa && iface_in_ospf (sa->conf, fa), ob = fb && iface_in_ospf (sb->conf, fb);
      guint ca = fa && fa->cost ? fa->cost : 10, cb = fb && fb->cost ? fb->cost : 10;
      if (!oa || !ob)
        iwarn (im, "%s:%u: interface %s: link %s inside AS %u is not in OSPF on %s: the twin's IGP uses every link "
               "inside an AS", (oa ? sb : sa)->conf->file, (oa ? fb : fa) ? (oa ? fb : fa)->line : 1,
               (oa ? fb : fa) ? (oa ? fb : fa)->name : "?", id, sa->conf->asn, (oa ? sb : sa)->id);
      if ((fa && !fa->cost && !fa->bandwidth) || (fb && !fb->cost && !fb->bandwidth))
        iwarn (im, "%s:%u: interface %s: no 'ip ospf cost': FRR derives it from the interface speed; cost 10 assumed",
               (fa && !fa->cost) ? sa->conf->file : sb->conf->file, (fa && !fa->cost) ? fa->line : fb->line,
               (fa && !fa->cost) ? fa->name : fb->name);
      if (ca != cb)
        iwarn (im, "%s:%u: interface %s: OSPF cost %u one way and %u the other (%s): the twin's link cost is one "
               "number, %u is used", sa->conf->file, fa ? fa->line : 1, fa ? fa->name : "?", ca, cb, id, MAX (ca, cb));
      l->igp_cost = MAX (ca, cb);
    }
  if (fa && fb && fa->has_addr && fb->has_addr &&
      (fa->plen != fb->plen || (fa->addr & rw_prefix_mask (fa->plen)) != (fb->addr & rw_prefix_mask (fb->plen))))
    iwarn (im, "%s:%u: interface %s: not on the subnet of %s %s: FRR cannot reach across this link",
           sa->conf->file, fa->line, fa->name, sb->id, fb->name);
  g_ptr_array_add (im->t->links, l);
}

static RwFrrIface *
conf_iface (RwFrrConf *c, const char *name)
{
  for (guint i = 0; i < c->ifaces->len; i++)
    if (strcmp (((RwFrrIface *) c->ifaces->pdata[i])->name, name) == 0)
      return c->ifaces->pdata[i];
  return NULL;
}

static gint
src_index (Imp *im, const char *id)
{
  for (guint i = 0; i < im->srcs->len; i++)
    if (strcmp (((Src *) im->srcs->pdata[i])->id, id) == 0)
      return (gint) i;
  return -1;
}

static gboolean
links_from_lab (Imp *im, const RwClab *lab)
{
  for (guint i = 0; i < lab->links->len; i++)
    {
      const RwClabLink *cl = lab->links->pdata[i];
      gint a = src_index (im, cl->node[0]), b = src_index (im, cl->node[1]);
      if (a < 0 || b < 0)
        continue; /* a node without configuration (a host): not part of the twin */
      add_link (im, (guint) a, conf_iface (((Src *) im->srcs->pdata[a])->conf, cl->ifname[0]), (guint) b,
                conf_iface (((Src *) im->srcs->pdata[b])->conf, cl->ifname[1]));
    }
  return TRUE;
}

static gboolean
links_from_subnets (Imp *im)
{
  g_autoptr(GHashTable) subnets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  for (guint i = 0; i < im->srcs->len; i++)
    {
      Src *s = im->srcs->pdata[i];
      for (guint k = 0; k < s->conf->ifaces->len; k++)
        {
          RwFrrIface *f = s->conf->ifaces->pdata[k];
          gint64 key;
          GPtrArray *members;
          if (!f->has_addr || is_loopback_iface (f))
            continue;
          key = ((gint64) (f->addr & rw_prefix_mask (f->plen)) << 8) | f->plen;
          members = g_hash_table_lookup (subnets, &key);
          if (members == NULL)
            {
              members = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (subnets, g_memdup2 (&key, sizeof key), members);
              g_ptr_array_add (order, members);
            }
          {
            Owner *o = g_new0 (Owner, 1);
            o->node = i;
            o->iface = f;
            g_ptr_array_add (members, o);
          }
        }
    }
  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *m = order->pdata[i];
      Owner *a = m->pdata[0];
      if (m->len == 2)
        add_link (im, a->node, a->iface, ((Owner *) m->pdata[1])->node, ((Owner *) m->pdata[1])->iface);
      else if (m->len > 2)
        iwarn (im, "%s:%u: interface %s: %u interfaces share this subnet (a LAN): not modelled, no link made",
               ((Src *) im->srcs->pdata[a->node])->conf->file, a->iface->line, a->iface->name, m->len);
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Policies */

static RwFrrList *
need_list (Imp *im, GHashTable *table, const char *kind, const RwFrrConf *c, const char *name, guint line)
{
  RwFrrList *l = g_hash_table_lookup (table, name);
  if (l == NULL)
    ifail (im, RW_FRR_ERROR_INVALID, "%s:%u: the %s '%s' is not defined in this configuration", c->file, line, kind,
           name);
  return l;
}

/* An as-path regular expression the twin can say: TRUE with the fields set; FALSE = not modelled. */
static gboolean
as_regex (const char *re, RwPolicyEntry *e)
{
  guint32 a, b;
  char tail[8];
  if (strcmp (re, ".*") == 0 || strcmp (re, "_") == 0)
    return TRUE;
  if (strcmp (re, "^$") == 0)
    {
      e->has_match_neighbor_as = TRUE;
      e->match_neighbor_as = 0;
      return TRUE;
    }
  if (sscanf (re, "_%u_%7s", &a, tail) == 1 && g_str_has_suffix (re, "_") && a > 0)
    {
      e->has_match_as_path_contains = TRUE;
      e->match_as_path_contains = a;
      return TRUE;
    }
  if (sscanf (re, "^%u_(.*_)?%u_%7s", &a, &b, tail) == 2 && g_str_has_suffix (re, "_"))
    {
      e->has_match_neighbor_as = TRUE;
      e->match_neighbor_as = a;
      e->has_match_as_path_contains = TRUE;
      e->match_as_path_contains = b;
      return TRUE;
    }
  if (sscanf (re, "^%u_%7s", &a, tail) == 1 && g_str_has_suffix (re, "_") && a > 0)
    {
      e->has_match_neighbor_as = TRUE;
      e->match_neighbor_as = a;
      return TRUE;
    }
  return FALSE;
}

/* FALSE with an error; *skip when the entry cannot be modelled (a warning is added). */
static gboolean
convert_entry (Imp *im, const RwFrrConf *c, const RwFrrRouteMap *m, guint idx, RwPolicyEntry **out)
{
  const RwFrrMapEntry *fe = m->entries->pdata[idx];
  g_autoptr(RwPolicyEntry) e = rw_policy_entry_new (fe->seq, fe->permit);
  *out = NULL;
  if (fe->match_pl)
    {
      RwFrrList *l = need_list (im, c->prefix_lists, "prefix-list", c, fe->match_pl, fe->match_pl_line);
      if (l == NULL)
        return FALSE;
      e->match_prefixes = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
      for (guint i = 0; i < l->lines->len; i++)
        {
          const RwFrrListLine *ll = l->lines->pdata[i];
          g_auto(GStrv) w = g_strsplit (ll->value, " ", -1);
          RwPrefixMatch pm = { 0 };
          rw_prefix_parse (w[0], &pm.prefix);
          pm.ge = pm.le = pm.prefix.len;
          for (guint k = 1; w[k] && w[k + 1]; k += 2)
            {
              guint v = (guint) atoi (w[k + 1]);
              if (strcmp (w[k], "ge") == 0)
                {
                  pm.has_ge = TRUE;
                  pm.ge = (guint8) v;
                  if (!pm.has_le)
                    pm.le = 32;
                }
              else
                {
                  pm.has_le = TRUE;
                  pm.le = (guint8) v;
                }
            }
          pm.deny = !ll->permit;
          g_array_append_val (e->match_prefixes, pm);
        }
    }
  if (fe->match_cl)
    {
      RwFrrList *l = need_list (im, c->comm_lists, "community-list", c, fe->match_cl, fe->match_cl_line);
      const RwFrrListLine *ll;
      if (l == NULL)
        return FALSE;
      ll = l->lines->len == 1 ? l->lines->pdata[0] : NULL;
      if (ll == NULL || !ll->permit || strchr (ll->value, ' ') || !rw_community_parse (ll->value, &e->match_community))
        {
          iwarn (im, "%s:%u: match community %s: the twin matches one community (a list of one permit line with one "
                 "community): route-map %s entry %u is ignored", c->file, fe->match_cl_line, fe->match_cl, m->name, fe->seq);
          return TRUE;
        }
      e->has_match_community = TRUE;
    }
  if (fe->match_al)
    {
      RwFrrList *l = need_list (im, c->as_lists, "as-path access-list", c, fe->match_al, fe->match_al_line);
      const RwFrrListLine *ll;
      if (l == NULL)
        return FALSE;
      ll = l->lines->len == 1 ? l->lines->pdata[0] : NULL;
      if (ll == NULL || !ll->permit || !as_regex (ll->value, e))
        {
          iwarn (im, "%s:%u: match as-path %s: the twin matches one permit line of _ASN_, ^ASN_, ^$ or .*: "
                 "route-map %s entry %u is ignored", c->file, fe->match_al_line, fe->match_al, m->name, fe->seq);
          return TRUE;
        }
    }
  if (fe->unsupported)
    return TRUE; /* the parser said why */
  if (fe->cont_target && (idx + 1 >= m->entries->len || ((RwFrrMapEntry *) m->entries->pdata[idx + 1])->seq != fe->cont_target))
    {
      iwarn (im, "%s:%u: route-map %s entry %u: 'continue %u' skips entries: only going on to the next entry is "
             "modelled; the entry is ignored", c->file, fe->line, m->name, fe->seq, fe->cont_target);
      return TRUE;
    }
  e->cont = fe->cont && fe->permit;
  e->has_set_local_pref = fe->has_lp;
  e->set_local_pref = fe->lp;
  e->has_set_med = fe->has_med;
  e->set_med = fe->med;
  e->has_set_weight = fe->has_weight;
  e->set_weight = fe->weight;
  e->set_prepend = fe->prepend;
  for (guint i = 1; i < fe->prepend_asns->len; i++)
    if (g_array_index (fe->prepend_asns, guint32, i) != g_array_index (fe->prepend_asns, guint32, 0))
      iwarn (im, "%s:%u: route-map %s entry %u: a prepend of different ASNs: the twin prepends one AS %u times",
             c->file, fe->line, m->name, fe->seq, fe->prepend);
  if (fe->prepend_asns->len > 0 && g_array_index (fe->prepend_asns, guint32, 0) != c->asn)
    iwarn (im, "%s:%u: route-map %s entry %u: prepends AS %u, not this router's AS %u: the twin prepends its own AS "
           "on export (the neighbour's on import)", c->file, fe->line, m->name, fe->seq,
           g_array_index (fe->prepend_asns, guint32, 0), c->asn);
  if (fe->has_origin)
    iwarn (im, "%s:%u: route-map %s entry %u: 'set origin' on a session is not modelled, ignored", c->file, fe->line,
           m->name, fe->seq);
  if (fe->comm_replace)
    iwarn (im, "%s:%u: route-map %s entry %u: 'set community' without 'additive' replaces the communities in "
           "FRR; the twin adds them (the others stay)", c->file, fe->comm_line, m->name, fe->seq);
  g_array_append_vals (e->community_add, fe->comm_add->data, fe->comm_add->len);
  if (fe->comm_delete)
    {
      RwFrrList *l = need_list (im, c->comm_lists, "community-list", c, fe->comm_delete, fe->comm_delete_line);
      if (l == NULL)
        return FALSE;
      for (guint i = 0; i < l->lines->len; i++)
        {
          const RwFrrListLine *ll = l->lines->pdata[i];
          g_auto(GStrv) comms = g_strsplit (ll->value, " ", -1);
          for (guint k = 0; comms[k]; k++)
            {
              guint32 v;
              if (!ll->permit || !rw_community_parse (comms[k], &v))
                {
                  iwarn (im, "%s:%u: community-list %s: only permit lines of communities are modelled for 'set "
                         "comm-list … delete'; this line is ignored", c->file, ll->line, l->name);
                  break;
                }
              g_array_append_val (e->community_remove, v);
            }
        }
    }
  *out = g_steal_pointer (&e);
  return TRUE;
}

/* The policy for route-map @name of @c: one twin policy per distinct content, named after the
 * route-map (with the node's name when another router has a different route-map of that name). */
static char *
use_route_map (Imp *im, Src *s, const char *name, guint line, gboolean *ok)
{
  RwFrrRouteMap *m = g_hash_table_lookup (s->conf->route_maps, name);
  g_autoptr(RwPolicy) p = NULL;
  g_autoptr(RwTopology) one = NULL;
  g_autofree char *key = NULL;
  char *pname;

  *ok = TRUE;
  if (m == NULL)
    {
      iwarn (im, "%s:%u: route-map %s is not defined: FRR then accepts and sends nothing on this session", s->conf->file,
             line, name);
      return g_strdup (DENY_ALL);
    }
  p = rw_policy_new (name);
  for (guint i = 0; i < m->entries->len; i++)
    {
      RwPolicyEntry *e = NULL;
      if (!convert_entry (im, s->conf, m, i, &e))
        {
          *ok = FALSE;
          return NULL;
        }
      if (e)
        g_ptr_array_add (p->entries, e);
    }
  /* the content as JSON is the key that decides whether two routers share the policy */
  one = rw_topology_new ("k");
  g_ptr_array_add (one->policies, rw_policy_copy (p));
  {
    g_autoptr(JsonNode) n = rw_topology_to_json_node (one);
    JsonObject *pol = json_object_get_object_member (json_node_get_object (n), "policies");
    g_autoptr(JsonNode) only = json_node_copy (json_object_get_member (pol, name));
    key = json_to_string (only, FALSE);
  }
  pname = g_strdup (name);
  for (guint k = 0;; k++)
    {
      const char *have = g_hash_table_lookup (im->policy_keys, pname);
      if (have == NULL)
        break;
      if (strcmp (have, key) == 0)
        return pname;
      g_free (pname);
      pname = k == 0 ? g_strdup_printf ("%s-%s", name, s->id) : g_strdup_printf ("%s-%s-%u", name, s->id, k);
    }
  g_free (p->name);
  p->name = g_strdup (pname);
  g_hash_table_insert (im->policy_keys, g_strdup (pname), g_steal_pointer (&key));
  g_ptr_array_add (im->t->policies, g_steal_pointer (&p));
  return pname;
}

static void
ensure_deny_all (Imp *im)
{
  RwPolicy *p;
  if (rw_topology_find_policy (im->t, DENY_ALL))
    return;
  p = rw_policy_new (DENY_ALL);
  g_ptr_array_add (p->entries, rw_policy_entry_new (10, FALSE));
  g_ptr_array_add (im->t->policies, p);
}

/* ------------------------------------------------------------------------------------------ */
/* Sessions */

/* A neighbour's settings, the peer-group's filled in. */
typedef struct {
  RwFrrNeighbor merged;
  const RwFrrNeighbor *own;
} Nb;

static void
merge (const RwFrrConf *c, const RwFrrNeighbor *n, RwFrrNeighbor *out)
{
  const RwFrrNeighbor *g = n->group ? rw_frr_conf_neighbor (c, n->group) : NULL;
  *out = *n;
  if (g == NULL)
    return;
#define PICK(f) if (!out->f) out->f = g->f
  PICK (remote_kind);
  PICK (remote_as);
  PICK (update_source);
  PICK (nhs);
  PICK (rr_client);
  PICK (shutdown);
  PICK (rm_in);
  PICK (rm_out);
  PICK (rm_in_line);
  PICK (rm_out_line);
  if (!out->has_weight && g->has_weight)
    out->has_weight = TRUE, out->weight = g->weight;
#undef PICK
}

static const Owner *
owner_of (Imp *im, guint32 addr)
{
  return g_hash_table_lookup (im->owners, GUINT_TO_POINTER (addr));
}

/* @c's neighbour statement towards node @peer (by any of its addresses); NULL when none. */
static const RwFrrNeighbor *
neighbour_towards (Imp *im, const RwFrrConf *c, guint peer)
{
  for (guint i = 0; i < c->neighbors->len; i++)
    {
      const RwFrrNeighbor *n = c->neighbors->pdata[i];
      guint32 a;
      const Owner *o;
      if (n->is_group || !rw_ipv4_parse (n->key, &a))
        continue;
      if ((o = owner_of (im, a)) != NULL && o->node == peer)
        return n;
    }
  return NULL;
}

static gboolean
shares_subnet (const RwFrrConf *c, guint32 addr)
{
  for (guint i = 0; i < c->ifaces->len; i++)
    {
      const RwFrrIface *f = c->ifaces->pdata[i];
      if (f->has_addr && !is_loopback_iface (f) && (f->addr & rw_prefix_mask (f->plen)) == (addr & rw_prefix_mask (f->plen)))
        return TRUE;
    }
  return FALSE;
}

static gboolean
build_sessions (Imp *im)
{
  gboolean any_deny_all = FALSE;
  for (guint i = 0; i < im->srcs->len; i++)
    {
      Src *s = im->srcs->pdata[i];
      RwFrrConf *c = s->conf;
      gboolean requires_policy = !c->no_ebgp_requires_policy && !c->datacenter;
      for (guint k = 0; k < c->neighbors->len; k++)
        {
          const RwFrrNeighbor *raw = c->neighbors->pdata[k];
          RwFrrNeighbor me, them;
          const RwFrrNeighbor *back;
          const Owner *o;
          guint32 addr, expect;
          Src *ps;
          RwSession *sess;
          gboolean ebgp, ok;
          guint mine_end;
          if (raw->is_group)
            continue;
          merge (c, raw, &me);
          rw_ipv4_parse (raw->key, &addr);
          if ((o = owner_of (im, addr)) == NULL)
            return ifail (im, RW_FRR_ERROR_INVALID,
                          "%s:%u: neighbor %s: no interface of the imported routers has this address", c->file,
                          raw->line, raw->key);
          if (o->node == i)
            return ifail (im, RW_FRR_ERROR_INVALID, "%s:%u: neighbor %s is an address of this router itself", c->file,
                          raw->line, raw->key);
          ps = im->srcs->pdata[o->node];
          if (me.remote_kind == 0)
            return ifail (im, RW_FRR_ERROR_INVALID, "%s:%u: neighbor %s has no remote-as", c->file, raw->line, raw->key);
          expect = me.remote_kind == 2 ? c->asn : me.remote_as;
          if ((me.remote_kind == 1 && expect != ps->conf->asn) || (me.remote_kind == 2 && ps->conf->asn != c->asn) ||
              (me.remote_kind == 3 && ps->conf->asn == c->asn))
            {
              iwarn (im, "%s:%u: neighbor %s: %s is in AS %u: the session never comes up, not modelled", c->file,
                     raw->line, raw->key, ps->id, ps->conf->asn);
              continue;
            }
          if (o->node < i && rw_topology_find_session (im->t, s->id, ps->id))
            continue; /* made from the other side */
          if (rw_topology_find_session (im->t, s->id, ps->id))
            {
              iwarn (im, "%s:%u: neighbor %s: a second session with %s: the twin has one session per pair of nodes, "
                     "ignored", c->file, raw->line, raw->key, ps->id);
              continue;
            }
          back = neighbour_towards (im, ps->conf, i);
          if (back == NULL)
            {
              iwarn (im, "%s:%u: neighbor %s: %s has no neighbor statement back: the session never comes up, ignored",
                     c->file, raw->line, raw->key, ps->id);
              continue;
            }
          merge (ps->conf, back, &them);
          ebgp = ps->conf->asn != c->asn;
          if (ebgp && (!shares_subnet (c, addr) || !shares_subnet (ps->conf, ((RwNode *) im->t->nodes->pdata[i])->router_id) ))
            {
              /* eBGP must run over a link between the two (the twin has no multihop) */
              guint32 back_addr;
              rw_ipv4_parse (back->key, &back_addr);
              if (!shares_subnet (c, addr) || !shares_subnet (ps->conf, back_addr))
                {
                  iwarn (im, "%s:%u: neighbor %s: eBGP to an address that is not on a shared link (multihop): not "
                         "modelled, ignored", c->file, raw->line, raw->key);
                  continue;
                }
            }
          sess = rw_session_new (s->id, ps->id);
          sess->up = !me.shutdown && !them.shutdown;
          if (!ebgp)
            {
              guint32 back_addr;
              rw_ipv4_parse (back->key, &back_addr);
              if ((!shares_subnet (c, addr) && me.update_source == NULL) ||
                  (!shares_subnet (ps->conf, back_addr) && them.update_source == NULL))
                {
                  iwarn (im, "%s:%u: neighbor %s: iBGP to a loopback without update-source: FRR's session does not "
                         "come up; modelled as down", c->file, raw->line, raw->key);
                  sess->up = FALSE;
                }
            }
          g_ptr_array_add (im->t->sessions, sess);
          for (mine_end = 0; mine_end < 2; mine_end++)
            {
              Src *side = mine_end == 0 ? s : ps;
              const RwFrrNeighbor *nb = mine_end == 0 ? &me : &them;
              const RwFrrNeighbor *nraw = mine_end == 0 ? raw : back;
              gboolean side_requires = mine_end == 0 ? requires_policy
                                                     : !ps->conf->no_ebgp_requires_policy && !ps->conf->datacenter;
              RwSessionEnd *end = &sess->ends[mine_end];
              end->weight = nb->has_weight ? nb->weight : 0;
              end->rr_client = nb->rr_client && !ebgp;
              if (nb->rr_client && ebgp)
                iwarn (im, "%s:%u: neighbor %s: route-reflector-client on an eBGP session means nothing, ignored",
                       side->conf->file, nraw->line, nraw->key);
              if (nb->rm_in)
                {
                  end->import = use_route_map (im, side, nb->rm_in, nb->rm_in_line, &ok);
                  if (!ok)
                    return FALSE;
                }
              if (nb->rm_out)
                {
                  end->export = use_route_map (im, side, nb->rm_out, nb->rm_out_line, &ok);
                  if (!ok)
                    return FALSE;
                }
              if (ebgp && side_requires && (!nb->rm_in || !nb->rm_out))
                {
                  iwarn (im, "%s:%u: neighbor %s: no route-map %s: with FRR's ebgp-requires-policy (RFC 8212) the "
                         "session %s nothing", side->conf->file, nraw->line, nraw->key,
                         !nb->rm_in && !nb->rm_out ? "in or out" : !nb->rm_in ? "in" : "out",
                         !nb->rm_in && !nb->rm_out ? "accepts and sends" : !nb->rm_in ? "accepts" : "sends");
                  if (!nb->rm_in)
                    end->import = g_strdup (DENY_ALL);
                  if (!nb->rm_out)
                    end->export = g_strdup (DENY_ALL);
                }
              if ((end->import && strcmp (end->import, DENY_ALL) == 0) || (end->export && strcmp (end->export, DENY_ALL) == 0))
                any_deny_all = TRUE;
              if (!ebgp && !nb->nhs)
                {
                  gboolean has_ebgp = FALSE;
                  for (guint q = 0; q < side->conf->neighbors->len && !has_ebgp; q++)
                    {
                      RwFrrNeighbor mm;
                      merge (side->conf, side->conf->neighbors->pdata[q], &mm);
                      has_ebgp = !((RwFrrNeighbor *) side->conf->neighbors->pdata[q])->is_group &&
                                 ((mm.remote_kind == 1 && mm.remote_as != side->conf->asn) || mm.remote_kind == 3);
                    }
                  if (has_ebgp)
                    iwarn (im, "%s:%u: neighbor %s: no next-hop-self: the twin resolves iBGP next hops to this "
                           "router (FRR then needs the eBGP link subnets in the IGP)", side->conf->file, nraw->line,
                           nraw->key);
                }
            }
        }
    }
  if (any_deny_all)
    ensure_deny_all (im);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Originations, options, roles, layout */

static gboolean
in_rib (const RwFrrConf *c, const RwPrefix *p)
{
  for (guint i = 0; i < c->statics->len; i++)
    if (rw_prefix_equal (&g_array_index (c->statics, RwPrefix, i), p))
      return TRUE;
  for (guint i = 0; i < c->ifaces->len; i++)
    {
      const RwFrrIface *f = c->ifaces->pdata[i];
      RwPrefix sub = { f->addr & rw_prefix_mask (f->plen), f->plen };
      if (f->has_addr && !f->shutdown && rw_prefix_equal (&sub, p))
        return TRUE;
    }
  return FALSE;
}

static gboolean
build_originations (Imp *im)
{
  for (guint i = 0; i < im->srcs->len; i++)
    {
      Src *s = im->srcs->pdata[i];
      RwFrrConf *c = s->conf;
      gboolean check = !c->no_import_check;
      for (guint k = 0; k < c->networks->len; k++)
        {
          const RwFrrNetwork *net = c->networks->pdata[k];
          g_autofree char *pt = rw_prefix_to_string (&net->prefix);
          RwOrigination *o;
          if (check && !in_rib (c, &net->prefix))
            {
              iwarn (im, "%s:%u: network %s: not in this router's routing table (no static or connected route): with "
                     "FRR's import-check it is not announced, left out", c->file, net->line, pt);
              continue;
            }
          for (guint q = 0; q < im->t->prefixes->len; q++)
            if (rw_prefix_equal (&((RwOrigination *) im->t->prefixes->pdata[q])->prefix, &net->prefix) &&
                g_strcmp0 (((RwOrigination *) im->t->prefixes->pdata[q])->origin_node, s->id) == 0)
              return ifail (im, RW_FRR_ERROR_PARSE, "%s:%u: network %s is given twice", c->file, net->line, pt);
          o = rw_origination_new (&net->prefix, s->id);
          if (net->route_map)
            {
              RwFrrRouteMap *m = g_hash_table_lookup (c->route_maps, net->route_map);
              const RwFrrMapEntry *e = m && m->entries->len ? m->entries->pdata[0] : NULL;
              if (e == NULL || !e->permit || e->match_pl || e->match_cl || e->match_al || m->entries->len > 1)
                iwarn (im, "%s:%u: network %s route-map %s: only a single permit entry with sets (origin, metric, "
                       "community) is modelled on a network statement%s", c->file, net->line, pt, net->route_map,
                       e && e->permit ? "; its first entry's sets are used" : "; the prefix is announced without it");
              if (e && e->permit)
                {
                  if (e->has_origin)
                    o->origin = e->origin;
                  o->has_med = e->has_med;
                  o->med = e->med;
                  if (e->comm_add->len > 0)
                    g_array_append_vals (rw_origination_communities_writable (o), e->comm_add->data, e->comm_add->len);
                }
            }
          g_ptr_array_add (rw_topology_prefixes_writable (im->t), o);
        }
    }
  return TRUE;
}

static void
build_options (Imp *im)
{
  guint acm = 0, routers = 0;
  gboolean any_med = FALSE;
  for (guint i = 0; i < im->srcs->len; i++)
    {
      RwFrrConf *c = ((Src *) im->srcs->pdata[i])->conf;
      GHashTableIter it;
      gpointer v;
      routers++;
      acm += c->always_compare_med;
      g_hash_table_iter_init (&it, c->route_maps);
      while (g_hash_table_iter_next (&it, NULL, &v))
        for (guint k = 0; k < ((RwFrrRouteMap *) v)->entries->len; k++)
          any_med |= ((RwFrrMapEntry *) ((RwFrrRouteMap *) v)->entries->pdata[k])->has_med;
    }
  im->t->always_compare_med = acm > 0;
  for (guint i = 0; i < im->srcs->len; i++)
    {
      RwFrrConf *c = ((Src *) im->srcs->pdata[i])->conf;
      if (acm > 0 && acm < routers && !c->always_compare_med)
        iwarn (im, "%s:%u: no 'bgp always-compare-med' while other routers have it: the twin sets it for the whole "
               "network", c->file, c->bgp_line);
      if ((c->max_paths != 1 || c->max_paths_ibgp != 1) && ((RwNode *) im->t->nodes->pdata[i])->kind == RW_NODE_ROUTER)
        iwarn (im, "%s:%u: maximum-paths is not 1 (%s): FRR may forward over several equal paths; the twin forwards on "
               "the best one", c->file, c->bgp_line, c->max_paths == 0 && c->max_paths_ibgp == 0 ? "FRR's default" : "set");
      if (any_med && !c->deterministic_med && !c->datacenter)
        iwarn (im, "%s:%u: no 'bgp deterministic-med': FRR then compares MED in arrival order; the twin compares it "
               "per neighbour AS, as deterministic-med does", c->file, c->bgp_line);
    }
}

static void
assign_roles_and_layout (Imp *im)
{
  RwTopology *t = im->t;
  guint counts[6] = { 0 };
  for (guint i = 0; i < t->nodes->len; i++)
    {
      RwNode *n = t->nodes->pdata[i];
      gboolean ebgp = FALSE, rr = FALSE, ours_peer = FALSE, originates = FALSE;
      for (guint k = 0; k < t->sessions->len; k++)
        {
          RwSession *s = t->sessions->pdata[k];
          RwSessionEnd *end = rw_session_end_for (s, n->id);
          RwNode *o;
          if (end == NULL)
            continue;
          o = rw_topology_find_node (t, end == &s->ends[0] ? s->b : s->a);
          ebgp |= o->asn != n->asn;
          rr |= end->rr_client;
          ours_peer |= o->kind == RW_NODE_ROUTER;
        }
      for (guint k = 0; k < t->prefixes->len; k++)
        originates |= g_strcmp0 (((RwOrigination *) t->prefixes->pdata[k])->origin_node, n->id) == 0;
      if (n->kind == RW_NODE_EXTERNAL)
        n->role = ours_peer ? RW_ROLE_ISP : RW_ROLE_INTERNET;
      else
        n->role = rr ? RW_ROLE_REFLECTOR : ebgp ? RW_ROLE_EDGE : originates ? RW_ROLE_SPINE : RW_ROLE_CORE;
    }
  /* tiers, top to bottom: internet, ISPs, edges, reflectors and core, spines (the app's
   * Arrange lays it out with Graphviz) */
  for (guint i = 0; i < t->nodes->len; i++)
    {
      RwNode *n = t->nodes->pdata[i];
      guint tier = n->role == RW_ROLE_INTERNET ? 0 : n->role == RW_ROLE_ISP ? 1 : n->role == RW_ROLE_EDGE ? 2
                   : n->role == RW_ROLE_SPINE ? 4 : 3;
      n->x = 80 + 160.0 * counts[tier]++;
      n->y = 60 + 140.0 * tier;
    }
}

/* Without "bgp bestpath compare-routerid", FRR keeps the older of two eBGP routes that tie down
 * to the router id; the twin cannot know which is older and takes the lower router id. Said
 * where that tie decides a route of the imported network (one line per router and prefix class,
 * at most a few per router). */
static void
warn_router_id_ties (Imp *im)
{
  enum { MAX_PER_ROUTER = 3 };
  g_autoptr(RwTwin) tw = rw_twin_new (rw_topology_copy (im->t));
  for (guint i = 0; i < im->srcs->len; i++)
    {
      Src *s = im->srcs->pdata[i];
      gint node = rw_net_node (tw->net, s->id);
      guint said = 0, more = 0;
      if (s->conf->compare_routerid || node < 0)
        continue;
      for (guint c = 0; c < tw->bgp->classes->len; c++)
        {
          const RwBgpClass *cls = tw->bgp->classes->pdata[c];
          const RwRib *rib = &cls->ribs[node];
          const RwRoute *best;
          g_autofree char *p = NULL;
          if (rib->best < 0 || rib->decided_by != RW_STEP_ROUTER_ID)
            continue;
          best = rib->routes->pdata[rib->best];
          if (best->ibgp)
            continue;
          if (said == MAX_PER_ROUTER)
            {
              more++;
              continue;
            }
          p = rw_prefix_to_string (&cls->repr);
          iwarn (im, "%s:%u: %s%s: two eBGP routes tie down to the router id; without 'bgp bestpath "
                 "compare-routerid' FRR keeps the older one, the twin the one from %s (lower router id)",
                 s->conf->file, s->conf->bgp_line, p, cls->n_prefixes > 1 ? " and the prefixes like it" : "",
                 best->from >= 0 ? tw->net->nodes[best->from]->id : "?");
          said++;
        }
      if (more > 0)
        iwarn (im, "%s:%u: %u more prefix classes are decided by that tie", s->conf->file, s->conf->bgp_line, more);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Demands */

/* "links": [{"id", "latency_ms", "loss_pct", "cost_per_gb", "monthly_commit"}] — what
 * configurations cannot say about a link, set on the imported links (a failed import discards
 * them all). */
static gboolean
link_characteristics (Imp *im, JsonObject *o)
{
  static const char *keys[] = { "id", "latency_ms", "loss_pct", "cost_per_gb", "monthly_commit", NULL };
  RwJsonCtx c = { im->opts->demands_file, im->error };
  JsonArray *arr = NULL;
  if (!rw_json_get_array (&c, o, "links", "", FALSE, &arr))
    return FALSE;
  for (guint i = 0; arr && i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      g_autofree char *path = g_strdup_printf ("links[%u]", i);
      g_autofree char *id = NULL;
      JsonObject *lo;
      RwLink *target;
      double lat = -1, loss = -1, price = -1, commit = 0;
      if (!JSON_NODE_HOLDS_OBJECT (n))
        return rw_json_fail (&c, "%s: expected an object with \"id\" and \"latency_ms\" or \"loss_pct\"", path);
      lo = json_node_get_object (n);
      if (!rw_json_check_keys (&c, lo, path, keys) || !rw_json_get_string (&c, lo, "id", path, TRUE, &id) ||
          !rw_json_get_double (&c, lo, "latency_ms", path, FALSE, -1, &lat) ||
          !rw_json_get_double (&c, lo, "loss_pct", path, FALSE, -1, &loss) ||
          !rw_json_get_double (&c, lo, "cost_per_gb", path, FALSE, -1, &price) ||
          !rw_json_get_double (&c, lo, "monthly_commit", path, FALSE, 0, &commit))
        return FALSE;
      if ((target = rw_topology_find_link (im->t, id)) == NULL)
        return rw_json_fail (&c, "%s.id: no link '%s' in the imported network", path, id);
      /* the topology's own bounds, said here with this file's path */
      if (json_object_has_member (lo, "latency_ms") && !(lat >= 0 && lat <= RW_LATENCY_MAX_MS))
        return rw_json_fail (&c, "%s.latency_ms: must be between 0 and 1000000", path);
      if (json_object_has_member (lo, "loss_pct") && !(loss >= 0 && loss <= 100))
        return rw_json_fail (&c, "%s.loss_pct: must be between 0 and 100", path);
      if (json_object_has_member (lo, "cost_per_gb") && !(price >= 0 && price <= RW_COST_PER_GB_MAX))
        return rw_json_fail (&c, "%s.cost_per_gb: must be between 0 and 1000000", path);
      if (json_object_has_member (lo, "monthly_commit") &&
          !(json_object_has_member (lo, "cost_per_gb") && commit >= 0 && commit <= RW_MONTHLY_COMMIT_MAX))
        return rw_json_fail (&c, "%s.monthly_commit: must be between 0 and 1000000000000, beside a cost_per_gb", path);
      if (json_object_has_member (lo, "cost_per_gb"))
        {
          target->has_cost = TRUE;
          target->cost_per_gb = price;
          target->monthly_commit = commit;
        }
      if (json_object_has_member (lo, "latency_ms"))
        target->latency_ms = lat;
      if (json_object_has_member (lo, "loss_pct"))
        target->loss_pct = loss;
    }
  return TRUE;
}

static gboolean
add_demands (Imp *im)
{
  g_autofree char *data = NULL, *bad = NULL;
  gsize len;
  gboolean not_json;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(RwTopology) with = NULL;
  JsonObject *o;
  JsonNode *root;
  g_autoptr(JsonNode) topo_json = NULL;
  JsonObject *tj;

  if (im->opts->demands_file == NULL)
    {
      iwarn (im, "no demands: configurations carry no traffic; give them with --demands FILE");
      return TRUE;
    }
  if (!rw_frr_read_regular_file (im->opts->demands_file, CONF_MAX_BYTES, &data, &len, im->error))
    return FALSE;
  /* before json-glib, which reads non-standard text and can be crashed by deep nesting */
  if ((bad = rw_json_check_text (data, (gssize) len, &not_json)) != NULL)
    return ifail (im, not_json ? RW_FRR_ERROR_PARSE : RW_FRR_ERROR_INVALID, "%s: %s%s", im->opts->demands_file,
                  not_json ? "not valid JSON: " : "", bad);
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local))
    return ifail (im, RW_FRR_ERROR_PARSE, "%s: not valid JSON: %s", im->opts->demands_file, local->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return ifail (im, RW_FRR_ERROR_PARSE, "%s: $: expected an object with \"demands\" and \"sla_classes\"",
                  im->opts->demands_file);
  o = json_node_get_object (root);
  {
    g_autoptr(GList) members = json_object_get_members (o);
    for (GList *m = members; m; m = m->next)
      if (strcmp (m->data, "demands") != 0 && strcmp (m->data, "sla_classes") != 0 && strcmp (m->data, "format") != 0 &&
          strcmp (m->data, "version") != 0 && strcmp (m->data, "links") != 0)
        return ifail (im, RW_FRR_ERROR_PARSE, "%s: %s: unknown key (a demands file has \"demands\", "
                      "\"sla_classes\" and \"links\")", im->opts->demands_file, (char *) m->data);
  }
  /* the topology loader validates the demands against the imported nodes and prefixes */
  topo_json = rw_topology_to_json_node (im->t);
  tj = json_node_get_object (topo_json);
  if (json_object_has_member (o, "demands"))
    json_object_set_member (tj, "demands", json_node_copy (json_object_get_member (o, "demands")));
  if (json_object_has_member (o, "sla_classes"))
    json_object_set_member (tj, "sla_classes", json_node_copy (json_object_get_member (o, "sla_classes")));
  with = rw_topology_from_json_node (topo_json, im->opts->demands_file, &local);
  if (with == NULL)
    return ifail (im, RW_FRR_ERROR_INVALID, "%s", local->message);
  g_ptr_array_set_size (rw_topology_demands_writable (im->t), 0);
  g_ptr_array_set_size (im->t->sla_classes, 0);
  for (guint i = 0; i < with->demands->len; i++)
    g_ptr_array_add (im->t->demands, rw_demand_copy (with->demands->pdata[i]));
  for (guint i = 0; i < with->sla_classes->len; i++)
    g_ptr_array_add (im->t->sla_classes, rw_sla_class_copy (with->sla_classes->pdata[i]));
  return link_characteristics (im, o);
}

/* ------------------------------------------------------------------------------------------ */

static RwTopology *
import_sources (GPtrArray *srcs, const RwClab *lab, const char *name, const RwImportOptions *opts, GPtrArray *warnings,
                GError **error)
{
  RwImportOptions defaults;
  Imp im = { 0 };
  g_autoptr(RwTopology) t = rw_topology_new (name);
  g_autoptr(GHashTable) owners = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) local = NULL;

  if (opts == NULL)
    {
      rw_import_options_init (&defaults);
      opts = &defaults;
    }
  im.opts = opts;
  im.srcs = srcs;
  im.warnings = warnings;
  im.t = t;
  im.owners = owners;
  im.policy_keys = keys;
  im.error = error;
  if (srcs->len == 0)
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID, "%s: no FRR configuration found", name);
      return NULL;
    }
  if (!build_nodes (&im) || !build_owners (&im))
    return NULL;
  if (lab ? !links_from_lab (&im, lab) : !links_from_subnets (&im))
    return NULL;
  if (!build_sessions (&im) || !build_originations (&im))
    return NULL;
  build_options (&im);
  assign_roles_and_layout (&im);
  if (!add_demands (&im))
    return NULL;
  if (!rw_topology_validate (t, &local))
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID, "%s: the imported network is not valid: %s", name,
                   local->message);
      return NULL;
    }
  warn_router_id_ties (&im); /* needs the solved, valid network */
  for (guint i = 0; i < warnings->len; i++)
    g_ptr_array_add (t->import_warnings, g_strdup (warnings->pdata[i]));
  return g_steal_pointer (&t);
}

static gboolean
add_source_text (GPtrArray *srcs, const char *id, const char *data, gsize len, const char *shown, GPtrArray *warnings,
                 GError **error)
{
  RwFrrConf *c;
  Src *s;
  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s: not a text file", shown);
      return FALSE;
    }
  if ((c = rw_frr_conf_parse (data, shown, warnings, error)) == NULL)
    return FALSE;
  s = g_new0 (Src, 1);
  s->id = g_strdup (id);
  s->conf = c;
  g_ptr_array_add (srcs, s);
  return TRUE;
}

static gboolean
name_usable (GPtrArray *srcs, const char *id, const char *where, GError **error)
{
  if (!rw_frr_name_ok (id))
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID, "%s: '%s' is not a usable node name", where, id);
      return FALSE;
    }
  for (guint i = 0; i < srcs->len; i++)
    if (strcmp (((Src *) srcs->pdata[i])->id, id) == 0)
      {
        g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID, "%s: a second configuration for node '%s'", where, id);
        return FALSE;
      }
  return TRUE;
}

static gboolean
add_source (GPtrArray *srcs, const char *id, const char *path, const char *shown, GPtrArray *warnings, GError **error)
{
  g_autofree char *data = NULL;
  gsize len;
  if (!name_usable (srcs, id, path, error) || !rw_frr_read_regular_file (path, CONF_MAX_BYTES, &data, &len, error))
    return FALSE;
  return add_source_text (srcs, id, data, len, shown, warnings, error);
}

RwTopology *
rw_frr_import_texts (const char *const *names, const char *const *texts, guint n, const RwImportOptions *opts,
                     GError **error)
{
  g_autoptr(GPtrArray) srcs = g_ptr_array_new_with_free_func ((GDestroyNotify) src_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *shown = g_strdup_printf ("%s.conf", names[i]);
      if (!name_usable (srcs, names[i], shown, error) ||
          !add_source_text (srcs, names[i], texts[i], strlen (texts[i]), shown, warnings, error))
        return NULL;
    }
  return import_sources (srcs, NULL, "Imported network", opts, warnings, error);
}

static gint
str_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* DIR/NODE/frr.conf and DIR/NODE.conf, in name order. */
static gboolean
add_folder (GPtrArray *srcs, const char *dir, GPtrArray *warnings, GError **error)
{
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  const char *name;
  if ((d = g_dir_open (dir, 0, &local)) == NULL)
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, str_cmp);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      g_autofree char *path = g_build_filename (dir, n, NULL);
      g_autofree char *conf = g_build_filename (path, "frr.conf", NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && g_file_test (conf, G_FILE_TEST_EXISTS))
        {
          g_autofree char *shown = g_strdup_printf ("%s/frr.conf", n);
          if (!add_source (srcs, n, conf, shown, warnings, error))
            return FALSE;
        }
      else if (g_str_has_suffix (n, ".conf") && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *id = g_strndup (n, strlen (n) - 5);
          if (!add_source (srcs, id, path, n, warnings, error))
            return FALSE;
        }
    }
  return TRUE;
}

RwTopology *
rw_frr_import_configs (const char *const *paths, const RwImportOptions *opts, GError **error)
{
  g_autoptr(GPtrArray) srcs = g_ptr_array_new_with_free_func ((GDestroyNotify) src_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  for (guint i = 0; paths && paths[i]; i++)
    {
      const char *p = paths[i];
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        {
          if (!add_folder (srcs, p, warnings, error))
            return NULL;
        }
      else
        {
          g_autofree char *base = g_path_get_basename (p);
          g_autofree char *id = NULL;
          if (strcmp (base, "frr.conf") == 0)
            {
              g_autofree char *dir = g_path_get_dirname (p);
              id = g_path_get_basename (dir);
            }
          else
            id = g_str_has_suffix (base, ".conf") ? g_strndup (base, strlen (base) - 5) : g_strdup (base);
          if (!add_source (srcs, id, p, p, warnings, error))
            return NULL;
        }
      if (name == NULL)
        {
          g_autofree char *abs = g_canonicalize_filename (p, NULL);
          name = g_file_test (p, G_FILE_TEST_IS_DIR) ? g_path_get_basename (abs) : g_strdup ("Imported network");
        }
    }
  return import_sources (srcs, NULL, name ? name : "Imported network", opts, warnings, error);
}

RwTopology *
rw_frr_import_clab (const char *clab_path, const RwImportOptions *opts, GError **error)
{
  g_autoptr(RwClab) lab = rw_clab_load (clab_path, error);
  return lab ? rw_frr_import_lab (lab, opts, error) : NULL;
}

RwTopology *
rw_frr_import_lab (const RwClab *lab, const RwImportOptions *opts, GError **error)
{
  g_autoptr(GPtrArray) srcs = g_ptr_array_new_with_free_func ((GDestroyNotify) src_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *beside = g_build_filename (lab->dir, "demands.json", NULL);
  const char *clab_path = lab->path;
  RwImportOptions with_demands;

  if (opts == NULL)
    {
      rw_import_options_init (&with_demands);
      opts = &with_demands;
    }
  if (opts->demands_file == NULL && g_file_test (beside, G_FILE_TEST_IS_REGULAR))
    {
      if (opts != &with_demands)
        with_demands = *opts;
      with_demands.demands_file = beside;
      opts = &with_demands;
    }
  for (guint i = 0; i < lab->nodes->len; i++)
    {
      const RwClabNode *n = lab->nodes->pdata[i];
      g_autofree char *shown = NULL;
      if (n->config == NULL)
        {
          g_ptr_array_add (warnings, g_strdup_printf ("%s: node %s has no FRR configuration (binds …:/etc/frr/frr.conf or "
                                                      "startup-config): not part of the twin", clab_path, n->name));
          continue;
        }
      shown = g_str_has_prefix (n->config, lab->dir) && n->config[strlen (lab->dir)] == '/'
                ? g_strdup (n->config + strlen (lab->dir) + 1)
                : g_strdup (n->config);
      if (!add_source (srcs, n->name, n->config, shown, warnings, error))
        return NULL;
    }
  return import_sources (srcs, lab, lab->name, opts, warnings, error);
}

RwSourceKind
rw_frr_source_kind (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".yml") || g_str_has_suffix (lower, ".yaml"))
    return RW_SOURCE_CLAB;
  if (g_str_has_suffix (lower, ".conf") || g_file_test (path, G_FILE_TEST_IS_DIR))
    return RW_SOURCE_FRR;
  return RW_SOURCE_TOPOLOGY;
}

RwTopology *
rw_frr_import_any (const char *path, const RwImportOptions *opts, GError **error)
{
  const char *const paths[] = { path, NULL };
  switch (rw_frr_source_kind (path))
    {
    case RW_SOURCE_CLAB:
      return rw_frr_import_clab (path, opts, error);
    case RW_SOURCE_FRR:
      return rw_frr_import_configs (paths, opts, error);
    case RW_SOURCE_TOPOLOGY:
    default:
      return rw_topology_load_file (path, error);
    }
}
