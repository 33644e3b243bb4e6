/* rw-frr.c — FRR configuration of one router, and the vtysh diff between two topologies.
 *
 * A router's configuration is first built as keyed lines (a key names one setting, so a new
 * value simply replaces the old one, as it does in vtysh), grouped by the context they live in:
 * router bgp, its ipv4 unicast address family, filter lists and route-map entries. Printing walks
 * that structure; diffing compares two of them key by key, so the diff never parses text.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-frr.h"
#include "rw-frr-private.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (rw-frr-error-quark, rw_frr_error)

/* FRR's "set as-path prepend last-as" takes 1..10; route-map sequence numbers are 1..65535. */
#define FRR_LAST_AS_MAX 10
#define FRR_SEQ_MAX 65535

/* ------------------------------------------------------------------------------------------ */
/* Keyed lines */

typedef struct {
  char *key;  /* same key = same setting */
  char *text; /* the command, without indentation */
} Line;

static void
line_free (Line *l)
{
  g_free (l->key);
  g_free (l->text);
  g_free (l);
}

static GPtrArray *
lines_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
}

static void add_line (GPtrArray *lines, const char *key, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
add_line (GPtrArray *lines, const char *key, const char *fmt, ...)
{
  va_list ap;
  Line *l = g_new0 (Line, 1);
  va_start (ap, fmt);
  l->text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  l->key = g_strdup (key ? key : l->text);
  g_ptr_array_add (lines, l);
}

/* "neighbor ADDR …": the key is the neighbour and the setting, so a new value replaces it. */
static void add_nbr_line (GPtrArray *lines, const char *addr, const char *setting, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
add_nbr_line (GPtrArray *lines, const char *addr, const char *setting, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *rest = NULL;
  Line *l = g_new0 (Line, 1);
  va_start (ap, fmt);
  rest = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  l->key = g_strdup_printf ("neighbor %s %s", addr, setting);
  l->text = g_strdup_printf ("neighbor %s %s", addr, rest);
  g_ptr_array_add (lines, l);
}

static const Line *
find_line (const GPtrArray *lines, const char *key)
{
  for (guint i = 0; i < lines->len; i++)
    if (strcmp (((const Line *) lines->pdata[i])->key, key) == 0)
      return lines->pdata[i];
  return NULL;
}

/* The vtysh command that undoes @text ("no bgp ebgp-requires-policy" is undone by the positive). */
static char *
negate (const char *text)
{
  if (g_str_has_prefix (text, "no "))
    return g_strdup (text + 3);
  return g_strconcat ("no ", text, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* One router's configuration */

typedef enum { LIST_PREFIX, LIST_COMMUNITY, LIST_AS_PATH } ListKind;

static const char *const list_cmd[] = {
  [LIST_PREFIX] = "ip prefix-list",
  [LIST_COMMUNITY] = "bgp community-list standard",
  [LIST_AS_PATH] = "bgp as-path access-list",
};

typedef struct {
  ListKind kind;
  char *name;
  GPtrArray *lines; /* Line, key "<cmd> NAME seq N" */
} List;

typedef struct {
  char *map;
  guint seq;
  gboolean permit;
  GPtrArray *lines; /* Line */
  GPtrArray *lists; /* char*: names of the lists this entry uses */
} MapEntry;

typedef struct {
  char *addr;
  gboolean shutdown;
  char *fp_in, *fp_out; /* everything that decides the policy in each direction */
} Peer;

typedef struct {
  char *id;
  char *hostname;
  char *header;        /* a "!" comment saying what this is */
  guint32 asn;         /* 0 = no router bgp (the router does not exist on this side) */
  GPtrArray *bgp;      /* Line: router bgp level */
  GPtrArray *af;       /* Line: address-family ipv4 unicast */
  GPtrArray *lists;    /* List */
  GPtrArray *entries;  /* MapEntry, by map name then seq */
  GPtrArray *peers;    /* Peer, by address */
  GString *system;     /* static routes, interfaces, OSPF: printed, not diffed (their changes are
                        * link state and IGP cost, said as "!" lines by the diff) */
} Conf;

static void
list_free (List *l)
{
  g_free (l->name);
  g_ptr_array_unref (l->lines);
  g_free (l);
}

static void
map_entry_free (MapEntry *e)
{
  g_free (e->map);
  g_ptr_array_unref (e->lines);
  g_ptr_array_unref (e->lists);
  g_free (e);
}

static void
peer_free (Peer *p)
{
  g_free (p->addr);
  g_free (p->fp_in);
  g_free (p->fp_out);
  g_free (p);
}

static Conf *
conf_new (const char *id)
{
  Conf *c = g_new0 (Conf, 1);
  c->id = g_strdup (id);
  c->bgp = lines_new ();
  c->af = lines_new ();
  c->lists = g_ptr_array_new_with_free_func ((GDestroyNotify) list_free);
  c->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) map_entry_free);
  c->peers = g_ptr_array_new_with_free_func ((GDestroyNotify) peer_free);
  c->system = g_string_new (NULL);
  return c;
}

static void
conf_free (Conf *c)
{
  if (c == NULL)
    return;
  g_free (c->id);
  g_free (c->hostname);
  g_free (c->header);
  g_ptr_array_unref (c->bgp);
  g_ptr_array_unref (c->af);
  g_ptr_array_unref (c->lists);
  g_ptr_array_unref (c->entries);
  g_ptr_array_unref (c->peers);
  g_string_free (c->system, TRUE);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conf, conf_free)

static const List *
conf_find_list (const Conf *c, const char *name)
{
  for (guint i = 0; i < c->lists->len; i++)
    if (strcmp (((const List *) c->lists->pdata[i])->name, name) == 0)
      return c->lists->pdata[i];
  return NULL;
}

static const MapEntry *
conf_find_entry (const Conf *c, const char *map, guint seq)
{
  for (guint i = 0; i < c->entries->len; i++)
    {
      const MapEntry *e = c->entries->pdata[i];
      if (e->seq == seq && strcmp (e->map, map) == 0)
        return e;
    }
  return NULL;
}

static gboolean
conf_has_map (const Conf *c, const char *map)
{
  for (guint i = 0; i < c->entries->len; i++)
    if (strcmp (((const MapEntry *) c->entries->pdata[i])->map, map) == 0)
      return TRUE;
  return FALSE;
}

static const Peer *
conf_find_peer (const Conf *c, const char *addr)
{
  for (guint i = 0; i < c->peers->len; i++)
    if (strcmp (((const Peer *) c->peers->pdata[i])->addr, addr) == 0)
      return c->peers->pdata[i];
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Building: policies */

static List *
new_list (MapEntry *me, ListKind kind, const char *name)
{
  List *l = g_new0 (List, 1);
  l->kind = kind;
  l->name = g_strdup (name);
  l->lines = lines_new ();
  g_ptr_array_add (me->lists, g_strdup (name));
  return l;
}

static void
list_add (List *l, guint seq, const char *action, const char *value)
{
  g_autofree char *key = g_strdup_printf ("%s %s seq %u", list_cmd[l->kind], l->name, seq);
  add_line (l->lines, key, "%s %s seq %u %s %s", list_cmd[l->kind], l->name, seq, action, value);
}

/* The prefix-list form of a match: FRR wants len < ge <= le and reads a lone "ge" as "le 32". */
static char *
prefix_match_to_frr (const RwPrefixMatch *m)
{
  g_autofree char *p = rw_prefix_to_string (&m->prefix);
  guint lo = MAX (m->ge, m->prefix.len), hi = m->le;
  if (hi <= m->prefix.len)
    return g_steal_pointer (&p);
  if (lo <= m->prefix.len)
    return g_strdup_printf ("%s le %u", p, hi);
  if (hi == 32)
    return g_strdup_printf ("%s ge %u", p, lo);
  return g_strdup_printf ("%s ge %u le %u", p, lo, hi);
}

/* The as-path regex for "came through AS A" (leftmost) and/or "contains AS B". */
static char *
as_path_regex (const RwPolicyEntry *e)
{
  guint32 first = e->match_neighbor_as, any = e->match_as_path_contains;
  if (!e->has_match_neighbor_as)
    return g_strdup_printf ("_%u_", any);
  if (first == 0) /* originated inside our AS: an empty path */
    return e->has_match_as_path_contains ? NULL : g_strdup ("^$");
  if (!e->has_match_as_path_contains || any == first)
    return g_strdup_printf ("^%u_", first);
  return g_strdup_printf ("^%u_(.*_)?%u_", first, any);
}

static char *
communities_to_string (const GArray *comms)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < comms->len; i++)
    {
      g_autofree char *c = rw_community_to_string (g_array_index (comms, guint32, i));
      g_string_append_printf (s, "%s%s", i ? " " : "", c);
    }
  return g_string_free (s, FALSE);
}

typedef enum { DIR_IMPORT = 1, DIR_EXPORT = 2 } Dir;

static gboolean
add_policy_entry (Conf *c, const RwNode *node, const RwPolicy *p, const RwPolicyEntry *e, Dir dir, GError **error)
{
  MapEntry *me;
  g_autofree char *tag = g_strdup_printf ("%s-%u", p->name, e->seq);

  if (e->seq == 0 || e->seq > FRR_SEQ_MAX)
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNSUPPORTED,
                   "%s: route-map %s entry %u: FRR sequence numbers run from 1 to %u", node->id, p->name, e->seq,
                   FRR_SEQ_MAX);
      return FALSE;
    }
  me = g_new0 (MapEntry, 1);
  me->map = g_strdup (p->name);
  me->seq = e->seq;
  me->permit = e->permit;
  me->lines = lines_new ();
  me->lists = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (c->entries, me);

  if (e->match_prefixes != NULL)
    {
      g_autofree char *name = g_strdup_printf ("PL-%s", tag);
      List *l = new_list (me, LIST_PREFIX, name);
      for (guint i = 0; i < e->match_prefixes->len; i++)
        {
          const RwPrefixMatch *pm = &g_array_index (e->match_prefixes, RwPrefixMatch, i);
          g_autofree char *m = prefix_match_to_frr (pm);
          list_add (l, 5 * (i + 1), pm->deny ? "deny" : "permit", m);
        }
      if (e->match_prefixes->len == 0) /* an empty prefix condition never holds */
        list_add (l, 5, "deny", "0.0.0.0/0 le 32");
      g_ptr_array_add (c->lists, l);
      add_line (me->lines, "match ip address prefix-list", "match ip address prefix-list %s", name);
    }
  if (e->has_match_community)
    {
      g_autofree char *name = g_strdup_printf ("CL-%s", tag);
      g_autofree char *comm = rw_community_to_string (e->match_community);
      List *l = new_list (me, LIST_COMMUNITY, name);
      list_add (l, 5, "permit", comm);
      g_ptr_array_add (c->lists, l);
      add_line (me->lines, "match community", "match community %s", name);
    }
  if (e->has_match_neighbor_as || e->has_match_as_path_contains)
    {
      g_autofree char *name = g_strdup_printf ("AS-%s", tag);
      g_autofree char *re = as_path_regex (e);
      List *l = new_list (me, LIST_AS_PATH, name);
      if (re != NULL)
        list_add (l, 5, "permit", re);
      else /* an empty path contains nothing: the entry never matches */
        list_add (l, 5, "deny", ".*");
      g_ptr_array_add (c->lists, l);
      add_line (me->lines, "match as-path", "match as-path %s", name);
    }

  /* On a deny entry the twin stops at the match: sets and "continue" mean nothing there (and
   * FRR refuses on-match next under deny). */
  if (!e->permit)
    return TRUE;

  if (e->has_set_local_pref)
    add_line (me->lines, "set local-preference", "set local-preference %u", e->set_local_pref);
  if (e->has_set_med)
    add_line (me->lines, "set metric", "set metric %u", e->set_med);
  if (e->has_set_weight)
    add_line (me->lines, "set weight", "set weight %d", e->set_weight);
  if (e->set_prepend > 0)
    {
      if ((dir & DIR_IMPORT) && (dir & DIR_EXPORT))
        {
          g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNSUPPORTED,
                       "%s: route-map %s is used for import and export and entry %u prepends, which means "
                       "the neighbour's AS on import and %u on export", node->id, p->name, e->seq, node->asn);
          return FALSE;
        }
      if (dir & DIR_EXPORT)
        {
          GString *asns = g_string_new (NULL);
          for (guint i = 0; i < e->set_prepend; i++)
            g_string_append_printf (asns, "%s%u", i ? " " : "", node->asn);
          add_line (me->lines, "set as-path prepend", "set as-path prepend %s", asns->str);
          g_string_free (asns, TRUE);
        }
      else if (e->set_prepend > FRR_LAST_AS_MAX)
        {
          g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNSUPPORTED,
                       "%s: route-map %s entry %u prepends %u times on import; FRR's last-as allows at most %u",
                       node->id, p->name, e->seq, e->set_prepend, FRR_LAST_AS_MAX);
          return FALSE;
        }
      else
        add_line (me->lines, "set as-path prepend", "set as-path prepend last-as %u", e->set_prepend);
    }
  /* The twin removes before it adds; the lines keep that order. */
  if (e->community_remove->len > 0)
    {
      g_autofree char *name = g_strdup_printf ("CL-%s-DEL", tag);
      List *l = new_list (me, LIST_COMMUNITY, name);
      for (guint i = 0; i < e->community_remove->len; i++)
        {
          g_autofree char *comm = rw_community_to_string (g_array_index (e->community_remove, guint32, i));
          list_add (l, 5 * (i + 1), "permit", comm);
        }
      g_ptr_array_add (c->lists, l);
      add_line (me->lines, "set comm-list", "set comm-list %s delete", name);
    }
  if (e->community_add->len > 0)
    {
      g_autofree char *comms = communities_to_string (e->community_add);
      add_line (me->lines, "set community", "set community %s additive", comms);
    }
  if (e->cont)
    add_line (me->lines, "on-match next", "on-match next");
  return TRUE;
}

static gboolean
add_policy (Conf *c, const RwNode *node, const RwPolicy *p, Dir dir, GError **error)
{
  for (guint i = 0; i < p->entries->len; i++)
    if (!add_policy_entry (c, node, p, p->entries->pdata[i], dir, error))
      return FALSE;
  return TRUE;
}

static char *
origin_map_name (const RwTopology *t, const RwPrefix *prefix)
{
  g_autofree char *p = rw_prefix_to_string (prefix);
  g_autofree char *base = NULL;
  char *name;
  g_strdelimit (p, "./", '-');
  base = g_strdup_printf ("RW-ORIGIN-%s", p);
  name = g_strdup (base);
  for (guint i = 2; rw_topology_find_policy (t, name) != NULL; i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%u", base, i);
    }
  return name;
}

/* A route-map on the network statement carries the origination's attributes; NULL when it has
 * none beyond FRR's defaults (origin igp, no MED, no communities). */
static char *
add_origin_map (Conf *c, const RwTopology *t, const RwOrigination *o)
{
  MapEntry *me;
  if (o->origin == RW_ORIGIN_IGP && !o->has_med && rw_origination_n_communities (o) == 0)
    return NULL;
  me = g_new0 (MapEntry, 1);
  me->map = origin_map_name (t, &o->prefix);
  me->seq = 10;
  me->permit = TRUE;
  me->lines = lines_new ();
  me->lists = g_ptr_array_new_with_free_func (g_free);
  if (o->origin != RW_ORIGIN_IGP)
    add_line (me->lines, "set origin", "set origin %s", rw_origin_to_string (o->origin));
  if (o->has_med)
    add_line (me->lines, "set metric", "set metric %u", o->med);
  if (rw_origination_n_communities (o) > 0)
    {
      g_autofree char *comms = communities_to_string (o->communities);
      add_line (me->lines, "set community", "set community %s additive", comms); /* adds to none: the same */
    }
  g_ptr_array_add (c->entries, me);
  return g_strdup (me->map);
}

/* ------------------------------------------------------------------------------------------ */
/* Building: the router */

typedef struct {
  const RwSession *s;
  const RwSessionEnd *mine;
  const RwNode *peer;
  gboolean ebgp;
  char *addr; /* the neighbour address: the peer's end of the link between us (eBGP) or its
               * loopback (iBGP, and eBGP with no link: that session cannot come up) */
} Nbr;

static void
nbr_clear (Nbr *n)
{
  g_free (n->addr);
}

static int
nbr_cmp (gconstpointer a, gconstpointer b)
{
  const Nbr *x = a, *y = b;
  return (x->peer->router_id > y->peer->router_id) - (x->peer->router_id < y->peer->router_id);
}

static int
origination_cmp (gconstpointer a, gconstpointer b)
{
  const RwOrigination *x = *(const RwOrigination *const *) a, *y = *(const RwOrigination *const *) b;
  if (x->prefix.addr != y->prefix.addr)
    return (x->prefix.addr > y->prefix.addr) - (x->prefix.addr < y->prefix.addr);
  return (x->prefix.len > y->prefix.len) - (x->prefix.len < y->prefix.len);
}

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static int
entry_cmp (gconstpointer a, gconstpointer b)
{
  const MapEntry *x = *(const MapEntry *const *) a, *y = *(const MapEntry *const *) b;
  int d = strcmp (x->map, y->map);
  if (d != 0)
    return d;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Everything the route-map @name decides with: its entries and their lists. */
static void
append_map_fingerprint (const Conf *c, const char *name, GString *out)
{
  g_string_append_printf (out, "map %s\n", name ? name : "(none)");
  if (name == NULL)
    return;
  for (guint i = 0; i < c->entries->len; i++)
    {
      const MapEntry *me = c->entries->pdata[i];
      if (strcmp (me->map, name) != 0)
        continue;
      g_string_append_printf (out, "%u %s\n", me->seq, me->permit ? "permit" : "deny");
      for (guint j = 0; j < me->lines->len; j++)
        g_string_append_printf (out, " %s\n", ((const Line *) me->lines->pdata[j])->text);
      for (guint j = 0; j < me->lists->len; j++)
        {
          const List *l = conf_find_list (c, me->lists->pdata[j]);
          for (guint k = 0; l && k < l->lines->len; k++)
            g_string_append_printf (out, "  %s\n", ((const Line *) l->lines->pdata[k])->text);
        }
    }
}

static gboolean
use_map (GHashTable *maps, const RwTopology *t, const RwNode *node, const RwNode *peer, const char *name, Dir dir,
         GError **error)
{
  if (name == NULL)
    return TRUE;
  if (rw_topology_find_policy (t, name) == NULL)
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNKNOWN_POLICY,
                   "%s: the %s route-map '%s' of the session with %s is not defined", node->id,
                   dir == DIR_IMPORT ? "import" : "export", name, peer->id);
      return FALSE;
    }
  g_hash_table_insert (maps, (gpointer) name, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (maps, name)) | dir));
  return TRUE;
}

/* The address of @peer on the first link (in link order, up or not: addresses do not move when
 * a link fails) that joins it to @node; 0 when none does. */
static guint32
link_address (const RwTopology *t, const RwLinkEnd *plan, const RwNode *node, const RwNode *peer)
{
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      if (g_strcmp0 (l->a, node->id) == 0 && g_strcmp0 (l->b, peer->id) == 0)
        return plan[2 * i + 1].addr;
      if (g_strcmp0 (l->b, node->id) == 0 && g_strcmp0 (l->a, peer->id) == 0)
        return plan[2 * i].addr;
    }
  return 0;
}

/* The sessions of @node, by peer address, with the route-maps they use (name -> Dir mask). */
static GArray *
collect_neighbours (const RwTopology *t, const RwLinkEnd *plan, const RwNode *node, GHashTable *maps, GError **error)
{
  g_autoptr(GArray) nbrs = g_array_new (FALSE, FALSE, sizeof (Nbr));
  g_array_set_clear_func (nbrs, (GDestroyNotify) nbr_clear);
  for (guint i = 0; i < t->sessions->len; i++)
    {
      const RwSession *s = t->sessions->pdata[i];
      Nbr n = { s, NULL, NULL, FALSE };
      guint me;
      if (g_strcmp0 (s->a, node->id) == 0)
        me = 0;
      else if (g_strcmp0 (s->b, node->id) == 0)
        me = 1;
      else
        continue;
      n.mine = &s->ends[me];
      n.peer = rw_topology_find_node (t, me == 0 ? s->b : s->a);
      if (n.peer == NULL)
        {
          g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNKNOWN_ROUTER, "%s: session with unknown node '%s'", node->id,
                       me == 0 ? s->b : s->a);
          return NULL;
        }
      n.ebgp = n.peer->asn != node->asn;
      {
        guint32 a = n.ebgp ? link_address (t, plan, node, n.peer) : 0;
        n.addr = rw_ipv4_to_string (a ? a : rw_node_loopback (n.peer));
      }
      g_array_append_val (nbrs, n);
      if (!use_map (maps, t, node, n.peer, n.mine->import, DIR_IMPORT, error) ||
          !use_map (maps, t, node, n.peer, n.mine->export, DIR_EXPORT, error))
        return NULL;
    }
  g_array_sort (nbrs, nbr_cmp);
  return g_steal_pointer (&nbrs);
}

/* The twin gives routes from outside the AS the advertising router as next hop. */
static gboolean
next_hop_self (const RwNode *node, const GArray *nbrs)
{
  for (guint i = 0; i < nbrs->len; i++)
    if (g_array_index (nbrs, Nbr, i).ebgp)
      return TRUE;
  return node->role == RW_ROLE_EDGE;
}

static void
add_router_bgp (Conf *c, const RwTopology *t, const RwNode *node, const GArray *nbrs)
{
  g_autofree char *rid = rw_ipv4_to_string (node->router_id);
  g_autofree char *lo = rw_ipv4_to_string (rw_node_loopback (node));
  g_autoptr(GPtrArray) origs = g_ptr_array_new ();
  gboolean reflector = node->role == RW_ROLE_REFLECTOR, ebgp_without_policy = FALSE;
  gboolean nhs = next_hop_self (node, nbrs);

  for (guint i = 0; i < nbrs->len; i++)
    {
      const Nbr *n = &g_array_index (nbrs, Nbr, i);
      reflector |= n->mine->rr_client;
      ebgp_without_policy |= n->ebgp && (n->mine->import == NULL || n->mine->export == NULL);
    }

  /* The best-path knobs the twin's decision process assumes. */
  add_line (c->bgp, "bgp router-id", "bgp router-id %s", rid);
  if (ebgp_without_policy) /* FRR 8 drops eBGP routes without policy; the twin accepts all */
    add_line (c->bgp, "bgp ebgp-requires-policy", "no bgp ebgp-requires-policy");
  if (t->always_compare_med)
    add_line (c->bgp, NULL, "bgp always-compare-med");
  add_line (c->bgp, NULL, "bgp deterministic-med");          /* MED by neighbour AS, never arrival order */
  add_line (c->bgp, NULL, "bgp bestpath compare-routerid");  /* no "oldest eBGP path" step */
  if (reflector)
    add_line (c->bgp, "bgp cluster-id", "bgp cluster-id %s", rid);

  for (guint i = 0; i < nbrs->len; i++)
    {
      const Nbr *n = &g_array_index (nbrs, Nbr, i);
      const char *addr = n->addr;
      add_nbr_line (c->bgp, addr, "remote-as", "remote-as %u", n->peer->asn);
      add_nbr_line (c->bgp, addr, "description", "description %s", n->peer->id);
      if (!n->ebgp) /* iBGP runs between loopbacks */
        add_nbr_line (c->bgp, addr, "update-source", "update-source %s", lo);
      if (!n->s->up)
        add_nbr_line (c->bgp, addr, "shutdown", "shutdown");
    }

  for (guint i = 0; i < t->prefixes->len; i++)
    if (g_strcmp0 (((RwOrigination *) t->prefixes->pdata[i])->origin_node, node->id) == 0)
      g_ptr_array_add (origs, t->prefixes->pdata[i]);
  g_ptr_array_sort (origs, origination_cmp);
  for (guint i = 0; i < origs->len; i++)
    {
      const RwOrigination *o = origs->pdata[i];
      g_autofree char *p = rw_prefix_to_string (&o->prefix);
      g_autofree char *key = g_strdup_printf ("network %s", p);
      g_autofree char *map = add_origin_map (c, t, o);
      if (map)
        add_line (c->af, key, "network %s route-map %s", p, map);
      else
        add_line (c->af, key, "network %s", p);
    }
  /* the twin forwards on the one best path */
  add_line (c->af, "maximum-paths", "maximum-paths 1");
  add_line (c->af, "maximum-paths ibgp", "maximum-paths ibgp 1");
  for (guint i = 0; i < nbrs->len; i++)
    {
      const Nbr *n = &g_array_index (nbrs, Nbr, i);
      const char *addr = n->addr;
      if (n->mine->rr_client)
        add_nbr_line (c->af, addr, "route-reflector-client", "route-reflector-client");
      if (!n->ebgp && nhs)
        add_nbr_line (c->af, addr, "next-hop-self", "next-hop-self");
      if (n->mine->weight != 0)
        add_nbr_line (c->af, addr, "weight", "weight %d", n->mine->weight);
      if (n->mine->import)
        add_nbr_line (c->af, addr, "route-map in", "route-map %s in", n->mine->import);
      if (n->mine->export)
        add_nbr_line (c->af, addr, "route-map out", "route-map %s out", n->mine->export);
    }
}

/* Every route-map the sessions use, once each, in name then seq order; lists in the order of
 * the entries that use them. */
static gboolean
add_route_maps (Conf *c, const RwTopology *t, const RwNode *node, GHashTable *maps, GError **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify) list_free);
  GHashTableIter it;
  gpointer name;

  g_hash_table_iter_init (&it, maps);
  while (g_hash_table_iter_next (&it, &name, NULL))
    g_ptr_array_add (names, name);
  g_ptr_array_sort (names, str_ptr_cmp); /* errors name the same map every time */
  for (guint i = 0; i < names->len; i++)
    if (!add_policy (c, node, rw_topology_find_policy (t, names->pdata[i]),
                     GPOINTER_TO_UINT (g_hash_table_lookup (maps, names->pdata[i])), error))
      return FALSE;
  g_ptr_array_sort (c->entries, entry_cmp);

  for (guint i = 0; i < c->entries->len; i++)
    {
      const MapEntry *me = c->entries->pdata[i];
      for (guint j = 0; j < me->lists->len; j++)
        for (guint k = 0; k < c->lists->len; k++)
          if (strcmp (((List *) c->lists->pdata[k])->name, me->lists->pdata[j]) == 0)
            {
              g_ptr_array_add (lists, g_ptr_array_steal_index (c->lists, k));
              break;
            }
    }
  g_ptr_array_unref (c->lists);
  c->lists = g_steal_pointer (&lists);
  return TRUE;
}

/* What decides each neighbour's routes in each direction, to know whom to soft-clear. */
static void
add_peers (Conf *c, const RwNode *node, const GArray *nbrs)
{
  gboolean nhs = next_hop_self (node, nbrs);
  for (guint i = 0; i < nbrs->len; i++)
    {
      const Nbr *n = &g_array_index (nbrs, Nbr, i);
      Peer *p = g_new0 (Peer, 1);
      GString *in = g_string_new (NULL), *out = g_string_new (NULL);
      p->addr = g_strdup (n->addr);
      p->shutdown = !n->s->up;
      g_string_append_printf (in, "weight %d\n", n->mine->weight);
      append_map_fingerprint (c, n->mine->import, in);
      g_string_append_printf (out, "next-hop-self %d\n", !n->ebgp && nhs);
      append_map_fingerprint (c, n->mine->export, out);
      p->fp_in = g_string_free (in, FALSE);
      p->fp_out = g_string_free (out, FALSE);
      g_ptr_array_add (c->peers, p);
    }
}

/* What makes the configuration run on a real router: a blackhole route per originated prefix
 * (FRR 8.4 announces a network statement only when the prefix is in the routing table), the
 * loopback and the link interfaces with their addresses, and OSPF on the links inside the AS
 * (the twin's IGP) with the link's cost. */
static void
add_system (Conf *c, const RwTopology *t, const RwLinkEnd *plan, const RwNode *node)
{
  g_autofree char *lo = rw_ipv4_to_string (rw_node_loopback (node));
  g_autofree char *rid = rw_ipv4_to_string (node->router_id);
  g_autoptr(GPtrArray) origs = g_ptr_array_new ();
  gboolean ospf = rw_frr_node_runs_ospf (t, node);
  GString *o = c->system;

  for (guint i = 0; i < t->prefixes->len; i++)
    if (g_strcmp0 (((RwOrigination *) t->prefixes->pdata[i])->origin_node, node->id) == 0)
      g_ptr_array_add (origs, t->prefixes->pdata[i]);
  g_ptr_array_sort (origs, origination_cmp);
  for (guint i = 0; i < origs->len; i++)
    {
      g_autofree char *p = rw_prefix_to_string (&((const RwOrigination *) origs->pdata[i])->prefix);
      g_string_append_printf (o, "ip route %s blackhole\n", p);
    }
  if (origs->len > 0)
    g_string_append (o, "!\n");
  g_string_append_printf (o, "interface lo\n ip address %s/32\n", lo);
  if (ospf)
    g_string_append (o, " ip ospf area 0\n");
  g_string_append (o, "exit\n!\n");
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      const RwNode *peer;
      const RwLinkEnd *end;
      g_autofree char *addr = NULL;
      if (g_strcmp0 (l->a, node->id) == 0)
        end = &plan[2 * i], peer = rw_topology_find_node (t, l->b);
      else if (g_strcmp0 (l->b, node->id) == 0)
        end = &plan[2 * i + 1], peer = rw_topology_find_node (t, l->a);
      else
        continue;
      addr = rw_ipv4_to_string (end->addr);
      g_string_append_printf (o, "interface %s\n description %s (%s)\n ip address %s/%u\n", end->ifname,
                              peer ? peer->id : "?", l->id, addr, end->plen);
      if (l->capacity_mbps >= 1 && l->capacity_mbps <= 100000 && l->capacity_mbps == (guint) l->capacity_mbps)
        g_string_append_printf (o, " bandwidth %u\n", (guint) l->capacity_mbps);
      if (peer && peer->asn == node->asn)
        g_string_append_printf (o, " ip ospf area 0\n ip ospf network point-to-point\n ip ospf cost %u\n", l->igp_cost);
      if (!l->up)
        g_string_append (o, " shutdown\n");
      g_string_append (o, "exit\n!\n");
    }
  if (ospf)
    g_string_append_printf (o, "router ospf\n ospf router-id %s\n passive-interface lo\nexit\n!\n", rid);
}

static Conf *
conf_build (const RwTopology *t, const char *router, GError **error)
{
  const RwNode *node = rw_topology_find_node (t, router);
  g_autoptr(GHashTable) maps = g_hash_table_new (g_str_hash, g_str_equal); /* name -> Dir mask */
  g_autoptr(GArray) nbrs = NULL;
  g_autoptr(Conf) c = NULL;
  RwLinkEnd *plan;

  if (node == NULL)
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNKNOWN_ROUTER, "unknown router '%s'", router);
      return NULL;
    }
  if ((plan = rw_frr_plan_addresses (t, error)) == NULL)
    return NULL;
  nbrs = collect_neighbours (t, plan, node, maps, error);
  if (nbrs == NULL)
    {
      rw_frr_plan_free (plan, t->links->len);
      return NULL;
    }
  c = conf_new (node->id);
  c->asn = node->asn;
  /* One word for hostname, one line for the comment, whatever the topology file says. */
  c->hostname = g_strdelimit (g_strdup (node->hostname && *node->hostname ? node->hostname : node->id), " \t\r\n", '-');
  c->header = g_strdelimit (g_strdup_printf ("! Routewise: %s (%s, %s, AS %u) in \"%s\"", node->id,
                                             rw_node_kind_to_string (node->kind), rw_node_role_to_string (node->role),
                                             node->asn, t->name ? t->name : ""), "\r\n", ' ');
  add_system (c, t, plan, node);
  rw_frr_plan_free (plan, t->links->len);
  add_router_bgp (c, t, node, nbrs);
  if (!add_route_maps (c, t, node, maps, error))
    return NULL;
  add_peers (c, node, nbrs);
  return g_steal_pointer (&c);
}

/* ------------------------------------------------------------------------------------------ */
/* Printing */

static void
print_entry (GString *out, const MapEntry *me)
{
  g_string_append_printf (out, "route-map %s %s %u\n", me->map, me->permit ? "permit" : "deny", me->seq);
  for (guint j = 0; j < me->lines->len; j++)
    g_string_append_printf (out, " %s\n", ((const Line *) me->lines->pdata[j])->text);
  g_string_append (out, "exit\n");
}

static char *
conf_to_string (const Conf *c)
{
  GString *out = g_string_new (NULL);
  g_string_append_printf (out, "%s\n", c->header);
  g_string_append (out, "frr defaults traditional\n");
  g_string_append_printf (out, "hostname %s\n", c->hostname);
  g_string_append (out, "!\n");
  g_string_append (out, c->system->str);
  g_string_append_printf (out, "router bgp %u\n", c->asn);
  for (guint i = 0; i < c->bgp->len; i++)
    g_string_append_printf (out, " %s\n", ((const Line *) c->bgp->pdata[i])->text);
  if (c->af->len > 0)
    {
      g_string_append (out, " !\n address-family ipv4 unicast\n");
      for (guint i = 0; i < c->af->len; i++)
        g_string_append_printf (out, "  %s\n", ((const Line *) c->af->pdata[i])->text);
      g_string_append (out, " exit-address-family\n");
    }
  g_string_append (out, "exit\n");
  for (ListKind kind = LIST_PREFIX; kind <= LIST_AS_PATH; kind++)
    {
      gboolean first = TRUE;
      for (guint i = 0; i < c->lists->len; i++)
        {
          const List *l = c->lists->pdata[i];
          if (l->kind != kind)
            continue;
          if (first)
            g_string_append (out, "!\n");
          first = FALSE;
          for (guint j = 0; j < l->lines->len; j++)
            g_string_append_printf (out, "%s\n", ((const Line *) l->lines->pdata[j])->text);
        }
    }
  for (guint i = 0; i < c->entries->len; i++)
    {
      g_string_append (out, "!\n");
      print_entry (out, c->entries->pdata[i]);
    }
  g_string_append (out, "!\nend\n");
  return g_string_free (out, FALSE);
}

char *
rw_frr_router_config (const RwTopology *t, const char *router, GError **error)
{
  g_autoptr(Conf) c = NULL;
  g_return_val_if_fail (t != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if ((c = conf_build (t, router ? router : "", error)) == NULL)
    return NULL;
  return conf_to_string (c);
}

/* ------------------------------------------------------------------------------------------ */
/* Diffing */

/* Lines of @after that are new or changed, then the undoing of lines @before has and @after
 * lacks. Keys starting with one of @skip_prefixes are left out of the removals (a neighbour
 * removed whole); removals of keys ending in @defer_suffix go to @deferred instead of @out. */
static void
diff_lines (const GPtrArray *before, const GPtrArray *after, const char *indent, GPtrArray *skip_prefixes,
            const char *defer_suffix, GString *deferred, GString *out)
{
  for (guint i = 0; i < after->len; i++)
    {
      const Line *a = after->pdata[i];
      const Line *b = find_line (before, a->key);
      if (b == NULL || strcmp (a->text, b->text) != 0)
        g_string_append_printf (out, "%s%s\n", indent, a->text);
    }
  for (guint i = 0; i < before->len; i++)
    {
      const Line *b = before->pdata[i];
      gboolean skip = FALSE;
      for (guint k = 0; skip_prefixes && k < skip_prefixes->len && !skip; k++)
        skip = g_str_has_prefix (b->key, skip_prefixes->pdata[k]);
      if (!skip && find_line (after, b->key) == NULL)
        {
          g_autofree char *no = negate (b->text);
          gboolean defer = defer_suffix != NULL && g_str_has_suffix (b->key, defer_suffix);
          g_string_append_printf (defer ? deferred : out, "%s%s\n", indent, no);
        }
    }
}

/* List entries: a changed entry is removed and re-added (older FRR refuse to overwrite a seq). */
static void
diff_list (const List *b, const List *a, GString *out)
{
  for (guint i = 0; i < a->lines->len; i++)
    {
      const Line *la = a->lines->pdata[i];
      const Line *lb = b ? find_line (b->lines, la->key) : NULL;
      if (lb != NULL && strcmp (la->text, lb->text) == 0)
        continue;
      if (lb != NULL)
        g_string_append_printf (out, "no %s\n", lb->text);
      g_string_append_printf (out, "%s\n", la->text);
    }
  for (guint i = 0; b && i < b->lines->len; i++)
    {
      const Line *lb = b->lines->pdata[i];
      if (find_line (a->lines, lb->key) == NULL)
        g_string_append_printf (out, "no %s\n", lb->text);
    }
}

static void
diff_entry (const MapEntry *b, const MapEntry *a, GString *out)
{
  GString *body = g_string_new (NULL);
  if (b != NULL && b->permit != a->permit)
    {
      g_string_append_printf (out, "no route-map %s %s %u\n", b->map, b->permit ? "permit" : "deny", b->seq);
      b = NULL;
    }
  if (b == NULL)
    print_entry (out, a);
  else
    {
      diff_lines (b->lines, a->lines, " ", NULL, NULL, NULL, body);
      if (body->len > 0)
        g_string_append_printf (out, "route-map %s %s %u\n%sexit\n", a->map, a->permit ? "permit" : "deny", a->seq,
                                body->str);
    }
  g_string_free (body, TRUE);
}

/* The static routes of a configuration's system part ("ip route P blackhole" per origination). */
static GPtrArray *
static_routes (const Conf *c)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = g_strsplit (c->system ? c->system->str : "", "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "ip route "))
      g_ptr_array_add (out, g_strdup (lines[i]));
  return out;
}

static char *
conf_diff (const Conf *b, const Conf *a)
{
  GString *out = g_string_new (NULL);
  GString *bgp = g_string_new (NULL), *af = g_string_new (NULL), *unshut = g_string_new (NULL);
  g_autoptr(GPtrArray) gone_addrs = g_ptr_array_new ();                   /* borrowed */
  g_autoptr(GPtrArray) gone_keys = g_ptr_array_new_with_free_func (g_free); /* "neighbor ADDR " */

  if (g_strcmp0 (b->hostname, a->hostname) != 0 && a->hostname != NULL)
    g_string_append_printf (out, "hostname %s\n", a->hostname);

  /* 0. the routes a new origination needs in the table before its network statement counts */
  g_autoptr(GPtrArray) statics_b = static_routes (b);
  g_autoptr(GPtrArray) statics_a = static_routes (a);
  for (guint i = 0; i < statics_a->len; i++)
    if (!g_ptr_array_find_with_equal_func (statics_b, statics_a->pdata[i], g_str_equal, NULL))
      g_string_append_printf (out, "%s\n", (const char *) statics_a->pdata[i]);

  /* 1. filter lists the new entries need */
  for (guint i = 0; i < a->lists->len; i++)
    diff_list (conf_find_list (b, ((const List *) a->lists->pdata[i])->name), a->lists->pdata[i], out);

  /* 2. route-map entries, new and changed */
  for (guint i = 0; i < a->entries->len; i++)
    {
      const MapEntry *ea = a->entries->pdata[i];
      diff_entry (conf_find_entry (b, ea->map, ea->seq), ea, out);
    }

  /* 3. router bgp: attach the maps, session state */
  if (b->asn != 0 && a->asn != b->asn)
    g_string_append_printf (out, "no router bgp %u\n", b->asn);
  if (a->asn != 0)
    {
      const Conf *from = a->asn == b->asn ? b : NULL;
      g_autoptr(GPtrArray) empty = lines_new ();
      for (guint i = 0; from && i < from->peers->len; i++)
        {
          const Peer *p = from->peers->pdata[i];
          if (conf_find_peer (a, p->addr) == NULL)
            {
              g_ptr_array_add (gone_addrs, p->addr);
              g_ptr_array_add (gone_keys, g_strdup_printf ("neighbor %s ", p->addr));
            }
        }
      /* "no neighbor X" takes all of X's lines with it; a session comes back up only once its
       * policies are final (the very end). */
      diff_lines (from ? from->bgp : empty, a->bgp, " ", gone_keys, " shutdown", unshut, bgp);
      for (guint i = 0; i < gone_addrs->len; i++)
        g_string_append_printf (bgp, " no neighbor %s\n", (const char *) gone_addrs->pdata[i]);
      diff_lines (from ? from->af : empty, a->af, "  ", gone_keys, NULL, NULL, af);
      if (bgp->len > 0 || af->len > 0)
        {
          g_string_append_printf (out, "router bgp %u\n%s", a->asn, bgp->str);
          if (af->len > 0)
            g_string_append_printf (out, " address-family ipv4 unicast\n%s exit-address-family\n", af->str);
          g_string_append (out, "exit\n");
        }
    }

  /* 4. route-map entries and maps no longer used, now that nothing points at them */
  for (guint i = 0; i < b->entries->len; i++)
    {
      const MapEntry *eb = b->entries->pdata[i];
      const MapEntry *ea = conf_find_entry (a, eb->map, eb->seq);
      if (!conf_has_map (a, eb->map))
        {
          if (i == 0 || strcmp (((const MapEntry *) b->entries->pdata[i - 1])->map, eb->map) != 0)
            g_string_append_printf (out, "no route-map %s\n", eb->map);
        }
      else if (ea == NULL)
        g_string_append_printf (out, "no route-map %s %s %u\n", eb->map, eb->permit ? "permit" : "deny", eb->seq);
    }

  /* 5. lists no longer used */
  for (guint i = 0; i < b->lists->len; i++)
    {
      const List *l = b->lists->pdata[i];
      if (conf_find_list (a, l->name) == NULL)
        g_string_append_printf (out, "no %s %s\n", list_cmd[l->kind], l->name);
    }

  /* 5b. routes of originations that are gone */
  for (guint i = 0; i < statics_b->len; i++)
    if (!g_ptr_array_find_with_equal_func (statics_a, statics_b->pdata[i], g_str_equal, NULL))
      g_string_append_printf (out, "no %s\n", (const char *) statics_b->pdata[i]);

  /* 6. sessions back up */
  if (unshut->len > 0)
    g_string_append_printf (out, "router bgp %u\n%sexit\n", a->asn, unshut->str);

  if (out->len > 0)
    {
      g_string_prepend (out, "configure terminal\n");
      g_string_append (out, "end\n");
    }

  /* 7. re-run the policies that changed on established sessions */
  for (guint i = 0; i < a->peers->len; i++)
    {
      const Peer *pa = a->peers->pdata[i];
      const Peer *pb = a->asn == b->asn ? conf_find_peer (b, pa->addr) : NULL;
      if (pb == NULL || pa->shutdown || pb->shutdown)
        continue;
      if (strcmp (pa->fp_in, pb->fp_in) != 0)
        g_string_append_printf (out, "clear bgp ipv4 unicast %s soft in\n", pa->addr);
      if (strcmp (pa->fp_out, pb->fp_out) != 0)
        g_string_append_printf (out, "clear bgp ipv4 unicast %s soft out\n", pa->addr);
    }

  g_string_free (bgp, TRUE);
  g_string_free (af, TRUE);
  g_string_free (unshut, TRUE);
  return g_string_free (out, FALSE);
}

static gboolean
ours (const RwTopology *t, const char *id)
{
  const RwNode *n = rw_topology_find_node (t, id);
  return n != NULL && n->kind == RW_NODE_ROUTER;
}

/* @router's links, or (@router NULL) the links no router of ours ends. */
static gboolean
link_concerns (const RwTopology *t, const RwLink *l, const char *router)
{
  if (router != NULL)
    return g_strcmp0 (l->a, router) == 0 || g_strcmp0 (l->b, router) == 0;
  return !ours (t, l->a) && !ours (t, l->b);
}

/* Link state and IGP cost are not BGP configuration: they become comments. */
static void
link_comments (const RwTopology *before, const RwTopology *after, const char *router, GString *out)
{
  for (guint i = 0; i < after->links->len; i++)
    {
      const RwLink *la = after->links->pdata[i];
      const RwLink *lb = rw_topology_find_link (before, la->id);
      if (!link_concerns (after, la, router))
        continue;
      if (lb == NULL)
        g_string_append_printf (out, "! link %s %s-%s added (physical)\n", la->id, la->a, la->b);
      else
        {
          if (lb->up != la->up)
            g_string_append_printf (out, "! link %s %s (physical)\n", la->id, la->up ? "up" : "down");
          if (lb->igp_cost != la->igp_cost)
            g_string_append_printf (out, "! link %s igp-cost %u -> %u (IGP metric, set on the interfaces)\n", la->id,
                                    lb->igp_cost, la->igp_cost);
        }
    }
  for (guint i = 0; i < before->links->len; i++)
    {
      const RwLink *lb = before->links->pdata[i];
      if (rw_topology_find_link (after, lb->id) == NULL && link_concerns (before, lb, router))
        g_string_append_printf (out, "! link %s removed (physical)\n", lb->id);
    }
}

/* A side without the router diffs as an empty configuration; NULL = it cannot be rendered. */
static Conf *
conf_build_or_empty (const RwTopology *t, const char *router)
{
  g_autoptr(GError) error = NULL;
  Conf *c = conf_build (t, router, &error);
  if (c == NULL && g_error_matches (error, RW_FRR_ERROR, RW_FRR_ERROR_UNKNOWN_ROUTER) &&
      rw_topology_find_node (t, router) == NULL)
    return conf_new (router);
  return c;
}

char *
rw_frr_config_diff (const RwTopology *before, const RwTopology *after, const char *router)
{
  g_autoptr(Conf) b = NULL;
  g_autoptr(Conf) a = NULL;
  g_autofree char *cmds = NULL;
  GString *out;

  g_return_val_if_fail (before != NULL && after != NULL && router != NULL, NULL);
  if ((b = conf_build_or_empty (before, router)) == NULL || (a = conf_build_or_empty (after, router)) == NULL)
    return NULL;
  out = g_string_new (NULL);
  link_comments (before, after, router, out);
  cmds = conf_diff (b, a);
  g_string_append (out, cmds);
  return g_string_free (out, FALSE);
}

/* Why rw_frr_config_diff gave up: the first side whose configuration cannot be built. */
static void
explain_failure (const RwTopology *before, const RwTopology *after, const char *id, GError **error)
{
  const RwTopology *sides[] = { before, after };
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(Conf) c = conf_build (sides[i], id, &local);
      if (c == NULL && !g_error_matches (local, RW_FRR_ERROR, RW_FRR_ERROR_UNKNOWN_ROUTER))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", i == 0 ? "before" : "after");
          return;
        }
    }
  g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNSUPPORTED, "%s: cannot render the configuration", id);
}

static gboolean
append_router_section (const RwTopology *before, const RwTopology *after, const char *id, GString *out, GError **error)
{
  g_autofree char *d = rw_frr_config_diff (before, after, id);
  if (d == NULL)
    {
      explain_failure (before, after, id, error);
      return FALSE;
    }
  if (*d != '\0')
    g_string_append_printf (out, "! router %s\n%s", id, d);
  return TRUE;
}

char *
rw_frr_topology_diff (const RwTopology *before, const RwTopology *after, GError **error)
{
  GString *out = g_string_new (NULL);
  g_return_val_if_fail (before != NULL && after != NULL, NULL);

  /* What no router of ours carries: links and sessions between external nodes. */
  link_comments (before, after, NULL, out);
  for (guint i = 0; i < after->sessions->len; i++)
    {
      const RwSession *sa = after->sessions->pdata[i];
      const RwSession *sb = rw_topology_find_session (before, sa->a, sa->b);
      if (ours (after, sa->a) || ours (after, sa->b))
        continue;
      if (sb == NULL || sb->up != sa->up)
        g_string_append_printf (out, "! session %s-%s %s (external: no configuration of ours)\n", sa->a, sa->b,
                                sa->up ? "up" : "down");
    }

  for (guint i = 0; i < after->nodes->len; i++)
    {
      const RwNode *n = after->nodes->pdata[i];
      if (n->kind == RW_NODE_ROUTER && !append_router_section (before, after, n->id, out, error))
        goto fail;
    }
  for (guint i = 0; i < before->nodes->len; i++)
    {
      const RwNode *n = before->nodes->pdata[i];
      if (n->kind == RW_NODE_ROUTER && !ours (after, n->id) && !append_router_section (before, after, n->id, out, error))
        goto fail;
    }
  return g_string_free (out, FALSE);

fail:
  g_string_free (out, TRUE);
  return NULL;
}

char *
rw_frr_changes_diff (const RwTopology *before, const char *const *changes, GError **error)
{
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_change_free);
  g_autoptr(RwTopology) after = NULL;

  g_return_val_if_fail (before != NULL, NULL);
  for (guint i = 0; changes != NULL && changes[i] != NULL; i++)
    {
      RwChange *c = rw_change_parse (changes[i], error);
      if (c == NULL)
        return NULL;
      g_ptr_array_add (parsed, c);
    }
  if ((after = rw_topology_with_changes (before, parsed, error)) == NULL)
    return NULL;
  return rw_frr_topology_diff (before, after, error);
}
