/* rw-reason.c — from anomalies to hypotheses: what is wrong, where, why, and how sure.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-agent-private.h"

/* ---- reason ---- */

static const char *const hyp_kind_names[] = {
  [RW_HYP_LINK_DOWN] = "link_down",
  [RW_HYP_SESSION_FAULT] = "session_fault",
  [RW_HYP_DEGRADATION] = "degradation",
  [RW_HYP_CONGESTION] = "congestion",
  [RW_HYP_ROUTE_LEAK] = "route_leak",
};

const char *
_rw_hyp_kind_to_string (RwHypKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (hyp_kind_names), "?");
  return hyp_kind_names[kind];
}

static Hypothesis *
hyp_get (RwAgent *ag, RwHypKind kind, const char *entity, gboolean *is_new)
{
  g_autofree char *key = g_strdup_printf ("%s:%s", _rw_hyp_kind_to_string (kind), entity);
  Hypothesis *h = g_hash_table_lookup (ag->hyps, key);
  *is_new = h == NULL;
  if (h == NULL)
    {
      h = g_new0 (Hypothesis, 1);
      h->kind = kind;
      h->entity = g_strdup (entity);
      h->evidence = g_ptr_array_new_with_free_func (g_free);
      h->first_tick = ag->tick;
      h->handled_tick = SETTLE_NONE;
      h->gone_since = SETTLE_NONE;
      g_ptr_array_add (ag->hyp_order, g_strdup (key));
      g_hash_table_insert (ag->hyps, g_steal_pointer (&key), h);
    }
  return h;
}

static void
evidence (Hypothesis *h, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
evidence (Hypothesis *h, const char *fmt, ...)
{
  va_list ap;
  char *s;
  va_start (ap, fmt);
  s = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  for (guint i = 0; i < h->evidence->len; i++)
    if (g_strcmp0 (h->evidence->pdata[i], s) == 0)
      {
        g_free (s);
        return;
      }
  g_ptr_array_add (h->evidence, s);
}

gboolean
_rw_hops_contain (GArray *hops, guint dir)
{
  for (guint i = 0; hops && i < hops->len; i++)
    if (g_array_index (hops, guint, i) == dir)
      return TRUE;
  return FALSE;
}

/* How far a measured anomaly is to be believed: a reading one detector saw on one tick is a
 * spike until it persists or other detectors agree (threshold, control chart, isolation
 * forest, and @agreeing others such as the flows' SLA telemetry). 0.5 for a lone spike, +0.1
 * per further tick it lasted in a row (up to five), +0.2 per further detector; at most 1. On a
 * busy, noisy network a spike of one or two ticks then stays below T2's confidence floor: no
 * change and no page for it. */
static double
support (const RwAgent *ag, const Anomaly *a, guint agreeing)
{
  g_autofree char *key = g_strdup_printf ("%s|%s", a->metric, a->entity);
  guint first = GPOINTER_TO_UINT (g_hash_table_lookup (ag->open_anomalies, key)); /* first tick + 1 */
  guint ticks = first > 0 && ag->tick + 1 >= first ? ag->tick + 2 - first : 1;
  guint detectors = !!(a->flags & FLAG_THRESHOLD) + !!(a->flags & FLAG_EWMA) + !!(a->flags & FLAG_IFOREST) + agreeing;
  return MIN (1.0, 0.5 + 0.1 * (MIN (ticks, 5) - 1) + 0.2 * (MAX (detectors, 1) - 1));
}

/* The link direction an anomaly's entity names ("R1→ISP-A"), G_MAXUINT when none. */
static guint
dir_named (const RwNet *net, const RwTraffic *tr, const char *entity)
{
  for (guint d = 0; d < 2 * tr->n_links; d++)
    {
      g_autofree char *name = rw_traffic_dir_name (net, d);
      if (g_strcmp0 (name, entity) == 0)
        return d;
    }
  return G_MAXUINT;
}

gboolean
_rw_agent_reason (RwAgent *ag, GPtrArray *anomalies, GError **error)
{
  const RwNet *net = ag->live->net;
  const RwTopology *t = ag->live->topo;
  const RwTraffic *tr = ag->live->traffic;

  for (guint i = 0; i < anomalies->len; i++)
    {
      Anomaly *a = anomalies->pdata[i];
      Hypothesis *h = NULL;
      gboolean fresh;
      if (g_strcmp0 (a->metric, "link_state") == 0)
        {
          RwLink *l = rw_topology_find_link (t, a->entity);
          guint sessions_down = 0, sessions = 0;
          h = hyp_get (ag, RW_HYP_LINK_DOWN, a->entity, &fresh);
          for (guint s = 0; s < t->sessions->len; s++)
            {
              RwSession *sess = t->sessions->pdata[s];
              if (rw_session_is_ebgp (t, sess) &&
                  ((g_strcmp0 (sess->a, l->a) == 0 && g_strcmp0 (sess->b, l->b) == 0) ||
                   (g_strcmp0 (sess->a, l->b) == 0 && g_strcmp0 (sess->b, l->a) == 0)))
                {
                  sessions++;
                  if (!ag->prev_sess_up[s])
                    sessions_down++;
                }
            }
          evidence (h, "link %s reports down", a->entity);
          if (sessions_down)
            evidence (h, "BGP session on it down");
          /* a cut explains link and session loss together */
          h->confidence = 0.6 + 0.25 + (sessions ? 0.1 * sessions_down / sessions : 0.1);
          g_free (h->explains);
          h->explains = g_strdup_printf ("loss of %s and of the routes learned over it", a->entity);
        }
      else if (g_strcmp0 (a->metric, "session_state") == 0)
        {
          guint si = 0, flaps;
          RwSession *sess = _rw_session_for_entity (t, a->entity, &si);
          gboolean link_up;
          if (sess == NULL)
            continue;
          flaps = ag->flaps[si];
          link_up = rw_net_direct_link (net, (guint) rw_net_node (net, sess->a), (guint) rw_net_node (net, sess->b)) >= 0;
          if (!link_up)
            continue; /* explained by the cut */
          h = hyp_get (ag, RW_HYP_SESSION_FAULT, a->entity, &fresh);
          evidence (h, "session %s down with its link up (%u drop%s so far)", a->entity, flaps, flaps == 1 ? "" : "s");
          h->confidence = MIN (0.95, 0.5 + 0.12 * flaps);
          g_free (h->explains);
          h->explains = g_strdup ("route churn and traffic shifts to other exits");
        }
      else if (g_strcmp0 (a->metric, "util") == 0)
        {
          /* congestion: which direction, and why — growth of the demands on it, or paths moved
           * onto it after another failure */
          guint dir = dir_named (net, tr, a->entity);
          double grown = 0, moved = 0, total = 0;
          gboolean sla_agrees = FALSE;
          RwLink *l;
          if (dir == G_MAXUINT || a->value < 0.75)
            continue;
          l = t->links->pdata[dir / 2];
          for (guint i2 = 0; i2 < tr->demands->len; i2++)
            {
              const RwDemandResult *r = tr->demands->pdata[i2];
              if (!_rw_hops_contain (r->hops, dir))
                continue;
              total += ag->observed_mbps[i2];
              if (!_rw_hops_contain (ag->baseline_hops[i2], dir))
                moved += ag->observed_mbps[i2];
              else if (ag->observed_mbps[i2] > 1.1 * ag->baseline_mbps[i2])
                grown += ag->observed_mbps[i2] - ag->baseline_mbps[i2];
            }
          if (total <= 0)
            continue;
          h = hyp_get (ag, RW_HYP_CONGESTION, l->id, &fresh);
          evidence (h, "%s at %.0f %%", a->entity, 100 * a->value);
          g_free (h->cause);
          h->cause = g_strdup (moved > grown ? "failover" : "growth");
          if (grown > 0)
            evidence (h, "demands on it grew by %.0f Mbps since the baseline", grown);
          if (moved > 0)
            evidence (h, "%.0f Mbps moved onto it after a failure", moved);
          /* confidence: how much of the load above the baseline the cause explains, and how hot */
          /* the flows' own telemetry agreeing: demands crossing it that miss their SLA now */
          for (guint k = 0; k < anomalies->len && !sla_agrees; k++)
            {
              const Anomaly *o = anomalies->pdata[k];
              gint di = g_strcmp0 (o->metric, "sla") == 0 ? rw_traffic_find_demand (tr, o->entity) : -1;
              sla_agrees = di >= 0 && _rw_hops_contain (((const RwDemandResult *) tr->demands->pdata[di])->hops, dir);
            }
          h->confidence = support (ag, a, sla_agrees ? 1 : 0) *
                          MIN (0.97, 0.45 + 0.35 * MAX (grown, moved) / MAX (grown + moved, 1) + 0.3 * MIN (1, (a->value - 0.75) / 0.25));
          g_free (h->explains);
          h->explains = g_strdup_printf ("%s above %.0f %% and the SLA misses of the demands crossing it", a->entity,
                                         100 * ag->cfg.hot_utilisation);
        }
      else if (g_strcmp0 (a->metric, "loss") == 0)
        {
          guint dir = dir_named (net, tr, a->entity);
          RwLink *l;
          if (dir == G_MAXUINT || ag->observed_util[dir] >= 0.95)
            continue; /* loss from overload is congestion, not degradation */
          l = t->links->pdata[dir / 2];
          h = hyp_get (ag, RW_HYP_DEGRADATION, l->id, &fresh);
          evidence (h, "%s loses %.2f %% at %.0f %% load", a->entity, a->value, 100 * ag->observed_util[dir]);
          h->confidence = support (ag, a, 0) * MIN (0.95, 0.55 + 0.1 * a->value);
          g_free (h->explains);
          h->explains = g_strdup ("loss without load: a failing optic or a dirty fibre");
        }
      else if (g_str_has_prefix (a->metric, "new_route:"))
        {
          h = hyp_get (ag, RW_HYP_ROUTE_LEAK, a->entity, &fresh);
          evidence (h, "%s now originates %s, which it did not in the baseline", a->entity, a->metric + strlen ("new_route:"));
          h->confidence = MIN (0.95, 0.6 + 0.1 * h->evidence->len);
          g_free (h->explains);
          h->explains = g_strdup ("traffic pulled towards a more specific route");
        }
      if (h && fresh)
        {
          g_autoptr(JsonBuilder) b = _rw_payload_new ();
          json_builder_set_member_name (b, "hypothesis");
          json_builder_add_string_value (b, _rw_hyp_kind_to_string (h->kind));
          json_builder_set_member_name (b, "entity");
          json_builder_add_string_value (b, h->entity);
          json_builder_set_member_name (b, "confidence");
          json_builder_add_double_value (b, round (h->confidence * 100) / 100);
          _rw_add_strv (b, "evidence", h->evidence);
          json_builder_set_member_name (b, "explains");
          json_builder_add_string_value (b, h->explains ? h->explains : "");
          if (!_rw_agent_record (ag, "hypothesis", "reasoner", "DETERMINISTIC", g_steal_pointer (&b), error,
                                 "%s %s (confidence %.2f): %s", _rw_hyp_kind_to_string (h->kind), h->entity, h->confidence,
                                 h->evidence->len ? (char *) h->evidence->pdata[0] : ""))
            return FALSE;
        }
    }
  return TRUE;
}
