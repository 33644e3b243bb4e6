/* test-frr.c — FRR configuration and vtysh diffs (src/agent/rw-frr.c).
 *
 * Besides reading the text, the tests hold it to two independent checks: a small model of
 * vtysh (configuration state as context-qualified lines, single-valued settings replaced, "no"
 * removing exactly what exists) that replays a diff on the old configuration and must land on
 * the new one; and a parse of the rendered route-maps back into the policy fields they came
 * from, with the as-path regexes run against the twin's own matching.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-frr.h"
#include "rw-cli.h"
#include "rw-test-build.h"

#include <stdlib.h>
#include <string.h>

#define ENTERPRISE RW_SOURCE_DIR "/data/topologies/enterprise.json"

int rw_cli_config (int argc, char **argv);

static RwTopology *
load_enterprise (void)
{
  g_autoptr(GError) error = NULL;
  RwTopology *t = rw_topology_load_file (ENTERPRISE, &error);
  g_assert_no_error (error);
  return t;
}

static char *
config_of (const RwTopology *t, const char *router)
{
  g_autoptr(GError) error = NULL;
  char *text = rw_frr_router_config (t, router, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

static RwTopology *
with_changes (const RwTopology *t, const char *const *changes)
{
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) rw_change_free);
  g_autoptr(GError) error = NULL;
  RwTopology *after;
  for (guint i = 0; changes[i]; i++)
    {
      RwChange *c = rw_change_parse (changes[i], &error);
      g_assert_no_error (error);
      g_ptr_array_add (parsed, c);
    }
  after = rw_topology_with_changes (t, parsed, &error);
  g_assert_no_error (error);
  return after;
}

static gboolean
has_line (const char *text, const char *line)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strcmp (lines[i], line) == 0)
      return TRUE;
  return FALSE;
}

/* Index of the line equal to @line, or -1. */
static gint
line_index (const char *text, const char *line)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strcmp (lines[i], line) == 0)
      return (gint) i;
  return -1;
}

static void
assert_has_line (const char *text, const char *line)
{
  if (!has_line (text, line))
    g_error ("expected line «%s» in:\n%s", line, text);
}

static void
assert_no_line (const char *text, const char *line)
{
  if (has_line (text, line))
    g_error ("unexpected line «%s» in:\n%s", line, text);
}

/* ------------------------------------------------------------------------------------------ */
/* A model of vtysh: the configuration as a set of "context\tline" strings. */

/* The part of a command that names the setting: a second command with the same key replaces
 * the first, as FRR does for every command Routewise emits. */
static char *
sim_key (const char *line)
{
  g_auto(GStrv) w = g_strsplit (line, " ", -1);
  guint n = g_strv_length (w);
  if (g_str_has_prefix (line, "neighbor ") && n >= 3)
    {
      if (strcmp (w[2], "route-map") == 0 && n == 5)
        return g_strdup_printf ("neighbor %s route-map %s", w[1], w[4]);
      return g_strdup_printf ("neighbor %s %s", w[1], w[2]);
    }
  if (g_str_has_prefix (line, "network ") && n >= 2)
    return g_strdup_printf ("network %s", w[1]);
  if (g_str_has_prefix (line, "set as-path prepend"))
    return g_strdup ("set as-path prepend");
  if ((g_str_has_prefix (line, "set ") || g_str_has_prefix (line, "match community") ||
       g_str_has_prefix (line, "match as-path")) && n >= 2)
    return g_strdup_printf ("%s %s", w[0], w[1]);
  if (g_str_has_prefix (line, "match ip address prefix-list"))
    return g_strdup ("match ip address prefix-list");
  if (g_str_has_prefix (line, "description"))
    return g_strdup ("description");
  if (g_str_has_prefix (line, "bgp router-id") || g_str_has_prefix (line, "bgp cluster-id") ||
      g_str_has_prefix (line, "hostname"))
    return g_strndup (line, strrchr (line, ' ') - line);
  if (g_str_has_prefix (line, "ip prefix-list ") && n >= 5)
    return g_strdup_printf ("ip prefix-list %s seq %s", w[2], w[4]);
  if (g_str_has_prefix (line, "bgp community-list standard ") && n >= 6)
    return g_strdup_printf ("bgp community-list standard %s seq %s", w[3], w[5]);
  if (g_str_has_prefix (line, "bgp as-path access-list ") && n >= 6)
    return g_strdup_printf ("bgp as-path access-list %s seq %s", w[3], w[5]);
  return g_strdup (line);
}

typedef struct {
  GHashTable *lines; /* "ctx\tkey" -> "ctx\tline" */
} Sim;

static void
sim_init (Sim *s)
{
  s->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
sim_clear (Sim *s)
{
  g_hash_table_unref (s->lines);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sim, sim_clear)

static void
sim_set (Sim *s, const char *ctx, const char *line, gboolean strict)
{
  g_autofree char *key = sim_key (line);
  char *k = g_strdup_printf ("%s\t%s", ctx, key);
  char *v = g_strdup_printf ("%s\t%s", ctx, line);
  const char *old = g_hash_table_lookup (s->lines, k);
  if (strict && old != NULL && strcmp (old, v) == 0)
    g_error ("redundant command «%s» in %s (already configured)", line, ctx);
  g_hash_table_replace (s->lines, k, v);
}

static void
sim_unset (Sim *s, const char *ctx, const char *line)
{
  g_autofree char *key = sim_key (line);
  g_autofree char *k = g_strdup_printf ("%s\t%s", ctx, key);
  g_autofree char *v = g_strdup_printf ("%s\t%s", ctx, line);
  const char *old = g_hash_table_lookup (s->lines, k);
  if (old == NULL || strcmp (old, v) != 0)
    g_error ("«no %s» in %s: not configured (have «%s»)", line, ctx, old ? old : "nothing");
  g_hash_table_remove (s->lines, k);
}

/* Removes every line whose "ctx\tkey" starts with @prefix; returns how many. */
static guint
sim_drop (Sim *s, const char *prefix)
{
  GHashTableIter it;
  gpointer k;
  guint n = 0;
  g_hash_table_iter_init (&it, s->lines);
  while (g_hash_table_iter_next (&it, &k, NULL))
    if (g_str_has_prefix (k, prefix))
      {
        g_hash_table_iter_remove (&it);
        n++;
      }
  return n;
}

static gboolean
sim_has_prefix (Sim *s, const char *prefix)
{
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init (&it, s->lines);
  while (g_hash_table_iter_next (&it, &k, NULL))
    if (g_str_has_prefix (k, prefix))
      return TRUE;
  return FALSE;
}

static const char *const list_prefixes[] = { "ip prefix-list ", "bgp community-list standard ", "bgp as-path access-list " };

/* Feeds vtysh text to the model. @strict: a diff (every "no" must hit, nothing redundant); not
 * strict: loading a full configuration. Returns the lines after "end" (the exec commands). */
static char *
sim_feed (Sim *s, const char *text, gboolean strict)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *ctx = g_strdup ("top");
  GString *exec = g_string_new (NULL);
  gboolean configuring = !strict, ended = FALSE;

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *l = g_strstrip (g_strdup (lines[i]));
      gboolean no = g_str_has_prefix (l, "no ");
      const char *body = no ? l + 3 : l;
      if (*l == '\0' || *l == '!')
        continue;
      if (ended || (strict && !configuring))
        {
          g_assert_true (strict);
          if (strcmp (l, "configure terminal") == 0)
            {
              g_assert_false (ended); /* one block per router */
              configuring = TRUE;
              continue;
            }
          g_assert_true (g_str_has_prefix (l, "clear bgp ipv4 unicast "));
          g_string_append_printf (exec, "%s\n", l);
          continue;
        }
      if (strcmp (l, "end") == 0)
        {
          ended = strict;
          g_free (ctx);
          ctx = g_strdup ("top");
          continue;
        }
      if (strcmp (l, "frr defaults traditional") == 0)
        continue;
      /* Interfaces, static routes and OSPF are not what the diff manages (link state and IGP
       * cost are "!" lines there): the simulation reads past them. */
      if (strcmp (ctx, "skip") == 0)
        {
          if (strcmp (l, "exit") == 0)
            {
              g_free (ctx);
              ctx = g_strdup ("top");
            }
          continue;
        }
      if (strcmp (ctx, "top") == 0 && !strict && g_str_has_prefix (l, "ip route "))
        {
          /* an origination's route: the diff must add and remove it too */
          sim_set (s, "top", l, FALSE);
          continue;
        }
      if (strcmp (ctx, "top") == 0 && !strict && (g_str_has_prefix (l, "interface ") || strcmp (l, "router ospf") == 0))
        {
          g_free (ctx);
          ctx = g_strdup ("skip");
          continue;
        }
      if (strcmp (ctx, "top") == 0)
        {
          g_auto(GStrv) w = g_strsplit (body, " ", -1);
          if (g_str_has_prefix (body, "router bgp "))
            {
              if (no)
                {
                  g_autofree char *have = g_strdup_printf ("router\t%s", body);
                  if (!sim_has_prefix (s, have))
                    g_error ("«%s»: not configured", l);
                  sim_drop (s, "router\t");
                  sim_drop (s, "bgp\t");
                  sim_drop (s, "af\t");
                }
              else
                {
                  sim_set (s, "router", body, FALSE); /* entering it is not a change */
                  g_free (ctx);
                  ctx = g_strdup ("bgp");
                }
            }
          else if (g_str_has_prefix (body, "route-map "))
            {
              g_autofree char *entry = NULL;
              g_assert_true (g_strv_length (w) == 2 || g_strv_length (w) == 4);
              if (g_strv_length (w) == 2)
                {
                  g_autofree char *pfx = g_strdup_printf ("rm %s ", w[1]);
                  g_assert_true (no);
                  if (sim_drop (s, pfx) == 0)
                    g_error ("«%s»: no such route-map", l);
                  continue;
                }
              entry = g_strdup_printf ("rm %s %s %s", w[1], w[2], w[3]);
              if (no)
                {
                  g_autofree char *pfx = g_strdup_printf ("%s\t", entry);
                  if (sim_drop (s, pfx) == 0)
                    g_error ("«%s»: no such entry", l);
                }
              else
                {
                  /* The entry exists once entered, even with no lines. */
                  sim_set (s, entry, "(entry)", FALSE);
                  g_free (ctx);
                  ctx = g_steal_pointer (&entry);
                }
            }
          else
            {
              gboolean list = FALSE;
              for (guint k = 0; k < G_N_ELEMENTS (list_prefixes); k++)
                if (g_str_has_prefix (body, list_prefixes[k]))
                  {
                    guint words = k == 0 ? 3 : 4;
                    list = TRUE;
                    if (no && g_strv_length (w) == words)
                      {
                        g_autofree char *pfx = g_strdup_printf ("top\t%s%s seq ", list_prefixes[k], w[words - 1]);
                        if (sim_drop (s, pfx) == 0)
                          g_error ("«%s»: no such list", l);
                      }
                    else if (no)
                      sim_unset (s, "top", body);
                    else
                      sim_set (s, "top", body, strict);
                  }
              if (!list && g_str_has_prefix (body, "ip route "))
                {
                  /* an origination's route in the table */
                  if (no)
                    sim_unset (s, "top", body);
                  else
                    sim_set (s, "top", body, strict);
                }
              else if (!list)
                {
                  g_assert_true (g_str_has_prefix (body, "hostname ") && !no);
                  sim_set (s, "top", body, strict);
                }
            }
          continue;
        }
      if (strcmp (ctx, "bgp") == 0 || strcmp (ctx, "af") == 0)
        {
          if (strcmp (l, "exit") == 0 && strcmp (ctx, "bgp") == 0)
            {
              g_free (ctx);
              ctx = g_strdup ("top");
              continue;
            }
          if (strcmp (l, "address-family ipv4 unicast") == 0)
            {
              g_free (ctx);
              ctx = g_strdup ("af");
              continue;
            }
          if (strcmp (l, "exit-address-family") == 0)
            {
              g_free (ctx);
              ctx = g_strdup ("bgp");
              continue;
            }
          if (no && g_str_has_prefix (body, "neighbor ") && strchr (body + 9, ' ') == NULL)
            {
              g_autofree char *b = g_strdup_printf ("bgp\tneighbor %s ", body + 9);
              g_autofree char *a = g_strdup_printf ("af\tneighbor %s ", body + 9);
              if (sim_drop (s, b) + sim_drop (s, a) == 0)
                g_error ("«%s»: no such neighbour", l);
              continue;
            }
          /* Knobs on by default: the configuration shows their "no" form. */
          if (strcmp (body, "bgp ebgp-requires-policy") == 0)
            {
              if (no)
                sim_set (s, ctx, l, strict);
              else
                sim_unset (s, ctx, "no bgp ebgp-requires-policy");
              continue;
            }
          if (no)
            sim_unset (s, ctx, body);
          else
            sim_set (s, ctx, body, strict);
          continue;
        }
      /* inside a route-map entry */
      if (strcmp (l, "exit") == 0)
        {
          g_free (ctx);
          ctx = g_strdup ("top");
          continue;
        }
      if (no)
        sim_unset (s, ctx, body);
      else
        sim_set (s, ctx, body, strict);
    }
  if (strict)
    g_assert_true (ended || exec->len == 0 || !configuring);
  return g_string_free (exec, FALSE);
}

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static char *
sim_text (Sim *s)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  GHashTableIter it;
  gpointer v;
  GString *out = g_string_new (NULL);
  g_hash_table_iter_init (&it, s->lines);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (all, v);
  g_ptr_array_sort (all, str_ptr_cmp);
  for (guint i = 0; i < all->len; i++)
    g_string_append_printf (out, "%s\n", (char *) all->pdata[i]);
  return g_string_free (out, FALSE);
}

/* Loading @config_before then feeding @diff must give the state of @config_after. */
static void
assert_diff_lands (const char *config_before, const char *diff, const char *config_after, const char *what)
{
  g_auto(Sim) s = { 0 };
  g_auto(Sim) want = { 0 };
  g_autofree char *got_text = NULL, *want_text = NULL;
  sim_init (&s);
  sim_init (&want);
  g_free (sim_feed (&s, config_before, FALSE));
  g_free (sim_feed (&s, diff, TRUE));
  g_free (sim_feed (&want, config_after, FALSE));
  got_text = sim_text (&s);
  want_text = sim_text (&want);
  if (strcmp (got_text, want_text) != 0)
    g_error ("%s: replaying the diff does not give the new configuration\n--- diff\n%s--- got\n%s--- want\n%s",
             what, diff, got_text, want_text);
}

/* For every router of ours: diff(before, after) lands on after, and diff(after, before) on
 * before. Returns how many routers changed. */
static guint
assert_symmetric (const RwTopology *before, const RwTopology *after, const char *what)
{
  guint changed = 0;
  for (guint i = 0; i < before->nodes->len; i++)
    {
      const RwNode *n = before->nodes->pdata[i];
      g_autofree char *cb = config_of (before, n->id);
      g_autofree char *ca = config_of (after, n->id);
      g_autofree char *fwd = rw_frr_config_diff (before, after, n->id);
      g_autofree char *back = rw_frr_config_diff (after, before, n->id);
      g_autofree char *label = g_strdup_printf ("%s at %s", what, n->id);
      g_assert_nonnull (fwd);
      g_assert_nonnull (back);
      assert_diff_lands (cb, fwd, ca, label);
      assert_diff_lands (ca, back, cb, label);
      if (strcmp (g_strstr_len (cb, -1, "router bgp "), g_strstr_len (ca, -1, "router bgp ")) != 0)
        {
          /* (interfaces, static routes and OSPF come before "router bgp"; link state and IGP
           * cost changes there are "!" lines of the diff) */
          g_assert_true (has_line (fwd, "configure terminal"));
          g_assert_true (has_line (back, "configure terminal"));
          changed += n->kind == RW_NODE_ROUTER;
        }
      else
        g_assert_false (has_line (fwd, "configure terminal"));
    }
  return changed;
}

/* ------------------------------------------------------------------------------------------ */

static void
test_enterprise_r1 (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  g_autofree char *c = config_of (t, "R1");
  gint prev;

  g_assert_true (g_str_has_suffix (c, "\nend\n"));
  assert_has_line (c, "frr defaults traditional");
  assert_has_line (c, "hostname edge-router-01");
  assert_has_line (c, "router bgp 65001");
  assert_has_line (c, " bgp router-id 10.255.0.1");
  /* Every eBGP session has both policies: FRR's ebgp-requires-policy can stay on. */
  assert_no_line (c, " no bgp ebgp-requires-policy");
  assert_no_line (c, " bgp cluster-id 10.255.0.1");
  assert_no_line (c, " bgp always-compare-med");

  /* Neighbours: the peers' router ids, by address. */
  assert_has_line (c, " neighbor 10.255.0.3 remote-as 65001");
  assert_has_line (c, " neighbor 10.255.0.3 description R3");
  assert_has_line (c, " neighbor 100.64.0.15 remote-as 55836");
  assert_has_line (c, " neighbor 100.64.0.15 description ISP-A");
  assert_has_line (c, " neighbor 100.64.0.17 remote-as 55410");
  assert_has_line (c, " neighbor 100.64.0.17 description ISP-B");
  assert_no_line (c, " neighbor 100.64.0.15 shutdown");
  g_assert_cmpint (line_index (c, " neighbor 10.255.0.3 remote-as 65001"), <,
                   line_index (c, " neighbor 100.64.0.15 remote-as 55836"));
  g_assert_cmpint (line_index (c, " neighbor 100.64.0.15 remote-as 55836"), <,
                   line_index (c, " neighbor 100.64.0.17 remote-as 55410"));

  assert_has_line (c, " address-family ipv4 unicast");
  assert_has_line (c, "  neighbor 10.255.0.3 next-hop-self"); /* an edge router's iBGP session */
  assert_no_line (c, "  neighbor 10.255.0.3 route-reflector-client");
  assert_has_line (c, "  neighbor 100.64.0.15 route-map r1-from-isp-a in");
  assert_has_line (c, "  neighbor 100.64.0.15 route-map r1-to-isp-a out");
  assert_has_line (c, "  neighbor 100.64.0.17 route-map r1-from-isp-b in");
  assert_has_line (c, "  neighbor 100.64.0.17 route-map r1-to-isp-b out");
  assert_has_line (c, " exit-address-family");
  g_assert_cmpint (line_index (c, " address-family ipv4 unicast"), >, line_index (c, " neighbor 100.64.0.17 description ISP-B"));

  /* Prefix-lists, one per entry that matches prefixes, with ge/le as FRR wants them. */
  assert_has_line (c, "ip prefix-list PL-r1-from-isp-a-10 seq 5 permit 0.0.0.0/8 le 32");
  assert_has_line (c, "ip prefix-list PL-r1-from-isp-a-10 seq 10 permit 10.0.0.0/8 le 32");
  assert_has_line (c, "ip prefix-list PL-r1-from-isp-a-10 seq 45 permit 198.51.100.0/24 le 32");
  assert_has_line (c, "ip prefix-list PL-r1-from-isp-a-20 seq 5 permit 0.0.0.0/0 le 32");
  assert_has_line (c, "ip prefix-list PL-r1-to-isp-a-10 seq 5 permit 203.0.113.0/24");
  assert_has_line (c, "ip prefix-list PL-r1-to-isp-a-10 seq 10 permit 198.51.100.0/24");

  /* Route-map blocks in seq order, each closed by exit. */
  prev = -1;
  {
    static const char *const blocks[][4] = {
      { "route-map r1-from-isp-a deny 10", " match ip address prefix-list PL-r1-from-isp-a-10", "exit", NULL },
      { "route-map r1-from-isp-a permit 20", " match ip address prefix-list PL-r1-from-isp-a-20",
        " set community 65001:101 additive", "exit" },
      { "route-map r1-from-isp-b deny 10", " match ip address prefix-list PL-r1-from-isp-b-10", "exit", NULL },
      { "route-map r1-from-isp-b permit 20", " match ip address prefix-list PL-r1-from-isp-b-20",
        " set community 65001:102 additive", "exit" },
      { "route-map r1-to-isp-a permit 10", " match ip address prefix-list PL-r1-to-isp-a-10", "exit", NULL },
      { "route-map r1-to-isp-b permit 10", " match ip address prefix-list PL-r1-to-isp-b-10", "exit", NULL },
    };
    g_auto(GStrv) lines = g_strsplit (c, "\n", -1);
    for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
      {
        gint at = line_index (c, blocks[b][0]);
        g_assert_cmpint (at, >, prev);
        for (guint k = 1; k < 4 && blocks[b][k]; k++)
          g_assert_cmpstr (lines[at + (gint) k], ==, blocks[b][k]);
        prev = at;
      }
  }
  /* Only the route-maps R1's sessions use. */
  g_assert_null (strstr (c, "r2-"));
  /* Lists come before the route-maps that use them. */
  g_assert_cmpint (line_index (c, "ip prefix-list PL-r1-to-isp-b-10 seq 5 permit 203.0.113.0/24"), <,
                   line_index (c, "route-map r1-from-isp-a deny 10"));
}

static void
test_other_roles (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  g_autofree char *r3 = config_of (t, "R3");
  g_autofree char *r4 = config_of (t, "R4");
  g_autofree char *isp = config_of (t, "ISP-A");

  /* The reflector: cluster id, clients, no next-hop-self (it has no eBGP session). */
  assert_has_line (r3, " bgp cluster-id 10.255.0.3");
  assert_has_line (r3, "  neighbor 10.255.0.1 route-reflector-client");
  assert_has_line (r3, "  neighbor 10.255.0.5 route-reflector-client");
  assert_no_line (r3, "  neighbor 10.255.0.1 next-hop-self");
  assert_has_line (r3, " neighbor 10.255.0.1 update-source 10.255.0.3");
  g_assert_null (strstr (r3, "route-map"));

  /* A spine originates its prefixes; their attributes ride on the network statement. */
  assert_has_line (r4, "  network 10.20.0.0/16 route-map RW-ORIGIN-10-20-0-0-16");
  assert_has_line (r4, "  network 203.0.113.0/24 route-map RW-ORIGIN-203-0-113-0-24");
  assert_has_line (r4, "route-map RW-ORIGIN-10-20-0-0-16 permit 10");
  assert_has_line (r4, " set origin incomplete");
  assert_has_line (r4, " set community no-export additive");
  assert_has_line (r4, " set community 65001:999 additive");

  /* An external speaker without policies: FRR 8 would drop its eBGP routes. */
  assert_has_line (isp, "router bgp 55836");
  assert_has_line (isp, " no bgp ebgp-requires-policy");
  assert_has_line (isp, " neighbor 100.64.0.14 remote-as 65001");
  assert_has_line (isp, " neighbor 100.64.0.23 description GOOGLE");
  assert_no_line (isp, " neighbor 10.255.0.1 update-source 198.18.0.1");
}

static void
test_deterministic (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  g_autoptr(RwTopology) again = load_enterprise ();
  g_autoptr(RwTopology) copy = rw_topology_copy (t);
  static const char *const change[] = { "local-pref:R1:ISP-B:150:104.16.0.0/13", "prepend:R2:ISP-C:2", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *d1 = NULL, *d2 = NULL;

  for (guint i = 0; i < t->nodes->len; i++)
    {
      const char *id = ((RwNode *) t->nodes->pdata[i])->id;
      g_autofree char *a = config_of (t, id);
      g_autofree char *b = config_of (t, id);
      g_autofree char *c = config_of (again, id);
      g_autofree char *d = config_of (copy, id);
      g_assert_cmpstr (a, ==, b);
      g_assert_cmpstr (a, ==, c);
      g_assert_cmpstr (a, ==, d);
    }
  d1 = rw_frr_changes_diff (t, change, &error);
  g_assert_no_error (error);
  d2 = rw_frr_changes_diff (again, change, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d1, ==, d2);
}

static void
test_local_pref_change (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  static const char *const change[] = { "local-pref:R1:ISP-B:200:104.16.0.0/13", NULL };
  g_autoptr(RwTopology) after = with_changes (t, change);
  g_autoptr(GError) error = NULL;
  g_autofree char *d = rw_frr_changes_diff (t, change, &error);
  g_autofree char *r1 = rw_frr_config_diff (t, after, "R1");
  g_autofree char *expected = NULL;
  g_autofree char *cfg = config_of (after, "R1");

  g_assert_no_error (error);
  expected = g_strdup_printf ("! router R1\n%s", r1);
  g_assert_cmpstr (d, ==, expected); /* only R1 changes */
  g_assert_cmpstr (r1, ==,
                   "configure terminal\n"
                   "ip prefix-list PL-r1-from-isp-b-5 seq 5 permit 104.16.0.0/13\n"
                   "route-map r1-from-isp-b permit 5\n"
                   " match ip address prefix-list PL-r1-from-isp-b-5\n"
                   " set local-preference 200\n"
                   " on-match next\n"
                   "exit\n"
                   /* the route-map's verdict stays: what it denied, the new entry does not let in */
                   "route-map r1-from-isp-b deny 30\n"
                   "exit\n"
                   "end\n"
                   "clear bgp ipv4 unicast 100.64.0.17 soft in\n");
  /* The full configuration has the new entry first in its route-map. */
  g_assert_cmpint (line_index (cfg, "route-map r1-from-isp-b permit 5"), <, line_index (cfg, "route-map r1-from-isp-b deny 10"));
  /* Changing the value again updates the same entry: a one-line diff. */
  {
    static const char *const again[] = { "local-pref:R1:ISP-B:250:104.16.0.0/13", NULL };
    g_autofree char *d2 = rw_frr_changes_diff (after, again, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (d2, ==,
                     "! router R1\n"
                     "configure terminal\n"
                     "route-map r1-from-isp-b permit 5\n"
                     " set local-preference 250\n"
                     "exit\n"
                     "end\n"
                     "clear bgp ipv4 unicast 100.64.0.17 soft in\n");
  }
}

static void
test_rollback_removes_what_was_added (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  static const char *const change[] = { "local-pref:R1:ISP-B:200:104.16.0.0/13", "prepend:R1:ISP-A:3", NULL };
  g_autoptr(RwTopology) after = with_changes (t, change);
  g_autoptr(GError) error = NULL;
  g_autofree char *fwd = rw_frr_changes_diff (t, change, &error);
  g_autofree char *back = rw_frr_topology_diff (after, t, &error);
  g_auto(GStrv) flines = g_strsplit (fwd, "\n", -1);
  g_auto(GStrv) blines = g_strsplit (back, "\n", -1);
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_free);
  guint removals = 0;

  g_assert_no_error (error);
  /* What the change creates: route-map entries and lists. */
  for (guint i = 0; flines[i]; i++)
    {
      if (g_str_has_prefix (flines[i], "route-map "))
        g_ptr_array_add (created, g_strdup_printf ("no %s", flines[i]));
      else if (g_str_has_prefix (flines[i], "ip prefix-list "))
        {
          g_auto(GStrv) w = g_strsplit (flines[i], " ", -1);
          g_ptr_array_add (created, g_strdup_printf ("no ip prefix-list %s", w[2]));
        }
      else
        g_assert_false (g_str_has_prefix (flines[i], "no ")); /* the change only adds */
    }
  /* two change entries, a deny after each route-map (its verdict stays), one prefix-list */
  g_assert_cmpuint (created->len, ==, 5);
  for (guint i = 0; i < created->len; i++)
    assert_has_line (back, created->pdata[i]);
  /* …and nothing else: the rollback has no other configuration command. */
  for (guint i = 0; blines[i]; i++)
    {
      const char *l = blines[i];
      if (g_str_has_prefix (l, "no "))
        removals++;
      else
        g_assert_true (*l == '\0' || g_str_has_prefix (l, "!") || strcmp (l, "configure terminal") == 0 ||
                       strcmp (l, "end") == 0 || g_str_has_prefix (l, "clear bgp ipv4 unicast "));
    }
  g_assert_cmpuint (removals, ==, created->len);
  /* The same neighbours are cleared both ways. */
  assert_has_line (fwd, "clear bgp ipv4 unicast 100.64.0.17 soft in");
  assert_has_line (back, "clear bgp ipv4 unicast 100.64.0.17 soft in");
  assert_has_line (fwd, "clear bgp ipv4 unicast 100.64.0.15 soft out");
  assert_has_line (back, "clear bgp ipv4 unicast 100.64.0.15 soft out");
  g_assert_cmpuint (assert_symmetric (t, after, "local-pref + prepend"), ==, 1);
}

static void
test_session_down (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  static const char *const change[] = { "session-down:R1:ISP-A", NULL };
  g_autoptr(RwTopology) after = with_changes (t, change);
  g_autofree char *d = rw_frr_config_diff (t, after, "R1");
  g_autofree char *back = rw_frr_config_diff (after, t, "R1");
  g_autofree char *cfg = config_of (after, "R1");

  g_assert_cmpstr (d, ==, "configure terminal\nrouter bgp 65001\n neighbor 100.64.0.15 shutdown\nexit\nend\n");
  g_assert_cmpstr (back, ==, "configure terminal\nrouter bgp 65001\n no neighbor 100.64.0.15 shutdown\nexit\nend\n");
  assert_has_line (cfg, " neighbor 100.64.0.15 shutdown");
  assert_symmetric (t, after, "session-down");
}

static void
test_unknown_router (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  g_autoptr(GError) error = NULL;
  g_autofree char *c = rw_frr_router_config (t, "R9", &error);
  g_autofree char *d = rw_frr_config_diff (t, t, "R9");
  g_assert_null (c);
  g_assert_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNKNOWN_ROUTER);
  g_assert_nonnull (strstr (error->message, "'R9'"));
  g_assert_cmpstr (d, ==, "");
}

static void
test_missing_route_map (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  g_autoptr(GError) error = NULL;
  g_autofree char *c = NULL;
  RwSession *s = rw_topology_find_session (t, "R1", "ISP-B");
  RwSessionEnd *end = rw_session_end_for (s, "R1");
  g_free (end->export);
  end->export = g_strdup ("to-nowhere");
  c = rw_frr_router_config (t, "R1", &error);
  g_assert_null (c);
  g_assert_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNKNOWN_POLICY);
  g_assert_nonnull (strstr (error->message, "'to-nowhere'"));
  g_assert_nonnull (strstr (error->message, "R1"));
  /* Other routers still render; the diff gives up on R1 and says why. */
  g_free (config_of (t, "R2"));
  {
    g_autoptr(RwTopology) good = load_enterprise ();
    g_autofree char *d = rw_frr_config_diff (good, t, "R1");
    g_autofree char *all = NULL;
    g_autoptr(GError) e2 = NULL;
    g_assert_null (d);
    all = rw_frr_topology_diff (good, t, &e2);
    g_assert_null (all);
    g_assert_error (e2, RW_FRR_ERROR, RW_FRR_ERROR_UNKNOWN_POLICY);
    g_assert_nonnull (strstr (e2->message, "'to-nowhere'"));
  }
}

static void
test_bad_change (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  static const char *const bad[] = { "local-pref:R1:ISP-Z:200", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *d = rw_frr_changes_diff (t, bad, &error);
  g_assert_null (d);
  g_assert_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_CHANGE);
  g_assert_nonnull (strstr (error->message, "ISP-Z"));
}

/* Every change kind, alone: the diff replays onto the new configuration and back. */
static void
test_every_change_kind_symmetric (void)
{
  static const struct {
    const char *change;
    guint routers; /* routers of ours whose configuration changes */
  } cases[] = {
    { "local-pref:R1:ISP-B:150:104.16.0.0/13", 1 },
    { "local-pref:R2:ISP-C:50", 1 },
    { "prepend:R2:ISP-C:2", 1 },
    { "prepend:R1:ISP-A:1:203.0.113.0/24", 1 },
    { "med:R1:ISP-A:30", 1 },
    { "community-add:R1:ISP-A:65001:777:203.0.113.0/24", 1 },
    { "community-add:R2:ISP-B:no-export", 1 },
    { "session-down:R1:ISP-A", 1 },
    { "session-down:R3:R1", 2 },
    { "link-down:R2-ISPB", 0 },
    { "igp-cost:R1-R3:50", 0 },
    { "demand:dc-web-to-google:100", 0 },
  };
  g_autoptr(RwTopology) t = load_enterprise ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *const change[] = { cases[i].change, NULL };
      g_autoptr(RwTopology) after = with_changes (t, change);
      g_autoptr(GError) error = NULL;
      g_autofree char *d = rw_frr_changes_diff (t, change, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (assert_symmetric (t, after, cases[i].change), ==, cases[i].routers);
      if (g_str_has_prefix (cases[i].change, "demand:"))
        g_assert_cmpstr (d, ==, "");
    }
  /* Several at once, and a session brought back up. */
  {
    static const char *const many[] = { "session-down:R1:ISP-A", "link-down:R2-ISPB", "prepend:R2:ISP-C:2",
                                        "med:R1:ISP-A:30", "community-add:R1:ISP-A:65001:777:203.0.113.0/24",
                                        "local-pref:R1:ISP-B:150:104.16.0.0/13", NULL };
    static const char *const up[] = { "session-up:R1:ISP-A", NULL };
    g_autoptr(RwTopology) after = with_changes (t, many);
    g_autoptr(RwTopology) upped = with_changes (after, up);
    g_autofree char *d = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_cmpuint (assert_symmetric (t, after, "several"), ==, 2);
    g_assert_cmpuint (assert_symmetric (after, upped, "session-up"), ==, 1);
    d = rw_frr_config_diff (after, upped, "R1");
    /* The session comes up with its changed policies already in place: no soft clear. */
    g_assert_cmpstr (d, ==, "configure terminal\nrouter bgp 65001\n no neighbor 100.64.0.15 shutdown\nexit\nend\n");
    g_free (d);
    /* In a rollback the policies go back first and the session comes up last. */
    d = rw_frr_config_diff (after, t, "R1");
    g_assert_cmpint (line_index (d, " no neighbor 100.64.0.15 shutdown"), >, line_index (d, "no route-map r1-to-isp-a permit 5"));
    g_free (d);
    d = rw_frr_changes_diff (t, many, &error);
    g_assert_no_error (error);
    assert_has_line (d, "! router R1");
    assert_has_line (d, "! router R2");
    assert_has_line (d, "! link R2-ISPB down (physical)");
    g_assert_cmpint (line_index (d, "! router R2"), <, line_index (d, "! link R2-ISPB down (physical)"));
  }
}

static void
test_links_are_comments (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  static const char *const change[] = { "link-down:R2-ISPB", "igp-cost:R1-R3:50", "link-down:ISPA-GOOGLE",
                                        "session-down:ISP-A:GOOGLE", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *d = rw_frr_changes_diff (t, change, &error);
  g_autoptr(RwTopology) after = with_changes (t, change);
  g_autofree char *back = rw_frr_topology_diff (after, t, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d, ==,
                   "! link ISPA-GOOGLE down (physical)\n"
                   "! session ISP-A-GOOGLE down (external: no configuration of ours)\n"
                   "! router R1\n"
                   "! link R1-R3 igp-cost 10 -> 50 (IGP metric, set on the interfaces)\n"
                   "! router R2\n"
                   "! link R2-ISPB down (physical)\n"
                   "! router R3\n"
                   "! link R1-R3 igp-cost 10 -> 50 (IGP metric, set on the interfaces)\n");
  assert_has_line (back, "! link R2-ISPB up (physical)");
  assert_has_line (back, "! link R1-R3 igp-cost 50 -> 10 (IGP metric, set on the interfaces)");
  g_assert_null (strstr (d, "configure terminal"));
}

/* Edits no change string makes: sessions and routers appear and go, knobs flip. */
static void
test_topology_edits_symmetric (void)
{
  g_autoptr(RwTopology) t = load_enterprise ();
  g_autoptr(RwTopology) e = rw_topology_copy (t);
  RwSession *s;
  RwPolicy *p;
  RwPolicyEntry *entry;
  g_autofree char *d = NULL;

  e->always_compare_med = TRUE;
  /* R1 loses its ISP-B session, R2 gains one to ISP-A without policy, weights move. */
  for (guint i = 0; i < e->sessions->len; i++)
    {
      s = e->sessions->pdata[i];
      if (rw_topology_find_session (e, "R1", "ISP-B") == s)
        {
          g_ptr_array_remove_index (e->sessions, i);
          break;
        }
    }
  s = rw_session_new ("R2", "ISP-A");
  s->ends[0].weight = 50;
  g_ptr_array_add (e->sessions, s);
  rw_session_end_for (rw_topology_find_session (e, "R1", "ISP-A"), "R1")->weight = 20;
  /* A policy entry changes action, another loses a set and gains others. */
  p = rw_topology_find_policy (e, "r1-to-isp-a");
  ((RwPolicyEntry *) p->entries->pdata[0])->permit = FALSE;
  p = rw_topology_find_policy (e, "r1-from-isp-a");
  entry = p->entries->pdata[1];
  g_array_set_size (entry->community_add, 0);
  entry->has_set_med = TRUE;
  entry->set_med = 7;
  {
    guint32 c = 0xFDE90065; /* 65001:101 */
    g_array_append_val (entry->community_remove, c);
  }
  g_ptr_array_add (p->entries, rw_policy_entry_new (30, TRUE));
  /* An origination moves from R4 to R5 and gains a MED. */
  for (guint i = 0; i < e->prefixes->len; i++)
    {
      RwOrigination *o = e->prefixes->pdata[i];
      if (g_strcmp0 (o->origin_node, "R4") == 0 && o->prefix.len == 24)
        {
          o->origin_node = g_intern_static_string ("R5");
          o->has_med = TRUE;
          o->med = 5;
        }
    }
  /* A router of ours is added (a second reflector). */
  g_ptr_array_add (e->nodes, rw_node_new ("R6", RW_NODE_ROUTER, RW_ROLE_REFLECTOR, 65001, (10u << 24) | (255u << 16) | 6));
  s = rw_session_new ("R6", "R2");
  s->ends[0].rr_client = TRUE;
  g_ptr_array_add (e->sessions, s);
  {
    g_autoptr(GError) error = NULL;
    g_assert_true (rw_topology_validate (e, &error));
  }

  g_assert_cmpuint (assert_symmetric (t, e, "edits"), >=, 4);
  /* R6 exists on one side only. */
  {
    g_autofree char *cfg = config_of (e, "R6");
    g_autofree char *fwd = rw_frr_config_diff (t, e, "R6");
    g_autofree char *back = rw_frr_config_diff (e, t, "R6");
    g_auto(Sim) empty = { 0 };
    g_auto(Sim) s6 = { 0 };
    g_autofree char *x = NULL, *y = NULL;
    sim_init (&empty);
    sim_init (&s6);
    g_free (sim_feed (&empty, fwd, TRUE));
    g_free (sim_feed (&s6, cfg, FALSE));
    x = sim_text (&empty);
    y = sim_text (&s6);
    g_assert_cmpstr (x, ==, y);
    assert_has_line (back, "no router bgp 65001");
  }
  d = rw_frr_config_diff (t, e, "R1");
  assert_has_line (d, " bgp always-compare-med");
  assert_has_line (d, " no neighbor 100.64.0.17");
  assert_has_line (d, "  neighbor 100.64.0.15 weight 20");
  assert_has_line (d, "no route-map r1-to-isp-a permit 10");
  assert_has_line (d, "route-map r1-to-isp-a deny 10");
  assert_has_line (d, "no route-map r1-from-isp-b");
  assert_has_line (d, "no ip prefix-list PL-r1-from-isp-b-10");
  assert_has_line (d, " no set community 65001:101 additive");
  assert_has_line (d, "clear bgp ipv4 unicast 100.64.0.15 soft in");
  assert_has_line (d, "clear bgp ipv4 unicast 100.64.0.15 soft out");
  g_free (d);
  d = rw_frr_config_diff (t, e, "R2");
  assert_has_line (d, " no bgp ebgp-requires-policy");
  assert_has_line (d, " neighbor 198.18.0.1 remote-as 55836");
  g_free (d);
  d = rw_frr_config_diff (e, t, "R2");
  assert_has_line (d, " bgp ebgp-requires-policy");
  assert_has_line (d, " no neighbor 198.18.0.1");
}

/* ------------------------------------------------------------------------------------------ */
/* Round trip: rendered route-maps read back into the fields they came from. */

/* The rendered lines of one route-map entry and of the lists it names. */
typedef struct {
  gboolean found, permit;
  GPtrArray *lines; /* char*, without indentation */
} Block;

static void
block_clear (Block *b)
{
  if (b->lines)
    g_ptr_array_unref (b->lines);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Block, block_clear)

static void
find_block (const char *cfg, const char *map, guint seq, Block *out)
{
  g_auto(GStrv) lines = g_strsplit (cfg, "\n", -1);
  g_autofree char *permit = g_strdup_printf ("route-map %s permit %u", map, seq);
  g_autofree char *deny = g_strdup_printf ("route-map %s deny %u", map, seq);
  out->lines = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; lines[i]; i++)
    if (strcmp (lines[i], permit) == 0 || strcmp (lines[i], deny) == 0)
      {
        out->found = TRUE;
        out->permit = strcmp (lines[i], permit) == 0;
        for (guint j = i + 1; lines[j] && strcmp (lines[j], "exit") != 0; j++)
          g_ptr_array_add (out->lines, g_strdup (lines[j] + 1));
      }
}

static const char *
block_value (const Block *b, const char *prefix)
{
  for (guint i = 0; i < b->lines->len; i++)
    if (g_str_has_prefix (b->lines->pdata[i], prefix))
      return (const char *) b->lines->pdata[i] + strlen (prefix);
  return NULL;
}

/* The values (after "seq N ACTION ") of the @action lines of list @name. */
static GPtrArray *
list_values (const char *cfg, const char *cmd, const char *name, const char *action)
{
  g_auto(GStrv) lines = g_strsplit (cfg, "\n", -1);
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *head = g_strdup_printf ("%s %s seq ", cmd, name);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], head))
      {
        const char *rest = strchr (lines[i] + strlen (head), ' ') + 1;
        if (g_str_has_prefix (rest, action) && rest[strlen (action)] == ' ')
          g_ptr_array_add (values, g_strdup (rest + strlen (action) + 1));
      }
  return values;
}

/* FRR's "_" in as-path regexes: a separator, or the start or end of the path. */
static gboolean
frr_as_path_match (const char *regex, const RwRoute *r)
{
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GString) re = g_string_new (NULL);
  g_autoptr(GRegex) compiled = NULL;
  g_autoptr(GError) error = NULL;
  for (guint i = 0; i < r->as_path_len; i++)
    g_string_append_printf (path, "%s%u", i ? " " : "", r->as_path[i]);
  for (const char *c = regex; *c; c++)
    if (*c == '_')
      g_string_append (re, "(^|[,{}() ]|$)");
    else
      g_string_append_c (re, *c);
  compiled = g_regex_new (re->str, 0, 0, &error);
  g_assert_no_error (error);
  return g_regex_match (compiled, path->str, 0, NULL);
}

/* Effective accepted lengths of a prefix-list line, as FRR reads "P [ge G] [le L]". */
static void
frr_prefix_range (const char *value, RwPrefix *p, guint *lo, guint *hi)
{
  g_auto(GStrv) w = g_strsplit (value, " ", -1);
  guint n = g_strv_length (w);
  gboolean ge = FALSE, le = FALSE;
  g_assert_true (rw_prefix_parse (w[0], p));
  *lo = *hi = p->len;
  for (guint i = 1; i + 1 < n; i += 2)
    {
      guint v = (guint) g_ascii_strtoull (w[i + 1], NULL, 10);
      if (strcmp (w[i], "ge") == 0)
        {
          g_assert_cmpuint (v, >, p->len); /* FRR: len < ge */
          *lo = v;
          ge = TRUE;
        }
      else
        {
          g_assert_cmpstr (w[i], ==, "le");
          g_assert_cmpuint (v, >, p->len); /* FRR: len < le */
          *hi = v;
          le = TRUE;
        }
    }
  if (ge && !le)
    *hi = 32;
  g_assert_cmpuint (*lo, <=, *hi);
}

static guint
count_words (const char *s, const char *word)
{
  g_auto(GStrv) w = g_strsplit (s, " ", -1);
  guint n = 0;
  for (guint i = 0; w[i]; i++)
    n += strcmp (w[i], word) == 0;
  return n;
}

static void
assert_communities (const char *text, const GArray *want)
{
  g_auto(GStrv) w = g_strsplit (text, " ", -1);
  g_assert_cmpuint (g_strv_length (w), ==, want->len);
  for (guint i = 0; i < want->len; i++)
    {
      guint32 c;
      g_assert_true (rw_community_parse (w[i], &c));
      g_assert_cmpuint (c, ==, g_array_index (want, guint32, i));
    }
}

/* Reads entry @e of @p back from @cfg and compares every field the twin uses. */
static void
assert_entry_rendered (const char *cfg, const RwPolicy *p, const RwPolicyEntry *e, RwPolicyDirection dir, guint32 own_asn)
{
  g_auto(Block) b = { 0 };
  const char *v;
  find_block (cfg, p->name, e->seq, &b);
  if (!b.found)
    g_error ("route-map %s %u not rendered:\n%s", p->name, e->seq, cfg);
  g_assert_cmpint (b.permit, ==, e->permit);

  v = block_value (&b, "match ip address prefix-list ");
  g_assert_cmpint (v != NULL, ==, e->match_prefixes != NULL);
  if (v != NULL)
    {
      g_autoptr(GPtrArray) permit = list_values (cfg, "ip prefix-list", v, "permit");
      g_assert_cmpuint (permit->len, ==, e->match_prefixes->len);
      for (guint i = 0; i < permit->len; i++)
        {
          const RwPrefixMatch *m = &g_array_index (e->match_prefixes, RwPrefixMatch, i);
          RwPrefix pfx;
          guint lo, hi;
          frr_prefix_range (permit->pdata[i], &pfx, &lo, &hi);
          g_assert_true (rw_prefix_equal (&pfx, &m->prefix));
          g_assert_cmpuint (lo, ==, MAX (m->ge, m->prefix.len));
          g_assert_cmpuint (hi, ==, m->le);
        }
    }
  v = block_value (&b, "match community ");
  g_assert_cmpint (v != NULL, ==, e->has_match_community);
  if (v != NULL)
    {
      g_autoptr(GPtrArray) vals = list_values (cfg, "bgp community-list standard", v, "permit");
      guint32 c;
      g_assert_cmpuint (vals->len, ==, 1);
      g_assert_true (rw_community_parse (vals->pdata[0], &c));
      g_assert_cmpuint (c, ==, e->match_community);
    }
  v = block_value (&b, "match as-path ");
  g_assert_cmpint (v != NULL, ==, e->has_match_neighbor_as || e->has_match_as_path_contains);
  if (v != NULL)
    {
      /* The regex must accept exactly the paths the twin's match accepts. */
      g_autoptr(GPtrArray) vals = list_values (cfg, "bgp as-path access-list", v, "permit");
      const guint32 asns[] = { 64500, 64501, 645, 6450, 15169, 64510 };
      GRand *rand = g_rand_new_with_seed (e->seq);
      RwPolicyEntry *only = rw_policy_entry_new (e->seq, TRUE);
      RwPrefix any = { 0, 0 };
      only->has_match_neighbor_as = e->has_match_neighbor_as;
      only->match_neighbor_as = e->match_neighbor_as;
      only->has_match_as_path_contains = e->has_match_as_path_contains;
      only->match_as_path_contains = e->match_as_path_contains;
      g_assert_cmpuint (vals->len, ==, 1);
      for (guint k = 0; k < 400; k++)
        {
          g_autoptr(RwRoute) r = rw_route_new ();
          guint32 path[5];
          guint len = (guint) g_rand_int_range (rand, 0, 6);
          for (guint i = 0; i < len; i++)
            path[i] = asns[g_rand_int_range (rand, 0, G_N_ELEMENTS (asns))];
          rw_route_set_lists (r, path, len, NULL, 0, NULL, 0);
          g_assert_cmpint (frr_as_path_match (vals->pdata[0], r), ==, rw_policy_entry_matches (only, &any, r));
        }
      rw_policy_entry_free (only);
      g_rand_free (rand);
    }

  if (!e->permit)
    {
      g_assert_null (block_value (&b, "set "));
      g_assert_null (block_value (&b, "on-match"));
      return;
    }
  v = block_value (&b, "set local-preference ");
  g_assert_cmpint (v != NULL, ==, e->has_set_local_pref);
  if (v)
    g_assert_cmpuint (g_ascii_strtoull (v, NULL, 10), ==, e->set_local_pref);
  v = block_value (&b, "set metric ");
  g_assert_cmpint (v != NULL, ==, e->has_set_med);
  if (v)
    g_assert_cmpuint (g_ascii_strtoull (v, NULL, 10), ==, e->set_med);
  v = block_value (&b, "set weight ");
  g_assert_cmpint (v != NULL, ==, e->has_set_weight);
  if (v)
    g_assert_cmpint ((gint) g_ascii_strtoll (v, NULL, 10), ==, e->set_weight);
  v = block_value (&b, "set as-path prepend ");
  g_assert_cmpint (v != NULL, ==, e->set_prepend > 0);
  if (v && dir == RW_POLICY_EXPORT)
    {
      g_autofree char *own = g_strdup_printf ("%u", own_asn);
      g_auto(GStrv) words = g_strsplit (v, " ", -1);
      g_assert_cmpuint (count_words (v, own), ==, e->set_prepend);
      g_assert_cmpuint (g_strv_length (words), ==, e->set_prepend);
    }
  else if (v)
    {
      g_assert_true (g_str_has_prefix (v, "last-as "));
      g_assert_cmpuint (g_ascii_strtoull (v + 8, NULL, 10), ==, e->set_prepend);
    }
  v = block_value (&b, "set comm-list ");
  g_assert_cmpint (v != NULL, ==, e->community_remove->len > 0);
  if (v)
    {
      g_autofree char *name = g_strndup (v, strchr (v, ' ') - v);
      g_autoptr(GPtrArray) vals = list_values (cfg, "bgp community-list standard", name, "permit");
      g_assert_true (g_str_has_suffix (v, " delete"));
      g_assert_cmpuint (vals->len, ==, e->community_remove->len);
      for (guint i = 0; i < vals->len; i++)
        {
          guint32 c;
          g_assert_true (rw_community_parse (vals->pdata[i], &c));
          g_assert_cmpuint (c, ==, g_array_index (e->community_remove, guint32, i));
        }
    }
  v = block_value (&b, "set community ");
  g_assert_cmpint (v != NULL, ==, e->community_add->len > 0);
  if (v)
    {
      g_autofree char *comms = g_strndup (v, strlen (v) - strlen (" additive"));
      g_assert_true (g_str_has_suffix (v, " additive"));
      assert_communities (comms, e->community_add);
    }
  g_assert_cmpint (block_value (&b, "on-match next") != NULL, ==, e->cont);
}

static RwPolicyEntry *
entry_with_prefixes (RwTopology *t, const char *policy, guint seq, gboolean permit, const char *const *prefixes)
{
  RwPolicyEntry *e = tb_entry (t, policy, seq, permit);
  e->match_prefixes = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
  for (guint i = 0; prefixes && prefixes[i]; i++)
    {
      g_auto(GStrv) w = g_strsplit (prefixes[i], " ", -1);
      RwPrefixMatch m = { 0 };
      g_assert_true (rw_prefix_parse (w[0], &m.prefix));
      m.ge = m.le = m.prefix.len;
      for (guint k = 1; w[k] && w[k + 1]; k += 2)
        {
          guint v = (guint) g_ascii_strtoull (w[k + 1], NULL, 10);
          if (strcmp (w[k], "ge") == 0)
            m.has_ge = TRUE, m.ge = (guint8) v, m.le = m.has_le ? m.le : 32;
          else
            m.has_le = TRUE, m.le = (guint8) v;
        }
      g_array_append_val (e->match_prefixes, m);
    }
  return e;
}

static void
test_round_trip_entry_types (void)
{
  g_autoptr(RwTopology) t = tb_new ();
  g_autofree char *cfg = NULL;
  RwSession *s;
  RwPolicyEntry *e;
  static const char *const ranges[] = { "10.0.0.0/8", "10.0.0.0/8 le 24", "172.16.0.0/12 ge 16",
                                        "192.168.0.0/16 ge 20 le 28", "100.64.0.0/10 ge 10 le 32",
                                        "198.51.100.7/32", NULL };
  guint32 comm;

  tb_node (t, "R1", 65001, 1);
  tb_node (t, "R2", 65001, 2);
  tb_node (t, "X", 64500, 9);
  tb_session (t, "R1", "R2");
  s = tb_peer (t, "R1", "X");
  s->ends[0].import = g_strdup ("in");
  s->ends[0].export = g_strdup ("out");

  /* import: every match type, every set type */
  entry_with_prefixes (t, "in", 5, FALSE, ranges);
  e = tb_entry (t, "in", 10, TRUE);
  g_assert_true (rw_community_parse ("65001:100", &e->match_community));
  e->has_match_community = TRUE;
  e->has_set_local_pref = TRUE, e->set_local_pref = 250;
  e->cont = TRUE;
  e = tb_entry (t, "in", 15, TRUE);
  e->has_match_neighbor_as = TRUE, e->match_neighbor_as = 64500;
  e->has_set_weight = TRUE, e->set_weight = 300;
  e->set_prepend = 3;
  e = tb_entry (t, "in", 20, TRUE);
  e->has_match_as_path_contains = TRUE, e->match_as_path_contains = 15169;
  e->has_set_med = TRUE, e->set_med = 77;
  g_assert_true (rw_community_parse ("no-export", &comm));
  g_array_append_val (e->community_remove, comm);
  g_assert_true (rw_community_parse ("65001:7", &comm));
  g_array_append_val (e->community_remove, comm);
  g_array_append_val (e->community_add, comm);
  g_assert_true (rw_community_parse ("65001:8", &comm));
  g_array_append_val (e->community_add, comm);
  e->cont = TRUE;
  e = tb_entry (t, "in", 25, TRUE);
  e->has_match_neighbor_as = TRUE, e->match_neighbor_as = 64500;
  e->has_match_as_path_contains = TRUE, e->match_as_path_contains = 15169;
  e = tb_entry (t, "in", 30, TRUE);
  e->has_match_neighbor_as = TRUE, e->match_neighbor_as = 645;
  e->has_match_as_path_contains = TRUE, e->match_as_path_contains = 645;
  e = tb_entry (t, "in", 35, FALSE); /* deny: sets and continue mean nothing */
  e->has_match_as_path_contains = TRUE, e->match_as_path_contains = 6450;
  e->has_set_local_pref = TRUE, e->set_local_pref = 1;
  e->cont = TRUE;
  entry_with_prefixes (t, "in", 40, TRUE, NULL); /* an empty prefix condition */
  tb_entry (t, "in", 50, TRUE);

  /* export: prepend means our ASN; a route-map ending in a continue entry */
  e = entry_with_prefixes (t, "out", 10, TRUE, (const char *const[]) { "203.0.113.0/24", NULL });
  e->set_prepend = 2;
  e->cont = TRUE;

  cfg = config_of (t, "R1");
  {
    RwPolicy *in = rw_topology_find_policy (t, "in");
    RwPolicy *out = rw_topology_find_policy (t, "out");
    for (guint i = 0; i < in->entries->len; i++)
      assert_entry_rendered (cfg, in, in->entries->pdata[i], RW_POLICY_IMPORT, 65001);
    for (guint i = 0; i < out->entries->len; i++)
      assert_entry_rendered (cfg, out, out->entries->pdata[i], RW_POLICY_EXPORT, 65001);
  }
  /* Spot checks of the exact text. */
  assert_has_line (cfg, " set as-path prepend last-as 3");
  assert_has_line (cfg, " set as-path prepend 65001 65001");
  assert_has_line (cfg, " set comm-list CL-in-20-DEL delete");
  assert_has_line (cfg, "bgp community-list standard CL-in-20-DEL seq 5 permit no-export");
  assert_has_line (cfg, " set community 65001:7 65001:8 additive");
  assert_has_line (cfg, "bgp as-path access-list AS-in-15 seq 5 permit ^64500_");
  assert_has_line (cfg, "bgp as-path access-list AS-in-20 seq 5 permit _15169_");
  assert_has_line (cfg, "ip prefix-list PL-in-5 seq 15 permit 172.16.0.0/12 ge 16");
  assert_has_line (cfg, "ip prefix-list PL-in-5 seq 20 permit 192.168.0.0/16 ge 20 le 28");
  assert_has_line (cfg, "ip prefix-list PL-in-40 seq 5 deny 0.0.0.0/0 le 32");
  /* A trailing continue entry permits in the twin as in FRR 8.4: no extra entry after it. */
  g_assert_cmpint (line_index (cfg, "route-map out deny 11"), ==, -1);
  g_assert_cmpint (line_index (cfg, "route-map in deny 51"), ==, -1);
  /* The sets are ordered as the twin applies them: remove, then add. */
  g_assert_cmpint (line_index (cfg, " set comm-list CL-in-20-DEL delete"), <, line_index (cfg, " set community 65001:7 65001:8 additive"));
}

/* Each policy change kind through the twin: the rendered entry is the entry the change made. */
/* The address @cfg uses for the neighbour described as @peer. */
static char *
neighbour_address (const char *cfg, const char *peer)
{
  g_auto(GStrv) lines = g_strsplit (cfg, "\n", -1);
  g_autofree char *tail = g_strdup_printf (" description %s", peer);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], " neighbor ") && g_str_has_suffix (lines[i], tail))
      {
        g_auto(GStrv) w = g_strsplit (lines[i] + 1, " ", 3);
        return g_strdup (w[1]);
      }
  g_error ("no neighbour %s in:\n%s", peer, cfg);
}

static void
test_round_trip_through_changes (void)
{
  static const struct {
    const char *change, *router, *neighbor;
    RwPolicyDirection dir;
  } cases[] = {
    { "local-pref:R1:ISP-B:200:104.16.0.0/13", "R1", "ISP-B", RW_POLICY_IMPORT },
    { "local-pref:R2:ISP-C:40", "R2", "ISP-C", RW_POLICY_IMPORT },
    { "prepend:R1:ISP-A:3", "R1", "ISP-A", RW_POLICY_EXPORT },
    { "prepend:R2:ISP-B:2:198.51.100.0/24", "R2", "ISP-B", RW_POLICY_EXPORT },
    { "med:R2:ISP-C:70", "R2", "ISP-C", RW_POLICY_EXPORT },
    { "community-add:R1:ISP-A:65001:555:203.0.113.0/24", "R1", "ISP-A", RW_POLICY_EXPORT },
    { "local-pref:R3:R1:120", "R3", "R1", RW_POLICY_IMPORT }, /* no policy yet: one is created */
  };
  g_autoptr(RwTopology) t = load_enterprise ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *const change[] = { cases[i].change, NULL };
      g_autoptr(RwTopology) after = with_changes (t, change);
      RwSession *s = rw_topology_find_session (after, cases[i].router, cases[i].neighbor);
      RwSessionEnd *end = rw_session_end_for (s, cases[i].router);
      const char *name = cases[i].dir == RW_POLICY_IMPORT ? end->import : end->export;
      RwPolicy *p = rw_topology_find_policy (after, name);
      const RwNode *n = rw_topology_find_node (after, cases[i].router);
      g_autofree char *cfg = config_of (after, cases[i].router);
      g_autofree char *addr = neighbour_address (cfg, cases[i].neighbor);
      g_autofree char *attach = g_strdup_printf ("  neighbor %s route-map %s %s", addr, name,
                                                 cases[i].dir == RW_POLICY_IMPORT ? "in" : "out");
      g_assert_nonnull (p);
      for (guint k = 0; k < p->entries->len; k++)
        assert_entry_rendered (cfg, p, p->entries->pdata[k], cases[i].dir, n->asn);
      g_assert_true (((RwPolicyEntry *) p->entries->pdata[0])->cont);
      assert_has_line (cfg, attach);
    }
}

static void
test_unsupported (void)
{
  g_autoptr(RwTopology) t = tb_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *c = NULL;
  RwSession *s;
  RwPolicyEntry *e;

  tb_node (t, "R1", 65001, 1);
  tb_node (t, "X", 64500, 9);
  tb_node (t, "Y", 64501, 10);
  s = tb_peer (t, "R1", "X");
  s->ends[0].import = g_strdup ("both");
  s = tb_peer (t, "R1", "Y");
  s->ends[0].export = g_strdup ("both");
  e = tb_entry (t, "both", 10, TRUE);
  e->set_prepend = 2;
  c = rw_frr_router_config (t, "R1", &error);
  g_assert_null (c);
  g_assert_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "both"));
  g_clear_error (&error);

  g_free (s->ends[0].export);
  s->ends[0].export = NULL;
  e->set_prepend = 11; /* on import: more than last-as allows */
  c = rw_frr_router_config (t, "R1", &error);
  g_assert_null (c);
  g_assert_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  e->set_prepend = 10;
  e->seq = 0;
  c = rw_frr_router_config (t, "R1", &error);
  g_assert_null (c);
  g_assert_error (error, RW_FRR_ERROR, RW_FRR_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "entry 0"));
  g_clear_error (&error);

  e->seq = 10;
  c = rw_frr_router_config (t, "R1", &error);
  g_assert_no_error (error);
  assert_has_line (c, " set as-path prepend last-as 10");
  assert_has_line (c, " no bgp ebgp-requires-policy"); /* R1-Y has no policy at all */
}

/* ------------------------------------------------------------------------------------------ */
/* The command line (rw_cli_config, run in a subprocess for its output and exit status) */

static void
run_cli (const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) "config");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  exit (rw_cli_config ((int) argv->len - 1, (char **) argv->pdata));
}

static void
test_cli (void)
{
  if (g_test_subprocess ())
    {
      const char *which = g_getenv ("RW_TEST_CLI_CASE");
      if (g_strcmp0 (which, "config") == 0)
        run_cli ((const char *const[]) { ENTERPRISE, "--router", "R1", NULL });
      if (g_strcmp0 (which, "change") == 0)
        run_cli ((const char *const[]) { ENTERPRISE, "--router", "R1", "local-pref:R1:ISP-B:150:104.16.0.0/13", NULL });
      if (g_strcmp0 (which, "all") == 0)
        run_cli ((const char *const[]) { ENTERPRISE, "prepend:R2:ISP-C:2", "demand:dc-web-to-google:10", NULL });
      if (g_strcmp0 (which, "unknown") == 0)
        run_cli ((const char *const[]) { ENTERPRISE, "--router", "R9", NULL });
      if (g_strcmp0 (which, "norouter") == 0)
        run_cli ((const char *const[]) { ENTERPRISE, NULL });
      if (g_strcmp0 (which, "badfile") == 0)
        run_cli ((const char *const[]) { RW_SOURCE_DIR "/no/such.json", "--router", "R1", NULL });
      if (g_strcmp0 (which, "badchange") == 0)
        run_cli ((const char *const[]) { ENTERPRISE, "--router", "R1", "local-pref:R1:ISP-Z:1", NULL });
      if (g_strcmp0 (which, "nochange") == 0)
        run_cli ((const char *const[]) { ENTERPRISE, "--router", "R4", "local-pref:R1:ISP-B:150", NULL });
      g_assert_not_reached ();
    }

#define CASE(name)                                                                                  \
  g_setenv ("RW_TEST_CLI_CASE", name, TRUE);                                                        \
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT)

  CASE ("config");
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*frr defaults traditional\nhostname edge-router-01\n*"
                             "route-map r1-from-isp-a deny 10\n*\nend\n");
  CASE ("change");
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("! change: local-pref:R1:ISP-B:150:104.16.0.0/13\n! router R1\nconfigure terminal\n*"
                             " set local-preference 150\n on-match next\n*"
                             "clear bgp ipv4 unicast 100.64.0.17 soft in\n! rollback\n! router R1\nconfigure terminal\n"
                             "no route-map r1-from-isp-b permit 5\nno route-map r1-from-isp-b deny 30\n"
                             "no ip prefix-list PL-r1-from-isp-b-5\nend\n"
                             "clear bgp ipv4 unicast 100.64.0.17 soft in\n");
  CASE ("all");
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*! router R2\n*set as-path prepend 65001 65001\n*! rollback\n! router R2\n*");
  g_test_trap_assert_stdout_unmatched ("*! router R1*");
  CASE ("unknown");
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*unknown router 'R9'*");
  CASE ("norouter");
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*--router*");
  CASE ("badfile");
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*no/such.json*");
  CASE ("badchange");
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*ISP-Z*");
  CASE ("nochange");
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*! no configuration change for R4\n! rollback\n! no configuration change for R4\n");
#undef CASE
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/frr/config/enterprise-r1", test_enterprise_r1);
  g_test_add_func ("/frr/config/other-roles", test_other_roles);
  g_test_add_func ("/frr/config/deterministic", test_deterministic);
  g_test_add_func ("/frr/config/unknown-router", test_unknown_router);
  g_test_add_func ("/frr/config/missing-route-map", test_missing_route_map);
  g_test_add_func ("/frr/config/unsupported", test_unsupported);
  g_test_add_func ("/frr/round-trip/entry-types", test_round_trip_entry_types);
  g_test_add_func ("/frr/round-trip/changes", test_round_trip_through_changes);
  g_test_add_func ("/frr/diff/local-pref", test_local_pref_change);
  g_test_add_func ("/frr/diff/rollback-removes-what-was-added", test_rollback_removes_what_was_added);
  g_test_add_func ("/frr/diff/session-down", test_session_down);
  g_test_add_func ("/frr/diff/links-are-comments", test_links_are_comments);
  g_test_add_func ("/frr/diff/bad-change", test_bad_change);
  g_test_add_func ("/frr/diff/every-change-kind-symmetric", test_every_change_kind_symmetric);
  g_test_add_func ("/frr/diff/topology-edits-symmetric", test_topology_edits_symmetric);
  g_test_add_func ("/frr/cli", test_cli);
  return g_test_run ();
}
