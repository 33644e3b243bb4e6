/* rw-lab-net.c — a lab's network: the address plan read back from the twin, the management
 * /24 and bridge, the namespaces, veths and netem delays, made with `ip -batch`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-lab-private.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define IP_MS (15 * 1000)
#define MGMT_NET 0xAC140000u /* 172.20.0.0/16: one /24 per lab */

GHashTable *
rw_lab_address_map (const RwTopology *t)
{
  GHashTable *map = g_hash_table_new (g_direct_hash, g_direct_equal);
  /* router ids first, so that a loopback or an interface address of another node wins */
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      g_hash_table_insert (map, GUINT_TO_POINTER (n->router_id), n->id);
    }
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      g_hash_table_insert (map, GUINT_TO_POINTER (rw_node_loopback (n)), n->id);
    }
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      if (l->ends[0].addr)
        g_hash_table_insert (map, GUINT_TO_POINTER (l->ends[0].addr), l->a);
      if (l->ends[1].addr)
        g_hash_table_insert (map, GUINT_TO_POINTER (l->ends[1].addr), l->b);
    }
  return map;
}

/* ---- the management network ---- */

static gboolean
subnet_overlaps (guint32 net, const RwTopology *t)
{
  RwPrefix mgmt = { net, 24 };
  for (guint i = 0; i < t->prefixes->len; i++)
    {
      const RwOrigination *o = t->prefixes->pdata[i];
      if (rw_prefix_contains (&mgmt, &o->prefix) || rw_prefix_contains (&o->prefix, &mgmt))
        return TRUE;
    }
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      if ((rw_node_loopback (n) & 0xffffff00u) == net || (n->router_id & 0xffffff00u) == net)
        return TRUE;
    }
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      for (guint e = 0; e < 2; e++)
        if (l->ends[e].addr && (l->ends[e].addr & 0xffffff00u) == net)
          return TRUE;
    }
  return FALSE;
}

/* /24s of 172.20/16 that other labs or the machine use. */
static void
subnets_in_use (GHashTable *used, const char *self)
{
  g_auto(GStrv) labs = rw_lab_list ();
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) p = json_parser_new ();
  g_autofree char *ipt = _rw_lab_find_tool ("ip");
  const char *const argv[] = { ipt, "-j", "-4", "addr", "show", NULL };

  for (guint i = 0; labs[i]; i++)
    {
      g_autofree char *path = _rw_lab_state_path (labs[i]);
      g_autoptr(RwLab) other = strcmp (labs[i], self) ? _rw_lab_load (path, NULL) : NULL;
      RwPrefix pfx;
      if (other && other->mgmt_subnet && rw_prefix_parse (other->mgmt_subnet, &pfx))
        g_hash_table_add (used, GUINT_TO_POINTER (pfx.addr));
    }
  if (ipt && _rw_lab_run (argv, IP_MS, &out, NULL) && json_parser_load_from_data (p, out, -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (p)))
    {
      JsonArray *links = json_node_get_array (json_parser_get_root (p));
      for (guint i = 0; i < json_array_get_length (links); i++)
        {
          JsonObject *l = json_array_get_object_element (links, i);
          JsonArray *infos = l && json_object_has_member (l, "addr_info") ? json_object_get_array_member (l, "addr_info") : NULL;
          for (guint k = 0; infos && k < json_array_get_length (infos); k++)
            {
              JsonObject *info = json_array_get_object_element (infos, k);
              guint32 a;
              if (info && rw_ipv4_parse (json_object_get_string_member_with_default (info, "local", ""), &a))
                g_hash_table_add (used, GUINT_TO_POINTER (a & 0xffffff00u));
            }
        }
    }
}

/* Chooses the lab's management /24 and records it, under a lock so that two `lab up` at once
 * never take the same one. */
gboolean
_rw_lab_choose_mgmt_subnet (RwLab *lab, const RwTopology *twin, GError **error)
{
  g_autoptr(GHashTable) used = g_hash_table_new (g_direct_hash, g_direct_equal);
  /* the folder of all labs is the lock: no file to leave behind */
  int fd = open (RW_LAB_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok = FALSE;

  if (fd < 0 || flock (fd, LOCK_EX) != 0)
    {
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s: %s", RW_LAB_RUN_DIR, g_strerror (errno));
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  subnets_in_use (used, lab->name);
  for (guint n = 1; n < 255 && !ok; n++)
    {
      guint32 net = MGMT_NET | (n << 8);
      if (g_hash_table_contains (used, GUINT_TO_POINTER (net)) || subnet_overlaps (net, twin))
        continue;
      lab->mgmt_subnet = g_strdup_printf ("172.20.%u.0/24", n);
      ok = TRUE;
    }
  if (!ok)
    g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "no free management subnet in 172.20.0.0/16");
  else
    ok = _rw_lab_save (lab, error);
  close (fd); /* releases the lock, after the state names the subnet */
  return ok;
}

static char *
mgmt_address (const RwLab *lab, guint host)
{
  RwPrefix net;
  rw_prefix_parse (lab->mgmt_subnet, &net);
  return g_strdup_printf ("%u.%u.%u.%u/24", net.addr >> 24, (net.addr >> 16) & 0xff, (net.addr >> 8) & 0xff, host);
}

/* ---- creating ---- */

gboolean
_rw_lab_make_bridge (RwLab *lab, GError **error)
{
  g_autofree char *addr = mgmt_address (lab, 1);
  return _rw_lab_ip (error, "link", "add", lab->bridge, "type", "bridge", NULL) &&
         _rw_lab_ip (error, "addr", "add", addr, "dev", lab->bridge, NULL) &&
         _rw_lab_ip (error, "link", "set", lab->bridge, "up", NULL);
}

static gboolean netem (RwLab *lab, GError **error);

/* `ip -batch` (or tc's): many commands in one process, stopping at the first that fails; the
 * error quotes that line. */
static gboolean
run_batch (const char *tool, const char *netns, GPtrArray *lines, char **err_out, GError **error)
{
  g_autofree char *path = _rw_lab_find_tool (tool);
  g_autoptr(GString) input = g_string_new (NULL);
  g_autofree char *err = NULL;
  const char *argv[6];
  guint n = 0;
  int status = 0;

  if (lines->len == 0)
    return TRUE;
  argv[n++] = path;
  if (netns)
    {
      argv[n++] = "-n";
      argv[n++] = netns;
    }
  argv[n++] = "-batch";
  argv[n++] = "-";
  argv[n] = NULL;
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (input, "%s\n", (char *) lines->pdata[i]);
  if (!_rw_lab_run_input (argv, input->str, IP_MS + 100 * lines->len, NULL, &err, &status, error))
    return FALSE;
  if (status != 0)
    {
      const char *at = strstr (err, "Command failed -:");
      guint line = at ? (guint) g_ascii_strtoull (at + strlen ("Command failed -:"), NULL, 10) : 0;
      g_autofree char *first = g_strdup (g_strstrip (err));
      char *nl = strchr (first, '\n');
      if (nl)
        *nl = '\0';
      if (err_out)
        *err_out = g_strdup (err);
      g_set_error (error, RW_LAB_ERROR, RW_LAB_ERROR_SYSTEM, "%s%s%s %s: %s", tool, netns ? " -n " : "",
                   netns ? netns : "", line >= 1 && line <= lines->len ? (char *) lines->pdata[line - 1] : "-batch",
                   first);
      return FALSE;
    }
  return TRUE;
}

/* The namespaces, management veths and links, recorded in the state first, then made with one
 * `ip -batch` in the root namespace and one per namespace. Both ends of a link are born in their
 * namespaces with their final names: nothing of the lab's links ever sits in the root namespace. */
gboolean
_rw_lab_make_network (RwLab *lab, GPtrArray *nodes, GPtrArray *links, GError **error)
{
  g_autoptr(GPtrArray) root = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sysctl = _rw_lab_find_tool ("sysctl");
  g_autofree char *ip = _rw_lab_find_tool ("ip");
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) _rw_lab_job_free);

  for (guint i = 0; nodes->len > 0; i++)
    {
      RwLabNode *n = g_ptr_array_steal_index (nodes, 0);
      n->mgmt_addr = mgmt_address (lab, i + 2);
      g_ptr_array_add (lab->nodes, n);
    }
  while (links->len > 0)
    g_ptr_array_add (lab->links, g_ptr_array_steal_index (links, 0));
  if (!_rw_lab_save (lab, error))
    return FALSE;

  for (guint i = 0; i < lab->nodes->len; i++)
    {
      const RwLabNode *n = lab->nodes->pdata[i];
      g_ptr_array_add (root, g_strdup_printf ("netns add %s", n->netns));
      g_ptr_array_add (root, g_strdup_printf ("link add %s type veth peer name mgmt0 netns %s", n->mgmt_veth, n->netns));
      g_ptr_array_add (root, g_strdup_printf ("link set %s master %s up", n->mgmt_veth, lab->bridge));
    }
  for (guint i = 0; i < lab->links->len; i++)
    {
      const RwLabLink *l = lab->links->pdata[i];
      g_ptr_array_add (root, g_strdup_printf ("link add %s netns %s type veth peer name %s netns %s", l->ifname[0],
                                              rw_lab_find_node (lab, l->node[0])->netns, l->ifname[1],
                                              rw_lab_find_node (lab, l->node[1])->netns));
    }
  if (!run_batch ("ip", NULL, root, NULL, error))
    return FALSE;

  for (guint i = 0; i < lab->nodes->len; i++)
    {
      const RwLabNode *n = lab->nodes->pdata[i];
      g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (lines, g_strdup ("link set lo up"));
      g_ptr_array_add (lines, g_strdup_printf ("addr add %s dev mgmt0", n->mgmt_addr));
      g_ptr_array_add (lines, g_strdup ("link set mgmt0 up"));
      for (guint k = 0; k < lab->links->len; k++)
        {
          const RwLabLink *l = lab->links->pdata[k];
          for (guint e = 0; e < 2; e++)
            if (strcmp (l->node[e], n->name) == 0)
              g_ptr_array_add (lines, g_strdup_printf ("link set %s up", l->ifname[e]));
        }
      if (!run_batch ("ip", n->netns, lines, NULL, error))
        return FALSE;
      if (sysctl != NULL)
        {
          /* routers forward (zebra reads the setting when it starts) */
          const char *const argv[] = { ip, "netns", "exec", n->netns, sysctl, "-qw", "net.ipv4.ip_forward=1", NULL };
          g_ptr_array_add (jobs, _rw_lab_job_new (g_strdupv ((char **) argv), NULL));
        }
    }
  if (!_rw_lab_run_jobs (jobs, 8, IP_MS, error))
    return FALSE;
  return netem (lab, error);
}

/* tc netem delay on both ends of every link with a latency; a kernel without sch_netem
 * (CONFIG_NET_SCH_NETEM) runs the links without, with a warning: routing is the same. */
static gboolean
netem (RwLab *lab, GError **error)
{
  for (guint i = 0; i < lab->nodes->len && lab->netem; i++)
    {
      const RwLabNode *n = lab->nodes->pdata[i];
      g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) e = NULL;
      g_autofree char *err = NULL;
      for (guint k = 0; k < lab->links->len; k++)
        {
          const RwLabLink *l = lab->links->pdata[k];
          for (guint end = 0; end < 2; end++)
            if (strcmp (l->node[end], n->name) == 0 && l->latency_ms > 0)
              g_ptr_array_add (lines, g_strdup_printf ("qdisc add dev %s root netem delay %.3fms", l->ifname[end],
                                                       l->latency_ms));
        }
      if (run_batch ("tc", n->netns, lines, &err, &e))
        continue;
      if (err && (strstr (err, "unknown") || strstr (err, "Unknown")))
        {
          lab->netem = FALSE;
          g_ptr_array_add (lab->warnings, g_strdup ("tc netem is not available in this kernel (CONFIG_NET_SCH_NETEM): "
                                                    "the links run without their latencies"));
          return _rw_lab_save (lab, error);
        }
      g_propagate_error (error, g_steal_pointer (&e));
      return FALSE;
    }
  return TRUE;
}
