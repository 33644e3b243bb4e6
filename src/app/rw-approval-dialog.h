/* rw-approval-dialog.h — asks the operator about a T2/T3 change: the prediction, the Z3 verdict,
 * the blast radius and the configuration diff; approve, reject, or modify and re-verify. A T2
 * request counts down and answers "timeout" (the agent then applies it) when nobody decides.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-runner.h"

G_BEGIN_DECLS

#define RW_TYPE_APPROVAL_DIALOG (rw_approval_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RwApprovalDialog, rw_approval_dialog, RW, APPROVAL_DIALOG, AdwMessageDialog)

/* @timeout_s: seconds before a T2 request answers itself (0: no timeout). The "answered"
 * signal carries the RwAnswer and, for MODIFY, the edited change. */
RwApprovalDialog *rw_approval_dialog_new (GtkWindow *parent, const RwApproval *request, guint timeout_s);
/* Where the blast-radius view of the proposal goes. */
GtkPicture *rw_approval_dialog_get_blast_picture (RwApprovalDialog *d);
guint rw_approval_dialog_get_remaining (RwApprovalDialog *d);
/* The change as shown in the editable entry. */
const char *rw_approval_dialog_get_change (RwApprovalDialog *d);
/* For tests and the window: answer as the operator would. */
void rw_approval_dialog_answer (RwApprovalDialog *d, RwAnswer answer, const char *modified);

G_END_DECLS
