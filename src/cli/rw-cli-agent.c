/* rw-cli-agent.c — `run SCENARIO`, `harness SCENARIO…`, `train SCENARIO…`: the agent headless.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-i18n.h"
#include "rw-agent.h"
#include "rw-lab-world.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static RwStore *
open_store (const char *path, int *status)
{
  g_autoptr(GError) error = NULL;
  RwStore *s;
  if (path == NULL)
    return NULL;
  s = rw_store_open (path, &error);
  if (s == NULL)
    *status = rw_cli_bad_input ("%s", error->message);
  return s;
}

static void
print_row (const RwRunResult *r)
{
  g_autofree char *causes = NULL;
  GString *c = g_string_new (NULL);
  for (guint i = 0; i < r->root_causes_found->len; i++)
    g_string_append_printf (c, "%s%s", i ? " " : "", (char *) r->root_causes_found->pdata[i]);
  g_autofree char *mttd = isnan (r->mttd_s) ? g_strdup ("-") : g_strdup_printf ("%.0fs", r->mttd_s);
  g_autofree char *mttr = isnan (r->mttr_s) ? g_strdup ("-") : g_strdup_printf ("%.0fs", r->mttr_s);
  causes = g_string_free (c, FALSE);
  printf ("  %-52.52s SR %d  MTTD %6s  MTTR %6s  rollbacks %u  blocked %u  false %u  actions %u\n", r->name, r->sr,
          mttd, mttr, r->rollbacks, r->blocked, r->false_actions, r->actions);
  printf (_("      root causes: %s\n"), *causes ? causes : _("none"));
}

/* `--lab`: the scenario runs on real routers. */
typedef struct {
  gboolean on;
  const char *name;   /* NULL: RW_LAB_DEFAULT_NAME */
  double tick_s;      /* real seconds per tick */
  gboolean keep;      /* leave a lab the run brought up */
  gboolean fresh;     /* refuse a lab that is up already (its state is another run's) */
  gboolean traffic;   /* real UDP flows, links shaped */
  double scale;       /* their rates and the links' capacities times this */
} LabOptions;

static void
lab_progress (const char *line, gpointer data)
{
  fprintf (stderr, "%s\n", line);
}

/* The lab the scenario runs on: the one of that name when it is up, else one brought up from the
 * scenario's network (*@brought set). */
static RwLab *
open_lab (const RwScenario *sc, const LabOptions *lo, gboolean *brought, GError **error)
{
  g_autoptr(GError) local = NULL;
  RwLab *lab;
  RwLabUpOptions up;
  gboolean settled = FALSE;
  const char *name = lo->name ? lo->name : RW_LAB_DEFAULT_NAME;
  *brought = FALSE;
  if (!rw_lab_check_environment (error) || !rw_lab_name_is_valid (name, error))
    return NULL;
  if ((lab = rw_lab_open (name, &local)) != NULL)
    {
      if (!lo->fresh)
        return lab;
      rw_lab_free (lab);
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_EXISTS,
                   "lab %s is up already; each scenario needs a fresh one (routewise-cli lab down --name %s)", name, name);
      return NULL;
    }
  if (!g_error_matches (local, RW_LAB_ERROR, RW_LAB_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (sc->topology_file == NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT,
                   "no lab %s is up, and the scenario's network is not a file that one could be brought up from", name);
      return NULL;
    }
  rw_lab_up_options_init (&up);
  up.name = name;
  up.log = lab_progress;
  fprintf (stderr, _("Bringing up lab %s from %s\n"), name, sc->topology_file);
  if ((lab = rw_lab_up (sc->topology_file, &up, &settled, error)) == NULL)
    return NULL;
  *brought = TRUE;
  return lab;
}

static RwRunResult *
run_one (const char *file, RwStore *store, gboolean use_z3, const LabOptions *lo, GPtrArray *timeline_out, int *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwScenario) sc = rw_scenario_load_file (file, &error);
  g_autoptr(RwAgent) ag = NULL;
  g_autoptr(RwLab) lab = NULL;
  g_autoptr(RwLabWorld) world = NULL;
  RwLabTraffic *traffic = NULL;
  gboolean brought = FALSE, ok;
  RwGuardConfig cfg;
  RwRunResult *r = NULL;
  if (sc == NULL)
    {
      *status = rw_cli_bad_input ("%s", error->message);
      return NULL;
    }
  rw_guard_config_init (&cfg);
  cfg.use_z3 = use_z3;
  ag = rw_agent_new (sc, store, &cfg, &error);
  if (ag == NULL)
    {
      *status = rw_cli_bad_input ("%s: %s", file, error->message);
      return NULL;
    }
  if (lo && lo->on)
    {
      if ((lab = open_lab (sc, lo, &brought, &error)) == NULL ||
          (world = rw_lab_world_new (lab, sc->topology, lo->tick_s, &error)) == NULL)
        {
          *status = rw_cli_bad_input ("%s: --lab: %s", file, error->message);
          goto out;
        }
      if (lo->traffic)
        {
          g_autoptr(RwTopology) plan = rw_lab_load_topology (lab, &error);
          if (plan == NULL || (traffic = rw_lab_traffic_start (lab, plan, lo->scale, &error)) == NULL)
            {
              *status = rw_cli_bad_input ("%s: --traffic: %s", file, error->message);
              goto out;
            }
          rw_lab_world_set_traffic (world, traffic);
        }
      rw_agent_set_world (ag, rw_lab_world_get (world));
      fprintf (stderr, _("Running %s on lab %s, a tick every %.1f s at least\n"), sc->name, lab->name, lo->tick_s);
    }
  ok = rw_agent_run (ag, &error);
  if (world && (!brought || lo->keep))
    {
      /* the lab stays: its state says what it runs now, faults and changes included */
      g_autoptr(GError) save = NULL;
      if (!rw_lab_world_save (world, rw_agent_world_config (ag), rw_agent_world_script (ag), &save))
        g_printerr ("%s: recording what lab %s runs now: %s\n", file, lab->name, save->message);
    }
  if (!ok)
    {
      *status = rw_cli_bad_input ("%s: %s", file, error->message);
      goto out;
    }
  if (timeline_out)
    {
      const GPtrArray *tl = rw_agent_timeline (ag);
      for (guint i = 0; i < tl->len; i++)
        g_ptr_array_add (timeline_out, rw_timeline_event_to_json (tl->pdata[i]));
    }
  r = rw_agent_result (ag);
out:
  g_clear_pointer (&traffic, rw_lab_traffic_stop);
  if (brought && !lo->keep)
    {
      g_autoptr(GError) down = NULL;
      if (!rw_lab_down (lab->name, NULL, NULL, NULL, &down))
        g_printerr ("%s: taking lab %s down: %s\n", file, lab->name, down->message);
    }
  return r;
}

int
rw_cli_run (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *db = NULL, *lab_name = NULL;
  LabOptions lo = { FALSE, NULL, 1.0, FALSE, FALSE, FALSE, 0.001 };
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Database for the audit chain and learning (default: the user's data dir)"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the timeline and result as JSON"), NULL },
    { "lab", 0, 0, G_OPTION_ARG_NONE, &lo.on, N_("Run on real FRR routers: the lab of --name when it is up, else one brought up from the scenario's network (and taken down after)"), NULL },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &lab_name, N_("The lab's name (default \"routewise\")"), "NAME" },
    { "tick-s", 0, 0, G_OPTION_ARG_DOUBLE, &lo.tick_s, N_("With --lab: real seconds a tick lasts at least (default 1)"), "S" },
    { "traffic", 0, 0, G_OPTION_ARG_NONE, &lo.traffic, N_("With --lab: real traffic — each demand a UDP flow, each link shaped to its capacity, both times --traffic-scale"), NULL },
    { "traffic-scale", 0, 0, G_OPTION_ARG_DOUBLE, &lo.scale, N_("With --traffic: the factor on rates and capacities (default 0.001)"), "F" },
    { "keep-lab", 0, 0, G_OPTION_ARG_NONE, &lo.keep, N_("With --lab: leave up a lab the run brought up"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("SCENARIO — run the agent on a scenario and print its timeline"));
  g_autoptr(RwStore) store = NULL;
  g_autoptr(GPtrArray) tl = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(RwRunResult) r = NULL;
  int status = 0;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return rw_cli_bad_input (_("run needs exactly one scenario file (see --help)"));
  if (db == NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "routewise", NULL);
      g_mkdir_with_parents (dir, 0700);
      db = g_build_filename (dir, "routewise.db", NULL);
    }
  if ((store = open_store (db, &status)) == NULL)
    return status;
  if (!isfinite (lo.tick_s) || lo.tick_s < 0 || lo.tick_s > 3600)
    return rw_cli_bad_input (_("--tick-s: %g is not between 0 and 3600 seconds"), lo.tick_s);
  lo.name = lab_name;
  if ((r = run_one (argv[1], store, TRUE, &lo, tl, &status)) == NULL)
    return status;
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) doc = NULL;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "events");
      json_builder_begin_array (b);
      for (guint i = 0; i < tl->len; i++)
        json_builder_add_value (b, json_node_copy (tl->pdata[i]));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "result");
      json_builder_add_value (b, rw_run_result_to_json (r));
      json_builder_end_object (b);
      doc = json_builder_get_root (b);
      rw_cli_print_json (doc);
    }
  else
    {
      for (guint i = 0; i < tl->len; i++)
        {
          JsonObject *o = json_node_get_object (tl->pdata[i]);
          printf ("%5" G_GINT64_FORMAT "  %-10s %s\n", json_object_get_int_member (o, "tick"),
                  json_object_get_string_member (o, "kind"), json_object_get_string_member (o, "summary"));
        }
      printf (_("\nResult (audit chain in %s):\n"), db);
      print_row (r);
    }
  return r->sr ? RW_EXIT_OK : RW_EXIT_FINDING;
}

typedef struct {
  double sr, mttd, mttr;
  guint n_mttd, n_mttr, rollbacks, blocked, false_actions;
} Totals;

int
rw_cli_harness (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *db = NULL, *incidents = NULL, *lab_name = NULL;
  g_autoptr(JsonNode) incident_doc = NULL;
  LabOptions lo = { FALSE, NULL, 1.0, FALSE, TRUE, FALSE, 0.001 };
  GOptionEntry entries[] = {
    { "lab", 0, 0, G_OPTION_ARG_NONE, &lo.on, N_("Run each scenario on real FRR routers, a lab brought up for it and taken down after"), NULL },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &lab_name, N_("The lab's name (default \"routewise\")"), "NAME" },
    { "tick-s", 0, 0, G_OPTION_ARG_DOUBLE, &lo.tick_s, N_("With --lab: real seconds a tick lasts at least (default 1)"), "S" },
    { "traffic", 0, 0, G_OPTION_ARG_NONE, &lo.traffic, N_("With --lab: real traffic — each demand a UDP flow, each link shaped to its capacity, both times --traffic-scale"), NULL },
    { "traffic-scale", 0, 0, G_OPTION_ARG_DOUBLE, &lo.scale, N_("With --traffic: the factor on rates and capacities (default 0.001)"), "F" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Keep audit chains and learning in this database (default: none)"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the metrics as JSON"), NULL },
    { "incidents", 0, 0, G_OPTION_ARG_FILENAME, &incidents, N_("Also run these incidents (data/incidents.json) and report retrieval, MRL and TGED"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("SCENARIO… — run scenarios headless and report SR, MTTD, MTTR, rollbacks, blocked and false actions"));
  g_autoptr(RwStore) store = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_run_result_free);
  Totals t = { 0 };
  int status = 0;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc < 2)
    return rw_cli_bad_input (_("harness needs at least one scenario file (see --help)"));
  if (db && (store = open_store (db, &status)) == NULL)
    return status;
  for (int i = 1; i < argc; i++)
    {
      RwRunResult *r;
      lo.name = lab_name;
      if (lo.on && (!isfinite (lo.tick_s) || lo.tick_s < 0 || lo.tick_s > 3600))
        return rw_cli_bad_input (_("--tick-s: %g is not between 0 and 3600 seconds"), lo.tick_s);
      r = run_one (argv[i], store, TRUE, &lo, NULL, &status);
      if (r == NULL)
        return status;
      g_ptr_array_add (rows, r);
      t.sr += r->sr;
      if (!isnan (r->mttd_s))
        t.mttd += r->mttd_s, t.n_mttd++;
      if (!isnan (r->mttr_s))
        t.mttr += r->mttr_s, t.n_mttr++;
      t.rollbacks += r->rollbacks;
      t.blocked += r->blocked;
      t.false_actions += r->false_actions;
    }
  if (incidents && json && (status = rw_cli_incident_harness (incidents, db, TRUE, &incident_doc)) != 0)
    return status;
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) doc = NULL;
      json_builder_begin_object (b);
      if (incident_doc)
        {
          /* {"incidents": [...], "overall": {"retrieval", "tged", "mrl_ms", "replans"…}} */
          json_builder_set_member_name (b, "incidents");
          json_builder_add_value (b, g_steal_pointer (&incident_doc));
        }
      json_builder_set_member_name (b, "scenarios");
      json_builder_begin_array (b);
      for (guint i = 0; i < rows->len; i++)
        json_builder_add_value (b, rw_run_result_to_json (rows->pdata[i]));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "overall");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "sr");
      json_builder_add_double_value (b, t.sr / rows->len);
      json_builder_set_member_name (b, "mttd_s");
      t.n_mttd ? json_builder_add_double_value (b, t.mttd / t.n_mttd) : json_builder_add_null_value (b);
      json_builder_set_member_name (b, "mttr_s");
      t.n_mttr ? json_builder_add_double_value (b, t.mttr / t.n_mttr) : json_builder_add_null_value (b);
      json_builder_set_member_name (b, "rollbacks");
      json_builder_add_int_value (b, t.rollbacks);
      json_builder_set_member_name (b, "blocked");
      json_builder_add_int_value (b, t.blocked);
      json_builder_set_member_name (b, "false_actions");
      json_builder_add_int_value (b, t.false_actions);
      json_builder_end_object (b);
      json_builder_end_object (b);
      doc = json_builder_get_root (b);
      rw_cli_print_json (doc);
    }
  else
    {
      printf ("%s\n", _("Scenarios"));
      for (guint i = 0; i < rows->len; i++)
        print_row (rows->pdata[i]);
      g_autofree char *mttd = t.n_mttd ? g_strdup_printf ("%.0f s", t.mttd / t.n_mttd) : g_strdup ("-");
      g_autofree char *mttr = t.n_mttr ? g_strdup_printf ("%.0f s", t.mttr / t.n_mttr) : g_strdup ("-");
      printf ("Overall: SR %.2f, MTTD %s, MTTR %s, rollbacks %u, blocked %u, false actions %u\n", t.sr / rows->len,
              mttd, mttr, t.rollbacks, t.blocked, t.false_actions);
      if (incidents)
        {
          printf ("\n%s\n", _("Incidents"));
          fflush (stdout);
          if ((status = rw_cli_incident_harness (incidents, db, FALSE, NULL)) != 0)
            return status;
        }
    }
  return RW_EXIT_OK;
}

int
rw_cli_train (int argc, char **argv)
{
  gint episodes = 3;
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "episodes", 0, 0, G_OPTION_ARG_INT, &episodes, N_("Seeded variants of each scenario (default 3)"), "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Learning database (default: a new one in a temporary folder)"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("SCENARIO… — learn action priors over seeded variants and show what they change"));
  g_autoptr(RwStore) store = NULL;
  g_autofree char *tmpdir = NULL;
  int status = 0;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc < 2)
    return rw_cli_bad_input (_("train needs at least one scenario file (see --help)"));
  if (episodes < 1 || episodes > 1000)
    return rw_cli_bad_input (_("--episodes: %d is not between 1 and 1000"), episodes);
  if (db == NULL)
    {
      tmpdir = g_dir_make_tmp ("routewise-train-XXXXXX", NULL);
      db = g_build_filename (tmpdir, "learning.db", NULL);
    }
  if ((store = open_store (db, &status)) == NULL)
    return status;
  for (int e = 0; e <= episodes; e++)
    {
      double sr = 0;
      guint actions = 0, rollbacks = 0, blocked = 0;
      for (int i = 1; i < argc; i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(RwScenario) sc = rw_scenario_load_file (argv[i], &error);
          g_autoptr(RwAgent) ag = NULL;
          g_autoptr(RwRunResult) r = NULL;
          if (sc == NULL)
            return rw_cli_bad_input ("%s", error->message);
          /* episode 0 and the last one replay the scenario's own seed: before and after learning */
          if (e > 0 && e < episodes)
            sc->seed += (guint32) e * 7919u;
          ag = rw_agent_new (sc, store, NULL, &error);
          if (ag == NULL || !rw_agent_run (ag, &error))
            return rw_cli_bad_input ("%s: %s", argv[i], error->message);
          r = rw_agent_result (ag);
          sr += r->sr;
          actions += r->actions;
          rollbacks += r->rollbacks;
          blocked += r->blocked;
          if (e == 0 || e == episodes)
            {
              /* what the agent chose: the applied changes, in order */
              const GPtrArray *tl = rw_agent_timeline (ag);
              GString *chosen = g_string_new (NULL);
              for (guint k = 0; k < tl->len; k++)
                {
                  const RwTimelineEvent *ev = tl->pdata[k];
                  if (g_strcmp0 (ev->kind, "act") == 0)
                    g_string_append_printf (chosen, "%s%s", chosen->len ? ", " : "", ev->summary + strlen ("applied "));
                }
              printf ("  %s: %s\n", sc->name, chosen->len ? chosen->str : _("no action"));
              g_string_free (chosen, TRUE);
            }
        }
      printf ("%s %2d: SR %.2f, %u actions, %u rollbacks, %u proposals refused by the safety checks\n",
              e == 0 ? "before " : e == episodes ? "after  " : "episode", e, sr / (argc - 1), actions, rollbacks, blocked);
    }
  {
    /* what was learned: the share of its predicted improvement each kind of action delivered */
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = rw_store_learning_list (store, &error);
    if (rows == NULL)
      return rw_cli_bad_input ("%s", error->message);
    printf (_("learned priors (share of the predicted improvement delivered, against the network without the change):\n"));
    for (guint i = 0; i < rows->len; i++)
      {
        RwLearningRow *r = rows->pdata[i];
        printf ("  %-14s %-18s n %-4u mean %.2f\n", r->hypothesis_kind, r->action_kind, r->n, r->mean);
      }
  }
  printf (_("learning database: %s\n"), db);
  return RW_EXIT_OK;
}
