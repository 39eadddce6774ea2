/* lt-munmap ITER PAGES
 * ITER times: mmap PAGES anonymous 4K pages, MADV_NOHUGEPAGE, write each page, munmap.
 * munmap zaps small PTEs inside a lazy MMU section (zap_pte_range, tlb_next_batch). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>

#include "wl.h"

int main(int argc, char **argv)
{
	long iter, pages, touched = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: lt-munmap ITER PAGES\n");
		return 2;
	}
	iter = wl_arg("lt-munmap", argv[1], 1, 100000000);
	pages = wl_arg("lt-munmap", argv[2], 1, 1L << 22);

	for (long it = 0; it < iter; it++) {
		unsigned char *p = wl_map_small_or_exit("lt-munmap", pages, WL_NOHUGE_MUST);

		touched += pages;
		if (munmap(p, pages * PG)) {
			perror("lt-munmap: munmap");
			return 1;
		}
	}
	printf("DONE lt-munmap iter=%ld pages=%ld touched=%ld\n", iter, pages, touched);
	return 0;
}
