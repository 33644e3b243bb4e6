/* fuzz-topology.c — libFuzzer target for the topology v1 loader (DESIGN.md sections 10, 12).
 * Any input must either load or fail with a GError whose message names the source; whatever
 * loads must save, and what was saved must load again and save to the same bytes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-topology.h"

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
  fprintf (stderr, "fuzz-topology: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *buf;
  GError *error = NULL;
  RwTopology *t;

  if (size > G_MAXSSIZE - 1)
    return 0;
  buf = g_malloc (size + 1);
  memcpy (buf, data, size);
  buf[size] = '\0';

  t = rw_topology_load_data (buf, (gssize) size, SOURCE, &error);
  if (t == NULL)
    {
      if (error == NULL)
        die ("load failed without setting a GError", NULL);
      if (!g_str_has_prefix (error->message, SOURCE ": "))
        die ("error message does not start with the source name", error->message);
      g_error_free (error);
    }
  else
    {
      RwTopology *again;
      char *s1, *s2;
      gsize len1 = 0, len2 = 0;

      if (error != NULL)
        die ("load succeeded but set a GError", error->message);
      s1 = rw_topology_to_data (t, &len1);
      again = rw_topology_load_data (s1, (gssize) len1, "saved", &error);
      if (again == NULL)
        {
          fprintf (stderr, "fuzz-topology: saved topology:\n%s\n", s1);
          die ("reloading what was saved failed", error ? error->message : "(no GError)");
        }
      s2 = rw_topology_to_data (again, &len2);
      if (len1 != len2 || memcmp (s1, s2, len1) != 0)
        {
          fprintf (stderr, "fuzz-topology: first save:\n%s\nsecond save:\n%s\n", s1, s2);
          die ("save -> load -> save is not byte-identical", NULL);
        }
      g_free (s1);
      g_free (s2);
      rw_topology_free (again);
      rw_topology_free (t);
    }
  g_free (buf);
  return 0;
}
