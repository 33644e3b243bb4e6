/* rw-process.c — see rw-process.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-process.h"

#include <string.h>
#include <unistd.h>

#define RW_THP_SETTING "/sys/kernel/mm/transparent_hugepage/enabled"

/* "always [madvise] never": huge pages are handed out to regions that ask (madvise) or always */
static gboolean
huge_pages_on_request (void)
{
  g_autofree char *setting = NULL;
  if (!g_file_get_contents (RW_THP_SETTING, &setting, NULL, NULL))
    return FALSE;
  return strstr (setting, "[always]") != NULL || strstr (setting, "[madvise]") != NULL;
}

void
rw_process_prefer_huge_pages (char **argv)
{
#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
  /* the sanitizers' allocator is not glibc's: nothing to ask for there */
  g_autofree char *self = NULL;
  if (argv == NULL || argv[0] == NULL || g_getenv ("GLIBC_TUNABLES") != NULL || !huge_pages_on_request ())
    return;
  if ((self = g_file_read_link ("/proc/self/exe", NULL)) == NULL)
    return;
  g_setenv ("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", TRUE);
  execv (self, argv);
  /* it could not run again: go on as it is */
  g_unsetenv ("GLIBC_TUNABLES");
#else
  (void) argv;
#endif
}
