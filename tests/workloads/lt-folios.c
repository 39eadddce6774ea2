/* lt-folios [--wait-stdin] ROUNDS PAGES
 * ROUNDS times: mmap PAGES anonymous pages at a 64 KiB boundary, write
 * each page, munmap. No MADV_NOHUGEPAGE: that flag (VM_NOHUGEPAGE) turns
 * off every THP size, mTHP included. With 64K anonymous mTHP enabled
 * (hugepages-64kB/enabled) each write fault maps a 16-page folio, and
 * munmap zaps each folio in one go: two batch entries, the page with
 * ENCODED_PAGE_BIT_NR_PAGES_NEXT and then the page count (Linux 6.9+).
 * The 64 KiB alignment keeps every 16-page slot inside the VMA, so no
 * slot falls back to small pages at its ends. Prints
 * "FOLIOS rounds=R pages=P" with the pages it wrote.
 * --wait-stdin prints "READY lt-folios pid=N pagesize=P" and waits for a line on
 * stdin before the rounds, and after them for EOF before exiting: the
 * trace window then holds the rounds alone, neither the exec (7.x tears
 * the forked shell's mm down after the comm changed) nor the exit. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wl.h"

#define ALIGN (64UL * 1024)

/* A PAGES-page mapping at a 64 KiB boundary: ALIGN more than needed,
 * then the unaligned head and the tail cut off before any page is
 * touched (unmapping untouched pages frees nothing). */
static unsigned char *map_aligned(long pages)
{
	size_t len = pages * PG;
	unsigned char *p = mmap(NULL, len + ALIGN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;
	size_t head;

	if (p == MAP_FAILED) {
		perror("lt-folios: mmap");
		exit(1);
	}
	a = ((uintptr_t)p + ALIGN - 1) & ~(ALIGN - 1);
	head = a - (uintptr_t)p;
	if ((head && munmap(p, head)) ||
	    munmap((unsigned char *)a + len, ALIGN - head)) {
		perror("lt-folios: munmap (trim)");
		exit(1);
	}
	return (unsigned char *)a;
}

int main(int argc, char **argv)
{
	long rounds, pages, touched = 0;
	int wait_stdin = 0;
	char buf[64];

	if (argc == 4 && !strcmp(argv[1], "--wait-stdin")) {
		wait_stdin = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr,
			"usage: lt-folios [--wait-stdin] ROUNDS PAGES\n");
		return 2;
	}
	rounds = wl_arg("lt-folios", argv[1], 1, 1000000);
	/* whole 64K folios only: a partial one would be small pages */
	pages = wl_arg("lt-folios", argv[2], 16, 1L << 20);
	if (pages % 16) {
		fprintf(stderr, "lt-folios: PAGES must be a multiple of 16\n");
		return 2;
	}
	if (wait_stdin) {
		printf("READY lt-folios pid=%d pagesize=%lu\n", (int)getpid(), PG);
		fflush(stdout);
		if (!fgets(buf, sizeof(buf), stdin)) {
			fprintf(stderr, "lt-folios: stdin closed before go\n");
			return 1;
		}
	}
	for (long r = 0; r < rounds; r++) {
		unsigned char *p = map_aligned(pages);

		/* written, not read: a read would map the shared zero page */
		for (long i = 0; i < pages; i++)
			p[i * PG] = (unsigned char)(i + 1);
		touched += pages;
		if (munmap(p, pages * PG)) {
			perror("lt-folios: munmap");
			return 1;
		}
	}
	printf("FOLIOS rounds=%ld pages=%ld\n", rounds, touched);
	fflush(stdout);
	if (wait_stdin)
		while (fgets(buf, sizeof(buf), stdin))
			;
	return 0;
}
