/* rw-proving-bar.h — the bar under the header while the agent proves a change: what is proved,
 * for how long, and a Cancel that stops Z3 without the window waiting for it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "rw-runner.h"

G_BEGIN_DECLS

#define RW_TYPE_PROVING_BAR (rw_proving_bar_get_type ())
G_DECLARE_FINAL_TYPE (RwProvingBar, rw_proving_bar, RW, PROVING_BAR, GtkWidget)

/* Follows @runner's proofs (NULL: none); shown only while one is under way. */
void rw_proving_bar_set_runner (RwProvingBar *bar, RwRunner *runner);

G_END_DECLS
