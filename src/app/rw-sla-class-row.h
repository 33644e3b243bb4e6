/* rw-sla-class-row.h — one SLA class in the SLA editor: its name, latency and loss limits, and
 * how many demands use it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define RW_TYPE_SLA_CLASS_ROW (rw_sla_class_row_get_type ())
G_DECLARE_FINAL_TYPE (RwSlaClassRow, rw_sla_class_row, RW, SLA_CLASS_ROW, AdwExpanderRow)

/* @value: the class's JSON ({"latency_ms": …, "loss_pct": …}); @users: demands in it. */
GtkWidget *rw_sla_class_row_new (const char *name, JsonNode *value, guint users);
const char *rw_sla_class_row_get_name (RwSlaClassRow *row);
/* "name", "latency_ms" or "loss_pct" */
AdwEntryRow *rw_sla_class_row_get_field (RwSlaClassRow *row, const char *key);
/* A number typed in a row as JSON: a number when it reads as one, else the text (the loader
 * then names the field); NULL when empty. */
JsonNode *rw_typed_number (const char *text);

/* Signals: "rename" (const char *new_name), "edited" (JsonNode *new_value), "remove". */

G_END_DECLS
