/* rw-whatif-page.c — the What If page.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-whatif-page.h"

#include <glib/gi18n.h>
#include "rw-frr.h"
#include "rw-render.h"

struct _RwWhatIfPage {
  AdwBin parent_instance;
  /* template */
  GtkEntry *change_entry;
  GtkLabel *whatif_summary;
  GtkPicture *blast_picture;
  GtkWidget *blast_box;
  GtkTextView *whatif_diff;
  /* state */
  RwViews *views;
  GStrv changes;        /* the last what-if shown */
};

G_DEFINE_FINAL_TYPE (RwWhatIfPage, rw_whatif_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_HAS_CHANGES, N_PROPS };
static GParamSpec *props[N_PROPS];

void
rw_whatif_page_set_views (RwWhatIfPage *page, RwViews *views)
{
  g_set_object (&page->views, views);
}

const char *const *
rw_whatif_page_get_changes (RwWhatIfPage *page)
{
  return (const char *const *) page->changes;
}

const char *
rw_whatif_page_get_text (RwWhatIfPage *page)
{
  return gtk_editable_get_text (GTK_EDITABLE (page->change_entry));
}

GtkEntry *
rw_whatif_page_get_entry (RwWhatIfPage *page)
{
  return page->change_entry;
}

void
rw_whatif_page_edit (RwWhatIfPage *page, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (page->change_entry), text);
  gtk_widget_grab_focus (GTK_WIDGET (page->change_entry));
}

static void
set_changes (RwWhatIfPage *page, GStrv changes)
{
  gboolean had = page->changes != NULL;
  g_strfreev (page->changes);
  page->changes = changes;
  if (had || changes)
    g_object_notify_by_pspec (G_OBJECT (page), props[PROP_HAS_CHANGES]);
}

/* The last result goes as a new one is asked for: an error must not sit above an old picture. */
static void
clear (RwWhatIfPage *page)
{
  set_changes (page, NULL);
  if (page->views)
    rw_views_forget (page->views, "whatif");  /* a picture still being drawn is dropped */
  gtk_picture_set_paintable (page->blast_picture, NULL);
  gtk_widget_set_visible (page->blast_box, FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (page->whatif_diff), "", -1);
}

void
rw_whatif_page_simulate (RwWhatIfPage *page, const RwTwin *twin, const char *text)
{
  g_auto(GStrv) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RwTwin) after = NULL;
  g_autoptr(RwDiff) diff = NULL;
  g_autofree char *frr = NULL, *summary = NULL;
  GString *moved;
  if (twin == NULL)
    return;
  changes = g_strsplit_set (text, " \t\n", -1);
  {
    /* drop empty words */
    guint j = 0;
    for (guint i = 0; changes[i]; i++)
      if (*changes[i])
        changes[j++] = changes[i];
      else
        g_free (changes[i]);
    changes[j] = NULL;
  }
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (page->change_entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (page->change_entry), text);
  if (changes[0] == NULL)
    {
      clear (page);
      gtk_label_set_text (page->whatif_summary, _("Type a change first, for example link-down:R2-ISPB."));
      return;
    }
  /* a fork of the shown network; the live twin and the document stay as they are. The fork
   * of a small network solves in milliseconds, so it is done here; big what-ifs go through
   * routewise-cli. */
  after = rw_twin_fork_apply (twin, (const char *const *) changes, &error);
  if (after == NULL)
    {
      clear (page);
      gtk_label_set_text (page->whatif_summary, error->message);
      return;
    }
  diff = rw_twin_diff (twin, after);
  moved = g_string_new (NULL);
  for (guint i = 0; i < diff->moved_demands->len; i++)
    g_string_append_printf (moved, "%s%s", i ? ", " : "", (char *) diff->moved_demands->pdata[i]);
  summary = g_strdup_printf (_("Blast radius %.1f %% (%.0f Mb/s moved: %s)\nMax utilisation %.0f %% (%s) → %.0f %% (%s)\n"
                               "SLA misses added: %u, removed: %u · new loops: %u · new blackholes: %u"),
                             100 * diff->blast_radius, diff->moved_mbps, moved->len ? moved->str : _("none"),
                             100 * diff->max_util_before, diff->max_dir_before ? diff->max_dir_before : "—",
                             100 * diff->max_util_after, diff->max_dir_after ? diff->max_dir_after : "—", diff->sla_added->len,
                             diff->sla_removed->len, diff->new_loops->len, diff->new_blackholes->len);
  g_string_free (moved, TRUE);
  if (diff->priced)
    {
      /* Translators: the monthly transit bill before and after a what-if, then the change */
      g_autofree char *cost = g_strdup_printf (_("Transit cost a month %.2f → %.2f (%+.2f)"), diff->cost_before,
                                               diff->cost_after, diff->cost_after - diff->cost_before);
      g_autofree char *both = g_strdup_printf ("%s\n%s", summary, cost);
      g_free (summary);
      summary = g_steal_pointer (&both);
    }
  gtk_label_set_text (page->whatif_summary, summary);
  frr = rw_frr_changes_diff (twin->topo, (const char *const *) changes, NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (page->whatif_diff), frr && *frr ? frr : _("(no configuration change: a physical event)"), -1);
  if (page->views)
    {
      g_autofree char *title = g_strdup_printf (_("What if: %s"), text);
      rw_views_render (page->views, "whatif", rw_dot_blast_radius (twin, after, title), "neato", page->blast_picture);
    }
  gtk_widget_set_visible (page->blast_box, TRUE);
  set_changes (page, g_steal_pointer (&changes));
}

static void
on_change_entry_activate (GtkEntry *entry, RwWhatIfPage *page)
{
  /* Enter simulates, as the Simulate button does */
  gtk_widget_activate_action (GTK_WIDGET (page), "win.whatif", NULL);
}

static void
rw_whatif_page_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_HAS_CHANGES)
    g_value_set_boolean (value, RW_WHATIF_PAGE (object)->changes != NULL);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
rw_whatif_page_dispose (GObject *object)
{
  RwWhatIfPage *page = RW_WHATIF_PAGE (object);
  g_clear_object (&page->views);
  gtk_widget_dispose_template (GTK_WIDGET (object), RW_TYPE_WHATIF_PAGE);
  G_OBJECT_CLASS (rw_whatif_page_parent_class)->dispose (object);
}

static void
rw_whatif_page_finalize (GObject *object)
{
  g_strfreev (RW_WHATIF_PAGE (object)->changes);
  G_OBJECT_CLASS (rw_whatif_page_parent_class)->finalize (object);
}

static void
rw_whatif_page_class_init (RwWhatIfPageClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = rw_whatif_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = rw_whatif_page_finalize;
  G_OBJECT_CLASS (klass)->get_property = rw_whatif_page_get_property;
  /* whether a result is shown that can be applied to the network */
  props[PROP_HAS_CHANGES] = g_param_spec_boolean ("has-changes", NULL, NULL, FALSE,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, props);
  gtk_widget_class_set_template_from_resource (wc, "/io/github/routewise/Routewise/rw-whatif-page.ui");
  gtk_widget_class_bind_template_child (wc, RwWhatIfPage, change_entry);
  gtk_widget_class_bind_template_child (wc, RwWhatIfPage, whatif_summary);
  gtk_widget_class_bind_template_child (wc, RwWhatIfPage, blast_picture);
  gtk_widget_class_bind_template_child (wc, RwWhatIfPage, blast_box);
  gtk_widget_class_bind_template_child (wc, RwWhatIfPage, whatif_diff);
  gtk_widget_class_bind_template_callback (wc, on_change_entry_activate);
}

static void
rw_whatif_page_init (RwWhatIfPage *page)
{
  gtk_widget_init_template (GTK_WIDGET (page));
}
