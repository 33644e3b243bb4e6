/* rw-cli-render.c — `render TOPO --view topology|paths|blast [--demand ID] [--change C]… -o FILE`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-i18n.h"
#include "rw-render.h"

#include <stdio.h>

int
rw_cli_render (int argc, char **argv)
{
  g_autofree char *view_name = NULL, *demand = NULL, *output = NULL;
  g_auto(GStrv) changes = NULL;
  GOptionEntry entries[] = {
    { "view", 0, 0, G_OPTION_ARG_STRING, &view_name, N_("topology (default), paths or blast"), "VIEW" },
    { "demand", 0, 0, G_OPTION_ARG_STRING, &demand, N_("Demand to highlight (topology) or trace (paths)"), "ID" },
    { "change", 0, 0, G_OPTION_ARG_STRING_ARRAY, &changes, N_("What-if change for the blast view (repeatable)"), "C" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Output file: .svg, .png or .dot"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("TOPO — draw a view of the solved network with Graphviz"));
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTwin) twin = NULL;
  g_autoptr(RwTwin) after = NULL;
  g_autofree char *dot = NULL;
  RwTopology *topo;
  RwView view = RW_VIEW_TOPOLOGY;
  gboolean ok;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return rw_cli_bad_input (_("render needs exactly one topology file (see --help)"));
  if (output == NULL)
    return rw_cli_bad_input (_("render needs -o FILE.svg|.png|.dot"));
  if (view_name && !rw_view_parse (view_name, &view))
    return rw_cli_bad_input (_("--view: '%s' is not 'topology' or 'paths' (or 'blast')"), view_name);
  if (view == RW_VIEW_PATHS && demand == NULL)
    return rw_cli_bad_input (_("--view paths needs --demand ID"));
  if (view == RW_VIEW_BLAST && changes == NULL)
    return rw_cli_bad_input (_("--view blast needs at least one --change C"));
  if (view != RW_VIEW_BLAST && changes != NULL)
    return rw_cli_bad_input (_("--change only applies to --view blast"));
  if ((topo = rw_topology_load_file (argv[1], &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  twin = rw_twin_new (topo);
  if (demand && rw_traffic_find_demand (twin->traffic, demand) < 0)
    return rw_cli_bad_input (_("--demand: %s has no demand '%s'"), argv[1], demand);
  if (view == RW_VIEW_TOPOLOGY)
    dot = rw_dot_topology (twin, demand);
  else if (view == RW_VIEW_BLAST)
    {
      g_autofree char *joined = g_strjoinv (", ", changes);
      g_autofree char *title = g_strdup_printf (_("what-if: %s"), joined);
      if ((after = rw_twin_fork_apply (twin, (const char *const *) changes, &error)) == NULL)
        return rw_cli_bad_input ("--change: %s", error->message);
      dot = rw_dot_blast_radius (twin, after, title);
    }
  else if ((dot = rw_dot_paths (twin, demand, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  ok = rw_render_to_file (dot, view == RW_VIEW_PATHS ? "dot" : "neato", output, &error);
  rw_render_shutdown ();
  if (!ok)
    return rw_cli_bad_input ("%s", error->message);
  printf (_("wrote %s\n"), output);
  return RW_EXIT_OK;
}
