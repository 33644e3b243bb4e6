/* rw-entity.c — entity resolution and derived facts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-entity.h"

#include <string.h>

RwEntity *
rw_entity_new (const char *kind, const char *id, const char *text)
{
  RwEntity *e = g_new0 (RwEntity, 1);
  e->kind = g_strdup (kind);
  e->id = g_strdup (id);
  e->text = g_strdup (text);
  return e;
}

void
rw_entity_free (RwEntity *e)
{
  if (e == NULL)
    return;
  g_free (e->kind);
  g_free (e->id);
  g_free (e->text);
  g_free (e);
}

typedef struct {
  gsize pos;        /* byte offset of the first word, for ordering */
  guint order;      /* then the order found (the routers of one role, in topology order) */
  RwEntity *e;
} Found;

/* Lower case with every run of characters other than letters, digits, '.', '/' and ':'
 * squeezed to one space, so "ISP-B", "isp b" and "ISPB" compare after also dropping spaces. */
static char *
squash (const char *s)
{
  g_autofree char *lower = g_utf8_strdown (s, -1);
  GString *out = g_string_new (NULL);
  for (const char *p = lower; *p; p++)
    if (g_ascii_isalnum (*p) || *p == '.' || *p == '/')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static const char *
node_kind (const RwNode *n)
{
  if (n->kind == RW_NODE_ROUTER)
    return "router";
  return n->role == RW_ROLE_ISP ? "isp" : "node";
}

static guint
osa_distance (const char *a, const char *b)
{
  guint la = strlen (a), lb = strlen (b);
  g_autofree guint *d = g_new (guint, (la + 1) * (lb + 1));
  guint r;
#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (guint i = 0; i <= la; i++)
    D (i, 0) = i;
  for (guint j = 0; j <= lb; j++)
    D (0, j) = j;
  for (guint i = 1; i <= la; i++)
    for (guint j = 1; j <= lb; j++)
      {
        guint v = MIN (MIN (D (i - 1, j) + 1, D (i, j - 1) + 1), D (i - 1, j - 1) + (a[i - 1] != b[j - 1]));
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          v = MIN (v, D (i - 2, j - 2) + 1);
        D (i, j) = v;
      }
  r = D (la, lb);
#undef D
  return r;
}

typedef struct {
  char *word;     /* as written */
  char *key;      /* squashed */
  gsize pos;
} Word;

static void
word_free (Word *w)
{
  g_free (w->word);
  g_free (w->key);
  g_free (w);
}

static gboolean
word_start_char (char c)
{
  return g_ascii_isalnum (c);
}

static gboolean
word_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '/' || c == '_' || c == '-';
}

/* Words of @text: runs of letters, digits and . / _ - that start with a letter or digit
 * (trailing punctuation dropped). A loop over the bytes, not GRegex: GLib 2.74 walks the rest of
 * the text again on every match, so a GRegex word loop is quadratic in the text's length. */
static GPtrArray *
split_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func ((GDestroyNotify) word_free);
  const char *p = text;
  while (*p)
    {
      const char *start, *end;
      Word *w;
      if (!word_start_char (*p))
        {
          p++;
          continue;
        }
      start = p;
      while (*p && word_char (*p))
        p++;
      end = p;
      while (end > start && strchr ("./-_", end[-1]))
        end--;
      w = g_new0 (Word, 1);
      w->word = g_strndup (start, end - start);
      w->key = squash (w->word);
      w->pos = start - text;
      g_ptr_array_add (words, w);
    }
  return words;
}

/* What a node can be called, worked out once per text rather than once per word. */
typedef struct {
  const RwNode *node;
  char *id, *host, *asn, *as_asn; /* squashed id and hostname; "64496", "as64496" */
  GPtrArray *label_parts;         /* the label's words, lower case (NULL without a label) */
  char *label_first;              /* its first word, when distinctive enough to stand alone */
} NodeNames;

static void
node_names_clear (NodeNames *n)
{
  g_free (n->id);
  g_free (n->host);
  g_free (n->asn);
  g_free (n->as_asn);
  g_clear_pointer (&n->label_parts, g_ptr_array_unref);
  g_free (n->label_first);
}

/* The runs of ASCII letters and digits of @lower. */
static GPtrArray *
alnum_parts (const char *lower)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *p = lower;
  while (*p)
    {
      const char *start = p;
      while (*p && (g_ascii_islower (*p) || g_ascii_isdigit (*p)))
        p++;
      if (p > start)
        g_ptr_array_add (parts, g_strndup (start, p - start));
      else
        p++;
    }
  return parts;
}

static void
node_names_init (NodeNames *n, const RwNode *node)
{
  memset (n, 0, sizeof *n);
  n->node = node;
  n->id = squash (node->id);
  n->host = node->hostname ? squash (node->hostname) : NULL;
  n->asn = g_strdup_printf ("%u", node->asn);
  n->as_asn = g_strdup_printf ("as%u", node->asn);
  if (node->label)
    {
      g_autofree char *lower = g_utf8_strdown (node->label, -1);
      g_auto(GStrv) first = g_strsplit (lower, " ", 2);
      n->label_parts = alnum_parts (lower);
      /* "Tata" for "Tata Communications": the first word alone, when it is distinctive */
      if (first[0] && first[1] && strlen (first[0]) >= 4)
        n->label_first = g_strdup (first[0]);
    }
}

static void
add_found (GArray *found, GHashTable *seen, gsize pos, const char *kind, const char *id, const char *text)
{
  g_autofree char *key = g_strconcat (kind, "\n", id, NULL);
  if (g_hash_table_contains (seen, key))
    return; /* each entity once, where it is first named */
  g_hash_table_add (seen, g_steal_pointer (&key));
  {
    Found f = { pos, found->len, rw_entity_new (kind, id, text) };
    g_array_append_val (found, f);
  }
}

static gint
by_pos (gconstpointer a, gconstpointer b)
{
  const Found *x = a, *y = b;
  if (x->pos != y->pos)
    return x->pos < y->pos ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* How engineers name routers by what they do ("the route reflector", "both spines", "the edge
 * routers"): the words, and the role they mean. The topology says which routers have it. */
static const struct {
  const char *words[3];   /* squashed, NULL-terminated */
  RwNodeRole role;
} role_phrases[] = {
  { { "route", "reflector", NULL }, RW_ROLE_REFLECTOR },
  { { "route", "reflectors", NULL }, RW_ROLE_REFLECTOR },
  { { "reflector", NULL }, RW_ROLE_REFLECTOR },
  { { "reflectors", NULL }, RW_ROLE_REFLECTOR },
  { { "rr", NULL }, RW_ROLE_REFLECTOR },
  { { "rrs", NULL }, RW_ROLE_REFLECTOR },
  { { "spine", NULL }, RW_ROLE_SPINE },
  { { "spines", NULL }, RW_ROLE_SPINE },
  { { "edge", "router", NULL }, RW_ROLE_EDGE },
  { { "edge", "routers", NULL }, RW_ROLE_EDGE },
  { { "border", "router", NULL }, RW_ROLE_EDGE },
  { { "border", "routers", NULL }, RW_ROLE_EDGE },
  { { "core", "router", NULL }, RW_ROLE_CORE },
  { { "core", "routers", NULL }, RW_ROLE_CORE },
};

/* A role phrase starting at word @i: the words it spans (the longest phrase wins), 0 if none. */
static guint
role_at (GPtrArray *words, guint i, RwNodeRole *role)
{
  guint best = 0;
  for (guint r = 0; r < G_N_ELEMENTS (role_phrases); r++)
    {
      guint n = 0;
      while (role_phrases[r].words[n] && i + n < words->len &&
             strcmp (((Word *) words->pdata[i + n])->key, role_phrases[r].words[n]) == 0)
        n++;
      if (role_phrases[r].words[n] == NULL && n > best)
        {
          best = n;
          *role = role_phrases[r].role;
        }
    }
  return best;
}

/* The most specific prefix of the topology that holds @p, or NULL. */
static const RwPrefix *
covering_prefix (const RwTopology *topo, const RwPrefix *p)
{
  const RwPrefix *best = NULL;
  for (guint i = 0; i < topo->prefixes->len; i++)
    {
      const RwPrefix *o = &((RwOrigination *) topo->prefixes->pdata[i])->prefix;
      if (rw_prefix_contains (o, p) && (best == NULL || o->len > best->len))
        best = o;
    }
  return best;
}

/* Does the phrase of @parts (a label's words) start at word @i? Returns the number of words it
 * spans, 0 if not. One typo per long word is forgiven. */
static guint
phrase_at (GPtrArray *words, guint i, const GPtrArray *parts)
{
  guint n = 0;
  for (guint k = 0; k < parts->len; k++)
    {
      const char *part = parts->pdata[k];
      Word *w;
      if (i + n >= words->len)
        return 0;
      w = words->pdata[i + n];
      if (strcmp (w->key, part) != 0
          && !(strlen (part) >= 5 && osa_distance (w->key, part) <= 1)
          && !(g_str_has_suffix (w->key, "s") && strlen (w->key) == strlen (part) + 1
               && strncmp (w->key, part, strlen (part)) == 0))
        return 0;
      n++;
    }
  return n;
}

GPtrArray *
rw_entities_resolve (const RwTopology *topo, const char *text)
{
  g_autoptr(GPtrArray) words = split_words (text);
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Found));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) link_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree NodeNames *names = g_new0 (NodeNames, topo->nodes->len);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_entity_free);

  /* squashed link id -> the first link with it, as the scan in link order found it */
  for (guint l = 0; l < topo->links->len; l++)
    {
      RwLink *link = topo->links->pdata[l];
      char *key = squash (link->id);
      if (g_hash_table_contains (link_keys, key))
        g_free (key);
      else
        g_hash_table_insert (link_keys, key, link);
    }
  for (guint n = 0; n < topo->nodes->len; n++)
    node_names_init (&names[n], topo->nodes->pdata[n]);

  for (guint i = 0; i < words->len; i++)
    {
      Word *w = words->pdata[i];
      RwLink *link;
      RwPrefix pfx;
      gboolean matched = FALSE;

      /* links first: "R2-ISPB" must not also count as R2 */
      if ((link = g_hash_table_lookup (link_keys, w->key)) != NULL)
        add_found (found, seen, w->pos, "link", link->id, w->word), matched = TRUE;
      if (!matched && rw_prefix_parse (w->word, &pfx))
        {
          g_autofree char *canon = rw_prefix_to_string (&pfx);
          add_found (found, seen, w->pos, "prefix", canon, w->word);
          matched = TRUE;
        }
      if (!matched && rw_ipv4_parse (w->word, &pfx.addr))
        {
          /* an address: the known prefix it lies in ("142.250.4.100" is Google's
           * 142.250.0.0/15), else the host itself, which the plan will ask about */
          const RwPrefix *in;
          g_autofree char *canon = NULL;
          pfx.len = 32;
          in = covering_prefix (topo, &pfx);
          canon = rw_prefix_to_string (in ? in : &pfx);
          add_found (found, seen, w->pos, "prefix", canon, w->word);
          matched = TRUE;
        }
      for (guint n = 0; n < topo->nodes->len && !matched; n++)
        {
          const NodeNames *nn = &names[n];
          const RwNode *node = nn->node;
          guint span = 0;
          if (strcmp (w->key, nn->id) == 0 || (nn->host && strcmp (w->key, nn->host) == 0)
              || (node->kind == RW_NODE_EXTERNAL && (strcmp (w->key, nn->asn) == 0 || strcmp (w->key, nn->as_asn) == 0)))
            span = 1;
          /* "ISP B", "AS 55410" */
          if (span == 0 && i + 1 < words->len)
            {
              g_autofree char *two = g_strconcat (w->key, ((Word *) words->pdata[i + 1])->key, NULL);
              if (strcmp (two, nn->id) == 0 || (node->kind == RW_NODE_EXTERNAL && strcmp (two, nn->as_asn) == 0))
                span = 2;
            }
          if (span == 0 && nn->label_parts && (span = phrase_at (words, i, nn->label_parts)) == 0
              && nn->label_first && strcmp (w->key, nn->label_first) == 0)
            span = 1;
          if (span > 0)
            {
              g_autoptr(GString) said = g_string_new (w->word);
              for (guint k = 1; k < span; k++)
                g_string_append_printf (said, " %s", ((Word *) words->pdata[i + k])->word);
              add_found (found, seen, w->pos, node_kind (node), node->id, said->str);
              i += span - 1;
              matched = TRUE;
            }
        }
      if (!matched)
        {
          RwNodeRole role;
          guint span = role_at (words, i, &role);
          if (span > 0)
            {
              g_autoptr(GString) said = g_string_new (w->word);
              for (guint k = 1; k < span; k++)
                g_string_append_printf (said, " %s", ((Word *) words->pdata[i + k])->word);
              for (guint n = 0; n < topo->nodes->len; n++)
                {
                  const RwNode *node = topo->nodes->pdata[n];
                  if (node->kind == RW_NODE_ROUTER && node->role == role)
                    add_found (found, seen, w->pos, "router", node->id, said->str);
                }
              i += span - 1;
            }
        }
    }
  for (guint n = 0; n < topo->nodes->len; n++)
    node_names_clear (&names[n]);
  g_array_sort (found, by_pos);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (out, g_array_index (found, Found, i).e);
  return out;
}

void
rw_facts_free (RwFacts *f)
{
  if (f == NULL)
    return;
  g_free (f->link);
  g_free (f->router);
  g_free (f->isp);
  g_free (f->prefix);
  g_free (f);
}

const char *
rw_facts_get (const RwFacts *f, const char *name)
{
  if (g_strcmp0 (name, "link") == 0)
    return f->link;
  if (g_strcmp0 (name, "router") == 0)
    return f->router;
  if (g_strcmp0 (name, "isp") == 0)
    return f->isp;
  if (g_strcmp0 (name, "prefix") == 0)
    return f->prefix;
  return NULL;
}

static gboolean
is_router (const RwTopology *topo, const char *id)
{
  RwNode *n = rw_topology_find_node (topo, id);
  return n && n->kind == RW_NODE_ROUTER;
}

/* The single link between a router and an external node, or NULL when there are none or several
 * that match (@a or @b NULL = any router / any ISP). */
static const RwLink *
unique_uplink (const RwTopology *topo, const char *router, const char *isp)
{
  const RwLink *hit = NULL;
  for (guint i = 0; i < topo->links->len; i++)
    {
      const RwLink *l = topo->links->pdata[i];
      const char *r = is_router (topo, l->a) ? l->a : is_router (topo, l->b) ? l->b : NULL;
      const char *x = r == l->a ? l->b : l->a;
      if (r == NULL || is_router (topo, x))
        continue;
      if ((router && strcmp (r, router) != 0) || (isp && strcmp (x, isp) != 0))
        continue;
      if (hit)
        return NULL;
      hit = l;
    }
  return hit;
}

/* The topology's prefix that is or covers @text (the most specific one), or NULL: a prefix the
 * network does not know is not a fact the plan can use, so the plan asks. */
static char *
known_prefix (const RwTopology *topo, const char *text)
{
  RwPrefix p;
  const RwPrefix *best;
  if (!rw_prefix_parse (text, &p))
    return NULL;
  best = covering_prefix (topo, &p);
  return best ? rw_prefix_to_string (best) : NULL;
}

RwFacts *
rw_facts_derive (const RwTopology *topo, const GPtrArray *entities)
{
  RwFacts *f = g_new0 (RwFacts, 1);
  for (guint i = 0; i < entities->len; i++)
    {
      const RwEntity *e = entities->pdata[i];
      if (strcmp (e->kind, "link") == 0 && f->link == NULL)
        f->link = g_strdup (e->id);
      else if (strcmp (e->kind, "router") == 0 && f->router == NULL)
        f->router = g_strdup (e->id);
      else if (strcmp (e->kind, "isp") == 0 && f->isp == NULL)
        f->isp = g_strdup (e->id);
      else if (strcmp (e->kind, "prefix") == 0 && f->prefix == NULL)
        f->prefix = known_prefix (topo, e->id);
    }
  if (f->link)
    {
      const RwLink *l = rw_topology_find_link (topo, f->link);
      const char *r = is_router (topo, l->a) ? l->a : l->b;
      const char *x = r == l->a ? l->b : l->a;
      /* a named link is the most specific thing said: its ends win over loose mentions */
      if (is_router (topo, r))
        g_free (f->router), f->router = g_strdup (r);
      if (!is_router (topo, x))
        g_free (f->isp), f->isp = g_strdup (x);
    }
  else if (f->router || f->isp)
    {
      const RwLink *l = unique_uplink (topo, f->router, f->isp);
      if (l)
        {
          const char *r = is_router (topo, l->a) ? l->a : l->b;
          f->link = g_strdup (l->id);
          if (f->router == NULL)
            f->router = g_strdup (r);
          if (f->isp == NULL)
            f->isp = g_strdup (r == l->a ? l->b : l->a);
        }
    }
  return f;
}

JsonNode *
rw_entities_to_json (const GPtrArray *entities)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < entities->len; i++)
    {
      const RwEntity *e = entities->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, e->kind);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, e->id);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, e->text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}
