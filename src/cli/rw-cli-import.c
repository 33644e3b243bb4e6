/* rw-cli-import.c — `import` (FRR configurations or a Containerlab lab -> topology JSON) and
 * `export clab` (topology -> a lab that runs on FRR 8.4).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-i18n.h"
#include "rw-clab.h"
#include "rw-frr-import.h"

#include <stdio.h>
#include <string.h>

int
rw_cli_import (int argc, char **argv)
{
  g_autofree char *format = NULL, *out = NULL, *demands = NULL;
  gint64 our_as = 0;
  double capacity = 0, latency = -1;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("clab (a .clab.yml) or frr (folders/files of FRR configurations); guessed when left out"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Write the topology JSON here (atomically) instead of standard output"), "OUT.json" },
    { "our-as", 0, 0, G_OPTION_ARG_INT64, &our_as, N_("The AS of our routers (default: the AS with the most routers)"), "ASN" },
    { "demands", 0, 0, G_OPTION_ARG_FILENAME, &demands, N_("A JSON file with \"demands\" and \"sla_classes\" for the imported network"), "FILE" },
    { "default-capacity", 0, 0, G_OPTION_ARG_DOUBLE, &capacity, N_("Capacity of links without 'bandwidth', Mbit/s (default 10000)"), "MBPS" },
    { "default-latency", 0, 0, G_OPTION_ARG_DOUBLE, &latency, N_("Propagation delay of every link, ms (default 1)"), "MS" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not print the warnings (they stay in the topology)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("LAB.clab.yml | DIR|FILE… — a Routewise topology from real configurations");
  g_autoptr(RwTopology) t = NULL;
  g_autoptr(GError) error = NULL;
  RwImportOptions opts;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (ctx, _("Reads the FRR subset the twin models (README, \"Importing FRR configurations\"); "
                                       "every line outside it is a warning with its file and line."));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != RW_EXIT_OK)
    return status;
  if (argc < 2)
    return rw_cli_bad_input (_("import: give a .clab.yml file, or folders or files of FRR configurations"));
  if (our_as < 0 || our_as > G_MAXUINT32)
    return rw_cli_bad_input (_("--our-as: %lld is not an AS number"), (long long) our_as);
  rw_import_options_init (&opts);
  opts.our_as = (guint32) our_as;
  opts.demands_file = demands;
  if (capacity != 0)
    {
      if (!(capacity >= RW_CAPACITY_MIN_MBPS && capacity <= RW_CAPACITY_MAX_MBPS))
        return rw_cli_bad_input (_("--default-capacity: must be between 0.001 and 1000000000 Mbit/s"));
      opts.default_capacity_mbps = capacity;
    }
  if (latency != -1)
    {
      if (!(latency >= 0 && latency <= RW_LATENCY_MAX_MS))
        return rw_cli_bad_input (_("--default-latency: must be between 0 and 1000000 ms"));
      opts.default_latency_ms = latency;
    }
  if (format == NULL)
    format = g_strdup (argc == 2 && rw_frr_source_kind (argv[1]) == RW_SOURCE_CLAB ? "clab" : "frr");
  if (strcmp (format, "clab") == 0)
    {
      if (argc != 2)
        return rw_cli_bad_input (_("import --format clab takes one .clab.yml file"));
      t = rw_frr_import_clab (argv[1], &opts, &error);
    }
  else if (strcmp (format, "frr") == 0)
    t = rw_frr_import_configs ((const char *const *) argv + 1, &opts, &error);
  else
    return rw_cli_bad_input (_("--format: '%s' is not clab or frr"), format);
  if (t == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if (!quiet)
    for (guint i = 0; i < t->import_warnings->len; i++)
      fprintf (stderr, _("warning: %s\n"), (const char *) t->import_warnings->pdata[i]);
  if (out != NULL)
    {
      if (!rw_topology_save_file (t, out, &error))
        return rw_cli_bad_input ("%s", error->message);
      fprintf (stderr, _("%s: %u nodes, %u links, %u sessions, %u policies, %u prefixes, %u demands; %u warnings\n"), out,
               t->nodes->len, t->links->len, t->sessions->len, t->policies->len, t->prefixes->len, t->demands->len,
               t->import_warnings->len);
    }
  else
    {
      g_autofree char *data = rw_topology_to_data (t, NULL);
      fputs (data, stdout);
    }
  return RW_EXIT_OK;
}

int
rw_cli_export (int argc, char **argv)
{
  g_autofree char *out = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The folder to write the lab into"), "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("clab TOPO -o DIR — a Containerlab lab that runs on FRR 8.4");
  g_autoptr(RwTopology) t = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != RW_EXIT_OK)
    return status;
  if (argc != 3 || strcmp (argv[1], "clab") != 0)
    return rw_cli_bad_input (_("usage: routewise-cli export clab TOPO -o DIR"));
  if (out == NULL)
    return rw_cli_bad_input (_("export clab: say where with -o DIR"));
  if ((t = rw_frr_import_any (argv[2], NULL, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if (!rw_clab_export (t, out, &path, &error))
    return rw_cli_bad_input ("%s", error->message);
  printf ("%s\n", path);
  return RW_EXIT_OK;
}
