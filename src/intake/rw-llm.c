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
  c->max_answer_bytes = RW_LLM_MAX_ANSWER_BYTES;
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

/* ---- one exchange under a deadline and a size cap ----
 * libsoup's "timeout" is per read or write: a server that drips a byte a second never trips it.
 * The exchange runs asynchronously on a private main context, so a timeout source on that
 * context can cancel it wherever it is (resolving, connecting, sending, reading), and the body
 * is read chunk by chunk with a running total, so neither an endless answer nor a gzip bomb
 * (the content decoder sits below the stream we read) grows past the cap. */

typedef struct {
  GCancellable *cancel;
  GInputStream *stream;
  GByteArray *body;
  gsize cap;
  gboolean done, timed_out, too_big;
  GError *error;
} Exchange;

static gboolean
exchange_deadline (gpointer data)
{
  Exchange *x = data;
  x->timed_out = TRUE;
  g_cancellable_cancel (x->cancel);
  return G_SOURCE_REMOVE;
}

static void exchange_read_next (Exchange *x);

static void
exchange_read (GObject *source, GAsyncResult *res, gpointer data)
{
  Exchange *x = data;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res, &x->error);
  gsize n;
  if (chunk == NULL || (n = g_bytes_get_size (chunk)) == 0)
    {
      x->done = TRUE;
      return;
    }
  if (n > x->cap - x->body->len)
    {
      x->too_big = TRUE;
      x->done = TRUE;
      return;
    }
  g_byte_array_append (x->body, g_bytes_get_data (chunk, NULL), n);
  exchange_read_next (x);
}

static void
exchange_read_next (Exchange *x)
{
  g_input_stream_read_bytes_async (x->stream, 64 * 1024, G_PRIORITY_DEFAULT, x->cancel, exchange_read, x);
}

static void
exchange_sent (GObject *source, GAsyncResult *res, gpointer data)
{
  Exchange *x = data;
  x->stream = soup_session_send_finish (SOUP_SESSION (source), res, &x->error);
  if (x->stream == NULL)
    x->done = TRUE;
  else
    exchange_read_next (x);
}

/* POSTs @body to @uri and returns the (decoded) answer and its status, or NULL with @error. */
static GBytes *
llm_exchange (GUri *uri, const char *url, const char *body, guint timeout_s, gsize cap, guint *status,
              char **reason, GError **error)
{
  GMainContext *ctx = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) out = g_bytes_new (body, strlen (body));
  GSource *deadline;
  GBytes *answer = NULL;
  Exchange x = { 0 };

  g_main_context_push_thread_default (ctx);
  x.cancel = g_cancellable_new ();
  x.body = g_byte_array_new ();
  x.cap = cap;
  /* the per-IO timeout stays as a second line; the deadline below is the one that counts */
  session = soup_session_new_with_options ("timeout", timeout_s, "idle-timeout", timeout_s, NULL);
  if (!soup_session_has_feature (session, SOUP_TYPE_CONTENT_DECODER))
    soup_session_add_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  msg = soup_message_new_from_uri ("POST", uri);
  soup_message_set_request_body_from_bytes (msg, "application/json", out);
  deadline = timeout_s <= G_MAXUINT / 1000u ? g_timeout_source_new (timeout_s * 1000u)
                                            : g_timeout_source_new_seconds (timeout_s);
  g_source_set_callback (deadline, exchange_deadline, &x, NULL);
  g_source_attach (deadline, ctx);
  soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, x.cancel, exchange_sent, &x);
  while (!x.done)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (deadline);
  g_source_unref (deadline);

  if (x.timed_out || g_error_matches (x.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    llm_fail (error, RW_INTAKE_ERROR_TIMEOUT, "%s: no answer within %u s (the deadline covers connecting, "
              "sending and reading the whole answer)", url, timeout_s);
  else if (x.too_big)
    llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: the answer is larger than the limit of %" G_GSIZE_FORMAT " bytes "
              "(counted after decompression); the rest was not read", url, cap);
  else if (x.error)
    llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: %s", url, x.error->message);
  else
    {
      *status = soup_message_get_status (msg);
      *reason = g_strdup (soup_message_get_reason_phrase (msg));
      answer = g_byte_array_free_to_bytes (g_steal_pointer (&x.body));
    }
  if (x.stream)
    {
      /* closing reads what is left of the body to reuse the connection: on an endless or
       * dripping answer that never ends, so cancel first and the connection is dropped */
      g_cancellable_cancel (x.cancel);
      g_input_stream_close (x.stream, x.cancel, NULL);
      g_object_unref (x.stream);
    }
  soup_session_abort (session);
  g_clear_object (&msg);
  g_clear_object (&session);
  /* let the closed connection's last callbacks run so they free themselves */
  while (g_main_context_iteration (ctx, FALSE))
    ;
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  g_object_unref (x.cancel);
  if (x.body)
    g_byte_array_unref (x.body);
  g_clear_error (&x.error);
  return answer;
}

char *
rw_llm_chat (const RwLlmConfig *cfg, const char *system, const char *user, GError **error)
{
  g_autofree char *base = g_strdup (cfg->endpoint);
  g_autofree char *url = NULL, *body = NULL, *bad = NULL, *reason = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) req = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GBytes) in = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *o;
  const char *scheme, *host;
  guint status = 0;

  if (base == NULL || *base == '\0')
    {
      llm_fail (error, RW_INTAKE_ERROR_LLM, "no LLM endpoint given");
      return NULL;
    }
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  url = g_strconcat (base, "/chat/completions", NULL);
  /* libsoup speaks HTTP only; any other scheme (file://, ftp://…) reached a CRITICAL inside it */
  if ((uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &local)) == NULL)
    {
      llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: not a valid URL: %s", url, local->message);
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: the endpoint must be an http:// or https:// URL, not %s://", url,
                scheme);
      return NULL;
    }
  if (host == NULL || *host == '\0')
    {
      llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: the endpoint has no host", url);
      return NULL;
    }
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

  in = llm_exchange (uri, url, body, MAX (cfg->timeout_s, 1u),
                     cfg->max_answer_bytes ? cfg->max_answer_bytes : RW_LLM_MAX_ANSWER_BYTES, &status, &reason, error);
  if (in == NULL)
    return NULL;
  if (status != SOUP_STATUS_OK)
    {
      llm_fail (error, RW_INTAKE_ERROR_LLM, "%s: HTTP %u %s", url, status, reason ? reason : "");
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
  gsize max_answer_bytes;
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
  RwLlmConfig cfg = { d->endpoint, d->model, d->timeout_s, d->max_answer_bytes };
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
  d->max_answer_bytes = cfg->max_answer_bytes;
  d->store = store;
  p->name = "llm";
  p->decision_tag = "LLM_DECISION";
  p->plan = llm_plan;
  p->data = d;
  p->free_data = (GDestroyNotify) llm_data_free;
  return p;
}
