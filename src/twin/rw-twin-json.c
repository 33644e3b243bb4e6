/* rw-twin-json.c — the JSON documents the CLI prints (DESIGN.md section 10).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-twin.h"
#include "rw-json-util.h"

#include <json-glib/json-glib.h>
#include <math.h>

/* Figures are reported to a thousandth: more digits would be noise from the model. */
static void
add_figure (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  if (!isfinite (v))
    json_builder_add_null_value (b);
  else if (v == floor (v) && fabs (v) < 9e15)
    json_builder_add_int_value (b, (gint64) v);
  else
    json_builder_add_double_value (b, round (v * 1000.0) / 1000.0);
}

static void
add_node_id_or_null (JsonBuilder *b, const char *key, const RwNet *net, gint node)
{
  json_builder_set_member_name (b, key);
  if (node >= 0)
    json_builder_add_string_value (b, net->nodes[node]->id);
  else
    json_builder_add_null_value (b);
}

static void
add_route (JsonBuilder *b, const RwNet *net, guint holder, const RwPrefix *prefix, const RwRoute *r, gboolean best)
{
  g_autofree char *pfx = rw_prefix_to_string (prefix);
  gint egress = -1;

  if (rw_net_is_ours (net, holder))
    egress = r->ibgp ? r->nexthop : (gint) holder;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prefix");
  json_builder_add_string_value (b, pfx);
  json_builder_set_member_name (b, "best");
  json_builder_add_boolean_value (b, best);
  add_node_id_or_null (b, "from", net, r->from);
  add_node_id_or_null (b, "egress", net, egress);
  json_builder_set_member_name (b, "as_path");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->as_path_len; i++)
    json_builder_add_int_value (b, r->as_path[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "local_pref");
  json_builder_add_int_value (b, r->local_pref);
  json_builder_set_member_name (b, "med");
  if (r->has_med)
    json_builder_add_int_value (b, r->med);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "origin");
  json_builder_add_string_value (b, rw_origin_to_string (r->origin));
  json_builder_set_member_name (b, "weight");
  json_builder_add_int_value (b, r->weight);
  json_builder_set_member_name (b, "ibgp");
  json_builder_add_boolean_value (b, r->ibgp);
  json_builder_set_member_name (b, "communities");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->n_communities; i++)
    {
      g_autofree char *c = rw_community_to_string (r->communities[i]);
      json_builder_add_string_value (b, c);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "originator_id");
  if (r->has_originator)
    {
      g_autofree char *o = rw_ipv4_to_string (r->originator_id);
      json_builder_add_string_value (b, o);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "cluster_list");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->cluster_len; i++)
    {
      g_autofree char *c = rw_ipv4_to_string (r->cluster_list[i]);
      json_builder_add_string_value (b, c);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

typedef struct {
  const RwRib *rib;
  const RwNet *net;
} RibOrder;

static gint
by_neighbour (gconstpointer a, gconstpointer b, gpointer data)
{
  const RibOrder *o = data;
  const RwRoute *x = o->rib->routes->pdata[*(const guint *) a], *y = o->rib->routes->pdata[*(const guint *) b];
  if (x->from == y->from)
    return 0;
  if (x->from < 0 || y->from < 0)
    return x->from < 0 ? -1 : 1;
  return strcmp (o->net->nodes[x->from]->id, o->net->nodes[y->from]->id);
}

/* "transit_cost": the month's bill per ISP and in all, only when some link is priced. */
static void
add_transit_cost (JsonBuilder *b, const RwNet *net, const RwTraffic *tr)
{
  if (tr->isp_costs->len == 0)
    return;
  json_builder_set_member_name (b, "transit_cost");
  json_builder_begin_object (b);
  add_figure (b, "total", tr->transit_cost);
  json_builder_set_member_name (b, "isps");
  json_builder_begin_array (b);
  for (guint i = 0; i < tr->isp_costs->len; i++)
    {
      const RwIspCost *ic = &g_array_index (tr->isp_costs, RwIspCost, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "isp");
      json_builder_add_string_value (b, net->nodes[ic->isp]->id);
      add_figure (b, "gb", ic->gb);
      add_figure (b, "usage", ic->usage);
      add_figure (b, "cost", ic->cost);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

JsonNode *
rw_twin_simulation_to_json (const RwTwin *twin)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const RwNet *net = twin->net;
  const RwBgpResult *bgp = twin->bgp;
  const RwTraffic *tr = twin->traffic;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "converged");
  json_builder_add_boolean_value (b, bgp->converged);
  json_builder_set_member_name (b, "iterations");
  json_builder_add_int_value (b, bgp->iterations);

  json_builder_set_member_name (b, "routes");
  json_builder_begin_object (b);
  for (guint u = 0; u < net->n_nodes; u++)
    {
      json_builder_set_member_name (b, net->nodes[u]->id);
      json_builder_begin_array (b);
      for (guint p = 0; p < bgp->n_prefixes; p++)
        {
          const RwRib *rib = rw_bgp_rib (bgp, p, u);
          g_autofree guint *order = g_new (guint, rib->routes->len + 1);
          for (guint i = 0; i < rib->routes->len; i++)
            order[i] = i;
          /* the route learned here first, then by neighbour: the same document whatever order
           * the sessions were written in (a topology and its export imported back agree) */
          RibOrder ro = { rib, net };
          g_qsort_with_data (order, (gint) rib->routes->len, sizeof (guint), by_neighbour, &ro);
          for (guint i = 0; i < rib->routes->len; i++)
            add_route (b, net, u, &bgp->prefixes[p], rib->routes->pdata[order[i]], (gint) order[i] == rib->best);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "demands");
  json_builder_begin_array (b);
  for (guint i = 0; i < tr->demands->len; i++)
    {
      const RwDemandResult *r = tr->demands->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, r->demand->id);
      json_builder_set_member_name (b, "path");
      json_builder_begin_array (b);
      for (guint h = 0; h < r->path->len; h++)
        json_builder_add_string_value (b, net->nodes[g_array_index (r->path, guint, h)]->id);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, rw_demand_status_to_string (r->status));
      add_figure (b, "latency_ms", r->latency_ms);
      add_figure (b, "loss_pct", r->loss_pct);
      json_builder_set_member_name (b, "sla_ok");
      json_builder_add_boolean_value (b, r->sla_ok);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "links");
  json_builder_begin_array (b);
  for (guint d = 0; d < 2 * tr->n_links; d++)
    {
      const RwLinkDir *ld = &tr->dirs[d];
      if (ld->load_mbps <= 0)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, ((RwLink *) net->topo->links->pdata[d / 2])->id);
      json_builder_set_member_name (b, "from");
      json_builder_add_string_value (b, net->nodes[rw_traffic_dir_from (net, d)]->id);
      json_builder_set_member_name (b, "to");
      json_builder_add_string_value (b, net->nodes[rw_traffic_dir_to (net, d)]->id);
      add_figure (b, "load_mbps", ld->load_mbps);
      add_figure (b, "utilisation", ld->utilisation);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_transit_cost (b, net, tr);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
add_strings (JsonBuilder *b, const char *key, GPtrArray *arr)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; i < arr->len; i++)
    json_builder_add_string_value (b, arr->pdata[i]);
  json_builder_end_array (b);
}

JsonNode *
rw_diff_to_json (const RwDiff *d)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_figure (b, "blast_radius", d->blast_radius);
  add_figure (b, "moved_mbps", d->moved_mbps);
  add_strings (b, "moved_demands", d->moved_demands);
  add_strings (b, "routers_changed", d->routers_changed);
  add_strings (b, "links_touched", d->links_touched);
  add_strings (b, "new_loops", d->new_loops);
  add_strings (b, "new_blackholes", d->new_blackholes);
  add_strings (b, "sla_violations_added", d->sla_added);
  add_strings (b, "sla_violations_removed", d->sla_removed);
  add_figure (b, "max_utilisation_before", d->max_util_before);
  add_figure (b, "max_utilisation_after", d->max_util_after);
  json_builder_set_member_name (b, "max_link_before");
  d->max_dir_before ? json_builder_add_string_value (b, d->max_dir_before) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "max_link_after");
  d->max_dir_after ? json_builder_add_string_value (b, d->max_dir_after) : json_builder_add_null_value (b);
  json_builder_set_member_name (b, "converged_before");
  json_builder_add_boolean_value (b, d->converged_before);
  json_builder_set_member_name (b, "converged_after");
  json_builder_add_boolean_value (b, d->converged_after);
  if (d->priced)
    {
      add_figure (b, "transit_cost_before", d->cost_before);
      add_figure (b, "transit_cost_after", d->cost_after);
      add_figure (b, "transit_cost_change", d->cost_after - d->cost_before);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
rw_json_node_to_string (JsonNode *node, gboolean pretty)
{
  return rw_json_to_string (node, pretty);
}
