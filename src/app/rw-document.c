/* rw-document.c — an open topology with undo history and a twin solved off the GUI thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-document.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include "rw-frr-import.h"

typedef struct {
  RwTopology *topo;   /* the configuration before (undo) or after (redo) the step */
  char *label;
} Step;

struct _RwDocument {
  GObject parent_instance;
  RwTopology *topo;
  RwTwin *twin;
  GFile *file;
  GFile *source;           /* the configurations an imported network came from; never written */
  gboolean modified;
  GPtrArray *undo, *redo;  /* Step */
  guint generation;        /* bumped by every edit: stale solves are dropped */
  guint solving;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (RwDocument, rw_document, G_TYPE_OBJECT)

enum { PROP_0, PROP_MODIFIED, PROP_FILE, PROP_CAN_UNDO, PROP_CAN_REDO, N_PROPS };
static GParamSpec *props[N_PROPS];
enum { CHANGED, SOLVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
step_free (Step *s)
{
  rw_topology_free (s->topo);
  g_free (s->label);
  g_free (s);
}

static Step *
step_new (RwTopology *topo, const char *label)
{
  Step *s = g_new0 (Step, 1);
  s->topo = topo;
  s->label = g_strdup (label);
  return s;
}

/* ---- solving on a worker ---- */

static void
solve_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  RwTwin *twin = rw_twin_new (rw_topology_copy (data));
  g_task_return_pointer (task, twin, (GDestroyNotify) rw_twin_free);
}

static void
solve_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RwDocument *doc = RW_DOCUMENT (source);
  guint gen = GPOINTER_TO_UINT (user_data);
  RwTwin *twin = g_task_propagate_pointer (G_TASK (result), NULL);
  doc->solving--;
  if (twin == NULL)
    return;
  if (gen != doc->generation)
    {
      rw_twin_free (twin); /* an edit came after: its own solve is on the way */
      return;
    }
  g_clear_pointer (&doc->twin, rw_twin_free);
  doc->twin = twin;
  g_signal_emit (doc, signals[SOLVED], 0);
}

static void
solve (RwDocument *doc)
{
  g_autoptr(GTask) task = g_task_new (doc, doc->cancellable, solve_done, GUINT_TO_POINTER (doc->generation));
  g_task_set_task_data (task, rw_topology_copy (doc->topo), (GDestroyNotify) rw_topology_free);
  g_task_set_source_tag (task, solve);
  doc->solving++;
  g_task_run_in_thread (task, solve_thread);
}

/* ---- history ---- */

static void
notify_history (RwDocument *doc)
{
  g_object_notify_by_pspec (G_OBJECT (doc), props[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (doc), props[PROP_CAN_REDO]);
}

static void
set_modified (RwDocument *doc, gboolean modified)
{
  if (doc->modified == modified)
    return;
  doc->modified = modified;
  g_object_notify_by_pspec (G_OBJECT (doc), props[PROP_MODIFIED]);
}

static void
replace_topology (RwDocument *doc, RwTopology *topo)
{
  rw_topology_free (doc->topo);
  doc->topo = topo;
  doc->generation++;
  set_modified (doc, TRUE);
  g_signal_emit (doc, signals[CHANGED], 0);
  solve (doc);
}

/* Accepts @topo (owned) as the new configuration when it validates. */
static gboolean
commit (RwDocument *doc, RwTopology *topo, const char *label, GError **error)
{
  if (!rw_topology_validate (topo, error))
    {
      rw_topology_free (topo);
      return FALSE;
    }
  g_ptr_array_add (doc->undo, step_new (rw_topology_copy (doc->topo), label));
  g_ptr_array_set_size (doc->redo, 0);
  replace_topology (doc, topo);
  notify_history (doc);
  return TRUE;
}

gboolean
rw_document_can_undo (RwDocument *doc)
{
  return doc->undo->len > 0;
}

gboolean
rw_document_can_redo (RwDocument *doc)
{
  return doc->redo->len > 0;
}

const char *
rw_document_get_undo_label (RwDocument *doc)
{
  return doc->undo->len ? ((Step *) doc->undo->pdata[doc->undo->len - 1])->label : NULL;
}

const char *
rw_document_get_redo_label (RwDocument *doc)
{
  return doc->redo->len ? ((Step *) doc->redo->pdata[doc->redo->len - 1])->label : NULL;
}

static gboolean
travel (RwDocument *doc, GPtrArray *from, GPtrArray *to)
{
  Step *s;
  if (from->len == 0)
    return FALSE;
  s = g_ptr_array_steal_index (from, from->len - 1);
  g_ptr_array_add (to, step_new (g_steal_pointer (&doc->topo), s->label));
  doc->topo = rw_topology_new ("");
  replace_topology (doc, g_steal_pointer (&s->topo));
  step_free (s);
  notify_history (doc);
  return TRUE;
}

gboolean
rw_document_undo (RwDocument *doc)
{
  return travel (doc, doc->undo, doc->redo);
}

gboolean
rw_document_redo (RwDocument *doc)
{
  return travel (doc, doc->redo, doc->undo);
}

/* ---- edits ---- */

static guint32
our_asn (const RwTopology *t)
{
  for (guint i = 0; i < t->nodes->len; i++)
    if (((RwNode *) t->nodes->pdata[i])->kind == RW_NODE_ROUTER)
      return ((RwNode *) t->nodes->pdata[i])->asn;
  return 65001;
}

static gboolean
router_id_used (const RwTopology *t, guint32 id)
{
  for (guint i = 0; i < t->nodes->len; i++)
    if (((RwNode *) t->nodes->pdata[i])->router_id == id)
      return TRUE;
  return FALSE;
}

static gboolean
asn_used (const RwTopology *t, guint32 asn)
{
  for (guint i = 0; i < t->nodes->len; i++)
    if (((RwNode *) t->nodes->pdata[i])->asn == asn)
      return TRUE;
  return FALSE;
}

gboolean
rw_document_add_node (RwDocument *doc, RwNodeRole role, double x, double y, char **new_id, GError **error)
{
  RwTopology *t = rw_topology_copy (doc->topo);
  gboolean external = role == RW_ROLE_ISP || role == RW_ROLE_INTERNET;
  const char *stem = role == RW_ROLE_ISP ? "ISP-" : role == RW_ROLE_INTERNET ? "NET-" : "R";
  g_autofree char *id = NULL;
  g_autofree char *label = NULL;
  guint32 asn, rid;
  RwNode *n;
  for (guint k = 1;; k++)
    {
      g_free (id);
      id = g_strdup_printf ("%s%u", stem, k);
      if (rw_topology_find_node (t, id) == NULL)
        break;
    }
  asn = our_asn (t);
  if (external)
    for (asn = 64512; asn_used (t, asn); asn++)
      ;
  /* router ids: 10.255.0.N for ours, 198.18.2.N outside */
  for (rid = external ? 0xC6120201u : 0x0AFF0001u; router_id_used (t, rid); rid++)
    ;
  n = rw_node_new (id, external ? RW_NODE_EXTERNAL : RW_NODE_ROUTER, role, asn, rid);
  n->x = round (x);
  n->y = round (y);
  g_ptr_array_add (t->nodes, n);
  label = g_strdup_printf (_("Add %s"), id);
  if (!commit (doc, t, label, error))
    return FALSE;
  if (new_id)
    *new_id = g_steal_pointer (&id);
  return TRUE;
}

gboolean
rw_document_move_nodes (RwDocument *doc, GPtrArray *ids, const double *xy, const char *description, GError **error)
{
  RwTopology *t = rw_topology_copy (doc->topo);
  for (guint i = 0; i < ids->len; i++)
    {
      RwNode *n = rw_topology_find_node (t, ids->pdata[i]);
      if (n == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No node “%s”"), (char *) ids->pdata[i]);
          rw_topology_free (t);
          return FALSE;
        }
      n->x = round (xy[2 * i]);
      n->y = round (xy[2 * i + 1]);
    }
  return commit (doc, t, description, error);
}

gboolean
rw_document_move_node (RwDocument *doc, const char *id, double x, double y, GError **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  double xy[2] = { x, y };
  g_autofree char *label = g_strdup_printf (_("Move %s"), id);
  g_ptr_array_add (ids, (gpointer) id);
  return rw_document_move_nodes (doc, ids, xy, label, error);
}

gboolean
rw_document_link_nodes (RwDocument *doc, const char *a, const char *b, char **new_link, GError **error)
{
  RwTopology *t;
  RwNode *na = rw_topology_find_node (doc->topo, a), *nb = rw_topology_find_node (doc->topo, b);
  g_autofree char *id = NULL, *label = NULL;
  if (na == NULL || nb == NULL || g_strcmp0 (a, b) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("A link needs two different nodes"));
      return FALSE;
    }
  t = rw_topology_copy (doc->topo);
  id = g_strdup_printf ("%s-%s", a, b);
  for (guint k = 2; rw_topology_find_link (t, id); k++)
    {
      g_free (id);
      id = g_strdup_printf ("%s-%s-%u", a, b, k);
    }
  /* 10 Gb/s, 2 ms: a metro link; edit it in the inspector */
  g_ptr_array_add (t->links, rw_link_new (id, a, b, 10000, 2));
  if (rw_topology_find_session (t, a, b) == NULL)
    g_ptr_array_add (t->sessions, rw_session_new (a, b));
  label = g_strdup_printf (_("Link %s and %s"), a, b);
  if (!commit (doc, t, label, error))
    return FALSE;
  if (new_link)
    *new_link = g_steal_pointer (&id);
  return TRUE;
}

static gboolean
in (GPtrArray *ids, const char *id)
{
  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (g_strcmp0 (ids->pdata[i], id) == 0)
      return TRUE;
  return FALSE;
}

gboolean
rw_document_delete (RwDocument *doc, GPtrArray *node_ids, GPtrArray *link_ids, GError **error)
{
  RwTopology *t = rw_topology_copy (doc->topo);
  g_autofree char *label = NULL;
  guint n = (node_ids ? node_ids->len : 0) + (link_ids ? link_ids->len : 0);
  if (n == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Nothing is selected"));
      rw_topology_free (t);
      return FALSE;
    }
  for (guint i = t->nodes->len; i > 0; i--)
    if (in (node_ids, ((RwNode *) t->nodes->pdata[i - 1])->id))
      g_ptr_array_remove_index (t->nodes, i - 1);
  for (guint i = t->links->len; i > 0; i--)
    {
      RwLink *l = t->links->pdata[i - 1];
      if (in (link_ids, l->id) || in (node_ids, l->a) || in (node_ids, l->b))
        g_ptr_array_remove_index (t->links, i - 1);
    }
  for (guint i = t->sessions->len; i > 0; i--)
    {
      RwSession *s = t->sessions->pdata[i - 1];
      gboolean linked = FALSE;
      if (in (node_ids, s->a) || in (node_ids, s->b))
        {
          g_ptr_array_remove_index (t->sessions, i - 1);
          continue;
        }
      /* an eBGP session dies with its last link; iBGP rides the IGP */
      if (!rw_session_is_ebgp (t, s))
        continue;
      for (guint k = 0; k < t->links->len; k++)
        {
          RwLink *l = t->links->pdata[k];
          linked |= (g_strcmp0 (l->a, s->a) == 0 && g_strcmp0 (l->b, s->b) == 0) ||
                    (g_strcmp0 (l->a, s->b) == 0 && g_strcmp0 (l->b, s->a) == 0);
        }
      if (!linked)
        g_ptr_array_remove_index (t->sessions, i - 1);
    }
  for (guint i = t->prefixes->len; i > 0; i--)
    if (in (node_ids, ((RwOrigination *) t->prefixes->pdata[i - 1])->origin_node))
      g_ptr_array_remove_index (rw_topology_prefixes_writable (t), i - 1);
  for (guint i = t->demands->len; i > 0; i--)
    if (in (node_ids, ((RwDemand *) t->demands->pdata[i - 1])->src))
      g_ptr_array_remove_index (rw_topology_demands_writable (t), i - 1);
  if (n == 1)
    label = g_strdup_printf (_("Delete %s"), node_ids && node_ids->len ? (char *) node_ids->pdata[0] : (char *) link_ids->pdata[0]);
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u item", "Delete %u items", n), n);
  return commit (doc, t, label, error);
}

/* ---- JSON paths into the topology file ---- */

static gboolean
split_path (const char *path, char **collection, gint *index, char **name)
{
  const char *br = strchr (path, '['), *dot = strchr (path, '.');
  *index = -1;
  *name = NULL;
  if (br)
    {
      char *end = NULL;
      gint64 v;
      *collection = g_strndup (path, br - path);
      v = g_ascii_strtoll (br + 1, &end, 10);
      if (end == br + 1 || *end != ']' || end[1] != '\0' || v < 0 || v > G_MAXINT)
        {
          g_clear_pointer (collection, g_free);
          return FALSE;
        }
      *index = (gint) v;
      return TRUE;
    }
  if (dot)
    {
      *collection = g_strndup (path, dot - path);
      *name = g_strdup (dot + 1);
      return TRUE;
    }
  return FALSE;
}

static JsonNode *
topology_json (const RwTopology *t)
{
  gsize len = 0;
  g_autofree char *text = rw_topology_to_data (t, &len);
  return json_from_string (text, NULL);
}

JsonNode *
rw_document_dup_json (RwDocument *doc, const char *path)
{
  g_autoptr(JsonNode) root = topology_json (doc->topo);
  g_autofree char *collection = NULL, *name = NULL;
  gint index;
  JsonNode *member;
  if (root == NULL || !split_path (path, &collection, &index, &name))
    return NULL;
  member = json_object_get_member (json_node_get_object (root), collection);
  if (member == NULL)
    return NULL;
  if (index >= 0 && JSON_NODE_HOLDS_ARRAY (member) && (guint) index < json_array_get_length (json_node_get_array (member)))
    return json_node_copy (json_array_get_element (json_node_get_array (member), index));
  if (name && JSON_NODE_HOLDS_OBJECT (member) && json_object_has_member (json_node_get_object (member), name))
    return json_node_copy (json_object_get_member (json_node_get_object (member), name));
  return NULL;
}

/* Accepts the topology file @root as the new configuration when it loads: the file loader is
 * the validator, so an edit is accepted exactly when the file would load. */
static gboolean
commit_json (RwDocument *doc, JsonNode *root, const char *source, const char *label, GError **error)
{
  g_autofree char *text = json_to_string (root, FALSE);
  RwTopology *t = rw_topology_load_data (text, -1, source, error);
  if (t == NULL)
    return FALSE;
  return commit (doc, t, label, error);
}

gboolean
rw_document_replace_json (RwDocument *doc, const char *path, JsonNode *value, GError **error)
{
  g_autoptr(JsonNode) root = topology_json (doc->topo);
  g_autofree char *collection = NULL, *name = NULL, *label = NULL;
  gint index;
  JsonNode *member;
  if (root == NULL || !split_path (path, &collection, &index, &name) ||
      (member = json_object_get_member (json_node_get_object (root), collection)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s: no such entity"), path);
      return FALSE;
    }
  if (index >= 0 && JSON_NODE_HOLDS_ARRAY (member) && (guint) index < json_array_get_length (json_node_get_array (member)))
    {
      JsonArray *a = json_node_get_array (member);
      json_array_remove_element (a, index);
      /* json-glib has no insert: rebuild the array with the new element in its place */
      {
        g_autoptr(JsonArray) b = json_array_new ();
        guint n = json_array_get_length (a) + 1;
        for (guint i = 0, j = 0; i < n; i++)
          json_array_add_element (b, i == (guint) index ? json_node_copy (value) : json_node_copy (json_array_get_element (a, j++)));
        json_node_set_array (member, b);
      }
    }
  else if (name && JSON_NODE_HOLDS_OBJECT (member) && json_object_has_member (json_node_get_object (member), name))
    json_object_set_member (json_node_get_object (member), name, json_node_copy (value));
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s: no such entity"), path);
      return FALSE;
    }
  label = g_strdup_printf (_("Edit %s"), path);
  return commit_json (doc, root, _("the network"), label, error);
}

/* ---- entities added and removed by the editors ---- */

/* The topology's member @collection, created empty (an object or an array) when missing. */
static JsonNode *
collection_of (JsonNode *root, const char *collection, gboolean array)
{
  JsonObject *o = json_node_get_object (root);
  if (!json_object_has_member (o, collection))
    {
      if (array)
        json_object_set_array_member (o, collection, json_array_new ());
      else
        json_object_set_object_member (o, collection, json_object_new ());
    }
  return json_object_get_member (o, collection);
}

/* The topology file with @value appended to the array @collection, committed when it loads. */
static gboolean
append_json (RwDocument *doc, const char *collection, JsonNode *value, const char *label, GError **error)
{
  g_autoptr(JsonNode) root = topology_json (doc->topo);
  JsonNode *member;
  if (root == NULL || value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("%s: expected an object"), collection);
      return FALSE;
    }
  member = collection_of (root, collection, TRUE);
  json_array_add_element (json_node_get_array (member), json_node_copy (value));
  return commit_json (doc, root, _("the network"), label, error);
}

/* The topology file without element @index of the array @collection, committed when it loads. */
static gboolean
remove_json (RwDocument *doc, const char *collection, guint index, const char *label, GError **error)
{
  g_autoptr(JsonNode) root = topology_json (doc->topo);
  JsonNode *member = root ? json_object_get_member (json_node_get_object (root), collection) : NULL;
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member) || index >= json_array_get_length (json_node_get_array (member)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s[%u]: no such entity"), collection, index);
      return FALSE;
    }
  json_array_remove_element (json_node_get_array (member), index);
  return commit_json (doc, root, _("the network"), label, error);
}

gboolean
rw_document_add_session (RwDocument *doc, JsonNode *session, GError **error)
{
  JsonObject *o = session && JSON_NODE_HOLDS_OBJECT (session) ? json_node_get_object (session) : NULL;
  g_autofree char *label = g_strdup_printf (_("Add session %s–%s"), o ? json_object_get_string_member_with_default (o, "a", "?") : "?",
                                            o ? json_object_get_string_member_with_default (o, "b", "?") : "?");
  return append_json (doc, "sessions", session, label, error);
}

gint
rw_document_find_session (RwDocument *doc, const char *a, const char *b)
{
  for (guint i = 0; i < doc->topo->sessions->len; i++)
    {
      const RwSession *s = doc->topo->sessions->pdata[i];
      if ((g_strcmp0 (s->a, a) == 0 && g_strcmp0 (s->b, b) == 0) || (g_strcmp0 (s->a, b) == 0 && g_strcmp0 (s->b, a) == 0))
        return (gint) i;
    }
  return -1;
}

gboolean
rw_document_remove_session (RwDocument *doc, const char *a, const char *b, GError **error)
{
  gint i = rw_document_find_session (doc, a, b);
  g_autofree char *label = g_strdup_printf (_("Remove session %s–%s"), a, b);
  if (i < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No session between “%s” and “%s”"), a, b);
      return FALSE;
    }
  return remove_json (doc, "sessions", (guint) i, label, error);
}

gboolean
rw_document_add_prefix (RwDocument *doc, JsonNode *origination, GError **error)
{
  JsonObject *o = origination && JSON_NODE_HOLDS_OBJECT (origination) ? json_node_get_object (origination) : NULL;
  g_autofree char *label = g_strdup_printf (_("Add prefix %s at %s"), o ? json_object_get_string_member_with_default (o, "prefix", "?") : "?",
                                            o ? json_object_get_string_member_with_default (o, "origin_node", "?") : "?");
  return append_json (doc, "prefixes", origination, label, error);
}

gint
rw_document_find_prefix (RwDocument *doc, const char *prefix, const char *origin_node)
{
  RwPrefix p;
  if (!rw_prefix_parse (prefix, &p))
    return -1;
  for (guint i = 0; i < doc->topo->prefixes->len; i++)
    {
      const RwOrigination *o = doc->topo->prefixes->pdata[i];
      if (o->prefix.addr == p.addr && o->prefix.len == p.len && g_strcmp0 (o->origin_node, origin_node) == 0)
        return (gint) i;
    }
  return -1;
}

gboolean
rw_document_remove_prefix (RwDocument *doc, const char *prefix, const char *origin_node, GError **error)
{
  gint i = rw_document_find_prefix (doc, prefix, origin_node);
  g_autofree char *label = g_strdup_printf (_("Remove prefix %s at %s"), prefix, origin_node);
  if (i < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s does not originate %s"), origin_node, prefix);
      return FALSE;
    }
  return remove_json (doc, "prefixes", (guint) i, label, error);
}

gint
rw_document_find_node (RwDocument *doc, const char *id)
{
  for (guint i = 0; i < doc->topo->nodes->len; i++)
    if (g_strcmp0 (((RwNode *) doc->topo->nodes->pdata[i])->id, id) == 0)
      return (gint) i;
  return -1;
}

static void
rename_in (char **field, const char *id, const char *new_id)
{
  if (g_strcmp0 (*field, id) == 0)
    {
      g_free (*field);
      *field = g_strdup (new_id);
    }
}

gboolean
rw_document_rename_node (RwDocument *doc, const char *id, const char *new_id, GError **error)
{
  RwTopology *t;
  g_autofree char *label = NULL;
  if (rw_topology_find_node (doc->topo, id) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No node “%s”"), id);
      return FALSE;
    }
  if (g_strcmp0 (id, new_id) == 0)
    return TRUE;
  t = rw_topology_copy (doc->topo);
  for (guint i = 0; i < t->nodes->len; i++)
    rename_in (&((RwNode *) t->nodes->pdata[i])->id, id, new_id);
  for (guint i = 0; i < t->links->len; i++)
    {
      RwLink *l = t->links->pdata[i];
      rename_in (&l->a, id, new_id);
      rename_in (&l->b, id, new_id);
    }
  for (guint i = 0; i < t->sessions->len; i++)
    {
      RwSession *s = t->sessions->pdata[i];
      rename_in (&s->a, id, new_id);
      rename_in (&s->b, id, new_id);
      rename_in (&s->ends[0].node, id, new_id);
      rename_in (&s->ends[1].node, id, new_id);
    }
  /* the originations and the demands are shared between copies: each is copied first, from
   * the first that names the node, and only when one does */
  for (guint i = 0; i < t->prefixes->len; i++)
    if (g_strcmp0 (((RwOrigination *) t->prefixes->pdata[i])->origin_node, id) == 0)
      {
        GPtrArray *prefixes = rw_topology_prefixes_writable (t);
        for (guint k = i; k < prefixes->len; k++)
          if (g_strcmp0 (((RwOrigination *) prefixes->pdata[k])->origin_node, id) == 0)
            ((RwOrigination *) prefixes->pdata[k])->origin_node = g_intern_string (new_id);
        break;
      }
  for (guint i = 0; i < t->demands->len; i++)
    if (g_strcmp0 (((RwDemand *) t->demands->pdata[i])->src, id) == 0)
      {
        GPtrArray *demands = rw_topology_demands_writable (t);
        for (guint k = i; k < demands->len; k++)
          rename_in (&((RwDemand *) demands->pdata[k])->src, id, new_id);
        break;
      }
  label = g_strdup_printf (_("Rename %s to %s"), id, new_id ? new_id : "");
  return commit (doc, t, label, error);
}

/* ---- adding, removing and renaming entities (the route-map, demand and SLA editors) ---- */

static gboolean
named_collection (const char *collection)
{
  return g_strcmp0 (collection, "policies") == 0 || g_strcmp0 (collection, "sla_classes") == 0;
}

gboolean
rw_document_insert_json (RwDocument *doc, const char *path, JsonNode *value, GError **error)
{
  g_autoptr(JsonNode) root = topology_json (doc->topo);
  g_autofree char *collection = NULL, *name = NULL, *label = NULL;
  gint index;
  JsonNode *member;
  if (root != NULL && g_strcmp0 (path, "demands") == 0)
    {
      label = g_strdup_printf (_("Add %s"), path);
      return append_json (doc, "demands", value, label, error);
    }
  if (root == NULL || !split_path (path, &collection, &index, &name) || name == NULL || !named_collection (collection))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("%s: cannot add an entity here"), path);
      return FALSE;
    }
  if (*g_strstrip (name) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("%s: the name must not be empty"), collection);
      return FALSE;
    }
  member = collection_of (root, collection, FALSE);
  if (json_object_has_member (json_node_get_object (member), name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("%s.%s: the name is already used"), collection, name);
      return FALSE;
    }
  json_object_set_member (json_node_get_object (member), name, json_node_copy (value));
  label = g_strdup_printf (_("Add %s"), name);
  return commit_json (doc, root, _("the network"), label, error);
}

/* Who refers to route-map @name ("R1–ISP-A (import at R1)"), or to SLA class @name (demand ids). */
static GPtrArray *
users_of (const RwTopology *t, const char *collection, const char *name)
{
  GPtrArray *users = g_ptr_array_new_with_free_func (g_free);
  if (g_strcmp0 (collection, "policies") == 0)
    for (guint i = 0; i < t->sessions->len; i++)
      {
        const RwSession *s = t->sessions->pdata[i];
        for (guint e = 0; e < 2; e++)
          {
            if (g_strcmp0 (s->ends[e].import, name) == 0)
              g_ptr_array_add (users, g_strdup_printf (_("%s–%s (import at %s)"), s->a, s->b, s->ends[e].node));
            if (g_strcmp0 (s->ends[e].export, name) == 0)
              g_ptr_array_add (users, g_strdup_printf (_("%s–%s (export at %s)"), s->a, s->b, s->ends[e].node));
          }
      }
  else
    for (guint i = 0; i < t->demands->len; i++)
      if (g_strcmp0 (((RwDemand *) t->demands->pdata[i])->sla_class, name) == 0)
        g_ptr_array_add (users, g_strdup (((RwDemand *) t->demands->pdata[i])->id));
  g_ptr_array_add (users, NULL);
  return users;
}

GStrv
rw_document_dup_users (RwDocument *doc, const char *path)
{
  g_autofree char *collection = NULL, *name = NULL;
  gint index;
  GPtrArray *users;
  if (!split_path (path, &collection, &index, &name) || name == NULL || !named_collection (collection))
    return g_new0 (char *, 1);
  users = users_of (doc->topo, collection, name);
  return (GStrv) g_ptr_array_free (users, FALSE);
}

gboolean
rw_document_delete_json (RwDocument *doc, const char *path, GError **error)
{
  g_autoptr(JsonNode) root = topology_json (doc->topo);
  g_autofree char *collection = NULL, *name = NULL, *label = NULL;
  gint index;
  JsonNode *member;
  if (root == NULL || !split_path (path, &collection, &index, &name) ||
      (member = json_object_get_member (json_node_get_object (root), collection)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s: no such entity"), path);
      return FALSE;
    }
  if (name && named_collection (collection) && JSON_NODE_HOLDS_OBJECT (member) &&
      json_object_has_member (json_node_get_object (member), name))
    {
      g_auto(GStrv) users = rw_document_dup_users (doc, path);
      if (users[0] != NULL)
        {
          g_autofree char *list = g_strjoinv (", ", users);
          if (g_strcmp0 (collection, "policies") == 0)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("%s: route-map “%s” is used by the sessions %s; take it off them first"),
                         path, name, list);
          else
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("%s: SLA class “%s” is used by the demands %s; give them another class first"),
                         path, name, list);
          return FALSE;
        }
      json_object_remove_member (json_node_get_object (member), name);
    }
  else if (index >= 0 && JSON_NODE_HOLDS_ARRAY (member) && (guint) index < json_array_get_length (json_node_get_array (member)))
    {
      label = g_strdup_printf (_("Remove %s"), path);
      return remove_json (doc, collection, (guint) index, label, error);
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s: no such entity"), path);
      return FALSE;
    }
  label = g_strdup_printf (_("Remove %s"), path);
  return commit_json (doc, root, _("the network"), label, error);
}

/* @o's members in order, @from renamed @to. */
static JsonObject *
rename_member (JsonObject *o, const char *from, const char *to)
{
  JsonObject *out = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (o);
  for (GList *m = members; m; m = m->next)
    json_object_set_member (out, g_strcmp0 (m->data, from) == 0 ? to : m->data,
                            json_node_copy (json_object_get_member (o, m->data)));
  return out;
}

static void
rename_string (JsonObject *o, const char *key, const char *from, const char *to)
{
  JsonNode *n = json_object_get_member (o, key);
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING &&
      g_strcmp0 (json_node_get_string (n), from) == 0)
    json_object_set_string_member (o, key, to);
}

gboolean
rw_document_rename_json (RwDocument *doc, const char *path, const char *new_name, GError **error)
{
  g_autoptr(JsonNode) root = topology_json (doc->topo);
  g_autofree char *collection = NULL, *name = NULL, *label = NULL, *to = g_strstrip (g_strdup (new_name ? new_name : ""));
  gint index;
  JsonNode *member;
  JsonObject *o;
  if (root == NULL || !split_path (path, &collection, &index, &name) || name == NULL || !named_collection (collection) ||
      (member = json_object_get_member (json_node_get_object (root), collection)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (member) || !json_object_has_member (json_node_get_object (member), name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s: no such entity"), path);
      return FALSE;
    }
  if (*to == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("%s: the name must not be empty"), path);
      return FALSE;
    }
  if (g_strcmp0 (to, name) == 0)
    return TRUE;
  if (json_object_has_member (json_node_get_object (member), to))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("%s.%s: the name is already used"), collection, to);
      return FALSE;
    }
  json_node_take_object (member, rename_member (json_node_get_object (member), name, to));
  o = json_node_get_object (root);
  /* every reference follows: a session end's import and export, a demand's class */
  if (g_strcmp0 (collection, "policies") == 0 && json_object_has_member (o, "sessions"))
    {
      JsonArray *sessions = json_object_get_array_member (o, "sessions");
      for (guint i = 0; i < json_array_get_length (sessions); i++)
        {
          JsonObject *s = json_array_get_object_element (sessions, i);
          JsonObject *ends = json_object_has_member (s, "ends") ? json_object_get_object_member (s, "ends") : NULL;
          g_autoptr(GList) members = ends ? json_object_get_members (ends) : NULL;
          for (GList *m = members; m; m = m->next)
            {
              JsonObject *end = json_object_get_object_member (ends, m->data);
              rename_string (end, "import", name, to);
              rename_string (end, "export", name, to);
            }
        }
    }
  if (g_strcmp0 (collection, "sla_classes") == 0 && json_object_has_member (o, "demands"))
    {
      JsonArray *demands = json_object_get_array_member (o, "demands");
      for (guint i = 0; i < json_array_get_length (demands); i++)
        rename_string (json_array_get_object_element (demands, i), "class", name, to);
    }
  label = g_strdup_printf (_("Rename %s to %s"), name, to);
  return commit_json (doc, root, _("the network"), label, error);
}

gboolean
rw_document_apply_changes (RwDocument *doc, const char *const *changes, GError **error)
{
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_change_free);
  RwTopology *t;
  g_autofree char *label = NULL;
  for (guint i = 0; changes[i]; i++)
    {
      RwChange *c = rw_change_parse (changes[i], error);
      if (c == NULL)
        return FALSE;
      g_ptr_array_add (parsed, c);
    }
  t = rw_topology_with_changes (doc->topo, parsed, error);
  if (t == NULL)
    return FALSE;
  label = g_strdup_printf (_("Apply %s"), changes[0]);
  return commit (doc, t, label, error);
}

/* ---- files ---- */

gboolean
rw_document_save (RwDocument *doc, GFile *file, GError **error)
{
  g_autofree char *path = NULL;
  if (file == NULL)
    file = doc->file;
  if (file == NULL || (path = g_file_get_path (file)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, _("Choose where to save the network"));
      return FALSE;
    }
  /* the topology is JSON: a lab or a router's configuration must not be overwritten with it */
  if (rw_frr_source_kind (path) != RW_SOURCE_TOPOLOGY || (doc->source && g_file_equal (file, doc->source)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("%s: a network is saved as a Routewise topology (.json); Export to Containerlab writes labs"), path);
      return FALSE;
    }
  if (!rw_topology_save_file (doc->topo, path, error))
    return FALSE;
  if (file != doc->file)
    {
      g_set_object (&doc->file, file);
      g_object_notify_by_pspec (G_OBJECT (doc), props[PROP_FILE]);
    }
  set_modified (doc, FALSE);
  return TRUE;
}

const RwTopology *
rw_document_get_topology (RwDocument *doc)
{
  return doc->topo;
}

const RwTwin *
rw_document_get_twin (RwDocument *doc)
{
  return doc->twin;
}

gboolean
rw_document_is_solving (RwDocument *doc)
{
  return doc->solving > 0;
}

GFile *
rw_document_get_file (RwDocument *doc)
{
  return doc->file;
}

GFile *
rw_document_get_source (RwDocument *doc)
{
  return doc->source;
}

gboolean
rw_document_get_modified (RwDocument *doc)
{
  return doc->modified;
}

char *
rw_document_dup_title (RwDocument *doc)
{
  if (doc->file)
    return g_file_get_basename (doc->file);
  /* imported: the lab's or the folder's name, which Save offers as the file name */
  if (doc->source)
    return doc->topo->name && doc->topo->name[0] ? g_strdup (doc->topo->name) : g_file_get_basename (doc->source);
  return g_strdup (_("Untitled network"));
}

/* ---- GObject ---- */

static void
rw_document_dispose (GObject *object)
{
  RwDocument *doc = RW_DOCUMENT (object);
  g_cancellable_cancel (doc->cancellable);
  G_OBJECT_CLASS (rw_document_parent_class)->dispose (object);
}

static void
rw_document_finalize (GObject *object)
{
  RwDocument *doc = RW_DOCUMENT (object);
  g_clear_pointer (&doc->topo, rw_topology_free);
  g_clear_pointer (&doc->twin, rw_twin_free);
  g_clear_object (&doc->file);
  g_clear_object (&doc->source);
  g_clear_object (&doc->cancellable);
  g_ptr_array_unref (doc->undo);
  g_ptr_array_unref (doc->redo);
  G_OBJECT_CLASS (rw_document_parent_class)->finalize (object);
}

static void
rw_document_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  RwDocument *doc = RW_DOCUMENT (object);
  switch (id)
    {
    case PROP_MODIFIED: g_value_set_boolean (value, doc->modified); break;
    case PROP_FILE: g_value_set_object (value, doc->file); break;
    case PROP_CAN_UNDO: g_value_set_boolean (value, doc->undo->len > 0); break;
    case PROP_CAN_REDO: g_value_set_boolean (value, doc->redo->len > 0); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
rw_document_class_init (RwDocumentClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  oc->dispose = rw_document_dispose;
  oc->finalize = rw_document_finalize;
  oc->get_property = rw_document_get_property;
  props[PROP_MODIFIED] = g_param_spec_boolean ("modified", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (oc, N_PROPS, props);
  /* the configuration changed (an edit, undo or redo): redraw it now, the twin follows */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* a new twin is ready for the current configuration */
  signals[SOLVED] = g_signal_new ("solved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
rw_document_init (RwDocument *doc)
{
  doc->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  doc->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  doc->cancellable = g_cancellable_new ();
}

static RwDocument *
document_with (RwTopology *topo, GFile *file, GFile *source)
{
  RwDocument *doc = g_object_new (RW_TYPE_DOCUMENT, NULL);
  doc->topo = topo;
  doc->file = file ? g_object_ref (file) : NULL;
  doc->source = source ? g_object_ref (source) : NULL;
  solve (doc);
  return doc;
}

RwDocument *
rw_document_new (void)
{
  return document_with (rw_topology_new (_("Untitled network")), NULL, NULL);
}

RwDocument *
rw_document_new_from_file (GFile *file, GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  RwTopology *t;
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("%s: only local files can be opened"), g_file_peek_path (file));
      return NULL;
    }
  if (rw_frr_source_kind (path) != RW_SOURCE_TOPOLOGY)
    {
      /* on the GUI thread: a 200-router lab imports well under a second */
      RwImportOptions opts;
      rw_import_options_init (&opts);
      t = rw_frr_import_any (path, &opts, error);
      /* no file: Save asks for a .json, the lab and its configurations are never written */
      return t ? document_with (t, NULL, file) : NULL;
    }
  t = rw_topology_load_file (path, error);
  return t ? document_with (t, file, NULL) : NULL;
}
