/* rw-traffic.h — forwarding of demands hop by hop, link loads, latency, loss and SLA verdicts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-bgp.h"

G_BEGIN_DECLS

typedef enum { RW_DEMAND_OK, RW_DEMAND_LOOP, RW_DEMAND_BLACKHOLE } RwDemandStatus;
const char *rw_demand_status_to_string (RwDemandStatus s);

/* Queueing grows as prop * rho/(1-rho) and is capped at this multiple of the propagation delay
 * (a full buffer): a link at 95 % or more adds 19x its propagation delay. */
#define RW_QUEUE_CAP 19.0

typedef struct {
  const RwDemand *demand;   /* borrowed from the topology */
  GArray *path;             /* guint node indices, source first; read-only (a fork shares it) */
  GArray *hops;             /* guint link direction (2*link + (0: a->b, 1: b->a)); read-only */
  char *reason;             /* why a loop or blackhole happened, else NULL */
  double latency_ms;        /* NAN unless ok */
  double loss_pct;          /* NAN unless ok */
  RwDemandStatus status;
  gint prefix;              /* prefix index matched at the source, -1 */
  gint egress;              /* last router of our AS on the path, -1 */
  gboolean sla_ok;
} RwDemandResult;           /* 64 bytes: twenty thousand of them per what-if */

typedef struct {
  double load_mbps;
  double utilisation;
  double latency_ms;        /* propagation + queueing */
  double loss_pct;          /* base + fluid drop above capacity */
} RwLinkDir;

/* Transit cost (README "Transit cost"): a priced link's load in both directions, sustained for
 * a 30-day month, in decimal gigabytes: 1 Mbps = 1e6/8 bytes/s x 2 592 000 s = 324 GB. */
#define RW_GB_PER_MBPS_MONTH 324.0

typedef struct {
  guint isp;                /* node index of the ISP */
  double gb;                /* a month, both directions, over its priced links */
  double usage;             /* gb x cost_per_gb, summed over its links */
  double cost;              /* billed: per link the larger of usage and monthly_commit, summed */
} RwIspCost;

/* Per demand, the prefixes covering its destination (rw_bgp_covering), shared with the forks
 * whose prefix tables share the prefixes. */
typedef struct _RwDemandCovers RwDemandCovers;
/* Their classes in one solution, and demand ids -> index (rw_traffic_find_demand); both shared
 * with the forks where they still hold. */
typedef struct _RwCoverClasses RwCoverClasses;
typedef struct _RwDemandIndex RwDemandIndex;
/* Per class and node, what forwarding needs of the best route, packed. */
typedef struct _RwFibEntry RwFibEntry;

typedef struct {
  const RwNet *net;
  guint n_links;
  RwLinkDir *dirs;          /* 2 per link */
  GPtrArray *demands;       /* RwDemandResult, in topology order (pointers into @results) */
  RwDemandResult *results;  /* the records, one block */
  double total_mbps;
  double max_utilisation;
  gint max_dir;             /* direction index of the maximum, -1 */
  guint n_ok, n_loops, n_blackholes, n_sla_violations;
  RwDemandIndex *demand_index;
  GArray *isp_costs;        /* RwIspCost, in node order; empty when no link is priced */
  double transit_cost;      /* the sum of isp_costs' cost, a month */
  RwDemandCovers *covers;
  RwCoverClasses *cover_classes;
  RwFibEntry *fib;          /* classes x nodes */
  GPtrArray *demand_source; /* the topology's demands the results borrow (a reference: a
                             * topology that changes a shared demand copies them first) */
} RwTraffic;

RwTraffic *rw_traffic_compute (const RwNet *net, const RwBgpResult *bgp);
/* The same, copying from @like (the traffic of a network it was changed from, solved as
 * @like_bgp) every demand whose packets cannot go another way; both may be NULL. */
RwTraffic *rw_traffic_compute_like (const RwNet *net, const RwBgpResult *bgp, const RwTraffic *like,
                                    const RwBgpResult *like_bgp);
void rw_traffic_free (RwTraffic *t);
/* The ISP's entry in isp_costs, or NULL when none of its links is priced. */
const RwIspCost *rw_traffic_isp_cost (const RwTraffic *t, guint isp);
gint rw_traffic_find_demand (const RwTraffic *t, const char *id);
/* "R1→ISP-A" style names for a direction. */
char *rw_traffic_dir_name (const RwNet *net, guint dir);
guint rw_traffic_dir_from (const RwNet *net, guint dir);
guint rw_traffic_dir_to (const RwNet *net, guint dir);

/* The per-direction performance model, exposed for tests and the agent. */
double rw_link_queue_ms (double prop_ms, double rho);
double rw_link_fluid_loss (double rho);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwTraffic, rw_traffic_free)

G_END_DECLS
