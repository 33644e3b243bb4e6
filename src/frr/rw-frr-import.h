/* rw-frr-import.h — a topology from real configurations: a folder of FRR configurations or a
 * Containerlab lab whose nodes carry their frr.conf (DESIGN.md section 10b).
 *
 * The FRR subset read is what the twin models (README, "Importing FRR configurations"); every
 * line outside it becomes a warning "FILE:LINE: what: why", kept in topology->import_warnings,
 * never a silent drop. FRR's defaults are applied (ebgp-requires-policy, import-check, the
 * "frr defaults" profile). Errors (RW_FRR_ERROR_PARSE / _INVALID / _IO) name the file and line,
 * and nothing is returned half-built.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-frr.h"

G_BEGIN_DECLS

typedef struct {
  guint32 our_as;               /* 0: the AS with the most routers (an error when that is a tie) */
  double default_capacity_mbps; /* links with no "bandwidth" on either end */
  double default_latency_ms;    /* configurations carry no propagation delay */
  const char *demands_file;     /* nullable: a JSON file with "demands" and "sla_classes" */
} RwImportOptions;

void rw_import_options_init (RwImportOptions *o);

/* @paths: folders (DIR/NODE/frr.conf or DIR/NODE.conf; the node is named after NODE) or single
 * files (NODE.conf, or NODE/frr.conf). Links join interfaces that share a subnet. */
RwTopology *rw_frr_import_configs (const char *const *paths, const RwImportOptions *opts, GError **error);

/* A Containerlab topology file: nodes and their configurations (binds "X:/etc/frr/frr.conf" or
 * startup-config), links from its endpoints. Without opts->demands_file, a demands.json beside
 * the lab file gives the demands. */
RwTopology *rw_frr_import_clab (const char *clab_path, const RwImportOptions *opts, GError **error);
/* The same for a lab already read with rw_clab_load. */
struct _RwClab;
RwTopology *rw_frr_import_lab (const struct _RwClab *lab, const RwImportOptions *opts, GError **error);

/* Configurations given as text, node @names[i] configured by @texts[i] (messages name
 * "NODE.conf"); links join interfaces that share a subnet. For tests and the fuzz target. */
RwTopology *rw_frr_import_texts (const char *const *names, const char *const *texts, guint n,
                                 const RwImportOptions *opts, GError **error);

/* What @path holds, by its name: a Containerlab lab (.clab.yml, .clab.yaml, or any .yml/.yaml),
 * FRR configurations (a folder, a .conf file), else a Routewise topology (JSON). */
typedef enum { RW_SOURCE_TOPOLOGY, RW_SOURCE_CLAB, RW_SOURCE_FRR } RwSourceKind;
RwSourceKind rw_frr_source_kind (const char *path);

/* The topology of @path whatever it is: a .clab.yml/.clab.yaml file, a folder of
 * configurations, a .conf file, or else a Routewise topology JSON. */
RwTopology *rw_frr_import_any (const char *path, const RwImportOptions *opts, GError **error);

G_END_DECLS
