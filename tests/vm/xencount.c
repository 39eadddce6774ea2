// SPDX-License-Identifier: GPL-2.0
/* xencount COMM ALLOC ENTER LEAVE MODEVAR HOOK...: kprobes on the allocator
 * entry ALLOC and the lazy-mode ENTER and LEAVE functions (names), the
 * per-cpu lazy-mode variable MODEVAR, and up to 4 HOOK functions whose own
 * enters and leaves are not sections. Prints "xencount: ready", then on
 * SIGINT or SIGTERM one line of counts (xencount.bpf.c) and the tasks whose
 * enters and leaves did not balance. Shares no code with lazytrace. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "counter.h"
#include "xencount.skel.h"

/* Address of NAME, and where the next symbol starts (its end). */
static int sym_range(const char *name, unsigned long long *lo,
		     unsigned long long *hi)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long a, found = 0, next = ~0ULL;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) != 3)
			continue;
		if (!strcmp(sym, name) && !found)
			found = a;
		else if (found && a > found && a < next)
			next = a;
	}
	fclose(f);
	if (!found)
		return -ENOENT;
	*lo = found;
	*hi = next;
	return 0;
}


int main(int argc, char **argv)
{
	struct xencount_bpf *skel;
	unsigned long long lo, hi;
	struct bpf_link *l[3] = {};
	const char *probe[3];
	__u32 key, next, *kp = NULL;
	__s64 d;
	sigset_t set;
	int err = 1, sig, bad = 0;

	if (argc < 6 || argc > 10) {
		fprintf(stderr, "usage: xencount COMM ALLOC ENTER LEAVE MODEVAR [HOOK...]\n");
		return 2;
	}
	counter_start(&set);

	skel = xencount_bpf__open();
	if (!skel)
		return 1;
	strncpy((char *)skel->rodata->target_comm, argv[1], 15);
	if (sym_range(argv[5], &lo, &hi) || sym_range("__per_cpu_offset", &hi, &hi)) {
		fprintf(stderr, "xencount: no %s or __per_cpu_offset in kallsyms\n", argv[5]);
		goto out;
	}
	skel->rodata->mode_off = lo;
	sym_range("__per_cpu_offset", &lo, &hi);
	skel->rodata->pcpu_offsets = lo;
	for (int i = 6; i < argc; i++) {
		if (sym_range(argv[i], &lo, &hi)) {
			fprintf(stderr, "xencount: no hook %s in kallsyms\n", argv[i]);
			goto out;
		}
		skel->rodata->hook_lo[i - 6] = lo;
		skel->rodata->hook_hi[i - 6] = hi;
	}
	if (xencount_bpf__load(skel)) {
		fprintf(stderr, "xencount: load failed\n");
		goto out;
	}
	probe[0] = argv[2];
	probe[1] = argv[3];
	probe[2] = argv[4];
	l[0] = bpf_program__attach_kprobe(skel->progs.xc_alloc, false, probe[0]);
	l[1] = bpf_program__attach_kprobe(skel->progs.xc_enter, false, probe[1]);
	l[2] = bpf_program__attach_kprobe(skel->progs.xc_leave, false, probe[2]);
	for (int i = 0; i < 3; i++)
		if (!l[i]) {
			fprintf(stderr, "xencount: cannot kprobe %s\n", probe[i]);
			goto out;
		}
	printf("xencount: ready\n");
	fflush(stdout);
	if (sigwait(&set, &sig))
		goto out;
	while (!bpf_map_get_next_key(bpf_map__fd(skel->maps.depth), kp, &next)) {
		key = next;
		kp = &key;
		if (!bpf_map_lookup_elem(bpf_map__fd(skel->maps.depth), &key, &d) && d) {
			printf("xencount: tid %u open %lld\n", key, (long long)d);
			bad++;
		}
	}
	printf("xencount: allocs=%llu enters=%llu leaves=%llu hook_pairs=%llu "
	       "unbalanced=%llu open_tasks=%d no_mode=%llu misses=%llu\n",
	       (unsigned long long)skel->bss->allocs,
	       (unsigned long long)skel->bss->enters,
	       (unsigned long long)skel->bss->leaves,
	       (unsigned long long)skel->bss->hook_pairs,
	       (unsigned long long)skel->bss->unbalanced, bad,
	       (unsigned long long)skel->bss->no_mode, misses(skel->obj));
	fflush(stdout);
	err = 0;
out:
	for (int i = 0; i < 3; i++)
		bpf_link__destroy(l[i]);
	xencount_bpf__destroy(skel);
	return err;
}
