/* Helpers shared by the lt-* workloads. Each workload is built from its one .c file
 * alone, so everything here is static; inline, because no workload uses all of it and
 * -Wall would warn about the rest. */
#ifndef WL_H
#define WL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The kernel's page size, not 4096: Debian's arm64-16k kernel has 16 KiB
 * pages, and a workload that writes every 4 KiB would count one page four
 * times. */
static inline unsigned long wl_page_size(void)
{
	static unsigned long pg;

	if (!pg)
		pg = (unsigned long)sysconf(_SC_PAGESIZE);
	return pg;
}
#define PG wl_page_size()

/* Separate from wl_arg() so that a caller can word its own error (lt-quiet). */
static inline int wl_parse(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static inline long wl_arg(const char *prog, const char *s, long min, long max)
{
	long v;

	if (wl_parse(s, min, max, &v)) {
		fprintf(stderr, "%s: bad number '%s' (%ld..%ld)\n", prog, s, min, max);
		exit(2);
	}
	return v;
}

/* Whether a failed MADV_NOHUGEPAGE is fatal: the workloads differ, and each keeps its
 * own exit behaviour. */
enum wl_nohuge { WL_NOHUGE_TRY, WL_NOHUGE_MUST };

enum wl_map_fail { WL_MAP_OK, WL_MAP_MMAP, WL_MAP_MADVISE };

/* Huge PMDs are zapped and copied without the per-PTE paths (and batch allocations)
 * the workloads exist to exercise: force small pages. Each page is written, not read,
 * so it gets its own anonymous page rather than the shared zero page. On failure errno
 * is still that of the failing call. */
static inline enum wl_map_fail wl_map_small(long pages, enum wl_nohuge nohuge,
					     unsigned char **out)
{
	unsigned char *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return WL_MAP_MMAP;
	*out = p;
	/* A kernel without THP (Debian's RT) refuses MADV_NOHUGEPAGE with
	 * EINVAL (7.2 mm/madvise.c:1549-1551) and has no
	 * /sys/kernel/mm/transparent_hugepage: its pages are small anyway. */
	if (madvise(p, pages * PG, MADV_NOHUGEPAGE) && nohuge == WL_NOHUGE_MUST &&
	    !(errno == EINVAL && access("/sys/kernel/mm/transparent_hugepage", F_OK)))
		return WL_MAP_MADVISE;
	for (long i = 0; i < pages; i++)
		p[i * PG] = (unsigned char)(i + 1);
	return WL_MAP_OK;
}

/* The same message perror("<prog>: mmap") would print, without building its string. */
static inline unsigned char *wl_map_small_or_exit(const char *prog, long pages,
						  enum wl_nohuge nohuge)
{
	unsigned char *p = NULL;

	switch (wl_map_small(pages, nohuge, &p)) {
	case WL_MAP_MMAP:
		fprintf(stderr, "%s: mmap: %s\n", prog, strerror(errno));
		exit(1);
	case WL_MAP_MADVISE:
		fprintf(stderr, "%s: madvise: %s\n", prog, strerror(errno));
		exit(1);
	case WL_MAP_OK:
		break;
	}
	return p;
}

#endif
