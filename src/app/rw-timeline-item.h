/* rw-timeline-item.h — one audit event as a list item for the timeline (GListModel).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include "rw-store.h"

G_BEGIN_DECLS

#define RW_TYPE_TIMELINE_ITEM (rw_timeline_item_get_type ())
G_DECLARE_FINAL_TYPE (RwTimelineItem, rw_timeline_item, RW, TIMELINE_ITEM, GObject)

/* Copies @event; @tick_s converts ticks to simulated seconds. */
RwTimelineItem *rw_timeline_item_new (const RwAuditEvent *event, double tick_s);
const RwAuditEvent *rw_timeline_item_get_event (RwTimelineItem *item);
const char *rw_timeline_item_get_kind (RwTimelineItem *item);
const char *rw_timeline_item_get_summary (RwTimelineItem *item);
guint rw_timeline_item_get_tick (RwTimelineItem *item);
double rw_timeline_item_get_seconds (RwTimelineItem *item);
/* The detail text: summary, actor, seq, hashes and the pretty-printed payload. */
char *rw_timeline_item_dup_details (RwTimelineItem *item);
/* A symbolic icon name for the event kind. */
const char *rw_timeline_kind_icon (const char *kind);
/* A kind as the UI shows it, translated ("act" -> "Aktion"); unknown kinds as they are. */
const char *rw_timeline_kind_label (const char *kind);

G_END_DECLS
