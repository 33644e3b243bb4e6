/* rw-scenario.h — scenario files (format routewise-scenario, version 1; DESIGN.md section 10):
 * a topology, a seed, a timeline of faults, the mode, scripted operator answers, expectations.
 * Times ("at", "over", "recovered_by") are in ticks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-twin.h"

G_BEGIN_DECLS

/* The range of a scenario's tick length, and of the utilisation it may expect afterwards. */
#define RW_TICK_MIN_S 0.001
#define RW_TICK_MAX_S 86400.0
#define RW_UTILISATION_EXPECT_MAX 1000.0

typedef enum {
  RW_EVENT_LINK_DOWN, RW_EVENT_LINK_UP, RW_EVENT_LINK_DEGRADE, RW_EVENT_DEMAND_RAMP,
  RW_EVENT_SESSION_FLAP, RW_EVENT_ROUTE_LEAK, RW_EVENT_ROUTER_CPU,
} RwEventType;

const char *rw_event_type_to_string (RwEventType t);
/* Events are plain data; one made by hand (an operator's injected fault) is freed with this. */

typedef struct {
  guint at;                /* tick */
  RwEventType type;
  char *link;              /* link_* */
  char *cause;             /* link_down: "ofc_cut", … (free text) */
  char *demand;            /* demand_ramp */
  double to_mbps;
  guint over;              /* ticks for ramps and degradations (0 = at once) */
  double loss_pct;         /* link_degrade: added loss */
  double latency_ms;       /* link_degrade: added latency */
  char *a, *b;             /* session_flap ends */
  guint period;            /* session_flap: ticks down, then up, … */
  guint count;             /* session_flap: number of flaps */
  char *node;              /* route_leak: who leaks; router_cpu: which router */
  GPtrArray *prefixes;     /* route_leak: prefixes (RwPrefix*) the node starts to originate */
  double cpu_pct;          /* router_cpu */
} RwScenarioEvent;

void rw_scenario_event_free (RwScenarioEvent *e);

typedef enum { RW_MODE_SHADOW, RW_MODE_SUPERVISED, RW_MODE_AUTONOMOUS } RwMode;
const char *rw_mode_to_string (RwMode m);
gboolean rw_mode_parse (const char *text, RwMode *out);

/* MODIFY comes only from an interactive operator (the app), with a replacement change. */
typedef enum { RW_ANSWER_APPROVE, RW_ANSWER_REJECT, RW_ANSWER_TIMEOUT, RW_ANSWER_MODIFY } RwAnswer;

typedef struct {
  char *file;              /* where it was loaded from (NULL for inline) */
  char *name;
  RwTopology *topology;    /* owned */
  char *topology_file;
  guint32 seed;
  double tick_s;
  guint ticks;
  double noise;
  RwMode mode;
  guint baseline_ticks;
  GPtrArray *events;       /* RwScenarioEvent, sorted by tick */
  RwAnswer operator_default;
  GHashTable *operator_by_tier; /* "T2" -> RwAnswer+1 */
  GPtrArray *expect_root_causes; /* char*: "link_down:R2-ISPB", "congestion:R1-ISPA", … */
  gint expect_recovered_by;      /* tick, -1 = not given */
  double expect_max_utilisation; /* < 0 = not given */
  gboolean expect_no_action;     /* the agent must not act */
  gboolean expect_escalation;    /* the agent must escalate rather than act */
} RwScenario;

RwScenario *rw_scenario_load_file (const char *path, GError **error);
RwScenario *rw_scenario_load_data (const char *data, gssize len, const char *source, const char *base_dir, GError **error);
void rw_scenario_free (RwScenario *s);
RwAnswer rw_scenario_answer (const RwScenario *s, const char *tier);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwScenario, rw_scenario_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwScenarioEvent, rw_scenario_event_free)

G_END_DECLS
