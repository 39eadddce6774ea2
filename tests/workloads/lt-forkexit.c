/* lt-forkexit ITER PAGES
 * Populates PAGES small private pages, then ITER times forks a child that _exit(0)s at
 * once and waits for it: fork copies the PTEs (copy_pte_range), the child's exit zaps
 * them (zap_pte_range), both inside lazy MMU sections. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

int main(int argc, char **argv)
{
	long iter, pages, failed = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: lt-forkexit ITER PAGES\n");
		return 2;
	}
	iter = wl_arg("lt-forkexit", argv[1], 1, 100000000);
	pages = wl_arg("lt-forkexit", argv[2], 0, 1L << 22);
	/* Never unmapped or used here: it is there for every fork to copy and zap. */
	if (pages)
		wl_map_small_or_exit("lt-forkexit", pages, WL_NOHUGE_TRY);
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
