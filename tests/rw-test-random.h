/* rw-test-random.h — small random networks with random policies, from a seed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-test-build.h"

static inline const char *
rt_pick (GRand *r, GPtrArray *ids)
{
  return ids->pdata[g_rand_int_range (r, 0, (gint32) ids->len)];
}

/* 2-4 routers of ours (a reflector or a full mesh), 2-3 ISPs on one or two of them, 1-2
 * internet nodes behind the ISPs, 2-4 prefixes, random LOCAL_PREF/deny/prepend/MED policies,
 * demands both ways. */
static inline RwTopology *
rt_random_topology (guint32 seed)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  RwTopology *t = tb_new ();
  g_autoptr(GPtrArray) ours = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) isps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) nets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) prefixes = g_ptr_array_new_with_free_func (g_free);
  guint n_ours = g_rand_int_range (r, 2, 5), n_isp = g_rand_int_range (r, 2, 4), n_net = g_rand_int_range (r, 1, 3);
  gboolean reflector = n_ours >= 3 && g_rand_boolean (r);
  guint rid = 1;

  t->always_compare_med = g_rand_int_range (r, 0, 5) == 0;
  for (guint i = 0; i < n_ours; i++)
    {
      char *id = g_strdup_printf ("R%u", i + 1);
      /* router ids in random order so step 9 and 11 ties go every way */
      tb_node (t, id, 65001, 10 + g_rand_int_range (r, 0, 40) * 4 + i);
      g_ptr_array_add (ours, id);
    }
  for (guint i = 0; i + 1 < n_ours; i++)
    tb_link (t, ours->pdata[i], ours->pdata[i + 1], g_rand_int_range (r, 1, 21));
  if (n_ours >= 3 && g_rand_boolean (r))
    tb_link (t, ours->pdata[0], ours->pdata[n_ours - 1], g_rand_int_range (r, 1, 21));
  if (reflector)
    for (guint i = 1; i < n_ours; i++)
      tb_client (t, ours->pdata[0], ours->pdata[i]);
  else
    for (guint i = 0; i < n_ours; i++)
      for (guint j = i + 1; j < n_ours; j++)
        tb_session (t, ours->pdata[i], ours->pdata[j]);
  for (guint i = 0; i < n_isp; i++)
    {
      char *id = g_strdup_printf ("ISP%u", i + 1);
      guint first = g_rand_int_range (r, 0, (gint32) n_ours);
      tb_node (t, id, 64501 + i, 200 + rid++);
      g_ptr_array_add (isps, id);
      tb_peer (t, ours->pdata[first], id);
      if (g_rand_int_range (r, 0, 3) == 0 && n_ours > 1)
        tb_peer (t, ours->pdata[(first + 1) % n_ours], id);
    }
  for (guint i = 0; i < n_net; i++)
    {
      char *id = g_strdup_printf ("NET%u", i + 1);
      guint first = g_rand_int_range (r, 0, (gint32) n_isp);
      guint count = g_rand_int_range (r, 1, (gint32) MIN (n_isp, 3) + 1);
      tb_node (t, id, 64600 + i, 300 + rid++);
      g_ptr_array_add (nets, id);
      for (guint j = 0; j < count; j++)
        tb_peer (t, id, isps->pdata[(first + j) % n_isp]);
    }
  for (guint i = 0; i < (guint) g_rand_int_range (r, 2, 5); i++)
    {
      char *p = g_strdup_printf ("%u.%u.0.0/16", 20 + i, g_rand_int_range (r, 0, 4));
      gboolean inside = g_rand_int_range (r, 0, 3) == 0;
      RwOrigination *o = tb_originate (t, p, inside ? rt_pick (r, ours) : rt_pick (r, nets));
      o->origin = g_rand_int_range (r, 0, 4) == 0 ? RW_ORIGIN_INCOMPLETE : RW_ORIGIN_IGP;
      if (g_rand_boolean (r))
        o->has_med = TRUE, o->med = 10 * g_rand_int_range (r, 0, 4);
      if (g_rand_int_range (r, 0, 4) == 0)
        {
          guint32 c = g_rand_int_range (r, 0, 6) == 0 ? RW_COMMUNITY_NO_EXPORT : (65001u << 16) | 1;
          g_array_append_val (rw_origination_communities_writable (o), c);
        }
      /* anycast now and then */
      if (g_rand_int_range (r, 0, 5) == 0)
        {
          const char *other = inside ? rt_pick (r, nets) : rt_pick (r, ours);
          if (g_strcmp0 (other, o->origin_node) != 0)
            tb_originate (t, p, other);
        }
      g_ptr_array_add (prefixes, p);
    }
  /* policies on our eBGP sessions: LOCAL_PREF, MED, deny, prepend, community match */
  for (guint s = 0; s < t->sessions->len; s++)
    {
      RwSession *sess = t->sessions->pdata[s];
      RwNode *a = rw_topology_find_node (t, sess->a);
      RwSessionEnd *end;
      g_autofree char *in = g_strdup_printf ("in-%u", s), *out = g_strdup_printf ("out-%u", s);
      if (a->kind != RW_NODE_ROUTER || !rw_session_is_ebgp (t, sess))
        continue;
      end = rw_session_end_for (sess, sess->a);
      if (g_rand_boolean (r))
        {
          RwPolicyEntry *e = tb_entry (t, in, 10, g_rand_int_range (r, 0, 5) != 0);
          RwPrefixMatch m;
          g_assert_true (rw_prefix_parse (rt_pick (r, prefixes), &m.prefix));
          m.ge = m.le = m.prefix.len;
          m.has_ge = m.has_le = FALSE;
          e->match_prefixes = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
          g_array_append_val (e->match_prefixes, m);
          if (e->permit)
            e->has_set_local_pref = TRUE, e->set_local_pref = 50 + 50 * g_rand_int_range (r, 0, 4);
          e = tb_entry (t, in, 20, TRUE);
          if (g_rand_boolean (r))
            {
              guint32 c = (65001u << 16) | 1;
              RwPolicyEntry *tag = tb_entry (t, in, 15, TRUE);
              tag->has_match_community = TRUE;
              tag->match_community = c;
              tag->has_set_weight = TRUE;
              tag->set_weight = 10;
            }
          end->import = g_strdup (in);
        }
      if (g_rand_int_range (r, 0, 3) == 0)
        {
          RwPolicyEntry *e = tb_entry (t, out, 10, TRUE);
          if (g_rand_boolean (r))
            e->set_prepend = g_rand_int_range (r, 1, 3);
          else
            e->has_set_med = TRUE, e->set_med = 10 * g_rand_int_range (r, 1, 5);
          end->export = g_strdup (out);
        }
    }
  for (guint i = 0; i < prefixes->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("d%u", i);
      const char *src = g_rand_boolean (r) ? rt_pick (r, ours) : rt_pick (r, nets);
      tb_demand (t, id, src, prefixes->pdata[i], 100 * g_rand_int_range (r, 1, 60));
    }
  return t;
}
