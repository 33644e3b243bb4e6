/* rw-render.h — DOT for every view, laid out and rendered by Graphviz.
 * Graphviz is not thread-safe: every gvc/cgraph call in Routewise goes through this file,
 * under one lock.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-twin.h"

G_BEGIN_DECLS

#define RW_RENDER_ERROR (rw_render_error_quark ())
GQuark rw_render_error_quark (void);

typedef enum { RW_VIEW_TOPOLOGY, RW_VIEW_PATHS } RwView;

gboolean rw_view_parse (const char *text, RwView *out);

/* DOT text (rw-dot.c). @demand_id highlights one demand's path (NULL = none). */
char *rw_dot_topology (const RwTwin *twin, const char *demand_id);
/* Forwarding path of a demand plus, at every router on it, the best and backup routes. */
char *rw_dot_paths (const RwTwin *twin, const char *demand_id, GError **error);

/* Lays out @dot with @engine ("dot", "neato"…) and renders it to @format ("svg", "png", "dot",
 * "plain"…). Returns the bytes. */
GBytes *rw_render_dot (const char *dot, const char *engine, const char *format, GError **error);
/* Renders to a file; the format comes from the extension (.svg, .png, .dot, .gv). Atomic. */
gboolean rw_render_to_file (const char *dot, const char *engine, const char *file, GError **error);

/* Releases Graphviz's context at the end of a program. */
void rw_render_shutdown (void);

G_END_DECLS
