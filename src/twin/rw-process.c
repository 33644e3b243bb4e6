/* rw-process.c — see rw-process.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rw-process.h"

#include <string.h>
#include <unistd.h>

#define RW_THP_SETTING "/sys/kernel/mm/transparent_hugepage/enabled"
/* set beside GLIBC_TUNABLES when this program set it, so the run again takes both away: glibc
 * read them at start, and the programs it starts (FRR's daemons in a lab) keep their own ways */
#define RW_MARK "ROUTEWISE_SET_GLIBC_TUNABLES"

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
  if (g_strcmp0 (g_getenv (RW_MARK), "1") == 0)
    {
      g_unsetenv (RW_MARK);
      g_unsetenv ("GLIBC_TUNABLES");
      return;
    }
  if (argv == NULL || argv[0] == NULL || g_getenv ("GLIBC_TUNABLES") != NULL || !huge_pages_on_request ())
    return;
  if ((self = g_file_read_link ("/proc/self/exe", NULL)) == NULL)
    return;
  g_setenv ("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", TRUE);
  g_setenv (RW_MARK, "1", TRUE);
  execv (self, argv);
  /* it could not run again: go on as it is */
  g_unsetenv ("GLIBC_TUNABLES");
  g_unsetenv (RW_MARK);
#else
  (void) argv;
#endif
}
