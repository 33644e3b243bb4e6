/* rw-application.c — options (--topology, --scenario, --ticks, --screenshot, --quit, --db),
 * app actions (preferences, about, quit) and the scripted runs used for documentation
 * screenshots.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-application.h"

#include <glib/gi18n.h>
#include "rw-datadir.h"
#include "rw-preferences-window.h"
#include "rw-window.h"

struct _RwApplication {
  AdwApplication parent_instance;
  char *topology, *scenario, *screenshot, *db, *page;
  gint ticks;
  gboolean quit;
  RwWindow *scripted;      /* the window a scripted run waits on */
  gulong snapshot_id;
  int status;
};

G_DEFINE_FINAL_TYPE (RwApplication, rw_application, ADW_TYPE_APPLICATION)

static void
finish_script (RwApplication *app)
{
  g_autoptr(GError) error = NULL;
  if (app->screenshot && !rw_window_screenshot (app->scripted, app->screenshot, &error))
    {
      g_printerr ("routewise: %s\n", error->message);
      app->status = 1;
    }
  else if (app->screenshot)
    g_print (_("Saved %s\n"), app->screenshot);
  if (app->quit)
    g_application_quit (G_APPLICATION (app));
}

static gboolean
finish_later (gpointer data)
{
  RwApplication *app = data;
  /* let the views that render on workers land, then draw */
  finish_script (app);
  return G_SOURCE_REMOVE;
}

static void
on_scripted_snapshot (RwRunner *runner, RwSnapshot *s, RwApplication *app)
{
  if ((gint) s->tick < app->ticks && !s->finished)
    return;
  g_clear_signal_handler (&app->snapshot_id, runner);
  g_timeout_add (1500, finish_later, app);
}

static void
rw_application_activate (GApplication *gapp)
{
  RwApplication *app = RW_APPLICATION (gapp);
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));
  RwWindow *win;
  g_autoptr(GError) error = NULL;
  if (active)
    {
      gtk_window_present (active);
      return;
    }
  win = rw_window_new (ADW_APPLICATION (app));
  if (app->db)
    rw_window_set_db_path (win, app->db);
  if (app->topology == NULL)
    {
      /* the network opened last, else the default one that ships with Routewise */
      g_autoptr(GSettings) settings = g_settings_new ("io.github.routewise.Routewise");
      g_autofree char *last = g_settings_get_string (settings, "last-topology");
      if (last[0] && g_file_test (last, G_FILE_TEST_EXISTS))
        app->topology = g_steal_pointer (&last);
      else
        app->topology = rw_data_find ("topologies", "enterprise.json");
    }
  if (app->topology)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (app->topology);
      if (!rw_window_open_file (win, file, &error))
        {
          g_printerr ("routewise: %s\n", error->message);
          app->status = 2;
          g_clear_error (&error);
        }
    }
  if (app->scenario && !rw_window_load_scenario (win, app->scenario, &error))
    {
      g_printerr ("routewise: %s\n", error->message);
      app->status = 2;
      g_clear_error (&error);
    }
  else if (!app->scenario)
    rw_window_start_live_session (win);
  if (app->page)
    rw_window_show_page (win, app->page);
  gtk_window_present (GTK_WINDOW (win));
  app->scripted = win;
  if (app->ticks > 0 && rw_window_get_runner (win))
    {
      /* scripted: approvals as the scenario's operator would give them, then a screenshot */
      app->snapshot_id = g_signal_connect (rw_window_get_runner (win), "snapshot", G_CALLBACK (on_scripted_snapshot), app);
      rw_window_set_auto_answer (win, RW_ANSWER_APPROVE);
      rw_runner_set_interval (rw_window_get_runner (win), 1);
      rw_runner_play_until (rw_window_get_runner (win), app->ticks);
    }
  else if (app->screenshot || app->quit)
    g_timeout_add (1500, finish_later, app);
}

/* `routewise FILE…` and the file manager: the first file is the network (as --topology). */
static void
rw_application_open (GApplication *gapp, GFile **files, int n_files, const char *hint)
{
  RwApplication *app = RW_APPLICATION (gapp);
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (n_files < 1)
    return;
  if (n_files > 1)
    g_printerr (_("routewise: opening %s; one network at a time\n"), g_file_peek_path (files[0]) ? g_file_peek_path (files[0]) : "");
  if (active && RW_IS_WINDOW (active))
    {
      rw_window_open_file_interactive (RW_WINDOW (active), files[0]);
      gtk_window_present (active);
      return;
    }
  g_free (app->topology);
  app->topology = g_file_get_path (files[0]);
  if (app->topology == NULL)
    app->topology = g_file_get_uri (files[0]);
  rw_application_activate (gapp);
}

static int
rw_application_handle_local_options (GApplication *gapp, GVariantDict *options)
{
  RwApplication *app = RW_APPLICATION (gapp);
  if (app->screenshot && !g_str_has_suffix (app->screenshot, ".png"))
    {
      g_printerr (_("routewise: --screenshot needs a .png file name\n"));
      return 2;
    }
  if (app->page && !g_strv_contains ((const char *const[]) { "inspector", "paths", "whatif", "incident", "hypotheses", NULL }, app->page))
    {
      g_printerr (_("routewise: --page must be inspector, paths, whatif, incident or hypotheses\n"));
      return 2;
    }
  if (app->ticks < 0)
    {
      g_printerr (_("routewise: --ticks must not be negative\n"));
      return 2;
    }
  return -1;
}

static void
action_quit (GSimpleAction *a, GVariant *p, gpointer data)
{
  GtkApplication *app = data;
  GList *windows = gtk_application_get_windows (app);
  /* closing asks about unsaved changes; a window that was not asked closes */
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
}

static void
action_about (GSimpleAction *a, GVariant *p, gpointer data)
{
  GtkApplication *app = data;
  const char *developers[] = { "The Routewise developers", NULL };
  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Routewise"),
                         "application-icon", "io.github.routewise.Routewise",
                         "developer-name", _("The Routewise developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("A digital twin of your BGP edge with an operations agent that explains, proves and fixes"),
                         "website", "https://github.com/routewise/routewise",
                         "issue-url", "https://github.com/routewise/routewise/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
action_preferences (GSimpleAction *a, GVariant *p, gpointer data)
{
  GtkApplication *app = data;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.routewise.Routewise");
  GtkWidget *prefs = rw_preferences_window_new (gtk_application_get_active_window (app), settings);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
rw_application_startup (GApplication *gapp)
{
  static const GActionEntry entries[] = {
    { "quit", action_quit, NULL, NULL, NULL, { 0 } },
    { "about", action_about, NULL, NULL, NULL, { 0 } },
    { "preferences", action_preferences, NULL, NULL, NULL, { 0 } },
  };
  G_APPLICATION_CLASS (rw_application_parent_class)->startup (gapp);
  g_action_map_add_action_entries (G_ACTION_MAP (gapp), entries, G_N_ELEMENTS (entries), gapp);
  gtk_application_set_accels_for_action (GTK_APPLICATION (gapp), "app.quit", (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (gapp), "app.preferences", (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (gapp), "win.show-help-overlay", (const char *[]) { "<Control>question", NULL });
}

static void
rw_application_finalize (GObject *object)
{
  RwApplication *app = RW_APPLICATION (object);
  g_free (app->topology);
  g_free (app->scenario);
  g_free (app->screenshot);
  g_free (app->db);
  g_free (app->page);
  G_OBJECT_CLASS (rw_application_parent_class)->finalize (object);
}

static void
rw_application_class_init (RwApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rw_application_finalize;
  G_APPLICATION_CLASS (klass)->activate = rw_application_activate;
  G_APPLICATION_CLASS (klass)->open = rw_application_open;
  G_APPLICATION_CLASS (klass)->startup = rw_application_startup;
  G_APPLICATION_CLASS (klass)->handle_local_options = rw_application_handle_local_options;
}

static void
rw_application_init (RwApplication *app)
{
  const GOptionEntry options[] = {
    { "topology", 't', 0, G_OPTION_ARG_FILENAME, &app->topology, N_("Open this topology"), N_("FILE") },
    { "scenario", 's', 0, G_OPTION_ARG_FILENAME, &app->scenario, N_("Load this scenario for the agent"), N_("FILE") },
    { "ticks", 'n', 0, G_OPTION_ARG_INT, &app->ticks, N_("Run the agent this many ticks at full speed, approving as the scenario's operator"), N_("N") },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &app->screenshot, N_("Save a PNG of the window (after --ticks)"), N_("FILE.png") },
    { "quit", 'q', 0, G_OPTION_ARG_NONE, &app->quit, N_("Quit when done (after --ticks and --screenshot)"), NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &app->db, N_("Audit database of the runs"), N_("FILE") },
    { "page", 0, 0, G_OPTION_ARG_STRING, &app->page, N_("Side panel page to show: inspector, paths, whatif, incident or hypotheses"), N_("PAGE") },
    { NULL },
  };
  g_application_add_main_option_entries (G_APPLICATION (app), options);
  g_application_set_option_context_summary (G_APPLICATION (app),
                                            _("Draw or load your BGP edge, ask what-if, and let the agent explain and fix."));
}

RwApplication *
rw_application_new (void)
{
  /* NON_UNIQUE: scripted runs and tests start their own instance, no session bus needed */
  return g_object_new (RW_TYPE_APPLICATION, "application-id", "io.github.routewise.Routewise",
                       "flags", G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN, "resource-base-path", "/io/github/routewise/Routewise", NULL);
}

int rw_application_status (RwApplication *app);

int
rw_application_status (RwApplication *app)
{
  return app->status;
}
