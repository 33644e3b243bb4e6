/* rw-timeline-item.c — one audit event as a list item.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-timeline-item.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include "rw-json-util.h"

struct _RwTimelineItem {
  GObject parent_instance;
  RwAuditEvent *event;
  char *summary;
  guint tick;
  double seconds;
};

G_DEFINE_FINAL_TYPE (RwTimelineItem, rw_timeline_item, G_TYPE_OBJECT)

static void
rw_timeline_item_finalize (GObject *object)
{
  RwTimelineItem *i = RW_TIMELINE_ITEM (object);
  rw_audit_event_free (i->event);
  g_free (i->summary);
  G_OBJECT_CLASS (rw_timeline_item_parent_class)->finalize (object);
}

static void
rw_timeline_item_class_init (RwTimelineItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rw_timeline_item_finalize;
}

static void
rw_timeline_item_init (RwTimelineItem *i)
{
}

/* Audit payloads come from a database anyone with the file can edit: checked before json-glib,
 * which deep nesting crashes. */
static JsonNode *
payload_node (const char *text)
{
  g_autofree char *bad = NULL;
  if (text == NULL || (bad = rw_json_check_text (text, -1, NULL)) != NULL)
    return NULL;
  return json_from_string (text, NULL);
}

RwTimelineItem *
rw_timeline_item_new (const RwAuditEvent *event, double tick_s)
{
  RwTimelineItem *i = g_object_new (RW_TYPE_TIMELINE_ITEM, NULL);
  g_autoptr(JsonNode) payload = payload_node (event->payload);
  i->event = rw_audit_event_copy (event);
  if (payload && JSON_NODE_HOLDS_OBJECT (payload))
    {
      JsonObject *o = json_node_get_object (payload);
      i->summary = g_strdup (json_object_get_string_member_with_default (o, "summary", ""));
      i->tick = (guint) json_object_get_int_member_with_default (o, "tick", 0);
    }
  if (i->summary == NULL)
    i->summary = g_strdup (event->kind);
  i->seconds = i->tick * tick_s;
  return i;
}

const RwAuditEvent *
rw_timeline_item_get_event (RwTimelineItem *i)
{
  return i->event;
}

const char *
rw_timeline_item_get_kind (RwTimelineItem *i)
{
  return i->event->kind;
}

const char *
rw_timeline_item_get_summary (RwTimelineItem *i)
{
  return i->summary;
}

guint
rw_timeline_item_get_tick (RwTimelineItem *i)
{
  return i->tick;
}

double
rw_timeline_item_get_seconds (RwTimelineItem *i)
{
  return i->seconds;
}

char *
rw_timeline_item_dup_details (RwTimelineItem *i)
{
  g_autoptr(JsonNode) payload = payload_node (i->event->payload);
  g_autofree char *pretty = payload ? json_to_string (payload, TRUE) : g_strdup ("");
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "%s\n\n", i->summary);
  g_string_append_printf (s, _("Kind: %s\nActor: %s\nDecision: %s\nTick: %u (%.0f s)\n"), i->event->kind,
                          i->event->actor ? i->event->actor : "", i->event->decision_tag ? i->event->decision_tag : "—",
                          i->tick, i->seconds);
  if (i->event->hash)
    g_string_append_printf (s, _("Sequence: %lld\nTime: %s\nHash: %s\nPrevious: %s\n"), (long long) i->event->seq,
                            i->event->ts ? i->event->ts : "", i->event->hash, i->event->prev_hash ? i->event->prev_hash : "");
  else
    g_string_append (s, _("Not persisted: this run has no database.\n"));
  g_string_append_printf (s, "\n%s\n", pretty);
  return g_string_free (s, FALSE);
}

const char *
rw_timeline_kind_label (const char *kind)
{
  /* the kinds the agent and the lab record; the record keeps the English word */
  static const struct { const char *kind, *label; } labels[] = {
    { "fault", NC_("audit kind", "fault") },
    { "anomaly", NC_("audit kind", "anomaly") },
    { "hypothesis", NC_("audit kind", "hypothesis") },
    { "decision", NC_("audit kind", "decision") },
    { "debate", NC_("audit kind", "debate") },
    { "verify", NC_("audit kind", "verify") },
    { "cancel", NC_("audit kind", "cancel") },
    { "guard", NC_("audit kind", "guard") },
    { "approval", NC_("audit kind", "approval") },
    { "act", NC_("audit kind", "act") },
    { "settle", NC_("audit kind", "settle") },
    { "rollback", NC_("audit kind", "rollback") },
    { "learn", NC_("audit kind", "learn") },
    { "escalate", NC_("audit kind", "escalate") },
    { "observe", NC_("audit kind", "observe") },
    { "run", NC_("audit kind", "run") },
    { "drift", NC_("audit kind", "drift") },
    { "world", NC_("audit kind", "world") },
  };
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].kind, kind) == 0)
      return g_dpgettext2 (GETTEXT_PACKAGE, "audit kind", labels[i].label);
  return kind;
}

const char *
rw_timeline_kind_icon (const char *kind)
{
  static const struct { const char *kind, *icon; } icons[] = {
    { "fault", "network-error-symbolic" },
    { "anomaly", "dialog-warning-symbolic" },
    { "hypothesis", "system-search-symbolic" },
    { "decision", "emblem-system-symbolic" },
    { "debate", "user-available-symbolic" },
    { "verify", "emblem-ok-symbolic" },
    { "cancel", "process-stop-symbolic" },
    { "guard", "security-high-symbolic" },
    { "approval", "avatar-default-symbolic" },
    { "act", "media-playback-start-symbolic" },
    { "settle", "emblem-default-symbolic" },
    { "rollback", "edit-undo-symbolic" },
    { "learn", "starred-symbolic" },
    { "escalate", "dialog-error-symbolic" },
    { "reevaluate", "view-refresh-symbolic" },
    { "observe", "utilities-system-monitor-symbolic" },
    { "run", "media-record-symbolic" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    if (g_strcmp0 (icons[i].kind, kind) == 0)
      return icons[i].icon;
  return "text-x-generic-symbolic";
}
