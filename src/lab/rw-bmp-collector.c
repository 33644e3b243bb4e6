/* rw-bmp-collector.c — the BMP collector: a GSocketService on the caller's main context, one
 * RwBmpParser per router connection, and the events handed to one callback.
 *
 * A connection always has exactly one read in flight, and that read owns it: the read's
 * callback feeds the parser, delivers the events, and either reads again or frees the
 * connection. Freeing the collector cancels the reads and detaches the connections from it, so
 * a read that completes afterwards only frees its connection.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-bmp-collector.h"

#define READ_SIZE (64 * 1024)

struct _RwBmpCollector {
  GSocketService *service;
  gulong incoming_id;
  GCancellable *cancellable;
  guint16 port;
  RwBmpEventFunc func;
  gpointer user_data;
  GPtrArray *connections; /* Connection, not owned: each is owned by its read */
  guint next_id;
};

typedef struct {
  RwBmpCollector *collector; /* NULL once the collector is freed */
  GSocketConnection *socket;
  RwBmpParser *parser;
  char *router;
  guint id;
  guint64 received;          /* bytes so far */
  guint8 buf[READ_SIZE];
} Connection;

static void
connection_free (Connection *c)
{
  if (c->collector)
    g_ptr_array_remove_fast (c->collector->connections, c);
  g_clear_object (&c->socket); /* the last reference: closes it */
  rw_bmp_parser_free (c->parser);
  g_free (c->router);
  g_free (c);
}

/* Hands @ev to the callback with the connection's router and number; FALSE when the callback
 * freed the collector. */
static gboolean
deliver (Connection *c, RwBmpEvent *ev)
{
  g_free (ev->router);
  ev->router = g_strdup (c->router);
  ev->connection = c->id;
  c->collector->func (ev, c->collector->user_data);
  return c->collector != NULL;
}

static void
deliver_end (Connection *c, RwBmpEventKind kind, const char *message)
{
  g_autoptr(RwBmpEvent) ev = rw_bmp_event_new (kind);
  ev->offset = c->received;
  ev->error = g_strdup (message);
  deliver (c, ev);
}

static void read_next (Connection *c);

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Connection *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_bmp_event_free);
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  gboolean fed;

  if (c->collector == NULL)
    {
      connection_free (c);
      return;
    }
  if (n < 0)
    {
      deliver_end (c, RW_BMP_EVENT_ERROR, error->message);
      connection_free (c);
      return;
    }
  if (n == 0)
    {
      if (rw_bmp_parser_finish (c->parser, &error))
        deliver_end (c, RW_BMP_EVENT_CLOSED, NULL);
      else
        deliver_end (c, RW_BMP_EVENT_ERROR, error->message);
      connection_free (c);
      return;
    }
  c->received += (guint64) n;
  /* the events of the messages before a malformed one still count */
  fed = rw_bmp_parser_feed (c->parser, c->buf, (gsize) n, events, &error);
  for (guint i = 0; i < events->len; i++)
    if (!deliver (c, events->pdata[i]))
      {
        connection_free (c);
        return;
      }
  if (!fed)
    {
      deliver_end (c, RW_BMP_EVENT_ERROR, error->message);
      connection_free (c);
      return;
    }
  read_next (c);
}

static void
read_next (Connection *c)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (c->socket));
  g_input_stream_read_async (in, c->buf, sizeof c->buf, G_PRIORITY_DEFAULT, c->collector->cancellable,
                             on_read, c);
}

static char *
remote_address (GSocketConnection *socket)
{
  g_autoptr(GSocketAddress) addr = g_socket_connection_get_remote_address (socket, NULL);
  if (addr == NULL || !G_IS_INET_SOCKET_ADDRESS (addr))
    return g_strdup ("?");
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr)));
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *socket, GObject *source, gpointer user_data)
{
  RwBmpCollector *self = user_data;
  Connection *c = g_new0 (Connection, 1);
  c->collector = self;
  c->socket = g_object_ref (socket);
  c->parser = rw_bmp_parser_new ();
  c->router = remote_address (socket);
  c->id = ++self->next_id;
  g_ptr_array_add (self->connections, c);
  if (self->connections->len > RW_BMP_MAX_CONNECTIONS)
    {
      g_autofree char *why = g_strdup_printf ("more than %u routers connected at once: connection closed",
                                              RW_BMP_MAX_CONNECTIONS);
      deliver_end (c, RW_BMP_EVENT_ERROR, why);
      connection_free (c);
      return TRUE;
    }
  read_next (c);
  return TRUE;
}

RwBmpCollector *
rw_bmp_collector_new (const char *address, guint16 port, RwBmpEventFunc func, gpointer user_data,
                      GError **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) want = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  RwBmpCollector *self;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);
  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "BMP collector: “%s” is not an IP address", address);
      return NULL;
    }
  self = g_new0 (RwBmpCollector, 1);
  self->func = func;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  self->connections = g_ptr_array_new ();
  /* the service accepts, and so the connections read, on the thread-default main context of
   * the moment it starts listening: this one */
  self->service = g_socket_service_new ();
  self->incoming_id = g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  want = g_inet_socket_address_new (inet, port);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), want, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound, error))
    {
      g_prefix_error (error, "BMP collector on %s port %u: ", address, port);
      rw_bmp_collector_free (self);
      return NULL;
    }
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_service_start (self->service);
  return self;
}

guint16
rw_bmp_collector_get_port (const RwBmpCollector *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->port;
}

guint
rw_bmp_collector_get_n_connections (const RwBmpCollector *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->connections->len;
}

void
rw_bmp_collector_free (RwBmpCollector *self)
{
  if (self == NULL)
    return;
  g_signal_handler_disconnect (self->service, self->incoming_id);
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_object_unref (self->service);
  for (guint i = 0; i < self->connections->len; i++)
    ((Connection *) self->connections->pdata[i])->collector = NULL;
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  g_ptr_array_unref (self->connections);
  g_free (self);
}
