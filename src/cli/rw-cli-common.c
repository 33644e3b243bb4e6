/* rw-cli-common.c — option parsing, errors and output shared by the subcommands.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-i18n.h"
#include "rw-twin.h"
#include "rw-frr-import.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

int
rw_cli_bad_input (const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  fprintf (stderr, "routewise-cli: %s\n", msg);
  return RW_EXIT_BAD_INPUT;
}

int
rw_cli_parse (GOptionContext *ctx, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;
  /* the summary, description and parameter string come from the same catalog as the entries */
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    return rw_cli_bad_input (_("%s (see --help)"), error->message);
  return RW_EXIT_OK;
}

void
rw_cli_print_json (JsonNode *node)
{
  g_autofree char *s = rw_json_node_to_string (node, TRUE);
  fputs (s, stdout);
  fputc ('\n', stdout);
}

RwTwin *
rw_cli_load_twin (const char *path, int *status)
{
  g_autoptr(GError) error = NULL;
  /* a topology, a Containerlab lab or FRR configurations (DESIGN.md 10b) */
  RwTopology *topo = rw_frr_import_any (path, NULL, &error);
  if (topo == NULL)
    {
      *status = rw_cli_bad_input ("%s", error->message);
      return NULL;
    }
  if (topo->import_warnings->len > 0)
    fprintf (stderr, _("%s: %u import warnings (routewise-cli import %s shows them)\n"), path,
             topo->import_warnings->len, path);
  return rw_twin_new (topo);
}
