/* rw-proving-bar.c — the "Proving …" bar.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-proving-bar.h"

#include <adwaita.h>
#include <glib/gi18n.h>

struct _RwProvingBar {
  GtkWidget parent_instance;
  GtkRevealer *revealer;
  GtkSpinner *spinner;
  GtkLabel *title_label, *detail_label, *elapsed_label;
  RwRunner *runner;
  guint tick_id;              /* the elapsed time's once-a-second update */
  gboolean cancelling;        /* Cancel was pressed for the proof shown */
};

G_DEFINE_FINAL_TYPE (RwProvingBar, rw_proving_bar, GTK_TYPE_WIDGET)

static void
show_elapsed (RwProvingBar *bar)
{
  const RwProving *p = bar->runner ? rw_runner_get_proving (bar->runner) : NULL;
  g_autofree char *text = NULL;
  guint s;
  if (p == NULL)
    return;
  /* for the operator's eyes only: the proof's budget is Z3's resource count */
  s = (guint) ((g_get_monotonic_time () - p->started_us) / G_USEC_PER_SEC);
  text = g_strdup_printf (_("%u:%02u elapsed"), s / 60, s % 60);
  gtk_label_set_text (bar->elapsed_label, text);
}

static gboolean
on_second (gpointer data)
{
  show_elapsed (data);
  return G_SOURCE_CONTINUE;
}

static void
toast (RwProvingBar *bar, const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (bar), ADW_TYPE_TOAST_OVERLAY);
  if (overlay)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
on_proving (RwRunner *runner, const RwProving *p, RwProvingBar *bar)
{
  g_clear_handle_id (&bar->tick_id, g_source_remove);
  if (p == NULL)
    {
      if (bar->cancelling)
        toast (bar, _("Proof cancelled: nothing was applied and the run is paused"));
      bar->cancelling = FALSE;
      gtk_spinner_stop (bar->spinner);
      gtk_revealer_set_reveal_child (bar->revealer, FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (bar), "proving.cancel", FALSE);
      return;
    }
  {
    g_autofree char *changes = g_strjoinv (", ", p->changes);
    g_autofree char *title = p->synthesis ? g_strdup (_("Searching for the smallest safe change"))
                                          : g_strdup_printf (_("Proving %s"), changes);
    g_autofree char *detail = g_strdup_printf (_("Tick %u, for %s %s. The map shows the network at this tick; "
                                                 "nothing is applied before the proof ends."),
                                               p->tick, p->hypothesis_kind, p->entity);
    gtk_label_set_text (bar->title_label, title);
    gtk_label_set_text (bar->detail_label, detail);
  }
  bar->cancelling = FALSE;
  show_elapsed (bar);
  bar->tick_id = g_timeout_add (1000, on_second, bar);
  gtk_spinner_start (bar->spinner);
  gtk_revealer_set_reveal_child (bar->revealer, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (bar), "proving.cancel", TRUE);
}

static void
cancel_action (GtkWidget *w, const char *name, GVariant *param)
{
  RwProvingBar *bar = RW_PROVING_BAR (w);
  /* never waits: the worker's Z3 check is interrupted and the bar hides when the proof ends */
  if (bar->runner == NULL || !rw_runner_cancel_proof (bar->runner))
    return;
  bar->cancelling = TRUE;
  gtk_label_set_text (bar->detail_label, _("Cancelling the proof…"));
  gtk_widget_action_set_enabled (w, "proving.cancel", FALSE);
}

void
rw_proving_bar_set_runner (RwProvingBar *bar, RwRunner *runner)
{
  if (bar->runner)
    g_signal_handlers_disconnect_by_data (bar->runner, bar);
  g_set_object (&bar->runner, runner);
  if (runner)
    g_signal_connect (runner, "proving", G_CALLBACK (on_proving), bar);
  bar->cancelling = FALSE;
  on_proving (runner, runner ? rw_runner_get_proving (runner) : NULL, bar);
}

static void
rw_proving_bar_dispose (GObject *object)
{
  RwProvingBar *bar = RW_PROVING_BAR (object);
  g_clear_handle_id (&bar->tick_id, g_source_remove);
  if (bar->runner)
    g_signal_handlers_disconnect_by_data (bar->runner, bar);
  g_clear_object (&bar->runner);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_PROVING_BAR);
  G_OBJECT_CLASS (rw_proving_bar_parent_class)->dispose (object);
}

static void
rw_proving_bar_class_init (RwProvingBarClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_proving_bar_dispose;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-proving-bar.ui");
  gtk_widget_class_bind_template_child (wc, RwProvingBar, revealer);
  gtk_widget_class_bind_template_child (wc, RwProvingBar, spinner);
  gtk_widget_class_bind_template_child (wc, RwProvingBar, title_label);
  gtk_widget_class_bind_template_child (wc, RwProvingBar, detail_label);
  gtk_widget_class_bind_template_child (wc, RwProvingBar, elapsed_label);
  gtk_widget_class_install_action (wc, "proving.cancel", NULL, cancel_action);
  gtk_widget_class_set_layout_manager_type (wc, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (wc, "rwprovingbar");
}

static void
rw_proving_bar_init (RwProvingBar *bar)
{
  gtk_widget_init_template (GTK_WIDGET (bar));
  gtk_widget_action_set_enabled (GTK_WIDGET (bar), "proving.cancel", FALSE);
}
