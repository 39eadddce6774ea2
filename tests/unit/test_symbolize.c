/* Stack symbolization: tracer frames skipped, allocator and caller found. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "ksyms.h"
#include "symbolize.h"
#include "stack_cache.h"
#include "fixtures.h"

static struct lt_ksyms *ks;

static int setup(void **state)
{
	ks = ksyms_load(fixture("kallsyms.catalog"));
	return ks ? 0 : -1;
}

static int teardown(void **state)
{
	ksyms_free(ks);
	return 0;
}

/* fentry on the allocator funnel, as seen on Debian 7.2 */
static const unsigned long long fentry_stack[] = {
	0xffffffffc0100040ULL,	/* bpf_prog_..._fe_alloc */
	0xffffffffc0200010ULL,	/* bpf_trampoline */
	0xffffffff81100009ULL,	/* __alloc_frozen_pages_noprof+0x9 */
	0xffffffff81100411ULL,	/* get_free_pages_noprof+0x11 */
	0xffffffff8120004fULL,	/* tlb_next_batch.isra.0+0x4f */
	0xffffffff81200641ULL,	/* __tlb_remove_folio_pages+0x41 */
	0xffffffff81300445ULL,	/* __zap_vma_range+0x45 */
};

static void skips_tracer_frames(void **state)
{
	char buf[128];
	size_t first = stack_first_frame(ks, fentry_stack, 7);

	assert_int_equal(first, 2);
	assert_string_equal(ksyms_format(ks, fentry_stack[first], buf, sizeof(buf)),
			    "__alloc_frozen_pages_noprof+0x9");
}

static void unknown_leading_frames_are_tracer_frames(void **state)
{
	const unsigned long long st[] = { 0xffffffffc0ffff00ULL,
					  0xffffffff81100411ULL };

	assert_int_equal(stack_first_frame(ks, st, 2), 1);
}

static void allocator_and_caller(void **state)
{
	char alloc[64], caller[64];

	stack_allocator(ks, fentry_stack, 7, alloc, sizeof(alloc), caller,
			sizeof(caller));
	assert_string_equal(alloc, "get_free_pages_noprof");
	assert_string_equal(caller, "tlb_next_batch.isra.0");
	assert_true(stack_has(ks, fentry_stack, 7, "tlb_next_batch"));
	assert_true(stack_has(ks, fentry_stack, 7, "__zap_vma_range"));
	assert_false(stack_has(ks, fentry_stack, 7, "zap_pte_range"));
}

static void no_allocator_frames(void **state)
{
	const unsigned long long st[] = { 0xffffffff81300205ULL };
	char alloc[64], caller[64];

	stack_allocator(ks, st, 1, alloc, sizeof(alloc), caller, sizeof(caller));
	assert_string_equal(alloc, "");
	assert_string_equal(caller, "");
}

/* The text form of the 5 kernel frames above, cut at stacks frames. */
static char *text_at(int stacks)
{
	struct lt_session s;
	struct lt_stack_fmt f = { .id = -1 };
	char *text;

	memset(&s, 0, sizeof(s));
	s.ks = ks;
	s.cfg.stacks = stacks;
	stack_fmt_build(&s, fentry_stack, 7, &f);
	assert_int_equal(f.frames, 5);	/* the shown ones or not */
	assert_non_null(f.text);
	assert_null(f.json);
	text = strdup(f.text);
	stack_fmt_clear(&f);
	return text;
}

/* Stacks that part below the cut must not print as the same stack. */
static void cut_stacks_say_so(void **state)
{
	char *t = text_at(3);

	assert_string_equal(t,
		"    __alloc_frozen_pages_noprof+0x9\n"
		"    get_free_pages_noprof+0x11\n"
		"    tlb_next_batch.isra.0+0x4f\n"
		"    ... 2 deeper (--stacks 5 shows all)\n");
	free(t);
	t = text_at(5);
	assert_null(strstr(t, "deeper"));
	assert_non_null(strstr(t, "__zap_vma_range+0x45\n"));
	free(t);
	t = text_at(0);		/* stacks off: no frames, no note */
	assert_string_equal(t, "");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skips_tracer_frames),
		cmocka_unit_test(unknown_leading_frames_are_tracer_frames),
		cmocka_unit_test(allocator_and_caller),
		cmocka_unit_test(no_allocator_frames),
		cmocka_unit_test(cut_stacks_say_so),
	};
	return cmocka_run_group_tests_name("symbolize", tests, setup, teardown);
}
