/* rw-plan.c — plan DAGs: JSON, validation, order, diff, TGED.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-plan.h"
#include "rw-json-util.h"
#include "rw-canonical.h"

#include <string.h>

G_DEFINE_QUARK (rw-intake-error-quark, rw_intake_error)

void
rw_intake_error_normalise (GError **error)
{
  if (error && *error && (*error)->domain != RW_INTAKE_ERROR)
    {
      (*error)->domain = RW_INTAKE_ERROR;
      (*error)->code = RW_INTAKE_ERROR_INVALID;
    }
}

static const struct {
  const char *type, *agent;
} task_types[] = {
  { "reproduce_fault", "MetricAgent" },
  { "check_metric", "MetricAgent" },
  { "assess_impact", "MetricAgent" },
  { "verify_recovery", "MetricAgent" },
  { "search_logs", "LogAgent" },
  { "mitigate", "ActionAgent" },
  { "apply_change", "ActionAgent" },
  { "clarify", "Operator" },
  { "escalate", "Operator" },
};

const char *
rw_task_type_agent (const char *type)
{
  for (guint i = 0; type && i < G_N_ELEMENTS (task_types); i++)
    if (strcmp (type, task_types[i].type) == 0)
      return task_types[i].agent;
  return NULL;
}

RwTask *
rw_task_new (const char *task_id, const char *type, const char *target, const char *assigned_to)
{
  RwTask *t = g_new0 (RwTask, 1);
  t->task_id = g_strdup (task_id);
  t->type = g_strdup (type);
  t->target = g_strdup (target);
  t->assigned_to = g_strdup (assigned_to ? assigned_to : rw_task_type_agent (type));
  t->args = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (t->args, json_object_new ());
  t->dependencies = g_ptr_array_new_with_free_func (g_free);
  return t;
}

RwTask *
rw_task_copy (const RwTask *t)
{
  RwTask *c = rw_task_new (t->task_id, t->type, t->target, t->assigned_to);
  json_node_unref (c->args);
  c->args = json_node_copy (t->args);
  for (guint i = 0; i < t->dependencies->len; i++)
    g_ptr_array_add (c->dependencies, g_strdup (t->dependencies->pdata[i]));
  return c;
}

void
rw_task_free (RwTask *t)
{
  if (t == NULL)
    return;
  g_free (t->task_id);
  g_free (t->type);
  g_free (t->target);
  g_free (t->assigned_to);
  json_node_unref (t->args);
  g_ptr_array_unref (t->dependencies);
  g_free (t);
}

JsonNode *
rw_task_to_json (const RwTask *t)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "task_id");
  json_builder_add_string_value (b, t->task_id);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, t->type);
  json_builder_set_member_name (b, "target");
  json_builder_add_string_value (b, t->target);
  json_builder_set_member_name (b, "args");
  json_builder_add_value (b, json_node_copy (t->args));
  json_builder_set_member_name (b, "dependencies");
  json_builder_begin_array (b);
  for (guint i = 0; i < t->dependencies->len; i++)
    json_builder_add_string_value (b, t->dependencies->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "assigned_to");
  json_builder_add_string_value (b, t->assigned_to);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

RwPlan *
rw_plan_new (const char *plan_id, guint version, const char *origin)
{
  RwPlan *p = g_new0 (RwPlan, 1);
  p->plan_id = g_strdup (plan_id ? plan_id : "plan");
  p->version = version;
  p->origin = g_strdup (origin ? origin : "rulebook");
  p->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_task_free);
  return p;
}

RwPlan *
rw_plan_copy (const RwPlan *p)
{
  RwPlan *c = rw_plan_new (p->plan_id, p->version, p->origin);
  for (guint i = 0; i < p->tasks->len; i++)
    g_ptr_array_add (c->tasks, rw_task_copy (p->tasks->pdata[i]));
  return c;
}

void
rw_plan_free (RwPlan *p)
{
  if (p == NULL)
    return;
  g_free (p->plan_id);
  g_free (p->origin);
  g_ptr_array_unref (p->tasks);
  g_free (p);
}

const RwTask *
rw_plan_find_task (const RwPlan *p, const char *task_id)
{
  for (guint i = 0; i < p->tasks->len; i++)
    {
      const RwTask *t = p->tasks->pdata[i];
      if (g_strcmp0 (t->task_id, task_id) == 0)
        return t;
    }
  return NULL;
}

/* ---- JSON ---- */

static gboolean
plan_fail (GError **error, const char *source, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
plan_fail (GError **error, const char *source, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID, "%s: %s", source, msg);
  return FALSE;
}

/* The numbers the agents read from a task's args, and the range each must lie in: a window
 * of 1e308 s divided by the tick length does not fit a tick count. */
static const struct {
  const char *key;
  double min, max;
} number_args[] = {
  { "threshold", -1e9, 1e9 },
  { "lookback_s", 0, 31 * 86400 }, /* a month */
  { "max_utilisation", 0, 1000 },
};

static gboolean
check_number_args (JsonObject *args, const char *source, const char *path, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (number_args); i++)
    {
      JsonNode *n = json_object_get_member (args, number_args[i].key);
      double v;
      if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
        continue;
      if (json_node_get_value_type (n) == G_TYPE_INT64)
        v = (double) json_node_get_int (n);
      else if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
        v = json_node_get_double (n);
      else
        continue;
      if (!(v >= number_args[i].min && v <= number_args[i].max))
        return plan_fail (error, source, "%s.args.%s: must be between %.15g and %.15g", path, number_args[i].key,
                          number_args[i].min, number_args[i].max);
    }
  return TRUE;
}

static RwTask *
task_from_json (JsonNode *node, const char *source, const char *path, GError **error)
{
  static const char *const keys[] = { "task_id", "type", "target", "args", "dependencies", "assigned_to", NULL };
  RwJsonCtx c = { source, error };
  JsonObject *o;
  JsonArray *deps = NULL;
  g_autofree char *id = NULL, *type = NULL, *target = NULL, *who = NULL;
  g_autoptr(RwTask) t = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      plan_fail (error, source, "%s: expected an object", path);
      return NULL;
    }
  o = json_node_get_object (node);
  if (!rw_json_check_keys (&c, o, path, keys)
      || !rw_json_get_string (&c, o, "task_id", path, TRUE, &id)
      || !rw_json_get_string (&c, o, "type", path, TRUE, &type)
      || !rw_json_get_string (&c, o, "target", path, TRUE, &target)
      || !rw_json_get_array (&c, o, "dependencies", path, TRUE, &deps)
      || !rw_json_get_string (&c, o, "assigned_to", path, TRUE, &who))
    return NULL;
  if (*id == '\0')
    {
      plan_fail (error, source, "%s.task_id: must not be empty", path);
      return NULL;
    }
  t = rw_task_new (id, type, target, who);
  if (json_object_has_member (o, "args"))
    {
      JsonNode *args = json_object_get_member (o, "args");
      if (!JSON_NODE_HOLDS_OBJECT (args))
        {
          plan_fail (error, source, "%s.args: expected an object", path);
          return NULL;
        }
      if (!check_number_args (json_node_get_object (args), source, path, error))
        return NULL;
      json_node_unref (t->args);
      t->args = json_node_copy (args);
    }
  for (guint i = 0; i < json_array_get_length (deps); i++)
    {
      JsonNode *d = json_array_get_element (deps, i);
      if (!JSON_NODE_HOLDS_VALUE (d) || json_node_get_value_type (d) != G_TYPE_STRING)
        {
          plan_fail (error, source, "%s.dependencies[%u]: expected a task id (string)", path, i);
          return NULL;
        }
      g_ptr_array_add (t->dependencies, g_strdup (json_node_get_string (d)));
    }
  return g_steal_pointer (&t);
}

static RwPlan *
plan_from_json (JsonNode *node, const char *source, GError **error)
{
  static const char *const keys[] = { "plan_id", "plan_version", "origin", "tasks", NULL };
  RwJsonCtx c = { source, error };
  JsonArray *tasks = NULL;
  g_autoptr(RwPlan) p = NULL;
  const char *base = "tasks";
  g_autofree char *bad = NULL;

  if (node == NULL)
    {
      plan_fail (error, source, "expected a plan, found nothing");
      return NULL;
    }
  if ((bad = rw_json_find_invalid_utf8 (node, JSON_NODE_HOLDS_OBJECT (node) ? "plan" : "tasks")) != NULL)
    {
      plan_fail (error, source, "%s: not valid UTF-8 (an unpaired \\u surrogate?)", bad);
      return NULL;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autofree char *plan_id = NULL, *origin = NULL;
      guint64 version = 1;
      if (!rw_json_check_keys (&c, o, "plan", keys)
          || !rw_json_get_string (&c, o, "plan_id", "plan", FALSE, &plan_id)
          || !rw_json_get_uint (&c, o, "plan_version", "plan", FALSE, 1, G_MAXUINT32, 1, &version)
          || !rw_json_get_string (&c, o, "origin", "plan", FALSE, &origin)
          || !rw_json_get_array (&c, o, "tasks", "plan", TRUE, &tasks))
        return NULL;
      p = rw_plan_new (plan_id, version, origin);
      base = "plan.tasks";
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      tasks = json_node_get_array (node);
      p = rw_plan_new (NULL, 1, NULL);
    }
  else
    {
      plan_fail (error, source, "expected a plan object or an array of tasks");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (tasks); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s[%u]", base, i);
      RwTask *t = task_from_json (json_array_get_element (tasks, i), source, path, error);
      if (t == NULL)
        return NULL;
      g_ptr_array_add (p->tasks, t);
    }
  return g_steal_pointer (&p);
}

RwPlan *
rw_plan_from_json (JsonNode *node, const char *source, GError **error)
{
  RwPlan *p = plan_from_json (node, source, error);
  if (p == NULL)
    rw_intake_error_normalise (error);
  return p;
}

RwPlan *
rw_plan_from_text (const char *text, const char *source, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *bad = NULL;
  gboolean not_json;
  /* an LLM's answer: checked before json-glib, which reads non-standard text and can be
   * crashed by deep nesting */
  if ((bad = rw_json_check_text (text, -1, &not_json)) != NULL)
    {
      plan_fail (error, source, "%s%s", not_json ? "not JSON: " : "", bad);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, -1, &local))
    {
      plan_fail (error, source, "not JSON: %s", local->message);
      return NULL;
    }
  return rw_plan_from_json (json_parser_get_root (parser), source, error);
}

JsonNode *
rw_plan_to_json (const RwPlan *p)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "plan_id");
  json_builder_add_string_value (b, p->plan_id);
  json_builder_set_member_name (b, "plan_version");
  json_builder_add_int_value (b, p->version);
  json_builder_set_member_name (b, "origin");
  json_builder_add_string_value (b, p->origin);
  json_builder_set_member_name (b, "tasks");
  json_builder_begin_array (b);
  for (guint i = 0; i < p->tasks->len; i++)
    json_builder_add_value (b, rw_task_to_json (p->tasks->pdata[i]));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- validation ---- */

static gint
task_index (const RwPlan *p, const char *id)
{
  for (guint i = 0; i < p->tasks->len; i++)
    if (g_strcmp0 (((RwTask *) p->tasks->pdata[i])->task_id, id) == 0)
      return i;
  return -1;
}

static gboolean
target_known (const RwTopology *topo, const char *target)
{
  RwPrefix pfx;
  if (strcmp (target, "network") == 0 || rw_topology_find_node (topo, target) || rw_topology_find_link (topo, target)
      || rw_topology_find_demand (topo, target))
    return TRUE;
  if (!rw_prefix_parse (target, &pfx))
    return FALSE;
  for (guint i = 0; i < topo->prefixes->len; i++)
    if (rw_prefix_equal (&((RwOrigination *) topo->prefixes->pdata[i])->prefix, &pfx))
      return TRUE;
  for (guint i = 0; i < topo->demands->len; i++)
    if (rw_prefix_equal (&((RwDemand *) topo->demands->pdata[i])->dst, &pfx))
      return TRUE;
  return FALSE;
}

static gboolean
invalid (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_PLAN, "%s", msg);
  return FALSE;
}

/* Depth-first search for a cycle; on finding one, @cycle holds it as "a -> b -> a". */
static gboolean
find_cycle (const RwPlan *p, guint i, guint8 *colour, GArray *stack, GString *cycle)
{
  const RwTask *t = p->tasks->pdata[i];
  colour[i] = 1;
  g_array_append_val (stack, i);
  for (guint d = 0; d < t->dependencies->len; d++)
    {
      gint j = task_index (p, t->dependencies->pdata[d]);
      if (j < 0)
        continue;
      if (colour[j] == 1)
        {
          gboolean on = FALSE;
          for (guint k = 0; k < stack->len; k++)
            {
              guint s = g_array_index (stack, guint, k);
              on = on || s == (guint) j;
              if (on)
                g_string_append_printf (cycle, "%s -> ", ((RwTask *) p->tasks->pdata[s])->task_id);
            }
          g_string_append (cycle, ((RwTask *) p->tasks->pdata[j])->task_id);
          return TRUE;
        }
      if (colour[j] == 0 && find_cycle (p, j, colour, stack, cycle))
        return TRUE;
    }
  colour[i] = 2;
  g_array_set_size (stack, stack->len - 1);
  return FALSE;
}

gboolean
rw_plan_validate (const RwPlan *p, const RwTopology *topo, GError **error)
{
  if (p->tasks->len == 0)
    return invalid (error, "the plan has no tasks");
  if (p->tasks->len > RW_PLAN_MAX_TASKS)
    return invalid (error, "the plan has %u tasks, more than the limit of %d", p->tasks->len, RW_PLAN_MAX_TASKS);
  for (guint i = 0; i < p->tasks->len; i++)
    {
      const RwTask *t = p->tasks->pdata[i];
      const char *agent = rw_task_type_agent (t->type);
      if (task_index (p, t->task_id) != (gint) i)
        return invalid (error, "task id '%s' is used twice", t->task_id);
      if (agent == NULL)
        return invalid (error, "task %s: unsupported task type '%s'", t->task_id, t->type);
      if (g_strcmp0 (agent, t->assigned_to) != 0)
        return invalid (error, "task %s: a %s task runs on %s, not on '%s'", t->task_id, t->type, agent,
                        t->assigned_to);
      for (guint d = 0; d < t->dependencies->len; d++)
        {
          const char *dep = t->dependencies->pdata[d];
          if (task_index (p, dep) < 0)
            return invalid (error, "task %s: depends on unknown task '%s'", t->task_id, dep);
          if (strcmp (dep, t->task_id) == 0)
            return invalid (error, "task %s: depends on itself (cycle %s -> %s)", t->task_id, dep, dep);
          /* a repeated edge would count twice in the TGED and the diff key */
          for (guint e = 0; e < d; e++)
            if (strcmp (t->dependencies->pdata[e], dep) == 0)
              return invalid (error, "task %s: depends on '%s' twice", t->task_id, dep);
        }
      if (topo && !target_known (topo, t->target))
        return invalid (error, "task %s: unknown target '%s' (not a router, ISP, link, prefix or demand of %s)",
                        t->task_id, t->target, topo->name ? topo->name : "the topology");
      if (topo == NULL && *t->target == '\0')
        return invalid (error, "task %s: empty target", t->task_id);
    }
  {
    g_autofree guint8 *colour = g_new0 (guint8, p->tasks->len);
    g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));
    g_autoptr(GString) cycle = g_string_new (NULL);
    for (guint i = 0; i < p->tasks->len; i++)
      if (colour[i] == 0 && find_cycle (p, i, colour, stack, cycle))
        return invalid (error, "the dependencies form a cycle: %s", cycle->str);
  }
  return TRUE;
}

GArray *
rw_plan_topological_order (const RwPlan *p)
{
  guint n = p->tasks->len;
  g_autofree gboolean *placed = g_new0 (gboolean, n);
  g_autoptr(GArray) order = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  /* Kahn's algorithm, always taking the first ready task in plan order so the order is stable */
  while (order->len < n)
    {
      gboolean progress = FALSE;
      for (guint i = 0; i < n && !progress; i++)
        {
          const RwTask *t = p->tasks->pdata[i];
          gboolean ready = !placed[i];
          for (guint d = 0; ready && d < t->dependencies->len; d++)
            {
              gint j = task_index (p, t->dependencies->pdata[d]);
              ready = j >= 0 && placed[j];
            }
          if (ready)
            {
              placed[i] = TRUE;
              g_array_append_val (order, i);
              progress = TRUE;
            }
        }
      if (!progress)
        return NULL;
    }
  return g_steal_pointer (&order);
}

/* ---- diff and TGED ---- */

static char *
task_signature (const RwTask *t)
{
  g_autofree char *args = rw_json_canonical (t->args);
  g_autoptr(GString) s = g_string_new (NULL);
  g_string_append_printf (s, "%s:%s@%s%s<", t->task_id, t->type, t->target, args);
  for (guint i = 0; i < t->dependencies->len; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", (char *) t->dependencies->pdata[i]);
  g_string_append_c (s, '>');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

char *
rw_plan_diff_key (const RwPlan *from, const RwPlan *to)
{
  g_autoptr(GHashTable) before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) after = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter it;
  gpointer key;
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; from && i < from->tasks->len; i++)
    g_hash_table_add (before, task_signature (from->tasks->pdata[i]));
  for (guint i = 0; i < to->tasks->len; i++)
    g_hash_table_add (after, task_signature (to->tasks->pdata[i]));
  g_hash_table_iter_init (&it, after);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (!g_hash_table_contains (before, key))
      g_ptr_array_add (parts, g_strconcat ("+", key, NULL));
  g_hash_table_iter_init (&it, before);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (!g_hash_table_contains (after, key))
      g_ptr_array_add (parts, g_strconcat ("-", key, NULL));
  g_ptr_array_sort (parts, compare_strings);
  for (guint i = 0; i < parts->len; i++)
    g_string_append_printf (out, "%s%s", i ? " " : "", (char *) parts->pdata[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static guint
count_edges (const RwPlan *p)
{
  guint n = 0;
  for (guint i = 0; i < p->tasks->len; i++)
    n += ((RwTask *) p->tasks->pdata[i])->dependencies->len;
  return n;
}

static gboolean
has_edge (const RwPlan *p, gint from, gint to)
{
  const RwTask *t = p->tasks->pdata[to];
  const RwTask *f = p->tasks->pdata[from];
  for (guint d = 0; d < t->dependencies->len; d++)
    if (g_strcmp0 (t->dependencies->pdata[d], f->task_id) == 0)
      return TRUE;
  return FALSE;
}

double
rw_plan_tged (const RwPlan *a, const RwPlan *b)
{
  guint na = a->tasks->len, nb = b->tasks->len;
  guint size = na + nb + count_edges (a) + count_edges (b);
  g_autofree gint *match = g_new (gint, na);   /* a index -> b index or -1 */
  g_autofree gboolean *used = g_new0 (gboolean, nb);
  g_autoptr(GArray) order_a = rw_plan_topological_order (a);
  g_autoptr(GArray) order_b = rw_plan_topological_order (b);
  guint cost = 0, edges_matched = 0;

  if (size == 0)
    return 0.0;
  for (guint i = 0; i < na; i++)
    match[i] = -1;
  /* greedy matching in dependency order: the first unused task of b with the same type and
   * target, so repeated checks pair up in the order they run */
  for (guint x = 0; x < na; x++)
    {
      guint i = order_a ? g_array_index (order_a, guint, x) : x;
      const RwTask *ta = a->tasks->pdata[i];
      for (guint y = 0; y < nb; y++)
        {
          guint j = order_b ? g_array_index (order_b, guint, y) : y;
          const RwTask *tb = b->tasks->pdata[j];
          if (!used[j] && g_strcmp0 (ta->type, tb->type) == 0 && g_strcmp0 (ta->target, tb->target) == 0)
            {
              match[i] = j;
              used[j] = TRUE;
              break;
            }
        }
    }
  for (guint i = 0; i < na; i++)
    {
      if (match[i] < 0)
        {
          cost++;   /* deleted from a */
          continue;
        }
      {
        g_autofree char *aa = rw_json_canonical (((RwTask *) a->tasks->pdata[i])->args);
        g_autofree char *ba = rw_json_canonical (((RwTask *) b->tasks->pdata[match[i]])->args);
        if (strcmp (aa, ba) != 0)
          cost++;   /* relabelled */
      }
    }
  for (guint j = 0; j < nb; j++)
    if (!used[j])
      cost++;     /* inserted into b */
  /* edges of a that survive the matching */
  for (guint i = 0; i < na; i++)
    for (guint k = 0; k < na; k++)
      if (has_edge (a, k, i) && match[i] >= 0 && match[k] >= 0 && has_edge (b, match[k], match[i]))
        edges_matched++;
  cost += (count_edges (a) - edges_matched) + (count_edges (b) - edges_matched);
  return MIN (1.0, (double) cost / size);
}
