// SPDX-License-Identifier: GPL-2.0
/* nbcount [--kprobe] COMM: attach fentry/fexit (or kprobe/kretprobe) on tlb_next_batch, print "nbcount: ready" once
 * attached, and on SIGINT/SIGTERM print "nbcount: allocs=<N>" (page allocations made by
 * tlb_next_batch inside an active lazy MMU section, tasks named COMM only) and exit 0.
 * Diagnostics go to stderr. Deliberately shares no code with the lazytrace tracer. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "counter.h"
#include "nbcount.skel.h"


int main(int argc, char **argv)
{
	struct nbcount_bpf *skel;
	sigset_t set;
	int err, sig;

	int kprobe = argc == 3 && !strcmp(argv[1], "--kprobe");
	const char *comm = argv[argc - 1];

	if ((argc != 2 && !kprobe) || !comm[0]) {
		fprintf(stderr, "usage: nbcount [--kprobe] COMM\n");
		return 2;
	}
	counter_start(&set);

	skel = nbcount_bpf__open();
	if (!skel) {
		fprintf(stderr, "nbcount: open failed: %s\n", strerror(errno));
		return 1;
	}
	/* The kernel truncates comm to 15 chars + NUL: compare the same way. */
	strncpy((char *)skel->rodata->target_comm, comm, 15);
	bpf_program__set_autoload(skel->progs.nb_entry, !kprobe);
	bpf_program__set_autoload(skel->progs.nb_exit, !kprobe);
	bpf_program__set_autoload(skel->progs.nb_kentry, kprobe);
	bpf_program__set_autoload(skel->progs.nb_kexit, kprobe);
	err = nbcount_bpf__load(skel);
	if (err) {
		fprintf(stderr, "nbcount: load failed: %d\n", err);
		goto out;
	}
	err = nbcount_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "nbcount: attach failed: %d\n", err);
		goto out;
	}
	printf("nbcount: ready\n");
	fflush(stdout);

	if (sigwait(&set, &sig)) {
		err = 1;
		goto out;
	}
	printf("nbcount: allocs=%llu misses=%llu\n",
	       (unsigned long long)skel->bss->allocs, misses(skel->obj));
	fflush(stdout);
	fprintf(stderr, "nbcount: comm=%s calls=%llu lazy_calls=%llu\n", comm,
		(unsigned long long)skel->bss->all_calls,
		(unsigned long long)skel->bss->lazy_calls);
out:
	nbcount_bpf__destroy(skel);
	return err ? 1 : 0;
}
