/* test-detect.c — time series ring buffer, threshold, EWMA control chart, Isolation Forest,
 * anomaly records. All noise comes from seeded GRands, so every run sees the same numbers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-detect.h"

#include <math.h>
#include <string.h>

/* Box-Muller; 1 - u keeps the logarithm away from 0. */
static double
gauss (GRand *r, double mu, double sigma)
{
  double u1 = 1.0 - g_rand_double (r), u2 = g_rand_double (r);
  return mu + sigma * sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* ---- Time series --------------------------------------------------------------------------- */

static void
test_series_wrap (void)
{
  g_autoptr(RwSeries) s = rw_series_new (4);
  g_autofree double *arr = NULL;
  guint n = 0;

  g_assert_cmpuint (rw_series_len (s), ==, 0);
  g_assert_true (isnan (rw_series_last (s)));
  g_assert_true (isnan (rw_series_mean (s, 0)));
  g_assert_true (isnan (rw_series_min (s, 0)));

  for (int i = 1; i <= 6; i++)
    rw_series_push (s, i);
  /* 1 and 2 fell off the front */
  g_assert_cmpuint (rw_series_len (s), ==, 4);
  g_assert_cmpuint (rw_series_capacity (s), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat (rw_series_get (s, i), ==, 3.0 + i);
  g_assert_cmpfloat (rw_series_last (s), ==, 6.0);

  g_assert_cmpfloat_with_epsilon (rw_series_mean (s, 0), 4.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (rw_series_stddev (s, 0), sqrt (5.0 / 3.0), 1e-12);
  g_assert_cmpfloat (rw_series_min (s, 0), ==, 3.0);
  g_assert_cmpfloat (rw_series_max (s, 0), ==, 6.0);
  /* the newest two: 5, 6 */
  g_assert_cmpfloat_with_epsilon (rw_series_mean (s, 2), 5.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (rw_series_stddev (s, 2), sqrt (0.5), 1e-12);
  g_assert_cmpfloat (rw_series_min (s, 2), ==, 5.0);
  g_assert_cmpfloat (rw_series_max (s, 1), ==, 6.0);
  g_assert_cmpfloat (rw_series_stddev (s, 1), ==, 0.0);
  /* more than stored means all of them */
  g_assert_cmpfloat_with_epsilon (rw_series_mean (s, 100), 4.5, 1e-12);

  arr = rw_series_to_array (s, 3, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (arr[0], ==, 4.0);
  g_assert_cmpfloat (arr[2], ==, 6.0);

  rw_series_clear (s);
  g_assert_cmpuint (rw_series_len (s), ==, 0);
  rw_series_push (s, -1.0);
  g_assert_cmpfloat (rw_series_get (s, 0), ==, -1.0);
  g_assert_cmpfloat (rw_series_last (s), ==, -1.0);
}

/* Many wraps against a plain array holding everything ever pushed. */
static void
test_series_against_naive (void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (7);
  g_autoptr(RwSeries) s = rw_series_new (37);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint step = 0; step < 1000; step++)
    {
      double v = gauss (r, 1e6, 3.0);  /* big level, small spread: Welford has to hold up */
      guint len, w = 1 + step % 50;
      double sum = 0.0, ss = 0.0, mean, lo = INFINITY, hi = -INFINITY;
      guint k, start;

      g_array_append_val (all, v);
      rw_series_push (s, v);
      len = rw_series_len (s);
      g_assert_cmpuint (len, ==, MIN (all->len, 37));
      for (guint i = 0; i < len; i++)
        g_assert_cmpfloat (rw_series_get (s, i), ==, g_array_index (all, double, all->len - len + i));

      k = MIN (w, len);
      start = all->len - k;
      for (guint i = start; i < all->len; i++)
        {
          double x = g_array_index (all, double, i);
          sum += x;
          lo = MIN (lo, x);
          hi = MAX (hi, x);
        }
      mean = sum / k;
      for (guint i = start; i < all->len; i++)
        ss += (g_array_index (all, double, i) - mean) * (g_array_index (all, double, i) - mean);
      g_assert_cmpfloat_with_epsilon (rw_series_mean (s, w), mean, 1e-6);
      g_assert_cmpfloat_with_epsilon (rw_series_stddev (s, w), k > 1 ? sqrt (ss / (k - 1)) : 0.0, 1e-6);
      g_assert_cmpfloat (rw_series_min (s, w), ==, lo);
      g_assert_cmpfloat (rw_series_max (s, w), ==, hi);
    }
}

static void
test_series_copy_and_nan (void)
{
  g_autoptr(RwSeries) s = rw_series_new (3);
  g_autoptr(RwSeries) c = NULL;

  rw_series_push (s, 1.0);
  rw_series_push (s, NAN);
  rw_series_push (s, 3.0);
  rw_series_push (s, 4.0);  /* wraps */
  c = rw_series_copy (s);
  rw_series_push (s, 5.0);  /* the copy is independent */
  g_assert_cmpuint (rw_series_len (c), ==, 3);
  g_assert_true (isnan (rw_series_get (c, 0)));
  g_assert_cmpfloat (rw_series_last (c), ==, 4.0);
  /* a NaN in the window poisons every statistic over it, but not the windows after it */
  g_assert_true (isnan (rw_series_mean (c, 0)));
  g_assert_true (isnan (rw_series_max (c, 0)));
  g_assert_cmpfloat (rw_series_max (c, 2), ==, 4.0);
  g_assert_cmpfloat (rw_series_mean (s, 0), ==, 4.0);
}

static void
test_series_store (void)
{
  g_autoptr(RwSeriesStore) st = rw_series_store_new (8);
  static const char *names[] = {
    "util:R1→ISP-A", "lat:R1→ISP-A", "loss:R1→ISP-A", "session:R1–ISP-A", "cpu:R1", "updates:R1",
  };

  g_assert_null (rw_series_store_lookup (st, "cpu:R1"));
  for (guint round = 0; round < 20; round++)
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      rw_series_store_push (st, names[i], round * 10.0 + i);

  g_assert_cmpuint (rw_series_store_n_series (st), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      RwSeries *s = rw_series_store_lookup (st, names[i]);
      g_assert_cmpstr (rw_series_store_name (st, i), ==, names[i]);
      g_assert_nonnull (s);
      g_assert_cmpuint (rw_series_capacity (s), ==, 8);
      g_assert_cmpuint (rw_series_len (s), ==, 8);
      g_assert_cmpfloat (rw_series_last (s), ==, 190.0 + i);
      g_assert_cmpfloat (rw_series_get (s, 0), ==, 120.0 + i);
    }
  /* ensure finds, it does not duplicate */
  g_assert_true (rw_series_store_ensure (st, "cpu:R1") == rw_series_store_lookup (st, "cpu:R1"));
  g_assert_cmpuint (rw_series_store_n_series (st), ==, G_N_ELEMENTS (names));
  rw_series_store_ensure (st, "cpu:R2");
  g_assert_cmpuint (rw_series_store_n_series (st), ==, G_N_ELEMENTS (names) + 1);
  g_assert_cmpstr (rw_series_store_name (st, G_N_ELEMENTS (names)), ==, "cpu:R2");
  g_assert_cmpuint (rw_series_len (rw_series_store_lookup (st, "cpu:R2")), ==, 0);
}

/* ---- Threshold ----------------------------------------------------------------------------- */

static void
test_threshold (void)
{
  RwThreshold util = { .high = 0.9, .low = -INFINITY };
  RwThreshold band = { .high = 10.0, .low = 2.0 };

  g_assert_false (rw_threshold_check (&util, 0.5));
  g_assert_false (rw_threshold_check (&util, 0.9));   /* equal is not crossed */
  g_assert_true (rw_threshold_check (&util, 0.95));
  g_assert_false (rw_threshold_check (&util, -1e300)); /* low bound off */
  g_assert_true (rw_threshold_check (&util, INFINITY));
  g_assert_false (rw_threshold_check (&util, NAN));
  g_assert_cmpint (rw_threshold_cross (&band, 1.0), ==, RW_THRESHOLD_BELOW);
  g_assert_cmpint (rw_threshold_cross (&band, 11.0), ==, RW_THRESHOLD_ABOVE);
  g_assert_cmpint (rw_threshold_cross (&band, 2.0), ==, RW_THRESHOLD_INSIDE);
  g_assert_cmpint (rw_threshold_cross (&band, -INFINITY), ==, RW_THRESHOLD_BELOW);
}

/* ---- EWMA ---------------------------------------------------------------------------------- */

#define MU 0.55
#define SIGMA 0.04

static RwEwma *
trained_ewma (GRand *r, double lambda)
{
  g_autoptr(GError) error = NULL;
  double baseline[200];
  RwEwma *e = rw_ewma_new (lambda, 3.0);

  for (guint i = 0; i < G_N_ELEMENTS (baseline); i++)
    baseline[i] = gauss (r, MU, SIGMA);
  g_assert_true (rw_ewma_train (e, baseline, G_N_ELEMENTS (baseline), &error));
  g_assert_no_error (error);
  return e;
}

static void
test_ewma_limits (void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (11);
  g_autoptr(RwEwma) e = trained_ewma (r, 0.25);
  double lambda = 0.25, asym;

  g_assert_cmpfloat_with_epsilon (e->mu0, MU, 0.01);
  g_assert_cmpfloat_with_epsilon (e->sigma, SIGMA, 0.008);
  g_assert_cmpfloat (e->sigma, ==, e->sigma_baseline);  /* the floor does not bite here */
  g_assert_cmpfloat (rw_ewma_statistic (e), ==, e->mu0);

  /* t = 1: sqrt(lambda/(2-lambda) (1-(1-lambda)^2)) = lambda, so the half-width is L sigma lambda */
  rw_ewma_update (e, e->mu0);
  g_assert_cmpfloat_with_epsilon (rw_ewma_ucl (e) - e->mu0, 3.0 * e->sigma * lambda, 1e-12);
  g_assert_cmpfloat_with_epsilon (e->mu0 - rw_ewma_lcl (e), 3.0 * e->sigma * lambda, 1e-12);
  /* the limits widen monotonically to the asymptote */
  asym = 3.0 * e->sigma * sqrt (lambda / (2.0 - lambda));
  for (guint t = 2; t < 200; t++)
    {
      double before = rw_ewma_ucl (e);
      rw_ewma_update (e, e->mu0);
      g_assert_cmpfloat (rw_ewma_ucl (e), >=, before);
      g_assert_cmpfloat (rw_ewma_ucl (e) - e->mu0, <=, asym + 1e-15);
    }
  g_assert_cmpfloat_with_epsilon (rw_ewma_ucl (e) - e->mu0, asym, 1e-12);

  /* the statistic is the recurrence, from z_0 = mu0 */
  rw_ewma_reset (e);
  g_assert_cmpuint (e->t, ==, 0);
  rw_ewma_update (e, 1.0);
  g_assert_cmpfloat_with_epsilon (rw_ewma_statistic (e), lambda + (1 - lambda) * e->mu0, 1e-15);
  rw_ewma_update (e, 0.0);
  g_assert_cmpfloat_with_epsilon (rw_ewma_statistic (e), (1 - lambda) * (lambda + (1 - lambda) * e->mu0), 1e-15);
}

/* Draws from the baseline distribution itself, 20 seeded runs of 300 samples with lambda 0.2
 * and L 3. Theory puts the in-control average run length near 500 samples (a little less here,
 * as mu0 and sigma are estimated from 200 samples), so alarm episodes are rare and short. */
static void
test_ewma_in_control (void)
{
  guint alarms = 0, episodes = 0, total = 0;

  for (guint seed = 1; seed <= 20; seed++)
    {
      g_autoptr(GRand) r = g_rand_new_with_seed (seed);
      g_autoptr(RwEwma) e = trained_ewma (r, 0.2);
      gboolean before = FALSE;

      for (guint t = 0; t < 300; t++)
        {
          gboolean out = rw_ewma_update (e, gauss (r, MU, SIGMA));
          g_assert_true (out == e->out_of_control);
          alarms += out;
          episodes += out && !before;
          before = out;
          total++;
        }
    }
  g_test_message ("EWMA in control: %u alarm samples in %u episodes over %u samples",
                  alarms, episodes, total);
  g_assert_cmpuint (alarms * 100, <, total);      /* under 1 % of samples */
  g_assert_cmpuint (episodes * 200, <, total);    /* a run length of 200+ between episodes */
}

/* A mean shift of 3 sigma is flagged within a few samples, every time. */
static void
test_ewma_level_shift (void)
{
  guint worst = 0, sum = 0;

  for (guint seed = 1; seed <= 50; seed++)
    {
      g_autoptr(GRand) r = g_rand_new_with_seed (1000 + seed);
      g_autoptr(RwEwma) e = trained_ewma (r, 0.2);
      guint t;

      /* a quiet stretch first, so the limits are at their asymptote and z is wherever the
       * noise left it, not at mu0 */
      for (t = 0; t < 50 || e->out_of_control; t++)
        {
          rw_ewma_update (e, gauss (r, MU, SIGMA));
          g_assert_cmpuint (t, <, 200);
        }
      for (t = 1; t <= 100; t++)
        if (rw_ewma_update (e, gauss (r, MU + 3.0 * SIGMA, SIGMA)))
          break;
      g_assert_cmpfloat (rw_ewma_statistic (e), >, rw_ewma_ucl (e));
      worst = MAX (worst, t);
      sum += t;
    }
  g_test_message ("EWMA 3-sigma shift: detected after %.2f samples on average, %u at worst", sum / 50.0, worst);
  g_assert_cmpuint (worst, <=, 6);
  g_assert_cmpuint (sum, <=, 50 * 3);
}

/* A flat baseline has sigma 0; without the floor every later value would be an anomaly the
 * moment rounding moved it by one bit. */
static void
test_ewma_zero_variance (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RwEwma) loss = rw_ewma_new (0.3, 3.0);
  g_autoptr(RwEwma) level = rw_ewma_new (0.3, 3.0);
  double zeros[30] = { 0 }, tenths[30];

  g_assert_true (rw_ewma_train (loss, zeros, G_N_ELEMENTS (zeros), &error));
  g_assert_cmpfloat (loss->sigma_baseline, ==, 0.0);
  g_assert_cmpfloat (loss->sigma, >, 0.0);
  for (guint t = 0; t < 1000; t++)
    g_assert_false (rw_ewma_update (loss, 0.0));
  g_assert_true (rw_ewma_update (loss, 0.02));  /* 2 % loss out of nowhere */

  for (guint i = 0; i < G_N_ELEMENTS (tenths); i++)
    tenths[i] = 0.1;
  g_assert_true (rw_ewma_train (level, tenths, G_N_ELEMENTS (tenths), &error));
  g_assert_cmpfloat (level->sigma_baseline, ==, 0.0);
  for (guint t = 0; t < 1000; t++)
    {
      /* 0.7 - 0.6 is 0.09999999999999998: a rounding difference, not an anomaly */
      g_assert_false (rw_ewma_update (level, (t % 2) ? 0.1 : 0.7 - 0.6));
      g_assert_cmpfloat (rw_ewma_lcl (level), <, rw_ewma_ucl (level));
    }
  g_assert_true (rw_ewma_update (level, 0.2));
}

static void
test_ewma_bad_input (void)
{
  g_autoptr(RwEwma) e = rw_ewma_new (0.2, 3.0);
  g_autoptr(RwEwma) c = NULL;
  g_autoptr(GError) error = NULL;
  double one = 1.0, with_nan[3] = { 1.0, NAN, 2.0 }, ok[4] = { 1.0, 2.0, 3.0, 4.0 };
  double z;

  g_assert_false (rw_ewma_train (e, &one, 1, &error));
  g_assert_error (error, RW_DETECT_ERROR, RW_DETECT_ERROR_TOO_FEW);
  g_clear_error (&error);
  g_assert_false (rw_ewma_train (e, NULL, 0, &error));
  g_assert_error (error, RW_DETECT_ERROR, RW_DETECT_ERROR_TOO_FEW);
  g_clear_error (&error);
  g_assert_false (rw_ewma_train (e, with_nan, 3, &error));
  g_assert_error (error, RW_DETECT_ERROR, RW_DETECT_ERROR_NOT_FINITE);
  g_assert_nonnull (strstr (error->message, "sample 1"));
  g_clear_error (&error);
  g_assert_false (e->trained);

  g_assert_true (rw_ewma_train (e, ok, 4, &error));
  rw_ewma_update (e, 2.5);
  z = rw_ewma_statistic (e);
  /* a missing sample changes nothing */
  g_assert_false (rw_ewma_update (e, NAN));
  g_assert_false (rw_ewma_update (e, INFINITY));
  g_assert_cmpfloat (rw_ewma_statistic (e), ==, z);
  g_assert_cmpuint (e->t, ==, 1);
  c = rw_ewma_copy (e);
  g_assert_cmpfloat (rw_ewma_statistic (c), ==, z);

  /* training from a series: the newest 4 of 6 */
  {
    g_autoptr(RwSeries) s = rw_series_new (10);
    for (int i = 0; i < 6; i++)
      rw_series_push (s, i < 2 ? 1000.0 : 10.0 + i);
    g_assert_true (rw_ewma_train_series (e, s, 4, &error));
    g_assert_cmpfloat_with_epsilon (e->mu0, 13.5, 1e-12);
  }
}

static void
test_ewma_invalid_args (void)
{
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*lambda > 0.0*");
  g_assert_null (rw_ewma_new (0.0, 3.0));
  g_test_assert_expected_messages ();
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*lambda > 0.0*");
  g_assert_null (rw_ewma_new (NAN, 3.0));
  g_test_assert_expected_messages ();
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*L > 0.0*");
  g_assert_null (rw_ewma_new (0.2, -1.0));
  g_test_assert_expected_messages ();
  {
    g_autoptr(RwEwma) e = rw_ewma_new (0.2, 3.0);
    g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*e->trained*");
    g_assert_false (rw_ewma_update (e, 1.0));
    g_test_assert_expected_messages ();
  }
}

/* ---- Isolation Forest ---------------------------------------------------------------------- */

static void
test_iforest_c (void)
{
  /* 2 (ln 255 + gamma) - 2 * 255/256 */
  g_assert_cmpfloat_with_epsilon (rw_iforest_c (256), 10.244770920116851, 1e-9);
  g_assert_cmpfloat_with_epsilon (rw_iforest_c (256), 10.24, 0.005);
  g_assert_cmpfloat_with_epsilon (rw_iforest_c (100), 8.364671030069179, 1e-9);
  g_assert_cmpfloat_with_epsilon (rw_iforest_c (3), 1.207392357586557, 1e-9);
  g_assert_cmpfloat (rw_iforest_c (2), ==, 1.0);
  g_assert_cmpfloat (rw_iforest_c (1), ==, 0.0);
  g_assert_cmpfloat (rw_iforest_c (0), ==, 0.0);
  for (guint n = 3; n < 5000; n++)
    g_assert_cmpfloat (rw_iforest_c (n), >, rw_iforest_c (n - 1));
}

#define CLOUD 1000

static double *
gaussian_cloud (guint32 seed, guint n)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  double *X = g_new (double, 2 * n);
  for (guint i = 0; i < 2 * n; i++)
    X[i] = gauss (r, 0.0, 1.0);
  return X;
}

static const double outliers[][2] = { { 6, 6 }, { -7, 1 }, { 0, -8 }, { 5, -5 }, { 9, 0 } };
static const double inliers[][2] = { { 0, 0 }, { 0.3, -0.2 }, { -0.4, 0.3 }, { 0.2, 0.5 } };

static void
test_iforest_outliers (void)
{
  g_autofree double *X = gaussian_cloud (42, CLOUD);
  g_autoptr(GRand) rng = g_rand_new_with_seed (2008);
  g_autoptr(RwIForest) f = rw_iforest_train (X, CLOUD, 2, 100, 256, 8, rng);
  double mean_train = 0.0;

  g_assert_nonnull (f);
  g_assert_cmpuint (rw_iforest_dim (f), ==, 2);
  g_assert_cmpuint (rw_iforest_n_trees (f), ==, 100);
  g_assert_cmpuint (rw_iforest_psi (f), ==, 256);
  /* height limit 8: at most 2^9 - 1 nodes per tree */
  g_assert_cmpuint (rw_iforest_n_nodes (f), <=, 100 * 511);

  for (guint i = 0; i < G_N_ELEMENTS (outliers); i++)
    {
      double s = rw_iforest_score (f, outliers[i]);
      g_test_message ("outlier (%g, %g): %.3f", outliers[i][0], outliers[i][1], s);
      g_assert_cmpfloat (s, >, 0.6);
      g_assert_cmpfloat (s, <=, 1.0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (inliers); i++)
    {
      double s = rw_iforest_score (f, inliers[i]);
      g_test_message ("inlier (%g, %g): %.3f", inliers[i][0], inliers[i][1], s);
      g_assert_cmpfloat (s, <, 0.5);
      g_assert_cmpfloat (s, >, 0.0);
    }
  for (guint i = 0; i < CLOUD; i++)
    mean_train += rw_iforest_score (f, X + 2 * i) / CLOUD;
  g_test_message ("mean score over the cloud: %.3f", mean_train);
  g_assert_cmpfloat (mean_train, <, 0.5);
  /* score is the paper's formula on the mean path length */
  g_assert_cmpfloat (rw_iforest_score (f, outliers[0]), ==,
                     exp2 (-rw_iforest_path_length (f, outliers[0]) / rw_iforest_c (256)));
}

static double *
probe_scores (const RwIForest *f, guint n)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (99);
  double *out = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      double x[2] = { gauss (r, 0, 2), gauss (r, 0, 2) };
      out[i] = rw_iforest_score (f, x);
    }
  return out;
}

static void
test_iforest_determinism (void)
{
  g_autofree double *X = gaussian_cloud (42, CLOUD);
  g_autoptr(GRand) r1 = g_rand_new_with_seed (5);
  g_autoptr(GRand) r2 = g_rand_new_with_seed (5);
  g_autoptr(GRand) r3 = g_rand_new_with_seed (6);
  g_autoptr(RwIForest) f1 = rw_iforest_train (X, CLOUD, 2, 100, 256, 8, r1);
  g_autoptr(RwIForest) f2 = rw_iforest_train (X, CLOUD, 2, 100, 256, 8, r2);
  g_autoptr(RwIForest) f3 = rw_iforest_train (X, CLOUD, 2, 100, 256, 8, r3);
  g_autofree double *s1 = probe_scores (f1, 200);
  g_autofree double *s2 = probe_scores (f2, 200);
  g_autofree double *s3 = probe_scores (f3, 200);
  guint differ = 0;

  g_assert_cmpmem (s1, 200 * sizeof (double), s2, 200 * sizeof (double));
  g_assert_cmpuint (rw_iforest_n_nodes (f1), ==, rw_iforest_n_nodes (f2));
  /* both generators were advanced identically */
  g_assert_cmpuint (g_rand_int (r1), ==, g_rand_int (r2));
  for (guint i = 0; i < 200; i++)
    differ += s1[i] != s3[i];
  g_test_message ("seed 5 vs seed 6: %u of 200 scores differ", differ);
  g_assert_cmpuint (differ, >, 150);
}

/* Fewer rows than psi: every tree uses all of them. Identical rows stop the growth at the root,
 * so every path is c(psi) long and every score exactly 0.5. */
static void
test_iforest_small_and_flat (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (3);
  g_autofree double *X = gaussian_cloud (8, 50);
  double flat[40 * 3];
  g_autoptr(RwIForest) small = rw_iforest_train (X, 50, 2, 100, 256, 8, rng);
  g_autoptr(RwIForest) f = NULL;
  double far[2] = { 20, 20 }, x[3] = { 1, 2, 3 }, y[3] = { 5, 2, 3 };

  g_assert_cmpuint (rw_iforest_psi (small), ==, 50);
  g_assert_cmpfloat (rw_iforest_score (small, far), >, 0.6);

  for (guint i = 0; i < 40; i++)
    flat[3 * i] = 1, flat[3 * i + 1] = 2, flat[3 * i + 2] = 3;
  f = rw_iforest_train (flat, 40, 3, 10, 256, 8, rng);
  g_assert_cmpuint (rw_iforest_n_nodes (f), ==, 10);
  g_assert_cmpfloat (rw_iforest_score (f, x), ==, 0.5);
  g_assert_cmpfloat (rw_iforest_score (f, y), ==, 0.5);
  g_clear_pointer (&f, rw_iforest_free);

  /* two constant columns and one that varies: splits only ever use the varying one, so a point
   * that differs only in a constant column looks exactly like its twin in the data */
  for (guint i = 0; i < 40; i++)
    flat[3 * i] = i;
  f = rw_iforest_train (flat, 40, 3, 50, 256, 8, rng);
  {
    double a[3] = { 7.5, 2, 3 }, b[3] = { 7.5, -100, 300 };
    g_assert_cmpfloat (rw_iforest_score (f, a), ==, rw_iforest_score (f, b));
  }
  /* height limit 1: one split per tree, paths are 1 + c(leaf size) */
  g_clear_pointer (&f, rw_iforest_free);
  f = rw_iforest_train (flat, 40, 3, 20, 256, 1, rng);
  g_assert_cmpuint (rw_iforest_n_nodes (f), ==, 20 * 3);
}

static void
test_iforest_invalid (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (1);
  double X[4] = { 1, 2, 3, 4 }, bad[4] = { 1, NAN, 3, 4 };

  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*n >= 2*");
  g_assert_null (rw_iforest_train (X, 0, 2, 100, 256, 8, rng));
  g_test_assert_expected_messages ();
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*dim > 0*");
  g_assert_null (rw_iforest_train (X, 2, 0, 100, 256, 8, rng));
  g_test_assert_expected_messages ();
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*n >= 2*");
  g_assert_null (rw_iforest_train (X, 1, 2, 100, 256, 8, rng));
  g_test_assert_expected_messages ();
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*n_trees > 0*");
  g_assert_null (rw_iforest_train (X, 2, 2, 0, 256, 8, rng));
  g_test_assert_expected_messages ();
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*psi >= 2*");
  g_assert_null (rw_iforest_train (X, 2, 2, 10, 1, 8, rng));
  g_test_assert_expected_messages ();
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*X != NULL*");
  g_assert_null (rw_iforest_train (NULL, 2, 2, 10, 256, 8, rng));
  g_test_assert_expected_messages ();
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*rng != NULL*");
  g_assert_null (rw_iforest_train (X, 2, 2, 10, 256, 8, NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*all_finite*");
  g_assert_null (rw_iforest_train (bad, 2, 2, 10, 256, 8, rng));
  g_test_assert_expected_messages ();
  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*f != NULL*");
  g_assert_true (isnan (rw_iforest_score (NULL, X)));
  g_test_assert_expected_messages ();
  /* freeing NULL is fine, as for every _free here */
  rw_iforest_free (NULL);
  rw_series_free (NULL);
  rw_series_store_free (NULL);
  rw_ewma_free (NULL);
  rw_anomaly_free (NULL);

  g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*capacity > 0*");
  g_assert_null (rw_series_new (0));
  g_test_assert_expected_messages ();
  {
    g_autoptr(RwSeries) s = rw_series_new (2);
    g_test_expect_message ("routewise-agent", G_LOG_LEVEL_CRITICAL, "*i < s->len*");
    g_assert_true (isnan (rw_series_get (s, 0)));
    g_test_assert_expected_messages ();
  }
}

/* ---- Anomaly ------------------------------------------------------------------------------- */

static void
test_anomaly (void)
{
  g_autoptr(RwAnomaly) a = rw_anomaly_new ("R1→ISP-A", "util:R1→ISP-A", 0.97, 0.71,
                                           RW_DETECTOR_THRESHOLD | RW_DETECTOR_EWMA);
  g_autoptr(RwAnomaly) b = rw_anomaly_copy (a);
  g_autofree char *fired = rw_detector_flags_to_string (b->fired);
  g_autofree char *none = rw_detector_flags_to_string (RW_DETECTOR_NONE);
  g_autofree char *all = rw_detector_flags_to_string (RW_DETECTOR_THRESHOLD | RW_DETECTOR_EWMA |
                                                      RW_DETECTOR_IFOREST);

  g_assert_true (a->entity != b->entity);
  g_assert_cmpstr (b->entity, ==, "R1→ISP-A");
  g_assert_cmpstr (b->metric, ==, "util:R1→ISP-A");
  g_assert_cmpfloat (b->value, ==, 0.97);
  g_assert_cmpfloat (b->score, ==, 0.71);
  g_assert_cmpint (b->fired, ==, RW_DETECTOR_THRESHOLD | RW_DETECTOR_EWMA);
  g_assert_cmpstr (fired, ==, "threshold+ewma");
  g_assert_cmpstr (none, ==, "none");
  g_assert_cmpstr (all, ==, "threshold+ewma+iforest");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/detect/series/wrap", test_series_wrap);
  g_test_add_func ("/detect/series/against-naive", test_series_against_naive);
  g_test_add_func ("/detect/series/copy-and-nan", test_series_copy_and_nan);
  g_test_add_func ("/detect/series/store", test_series_store);
  g_test_add_func ("/detect/threshold", test_threshold);
  g_test_add_func ("/detect/ewma/limits", test_ewma_limits);
  g_test_add_func ("/detect/ewma/in-control", test_ewma_in_control);
  g_test_add_func ("/detect/ewma/level-shift", test_ewma_level_shift);
  g_test_add_func ("/detect/ewma/zero-variance", test_ewma_zero_variance);
  g_test_add_func ("/detect/ewma/bad-input", test_ewma_bad_input);
  g_test_add_func ("/detect/ewma/invalid-args", test_ewma_invalid_args);
  g_test_add_func ("/detect/iforest/c", test_iforest_c);
  g_test_add_func ("/detect/iforest/outliers", test_iforest_outliers);
  g_test_add_func ("/detect/iforest/determinism", test_iforest_determinism);
  g_test_add_func ("/detect/iforest/small-and-flat", test_iforest_small_and_flat);
  g_test_add_func ("/detect/iforest/invalid", test_iforest_invalid);
  g_test_add_func ("/detect/anomaly", test_anomaly);
  return g_test_run ();
}
