// SPDX-License-Identifier: GPL-2.0
/*
 * lazytrace programs. Each logical event has a program per attach method
 * (fe_* fentry, kp_* kprobe by address or uprobe, tp_* raw tracepoint);
 * the loader enables one per event from the probe catalog and leaves the
 * rest unloaded. All of them decode arguments and call handlers.bpf.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "watch.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define FSLOT(ev)	(cfg_fentry_slot[ev])
#define KSLOT()		((__u32)LT_COOKIE_SLOT(bpf_get_attach_cookie(ctx)))

/* ---- fentry: one target each, chosen by the loader before load ---- */

SEC("fentry")
int BPF_PROG(fe_enter) { return on_boundary(ctx, LT_EV_ENTER, FSLOT(LT_EV_ENTER), 0); }

SEC("fentry")
int BPF_PROG(fe_leave) { return on_boundary(ctx, LT_EV_LEAVE, FSLOT(LT_EV_LEAVE), 0); }

SEC("fentry")
int BPF_PROG(fe_flush) { return on_boundary(ctx, LT_EV_FLUSH, FSLOT(LT_EV_FLUSH), 0); }

/* xen_start_context_switch(prev), paravirt_start_context_switch(prev) */
SEC("fentry")
int BPF_PROG(fe_switch_out, struct task_struct *prev)
{
	return on_switch(LT_EV_SWITCH_OUT, prev);
}

/* xen_end_context_switch(next), paravirt_end_context_switch(next) */
SEC("fentry")
int BPF_PROG(fe_switch_in, struct task_struct *next)
{
	return on_switch(LT_EV_SWITCH_IN, next);
}

SEC("fentry")
int BPF_PROG(fe_pause) { return on_boundary(ctx, LT_EV_PAUSE, FSLOT(LT_EV_PAUSE), 0); }

SEC("fentry")
int BPF_PROG(fe_resume) { return on_boundary(ctx, LT_EV_RESUME, FSLOT(LT_EV_RESUME), 0); }

/* __alloc_frozen_pages_noprof, __alloc_pages_noprof, __alloc_pages
 * (gfp, order, ...): arguments read past the fast test (ON_ALLOC) */
SEC("fentry")
int fe_alloc(unsigned long long *ctx)
{
	return ON_ALLOC(ctx, FSLOT(LT_EV_PAGE_ALLOC), ctx[0], (__u32)ctx[1]);
}

/* x86 flush_tlb_mm_range(mm, start, end, ...) */
SEC("fentry")
int BPF_PROG(fe_flush_range, struct mm_struct *mm, unsigned long start,
	     unsigned long end)
{
	return on_flush_work(ctx, LT_EV_TLB_FLUSH, FSLOT(LT_EV_TLB_FLUSH),
			     span_pages(start, end));
}

SEC("fentry")
int BPF_PROG(fe_next_batch, struct mmu_gather *tlb)
{
	stat_inc(LT_EV_NEXT_BATCH);
	return 0;
}

/* __tlb_batch_free_encoded_pages(batch), 6.9+ */
SEC("fentry")
int BPF_PROG(fe_batch_free, struct mmu_gather_batch *batch)
{
	return on_flush_work(ctx, LT_EV_BATCH_FREE, FSLOT(LT_EV_BATCH_FREE),
			     batch_pages_at(batch));
}

/* free_pages_and_swap_cache(pages, nr): one call per batch before 6.9 */
SEC("fentry")
int BPF_PROG(fe_batch_free_nr, void *pages, int nr)
{
	return on_flush_work(ctx, LT_EV_BATCH_FREE, FSLOT(LT_EV_BATCH_FREE),
			     nr > 0 ? nr : 0);
}

/* tlb_batch_pages_flush(tlb): the whole batch chain, one event per batch */
SEC("fentry")
int BPF_PROG(fe_batch_flush_gather, struct mmu_gather *tlb)
{
	return on_batch_chain(ctx, FSLOT(LT_EV_BATCH_FREE), tlb);
}

SEC("fentry")
int BPF_PROG(fe_table_free, struct mmu_gather *tlb)
{
	stat_inc(LT_EV_TABLE_FREE);
	return 0;
}

SEC("fentry")
int BPF_PROG(fe_gather_finish, struct mmu_gather *tlb)
{
	return on_gather_finish(tlb, true);
}

/* ---- kprobes: attached by address, cookie = (slot, event) ---- */

SEC("kprobe")
int BPF_KPROBE(kp_enter) { return on_boundary(ctx, LT_EV_ENTER, KSLOT(), 0); }

/* arch_leave_lazy_mmu_mode(state) under the seed's v2 API */
SEC("kprobe")
int BPF_KPROBE(kp_leave, __u64 state)
{
	return on_boundary(ctx, LT_EV_LEAVE, KSLOT(),
			   cfg_leave_sem == LT_LEAVE_STATE ? state : 0);
}

SEC("kprobe")
int BPF_KPROBE(kp_flush) { return on_boundary(ctx, LT_EV_FLUSH, KSLOT(), 0); }

SEC("kprobe")
int BPF_KPROBE(kp_switch_out, struct task_struct *prev)
{
	return on_switch(LT_EV_SWITCH_OUT, prev);
}

SEC("kprobe")
int BPF_KPROBE(kp_switch_in, struct task_struct *next)
{
	return on_switch(LT_EV_SWITCH_IN, next);
}

SEC("kprobe")
int BPF_KPROBE(kp_pause) { return on_boundary(ctx, LT_EV_PAUSE, KSLOT(), 0); }

SEC("kprobe")
int BPF_KPROBE(kp_resume) { return on_boundary(ctx, LT_EV_RESUME, KSLOT(), 0); }

SEC("kprobe")
int kp_alloc(struct pt_regs *ctx)
{
	return ON_ALLOC(ctx, KSLOT(), PT_REGS_PARM1(ctx),
			(__u32)PT_REGS_PARM2(ctx));
}

/* tlb_flush_mmu_tlbonly(tlb): a static inline with a copy per user. It
 * returns at once unless the gather cleared or freed something (7.2
 * include/asm-generic/tlb.h:499-507): not `end`, which a full-mm gather
 * keeps at ~0 (__tlb_reset_range). */
SEC("kprobe")
int BPF_KPROBE(kp_flush_gather, struct mmu_gather *tlb)
{
	__u64 start, end;

	if (cfg_user) {		/* a uprobe model's mmu_gather */
		if (!gather_has_work(tlb, bpf_probe_read_user))
			return 0;
		start = BPF_CORE_READ_USER(tlb, start);
		end = BPF_CORE_READ_USER(tlb, end);
	} else {
		if (!gather_has_work(tlb, bpf_probe_read_kernel))
			return 0;
		start = BPF_CORE_READ(tlb, start);
		end = BPF_CORE_READ(tlb, end);
	}
	return on_flush_work(ctx, LT_EV_TLB_FLUSH, KSLOT(),
			     span_pages(start, end));
}

SEC("kprobe")
int BPF_KPROBE(kp_flush_range, struct mm_struct *mm, unsigned long start,
	       unsigned long end)
{
	return on_flush_work(ctx, LT_EV_TLB_FLUSH, KSLOT(),
			     span_pages(start, end));
}

SEC("kprobe")
int BPF_KPROBE(kp_next_batch, struct mmu_gather *tlb)
{
	stat_inc(LT_EV_NEXT_BATCH);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kp_batch_free, struct mmu_gather_batch *batch)
{
	return on_flush_work(ctx, LT_EV_BATCH_FREE, KSLOT(),
			     batch_pages_at(batch));
}

SEC("kprobe")
int BPF_KPROBE(kp_batch_free_nr, void *pages, int nr)
{
	return on_flush_work(ctx, LT_EV_BATCH_FREE, KSLOT(), nr > 0 ? nr : 0);
}

SEC("kprobe")
int BPF_KPROBE(kp_batch_flush_gather, struct mmu_gather *tlb)
{
	return on_batch_chain(ctx, KSLOT(), tlb);
}

SEC("kprobe")
int BPF_KPROBE(kp_table_free, struct mmu_gather *tlb)
{
	stat_inc(LT_EV_TABLE_FREE);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kp_gather_finish, struct mmu_gather *tlb)
{
	return on_gather_finish(tlb, false);
}

/* ---- raw tracepoints: positional arguments of the TP_PROTO ---- */

/* kmem:mm_page_alloc(page, order, gfp_flags, migratetype) */
SEC("raw_tp/mm_page_alloc")
int tp_page_alloc(struct bpf_raw_tracepoint_args *ctx)
{
	return ON_ALLOC(ctx, FSLOT(LT_EV_PAGE_ALLOC), ctx->args[2],
			(__u32)ctx->args[1]);
}

/* tlb:tlb_flush(reason, pages), x86 only; pages is TLB_FLUSH_ALL for all */
SEC("raw_tp/tlb_flush")
int tp_tlb_flush(struct bpf_raw_tracepoint_args *ctx)
{
	return on_flush_work(ctx, LT_EV_TLB_FLUSH, FSLOT(LT_EV_TLB_FLUSH),
			     ctx->args[1]);
}

SEC("raw_tp/sys_exit")
int tp_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	return on_task_edge(ctx, LT_EV_SYSCALL_EXIT, LT_K_OPEN_AT_USER_RETURN);
}

SEC("raw_tp/sched_process_exit")
int tp_task_exit(struct bpf_raw_tracepoint_args *ctx)
{
	return on_task_edge(ctx, LT_EV_TASK_EXIT, LT_K_OPEN_AT_EXIT);
}

/* sched:sched_switch(preempt, prev, next, prev_state): prev_state since
 * 5.18 ("sched/tracing: Don't re-read p->state when emitting
 * sched_switch event"); 6.1-7.2 trace/events/sched.h */
SEC("raw_tp/sched_switch")
int tp_sched_switch(struct bpf_raw_tracepoint_args *ctx)
{
	return on_sched_switch(ctx, (bool)ctx->args[0], ctx->args[3]);
}

/* ---- --boundaries watch (watch.bpf.h) ---- */

/* The traced process's threads at the start: seeded, then handed to the
 * loader (struct lt_watch_thread records). */
SEC("iter/task")
int it_watch(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct lt_watch_thread w = { 0 };

	if (!t || t->tgid != cfg_tgid)
		return 0;
	watch_seed(t);
	w.tid = t->pid;
	w.addr = counters_addr(t);
	bpf_seq_write(ctx->meta->seq, &w, sizeof(w));
	return 0;
}

/* A thread the traced process creates later: seeded before it ever ran,
 * its watchpoint follows from the loader. A new process is not traced
 * (-p takes one). */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_watch_fork, struct task_struct *parent,
	     struct task_struct *child)
{
	struct lt_watch_thread *w;

	if (child->tgid != cfg_tgid)
		return 0;
	watch_seed(child);
	w = bpf_ringbuf_reserve(&lt_watch_rb, sizeof(*w), 0);
	if (!w)
		return 0;	/* seeded, never watched: the summary says */
	w->tid = child->pid;
	w->pad = 0;
	w->addr = counters_addr(child);
	bpf_ringbuf_submit(w, 0);
	return 0;
}

SEC("perf_event")
int pe_watch(struct bpf_perf_event_data *ctx)
{
	return on_watch(ctx);
}

#include "floor.bpf.h"
