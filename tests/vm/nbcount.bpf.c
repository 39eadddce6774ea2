// SPDX-License-Identifier: GPL-2.0
/* nbcount: ground-truth counter for VM tests, independent of the lazytrace tracer.
 * Counts tlb_next_batch() calls that allocated a new mmu_gather batch page
 * (tlb->batch_count grew) while the calling task, whose comm equals target_comm,
 * was inside an active lazy MMU section (7.0+ task_struct.lazy_mmu_state). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

const volatile char target_comm[16] = {};

__u64 allocs = 0;	/* batch_count grew inside an active section */
__u64 lazy_calls = 0;	/* tlb_next_batch entered inside an active section (diagnostic) */
__u64 all_calls = 0;	/* tlb_next_batch entered by target comm at all (diagnostic) */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* tid */
	__type(value, __u32);	/* batch_count at entry */
} start SEC(".maps");

/* kprobe flavour (nbcount --kprobe): its programs run with preemption
 * off, so a preempt=full kernel skips none of their runs */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* tid */
	__type(value, __u64);	/* the mmu_gather */
} gather SEC(".maps");

static __always_inline bool comm_matches(void)
{
	char comm[16];

	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < 16; i++) {
		if (comm[i] != target_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/* Target comm inside an active section: count the call, true. */
static __always_inline bool lazy_call(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	if (!comm_matches())
		return false;
	__sync_fetch_and_add(&all_calls, 1);
	if (t->lazy_mmu_state.enable_count == 0 || t->lazy_mmu_state.pause_count != 0)
		return false;
	__sync_fetch_and_add(&lazy_calls, 1);
	return true;
}

SEC("fentry/tlb_next_batch")
int BPF_PROG(nb_entry, struct mmu_gather *tlb)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 bc;

	if (!lazy_call())
		return 0;
	bc = tlb->batch_count;
	bpf_map_update_elem(&start, &tid, &bc, BPF_ANY);
	return 0;
}

SEC("fexit/tlb_next_batch")
int BPF_PROG(nb_exit, struct mmu_gather *tlb, bool ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 *old = bpf_map_lookup_elem(&start, &tid);

	if (!old)
		return 0;
	if (tlb->batch_count > *old)
		__sync_fetch_and_add(&allocs, 1);
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

SEC("kprobe/tlb_next_batch")
int BPF_KPROBE(nb_kentry, struct mmu_gather *tlb)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 p = (__u64)tlb;
	__u32 bc;

	if (!lazy_call())
		return 0;
	bc = BPF_CORE_READ(tlb, batch_count);
	bpf_map_update_elem(&start, &tid, &bc, BPF_ANY);
	bpf_map_update_elem(&gather, &tid, &p, BPF_ANY);
	return 0;
}

SEC("kretprobe/tlb_next_batch")
int BPF_KRETPROBE(nb_kexit)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 *old = bpf_map_lookup_elem(&start, &tid);
	__u64 *p = bpf_map_lookup_elem(&gather, &tid);

	if (!old || !p)
		return 0;
	if (BPF_CORE_READ((struct mmu_gather *)*p, batch_count) > *old)
		__sync_fetch_and_add(&allocs, 1);
	bpf_map_delete_elem(&start, &tid);
	bpf_map_delete_elem(&gather, &tid);
	return 0;
}
