/* rw-cli-audit.c — `audit verify DB [--json]` and `audit list DB [--run ID]`.
 * Both open the database read-only: verifying evidence never changes it, and a missing path is
 * bad input, never a new empty database.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-cli.h"
#include "rw-i18n.h"
#include "rw-store.h"

#include <stdio.h>
#include <string.h>

/* Declared here until rw-cli.h lists it with the other subcommands. */

static void
audit_usage (FILE *out)
{
  fputs (_("Usage: routewise-cli audit verify DB [--json] [--keys FILE]\n"
           "       routewise-cli audit list DB [--run ID]\n\n"
           "  verify  check the database structure and recompute every link of the audit chain;\n"
           "          names the first broken link. Exit status: 0 intact, 1 broken, 2 bad input.\n"
           "  list    print the events, one per line: seq, kind, actor, decision tag, short hash.\n"), out);
}

static RwStore *
open_db (const char *path, int *status)
{
  g_autoptr(GError) error = NULL;
  RwStore *s = rw_store_open_readonly (path, &error);
  if (s == NULL)
    *status = rw_cli_bad_input ("%s", error->message);
  return s;
}

static void
print_verify_json (const char *path, gboolean intact, gint64 head_seq, const char *head_hash, gint64 first_bad,
                   const char *problem, const char *note)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "intact");
  json_builder_add_boolean_value (b, intact);
  json_builder_set_member_name (b, "head_seq");
  if (head_hash)
    json_builder_add_int_value (b, head_seq);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "head_hash");
  if (head_hash)
    json_builder_add_string_value (b, head_hash);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "first_bad_seq");
  if (intact || first_bad <= 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, first_bad);
  json_builder_set_member_name (b, "problem");
  if (problem)
    json_builder_add_string_value (b, problem);
  else
    json_builder_add_null_value (b);
  /* null when every event is keyed; else which events predate keying */
  json_builder_set_member_name (b, "keying");
  if (note)
    json_builder_add_string_value (b, note);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  rw_cli_print_json (root);
}

static int
audit_verify (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *keys_path = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { "keys", 0, 0, G_OPTION_ARG_FILENAME, &keys_path,
      N_("Key file the chain is keyed with (default: ~/.config/routewise/keys.json)"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("DB — check that the audit chain is intact"));
  g_autoptr(RwStore) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *damage = NULL, *problem = NULL, *head_hash = NULL, *note = NULL;
  gint64 first_bad = 0, head_seq = 0;
  gboolean intact = FALSE, problem_names_file = FALSE;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx,
    N_("Runs SQLite's structural check, then recomputes every event's keyed hash (HMAC-SHA256 with\n"
    "the key file's key) and its link to the one before, compares the head with the signed\n"
    "checkpoint kept beside the key file, and checks the shadow verdicts and learning statistics\n"
    "against the chain. The database is opened read-only and never changed. Exit status: 0 intact,\n"
    "1 broken or damaged, 2 bad input (no such file, not a Routewise database, no key)."));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return rw_cli_bad_input (_("audit verify needs exactly one database file (see --help)"));

  /* A damaged Routewise database is an answer to "is the log intact?", not bad input. */
  if ((s = rw_store_open_with_keys (argv[1], keys_path, TRUE, &error)) == NULL)
    {
      if (!g_error_matches (error, RW_STORE_ERROR, RW_STORE_ERROR_CORRUPT))
        return rw_cli_bad_input ("%s", error->message);
      problem = g_strdup (error->message);
      problem_names_file = TRUE;
    }
  else if (!rw_store_check_integrity (s, &damage, &error))
    {
      if (error)
        return rw_cli_bad_input ("%s", error->message);
      problem = g_strdup_printf ("%s: the database file is damaged (%s)", argv[1], damage);
      problem_names_file = TRUE;
    }
  else if (!(intact = rw_store_verify_chain (s, &first_bad, &problem, &error)) && error)
    {
      if (!g_error_matches (error, RW_STORE_ERROR, RW_STORE_ERROR_CORRUPT))
        return rw_cli_bad_input ("%s", error->message);
      problem = g_strdup (error->message);
      problem_names_file = TRUE;
    }
  g_clear_error (&error);
  if (s && !rw_store_head (s, &head_seq, &head_hash, &error))
    {
      if (intact)
        return rw_cli_bad_input ("%s", error->message);
      g_clear_error (&error); /* already broken; the head is extra detail */
    }

  if (s && intact && (note = rw_store_keying_note (s, &error)) == NULL && error)
    return rw_cli_bad_input ("%s", error->message);

  if (json)
    print_verify_json (argv[1], intact, head_seq, head_hash, first_bad, problem, note);
  else if (intact)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, head_seq);
      /* Translators: the file, the number of events (already formatted), the head hash */
      printf (g_dngettext (GETTEXT_PACKAGE, "OK: %s: the audit chain of %s event is intact (head %.16s…)\n",
                           "OK: %s: the audit chain of %s events is intact (head %.16s…)\n", (gulong) head_seq),
              argv[1], count, head_hash);
      if (note)
        printf (_("Note: %s\n"), note);
    }
  else if (problem_names_file)
    printf (_("BROKEN: %s\n"), problem);
  else
    printf (_("BROKEN: %s: %s\n"), argv[1], problem);
  return intact ? RW_EXIT_OK : RW_EXIT_FINDING;
}

static int
audit_list (int argc, char **argv)
{
  gint64 run = -1;
  GOptionEntry entries[] = {
    { "run", 0, 0, G_OPTION_ARG_INT64, &run, N_("Only the events of this run"), "ID" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (N_("DB — print the audit events, one per line"));
  g_autoptr(RwStore) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (ctx, N_("Columns: seq, kind, actor, decision tag (- when none), the first 12 hex "
                                         "digits of the hash."));
  if ((status = rw_cli_parse (ctx, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return rw_cli_bad_input (_("audit list needs exactly one database file (see --help)"));
  if (run != -1 && run <= 0)
    return rw_cli_bad_input ("--run: %" G_GINT64_FORMAT " is not a run id (ids start at 1)", run);
  if ((s = open_db (argv[1], &status)) == NULL)
    return status;
  if (run > 0)
    {
      gboolean exists;
      if (!rw_store_run_exists (s, run, &exists, &error))
        return rw_cli_bad_input ("%s", error->message);
      if (!exists)
        return rw_cli_bad_input ("--run: %s has no run %" G_GINT64_FORMAT, argv[1], run);
    }
  if ((events = rw_store_events (s, run, &error)) == NULL)
    return rw_cli_bad_input ("%s", error->message);
  for (guint i = 0; i < events->len; i++)
    {
      RwAuditEvent *e = events->pdata[i];
      printf ("%6" G_GINT64_FORMAT "  %-18s %-12s %-14s %.12s\n", e->seq, e->kind, e->actor,
              e->decision_tag ? e->decision_tag : "-", e->hash ? e->hash : "");
    }
  return RW_EXIT_OK;
}

int
rw_cli_audit (int argc, char **argv)
{
  if (argc < 2)
    {
      audit_usage (stderr);
      return RW_EXIT_BAD_INPUT;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      audit_usage (stdout);
      return RW_EXIT_OK;
    }
  if (strcmp (argv[1], "verify") == 0 || strcmp (argv[1], "list") == 0)
    {
      g_autofree char *prg = g_strdup_printf ("%s %s", g_get_prgname () ? g_get_prgname () : "routewise-cli audit",
                                              argv[1]);
      g_set_prgname (prg);
      return argv[1][0] == 'v' ? audit_verify (argc - 1, argv + 1) : audit_list (argc - 1, argv + 1);
    }
  fprintf (stderr, _("routewise-cli: audit: unknown action '%s' (verify or list)\n\n"), argv[1]);
  audit_usage (stderr);
  return RW_EXIT_BAD_INPUT;
}
