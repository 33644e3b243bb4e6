/* rw-lab-world.c — the lab as the agent's world (rw-lab-world.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-lab-world.h"
#include "rw-frr.h"
#include "rw-lab-check.h"
#include "rw-lab-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define COMMAND_MS (15 * 1000)
/* reconvergence: polled every POLL_MS, settled once nothing moved for QUIET_POLLS polls in a row,
 * and waited for at most SETTLE_MAX_S */
#define POLL_MS 400
#define QUIET_POLLS 3
#define SETTLE_MAX_S 30

struct _RwLabWorld {
  RwAgentWorld base;          /* first: the agent sees this */
  const RwLab *lab;
  RwTopology *plan;           /* the lab's topology with its address plan */
  GHashTable *addresses;      /* address -> node id (borrowed from plan) */
  GHashTable *ours;           /* names of the routers of ours */
  char *name;
  double tick_s;
  gint64 last_sync;
  GHashTable *frr_best;       /* the last reading of our routers' best routes */
  RwTopology *observed;       /* the last synchronised network */
  GPtrArray *learnt;          /* RwOrigination: originations learnt from the routes, kept for the run
                               * (a leak goes on behind a filter that hides it) */
  /* a tick where nothing moved (the same link states, table versions, sessions and prefix counts
   * at our routers, nothing realised or pushed) reuses the last reading */
  char *fingerprint;
  gboolean moved;
  gboolean reuse;
  RwAgentReading last;
  RwLabTraffic *traffic;      /* nullable, borrowed */
  const RwTopology *script;   /* the scenario's network of this tick (borrowed, for the rates) */
  guint n_dirs;
};

static RwLabWorld *
world_of (RwAgentWorld *w)
{
  return (RwLabWorld *) w;
}

static void
log_command (JsonBuilder *log, const char *node, const char *command, const char *answer, gboolean ok)
{
  if (log == NULL)
    return;
  json_builder_begin_object (log);
  json_builder_set_member_name (log, "node");
  json_builder_add_string_value (log, node);
  json_builder_set_member_name (log, "command");
  json_builder_add_string_value (log, command);
  json_builder_set_member_name (log, "answer");
  json_builder_add_string_value (log, answer ? answer : "");
  json_builder_set_member_name (log, "ok");
  json_builder_add_boolean_value (log, ok);
  json_builder_end_object (log);
}

static void
log_modelled (JsonBuilder *log, const char *why)
{
  json_builder_begin_object (log);
  json_builder_set_member_name (log, "modelled");
  json_builder_add_string_value (log, why);
  json_builder_end_object (log);
}

/* Runs @argv, logs it as @shown on @node with its answer; a failure is an error. */
static gboolean
run_logged (const char *node, const char *const *argv, const char *shown, JsonBuilder *log, GError **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *answer = NULL;
  int status = 0;
  if (!_rw_lab_run_status (argv, COMMAND_MS, &out, &err, &status, error))
    return FALSE;
  answer = g_strstrip (g_strconcat (out ? out : "", err ? err : "", NULL));
  log_command (log, node, shown, answer, status == 0);
  if (status != 0)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: %s: %s", node, shown, *answer ? answer : "failed");
      return FALSE;
    }
  return TRUE;
}

/* ---- waiting for reconvergence ---- */

/* Polls our routers until their BGP tables and sessions stop moving, bounded. */
static gboolean
settle (RwLabWorld *w, JsonBuilder *log, GError **error)
{
  g_autofree char *previous = NULL;
  guint quiet = 0;
  gint64 start = g_get_monotonic_time ();
  gboolean settled = FALSE;
  g_autofree char *what = NULL;
  while (g_get_monotonic_time () - start < (gint64) SETTLE_MAX_S * G_USEC_PER_SEC)
    {
      g_autoptr(GString) fp = g_string_new (NULL);
      g_autoptr(GPtrArray) sessions = NULL;
      g_usleep (POLL_MS * 1000);
      if ((sessions = _rw_lab_sessions_of (w->lab, w->addresses, w->ours, fp, error)) == NULL)
        return FALSE;
      if (previous && strcmp (previous, fp->str) == 0)
        quiet++;
      else
        quiet = 0;
      g_free (previous);
      previous = g_string_free (g_steal_pointer (&fp), FALSE);
      if (quiet + 1 >= QUIET_POLLS)
        {
          settled = TRUE;
          break;
        }
    }
  what = g_strdup_printf (settled ? "BGP settled after %.1f s" : "BGP still moving after %.1f s (the bound)",
                          (g_get_monotonic_time () - start) / 1e6);
  if (log)
    {
      json_builder_begin_object (log);
      json_builder_set_member_name (log, "reconvergence");
      json_builder_add_string_value (log, what);
      json_builder_end_object (log);
    }
  return TRUE;
}

/* ---- configuration ---- */

/* vtysh with every command line of @text (lines starting with '!' are comments) on @node. */
static gboolean
vtysh_lines (RwLabWorld *w, const char *node, const char *text, JsonBuilder *log, GError **error)
{
  const RwLabNode *n = rw_lab_find_node (w->lab, node);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GString) shown = g_string_new ("vtysh");
  if (n == NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_NOT_FOUND, "%s: no such node in lab %s", node, w->lab->name);
      return FALSE;
    }
  for (guint i = 0; lines[i]; i++)
    {
      const char *l = g_strstrip (lines[i]);
      if (*l == '\0' || *l == '!')
        continue;
      g_ptr_array_add (args, (gpointer) "-c");
      g_ptr_array_add (args, (gpointer) l);
      g_string_append_printf (shown, " -c '%s'", l);
    }
  if (args->len == 0)
    return TRUE;
  g_ptr_array_add (args, NULL);
  argv = _rw_lab_vtysh_argv (n, (const char *const *) args->pdata);
  return run_logged (node, (const char *const *) argv, shown->str, log, error);
}

/* @diff: rw_frr_topology_diff text, sections headed "! router ID". */
static gboolean
push_diff (RwLabWorld *w, const char *diff, JsonBuilder *log, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (diff, "\n", -1);
  g_autofree char *node = NULL;
  g_autoptr(GString) section = g_string_new (NULL);
  for (guint i = 0;; i++)
    {
      if (lines[i] == NULL || g_str_has_prefix (lines[i], "! router "))
        {
          if (node && !vtysh_lines (w, node, section->str, log, error))
            return FALSE;
          g_string_truncate (section, 0);
          if (lines[i] == NULL)
            break;
          g_free (node);
          node = g_strstrip (g_strdup (lines[i] + strlen ("! router ")));
          continue;
        }
      if (node)
        g_string_append_printf (section, "%s\n", lines[i]);
    }
  return TRUE;
}

static gboolean
world_push (RwAgentWorld *aw, const char *diff, JsonBuilder *log, GError **error)
{
  RwLabWorld *w = world_of (aw);
  w->moved = TRUE;
  /* with real traffic, the next interval is measured from the settled network */
  return push_diff (w, diff, log, error) && settle (w, log, error) &&
         (w->traffic == NULL || rw_lab_traffic_restart (w->traffic, error));
}

/* ---- the scenario's faults ---- */

static const RwLink *
plan_link (const RwLabWorld *w, const char *id)
{
  return rw_topology_find_link (w->plan, id);
}

static gboolean
set_link (RwLabWorld *w, const RwLink *link, gboolean up, JsonBuilder *log, GError **error)
{
  g_autofree char *ipt = _rw_lab_find_tool ("ip");
  for (guint e = 0; e < 2; e++)
    {
      const char *node = e == 0 ? link->a : link->b;
      const RwLabNode *n = rw_lab_find_node (w->lab, node);
      const char *ifname = link->ends[e].ifname;
      g_autofree char *shown = NULL;
      if (n == NULL || ifname == NULL)
        continue;
      shown = g_strdup_printf ("ip link set dev %s %s", ifname, up ? "up" : "down");
      {
        const char *const argv[] = { ipt, "-n", n->netns, "link", "set", "dev", ifname, up ? "up" : "down", NULL };
        if (!run_logged (node, argv, shown, log, error))
          return FALSE;
      }
    }
  return TRUE;
}

static gboolean
set_impairment (RwLabWorld *w, const RwLink *link, double latency_ms, double loss_pct, JsonBuilder *log, GError **error)
{
  g_autofree char *tc = _rw_lab_find_tool ("tc");
  if (!w->lab->netem || tc == NULL)
    {
      g_autofree char *why = g_strdup_printf ("%s: latency %.1f ms, loss %.2f %%: this kernel has no tc netem "
                                              "(sch_netem), so the twin models them",
                                              link->id, latency_ms, loss_pct);
      log_modelled (log, why);
      return TRUE;
    }
  for (guint e = 0; e < 2; e++)
    {
      const char *node = e == 0 ? link->a : link->b;
      const RwLabNode *n = rw_lab_find_node (w->lab, node);
      const char *ifname = link->ends[e].ifname;
      char delay[32], loss[32];
      g_autofree char *shown = NULL;
      if (n == NULL || ifname == NULL)
        continue;
      g_ascii_formatd (delay, sizeof delay, "%.3fms", latency_ms);
      g_ascii_formatd (loss, sizeof loss, "%.3f%%", loss_pct);
      shown = g_strdup_printf ("tc qdisc replace dev %s root netem delay %s loss %s", ifname, delay, loss);
      {
        const char *const argv[] = { tc, "-n", n->netns, "qdisc", "replace", "dev", ifname, "root", "netem",
                                     "delay", delay, "loss", loss, NULL };
        if (!run_logged (node, argv, shown, log, error))
          return FALSE;
      }
    }
  return TRUE;
}

static gboolean
is_ours (const RwTopology *t, const char *node)
{
  const RwNode *n = rw_topology_find_node (t, node);
  return n && n->kind == RW_NODE_ROUTER;
}

static gboolean
originates (const RwTopology *t, const RwOrigination *o)
{
  for (guint i = 0; i < t->prefixes->len; i++)
    {
      const RwOrigination *x = t->prefixes->pdata[i];
      if (g_strcmp0 (x->origin_node, o->origin_node) == 0 && rw_prefix_equal (&x->prefix, &o->prefix))
        return TRUE;
    }
  return FALSE;
}

static gboolean
originates_in (GPtrArray *list, const RwOrigination *o)
{
  for (guint i = 0; i < list->len; i++)
    {
      const RwOrigination *x = list->pdata[i];
      if (g_strcmp0 (x->origin_node, o->origin_node) == 0 && rw_prefix_equal (&x->prefix, &o->prefix))
        return TRUE;
    }
  return FALSE;
}

static void
mark_originations (const RwTopology *from, const RwTopology *in, GHashTable *nodes)
{
  for (guint i = 0; i < from->prefixes->len; i++)
    {
      const RwOrigination *o = from->prefixes->pdata[i];
      if (!originates (in, o))
        g_hash_table_add (nodes, (gpointer) o->origin_node);
    }
}

static gboolean
world_realise (RwAgentWorld *aw, const RwTopology *was, const RwTopology *now, JsonBuilder *log, GError **error)
{
  RwLabWorld *w = world_of (aw);
  g_autoptr(GHashTable) configure = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean moved = FALSE;
  w->moved = TRUE;

  for (guint l = 0; l < now->links->len && l < was->links->len; l++)
    {
      const RwLink *a = was->links->pdata[l], *b = now->links->pdata[l];
      const RwLink *planned = plan_link (w, b->id);
      if (planned == NULL)
        continue;
      if (a->up != b->up)
        {
          if (!set_link (w, planned, b->up, log, error))
            return FALSE;
          moved = TRUE;
        }
      if (a->latency_ms != b->latency_ms || a->loss_pct != b->loss_pct)
        if (!set_impairment (w, planned, b->latency_ms, b->loss_pct, log, error))
          return FALSE;
    }
  /* a session shut or opened: at its far end (the external speaker), as a peer does it */
  for (guint s = 0; s < now->sessions->len && s < was->sessions->len; s++)
    {
      const RwSession *a = was->sessions->pdata[s], *b = now->sessions->pdata[s];
      if (a->up != b->up)
        g_hash_table_add (configure, !is_ours (now, b->b) ? b->b : !is_ours (now, b->a) ? b->a : b->b);
    }
  /* a route leaked (or no longer): by the router that originates it */
  mark_originations (now, was, configure);
  mark_originations (was, now, configure);
  {
    g_autoptr(GList) nodes = g_list_sort (g_hash_table_get_keys (configure), (GCompareFunc) g_strcmp0);
    for (GList *n = nodes; n; n = n->next)
      {
        g_autofree char *diff = rw_frr_config_diff (was, now, n->data);
        if (diff == NULL)
          {
            g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "%s: no configuration for the scenario's change",
                         (char *) n->data);
            return FALSE;
          }
        if (!vtysh_lines (w, n->data, diff, log, error))
          return FALSE;
        moved = TRUE;
      }
  }
  return !moved || (settle (w, log, error) && (w->traffic == NULL || rw_lab_traffic_restart (w->traffic, error)));
}

/* ---- observing ---- */

/* Which links are up: both ends' interfaces up with a carrier. */
static gboolean
read_links (RwLabWorld *w, RwTopology *live, GString *fingerprint, GError **error)
{
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) owner = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint l = 0; l < live->links->len; l++)
    {
      const RwLink *planned = plan_link (w, ((RwLink *) live->links->pdata[l])->id);
      for (guint e = 0; planned && e < 2; e++)
        {
          const RwLabNode *n = rw_lab_find_node (w->lab, e == 0 ? planned->a : planned->b);
          RwLabIfState *q;
          if (n == NULL || planned->ends[e].ifname == NULL)
            continue;
          q = g_new0 (RwLabIfState, 1);
          q->netns = n->netns;
          q->ifname = planned->ends[e].ifname;
          g_ptr_array_add (queries, q);
          g_array_append_val (owner, l);
        }
    }
  if (!_rw_lab_if_states (queries, error))
    return FALSE;
  for (guint l = 0; l < live->links->len; l++)
    ((RwLink *) live->links->pdata[l])->up = plan_link (w, ((RwLink *) live->links->pdata[l])->id) != NULL;
  for (guint i = 0; i < queries->len; i++)
    {
      const RwLabIfState *q = queries->pdata[i];
      RwLink *link = live->links->pdata[g_array_index (owner, guint, i)];
      link->up &= q->exists && q->up;
    }
  for (guint l = 0; l < live->links->len; l++)
    g_string_append_c (fingerprint, ((RwLink *) live->links->pdata[l])->up ? 'U' : 'D');
  return TRUE;
}

/* Sessions as our routers see them: a session whose neighbour is not Established is down. */
static gboolean
read_sessions (RwLabWorld *w, RwTopology *live, GString *fingerprint, GError **error)
{
  g_autoptr(GPtrArray) seen = _rw_lab_sessions_of (w->lab, w->addresses, w->ours, fingerprint, error);
  if (seen == NULL)
    return FALSE;
  for (guint s = 0; s < live->sessions->len; s++)
    {
      RwSession *sess = live->sessions->pdata[s];
      gboolean found = FALSE, established = FALSE;
      for (guint k = 0; k < seen->len; k++)
        {
          const RwLabSession *ls = seen->pdata[k];
          if ((g_strcmp0 (ls->node, sess->a) == 0 && g_strcmp0 (ls->peer, sess->b) == 0) ||
              (g_strcmp0 (ls->node, sess->b) == 0 && g_strcmp0 (ls->peer, sess->a) == 0))
            {
              found = TRUE;
              established |= ls->established;
            }
        }
      if (found && !established)
        sess->up = FALSE;
    }
  return TRUE;
}

/* The external speaker with AS @asn, when exactly one has it. */
static const char *
speaker_with_as (const RwTopology *t, guint32 asn)
{
  const char *found = NULL;
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      if (n->kind != RW_NODE_EXTERNAL || n->asn != asn)
        continue;
      if (found)
        return NULL;
      found = n->id;
    }
  return found;
}

static gint
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Prefixes our routers' best routes say an external AS originates that the twin does not know
 * it does (a leak, a hijack, a new customer): the twin learns them. */
static void
learn_originations (RwLabWorld *w)
{
  const RwTopology *plan = w->plan;
  GHashTableIter it;
  gpointer key, value;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_hash_table_iter_init (&it, w->frr_best);
  while (g_hash_table_iter_next (&it, &key, &value))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      JsonObject *r = json_node_get_object (g_hash_table_lookup (w->frr_best, keys->pdata[i]));
      JsonArray *path = json_object_get_array_member (r, "as_path");
      guint len = path ? json_array_get_length (path) : 0;
      JsonNode *last = len ? json_array_get_element (path, len - 1) : NULL;
      const char *speaker;
      RwPrefix pfx;
      RwOrigination probe = { 0 };
      if (last == NULL || json_node_get_value_type (last) != G_TYPE_INT64 ||
          !rw_prefix_parse (json_object_get_string_member (r, "prefix"), &pfx))
        continue;
      speaker = speaker_with_as (plan, (guint32) json_node_get_int (last));
      if (speaker == NULL)
        continue;
      probe.prefix = pfx;
      probe.origin_node = speaker;
      if (!originates (plan, &probe) && !originates_in (w->learnt, &probe))
        g_ptr_array_add (w->learnt, rw_origination_new (&pfx, speaker));
    }
}

static gboolean
world_sync (RwAgentWorld *aw, const RwTopology *script, RwTopology *live, GError **error)
{
  RwLabWorld *w = world_of (aw);
  gint64 now = g_get_monotonic_time ();
  gint64 due = w->last_sync + (gint64) (w->tick_s * G_USEC_PER_SEC);
  if (w->last_sync && now < due)
    g_usleep ((gulong) (due - now));
  w->last_sync = g_get_monotonic_time ();
  w->script = script;
  /* latency and loss: as the scenario set them (with netem, or modelled without it) */
  for (guint l = 0; l < live->links->len; l++)
    {
      RwLink *link = live->links->pdata[l];
      const RwLink *s = rw_topology_find_link (script, link->id);
      if (s)
        {
          link->latency_ms = s->latency_ms;
          link->loss_pct = s->loss_pct;
        }
    }
  {
    g_autoptr(GString) fp = g_string_new (NULL);
    if (!read_links (w, live, fp, error) || !read_sessions (w, live, fp, error))
      return FALSE;
    w->reuse = !w->moved && w->frr_best && w->last.paths && g_strcmp0 (fp->str, w->fingerprint) == 0;
    g_free (w->fingerprint);
    w->fingerprint = g_string_free (g_steal_pointer (&fp), FALSE);
    w->moved = FALSE;
  }
  if (!w->reuse)
    {
      g_clear_pointer (&w->frr_best, g_hash_table_unref);
      if ((w->frr_best = rw_lab_read_best_routes (w->lab, live, TRUE, error)) == NULL)
        return FALSE;
      learn_originations (w);
    }
  for (guint i = 0; i < w->learnt->len; i++)
    {
      const RwOrigination *o = w->learnt->pdata[i];
      if (!originates (live, o))
        g_ptr_array_add (rw_topology_prefixes_writable (live), rw_origination_new (&o->prefix, o->origin_node));
    }
  g_clear_pointer (&w->observed, rw_topology_free);
  w->observed = rw_topology_copy (live);
  return TRUE;
}

static gboolean
world_compare (RwAgentWorld *aw, const RwTwin *twin, RwAgentReading *out, GError **error)
{
  RwLabWorld *w = world_of (aw);
  g_autoptr(RwLabCheck) check = NULL;
  g_autoptr(JsonNode) doc = NULL;
  if (w->traffic)
    {
      out->util = g_new0 (double, w->n_dirs + 1);
      out->loss_pct = g_new0 (double, w->n_dirs + 1);
      out->queue_ms = g_new0 (double, w->n_dirs + 1);
      /* telemetry of the interval that just ended; the demands' new rates run from now on */
      if (!rw_lab_traffic_sample (w->traffic, out->util, out->loss_pct, out->queue_ms, error))
        return FALSE;
      if (w->script)
        rw_lab_traffic_set_rates (w->traffic, w->script);
    }
  if (w->reuse)
    {
      out->best_agree = w->last.best_agree;
      out->best_total = w->last.best_total;
      out->fwd_agree = w->last.fwd_agree;
      out->fwd_total = w->last.fwd_total;
      out->differences = w->last.differences ? json_node_copy (w->last.differences) : NULL;
      out->paths = g_ptr_array_ref (w->last.paths);
      return TRUE;
    }
  if ((check = rw_lab_check_twin (w->lab, twin, TRUE, w->frr_best, error)) == NULL)
    return FALSE;
  out->best_agree = check->best_agree;
  out->best_total = check->best_total;
  out->fwd_agree = check->fwd_agree;
  out->fwd_total = check->fwd_total;
  doc = rw_lab_check_to_json (check);
  out->differences = json_node_copy (json_object_get_member (json_node_get_object (doc), "differences"));
  out->paths = g_steal_pointer (&check->paths);
  rw_agent_reading_clear (&w->last);
  w->last.best_agree = out->best_agree;
  w->last.best_total = out->best_total;
  w->last.fwd_agree = out->fwd_agree;
  w->last.fwd_total = out->fwd_total;
  w->last.differences = out->differences ? json_node_copy (out->differences) : NULL;
  w->last.paths = g_ptr_array_ref (out->paths);
  return TRUE;
}

/* ---- the world ---- */

RwLabWorld *
rw_lab_world_new (const RwLab *lab, const RwTopology *network, double tick_s, GError **error)
{
  g_autoptr(RwLabWorld) w = g_new0 (RwLabWorld, 1);
  g_autofree char *diff = NULL;
  w->lab = lab;
  w->name = g_strdup_printf ("lab %s", lab->name);
  w->tick_s = MAX (0, tick_s);
  w->base.name = w->name;
  w->base.realise = world_realise;
  w->base.push = world_push;
  w->base.sync = world_sync;
  w->base.compare = world_compare;
  if ((w->plan = rw_lab_load_topology (lab, error)) == NULL)
    return NULL;
  /* the lab must run the scenario's network */
  for (guint i = 0; i < network->nodes->len; i++)
    if (rw_topology_find_node (w->plan, ((RwNode *) network->nodes->pdata[i])->id) == NULL)
      {
        g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "lab %s does not run node %s of the scenario's network",
                     lab->name, ((RwNode *) network->nodes->pdata[i])->id);
        return NULL;
      }
  for (guint i = 0; i < network->links->len; i++)
    if (plan_link (w, ((RwLink *) network->links->pdata[i])->id) == NULL)
      {
        g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "lab %s has no link %s of the scenario's network",
                     lab->name, ((RwLink *) network->links->pdata[i])->id);
        return NULL;
      }
  if ((diff = rw_frr_topology_diff (w->plan, network, error)) == NULL)
    return NULL;
  if (*diff)
    {
      g_autofree char *first = g_strndup (diff, strcspn (diff, "\n"));
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT,
                   "lab %s runs %s, configured otherwise than the scenario's network (first difference: %s)",
                   lab->name, lab->source, first);
      return NULL;
    }
  w->addresses = rw_lab_address_map (w->plan);
  w->learnt = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_origination_free);
  w->n_dirs = 2 * w->plan->links->len;
  w->ours = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < w->plan->nodes->len; i++)
    if (((RwNode *) w->plan->nodes->pdata[i])->kind == RW_NODE_ROUTER)
      g_hash_table_add (w->ours, ((RwNode *) w->plan->nodes->pdata[i])->id);
  return g_steal_pointer (&w);
}

void
rw_lab_world_free (RwLabWorld *w)
{
  if (w == NULL)
    return;
  g_clear_pointer (&w->addresses, g_hash_table_unref);
  g_clear_pointer (&w->ours, g_hash_table_unref);
  g_clear_pointer (&w->frr_best, g_hash_table_unref);
  g_clear_pointer (&w->observed, rw_topology_free);
  g_clear_pointer (&w->plan, rw_topology_free);
  g_clear_pointer (&w->learnt, g_ptr_array_unref);
  g_free (w->fingerprint);
  rw_agent_reading_clear (&w->last);
  g_free (w->name);
  g_free (w);
}

RwAgentWorld *
rw_lab_world_get (RwLabWorld *w)
{
  return &w->base;
}

const RwTopology *
rw_lab_world_observed (const RwLabWorld *w)
{
  return w->observed;
}

gboolean
rw_lab_world_save (RwLabWorld *w, const RwTopology *config, const RwTopology *script, GError **error)
{
  g_autoptr(RwTopology) now = rw_topology_copy (w->plan);
  g_ptr_array_set_size (now->policies, 0);
  for (guint i = 0; i < config->policies->len; i++)
    g_ptr_array_add (now->policies, rw_policy_copy (config->policies->pdata[i]));
  for (guint i = 0; i < now->sessions->len && i < config->sessions->len && i < script->sessions->len; i++)
    {
      RwSession *s = now->sessions->pdata[i];
      const RwSession *c = config->sessions->pdata[i], *f = script->sessions->pdata[i];
      for (guint e = 0; e < 2; e++)
        {
          g_free (s->ends[e].import);
          g_free (s->ends[e].export);
          s->ends[e].import = g_strdup (c->ends[e].import);
          s->ends[e].export = g_strdup (c->ends[e].export);
        }
      s->up = c->up && f->up;
    }
  for (guint l = 0; l < now->links->len; l++)
    {
      RwLink *link = now->links->pdata[l];
      const RwLink *f = rw_topology_find_link (script, link->id);
      if (f)
        {
          link->up = f->up;
          link->latency_ms = f->latency_ms;
          link->loss_pct = f->loss_pct;
        }
    }
  for (guint i = 0; i < script->prefixes->len; i++)
    if (!originates (now, script->prefixes->pdata[i]))
      {
        const RwOrigination *o = script->prefixes->pdata[i];
        g_ptr_array_add (rw_topology_prefixes_writable (now), rw_origination_new (&o->prefix, o->origin_node));
      }
  return rw_topology_save_file (now, w->lab->topology, error);
}

void
rw_lab_world_set_traffic (RwLabWorld *w, RwLabTraffic *traffic)
{
  w->traffic = traffic;
}
