// SPDX-License-Identifier: GPL-2.0
/*
 * The loader's work per streamed finding, alone: N records of a real 7.2
 * exit-path allocation (docs/examples/sid-7.2-workloads.jsonl) through
 * live__finding(), symbolized against this machine's /proc/kallsyms.
 * Run under `valgrind --tool=callgrind` with N and 2N: the difference in
 * instructions over N is the cost of one finding (docs/PERFORMANCE.md).
 *   finding_cost N [json|text] [KALLSYMS] [inline|cached] [OUT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "live.h"
#include "stack_cache.h"

static const char *const frames[] = {
	"__alloc_frozen_pages_noprof", "alloc_pages_mpol", "alloc_pages_noprof",
	"get_free_pages_noprof", "tlb_next_batch", "__tlb_remove_folio_pages",
	"unmap_vmas", "exit_mmap", "__mmput", "setup_new_exec",
	"load_elf_binary", "bprm_execve", "__x64_sys_execve", "do_syscall_64",
};

int main(int argc, char **argv)
{
	static struct lt_session s;
	struct lt_finding f = { .kind = LT_K_ALLOC_IN_LAZY,
				.event = LT_EV_PAGE_ALLOC, .depth = 1,
				.gfp = 0x2800, .pid = 234, .tid = 234 };
	long n = argc > 1 ? atol(argv[1]) : 1000;

	s.ks = ksyms_load(argc > 3 ? argv[3] : "/proc/kallsyms");
	if (!s.ks) {
		perror("finding_cost: kallsyms");
		return 2;
	}
	s.cfg.json = argc < 3 || !strcmp(argv[2], "json");
	s.cfg.stacks = 8;
	s.out = fopen(argc > 5 ? argv[5] : "/dev/null", "w");
	strcpy(f.comm, "lt-forkexit");
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		const struct lt_ksym *k;

		if (ksyms_find_all(s.ks, frames[i], &k, 1))
			f.stack[f.nstack++] = k->addr + 0x10;
	}
	f.stack_id = 7;
	/* "cached": what a kernel run sends, the frames in the stack map */
	if (argc > 4 && !strcmp(argv[4], "cached")) {
		stack_cache_put(&s, f.stack_id, f.stack, f.nstack);
		f.nstack = 0;
	}
	for (long i = 0; i < n; i++) {
		f.ts_ns += 1000;
		live__finding(&s, &f);
	}
	fclose(s.out);
	printf("finding_cost: %ld findings, %u frames\n", n, f.nstack);
	return 0;
}
