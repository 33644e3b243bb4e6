/* main.c — routewise, the desktop application.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <locale.h>
#include "rw-application.h"
#include "rw-config.h"
#include "rw-datadir.h"
#include "rw-process.h"
#include "rw-render.h"

int rw_application_status (RwApplication *app);

int
main (int argc, char **argv)
{
  g_autoptr(RwApplication) app = NULL;
  int status;
  rw_process_prefer_huge_pages (argv);
  setlocale (LC_ALL, "");
  /* run from the build tree: its compiled schema, like its catalogs and data */
  if (rw_data_origin () == RW_DATA_FROM_SOURCE_TREE && g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    g_setenv ("GSETTINGS_SCHEMA_DIR", RW_BUILD_ROOT "/data", TRUE);
  bindtextdomain (GETTEXT_PACKAGE, rw_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  app = rw_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);
  if (status == 0)
    status = rw_application_status (app);
  g_clear_object (&app);
  rw_render_shutdown ();
  return status;
}
