/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version compatibility for the BPF side, in one place: every
 * CO-RE flavor, weak ksym and field test that exists because kernels
 * differ, each with the version (and the commit or series, where one is
 * known) that made the difference. The state machine (state.bpf.h,
 * handlers.bpf.h) reads the kernel only through these where versions
 * differ.
 *
 * Not here, and why:
 *  - which symbol each event is probed at, per era: the loader's probe
 *    catalog (user/discover/catalog.c), tried at run time;
 *  - gfp flag names: read from the running kernel (user/discover/gfp.c);
 *  - a program's arguments where a function's signature changed (e.g.
 *    __tlb_batch_free_encoded_pages, 6.9+): next to that program in
 *    lazytrace.bpf.c, which the catalog names.
 *
 * Index:
 *  7.0      task_struct.lazy_mmu_state {enable_count, pause_count}
 *  v3-v5    its draft names, in vendor backports
 *  arm64    thread_info.preempt_count (x86 keeps it per CPU)
 *  ~6.7-7.0 Xen PV per-CPU xen_lazy_mode
 *  <= 6.6   Xen PV per-CPU paravirt_lazy_mode
 *  5.12 RT  task_struct.softirq_disable_cnt (PREEMPT_RT only)
 */
#ifndef LT_COMPAT_BPF_H
#define LT_COMPAT_BPF_H

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

#endif
