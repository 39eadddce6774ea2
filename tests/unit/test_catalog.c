/* Catalog resolution and state planning against fixture kallsyms,
 * available_filter_functions and a real (clang-built) BTF blob. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "catalog.h"
#include "floor.h"
#include <bpf/libbpf.h>
#include <stdio.h>
#include "ksyms.h"
#include "rules.h"
#include "state_src.h"
#include "fixtures.h"
#include "read_whole.h"

struct env {
	struct lt_ksyms *ks;
	struct lt_strset *filters;
	struct btf *btf;
	struct lt_symsrc src;
	struct lt_plan plan;
};

static const struct lt_features all_on = {
	.fentry = true, .kprobe = true, .raw_tp = true,
};
static const struct lt_features host_like = {
	.raw_tp = true, .fentry_why = "trial load: EPERM",
	.kprobe_why = "no kprobe PMU",
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->ks = ksyms_load(fixture("kallsyms.catalog"));
	e->filters = strset_load(fixture("filters.catalog"));
	e->btf = btf__parse(built("fixture_btf.o"), NULL);
	if (!e->ks || !e->filters || !e->btf)
		return -1;
	e->src = (struct lt_symsrc){ e->ks, e->filters, e->btf };
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	ksyms_free(e->ks);
	strset_free(e->filters);
	btf__free(e->btf);
	free(e);
	return 0;
}

static void auto_prefers_fentry_for_unique_btf_funcs(void **state)
{
	struct env *e = *state;
	const struct lt_choice *ch;

	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	ch = &e->plan.ev[LT_EV_PAGE_ALLOC];
	assert_int_equal(ch->method, LT_M_FENTRY);
	assert_string_equal(ch->cand->symbol, "__alloc_frozen_pages_noprof");
	assert_string_equal(ch->prog, "fe_alloc");
	assert_true(ch->btf_id > 0);
	assert_int_equal(e->plan.ev[LT_EV_GATHER_FINISH].method, LT_M_FENTRY);
}

/* The fixture kallsyms without x86's flush_tlb_mm_range, which the plan
 * prefers: a kernel where only the copies of tlb_flush_mmu_tlbonly see
 * flushes. Replaces e->ks, which the group's tests share: restore_ks()
 * puts the whole fixture back. */
static void drop_x86_flush(struct env *e)
{
	size_t len;
	char *t = read_whole(fixture("kallsyms.catalog"), &len);
	char *l, *e2;

	assert_non_null(t);
	l = strstr(t, " T flush_tlb_mm_range\n");
	assert_non_null(l);
	while (l > t && l[-1] != '\n')		/* the whole line goes */
		l--;
	e2 = strchr(l, '\n') + 1;
	memmove(l, e2, len - (size_t)(e2 - t) + 1);
	len -= (size_t)(e2 - l);
	ksyms_free(e->ks);
	e->ks = ksyms_from_text(t, len);
	assert_non_null(e->ks);
	e->src.ksyms = e->ks;
}

static void restore_ks(struct env *e)
{
	ksyms_free(e->ks);
	e->ks = ksyms_load(fixture("kallsyms.catalog"));
	assert_non_null(e->ks);
	e->src.ksyms = e->ks;
}

static void x86_prefers_flush_tlb_mm_range(void **state)
{
	struct env *e = *state;

	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	assert_int_equal(e->plan.ev[LT_EV_TLB_FLUSH].method, LT_M_FENTRY);
	assert_string_equal(e->plan.ev[LT_EV_TLB_FLUSH].cand->symbol,
			    "flush_tlb_mm_range");
}

static void static_copies_go_to_kprobes_by_address(void **state)
{
	struct env *e = *state;
	const struct lt_choice *ch;

	drop_x86_flush(e);
	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	ch = &e->plan.ev[LT_EV_TLB_FLUSH];
	/* two plain copies and a .constprop one; the .part one is notrace */
	assert_int_equal(ch->method, LT_M_KPROBE);
	assert_int_equal(ch->ncopies, 3);
	assert_true(ch->addrs[0] == 0xffffffff81200100ULL);
	assert_true(ch->addrs[1] == 0xffffffff81300000ULL);
	assert_true(ch->addrs[2] == 0xffffffff81400000ULL);
	assert_string_equal(ch->names[2], "tlb_flush_mmu_tlbonly.constprop.0");
	assert_non_null(strstr(ch->why, "1 of 4 copies notrace"));
	restore_ks(e);
}

static void renamed_copy_rejects_fentry(void **state)
{
	struct env *e = *state;
	const struct lt_choice *ch;

	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	ch = &e->plan.ev[LT_EV_NEXT_BATCH];
	/* BTF has tlb_next_batch, kallsyms only tlb_next_batch.isra.0 */
	assert_int_equal(ch->method, LT_M_KPROBE);
	assert_string_equal(ch->names[0], "tlb_next_batch.isra.0");
	assert_non_null(strstr(ch->why, "fentry cannot pick"));
}

static void inline_boundaries_are_explained(void **state)
{
	struct env *e = *state;
	const struct lt_choice *ch;

	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	ch = &e->plan.ev[LT_EV_ENTER];
	assert_int_equal(ch->method, LT_M_NONE);
	assert_null(ch->cand);
	assert_non_null(strstr(ch->why, "arch_enter_lazy_mmu_mode: not in BTF"));
	assert_non_null(strstr(ch->why, "xen_enter_lazy_mmu: Xen PV hook, idle"));
}

/* --boundaries watch takes every boundary event, before any probe; not
 * asked for, it is not even a reason line. */
static void watch_replaces_boundary_probes(void **state)
{
	struct env *e = *state;
	struct lt_features f = all_on;

	catalog_resolve(&e->src, &f, LT_MODE_AUTO, &e->plan);
	assert_null(strstr(e->plan.ev[LT_EV_ENTER].why, "lazy_mmu_state"));
	f.watch = f.watch_ok = true;
	catalog_resolve(&e->src, &f, LT_MODE_AUTO, &e->plan);
	for (int ev = LT_EV_ENTER; ev <= LT_EV_RESUME; ev++) {
		const struct lt_choice *ch = &e->plan.ev[ev];

		if (ev == LT_EV_FLUSH) {	/* a write to nothing */
			assert_int_not_equal(ch->method, LT_M_WATCH);
			continue;
		}
		assert_int_equal(ch->method, LT_M_WATCH);
		assert_string_equal(ch->prog, "pe_watch");
		assert_string_equal(ch->names[0], "task_struct.lazy_mmu_state");
		assert_string_equal(method_name(ch->method), "watch");
	}
	/* asked for where it cannot work: said why, probes as before */
	f.watch_ok = false;
	snprintf(f.watch_why, sizeof(f.watch_why), "no hardware breakpoint PMU");
	catalog_resolve(&e->src, &f, LT_MODE_AUTO, &e->plan);
	assert_int_equal(e->plan.ev[LT_EV_ENTER].method, LT_M_NONE);
	assert_non_null(strstr(e->plan.ev[LT_EV_ENTER].why,
		"task_struct.lazy_mmu_state: no hardware breakpoint PMU"));
}

static void host_like_kernel_falls_back_to_tracepoints(void **state)
{
	struct env *e = *state;

	catalog_resolve(&e->src, &host_like, LT_MODE_AUTO, &e->plan);
	assert_int_equal(e->plan.ev[LT_EV_PAGE_ALLOC].method, LT_M_TRACEPOINT);
	assert_string_equal(e->plan.ev[LT_EV_PAGE_ALLOC].names[0], "mm_page_alloc");
	/* the fixture has no btf_trace_tlb_flush: nothing for TLB flushes */
	assert_int_equal(e->plan.ev[LT_EV_TLB_FLUSH].method, LT_M_NONE);
	assert_non_null(strstr(e->plan.ev[LT_EV_TLB_FLUSH].why,
			       "tlb:tlb_flush: tracepoint not in this kernel"));
	assert_int_equal(e->plan.ev[LT_EV_GATHER_FINISH].method, LT_M_NONE);
	assert_non_null(strstr(e->plan.ev[LT_EV_GATHER_FINISH].why,
			       "no kprobes here"));
	assert_int_equal(e->plan.ev[LT_EV_SCHED_SWITCH].method, LT_M_TRACEPOINT);
}

static void forced_modes_restrict_the_ladder(void **state)
{
	struct env *e = *state;

	catalog_resolve(&e->src, &all_on, LT_MODE_KPROBE, &e->plan);
	assert_int_equal(e->plan.ev[LT_EV_PAGE_ALLOC].method, LT_M_KPROBE);
	assert_true(e->plan.ev[LT_EV_PAGE_ALLOC].addrs[0] == 0xffffffff81100000ULL);
	catalog_resolve(&e->src, &all_on, LT_MODE_FENTRY, &e->plan);
	/* tlb_flush_mmu_tlbonly is kprobe-only: fentry mode uses x86's
	 * flush_tlb_mm_range instead */
	assert_int_equal(e->plan.ev[LT_EV_TLB_FLUSH].method, LT_M_FENTRY);
	assert_string_equal(e->plan.ev[LT_EV_TLB_FLUSH].cand->symbol,
			    "flush_tlb_mm_range");
	catalog_resolve(&e->src, &all_on, LT_MODE_TRACEPOINT, &e->plan);
	assert_int_equal(e->plan.ev[LT_EV_PAGE_ALLOC].method, LT_M_TRACEPOINT);
	assert_int_equal(e->plan.ev[LT_EV_NEXT_BATCH].method, LT_M_NONE);
}

static void slots_name_every_copy(void **state)
{
	struct env *e = *state;
	const struct lt_choice *ch;
	enum lt_event ev;

	drop_x86_flush(e);
	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	ch = &e->plan.ev[LT_EV_TLB_FLUSH];
	assert_string_equal(plan_slot_name(&e->plan, ch->first_slot + 2, &ev),
			    "tlb_flush_mmu_tlbonly.constprop.0");
	assert_int_equal(ev, LT_EV_TLB_FLUSH);
	assert_null(plan_slot_name(&e->plan, e->plan.nslots, NULL));
	restore_ks(e);
}

static void state_plan_reads_counters_from_btf(void **state)
{
	struct env *e = *state;
	struct lt_state_plan sp;
	struct lt_kinfo ki = { .machine = "x86_64" };

	kinfo_parse_release(&ki, "7.2.1+deb14-cloud-amd64");
	assert_int_equal(ki.major, 7);
	assert_int_equal(ki.minor, 2);
	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	state_plan(e->btf, &ki, &e->plan, &sp);
	assert_int_equal(sp.primary, LT_SRC_TASK_COUNTERS);
	assert_int_equal(sp.secondary, LT_SRC_NONE);
	assert_int_equal(sp.layout, LT_LAYOUT_V7);
	assert_true(sp.irq_check);
	assert_string_equal(sp.lost, "");
	/* xen_lazy_mode exists but this is no PV guest */
	assert_non_null(strstr(sp.notes[1], "not a Xen PV guest"));
	assert_int_equal(rules_default(&ki, &sp), LT_RULES_V7);

	ki.xen_pv = true;
	state_plan(e->btf, &ki, &e->plan, &sp);
	assert_int_equal(sp.secondary, LT_SRC_XEN_PERCPU);
}

static void no_btf_means_no_state(void **state)
{
	struct env *e = *state;
	struct lt_state_plan sp;
	struct lt_kinfo ki = { .machine = "x86_64" };

	kinfo_parse_release(&ki, "6.12.48+deb13-cloud-amd64");
	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	state_plan(NULL, &ki, &e->plan, &sp);
	assert_int_equal(sp.primary, LT_SRC_NONE);
	assert_non_null(strstr(sp.lost, "no lazy-state source"));
	assert_int_equal(rules_default(&ki, &sp), LT_RULES_PRE7);
}

/* found by fuzz_release: sscanf("%d") gave negative and overflowing
 * versions, and major * 100 + minor overflowed in the arm64 check */
static void release_digits_only(void **state)
{
	static const struct { const char *rel; int major, minor; } cases[] = {
		{ "6.1.0-40-cloud-amd64", 6, 1 }, { "7", 7, 0 },
		{ "-64r3a$m", 0, 0 }, { " 7.2", 0, 0 }, { "7.x", 7, 0 },
		{ "2147483647.99", 0, 99 }, { "99999999999999999999.1", 0, 1 },
	};
	struct lt_state_plan sp;
	struct lt_plan plan = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct lt_kinfo ki = { .machine = "aarch64" };

		kinfo_parse_release(&ki, cases[i].rel);
		assert_int_equal(ki.major, cases[i].major);
		assert_int_equal(ki.minor, cases[i].minor);
		state_plan(NULL, &ki, &plan, &sp);
	}
}

/* KASAN doubles x86's task stack: the interrupt test must use the
 * running kernel's size, from the init stack's bounds in kallsyms. */
static void thread_size_from_kallsyms(void **state)
{
	static char kasan[] =
		"ffffffff83400000 T __start_init_stack\n"
		"ffffffff83408000 T __end_init_stack\n";
	static char old[] =
		"ffffffff82600000 D __start_init_task\n"
		"ffffffff82604000 T __end_init_task\n"
		"ffffffff82600000 T __start_init_task\n";
	struct lt_kinfo ki = { .machine = "x86_64" };
	struct lt_state_plan sp = { 0 };
	/* ksyms_from_text takes the buffer over */
	struct lt_ksyms *ks = ksyms_from_text(strdup(kasan), strlen(kasan));

	(void)state;
	state_plan_stack(ks, NULL, &ki, &sp);
	assert_int_equal(sp.thread_size, 32768);
	ksyms_free(ks);
	ks = ksyms_from_text(strdup(old), strlen(old));
	memset(&sp, 0, sizeof(sp));
	state_plan_stack(ks, NULL, &ki, &sp);
	assert_int_equal(sp.thread_size, 16384);
	ksyms_free(ks);
	memset(&sp, 0, sizeof(sp));
	state_plan_stack(NULL, NULL, &ki, &sp);	/* unknown: the default */
	assert_int_equal(sp.thread_size, 16384);
}

/* The preemption model, from where the kernel says it. */
static void preempt_model(void **state)
{
	struct lt_kinfo ki;

	(void)state;
	kinfo_parse_preempt(&ki, "none voluntary (full) lazy\n", NULL, NULL, NULL);
	assert_string_equal(ki.preempt, "full");
	assert_true(kinfo_preemptible(&ki));
	kinfo_parse_preempt(&ki, "full (lazy)\n", NULL, NULL, NULL);
	assert_string_equal(ki.preempt, "lazy");
	assert_false(kinfo_preemptible(&ki));
	kinfo_parse_preempt(&ki, NULL, "#1 SMP PREEMPT_RT Debian 7.2.13-1", NULL, NULL);
	assert_string_equal(ki.preempt, "rt");
	assert_true(kinfo_preemptible(&ki));
	/* Debian's rt-amd64 7.2 has debugfs too, and it says full */
	kinfo_parse_preempt(&ki, "full\n", "#1 SMP PREEMPT_RT Debian 7.2.13-1",
			    NULL, NULL);
	assert_string_equal(ki.preempt, "rt");
	kinfo_parse_preempt(&ki, NULL, "#1 SMP PREEMPT_DYNAMIC Debian",
			    "console=hvc0 preempt=full quiet\n", NULL);
	assert_string_equal(ki.preempt, "full");
	kinfo_parse_preempt(&ki, NULL, "#1 SMP PREEMPT_DYNAMIC Debian", "quiet", NULL);
	assert_string_equal(ki.preempt, "unknown");
	assert_false(kinfo_preemptible(&ki));
	/* static PREEMPT: full and 6.13+ lazy print the same */
	kinfo_parse_preempt(&ki, NULL, "#1 SMP PREEMPT Debian", NULL, NULL);
	assert_string_equal(ki.preempt, "full or lazy");
	assert_true(kinfo_preemptible(&ki));
	kinfo_parse_preempt(&ki, NULL, "#1 SMP PREEMPT Debian", NULL,
			    "CONFIG_X=y\nCONFIG_PREEMPT_LAZY=y\n");
	assert_string_equal(ki.preempt, "lazy");
	kinfo_parse_preempt(&ki, NULL, "#1 SMP PREEMPT Debian", NULL,
			    "CONFIG_X=y\nCONFIG_PREEMPT=y\n");
	assert_string_equal(ki.preempt, "full");
	kinfo_parse_preempt(&ki, "garbage", "#1 SMP Debian", NULL, NULL);
	assert_string_equal(ki.preempt, "voluntary");
}

/* 7.0 made bit 31 TIF_LAZY_MMU_PENDING: never read as the state there. */
static void arm64_7_not_tif(void **state)
{
	struct lt_state_plan sp;
	struct lt_plan plan = { 0 };
	struct lt_kinfo ki = { .machine = "aarch64" };

	(void)state;
	kinfo_parse_release(&ki, "7.2.13+deb14-cloud-arm64");
	state_plan(NULL, &ki, &plan, &sp);
	assert_int_equal(sp.primary, LT_SRC_NONE);
}

static void arm64_6_16_uses_tif(void **state)
{
	struct env *e = *state;
	struct lt_state_plan sp;
	struct lt_kinfo ki = { .machine = "aarch64" };

	kinfo_parse_release(&ki, "6.16.3-arm64");
	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	state_plan(NULL, &ki, &e->plan, &sp);
	assert_int_equal(sp.primary, LT_SRC_ARM64_TIF);
	assert_int_equal(sp.tif_bit, 31);
}

/* --uprobe-target: a model's symbols; kernel tracepoints only for
 * events nothing in the model can show (task exit). */
static void uprobe_target_uses_the_model(void **state)
{
	struct env *e = *state;
	struct lt_ksyms *model = ksyms_load(fixture("model.syms"));
	struct lt_symsrc src = { model, NULL, e->btf };

	assert_non_null(model);
	catalog_resolve(&src, &host_like, LT_MODE_UPROBE, &e->plan);
	assert_int_equal(e->plan.ev[LT_EV_ENTER].method, LT_M_UPROBE);
	assert_string_equal(e->plan.ev[LT_EV_ENTER].prog, "kp_enter");
	assert_int_equal(e->plan.ev[LT_EV_LEAVE].cand->sem, LT_LEAVE_OFF);
	assert_int_equal(e->plan.ev[LT_EV_PAGE_ALLOC].method, LT_M_UPROBE);
	assert_string_equal(e->plan.ev[LT_EV_PAGE_ALLOC].names[0], "__get_free_pages");
	assert_int_equal(e->plan.ev[LT_EV_PAUSE].method, LT_M_NONE);
	assert_int_equal(e->plan.ev[LT_EV_TASK_EXIT].method, LT_M_TRACEPOINT);
	ksyms_free(model);
}

/* --bench-floor: the same events, methods, symbols and copies as the plan,
 * each with an empty program the BPF object really has; "alloc" keeps the
 * page allocation alone. */
static void bench_floor_keeps_the_plan(void **state)
{
	struct env *e = *state;
	struct bpf_object *obj = bpf_object__open_file(built("lazytrace.bpf.o"),
						       NULL);
	struct lt_plan *real = malloc(sizeof(*real));
	int methods[LT_M_UPROBE + 1] = { 0 };
	char want[16];

	assert_non_null(obj);
	assert_non_null(real);
	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	*real = e->plan;
	floor_apply(&e->plan, LT_FLOOR_ALL);
	for (int ev = 0; ev < LT_EV_MAX; ev++) {
		const struct lt_choice *f = &e->plan.ev[ev], *r = &real->ev[ev];

		assert_int_equal(f->method, r->method);
		assert_ptr_equal(f->cand, r->cand);
		assert_int_equal(f->ncopies, r->ncopies);
		assert_memory_equal(f->addrs, r->addrs, sizeof(f->addrs));
		methods[f->method]++;
		if (f->method == LT_M_NONE)
			continue;
		snprintf(want, sizeof(want), "fe_floor%d", ev);
		assert_string_equal(f->prog, f->method == LT_M_FENTRY ? want :
				    f->method == LT_M_TRACEPOINT ? "tp_floor" :
				    "kp_floor");
		assert_non_null(bpf_object__find_program_by_name(obj, f->prog));
	}
	/* the fixture's plan has all three methods: each name was checked */
	assert_true(methods[LT_M_FENTRY] && methods[LT_M_KPROBE] &&
		    methods[LT_M_TRACEPOINT]);
	catalog_resolve(&e->src, &all_on, LT_MODE_AUTO, &e->plan);
	floor_apply(&e->plan, LT_FLOOR_ALLOC);
	for (int ev = 0; ev < LT_EV_MAX; ev++)
		assert_int_equal(e->plan.ev[ev].method != LT_M_NONE,
				 ev == LT_EV_PAGE_ALLOC);
	assert_string_equal(e->plan.ev[LT_EV_PAGE_ALLOC].prog,
			    "fe_floor5");
	assert_non_null(strstr(e->plan.ev[LT_EV_TLB_FLUSH].why,
			       "skipped: --bench-floor alloc"));
	free(real);
	bpf_object__close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auto_prefers_fentry_for_unique_btf_funcs),
		cmocka_unit_test(x86_prefers_flush_tlb_mm_range),
		cmocka_unit_test(static_copies_go_to_kprobes_by_address),
		cmocka_unit_test(renamed_copy_rejects_fentry),
		cmocka_unit_test(inline_boundaries_are_explained),
		cmocka_unit_test(host_like_kernel_falls_back_to_tracepoints),
		cmocka_unit_test(forced_modes_restrict_the_ladder),
		cmocka_unit_test(slots_name_every_copy),
		cmocka_unit_test(state_plan_reads_counters_from_btf),
		cmocka_unit_test(no_btf_means_no_state),
		cmocka_unit_test(release_digits_only),
		cmocka_unit_test(arm64_6_16_uses_tif),
		cmocka_unit_test(thread_size_from_kallsyms),
		cmocka_unit_test(preempt_model),
		cmocka_unit_test(arm64_7_not_tif),
		cmocka_unit_test(uprobe_target_uses_the_model),
		cmocka_unit_test(watch_replaces_boundary_probes),
		cmocka_unit_test(bench_floor_keeps_the_plan),
	};
	return cmocka_run_group_tests_name("catalog", tests, setup, teardown);
}
