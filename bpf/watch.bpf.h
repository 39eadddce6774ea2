/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --boundaries watch: exact section boundaries where the 7.0 helpers are
 * inline (x86 and arm64 7.x), from a hardware write watchpoint on each
 * traced thread's task_struct.lazy_mmu_state.
 *
 * Only the helpers write those two bytes (7.2 include/linux/pgtable.h:
 * lazy_mmu_mode_enable/disable/pause/resume, __task_lazy_mmu_mode_pause/
 * resume for the arch's context switch), always of current, and
 * enable, disable, pause and resume return before writing in interrupt
 * context (their first test is in_interrupt(), pgtable.h:264, 290, 339,
 * 357). So every hit is a transition the watched thread made in task
 * context; an enable or disable while paused writes nothing
 * ("Any call to the lazy_mmu_mode_* API between those two calls has no
 * effect", pgtable.h:242) and is not seen.
 *
 * x86 reports a data breakpoint as a trap after the write: the program
 * reads the new counters and takes the old from the task's mirror.
 * arm64 reports a watchpoint before the access and the kernel steps over
 * the instruction after the program ran (7.2 arch/arm64/kernel/
 * hw_breakpoint.c:744-760, do_watchpoint): the program reads the old
 * counters and decodes the store at the PC for the new one.
 */
#ifndef LT_WATCH_BPF_H
#define LT_WATCH_BPF_H

#include "handlers.bpf.h"

/* &t->lazy_mmu_state as a plain number (for the loader, and to compare
 * with a decoded store address). */
static __always_inline __u64 counters_addr(struct task_struct *t)
{
	__u64 a = 0;
	void *p = (void *)t + bpf_core_field_offset(struct task_struct___lt,
						     lazy_mmu_state);

	bpf_probe_read_kernel(&a, sizeof(a), &p);
	return a;
}

/* The mirror a thread's watch starts from: its counters now. Called
 * before its watchpoint exists (task iterator, or fork, before the child
 * ever ran), so no write falls between the two. */
static __always_inline void watch_seed(struct task_struct *t)
{
	struct lt_task *st = bpf_task_storage_get(&lt_tasks, t, 0, 0);
	struct lt_view v = { 0 };

	if (!st) {
		st = bpf_task_storage_get(&lt_tasks, t, 0,
					  BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!st)
			return;
		stat_inc(LT_ST_TASKS_NEW);
	}
	if (st->watched)
		return;
	read_counters(t, &v);
	st->depth = v.depth;
	st->pause = v.pause;
	st->start_ns = 0;	/* a section open now has no known start */
	st->watched = 1;
	stat_inc(LT_ST_WATCH_THREADS);
}

/* Exact counts per (event, depth after it, stack of the writing code). */
static __always_inline void watch_count(void *ctx, __u32 ev, __u32 depth)
{
	struct lt_bound_key k = { .event = ev, .depth = depth, .stack_id = -1 };
	__u64 one = 1, *n;

	if (cfg_stacks) {
		k.stack_id = bpf_get_stackid(ctx, &lt_stacks, 0);
		if (k.stack_id < 0) {
			stat_inc(LT_ST_STACK_LOST);
			k.stack_id = -1;
		}
	}
	n = bpf_map_lookup_elem(&lt_bounds, &k);
	if (n) {
		__sync_fetch_and_add(n, 1);
		return;
	}
	if (bpf_map_update_elem(&lt_bounds, &k, &one, BPF_NOEXIST)) {
		n = bpf_map_lookup_elem(&lt_bounds, &k);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			stat_inc(LT_ST_AGG_FULL);
	}
}

/*
 * One write: old and new counters. A helper moves one counter by one;
 * anything else means writes were missed (a thread's first writes before
 * its watchpoint was in) or raw writes, and the mirror is re-read.
 */
static __always_inline void watch_apply(void *ctx, struct lt_task *st,
					__u32 oe, __u32 op, __u32 ne, __u32 np)
{
	struct lt_ctx c = { .depth = ne, .pause = np };
	__u8 de = ne - oe, dp = np - op;
	__u64 now = bpf_ktime_get_ns();

	st->depth = ne;
	st->pause = np;
	if (de == 1 && !dp) {
		c.event = LT_EV_ENTER;
		c.slot = cfg_fentry_slot[LT_EV_ENTER];
		/* 255 -> 0 after an unbalanced disable: the kernel enters
		 * lazy mode only on 0 -> 1 (pgtable.h:270), no section */
		if (oe >= LT_WRAPPED) {
			stat_inc(LT_ST_WATCH_UNWRAP);
			return;
		}
		stat_inc(LT_EV_ENTER);
		stat_inc(LT_ST_BOUND_ENTER);
		watch_count(ctx, LT_EV_ENTER, ne);
		hist_add(LT_H_DEPTH, ne);
		if (!oe)
			st->start_ns = now;
		else
			raise(ctx, &c, LT_K_NESTED_ENTER);
	} else if (de == 0xff && !dp) {
		c.event = LT_EV_LEAVE;
		c.slot = cfg_fentry_slot[LT_EV_LEAVE];
		stat_inc(LT_EV_LEAVE);
		stat_inc(LT_ST_BOUND_LEAVE);
		watch_count(ctx, LT_EV_LEAVE, ne);
		if (!oe || oe >= LT_WRAPPED) {
			st->wrapped = 1;	/* not again at user return */
			raise(ctx, &c, LT_K_UNBALANCED_DISABLE);
		} else if (oe == 1 && st->start_ns) {
			hist_add(LT_H_SECTION_SPAN, now - st->start_ns);
			st->start_ns = 0;
		}
	} else if (dp == 1 && !de) {
		stat_inc(LT_EV_PAUSE);
		stat_inc(LT_ST_BOUND_PAUSE);
		watch_count(ctx, LT_EV_PAUSE, ne);
	} else if (dp == 0xff && !de) {
		c.event = LT_EV_RESUME;
		c.slot = cfg_fentry_slot[LT_EV_RESUME];
		stat_inc(LT_EV_RESUME);
		stat_inc(LT_ST_BOUND_RESUME);
		watch_count(ctx, LT_EV_RESUME, ne);
		if (!op || op >= LT_WRAPPED) {
			c.detail = 1;	/* resume without pause */
			st->wrapped = 1;
			raise(ctx, &c, LT_K_UNBALANCED_DISABLE);
		}
	} else {
		stat_inc(LT_ST_WATCH_RESYNC);
	}
}

#if defined(__TARGET_ARCH_arm64)
/* The registers, copied from the context with constant offsets: the
 * verifier refuses a variable offset into it, which is what clang made
 * of a switch over the register number (sid arm64 7.2: "dereference of
 * modified ctx ptr"). Per CPU: 256 bytes are half the BPF stack. */
struct lt_a64_regs {
	__u64 x[32];		/* x0..x30, then sp */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lt_a64_regs);
} lt_a64_scratch SEC(".maps");

#define LT_CP(n)	r->x[n] = ctx->regs.regs[n];

static __always_inline struct lt_a64_regs *a64_regs(
	struct bpf_perf_event_data *ctx)
{
	__u32 k = 0;
	struct lt_a64_regs *r = bpf_map_lookup_elem(&lt_a64_scratch, &k);

	if (!r)
		return 0;
	LT_CP(0) LT_CP(1) LT_CP(2) LT_CP(3) LT_CP(4) LT_CP(5) LT_CP(6)
	LT_CP(7) LT_CP(8) LT_CP(9) LT_CP(10) LT_CP(11) LT_CP(12) LT_CP(13)
	LT_CP(14) LT_CP(15) LT_CP(16) LT_CP(17) LT_CP(18) LT_CP(19)
	LT_CP(20) LT_CP(21) LT_CP(22) LT_CP(23) LT_CP(24) LT_CP(25)
	LT_CP(26) LT_CP(27) LT_CP(28) LT_CP(29) LT_CP(30)
	r->x[31] = ctx->regs.sp;
	return r;
}

/* Xn; 31 is SP as a base register, XZR as a value. */
static __always_inline __u64 a64_reg(struct lt_a64_regs *r, __u32 n,
				     bool sp)
{
	n &= 31;
	return n == 31 && !sp ? 0 : r->x[n];
}

/*
 * The STRB/STRH at the PC (A64 "load/store register" forms: unsigned
 * offset, unscaled, pre- and post-index, register offset): where it
 * writes and what. The helpers' ++ and -- compile to one of these.
 */
static __always_inline bool a64_store(struct bpf_perf_event_data *ctx,
				      __u64 *addr, __u64 *val, __u32 *size)
{
	struct lt_a64_regs *r = a64_regs(ctx);
	__u32 insn = 0, rn, opt;
	__u64 base, off;

	if (!r || bpf_probe_read_kernel(&insn, sizeof(insn),
					(void *)ctx->regs.pc))
		return false;
	*size = insn >> 30;			/* 0 byte, 1 halfword */
	if (*size > 1)
		return false;
	rn = (insn >> 5) & 31;
	base = a64_reg(r, rn, true);
	*val = a64_reg(r, insn & 31, false);
	if ((insn & 0x3fc00000) == 0x39000000) {	/* unsigned offset */
		off = ((insn >> 10) & 0xfff) << *size;
	} else if ((insn & 0x3fe00000) == 0x38000000) {	/* imm9 forms */
		__s32 imm = (__s32)(insn << 11) >> 23;

		/* post-index writes at the base, then moves it */
		off = ((insn >> 10) & 3) == 1 ? 0 : (__u64)(__s64)imm;
	} else if ((insn & 0x3fe00c00) == 0x38200800) {	/* register */
		__u64 rm = a64_reg(r, (insn >> 16) & 31, false);

		opt = (insn >> 13) & 7;
		if (opt == 2)
			rm = (__u32)rm;			/* UXTW */
		else if (opt == 6)
			rm = (__u64)(__s64)(__s32)rm;	/* SXTW */
		else if (opt != 3 && opt != 7)
			return false;
		off = (insn & (1 << 12)) ? rm << *size : rm;
	} else {
		return false;
	}
	*addr = base + off;
	return true;
}

/* The counters after the store at the PC, from the counters before it. */
static __always_inline bool a64_new_counters(struct bpf_perf_event_data *ctx,
					     struct task_struct *t,
					     __u32 oe, __u32 op,
					     __u32 *ne, __u32 *np)
{
	__u64 addr, val, at;
	__u32 size;

	if (!a64_store(ctx, &addr, &val, &size))
		return false;
	at = addr - counters_addr(t);
	*ne = oe;
	*np = op;
	if (at == 0) {
		*ne = val & 0xff;
		if (size)
			*np = (val >> 8) & 0xff;
	} else if (at == 1 && !size) {
		*np = val & 0xff;
	} else {
		return false;
	}
	return true;
}
#endif

/* The watchpoint of a traced thread was hit: current wrote its counters. */
static __always_inline int on_watch(struct bpf_perf_event_data *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct lt_task *st;
	struct lt_view v = { 0 };

	stat_inc(LT_ST_WATCH_TRAPS);
	/* arm64 watches per CPU (user/load/watch.c): any task writing that
	 * address there, e.g. one given a freed thread's task_struct */
	if (filtered_out())
		return 0;
	st = bpf_task_storage_get(&lt_tasks, t, 0, 0);
	if (!st || !st->watched)
		return 0;
	read_counters(t, &v);
#if defined(__TARGET_ARCH_arm64)
	{
		__u64 pc = ctx->regs.pc;
		__u32 ne, np, old = v.depth | v.pause << 8;

		/* The same store reported again: the counters still hold
		 * what they held at the last hit, at the same PC, and the
		 * mirror already has its value. Seen on sid arm64 7.2 under
		 * TCG, 10 of 410 hits: the step over the store did not run
		 * before the watchpoint was armed again. */
		if (pc == st->last_pc && old == st->last_old &&
		    (v.depth != st->depth || v.pause != st->pause)) {
			stat_inc(LT_ST_WATCH_REPEAT);
			return 0;
		}
		st->last_pc = pc;
		st->last_old = old;
		if (v.depth != st->depth || v.pause != st->pause)
			stat_inc(LT_ST_WATCH_RESYNC);
		if (!a64_new_counters(ctx, t, v.depth, v.pause, &ne, &np)) {
			/* the next hit re-reads: its old value differs */
			stat_inc(LT_ST_WATCH_UNDECODED);
			st->depth = v.depth;
			st->pause = v.pause;
			return 0;
		}
		watch_apply(ctx, st, v.depth, v.pause, ne, np);
	}
#else
	watch_apply(ctx, st, st->depth, st->pause, v.depth, v.pause);
#endif
	return 0;
}

#endif
