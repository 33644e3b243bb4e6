/* rw-z3.c — Z3 context and term builders.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-z3.h"

#include <stdlib.h>

/* Z3's default handler calls exit(); ours remembers the error for the calling thread, which
 * owns the context (one context per thread). */
static GPrivate last_error = G_PRIVATE_INIT (g_free);

static void
on_error (Z3_context ctx, Z3_error_code code)
{
  g_private_replace (&last_error, g_strdup_printf ("Z3 error %d: %s", code, Z3_get_error_msg (ctx, code)));
}

char *
rw_z3_take_error (void)
{
  char *e = g_strdup (g_private_get (&last_error));
  g_private_replace (&last_error, NULL);
  return e;
}

RwZ3 *
rw_z3_new (guint timeout_ms)
{
  RwZ3 *z = g_new0 (RwZ3, 1);
  Z3_config cfg = Z3_mk_config ();
  Z3_set_param_value (cfg, "model", "true");
  z->ctx = Z3_mk_context_rc (cfg);
  Z3_del_config (cfg);
  Z3_set_error_handler (z->ctx, on_error);
  z->keep = Z3_mk_ast_vector (z->ctx);
  Z3_ast_vector_inc_ref (z->ctx, z->keep);
  z->int_sort = Z3_mk_int_sort (z->ctx);
  Z3_inc_ref (z->ctx, Z3_sort_to_ast (z->ctx, z->int_sort));
  z->real_sort = Z3_mk_real_sort (z->ctx);
  Z3_inc_ref (z->ctx, Z3_sort_to_ast (z->ctx, z->real_sort));
  z->bool_sort = Z3_mk_bool_sort (z->ctx);
  Z3_inc_ref (z->ctx, Z3_sort_to_ast (z->ctx, z->bool_sort));
  z->timeout_ms = timeout_ms;
  return z;
}

void
rw_z3_free (RwZ3 *z)
{
  if (z == NULL)
    return;
  Z3_dec_ref (z->ctx, Z3_sort_to_ast (z->ctx, z->int_sort));
  Z3_dec_ref (z->ctx, Z3_sort_to_ast (z->ctx, z->real_sort));
  Z3_dec_ref (z->ctx, Z3_sort_to_ast (z->ctx, z->bool_sort));
  Z3_ast_vector_dec_ref (z->ctx, z->keep);
  Z3_del_context (z->ctx);
  g_free (z);
}

Z3_ast
rw_z3_keep (RwZ3 *z, Z3_ast a)
{
  if (a != NULL)
    Z3_ast_vector_push (z->ctx, z->keep, a);
  return a;
}

#define K(expr) rw_z3_keep (z, (expr))

Z3_ast
zint (RwZ3 *z, gint64 v)
{
  return K (Z3_mk_int64 (z->ctx, v, z->int_sort));
}

Z3_ast
zreal (RwZ3 *z, double v)
{
  char buf[64];
  /* exact decimal text: Z3 turns it into a rational */
  g_ascii_formatd (buf, sizeof buf, "%.12f", v);
  return K (Z3_mk_numeral (z->ctx, buf, z->real_sort));
}

Z3_ast
zbool (RwZ3 *z, gboolean v)
{
  return K (v ? Z3_mk_true (z->ctx) : Z3_mk_false (z->ctx));
}

static Z3_ast
zvar (RwZ3 *z, Z3_sort sort, const char *fmt, va_list ap) G_GNUC_PRINTF (3, 0);

static Z3_ast
zvar (RwZ3 *z, Z3_sort sort, const char *fmt, va_list ap)
{
  g_autofree char *name = g_strdup_vprintf (fmt, ap);
  return K (Z3_mk_const (z->ctx, Z3_mk_string_symbol (z->ctx, name), sort));
}

Z3_ast
zvar_bool (RwZ3 *z, const char *fmt, ...)
{
  va_list ap;
  Z3_ast a;
  va_start (ap, fmt);
  a = zvar (z, z->bool_sort, fmt, ap);
  va_end (ap);
  return a;
}

Z3_ast
zvar_int (RwZ3 *z, const char *fmt, ...)
{
  va_list ap;
  Z3_ast a;
  va_start (ap, fmt);
  a = zvar (z, z->int_sort, fmt, ap);
  va_end (ap);
  return a;
}

Z3_ast
zvar_real (RwZ3 *z, const char *fmt, ...)
{
  va_list ap;
  Z3_ast a;
  va_start (ap, fmt);
  a = zvar (z, z->real_sort, fmt, ap);
  va_end (ap);
  return a;
}

Z3_ast znot (RwZ3 *z, Z3_ast a) { return K (Z3_mk_not (z->ctx, a)); }
Z3_ast zimp (RwZ3 *z, Z3_ast a, Z3_ast b) { return K (Z3_mk_implies (z->ctx, a, b)); }
Z3_ast ziff (RwZ3 *z, Z3_ast a, Z3_ast b) { return K (Z3_mk_iff (z->ctx, a, b)); }
Z3_ast zite (RwZ3 *z, Z3_ast c, Z3_ast t, Z3_ast e) { return K (Z3_mk_ite (z->ctx, c, t, e)); }
Z3_ast zeq (RwZ3 *z, Z3_ast a, Z3_ast b) { return K (Z3_mk_eq (z->ctx, a, b)); }
Z3_ast zle (RwZ3 *z, Z3_ast a, Z3_ast b) { return K (Z3_mk_le (z->ctx, a, b)); }
Z3_ast zlt (RwZ3 *z, Z3_ast a, Z3_ast b) { return K (Z3_mk_lt (z->ctx, a, b)); }
Z3_ast zto_real (RwZ3 *z, Z3_ast a) { return K (Z3_mk_int2real (z->ctx, a)); }

Z3_ast
zand2 (RwZ3 *z, Z3_ast a, Z3_ast b)
{
  Z3_ast args[2] = { a, b };
  return K (Z3_mk_and (z->ctx, 2, args));
}

Z3_ast
zor2 (RwZ3 *z, Z3_ast a, Z3_ast b)
{
  Z3_ast args[2] = { a, b };
  return K (Z3_mk_or (z->ctx, 2, args));
}

Z3_ast
zandv (RwZ3 *z, GPtrArray *terms)
{
  if (terms->len == 0)
    return zbool (z, TRUE);
  return K (Z3_mk_and (z->ctx, terms->len, (Z3_ast *) terms->pdata));
}

Z3_ast
zorv (RwZ3 *z, GPtrArray *terms)
{
  if (terms->len == 0)
    return zbool (z, FALSE);
  return K (Z3_mk_or (z->ctx, terms->len, (Z3_ast *) terms->pdata));
}

Z3_ast
zadd (RwZ3 *z, Z3_ast a, Z3_ast b)
{
  Z3_ast args[2] = { a, b };
  return K (Z3_mk_add (z->ctx, 2, args));
}

Z3_ast
zsub (RwZ3 *z, Z3_ast a, Z3_ast b)
{
  Z3_ast args[2] = { a, b };
  return K (Z3_mk_sub (z->ctx, 2, args));
}

Z3_ast
zmul (RwZ3 *z, Z3_ast a, Z3_ast b)
{
  Z3_ast args[2] = { a, b };
  return K (Z3_mk_mul (z->ctx, 2, args));
}

Z3_ast
zsumv (RwZ3 *z, GPtrArray *terms, gboolean real)
{
  if (terms->len == 0)
    return real ? zreal (z, 0) : zint (z, 0);
  if (terms->len == 1)
    return terms->pdata[0];
  return K (Z3_mk_add (z->ctx, terms->len, (Z3_ast *) terms->pdata));
}

Z3_ast
zatmost (RwZ3 *z, GPtrArray *bools, guint k)
{
  if (bools->len == 0)
    return zbool (z, TRUE);
  return K (Z3_mk_atmost (z->ctx, bools->len, (Z3_ast *) bools->pdata, k));
}

Z3_ast
zmin (RwZ3 *z, Z3_ast a, Z3_ast b)
{
  return zite (z, zle (z, a, b), a, b);
}

Z3_ast
zmax (RwZ3 *z, Z3_ast a, Z3_ast b)
{
  return zite (z, zle (z, a, b), b, a);
}

static Z3_ast
eval (RwZ3 *z, Z3_model m, Z3_ast a)
{
  Z3_ast out = NULL;
  if (!Z3_model_eval (z->ctx, m, a, TRUE, &out))
    return NULL;
  return K (out);
}

gboolean
rw_z3_eval_bool (RwZ3 *z, Z3_model m, Z3_ast a)
{
  Z3_ast v = eval (z, m, a);
  return v != NULL && Z3_get_bool_value (z->ctx, v) == Z3_L_TRUE;
}

gint64
rw_z3_eval_int (RwZ3 *z, Z3_model m, Z3_ast a)
{
  Z3_ast v = eval (z, m, a);
  int64_t out = 0;
  if (v == NULL || !Z3_get_numeral_int64 (z->ctx, v, &out))
    return 0;
  return out;
}

double
rw_z3_eval_real (RwZ3 *z, Z3_model m, Z3_ast a)
{
  Z3_ast v = eval (z, m, a);
  int64_t num = 0, den = 1;
  if (v == NULL)
    return 0;
  if (Z3_get_numeral_rational_int64 (z->ctx, v, &num, &den) && den != 0)
    return (double) num / (double) den;
  return g_ascii_strtod (Z3_get_numeral_decimal_string (z->ctx, v, 12), NULL);
}

guint
rw_z3_rlimit (guint budget_ms)
{
  return budget_ms > G_MAXUINT / RW_Z3_RLIMIT_PER_MS ? G_MAXUINT : budget_ms * RW_Z3_RLIMIT_PER_MS;
}

static guint
wall_limit_ms (const RwZ3 *z)
{
  return z->timeout_ms > G_MAXUINT / RW_Z3_WALL_FACTOR ? G_MAXUINT : z->timeout_ms * RW_Z3_WALL_FACTOR;
}

Z3_solver
rw_z3_solver (RwZ3 *z)
{
  Z3_solver s;
  Z3_params p;
  /* The plain SMT core, without the preprocessing tactics Z3_mk_solver runs first: the
   * questions asked are many small checks around a known state, where preprocessing costs
   * more than it saves (the flagship run: 11.5 s -> 5.9 s of CPU). */
  s = Z3_mk_simple_solver (z->ctx);
  Z3_solver_inc_ref (z->ctx, s);
  p = Z3_mk_params (z->ctx);
  Z3_params_inc_ref (z->ctx, p);
  /* The budget is Z3's resource count, not the clock: the same question gets the same answer
   * however loaded the machine is (the agent's decisions replay exactly). The wall clock is
   * only a safety net, well above the budget. */
  Z3_params_set_uint (z->ctx, p, Z3_mk_string_symbol (z->ctx, "rlimit"), rw_z3_rlimit (z->timeout_ms));
  Z3_params_set_uint (z->ctx, p, Z3_mk_string_symbol (z->ctx, "timeout"), wall_limit_ms (z));
  Z3_solver_set_params (z->ctx, s, p);
  Z3_params_dec_ref (z->ctx, p);
  return s;
}

Z3_lbool
rw_z3_check (RwZ3 *z, Z3_solver s)
{
  return rw_z3_check_assuming (z, s, 0, NULL);
}

gboolean
rw_z3_cancelled (void)
{
  return g_cancellable_is_cancelled (g_cancellable_get_current ());
}

/* On the cancelling thread: the context's owner is inside Z3_solver_check (or about to be);
 * nothing else of the context is touched here. */
static void
interrupt_check (GCancellable *cancellable, gpointer data)
{
  RwZ3 *z = data;
  Z3_interrupt (z->ctx);
}

Z3_lbool
rw_z3_check_assuming (RwZ3 *z, Z3_solver s, guint n, Z3_ast *assumptions)
{
  GCancellable *cancel = g_cancellable_get_current ();
  gulong handler = 0;
  gint64 t0;
  Z3_lbool res;
  if (z->cancelled || rw_z3_cancelled ())
    {
      z->cancelled = TRUE;
      return Z3_L_UNDEF;
    }
  /* disconnecting waits for a handler running on the other thread, so the context outlives it */
  if (cancel)
    handler = g_cancellable_connect (cancel, G_CALLBACK (interrupt_check), z, NULL);
  t0 = g_get_monotonic_time ();
  res = n ? Z3_solver_check_assumptions (z->ctx, s, n, assumptions) : Z3_solver_check (z->ctx, s);
  if (cancel)
    {
      g_cancellable_disconnect (cancel, handler);
      if (g_cancellable_is_cancelled (cancel))
        {
          /* an interrupt that came as the check ended leaves the context unreliable: whatever
           * it said, no answer */
          z->cancelled = TRUE;
          return Z3_L_UNDEF;
        }
    }
  /* measured only to report the net: the answer itself never depends on the clock unless the
   * net fired, and then the verdict says so */
  if (res == Z3_L_UNDEF && (g_get_monotonic_time () - t0) / 1000 >= (gint64) wall_limit_ms (z) * 95 / 100)
    z->wall_stops++;
  return res;
}

char *
rw_z3_unknown_reason (RwZ3 *z, Z3_solver s)
{
  const char *why;
  if (z->cancelled)
    return g_strdup (RW_Z3_CANCELLED);
  why = Z3_solver_get_reason_unknown (z->ctx, s);
  if (z->wall_stops > 0)
    return g_strdup_printf ("Z3 gave no answer: the wall-clock safety net (%u ms) stopped it before its resource budget "
                            "(%u ms of solving) ran out, so on a less busy machine the answer may differ (%s)",
                            wall_limit_ms (z), z->timeout_ms, why);
  return g_strdup_printf ("Z3 gave no answer within its budget (%u ms of solving: %s)", z->timeout_ms, why);
}

void
rw_z3_solver_free (RwZ3 *z, Z3_solver s)
{
  if (s != NULL)
    Z3_solver_dec_ref (z->ctx, s);
}
