/* rw-lab-check.c — the drift report (rw-lab-check.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-lab-check.h"
#include "rw-lab-private.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#define ROUTE_GET_MS (10 * 1000)
#define MAX_HOPS 64

static void
difference_free (RwLabDifference *d)
{
  if (d == NULL)
    return;
  g_free (d->node);
  g_free (d->prefix);
  g_free (d->demand);
  g_clear_pointer (&d->twin, json_node_unref);
  g_clear_pointer (&d->frr, json_node_unref);
  g_free (d);
}

void
rw_lab_check_free (RwLabCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->lab);
  g_ptr_array_unref (check->differences);
  g_clear_pointer (&check->frr_best, g_hash_table_unref);
  g_clear_pointer (&check->paths, g_ptr_array_unref);
  g_free (check);
}

static char *
route_key (const char *node, const char *prefix)
{
  return g_strdup_printf ("%s\n%s", node, prefix);
}

/* ---- the twin's side ---- */

/* "node\nprefix" -> the twin's best route there (the `simulate --json` object). */
static GHashTable *
twin_best_routes (JsonNode *sim)
{
  GHashTable *best = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  JsonObject *routes = json_object_get_object_member (json_node_get_object (sim), "routes");
  g_autoptr(GList) nodes = json_object_get_members (routes);
  for (GList *l = nodes; l; l = l->next)
    {
      JsonArray *a = json_object_get_array_member (routes, l->data);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *rn = json_array_get_element (a, i);
          JsonObject *r = json_node_get_object (rn);
          if (json_object_get_boolean_member_with_default (r, "best", FALSE))
            g_hash_table_insert (best, route_key (l->data, json_object_get_string_member (r, "prefix")),
                                 json_node_copy (rn));
        }
    }
  return best;
}

/* ---- FRR's side ---- */

static void
add_as_path (JsonBuilder *b, const char *path)
{
  g_auto(GStrv) words = g_strsplit_set (path ? path : "", " {},", -1);
  json_builder_set_member_name (b, "as_path");
  json_builder_begin_array (b);
  for (guint i = 0; words[i]; i++)
    {
      char *end = NULL;
      guint64 asn;
      if (*words[i] == '\0')
        continue;
      asn = g_ascii_strtoull (words[i], &end, 10);
      if (end && *end == '\0')
        json_builder_add_int_value (b, (gint64) asn);
      else
        json_builder_add_string_value (b, words[i]);
    }
  json_builder_end_array (b);
}

static JsonObject *
best_path (JsonArray *paths)
{
  for (guint i = 0; i < json_array_get_length (paths); i++)
    {
      JsonNode *pn = json_array_get_element (paths, i);
      JsonObject *p = JSON_NODE_HOLDS_OBJECT (pn) ? json_node_get_object (pn) : NULL;
      if (p && (json_object_get_boolean_member_with_default (p, "bestpath", FALSE) ||
                json_object_get_boolean_member_with_default (p, "best", FALSE)))
        return p;
    }
  return NULL;
}

static const char *
first_next_hop (JsonObject *p)
{
  JsonArray *nhs = json_object_has_member (p, "nexthops") ? json_object_get_array_member (p, "nexthops") : NULL;
  JsonObject *nh = nhs && json_array_get_length (nhs) > 0 ? json_array_get_object_element (nhs, 0) : NULL;
  return nh ? json_object_get_string_member_with_default (nh, "ip", NULL) : NULL;
}

/* FRR's best path as a route record: the neighbour as a node (the address when no node owns
 * it; null when originated here), the AS path and the attributes engineers compare. */
static JsonNode *
frr_route (const char *prefix, JsonObject *p, GHashTable *addresses)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *peer = json_object_get_string_member_with_default (p, "peerId", NULL);
  const char *nh = first_next_hop (p);
  guint32 addr = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prefix");
  json_builder_add_string_value (b, prefix);
  json_builder_set_member_name (b, "from");
  if (peer && rw_ipv4_parse (peer, &addr))
    {
      const char *owner = g_hash_table_lookup (addresses, GUINT_TO_POINTER (addr));
      json_builder_add_string_value (b, owner ? owner : peer);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "peer");
  if (peer && addr)
    json_builder_add_string_value (b, peer);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "next_hop");
  if (nh)
    json_builder_add_string_value (b, nh);
  else
    json_builder_add_null_value (b);
  add_as_path (b, json_object_get_string_member_with_default (p, "path", ""));
  json_builder_set_member_name (b, "local_pref");
  if (json_object_has_member (p, "locPrf"))
    json_builder_add_int_value (b, json_object_get_int_member (p, "locPrf"));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "med");
  if (json_object_has_member (p, "metric"))
    json_builder_add_int_value (b, json_object_get_int_member (p, "metric"));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "weight");
  json_builder_add_int_value (b, json_object_get_int_member_with_default (p, "weight", 0));
  json_builder_set_member_name (b, "origin");
  json_builder_add_string_value (b, json_object_get_string_member_with_default (p, "origin", "?"));
  json_builder_set_member_name (b, "ibgp");
  json_builder_add_boolean_value (b, g_strcmp0 (json_object_get_string_member_with_default (p, "pathFrom", ""),
                                                "internal") == 0);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Adds a node's FRR best paths (@text: `show bgp ipv4 unicast json`) to @best
 * ("node\nprefix" -> route record). */
static gboolean
read_frr_routes (const char *node, const char *text, GHashTable *addresses, GHashTable *best, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *routes;
  g_autoptr(GList) prefixes = NULL;

  if (!json_parser_load_from_data (parser, text, -1, NULL) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: show bgp ipv4 unicast json: not JSON", node);
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "routes") || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "routes")))
    return TRUE; /* no BGP instance: no routes */
  routes = json_object_get_object_member (root, "routes");
  prefixes = json_object_get_members (routes);
  for (GList *l = prefixes; l; l = l->next)
    {
      JsonNode *pn = json_object_get_member (routes, l->data);
      JsonObject *p = JSON_NODE_HOLDS_ARRAY (pn) ? best_path (json_node_get_array (pn)) : NULL;
      RwPrefix pfx;
      g_autofree char *canonical = NULL;
      if (p == NULL || !rw_prefix_parse (l->data, &pfx))
        continue;
      canonical = rw_prefix_to_string (&pfx);
      g_hash_table_insert (best, route_key (node, canonical), frr_route (canonical, p, addresses));
    }
  return TRUE;
}

/* ---- comparing routes ---- */

static gboolean
same_as_path (JsonObject *a, JsonObject *b)
{
  JsonArray *x = json_object_get_array_member (a, "as_path");
  JsonArray *y = json_object_get_array_member (b, "as_path");
  if (x == NULL || y == NULL || json_array_get_length (x) != json_array_get_length (y))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (x); i++)
    {
      JsonNode *u = json_array_get_element (x, i), *v = json_array_get_element (y, i);
      if (json_node_get_value_type (u) != G_TYPE_INT64 || json_node_get_value_type (v) != G_TYPE_INT64 ||
          json_node_get_int (u) != json_node_get_int (v))
        return FALSE;
    }
  return TRUE;
}

static gboolean
routes_agree (JsonNode *twin, JsonNode *frr)
{
  JsonObject *t = json_node_get_object (twin), *f = json_node_get_object (frr);
  const char *tf = json_object_get_null_member (t, "from") ? NULL : json_object_get_string_member (t, "from");
  const char *ff = json_object_get_null_member (f, "from") ? NULL : json_object_get_string_member (f, "from");
  return g_strcmp0 (tf, ff) == 0 && same_as_path (t, f);
}

static gint
compare_prefix_text (gconstpointer a, gconstpointer b)
{
  RwPrefix x, y;
  rw_prefix_parse (*(const char *const *) a, &x);
  rw_prefix_parse (*(const char *const *) b, &y);
  if (x.addr != y.addr)
    return x.addr < y.addr ? -1 : 1;
  return (gint) x.len - (gint) y.len;
}

static void
compare_routes (RwLabCheck *check, const RwTopology *t, GHashTable *twin, GHashTable *frr, gboolean ours_only)
{
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      if (ours_only && n->kind != RW_NODE_ROUTER)
        continue;
      g_autoptr(GPtrArray) prefixes = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *head = g_strdup_printf ("%s\n", n->id);
      GHashTable *sides[2] = { twin, frr };
      for (guint s = 0; s < 2; s++)
        {
          GHashTableIter it;
          gpointer key;
          g_hash_table_iter_init (&it, sides[s]);
          while (g_hash_table_iter_next (&it, &key, NULL))
            if (g_str_has_prefix (key, head))
              {
                const char *pfx = (const char *) key + strlen (head);
                if (!g_ptr_array_find_with_equal_func (prefixes, pfx, g_str_equal, NULL))
                  g_ptr_array_add (prefixes, g_strdup (pfx));
              }
        }
      g_ptr_array_sort (prefixes, compare_prefix_text);
      for (guint k = 0; k < prefixes->len; k++)
        {
          g_autofree char *key = route_key (n->id, prefixes->pdata[k]);
          JsonNode *tr = g_hash_table_lookup (twin, key), *fr = g_hash_table_lookup (frr, key);
          RwLabDifference *d;
          check->best_total++;
          if (tr && fr && routes_agree (tr, fr))
            {
              check->best_agree++;
              continue;
            }
          d = g_new0 (RwLabDifference, 1);
          d->kind = RW_LAB_DIFF_ROUTE;
          d->node = g_strdup (n->id);
          d->prefix = g_strdup (prefixes->pdata[k]);
          d->twin = tr ? json_node_copy (tr) : NULL;
          d->frr = fr ? json_node_copy (fr) : NULL;
          g_ptr_array_add (check->differences, d);
        }
    }
}

/* ---- forwarding ---- */

typedef struct {
  GPtrArray *path;   /* node ids */
  const char *status;
  char *reason;
} Walk;

static JsonNode *
walk_to_json (const Walk *w)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_begin_array (b);
  for (guint i = 0; i < w->path->len; i++)
    json_builder_add_string_value (b, w->path->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, w->status);
  if (w->reason)
    {
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, w->reason);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* One hop: where the kernel of @node sends @addr, from `ip -j route get` (@out, @err, @status).
 * Returns the next node, or NULL when the walk ends here (*@result and *@reason set). */
static char *
parse_route_get (const char *node, const char *addr_text, guint32 addr, GHashTable *addresses, const char *out,
                 char *err, int status, const char **result, char **reason, GError **error)
{
  g_autoptr(JsonParser) p = json_parser_new ();
  JsonObject *r;
  const char *gw, *type, *owner;
  guint32 gw_addr = 0;

  if (status != 0)
    {
      g_strstrip (err);
      /* the kernel refuses a lookup that ends on a blackhole route with EINVAL: the originator's
       * static route for its prefix, i.e. the traffic has arrived */
      if (strstr (err, "Invalid argument") != NULL)
        *result = "ok";
      else
        {
          *result = "blackhole";
          *reason = g_strdup_printf ("%s: ip route get %s: %s", node, addr_text, err);
        }
      return NULL;
    }
  if (!json_parser_load_from_data (p, out, -1, NULL) || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (p)) ||
      json_array_get_length (json_node_get_array (json_parser_get_root (p))) == 0 ||
      (r = json_array_get_object_element (json_node_get_array (json_parser_get_root (p)), 0)) == NULL)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: ip -j route get %s: not JSON", node, addr_text);
      return NULL;
    }
  type = json_object_get_string_member_with_default (r, "type", "unicast");
  gw = json_object_get_string_member_with_default (r, "gateway", NULL);
  if (strcmp (type, "local") == 0)
    {
      *result = "ok";
      return NULL;
    }
  if (strcmp (type, "unicast") != 0)
    {
      *result = "blackhole";
      *reason = g_strdup_printf ("%s: %s route to %s", node, type, addr_text);
      return NULL;
    }
  if (gw == NULL)
    gw_addr = addr; /* on a connected subnet: the owner of the address itself */
  else if (!rw_ipv4_parse (gw, &gw_addr))
    gw_addr = 0;
  owner = gw_addr ? g_hash_table_lookup (addresses, GUINT_TO_POINTER (gw_addr)) : NULL;
  if (owner == NULL)
    {
      *result = "blackhole";
      *reason = g_strdup_printf ("%s: next hop %s for %s is no node's address", node, gw ? gw : addr_text, addr_text);
      return NULL;
    }
  if (strcmp (owner, node) == 0)
    {
      *result = "ok";
      return NULL;
    }
  return g_strdup (owner);
}

/* One answered lookup, shared by the demands that ask the same node for the same address. */
typedef struct {
  char *next;          /* NULL: the walk ends there */
  const char *result;  /* then: "ok" or "blackhole" */
  char *reason;
} Hop;

static void
hop_free (Hop *h)
{
  g_free (h->next);
  g_free (h->reason);
  g_free (h);
}

static guint32
demand_address (const RwDemand *d)
{
  return d->dst.len >= 31 ? d->dst.addr : d->dst.addr + 1;
}

/* Walks every demand of @t hop by hop through the kernels, all demands a hop at a time, each
 * distinct lookup once, several at once. @walks gets a Walk per demand. */
static gboolean
walk_demands (const RwLab *lab, const RwTopology *t, GHashTable *addresses, Walk *walks, GError **error)
{
  g_autofree char *ipt = _rw_lab_find_tool ("ip");
  g_autoptr(GHashTable) hops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) hop_free);
  g_autofree gboolean *done = g_new0 (gboolean, t->demands->len + 1);

  for (guint i = 0; i < t->demands->len; i++)
    {
      walks[i].path = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (walks[i].path, g_strdup (((RwDemand *) t->demands->pdata[i])->src));
    }
  for (guint hop = 0; hop <= MAX_HOPS; hop++)
    {
      g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_job_free);
      g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GHashTable) asked = g_hash_table_new (g_str_hash, g_str_equal);
      gboolean pending = FALSE;
      /* the lookups this hop needs that nobody asked yet */
      for (guint i = 0; i < t->demands->len; i++)
        {
          const RwDemand *d = t->demands->pdata[i];
          const char *cur = walks[i].path->pdata[walks[i].path->len - 1];
          g_autofree char *addr_text = rw_ipv4_to_string (demand_address (d));
          g_autofree char *key = g_strdup_printf ("%s\n%s", cur, addr_text);
          const RwLabNode *n;
          if (done[i])
            continue;
          pending = TRUE;
          if (hop == MAX_HOPS)
            {
              walks[i].status = "loop";
              walks[i].reason = g_strdup_printf ("more than %d hops to %s", MAX_HOPS, addr_text);
              done[i] = TRUE;
              continue;
            }
          if (g_hash_table_contains (hops, key) || g_hash_table_contains (asked, key))
            continue;
          if ((n = rw_lab_find_node (lab, cur)) == NULL)
            {
              Hop *h = g_new0 (Hop, 1);
              h->result = "blackhole";
              h->reason = g_strdup_printf ("%s is not a node of the lab", cur);
              g_hash_table_insert (hops, g_steal_pointer (&key), h);
              continue;
            }
          {
            char **argv = g_new0 (char *, 8);
            argv[0] = g_strdup (ipt);
            argv[1] = g_strdup ("-n");
            argv[2] = g_strdup (n->netns);
            argv[3] = g_strdup ("-j");
            argv[4] = g_strdup ("route");
            argv[5] = g_strdup ("get");
            argv[6] = g_strdup (addr_text);
            g_ptr_array_add (jobs, _rw_lab_job_new (argv, NULL));
          }
          g_hash_table_add (asked, key);
          g_ptr_array_add (keys, g_steal_pointer (&key));
        }
      if (!pending)
        break;
      if (jobs->len > 0 && !_rw_lab_run_jobs (jobs, 4, ROUTE_GET_MS, error))
        return FALSE;
      for (guint j = 0; j < jobs->len; j++)
        {
          RwLabJob *job = jobs->pdata[j];
          const char *key = keys->pdata[j];
          const char *nl = strchr (key, '\n');
          g_autofree char *node = g_strndup (key, nl - key);
          guint32 addr = 0;
          Hop *h = g_new0 (Hop, 1);
          rw_ipv4_parse (nl + 1, &addr);
          h->next = parse_route_get (node, nl + 1, addr, addresses, job->out ? job->out : "",
                                     job->err ? job->err : (char *) "", job->status, &h->result, &h->reason, error);
          if (h->next == NULL && h->result == NULL)
            {
              hop_free (h);
              return FALSE;
            }
          g_hash_table_insert (hops, g_strdup (key), h);
        }
      for (guint i = 0; i < t->demands->len; i++)
        {
          const RwDemand *d = t->demands->pdata[i];
          const char *cur = walks[i].path->pdata[walks[i].path->len - 1];
          g_autofree char *addr_text = rw_ipv4_to_string (demand_address (d));
          g_autofree char *key = g_strdup_printf ("%s\n%s", cur, addr_text);
          const Hop *h;
          if (done[i])
            continue;
          h = g_hash_table_lookup (hops, key);
          if (h->next == NULL)
            {
              walks[i].status = h->result;
              walks[i].reason = g_strdup (h->reason);
              done[i] = TRUE;
            }
          else if (g_ptr_array_find_with_equal_func (walks[i].path, h->next, g_str_equal, NULL))
            {
              g_ptr_array_add (walks[i].path, g_strdup (h->next));
              walks[i].status = "loop";
              walks[i].reason = g_strdup_printf ("forwarding loop for %s: %s is visited twice", addr_text, h->next);
              done[i] = TRUE;
            }
          else
            g_ptr_array_add (walks[i].path, g_strdup (h->next));
        }
    }
  return TRUE;
}

static gboolean
same_walk (JsonNode *twin, JsonNode *frr)
{
  JsonObject *t = json_node_get_object (twin), *f = json_node_get_object (frr);
  JsonArray *tp = json_object_get_array_member (t, "path"), *fp = json_object_get_array_member (f, "path");
  if (g_strcmp0 (json_object_get_string_member_with_default (t, "status", ""),
                 json_object_get_string_member_with_default (f, "status", "")) != 0 ||
      json_array_get_length (tp) != json_array_get_length (fp))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (tp); i++)
    if (g_strcmp0 (json_array_get_string_element (tp, i), json_array_get_string_element (fp, i)) != 0)
      return FALSE;
  return TRUE;
}

/* The twin's forwarding (@sim's demands) against the kernels' (@walks, per demand of @t). */
static void
compare_forwarding (RwLabCheck *check, const RwTopology *t, JsonNode *sim, Walk *walks)
{
  JsonArray *demands = json_object_get_array_member (json_node_get_object (sim), "demands");
  for (guint i = 0; i < json_array_get_length (demands); i++)
    {
      JsonNode *tn = json_array_get_element (demands, i);
      JsonObject *to = json_node_get_object (tn);
      const char *id = json_object_get_string_member (to, "id");
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) twin = NULL;
      g_autoptr(JsonNode) frr = NULL;
      const RwDemand *d = NULL;
      guint k;
      RwLabDifference *diff;

      for (k = 0; k < t->demands->len; k++)
        if (g_strcmp0 (((RwDemand *) t->demands->pdata[k])->id, id) == 0)
          {
            d = t->demands->pdata[k];
            break;
          }
      if (d == NULL)
        continue;
      frr = walk_to_json (&walks[k]);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_value (b, json_node_copy (json_object_get_member (to, "path")));
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, json_object_get_string_member (to, "status"));
      json_builder_end_object (b);
      twin = json_builder_get_root (b);

      check->fwd_total++;
      if (same_walk (twin, frr))
        {
          check->fwd_agree++;
          continue;
        }
      diff = g_new0 (RwLabDifference, 1);
      diff->kind = RW_LAB_DIFF_FORWARDING;
      diff->node = g_strdup (d->src);
      diff->prefix = rw_prefix_to_string (&d->dst);
      diff->demand = g_strdup (d->id);
      diff->twin = g_steal_pointer (&twin);
      diff->frr = g_steal_pointer (&frr);
      g_ptr_array_add (check->differences, diff);
    }
}

/* ---- the report ---- */

GHashTable *
rw_lab_read_best_routes (const RwLab *lab, const RwTopology *topo, gboolean ours_only, GError **error)
{
  g_autoptr(RwTopology) planned = NULL;
  g_autoptr(GHashTable) addresses = NULL;
  g_autoptr(GHashTable) best = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  g_autoptr(GHashTable) only = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GPtrArray) nodes = NULL;

  /* the addresses as the lab runs them */
  if ((planned = rw_lab_load_topology (lab, error)) == NULL)
    return NULL;
  addresses = rw_lab_address_map (planned);
  if (ours_only)
    {
      /* what an operator reads: the routers of ours */
      only = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < topo->nodes->len; i++)
        if (((RwNode *) topo->nodes->pdata[i])->kind == RW_NODE_ROUTER)
          g_hash_table_add (only, ((RwNode *) topo->nodes->pdata[i])->id);
    }
  /* a few vtysh at a time */
  if ((texts = _rw_lab_vtysh_some (lab, "bgpd", "show bgp ipv4 unicast json", only, &nodes, error)) == NULL)
    return NULL;
  for (guint i = 0; i < texts->len; i++)
    {
      const RwLabNode *ln = nodes->pdata[i];
      if (rw_topology_find_node (topo, ln->name) != NULL &&
          !read_frr_routes (ln->name, texts->pdata[i], addresses, best, error))
        return NULL;
    }
  return g_steal_pointer (&best);
}

RwLabCheck *
rw_lab_check_twin (const RwLab *lab, const RwTwin *twin, gboolean ours_only, GHashTable *frr_best, GError **error)
{
  const RwTopology *topo = twin->topo;
  g_autoptr(RwTopology) planned = NULL;
  g_autoptr(JsonNode) sim = NULL;
  g_autoptr(GHashTable) addresses = NULL;
  g_autoptr(GHashTable) twin_best = NULL;
  g_autoptr(RwLabCheck) check = g_new0 (RwLabCheck, 1);
  Walk *walks;
  gboolean walked;

  check->lab = g_strdup (lab->name);
  check->differences = g_ptr_array_new_with_free_func ((GDestroyNotify) difference_free);
  check->paths = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  if ((planned = rw_lab_load_topology (lab, error)) == NULL)
    return NULL;
  addresses = rw_lab_address_map (planned);
  if (frr_best)
    check->frr_best = g_hash_table_ref (frr_best);
  else if ((check->frr_best = rw_lab_read_best_routes (lab, topo, ours_only, error)) == NULL)
    return NULL;
  sim = rw_twin_simulation_to_json (twin);
  twin_best = twin_best_routes (sim);
  if (ours_only)
    {
      GHashTableIter it;
      gpointer key;
      g_hash_table_iter_init (&it, twin_best);
      while (g_hash_table_iter_next (&it, &key, NULL))
        {
          g_autofree char *node = g_strndup (key, strcspn (key, "\n"));
          const RwNode *n = rw_topology_find_node (topo, node);
          if (n == NULL || n->kind != RW_NODE_ROUTER)
            g_hash_table_iter_remove (&it);
        }
    }
  compare_routes (check, topo, twin_best, check->frr_best, ours_only);
  walks = g_new0 (Walk, topo->demands->len + 1);
  walked = walk_demands (lab, topo, addresses, walks, error);
  if (walked)
    compare_forwarding (check, topo, sim, walks);
  for (guint i = 0; i < topo->demands->len; i++)
    {
      if (walked && g_strcmp0 (walks[i].status, "ok") == 0)
        g_ptr_array_add (check->paths, g_steal_pointer (&walks[i].path));
      else
        g_ptr_array_add (check->paths, NULL);
      g_clear_pointer (&walks[i].path, g_ptr_array_unref);
      g_free (walks[i].reason);
    }
  g_free (walks);
  if (!walked)
    return NULL;
  return g_steal_pointer (&check);
}

RwLabCheck *
rw_lab_check (const RwLab *lab, GError **error)
{
  g_autoptr(RwTopology) topo = NULL;
  g_autoptr(RwTwin) twin = NULL;
  if ((topo = rw_lab_load_topology (lab, error)) == NULL)
    return NULL;
  twin = rw_twin_new (g_steal_pointer (&topo));
  return rw_lab_check_twin (lab, twin, FALSE, NULL, error);
}

JsonNode *
rw_lab_check_to_json (const RwLabCheck *check)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "lab");
  json_builder_add_string_value (b, check->lab);
  json_builder_set_member_name (b, "best_paths");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "agree");
  json_builder_add_int_value (b, check->best_agree);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, check->best_total);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "forwarding");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "agree");
  json_builder_add_int_value (b, check->fwd_agree);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, check->fwd_total);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "differences");
  json_builder_begin_array (b);
  for (guint i = 0; i < check->differences->len; i++)
    {
      const RwLabDifference *d = check->differences->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, d->kind == RW_LAB_DIFF_ROUTE ? "route" : "forwarding");
      json_builder_set_member_name (b, "node");
      json_builder_add_string_value (b, d->node);
      json_builder_set_member_name (b, "prefix");
      json_builder_add_string_value (b, d->prefix);
      if (d->demand)
        {
          json_builder_set_member_name (b, "demand");
          json_builder_add_string_value (b, d->demand);
        }
      json_builder_set_member_name (b, "twin");
      if (d->twin)
        json_builder_add_value (b, json_node_copy (d->twin));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "frr");
      if (d->frr)
        json_builder_add_value (b, json_node_copy (d->frr));
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
