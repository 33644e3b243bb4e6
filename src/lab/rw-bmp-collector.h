/* rw-bmp-collector.h — the BMP collector (RFC 7854): a TCP listener for the routers of a lab,
 * one rw-bmp.h parser per connection, the events delivered on a main context.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-bmp.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* The collector: a TCP listener for routers. Each connection gets its own parser; every
 * event reaches @func on the main context that was the thread-default one when the collector
 * was made, with the router's address and the connection's number set. A connection that sends
 * bytes the parser refuses is closed with an RW_BMP_EVENT_ERROR event, and the collector goes
 * on with the others. At most RW_BMP_MAX_CONNECTIONS routers are connected at once; another
 * is closed with an error event. */
#define RW_BMP_MAX_CONNECTIONS 64

typedef struct _RwBmpCollector RwBmpCollector;

/* @event is the collector's: copy it (rw_bmp_event_copy) to keep it. @func may free the
 * collector. */
typedef void (*RwBmpEventFunc) (const RwBmpEvent *event, gpointer user_data);

/* Listens on @address ("172.20.1.1", "127.0.0.1", "::") port @port (0: the system picks one,
 * rw_bmp_collector_get_port says which). */
RwBmpCollector *rw_bmp_collector_new (const char *address, guint16 port, RwBmpEventFunc func,
                                      gpointer user_data, GError **error);
guint16 rw_bmp_collector_get_port (const RwBmpCollector *collector);
/* How many routers are connected now. */
guint rw_bmp_collector_get_n_connections (const RwBmpCollector *collector);
/* Stops listening and drops every connection, without further events. Reads in flight end on
 * the collector's main context: the connections' memory is released when it next runs. */
void rw_bmp_collector_free (RwBmpCollector *collector);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwBmpCollector, rw_bmp_collector_free)

G_END_DECLS
