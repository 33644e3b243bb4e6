/* rw-cli-simulate.c — `simulate TOPO` and `whatif TOPO CHANGE…`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-datadir.h"
#include "rw-i18n.h"
#include "rw-twin.h"

#include "rw-safety.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>

static void
print_demands (const RwTwin *twin)
{
  const RwTraffic *tr = twin->traffic;
  /* Translators: a heading; the counts are of demands */
  printf (_("\nDemands (%u ok, %u loops, %u blackholes, %u SLA violations)\n"), tr->n_ok, tr->n_loops, tr->n_blackholes,
          tr->n_sla_violations);
  /* Translators: column headings of the demand table; keep them short */
  printf ("  %-22s %8s  %-9s %9s %7s  %-4s  %s\n", _("demand"), _("Mbps"), _("status"), _("latency"), _("loss"), _("SLA"),
          _("path"));
  for (guint i = 0; i < tr->demands->len; i++)
    {
      const RwDemandResult *r = tr->demands->pdata[i];
      g_autoptr(GString) path = g_string_new (NULL);
      for (guint h = 0; h < r->path->len; h++)
        g_string_append_printf (path, "%s%s", h ? " > " : "", twin->net->nodes[g_array_index (r->path, guint, h)]->id);
      if (r->status == RW_DEMAND_OK)
        printf ("  %-22s %8.0f  %-9s %6.1f ms %6.2f%%  %-4s  %s\n", r->demand->id, r->demand->mbps, "ok", r->latency_ms,
                r->loss_pct, r->sla_ok ? "ok" : "FAIL", path->str);
      else
        printf ("  %-22s %8.0f  %-9s %9s %7s  %-4s  %s (%s)\n", r->demand->id, r->demand->mbps,
                rw_demand_status_to_string (r->status), "-", "-", "FAIL", path->str, r->reason);
    }
}

static void
print_links (const RwTwin *twin)
{
  const RwTraffic *tr = twin->traffic;
  printf ("\n%s\n", _("Link loads (per direction)"));
  /* Translators: column headings of the link table; keep them short */
  printf ("  %-12s %-20s %10s %10s %6s %9s %7s\n", _("link"), _("direction"), _("load Mbps"), _("capacity"), _("util"),
          _("latency"), _("loss"));
  for (guint d = 0; d < 2 * tr->n_links; d++)
    {
      const RwLinkDir *ld = &tr->dirs[d];
      const RwLink *l = twin->topo->links->pdata[d / 2];
      g_autofree char *name = rw_traffic_dir_name (twin->net, d);
      if (!l->up)
        {
          if (d % 2 == 0)
            printf ("  %-12s %-20s %10s\n", l->id, "", "DOWN");
          continue;
        }
      if (ld->load_mbps <= 0)
        continue;
      printf ("  %-12s %-20s %10.0f %10.0f %5.0f%% %6.1f ms %6.2f%%%s\n", l->id, name, ld->load_mbps, l->capacity_mbps,
              100 * ld->utilisation, ld->latency_ms, ld->loss_pct, ld->utilisation >= 0.9 ? "  <- hot" : "");
    }
  if (tr->max_dir >= 0)
    {
      g_autofree char *name = rw_traffic_dir_name (twin->net, (guint) tr->max_dir);
      printf (_("  busiest: %s at %.0f%%\n"), name, 100 * tr->max_utilisation);
    }
}

/* The month's transit bill per ISP, when some link towards an ISP is priced. */
static void
print_transit_cost (const RwTwin *twin)
{
  const RwTraffic *tr = twin->traffic;
  if (tr->isp_costs->len == 0)
    return;
  printf ("\n%s\n", _("Transit cost a month (both directions, 1 Mbps = 324 GB)"));
  /* Translators: column headings of the transit cost table; keep them short */
  printf ("  %-12s %-20s %12s %12s\n", _("ISP"), _("name"), _("GB"), _("cost"));
  for (guint i = 0; i < tr->isp_costs->len; i++)
    {
      const RwIspCost *ic = &g_array_index (tr->isp_costs, RwIspCost, i);
      const RwNode *n = twin->net->nodes[ic->isp];
      printf ("  %-12s %-20s %12.0f %12.2f%s\n", n->id, n->label ? n->label : "", ic->gb, ic->cost,
              ic->cost > ic->usage ? _("  (commit)") : "");
    }
  printf ("  %-12s %-20s %12s %12.2f\n", _("total"), "", "", tr->transit_cost);
}

static void
print_best_routes (const RwTwin *twin)
{
  const RwNet *net = twin->net;
  const RwBgpResult *bgp = twin->bgp;
  printf ("\n%s\n", _("Best routes at our routers"));
  for (guint u = 0; u < net->n_nodes; u++)
    {
      if (!rw_net_is_ours (net, u))
        continue;
      printf ("  %s\n", net->nodes[u]->id);
      for (guint p = 0; p < bgp->n_prefixes && p < 200; p++)
        {
          const RwRib *rib = rw_bgp_rib (bgp, p, u);
          const RwRoute *r = rw_bgp_best (bgp, p, u);
          g_autofree char *pfx = rw_prefix_to_string (&bgp->prefixes[p]);
          g_autoptr(GString) path = g_string_new (NULL);
          if (r == NULL)
            {
              printf ("    %-18s %s\n", pfx, _("(no route)"));
              continue;
            }
          for (guint i = 0; i < r->as_path_len; i++)
            g_string_append_printf (path, "%s%u", i ? " " : "", r->as_path[i]);
          printf ("    %-18s via %-7s %-5s lp %-3u path %-24s ", pfx, r->from >= 0 ? net->nodes[r->from]->id : "local",
                  r->from < 0 ? "local" : r->ibgp ? "iBGP" : "eBGP", r->local_pref, path->len ? path->str : "-");
          /* Translators: the number of candidate routes, then the decision step that chose the best */
          printf (g_dngettext (GETTEXT_PACKAGE, "(%u candidate; %s)\n", "(%u candidates; %s)\n", rib->routes->len),
                  rib->routes->len, rw_decision_step_name (rib->decided_by));
        }
      if (bgp->n_prefixes > 200)
        printf (g_dngettext (GETTEXT_PACKAGE, "    … %u more prefix (use --json)\n", "    … %u more prefixes (use --json)\n",
                             bgp->n_prefixes - 200), bgp->n_prefixes - 200);
    }
}

static gboolean
has_finding (const RwTwin *twin)
{
  return !twin->bgp->converged || twin->traffic->n_sla_violations > 0;
}

static void
print_convergence (const RwTwin *twin)
{
  if (twin->bgp->converged)
    printf (g_dngettext (GETTEXT_PACKAGE, "BGP converged after %u round (%u prefixes in %u classes)\n",
                         "BGP converged after %u rounds (%u prefixes in %u classes)\n", twin->bgp->iterations),
            twin->bgp->iterations, twin->bgp->n_prefixes, twin->bgp->classes->len);
  else
    {
      fputs (_("BGP DID NOT CONVERGE: no stable state for"), stdout);
      for (guint i = 0; i < twin->bgp->unstable->len && i < 10; i++)
        {
          g_autofree char *p = rw_prefix_to_string (&twin->bgp->prefixes[g_array_index (twin->bgp->unstable, guint, i)]);
          printf (" %s", p);
        }
      printf (" %s\n", _("(routes below are the last state seen)"));
    }
}

/* Z3's budget for the stable-state check, the safety layer's default: a count of its resources,
 * so the answer does not depend on how busy the machine is */
#define STABLE_STATES_BUDGET_MS RW_SAFETY_DEFAULT_TIMEOUT_MS

/* @count_key: 1, 2 (at least two) or null (not checked: no convergence, or no answer); and
 * where a second state exists, @other_key: which routes differ in it. */
static void
add_stable_states (JsonObject *o, const char *count_key, const char *other_key, const RwStableStates *st)
{
  if (st->count > 0)
    json_object_set_int_member (o, count_key, st->count);
  else
    json_object_set_null_member (o, count_key);
  if (st->count == 2 && other_key != NULL)
    {
      JsonObject *other = json_object_new ();
      JsonArray *moves = json_array_new ();
      for (guint i = 0; i < st->moves->len; i++)
        json_array_add_string_element (moves, st->moves->pdata[i]);
      json_object_set_string_member (other, "prefix", st->prefix);
      json_object_set_array_member (other, "routes", moves);
      json_object_set_object_member (o, other_key, other);
    }
}

static void
print_stable_states (const RwStableStates *st)
{
  if (st->count == 1)
    printf ("%s\n", _("One stable state (Z3 found no other)"));
  else if (st->count == 2)
    {
      /* Translators: the prefix; RFC 4264 calls such a network a "BGP wedgie" */
      printf (_("WARNING: BGP has a second stable state for %s (a wedgie, RFC 4264): which one the routers "
                "land in depends on the order their sessions come up. In the other state:"), st->prefix);
      for (guint i = 0; i < st->moves->len; i++)
        printf ("\n  %s", (char *) st->moves->pdata[i]);
      printf ("\n");
    }
  else if (st->count == -1)
    printf (_("Stable states not known: %s\n"), st->reason ? st->reason : "?");
}

int
rw_cli_simulate (int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the simulation document (DESIGN.md section 10)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("[TOPO] — solve BGP and traffic for a topology"));
  g_autofree char *default_topo = NULL;
  g_autoptr(RwTwin) twin = NULL;
  g_autoptr(RwStableStates) states = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx, N_("Without TOPO, simulates the default network shipped with Routewise\n"
                                            "(topologies/enterprise.json in its data folder).\n"
                                            "Exit status: 0 converged and every SLA met, 1 a finding (no convergence, "
                                            "loop, blackhole or SLA violation), 2 bad input."));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc > 2)
    return rw_cli_bad_input (_("simulate takes at most one topology file (see --help)"));
  if (argc == 1 && (default_topo = rw_data_find ("topologies", "enterprise.json")) == NULL)
    return rw_cli_bad_input (_("the default network is missing: no topologies/enterprise.json in %s"), rw_datadir ());
  if ((twin = rw_cli_load_twin (argc == 2 ? argv[1] : default_topo, &status)) == NULL)
    return status;
  states = rw_safety_stable_states (twin, STABLE_STATES_BUDGET_MS);
  if (json)
    {
      g_autoptr(JsonNode) doc = rw_twin_simulation_to_json (twin);
      add_stable_states (json_node_get_object (doc), "stable_states", "other_state", states);
      rw_cli_print_json (doc);
    }
  else
    {
      /* Translators: the network's name, then counts */
      printf (_("%s: %u nodes, %u links, %u sessions, %u demands\n"), twin->topo->name, twin->topo->nodes->len,
              twin->topo->links->len, twin->topo->sessions->len, twin->topo->demands->len);
      print_convergence (twin);
      print_stable_states (states);
      print_best_routes (twin);
      print_demands (twin);
      print_links (twin);
      print_transit_cost (twin);
    }
  return has_finding (twin) ? RW_EXIT_FINDING : RW_EXIT_OK;
}

static void
print_list (const char *title, GPtrArray *items)
{
  printf ("  %-26s", title);
  if (items->len == 0)
    printf (" %s", _("none"));
  for (guint i = 0; i < items->len; i++)
    printf (" %s", (char *) items->pdata[i]);
  printf ("\n");
}

int
rw_cli_whatif (int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the diff as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("TOPO CHANGE… — apply changes to a fork and compare"));
  g_autoptr(RwTwin) before = NULL;
  g_autoptr(RwTwin) after = NULL;
  g_autoptr(RwDiff) diff = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RwStableStates) states_before = NULL;
  g_autoptr(RwStableStates) states_after = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx,
    N_("Changes: link-down:LINK link-up:LINK session-down:A:B session-up:A:B\n"
    "  local-pref:ROUTER:NEIGHBOR:VALUE[:PREFIX]   (import at ROUTER from NEIGHBOR)\n"
    "  prepend:ROUTER:NEIGHBOR:COUNT[:PREFIX]      (export from ROUTER to NEIGHBOR)\n"
    "  med:ROUTER:NEIGHBOR:VALUE[:PREFIX]  community-add:ROUTER:NEIGHBOR:COMMUNITY[:PREFIX]\n"
    "  demand:ID:MBPS  igp-cost:LINK:COST\n"
    "Exit status: 0 no new problem, 1 the change adds a loop, blackhole, SLA violation or non-convergence,\n"
    "2 bad input."));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc < 3)
    return rw_cli_bad_input (_("whatif needs a topology file and at least one change (see --help)"));
  if ((before = rw_cli_load_twin (argv[1], &status)) == NULL)
    return status;
  if ((after = rw_twin_fork_apply (before, (const char *const *) &argv[2], &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  diff = rw_twin_diff (before, after);
  states_before = rw_safety_stable_states (before, STABLE_STATES_BUDGET_MS);
  states_after = rw_safety_stable_states (after, STABLE_STATES_BUDGET_MS);
  if (json)
    {
      g_autoptr(JsonNode) doc = rw_diff_to_json (diff);
      add_stable_states (json_node_get_object (doc), "stable_states_before", NULL, states_before);
      add_stable_states (json_node_get_object (doc), "stable_states_after", "other_state_after", states_after);
      rw_cli_print_json (doc);
    }
  else
    {
      fputs (_("What if:"), stdout);
      for (int i = 2; i < argc; i++)
        printf (" %s", argv[i]);
      printf ("\n  %-26s ", _("blast radius"));
      printf (_("%.1f %% of traffic (%.0f Mbps)\n"), 100 * diff->blast_radius, diff->moved_mbps);
      print_list (_("demands moved"), diff->moved_demands);
      print_list (_("routers with new best"), diff->routers_changed);
      print_list (_("links touched"), diff->links_touched);
      print_list (_("new loops"), diff->new_loops);
      print_list (_("new blackholes"), diff->new_blackholes);
      print_list (_("SLA violations added"), diff->sla_added);
      print_list (_("SLA violations removed"), diff->sla_removed);
      printf ("  %-26s %.0f %% (%s) -> %.0f %% (%s)\n", _("max utilisation"), 100 * diff->max_util_before,
              diff->max_dir_before ? diff->max_dir_before : "-", 100 * diff->max_util_after,
              diff->max_dir_after ? diff->max_dir_after : "-");
      if (diff->priced)
        printf ("  %-26s %.2f -> %.2f (%+.2f)\n", _("transit cost a month"), diff->cost_before, diff->cost_after,
                diff->cost_after - diff->cost_before);
      if (!diff->converged_after)
        printf ("  %s\n", _("BGP does not converge after the change"));
      if (states_after->count == 2 && states_before->count != 2)
        {
          printf ("  %s ", _("The change creates a second stable state."));
          print_stable_states (states_after);
        }
      else if (states_after->count == 2)
        print_stable_states (states_after);
      printf ("\n%s\n", _("After the change:"));
      print_demands (after);
      print_links (after);
      print_transit_cost (after);
    }
  return (diff->new_loops->len || diff->new_blackholes->len || diff->sla_added->len || !diff->converged_after)
           ? RW_EXIT_FINDING : RW_EXIT_OK;
}
