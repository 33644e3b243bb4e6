/* rw-lab-world.h — the lab as the agent's world (rw-agent.h, RwAgentWorld): a scenario's faults
 * made real on the lab's routers, the agent's observations read from them, its changes pushed
 * to them with vtysh.
 *
 * Real: link states (`ip link set … down`, read back with `ip -j link`), sessions shut and
 * opened at the far end (vtysh), originations announced by the leaking router (vtysh), the
 * agent's changes and rollbacks (vtysh, the FRR diff it computes), BGP sessions and best routes
 * (vtysh JSON of our routers), forwarding (`ip route get` hop by hop), reconvergence (waited
 * for, bounded). Modelled: demands and the loads they make (carried along the real forwarding),
 * router CPU, and link latency and loss when the kernel has no tc netem.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-agent.h"
#include "rw-lab.h"
#include "rw-lab-traffic.h"

G_BEGIN_DECLS

typedef struct _RwLabWorld RwLabWorld;

/* @lab (borrowed, must outlive the world) must run @network: the same nodes, links and
 * configuration (RW_LAB_ERROR_INPUT naming the first difference otherwise). Each observation
 * starts at least @tick_s real seconds after the previous one. */
RwLabWorld *rw_lab_world_new (const RwLab *lab, const RwTopology *network, double tick_s, GError **error);
void rw_lab_world_free (RwLabWorld *world);
RwAgentWorld *rw_lab_world_get (RwLabWorld *world);
/* The network as it was last observed, with the configuration pushed: what `lab check` should
 * compare against after the run (nullable before the first observation). */
const RwTopology *rw_lab_world_observed (const RwLabWorld *world);

/* Real traffic (borrowed; nullable): each observation sets the demands' rates and measures the
 * links' utilisation, loss and queueing delay. */
void rw_lab_world_set_traffic (RwLabWorld *world, RwLabTraffic *traffic);

/* Records in the lab's state what it runs after a run: the lab's topology with the agent's
 * configuration @config (policies, sessions' policies and state) and the scenario's faults
 * @script (links up or down, their latency and loss, sessions shut, originations), so that
 * `lab check` compares the routers with what they run now. */
gboolean rw_lab_world_save (RwLabWorld *world, const RwTopology *config, const RwTopology *script, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwLabWorld, rw_lab_world_free)

G_END_DECLS
