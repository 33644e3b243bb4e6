/* rw-lab.h — real routers: any network run as FRR 8.4 daemons in network namespaces on this
 * machine (DESIGN.md section 10b). One namespace per node, a veth pair per link named as the
 * lab's interfaces, tc netem for the link latencies, a management bridge in the root namespace
 * with a veth "mgmt0" into every node (for BMP), and zebra/staticd/bgpd (ospfd when configured)
 * per node, each daemon with its own pathspace under RW_LAB_RUN_DIR/NAME/NODE.
 *
 * Everything a lab creates is recorded in RW_LAB_RUN_DIR/NAME/state.json before it is created,
 * and rw_lab_down also sweeps by name (namespaces "rw-NAME.*", processes inside them or running
 * from the lab's folder, root links of the lab's tag), so nothing outlives a `lab down`, even
 * after the process that brought the lab up was killed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-twin.h"

G_BEGIN_DECLS

#define RW_LAB_ERROR (rw_lab_error_quark ())
GQuark rw_lab_error_quark (void);

typedef enum {
  RW_LAB_ERROR_NOT_ROOT,    /* network namespaces need root */
  RW_LAB_ERROR_NO_FRR,      /* FRR's daemons or vtysh are not installed */
  RW_LAB_ERROR_NO_IPROUTE,  /* ip or tc are not installed */
  RW_LAB_ERROR_INPUT,       /* a lab file or topology that cannot run, a bad lab name */
  RW_LAB_ERROR_EXISTS,      /* a lab of that name is up (or was not taken down) */
  RW_LAB_ERROR_NOT_FOUND,   /* no lab of that name, no such node */
  RW_LAB_ERROR_SYSTEM,      /* a command failed (ip, tc, a daemon, vtysh) */
  RW_LAB_ERROR_INTERRUPTED, /* the caller asked `up` to stop (RwLabUpOptions.stop) */
} RwLabError;

/* The lab every subcommand means when none is named. */
#define RW_LAB_DEFAULT_NAME "routewise"
/* Where the labs keep their state and the daemons their sockets, pid files and logs. */
#define RW_LAB_RUN_DIR "/run/routewise/labs"
/* Where FRR's daemons are (Debian's frr package); $ROUTEWISE_FRR_DIR overrides it. */
#define RW_LAB_FRR_DIR "/usr/lib/frr"

typedef enum { RW_LAB_PHASE_STARTING, RW_LAB_PHASE_UP, RW_LAB_PHASE_STOPPING } RwLabPhase;

const char *rw_lab_phase_to_string (RwLabPhase phase);

typedef struct {
  char *name;     /* "zebra", "staticd", "bgpd", "ospfd" */
  char *pidfile;
  gint pid;       /* 0 until the daemon wrote its pid file */
} RwLabDaemon;

typedef struct {
  char *name;      /* the node in the lab file, and in the lab's twin */
  char *netns;     /* "rw-LAB.NODE" */
  char *dir;       /* the daemons' pathspace: vty sockets, zserv.api, pid files, logs */
  char *config;    /* the integrated frr.conf it loads; NULL when the lab gives none */
  char *profile;   /* the "frr defaults" profile of the configuration; nullable */
  char *hostname;  /* the configuration's "hostname", else the node's name: its UTS host name */
  char *mgmt_veth; /* the root end of its management veth (the other end is mgmt0) */
  char *mgmt_addr; /* mgmt0's address, "172.20.N.K/24" */
  GPtrArray *daemons; /* RwLabDaemon, in start order */
} RwLabNode;

typedef struct {
  char *node[2];
  char *ifname[2];
  double latency_ms;  /* one way, applied on both ends; 0 = none */
} RwLabLink;

typedef struct {
  char *name;
  char *dir;          /* RW_LAB_RUN_DIR/NAME */
  char *source;       /* what `lab up` was given, absolute */
  char *clab;         /* the .clab.yml that runs: the source, or the export of a topology */
  char *topology;     /* DIR/topology.json: the twin of what runs now */
  char *bridge;       /* the management bridge */
  char *mgmt_subnet;  /* "172.20.N.0/24" */
  RwLabPhase phase;
  gboolean netem;     /* whether the kernel emulates the link latencies */
  gint64 created;     /* unix time */
  double up_seconds;  /* how long `lab up` took, 0 while starting */
  gint maker_pid;     /* the process that ran `lab up`, and its start time (/proc/PID/stat): */
  guint64 maker_start;/* `lab down` stops it first when it still runs */
  GPtrArray *nodes;   /* RwLabNode */
  GPtrArray *links;   /* RwLabLink */
  GPtrArray *warnings;/* char*: configuration lines the daemons refused, unsupported daemons… */
} RwLab;

void rw_lab_free (RwLab *lab);
const RwLabNode *rw_lab_find_node (const RwLab *lab, const char *name);
/* Whether the daemon runs: its pid is alive, not a zombie, and runs from the lab's folder. */
gboolean rw_lab_daemon_alive (const RwLab *lab, const RwLabDaemon *d);

/* Root, iproute2 (ip, tc) and FRR (zebra, staticd, bgpd, ospfd, vtysh) are there. The error
 * code says which is missing (RW_LAB_ERROR_NOT_ROOT, _NO_IPROUTE, _NO_FRR).
 * $ROUTEWISE_FRR_DIR overrides RW_LAB_FRR_DIR (FRR built elsewhere; tests). */
gboolean rw_lab_check_environment (GError **error);
/* Lab names are 1-32 of [A-Za-z0-9_-] (they become namespace and interface names). */
gboolean rw_lab_name_is_valid (const char *name, GError **error);

typedef void (*RwLabLogFunc) (const char *line, gpointer user_data);

typedef struct {
  const char *name;         /* NULL: RW_LAB_DEFAULT_NAME */
  guint settle_timeout_s;   /* the bound on waiting for BGP to settle; 0: 90 */
  guint settle_window_s;    /* how long nothing may change to call BGP settled; 0: 6 */
  const char *demands_file; /* a lab file's demands and SLA classes (rw_frr_import_clab); NULL:
                             * demands.json beside the lab file when there is one */
  const volatile int *stop; /* nullable: set (from a signal handler) to stop `up` at its next step;
                             * what was made is taken down, the error is RW_LAB_ERROR_INTERRUPTED */
  RwLabLogFunc log;         /* progress lines; nullable */
  gpointer log_data;
} RwLabUpOptions;

void rw_lab_up_options_init (RwLabUpOptions *o);

/* Brings up @path: a Containerlab file (.clab.yml / .clab.yaml) runs with its own
 * configurations as they are; any other file is a Routewise topology, exported with
 * rw_clab_export into the lab's folder first. Waits, bounded, until BGP settles (every
 * neighbour Established, or not and unchanged). @settled tells whether it did (nullable).
 * On any failure what was made is taken down again, and @error says why. */
RwLab *rw_lab_up (const char *path, const RwLabUpOptions *opts, gboolean *settled, GError **error);

/* The state of a lab that is up (or half up). RW_LAB_ERROR_NOT_FOUND when there is none. */
RwLab *rw_lab_open (const char *name, GError **error);
/* The names of the labs with a state folder, sorted. */
GStrv rw_lab_list (void);

/* Removes every namespace, process, link and file of lab @name — what its state records, and
 * whatever carries its name. Quiet and TRUE when there is nothing to remove (@removed = 0).
 * @removed counts namespaces, processes, links and folders removed (nullable). */
gboolean rw_lab_down (const char *name, RwLabLogFunc log, gpointer log_data, guint *removed, GError **error);
/* What of lab @name still exists ("namespace rw-x.R1", "process 123 (bgpd)", "link rwxm1",
 * "folder /run/routewise/labs/x"): empty after rw_lab_down. */
GPtrArray *rw_lab_leftovers (const char *name);

/* The topology the lab runs now (DIR/topology.json), with the address plan filled in. */
RwTopology *rw_lab_load_topology (const RwLab *lab, GError **error);
/* address (guint32, as GUINT_TO_POINTER) -> node id (borrowed from @t): link ends' addresses,
 * loopbacks and router ids, as FRR names its neighbours and next hops. */
GHashTable *rw_lab_address_map (const RwTopology *t);

/* vtysh in @node's namespace, connected to that node's daemons: its standard output. */
char *rw_lab_vtysh (const RwLab *lab, const char *node, const char *command, GError **error);
/* The argv that runs @cmd in @node's namespace; a "vtysh" there gets the node's
 * --vty_socket. NULL-terminated; free with g_strfreev. */
char **rw_lab_exec_argv (const RwLab *lab, const char *node, const char *const *cmd, GError **error);

/* Replaces this process with @cmd in @node's namespace (rw_lab_exec_argv), under the node's host
 * name. Returns only on failure. */
gboolean rw_lab_exec (const RwLab *lab, const char *node, const char *const *cmd, GError **error);

/* One BGP neighbour as a router sees it (`show bgp summary json`). */
typedef struct {
  char *node;
  char *address;      /* the neighbour's address */
  char *peer;         /* the node owning that address; nullable */
  guint32 remote_as;
  char *state;        /* "Established", "Active", "Idle (Admin)"… */
  gboolean established;
  gint64 prefixes_received;
} RwLabSession;

void rw_lab_session_free (RwLabSession *s);
/* Every neighbour of every node running bgpd, in node order. @addresses maps neighbour addresses
 * to nodes (rw_lab_address_map; nullable). A node whose bgpd does not answer is an error. */
GPtrArray *rw_lab_sessions (const RwLab *lab, GHashTable *addresses, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwLab, rw_lab_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwLabSession, rw_lab_session_free)

G_END_DECLS
