/* rw-canvas.c — the topology canvas.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-canvas.h"

#include <glib/gi18n.h>
#include <math.h>
#include "rw-traffic.h"

#define NODE_W 92.0
#define NODE_H 46.0
#define NODE_W_MAX 180.0
#define LINK_PICK 6.0

struct _RwCanvas {
  GtkWidget parent_instance;
  RwDocument *doc;
  const RwTwin *twin;
  double *observed;          /* copy, per direction */
  guint n_observed;
  RwCanvasTool tool;
  char *demand;
  GPtrArray *sel_nodes, *sel_links; /* char* */
  double zoom, ox, oy;
  gboolean user_view;        /* zoomed or panned by the user: no automatic fit */
  /* the drag in progress */
  enum { DRAG_NONE, DRAG_MOVE, DRAG_PAN, DRAG_LINK } drag;
  double drag_x, drag_y;     /* start, widget coordinates */
  double drag_dx, drag_dy;   /* offset so far */
  double pan_ox, pan_oy;
  char *drag_from;           /* DRAG_LINK: the node it started on */
  double pointer_x, pointer_y;
  GtkWidget *menu;           /* GtkPopoverMenu */
  double pinch_zoom;
  GArray *label_rects;       /* graphene_rect_t: where the last draw put the link labels */
};

G_DEFINE_FINAL_TYPE (RwCanvas, rw_canvas, GTK_TYPE_WIDGET)

enum { SELECTION_CHANGED, EDIT_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- geometry ---- */

void
rw_canvas_model_to_widget (RwCanvas *c, double mx, double my, double *wx, double *wy)
{
  *wx = (mx - c->ox) * c->zoom;
  *wy = (my - c->oy) * c->zoom;
}

void
rw_canvas_widget_to_model (RwCanvas *c, double wx, double wy, double *mx, double *my)
{
  *mx = wx / c->zoom + c->ox;
  *my = wy / c->zoom + c->oy;
}

double
rw_canvas_get_zoom (RwCanvas *c)
{
  return c->zoom;
}

static gboolean
is_selected (GPtrArray *a, const char *id)
{
  for (guint i = 0; i < a->len; i++)
    if (g_strcmp0 (a->pdata[i], id) == 0)
      return TRUE;
  return FALSE;
}

/* Where a node is drawn, in model coordinates, with the drag in progress applied. */
static void
node_pos (RwCanvas *c, const RwNode *n, double *x, double *y)
{
  *x = n->x;
  *y = n->y;
  if (c->drag == DRAG_MOVE && is_selected (c->sel_nodes, n->id))
    {
      *x += c->drag_dx / c->zoom;
      *y += c->drag_dy / c->zoom;
    }
}

static double
seg_distance (double px, double py, double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, t;
  if (len2 <= 0)
    return hypot (px - ax, py - ay);
  t = CLAMP (((px - ax) * dx + (py - ay) * dy) / len2, 0, 1);
  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

/* A node's text: its id in bold over its label (or hostname, or role). */
static char *
node_markup (const RwNode *n)
{
  g_autofree char *id = g_markup_escape_text (n->id, -1);
  g_autofree char *sub = g_markup_escape_text (n->label ? n->label : n->hostname ? n->hostname : rw_node_role_to_string (n->role), -1);
  return g_strdup_printf ("<b>%s</b>\n<small>%s</small>", id, sub);
}

/* The widest line that fits in a node of width @w around text @th high: the whole box of a
 * router, the text's corners inside the ellipse of an external node ((tw/2a)² + (th/2b)² ≤ 1). */
static double
node_text_width (const RwNode *n, double w, int th)
{
  double r;
  if (n->kind == RW_NODE_ROUTER)
    return w - 12;
  r = MIN (th / (double) NODE_H, 0.95);
  return (w - 6) * sqrt (1 - r * r);
}

/* As wide as its text needs, NODE_W at least and NODE_W_MAX at most (beyond, the text is cut
 * with an ellipsis when drawn). */
static void
node_size_for (PangoLayout *layout, const RwNode *n, double *w, double *h)
{
  g_autofree char *markup = node_markup (n);
  int tw, th;
  double r;
  pango_layout_set_width (layout, -1);
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  r = MIN (th / (double) NODE_H, 0.95);
  *w = n->kind == RW_NODE_ROUTER ? tw + 12 : tw / sqrt (1 - r * r) + 6;
  *w = CLAMP (ceil (*w), NODE_W, NODE_W_MAX);
  *h = NODE_H;
}

const GArray *
rw_canvas_get_label_rects (RwCanvas *c)
{
  return c->label_rects;
}

void
rw_canvas_node_size (RwCanvas *c, const RwNode *n, double *w, double *h)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (c), NULL);
  node_size_for (layout, n, w, h);
}

const char *
rw_canvas_pick (RwCanvas *c, double wx, double wy, gboolean *is_link)
{
  const RwTopology *t;
  double mx, my;
  const char *best = NULL;
  double best_d = LINK_PICK / c->zoom;
  if (is_link)
    *is_link = FALSE;
  if (c->doc == NULL)
    return NULL;
  t = rw_document_get_topology (c->doc);
  rw_canvas_widget_to_model (c, wx, wy, &mx, &my);
  for (guint i = t->nodes->len; i > 0; i--)
    {
      const RwNode *n = t->nodes->pdata[i - 1];
      double x, y, w, h;
      node_pos (c, n, &x, &y);
      if (fabs (mx - x) > NODE_W_MAX / 2 || fabs (my - y) > NODE_H / 2)
        continue;
      rw_canvas_node_size (c, n, &w, &h);
      if (fabs (mx - x) <= w / 2 && fabs (my - y) <= h / 2)
        return n->id;
    }
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      const RwNode *a = rw_topology_find_node (t, l->a), *b = rw_topology_find_node (t, l->b);
      double ax, ay, bx, by, d;
      if (!a || !b)
        continue;
      node_pos (c, a, &ax, &ay);
      node_pos (c, b, &bx, &by);
      d = seg_distance (mx, my, ax, ay, bx, by);
      if (d < best_d)
        {
          best_d = d;
          best = l->id;
        }
    }
  if (best && is_link)
    *is_link = TRUE;
  return best;
}

void
rw_canvas_fit (RwCanvas *c)
{
  const RwTopology *t;
  double minx = G_MAXDOUBLE, miny = G_MAXDOUBLE, maxx = -G_MAXDOUBLE, maxy = -G_MAXDOUBLE;
  int w = gtk_widget_get_width (GTK_WIDGET (c)), h = gtk_widget_get_height (GTK_WIDGET (c));
  if (c->doc == NULL || w <= 0 || h <= 0)
    return;
  t = rw_document_get_topology (c->doc);
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      double nw, nh;
      rw_canvas_node_size (c, n, &nw, &nh);
      minx = MIN (minx, n->x - nw / 2 - NODE_W / 2);
      maxx = MAX (maxx, n->x + nw / 2 + NODE_W / 2);
      miny = MIN (miny, n->y - NODE_H);
      maxy = MAX (maxy, n->y + NODE_H);
    }
  if (t->nodes->len == 0)
    {
      minx = miny = 0;
      maxx = maxy = 600;
    }
  c->zoom = CLAMP (MIN (w / (maxx - minx), h / (maxy - miny)), 0.2, 2.0);
  c->ox = (minx + maxx) / 2 - w / (2 * c->zoom);
  c->oy = (miny + maxy) / 2 - h / (2 * c->zoom);
  c->user_view = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (c));
}

void
rw_canvas_zoom_at (RwCanvas *c, double factor, double wx, double wy)
{
  double mx, my;
  rw_canvas_widget_to_model (c, wx, wy, &mx, &my);
  c->zoom = CLAMP (c->zoom * factor, 0.1, 8.0);
  /* the model point under the pointer stays under it */
  c->ox = mx - wx / c->zoom;
  c->oy = my - wy / c->zoom;
  c->user_view = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (c));
}

/* ---- drawing ---- */

static void
colour_for (double rho, GdkRGBA *out)
{
  /* the same scale as the Graphviz views (rw-dot.c) */
  const char *hex = rho >= 0.9 ? "#c01c28" : rho >= 0.7 ? "#e66100" : rho >= 0.5 ? "#c88800" : "#26a269";
  gdk_rgba_parse (out, hex);
}

static double
dir_util (RwCanvas *c, guint dir)
{
  if (c->observed && dir < c->n_observed)
    return c->observed[dir];
  if (c->twin && c->twin->traffic && dir < 2 * c->twin->traffic->n_links)
    return c->twin->traffic->dirs[dir].utilisation;
  return 0;
}

/* The twin must describe the topology drawn (same links in the same order) to be used. */
static gboolean
twin_matches (RwCanvas *c, const RwTopology *t)
{
  return c->twin != NULL && rw_topology_same_links (c->twin->topo, t);
}

static void
text_at (cairo_t *cr, PangoLayout *layout, const char *markup, double x, double y, gboolean centre)
{
  int w, h;
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, centre ? x - w / 2.0 : x, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Whether a rectangle overlaps none of @taken (graphene_rect_t). */
static gboolean
rect_free (const GArray *taken, const graphene_rect_t *r)
{
  for (guint i = 0; i < taken->len; i++)
    {
      const graphene_rect_t *o = &g_array_index (taken, graphene_rect_t, i);
      if (r->origin.x < o->origin.x + o->size.width && o->origin.x < r->origin.x + r->size.width
          && r->origin.y < o->origin.y + o->size.height && o->origin.y < r->origin.y + r->size.height)
        return FALSE;
    }
  return TRUE;
}

/* Where a link's label goes: its middle, or the nearest point along it that is clear of the
 * nodes and of the labels placed before (two crossing links share their middle). */
static void
place_label (GArray *taken, double ax, double ay, double bx, double by, double w, double h, graphene_rect_t *out)
{
  static const double along[] = { 0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75 };
  for (guint k = 0; k < G_N_ELEMENTS (along); k++)
    {
      double x = ax + along[k] * (bx - ax), y = ay + along[k] * (by - ay);
      graphene_rect_init (out, x - w / 2, y - h / 2, w, h);
      if (rect_free (taken, out))
        break;
      if (k + 1 == G_N_ELEMENTS (along))
        graphene_rect_init (out, (ax + bx - w) / 2, (ay + by - h) / 2, w, h); /* nowhere clear: the middle */
    }
  g_array_append_val (taken, *out);
}

static void
draw (RwCanvas *c, cairo_t *cr, int width, int height)
{
  const RwTopology *t = rw_document_get_topology (c->doc);
  gboolean live = twin_matches (c, t);
  GdkRGBA fg, accent;
  gboolean dark;
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (c), NULL);
  GArray *path_hops = NULL;
  g_autoptr(GArray) boxes = NULL, taken = NULL, label_rects = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (c)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  dark = fg.red + fg.green + fg.blue > 1.5;
  gdk_rgba_parse (&accent, dark ? "#78aeed" : "#1c71d8");

  if (live && c->demand && c->twin->traffic)
    {
      gint d = rw_traffic_find_demand (c->twin->traffic, c->demand);
      if (d >= 0)
        path_hops = ((RwDemandResult *) c->twin->traffic->demands->pdata[d])->hops;
    }

  cairo_translate (cr, -c->ox * c->zoom, -c->oy * c->zoom);
  cairo_scale (cr, c->zoom, c->zoom);

  /* the nodes' boxes: labels keep clear of them */
  boxes = g_array_sized_new (FALSE, FALSE, sizeof (graphene_rect_t), t->nodes->len + t->links->len);
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      double x, y, w, h;
      graphene_rect_t r;
      node_pos (c, n, &x, &y);
      node_size_for (layout, n, &w, &h);
      graphene_rect_init (&r, x - w / 2, y - h / 2, w, h);
      g_array_append_val (boxes, r);
    }
  taken = g_array_copy (boxes);
  labels = g_ptr_array_new_with_free_func (g_free);
  label_rects = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));

  /* links: one line per direction, side by side, coloured by that direction's utilisation */
  for (guint i = 0; i < t->links->len; i++)
    {
      const RwLink *l = t->links->pdata[i];
      const RwNode *a = rw_topology_find_node (t, l->a), *b = rw_topology_find_node (t, l->b);
      double ax, ay, bx, by, len, nx, ny;
      gboolean sel = is_selected (c->sel_links, l->id);
      gboolean up = live ? ((RwLink *) c->twin->topo->links->pdata[i])->up : l->up;
      double rho_max = 0;
      if (!a || !b)
        continue;
      node_pos (c, a, &ax, &ay);
      node_pos (c, b, &bx, &by);
      len = hypot (bx - ax, by - ay);
      if (len < 1)
        continue;
      nx = -(by - ay) / len * 3;
      ny = (bx - ax) / len * 3;
      if (sel)
        {
          cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.35);
          cairo_set_line_width (cr, 16);
          cairo_move_to (cr, ax, ay);
          cairo_line_to (cr, bx, by);
          cairo_stroke (cr);
        }
      for (guint dir = 0; dir < 2; dir++)
        {
          double rho = live ? dir_util (c, 2 * i + dir) : 0;
          double sign = dir == 0 ? 1 : -1;
          GdkRGBA col;
          gboolean on_path = FALSE;
          rho_max = MAX (rho_max, rho);
          if (path_hops)
            for (guint k = 0; k < path_hops->len; k++)
              on_path |= g_array_index (path_hops, guint, k) == 2 * i + dir;
          if (!up)
            {
              gdk_rgba_parse (&col, "#9a9996");
              cairo_set_dash (cr, (double[]) { 8, 6 }, 2, 0);
            }
          else if (live)
            colour_for (rho, &col);
          else
            col = fg, col.alpha = 0.5;
          if (on_path)
            {
              cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.9);
              cairo_set_line_width (cr, 9);
              cairo_move_to (cr, ax + sign * nx, ay + sign * ny);
              cairo_line_to (cr, bx + sign * nx, by + sign * ny);
              cairo_stroke (cr);
            }
          gdk_cairo_set_source_rgba (cr, &col);
          cairo_set_line_width (cr, 2.5 + (up && live ? 3.5 * MIN (rho, 1.0) : 0));
          cairo_move_to (cr, ax + sign * nx, ay + sign * ny);
          cairo_line_to (cr, bx + sign * nx, by + sign * ny);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
      /* label: the busier direction, or DOWN */
      {
        g_autofree char *text = NULL;
        if (!up)
          text = g_strdup_printf ("<small><b>%s</b></small>", _("down"));
        else if (live)
          text = g_strdup_printf ("<small>%.0f %%</small>", 100 * rho_max);
        if (text)
          {
            /* drawn once every link is: a later link must not cross it */
            int w, h;
            graphene_rect_t r;
            pango_layout_set_markup (layout, text, -1);
            pango_layout_get_pixel_size (layout, &w, &h);
            place_label (taken, ax, ay, bx, by, w + 6, h + 2, &r);
            g_array_append_val (label_rects, r);
            g_ptr_array_add (labels, g_steal_pointer (&text));
          }
      }
    }
  g_clear_pointer (&c->label_rects, g_array_unref);
  c->label_rects = g_array_ref (label_rects);
  for (guint i = 0; i < labels->len; i++)
    {
      const graphene_rect_t *r = &g_array_index (label_rects, graphene_rect_t, i);
      cairo_set_source_rgba (cr, dark ? 0.14 : 1, dark ? 0.14 : 1, dark ? 0.14 : 1, 0.85);
      rounded_rect (cr, r->origin.x, r->origin.y, r->size.width, r->size.height, 4);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      text_at (cr, layout, labels->pdata[i], r->origin.x + r->size.width / 2, r->origin.y + r->size.height / 2, TRUE);
    }

  /* the link being drawn */
  if (c->drag == DRAG_LINK && c->drag_from)
    {
      const RwNode *a = rw_topology_find_node (t, c->drag_from);
      double ex, ey;
      if (a)
        {
          rw_canvas_widget_to_model (c, c->drag_x + c->drag_dx, c->drag_y + c->drag_dy, &ex, &ey);
          gdk_cairo_set_source_rgba (cr, &accent);
          cairo_set_line_width (cr, 3);
          cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
          cairo_move_to (cr, a->x, a->y);
          cairo_line_to (cr, ex, ey);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
    }

  /* nodes */
  for (guint i = 0; i < t->nodes->len; i++)
    {
      const RwNode *n = t->nodes->pdata[i];
      const graphene_rect_t *box = &g_array_index (boxes, graphene_rect_t, i);
      double x = box->origin.x + box->size.width / 2, y = box->origin.y + box->size.height / 2;
      double w = box->size.width, h = box->size.height;
      gboolean sel = is_selected (c->sel_nodes, n->id);
      gboolean ours = n->kind == RW_NODE_ROUTER;
      g_autofree char *markup = node_markup (n);
      int tw, th;
      cairo_new_path (cr); /* the last label left a current point; an arc would join it */
      if (ours)
        rounded_rect (cr, x - w / 2, y - h / 2, w, h, n->role == RW_ROLE_REFLECTOR ? 18 : 8);
      else
        {
          cairo_save (cr);
          cairo_translate (cr, x, y);
          cairo_scale (cr, w / 2, h / 2);
          cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
          cairo_restore (cr);
        }
      if (ours)
        cairo_set_source_rgb (cr, dark ? 0.16 : 0.93, dark ? 0.27 : 0.95, dark ? 0.42 : 0.99);
      else
        cairo_set_source_rgb (cr, dark ? 0.25 : 0.96, dark ? 0.25 : 0.96, dark ? 0.27 : 0.95);
      cairo_fill_preserve (cr);
      if (sel)
        {
          gdk_cairo_set_source_rgba (cr, &accent);
          cairo_set_line_width (cr, 3.5);
        }
      else
        {
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
          cairo_set_line_width (cr, 1.2);
        }
      cairo_stroke (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      /* a text wider than the widest node is cut, so it stays inside its shape */
      pango_layout_set_markup (layout, markup, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      if (tw > node_text_width (n, w, th))
        {
          pango_layout_set_width (layout, (int) (node_text_width (n, w, th) * PANGO_SCALE));
          pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
        }
      text_at (cr, layout, markup, x, y, TRUE);
      pango_layout_set_width (layout, -1);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
    }
}

static void
rw_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  RwCanvas *c = RW_CANVAS (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;
  if (c->doc == NULL || w <= 0 || h <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  draw (c, cr, w, h);
  cairo_destroy (cr);
}

static void
rw_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  RwCanvas *c = RW_CANVAS (widget);
  if (!c->user_view)
    rw_canvas_fit (c);
  if (c->menu)
    gtk_popover_present (GTK_POPOVER (c->menu));
}

static void
rw_canvas_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat, int *min_b, int *nat_b)
{
  *min = 200;
  *nat = o == GTK_ORIENTATION_HORIZONTAL ? 800 : 560;
}

/* ---- selection ---- */

GPtrArray *
rw_canvas_get_selected_nodes (RwCanvas *c)
{
  return c->sel_nodes;
}

GPtrArray *
rw_canvas_get_selected_links (RwCanvas *c)
{
  return c->sel_links;
}

void
rw_canvas_clear_selection (RwCanvas *c)
{
  if (c->sel_nodes->len == 0 && c->sel_links->len == 0)
    return;
  g_ptr_array_set_size (c->sel_nodes, 0);
  g_ptr_array_set_size (c->sel_links, 0);
  g_signal_emit (c, signals[SELECTION_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (c));
}

void
rw_canvas_select (RwCanvas *c, const char *id, gboolean add)
{
  const RwTopology *t = c->doc ? rw_document_get_topology (c->doc) : NULL;
  GPtrArray *into;
  if (t == NULL)
    return;
  into = rw_topology_find_node (t, id) ? c->sel_nodes : rw_topology_find_link (t, id) ? c->sel_links : NULL;
  if (!add)
    {
      g_ptr_array_set_size (c->sel_nodes, 0);
      g_ptr_array_set_size (c->sel_links, 0);
    }
  if (into && !is_selected (into, id))
    g_ptr_array_add (into, g_strdup (id));
  else if (into && add)
    for (guint i = 0; i < into->len; i++)
      if (g_strcmp0 (into->pdata[i], id) == 0)
        {
          g_ptr_array_remove_index (into, i); /* Ctrl+click toggles */
          break;
        }
  g_signal_emit (c, signals[SELECTION_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (c));
}

/* Drops selected ids that no longer exist (after undo, delete…). */
static void
prune_selection (RwCanvas *c)
{
  const RwTopology *t = rw_document_get_topology (c->doc);
  gboolean changed = FALSE;
  for (guint i = c->sel_nodes->len; i > 0; i--)
    if (!rw_topology_find_node (t, c->sel_nodes->pdata[i - 1]))
      g_ptr_array_remove_index (c->sel_nodes, i - 1), changed = TRUE;
  for (guint i = c->sel_links->len; i > 0; i--)
    if (!rw_topology_find_link (t, c->sel_links->pdata[i - 1]))
      g_ptr_array_remove_index (c->sel_links, i - 1), changed = TRUE;
  if (changed)
    g_signal_emit (c, signals[SELECTION_CHANGED], 0);
}

/* ---- input ---- */

static void
report (RwCanvas *c, GError *error)
{
  g_signal_emit (c, signals[EDIT_FAILED], 0, error->message);
}

static void
on_click_pressed (GtkGestureClick *g, int n_press, double x, double y, RwCanvas *c)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (g));
  gboolean is_link = FALSE;
  const char *hit = rw_canvas_pick (c, x, y, &is_link);
  gtk_widget_grab_focus (GTK_WIDGET (c));
  if (c->tool == RW_CANVAS_TOOL_ROUTER || c->tool == RW_CANVAS_TOOL_ISP || c->tool == RW_CANVAS_TOOL_INTERNET)
    {
      double mx, my;
      g_autofree char *id = NULL;
      g_autoptr(GError) error = NULL;
      RwNodeRole role = c->tool == RW_CANVAS_TOOL_ISP ? RW_ROLE_ISP : c->tool == RW_CANVAS_TOOL_INTERNET ? RW_ROLE_INTERNET : RW_ROLE_EDGE;
      if (hit && !is_link)
        {
          rw_canvas_select (c, hit, FALSE);
          return;
        }
      rw_canvas_widget_to_model (c, x, y, &mx, &my);
      if (!rw_document_add_node (c->doc, role, mx, my, &id, &error))
        report (c, error);
      else
        rw_canvas_select (c, id, FALSE);
      return;
    }
  if (hit)
    rw_canvas_select (c, hit, (mods & (GDK_CONTROL_MASK | GDK_SHIFT_MASK)) != 0);
  else if (!(mods & (GDK_CONTROL_MASK | GDK_SHIFT_MASK)))
    rw_canvas_clear_selection (c);
}

static void
add_item (GMenu *menu, const char *label, const char *action, const char *target)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);
  g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (target));
  g_menu_append_item (menu, item);
}

static void
on_context_pressed (GtkGestureClick *g, int n_press, double x, double y, RwCanvas *c)
{
  gboolean is_link = FALSE;
  const char *hit = rw_canvas_pick (c, x, y, &is_link);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) run = g_menu_new ();
  g_autoptr(GMenu) edit = g_menu_new ();
  g_autoptr(GMenu) whatif = g_menu_new ();
  GdkRectangle at = { (int) x, (int) y, 1, 1 };
  if (hit)
    rw_canvas_select (c, hit, is_selected (is_link ? c->sel_links : c->sel_nodes, hit));
  if (hit && is_link)
    {
      add_item (run, _("Fail Link"), "win.fail-link", hit);
      add_item (run, _("Restore Link"), "win.restore-link", hit);
      add_item (run, _("Degrade Link"), "win.degrade-link", hit);
      add_item (run, _("Flap Session"), "win.flap-session", hit);
      add_item (whatif, _("What If This Link Fails?"), "win.whatif-link-down", hit);
    }
  else if (hit)
    {
      add_item (run, _("Ramp Demands From Here"), "win.ramp-demand", hit);
      add_item (whatif, _("Show Paths From Here"), "win.show-paths", hit);
      add_item (edit, _("Edit Router…"), "win.edit-node", hit);
      add_item (edit, _("Prefixes…"), "win.edit-prefixes", hit);
      add_item (edit, _("BGP Table…"), "win.bgp-table", hit);
    }
  g_menu_append (edit, _("Delete"), "win.delete");
  g_menu_append (edit, _("Arrange"), "win.arrange");
  if (g_menu_model_get_n_items (G_MENU_MODEL (run)))
    g_menu_append_section (menu, _("Inject Into the Run"), G_MENU_MODEL (run));
  if (g_menu_model_get_n_items (G_MENU_MODEL (whatif)))
    g_menu_append_section (menu, NULL, G_MENU_MODEL (whatif));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (c->menu), G_MENU_MODEL (menu));
  gtk_popover_set_pointing_to (GTK_POPOVER (c->menu), &at);
  gtk_popover_popup (GTK_POPOVER (c->menu));
}

static void
on_drag_begin (GtkGestureDrag *g, double x, double y, RwCanvas *c)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (g));
  gboolean is_link = FALSE;
  const char *hit = rw_canvas_pick (c, x, y, &is_link);
  c->drag_x = x;
  c->drag_y = y;
  c->drag_dx = c->drag_dy = 0;
  g_clear_pointer (&c->drag_from, g_free);
  if (hit && !is_link && (c->tool == RW_CANVAS_TOOL_LINK || (mods & GDK_SHIFT_MASK) || (mods & GDK_ALT_MASK)))
    {
      c->drag = DRAG_LINK;
      c->drag_from = g_strdup (hit);
    }
  else if (hit && !is_link && c->tool == RW_CANVAS_TOOL_SELECT)
    {
      if (!is_selected (c->sel_nodes, hit))
        rw_canvas_select (c, hit, FALSE);
      c->drag = DRAG_MOVE;
    }
  else if (!hit || is_link)
    {
      c->drag = DRAG_PAN;
      c->pan_ox = c->ox;
      c->pan_oy = c->oy;
    }
  else
    c->drag = DRAG_NONE;
}

static void
on_drag_update (GtkGestureDrag *g, double dx, double dy, RwCanvas *c)
{
  c->drag_dx = dx;
  c->drag_dy = dy;
  if (c->drag == DRAG_PAN)
    {
      c->ox = c->pan_ox - dx / c->zoom;
      c->oy = c->pan_oy - dy / c->zoom;
      c->user_view = TRUE;
    }
  gtk_widget_queue_draw (GTK_WIDGET (c));
}

static void
on_drag_end (GtkGestureDrag *g, double dx, double dy, RwCanvas *c)
{
  g_autoptr(GError) error = NULL;
  int mode = c->drag;
  c->drag_dx = dx;
  c->drag_dy = dy;
  c->drag = DRAG_NONE;
  if (mode == DRAG_MOVE && (fabs (dx) > 2 || fabs (dy) > 2))
    {
      const RwTopology *t = rw_document_get_topology (c->doc);
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      g_autofree double *xy = g_new0 (double, 2 * c->sel_nodes->len + 2);
      g_autofree char *label = NULL;
      for (guint i = 0; i < c->sel_nodes->len; i++)
        {
          const RwNode *n = rw_topology_find_node (t, c->sel_nodes->pdata[i]);
          if (!n)
            continue;
          xy[2 * ids->len] = n->x + dx / c->zoom;
          xy[2 * ids->len + 1] = n->y + dy / c->zoom;
          g_ptr_array_add (ids, g_strdup (n->id));
        }
      label = ids->len == 1 ? g_strdup_printf (_("Move %s"), (char *) ids->pdata[0])
                            : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Move %u node", "Move %u nodes", ids->len), ids->len);
      if (ids->len && !rw_document_move_nodes (c->doc, ids, xy, label, &error))
        report (c, error);
    }
  else if (mode == DRAG_LINK && c->drag_from)
    {
      gboolean is_link = FALSE;
      const char *to = rw_canvas_pick (c, c->drag_x + dx, c->drag_y + dy, &is_link);
      g_autofree char *link = NULL;
      if (to && !is_link && g_strcmp0 (to, c->drag_from) != 0)
        {
          g_autofree char *to_id = g_strdup (to);
          if (!rw_document_link_nodes (c->doc, c->drag_from, to_id, &link, &error))
            report (c, error);
          else
            rw_canvas_select (c, link, FALSE);
        }
    }
  g_clear_pointer (&c->drag_from, g_free);
  c->drag_dx = c->drag_dy = 0;
  gtk_widget_queue_draw (GTK_WIDGET (c));
}

static gboolean
on_scroll (GtkEventControllerScroll *s, double dx, double dy, RwCanvas *c)
{
  rw_canvas_zoom_at (c, pow (1.1, -dy), c->pointer_x, c->pointer_y);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *m, double x, double y, RwCanvas *c)
{
  c->pointer_x = x;
  c->pointer_y = y;
}

static void
on_pinch_begin (GtkGesture *g, GdkEventSequence *seq, RwCanvas *c)
{
  c->pinch_zoom = 1.0;
}

static void
on_pinch (GtkGestureZoom *g, double scale, RwCanvas *c)
{
  double cx = 0, cy = 0;
  gtk_gesture_get_bounding_box_center (GTK_GESTURE (g), &cx, &cy);
  rw_canvas_zoom_at (c, scale / c->pinch_zoom, cx, cy);
  c->pinch_zoom = scale;
}

/* ---- document ---- */

static void
on_doc_changed (RwDocument *doc, RwCanvas *c)
{
  prune_selection (c);
  gtk_widget_queue_draw (GTK_WIDGET (c));
}

void
rw_canvas_set_document (RwCanvas *c, RwDocument *doc)
{
  if (c->doc == doc)
    return;
  if (c->doc)
    g_signal_handlers_disconnect_by_data (c->doc, c);
  g_set_object (&c->doc, doc);
  c->twin = NULL;
  g_clear_pointer (&c->observed, g_free);
  g_ptr_array_set_size (c->sel_nodes, 0);
  g_ptr_array_set_size (c->sel_links, 0);
  if (doc)
    g_signal_connect (doc, "changed", G_CALLBACK (on_doc_changed), c);
  c->user_view = FALSE;
  rw_canvas_fit (c);
  g_signal_emit (c, signals[SELECTION_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (c));
}

void
rw_canvas_set_twin (RwCanvas *c, const RwTwin *twin, const double *observed)
{
  c->twin = twin;
  g_clear_pointer (&c->observed, g_free);
  c->n_observed = 0;
  if (twin && observed)
    {
      c->n_observed = 2 * twin->topo->links->len;
      c->observed = g_memdup2 (observed, sizeof (double) * MAX (c->n_observed, 1));
    }
  gtk_widget_queue_draw (GTK_WIDGET (c));
}

void
rw_canvas_set_tool (RwCanvas *c, RwCanvasTool tool)
{
  c->tool = tool;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (c), tool == RW_CANVAS_TOOL_SELECT ? NULL : "crosshair");
}

RwCanvasTool
rw_canvas_get_tool (RwCanvas *c)
{
  return c->tool;
}

void
rw_canvas_set_demand (RwCanvas *c, const char *demand)
{
  g_free (c->demand);
  c->demand = g_strdup (demand);
  gtk_widget_queue_draw (GTK_WIDGET (c));
}

/* ---- GObject ---- */

static void
rw_canvas_dispose (GObject *object)
{
  RwCanvas *c = RW_CANVAS (object);
  if (c->doc)
    g_signal_handlers_disconnect_by_data (c->doc, c);
  g_clear_object (&c->doc);
  g_clear_pointer (&c->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (rw_canvas_parent_class)->dispose (object);
}

static void
rw_canvas_finalize (GObject *object)
{
  RwCanvas *c = RW_CANVAS (object);
  g_ptr_array_unref (c->sel_nodes);
  g_ptr_array_unref (c->sel_links);
  g_free (c->observed);
  g_clear_pointer (&c->label_rects, g_array_unref);
  g_free (c->demand);
  g_free (c->drag_from);
  G_OBJECT_CLASS (rw_canvas_parent_class)->finalize (object);
}

static void
rw_canvas_class_init (RwCanvasClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);
  oc->dispose = rw_canvas_dispose;
  oc->finalize = rw_canvas_finalize;
  wc->snapshot = rw_canvas_snapshot;
  wc->size_allocate = rw_canvas_size_allocate;
  wc->measure = rw_canvas_measure;
  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                             NULL, NULL, G_TYPE_NONE, 0);
  /* an edit made on the canvas was refused; the message says why */
  signals[EDIT_FAILED] = g_signal_new ("edit-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_css_name (wc, "rwcanvas");
  gtk_widget_class_set_accessible_role (wc, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rw_canvas_init (RwCanvas *c)
{
  GtkGesture *click, *context, *drag, *zoom;
  GtkEventController *scroll, *motion;
  c->zoom = 1.0;
  c->sel_nodes = g_ptr_array_new_with_free_func (g_free);
  c->sel_links = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_set_focusable (GTK_WIDGET (c), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (c), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (c), TRUE);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), c);
  gtk_widget_add_controller (GTK_WIDGET (c), GTK_EVENT_CONTROLLER (click));

  context = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (context), GDK_BUTTON_SECONDARY);
  g_signal_connect (context, "pressed", G_CALLBACK (on_context_pressed), c);
  gtk_widget_add_controller (GTK_WIDGET (c), GTK_EVENT_CONTROLLER (context));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), c);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), c);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), c);
  gtk_widget_add_controller (GTK_WIDGET (c), GTK_EVENT_CONTROLLER (drag));

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (on_pinch_begin), c);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_pinch), c);
  gtk_widget_add_controller (GTK_WIDGET (c), GTK_EVENT_CONTROLLER (zoom));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), c);
  gtk_widget_add_controller (GTK_WIDGET (c), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), c);
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), c);
  gtk_widget_add_controller (GTK_WIDGET (c), motion);

  c->menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (c->menu), FALSE);
  gtk_widget_set_halign (c->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (c->menu, GTK_WIDGET (c));
}

GtkWidget *
rw_canvas_new (void)
{
  return g_object_new (RW_TYPE_CANVAS, NULL);
}
