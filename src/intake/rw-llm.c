/* rw-llm.c — chat-completions client, near-JSON repair and the LLM planner.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-llm.h"
#include "rw-store-intake.h"
#include "rw-json-util.h"

#include <libsoup/soup.h>
#include <string.h>

void
rw_llm_config_init (RwLlmConfig *c)
{
  c->endpoint = NULL;
  c->model = "local-model";
  c->timeout_s = 30;
}

static gboolean
llm_fail (GError **error, RwIntakeError code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
llm_fail (GError **error, RwIntakeError code, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, RW_INTAKE_ERROR, code, msg);
  return FALSE;
}

char *
rw_llm_chat (const RwLlmConfig *cfg, const char *system, const char *user, GError **error)
{
  g_autofree char *base = g_strdup (cfg->endpoint);
  g_autofree char *url = NULL, *body = NULL, *bad = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) req = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) out = NULL, in = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *o;
  guint status;

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  url = g_strconcat (base, "/chat/completions", NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, cfg->model);
  json_builder_set_member_name (b, "temperature");
  json_builder_add_double_value (b, 0.0);
  json_builder_set_member_name (b, "response_format");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "json_object");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "system");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, system);
  json_builder_end_object (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "user");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, user);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  req = json_builder_get_root (b);
  body = rw_json_to_string (req, FALSE);

  msg = soup_message_new ("POST", url);
  if (msg == NULL)
    {
      llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: not a valid URL", url);
      return NULL;
    }
  session = soup_session_new_with_options ("timeout", cfg->timeout_s, "idle-timeout", cfg->timeout_s, NULL);
  out = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/json", out);
  in = soup_session_send_and_read (session, msg, NULL, &local);
  if (in == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        llm_fail (error, RW_INTAKE_ERROR_TIMEOUT, "%s: no answer within %u s", url, cfg->timeout_s);
      else
        llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: %s", url, local->message);
      return NULL;
    }
  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK)
    {
      llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: HTTP %u %s", url, status, soup_message_get_reason_phrase (msg));
      return NULL;
    }
  /* a server's answer is checked before json-glib, which deep nesting crashes */
  if ((bad = rw_json_check_text (g_bytes_get_data (in, NULL), (gssize) g_bytes_get_size (in), NULL)) != NULL)
    {
      llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: the answer is not a chat-completions document: %s", url, bad);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (in, NULL), g_bytes_get_size (in), &local)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: the answer is not a chat-completions document", url);
      return NULL;
    }
  o = json_node_get_object (root);
  {
    JsonArray *choices = json_object_has_member (o, "choices") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "choices"))
                           ? json_object_get_array_member (o, "choices") : NULL;
    JsonNode *first = choices && json_array_get_length (choices) > 0 ? json_array_get_element (choices, 0) : NULL;
    JsonObject *m = NULL;
    JsonNode *content;
    if (first && JSON_NODE_HOLDS_OBJECT (first) && json_object_has_member (json_node_get_object (first), "message")
        && JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (first), "message")))
      m = json_object_get_object_member (json_node_get_object (first), "message");
    content = m ? json_object_get_member (m, "content") : NULL;
    if (content == NULL || !JSON_NODE_HOLDS_VALUE (content) || json_node_get_value_type (content) != G_TYPE_STRING)
      {
        llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: choices[0].message.content is missing", url);
        return NULL;
      }
    return g_strdup (json_node_get_string (content));
  }
}

char *
rw_llm_repair_json (const char *text)
{
  const char *start = NULL, *end = NULL;
  GString *out;
  gboolean in_string = FALSE, escaped = FALSE;
  /* from the first { or [ to the last matching closer: drops fences and prose around it */
  for (const char *p = text; *p; p++)
    if (*p == '{' || *p == '[')
      {
        start = p;
        break;
      }
  if (start == NULL)
    return NULL;
  for (const char *p = text + strlen (text); p > start; p--)
    if (p[-1] == (*start == '{' ? '}' : ']'))
      {
        end = p;
        break;
      }
  if (end == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = start; p < end; p++)
    {
      if (in_string)
        {
          g_string_append_c (out, *p);
          if (escaped)
            escaped = FALSE;
          else if (*p == '\\')
            escaped = TRUE;
          else if (*p == '"')
            in_string = FALSE;
          continue;
        }
      if (*p == '"')
        in_string = TRUE;
      if (*p == ',')
        {
          /* a trailing comma before } or ] */
          const char *q = p + 1;
          while (q < end && g_ascii_isspace (*q))
            q++;
          if (q < end && (*q == '}' || *q == ']'))
            continue;
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

RwPlan *
rw_llm_plan_from_answer (const char *answer, gboolean *repaired, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *fixed = NULL;
  RwPlan *plan = rw_plan_from_text (answer, "LLM answer", &local);
  if (repaired)
    *repaired = FALSE;
  if (plan == NULL && (fixed = rw_llm_repair_json (answer)) != NULL)
    {
      g_clear_error (&local);
      plan = rw_plan_from_text (fixed, "LLM answer (repaired)", &local);
      if (repaired)
        *repaired = plan != NULL;
    }
  if (plan == NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return plan;
}

/* ---- the planner ---- */

typedef struct {
  char *endpoint, *model;
  guint timeout_s;
  RwStore *store;
} LlmData;

static void
llm_data_free (LlmData *d)
{
  g_free (d->endpoint);
  g_free (d->model);
  g_free (d);
}

static const char system_prompt[] =
  "You plan the response to a network incident for Routewise. Answer with one JSON object and "
  "nothing else: {\"tasks\": [{\"task_id\": string, \"type\": string, \"target\": string, \"args\": object, "
  "\"dependencies\": [task_id...], \"assigned_to\": string}]}. At most 12 tasks, no cycles. Types and their "
  "agents: reproduce_fault, check_metric, assess_impact, verify_recovery -> MetricAgent; search_logs -> "
  "LogAgent; mitigate, apply_change -> ActionAgent; clarify, escalate -> Operator. Targets are ids from the "
  "topology (routers, ISPs, links, prefixes, demands) or \"network\". check_metric args: metric (util, "
  "util_in, latency, loss, session, cpu, reachability), threshold, expect, lookback_s. search_logs args: "
  "pattern (a regular expression), lookback_s. reproduce_fault args: change (e.g. link-down:R2-ISPB). "
  "mitigate args: strategy (shift_away, drain, prepend). apply_change args: changes (change strings). "
  "verify_recovery args: max_utilisation. A fact you do not know becomes a clarify task with args.question.";

static char *
user_prompt (const RwPlanRequest *req)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "Incident: %s\nRunbook: %s (%s)\nSteps:\n", req->incident, req->runbook->id,
                          req->runbook->title);
  for (guint i = 0; i < req->runbook->steps->len; i++)
    g_string_append_printf (s, "- %s\n", (char *) req->runbook->steps->pdata[i]);
  g_string_append_printf (s, "Facts: link=%s router=%s isp=%s prefix=%s\nTopology nodes:",
                          req->facts->link ? req->facts->link : "unknown",
                          req->facts->router ? req->facts->router : "unknown",
                          req->facts->isp ? req->facts->isp : "unknown",
                          req->facts->prefix ? req->facts->prefix : "unknown");
  for (guint i = 0; i < req->topo->nodes->len; i++)
    {
      const RwNode *n = req->topo->nodes->pdata[i];
      g_string_append_printf (s, " %s%s%s%s", n->id, n->label ? " (" : "", n->label ? n->label : "", n->label ? ")" : "");
    }
  g_string_append (s, "\nLinks:");
  for (guint i = 0; i < req->topo->links->len; i++)
    g_string_append_printf (s, " %s", ((RwLink *) req->topo->links->pdata[i])->id);
  g_string_append_c (s, '\n');
  if (req->current && req->failure)
    {
      g_autoptr(JsonNode) plan = rw_plan_to_json (req->current);
      g_autofree char *pt = rw_json_to_string (plan, FALSE);
      g_autofree char *ft = rw_json_to_string (req->failure, FALSE);
      g_string_append_printf (s, "The current plan failed. Current plan: %s\nFailure: %s\n"
                                 "Give the next plan version: keep what worked, replace what failed.\n", pt, ft);
    }
  return g_string_free (s, FALSE);
}

static void
record_run (LlmData *d, const char *prompt, const char *response, const char *outcome)
{
  g_autoptr(GError) error = NULL;
  if (d->store && rw_store_llm_run_record (d->store, d->endpoint, d->model, prompt, response, "LLM_DECISION",
                                           outcome, &error) < 0)
    g_warning ("%s", error->message);
}

static RwPlan *
llm_plan (RwPlanner *self, const RwPlanRequest *req, GError **error)
{
  LlmData *d = self->data;
  RwLlmConfig cfg = { d->endpoint, d->model, d->timeout_s };
  g_autofree char *user = user_prompt (req);
  g_autofree char *prompt = g_strconcat (system_prompt, "\n\n", user, NULL);
  g_autofree char *answer = NULL, *outcome = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(RwPlan) plan = NULL;
  gboolean repaired;

  answer = rw_llm_chat (&cfg, system_prompt, user, &local);
  if (answer == NULL)
    {
      outcome = g_strdup_printf ("%s: %s", local->code == RW_INTAKE_ERROR_TIMEOUT ? "timeout" : "error", local->message);
      record_run (d, prompt, NULL, outcome);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  plan = rw_llm_plan_from_answer (answer, &repaired, &local);
  if (plan == NULL)
    {
      outcome = g_strdup_printf ("invalid: %s", local->message);
      record_run (d, prompt, answer, outcome);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  record_run (d, prompt, answer, repaired ? "repaired" : "parsed");
  g_free (plan->origin);
  plan->origin = g_strdup ("llm");
  return g_steal_pointer (&plan);
}

RwPlanner *
rw_llm_planner_new (const RwLlmConfig *cfg, RwStore *store)
{
  RwPlanner *p = g_new0 (RwPlanner, 1);
  LlmData *d = g_new0 (LlmData, 1);
  d->endpoint = g_strdup (cfg->endpoint);
  d->model = g_strdup (cfg->model);
  d->timeout_s = cfg->timeout_s;
  d->store = store;
  p->name = "llm";
  p->decision_tag = "LLM_DECISION";
  p->plan = llm_plan;
  p->data = d;
  p->free_data = (GDestroyNotify) llm_data_free;
  return p;
}
