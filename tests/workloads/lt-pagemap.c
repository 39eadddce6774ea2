// SPDX-License-Identifier: GPL-2.0
/*
 * lt-pagemap ROUNDS PAGES
 * The one flush the 7.0 rules call legal inside a lazy MMU section:
 * PAGEMAP_SCAN with PM_SCAN_WP_MATCHING write-protects the written pages
 * of a userfaultfd async-wp range inside pagemap_scan_pmd_entry()'s
 * section and flushes their TLB entries before leaving it (7.2
 * fs/proc/task_mmu.c:2834-2925: lazy_mmu_mode_enable(), make_uffd_wp_pte()
 * for each page, flush_tlb_range(), lazy_mmu_mode_disable()). Each round
 * writes every page, then scans: one flush per page-table page the range
 * spans. Prints the number of flushes it caused, for the host to compare
 * with lazytrace's flush_in_lazy count.
 * Kernels before 6.7 have no PAGEMAP_SCAN: "UNSUPPORTED", exit 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "wl.h"

/* uapi of 6.7+ (7.2 include/uapi/linux/fs.h:459-521, userfaultfd.h:249):
 * the build machine's headers are older. */
#ifndef PAGEMAP_SCAN
struct page_region { uint64_t start, end, categories; };
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask;
	uint64_t return_mask;
};
#define PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_WRITTEN		(1 << 1)
#define PM_SCAN_WP_MATCHING	(1 << 0)
#define PM_SCAN_CHECK_WPASYNC	(1 << 1)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC	(1 << 15)
#endif

static int die(const char *what)
{
	fprintf(stderr, "lt-pagemap: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_WP_ASYNC };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	struct page_region vec[64];
	long rounds, pages, written = 0;
	unsigned long pmd = 512 * PG, first, last;
	unsigned char *p;
	int uffd, pm;

	if (argc != 3) {
		fprintf(stderr, "usage: lt-pagemap ROUNDS PAGES\n");
		return 2;
	}
	rounds = wl_arg("lt-pagemap", argv[1], 1, 1000000);
	pages = wl_arg("lt-pagemap", argv[2], 1, 1L << 20);
	/* TRY: a kernel without THP (Debian's RT) refuses MADV_NOHUGEPAGE;
	 * where THP exists but stays on, the host's exact count fails */
	p = wl_map_small_or_exit("lt-pagemap", pages, WL_NOHUGE_TRY);
	memset(p, 1, pages * PG);
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		return die("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api)) {
		if (errno == EINVAL) {	/* no async wp: before 6.7 */
			printf("UNSUPPORTED lt-pagemap: no UFFD_FEATURE_WP_ASYNC\n");
			return 0;
		}
		return die("UFFDIO_API");
	}
	reg.range.start = (unsigned long)p;
	reg.range.len = pages * PG;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return die("UFFDIO_REGISTER");
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0)
		return die("/proc/self/pagemap");
	for (long r = 0; r < rounds; r++) {
		struct pm_scan_arg a = {
			.size = sizeof(a), .flags = PM_SCAN_WP_MATCHING |
						    PM_SCAN_CHECK_WPASYNC,
			.start = (unsigned long)p,
			.end = (unsigned long)p + pages * PG,
			.vec = (unsigned long)vec, .vec_len = 64,
			.category_mask = PAGE_IS_WRITTEN,
			.return_mask = PAGE_IS_WRITTEN,
		};
		long n, got = 0;

		for (long i = 0; i < pages; i++)	/* every page written */
			p[i * PG]++;
		n = ioctl(pm, PAGEMAP_SCAN, &a);
		if (n < 0 && errno == ENOTTY) {
			printf("UNSUPPORTED lt-pagemap: no PAGEMAP_SCAN\n");
			return 0;
		}
		if (n < 0)
			return die("PAGEMAP_SCAN");
		for (long i = 0; i < n; i++)
			got += (vec[i].end - vec[i].start) / PG;
		/* a page not written-protected would leave its table's
		 * flush to chance: every page, every round */
		if (got != pages) {
			fprintf(stderr, "lt-pagemap: round %ld: %ld of %ld "
				"pages written\n", r, got, pages);
			return 1;
		}
		written += got;
	}
	first = (unsigned long)p / pmd;
	last = ((unsigned long)p + pages * PG - 1) / pmd;
	printf("DONE lt-pagemap rounds=%ld pages=%ld tables=%lu written=%ld "
	       "flushes=%lu\n", rounds, pages, last - first + 1, written,
	       rounds * (last - first + 1));
	return 0;
}
