/* rw-cli-bench.c — `bench`: solve a synthetic enterprise and measure time and memory.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-i18n.h"
#include "rw-agent.h"
#include "rw-datadir.h"
#include "rw-safety.h"
#include "rw-synth.h"
#include "rw-twin.h"
#include "rw-clab.h"
#include "rw-frr-import.h"

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* What one bench run measured; NAN where it was not measured. Every figure but the import is CPU
 * seconds of this process (the bench runs one thing at a time on one thread, so a busy machine
 * slows the wall clock, not the work); the import is wall-clock (it reads files). */
typedef struct {
  gboolean json;   /* print the figures as one JSON object instead of sentences */
  double solve_s, whatif_s, whatif_prefix_s, import_s, verify_k0_s, verify_k1_s, robustness_s, synth_s, stable_states_s,
         decision_s, tick_ms, peak_mib;
} Figures;

/* A sentence of the text output (nothing with --json). */
static void G_GNUC_PRINTF (2, 3)
say (const Figures *f, const char *fmt, ...)
{
  va_list ap;
  if (f->json)
    return;
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
}

static void
add_figure (JsonBuilder *b, const char *name, double v, double scale)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, round (v * scale) / scale);
  else
    json_builder_add_null_value (b);
}

static void
print_figures (const Figures *f)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  json_builder_begin_object (b);
  add_figure (b, "solve_s", f->solve_s, 1e4);
  add_figure (b, "whatif_s", f->whatif_s, 1e4);
  add_figure (b, "whatif_prefix_s", f->whatif_prefix_s, 1e4);
  add_figure (b, "import_s", f->import_s, 1e4);
  add_figure (b, "verify_k0_s", f->verify_k0_s, 1e4);
  add_figure (b, "verify_k1_s", f->verify_k1_s, 1e4);
  add_figure (b, "robustness_s", f->robustness_s, 1e4);
  add_figure (b, "synth_s", f->synth_s, 1e4);
  add_figure (b, "stable_states_s", f->stable_states_s, 1e4);
  add_figure (b, "decision_s", f->decision_s, 1e4);
  add_figure (b, "tick_ms", f->tick_ms, 1e3);
  add_figure (b, "peak_mib", f->peak_mib, 10);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  rw_cli_print_json (root);
}

/* Peak resident set size of this process in MiB (VmHWM), or -1 where /proc is missing. */
static double
peak_rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  if ((line = strstr (status, "VmHWM:")) == NULL)
    return -1;
  return g_ascii_strtod (line + 6, NULL) / 1024.0;
}

/* CPU seconds of this process: the solve and the what-if run on this thread alone, and a busy
 * machine slows the wall clock, not the work. */
static gint64
cpu_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (path, n, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        remove_tree (p);
      else
        g_unlink (p);
    }
  g_rmdir (path);
}

/* A synthetic network of @routers routers exported as a Containerlab lab (not timed), then
 * imported back (timed): the time to read a configuration set of that size. */
static int
bench_import (guint routers, guint32 seed, Figures *f)
{
  RwSynthParams params = { routers, 4, 1000, seed };
  g_autoptr(RwTopology) t = rw_synth_enterprise (&params);
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTopology) back = NULL;
  g_autofree char *dir = g_dir_make_tmp ("routewise-bench-XXXXXX", &error);
  g_autofree char *clab = NULL;
  gint64 t0, t1;
  if (dir == NULL || !rw_clab_export (t, dir, &clab, &error))
    {
      if (dir)
        remove_tree (dir);
      return rw_cli_bad_input ("%s", error->message);
    }
  t0 = g_get_monotonic_time ();
  back = rw_frr_import_clab (clab, NULL, &error);
  t1 = g_get_monotonic_time ();
  remove_tree (dir);
  if (back == NULL)
    return rw_cli_bad_input ("%s", error->message);
  f->import_s = (t1 - t0) / 1e6;
  say (f, "import of %u FRR configurations (%u routers of ours; %u sessions, %u policies): %.3f s, %u warnings\n",
       back->nodes->len, routers, back->sessions->len, back->policies->len, f->import_s, back->import_warnings->len);
  return RW_EXIT_OK;
}

int
rw_cli_bench (int argc, char **argv)
{
  gint routers = 20, isps = 4, prefixes = 100000, seed = 1;
  g_autofree char *topo_path = rw_data_find ("topologies", "enterprise.json");
  gboolean no_z3 = FALSE, json = FALSE;
  gint import_routers = 200;
  Figures f = { FALSE, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the figures as JSON (solve_s, whatif_s, whatif_prefix_s, import_s, verify_k0_s, verify_k1_s, robustness_s, synth_s, stable_states_s, decision_s, tick_ms, peak_mib)"), NULL },
    { "import-routers", 0, 0, G_OPTION_ARG_INT, &import_routers, N_("Routers of the exported lab whose import is timed (default 200, 0 = skip)"), "N" },
    { "routers", 0, 0, G_OPTION_ARG_INT, &routers, N_("Routers in our AS (default 20)"), "N" },
    { "isps", 0, 0, G_OPTION_ARG_INT, &isps, N_("Upstream ISPs (default 4)"), "K" },
    { "prefixes", 0, 0, G_OPTION_ARG_INT, &prefixes, N_("Internet prefixes (default 100000)"), "P" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Seed of the generated network (default 1)"), "S" },
    { "topology", 0, 0, G_OPTION_ARG_FILENAME, &topo_path, N_("Network for the Z3 timings (default: the shipped enterprise)"), "FILE" },
    { "no-z3", 0, 0, G_OPTION_ARG_NONE, &no_z3, N_("Skip the Z3 proof and synthesis timings"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("— time a full solve and a what-if on a synthetic enterprise"));
  RwSynthParams params;
  g_autoptr(RwTwin) twin = NULL;
  g_autoptr(RwTwin) fork = NULL;
  g_autoptr(RwDiff) diff = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *change = NULL;
  const char *changes[2] = { NULL, NULL };
  gint64 t0, tg, t1, t2, t3;
  int status;
  RwTopology *generated;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return rw_cli_bad_input (_("bench takes no positional arguments"));
  if (routers < 3 || routers > 500 || isps < 1 || isps > 64 || prefixes < 0 || prefixes > 2000000 || seed < 0)
    return rw_cli_bad_input (_("bench: need 3 <= routers <= 500, 1 <= isps <= 64, 0 <= prefixes <= 2000000, seed >= 0"));
  params = (RwSynthParams) { (guint) routers, (guint) isps, (guint) prefixes, (guint32) seed };
  f.json = json;

  t0 = cpu_us ();
  generated = rw_synth_enterprise (&params);
  tg = cpu_us ();
  twin = rw_twin_new (generated);
  t1 = cpu_us ();
  /* One LOCAL_PREF change at the first edge router towards the first ISP. */
  change = g_strdup_printf ("local-pref:%s:ISP1:200", ((RwLink *) twin->topo->links->pdata[0])->b);
  {
    RwSession *s = NULL;
    for (guint i = 0; i < twin->topo->sessions->len && s == NULL; i++)
      if (g_strcmp0 (((RwSession *) twin->topo->sessions->pdata[i])->b, "ISP1") == 0)
        s = twin->topo->sessions->pdata[i];
    g_free (change);
    change = g_strdup_printf ("local-pref:%s:ISP1:200", s->a);
  }
  changes[0] = change;
  t2 = cpu_us ();
  if ((fork = rw_twin_fork_apply (twin, changes, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  diff = rw_twin_diff (twin, fork);
  t3 = cpu_us ();

  f.solve_s = (t1 - t0) / 1e6;
  f.whatif_s = (t3 - t2) / 1e6;
  say (&f, "network: %d routers, %d ISPs, %u nodes, %u sessions, %u prefixes in %u classes, %u demands (seed %d)\n",
       routers, isps, twin->topo->nodes->len, twin->topo->sessions->len, twin->bgp->n_prefixes,
       twin->bgp->classes->len, twin->topo->demands->len, seed);
  say (&f, "full solve (generate + IGP + BGP + traffic): %.3f s CPU (generate %.3f s), converged %s after %u rounds\n",
       f.solve_s, (tg - t0) / 1e6, twin->bgp->converged ? "yes" : "NO", twin->bgp->iterations);
  say (&f, "what-if %s (fork + re-solve + diff): %.4f s CPU, blast radius %.1f %%, %u routers changed\n", change,
       f.whatif_s, 100 * diff->blast_radius, diff->routers_changed->len);
  {
    /* the same change scoped to one prefix: its class splits from the others */
    g_autoptr(RwTwin) pfork = NULL;
    g_autoptr(RwDiff) pdiff = NULL;
    const RwOrigination *o = twin->topo->prefixes->pdata[twin->topo->prefixes->len / 2];
    g_autofree char *pfx = rw_prefix_to_string (&o->prefix);
    g_autofree char *scoped = g_strdup_printf ("%s:%s", change, pfx);
    const char *pchanges[2] = { scoped, NULL };
    gint64 t4 = cpu_us (), t5;
    if ((pfork = rw_twin_fork_apply (twin, pchanges, &error)) == NULL)
      return rw_cli_bad_input ("%s", error->message);
    pdiff = rw_twin_diff (twin, pfork);
    t5 = cpu_us ();
    f.whatif_prefix_s = (t5 - t4) / 1e6;
    say (&f, "what-if %s (scoped to one prefix, its class split): %.4f s CPU, blast radius %.1f %%, %u classes\n", scoped,
         f.whatif_prefix_s, 100 * pdiff->blast_radius, pfork->bgp->classes->len);
  }
  if (import_routers < 0 || import_routers > 2000)
    return rw_cli_bad_input (_("--import-routers: between 0 and 2000"));
  if (import_routers >= 3 && (status = bench_import ((guint) import_routers, (guint32) seed, &f)) != RW_EXIT_OK)
    return status;
  if (!no_z3)
    {
      g_autoptr(RwTopology) ent = NULL;
      g_autoptr(RwTwin) base = NULL;
      g_autoptr(RwTwin) hot = NULL;
      g_autoptr(RwVerdict) v = NULL;
      g_autoptr(RwSynthResult) r = NULL;
      g_autoptr(GPtrArray) grow = g_ptr_array_new_with_free_func (g_free);
      RwSafetyParams p;
      gint64 c0;
      if (topo_path == NULL)
        return rw_cli_bad_input (_("the shipped enterprise topology is missing (use --topology FILE or --no-z3)"));
      if ((ent = rw_topology_load_file (topo_path, &error)) == NULL)
        return rw_cli_bad_input ("%s", error->message);
      base = rw_twin_new (g_steal_pointer (&ent));
      rw_safety_params_init (&p);
      c0 = cpu_us ();
      v = rw_safety_robustness (base, &p);
      f.robustness_s = (cpu_us () - c0) / 1e6;
      say (&f, "k=1 robustness proof on %s: %.3f s (%u Z3 checks, %s)\n", base->topo->name, f.robustness_s, v->checks,
           v->unknown ? "unknown" : v->safe ? "robust" : "counterexample found and confirmed");
      {
        /* `verify TOPO --k 0` and `--k 1`: the rules on the network as it is, then robustness */
        const char *none[] = { NULL };
        g_autoptr(RwVerdict) v0 = NULL;
        g_autoptr(RwVerdict) v1 = NULL;
        g_autoptr(RwStableStates) st = NULL;
        p.k = 0;
        c0 = cpu_us ();
        v0 = rw_safety_verify (base, none, &p, NULL);
        f.verify_k0_s = v0 ? (cpu_us () - c0) / 1e6 : NAN;
        p.k = 1;
        c0 = cpu_us ();
        v1 = rw_safety_verify (base, none, &p, NULL);
        f.verify_k1_s = v1 ? (cpu_us () - c0) / 1e6 : NAN;
        say (&f, "verify --k 0: %.3f s (%s); verify --k 1: %.3f s (%s)\n", f.verify_k0_s,
             v0 && v0->safe ? "safe" : "unsafe", f.verify_k1_s, v1 && v1->safe ? "safe" : "unsafe");
        c0 = cpu_us ();
        st = rw_safety_stable_states (base, p.timeout_ms);
        f.stable_states_s = (cpu_us () - c0) / 1e6;
        say (&f, "stable states (Z3, per prefix group): %.3f s, %d found\n", f.stable_states_s, st->count);
      }
      /* synthesis: the demands on the busiest link direction grown to 110 % of its capacity */
      if (base->traffic->max_dir >= 0 && base->traffic->max_utilisation > 0)
        {
          double scale = 1.10 / base->traffic->max_utilisation;
          for (guint d = 0; d < base->traffic->demands->len; d++)
            {
              const RwDemandResult *dr = base->traffic->demands->pdata[d];
              for (guint h = 0; h < dr->hops->len; h++)
                if (g_array_index (dr->hops, guint, h) == (guint) base->traffic->max_dir)
                  g_ptr_array_add (grow, g_strdup_printf ("demand:%s:%.3f", dr->demand->id, dr->demand->mbps * scale));
            }
        }
      g_ptr_array_add (grow, NULL);
      hot = rw_twin_fork_apply (base, (const char *const *) grow->pdata, NULL);
      p.k = 0; /* as `synth` proves by default */
      c0 = cpu_us ();
      r = rw_safety_synthesise (hot, &p);
      f.synth_s = (cpu_us () - c0) / 1e6;
      say (&f, "synthesis with the busiest link at %.0f %%: %.3f s, %u change%s, max utilisation %.0f %% -> %.0f %% (%s)\n",
           100 * hot->traffic->max_utilisation, f.synth_s, r->changes->len, r->changes->len == 1 ? "" : "s",
           100 * r->max_util_before, 100 * r->max_util_after, r->found ? "confirmed and proven" : r->reason);
      rw_safety_params_clear (&p);
    }
  if (!no_z3)
    {
      /* one agent decision: the flagship scenario's run, divided by the decisions it made (each
       * with its candidates simulated, screened and proved) */
      g_autofree char *flagship = rw_data_find ("scenarios", "flagship-growth-and-cut.json");
      g_autoptr(RwScenario) sc = flagship ? rw_scenario_load_file (flagship, NULL) : NULL;
      if (sc)
        {
          g_autoptr(RwAgent) ag = rw_agent_new (sc, NULL, NULL, NULL);
          const GPtrArray *tl;
          guint decisions = 0;
          gint64 a0 = cpu_us (), a1;
          rw_agent_run (ag, NULL);
          a1 = cpu_us ();
          tl = rw_agent_timeline (ag);
          for (guint i = 0; i < tl->len; i++)
            decisions += g_strcmp0 (((RwTimelineEvent *) tl->pdata[i])->kind, "decision") == 0;
          f.decision_s = decisions ? (a1 - a0) / 1e6 / decisions : NAN;
          say (&f, "flagship run: %.3f s, %u decisions, %.3f s per decision\n", (a1 - a0) / 1e6, decisions, f.decision_s);
        }
    }
  {
    /* the agent loop: a tick without a decision (observe, detect, reason) on the quiet scenario */
    g_autofree char *quiet = rw_data_find ("scenarios", "quiet-network.json");
    g_autoptr(RwScenario) sc = quiet ? rw_scenario_load_file (quiet, NULL) : NULL;
    if (sc)
      {
        g_autoptr(RwAgent) ag = rw_agent_new (sc, NULL, NULL, NULL);
        gint64 a0 = cpu_us ();
        rw_agent_run (ag, NULL);
        f.tick_ms = (cpu_us () - a0) / 1e3 / sc->ticks;
        say (&f, "agent loop tick (observe, detect, reason; no decision): %.2f ms over %u ticks of %s\n", f.tick_ms,
             sc->ticks, sc->name);
      }
  }
  f.peak_mib = peak_rss_mib ();
  say (&f, "peak memory (VmHWM): %.1f MiB\n", f.peak_mib);
  if (json)
    print_figures (&f);
  return RW_EXIT_OK;
}
