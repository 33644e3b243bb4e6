/* rw-bmp.h — the BGP Monitoring Protocol (BMP version 3, RFC 7854) as the lab's routers send it
 * over the management bridge (DESIGN.md section 10b): the events, and an incremental parser of
 * the byte stream of one router (rw-bmp-collector.h listens for the routers).
 *
 * The parser takes bytes as they come off the socket, split anywhere, and turns every complete
 * message into an event. It understands what FRR 8.4's bgpd sends with `bmp monitor ipv4
 * unicast pre-policy|post-policy` and `bmp stats`: Initiation, Termination, Peer Up, Peer Down,
 * Route Monitoring (the BGP UPDATE of IPv4 unicast), Statistics Report. Route Mirroring
 * messages are accepted and skipped. Anything else — another version, a length that cannot be,
 * a field that runs past its message — is an error naming the byte of the stream where it is,
 * and the parser takes no more input after it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RW_BMP_ERROR (rw_bmp_error_quark ())
GQuark rw_bmp_error_quark (void);

typedef enum {
  RW_BMP_ERROR_MALFORMED, /* bytes that are not a BMP v3 message, or not one we can read */
  RW_BMP_ERROR_TRUNCATED, /* the stream ended inside a message (rw_bmp_parser_finish) */
  RW_BMP_ERROR_STOPPED,   /* input after an error: the parser takes none */
} RwBmpError;

/* No BMP message we accept is longer: the common header says how long the message is, and a
 * router that claims more is broken or is not speaking BMP. */
#define RW_BMP_MAX_MESSAGE (1024 * 1024)

typedef enum {
  RW_BMP_EVENT_INITIATION,
  RW_BMP_EVENT_TERMINATION,
  RW_BMP_EVENT_PEER_UP,
  RW_BMP_EVENT_PEER_DOWN,
  RW_BMP_EVENT_ROUTE_MONITORING,
  RW_BMP_EVENT_STATISTICS,
  /* from the collector only: the router sent bytes the parser refused, or the connection
   * failed; the collector closed it. The last event of its connection. */
  RW_BMP_EVENT_ERROR,
  /* from the collector only: the router closed its connection at a message boundary */
  RW_BMP_EVENT_CLOSED,
} RwBmpEventKind;

const char *rw_bmp_event_kind_to_string (RwBmpEventKind kind);

/* Flags of the per-peer header */
#define RW_BMP_PEER_FLAG_IPV6 0x80        /* V: the peer address is IPv6 */
#define RW_BMP_PEER_FLAG_POST_POLICY 0x40 /* L: Adj-RIB-In after the import policy */
#define RW_BMP_PEER_FLAG_AS2 0x20         /* A: the UPDATE's AS_PATH has 2-octet ASNs */

/* The per-peer header of Peer Up, Peer Down, Route Monitoring and Statistics Report. */
typedef struct {
  guint8 type;          /* 0 global instance, 1 RD instance, 2 local instance, 3 Loc-RIB */
  guint8 flags;         /* RW_BMP_PEER_FLAG_* */
  gboolean post_policy; /* flags & RW_BMP_PEER_FLAG_POST_POLICY */
  guint64 distinguisher;
  char *address;        /* "100.64.10.0", or an IPv6 address when the V flag is set */
  guint32 as;
  guint32 bgp_id;       /* host order, as rw_bmp_ipv4_to_string prints it */
  guint32 timestamp_s;  /* when the router saw it; 0 when it does not say */
  guint32 timestamp_us;
} RwBmpPeer;

/* One BGP OPEN of a Peer Up message. FRR 8.4 sends a bare BGP header (19 bytes, no fields)
 * in place of an OPEN it did not keep: then @known is FALSE and the rest is 0. */
typedef struct {
  gboolean known;
  guint8 version;
  guint32 as;          /* the 4-octet AS capability's ASN when it is there, else My AS */
  gboolean as4;        /* the OPEN has the 4-octet AS capability (RFC 6793) */
  guint16 hold_time;
  guint32 bgp_id;      /* host order */
} RwBmpOpen;

typedef enum {
  RW_BMP_DOWN_LOCAL_NOTIFICATION = 1,    /* we sent a NOTIFICATION (it follows) */
  RW_BMP_DOWN_LOCAL_NO_NOTIFICATION = 2, /* we closed without one (an FSM event code follows) */
  RW_BMP_DOWN_REMOTE_NOTIFICATION = 3,   /* the peer sent a NOTIFICATION (it follows) */
  RW_BMP_DOWN_REMOTE_NO_DATA = 4,        /* the peer closed the session */
  RW_BMP_DOWN_DECONFIGURED = 5,          /* the peer is no longer monitored */
  RW_BMP_DOWN_LOCAL_CLOSED = 6,          /* RFC 9069: a Loc-RIB instance went away */
} RwBmpDownReason;

/* An IPv4 prefix of an UPDATE. */
typedef struct {
  guint32 address;  /* host order, the bits past the length cleared */
  guint8 length;    /* 0-32 */
} RwBmpPrefix;

typedef enum {
  RW_BMP_SEGMENT_SET = 1,
  RW_BMP_SEGMENT_SEQUENCE = 2,
  RW_BMP_SEGMENT_CONFED_SEQUENCE = 3,
  RW_BMP_SEGMENT_CONFED_SET = 4,
} RwBmpSegmentType;

typedef struct {
  RwBmpSegmentType type;
  GArray *asns;     /* guint32 */
} RwBmpSegment;

/* The path attributes the parser reads; any other is skipped by its length. */
typedef enum {
  RW_BMP_ATTR_ORIGIN = 1,
  RW_BMP_ATTR_AS_PATH = 2,
  RW_BMP_ATTR_NEXT_HOP = 3,
  RW_BMP_ATTR_MED = 4,
  RW_BMP_ATTR_LOCAL_PREF = 5,
  RW_BMP_ATTR_COMMUNITIES = 8,
} RwBmpAttr;

/* One counter of a Statistics Report. */
typedef struct {
  guint16 type;     /* RFC 7854 4.8: 0 rejected by policy, 7 Adj-RIB-In routes, 8 Loc-RIB… */
  guint64 value;    /* 32-bit counters and 64-bit gauges alike */
  guint16 afi;      /* per-AFI/SAFI gauges (types 9, 10); 0 otherwise */
  guint8 safi;
} RwBmpStat;

/* An information TLV of Initiation, Termination or Peer Up. */
typedef struct {
  guint16 type;     /* Initiation: 0 string, 1 sysDescr, 2 sysName; Termination: 0 string */
  char *value;      /* as UTF-8 (bytes that are not are replaced) */
} RwBmpInfo;

typedef struct {
  RwBmpEventKind kind;
  guint64 offset;          /* where its message starts in the stream: the count of bytes before;
                            * the collector's ERROR and CLOSED: the bytes received until then */
  char *router;            /* collector: the router's address; NULL from the parser */
  guint connection;        /* collector: which connection (from 1); 0 from the parser */

  /* Initiation, Termination, Peer Up: the information TLVs in order (RwBmpInfo); NULL for the
   * other kinds */
  GPtrArray *info;
  char *sys_name;          /* Initiation: the sysName TLV; nullable */
  char *sys_descr;         /* Initiation: the sysDescr TLV; nullable */
  gint termination_reason; /* Termination: the reason TLV (0 administratively closed…), -1 none */

  RwBmpPeer peer;          /* Peer Up, Peer Down, Route Monitoring, Statistics Report */

  struct {
    char *local_address;   /* the router's end of the session */
    guint16 local_port;
    guint16 remote_port;
    RwBmpOpen sent;        /* the OPEN the router sent */
    RwBmpOpen received;    /* the OPEN it received from the peer */
  } up;

  struct {
    RwBmpDownReason reason;
    gboolean has_notification; /* reasons 1 and 3 */
    guint8 code;               /* the NOTIFICATION's error code and subcode */
    guint8 subcode;
    guint16 fsm_event;         /* reason 2 */
  } down;

  struct {
    GArray *withdrawn;   /* RwBmpPrefix */
    GArray *announced;   /* RwBmpPrefix: the NLRI */
    guint32 present;     /* bit N set: path attribute N (RwBmpAttr) was in the UPDATE */
    guint8 origin;       /* 0 IGP, 1 EGP, 2 incomplete */
    GPtrArray *as_path;  /* RwBmpSegment; empty when the UPDATE has none */
    guint32 next_hop;    /* host order */
    guint32 med;
    guint32 local_pref;
    GArray *communities; /* guint32, as AS << 16 | value */
  } route;

  GArray *stats;           /* Statistics Report: RwBmpStat; NULL for the other kinds */
  char *error;             /* RW_BMP_EVENT_ERROR: what went wrong */
} RwBmpEvent;

RwBmpEvent *rw_bmp_event_new (RwBmpEventKind kind);
RwBmpEvent *rw_bmp_event_copy (const RwBmpEvent *event);
void rw_bmp_event_free (RwBmpEvent *event);
/* Whether the UPDATE of a Route Monitoring event carried path attribute @attr. */
gboolean rw_bmp_event_has_attr (const RwBmpEvent *event, RwBmpAttr attr);

/* "198.51.100.0/24" */
char *rw_bmp_prefix_to_string (const RwBmpPrefix *prefix);
/* "10.255.10.1" from a host-order address */
char *rw_bmp_ipv4_to_string (guint32 address);
/* "64600 64800 {64900 65000}": sequences as they are, sets in braces, confederation
 * segments in parentheses (sequence) or brackets (set), as FRR shows them */
char *rw_bmp_as_path_to_string (const GPtrArray *as_path);

typedef struct _RwBmpParser RwBmpParser;

RwBmpParser *rw_bmp_parser_new (void);
void rw_bmp_parser_free (RwBmpParser *parser);

/* Takes the next @len bytes of the stream, and appends an event (RwBmpEvent, owned by
 * @events_out, which frees them with rw_bmp_event_free) for every message they complete. The
 * bytes of an incomplete message wait for the next call; at most one message is kept, so a
 * parser never holds more than RW_BMP_MAX_MESSAGE bytes. On malformed input it returns FALSE
 * with RW_BMP_ERROR_MALFORMED and a message "byte N: …" (N counts from the first byte ever
 * fed); the events of the messages before it are in @events_out, and every later call fails
 * with RW_BMP_ERROR_STOPPED. */
gboolean rw_bmp_parser_feed (RwBmpParser *parser, const guint8 *data, gsize len,
                             GPtrArray *events_out, GError **error);
/* The end of the stream: RW_BMP_ERROR_TRUNCATED when it ends inside a message, the error of
 * an earlier rw_bmp_parser_feed (RW_BMP_ERROR_STOPPED) when there was one. */
gboolean rw_bmp_parser_finish (RwBmpParser *parser, GError **error);
/* How many bytes the parser has taken so far (the offset of the next byte). */
guint64 rw_bmp_parser_get_offset (const RwBmpParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwBmpEvent, rw_bmp_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwBmpParser, rw_bmp_parser_free)

G_END_DECLS
