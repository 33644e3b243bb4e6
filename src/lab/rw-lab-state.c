/* rw-lab-state.c — the lab as data, and its state file RW_LAB_RUN_DIR/NAME/state.json.
 *
 * `lab up` rewrites the file (atomically) before it creates each resource, so that the file
 * always names at least what exists: `lab down` after a crash reads it, then sweeps by name
 * for anything a crash between "recorded" and "created" could not leave behind anyway.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-lab-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_QUARK (rw-lab-error-quark, rw_lab_error)

#define STATE_FORMAT "routewise-lab-state"

static const char *const phase_names[] = { "starting", "up", "stopping" };

const char *
rw_lab_phase_to_string (RwLabPhase phase)
{
  return phase < G_N_ELEMENTS (phase_names) ? phase_names[phase] : "unknown";
}

static RwLabPhase
phase_parse (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (phase_names); i++)
    if (g_strcmp0 (text, phase_names[i]) == 0)
      return (RwLabPhase) i;
  return RW_LAB_PHASE_STARTING;
}

void
_rw_lab_daemon_free (RwLabDaemon *d)
{
  if (d == NULL)
    return;
  g_free (d->name);
  g_free (d->pidfile);
  g_free (d);
}

RwLabNode *
_rw_lab_node_new (const char *lab, const char *node)
{
  RwLabNode *n = g_new0 (RwLabNode, 1);
  g_autofree char *safe = _rw_lab_safe_node_name (node);
  n->name = g_strdup (node);
  n->netns = _rw_lab_netns_name (lab, node);
  n->dir = g_build_filename (RW_LAB_RUN_DIR, lab, safe, NULL);
  n->daemons = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_daemon_free);
  return n;
}

void
_rw_lab_node_free (RwLabNode *n)
{
  if (n == NULL)
    return;
  g_free (n->name);
  g_free (n->netns);
  g_free (n->dir);
  g_free (n->config);
  g_free (n->profile);
  g_free (n->hostname);
  g_free (n->mgmt_veth);
  g_free (n->mgmt_addr);
  g_ptr_array_unref (n->daemons);
  g_free (n);
}

void
_rw_lab_link_free (RwLabLink *l)
{
  if (l == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    {
      g_free (l->node[i]);
      g_free (l->ifname[i]);
    }
  g_free (l);
}

RwLab *
_rw_lab_new (const char *name)
{
  RwLab *lab = g_new0 (RwLab, 1);
  lab->name = g_strdup (name);
  lab->dir = g_build_filename (RW_LAB_RUN_DIR, name, NULL);
  lab->topology = g_build_filename (lab->dir, "topology.json", NULL);
  lab->bridge = _rw_lab_bridge_name (name);
  lab->phase = RW_LAB_PHASE_STARTING;
  lab->created = g_get_real_time () / G_USEC_PER_SEC;
  lab->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_node_free);
  lab->links = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_link_free);
  lab->warnings = g_ptr_array_new_with_free_func (g_free);
  return lab;
}

void
rw_lab_free (RwLab *lab)
{
  if (lab == NULL)
    return;
  g_free (lab->name);
  g_free (lab->dir);
  g_free (lab->source);
  g_free (lab->clab);
  g_free (lab->topology);
  g_free (lab->bridge);
  g_free (lab->mgmt_subnet);
  g_ptr_array_unref (lab->nodes);
  g_ptr_array_unref (lab->links);
  g_ptr_array_unref (lab->warnings);
  g_free (lab);
}

const RwLabNode *
rw_lab_find_node (const RwLab *lab, const char *name)
{
  for (guint i = 0; i < lab->nodes->len; i++)
    {
      const RwLabNode *n = lab->nodes->pdata[i];
      if (g_strcmp0 (n->name, name) == 0)
        return n;
    }
  return NULL;
}

char *
_rw_lab_state_path (const char *name)
{
  return g_build_filename (RW_LAB_RUN_DIR, name, "state.json", NULL);
}

/* ---- writing ---- */

static void
add_string (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_node (JsonBuilder *b, const RwLabNode *n)
{
  json_builder_begin_object (b);
  add_string (b, "name", n->name);
  add_string (b, "netns", n->netns);
  add_string (b, "dir", n->dir);
  add_string (b, "config", n->config);
  add_string (b, "profile", n->profile);
  add_string (b, "hostname", n->hostname);
  add_string (b, "mgmt_veth", n->mgmt_veth);
  add_string (b, "mgmt_addr", n->mgmt_addr);
  json_builder_set_member_name (b, "daemons");
  json_builder_begin_array (b);
  for (guint i = 0; i < n->daemons->len; i++)
    {
      const RwLabDaemon *d = n->daemons->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "name", d->name);
      add_string (b, "pidfile", d->pidfile);
      json_builder_set_member_name (b, "pid");
      json_builder_add_int_value (b, d->pid);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_link (JsonBuilder *b, const RwLabLink *l)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ends");
  json_builder_begin_array (b);
  for (guint i = 0; i < 2; i++)
    {
      json_builder_begin_object (b);
      add_string (b, "node", l->node[i]);
      add_string (b, "interface", l->ifname[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "latency_ms");
  json_builder_add_double_value (b, l->latency_ms);
  json_builder_end_object (b);
}

gboolean
_rw_lab_save (const RwLab *lab, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (lab->dir, "state.json", NULL);

  json_builder_begin_object (b);
  add_string (b, "format", STATE_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  add_string (b, "name", lab->name);
  add_string (b, "phase", rw_lab_phase_to_string (lab->phase));
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, lab->created);
  json_builder_set_member_name (b, "up_seconds");
  json_builder_add_double_value (b, lab->up_seconds);
  json_builder_set_member_name (b, "maker_pid");
  json_builder_add_int_value (b, lab->maker_pid);
  json_builder_set_member_name (b, "maker_start");
  json_builder_add_int_value (b, (gint64) lab->maker_start);
  add_string (b, "source", lab->source);
  add_string (b, "clab", lab->clab);
  add_string (b, "topology", lab->topology);
  add_string (b, "bridge", lab->bridge);
  add_string (b, "mgmt_subnet", lab->mgmt_subnet);
  json_builder_set_member_name (b, "netem");
  json_builder_add_boolean_value (b, lab->netem);
  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (guint i = 0; i < lab->nodes->len; i++)
    add_node (b, lab->nodes->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "links");
  json_builder_begin_array (b);
  for (guint i = 0; i < lab->links->len; i++)
    add_link (b, lab->links->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; i < lab->warnings->len; i++)
    json_builder_add_string_value (b, lab->warnings->pdata[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  text = rw_json_node_to_string (root, TRUE);
  /* g_file_set_contents writes a temporary file and renames it: a reader never sees half */
  return g_file_set_contents (path, text, -1, error);
}

/* ---- reading ---- */

static char *
dup_member (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);
  if (n == NULL || JSON_NODE_TYPE (n) != JSON_NODE_VALUE || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (n));
}

static JsonArray *
array_member (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static RwLabNode *
node_from_json (const char *lab, JsonObject *o)
{
  g_autofree char *name = dup_member (o, "name");
  RwLabNode *n;
  JsonArray *daemons;
  if (name == NULL)
    return NULL;
  n = _rw_lab_node_new (lab, name);
  n->config = dup_member (o, "config");
  n->profile = dup_member (o, "profile");
  n->hostname = dup_member (o, "hostname");
  n->mgmt_veth = dup_member (o, "mgmt_veth");
  n->mgmt_addr = dup_member (o, "mgmt_addr");
  daemons = array_member (o, "daemons");
  for (guint i = 0; daemons && i < json_array_get_length (daemons); i++)
    {
      JsonNode *dn = json_array_get_element (daemons, i);
      JsonObject *d;
      RwLabDaemon *daemon;
      if (!JSON_NODE_HOLDS_OBJECT (dn))
        continue;
      d = json_node_get_object (dn);
      daemon = g_new0 (RwLabDaemon, 1);
      daemon->name = dup_member (d, "name");
      daemon->pidfile = dup_member (d, "pidfile");
      daemon->pid = (gint) json_object_get_int_member_with_default (d, "pid", 0);
      if (daemon->name == NULL)
        _rw_lab_daemon_free (daemon);
      else
        g_ptr_array_add (n->daemons, daemon);
    }
  return n;
}

static RwLabLink *
link_from_json (JsonObject *o)
{
  JsonArray *ends = array_member (o, "ends");
  RwLabLink *l;
  if (ends == NULL || json_array_get_length (ends) != 2)
    return NULL;
  l = g_new0 (RwLabLink, 1);
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *en = json_array_get_element (ends, i);
      if (JSON_NODE_HOLDS_OBJECT (en))
        {
          l->node[i] = dup_member (json_node_get_object (en), "node");
          l->ifname[i] = dup_member (json_node_get_object (en), "interface");
        }
    }
  l->latency_ms = json_object_get_double_member_with_default (o, "latency_ms", 0);
  if (l->node[0] == NULL || l->node[1] == NULL)
    {
      _rw_lab_link_free (l);
      return NULL;
    }
  return l;
}

RwLab *
_rw_lab_load (const char *path, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *name = NULL;
  g_autofree char *format = NULL;
  JsonObject *o;
  JsonArray *a;
  RwLab *lab;

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "%s: not a lab state file", path);
      return NULL;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  format = dup_member (o, "format");
  name = dup_member (o, "name");
  if (g_strcmp0 (format, STATE_FORMAT) != 0 || name == NULL || !rw_lab_name_is_valid (name, NULL))
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_INPUT, "%s: not a lab state file", path);
      return NULL;
    }
  lab = _rw_lab_new (name);
  lab->phase = phase_parse (json_object_get_string_member_with_default (o, "phase", "starting"));
  lab->created = json_object_get_int_member_with_default (o, "created", 0);
  lab->up_seconds = json_object_get_double_member_with_default (o, "up_seconds", 0);
  lab->maker_pid = (gint) json_object_get_int_member_with_default (o, "maker_pid", 0);
  lab->maker_start = (guint64) json_object_get_int_member_with_default (o, "maker_start", 0);
  lab->source = dup_member (o, "source");
  lab->clab = dup_member (o, "clab");
  lab->mgmt_subnet = dup_member (o, "mgmt_subnet");
  lab->netem = json_object_get_boolean_member_with_default (o, "netem", FALSE);
  if (json_object_has_member (o, "bridge"))
    {
      g_free (lab->bridge);
      lab->bridge = dup_member (o, "bridge");
    }
  if ((a = array_member (o, "nodes")) != NULL)
    for (guint i = 0; i < json_array_get_length (a); i++)
      {
        JsonNode *n = json_array_get_element (a, i);
        RwLabNode *node = JSON_NODE_HOLDS_OBJECT (n) ? node_from_json (name, json_node_get_object (n)) : NULL;
        if (node)
          g_ptr_array_add (lab->nodes, node);
      }
  if ((a = array_member (o, "links")) != NULL)
    for (guint i = 0; i < json_array_get_length (a); i++)
      {
        JsonNode *n = json_array_get_element (a, i);
        RwLabLink *link = JSON_NODE_HOLDS_OBJECT (n) ? link_from_json (json_node_get_object (n)) : NULL;
        if (link)
          g_ptr_array_add (lab->links, link);
      }
  if ((a = array_member (o, "warnings")) != NULL)
    for (guint i = 0; i < json_array_get_length (a); i++)
      {
        JsonNode *n = json_array_get_element (a, i);
        if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
          g_ptr_array_add (lab->warnings, g_strdup (json_node_get_string (n)));
      }
  return lab;
}
