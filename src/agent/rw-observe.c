/* rw-observe.c — the agent's senses: the scenario's faults injected into the live network (or
 * made real on a world), telemetry with the run's seeded noise, route events and syslog, and
 * the detectors that turn readings into anomalies.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-agent-private.h"

static double
gauss (GRand *r)
{
  double u1 = g_rand_double_range (r, 1e-12, 1.0), u2 = g_rand_double (r);
  return sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
}

static char *
dir_metric (const RwNet *net, const char *what, guint dir)
{
  g_autofree char *name = rw_traffic_dir_name (net, dir);
  return g_strdup_printf ("%s:%s", what, name);
}

/* ---- observe ---- */

void
rw_agent_reading_clear (RwAgentReading *r)
{
  g_clear_pointer (&r->differences, json_node_unref);
  g_clear_pointer (&r->paths, g_ptr_array_unref);
  g_clear_pointer (&r->util, g_free);
  g_clear_pointer (&r->loss_pct, g_free);
  g_clear_pointer (&r->queue_ms, g_free);
  r->best_agree = r->best_total = r->fwd_agree = r->fwd_total = 0;
}

/* The world makes the scenario's change from @was to the script real; the commands and answers
 * go into the audit chain. */
static gboolean
realise (RwAgent *ag, const RwTopology *was, GError **error)
{
  g_autoptr(JsonBuilder) b = _rw_payload_new ();
  g_autoptr(GError) local = NULL;
  gboolean ok;
  json_builder_set_member_name (b, "world");
  json_builder_add_string_value (b, ag->world->name);
  json_builder_set_member_name (b, "commands");
  json_builder_begin_array (b);
  ok = ag->world->realise (ag->world, was, ag->script, b, &local);
  json_builder_end_array (b);
  if (!ok)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: making the scenario's fault real: ", ag->world->name);
      return FALSE;
    }
  return _rw_agent_record (ag, "world", "scenario", "DETERMINISTIC", g_steal_pointer (&b), error, "the fault made real on %s",
                           ag->world->name);
}

/* On a world: the live twin becomes the configuration with what the network reports now (link
 * and session states, impairments, learnt originations) and the scenario's demands, and is
 * compared with the network. A tick whose twin disagrees is recorded with the differences. */
gboolean
_rw_agent_sync_world (RwAgent *ag, GError **error)
{
  g_autoptr(RwTopology) now = rw_topology_copy (ag->config);
  g_autoptr(GError) local = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_array_append_val (ag->real_us, t0);
  GPtrArray *demands = rw_topology_demands_writable (now);
  for (guint i = 0; i < demands->len && i < ag->script->demands->len; i++)
    ((RwDemand *) demands->pdata[i])->mbps = ((RwDemand *) ag->script->demands->pdata[i])->mbps;
  if (!ag->world->sync (ag->world, ag->script, now, &local))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: observing: ", ag->world->name);
      return FALSE;
    }
  rw_twin_free (ag->live);
  ag->live = rw_twin_new (g_steal_pointer (&now));
  rw_agent_reading_clear (&ag->reading);
  if (!ag->world->compare (ag->world, ag->live, &ag->reading, &local))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: comparing with the twin: ", ag->world->name);
      return FALSE;
    }
  ag->ticks_compared++;
  ag->best_agree += ag->reading.best_agree;
  ag->best_total += ag->reading.best_total;
  ag->fwd_agree += ag->reading.fwd_agree;
  ag->fwd_total += ag->reading.fwd_total;
  if (ag->reading.best_agree < ag->reading.best_total || ag->reading.fwd_agree < ag->reading.fwd_total)
    {
      g_autoptr(JsonBuilder) b = _rw_payload_new ();
      ag->ticks_contradicted++;
      json_builder_set_member_name (b, "best_paths");
      json_builder_add_int_value (b, ag->reading.best_total - ag->reading.best_agree);
      json_builder_set_member_name (b, "forwarding");
      json_builder_add_int_value (b, ag->reading.fwd_total - ag->reading.fwd_agree);
      json_builder_set_member_name (b, "differences");
      if (ag->reading.differences)
        json_builder_add_value (b, json_node_copy (ag->reading.differences));
      else
        json_builder_add_null_value (b);
      if (!_rw_agent_record (ag, "drift", "telemetry", "DETERMINISTIC", g_steal_pointer (&b), error,
                             "the network differs from the twin: %u of %u best paths, %u of %u demands' forwarding",
                             ag->reading.best_total - ag->reading.best_agree, ag->reading.best_total,
                             ag->reading.fwd_total - ag->reading.fwd_agree, ag->reading.fwd_total))
        return FALSE;
    }
  return TRUE;
}

/* The link between @u and @v that is up, and the direction from @u (-1 when none). */
static gint
direction_between (const RwTopology *t, const char *u, const char *v)
{
  for (guint l = 0; l < t->links->len; l++)
    {
      const RwLink *link = t->links->pdata[l];
      if (!link->up)
        continue;
      if (g_strcmp0 (link->a, u) == 0 && g_strcmp0 (link->b, v) == 0)
        return (gint) (2 * l);
      if (g_strcmp0 (link->b, u) == 0 && g_strcmp0 (link->a, v) == 0)
        return (gint) (2 * l + 1);
    }
  return -1;
}

/* Scenario faults due now (and ramps in progress) change the live network. */
gboolean
_rw_agent_inject (RwAgent *ag, GError **error)
{
  /* on a world the scenario acts on its own copy of the network, which the world then makes
   * real; the live twin learns of it only through what the agent observes */
  RwTopology *t = ag->world ? ag->script : ag->live->topo;
  g_autoptr(RwTopology) was = ag->world ? rw_topology_copy (ag->script) : NULL;
  gboolean changed = FALSE, real = FALSE; /* real: more than demands changed */
  for (guint i = 0; i < ag->events->len; i++)
    {
      const RwScenarioEvent *e = ag->events->pdata[i];
      guint span = MAX (e->over, 1);
      if (ag->tick < e->at)
        continue;
      switch (e->type)
        {
        case RW_EVENT_DEMAND_RAMP:
          if (ag->tick <= e->at + span)
            {
              RwDemand *d = rw_topology_find_demand_writable (t, e->demand);
              const RwDemand *d0 = rw_topology_find_demand (ag->sc->topology, e->demand);
              double f = MIN (1.0, (ag->tick - e->at + 1) / (double) span);
              d->mbps = d0->mbps + f * (e->to_mbps - d0->mbps);
              changed = TRUE;
            }
          break;
        case RW_EVENT_LINK_DEGRADE:
          if (ag->tick <= e->at + span)
            {
              RwLink *l = rw_topology_find_link (t, e->link);
              RwLink *l0 = rw_topology_find_link (ag->sc->topology, e->link);
              double f = MIN (1.0, (ag->tick - e->at + 1) / (double) span);
              l->loss_pct = l0->loss_pct + f * e->loss_pct;
              l->latency_ms = l0->latency_ms + f * e->latency_ms;
              changed = real = TRUE;
            }
          break;
        case RW_EVENT_ROUTER_CPU:
          if (ag->tick <= e->at + span)
            {
              gint node = rw_net_node (ag->live->net, e->node);
              double f = MIN (1.0, (ag->tick - e->at + 1) / (double) span);
              ag->cpu_extra[node] = f * e->cpu_pct;
            }
          break;
        case RW_EVENT_SESSION_FLAP:
          if (ag->tick < e->at + 2 * e->period * e->count)
            {
              RwSession *s = rw_topology_find_session (t, e->a, e->b);
              gboolean down = ((ag->tick - e->at) / e->period) % 2 == 0;
              if (s->up == down)
                {
                  /* an operator's shutdown (by the agent) stays */
                  gboolean held = FALSE;
                  for (guint k = 0; k < ag->applied->len; k++)
                    for (guint c = 0; c < ((Applied *) ag->applied->pdata[k])->changes->len; c++)
                      held |= g_str_has_prefix (((Applied *) ag->applied->pdata[k])->changes->pdata[c], "session-down:");
                  if (!held)
                    {
                      s->up = !down;
                      changed = real = TRUE;
                    }
                }
            }
          break;
        default:
          if (ag->tick != e->at)
            break;
          if (e->type == RW_EVENT_LINK_DOWN || e->type == RW_EVENT_LINK_UP)
            rw_topology_find_link (t, e->link)->up = e->type == RW_EVENT_LINK_UP;
          else if (e->type == RW_EVENT_ROUTE_LEAK)
            for (guint p = 0; p < e->prefixes->len; p++)
              g_ptr_array_add (rw_topology_prefixes_writable (t), rw_origination_new (e->prefixes->pdata[p], e->node));
          changed = real = TRUE;
          break;
        }
      if (ag->tick == e->at)
        {
          g_autoptr(JsonBuilder) b = _rw_payload_new ();
          json_builder_set_member_name (b, "event");
          json_builder_add_string_value (b, rw_event_type_to_string (e->type));
          if (ag->world)
            {
              /* demands and router CPU stay inputs of the model on a real network */
              json_builder_set_member_name (b, "on");
              json_builder_add_string_value (b, e->type == RW_EVENT_DEMAND_RAMP || e->type == RW_EVENT_ROUTER_CPU
                                                    ? "the model" : ag->world->name);
            }
          gint ft = (gint) ag->tick, undetected = -1;
          if (ag->first_fault_tick < 0)
            ag->first_fault_tick = (gint) ag->tick;
          g_array_append_val (ag->fault_ticks, ft);
          g_array_append_val (ag->detect_ticks, undetected);
          if (!_rw_agent_record (ag, "fault", "scenario", "DETERMINISTIC", g_steal_pointer (&b), error, "%s %s%s%s",
                                 rw_event_type_to_string (e->type),
                                 e->link ? e->link : e->demand ? e->demand : e->node ? e->node : e->a ? e->a : "",
                                 e->b ? "–" : "", e->b ? e->b : ""))
            return FALSE;
        }
    }
  if (ag->world)
    return !real || realise (ag, was, error);
  if (changed)
    rw_twin_resolve (ag->live);
  return TRUE;
}

/* BMP-style route events (best-route changes at our routers since the last tick), syslog
 * lines for state changes, and router CPU from the churn. Returns the audit summary or NULL. */
static char *
route_events (RwAgent *ag, guint *n_changes, GPtrArray *syslog)
{
  const RwNet *net = ag->live->net;
  const RwBgpResult *bgp = ag->live->bgp;
  const RwTopology *t = ag->live->topo;
  g_autofree guint *per_node = g_new0 (guint, net->n_nodes);
  *n_changes = 0;
  for (guint p = 0; p < bgp->n_prefixes; p++)
    {
      g_autofree char *pfx = rw_prefix_to_string (&bgp->prefixes[p]);
      for (guint u = 0; u < net->n_nodes; u++)
        {
          const RwRoute *r;
          g_autofree char *key = NULL;
          gint now, was;
          if (!rw_net_is_ours (net, u))
            continue;
          r = rw_bgp_best (bgp, p, u);
          now = r ? r->from + 2 : 0;
          key = g_strdup_printf ("%s|%s", pfx, net->nodes[u]->id);
          was = GPOINTER_TO_INT (g_hash_table_lookup (ag->prev_best, key));
          if (was != now && g_hash_table_contains (ag->prev_best, key))
            {
              per_node[u]++;
              (*n_changes)++;
            }
          g_hash_table_replace (ag->prev_best, g_steal_pointer (&key), GINT_TO_POINTER (now));
        }
    }
  for (guint u = 0; u < net->n_nodes; u++)
    if (rw_net_is_ours (net, u))
      ag->cpu[u] = MIN (100, 6 + 1.5 * per_node[u] + ag->cpu_extra[u] + fabs (ag->sc->noise * 20 * gauss (ag->rng)));
  for (guint l = 0; l < t->links->len; l++)
    {
      RwLink *link = t->links->pdata[l];
      if (link->up != ag->prev_link_state[l])
        g_ptr_array_add (syslog, g_strdup_printf ("%%LINK-3-UPDOWN: Interface %s, changed state to %s", link->id, link->up ? "up" : "down"));
      ag->prev_link_state[l] = link->up;
    }
  for (guint s = 0; s < t->sessions->len; s++)
    {
      RwSession *sess = t->sessions->pdata[s];
      gint a = rw_net_find_adj (net, (guint) rw_net_node (net, sess->a), (guint) rw_net_node (net, sess->b));
      gboolean up = a >= 0 && net->adjs[a].up;
      if (up != ag->prev_sess_up[s] && a >= 0 && rw_net_is_ours (net, net->adjs[a].node))
        g_ptr_array_add (syslog, g_strdup_printf ("%%BGP-5-ADJCHANGE: %s neighbor %s %s", sess->a, sess->b, up ? "Up" : "Down"));
    }
  return *n_changes || syslog->len ? g_strdup_printf ("%u best-route change%s%s", *n_changes, *n_changes == 1 ? "" : "s",
                                                      syslog->len ? ", state changes in syslog" : "")
                                   : NULL;
}

static void
observe_telemetry (RwAgent *ag)
{
  const RwTraffic *tr = ag->live->traffic;
  const RwTopology *t = ag->live->topo;
  double n = ag->sc->noise;
  for (guint d = 0; d < 2 * tr->n_links; d++)
    {
      const RwLinkDir *ld = &tr->dirs[d];
      RwLink *l = t->links->pdata[d / 2];
      double jitter = 1 + n * gauss (ag->rng);
      ag->observed_util[d] = l->up ? MAX (0, ld->utilisation * jitter) : 0;
      ag->observed_lat[d] = l->up ? ld->latency_ms * (1 + n * 0.5 * gauss (ag->rng)) : 0;
      ag->observed_loss[d] = l->up ? MAX (0, ld->loss_pct + n * 0.05 * fabs (gauss (ag->rng))) : 0;
    }
  for (guint i = 0; i < t->demands->len; i++)
    ag->observed_mbps[i] = ((RwDemand *) t->demands->pdata[i])->mbps * MAX (0, 1 + n * gauss (ag->rng));
  if (ag->world && ag->reading.paths)
    {
      /* on a world the loads are the demands carried along the paths the kernels forward them
       * on (real routing, modelled traffic); latency and loss stay the twin's link model with
       * the impairments the network reports */
      g_autofree double *load = g_new0 (double, 2 * tr->n_links + 1);
      for (guint i = 0; i < t->demands->len && i < ag->reading.paths->len; i++)
        {
          GPtrArray *path = ag->reading.paths->pdata[i];
          for (guint h = 0; path && h + 1 < path->len; h++)
            {
              gint d = direction_between (t, path->pdata[h], path->pdata[h + 1]);
              if (d >= 0)
                load[d] += ((RwDemand *) t->demands->pdata[i])->mbps;
            }
        }
      for (guint d = 0; d < 2 * tr->n_links; d++)
        {
          RwLink *l = t->links->pdata[d / 2];
          double jitter = 1 + n * gauss (ag->rng);
          ag->observed_util[d] = l->up && l->capacity_mbps > 0 ? MAX (0, load[d] / l->capacity_mbps * jitter) : 0;
          if (ag->reading.util)
            {
              /* real traffic: what the kernel sent and dropped, the shaper's queue; the link's
               * own latency and loss stay the model's (netem, or modelled) */
              ag->observed_util[d] = l->up ? ag->reading.util[d] : 0;
              ag->observed_loss[d] = l->up ? MIN (100, ag->reading.loss_pct[d] + l->loss_pct) : 0;
              ag->observed_lat[d] = l->up ? l->latency_ms + ag->reading.queue_ms[d] : 0;
            }
        }
    }
}

gboolean
_rw_agent_observe (RwAgent *ag, GError **error)
{
  guint n_changes = 0;
  g_autoptr(GPtrArray) syslog = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *summary = NULL;
  observe_telemetry (ag);
  summary = route_events (ag, &n_changes, syslog);
  if (summary && ag->tick > 0)
    {
      g_autoptr(JsonBuilder) b = _rw_payload_new ();
      json_builder_set_member_name (b, "route_events");
      json_builder_add_int_value (b, n_changes);
      _rw_add_strv (b, "syslog", syslog);
      if (!_rw_agent_record (ag, "observe", "telemetry", "DETERMINISTIC", g_steal_pointer (&b), error, "%s", summary))
        return FALSE;
    }
  return TRUE;
}

/* The agent's model of the network: the configuration it manages, the link and session states it
 * sees, and the demand sizes its flow telemetry reports. */
RwTwin *
_rw_agent_model_twin (RwAgent *ag)
{
  RwTopology *m = rw_topology_copy (ag->live->topo);
  GPtrArray *demands = rw_topology_demands_writable (m);
  for (guint i = 0; i < demands->len; i++)
    ((RwDemand *) demands->pdata[i])->mbps = ag->observed_mbps[i];
  return rw_twin_new (m);
}

/* ---- detect ---- */

/* The AS our routers see originating a prefix (0 = originated inside our AS or unknown). */
guint32
_rw_origin_as (const RwTwin *t, guint p)
{
  for (guint u = 0; u < t->net->n_nodes; u++)
    {
      const RwRoute *r = rw_net_is_ours (t->net, u) ? rw_bgp_best (t->bgp, p, u) : NULL;
      if (r)
        return r->as_path_len ? r->as_path[r->as_path_len - 1] : 0;
    }
  return 0;
}

/* A prefix our routers did not know in the baseline, or now see from another origin AS. */
static gboolean
suspect_prefix (const RwAgent *ag, const RwTwin *t, guint p)
{
  g_autofree char *pfx = rw_prefix_to_string (&t->bgp->prefixes[p]);
  gpointer v = g_hash_table_lookup (ag->baseline_prefixes, pfx);
  return v == NULL || GPOINTER_TO_UINT (v) - 1 != _rw_origin_as (t, p);
}

static void
anomaly_free (Anomaly *a)
{
  g_free (a->metric);
  g_free (a->entity);
  g_free (a);
}

static void
add_anomaly (GPtrArray *out, const char *metric, const char *entity, double value, double score, guint flags)
{
  Anomaly *a = g_new0 (Anomaly, 1);
  a->metric = g_strdup (metric);
  a->entity = g_strdup (entity);
  a->value = value;
  a->score = score;
  a->flags = flags;
  g_ptr_array_add (out, a);
}


static void
feature_row (RwAgent *ag, double *row)
{
  guint nd = 2 * ag->live->traffic->n_links;
  for (guint d = 0; d < nd; d++)
    {
      row[d] = ag->observed_util[d];
      row[nd + d] = ag->observed_loss[d];
    }
}

GPtrArray *
_rw_agent_detect (RwAgent *ag)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) anomaly_free);
  const RwNet *net = ag->live->net;
  const RwTopology *t = ag->live->topo;
  guint nd = 2 * ag->live->traffic->n_links;
  g_autofree double *row = g_new (double, 2 * nd + 1);

  feature_row (ag, row);
  for (guint d = 0; d < nd; d++)
    {
      g_autofree char *mu = dir_metric (net, "util", d);
      g_autofree char *ml = dir_metric (net, "loss", d);
      rw_series_store_push (ag->series, mu, ag->observed_util[d]);
      rw_series_store_push (ag->series, ml, ag->observed_loss[d]);
    }

  if (ag->tick < ag->sc->baseline_ticks)
    {
      g_array_append_vals (ag->baseline_rows, row, 2 * nd);
      if (ag->tick + 1 == ag->sc->baseline_ticks)
        {
          /* train on the clean window */
          guint n = ag->baseline_rows->len / (2 * nd);
          ag->forest = rw_iforest_train ((double *) ag->baseline_rows->data, n, 2 * nd, 100, MIN (256, n), 8, ag->rng);
          for (guint d = 0; d < nd; d++)
            for (guint k = 0; k < 2; k++)
              {
                g_autofree char *m = dir_metric (net, k ? "loss" : "util", d);
                RwEwma *e = rw_ewma_new (0.25, 3.0);
                rw_ewma_train_series (e, rw_series_store_lookup (ag->series, m), n, NULL);
                g_hash_table_insert (ag->ewma, g_steal_pointer (&m), e);
              }
          for (guint i = 0; i < t->demands->len; i++)
            {
              const RwDemandResult *r = ag->live->traffic->demands->pdata[i];
              ag->baseline_hops[i] = g_array_copy (r->hops);
            }
        }
      for (guint i = 0; i < t->demands->len; i++)
        ag->baseline_mbps[i] += ag->observed_mbps[i] / ag->sc->baseline_ticks;
      return out;
    }

  /* link and session states */
  for (guint l = 0; l < t->links->len; l++)
    {
      RwLink *link = t->links->pdata[l];
      if (!link->up)
        add_anomaly (out, "link_state", link->id, 0, 1, FLAG_STATE);
    }
  for (guint s = 0; s < t->sessions->len; s++)
    {
      RwSession *sess = t->sessions->pdata[s];
      gint a = rw_net_find_adj (net, (guint) rw_net_node (net, sess->a), (guint) rw_net_node (net, sess->b));
      gboolean up = a >= 0 && net->adjs[a].up;
      g_autofree char *ent = g_strdup_printf ("%s-%s", sess->a, sess->b);
      if (!up && rw_net_is_ours (net, net->adjs[a].node))
        add_anomaly (out, "session_state", ent, 0, 1, FLAG_STATE);
      if (ag->prev_sess_up[s] && !up)
        ag->flaps[s]++;
      ag->prev_sess_up[s] = up;
    }
  /* per direction: thresholds and control charts */
  for (guint d = 0; d < nd; d++)
    {
      RwLink *link = t->links->pdata[d / 2];
      g_autofree char *name = rw_traffic_dir_name (net, d);
      for (guint k = 0; k < 2; k++)
        {
          g_autofree char *m = dir_metric (net, k ? "loss" : "util", d);
          double v = k ? ag->observed_loss[d] : ag->observed_util[d];
          RwEwma *e = g_hash_table_lookup (ag->ewma, m);
          guint flags = 0;
          gint streak = GPOINTER_TO_INT (g_hash_table_lookup (ag->ewma_streak, m));
          gboolean ooc = e && rw_ewma_update (e, v);
          /* telemetry comes from our routers: links beyond our edge are not observed */
          if (!link->up || !(rw_net_is_ours (net, net->link_a[d / 2]) || rw_net_is_ours (net, net->link_b[d / 2])))
            continue;
          streak = ooc ? streak + 1 : 0;
          g_hash_table_replace (ag->ewma_streak, g_strdup (m), GINT_TO_POINTER (streak));
          if ((k == 0 && v >= ag->cfg.hot_utilisation) || (k == 1 && v >= 1.0))
            flags |= FLAG_THRESHOLD;
          /* a control chart alone must persist two ticks, and only upward moves matter here */
          if (streak >= 2 && e && rw_ewma_statistic (e) > rw_ewma_ucl (e) && (k == 1 ? v >= 0.25 : v >= 0.6))
            flags |= FLAG_EWMA;
          if (flags)
            add_anomaly (out, k ? "loss" : "util", name, v, e ? rw_ewma_statistic (e) : v, flags);
        }
    }
  /* the whole picture: isolation forest over the feature vector */
  if (ag->forest)
    {
      double score = rw_iforest_score (ag->forest, row);
      if (score > 0.65)
        for (guint i = 0; i < out->len; i++)
          ((Anomaly *) out->pdata[i])->flags |= FLAG_IFOREST;
    }
  /* routes our routers did not know in the baseline, or from a new origin */
  for (guint p = 0; p < ag->live->bgp->n_prefixes; p++)
    {
      g_autofree char *pfx = rw_prefix_to_string (&ag->live->bgp->prefixes[p]);
      if (!suspect_prefix (ag, ag->live, p))
        continue;
      for (guint u = 0; u < net->n_nodes; u++)
        {
          const RwRoute *r = rw_net_is_ours (net, u) ? rw_bgp_best (ag->live->bgp, p, u) : NULL;
          if (r && r->as_path_len > 0)
            {
              /* the AS that originates it */
              guint32 origin = r->as_path[r->as_path_len - 1];
              for (guint x = 0; x < net->n_nodes; x++)
                if (net->nodes[x]->asn == origin && !rw_net_is_ours (net, x))
                  {
                    g_autofree char *what = g_strdup_printf ("new_route:%s", pfx);
                    add_anomaly (out, what, net->nodes[x]->id, 1, 1, FLAG_ROUTE);
                    break;
                  }
              break;
            }
        }
    }
  /* routers working too hard (churn, or a runaway process) */
  for (guint u = 0; u < net->n_nodes; u++)
    if (rw_net_is_ours (net, u) && ag->cpu[u] >= 85)
      {
        g_autofree char *m = g_strdup_printf ("cpu");
        add_anomaly (out, m, net->nodes[u]->id, ag->cpu[u], 1, FLAG_THRESHOLD);
      }
  /* demands missing their SLA (observed latency and loss) */
  for (guint i = 0; i < ag->live->traffic->demands->len; i++)
    {
      const RwDemandResult *r = ag->live->traffic->demands->pdata[i];
      if (!r->sla_ok)
        add_anomaly (out, "sla", r->demand->id, r->status == RW_DEMAND_OK ? r->latency_ms : 0, 1, FLAG_THRESHOLD);
    }
  return out;
}

gboolean
_rw_agent_note_anomalies (RwAgent *ag, GPtrArray *anomalies, GError **error)
{
  for (guint i = 0; i < anomalies->len; i++)
    {
      Anomaly *a = anomalies->pdata[i];
      g_autofree char *key = g_strdup_printf ("%s|%s", a->metric, a->entity);
      if (g_hash_table_contains (ag->open_anomalies, key))
        continue;
      g_hash_table_insert (ag->open_anomalies, g_steal_pointer (&key), GUINT_TO_POINTER (ag->tick + 1));
      if (ag->first_fault_tick >= 0 && ag->first_anomaly_tick < 0)
        ag->first_anomaly_tick = (gint) ag->tick;
      for (guint f = 0; f < ag->fault_ticks->len; f++)
        if (g_array_index (ag->detect_ticks, gint, f) < 0 && g_array_index (ag->fault_ticks, gint, f) <= (gint) ag->tick)
          g_array_index (ag->detect_ticks, gint, f) = (gint) ag->tick;
      {
        g_autoptr(JsonBuilder) b = _rw_payload_new ();
        g_autofree char *flags = rw_detector_flags_to_string (
            (a->flags & FLAG_THRESHOLD ? RW_DETECTOR_THRESHOLD : 0) | (a->flags & FLAG_EWMA ? RW_DETECTOR_EWMA : 0) |
            (a->flags & FLAG_IFOREST ? RW_DETECTOR_IFOREST : 0));
        json_builder_set_member_name (b, "metric");
        json_builder_add_string_value (b, a->metric);
        json_builder_set_member_name (b, "entity");
        json_builder_add_string_value (b, a->entity);
        json_builder_set_member_name (b, "value");
        json_builder_add_double_value (b, round (a->value * 1000) / 1000);
        json_builder_set_member_name (b, "detectors");
        json_builder_add_string_value (b, a->flags & FLAG_STATE ? "state" : a->flags & FLAG_ROUTE ? "route" : flags);
        json_builder_set_member_name (b, "score");
        json_builder_add_double_value (b, round (a->score * 1000) / 1000);
        if (!_rw_agent_record (ag, "anomaly", "detector", "DETERMINISTIC", g_steal_pointer (&b), error, "%s %s = %.3g (%s)",
                               a->metric, a->entity, a->value, a->flags & FLAG_STATE ? "state" : a->flags & FLAG_ROUTE ? "route" : flags))
          return FALSE;
      }
    }
  /* anomalies that cleared may fire again later */
  {
    GHashTableIter it;
    gpointer k;
    g_autoptr(GHashTable) now = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < anomalies->len; i++)
      g_hash_table_add (now, g_strdup_printf ("%s|%s", ((Anomaly *) anomalies->pdata[i])->metric, ((Anomaly *) anomalies->pdata[i])->entity));
    g_hash_table_iter_init (&it, ag->open_anomalies);
    while (g_hash_table_iter_next (&it, &k, NULL))
      if (!g_hash_table_contains (now, k))
        g_hash_table_iter_remove (&it);
  }
  return TRUE;
}
