/* rw-world.c — the incident's world: baseline and incident state of the twin, its event log.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-world.h"

#include <string.h>

gboolean
rw_world_is_ours (const RwTopology *topo, const char *id)
{
  RwNode *n = rw_topology_find_node (topo, id);
  return n && n->kind == RW_NODE_ROUTER;
}

gboolean
rw_world_session_up (const RwTwin *twin, const char *a, const char *b)
{
  gint na = rw_net_node (twin->net, a), nb = rw_net_node (twin->net, b), adj;
  if (na < 0 || nb < 0 || (adj = rw_net_find_adj (twin->net, na, nb)) < 0)
    return FALSE;
  return twin->net->adjs[adj].up;
}

/* Demands that miss their SLA, loop or are blackholed. */
static gboolean
demand_bad (const RwDemandResult *r)
{
  return r->status != RW_DEMAND_OK || !r->sla_ok;
}

/* Ids of demands bad in @after but not in @before. */
GPtrArray *
rw_world_new_violations (const RwTwin *before, const RwTwin *after)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < after->traffic->demands->len; i++)
    {
      const RwDemandResult *r = after->traffic->demands->pdata[i];
      gint j = rw_traffic_find_demand (before->traffic, r->demand->id);
      if (demand_bad (r) && (j < 0 || !demand_bad (before->traffic->demands->pdata[j])))
        g_ptr_array_add (out, g_strdup (r->demand->id));
    }
  return out;
}

RwWorld *
rw_world_new (RwTopology *topo, RwStore *store, const RwGuardConfig *guard)
{
  RwWorld *w = g_new0 (RwWorld, 1);
  w->baseline = rw_twin_new (topo);
  w->state = rw_twin_fork (w->baseline);
  w->faults = g_ptr_array_new_with_free_func (g_free);
  w->actions = g_ptr_array_new_with_free_func (g_free);
  if (guard)
    w->guard = *guard;
  else
    rw_guard_config_init (&w->guard);
  w->confidence = 0.85;
  w->decision_tag = "DETERMINISTIC";
  w->store = store;
  w->seed = 42;
  w->ticks_before = 20;
  w->ticks_after = 10;
  w->tick_s = 30;
  return w;
}

void
rw_world_free (RwWorld *w)
{
  if (w == NULL)
    return;
  rw_twin_free (w->baseline);
  rw_twin_free (w->state);
  g_ptr_array_unref (w->faults);
  g_ptr_array_unref (w->actions);
  g_free (w);
}

/* Rebuilds the state from the baseline, the faults and the actions, in that order. */
gboolean
rw_world_rebuild (RwWorld *w, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  RwTwin *next;
  for (guint i = 0; i < w->faults->len; i++)
    g_ptr_array_add (all, w->faults->pdata[i]);
  for (guint i = 0; i < w->actions->len; i++)
    g_ptr_array_add (all, w->actions->pdata[i]);
  g_ptr_array_add (all, NULL);
  next = rw_twin_fork_apply (w->baseline, (const char *const *) all->pdata, error);
  if (next == NULL)
    return FALSE;
  rw_twin_free (w->state);
  w->state = next;
  return TRUE;
}

static void
log_line_free (RwLogLine *l)
{
  g_free (l->line);
  g_free (l->kind);
  g_free (l);
}

static void
add_line (GPtrArray *log, double age, const char *kind, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
add_line (GPtrArray *log, double age, const char *kind, const char *fmt, ...)
{
  va_list ap;
  RwLogLine *l = g_new0 (RwLogLine, 1);
  va_start (ap, fmt);
  l->line = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  l->kind = g_strdup (kind);
  l->age_s = age;
  g_ptr_array_add (log, l);
}

GPtrArray *
rw_world_log (const RwWorld *w)
{
  GPtrArray *log = g_ptr_array_new_with_free_func ((GDestroyNotify) log_line_free);
  const RwTopology *topo = w->state->topo;
  double fault_age = w->ticks_after * w->tick_s;
  g_autoptr(RwDiff) d = rw_twin_diff (w->baseline, w->state);
  g_autoptr(GPtrArray) viol = rw_world_new_violations (w->baseline, w->state);

  /* sessions came up when the routers booted, long before the incident */
  for (guint s = 0; s < topo->sessions->len; s++)
    {
      const RwSession *ss = topo->sessions->pdata[s];
      if (rw_world_session_up (w->baseline, ss->a, ss->b))
        add_line (log, 86400, "bgp", "%s %%BGP-5-ADJCHANGE: neighbor %s Up", ss->a, ss->b);
    }
  for (guint l = 0; l < topo->links->len; l++)
    {
      const RwLink *now = topo->links->pdata[l];
      const RwLink *then = rw_topology_find_link (w->baseline->topo, now->id);
      if (then && then->up && !now->up)
        {
          const char *r = rw_world_is_ours (topo, now->a) ? now->a : now->b;
          add_line (log, fault_age, "link", "%s %%LINK-3-UPDOWN: Interface %s, changed state to down", r, now->id);
          add_line (log, fault_age - 1, "link", "%s %%LINEPROTO-5-UPDOWN: Line protocol on %s, changed state to down",
                    r, now->id);
        }
    }
  for (guint s = 0; s < topo->sessions->len; s++)
    {
      const RwSession *ss = topo->sessions->pdata[s];
      if (rw_world_session_up (w->baseline, ss->a, ss->b) && !rw_world_session_up (w->state, ss->a, ss->b))
        {
          const char *r = rw_world_is_ours (topo, ss->a) ? ss->a : ss->b;
          const char *peer = r == ss->a ? ss->b : ss->a;
          RwNode *pn = rw_topology_find_node (topo, peer);
          add_line (log, fault_age - 2, "bgp",
                    "%s %%BGP-5-ADJCHANGE: neighbor %s (AS%u) Down BGP Notification sent: hold time expired",
                    r, peer, pn ? pn->asn : 0);
        }
    }
  for (guint i = 0; i < d->routers_changed->len; i++)
    add_line (log, fault_age - 5, "bestpath", "%s %%BGP-6-BESTPATH: best path changed for some prefixes",
              (char *) d->routers_changed->pdata[i]);
  if (w->state->traffic->max_dir >= 0 && w->state->traffic->max_utilisation >= w->guard.hot_utilisation)
    {
      g_autofree char *dir = rw_traffic_dir_name (w->state->net, w->state->traffic->max_dir);
      add_line (log, fault_age - 30, "util", "%s %%QOS-4-UTILISATION: %s at %.0f %% of capacity",
                w->state->net->nodes[rw_traffic_dir_from (w->state->net, w->state->traffic->max_dir)]->id, dir,
                100 * w->state->traffic->max_utilisation);
    }
  for (guint i = 0; i < viol->len; i++)
    add_line (log, fault_age - 60, "sla", "probe %%SLA-4-VIOLATION: demand %s misses its SLA",
              (char *) viol->pdata[i]);
  for (guint i = 0; i < w->actions->len; i++)
    add_line (log, 1, "config", "routewise %%CONFIG-5-CHANGE: applied %s", (char *) w->actions->pdata[i]);
  return log;
}
