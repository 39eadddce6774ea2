/* SPDX-License-Identifier: GPL-2.0 */
/* For the VM tests' ground-truth counters (nbcount, xencount): the runs of
 * their own programs the kernel skipped, so that each says what its count
 * may lack. Shares nothing with lazytrace. */
#ifndef PROG_MISSES_H
#define PROG_MISSES_H
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

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
