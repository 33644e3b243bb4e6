/* rw-runner.c — the agent loop on a worker thread, fed by a command queue.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-runner.h"
#include "rw-json-util.h"

#include <glib/gi18n.h>
#include <math.h>

typedef enum { CMD_PLAY, CMD_PAUSE, CMD_STEP, CMD_INTERVAL, CMD_MODE, CMD_INJECT, CMD_GUARD, CMD_QUIT } CmdKind;

typedef struct {
  CmdKind kind;
  guint value;
  RwScenarioEvent *event;
  RwGuardConfig *guard;      /* CMD_GUARD */
} Cmd;

typedef struct {
  RwAnswer answer;
  char *modified;
} Answer;

struct _RwRunner {
  GObject parent_instance;
  RwScenario *scenario;
  char *db_path;
  RwGuardConfig config;
  GMainContext *context;     /* where signals are emitted */
  GThread *thread;
  GAsyncQueue *commands;     /* Cmd */
  GAsyncQueue *answers;      /* Answer */
  gint pending;              /* atomic: an approval is waiting */
  gint quitting;             /* atomic */
  gboolean playing;          /* GUI-side view of the state */
  RwSnapshot *snapshot;      /* GUI thread */
  RwProving *proving;        /* GUI thread */
  GMutex proof_lock;
  GCancellable *proof;       /* proof_lock: the agent's proof under way, NULL between proofs */
  /* worker-only */
  gboolean proof_cancelled;  /* a proof was cancelled in the step under way */
  RwAgent *agent;
  RwStore *store;
  gint64 last_seq;
};

G_DEFINE_FINAL_TYPE (RwRunner, rw_runner, G_TYPE_OBJECT)

enum { SIG_SNAPSHOT, SIG_APPROVAL, SIG_RUNNING_CHANGED, SIG_PROVING, N_SIGNALS };
static guint signals[N_SIGNALS];

RwSnapshot *
rw_snapshot_ref (RwSnapshot *s)
{
  g_atomic_ref_count_inc (&s->ref);
  return s;
}

void
rw_snapshot_unref (RwSnapshot *s)
{
  if (s == NULL || !g_atomic_ref_count_dec (&s->ref))
    return;
  g_clear_pointer (&s->live, rw_twin_free);
  g_free (s->observed_util);
  g_clear_pointer (&s->events, g_ptr_array_unref);
  g_clear_pointer (&s->hypotheses, json_node_unref);
  g_clear_pointer (&s->result, rw_run_result_free);
  g_free (s->error);
  g_free (s);
}

void
rw_approval_free (RwApproval *a)
{
  if (a == NULL)
    return;
  g_free (a->tier);
  g_free (a->hypothesis_kind);
  g_free (a->entity);
  g_free (a->explains);
  g_free (a->action_kind);
  g_free (a->verdict);
  g_free (a->frr_diff);
  g_strfreev (a->changes);
  g_clear_pointer (&a->model, rw_twin_free);
  g_free (a);
}

void
rw_proving_free (RwProving *p)
{
  if (p == NULL)
    return;
  g_free (p->hypothesis_kind);
  g_free (p->entity);
  g_strfreev (p->changes);
  g_free (p);
}

/* ---- messages to the GUI thread ---- */

typedef struct {
  RwRunner *runner;
  guint signal;
  gpointer payload;
  GDestroyNotify free_payload;
} Message;

static gboolean
deliver (gpointer data)
{
  Message *m = data;
  RwRunner *r = m->runner;
  if (m->signal == SIG_SNAPSHOT)
    {
      g_clear_pointer (&r->snapshot, rw_snapshot_unref);
      r->snapshot = rw_snapshot_ref (m->payload);
      if ((r->snapshot->finished || r->snapshot->paused) && r->playing)
        {
          r->playing = FALSE;
          g_signal_emit (r, signals[SIG_RUNNING_CHANGED], 0);
        }
    }
  else if (m->signal == SIG_PROVING)
    {
      g_clear_pointer (&r->proving, rw_proving_free);
      r->proving = g_steal_pointer (&m->payload);
      g_signal_emit (r, signals[SIG_PROVING], 0, r->proving);
      return G_SOURCE_REMOVE;
    }
  g_signal_emit (r, signals[m->signal], 0, m->payload);
  return G_SOURCE_REMOVE;
}

static void
message_free (gpointer data)
{
  Message *m = data;
  if (m->free_payload)
    m->free_payload (m->payload);
  g_object_unref (m->runner);
  g_free (m);
}

static void
post (RwRunner *r, guint signal, gpointer payload, GDestroyNotify free_payload)
{
  Message *m = g_new0 (Message, 1);
  m->runner = g_object_ref (r);
  m->signal = signal;
  m->payload = payload;
  m->free_payload = free_payload;
  /* always through the context's loop: g_main_context_invoke would call deliver on this worker
   * thread whenever the GUI thread does not hold its context at that moment (between two
   * iterations), and the handlers are GTK code */
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver, m, message_free);
  g_source_set_static_name (source, "[routewise] runner message");
  g_source_attach (source, r->context);
  g_source_unref (source);
}

/* ---- the worker ---- */

static void publish (RwRunner *r, gboolean finished, gboolean paused, const char *error);
static void publish_mid_tick (RwRunner *r);

static RwAnswer
approve_on_gui (const RwApprovalRequest *req, char **modified, gpointer data)
{
  RwRunner *r = data;
  RwApproval *a = g_new0 (RwApproval, 1);
  Answer *ans;
  RwAnswer out;
  if (g_atomic_int_get (&r->quitting))
    return RW_ANSWER_REJECT;
  a->tick = req->tick;
  a->ttl_ticks = req->ttl_ticks;
  a->tier = g_strdup (req->tier);
  a->hypothesis_kind = g_strdup (req->hypothesis_kind);
  a->entity = g_strdup (req->entity);
  a->explains = g_strdup (req->explains);
  a->action_kind = g_strdup (req->action_kind);
  a->verdict = g_strdup (req->verdict);
  a->frr_diff = g_strdup (req->frr_diff);
  a->changes = g_strdupv ((char **) req->changes);
  a->mode = req->mode;
  a->confidence = req->confidence;
  a->blast_radius = req->blast_radius;
  a->max_util_before = req->max_util_before;
  a->max_util_after = req->max_util_after;
  a->sla_misses_before = req->sla_misses_before;
  a->sla_misses_after = req->sla_misses_after;
  a->model = req->model ? rw_twin_fork (req->model) : NULL;
  g_atomic_int_set (&r->pending, 1);
  /* the window shows the network as the agent sees it while it waits */
  publish_mid_tick (r);
  post (r, SIG_APPROVAL, a, (GDestroyNotify) rw_approval_free);
  /* the loop waits for the operator; the GUI counts the T2 timeout down and answers for them */
  ans = g_async_queue_pop (r->answers);
  g_atomic_int_set (&r->pending, 0);
  out = ans->answer;
  if (modified)
    *modified = g_steal_pointer (&ans->modified);
  g_free (ans->modified);
  g_free (ans);
  return out;
}

static RwSnapshot *
snapshot_new (RwRunner *r, gboolean finished, const char *error)
{
  RwSnapshot *s = g_new0 (RwSnapshot, 1);
  const RwTwin *live = rw_agent_live (r->agent);
  guint nd = 2 * live->topo->links->len;
  g_atomic_ref_count_init (&s->ref);
  s->tick = rw_agent_tick (r->agent);
  s->max_ticks = rw_agent_get_max_ticks (r->agent);
  s->tick_s = r->scenario->tick_s;
  s->mode = rw_agent_get_mode (r->agent);
  s->live = rw_twin_fork (live);
  /* before the first tick nothing was observed: the model's loads are shown instead */
  if (s->tick > 0)
    {
      s->observed_util = g_new0 (double, MAX (nd, 1));
      for (guint d = 0; d < nd; d++)
        s->observed_util[d] = rw_agent_observed_utilisation (r->agent, d);
    }
  s->hypotheses = rw_agent_hypotheses_to_json (r->agent);
  s->result = rw_agent_result (r->agent);
  s->finished = finished;
  s->error = g_strdup (error);
  s->events = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_audit_event_free);
  if (r->store)
    {
      g_autoptr(GPtrArray) all = rw_store_events_since (r->store, rw_agent_run_id (r->agent), r->last_seq, NULL);
      for (guint i = 0; all && i < all->len; i++)
        {
          RwAuditEvent *e = all->pdata[i];
          if (e->seq > r->last_seq)
            {
              g_ptr_array_add (s->events, rw_audit_event_copy (e));
              r->last_seq = e->seq;
            }
        }
    }
  else
    {
      const GPtrArray *tl = rw_agent_timeline (r->agent);
      for (guint i = (guint) r->last_seq; i < tl->len; i++)
        {
          const RwTimelineEvent *t = tl->pdata[i];
          RwAuditEvent *e = g_new0 (RwAuditEvent, 1);
          e->seq = i + 1;
          e->kind = g_strdup (t->kind);
          e->actor = g_strdup ("agent");
          e->payload = rw_json_to_string (t->payload, FALSE);
          g_ptr_array_add (s->events, e);
        }
      r->last_seq = tl->len;
    }
  return s;
}

static void
publish (RwRunner *r, gboolean finished, gboolean paused, const char *error)
{
  RwSnapshot *s = snapshot_new (r, finished, error);
  s->paused = paused;
  post (r, SIG_SNAPSHOT, s, (GDestroyNotify) rw_snapshot_unref);
}

/* During a tick: the network as it is now (the tick's faults in), before a long wait. */
static void
publish_mid_tick (RwRunner *r)
{
  RwSnapshot *s = snapshot_new (r, FALSE, NULL);
  s->mid_tick = TRUE;
  post (r, SIG_SNAPSHOT, s, (GDestroyNotify) rw_snapshot_unref);
}

/* The agent's proofs, on the worker: the GUI sees the tick's network and what is proved, and
 * may cancel it (rw_runner_cancel_proof) while the worker is inside Z3. */
static void
watch_proof (const RwProof *proof, gpointer data)
{
  RwRunner *r = data;
  RwProving *p;
  if (proof == NULL)
    {
      g_mutex_lock (&r->proof_lock);
      if (r->proof && g_cancellable_is_cancelled (r->proof))
        r->proof_cancelled = TRUE;
      g_clear_object (&r->proof);
      g_mutex_unlock (&r->proof_lock);
      post (r, SIG_PROVING, NULL, (GDestroyNotify) rw_proving_free);
      return;
    }
  g_mutex_lock (&r->proof_lock);
  g_set_object (&r->proof, proof->cancellable);
  g_mutex_unlock (&r->proof_lock);
  if (g_atomic_int_get (&r->quitting))
    {
      g_cancellable_cancel (proof->cancellable); /* closing: no proof worth waiting for */
      return;
    }
  publish_mid_tick (r);
  p = g_new0 (RwProving, 1);
  p->tick = proof->tick;
  p->hypothesis_kind = g_strdup (proof->hypothesis_kind);
  p->entity = g_strdup (proof->entity);
  p->changes = g_strdupv ((char **) proof->changes);
  p->synthesis = proof->synthesis;
  p->started_us = g_get_monotonic_time ();
  post (r, SIG_PROVING, p, (GDestroyNotify) rw_proving_free);
}

static gpointer
worker (gpointer data)
{
  RwRunner *r = data;
  g_autoptr(GError) error = NULL;
  gboolean playing = FALSE, finished = FALSE;
  guint until = G_MAXUINT;
  guint interval_ms = 500;
  gint64 due = 0;

  if (r->db_path)
    {
      g_autofree char *dir = g_path_get_dirname (r->db_path);
      g_mkdir_with_parents (dir, 0700);
      r->store = rw_store_open (r->db_path, &error);
    }
  if (error == NULL)
    r->agent = rw_agent_new (r->scenario, r->store, &r->config, &error);
  if (r->agent)
    {
      rw_agent_set_approver (r->agent, approve_on_gui, r);
      rw_agent_set_proof_watch (r->agent, watch_proof, r);
      publish (r, FALSE, FALSE, NULL);
    }
  else
    {
      RwSnapshot *s = g_new0 (RwSnapshot, 1);
      g_atomic_ref_count_init (&s->ref);
      s->finished = TRUE;
      s->error = g_strdup (error->message);
      post (r, SIG_SNAPSHOT, s, (GDestroyNotify) rw_snapshot_unref);
    }

  for (;;)
    {
      Cmd *c;
      gboolean step = FALSE;
      if (playing)
        {
          gint64 wait = due - g_get_monotonic_time ();
          c = wait > 0 ? g_async_queue_timeout_pop (r->commands, wait) : g_async_queue_try_pop (r->commands);
          step = c == NULL;
        }
      else
        c = g_async_queue_pop (r->commands);
      if (c)
        {
          CmdKind kind = c->kind;
          switch (kind)
            {
            case CMD_PLAY:
              playing = r->agent != NULL && !finished;
              until = c->value ? c->value : G_MAXUINT;
              due = g_get_monotonic_time ();
              break;
            case CMD_PAUSE: playing = FALSE; break;
            case CMD_STEP: step = r->agent != NULL && !finished; break;
            case CMD_INTERVAL: interval_ms = c->value; break;
            case CMD_MODE:
              if (r->agent)
                rw_agent_set_mode (r->agent, (RwMode) c->value);
              break;
            case CMD_INJECT:
              if (r->agent && !finished)
                {
                  rw_agent_inject_event (r->agent, g_steal_pointer (&c->event));
                  /* a fault ends a finished-looking quiet run only if there is time left */
                }
              break;
            case CMD_GUARD:
              /* between two steps, so the next decision uses the new limits */
              if (r->agent)
                rw_agent_set_guard_config (r->agent, c->guard);
              break;
            case CMD_QUIT: break;
            }
          g_clear_pointer (&c->event, rw_scenario_event_free);
          g_free (c->guard);
          g_free (c);
          if (kind == CMD_QUIT)
            break;
          if (kind == CMD_MODE && r->agent)
            publish (r, finished, FALSE, NULL);
        }
      if (step)
        {
          g_autoptr(GError) local = NULL;
          gboolean more = rw_agent_step (r->agent, &local);
          due = g_get_monotonic_time () + (gint64) interval_ms * 1000;
          if (!more)
            {
              finished = TRUE;
              playing = FALSE;
            }
          gboolean paused = FALSE;
          if (playing && rw_agent_tick (r->agent) >= until)
            playing = FALSE, paused = TRUE;
          if (r->proof_cancelled)
            {
              /* the operator stopped the agent's thinking: the run waits for them */
              r->proof_cancelled = FALSE;
              playing = FALSE;
              paused = TRUE;
            }
          if (g_atomic_int_get (&r->quitting))
            break;
          publish (r, finished, paused, local ? local->message : NULL);
        }
    }
  g_clear_pointer (&r->agent, rw_agent_free);
  if (r->store)
    g_clear_pointer (&r->store, rw_store_close);
  return NULL;
}

static void
send (RwRunner *r, CmdKind kind, guint value, RwScenarioEvent *event)
{
  Cmd *c = g_new0 (Cmd, 1);
  c->kind = kind;
  c->value = value;
  c->event = event;
  g_async_queue_push (r->commands, c);
}

void
rw_runner_play (RwRunner *r)
{
  if (r->snapshot && r->snapshot->finished)
    return;
  send (r, CMD_PLAY, 0, NULL);
  if (!r->playing)
    {
      r->playing = TRUE;
      g_signal_emit (r, signals[SIG_RUNNING_CHANGED], 0);
    }
}

void
rw_runner_play_until (RwRunner *r, guint tick)
{
  if (r->snapshot && r->snapshot->finished)
    return;
  send (r, CMD_PLAY, tick, NULL);
  r->playing = TRUE;
  g_signal_emit (r, signals[SIG_RUNNING_CHANGED], 0);
}

void
rw_runner_pause (RwRunner *r)
{
  send (r, CMD_PAUSE, 0, NULL);
  if (r->playing)
    {
      r->playing = FALSE;
      g_signal_emit (r, signals[SIG_RUNNING_CHANGED], 0);
    }
}

void
rw_runner_step (RwRunner *r)
{
  send (r, CMD_STEP, 0, NULL);
}

gboolean
rw_runner_is_playing (RwRunner *r)
{
  return r->playing;
}

void
rw_runner_set_interval (RwRunner *r, guint ms)
{
  send (r, CMD_INTERVAL, MAX (ms, 1), NULL);
}

void
rw_runner_set_mode (RwRunner *r, RwMode mode)
{
  send (r, CMD_MODE, mode, NULL);
}

void
rw_runner_inject (RwRunner *r, RwScenarioEvent *event)
{
  send (r, CMD_INJECT, 0, event);
}

void
rw_runner_set_guard_config (RwRunner *r, const RwGuardConfig *config)
{
  Cmd *c = g_new0 (Cmd, 1);
  c->kind = CMD_GUARD;
  c->guard = g_memdup2 (config, sizeof *config);
  g_async_queue_push (r->commands, c);
}

void
rw_runner_answer (RwRunner *r, RwAnswer answer, const char *modified)
{
  Answer *a = g_new0 (Answer, 1);
  a->answer = answer;
  a->modified = g_strdup (modified);
  g_async_queue_push (r->answers, a);
}

gboolean
rw_runner_has_pending_approval (RwRunner *r)
{
  return g_atomic_int_get (&r->pending);
}

const RwProving *
rw_runner_get_proving (RwRunner *r)
{
  return r->proving;
}

gboolean
rw_runner_cancel_proof (RwRunner *r)
{
  g_autoptr(GCancellable) proof = NULL;
  g_mutex_lock (&r->proof_lock);
  if (r->proof)
    proof = g_object_ref (r->proof);
  g_mutex_unlock (&r->proof_lock);
  if (proof == NULL)
    return FALSE;
  /* Z3_interrupt runs here, on this thread: it only flags the worker's check, never waits */
  g_cancellable_cancel (proof);
  return TRUE;
}

RwSnapshot *
rw_runner_get_snapshot (RwRunner *r)
{
  return r->snapshot;
}

const RwScenario *
rw_runner_get_scenario (RwRunner *r)
{
  return r->scenario;
}

const char *
rw_runner_get_db_path (RwRunner *r)
{
  return r->db_path;
}

void
rw_runner_shutdown (RwRunner *r)
{
  if (r->thread == NULL)
    return;
  g_atomic_int_set (&r->quitting, 1);
  send (r, CMD_QUIT, 0, NULL);
  rw_runner_cancel_proof (r); /* a proof under way would hold the join for its whole budget */
  if (g_atomic_int_get (&r->pending))
    rw_runner_answer (r, RW_ANSWER_REJECT, NULL);
  g_thread_join (g_steal_pointer (&r->thread));
}

static void
rw_runner_dispose (GObject *object)
{
  rw_runner_shutdown (RW_RUNNER (object));
  G_OBJECT_CLASS (rw_runner_parent_class)->dispose (object);
}

static void
cmd_free (gpointer data)
{
  Cmd *c = data;
  g_clear_pointer (&c->event, rw_scenario_event_free);
  g_free (c->guard);
  g_free (c);
}

static void
answer_free (gpointer data)
{
  Answer *a = data;
  g_free (a->modified);
  g_free (a);
}

static void
rw_runner_finalize (GObject *object)
{
  RwRunner *r = RW_RUNNER (object);
  g_async_queue_unref (r->commands);
  g_async_queue_unref (r->answers);
  g_clear_pointer (&r->snapshot, rw_snapshot_unref);
  g_clear_pointer (&r->proving, rw_proving_free);
  g_clear_object (&r->proof);
  g_mutex_clear (&r->proof_lock);
  g_clear_pointer (&r->scenario, rw_scenario_free);
  g_clear_pointer (&r->context, g_main_context_unref);
  g_free (r->db_path);
  G_OBJECT_CLASS (rw_runner_parent_class)->finalize (object);
}

static void
rw_runner_class_init (RwRunnerClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  oc->dispose = rw_runner_dispose;
  oc->finalize = rw_runner_finalize;
  signals[SIG_SNAPSHOT] = g_signal_new ("snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIG_APPROVAL] = g_signal_new ("approval", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIG_PROVING] = g_signal_new ("proving", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIG_RUNNING_CHANGED] = g_signal_new ("running-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                               NULL, NULL, G_TYPE_NONE, 0);
}

static void
rw_runner_init (RwRunner *r)
{
  r->commands = g_async_queue_new_full (cmd_free);
  r->answers = g_async_queue_new_full (answer_free);
  g_mutex_init (&r->proof_lock);
}

RwRunner *
rw_runner_new (RwScenario *scenario, const char *db_path, const RwGuardConfig *config, GError **error)
{
  RwRunner *r = g_object_new (RW_TYPE_RUNNER, NULL);
  r->scenario = scenario;
  r->db_path = g_strdup (db_path);
  if (config)
    r->config = *config;
  else
    rw_guard_config_init (&r->config);
  r->context = g_main_context_ref_thread_default ();
  r->thread = g_thread_try_new ("routewise-agent", worker, r, error);
  if (r->thread == NULL)
    {
      g_object_unref (r);
      return NULL;
    }
  return r;
}
