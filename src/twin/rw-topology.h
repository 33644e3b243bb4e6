/* rw-topology.h — the configuration of a network: nodes, links, sessions, policies,
 * prefixes, demands and SLA classes (DESIGN.md sections 2 and 10).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-types.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The ranges of a topology's figures, for every way they are set (files, changes, scenario
 * events, imports): wide for any real network, narrow enough that what is derived from them
 * (utilisation = load / capacity, latencies summed along paths) stays finite. */
#define RW_CAPACITY_MIN_MBPS 0.001 /* 1 kbit/s */
#define RW_CAPACITY_MAX_MBPS 1e9   /* 1 Pbit/s */
#define RW_LATENCY_MAX_MS 1e6      /* 1000 s */
#define RW_DEMAND_MAX_MBPS 1e9
#define RW_COORDINATE_MAX 1e7      /* canvas x and y, either sign */
#define RW_COST_PER_GB_MAX 1e6
#define RW_MONTHLY_COMMIT_MAX 1e12

typedef enum { RW_NODE_ROUTER, RW_NODE_EXTERNAL } RwNodeKind;
typedef enum {
  RW_ROLE_EDGE, RW_ROLE_REFLECTOR, RW_ROLE_SPINE, RW_ROLE_CORE, RW_ROLE_ISP, RW_ROLE_INTERNET,
} RwNodeRole;

const char *rw_node_kind_to_string (RwNodeKind kind);
const char *rw_node_role_to_string (RwNodeRole role);
gboolean rw_node_kind_parse (const char *text, RwNodeKind *out);
gboolean rw_node_role_parse (const char *text, RwNodeRole *out);

typedef struct {
  char *id;
  RwNodeKind kind;
  RwNodeRole role;
  guint32 asn;
  guint32 router_id;
  char *hostname; /* nullable */
  char *label;    /* nullable */
  guint32 loopback; /* the iBGP source address of a real router; 0 = its router id */
  double x, y;
} RwNode;

/* How a link end exists on a real router (optional; DESIGN.md 10b): the interface name and its
 * address with prefix length. NULL / 0 when the topology leaves it to the export. */
typedef struct {
  char *ifname;
  guint32 addr;
  guint8 plen;
} RwLinkEnd;

typedef struct {
  char *id;
  char *a, *b;
  RwLinkEnd ends[2]; /* ends[0] is a's, ends[1] b's */
  double capacity_mbps;
  double latency_ms;
  guint igp_cost;
  double loss_pct;
  gboolean up;
  /* transit price on a link towards an ISP (README "Transit cost"); has_cost FALSE = unpriced */
  gboolean has_cost;
  double cost_per_gb;
  double monthly_commit;    /* the least that is billed a month, 0 = none */
} RwLink;

typedef struct {
  char *node;        /* which end */
  char *import;      /* policy name or NULL = accept all */
  char *export;
  gint32 weight;
  gboolean rr_client; /* on a reflector's end: the other end is its client */
} RwSessionEnd;

typedef struct {
  char *a, *b;
  gboolean up;        /* administrative state */
  RwSessionEnd ends[2]; /* ends[0] belongs to a, ends[1] to b */
} RwSession;

typedef struct {
  RwPrefix prefix;
  guint8 ge, le; /* accepted lengths; both equal prefix.len when no ge/le was given */
  gboolean has_ge, has_le;
  gboolean deny; /* a prefix-list "deny" line: the first line that accepts a prefix decides */
} RwPrefixMatch;

typedef struct {
  guint seq;
  gboolean permit;
  gboolean cont; /* "continue": FRR's on-match next */
  /* match: every present key must hold */
  GArray *match_prefixes; /* RwPrefixMatch; NULL = no prefix condition */
  gboolean has_match_community;
  guint32 match_community;
  gboolean has_match_neighbor_as;
  guint32 match_neighbor_as;
  gboolean has_match_as_path_contains;
  guint32 match_as_path_contains;
  /* set */
  gboolean has_set_local_pref;
  guint32 set_local_pref;
  gboolean has_set_med;
  guint32 set_med;
  gboolean has_set_weight;
  gint32 set_weight;
  guint set_prepend;
  GArray *community_add;    /* guint32, may be empty */
  GArray *community_remove; /* guint32, may be empty */
} RwPolicyEntry;

typedef struct {
  char *name;
  GPtrArray *entries; /* RwPolicyEntry, sorted by seq */
} RwPolicy;

typedef struct {
  RwPrefix prefix;
  const char *origin_node; /* interned (g_intern_string): a million originations name a few nodes */
  RwOrigin origin;
  gboolean has_med;
  guint32 med;
  GArray *communities; /* guint32; NULL when it carries none (most of a million prefixes):
                        * read with rw_origination_n_communities, add through
                        * rw_origination_communities_writable */
} RwOrigination;

typedef struct {
  char *id;
  char *src;
  RwPrefix dst;
  double mbps;
  char *sla_class;
} RwDemand;

typedef struct {
  char *name;
  double latency_ms;
  double loss_pct;
} RwSlaClass;

typedef struct {
  char *name;
  gboolean always_compare_med;
  GPtrArray *nodes;        /* RwNode */
  GPtrArray *links;        /* RwLink */
  GPtrArray *sessions;     /* RwSession */
  GPtrArray *policies;     /* RwPolicy, in file order */
  GPtrArray *prefixes;     /* RwOrigination; shared between copies, so read-only: change it
                            * only through rw_topology_prefixes_writable () */
  GPtrArray *demands;      /* RwDemand; shared between copies like @prefixes: change them only
                            * through rw_topology_demands_writable () */
  GPtrArray *sla_classes;  /* RwSlaClass, in file order */
  GPtrArray *import_warnings; /* char*: what an import could not model ("FILE:LINE: …") */
  gint *prefixes_share;    /* how many topologies share @prefixes (atomic) */
  gint *demands_share;     /* how many topologies share @demands (atomic) */
} RwTopology;

RwNode *rw_node_new (const char *id, RwNodeKind kind, RwNodeRole role, guint32 asn, guint32 router_id);
RwNode *rw_node_copy (const RwNode *n);
void rw_node_free (RwNode *n);
RwLink *rw_link_new (const char *id, const char *a, const char *b, double capacity_mbps, double latency_ms);
RwLink *rw_link_copy (const RwLink *l);
void rw_link_free (RwLink *l);
RwSession *rw_session_new (const char *a, const char *b);
RwSession *rw_session_copy (const RwSession *s);
void rw_session_free (RwSession *s);
RwPolicyEntry *rw_policy_entry_new (guint seq, gboolean permit);
RwPolicyEntry *rw_policy_entry_copy (const RwPolicyEntry *e);
void rw_policy_entry_free (RwPolicyEntry *e);
RwPolicy *rw_policy_new (const char *name);
RwPolicy *rw_policy_copy (const RwPolicy *p);
void rw_policy_free (RwPolicy *p);
void rw_policy_sort (RwPolicy *p);
RwOrigination *rw_origination_new (const RwPrefix *prefix, const char *origin_node);
RwOrigination *rw_origination_copy (const RwOrigination *o);
void rw_origination_free (RwOrigination *o);
static inline guint
rw_origination_n_communities (const RwOrigination *o)
{
  return o->communities != NULL ? o->communities->len : 0;
}
static inline guint32
rw_origination_community (const RwOrigination *o, guint i)
{
  return g_array_index (o->communities, guint32, i);
}
GArray *rw_origination_communities_writable (RwOrigination *o);
RwDemand *rw_demand_new (const char *id, const char *src, const RwPrefix *dst, double mbps, const char *sla_class);
RwDemand *rw_demand_copy (const RwDemand *d);
void rw_demand_free (RwDemand *d);
RwSlaClass *rw_sla_class_new (const char *name, double latency_ms, double loss_pct);
RwSlaClass *rw_sla_class_copy (const RwSlaClass *c);
void rw_sla_class_free (RwSlaClass *c);

RwTopology *rw_topology_new (const char *name);
RwTopology *rw_topology_copy (const RwTopology *t);
/* The originations, copied first if another topology shares them (copies share the table of a
 * million prefixes instead of duplicating it; changes never touch originations). */
GPtrArray *rw_topology_prefixes_writable (RwTopology *t);
/* The demands, likewise: copies and forks share them until one changes a demand (the agent's
 * observed rates, a demand change); a what-if at 20 000 demands then copies none of them. */
GPtrArray *rw_topology_demands_writable (RwTopology *t);
void rw_topology_free (RwTopology *t);

RwNode *rw_topology_find_node (const RwTopology *t, const char *id);
RwLink *rw_topology_find_link (const RwTopology *t, const char *id);
RwSession *rw_topology_find_session (const RwTopology *t, const char *a, const char *b);
RwPolicy *rw_topology_find_policy (const RwTopology *t, const char *name);
const RwDemand *rw_topology_find_demand (const RwTopology *t, const char *id);
/* The demand, to change: the demands are first made this topology's own. */
RwDemand *rw_topology_find_demand_writable (RwTopology *t, const char *id);
RwSlaClass *rw_topology_find_sla_class (const RwTopology *t, const char *name);
RwSessionEnd *rw_session_end_for (RwSession *s, const char *node);
/* The end of @l at @node (the first when both ends are @node); NULL when @node is not an end. */
RwLinkEnd *rw_link_end_for (RwLink *l, const char *node);
/* The address a node's iBGP sessions use: its loopback, or its router id. */
guint32 rw_node_loopback (const RwNode *n);
gboolean rw_session_is_ebgp (const RwTopology *t, const RwSession *s);

/* Semantic checks shared by the loader and the editor: references, duplicates, ranges.
 * The message names the JSON path ("links[3].b: unknown node 'R9'"). */
gboolean rw_topology_validate (const RwTopology *t, GError **error);
/* The same for @t changed from @from, a checked topology: what they still share (the
 * originations, and the demands until a demand changes) is not checked again, so a changed copy
 * need not check a million originations and twenty thousand demands once more. */
gboolean rw_topology_validate_changed (const RwTopology *t, const RwTopology *from, GError **error);
/* Same nodes count and the same link ids in the same order: results computed for one (loads
 * per link direction) can be drawn on the other. */
gboolean rw_topology_same_links (const RwTopology *a, const RwTopology *b);

/* JSON I/O (rw-topology-json.c). Loading never returns a half-built topology. */
RwTopology *rw_topology_load_file (const char *path, GError **error);
RwTopology *rw_topology_load_data (const char *data, gssize len, const char *source_name, GError **error);
RwTopology *rw_topology_from_json_node (JsonNode *root, const char *source_name, GError **error);
char *rw_topology_to_data (const RwTopology *t, gsize *len);
JsonNode *rw_topology_to_json_node (const RwTopology *t);
/* Atomic: writes a temporary file beside @path and renames it. */
gboolean rw_topology_save_file (const RwTopology *t, const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwNode, rw_node_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwLink, rw_link_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwSession, rw_session_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwPolicyEntry, rw_policy_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwPolicy, rw_policy_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwOrigination, rw_origination_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwDemand, rw_demand_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwSlaClass, rw_sla_class_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwTopology, rw_topology_free)

G_END_DECLS
