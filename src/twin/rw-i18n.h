/* rw-i18n.h — gettext for Routewise's own strings (domain GETTEXT_PACKAGE, "routewise").
 * Include it in front-end code that shows text to people; never translate JSON keys or
 * machine-readable output.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib/gi18n-lib.h>
