/* rw-test-build.h — terse builders for small test networks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-twin.h"

static inline RwTopology *
tb_new (void)
{
  RwTopology *t = rw_topology_new ("test");
  g_ptr_array_add (t->sla_classes, rw_sla_class_new ("gold", 100, 1.0));
  return t;
}

/* Router ids are 10.0.0.RID so tests can order them on purpose. */
static inline RwNode *
tb_node (RwTopology *t, const char *id, guint32 asn, guint rid)
{
  RwNode *n = rw_node_new (id, asn == 65001 ? RW_NODE_ROUTER : RW_NODE_EXTERNAL,
                           asn == 65001 ? RW_ROLE_EDGE : RW_ROLE_ISP, asn, (10u << 24) | rid);
  g_ptr_array_add (t->nodes, n);
  return n;
}

static inline RwLink *
tb_link (RwTopology *t, const char *a, const char *b, guint cost)
{
  g_autofree char *id = g_strdup_printf ("%s-%s", a, b);
  RwLink *l = rw_link_new (id, a, b, 10000, 5);
  l->igp_cost = cost;
  g_ptr_array_add (t->links, l);
  return l;
}

static inline RwSession *
tb_session (RwTopology *t, const char *a, const char *b)
{
  RwSession *s = rw_session_new (a, b);
  g_ptr_array_add (t->sessions, s);
  return s;
}

/* eBGP: a link and a session. */
static inline RwSession *
tb_peer (RwTopology *t, const char *a, const char *b)
{
  tb_link (t, a, b, 10);
  return tb_session (t, a, b);
}

/* iBGP session where @rr reflects for @client. */
static inline RwSession *
tb_client (RwTopology *t, const char *rr, const char *client)
{
  RwSession *s = tb_session (t, rr, client);
  s->ends[0].rr_client = TRUE;
  return s;
}

static inline RwOrigination *
tb_originate (RwTopology *t, const char *prefix, const char *node)
{
  RwPrefix p;
  RwOrigination *o;
  g_assert_true (rw_prefix_parse (prefix, &p));
  o = rw_origination_new (&p, node);
  g_ptr_array_add (t->prefixes, o);
  return o;
}

static inline RwDemand *
tb_demand (RwTopology *t, const char *id, const char *src, const char *dst, double mbps)
{
  RwPrefix p;
  RwDemand *d;
  g_assert_true (rw_prefix_parse (dst, &p));
  d = rw_demand_new (id, src, &p, mbps, "gold");
  g_ptr_array_add (t->demands, d);
  return d;
}

static inline RwPolicyEntry *
tb_entry (RwTopology *t, const char *policy, guint seq, gboolean permit)
{
  RwPolicy *p = rw_topology_find_policy (t, policy);
  RwPolicyEntry *e = rw_policy_entry_new (seq, permit);
  if (p == NULL)
    {
      p = rw_policy_new (policy);
      g_ptr_array_add (t->policies, p);
    }
  g_ptr_array_add (p->entries, e);
  rw_policy_sort (p);
  return e;
}

static inline RwTwin *
tb_solve (RwTopology *t)
{
  g_autoptr(GError) error = NULL;
  if (!rw_topology_validate (t, &error))
    g_error ("test topology invalid: %s", error->message);
  return rw_twin_new (t);
}

static inline guint
tb_idx (const RwTwin *tw, const char *node)
{
  gint i = rw_net_node (tw->net, node);
  g_assert_cmpint (i, >=, 0);
  return (guint) i;
}

static inline const RwRib *
tb_rib (const RwTwin *tw, const char *node, const char *prefix)
{
  RwPrefix p;
  gint idx;
  g_assert_true (rw_prefix_parse (prefix, &p));
  idx = rw_bgp_prefix_index (tw->bgp, &p);
  g_assert_cmpint (idx, >=, 0);
  return rw_bgp_rib (tw->bgp, (guint) idx, tb_idx (tw, node));
}

static inline const RwRoute *
tb_best (const RwTwin *tw, const char *node, const char *prefix)
{
  const RwRib *rib = tb_rib (tw, node, prefix);
  return rib->best >= 0 ? rib->routes->pdata[rib->best] : NULL;
}

/* The neighbour a node's best route came from ("local" when originated there, NULL = none). */
static inline const char *
tb_best_from (const RwTwin *tw, const char *node, const char *prefix)
{
  const RwRoute *r = tb_best (tw, node, prefix);
  if (r == NULL)
    return NULL;
  return r->from < 0 ? "local" : tw->net->nodes[r->from]->id;
}

static inline const RwDemandResult *
tb_demand_result (const RwTwin *tw, const char *id)
{
  gint i = rw_traffic_find_demand (tw->traffic, id);
  g_assert_cmpint (i, >=, 0);
  return tw->traffic->demands->pdata[i];
}

static inline char *
tb_path (const RwTwin *tw, const char *demand)
{
  const RwDemandResult *r = tb_demand_result (tw, demand);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < r->path->len; i++)
    g_string_append_printf (s, "%s%s", i ? " " : "", tw->net->nodes[g_array_index (r->path, guint, i)]->id);
  return g_string_free (s, FALSE);
}
