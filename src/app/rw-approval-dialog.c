/* rw-approval-dialog.c — the operator's decision on a proposed change.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-approval-dialog.h"

#include <glib/gi18n.h>
#include "rw-frr.h"
#include "rw-safety.h"

struct _RwApprovalDialog {
  AdwWindow parent_instance;
  AdwWindowTitle *window_title;
  GtkLabel *body_label;
  GtkLabel *countdown_label;
  GtkGrid *facts;
  GtkLabel *verdict_label;
  GtkPicture *blast_picture;
  GtkTextView *diff_view;
  GtkEntry *change_entry;
  GtkButton *approve_button;
  GtkLabel *pred_value, *sla_value, *blast_value;
  guint remaining;
  guint timer;
  gboolean answered;
  /* the request */
  RwTwin *model;                 /* a fork the re-verification runs on; NULL: none sent */
  char *proposed;                /* the agent's change */
  double confidence, util_before;
  guint sla_before;
  /* Modify and Verify */
  GCancellable *cancellable;
  gboolean verifying;
  char *verified;                /* the operator's change whose result is shown */
  gboolean verified_safe;
  char *verification;            /* that result in words */
};

G_DEFINE_FINAL_TYPE (RwApprovalDialog, rw_approval_dialog, ADW_TYPE_WINDOW)

enum { ANSWERED, CHANGE_VERIFIED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
destroy_later (gpointer data)
{
  gtk_window_destroy (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
answer (RwApprovalDialog *d, RwAnswer ans, const char *modified, gboolean close)
{
  if (d->answered)
    return;
  d->answered = TRUE;
  g_clear_handle_id (&d->timer, g_source_remove);
  g_cancellable_cancel (d->cancellable);
  g_signal_emit (d, signals[ANSWERED], 0, (int) ans, modified);
  /* closed from the main loop: a dialog answered before it was mapped must not be torn down
   * in the middle of its own presentation */
  if (close)
    g_idle_add_full (G_PRIORITY_DEFAULT, destroy_later, g_object_ref (d), g_object_unref);
}

void
rw_approval_dialog_answer (RwApprovalDialog *d, RwAnswer ans, const char *modified)
{
  answer (d, ans, modified, TRUE);
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

const char *
rw_approval_dialog_get_verified_change (RwApprovalDialog *d)
{
  return d->verified && g_strcmp0 (d->verified, rw_approval_dialog_get_change (d)) == 0 ? d->verified : NULL;
}

const char *
rw_approval_dialog_get_verification (RwApprovalDialog *d)
{
  return d->verification ? d->verification : "";
}

guint
rw_approval_dialog_get_remaining (RwApprovalDialog *d)
{
  return d->remaining;
}

GtkPicture *
rw_approval_dialog_get_blast_picture (RwApprovalDialog *d)
{
  return d->blast_picture;
}

const RwTwin *
rw_approval_dialog_get_model (RwApprovalDialog *d)
{
  return d->model;
}

/* What the buttons mean now: the agent's proposal, an edit still to verify, or the operator's
 * verified change. */
static void
update_answers (RwApprovalDialog *d)
{
  GtkWidget *w = GTK_WIDGET (d);
  const char *text = rw_approval_dialog_get_change (d);
  const char *verified = rw_approval_dialog_get_verified_change (d);
  gboolean proposal = g_strcmp0 (text, d->proposed) == 0;
  gtk_widget_action_set_enabled (w, "approval.modify", !d->verifying && !proposal && verified == NULL && *text);
  gtk_widget_action_set_enabled (w, "approval.approve", !d->verifying && (proposal || (verified && d->verified_safe)));
  gtk_button_set_label (d->approve_button, verified ? _("_Apply Modified Change") : _("_Approve"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (d->approve_button),
                               proposal || verified ? NULL : _("Verify the edited change first, or put the proposal back"));
  adw_window_title_set_title (d->window_title, verified ? _("Apply Your Change?") : _("Approve This Change?"));
}

static void
on_change_edited (GtkEditable *e, RwApprovalDialog *d)
{
  update_answers (d);
}

static void action_modify (GtkWidget *w, const char *name, GVariant *param);

static void
on_change_activated (GtkEntry *e, RwApprovalDialog *d)
{
  if (g_strcmp0 (rw_approval_dialog_get_change (d), d->proposed) != 0 && rw_approval_dialog_get_verified_change (d) == NULL)
    action_modify (GTK_WIDGET (d), "approval.modify", NULL);
}

static void
action_approve (GtkWidget *w, const char *name, GVariant *param)
{
  RwApprovalDialog *d = RW_APPROVAL_DIALOG (w);
  const char *verified = rw_approval_dialog_get_verified_change (d);
  if (verified && d->verified_safe)
    {
      g_autofree char *change = g_strdup (verified);
      rw_approval_dialog_answer (d, RW_ANSWER_MODIFY, change);
    }
  else if (g_strcmp0 (rw_approval_dialog_get_change (d), d->proposed) == 0)
    rw_approval_dialog_answer (d, RW_ANSWER_APPROVE, NULL);
}

static void
action_reject (GtkWidget *w, const char *name, GVariant *param)
{
  rw_approval_dialog_answer (RW_APPROVAL_DIALOG (w), RW_ANSWER_REJECT, NULL);
}

/* ---- Modify and Verify: the operator's change, simulated and proved on a worker ---- */

typedef struct {
  RwTwin *model;
  char *change;
  double confidence;
  /* out */
  double blast, util_after;
  guint sla_after;
  gboolean safe;
  char *verdict, *frr_diff;
} VerifyJob;

static void
verify_job_free (VerifyJob *j)
{
  g_clear_pointer (&j->model, rw_twin_free);
  g_free (j->change);
  g_free (j->verdict);
  g_free (j->frr_diff);
  g_free (j);
}

static void
verify_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  VerifyJob *j = data;
  const char *changes[] = { j->change, NULL };
  GError *error = NULL;
  g_autoptr(RwTwin) after = rw_twin_fork_apply (j->model, changes, &error);
  g_autoptr(RwDiff) diff = NULL;
  g_autoptr(RwVerdict) v = NULL;
  RwGuardConfig cfg;
  RwSafetyParams p;
  if (after == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  diff = rw_twin_diff (j->model, after);
  j->blast = diff->blast_radius;
  j->util_after = after->traffic->max_utilisation;
  j->sla_after = after->traffic->n_sla_violations;
  j->frr_diff = rw_frr_changes_diff (j->model->topo, changes, NULL);
  /* as the agent proves its own candidates (it proves this one again before it acts) */
  rw_guard_config_init (&cfg);
  rw_safety_params_init (&p);
  p.k = 1;
  p.timeout_ms = cfg.z3_timeout_ms;
  p.confidence = j->confidence;
  p.min_confidence = cfg.t2_confidence;
  p.robust_relative_to = j->model;
  p.rules_relative = TRUE;
  p.stop_at_violation = TRUE;
  v = rw_safety_verify (j->model, changes, &p, &error);
  rw_safety_params_clear (&p);
  if (v == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  j->safe = v->safe;
  j->verdict = g_strdup_printf ("%s: %s%s%s", j->change, v->unknown ? _("no answer in time (unsafe)") : v->safe ? _("safe") : _("UNSAFE"),
                                v->violations->len || v->cex_message ? " — " : "",
                                v->violations->len ? ((RwViolation *) v->violations->pdata[0])->message
                                : v->cex_message  ? v->cex_message
                                                  : "");
  g_task_return_boolean (task, TRUE);
}

static void
verify_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RwApprovalDialog *d = RW_APPROVAL_DIALOG (source);
  VerifyJob *j = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *pred = NULL, *sla = NULL, *blast = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), &error) && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (d->answered)
    return;
  d->verifying = FALSE;
  g_free (d->verified);
  d->verified = g_strdup (j->change);
  g_free (d->verification);
  if (error)
    {
      d->verified_safe = FALSE;
      /* Translators: the operator's change, then why it cannot be applied */
      d->verification = g_strdup_printf (_("%s cannot be applied: %s"), j->change, error->message);
      gtk_label_set_text (d->verdict_label, d->verification);
    }
  else
    {
      d->verified_safe = j->safe;
      pred = g_strdup_printf (_("max utilisation %.0f %% → %.0f %%"), 100 * d->util_before, 100 * j->util_after);
      sla = g_strdup_printf (_("%u → %u demands missing their SLA"), d->sla_before, j->sla_after);
      blast = g_strdup_printf (_("%.1f %% of the traffic moves"), 100 * j->blast);
      gtk_label_set_text (d->pred_value, pred);
      gtk_label_set_text (d->sla_value, sla);
      gtk_label_set_text (d->blast_value, blast);
      gtk_label_set_text (d->verdict_label, j->verdict);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (d->diff_view), j->frr_diff ? j->frr_diff : "", -1);
      d->verification = j->safe
        /* Translators: the operator's change, blast radius, utilisation after, SLA misses after */
        ? g_strdup_printf (_("Re-verified %s: %.1f %% of the traffic moves, max utilisation %.0f %%, %u SLA misses, proven safe. Apply it?"),
                           j->change, 100 * j->blast, 100 * j->util_after, j->sla_after)
        : g_strdup_printf (_("Re-verified %s: not proven safe (%s). Edit it again or reject."), j->change, j->verdict);
      g_signal_emit (d, signals[CHANGE_VERIFIED], 0, j->change);
    }
  gtk_label_set_text (d->countdown_label, d->verification);
  update_answers (d);
}

static void
action_modify (GtkWidget *w, const char *name, GVariant *param)
{
  RwApprovalDialog *d = RW_APPROVAL_DIALOG (w);
  g_autofree char *change = g_strstrip (g_strdup (rw_approval_dialog_get_change (d)));
  g_autoptr(GTask) task = NULL;
  VerifyJob *j;
  if (d->answered || d->verifying || *change == '\0')
    return;
  /* the operator is deciding: the proposal no longer applies itself */
  g_clear_handle_id (&d->timer, g_source_remove);
  d->remaining = 0;
  if (d->model == NULL)
    {
      /* nothing to verify on here: the agent verifies it before it acts */
      rw_approval_dialog_answer (d, RW_ANSWER_MODIFY, change);
      return;
    }
  d->verifying = TRUE;
  {
    g_autofree char *text = g_strdup_printf (_("Simulating and proving %s…"), change);
    gtk_label_set_text (d->countdown_label, text);
  }
  update_answers (d);
  j = g_new0 (VerifyJob, 1);
  j->model = rw_twin_fork (d->model);
  j->change = g_steal_pointer (&change);
  j->confidence = d->confidence;
  task = g_task_new (d, d->cancellable, verify_done, NULL);
  g_task_set_task_data (task, j, (GDestroyNotify) verify_job_free);
  g_task_run_in_thread (task, verify_thread);
}

/* ---- GObject ---- */

static GtkLabel *
fact (RwApprovalDialog *d, int row, const char *name, const char *value)
{
  GtkWidget *k = gtk_label_new (name), *v = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (k), 0);
  gtk_label_set_yalign (GTK_LABEL (k), 0);
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_label_set_wrap (GTK_LABEL (v), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (v), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (v, TRUE);
  gtk_widget_add_css_class (k, "dim-label");
  gtk_grid_attach (d->facts, k, 0, row, 1, 1);
  gtk_grid_attach (d->facts, v, 1, row, 1, 1);
  return GTK_LABEL (v);
}

static gboolean
rw_approval_dialog_close_request (GtkWindow *window)
{
  /* closing is saying no; the window goes by itself */
  answer (RW_APPROVAL_DIALOG (window), RW_ANSWER_REJECT, NULL, FALSE);
  return GTK_WINDOW_CLASS (rw_approval_dialog_parent_class)->close_request (window);
}

static void
rw_approval_dialog_dispose (GObject *object)
{
  RwApprovalDialog *d = RW_APPROVAL_DIALOG (object);
  g_clear_handle_id (&d->timer, g_source_remove);
  g_cancellable_cancel (d->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_APPROVAL_DIALOG);
  G_OBJECT_CLASS (rw_approval_dialog_parent_class)->dispose (object);
}

static void
rw_approval_dialog_finalize (GObject *object)
{
  RwApprovalDialog *d = RW_APPROVAL_DIALOG (object);
  g_clear_pointer (&d->model, rw_twin_free);
  g_clear_object (&d->cancellable);
  g_free (d->proposed);
  g_free (d->verified);
  g_free (d->verification);
  G_OBJECT_CLASS (rw_approval_dialog_parent_class)->finalize (object);
}

static void
rw_approval_dialog_class_init (RwApprovalDialogClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_approval_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_approval_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = rw_approval_dialog_close_request;
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-approval-dialog.ui");
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, window_title);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, body_label);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, countdown_label);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, facts);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, verdict_label);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, blast_picture);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, diff_view);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, change_entry);
  gtk_widget_class_bind_template_child (wc, RwApprovalDialog, approve_button);
  gtk_widget_class_bind_template_callback (wc, on_change_edited);
  gtk_widget_class_bind_template_callback (wc, on_change_activated);
  gtk_widget_class_install_action (wc, "approval.approve", NULL, action_approve);
  gtk_widget_class_install_action (wc, "approval.reject", NULL, action_reject);
  gtk_widget_class_install_action (wc, "approval.modify", NULL, action_modify);
  gtk_widget_class_add_binding_action (wc, GDK_KEY_Escape, 0, "window.close", NULL);
  /* the operator's answer: RwAnswer and, for a modification, the edited change */
  signals[ANSWERED] = g_signal_new ("answered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
  /* the operator's change, simulated and proved, is on screen */
  signals[CHANGE_VERIFIED] = g_signal_new ("change-verified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
rw_approval_dialog_init (RwApprovalDialog *d)
{
  gtk_widget_init_template (GTK_WIDGET (d));
  d->cancellable = g_cancellable_new ();
}

/* Fits the parent's screen area: the facts scroll, the answers never leave it. */
static void
fit_to_parent (RwApprovalDialog *d, GtkWindow *parent)
{
  int pw = parent ? gtk_widget_get_width (GTK_WIDGET (parent)) : 0;
  int ph = parent ? gtk_widget_get_height (GTK_WIDGET (parent)) : 0;
  if (parent && (pw <= 0 || ph <= 0))
    gtk_window_get_default_size (parent, &pw, &ph);
  if (pw <= 0 || ph <= 0)
    return;
  gtk_window_set_default_size (GTK_WINDOW (d), CLAMP (pw - 48, 360, 860), CLAMP (ph - 48, 360, 760));
}

RwApprovalDialog *
rw_approval_dialog_new (GtkWindow *parent, const RwApproval *r, guint timeout_s)
{
  RwApprovalDialog *d = g_object_new (RW_TYPE_APPROVAL_DIALOG, "transient-for", parent, NULL);
  g_autofree char *changes = g_strjoinv (" ", r->changes);
  g_autofree char *body = NULL, *hyp = NULL, *pred = NULL, *conf = NULL, *blast = NULL, *sla = NULL;
  const char *mode = r->mode == RW_MODE_SHADOW ? _("Shadow mode: the agent only proposes; your verdict trains it.")
                                               : _("The agent will apply this change only if you approve it.");
  fit_to_parent (d, parent);
  d->model = r->model ? rw_twin_fork (r->model) : NULL;
  d->proposed = g_strdup (r->changes[0] ? r->changes[0] : "");
  d->confidence = r->confidence;
  d->util_before = r->max_util_before;
  d->sla_before = r->sla_misses_before;
  body = g_strdup_printf (_("%s proposes %s.\n%s"), r->tier, changes, mode);
  gtk_label_set_text (d->body_label, body);
  hyp = g_strdup_printf ("%s %s — %s", r->hypothesis_kind, r->entity, r->explains ? r->explains : "");
  conf = g_strdup_printf ("%.0f %%", 100 * r->confidence);
  pred = g_strdup_printf (_("max utilisation %.0f %% → %.0f %%"), 100 * r->max_util_before, 100 * r->max_util_after);
  sla = g_strdup_printf (_("%u → %u demands missing their SLA"), r->sla_misses_before, r->sla_misses_after);
  blast = g_strdup_printf (_("%.1f %% of the traffic moves"), 100 * r->blast_radius);
  fact (d, 0, _("Hypothesis"), hyp);
  fact (d, 1, _("Confidence"), conf);
  d->pred_value = fact (d, 2, _("Prediction"), pred);
  d->sla_value = fact (d, 3, _("SLA"), sla);
  d->blast_value = fact (d, 4, _("Blast radius"), blast);
  gtk_label_set_text (d->verdict_label, r->verdict ? r->verdict : _("Not verified: Z3 is switched off for this run."));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (d->diff_view), r->frr_diff ? r->frr_diff : "", -1);
  gtk_editable_set_text (GTK_EDITABLE (d->change_entry), d->proposed);
  if (timeout_s > 0)
    {
      d->remaining = timeout_s;
      show_remaining (d);
      d->timer = g_timeout_add_seconds (1, tick, d);
    }
  update_answers (d);
  /* the answer in reach from the keyboard, and no text selected on opening */
  gtk_window_set_default_widget (GTK_WINDOW (d), GTK_WIDGET (d->approve_button));
  gtk_window_set_focus (GTK_WINDOW (d), GTK_WIDGET (d->approve_button));
  return d;
}
