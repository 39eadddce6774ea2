/* lt-exitstorm NPROC PAGES [PARALLEL]
 * Forks NPROC children (PARALLEL at a time, default 1). Each maps PAGES anonymous 4K
 * pages with MADV_NOHUGEPAGE, writes every page and _exit(0)s, so exit_mmap zaps many
 * small PTEs and tlb_next_batch allocates batch pages inside a lazy MMU section. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

/* Not wl_map_small_or_exit(): a forked child must _exit, not flush the parent's stdio
 * buffers again; the codes tell an mmap failure (10) from a madvise one (11). */
static void child(long pages)
{
	unsigned char *p;

	switch (wl_map_small(pages, WL_NOHUGE_MUST, &p)) {
	case WL_MAP_MMAP:
		_exit(10);
	case WL_MAP_MADVISE:
		_exit(11);
	case WL_MAP_OK:
		break;
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	long nproc, pages, par, started = 0, running = 0, failed = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: lt-exitstorm NPROC PAGES [PARALLEL]\n");
		return 2;
	}
	nproc = wl_arg("lt-exitstorm", argv[1], 1, 1000000);
	pages = wl_arg("lt-exitstorm", argv[2], 1, 1L << 22);
	par = argc > 3 ? wl_arg("lt-exitstorm", argv[3], 1, 64) : 1;

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
