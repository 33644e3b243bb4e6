/* rw-lab-sys.c — the system side of a lab: commands run with a bound (argv arrays, never a
 * shell), the names of its namespaces and links, finding and ending its processes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE 1 /* unshare */
#include "rw-lab-private.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <unistd.h>

char *
_rw_lab_find_tool (const char *name)
{
  static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };
  char *path = g_find_program_in_path (name);
  if (path != NULL)
    return path;
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      path = g_build_filename (dirs[i], name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return path;
      g_free (path);
    }
  return NULL;
}

const char *
_rw_lab_frr_dir (void)
{
  const char *dir = g_getenv ("ROUTEWISE_FRR_DIR");
  return dir && *dir ? dir : RW_LAB_FRR_DIR;
}

char *
_rw_lab_vtysh_path (void)
{
  g_autofree char *beside = g_build_filename (_rw_lab_frr_dir (), "vtysh", NULL);
  if (g_getenv ("ROUTEWISE_FRR_DIR") != NULL)
    /* FRR somewhere else: its own vtysh, or none */
    return g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE) ? g_steal_pointer (&beside) : NULL;
  return _rw_lab_find_tool ("vtysh");
}

/* ---- running commands ---- */

typedef struct {
  gboolean done;
  gboolean timed_out;
  GBytes *out, *err;
  GError *error;
  GCancellable *cancel;
} Wait;

static void
communicated (GObject *source, GAsyncResult *res, gpointer data)
{
  Wait *w = data;
  g_subprocess_communicate_finish (G_SUBPROCESS (source), res, &w->out, &w->err, &w->error);
  w->done = TRUE;
}

static gboolean
timed_out (gpointer data)
{
  Wait *w = data;
  w->timed_out = TRUE;
  g_cancellable_cancel (w->cancel);
  return G_SOURCE_REMOVE;
}

static char *
command_line (const char *const *argv)
{
  /* for messages only: nothing here is ever run through a shell */
  return g_strjoinv (" ", (char **) argv);
}

/* Runs the process to its end, reading its output, on a private main context so that callers
 * on any thread can use it; kills it at @timeout_ms. */
static gboolean
finish_bounded (GSubprocess *p, GBytes *input, guint timeout_ms, const char *const *argv, GBytes **out, GBytes **err,
                GError **error)
{
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  g_autoptr(GSource) timer = g_timeout_source_new (timeout_ms);
  Wait w = { 0 };
  gboolean ok = TRUE;

  w.cancel = g_cancellable_new ();
  g_main_context_push_thread_default (ctx);
  g_source_set_callback (timer, timed_out, &w, NULL);
  g_source_attach (timer, ctx);
  g_subprocess_communicate_async (p, input, w.cancel, communicated, &w);
  while (!w.done)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timer);
  if (w.timed_out)
    {
      g_autofree char *cmd = command_line (argv);
      g_subprocess_force_exit (p);
      g_subprocess_wait (p, NULL, NULL);
      g_clear_error (&w.error);
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: no answer after %u s", cmd, timeout_ms / 1000);
      ok = FALSE;
    }
  else if (w.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&w.error));
      ok = FALSE;
    }
  g_main_context_pop_thread_default (ctx);
  g_object_unref (w.cancel);
  if (ok && out)
    *out = g_steal_pointer (&w.out);
  if (ok && err)
    *err = g_steal_pointer (&w.err);
  g_clear_pointer (&w.out, g_bytes_unref);
  g_clear_pointer (&w.err, g_bytes_unref);
  return ok;
}

static char *
bytes_to_text (GBytes *b)
{
  gsize len = 0;
  const char *data = b ? g_bytes_get_data (b, &len) : NULL;
  return g_utf8_make_valid (data ? data : "", (gssize) len);
}

gboolean
_rw_lab_run_input (const char *const *argv, const char *input, guint timeout_ms, char **out, char **err,
                   int *exit_status, GError **error)
{
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GBytes) o = NULL;
  g_autoptr(GBytes) e = NULL;
  g_autoptr(GBytes) in = input ? g_bytes_new (input, strlen (input)) : NULL;

  p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                         (input ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_NONE), error);
  if (p == NULL)
    return FALSE;
  if (!finish_bounded (p, in, timeout_ms, argv, &o, &e, error))
    return FALSE;
  if (out)
    *out = bytes_to_text (o);
  if (err)
    *err = bytes_to_text (e);
  if (exit_status)
    *exit_status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : 128 + g_subprocess_get_term_sig (p);
  return TRUE;
}

gboolean
_rw_lab_run_status (const char *const *argv, guint timeout_ms, char **out, char **err, int *exit_status, GError **error)
{
  return _rw_lab_run_input (argv, NULL, timeout_ms, out, err, exit_status, error);
}

gboolean
_rw_lab_run (const char *const *argv, guint timeout_ms, char **out, GError **error)
{
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  int status = 0;

  if (!_rw_lab_run_status (argv, timeout_ms, &o, &e, &status, error))
    return FALSE;
  if (status != 0)
    {
      g_autofree char *cmd = command_line (argv);
      g_strstrip (e);
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: %s", cmd, *e ? e : "failed");
      return FALSE;
    }
  if (out)
    *out = g_steal_pointer (&o);
  return TRUE;
}

gboolean
_rw_lab_ip (GError **error, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *arg;
  va_list ap;
  g_ptr_array_add (argv, _rw_lab_find_tool ("ip"));
  va_start (ap, error);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  return _rw_lab_run ((const char *const *) argv->pdata, 15 * 1000, NULL, error);
}

/* ---- batches ---- */

void
_rw_lab_set_hostname (gpointer hostname)
{
  /* in the child between fork and exec: system calls only */
  if (unshare (CLONE_NEWUTS) == 0)
    sethostname (hostname, strlen (hostname));
}

RwLabJob *
_rw_lab_job_new (char **argv, const char *log_path)
{
  RwLabJob *job = g_new0 (RwLabJob, 1);
  job->argv = argv;
  job->log_path = g_strdup (log_path);
  return job;
}

void
_rw_lab_job_free (RwLabJob *job)
{
  if (job == NULL)
    return;
  g_strfreev (job->argv);
  g_free (job->log_path);
  g_free (job->hostname);
  g_free (job->out);
  g_free (job->err);
  g_free (job);
}

typedef struct {
  GPtrArray *jobs;
  GPtrArray *procs; /* GSubprocess per job, NULL until started */
  guint next, running, done, parallel;
  GCancellable *cancel;
  GError *error;
} Batch;

typedef struct {
  Batch *batch;
  guint index;
} JobRef;

static void start_next (Batch *b);

static void
job_finished (GObject *source, GAsyncResult *res, gpointer data)
{
  JobRef *ref = data;
  Batch *b = ref->batch;
  RwLabJob *job = b->jobs->pdata[ref->index];
  GSubprocess *p = G_SUBPROCESS (source);
  GError *error = NULL;
  gboolean ok;

  if (job->log_path)
    ok = g_subprocess_wait_finish (p, res, &error);
  else
    {
      GBytes *out = NULL, *err = NULL;
      ok = g_subprocess_communicate_finish (p, res, &out, &err, &error);
      if (ok)
        {
          job->out = bytes_to_text (out);
          job->err = bytes_to_text (err);
        }
      g_clear_pointer (&out, g_bytes_unref);
      g_clear_pointer (&err, g_bytes_unref);
    }
  if (ok)
    job->status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : 128 + g_subprocess_get_term_sig (p);
  else if (b->error == NULL)
    b->error = error;
  else
    g_error_free (error);
  b->running--;
  b->done++;
  g_free (ref);
  start_next (b);
}

static void
start_next (Batch *b)
{
  while (b->next < b->jobs->len && b->error == NULL && !g_cancellable_is_cancelled (b->cancel) &&
         b->running < b->parallel)
    {
      guint i = b->next++;
      RwLabJob *job = b->jobs->pdata[i];
      g_autoptr(GSubprocessLauncher) l = NULL;
      GSubprocess *p;
      JobRef *ref;
      GError *error = NULL;

      if (job->log_path)
        {
          l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
          g_subprocess_launcher_set_stdout_file_path (l, job->log_path);
          g_subprocess_launcher_set_stderr_file_path (l, job->log_path);
        }
      else
        l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
      if (job->hostname)
        g_subprocess_launcher_set_child_setup (l, _rw_lab_set_hostname, job->hostname, NULL);
      p = g_subprocess_launcher_spawnv (l, (const char *const *) job->argv, &error);
      if (p == NULL)
        {
          b->error = error;
          b->done++;
          return;
        }
      b->procs->pdata[i] = p;
      b->running++;
      ref = g_new0 (JobRef, 1);
      ref->batch = b;
      ref->index = i;
      if (job->log_path)
        g_subprocess_wait_async (p, NULL, job_finished, ref);
      else
        g_subprocess_communicate_async (p, NULL, NULL, job_finished, ref);
    }
}

static gboolean
batch_timed_out (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

gboolean
_rw_lab_run_jobs (GPtrArray *jobs, guint parallel, guint timeout_ms, GError **error)
{
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  g_autoptr(GSource) timer = g_timeout_source_new (timeout_ms);
  Batch b = { 0 };
  gboolean ok = TRUE;

  if (jobs->len == 0)
    return TRUE;
  b.jobs = jobs;
  b.procs = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_set_size (b.procs, (gint) jobs->len);
  b.cancel = g_cancellable_new ();
  b.parallel = MAX (parallel, 1);
  g_main_context_push_thread_default (ctx);
  g_source_set_callback (timer, batch_timed_out, b.cancel, NULL);
  g_source_attach (timer, ctx);
  start_next (&b);
  /* the callbacks of what was started always come, after a kill too */
  while (b.running > 0)
    {
      g_main_context_iteration (ctx, TRUE);
      if (g_cancellable_is_cancelled (b.cancel))
        for (guint i = 0; i < b.procs->len; i++)
          if (b.procs->pdata[i] != NULL && g_subprocess_get_identifier (b.procs->pdata[i]) != NULL)
            g_subprocess_force_exit (b.procs->pdata[i]);
    }
  g_source_destroy (timer);
  g_main_context_pop_thread_default (ctx);
  if (b.error != NULL)
    {
      g_propagate_error (error, b.error);
      ok = FALSE;
    }
  else if (g_cancellable_is_cancelled (b.cancel))
    {
      g_autofree char *cmd = NULL;
      for (guint i = 0; i < jobs->len && cmd == NULL; i++)
        if (b.procs->pdata[i] == NULL || ((RwLabJob *) jobs->pdata[i])->status >= 128)
          cmd = command_line ((const char *const *) ((RwLabJob *) jobs->pdata[i])->argv);
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: no answer after %u s", cmd ? cmd : "a command",
                   timeout_ms / 1000);
      ok = FALSE;
    }
  g_ptr_array_unref (b.procs);
  g_object_unref (b.cancel);
  return ok;
}

/* ---- names ---- */

char *
_rw_lab_tag (const char *name)
{
  g_autofree char *sum = NULL;
  if (strlen (name) <= 8)
    return g_strdup (name);
  /* long names: a readable start and a hash, so that two labs never share a tag by accident */
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
  return g_strdup_printf ("%.4s%.4s", name, sum);
}

char *
_rw_lab_bridge_name (const char *name)
{
  g_autofree char *tag = _rw_lab_tag (name);
  return g_strdup_printf ("rwmgmt-%s", tag);
}

char *
_rw_lab_mgmt_veth_name (const char *name, guint index)
{
  g_autofree char *tag = _rw_lab_tag (name);
  return g_strdup_printf ("rw%sm%u", tag, index);
}

char *
_rw_lab_netns_prefix (const char *name)
{
  /* '.' cannot occur in a lab name, so "rw-a." never matches lab "a-b"'s namespaces */
  return g_strdup_printf ("rw-%s.", name);
}

char *
_rw_lab_safe_node_name (const char *node)
{
  char *s = g_strdup (node);
  for (char *c = s; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-' && *c != '.')
      *c = '_';
  if (s[0] == '.' || s[0] == '\0')
    {
      char *t = g_strconcat ("_", s, NULL);
      g_free (s);
      s = t;
    }
  return s;
}

char *
_rw_lab_netns_name (const char *name, const char *node)
{
  g_autofree char *safe = _rw_lab_safe_node_name (node);
  return g_strdup_printf ("rw-%s.%s", name, safe);
}

/* ---- namespaces and processes ---- */

GPtrArray *
_rw_lab_netns_matching (const char *prefix)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open ("/run/netns", 0, NULL);
  const char *entry;
  /* /run/netns is what `ip netns list` reads */
  while (d && (entry = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (entry, prefix))
      g_ptr_array_add (names, g_strdup (entry));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  return names;
}

guint64
_rw_lab_netns_inode (const char *netns)
{
  g_autofree char *path = g_build_filename ("/run/netns", netns, NULL);
  struct stat st;
  /* the mount on that file is the namespace itself: its inode is the one /proc/PID/ns/net names */
  if (stat (path, &st) != 0)
    return 0;
  return (guint64) st.st_ino;
}

static guint64
pid_netns_inode (const char *pid)
{
  g_autofree char *path = g_build_filename ("/proc", pid, "ns", "net", NULL);
  g_autofree char *target = g_file_read_link (path, NULL);
  const char *open;
  if (target == NULL || (open = strchr (target, '[')) == NULL)
    return 0;
  return g_ascii_strtoull (open + 1, NULL, 10);
}

gboolean
_rw_lab_pid_mentions (gint pid, const char *marker)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cmdline", pid);
  g_autofree char *cmd = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &cmd, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + 1 < len; i++)
    if (cmd[i] == '\0')
      cmd[i] = ' ';
  return strstr (cmd, marker) != NULL;
}

GArray *
_rw_lab_find_processes (GArray *inodes, const char *dir_marker)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autoptr(GDir) d = g_dir_open ("/proc", 0, NULL);
  const char *entry;
  gint self = (gint) getpid ();

  while (d && (entry = g_dir_read_name (d)) != NULL)
    {
      char *end = NULL;
      gint pid = (gint) g_ascii_strtoll (entry, &end, 10);
      gboolean ours = FALSE;
      if (end == entry || *end != '\0' || pid <= 1 || pid == self || !_rw_lab_pid_alive (pid))
        continue;
      if (inodes != NULL && inodes->len > 0)
        {
          guint64 ino = pid_netns_inode (entry);
          for (guint i = 0; i < inodes->len && !ours; i++)
            ours = ino != 0 && ino == g_array_index (inodes, guint64, i);
        }
      if (!ours && dir_marker != NULL)
        ours = _rw_lab_pid_mentions (pid, dir_marker);
      if (ours)
        g_array_append_val (pids, pid);
    }
  return pids;
}

gboolean
_rw_lab_pid_alive (gint pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *close;
  if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  /* "PID (comm) S …": the state follows the last ')' */
  if ((close = strrchr (stat, ')')) == NULL || close[1] == '\0')
    return FALSE;
  return close[2] != 'Z' && close[2] != 'X';
}

guint64
_rw_lab_pid_start_time (gint pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *close;
  if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL) || (close = strrchr (stat, ')')) == NULL)
    return 0;
  /* after "PID (comm)": state is field 3, starttime field 22 */
  fields = g_strsplit (close + 2, " ", 21);
  return g_strv_length (fields) >= 20 ? g_ascii_strtoull (fields[19], NULL, 10) : 0;
}

char *
_rw_lab_pid_name (gint pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/comm", pid);
  char *comm = NULL;
  if (!g_file_get_contents (path, &comm, NULL, NULL))
    return NULL;
  return g_strstrip (comm);
}

static guint
count_alive (GArray *pids)
{
  guint n = 0;
  for (guint i = 0; i < pids->len; i++)
    n += _rw_lab_pid_alive (g_array_index (pids, gint, i));
  return n;
}

void
_rw_lab_kill_processes (GArray *pids, guint grace_ms)
{
  gint64 deadline;
  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, gint, i), SIGTERM);
  deadline = g_get_monotonic_time () + (gint64) grace_ms * 1000;
  while (count_alive (pids) > 0 && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);
  for (guint i = 0; i < pids->len; i++)
    if (_rw_lab_pid_alive (g_array_index (pids, gint, i)))
      kill (g_array_index (pids, gint, i), SIGKILL);
  deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (count_alive (pids) > 0 && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
}

/* ---- links in the root namespace ---- */

static gboolean
is_mgmt_veth (const char *ifname, const char *prefix)
{
  const char *rest;
  if (!g_str_has_prefix (ifname, prefix))
    return FALSE;
  rest = ifname + strlen (prefix);
  if (*rest == '\0')
    return FALSE;
  for (; *rest; rest++)
    if (!g_ascii_isdigit (*rest))
      return FALSE;
  return TRUE;
}

GPtrArray *
_rw_lab_root_links (const char *name)
{
  GPtrArray *links = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *tag = _rw_lab_tag (name);
  g_autofree char *bridge = _rw_lab_bridge_name (name);
  g_autofree char *veth_prefix = g_strdup_printf ("rw%sm", tag);
  g_autoptr(GDir) d = g_dir_open ("/sys/class/net", 0, NULL);
  const char *entry;

  while (d && (entry = g_dir_read_name (d)) != NULL)
    if (strcmp (entry, bridge) == 0 || is_mgmt_veth (entry, veth_prefix))
      g_ptr_array_add (links, g_strdup (entry));
  g_ptr_array_sort (links, (GCompareFunc) g_strcmp0);
  return links;
}

/* ---- files ---- */

gboolean
_rw_lab_remove_tree (const char *path, GError **error)
{
  GStatBuf st;
  if (g_lstat (path, &st) != 0)
    return TRUE;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, error);
      const char *entry;
      if (d == NULL)
        return FALSE;
      while ((entry = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, entry, NULL);
          if (!_rw_lab_remove_tree (child, error))
            return FALSE;
        }
      if (g_rmdir (path) != 0)
        {
          int e = errno;
          g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: %s", path, g_strerror (e));
          return FALSE;
        }
      return TRUE;
    }
  if (g_unlink (path) != 0)
    {
      int e = errno;
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: %s", path, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

/* ---- interface states without a process per namespace ---- */

typedef struct {
  GPtrArray *queries; /* RwLabIfState */
  GError *error;
} IfRound;

/* On a thread of its own (setns changes only the calling thread's namespace): per query, enter
 * the namespace and ask the kernel for the interface's flags. */
static gpointer
if_round (gpointer data)
{
  IfRound *r = data;
  for (guint i = 0; i < r->queries->len && r->error == NULL; i++)
    {
      RwLabIfState *q = r->queries->pdata[i];
      g_autofree char *path = g_build_filename ("/run/netns", q->netns, NULL);
      struct ifreq ifr;
      int nsfd, sock;
      if ((nsfd = open (path, O_RDONLY | O_CLOEXEC)) < 0 || setns (nsfd, CLONE_NEWNET) != 0)
        {
          int e = errno;
          if (nsfd >= 0)
            close (nsfd);
          g_set_error (&r->error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "namespace %s: %s", q->netns, g_strerror (e));
          break;
        }
      close (nsfd);
      if ((sock = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        {
          g_set_error (&r->error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "namespace %s: socket: %s", q->netns,
                       g_strerror (errno));
          break;
        }
      memset (&ifr, 0, sizeof ifr);
      g_strlcpy (ifr.ifr_name, q->ifname, sizeof ifr.ifr_name);
      if (ioctl (sock, SIOCGIFFLAGS, &ifr) == 0)
        {
          q->exists = TRUE;
          /* up by the administrator and with a carrier: a veth whose peer is down has none */
          q->up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
        }
      close (sock);
    }
  return NULL;
}

gboolean
_rw_lab_if_states (GPtrArray *queries, GError **error)
{
  IfRound r = { queries, NULL };
  GThread *t = g_thread_new ("rw-lab-ifstate", if_round, &r);
  g_thread_join (t);
  if (r.error)
    {
      g_propagate_error (error, r.error);
      return FALSE;
    }
  return TRUE;
}
