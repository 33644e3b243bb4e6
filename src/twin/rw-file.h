/* rw-file.h — reading the files a user names: regular files only, up to a size cap.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The most a JSON loader reads (topology, scenario, runbooks, incidents, demands): the shipped
 * enterprise network is 19 KB, so this leaves room for networks a thousand times larger. */
#define RW_JSON_FILE_MAX_BYTES ((gsize) 64 << 20)

/* Reads the whole of @path into *@data (NUL-terminated; *@len without the NUL, @len may be NULL).
 * Anything but a regular file is refused without blocking (a FIFO, a device, a directory), and so
 * is a file larger than @max_bytes. Errors are RW_TWIN_ERROR_IO and start with @path. */
gboolean rw_read_regular_file (const char *path, gsize max_bytes, char **data, gsize *len, GError **error);

G_END_DECLS
