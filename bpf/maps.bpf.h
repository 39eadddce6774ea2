/* SPDX-License-Identifier: GPL-2.0 */
/* Maps and load-time knobs. The loader fills the knobs between open and load. */
#ifndef LT_MAPS_BPF_H
#define LT_MAPS_BPF_H

#include "lazytrace.h"

/* Lazy-state plan (user/discover/state_src.c decides it from the kernel's BTF). */
const volatile __u32 cfg_src = LT_SRC_NONE;	/* primary source */
const volatile __u32 cfg_src2 = LT_SRC_NONE;	/* cross-check source */
const volatile __u32 cfg_layout = LT_LAYOUT_V7;
const volatile __u32 cfg_tif_bit = 31;		/* arm64 TIF_LAZY_MMU */
const volatile bool cfg_irq_check = true;	/* interrupt context detectable */
const volatile __u64 cfg_thread_size = 16384;	/* x86-64 THREAD_SIZE, no KASAN */
/* x86 preempt_count: per-cpu symbol value and &__per_cpu_offset[0], both
 * from kallsyms (0: unknown, the stack test decides) */
const volatile __u64 cfg_pc_var;
const volatile __u64 cfg_pcpu_offsets;
/* Xen PV per-cpu lazy mode: 0 xen_lazy_mode (6.7-6.19), 1 paravirt_lazy_mode
 * (<= 6.6), 2 none; both hold MMU == 1 (docs/STATE.md) */
const volatile __u32 cfg_xen_var = 2;

/* Filters. */
const volatile __u32 cfg_tgid;
const volatile __u64 cfg_cgroup_id;
const volatile bool cfg_comm_on;
const volatile char cfg_comm[LT_COMM_LEN];

/* Section semantics of the attached leave symbol (enum lt_leave_sem). */
const volatile __u32 cfg_leave_sem = LT_LEAVE_COUNT;
/* uprobe targets: structures and stacks live in user memory. */
const volatile bool cfg_user = false;

/* Output shaping. */
const volatile bool cfg_stacks = true;
const volatile bool cfg_by_cgroup;
const volatile __u32 cfg_info = LT_INFO_COUNT;	/* enum lt_info_mode */

/* Rule set: severity per kind; allocations split by whether they sleep. */
const volatile __u32 cfg_sev[LT_K_MAX];
const volatile __u32 cfg_sev_alloc_sleep = LT_SEV_ERROR;
/* __GFP_DIRECT_RECLAIM, taken from the running kernel's format file. */
const volatile __u64 cfg_gfp_reclaim = 0x400;
const volatile __u32 cfg_page_shift = 12;

/* fentry programs are bound to one function each: the loader says which slot. */
const volatile __u32 cfg_fentry_slot[LT_EV_MAX];
/* --boundaries watch: section boundaries come from per-thread hardware
 * watchpoints on task_struct.lazy_mmu_state (bpf/watch.bpf.h) */
const volatile bool cfg_watch;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} lt_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, LT_MAX_STACK * sizeof(__u64));
} lt_stacks SEC(".maps");

/*
 * Findings, per-comm counts and histograms are counted per CPU: a counter
 * that every CPU increments bounces its cache line between them, which
 * capped the findings storm (docs/PERFORMANCE.md) and would cost more on a
 * large machine. The loader adds the CPUs up (user/collect/map_rows.c). The
 * increments stay atomic: a program in interrupt context may update the
 * same slot on the same CPU.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct lt_agg_key);
	__type(value, struct lt_agg_val);
} lt_agg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lt_hist_key);
	__type(value, struct lt_hist_val);
} lt_hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lt_comm_key);
	__type(value, __u64);
} lt_comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_ST_MAX);
	__type(key, __u32);
	__type(value, __u64);
} lt_stats SEC(".maps");

/* A batch's entries, copied LT_BATCH_MAX at a time (gather.bpf.h):
 * per-CPU, as 512 entries do not fit the BPF stack. A batch holds 510 on
 * 4K pages, up to 8190 on 64K: LT_BATCH_ENTRIES_MAX bounds the walk. */
#define LT_BATCH_MAX		512
#define LT_BATCH_ENTRIES_MAX	8192

struct lt_batch_buf {
	__u64 e[LT_BATCH_MAX];
	/* Kept in memory, not registers, on purpose: the verifier does not
	 * track map memory, so the walk's paths merge instead of multiplying. */
	__u64 ranged;	/* bit k: entries 8k..8k+7 hold a range start */
	__s64 delta;	/* pages minus entries, over the ranges seen */
	__u64 nr;	/* entries read: compared in memory, not refined */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lt_batch_buf);
} lt_batch_scratch SEC(".maps");

/* --boundaries watch: threads of the traced process created after the
 * start, for the loader to put a watchpoint on (struct lt_watch_thread) */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} lt_watch_rb SEC(".maps");

/* --boundaries watch: exact transition counts per (event, depth, stack) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lt_bound_key);
	__type(value, __u64);
} lt_bounds SEC(".maps");

/* Task storage is freed with the task, so a fork storm cannot leak it. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lt_task);
} lt_tasks SEC(".maps");

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&lt_stats, &idx);

	if (v)
		*v += 1;
}

/* Set by the loader once every probe is attached (CLOCK_MONOTONIC ns):
 * section boundaries are tracked from then on. */
__u64 lt_ready_ns;

/* A task that may have opened a section before the boundary probes were
 * all in: what its tracked depth says proves nothing until it is seen. */
static __always_inline bool older_than_tracer(struct task_struct *t)
{
	return !lt_ready_ns || BPF_CORE_READ(t, start_time) < lt_ready_ns;
}

/* enum lt_cpu_phase of each CPU (lazytrace.h) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} lt_phase SEC(".maps");

/* Tasks switched out inside a section (Xen PV): tid -> 1. A hash, not
 * task storage: kprobe mode has the incoming task as a plain number. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u32);
} lt_parked SEC(".maps");

#endif
