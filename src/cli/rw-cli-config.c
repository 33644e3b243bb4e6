/* rw-cli-config.c — `config TOPO --router R [CHANGE…]`: a router's FRR configuration, or the
 * vtysh commands for a change and for its rollback.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-i18n.h"
#include "rw-frr.h"

#include <stdio.h>

/* Also declared in rw-cli.h once the command is wired into main.c; repeating it is harmless. */

/* The diff for one router (with its "! router R" heading, as in the whole-topology diff) or for
 * every router; NULL with @error. */
static char *
diff_for (const RwTopology *from, const RwTopology *to, const char *router, GError **error)
{
  g_autofree char *d = NULL;
  if (router == NULL)
    return rw_frr_topology_diff (from, to, error);
  if ((d = rw_frr_config_diff (from, to, router)) == NULL)
    {
      /* rw_frr_router_config says why the side that fails cannot be rendered. */
      g_autofree char *b = rw_frr_router_config (from, router, error);
      g_autofree char *a = b ? rw_frr_router_config (to, router, error) : NULL;
      if (b != NULL && a != NULL)
        g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNSUPPORTED, "%s: cannot render the change", router);
      return NULL;
    }
  return *d ? g_strdup_printf ("! router %s\n%s", router, d) : g_strdup ("");
}

static void
print_section (const char *text, const char *router)
{
  if (*text)
    fputs (text, stdout);
  else if (router)
    printf ("! no configuration change for %s\n", router);
  else
    printf ("! no configuration change\n");
}

int
rw_cli_config (int argc, char **argv)
{
  g_autofree char *router = NULL;
  GOptionEntry entries[] = {
    { "router", 'r', 0, G_OPTION_ARG_STRING, &router, N_("The router (node id) to configure"), "R" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("TOPO [CHANGE…] — FRR configuration of a router, or the "
                                                        "commands for a change and its rollback");
  g_autoptr(RwTopology) before = NULL;
  g_autoptr(RwTopology) after = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_change_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *forward = NULL;
  g_autofree char *rollback = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx,
    N_("Without changes, prints the running configuration of --router (frr 8.x vtysh syntax).\n"
    "With changes (as for whatif), prints the vtysh commands that apply them (configure terminal … end,\n"
    "then clear bgp … soft for the neighbours whose policies change) and, under \"! rollback\", the\n"
    "commands that undo them; --router limits both to that router.\n"
    "Exit status: 0 ok, 2 bad input (unknown router, bad topology or change)."));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc < 2)
    return rw_cli_bad_input (_("config needs a topology file (see --help)"));
  if (argc == 2 && router == NULL)
    return rw_cli_bad_input (_("config needs --router R to print a configuration (see --help)"));
  if ((before = rw_topology_load_file (argv[1], &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if (router != NULL && rw_topology_find_node (before, router) == NULL)
    return rw_cli_bad_input (_("%s: unknown router '%s'"), argv[1], router);

  if (argc == 2)
    {
      g_autofree char *text = rw_frr_router_config (before, router, &error);
      if (text == NULL)
        return rw_cli_bad_input ("%s: %s", argv[1], error->message);
      fputs (text, stdout);
      return RW_EXIT_OK;
    }

  for (int i = 2; i < argc; i++)
    {
      RwChange *c = rw_change_parse (argv[i], &error);
      if (c == NULL)
        return rw_cli_bad_input ("%s", error->message);
      g_ptr_array_add (changes, c);
    }
  if ((after = rw_topology_with_changes (before, changes, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  if ((forward = diff_for (before, after, router, &error)) == NULL ||
      (rollback = diff_for (after, before, router, &error)) == NULL)
    return rw_cli_bad_input ("%s: %s", argv[1], error->message);

  for (int i = 2; i < argc; i++)
    printf ("! change: %s\n", argv[i]);
  print_section (forward, router);
  printf ("! rollback\n");
  print_section (rollback, router);
  return RW_EXIT_OK;
}
