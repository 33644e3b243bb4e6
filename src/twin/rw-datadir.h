/* rw-datadir.h — where Routewise finds its shipped data (topologies, scenarios, runbooks) and
 * its translations, installed or run from the build tree.
 *
 * The first of these that applies wins, once per process:
 *  1. $ROUTEWISE_DATADIR: a folder with the installed layout (topologies/, scenarios/,
 *     runbooks.json); translations from the configured locale dir.
 *  2. The program runs from the build tree (its /proc/self/exe is inside the build root):
 *     the source tree's layout (data/topologies/, scenarios/, data/runbooks.json) and the
 *     build tree's compiled catalogs (po/).
 *  3. A tree next to the program: <bindir>/../share/routewise exists (a DESTDIR tree, a
 *     relocated prefix, /app in a Flatpak), with <bindir>/../share/locale.
 *  4. The configured prefix: $prefix/share/routewise and $prefix/share/locale.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  RW_DATA_FROM_ENV,
  RW_DATA_FROM_SOURCE_TREE,
  RW_DATA_FROM_RELATIVE_PREFIX,
  RW_DATA_FROM_PREFIX,
} RwDataOrigin;

/* Which of the rules above applied (for diagnostics and tests). */
RwDataOrigin rw_data_origin (void);
const char *rw_data_origin_to_string (RwDataOrigin origin);

/* The folder holding the shipped data in the installed layout, or the source tree's data/
 * folder when uninstalled. Owned by the library, valid for the life of the process. */
const char *rw_datadir (void);

/* The folder with the compiled translations (LOCALEDIR or the build tree's po/). */
const char *rw_localedir (void);

/* Where a kind of data lives: "topologies" and "scenarios" are folders, "runbooks.json" is a
 * file. NULL for an unknown kind. The path need not exist. Free with g_free. */
char *rw_data_path (const char *kind);

/* The path of an existing data file: rw_data_find ("topologies", "enterprise.json"),
 * rw_data_find ("runbooks.json", NULL). NULL when the kind is unknown, @name is not a plain
 * file name, or no such file exists. Free with g_free. */
char *rw_data_find (const char *kind, const char *name);

G_END_DECLS
