/* kallsyms parsing, clone-suffix search, symbolization and the filter set,
 * against tests/fixtures/kallsyms.sample and available_filter_functions.sample. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "ksyms.h"
#include "fixtures.h"

struct env {
	struct lt_ksyms *ks;
	struct lt_strset *filters;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	e->ks = ksyms_load(fixture("kallsyms.sample"));
	e->filters = strset_load(fixture("available_filter_functions.sample"));
	if (!e->ks || !e->filters) {
		fprintf(stderr, "fixtures missing: set LT_FIXTURES\n");
		return -1;
	}
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	ksyms_free(e->ks);
	strset_free(e->filters);
	free(e);
	return 0;
}

/* Writes text to a fresh temporary file; path receives its name. */
static void write_tmp(const char *text, char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, len, "%s/lt_ksyms_XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static struct lt_ksyms *load_text(const char *text)
{
	struct lt_ksyms *ks;
	char path[256];

	write_tmp(text, path, sizeof(path));
	ks = ksyms_load(path);
	unlink(path);
	assert_non_null(ks);
	return ks;
}

static void counts_skip_modules_and_data(void **state)
{
	struct env *e = *state;

	/* 55 core lines, 10 of them data; the two [virtio_blk] lines never count. */
	assert_int_equal(ksyms_count(e->ks), 45);
	/* 21 lines, tlb_flush_mmu_tlbonly three times. */
	assert_int_equal(strset_count(e->filters), 19);
}

static void percpu_zeros_are_not_hidden(void **state)
{
	struct env *e = *state;

	assert_false(ksyms_hidden(e->ks));
}

static void all_zero_addresses_are_hidden(void **state)
{
	struct lt_ksyms *ks = load_text(
		"0000000000000000 D fixed_percpu_data\n"
		"0000000000000000 T _stext\n"
		"0000000000000000 t tlb_flush_mmu_tlbonly\n"
		"0000000000000000 t tlb_flush_mmu_tlbonly\n"
		"0000000000000000 t zap_pte_range\n"
		"0000000000000000 t mod_fn\t[virtio_blk]\n");
	const struct lt_ksym *k[4];
	char buf[64];
	uint64_t off = 77;

	(void)state;
	assert_true(ksyms_hidden(ks));
	assert_int_equal(ksyms_count(ks), 4);
	/* Names still resolve; addresses must not. */
	assert_int_equal(ksyms_find_all(ks, "tlb_flush_mmu_tlbonly", k, 4), 2);
	assert_null(ksyms_lookup(ks, 0, &off));
	assert_int_equal(off, 77);
	assert_string_equal(ksyms_format(ks, 0x10, buf, sizeof(buf)), "0x10");
	ksyms_free(ks);
}

static void empty_file_counts_as_hidden(void **state)
{
	struct lt_ksyms *ks = load_text("");

	(void)state;
	assert_int_equal(ksyms_count(ks), 0);
	assert_true(ksyms_hidden(ks));
	assert_int_equal(ksyms_find_all(ks, "foo", NULL, 0), 0);
	ksyms_free(ks);
}

static void missing_files_set_errno(void **state)
{
	(void)state;
	errno = 0;
	assert_null(ksyms_load(fixture("no-such-kallsyms")));
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_null(strset_load(fixture("no-such-filters")));
	assert_int_equal(errno, ENOENT);
}

static void every_static_copy_in_address_order(void **state)
{
	struct env *e = *state;
	const struct lt_ksym *k[8];
	size_t n = ksyms_find_all(e->ks, "tlb_flush_mmu_tlbonly", k, 8);

	/* Three plain copies and a .constprop clone between them; .cold is out. */
	assert_int_equal(n, 4);
	assert_int_equal(k[0]->addr, 0xffffffff81200100ULL);
	assert_string_equal(k[0]->name, "tlb_flush_mmu_tlbonly");
	assert_int_equal(k[1]->addr, 0xffffffff81280000ULL);
	assert_string_equal(k[1]->name, "tlb_flush_mmu_tlbonly.constprop.0");
	assert_int_equal(k[2]->addr, 0xffffffff81300000ULL);
	assert_string_equal(k[2]->name, "tlb_flush_mmu_tlbonly");
	assert_int_equal(k[3]->addr, 0xffffffff81400000ULL);
	assert_string_equal(k[3]->name, "tlb_flush_mmu_tlbonly");
	for (size_t i = 0; i < n; i++)
		assert_int_equal(k[i]->type, 't');
}

static void max_keeps_the_lowest_addresses(void **state)
{
	struct env *e = *state;
	const struct lt_ksym *sentinel = (const void *)&sentinel;
	const struct lt_ksym *k[3] = { NULL, NULL, sentinel };

	assert_int_equal(ksyms_find_all(e->ks, "tlb_flush_mmu_tlbonly", k, 2), 4);
	assert_int_equal(k[0]->addr, 0xffffffff81200100ULL);
	assert_int_equal(k[1]->addr, 0xffffffff81280000ULL);
	assert_ptr_equal(k[2], sentinel);
	/* Counting alone needs no output array. */
	assert_int_equal(ksyms_find_all(e->ks, "tlb_flush_mmu_tlbonly", NULL, 0), 4);
}

static void only_entry_clone_suffixes_match(void **state)
{
	struct env *e = *state;
	static const char *const want[] = {
		"foo", "foo.constprop.0", "foo.part.0", "foo.constprop.0.isra.0",
	};
	const struct lt_ksym *k[8];
	size_t n = ksyms_find_all(e->ks, "foo", k, 8);

	/* Not foo_bar, foobar_weak, foo.isra (no number), foo.cold,
	 * foo.isra.0.cold. */
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(k[i]->name, want[i]);

	assert_int_equal(ksyms_find_all(e->ks, "bar", k, 8), 1);
	assert_string_equal(k[0]->name, "bar");
	assert_int_equal(ksyms_find_all(e->ks, "baz", k, 8), 1);
	assert_string_equal(k[0]->name, "baz.llvm.4263587162340989421");
	assert_int_equal(ksyms_find_all(e->ks, "tlb_next_batch", k, 8), 1);
	assert_string_equal(k[0]->name, "tlb_next_batch.isra.0");
	assert_int_equal(ksyms_find_all(e->ks, "zap_pmd_range", k, 8), 1);
	assert_int_equal(k[0]->addr, 0xffffffff81300800ULL);
	/* Asking for the exact clone name finds that one only. */
	assert_int_equal(ksyms_find_all(e->ks, "tlb_next_batch.isra.0", k, 8), 1);
	assert_int_equal(ksyms_find_all(e->ks, "bar.cold", k, 8), 1);
	/* A prefix of a name is not the name. */
	assert_int_equal(ksyms_find_all(e->ks, "fo", k, 8), 0);
	assert_int_equal(ksyms_find_all(e->ks, "tlb_flush", k, 8), 0);
	assert_int_equal(ksyms_find_all(e->ks, "", k, 8), 0);
}

static void allocator_names_resolve(void **state)
{
	struct env *e = *state;
	const struct lt_ksym *k[2];

	assert_int_equal(ksyms_find_all(e->ks, "get_free_pages_noprof", k, 2), 1);
	assert_int_equal(k[0]->addr, 0xffffffff81100400ULL);
	assert_int_equal(k[0]->type, 'T');
	assert_int_equal(ksyms_find_all(e->ks, "__alloc_frozen_pages_noprof", k, 2), 1);
	assert_int_equal(k[0]->addr, 0xffffffff81100010ULL);
	/* Older GCC numbers its cold parts: zap_pte_range.cold.12 is no entry. */
	assert_int_equal(ksyms_find_all(e->ks, "zap_pte_range", k, 2), 1);
	assert_int_equal(k[0]->addr, 0xffffffff81300200ULL);
}

static void data_weak_and_module_symbols(void **state)
{
	struct env *e = *state;
	const struct lt_ksym *k[2];

	assert_int_equal(ksyms_find_all(e->ks, "init_task", k, 2), 0);
	assert_int_equal(ksyms_find_all(e->ks, "static_bss_counter", k, 2), 0);
	assert_int_equal(ksyms_find_all(e->ks, "linux_banner", k, 2), 0);
	assert_int_equal(ksyms_find_all(e->ks, "mod_fn", k, 2), 0);
	assert_int_equal(ksyms_find_all(e->ks, "virtblk_probe", k, 2), 0);
	assert_int_equal(ksyms_find_all(e->ks, "foobar_weak", k, 2), 1);
	assert_int_equal(k[0]->type, 'w');
	assert_int_equal(ksyms_find_all(e->ks, "arch_tlbbatch_add_pending", k, 2), 1);
	assert_int_equal(k[0]->type, 'W');
}

static void expect_sym(const struct lt_ksyms *ks, uint64_t addr,
		       const char *name, uint64_t off)
{
	uint64_t got = ~0ULL;
	const struct lt_ksym *s = ksyms_lookup(ks, addr, &got);

	assert_non_null(s);
	assert_string_equal(s->name, name);
	assert_int_equal(got, off);
}

static void lookup_start_middle_end(void **state)
{
	struct env *e = *state;

	expect_sym(e->ks, 0xffffffff81001010ULL, "do_one_initcall", 0);
	expect_sym(e->ks, 0xffffffff81001030ULL, "do_one_initcall", 0x20);
	expect_sym(e->ks, 0xffffffff810011ffULL, "do_one_initcall", 0x1ef);
	expect_sym(e->ks, 0xffffffff81001200ULL, "initcall_blacklisted", 0);
	expect_sym(e->ks, 0xffffffff81001008ULL, "__pfx_do_one_initcall", 8);
	expect_sym(e->ks, 0xffffffff812801ffULL, "tlb_flush_mmu_tlbonly.constprop.0",
		   0x1ff);
	expect_sym(e->ks, 0xffffffff81280200ULL, "arch_tlbbatch_add_pending", 0);
	expect_sym(e->ks, 0xffffffff813001ffULL, "tlb_flush_mmu_tlbonly", 0x1ff);
	expect_sym(e->ks, 0xffffffff81600090ULL, "foo.isra.0.cold", 0x10);
	/* Text runs to the next symbol of any kind: _etext up to rodata. */
	expect_sym(e->ks, 0xffffffff817fffffULL, "_etext", 0xfffff);
}

static void aliases_answer_the_first_listed(void **state)
{
	struct env *e = *state;

	expect_sym(e->ks, 0xffffffff81000000ULL, "_stext", 0);
	expect_sym(e->ks, 0xffffffff81000010ULL, "_stext", 0x10);
	expect_sym(e->ks, 0xffffffff82100010ULL, "_sinittext", 0x10);
}

static void lookup_out_of_range(void **state)
{
	struct env *e = *state;
	static const uint64_t miss[] = {
		0,			/* per-cpu data */
		0x1010,			/* per-cpu data */
		0xffffffff80000000ULL,	/* below the first text symbol */
		0xffffffff81800010ULL,	/* rodata */
		0xffffffff82000010ULL,	/* init_task */
		0xffffffff82300050ULL,	/* bss */
		0xffffffff82400010ULL,	/* past _end */
		0xffffffffffffffffULL,
	};
	uint64_t off = 1234;

	for (size_t i = 0; i < sizeof(miss) / sizeof(*miss); i++)
		assert_null(ksyms_lookup(e->ks, miss[i], &off));
	assert_int_equal(off, 1234);
	/* Module text is named in stacks (never found by name, above). */
	expect_sym(e->ks, 0xffffffffc0000010ULL, "mod_fn", 0x10);
	expect_sym(e->ks, 0xffffffffc0000100ULL, "virtblk_probe", 0);
	/* off may be NULL when only the symbol matters. */
	assert_non_null(ksyms_lookup(e->ks, 0xffffffff81001010ULL, NULL));
}

static void last_symbol_spans_one_page(void **state)
{
	/* Unsorted on purpose: the table must not rely on file order. */
	struct lt_ksyms *ks = load_text(
		"ffffffff81000100 T last_fn\n"
		"ffffffff81000000 T first_fn\n"
		"ffffffff81000080 t first_fn\n");
	const struct lt_ksym *k[2];

	(void)state;
	expect_sym(ks, 0xffffffff81000100ULL, "last_fn", 0);
	expect_sym(ks, 0xffffffff810010ffULL, "last_fn", 0xfff);
	assert_null(ksyms_lookup(ks, 0xffffffff81001100ULL, NULL));
	expect_sym(ks, 0xffffffff8100007fULL, "first_fn", 0x7f);
	assert_int_equal(ksyms_find_all(ks, "first_fn", k, 2), 2);
	assert_int_equal(k[0]->addr, 0xffffffff81000000ULL);
	assert_int_equal(k[0]->type, 'T');
	assert_int_equal(k[1]->addr, 0xffffffff81000080ULL);
	ksyms_free(ks);
}

static void malformed_lines_are_skipped(void **state)
{
	struct lt_ksyms *ks = load_text(
		"garbage\n"
		"ffffffff81000000 T\n"
		"ffffffff81000000 T \n"
		"ffffffff8100zzzz T broken\n"
		"\n"
		"ffffffff81000000 T good_fn\n"
		"ffffffff81000100 T no_newline_at_end");

	(void)state;
	assert_int_equal(ksyms_count(ks), 2);
	expect_sym(ks, 0xffffffff81000104ULL, "no_newline_at_end", 4);
	ksyms_free(ks);
}

static void clone_numbers_are_required(void **state)
{
	struct lt_ksyms *ks = load_text(
		"ffffffff81000000 t fn\n"
		"ffffffff81000100 t fn.isra.\n"
		"ffffffff81000200 t fn.constprop.x\n"
		"ffffffff81000300 t fn.llvm.\n"
		"ffffffff81000400 t fn.part.1x\n"
		"ffffffff81000500 t fn..isra.0\n"
		"ffffffff81000600 t fn.llvm.12.part.3\n");
	const struct lt_ksym *k[4];

	(void)state;
	assert_int_equal(ksyms_find_all(ks, "fn", k, 4), 2);
	assert_string_equal(k[0]->name, "fn");
	assert_string_equal(k[1]->name, "fn.llvm.12.part.3");
	ksyms_free(ks);
}

static void format_name_plus_offset(void **state)
{
	struct env *e = *state;
	char buf[64], small[8];

	assert_string_equal(ksyms_format(e->ks, 0xffffffff81001030ULL, buf,
					 sizeof(buf)), "do_one_initcall+0x20");
	assert_string_equal(ksyms_format(e->ks, 0xffffffff81001010ULL, buf,
					 sizeof(buf)), "do_one_initcall+0x0");
	assert_string_equal(ksyms_format(e->ks, 0xffffffff82000010ULL, buf,
					 sizeof(buf)), "0xffffffff82000010");
	assert_string_equal(ksyms_format(e->ks, 0, buf, sizeof(buf)), "0x0");
	/* Truncates, always terminated, returns buf. */
	assert_ptr_equal(ksyms_format(e->ks, 0xffffffff81001030ULL, small,
				      sizeof(small)), small);
	assert_string_equal(small, "do_one_");
}

static void filter_set_first_word(void **state)
{
	struct env *e = *state;

	assert_true(strset_has(e->filters, "tlb_flush_mmu_tlbonly"));
	assert_true(strset_has(e->filters, "tlb_flush_mmu_tlbonly.constprop.0"));
	assert_true(strset_has(e->filters, "__ftrace_invalid_address___116"));
	assert_true(strset_has(e->filters, "mod_fn"));
	assert_true(strset_has(e->filters, "virtblk_probe"));
	assert_true(strset_has(e->filters, "do_one_initcall"));
	assert_true(strset_has(e->filters, "exit_mmap"));
	assert_false(strset_has(e->filters, "[virtio_blk]"));
	assert_false(strset_has(e->filters, "mod_fn [virtio_blk]"));
	assert_false(strset_has(e->filters, "tlb_flush_mmu"));
	assert_false(strset_has(e->filters, "tlb_flush_mmu_tlbonly.cold"));
	assert_false(strset_has(e->filters, "early_tlb_setup"));
	assert_false(strset_has(e->filters, ""));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The live file when readable: size and time of a real load. */
static void live_kallsyms_when_readable(void **state)
{
	const struct lt_ksym *k[4];
	struct lt_ksyms *ks;
	const struct lt_ksym *s;
	uint64_t off;
	double t0;

	(void)state;
	if (access("/proc/kallsyms", R_OK))
		skip();
	t0 = now();
	ks = ksyms_load("/proc/kallsyms");
	assert_non_null(ks);
	print_message("/proc/kallsyms: %zu text symbols in %.3f s\n",
		      ksyms_count(ks), now() - t0);
	if (ksyms_hidden(ks)) {
		ksyms_free(ks);
		skip();
	}
	assert_true(ksyms_count(ks) > 1000);
	assert_true(ksyms_find_all(ks, "schedule", k, 4) >= 1);
	s = ksyms_lookup(ks, k[0]->addr + 1, &off);
	assert_non_null(s);
	assert_int_equal(s->addr, k[0]->addr);
	assert_int_equal(off, 1);
	ksyms_free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_skip_modules_and_data),
		cmocka_unit_test(percpu_zeros_are_not_hidden),
		cmocka_unit_test(all_zero_addresses_are_hidden),
		cmocka_unit_test(empty_file_counts_as_hidden),
		cmocka_unit_test(missing_files_set_errno),
		cmocka_unit_test(every_static_copy_in_address_order),
		cmocka_unit_test(max_keeps_the_lowest_addresses),
		cmocka_unit_test(only_entry_clone_suffixes_match),
		cmocka_unit_test(allocator_names_resolve),
		cmocka_unit_test(data_weak_and_module_symbols),
		cmocka_unit_test(lookup_start_middle_end),
		cmocka_unit_test(aliases_answer_the_first_listed),
		cmocka_unit_test(lookup_out_of_range),
		cmocka_unit_test(last_symbol_spans_one_page),
		cmocka_unit_test(malformed_lines_are_skipped),
		cmocka_unit_test(clone_numbers_are_required),
		cmocka_unit_test(format_name_plus_offset),
		cmocka_unit_test(filter_set_first_word),
		cmocka_unit_test(live_kallsyms_when_readable),
	};
	return cmocka_run_group_tests_name("ksyms: kallsyms and filter functions",
					   tests, setup, teardown);
}
