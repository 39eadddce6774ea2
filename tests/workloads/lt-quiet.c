/* lt-quiet [--wait-stdin] ITER
 * Negative control: ITER times toggles PROT_READ <-> PROT_READ|PROT_WRITE on a small
 * populated mapping (change_pte_range opens lazy MMU sections, nothing is freed or
 * allocated inside them) and calls getpid(). Then prints DONE and blocks in pause()
 * until killed, so its own exit (exit_mmap) falls outside the trace window.
 * Note: on 7.x exec tears down the forked parent's copied mm in setup_new_exec, after the
 * comm changed, so a tracer filtering on comm "lt-quiet" sees ~1 tlb_next_batch
 * allocation from the exec itself. --wait-stdin prints "READY lt-quiet pid=N" and waits
 * for one line on stdin before working: start the trace window after READY. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wl.h"

#define NPAGES 4

int main(int argc, char **argv)
{
	unsigned char *p;
	long iter, sum = 0;
	char buf[64];
	int wait_stdin = 0;

	if (argc == 3 && !strcmp(argv[1], "--wait-stdin")) {
		wait_stdin = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: lt-quiet [--wait-stdin] ITER\n");
		return 2;
	}
	if (wl_parse(argv[1], 1, LONG_MAX, &iter)) {
		fprintf(stderr, "lt-quiet: bad ITER '%s'\n", argv[1]);
		return 2;
	}
	/* Populated before the loop: no faults inside it. */
	p = wl_map_small_or_exit("lt-quiet", NPAGES, WL_NOHUGE_TRY);

	if (wait_stdin) {
		printf("READY lt-quiet pid=%d\n", (int)getpid());
		fflush(stdout);
		if (!fgets(buf, sizeof(buf), stdin)) {
			fprintf(stderr, "lt-quiet: stdin closed before go\n");
			return 1;
		}
	}
	for (long it = 0; it < iter; it++) {
		if (mprotect(p, NPAGES * PG, PROT_READ) ||
		    mprotect(p, NPAGES * PG, PROT_READ | PROT_WRITE)) {
			perror("lt-quiet: mprotect");
			return 1;
		}
		sum += syscall(SYS_getpid) > 0;	/* raw syscall: no libc pid caching */
	}
	printf("DONE lt-quiet iter=%ld pages=%d getpid=%ld\n", iter, NPAGES, sum);
	fflush(stdout);
	for (;;)
		pause();
}
