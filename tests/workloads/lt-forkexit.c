/* lt-forkexit ITER PAGES
 * Populates PAGES small private pages, then ITER times forks a child that _exit(0)s at
 * once and waits for it: fork copies the PTEs (copy_pte_range), the child's exit zaps
 * them (zap_pte_range), both inside lazy MMU sections. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL

static long arg(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "lt-forkexit: bad number '%s' (%ld..%ld)\n", s, min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long iter, pages, failed = 0;
	unsigned char *p;

	if (argc != 3) {
		fprintf(stderr, "usage: lt-forkexit ITER PAGES\n");
		return 2;
	}
	iter = arg(argv[1], 1, 100000000);
	pages = arg(argv[2], 0, 1L << 22);
	if (pages) {
		p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("lt-forkexit: mmap");
			return 1;
		}
		madvise(p, pages * PG, MADV_NOHUGEPAGE);
		for (long i = 0; i < pages; i++)
			p[i * PG] = (unsigned char)(i + 1);
	}
	for (long it = 0; it < iter; it++) {
		pid_t pid = fork();
		int st;

		if (pid < 0) {
			perror("lt-forkexit: fork");
			return 1;
		}
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &st, 0) < 0) {
			perror("lt-forkexit: waitpid");
			return 1;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			failed++;
	}
	printf("DONE lt-forkexit iter=%ld pages=%ld failed=%ld\n", iter, pages, failed);
	return failed ? 1 : 0;
}
