/* rw-approval-dialog.c — the operator's decision on a proposed change.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-approval-dialog.h"

#include <glib/gi18n.h>

struct _RwApprovalDialog {
  AdwMessageDialog parent_instance;
  GtkLabel *countdown_label;
  GtkGrid *facts;
  GtkLabel *verdict_label;
  GtkPicture *blast_picture;
  GtkTextView *diff_view;
  GtkEntry *change_entry;
  guint remaining;
  guint timer;
  gboolean answered;
};

G_DEFINE_FINAL_TYPE (RwApprovalDialog, rw_approval_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum { ANSWERED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
destroy_later (gpointer data)
{
  gtk_window_destroy (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

void
rw_approval_dialog_answer (RwApprovalDialog *d, RwAnswer answer, const char *modified)
{
  if (d->answered)
    return;
  d->answered = TRUE;
  g_clear_handle_id (&d->timer, g_source_remove);
  g_signal_emit (d, signals[ANSWERED], 0, (int) answer, modified);
  /* closed from the main loop: a dialog answered before it was mapped must not be torn down
   * in the middle of its own presentation */
  g_idle_add_full (G_PRIORITY_DEFAULT, destroy_later, g_object_ref (d), g_object_unref);
}

static void
show_remaining (RwApprovalDialog *d)
{
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Applies itself in %u second unless you decide",
                                                        "Applies itself in %u seconds unless you decide", d->remaining),
                                           d->remaining);
  gtk_label_set_text (d->countdown_label, text);
}

static gboolean
tick (gpointer data)
{
  RwApprovalDialog *d = data;
  if (d->remaining > 0)
    d->remaining--;
  if (d->remaining == 0)
    {
      d->timer = 0;
      rw_approval_dialog_answer (d, RW_ANSWER_TIMEOUT, NULL);
      return G_SOURCE_REMOVE;
    }
  show_remaining (d);
  return G_SOURCE_CONTINUE;
}

const char *
rw_approval_dialog_get_change (RwApprovalDialog *d)
{
  return gtk_editable_get_text (GTK_EDITABLE (d->change_entry));
}

guint
rw_approval_dialog_get_remaining (RwApprovalDialog *d)
{
  return d->remaining;
}

static void
on_response (AdwMessageDialog *dialog, const char *response, gpointer data)
{
  RwApprovalDialog *d = RW_APPROVAL_DIALOG (dialog);
  if (g_strcmp0 (response, "approve") == 0)
    rw_approval_dialog_answer (d, RW_ANSWER_APPROVE, NULL);
  else if (g_strcmp0 (response, "modify") == 0)
    rw_approval_dialog_answer (d, RW_ANSWER_MODIFY, gtk_editable_get_text (GTK_EDITABLE (d->change_entry)));
  else
    rw_approval_dialog_answer (d, RW_ANSWER_REJECT, NULL);
}

static void
fact (RwApprovalDialog *d, int row, const char *name, const char *value)
{
  GtkWidget *k = gtk_label_new (name), *v = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (k), 0);
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_label_set_wrap (GTK_LABEL (v), TRUE);
  gtk_widget_add_css_class (k, "dim-label");
  gtk_grid_attach (d->facts, k, 0, row, 1, 1);
  gtk_grid_attach (d->facts, v, 1, row, 1, 1);
}

GtkPicture *
rw_approval_dialog_get_blast_picture (RwApprovalDialog *d)
{
  return d->blast_picture;
}

static void
rw_approval_dialog_dispose (GObject *object)
{
  RwApprovalDialog *d = RW_APPROVAL_DIALOG (object);
  g_clear_handle_id (&d->timer, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_APPROVAL_DIALOG);
  G_OBJECT_CLASS (rw_approval_dialog_parent_class)->dispose (object);
}

static void
rw_approval_dialog_class_init (RwApprovalDialogClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_approval_dialog_dispose;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-approval-dialog.ui");
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, countdown_label);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, facts);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, verdict_label);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, blast_picture);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, diff_view);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, change_entry);
  /* the operator's answer: RwAnswer and, for a modification, the edited change */
  signals[ANSWERED] = g_signal_new ("answered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
rw_approval_dialog_init (RwApprovalDialog *d)
{
  gtk_widget_init_template (GTK_WIDGET (d));
  g_signal_connect (d, "response", G_CALLBACK (on_response), NULL);
}

RwApprovalDialog *
rw_approval_dialog_new (GtkWindow *parent, const RwApproval *r, guint timeout_s)
{
  RwApprovalDialog *d = g_object_new (RW_TYPE_APPROVAL_DIALOG, "transient-for", parent, NULL);
  g_autofree char *changes = g_strjoinv (" ", r->changes);
  g_autofree char *body = NULL, *hyp = NULL, *pred = NULL, *conf = NULL, *blast = NULL, *sla = NULL;
  const char *mode = r->mode == RW_MODE_SHADOW ? _("Shadow mode: the agent only proposes; your verdict trains it.")
                                               : _("The agent will apply this change only if you approve it.");
  body = g_strdup_printf (_("%s proposes %s.\n%s"), r->tier, changes, mode);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (d), body);
  hyp = g_strdup_printf ("%s %s — %s", r->hypothesis_kind, r->entity, r->explains ? r->explains : "");
  conf = g_strdup_printf ("%.0f %%", 100 * r->confidence);
  pred = g_strdup_printf (_("max utilisation %.0f %% → %.0f %%"), 100 * r->max_util_before, 100 * r->max_util_after);
  sla = g_strdup_printf (_("%u → %u demands missing their SLA"), r->sla_misses_before, r->sla_misses_after);
  blast = g_strdup_printf (_("%.1f %% of the traffic moves"), 100 * r->blast_radius);
  fact (d, 0, _("Hypothesis"), hyp);
  fact (d, 1, _("Confidence"), conf);
  fact (d, 2, _("Prediction"), pred);
  fact (d, 3, _("SLA"), sla);
  fact (d, 4, _("Blast radius"), blast);
  gtk_label_set_text (d->verdict_label, r->verdict ? r->verdict : _("Not verified: Z3 is switched off for this run."));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (d->diff_view), r->frr_diff ? r->frr_diff : "", -1);
  gtk_editable_set_text (GTK_EDITABLE (d->change_entry), r->changes[0] ? r->changes[0] : "");
  if (timeout_s > 0)
    {
      d->remaining = timeout_s;
      show_remaining (d);
      gtk_widget_set_visible (GTK_WIDGET (d->countdown_label), TRUE);
      d->timer = g_timeout_add_seconds (1, tick, d);
    }
  return d;
}
