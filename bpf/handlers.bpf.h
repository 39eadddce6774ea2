/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One handler per logical event. Every attach flavour (fentry, kprobe by
 * address, uprobe, raw tracepoint) decodes its arguments and calls these,
 * so the state machine exists once.
 */
#ifndef LT_HANDLERS_BPF_H
#define LT_HANDLERS_BPF_H

#include "state.bpf.h"
#include "emit.bpf.h"
#include "gather.bpf.h"

static __always_inline __u32 sev_of(__u32 kind)
{
	return kind < LT_K_MAX ? cfg_sev[kind] : LT_SEV_ERROR;
}

static __always_inline void raise(void *ctx, struct lt_ctx *c, __u32 kind)
{
	c->kind = kind;
	if (!c->severity)
		c->severity = sev_of(kind);
	emit(ctx, c);
}

/* Two sources disagree about "active": report it once per event. */
static __always_inline void cross_check(void *ctx, struct task_struct *t,
					struct lt_view *v, bool irq,
					struct lt_ctx *c)
{
	struct lt_view w;
	struct lt_ctx m = *c;

	if (cfg_src2 == LT_SRC_NONE || irq)
		return;
	read_source(cfg_src2, t, &w);
	/* a depth counted from a later start than the section's says
	 * nothing; nor does a primary that was itself unknown */
	if (w.active == v->active || w.unknown || v->unknown)
		return;
	m.severity = 0;
	m.depth = v->depth;
	m.pause = v->pause;
	m.detail = ((__u64)cfg_src2 << 32) | (w.pause << 16) | w.depth;
	raise(ctx, &m, LT_K_STATE_MISMATCH);
}

static __always_inline void on_enter(void *ctx, struct lt_task *st,
				     struct lt_ctx *c, __u64 now)
{
	if (st->pause) {
		/* 7.0: enable while paused changes nothing */
		c->depth = st->depth;
		raise(ctx, c, LT_K_ENABLE_WHILE_PAUSED);
		return;
	}
	st->depth++;
	c->depth = st->depth;
	if (st->depth == 1) {
		st->start_ns = now;
		st->off = 0;
	} else if (st->off) {
		/* seed v2 xen_flush_lazy_mmu: leave(DEFAULT) then enter()
		 * switches lazy mode back on inside the open sections */
		st->off = 0;
	} else {
		raise(ctx, c, LT_K_NESTED_ENTER);
	}
	hist_add(LT_H_DEPTH, st->depth);
}

static __always_inline void on_leave(void *ctx, struct lt_task *st,
				     struct lt_ctx *c, __u64 now, __u64 state)
{
	bool ends = cfg_leave_sem == LT_LEAVE_OFF ||
		    (cfg_leave_sem == LT_LEAVE_STATE &&
		     state == LT_LAZY_MMU_DEFAULT);

	if (!st->depth) {
		raise(ctx, c, LT_K_UNBALANCED_DISABLE);
		return;
	}
	/* The outermost leave of a section whose lazy mode an inner leave
	 * had ended: its remainder ran without batching. */
	if (st->depth == 1 && st->off) {
		c->depth = st->depth;
		c->detail = now - st->start_ns;
		raise(ctx, c, LT_K_OUTER_LOST_LAZY);
	}
	st->depth--;
	if (!st->depth) {
		st->off = 0;
		hist_add(LT_H_SECTION_SPAN, now - st->start_ns);
	} else if (ends) {
		st->off = 1;
	}
}

/*
 * The last word on a primary view at an event: interrupt context is never
 * lazy, the finding records the primary's depth, and a second source, if
 * any, must agree.
 */
static __always_inline void settle_view(void *ctx, struct task_struct *t,
					struct lt_view *v, struct lt_ctx *c)
{
	bool irq = in_irq_ctx(ctx, t);

	if (irq)
		v->active = false;
	c->depth = v->depth;
	c->pause = v->pause;
	cross_check(ctx, t, v, irq, c);
}

static __always_inline __u32 *cpu_phase(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&lt_phase, &k);
}

/*
 * A leave or an enter that the kernel makes inside its own context switch
 * or flush, not a section boundary; true when it was one (and is used up).
 * Pre-7.0 Xen PV (6.1 paravirt.c:195-214, 6.12 enlighten_pv.c:423-442):
 * the switch-out hook leaves lazy mode for the outgoing task through the
 * same xen_leave_lazy_mmu, and __switch_to enters it again through the
 * same enter symbol for the incoming one, on the incoming task's stack
 * while `current` is still the outgoing task. The arch flush is a leave
 * then an enter (6.1 paravirt.c:182, 6.12 mmu_pv.c:2140). Both run with
 * preemption off, so the pair cannot interleave with another on the CPU.
 */
static __always_inline bool inner_pair(__u32 ev)
{
	__u32 *ph = cpu_phase();
	__u32 tid, one = 1;

	if (!ph || *ph == LT_PH_NONE)
		return false;
	if (ev == LT_EV_LEAVE && *ph == LT_PH_SWITCH_OUT) {
		/* the outgoing task is current: it resumes at its switch-in */
		*ph = LT_PH_NONE;
		tid = (__u32)bpf_get_current_pid_tgid();
		if (bpf_map_update_elem(&lt_parked, &tid, &one, BPF_ANY))
			stat_inc(LT_ST_PARKED_FULL);
		/* counted here, where current is the task (the filters) */
		if (!filtered_out())
			stat_inc(LT_ST_SWITCH_PAIRS);
		return true;
	}
	if (ev == LT_EV_ENTER && *ph == LT_PH_SWITCH_IN) {
		*ph = LT_PH_NONE;
		return true;
	}
	if (ev == LT_EV_LEAVE && *ph == LT_PH_FLUSH) {
		*ph = LT_PH_FLUSH_LEFT;
		return true;
	}
	if (ev == LT_EV_ENTER && *ph == LT_PH_FLUSH_LEFT) {
		*ph = LT_PH_NONE;
		stat_inc(LT_ST_FLUSH_PAIRS);
		return true;
	}
	return false;
}

/*
 * The arch flush hook. Pre-7.0 it re-enters lazy mode when the CPU is in
 * MMU mode outside interrupts, as the kernel's own test does. 7.x Xen PV
 * (mmu_pv.c:2154) reaches xen_flush_lazy_mmu from every arch leave: the
 * task counters say which one (pgtable.h:287-323): enable_count 0 after
 * the outermost disable (or a flush outside any section), still > 0 after
 * a nested one, pause_count > 0 at a pause or a context switch.
 */
static __always_inline void on_arch_flush(void *ctx, struct task_struct *t)
{
	struct lt_view v;
	__u32 *ph;

	if (in_irq_ctx(ctx, t))
		return;
	if (cfg_src == LT_SRC_TASK_COUNTERS) {
		if (filtered_out())
			return;
		read_counters(t, &v);
		stat_inc(v.pause ? LT_ST_FLUSH_PAUSED :
			 v.depth ? LT_ST_FLUSH_NESTED : LT_ST_FLUSH_LEAVE);
		return;
	}
#if defined(__TARGET_ARCH_x86)
	ph = cpu_phase();
	if (ph && xen_cpu_in_mmu_mode())
		*ph = LT_PH_FLUSH;
#endif
}

/* Xen PV context-switch hooks (see inner_pair): `next` is the incoming
 * task, the only one the switch-in hook names. */
static __always_inline int on_switch(__u32 ev, struct task_struct *next)
{
	__u32 *ph = cpu_phase();
	__u32 tid;

	stat_inc(ev);
	if (!ph)
		return 0;
	/* The hook leaves only a CPU in MMU mode, and once; other code on
	 * the switch path may make enter/leave pairs of its own (seen on
	 * 6.12: counting every leave there as the switch's drifted depth). */
	if (ev == LT_EV_SWITCH_OUT) {
#if defined(__TARGET_ARCH_x86)
		*ph = xen_cpu_in_mmu_mode() ? LT_PH_SWITCH_OUT : LT_PH_NONE;
#endif
		return 0;
	}
	tid = BPF_CORE_READ(next, pid);
	*ph = bpf_map_delete_elem(&lt_parked, &tid) ? LT_PH_NONE :
						      LT_PH_SWITCH_IN;
	return 0;
}

/* Section boundaries: the event-tracked source (d). `state` is the leave
 * argument under the seed's v2 API, else unused. */
static __always_inline int on_boundary(void *ctx, __u32 ev, __u32 slot,
				       __u64 state)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct lt_ctx c = { .event = ev, .slot = slot };
	struct lt_task *st;
	__u64 now;

	stat_inc(ev);
	if (ev == LT_EV_FLUSH) {
		on_arch_flush(ctx, t);
		return 0;
	}
	/* before the interrupt test: a switch-in runs on the next task's
	 * stack, which that test would take for an interrupt stack */
	if (inner_pair(ev))
		return 0;
	/* 7.0's helpers return early in interrupt context; so do we. */
	if (in_irq_ctx(ctx, t)) {
		stat_inc(LT_ST_IRQ_SKIPPED);
		return 0;
	}
	if (filtered_out() || !lt_ready_ns)
		return 0;
	st = bpf_task_storage_get(&lt_tasks, t, 0, 0);
	/* A task older than the tracer, never seen: its section may have
	 * begun before the probes were in, so its leave proves nothing. A
	 * younger task's leave without an enter is unbalanced. */
	if (!st && (ev == LT_EV_LEAVE || ev == LT_EV_RESUME) &&
	    older_than_tracer(t)) {
		stat_inc(LT_ST_UNSEEN_START);
		return 0;
	}
	if (!st) {
		st = bpf_task_storage_get(&lt_tasks, t, 0,
					  BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!st)
			return 0;
		stat_inc(LT_ST_TASKS_NEW);
	}
	now = bpf_ktime_get_ns();
	c.pause = st->pause;
	c.depth = st->depth;
	if (ev == LT_EV_ENTER) {
		stat_inc(LT_ST_BOUND_ENTER);
		on_enter(ctx, st, &c, now);
	} else if (ev == LT_EV_LEAVE) {
		/* 7.0: a disable while paused has no effect (pgtable.h:291) */
		if (st->pause && cfg_leave_sem == LT_LEAVE_COUNT)
			return 0;
		stat_inc(LT_ST_BOUND_LEAVE);
		on_leave(ctx, st, &c, now, state);
	} else if (ev == LT_EV_PAUSE) {
		st->pause++;
	} else if (ev == LT_EV_RESUME) {
		if (!st->pause) {
			c.detail = 1;	/* resume without pause */
			raise(ctx, &c, LT_K_UNBALANCED_DISABLE);
			return 0;
		}
		st->pause--;
	}
	return 0;
}

/*
 * Everything the page-allocation programs do once the fast test below has
 * not ruled the allocation out: out of line, so that the program entered
 * on every page allocation is only that test. The x86-64 JIT saves the
 * callee-saved registers a program uses anywhere, on every run (7.2
 * arch/x86/net/bpf_jit_comp.c:356 push_callee_regs, :1537
 * detect_reg_usage); inlined, this path made the program save four and
 * spill its arguments to the stack, where the test needs neither
 * (docs/PERFORMANCE.md, "Cuts").
 */
static __noinline int alloc_judge(void *ctx, struct task_struct *t,
				  __u32 slot, __u64 gfp, __u32 order)
{
	struct lt_ctx c = { .event = LT_EV_PAGE_ALLOC, .slot = slot,
			    .gfp = gfp, .order = order };
	struct lt_view v;

	if (cfg_src == LT_SRC_NONE) {
		/* No state: the order histogram covers every allocation. */
		if (!filtered_out())
			hist_add(LT_H_ALLOC_ORDER, order);
		return 0;
	}
	read_source(cfg_src, t, &v);
	if (filtered_out())
		return 0;
	settle_view(ctx, t, &v, &c);
	if (!v.active)
		return 0;
	hist_add(LT_H_ALLOC_ORDER, order);
	hist_add(LT_H_DEPTH, v.depth);
	c.pages = 1ULL << (order & 31);
	if (gfp & cfg_gfp_reclaim)
		c.severity = cfg_sev_alloc_sleep;
	raise(ctx, &c, LT_K_ALLOC_IN_LAZY);
	return 0;
}

/*
 * Neither source says the task is in a section: nothing to judge, and
 * no mismatch to report (cross_check() reports only sources that
 * disagree, and not an unknown one), so the interrupt test and the
 * filters can wait. With a second source (Xen PV: the CPU's mode and the
 * tracked depth) every allocation and flush used to take both, four reads
 * and two helper calls, before this test (docs/PERFORMANCE.md, "Cuts").
 * With --boundaries watch not even the second read: the mirror is the
 * second source, a leave it missed shows as a resync at the thread's
 * next write, and its cross-check runs where the counters say "inside".
 * lt-munmap (102,400 page allocations) under -p --boundaries watch took
 * 3.7 % more than under -p alone with the full cross-check on each, 1.1 %
 * with one read, 0.4 % with none (docs/PERFORMANCE.md, section 4).
 */
static __always_inline bool both_idle(struct task_struct *t,
				      struct lt_view *v)
{
	struct lt_view w;

	if (v->active)
		return false;
	if (cfg_src2 == LT_SRC_NONE || cfg_watch)
		return true;
	read_source(cfg_src2, t, &w);
	return !w.active || w.unknown;
}

/* Counts the allocation; true when the fast test rules it out: the lazy
 * predicate costs one read, and outside a section (nearly always) that
 * is all. */
static __always_inline bool alloc_ruled_out(struct task_struct *t)
{
	struct lt_view v;

	stat_inc(LT_EV_PAGE_ALLOC);
	if (cfg_src == LT_SRC_NONE)
		return false;
	read_source(cfg_src, t, &v);
	return both_idle(t, &v);
}

/*
 * The page-allocation programs: the slot, gfp and order expressions are
 * evaluated only past the fast test. As function arguments the compiler
 * read them first and kept them across the helper calls, in callee-saved
 * registers or on the stack, on every allocation; a kprobe's slot is a
 * helper call of its own (bpf_get_attach_cookie).
 */
#define ON_ALLOC(ctx, slot, gfp, order) ({				\
	struct task_struct *___t = bpf_get_current_task_btf();		\
	alloc_ruled_out(___t) ? 0 :					\
		alloc_judge(ctx, ___t, slot, gfp, order);		\
})

/* TLB flushes and page-batch frees: both are "flush" work inside a section. */
static __always_inline int on_flush_work(void *ctx, __u32 ev, __u32 slot,
					 __u64 pages)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct lt_ctx c = { .event = ev, .slot = slot, .pages = pages };
	struct lt_view v;

	stat_inc(ev);
	if (filtered_out())
		return 0;
	if (ev == LT_EV_TLB_FLUSH && pages != ~0ULL)
		hist_add(LT_H_FLUSH_SPAN, pages);
	if (ev == LT_EV_BATCH_FREE && pages)
		hist_add(LT_H_BATCH_PAGES, pages);
	if (!lazy_view(t, &v))
		return 0;
	/* Outside a section (nearly always) the interrupt test, two reads,
	 * changes nothing. */
	if (both_idle(t, &v))
		return 0;
	settle_view(ctx, t, &v, &c);
	if (v.active)
		raise(ctx, &c, LT_K_FLUSH_IN_LAZY);
	return 0;
}

/*
 * tlb_batch_pages_flush(tlb) frees every batch of the gather, from the
 * on-stack tlb->local along ->next while a batch holds entries. Where the
 * per-batch __tlb_batch_free_encoded_pages is inlined into it (sid arm64
 * 7.2), this walk, done before the pages go, sees each batch whole: the
 * free_pages_and_swap_cache calls below it get entries, not pages. The
 * chain is at most MAX_GATHER_BATCH_COUNT (19 on 4K pages) batches plus
 * the local one. batch_pages_at() keeps the verifier's work per batch small.
 */
#define LT_GATHER_CHAIN	20

static __always_inline int on_batch_chain(void *ctx, __u32 slot,
					  struct mmu_gather *tlb)
{
	struct mmu_gather_batch *b = __builtin_preserve_access_index(&tlb->local);

	for (__u32 i = 0; i < LT_GATHER_CHAIN && b; i++) {
		if (!BPF_CORE_READ(b, nr))
			break;
		on_flush_work(ctx, LT_EV_BATCH_FREE, slot,
			      batch_pages_at(b));
		b = BPF_CORE_READ(b, next);
	}
	return 0;
}

/* `typed`: tlb is fentry's BTF pointer, which plain loads may read (a
 * constant at each call site, so each program keeps one branch); a
 * kprobe's is a number, read through the helper. mprotect finishes a
 * gather on every call: the two helper reads were a third of the probe. */
static __always_inline int on_gather_finish(struct mmu_gather *tlb,
					    bool typed)
{
	__u64 batches;
	bool fullmm;

	stat_inc(LT_EV_GATHER_FINISH);
	if (cfg_user)
		return 0;
	if (filtered_out())
		return 0;
	if (typed) {
		batches = tlb->batch_count;
		fullmm = BPF_CORE_READ_BITFIELD(tlb, fullmm);
	} else {
		batches = BPF_CORE_READ(tlb, batch_count);
		fullmm = BPF_CORE_READ_BITFIELD_PROBED(tlb, fullmm);
	}
	/* The on-stack local batch is always there; batch_count adds pages
	 * allocated by tlb_next_batch. */
	hist_add(LT_H_GATHER_BATCHES, batches + 1);
	stat_inc(fullmm ? LT_ST_GATHER_FULLMM : LT_ST_GATHER_PARTIAL);
	return 0;
}

/*
 * A u8 task counter at 128 or more went below 0: a disable without an
 * enable (enable_count), or a resume without a pause (pause_count). Seen
 * on Debian's 7.2 as Xen PV dom0: xen_end_context_switch() resumes a new
 * task that was never paused, so every forked task runs with pause_count
 * wrapped (enlighten_pv.c:428-435) and lazy mode never activates. The
 * state outlives the event, so it is reported once per task, not on every
 * return to user space; then the task's counters say nothing more.
 */
#define LT_WRAPPED	128

static __always_inline bool wrapped_once(void *ctx, struct task_struct *t,
					 struct lt_view *v, struct lt_ctx *c)
{
	struct lt_task *st;

	if (cfg_src != LT_SRC_TASK_COUNTERS ||
	    (v->depth < LT_WRAPPED && v->pause < LT_WRAPPED))
		return false;
	st = bpf_task_storage_get(&lt_tasks, t, 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st || st->wrapped)
		return true;
	st->wrapped = 1;
	stat_inc(LT_ST_TASKS_NEW);
	c->depth = v->depth;
	c->pause = v->pause;
	c->detail = v->depth >= LT_WRAPPED ? 0 : 1;	/* as resume w/o pause */
	raise(ctx, c, LT_K_UNBALANCED_DISABLE);
	return true;
}

/* open_check() past its test, out of line: every syscall exit runs that
 * test, and inlined this path set up the finding and its registers there
 * too (docs/PERFORMANCE.md, "Cuts"). */
static __noinline int open_found(void *ctx, struct task_struct *t, __u32 ev,
				 __u32 kind)
{
	struct lt_ctx c = { .event = ev };
	struct lt_view v;

	if (!lazy_view(t, &v) || filtered_out() ||
	    wrapped_once(ctx, t, &v, &c))
		return 0;
	c.depth = v.depth;
	c.pause = v.pause;
	raise(ctx, &c, kind);
	return 0;
}

/* Counters still set when the task returns to user space, or when it
 * dies: a `kind` finding at `ev`. */
static __always_inline void open_check(void *ctx, struct task_struct *t,
				       __u32 ev, __u32 kind)
{
	struct lt_view v;

	if (lazy_view(t, &v) && (v.depth || v.pause))
		open_found(ctx, t, ev, kind);
}

/* The kernel frees task storage with the task anyway; deleting it here
 * is what lets the summary prove that (task_states_live). */
static __always_inline void forget_task(struct task_struct *t)
{
	if (!bpf_task_storage_delete(&lt_tasks, t))
		stat_inc(LT_ST_TASKS_GONE);
}

static __always_inline int on_task_edge(void *ctx, __u32 ev, __u32 kind)
{
	struct task_struct *t = bpf_get_current_task_btf();

	stat_inc(ev);
	if (ev == LT_EV_SYSCALL_EXIT) {
		open_check(ctx, t, ev, kind);
		return 0;
	}
	/* sched_process_exit: since 7.x (7.2 exit.c:958) it fires before
	 * exit_mm(), whose unmaps still open sections, so a kernel task is
	 * judged at its last switch instead (on_sched_switch). A uprobe
	 * model has no such switch: judged here. */
	if (cfg_user) {
		open_check(ctx, t, ev, kind);
		forget_task(t);
	}
	return 0;
}

/* include/linux/sched.h, the same values 6.1-7.2 (TASK_RTLOCK_WAIT since
 * 5.15, "sched: Introduce TASK_RTLOCK_WAIT") */
#define LT_TASK_DEAD		0x80
#define LT_TASK_RTLOCK_WAIT	0x1000

/* --boundaries watch: a traced thread's last switch, after exit_mm()
 * (see below): the loader can give its watchpoint back. */
static __always_inline void watch_gone(struct task_struct *t)
{
	struct lt_watch_thread *w;

	if (BPF_CORE_READ(t, tgid) != cfg_tgid)
		return;
	w = bpf_ringbuf_reserve(&lt_watch_rb, sizeof(*w), 0);
	if (!w)
		return;
	w->tid = BPF_CORE_READ(t, pid);
	w->pad = 0;
	w->addr = 0;
	bpf_ringbuf_submit(w, 0);
}

/*
 * `current` is the outgoing task here. `state` is the tracepoint's
 * prev_state (5.18+): what __schedule decided
 * on, not prev->__state read again after the fact. A TASK_DEAD switch is
 * the task's last (do_task_dead(), after exit_mm() on every kernel): the
 * place to judge a section left open at exit, once, and not as a sleep.
 */
static __always_inline int on_sched_switch(void *ctx, bool preempt,
					   __u64 state)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct lt_ctx c = { .event = LT_EV_SCHED_SWITCH };
	struct lt_view v;

	stat_inc(LT_EV_SCHED_SWITCH);
	if (state & LT_TASK_DEAD) {
		open_check(ctx, t, LT_EV_TASK_EXIT, LT_K_OPEN_AT_EXIT);
		forget_task(t);
		if (cfg_watch)
			watch_gone(t);
		return 0;
	}
	if (preempt || !lazy_view(t, &v) || !v.active)
		return 0;
	if (!state || filtered_out())
		return 0;
	/* PREEMPT_RT: a contended spinlock_t blocks in TASK_RTLOCK_WAIT,
	 * !preempt (7.2 kernel/sched/core.c:7173-7277). Where spinlock_t
	 * spins (!RT) the same code is legal inside a section, and an arch
	 * that made sections non-preemptible could not take a spinlock_t
	 * in one on RT at all (rtlock_might_resched). Counted, not a sleep
	 * (docs/RULES.md). */
	if (state & LT_TASK_RTLOCK_WAIT) {
		stat_inc(LT_ST_RTLOCK_WAIT);
		return 0;
	}
	c.depth = v.depth;
	c.pause = v.pause;
	c.detail = state;
	raise(ctx, &c, LT_K_SLEEP_IN_LAZY);
	return 0;
}

#endif
