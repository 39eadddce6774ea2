/* lt-mprotect ITER PAGES
 * Maps and populates PAGES small pages once, then ITER times toggles
 * PROT_READ <-> PROT_READ|PROT_WRITE over them (change_pte_range lazy sections). */
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
		fprintf(stderr, "lt-mprotect: bad number '%s' (%ld..%ld)\n", s, min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long iter, pages, calls = 0;
	unsigned char *p;

	if (argc != 3) {
		fprintf(stderr, "usage: lt-mprotect ITER PAGES\n");
		return 2;
	}
	iter = arg(argv[1], 1, 100000000);
	pages = arg(argv[2], 1, 1L << 22);
	p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("lt-mprotect: mmap");
		return 1;
	}
	if (madvise(p, pages * PG, MADV_NOHUGEPAGE)) {
		perror("lt-mprotect: madvise");
		return 1;
	}
	for (long i = 0; i < pages; i++)
		p[i * PG] = (unsigned char)(i + 1);
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
