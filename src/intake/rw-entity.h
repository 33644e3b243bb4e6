/* rw-entity.h — the routers, ISPs, links and prefixes an operator's words refer to, resolved
 * against the topology (by id, hostname, label, ASN; labels with one typo), and the facts a
 * runbook needs (link, router, isp, prefix) derived from them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-topology.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  char *kind;   /* "router", "isp", "link", "prefix", "node" (other external nodes) */
  char *id;     /* the topology's id (for a prefix: its canonical text) */
  char *text;   /* the words that named it */
} RwEntity;

RwEntity *rw_entity_new (const char *kind, const char *id, const char *text);
void rw_entity_free (RwEntity *e);

/* Entities in @text, in the order they appear, each once. */
GPtrArray *rw_entities_resolve (const RwTopology *topo, const char *text);

typedef struct {
  char *link, *router, *isp, *prefix;   /* NULL when unknown */
} RwFacts;

/* Fills in what the entities imply: a router and an ISP give the link between them, a link
 * gives its router and ISP, an ISP with one uplink gives that uplink, a router with one ISP
 * uplink gives it; a prefix counts when the topology originates it or a prefix covering it.
 * Ambiguity leaves the fact unknown (the plan then asks). */
RwFacts *rw_facts_derive (const RwTopology *topo, const GPtrArray *entities);
void rw_facts_free (RwFacts *f);
const char *rw_facts_get (const RwFacts *f, const char *name);
JsonNode *rw_entities_to_json (const GPtrArray *entities);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwEntity, rw_entity_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwFacts, rw_facts_free)

G_END_DECLS
