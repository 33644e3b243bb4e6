/* fuzz-clab.c — libFuzzer target for the Containerlab file reader (libyaml). Any input must
 * either give a lab whose every link joins two of its nodes, or fail with a GError that names
 * the file; never crash, never hang on aliases or deep nesting.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-clab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOURCE "/fuzz/lab.clab.yml"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void G_GNUC_NORETURN
die (const char *what, const char *detail)
{
  fprintf (stderr, "fuzz-clab: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  RwClab *lab = rw_clab_load_data ((const char *) data, size, SOURCE, &error);
  if (lab == NULL)
    {
      if (error == NULL)
        die ("load failed without setting a GError", NULL);
      if (!g_str_has_prefix (error->message, SOURCE ":"))
        die ("the message does not name the file", error->message);
      g_error_free (error);
      return 0;
    }
  if (error != NULL)
    die ("load succeeded but set a GError", error->message);
  for (guint i = 0; i < lab->links->len; i++)
    {
      const RwClabLink *l = lab->links->pdata[i];
      if (!rw_clab_find_node (lab, l->node[0]) || !rw_clab_find_node (lab, l->node[1]))
        die ("a link names a node the lab does not have", l->node[0]);
    }
  rw_clab_free (lab);
  return 0;
}
