/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading "is the current task inside a lazy MMU section" from whichever
 * source the kernel has. See docs/STATE.md for the sources and eras.
 */
#ifndef LT_STATE_BPF_H
#define LT_STATE_BPF_H

#include "maps.bpf.h"

/*
 * task_struct.lazy_mmu_state, merged for 7.0 (Brodsky, "Nesting support for
 * lazy MMU mode" v6). The draft series used other member names, which some
 * vendor backports carry: {count, enabled} in v3, {nesting_level, active} in
 * v4/v5. One flavor names them all; CO-RE resolves each member on its own.
 */
struct lazy_mmu_state___lt {
	__u8 enable_count;
	__u8 pause_count;
	__u8 nesting_level;
	__u8 active;
	__u8 count;
	__u8 enabled;
} __attribute__((preserve_access_index));

struct task_struct___lt {
	struct lazy_mmu_state___lt lazy_mmu_state;
} __attribute__((preserve_access_index));

/* arm64 keeps preempt_count in thread_info; x86 does not (per-cpu). */
struct thread_info___arm64 {
	unsigned long flags;
	__u64 preempt_count;
} __attribute__((preserve_access_index));

struct task_struct___ti {
	struct thread_info___arm64 thread_info;
} __attribute__((preserve_access_index));

#if defined(__TARGET_ARCH_x86)
/* Xen PV ~6.7-7.0 (commit "x86/xen: move paravirt lazy code"). A complete
 * local enum: newer vmlinux.h lack the type, and the kernel rejects BTF with
 * an empty forward enum. libbpf matches typed ksym enums by kind only. */
enum lt_xen_lazy_mode { LT_XEN_LAZY_NONE, LT_XEN_LAZY_MMU, LT_XEN_LAZY_CPU };
extern enum lt_xen_lazy_mode xen_lazy_mode __ksym __weak;
/* <= 6.6: static DEFINE_PER_CPU(enum paravirt_lazy_mode, paravirt_lazy_mode)
 * in arch/x86/kernel/paravirt.c (6.1:156), in BTF as a static VAR and in
 * kallsyms as type A; PARAVIRT_LAZY_MMU == 1 as well (paravirt_types.h). */
extern enum lt_xen_lazy_mode paravirt_lazy_mode __ksym __weak;

/* This CPU's Xen PV lazy mode is MMU. The kernel's own getters say NONE in
 * interrupt context; callers settle that with the interrupt test. */
static __always_inline bool xen_cpu_in_mmu_mode(void)
{
	enum lt_xen_lazy_mode *m = 0;

	/* cfg_xen_var 2: neither (the plan says so) */
	if (cfg_xen_var == 0 && &xen_lazy_mode)
		m = bpf_this_cpu_ptr(&xen_lazy_mode);
	else if (cfg_xen_var == 1 && &paravirt_lazy_mode)
		m = bpf_this_cpu_ptr(&paravirt_lazy_mode);
	return m && *m == LT_XEN_LAZY_MMU;
}
#endif

struct lt_view {
	__u32 depth;
	__u32 pause;
	bool active;	/* depth > 0, not paused, not in interrupt */
	bool unknown;	/* event depth of a task never seen since the
			 * probes were in, older than them */
};

/* PREEMPT_RT counts BH-disabled sections in the task, not in preempt_count:
 * softirq_count() is current->softirq_disable_cnt & SOFTIRQ_MASK there
 * (7.2 include/linux/preempt.h:110-112; 5.12 "softirq: Make softirq control
 * and processing RT aware"). The field exists only on RT kernels. */
struct task_struct___rt {
	int softirq_disable_cnt;
} __attribute__((preserve_access_index));

#define LT_SOFTIRQ_MASK	0x0000ff00u

static __always_inline bool rt_bh_off(struct task_struct *t)
{
	struct task_struct___rt *r = (void *)t;

	if (!bpf_core_field_exists(r->softirq_disable_cnt))
		return false;
	return BPF_CORE_READ(r, softirq_disable_cnt) & LT_SOFTIRQ_MASK;
}

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
