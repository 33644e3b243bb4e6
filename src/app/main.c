/* main.c — routewise, the desktop application.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <locale.h>
#include "rw-application.h"
#include "rw-render.h"

int rw_application_status (RwApplication *app);

int
main (int argc, char **argv)
{
  g_autoptr(RwApplication) app = NULL;
  int status;
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
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
