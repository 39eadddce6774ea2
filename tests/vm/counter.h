/* SPDX-License-Identifier: GPL-2.0 */
/* What the VM tests' ground-truth counters (nbcount, xencount) share, and
 * nothing with lazytrace: libbpf's warnings only, SIGINT/SIGTERM blocked
 * for sigwait, and the runs of their own programs the kernel skipped, so
 * that each says what its count may lack. */
#ifndef LT_COUNTER_H
#define LT_COUNTER_H
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int print_warn(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	return lvl == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

/* Before anything is attached, so that a signal sent right after "ready"
 * is never lost: the caller sigwait()s on *set. */
static void counter_start(sigset_t *set)
{
	libbpf_set_print(print_warn);
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigprocmask(SIG_BLOCK, set, NULL);
}

static unsigned long long misses(struct bpf_object *obj)
{
	unsigned long long n = 0;
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		if (bpf_program__fd(p) >= 0 &&
		    !bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
			n += info.recursion_misses;
	}
	return n;
}
#endif
