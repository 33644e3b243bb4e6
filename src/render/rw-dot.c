/* rw-dot.c — DOT text for the views. No Graphviz calls here: only strings.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-render.h"

#include <math.h>

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

/* Text for HTML-like labels. */
static char *
h (const char *s)
{
  return g_markup_escape_text (s ? s : "", -1);
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
