/* rw-clab.h — Containerlab topology files (.clab.yml): reading the subset Routewise uses, and
 * writing a lab that runs as it is, on FRR 8.4 under Containerlab and in Routewise's own lab.
 * YAML is parsed with libyaml.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-frr.h"

G_BEGIN_DECLS

typedef struct {
  char *name;    /* the node's name in the lab */
  char *kind;    /* as written ("linux", "frr"…); nullable */
  char *image;   /* nullable */
  char *config;  /* absolute path of its frr.conf; NULL when the lab gives none */
  char *daemons; /* absolute path of its FRR daemons file; nullable */
} RwClabNode;

typedef struct {
  char *node[2];
  char *ifname[2];
} RwClabLink;

typedef struct _RwClab {
  char *path;        /* the .clab.yml as given */
  char *dir;         /* its folder: relative paths in the file are relative to it */
  char *name;
  GPtrArray *nodes;  /* RwClabNode, in file order */
  GPtrArray *links;  /* RwClabLink, in file order */
} RwClab;

/* Errors name the file and line ("lab.clab.yml:12: endpoint 'r9:eth1': unknown node 'r9'"). */
RwClab *rw_clab_load (const char *path, GError **error);
/* The same from text; @path names it in messages and its folder anchors relative paths. */
RwClab *rw_clab_load_data (const char *data, gsize len, const char *path, GError **error);
void rw_clab_free (RwClab *lab);
const RwClabNode *rw_clab_find_node (const RwClab *lab, const char *name);

/* Writes DIR/NAME.clab.yml (NAME from the topology's name, made safe for Containerlab), and
 * for every node DIR/NODE/frr.conf and DIR/NODE/daemons. Addresses come from
 * rw_frr_assign_addresses. Files are written atomically; DIR is created when missing. The
 * path of the .clab.yml in @clab_path (nullable). */
gboolean rw_clab_export (const RwTopology *t, const char *dir, char **clab_path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwClab, rw_clab_free)

G_END_DECLS
