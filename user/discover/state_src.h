/* SPDX-License-Identifier: GPL-2.0 */
/* Choosing the lazy-state source for the running kernel. */
#ifndef LT_STATE_SRC_H
#define LT_STATE_SRC_H

#include <stdbool.h>
#include "catalog.h"

struct lt_kinfo {
	char release[128];
	char machine[65];
	int major, minor;
	bool xen_pv;		/* /sys/hypervisor/guest_type says PV */
	/* Preemption model: none, voluntary, full, lazy, rt or "unknown",
	 * and where it was read (kinfo_read_preempt). */
	char preempt[16];
	char preempt_from[48];
};

/* Can a task be preempted inside kernel code, and so inside a BPF
 * program that runs with preemption on (fentry)? */
bool kinfo_preemptible(const struct lt_kinfo *ki);
/* Model from the texts where the kernel says it: the debugfs
 * sched/preempt line ("none voluntary (full) lazy"), uname -v, the
 * command line and the kernel's config (/boot/config-*); any may be
 * NULL. */
void kinfo_parse_preempt(struct lt_kinfo *ki, const char *debugfs,
			 const char *version, const char *cmdline,
			 const char *config);

/* uname(2) plus the hypervisor guest type. */
void kinfo_read(struct lt_kinfo *ki);
/* Parses "7.2.1+deb14-cloud-amd64" style releases into major/minor. */
void kinfo_parse_release(struct lt_kinfo *ki, const char *release);

#define LT_MAX_NOTES 6

struct lt_state_plan {
	enum lt_state_src primary, secondary;
	enum lt_counter_layout layout;
	unsigned int tif_bit;
	bool irq_check;
	unsigned long long thread_size;	/* x86 task stack (state_plan_stack) */
	/* x86 preempt_count: its per-cpu symbol value (+ member offset) and
	 * the address of __per_cpu_offset[]; 0 when kallsyms lacks them */
	unsigned long long pc_var, pcpu_offsets;
	unsigned int xen_var;	/* 0 xen_lazy_mode, 1 paravirt_lazy_mode */
	bool leave_nests;	/* Xen's leave counts nesting (6.12) */
	char notes[LT_MAX_NOTES][160];
	int nnotes;
	char lost[240];		/* empty when nothing is lost */
};

void state_plan(const struct btf *btf, const struct lt_kinfo *ki,
		const struct lt_plan *probes, struct lt_state_plan *sp);
const char *state_src_name(enum lt_state_src src);
/* task_struct.lazy_mmu_state with 7.0's {enable_count, pause_count} */
bool state_has_v7_counters(const struct btf *btf);
struct lt_ksyms;
/* The kallsyms names state_plan_stack reads: the plan's symbol subset
 * must keep them (setup.c load_symbols). */
#define LT_STATE_SYMS	7
extern const char *const lt_state_syms[LT_STATE_SYMS];
/* x86's interrupt test needs the size of a task stack: 16 KiB, 32 KiB
 * with KASAN. Read from the running kernel's kallsyms when it can be. */
void state_plan_stack(const struct lt_ksyms *ks, const struct btf *btf,
		      const struct lt_kinfo *ki, struct lt_state_plan *sp);

#endif
