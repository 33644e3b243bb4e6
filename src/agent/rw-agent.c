/* rw-agent.c — the closed loop. Everything the agent knows comes from telemetry of the live
 * twin (with the run's seeded noise) plus the configuration it manages; every decision follows
 * from simulated outcomes, and every stage leaves an audit event.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-agent.h"
#include "rw-detect.h"
#include "rw-frr.h"
#include "rw-guard.h"
#include "rw-safety.h"

#include <math.h>
#include <string.h>

#define SETTLE_NONE G_MAXUINT

void
rw_guard_config_init (RwGuardConfig *g)
{
  memset (g, 0, sizeof *g);
  g->t1_confidence = 0.80;
  g->t1_blast = 0.25;
  g->t2_confidence = 0.60;
  g->t2_blast = 0.65;
  g->max_per_min = 10;
  g->max_t1_per_min = 6;
  g->max_t2_per_min = 3;
  g->settle_ticks = 3;
  g->t2_ttl_ticks = 6;
  g->hot_utilisation = 0.9;
  g->cost_weight = RW_COST_WEIGHT_DEFAULT;
  g->use_z3 = TRUE;
  g->z3_timeout_ms = 20000;
  g->reevaluate_ticks = 12;
  g->reevaluate_min_ticks = 3;
}

typedef struct {
  char *kind, *entity, *cause;
  double confidence;
  GPtrArray *evidence;   /* char* */
  char *explains;
  guint first_tick;
  guint handled_tick;    /* SETTLE_NONE until an action (or a decision not to act) */
  gboolean escalated;
  guint escalated_tick;  /* when it was last handed to (or left with) a human */
  char *escalated_state; /* the network as the agent saw it then (network_state_key) */
  char *paged_for;       /* the reason a human was paged for; NULL: nobody paged yet */
  guint paged_tick;
  guint gone_since;      /* SETTLE_NONE while the problem lasts: when it stopped needing an answer */
} Hypothesis;

typedef struct {
  GPtrArray *changes;    /* char* */
  char *action_kind;
  double utility;
  double max_util_after, blast;
  guint sla_after, new_problems;
  double prior;
  double cost_change;    /* transit cost a month after minus before */
} Candidate;

typedef struct {
  guint tick;
  GPtrArray *changes;
  char *hyp_kind, *action_kind;
  GPtrArray *saved_policies;   /* RwPolicy copies before the change */
  GPtrArray *saved_sessions;   /* RwSession copies before the change */
  guint sla_before;
  double util_before, util_predicted;
  guint sla_predicted;
  gboolean judged;
  char tier[3];
} Applied;

struct _RwAgent {
  const RwScenario *sc;
  RwMode mode;
  guint max_ticks;
  GPtrArray *events;              /* RwScenarioEvent: the scenario's (borrowed) then injected ones */
  GPtrArray *injected;            /* RwScenarioEvent owned: the operator's faults */
  RwApproveFunc approver;
  gpointer approver_data;
  RwProofWatch proof_watch;
  gpointer proof_watch_data;
  gboolean proof_cancelled;       /* the operator cancelled a proof in this decision */
  RwStore *store;
  gint64 run_id;
  RwGuardConfig cfg;
  GRand *rng;
  RwTwin *live;
  guint tick;
  GPtrArray *timeline;            /* RwTimelineEvent */
  /* telemetry and detection */
  RwSeriesStore *series;
  GPtrArray *metric_names;        /* char*, fixed order: util/loss/lat per link direction */
  GHashTable *ewma;               /* metric -> RwEwma* */
  GHashTable *ewma_streak;        /* metric -> consecutive out-of-control ticks */
  RwIForest *forest;
  GArray *baseline_rows;          /* doubles, row-major */
  double *observed_util, *observed_loss, *observed_lat; /* per direction */
  double *observed_mbps;          /* per demand (flow telemetry) */
  double *baseline_mbps;          /* per demand, mean over the baseline window */
  GArray **baseline_hops;         /* per demand: hops at the end of the baseline */
  gboolean *prev_sess_up;
  GHashTable *baseline_prefixes;  /* prefix text -> origin ASN + 1 that our routers saw in the baseline */
  GHashTable *open_anomalies;     /* "metric|entity" -> first tick */
  guint *flaps;                   /* per session: down transitions seen */
  /* reasoning and action */
  GHashTable *hyps;               /* "kind:entity" -> Hypothesis */
  GPtrArray *hyp_order;           /* keys in creation order */
  GPtrArray *applied;             /* Applied */
  RwActionLog actions;            /* when and at which tier changes were applied (rate limits) */
  /* metrics */
  gint first_fault_tick, first_anomaly_tick, recovered_tick;
  GArray *fault_ticks, *detect_ticks;  /* per fault: when it happened, when a detector first fired (-1) */
  gint episode_start;                  /* impaired since (-1: not impaired) */
  guint episodes;
  double episode_ticks;
  guint rollbacks, blocked, false_actions, escalations;
  gboolean last_action_rolled_back;
  GHashTable *prev_best;          /* "prefix|router" -> from + 2: yesterday's best, for route events */
  double *cpu;                    /* per node: observed CPU % */
  double *cpu_extra;              /* per node: load injected by router_cpu events */
  gboolean *prev_link_state;      /* per link: up at the last tick (syslog) */
  /* a real network as the world (rw_agent_set_world) */
  RwAgentWorld *world;
  RwTopology *config;             /* the configuration: the scenario's plus the changes applied */
  RwTopology *script;             /* the network as the scenario makes it (faults, demands) */
  RwAgentReading reading;         /* the last comparison of the live twin with the network */
  GArray *real_us;                /* monotonic time at the start of each tick */
  guint ticks_compared, ticks_contradicted, best_agree, best_total, fwd_agree, fwd_total;
  guint predictions, predictions_contradicted;
  double real_episode_s;          /* the impairment episodes' length in real seconds */
};

/* ---- helpers ---- */

static double
gauss (GRand *r)
{
  double u1 = g_rand_double_range (r, 1e-12, 1.0), u2 = g_rand_double (r);
  return sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
}

static void
hyp_free (Hypothesis *h)
{
  g_free (h->kind);
  g_free (h->entity);
  g_free (h->cause);
  g_ptr_array_unref (h->evidence);
  g_free (h->explains);
  g_free (h->escalated_state);
  g_free (h->paged_for);
  g_free (h);
}

static void
candidate_free (Candidate *c)
{
  g_ptr_array_unref (c->changes);
  g_free (c->action_kind);
  g_free (c);
}

static void
applied_free (Applied *a)
{
  g_ptr_array_unref (a->changes);
  g_free (a->hyp_kind);
  g_free (a->action_kind);
  g_ptr_array_unref (a->saved_policies);
  g_ptr_array_unref (a->saved_sessions);
  g_free (a);
}

static void
timeline_event_free (RwTimelineEvent *e)
{
  g_free (e->kind);
  g_free (e->summary);
  g_clear_pointer (&e->payload, json_node_unref);
  g_free (e);
}

/* Record a stage: in the timeline and, when there is a store, in the audit chain. */
static gboolean
record (RwAgent *ag, const char *kind, const char *actor, const char *tag, JsonBuilder *b, GError **error,
        const char *fmt, ...) G_GNUC_PRINTF (7, 8);

static gboolean
record (RwAgent *ag, const char *kind, const char *actor, const char *tag, JsonBuilder *b, GError **error,
        const char *fmt, ...)
{
  RwTimelineEvent *e = g_new0 (RwTimelineEvent, 1);
  g_autoptr(JsonBuilder) own = NULL;
  va_list ap;
  va_start (ap, fmt);
  e->summary = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  e->tick = ag->tick;
  e->kind = g_strdup (kind);
  if (b == NULL)
    {
      own = json_builder_new ();
      json_builder_begin_object (own);
      b = own;
    }
  json_builder_set_member_name (b, "tick");
  json_builder_add_int_value (b, ag->tick);
  json_builder_set_member_name (b, "summary");
  json_builder_add_string_value (b, e->summary);
  json_builder_end_object (b);
  e->payload = json_builder_get_root (b);
  g_ptr_array_add (ag->timeline, e);
  if (ag->store)
    return rw_store_append (ag->store, ag->run_id, kind, actor, tag, e->payload, NULL, error);
  return TRUE;
}

static JsonBuilder *
payload_new (void)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  return b;
}

/* A payload of string members: key, value, …, NULL (a NULL value is JSON null). */
static JsonBuilder *
payload_strings (const char *key, ...) G_GNUC_NULL_TERMINATED;

static JsonBuilder *
payload_strings (const char *key, ...)
{
  JsonBuilder *b = payload_new ();
  va_list ap;
  va_start (ap, key);
  for (const char *k = key; k != NULL; k = va_arg (ap, const char *))
    {
      const char *v = va_arg (ap, const char *);
      json_builder_set_member_name (b, k);
      if (v)
        json_builder_add_string_value (b, v);
      else
        json_builder_add_null_value (b);
    }
  va_end (ap);
  return b;
}

static void
add_strv (JsonBuilder *b, const char *key, GPtrArray *items)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; items && i < items->len; i++)
    json_builder_add_string_value (b, items->pdata[i]);
  json_builder_end_array (b);
}

static char *
dir_metric (const RwNet *net, const char *what, guint dir)
{
  g_autofree char *name = rw_traffic_dir_name (net, dir);
  return g_strdup_printf ("%s:%s", what, name);
}

/* The session an entity "A-B" names (node ids may contain '-', so match whole names); its
 * index in *index. NULL when there is none. */
static RwSession *
session_for_entity (const RwTopology *t, const char *entity, guint *index)
{
  for (guint i = 0; i < t->sessions->len; i++)
    {
      RwSession *x = t->sessions->pdata[i];
      g_autofree char *ent = g_strdup_printf ("%s-%s", x->a, x->b);
      if (g_strcmp0 (ent, entity) == 0)
        {
          if (index)
            *index = i;
          return x;
        }
    }
  return NULL;
}

/* A fork of @t with @changes (a GPtrArray of change strings) applied, or NULL. */
static RwTwin *
fork_with (const RwTwin *t, GPtrArray *changes)
{
  RwTwin *out;
  g_ptr_array_add (changes, NULL);
  out = rw_twin_fork_apply (t, (const char *const *) changes->pdata, NULL);
  g_ptr_array_remove_index (changes, changes->len - 1);
  return out;
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
  g_autoptr(JsonBuilder) b = payload_new ();
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
  return record (ag, "world", "scenario", "DETERMINISTIC", g_steal_pointer (&b), error, "the fault made real on %s",
                 ag->world->name);
}

/* On a world: the live twin becomes the configuration with what the network reports now (link
 * and session states, impairments, learnt originations) and the scenario's demands, and is
 * compared with the network. A tick whose twin disagrees is recorded with the differences. */
static gboolean
sync_world (RwAgent *ag, GError **error)
{
  g_autoptr(RwTopology) now = rw_topology_copy (ag->config);
  g_autoptr(GError) local = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_array_append_val (ag->real_us, t0);
  for (guint i = 0; i < now->demands->len && i < ag->script->demands->len; i++)
    ((RwDemand *) now->demands->pdata[i])->mbps = ((RwDemand *) ag->script->demands->pdata[i])->mbps;
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
      g_autoptr(JsonBuilder) b = payload_new ();
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
      if (!record (ag, "drift", "telemetry", "DETERMINISTIC", g_steal_pointer (&b), error,
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
static gboolean
inject (RwAgent *ag, GError **error)
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
              RwDemand *d = rw_topology_find_demand (t, e->demand);
              RwDemand *d0 = rw_topology_find_demand (ag->sc->topology, e->demand);
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
          g_autoptr(JsonBuilder) b = payload_new ();
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
          if (!record (ag, "fault", "scenario", "DETERMINISTIC", g_steal_pointer (&b), error, "%s %s%s%s",
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
observe (RwAgent *ag)
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

/* The agent's model of the network: the configuration it manages, the link and session states it
 * sees, and the demand sizes its flow telemetry reports. */
static RwTwin *
model_twin (RwAgent *ag)
{
  RwTopology *m = rw_topology_copy (ag->live->topo);
  for (guint i = 0; i < m->demands->len; i++)
    ((RwDemand *) m->demands->pdata[i])->mbps = ag->observed_mbps[i];
  return rw_twin_new (m);
}

/* ---- detect ---- */

/* The AS our routers see originating a prefix (0 = originated inside our AS or unknown). */
static guint32
origin_as (const RwTwin *t, guint p)
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
  return v == NULL || GPOINTER_TO_UINT (v) - 1 != origin_as (t, p);
}

typedef struct {
  char *metric, *entity;
  double value, score;
  guint flags;
} Anomaly;

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

enum { FLAG_THRESHOLD = 1, FLAG_EWMA = 2, FLAG_IFOREST = 4, FLAG_STATE = 8, FLAG_ROUTE = 16 };

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

static GPtrArray *
detect (RwAgent *ag)
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

/* ---- reason ---- */

static Hypothesis *
hyp_get (RwAgent *ag, const char *kind, const char *entity, gboolean *is_new)
{
  g_autofree char *key = g_strdup_printf ("%s:%s", kind, entity);
  Hypothesis *h = g_hash_table_lookup (ag->hyps, key);
  *is_new = h == NULL;
  if (h == NULL)
    {
      h = g_new0 (Hypothesis, 1);
      h->kind = g_strdup (kind);
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

static gboolean
hops_contain (GArray *hops, guint dir)
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

static gboolean
reason (RwAgent *ag, GPtrArray *anomalies, GError **error)
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
          h = hyp_get (ag, "link_down", a->entity, &fresh);
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
          RwSession *sess = session_for_entity (t, a->entity, &si);
          gboolean link_up;
          if (sess == NULL)
            continue;
          flaps = ag->flaps[si];
          link_up = rw_net_direct_link (net, (guint) rw_net_node (net, sess->a), (guint) rw_net_node (net, sess->b)) >= 0;
          if (!link_up)
            continue; /* explained by the cut */
          h = hyp_get (ag, "session_fault", a->entity, &fresh);
          evidence (h, "session %s down with its link up (%u drop%s so far)", a->entity, flaps, flaps == 1 ? "" : "s");
          h->confidence = MIN (0.95, 0.5 + 0.12 * flaps);
          g_free (h->explains);
          h->explains = g_strdup ("route churn and traffic shifts to other exits");
        }
      else if (g_strcmp0 (a->metric, "util") == 0)
        {
          /* congestion: which direction, and why — growth of the demands on it, or paths moved
           * onto it after another failure */
          guint dir = G_MAXUINT;
          double grown = 0, moved = 0, total = 0;
          gboolean sla_agrees = FALSE;
          RwLink *l;
          for (guint d = 0; d < 2 * tr->n_links && dir == G_MAXUINT; d++)
            {
              g_autofree char *name = rw_traffic_dir_name (net, d);
              if (g_strcmp0 (name, a->entity) == 0)
                dir = d;
            }
          if (dir == G_MAXUINT || a->value < 0.75)
            continue;
          l = t->links->pdata[dir / 2];
          for (guint i2 = 0; i2 < tr->demands->len; i2++)
            {
              const RwDemandResult *r = tr->demands->pdata[i2];
              if (!hops_contain (r->hops, dir))
                continue;
              total += ag->observed_mbps[i2];
              if (!hops_contain (ag->baseline_hops[i2], dir))
                moved += ag->observed_mbps[i2];
              else if (ag->observed_mbps[i2] > 1.1 * ag->baseline_mbps[i2])
                grown += ag->observed_mbps[i2] - ag->baseline_mbps[i2];
            }
          if (total <= 0)
            continue;
          h = hyp_get (ag, "congestion", l->id, &fresh);
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
              sla_agrees = di >= 0 && hops_contain (((const RwDemandResult *) tr->demands->pdata[di])->hops, dir);
            }
          h->confidence = support (ag, a, sla_agrees ? 1 : 0) *
                          MIN (0.97, 0.45 + 0.35 * MAX (grown, moved) / MAX (grown + moved, 1) + 0.3 * MIN (1, (a->value - 0.75) / 0.25));
          g_free (h->explains);
          h->explains = g_strdup_printf ("%s above %.0f %% and the SLA misses of the demands crossing it", a->entity,
                                         100 * ag->cfg.hot_utilisation);
        }
      else if (g_strcmp0 (a->metric, "loss") == 0)
        {
          guint dir = G_MAXUINT;
          RwLink *l;
          for (guint d = 0; d < 2 * tr->n_links && dir == G_MAXUINT; d++)
            {
              g_autofree char *name = rw_traffic_dir_name (net, d);
              if (g_strcmp0 (name, a->entity) == 0)
                dir = d;
            }
          if (dir == G_MAXUINT || ag->observed_util[dir] >= 0.95)
            continue; /* loss from overload is congestion, not degradation */
          l = t->links->pdata[dir / 2];
          h = hyp_get (ag, "degradation", l->id, &fresh);
          evidence (h, "%s loses %.2f %% at %.0f %% load", a->entity, a->value, 100 * ag->observed_util[dir]);
          h->confidence = support (ag, a, 0) * MIN (0.95, 0.55 + 0.1 * a->value);
          g_free (h->explains);
          h->explains = g_strdup ("loss without load: a failing optic or a dirty fibre");
        }
      else if (g_str_has_prefix (a->metric, "new_route:"))
        {
          h = hyp_get (ag, "route_leak", a->entity, &fresh);
          evidence (h, "%s now originates %s, which it did not in the baseline", a->entity, a->metric + strlen ("new_route:"));
          h->confidence = MIN (0.95, 0.6 + 0.1 * h->evidence->len);
          g_free (h->explains);
          h->explains = g_strdup ("traffic pulled towards a more specific route");
        }
      if (h && fresh)
        {
          g_autoptr(JsonBuilder) b = payload_new ();
          json_builder_set_member_name (b, "hypothesis");
          json_builder_add_string_value (b, h->kind);
          json_builder_set_member_name (b, "entity");
          json_builder_add_string_value (b, h->entity);
          json_builder_set_member_name (b, "confidence");
          json_builder_add_double_value (b, round (h->confidence * 100) / 100);
          add_strv (b, "evidence", h->evidence);
          json_builder_set_member_name (b, "explains");
          json_builder_add_string_value (b, h->explains ? h->explains : "");
          if (!record (ag, "hypothesis", "reasoner", "DETERMINISTIC", g_steal_pointer (&b), error,
                       "%s %s (confidence %.2f): %s", h->kind, h->entity, h->confidence,
                       h->evidence->len ? (char *) h->evidence->pdata[0] : ""))
            return FALSE;
        }
    }
  return TRUE;
}

/* ---- decide ---- */

static guint
sla_misses (const RwTwin *t)
{
  return t->traffic->n_sla_violations;
}

/* The learner's prior for an action kind on a hypothesis kind: the share of its predicted
 * benefit such actions delivered when they settled (each outcome's reward is that share, 0 for
 * a change that made things worse), with RW_PRIOR_WEIGHT optimistic pseudo-outcomes: an action
 * never tried is trusted as the twin predicts it, and disappointments discount it gradually
 * (one bad outcome takes a quarter off, nine about two thirds). */
#define RW_PRIOR_WEIGHT 3.0
static double
learned_prior (RwAgent *ag, const char *hyp_kind, const char *action_kind)
{
  guint n = 0;
  double mean = 0;
  if (ag->store == NULL || !rw_store_learning_get (ag->store, hyp_kind, action_kind, &n, &mean, NULL))
    return 1.0;
  return CLAMP ((mean * n + RW_PRIOR_WEIGHT) / (n + RW_PRIOR_WEIGHT), 0.0, 1.0);
}

/* ---- the decision rule ----
 * Present benefit first. What a change removes now counts in full: SLA misses (an outage is a
 * demand missing its SLA), overload, and a route leak, which is worth its size — the share of
 * all traffic the leaked routes pull, which denying them returns (the filter's blast radius is
 * exactly that traffic). What the change costs (blast radius, number of changes) separates
 * changes of similar benefit, but when a change removes present harm (an SLA miss or a leak)
 * its cost is capped at half its benefit: the size of a fix never makes leaving the harm in
 * place look better. New loops, blackholes or non-convergence are never outweighed. */
#define RW_UTILITY_BLAST 5.0        /* per unit of blast radius */
#define RW_UTILITY_CHANGE 1.0       /* per change */
#define RW_UTILITY_NEW_PROBLEM 50.0 /* per new loop, blackhole or non-convergence */
#define RW_UTILITY_LEAK 20.0        /* per unit of traffic share a leak no longer pulls */
static double
decision_utility (const Hypothesis *h, const char *action_kind, double prior, double benefit, double sla_removed,
                  double blast, gboolean hot_after, guint n_changes, guint new_problems)
{
  double cost = RW_UTILITY_BLAST * blast + RW_UTILITY_CHANGE * n_changes;
  gboolean removes_leak = g_strcmp0 (h->kind, "route_leak") == 0 && g_strcmp0 (action_kind, "filter") == 0 && blast > 0;
  double gain;
  /* traffic a leak pulled returns to where it belongs: that its old path is busier than the
   * leaked one counts against the filter only if it is hot */
  if (removes_leak)
    benefit = (hot_after ? benefit : MAX (benefit, 0.0)) + RW_UTILITY_LEAK * blast;
  gain = benefit > 0 ? prior * benefit : benefit;
  if (gain > 0 && (sla_removed > 0 || removes_leak))
    cost = MIN (cost, 0.5 * gain);
  return gain - cost - RW_UTILITY_NEW_PROBLEM * new_problems;
}

/* Simulate a candidate on a fork of the model and score it. */
static Candidate *
evaluate (RwAgent *ag, const RwTwin *model, const Hypothesis *h, const char *action_kind, GPtrArray *changes)
{
  Candidate *c = g_new0 (Candidate, 1);
  g_autoptr(RwTwin) after = NULL;
  g_autoptr(RwDiff) diff = NULL;
  double benefit;
  c->changes = changes;
  c->action_kind = g_strdup (action_kind);
  after = changes->len > 0 ? fork_with (model, changes) : rw_twin_fork (model);
  if (after == NULL)
    {
      c->utility = -G_MAXDOUBLE;
      return c;
    }
  if (changes->len > 0)
    {
      g_autofree char *a = rw_topology_to_data (model->topo, NULL);
      g_autofree char *b = rw_topology_to_data (after->topo, NULL);
      if (g_strcmp0 (a, b) == 0)
        {
          c->utility = -G_MAXDOUBLE; /* already so: nothing to do */
          return c;
        }
    }
  diff = rw_twin_diff (model, after);
  c->max_util_after = after->traffic->max_utilisation;
  c->blast = diff->blast_radius;
  c->sla_after = sla_misses (after);
  c->new_problems = diff->new_blackholes->len + diff->new_loops->len + (diff->converged_after ? 0 : 1);
  c->prior = learned_prior (ag, h->kind, action_kind);
  /* utility: the benefit the simulation predicts (SLA misses removed, utilisation lowered),
   * discounted by how much of its predicted benefit this kind of action delivered for this kind
   * of problem before (the learner's prior), minus blast radius, change size and new problems */
  benefit = 10.0 * ((double) sla_misses (model) - c->sla_after) + 20.0 * (model->traffic->max_utilisation - c->max_util_after);
  if (g_strcmp0 (h->kind, "session_fault") == 0 && g_strcmp0 (action_kind, "session_shutdown") == 0)
    {
      /* a flapping session costs route churn every time it moves: holding it down stops that */
      guint si = 0;
      if (session_for_entity (model->topo, h->entity, &si))
        benefit += 1.5 * ag->flaps[si];
    }
  c->utility = decision_utility (h, action_kind, c->prior, benefit, (double) sla_misses (model) - c->sla_after, c->blast,
                                 c->max_util_after >= ag->cfg.hot_utilisation, changes->len, c->new_problems);
  /* transit cost, a term of its own: of two fixes that do the same, the cheaper one wins */
  c->cost_change = after->traffic->transit_cost - model->traffic->transit_cost;
  c->utility -= ag->cfg.cost_weight * c->cost_change / 1000.0;
  if (changes->len == 0)
    c->utility = 0;
  return c;
}

static GPtrArray *
strv1 (char *s)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (a, s);
  return a;
}

/* Candidate actions for one hypothesis, each as change strings. */
static GPtrArray *
candidates_for (RwAgent *ag, const RwTwin *model, const Hypothesis *h)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  const RwNet *net = model->net;
  const RwTopology *t = model->topo;
  const RwTraffic *tr = model->traffic;

  g_ptr_array_add (out, evaluate (ag, model, h, "none", g_ptr_array_new_with_free_func (g_free)));
  if (g_strcmp0 (h->kind, "congestion") == 0)
    {
      RwLink *l = rw_topology_find_link (t, h->entity);
      gint li = -1;
      for (guint i = 0; i < t->links->len; i++)
        if (t->links->pdata[i] == l)
          li = (gint) i;
      for (guint side = 0; side < 2 && li >= 0; side++)
        {
          guint dir = 2 * (guint) li + side;
          guint from = rw_traffic_dir_from (net, dir), to = rw_traffic_dir_to (net, dir);
          g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          if (tr->dirs[dir].utilisation < ag->cfg.hot_utilisation * 0.95)
            continue;
          for (guint i = 0; i < tr->demands->len; i++)
            {
              const RwDemandResult *r = tr->demands->pdata[i];
              g_autofree char *pfx = NULL;
              if (!hops_contain (r->hops, dir) || r->prefix < 0)
                continue;
              pfx = rw_prefix_to_string (&model->bgp->prefixes[r->prefix]);
              if (!g_hash_table_add (seen, g_strdup (pfx)))
                continue;
              if (rw_net_is_ours (net, from) && !rw_net_is_ours (net, to))
                {
                  /* outbound: prefer another exit for this prefix, or make this one less liked */
                  for (guint a = 0; a < net->n_adjs; a++)
                    {
                      const RwAdj *adj = &net->adjs[a];
                      const RwRib *rib = rw_bgp_rib (model->bgp, (guint) r->prefix, adj->node);
                      gboolean offers = FALSE;
                      if (!adj->ebgp || !adj->up || !rw_net_is_ours (net, adj->node) || (adj->node == from && adj->peer == to))
                        continue;
                      for (guint k = 0; k < rib->routes->len; k++)
                        offers |= ((RwRoute *) rib->routes->pdata[k])->from == (gint) adj->peer;
                      if (offers)
                        g_ptr_array_add (out, evaluate (ag, model, h, "local_pref",
                                                        strv1 (g_strdup_printf ("local-pref:%s:%s:150:%s", net->nodes[adj->node]->id,
                                                                                net->nodes[adj->peer]->id, pfx))));
                    }
                  g_ptr_array_add (out, evaluate (ag, model, h, "local_pref",
                                                  strv1 (g_strdup_printf ("local-pref:%s:%s:50:%s", net->nodes[from]->id,
                                                                          net->nodes[to]->id, pfx))));
                }
              else if (!rw_net_is_ours (net, from) && rw_net_is_ours (net, to))
                {
                  /* inbound: make this entry look longer to the outside */
                  for (guint n = 1; n <= 3; n += 2)
                    g_ptr_array_add (out, evaluate (ag, model, h, "prepend",
                                                    strv1 (g_strdup_printf ("prepend:%s:%s:%u:%s", net->nodes[to]->id,
                                                                            net->nodes[from]->id, n, pfx))));
                }
              if (g_hash_table_size (seen) >= 4)
                break;
            }
        }
    }
  else if (g_strcmp0 (h->kind, "session_fault") == 0)
    {
      RwSession *s = session_for_entity (t, h->entity, NULL);
      if (s)
        g_ptr_array_add (out, evaluate (ag, model, h, "session_shutdown", strv1 (g_strdup_printf ("session-down:%s:%s", s->a, s->b))));
    }
  else if (g_strcmp0 (h->kind, "degradation") == 0)
    {
      RwLink *l = rw_topology_find_link (t, h->entity);
      RwSession *s = l ? rw_topology_find_session (t, l->a, l->b) : NULL;
      if (s && rw_session_is_ebgp (t, s))
        {
          const char *ours = rw_net_is_ours (net, (guint) rw_net_node (net, s->a)) ? s->a : s->b;
          const char *peer = ours == s->a ? s->b : s->a;
          gint eo = rw_net_node (net, ours), ep = rw_net_node (net, peer);
          g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_ptr_array_add (out, evaluate (ag, model, h, "session_shutdown", strv1 (g_strdup_printf ("session-down:%s:%s", s->a, s->b))));
          g_ptr_array_add (out, evaluate (ag, model, h, "local_pref", strv1 (g_strdup_printf ("local-pref:%s:%s:50", ours, peer))));
          /* inbound demands missing their SLA across it: make this entry less attractive */
          {
            GPtrArray *changes = g_ptr_array_new_with_free_func (g_free);
            g_hash_table_remove_all (seen);
            for (guint i = 0; i < tr->demands->len; i++)
              {
                const RwDemandResult *r = tr->demands->pdata[i];
                gboolean crosses = FALSE;
                g_autofree char *pfx = NULL;
                if (r->sla_ok || r->prefix < 0)
                  continue;
                for (guint k = 0; k + 1 < r->path->len; k++)
                  crosses |= (gint) g_array_index (r->path, guint, k) == ep && (gint) g_array_index (r->path, guint, k + 1) == eo;
                pfx = rw_prefix_to_string (&model->bgp->prefixes[r->prefix]);
                if (crosses && g_hash_table_add (seen, g_strdup (pfx)))
                  g_ptr_array_add (changes, g_strdup_printf ("prepend:%s:%s:3:%s", ours, peer, pfx));
              }
            if (changes->len)
              g_ptr_array_add (out, evaluate (ag, model, h, "prepend", changes));
            else
              g_ptr_array_unref (changes);
          }
          /* or only the prefixes whose demands miss their SLA across it, each to another exit */
          for (guint a = 0; a < net->n_adjs; a++)
            {
              const RwAdj *adj = &net->adjs[a];
              GPtrArray *changes;
              if (!adj->ebgp || !adj->up || !rw_net_is_ours (net, adj->node) || ((gint) adj->node == eo && (gint) adj->peer == ep))
                continue;
              changes = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_remove_all (seen);
              for (guint i = 0; i < tr->demands->len; i++)
                {
                  const RwDemandResult *r = tr->demands->pdata[i];
                  const RwRib *rib;
                  gboolean crosses = FALSE, offers = FALSE;
                  g_autofree char *pfx = NULL;
                  if (r->sla_ok || r->prefix < 0)
                    continue;
                  for (guint k = 0; k + 1 < r->path->len; k++)
                    crosses |= (gint) g_array_index (r->path, guint, k) == eo && (gint) g_array_index (r->path, guint, k + 1) == ep;
                  if (!crosses)
                    continue;
                  rib = rw_bgp_rib (model->bgp, (guint) r->prefix, adj->node);
                  for (guint k = 0; k < rib->routes->len; k++)
                    offers |= ((RwRoute *) rib->routes->pdata[k])->from == (gint) adj->peer;
                  pfx = rw_prefix_to_string (&model->bgp->prefixes[r->prefix]);
                  if (offers && g_hash_table_add (seen, g_strdup (pfx)))
                    g_ptr_array_add (changes, g_strdup_printf ("local-pref:%s:%s:150:%s", net->nodes[adj->node]->id,
                                                               net->nodes[adj->peer]->id, pfx));
                }
              if (changes->len)
                g_ptr_array_add (out, evaluate (ag, model, h, "local_pref", changes));
              else
                g_ptr_array_unref (changes);
            }
        }
    }
  else if (g_strcmp0 (h->kind, "route_leak") == 0)
    {
      /* filter what the leaker originates that it did not originate in the baseline */
      gint leaker = rw_net_node (net, h->entity);
      GPtrArray *changes = g_ptr_array_new_with_free_func (g_free);
      for (guint p = 0; p < model->bgp->n_prefixes && leaker >= 0; p++)
        {
          g_autofree char *pfx = rw_prefix_to_string (&model->bgp->prefixes[p]);
          gpointer base = g_hash_table_lookup (ag->baseline_prefixes, pfx);
          if (base != NULL && GPOINTER_TO_UINT (base) - 1 == net->nodes[leaker]->asn)
            continue; /* it always did: its own prefix */
          for (guint a = 0; a < net->n_adjs; a++)
            {
              const RwAdj *adj = &net->adjs[a];
              const RwRib *rib;
              if (!adj->ebgp || !rw_net_is_ours (net, adj->node))
                continue;
              rib = rw_bgp_rib (model->bgp, p, adj->node);
              for (guint k = 0; k < rib->routes->len; k++)
                {
                  const RwRoute *r = rib->routes->pdata[k];
                  if (r->from == (gint) adj->peer && r->as_path_len && r->as_path[r->as_path_len - 1] == net->nodes[leaker]->asn)
                    {
                      g_ptr_array_add (changes, g_strdup_printf ("deny:%s:%s:%s", net->nodes[adj->node]->id, net->nodes[adj->peer]->id, pfx));
                      break;
                    }
                }
            }
        }
      if (changes->len)
        g_ptr_array_add (out, evaluate (ag, model, h, "filter", changes));
      else
        g_ptr_array_unref (changes);
    }
  return out;
}

static gint
candidate_cmp (gconstpointer a, gconstpointer b)
{
  const Candidate *x = *(Candidate * const *) a, *y = *(Candidate * const *) b;
  if (x->utility != y->utility)
    return x->utility > y->utility ? -1 : 1;
  return g_strcmp0 (x->changes->len ? x->changes->pdata[0] : "", y->changes->len ? y->changes->pdata[0] : "");
}

/* Concrete sweep over single failures of links of ours: how many break a demand. */
static guint
fragility (const RwTwin *t)
{
  guint broken = 0;
  for (guint l = 0; l < t->topo->links->len; l++)
    {
      RwLink *link = t->topo->links->pdata[l];
      g_autofree char *change = g_strdup_printf ("link-down:%s", link->id);
      const char *changes[] = { change, NULL };
      g_autoptr(RwTwin) f = NULL;
      if (!link->up || !(rw_net_is_ours (t->net, t->net->link_a[l]) || rw_net_is_ours (t->net, t->net->link_b[l])))
        continue;
      f = rw_twin_fork_apply (t, changes, NULL);
      if (f && (f->traffic->n_blackholes || f->traffic->n_loops))
        broken++;
    }
  return broken;
}

/* Traffic a state breaks: the Mbps of demands blackholed, looping or crossing an overloaded
 * link direction (under a further failure the agent holds on to reachability and capacity;
 * latency SLAs during a failure are best effort). @first gets the first such demand. */
static double
broken_mbps (const RwTwin *t, const RwTwin *unless, const char **first)
{
  double mbps = 0;
  *first = NULL;
  for (guint d = 0; d < t->traffic->demands->len; d++)
    {
      const RwDemandResult *r = t->traffic->demands->pdata[d];
      gboolean over = FALSE;
      for (guint h = 0; h < r->hops->len; h++)
        over |= t->traffic->dirs[g_array_index (r->hops, guint, h)].utilisation > 1.0;
      if (r->status == RW_DEMAND_OK && !over)
        continue;
      mbps += r->demand->mbps;
      if (*first == NULL && unless != NULL && d < unless->traffic->demands->len)
        {
          const RwDemandResult *u = unless->traffic->demands->pdata[d];
          gboolean over_u = FALSE;
          for (guint h = 0; h < u->hops->len; h++)
            over_u |= unless->traffic->dirs[g_array_index (u->hops, guint, h)].utilisation > 1.0;
          if (u->status == RW_DEMAND_OK && !over_u)
            *first = r->demand->id;
        }
      else if (*first == NULL && unless == NULL)
        *first = r->demand->id;
    }
  return mbps;
}

/* Is @after worse than @before under some single failure? A quick screen on the twin before
 * Z3 is asked for the proof; returns a sentence or NULL. Robustness is relative: the network
 * with the change against the network without it, under the same failure. A change that
 * breaks no more traffic than leaving things as they are under every single failure is no
 * worse — which demands break may differ (moving Google to another ISP may expose another
 * demand to a second failure while sparing the ones that failure breaks today). */
static char *
new_fragility (const RwTwin *before, const RwTwin *after)
{
  const RwTopology *t = after->topo;
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  for (guint l = 0; l < t->links->len; l++)
    {
      RwLink *link = t->links->pdata[l];
      if (link->up && (rw_net_is_ours (after->net, after->net->link_a[l]) || rw_net_is_ours (after->net, after->net->link_b[l])))
        g_ptr_array_add (failures, g_strdup_printf ("link-down:%s", link->id));
    }
  for (guint i = 0; i < t->sessions->len; i++)
    {
      RwSession *s = t->sessions->pdata[i];
      if (s->up && rw_net_is_ours (after->net, (guint) rw_net_node (after->net, s->a)))
        g_ptr_array_add (failures, g_strdup_printf ("session-down:%s:%s", s->a, s->b));
    }
  for (guint f = 0; f < failures->len; f++)
    {
      const char *one[] = { failures->pdata[f], NULL };
      g_autoptr(RwTwin) a = rw_twin_fork_apply (after, one, NULL);
      g_autoptr(RwTwin) b = NULL;
      const char *first = NULL, *ignored = NULL;
      double with, without;
      if (a == NULL || broken_mbps (a, NULL, &first) <= 0)
        continue;
      b = rw_twin_fork_apply (before, one, NULL);
      with = broken_mbps (a, b, &first);
      without = b ? broken_mbps (b, NULL, &ignored) : 0;
      if (with <= without + 1e-6)
        continue;
      return g_strdup_printf ("after %s, %.0f Mbps of demands would break (%.0f Mbps without the change), among them %s",
                              (char *) failures->pdata[f], with, without, first ? first : "more of the same");
    }
  return NULL;
}

/* ---- act ---- */


static void undo_into (RwTopology *t, const Applied *a);

static gboolean
apply_live (RwAgent *ag, const Hypothesis *h, const Candidate *c, const char *tier, GError **error)
{
  Applied *a = g_new0 (Applied, 1);
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_change_free);
  g_autofree char *diff = NULL, *rollback = NULL;
  g_autoptr(GError) local = NULL;
  /* on a world the change is made to the configuration, whose diff is pushed */
  RwTopology *conf = ag->world ? ag->config : ag->live->topo;
  g_autoptr(RwTopology) before = rw_topology_copy (conf);
  g_autoptr(JsonBuilder) b = payload_new ();
  RwTier t = tier[1] == '1' ? RW_TIER_1 : tier[1] == '2' ? RW_TIER_2 : RW_TIER_3;

  a->tick = ag->tick;
  a->changes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < c->changes->len; i++)
    {
      g_ptr_array_add (a->changes, g_strdup (c->changes->pdata[i]));
      g_ptr_array_add (parsed, rw_change_parse (c->changes->pdata[i], NULL));
    }
  a->hyp_kind = g_strdup (h->kind);
  a->action_kind = g_strdup (c->action_kind);
  strncpy (a->tier, tier, 2);
  /* the exact inverse: the policies and sessions as they were */
  a->saved_policies = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_policy_free);
  a->saved_sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_session_free);
  for (guint i = 0; i < conf->policies->len; i++)
    g_ptr_array_add (a->saved_policies, rw_policy_copy (conf->policies->pdata[i]));
  for (guint i = 0; i < conf->sessions->len; i++)
    g_ptr_array_add (a->saved_sessions, rw_session_copy (conf->sessions->pdata[i]));
  a->sla_before = sla_misses (ag->live);
  a->util_before = ag->live->traffic->max_utilisation;
  a->util_predicted = c->max_util_after;
  a->sla_predicted = c->sla_after;
  if ((ag->world && !rw_changes_apply (ag->config, parsed, &local)) || !rw_changes_apply (ag->live->topo, parsed, &local))
    {
      if (ag->world)
        undo_into (ag->config, a);
      applied_free (a);
      return record (ag, "escalate", "agent", "DETERMINISTIC",
                     payload_strings ("hypothesis", h->kind, "entity", h->entity, "change", (char *) c->changes->pdata[0],
                                      "reason", local->message, NULL),
                     error, "could not apply %s: %s",
                     (char *) c->changes->pdata[0], local->message);
    }
  rw_twin_resolve (ag->live);
  g_ptr_array_add (a->changes, NULL);
  diff = rw_frr_changes_diff (before, (const char *const *) a->changes->pdata, NULL);
  g_ptr_array_remove_index (a->changes, a->changes->len - 1);
  rollback = rw_frr_topology_diff (conf, before, NULL);
  if (ag->world)
    {
      /* pushed to the routers, every command and answer in the audit chain */
      gboolean ok;
      json_builder_set_member_name (b, "world");
      json_builder_add_string_value (b, ag->world->name);
      json_builder_set_member_name (b, "commands");
      json_builder_begin_array (b);
      ok = diff && ag->world->push (ag->world, diff, b, &local);
      json_builder_end_array (b);
      if (!ok)
        {
          g_autofree char *why = g_strdup (local ? local->message : "no configuration for the change");
          g_autoptr(JsonBuilder) rb = payload_new ();
          g_autoptr(GError) again = NULL;
          json_builder_set_member_name (rb, "hypothesis");
          json_builder_add_string_value (rb, h->kind);
          json_builder_set_member_name (rb, "entity");
          json_builder_add_string_value (rb, h->entity);
          json_builder_set_member_name (rb, "change");
          json_builder_add_string_value (rb, c->changes->pdata[0]);
          json_builder_set_member_name (rb, "reason");
          json_builder_add_string_value (rb, why);
          /* what reached the routers is taken back */
          json_builder_set_member_name (rb, "rollback_commands");
          json_builder_begin_array (rb);
          if (rollback && !ag->world->push (ag->world, rollback, rb, &again))
            {
              json_builder_end_array (rb);
              applied_free (a);
              g_propagate_prefixed_error (error, g_steal_pointer (&again), "%s: taking back a failed push: ", ag->world->name);
              return FALSE;
            }
          json_builder_end_array (rb);
          undo_into (ag->config, a);
          undo_into (ag->live->topo, a);
          rw_twin_resolve (ag->live);
          applied_free (a);
          return record (ag, "escalate", "agent", "DETERMINISTIC", g_steal_pointer (&rb), error,
                         "could not push %s to %s: %s", (char *) c->changes->pdata[0], ag->world->name, why);
        }
    }
  g_ptr_array_add (ag->applied, a);
  rw_action_log_add (&ag->actions, ag->tick, t);
  if (ag->first_fault_tick < 0)
    ag->false_actions++;
  add_strv (b, "changes", a->changes);
  json_builder_set_member_name (b, "action_kind");
  json_builder_add_string_value (b, c->action_kind);
  json_builder_set_member_name (b, "hypothesis");
  json_builder_add_string_value (b, h->kind);
  json_builder_set_member_name (b, "entity");
  json_builder_add_string_value (b, h->entity);
  json_builder_set_member_name (b, "tier");
  json_builder_add_string_value (b, tier);
  json_builder_set_member_name (b, "frr_diff");
  json_builder_add_string_value (b, diff ? diff : "");
  json_builder_set_member_name (b, "rollback_diff");
  json_builder_add_string_value (b, rollback ? rollback : "");
  json_builder_set_member_name (b, "predicted_max_utilisation");
  json_builder_add_double_value (b, round (c->max_util_after * 1000) / 1000);
  {
    /* what the agent saw when it acted (telemetry: measured on a world with real traffic) */
    double seen = 0;
    for (guint d = 0; d < 2 * ag->live->traffic->n_links; d++)
      seen = MAX (seen, ag->observed_util[d]);
    json_builder_set_member_name (b, "observed_max_utilisation");
    json_builder_add_double_value (b, round (seen * 1000) / 1000);
  }
  return record (ag, "act", "agent", "DETERMINISTIC", g_steal_pointer (&b), error, "applied %s (%s, %s)",
                 (char *) a->changes->pdata[0], c->action_kind, tier);
}

/* The configuration as it was before @a: policies and session settings (not demands or link
 * states, which are the world's). */
static void
undo_into (RwTopology *t, const Applied *a)
{
  g_ptr_array_set_size (t->policies, 0);
  for (guint i = 0; i < a->saved_policies->len; i++)
    g_ptr_array_add (t->policies, rw_policy_copy (a->saved_policies->pdata[i]));
  for (guint i = 0; i < t->sessions->len && i < a->saved_sessions->len; i++)
    {
      RwSession *live = t->sessions->pdata[i], *saved = a->saved_sessions->pdata[i];
      for (guint e = 0; e < 2; e++)
        {
          g_free (live->ends[e].import);
          g_free (live->ends[e].export);
          live->ends[e].import = g_strdup (saved->ends[e].import);
          live->ends[e].export = g_strdup (saved->ends[e].export);
        }
      live->up = saved->up;
    }
}

/* Takes @a back; on a world the inverse configuration is pushed, its commands into @log
 * (a JSON array being built; nullable). */
static gboolean
restore (RwAgent *ag, Applied *a, JsonBuilder *log, GError **error)
{
  if (ag->world)
    {
      g_autoptr(RwTopology) was = rw_topology_copy (ag->config);
      g_autofree char *diff = NULL;
      undo_into (ag->config, a);
      diff = rw_frr_topology_diff (was, ag->config, error);
      if (diff == NULL || !ag->world->push (ag->world, diff, log, error))
        return FALSE;
    }
  undo_into (ag->live->topo, a);
  rw_twin_resolve (ag->live);
  return TRUE;
}

/* ---- settle and learn ---- */

/* One learning outcome: into the store (when there is one) and the audit chain. @blocked_by names
 * the safety check that refused the proposal, or is NULL for a change that settled. */
static gboolean
learn (RwAgent *ag, const char *hyp_kind, const char *action_kind, double reward, const char *blocked_by, GError **error)
{
  g_autoptr(JsonBuilder) b = payload_new ();
  if (ag->store && !rw_store_learning_record (ag->store, hyp_kind, action_kind, reward, error))
    return FALSE;
  json_builder_set_member_name (b, "hypothesis_kind");
  json_builder_add_string_value (b, hyp_kind);
  json_builder_set_member_name (b, "action_kind");
  json_builder_add_string_value (b, action_kind);
  json_builder_set_member_name (b, "reward");
  json_builder_add_double_value (b, round (reward * 1000) / 1000);
  if (blocked_by)
    {
      json_builder_set_member_name (b, "blocked_by");
      json_builder_add_string_value (b, blocked_by);
      return record (ag, "learn", "learner", "DETERMINISTIC", g_steal_pointer (&b), error,
                     "reward %.2f for %s on %s: the %s refused it", reward, action_kind, hyp_kind, blocked_by);
    }
  return record (ag, "learn", "learner", "DETERMINISTIC", g_steal_pointer (&b), error,
                 "reward %.2f (%.0f %% of the predicted improvement) for %s on %s", reward, 100 * reward, action_kind,
                 hyp_kind);
}

/* How much a network hurts: SLA misses, plus overload above the hot line. */
static double
harm (const RwAgent *ag, guint sla, double util)
{
  return (double) sla + 5.0 * MAX (0.0, util - ag->cfg.hot_utilisation);
}

/* The share of the predicted improvement the change delivered, in [0, 1]: the network now
 * against the same network now without the change (the twin can say what that would be, so a
 * fault that kept growing meanwhile is not blamed on the change, nor a fault that healed by
 * itself credited to it). */
static double
realised_share (const RwAgent *ag, const Applied *a)
{
  double predicted = harm (ag, a->sla_before, a->util_before) - harm (ag, a->sla_predicted, a->util_predicted);
  g_autoptr(RwTopology) without = rw_topology_copy (ag->live->topo);
  g_autoptr(RwTwin) cf = NULL;
  double realised;
  undo_into (without, a);
  cf = rw_twin_new (g_steal_pointer (&without));
  realised = harm (ag, sla_misses (cf), cf->traffic->max_utilisation) -
             harm (ag, sla_misses (ag->live), ag->live->traffic->max_utilisation);
  if (predicted <= 1e-9)
    return realised >= -1e-9 ? 1.0 : 0.0;
  return CLAMP (realised / predicted, 0.0, 1.0);
}

static gboolean
settle (RwAgent *ag, GError **error)
{
  for (guint i = 0; i < ag->applied->len; i++)
    {
      Applied *a = ag->applied->pdata[i];
      guint sla_now;
      double util_now = 0, reward;
      gboolean worse;
      g_autoptr(JsonBuilder) b = NULL;
      if (a->judged || ag->tick < a->tick + ag->cfg.settle_ticks)
        continue;
      a->judged = TRUE;
      sla_now = sla_misses (ag->live);
      for (guint d = 0; d < 2 * ag->live->traffic->n_links; d++)
        util_now = MAX (util_now, ag->observed_util[d]);
      /* worse than before, or a breach the prediction did not foresee */
      worse = sla_now > a->sla_before || (util_now >= 1.0 && util_now > a->util_before + 0.02);
      reward = worse ? 0.0 : realised_share (ag, a);
      b = payload_new ();
      json_builder_set_member_name (b, "observed_max_utilisation");
      json_builder_add_double_value (b, round (util_now * 1000) / 1000);
      json_builder_set_member_name (b, "predicted_max_utilisation");
      json_builder_add_double_value (b, round (a->util_predicted * 1000) / 1000);
      json_builder_set_member_name (b, "sla_misses_before");
      json_builder_add_int_value (b, a->sla_before);
      json_builder_set_member_name (b, "sla_misses_now");
      json_builder_add_int_value (b, sla_now);
      if (!record (ag, "settle", "agent", "DETERMINISTIC", g_steal_pointer (&b), error,
                   "%s: observed %.0f %% max utilisation (predicted %.0f %%), %u SLA misses (were %u)",
                   (char *) a->changes->pdata[0], 100 * util_now, 100 * a->util_predicted, sla_now, a->sla_before))
        return FALSE;
      if (ag->world)
        {
          /* a prediction reality contradicted: worse than before, or clearly worse than the
           * twin said it would be */
          ag->predictions++;
          if (worse || sla_now > a->sla_predicted || util_now > a->util_predicted + 0.05)
            ag->predictions_contradicted++;
        }
      if (worse)
        {
          g_autoptr(JsonBuilder) rb = payload_new ();
          gboolean ok;
          json_builder_set_member_name (rb, "change");
          json_builder_add_string_value (rb, a->changes->pdata[0]);
          json_builder_set_member_name (rb, "hypothesis");
          json_builder_add_string_value (rb, a->hyp_kind);
          json_builder_set_member_name (rb, "action_kind");
          json_builder_add_string_value (rb, a->action_kind);
          if (ag->world)
            {
              json_builder_set_member_name (rb, "commands");
              json_builder_begin_array (rb);
            }
          ok = restore (ag, a, rb, error);
          if (ag->world)
            json_builder_end_array (rb);
          if (!ok)
            return FALSE;
          ag->rollbacks++;
          ag->last_action_rolled_back = TRUE;
          if (!record (ag, "rollback", "agent", "DETERMINISTIC", g_steal_pointer (&rb), error,
                       "rolled back %s: the network got worse", (char *) a->changes->pdata[0]))
            return FALSE;
        }
      else
        ag->last_action_rolled_back = FALSE;
      if (!learn (ag, a->hyp_kind, a->action_kind, reward, NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- one decision: candidates -> debate -> verify -> guard -> (approval) -> act ---- */

/* A proof the watcher sees and may cancel: its cancellable is the thread's current one while it
 * runs, which Z3's checks (rw_z3_check) and the synthesis search obey. @changes is
 * NULL-terminated (NULL for the search). */
static GCancellable *
proof_begin (RwAgent *ag, const Hypothesis *h, const char *const *changes)
{
  GCancellable *c = g_cancellable_new ();
  static const char *const none[] = { NULL };
  g_cancellable_push_current (c);
  if (ag->proof_watch)
    {
      RwProof p = { ag->tick, h->kind, h->entity, changes ? changes : none, changes == NULL, c };
      ag->proof_watch (&p, ag->proof_watch_data);
    }
  return c;
}

/* Ends the proof; when the operator cancelled it, records so (ag->proof_cancelled is then set
 * and the decision stops: nothing is applied). @verdict is what Z3 said by then, if anything. */
static gboolean
proof_end (RwAgent *ag, GCancellable *proof, const Hypothesis *h, const char *const *changes, const RwVerdict *verdict,
           GError **error)
{
  g_autoptr(GCancellable) c = proof;
  g_autoptr(JsonBuilder) b = NULL;
  g_cancellable_pop_current (c);
  if (ag->proof_watch)
    ag->proof_watch (NULL, ag->proof_watch_data);
  if (!g_cancellable_is_cancelled (c))
    return TRUE;
  ag->proof_cancelled = TRUE;
  b = payload_strings ("hypothesis", h->kind, "entity", h->entity, "stage", changes ? "verify" : "synthesis", NULL);
  json_builder_set_member_name (b, "changes");
  json_builder_begin_array (b);
  for (guint i = 0; changes && changes[i]; i++)
    json_builder_add_string_value (b, changes[i]);
  json_builder_end_array (b);
  if (verdict)
    {
      json_builder_set_member_name (b, "verdict");
      json_builder_add_value (b, rw_verdict_to_json (verdict));
    }
  if (changes && changes[0])
    return record (ag, "cancel", "operator", "OPERATOR", g_steal_pointer (&b), error,
                   "the operator cancelled the proof of %s: nothing applied", changes[0]);
  return record (ag, "cancel", "operator", "OPERATOR", g_steal_pointer (&b), error,
                 "the operator cancelled the search for a minimal change: nothing applied");
}

static gboolean
verify_candidate (RwAgent *ag, const RwTwin *model, const Hypothesis *h, Candidate *c, gboolean *safe, GError **error)
{
  GCancellable *proof;
  gboolean ended;
  RwSafetyParams p;
  g_autoptr(RwVerdict) v = NULL;
  g_autoptr(JsonBuilder) b = payload_new ();
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(GError) bad = NULL;
  rw_safety_params_init (&p);
  p.k = 1;
  p.timeout_ms = ag->cfg.z3_timeout_ms;
  p.confidence = h->confidence;
  p.min_confidence = ag->cfg.t2_confidence; /* below T2's floor nothing may act on its own */
  p.robust_relative_to = model;
  p.rules_relative = TRUE;
  p.stop_at_violation = TRUE;
  g_ptr_array_add (c->changes, NULL);
  proof = proof_begin (ag, h, (const char *const *) c->changes->pdata);
  v = rw_safety_verify (model, (const char *const *) c->changes->pdata, &p, &bad);
  ended = proof_end (ag, proof, h, (const char *const *) c->changes->pdata, v, error);
  g_ptr_array_remove_index (c->changes, c->changes->len - 1);
  rw_safety_params_clear (&p);
  if (!ended)
    return FALSE;
  if (ag->proof_cancelled)
    {
      *safe = FALSE;
      return TRUE;
    }
  if (v == NULL)
    {
      *safe = FALSE;
      return record (ag, "verify", "z3", "DETERMINISTIC", NULL, error, "%s is not a valid change: %s",
                     (char *) c->changes->pdata[0], bad->message);
    }
  *safe = v->safe;
  doc = rw_verdict_to_json (v);
  json_builder_set_member_name (b, "changes");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->changes->len; i++)
    json_builder_add_string_value (b, c->changes->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_value (b, json_node_copy (doc));
  return record (ag, "verify", "z3", "DETERMINISTIC", g_steal_pointer (&b), error, "%s: %s%s%s",
                 (char *) c->changes->pdata[0], v->unknown ? "UNKNOWN (unsafe)" : v->safe ? "safe" : "UNSAFE",
                 v->violations->len ? " — " : v->cex_message ? " — " : "",
                 v->violations->len ? ((RwViolation *) v->violations->pdata[0])->message : v->cex_message ? v->cex_message : "");
}

/* What the agent sees of the network, as far as an escalated problem's answer could depend on
 * it: links and sessions down, the changes in force, the demands missing their SLA and whether
 * a link is hot. A new key means the problem deserves a new look. */
static char *
network_state_key (const RwAgent *ag, const RwTwin *model)
{
  GString *k = g_string_new (NULL);
  const RwTopology *t = ag->live->topo;
  for (guint l = 0; l < t->links->len; l++)
    if (!((RwLink *) t->links->pdata[l])->up)
      g_string_append_printf (k, "link %s down;", ((RwLink *) t->links->pdata[l])->id);
  for (guint i = 0; i < t->sessions->len; i++)
    if (!((RwSession *) t->sessions->pdata[i])->up)
      g_string_append_printf (k, "session %s-%s down;", ((RwSession *) t->sessions->pdata[i])->a,
                              ((RwSession *) t->sessions->pdata[i])->b);
  g_string_append_printf (k, "changes %u;sla %u;hot %d", ag->applied->len, sla_misses (model),
                          model->traffic->max_utilisation >= ag->cfg.hot_utilisation);
  return g_string_free (k, FALSE);
}

/* Hand a problem to a human. The problem stays open: decide() looks at it again while it lasts
 * (network_state_key, reevaluate_ticks), and a human is paged once for one problem and one
 * reason — a look that ends the same way is recorded, not paged again. */
static gboolean
escalate (RwAgent *ag, Hypothesis *h, const RwTwin *model, const char *why, GError **error)
{
  gboolean page = g_strcmp0 (h->paged_for, why) != 0;
  g_autoptr(JsonBuilder) b = payload_strings ("hypothesis", h->kind, "entity", h->entity, "reason", why, NULL);
  h->escalated = TRUE;
  h->escalated_tick = ag->tick;
  g_free (h->escalated_state);
  h->escalated_state = network_state_key (ag, model);
  json_builder_set_member_name (b, "paged");
  json_builder_add_boolean_value (b, page);
  if (!page)
    return record (ag, "escalate", "agent", "DETERMINISTIC", g_steal_pointer (&b), error,
                   "%s %s still needs a human: %s (paged at tick %u; not paged again)", h->kind, h->entity, why,
                   h->paged_tick);
  ag->escalations++;
  g_free (h->paged_for);
  h->paged_for = g_strdup (why);
  h->paged_tick = ag->tick;
  return record (ag, "escalate", "agent", "DETERMINISTIC", g_steal_pointer (&b), error,
                 "%s %s needs a human: %s", h->kind, h->entity, why);
}

/* An escalated problem that lasts gets a new look when the network changed since (at most every
 * reevaluate_min_ticks) or every reevaluate_ticks: growth that no change could fix at first may
 * be fixable later, and a proof that found no answer may find one. Returns why, or NULL. */
static const char *
reevaluation_due (const RwAgent *ag, const RwTwin *model, const Hypothesis *h)
{
  g_autofree char *now = NULL;
  if (ag->tick < h->escalated_tick + MAX (ag->cfg.reevaluate_min_ticks, 1))
    return NULL;
  if (ag->tick >= h->escalated_tick + MAX (ag->cfg.reevaluate_ticks, 1))
    return "it has lasted";
  now = network_state_key (ag, model);
  return g_strcmp0 (now, h->escalated_state) != 0 ? "the network changed" : NULL;
}

/* Problems that need a configuration answer right now. */
static gboolean
actionable (RwAgent *ag, const RwTwin *model, Hypothesis *h)
{
  if (g_strcmp0 (h->kind, "link_down") == 0)
    return FALSE; /* BGP already routes around a cut; its effects show up as congestion */
  if (g_strcmp0 (h->kind, "session_fault") == 0)
    {
      guint si = 0;
      return session_for_entity (model->topo, h->entity, &si) != NULL && ag->flaps[si] >= 3;
    }
  if (g_strcmp0 (h->kind, "route_leak") == 0)
    return TRUE;
  /* congestion and degradation: act while the network is actually hurting */
  return sla_misses (model) > 0 || model->traffic->max_utilisation >= ag->cfg.hot_utilisation;
}

/* The operator's answer: the app's approver when there is one, else the scenario's script. */
static RwAnswer
ask_operator (RwAgent *ag, const RwTwin *model, const Hypothesis *h, Candidate *c, const char *tier, char **modified)
{
  RwApprovalRequest req = { 0 };
  g_autofree char *diff = NULL;
  const char *verdict = NULL;
  RwAnswer ans;
  if (ag->approver == NULL)
    return rw_scenario_answer (ag->sc, tier);
  for (guint i = ag->timeline->len; i > 0 && verdict == NULL; i--)
    {
      RwTimelineEvent *e = ag->timeline->pdata[i - 1];
      if (g_strcmp0 (e->kind, "verify") == 0)
        verdict = e->summary;
    }
  g_ptr_array_add (c->changes, NULL);
  diff = rw_frr_changes_diff (model->topo, (const char *const *) c->changes->pdata, NULL);
  req.changes = (const char *const *) c->changes->pdata;
  req.tick = ag->tick;
  req.tier = tier;
  req.mode = ag->mode;
  req.hypothesis_kind = h->kind;
  req.entity = h->entity;
  req.explains = h->explains;
  req.confidence = h->confidence;
  req.action_kind = c->action_kind;
  req.blast_radius = c->blast;
  req.max_util_before = model->traffic->max_utilisation;
  req.max_util_after = c->max_util_after;
  req.sla_misses_before = sla_misses (model);
  req.sla_misses_after = c->sla_after;
  req.verdict = ag->cfg.use_z3 ? verdict : NULL;
  req.frr_diff = diff;
  req.ttl_ticks = ag->cfg.t2_ttl_ticks;
  req.model = model;
  ans = ag->approver (&req, modified, ag->approver_data);
  g_ptr_array_remove_index (c->changes, c->changes->len - 1);
  if (ans == RW_ANSWER_MODIFY && (modified == NULL || *modified == NULL))
    ans = RW_ANSWER_REJECT;
  return ans;
}

/* A proposal a safety check refused: counted, recorded with the rule and its reason, and — it
 * delivered none of its predicted improvement — a learning outcome of 0 when there is a store,
 * so a kind of action that keeps being refused for a kind of problem is tried later next time,
 * which saves the screens and proofs it would fail. */
static gboolean
block (RwAgent *ag, const Hypothesis *h, const Candidate *c, const char *rule, const char *reason, GError **error)
{
  ag->blocked++;
  if (!record (ag, "guard", "guard", "DETERMINISTIC",
               payload_strings ("change", (char *) c->changes->pdata[0], "verdict", "blocked", "rule", rule, "reason", reason,
                                NULL),
               error, "blocked %s: %s", (char *) c->changes->pdata[0], reason))
    return FALSE;
  return ag->store == NULL || learn (ag, h->kind, c->action_kind, 0.0, rule, error);
}

/* The guard on a safe candidate: its tier, escalated by the rate limits, recorded with the rule
 * that escalated it. */
static gboolean
guard (RwAgent *ag, const Hypothesis *h, const Candidate *c, RwTier *tier, GError **error)
{
  g_autofree char *rule = NULL;
  g_autoptr(JsonBuilder) b = payload_new ();
  RwTier t = rw_guard_tier (&ag->cfg, h->confidence, c->blast);
  t = rw_guard_rate_limit (&ag->cfg, t, &ag->actions, ag->tick, ag->sc->tick_s, &rule);
  *tier = t;
  json_builder_set_member_name (b, "tier");
  json_builder_add_string_value (b, rw_tier_to_string (t));
  json_builder_set_member_name (b, "confidence");
  json_builder_add_double_value (b, round (h->confidence * 100) / 100);
  json_builder_set_member_name (b, "blast_radius");
  json_builder_add_double_value (b, round (c->blast * 1000) / 1000);
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, rw_mode_to_string (ag->mode));
  json_builder_set_member_name (b, "acts_alone");
  json_builder_add_boolean_value (b, rw_guard_acts_alone (ag->mode, t));
  json_builder_set_member_name (b, "rule");
  if (rule)
    json_builder_add_string_value (b, rule);
  else
    json_builder_add_null_value (b);
  return record (ag, "guard", "guard", "DETERMINISTIC", g_steal_pointer (&b), error,
                 "%s: tier %s (confidence %.2f, blast radius %.0f %%), mode %s%s%s", (char *) c->changes->pdata[0],
                 rw_tier_to_string (t), h->confidence, 100 * c->blast, rw_mode_to_string (ag->mode), rule ? "; " : "",
                 rule ? rule : "");
}

/* A problem that no longer needs a configuration answer: an open escalation is closed (and
 * recorded), and once it has stayed away for reevaluate_ticks a return is a new problem that
 * may page a human again. */
static gboolean
problem_gone (RwAgent *ag, Hypothesis *h, GError **error)
{
  if (h->gone_since == SETTLE_NONE)
    h->gone_since = ag->tick;
  if (h->paged_for && ag->tick >= h->gone_since + ag->cfg.reevaluate_ticks)
    g_clear_pointer (&h->paged_for, g_free);
  if (!h->escalated)
    return TRUE;
  h->escalated = FALSE;
  return record (ag, "reevaluate", "agent", "DETERMINISTIC",
                 payload_strings ("hypothesis", h->kind, "entity", h->entity, "why", "gone", NULL), error,
                 "%s %s, escalated at tick %u, no longer needs an answer", h->kind, h->entity, h->escalated_tick);
}

/* Whether the link a congestion or degradation is about does harm now: it carries more than it
 * can (measured), or a demand crossing it is lost or misses its SLA in the model. Growth that
 * no policy can place is then a human's problem, not something to note once and forget. */
#define HARM_NO_FIX "no policy change can help and the link does harm now"

/* Whether @h went to a human for @why within the last reevaluate_ticks: a problem that flickers
 * around a threshold comes back every few ticks, and each return is not news. */
static gboolean
escalated_lately (const RwAgent *ag, const Hypothesis *h, const char *why)
{
  return g_strcmp0 (h->paged_for, why) == 0 && ag->tick < h->escalated_tick + MAX (ag->cfg.reevaluate_ticks, 1);
}

static gint
hyp_link (const RwTwin *model, const Hypothesis *h)
{
  if (g_strcmp0 (h->kind, "congestion") != 0 && g_strcmp0 (h->kind, "degradation") != 0)
    return -1;
  for (guint i = 0; i < model->topo->links->len; i++)
    if (g_strcmp0 (((RwLink *) model->topo->links->pdata[i])->id, h->entity) == 0)
      return (gint) i;
  return -1;
}

static gboolean
crosses (const RwDemandResult *r, gint l)
{
  return l >= 0 && (hops_contain (r->hops, 2 * (guint) l) || hops_contain (r->hops, 2 * (guint) l + 1));
}

/* Whether the link a congestion or degradation is about does harm now that no open escalation
 * already covers: it carries more than it can (measured), or a demand crossing it is lost or
 * misses its SLA in the model and crosses no other link already with a human. Growth that no
 * policy can place is then a human's problem, not something to note once and forget; and one
 * flood over two links is one page, not two. */
static gboolean
link_harms_now (const RwAgent *ag, const RwTwin *model, const Hypothesis *h)
{
  gint l = hyp_link (model, h);
  g_autoptr(GArray) others = NULL; /* gint: links of the other problems already with a human */
  if (l < 0)
    return FALSE;
  others = g_array_new (FALSE, FALSE, sizeof (gint));
  for (guint i = 0; i < ag->hyp_order->len; i++)
    {
      const Hypothesis *o = g_hash_table_lookup (ag->hyps, ag->hyp_order->pdata[i]);
      gint ol = o != h && o->escalated ? hyp_link (model, o) : -1;
      if (ol >= 0)
        g_array_append_val (others, ol);
    }
  for (guint d = 0; d < model->traffic->demands->len; d++)
    {
      const RwDemandResult *r = model->traffic->demands->pdata[d];
      gboolean harmed = (r->status != RW_DEMAND_OK || !r->sla_ok) && crosses (r, l);
      gboolean covered = FALSE;
      for (guint i = 0; harmed && i < others->len && !covered; i++)
        covered = crosses (r, g_array_index (others, gint, i));
      if (harmed && !covered)
        return TRUE;
    }
  if (ag->observed_util[2 * l] < 1.0 && ag->observed_util[2 * l + 1] < 1.0)
    return FALSE;
  /* overloaded with no demand of its own harmed: still news unless another open escalation
   * carries the same traffic */
  for (guint d = 0; d < model->traffic->demands->len; d++)
    for (guint i = 0; i < others->len; i++)
      if (crosses (model->traffic->demands->pdata[d], l) && crosses (model->traffic->demands->pdata[d], g_array_index (others, gint, i)))
        return FALSE;
  return TRUE;
}

static gboolean
decide (RwAgent *ag, GError **error)
{
  g_autoptr(RwTwin) model = NULL;
  gboolean pending = FALSE;
  for (guint i = 0; i < ag->applied->len; i++)
    pending |= !((Applied *) ag->applied->pdata[i])->judged;
  if (pending)
    return TRUE; /* one change at a time: wait for the last one to settle */
  ag->proof_cancelled = FALSE;
  model = model_twin (ag);
  for (guint hi = 0; hi < 4 * ag->hyp_order->len; hi++)
    {
      /* root causes before their symptoms: leaks, flapping sessions, degraded links, then
       * congestion, each group in the order the hypotheses appeared */
      static const char *order[] = { "route_leak", "session_fault", "degradation", "congestion" };
      Hypothesis *h = g_hash_table_lookup (ag->hyps, ag->hyp_order->pdata[hi % ag->hyp_order->len]);
      if (g_strcmp0 (h->kind, order[hi / ag->hyp_order->len]) != 0)
        continue;
      g_autoptr(GPtrArray) cands = NULL;
      g_autoptr(JsonBuilder) b = NULL;
      Candidate *chosen = NULL;
      guint tries = 0;
      if (!actionable (ag, model, h))
        {
          if (!problem_gone (ag, h, error))
            return FALSE;
          continue;
        }
      h->gone_since = SETTLE_NONE;
      if (h->confidence < ag->cfg.t2_confidence)
        continue; /* a spike until it persists or detectors agree: not worth a change or a page */
      if (h->escalated)
        {
          const char *why = reevaluation_due (ag, model, h);
          if (why == NULL)
            continue;
          h->escalated_tick = ag->tick;
          g_free (h->escalated_state);
          h->escalated_state = network_state_key (ag, model);
          h->handled_tick = SETTLE_NONE;
          if (!record (ag, "reevaluate", "agent", "DETERMINISTIC",
                       payload_strings ("hypothesis", h->kind, "entity", h->entity, "why", why, NULL), error,
                       "%s %s, escalated and still there: looking again (%s)", h->kind, h->entity, why))
            return FALSE;
        }
      if (h->handled_tick != SETTLE_NONE && ag->tick < h->handled_tick + ag->cfg.settle_ticks + 1)
        continue;
      cands = candidates_for (ag, model, h);
      g_ptr_array_sort (cands, candidate_cmp);
      if (((Candidate *) cands->pdata[0])->changes->len == 0 && h->handled_tick != SETTLE_NONE)
        {
          h->handled_tick = ag->tick; /* still nothing worth doing: said once already */
          if (!h->escalated && link_harms_now (ag, model, h) && !escalated_lately (ag, h, HARM_NO_FIX) &&
              !escalate (ag, h, model, HARM_NO_FIX, error))
            return FALSE;
          continue;
        }
      b = payload_new ();
      json_builder_set_member_name (b, "hypothesis");
      json_builder_add_string_value (b, h->kind);
      json_builder_set_member_name (b, "entity");
      json_builder_add_string_value (b, h->entity);
      json_builder_set_member_name (b, "candidates");
      json_builder_begin_array (b);
      for (guint i = 0; i < cands->len && i < 8; i++)
        {
          Candidate *c = cands->pdata[i];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "action");
          json_builder_add_string_value (b, c->action_kind);
          add_strv (b, "changes", c->changes);
          json_builder_set_member_name (b, "utility");
          if (c->utility == -G_MAXDOUBLE || !isfinite (c->utility))
            json_builder_add_null_value (b); /* not evaluated: the change could not apply or did nothing */
          else
            json_builder_add_double_value (b, round (c->utility * 100) / 100);
          json_builder_set_member_name (b, "max_utilisation_after");
          json_builder_add_double_value (b, round (c->max_util_after * 1000) / 1000);
          json_builder_set_member_name (b, "blast_radius");
          json_builder_add_double_value (b, round (c->blast * 1000) / 1000);
          json_builder_set_member_name (b, "sla_misses_after");
          json_builder_add_int_value (b, c->sla_after);
          json_builder_set_member_name (b, "prior");
          json_builder_add_double_value (b, round (c->prior * 1000) / 1000);
          json_builder_set_member_name (b, "transit_cost_change");
          json_builder_add_double_value (b, round (c->cost_change * 100) / 100);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      if (!record (ag, "decision", "decider", "DETERMINISTIC", g_steal_pointer (&b), error, "%u candidates for %s %s; best: %s (utility %.2f)",
                   cands->len, h->kind, h->entity,
                   ((Candidate *) cands->pdata[0])->changes->len ? (char *) ((Candidate *) cands->pdata[0])->changes->pdata[0] : "no action",
                   ((Candidate *) cands->pdata[0])->utility))
        return FALSE;
      h->handled_tick = ag->tick;

      /* the best candidates in turn: debate if risky, verify, guard */
      for (guint i = 0; i < cands->len && tries < 6 && chosen == NULL; i++)
        {
          Candidate *c = cands->pdata[i];
          gboolean safe = FALSE;
          const char *tier;
          RwTier t;
          if (c->changes->len == 0 || c->utility <= 0.5)
            break; /* nothing better than leaving it */
          tries++;
          tier = rw_tier_to_string (rw_guard_tier (&ag->cfg, h->confidence, c->blast));
          if (g_strcmp0 (tier, "T1") != 0 && i + 1 < cands->len && ((Candidate *) cands->pdata[i + 1])->changes->len)
            {
              /* debate: the runner-up challenges on fragility and rollback cost */
              Candidate *r = cands->pdata[i + 1];
              g_autoptr(RwTwin) ta = NULL, tb2 = NULL;
              guint fa, fb;
              ta = fork_with (model, c->changes);
              tb2 = fork_with (model, r->changes);
              fa = ta ? fragility (ta) : 99;
              fb = tb2 ? fragility (tb2) : 99;
              if (!record (ag, "debate", "decider", "DETERMINISTIC", NULL, error,
                           "for %s: utility %.2f, %u single-link failures break a demand, %u change(s) to roll back. "
                           "Against, %s: utility %.2f, %u breaking failures, %u change(s). %s",
                           (char *) c->changes->pdata[0], c->utility, fa, c->changes->len, (char *) r->changes->pdata[0],
                           r->utility, fb, r->changes->len,
                           fb < fa && r->utility > 0.8 * c->utility ? "The challenger wins: more robust at little cost." : "The proposal stands."))
                return FALSE;
              if (fb < fa && r->utility > 0.8 * c->utility)
                {
                  c = r;
                  i++;
                  tier = rw_tier_to_string (rw_guard_tier (&ag->cfg, h->confidence, c->blast));
                }
            }
          {
            /* screen on the twin first: a change that makes the network more fragile is out */
            g_autoptr(RwTwin) after = NULL;
            g_autofree char *fragile = NULL;
            after = fork_with (model, c->changes);
            fragile = after ? new_fragility (model, after) : g_strdup ("it cannot be applied");
            if (fragile)
              {
                if (!block (ag, h, c, "robustness screen", fragile, error))
                  return FALSE;
                continue;
              }
          }
          if (ag->cfg.use_z3)
            {
              if (!verify_candidate (ag, model, h, c, &safe, error))
                return FALSE;
              if (ag->proof_cancelled)
                return TRUE;
            }
          else
            safe = c->new_problems == 0;
          if (!safe)
            {
              if (!block (ag, h, c, "verification", "not proven safe", error))
                return FALSE;
              continue;
            }
          if (!guard (ag, h, c, &t, error))
            return FALSE;
          tier = rw_tier_to_string (t);
          {
            gboolean auto_ok = rw_guard_acts_alone (ag->mode, t);
            g_autofree char *modified = NULL;
            RwAnswer ans = auto_ok ? RW_ANSWER_APPROVE : ask_operator (ag, model, h, c, tier, &modified);
            if (ag->mode == RW_MODE_SHADOW)
              {
                /* propose only; the operator's verdict is the agreement signal, per tier, and a
                 * tier that earned it (graduation) may act */
                double rate = 0;
                gboolean graduated = ag->store && g_strcmp0 (tier, "T1") == 0 && rw_shadow_graduated (ag->store, tier, &rate, NULL);
                if (ans == RW_ANSWER_MODIFY)
                  ans = RW_ANSWER_REJECT; /* a proposal the operator would change is a disagreement */
                if (ag->store && !rw_store_shadow_record (ag->store, ag->run_id, tier, c->changes->pdata[0], ans == RW_ANSWER_APPROVE, error))
                  return FALSE;
                if (!record (ag, "approval", "operator", "OPERATOR",
                             payload_strings ("tier", tier, "change", (char *) c->changes->pdata[0],
                                              "answer", ans == RW_ANSWER_APPROVE ? "agree" : "disagree", "mode", "shadow", NULL),
                             error, "shadow mode: proposed %s (%s), operator %s%s",
                             (char *) c->changes->pdata[0], tier, ans == RW_ANSWER_APPROVE ? "agrees" : "disagrees",
                             graduated ? "; T1 has graduated, so the agent acts" : ""))
                  return FALSE;
                if (!graduated)
                  {
                    chosen = c;
                    break;
                  }
                auto_ok = TRUE;
              }
            if (!auto_ok && ans == RW_ANSWER_MODIFY)
              {
                /* the operator's own value: simulated, verified and guarded like any candidate */
                Candidate *mc = evaluate (ag, model, h, c->action_kind, strv1 (g_steal_pointer (&modified)));
                gboolean msafe = FALSE;
                g_ptr_array_add (cands, mc);
                if (!record (ag, "approval", "operator", "OPERATOR",
                             payload_strings ("tier", tier, "change", (char *) c->changes->pdata[0], "answer", "modify",
                                              "modified_to", (char *) mc->changes->pdata[0], NULL),
                             error, "%s request for %s: operator modified it to %s",
                             tier, (char *) c->changes->pdata[0], (char *) mc->changes->pdata[0]))
                  return FALSE;
                if (mc->utility == -G_MAXDOUBLE)
                  msafe = FALSE;
                else if (ag->cfg.use_z3)
                  {
                    if (!verify_candidate (ag, model, h, mc, &msafe, error))
                      return FALSE;
                    if (ag->proof_cancelled)
                      return TRUE;
                  }
                else
                  msafe = mc->new_problems == 0;
                if (!msafe)
                  {
                    ag->blocked++;
                    if (!record (ag, "guard", "guard", "DETERMINISTIC",
                                 payload_strings ("change", (char *) mc->changes->pdata[0], "verdict", "blocked",
                                                  "rule", "verification", "reason", "the operator's change is not proven safe", NULL),
                                 error, "blocked the operator's %s: not proven safe",
                                 (char *) mc->changes->pdata[0]) ||
                        !escalate (ag, h, model, "the operator's change is not safe", error))
                      return FALSE;
                    chosen = mc;
                    break;
                  }
                c = mc;
                ans = RW_ANSWER_APPROVE;
              }
            if (!auto_ok)
              {
                const char *word = ans == RW_ANSWER_APPROVE ? "approved" : ans == RW_ANSWER_REJECT ? "rejected" : "did not answer";
                if (!record (ag, "approval", "operator", "OPERATOR",
                             payload_strings ("tier", tier, "change", (char *) c->changes->pdata[0],
                                              "answer", ans == RW_ANSWER_APPROVE ? "approve" : ans == RW_ANSWER_REJECT ? "reject" : "timeout", NULL),
                             error, "%s request for %s: operator %s",
                             tier, (char *) c->changes->pdata[0], word))
                  return FALSE;
                if (!rw_guard_answer_applies (t, ans))
                  {
                    if (!escalate (ag, h, model, "the operator did not approve the change", error))
                      return FALSE;
                    chosen = c;
                    break;
                  }
                /* T2 timeout: applies itself after the TTL */
              }
            if (!apply_live (ag, h, c, tier, error))
              return FALSE;
            chosen = c;
          }
        }
      if (chosen == NULL && ((Candidate *) cands->pdata[0])->changes->len > 0 && ag->cfg.use_z3)
        {
          /* heuristics fell short: ask Z3 for the minimal change */
          RwSafetyParams p;
          g_autoptr(RwSynthResult) r = NULL;
          GCancellable *proof;
          rw_safety_params_init (&p);
          p.synth_proofs = 0; /* verify_candidate proves it below, with the agent's rules */
          proof = proof_begin (ag, h, NULL);
          r = rw_safety_synthesise (model, &p);
          rw_safety_params_clear (&p);
          if (!proof_end (ag, proof, h, NULL, NULL, error))
            return FALSE;
          if (ag->proof_cancelled)
            return TRUE;
          if (!record (ag, "decision", "z3", "DETERMINISTIC", NULL, error, "synthesis: %s",
                       r->found && r->changes->len ? "found a minimal change" : r->reason ? r->reason : "nothing"))
            return FALSE;
          if (r->found && r->changes->len)
            {
              GPtrArray *ch = g_ptr_array_new_with_free_func (g_free);
              Candidate *sc;
              gboolean safe = FALSE;
              for (guint i = 0; i < r->changes->len; i++)
                g_ptr_array_add (ch, g_strdup (r->changes->pdata[i]));
              sc = evaluate (ag, model, h, "synthesis", ch);
              g_ptr_array_add (cands, sc);
              if (!verify_candidate (ag, model, h, sc, &safe, error))
                return FALSE;
              if (ag->proof_cancelled)
                return TRUE;
              if (safe)
                {
                  RwTier st;
                  const char *tier;
                  if (!guard (ag, h, sc, &st, error))
                    return FALSE;
                  tier = rw_tier_to_string (st);
                  if (ag->mode != RW_MODE_SHADOW &&
                      (rw_guard_acts_alone (ag->mode, st) ||
                       rw_guard_answer_applies (st, ask_operator (ag, model, h, sc, tier, NULL))))
                    {
                      if (!apply_live (ag, h, sc, tier, error))
                        return FALSE;
                      chosen = sc;
                    }
                }
              else
                ag->blocked++;
            }
          if (chosen == NULL && !escalate (ag, h, model, "no candidate is both effective and proven safe", error))
            return FALSE;
        }
      if (chosen == NULL && ((Candidate *) cands->pdata[0])->changes->len == 0 && link_harms_now (ag, model, h) &&
          !escalated_lately (ag, h, HARM_NO_FIX) && !escalate (ag, h, model, HARM_NO_FIX, error))
        return FALSE;
      if (chosen)
        break; /* one change per tick */
    }
  return TRUE;
}

/* ---- the loop ---- */

static gboolean
recovered_now (const RwAgent *ag)
{
  double util = 0;
  for (guint d = 0; d < 2 * ag->live->traffic->n_links; d++)
    util = MAX (util, ag->observed_util[d]);
  return sla_misses (ag->live) == 0 && util <= ag->cfg.hot_utilisation;
}

gboolean
rw_agent_step (RwAgent *ag, GError **error)
{
  g_autoptr(GPtrArray) anomalies = NULL;
  if (ag->tick >= ag->max_ticks)
    return FALSE;
  if (!inject (ag, error))
    return FALSE;
  if (ag->world && !sync_world (ag, error))
    return FALSE;
  observe (ag);
  {
    guint n_changes = 0;
    g_autoptr(GPtrArray) syslog = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *summary = route_events (ag, &n_changes, syslog);
    if (summary && ag->tick > 0)
      {
        g_autoptr(JsonBuilder) b = payload_new ();
        json_builder_set_member_name (b, "route_events");
        json_builder_add_int_value (b, n_changes);
        add_strv (b, "syslog", syslog);
        if (!record (ag, "observe", "telemetry", "DETERMINISTIC", g_steal_pointer (&b), error, "%s", summary))
          return FALSE;
      }
  }
  anomalies = detect (ag);
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
        g_autoptr(JsonBuilder) b = payload_new ();
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
        if (!record (ag, "anomaly", "detector", "DETERMINISTIC", g_steal_pointer (&b), error, "%s %s = %.3g (%s)", a->metric,
                     a->entity, a->value, a->flags & FLAG_STATE ? "state" : a->flags & FLAG_ROUTE ? "route" : flags))
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
  if (!reason (ag, anomalies, error))
    return FALSE;
  if (ag->tick >= ag->sc->baseline_ticks && !decide (ag, error))
    return FALSE;
  if (!settle (ag, error))
    return FALSE;
  if (ag->first_fault_tick >= 0 && ag->tick >= (guint) ag->first_fault_tick)
    {
      /* impairment episodes after a fault: from the first tick an SLA is missed or a link is
       * hot, to the first tick everything is well again */
      gboolean well = recovered_now (ag);
      if (well)
        {
          if (ag->recovered_tick < 0)
            ag->recovered_tick = (gint) ag->tick;
          if (ag->episode_start >= 0)
            {
              ag->episodes++;
              ag->episode_ticks += ag->tick - ag->episode_start;
              if (ag->world && ag->tick < ag->real_us->len)
                ag->real_episode_s += (g_array_index (ag->real_us, gint64, ag->tick) -
                                       g_array_index (ag->real_us, gint64, ag->episode_start)) / 1e6;
              ag->episode_start = -1;
            }
        }
      else
        {
          ag->recovered_tick = -1;
          if (ag->episode_start < 0)
            ag->episode_start = (gint) ag->tick;
        }
    }
  ag->tick++;
  return TRUE;
}

RwAgent *
rw_agent_new (const RwScenario *sc, RwStore *store, const RwGuardConfig *config, GError **error)
{
  RwAgent *ag = g_new0 (RwAgent, 1);
  guint nd;
  ag->sc = sc;
  ag->mode = sc->mode;
  ag->max_ticks = sc->ticks;
  ag->events = g_ptr_array_new ();
  for (guint i = 0; i < sc->events->len; i++)
    g_ptr_array_add (ag->events, sc->events->pdata[i]);
  ag->injected = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_scenario_event_free);
  ag->store = store;
  if (config)
    ag->cfg = *config;
  else
    rw_guard_config_init (&ag->cfg);
  ag->rng = g_rand_new_with_seed (sc->seed);
  ag->live = rw_twin_new (rw_topology_copy (sc->topology));
  nd = 2 * ag->live->traffic->n_links;
  ag->timeline = g_ptr_array_new_with_free_func ((GDestroyNotify) timeline_event_free);
  ag->series = rw_series_store_new (MAX (sc->baseline_ticks, 64));
  ag->ewma = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) rw_ewma_free);
  ag->ewma_streak = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ag->baseline_rows = g_array_new (FALSE, FALSE, sizeof (double));
  ag->observed_util = g_new0 (double, nd + 1);
  ag->observed_loss = g_new0 (double, nd + 1);
  ag->observed_lat = g_new0 (double, nd + 1);
  ag->observed_mbps = g_new0 (double, sc->topology->demands->len + 1);
  ag->baseline_mbps = g_new0 (double, sc->topology->demands->len + 1);
  ag->baseline_hops = g_new0 (GArray *, sc->topology->demands->len + 1);
  ag->prev_sess_up = g_new0 (gboolean, sc->topology->sessions->len + 1);
  ag->flaps = g_new0 (guint, sc->topology->sessions->len + 1);
  for (guint s = 0; s < sc->topology->sessions->len; s++)
    {
      RwSession *sess = sc->topology->sessions->pdata[s];
      gint a = rw_net_find_adj (ag->live->net, (guint) rw_net_node (ag->live->net, sess->a), (guint) rw_net_node (ag->live->net, sess->b));
      ag->prev_sess_up[s] = a >= 0 && ag->live->net->adjs[a].up;
    }
  ag->prev_best = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ag->cpu = g_new0 (double, ag->live->net->n_nodes + 1);
  ag->cpu_extra = g_new0 (double, ag->live->net->n_nodes + 1);
  ag->prev_link_state = g_new0 (gboolean, sc->topology->links->len + 1);
  for (guint l = 0; l < sc->topology->links->len; l++)
    ag->prev_link_state[l] = ((RwLink *) sc->topology->links->pdata[l])->up;
  ag->baseline_prefixes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint p = 0; p < ag->live->bgp->n_prefixes; p++)
    g_hash_table_insert (ag->baseline_prefixes, rw_prefix_to_string (&ag->live->bgp->prefixes[p]),
                         GUINT_TO_POINTER (origin_as (ag->live, p) + 1));
  ag->open_anomalies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ag->hyps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) hyp_free);
  ag->hyp_order = g_ptr_array_new_with_free_func (g_free);
  ag->applied = g_ptr_array_new_with_free_func ((GDestroyNotify) applied_free);
  rw_action_log_init (&ag->actions);
  ag->first_fault_tick = ag->first_anomaly_tick = ag->recovered_tick = -1;
  ag->episode_start = -1;
  ag->fault_ticks = g_array_new (FALSE, FALSE, sizeof (gint));
  ag->detect_ticks = g_array_new (FALSE, FALSE, sizeof (gint));
  if (store)
    {
      ag->run_id = rw_store_begin_run (store, sc->name, sc->seed, rw_mode_to_string (sc->mode), error);
      if (ag->run_id < 0)
        {
          rw_agent_free (ag);
          return NULL;
        }
    }
  if (!record (ag, "run", "agent", "DETERMINISTIC", NULL, error, "run of %s (seed %u, %u ticks of %.0f s, mode %s)", sc->name,
               sc->seed, sc->ticks, sc->tick_s, rw_mode_to_string (sc->mode)))
    {
      rw_agent_free (ag);
      return NULL;
    }
  return ag;
}

void
rw_agent_free (RwAgent *ag)
{
  if (ag == NULL)
    return;
  g_rand_free (ag->rng);
  g_ptr_array_unref (ag->events);
  g_ptr_array_unref (ag->injected);
  rw_twin_free (ag->live);
  g_ptr_array_unref (ag->timeline);
  rw_series_store_free (ag->series);
  g_hash_table_unref (ag->ewma);
  g_hash_table_unref (ag->ewma_streak);
  g_clear_pointer (&ag->forest, rw_iforest_free);
  g_array_unref (ag->baseline_rows);
  g_free (ag->observed_util);
  g_free (ag->observed_loss);
  g_free (ag->observed_lat);
  g_free (ag->observed_mbps);
  g_free (ag->baseline_mbps);
  for (guint i = 0; i < ag->sc->topology->demands->len; i++)
    if (ag->baseline_hops[i])
      g_array_unref (ag->baseline_hops[i]);
  g_free (ag->baseline_hops);
  g_free (ag->prev_sess_up);
  g_free (ag->flaps);
  g_hash_table_unref (ag->baseline_prefixes);
  g_hash_table_unref (ag->prev_best);
  g_free (ag->cpu);
  g_free (ag->cpu_extra);
  g_free (ag->prev_link_state);
  g_hash_table_unref (ag->open_anomalies);
  g_hash_table_unref (ag->hyps);
  g_ptr_array_unref (ag->hyp_order);
  g_ptr_array_unref (ag->applied);
  rw_action_log_clear (&ag->actions);
  g_array_unref (ag->fault_ticks);
  g_array_unref (ag->detect_ticks);
  g_clear_pointer (&ag->config, rw_topology_free);
  g_clear_pointer (&ag->script, rw_topology_free);
  rw_agent_reading_clear (&ag->reading);
  g_clear_pointer (&ag->real_us, g_array_unref);
  g_free (ag);
}

gboolean
rw_agent_run (RwAgent *ag, GError **error)
{
  g_autoptr(RwRunResult) r = NULL;
  g_autoptr(JsonNode) doc = NULL;
  while (ag->tick < ag->max_ticks)
    if (!rw_agent_step (ag, error))
      return FALSE;
  r = rw_agent_result (ag);
  doc = rw_run_result_to_json (r);
  if (ag->store)
    {
      if (!rw_store_end_run (ag->store, ag->run_id, doc, error) ||
          !rw_store_add_scenario_result (ag->store, ag->run_id, ag->sc->name, ag->sc->file ? ag->sc->file : "", doc, error))
        return FALSE;
    }
  return record (ag, "run", "agent", "DETERMINISTIC", NULL, error, "run ended: SR %d, %u action(s), %u rollback(s), %u blocked",
                 r->sr, r->actions, r->rollbacks, r->blocked);
}

const GPtrArray *
rw_agent_timeline (const RwAgent *ag)
{
  return ag->timeline;
}

guint
rw_agent_tick (const RwAgent *ag)
{
  return ag->tick;
}

const RwTwin *
rw_agent_live (const RwAgent *ag)
{
  return ag->live;
}

RwRunResult *
rw_agent_result (const RwAgent *ag)
{
  RwRunResult *r = g_new0 (RwRunResult, 1);
  const RwScenario *sc = ag->sc;
  gboolean causes_ok = TRUE, recovered;
  r->name = g_strdup (sc->name);
  r->file = g_strdup (sc->file ? sc->file : "");
  r->root_causes_found = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < ag->hyp_order->len; i++)
    {
      Hypothesis *h = g_hash_table_lookup (ag->hyps, ag->hyp_order->pdata[i]);
      if (h->confidence >= 0.5)
        g_ptr_array_add (r->root_causes_found, g_strdup_printf ("%s:%s", h->kind, h->entity));
    }
  for (guint i = 0; i < sc->expect_root_causes->len; i++)
    {
      gboolean seen = FALSE;
      for (guint k = 0; k < r->root_causes_found->len; k++)
        seen |= g_strcmp0 (r->root_causes_found->pdata[k], sc->expect_root_causes->pdata[i]) == 0;
      causes_ok &= seen;
    }
  r->rollbacks = ag->rollbacks;
  r->blocked = ag->blocked;
  r->false_actions = ag->false_actions;
  r->actions = ag->applied->len;
  r->escalations = ag->escalations;
  r->max_util_end = ag->live->traffic->max_utilisation;
  {
    /* MTTD: per fault, the first detector firing at or after it */
    double sum = 0;
    guint n = 0;
    for (guint f = 0; f < ag->fault_ticks->len; f++)
      if (g_array_index (ag->detect_ticks, gint, f) >= 0)
        {
          sum += g_array_index (ag->detect_ticks, gint, f) - g_array_index (ag->fault_ticks, gint, f);
          n++;
        }
    r->mttd_s = n ? sum / n * sc->tick_s : NAN;
  }
  recovered = ag->first_fault_tick < 0 ? sla_misses (ag->live) == 0 : ag->recovered_tick >= 0;
  if (sc->expect_recovered_by >= 0 && ag->recovered_tick > sc->expect_recovered_by)
    recovered = FALSE;
  if (sc->expect_max_utilisation > 0 && r->max_util_end > sc->expect_max_utilisation)
    recovered = FALSE;
  r->recovered = recovered;
  /* MTTR: mean length of the impairment episodes that ended; an episode still open at the end
   * means the network did not recover */
  r->mttr_s = ag->episodes && ag->episode_start < 0 ? ag->episode_ticks / ag->episodes * sc->tick_s : NAN;
  r->sr = recovered && causes_ok && !ag->last_action_rolled_back && ag->false_actions == 0;
  if (sc->expect_no_action)
    r->sr = r->sr && r->actions == 0;
  if (sc->expect_escalation)
    r->sr = causes_ok && r->escalations > 0 && r->actions == 0 && ag->false_actions == 0;
  r->mttd_real_s = r->mttr_real_s = NAN;
  if (ag->world)
    {
      double sum = 0;
      guint n = 0;
      r->world = TRUE;
      for (guint f = 0; f < ag->fault_ticks->len; f++)
        {
          gint ft = g_array_index (ag->fault_ticks, gint, f), dt = g_array_index (ag->detect_ticks, gint, f);
          if (dt >= 0 && (guint) dt < ag->real_us->len)
            {
              sum += (g_array_index (ag->real_us, gint64, dt) - g_array_index (ag->real_us, gint64, ft)) / 1e6;
              n++;
            }
        }
      r->mttd_real_s = n ? sum / n : NAN;
      if (ag->episodes && ag->episode_start < 0)
        r->mttr_real_s = ag->real_episode_s / ag->episodes;
      r->ticks_compared = ag->ticks_compared;
      r->ticks_contradicted = ag->ticks_contradicted;
      r->best_agree = ag->best_agree;
      r->best_total = ag->best_total;
      r->fwd_agree = ag->fwd_agree;
      r->fwd_total = ag->fwd_total;
      r->predictions = ag->predictions;
      r->predictions_contradicted = ag->predictions_contradicted;
    }
  return r;
}

void
rw_run_result_free (RwRunResult *r)
{
  if (r == NULL)
    return;
  g_free (r->name);
  g_free (r->file);
  g_ptr_array_unref (r->root_causes_found);
  g_free (r);
}

static void
add_seconds (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  if (isnan (v))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

/* {"agree": N, "total": M} under @key, as `lab check --json` writes it */
static void
add_agreement (JsonBuilder *b, const char *key, guint agree, guint total)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "agree");
  json_builder_add_int_value (b, agree);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, total);
  json_builder_end_object (b);
}

JsonNode *
rw_run_result_to_json (const RwRunResult *r)
{
  g_autoptr(JsonBuilder) b = payload_new ();
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, r->name);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, r->file);
  json_builder_set_member_name (b, "sr");
  json_builder_add_int_value (b, r->sr ? 1 : 0);
  add_seconds (b, "mttd_s", r->mttd_s);
  add_seconds (b, "mttr_s", r->mttr_s);
  json_builder_set_member_name (b, "rollbacks");
  json_builder_add_int_value (b, r->rollbacks);
  json_builder_set_member_name (b, "blocked");
  json_builder_add_int_value (b, r->blocked);
  json_builder_set_member_name (b, "false_actions");
  json_builder_add_int_value (b, r->false_actions);
  add_strv (b, "root_causes_found", r->root_causes_found);
  json_builder_set_member_name (b, "actions");
  json_builder_add_int_value (b, r->actions);
  json_builder_set_member_name (b, "escalations");
  json_builder_add_int_value (b, r->escalations);
  if (r->world)
    {
      /* the run on real routers: times in real seconds, and how the twin fared against them */
      json_builder_set_member_name (b, "world");
      json_builder_begin_object (b);
      add_seconds (b, "mttd_s", r->mttd_real_s);
      add_seconds (b, "mttr_s", r->mttr_real_s);
      json_builder_set_member_name (b, "ticks_compared");
      json_builder_add_int_value (b, r->ticks_compared);
      json_builder_set_member_name (b, "ticks_contradicted");
      json_builder_add_int_value (b, r->ticks_contradicted);
      add_agreement (b, "best_paths", r->best_agree, r->best_total);
      add_agreement (b, "forwarding", r->fwd_agree, r->fwd_total);
      json_builder_set_member_name (b, "predictions");
      json_builder_add_int_value (b, r->predictions);
      json_builder_set_member_name (b, "predictions_contradicted");
      json_builder_add_int_value (b, r->predictions_contradicted);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
rw_timeline_event_to_json (const RwTimelineEvent *e)
{
  JsonNode *n = json_node_copy (e->payload);
  JsonObject *o = json_node_get_object (n);
  json_object_set_string_member (o, "kind", e->kind);
  return n;
}

gboolean
rw_shadow_graduated (RwStore *store, const char *tier, double *rate, GError **error)
{
  guint n = 0;
  double r = 0;
  if (!rw_store_shadow_agreement (store, tier, RW_GRADUATION_WINDOW, &n, &r, error))
    return FALSE;
  if (rate)
    *rate = r;
  return n >= RW_GRADUATION_WINDOW && r >= RW_GRADUATION_AGREEMENT;
}

gint64
rw_agent_run_id (const RwAgent *ag)
{
  return ag->store ? ag->run_id : -1;
}

void
rw_agent_set_world (RwAgent *ag, RwAgentWorld *world)
{
  g_return_if_fail (ag->tick == 0 && ag->world == NULL);
  ag->world = world;
  ag->config = rw_topology_copy (ag->sc->topology);
  ag->script = rw_topology_copy (ag->sc->topology);
  ag->real_us = g_array_new (FALSE, FALSE, sizeof (gint64));
}

const RwTopology *
rw_agent_world_config (const RwAgent *ag)
{
  return ag->config;
}

const RwTopology *
rw_agent_world_script (const RwAgent *ag)
{
  return ag->script;
}

void
rw_agent_set_approver (RwAgent *ag, RwApproveFunc func, gpointer user_data)
{
  ag->approver = func;
  ag->approver_data = user_data;
}

void
rw_agent_set_proof_watch (RwAgent *ag, RwProofWatch func, gpointer user_data)
{
  ag->proof_watch = func;
  ag->proof_watch_data = user_data;
}

void
rw_agent_set_mode (RwAgent *ag, RwMode mode)
{
  ag->mode = mode;
}

RwMode
rw_agent_get_mode (const RwAgent *ag)
{
  return ag->mode;
}

void
rw_agent_set_guard_config (RwAgent *ag, const RwGuardConfig *config)
{
  g_return_if_fail (config != NULL);
  ag->cfg = *config;
}

const RwGuardConfig *
rw_agent_get_guard_config (const RwAgent *ag)
{
  return &ag->cfg;
}

void
rw_agent_set_max_ticks (RwAgent *ag, guint ticks)
{
  ag->max_ticks = ticks;
}

guint
rw_agent_get_max_ticks (const RwAgent *ag)
{
  return ag->max_ticks;
}

void
rw_agent_inject_event (RwAgent *ag, RwScenarioEvent *e)
{
  e->at = ag->tick;
  g_ptr_array_add (ag->injected, e);
  g_ptr_array_add (ag->events, e);
}

JsonNode *
rw_agent_hypotheses_to_json (const RwAgent *ag)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < ag->hyp_order->len; i++)
    {
      const Hypothesis *h = g_hash_table_lookup (ag->hyps, ag->hyp_order->pdata[i]);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, h->kind);
      json_builder_set_member_name (b, "entity");
      json_builder_add_string_value (b, h->entity);
      json_builder_set_member_name (b, "confidence");
      json_builder_add_double_value (b, round (h->confidence * 100) / 100);
      json_builder_set_member_name (b, "explains");
      json_builder_add_string_value (b, h->explains ? h->explains : "");
      json_builder_set_member_name (b, "cause");
      if (h->cause)
        json_builder_add_string_value (b, h->cause);
      else
        json_builder_add_null_value (b);
      add_strv (b, "evidence", h->evidence);
      json_builder_set_member_name (b, "escalated");
      json_builder_add_boolean_value (b, h->escalated);
      json_builder_set_member_name (b, "handled");
      json_builder_add_boolean_value (b, h->handled_tick != SETTLE_NONE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

double
rw_agent_observed_utilisation (const RwAgent *ag, guint direction)
{
  g_return_val_if_fail (direction < 2 * ag->live->topo->links->len, 0);
  return ag->observed_util[direction];
}
