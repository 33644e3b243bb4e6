/* fuzz-frr-import.c — libFuzzer target for the FRR configuration import (DESIGN.md 10b).
 * The input is up to four configurations separated by lines "=====" (nodes r1…r4). Any input
 * must either import or fail with a GError that names a configuration; whatever imports must be
 * a valid topology that saves and loads again.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-frr-import.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  fprintf (stderr, "fuzz-frr-import: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const names[] = { "r1", "r2", "r3", "r4" };
  char *buf;
  char **parts;
  guint n;
  GError *error = NULL;
  RwTopology *t;
  RwImportOptions opts;

  buf = g_malloc (size + 1);
  memcpy (buf, data, size);
  buf[size] = '\0';
  parts = g_strsplit (buf, "\n=====\n", 4);
  n = g_strv_length (parts);
  rw_import_options_init (&opts);
  opts.our_as = 65001; /* otherwise most small inputs stop at "which AS is ours" */
  t = rw_frr_import_texts (names, (const char *const *) parts, n, &opts, &error);
  if (t == NULL)
    {
      if (error == NULL)
        die ("import failed without setting a GError", NULL);
      g_error_free (error);
    }
  else
    {
      char *saved;
      gsize len = 0;
      RwTopology *again;
      if (error != NULL)
        die ("import succeeded but set a GError", error->message);
      saved = rw_topology_to_data (t, &len);
      again = rw_topology_load_data (saved, (gssize) len, "saved", &error);
      if (again == NULL)
        {
          fprintf (stderr, "%s\n", saved);
          die ("the imported topology does not load again", error ? error->message : NULL);
        }
      rw_topology_free (again);
      g_free (saved);
      rw_topology_free (t);
    }
  g_strfreev (parts);
  g_free (buf);
  return 0;
}
