/* rw-topology.c — the network configuration model.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-topology.h"

#include <math.h>
#include <string.h>

static const char *kind_names[] = { "router", "external" };
static const char *role_names[] = { "edge", "reflector", "spine", "core", "isp", "internet" };

const char *
rw_node_kind_to_string (RwNodeKind kind)
{
  return kind_names[kind];
}

const char *
rw_node_role_to_string (RwNodeRole role)
{
  return role_names[role];
}

gboolean
rw_node_kind_parse (const char *text, RwNodeKind *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
rw_node_role_parse (const char *text, RwNodeRole *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_strcmp0 (text, role_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

RwNode *
rw_node_new (const char *id, RwNodeKind kind, RwNodeRole role, guint32 asn, guint32 router_id)
{
  RwNode *n = g_new0 (RwNode, 1);
  n->id = g_strdup (id);
  n->kind = kind;
  n->role = role;
  n->asn = asn;
  n->router_id = router_id;
  return n;
}

RwNode *
rw_node_copy (const RwNode *n)
{
  RwNode *c = g_memdup2 (n, sizeof *n);
  c->id = g_strdup (n->id);
  c->hostname = g_strdup (n->hostname);
  c->label = g_strdup (n->label);
  return c;
}

void
rw_node_free (RwNode *n)
{
  if (n == NULL)
    return;
  g_free (n->id);
  g_free (n->hostname);
  g_free (n->label);
  g_free (n);
}

RwLink *
rw_link_new (const char *id, const char *a, const char *b, double capacity_mbps, double latency_ms)
{
  RwLink *l = g_new0 (RwLink, 1);
  l->id = g_strdup (id);
  l->a = g_strdup (a);
  l->b = g_strdup (b);
  l->capacity_mbps = capacity_mbps;
  l->latency_ms = latency_ms;
  l->igp_cost = 10;
  l->up = TRUE;
  return l;
}

RwLink *
rw_link_copy (const RwLink *l)
{
  RwLink *c = g_memdup2 (l, sizeof *l);
  c->id = g_strdup (l->id);
  c->a = g_strdup (l->a);
  c->b = g_strdup (l->b);
  c->ends[0].ifname = g_strdup (l->ends[0].ifname);
  c->ends[1].ifname = g_strdup (l->ends[1].ifname);
  return c;
}

void
rw_link_free (RwLink *l)
{
  if (l == NULL)
    return;
  g_free (l->id);
  g_free (l->a);
  g_free (l->b);
  g_free (l->ends[0].ifname);
  g_free (l->ends[1].ifname);
  g_free (l);
}

RwSession *
rw_session_new (const char *a, const char *b)
{
  RwSession *s = g_new0 (RwSession, 1);
  s->a = g_strdup (a);
  s->b = g_strdup (b);
  s->up = TRUE;
  s->ends[0].node = g_strdup (a);
  s->ends[1].node = g_strdup (b);
  return s;
}

RwSession *
rw_session_copy (const RwSession *s)
{
  RwSession *c = g_memdup2 (s, sizeof *s);
  c->a = g_strdup (s->a);
  c->b = g_strdup (s->b);
  for (guint i = 0; i < 2; i++)
    {
      c->ends[i].node = g_strdup (s->ends[i].node);
      c->ends[i].import = g_strdup (s->ends[i].import);
      c->ends[i].export = g_strdup (s->ends[i].export);
    }
  return c;
}

void
rw_session_free (RwSession *s)
{
  if (s == NULL)
    return;
  g_free (s->a);
  g_free (s->b);
  for (guint i = 0; i < 2; i++)
    {
      g_free (s->ends[i].node);
      g_free (s->ends[i].import);
      g_free (s->ends[i].export);
    }
  g_free (s);
}

RwSessionEnd *
rw_session_end_for (RwSession *s, const char *node)
{
  for (guint i = 0; i < 2; i++)
    if (g_strcmp0 (s->ends[i].node, node) == 0)
      return &s->ends[i];
  return NULL;
}

static GArray *
u32_array_copy (const GArray *a)
{
  GArray *c = g_array_sized_new (FALSE, FALSE, sizeof (guint32), a ? a->len : 0);
  if (a != NULL)
    g_array_append_vals (c, a->data, a->len);
  return c;
}

RwPolicyEntry *
rw_policy_entry_new (guint seq, gboolean permit)
{
  RwPolicyEntry *e = g_new0 (RwPolicyEntry, 1);
  e->seq = seq;
  e->permit = permit;
  e->community_add = g_array_new (FALSE, FALSE, sizeof (guint32));
  e->community_remove = g_array_new (FALSE, FALSE, sizeof (guint32));
  return e;
}

RwPolicyEntry *
rw_policy_entry_copy (const RwPolicyEntry *e)
{
  RwPolicyEntry *c = g_memdup2 (e, sizeof *e);
  if (e->match_prefixes != NULL)
    {
      c->match_prefixes = g_array_sized_new (FALSE, FALSE, sizeof (RwPrefixMatch), e->match_prefixes->len);
      g_array_append_vals (c->match_prefixes, e->match_prefixes->data, e->match_prefixes->len);
    }
  c->community_add = u32_array_copy (e->community_add);
  c->community_remove = u32_array_copy (e->community_remove);
  return c;
}

void
rw_policy_entry_free (RwPolicyEntry *e)
{
  if (e == NULL)
    return;
  g_clear_pointer (&e->match_prefixes, g_array_unref);
  g_clear_pointer (&e->community_add, g_array_unref);
  g_clear_pointer (&e->community_remove, g_array_unref);
  g_free (e);
}

RwPolicy *
rw_policy_new (const char *name)
{
  RwPolicy *p = g_new0 (RwPolicy, 1);
  p->name = g_strdup (name);
  p->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_policy_entry_free);
  return p;
}

RwPolicy *
rw_policy_copy (const RwPolicy *p)
{
  RwPolicy *c = rw_policy_new (p->name);
  for (guint i = 0; i < p->entries->len; i++)
    g_ptr_array_add (c->entries, rw_policy_entry_copy (p->entries->pdata[i]));
  return c;
}

void
rw_policy_free (RwPolicy *p)
{
  if (p == NULL)
    return;
  g_free (p->name);
  g_ptr_array_unref (p->entries);
  g_free (p);
}

static gint
entry_seq_cmp (gconstpointer a, gconstpointer b)
{
  const RwPolicyEntry *ea = *(RwPolicyEntry * const *) a;
  const RwPolicyEntry *eb = *(RwPolicyEntry * const *) b;
  return (ea->seq > eb->seq) - (ea->seq < eb->seq);
}

void
rw_policy_sort (RwPolicy *p)
{
  g_ptr_array_sort (p->entries, entry_seq_cmp);
}

RwOrigination *
rw_origination_new (const RwPrefix *prefix, const char *origin_node)
{
  RwOrigination *o = g_new0 (RwOrigination, 1);
  o->prefix = *prefix;
  o->origin_node = g_intern_string (origin_node);
  o->origin = RW_ORIGIN_IGP;
  return o;
}

GArray *
rw_origination_communities_writable (RwOrigination *o)
{
  if (o->communities == NULL)
    o->communities = g_array_new (FALSE, FALSE, sizeof (guint32));
  return o->communities;
}

RwOrigination *
rw_origination_copy (const RwOrigination *o)
{
  RwOrigination *c = g_memdup2 (o, sizeof *o);
  c->communities = o->communities ? u32_array_copy (o->communities) : NULL;
  return c;
}

void
rw_origination_free (RwOrigination *o)
{
  if (o == NULL)
    return;
  g_clear_pointer (&o->communities, g_array_unref);
  g_free (o);
}

RwDemand *
rw_demand_new (const char *id, const char *src, const RwPrefix *dst, double mbps, const char *sla_class)
{
  RwDemand *d = g_new0 (RwDemand, 1);
  d->id = g_strdup (id);
  d->src = g_strdup (src);
  d->dst = *dst;
  d->mbps = mbps;
  d->sla_class = g_strdup (sla_class);
  return d;
}

RwDemand *
rw_demand_copy (const RwDemand *d)
{
  return rw_demand_new (d->id, d->src, &d->dst, d->mbps, d->sla_class);
}

void
rw_demand_free (RwDemand *d)
{
  if (d == NULL)
    return;
  g_free (d->id);
  g_free (d->src);
  g_free (d->sla_class);
  g_free (d);
}

RwSlaClass *
rw_sla_class_new (const char *name, double latency_ms, double loss_pct)
{
  RwSlaClass *c = g_new0 (RwSlaClass, 1);
  c->name = g_strdup (name);
  c->latency_ms = latency_ms;
  c->loss_pct = loss_pct;
  return c;
}

RwSlaClass *
rw_sla_class_copy (const RwSlaClass *c)
{
  return rw_sla_class_new (c->name, c->latency_ms, c->loss_pct);
}

void
rw_sla_class_free (RwSlaClass *c)
{
  if (c == NULL)
    return;
  g_free (c->name);
  g_free (c);
}

/* The originations and the demands are shared between copies: @share counts the topologies
 * holding @array (the array's own reference count also counts the results that borrow from
 * it, which keep it alive but never change it). */
static gint *
shared_new (void)
{
  gint *share = g_new (gint, 1);
  *share = 1;
  return share;
}

static void
shared_release (GPtrArray *array, gint *share)
{
  if (g_atomic_int_dec_and_test (share))
    g_free (share);
  g_ptr_array_unref (array);
}

static void
shared_take (GPtrArray **array, gint **share, const GPtrArray *from, gint *from_share)
{
  *array = g_ptr_array_ref ((GPtrArray *) from);
  *share = from_share;
  g_atomic_int_inc (from_share);
}

static GPtrArray *
shared_writable (GPtrArray **array, gint **share, gpointer (*copy) (gconstpointer), GDestroyNotify free_fn)
{
  if (g_atomic_int_get (*share) > 1)
    {
      GPtrArray *own = g_ptr_array_new_full ((*array)->len, free_fn);
      for (guint i = 0; i < (*array)->len; i++)
        g_ptr_array_add (own, copy ((*array)->pdata[i]));
      shared_release (*array, *share);
      *array = own;
      *share = shared_new ();
    }
  return *array;
}

/* A topology without its (shared) originations and demands yet. */
static RwTopology *
topology_alloc (const char *name)
{
  RwTopology *t = g_new0 (RwTopology, 1);
  t->name = g_strdup (name ? name : "");
  t->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_node_free);
  t->links = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_link_free);
  t->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_session_free);
  t->policies = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_policy_free);
  t->sla_classes = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_sla_class_free);
  t->import_warnings = g_ptr_array_new_with_free_func (g_free);
  return t;
}

RwTopology *
rw_topology_new (const char *name)
{
  RwTopology *t = topology_alloc (name);
  t->prefixes = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_origination_free);
  t->demands = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_demand_free);
  t->prefixes_share = shared_new ();
  t->demands_share = shared_new ();
  return t;
}

static gpointer
copy_origination (gconstpointer o)
{
  return rw_origination_copy (o);
}

static gpointer
copy_demand (gconstpointer d)
{
  return rw_demand_copy (d);
}

GPtrArray *
rw_topology_prefixes_writable (RwTopology *t)
{
  return shared_writable (&t->prefixes, &t->prefixes_share, copy_origination, (GDestroyNotify) rw_origination_free);
}

GPtrArray *
rw_topology_demands_writable (RwTopology *t)
{
  return shared_writable (&t->demands, &t->demands_share, copy_demand, (GDestroyNotify) rw_demand_free);
}

#define COPY_ARRAY(dst, src, fn) \
  for (guint i_ = 0; i_ < (src)->len; i_++) g_ptr_array_add ((dst), fn ((src)->pdata[i_]))

RwTopology *
rw_topology_copy (const RwTopology *t)
{
  RwTopology *c = topology_alloc (t->name);
  c->always_compare_med = t->always_compare_med;
  COPY_ARRAY (c->nodes, t->nodes, rw_node_copy);
  COPY_ARRAY (c->links, t->links, rw_link_copy);
  COPY_ARRAY (c->sessions, t->sessions, rw_session_copy);
  COPY_ARRAY (c->policies, t->policies, rw_policy_copy);
  shared_take (&c->prefixes, &c->prefixes_share, t->prefixes, t->prefixes_share);
  shared_take (&c->demands, &c->demands_share, t->demands, t->demands_share);
  COPY_ARRAY (c->sla_classes, t->sla_classes, rw_sla_class_copy);
  COPY_ARRAY (c->import_warnings, t->import_warnings, g_strdup);
  return c;
}

void
rw_topology_free (RwTopology *t)
{
  if (t == NULL)
    return;
  g_free (t->name);
  g_ptr_array_unref (t->nodes);
  g_ptr_array_unref (t->links);
  g_ptr_array_unref (t->sessions);
  g_ptr_array_unref (t->policies);
  shared_release (t->prefixes, t->prefixes_share);
  shared_release (t->demands, t->demands_share);
  g_ptr_array_unref (t->sla_classes);
  g_ptr_array_unref (t->import_warnings);
  g_free (t);
}

RwLinkEnd *
rw_link_end_for (RwLink *l, const char *node)
{
  if (g_strcmp0 (l->a, node) == 0)
    return &l->ends[0];
  if (g_strcmp0 (l->b, node) == 0)
    return &l->ends[1];
  return NULL;
}

guint32
rw_node_loopback (const RwNode *n)
{
  return n->loopback ? n->loopback : n->router_id;
}

RwNode *
rw_topology_find_node (const RwTopology *t, const char *id)
{
  for (guint i = 0; i < t->nodes->len; i++)
    if (g_strcmp0 (((RwNode *) t->nodes->pdata[i])->id, id) == 0)
      return t->nodes->pdata[i];
  return NULL;
}

RwLink *
rw_topology_find_link (const RwTopology *t, const char *id)
{
  for (guint i = 0; i < t->links->len; i++)
    if (g_strcmp0 (((RwLink *) t->links->pdata[i])->id, id) == 0)
      return t->links->pdata[i];
  return NULL;
}

RwSession *
rw_topology_find_session (const RwTopology *t, const char *a, const char *b)
{
  for (guint i = 0; i < t->sessions->len; i++)
    {
      RwSession *s = t->sessions->pdata[i];
      if ((g_strcmp0 (s->a, a) == 0 && g_strcmp0 (s->b, b) == 0) ||
          (g_strcmp0 (s->a, b) == 0 && g_strcmp0 (s->b, a) == 0))
        return s;
    }
  return NULL;
}

RwPolicy *
rw_topology_find_policy (const RwTopology *t, const char *name)
{
  for (guint i = 0; i < t->policies->len; i++)
    if (g_strcmp0 (((RwPolicy *) t->policies->pdata[i])->name, name) == 0)
      return t->policies->pdata[i];
  return NULL;
}

const RwDemand *
rw_topology_find_demand (const RwTopology *t, const char *id)
{
  for (guint i = 0; i < t->demands->len; i++)
    if (g_strcmp0 (((RwDemand *) t->demands->pdata[i])->id, id) == 0)
      return t->demands->pdata[i];
  return NULL;
}

RwDemand *
rw_topology_find_demand_writable (RwTopology *t, const char *id)
{
  for (guint i = 0; i < t->demands->len; i++)
    if (g_strcmp0 (((RwDemand *) t->demands->pdata[i])->id, id) == 0)
      return rw_topology_demands_writable (t)->pdata[i];
  return NULL;
}

RwSlaClass *
rw_topology_find_sla_class (const RwTopology *t, const char *name)
{
  for (guint i = 0; i < t->sla_classes->len; i++)
    if (g_strcmp0 (((RwSlaClass *) t->sla_classes->pdata[i])->name, name) == 0)
      return t->sla_classes->pdata[i];
  return NULL;
}

gboolean
rw_session_is_ebgp (const RwTopology *t, const RwSession *s)
{
  RwNode *a = rw_topology_find_node (t, s->a);
  RwNode *b = rw_topology_find_node (t, s->b);
  return a != NULL && b != NULL && a->asn != b->asn;
}

#define FAIL(...) \
  G_STMT_START { \
    g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_INVALID, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

static gboolean
valid_number (double v)
{
  return isfinite (v);
}

static gboolean validate (const RwTopology *t, gboolean originations, gboolean demands, GError **error);

gboolean
rw_topology_validate (const RwTopology *t, GError **error)
{
  return validate (t, TRUE, TRUE, error);
}

gboolean
rw_topology_validate_changed (const RwTopology *t, const RwTopology *from, GError **error)
{
  return validate (t, t->prefixes != from->prefixes, t->demands != from->demands, error);
}

static gboolean
validate (const RwTopology *t, gboolean originations, gboolean demands, GError **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) rids = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) origins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) node_ids = g_hash_table_new (g_str_hash, g_str_equal); /* a million originations, many demands */

  for (guint i = 0; i < t->nodes->len; i++)
    {
      RwNode *n = t->nodes->pdata[i];
      if (n->id == NULL || *n->id == '\0')
        FAIL ("nodes[%u].id: must not be empty", i);
      if (strchr (n->id, ':') != NULL || strchr (n->id, ' ') != NULL)
        FAIL ("nodes[%u].id: '%s' must not contain ':' or spaces", i, n->id);
      if (g_hash_table_contains (ids, n->id))
        FAIL ("nodes[%u].id: duplicate node '%s'", i, n->id);
      g_hash_table_add (ids, n->id);
      g_hash_table_add (node_ids, n->id);
      if (n->asn == 0)
        FAIL ("nodes[%u].asn: must be between 1 and 4294967295", i);
      if (n->router_id == 0)
        FAIL ("nodes[%u].router_id: 0.0.0.0 is not a router id", i);
      if (g_hash_table_contains (rids, GUINT_TO_POINTER (n->router_id)))
        {
          g_autofree char *rid = rw_ipv4_to_string (n->router_id);
          FAIL ("nodes[%u].router_id: %s is already used by another node", i, rid);
        }
      g_hash_table_add (rids, GUINT_TO_POINTER (n->router_id));
      if (n->kind == RW_NODE_ROUTER && (n->role == RW_ROLE_ISP || n->role == RW_ROLE_INTERNET))
        FAIL ("nodes[%u].role: a router of ours cannot have role '%s'", i, rw_node_role_to_string (n->role));
      if (n->kind == RW_NODE_EXTERNAL && n->role != RW_ROLE_ISP && n->role != RW_ROLE_INTERNET)
        FAIL ("nodes[%u].role: an external node must be 'isp' or 'internet', not '%s'", i, rw_node_role_to_string (n->role));
      if (!valid_number (n->x) || !valid_number (n->y) || fabs (n->x) > RW_COORDINATE_MAX || fabs (n->y) > RW_COORDINATE_MAX)
        FAIL ("nodes[%u]: x and y must be numbers between -10000000 and 10000000", i);
    }

  g_hash_table_remove_all (ids);
  for (guint i = 0; i < t->links->len; i++)
    {
      RwLink *l = t->links->pdata[i];
      if (l->id == NULL || *l->id == '\0')
        FAIL ("links[%u].id: must not be empty", i);
      if (strchr (l->id, ':') != NULL)
        FAIL ("links[%u].id: '%s' must not contain ':'", i, l->id);
      if (g_hash_table_contains (ids, l->id))
        FAIL ("links[%u].id: duplicate link '%s'", i, l->id);
      g_hash_table_add (ids, l->id);
      if (rw_topology_find_node (t, l->a) == NULL)
        FAIL ("links[%u].a: unknown node '%s'", i, l->a);
      if (rw_topology_find_node (t, l->b) == NULL)
        FAIL ("links[%u].b: unknown node '%s'", i, l->b);
      if (g_strcmp0 (l->a, l->b) == 0)
        FAIL ("links[%u]: a link cannot join '%s' to itself", i, l->a);
      if (!valid_number (l->capacity_mbps) || l->capacity_mbps <= 0 || l->capacity_mbps > RW_CAPACITY_MAX_MBPS)
        FAIL ("links[%u].capacity_mbps: must be a positive number up to 1000000000 (1 Pbit/s)", i);
      if (l->capacity_mbps < RW_CAPACITY_MIN_MBPS)
        FAIL ("links[%u].capacity_mbps: must be at least 0.001 (1 kbit/s)", i);
      if (!valid_number (l->latency_ms) || l->latency_ms < 0 || l->latency_ms > RW_LATENCY_MAX_MS)
        FAIL ("links[%u].latency_ms: must be between 0 and 1000000", i);
      if (!valid_number (l->loss_pct) || l->loss_pct < 0 || l->loss_pct > 100)
        FAIL ("links[%u].loss_pct: must be between 0 and 100", i);
      if (l->igp_cost == 0 || l->igp_cost > 16777215)
        FAIL ("links[%u].igp_cost: must be between 1 and 16777215", i);
      if (l->has_cost)
        {
          RwNode *na = rw_topology_find_node (t, l->a), *nb = rw_topology_find_node (t, l->b);
          if (!valid_number (l->cost_per_gb) || l->cost_per_gb < 0 || l->cost_per_gb > RW_COST_PER_GB_MAX)
            FAIL ("links[%u].cost_per_gb: must be between 0 and 1000000", i);
          if (!valid_number (l->monthly_commit) || l->monthly_commit < 0 || l->monthly_commit > RW_MONTHLY_COMMIT_MAX)
            FAIL ("links[%u].monthly_commit: must be between 0 and 1000000000000", i);
          /* transit is billed where our network meets an ISP: one end ours, the other an ISP */
          if (!((na->kind == RW_NODE_ROUTER && nb->kind == RW_NODE_EXTERNAL && nb->role == RW_ROLE_ISP) ||
                (nb->kind == RW_NODE_ROUTER && na->kind == RW_NODE_EXTERNAL && na->role == RW_ROLE_ISP)))
            FAIL ("links[%u].cost_per_gb: link '%s' does not join one of our routers to an ISP (only such links are billed)",
                  i, l->id);
        }
    }

  for (guint i = 0; i < t->sessions->len; i++)
    {
      RwSession *s = t->sessions->pdata[i];
      RwNode *na = rw_topology_find_node (t, s->a);
      RwNode *nb = rw_topology_find_node (t, s->b);
      g_autofree char *key = NULL;
      if (na == NULL)
        FAIL ("sessions[%u].a: unknown node '%s'", i, s->a);
      if (nb == NULL)
        FAIL ("sessions[%u].b: unknown node '%s'", i, s->b);
      if (na == nb)
        FAIL ("sessions[%u]: a session cannot join '%s' to itself", i, s->a);
      key = g_strcmp0 (s->a, s->b) < 0 ? g_strconcat (s->a, "\n", s->b, NULL) : g_strconcat (s->b, "\n", s->a, NULL);
      if (g_hash_table_contains (pairs, key))
        FAIL ("sessions[%u]: a session between '%s' and '%s' already exists", i, s->a, s->b);
      g_hash_table_add (pairs, g_steal_pointer (&key));
      for (guint e = 0; e < 2; e++)
        {
          const RwSessionEnd *end = &s->ends[e];
          if (end->import != NULL && rw_topology_find_policy (t, end->import) == NULL)
            FAIL ("sessions[%u].ends.%s.import: unknown policy '%s'", i, end->node, end->import);
          if (end->export != NULL && rw_topology_find_policy (t, end->export) == NULL)
            FAIL ("sessions[%u].ends.%s.export: unknown policy '%s'", i, end->node, end->export);
          if (end->rr_client && na->asn != nb->asn)
            FAIL ("sessions[%u].ends.%s.rr_client: route reflection needs an iBGP session (both ends in one AS)", i, end->node);
        }
      if (s->ends[0].rr_client && s->ends[1].rr_client)
        FAIL ("sessions[%u]: both ends cannot be reflectors of each other", i);
    }

  g_hash_table_remove_all (ids);
  for (guint i = 0; i < t->policies->len; i++)
    {
      RwPolicy *p = t->policies->pdata[i];
      if (p->name == NULL || *p->name == '\0')
        FAIL ("policies: a policy name must not be empty");
      if (g_hash_table_contains (ids, p->name))
        FAIL ("policies.%s: duplicate policy", p->name);
      g_hash_table_add (ids, p->name);
      for (guint j = 0; j < p->entries->len; j++)
        {
          RwPolicyEntry *e = p->entries->pdata[j];
          if (j > 0 && ((RwPolicyEntry *) p->entries->pdata[j - 1])->seq == e->seq)
            FAIL ("policies.%s[%u].seq: sequence number %u is used twice", p->name, j, e->seq);
          if (e->has_set_local_pref && e->set_local_pref > G_MAXINT32)
            FAIL ("policies.%s[%u].set.local_pref: out of range", p->name, j);
          if (e->set_prepend > 32)
            FAIL ("policies.%s[%u].set.prepend: at most 32", p->name, j);
          if (e->match_prefixes != NULL)
            for (guint k = 0; k < e->match_prefixes->len; k++)
              {
                RwPrefixMatch *m = &g_array_index (e->match_prefixes, RwPrefixMatch, k);
                if (m->ge < m->prefix.len || m->le < m->ge || m->le > 32)
                  FAIL ("policies.%s[%u].match.prefixes[%u]: need len <= ge <= le <= 32", p->name, j, k);
              }
        }
    }

  for (guint i = 0; originations && i < t->prefixes->len; i++)
    {
      RwOrigination *o = t->prefixes->pdata[i];
      g_autofree char *pfx = rw_prefix_to_string (&o->prefix);
      g_autofree char *key = g_strconcat (pfx, "\n", o->origin_node, NULL);
      if (!g_hash_table_contains (node_ids, o->origin_node))
        FAIL ("prefixes[%u].origin_node: unknown node '%s'", i, o->origin_node);
      if (g_hash_table_contains (origins, key))
        FAIL ("prefixes[%u]: %s is already originated by '%s'", i, pfx, o->origin_node);
      g_hash_table_add (origins, g_steal_pointer (&key));
    }

  g_hash_table_remove_all (ids);
  for (guint i = 0; i < t->sla_classes->len; i++)
    {
      RwSlaClass *c = t->sla_classes->pdata[i];
      if (!valid_number (c->latency_ms) || c->latency_ms <= 0 || c->latency_ms > RW_LATENCY_MAX_MS)
        FAIL ("sla_classes.%s.latency_ms: must be a positive number up to 1000000", c->name);
      if (!valid_number (c->loss_pct) || c->loss_pct < 0 || c->loss_pct > 100)
        FAIL ("sla_classes.%s.loss_pct: must be between 0 and 100", c->name);
    }

  /* demand ids by open addressing over their indices: a what-if checks twenty thousand of them */
  g_autofree guint *demand_slot = NULL;
  guint demand_mask = 15;
  if (!demands)
    return TRUE;
  while (demand_mask + 1 < 2 * t->demands->len)
    demand_mask = 2 * demand_mask + 1;
  demand_slot = g_new0 (guint, demand_mask + 1);
  for (guint i = 0; i < t->demands->len; i++)
    {
      RwDemand *d = t->demands->pdata[i];
      guint h;
      if (d->id == NULL || *d->id == '\0')
        FAIL ("demands[%u].id: must not be empty", i);
      if (strchr (d->id, ':') != NULL)
        FAIL ("demands[%u].id: '%s' must not contain ':'", i, d->id);
      for (h = g_str_hash (d->id) & demand_mask; demand_slot[h] != 0; h = (h + 1) & demand_mask)
        if (strcmp (((RwDemand *) t->demands->pdata[demand_slot[h] - 1])->id, d->id) == 0)
          FAIL ("demands[%u].id: duplicate demand '%s'", i, d->id);
      demand_slot[h] = i + 1;
      if (!g_hash_table_contains (node_ids, d->src))
        FAIL ("demands[%u].src: unknown node '%s'", i, d->src);
      if (!valid_number (d->mbps) || d->mbps < 0 || d->mbps > RW_DEMAND_MAX_MBPS)
        FAIL ("demands[%u].mbps: must be between 0 and 1000000000", i);
      if (rw_topology_find_sla_class (t, d->sla_class) == NULL)
        FAIL ("demands[%u].class: unknown SLA class '%s'", i, d->sla_class);
    }
  return TRUE;
}

gboolean
rw_topology_same_links (const RwTopology *a, const RwTopology *b)
{
  if (a->links->len != b->links->len || a->nodes->len != b->nodes->len)
    return FALSE;
  for (guint i = 0; i < a->links->len; i++)
    if (g_strcmp0 (((RwLink *) a->links->pdata[i])->id, ((RwLink *) b->links->pdata[i])->id) != 0)
      return FALSE;
  return TRUE;
}
