/* rw-dot.c — DOT text for the views. No Graphviz calls here: only strings.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-render.h"

#include <math.h>
#include <string.h>

/* Quoted DOT string. */
static char *
q (const char *s)
{
  GString *out = g_string_new ("\"");
  for (const char *c = s; c && *c; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* Text for HTML-like labels. Graphviz still expands escapes such as \N in HTML text, and reads
 * past the end of one that ends in a lone backslash, so backslashes are doubled. */
static char *
h (const char *s)
{
  g_autofree char *markup = g_markup_escape_text (s ? s : "", -1);
  GString *out = g_string_new (NULL);
  for (const char *c = markup; *c; c++)
    {
      if (*c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  return g_string_free (out, FALSE);
}

const char *rw_utilisation_colour (double rho);

const char *
rw_utilisation_colour (double rho)
{
  if (rho >= 0.9)
    return "#c01c28"; /* red */
  if (rho >= 0.7)
    return "#e66100"; /* orange */
  if (rho >= 0.5)
    return "#c88800"; /* amber */
  return "#26a269";   /* green */
}

static const char *
node_shape (const RwNode *n)
{
  switch (n->role)
    {
    case RW_ROLE_REFLECTOR: return "doubleoctagon";
    case RW_ROLE_SPINE: return "box3d";
    case RW_ROLE_ISP: return "ellipse";
    case RW_ROLE_INTERNET: return "egg";
    default: return "box";
    }
}

static void
append_node (GString *dot, const RwNode *n, gboolean pinned, const char *fill)
{
  g_autofree char *id = q (n->id);
  g_autofree char *label = NULL;
  g_autofree char *ql = NULL;
  const char *sub = n->label ? n->label : n->hostname;
  label = sub ? g_strdup_printf ("%s\n%s\nAS%u", n->id, sub, n->asn) : g_strdup_printf ("%s\nAS%u", n->id, n->asn);
  ql = q (label);
  g_string_append_printf (dot, "  %s [label=%s shape=%s style=\"filled%s\" fillcolor=\"%s\"", id, ql, node_shape (n),
                          n->kind == RW_NODE_ROUTER ? ",rounded" : "", fill);
  if (pinned)
    g_string_append_printf (dot, " pos=\"%.1f,%.1f!\"", n->x, -n->y);
  g_string_append (dot, "];\n");
}

static gboolean
dir_on_path (const RwDemandResult *r, guint dir)
{
  for (guint i = 0; r && i < r->hops->len; i++)
    if (g_array_index (r->hops, guint, i) == dir)
      return TRUE;
  return FALSE;
}

char *
rw_dot_topology (const RwTwin *twin, const char *demand_id)
{
  const RwNet *net = twin->net;
  const RwTraffic *tr = twin->traffic;
  GString *dot = g_string_new (NULL);
  gint di = demand_id ? rw_traffic_find_demand (tr, demand_id) : -1;
  const RwDemandResult *sel = di >= 0 ? tr->demands->pdata[di] : NULL;
  g_autofree char *title = q (twin->topo->name);

  g_string_append_printf (dot, "graph topology {\n  graph [label=%s labelloc=t fontname=\"Cantarell\" "
                               "fontsize=16 splines=true overlap=false outputorder=edgesfirst];\n"
                               "  node [fontname=\"Cantarell\" fontsize=11 penwidth=1.2];\n"
                               "  edge [fontname=\"Cantarell\" fontsize=9];\n", title);
  for (guint i = 0; i < net->n_nodes; i++)
    append_node (dot, net->nodes[i], TRUE, net->nodes[i]->kind == RW_NODE_ROUTER ? "#dbe9f9" : "#f6f5f4");
  for (guint l = 0; l < tr->n_links; l++)
    {
      const RwLink *link = net->topo->links->pdata[l];
      const RwLinkDir *ab = &tr->dirs[2 * l], *ba = &tr->dirs[2 * l + 1];
      double rho = MAX (ab->utilisation, ba->utilisation);
      gboolean on_path = dir_on_path (sel, 2 * l) || dir_on_path (sel, 2 * l + 1);
      g_autofree char *a = q (link->a);
      g_autofree char *b = q (link->b);
      g_autofree char *label = NULL;
      g_autofree char *ql = NULL;
      if (!link->up)
        label = g_strdup_printf ("%s\nDOWN", link->id);
      else
        label = g_strdup_printf ("%s\n→ %.0f%%  ← %.0f%%", link->id, 100 * ab->utilisation, 100 * ba->utilisation);
      ql = q (label);
      g_string_append_printf (dot, "  %s -- %s [label=%s color=\"%s\" penwidth=%.1f%s];\n", a, b, ql,
                              !link->up ? "#9a9996" : on_path ? "#1c71d8" : rw_utilisation_colour (rho),
                              on_path ? 4.0 : 1.0 + 3.0 * MIN (rho, 1.0),
                              link->up ? "" : " style=dashed fontcolor=\"#9a9996\"");
    }
  g_string_append (dot, "}\n");
  return g_string_free (dot, FALSE);
}

static void
append_route_row (GString *dot, const RwNet *net, const RwRoute *r, gboolean best, RwDecisionStep by)
{
  g_autoptr(GString) path = g_string_new (NULL);
  g_autofree char *from = h (r->from >= 0 ? net->nodes[r->from]->id : "local");
  g_autofree char *med = r->has_med ? g_strdup_printf ("%u", r->med) : g_strdup ("–");
  g_autofree char *why = h (best ? rw_decision_step_name (by) : "backup");
  for (guint i = 0; i < r->as_path_len; i++)
    g_string_append_printf (path, "%s%u", i ? " " : "", r->as_path[i]);
  g_string_append_printf (dot, "<tr><td align=\"left\">%s%s%s</td><td align=\"left\">%s</td><td>%u</td><td>%s</td>"
                               "<td>%s</td><td align=\"left\">%s</td></tr>",
                          best ? "<b>★ " : "", from, best ? "</b>" : "", path->len ? path->str : "(empty)",
                          r->local_pref, med, rw_origin_to_string (r->origin), why);
}

char *
rw_dot_paths (const RwTwin *twin, const char *demand_id, GError **error)
{
  const RwNet *net = twin->net;
  const RwTraffic *tr = twin->traffic;
  gint di = rw_traffic_find_demand (tr, demand_id);
  const RwDemandResult *r;
  GString *dot;
  g_autofree char *dst = NULL;
  g_autofree char *title = NULL;
  g_autofree char *qt = NULL;
  g_autofree gboolean *drawn = NULL;

  if (di < 0)
    {
      g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_INVALID, "unknown demand '%s'", demand_id);
      return NULL;
    }
  r = tr->demands->pdata[di];
  dst = rw_prefix_to_string (&r->demand->dst);
  if (r->status == RW_DEMAND_OK)
    title = g_strdup_printf ("%s: %s → %s, %.0f Mbps, %.1f ms, %.2f%% loss, SLA %s", r->demand->id, r->demand->src, dst,
                             r->demand->mbps, r->latency_ms, r->loss_pct, r->sla_ok ? "met" : "VIOLATED");
  else
    title = g_strdup_printf ("%s: %s → %s: %s (%s)", r->demand->id, r->demand->src, dst,
                             rw_demand_status_to_string (r->status), r->reason);
  qt = q (title);
  drawn = g_new0 (gboolean, net->n_nodes);
  dot = g_string_new (NULL);
  g_string_append_printf (dot, "digraph paths {\n  graph [label=%s labelloc=t rankdir=LR fontname=\"Cantarell\" "
                               "fontsize=14 nodesep=0.4 ranksep=0.6];\n"
                               "  node [fontname=\"Cantarell\" fontsize=10 shape=plain];\n"
                               "  edge [fontname=\"Cantarell\" fontsize=9];\n", qt);
  for (guint i = 0; i < r->path->len; i++)
    {
      guint u = g_array_index (r->path, guint, i);
      const RwNode *n = net->nodes[u];
      g_autofree char *id = q (n->id);
      g_autofree char *name = h (n->id);
      g_autofree char *sub = h (n->label ? n->label : n->hostname ? n->hostname : "");
      gint idx = rw_bgp_lookup (twin->bgp, u, &r->demand->dst);
      if (drawn[u])
        continue;
      drawn[u] = TRUE;
      g_string_append_printf (dot, "  %s [label=<<table border=\"1\" cellborder=\"0\" cellspacing=\"2\" bgcolor=\"%s\">"
                                   "<tr><td colspan=\"6\"><b>%s</b> %s AS%u</td></tr>",
                              id, n->kind == RW_NODE_ROUTER ? "#dbe9f9" : "#f6f5f4", name, sub, n->asn);
      if (idx >= 0)
        {
          const RwRib *rib = rw_bgp_rib (twin->bgp, (guint) idx, u);
          g_autofree char *pfx = rw_prefix_to_string (&twin->bgp->prefixes[idx]);
          g_string_append_printf (dot, "<tr><td colspan=\"6\" align=\"left\"><i>%s</i></td></tr>"
                                       "<tr><td align=\"left\">from</td><td align=\"left\">AS path</td><td>LP</td>"
                                       "<td>MED</td><td>origin</td><td align=\"left\">why</td></tr>", pfx);
          for (guint k = 0; k < rib->routes->len; k++)
            append_route_row (dot, net, rib->routes->pdata[k], (gint) k == rib->best, rib->decided_by);
        }
      else
        g_string_append (dot, "<tr><td colspan=\"6\"><font color=\"#c01c28\">no route</font></td></tr>");
      g_string_append (dot, "</table>>];\n");
    }
  for (guint i = 0; i < r->hops->len; i++)
    {
      guint dir = g_array_index (r->hops, guint, i);
      const RwLinkDir *ld = &tr->dirs[dir];
      g_autofree char *a = q (net->nodes[rw_traffic_dir_from (net, dir)]->id);
      g_autofree char *b = q (net->nodes[rw_traffic_dir_to (net, dir)]->id);
      g_string_append_printf (dot, "  %s -> %s [label=\"%.0f%%, %.1f ms\" color=\"%s\" penwidth=3];\n", a, b,
                              100 * ld->utilisation, ld->latency_ms, rw_utilisation_colour (ld->utilisation));
    }
  /* Backup routes: where each router on the path could go instead. */
  for (guint i = 0; i < r->path->len; i++)
    {
      guint u = g_array_index (r->path, guint, i);
      gint idx = rw_bgp_lookup (twin->bgp, u, &r->demand->dst);
      const RwRib *rib;
      if (idx < 0)
        continue;
      rib = rw_bgp_rib (twin->bgp, (guint) idx, u);
      for (guint k = 0; k < rib->routes->len; k++)
        {
          const RwRoute *rt = rib->routes->pdata[k];
          gint via = rt->ibgp ? rt->nexthop : rt->from;
          g_autofree char *a = NULL, *b = NULL;
          if ((gint) k == rib->best || via < 0 || (guint) via == u)
            continue;
          if (!drawn[via])
            {
              append_node (dot, net->nodes[via], FALSE, "#ffffff");
              drawn[via] = TRUE;
            }
          a = q (net->nodes[u]->id);
          b = q (net->nodes[via]->id);
          g_string_append_printf (dot, "  %s -> %s [style=dashed color=\"#9a9996\" label=\"backup\" constraint=false];\n", a, b);
        }
    }
  g_string_append (dot, "}\n");
  return g_string_free (dot, FALSE);
}

/* ---- blast radius ---- */

#define BLAST_SPREAD_X 1.45
#define BLAST_SPREAD_Y 1.1

/* @from mixed with @to at @t (0..1), as "#rrggbb" into @out. */
static void
mix_colour (char out[8], guint32 from, guint32 to, double t)
{
  guint rgb[3];
  t = CLAMP (t, 0.0, 1.0);
  for (guint i = 0; i < 3; i++)
    {
      guint shift = 16 - 8 * i;
      double a = (from >> shift) & 0xff, b = (to >> shift) & 0xff;
      rgb[i] = (guint) lround (a + (b - a) * t);
    }
  g_snprintf (out, 8, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

static gboolean
str_in (GPtrArray *ids, const char *id)
{
  for (guint i = 0; ids && i < ids->len; i++)
    if (g_strcmp0 (ids->pdata[i], id) == 0)
      return TRUE;
  return FALSE;
}

/* Adds @mbps to every node of @after's net that @r's path crosses, once per node. */
static void
add_path_mbps (const RwNet *on, const RwNet *after, const RwDemandResult *r, double mbps, double *through, gboolean *seen)
{
  for (guint i = 0; r && i < r->path->len; i++)
    {
      gint u = rw_net_node (after, on->nodes[g_array_index (r->path, guint, i)]->id);
      if (u < 0 || seen[u])
        continue;
      seen[u] = TRUE;
      through[u] += mbps;
    }
}

/* Mb/s of moved demands whose old or new path crosses each node of @after's net. */
static double *
moved_through (const RwTwin *before, const RwTwin *after, const RwDiff *diff)
{
  guint n = after->net->n_nodes;
  double *through = g_new0 (double, n);
  g_autofree gboolean *seen = g_new (gboolean, n);

  for (guint i = 0; i < diff->moved_demands->len; i++)
    {
      const char *id = diff->moved_demands->pdata[i];
      gint ib = rw_traffic_find_demand (before->traffic, id), ia = rw_traffic_find_demand (after->traffic, id);
      const RwDemandResult *rb = ib >= 0 ? before->traffic->demands->pdata[ib] : NULL;
      const RwDemandResult *ra = ia >= 0 ? after->traffic->demands->pdata[ia] : NULL;
      double mbps = MAX (rb ? rb->demand->mbps : 0, ra ? ra->demand->mbps : 0);
      memset (seen, 0, n * sizeof *seen);
      add_path_mbps (before->net, after->net, rb, mbps, through, seen);
      add_path_mbps (after->net, after->net, ra, mbps, through, seen);
    }
  return through;
}

static void
append_blast_node (GString *dot, const RwNode *n, gboolean changed, double moved, double max_moved)
{
  g_autofree char *id = q (n->id);
  g_autofree char *gid = g_strdup_printf ("node:%s", n->id);
  g_autofree char *qgid = q (gid);
  g_autofree char *label = NULL;
  g_autofree char *ql = NULL;
  /* Only our routers name their hostname: outside names widen the nodes over the links' labels. */
  const char *sub = n->kind == RW_NODE_ROUTER ? (n->label ? n->label : n->hostname) : NULL;
  const char *rounded = n->kind == RW_NODE_ROUTER ? ",rounded" : "";

  if (changed || moved > 0)
    {
      /* Even a router that only changed its mind (no traffic moved) gets a light shade. */
      double t = 0.12 + 0.88 * (max_moved > 0 ? moved / max_moved : 0);
      char fill[8];
      /* Short, so the nodes stay narrow and leave room for the links' labels. */
      g_autofree char *what = moved >= 1000 ? g_strdup_printf ("⇄ %.1f Gb/s", moved / 1000)
                              : moved > 0 ? g_strdup_printf ("⇄ %.0f Mb/s", moved) : g_strdup ("best route changed");
      mix_colour (fill, 0xe8f0fb, 0x1a5fb4, t);
      label = sub ? g_strdup_printf ("%s\n%s\n%s", n->id, sub, what) : g_strdup_printf ("%s\n%s", n->id, what);
      ql = q (label);
      g_string_append_printf (dot, "  %s [id=%s label=%s shape=%s style=\"filled%s\" fillcolor=\"%s\" color=\"#1a5fb4\" "
                                   "penwidth=2 fontcolor=\"%s\"",
                              id, qgid, ql, node_shape (n), rounded, fill, t > 0.5 ? "#ffffff" : "#241f31");
    }
  else
    {
      label = sub ? g_strdup_printf ("%s\n%s", n->id, sub) : g_strdup (n->id);
      ql = q (label);
      g_string_append_printf (dot, "  %s [id=%s label=%s shape=%s style=\"filled%s\" fillcolor=\"#f6f5f4\" "
                                   "color=\"#c0bfbc\" fontcolor=\"#9a9996\"",
                              id, qgid, ql, node_shape (n), rounded);
    }
  /* Spread out more than the topology view: changed links carry two-line labels. */
  g_string_append_printf (dot, " pos=\"%.1f,%.1f!\"];\n", BLAST_SPREAD_X * n->x, -BLAST_SPREAD_Y * n->y);
}

/* "→ +420 Mb/s (62 %→91 %)" for one direction as a label row, or nothing when its load barely
 * moved. The arrow is the direction along the link (a->b) or against it. */
static void
append_dir_delta (GString *label, const char *arrow, const RwLinkDir *b, const RwLinkDir *a)
{
  double d = a->load_mbps - b->load_mbps;
  if (fabs (d) < 0.5)
    return;
  g_string_append_printf (label, "<tr><td>%s %s%.0f Mb/s (%.0f %%→%.0f %%)</td></tr>", arrow, d > 0 ? "+" : "−", fabs (d),
                          100 * b->utilisation, 100 * a->utilisation);
}

static void
append_blast_link (GString *dot, const RwTwin *before, const RwTwin *after, guint l, gboolean touched, double max_delta)
{
  const RwLink *link = after->topo->links->pdata[l];
  const RwLink *old = before->topo->links->pdata[l];
  const RwLinkDir *b0 = &before->traffic->dirs[2 * l], *b1 = &before->traffic->dirs[2 * l + 1];
  const RwLinkDir *a0 = &after->traffic->dirs[2 * l], *a1 = &after->traffic->dirs[2 * l + 1];
  double d0 = a0->load_mbps - b0->load_mbps, d1 = a1->load_mbps - b1->load_mbps;
  double dd = fabs (d0) >= fabs (d1) ? d0 : d1;
  g_autofree char *a = q (link->a);
  g_autofree char *b = q (link->b);
  g_autofree char *gid = g_strdup_printf ("link:%s", link->id);
  g_autofree char *qgid = q (gid);
  g_autofree char *name = h (link->id);
  g_autoptr(GString) label = NULL;
  const char *colour;
  double width;

  if (!touched)
    {
      g_autofree char *tip = q (link->id);
      g_string_append_printf (dot, "  %s -- %s [id=%s tooltip=%s color=\"#d5d3cf\" penwidth=1%s];\n", a, b, qgid, tip,
                              link->up ? "" : " style=dashed");
      return;
    }
  /* A white box under the text: the label sits on its own edge and others cross it. */
  label = g_string_new ("<table border=\"0\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"1\" bgcolor=\"#ffffffd8\">");
  g_string_append_printf (label, "<tr><td><b>%s</b>%s</td></tr>", name,
                          !link->up ? (old->up ? "  DOWN" : "  still down") : !old->up ? "  UP" : "");
  append_dir_delta (label, "→", b0, a0);
  append_dir_delta (label, "←", b1, a1);
  g_string_append (label, "</table>");
  if (!link->up)
    colour = "#3d3846";
  else if (dd > 0)
    colour = MAX (a0->utilisation, a1->utilisation) >= 0.9 ? "#c01c28" : "#e66100";
  else
    colour = "#1c71d8";
  width = 1.5 + 4.5 * (max_delta > 0 ? fabs (dd) / max_delta : 0);
  g_string_append_printf (dot, "  %s -- %s [id=%s label=<%s> color=\"%s\" penwidth=%.1f fontcolor=\"#241f31\"%s];\n", a, b,
                          qgid, label->str, colour, link->up ? width : 2.5, link->up ? "" : " style=dashed");
}

static void
append_id_list (GString *out, GPtrArray *ids, guint max)
{
  for (guint i = 0; i < ids->len && i < max; i++)
    {
      g_autofree char *e = h (ids->pdata[i]);
      g_string_append_printf (out, "%s%s", i ? ", " : " (", e);
    }
  if (ids->len > max)
    g_string_append_printf (out, ", +%u more", ids->len - max);
  if (ids->len)
    g_string_append (out, ")");
}

char *
rw_dot_blast_radius (const RwTwin *before, const RwTwin *after, const char *title)
{
  g_autoptr(RwDiff) diff = rw_twin_diff (before, after);
  g_autofree double *through = moved_through (before, after, diff);
  g_autofree char *name = h (title ? title : after->topo->name);
  g_autoptr(GString) sla = g_string_new (NULL);
  guint n_links = MIN (before->traffic->n_links, after->traffic->n_links);
  double max_moved = 0, max_delta = 0;
  GString *dot = g_string_new (NULL);

  for (guint u = 0; u < after->net->n_nodes; u++)
    max_moved = MAX (max_moved, through[u]);
  for (guint l = 0; l < n_links; l++)
    for (guint k = 2 * l; k < 2 * l + 2; k++)
      max_delta = MAX (max_delta, fabs (after->traffic->dirs[k].load_mbps - before->traffic->dirs[k].load_mbps));

  g_string_append_printf (sla, "+%u", diff->sla_added->len);
  append_id_list (sla, diff->sla_added, 3);
  g_string_append_printf (sla, " / −%u", diff->sla_removed->len);
  append_id_list (sla, diff->sla_removed, 3);

  /* Positions are in points (inputscale) and every node is pinned: no overlap removal, which
   * would squeeze the picture until the links' labels hide under the nodes. */
  g_string_append_printf (dot, "graph blast_radius {\n  graph [labelloc=t fontname=\"Cantarell\" fontsize=13 splines=true "
                               "inputscale=72 overlap=true outputorder=edgesfirst pad=0.3 label=<"
                               "<table border=\"0\" cellspacing=\"2\">"
                               "<tr><td><font point-size=\"17\"><b>%s</b></font></td></tr>"
                               "<tr><td>Blast radius <b>%.1f %%</b> · %.0f Mb/s moved (%u demand%s) · "
                               "%u router%s changed · %u link%s changed</td></tr>"
                               "<tr><td>SLA misses %s · max utilisation %.0f %% → <b>%.0f %%</b></td></tr>",
                          name, 100 * diff->blast_radius, diff->moved_mbps, diff->moved_demands->len,
                          diff->moved_demands->len == 1 ? "" : "s", diff->routers_changed->len,
                          diff->routers_changed->len == 1 ? "" : "s", diff->links_touched->len,
                          diff->links_touched->len == 1 ? "" : "s", sla->str, 100 * diff->max_util_before,
                          100 * diff->max_util_after);
  if (diff->new_loops->len || diff->new_blackholes->len)
    g_string_append_printf (dot, "<tr><td><font color=\"#c01c28\"><b>%u new loop%s, %u new blackhole%s</b></font></td></tr>",
                            diff->new_loops->len, diff->new_loops->len == 1 ? "" : "s", diff->new_blackholes->len,
                            diff->new_blackholes->len == 1 ? "" : "s");
  g_string_append (dot, "<tr><td><font point-size=\"11\" color=\"#5e5c64\">"
                        "<font color=\"#e66100\">━</font> more load  <font color=\"#1c71d8\">━</font> less load  "
                        "<font color=\"#3d3846\">╍</font> down  "
                        "<font color=\"#1a5fb4\">■</font> ⇄ traffic moved through it  "
                        "<font color=\"#c0bfbc\">■</font> unaffected</font></td></tr></table>>];\n"
                        "  node [fontname=\"Cantarell\" fontsize=11 penwidth=1.2];\n"
                        "  edge [fontname=\"Cantarell\" fontsize=10];\n");
  for (guint u = 0; u < after->net->n_nodes; u++)
    {
      const RwNode *n = after->net->nodes[u];
      append_blast_node (dot, n, str_in (diff->routers_changed, n->id), through[u], max_moved);
    }
  for (guint l = 0; l < n_links; l++)
    append_blast_link (dot, before, after, l,
                       str_in (diff->links_touched, ((RwLink *) after->topo->links->pdata[l])->id), max_delta);
  g_string_append (dot, "}\n");
  return g_string_free (dot, FALSE);
}

/* ---- hypotheses ---- */

static JsonArray *
json_array_or_null (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
element_object (JsonArray *a, guint i)
{
  JsonNode *n = json_array_get_element (a, i);
  return JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : NULL;
}

static gboolean
member_number (JsonObject *o, const char *name, double *out)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  switch (json_node_get_value_type (n))
    {
    case G_TYPE_INT64: *out = (double) json_node_get_int (n); return TRUE;
    case G_TYPE_DOUBLE: *out = json_node_get_double (n); return TRUE;
    default: return FALSE;
    }
}

static gboolean
member_true (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN && json_node_get_boolean (n);
}

/* A member that is a string, a number or an array of those, as text joined by @sep; NULL if absent. */
static char *
member_text (JsonObject *o, const char *name, const char *sep)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  JsonArray *a;
  GString *out;
  double v;

  if (n == NULL)
    return NULL;
  if (member_string (o, name))
    return g_strdup (member_string (o, name));
  if (member_number (o, name, &v))
    return g_strdup_printf ("%g", v);
  if ((a = json_array_or_null (n)) == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (e))
        continue;
      if (out->len)
        g_string_append (out, sep);
      if (json_node_get_value_type (e) == G_TYPE_STRING)
        g_string_append (out, json_node_get_string (e));
      else if (json_node_get_value_type (e) == G_TYPE_INT64)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (e));
      else if (json_node_get_value_type (e) == G_TYPE_DOUBLE)
        g_string_append_printf (out, "%g", json_node_get_double (e));
    }
  return g_string_free (out, FALSE);
}

/* @s with line breaks at spaces so no line is much longer than @width characters. */
static char *
wrap (const char *s, guint width)
{
  g_auto(GStrv) words = g_strsplit (s ? s : "", " ", -1);
  GString *out = g_string_new (NULL);
  glong line = 0;
  for (guint i = 0; words[i]; i++)
    {
      glong len = g_utf8_strlen (words[i], -1);
      if (line > 0 && line + 1 + len > (glong) width)
        {
          g_string_append_c (out, '\n');
          line = 0;
        }
      else if (i > 0)
        {
          g_string_append_c (out, ' ');
          line++;
        }
      g_string_append (out, words[i]);
      line += len;
    }
  return g_string_free (out, FALSE);
}

/* HTML text of @s wrapped at @width, lines joined by <br/>. */
static char *
h_wrapped (const char *s, guint width)
{
  g_autofree char *w = wrap (s, width);
  g_auto(GStrv) lines = g_strsplit (w, "\n", -1);
  GString *out = g_string_new (NULL);
  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *e = h (lines[i]);
      g_string_append_printf (out, "%s%s", i ? "<br/>" : "", e);
    }
  return g_string_free (out, FALSE);
}

typedef struct {
  const char *status;
  const char *fill, *border;
} ActionStyle;

static const ActionStyle action_styles[] = {
  { "applied", "#d4f2dd", "#26a269" },
  { "blocked", "#f8d7da", "#c01c28" },
  { "proposed", "#f6f5f4", "#9a9996" },
  { "escalated", "#ffe3c7", "#e66100" },
  { "rolled_back", "#eadcf1", "#9141ac" },
};

static const ActionStyle *
action_style (const char *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_styles); i++)
    if (g_strcmp0 (status, action_styles[i].status) == 0)
      return &action_styles[i];
  return &action_styles[2]; /* unknown: like proposed */
}

/* Anomalies an evidence string mentions by entity, or else by metric. An entity contained in a
 * longer mentioned one ("R1" in "R1-ISPA") does not count on its own. */
static GArray *
evidence_matches (JsonArray *anomalies, const char *evidence)
{
  GArray *hits = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n = anomalies ? json_array_get_length (anomalies) : 0;

  for (guint j = 0; j < n; j++)
    {
      const char *e = member_string (element_object (anomalies, j), "entity");
      gboolean shadowed = FALSE;
      if (e == NULL || *e == '\0' || strstr (evidence, e) == NULL)
        continue;
      for (guint k = 0; k < n && !shadowed; k++)
        {
          const char *longer = member_string (element_object (anomalies, k), "entity");
          shadowed = k != j && longer && strlen (longer) > strlen (e) && strstr (longer, e) && strstr (evidence, longer);
        }
      if (!shadowed)
        g_array_append_val (hits, j);
    }
  for (guint j = 0; j < n && hits->len == 0; j++)
    {
      const char *m = member_string (element_object (anomalies, j), "metric");
      if (m && *m && strstr (evidence, m))
        g_array_append_val (hits, j);
    }
  return hits;
}

static void
append_anomaly (GString *dot, guint i, JsonObject *o)
{
  g_autofree char *metric = h (member_string (o, "metric") ? member_string (o, "metric") : "anomaly");
  g_autofree char *entity = h (member_string (o, "entity"));
  g_autofree char *joined = member_text (o, "detectors", ",");
  g_auto(GStrv) names = g_strsplit (joined ? joined : "", ",", -1);
  g_autofree char *detectors = NULL;
  g_autofree char *hd = NULL;
  double v;
  g_autofree char *value = member_number (o, "value", &v) ? g_strdup_printf ("= %.3g", v) : g_strdup ("");

  /* "threshold,ewma" and ["threshold", "ewma"] read the same. */
  for (guint k = 0; names[k]; k++)
    g_strstrip (names[k]);
  detectors = g_strjoinv (", ", names);
  hd = h (detectors);
  g_string_append_printf (dot, "  a%u [label=<<b>%s</b><br/>%s %s", i, metric, entity, value);
  if (detectors && *detectors)
    g_string_append_printf (dot, "<br/><font point-size=\"9\" color=\"#5e5c64\">%s</font>", hd);
  g_string_append (dot, "> shape=box style=\"rounded,filled\" fillcolor=\"#fff4d6\" color=\"#c88800\"];\n");
}

static void
append_hypothesis (GString *dot, guint i, JsonObject *o)
{
  g_autofree char *kind = h (member_string (o, "kind") ? member_string (o, "kind") : "hypothesis");
  g_autofree char *entity = h (member_string (o, "entity"));
  g_autofree char *explains = member_string (o, "explains") ? h_wrapped (member_string (o, "explains"), 40) : NULL;
  double conf = 0;
  guint bar;
  char fill[8], border[8];

  member_number (o, "confidence", &conf);
  conf = CLAMP (conf, 0.0, 1.0);
  bar = (guint) lround (100 * conf);
  /* Saturation and pen width grow with confidence: the likely cause stands out. */
  mix_colour (fill, 0xf6f5f4, 0x99c1f1, conf);
  mix_colour (border, 0xc0bfbc, 0x1a5fb4, conf);
  g_string_append_printf (dot, "  h%u [label=<<table border=\"0\" cellspacing=\"0\" cellpadding=\"1\">"
                               "<tr><td colspan=\"2\"><b>%s</b></td></tr><tr><td colspan=\"2\">%s</td></tr>"
                               "<tr><td align=\"left\"><table border=\"1\" color=\"#1a5fb4\" cellborder=\"0\" cellspacing=\"0\" "
                               "cellpadding=\"0\"><tr>",
                          i, kind, entity);
  if (bar > 0)
    g_string_append_printf (dot, "<td width=\"%u\" height=\"8\" fixedsize=\"true\" bgcolor=\"#1a5fb4\"></td>", bar);
  if (bar < 100)
    g_string_append_printf (dot, "<td width=\"%u\" height=\"8\" fixedsize=\"true\" bgcolor=\"#ffffff\"></td>", 100 - bar);
  g_string_append_printf (dot, "</tr></table></td><td align=\"right\"><b>%.0f %%</b></td></tr>", 100 * conf);
  if (explains && *explains)
    g_string_append_printf (dot, "<tr><td colspan=\"2\"><font point-size=\"9\"><i>%s</i></font></td></tr>", explains);
  if (member_true (o, "escalated") || member_true (o, "handled"))
    g_string_append_printf (dot, "<tr><td colspan=\"2\"><font point-size=\"9\" color=\"#5e5c64\">%s%s%s</font></td></tr>",
                            member_true (o, "handled") ? "handled" : "",
                            member_true (o, "handled") && member_true (o, "escalated") ? " · " : "",
                            member_true (o, "escalated") ? "escalated" : "");
  g_string_append_printf (dot, "</table>> shape=box style=\"rounded,filled\" fillcolor=\"%s\" color=\"%s\" penwidth=%.1f];\n",
                          fill, border, 1 + 3 * conf);
}

static void
append_action (GString *dot, guint i, JsonObject *o)
{
  const char *status = member_string (o, "status") ? member_string (o, "status") : "proposed";
  const ActionStyle *st = action_style (status);
  g_autofree char *hs = h (status);
  double level;
  /* Tiers are named T1, T2…; a bare number means the same. */
  g_autofree char *tier = member_number (o, "tier", &level) ? g_strdup_printf ("T%g", level) : member_text (o, "tier", ", ");
  g_autofree char *htier = h (tier);
  g_autofree char *changes = member_text (o, "changes", "\n");
  g_auto(GStrv) lines = g_strsplit (changes ? changes : "", "\n", -1);

  g_string_append_printf (dot, "  x%u [label=<<b>%s</b>", i, hs);
  if (tier && *tier)
    g_string_append_printf (dot, " <font color=\"#5e5c64\">(%s)</font>", htier);
  for (guint k = 0; lines[k]; k++)
    if (*lines[k])
      {
        g_autofree char *e = h (lines[k]);
        g_string_append_printf (dot, "<br/><font face=\"monospace\" point-size=\"10\">%s</font>", e);
      }
  g_string_append_printf (dot, "> shape=box style=\"filled\" fillcolor=\"%s\" color=\"%s\" penwidth=2];\n", st->fill,
                          st->border);
}

char *
rw_dot_hypotheses (JsonNode *anomalies, JsonNode *hypotheses, JsonNode *actions)
{
  JsonArray *an = json_array_or_null (anomalies);
  JsonArray *hy = json_array_or_null (hypotheses);
  JsonArray *ac = json_array_or_null (actions);
  guint n_an = an ? json_array_get_length (an) : 0;
  guint n_hy = hy ? json_array_get_length (hy) : 0;
  guint n_ac = ac ? json_array_get_length (ac) : 0;
  g_autoptr(GString) first = g_string_new ("  { rank=min;");
  g_autoptr(GString) middle = g_string_new ("  { rank=same;");
  g_autoptr(GString) last = g_string_new ("  { rank=max;");
  g_autoptr(GString) edges = g_string_new (NULL);
  guint n_evidence = 0;
  GString *dot = g_string_new (NULL);

  g_string_append (dot, "digraph hypotheses {\n  graph [rankdir=LR labelloc=t fontname=\"Cantarell\" fontsize=13 "
                        "nodesep=0.35 ranksep=1.1 pad=0.3 label=<<table border=\"0\" cellspacing=\"2\">"
                        "<tr><td><font point-size=\"17\"><b>Anomalies → hypotheses → actions</b></font></td></tr>"
                        "<tr><td><font point-size=\"11\" color=\"#5e5c64\">actions: ");
  for (guint i = 0; i < G_N_ELEMENTS (action_styles); i++)
    g_string_append_printf (dot, "%s<font color=\"%s\">■</font> %s", i ? "  " : "", action_styles[i].border,
                            action_styles[i].status);
  g_string_append (dot, "</font></td></tr></table>>];\n"
                        "  node [fontname=\"Cantarell\" fontsize=11 penwidth=1.2];\n"
                        "  edge [fontname=\"Cantarell\" fontsize=9 color=\"#77767b\" fontcolor=\"#3d3846\"];\n");

  for (guint i = 0; i < n_an; i++)
    {
      append_anomaly (dot, i, element_object (an, i));
      g_string_append_printf (first, " a%u;", i);
    }
  if (n_an == 0)
    {
      g_string_append (dot, "  none [label=\"No anomalies yet\" shape=note style=filled fillcolor=\"#f6f5f4\" "
                            "color=\"#c0bfbc\" fontcolor=\"#5e5c64\"];\n");
      g_string_append (first, " none;");
    }

  for (guint i = 0; i < n_hy; i++)
    {
      JsonObject *o = element_object (hy, i);
      JsonNode *ev = o ? json_object_get_member (o, "evidence") : NULL;
      JsonArray *evidence = json_array_or_null (ev);
      /* One edge per anomaly, labelled with every evidence string that mentions it. */
      g_autofree GString **per_anomaly = g_new0 (GString *, n_an + 1);

      append_hypothesis (dot, i, o);
      g_string_append_printf (middle, " h%u;", i);
      for (guint k = 0; evidence && k < json_array_get_length (evidence); k++)
        {
          JsonNode *e = json_array_get_element (evidence, k);
          const char *s = JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING ?
                          json_node_get_string (e) : NULL;
          g_autoptr(GArray) hits = NULL;
          if (s == NULL || *s == '\0')
            continue;
          hits = evidence_matches (an, s);
          for (guint m = 0; m < hits->len; m++)
            {
              guint j = g_array_index (hits, guint, m);
              g_autofree char *w = wrap (s, 28);
              if (per_anomaly[j] == NULL)
                per_anomaly[j] = g_string_new (NULL);
              else
                g_string_append_c (per_anomaly[j], '\n');
              g_string_append (per_anomaly[j], w);
            }
          if (hits->len == 0)
            {
              g_autofree char *w = wrap (s, 26);
              g_autofree char *qw = q (w);
              g_string_append_printf (dot, "  e%u [label=%s shape=note style=filled fillcolor=\"#f6f5f4\" color=\"#c0bfbc\" "
                                           "fontsize=9];\n",
                                      n_evidence, qw);
              g_string_append_printf (first, " e%u;", n_evidence);
              g_string_append_printf (edges, "  e%u -> h%u;\n", n_evidence, i);
              n_evidence++;
            }
        }
      for (guint j = 0; j < n_an; j++)
        if (per_anomaly[j])
          {
            g_autofree char *ql = q (per_anomaly[j]->str);
            g_string_append_printf (edges, "  a%u -> h%u [label=%s];\n", j, i, ql);
            g_string_free (per_anomaly[j], TRUE);
          }
    }

  for (guint i = 0; i < n_ac; i++)
    {
      JsonObject *o = element_object (ac, i);
      const char *target = member_string (o, "hypothesis");
      append_action (dot, i, o);
      g_string_append_printf (last, " x%u;", i);
      for (guint k = 0; target && k < n_hy; k++)
        {
          JsonObject *ho = element_object (hy, k);
          g_autofree char *key = g_strdup_printf ("%s:%s", member_string (ho, "kind") ? member_string (ho, "kind") : "",
                                                  member_string (ho, "entity") ? member_string (ho, "entity") : "");
          if (g_strcmp0 (key, target) == 0)
            g_string_append_printf (edges, "  h%u -> x%u [color=\"%s\" penwidth=1.8];\n", k, i,
                                    action_style (member_string (o, "status"))->border);
        }
    }

  g_string_append_printf (dot, "%s }\n", first->str);
  if (n_hy)
    g_string_append_printf (dot, "%s }\n", middle->str);
  if (n_ac)
    g_string_append_printf (dot, "%s }\n", last->str);
  g_string_append (dot, edges->str);
  g_string_append (dot, "}\n");
  return g_string_free (dot, FALSE);
}
