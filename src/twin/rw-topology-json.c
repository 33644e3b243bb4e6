/* rw-topology-json.c — topology v1 JSON load/save (DESIGN.md section 10).
 * Every problem is reported as "FILE: JSON.PATH: what is wrong"; unknown keys are errors.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-topology.h"
#include "rw-file.h"
#include "rw-json-util.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

static gboolean
parse_prefix_match (const char *text, RwPrefixMatch *m)
{
  g_auto(GStrv) tok = g_strsplit_set (text, " \t", -1);
  guint n = 0;
  GPtrArray *words = g_ptr_array_new ();
  gboolean ok = TRUE;

  guint first = 0;

  for (guint i = 0; tok[i]; i++)
    if (*tok[i])
      g_ptr_array_add (words, tok[i]);
  n = words->len;
  memset (m, 0, sizeof *m);
  /* "deny P [ge N] [le N]": a prefix-list line that refuses what it accepts */
  if (n > 0 && g_strcmp0 (words->pdata[0], "deny") == 0)
    {
      m->deny = TRUE;
      first = 1;
    }
  if (n <= first || !rw_prefix_parse (words->pdata[first], &m->prefix))
    ok = FALSE;
  else
    {
      m->ge = m->le = m->prefix.len;
      for (guint i = first + 1; ok && i < n; i += 2)
        {
          guint64 v;
          if (i + 1 >= n || !g_ascii_string_to_unsigned (words->pdata[i + 1], 10, 0, 32, &v, NULL))
            ok = FALSE;
          else if (g_strcmp0 (words->pdata[i], "ge") == 0 && !m->has_ge && !m->has_le)
            {
              m->has_ge = TRUE;
              m->ge = (guint8) v;
              m->le = 32;
            }
          else if (g_strcmp0 (words->pdata[i], "le") == 0 && !m->has_le)
            {
              m->has_le = TRUE;
              m->le = (guint8) v;
            }
          else
            ok = FALSE;
        }
    }
  g_ptr_array_unref (words);
  return ok;
}

static char *
prefix_match_to_string (const RwPrefixMatch *m)
{
  g_autofree char *p = rw_prefix_to_string (&m->prefix);
  GString *s = g_string_new (m->deny ? "deny " : "");
  g_string_append (s, p);
  if (m->has_ge)
    g_string_append_printf (s, " ge %u", m->ge);
  if (m->has_le)
    g_string_append_printf (s, " le %u", m->le);
  return g_string_free (s, FALSE);
}

static gboolean
read_communities (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, GArray *out)
{
  JsonArray *arr = NULL;
  if (!rw_json_get_array (c, o, key, path, FALSE, &arr))
    return FALSE;
  if (arr == NULL)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      guint32 v;
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING ||
          !rw_community_parse (json_node_get_string (n), &v))
        return rw_json_fail (c, "%s.%s[%u]: expected a community \"ASN:VALUE\", \"no-export\" or \"no-advertise\"", path, key, i);
      g_array_append_val (out, v);
    }
  return TRUE;
}

static gboolean
read_node (RwJsonCtx *c, JsonObject *o, const char *path, RwTopology *t)
{
  static const char *keys[] = { "id", "kind", "role", "asn", "router_id", "loopback", "hostname", "label", "x", "y", NULL };
  g_autofree char *id = NULL, *kind = NULL, *role = NULL, *rid = NULL, *hostname = NULL, *label = NULL, *lo = NULL;
  guint32 loopback = 0;
  guint64 asn;
  double x = 0, y = 0;
  RwNodeKind k;
  RwNodeRole r;
  guint32 router_id;
  RwNode *n;

  if (!rw_json_check_keys (c, o, path, keys) ||
      !rw_json_get_string (c, o, "id", path, TRUE, &id) ||
      !rw_json_get_string (c, o, "kind", path, TRUE, &kind) ||
      !rw_json_get_string (c, o, "role", path, TRUE, &role) ||
      !rw_json_get_uint (c, o, "asn", path, TRUE, 1, G_MAXUINT32, 0, &asn) ||
      !rw_json_get_string (c, o, "router_id", path, TRUE, &rid) ||
      !rw_json_get_string (c, o, "loopback", path, FALSE, &lo) ||
      !rw_json_get_string (c, o, "hostname", path, FALSE, &hostname) ||
      !rw_json_get_string (c, o, "label", path, FALSE, &label) ||
      !rw_json_get_double (c, o, "x", path, FALSE, 0, &x) ||
      !rw_json_get_double (c, o, "y", path, FALSE, 0, &y))
    return FALSE;
  if (!rw_node_kind_parse (kind, &k))
    return rw_json_fail (c, "%s.kind: '%s' is not 'router' or 'external'", path, kind);
  if (!rw_node_role_parse (role, &r))
    return rw_json_fail (c, "%s.role: '%s' is not one of edge, reflector, spine, core, isp, internet", path, role);
  if (!rw_ipv4_parse (rid, &router_id))
    return rw_json_fail (c, "%s.router_id: '%s' is not a dotted-quad address", path, rid);
  if (lo != NULL && (!rw_ipv4_parse (lo, &loopback) || loopback == 0))
    return rw_json_fail (c, "%s.loopback: '%s' is not a dotted-quad address", path, lo);
  n = rw_node_new (id, k, r, (guint32) asn, router_id);
  n->loopback = loopback;
  n->hostname = g_steal_pointer (&hostname);
  n->label = g_steal_pointer (&label);
  n->x = x;
  n->y = y;
  g_ptr_array_add (t->nodes, n);
  return TRUE;
}

static gboolean
read_link (RwJsonCtx *c, JsonObject *o, const char *path, RwTopology *t)
{
  static const char *keys[] = { "id", "a", "b", "capacity_mbps", "latency_ms", "igp_cost", "loss_pct", "up", "ends",
                                "cost_per_gb", "monthly_commit", NULL };
  static const char *end_keys[] = { "interface", "address", NULL };
  g_autofree char *id = NULL, *a = NULL, *b = NULL;
  double cap, lat, loss = 0, price = 0, commit = 0;
  guint64 cost;
  gboolean up = TRUE;
  JsonObject *ends = NULL;
  g_autoptr(RwLink) l = NULL;

  if (!rw_json_check_keys (c, o, path, keys) ||
      !rw_json_get_string (c, o, "id", path, TRUE, &id) ||
      !rw_json_get_string (c, o, "a", path, TRUE, &a) ||
      !rw_json_get_string (c, o, "b", path, TRUE, &b) ||
      !rw_json_get_double (c, o, "capacity_mbps", path, TRUE, 0, &cap) ||
      !rw_json_get_double (c, o, "latency_ms", path, TRUE, 0, &lat) ||
      !rw_json_get_uint (c, o, "igp_cost", path, FALSE, 1, 16777215, 10, &cost) ||
      !rw_json_get_double (c, o, "loss_pct", path, FALSE, 0, &loss) ||
      !rw_json_get_bool (c, o, "up", path, TRUE, &up) ||
      !rw_json_get_object (c, o, "ends", path, FALSE, &ends) ||
      !rw_json_get_double (c, o, "cost_per_gb", path, FALSE, 0, &price) ||
      !rw_json_get_double (c, o, "monthly_commit", path, FALSE, 0, &commit))
    return FALSE;
  if (json_object_has_member (o, "monthly_commit") && !json_object_has_member (o, "cost_per_gb"))
    return rw_json_fail (c, "%s.monthly_commit: a commit needs a price (cost_per_gb) on the same link", path);
  l = rw_link_new (id, a, b, cap, lat);
  l->has_cost = json_object_has_member (o, "cost_per_gb");
  l->cost_per_gb = price;
  l->monthly_commit = commit;
  l->igp_cost = (guint) cost;
  l->loss_pct = loss;
  l->up = up;
  if (ends != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (ends);
      for (GList *m = members; m; m = m->next)
        {
          const char *node = m->data;
          g_autofree char *epath = g_strdup_printf ("%s.ends.%s", path, node);
          g_autofree char *addr = NULL;
          JsonNode *en = json_object_get_member (ends, node);
          RwLinkEnd *end = rw_link_end_for (l, node);
          if (end == NULL)
            return rw_json_fail (c, "%s: '%s' is not an end of this link (%s, %s)", epath, node, a, b);
          if (!JSON_NODE_HOLDS_OBJECT (en))
            return rw_json_fail (c, "%s: expected an object", epath);
          if (!rw_json_check_keys (c, json_node_get_object (en), epath, end_keys) ||
              !rw_json_get_string (c, json_node_get_object (en), "interface", epath, FALSE, &end->ifname) ||
              !rw_json_get_string (c, json_node_get_object (en), "address", epath, FALSE, &addr))
            return FALSE;
          if (addr != NULL && !rw_interface_address_parse (addr, &end->addr, &end->plen))
            return rw_json_fail (c, "%s.address: '%s' is not an interface address like 10.0.0.1/31", epath, addr);
        }
    }
  g_ptr_array_add (t->links, g_steal_pointer (&l));
  return TRUE;
}

static gboolean
read_session (RwJsonCtx *c, JsonObject *o, const char *path, RwTopology *t)
{
  static const char *keys[] = { "a", "b", "up", "ends", NULL };
  static const char *end_keys[] = { "import", "export", "weight", "rr_client", NULL };
  g_autofree char *a = NULL, *b = NULL;
  gboolean up = TRUE;
  JsonObject *ends = NULL;
  g_autoptr(RwSession) s = NULL;

  if (!rw_json_check_keys (c, o, path, keys) ||
      !rw_json_get_string (c, o, "a", path, TRUE, &a) ||
      !rw_json_get_string (c, o, "b", path, TRUE, &b) ||
      !rw_json_get_bool (c, o, "up", path, TRUE, &up) ||
      !rw_json_get_object (c, o, "ends", path, FALSE, &ends))
    return FALSE;
  s = rw_session_new (a, b);
  s->up = up;
  if (ends != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (ends);
      for (GList *m = members; m; m = m->next)
        {
          const char *node = m->data;
          g_autofree char *epath = g_strdup_printf ("%s.ends.%s", path, node);
          JsonNode *en = json_object_get_member (ends, node);
          RwSessionEnd *end = rw_session_end_for (s, node);
          JsonObject *eo;
          gint64 weight = 0;
          if (end == NULL)
            return rw_json_fail (c, "%s: '%s' is not an end of this session (%s, %s)", epath, node, a, b);
          if (!JSON_NODE_HOLDS_OBJECT (en))
            return rw_json_fail (c, "%s: expected an object", epath);
          eo = json_node_get_object (en);
          if (!rw_json_check_keys (c, eo, epath, end_keys) ||
              !rw_json_get_string (c, eo, "import", epath, FALSE, &end->import) ||
              !rw_json_get_string (c, eo, "export", epath, FALSE, &end->export) ||
              !rw_json_get_int (c, eo, "weight", epath, FALSE, 0, 65535, 0, &weight) ||
              !rw_json_get_bool (c, eo, "rr_client", epath, FALSE, &end->rr_client))
            return FALSE;
          end->weight = (gint32) weight;
        }
    }
  g_ptr_array_add (t->sessions, g_steal_pointer (&s));
  return TRUE;
}

static gboolean
read_entry (RwJsonCtx *c, JsonObject *o, const char *path, RwPolicy *p)
{
  static const char *keys[] = { "seq", "action", "match", "set", "continue", NULL };
  static const char *match_keys[] = { "prefixes", "community", "neighbor_as", "as_path_contains", NULL };
  static const char *set_keys[] = { "local_pref", "med", "weight", "prepend", "community_add", "community_remove", NULL };
  g_autofree char *action = NULL;
  guint64 seq, v;
  JsonObject *match = NULL, *set = NULL;
  g_autoptr(RwPolicyEntry) e = NULL;
  gboolean cont = FALSE;

  if (!rw_json_check_keys (c, o, path, keys) ||
      !rw_json_get_uint (c, o, "seq", path, TRUE, 0, 65535, 0, &seq) ||
      !rw_json_get_string (c, o, "action", path, TRUE, &action) ||
      !rw_json_get_object (c, o, "match", path, FALSE, &match) ||
      !rw_json_get_object (c, o, "set", path, FALSE, &set) ||
      !rw_json_get_bool (c, o, "continue", path, FALSE, &cont))
    return FALSE;
  if (g_strcmp0 (action, "permit") != 0 && g_strcmp0 (action, "deny") != 0)
    return rw_json_fail (c, "%s.action: '%s' is not 'permit' or 'deny'", path, action);
  e = rw_policy_entry_new ((guint) seq, g_strcmp0 (action, "permit") == 0);
  e->cont = cont;
  if (match != NULL)
    {
      g_autofree char *mpath = g_strdup_printf ("%s.match", path);
      JsonArray *prefixes = NULL;
      g_autofree char *community = NULL;
      if (!rw_json_check_keys (c, match, mpath, match_keys) ||
          !rw_json_get_array (c, match, "prefixes", mpath, FALSE, &prefixes) ||
          !rw_json_get_string (c, match, "community", mpath, FALSE, &community))
        return FALSE;
      if (prefixes != NULL)
        {
          e->match_prefixes = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
          for (guint i = 0; i < json_array_get_length (prefixes); i++)
            {
              JsonNode *n = json_array_get_element (prefixes, i);
              RwPrefixMatch m;
              if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING ||
                  !parse_prefix_match (json_node_get_string (n), &m))
                return rw_json_fail (c, "%s.prefixes[%u]: expected \"A.B.C.D/LEN [ge N] [le M]\"", mpath, i);
              if (m.ge < m.prefix.len || m.le < m.ge)
                return rw_json_fail (c, "%s.prefixes[%u]: need len <= ge <= le <= 32", mpath, i);
              g_array_append_val (e->match_prefixes, m);
            }
        }
      if (community != NULL)
        {
          if (!rw_community_parse (community, &e->match_community))
            return rw_json_fail (c, "%s.community: '%s' is not a community", mpath, community);
          e->has_match_community = TRUE;
        }
      if (json_object_has_member (match, "neighbor_as"))
        {
          if (!rw_json_get_uint (c, match, "neighbor_as", mpath, TRUE, 0, G_MAXUINT32, 0, &v))
            return FALSE;
          e->has_match_neighbor_as = TRUE;
          e->match_neighbor_as = (guint32) v;
        }
      if (json_object_has_member (match, "as_path_contains"))
        {
          if (!rw_json_get_uint (c, match, "as_path_contains", mpath, TRUE, 1, G_MAXUINT32, 0, &v))
            return FALSE;
          e->has_match_as_path_contains = TRUE;
          e->match_as_path_contains = (guint32) v;
        }
    }
  if (set != NULL)
    {
      g_autofree char *spath = g_strdup_printf ("%s.set", path);
      gint64 w;
      if (!rw_json_check_keys (c, set, spath, set_keys))
        return FALSE;
      if (json_object_has_member (set, "local_pref"))
        {
          if (!rw_json_get_uint (c, set, "local_pref", spath, TRUE, 0, G_MAXINT32, 0, &v))
            return FALSE;
          e->has_set_local_pref = TRUE;
          e->set_local_pref = (guint32) v;
        }
      if (json_object_has_member (set, "med"))
        {
          if (!rw_json_get_uint (c, set, "med", spath, TRUE, 0, G_MAXUINT32, 0, &v))
            return FALSE;
          e->has_set_med = TRUE;
          e->set_med = (guint32) v;
        }
      if (json_object_has_member (set, "weight"))
        {
          if (!rw_json_get_int (c, set, "weight", spath, TRUE, 0, 65535, 0, &w))
            return FALSE;
          e->has_set_weight = TRUE;
          e->set_weight = (gint32) w;
        }
      if (!rw_json_get_uint (c, set, "prepend", spath, FALSE, 0, 32, 0, &v))
        return FALSE;
      e->set_prepend = (guint) v;
      if (!read_communities (c, set, "community_add", spath, e->community_add) ||
          !read_communities (c, set, "community_remove", spath, e->community_remove))
        return FALSE;
    }
  g_ptr_array_add (p->entries, g_steal_pointer (&e));
  return TRUE;
}

static gboolean
read_origination (RwJsonCtx *c, JsonObject *o, const char *path, RwTopology *t)
{
  static const char *keys[] = { "prefix", "origin_node", "origin", "med", "communities", NULL };
  g_autofree char *prefix = NULL, *node = NULL, *origin = NULL;
  g_autoptr(RwOrigination) r = NULL;
  RwPrefix p;

  if (!rw_json_check_keys (c, o, path, keys) ||
      !rw_json_get_string (c, o, "prefix", path, TRUE, &prefix) ||
      !rw_json_get_string (c, o, "origin_node", path, TRUE, &node) ||
      !rw_json_get_string (c, o, "origin", path, FALSE, &origin))
    return FALSE;
  if (!rw_prefix_parse (prefix, &p))
    return rw_json_fail (c, "%s.prefix: '%s' is not an IPv4 prefix A.B.C.D/LEN without host bits", path, prefix);
  r = rw_origination_new (&p, node);
  if (origin != NULL && !rw_origin_parse (origin, &r->origin))
    return rw_json_fail (c, "%s.origin: '%s' is not igp, egp or incomplete", path, origin);
  if (json_object_has_member (o, "med") && !json_node_is_null (json_object_get_member (o, "med")))
    {
      guint64 med;
      if (!rw_json_get_uint (c, o, "med", path, TRUE, 0, G_MAXUINT32, 0, &med))
        return FALSE;
      r->has_med = TRUE;
      r->med = (guint32) med;
    }
  if (json_object_has_member (o, "communities") &&
      !read_communities (c, o, "communities", path, rw_origination_communities_writable (r)))
    return FALSE;
  if (r->communities != NULL && r->communities->len == 0)
    g_clear_pointer (&r->communities, g_array_unref);
  g_ptr_array_add (t->prefixes, g_steal_pointer (&r));
  return TRUE;
}

static gboolean
read_demand (RwJsonCtx *c, JsonObject *o, const char *path, RwTopology *t)
{
  static const char *keys[] = { "id", "src", "dst", "mbps", "class", NULL };
  g_autofree char *id = NULL, *src = NULL, *dst = NULL, *klass = NULL;
  double mbps;
  RwPrefix p;

  if (!rw_json_check_keys (c, o, path, keys) ||
      !rw_json_get_string (c, o, "id", path, TRUE, &id) ||
      !rw_json_get_string (c, o, "src", path, TRUE, &src) ||
      !rw_json_get_string (c, o, "dst", path, TRUE, &dst) ||
      !rw_json_get_double (c, o, "mbps", path, TRUE, 0, &mbps) ||
      !rw_json_get_string (c, o, "class", path, TRUE, &klass))
    return FALSE;
  if (!rw_prefix_parse (dst, &p))
    return rw_json_fail (c, "%s.dst: '%s' is not an IPv4 prefix A.B.C.D/LEN without host bits", path, dst);
  g_ptr_array_add (t->demands, rw_demand_new (id, src, &p, mbps, klass));
  return TRUE;
}

typedef gboolean (*ReadItemFunc) (RwJsonCtx *c, JsonObject *o, const char *path, RwTopology *t);

static gboolean
read_list (RwJsonCtx *c, JsonObject *root, const char *key, gboolean required, ReadItemFunc fn, RwTopology *t)
{
  JsonArray *arr = NULL;
  if (!rw_json_get_array (c, root, key, NULL, required, &arr))
    return FALSE;
  if (arr == NULL)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      g_autofree char *path = g_strdup_printf ("%s[%u]", key, i);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        return rw_json_fail (c, "%s: expected an object", path);
      if (!fn (c, json_node_get_object (n), path, t))
        return FALSE;
    }
  return TRUE;
}

RwTopology *
rw_topology_from_json_node (JsonNode *root, const char *source_name, GError **error)
{
  static const char *keys[] = { "format", "version", "name", "options", "nodes", "links", "sessions",
                                "policies", "prefixes", "demands", "sla_classes", "import_warnings", NULL };
  RwJsonCtx ctx = { source_name ? source_name : "<topology>", error };
  RwJsonCtx *c = &ctx;
  g_autoptr(RwTopology) t = NULL;
  g_autofree char *format = NULL, *name = NULL, *bad = NULL;
  guint64 version;
  JsonObject *o, *options = NULL, *policies = NULL, *sla = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      rw_json_fail (c, "$: expected a JSON object");
      return NULL;
    }
  /* GRegex (incident intake matches node labels) refuses what is not UTF-8; text from a file
   * was checked already, a tree built in memory was not */
  if ((bad = rw_json_find_invalid_utf8 (root, "")) != NULL)
    {
      rw_json_fail (c, "%s: not valid UTF-8 (an unpaired \\u surrogate?)", bad);
      return NULL;
    }
  o = json_node_get_object (root);
  if (!rw_json_check_keys (c, o, NULL, keys) ||
      !rw_json_get_string (c, o, "format", NULL, TRUE, &format))
    return NULL;
  if (g_strcmp0 (format, "routewise-topology") != 0)
    {
      rw_json_fail (c, "format: '%s' is not 'routewise-topology'", format);
      return NULL;
    }
  if (!rw_json_get_uint (c, o, "version", NULL, TRUE, 0, G_MAXINT, 0, &version))
    return NULL;
  if (version != 1)
    {
      rw_json_fail (c, "version: %" G_GUINT64_FORMAT " is not supported (this Routewise reads version 1)", version);
      return NULL;
    }
  if (!rw_json_get_string (c, o, "name", NULL, FALSE, &name))
    return NULL;
  t = rw_topology_new (name ? name : "Untitled network");
  if (!rw_json_get_object (c, o, "options", NULL, FALSE, &options))
    return NULL;
  if (options != NULL)
    {
      static const char *okeys[] = { "always_compare_med", NULL };
      if (!rw_json_check_keys (c, options, "options", okeys) ||
          !rw_json_get_bool (c, options, "always_compare_med", "options", FALSE, &t->always_compare_med))
        return NULL;
    }
  if (!read_list (c, o, "nodes", TRUE, read_node, t) ||
      !read_list (c, o, "links", FALSE, read_link, t) ||
      !read_list (c, o, "sessions", FALSE, read_session, t) ||
      !rw_json_get_object (c, o, "policies", NULL, FALSE, &policies))
    return NULL;
  if (policies != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (policies);
      for (GList *m = members; m; m = m->next)
        {
          const char *pname = m->data;
          JsonNode *pn = json_object_get_member (policies, pname);
          g_autofree char *ppath = g_strdup_printf ("policies.%s", pname);
          RwPolicy *p = rw_policy_new (pname);
          g_ptr_array_add (t->policies, p);
          if (!JSON_NODE_HOLDS_ARRAY (pn))
            {
              rw_json_fail (c, "%s: expected an array of entries", ppath);
              return NULL;
            }
          for (guint i = 0; i < json_array_get_length (json_node_get_array (pn)); i++)
            {
              JsonNode *en = json_array_get_element (json_node_get_array (pn), i);
              g_autofree char *epath = g_strdup_printf ("%s[%u]", ppath, i);
              if (!JSON_NODE_HOLDS_OBJECT (en))
                {
                  rw_json_fail (c, "%s: expected an object", epath);
                  return NULL;
                }
              if (!read_entry (c, json_node_get_object (en), epath, p))
                return NULL;
              for (guint k = 0; k + 1 < p->entries->len; k++)
                if (((RwPolicyEntry *) p->entries->pdata[k])->seq == ((RwPolicyEntry *) p->entries->pdata[i])->seq)
                  {
                    rw_json_fail (c, "%s.seq: sequence number %u is used twice", epath,
                                  ((RwPolicyEntry *) p->entries->pdata[i])->seq);
                    return NULL;
                  }
            }
          rw_policy_sort (p);
        }
    }
  if (!read_list (c, o, "prefixes", FALSE, read_origination, t) ||
      !rw_json_get_object (c, o, "sla_classes", NULL, FALSE, &sla))
    return NULL;
  if (sla != NULL)
    {
      static const char *skeys[] = { "latency_ms", "loss_pct", NULL };
      g_autoptr(GList) members = json_object_get_members (sla);
      for (GList *m = members; m; m = m->next)
        {
          JsonNode *sn = json_object_get_member (sla, m->data);
          g_autofree char *spath = g_strdup_printf ("sla_classes.%s", (char *) m->data);
          double lat, loss;
          if (!JSON_NODE_HOLDS_OBJECT (sn))
            {
              rw_json_fail (c, "%s: expected an object", spath);
              return NULL;
            }
          if (!rw_json_check_keys (c, json_node_get_object (sn), spath, skeys) ||
              !rw_json_get_double (c, json_node_get_object (sn), "latency_ms", spath, TRUE, 0, &lat) ||
              !rw_json_get_double (c, json_node_get_object (sn), "loss_pct", spath, TRUE, 0, &loss))
            return NULL;
          g_ptr_array_add (t->sla_classes, rw_sla_class_new (m->data, lat, loss));
        }
    }
  if (!read_list (c, o, "demands", FALSE, read_demand, t))
    return NULL;
  {
    JsonArray *warnings = NULL;
    if (!rw_json_get_array (c, o, "import_warnings", NULL, FALSE, &warnings))
      return NULL;
    for (guint i = 0; warnings && i < json_array_get_length (warnings); i++)
      {
        JsonNode *wn = json_array_get_element (warnings, i);
        if (!JSON_NODE_HOLDS_VALUE (wn) || json_node_get_value_type (wn) != G_TYPE_STRING)
          {
            rw_json_fail (c, "import_warnings[%u]: expected a string", i);
            return NULL;
          }
        g_ptr_array_add (t->import_warnings, g_strdup (json_node_get_string (wn)));
      }
  }

  {
    g_autoptr(GError) local = NULL;
    if (!rw_topology_validate (t, &local))
      {
        rw_json_fail (c, "%s", local->message);
        return NULL;
      }
  }
  return g_steal_pointer (&t);
}

RwTopology *
rw_topology_load_data (const char *data, gssize len, const char *source_name, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  const char *source = source_name ? source_name : "<topology>";
  g_autofree char *bad = NULL;
  gboolean not_json;

  /* before json-glib: it reads non-standard text, keeps the last of two equal keys and can
   * be crashed by deep nesting */
  if ((bad = rw_json_check_text (data, len, &not_json)) != NULL)
    {
      if (not_json)
        g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_PARSE, "%s: not valid JSON: %s", source, bad);
      else
        g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_INVALID, "%s: %s", source, bad);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local))
    {
      g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_PARSE, "%s: not valid JSON: %s", source, local->message);
      return NULL;
    }
  return rw_topology_from_json_node (json_parser_get_root (parser), source_name, error);
}

RwTopology *
rw_topology_load_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len;

  if (!rw_read_regular_file (path, RW_JSON_FILE_MAX_BYTES, &data, &len, error))
    return NULL;
  return rw_topology_load_data (data, (gssize) len, path, error);
}

/* ---- saving ---- */

static void
add_communities (JsonBuilder *b, const char *key, const GArray *arr)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; arr && i < arr->len; i++)
    {
      g_autofree char *s = rw_community_to_string (g_array_index (arr, guint32, i));
      json_builder_add_string_value (b, s);
    }
  json_builder_end_array (b);
}

static void
add_number (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  if (v == floor (v) && fabs (v) < 9e15)
    json_builder_add_int_value (b, (gint64) v);
  else
    json_builder_add_double_value (b, v);
}

static void
build_entry (JsonBuilder *b, const RwPolicyEntry *e)
{
  gboolean any_match = e->match_prefixes || e->has_match_community || e->has_match_neighbor_as || e->has_match_as_path_contains;
  gboolean any_set = e->has_set_local_pref || e->has_set_med || e->has_set_weight || e->set_prepend ||
                     e->community_add->len || e->community_remove->len;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, e->seq);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, e->permit ? "permit" : "deny");
  if (e->cont)
    {
      json_builder_set_member_name (b, "continue");
      json_builder_add_boolean_value (b, TRUE);
    }
  if (any_match)
    {
      json_builder_set_member_name (b, "match");
      json_builder_begin_object (b);
      if (e->match_prefixes)
        {
          json_builder_set_member_name (b, "prefixes");
          json_builder_begin_array (b);
          for (guint i = 0; i < e->match_prefixes->len; i++)
            {
              g_autofree char *s = prefix_match_to_string (&g_array_index (e->match_prefixes, RwPrefixMatch, i));
              json_builder_add_string_value (b, s);
            }
          json_builder_end_array (b);
        }
      if (e->has_match_community)
        {
          g_autofree char *s = rw_community_to_string (e->match_community);
          json_builder_set_member_name (b, "community");
          json_builder_add_string_value (b, s);
        }
      if (e->has_match_neighbor_as)
        {
          json_builder_set_member_name (b, "neighbor_as");
          json_builder_add_int_value (b, e->match_neighbor_as);
        }
      if (e->has_match_as_path_contains)
        {
          json_builder_set_member_name (b, "as_path_contains");
          json_builder_add_int_value (b, e->match_as_path_contains);
        }
      json_builder_end_object (b);
    }
  if (any_set)
    {
      json_builder_set_member_name (b, "set");
      json_builder_begin_object (b);
      if (e->has_set_local_pref)
        {
          json_builder_set_member_name (b, "local_pref");
          json_builder_add_int_value (b, e->set_local_pref);
        }
      if (e->has_set_med)
        {
          json_builder_set_member_name (b, "med");
          json_builder_add_int_value (b, e->set_med);
        }
      if (e->has_set_weight)
        {
          json_builder_set_member_name (b, "weight");
          json_builder_add_int_value (b, e->set_weight);
        }
      if (e->set_prepend)
        {
          json_builder_set_member_name (b, "prepend");
          json_builder_add_int_value (b, e->set_prepend);
        }
      if (e->community_add->len)
        add_communities (b, "community_add", e->community_add);
      if (e->community_remove->len)
        add_communities (b, "community_remove", e->community_remove);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static void
add_string_or_null (JsonBuilder *b, const char *key, const char *v)
{
  json_builder_set_member_name (b, key);
  if (v)
    json_builder_add_string_value (b, v);
  else
    json_builder_add_null_value (b);
}

JsonNode *
rw_topology_to_json_node (const RwTopology *t)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "routewise-topology");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, t->name);
  json_builder_set_member_name (b, "options");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "always_compare_med");
  json_builder_add_boolean_value (b, t->always_compare_med);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (guint i = 0; i < t->nodes->len; i++)
    {
      RwNode *n = t->nodes->pdata[i];
      g_autofree char *rid = rw_ipv4_to_string (n->router_id);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, n->id);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, rw_node_kind_to_string (n->kind));
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, rw_node_role_to_string (n->role));
      json_builder_set_member_name (b, "asn");
      json_builder_add_int_value (b, n->asn);
      json_builder_set_member_name (b, "router_id");
      json_builder_add_string_value (b, rid);
      if (n->loopback)
        {
          g_autofree char *lo = rw_ipv4_to_string (n->loopback);
          json_builder_set_member_name (b, "loopback");
          json_builder_add_string_value (b, lo);
        }
      if (n->hostname)
        {
          json_builder_set_member_name (b, "hostname");
          json_builder_add_string_value (b, n->hostname);
        }
      if (n->label)
        {
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, n->label);
        }
      add_number (b, "x", n->x);
      add_number (b, "y", n->y);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "links");
  json_builder_begin_array (b);
  for (guint i = 0; i < t->links->len; i++)
    {
      RwLink *l = t->links->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, l->id);
      json_builder_set_member_name (b, "a");
      json_builder_add_string_value (b, l->a);
      json_builder_set_member_name (b, "b");
      json_builder_add_string_value (b, l->b);
      add_number (b, "capacity_mbps", l->capacity_mbps);
      add_number (b, "latency_ms", l->latency_ms);
      json_builder_set_member_name (b, "igp_cost");
      json_builder_add_int_value (b, l->igp_cost);
      add_number (b, "loss_pct", l->loss_pct);
      json_builder_set_member_name (b, "up");
      json_builder_add_boolean_value (b, l->up);
      if (l->has_cost)
        {
          add_number (b, "cost_per_gb", l->cost_per_gb);
          if (l->monthly_commit > 0)
            add_number (b, "monthly_commit", l->monthly_commit);
        }
      if (l->ends[0].ifname || l->ends[0].addr || l->ends[1].ifname || l->ends[1].addr)
        {
          json_builder_set_member_name (b, "ends");
          json_builder_begin_object (b);
          for (guint e = 0; e < 2; e++)
            {
              const RwLinkEnd *end = &l->ends[e];
              if (!end->ifname && !end->addr)
                continue;
              json_builder_set_member_name (b, e == 0 ? l->a : l->b);
              json_builder_begin_object (b);
              if (end->ifname)
                {
                  json_builder_set_member_name (b, "interface");
                  json_builder_add_string_value (b, end->ifname);
                }
              if (end->addr)
                {
                  g_autofree char *ip = rw_ipv4_to_string (end->addr);
                  g_autofree char *text = g_strdup_printf ("%s/%u", ip, end->plen);
                  json_builder_set_member_name (b, "address");
                  json_builder_add_string_value (b, text);
                }
              json_builder_end_object (b);
            }
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "sessions");
  json_builder_begin_array (b);
  for (guint i = 0; i < t->sessions->len; i++)
    {
      RwSession *s = t->sessions->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "a");
      json_builder_add_string_value (b, s->a);
      json_builder_set_member_name (b, "b");
      json_builder_add_string_value (b, s->b);
      json_builder_set_member_name (b, "up");
      json_builder_add_boolean_value (b, s->up);
      json_builder_set_member_name (b, "ends");
      json_builder_begin_object (b);
      for (guint e = 0; e < 2; e++)
        {
          const RwSessionEnd *end = &s->ends[e];
          if (!end->import && !end->export && !end->weight && !end->rr_client)
            continue;
          json_builder_set_member_name (b, end->node);
          json_builder_begin_object (b);
          add_string_or_null (b, "import", end->import);
          add_string_or_null (b, "export", end->export);
          json_builder_set_member_name (b, "weight");
          json_builder_add_int_value (b, end->weight);
          if (end->rr_client)
            {
              json_builder_set_member_name (b, "rr_client");
              json_builder_add_boolean_value (b, TRUE);
            }
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "policies");
  json_builder_begin_object (b);
  for (guint i = 0; i < t->policies->len; i++)
    {
      RwPolicy *p = t->policies->pdata[i];
      json_builder_set_member_name (b, p->name);
      json_builder_begin_array (b);
      for (guint j = 0; j < p->entries->len; j++)
        build_entry (b, p->entries->pdata[j]);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "prefixes");
  json_builder_begin_array (b);
  for (guint i = 0; i < t->prefixes->len; i++)
    {
      RwOrigination *o = t->prefixes->pdata[i];
      g_autofree char *pfx = rw_prefix_to_string (&o->prefix);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "prefix");
      json_builder_add_string_value (b, pfx);
      json_builder_set_member_name (b, "origin_node");
      json_builder_add_string_value (b, o->origin_node);
      json_builder_set_member_name (b, "origin");
      json_builder_add_string_value (b, rw_origin_to_string (o->origin));
      json_builder_set_member_name (b, "med");
      if (o->has_med)
        json_builder_add_int_value (b, o->med);
      else
        json_builder_add_null_value (b);
      add_communities (b, "communities", o->communities);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "demands");
  json_builder_begin_array (b);
  for (guint i = 0; i < t->demands->len; i++)
    {
      RwDemand *d = t->demands->pdata[i];
      g_autofree char *dst = rw_prefix_to_string (&d->dst);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, d->id);
      json_builder_set_member_name (b, "src");
      json_builder_add_string_value (b, d->src);
      json_builder_set_member_name (b, "dst");
      json_builder_add_string_value (b, dst);
      add_number (b, "mbps", d->mbps);
      json_builder_set_member_name (b, "class");
      json_builder_add_string_value (b, d->sla_class);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "sla_classes");
  json_builder_begin_object (b);
  for (guint i = 0; i < t->sla_classes->len; i++)
    {
      RwSlaClass *c = t->sla_classes->pdata[i];
      json_builder_set_member_name (b, c->name);
      json_builder_begin_object (b);
      add_number (b, "latency_ms", c->latency_ms);
      add_number (b, "loss_pct", c->loss_pct);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  if (t->import_warnings->len > 0)
    {
      json_builder_set_member_name (b, "import_warnings");
      json_builder_begin_array (b);
      for (guint i = 0; i < t->import_warnings->len; i++)
        json_builder_add_string_value (b, t->import_warnings->pdata[i]);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
rw_topology_to_data (const RwTopology *t, gsize *len)
{
  g_autoptr(JsonNode) root = rw_topology_to_json_node (t);
  GString *s = g_string_new (NULL);
  g_autofree char *text = rw_json_to_string (root, TRUE);
  g_string_append (s, text);
  g_string_append_c (s, '\n');
  if (len)
    *len = s->len;
  return g_string_free (s, FALSE);
}

gboolean
rw_topology_save_file (const RwTopology *t, const char *path, GError **error)
{
  gsize len;
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;

  if (!rw_topology_validate (t, &local))
    {
      g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_INVALID, "%s: not saved: %s", path, local->message);
      return FALSE;
    }
  data = rw_topology_to_data (t, &len);
  if (!g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_IO, "%s: cannot save: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}
