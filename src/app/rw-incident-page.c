/* rw-incident-page.c — the Incident page: an incident in the operator's words, the runbook and
 * plan it leads to, run on a copy of the network by a worker, the plan drawn as it runs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-incident-page.h"

#include <glib/gi18n.h>
#include <string.h>
#include "rw-datadir.h"
#include "rw-incident.h"
#include "rw-llm.h"
#include "rw-render.h"

struct _RwIncidentPage {
  AdwBin parent_instance;
  /* template */
  GtkTextView *incident_text;
  GtkLabel *incident_summary;
  GtkPicture *incident_picture;
  GtkWidget *incident_legend;
  /* state */
  RwViews *views;
  GCancellable *cancellable;     /* cancelled when the page goes */
  gboolean running;
  guint updates;                 /* live plan views shown during the last run */
  char *dot;                     /* the last incident's final plan graph (DOT) */
  JsonNode *result;              /* the last incident's `incident --json` document */
  guint scroll_id;               /* a tick callback that brings the plan into sight */
  guint scroll_frames;           /* frames it waited for the plan's picture */
  gboolean plan_shown;           /* the plan was brought into sight during this run */
};

G_DEFINE_FINAL_TYPE (RwIncidentPage, rw_incident_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_RUNNING, N_PROPS };
static GParamSpec *props[N_PROPS];

/* Once the picture is laid out with its plan: the page scrolls so the plan's top is in sight. */
static gboolean
scroll_to_plan (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  RwIncidentPage *page = RW_INCIDENT_PAGE (widget);
  /* the page's child is the scrolled window (the template) */
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (adw_bin_get_child (ADW_BIN (page)));
  GtkWidget *content = gtk_scrolled_window_get_child (scroller);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroller);
  graphene_rect_t r;
  /* the picture has no height until its drawing is back from the worker (a few seconds at most) */
  if (gtk_widget_get_height (GTK_WIDGET (page->incident_picture)) <= 1 && ++page->scroll_frames < 600)
    return G_SOURCE_CONTINUE;
  page->scroll_id = 0;
  if (content && gtk_widget_compute_bounds (GTK_WIDGET (page->incident_picture), content, &r))
    {
      double page_size = gtk_adjustment_get_page_size (adj), value = gtk_adjustment_get_value (adj);
      /* only when it is out of sight: a plan already on screen stays where the user put it */
      if (r.origin.y < value || r.origin.y + MIN (r.size.height, page_size) > value + page_size)
        gtk_adjustment_set_value (adj, MIN (r.origin.y, gtk_adjustment_get_upper (adj) - page_size));
    }
  return G_SOURCE_REMOVE;
}

/* The first picture of a run's plan: brought into sight (on a small screen it is below the
 * summary), once a run. */
static void
show_plan (RwIncidentPage *page)
{
  if (page->plan_shown || page->scroll_id)
    return;
  page->plan_shown = TRUE;
  page->scroll_frames = 0;
  page->scroll_id = gtk_widget_add_tick_callback (GTK_WIDGET (page), scroll_to_plan, NULL, NULL);
}

typedef struct {
  char *text, *db_path;
  RwTopology *topo;
  char *llm_endpoint, *llm_model;  /* from the settings, read on the GUI thread; endpoint NULL: the rulebook */
  /* for live progress, used by the worker only */
  RwIncidentPage *page;            /* borrowed: the task's callback holds a reference until it is done */
  GMainContext *context;           /* the GUI thread's */
  GCancellable *cancellable;
  JsonArray *results;              /* {"task_id", "status"} so far, every plan version */
  GPtrArray *seen;                 /* RwTask: every task of every plan version, first seen first */
} IncidentJob;

static void
incident_job_free (IncidentJob *j)
{
  g_free (j->text);
  g_free (j->db_path);
  rw_topology_free (j->topo);
  g_free (j->llm_endpoint);
  g_free (j->llm_model);
  g_main_context_unref (j->context);
  g_object_unref (j->cancellable);
  json_array_unref (j->results);
  g_ptr_array_unref (j->seen);
  g_free (j);
}

/* What the worker hands back: the `incident --json` document and where the plan came from,
 * which that document (a fixed contract) does not carry. */
typedef struct {
  JsonNode *doc;
  char *origin;      /* rulebook, llm, fallback; NULL without a valid plan */
  char *rejection;   /* why the first plan was refused, if one was */
  char *reason;      /* why the ticket went to a person (or stays open), NULL when resolved */
  JsonNode *seen;    /* every task of every plan version (see build_tasks) */
} IncidentOutcome;

static void
incident_outcome_free (IncidentOutcome *o)
{
  json_node_unref (o->doc);
  g_free (o->origin);
  g_free (o->rejection);
  g_free (o->reason);
  g_clear_pointer (&o->seen, json_node_unref);
  g_free (o);
}

/* One live update: an immutable snapshot in the shape plan_dot reads, made on the worker. */
typedef struct {
  RwIncidentPage *page; /* a reference */
  JsonNode *snapshot;  /* {"plan": {...}, "results": [...]} */
  char *origin;
  guint version, total, finished;
  char *task_id, *type, *target, *status;   /* the result just in; NULL for a new plan version */
} IncidentProgress;

static void
incident_progress_free (IncidentProgress *pr)
{
  g_object_unref (pr->page);
  json_node_unref (pr->snapshot);
  g_free (pr->origin);
  g_free (pr->task_id);
  g_free (pr->type);
  g_free (pr->target);
  g_free (pr->status);
  g_free (pr);
}

static char *plan_dot (JsonObject *doc);

/* Who made a plan, as a label in parentheses. */
static const char *
plan_origin_label (const char *origin)
{
  if (g_strcmp0 (origin, "llm") == 0)
    return _("LLM planner");
  if (g_strcmp0 (origin, "fallback") == 0)
    return _("rulebook; the LLM planner gave no valid plan");
  return _("rulebook");
}

/* GUI thread. */
static gboolean
incident_progress_show (gpointer data)
{
  IncidentProgress *pr = data;
  RwIncidentPage *page = pr->page;
  g_autofree char *line = NULL;
  if (g_cancellable_is_cancelled (page->cancellable) || !page->running)
    return G_SOURCE_REMOVE;
  page->updates++;
  if (pr->task_id == NULL)
    /* Translators: plan version, who made the plan ("rulebook", "LLM planner"), number of tasks */
    line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Plan v%u (%s): %u task, running it on the twin…",
                                         "Plan v%u (%s): %u tasks, running them on the twin…", pr->total),
                            pr->version, plan_origin_label (pr->origin), pr->total);
  else
    /* Translators: "Task t3 of 6: search_logs on R2-ISPB — done (3 finished)"; the type, target
     * and status are the plan's own words and stay untranslated */
    line = g_strdup_printf (_("Task %s of %u: %s on %s — %s (%u finished)"), pr->task_id, pr->total, pr->type, pr->target,
                            pr->status, pr->finished);
  gtk_label_set_text (page->incident_summary, line);
  gtk_widget_set_visible (GTK_WIDGET (page->incident_legend), TRUE);
  if (page->views)
    rw_views_render (page->views, "incident", plan_dot (json_node_get_object (pr->snapshot)), "dot", page->incident_picture);
  show_plan (page);
  return G_SOURCE_REMOVE;
}

/* Tasks (RwTask) as plan_dot reads them: an array of rw_task_to_json () objects. */
static void
build_tasks (JsonBuilder *b, const GPtrArray *tasks)
{
  json_builder_begin_array (b);
  for (guint i = 0; i < tasks->len; i++)
    json_builder_add_value (b, rw_task_to_json (tasks->pdata[i]));
  json_builder_end_array (b);
}

/* Worker thread: after each task result (@r) and each accepted plan version (@r NULL). */
static void
incident_progress (const RwPlan *plan, const RwTaskResult *r, gpointer data)
{
  IncidentJob *j = data;
  IncidentProgress *pr;
  g_autoptr(JsonBuilder) b = NULL;
  if (g_cancellable_is_cancelled (j->cancellable))
    return;
  if (r)
    {
      JsonObject *o = json_object_new ();
      json_object_set_string_member (o, "task_id", r->task_id);
      json_object_set_string_member (o, "status", r->status);
      json_array_add_object_element (j->results, o);
    }
  /* every task seen so far: a replan drops the failed task and those after it, which the
   * graph keeps showing */
  for (guint i = 0; i < plan->tasks->len; i++)
    {
      const RwTask *t = plan->tasks->pdata[i];
      gboolean known = FALSE;
      for (guint k = 0; k < j->seen->len && !known; k++)
        known = g_strcmp0 (((RwTask *) j->seen->pdata[k])->task_id, t->task_id) == 0;
      if (!known)
        g_ptr_array_add (j->seen, rw_task_copy (t));
    }
  /* built afresh, sharing no node with the run: json-glib's reference counts are not atomic */
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "plan");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tasks");
  build_tasks (b, plan->tasks);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "seen");
  build_tasks (b, j->seen);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < json_array_get_length (j->results); i++)
    {
      JsonObject *o = json_array_get_object_element (j->results, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "task_id");
      json_builder_add_string_value (b, json_object_get_string_member (o, "task_id"));
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, json_object_get_string_member (o, "status"));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  pr = g_new0 (IncidentProgress, 1);
  pr->page = g_object_ref (j->page);
  pr->snapshot = json_builder_get_root (b);
  pr->origin = g_strdup (plan->origin);
  pr->version = plan->version;
  pr->total = plan->tasks->len;
  for (guint i = 0; i < plan->tasks->len; i++)
    for (guint k = 0; k < json_array_get_length (j->results); k++)
      if (g_strcmp0 (((RwTask *) plan->tasks->pdata[i])->task_id,
                     json_object_get_string_member (json_array_get_object_element (j->results, k), "task_id")) == 0)
        {
          pr->finished++;
          break;
        }
  if (r)
    {
      const RwTask *t = rw_plan_find_task (plan, r->task_id);
      pr->task_id = g_strdup (r->task_id);
      pr->status = g_strdup (r->status);
      pr->type = g_strdup (t ? t->type : "?");
      pr->target = g_strdup (t ? t->target : "?");
    }
  {
    /* through the GUI thread's loop (g_main_context_invoke could run it here, on the worker) */
    GSource *source = g_idle_source_new ();
    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, incident_progress_show, pr, (GDestroyNotify) incident_progress_free);
    g_source_set_static_name (source, "[routewise] incident progress");
    g_source_attach (source, j->context);
    g_source_unref (source);
  }
}

static void
incident_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  IncidentJob *j = data;
  GError *error = NULL;
  g_autofree char *books_path = rw_data_find ("runbooks.json", NULL);
  g_autoptr(RwRunbookSet) books = NULL;
  g_autoptr(RwStore) store = NULL;
  g_autoptr(RwPlanner) llm = NULL;
  g_autoptr(RwIncidentResult) r = NULL;
  RwIncidentParams p = { 0 };
  IncidentOutcome *out;
  if (books_path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The runbooks (runbooks.json) are not installed"));
      return;
    }
  if ((books = rw_runbook_set_load_file (books_path, &error)) == NULL ||
      (store = rw_store_open (j->db_path, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (j->llm_endpoint)
    {
      /* as `routewise incident --llm-endpoint`: the scheduler falls back to the rulebook */
      RwLlmConfig cfg;
      rw_llm_config_init (&cfg);
      cfg.endpoint = j->llm_endpoint;
      if (j->llm_model)
        cfg.model = j->llm_model;
      llm = rw_llm_planner_new (&cfg, store);
    }
  p.text = j->text;
  p.topo = j->topo;
  p.runbooks = books;
  p.store = store;
  p.planner = llm;
  p.on_progress = incident_progress;
  p.progress_data = j;
  if ((r = rw_incident_run (&p, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  out = g_new0 (IncidentOutcome, 1);
  out->doc = rw_incident_result_to_json (r);
  out->reason = g_strdup (r->ticket_reason);
  {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    build_tasks (b, j->seen);
    out->seen = json_builder_get_root (b);
  }
  if (r->report)
    {
      out->origin = g_strdup (r->report->plan->origin);
      if (r->report->rejections->len > 0)
        out->rejection = g_strdup (r->report->rejections->pdata[0]);
    }
  /* the document shares nodes with the result: let go of them before the GUI thread gets it */
  g_clear_pointer (&r, rw_incident_result_free);
  g_task_return_pointer (task, out, (GDestroyNotify) incident_outcome_free);
}

static const char *
result_status (JsonArray *results, const char *id)
{
  const char *status = NULL;
  for (guint k = 0; results && k < json_array_get_length (results); k++)
    {
      JsonObject *r = json_array_get_object_element (results, k);
      if (g_strcmp0 (json_object_get_string_member_with_default (r, "task_id", ""), id) == 0)
        status = json_object_get_string_member_with_default (r, "status", NULL);
    }
  return status;
}

/* A task that ended badly: its failure makes the monitor replan. */
static gboolean
status_failed (const char *status)
{
  static const char *const bad[] = { "failed", "timeout", "refused", "deviation", NULL };
  return status && g_strv_contains (bad, status);
}

static gboolean
task_in (JsonArray *tasks, const char *id)
{
  for (guint i = 0; tasks && i < json_array_get_length (tasks); i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (tasks, i), "task_id", ""), id) == 0)
      return TRUE;
  return FALSE;
}

static void
task_node_dot (GString *dot, JsonObject *t, const char *status, gboolean dropped)
{
  const char *id = json_object_get_string_member_with_default (t, "task_id", "?");
  const char *fill, *style = "rounded,filled";
  JsonArray *deps = json_object_get_array_member (t, "dependencies");
  g_autofree char *eid = g_strescape (id, NULL);
  g_autofree char *etype = g_strescape (json_object_get_string_member_with_default (t, "type", ""), NULL);
  g_autofree char *etarget = g_strescape (json_object_get_string_member_with_default (t, "target", ""), NULL);
  g_autofree char *eagent = g_strescape (json_object_get_string_member_with_default (t, "assigned_to", ""), NULL);
  if (status == NULL)
    fill = dropped ? "#deddda" : "#ffffff", style = "rounded,filled,dashed";
  else if (g_str_equal (status, "done"))
    fill = "#c8e6c9";
  else if (g_str_equal (status, "failed") || g_str_equal (status, "timeout") || g_str_equal (status, "refused"))
    fill = "#f6c1c1";
  else if (g_str_equal (status, "skipped"))
    fill = "#deddda";
  else
    fill = "#fff3c4";
  /* a task that never ran and that the replan took out says so */
  g_string_append_printf (dot, "  \"%s\" [label=\"%s · %s\\n%s\\n%s · %s\", fillcolor=\"%s\", style=\"%s\"];\n", eid, eid, etype,
                          etarget, eagent, status ? status : dropped ? "dropped" : "pending", fill, style);
  for (guint k = 0; deps && k < json_array_get_length (deps); k++)
    {
      g_autofree char *dep = g_strescape (json_array_get_string_element (deps, k), NULL);
      g_string_append_printf (dot, "  \"%s\" -> \"%s\";\n", dep, eid);
    }
}

/* The plan as a DAG, each task coloured by how it ended; a task with no result yet is white
 * with a dashed border (the legend under the picture says so). @doc holds "plan", "results"
 * and, optionally, "seen" (the tasks of every plan version): a replan drops the task that
 * failed and those after it, and they stay in the graph, the dropped ones grey. An escalation
 * the replan added hangs off the task whose failure caused it. */
static char *
plan_dot (JsonObject *doc)
{
  JsonObject *plan = json_object_get_null_member (doc, "plan") ? NULL : json_object_get_object_member (doc, "plan");
  JsonArray *tasks = plan ? json_object_get_array_member (plan, "tasks") : NULL;
  JsonArray *results = json_object_get_array_member (doc, "results");
  JsonArray *seen = json_object_has_member (doc, "seen") ? json_object_get_array_member (doc, "seen") : NULL;
  GString *dot = g_string_new ("digraph plan {\n  rankdir=TB; bgcolor=\"transparent\";\n"
                               "  node [shape=box, style=\"rounded,filled\", fontname=\"DejaVu Sans\", fontsize=11];\n");
  for (guint i = 0; seen && i < json_array_get_length (seen); i++)
    {
      JsonObject *t = json_array_get_object_element (seen, i);
      const char *id = json_object_get_string_member_with_default (t, "task_id", "?");
      if (!task_in (tasks, id))
        task_node_dot (dot, t, result_status (results, id), TRUE);
    }
  for (guint i = 0; tasks && i < json_array_get_length (tasks); i++)
    {
      JsonObject *t = json_array_get_object_element (tasks, i);
      const char *id = json_object_get_string_member_with_default (t, "task_id", "?");
      JsonArray *deps = json_object_get_array_member (t, "dependencies");
      task_node_dot (dot, t, result_status (results, id), FALSE);
      if (g_strcmp0 (json_object_get_string_member_with_default (t, "type", ""), "escalate") == 0
          && (deps == NULL || json_array_get_length (deps) == 0))
        {
          /* the rulebook names it escalate-<task>; else every failed task the replan dropped */
          g_autofree char *eid = g_strescape (id, NULL);
          const char *cause = g_str_has_prefix (id, "escalate-") ? id + strlen ("escalate-") : NULL;
          for (guint k = 0; seen && k < json_array_get_length (seen); k++)
            {
              const char *other = json_object_get_string_member_with_default (json_array_get_object_element (seen, k), "task_id", "");
              gboolean from = cause ? g_str_equal (other, cause)
                                    : status_failed (result_status (results, other)) && !task_in (tasks, other);
              if (from)
                {
                  g_autofree char *eo = g_strescape (other, NULL);
                  g_string_append_printf (dot, "  \"%s\" -> \"%s\" [style=dashed, color=\"#c01c28\"];\n", eo, eid);
                }
            }
        }
    }
  g_string_append (dot, "}\n");
  return g_string_free (dot, FALSE);
}

/* Where the plan came from, in words. */
static char *
planner_note (const IncidentJob *j, const IncidentOutcome *out)
{
  if (g_strcmp0 (out->origin, "llm") == 0)
    /* Translators: the model name */
    return g_strdup_printf (_("Planned by the LLM planner (%s)"), j->llm_model ? j->llm_model : "local-model");
  if (g_strcmp0 (out->origin, "fallback") == 0)
    /* Translators: the planner's URL, then why its plan was refused (untranslated) */
    return g_strdup_printf (_("The LLM planner at %s was not reachable or gave no valid plan, so the rulebook planned (%s)"),
                            j->llm_endpoint ? j->llm_endpoint : "?", out->rejection ? out->rejection : "");
  return g_strdup (_("Planned by the rulebook"));
}

static void
incident_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RwIncidentPage *page = data;
  const IncidentJob *j = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  IncidentOutcome *out = g_task_propagate_pointer (G_TASK (result), &error);
  page->running = FALSE;
  if (g_cancellable_is_cancelled (page->cancellable))
    {
      g_clear_pointer (&out, incident_outcome_free);
      g_object_unref (page);
      return;
    }
  g_object_notify_by_pspec (G_OBJECT (page), props[PROP_RUNNING]);
  if (out == NULL)
    gtk_label_set_text (page->incident_summary, error->message);
  else
    {
      JsonObject *o = json_node_get_object (out->doc);
      JsonObject *book = json_object_get_object_member (o, "runbook");
      JsonArray *cands = json_object_get_array_member (o, "candidates");
      JsonArray *ents = json_object_get_array_member (o, "entities");
      JsonObject *ticket = json_object_get_object_member (o, "ticket");
      GString *text = g_string_new (NULL);
      const char *status = json_object_get_string_member_with_default (ticket, "status", "");
      g_autoptr(JsonObject) view = json_object_new ();
      if (out->reason && g_str_equal (status, "escalated"))
        /* Translators: why the incident went to a person, in the planner's words (untranslated) */
        g_string_append_printf (text, _("Escalated to a person: %s\n"), out->reason);
      else if (out->reason && g_str_equal (status, "open"))
        /* Translators: what the plan needs to know, in the planner's words (untranslated) */
        g_string_append_printf (text, _("Waiting for an answer: %s\n"), out->reason);
      g_string_append_printf (text, _("Runbook: %s (score %.2f)\n"), json_object_get_string_member_with_default (book, "title", ""),
                              json_object_get_double_member_with_default (book, "score", 0));
      g_string_append (text, _("Candidates:"));
      for (guint i = 0; cands && i < json_array_get_length (cands); i++)
        {
          JsonObject *c = json_array_get_object_element (cands, i);
          g_string_append_printf (text, " %s %.2f%s", json_object_get_string_member_with_default (c, "id", ""),
                                  json_object_get_double_member_with_default (c, "score", 0),
                                  i + 1 < json_array_get_length (cands) ? "," : "");
        }
      g_string_append (text, _("\nEntities:"));
      for (guint i = 0; ents && i < json_array_get_length (ents); i++)
        {
          JsonObject *e = json_array_get_object_element (ents, i);
          g_string_append_printf (text, " %s %s (“%s”)", json_object_get_string_member_with_default (e, "kind", ""),
                                  json_object_get_string_member_with_default (e, "id", ""),
                                  json_object_get_string_member_with_default (e, "text", ""));
        }
      if (out->origin)
        {
          g_autofree char *note = planner_note (j, out);
          g_string_append_printf (text, "\n%s", note);
        }
      g_string_append_printf (text, _("\nTicket %lld: %s"), (long long) json_object_get_int_member_with_default (ticket, "id", 0),
                              json_object_get_string_member_with_default (ticket, "status", ""));
      gtk_label_set_text (page->incident_summary, text->str);
      g_string_free (text, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (page->incident_legend), TRUE);
      /* the view is the final one once it is back (live renders still in flight are dropped) */
      if (page->views)
        rw_views_forget (page->views, "incident");
      json_object_set_member (view, "plan", json_node_copy (json_object_get_member (o, "plan")));
      json_object_set_member (view, "results", json_node_copy (json_object_get_member (o, "results")));
      json_object_set_member (view, "seen", json_node_ref (out->seen));
      g_free (page->dot);
      page->dot = plan_dot (view);
      if (page->views)
        rw_views_render (page->views, "incident", g_strdup (page->dot), "dot", page->incident_picture);
      show_plan (page);
      g_clear_pointer (&page->result, json_node_unref);
      page->result = json_node_ref (out->doc);
      incident_outcome_free (out);
    }
  g_object_unref (page);
}

char *
rw_incident_page_dup_text (RwIncidentPage *page)
{
  GtkTextBuffer *buf = gtk_text_view_get_buffer (page->incident_text);
  GtkTextIter a, b;
  gtk_text_buffer_get_bounds (buf, &a, &b);
  return gtk_text_buffer_get_text (buf, &a, &b, FALSE);
}

gboolean
rw_incident_page_run (RwIncidentPage *page, const char *text, const RwTopology *topo, const char *db_path,
                      const char *llm_endpoint, const char *llm_model)
{
  IncidentJob *j;
  g_autoptr(GTask) task = NULL;
  g_autofree char *trimmed = text ? g_strstrip (g_strdup (text)) : NULL;
  g_autofree char *shown = NULL;
  if (page->running || trimmed == NULL || *trimmed == '\0' || db_path == NULL)
    return FALSE;
  shown = rw_incident_page_dup_text (page);
  if (g_strcmp0 (shown, text) != 0)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (page->incident_text), text, -1);
  j = g_new0 (IncidentJob, 1);
  j->text = g_strdup (text);
  j->db_path = g_strdup (db_path);
  j->topo = rw_topology_copy (topo);
  j->llm_endpoint = llm_endpoint && *llm_endpoint ? g_strdup (llm_endpoint) : NULL;
  j->llm_model = llm_model && *llm_model ? g_strdup (llm_model) : NULL;
  j->page = page;
  j->context = g_main_context_ref_thread_default ();
  j->cancellable = g_object_ref (page->cancellable);
  j->results = json_array_new ();
  j->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_task_free);
  page->running = TRUE;
  page->updates = 0;
  page->plan_shown = FALSE;
  g_clear_pointer (&page->result, json_node_unref);
  g_clear_pointer (&page->dot, g_free);
  /* the last run's plan must not pass for this one's */
  if (page->views)
    rw_views_forget (page->views, "incident");
  gtk_picture_set_paintable (page->incident_picture, NULL);
  gtk_label_set_text (page->incident_summary, _("Finding the runbook and running the plan on the twin…"));
  g_object_notify_by_pspec (G_OBJECT (page), props[PROP_RUNNING]);
  task = g_task_new (NULL, page->cancellable, incident_done, g_object_ref (page));
  g_task_set_task_data (task, j, (GDestroyNotify) incident_job_free);
  g_task_run_in_thread (task, incident_thread);
  return TRUE;
}

void
rw_incident_page_set_views (RwIncidentPage *page, RwViews *views)
{
  g_set_object (&page->views, views);
}

gboolean
rw_incident_page_get_running (RwIncidentPage *page)
{
  return page->running;
}

guint
rw_incident_page_get_updates (RwIncidentPage *page)
{
  return page->updates;
}

const char *
rw_incident_page_get_summary (RwIncidentPage *page)
{
  return gtk_label_get_text (page->incident_summary);
}

const char *
rw_incident_page_get_graph (RwIncidentPage *page)
{
  return page->dot;
}

JsonNode *
rw_incident_page_get_result (RwIncidentPage *page)
{
  return page->result;
}

static void
rw_incident_page_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_RUNNING)
    g_value_set_boolean (value, RW_INCIDENT_PAGE (object)->running);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
rw_incident_page_dispose (GObject *object)
{
  RwIncidentPage *page = RW_INCIDENT_PAGE (object);
  g_cancellable_cancel (page->cancellable);
  if (page->scroll_id)
    gtk_widget_remove_tick_callback (GTK_WIDGET (page), page->scroll_id);
  page->scroll_id = 0;
  g_clear_object (&page->views);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_INCIDENT_PAGE);
  G_OBJECT_CLASS (rw_incident_page_parent_class)->dispose (object);
}

static void
rw_incident_page_finalize (GObject *object)
{
  RwIncidentPage *page = RW_INCIDENT_PAGE (object);
  g_clear_object (&page->cancellable);
  g_free (page->dot);
  g_clear_pointer (&page->result, json_node_unref);
  G_OBJECT_CLASS (rw_incident_page_parent_class)->finalize (object);
}

static void
rw_incident_page_class_init (RwIncidentPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_incident_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_incident_page_finalize;
  G_OBJECT_CLASS (klass)->get_property = rw_incident_page_get_property;
  /* an incident is being run: the page takes no other until it is done */
  props[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, props);
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-incident-page.ui");
  gtk_widget_class_bind_template_child (wc, RwIncidentPage, incident_text);
  gtk_widget_class_bind_template_child (wc, RwIncidentPage, incident_summary);
  gtk_widget_class_bind_template_child (wc, RwIncidentPage, incident_picture);
  gtk_widget_class_bind_template_child (wc, RwIncidentPage, incident_legend);
}

static void
rw_incident_page_init (RwIncidentPage *page)
{
  gtk_widget_init_template (GTK_WIDGET (page));
  page->cancellable = g_cancellable_new ();
}
