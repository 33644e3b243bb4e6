/* rw-process.h — how a Routewise program asks the system for its memory.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called first in main (): when the environment says nothing of glibc's tunables and the kernel
 * hands out transparent huge pages on request, runs the program again with
 * GLIBC_TUNABLES=glibc.malloc.hugetlb=1, so that malloc asks for huge pages for its heap. A solve
 * at a million prefixes touches a few hundred megabytes of new memory in small pieces; where a
 * page fault is expensive (virtual machines: about 12 µs each here) that halves it. Setting
 * GLIBC_TUNABLES yourself (even empty) keeps the program as it is. The program run again takes the
 * setting out of its environment (glibc read it at start), so what it starts is left as it was.
 * Returns only when it did not run the program again. */
void rw_process_prefer_huge_pages (char **argv);

G_END_DECLS
