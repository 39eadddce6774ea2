/* lt-munmap ITER PAGES
 * ITER times: mmap PAGES anonymous 4K pages, MADV_NOHUGEPAGE, write each page, munmap.
 * munmap zaps small PTEs inside a lazy MMU section (zap_pte_range, tlb_next_batch). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096UL

static long arg(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "lt-munmap: bad number '%s' (%ld..%ld)\n", s, min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long iter, pages, touched = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: lt-munmap ITER PAGES\n");
		return 2;
	}
	iter = arg(argv[1], 1, 100000000);
	pages = arg(argv[2], 1, 1L << 22);

	for (long it = 0; it < iter; it++) {
		unsigned char *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("lt-munmap: mmap");
			return 1;
		}
		if (madvise(p, pages * PG, MADV_NOHUGEPAGE)) {
			perror("lt-munmap: madvise");
			return 1;
		}
		for (long i = 0; i < pages; i++)
			p[i * PG] = (unsigned char)(i + 1);
		touched += pages;
		if (munmap(p, pages * PG)) {
			perror("lt-munmap: munmap");
			return 1;
		}
	}
	printf("DONE lt-munmap iter=%ld pages=%ld touched=%ld\n", iter, pages, touched);
	return 0;
}
