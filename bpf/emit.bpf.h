/* SPDX-License-Identifier: GPL-2.0 */
/* Recording: filters, histograms, exact aggregation and streamed findings. */
#ifndef LT_EMIT_BPF_H
#define LT_EMIT_BPF_H

#include "maps.bpf.h"
#include "comm_bits.h"

/*
 * The current comm as bpf_get_current_comm() writes it, from two plain
 * loads of task->comm instead of a helper call: every histogram update
 * keys on it, and on the TLB flush and gather probes the helper was a third
 * of hist_add() (docs/PERFORMANCE.md). The kernel sets comm with
 * strscpy_pad(), so the bytes after its NUL are zero already; the cut keeps
 * a comm read mid-rename one NUL-terminated name, as the helper does.
 */
static __always_inline void current_comm(char out[LT_COMM_LEN])
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 w[2];

	w[0] = *(__u64 *)&t->comm[0];
	w[1] = *(__u64 *)&t->comm[8];
	lt_comm_cut(w);
	__builtin_memcpy(out, w, LT_COMM_LEN);
}

static __always_inline bool filtered_out(void)
{
	if (cfg_tgid && (bpf_get_current_pid_tgid() >> 32) != cfg_tgid)
		return true;
	if (cfg_cgroup_id && bpf_get_current_cgroup_id() != cfg_cgroup_id)
		return true;
	if (cfg_comm_on) {
		char comm[LT_COMM_LEN];

		current_comm(comm);
		for (int i = 0; i < LT_COMM_LEN; i++) {
			if (comm[i] != cfg_comm[i])
				return true;
			if (!comm[i])
				break;
		}
	}
	return false;
}

/*
 * Same bucket rule as user/common/hist.c: slot 0 holds 0, slot k >= 1 holds
 * (2^(k-2), 2^(k-1)], i.e. {1}, {2}, {3,4}, {5..8}, ...: each slot is one
 * Prometheus native (schema 0) bucket, upper bound included, slot 0 the
 * zero bucket. slot = 1 + bit length of v - 1; after the loop x is 1 when
 * v - 1 had a bit set (r then its floor log2) and 0 when v is 1.
 */
static __always_inline __u32 log2_slot(__u64 v)
{
	__u64 x = v - 1;
	__u32 r = 0;

	if (!v)
		return 0;
	for (int i = 32; i > 0; i >>= 1) {
		if (x >> i) {
			x >>= i;
			r += i;
		}
	}
	r += 1 + (__u32)x;
	return r < LT_HIST_SLOTS ? r : LT_HIST_SLOTS - 1;
}

static struct lt_hist_val zero_hist;

static __always_inline void hist_add(__u32 hist, __u64 value)
{
	struct lt_hist_key key = { .hist = hist };
	struct lt_hist_val *h;
	__u32 slot;

	if (cfg_by_cgroup)
		key.cgroup_id = bpf_get_current_cgroup_id();
	current_comm(key.comm);
	h = bpf_map_lookup_elem(&lt_hists, &key);
	if (!h) {
		bpf_map_update_elem(&lt_hists, &key, &zero_hist, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&lt_hists, &key);
		if (!h) {	/* a new (comm, histogram) with no room */
			stat_inc(LT_ST_HIST_FULL);
			return;
		}
	}
	slot = log2_slot(value);
	if (slot < LT_HIST_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->sum, value);
}

struct lt_ctx {
	__u32 kind;
	__u32 severity;
	__u32 event;
	__u32 slot;
	__u32 order;
	__u64 gfp;
	__u64 pages;
	__u64 detail;
	__u32 depth;
	__u32 pause;
};

/* This CPU's slot of an existing group. The kernel zeroes the other CPUs'
 * slots when a CPU inserts the group: a slot's first finding here must
 * set first_ns, or the merged group would claim it began at boot. */
static __always_inline void agg_bump(struct lt_agg_val *v, __u64 now)
{
	__sync_fetch_and_add(&v->count, 1);
	if (!v->first_ns)
		v->first_ns = now;
	v->last_ns = now;
}

/* Returns true when this call created the group: its first finding. */
static __always_inline bool agg_count(struct lt_agg_key *key, __u64 now)
{
	struct lt_agg_val *v = bpf_map_lookup_elem(&lt_agg, key);
	struct lt_agg_val init = { .count = 1, .first_ns = now, .last_ns = now };

	if (v) {
		agg_bump(v, now);
		return false;
	}
	if (!bpf_map_update_elem(&lt_agg, key, &init, BPF_NOEXIST))
		return true;
	/* Lost a race with another CPU inserting the same key. */
	v = bpf_map_lookup_elem(&lt_agg, key);
	if (v)
		agg_bump(v, now);
	else
		stat_inc(LT_ST_AGG_FULL);
	return false;
}

/* Per-comm totals; a full map is counted like a full aggregation map. */
static __always_inline void comm_count(__u32 kind, __u32 severity)
{
	struct lt_comm_key k = { .kind = kind, .severity = severity };
	__u64 one = 1, *v;

	current_comm(k.comm);
	v = bpf_map_lookup_elem(&lt_comms, &k);
	if (!v && bpf_map_update_elem(&lt_comms, &k, &one, BPF_NOEXIST))
		v = bpf_map_lookup_elem(&lt_comms, &k);	/* lost a race */
	else if (!v)
		return;
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		stat_inc(LT_ST_AGG_FULL);
}

/*
 * Wake the reader only once records pile up. A wakeup per finding is a
 * context switch per finding: on a busy CPU (a fork/exit storm under TCG,
 * docs/PERFORMANCE.md) it cost more than the probes. The reader polls every
 * 100 ms anyway (user/main.c), and a quarter of the ring is ~700 findings.
 */
#define LT_RB_WAKE_BYTES	(256 * 1024)

static __always_inline __u64 rb_wake_flag(void)
{
	return bpf_ringbuf_query(&lt_rb, BPF_RB_AVAIL_DATA) >= LT_RB_WAKE_BYTES ?
	       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* Everything but the frames; f has at least LT_FINDING_HDR bytes. */
static __always_inline void fill_record(struct lt_finding *f,
					 struct lt_ctx *c, __u64 now,
					 int stack_id)
{
	__u64 id = bpf_get_current_pid_tgid();

	f->ts_ns = now;
	f->cgroup_id = bpf_get_current_cgroup_id();
	f->gfp = c->gfp;
	f->pages = c->pages;
	f->detail = c->detail;
	f->kind = c->kind;
	f->severity = c->severity;
	f->pid = id >> 32;
	f->tid = (__u32)id;
	f->cpu = bpf_get_smp_processor_id();
	f->depth = c->depth;
	f->pause = c->pause;
	f->event = c->event;
	f->slot = c->slot;
	f->order = c->order;
	f->stack_id = stack_id;
	f->nstack = 0;
	current_comm(f->comm);
}

/*
 * Count first, stream second: the aggregation map is exact whatever the
 * ring buffer does, and every record the ring buffer refuses is counted.
 * The stack is unwound once, into the stack map; the record carries only
 * its id (user/collect/stack_cache.c reads it), except when the stack map could
 * not take it: then the frames travel in the record, unwound a second time.
 */
static __always_inline void emit(void *ctx, struct lt_ctx *c)
{
	struct lt_agg_key key = {
		.kind = c->kind, .severity = c->severity, .event = c->event,
		.stack_id = -1,
	};
	bool info = c->severity == LT_SEV_INFO;
	__u64 now = bpf_ktime_get_ns();
	struct lt_finding *f;
	bool first;

	/* --info count: a legal finding costs no unwinding (~100 us under
	 * TCG, ~12k instructions, for an exit's 25 frames) */
	if (cfg_stacks && !(info && cfg_info == LT_INFO_COUNT)) {
		key.stack_id = bpf_get_stackid(ctx, &lt_stacks,
					       cfg_user ? BPF_F_USER_STACK : 0);
		if (key.stack_id < 0) {
			stat_inc(LT_ST_STACK_LOST);
			key.stack_id = -1;
		}
	}
	first = agg_count(&key, now);
	comm_count(c->kind, c->severity);
	/* A legal finding's group count stays exact (enum lt_info_mode);
	 * --info first streams one record per group to show where. */
	if (info && cfg_info != LT_INFO_ALL &&
	    (cfg_info == LT_INFO_COUNT || !first)) {
		stat_inc(LT_ST_INFO_HELD);
		return;
	}

	if (!cfg_stacks || key.stack_id >= 0) {
		f = bpf_ringbuf_reserve(&lt_rb, LT_FINDING_HDR, 0);
		if (!f) {
			stat_inc(LT_ST_RB_DROPS);
			return;
		}
		fill_record(f, c, now, key.stack_id);
		bpf_ringbuf_submit(f, rb_wake_flag());
		return;
	}
	f = bpf_ringbuf_reserve(&lt_rb, sizeof(*f), 0);
	if (!f) {
		stat_inc(LT_ST_RB_DROPS);
		return;
	}
	fill_record(f, c, now, -1);
	{
		long n = bpf_get_stack(ctx, f->stack, sizeof(f->stack),
				       cfg_user ? BPF_F_USER_STACK : 0);

		f->nstack = n > 0 ? n / sizeof(__u64) : 0;
	}
	bpf_ringbuf_submit(f, rb_wake_flag());
}

#endif
