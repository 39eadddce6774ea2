/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading "is the current task inside a lazy MMU section" from whichever
 * source the kernel has. See docs/STATE.md for the sources and eras.
 */
#ifndef LT_STATE_BPF_H
#define LT_STATE_BPF_H

#include "compat.bpf.h"
#include "maps.bpf.h"

struct lt_view {
	__u32 depth;
	__u32 pause;
	bool active;	/* depth > 0, not paused, not in interrupt */
	bool unknown;	/* event depth of a task never seen since the
			 * probes were in, older than them */
};

/* SOFTIRQ_MASK | HARDIRQ_MASK, as in_interrupt() tests. The NMI bits are left
 * out on purpose: arm64 runs kprobe handlers under __nmi_enter(), and no page
 * allocation or section change happens in a real NMI. */
#define LT_IRQ_MASK	0x000fff00u

/*
 * x86-64 runs hardirqs and softirqs on per-cpu IRQ stacks, so a kernel stack
 * address outside the task's own stack means interrupt context. The context
 * pointer is such an address: fentry's args, the kprobe pt_regs and the raw
 * tracepoint args all sit on the traced code's stack. (The program's own
 * locals do not: 6.13+ may run it on a private per-cpu stack.) This avoids
 * the per-cpu __preempt_count ksym, which fails to load on kernels built
 * without KALLSYMS_ALL (the CI host) and lived in pcpu_hot in 6.2-6.14.
 * arm64 keeps preempt_count in thread_info, which CO-RE reads directly.
 */
static __always_inline bool in_irq_ctx(void *ctx, struct task_struct *t)
{
	if (!cfg_irq_check)
		return false;
#if defined(__TARGET_ARCH_x86)
	__u64 sp = 0, base;
	void *p = ctx;
	__u32 pc;

	/* in_interrupt() itself: BH-off task code included (state_src.c) */
	if (cfg_pcpu_offsets) {
		__u32 cpu = bpf_get_smp_processor_id();

		if (!bpf_probe_read_kernel(&base, sizeof(base),
				(void *)(cfg_pcpu_offsets + 8 * (__u64)cpu)) &&
		    !bpf_probe_read_kernel(&pc, sizeof(pc),
				(void *)(base + cfg_pc_var)))
			return (pc & LT_IRQ_MASK) || rt_bh_off(t);
	}

	/* Reading the pointer back through a helper makes it a plain number. */
	if (bpf_probe_read_kernel(&sp, sizeof(sp), &p))
		return false;
	base = (__u64)BPF_CORE_READ(t, stack);
	return sp - base >= cfg_thread_size || rt_bh_off(t);
#else
	struct task_struct___ti *ti = (void *)t;
	__u32 pc;

	if (!bpf_core_field_exists(ti->thread_info.preempt_count))
		return false;
	pc = BPF_CORE_READ(ti, thread_info.preempt_count);
	return (pc & LT_IRQ_MASK) || rt_bh_off(t);
#endif
}

static __always_inline void read_counters(struct task_struct *t,
					  struct lt_view *v)
{
	struct task_struct___lt *tl = (void *)t;

	if (cfg_layout == LT_LAYOUT_V7) {
		/* The hot path (every page allocation, syscall exit and
		 * context switch): plain loads from the BTF task pointer,
		 * which the verifier allows (5.11+), instead of two
		 * bpf_probe_read_kernel calls (docs/PERFORMANCE.md). */
		if (bpf_core_field_exists(tl->lazy_mmu_state.enable_count)) {
			v->depth = tl->lazy_mmu_state.enable_count;
			v->pause = tl->lazy_mmu_state.pause_count;
		}
	} else if (cfg_layout == LT_LAYOUT_V4) {
		/* v4/v5: active is false while paused; no pause depth kept */
		if (bpf_core_field_exists(tl->lazy_mmu_state.nesting_level)) {
			v->depth = BPF_CORE_READ(tl, lazy_mmu_state.nesting_level);
			v->pause = v->depth &&
				   !BPF_CORE_READ(tl, lazy_mmu_state.active);
		}
	} else {
		if (bpf_core_field_exists(tl->lazy_mmu_state.count)) {
			v->depth = BPF_CORE_READ(tl, lazy_mmu_state.count);
			v->pause = v->depth &&
				   !BPF_CORE_READ(tl, lazy_mmu_state.enabled);
		}
	}
}

static __always_inline void read_source(__u32 src, struct task_struct *t,
					struct lt_view *v)
{
	bool off = false;

	v->depth = 0;
	v->pause = 0;
	v->unknown = false;
	if (src == LT_SRC_TASK_COUNTERS) {
		read_counters(t, v);
	} else if (src == LT_SRC_ARM64_TIF) {
		unsigned long flags = BPF_CORE_READ(t, thread_info.flags);

		v->depth = (flags >> cfg_tif_bit) & 1;
	} else if (src == LT_SRC_EVENT_DEPTH) {
		struct lt_task *st = bpf_task_storage_get(&lt_tasks, t, 0, 0);

		if (st && (st->watched || !cfg_watch)) {
			v->depth = st->depth;
			v->pause = st->pause;
			off = st->off;	/* open, but lazy mode was ended */
		} else {
			/* watch: a thread not watched (yet) says nothing */
			v->unknown = cfg_watch || older_than_tracer(t);
		}
	}
#if defined(__TARGET_ARCH_x86)
	else if (src == LT_SRC_XEN_PERCPU) {
		v->depth = xen_cpu_in_mmu_mode();
	}
#endif
	v->active = v->depth > 0 && v->pause == 0 && !off;
}

/* The task's view from the primary source; false when there is none.
 * Callers at events that can run in interrupt context settle it with
 * settle_view() (handlers.bpf.h). */
static __always_inline bool lazy_view(struct task_struct *t, struct lt_view *v)
{
	if (cfg_src == LT_SRC_NONE)
		return false;
	read_source(cfg_src, t, v);
	return true;
}

#endif
