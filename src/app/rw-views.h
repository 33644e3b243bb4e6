/* rw-views.h — the window's Graphviz views (paths, what-if, reasoning, incident, approval):
 * drawn on workers, the newest request for a picture wins, drawn again when the style turns
 * dark or light.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RW_TYPE_VIEWS (rw_views_get_type ())
G_DECLARE_FINAL_TYPE (RwViews, rw_views, RW, VIEWS, GObject)

RwViews *rw_views_new (void);
/* Draws @dot (taken) with @engine into @picture. A newer request or rw_views_forget () under
 * @name drops a drawing still in flight. The texture is kept under @name. A failure
 * is emitted as "error" (a message). */
void rw_views_render (RwViews *views, const char *name, char *dot, const char *engine, GtkPicture *picture);
/* The newest texture drawn under @name, or NULL. */
GdkPaintable *rw_views_get (RwViews *views, const char *name);
/* Forgets the texture drawn under @name (the picture itself is the caller's). */
void rw_views_forget (RwViews *views, const char *name);
/* Drops every drawing in flight: nothing lands after this. */
void rw_views_cancel (RwViews *views);

G_END_DECLS
