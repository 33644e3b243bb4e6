/* rw-lab-traffic.h — real traffic in a lab: every demand a UDP flow at its rate times a scale
 * factor, sent from its source router's namespace to the first address of its prefix (where the
 * originator's blackhole route ends it); every link end shaped with tc tbf to the link's capacity
 * times the same factor, so that an overloaded link really queues and drops. Measured per link
 * direction from the kernel: utilisation from the bytes the egress interface sent, loss from
 * the shaper's drops, queueing delay from its backlog.
 *
 * The generator is ours (a paced sender on a thread; no packet generator Debian ships sends many
 * flows from many namespaces at per-flow rates under one process), the counters come from
 * /proc/thread-self/net/dev and a netlink dump of the qdiscs, read inside each namespace.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-lab.h"

G_BEGIN_DECLS

typedef struct _RwLabTraffic RwLabTraffic;

/* Shapes every link of @plan (the lab's topology) and starts the flows of its demands, at
 * @scale times their rates (0 < @scale <= 1). */
RwLabTraffic *rw_lab_traffic_start (const RwLab *lab, const RwTopology *plan, double scale, GError **error);
/* The demands' rates now (the demands of @t, matched by id). */
void rw_lab_traffic_set_rates (RwLabTraffic *traffic, const RwTopology *t);
/* Per link direction of the plan (2*link + 0 for a->b, + 1 for b->a) since the last sample:
 * utilisation of the scaled capacity, loss in %, queueing delay in ms. Arrays of 2*links. */
gboolean rw_lab_traffic_sample (RwLabTraffic *traffic, double *util, double *loss_pct, double *queue_ms,
                                GError **error);
/* Starts the next measured interval now (after a change, so that it is measured apart). */
gboolean rw_lab_traffic_restart (RwLabTraffic *traffic, GError **error);
/* Stops the flows and removes the shapers. */
void rw_lab_traffic_stop (RwLabTraffic *traffic);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwLabTraffic, rw_lab_traffic_stop)

G_END_DECLS
