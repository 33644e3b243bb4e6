/* rw-change.c — the change strings of DESIGN.md section 10, parsed and applied to a topology.
 * Policy changes become an entry placed before the existing ones, with "continue" so the rest of
 * the route-map (filters, tags) still decides; a second change of the same attribute for the
 * same match updates that entry instead of stacking a new one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-twin.h"

#include <string.h>

static const struct {
  RwChangeKind kind;
  const char *name;
  guint min_args, max_args; /* after the kind */
} kinds[] = {
  { RW_CHANGE_LINK_DOWN, "link-down", 1, 1 },
  { RW_CHANGE_LINK_UP, "link-up", 1, 1 },
  { RW_CHANGE_SESSION_DOWN, "session-down", 2, 2 },
  { RW_CHANGE_SESSION_UP, "session-up", 2, 2 },
  { RW_CHANGE_LOCAL_PREF, "local-pref", 3, 4 },
  { RW_CHANGE_PREPEND, "prepend", 3, 4 },
  { RW_CHANGE_MED, "med", 3, 4 },
  { RW_CHANGE_COMMUNITY_ADD, "community-add", 3, 4 },
  { RW_CHANGE_DEMAND, "demand", 2, 2 },
  { RW_CHANGE_IGP_COST, "igp-cost", 2, 2 },
  { RW_CHANGE_DENY, "deny", 3, 3 },
};

#define USAGE "expected one of link-down:LINK, link-up:LINK, session-down:A:B, session-up:A:B, " \
              "local-pref:ROUTER:NEIGHBOR:VALUE[:PREFIX], prepend:ROUTER:NEIGHBOR:COUNT[:PREFIX], " \
              "med:ROUTER:NEIGHBOR:VALUE[:PREFIX], community-add:ROUTER:NEIGHBOR:COMMUNITY[:PREFIX], " \
              "demand:ID:MBPS, igp-cost:LINK:COST, deny:ROUTER:NEIGHBOR:PREFIX"

void
rw_change_free (RwChange *c)
{
  if (c == NULL)
    return;
  g_free (c->a);
  g_free (c->b);
  g_free (c);
}

static gboolean
fail (GError **error, const char *text, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, const char *text, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, RW_TWIN_ERROR, RW_TWIN_ERROR_CHANGE, "%s: %s", text, msg);
  return FALSE;
}

RwChange *
rw_change_parse (const char *text, GError **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(RwChange) c = g_new0 (RwChange, 1);
  gint k = -1;
  guint n;
  guint64 v;

  if (text == NULL || *text == '\0')
    {
      fail (error, "\"\"", "empty change; " USAGE);
      return NULL;
    }
  parts = g_strsplit (text, ":", -1);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (parts[0], kinds[i].name) == 0)
      k = (gint) i;
  if (k < 0)
    {
      fail (error, text, "unknown change kind '%s'; " USAGE, parts[0]);
      return NULL;
    }
  c->kind = kinds[k].kind;
  for (guint i = 1; parts[i]; i++)
    g_ptr_array_add (args, g_strdup (parts[i]));
  /* A community value has a colon of its own: glue ASN:VALUE back together. */
  if (c->kind == RW_CHANGE_COMMUNITY_ADD && args->len >= 4 && g_ascii_isdigit (*(char *) args->pdata[2]))
    {
      char *joined = g_strconcat (args->pdata[2], ":", args->pdata[3], NULL);
      g_ptr_array_remove_index (args, 3);
      g_free (args->pdata[2]);
      args->pdata[2] = joined;
    }
  n = args->len;
  if (n < kinds[k].min_args || n > kinds[k].max_args)
    {
      fail (error, text, "wrong number of fields for %s; " USAGE, kinds[k].name);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    if (*(char *) args->pdata[i] == '\0')
      {
        fail (error, text, "field %u is empty", i + 1);
        return NULL;
      }
  c->a = g_strdup (args->pdata[0]);
  switch (c->kind)
    {
    case RW_CHANGE_LINK_DOWN:
    case RW_CHANGE_LINK_UP:
      break;
    case RW_CHANGE_SESSION_DOWN:
    case RW_CHANGE_SESSION_UP:
      c->b = g_strdup (args->pdata[1]);
      break;
    case RW_CHANGE_DEMAND:
      {
        char *end = NULL;
        c->mbps = g_ascii_strtod (args->pdata[1], &end);
        if (end == NULL || *end != '\0' || !(c->mbps >= 0) || c->mbps > RW_DEMAND_MAX_MBPS)
          {
            fail (error, text, "'%s' is not a rate in Mbps", (char *) args->pdata[1]);
            return NULL;
          }
      }
      break;
    case RW_CHANGE_IGP_COST:
      if (!g_ascii_string_to_unsigned (args->pdata[1], 10, 1, 16777215, &v, NULL))
        {
          fail (error, text, "'%s' is not an IGP cost (1..16777215)", (char *) args->pdata[1]);
          return NULL;
        }
      c->value = (gint64) v;
      break;
    case RW_CHANGE_DENY:
      c->b = g_strdup (args->pdata[1]);
      if (!rw_prefix_parse (args->pdata[2], &c->prefix))
        {
          fail (error, text, "'%s' is not a prefix A.B.C.D/LEN", (char *) args->pdata[2]);
          return NULL;
        }
      c->has_prefix = TRUE;
      break;
    case RW_CHANGE_LOCAL_PREF:
    case RW_CHANGE_PREPEND:
    case RW_CHANGE_MED:
    case RW_CHANGE_COMMUNITY_ADD:
      c->b = g_strdup (args->pdata[1]);
      if (c->kind == RW_CHANGE_COMMUNITY_ADD)
        {
          guint32 comm;
          if (!rw_community_parse (args->pdata[2], &comm))
            {
              fail (error, text, "'%s' is not a community (ASN:VALUE, no-export, no-advertise)", (char *) args->pdata[2]);
              return NULL;
            }
          c->value = comm;
        }
      else
        {
          guint64 max = c->kind == RW_CHANGE_PREPEND ? 32 : c->kind == RW_CHANGE_MED ? G_MAXUINT32 : G_MAXINT32;
          if (!g_ascii_string_to_unsigned (args->pdata[2], 10, 0, max, &v, NULL))
            {
              fail (error, text, "'%s' is not a value between 0 and %" G_GUINT64_FORMAT, (char *) args->pdata[2], max);
              return NULL;
            }
          c->value = (gint64) v;
        }
      if (n == 4)
        {
          if (!rw_prefix_parse (args->pdata[3], &c->prefix))
            {
              fail (error, text, "'%s' is not a prefix A.B.C.D/LEN", (char *) args->pdata[3]);
              return NULL;
            }
          c->has_prefix = TRUE;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  return g_steal_pointer (&c);
}

char *
rw_change_to_string (const RwChange *c)
{
  const char *name = NULL;
  g_autofree char *pfx = c->has_prefix ? rw_prefix_to_string (&c->prefix) : NULL;
  g_autofree char *val = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i].kind == c->kind)
      name = kinds[i].name;
  switch (c->kind)
    {
    case RW_CHANGE_LINK_DOWN:
    case RW_CHANGE_LINK_UP:
      return g_strdup_printf ("%s:%s", name, c->a);
    case RW_CHANGE_SESSION_DOWN:
    case RW_CHANGE_SESSION_UP:
      return g_strdup_printf ("%s:%s:%s", name, c->a, c->b);
    case RW_CHANGE_DEMAND:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup_printf ("%s:%s:%s", name, c->a, g_ascii_formatd (buf, sizeof buf, "%.15g", c->mbps));
      }
    case RW_CHANGE_IGP_COST:
      return g_strdup_printf ("%s:%s:%" G_GINT64_FORMAT, name, c->a, c->value);
    case RW_CHANGE_DENY:
      return g_strdup_printf ("%s:%s:%s:%s", name, c->a, c->b, pfx);
    default:
      val = c->kind == RW_CHANGE_COMMUNITY_ADD ? rw_community_to_string ((guint32) c->value)
                                               : g_strdup_printf ("%" G_GINT64_FORMAT, c->value);
      return pfx ? g_strdup_printf ("%s:%s:%s:%s:%s", name, c->a, c->b, val, pfx)
                 : g_strdup_printf ("%s:%s:%s:%s", name, c->a, c->b, val);
    }
}

static gboolean
policy_used_elsewhere (const RwTopology *t, const char *name, const RwSessionEnd *mine)
{
  for (guint i = 0; i < t->sessions->len; i++)
    {
      RwSession *s = t->sessions->pdata[i];
      for (guint e = 0; e < 2; e++)
        if (&s->ends[e] != mine && (g_strcmp0 (s->ends[e].import, name) == 0 || g_strcmp0 (s->ends[e].export, name) == 0))
          return TRUE;
    }
  return FALSE;
}

static char *
unique_policy_name (const RwTopology *t, const char *base)
{
  char *name = g_strdup (base);
  for (guint i = 2; rw_topology_find_policy (t, name) != NULL; i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%u", base, i);
    }
  return name;
}

/* The policy this change edits, private to the session end: created (accept-all after the
 * change) when the end had none, copied when another end shares it. */
static RwPolicy *
private_policy (RwTopology *t, RwSessionEnd *end, const char *router, const char *neighbor, gboolean import)
{
  char **slot = import ? &end->import : &end->export;
  RwPolicy *p;
  if (*slot == NULL)
    {
      g_autofree char *base = g_strdup_printf ("RW-%s-%s-%s", router, import ? "FROM" : "TO", neighbor);
      g_autofree char *name = unique_policy_name (t, base);
      RwPolicyEntry *all = rw_policy_entry_new (100, TRUE);
      p = rw_policy_new (name);
      g_ptr_array_add (p->entries, all);
      g_ptr_array_add (t->policies, p);
      *slot = g_strdup (name);
      return p;
    }
  p = rw_topology_find_policy (t, *slot);
  if (policy_used_elsewhere (t, *slot, end))
    {
      g_autofree char *base = g_strdup_printf ("%s-%s", *slot, neighbor);
      g_autofree char *name = unique_policy_name (t, base);
      RwPolicy *copy = rw_policy_copy (p);
      g_free (copy->name);
      copy->name = g_strdup (name);
      g_ptr_array_add (t->policies, copy);
      g_free (*slot);
      *slot = g_strdup (name);
      p = copy;
    }
  return p;
}

static gboolean
same_change_match (const RwPolicyEntry *e, const RwChange *c)
{
  if (!e->cont || !e->permit || e->has_match_community || e->has_match_neighbor_as || e->has_match_as_path_contains)
    return FALSE;
  if (!c->has_prefix)
    return e->match_prefixes == NULL;
  return e->match_prefixes != NULL && e->match_prefixes->len == 1 &&
         rw_prefix_equal (&g_array_index (e->match_prefixes, RwPrefixMatch, 0).prefix, &c->prefix) &&
         !g_array_index (e->match_prefixes, RwPrefixMatch, 0).has_ge &&
         !g_array_index (e->match_prefixes, RwPrefixMatch, 0).has_le;
}

static gboolean
entry_sets (const RwPolicyEntry *e, RwChangeKind kind)
{
  switch (kind)
    {
    case RW_CHANGE_LOCAL_PREF: return e->has_set_local_pref;
    case RW_CHANGE_PREPEND: return e->set_prepend > 0;
    case RW_CHANGE_MED: return e->has_set_med;
    case RW_CHANGE_COMMUNITY_ADD: return e->community_add->len > 0;
    default: return FALSE;
    }
}

static void
set_value (RwPolicyEntry *e, const RwChange *c)
{
  guint32 comm = (guint32) c->value;
  switch (c->kind)
    {
    case RW_CHANGE_LOCAL_PREF:
      e->has_set_local_pref = TRUE;
      e->set_local_pref = (guint32) c->value;
      break;
    case RW_CHANGE_PREPEND:
      e->set_prepend = (guint) c->value;
      break;
    case RW_CHANGE_MED:
      e->has_set_med = TRUE;
      e->set_med = (guint32) c->value;
      break;
    case RW_CHANGE_COMMUNITY_ADD:
      for (guint i = 0; i < e->community_add->len; i++)
        if (g_array_index (e->community_add, guint32, i) == comm)
          return;
      g_array_append_val (e->community_add, comm);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
insert_first (RwPolicy *p, RwPolicyEntry *e)
{
  guint first = p->entries->len ? ((RwPolicyEntry *) p->entries->pdata[0])->seq : 10;
  if (first < 2)
    {
      /* No room before the first entry: renumber, keeping the order. */
      for (guint i = 0; i < p->entries->len; i++)
        ((RwPolicyEntry *) p->entries->pdata[i])->seq = 10 * (i + 1);
      first = 10;
    }
  e->seq = first / 2;
  g_ptr_array_insert (p->entries, 0, e);
}

/* A change's on-match next entry must not let through what the route-map denied: in FRR a
 * matched on-match next entry permits when no later entry matches. An explicit deny at the end
 * keeps the route-map's verdict for every route. */
static void
keep_verdict (RwPolicy *p)
{
  RwPolicyEntry *last = p->entries->pdata[p->entries->len - 1];
  RwPolicyEntry *deny;
  if (!last->cont && !last->match_prefixes && !last->has_match_community && !last->has_match_neighbor_as &&
      !last->has_match_as_path_contains)
    return; /* it already ends with a catch-all entry */
  if (last->seq > G_MAXUINT - 10)
    return;
  deny = rw_policy_entry_new (last->seq + 10 <= 65535 ? last->seq + 10 : last->seq + 1, FALSE);
  g_ptr_array_add (p->entries, deny);
}

static gboolean
apply_policy_change (RwTopology *t, const RwChange *c, const char *text, GError **error)
{
  RwSession *s;
  RwSessionEnd *end;
  RwPolicy *p;
  RwPolicyEntry *e = NULL;
  gboolean import = c->kind == RW_CHANGE_LOCAL_PREF;
  RwNode *router = rw_topology_find_node (t, c->a);

  if (router == NULL)
    return fail (error, text, "unknown router '%s'", c->a);
  /* a policy is configured where we have the configuration: an ISP's is not ours to change
   * (faults such as link-down or session-down may still touch any node) */
  if (router->kind != RW_NODE_ROUTER)
    return fail (error, text, "'%s' is not one of our routers (it is %s): policy changes are made at our routers only",
                 c->a, rw_node_kind_to_string (router->kind));
  if (rw_topology_find_node (t, c->b) == NULL)
    return fail (error, text, "unknown neighbour '%s'", c->b);
  if ((s = rw_topology_find_session (t, c->a, c->b)) == NULL)
    return fail (error, text, "no BGP session between %s and %s", c->a, c->b);
  if (c->kind == RW_CHANGE_DENY)
    {
      RwPrefixMatch m = { c->prefix, c->prefix.len, 32, FALSE, TRUE };
      end = rw_session_end_for (s, c->a);
      p = private_policy (t, end, c->a, c->b, TRUE);
      for (guint i = 0; i < p->entries->len; i++)
        {
          RwPolicyEntry *old = p->entries->pdata[i];
          if (!old->permit && old->match_prefixes && old->match_prefixes->len == 1 &&
              memcmp (&g_array_index (old->match_prefixes, RwPrefixMatch, 0), &m, sizeof m) == 0)
            return TRUE; /* already filtered */
        }
      e = rw_policy_entry_new (0, FALSE);
      e->match_prefixes = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
      g_array_append_val (e->match_prefixes, m);
      insert_first (p, e);
      return TRUE;
    }
  if (c->kind == RW_CHANGE_PREPEND && !rw_session_is_ebgp (t, s))
    return fail (error, text, "AS-path prepend applies to eBGP sessions; %s–%s is iBGP", c->a, c->b);
  end = rw_session_end_for (s, c->a);
  p = private_policy (t, end, c->a, c->b, import);
  for (guint i = 0; i < p->entries->len && e == NULL; i++)
    {
      RwPolicyEntry *cand = p->entries->pdata[i];
      if (same_change_match (cand, c) && (entry_sets (cand, c->kind) || c->kind == RW_CHANGE_COMMUNITY_ADD))
        e = cand;
    }
  if (e == NULL)
    {
      e = rw_policy_entry_new (0, TRUE);
      e->cont = TRUE;
      if (c->has_prefix)
        {
          RwPrefixMatch m = { c->prefix, c->prefix.len, c->prefix.len, FALSE, FALSE };
          e->match_prefixes = g_array_new (FALSE, FALSE, sizeof (RwPrefixMatch));
          g_array_append_val (e->match_prefixes, m);
        }
      insert_first (p, e);
      keep_verdict (p);
    }
  set_value (e, c);
  return TRUE;
}

/* Edits @work in place; on failure @work may be half-edited (callers work on a copy). */
static gboolean
apply_in_place (RwTopology *work, const RwChange *c, GError **error)
{
  g_autofree char *text = rw_change_to_string (c);
  RwLink *l;
  RwSession *s;
  RwDemand *d;

  switch (c->kind)
    {
    case RW_CHANGE_LINK_DOWN:
    case RW_CHANGE_LINK_UP:
    case RW_CHANGE_IGP_COST:
      if ((l = rw_topology_find_link (work, c->a)) == NULL)
        return fail (error, text, "unknown link '%s'", c->a);
      if (c->kind == RW_CHANGE_IGP_COST)
        l->igp_cost = (guint) c->value;
      else
        l->up = c->kind == RW_CHANGE_LINK_UP;
      break;
    case RW_CHANGE_SESSION_DOWN:
    case RW_CHANGE_SESSION_UP:
      if ((s = rw_topology_find_session (work, c->a, c->b)) == NULL)
        return fail (error, text, "no BGP session between '%s' and '%s'", c->a, c->b);
      s->up = c->kind == RW_CHANGE_SESSION_UP;
      break;
    case RW_CHANGE_DEMAND:
      if ((d = rw_topology_find_demand_writable (work, c->a)) == NULL)
        return fail (error, text, "unknown demand '%s'", c->a);
      d->mbps = c->mbps;
      break;
    default:
      if (!apply_policy_change (work, c, text, error))
        return FALSE;
      break;
    }
  return TRUE;
}

RwTopology *
rw_topology_with_changes (const RwTopology *topo, GPtrArray *changes, GError **error)
{
  g_autoptr(RwTopology) work = rw_topology_copy (topo);
  g_autoptr(GError) local = NULL;
  for (guint i = 0; i < changes->len; i++)
    if (!apply_in_place (work, changes->pdata[i], error))
      return NULL;
  if (changes->len > 0 && !rw_topology_validate_changed (work, topo, &local))
    {
      g_autofree char *text = rw_change_to_string (changes->pdata[changes->len - 1]);
      fail (error, text, "%s", local->message);
      return NULL;
    }
  return g_steal_pointer (&work);
}

gboolean
rw_changes_apply (RwTopology *topo, GPtrArray *changes, GError **error)
{
  g_autoptr(RwTopology) work = rw_topology_with_changes (topo, changes, error);
  if (work == NULL)
    return FALSE;
  /* Swap the edited copy in, so a failure above leaves @topo untouched. */
  {
    RwTopology tmp = *topo;
    *topo = *work;
    *work = tmp;
  }
  return TRUE;
}

gboolean
rw_change_apply (RwTopology *topo, const RwChange *c, GError **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  g_ptr_array_add (one, (gpointer) c);
  return rw_changes_apply (topo, one, error);
}
