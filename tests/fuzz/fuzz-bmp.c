/* fuzz-bmp.c — libFuzzer target for the BMP parser (RFC 7854, src/lab/rw-bmp.c). The input is
 * the byte stream of one router. Fed whole and fed in small pieces it must give the same
 * events and the same outcome: either every message read, or a GError "byte N: …" with N inside
 * the input, after which the parser takes nothing more. Never a crash, never a read past the
 * buffer, never a prefix longer than 32.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-bmp.h"

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
  fprintf (stderr, "fuzz-bmp: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  abort ();
}

static void
check_prefixes (const GArray *prefixes)
{
  for (guint i = 0; i < prefixes->len; i++)
    {
      const RwBmpPrefix *p = &g_array_index (prefixes, RwBmpPrefix, i);
      if (p->length > 32)
        die ("a prefix longer than 32", NULL);
      if (p->length < 32 && (p->address & (G_MAXUINT32 >> p->length)) != 0)
        die ("a prefix with host bits set", NULL);
    }
}

/* What every event must be; a copy of it must free cleanly. */
static void
check_event (const RwBmpEvent *ev, size_t size)
{
  RwBmpEvent *copy;
  if (ev->offset >= size)
    die ("an event starts past the input", NULL);
  if (ev->kind == RW_BMP_EVENT_ROUTE_MONITORING)
    {
      char *path = rw_bmp_as_path_to_string (ev->route.as_path);
      check_prefixes (ev->route.withdrawn);
      check_prefixes (ev->route.announced);
      g_free (path);
    }
  copy = rw_bmp_event_copy (ev);
  rw_bmp_event_free (copy);
}

/* Feeds @data in pieces of 1, 2, 3… bytes (0: at once); returns the error message, NULL when
 * every byte was taken. */
static char *
feed (const uint8_t *data, size_t size, gboolean pieces, GPtrArray *events)
{
  RwBmpParser *p = rw_bmp_parser_new ();
  GError *error = NULL;
  char *message = NULL;
  size_t at = 0;
  gsize piece = 1;
  while (at < size)
    {
      gsize n = pieces ? MIN (piece, size - at) : size;
      if (!rw_bmp_parser_feed (p, data + at, n, events, &error))
        break;
      at += n;
      piece = piece % 7 + 1;
    }
  if (error != NULL)
    {
      if (error->domain != RW_BMP_ERROR || error->code != RW_BMP_ERROR_MALFORMED)
        die ("feed failed with another error", error->message);
      if (!g_str_has_prefix (error->message, "byte "))
        die ("the message does not name the byte", error->message);
      if (g_ascii_strtoull (error->message + 5, NULL, 10) > size)
        die ("the message names a byte past the input", error->message);
      message = g_strdup (error->message);
      g_clear_error (&error);
      if (rw_bmp_parser_feed (p, data, size, events, &error) || error == NULL || error->code != RW_BMP_ERROR_STOPPED)
        die ("input after an error was taken", NULL);
      g_clear_error (&error);
    }
  else if (at != size)
    die ("feed failed without setting a GError", NULL);
  else if (!rw_bmp_parser_finish (p, &error))
    {
      if (error == NULL || error->code != RW_BMP_ERROR_TRUNCATED || !g_str_has_prefix (error->message, "byte "))
        die ("finish failed without a truncation error", error ? error->message : NULL);
      g_clear_error (&error);
    }
  rw_bmp_parser_free (p);
  return message;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GPtrArray *whole = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_bmp_event_free);
  GPtrArray *split = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_bmp_event_free);
  char *whole_error = feed (data, size, FALSE, whole);
  char *split_error = feed (data, size, TRUE, split);

  if (g_strcmp0 (whole_error, split_error) != 0)
    die ("fed in pieces, another outcome", split_error ? split_error : whole_error);
  if (whole->len != split->len)
    die ("fed in pieces, another number of events", NULL);
  for (guint i = 0; i < whole->len; i++)
    {
      const RwBmpEvent *a = whole->pdata[i], *b = split->pdata[i];
      if (a->kind != b->kind || a->offset != b->offset)
        die ("fed in pieces, other events", NULL);
      check_event (a, size);
    }
  g_free (whole_error);
  g_free (split_error);
  g_ptr_array_unref (whole);
  g_ptr_array_unref (split);
  return 0;
}
