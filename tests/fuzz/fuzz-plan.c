/* fuzz-plan.c — libFuzzer target for what an LLM's answer goes through (DESIGN.md section 5):
 * parsing, the near-JSON repair step, then validation against the shipped network.
 * Any answer must either give a plan or fail with an RW_INTAKE_ERROR_INVALID that names the
 * answer; a plan must validate or be refused with RW_INTAKE_ERROR_PLAN; a valid plan must have
 * a complete dependency order and survive a JSON round trip unchanged (diff key "", TGED 0).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-llm.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOPOLOGY RW_SOURCE_DIR "/data/topologies/enterprise.json"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
die (const char *what, const char *detail)
{
  fprintf (stderr, "fuzz-plan: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  abort ();
}

/* the network plans are validated against, loaded once */
static RwTopology *topo;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  GError *error = NULL;
  (void) argc;
  (void) argv;
  /* A g_critical/g_warning from GLib or json-glib is a bug too: make it a crash the fuzzer sees. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  topo = rw_topology_load_file (TOPOLOGY, &error);
  if (topo == NULL)
    die ("cannot load " TOPOLOGY, error ? error->message : NULL);
  return 0;
}

static void
check_valid (const RwPlan *plan)
{
  g_autoptr(GArray) order = rw_plan_topological_order (plan);
  g_autoptr(JsonNode) json = rw_plan_to_json (plan);
  g_autoptr(RwPlan) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *diff = NULL;

  if (order == NULL || order->len != plan->tasks->len)
    die ("a valid plan has no complete dependency order", NULL);
  again = rw_plan_from_json (json, "saved", &error);
  if (again == NULL)
    die ("a valid plan does not read back", error->message);
  if (!rw_plan_validate (again, topo, &error))
    die ("a valid plan does not validate after a round trip", error->message);
  diff = rw_plan_diff_key (plan, again);
  if (*diff != '\0')
    die ("a round trip changed the plan", diff);
  if (rw_plan_tged (plan, again) != 0.0)
    die ("a round trip moved the TGED off 0", NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* the answer arrives as a C string (a JSON string's content): it ends at the first NUL */
  char *answer = g_strndup ((const char *) data, size);
  GError *error = NULL;
  gboolean repaired = FALSE;
  RwPlan *plan = rw_llm_plan_from_answer (answer, &repaired, &error);

  if (plan == NULL)
    {
      if (error == NULL)
        die ("no plan and no GError", NULL);
      if (!g_error_matches (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID))
        die ("parsing failed with another error than RW_INTAKE_ERROR_INVALID", error->message);
      if (!g_str_has_prefix (error->message, "LLM answer"))
        die ("error message does not name the answer", error->message);
      if (repaired)
        die ("no plan, yet the repair is said to have worked", NULL);
      g_error_free (error);
    }
  else
    {
      if (error != NULL)
        die ("a plan and a GError", error->message);
      if (rw_plan_validate (plan, topo, &error))
        check_valid (plan);
      else
        {
          if (!g_error_matches (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_PLAN))
            die ("validation failed with another error than RW_INTAKE_ERROR_PLAN", error ? error->message : NULL);
          g_error_free (error);
        }
      rw_plan_free (plan);
    }
  g_free (answer);
  return 0;
}
