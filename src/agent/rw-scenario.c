/* rw-scenario.c — scenario loader. Same rules as the topology loader: every problem names the
 * file and JSON path, unknown keys are errors, nothing is half-loaded.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-scenario.h"
#include "rw-file.h"
#include "rw-json-util.h"

#include <string.h>

static const char *event_names[] = { "link_down", "link_up", "link_degrade", "demand_ramp", "session_flap", "route_leak", "router_cpu" };

const char *
rw_event_type_to_string (RwEventType t)
{
  return event_names[t];
}

static const char *mode_names[] = { "shadow", "supervised", "autonomous" };

const char *
rw_mode_to_string (RwMode m)
{
  return mode_names[m];
}

gboolean
rw_mode_parse (const char *text, RwMode *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    if (g_strcmp0 (text, mode_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
answer_parse (const char *text, RwAnswer *out)
{
  if (g_strcmp0 (text, "approve") == 0)
    *out = RW_ANSWER_APPROVE;
  else if (g_strcmp0 (text, "reject") == 0)
    *out = RW_ANSWER_REJECT;
  else if (g_strcmp0 (text, "timeout") == 0)
    *out = RW_ANSWER_TIMEOUT;
  else
    return FALSE;
  return TRUE;
}

void
rw_scenario_event_free (RwScenarioEvent *e)
{
  g_free (e->link);
  g_free (e->cause);
  g_free (e->demand);
  g_free (e->a);
  g_free (e->b);
  g_free (e->node);
  g_clear_pointer (&e->prefixes, g_ptr_array_unref);
  g_free (e);
}

void
rw_scenario_free (RwScenario *s)
{
  if (s == NULL)
    return;
  g_free (s->file);
  g_free (s->name);
  rw_topology_free (s->topology);
  g_free (s->topology_file);
  g_ptr_array_unref (s->events);
  g_clear_pointer (&s->operator_by_tier, g_hash_table_unref);
  g_ptr_array_unref (s->expect_root_causes);
  g_free (s);
}

RwAnswer
rw_scenario_answer (const RwScenario *s, const char *tier)
{
  gpointer v = s->operator_by_tier ? g_hash_table_lookup (s->operator_by_tier, tier) : NULL;
  return v ? (RwAnswer) (GPOINTER_TO_INT (v) - 1) : s->operator_default;
}

static gint
event_cmp (gconstpointer a, gconstpointer b)
{
  const RwScenarioEvent *x = *(RwScenarioEvent * const *) a, *y = *(RwScenarioEvent * const *) b;
  return (x->at > y->at) - (x->at < y->at);
}

static gboolean
read_event (RwJsonCtx *c, JsonObject *o, const char *path, RwScenario *s)
{
  static const char *keys[] = { "at", "type", "link", "cause", "demand", "to_mbps", "over", "loss_pct", "latency_ms",
                                "a", "b", "period", "count", "node", "prefixes", "cpu_pct", NULL };
  g_autofree char *type = NULL;
  RwScenarioEvent *e = g_new0 (RwScenarioEvent, 1);
  guint64 at, over, period, count;
  JsonArray *prefixes = NULL;
  const RwTopology *t = s->topology;
  gboolean ok = FALSE;
  gint ti = -1;

  if (!rw_json_check_keys (c, o, path, keys) ||
      !rw_json_get_uint (c, o, "at", path, TRUE, 0, 1000000, 0, &at) ||
      !rw_json_get_string (c, o, "type", path, TRUE, &type) ||
      !rw_json_get_string (c, o, "link", path, FALSE, &e->link) ||
      !rw_json_get_string (c, o, "cause", path, FALSE, &e->cause) ||
      !rw_json_get_string (c, o, "demand", path, FALSE, &e->demand) ||
      !rw_json_get_double (c, o, "to_mbps", path, FALSE, -1, &e->to_mbps) ||
      !rw_json_get_uint (c, o, "over", path, FALSE, 0, 1000000, 0, &over) ||
      !rw_json_get_double (c, o, "loss_pct", path, FALSE, 0, &e->loss_pct) ||
      !rw_json_get_double (c, o, "latency_ms", path, FALSE, 0, &e->latency_ms) ||
      !rw_json_get_string (c, o, "a", path, FALSE, &e->a) ||
      !rw_json_get_string (c, o, "b", path, FALSE, &e->b) ||
      !rw_json_get_uint (c, o, "period", path, FALSE, 1, 1000000, 2, &period) ||
      !rw_json_get_uint (c, o, "count", path, FALSE, 1, 1000000, 3, &count) ||
      !rw_json_get_string (c, o, "node", path, FALSE, &e->node) ||
      !rw_json_get_array (c, o, "prefixes", path, FALSE, &prefixes) ||
      !rw_json_get_double (c, o, "cpu_pct", path, FALSE, 0, &e->cpu_pct))
    goto out;
  e->at = (guint) at;
  e->over = (guint) over;
  e->period = (guint) period;
  e->count = (guint) count;
  for (guint i = 0; i < G_N_ELEMENTS (event_names); i++)
    if (g_strcmp0 (type, event_names[i]) == 0)
      ti = (gint) i;
  if (ti < 0)
    {
      rw_json_fail (c, "%s.type: '%s' is not one of link_down, link_up, link_degrade, demand_ramp, session_flap, route_leak, router_cpu", path, type);
      goto out;
    }
  e->type = ti;
  if (e->at >= s->ticks)
    {
      rw_json_fail (c, "%s.at: tick %u is after the end of the scenario (%u ticks)", path, e->at, s->ticks);
      goto out;
    }
  switch (e->type)
    {
    case RW_EVENT_LINK_DOWN:
    case RW_EVENT_LINK_UP:
    case RW_EVENT_LINK_DEGRADE:
      if (e->link == NULL)
        {
          rw_json_fail (c, "%s.link: missing (a %s event needs a link)", path, type);
          goto out;
        }
      if (rw_topology_find_link (t, e->link) == NULL)
        {
          rw_json_fail (c, "%s.link: unknown link '%s'", path, e->link);
          goto out;
        }
      if (e->type == RW_EVENT_LINK_DEGRADE && (e->loss_pct < 0 || e->loss_pct > 100 || e->latency_ms < 0
                                               || e->latency_ms > RW_LATENCY_MAX_MS))
        {
          rw_json_fail (c, "%s: loss_pct must be in [0, 100] and latency_ms in [0, 1000000]", path);
          goto out;
        }
      break;
    case RW_EVENT_DEMAND_RAMP:
      if (e->demand == NULL || rw_topology_find_demand (t, e->demand) == NULL)
        {
          rw_json_fail (c, "%s.demand: %s", path, e->demand ? "unknown demand" : "missing (a demand_ramp needs a demand)");
          goto out;
        }
      if (e->to_mbps < 0)
        {
          rw_json_fail (c, "%s.to_mbps: missing or negative", path);
          goto out;
        }
      /* the topology's own limit for a demand: a ramp must not take it where a file cannot */
      if (e->to_mbps > RW_DEMAND_MAX_MBPS)
        {
          rw_json_fail (c, "%s.to_mbps: must be between 0 and 1000000000", path);
          goto out;
        }
      break;
    case RW_EVENT_SESSION_FLAP:
      if (e->a == NULL || e->b == NULL || rw_topology_find_session (t, e->a, e->b) == NULL)
        {
          rw_json_fail (c, "%s: a and b must name the two ends of a session", path);
          goto out;
        }
      break;
    case RW_EVENT_ROUTE_LEAK:
      if (e->node == NULL || rw_topology_find_node (t, e->node) == NULL)
        {
          rw_json_fail (c, "%s.node: %s", path, e->node ? "unknown node" : "missing (who leaks?)");
          goto out;
        }
      if (prefixes == NULL || json_array_get_length (prefixes) == 0)
        {
          rw_json_fail (c, "%s.prefixes: missing (which prefixes are leaked?)", path);
          goto out;
        }
      e->prefixes = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (prefixes); i++)
        {
          JsonNode *n = json_array_get_element (prefixes, i);
          RwPrefix p;
          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING || !rw_prefix_parse (json_node_get_string (n), &p))
            {
              rw_json_fail (c, "%s.prefixes[%u]: expected a prefix A.B.C.D/LEN", path, i);
              goto out;
            }
          g_ptr_array_add (e->prefixes, g_memdup2 (&p, sizeof p));
        }
      break;
    case RW_EVENT_ROUTER_CPU:
      if (e->node == NULL || rw_topology_find_node (t, e->node) == NULL)
        {
          rw_json_fail (c, "%s.node: %s", path, e->node ? "unknown node" : "missing (which router?)");
          goto out;
        }
      if (e->cpu_pct < 0 || e->cpu_pct > 100)
        {
          rw_json_fail (c, "%s.cpu_pct: must be between 0 and 100", path);
          goto out;
        }
      break;
    }
  ok = TRUE;
out:
  if (ok)
    g_ptr_array_add (s->events, e);
  else
    rw_scenario_event_free (e);
  return ok;
}

RwScenario *
rw_scenario_load_data (const char *data, gssize len, const char *source, const char *base_dir, GError **error)
{
  static const char *keys[] = { "format", "version", "name", "topology", "seed", "tick_s", "ticks", "noise", "mode",
                                "baseline_ticks", "events", "operator", "expect", NULL };
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  g_autoptr(RwScenario) s = g_new0 (RwScenario, 1);
  RwJsonCtx ctx = { source ? source : "<scenario>", error };
  RwJsonCtx *c = &ctx;
  g_autofree char *format = NULL, *mode = NULL, *bad = NULL;
  JsonObject *o, *op = NULL, *expect = NULL;
  JsonNode *topo;
  JsonArray *events = NULL;
  guint64 version, seed, ticks, baseline;
  gboolean not_json;

  s->events = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_scenario_event_free);
  s->expect_root_causes = g_ptr_array_new_with_free_func (g_free);
  s->expect_recovered_by = -1;
  s->expect_max_utilisation = -1;
  /* before json-glib, which reads non-standard text and can be crashed by deep nesting */
  if ((bad = rw_json_check_text (data, len, &not_json)) != NULL)
    {
      if (not_json)
        g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_PARSE, "%s: not valid JSON: %s", ctx.source, bad);
      else
        rw_json_fail (c, "%s", bad);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local))
    {
      g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_PARSE, "%s: not valid JSON: %s", ctx.source, local->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      rw_json_fail (c, "$: expected a JSON object");
      return NULL;
    }
  /* names end up in GRegex-matched text and the audit log, which want UTF-8 */
  if ((bad = rw_json_find_invalid_utf8 (json_parser_get_root (parser), "")) != NULL)
    {
      rw_json_fail (c, "%s: not valid UTF-8 (an unpaired \\u surrogate?)", bad);
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  if (!rw_json_check_keys (c, o, NULL, keys) || !rw_json_get_string (c, o, "format", NULL, TRUE, &format))
    return NULL;
  if (g_strcmp0 (format, "routewise-scenario") != 0)
    {
      rw_json_fail (c, "format: '%s' is not 'routewise-scenario'", format);
      return NULL;
    }
  if (!rw_json_get_uint (c, o, "version", NULL, TRUE, 0, 1000, 0, &version))
    return NULL;
  if (version != 1)
    {
      rw_json_fail (c, "version: %" G_GUINT64_FORMAT " is not supported (this Routewise reads version 1)", version);
      return NULL;
    }
  if (!rw_json_get_string (c, o, "name", NULL, TRUE, &s->name) ||
      !rw_json_get_uint (c, o, "seed", NULL, TRUE, 0, G_MAXUINT32, 0, &seed) ||
      !rw_json_get_double (c, o, "tick_s", NULL, FALSE, 10, &s->tick_s) ||
      !rw_json_get_uint (c, o, "ticks", NULL, TRUE, 1, 100000, 0, &ticks) ||
      !rw_json_get_double (c, o, "noise", NULL, FALSE, 0.03, &s->noise) ||
      !rw_json_get_string (c, o, "mode", NULL, FALSE, &mode) ||
      !rw_json_get_uint (c, o, "baseline_ticks", NULL, FALSE, 2, 10000, 30, &baseline) ||
      !rw_json_get_array (c, o, "events", NULL, FALSE, &events) ||
      !rw_json_get_object (c, o, "operator", NULL, FALSE, &op) ||
      !rw_json_get_object (c, o, "expect", NULL, FALSE, &expect))
    return NULL;
  s->seed = (guint32) seed;
  s->ticks = (guint) ticks;
  s->baseline_ticks = (guint) baseline;
  /* a tick longer than a day makes no loop sense, and 1e308 s overflowed the timeline's
   * seconds into "inf" */
  if (!(s->tick_s >= RW_TICK_MIN_S && s->tick_s <= RW_TICK_MAX_S))
    {
      rw_json_fail (c, "tick_s: must be between 0.001 and 86400 seconds");
      return NULL;
    }
  if (!(s->noise >= 0 && s->noise <= 0.5))
    {
      rw_json_fail (c, "noise: must be between 0 and 0.5");
      return NULL;
    }
  if (s->baseline_ticks >= s->ticks)
    {
      rw_json_fail (c, "baseline_ticks: %u is not shorter than the scenario (%u ticks)", s->baseline_ticks, s->ticks);
      return NULL;
    }
  s->mode = RW_MODE_SUPERVISED;
  if (mode && !rw_mode_parse (mode, &s->mode))
    {
      rw_json_fail (c, "mode: '%s' is not shadow, supervised or autonomous", mode);
      return NULL;
    }

  topo = json_object_get_member (o, "topology");
  if (topo == NULL)
    {
      rw_json_fail (c, "topology: missing (a path relative to the scenario, or an inline topology)");
      return NULL;
    }
  if (JSON_NODE_HOLDS_VALUE (topo) && json_node_get_value_type (topo) == G_TYPE_STRING)
    {
      const char *rel = json_node_get_string (topo);
      g_autoptr(GError) terr = NULL;
      s->topology_file = g_path_is_absolute (rel) ? g_strdup (rel) : g_build_filename (base_dir ? base_dir : ".", rel, NULL);
      s->topology = rw_topology_load_file (s->topology_file, &terr);
      if (s->topology == NULL)
        {
          rw_json_fail (c, "topology: %s", terr->message);
          return NULL;
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (topo))
    {
      g_autoptr(GError) terr = NULL;
      g_autofree char *src = g_strdup_printf ("%s: topology", ctx.source);
      s->topology = rw_topology_from_json_node (topo, src, &terr);
      if (s->topology == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&terr));
          return NULL;
        }
    }
  else
    {
      rw_json_fail (c, "topology: expected a file name or an object");
      return NULL;
    }

  for (guint i = 0; events && i < json_array_get_length (events); i++)
    {
      JsonNode *n = json_array_get_element (events, i);
      g_autofree char *path = g_strdup_printf ("events[%u]", i);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        {
          rw_json_fail (c, "%s: expected an object", path);
          return NULL;
        }
      if (!read_event (c, json_node_get_object (n), path, s))
        return NULL;
    }
  g_ptr_array_sort (s->events, event_cmp);

  s->operator_default = RW_ANSWER_APPROVE;
  if (op)
    {
      static const char *okeys[] = { "default", "T1", "T2", "T3", NULL };
      static const char *tiers[] = { "T1", "T2", "T3" };
      g_autofree char *dflt = NULL;
      if (!rw_json_check_keys (c, op, "operator", okeys) || !rw_json_get_string (c, op, "default", "operator", FALSE, &dflt))
        return NULL;
      if (dflt && !answer_parse (dflt, &s->operator_default))
        {
          rw_json_fail (c, "operator.default: '%s' is not approve, reject or timeout", dflt);
          return NULL;
        }
      s->operator_by_tier = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < G_N_ELEMENTS (tiers); i++)
        {
          g_autofree char *v = NULL;
          RwAnswer a;
          if (!rw_json_get_string (c, op, tiers[i], "operator", FALSE, &v))
            return NULL;
          if (v == NULL)
            continue;
          if (!answer_parse (v, &a))
            {
              rw_json_fail (c, "operator.%s: '%s' is not approve, reject or timeout", tiers[i], v);
              return NULL;
            }
          g_hash_table_insert (s->operator_by_tier, (gpointer) tiers[i], GINT_TO_POINTER (a + 1));
        }
    }
  if (expect)
    {
      static const char *ekeys[] = { "root_causes", "recovered_by", "max_utilisation_after", "no_action", "escalation", NULL };
      JsonArray *rc = NULL;
      gint64 rb;
      if (!rw_json_check_keys (c, expect, "expect", ekeys) ||
          !rw_json_get_array (c, expect, "root_causes", "expect", FALSE, &rc) ||
          !rw_json_get_int (c, expect, "recovered_by", "expect", FALSE, 0, 1000000, -1, &rb) ||
          !rw_json_get_double (c, expect, "max_utilisation_after", "expect", FALSE, -1, &s->expect_max_utilisation) ||
          !rw_json_get_bool (c, expect, "no_action", "expect", FALSE, &s->expect_no_action) ||
          !rw_json_get_bool (c, expect, "escalation", "expect", FALSE, &s->expect_escalation))
        return NULL;
      s->expect_recovered_by = (gint) rb;
      if (json_object_has_member (expect, "max_utilisation_after")
          && !json_node_is_null (json_object_get_member (expect, "max_utilisation_after"))
          && !(s->expect_max_utilisation >= 0 && s->expect_max_utilisation <= RW_UTILISATION_EXPECT_MAX))
        {
          rw_json_fail (c, "expect.max_utilisation_after: must be between 0 and 1000 (a ratio: 1 is a full link)");
          return NULL;
        }
      for (guint i = 0; rc && i < json_array_get_length (rc); i++)
        {
          JsonNode *n = json_array_get_element (rc, i);
          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING || !strchr (json_node_get_string (n), ':'))
            {
              rw_json_fail (c, "expect.root_causes[%u]: expected \"kind:entity\" such as \"link_down:R2-ISPB\"", i);
              return NULL;
            }
          g_ptr_array_add (s->expect_root_causes, g_strdup (json_node_get_string (n)));
        }
    }
  return g_steal_pointer (&s);
}

RwScenario *
rw_scenario_load_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  gsize len;
  RwScenario *s;
  if (!rw_read_regular_file (path, RW_JSON_FILE_MAX_BYTES, &data, &len, error))
    return NULL;
  s = rw_scenario_load_data (data, (gssize) len, path, dir, error);
  if (s)
    s->file = g_strdup (path);
  return s;
}
