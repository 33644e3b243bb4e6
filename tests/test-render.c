/* test-render.c — the blast radius and hypotheses views: DOT content, and Graphviz renders them.
 * Each test also writes a PNG to the build directory for a human to look at.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-render.h"

#include <string.h>

static RwTwin *
load_enterprise (void)
{
  g_autoptr(GError) error = NULL;
  RwTopology *topo = rw_topology_load_file (RW_SOURCE_DIR "/data/topologies/enterprise.json", &error);
  g_assert_no_error (error);
  return rw_twin_new (topo);
}

/* The DOT statement of the edge with id="link:ID" (labels hold newlines: it ends at "];"). */
static char *
edge_line (const char *dot, const char *link_id)
{
  g_autofree char *needle = g_strdup_printf ("id=\"link:%s\"", link_id);
  const char *hit = strstr (dot, needle);
  const char *start, *end;
  if (hit == NULL)
    return NULL;
  for (start = hit; start > dot && start[-1] != '\n'; start--)
    ;
  end = strstr (hit, "];\n");
  return g_strndup (start, end ? (gsize) (end - start) : strlen (start));
}

static void
render_checked (const char *dot, const char *engine, const char *png)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) svg = rw_render_dot (dot, engine, "svg", &error);
  g_autofree char *source = NULL;
  g_assert_no_error (error);
  g_assert_nonnull (svg);
  g_assert_cmpuint (g_bytes_get_size (svg), >, 500);
  g_assert_true (rw_render_to_file (dot, engine, png, &error));
  g_assert_no_error (error);
  /* The source next to the picture, for whoever looks at it. */
  source = g_strconcat (png, ".gv", NULL);
  g_assert_true (g_file_set_contents (source, dot, -1, &error));
  g_assert_no_error (error);
}

static void
test_blast_link_down (void)
{
  const char *changes[] = { "link-down:R2-ISPB", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTwin) before = load_enterprise ();
  g_autoptr(RwTwin) after = rw_twin_fork_apply (before, changes, &error);
  g_autoptr(RwDiff) diff = NULL;
  g_autofree char *dot = NULL;
  g_autofree char *down = NULL;
  g_autofree char *radius = NULL;
  guint plus = 0, minus = 0;

  g_assert_no_error (error);
  diff = rw_twin_diff (before, after);
  g_assert_cmpuint (diff->links_touched->len, >, 1);
  dot = rw_dot_blast_radius (before, after, "what-if: link-down:R2-ISPB");
  g_assert_true (g_str_has_prefix (dot, "graph blast_radius {"));

  down = edge_line (dot, "R2-ISPB");
  g_assert_nonnull (down);
  g_assert_nonnull (strstr (down, "style=dashed"));
  g_assert_nonnull (strstr (down, "DOWN"));

  /* Every link whose load changed is labelled with the sign of each direction's change. */
  for (guint l = 0; l < after->topo->links->len; l++)
    {
      const RwLink *link = after->topo->links->pdata[l];
      g_autofree char *line = edge_line (dot, link->id);
      gboolean touched = FALSE;
      g_assert_nonnull (line);
      for (guint i = 0; i < diff->links_touched->len; i++)
        touched |= g_strcmp0 (diff->links_touched->pdata[i], link->id) == 0;
      if (!touched)
        {
          g_assert_null (strstr (line, "label="));
          g_assert_null (strstr (line, "style=dashed"));
          continue;
        }
      for (guint k = 0; k < 2; k++)
        {
          double d = after->traffic->dirs[2 * l + k].load_mbps - before->traffic->dirs[2 * l + k].load_mbps;
          g_autofree char *want = g_strdup_printf ("%s %s%.0f Mb/s", k == 0 ? "→" : "←", d > 0 ? "+" : "−", ABS (d));
          if (ABS (d) < 0.5)
            continue;
          if (strstr (line, want) == NULL)
            g_error ("%s: expected '%s' in %s", link->id, want, line);
          if (d > 0)
            plus++;
          else
            minus++;
        }
    }
  /* Traffic left R2-ISPB for other links: both signs appear. */
  g_assert_cmpuint (plus, >, 0);
  g_assert_cmpuint (minus, >, 0);

  radius = g_strdup_printf ("Blast radius <b>%.1f %%</b>", 100 * diff->blast_radius);
  g_assert_nonnull (strstr (dot, radius));
  g_assert_cmpfloat (diff->blast_radius, >, 0);

  /* Routers the moved traffic crosses are shaded and say how much moved through them. */
  g_assert_nonnull (strstr (dot, "⇄ 1.8 Gb/s\""));
  g_assert_nonnull (strstr (dot, "color=\"#1a5fb4\" penwidth=2"));

  render_checked (dot, "dot", RW_BUILD_DIR "/tests/view-blast-dot.png");
  render_checked (dot, "neato", RW_BUILD_DIR "/tests/view-blast.png");
}

static void
test_blast_quotes (void)
{
  g_autoptr(RwTwin) before = load_enterprise ();
  g_autoptr(RwTwin) after = rw_twin_fork (before);
  g_autoptr(GError) error = NULL;
  g_autofree char *dot = NULL;
  g_autoptr(GBytes) out = NULL;

  /* Nothing changed: nothing shaded, nothing labelled, and a hostile title stays a string (the
   * backslash doubled: Graphviz expands escapes in HTML text too). */
  dot = rw_dot_blast_radius (before, after, "say \"hi\" <b>&</b> \\");
  g_assert_null (strstr (dot, "color=\"#1a5fb4\" penwidth=2"));
  g_assert_nonnull (strstr (dot, "Blast radius <b>0.0 %</b>"));
  g_assert_nonnull (strstr (dot, "say &quot;hi&quot; &lt;b&gt;&amp;&lt;/b&gt; \\\\</b>"));
  out = rw_render_dot (dot, "neato", "svg", &error);
  g_assert_no_error (error);
}

#define ANOMALIES "[" \
  "{\"metric\":\"utilisation\",\"entity\":\"R1→ISP-A\",\"value\":0.93,\"detectors\":\"threshold,ewma\"}," \
  "{\"metric\":\"loss\",\"entity\":\"R1→ISP-A\\\"x\",\"value\":1.2,\"detectors\":[\"ewma\",\"iforest\"]}," \
  "{\"metric\":\"session\",\"entity\":\"R2:ISP-B\",\"value\":0,\"detectors\":\"state\"}]"
#define HYPOTHESES "[" \
  "{\"kind\":\"congestion\",\"entity\":\"R1-ISPA\",\"confidence\":0.8,\"explains\":\"R1→ISP-A is above 90 % since tick 12\"," \
  " \"evidence\":[\"R1→ISP-A at 93 %\",\"demands on it grew by 420 Mbps since the baseline\"],\"escalated\":false,\"handled\":true}," \
  "{\"kind\":\"degraded_link\",\"entity\":\"R1-ISPA\",\"confidence\":0.35,\"explains\":\"\"," \
  " \"evidence\":[\"R1→ISP-A\\\"x loses 1.20 % at 93 % load\"],\"escalated\":true,\"handled\":false}]"
#define ACTIONS "[" \
  "{\"hypothesis\":\"congestion:R1-ISPA\",\"changes\":[\"prepend:R1:ISP-A:2\",\"local-pref:R2:ISP-B:150\"],\"status\":\"applied\",\"tier\":\"T1\"}," \
  "{\"hypothesis\":\"degraded_link:R1-ISPA\",\"changes\":[\"link-down:R1-ISPA\"],\"status\":\"blocked\",\"tier\":2}]"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);
  g_assert_no_error (error);
  return node;
}

static void
test_hypotheses (void)
{
  g_autoptr(JsonNode) an = parse (ANOMALIES);
  g_autoptr(JsonNode) hy = parse (HYPOTHESES);
  g_autoptr(JsonNode) ac = parse (ACTIONS);
  g_autofree char *dot = rw_dot_hypotheses (an, hy, ac);

  g_assert_true (g_str_has_prefix (dot, "digraph hypotheses {"));
  g_assert_nonnull (strstr (dot, "rankdir=LR"));
  g_assert_null (strstr (dot, "No anomalies yet"));
  /* A node per anomaly, hypothesis and action. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *a = g_strdup_printf ("  a%u [", i);
      g_assert_nonnull (strstr (dot, a));
    }
  g_assert_true (strstr (dot, "  h0 [") && strstr (dot, "  h1 ["));
  g_assert_true (strstr (dot, "  x0 [") && strstr (dot, "  x1 ["));
  g_assert_nonnull (strstr (dot, "<b>congestion</b>"));
  g_assert_nonnull (strstr (dot, ">threshold, ewma<"));
  g_assert_nonnull (strstr (dot, ">ewma, iforest<"));
  g_assert_nonnull (strstr (dot, "<b>80 %</b>"));
  g_assert_nonnull (strstr (dot, "<b>35 %</b>"));
  /* Evidence -> hypothesis: by entity, the longer entity winning over the one it contains. */
  g_assert_nonnull (strstr (dot, "  a0 -> h0 [label=\"R1→ISP-A at 93 %\"]"));
  g_assert_nonnull (strstr (dot, "  a1 -> h1 [label=\"R1→ISP-A\\\"x loses"));
  g_assert_null (strstr (dot, "  a0 -> h1"));
  g_assert_null (strstr (dot, "  a2 -> "));
  /* Evidence that names no anomaly is a node of its own. */
  g_assert_nonnull (strstr (dot, "  e0 -> h0;"));
  /* Hypothesis -> action, coloured by the outcome. */
  g_assert_nonnull (strstr (dot, "  h0 -> x0 [color=\"#26a269\""));
  g_assert_nonnull (strstr (dot, "  h1 -> x1 [color=\"#c01c28\""));
  g_assert_nonnull (strstr (dot, "fillcolor=\"#d4f2dd\""));
  g_assert_nonnull (strstr (dot, "fillcolor=\"#f8d7da\""));
  g_assert_nonnull (strstr (dot, "prepend:R1:ISP-A:2"));
  g_assert_nonnull (strstr (dot, "(T2)"));

  render_checked (dot, "dot", RW_BUILD_DIR "/tests/view-hypotheses.png");
}

static void
test_hypotheses_empty (void)
{
  g_autoptr(JsonNode) empty = parse ("[]");
  g_autoptr(JsonNode) not_array = parse ("{\"kind\":\"x\"}");
  g_autofree char *dot = rw_dot_hypotheses (NULL, NULL, NULL);
  g_autofree char *dot2 = rw_dot_hypotheses (empty, not_array, empty);
  g_autoptr(JsonNode) hy = parse (HYPOTHESES);
  g_autofree char *dot3 = rw_dot_hypotheses (NULL, hy, NULL);

  g_assert_nonnull (strstr (dot, "No anomalies yet"));
  g_assert_cmpstr (dot, ==, dot2);
  render_checked (dot, "dot", RW_BUILD_DIR "/tests/view-hypotheses-empty.png");
  /* Hypotheses without anomalies: the evidence becomes nodes of its own. */
  g_assert_nonnull (strstr (dot3, "No anomalies yet"));
  g_assert_nonnull (strstr (dot3, "  e2 -> h1;"));
  render_checked (dot3, "dot", RW_BUILD_DIR "/tests/view-hypotheses-no-anomalies.png");
}

static void
test_hypotheses_hostile (void)
{
  g_autoptr(JsonNode) an = parse ("[{\"metric\":\"m<1>\",\"entity\":\"e\\\"&\\\\\",\"value\":\"x\"}]");
  g_autoptr(JsonNode) hy = parse ("[{\"kind\":\"<k>\",\"entity\":\"\\\\N\",\"confidence\":7,"
                                  "\"evidence\":[\"e\\\"&\\\\ is odd\", 3, \"\\\\\"]}]");
  g_autoptr(JsonNode) ac = parse ("[{\"hypothesis\":\"<k>:\\\\N\",\"changes\":\"deny:<a>&\\\\\",\"status\":\"weird\"}, 5]");
  g_autoptr(GError) error = NULL;
  g_autofree char *dot = rw_dot_hypotheses (an, hy, ac);
  g_autoptr(GBytes) svg = NULL;

  /* Quotes, markup and backslashes in every field; wrong types are skipped, not trusted. */
  g_assert_nonnull (strstr (dot, "<b>&lt;k&gt;</b>"));
  g_assert_nonnull (strstr (dot, "<b>100 %</b>"));
  g_assert_nonnull (strstr (dot, "  a0 -> h0 [label=\"e\\\"&\\\\ is odd\"]"));
  g_assert_nonnull (strstr (dot, "  h0 -> x0 [color=\"#9a9996\""));
  svg = rw_render_dot (dot, "dot", "svg", &error);
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  int status;
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/blast/link-down", test_blast_link_down);
  g_test_add_func ("/render/blast/quotes", test_blast_quotes);
  g_test_add_func ("/render/hypotheses/graph", test_hypotheses);
  g_test_add_func ("/render/hypotheses/empty", test_hypotheses_empty);
  g_test_add_func ("/render/hypotheses/hostile", test_hypotheses_hostile);
  status = g_test_run ();
  rw_render_shutdown ();
  return status;
}
