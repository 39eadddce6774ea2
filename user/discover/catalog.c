// SPDX-License-Identifier: GPL-2.0
/*
 * The probe catalog. Rows are logical events; candidates are tried in the
 * order given, and for each candidate the attach ladder (fentry, kprobe by
 * address, raw tracepoint) is walked. Adding a kernel era means adding a
 * candidate line here, not code.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "catalog.h"
#include "ksyms.h"
#include "lazytrace.skel.h"

/*
 * A program by its skeleton name: the name as a string, checked at build
 * time against the skeleton's fields (a typo does not compile). Only the
 * type is used; the catalog never touches a loaded skeleton.
 */
#define PROG(name)	&(#name)[0 * sizeof(((struct lazytrace_bpf *)0)->progs.name)]

#define BOUNDARY_LOST "nesting depth from events, section span"

/* --boundaries watch: every boundary is a write to these two bytes. */
#define WATCH_CAND { "task_struct.lazy_mmu_state", .watch = PROG(pe_watch), \
	.why = "7.0+: write watchpoint per thread (--boundaries watch)", \
	.needs = LT_NEED_WATCH }

const struct lt_event_def lt_catalog[LT_EV_MAX] = {
	/* The 7.0 generic helpers count nesting; the arch hooks below them
	 * only see the outermost transitions, so the helpers come first. */
	[LT_EV_ENTER] = { LT_EV_ENTER, "section_enter", BOUNDARY_LOST, false, {
		WATCH_CAND,
		{ "lazy_mmu_mode_enable", PROG(fe_enter), PROG(kp_enter), NULL,
		  "7.0 generic helper; inline upstream" },
		{ "arch_enter_lazy_mmu_mode", PROG(fe_enter), PROG(kp_enter), NULL,
		  "sparc64: out of line in arch/sparc/mm/tlb.c" },
		{ "xen_enter_lazy_mmu", PROG(fe_enter), PROG(kp_enter), NULL,
		  "x86 Xen PV 6.7+: reached through pv_ops", LT_NEED_XEN_PV },
		{ "paravirt_enter_lazy_mmu", PROG(fe_enter), PROG(kp_enter), NULL,
		  "x86 Xen PV <= 6.6", LT_NEED_XEN_PV },
	} },
	[LT_EV_LEAVE] = { LT_EV_LEAVE, "section_leave", BOUNDARY_LOST, false, {
		WATCH_CAND,
		{ "lazy_mmu_mode_disable", PROG(fe_leave), PROG(kp_leave), NULL,
		  "7.0 generic helper; inline upstream", 0, LT_LEAVE_COUNT },
		{ "arch_leave_lazy_mmu_mode", PROG(fe_leave), PROG(kp_leave), NULL,
		  "sparc64", 0, LT_LEAVE_OFF },
		{ "xen_leave_lazy_mmu", PROG(fe_leave), PROG(kp_leave), NULL,
		  "x86 Xen PV", LT_NEED_XEN_PV, LT_LEAVE_OFF },
	} },
	[LT_EV_FLUSH] = { LT_EV_FLUSH, "section_flush", "nested-leave flushes",
			  false, {
		{ "arch_flush_lazy_mmu_mode", PROG(fe_flush), PROG(kp_flush), NULL,
		  "sparc64 7.0+" },
		{ "xen_flush_lazy_mmu", PROG(fe_flush), PROG(kp_flush), NULL,
		  "x86 Xen PV", LT_NEED_XEN_PV },
		{ "paravirt_flush_lazy_mmu", PROG(fe_flush), PROG(kp_flush), NULL,
		  "x86 Xen PV <= 6.6", LT_NEED_XEN_PV },
	} },
	[LT_EV_PAUSE] = { LT_EV_PAUSE, "section_pause",
			  "pause depth from events", false, {
		WATCH_CAND,
		{ "lazy_mmu_mode_pause", PROG(fe_pause), PROG(kp_pause), NULL,
		  "7.0 generic helper; inline upstream" },
	} },
	[LT_EV_RESUME] = { LT_EV_RESUME, "section_resume",
			   "pause depth from events", false, {
		WATCH_CAND,
		{ "lazy_mmu_mode_resume", PROG(fe_resume), PROG(kp_resume), NULL,
		  "7.0 generic helper; inline upstream" },
	} },
	[LT_EV_PAGE_ALLOC] = { LT_EV_PAGE_ALLOC, "page_alloc",
			       "alloc_in_lazy, allocation order", false, {
		/* Every entry point funnels here, so nothing is missed. */
		{ "__alloc_frozen_pages_noprof", PROG(fe_alloc), PROG(kp_alloc), NULL,
		  "6.14+" },
		{ "__alloc_pages_noprof", PROG(fe_alloc), PROG(kp_alloc), NULL,
		  "6.10-6.13 (memory allocation profiling)" },
		{ "__alloc_pages", PROG(fe_alloc), PROG(kp_alloc), NULL, "<= 6.9" },
		/* Entry points: only their callers are covered. */
		{ "get_free_pages_noprof", PROG(fe_alloc), PROG(kp_alloc), NULL,
		  "6.10+ __get_free_pages" },
		{ "__get_free_pages", PROG(fe_alloc), PROG(kp_alloc), NULL, "<= 6.9" },
		{ "kmem:mm_page_alloc", NULL, NULL, PROG(tp_page_alloc),
		  "any kernel" },
	} },
	[LT_EV_TLB_FLUSH] = { LT_EV_TLB_FLUSH, "tlb_flush",
			      "flush_in_lazy, flush span", false, {
		/* x86 first: its tlb_flush() is flush_tlb_mm_range() (7.2
		 * arch/x86/include/asm/tlb.h:13-24), so that one symbol sees
		 * every gather flush and the flushes outside gathers too,
		 * while some copies of the inline below are notrace (sid
		 * 7.2) or inlined away. */
		{ "flush_tlb_mm_range", PROG(fe_flush_range), PROG(kp_flush_range),
		  NULL, "x86" },
		/* A static inline with one copy per user and no BTF entry:
		 * only kprobes by address can see every copy. */
		{ "tlb_flush_mmu_tlbonly", NULL, PROG(kp_flush_gather), NULL,
		  "all arches; one static copy per user" },
		{ "tlb:tlb_flush", NULL, NULL, PROG(tp_tlb_flush), "x86" },
	} },
	[LT_EV_NEXT_BATCH] = { LT_EV_NEXT_BATCH, "gather_next_batch",
			       "next-batch counts", false, {
		{ "tlb_next_batch", PROG(fe_next_batch), PROG(kp_next_batch), NULL,
		  "all" },
	} },
	[LT_EV_BATCH_FREE] = { LT_EV_BATCH_FREE, "gather_batch_free",
			       "pages per batch", false, {
		{ "__tlb_batch_free_encoded_pages", PROG(fe_batch_free),
		  PROG(kp_batch_free), NULL, "6.9+" },
		/* Its caller, where the above is inlined (sid arm64 7.2):
		 * walks the chain. Before free_pages_and_swap_cache, which
		 * 6.9+ passes encoded entries, not pages (a folio range is
		 * two entries). */
		{ "tlb_batch_pages_flush", PROG(fe_batch_flush_gather),
		  PROG(kp_batch_flush_gather), NULL,
		  "all eras: the whole batch chain, one event per batch" },
		{ "free_pages_and_swap_cache", PROG(fe_batch_free_nr),
		  PROG(kp_batch_free_nr), NULL, "<= 6.8: one call per batch" },
	} },
	[LT_EV_TABLE_FREE] = { LT_EV_TABLE_FREE, "gather_table_free",
			       "table-free counts", false, {
		/* x86 native before 6.14 ("x86: mm: free page table pages by
		 * RCU instead of semi RCU") frees tables with tlb_remove_page
		 * through pv_ops: they land in page batches and this counts
		 * 0 there (bookworm 6.1, trixie 6.12), yet is right to attach
		 * (Xen PV uses it). */
		{ "tlb_remove_table", PROG(fe_table_free), PROG(kp_table_free), NULL,
		  "MMU_GATHER_TABLE_FREE arches; x86 native 6.14+" },
	} },
	[LT_EV_GATHER_FINISH] = { LT_EV_GATHER_FINISH, "gather_finish",
				  "batches per gather, fullmm", false, {
		{ "tlb_finish_mmu", PROG(fe_gather_finish), PROG(kp_gather_finish),
		  NULL, "all" },
	} },
	[LT_EV_SYSCALL_EXIT] = { LT_EV_SYSCALL_EXIT, "syscall_exit",
				 "open_at_user_return", true, {
		{ "raw_syscalls:sys_exit", NULL, NULL, PROG(tp_sys_exit), "all" },
	} },
	[LT_EV_TASK_EXIT] = { LT_EV_TASK_EXIT, "task_exit", "open_at_exit",
			      true, {
		{ "sched:sched_process_exit", NULL, NULL, PROG(tp_task_exit),
		  "all" },
	} },
	[LT_EV_SCHED_SWITCH] = { LT_EV_SCHED_SWITCH, "sched_switch",
				 "sleep_in_lazy", true, {
		{ "sched:sched_switch", NULL, NULL, PROG(tp_sched_switch), "all" },
	} },
	/* Pre-7.0 Xen PV leaves lazy mode for a task switched out inside a
	 * section and enters it again when it runs, through the enter and
	 * leave hooks above: these tell such pairs from boundaries. 7.x
	 * pauses the task counters instead (docs/STATE.md). */
	[LT_EV_SWITCH_OUT] = { LT_EV_SWITCH_OUT, "switch_out",
			       "sections preempted: boundaries drift", true, {
		{ "paravirt_start_context_switch", PROG(fe_switch_out),
		  PROG(kp_switch_out), NULL, "x86 Xen PV <= 6.6",
		  LT_NEED_XEN_PV },
		{ "xen_start_context_switch", PROG(fe_switch_out),
		  PROG(kp_switch_out), NULL, "x86 Xen PV 6.7+", LT_NEED_XEN_PV },
	} },
	[LT_EV_SWITCH_IN] = { LT_EV_SWITCH_IN, "switch_in",
			      "sections preempted: boundaries drift", true, {
		{ "paravirt_end_context_switch", PROG(fe_switch_in),
		  PROG(kp_switch_in), NULL, "x86 Xen PV <= 6.6", LT_NEED_XEN_PV },
		{ "xen_end_context_switch", PROG(fe_switch_in), PROG(kp_switch_in),
		  NULL, "x86 Xen PV 6.7+", LT_NEED_XEN_PV },
	} },
};

const char *method_name(enum lt_method m)
{
	static const char *const names[] = {
		[LT_M_NONE] = "-", [LT_M_FENTRY] = "fentry",
		[LT_M_KPROBE] = "kprobe", [LT_M_TRACEPOINT] = "raw_tp",
		[LT_M_UPROBE] = "uprobe", [LT_M_WATCH] = "watch",
	};
	return m <= LT_M_WATCH ? names[m] : "?";
}

const char *event_name(enum lt_event ev)
{
	return ev < LT_EV_MAX ? lt_catalog[ev].name : "?";
}

int mode_parse(const char *s, enum lt_mode *out)
{
	static const char *const names[] = { "auto", "fentry", "kprobe",
					     "tracepoint" };	/* not uprobe */

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum lt_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

static void add_why(struct lt_choice *ch, const char *sym, const char *msg)
{
	size_t len = strlen(ch->why);

	snprintf(ch->why + len, sizeof(ch->why) - len, "%s: %s\n", sym, msg);
}

static bool try_fentry(const struct lt_candidate *c, const struct lt_symsrc *s,
		       const struct lt_features *f, struct lt_choice *ch)
{
	const struct lt_ksym *k[2];
	size_t n;
	int id;

	if (!c->fentry)
		return false;
	if (!f->fentry)		/* the features section says why */
		return false;
	if (!s->btf) {
		add_why(ch, c->symbol, "no kernel BTF for fentry");
		return false;
	}
	id = btf__find_by_name_kind(s->btf, c->symbol, BTF_KIND_FUNC);
	if (id < 0) {
		add_why(ch, c->symbol, "not in BTF");
		return false;
	}
	if (s->ksyms) {
		n = ksyms_find_all(s->ksyms, c->symbol, k, 2);
		if (n == 0) {
			add_why(ch, c->symbol, "in BTF, not in kallsyms (inlined)");
			return false;
		}
		/* fentry resolves the target by exact name: one copy only. */
		if (n > 1 || strcmp(k[0]->name, c->symbol)) {
			add_why(ch, c->symbol,
				"several or renamed copies: fentry cannot pick");
			return false;
		}
	}
	if (s->filters && !strset_has(s->filters, c->symbol)) {
		add_why(ch, c->symbol, "notrace (not in available_filter_functions)");
		return false;
	}
	ch->method = LT_M_FENTRY;
	ch->prog = c->fentry;
	ch->btf_id = id;
	ch->ncopies = 1;
	snprintf(ch->names[0], sizeof(ch->names[0]), "%s", c->symbol);
	return true;
}

static bool try_kprobe(const struct lt_candidate *c, const struct lt_symsrc *s,
		       const struct lt_features *f, struct lt_choice *ch)
{
	const struct lt_ksym *k[LT_MAX_COPIES];
	size_t n, skipped = 0;

	if (!c->kprobe)
		return false;
	if (!s->ksyms) {
		add_why(ch, c->symbol, "kallsyms unreadable");
		return false;
	}
	n = ksyms_find_all(s->ksyms, c->symbol, k, LT_MAX_COPIES);
	if (n == 0) {
		add_why(ch, c->symbol, "not in kallsyms (inlined or absent)");
		return false;
	}
	if (!f->kprobe) {
		add_why(ch, c->symbol, "in kallsyms, but no kprobes here");
		return false;
	}
	if (n > LT_MAX_COPIES)
		n = LT_MAX_COPIES;
	ch->ncopies = 0;
	for (size_t i = 0; i < n; i++) {
		if (s->filters && !strset_has(s->filters, k[i]->name)) {
			skipped++;
			continue;
		}
		ch->addrs[ch->ncopies] = k[i]->addr;
		snprintf(ch->names[ch->ncopies], sizeof(ch->names[0]), "%s",
			 k[i]->name);
		ch->ncopies++;
	}
	if (!ch->ncopies) {
		add_why(ch, c->symbol, "notrace (not in available_filter_functions)");
		return false;
	}
	if (skipped) {
		char msg[80];

		snprintf(msg, sizeof(msg), "%zu of %zu copies notrace, skipped",
			 skipped, n);
		add_why(ch, c->symbol, msg);
	}
	ch->method = LT_M_KPROBE;
	ch->prog = c->kprobe;
	return true;
}

static bool try_tracepoint(const struct lt_candidate *c,
			   const struct lt_symsrc *s,
			   const struct lt_features *f, struct lt_choice *ch)
{
	const char *name;
	char tname[96];

	if (!c->tp)
		return false;
	if (!f->raw_tp) {
		add_why(ch, c->symbol, "raw tracepoints unavailable");
		return false;
	}
	name = strchr(c->symbol, ':');
	name = name ? name + 1 : c->symbol;
	/* Every raw tracepoint has a btf_trace_<name> typedef: no tracefs
	 * needed to know it exists. */
	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	if (s->btf && btf__find_by_name_kind(s->btf, tname, BTF_KIND_TYPEDEF) < 0) {
		add_why(ch, c->symbol, "tracepoint not in this kernel");
		return false;
	}
	ch->method = LT_M_TRACEPOINT;
	ch->prog = c->tp;
	ch->ncopies = 1;
	snprintf(ch->names[0], sizeof(ch->names[0]), "%s", name);
	return true;
}

/* A uprobe target: the model's own function of that name. */
static bool try_uprobe(const struct lt_candidate *c, const struct lt_symsrc *s,
		       const struct lt_features *f, struct lt_choice *ch)
{
	const struct lt_ksym *k;

	if (!c->kprobe)
		return false;
	if (!s->ksyms || !ksyms_find_all(s->ksyms, c->symbol, &k, 1)) {
		add_why(ch, c->symbol, "not in the uprobe target");
		return false;
	}
	ch->method = LT_M_UPROBE;
	ch->prog = c->kprobe;
	ch->ncopies = 1;
	ch->addrs[0] = k->addr;
	snprintf(ch->names[0], sizeof(ch->names[0]), "%s", k->name);
	return true;
}

/* A watchpoint on the task's counters (user/load/watch.c): one program for
 * every boundary event. */
static bool try_watch(const struct lt_candidate *c, const struct lt_symsrc *s,
		      const struct lt_features *f, struct lt_choice *ch)
{
	(void)s;
	if (!f->watch_ok) {
		add_why(ch, c->symbol, f->watch_why);
		return false;
	}
	ch->method = LT_M_WATCH;
	ch->prog = c->watch;
	ch->ncopies = 1;
	snprintf(ch->names[0], sizeof(ch->names[0]), "%s", c->symbol);
	return true;
}

typedef bool (*try_fn)(const struct lt_candidate *, const struct lt_symsrc *,
		       const struct lt_features *, struct lt_choice *);

/*
 * The ladder each --mode walks, per candidate. On a fully preemptible
 * kernel a task can be preempted inside an fentry program (it runs with
 * only migration off); the kernel then skips every other run of that
 * program on the CPU until it resumes, and counts a recursion miss
 * (measured: ~10,000 in a two-workload Xen dom0 run with preempt=full,
 * none in kprobe mode, whose programs run with preemption off). So auto
 * mode puts kprobes first there.
 */
static const try_fn auto_preemptible[3] = { try_kprobe, try_fentry,
					    try_tracepoint };
static const try_fn ladders[][3] = {
	[LT_MODE_AUTO] = { try_fentry, try_kprobe, try_tracepoint },
	[LT_MODE_FENTRY] = { try_fentry, try_tracepoint, NULL },
	[LT_MODE_KPROBE] = { try_kprobe, try_tracepoint, NULL },
	[LT_MODE_TRACEPOINT] = { try_tracepoint, NULL, NULL },
	[LT_MODE_UPROBE] = { try_uprobe, try_tracepoint, NULL },
};

/* Events observed only through kernel tracepoints (task exit, ...). */
static bool tracepoint_only(const struct lt_event_def *d)
{
	for (int i = 0; i < LT_MAX_CANDS && d->cands[i].symbol; i++)
		if (!d->cands[i].tp)
			return false;
	return true;
}

size_t catalog_symbols(const char **out, size_t max)
{
	size_t n = 0;

	for (int e = 0; e < LT_EV_MAX; e++)
		for (int i = 0; i < LT_MAX_CANDS; i++) {
			const char *sym = lt_catalog[e].cands[i].symbol;

			/* "group:name" is a tracepoint, a watch a struct
			 * member: neither is in kallsyms */
			if (!sym || strchr(sym, ':') ||
			    lt_catalog[e].cands[i].watch)
				continue;
			if (n < max)
				out[n] = sym;
			n++;
		}
	return n;
}

void catalog_resolve(const struct lt_symsrc *src,
		     const struct lt_features *feat, enum lt_mode mode,
		     struct lt_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	for (int e = 0; e < LT_EV_MAX; e++) {
		const struct lt_event_def *d = &lt_catalog[e];
		struct lt_choice *ch = &plan->ev[e];

		for (int i = 0; i < LT_MAX_CANDS && d->cands[i].symbol; i++) {
			const struct lt_candidate *c = &d->cands[i];
			bool ok = false;

			/* A model's events come from the model, not the kernel. */
			if (mode == LT_MODE_UPROBE && c->tp && !tracepoint_only(d))
				continue;
			/* asked for, it comes first and alone; else silent */
			if (c->needs & LT_NEED_WATCH) {
				if (feat->watch && try_watch(c, src, feat, ch)) {
					ch->cand = c;
					break;
				}
				continue;
			}
			if ((c->needs & LT_NEED_XEN_PV) && !feat->xen_pv) {
				add_why(ch, c->symbol,
					"Xen PV hook, idle: not a Xen PV guest");
				continue;
			}
			const try_fn *ladder = mode == LT_MODE_AUTO &&
				feat->preemptible ? auto_preemptible :
				ladders[mode];

			for (int r = 0; r < 3 && ladder[r] && !ok; r++)
				ok = ladder[r](c, src, feat, ch);
			if (!ok && !strstr(ch->why, c->symbol))
				add_why(ch, c->symbol, mode == LT_MODE_AUTO ?
					"no attach method works here" :
					"no method allowed by --mode");
			if (ok) {
				ch->cand = c;
				break;
			}
		}
		if (ch->method != LT_M_NONE) {
			ch->first_slot = plan->nslots;
			plan->nslots += ch->ncopies;
		}
	}
}

const char *plan_slot_name(const struct lt_plan *plan, unsigned int slot,
			   enum lt_event *ev)
{
	for (int e = 0; e < LT_EV_MAX; e++) {
		const struct lt_choice *ch = &plan->ev[e];

		if (ch->method == LT_M_NONE)
			continue;
		if (slot >= ch->first_slot && slot < ch->first_slot + ch->ncopies) {
			if (ev)
				*ev = (enum lt_event)e;
			return ch->names[slot - ch->first_slot];
		}
	}
	return NULL;
}

void plan_skip(struct lt_plan *plan, enum lt_event ev, const char *why)
{
	struct lt_choice *ch = &plan->ev[ev];

	if (ch->method == LT_M_NONE)
		return;
	ch->method = LT_M_NONE;
	ch->cand = NULL;
	ch->prog = NULL;
	ch->ncopies = 0;
	add_why(ch, "skipped", why);
}
