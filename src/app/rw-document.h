/* rw-document.h — an open topology: the configuration being edited, its file, its undo
 * history, and the twin solved from it (on a worker thread; the GUI thread never solves).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "rw-twin.h"

G_BEGIN_DECLS

#define RW_TYPE_DOCUMENT (rw_document_get_type ())
G_DECLARE_FINAL_TYPE (RwDocument, rw_document, RW, DOCUMENT, GObject)

/* A new, empty network ("Untitled network"). */
RwDocument *rw_document_new (void);
/* Loads @file: a Routewise topology (JSON), or real configurations imported with
 * rw_frr_import_any (a .clab.yml/.clab.yaml lab, a folder of FRR configurations, a .conf file).
 * An imported network has no file (Save asks for a .json) and keeps its import warnings in
 * topology->import_warnings. On error nothing is created and the message names the file and the
 * JSON path or line. */
RwDocument *rw_document_new_from_file (GFile *file, GError **error);

const RwTopology *rw_document_get_topology (RwDocument *doc);
/* The twin solved from the current configuration, or NULL while the first solve runs. It is
 * immutable: a new edit replaces it (the "solved" signal says when). */
const RwTwin *rw_document_get_twin (RwDocument *doc);
gboolean rw_document_is_solving (RwDocument *doc);
GFile *rw_document_get_file (RwDocument *doc);
/* What an imported network was read from (a lab, a folder, a .conf), else NULL. */
GFile *rw_document_get_source (RwDocument *doc);
gboolean rw_document_get_modified (RwDocument *doc);
/* "enterprise.json", "Untitled network", or an imported network's name ("frr-lab") */
char *rw_document_dup_title (RwDocument *doc);

/* Every edit validates the whole configuration (rw_topology_validate); a rejected edit changes
 * nothing and explains itself in @error. Each accepted edit is one undo step. */
gboolean rw_document_add_node (RwDocument *doc, RwNodeRole role, double x, double y, char **new_id, GError **error);
gboolean rw_document_move_node (RwDocument *doc, const char *id, double x, double y, GError **error);
/* Positions of many nodes at once (Arrange) as one step: @ids and @xy (2 per id). */
gboolean rw_document_move_nodes (RwDocument *doc, GPtrArray *ids, const double *xy, const char *description, GError **error);
/* A link between two nodes and the BGP session over it (eBGP between ASes, iBGP inside). */
gboolean rw_document_link_nodes (RwDocument *doc, const char *a, const char *b, char **new_link, GError **error);
/* Deletes nodes (with their links, sessions, originations and demands) and links. */
gboolean rw_document_delete (RwDocument *doc, GPtrArray *node_ids, GPtrArray *link_ids, GError **error);
/* Replaces the JSON of one entity: @path is "nodes[3]", "links[0]", "sessions[2]", "prefixes[1]",
 * "demands[4]", "policies.NAME" or "sla_classes.NAME" — as the topology file has it. */
gboolean rw_document_replace_json (RwDocument *doc, const char *path, JsonNode *value, GError **error);
/* The entity's JSON at @path (see above), or NULL. */
JsonNode *rw_document_dup_json (RwDocument *doc, const char *path);
/* Adds an entity, one undo step, validated like replace: @path "policies.NAME" or
 * "sla_classes.NAME" (refused when NAME is taken), or "demands" (appended). */
gboolean rw_document_insert_json (RwDocument *doc, const char *path, JsonNode *value, GError **error);
/* Removes the entity at @path ("demands[2]", "policies.NAME", "sla_classes.NAME"). A route-map
 * that sessions use or an SLA class that demands use is refused, naming them. */
gboolean rw_document_delete_json (RwDocument *doc, const char *path, GError **error);
/* Renames "policies.NAME" or "sla_classes.NAME" and every reference to it (sessions' import and
 * export, demands' class) in one undo step. */
gboolean rw_document_rename_json (RwDocument *doc, const char *path, const char *new_name, GError **error);
/* Who uses "policies.NAME" ("R1–ISP-A (import at R1)") or "sla_classes.NAME" (demand ids). */
GStrv rw_document_dup_users (RwDocument *doc, const char *path);
/* The editors' additions and removals, each one undo step validated like the loader (a
 * rejected edit changes nothing; the message names the JSON path). @session and @origination
 * are objects as the topology file has them under "sessions" and "prefixes". */
gboolean rw_document_add_session (RwDocument *doc, JsonNode *session, GError **error);
gboolean rw_document_remove_session (RwDocument *doc, const char *a, const char *b, GError **error);
gboolean rw_document_add_prefix (RwDocument *doc, JsonNode *origination, GError **error);
gboolean rw_document_remove_prefix (RwDocument *doc, const char *prefix, const char *origin_node, GError **error);
/* Renames a node everywhere it is named: links, sessions, originations, demands. */
gboolean rw_document_rename_node (RwDocument *doc, const char *id, const char *new_id, GError **error);
/* Indices into the topology's arrays ("nodes[i]", "sessions[i]", "prefixes[i]"), or -1. */
gint rw_document_find_node (RwDocument *doc, const char *id);
gint rw_document_find_session (RwDocument *doc, const char *a, const char *b);
gint rw_document_find_prefix (RwDocument *doc, const char *prefix, const char *origin_node);
/* Applies what-if change strings to the configuration itself (an operator's decision). */
gboolean rw_document_apply_changes (RwDocument *doc, const char *const *changes, GError **error);

gboolean rw_document_can_undo (RwDocument *doc);
gboolean rw_document_can_redo (RwDocument *doc);
gboolean rw_document_undo (RwDocument *doc);
gboolean rw_document_redo (RwDocument *doc);
/* What the next undo or redo would do ("Move R1"), or NULL. */
const char *rw_document_get_undo_label (RwDocument *doc);
const char *rw_document_get_redo_label (RwDocument *doc);

/* Writes atomically to @file (or the current file when NULL) and makes it the document's file.
 * Refuses a path that would be read as configurations (rw_frr_source_kind) and the
 * import's source. */
gboolean rw_document_save (RwDocument *doc, GFile *file, GError **error);

G_END_DECLS
