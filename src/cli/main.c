/* main.c — routewise-cli, the headless front-end.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-datadir.h"
#include "rw-process.h"
#include "rw-i18n.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const struct {
  const char *name;
  RwCliCommand fn;
  const char *summary;
} commands[] = {
  { "simulate", rw_cli_simulate, N_("solve BGP and traffic for a topology (best routes, paths, loads, SLAs)") },
  { "whatif", rw_cli_whatif, N_("apply changes to a fork and show the diff and blast radius") },
  { "verify", rw_cli_verify, N_("prove with Z3 that changes keep the network safe, even after K failures") },
  { "synth", rw_cli_synth, N_("find the smallest LOCAL_PREF/prepend change that meets capacity and SLAs") },
  { "run", rw_cli_run, N_("run the agent on a scenario: timeline, audit chain, result") },
  { "harness", rw_cli_harness, N_("run scenarios and report SR, MTTD, MTTR, rollbacks, blocked and false actions") },
  { "train", rw_cli_train, N_("learn action priors over seeded variants of scenarios") },
  { "import", rw_cli_import, N_("a topology from FRR configurations or a Containerlab lab, with what it could not model") },
  { "export", rw_cli_export, N_("write a Containerlab lab (clab.yml, frr.conf and daemons per node) that runs on FRR") },
  { "lab", rw_cli_lab, N_("run a network as real FRR routers in network namespaces: up, down, status, exec, check") },
  { "config", rw_cli_config, N_("a router's FRR configuration, or the diff and rollback for changes") },
  { "incident", rw_cli_incident, N_("plain-words incident -> runbook, plan on the twin, ticket") },
  { "tickets", rw_cli_tickets, N_("list incident tickets") },
  { "keys", rw_cli_keys, N_("rotate the envelope signing key") },
  { "audit", rw_cli_audit, N_("verify or list the tamper-evident audit log of a database") },
  { "render", rw_cli_render, N_("draw the topology, a demand's paths or a what-if's blast radius with Graphviz (.svg, .png, .dot)") },
  { "bench", rw_cli_bench, N_("time a full solve and a what-if on a synthetic enterprise") },
};

static void
usage (FILE *out)
{
  fputs (_("Usage: routewise-cli COMMAND [OPTION…] [ARG…]\n\nCommands:\n"), out);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Each command has --help. Exit status: 0 ok, 1 finding, 2 bad input."));
}

int
main (int argc, char **argv)
{
  rw_process_prefer_huge_pages (argv);
  setlocale (LC_ALL, "");
  /* the build tree's catalogs when run from _build, the installed ones otherwise */
  bindtextdomain (GETTEXT_PACKAGE, rw_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("routewise-cli");
  if (argc < 2)
    {
      usage (stderr);
      return RW_EXIT_BAD_INPUT;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return RW_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        g_autofree char *prg = g_strdup_printf ("routewise-cli %s", commands[i].name);
        g_set_prgname (prg);
        return commands[i].fn (argc - 1, argv + 1);
      }
  fprintf (stderr, _("routewise-cli: unknown command '%s'\n\n"), argv[1]);
  usage (stderr);
  return RW_EXIT_BAD_INPUT;
}
