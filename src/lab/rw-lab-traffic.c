/* rw-lab-traffic.c — real traffic in a lab (rw-lab-traffic.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE 1 /* setns */
#include "rw-lab-traffic.h"
#include "rw-lab-private.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/gen_stats.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* a UDP datagram of PAYLOAD bytes is FRAME bytes on the wire (Ethernet, IPv4, UDP headers) */
#define PAYLOAD 1000
#define FRAME (PAYLOAD + 8 + 20 + 14)
#define TC_MS (15 * 1000)
#define QUEUE_MS 50 /* the shaper's queue: this much at the link's rate, then drops */

typedef struct {
  char *id;
  char *netns;
  guint32 dst;         /* host order */
  double bytes_per_s;  /* wire bytes */
  double credit;
  int fd;
} Flow;

typedef struct {
  guint64 tx_bytes;    /* the egress interface's */
  guint64 sent, drops; /* the shaper's packets sent and dropped */
  guint32 backlog;     /* bytes queued now */
} EndCounters;

struct _RwLabTraffic {
  const RwLab *lab;
  RwTopology *plan;
  double scale;
  GPtrArray *flows;    /* Flow */
  GMutex lock;         /* the flows' rates */
  GThread *thread;
  gint stop;
  GError *thread_error;
  EndCounters *last;   /* per link end (2*link + end) */
  gint64 last_us;
};

static void
flow_free (Flow *f)
{
  if (f->fd >= 0)
    close (f->fd);
  g_free (f->id);
  g_free (f->netns);
  g_free (f);
}

static gboolean
enter_netns (const char *netns, GError **error)
{
  g_autofree char *path = g_build_filename ("/run/netns", netns, NULL);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns (fd, CLONE_NEWNET) != 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "namespace %s: %s", netns, g_strerror (e));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* ---- the generator: paced datagrams, every flow from its own namespace ---- */

static gpointer
generate (gpointer data)
{
  RwLabTraffic *t = data;
  char payload[PAYLOAD];
  gint64 prev = g_get_monotonic_time ();
  memset (payload, 0x5a, sizeof payload);
  /* a socket belongs to the namespace it was made in */
  for (guint i = 0; i < t->flows->len; i++)
    {
      Flow *f = t->flows->pdata[i];
      if (!enter_netns (f->netns, &t->thread_error))
        return NULL;
      if ((f->fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
        {
          g_set_error (&t->thread_error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: socket: %s", f->netns, g_strerror (errno));
          return NULL;
        }
    }
  while (!g_atomic_int_get (&t->stop))
    {
      gint64 now;
      double dt;
      g_usleep (1000);
      now = g_get_monotonic_time ();
      dt = (now - prev) / 1e6;
      prev = now;
      g_mutex_lock (&t->lock);
      for (guint i = 0; i < t->flows->len; i++)
        {
          Flow *f = t->flows->pdata[i];
          struct sockaddr_in to = { 0 };
          /* at most a few packets of backlog: a late wake-up does not become a burst */
          f->credit = MIN (f->credit + f->bytes_per_s * dt, 4.0 * FRAME);
          to.sin_family = AF_INET;
          to.sin_port = htons (9); /* discard */
          to.sin_addr.s_addr = htonl (f->dst);
          while (f->credit >= FRAME)
            {
              f->credit -= FRAME;
              /* no route, a full queue: the datagram is lost, as real traffic is */
              (void) sendto (f->fd, payload, sizeof payload, MSG_DONTWAIT, (struct sockaddr *) &to, sizeof to);
            }
        }
      g_mutex_unlock (&t->lock);
    }
  return NULL;
}

/* ---- counters, read inside each namespace ---- */

/* ifname -> tx bytes, from /proc/thread-self/net/dev (the calling thread's namespace). */
static GHashTable *
read_net_dev (const char *netns, GError **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!g_file_get_contents ("/proc/thread-self/net/dev", &text, NULL, error))
    {
      g_hash_table_unref (out);
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 2; lines[i]; i++)
    {
      char *colon = strchr (lines[i], ':');
      guint64 v[16] = { 0 };
      if (colon == NULL)
        continue;
      *colon = '\0';
      if (sscanf (colon + 1, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                  " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                  " %" G_GUINT64_FORMAT,
                  &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 9)
        g_hash_table_insert (out, g_strdup (g_strstrip (lines[i])), g_memdup2 (&v[8], sizeof v[8]));
    }
  return out;
}

/* ifindex -> the root qdisc's counters, from a netlink dump in the calling thread's namespace. */
static GHashTable *
read_qdiscs (const char *netns, GError **error)
{
  GHashTable *out = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  struct {
    struct nlmsghdr nh;
    struct tcmsg tc;
  } req;
  char buf[65536];
  gboolean done = FALSE;
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: netlink: %s", netns, g_strerror (errno));
      g_hash_table_unref (out);
      return NULL;
    }
  memset (&req, 0, sizeof req);
  req.nh.nlmsg_len = NLMSG_LENGTH (sizeof (struct tcmsg));
  req.nh.nlmsg_type = RTM_GETQDISC;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nh.nlmsg_seq = 1;
  req.tc.tcm_family = AF_UNSPEC;
  if (send (fd, &req, req.nh.nlmsg_len, 0) < 0)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: netlink: %s", netns, g_strerror (errno));
      close (fd);
      g_hash_table_unref (out);
      return NULL;
    }
  while (!done)
    {
      ssize_t len = recv (fd, buf, sizeof buf, 0);
      if (len <= 0)
        break;
      for (struct nlmsghdr *nh = (struct nlmsghdr *) buf; NLMSG_OK (nh, (guint32) len); nh = NLMSG_NEXT (nh, len))
        {
          struct tcmsg *tc;
          struct rtattr *a;
          int alen;
          EndCounters *c;
          if (nh->nlmsg_type == NLMSG_DONE || nh->nlmsg_type == NLMSG_ERROR)
            {
              done = TRUE;
              break;
            }
          if (nh->nlmsg_type != RTM_NEWQDISC)
            continue;
          tc = NLMSG_DATA (nh);
          if (tc->tcm_parent != TC_H_ROOT)
            continue;
          c = g_new0 (EndCounters, 1);
          a = (struct rtattr *) ((char *) tc + NLMSG_ALIGN (sizeof *tc));
          alen = (int) nh->nlmsg_len - (int) NLMSG_LENGTH (sizeof *tc);
          for (; RTA_OK (a, alen); a = RTA_NEXT (a, alen))
            {
              struct rtattr *b;
              int blen;
              if (a->rta_type != TCA_STATS2)
                continue;
              b = RTA_DATA (a);
              blen = (int) RTA_PAYLOAD (a);
              for (; RTA_OK (b, blen); b = RTA_NEXT (b, blen))
                if (b->rta_type == TCA_STATS_BASIC && RTA_PAYLOAD (b) >= 12)
                  {
                    guint32 packets;
                    memcpy (&packets, (char *) RTA_DATA (b) + 8, sizeof packets);
                    c->sent = packets;
                  }
                else if (b->rta_type == TCA_STATS_QUEUE && RTA_PAYLOAD (b) >= sizeof (struct gnet_stats_queue))
                  {
                    struct gnet_stats_queue q;
                    memcpy (&q, RTA_DATA (b), sizeof q);
                    c->drops = q.drops;
                    c->backlog = q.backlog;
                  }
            }
          g_hash_table_replace (out, GINT_TO_POINTER (tc->tcm_ifindex), c);
        }
    }
  close (fd);
  return out;
}

typedef struct {
  RwLabTraffic *t;
  EndCounters *now;
  GError *error;
} Sample;

static gpointer
sample_thread (gpointer data)
{
  Sample *s = data;
  RwLabTraffic *t = s->t;
  for (guint i = 0; i < t->lab->nodes->len && s->error == NULL; i++)
    {
      const RwLabNode *n = t->lab->nodes->pdata[i];
      g_autoptr(GHashTable) dev = NULL;
      g_autoptr(GHashTable) qd = NULL;
      if (!enter_netns (n->netns, &s->error) || (dev = read_net_dev (n->netns, &s->error)) == NULL ||
          (qd = read_qdiscs (n->netns, &s->error)) == NULL)
        break;
      for (guint l = 0; l < t->plan->links->len; l++)
        {
          const RwLink *link = t->plan->links->pdata[l];
          for (guint e = 0; e < 2; e++)
            {
              const char *ifname = link->ends[e].ifname;
              const guint64 *tx;
              const EndCounters *q;
              EndCounters *c = &s->now[2 * l + e];
              if (g_strcmp0 (e == 0 ? link->a : link->b, n->name) != 0 || ifname == NULL)
                continue;
              if ((tx = g_hash_table_lookup (dev, ifname)) != NULL)
                c->tx_bytes = *tx;
              if ((q = g_hash_table_lookup (qd, GINT_TO_POINTER ((gint) if_nametoindex (ifname)))) != NULL)
                {
                  c->sent = q->sent;
                  c->drops = q->drops;
                  c->backlog = q->backlog;
                }
            }
        }
    }
  return NULL;
}

static EndCounters *
sample_now (RwLabTraffic *t, GError **error)
{
  Sample s = { t, g_new0 (EndCounters, 2 * t->plan->links->len + 1), NULL };
  GThread *th = g_thread_new ("rw-lab-counters", sample_thread, &s);
  g_thread_join (th);
  if (s.error)
    {
      g_propagate_error (error, s.error);
      g_free (s.now);
      return NULL;
    }
  return s.now;
}

/* ---- the traffic ---- */

static double
link_rate_bps (const RwLabTraffic *t, const RwLink *l)
{
  return MAX (8000.0, l->capacity_mbps * 1e6 * t->scale);
}

static gboolean
shape (RwLabTraffic *t, gboolean on, GError **error)
{
  g_autofree char *tc = _rw_lab_find_tool ("tc");
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_job_free);
  if (tc == NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_NO_IPROUTE, "tc is not installed");
      return FALSE;
    }
  for (guint l = 0; l < t->plan->links->len; l++)
    {
      const RwLink *link = t->plan->links->pdata[l];
      double bps = link_rate_bps (t, link);
      for (guint e = 0; e < 2; e++)
        {
          const RwLabNode *n = rw_lab_find_node (t->lab, e == 0 ? link->a : link->b);
          GPtrArray *argv;
          if (n == NULL || link->ends[e].ifname == NULL)
            continue;
          argv = g_ptr_array_new ();
          g_ptr_array_add (argv, g_strdup (tc));
          g_ptr_array_add (argv, g_strdup ("-n"));
          g_ptr_array_add (argv, g_strdup (n->netns));
          g_ptr_array_add (argv, g_strdup ("qdisc"));
          g_ptr_array_add (argv, g_strdup (on ? "replace" : "del"));
          g_ptr_array_add (argv, g_strdup ("dev"));
          g_ptr_array_add (argv, g_strdup (link->ends[e].ifname));
          g_ptr_array_add (argv, g_strdup ("root"));
          if (on)
            {
              /* a token bucket at the scaled capacity, a queue of QUEUE_MS at that rate */
              g_ptr_array_add (argv, g_strdup ("tbf"));
              g_ptr_array_add (argv, g_strdup ("rate"));
              g_ptr_array_add (argv, g_strdup_printf ("%.0fbit", bps));
              g_ptr_array_add (argv, g_strdup ("burst"));
              g_ptr_array_add (argv, g_strdup_printf ("%.0f", MAX (4.0 * FRAME, bps / 8 / 100)));
              g_ptr_array_add (argv, g_strdup ("latency"));
              g_ptr_array_add (argv, g_strdup_printf ("%dms", QUEUE_MS));
            }
          g_ptr_array_add (argv, NULL);
          g_ptr_array_add (jobs, _rw_lab_job_new ((char **) g_ptr_array_free (argv, FALSE), NULL));
        }
    }
  if (!_rw_lab_run_jobs (jobs, 4, TC_MS, error))
    return FALSE;
  for (guint j = 0; on && j < jobs->len; j++)
    {
      RwLabJob *job = jobs->pdata[j];
      if (job->status != 0)
        {
          g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "tc qdisc replace … tbf: %s",
                       job->err ? g_strstrip (job->err) : "failed");
          return FALSE;
        }
    }
  return TRUE;
}

RwLabTraffic *
rw_lab_traffic_start (const RwLab *lab, const RwTopology *plan, double scale, GError **error)
{
  g_autoptr(RwLabTraffic) t = g_new0 (RwLabTraffic, 1);
  if (!(scale > 0 && scale <= 1))
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "traffic scale %g is not in (0, 1]", scale);
      return NULL;
    }
  t->lab = lab;
  t->plan = rw_topology_copy (plan);
  t->scale = scale;
  g_mutex_init (&t->lock);
  t->flows = g_ptr_array_new_with_free_func ((GDestroyNotify) flow_free);
  for (guint i = 0; i < plan->demands->len; i++)
    {
      const RwDemand *d = plan->demands->pdata[i];
      const RwLabNode *n = rw_lab_find_node (lab, d->src);
      Flow *f;
      if (n == NULL)
        continue;
      f = g_new0 (Flow, 1);
      f->id = g_strdup (d->id);
      f->netns = g_strdup (n->netns);
      f->dst = d->dst.len >= 31 ? d->dst.addr : d->dst.addr + 1;
      f->bytes_per_s = d->mbps * 1e6 * scale / 8;
      f->fd = -1;
      g_ptr_array_add (t->flows, f);
    }
  if (!shape (t, TRUE, error))
    return NULL;
  if ((t->last = sample_now (t, error)) == NULL)
    return NULL;
  t->last_us = g_get_monotonic_time ();
  t->thread = g_thread_new ("rw-lab-traffic", generate, t);
  return g_steal_pointer (&t);
}

void
rw_lab_traffic_set_rates (RwLabTraffic *t, const RwTopology *topo)
{
  g_mutex_lock (&t->lock);
  for (guint i = 0; i < t->flows->len; i++)
    {
      Flow *f = t->flows->pdata[i];
      const RwDemand *d = rw_topology_find_demand (topo, f->id);
      if (d)
        f->bytes_per_s = d->mbps * 1e6 * t->scale / 8;
    }
  g_mutex_unlock (&t->lock);
}

gboolean
rw_lab_traffic_sample (RwLabTraffic *t, double *util, double *loss_pct, double *queue_ms, GError **error)
{
  g_autofree EndCounters *now = NULL;
  gint64 us = g_get_monotonic_time ();
  double dt = (us - t->last_us) / 1e6;
  if (t->thread_error)
    {
      g_propagate_error (error, g_error_copy (t->thread_error));
      return FALSE;
    }
  if ((now = sample_now (t, error)) == NULL)
    return FALSE;
  for (guint l = 0; l < t->plan->links->len; l++)
    {
      const RwLink *link = t->plan->links->pdata[l];
      double bps = link_rate_bps (t, link);
      for (guint e = 0; e < 2; e++)
        {
          const EndCounters *a = &t->last[2 * l + e], *b = &now[2 * l + e];
          guint64 sent = b->sent >= a->sent ? b->sent - a->sent : 0;
          guint64 drops = b->drops >= a->drops ? b->drops - a->drops : 0;
          guint64 bytes = b->tx_bytes >= a->tx_bytes ? b->tx_bytes - a->tx_bytes : 0;
          guint d = 2 * l + e;
          util[d] = dt > 0 ? bytes * 8.0 / dt / bps : 0;
          loss_pct[d] = sent + drops > 0 ? 100.0 * drops / (sent + drops) : 0;
          queue_ms[d] = 1000.0 * b->backlog * 8.0 / bps;
        }
    }
  g_free (t->last);
  t->last = g_steal_pointer (&now);
  t->last_us = us;
  return TRUE;
}

gboolean
rw_lab_traffic_restart (RwLabTraffic *t, GError **error)
{
  EndCounters *now = sample_now (t, error);
  if (now == NULL)
    return FALSE;
  g_free (t->last);
  t->last = now;
  t->last_us = g_get_monotonic_time ();
  return TRUE;
}

void
rw_lab_traffic_stop (RwLabTraffic *t)
{
  if (t == NULL)
    return;
  if (t->thread)
    {
      g_atomic_int_set (&t->stop, 1);
      g_thread_join (t->thread);
    }
  if (t->plan && t->lab)
    {
      g_autoptr(GError) error = NULL;
      if (!shape (t, FALSE, &error))
        g_warning ("removing the traffic shapers: %s", error->message);
    }
  g_clear_pointer (&t->flows, g_ptr_array_unref);
  g_clear_pointer (&t->plan, rw_topology_free);
  g_clear_error (&t->thread_error);
  g_free (t->last);
  g_mutex_clear (&t->lock);
  g_free (t);
}
