/* rw-detect.c — time series, threshold, EWMA control chart, Isolation Forest, anomaly records.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-detect.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (rw-detect-error-quark, rw_detect_error)

/* ---- Time series --------------------------------------------------------------------------- */

RwSeries *
rw_series_new (guint capacity)
{
  RwSeries *s;

  g_return_val_if_fail (capacity > 0, NULL);
  s = g_new0 (RwSeries, 1);
  s->values = g_new0 (double, capacity);
  s->capacity = capacity;
  return s;
}

RwSeries *
rw_series_copy (const RwSeries *s)
{
  RwSeries *c;

  g_return_val_if_fail (s != NULL, NULL);
  c = g_new0 (RwSeries, 1);
  c->values = g_memdup2 (s->values, sizeof (double) * s->capacity);
  c->capacity = s->capacity;
  c->head = s->head;
  c->len = s->len;
  return c;
}

void
rw_series_free (RwSeries *s)
{
  if (s == NULL)
    return;
  g_free (s->values);
  g_free (s);
}

void
rw_series_push (RwSeries *s, double v)
{
  g_return_if_fail (s != NULL);
  if (s->len < s->capacity)
    {
      s->values[(s->head + s->len) % s->capacity] = v;
      s->len++;
    }
  else
    {
      /* full: the newest overwrites the oldest */
      s->values[s->head] = v;
      s->head = (s->head + 1) % s->capacity;
    }
}

void
rw_series_clear (RwSeries *s)
{
  g_return_if_fail (s != NULL);
  s->head = 0;
  s->len = 0;
}

guint
rw_series_len (const RwSeries *s)
{
  g_return_val_if_fail (s != NULL, 0);
  return s->len;
}

guint
rw_series_capacity (const RwSeries *s)
{
  g_return_val_if_fail (s != NULL, 0);
  return s->capacity;
}

static inline double
series_at (const RwSeries *s, guint i)
{
  return s->values[(s->head + i) % s->capacity];
}

double
rw_series_get (const RwSeries *s, guint i)
{
  g_return_val_if_fail (s != NULL, NAN);
  g_return_val_if_fail (i < s->len, NAN);
  return series_at (s, i);
}

double
rw_series_last (const RwSeries *s)
{
  g_return_val_if_fail (s != NULL, NAN);
  return s->len > 0 ? series_at (s, s->len - 1) : NAN;
}

/* The first index of the window of the newest last_n samples. */
static guint
series_window_start (const RwSeries *s, guint last_n)
{
  if (last_n == 0 || last_n > s->len)
    return 0;
  return s->len - last_n;
}

/* Welford's update: no catastrophic cancellation for a large mean and a small spread. */
static void
series_moments (const RwSeries *s, guint last_n, double *mean, double *stddev)
{
  double m = 0.0, m2 = 0.0;
  guint k = 0;

  for (guint i = series_window_start (s, last_n); i < s->len; i++)
    {
      double v = series_at (s, i), d = v - m;
      k++;
      m += d / k;
      m2 += d * (v - m);
    }
  if (k == 0)
    {
      *mean = *stddev = NAN;
      return;
    }
  *mean = m;
  *stddev = k > 1 ? sqrt (m2 / (k - 1)) : 0.0;
}

double
rw_series_mean (const RwSeries *s, guint last_n)
{
  double mean, sd;

  g_return_val_if_fail (s != NULL, NAN);
  series_moments (s, last_n, &mean, &sd);
  return mean;
}

double
rw_series_stddev (const RwSeries *s, guint last_n)
{
  double mean, sd;

  g_return_val_if_fail (s != NULL, NAN);
  series_moments (s, last_n, &mean, &sd);
  return sd;
}

/* sign = +1 for the maximum, -1 for the minimum; a NaN in the window gives NaN like the mean. */
static double
series_extreme (const RwSeries *s, guint last_n, double sign)
{
  double best = NAN;

  for (guint i = series_window_start (s, last_n); i < s->len; i++)
    {
      double v = series_at (s, i);
      if (isnan (v))
        return NAN;
      if (isnan (best) || sign * v > sign * best)
        best = v;
    }
  return best;
}

double
rw_series_min (const RwSeries *s, guint last_n)
{
  g_return_val_if_fail (s != NULL, NAN);
  return series_extreme (s, last_n, -1.0);
}

double
rw_series_max (const RwSeries *s, guint last_n)
{
  g_return_val_if_fail (s != NULL, NAN);
  return series_extreme (s, last_n, 1.0);
}

double *
rw_series_to_array (const RwSeries *s, guint last_n, guint *n_out)
{
  guint start, n;
  double *out;

  g_return_val_if_fail (s != NULL, NULL);
  g_return_val_if_fail (n_out != NULL, NULL);
  start = series_window_start (s, last_n);
  n = s->len - start;
  out = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    out[i] = series_at (s, start + i);
  *n_out = n;
  return out;
}

RwSeriesStore *
rw_series_store_new (guint capacity)
{
  RwSeriesStore *st;

  g_return_val_if_fail (capacity > 0, NULL);
  st = g_new0 (RwSeriesStore, 1);
  st->capacity = capacity;
  st->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) rw_series_free);
  st->names = g_ptr_array_new ();
  return st;
}

void
rw_series_store_free (RwSeriesStore *st)
{
  if (st == NULL)
    return;
  /* names borrows the table's keys, so it goes first */
  g_ptr_array_unref (st->names);
  g_hash_table_unref (st->by_name);
  g_free (st);
}

RwSeries *
rw_series_store_lookup (const RwSeriesStore *st, const char *name)
{
  g_return_val_if_fail (st != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (st->by_name, name);
}

RwSeries *
rw_series_store_ensure (RwSeriesStore *st, const char *name)
{
  RwSeries *s;
  char *key;

  g_return_val_if_fail (st != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  s = g_hash_table_lookup (st->by_name, name);
  if (s != NULL)
    return s;
  key = g_strdup (name);
  s = rw_series_new (st->capacity);
  g_hash_table_insert (st->by_name, key, s);
  g_ptr_array_add (st->names, key);
  return s;
}

void
rw_series_store_push (RwSeriesStore *st, const char *name, double v)
{
  RwSeries *s;

  g_return_if_fail (st != NULL);
  g_return_if_fail (name != NULL);
  s = rw_series_store_ensure (st, name);
  rw_series_push (s, v);
}

guint
rw_series_store_n_series (const RwSeriesStore *st)
{
  g_return_val_if_fail (st != NULL, 0);
  return st->names->len;
}

const char *
rw_series_store_name (const RwSeriesStore *st, guint i)
{
  g_return_val_if_fail (st != NULL, NULL);
  g_return_val_if_fail (i < st->names->len, NULL);
  return st->names->pdata[i];
}

/* ---- Threshold ----------------------------------------------------------------------------- */

RwThresholdCross
rw_threshold_cross (const RwThreshold *t, double value)
{
  g_return_val_if_fail (t != NULL, RW_THRESHOLD_INSIDE);
  /* both comparisons are false for NaN */
  if (value > t->high)
    return RW_THRESHOLD_ABOVE;
  if (value < t->low)
    return RW_THRESHOLD_BELOW;
  return RW_THRESHOLD_INSIDE;
}

gboolean
rw_threshold_check (const RwThreshold *t, double value)
{
  return rw_threshold_cross (t, value) != RW_THRESHOLD_INSIDE;
}

/* ---- EWMA control chart -------------------------------------------------------------------- */

RwEwma *
rw_ewma_new (double lambda, double L)
{
  RwEwma *e;

  /* written so that NaN fails too */
  g_return_val_if_fail (lambda > 0.0 && lambda <= 1.0, NULL);
  g_return_val_if_fail (L > 0.0 && isfinite (L), NULL);
  e = g_new0 (RwEwma, 1);
  e->lambda = lambda;
  e->L = L;
  e->mu0 = e->sigma_baseline = e->sigma = NAN;
  e->statistic = e->lcl = e->ucl = NAN;
  return e;
}

RwEwma *
rw_ewma_copy (const RwEwma *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  return g_memdup2 (e, sizeof *e);
}

void
rw_ewma_free (RwEwma *e)
{
  g_free (e);
}

void
rw_ewma_reset (RwEwma *e)
{
  g_return_if_fail (e != NULL);
  e->t = 0;
  e->statistic = e->mu0;
  e->lcl = e->ucl = e->mu0;
  e->out_of_control = FALSE;
}

gboolean
rw_ewma_train (RwEwma *e, const double *baseline, guint n, GError **error)
{
  double m = 0.0, m2 = 0.0, floor_sigma;

  g_return_val_if_fail (e != NULL, FALSE);
  g_return_val_if_fail (baseline != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n < 2)
    {
      g_set_error (error, RW_DETECT_ERROR, RW_DETECT_ERROR_TOO_FEW,
                   "EWMA baseline has %u sample%s, at least 2 are needed", n, n == 1 ? "" : "s");
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      double d;
      if (!isfinite (baseline[i]))
        {
          g_set_error (error, RW_DETECT_ERROR, RW_DETECT_ERROR_NOT_FINITE,
                       "EWMA baseline sample %u is %g", i, baseline[i]);
          return FALSE;
        }
      d = baseline[i] - m;
      m += d / (i + 1);
      m2 += d * (baseline[i] - m);
    }

  e->mu0 = m;
  e->sigma_baseline = sqrt (m2 / (n - 1));
  /* A flat baseline (a loss of exactly 0, a session that stayed up) has sigma 0: the limits
   * would collapse onto mu0 and the last rounding bit of any later value would be "out of
   * control". The floor is 1e-6 absolute plus 1 % of the level, i.e. changes smaller than 1 % of
   * the baseline are below the resolution that matters for network telemetry. It applies
   * whenever the measured sigma is smaller, not only when it is exactly 0. */
  floor_sigma = 1e-6 + 0.01 * fabs (m);
  e->sigma = MAX (e->sigma_baseline, floor_sigma);
  e->trained = TRUE;
  rw_ewma_reset (e);
  return TRUE;
}

gboolean
rw_ewma_train_series (RwEwma *e, const RwSeries *s, guint last_n, GError **error)
{
  g_autofree double *values = NULL;
  guint n = 0;

  g_return_val_if_fail (e != NULL, FALSE);
  g_return_val_if_fail (s != NULL, FALSE);
  values = rw_series_to_array (s, last_n, &n);
  return rw_ewma_train (e, values, n, error);
}

gboolean
rw_ewma_update (RwEwma *e, double x)
{
  double lambda, width;

  g_return_val_if_fail (e != NULL, FALSE);
  g_return_val_if_fail (e->trained, FALSE);
  if (!isfinite (x))
    return FALSE;

  lambda = e->lambda;
  e->t++;
  e->statistic = lambda * x + (1.0 - lambda) * e->statistic;
  /* exact limits: narrow at the start, widening to the asymptote L sigma sqrt(lambda/(2-lambda)) */
  width = e->L * e->sigma
          * sqrt (lambda / (2.0 - lambda) * (1.0 - pow (1.0 - lambda, 2.0 * (double) e->t)));
  e->lcl = e->mu0 - width;
  e->ucl = e->mu0 + width;
  e->out_of_control = e->statistic > e->ucl || e->statistic < e->lcl;
  return e->out_of_control;
}

double
rw_ewma_statistic (const RwEwma *e)
{
  g_return_val_if_fail (e != NULL, NAN);
  return e->statistic;
}

double
rw_ewma_lcl (const RwEwma *e)
{
  g_return_val_if_fail (e != NULL, NAN);
  return e->lcl;
}

double
rw_ewma_ucl (const RwEwma *e)
{
  g_return_val_if_fail (e != NULL, NAN);
  return e->ucl;
}

/* ---- Isolation Forest ---------------------------------------------------------------------- */

#define EULER_GAMMA 0.5772156649

/* One node of an isolation tree; all trees share one array and refer to nodes by index. */
typedef struct {
  gint32 left;    /* -1: external node */
  gint32 right;
  guint attr;     /* internal: q */
  double split;   /* internal: p; x[q] < p goes left */
  guint size;     /* external: |X| that reached it */
} RwITreeNode;

struct _RwIForest {
  guint dim;
  guint n_trees;
  guint psi;          /* min (psi asked, n) */
  guint height_limit;
  double c_psi;       /* c(psi), the normaliser of the score */
  GArray *nodes;      /* RwITreeNode */
  guint *roots;       /* n_trees indices into nodes */
};

double
rw_iforest_c (guint n)
{
  double nd = (double) n;

  /* The 2008 paper gives only the formula; c(2) = 1 and c(n <= 1) = 0 are from the extended
   * version (TKDD 2012). The ln approximation of H is poor for tiny n, hence the cut at 2. */
  if (n <= 1)
    return 0.0;
  if (n == 2)
    return 1.0;
  return 2.0 * (log (nd - 1.0) + EULER_GAMMA) - 2.0 * (nd - 1.0) / nd;
}

static gboolean
all_finite (const double *X, gsize count)
{
  for (gsize i = 0; i < count; i++)
    if (!isfinite (X[i]))
      return FALSE;
  return TRUE;
}

static guint
itree_add_node (GArray *nodes)
{
  RwITreeNode node = { .left = -1, .right = -1 };
  g_array_append_val (nodes, node);
  return nodes->len - 1;
}

typedef struct {
  guint node;
  guint begin, end;   /* rows[begin, end) reached this node */
  guint depth;
} ITreeFrame;

/* iTree(X, e, l) of Algorithm 2, with an explicit stack instead of recursion. rows holds the
 * subsample's row indices and is partitioned in place. Only attributes that still vary among
 * the rows are candidates for q, so both sides of a split keep at least one row; when none
 * varies the rows are all equal and the node is external. */
static guint
itree_build (RwIForest *f, const double *X, guint *rows, guint n_rows, GRand *rng,
             double *lo, double *hi, guint *cand)
{
  guint dim = f->dim;
  guint root = itree_add_node (f->nodes);
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (ITreeFrame));
  ITreeFrame top = { root, 0, n_rows, 0 };

  g_array_append_val (stack, top);
  while (stack->len > 0)
    {
      ITreeFrame fr = g_array_index (stack, ITreeFrame, stack->len - 1);
      guint size = fr.end - fr.begin, n_cand = 0, q, mid;
      double p;

      g_array_set_size (stack, stack->len - 1);
      if (fr.depth >= f->height_limit || size <= 1)
        {
          g_array_index (f->nodes, RwITreeNode, fr.node).size = size;
          continue;
        }
      for (guint a = 0; a < dim; a++)
        lo[a] = hi[a] = X[(gsize) rows[fr.begin] * dim + a];
      for (guint r = fr.begin + 1; r < fr.end; r++)
        {
          const double *row = X + (gsize) rows[r] * dim;
          for (guint a = 0; a < dim; a++)
            {
              lo[a] = MIN (lo[a], row[a]);
              hi[a] = MAX (hi[a], row[a]);
            }
        }
      for (guint a = 0; a < dim; a++)
        if (lo[a] < hi[a])
          cand[n_cand++] = a;
      if (n_cand == 0)
        {
          g_array_index (f->nodes, RwITreeNode, fr.node).size = size;
          continue;
        }

      q = cand[n_cand == 1 ? 0 : g_rand_int_range (rng, 0, (gint32) n_cand)];
      p = g_rand_double_range (rng, lo[q], hi[q]);
      /* The draw is meant to be in [lo, hi), but exactly lo would leave the left side empty, so
       * it moves one ulp up, and rounding in g_rand_double_range must not carry it past hi.
       * In (lo, hi] the rows at lo always go left and the rows at hi right. */
      if (p <= lo[q])
        p = nextafter (lo[q], hi[q]);
      else if (p > hi[q])
        p = hi[q];

      mid = fr.begin;
      for (guint r = fr.begin; r < fr.end; r++)
        if (X[(gsize) rows[r] * dim + q] < p)
          {
            guint tmp = rows[r];
            rows[r] = rows[mid];
            rows[mid] = tmp;
            mid++;
          }

      {
        guint left = itree_add_node (f->nodes), right = itree_add_node (f->nodes);
        RwITreeNode *node = &g_array_index (f->nodes, RwITreeNode, fr.node);
        ITreeFrame lf = { left, fr.begin, mid, fr.depth + 1 };
        ITreeFrame rf = { right, mid, fr.end, fr.depth + 1 };

        node->left = (gint32) left;
        node->right = (gint32) right;
        node->attr = q;
        node->split = p;
        g_array_append_val (stack, rf);
        g_array_append_val (stack, lf);
      }
    }
  return root;
}

RwIForest *
rw_iforest_train (const double *X, guint n, guint dim, guint n_trees, guint psi,
                  guint height_limit, GRand *rng)
{
  RwIForest *f;
  g_autofree guint *perm = NULL, *rows = NULL, *cand = NULL;
  g_autofree double *lo = NULL, *hi = NULL;

  g_return_val_if_fail (X != NULL, NULL);
  g_return_val_if_fail (n >= 2, NULL);
  g_return_val_if_fail (dim > 0, NULL);
  g_return_val_if_fail (n <= G_MAXINT32 && dim <= G_MAXINT32, NULL);
  g_return_val_if_fail (n_trees > 0, NULL);
  g_return_val_if_fail (psi >= 2, NULL);
  g_return_val_if_fail (rng != NULL, NULL);
  g_return_val_if_fail (all_finite (X, (gsize) n * dim), NULL);

  f = g_new0 (RwIForest, 1);
  f->dim = dim;
  f->n_trees = n_trees;
  f->psi = MIN (psi, n);
  f->height_limit = height_limit;
  f->c_psi = rw_iforest_c (f->psi);
  f->nodes = g_array_new (FALSE, FALSE, sizeof (RwITreeNode));
  f->roots = g_new (guint, n_trees);

  perm = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    perm[i] = i;
  rows = g_new (guint, f->psi);
  cand = g_new (guint, dim);
  lo = g_new (double, dim);
  hi = g_new (double, dim);

  for (guint t = 0; t < n_trees; t++)
    {
      /* partial Fisher-Yates: the first psi entries of perm become a uniform sample without
       * replacement; perm stays a permutation, so it need not be reset between trees */
      if (f->psi < n)
        for (guint i = 0; i < f->psi; i++)
          {
            guint j = (guint) g_rand_int_range (rng, (gint32) i, (gint32) n);
            guint tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
          }
      memcpy (rows, perm, sizeof (guint) * f->psi);
      f->roots[t] = itree_build (f, X, rows, f->psi, rng, lo, hi, cand);
    }
  return f;
}

void
rw_iforest_free (RwIForest *f)
{
  if (f == NULL)
    return;
  g_array_unref (f->nodes);
  g_free (f->roots);
  g_free (f);
}

/* PathLength(x, T, e) of Algorithm 3. */
static double
itree_path_length (const RwIForest *f, guint root, const double *x)
{
  const RwITreeNode *node = &g_array_index (f->nodes, RwITreeNode, root);
  guint e = 0;

  while (node->left >= 0)
    {
      /* a NaN goes right: deterministic, and the caller is told x must be finite */
      gint32 next = x[node->attr] < node->split ? node->left : node->right;
      node = &g_array_index (f->nodes, RwITreeNode, next);
      e++;
    }
  return (double) e + rw_iforest_c (node->size);
}

double
rw_iforest_path_length (const RwIForest *f, const double *x)
{
  double sum = 0.0;

  g_return_val_if_fail (f != NULL, NAN);
  g_return_val_if_fail (x != NULL, NAN);
  for (guint t = 0; t < f->n_trees; t++)
    sum += itree_path_length (f, f->roots[t], x);
  return sum / f->n_trees;
}

double
rw_iforest_score (const RwIForest *f, const double *x)
{
  g_return_val_if_fail (f != NULL, NAN);
  g_return_val_if_fail (x != NULL, NAN);
  /* psi >= 2 at training, so c_psi >= 1 */
  return exp2 (-rw_iforest_path_length (f, x) / f->c_psi);
}

guint
rw_iforest_dim (const RwIForest *f)
{
  g_return_val_if_fail (f != NULL, 0);
  return f->dim;
}

guint
rw_iforest_n_trees (const RwIForest *f)
{
  g_return_val_if_fail (f != NULL, 0);
  return f->n_trees;
}

guint
rw_iforest_psi (const RwIForest *f)
{
  g_return_val_if_fail (f != NULL, 0);
  return f->psi;
}

guint
rw_iforest_n_nodes (const RwIForest *f)
{
  g_return_val_if_fail (f != NULL, 0);
  return f->nodes->len;
}

/* ---- Anomaly record ------------------------------------------------------------------------ */

char *
rw_detector_flags_to_string (RwDetectorFlags flags)
{
  static const struct { RwDetectorFlags flag; const char *name; } names[] = {
    { RW_DETECTOR_THRESHOLD, "threshold" },
    { RW_DETECTOR_EWMA, "ewma" },
    { RW_DETECTOR_IFOREST, "iforest" },
  };
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (flags & names[i].flag)
      {
        if (out->len > 0)
          g_string_append_c (out, '+');
        g_string_append (out, names[i].name);
      }
  if (out->len == 0)
    g_string_append (out, "none");
  return g_string_free (out, FALSE);
}

RwAnomaly *
rw_anomaly_new (const char *entity, const char *metric, double value, double score,
                RwDetectorFlags fired)
{
  RwAnomaly *a;

  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (metric != NULL, NULL);
  a = g_new0 (RwAnomaly, 1);
  a->entity = g_strdup (entity);
  a->metric = g_strdup (metric);
  a->value = value;
  a->score = score;
  a->fired = fired;
  return a;
}

RwAnomaly *
rw_anomaly_copy (const RwAnomaly *a)
{
  g_return_val_if_fail (a != NULL, NULL);
  return rw_anomaly_new (a->entity, a->metric, a->value, a->score, a->fired);
}

void
rw_anomaly_free (RwAnomaly *a)
{
  if (a == NULL)
    return;
  g_free (a->entity);
  g_free (a->metric);
  g_free (a);
}
