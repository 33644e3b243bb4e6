/* rw-runbook.c — the runbook file, its FTS5 index and retrieval.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-runbook.h"
#include "rw-plan.h"
#include "rw-file.h"
#include "rw-json-util.h"

#include <string.h>

#define RUNBOOKS_FORMAT "routewise-runbooks"

/* Title matters most, then the keyword list (abbreviations, jargon), then symptoms; steps
 * mention many things in passing and weigh least. */
const double rw_runbook_weights[4] = { 4.0, 2.0, 3.0, 0.5 };

static const char *const known_facts[] = { "link", "router", "isp", "prefix", NULL };

void
rw_runbook_free (RwRunbook *rb)
{
  if (rb == NULL)
    return;
  g_free (rb->id);
  g_free (rb->title);
  g_free (rb->severity);
  g_free (rb->symptoms);
  g_free (rb->keywords);
  g_clear_pointer (&rb->steps, g_ptr_array_unref);
  g_clear_pointer (&rb->needs, g_ptr_array_unref);
  g_clear_pointer (&rb->questions, g_hash_table_unref);
  g_clear_pointer (&rb->plan, json_node_unref);
  g_free (rb);
}

void
rw_runbook_set_free (RwRunbookSet *set)
{
  if (set == NULL)
    return;
  g_free (set->source);
  g_ptr_array_unref (set->runbooks);
  g_hash_table_unref (set->vocabulary);
  g_free (set);
}

const RwRunbook *
rw_runbook_set_find (const RwRunbookSet *set, const char *id)
{
  for (guint i = 0; i < set->runbooks->len; i++)
    {
      const RwRunbook *rb = set->runbooks->pdata[i];
      if (g_strcmp0 (rb->id, id) == 0)
        return rb;
    }
  return NULL;
}

static gboolean
string_array (RwJsonCtx *c, JsonObject *o, const char *key, const char *path, GPtrArray **out)
{
  JsonArray *a = NULL;
  g_autoptr(GPtrArray) v = g_ptr_array_new_with_free_func (g_free);
  if (!rw_json_get_array (c, o, key, path, TRUE, &a))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        return rw_json_fail (c, "%s.%s[%u]: expected a string", path, key, i);
      g_ptr_array_add (v, g_strdup (json_node_get_string (n)));
    }
  *out = g_steal_pointer (&v);
  return TRUE;
}

static RwRunbook *
runbook_from_json (RwJsonCtx *c, JsonNode *node, const char *path)
{
  static const char *const keys[] = { "id", "title", "severity", "symptoms", "keywords", "steps", "needs",
                                      "questions", "plan", NULL };
  g_autoptr(RwRunbook) rb = g_new0 (RwRunbook, 1);
  JsonObject *o, *questions = NULL;
  JsonArray *plan = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      rw_json_fail (c, "%s: expected an object", path);
      return NULL;
    }
  o = json_node_get_object (node);
  if (!rw_json_check_keys (c, o, path, keys)
      || !rw_json_get_string (c, o, "id", path, TRUE, &rb->id)
      || !rw_json_get_string (c, o, "title", path, TRUE, &rb->title)
      || !rw_json_get_string (c, o, "severity", path, TRUE, &rb->severity)
      || !rw_json_get_string (c, o, "symptoms", path, TRUE, &rb->symptoms)
      || !rw_json_get_string (c, o, "keywords", path, TRUE, &rb->keywords)
      || !string_array (c, o, "steps", path, &rb->steps)
      || !string_array (c, o, "needs", path, &rb->needs)
      || !rw_json_get_object (c, o, "questions", path, TRUE, &questions)
      || !rw_json_get_array (c, o, "plan", path, TRUE, &plan))
    return NULL;
  if (*rb->id == '\0')
    {
      rw_json_fail (c, "%s.id: must not be empty", path);
      return NULL;
    }
  if (!g_strv_contains ((const char *const[]) { "low", "medium", "high", NULL }, rb->severity))
    {
      rw_json_fail (c, "%s.severity: '%s' is not low, medium or high", path, rb->severity);
      return NULL;
    }
  for (guint i = 0; i < rb->needs->len; i++)
    if (!g_strv_contains (known_facts, rb->needs->pdata[i]))
      {
        rw_json_fail (c, "%s.needs[%u]: unknown fact '%s' (link, router, isp or prefix)", path, i,
                      (char *) rb->needs->pdata[i]);
        return NULL;
      }
  rb->questions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  {
    g_autoptr(GList) members = json_object_get_members (questions);
    for (GList *l = members; l; l = l->next)
      {
        JsonNode *q = json_object_get_member (questions, l->data);
        if (!g_strv_contains (known_facts, l->data))
          {
            rw_json_fail (c, "%s.questions.%s: unknown fact (link, router, isp or prefix)", path, (char *) l->data);
            return NULL;
          }
        if (!JSON_NODE_HOLDS_VALUE (q) || json_node_get_value_type (q) != G_TYPE_STRING)
          {
            rw_json_fail (c, "%s.questions.%s: expected a string", path, (char *) l->data);
            return NULL;
          }
        g_hash_table_insert (rb->questions, g_strdup (l->data), g_strdup (json_node_get_string (q)));
      }
  }
  for (guint i = 0; i < rb->needs->len; i++)
    if (!g_hash_table_contains (rb->questions, rb->needs->pdata[i]))
      {
        rw_json_fail (c, "%s.questions: no question for the needed fact '%s'", path, (char *) rb->needs->pdata[i]);
        return NULL;
      }
  rb->plan = json_node_copy (json_object_get_member (o, "plan"));
  {
    /* the template must already be a valid DAG; only its targets wait for the topology */
    g_autofree char *where = g_strdup_printf ("%s: %s.plan", c->source, path);
    g_autoptr(GError) local = NULL;
    g_autoptr(RwPlan) p = rw_plan_from_json (rb->plan, where, &local);
    if (p == NULL || !rw_plan_validate (p, NULL, &local))
      {
        g_set_error (c->error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID, "%s%s%s",
                     p ? where : "", p ? ": " : "", local->message);
        return NULL;
      }
  }
  return g_steal_pointer (&rb);
}

static void
add_words (GHashTable *vocab, const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);
  g_auto(GStrv) words = g_regex_split_simple ("[^a-z0-9]+", lower, 0, 0);
  for (guint i = 0; words[i]; i++)
    if (strlen (words[i]) >= 3)
      g_hash_table_add (vocab, g_strdup (words[i]));
}

static RwRunbookSet *
load_data (const char *data, gssize len, const char *source, GError **error)
{
  static const char *const keys[] = { "format", "version", "runbooks", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(RwRunbookSet) set = g_new0 (RwRunbookSet, 1);
  RwJsonCtx c = { source, error };
  JsonNode *root;
  JsonObject *o;
  JsonArray *books = NULL;
  g_autofree char *format = NULL, *bad = NULL;
  guint64 version = 0;
  gboolean not_json;

  set->source = g_strdup (source);
  set->runbooks = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_runbook_free);
  set->vocabulary = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* before json-glib, which reads non-standard text and can be crashed by deep nesting */
  if ((bad = rw_json_check_text (data, len, &not_json)) != NULL)
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID, "%s: %s%s", source, not_json ? "not valid JSON: " : "", bad);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local))
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID, "%s: not valid JSON: %s", source, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID, "%s: expected a JSON object", source);
      return NULL;
    }
  if ((bad = rw_json_find_invalid_utf8 (root, "")) != NULL)
    {
      g_set_error (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_INVALID, "%s: %s: not valid UTF-8 (an unpaired \\u surrogate?)",
                   source, bad);
      return NULL;
    }
  o = json_node_get_object (root);
  if (!rw_json_check_keys (&c, o, "", keys) || !rw_json_get_string (&c, o, "format", "", TRUE, &format))
    return NULL;
  if (strcmp (format, RUNBOOKS_FORMAT) != 0)
    {
      rw_json_fail (&c, "format: '%s' is not '" RUNBOOKS_FORMAT "'", format);
      return NULL;
    }
  if (!rw_json_get_uint (&c, o, "version", "", TRUE, 1, G_MAXUINT32, 1, &version))
    return NULL;
  if (version != 1)
    {
      rw_json_fail (&c, "version: %" G_GUINT64_FORMAT " is not supported (this Routewise reads version 1)", version);
      return NULL;
    }
  if (!rw_json_get_array (&c, o, "runbooks", "", TRUE, &books))
    return NULL;
  for (guint i = 0; i < json_array_get_length (books); i++)
    {
      g_autofree char *path = g_strdup_printf ("runbooks[%u]", i);
      RwRunbook *rb = runbook_from_json (&c, json_array_get_element (books, i), path);
      if (rb == NULL)
        return NULL;
      if (rw_runbook_set_find (set, rb->id))
        {
          rw_json_fail (&c, "%s.id: '%s' is used twice", path, rb->id);
          rw_runbook_free (rb);
          return NULL;
        }
      g_ptr_array_add (set->runbooks, rb);
      add_words (set->vocabulary, rb->title);
      add_words (set->vocabulary, rb->symptoms);
      add_words (set->vocabulary, rb->keywords);
    }
  if (set->runbooks->len == 0)
    {
      rw_json_fail (&c, "runbooks: the file holds no runbooks");
      return NULL;
    }
  return g_steal_pointer (&set);
}

RwRunbookSet *
rw_runbook_set_load_data (const char *data, gssize len, const char *source, GError **error)
{
  RwRunbookSet *set = load_data (data, len, source, error);
  if (set == NULL)
    rw_intake_error_normalise (error);
  return set;
}

RwRunbookSet *
rw_runbook_set_load_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GError) local = NULL;
  if (!rw_read_regular_file (path, RW_JSON_FILE_MAX_BYTES, &data, &len, &local))
    {
      g_set_error_literal (error, RW_INTAKE_ERROR, RW_INTAKE_ERROR_IO, local->message);
      return NULL;
    }
  return rw_runbook_set_load_data (data, len, path, error);
}

gboolean
rw_runbook_set_index (const RwRunbookSet *set, RwStore *store, GError **error)
{
  g_autofree RwRunbookRow *rows = g_new0 (RwRunbookRow, set->runbooks->len);
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < set->runbooks->len; i++)
    {
      const RwRunbook *rb = set->runbooks->pdata[i];
      GString *text = g_string_new (NULL);
      for (guint k = 0; k < rb->steps->len; k++)
        g_string_append_printf (text, "%s%s", k ? "\n" : "", (char *) rb->steps->pdata[k]);
      g_ptr_array_add (steps, g_string_free (text, FALSE));
      rows[i] = (RwRunbookRow) { rb->id, rb->title, rb->symptoms, rb->keywords, steps->pdata[i] };
    }
  return rw_store_runbooks_replace (store, rows, set->runbooks->len, error);
}

/* ---- the query ---- */

/* Words that carry no symptom. */
static const char *const stop_words[] = {
  "a", "an", "the", "and", "or", "but", "of", "on", "in", "at", "to", "for", "from", "with", "by", "is", "are",
  "was", "were", "be", "been", "it", "its", "this", "that", "since", "after", "before", "our", "we", "us", "i",
  "my", "me", "they", "their", "them", "users", "user", "see", "seeing", "say", "says", "said", "some", "all",
  "very", "really", "just", "now", "again", "today", "morning", "yesterday", "please", "has", "have", "had",
  "got", "gets", "get", "there", "can", "cant", "not", "no", "any", "when", "what", "why", "how", "so", "too",
  "also", "about", "into", "over", "than", "then", "still", "keeps", "keep", "one", "two", "team", "people",
  "customers", "site", "office", "seems", "seem", "looks", "like", "lot", "lots", "s", NULL,
};

/* Abbreviations and jargon -> words the runbooks use. */
static const struct {
  const char *from, *to;
} synonyms[] = {
  { "ofc", "fibre" }, { "fiber", "fibre" }, { "fibr", "fibre" }, { "los", "light" },
  { "bw", "bandwidth" }, { "util", "utilisation" }, { "utilization", "utilisation" }, { "utilised", "utilisation" },
  { "saturated", "saturation" }, { "maxed", "saturated" }, { "full", "saturated" },
  { "lat", "latency" }, { "rtt", "latency" }, { "ping", "latency" }, { "laggy", "latency" }, { "lag", "latency" },
  { "slow", "latency" }, { "crawl", "latency" }, { "sluggish", "latency" },
  { "pkt", "packet" }, { "pkts", "packets" }, { "drops", "loss" }, { "dropping", "loss" }, { "lossy", "loss" },
  { "crc", "errors" }, { "nbr", "neighbour" }, { "neighbor", "neighbour" }, { "peering", "peer" },
  { "pfx", "prefix" }, { "maxpfx", "max-prefix" }, { "maxprefix", "max-prefix" },
  { "maint", "maintenance" }, { "mw", "maintenance" }, { "gshut", "graceful" },
  { "proc", "processor" }, { "re", "engine" }, { "dc", "datacentre" }, { "datacenter", "datacentre" },
  { "hijack", "leak" }, { "leaking", "leak" }, { "leaked", "leak" }, { "bouncing", "flapping" },
  { "flaps", "flapping" }, { "flappy", "flapping" }, { "ingress", "inbound" }, { "incoming", "inbound" },
  { "congested", "congestion" }, { "hot", "congestion" },
  { "isp", "uplink" }, { "circuit", "uplink" }, { "wan", "uplink" }, { "transit", "uplink" },
  { "announced", "announcement" }, { "gone", "withdrawn" }, { "vanished", "disappeared" },
};

static gboolean
is_stop_word (const char *w)
{
  return g_strv_contains (stop_words, w);
}

static const char *
synonym (const char *w)
{
  for (guint i = 0; i < G_N_ELEMENTS (synonyms); i++)
    if (strcmp (w, synonyms[i].from) == 0)
      return synonyms[i].to;
  return NULL;
}

/* Damerau-Levenshtein (optimal string alignment) distance, bounded: returns max + 1 as soon as
 * the distance must exceed @max. */
static guint
edit_distance (const char *a, const char *b, guint max)
{
  guint la = strlen (a), lb = strlen (b);
  g_autofree guint *d = NULL;
  guint result;
  if ((la > lb ? la - lb : lb - la) > max)
    return max + 1;
  d = g_new (guint, (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (guint i = 0; i <= la; i++)
    D (i, 0) = i;
  for (guint j = 0; j <= lb; j++)
    D (0, j) = j;
  for (guint i = 1; i <= la; i++)
    for (guint j = 1; j <= lb; j++)
      {
        guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
        guint v = MIN (MIN (D (i - 1, j) + 1, D (i, j - 1) + 1), D (i - 1, j - 1) + cost);
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          v = MIN (v, D (i - 2, j - 2) + 1);
        D (i, j) = v;
      }
  result = D (la, lb);
#undef D
  return result;
}

/* The vocabulary word nearest to @w within the allowed distance, ties by byte order so the
 * answer never depends on hash order; NULL when none is close enough. */
static char *
correct (GHashTable *vocab, const char *w)
{
  guint len = strlen (w), max = len >= 8 ? 2 : len >= 4 ? 1 : 0, best = G_MAXUINT;
  const char *best_word = NULL;
  GHashTableIter it;
  gpointer key;
  if (max == 0)
    return NULL;
  g_hash_table_iter_init (&it, vocab);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      guint dist = edit_distance (w, key, max);
      if (dist <= max && (dist < best || (dist == best && strcmp (key, best_word) < 0)))
        best = dist, best_word = key;
    }
  return g_strdup (best_word);
}

/* The query's terms in order, each once (@seen holds them too, for the "once"). */
typedef struct {
  GPtrArray *list;
  GHashTable *seen;
} Terms;

static void
add_term (Terms *terms, const char *term, gboolean prefix)
{
  char *q = prefix ? g_strdup_printf ("\"%s\"*", term) : g_strdup_printf ("\"%s\"", term);
  if (g_hash_table_contains (terms->seen, q))
    {
      g_free (q);
      return;
    }
  g_hash_table_add (terms->seen, q);
  g_ptr_array_add (terms->list, q);
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* Entity-like tokens (R2, ISP-B, 10.0.0.0/8, AS64496) say where, not what: r<digits>,
 * as<digits>, or digits and dots with an optional /<digits>. */
static gboolean
looks_like_entity (const char *w)
{
  const char *slash = strchr (w, '/');
  gsize n = slash ? (gsize) (slash - w) : strlen (w);
  if ((w[0] == 'r' && all_digits (w + 1)) || (w[0] == 'a' && w[1] == 's' && all_digits (w + 2)))
    return TRUE;
  if (n == 0)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (w[i]) && w[i] != '.')
      return FALSE;
  return slash == NULL || all_digits (slash + 1);
}

static gboolean
query_char (char c)
{
  return (c >= 'a' && c <= 'z') || g_ascii_isdigit (c) || c == '.' || c == '/' || c == '-';
}

/* The words of lower-case @text: runs of letters, digits, '.', '/' and '-' ("max-prefix" and
 * "10.0.0.0/8" stay one), without the sentence punctuation at either end. A loop over the bytes,
 * not GRegex: GLib 2.74's split walks the rest of the text again for every word, which made
 * retrieval quadratic in the incident's length. */
static GPtrArray *
query_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;
  while (*p)
    {
      const char *start, *end;
      if (!query_char (*p))
        {
          p++;
          continue;
        }
      start = p;
      while (*p && query_char (*p))
        p++;
      end = p;
      while (start < end && strchr ("./-", end[-1]))
        end--;
      while (start < end && strchr ("./-", *start))
        start++;
      if (start < end)
        g_ptr_array_add (words, g_strndup (start, end - start));
    }
  return words;
}

char *
rw_runbook_match_expression (const RwRunbookSet *set, const char *text)
{
  /* text from a terminal may be in another encoding: g_utf8_strdown wants UTF-8 */
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *lower = g_utf8_strdown (valid, -1);
  g_autoptr(GPtrArray) words = query_words (lower);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();    /* points into @seen, which owns the terms */
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Terms terms_ = { list, seen }, *terms = &terms_;
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < words->len; i++)
    {
      char *w = words->pdata[i];
      const char *syn;
      if (is_stop_word (w) || looks_like_entity (w))
        continue;
      if (strchr (w, '.'))
        g_strdelimit (w, ".", '-');
      if (strchr (w, '-') || strchr (w, '/'))
        {
          /* quoted, FTS5 reads "max-prefix" as the phrase "max prefix" */
          if (g_hash_table_contains (set->vocabulary, w) || synonym (w))
            add_term (terms, synonym (w) ? synonym (w) : w, FALSE);
          else
            {
              g_auto(GStrv) parts = g_strsplit_set (w, "-/", -1);
              for (guint k = 0; parts[k]; k++)
                if (strlen (parts[k]) >= 3 && !is_stop_word (parts[k]) && !looks_like_entity (parts[k]))
                  add_term (terms, parts[k], FALSE);
            }
          continue;
        }
      if ((syn = synonym (w)) != NULL)
        {
          add_term (terms, syn, FALSE);
          if (strcmp (syn, w) != 0 && g_hash_table_contains (set->vocabulary, w))
            add_term (terms, w, FALSE);
          continue;
        }
      if (strlen (w) < 3)
        continue;
      if (g_hash_table_contains (set->vocabulary, w))
        add_term (terms, w, FALSE);
      else
        {
          g_autofree char *fixed = correct (set->vocabulary, w);
          if (fixed)
            add_term (terms, fixed, FALSE);
          else
            add_term (terms, w, FALSE);
        }
      /* long words also match their stem's neighbours: "congest" finds "congested" */
      if (strlen (w) >= 7)
        {
          g_autofree char *stem = g_strndup (w, 5);
          add_term (terms, stem, TRUE);
        }
    }
  if (list->len == 0)
    return NULL;
  for (guint i = 0; i < list->len; i++)
    g_string_append_printf (out, "%s%s", i ? " OR " : "", (char *) list->pdata[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

GPtrArray *
rw_runbook_search (const RwRunbookSet *set, RwStore *store, const char *text, guint limit, char **match_out,
                   GError **error)
{
  g_autofree char *match = rw_runbook_match_expression (set, text);
  g_autoptr(GPtrArray) hits = NULL;
  if (match)
    {
      hits = rw_store_runbooks_search (store, match, rw_runbook_weights, limit, error);
      if (hits == NULL)
        return NULL;
    }
  else
    hits = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_runbook_hit_free);
  if (hits->len == 0 && rw_runbook_set_find (set, "unknown"))
    {
      RwRunbookHit *h = g_new0 (RwRunbookHit, 1);
      h->id = g_strdup ("unknown");
      g_ptr_array_add (hits, h);
    }
  if (match_out)
    *match_out = g_steal_pointer (&match);
  return g_steal_pointer (&hits);
}
