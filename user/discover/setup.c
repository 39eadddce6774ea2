// SPDX-License-Identifier: GPL-2.0
/*
 * Discovery: everything learned about the running kernel before any BPF
 * object is opened. Each failure prints one line saying what is wrong and
 * what to do, and returns 2; nothing is attached yet, so nothing leaks.
 */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "elfsyms.h"
#include "feature_probe.h"
#include "floor.h"
#include "log.h"
#include "read_whole.h"
#include "setup.h"
#include "sym_subset.h"

/* CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON (5.8+). */
static int have_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return 0;
#define HAS(c) (d[(c) / 32].effective & (1u << ((c) % 32)))
	return HAS(21) || (HAS(38) && HAS(39));
#undef HAS
}

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
};

/* The tracefs directories to read, in order: --tracefs alone, or the
 * usual two (a missing one is no error: BPF links need no tracefs). */
static size_t tracefs_list(const struct lt_session *s, const char **dirs)
{
	if (s->cfg.tracefs_path) {
		dirs[0] = s->cfg.tracefs_path;
		return 1;
	}
	dirs[0] = tracefs_dirs[0];
	dirs[1] = tracefs_dirs[1];
	return 2;
}

/*
 * A directory the user names must be a mounted tracefs: an empty mount
 * point would silently cost the notrace list and the GFP names. statfs()
 * follows the automount under /sys/kernel/debug/tracing (4.1+), so the
 * magic is TRACEFS_MAGIC there too.
 */
static int check_tracefs(const struct lt_session *s)
{
	const char *dir = s->cfg.tracefs_path;
	struct statfs fs;

	if (!dir)
		return 0;
	if (statfs(dir, &fs)) {
		lt_err("cannot open tracefs %s: %s", dir, strerror(errno));
		return -ENOENT;
	}
	if (fs.f_type != TRACEFS_MAGIC) {
		lt_err("%s is not a mounted tracefs: mount -t tracefs nodev %s",
		       dir, dir);
		return -ENODEV;
	}
	return 0;
}

/* An enumerator of any BTF enum, e.g. ___GFP_IO_BIT (6.10+). */
static int btf_enum_value(const char *name, uint64_t *val, void *arg)
{
	const struct btf *btf = arg;
	unsigned int n = btf__type_cnt(btf);

	for (unsigned int id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e;

		if (!btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (int i = 0; i < btf_vlen(t); i++, e++) {
			if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
				*val = (uint32_t)e->val;
				return 0;
			}
		}
	}
	return -ENOENT;
}

/* gfp names from the format file; else from the BTF ___GFP_*_BIT enum. */
static void load_gfp(struct lt_session *s)
{
	const char *dirs[2];
	size_t n = tracefs_list(s, dirs);
	char path[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *text;

		snprintf(path, sizeof(path), "%s/events/kmem/mm_page_alloc/format",
			 dirs[i]);
		text = read_whole(path, &len);
		if (!text)
			continue;
		if (!gfp_parse_format(text, btf_enum_value, s->btf, &s->gfp) &&
		    s->gfp.n) {
			free(text);
			s->gfp_from_format = true;
			return;
		}
		free(text);
	}
	s->gfp.n = 0;
	if (!s->btf)
		return;
	for (int bit = 0; bit < 32; bit++) {
		static const char *const names[] = {
			"DMA", "HIGHMEM", "DMA32", "MOVABLE", "RECLAIMABLE",
			"HIGH", "IO", "FS", "ZERO", "UNUSED", "DIRECT_RECLAIM",
			"KSWAPD_RECLAIM", "WRITE", "NOWARN", "RETRY_MAYFAIL",
			"NOFAIL", "NORETRY", "MEMALLOC", "COMP", "NOMEMALLOC",
			"HARDWALL", "THISNODE", "ACCOUNT", "ZEROTAGS",
			"NOLOCKDEP", "NO_OBJ_EXT",
		};
		char ename[64], fname[40];
		uint64_t v;

		if (bit >= (int)(sizeof(names) / sizeof(*names)))
			break;
		snprintf(ename, sizeof(ename), "___GFP_%s_BIT", names[bit]);
		if (btf_enum_value(ename, &v, s->btf))
			continue;
		snprintf(fname, sizeof(fname), "__GFP_%s", names[bit]);
		gfp_table_add(&s->gfp, 1ULL << v, fname);
	}
}

static int check_filters(struct lt_session *s)
{
	struct lt_config *c = &s->cfg;
	struct statfs fs;
	struct stat st;

	if (c->pid && kill(c->pid, 0) && errno == ESRCH) {
		lt_err("no such process: %d", c->pid);
		return -ESRCH;
	}
	if (c->cgroup_path) {
		if (statfs(c->cgroup_path, &fs) || stat(c->cgroup_path, &st)) {
			lt_err("cannot open cgroup %s: %s", c->cgroup_path,
			       strerror(errno));
			return -ENOENT;
		}
		if (fs.f_type != CGROUP2_SUPER_MAGIC || !S_ISDIR(st.st_mode)) {
			lt_err("%s is not a cgroup v2 directory", c->cgroup_path);
			return -ENOTDIR;
		}
		/* On cgroup2 the cgroup id is the directory's inode number. */
		s->cgroup_id = st.st_ino;
	}
	return 0;
}

static int open_output(struct lt_session *s)
{
	if (!s->cfg.output) {
		s->out = stdout;
		return 0;
	}
	s->out = fopen(s->cfg.output, "w");
	if (!s->out) {
		lt_err("cannot write %s: %s", s->cfg.output, strerror(errno));
		return -EACCES;
	}
	return 0;
}

static const char *kallsyms_path(const struct lt_session *s)
{
	return s->cfg.kallsyms_path ? s->cfg.kallsyms_path : "/proc/kallsyms";
}

#define LT_CATALOG_SYMS	(LT_EV_MAX * LT_MAX_CANDS)

/* For planning: only the catalog's functions (sym_subset.h). */
static int load_symbols(struct lt_session *s)
{
	const char *ksp = kallsyms_path(s), *dirs[2];
	const char *names[LT_CATALOG_SYMS + LT_STATE_SYMS];
	size_t n = catalog_symbols(names, LT_CATALOG_SYMS);
	size_t ndirs = tracefs_list(s, dirs);
	char path[PATH_MAX];

	/* the catalog's functions, and what the state plan reads */
	memcpy(names + n, lt_state_syms, sizeof(lt_state_syms));
	n += LT_STATE_SYMS;
	s->ks = ksyms_load_naming(ksp, names, n);
	if (!s->ks) {
		lt_err("cannot read %s: %s", ksp, strerror(errno));
		return -ENOENT;
	}
	if (ksyms_hidden(s->ks)) {
		lt_err("kallsyms addresses are hidden: run as root or set "
		       "kernel.kptr_restrict=0");
		return -EPERM;
	}
	for (size_t i = 0; !s->filters && i < ndirs; i++) {
		snprintf(path, sizeof(path), "%s/available_filter_functions",
			 dirs[i]);
		s->filters = strset_load_naming(path, names, n);
	}
	return 0;
}

static int load_btf(struct lt_session *s)
{
	const char *path = s->cfg.btf_path ? s->cfg.btf_path
					   : "/sys/kernel/btf/vmlinux";

	libbpf_print_fn_t print = libbpf_set_print(NULL);

	/* libbpf's own complaint would be a second line: ours says it all */
	s->btf = btf__parse(path, NULL);
	libbpf_set_print(print);
	if (!s->btf && s->cfg.btf_path) {
		lt_err("no kernel BTF at %s: %s", path, errno >= 4000 ?
		       "not a BTF or ELF file" : strerror(errno));
		return -ENOENT;
	}
	if (!s->btf) {
		lt_err("no kernel BTF at %s: needs CONFIG_DEBUG_INFO_BTF=y, "
		       "or pass --btf FILE", path);
		return -ENOENT;
	}
	return 0;
}

/* The first allocator candidate found is the trial target for features. */
static void trial_targets(struct lt_session *s, const char **fentry,
			  uint64_t *kaddr)
{
	const struct lt_event_def *d = &lt_catalog[LT_EV_PAGE_ALLOC];

	*fentry = d->cands[0].symbol;
	*kaddr = 0;
	for (int i = 0; i < LT_MAX_CANDS && d->cands[i].symbol; i++) {
		const struct lt_ksym *k;

		if (!d->cands[i].fentry)
			continue;
		if (btf__find_by_name_kind(s->btf, d->cands[i].symbol,
					   BTF_KIND_FUNC) >= 0 &&
		    ksyms_find_all(s->ks, d->cands[i].symbol, &k, 1) == 1) {
			*fentry = d->cands[i].symbol;
			*kaddr = k->addr;
			return;
		}
	}
}

/* A forced --mode must be possible here, or it is a setup error. */
static int check_mode(struct lt_session *s)
{
	if (s->cfg.mode == LT_MODE_FENTRY && !s->feat.fentry) {
		lt_err("--mode fentry: fentry unavailable (%s); try --mode auto",
		       s->feat.fentry_why);
		return -EOPNOTSUPP;
	}
	if (s->cfg.mode == LT_MODE_KPROBE && !s->feat.kprobe) {
		lt_err("--mode kprobe: kprobes unavailable (%s); try --mode auto",
		       s->feat.kprobe_why);
		return -EOPNOTSUPP;
	}
	if (!s->feat.raw_tp && !s->feat.fentry && !s->feat.kprobe) {
		lt_err("no BPF attach method works here (raw_tp: %s)",
		       s->feat.raw_tp_why);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * --uprobe-target: the catalog resolves against the model's ELF, the state
 * is the event-tracked depth, and stacks are the model's user stacks.
 */
static int plan_uprobe_target(struct lt_session *s)
{
	struct lt_ksyms *ks = elfsyms_load(s->cfg.uprobe_target);
	struct lt_symsrc src;

	if (!ks) {
		lt_err("cannot read uprobe target %s: %s", s->cfg.uprobe_target,
		       errno == ENOEXEC ? "no ELF function symbols"
					: strerror(errno));
		return -ENOENT;
	}
	if (s->cfg.mode != LT_MODE_AUTO) {
		lt_err("--mode does not apply to --uprobe-target");
		ksyms_free(ks);
		return -EINVAL;
	}
	ksyms_free(s->ks);
	s->ks = ks;
	src = (struct lt_symsrc){ s->ks, NULL, s->btf };
	catalog_resolve(&src, &s->feat, LT_MODE_UPROBE, &s->plan);
	if (s->plan.ev[LT_EV_ENTER].method == LT_M_NONE ||
	    s->plan.ev[LT_EV_LEAVE].method == LT_M_NONE) {
		lt_err("%s has no section enter/leave function to probe",
		       s->cfg.uprobe_target);
		return -ENOENT;
	}
	memset(&s->sp, 0, sizeof(s->sp));
	s->sp.primary = LT_SRC_EVENT_DEPTH;
	snprintf(s->sp.notes[s->sp.nnotes++], sizeof(s->sp.notes[0]),
		 "uprobe target: depth tracked from the model's enter/leave");
	/* The model's sections live in user space: syscalls and context
	 * switches say nothing about them. */
	plan_skip(&s->plan, LT_EV_SYSCALL_EXIT, "uprobe target");
	plan_skip(&s->plan, LT_EV_SCHED_SWITCH, "uprobe target");
	return 0;
}

/*
 * Without a lazy-state source no finding can be raised: an explicit rule
 * set or --fail-on would pass silently, so they are errors, not degrades.
 */
static int check_judging(struct lt_session *s)
{
	if (s->sp.primary != LT_SRC_NONE || s->cfg.list_probes)
		return 0;
	if (s->cfg.rules >= 0) {
		lt_err("--rules %s: no lazy state to judge on this kernel; "
		       "see --list-probes", lt_rulesets[s->rules].name);
		return -EINVAL;
	}
	if (s->cfg.fail_on) {
		lt_err("--fail-on could never fail: no lazy state on this "
		       "kernel; see --list-probes");
		return -EINVAL;
	}
	return 0;
}

/*
 * --boundaries watch needs the 7.0 counters and the kernel's breakpoint
 * PMU (CONFIG_HAVE_HW_BREAKPOINT registers it as "breakpoint").
 */
static void watch_feature(struct lt_session *s)
{
	struct lt_features *f = &s->feat;

	f->watch = s->cfg.watch;
	/* arm64 refuses per-task kernel watchpoints ("would complicate the
	 * stepping code", 7.2 arch/arm64/kernel/hw_breakpoint.c:578-581):
	 * each thread takes one on every CPU instead. */
	f->watch_per_cpu = !strcmp(s->ki.machine, "aarch64");
	if (!s->btf || !state_has_v7_counters(s->btf))
		snprintf(f->watch_why, sizeof(f->watch_why),
			 "no 7.0 counters in BTF (kernel before 7.0)");
	else if (access("/sys/bus/event_source/devices/breakpoint", F_OK))
		snprintf(f->watch_why, sizeof(f->watch_why),
			 "no hardware breakpoint PMU in this kernel");
	else
		f->watch_ok = true;
}

int setup_discover(struct lt_session *s)
{
	struct lt_symsrc src;
	const char *ftarget;
	uint64_t kaddr;
	int rc;

	if (!have_caps()) {
		lt_err("needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)");
		return -EPERM;
	}
	rc = load_btf(s);
	if (!rc)
		rc = load_symbols(s);
	if (!rc)
		rc = check_filters(s);
	if (!rc)
		rc = check_tracefs(s);
	if (rc)
		return rc;
	kinfo_read(&s->ki);
	load_gfp(s);
	trial_targets(s, &ftarget, &kaddr);
	features_probe(s->btf, ftarget, kaddr, &s->feat);
	s->feat.xen_pv = s->ki.xen_pv;
	s->feat.preemptible = kinfo_preemptible(&s->ki);
	/* PREEMPT_RT runs bpf_mem_alloc's refill irq_work in a thread, late:
	 * the burst of findings of one exit emptied the per-CPU cache and
	 * 16 inserts were refused (Debian rt-amd64 7.2, measured). */
	if (s->feat.alloc_at_insert && !strcmp(s->ki.preempt, "rt")) {
		s->feat.alloc_at_insert = false;
		s->feat.prealloc_why = "PREEMPT_RT refills\n"
			"  bpf_mem_alloc late: inserts in a burst would fail";
	}
	watch_feature(s);
	rc = check_mode(s);
	if (rc)
		return rc;
	if (s->cfg.uprobe_target) {
		rc = plan_uprobe_target(s);
		if (rc)
			return rc;
	} else {
		src = (struct lt_symsrc){ s->ks, s->filters, s->btf };
		catalog_resolve(&src, &s->feat, s->cfg.mode, &s->plan);
		state_plan(s->btf, &s->ki, &s->plan, &s->sp);
		state_plan_stack(s->ks, s->btf, &s->ki, &s->sp);
	}
	/* the plan may show why; tracing without it would mislead */
	if (s->feat.watch && !s->feat.watch_ok && !s->cfg.list_probes) {
		lt_err("--boundaries watch: %s", s->feat.watch_why);
		return -EOPNOTSUPP;
	}
	if (s->sp.primary == LT_SRC_NONE) {
		for (int e = 0; e < LT_EV_MAX; e++)
			if (lt_catalog[e].needs_state)
				plan_skip(&s->plan, e, "no lazy-state source");
	}
	if (s->plan.ev[LT_EV_ENTER].method == LT_M_NONE ||
	    s->plan.ev[LT_EV_LEAVE].method == LT_M_NONE) {
		plan_skip(&s->plan, LT_EV_SWITCH_OUT,
			  "no section boundaries to tell apart");
		plan_skip(&s->plan, LT_EV_SWITCH_IN,
			  "no section boundaries to tell apart");
	}
	floor_apply(&s->plan, s->cfg.bench_floor);
	s->rules = s->cfg.rules >= 0 ? (enum lt_rules)s->cfg.rules
				     : rules_default(&s->ki, &s->sp);
	rc = check_judging(s);
	if (rc)
		return rc;
	if (s->plan.ev[LT_EV_PAGE_ALLOC].method == LT_M_NONE &&
	    s->plan.ev[LT_EV_TLB_FLUSH].method == LT_M_NONE &&
	    !s->cfg.list_probes) {
		lt_err("no page allocation or TLB flush probe can attach here; "
		       "see --list-probes");
		return -ENOENT;
	}
	if (s->cfg.list_probes)
		return 0;
	/* The plan is made: drop the kernel BTF, the filter list and
	 * kallsyms (read again after attach, setup_reload_ksyms) before
	 * libbpf loads its own copy of the BTF, or the loader's peak RSS
	 * holds them all (docs/PERFORMANCE.md). */
	btf__free(s->btf);
	s->btf = NULL;
	strset_free(s->filters);
	s->filters = NULL;
	if (!s->cfg.uprobe_target) {
		ksyms_free(s->ks);
		s->ks = NULL;
	}
	return open_output(s);
}

/* Programs and trampolines get kallsyms entries when they load: read it
 * again, now that they are loaded, so stacks through other tools'
 * trampolines have names. setup_discover() dropped the first copy. */
int setup_reload_ksyms(struct lt_session *s)
{
	if (s->cfg.uprobe_target)	/* stacks are the model's */
		return 0;
	ksyms_free(s->ks);
	s->ks = ksyms_load(kallsyms_path(s));
	if (!s->ks) {
		lt_err("cannot read %s again: %s", kallsyms_path(s),
		       strerror(errno));
		return -ENOENT;
	}
	return 0;
}

void setup_free(struct lt_session *s)
{
	if (s->out && s->out != stdout)
		fclose(s->out);
	s->out = NULL;
	strset_free(s->filters);
	ksyms_free(s->ks);
	btf__free(s->btf);
}
