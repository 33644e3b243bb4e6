/* test-bmp.c — the BMP parser and collector (src/lab/rw-bmp.c, rw-bmp-collector.c) on bytes a
 * real FRR 8.4 bgpd sent (tests/data/bmp; its README says how they were captured and what vtysh
 * showed at the time): the events of a whole session, the same events whatever the bytes are
 * split into, the routes per peer equal to vtysh's, cuts that wait for more bytes, edits that
 * break one field and give an error naming it and its byte, and the collector on a real TCP
 * socket, which survives a connection sending garbage.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-bmp.h"
#include "rw-bmp-collector.h"

#include <glib.h>
#include <string.h>

#ifndef RW_SOURCE_DIR
#error "RW_SOURCE_DIR must be defined (the source root, set in tests/meson.build)"
#endif

#define DATA_DIR RW_SOURCE_DIR "/tests/data/bmp/"
/* edge1 with rr1 and isp-a; isp-a shut down on edge1 (no NOTIFICATION in the Peer Down) */
#define LOCAL_SHUTDOWN DATA_DIR "frr-8.4-local-shutdown.bin"
/* the same, later: net1 withdraws 8.8.8.0/24, then isp-a shuts its side (NOTIFICATION) */
#define REMOTE_SHUTDOWN DATA_DIR "frr-8.4-withdraw-remote-shutdown.bin"

/* Where the first messages of LOCAL_SHUTDOWN start (README: "What the files hold"). */
#define LS_INITIATION 0
#define LS_PEER_UP_RR1 34
#define LS_PEER_UP_ISPA 301
#define LS_FIRST_ROUTE 502   /* post-policy 1.1.1.0/24 from isp-a */
#define LS_FIRST_STATS 3525
#define LS_PEER_DOWN 5253

static GBytes *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;
  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static GPtrArray *
new_events (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) rw_bmp_event_free);
}

/* Every event of @len bytes fed @chunk bytes at a time (0: all at once); no error allowed. */
static GPtrArray *
parse_chunks (const guint8 *data, gsize len, gsize chunk)
{
  g_autoptr(RwBmpParser) p = rw_bmp_parser_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *events = new_events ();
  gsize step = chunk ? chunk : MAX (len, 1);
  for (gsize i = 0; i < len; i += step)
    {
      g_assert_true (rw_bmp_parser_feed (p, data + i, MIN (step, len - i), events, &error));
      g_assert_no_error (error);
    }
  g_assert_true (rw_bmp_parser_finish (p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rw_bmp_parser_get_offset (p), ==, len);
  return events;
}

static GPtrArray *
parse_bytes (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  return parse_chunks (data, len, 0);
}

static void
append_prefixes (GString *s, const char *label, const GArray *prefixes)
{
  g_string_append_printf (s, " %s[", label);
  for (guint i = 0; i < prefixes->len; i++)
    {
      g_autofree char *p = rw_bmp_prefix_to_string (&g_array_index (prefixes, RwBmpPrefix, i));
      g_string_append_printf (s, "%s%s", i ? " " : "", p);
    }
  g_string_append_c (s, ']');
}

static void
append_open (GString *s, const char *label, const RwBmpOpen *o)
{
  g_autofree char *id = rw_bmp_ipv4_to_string (o->bgp_id);
  g_string_append_printf (s, " %s(known=%d v%u as=%u as4=%d hold=%u id=%s)", label, o->known, o->version, o->as,
                          o->as4, o->hold_time, id);
}

/* Every field of @ev but the collector's (router, connection), as one line: two events are
 * the same when their lines are. */
static char *
describe (const RwBmpEvent *ev)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "@%" G_GUINT64_FORMAT " %s", ev->offset, rw_bmp_event_kind_to_string (ev->kind));
  if (ev->peer.address)
    {
      g_autofree char *id = rw_bmp_ipv4_to_string (ev->peer.bgp_id);
      g_string_append_printf (s, " peer(type=%u flags=%02x post=%d rd=%" G_GUINT64_FORMAT " %s as=%u id=%s t=%u.%06u)",
                              ev->peer.type, ev->peer.flags, ev->peer.post_policy, ev->peer.distinguisher,
                              ev->peer.address, ev->peer.as, id, ev->peer.timestamp_s, ev->peer.timestamp_us);
    }
  for (guint i = 0; ev->info && i < ev->info->len; i++)
    {
      const RwBmpInfo *info = ev->info->pdata[i];
      g_string_append_printf (s, " info%u=\"%s\"", info->type, info->value);
    }
  g_string_append_printf (s, " name=%s descr=%s reason=%d", ev->sys_name, ev->sys_descr, ev->termination_reason);
  if (ev->kind == RW_BMP_EVENT_PEER_UP)
    {
      g_string_append_printf (s, " local=%s:%u remote-port=%u", ev->up.local_address, ev->up.local_port,
                              ev->up.remote_port);
      append_open (s, "sent", &ev->up.sent);
      append_open (s, "received", &ev->up.received);
    }
  if (ev->kind == RW_BMP_EVENT_PEER_DOWN)
    g_string_append_printf (s, " down(reason=%u notification=%d %u/%u fsm=%u)", ev->down.reason,
                            ev->down.has_notification, ev->down.code, ev->down.subcode, ev->down.fsm_event);
  if (ev->kind == RW_BMP_EVENT_ROUTE_MONITORING)
    {
      g_autofree char *path = rw_bmp_as_path_to_string (ev->route.as_path);
      g_autofree char *nh = rw_bmp_ipv4_to_string (ev->route.next_hop);
      g_string_append_printf (s, " attrs=%x origin=%u path=\"%s\" nh=%s med=%u lp=%u comm=", ev->route.present,
                              ev->route.origin, path, nh, ev->route.med, ev->route.local_pref);
      for (guint i = 0; i < ev->route.communities->len; i++)
        {
          guint32 c = g_array_index (ev->route.communities, guint32, i);
          g_string_append_printf (s, "%s%u:%u", i ? "," : "", c >> 16, c & 0xffff);
        }
      append_prefixes (s, "withdrawn", ev->route.withdrawn);
      append_prefixes (s, "nlri", ev->route.announced);
    }
  for (guint i = 0; ev->stats && i < ev->stats->len; i++)
    {
      const RwBmpStat *st = &g_array_index (ev->stats, RwBmpStat, i);
      g_string_append_printf (s, " stat%u=%" G_GUINT64_FORMAT "/%u/%u", st->type, st->value, st->afi, st->safi);
    }
  if (ev->error)
    g_string_append_printf (s, " error=%s", ev->error);
  return g_string_free (s, FALSE);
}

static void
assert_same_events (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      g_autofree char *da = describe (a->pdata[i]);
      g_autofree char *db = describe (b->pdata[i]);
      g_assert_cmpstr (da, ==, db);
    }
}

static const RwBmpEvent *
nth_event (GPtrArray *events, RwBmpEventKind kind, const char *peer, guint nth)
{
  for (guint i = 0; i < events->len; i++)
    {
      const RwBmpEvent *ev = events->pdata[i];
      if (ev->kind == kind && (peer == NULL || g_strcmp0 (ev->peer.address, peer) == 0) && nth-- == 0)
        return ev;
    }
  return NULL;
}

static guint
count_events (GPtrArray *events, RwBmpEventKind kind, const char *peer)
{
  guint n = 0;
  while (nth_event (events, kind, peer, n))
    n++;
  return n;
}

static const RwBmpEvent *
event_at (GPtrArray *events, guint64 offset)
{
  for (guint i = 0; i < events->len; i++)
    if (((const RwBmpEvent *) events->pdata[i])->offset == offset)
      return events->pdata[i];
  return NULL;
}

/* How many messages of the whole parse @events end at or before byte @at of a stream of @len
 * bytes: a message ends where the next one starts. */
static guint
messages_ending_by (GPtrArray *events, gsize len, guint64 at)
{
  guint n = 0;
  for (guint i = 0; i < events->len; i++)
    {
      guint64 end = i + 1 < events->len ? ((const RwBmpEvent *) events->pdata[i + 1])->offset : len;
      if (end <= at)
        n++;
    }
  return n;
}

/* ---- routes per peer, as vtysh shows them ---- */

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (a, b);
}

/* The prefixes of one view (pre- or post-policy) of @peer after the first @upto events:
 * announcements add, withdrawals remove, a Peer Down of the peer empties the view. Sorted as
 * strings, space-separated, as the README lists them. */
static char *
view (GPtrArray *events, guint upto, const char *peer, gboolean post_policy)
{
  g_autoptr(GHashTable) rib = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) s = g_string_new (NULL);
  GList *keys;
  for (guint i = 0; i < upto && i < events->len; i++)
    {
      const RwBmpEvent *ev = events->pdata[i];
      if (g_strcmp0 (ev->peer.address, peer) != 0)
        continue;
      if (ev->kind == RW_BMP_EVENT_PEER_DOWN)
        g_hash_table_remove_all (rib);
      if (ev->kind != RW_BMP_EVENT_ROUTE_MONITORING || ev->peer.post_policy != post_policy)
        continue;
      for (guint k = 0; k < ev->route.withdrawn->len; k++)
        {
          g_autofree char *p = rw_bmp_prefix_to_string (&g_array_index (ev->route.withdrawn, RwBmpPrefix, k));
          g_hash_table_remove (rib, p);
        }
      for (guint k = 0; k < ev->route.announced->len; k++)
        g_hash_table_add (rib, rw_bmp_prefix_to_string (&g_array_index (ev->route.announced, RwBmpPrefix, k)));
    }
  keys = g_list_sort (g_hash_table_get_keys (rib), compare_strings);
  for (GList *l = keys; l; l = l->next)
    g_string_append_printf (s, "%s%s", s->len ? " " : "", (const char *) l->data);
  g_list_free (keys);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The index of the first event at or after byte @offset: "the events before it". */
static guint
index_at (GPtrArray *events, guint64 offset)
{
  guint i = 0;
  while (i < events->len && ((const RwBmpEvent *) events->pdata[i])->offset < offset)
    i++;
  return i;
}

static void
assert_view (GPtrArray *events, guint upto, const char *peer, gboolean post_policy, const char *expected)
{
  g_autofree char *got = view (events, upto, peer, post_policy);
  g_test_message ("%s %s-policy after %u events: %s", peer, post_policy ? "post" : "pre", upto, got);
  g_assert_cmpstr (got, ==, expected);
}

/* What tests/data/bmp/README lists, from vtysh on edge1 at the time. */
#define RR1 "10.255.10.3"
#define ISPA "100.64.10.0"
#define ALL_SEVEN "1.1.1.0/24 104.16.0.0/13 142.250.0.0/15 198.51.100.0/24 198.51.100.192/26 203.0.113.0/24 8.8.8.0/24"
/* `show bgp ipv4 unicast json`, the paths from rr1 / isp-a (what passed the import checks) */
#define RR1_POST "1.1.1.0/24 104.16.0.0/13 198.51.100.0/24 198.51.100.192/26 203.0.113.0/24"
#define ISPA_POST "1.1.1.0/24 104.16.0.0/13 142.250.0.0/15 8.8.8.0/24"
/* `show bgp ipv4 unicast neighbors X received-routes json` (soft-reconfiguration inbound) */
#define RR1_PRE ALL_SEVEN
#define ISPA_PRE "1.1.1.0/24 104.16.0.0/13 142.250.0.0/15 198.51.100.0/24 203.0.113.0/24 8.8.8.0/24"

/* ---- the captures, whole ---- */

static void
assert_peer_up_rr1 (const RwBmpEvent *up)
{
  g_autofree char *id = NULL;
  g_assert_nonnull (up);
  id = rw_bmp_ipv4_to_string (up->peer.bgp_id);
  g_assert_cmpstr (up->peer.address, ==, RR1);
  g_assert_cmpuint (up->peer.as, ==, 65010);
  g_assert_cmpstr (id, ==, "10.255.10.3");
  g_assert_cmpuint (up->peer.type, ==, 0);
  g_assert_false (up->peer.post_policy);
  g_assert_cmpuint (up->peer.timestamp_s, >, 1700000000);
  g_assert_cmpstr (up->up.local_address, ==, "10.255.10.1");
  g_assert_cmpuint (up->up.remote_port, ==, 179);
  /* both OPENs of the iBGP session: AS 65010 in the 4-octet capability, hold time 180 */
  g_assert_true (up->up.sent.known);
  g_assert_cmpuint (up->up.sent.version, ==, 4);
  g_assert_cmpuint (up->up.sent.as, ==, 65010);
  g_assert_true (up->up.sent.as4);
  g_assert_cmpuint (up->up.sent.hold_time, ==, 180);
  g_assert_cmphex (up->up.sent.bgp_id, ==, 0x0aff0a01);
  g_assert_true (up->up.received.known);
  g_assert_cmpuint (up->up.received.as, ==, 65010);
  g_assert_true (up->up.received.as4);
  g_assert_cmphex (up->up.received.bgp_id, ==, 0x0aff0a03);
  /* FRR puts the neighbour's description in an information TLV (type 0, string) */
  g_assert_cmpuint (up->info->len, ==, 1);
  g_assert_cmpuint (((RwBmpInfo *) up->info->pdata[0])->type, ==, 0);
  g_assert_cmpstr (((RwBmpInfo *) up->info->pdata[0])->value, ==, "rr1");
}

static void
assert_initiation (GPtrArray *events)
{
  const RwBmpEvent *init = events->pdata[0];
  g_assert_cmpint (init->kind, ==, RW_BMP_EVENT_INITIATION);
  g_assert_cmpuint (init->offset, ==, 0);
  g_assert_cmpstr (init->sys_name, ==, "edge1");
  g_assert_cmpstr (init->sys_descr, ==, "FRRouting 8.4.4");
  g_assert_cmpuint (init->info->len, ==, 2);
  g_assert_null (init->peer.address);
  g_assert_cmpuint (count_events (events, RW_BMP_EVENT_INITIATION, NULL), ==, 1);
  /* FRR 8.4 closes the connection without a Termination message */
  g_assert_cmpuint (count_events (events, RW_BMP_EVENT_TERMINATION, NULL), ==, 0);
}

static void
assert_stats (GPtrArray *events, const char *peer, guint n, guint64 as_path_loops, guint64 originator_loops)
{
  /* FRR 8.4 reports the same seven counters every second, 4 bytes each */
  static const guint16 types[] = { 0, 4, 5, 3, 2, 11, 65531 };
  const RwBmpEvent *st = nth_event (events, RW_BMP_EVENT_STATISTICS, peer, 0);
  g_assert_cmpuint (count_events (events, RW_BMP_EVENT_STATISTICS, peer), ==, n);
  g_assert_nonnull (st);
  g_assert_cmpuint (st->stats->len, ==, G_N_ELEMENTS (types));
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      const RwBmpStat *c = &g_array_index (st->stats, RwBmpStat, i);
      g_assert_cmpuint (c->type, ==, types[i]);
      if (c->type == 4)
        g_assert_cmpuint (c->value, ==, as_path_loops);
      else if (c->type == 5)
        g_assert_cmpuint (c->value, ==, originator_loops);
      else
        g_assert_cmpuint (c->value, ==, 0);
    }
}

static void
test_capture_local_shutdown (void)
{
  g_autoptr(GBytes) bytes = load (LOCAL_SHUTDOWN);
  g_autoptr(GPtrArray) events = parse_bytes (bytes);
  const RwBmpEvent *up, *down, *rm;
  g_autofree char *path = NULL;
  guint before_down;

  g_assert_cmpuint (events->len, ==, 57);
  assert_initiation (events);

  /* two peers: rr1 (iBGP, reflector) and isp-a (eBGP transit) */
  g_assert_cmpuint (count_events (events, RW_BMP_EVENT_PEER_UP, NULL), ==, 2);
  assert_peer_up_rr1 (nth_event (events, RW_BMP_EVENT_PEER_UP, RR1, 0));
  up = nth_event (events, RW_BMP_EVENT_PEER_UP, ISPA, 0);
  g_assert_nonnull (up);
  g_assert_cmpuint (up->offset, ==, LS_PEER_UP_ISPA);
  g_assert_cmpuint (up->peer.as, ==, 64600);
  g_assert_cmphex (up->peer.bgp_id, ==, 0xc6120601); /* 198.18.6.1 */
  g_assert_cmpstr (up->up.local_address, ==, "100.64.10.1");
  g_assert_cmpuint (up->up.local_port, ==, 179);
  g_assert_cmpuint (up->up.sent.as, ==, 65010);
  /* FRR had not kept isp-a's OPEN and sent a bare 19-byte BGP header in its place */
  g_assert_false (up->up.received.known);
  g_assert_cmpuint (up->up.received.as, ==, 0);
  g_assert_cmpstr (((RwBmpInfo *) up->info->pdata[0])->value, ==, "isp-a transit");

  /* the routes per peer before the Peer Down are what vtysh showed then */
  before_down = index_at (events, LS_PEER_DOWN);
  assert_view (events, before_down, RR1, TRUE, RR1_POST);
  assert_view (events, before_down, ISPA, TRUE, ISPA_POST);
  assert_view (events, before_down, RR1, FALSE, RR1_PRE);
  assert_view (events, before_down, ISPA, FALSE, ISPA_PRE);

  /* post-policy 8.8.8.0/24 from isp-a: FROM-ISP-A added 65010:100. FRR 8.4 encodes the UPDATE
   * as if it sent it to isp-a: its own AS 65010 first and no LOCAL_PREF (vtysh: "64600 64800") */
  rm = event_at (events, 1014);
  g_assert_nonnull (rm);
  g_assert_cmpint (rm->kind, ==, RW_BMP_EVENT_ROUTE_MONITORING);
  g_assert_true (rm->peer.post_policy);
  g_assert_cmpstr (rm->peer.address, ==, ISPA);
  path = rw_bmp_as_path_to_string (rm->route.as_path);
  g_assert_cmpstr (path, ==, "65010 64600 64800");
  g_assert_cmpuint (rm->route.as_path->len, ==, 1);
  g_assert_cmpint (((RwBmpSegment *) rm->route.as_path->pdata[0])->type, ==, RW_BMP_SEGMENT_SEQUENCE);
  g_assert_true (rw_bmp_event_has_attr (rm, RW_BMP_ATTR_ORIGIN));
  g_assert_cmpuint (rm->route.origin, ==, 0);
  g_assert_cmphex (rm->route.next_hop, ==, 0x64400a00); /* 100.64.10.0 */
  g_assert_false (rw_bmp_event_has_attr (rm, RW_BMP_ATTR_LOCAL_PREF));
  g_assert_false (rw_bmp_event_has_attr (rm, RW_BMP_ATTR_MED));
  g_assert_cmpuint (rm->route.communities->len, ==, 2);
  g_assert_cmphex (g_array_index (rm->route.communities, guint32, 0), ==, (64800u << 16) | 100);
  g_assert_cmphex (g_array_index (rm->route.communities, guint32, 1), ==, (65010u << 16) | 100);
  g_assert_cmpuint (rm->route.withdrawn->len, ==, 0);
  g_assert_cmpuint (rm->route.announced->len, ==, 1);
  /* and pre-policy: the community isp-a sent, without ours */
  rm = event_at (events, 1129);
  g_assert_false (rm->peer.post_policy);
  g_assert_cmpuint (rm->route.communities->len, ==, 1);

  /* 1.1.1.0/24 reflected by rr1 from edge2: LOCAL_PREF 200 (FROM-ISP-B), MED 0, ORIGINATOR_ID
   * and CLUSTER_LIST (skipped by their length) */
  rm = event_at (events, 728);
  g_clear_pointer (&path, g_free);
  path = rw_bmp_as_path_to_string (rm->route.as_path);
  g_assert_cmpstr (path, ==, "64700 64900");
  g_assert_true (rw_bmp_event_has_attr (rm, RW_BMP_ATTR_LOCAL_PREF));
  g_assert_cmpuint (rm->route.local_pref, ==, 200);
  g_assert_true (rw_bmp_event_has_attr (rm, RW_BMP_ATTR_MED));
  g_assert_cmpuint (rm->route.med, ==, 0);
  g_assert_cmphex (rm->route.next_hop, ==, 0x0aff0a02);
  g_assert_cmphex (rm->route.present, ==, 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 8 | 1u << 9 | 1u << 10);

  /* End-of-RIB: an empty UPDATE per peer and view */
  for (guint64 at = 3241; at <= 3454; at += 71)
    {
      rm = event_at (events, at);
      g_assert_nonnull (rm);
      g_assert_cmpuint (rm->route.present, ==, 0);
      g_assert_cmpuint (rm->route.announced->len + rm->route.withdrawn->len, ==, 0);
    }

  assert_stats (events, RR1, 15, 0, 6);
  assert_stats (events, ISPA, 8, 5, 0);

  /* `neighbor 100.64.10.0 shutdown` on edge1: closed locally, no NOTIFICATION in the message */
  g_assert_cmpuint (count_events (events, RW_BMP_EVENT_PEER_DOWN, NULL), ==, 1);
  down = nth_event (events, RW_BMP_EVENT_PEER_DOWN, ISPA, 0);
  g_assert_nonnull (down);
  g_assert_cmpuint (down->offset, ==, LS_PEER_DOWN);
  g_assert_cmpint (down->down.reason, ==, RW_BMP_DOWN_LOCAL_NO_NOTIFICATION);
  g_assert_false (down->down.has_notification);
  g_assert_cmpuint (down->down.fsm_event, ==, 0);

  /* then rr1 brings net1's prefixes through edge2: every route of edge1 is from rr1 */
  assert_view (events, events->len, RR1, TRUE, ALL_SEVEN);
  assert_view (events, events->len, ISPA, TRUE, "");
  assert_view (events, events->len, ISPA, FALSE, "");
}

static void
test_capture_remote_shutdown (void)
{
  g_autoptr(GBytes) bytes = load (REMOTE_SHUTDOWN);
  g_autoptr(GPtrArray) events = parse_bytes (bytes);
  const RwBmpEvent *up, *down, *wd;
  guint before_withdraw, before_down;

  g_assert_cmpuint (events->len, ==, 50);
  assert_initiation (events);
  g_assert_cmpuint (count_events (events, RW_BMP_EVENT_PEER_UP, NULL), ==, 2);
  assert_peer_up_rr1 (nth_event (events, RW_BMP_EVENT_PEER_UP, RR1, 0));
  /* this time FRR had isp-a's OPEN */
  up = nth_event (events, RW_BMP_EVENT_PEER_UP, ISPA, 0);
  g_assert_true (up->up.received.known);
  g_assert_cmpuint (up->up.received.as, ==, 64600);
  g_assert_true (up->up.received.as4);
  g_assert_cmpuint (up->up.received.hold_time, ==, 180);
  g_assert_cmphex (up->up.received.bgp_id, ==, 0xc6120601);
  g_assert_cmpuint (up->up.remote_port, ==, 179);

  before_withdraw = index_at (events, 4251);
  assert_view (events, before_withdraw, RR1, TRUE, RR1_POST);
  assert_view (events, before_withdraw, ISPA, TRUE, ISPA_POST);
  assert_view (events, before_withdraw, RR1, FALSE, RR1_PRE);
  assert_view (events, before_withdraw, ISPA, FALSE, ISPA_PRE);

  /* net1 stops announcing 8.8.8.0/24: isp-a withdraws it, in both views */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *p = NULL;
      wd = event_at (events, i == 0 ? 4251 : 4326);
      g_assert_nonnull (wd);
      g_assert_cmpstr (wd->peer.address, ==, ISPA);
      g_assert_cmpint (wd->peer.post_policy, ==, i == 0);
      g_assert_cmpuint (wd->route.withdrawn->len, ==, 1);
      g_assert_cmpuint (wd->route.announced->len, ==, 0);
      g_assert_cmpuint (wd->route.present, ==, 0);
      p = rw_bmp_prefix_to_string (&g_array_index (wd->route.withdrawn, RwBmpPrefix, 0));
      g_assert_cmpstr (p, ==, "8.8.8.0/24");
    }
  before_down = index_at (events, 5049);
  assert_view (events, before_down, ISPA, TRUE, "1.1.1.0/24 104.16.0.0/13 142.250.0.0/15");
  assert_view (events, before_down, RR1, TRUE, RR1_POST);

  /* `neighbor 100.64.10.1 shutdown` on isp-a: its NOTIFICATION Cease (6) / Administrative
   * Shutdown (2); edge1 tries again and gets the same once more */
  g_assert_cmpuint (count_events (events, RW_BMP_EVENT_PEER_DOWN, ISPA), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      down = nth_event (events, RW_BMP_EVENT_PEER_DOWN, ISPA, i);
      g_assert_cmpint (down->down.reason, ==, RW_BMP_DOWN_REMOTE_NOTIFICATION);
      g_assert_true (down->down.has_notification);
      g_assert_cmpuint (down->down.code, ==, 6);
      g_assert_cmpuint (down->down.subcode, ==, 2);
    }
  g_assert_cmpuint (nth_event (events, RW_BMP_EVENT_PEER_DOWN, ISPA, 0)->offset, ==, 5049);

  assert_stats (events, RR1, 9, 0, 8);
  assert_stats (events, ISPA, 6, 7, 0);

  /* at the end: 142.250.0.0/15 through rr1 (edge2), 8.8.8.0/24 nowhere */
  assert_view (events, events->len, RR1, TRUE,
               "1.1.1.0/24 104.16.0.0/13 142.250.0.0/15 198.51.100.0/24 198.51.100.192/26 203.0.113.0/24");
  assert_view (events, events->len, ISPA, TRUE, "");
}

/* ---- bytes split anywhere ---- */

static void
test_split (gconstpointer path)
{
  g_autoptr(GBytes) bytes = load (path);
  g_autoptr(GPtrArray) whole = parse_bytes (bytes);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7854);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  static const gsize chunks[] = { 1, 2, 3, 5, 6, 7, 42, 1000 };

  for (guint c = 0; c < G_N_ELEMENTS (chunks); c++)
    {
      g_autoptr(GPtrArray) split = parse_chunks (data, len, chunks[c]);
      assert_same_events (whole, split);
    }
  /* pieces of random sizes */
  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(RwBmpParser) p = rw_bmp_parser_new ();
      g_autoptr(GPtrArray) split = new_events ();
      g_autoptr(GError) error = NULL;
      for (gsize at = 0; at < len;)
        {
          gsize n = (gsize) g_rand_int_range (rand, 0, 300);
          n = MIN (n, len - at);
          g_assert_true (rw_bmp_parser_feed (p, data + at, n, split, &error));
          at += n;
        }
      g_assert_true (rw_bmp_parser_finish (p, &error));
      g_assert_no_error (error);
      assert_same_events (whole, split);
    }
}

/* ---- a stream cut short ---- */

static void
test_truncated (void)
{
  g_autoptr(GBytes) bytes = load (LOCAL_SHUTDOWN);
  g_autoptr(GPtrArray) whole = parse_bytes (bytes);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  const gsize cuts[] = { 1, 5, 6, 33, 34, 35, 100, 301, 560, LS_PEER_DOWN + 20, len - 1, len };

  for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
    for (guint bytewise = 0; bytewise < 2; bytewise++)
      {
        g_autoptr(RwBmpParser) p = rw_bmp_parser_new ();
        g_autoptr(GPtrArray) events = new_events ();
        g_autoptr(GError) error = NULL;
        gsize cut = cuts[c];
        guint complete = messages_ending_by (whole, len, cut);
        guint64 start = complete < whole->len ? ((const RwBmpEvent *) whole->pdata[complete])->offset : len;

        for (gsize at = 0; at < cut; at += bytewise ? 1 : cut)
          {
            g_assert_true (rw_bmp_parser_feed (p, data + at, bytewise ? 1 : cut, events, &error));
            g_assert_no_error (error);
          }
        /* no event past the cut, every one before it */
        g_assert_cmpuint (events->len, ==, complete);
        for (guint i = 0; i < events->len; i++)
          {
            g_autofree char *a = describe (events->pdata[i]);
            g_autofree char *b = describe (whole->pdata[i]);
            g_assert_cmpstr (a, ==, b);
          }
        /* the end of the stream: fine at a message boundary, else an error naming the message */
        if (start == cut)
          {
            g_assert_true (rw_bmp_parser_finish (p, &error));
            g_assert_no_error (error);
          }
        else
          {
            g_autofree char *prefix = g_strdup_printf ("byte %" G_GUINT64_FORMAT ": the stream ends inside ", start);
            g_assert_false (rw_bmp_parser_finish (p, &error));
            g_assert_error (error, RW_BMP_ERROR, RW_BMP_ERROR_TRUNCATED);
            g_assert_true (g_str_has_prefix (error->message, prefix));
            g_clear_error (&error);
          }
        /* the rest of the bytes complete the session */
        g_assert_true (rw_bmp_parser_feed (p, data + cut, len - cut, events, &error));
        g_assert_no_error (error);
        assert_same_events (whole, events);
      }
}

/* ---- malformed bytes: edits of the capture ---- */

static guint16
get_u16 (const guint8 *b, gsize at)
{
  return (guint16) (b[at] << 8 | b[at + 1]);
}

static void
set_u16 (guint8 *b, gsize at, guint16 v)
{
  b[at] = v >> 8;
  b[at + 1] = v & 0xff;
}

static void
set_u32 (guint8 *b, gsize at, guint32 v)
{
  set_u16 (b, at, v >> 16);
  set_u16 (b, at + 2, v & 0xffff);
}

#define UPDATE_AT(msg) ((msg) + 6 + 42) /* a Route Monitoring message's UPDATE */

/* Where the withdrawn routes' length, the path attributes and the NLRI of the UPDATE of the
 * Route Monitoring message at @msg are. */
typedef struct {
  gsize withdrawn_len;
  gsize attrs;
  gsize nlri;
} Layout;

static Layout
layout (const guint8 *b, gsize msg)
{
  Layout l;
  l.withdrawn_len = UPDATE_AT (msg) + 19;
  l.attrs = l.withdrawn_len + 2 + get_u16 (b, l.withdrawn_len) + 2;
  l.nlri = l.attrs + get_u16 (b, l.attrs - 2);
  return l;
}

/* Where path attribute @type of that UPDATE starts (its flags byte). */
static gsize
find_attr (const guint8 *b, gsize msg, guint8 type)
{
  Layout l = layout (b, msg);
  for (gsize at = l.attrs; at < l.nlri;)
    {
      gsize len_bytes = b[at] & 0x10 ? 2 : 1;
      if (b[at + 1] == type)
        return at;
      at += 2 + len_bytes + (len_bytes == 2 ? get_u16 (b, at + 2) : b[at + 2]);
    }
  g_assert_not_reached ();
}

/* Each edit breaks one thing and returns the byte the error must name. */
static gsize edit_version (guint8 *b) { b[0] = 4; return 0; }
static gsize edit_version_later (guint8 *b) { b[LS_PEER_UP_RR1] = 2; return LS_PEER_UP_RR1; }
static gsize edit_length_3 (guint8 *b) { set_u32 (b, 1, 3); return 1; }
static gsize edit_length_2_31 (guint8 *b) { set_u32 (b, 1, 0x80000000u); return 1; }
static gsize edit_length_later (guint8 *b) { set_u32 (b, LS_PEER_DOWN + 1, G_MAXUINT32); return LS_PEER_DOWN + 1; }
static gsize edit_type (guint8 *b) { b[5] = 7; return 5; }
static gsize edit_tlv_length (guint8 *b) { set_u16 (b, 8, 200); return 10; }
static gsize edit_peer_type (guint8 *b) { b[LS_PEER_UP_RR1 + 6] = 4; return LS_PEER_UP_RR1 + 6; }
static gsize edit_open_marker (guint8 *b) { b[LS_PEER_UP_RR1 + 68 + 3] = 0; return LS_PEER_UP_RR1 + 68 + 3; }
static gsize edit_open_type (guint8 *b) { b[LS_PEER_UP_RR1 + 68 + 18] = 2; return LS_PEER_UP_RR1 + 68 + 18; }
static gsize edit_bgp_marker (guint8 *b) { b[UPDATE_AT (LS_FIRST_ROUTE) + 7] = 0; return UPDATE_AT (LS_FIRST_ROUTE) + 7; }

static gsize
edit_bgp_length (guint8 *b)
{
  set_u16 (b, UPDATE_AT (LS_FIRST_ROUTE) + 16, 4000);
  return UPDATE_AT (LS_FIRST_ROUTE) + 16;
}

static gsize
edit_withdrawn_length (guint8 *b)
{
  Layout l = layout (b, LS_FIRST_ROUTE);
  set_u16 (b, l.withdrawn_len, 300);
  return l.withdrawn_len + 2;
}

static gsize
edit_attr_length (guint8 *b)
{
  gsize at = find_attr (b, LS_FIRST_ROUTE, RW_BMP_ATTR_COMMUNITIES);
  g_assert_cmphex (b[at], ==, 0xc0); /* optional transitive, one-byte length */
  b[at + 2] = 64;
  return at;
}

static gsize
edit_prefix_33 (guint8 *b)
{
  Layout l = layout (b, LS_FIRST_ROUTE);
  g_assert_cmpuint (b[l.nlri], ==, 24);
  b[l.nlri] = 33;
  return l.nlri;
}

static gsize
edit_prefix_past (guint8 *b)
{
  Layout l = layout (b, LS_FIRST_ROUTE);
  b[l.nlri] = 25; /* 4 bytes of address, 3 left */
  return l.nlri + 1;
}

static gsize
edit_segment_type (guint8 *b)
{
  gsize at = find_attr (b, LS_FIRST_ROUTE, RW_BMP_ATTR_AS_PATH);
  g_assert_cmphex (b[at], ==, 0x50); /* transitive, two-byte length */
  b[at + 4] = 9;
  return at + 4;
}

static gsize
edit_origin (guint8 *b)
{
  gsize at = find_attr (b, LS_FIRST_ROUTE, RW_BMP_ATTR_ORIGIN);
  b[at + 3] = 3;
  return at;
}

static gsize
edit_next_hop_length (guint8 *b)
{
  gsize at = find_attr (b, LS_FIRST_ROUTE, RW_BMP_ATTR_NEXT_HOP);
  b[at + 2] = 5;
  return at;
}

static gsize edit_down_reason (guint8 *b) { b[LS_PEER_DOWN + 48] = 9; return LS_PEER_DOWN + 48; }
static gsize edit_stats_count (guint8 *b) { set_u32 (b, LS_FIRST_STATS + 48, 1000); return LS_FIRST_STATS + 48; }

typedef struct {
  const char *name;
  gsize (*edit) (guint8 *b);
  const char *message; /* what follows "byte N: " */
} BadCase;

static const BadCase bad_cases[] = {
  { "version", edit_version, "BMP version 4, only version 3 (RFC 7854) is read" },
  { "version-later", edit_version_later, "BMP version 2, only version 3" },
  { "length-3", edit_length_3, "message length 3 is shorter than the common header (6 bytes)" },
  { "length-2^31", edit_length_2_31, "message length 2147483648 is more than the limit of 1048576 bytes" },
  { "length-later", edit_length_later, "message length 4294967295 is more than the limit" },
  { "type", edit_type, "unknown message type 7 (0-6 expected)" },
  { "tlv-past-message", edit_tlv_length, "an information TLV: 200 bytes needed, only 24 left in the Initiation message" },
  { "peer-type", edit_peer_type, "unknown peer type 4 in the Peer Up message" },
  { "open-marker", edit_open_marker, "the marker of the sent OPEN is not all ones" },
  { "open-type", edit_open_type, "the sent OPEN has BGP message type 2, 1 expected" },
  { "bgp-marker", edit_bgp_marker, "the marker of the UPDATE is not all ones" },
  { "bgp-length", edit_bgp_length, "the UPDATE of 4000 bytes runs past the end of the Route Monitoring message" },
  { "withdrawn-past-update", edit_withdrawn_length, "the withdrawn routes: 300 bytes needed" },
  { "attribute-past-message", edit_attr_length,
    "path attribute 8 (COMMUNITIES) of 64 bytes runs past the end of the path attributes (8 bytes left)" },
  { "prefix-33", edit_prefix_33, "prefix length 33 in the NLRI is more than 32" },
  { "prefix-past-update", edit_prefix_past, "a prefix: 4 bytes needed, only 3 left in the NLRI" },
  { "as-path-segment-type", edit_segment_type, "AS_PATH segment type 9 is not 1-4" },
  { "origin-value", edit_origin, "ORIGIN 3 is not 0, 1 or 2" },
  { "next-hop-length", edit_next_hop_length, "path attribute 3 (NEXT_HOP) has 5 bytes, 4 expected" },
  { "peer-down-reason", edit_down_reason, "unknown Peer Down reason 9 (1-6 expected)" },
  { "statistics-count", edit_stats_count, "1000 statistics cannot fit in the" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *bc = data;
  g_autoptr(GBytes) bytes = load (LOCAL_SHUTDOWN);
  g_autoptr(GPtrArray) whole = parse_bytes (bytes);
  gsize len = g_bytes_get_size (bytes);
  g_autofree guint8 *b = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  gsize at = bc->edit (b);
  g_autofree char *expected = g_strdup_printf ("byte %" G_GSIZE_FORMAT ": %s", at, bc->message);
  guint before = messages_ending_by (whole, len, at);

  for (guint bytewise = 0; bytewise < 2; bytewise++)
    {
      g_autoptr(RwBmpParser) p = rw_bmp_parser_new ();
      g_autoptr(GPtrArray) events = new_events ();
      g_autoptr(GError) error = NULL;
      gsize fed = 0;
      gboolean ok = TRUE;
      while (ok && fed < len)
        {
          gsize n = bytewise ? 1 : len;
          ok = rw_bmp_parser_feed (p, b + fed, n, events, &error);
          fed += n;
        }
      g_assert_false (ok);
      g_assert_error (error, RW_BMP_ERROR, RW_BMP_ERROR_MALFORMED);
      g_test_message ("%s", error->message);
      if (!g_str_has_prefix (error->message, expected))
        g_error ("%s: got “%s”, expected “%s…”", bc->name, error->message, expected);
      /* byte by byte, the error comes once the byte it names has arrived, and at the latest
       * with the last byte of its message: a message is read when it is complete */
      if (bytewise)
        {
          g_assert_cmpuint (fed, >, at);
          g_assert_cmpuint (fed, <=, before + 1 < whole->len ? ((RwBmpEvent *) whole->pdata[before + 1])->offset : len);
        }
      /* the messages before the broken one still gave their events */
      g_assert_cmpuint (events->len, ==, before);
      /* and then nothing more is taken */
      g_clear_error (&error);
      g_assert_false (rw_bmp_parser_feed (p, b, len, events, &error));
      g_assert_error (error, RW_BMP_ERROR, RW_BMP_ERROR_STOPPED);
      g_assert_nonnull (strstr (error->message, expected));
      g_clear_error (&error);
      g_assert_false (rw_bmp_parser_finish (p, &error));
      g_assert_error (error, RW_BMP_ERROR, RW_BMP_ERROR_STOPPED);
      g_assert_cmpuint (events->len, ==, before);
    }
}

/* Garbage and nothing: an HTTP request stops at its first byte, an empty feed is no event. */
static void
test_garbage (void)
{
  static const char http[] = "GET / HTTP/1.1\r\nHost: collector\r\n\r\n";
  g_autoptr(RwBmpParser) p = rw_bmp_parser_new ();
  g_autoptr(GPtrArray) events = new_events ();
  g_autoptr(GError) error = NULL;
  g_assert_true (rw_bmp_parser_feed (p, NULL, 0, events, &error));
  g_assert_true (rw_bmp_parser_finish (p, &error));
  g_assert_no_error (error);
  g_assert_false (rw_bmp_parser_feed (p, (const guint8 *) http, strlen (http), events, &error));
  g_assert_error (error, RW_BMP_ERROR, RW_BMP_ERROR_MALFORMED);
  g_assert_cmpstr (error->message, ==, "byte 0: BMP version 71, only version 3 (RFC 7854) is read");
  g_assert_cmpuint (events->len, ==, 0);
}

/* ---- what the captures do not hold: messages built here ---- */

static void
put_u8 (GByteArray *b, guint8 v)
{
  g_byte_array_append (b, &v, 1);
}

static void
put_u16 (GByteArray *b, guint16 v)
{
  put_u8 (b, v >> 8);
  put_u8 (b, v & 0xff);
}

static void
put_u32 (GByteArray *b, guint32 v)
{
  put_u16 (b, v >> 16);
  put_u16 (b, v & 0xffff);
}

static void
put_zeros (GByteArray *b, guint n)
{
  for (guint i = 0; i < n; i++)
    put_u8 (b, 0);
}

static gsize
begin_message (GByteArray *b, guint8 type)
{
  gsize at = b->len;
  put_u8 (b, 3);
  put_u32 (b, 0); /* end_message */
  put_u8 (b, type);
  return at;
}

static void
end_message (GByteArray *b, gsize at)
{
  set_u32 (b->data, at + 1, (guint32) (b->len - at));
}

static void
put_peer_header (GByteArray *b, guint8 flags, guint32 address, guint32 as)
{
  put_u8 (b, 0);
  put_u8 (b, flags);
  put_zeros (b, 8 + 12);
  put_u32 (b, address);
  put_u32 (b, as);
  put_u32 (b, address); /* BGP ID */
  put_u32 (b, 1800000000);
  put_u32 (b, 250000);
}

static gsize
begin_bgp (GByteArray *b, guint8 type)
{
  gsize at = b->len;
  for (guint i = 0; i < 16; i++)
    put_u8 (b, 0xff);
  put_u16 (b, 0); /* end_bgp */
  put_u8 (b, type);
  return at;
}

static void
end_bgp (GByteArray *b, gsize at)
{
  set_u16 (b->data, at + 16, (guint16) (b->len - at));
}

static void
put_attr (GByteArray *b, guint8 flags, guint8 type, const guint8 *value, gsize len)
{
  put_u8 (b, flags);
  put_u8 (b, type);
  if (flags & 0x10)
    put_u16 (b, (guint16) len);
  else
    put_u8 (b, (guint8) len);
  g_byte_array_append (b, value, (guint) len);
}

/* A Route Monitoring message whose AS_PATH is @path (segments of 2- or 4-octet ASNs, as the A
 * flag says). */
static GByteArray *
route_monitoring (guint8 flags, const guint8 *path, gsize path_len)
{
  static const guint8 origin[] = { 2 };
  static const guint8 next_hop[] = { 192, 0, 2, 1 };
  static const guint8 med[] = { 0, 0, 0, 50 };
  static const guint8 local_pref[] = { 0, 0, 1, 44 };
  static const guint8 communities[] = { 0xfd, 0xe8, 0, 1, 0xfd, 0xe8, 0, 2 };
  static const guint8 unknown[] = { 1, 2, 3, 4, 5 };
  GByteArray *b = g_byte_array_new ();
  gsize msg = begin_message (b, 0), update, attrs;

  put_peer_header (b, flags, 0xc6336401, 64500);
  update = begin_bgp (b, 2);
  put_u16 (b, 2);
  put_u8 (b, 8); /* withdrawn: 10.0.0.0/8 */
  put_u8 (b, 10);
  put_u16 (b, 0);
  attrs = b->len;
  put_attr (b, 0x40, 1, origin, sizeof origin);
  put_attr (b, 0x50, 2, path, path_len);
  put_attr (b, 0x40, 3, next_hop, sizeof next_hop);
  put_attr (b, 0x80, 4, med, sizeof med);
  put_attr (b, 0x40, 5, local_pref, sizeof local_pref);
  put_attr (b, 0xc0, 8, communities, sizeof communities);
  put_attr (b, 0xd0, 99, unknown, sizeof unknown); /* not read: skipped by its length */
  set_u16 (b->data, attrs - 2, (guint16) (b->len - attrs));
  put_u8 (b, 0); /* NLRI: 0.0.0.0/0, 192.0.2.128/25 (with a stray host bit), 203.0.113.7/32 */
  put_u8 (b, 25);
  put_u32 (b, 0xc00002ff);
  put_u8 (b, 32);
  put_u32 (b, 0xcb007107);
  end_bgp (b, update);
  end_message (b, msg);
  return b;
}

static RwBmpEvent *
parse_one (GByteArray *b)
{
  g_autoptr(GPtrArray) events = parse_chunks (b->data, b->len, 0);
  g_assert_cmpuint (events->len, ==, 1);
  return g_ptr_array_steal_index (events, 0);
}

static void
test_update_as_set (void)
{
  /* 2-octet ASNs (the A flag): a sequence and a set */
  static const guint8 path2[] = { 2, 2, 0xfb, 0xf4, 0xfb, 0xf5, 1, 2, 0xfb, 0xfe, 0xfb, 0xff };
  /* 4-octet: a confederation sequence, a sequence, and a set with an ASN above 65535 */
  static const guint8 path4[] = { 3, 1, 0, 0, 0xfd, 0xe9,
                                  2, 1, 0, 0, 0xfb, 0xf4,
                                  1, 2, 0xfa, 0x56, 0xea, 0x00, 0, 0, 0xfb, 0xf5 };
  g_autoptr(GByteArray) b2 = route_monitoring (RW_BMP_PEER_FLAG_AS2 | RW_BMP_PEER_FLAG_POST_POLICY, path2, sizeof path2);
  g_autoptr(GByteArray) b4 = route_monitoring (0, path4, sizeof path4);
  g_autoptr(RwBmpEvent) ev2 = parse_one (b2);
  g_autoptr(RwBmpEvent) ev4 = parse_one (b4);
  g_autofree char *path_text2 = rw_bmp_as_path_to_string (ev2->route.as_path);
  g_autofree char *path_text4 = rw_bmp_as_path_to_string (ev4->route.as_path);
  g_autofree char *text = describe (ev2);

  g_test_message ("%s", text);
  g_assert_true (ev2->peer.post_policy);
  g_assert_cmpstr (ev2->peer.address, ==, "198.51.100.1");
  g_assert_cmpstr (path_text2, ==, "64500 64501 {64510,64511}");
  g_assert_cmpint (((RwBmpSegment *) ev2->route.as_path->pdata[1])->type, ==, RW_BMP_SEGMENT_SET);
  g_assert_false (ev4->peer.post_policy);
  g_assert_cmpstr (path_text4, ==, "(65001) 64500 {4200000000,64501}");
  g_assert_cmpuint (g_array_index (((RwBmpSegment *) ev4->route.as_path->pdata[2])->asns, guint32, 0), ==, 4200000000u);

  g_assert_cmphex (ev4->route.present, ==, ev2->route.present);
  g_assert_cmpuint (ev2->route.origin, ==, 2);
  g_assert_cmphex (ev2->route.next_hop, ==, 0xc0000201);
  g_assert_cmpuint (ev2->route.med, ==, 50);
  g_assert_cmpuint (ev2->route.local_pref, ==, 300);
  g_assert_cmpuint (ev2->route.communities->len, ==, 2);
  g_assert_cmphex (ev2->route.present, ==, 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 8);
  g_assert_nonnull (strstr (text, " withdrawn[10.0.0.0/8] nlri[0.0.0.0/0 192.0.2.128/25 203.0.113.7/32]"));
}

static void
put_tlv (GByteArray *b, guint16 type, const char *text)
{
  put_u16 (b, type);
  put_u16 (b, (guint16) strlen (text));
  g_byte_array_append (b, (const guint8 *) text, (guint) strlen (text));
}

/* Initiation, Route Mirroring (skipped), a Statistics Report with a gauge and a per-AFI/SAFI
 * gauge, Peer Down with a local NOTIFICATION and its data, Peer Down of an IPv6 peer that
 * closed the session, Termination with its reason. */
static void
test_messages (void)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GPtrArray) events = NULL;
  const RwBmpEvent *ev;
  const RwBmpStat *st;
  gsize msg, bgp;

  msg = begin_message (b, 4);
  put_tlv (b, 0, "lab bmpcap");
  put_tlv (b, 2, "r1");
  end_message (b, msg);

  msg = begin_message (b, 6);
  put_peer_header (b, 0, 0x0a000001, 65001);
  put_u16 (b, 0); /* a Route Mirroring TLV, not read */
  put_u16 (b, 2);
  put_u16 (b, 0);
  end_message (b, msg);

  msg = begin_message (b, 1);
  put_peer_header (b, 0, 0x0a000001, 65001);
  put_u32 (b, 4);
  put_u16 (b, 7); /* routes in the Adj-RIB-In: a 64-bit gauge */
  put_u16 (b, 8);
  put_u32 (b, 2);
  put_u32 (b, 0x540be3ff);
  put_u16 (b, 9); /* per AFI/SAFI: IPv4 unicast */
  put_u16 (b, 11);
  put_u16 (b, 1);
  put_u8 (b, 1);
  put_u32 (b, 0);
  put_u32 (b, 42);
  put_u16 (b, 40000); /* of a size not read: skipped */
  put_u16 (b, 3);
  put_zeros (b, 3);
  put_u16 (b, 0);
  put_u16 (b, 4);
  put_u32 (b, 7);
  end_message (b, msg);

  msg = begin_message (b, 2);
  put_peer_header (b, 0, 0x0a000001, 65001);
  put_u8 (b, 1);
  bgp = begin_bgp (b, 3);
  put_u8 (b, 6); /* Cease / Maximum Number of Prefixes Reached, with its data */
  put_u8 (b, 1);
  put_zeros (b, 7);
  end_bgp (b, bgp);
  end_message (b, msg);

  msg = begin_message (b, 2);
  put_u8 (b, 0);
  put_u8 (b, RW_BMP_PEER_FLAG_IPV6);
  put_zeros (b, 8);
  put_u32 (b, 0x20010db8); /* 2001:db8::1 */
  put_zeros (b, 8);
  put_u32 (b, 1);
  put_u32 (b, 64496);
  put_u32 (b, 0x0a000002);
  put_zeros (b, 8);
  put_u8 (b, 4);
  end_message (b, msg);

  msg = begin_message (b, 5);
  put_tlv (b, 0, "collector going away");
  put_u16 (b, 1);
  put_u16 (b, 2);
  put_u16 (b, 1); /* unspecified reason */
  end_message (b, msg);

  events = parse_chunks (b->data, b->len, 0);
  g_assert_cmpuint (events->len, ==, 5);

  ev = events->pdata[0];
  g_assert_cmpint (ev->kind, ==, RW_BMP_EVENT_INITIATION);
  g_assert_cmpstr (ev->sys_name, ==, "r1");
  g_assert_null (ev->sys_descr);
  g_assert_cmpuint (ev->info->len, ==, 2);
  g_assert_cmpstr (((RwBmpInfo *) ev->info->pdata[0])->value, ==, "lab bmpcap");

  ev = events->pdata[1];
  g_assert_cmpint (ev->kind, ==, RW_BMP_EVENT_STATISTICS);
  g_assert_cmpuint (ev->stats->len, ==, 3);
  st = &g_array_index (ev->stats, RwBmpStat, 0);
  g_assert_cmpuint (st->type, ==, 7);
  g_assert_cmpuint (st->value, ==, G_GUINT64_CONSTANT (9999999999));
  st = &g_array_index (ev->stats, RwBmpStat, 1);
  g_assert_cmpuint (st->type, ==, 9);
  g_assert_cmpuint (st->afi, ==, 1);
  g_assert_cmpuint (st->safi, ==, 1);
  g_assert_cmpuint (st->value, ==, 42);
  st = &g_array_index (ev->stats, RwBmpStat, 2);
  g_assert_cmpuint (st->type, ==, 0);
  g_assert_cmpuint (st->value, ==, 7);

  ev = events->pdata[2];
  g_assert_cmpint (ev->down.reason, ==, RW_BMP_DOWN_LOCAL_NOTIFICATION);
  g_assert_true (ev->down.has_notification);
  g_assert_cmpuint (ev->down.code, ==, 6);
  g_assert_cmpuint (ev->down.subcode, ==, 1);

  ev = events->pdata[3];
  g_assert_cmpint (ev->down.reason, ==, RW_BMP_DOWN_REMOTE_NO_DATA);
  g_assert_false (ev->down.has_notification);
  g_assert_cmpstr (ev->peer.address, ==, "2001:db8::1");
  g_assert_cmpuint (ev->peer.as, ==, 64496);

  ev = events->pdata[4];
  g_assert_cmpint (ev->kind, ==, RW_BMP_EVENT_TERMINATION);
  g_assert_cmpint (ev->termination_reason, ==, 1);
  g_assert_cmpuint (ev->info->len, ==, 1);
  g_assert_cmpstr (((RwBmpInfo *) ev->info->pdata[0])->value, ==, "collector going away");
}

static void
test_copy (void)
{
  const char *const files[] = { LOCAL_SHUTDOWN, REMOTE_SHUTDOWN };
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr(GBytes) bytes = load (files[f]);
      g_autoptr(GPtrArray) events = parse_bytes (bytes);
      g_autoptr(GPtrArray) copies = new_events ();
      for (guint i = 0; i < events->len; i++)
        g_ptr_array_add (copies, rw_bmp_event_copy (events->pdata[i]));
      /* the copies own their memory: free the originals first */
      g_clear_pointer (&events, g_ptr_array_unref);
      events = parse_bytes (bytes);
      assert_same_events (events, copies);
    }
}

/* ---- the collector on a real socket ---- */

typedef struct {
  GPtrArray *events; /* copies of what the collector delivered */
} Received;

static void
on_event (const RwBmpEvent *ev, gpointer data)
{
  Received *r = data;
  g_assert_cmpstr (ev->router, ==, "127.0.0.1");
  g_assert_cmpuint (ev->connection, >, 0);
  g_ptr_array_add (r->events, rw_bmp_event_copy (ev));
}

/* The events of connection @conn, in order. */
static GPtrArray *
events_of (Received *r, guint conn)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < r->events->len; i++)
    if (((RwBmpEvent *) r->events->pdata[i])->connection == conn)
      g_ptr_array_add (out, r->events->pdata[i]);
  return out;
}

static guint
n_events_of (Received *r, guint conn)
{
  g_autoptr(GPtrArray) evs = events_of (r, conn);
  return evs->len;
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context until connection @conn has delivered @n events (bounded: 20 s). */
static void
wait_for (Received *r, guint conn, guint n)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (20, on_timeout, &timed_out);
  while (n_events_of (r, conn) < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("connection %u: %u events after 20 s, %u expected", conn, n_events_of (r, conn), n);
  g_source_remove (id);
}

static GSocketConnection *
connect_to (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;
  GSocketConnection *c;
  g_socket_client_set_enable_proxy (client, FALSE); /* whatever the machine's proxy settings */
  c = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (addr), NULL, &error);
  g_assert_no_error (error);
  return c;
}

static void
send_bytes (GSocketConnection *c, const guint8 *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (c));
  g_assert_true (g_output_stream_write_all (out, data, len, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* Lets the reads the collector cancelled finish, so that their memory goes. */
static void
drain (void)
{
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static void
test_collector (void)
{
  static const char garbage[] = "GET / HTTP/1.1\r\nHost: collector\r\n\r\n";
  g_autoptr(GBytes) bytes = load (LOCAL_SHUTDOWN);
  g_autoptr(GPtrArray) whole = parse_bytes (bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) a = NULL;
  g_autoptr(GSocketConnection) b = NULL;
  g_autoptr(GPtrArray) from_a = NULL;
  g_autoptr(GPtrArray) from_b = NULL;
  Received r = { g_ptr_array_new_with_free_func ((GDestroyNotify) rw_bmp_event_free) };
  RwBmpCollector *collector;
  const RwBmpEvent *last;
  const gsize half = 1000; /* inside a Route Monitoring message */
  guint8 buf[16];
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  collector = rw_bmp_collector_new ("127.0.0.1", 0, on_event, &r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rw_bmp_collector_get_port (collector), >, 0);

  /* a router sends the first part of its session */
  a = connect_to (rw_bmp_collector_get_port (collector));
  send_bytes (a, data, half);
  wait_for (&r, 1, messages_ending_by (whole, len, half));

  /* another connection sends garbage: an error for it alone, and it is closed */
  b = connect_to (rw_bmp_collector_get_port (collector));
  send_bytes (b, (const guint8 *) garbage, strlen (garbage));
  wait_for (&r, 2, 1);
  from_b = events_of (&r, 2);
  last = from_b->pdata[0];
  g_assert_cmpint (last->kind, ==, RW_BMP_EVENT_ERROR);
  g_assert_cmpstr (last->error, ==, "byte 0: BMP version 71, only version 3 (RFC 7854) is read");
  g_assert_cmpuint (last->offset, ==, strlen (garbage));
  g_assert_cmpuint (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (b)), buf, sizeof buf, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (rw_bmp_collector_get_n_connections (collector), ==, 1);

  /* the first goes on: the rest of its session, then it closes */
  send_bytes (a, data + half, len - half);
  wait_for (&r, 1, whole->len);
  g_assert_true (g_io_stream_close (G_IO_STREAM (a), NULL, &error));
  wait_for (&r, 1, whole->len + 1);
  from_a = events_of (&r, 1);
  last = g_ptr_array_steal_index (from_a, from_a->len - 1);
  g_assert_cmpint (last->kind, ==, RW_BMP_EVENT_CLOSED);
  g_assert_cmpuint (last->offset, ==, len);
  assert_same_events (whole, from_a);
  g_assert_cmpuint (rw_bmp_collector_get_n_connections (collector), ==, 0);
  g_assert_cmpuint (r.events->len, ==, whole->len + 2);

  rw_bmp_collector_free (collector);
  drain ();
  g_ptr_array_unref (r.events);
}

/* A connection that ends inside a message is an error; freeing the collector with a router
 * still connected drops it without an event. */
static void
test_collector_ends (void)
{
  g_autoptr(GBytes) bytes = load (REMOTE_SHUTDOWN);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) a = NULL;
  g_autoptr(GSocketConnection) b = NULL;
  g_autoptr(GPtrArray) from_a = NULL;
  Received r = { g_ptr_array_new_with_free_func ((GDestroyNotify) rw_bmp_event_free) };
  RwBmpCollector *collector;
  const RwBmpEvent *last;
  guint8 buf[16];
  const guint8 *data = g_bytes_get_data (bytes, NULL);

  collector = rw_bmp_collector_new ("127.0.0.1", 0, on_event, &r, &error);
  g_assert_no_error (error);
  a = connect_to (rw_bmp_collector_get_port (collector));
  send_bytes (a, data, 40); /* the Initiation and 6 bytes of the first Peer Up */
  g_assert_true (g_io_stream_close (G_IO_STREAM (a), NULL, &error));
  wait_for (&r, 1, 2);
  from_a = events_of (&r, 1);
  g_assert_cmpint (((RwBmpEvent *) from_a->pdata[0])->kind, ==, RW_BMP_EVENT_INITIATION);
  last = from_a->pdata[1];
  g_assert_cmpint (last->kind, ==, RW_BMP_EVENT_ERROR);
  g_assert_true (g_str_has_prefix (last->error, "byte 34: the stream ends inside the Peer Up message (6 of its 267 bytes)"));

  b = connect_to (rw_bmp_collector_get_port (collector));
  send_bytes (b, data, 34);
  wait_for (&r, 2, 1);
  g_assert_cmpuint (rw_bmp_collector_get_n_connections (collector), ==, 1);
  rw_bmp_collector_free (collector);
  drain ();
  /* the router sees its connection closed, and nothing more was delivered */
  g_assert_cmpuint (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (b)), buf, sizeof buf, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (r.events->len, ==, 3);
  g_ptr_array_unref (r.events);
}

static void
on_event_ignore (const RwBmpEvent *ev, gpointer data)
{
}

static void
test_collector_listen_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwBmpCollector) first = NULL;
  g_autoptr(RwBmpCollector) second = NULL;
  g_autofree char *prefix = NULL;

  g_assert_null (rw_bmp_collector_new ("bridge-address", 0, on_event_ignore, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "bridge-address"));
  g_clear_error (&error);

  first = rw_bmp_collector_new ("127.0.0.1", 0, on_event_ignore, NULL, &error);
  g_assert_no_error (error);
  second = rw_bmp_collector_new ("127.0.0.1", rw_bmp_collector_get_port (first), on_event_ignore, NULL, &error);
  g_assert_null (second);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  prefix = g_strdup_printf ("BMP collector on 127.0.0.1 port %u: ", rw_bmp_collector_get_port (first));
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_clear_pointer (&first, rw_bmp_collector_free);
  drain ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bmp/capture/local-shutdown", test_capture_local_shutdown);
  g_test_add_func ("/bmp/capture/withdraw-remote-shutdown", test_capture_remote_shutdown);
  g_test_add_data_func ("/bmp/split/local-shutdown", LOCAL_SHUTDOWN, test_split);
  g_test_add_data_func ("/bmp/split/withdraw-remote-shutdown", REMOTE_SHUTDOWN, test_split);
  g_test_add_func ("/bmp/truncated", test_truncated);
  g_test_add_func ("/bmp/garbage", test_garbage);
  g_test_add_func ("/bmp/update/as-set", test_update_as_set);
  g_test_add_func ("/bmp/messages", test_messages);
  g_test_add_func ("/bmp/event-copy", test_copy);
  g_test_add_func ("/bmp/collector/sessions", test_collector);
  g_test_add_func ("/bmp/collector/ends", test_collector_ends);
  g_test_add_func ("/bmp/collector/listen-errors", test_collector_listen_errors);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/bmp/malformed/%s", bad_cases[i].name);
      g_test_add_data_func (name, &bad_cases[i], test_bad);
    }
  return g_test_run ();
}
