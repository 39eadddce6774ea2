// SPDX-License-Identifier: GPL-2.0
/*
 * Which lazy-state source this kernel offers, decided from its BTF, its
 * release and the boundary probes the catalog found. The BPF side reads the
 * same fields through CO-RE; this file only decides and explains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include "ksyms.h"
#include "read_whole.h"
#include "state_src.h"

const char *state_src_name(enum lt_state_src src)
{
	static const char *const names[LT_SRC_MAX] = {
		[LT_SRC_NONE] = "none",
		[LT_SRC_TASK_COUNTERS] = "task_counters",
		[LT_SRC_XEN_PERCPU] = "xen_percpu",
		[LT_SRC_ARM64_TIF] = "arm64_tif",
		[LT_SRC_EVENT_DEPTH] = "event_depth",
	};
	return src < LT_SRC_MAX ? names[src] : "?";
}

/* Leading decimal digits, 0 when absent or absurd; *end past them. */
static int version_number(const char *s, const char **end)
{
	int v = 0;

	*end = s;
	while (**end >= '0' && **end <= '9') {
		if (v < 100000)
			v = v * 10 + (**end - '0');
		(*end)++;
	}
	return v < 100000 ? v : 0;
}

/*
 * Digits only: sscanf("%d") took "-5" and " 7", and overflowed ints into
 * negative versions whose major * 100 + minor overflowed in plan_tif
 * (fuzz/corpus/release/crash-*).
 */
void kinfo_parse_release(struct lt_kinfo *ki, const char *release)
{
	const char *p;

	snprintf(ki->release, sizeof(ki->release), "%s", release);
	ki->major = version_number(release, &p);
	ki->minor = p > release && *p == '.' ? version_number(p + 1, &p) : 0;
}

/* The parenthesised word of "none voluntary (full) lazy". */
static bool preempt_from_debugfs(struct lt_kinfo *ki, const char *line)
{
	const char *o = line ? strchr(line, '(') : NULL;
	const char *c = o ? strchr(o, ')') : NULL;

	if (!c || c - o - 1 <= 0 || c - o - 1 >= (int)sizeof(ki->preempt))
		return false;
	snprintf(ki->preempt, sizeof(ki->preempt), "%.*s", (int)(c - o - 1),
		 o + 1);
	snprintf(ki->preempt_from, sizeof(ki->preempt_from),
		 "debugfs sched/preempt");
	return true;
}

void kinfo_parse_preempt(struct lt_kinfo *ki, const char *debugfs,
			 const char *version, const char *cmdline,
			 const char *config)
{
	const char *p = cmdline ? strstr(cmdline, "preempt=") : NULL;
	const char *from = "uname -v";

	/* First: Debian's 7.2 rt-amd64 also has debugfs sched/preempt, and
	 * it says "full" (measured), which hides the sleeping spinlocks. */
	if (version && strstr(version, "PREEMPT_RT")) {
		snprintf(ki->preempt, sizeof(ki->preempt), "rt");
		snprintf(ki->preempt_from, sizeof(ki->preempt_from), "%s",
			 from);
		return;
	}
	if (preempt_from_debugfs(ki, debugfs))
		return;
	snprintf(ki->preempt, sizeof(ki->preempt), "unknown");
	if (version && strstr(version, "PREEMPT_DYNAMIC") && p) {
		/* the boot choice; debugfs would show a later change */
		snprintf(ki->preempt, sizeof(ki->preempt), "%.*s",
			 (int)strcspn(p + 8, " \n"), p + 8);
		from = "preempt= on the command line";
	} else if (version && strstr(version, "PREEMPT_DYNAMIC")) {
		from = "uname -v: PREEMPT_DYNAMIC, debugfs unreadable";
	} else if (version && strstr(version, " PREEMPT ")) {
		/* CONFIG_PREEMPT_BUILD: full, or 6.13+'s lazy, which prints
		 * the same (7.2 init/Makefile); Debian's arm64 cloud 7.2 is
		 * lazy. Only the kernel's config tells them apart. */
		if (!config) {
			snprintf(ki->preempt, sizeof(ki->preempt),
				 "full or lazy");
			from = "uname -v PREEMPT; no config to tell";
		} else {
			snprintf(ki->preempt, sizeof(ki->preempt), "%s",
				 strstr(config, "\nCONFIG_PREEMPT_LAZY=y") ?
				 "lazy" : "full");
			from = "uname -v PREEMPT, /boot/config";
		}
	} else if (version) {
		snprintf(ki->preempt, sizeof(ki->preempt), "voluntary");
	}
	snprintf(ki->preempt_from, sizeof(ki->preempt_from), "%s", from);
}

/* "full or lazy" counts: a tick may preempt kernel code either way. */
bool kinfo_preemptible(const struct lt_kinfo *ki)
{
	return !strcmp(ki->preempt, "full") || !strcmp(ki->preempt, "rt") ||
	       !strcmp(ki->preempt, "full or lazy");
}

void kinfo_read(struct lt_kinfo *ki)
{
	struct utsname u;
	char type[16] = "";
	size_t len;
	char *dbg = read_whole("/sys/kernel/debug/sched/preempt", &len);
	char *cmd = read_whole("/proc/cmdline", &len);
	char path[192], *config;
	FILE *fp;

	memset(ki, 0, sizeof(*ki));
	if (!uname(&u)) {
		kinfo_parse_release(ki, u.release);
		snprintf(ki->machine, sizeof(ki->machine), "%s", u.machine);
	}
	snprintf(path, sizeof(path), "/boot/config-%s", ki->release);
	config = ki->release[0] ? read_whole(path, &len) : NULL;
	kinfo_parse_preempt(ki, dbg, ki->release[0] ? u.version : NULL, cmd,
			    config);
	free(dbg);
	free(cmd);
	free(config);
	fp = fopen("/sys/hypervisor/guest_type", "r");
	if (fp) {
		if (fscanf(fp, "%15s", type) == 1)
			ki->xen_pv = !strcmp(type, "PV");
		fclose(fp);
	}
}

/* Type id behind typedefs and qualifiers. */
static int skip_mods(const struct btf *btf, int id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

/* Index of member `name` of composite type t, or -1; with `nested`,
 * anonymous members are searched too and their index returned. */
static int member_index(const struct btf *btf, const struct btf_type *t,
			const char *name, bool nested);

/* Member `name` of struct `id`, looking inside anonymous unions; the
 * member's type id, or -1. */
static int member_type(const struct btf *btf, int id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));
	int i = t && btf_is_composite(t) ? member_index(btf, t, name, true) : -1;
	const struct btf_member *m;
	const char *mn;

	if (i < 0)
		return -1;
	m = btf_members(t) + i;
	mn = btf__name_by_offset(btf, m->name_off);
	return mn && *mn ? (int)m->type : member_type(btf, m->type, name);
}

/* Byte offset of member `name` of struct `id`, inside anonymous members
 * too (6.12's pcpu_hot keeps preempt_count in an anonymous struct in an
 * anonymous union), or -1. */
static int member_offset(const struct btf *btf, int id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));
	int i = t && btf_is_composite(t) ? member_index(btf, t, name, true) : -1;
	const struct btf_member *m;
	const char *mn;
	int inner;

	if (i < 0)
		return -1;
	m = btf_members(t) + i;
	mn = btf__name_by_offset(btf, m->name_off);
	inner = mn && *mn ? 0 : member_offset(btf, m->type, name);
	return inner < 0 ? -1 : (int)(btf_member_bit_offset(t, i) / 8) + inner;
}

static int member_index(const struct btf *btf, const struct btf_type *t,
			const char *name, bool nested)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);

		if (mn && !strcmp(mn, name))
			return i;
		if (nested && (!mn || !*mn) && member_type(btf, m->type, name) >= 0)
			return i;
	}
	return -1;
}

static void note(struct lt_state_plan *sp, const char *fmt, const char *arg)
{
	if (sp->nnotes < LT_MAX_NOTES)
		snprintf(sp->notes[sp->nnotes++], sizeof(sp->notes[0]), fmt,
			 arg);
}

static void take(struct lt_state_plan *sp, enum lt_state_src src)
{
	if (sp->primary == LT_SRC_NONE)
		sp->primary = src;
	else if (sp->secondary == LT_SRC_NONE)
		sp->secondary = src;
}

bool state_has_v7_counters(const struct btf *btf)
{
	int task = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	int lms = task < 0 ? -1 : member_type(btf, task, "lazy_mmu_state");

	return lms >= 0 && member_type(btf, lms, "enable_count") >= 0;
}

static void plan_counters(const struct btf *btf, struct lt_state_plan *sp)
{
	int task = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	int lms = task < 0 ? -1 : member_type(btf, task, "lazy_mmu_state");

	if (lms < 0) {
		note(sp, "task_struct.lazy_mmu_state: absent%s",
		     " (kernel predates 7.0)");
		return;
	}
	/* 7.0 names first, then the draft names vendor backports carry. */
	if (member_type(btf, lms, "enable_count") >= 0) {
		sp->layout = LT_LAYOUT_V7;
	} else if (member_type(btf, lms, "nesting_level") >= 0) {
		sp->layout = LT_LAYOUT_V4;
		note(sp, "lazy_mmu_state uses draft v4/v5 names%s",
		     " {nesting_level, active}: no pause depth");
	} else if (member_type(btf, lms, "count") >= 0) {
		sp->layout = LT_LAYOUT_V3;
		note(sp, "lazy_mmu_state uses draft v3 names%s",
		     " {count, enabled}: no pause depth");
	} else {
		note(sp, "lazy_mmu_state: unknown layout%s", ", ignored");
		return;
	}
	take(sp, LT_SRC_TASK_COUNTERS);
	note(sp, "task_struct.lazy_mmu_state: %s", "present (7.0+ counters)");
}

/* The per-cpu Xen PV lazy mode, by era: xen_lazy_mode (6.7-6.19,
 * "x86/xen: move paravirt lazy code"), paravirt_lazy_mode before it
 * (6.1: a static per-cpu in arch/x86/kernel/paravirt.c, in BTF as a
 * static VAR). 7.0 dropped both for the task counters. */
static const char *const xen_vars[] = { "xen_lazy_mode", "paravirt_lazy_mode" };

static void plan_xen(const struct btf *btf, const struct lt_kinfo *ki,
		     struct lt_state_plan *sp)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (btf__find_by_name_kind(btf, xen_vars[i], BTF_KIND_VAR) >= 0)
			break;
	if (i == 2)
		return;
	/* The variable exists in every XEN_PV=y build; it only moves on a
	 * real PV guest, and reads NONE everywhere else. */
	if (!ki->xen_pv) {
		note(sp, "%s: present, not a Xen PV guest: unused",
		     xen_vars[i]);
		return;
	}
	sp->xen_var = i;
	take(sp, LT_SRC_XEN_PERCPU);
	note(sp, "%s: Xen PV guest, per-cpu mode read", xen_vars[i]);
	/* 6.12's enter_lazy() counts a nested enter of the same mode in
	 * xen_lazy_nesting and its leave_lazy() counts it down
	 * (arch/x86/include/asm/xen/hypervisor.h:77-99); 6.1's BUG()s. */
	if (btf__find_by_name_kind(btf, "xen_lazy_nesting", BTF_KIND_VAR) >= 0) {
		sp->leave_nests = true;
		note(sp, "xen_lazy_nesting: %s",
		     "Xen counts nested enters, a leave ends one level");
	}
}

static bool is_arm64(const struct lt_kinfo *ki)
{
	return !strcmp(ki->machine, "aarch64") || !strcmp(ki->machine, "arm64");
}

static void plan_tif(const struct lt_kinfo *ki, struct lt_state_plan *sp)
{
	int v = ki->major * 100 + ki->minor;

	/* 6.16-6.19 only: 7.0 moved the state to the task counters and
	 * made bit 31 TIF_LAZY_MMU_PENDING (7.2 thread_info.h:90). */
	if (!is_arm64(ki) || v < 616 || v >= 700 || sp->primary != LT_SRC_NONE)
		return;
	/* arm64 6.16-6.19 (barrier batching). TIF_LAZY_MMU is a #define,
	 * not in BTF: bit 31 per arch/arm64/include/asm/thread_info.h. */
	sp->tif_bit = 31;
	take(sp, LT_SRC_ARM64_TIF);
	note(sp, "thread_info.flags TIF_LAZY_MMU: %s",
	     "bit 31 (arm64 6.16-6.19, documented value)");
}

static void plan_irq(const struct btf *btf, const struct lt_kinfo *ki,
		     struct lt_state_plan *sp)
{
	int ti = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);

	/* PREEMPT_RT keeps the BH-off count in the task (state.bpf.h
	 * rt_bh_off), which both arches' tests read where it exists. */
	if (ti >= 0 && member_type(btf, ti, "softirq_disable_cnt") >= 0 &&
	    sp->primary != LT_SRC_NONE)
		note(sp, "BH-off test: %s",
		     "task softirq_disable_cnt (PREEMPT_RT)");
	if (!is_arm64(ki)) {
		/* x86-64: interrupts run on separate IRQ stacks */
		sp->irq_check = true;
		return;
	}
	ti = btf__find_by_name_kind(btf, "thread_info", BTF_KIND_STRUCT);
	sp->irq_check = ti >= 0 && member_type(btf, ti, "preempt_count") >= 0;
	if (!sp->irq_check && sp->primary != LT_SRC_NONE)
		note(sp, "interrupt filter: off, %s",
		     "thread_info.preempt_count not in BTF");
}

const char *const lt_state_syms[LT_STATE_SYMS] = {
	"__preempt_count", "pcpu_hot", "__per_cpu_offset",
	"__start_init_stack", "__end_init_stack",
	"__start_init_task", "__end_init_task",
};

/*
 * in_interrupt() is preempt_count() & (NMI | HARDIRQ | SOFTIRQ) masks, and
 * the 7.0 helpers, like Xen's own getters, say "not lazy" there: in
 * softirq-disabled task code too, which runs on the task's stack, so the
 * stack test cannot see it. x86 keeps the count per cpu: __preempt_count
 * (6.1, 6.15+) or pcpu_hot.preempt_count (6.2-6.14, "x86/percpu: Move
 * preempt_count next to current_task"). Per-cpu and data symbols are in
 * kallsyms only with KALLSYMS_ALL: without, the stack test stays.
 */
static void plan_preempt_count(const struct lt_ksyms *ks,
			       const struct btf *btf, struct lt_state_plan *sp)
{
	const struct lt_ksym *v = ksyms_find_data(ks, "__preempt_count");
	const struct lt_ksym *off = ksyms_find_data(ks, "__per_cpu_offset");
	int id, mt;

	if (!v && btf && (v = ksyms_find_data(ks, "pcpu_hot"))) {
		id = btf__find_by_name_kind(btf, "pcpu_hot", BTF_KIND_STRUCT);
		mt = id < 0 ? -1 : member_offset(btf, id, "preempt_count");
		if (mt < 0)
			v = NULL;
		else
			sp->pc_var = v->addr + mt;
	} else if (v) {
		sp->pc_var = v->addr;
	}
	if (!v || !off) {
		sp->pc_var = 0;
		if (sp->primary != LT_SRC_NONE)
			note(sp, "interrupt test: %s", "task stack only (no "
			     "__preempt_count in kallsyms): BH-off code is lazy");
		return;
	}
	sp->pcpu_offsets = off->addr;
	note(sp, "interrupt test: %s", "preempt_count, as in_interrupt()");
}

/*
 * THREAD_SIZE is PAGE_SIZE << (2 + KASAN_STACK_ORDER) on x86-64
 * (page_64_types.h, 6.1-7.2), not in BTF; the linker's init task stack
 * spans exactly one: __start_init_stack..__end_init_stack (6.12, 7.2) or
 * __start_init_task..__end_init_task (6.1), in kallsyms.
 */
void state_plan_stack(const struct lt_ksyms *ks, const struct btf *btf,
		      const struct lt_kinfo *ki, struct lt_state_plan *sp)
{
	static const char *const pairs[][2] = {
		{ "__start_init_stack", "__end_init_stack" },
		{ "__start_init_task", "__end_init_task" },
	};
	const struct lt_ksym *a, *b;
	unsigned long long size;
	char why[96];

	sp->thread_size = 16384;
	if (is_arm64(ki) || !ks)
		return;
	plan_preempt_count(ks, btf, sp);
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		/* text (T) on 7.2, data on others: any type will do */
		a = ksyms_find_data(ks, pairs[i][0]);
		b = ksyms_find_data(ks, pairs[i][1]);
		if (!a || !b)
			continue;
		size = b->addr - a->addr;
		if (b->addr <= a->addr || size < 8192 || size > 65536 ||
		    (size & (size - 1)))
			continue;
		sp->thread_size = size;
		snprintf(why, sizeof(why), "%llu KiB (kallsyms %s)", size >> 10,
			 pairs[i][0]);
		note(sp, "task stack: %s", why);
		return;
	}
	if (sp->primary != LT_SRC_NONE)
		note(sp, "task stack: %s", "16 KiB assumed (no init stack in "
		     "kallsyms); wrong with KASAN");
}

void state_plan(const struct btf *btf, const struct lt_kinfo *ki,
		const struct lt_plan *probes, struct lt_state_plan *sp)
{
	bool bounds = probes->ev[LT_EV_ENTER].method != LT_M_NONE &&
		      probes->ev[LT_EV_LEAVE].method != LT_M_NONE;

	memset(sp, 0, sizeof(*sp));
	sp->tif_bit = 31;
	sp->xen_var = 2;	/* none until plan_xen finds one */
	if (btf) {
		plan_counters(btf, sp);
		plan_xen(btf, ki, sp);
	}
	plan_tif(ki, sp);
	if (bounds && probes->ev[LT_EV_ENTER].method == LT_M_WATCH) {
		take(sp, LT_SRC_EVENT_DEPTH);
		note(sp, "section enter/leave: %s",
		     "watchpoints, depth mirrored per thread");
	} else if (bounds) {
		take(sp, LT_SRC_EVENT_DEPTH);
		note(sp, "section enter/leave: %s",
		     "real symbols, depth tracked per task");
	} else {
		note(sp, "section enter/leave: %s",
		     "no out-of-line symbol, event depth unused");
	}
	if (btf)
		plan_irq(btf, ki, sp);
	if (sp->primary == LT_SRC_NONE)
		snprintf(sp->lost, sizeof(sp->lost),
			 "no lazy-state source: alloc_in_lazy, flush_in_lazy, "
			 "open_at_*, sleep_in_lazy not observed; page "
			 "allocations, TLB flushes and batch sizes still are");
}
