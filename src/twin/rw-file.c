/* rw-file.c — reading the files a user names: regular files only, up to a size cap.
 * g_file_get_contents() blocks for ever on a FIFO and reads /dev/zero until memory runs out;
 * every loader reads through here instead.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-file.h"
#include "rw-types.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
file_type_name (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return "a device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "a special file";
}

/* "64 MiB", "1000 bytes": the same in every locale (g_format_size's spaces are not) */
static char *
size_text (gsize bytes)
{
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " MiB", bytes >> 20);
  if (bytes >= 1024 && bytes % 1024 == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " KiB", bytes >> 10);
  return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes", bytes);
}

static gboolean
too_big (const char *path, gsize max_bytes, GError **error)
{
  g_autofree char *cap = size_text (max_bytes);
  g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO, "%s: larger than %s, the most this file may hold", path, cap);
  return FALSE;
}

gboolean
rw_read_regular_file (const char *path, gsize max_bytes, char **data, gsize *len, GError **error)
{
  struct stat st;
  /* O_NONBLOCK: opening a FIFO without a writer would otherwise wait for one */
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  int err;
  GString *buf;

  *data = NULL;
  if (fd < 0)
    {
      err = errno;
      g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO, "%s: cannot read: %s", path, g_strerror (err));
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      err = errno;
      g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO, "%s: cannot read: %s", path, g_strerror (err));
      close (fd);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO, "%s: not a regular file (%s)", path,
                   file_type_name (st.st_mode));
      close (fd);
      return FALSE;
    }
  if ((guint64) st.st_size > max_bytes)
    {
      close (fd);
      return too_big (path, max_bytes, error);
    }
  /* the size is a hint: a file may grow while it is read, and some report none */
  buf = g_string_sized_new ((gsize) st.st_size + 1);
  for (;;)
    {
      char chunk[65536];
      gssize n = read (fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          err = errno;
          g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO, "%s: cannot read: %s", path, g_strerror (err));
          g_string_free (buf, TRUE);
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      if (buf->len + (gsize) n > max_bytes)
        {
          g_string_free (buf, TRUE);
          close (fd);
          return too_big (path, max_bytes, error);
        }
      g_string_append_len (buf, chunk, n);
    }
  close (fd);
  if (len)
    *len = buf->len;
  *data = g_string_free (buf, FALSE);
  return TRUE;
}
