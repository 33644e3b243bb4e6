/* rw-incident.c — the intake pipeline and its ticket.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-incident.h"
#include "rw-json-util.h"

#include <string.h>

void
rw_incident_result_free (RwIncidentResult *r)
{
  if (r == NULL)
    return;
  g_free (r->text);
  g_free (r->match);
  g_clear_pointer (&r->hits, g_ptr_array_unref);
  g_clear_pointer (&r->entities, g_ptr_array_unref);
  rw_facts_free (r->facts);
  rw_schedule_report_free (r->report);
  g_free (r->plan_error);
  g_free (r->ticket_status);
  g_free (r->ticket_reason);
  g_free (r);
}

typedef struct {
  RwStore *store;
  gint64 ticket;
  const RwIncidentParams *params;
  RwPlan *plan;                       /* the version running, for on_progress */
} TicketSink;

static void
on_result (const RwTaskResult *r, gpointer data)
{
  TicketSink *sink = data;
  g_autoptr(JsonNode) detail = rw_task_result_to_json (r);
  g_autoptr(GError) error = NULL;
  if (!rw_store_ticket_update (sink->store, sink->ticket, r->task_id, r->status, detail, &error))
    g_warning ("%s", error->message);
  if (sink->params->on_progress && sink->plan)
    sink->params->on_progress (sink->plan, r, sink->params->progress_data);
}

static void
on_plan (const RwPlan *plan, gpointer data)
{
  TicketSink *sink = data;
  if (sink->params->on_progress == NULL)
    return;
  rw_plan_free (sink->plan);
  sink->plan = rw_plan_copy (plan);
  sink->params->on_progress (sink->plan, NULL, sink->params->progress_data);
}

/* The type of the task @id in the plans that ran (the newest plan first), or NULL. */
static const char *
task_type (const RwScheduleReport *report, const char *id)
{
  for (guint k = report->plans->len; k > 0; k--)
    {
      const RwPlan *plan = report->plans->pdata[k - 1];
      for (guint i = 0; i < plan->tasks->len; i++)
        {
          const RwTask *t = plan->tasks->pdata[i];
          if (strcmp (t->task_id, id) == 0)
            return t->type;
        }
    }
  return NULL;
}

/* Resolved means verified: telemetry confirmed the problem the report speaks of (a check saw a
 * session down, a metric above its threshold or rising), or a change was made and the recovery
 * check passed after it. A plan that completed on neither — a session said to be stuck that
 * telemetry shows up, a latency jump the series does not show, and nothing changed — leaves the
 * ticket open, saying so. Returns the reason (newly allocated) or NULL when verified. */
static char *
unverified_reason (const RwScheduleReport *report)
{
  gboolean confirmed = FALSE, changed = FALSE;
  g_autoptr(GString) seen = g_string_new (NULL);
  for (guint i = 0; i < report->results->len; i++)
    {
      const RwTaskResult *r = report->results->pdata[i];
      const char *type = task_type (report, r->task_id);
      JsonObject *o = r->out && JSON_NODE_HOLDS_OBJECT (r->out) ? json_node_get_object (r->out) : NULL;
      if (strcmp (r->status, "done") != 0 || type == NULL || o == NULL)
        continue;
      if (strcmp (type, "check_metric") == 0)
        {
          const char *metric = json_object_get_string_member_with_default (o, "metric", "");
          const char *observed = json_object_get_string_member_with_default (o, "observed", "");
          gboolean problem = strcmp (metric, "session") == 0 ? strcmp (observed, "up") != 0
                                                              : strcmp (observed, "above") == 0 || strcmp (observed, "rising") == 0;
          confirmed |= problem;
          if (!problem)
            g_string_append_printf (seen, "%s%s %s", seen->len ? ", " : "", metric, observed);
        }
      else if ((strcmp (type, "mitigate") == 0 || strcmp (type, "apply_change") == 0) &&
               json_object_has_member (o, "changes") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "changes")) &&
               json_array_get_length (json_object_get_array_member (o, "changes")) > 0)
        changed = TRUE;
    }
  if (confirmed || changed)
    return NULL;
  if (seen->len == 0)
    return g_strdup ("not verified: no telemetry confirmed the reported problem and nothing was changed");
  return g_strdup_printf ("not verified: telemetry did not confirm the reported problem (%s) and nothing was changed",
                          seen->str);
}

RwIncidentResult *
rw_incident_run (const RwIncidentParams *p, GError **error)
{
  g_autoptr(RwIncidentResult) res = g_new0 (RwIncidentResult, 1);
  g_autoptr(RwPlanner) rulebook = rw_rulebook_planner_new ();
  g_autoptr(GPtrArray) agents = rw_intake_agents_default ();
  g_autoptr(RwWorld) world = NULL;
  g_autofree char *plan_id = NULL;
  RwGuardConfig guard;
  RwSchedulerConfig sched;
  RwClock clock;
  RwScheduler s = { 0 };
  RwPlanRequest req = { 0 };
  TicketSink sink = { 0 };
  g_autoptr(GError) local = NULL;
  const char *status, *reason = NULL;
  g_autofree char *unverified = NULL;

  if (strlen (p->text) > RW_INCIDENT_MAX_BYTES)
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID,
                   "the incident text is %" G_GSIZE_FORMAT " bytes, more than the %" G_GSIZE_FORMAT " KiB an incident "
                   "may have: describe it in fewer words", strlen (p->text), RW_INCIDENT_MAX_BYTES >> 10);
      return NULL;
    }
  res->text = g_strdup (p->text);
  if (!rw_runbook_set_index (p->runbooks, p->store, error))
    return NULL;
  res->hits = rw_runbook_search (p->runbooks, p->store, p->text, p->candidates ? p->candidates : 5, &res->match,
                                 error);
  if (res->hits == NULL)
    return NULL;
  if (res->hits->len == 0)
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID,
                   "%s: no runbook matches and the set has no 'unknown' runbook", p->runbooks->source);
      return NULL;
    }
  res->runbook = rw_runbook_set_find (p->runbooks, ((RwRunbookHit *) res->hits->pdata[0])->id);
  res->entities = rw_entities_resolve (p->topo, p->text);
  res->facts = rw_facts_derive (p->topo, res->entities);

  res->ticket_id = rw_store_ticket_create (p->store, p->text, res->runbook->id, res->runbook->severity, error);
  if (res->ticket_id < 0)
    return NULL;
  plan_id = g_strdup_printf ("incident-%" G_GINT64_FORMAT, res->ticket_id);

  if (p->guard)
    guard = *p->guard;
  else
    rw_guard_config_init (&guard);
  if (p->schedule)
    sched = *p->schedule;
  else
    rw_scheduler_config_init (&sched);
  if (p->clock)
    clock = *p->clock;
  else
    rw_clock_init_system (&clock);
  world = rw_world_new (rw_topology_copy (p->topo), p->store, &guard);
  world->decision_tag = p->planner ? p->planner->decision_tag : rulebook->decision_tag;
  world->seed = g_str_hash (p->text);

  sink.store = p->store;
  sink.ticket = res->ticket_id;
  sink.params = p;
  s.config = &sched;
  s.clock = &clock;
  s.agents = agents;
  s.planner = p->planner ? p->planner : rulebook;
  s.fallback = rulebook;
  s.world = world;
  s.keys = p->keys;
  s.store = p->store;
  s.on_result = on_result;
  s.on_plan = on_plan;
  s.on_result_data = &sink;
  req.incident = p->text;
  req.runbook = res->runbook;
  req.facts = res->facts;
  req.topo = p->topo;
  req.plan_id = plan_id;

  res->report = rw_scheduler_run (&s, &req, &local);
  g_clear_pointer (&sink.plan, rw_plan_free);
  if (res->report == NULL)
    {
      res->plan_error = g_strdup (local->message);
      status = "escalated";
      reason = res->plan_error;
    }
  else if (strcmp (res->report->outcome, "completed") == 0)
    {
      if (strcmp (res->runbook->severity, "high") == 0)
        status = "escalated", reason = "severity high: a person must confirm";
      else if ((unverified = unverified_reason (res->report)) != NULL)
        status = "open", reason = unverified;
      else
        status = "resolved", reason = NULL;
    }
  else if (strcmp (res->report->outcome, "needs_input") == 0)
    status = "open", reason = res->report->reason;
  else
    status = "escalated", reason = res->report->reason;
  {
    g_autoptr(JsonNode) plan = res->report ? rw_plan_to_json (res->report->plan) : NULL;
    if (!rw_store_ticket_set_status (p->store, res->ticket_id, status, reason, plan, error))
      return NULL;
  }
  res->ticket_status = g_strdup (status);
  res->ticket_reason = g_strdup (reason);
  return g_steal_pointer (&res);
}

/* A task result as the contract has it: task_id, status, out. A failure's message and the
 * number of attempts go into out, next to whatever the agent produced. */
static JsonNode *
result_json (const RwTaskResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "task_id");
  json_builder_add_string_value (b, r->task_id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, r->status);
  json_builder_set_member_name (b, "out");
  if (r->error == NULL && r->attempts <= 1 && r->out)
    json_builder_add_value (b, json_node_copy (r->out));
  else if (r->error == NULL && r->attempts <= 1)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "error");
      r->error ? json_builder_add_string_value (b, r->error) : json_builder_add_null_value (b);
      json_builder_set_member_name (b, "attempts");
      json_builder_add_int_value (b, r->attempts);
      json_builder_set_member_name (b, "plan_version");
      json_builder_add_int_value (b, r->plan_version);
      json_builder_set_member_name (b, "result");
      json_builder_add_value (b, r->out ? json_node_copy (r->out) : json_node_new (JSON_NODE_NULL));
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
rw_incident_result_to_json (const RwIncidentResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const RwRunbookHit *top = r->hits->pdata[0];
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "runbook");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, r->runbook->id);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, r->runbook->title);
  json_builder_set_member_name (b, "score");
  json_builder_add_double_value (b, top->score);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "candidates");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->hits->len; i++)
    {
      const RwRunbookHit *h = r->hits->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, h->id);
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, h->score);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "entities");
  json_builder_add_value (b, rw_entities_to_json (r->entities));
  json_builder_set_member_name (b, "plan");
  if (r->report)
    {
      const RwPlan *p = r->report->plan;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "plan_id");
      json_builder_add_string_value (b, p->plan_id);
      json_builder_set_member_name (b, "plan_version");
      json_builder_add_int_value (b, p->version);
      json_builder_set_member_name (b, "tasks");
      json_builder_begin_array (b);
      for (guint i = 0; i < p->tasks->len; i++)
        json_builder_add_value (b, rw_task_to_json (p->tasks->pdata[i]));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);   /* no valid plan: the ticket says why */
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; r->report && i < r->report->results->len; i++)
    json_builder_add_value (b, result_json (r->report->results->pdata[i]));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "ticket");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, r->ticket_id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, r->ticket_status);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
rw_tickets_verify (RwStore *store, const RwKeyring *keys, guint *checked, GPtrArray *problems, GError **error)
{
  g_autoptr(GPtrArray) updates = rw_store_ticket_updates (store, 0, error);
  *checked = 0;
  if (updates == NULL)
    return FALSE;
  for (guint i = 0; i < updates->len; i++)
    {
      const RwTicketUpdate *u = updates->pdata[i];
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) local = NULL;
      g_autoptr(RwEnvelope) env = NULL;
      g_autofree char *where = g_strdup_printf ("ticket %" G_GINT64_FORMAT ", update %" G_GINT64_FORMAT " (task %s)",
                                                u->ticket_id, u->id, u->task_id ? u->task_id : "-");
      JsonObject *detail;
      JsonNode *wire;
      g_autofree char *bad = NULL;
      /* the database is outside text too: checked before json-glib, which deep nesting crashes */
      if (u->detail == NULL || (bad = rw_json_check_text (u->detail, -1, NULL)) != NULL
          || !json_parser_load_from_data (parser, u->detail, -1, NULL)
          || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      detail = json_node_get_object (json_parser_get_root (parser));
      wire = json_object_get_member (detail, "envelope");
      if (wire == NULL || JSON_NODE_HOLDS_NULL (wire))
        continue;
      (*checked)++;
      env = rw_envelope_from_json (wire, where, &local);
      if (env == NULL || !rw_envelope_verify_record (keys, env, &local))
        {
          g_ptr_array_add (problems, g_strdup_printf ("%s: %s", where, local->message));
          continue;
        }
      /* the update must be about the task the envelope carried */
      if (!JSON_NODE_HOLDS_OBJECT (env->body)
          || g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (env->body), "task_id", NULL),
                        u->task_id) != 0)
        g_ptr_array_add (problems, g_strdup_printf ("%s: the envelope carried another task", where));
    }
  return TRUE;
}
