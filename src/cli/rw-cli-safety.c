/* rw-cli-safety.c — `verify TOPO CHANGE…` and `synth TOPO [CHANGE…]`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-i18n.h"
#include "rw-safety.h"

#include <stdio.h>

static gboolean
check_headroom (double h, int *status)
{
  if (!(h > 0 && h <= 1.0))
    {
      *status = rw_cli_bad_input (_("--headroom: %g is not in (0, 1]"), h);
      return FALSE;
    }
  return TRUE;
}

void rw_cli_print_verdict (const RwVerdict *v);

void
rw_cli_print_verdict (const RwVerdict *v)
{
  if (v->unknown)
    printf (_("UNKNOWN (treated as unsafe): %s\n"), v->unknown_reason);
  else if (v->safe)
    printf ("%s\n", _("SAFE"));
  else
    printf ("%s\n", _("UNSAFE"));
  for (guint i = 0; i < v->violations->len; i++)
    {
      RwViolation *x = v->violations->pdata[i];
      printf ("  - %s [%s: %s]\n", x->message, x->rule, x->entity);
    }
  if (v->cex_failed)
    printf (_("  counterexample: %s\n"), v->cex_message);
  printf (g_dngettext (GETTEXT_PACKAGE, "  (%u Z3 check, %.2f s)\n", "  (%u Z3 checks, %.2f s)\n", v->checks), v->checks,
          v->seconds);
}

int
rw_cli_verify (int argc, char **argv)
{
  gboolean json = FALSE;
  gint k = 1;
  double headroom = 0.9;
  gint timeout_s = 20;
  GOptionEntry entries[] = {
    { "k", 'k', 0, G_OPTION_ARG_INT, &k, N_("Failures of links/sessions the result must survive (default 1)"), "N" },
    { "headroom", 0, 0, G_OPTION_ARG_DOUBLE, &headroom, N_("Utilisation limit per link direction (default 0.9)"), "H" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Seconds per Z3 check (default 20); a timeout is unsafe"), "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the verdict as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("TOPO [CHANGE…] — prove with Z3 that changes are safe"));
  g_autoptr(RwTwin) twin = NULL;
  g_autoptr(RwVerdict) v = NULL;
  g_autoptr(GError) error = NULL;
  RwSafetyParams p;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx,
    N_("Checks the state after the changes against the guard rules (LOCAL_PREF range, prepend limit,\n"
    "MED range, protected communities, reachability, loops, headroom, SLAs) and that it survives any\n"
    "K failed links or sessions. Exit status: 0 safe, 1 unsafe or unknown, 2 bad input."));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc < 2)
    return rw_cli_bad_input (_("verify needs a topology file (see --help)"));
  if (k < 0 || k > 4)
    return rw_cli_bad_input (_("--k: %d is not between 0 and 4"), k);
  if (timeout_s < 1)
    return rw_cli_bad_input (_("--timeout: must be at least 1 second"));
  if (!check_headroom (headroom, &status) || (twin = rw_cli_load_twin (argv[1], &status)) == NULL)
    return status;
  rw_safety_params_init (&p);
  p.k = (guint) k;
  p.headroom = headroom;
  p.timeout_ms = (guint) timeout_s * 1000;
  v = rw_safety_verify (twin, (const char *const *) &argv[2], &p, &error);
  rw_safety_params_clear (&p);
  if (v == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if (json)
    {
      g_autoptr(JsonNode) doc = rw_verdict_to_json (v);
      rw_cli_print_json (doc);
    }
  else
    rw_cli_print_verdict (v);
  return v->safe ? RW_EXIT_OK : RW_EXIT_FINDING;
}

int
rw_cli_synth (int argc, char **argv)
{
  gboolean json = FALSE;
  double headroom = 0.9;
  gint timeout_s = 60;
  gint k = 0, budget = RW_SYNTH_DEFAULT_BUDGET;
  GOptionEntry entries[] = {
    { "k", 'k', 0, G_OPTION_ARG_INT, &k, N_("Failures of links/sessions the proven change set must survive (default 0)"), "N" },
    { "budget", 0, 0, G_OPTION_ARG_INT, &budget, N_("Candidate change sets to try on the twin (default 1500)"), "N" },
    { "headroom", 0, 0, G_OPTION_ARG_DOUBLE, &headroom, N_("Utilisation limit per link direction (default 0.9)"), "H" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Seconds for Z3 (default 60)"), "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("TOPO [CHANGE…] — find the smallest policy change that fixes the network"));
  g_autoptr(RwTwin) base = NULL;
  g_autoptr(RwTwin) twin = NULL;
  g_autoptr(RwSynthResult) r = NULL;
  g_autoptr(GError) error = NULL;
  RwSafetyParams p;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx,
    N_("Optional CHANGEs describe the state to fix (e.g. demand:ID:MBPS, link-down:LINK).\n"
    "Candidate change sets are tried on the twin, smallest first: LOCAL_PREF (import at the edge)\n"
    "and prepend (export) changes, each for one prefix whose traffic is in trouble. Of the sets\n"
    "that keep every link direction under the headroom and every SLA met, the best (fewest\n"
    "changes, then the lowest peak utilisation, then the smallest deviation) is proven with Z3 as\n"
    "by verify --k K. The budget is a count, so the answer is the same on any machine.\n"
    "Exit status: 0 a proven change set (or none needed), 1 none found or proven, 2 bad input."));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc < 2)
    return rw_cli_bad_input (_("synth needs a topology file (see --help)"));
  if (timeout_s < 1)
    return rw_cli_bad_input (_("--timeout: must be at least 1 second"));
  if (k < 0 || k > 4)
    return rw_cli_bad_input (_("--k: %d is not between 0 and 4"), k);
  if (budget < 1)
    return rw_cli_bad_input (_("--budget: must be at least 1"));
  if (!check_headroom (headroom, &status) || (base = rw_cli_load_twin (argv[1], &status)) == NULL)
    return status;
  if ((twin = rw_twin_fork_apply (base, (const char *const *) &argv[2], &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  rw_safety_params_init (&p);
  p.headroom = headroom;
  p.timeout_ms = (guint) timeout_s * 1000;
  p.k = (guint) k;
  p.synth_budget = (guint) budget;
  r = rw_safety_synthesise (twin, &p);
  rw_safety_params_clear (&p);
  if (json)
    {
      g_autoptr(JsonNode) doc = rw_synth_result_to_json (r);
      rw_cli_print_json (doc);
    }
  else if (r->found)
    {
      /* Translators: a heading or the reason no change is needed, seconds, number of candidates */
      printf (g_dngettext (GETTEXT_PACKAGE, "%s (%.2f s, %u candidate tried)\n", "%s (%.2f s, %u candidates tried)\n",
                           r->evaluated),
              r->changes->len ? _("Smallest change set, confirmed by the twin and proven by Z3:") : r->reason, r->seconds,
              r->evaluated);
      for (guint i = 0; i < r->changes->len; i++)
        printf ("  %s\n", (char *) r->changes->pdata[i]);
      printf (_("max utilisation %.0f %% -> %.0f %% (limit %.0f %%)\n"), 100 * r->max_util_before, 100 * r->max_util_after,
              100 * headroom);
    }
  else
    printf ("%s: %s\n", r->unknown ? _("UNKNOWN") : _("No safe change set"), r->reason);
  return r->found ? RW_EXIT_OK : RW_EXIT_FINDING;
}
