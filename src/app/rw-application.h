/* rw-application.h — the Routewise application: options, app actions, the window.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RW_TYPE_APPLICATION (rw_application_get_type ())
G_DECLARE_FINAL_TYPE (RwApplication, rw_application, RW, APPLICATION, AdwApplication)

RwApplication *rw_application_new (void);

G_END_DECLS
