/* rw-frr-private.h — what the files of src/frr share and nobody else needs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-frr.h"

G_BEGIN_DECLS

/* A name usable as a Containerlab node, a folder and a namespace suffix. */
gboolean rw_frr_name_ok (const char *name);

/* rw_read_regular_file (rw-file.h) with the error in RW_FRR_ERROR_IO. */
gboolean rw_frr_read_regular_file (const char *path, gsize max_bytes, char **data, gsize *len, GError **error);

/* Whether @n has a link to another node of its own AS: it then runs OSPF on those links. */
gboolean rw_frr_node_runs_ospf (const RwTopology *t, const RwNode *n);

/* The address plan of rw_frr_assign_addresses without touching @t: 2 ends per link (link i's
 * ends are [2i] and [2i+1]); ifname strings owned by the array (free with rw_frr_plan_free). */
RwLinkEnd *rw_frr_plan_addresses (const RwTopology *t, GError **error);
void rw_frr_plan_free (RwLinkEnd *plan, guint n_links);

G_END_DECLS
