/* rw-scheduler.c — plan execution, retries, timeouts, the monitor and replanning.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-scheduler.h"
#include "rw-canonical.h"
#include "rw-store-intake.h"

#include <string.h>

static gint64
system_now (gpointer data)
{
  return g_get_monotonic_time ();
}

static void
system_sleep (gpointer data, gint64 us)
{
  g_usleep (us);
}

void
rw_clock_init_system (RwClock *c)
{
  c->now_us = system_now;
  c->sleep_us = system_sleep;
  c->data = NULL;
}

static gint64
manual_now (gpointer data)
{
  return *(gint64 *) data;
}

static void
manual_sleep (gpointer data, gint64 us)
{
  *(gint64 *) data += us;
}

void
rw_clock_init_manual (RwClock *c, gint64 *now_us)
{
  c->now_us = manual_now;
  c->sleep_us = manual_sleep;
  c->data = now_us;
}

static gint64
virtual_now (gpointer data)
{
  return g_get_monotonic_time () + *(gint64 *) data;
}

void
rw_clock_init_virtual_sleep (RwClock *c, gint64 *offset_us)
{
  c->now_us = virtual_now;
  c->sleep_us = manual_sleep;
  c->data = offset_us;
}

void
rw_scheduler_config_init (RwSchedulerConfig *c)
{
  c->task_timeout_ms = 30000;
  c->retries = 2;
  c->backoff_ms = 500;
  c->anti_flap_ms = 5000;
  c->max_rejected = 2;
  c->max_replans = 4;
}

void
rw_task_result_free (RwTaskResult *r)
{
  if (r == NULL)
    return;
  g_free (r->task_id);
  g_free (r->status);
  g_clear_pointer (&r->out, json_node_unref);
  g_clear_pointer (&r->envelope, json_node_unref);
  g_free (r->error);
  g_free (r);
}

JsonNode *
rw_task_result_to_json (const RwTaskResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "task_id");
  json_builder_add_string_value (b, r->task_id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, r->status);
  json_builder_set_member_name (b, "attempts");
  json_builder_add_int_value (b, r->attempts);
  json_builder_set_member_name (b, "plan_version");
  json_builder_add_int_value (b, r->plan_version);
  json_builder_set_member_name (b, "out");
  json_builder_add_value (b, r->out ? json_node_copy (r->out) : json_node_new (JSON_NODE_NULL));
  json_builder_set_member_name (b, "error");
  r->error ? json_builder_add_string_value (b, r->error) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "envelope");
  json_builder_add_value (b, r->envelope ? json_node_copy (r->envelope) : json_node_new (JSON_NODE_NULL));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
rw_schedule_report_free (RwScheduleReport *r)
{
  if (r == NULL)
    return;
  rw_plan_free (r->plan);
  g_ptr_array_unref (r->plans);
  g_ptr_array_unref (r->results);
  g_ptr_array_unref (r->rejections);
  g_array_unref (r->mrl_ms);
  g_free (r->outcome);
  g_free (r->reason);
  g_free (r);
}

/* ---- planning with rejection, anti-flap and fallback ---- */

typedef struct {
  const RwScheduler *s;
  RwScheduleReport *report;
  char *last_flap_key;
  gint64 last_flap_us;
  guint64 seq;
  RwInbox *inbox;
  const RwKeyring *keys;
  RwKeyring *own_keys;
  GHashTable *status;       /* task id -> status of its latest run */
  GHashTable *done;         /* task content signature -> TRUE: never run twice */
} Run;

/* The change between two plans regardless of direction, so A->B and B->A are the same flap. */
static char *
flap_key (const RwPlan *from, const RwPlan *to)
{
  g_autofree char *diff = rw_plan_diff_key (from, to);
  g_auto(GStrv) parts = g_strsplit (diff, " ", -1);
  guint n = g_strv_length (parts);
  for (guint i = 0; i < n; i++)
    if (parts[i][0] == '+' || parts[i][0] == '-')
      memmove (parts[i], parts[i] + 1, strlen (parts[i]));
  for (guint i = 0; i + 1 < n; i++)   /* insertion sort: plans have at most 12 tasks */
    for (guint j = i + 1; j < n; j++)
      if (strcmp (parts[j], parts[i]) < 0)
        {
          char *tmp = parts[i];
          parts[i] = parts[j];
          parts[j] = tmp;
        }
  return g_strjoinv (" ", parts);
}

static void
reject (Run *run, const char *planner, guint version, const char *why)
{
  g_ptr_array_add (run->report->rejections, g_strdup_printf ("%s plan v%u rejected: %s", planner, version, why));
}

/* Every plan version and every rejection goes into the audit chain with the planner's tag. */
static void
audit_plan (Run *run, const char *kind, const RwPlanner *planner, const RwPlan *plan, const char *why)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(GError) error = NULL;
  if (run->s->store == NULL)
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "planner");
  json_builder_add_string_value (b, planner->name);
  json_builder_set_member_name (b, "plan");
  json_builder_add_value (b, plan ? rw_plan_to_json (plan) : json_node_new (JSON_NODE_NULL));
  json_builder_set_member_name (b, "reason");
  why ? json_builder_add_string_value (b, why) : json_builder_add_null_value (b);
  json_builder_end_object (b);
  payload = json_builder_get_root (b);
  /* a planner's strings (an LLM's, above all) reach the append-only log bounded and hashed */
  rw_store_bound_json (payload, RW_STORE_AUDIT_STRING_MAX);
  if (!rw_store_append (run->s->store, 0, kind, "planner", planner->decision_tag, payload, NULL, &error))
    g_warning ("%s", error->message);
}

static RwPlan *
obtain_plan (Run *run, const RwPlanRequest *base, const RwPlan *current, JsonNode *failure, GError **error)
{
  const RwScheduler *s = run->s;
  guint rejected = 0;
  guint version = current ? current->version + 1 : 1;
  guint first_rejection = run->report->rejections->len;
  RwPlanRequest req = *base;
  req.current = current;
  req.failure = failure;

  for (;;)
    {
      gboolean fallback = rejected >= s->config->max_rejected;
      RwPlanner *planner = fallback ? s->fallback : s->planner;
      g_autoptr(GError) local = NULL;
      g_autoptr(RwPlan) plan = rw_planner_plan (planner, &req, &local);
      g_autofree char *why = NULL;

      if (plan == NULL)
        why = g_strdup (local->message);
      else
        {
          plan->version = version;
          g_free (plan->plan_id);
          plan->plan_id = g_strdup (base->plan_id);
          if (fallback && planner != s->planner)
            {
              g_free (plan->origin);
              plan->origin = g_strdup ("fallback");
            }
          if (!rw_plan_validate (plan, base->topo, &local))
            why = g_strdup (local->message);
          else if (current)
            {
              g_autofree char *key = flap_key (current, plan);
              gint64 now = s->clock->now_us (s->clock->data);
              if (*key == '\0')
                why = g_strdup ("it changes nothing");
              else if (run->last_flap_key && strcmp (key, run->last_flap_key) == 0
                       && now - run->last_flap_us < s->config->anti_flap_ms * 1000)
                why = g_strdup_printf ("anti-flap: the same change was made %" G_GINT64_FORMAT " ms ago",
                                       (now - run->last_flap_us) / 1000);
              else
                {
                  g_free (run->last_flap_key);
                  run->last_flap_key = g_steal_pointer (&key);
                  run->last_flap_us = now;
                }
            }
        }
      if (why == NULL)
        {
          /* the actions of this plan carry its planner's decision tag */
          if (s->world)
            s->world->decision_tag = planner->decision_tag;
          audit_plan (run, "intake.plan", planner, plan, NULL);
          run->report->fallback_used |= fallback && planner != s->planner;
          g_ptr_array_add (run->report->plans, rw_plan_copy (plan));
          if (s->on_plan)
            s->on_plan (plan, s->on_result_data);
          return g_steal_pointer (&plan);
        }
      reject (run, planner->name, version, why);
      audit_plan (run, "intake.plan_rejected", planner, plan, why);
      rejected++;
      /* the rulebook is deterministic: asking it again would only repeat the rejection */
      if (fallback || planner == s->fallback)
        {
          g_autoptr(GString) all = g_string_new ("no valid plan:");
          for (guint i = first_rejection; i < run->report->rejections->len; i++)
            g_string_append_printf (all, " %s;", (char *) run->report->rejections->pdata[i]);
          g_set_error_literal (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_PLAN, all->str);
          return NULL;
        }
    }
}

/* ---- execution ---- */

static char *
task_content (const RwTask *t)
{
  g_autofree char *args = rw_json_canonical (t->args);
  return g_strdup_printf ("%s|%s|%s|%s", t->type, t->target, t->assigned_to, args);
}

static RwIntakeAgent *
find_agent (const RwScheduler *s, const char *name)
{
  for (guint i = 0; i < s->agents->len; i++)
    {
      RwIntakeAgent *a = s->agents->pdata[i];
      if (g_strcmp0 (a->name, name) == 0)
        return a;
    }
  return NULL;
}

static void
record (Run *run, RwTaskResult *r)
{
  g_hash_table_insert (run->status, g_strdup (r->task_id), g_strdup (r->status));
  g_ptr_array_add (run->report->results, r);
  if (run->s->on_result)
    run->s->on_result (r, run->s->on_result_data);
}

static JsonNode *
failure_context (const RwTask *t, const RwTaskResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "task_id");
  json_builder_add_string_value (b, t->task_id);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, t->type);
  json_builder_set_member_name (b, "target");
  json_builder_add_string_value (b, t->target);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, r->status);
  json_builder_set_member_name (b, "attempts");
  json_builder_add_int_value (b, r->attempts);
  json_builder_set_member_name (b, "error");
  if (r->error)
    json_builder_add_string_value (b, r->error);
  else if (r->out && JSON_NODE_HOLDS_OBJECT (r->out)
           && json_object_has_member (json_node_get_object (r->out), "observed")
           && json_object_has_member (json_node_get_object (r->out), "expected"))
    {
      /* a deviation: say what the network does instead of what the runbook expected */
      JsonObject *o = json_node_get_object (r->out);
      g_autofree char *msg = g_strdup_printf ("%s %s observed %s where the runbook expected %s",
                                              t->target, json_object_get_string_member_with_default (o, "metric", "metric"),
                                              json_object_get_string_member_with_default (o, "observed", "?"),
                                              json_object_get_string_member_with_default (o, "expected", "?"));
      json_builder_add_string_value (b, msg);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "out");
  json_builder_add_value (b, r->out ? json_node_copy (r->out) : json_node_new (JSON_NODE_NULL));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Sends @t through an envelope and back out of the inbox: the agent runs what the envelope
 * carried, never the scheduler's copy. NULL (with @error) when the inbox refused it. */
static RwTask *
deliver (Run *run, const RwTask *t, JsonNode **wire_out, GError **error)
{
  const RwScheduler *s = run->s;
  gint64 now_ms = s->clock->now_us (s->clock->data) / 1000;
  g_autoptr(JsonNode) body = rw_task_to_json (t);
  g_autoptr(RwEnvelope) env = rw_envelope_seal (run->keys, "scheduler", ++run->seq, now_ms, body);
  g_autoptr(JsonNode) wire = rw_envelope_to_json (env);
  g_autoptr(RwEnvelope) got = rw_envelope_from_json (wire, "envelope", error);
  g_autoptr(JsonArray) one = json_array_new ();
  g_autoptr(JsonNode) arr = NULL;
  g_autoptr(RwPlan) p = NULL;
  *wire_out = json_node_copy (wire);
  if (got == NULL || !rw_inbox_accept (run->inbox, got, now_ms, error))
    return NULL;
  json_array_add_element (one, json_node_copy (got->body));
  arr = json_node_init_array (json_node_alloc (), one);
  p = rw_plan_from_json (arr, "envelope body", error);
  if (p == NULL)
    return NULL;
  return g_ptr_array_steal_index (p->tasks, 0);
}

typedef enum { EXEC_COMPLETE, EXEC_REPLAN } ExecResult;

static ExecResult
execute (Run *run, const RwPlan *plan, JsonNode **failure)
{
  const RwScheduler *s = run->s;
  g_autoptr(GArray) order = rw_plan_topological_order (plan);

  for (guint k = 0; order && k < order->len; k++)
    {
      const RwTask *t = plan->tasks->pdata[g_array_index (order, guint, k)];
      g_autofree char *content = task_content (t);
      RwTaskResult *r;
      gboolean blocked = FALSE;
      RwIntakeAgent *agent;
      g_autoptr(GError) env_error = NULL;
      g_autoptr(RwTask) delivered = NULL;

      if (g_hash_table_contains (run->done, content))
        {
          /* done under an earlier plan version: its result stands */
          g_hash_table_insert (run->status, g_strdup (t->task_id), g_strdup ("done"));
          continue;
        }
      for (guint d = 0; d < t->dependencies->len && !blocked; d++)
        {
          const char *st = g_hash_table_lookup (run->status, t->dependencies->pdata[d]);
          blocked = g_strcmp0 (st, "done") != 0;
        }
      r = g_new0 (RwTaskResult, 1);
      r->task_id = g_strdup (t->task_id);
      r->plan_version = plan->version;
      if (blocked)
        {
          r->status = g_strdup ("skipped");
          r->error = g_strdup ("a task it depends on did not complete");
          record (run, r);
          continue;
        }
      delivered = deliver (run, t, &r->envelope, &env_error);
      if (delivered == NULL)
        {
          r->status = g_strdup ("refused");
          r->error = g_strdup (env_error->message);
          record (run, r);
          *failure = failure_context (t, r);
          return EXEC_REPLAN;
        }
      agent = find_agent (s, delivered->assigned_to);
      for (r->attempts = 1;; r->attempts++)
        {
          RwTaskRun tr = { 0 };
          g_autoptr(GError) local = NULL;
          gint64 start = s->clock->now_us (s->clock->data);
          gboolean ok;
          tr.world = s->world;
          tr.deadline_us = start + s->config->task_timeout_ms * 1000;
          tr.now_us = s->clock->now_us;
          tr.clock_data = s->clock->data;
          if (agent == NULL)
            {
              g_set_error (&local, RW_INTAKE_ERROR, RW_INTAKE_ERROR_FAILED, "no agent called '%s'", delivered->assigned_to);
              ok = FALSE;
            }
          else
            ok = agent->execute (agent, delivered, &tr, &local);
          g_clear_pointer (&r->status, g_free);
          g_clear_pointer (&r->error, g_free);
          g_clear_pointer (&r->out, json_node_unref);
          /* agents run in-process and cooperate with the deadline: one that stopped for it, or
           * overran it whatever it returned, timed out (an ActionAgent retry is idempotent) */
          if (g_error_matches (local, RW_INTAKE_ERROR, RW_INTAKE_ERROR_TIMEOUT))
            {
              r->status = g_strdup ("timeout");
              r->error = g_strdup (local->message);
              g_clear_pointer (&tr.out, json_node_unref);
            }
          else if (rw_task_run_expired (&tr))
            {
              r->status = g_strdup ("timeout");
              r->error = g_strdup_printf ("task %s took longer than %" G_GINT64_FORMAT " ms", t->task_id,
                                          s->config->task_timeout_ms);
              g_clear_pointer (&tr.out, json_node_unref);
            }
          else if (!ok)
            {
              r->status = g_strdup ("failed");
              r->error = g_strdup (local->message);
              r->out = g_steal_pointer (&tr.out);
            }
          else
            {
              r->status = g_strdup (rw_task_verdict_to_string (tr.verdict));
              r->out = g_steal_pointer (&tr.out);
              break;
            }
          /* a refusal by verification is deterministic: asking again gives the same answer */
          if (r->attempts > s->config->retries || g_error_matches (local, RW_INTAKE_ERROR, RW_INTAKE_ERROR_UNSAFE))
            break;
          s->clock->sleep_us (s->clock->data, s->config->backoff_ms * 1000 * (1 << (r->attempts - 1)));
        }
      record (run, r);
      if (strcmp (r->status, "done") == 0)
        g_hash_table_add (run->done, g_steal_pointer (&content));
      else if (strcmp (r->status, "failed") == 0 || strcmp (r->status, "timeout") == 0
               || strcmp (r->status, "deviation") == 0)
        {
          *failure = failure_context (t, r);
          return EXEC_REPLAN;
        }
    }
  return EXEC_COMPLETE;
}

/* Why the incident went to a person, in the words of the task that sent it there. */
static char *
escalation_reason (const RwScheduleReport *report)
{
  for (guint i = 0; i < report->results->len; i++)
    {
      const RwTaskResult *r = report->results->pdata[i];
      JsonObject *o = r->out && JSON_NODE_HOLDS_OBJECT (r->out) ? json_node_get_object (r->out) : NULL;
      if (strcmp (r->status, "escalated") != 0)
        continue;
      if (o && json_object_has_member (o, "reason") && !json_object_get_null_member (o, "reason"))
        return g_strdup (json_object_get_string_member (o, "reason"));
      if (o && json_object_has_member (o, "tier"))
        return g_strdup_printf ("task %s: the change needs an operator's approval (tier %s)", r->task_id,
                                json_object_get_string_member (o, "tier"));
      return g_strdup_printf ("task %s handed the incident to a person", r->task_id);
    }
  return g_strdup ("a task handed the incident to a person");
}

RwScheduleReport *
rw_scheduler_run (const RwScheduler *s, const RwPlanRequest *req, GError **error)
{
  g_autoptr(RwScheduleReport) report = g_new0 (RwScheduleReport, 1);
  Run run = { 0 };
  RwScheduleReport *result = NULL;

  report->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_plan_free);
  report->results = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_task_result_free);
  report->rejections = g_ptr_array_new_with_free_func (g_free);
  report->mrl_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.s = s;
  run.report = report;
  /* without a keyring the run still signs its envelopes, with a key that lives as long as it */
  run.own_keys = s->keys ? NULL : rw_keyring_new_ephemeral ();
  run.keys = s->keys ? s->keys : run.own_keys;
  run.inbox = rw_inbox_new (run.keys, s->store);
  run.status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run.done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  report->plan = obtain_plan (&run, req, NULL, NULL, error);
  if (report->plan == NULL)
    goto out;
  for (;;)
    {
      g_autoptr(JsonNode) failure = NULL;
      gint64 t0;
      RwPlan *next;
      g_autoptr(GError) local = NULL;
      if (execute (&run, report->plan, &failure) == EXEC_COMPLETE)
        break;
      if (report->replans >= s->config->max_replans)
        {
          report->outcome = g_strdup ("failed");
          report->reason = g_strdup_printf ("gave up after %u replans", report->replans);
          break;
        }
      t0 = s->clock->now_us (s->clock->data);
      next = obtain_plan (&run, req, report->plan, failure, &local);
      if (next == NULL)
        {
          report->outcome = g_strdup ("failed");
          report->reason = g_strdup (local->message);
          break;
        }
      {
        double ms = (s->clock->now_us (s->clock->data) - t0) / 1000.0;
        g_array_append_val (report->mrl_ms, ms);
      }
      report->replans++;
      rw_plan_free (report->plan);
      report->plan = next;
    }
  if (report->outcome == NULL)
    {
      gboolean asked = FALSE, escalated = FALSE, incomplete = FALSE;
      for (guint i = 0; i < report->plan->tasks->len; i++)
        {
          const RwTask *t = report->plan->tasks->pdata[i];
          const char *st = g_hash_table_lookup (run.status, t->task_id);
          asked |= g_strcmp0 (st, "needs_input") == 0;
          escalated |= g_strcmp0 (st, "escalated") == 0;
          incomplete |= g_strcmp0 (st, "done") != 0;
        }
      if (escalated)
        report->outcome = g_strdup ("escalated"), report->reason = escalation_reason (report);
      else if (asked)
        report->outcome = g_strdup ("needs_input"), report->reason = g_strdup ("a question waits for the operator");
      else if (incomplete)
        report->outcome = g_strdup ("failed"), report->reason = g_strdup ("the plan could not complete");
      else
        report->outcome = g_strdup ("completed");
    }
  result = g_steal_pointer (&report);
out:
  rw_inbox_free (run.inbox);
  rw_keyring_free (run.own_keys);
  g_hash_table_unref (run.status);
  g_hash_table_unref (run.done);
  g_free (run.last_flap_key);
  return result;
}
