/* rw-detect.h — the Detect stage (DESIGN.md section 3): per-metric time series, threshold and
 * EWMA control-chart detectors, an Isolation Forest over the feature vector, anomaly records.
 * Every random choice comes from the GRand the caller passes in (the run's seeded RNG), so a
 * run replays exactly.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RW_DETECT_ERROR (rw_detect_error_quark ())
GQuark rw_detect_error_quark (void);

typedef enum {
  RW_DETECT_ERROR_TOO_FEW,      /* a baseline needs at least two samples */
  RW_DETECT_ERROR_NOT_FINITE,   /* a baseline sample is NaN or infinite */
} RwDetectError;

/* ---- Time series --------------------------------------------------------------------------- */

/* A ring buffer of the last `capacity` samples of one metric; the oldest sample is dropped when
 * a push finds it full. */
typedef struct {
  double *values;
  guint capacity;
  guint head;     /* index of the oldest sample */
  guint len;
} RwSeries;

RwSeries *rw_series_new (guint capacity);
RwSeries *rw_series_copy (const RwSeries *s);
void rw_series_free (RwSeries *s);
void rw_series_push (RwSeries *s, double v);
void rw_series_clear (RwSeries *s);
guint rw_series_len (const RwSeries *s);
guint rw_series_capacity (const RwSeries *s);
/* i = 0 is the oldest stored sample, len - 1 the newest. */
double rw_series_get (const RwSeries *s, guint i);
double rw_series_last (const RwSeries *s);          /* NAN when empty */

/* Statistics over the newest `last_n` samples; last_n = 0 or last_n > len means all of them.
 * An empty window gives NAN. stddev is the sample standard deviation (n - 1 in the denominator,
 * 0 for a single sample), computed with Welford's update. */
double rw_series_mean (const RwSeries *s, guint last_n);
double rw_series_stddev (const RwSeries *s, guint last_n);
double rw_series_min (const RwSeries *s, guint last_n);
double rw_series_max (const RwSeries *s, guint last_n);
/* The newest `last_n` samples (same rule as above), oldest first; *n_out gets the count. */
double *rw_series_to_array (const RwSeries *s, guint last_n, guint *n_out);

/* Metric name ("util:R1→ISP-A", "lat:…", "loss:…", "session:R1–ISP-A", "cpu:R1", "updates:R1")
 * -> RwSeries, every series with the same capacity. Names are kept in insertion order so
 * iteration (and therefore the feature vector) is deterministic. */
typedef struct {
  guint capacity;
  GHashTable *by_name;  /* char * (owned) -> RwSeries * (owned) */
  GPtrArray *names;     /* char *, insertion order; the strings are the table's keys */
} RwSeriesStore;

RwSeriesStore *rw_series_store_new (guint capacity);
void rw_series_store_free (RwSeriesStore *st);
/* NULL when the metric has never been pushed or ensured. */
RwSeries *rw_series_store_lookup (const RwSeriesStore *st, const char *name);
/* The series for `name`, created empty (and appended to the order) if it does not exist. */
RwSeries *rw_series_store_ensure (RwSeriesStore *st, const char *name);
void rw_series_store_push (RwSeriesStore *st, const char *name, double v);
guint rw_series_store_n_series (const RwSeriesStore *st);
const char *rw_series_store_name (const RwSeriesStore *st, guint i); /* insertion order */

/* ---- Threshold ----------------------------------------------------------------------------- */

/* A bound set to +INFINITY (high) or -INFINITY (low) is off. */
typedef struct {
  double high;
  double low;
} RwThreshold;

typedef enum {
  RW_THRESHOLD_INSIDE = 0,
  RW_THRESHOLD_ABOVE,   /* value > high */
  RW_THRESHOLD_BELOW,   /* value < low */
} RwThresholdCross;

/* Strict comparisons: a value equal to a bound has not crossed it. NaN never crosses (a missing
 * sample is not a crossing); +/-INFINITY crosses the bound on its side. */
RwThresholdCross rw_threshold_cross (const RwThreshold *t, double value);
gboolean rw_threshold_check (const RwThreshold *t, double value);

/* ---- EWMA control chart -------------------------------------------------------------------- */

typedef struct {
  double lambda;          /* smoothing, 0 < lambda <= 1 (DESIGN: 0.2-0.3) */
  double L;               /* width of the limits in sigmas (DESIGN: ~3) */
  gboolean trained;
  double mu0;             /* baseline mean */
  double sigma_baseline;  /* baseline sample standard deviation, as measured */
  double sigma;           /* the sigma the limits use: sigma_baseline, floored */
  guint64 t;              /* samples since training (or the last reset) */
  double statistic;       /* z_t; z_0 = mu0 */
  double lcl, ucl;        /* limits at t (both mu0 at t = 0) */
  gboolean out_of_control;/* the verdict of the last update */
} RwEwma;

RwEwma *rw_ewma_new (double lambda, double L);
RwEwma *rw_ewma_copy (const RwEwma *e);
void rw_ewma_free (RwEwma *e);
/* Fits mu0 and sigma on a clean baseline window (n >= 2, all finite) and resets the chart. */
gboolean rw_ewma_train (RwEwma *e, const double *baseline, guint n, GError **error);
gboolean rw_ewma_train_series (RwEwma *e, const RwSeries *s, guint last_n, GError **error);
/* Back to t = 0, z = mu0, keeping the training. */
void rw_ewma_reset (RwEwma *e);
/* z_t = lambda x + (1 - lambda) z_{t-1}; returns TRUE when z_t is outside
 * mu0 +/- L sigma sqrt(lambda / (2 - lambda) (1 - (1 - lambda)^(2t))). A non-finite x is a
 * missing sample: it is not folded in (it would poison z for good), the state is left as it
 * was and FALSE is returned; the threshold detector sees such values. */
gboolean rw_ewma_update (RwEwma *e, double x);
double rw_ewma_statistic (const RwEwma *e);
double rw_ewma_lcl (const RwEwma *e);
double rw_ewma_ucl (const RwEwma *e);

/* ---- Isolation Forest (Liu, Ting & Zhou, ICDM 2008) ---------------------------------------- */

typedef struct _RwIForest RwIForest;

/* X is n rows of dim doubles, row-major, all finite. Each of the n_trees trees is grown on psi
 * rows drawn without replacement from rng (all rows when n < psi) until height_limit, a single
 * row, or rows that are all equal. DESIGN defaults: 100 trees, psi 256, height limit 8. Returns
 * NULL (with a critical) on invalid arguments. */
RwIForest *rw_iforest_train (const double *X, guint n, guint dim, guint n_trees, guint psi,
                             guint height_limit, GRand *rng);
void rw_iforest_free (RwIForest *f);
/* s(x) = 2^(-E[h(x)] / c(psi)) in (0, 1]: near 1 is an anomaly, well below 0.5 normal.
 * x has dim values. */
double rw_iforest_score (const RwIForest *f, const double *x);
/* E[h(x)]: the mean over trees of the path length, each ending with c(size) at its leaf. */
double rw_iforest_path_length (const RwIForest *f, const double *x);
/* The average path length of an unsuccessful BST search among n points:
 * c(n) = 2 H(n-1) - 2 (n-1)/n with H(i) ~ ln(i) + 0.5772156649 for n > 2, c(2) = 1, else 0. */
double rw_iforest_c (guint n);
guint rw_iforest_dim (const RwIForest *f);
guint rw_iforest_n_trees (const RwIForest *f);
guint rw_iforest_psi (const RwIForest *f);       /* the subsample size actually used */
guint rw_iforest_n_nodes (const RwIForest *f);   /* over all trees */

/* ---- Anomaly record ------------------------------------------------------------------------ */

typedef enum {
  RW_DETECTOR_NONE      = 0,
  RW_DETECTOR_THRESHOLD = 1 << 0,
  RW_DETECTOR_EWMA      = 1 << 1,
  RW_DETECTOR_IFOREST   = 1 << 2,
} RwDetectorFlags;

/* "threshold+ewma", "iforest", "none". */
char *rw_detector_flags_to_string (RwDetectorFlags flags);

typedef struct {
  char *entity;           /* "R1→ISP-A", "R1–ISP-A", "R1" */
  char *metric;           /* "util:R1→ISP-A" */
  double value;           /* the sample that was judged */
  double score;           /* Isolation Forest score of the tick's feature vector, NAN if none */
  RwDetectorFlags fired;
} RwAnomaly;

RwAnomaly *rw_anomaly_new (const char *entity, const char *metric, double value, double score,
                           RwDetectorFlags fired);
RwAnomaly *rw_anomaly_copy (const RwAnomaly *a);
void rw_anomaly_free (RwAnomaly *a);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwSeries, rw_series_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwSeriesStore, rw_series_store_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwEwma, rw_ewma_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwIForest, rw_iforest_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RwAnomaly, rw_anomaly_free)

G_END_DECLS
