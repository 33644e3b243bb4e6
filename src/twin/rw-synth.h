/* rw-synth.h — seeded synthetic enterprise networks, for `routewise-cli bench` and tests.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-topology.h"

G_BEGIN_DECLS

typedef struct {
  guint routers;   /* routers of ours: reflectors, edges, spines */
  guint isps;      /* upstream ISPs, each on two edge routers */
  guint prefixes;  /* internet prefixes, originated behind the ISPs */
  guint32 seed;
} RwSynthParams;

RwTopology *rw_synth_enterprise (const RwSynthParams *params);

G_END_DECLS
