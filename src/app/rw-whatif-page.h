/* rw-whatif-page.h — the What If page: changes typed or picked from templates, simulated on a
 * fork of the network shown, with the blast radius, the figures and the FRR diff.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-twin.h"
#include "rw-views.h"

G_BEGIN_DECLS

#define RW_TYPE_WHATIF_PAGE (rw_whatif_page_get_type ())
G_DECLARE_FINAL_TYPE (RwWhatIfPage, rw_whatif_page, RW, WHATIF_PAGE, AdwBin)

/* Where the page draws its picture (the view "whatif"). */
void rw_whatif_page_set_views (RwWhatIfPage *page, RwViews *views);
/* Simulates @text (changes separated by spaces) on a fork of @twin and shows the result, or
 * the error with nothing of the last result. The entry shows @text. */
void rw_whatif_page_simulate (RwWhatIfPage *page, const RwTwin *twin, const char *text);
/* The changes of the last result shown, or NULL (the "has-changes" property says which). */
const char *const *rw_whatif_page_get_changes (RwWhatIfPage *page);
/* The change typed so far. */
const char *rw_whatif_page_get_text (RwWhatIfPage *page);
/* Puts @text in the entry and the focus on it (a template to fill in). */
void rw_whatif_page_edit (RwWhatIfPage *page, const char *text);
GtkEntry *rw_whatif_page_get_entry (RwWhatIfPage *page);

G_END_DECLS
