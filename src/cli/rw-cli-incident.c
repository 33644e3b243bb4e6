/* rw-cli-incident.c — incident intake from the command line: `incident`, `tickets`, `keys`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include <glib/gstdio.h>
#include "rw-i18n.h"
#include "rw-datadir.h"
#include "rw-file.h"
#include "rw-incident.h"
#include "rw-json-util.h"
#include "rw-llm.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A shipped data file, installed or in the source tree (rw-datadir.h). */
static char *
data_file (const char *kind, const char *name)
{
  return rw_data_find (kind, name);
}

static char *
default_db (void)
{
  return g_build_filename (g_get_user_data_dir (), "routewise", "routewise.db", NULL);
}

static RwStore *
open_db (const char *path, int *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  RwStore *s;
  g_mkdir_with_parents (dir, 0700);
  s = rw_store_open (path, &error);
  if (s == NULL)
    *status = rw_cli_bad_input ("%s", error->message);
  return s;
}

static const RwTask *
find_task (const RwScheduleReport *rep, const char *task_id)
{
  for (guint i = rep->plans->len; i > 0; i--)
    {
      const RwTask *t = rw_plan_find_task (rep->plans->pdata[i - 1], task_id);
      if (t)
        return t;
    }
  return NULL;
}

static const char *
member_string (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : NULL;
}

static double
member_double (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) != G_TYPE_STRING ? json_node_get_double (n) : NAN;
}

static guint
member_length (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_array_get_length (json_node_get_array (n)) : 0;
}

/* One line a person reads instead of the agent's JSON (which --json prints in full). */
static char *
summarise (const RwTask *t, const RwTaskResult *res)
{
  JsonObject *o = res->out && JSON_NODE_HOLDS_OBJECT (res->out) ? json_node_get_object (res->out) : NULL;
  const char *type = t ? t->type : "";
  if (res->error)
    /* Translators: the error, then how many times the task was tried */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (after %u attempt)", "%s (after %u attempts)", res->attempts),
                            res->error, res->attempts);
  if (o == NULL)
    return g_strdup ("");
  if (strcmp (type, "reproduce_fault") == 0 || strcmp (type, "assess_impact") == 0
      || strcmp (type, "verify_recovery") == 0)
    {
      const char *what = member_string (o, "reproduced") ? member_string (o, "reproduced") : member_string (o, "what_if");
      guint missed = member_length (o, "new_sla_violations");
      /* Translators: the first two %s are the change that was tried and ": " (both empty when
       * none), then the number of demands, the busiest link and two percentages */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s%s%u demand newly misses its SLA, busiest %s at %.0f %%, %.1f %% of traffic moved",
                                           "%s%s%u demands newly miss their SLA, busiest %s at %.0f %%, %.1f %% of traffic moved",
                                           missed),
                              what ? what : "", what ? ": " : "", missed,
                              member_string (o, "busiest") ? member_string (o, "busiest") : "-",
                              100 * member_double (o, "max_utilisation"), 100 * member_double (o, "blast_radius"));
    }
  if (strcmp (type, "check_metric") == 0)
    {
      double crossings = member_double (o, "crossings");
      /* Translators: the metric, what was observed, ", expected " and the expected value (both
       * empty when none), the last value and the number of threshold crossings */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %s%s%s, last %.4g, %.0f threshold crossing",
                                           "%s: %s%s%s, last %.4g, %.0f threshold crossings",
                                           isnan (crossings) || crossings < 0 ? 0 : (gulong) crossings),
                            member_string (o, "metric"), member_string (o, "observed"),
                            /* Translators: put in front of a metric's expected value */
                            member_string (o, "expected") ? _(", expected ") : "",
                            member_string (o, "expected") ? member_string (o, "expected") : "",
                            member_double (o, "last"), crossings);
    }
  if (strcmp (type, "search_logs") == 0)
    {
      JsonNode *top = json_object_get_member (o, "top");
      JsonArray *a = top && JSON_NODE_HOLDS_ARRAY (top) ? json_node_get_array (top) : NULL;
      JsonObject *first = a && json_array_get_length (a) ? json_array_get_object_element (a, 0) : NULL;
      double scanned = member_double (o, "scanned");
      /* Translators: matching and scanned log lines, then the newest matching line (or "none")
       * and why it matched in parentheses */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%.0f of %.0f line matches; newest: %s%s%s%s",
                                           "%.0f of %.0f lines match; newest: %s%s%s%s",
                                           isnan (scanned) || scanned < 0 ? 0 : (gulong) scanned),
                              member_double (o, "matches"), scanned, first ? member_string (first, "line") : _("none"),
                              first ? " (" : "", first ? member_string (first, "why") : "", first ? ")" : "");
    }
  if (strcmp (type, "mitigate") == 0 || strcmp (type, "apply_change") == 0)
    {
      g_autoptr(GString) c = g_string_new (NULL);
      JsonNode *changes = json_object_get_member (o, "changes");
      if (member_string (o, "note"))
        return g_strdup (member_string (o, "note"));
      for (guint i = 0; changes && JSON_NODE_HOLDS_ARRAY (changes) && i < json_array_get_length (json_node_get_array (changes)); i++)
        g_string_append_printf (c, "%s%s", i ? " " : "", json_array_get_string_element (json_node_get_array (changes), i));
      /* Translators: the changes, whether the twin verified them, the safety tier, then two percentages */
      return g_strdup_printf (_("%s: %s, tier %s, %.1f %% of traffic moved, busiest link after %.0f %%"), c->str,
                              member_string (o, "verified"), member_string (o, "tier"), 100 * member_double (o, "blast_radius"),
                              100 * member_double (o, "max_utilisation_after"));
    }
  if (member_string (o, "question"))
    return g_strdup_printf (_("question: %s"), member_string (o, "question"));
  if (member_string (o, "reason"))
    return g_strdup (member_string (o, "reason"));
  return rw_json_node_to_string (res->out, FALSE);
}

static void
print_text (const RwIncidentResult *r)
{
  printf (_("Incident: %s\n\nRunbooks (bm25, higher is better):\n"), r->text);
  for (guint i = 0; i < r->hits->len; i++)
    {
      const RwRunbookHit *h = r->hits->pdata[i];
      printf ("  %s %-22s %6.2f\n", i == 0 ? "*" : " ", h->id, h->score);
    }
  printf ("\n%s", _("Entities:"));
  for (guint i = 0; i < r->entities->len; i++)
    {
      const RwEntity *e = r->entities->pdata[i];
      printf (" %s %s (\"%s\")%s", e->kind, e->id, e->text, i + 1 < r->entities->len ? "," : "");
    }
  if (r->entities->len == 0)
    printf (" %s", _("none"));
  printf ("\n");
  printf (_("Facts: link %s, router %s, ISP %s, prefix %s\n"), r->facts->link ? r->facts->link : "?",
          r->facts->router ? r->facts->router : "?", r->facts->isp ? r->facts->isp : "?",
          r->facts->prefix ? r->facts->prefix : "?");
  if (r->report == NULL)
    printf (_("\nNo valid plan: %s\n"), r->plan_error);
  else
    {
      const RwPlan *p = r->report->plan;
      /* Translators: plan id, version and where the plan came from (rulebook, llm, …) */
      printf (_("\nPlan %s v%u (%s):\n"), p->plan_id, p->version, p->origin);
      for (guint i = 0; i < p->tasks->len; i++)
        {
          const RwTask *t = p->tasks->pdata[i];
          g_autoptr(GString) deps = g_string_new (NULL);
          for (guint k = 0; k < t->dependencies->len; k++)
            g_string_append_printf (deps, "%s%s", k ? "," : "", (char *) t->dependencies->pdata[k]);
          /* Translators: task id, task type, target, assignee, then the tasks it waits for */
          printf (_("  %-18s %-16s %-12s %-12s after [%s]\n"), t->task_id, t->type, t->target, t->assigned_to, deps->str);
        }
      printf ("\n%s\n", _("Results:"));
      for (guint i = 0; i < r->report->results->len; i++)
        {
          const RwTaskResult *res = r->report->results->pdata[i];
          g_autofree char *line = summarise (find_task (r->report, res->task_id), res);
          printf ("  v%u %-18s %-11s %s\n", res->plan_version, res->task_id, res->status, line);
        }
      for (guint i = 0; i < r->report->rejections->len; i++)
        printf ("  %s\n", (char *) r->report->rejections->pdata[i]);
    }
  /* Translators: ticket id, its status (resolved, escalated, open: not translated), then " — "
   * and the reason when there is one */
  printf (_("\nTicket %lld: %s%s%s\n"), (long long) r->ticket_id, r->ticket_status,
          r->ticket_reason ? " — " : "", r->ticket_reason ? r->ticket_reason : "");
}

/* ---- the incident harness: MRL and TGED over the shipped incidents ---- */

/* The incidents file (format routewise-incidents v1), checked whole before anything runs:
 * every incident has text, the id of a runbook of the set, and a reference plan that is valid
 * on the network. Returns the incidents array (owned by @root) or NULL with @error. */
static JsonArray *
check_incidents (JsonNode *root, const char *file, const RwTopology *topo, const RwRunbookSet *books, GError **error)
{
  static const char *const keys[] = { "format", "version", "note", "incidents", NULL };
  static const char *const case_keys[] = { "text", "runbook", "reference_plan", NULL };
  RwJsonCtx c = { file, error };
  g_autofree char *format = NULL;
  guint64 version;
  JsonArray *cases = NULL;
  JsonObject *o;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      rw_json_fail (&c, _("expected a JSON object"));
      return NULL;
    }
  o = json_node_get_object (root);
  if (!rw_json_check_keys (&c, o, "", keys) || !rw_json_get_string (&c, o, "format", "", TRUE, &format))
    return NULL;
  if (strcmp (format, "routewise-incidents") != 0)
    {
      /* Translators: "format" is a JSON key and 'routewise-incidents' a value: keep both */
      rw_json_fail (&c, _("format: '%s' is not 'routewise-incidents'"), format);
      return NULL;
    }
  if (!rw_json_get_uint (&c, o, "version", "", TRUE, 1, 1, 1, &version)
      || !rw_json_get_array (&c, o, "incidents", "", TRUE, &cases))
    return NULL;
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("incidents[%u]", i);
      g_autofree char *text = NULL, *runbook = NULL, *where = NULL;
      JsonNode *node = json_array_get_element (cases, i);
      JsonArray *plan = NULL;
      g_autoptr(RwPlan) ref = NULL;
      g_autoptr(GError) local = NULL;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          rw_json_fail (&c, _("%s: expected an object"), path);
          return NULL;
        }
      o = json_node_get_object (node);
      if (!rw_json_check_keys (&c, o, path, case_keys) || !rw_json_get_string (&c, o, "text", path, TRUE, &text)
          || !rw_json_get_string (&c, o, "runbook", path, TRUE, &runbook)
          || !rw_json_get_array (&c, o, "reference_plan", path, TRUE, &plan))
        return NULL;
      if (strlen (text) > RW_INCIDENT_MAX_BYTES)
        {
          /* Translators: "text" after the dot is a JSON key: keep it */
          rw_json_fail (&c, _("%s.text: %lu bytes, more than the %lu KiB an incident may have"),
                        path, (unsigned long) strlen (text), (unsigned long) (RW_INCIDENT_MAX_BYTES >> 10));
          return NULL;
        }
      if (rw_runbook_set_find (books, runbook) == NULL)
        {
          /* Translators: "runbook" after the dot is a JSON key: keep it */
          rw_json_fail (&c, _("%s.runbook: no runbook '%s' in %s"), path, runbook, books->source);
          return NULL;
        }
      where = g_strdup_printf ("%s: %s.reference_plan", file, path);
      ref = rw_plan_from_json (json_object_get_member (o, "reference_plan"), where, error);
      if (ref == NULL)
        return NULL;
      if (!rw_plan_validate (ref, topo, &local))
        {
          g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID, "%s: %s", where, local->message);
          return NULL;
        }
    }
  return cases;
}

/* With @out, the document is returned there and nothing is printed. */
static int
run_harness (const char *file, const RwTopology *topo, const RwRunbookSet *books, RwStore *store,
             const RwKeyring *keys, RwPlanner *planner, gboolean json, JsonNode **out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) doc = NULL;
  g_autofree char *data = NULL, *bad = NULL;
  gsize len;
  gboolean not_json;
  JsonArray *cases;
  guint right = 0, n_mrl = 0, n;
  double tged_sum = 0, mrl_sum = 0;
  gint64 now = 0;
  RwClock clock;
  RwGuardConfig guard;

  if (!rw_read_regular_file (file, RW_JSON_FILE_MAX_BYTES, &data, &len, &error))
    return rw_cli_bad_input ("%s", error->message);
  /* before json-glib, which reads non-standard text and can be crashed by deep nesting */
  if ((bad = rw_json_check_text (data, (gssize) len, &not_json)) != NULL)
    return rw_cli_bad_input ("%s: %s%s", file, not_json ? "not valid JSON: " : "", bad);
  if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
    return rw_cli_bad_input ("%s: not valid JSON: %s", file, error->message);
  if ((cases = check_incidents (json_parser_get_root (parser), file, topo, books, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  n = json_array_get_length (cases);
  /* real time for MRL, virtual sleeps for backoffs; Z3 stays off for speed (the twin still
   * checks every change) */
  rw_clock_init_virtual_sleep (&clock, &now);
  rw_guard_config_init (&guard);
  guard.use_z3 = FALSE;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "incidents");
  json_builder_begin_array (b);
  if (!json && out == NULL)
    printf ("%-58s %-20s %-9s %6s %8s\n", "incident", "runbook", "ticket", "TGED", "MRL ms");
  for (guint i = 0; i < n; i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      const char *text = json_object_get_string_member (c, "text");
      const char *expect = json_object_get_string_member (c, "runbook");
      g_autofree char *where = g_strdup_printf ("%s: incidents[%u].reference_plan", file, i);
      g_autoptr(RwPlan) ref = rw_plan_from_json (json_object_get_member (c, "reference_plan"), where, &error);
      RwIncidentParams p = { 0 };
      g_autoptr(RwIncidentResult) r = NULL;
      double tged = NAN, mrl = NAN;
      if (ref == NULL)
        return rw_cli_bad_input ("%s", error->message);
      p.text = text, p.topo = topo, p.runbooks = books, p.store = store, p.keys = keys;
      p.planner = planner, p.clock = &clock, p.guard = &guard;
      if ((r = rw_incident_run (&p, &error)) == NULL)
        return rw_cli_bad_input ("%s", error->message);
      right += strcmp (r->runbook->id, expect) == 0;
      if (r->report)
        {
          /* the first plan is what the planner proposed for the incident */
          tged = rw_plan_tged (r->report->plans->pdata[0], ref);
          tged_sum += tged;
          for (guint k = 0; k < r->report->mrl_ms->len; k++)
            mrl_sum += g_array_index (r->report->mrl_ms, double, k), n_mrl++;
          if (r->report->mrl_ms->len)
            {
              mrl = 0;
              for (guint k = 0; k < r->report->mrl_ms->len; k++)
                mrl += g_array_index (r->report->mrl_ms, double, k);
              mrl /= r->report->mrl_ms->len;
            }
        }
      else
        tged_sum += 1.0;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, text);
      json_builder_set_member_name (b, "expected");
      json_builder_add_string_value (b, expect);
      json_builder_set_member_name (b, "runbook");
      json_builder_add_string_value (b, r->runbook->id);
      json_builder_set_member_name (b, "ticket");
      json_builder_add_string_value (b, r->ticket_status);
      json_builder_set_member_name (b, "replans");
      json_builder_add_int_value (b, r->report ? r->report->replans : 0);
      json_builder_set_member_name (b, "tged");
      isnan (tged) ? json_builder_add_null_value (b) : json_builder_add_double_value (b, tged);
      json_builder_set_member_name (b, "mrl_ms");
      isnan (mrl) ? json_builder_add_null_value (b) : json_builder_add_double_value (b, mrl);
      json_builder_end_object (b);
      if (!json && out == NULL)
        {
          g_autofree char *shown = g_utf8_substring (text, 0, MIN (56, g_utf8_strlen (text, -1)));
          char mrl_text[32] = "-";
          if (!isnan (mrl))
            g_snprintf (mrl_text, sizeof mrl_text, "%.2f", mrl);
          printf ("%-58s %-20s %-9s %6.3f %8s\n", shown, r->runbook->id, r->ticket_status, isnan (tged) ? 1.0 : tged,
                  mrl_text);
        }
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "overall");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "retrieval_accuracy");
  json_builder_add_double_value (b, n ? (double) right / n : 0);
  json_builder_set_member_name (b, "tged");
  json_builder_add_double_value (b, n ? tged_sum / n : 0);
  json_builder_set_member_name (b, "mrl_ms");
  n_mrl ? json_builder_add_double_value (b, mrl_sum / n_mrl) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "replans");
  json_builder_add_int_value (b, n_mrl);
  json_builder_end_object (b);
  json_builder_end_object (b);
  doc = json_builder_get_root (b);
  if (out)
    *out = g_steal_pointer (&doc);
  else if (json)
    rw_cli_print_json (doc);
  else
    /* Translators: runbooks found right / incidents, mean tree-graph edit distance, mean
     * milliseconds to replan and the number of replans */
    printf (g_dngettext (GETTEXT_PACKAGE, "\nretrieval %u/%u, mean TGED %.3f, mean MRL %.2f ms over %u replan\n",
                         "\nretrieval %u/%u, mean TGED %.3f, mean MRL %.2f ms over %u replans\n", n_mrl),
            right, n, n ? tged_sum / n : 0, n_mrl ? mrl_sum / n_mrl : 0.0, n_mrl);
  return RW_EXIT_OK;
}

int
rw_cli_incident (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *topo_path = NULL, *db = NULL, *books_path = NULL, *keys_path = NULL;
  g_autofree char *endpoint = NULL, *model = NULL, *harness = NULL;
  gint llm_timeout = 30;
  GOptionEntry entries[] = {
    { "topology", 0, 0, G_OPTION_ARG_FILENAME, &topo_path, N_("The network (default: the shipped enterprise network)"), "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace database for tickets, index and audit (default: user data dir)"), "FILE" },
    { "runbooks", 0, 0, G_OPTION_ARG_FILENAME, &books_path, N_("Runbook file (default: the shipped runbooks)"), "FILE" },
    { "keys", 0, 0, G_OPTION_ARG_FILENAME, &keys_path, N_("Envelope key file (default: ~/.config/routewise/keys.json)"), "FILE" },
    { "llm-endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint, N_("OpenAI-compatible base URL, e.g. http://127.0.0.1:1234/v1 (default: none, the rulebook plans)"), "URL" },
    { "llm-model", 0, 0, G_OPTION_ARG_STRING, &model, N_("Model name for the LLM planner"), "NAME" },
    { "llm-timeout", 0, 0, G_OPTION_ARG_INT, &llm_timeout, N_("Seconds to wait for the LLM (default 30)"), "S" },
    { "harness", 0, 0, G_OPTION_ARG_FILENAME, &harness, N_("Run the incidents of FILE and report retrieval, TGED and MRL"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("TEXT… — find the runbook, plan, run the plan on the twin, keep a ticket"));
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTopology) topo = NULL;
  g_autoptr(RwRunbookSet) books = NULL;
  g_autoptr(RwStore) store = NULL;
  g_autoptr(RwKeyring) keys = NULL;
  g_autoptr(RwPlanner) llm = NULL;
  g_autoptr(RwIncidentResult) r = NULL;
  g_autofree char *text = NULL;
  RwIncidentParams p = { 0 };
  int status = 0;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx,
    _("Exit status: 0 resolved, 1 escalated or open (a person must act), 2 bad input.\n"
    "Without --llm-endpoint the plan comes from the runbook's rulebook template."));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc < 2 && harness == NULL)
    return rw_cli_bad_input (_("incident needs the incident text (see --help)"));
  if (topo_path == NULL && (topo_path = data_file ("topologies", "enterprise.json")) == NULL)
    return rw_cli_bad_input (_("the default network (topologies/enterprise.json) is not installed; give --topology"));
  if (books_path == NULL && (books_path = data_file ("runbooks.json", NULL)) == NULL)
    return rw_cli_bad_input (_("the runbooks (runbooks.json) are not installed; give --runbooks"));
  if (db == NULL)
    db = default_db ();
  if (keys_path == NULL)
    keys_path = rw_keyring_default_path ();
  if ((topo = rw_topology_load_file (topo_path, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if ((books = rw_runbook_set_load_file (books_path, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if ((store = open_db (db, &status)) == NULL)
    return status;
  if ((keys = rw_keyring_load (keys_path, TRUE, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if (endpoint)
    {
      RwLlmConfig cfg;
      rw_llm_config_init (&cfg);
      cfg.endpoint = endpoint;
      cfg.model = model ? model : "local-model";
      cfg.timeout_s = llm_timeout > 0 ? llm_timeout : 30;
      llm = rw_llm_planner_new (&cfg, store);
    }
  if (harness)
    return run_harness (harness, topo, books, store, keys, llm, json, NULL);

  argv[argc] = NULL;
  text = g_strjoinv (" ", argv + 1);
  p.text = text;
  p.topo = topo;
  p.runbooks = books;
  p.store = store;
  p.keys = keys;
  p.planner = llm;
  if ((r = rw_incident_run (&p, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if (json)
    {
      g_autoptr(JsonNode) doc = rw_incident_result_to_json (r);
      rw_cli_print_json (doc);
    }
  else
    print_text (r);
  return strcmp (r->ticket_status, "resolved") == 0 ? RW_EXIT_OK : RW_EXIT_FINDING;
}

int
rw_cli_tickets (int argc, char **argv)
{
  gboolean json = FALSE, verify = FALSE;
  g_autofree char *db = NULL, *keys_path = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace database (default: user data dir)"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the tickets as JSON"), NULL },
    { "verify", 0, 0, G_OPTION_ARG_NONE, &verify, N_("Check the signed task envelopes stored with every ticket update"), NULL },
    { "keys", 0, 0, G_OPTION_ARG_FILENAME, &keys_path, N_("Key file for --verify (default: ~/.config/routewise/keys.json)"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("— list incident tickets, newest first"));
  g_autoptr(RwStore) store = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc > 1)
    return rw_cli_bad_input (_("tickets takes no arguments (see --help)"));
  if (db == NULL)
    db = default_db ();
  if ((store = open_db (db, &status)) == NULL)
    return status;
  if (verify)
    {
      g_autoptr(RwKeyring) kr = NULL;
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      guint checked;
      if (keys_path == NULL)
        keys_path = rw_keyring_default_path ();
      if ((kr = rw_keyring_load (keys_path, FALSE, &error)) == NULL
          || !rw_tickets_verify (store, kr, &checked, problems, &error))
        return rw_cli_bad_input ("%s", error->message);
      for (guint i = 0; i < problems->len; i++)
        printf (_("BAD %s\n"), (char *) problems->pdata[i]);
      printf (g_dngettext (GETTEXT_PACKAGE, "%u task envelope checked, %u bad\n", "%u task envelopes checked, %u bad\n",
                           checked),
              checked, problems->len);
      {
        /* ticket status and updates are chained with the audit log: rows changed behind the
         * store's back do not verify against it */
        g_autofree char *why = NULL;
        if (!rw_store_verify_chain (store, NULL, &why, &error))
          {
            if (error)
              return rw_cli_bad_input ("%s", error->message);
            printf (_("BAD %s: %s\n"), db, why);
            return RW_EXIT_FINDING;
          }
      }
      return problems->len ? RW_EXIT_FINDING : RW_EXIT_OK;
    }
  if ((tickets = rw_store_tickets (store, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) doc = NULL;
      json_builder_begin_array (b);
      for (guint i = 0; i < tickets->len; i++)
        {
          const RwTicket *t = tickets->pdata[i];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, t->id);
          json_builder_set_member_name (b, "status");
          json_builder_add_string_value (b, t->status);
          json_builder_set_member_name (b, "severity");
          json_builder_add_string_value (b, t->severity);
          json_builder_set_member_name (b, "runbook");
          t->runbook ? json_builder_add_string_value (b, t->runbook) : json_builder_add_null_value (b);
          json_builder_set_member_name (b, "incident");
          json_builder_add_string_value (b, t->incident);
          json_builder_set_member_name (b, "reason");
          t->reason ? json_builder_add_string_value (b, t->reason) : json_builder_add_null_value (b);
          json_builder_set_member_name (b, "updates");
          json_builder_add_int_value (b, t->n_updates);
          json_builder_set_member_name (b, "created");
          json_builder_add_string_value (b, t->created);
          json_builder_set_member_name (b, "updated");
          json_builder_add_string_value (b, t->updated);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      doc = json_builder_get_root (b);
      rw_cli_print_json (doc);
      return RW_EXIT_OK;
    }
  if (tickets->len == 0)
    printf (_("No tickets in %s\n"), db);
  for (guint i = 0; i < tickets->len; i++)
    {
      const RwTicket *t = tickets->pdata[i];
      /* Translators: ticket id, status and severity (not translated), runbook, the number of
       * updates and when the last one was, then the incident text and the reason on their own
       * lines; keep the columns lined up */
      printf (g_dngettext (GETTEXT_PACKAGE, "#%-4lld %-9s %-6s %-20s %3u update   %s\n     %s%s%s\n",
                           "#%-4lld %-9s %-6s %-20s %3u updates  %s\n     %s%s%s\n", t->n_updates),
              (long long) t->id, t->status, t->severity,
              t->runbook ? t->runbook : "-", t->n_updates, t->updated, t->incident, t->reason ? "\n     " : "",
              t->reason ? t->reason : "");
    }
  return RW_EXIT_OK;
}

int
rw_cli_keys (int argc, char **argv)
{
  g_autofree char *path = NULL;
  GOptionEntry entries[] = {
    { "keys", 0, 0, G_OPTION_ARG_FILENAME, &path, N_("Key file (default: ~/.config/routewise/keys.json)"), "FILE" },
    { NULL }
  };
  /* Translators: "rotate" is the action the user types: keep it */
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("rotate — add a new envelope signing key; old keys stay for verifying old records"));
  g_autoptr(RwKeyring) kr = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc != 2 || strcmp (argv[1], "rotate") != 0)
    return rw_cli_bad_input (_("keys needs the action 'rotate' (see --help)"));
  if (path == NULL)
    path = rw_keyring_default_path ();
  if ((kr = rw_keyring_load (path, TRUE, &error)) == NULL || !rw_keyring_rotate (kr, &error))
    return rw_cli_bad_input ("%s", error->message);
  /* Translators: the key file, the new key version and how many keys the file keeps */
  printf (g_dngettext (GETTEXT_PACKAGE, "%s: key version %u is now current (%u key kept)\n",
                       "%s: key version %u is now current (%u keys kept)\n", rw_keyring_n_keys (kr)),
          path, rw_keyring_current (kr), rw_keyring_n_keys (kr));
  return RW_EXIT_OK;
}

int
rw_cli_incident_harness (const char *file, const char *db, gboolean json, JsonNode **out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTopology) topo = NULL;
  g_autoptr(RwRunbookSet) books = NULL;
  g_autoptr(RwStore) store = NULL;
  g_autofree char *topo_path = data_file ("topologies", "enterprise.json");
  g_autofree char *books_path = data_file ("runbooks.json", NULL);
  g_autofree char *tmp = NULL, *path = NULL;
  int status = 0;
  if (topo_path == NULL || books_path == NULL)
    return rw_cli_bad_input (_("the default network and the runbooks must be installed for --incidents"));
  if ((topo = rw_topology_load_file (topo_path, &error)) == NULL || (books = rw_runbook_set_load_file (books_path, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  /* the index and the tickets need a database: the run's, or a scratch one */
  if (db == NULL)
    {
      if ((tmp = g_dir_make_tmp ("routewise-incidents-XXXXXX", &error)) == NULL)
        return rw_cli_bad_input ("%s", error->message);
      path = g_build_filename (tmp, "incidents.db", NULL);
    }
  if ((store = open_db (db ? db : path, &status)) == NULL)
    return status;
  status = run_harness (file, topo, books, store, NULL, NULL, json, out);
  g_clear_pointer (&store, rw_store_close);
  if (tmp)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL), *shm = g_strconcat (path, "-shm", NULL);
      g_unlink (wal);
      g_unlink (shm);
      g_unlink (path);
      g_rmdir (tmp);
    }
  return status;
}
