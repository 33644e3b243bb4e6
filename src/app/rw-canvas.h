/* rw-canvas.h — the topology canvas: draws the network with live loads and lets the user edit
 * it (add, move, link, select, delete), zoom and pan. Input goes through controllers only, so
 * tests can drive it by emitting their signals.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "rw-document.h"

G_BEGIN_DECLS

typedef enum {
  RW_CANVAS_TOOL_SELECT,
  RW_CANVAS_TOOL_ROUTER,
  RW_CANVAS_TOOL_ISP,
  RW_CANVAS_TOOL_INTERNET,
  RW_CANVAS_TOOL_LINK,
} RwCanvasTool;

#define RW_TYPE_CANVAS (rw_canvas_get_type ())
G_DECLARE_FINAL_TYPE (RwCanvas, rw_canvas, RW, CANVAS, GtkWidget)

GtkWidget *rw_canvas_new (void);
void rw_canvas_set_document (RwCanvas *canvas, RwDocument *doc);
/* The twin whose loads are drawn (the document's, or the live one of a run); borrowed until
 * the next call. @observed_util (per link direction, may be NULL) overrides the loads. */
void rw_canvas_set_twin (RwCanvas *canvas, const RwTwin *twin, const double *observed_util);
void rw_canvas_set_tool (RwCanvas *canvas, RwCanvasTool tool);
RwCanvasTool rw_canvas_get_tool (RwCanvas *canvas);
/* The demand whose path is highlighted (NULL: none). */
void rw_canvas_set_demand (RwCanvas *canvas, const char *demand_id);

/* Selection: node and link ids. */
GPtrArray *rw_canvas_get_selected_nodes (RwCanvas *canvas);
GPtrArray *rw_canvas_get_selected_links (RwCanvas *canvas);
void rw_canvas_select (RwCanvas *canvas, const char *node_or_link, gboolean add);
void rw_canvas_clear_selection (RwCanvas *canvas);

/* View transform: widget = (model - origin) * zoom. */
double rw_canvas_get_zoom (RwCanvas *canvas);
void rw_canvas_zoom_at (RwCanvas *canvas, double factor, double wx, double wy);
void rw_canvas_fit (RwCanvas *canvas);
void rw_canvas_model_to_widget (RwCanvas *canvas, double mx, double my, double *wx, double *wy);
void rw_canvas_widget_to_model (RwCanvas *canvas, double wx, double wy, double *mx, double *my);
/* The size a node is drawn at, in model units: wide enough for its id and label inside its
 * shape, within limits. */
void rw_canvas_node_size (RwCanvas *canvas, const RwNode *node, double *width, double *height);
/* Where the last draw put the link labels (graphene_rect_t, model units; NULL before it). */
const GArray *rw_canvas_get_label_rects (RwCanvas *canvas);
/* What is under a widget point: a node id, a link id, or NULL. */
const char *rw_canvas_pick (RwCanvas *canvas, double wx, double wy, gboolean *is_link);

G_END_DECLS
