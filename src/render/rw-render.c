/* rw-render.c — the one place that calls Graphviz (gvc/cgraph), serialised by a lock.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-render.h"

#include <gvc.h>
#include <string.h>

G_DEFINE_QUARK (rw-render-error-quark, rw_render_error)

static GMutex gv_lock;
static GVC_t *gv_context; /* created on first use, under gv_lock; lives for the process */

gboolean
rw_view_parse (const char *text, RwView *out)
{
  if (g_strcmp0 (text, "topology") == 0)
    *out = RW_VIEW_TOPOLOGY;
  else if (g_strcmp0 (text, "paths") == 0)
    *out = RW_VIEW_PATHS;
  else if (g_strcmp0 (text, "blast") == 0)
    *out = RW_VIEW_BLAST;
  else
    return FALSE;
  return TRUE;
}

void
rw_render_shutdown (void)
{
  g_mutex_lock (&gv_lock);
  if (gv_context != NULL)
    gvFreeContext (gv_context);
  gv_context = NULL;
  g_mutex_unlock (&gv_lock);
}

static GBytes *render_locked (const char *dot, const char *engine, const char *format, GError **error);

GBytes *
rw_render_dot (const char *dot, const char *engine, const char *format, GError **error)
{
  GBytes *out;
  g_mutex_lock (&gv_lock);
  out = render_locked (dot, engine, format, error);
  g_mutex_unlock (&gv_lock);
  return out;
}

static GBytes *
render_locked (const char *dot, const char *engine, const char *format, GError **error)
{
  Agraph_t *g;
  char *data = NULL;
  unsigned int len = 0;
  GBytes *out;

  if (gv_context == NULL)
    {
      agseterr (AGERR); /* layout warnings are not the user's business; errors are */
      gv_context = gvContext ();
    }
  g = agmemread (dot);
  if (g == NULL)
    {
      g_set_error (error, RW_RENDER_ERROR, 0, "Graphviz could not read the generated graph");
      return NULL;
    }
  if (gvLayout (gv_context, g, engine) != 0)
    {
      agclose (g);
      g_set_error (error, RW_RENDER_ERROR, 0, "Graphviz layout engine '%s' failed", engine);
      return NULL;
    }
  if (gvRenderData (gv_context, g, format, &data, &len) != 0 || data == NULL)
    {
      gvFreeLayout (gv_context, g);
      agclose (g);
      g_set_error (error, RW_RENDER_ERROR, 0, "Graphviz cannot render format '%s'", format);
      return NULL;
    }
  out = g_bytes_new (data, len);
  gvFreeRenderData (data);
  gvFreeLayout (gv_context, g);
  agclose (g);
  return out;
}

gboolean
rw_render_to_file (const char *dot, const char *engine, const char *file, GError **error)
{
  const char *ext = strrchr (file, '.');
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;
  const char *format;

  if (ext == NULL)
    {
      g_set_error (error, RW_RENDER_ERROR, 0, "%s: the file name needs an extension: .svg, .png or .dot", file);
      return FALSE;
    }
  ext++;
  if (g_ascii_strcasecmp (ext, "dot") == 0 || g_ascii_strcasecmp (ext, "gv") == 0)
    bytes = g_bytes_new (dot, strlen (dot));
  else
    {
      if (g_ascii_strcasecmp (ext, "svg") == 0)
        format = "svg";
      else if (g_ascii_strcasecmp (ext, "png") == 0)
        format = "png";
      else
        {
          g_set_error (error, RW_RENDER_ERROR, 0, "%s: unknown extension '.%s' (use .svg, .png or .dot)", file, ext);
          return FALSE;
        }
      bytes = rw_render_dot (dot, engine, format, error);
      if (bytes == NULL)
        return FALSE;
    }
  if (!g_file_set_contents_full (file, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error (error, RW_RENDER_ERROR, 0, "%s: cannot write: %s", file, local->message);
      return FALSE;
    }
  return TRUE;
}
