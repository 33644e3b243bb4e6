/* rw-reasoning-page.h — the Reasoning page: the agent's hypotheses, each with its newest
 * evidence, in words and as a graph.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-runner.h"
#include "rw-views.h"

G_BEGIN_DECLS

#define RW_TYPE_REASONING_PAGE (rw_reasoning_page_get_type ())
G_DECLARE_FINAL_TYPE (RwReasoningPage, rw_reasoning_page, RW, REASONING_PAGE, AdwBin)

/* Where the page draws its graph (the view "hypotheses"). */
void rw_reasoning_page_set_views (RwReasoningPage *page, RwViews *views);
/* The run's newest snapshot (a reference is kept; NULL: no run) and its timeline (RwTimelineItem,
 * kept: the anomalies the graph shows are read from it). Drawn now when the page is in sight,
 * else when it is next shown. */
void rw_reasoning_page_set_run (RwReasoningPage *page, RwSnapshot *snapshot, GListModel *timeline);

G_END_DECLS
