/* rw-frr.h — the FRR (8.x, vtysh running-config syntax) configuration of a router of the twin,
 * and the vtysh commands that take it from one topology to another: the "Act" step's change and
 * rollback diffs (DESIGN.md section 3).
 *
 * What the text says is what the twin computes: session ends become neighbours (the peer's
 * router id stands in for its address, see README), policies become route-maps with one
 * prefix-list / community-list / as-path access-list per entry that needs it, named after the
 * entry (PL-<map>-<seq>, CL-<map>-<seq>, CL-<map>-<seq>-DEL, AS-<map>-<seq>), originations with
 * attributes get a RW-ORIGIN-… route-map on their network statement, and the best-path knobs
 * the twin assumes (deterministic MED, router-id tie-break) are set explicitly.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-twin.h"

G_BEGIN_DECLS

#define RW_FRR_ERROR (rw_frr_error_quark ())
GQuark rw_frr_error_quark (void);

typedef enum {
  RW_FRR_ERROR_UNKNOWN_ROUTER, /* no node with that id */
  RW_FRR_ERROR_UNKNOWN_POLICY, /* a session end names a route-map the topology does not define */
  RW_FRR_ERROR_UNSUPPORTED,    /* a policy FRR cannot express as the twin means it */
  RW_FRR_ERROR_PARSE,          /* a configuration or lab file that does not parse ("FILE:LINE: …") */
  RW_FRR_ERROR_INVALID,        /* parses, but cannot be a network (unknown node, duplicate router id…) */
  RW_FRR_ERROR_IO,             /* a file that cannot be read or written */
} RwFrrError;

/* The address plan a real network needs, filled in on @t where the topology leaves it open:
 * every node gets a loopback (its router id), every link end an interface name (eth1, eth2… in
 * link order per node) and an address (a /31 from 100.64.0.0/10, skipping any block that
 * overlaps an originated prefix, a loopback or an address already given). Deterministic. FALSE
 * with @error when the given addresses clash (two ends with one address, ends of one link on
 * different subnets, one interface name twice on a node). */
gboolean rw_frr_assign_addresses (RwTopology *t, GError **error);

/* The running configuration of @router (a router of ours, or an external speaker), ending in
 * "end\n". Deterministic: the same topology gives byte-identical text. NULL with @error naming
 * the router or the route-map. */
char *rw_frr_router_config (const RwTopology *t, const char *router, GError **error);

/* The commands an operator pastes into vtysh to take @router from @before to @after:
 * "configure terminal" … "end", then "clear bgp ipv4 unicast ADDR soft in|out" for the
 * neighbours whose policies changed. Link state and IGP cost changes on the router's links are
 * "!" comment lines (they are not BGP configuration). "" when nothing changed for @router (also
 * when it exists in neither); NULL when either side cannot be rendered (rw_frr_router_config
 * says why). diff (after, before) is the rollback. */
char *rw_frr_config_diff (const RwTopology *before, const RwTopology *after, const char *router);

/* rw_frr_config_diff for every router of ours that changed, each section headed
 * "! router ID", in node order; changes no router of ours carries (a link or session between
 * external nodes) are "!" comment lines first. "" when nothing changed. */
char *rw_frr_topology_diff (const RwTopology *before, const RwTopology *after, GError **error);

/* Applies @changes (NULL-terminated change strings, DESIGN.md section 10) with
 * rw_topology_with_changes and returns rw_frr_topology_diff (before, after). Its rollback is
 * rw_frr_topology_diff (after, before). NULL with @error on a bad change. */
char *rw_frr_changes_diff (const RwTopology *before, const char *const *changes, GError **error);

G_END_DECLS
