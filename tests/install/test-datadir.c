/* test-datadir.c — where shipped data and catalogs are found (rw-datadir.h).
 * Run twice by meson: plainly (from the build tree: the source layout) and with
 * ROUTEWISE_DATADIR set (the variable wins, in the installed layout).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-datadir.h"

#include <string.h>

static void
test_build_tree (void)
{
  g_autofree char *topo = NULL, *scenario = NULL, *scenarios = NULL, *mo = NULL;
  g_assert_cmpint (rw_data_origin (), ==, RW_DATA_FROM_SOURCE_TREE);
  g_assert_cmpstr (rw_data_origin_to_string (rw_data_origin ()), ==, "source-tree");

  topo = rw_data_find ("topologies", "enterprise.json");
  g_assert_nonnull (topo);
  g_assert_true (g_str_has_suffix (topo, "/data/topologies/enterprise.json"));
  /* scenarios sit at the top of the source tree, not under data/ */
  scenario = rw_data_find ("scenarios", "quiet-network.json");
  g_assert_nonnull (scenario);
  scenarios = rw_data_path ("scenarios");
  g_assert_cmpstr (scenarios, ==, RW_SOURCE_DIR "/scenarios");
  /* the catalogs meson compiled into the build tree */
  mo = g_build_filename (rw_localedir (), "de", "LC_MESSAGES", "routewise.mo", NULL);
  g_assert_true (g_str_has_prefix (rw_localedir (), RW_BUILD_DIR));
  g_assert_true (g_file_test (mo, G_FILE_TEST_IS_REGULAR));
}

static void
test_names_stay_inside (void)
{
  g_assert_null (rw_data_find ("topologies", "../scenarios/quiet-network.json"));
  g_assert_null (rw_data_find ("topologies", ".."));
  g_assert_null (rw_data_find ("topologies", ""));
  g_assert_null (rw_data_find ("topologies", NULL));
  g_assert_null (rw_data_find ("topologies", "no-such-network.json"));
  g_assert_null (rw_data_find ("secrets", "enterprise.json"));
  g_assert_null (rw_data_path ("secrets"));
}

static void
test_environment (void)
{
  const char *dir = g_getenv ("ROUTEWISE_DATADIR");
  g_autofree char *scenarios = NULL, *runbooks = NULL;
  g_assert_nonnull (dir);
  g_assert_cmpint (rw_data_origin (), ==, RW_DATA_FROM_ENV);
  g_assert_cmpstr (rw_datadir (), ==, dir);
  /* the installed layout: scenarios beside topologies */
  scenarios = rw_data_path ("scenarios");
  g_assert_true (g_str_has_prefix (scenarios, dir));
  g_assert_true (g_str_has_suffix (scenarios, "/scenarios"));
  runbooks = rw_data_path ("runbooks.json");
  g_assert_true (g_str_has_suffix (runbooks, "/runbooks.json"));
  /* nothing there, so nothing is found (and no silent fall back to the source tree) */
  g_assert_null (rw_data_find ("topologies", "enterprise.json"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("ROUTEWISE_DATADIR") != NULL)
    g_test_add_func ("/datadir/environment", test_environment);
  else
    g_test_add_func ("/datadir/build-tree", test_build_tree);
  g_test_add_func ("/datadir/names-stay-inside", test_names_stay_inside);
  return g_test_run ();
}
