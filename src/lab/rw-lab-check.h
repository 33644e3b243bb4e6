/* rw-lab-check.h — the drift report: the real routers of a lab against the twin of what the
 * lab runs now (DESIGN.md section 10b).
 *
 * Best paths: for every node and prefix, FRR's best path (`show bgp ipv4 unicast json`, its
 * neighbour mapped to a node by the address plan, its AS path) against the twin's best route
 * there. They agree when both exist with the same neighbour ("from", null when originated
 * locally) and the same AS path; a prefix best on one side only is a difference.
 * Forwarding: for every demand, the kernel's forwarding from the demand's source (`ip route get`
 * of the first address of its prefix, hop by hop through the namespaces) against the twin's
 * path and status (ok / loop / blackhole).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-lab.h"

G_BEGIN_DECLS

typedef enum { RW_LAB_DIFF_ROUTE, RW_LAB_DIFF_FORWARDING } RwLabDiffKind;

typedef struct {
  RwLabDiffKind kind;
  char *node;     /* the router; a demand's source */
  char *prefix;
  char *demand;   /* forwarding: the demand id; NULL otherwise */
  JsonNode *twin; /* route (as `simulate --json` writes it) or {path, status}; NULL = none */
  JsonNode *frr;  /* FRR's best path or the kernel's {path, status, reason}; NULL = none */
} RwLabDifference;

typedef struct {
  char *lab;
  guint best_agree, best_total;
  guint fwd_agree, fwd_total;
  GPtrArray *differences; /* RwLabDifference: routes in node order then prefix order, then demands */
  GHashTable *frr_best;   /* "NODE\nPREFIX" -> FRR's best route there (as in the differences) */
  GPtrArray *paths;       /* per demand of the twin's topology: the nodes (char*, a GPtrArray) the
                           * kernels forward it through, NULL when it does not arrive */
} RwLabCheck;

/* Reads every router of @lab; an error when a node cannot be read or the lab's topology does not
 * load (RW_LAB_ERROR_SYSTEM / _INPUT). */
RwLabCheck *rw_lab_check (const RwLab *lab, GError **error);
/* As rw_lab_check, against @twin (a topology the lab runs, changed or not) instead of the lab's
 * topology file. @ours_only reads and compares only the routers of ours: what an operator sees.
 * @frr_best: routes read already (rw_lab_read_best_routes), or NULL to read them now. */
RwLabCheck *rw_lab_check_twin (const RwLab *lab, const RwTwin *twin, gboolean ours_only, GHashTable *frr_best,
                               GError **error);
/* FRR's best routes ("NODE\nPREFIX" -> route, as in the differences; @frr_best above) of the nodes
 * of @topo (of ours only, with @ours_only). */
GHashTable *rw_lab_read_best_routes (const RwLab *lab, const RwTopology *topo, gboolean ours_only, GError **error);
void rw_lab_check_free (RwLabCheck *check);
/* {"lab", "best_paths": {"agree", "total"}, "forwarding": {"agree", "total"},
 *  "differences": [{"kind", "node", "prefix", ["demand",] "twin", "frr"}…]} */
JsonNode *rw_lab_check_to_json (const RwLabCheck *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwLabCheck, rw_lab_check_free)

G_END_DECLS
