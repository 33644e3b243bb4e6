/* rw-paths-page.h — the Paths page: a demand picked from the network and the path it takes,
 * in words and as a picture.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "rw-twin.h"
#include "rw-views.h"

G_BEGIN_DECLS

#define RW_TYPE_PATHS_PAGE (rw_paths_page_get_type ())
G_DECLARE_FINAL_TYPE (RwPathsPage, rw_paths_page, RW, PATHS_PAGE, AdwBin)

/* Where the page draws its picture (the view "paths"). */
void rw_paths_page_set_views (RwPathsPage *page, RwViews *views);
/* The document's network: its demands are listed (the pick stays when it can). */
void rw_paths_page_set_topology (RwPathsPage *page, const RwTopology *topo);
/* The network shown (borrowed: the caller sets it again before it goes; NULL: none solved). */
void rw_paths_page_set_twin (RwPathsPage *page, const RwTwin *twin);
/* Draws the picked demand's path now. */
void rw_paths_page_refresh (RwPathsPage *page);
/* The network moved on: drawn now when the page is in sight, else when it is next shown. */
void rw_paths_page_invalidate (RwPathsPage *page);
/* Picks the first demand that starts at @node (nothing when none does). */
void rw_paths_page_select_demand_from (RwPathsPage *page, const char *node);
/* The demand picked (the "demand" property), or NULL. */
const char *rw_paths_page_get_demand (RwPathsPage *page);
const char *rw_paths_page_get_summary (RwPathsPage *page);

G_END_DECLS
