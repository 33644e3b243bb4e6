/* rw-datadir.c — data and locale folders, installed or uninstalled (see rw-datadir.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-datadir.h"
#include "rw-config.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  RwDataOrigin origin;
  char *datadir;
  char *localedir;
} RwDataRoots;

/* The canonical path of the running program, or NULL where /proc is missing. */
static char *
self_exe (void)
{
  g_autofree char *link = g_file_read_link ("/proc/self/exe", NULL);
  char *real;
  if (link == NULL)
    return NULL;
  if ((real = realpath (link, NULL)) == NULL)
    return g_steal_pointer (&link);
  {
    char *copy = g_strdup (real);
    free (real);
    return copy;
  }
}

static gboolean
path_is_inside (const char *path, const char *dir)
{
  char *real = realpath (dir, NULL);
  gboolean inside = FALSE;
  if (real != NULL)
    {
      size_t n = strlen (real);
      inside = strncmp (path, real, n) == 0 && (path[n] == '/' || (n > 0 && real[n - 1] == '/'));
      free (real);
    }
  return inside;
}

static RwDataRoots *
find_roots (void)
{
  RwDataRoots *r = g_new0 (RwDataRoots, 1);
  const char *env = g_getenv ("ROUTEWISE_DATADIR");
  g_autofree char *exe = self_exe ();

  if (env != NULL && *env != '\0')
    {
      r->origin = RW_DATA_FROM_ENV;
      r->datadir = g_strdup (env);
      r->localedir = g_strdup (LOCALEDIR);
      return r;
    }
  if (exe != NULL && path_is_inside (exe, RW_BUILD_ROOT))
    {
      r->origin = RW_DATA_FROM_SOURCE_TREE;
      r->datadir = g_build_filename (RW_SOURCE_ROOT, "data", NULL);
      r->localedir = g_build_filename (RW_BUILD_ROOT, "po", NULL);
      return r;
    }
  if (exe != NULL)
    {
      g_autofree char *bindir = g_path_get_dirname (exe);
      g_autofree char *prefix = g_path_get_dirname (bindir);
      g_autofree char *data = g_build_filename (prefix, "share", "routewise", NULL);
      if (g_file_test (data, G_FILE_TEST_IS_DIR))
        {
          r->origin = RW_DATA_FROM_RELATIVE_PREFIX;
          r->datadir = g_steal_pointer (&data);
          r->localedir = g_build_filename (prefix, "share", "locale", NULL);
          return r;
        }
    }
  r->origin = RW_DATA_FROM_PREFIX;
  r->datadir = g_strdup (RW_PKGDATADIR);
  r->localedir = g_strdup (LOCALEDIR);
  return r;
}

/* Resolved once; the environment and the program's location do not change under us. */
static const RwDataRoots *
roots (void)
{
  static RwDataRoots *cached = NULL;
  if (g_once_init_enter (&cached))
    g_once_init_leave (&cached, find_roots ());
  return cached;
}

RwDataOrigin
rw_data_origin (void)
{
  return roots ()->origin;
}

const char *
rw_data_origin_to_string (RwDataOrigin origin)
{
  switch (origin)
    {
    case RW_DATA_FROM_ENV: return "environment";
    case RW_DATA_FROM_SOURCE_TREE: return "source-tree";
    case RW_DATA_FROM_RELATIVE_PREFIX: return "relative-prefix";
    case RW_DATA_FROM_PREFIX: return "prefix";
    }
  return "unknown";
}

const char *
rw_datadir (void)
{
  return roots ()->datadir;
}

const char *
rw_localedir (void)
{
  return roots ()->localedir;
}

char *
rw_data_path (const char *kind)
{
  const RwDataRoots *r = roots ();
  gboolean source = r->origin == RW_DATA_FROM_SOURCE_TREE;
  if (g_strcmp0 (kind, "topologies") == 0 || g_strcmp0 (kind, "runbooks.json") == 0)
    return g_build_filename (r->datadir, kind, NULL);
  if (g_strcmp0 (kind, "scenarios") == 0)
    /* the source tree keeps scenarios at the top level, beside data/ */
    return source ? g_build_filename (RW_SOURCE_ROOT, "scenarios", NULL) : g_build_filename (r->datadir, kind, NULL);
  return NULL;
}

char *
rw_data_find (const char *kind, const char *name)
{
  g_autofree char *base = rw_data_path (kind);
  g_autofree char *path = NULL;
  gboolean is_file_kind = g_strcmp0 (kind, "runbooks.json") == 0;
  if (base == NULL)
    return NULL;
  if (is_file_kind)
    path = g_steal_pointer (&base);
  else
    {
      /* a plain file name: nothing that climbs out of the data folder */
      if (name == NULL || *name == '\0' || strchr (name, '/') != NULL || strcmp (name, ".") == 0 ||
          strcmp (name, "..") == 0)
        return NULL;
      path = g_build_filename (base, name, NULL);
    }
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : NULL;
}
