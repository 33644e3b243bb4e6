/* rw-approval-dialog.h — asks the operator about a T2/T3 change: the prediction, the Z3 verdict,
 * the blast radius and the configuration diff; approve, reject, or modify and re-verify. A T2
 * request counts down and answers "timeout" (the agent then applies it) when nobody decides.
 * Modify and Verify simulates and proves the edited change on the agent's model, shows that
 * result and asks once more; only then does the operator's change go back to the agent.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-runner.h"

G_BEGIN_DECLS

#define RW_TYPE_APPROVAL_DIALOG (rw_approval_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RwApprovalDialog, rw_approval_dialog, RW, APPROVAL_DIALOG, AdwWindow)

/* @timeout_s: seconds before a T2 request answers itself (0: no timeout). The "answered"
 * signal carries the RwAnswer and, for MODIFY, the edited change; "change-verified" the
 * operator's change once its re-verification is shown (its blast radius can be drawn). */
RwApprovalDialog *rw_approval_dialog_new (GtkWindow *parent, const RwApproval *request, guint timeout_s);
/* Where the blast-radius view of the proposal goes. */
GtkPicture *rw_approval_dialog_get_blast_picture (RwApprovalDialog *d);
/* The network the request was computed on (NULL when the agent sent none). */
const RwTwin *rw_approval_dialog_get_model (RwApprovalDialog *d);
guint rw_approval_dialog_get_remaining (RwApprovalDialog *d);
/* The change as shown in the editable entry. */
const char *rw_approval_dialog_get_change (RwApprovalDialog *d);
/* The operator's change whose re-verification is on screen, waiting for a second answer; NULL
 * while none is (not modified yet, still verifying, or edited again since). */
const char *rw_approval_dialog_get_verified_change (RwApprovalDialog *d);
/* The re-verification's result as shown, "" before one. */
const char *rw_approval_dialog_get_verification (RwApprovalDialog *d);
/* For tests and the window: answer as the operator would. */
void rw_approval_dialog_answer (RwApprovalDialog *d, RwAnswer answer, const char *modified);

G_END_DECLS
