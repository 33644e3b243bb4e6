/* rw-bgp.c — the path-vector fixed point.
 *
 * Prefixes are independent in BGP (no aggregation is modelled), and a prefix influences the
 * computation only through its originations and the prefix-list entries it matches. Prefixes
 * that agree on both are grouped into a class and solved once; the result is exact for every
 * member. Within a class, speakers whose best route changed advertise to their peers in rounds;
 * a repeated global state or the round bound means the class has no stable solution.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-bgp.h"

#include <string.h>

typedef struct {
  const RwNet *net;
  const RwPrefix *prefix;
  RwRoute **local;   /* per node */
  RwRoute **adj_in;  /* per adjacency: what adj.node holds from adj.peer after import */
  RwRoute **adv;     /* per node: the best route last advertised (copy) */
  guint *queue, qlen;
  gboolean *queued;
} ClassSolve;

/* ---- advertisement rules, one function per direction ---- */

/* What @u sends to the peer of adjacency @a when its best route is @r; NULL = nothing. */
static RwRoute *
export_route (const ClassSolve *cs, guint u, const RwAdj *a, const RwRoute *r)
{
  const RwNet *net = cs->net;
  g_autoptr(RwRoute) out = NULL;
  guint prepend = 0;

  if (r == NULL || !a->up)
    return NULL;
  if (r->from == (gint) a->peer) /* never back to where it came from */
    return NULL;
  if (rw_route_has_community (r, RW_COMMUNITY_NO_ADVERTISE))
    return NULL;
  if (a->ebgp && rw_route_has_community (r, RW_COMMUNITY_NO_EXPORT))
    return NULL;

  if (!a->ebgp && r->ibgp)
    {
      /* Only a reflector passes iBGP routes on: client routes to everyone, non-client routes
       * to clients only. */
      gboolean from_client = r->adj >= 0 && net->adjs[r->adj].peer_is_client;
      if (net->cluster_id[u] == 0 || !(from_client || a->peer_is_client))
        return NULL;
    }

  out = rw_route_copy (r);
  out->from = (gint) u;
  if (a->ebgp)
    {
      out->local_pref = RW_DEFAULT_LOCAL_PREF;
      out->has_originator = FALSE;
      out->originator_id = 0;
      rw_route_set_lists (out, r->as_path, r->as_path_len, r->communities, r->n_communities, NULL, 0);
      /* Only a MED set here (on a route this router originates) goes to an eBGP peer: one
       * learned from any peer, iBGP included, is dropped, as FRR does (the export route-map
       * may then set one). */
      if (r->from >= 0)
        out->has_med = FALSE, out->med = 0;
      out->nexthop = (gint) u;
    }
  else if (r->ibgp)
    {
      if (!out->has_originator)
        {
          out->has_originator = TRUE;
          out->originator_id = net->nodes[r->from]->router_id;
        }
      rw_route_set_lists (out, r->as_path, r->as_path_len, r->communities, r->n_communities, NULL, 0);
      {
        g_autofree guint32 *cl = g_new (guint32, r->cluster_len + 1);
        cl[0] = net->cluster_id[u];
        memcpy (cl + 1, r->cluster_list, r->cluster_len * sizeof (guint32));
        rw_route_set_lists (out, r->as_path, r->as_path_len, r->communities, r->n_communities, cl, r->cluster_len + 1);
      }
    }
  else
    out->nexthop = (gint) u; /* next-hop-self towards iBGP peers */

  if (!rw_policy_apply (a->export, cs->prefix, out, RW_POLICY_EXPORT, 0, &prepend))
    return NULL;
  if (a->ebgp)
    rw_route_prepend (out, net->nodes[u]->asn, 1 + prepend);
  return g_steal_pointer (&out);
}

/* What adjacency @a's node keeps of @in (sent by a->peer); NULL = rejected or unusable. */
static RwRoute *
import_route (const ClassSolve *cs, const RwAdj *a, RwRoute *in)
{
  const RwNet *net = cs->net;
  g_autoptr(RwRoute) r = in;
  guint v = a->node;

  if (r == NULL)
    return NULL;
  if (a->ebgp)
    {
      if (rw_route_path_contains (r, net->nodes[v]->asn))
        return NULL;
      r->ibgp = FALSE;
      r->local_pref = RW_DEFAULT_LOCAL_PREF;
      r->nexthop = (gint) a->peer;
      r->igp_cost = 0;
    }
  else
    {
      if (r->has_originator && r->originator_id == net->nodes[v]->router_id)
        return NULL;
      if (net->cluster_id[v] != 0)
        for (guint i = 0; i < r->cluster_len; i++)
          if (r->cluster_list[i] == net->cluster_id[v])
            return NULL;
      r->ibgp = TRUE;
    }
  r->from = (gint) a->peer;
  r->adj = (gint) (a - net->adjs);
  r->weight = a->weight;
  if (!rw_policy_apply (a->import, cs->prefix, r, RW_POLICY_IMPORT, net->nodes[a->peer]->asn, NULL))
    return NULL;
  if (r->ibgp)
    {
      /* The next hop must resolve through the IGP. */
      if (r->nexthop < 0 || (guint) r->nexthop == v)
        return NULL;
      r->igp_cost = rw_net_igp_dist (net, v, (guint) r->nexthop);
      if (r->igp_cost == RW_IGP_UNREACHABLE)
        return NULL;
    }
  return g_steal_pointer (&r);
}

static RwRoute *
originate (const RwNet *net, guint node, const RwOrigination *o)
{
  RwRoute *r = rw_route_new ();
  r->from = -1;
  r->adj = -1;
  r->nexthop = (gint) node;
  r->origin = o->origin;
  r->has_med = o->has_med;
  r->med = o->med;
  r->weight = RW_LOCAL_WEIGHT;
  for (guint i = 0; i < rw_origination_n_communities (o); i++)
    rw_route_add_community (r, rw_origination_community (o, i));
  return r;
}

/* Candidates held by @u: local route first, then per adjacency. */
static guint
gather (const ClassSolve *cs, guint u, RwRoute **cands)
{
  guint n = 0;
  if (cs->local[u])
    cands[n++] = cs->local[u];
  for (guint a = cs->net->adj_first[u]; a < cs->net->adj_first[u + 1]; a++)
    if (cs->adj_in[a])
      cands[n++] = cs->adj_in[a];
  return n;
}

static void
enqueue (ClassSolve *cs, guint v)
{
  if (!cs->queued[v])
    {
      cs->queued[v] = TRUE;
      cs->queue[cs->qlen++] = v;
    }
}

static guint64
fingerprint (const ClassSolve *cs)
{
  guint64 h = 0xcbf29ce484222325ull;
  for (guint a = 0; a < cs->net->n_adjs; a++)
    h = (h ^ rw_route_hash (cs->adj_in[a])) * 0x100000001b3ull;
  for (guint i = 0; i < cs->qlen; i++)
    h = (h ^ (cs->queue[i] + 1)) * 0x100000001b3ull;
  return h;
}

static void
solve_class (const RwNet *net, const RwTopology *topo, RwBgpClass *cls, GPtrArray *origins, guint max_rounds)
{
  guint n = net->n_nodes;
  ClassSolve cs = { net, &cls->repr };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree RwRoute **cands = g_new (RwRoute *, net->n_adjs + 1);
  g_autofree guint *batch = g_new (guint, n);

  cs.local = g_new0 (RwRoute *, n);
  cs.adj_in = g_new0 (RwRoute *, net->n_adjs + 1);
  cs.adv = g_new0 (RwRoute *, n);
  cs.queue = g_new (guint, n);
  cs.queued = g_new0 (gboolean, n);

  for (guint i = 0; i < origins->len; i++)
    {
      const RwOrigination *o = origins->pdata[i];
      gint node = rw_net_node (net, o->origin_node);
      if (cs.local[node] != NULL) /* validation rejects this; keep the first */
        continue;
      cs.local[node] = originate (net, (guint) node, o);
      enqueue (&cs, (guint) node);
    }

  cls->converged = TRUE;
  cls->rounds = 0;
  while (cs.qlen > 0)
    {
      guint nb = cs.qlen;
      gint64 fp;
      if (cls->rounds >= max_rounds)
        {
          cls->converged = FALSE;
          break;
        }
      cls->rounds++;
      memcpy (batch, cs.queue, nb * sizeof (guint));
      cs.qlen = 0;
      for (guint i = 0; i < nb; i++)
        cs.queued[batch[i]] = FALSE;
      for (guint i = 0; i < nb; i++)
        {
          guint u = batch[i];
          guint nc = gather (&cs, u, cands);
          RwRoute *best = nc ? cands[rw_bgp_decide (net, u, cands, nc, NULL)] : NULL;
          if (rw_route_equal (best, cs.adv[u]))
            continue;
          g_clear_pointer (&cs.adv[u], rw_route_free);
          cs.adv[u] = best ? rw_route_copy (best) : NULL;
          for (guint a = net->adj_first[u]; a < net->adj_first[u + 1]; a++)
            {
              const RwAdj *adj = &net->adjs[a];
              const RwAdj *back = &net->adjs[adj->reverse];
              RwRoute *in = import_route (&cs, back, export_route (&cs, u, adj, cs.adv[u]));
              if (rw_route_equal (in, cs.adj_in[adj->reverse]))
                {
                  rw_route_free (in);
                  continue;
                }
              rw_route_free (cs.adj_in[adj->reverse]);
              cs.adj_in[adj->reverse] = in;
              enqueue (&cs, adj->peer);
            }
        }
      fp = (gint64) fingerprint (&cs);
      if (cs.qlen > 0 && g_hash_table_contains (seen, &fp))
        {
          cls->converged = FALSE; /* the same state again: it oscillates */
          break;
        }
      g_hash_table_add (seen, g_memdup2 (&fp, sizeof fp));
    }

  /* Keep what every node holds in the final (or last) state. */
  cls->ribs = g_new0 (RwRib, n);
  for (guint u = 0; u < n; u++)
    {
      RwRib *rib = &cls->ribs[u];
      guint nc = gather (&cs, u, cands);
      rib->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_route_free);
      rib->best = nc ? (gint) rw_bgp_decide (net, u, cands, nc, &rib->decided_by) : -1;
      for (guint i = 0; i < nc; i++)
        g_ptr_array_add (rib->routes, cands[i]);
      cs.local[u] = NULL;
      for (guint a = net->adj_first[u]; a < net->adj_first[u + 1]; a++)
        cs.adj_in[a] = NULL;
    }
  for (guint u = 0; u < n; u++)
    rw_route_free (cs.adv[u]);
  g_free (cs.local);
  g_free (cs.adj_in);
  g_free (cs.adv);
  g_free (cs.queue);
  g_free (cs.queued);
}

/* ---- prefix classes ---- */

static gint
prefix_cmp (gconstpointer a, gconstpointer b)
{
  const RwPrefix *pa = a, *pb = b;
  if (pa->addr != pb->addr)
    return pa->addr < pb->addr ? -1 : 1;
  return (pa->len > pb->len) - (pa->len < pb->len);
}

static gint64
prefix_key (const RwPrefix *p)
{
  return ((gint64) p->addr << 8) | p->len;
}

/* A split table's prefixes whose provisional class is not their root class. */
typedef struct {
  guint lo, hi;             /* prefixes [lo, hi) */
  const guint *cls;         /* cls[i - lo]: the provisional class of prefix i */
  guint *box;               /* the atomic rc box @cls points into (a reference) */
} Segment;

/* A class's prefixes are found through the blocks of 2^BLOCK_BITS prefixes it has some in. */
#define BLOCK_BITS 12

struct _RwPrefixTable {
  gint ref;
  gsize serial;             /* tells tables apart without holding them */
  GPtrArray *source;        /* the originations classified (a reference) */
  gint *source_share;       /* their topology's share count, held while the table lives */
  GArray *matchers;         /* RwPrefixMatch: every policy's prefix matches, in order */
  gboolean grouped;
  guint n_prefixes;
  RwPrefix *prefixes;       /* sorted, unique (the root's in a split table) */
  guint *bucket;            /* 65 537: bucket[b] is the first prefix whose address's top 16 bits
                             * are >= b, so a search looks only among the prefixes of one /16 */
  guint64 lengths;          /* bit L set when some prefix is a /L */
  guint *prefix_class;      /* per prefix; NULL in a split table */
  /* A table split from another by a few more prefix matches refines a full table, its root,
   * through the few prefixes those matches accept: nothing in it is as large as the prefixes. */
  RwPrefixTable *root;      /* the full table (a reference), NULL in a full table */
  GArray *segments;         /* Segment, sorted and disjoint; elsewhere a prefix's provisional
                             * class is its root class */
  guint n_provisional;      /* provisional classes: the root's, then those each split added */
  guint *renumber;          /* per provisional class: the table's class (G_MAXUINT: none left) */
  gsize parent_serial;      /* the table it was split from */
  guint *parent_class;      /* per class: the parent's class it was split from */
  /* per class */
  GArray *class_first;      /* guint: the index of its first prefix, which represents it */
  GArray *class_size;       /* guint */
  GPtrArray *class_origins; /* GPtrArray of RwOrigination* (borrowed from source) */
  GPtrArray *class_blocks;  /* GArray of guint: the blocks it may have prefixes in, ascending
                             * (shared with the parent where a class only lost prefixes);
                             * NULL when prefixes are not grouped */
};

static gsize table_serial;

static void
prefix_table_unref (RwPrefixTable *tb)
{
  if (tb == NULL || !g_atomic_int_dec_and_test (&tb->ref))
    return;
  if (g_atomic_int_dec_and_test (tb->source_share))
    g_free (tb->source_share);
  g_ptr_array_unref (tb->source);
  g_array_unref (tb->matchers);
  if (tb->root == NULL)
    {
      g_free (tb->prefixes);
      g_free (tb->bucket);
    }
  g_free (tb->prefix_class);
  prefix_table_unref (tb->root);
  for (guint s = 0; tb->segments && s < tb->segments->len; s++)
    g_atomic_rc_box_release (g_array_index (tb->segments, Segment, s).box);
  g_clear_pointer (&tb->segments, g_array_unref);
  g_free (tb->renumber);
  g_free (tb->parent_class);
  g_array_unref (tb->class_first);
  g_array_unref (tb->class_size);
  g_ptr_array_unref (tb->class_origins);
  g_clear_pointer (&tb->class_blocks, g_ptr_array_unref);
  g_free (tb);
}

static guint
n_classes (const RwPrefixTable *tb)
{
  return tb->class_first->len;
}

/* The segment holding prefix @i, or NULL. */
static const Segment *
segment_at (const RwPrefixTable *tb, guint i)
{
  const Segment *s = (const Segment *) (gpointer) tb->segments->data;
  guint lo = 0, hi = tb->segments->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (s[mid].hi <= i)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < tb->segments->len && s[lo].lo <= i ? &s[lo] : NULL;
}

static guint
provisional_class (const RwPrefixTable *tb, guint i)
{
  const Segment *s;
  if (tb->root == NULL)
    return tb->prefix_class[i];
  s = segment_at (tb, i);
  return s != NULL ? s->cls[i - s->lo] : tb->root->prefix_class[i];
}

static guint
class_of_provisional (const RwPrefixTable *tb, guint p)
{
  return tb->renumber != NULL ? tb->renumber[p] : p;
}

static guint
table_class (const RwPrefixTable *tb, guint i)
{
  return tb->root == NULL ? tb->prefix_class[i] : tb->renumber[provisional_class (tb, i)];
}

static void
blocks_add (GArray *blocks, guint i)
{
  guint b = i >> BLOCK_BITS;
  if (blocks->len == 0 || g_array_index (blocks, guint, blocks->len - 1) != b)
    g_array_append_val (blocks, b);
}

/* The first prefix of class @c at or after @pos (n_prefixes when there is none). */
static guint
next_in_class (const RwPrefixTable *tb, guint c, guint pos)
{
  const GArray *blocks = tb->class_blocks->pdata[c];
  guint lo = 0, hi = blocks->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (blocks, guint, mid) < pos >> BLOCK_BITS)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (; lo < blocks->len; lo++)
    {
      guint b = g_array_index (blocks, guint, lo);
      guint end = MIN (tb->n_prefixes, (b + 1) << BLOCK_BITS);
      for (guint i = MAX (pos, b << BLOCK_BITS); i < end; i++)
        if (table_class (tb, i) == c)
          return i;
    }
  return tb->n_prefixes;
}

static gint
matcher_cmp (gconstpointer pa, gconstpointer pb)
{
  const RwPrefixMatch *x = pa, *y = pb;
  gint c = prefix_cmp (&x->prefix, &y->prefix);
  if (c != 0)
    return c;
  if (x->ge != y->ge)
    return x->ge < y->ge ? -1 : 1;
  if (x->le != y->le)
    return x->le < y->le ? -1 : 1;
  if (!x->has_ge != !y->has_ge)
    return x->has_ge ? 1 : -1;
  if (!x->has_le != !y->has_le)
    return x->has_le ? 1 : -1;
  if (!x->deny != !y->deny)
    return x->deny ? 1 : -1;
  return 0;
}

/* Every distinct prefix match of every policy, sorted: a prefix's answers to these decide its
 * class, and a change that copies a policy (same matches) leaves the classes as they are. */
static GArray *
collect_matchers (const RwTopology *topo)
{
  GArray *m = g_array_new (FALSE, TRUE, sizeof (RwPrefixMatch));
  guint k = 0;
  for (guint i = 0; i < topo->policies->len; i++)
    {
      RwPolicy *p = topo->policies->pdata[i];
      for (guint j = 0; j < p->entries->len; j++)
        {
          RwPolicyEntry *e = p->entries->pdata[j];
          for (guint q = 0; e->match_prefixes && q < e->match_prefixes->len; q++)
            {
              RwPrefixMatch one = { 0 };
              const RwPrefixMatch *src = &g_array_index (e->match_prefixes, RwPrefixMatch, q);
              one.prefix = src->prefix;
              one.ge = src->ge;
              one.le = src->le;
              one.has_ge = !!src->has_ge;
              one.has_le = !!src->has_le;
              one.deny = !!src->deny;
              g_array_append_val (m, one);
            }
        }
    }
  g_array_sort (m, matcher_cmp);
  for (guint i = 0; i < m->len; i++)
    if (k == 0 || matcher_cmp (&g_array_index (m, RwPrefixMatch, k - 1), &g_array_index (m, RwPrefixMatch, i)) != 0)
      g_array_index (m, RwPrefixMatch, k++) = g_array_index (m, RwPrefixMatch, i);
  g_array_set_size (m, k);
  return m;
}

static gboolean
same_matchers (GArray *a, GArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (matcher_cmp (&g_array_index (a, RwPrefixMatch, i), &g_array_index (b, RwPrefixMatch, i)) != 0)
      return FALSE;
  return TRUE;
}

/* The first prefix whose key is not below @k (n_prefixes when there is none). */
static guint
lower_bound (const RwPrefixTable *tb, gint64 k)
{
  guint b = (guint) (((guint64) k >> 24) & 0xffff);
  guint lo = tb->bucket[b], hi = tb->bucket[b + 1];
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (prefix_key (&tb->prefixes[mid]) < k)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static gint
prefix_table_index (const RwPrefixTable *tb, const RwPrefix *p)
{
  gint64 k = prefix_key (p);
  guint i = lower_bound (tb, k);
  return i < tb->n_prefixes && prefix_key (&tb->prefixes[i]) == k ? (gint) i : -1;
}

/* The originations in prefix order, those of one prefix in topology order: each is its prefix key
 * (40 bits) above its index (24 bits), radix-sorted 16 bits at a time. A million in a few
 * milliseconds and 16 bytes each, temporary included. 2^24 originations is far beyond what a
 * file (64 MiB at most, some 40 bytes an origination) or bench (2 million) can hold. */
#define ORIG_IDX_BITS 24

/* Not inlined: @tmp is memory the caller then uses as RwPrefix, and the call keeps the two
 * types' stores apart. */
static G_GNUC_NO_INLINE void
sort_originations (guint64 *a, guint n, guint64 *tmp)
{
  g_autofree guint *count = g_new (guint, 65536);
  guint64 *src = a, *dst = tmp;
  for (guint shift = ORIG_IDX_BITS; shift < 64; shift += 16)
    {
      guint sum = 0;
      memset (count, 0, 65536 * sizeof (guint));
      for (guint i = 0; i < n; i++)
        count[(src[i] >> shift) & 0xffff]++;
      if (n == 0 || count[(src[0] >> shift) & 0xffff] == n)
        continue; /* every key has the same digit here */
      for (guint d = 0; d < 65536; d++)
        {
          guint c = count[d];
          count[d] = sum;
          sum += c;
        }
      for (guint i = 0; i < n; i++)
        dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
      {
        guint64 *t = src;
        src = dst;
        dst = t;
      }
    }
  if (src != a && n > 0)
    memcpy (a, src, n * sizeof (guint64));
}

/* What a prefix's originations say, as words: per origination in node order its node, origin,
 * MED, then its communities. Word 0 is the count of the words after it. */
static guint
sig_hash (gconstpointer p)
{
  const guint32 *w = p;
  guint32 h = 2166136261u;
  for (guint i = 0; i <= w[0]; i++)
    {
      h ^= w[i];
      h *= 16777619u;
      h ^= h >> 15;
    }
  return h;
}

static gboolean
sig_equal (gconstpointer a, gconstpointer b)
{
  const guint32 *x = a, *y = b;
  return x[0] == y[0] && memcmp (x + 1, y + 1, x[0] * sizeof (guint32)) == 0;
}

static void
origin_signature (GArray *words, const RwNet *net, RwOrigination **origins, guint n)
{
  /* Order-independent: originations sorted by node index (insertion sort, stable: n is 1 or 2). */
  RwOrigination *o_small[8];
  gint node_small[8];
  g_autofree RwOrigination **o_big = n > 8 ? g_new (RwOrigination *, n) : NULL;
  g_autofree gint *node_big = n > 8 ? g_new (gint, n) : NULL;
  RwOrigination **o = n > 8 ? o_big : o_small;
  gint *node = n > 8 ? node_big : node_small;
  guint32 zero = 0;
  for (guint i = 0; i < n; i++)
    {
      o[i] = origins[i];
      node[i] = rw_net_node (net, o[i]->origin_node);
    }
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && node[j - 1] > node[j]; j--)
      {
        RwOrigination *t = o[j];
        gint tn = node[j];
        o[j] = o[j - 1], node[j] = node[j - 1];
        o[j - 1] = t, node[j - 1] = tn;
      }
  g_array_set_size (words, 0);
  g_array_append_val (words, zero);
  for (guint i = 0; i < n; i++)
    {
      guint32 w[5] = { (guint32) node[i], (guint32) o[i]->origin, (guint32) !!o[i]->has_med, o[i]->med, rw_origination_n_communities (o[i]) };
      g_array_append_vals (words, w, 5);
      if (o[i]->communities != NULL)
        g_array_append_vals (words, o[i]->communities->data, o[i]->communities->len);
    }
  g_array_index (words, guint32, 0) = words->len - 1;
}

/* Prefixes with identical originations and identical answers from every prefix match fall in
 * one class. The classes are found by refinement: first by originations, then each prefix match
 * splits the classes of the prefixes it accepts (they sit in one run of the sorted table). */
static RwPrefixTable *
prefix_table_new (const RwNet *net, const RwBgpOptions *options, GArray *matchers)
{
  const RwTopology *topo = net->topo;
  RwPrefixTable *tb = g_new0 (RwPrefixTable, 1);
  guint n_orig = topo->prefixes->len;
  g_autofree guint64 *sorted = g_new (guint64, n_orig + 1);
  g_autoptr(GArray) mark = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr(GArray) split_to = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr(GPtrArray) run = g_ptr_array_new ();
  g_autofree guint *renumber = NULL;
  g_autofree guint *seen_in = NULL; /* per provisional class: the last block it was seen in + 1 */
  guint *cls;  /* the provisional class of each prefix, in prefix_class until renumbered */
  guint n_ids = 0;

  g_assert (n_orig < (1u << ORIG_IDX_BITS));
  tb->ref = 1;
  tb->source = g_ptr_array_ref (topo->prefixes);
  tb->source_share = topo->prefixes_share;
  g_atomic_int_inc (tb->source_share);
  tb->matchers = g_array_ref (matchers);
  tb->grouped = options->group_prefixes;
  tb->serial = (gsize) g_atomic_pointer_add (&table_serial, 1) + 1;
  tb->class_first = g_array_new (FALSE, FALSE, sizeof (guint));
  tb->class_size = g_array_new (FALSE, FALSE, sizeof (guint));
  tb->class_origins = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  if (tb->grouped) /* only grouped tables are split */
    tb->class_blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  /* Unique prefixes, sorted. */
  for (guint i = 0; i < n_orig; i++)
    sorted[i] = ((guint64) prefix_key (&((RwOrigination *) topo->prefixes->pdata[i])->prefix) << ORIG_IDX_BITS) | i;
  /* the prefixes' array (8 bytes each, as a sort word) is the sort's scratch: one less array of
   * a million entries to fault in */
  G_STATIC_ASSERT (sizeof (RwPrefix) == sizeof (guint64));
  tb->prefixes = g_new (RwPrefix, n_orig + 1);
  sort_originations (sorted, n_orig, (guint64 *) tb->prefixes);
  for (guint i = 0; i < n_orig; i++)
    if (i == 0 || (sorted[i] >> ORIG_IDX_BITS) != (sorted[i - 1] >> ORIG_IDX_BITS))
      {
        tb->prefixes[tb->n_prefixes] = ((RwOrigination *) topo->prefixes->pdata[sorted[i] & ((1u << ORIG_IDX_BITS) - 1)])->prefix;
        tb->lengths |= G_GUINT64_CONSTANT (1) << tb->prefixes[tb->n_prefixes].len;
        tb->n_prefixes++;
      }
  tb->bucket = g_new (guint, 65537);
  {
    guint i = 0;
    for (guint b = 0; b <= 65536; b++)
      {
        while (i < tb->n_prefixes && (tb->prefixes[i].addr >> 16) < b)
          i++;
        tb->bucket[b] = i;
      }
  }
  tb->prefix_class = g_new0 (guint, tb->n_prefixes + 1);
  cls = tb->prefix_class;

/* The originations of prefix @i into @run: they follow those of prefix i - 1 in @sorted, from @j. */
#define NEXT_RUN(i, j) \
  G_STMT_START { \
    g_ptr_array_set_size (run, 0); \
    for (; (j) < n_orig && (sorted[j] >> ORIG_IDX_BITS) == (guint64) prefix_key (&tb->prefixes[i]); (j)++) \
      g_ptr_array_add (run, topo->prefixes->pdata[sorted[j] & ((1u << ORIG_IDX_BITS) - 1)]); \
  } G_STMT_END

  if (!options->group_prefixes)
    for (guint i = 0; i < tb->n_prefixes; i++) /* each prefix on its own */
      cls[i] = n_ids++;
  else
    {
      g_autoptr(GHashTable) sig_ids = g_hash_table_new_full (sig_hash, sig_equal, g_free, NULL);
      g_autoptr(GArray) words = g_array_new (FALSE, FALSE, sizeof (guint32));
      guint j = 0;
      for (guint i = 0; i < tb->n_prefixes; i++)
        {
          gpointer v;
          NEXT_RUN (i, j);
          origin_signature (words, net, (RwOrigination **) run->pdata, run->len);
          v = g_hash_table_lookup (sig_ids, words->data);
          if (v == NULL)
            {
              v = GUINT_TO_POINTER (++n_ids);
              g_hash_table_insert (sig_ids, g_memdup2 (words->data, words->len * sizeof (guint32)), v);
            }
          cls[i] = GPOINTER_TO_UINT (v) - 1;
        }
      /* each prefix match splits the classes of the prefixes it accepts from the rest */
      g_array_set_size (mark, n_ids);
      g_array_set_size (split_to, n_ids);
      for (guint m = 0; m < matchers->len; m++)
        {
          const RwPrefixMatch *pm = &g_array_index (matchers, RwPrefixMatch, m);
          guint32 lo = pm->prefix.addr & rw_prefix_mask (pm->prefix.len);
          guint32 hi = lo | ~rw_prefix_mask (pm->prefix.len);
          for (guint i = lower_bound (tb, (gint64) lo << 8); i < tb->n_prefixes && tb->prefixes[i].addr <= hi; i++)
            if (rw_prefix_match_accepts (pm, &tb->prefixes[i]))
              {
                guint c = cls[i];
                if (g_array_index (mark, guint, c) != m + 1)
                  {
                    guint zero = 0;
                    g_array_index (mark, guint, c) = m + 1;
                    g_array_index (split_to, guint, c) = n_ids++;
                    g_array_append_val (mark, zero);
                    g_array_append_val (split_to, zero);
                  }
                cls[i] = g_array_index (split_to, guint, c);
              }
        }
    }

  /* number the classes by their first prefix, which represents them */
  renumber = g_new (guint, n_ids + 1);
  for (guint c = 0; c < n_ids; c++)
    renumber[c] = G_MAXUINT;
  if (tb->class_blocks)
    seen_in = g_new0 (guint, n_ids + 1);
  {
    guint j = 0;
    for (guint i = 0; i < tb->n_prefixes; i++)
      {
        guint c = cls[i];
        NEXT_RUN (i, j);
        if (renumber[c] == G_MAXUINT)
          {
            GPtrArray *origins = g_ptr_array_sized_new (run->len);
            guint zero = 0;
            for (guint k = 0; k < run->len; k++)
              g_ptr_array_add (origins, run->pdata[k]);
            renumber[c] = tb->class_first->len;
            g_array_append_val (tb->class_first, i);
            g_array_append_val (tb->class_size, zero);
            g_ptr_array_add (tb->class_origins, origins);
            if (tb->class_blocks)
              g_ptr_array_add (tb->class_blocks, g_array_new (FALSE, FALSE, sizeof (guint)));
          }
        tb->prefix_class[i] = renumber[c];
        g_array_index (tb->class_size, guint, renumber[c])++;
        if (seen_in && seen_in[c] != (i >> BLOCK_BITS) + 1)
          {
            seen_in[c] = (i >> BLOCK_BITS) + 1;
            blocks_add (tb->class_blocks->pdata[renumber[c]], i);
          }
      }
  }
#undef NEXT_RUN
  tb->n_provisional = n_classes (tb);
  return tb;
}

/* Whether @big holds every match of @small, and at most 32 more; the extra ones go to @extra. */
static gboolean
matchers_extend (GArray *small, GArray *big, GArray *extra)
{
  guint i = 0;
  for (guint j = 0; j < big->len; j++)
    {
      const RwPrefixMatch *b = &g_array_index (big, RwPrefixMatch, j);
      if (i < small->len && matcher_cmp (&g_array_index (small, RwPrefixMatch, i), b) == 0)
        i++;
      else
        g_array_append_val (extra, *b);
    }
  return i == small->len && extra->len <= 32;
}

/* Where a split's new matches may answer: a run of prefixes and which new matches accept each. */
typedef struct {
  guint lo, hi;             /* prefixes [lo, hi) */
  guint32 *bits;            /* bits[i - lo] */
} Region;

/* Which of the new matches accept prefix @i (none outside the regions). */
static guint32
region_bits (const Region *regions, guint n_regions, guint i)
{
  for (guint k = 0; k < n_regions; k++)
    if (i >= regions[k].lo && i < regions[k].hi)
      return regions[k].bits[i - regions[k].lo];
  return 0;
}

/* The prefixes the new matches accept, as disjoint sorted regions, each from the first to the
 * last prefix accepted in it; @bits is their answers' storage. Returns how many regions. */
static guint
split_regions (const RwPrefixTable *tb, GArray *extra, Region *regions, guint32 **bits)
{
  g_autofree guint *cover = g_new (guint, 2 * extra->len + 1);
  guint n_regions = 0, total = 0, kept = 0;

  /* what each match covers by address, the overlapping ones merged */
  for (guint m = 0; m < extra->len; m++)
    {
      const RwPrefixMatch *pm = &g_array_index (extra, RwPrefixMatch, m);
      guint32 first = pm->prefix.addr & rw_prefix_mask (pm->prefix.len);
      guint32 last = first | ~rw_prefix_mask (pm->prefix.len);
      guint i = lower_bound (tb, (gint64) first << 8), j = i, k;
      while (j < tb->n_prefixes && tb->prefixes[j].addr <= last)
        j++;
      cover[2 * m] = i;
      cover[2 * m + 1] = j;
      if (i == j)
        continue;
      for (k = n_regions; k > 0 && regions[k - 1].lo > i; k--)
        regions[k] = regions[k - 1];
      regions[k] = (Region) { i, j, NULL };
      n_regions++;
    }
  for (guint k = 0; k < n_regions; k++)
    if (kept > 0 && regions[k].lo < regions[kept - 1].hi)
      regions[kept - 1].hi = MAX (regions[kept - 1].hi, regions[k].hi);
    else
      regions[kept++] = regions[k];
  n_regions = kept;

  for (guint k = 0; k < n_regions; k++)
    total += regions[k].hi - regions[k].lo;
  *bits = g_new0 (guint32, total + 1);
  total = 0;
  for (guint k = 0; k < n_regions; k++)
    {
      regions[k].bits = *bits + total;
      total += regions[k].hi - regions[k].lo;
    }
  for (guint m = 0; m < extra->len; m++)
    {
      guint k = 0;
      if (cover[2 * m] == cover[2 * m + 1])
        continue;
      while (regions[k].hi <= cover[2 * m])
        k++;
      for (guint i = cover[2 * m]; i < cover[2 * m + 1]; i++)
        if (rw_prefix_match_accepts (&g_array_index (extra, RwPrefixMatch, m), &tb->prefixes[i]))
          regions[k].bits[i - regions[k].lo] |= 1u << m;
    }

  /* only the prefixes from the first to the last accepted */
  kept = 0;
  for (guint k = 0; k < n_regions; k++)
    {
      Region r = regions[k];
      while (r.lo < r.hi && r.bits[0] == 0)
        r.lo++, r.bits++;
      while (r.hi > r.lo && r.bits[r.hi - 1 - r.lo] == 0)
        r.hi--;
      if (r.lo < r.hi)
        regions[kept++] = r;
    }
  return kept;
}

/* A class of a split table before it is numbered. */
typedef struct {
  guint first, size;
  guint from;               /* the parent's class */
  GArray *blocks;
  gint fresh;               /* which new class it is; -1: what stays of class @from */
} ChildClass;

static gint
child_class_cmp (gconstpointer a, gconstpointer b)
{
  guint x = ((const ChildClass *) a)->first, y = ((const ChildClass *) b)->first;
  return (x > y) - (x < y);
}

static void
segment_add (GArray *segments, guint lo, guint hi, const guint *cls, guint *box)
{
  Segment s = { lo, hi, cls, g_atomic_rc_box_acquire (box) };
  g_array_append_val (segments, s);
}

static gint
segment_cmp (gconstpointer a, gconstpointer b)
{
  guint x = ((const Segment *) a)->lo, y = ((const Segment *) b)->lo;
  return (x > y) - (x < y);
}

/* A change scoped to a prefix adds a match for it: split @parent's classes by the answers of the
 * new matches instead of classifying every prefix again. Only the prefixes a new match accepts
 * can change class; the new table records their provisional classes in segments over its root's
 * per-prefix classes, and maps provisional classes to its own. Its cost follows the prefixes the
 * new matches cover and the number of classes, never the number of prefixes. The classes come
 * out as a full classification would give them: numbered by their first prefix, which
 * represents them. */
static RwPrefixTable *
prefix_table_split (RwPrefixTable *parent, GArray *matchers, GArray *extra)
{
  RwPrefixTable *root = parent->root != NULL ? parent->root : parent;
  RwPrefixTable *tb = g_new0 (RwPrefixTable, 1);
  guint n = parent->n_prefixes, n_parent = n_classes (parent), n_prov = parent->n_provisional;
  g_autofree Region *regions = g_new0 (Region, extra->len + 1);
  g_autofree guint32 *bits = NULL;
  g_autofree guint *moved = g_new0 (guint, n_parent + 1);  /* per parent class: prefixes moved out */
  g_autofree guint *stays = g_new (guint, n_parent + 1);   /* per parent class: the class of the rest */
  g_autofree guint *fresh_class = NULL;
  g_autoptr(GHashTable) fresh_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) fresh = g_array_new (FALSE, FALSE, sizeof (ChildClass));
  g_autoptr(GArray) classes = g_array_new (FALSE, FALSE, sizeof (ChildClass));
  guint n_regions, total = 0, o = 0;
  guint *box;

  tb->ref = 1;
  tb->serial = (gsize) g_atomic_pointer_add (&table_serial, 1) + 1;
  tb->source = g_ptr_array_ref (parent->source);
  tb->source_share = parent->source_share;
  g_atomic_int_inc (tb->source_share);
  tb->matchers = g_array_ref (matchers);
  tb->grouped = parent->grouped;
  tb->root = root;
  g_atomic_int_inc (&root->ref);
  tb->n_prefixes = n;
  tb->prefixes = root->prefixes;
  tb->bucket = root->bucket;
  tb->lengths = root->lengths;
  tb->parent_serial = parent->serial;

  n_regions = split_regions (tb, extra, regions, &bits);
  for (guint k = 0; k < n_regions; k++)
    total += regions[k].hi - regions[k].lo;

  /* (parent class, answers) -> a new provisional class, after the parent's */
  box = g_atomic_rc_box_alloc (sizeof (guint) * (total + 1));
  for (guint k = 0; k < n_regions; k++)
    for (guint i = regions[k].lo; i < regions[k].hi; i++)
      {
        guint32 b = regions[k].bits[i - regions[k].lo];
        guint p = provisional_class (parent, i), c;
        gint64 key;
        gpointer v;
        ChildClass *cc;
        if (b == 0)
          {
            box[o++] = p;
            continue;
          }
        c = class_of_provisional (parent, p);
        key = (gint64) (((guint64) b << 32) | c);
        v = g_hash_table_lookup (fresh_ids, &key);
        if (v == NULL)
          {
            ChildClass one = { i, 0, c, g_array_new (FALSE, FALSE, sizeof (guint)), (gint) fresh->len };
            g_array_append_val (fresh, one);
            v = GUINT_TO_POINTER (fresh->len);
            g_hash_table_insert (fresh_ids, g_memdup2 (&key, sizeof key), v);
          }
        cc = &g_array_index (fresh, ChildClass, GPOINTER_TO_UINT (v) - 1);
        cc->size++;
        blocks_add (cc->blocks, i);
        moved[c]++;
        box[o++] = n_prov + (guint) cc->fresh;
      }

  /* what stays of each parent class keeps its first prefix, unless that one moved */
  for (guint c = 0; c < n_parent; c++)
    {
      ChildClass one = { g_array_index (parent->class_first, guint, c), g_array_index (parent->class_size, guint, c) - moved[c],
                         c, parent->class_blocks->pdata[c], -1 };
      stays[c] = G_MAXUINT;
      if (one.size == 0)
        continue;
      while (region_bits (regions, n_regions, one.first) != 0)
        one.first = next_in_class (parent, c, one.first + 1);
      g_assert (one.first < n);
      g_array_append_val (classes, one);
    }
  g_array_append_vals (classes, fresh->data, fresh->len);
  g_array_sort (classes, child_class_cmp);

  /* number the classes by their first prefix, as a full classification does */
  tb->class_first = g_array_sized_new (FALSE, FALSE, sizeof (guint), classes->len);
  tb->class_size = g_array_sized_new (FALSE, FALSE, sizeof (guint), classes->len);
  tb->class_origins = g_ptr_array_new_full (classes->len, (GDestroyNotify) g_ptr_array_unref);
  tb->class_blocks = g_ptr_array_new_full (classes->len, (GDestroyNotify) g_array_unref);
  tb->parent_class = g_new (guint, classes->len + 1);
  fresh_class = g_new (guint, fresh->len + 1);
  for (guint x = 0; x < classes->len; x++)
    {
      const ChildClass *cc = &g_array_index (classes, ChildClass, x);
      g_array_append_val (tb->class_first, cc->first);
      g_array_append_val (tb->class_size, cc->size);
      g_ptr_array_add (tb->class_origins, g_ptr_array_ref (parent->class_origins->pdata[cc->from]));
      /* a new class's blocks pass to the table; what stays shares its parent's */
      g_ptr_array_add (tb->class_blocks, cc->fresh < 0 ? g_array_ref (cc->blocks) : cc->blocks);
      tb->parent_class[x] = cc->from;
      if (cc->fresh < 0)
        stays[cc->from] = x;
      else
        fresh_class[cc->fresh] = x;
    }
  tb->n_provisional = n_prov + fresh->len;
  tb->renumber = g_new (guint, tb->n_provisional + 1);
  for (guint p = 0; p < n_prov; p++)
    {
      guint c = class_of_provisional (parent, p);
      tb->renumber[p] = c == G_MAXUINT ? G_MAXUINT : stays[c];
    }
  for (guint k = 0; k < fresh->len; k++)
    tb->renumber[n_prov + k] = fresh_class[k];

  /* the parent's segments around the new regions, then the new regions */
  tb->segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  for (guint s = 0; parent->segments && s < parent->segments->len; s++)
    {
      const Segment *old = &g_array_index (parent->segments, Segment, s);
      guint cur = old->lo;
      for (guint k = 0; k < n_regions && cur < old->hi; k++)
        {
          if (regions[k].hi <= cur || regions[k].lo >= old->hi)
            continue;
          if (regions[k].lo > cur)
            segment_add (tb->segments, cur, regions[k].lo, old->cls + (cur - old->lo), old->box);
          cur = regions[k].hi;
        }
      if (cur < old->hi)
        segment_add (tb->segments, cur, old->hi, old->cls + (cur - old->lo), old->box);
    }
  o = 0;
  for (guint k = 0; k < n_regions; k++)
    {
      segment_add (tb->segments, regions[k].lo, regions[k].hi, box + o, box);
      o += regions[k].hi - regions[k].lo;
    }
  g_array_sort (tb->segments, segment_cmp);
  g_atomic_rc_box_release (box);
  return tb;
}

/* The class of @from that @to's class @c holds the prefixes of (the same class, or the one it was
 * split from); -1 when the tables are not related that way. */
static gint
class_in (const RwPrefixTable *to, guint c, const RwPrefixTable *from)
{
  if (to == from)
    return (gint) c;
  if (to->parent_serial == from->serial)
    return (gint) to->parent_class[c];
  return -1;
}

static void
ribs_release (RwBgpClass *cls, guint n_nodes)
{
  if (cls->ribs_share != NULL && !g_atomic_int_dec_and_test (cls->ribs_share))
    return;
  for (guint u = 0; cls->ribs && u < n_nodes; u++)
    g_ptr_array_unref (cls->ribs[u].routes);
  g_free (cls->ribs);
  g_free (cls->ribs_share);
}

/* Whether two solutions of a class hold the same routes at every node, in the same order, with
 * the same best and the same deciding step (the IGP cost to the next hop too, which the
 * solver's own comparison leaves out as it is fixed within one network). */
static gboolean
same_ribs (const RwRib *a, const RwRib *b, guint n_nodes)
{
  for (guint u = 0; u < n_nodes; u++)
    {
      if (a[u].best != b[u].best || a[u].decided_by != b[u].decided_by || a[u].routes->len != b[u].routes->len)
        return FALSE;
      for (guint i = 0; i < a[u].routes->len; i++)
        {
          const RwRoute *x = a[u].routes->pdata[i], *y = b[u].routes->pdata[i];
          if (!rw_route_equal (x, y) || x->igp_cost != y->igp_cost)
            return FALSE;
        }
    }
  return TRUE;
}

/* After solving @cls: when @like's corresponding class came out the same, hold its ribs instead
 * (the new ones are freed at once, so their memory serves the next class). */
static void
share_ribs (RwBgpClass *cls, const RwBgpResult *like, gint like_class, guint n_nodes)
{
  RwBgpClass *old;
  if (like_class < 0 || like->net->n_nodes != n_nodes)
    return;
  old = like->classes->pdata[like_class];
  if (old->ribs == NULL || !same_ribs (old->ribs, cls->ribs, n_nodes))
    return;
  ribs_release (cls, n_nodes);
  cls->ribs = old->ribs;
  cls->ribs_share = old->ribs_share;
  g_atomic_int_inc (cls->ribs_share);
}

RwBgpResult *
rw_bgp_solve_like (const RwNet *net, const RwBgpOptions *options, const RwBgpResult *like)
{
  RwBgpOptions defaults = { TRUE, 0 };
  const RwTopology *topo = net->topo;
  RwBgpResult *res = g_new0 (RwBgpResult, 1);
  g_autoptr(GArray) matchers = NULL;
  RwPrefixTable *tb;
  guint max_rounds;

  if (options == NULL)
    options = &defaults;
  max_rounds = options->max_rounds ? options->max_rounds : MAX (100, 8 * net->n_nodes);
  res->net = net;
  res->classes = g_ptr_array_new ();
  res->unstable = g_array_new (FALSE, FALSE, sizeof (guint));
  res->converged = TRUE;

  matchers = collect_matchers (topo);
  if (like != NULL && like->table->source == topo->prefixes && like->table->grouped == !!options->group_prefixes &&
      same_matchers (like->table->matchers, matchers))
    {
      tb = like->table;
      g_atomic_int_inc (&tb->ref);
    }
  else
    {
      g_autoptr(GArray) extra = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
      if (like != NULL && like->table->source == topo->prefixes && like->table->grouped == !!options->group_prefixes &&
          options->group_prefixes && matchers_extend (like->table->matchers, matchers, extra))
        tb = prefix_table_split (like->table, matchers, extra);
      else
        tb = prefix_table_new (net, options, matchers);
    }
  res->table = tb;
  res->n_prefixes = tb->n_prefixes;
  res->prefixes = tb->prefixes;

  for (guint c = 0; c < n_classes (tb); c++)
    {
      RwBgpClass *cls = g_new0 (RwBgpClass, 1);
      guint first = g_array_index (tb->class_first, guint, c);
      cls->repr = tb->prefixes[first];
      cls->n_prefixes = g_array_index (tb->class_size, guint, c);
      g_ptr_array_add (res->classes, cls);
      solve_class (net, topo, cls, tb->class_origins->pdata[c], max_rounds);
      cls->ribs_share = g_new (gint, 1);
      *cls->ribs_share = 1;
      if (like != NULL)
        share_ribs (cls, like, class_in (tb, c, like->table), net->n_nodes);
      res->iterations = MAX (res->iterations, cls->rounds);
      if (!cls->converged)
        {
          res->converged = FALSE;
          g_array_append_val (res->unstable, first);
        }
    }
  return res;
}

RwBgpResult *
rw_bgp_solve (const RwNet *net, const RwBgpOptions *options)
{
  return rw_bgp_solve_like (net, options, NULL);
}

gboolean
rw_bgp_same_table (const RwBgpResult *a, const RwBgpResult *b)
{
  return a != NULL && b != NULL && a->table == b->table;
}

gboolean
rw_bgp_class_pairs (const RwBgpResult *before, const RwBgpResult *after, GArray *pairs)
{
  const RwPrefixTable *tb = before->table, *ta = after->table;
  /* the finer table's classes, each with the one it holds the prefixes of in the other */
  gboolean after_finer = ta == tb || ta->parent_serial == tb->serial;
  const RwPrefixTable *fine = after_finer ? ta : tb, *coarse = after_finer ? tb : ta;
  g_array_set_size (pairs, 0);
  if (!after_finer && tb->parent_serial != ta->serial)
    return FALSE;
  for (guint c = 0; c < n_classes (fine); c++)
    {
      guint other = (guint) class_in (fine, c, coarse);
      guint pair[2] = { after_finer ? other : c, after_finer ? c : other };
      g_array_append_val (pairs, pair);
    }
  return TRUE;
}

void
rw_bgp_result_free (RwBgpResult *res)
{
  if (res == NULL)
    return;
  for (guint c = 0; c < res->classes->len; c++)
    {
      RwBgpClass *cls = res->classes->pdata[c];
      ribs_release (cls, res->net->n_nodes);
      g_free (cls);
    }
  g_ptr_array_unref (res->classes);
  prefix_table_unref (res->table);
  g_array_unref (res->unstable);
  g_free (res);
}

gint
rw_bgp_prefix_index (const RwBgpResult *res, const RwPrefix *p)
{
  return prefix_table_index (res->table, p);
}

guint
rw_bgp_prefix_class (const RwBgpResult *res, guint prefix_index)
{
  return table_class (res->table, prefix_index);
}

const RwRib *
rw_bgp_rib (const RwBgpResult *res, guint prefix_index, guint node)
{
  const RwBgpClass *cls = res->classes->pdata[table_class (res->table, prefix_index)];
  return &cls->ribs[node];
}

const RwRoute *
rw_bgp_best (const RwBgpResult *res, guint prefix_index, guint node)
{
  const RwRib *rib = rw_bgp_rib (res, prefix_index, node);
  return rib->best >= 0 ? rib->routes->pdata[rib->best] : NULL;
}

guint
rw_bgp_covering (const RwBgpResult *res, const RwPrefix *dst, gint *out)
{
  guint n = 0;
  for (gint len = dst->len; len >= 0; len--)
    if (res->table->lengths & (G_GUINT64_CONSTANT (1) << len))
      {
        RwPrefix q = { dst->addr & rw_prefix_mask ((guint8) len), (guint8) len };
        gint idx = prefix_table_index (res->table, &q);
        if (idx >= 0)
          out[n++] = idx;
      }
  return n;
}

gint
rw_bgp_lookup (const RwBgpResult *res, guint node, const RwPrefix *dst)
{
  gint cover[33];
  guint n = rw_bgp_covering (res, dst, cover);
  for (guint i = 0; i < n; i++)
    if (rw_bgp_best (res, (guint) cover[i], node) != NULL)
      return cover[i];
  return -1;
}

/* Is the assignment "node u takes its best route from from[u]" (-1 originated, -2 none) a
 * stable state for prefixes like @repr? Routes are rebuilt along the chosen edges, then every
 * node must pick exactly its assigned route from what its neighbours' choices offer. */
gboolean
rw_bgp_is_stable (const RwNet *net, const RwPrefix *repr, const gint *from, char **why)
{
  guint n = net->n_nodes;
  ClassSolve cs = { net, repr };
  g_autofree RwRoute **chosen = g_new0 (RwRoute *, n);
  g_autofree gboolean *done = g_new0 (gboolean, n);
  g_autofree RwRoute **cands = g_new (RwRoute *, net->n_adjs + 2);
  gboolean ok = TRUE, progress = TRUE;
  GPtrArray *local = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_route_free);

  cs.local = g_new0 (RwRoute *, n);
  for (guint i = 0; i < net->topo->prefixes->len; i++)
    {
      const RwOrigination *o = net->topo->prefixes->pdata[i];
      gint node = rw_net_node (net, o->origin_node);
      if (rw_prefix_equal (&o->prefix, repr) && cs.local[node] == NULL)
        {
          cs.local[node] = originate (net, (guint) node, o);
          g_ptr_array_add (local, cs.local[node]);
        }
    }
  /* rebuild the chosen routes, parents first */
  for (guint u = 0; u < n; u++)
    if (from[u] == -2 || (from[u] == -1 && cs.local[u]))
      {
        chosen[u] = from[u] == -1 ? rw_route_copy (cs.local[u]) : NULL;
        done[u] = TRUE;
      }
  while (progress)
    {
      progress = FALSE;
      for (guint u = 0; u < n; u++)
        {
          gint v = from[u];
          gint a;
          if (done[u] || v < 0 || !done[v])
            continue;
          a = rw_net_find_adj (net, (guint) v, u);
          done[u] = TRUE;
          progress = TRUE;
          if (a < 0 || chosen[v] == NULL)
            continue;
          chosen[u] = import_route (&cs, &net->adjs[net->adjs[a].reverse], export_route (&cs, (guint) v, &net->adjs[a], chosen[v]));
        }
    }
  for (guint u = 0; u < n && ok; u++)
    {
      guint nc = 0;
      gint pick = -1;
      if (!done[u] || (from[u] >= -1 && chosen[u] == NULL))
        {
          ok = FALSE;
          if (why)
            *why = g_strdup_printf ("%s: the assigned route cannot be built", net->nodes[u]->id);
          break;
        }
      if (cs.local[u])
        cands[nc++] = cs.local[u];
      for (guint a = net->adj_first[u]; a < net->adj_first[u + 1]; a++)
        {
          guint v = net->adjs[a].peer;
          RwRoute *in = chosen[v] ? import_route (&cs, &net->adjs[a], export_route (&cs, v, &net->adjs[net->adjs[a].reverse], chosen[v])) : NULL;
          if (in)
            cands[nc++] = in;
        }
      if (nc > 0)
        pick = cands[rw_bgp_decide (net, u, cands, nc, NULL)]->from;
      else
        pick = -2;
      if (pick != from[u])
        {
          ok = FALSE;
          if (why)
            *why = g_strdup_printf ("%s would pick %s instead", net->nodes[u]->id,
                                    pick >= 0 ? net->nodes[pick]->id : pick == -1 ? "its own route" : "nothing");
        }
      for (guint i = cs.local[u] ? 1 : 0; i < nc; i++)
        rw_route_free (cands[i]);
    }
  for (guint u = 0; u < n; u++)
    rw_route_free (chosen[u]);
  g_ptr_array_unref (local);
  g_free (cs.local);
  return ok;
}

/* ---- the route space ---- */

static void
space_route_free (RwSpaceRoute *sr)
{
  rw_route_free (sr->route);
  g_array_unref (sr->parents);
  g_free (sr);
}

void
rw_route_space_free (RwRouteSpace *space)
{
  if (space == NULL)
    return;
  for (guint u = 0; u < space->n_nodes; u++)
    g_ptr_array_unref (space->routes[u]);
  g_free (space->routes);
  g_free (space);
}

/* Adds @r (taken) to @u's routes with @parent (-1: originated); the index of the new route, or
 * -1 when an equal route was there already (the parent is then added to it). */
static gint
space_add (RwRouteSpace *space, guint u, RwRoute *r, gint parent)
{
  GPtrArray *at = space->routes[u];
  RwSpaceRoute *sr;
  guint p = (guint) parent;
  for (guint i = 0; i < at->len; i++)
    {
      RwSpaceRoute *old = at->pdata[i];
      if (old->adj != r->adj || !rw_route_equal (old->route, r))
        continue;
      rw_route_free (r);
      if (parent >= 0)
        {
          guint k = 0;
          while (k < old->parents->len && g_array_index (old->parents, guint, k) != p)
            k++;
          if (k == old->parents->len)
            g_array_append_val (old->parents, p);
        }
      return -1;
    }
  sr = g_new0 (RwSpaceRoute, 1);
  sr->route = r;
  sr->adj = r->adj;
  sr->parents = g_array_new (FALSE, FALSE, sizeof (guint));
  if (parent >= 0)
    g_array_append_val (sr->parents, p);
  g_ptr_array_add (at, sr);
  space->total++;
  return (gint) at->len - 1;
}

RwRouteSpace *
rw_bgp_route_space (const RwNet *net, const RwPrefix *repr, guint max_routes)
{
  guint n = net->n_nodes;
  ClassSolve cs = { net, repr };
  g_autoptr(RwRouteSpace) space = g_new0 (RwRouteSpace, 1);
  g_autoptr(GArray) work = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  gboolean *has_local = g_new0 (gboolean, n);

  space->n_nodes = n;
  space->routes = g_new0 (GPtrArray *, n);
  for (guint u = 0; u < n; u++)
    space->routes[u] = g_ptr_array_new_with_free_func ((GDestroyNotify) space_route_free);
  for (guint i = 0; i < net->topo->prefixes->len; i++)
    {
      const RwOrigination *o = net->topo->prefixes->pdata[i];
      gint node;
      guint item[2];
      if (!rw_prefix_equal (&o->prefix, repr))
        continue;
      node = rw_net_node (net, o->origin_node);
      if (node < 0 || has_local[node]) /* as the solver: the first origination counts */
        continue;
      has_local[node] = TRUE;
      item[0] = (guint) node;
      item[1] = (guint) space_add (space, (guint) node, originate (net, (guint) node, o), -1);
      g_array_append_val (work, item);
    }
  g_free (has_local);
  /* Each new route is advertised once to every peer; the advertisement rules only ever lengthen
   * AS paths and cluster lists and loop prevention bounds both, so this ends. */
  for (guint w = 0; w < work->len; w++)
    {
      guint v = ((guint *) work->data)[2 * w], pi = ((guint *) work->data)[2 * w + 1];
      const RwRoute *r = ((RwSpaceRoute *) space->routes[v]->pdata[pi])->route;
      for (guint a = net->adj_first[v]; a < net->adj_first[v + 1]; a++)
        {
          const RwAdj *adj = &net->adjs[a];
          RwRoute *in = import_route (&cs, &net->adjs[adj->reverse], export_route (&cs, v, adj, r));
          gint idx;
          guint item[2];
          if (in == NULL)
            continue;
          idx = space_add (space, adj->peer, in, (gint) pi);
          if (idx < 0)
            continue;
          if (space->total > max_routes)
            return NULL;
          item[0] = adj->peer;
          item[1] = (guint) idx;
          g_array_append_val (work, item);
        }
    }
  return g_steal_pointer (&space);
}
