/* rw-render.h — DOT for every view, laid out and rendered by Graphviz.
 * Graphviz is not thread-safe: every gvc/cgraph call in Routewise goes through this file,
 * under one lock.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-twin.h"

G_BEGIN_DECLS

#define RW_RENDER_ERROR (rw_render_error_quark ())
GQuark rw_render_error_quark (void);

typedef enum { RW_VIEW_TOPOLOGY, RW_VIEW_PATHS, RW_VIEW_BLAST } RwView;

gboolean rw_view_parse (const char *text, RwView *out);

/* DOT text (rw-dot.c). @demand_id highlights one demand's path (NULL = none). */
char *rw_dot_topology (const RwTwin *twin, const char *demand_id);
/* Forwarding path of a demand plus, at every router on it, the best and backup routes. */
char *rw_dot_paths (const RwTwin *twin, const char *demand_id, GError **error);

/* The blast radius of a what-if or proposed action: @after is @before with the change applied
 * (rw_twin_fork_apply). Every node and link is drawn at its topology position (lay out with
 * "neato", as the topology view). Routers whose best route changed, or that carry demands whose
 * path moved, are shaded by the Mb/s of moved demands whose old or new path crosses them; links
 * whose load changed are coloured (orange/red more load, blue less) and thickened by the delta
 * and labelled per direction ("→ +420 Mb/s (62 %→91 %)"); links down after the change are
 * dashed; the rest is grey. The title (@title, or the topology's name when NULL) carries the
 * numbers of rw_twin_diff: blast radius, moved Mb/s, SLA misses added/removed, max utilisation
 * before→after. Edges have id="link:ID" and nodes id="node:ID". */
char *rw_dot_blast_radius (const RwTwin *before, const RwTwin *after, const char *title);

/* Anomalies -> hypotheses -> actions, left to right (lay out with "dot"). Each argument may be
 * NULL or an empty array; unknown members are ignored, missing ones left out.
 *   @anomalies:  [{"metric": "utilisation", "entity": "R1→ISP-A", "value": 0.93,
 *                  "detectors": "threshold,ewma" or ["threshold", "ewma"]}]
 *                (the payload of the timeline's "anomaly" events)
 *   @hypotheses: [{"kind": "congestion", "entity": "R1-ISPA", "confidence": 0.8,
 *                  "explains": "…", "evidence": ["R1→ISP-A at 93 %", …],
 *                  "escalated": false, "handled": true}]
 *                (rw_agent_hypotheses_to_json)
 *   @actions:    [{"hypothesis": "congestion:R1-ISPA", "changes": ["med:R1:ISP-A:50", …],
 *                  "status": "applied|blocked|proposed|escalated|rolled_back", "tier": "T1"}]
 *                ("tier" may be a string or a number)
 * An evidence string is drawn as an edge from every anomaly whose entity (or, failing that,
 * metric) it mentions; evidence that mentions no anomaly becomes a node of its own. Hypotheses
 * show their confidence as a percentage and a bar, with pen width and colour saturation growing
 * with it. An action hangs off the hypothesis named "kind:entity" and is coloured by status:
 * applied green, blocked red, proposed grey, escalated orange, rolled_back purple. With no
 * anomalies the graph holds a note "No anomalies yet". */
char *rw_dot_hypotheses (JsonNode *anomalies, JsonNode *hypotheses, JsonNode *actions);

/* Lays out @dot with @engine ("dot", "neato"…) and renders it to @format ("svg", "png", "dot",
 * "plain"…). Returns the bytes. */
GBytes *rw_render_dot (const char *dot, const char *engine, const char *format, GError **error);
/* Renders to a file; the format comes from the extension (.svg, .png, .dot, .gv). Atomic. */
gboolean rw_render_to_file (const char *dot, const char *engine, const char *file, GError **error);

/* Releases Graphviz's context at the end of a program. */
void rw_render_shutdown (void);

G_END_DECLS
