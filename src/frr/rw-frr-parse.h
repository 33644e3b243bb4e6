/* rw-frr-parse.h — one FRR 8.4 configuration (frr.conf, vtysh syntax) read into plain records:
 * the subset the twin models, each item with its line; everything else a warning.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-frr.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  guint line;
  gboolean has_addr;
  guint32 addr;
  guint8 plen;
  guint cost;          /* 0 = not set */
  gboolean ospf_area;  /* "ip ospf area" */
  guint bandwidth;     /* Mbps, 0 = not set */
  gboolean shutdown;
  char *description;   /* the words after "description", or NULL */
} RwFrrIface;

typedef struct {
  char *key;           /* address or peer-group name */
  guint line;
  gboolean is_group;
  char *group;         /* "neighbor X peer-group G" */
  gint remote_kind;    /* 0 unset, 1 number, 2 internal, 3 external */
  guint32 remote_as;
  char *update_source;
  gboolean nhs, rr_client, shutdown, has_weight;
  gint weight;
  char *rm_in, *rm_out;
  guint rm_in_line, rm_out_line;
} RwFrrNeighbor;

typedef struct {
  RwPrefix prefix;
  char *route_map;
  guint line;
} RwFrrNetwork;

typedef struct {
  guint seq;
  gboolean permit;
  guint line;
  char *value;         /* prefix-list: "P [ge N] [le N]"; community-list: communities; as-path: regex */
} RwFrrListLine;

typedef struct {
  char *name;
  GPtrArray *lines;    /* RwFrrListLine, sorted by seq */
} RwFrrList;

typedef struct {
  guint seq;
  gboolean permit;
  guint line;
  char *match_pl, *match_cl, *match_al;
  guint match_pl_line, match_cl_line, match_al_line;
  gboolean unsupported;      /* a match or set outside the subset: the entry is ignored */
  gboolean has_lp, has_med, has_weight, has_origin, cont;
  guint cont_target;         /* "continue N"; 0 = the next entry */
  guint32 lp, med;
  gint32 weight;
  RwOrigin origin;
  guint prepend;             /* count */
  GArray *prepend_asns;      /* guint32, explicit "prepend A B", empty for last-as */
  GArray *comm_add;          /* guint32 */
  gboolean comm_replace;     /* "set community" without additive */
  guint comm_line;
  char *comm_delete;         /* comm-list name */
  guint comm_delete_line;
} RwFrrMapEntry;

typedef struct {
  char *name;
  GPtrArray *entries;  /* RwFrrMapEntry, sorted by seq */
} RwFrrRouteMap;

typedef struct {
  char *file;          /* as named in messages */
  char *hostname;
  gboolean datacenter;
  GPtrArray *ifaces;   /* RwFrrIface */
  GArray *statics;     /* RwPrefix: static routes (blackhole or not) */
  gboolean ospf;
  GArray *ospf_networks; /* RwPrefix */
  GPtrArray *passive;  /* char* interface names */
  gboolean passive_default;
  guint32 asn;         /* 0 = no router bgp */
  guint bgp_line;
  guint32 router_id;
  gboolean no_ebgp_requires_policy, no_import_check, always_compare_med, deterministic_med, compare_routerid;
  guint max_paths, max_paths_ibgp; /* 0 = FRR's default (multipath on) */
  GPtrArray *neighbors;  /* RwFrrNeighbor */
  GPtrArray *networks;   /* RwFrrNetwork */
  GHashTable *prefix_lists, *comm_lists, *as_lists; /* name -> RwFrrList */
  GHashTable *route_maps; /* name -> RwFrrRouteMap */
} RwFrrConf;

/* Parses @text (the contents of @file). Lines outside the subset go to @warnings
 * ("FILE:LINE: text: why"); lines that are not FRR configuration at all, or malformed values in
 * the subset, are an error (RW_FRR_ERROR_PARSE, "FILE:LINE: …"). */
RwFrrConf *rw_frr_conf_parse (const char *text, const char *file, GPtrArray *warnings, GError **error);
void rw_frr_conf_free (RwFrrConf *c);
RwFrrNeighbor *rw_frr_conf_neighbor (const RwFrrConf *c, const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwFrrConf, rw_frr_conf_free)

G_END_DECLS
