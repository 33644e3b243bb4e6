/* rw-z3.h — a Z3 context for one thread, and terse term builders.
 * The context is reference counted (Z3_mk_context_rc); every term is kept in one vector that
 * lives as long as the context, so builders can be nested freely.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <z3.h>

G_BEGIN_DECLS

typedef struct {
  Z3_context ctx;
  Z3_ast_vector keep;
  Z3_sort int_sort, real_sort, bool_sort;
  guint timeout_ms;
  guint wall_stops;      /* checks the wall-clock safety net stopped before the budget ran out */
  gboolean cancelled;    /* a check was skipped or stopped because the proof was cancelled: the
                          * context gives no more answers (see rw_z3_check) */
} RwZ3;

/* One per thread: Z3 contexts must not be shared. The error handler records errors instead
 * of exiting the process. */
RwZ3 *rw_z3_new (guint timeout_ms);
void rw_z3_free (RwZ3 *z);
/* The last Z3 error on this thread (NULL if none), cleared by reading. */
char *rw_z3_take_error (void);

Z3_ast rw_z3_keep (RwZ3 *z, Z3_ast a);
Z3_ast zint (RwZ3 *z, gint64 v);
Z3_ast zreal (RwZ3 *z, double v);
Z3_ast zbool (RwZ3 *z, gboolean v);
Z3_ast zvar_bool (RwZ3 *z, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
Z3_ast zvar_int (RwZ3 *z, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
Z3_ast zvar_real (RwZ3 *z, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
Z3_ast znot (RwZ3 *z, Z3_ast a);
Z3_ast zand2 (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zor2 (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zandv (RwZ3 *z, GPtrArray *terms); /* empty = true */
Z3_ast zorv (RwZ3 *z, GPtrArray *terms);  /* empty = false */
Z3_ast zimp (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast ziff (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zite (RwZ3 *z, Z3_ast c, Z3_ast t, Z3_ast e);
Z3_ast zeq (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zle (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zlt (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zadd (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zsub (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zmul (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zsumv (RwZ3 *z, GPtrArray *terms, gboolean real); /* empty = 0 */
Z3_ast zatmost (RwZ3 *z, GPtrArray *bools, guint k);
Z3_ast zmin (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zmax (RwZ3 *z, Z3_ast a, Z3_ast b);
Z3_ast zto_real (RwZ3 *z, Z3_ast a);

/* Values in a model (model completion on). */
gboolean rw_z3_eval_bool (RwZ3 *z, Z3_model m, Z3_ast a);
gint64 rw_z3_eval_int (RwZ3 *z, Z3_model m, Z3_ast a);
double rw_z3_eval_real (RwZ3 *z, Z3_model m, Z3_ast a);

/* Z3's resource count per millisecond of budget, measured on the twin's encodings (about 3.1
 * million per second of solving on a 2020s x86-64 core), and how far the wall clock may overrun
 * the budget before Z3 is stopped anyway. */
#define RW_Z3_RLIMIT_PER_MS 3000u
#define RW_Z3_WALL_FACTOR 4u
guint rw_z3_rlimit (guint budget_ms);

/* A solver with the context's budget (timeout_ms as a resource limit, see above), reference
 * held by the caller. */
Z3_solver rw_z3_solver (RwZ3 *z);
void rw_z3_solver_free (RwZ3 *z, Z3_solver s);
/* Z3_solver_check, noting in z->wall_stops a check that gave no answer because the wall-clock
 * safety net stopped it (the one place where the machine's load can change an answer).
 * Cancelling: the thread's current GCancellable (g_cancellable_push_current), when there is
 * one, may be cancelled from any thread while a proof runs (the app's Cancel). A check under
 * way is then stopped with Z3_interrupt, the one Z3 call made for another thread, and every
 * later check of the context gives no answer without running (an interrupted Z3 4.8 context
 * stays interrupted and may answer wrongly after it); z->cancelled says so. */
Z3_lbool rw_z3_check (RwZ3 *z, Z3_solver s);
/* The same, with @n assumptions that hold for this check only (the solver keeps what it
 * learnt for the next one). */
Z3_lbool rw_z3_check_assuming (RwZ3 *z, Z3_solver s, guint n, Z3_ast *assumptions);
/* Whether the thread's current proof was cancelled (see rw_z3_check): work whose answer can
 * no longer come may stop early, and say so with RW_Z3_CANCELLED. */
gboolean rw_z3_cancelled (void);
#define RW_Z3_CANCELLED "the proof was cancelled before Z3 gave an answer"
/* Why the last check of @s gave no answer, as a sentence that says when the wall-clock safety
 * net, not the budget, was the cause. */
char *rw_z3_unknown_reason (RwZ3 *z, Z3_solver s);

G_END_DECLS
