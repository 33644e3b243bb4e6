/* fuzz-runbooks.c — libFuzzer target for the runbook file loader (DESIGN.md section 5).
 * Any input must either load or fail with an RW_INTAKE_ERROR_INVALID whose message names the
 * source; whatever loads must hold what the loader promises (unique ids, a question for every
 * needed fact, plan templates that parse and validate), and retrieval's query builder must
 * cope with the vocabulary it brings.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-runbook.h"
#include "rw-plan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOURCE "fuzz-input"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  /* A g_critical/g_warning from GLib or json-glib is a bug too: make it a crash the fuzzer sees. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void G_GNUC_NORETURN
die (const char *what, const char *detail)
{
  fprintf (stderr, "fuzz-runbooks: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  abort ();
}

static void
check_loaded (const RwRunbookSet *set)
{
  /* typos, abbreviations, an entity and punctuation: every branch of the query builder */
  static const char *const texts[] = {
    "fibre cut on R2, users see slow pages; BGP nbr down since 10.0.0.0/8 went gone",
    "congestd uplnk max-prefix hit -- ISP-B flaps ... AS64496",
    "caf\xe9 \xff\xfe not UTF-8",
    "",
  };

  if (set->runbooks->len == 0)
    die ("a set without runbooks loaded", NULL);
  for (guint i = 0; i < set->runbooks->len; i++)
    {
      const RwRunbook *rb = set->runbooks->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(RwPlan) plan = NULL;
      if (rw_runbook_set_find (set, rb->id) != rb)
        die ("a runbook id is not unique", rb->id);
      for (guint k = 0; k < rb->needs->len; k++)
        if (!g_hash_table_contains (rb->questions, rb->needs->pdata[k]))
          die ("a needed fact has no question", rb->needs->pdata[k]);
      plan = rw_plan_from_json (rb->plan, "template", &error);
      if (plan == NULL || !rw_plan_validate (plan, NULL, &error))
        die ("a loaded plan template does not validate", error ? error->message : "(no GError)");
    }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_free (rw_runbook_match_expression (set, texts[i]));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *buf;
  GError *error = NULL;
  RwRunbookSet *set;

  if (size > G_MAXSSIZE - 1)
    return 0;
  buf = g_malloc (size + 1);
  memcpy (buf, data, size);
  buf[size] = '\0';

  set = rw_runbook_set_load_data (buf, (gssize) size, SOURCE, &error);
  if (set == NULL)
    {
      if (error == NULL)
        die ("load failed without setting a GError", NULL);
      if (!g_error_matches (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID))
        die ("load failed with another error than RW_INTAKE_ERROR_INVALID", error->message);
      if (!g_str_has_prefix (error->message, SOURCE ": "))
        die ("error message does not start with the source name", error->message);
      g_error_free (error);
    }
  else
    {
      if (error != NULL)
        die ("load succeeded but set a GError", error->message);
      check_loaded (set);
      rw_runbook_set_free (set);
    }
  g_free (buf);
  return 0;
}
