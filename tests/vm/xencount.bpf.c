// SPDX-License-Identifier: GPL-2.0
/* xencount: ground truth for the Xen PV dom0 VM tests, sharing no code with
 * lazytrace. kprobes only (their programs run with preemption off, so no
 * run is skipped on a preempt=full dom0). For tasks named target_comm:
 *  - page allocations through the get-free-pages entry while this CPU's
 *    own Xen lazy mode (the kernel's per-cpu variable, address and value
 *    given by the loader from kallsyms) is MMU;
 *  - enters and leaves of lazy mode whose caller is not one of the kernel's
 *    own switch or flush hooks (told from the return addresses on the
 *    stack, not from any sequence), and their balance per task.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

const volatile char target_comm[16] = {};
const volatile __u64 mode_off;		/* per-cpu offset of the mode var */
const volatile __u64 pcpu_offsets;	/* address of __per_cpu_offset[] */
/* [start, end) of the hooks whose enters and leaves are not sections */
#define NHOOKS 4
const volatile __u64 hook_lo[NHOOKS], hook_hi[NHOOKS];

__u64 allocs, enters, leaves, hook_pairs, unbalanced, no_mode;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __s64);		/* enters - leaves of a task */
} depth SEC(".maps");

static bool comm_ok(void)
{
	char c[16];

	bpf_get_current_comm(c, sizeof(c));
	for (int i = 0; i < 16; i++) {
		if (c[i] != target_comm[i])
			return false;
		if (!c[i])
			break;
	}
	return true;
}

static bool cpu_mode_mmu(void)
{
	__u64 base = 0;
	__u32 mode = 0;
	__u32 cpu = bpf_get_smp_processor_id();

	if (bpf_probe_read_kernel(&base, 8, (void *)(pcpu_offsets + 8 * cpu)) ||
	    bpf_probe_read_kernel(&mode, 4, (void *)(base + mode_off))) {
		__sync_fetch_and_add(&no_mode, 1);
		return false;
	}
	return mode == 1;	/* XEN_LAZY_MMU, PARAVIRT_LAZY_MMU */
}

/* A kernel hook (switch or flush) among the callers. */
static bool from_hook(void *ctx)
{
	__u64 ips[4] = {};
	long n = bpf_get_stack(ctx, ips, sizeof(ips), 0);

	for (int i = 1; i < 4 && i * 8 < n; i++)
		for (int h = 0; h < NHOOKS; h++)
			if (ips[i] >= hook_lo[h] && ips[i] < hook_hi[h])
				return true;
	return false;
}

SEC("kprobe")
int BPF_KPROBE(xc_alloc)
{
	if (comm_ok() && cpu_mode_mmu())
		__sync_fetch_and_add(&allocs, 1);
	return 0;
}

static int boundary(void *ctx, int dir)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s64 zero = 0, *d;

	if (!comm_ok())
		return 0;
	if (from_hook(ctx)) {
		if (dir > 0)
			__sync_fetch_and_add(&hook_pairs, 1);
		return 0;
	}
	__sync_fetch_and_add(dir > 0 ? &enters : &leaves, 1);
	d = bpf_map_lookup_elem(&depth, &tid);
	if (!d) {
		bpf_map_update_elem(&depth, &tid, &zero, BPF_NOEXIST);
		d = bpf_map_lookup_elem(&depth, &tid);
		if (!d)
			return 0;
	}
	*d += dir;
	if (*d < 0) {
		__sync_fetch_and_add(&unbalanced, 1);
		*d = 0;
	}
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(xc_enter) { return boundary(ctx, 1); }

SEC("kprobe")
int BPF_KPROBE(xc_leave) { return boundary(ctx, -1); }
