/* lt-mprotect ITER PAGES
 * Maps and populates PAGES small pages once, then ITER times toggles
 * PROT_READ <-> PROT_READ|PROT_WRITE over them (change_pte_range lazy sections). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>

#include "wl.h"

int main(int argc, char **argv)
{
	long iter, pages, calls = 0;
	unsigned char *p;

	if (argc != 3) {
		fprintf(stderr, "usage: lt-mprotect ITER PAGES\n");
		return 2;
	}
	iter = wl_arg("lt-mprotect", argv[1], 1, 100000000);
	pages = wl_arg("lt-mprotect", argv[2], 1, 1L << 22);
	p = wl_map_small_or_exit("lt-mprotect", pages, WL_NOHUGE_MUST);
	for (long it = 0; it < iter; it++) {
		if (mprotect(p, pages * PG, PROT_READ) ||
		    mprotect(p, pages * PG, PROT_READ | PROT_WRITE)) {
			perror("lt-mprotect: mprotect");
			return 1;
		}
		calls += 2;
	}
	printf("DONE lt-mprotect iter=%ld pages=%ld mprotect=%ld\n", iter, pages, calls);
	return 0;
}
