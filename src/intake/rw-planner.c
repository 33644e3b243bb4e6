/* rw-planner.c — the rulebook planner.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-planner.h"

#include <string.h>

RwPlan *
rw_planner_plan (RwPlanner *planner, const RwPlanRequest *req, GError **error)
{
  return planner->plan (planner, req, error);
}

void
rw_planner_free (RwPlanner *planner)
{
  if (planner == NULL)
    return;
  if (planner->free_data)
    planner->free_data (planner->data);
  g_free (planner);
}

/* Replaces {fact} in @s; sets *@missing to the first fact that is unknown. */
static char *
fill (const char *s, const RwFacts *facts, const char **missing)
{
  static const char *const names[] = { "link", "router", "isp", "prefix" };
  g_autoptr(GString) out = g_string_new (NULL);
  for (const char *p = s; *p;)
    {
      gboolean done = FALSE;
      if (*p == '{')
        for (guint i = 0; i < G_N_ELEMENTS (names) && !done; i++)
          {
            gsize n = strlen (names[i]);
            if (strncmp (p + 1, names[i], n) == 0 && p[n + 1] == '}')
              {
                const char *v = rw_facts_get (facts, names[i]);
                if (v == NULL && *missing == NULL)
                  *missing = names[i];
                g_string_append (out, v ? v : "?");
                p += n + 2;
                done = TRUE;
              }
          }
      if (!done)
        g_string_append_c (out, *p++);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static JsonNode *
fill_node (JsonNode *node, const RwFacts *facts, const char **missing)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *in = json_node_get_object (node), *out = json_object_new ();
      g_autoptr(GList) members = json_object_get_members (in);
      for (GList *l = members; l; l = l->next)
        json_object_set_member (out, l->data, fill_node (json_object_get_member (in, l->data), facts, missing));
      JsonNode *n = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (n, out);
      return n;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *in = json_node_get_array (node), *out = json_array_new ();
      for (guint i = 0; i < json_array_get_length (in); i++)
        json_array_add_element (out, fill_node (json_array_get_element (in, i), facts, missing));
      JsonNode *n = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (n, out);
      return n;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *s = fill (json_node_get_string (node), facts, missing);
      return json_node_init_string (json_node_alloc (), s);
    }
  return json_node_copy (node);
}

/* Drops every task that depends, directly or not, on a task in @dropped (task ids). */
static void
drop_dependents (RwPlan *p, GHashTable *dropped)
{
  gboolean changed = TRUE;
  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < p->tasks->len;)
        {
          RwTask *t = p->tasks->pdata[i];
          gboolean drop = g_hash_table_contains (dropped, t->task_id);
          for (guint d = 0; !drop && d < t->dependencies->len; d++)
            drop = g_hash_table_contains (dropped, t->dependencies->pdata[d]);
          if (drop)
            {
              if (g_hash_table_add (dropped, g_strdup (t->task_id)))
                changed = TRUE;
              g_ptr_array_remove_index (p->tasks, i);
              changed = TRUE;
            }
          else
            i++;
        }
    }
}

RwPlan *
rw_rulebook_instantiate (const RwRunbook *rb, const RwFacts *facts, const char *plan_id, GError **error)
{
  g_autofree char *where = g_strdup_printf ("runbook %s", rb->id);
  g_autoptr(RwPlan) tmpl = rw_plan_from_json (rb->plan, where, error);
  g_autoptr(RwPlan) p = NULL;
  g_autoptr(GHashTable) dropped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) asks = g_ptr_array_new ();

  if (tmpl == NULL)
    return NULL;
  p = rw_plan_new (plan_id, 1, "rulebook");
  for (guint i = 0; i < tmpl->tasks->len; i++)
    {
      const RwTask *t = tmpl->tasks->pdata[i];
      const char *missing = NULL;
      g_autofree char *target = fill (t->target, facts, &missing);
      RwTask *c = rw_task_copy (t);
      g_free (c->target);
      c->target = g_steal_pointer (&target);
      json_node_unref (c->args);
      c->args = fill_node (t->args, facts, &missing);
      g_ptr_array_add (p->tasks, c);
      if (missing)
        {
          g_hash_table_add (dropped, g_strdup (c->task_id));
          if (!g_ptr_array_find_with_equal_func (asks, missing, g_str_equal, NULL))
            g_ptr_array_add (asks, (gpointer) missing);
        }
    }
  drop_dependents (p, dropped);
  for (guint i = 0; i < asks->len; i++)
    {
      const char *fact = asks->pdata[i];
      g_autofree char *id = g_strdup_printf ("ask-%s", fact);
      const char *q = g_hash_table_lookup (rb->questions, fact);
      RwTask *c = rw_task_new (id, "clarify", "network", NULL);
      json_object_set_string_member (json_node_get_object (c->args), "question",
                                     q ? q : "Which element of the network is affected?");
      json_object_set_string_member (json_node_get_object (c->args), "fact", fact);
      g_ptr_array_add (p->tasks, c);
    }
  return g_steal_pointer (&p);
}

RwPlan *
rw_rulebook_replan (const RwPlan *current, JsonNode *failure)
{
  RwPlan *p = rw_plan_copy (current);
  g_autoptr(GHashTable) dropped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonObject *f = failure && JSON_NODE_HOLDS_OBJECT (failure) ? json_node_get_object (failure) : NULL;
  const char *failed = f && json_object_has_member (f, "task_id") ? json_object_get_string_member (f, "task_id") : NULL;
  const char *status = f && json_object_has_member (f, "status") ? json_object_get_string_member (f, "status") : "failed";
  const char *why = f && json_object_has_member (f, "error") && !json_object_get_null_member (f, "error")
                      ? json_object_get_string_member (f, "error") : NULL;
  g_autofree char *esc_id = g_strdup_printf ("escalate-%s", failed ? failed : "plan");
  RwTask *esc;

  p->version = current->version + 1;
  g_free (p->origin);
  p->origin = g_strdup ("rulebook");
  if (failed)
    {
      g_hash_table_add (dropped, g_strdup (failed));
      drop_dependents (p, dropped);
    }
  if (rw_plan_find_task (p, esc_id) == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("task %s %s%s%s", failed ? failed : "?", status,
                                                 why ? ": " : "", why ? why : "");
      esc = rw_task_new (esc_id, "escalate", "network", NULL);
      json_object_set_string_member (json_node_get_object (esc->args), "reason", reason);
      g_ptr_array_add (p->tasks, esc);
    }
  return p;
}

static RwPlan *
rulebook_plan (RwPlanner *self, const RwPlanRequest *req, GError **error)
{
  if (req->current && req->failure)
    return rw_rulebook_replan (req->current, req->failure);
  return rw_rulebook_instantiate (req->runbook, req->facts, req->plan_id, error);
}

RwPlanner *
rw_rulebook_planner_new (void)
{
  RwPlanner *p = g_new0 (RwPlanner, 1);
  p->name = "rulebook";
  p->decision_tag = "DETERMINISTIC";
  p->plan = rulebook_plan;
  return p;
}
