/* rw-synth.c — a synthetic enterprise edge of any size. Every random choice comes from one
 * GRand seeded with params->seed, so a seed names a network.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-synth.h"

static RwNode *
add_node (RwTopology *t, const char *id, RwNodeKind kind, RwNodeRole role, guint32 asn, guint32 rid, double x, double y)
{
  RwNode *n = rw_node_new (id, kind, role, asn, rid);
  n->x = x;
  n->y = y;
  g_ptr_array_add (t->nodes, n);
  return n;
}

static RwLink *
add_link (RwTopology *t, const char *a, const char *b, double cap, double lat, guint cost)
{
  g_autofree char *id = g_strdup_printf ("%s-%s", a, b);
  RwLink *l = rw_link_new (id, a, b, cap, lat);
  l->igp_cost = cost;
  g_ptr_array_add (t->links, l);
  return l;
}

static RwSession *
add_session (RwTopology *t, const char *a, const char *b)
{
  RwSession *s = rw_session_new (a, b);
  g_ptr_array_add (t->sessions, s);
  return s;
}

static RwPolicyEntry *
entry_with_prefixes (guint seq, gboolean permit, const RwPrefix *p, guint n, guint8 le)
{
  RwPolicyEntry *e = rw_policy_entry_new (seq, permit);
  e->match_prefixes = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
  for (guint i = 0; i < n; i++)
    {
      RwPrefixMatch m = { p[i], p[i].len, le, FALSE, le != p[i].len };
      g_array_append_val (e->match_prefixes, m);
    }
  return e;
}

RwTopology *
rw_synth_enterprise (const RwSynthParams *params)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (params->seed);
  RwTopology *t = rw_topology_new ("Synthetic enterprise");
  guint nr = MAX (params->routers, 3);
  guint n_rr = nr >= 8 ? 2 : 1;
  guint n_edge = MAX (2, (nr - n_rr) / 3);
  guint n_spine = nr - n_rr - n_edge;
  guint k = MAX (params->isps, 1);
  guint n_inet = 2 * k;
  g_autoptr(GPtrArray) rr = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) edge = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) spine = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) inet = g_ptr_array_new_with_free_func (g_free);
  g_autofree RwPrefix *dc = g_new (RwPrefix, MAX (n_spine, 1));
  RwPolicy *to_isp = rw_policy_new ("TO-ISP");
  RwPrefix any = { 0, 0 };
  guint32 rid = (10u << 24) | (255u << 16);

  if (n_spine == 0)
    n_spine = 1, n_edge = MAX (2, nr - n_rr - 1);

  for (guint i = 0; i < n_rr; i++)
    {
      char *id = g_strdup_printf ("RR%u", i + 1);
      add_node (t, id, RW_NODE_ROUTER, RW_ROLE_REFLECTOR, 65001, ++rid, 200 + 200 * i, 440);
      g_ptr_array_add (rr, id);
    }
  for (guint i = 0; i < n_edge; i++)
    {
      char *id = g_strdup_printf ("E%u", i + 1);
      add_node (t, id, RW_NODE_ROUTER, RW_ROLE_EDGE, 65001, ++rid, 80 + 120 * i, 320);
      g_ptr_array_add (edge, id);
    }
  for (guint i = 0; i < n_spine; i++)
    {
      char *id = g_strdup_printf ("S%u", i + 1);
      add_node (t, id, RW_NODE_ROUTER, RW_ROLE_SPINE, 65001, ++rid, 80 + 100 * i, 560);
      g_ptr_array_add (spine, id);
      dc[i].addr = (100u << 24) | (64u << 16) | (i << 8);
      dc[i].len = 24;
    }

  /* IGP: every edge and spine on every reflector, edges in a chain, spines dual-homed. */
  for (guint r = 0; r < n_rr; r++)
    {
      for (guint i = 0; i < n_edge; i++)
        add_link (t, rr->pdata[r], edge->pdata[i], 40000, 1, 10);
      for (guint i = 0; i < n_spine; i++)
        add_link (t, rr->pdata[r], spine->pdata[i], 40000, 1, 10);
    }
  for (guint i = 0; i + 1 < n_edge; i++)
    add_link (t, edge->pdata[i], edge->pdata[i + 1], 40000, 1, 10);
  for (guint i = 0; i < n_spine; i++)
    add_link (t, spine->pdata[i], edge->pdata[i % n_edge], 40000, 1, 10 + g_rand_int_range (rng, 0, 20));

  /* iBGP: reflectors meshed with each other, everyone else their client. */
  for (guint r = 0; r < n_rr; r++)
    {
      for (guint q = r + 1; q < n_rr; q++)
        add_session (t, rr->pdata[r], rr->pdata[q]);
      for (guint i = 0; i < n_edge; i++)
        add_session (t, rr->pdata[r], edge->pdata[i])->ends[0].rr_client = TRUE;
      for (guint i = 0; i < n_spine; i++)
        add_session (t, rr->pdata[r], spine->pdata[i])->ends[0].rr_client = TRUE;
    }

  /* Policies: no transit, no own prefixes back in, tag by ISP. */
  g_ptr_array_add (to_isp->entries, entry_with_prefixes (10, TRUE, dc, n_spine, 24));
  g_ptr_array_add (t->policies, to_isp);

  for (guint i = 0; i < k; i++)
    {
      g_autofree char *id = g_strdup_printf ("ISP%u", i + 1);
      g_autofree char *pname = g_strdup_printf ("FROM-%s", id);
      RwPolicy *from = rw_policy_new (pname);
      RwPolicyEntry *tag = entry_with_prefixes (20, TRUE, &any, 1, 32);
      guint32 c = (65001u << 16) | (101 + i);
      add_node (t, id, RW_NODE_EXTERNAL, RW_ROLE_ISP, 64500 + i, (198u << 24) | (18u << 16) | (i + 1), 80 + 150 * i, 180);
      g_ptr_array_add (from->entries, entry_with_prefixes (10, FALSE, dc, n_spine, 32));
      g_array_append_val (tag->community_add, c);
      g_ptr_array_add (from->entries, tag);
      g_ptr_array_add (t->policies, from);
      for (guint j = 0; j < 2; j++)
        {
          const char *e = edge->pdata[(i + j) % n_edge];
          RwSession *s;
          add_link (t, e, id, j == 0 ? 10000 : 5000, 4 + g_rand_int_range (rng, 0, 12), 10);
          s = add_session (t, e, id);
          s->ends[0].import = g_strdup (pname);
          s->ends[0].export = g_strdup ("TO-ISP");
        }
    }

  /* Internet: each node behind two or three ISPs; every third one only behind another
   * internet node, so AS paths have different lengths. */
  for (guint i = 0; i < n_inet; i++)
    {
      char *id = g_strdup_printf ("NET%u", i + 1);
      add_node (t, id, RW_NODE_EXTERNAL, RW_ROLE_INTERNET, 20000 + i, (203u << 24) | (i + 1), 60 + 90 * i, 40);
      g_ptr_array_add (inet, id);
      if (i % 3 == 2 && i > 0)
        {
          const char *up = inet->pdata[i - 1];
          add_link (t, id, up, 100000, 10, 10);
          add_session (t, id, up);
          continue;
        }
      {
        guint first = g_rand_int_range (rng, 0, (gint32) k);
        guint count = MIN (k, (guint) g_rand_int_range (rng, 2, 4));
        for (guint j = 0; j < count; j++)
          {
            g_autofree char *isp = g_strdup_printf ("ISP%u", (first + j) % k + 1);
            add_link (t, id, isp, 100000, 10 + g_rand_int_range (rng, 0, 20), 10);
            add_session (t, id, isp);
          }
      }
    }

  for (guint i = 0; i < n_spine; i++)
    {
      RwOrigination *o = rw_origination_new (&dc[i], spine->pdata[i]);
      g_ptr_array_add (t->prefixes, o);
    }
  for (guint i = 0; i < params->prefixes; i++)
    {
      RwPrefix p = { ((20u + i / 65536) << 24) | ((i % 65536) << 8), 24 };
      RwOrigination *o = rw_origination_new (&p, inet->pdata[g_rand_int_range (rng, 0, (gint32) n_inet)]);
      guint r = g_rand_int_range (rng, 0, 10);
      o->origin = r < 7 ? RW_ORIGIN_IGP : r < 9 ? RW_ORIGIN_INCOMPLETE : RW_ORIGIN_EGP;
      if (g_rand_int_range (rng, 0, 4) == 0)
        {
          o->has_med = TRUE;
          o->med = 10 * g_rand_int_range (rng, 0, 5);
        }
      g_ptr_array_add (t->prefixes, o);
    }

  g_ptr_array_add (t->sla_classes, rw_sla_class_new ("gold", 80, 0.5));
  g_ptr_array_add (t->sla_classes, rw_sla_class_new ("silver", 120, 1.0));
  g_ptr_array_add (t->sla_classes, rw_sla_class_new ("bronze", 250, 3.0));
  {
    static const char *classes[] = { "gold", "silver", "bronze" };
    guint n_out = MAX (1, params->prefixes / 50);
    for (guint i = 0; i < n_out; i++)
      {
        g_autofree char *id = g_strdup_printf ("out-%u", i + 1);
        RwOrigination *o = t->prefixes->pdata[n_spine + g_rand_int_range (rng, 0, (gint32) MAX (params->prefixes, 1))
                                              % MAX (params->prefixes, 1)];
        if (params->prefixes == 0)
          break;
        g_ptr_array_add (t->demands, rw_demand_new (id, spine->pdata[g_rand_int_range (rng, 0, (gint32) n_spine)],
                                                    &o->prefix, 5 + g_rand_int_range (rng, 0, 60),
                                                    classes[g_rand_int_range (rng, 0, 3)]));
      }
    for (guint i = 0; i < n_inet; i++)
      {
        g_autofree char *id = g_strdup_printf ("in-%u", i + 1);
        g_ptr_array_add (t->demands, rw_demand_new (id, inet->pdata[i], &dc[i % n_spine],
                                                    200 + g_rand_int_range (rng, 0, 800), classes[i % 3]));
      }
  }
  return t;
}
