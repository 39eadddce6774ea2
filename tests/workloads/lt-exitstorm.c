/* lt-exitstorm NPROC PAGES [PARALLEL]
 * Forks NPROC children (PARALLEL at a time, default 1). Each maps PAGES anonymous 4K
 * pages with MADV_NOHUGEPAGE, writes every page and _exit(0)s, so exit_mmap zaps many
 * small PTEs and tlb_next_batch allocates batch pages inside a lazy MMU section. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		fprintf(stderr, "lt-exitstorm: bad number '%s' (%ld..%ld)\n", s, min, max);
		exit(2);
	}
	return v;
}

static void child(long pages)
{
	unsigned char *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(10);
	/* Huge PMDs are zapped without the per-page batch path: force small pages. */
	if (madvise(p, pages * PG, MADV_NOHUGEPAGE))
		_exit(11);
	for (long i = 0; i < pages; i++)
		p[i * PG] = (unsigned char)(i + 1);
	_exit(0);
}

int main(int argc, char **argv)
{
	long nproc, pages, par, started = 0, running = 0, failed = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: lt-exitstorm NPROC PAGES [PARALLEL]\n");
		return 2;
	}
	nproc = arg(argv[1], 1, 1000000);
	pages = arg(argv[2], 1, 1L << 22);
	par = argc > 3 ? arg(argv[3], 1, 64) : 1;

	while (started < nproc || running > 0) {
		if (started < nproc && running < par) {
			pid_t pid = fork();

			if (pid < 0) {
				perror("lt-exitstorm: fork");
				return 1;
			}
			if (pid == 0)
				child(pages);
			started++;
			running++;
			continue;
		}
		int st;

		if (wait(&st) < 0) {
			perror("lt-exitstorm: wait");
			return 1;
		}
		running--;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	}
	printf("DONE lt-exitstorm nproc=%ld pages=%ld parallel=%ld failed=%ld\n",
	       nproc, pages, par, failed);
	return failed ? 1 : 0;
}
