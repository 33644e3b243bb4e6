/* rw-clab.c — Containerlab topology files: the subset Routewise reads, and the lab it writes.
 *
 * libyaml's event parser builds a small tree (mappings, sequences, scalars, each with its line)
 * that the reader walks; anchors and aliases are refused (a lab file has no use for them and
 * they are the classic YAML bomb).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-clab.h"
#include "rw-frr-private.h"
#include "rw-json-util.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <yaml.h>

#define CLAB_MAX_BYTES (16u << 20) /* a lab file is a few kB; refuse absurd input early */
#define CLAB_MAX_DEPTH 64
#define FRR_IMAGE "quay.io/frrouting/frr:8.4.1"

/* ------------------------------------------------------------------------------------------ */
/* A YAML tree */

typedef enum { Y_SCALAR, Y_MAP, Y_SEQ } YKind;

typedef struct YNode YNode;
struct YNode {
  YKind kind;
  guint line;
  char *value;        /* Y_SCALAR */
  GPtrArray *items;   /* Y_MAP: key, value, key, value…; Y_SEQ: values */
};

static void
ynode_free (YNode *n)
{
  if (n == NULL)
    return;
  g_free (n->value);
  if (n->items)
    g_ptr_array_unref (n->items);
  g_free (n);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YNode, ynode_free)

static YNode *
ynode_new (YKind kind, guint line)
{
  YNode *n = g_new0 (YNode, 1);
  n->kind = kind;
  n->line = line;
  if (kind != Y_SCALAR)
    n->items = g_ptr_array_new_with_free_func ((GDestroyNotify) ynode_free);
  return n;
}

typedef struct {
  yaml_parser_t parser;
  const char *file;
  GError **error;
} YCtx;

static gboolean
yfail (YCtx *y, guint line, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
yfail (YCtx *y, guint line, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (y->error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s:%u: %s", y->file, line, msg);
  return FALSE;
}

static YNode *yparse_node (YCtx *y, yaml_event_t *ev, guint depth);

/* Reads the children of a mapping or sequence until its end event. */
static gboolean
yparse_children (YCtx *y, YNode *n, yaml_event_type_t end, guint depth)
{
  for (;;)
    {
      yaml_event_t ev;
      YNode *child;
      if (!yaml_parser_parse (&y->parser, &ev))
        return yfail (y, (guint) y->parser.problem_mark.line + 1, "not valid YAML: %s",
                      y->parser.problem ? y->parser.problem : "syntax error");
      if (ev.type == end)
        {
          yaml_event_delete (&ev);
          return TRUE;
        }
      child = yparse_node (y, &ev, depth + 1);
      yaml_event_delete (&ev);
      if (child == NULL)
        return FALSE;
      g_ptr_array_add (n->items, child);
    }
}

/* @ev is the node's first event (owned by the caller). */
static YNode *
yparse_node (YCtx *y, yaml_event_t *ev, guint depth)
{
  guint line = (guint) ev->start_mark.line + 1;
  g_autoptr(YNode) n = NULL;

  if (depth > CLAB_MAX_DEPTH)
    {
      yfail (y, line, "nested deeper than %u levels", CLAB_MAX_DEPTH);
      return NULL;
    }
  switch (ev->type)
    {
    case YAML_SCALAR_EVENT:
      if (ev->data.scalar.anchor)
        {
          yfail (y, line, "YAML anchors and aliases are not supported in a lab file");
          return NULL;
        }
      n = ynode_new (Y_SCALAR, line);
      n->value = g_strndup ((const char *) ev->data.scalar.value, ev->data.scalar.length);
      if (!g_utf8_validate (n->value, -1, NULL) || strlen (n->value) != ev->data.scalar.length)
        {
          yfail (y, line, "a value that is not UTF-8 text");
          return NULL;
        }
      return g_steal_pointer (&n);
    case YAML_MAPPING_START_EVENT:
      n = ynode_new (Y_MAP, line);
      if (ev->data.mapping_start.anchor || !yparse_children (y, n, YAML_MAPPING_END_EVENT, depth))
        {
          if (ev->data.mapping_start.anchor)
            yfail (y, line, "YAML anchors and aliases are not supported in a lab file");
          return NULL;
        }
      return g_steal_pointer (&n);
    case YAML_SEQUENCE_START_EVENT:
      n = ynode_new (Y_SEQ, line);
      if (ev->data.sequence_start.anchor || !yparse_children (y, n, YAML_SEQUENCE_END_EVENT, depth))
        {
          if (ev->data.sequence_start.anchor)
            yfail (y, line, "YAML anchors and aliases are not supported in a lab file");
          return NULL;
        }
      return g_steal_pointer (&n);
    case YAML_ALIAS_EVENT:
      yfail (y, line, "YAML anchors and aliases are not supported in a lab file");
      return NULL;
    default:
      yfail (y, line, "unexpected YAML structure");
      return NULL;
    }
}

static YNode *
yaml_tree_load (const char *data, gsize len, const char *file, GError **error)
{
  YCtx y = { .file = file, .error = error };
  yaml_event_t ev;
  YNode *root = NULL;
  gboolean done = FALSE;

  yaml_parser_initialize (&y.parser);
  yaml_parser_set_input_string (&y.parser, (const unsigned char *) data, len);
  while (!done)
    {
      if (!yaml_parser_parse (&y.parser, &ev))
        {
          yfail (&y, (guint) y.parser.problem_mark.line + 1, "not valid YAML: %s",
                 y.parser.problem ? y.parser.problem : "syntax error");
          g_clear_pointer (&root, ynode_free);
          break;
        }
      switch (ev.type)
        {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
          break;
        case YAML_STREAM_END_EVENT:
          done = TRUE;
          break;
        default:
          if (root != NULL)
            {
              yfail (&y, (guint) ev.start_mark.line + 1, "a second YAML document: a lab file holds one");
              g_clear_pointer (&root, ynode_free);
              done = TRUE;
              break;
            }
          root = yparse_node (&y, &ev, 0);
          if (root == NULL)
            done = TRUE;
          break;
        }
      yaml_event_delete (&ev);
    }
  yaml_parser_delete (&y.parser);
  if (root == NULL && error && *error == NULL)
    g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s:1: empty file: not a Containerlab topology", file);
  return root;
}

static YNode *
ymap_get (const YNode *map, const char *key)
{
  if (map == NULL || map->kind != Y_MAP)
    return NULL;
  for (guint i = 0; i + 1 < map->items->len; i += 2)
    {
      const YNode *k = map->items->pdata[i];
      if (k->kind == Y_SCALAR && strcmp (k->value, key) == 0)
        return map->items->pdata[i + 1];
    }
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading a lab */

static void
clab_node_free (RwClabNode *n)
{
  g_free (n->name);
  g_free (n->kind);
  g_free (n->image);
  g_free (n->config);
  g_free (n->daemons);
  g_free (n);
}

static void
clab_link_free (RwClabLink *l)
{
  g_free (l->node[0]);
  g_free (l->node[1]);
  g_free (l->ifname[0]);
  g_free (l->ifname[1]);
  g_free (l);
}

void
rw_clab_free (RwClab *lab)
{
  if (lab == NULL)
    return;
  g_free (lab->path);
  g_free (lab->dir);
  g_free (lab->name);
  g_ptr_array_unref (lab->nodes);
  g_ptr_array_unref (lab->links);
  g_free (lab);
}

const RwClabNode *
rw_clab_find_node (const RwClab *lab, const char *name)
{
  for (guint i = 0; i < lab->nodes->len; i++)
    if (strcmp (((const RwClabNode *) lab->nodes->pdata[i])->name, name) == 0)
      return lab->nodes->pdata[i];
  return NULL;
}

static char *
scalar_of (const YNode *n)
{
  return n && n->kind == Y_SCALAR ? n->value : NULL;
}

static char *
lab_path (const RwClab *lab, const char *rel)
{
  if (g_path_is_absolute (rel))
    return g_canonicalize_filename (rel, NULL);
  return g_canonicalize_filename (rel, lab->dir);
}

/* The host side of a bind "HOST:CONTAINER[:MODE]" when CONTAINER is @target. */
static char *
bind_host_for (const char *bind, const char *target)
{
  g_auto(GStrv) parts = g_strsplit (bind, ":", 3);
  if (g_strv_length (parts) >= 2 && strcmp (parts[1], target) == 0)
    return g_strdup (parts[0]);
  return NULL;
}

static gboolean
read_clab_node (RwClab *lab, const char *file, const char *name, const YNode *def, const YNode *kinds, GError **error)
{
  RwClabNode *n;
  const YNode *binds;

  if (def != NULL && def->kind != Y_MAP && !(def->kind == Y_SCALAR && *def->value == '\0'))
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s:%u: topology.nodes.%s: expected a mapping", file,
                   def->line, name);
      return FALSE;
    }
  if (!rw_frr_name_ok (name))
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE,
                   "%s:%u: topology.nodes: '%s' is not a usable node name (letters, digits, '-', '_', '.')", file,
                   def ? def->line : 1, name);
      return FALSE;
    }
  n = g_new0 (RwClabNode, 1);
  n->name = g_strdup (name);
  n->kind = g_strdup (scalar_of (ymap_get (def, "kind")));
  n->image = g_strdup (scalar_of (ymap_get (def, "image")));
  g_ptr_array_add (lab->nodes, n);
  if (n->kind && kinds)
    {
      /* topology.kinds.KIND.image fills in what the node leaves out */
      const YNode *kd = ymap_get (kinds, n->kind);
      if (n->image == NULL)
        n->image = g_strdup (scalar_of (ymap_get (kd, "image")));
    }
  if (scalar_of (ymap_get (def, "startup-config")))
    n->config = lab_path (lab, scalar_of (ymap_get (def, "startup-config")));
  binds = ymap_get (def, "binds");
  if (binds && binds->kind == Y_SEQ)
    for (guint i = 0; i < binds->items->len; i++)
      {
        const char *b = scalar_of (binds->items->pdata[i]);
        g_autofree char *conf = b ? bind_host_for (b, "/etc/frr/frr.conf") : NULL;
        g_autofree char *daemons = b ? bind_host_for (b, "/etc/frr/daemons") : NULL;
        if (conf && n->config == NULL)
          n->config = lab_path (lab, conf);
        if (daemons && n->daemons == NULL)
          n->daemons = lab_path (lab, daemons);
      }
  return TRUE;
}

static gboolean
read_endpoint (const RwClab *lab, const char *file, const YNode *ep, char **node, char **ifname, GError **error)
{
  const char *text = scalar_of (ep);
  const char *colon = text ? strchr (text, ':') : NULL;
  if (colon == NULL || colon == text || colon[1] == '\0')
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s:%u: endpoint '%s': expected \"NODE:INTERFACE\"", file,
                   ep->line, text ? text : "");
      return FALSE;
    }
  *node = g_strndup (text, colon - text);
  *ifname = g_strdup (colon + 1);
  if (rw_clab_find_node (lab, *node) == NULL)
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID, "%s:%u: endpoint '%s': unknown node '%s'", file, ep->line,
                   text, *node);
      return FALSE;
    }
  if (strlen (*ifname) > 15 || strchr (*ifname, '/') || strchr (*ifname, ' '))
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID,
                   "%s:%u: endpoint '%s': '%s' is not a Linux interface name (at most 15 characters)", file, ep->line,
                   text, *ifname);
      return FALSE;
    }
  return TRUE;
}

RwClab *
rw_clab_load (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!rw_frr_read_regular_file (path, CLAB_MAX_BYTES, &data, &len, error))
    return NULL;
  return rw_clab_load_data (data, len, path, error);
}

RwClab *
rw_clab_load_data (const char *data, gsize len, const char *path, GError **error)
{
  g_autoptr(YNode) root = NULL;
  g_autoptr(RwClab) lab = NULL;
  const YNode *topo, *nodes, *links;

  if ((root = yaml_tree_load (data, len, path, error)) == NULL)
    return NULL;
  topo = ymap_get (root, "topology");
  if (root->kind != Y_MAP || topo == NULL || topo->kind != Y_MAP)
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE,
                   "%s:%u: not a Containerlab topology (no 'topology:' mapping with 'nodes')", path, root->line);
      return NULL;
    }
  lab = g_new0 (RwClab, 1);
  lab->path = g_strdup (path);
  {
    g_autofree char *abs = g_canonicalize_filename (path, NULL);
    lab->dir = g_path_get_dirname (abs);
  }
  lab->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) clab_node_free);
  lab->links = g_ptr_array_new_with_free_func ((GDestroyNotify) clab_link_free);
  if (scalar_of (ymap_get (root, "name")))
    lab->name = g_strdup (scalar_of (ymap_get (root, "name")));
  else
    {
      g_autofree char *base = g_path_get_basename (path);
      char *dot = strchr (base, '.');
      if (dot)
        *dot = '\0';
      lab->name = g_strdup (base);
    }

  nodes = ymap_get (topo, "nodes");
  if (nodes == NULL || nodes->kind != Y_MAP || nodes->items->len == 0)
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s:%u: topology.nodes: expected a mapping of nodes", path,
                   nodes ? nodes->line : topo->line);
      return NULL;
    }
  for (guint i = 0; i + 1 < nodes->items->len; i += 2)
    {
      const YNode *k = nodes->items->pdata[i];
      if (k->kind != Y_SCALAR)
        {
          g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s:%u: topology.nodes: a node name must be a string",
                       path, k->line);
          return NULL;
        }
      if (rw_clab_find_node (lab, k->value))
        {
          g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s:%u: topology.nodes: node '%s' is defined twice",
                       path, k->line, k->value);
          return NULL;
        }
      if (!read_clab_node (lab, path, k->value, nodes->items->pdata[i + 1], ymap_get (topo, "kinds"), error))
        return NULL;
    }

  links = ymap_get (topo, "links");
  if (links != NULL && links->kind != Y_SEQ)
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE, "%s:%u: topology.links: expected a list", path, links->line);
      return NULL;
    }
  for (guint i = 0; links && i < links->items->len; i++)
    {
      const YNode *l = links->items->pdata[i];
      const YNode *eps = ymap_get (l, "endpoints");
      g_autoptr(GError) local = NULL;
      RwClabLink *link;
      if (eps == NULL || eps->kind != Y_SEQ || eps->items->len != 2)
        {
          g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_PARSE,
                       "%s:%u: topology.links[%u]: expected endpoints: [\"NODE:IF\", \"NODE:IF\"]", path, l->line, i);
          return NULL;
        }
      link = g_new0 (RwClabLink, 1);
      g_ptr_array_add (lab->links, link);
      for (guint e = 0; e < 2; e++)
        if (!read_endpoint (lab, path, eps->items->pdata[e], &link->node[e], &link->ifname[e], error))
          return NULL;
      if (strcmp (link->node[0], link->node[1]) == 0)
        {
          g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID, "%s:%u: topology.links[%u]: joins '%s' to itself",
                       path, l->line, i, link->node[0]);
          return NULL;
        }
      for (guint j = 0; j + 1 < lab->links->len; j++)
        {
          const RwClabLink *o = lab->links->pdata[j];
          for (guint a = 0; a < 2; a++)
            for (guint b = 0; b < 2; b++)
              if (strcmp (o->node[a], link->node[b]) == 0 && strcmp (o->ifname[a], link->ifname[b]) == 0)
                {
                  g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_INVALID,
                               "%s:%u: topology.links[%u]: interface %s:%s is already used by links[%u]", path,
                               l->line, i, link->node[b], link->ifname[b], j);
                  return NULL;
                }
        }
    }
  return g_steal_pointer (&lab);
}

/* ------------------------------------------------------------------------------------------ */
/* Writing a lab */

static const char daemons_text[] =
  "# FRR daemons of this node (written by Routewise; FRR 8.4)\n"
  "bgpd=yes\n"
  "ospfd=%s\n"
  "ospf6d=no\nripd=no\nripngd=no\nisisd=no\npimd=no\nldpd=no\nnhrpd=no\neigrpd=no\nbabeld=no\n"
  "sharpd=no\npbrd=no\nbfdd=no\nfabricd=no\nvrrpd=no\npathd=no\n"
  "staticd=yes\n"
  "vtysh_enable=yes\n"
  "zebra_options=\"  -A 127.0.0.1 -s 90000000\"\n"
  "bgpd_options=\"   -A 127.0.0.1\"\n"
  "ospfd_options=\"  -A 127.0.0.1\"\n"
  "staticd_options=\"-A 127.0.0.1\"\n";

static char *
safe_lab_name (const char *name)
{
  GString *s = g_string_new (NULL);
  for (const char *p = name ? name : ""; *p; p++)
    {
      char ch = *p;
      if (g_ascii_isalnum (ch) || ch == '-' || ch == '_')
        g_string_append_c (s, g_ascii_tolower (ch));
      else if (s->len > 0 && s->str[s->len - 1] != '-')
        g_string_append_c (s, '-');
    }
  while (s->len > 0 && s->str[s->len - 1] == '-')
    g_string_truncate (s, s->len - 1);
  if (s->len == 0)
    g_string_append (s, "routewise");
  return g_string_free (s, FALSE);
}

static gboolean
write_file (const char *path, const char *text, GError **error)
{
  g_autoptr(GError) local = NULL;
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0644, &local))
    {
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

/* demands.json beside the lab: what configurations cannot carry (the demands, the SLA classes,
 * each link's latency and loss, the transit price of a link towards an ISP), which the import
 * reads back by default. */
static char *
traffic_sidecar (const RwTopology *t)
{
  g_autoptr(JsonNode) tn = rw_topology_to_json_node (t);
  JsonObject *to = json_node_get_object (tn);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) out = NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "demands");
  json_builder_add_value (b, json_node_copy (json_object_get_member (to, "demands")));
  json_builder_set_member_name (b, "sla_classes");
  json_builder_add_value (b, json_node_copy (json_object_get_member (to, "sla_classes")));
  json_builder_set_member_name (b, "links");
  json_builder_begin_array (b);
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, l->id);
      json_builder_set_member_name (b, "latency_ms");
      json_builder_add_double_value (b, l->latency_ms);
      json_builder_set_member_name (b, "loss_pct");
      json_builder_add_double_value (b, l->loss_pct);
      if (l->has_cost)
        {
          json_builder_set_member_name (b, "cost_per_gb");
          json_builder_add_double_value (b, l->cost_per_gb);
          json_builder_set_member_name (b, "monthly_commit");
          json_builder_add_double_value (b, l->monthly_commit);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  out = json_builder_get_root (b);
  return rw_json_to_string (out, TRUE);
}

gboolean
rw_clab_export (const RwTopology *topo, const char *dir, char **clab_path, GError **error)
{
  g_autoptr(RwTopology) t = rw_topology_copy (topo);
  g_autoptr(GPtrArray) configs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = safe_lab_name (topo->name);
  g_autofree char *file = NULL;
  g_autofree char *sidecar = NULL, *sidecar_path = NULL;
  GString *yml;

  if (!rw_topology_validate (t, error) || !rw_frr_assign_addresses (t, error))
    return FALSE;
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      char *cfg;
      if (!rw_frr_name_ok (n->id))
        {
          g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNSUPPORTED,
                       "node '%s': a Containerlab node name takes letters, digits, '-', '_' and '.'", n->id);
          return FALSE;
        }
      /* every configuration is rendered before anything is written: nothing half-exported */
      if ((cfg = rw_frr_router_config (t, n->id, error)) == NULL)
        return FALSE;
      g_ptr_array_add (configs, cfg);
    }
  sidecar = traffic_sidecar (t);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int err = errno;
      g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_IO, "%s: cannot create the folder: %s", dir, g_strerror (err));
      return FALSE;
    }

  yml = g_string_new (NULL);
  g_string_append_printf (yml, "# %s — written by Routewise (routewise-cli export clab)\n", topo->name);
  g_string_append_printf (yml, "name: %s\n\ntopology:\n  nodes:\n", name);
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      g_string_append_printf (yml,
                              "    %s:\n      kind: linux\n      image: %s\n      binds:\n"
                              "        - %s/frr.conf:/etc/frr/frr.conf\n        - %s/daemons:/etc/frr/daemons\n",
                              n->id, FRR_IMAGE, n->id, n->id);
    }
  g_string_append (yml, "\n  links:\n");
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      g_string_append_printf (yml, "    - endpoints: [\"%s:%s\", \"%s:%s\"]\n", l->a, l->ends[0].ifname, l->b,
                              l->ends[1].ifname);
    }

  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      g_autofree char *ndir = g_build_filename (dir, n->id, NULL);
      g_autofree char *conf = g_build_filename (ndir, "frr.conf", NULL);
      g_autofree char *dpath = g_build_filename (ndir, "daemons", NULL);
      g_autofree char *dtext = g_strdup_printf (daemons_text, rw_frr_node_runs_ospf (t, n) ? "yes" : "no");
      if (g_mkdir_with_parents (ndir, 0755) != 0)
        {
          int err = errno;
          g_set_error (error, RW_FRR_ERROR, RW_FRR_ERROR_IO, "%s: cannot create the folder: %s", ndir,
                       g_strerror (err));
          g_string_free (yml, TRUE);
          return FALSE;
        }
      if (!write_file (conf, configs->pdata[i], error) || !write_file (dpath, dtext, error))
        {
          g_string_free (yml, TRUE);
          return FALSE;
        }
    }
  file = g_strdup_printf ("%s/%s.clab.yml", dir, name);
  sidecar_path = g_build_filename (dir, "demands.json", NULL);
  if (!write_file (sidecar_path, sidecar, error) || !write_file (file, yml->str, error))
    {
      g_string_free (yml, TRUE);
      return FALSE;
    }
  g_string_free (yml, TRUE);
  if (clab_path)
    *clab_path = g_steal_pointer (&file);
  return TRUE;
}
