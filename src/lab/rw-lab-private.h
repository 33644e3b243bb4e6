/* rw-lab-private.h — what the files of the lab share: running commands with a bound, the
 * names a lab gives its namespaces and links, its state file, and FRR's daemons.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-lab.h"

G_BEGIN_DECLS

/* ---- rw-lab-sys.c: commands, namespaces, processes, links ---- */

/* The path of a system tool (ip, tc) in $PATH or the sbin folders; NULL when missing. */
char *_rw_lab_find_tool (const char *name);
/* FRR's daemon folder ($ROUTEWISE_FRR_DIR or RW_LAB_FRR_DIR) and vtysh. */
const char *_rw_lab_frr_dir (void);
char *_rw_lab_vtysh_path (void);

/* Runs @argv (no shell) with a bound of @timeout_ms. FALSE with @error when it cannot start,
 * times out, or exits non-zero (the message names the command and quotes its stderr). */
gboolean _rw_lab_run (const char *const *argv, guint timeout_ms, char **out, GError **error);
/* As _rw_lab_run, but a non-zero exit is not an error: @exit_status and @err say how it went. */
gboolean _rw_lab_run_status (const char *const *argv, guint timeout_ms, char **out, char **err, int *exit_status,
                             GError **error);
/* As _rw_lab_run_status, with @input (nullable) on its standard input. */
gboolean _rw_lab_run_input (const char *const *argv, const char *input, guint timeout_ms, char **out, char **err,
                            int *exit_status, GError **error);
/* One command of a batch run by _rw_lab_run_jobs. */
typedef struct {
  char **argv;      /* owned, NULL-terminated */
  char *log_path;   /* nullable: output goes to this file (a daemon keeps it open), else captured */
  char *hostname;   /* nullable: run in a UTS namespace of its own with this host name */
  int status;       /* exit status, or 128 + signal */
  char *out, *err;  /* captured output, when no log_path */
} RwLabJob;

RwLabJob *_rw_lab_job_new (char **argv, const char *log_path);
void _rw_lab_job_free (RwLabJob *job);
/* Runs @jobs (RwLabJob), at most @parallel at once, all within @timeout_ms (whatever runs then
 * is killed, and that is the error). A non-zero exit is not an error: see job->status. */
gboolean _rw_lab_run_jobs (GPtrArray *jobs, guint parallel, guint timeout_ms, GError **error);

/* Moves the calling process into a UTS namespace of its own named @hostname (FRR's daemons take
 * their host name from it); a child-setup function, async-signal-safe. */
void _rw_lab_set_hostname (gpointer hostname);

/* The lab's short tag for interface names (≤ 8 characters), its bridge and its namespaces. */
char *_rw_lab_tag (const char *name);
char *_rw_lab_bridge_name (const char *name);
char *_rw_lab_mgmt_veth_name (const char *name, guint index);
char *_rw_lab_netns_prefix (const char *name);  /* "rw-NAME." */
char *_rw_lab_netns_name (const char *name, const char *node);
/* A node name as a file and namespace name: [A-Za-z0-9_.-], others become '_'. */
char *_rw_lab_safe_node_name (const char *node);

/* The namespaces whose name starts with @prefix. */
GPtrArray *_rw_lab_netns_matching (const char *prefix);
/* The inode of a named namespace, 0 when it does not exist. */
guint64 _rw_lab_netns_inode (const char *netns);
/* Processes (other than this one) inside any of @inodes (guint64) or whose command line
 * mentions @dir_marker. GArray of gint. */
GArray *_rw_lab_find_processes (GArray *inodes, const char *dir_marker);
/* Whether @pid is a live process (not a zombie). */
gboolean _rw_lab_pid_alive (gint pid);
/* The start time of a process (clock ticks since boot, /proc/PID/stat), 0 when gone. */
guint64 _rw_lab_pid_start_time (gint pid);
/* The process's name (/proc/PID/comm); NULL when gone. */
char *_rw_lab_pid_name (gint pid);
/* Whether @pid's command line mentions @marker. */
gboolean _rw_lab_pid_mentions (gint pid, const char *marker);
/* SIGTERM, a bounded wait, then SIGKILL for those still alive. */
void _rw_lab_kill_processes (GArray *pids, guint grace_ms);
/* Root-namespace links (ifname strings) that are the lab's: its bridge and management veths. */
GPtrArray *_rw_lab_root_links (const char *name);
/* Removes @path and what is under it, without following symbolic links. */
gboolean _rw_lab_remove_tree (const char *path, GError **error);

/* `ip ARGS…` (NULL-terminated), bounded. */
gboolean _rw_lab_ip (GError **error, ...) G_GNUC_NULL_TERMINATED;

/* Whether interfaces inside named namespaces are up and have a carrier, asked of the kernel
 * directly (no process per namespace). */
typedef struct {
  const char *netns, *ifname;
  gboolean exists, up;   /* out */
} RwLabIfState;
gboolean _rw_lab_if_states (GPtrArray *queries, GError **error);

/* ---- rw-lab-net.c: the lab's network ---- */

/* Chooses the lab's management /24 in 172.20/16 (none another lab or this machine uses, none
 * overlapping @twin's addresses) and records it, under a lock. */
gboolean _rw_lab_choose_mgmt_subnet (RwLab *lab, const RwTopology *twin, GError **error);
gboolean _rw_lab_make_bridge (RwLab *lab, GError **error);
/* Moves @nodes and @links into @lab, records them, then makes the namespaces, veths (both ends
 * born in their namespaces, named as the lab's interfaces), management veths, forwarding, netem. */
gboolean _rw_lab_make_network (RwLab *lab, GPtrArray *nodes, GPtrArray *links, GError **error);

/* ---- rw-lab-state.c: state.json, written before each resource is created ---- */

RwLab *_rw_lab_new (const char *name);
RwLabNode *_rw_lab_node_new (const char *lab, const char *node);
void _rw_lab_node_free (RwLabNode *n);
void _rw_lab_link_free (RwLabLink *l);
void _rw_lab_daemon_free (RwLabDaemon *d);
char *_rw_lab_state_path (const char *name);
gboolean _rw_lab_save (const RwLab *lab, GError **error);
RwLab *_rw_lab_load (const char *path, GError **error);

/* ---- rw-lab-frr.c: FRR's daemons in a node ---- */

/* The daemons a node needs: zebra and staticd, bgpd for "router bgp", ospfd for "router ospf";
 * any other daemon its daemons file (nullable) enables goes to @warnings. Fills node->daemons
 * (not started), node->profile ("frr defaults") and node->hostname. */
gboolean _rw_lab_plan_daemons (RwLabNode *node, const char *daemons_file, GPtrArray *warnings, GError **error);
/* Starts every node's daemons, zebra first then the others, many at once (each is recorded in
 * the state with its pid file before it starts, and with its pid once up), then loads every
 * node's configuration with vtysh. Lines the daemons refuse go to lab->warnings. */
gboolean _rw_lab_start_daemons (RwLab *lab, GError **error);
/* `vtysh -c COMMAND` on every node running @daemon, several at once: their outputs, and the
 * nodes in @nodes (RwLabNode, borrowed). */
GPtrArray *_rw_lab_vtysh_all (const RwLab *lab, const char *daemon, const char *command, GPtrArray **nodes,
                              GError **error);
/* As _rw_lab_vtysh_all, on the nodes named in @only (a set of names; NULL: every node). */
GPtrArray *_rw_lab_vtysh_some (const RwLab *lab, const char *daemon, const char *command, GHashTable *only,
                               GPtrArray **nodes, GError **error);
/* rw_lab_sessions of the nodes in @only (NULL: all); @fingerprint (nullable) gets what does not
 * change while BGP is settled (table versions, states, prefix counts, queues). */
GPtrArray *_rw_lab_sessions_of (const RwLab *lab, GHashTable *addresses, GHashTable *only, GString *fingerprint,
                                GError **error);
/* vtysh on @node's daemons with @args; NULL-terminated, g_strfreev. */
char **_rw_lab_vtysh_argv (const RwLabNode *node, const char *const *args);
/* Waits until BGP settles or @timeout_s passes; @settled says which. */
gboolean _rw_lab_wait_bgp (const RwLab *lab, GHashTable *addresses, const RwLabUpOptions *opts, gboolean *settled,
                           GError **error);

void _rw_lab_log (const RwLabUpOptions *opts, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* FALSE with RW_LAB_ERROR_INTERRUPTED once the caller asked to stop. */
gboolean _rw_lab_go_on (const RwLabUpOptions *opts, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwLabNode, _rw_lab_node_free)

G_END_DECLS
