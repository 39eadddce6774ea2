/* gfp names from mm_page_alloc format files of both eras: hex literals
 * (6.1) and ___GFP_*_BIT enum shifts (7.2), plus the expression evaluator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include "gfp.h"
#include "fixtures.h"
#include "read_whole.h"

struct env {
	char *fmt61;
	char *fmt72;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	size_t len;

	if (!e)
		return -1;
	e->fmt61 = read_whole(fixture("mm_page_alloc.format.6.1"), &len);
	e->fmt72 = read_whole(fixture("mm_page_alloc.format.7.2"), &len);
	if (!e->fmt61 || !e->fmt72) {
		fprintf(stderr, "fixtures missing: set LT_FIXTURES\n");
		return -1;
	}
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	free(e->fmt61);
	free(e->fmt72);
	free(e);
	return 0;
}

/* include/linux/gfp_types.h, enum ___GFP_*_BIT, x86 without KASAN_HW_TAGS
 * or LOCKDEP, as in the 6.12+ and 7.x BTF. */
static const char *const bit_names[] = {
	"DMA", "HIGHMEM", "DMA32", "MOVABLE", "RECLAIMABLE", "HIGH", "IO", "FS",
	"ZERO", "UNUSED", "DIRECT_RECLAIM", "KSWAPD_RECLAIM", "WRITE", "NOWARN",
	"RETRY_MAYFAIL", "NOFAIL", "NORETRY", "MEMALLOC", "COMP", "NOMEMALLOC",
	"HARDWALL", "THISNODE", "ACCOUNT", "ZEROTAGS",
};

struct ident_ctx {
	int shift;		/* added to every bit, to prove the values are used */
	const char *refuse;	/* one identifier to fail on */
	int calls;
};

static int gfp_bits(const char *ident, uint64_t *val, void *arg)
{
	struct ident_ctx *c = arg;
	char want[64];

	c->calls++;
	if (c->refuse && !strcmp(ident, c->refuse))
		return -1;
	for (size_t i = 0; i < sizeof(bit_names) / sizeof(*bit_names); i++) {
		snprintf(want, sizeof(want), "___GFP_%s_BIT", bit_names[i]);
		if (!strcmp(ident, want)) {
			*val = i + (size_t)c->shift;
			return 0;
		}
	}
	return -1;
}

static const char *decode(const struct lt_gfp_table *t, uint64_t flags)
{
	static char buf[256];

	return gfp_decode(t, flags, buf, sizeof(buf));
}

static void parse_61_hex_literals(void **state)
{
	struct env *e = *state;
	struct lt_gfp_table t;

	t.n = 99;
	assert_int_equal(gfp_parse_format(e->fmt61, NULL, NULL, &t), 0);
	assert_int_equal(t.n, 36);
	/* File order, widest masks first. */
	assert_string_equal(t.flags[0].name, "GFP_TRANSHUGE");
	assert_int_equal(t.flags[0].mask, 0x1c24ca);
	assert_string_equal(t.flags[1].name, "GFP_TRANSHUGE_LIGHT");
	assert_int_equal(t.flags[1].mask, 0x1c20ca);
	assert_string_equal(t.flags[6].name, "GFP_KERNEL");
	assert_string_equal(t.flags[35].name, "__GFP_ZEROTAGS");
	assert_int_equal(gfp_mask_of(&t, "GFP_HIGHUSER_MOVABLE"), 0x100cca);
	assert_int_equal(gfp_mask_of(&t, "GFP_KERNEL"), 0xcc0);
	assert_int_equal(gfp_mask_of(&t, "GFP_KERNEL_ACCOUNT"), 0x400cc0);
	assert_int_equal(gfp_mask_of(&t, "GFP_ATOMIC"), 0xa20);
	assert_int_equal(gfp_mask_of(&t, "GFP_NOWAIT"), 0x800);
	assert_int_equal(gfp_mask_of(&t, "__GFP_ATOMIC"), 0x200);
	assert_int_equal(gfp_mask_of(&t, "__GFP_DIRECT_RECLAIM"), 0x400);
	assert_int_equal(gfp_mask_of(&t, "__GFP_RECLAIM"), 0xc00);
	assert_int_equal(gfp_mask_of(&t, "__GFP_ZERO"), 0x100);
	assert_int_equal(gfp_mask_of(&t, "__GFP_COMP"), 0x40000);
	assert_int_equal(gfp_mask_of(&t, "__GFP_NOWARN"), 0x2000);
	assert_int_equal(gfp_mask_of(&t, "__GFP_ZEROTAGS"), 0x800000);
	assert_int_equal(gfp_mask_of(&t, "__GFP_NO_OBJ_EXT"), 0);
	assert_int_equal(gfp_mask_of(&t, "none"), 0);
}

static void decode_61(void **state)
{
	struct env *e = *state;
	struct lt_gfp_table t;

	assert_int_equal(gfp_parse_format(e->fmt61, NULL, NULL, &t), 0);
	assert_string_equal(decode(&t, 0xcc0), "GFP_KERNEL");
	assert_string_equal(decode(&t, 0x800), "GFP_NOWAIT");
	assert_string_equal(decode(&t, 0xa20), "GFP_ATOMIC");
	assert_string_equal(decode(&t, 0xdc0), "GFP_KERNEL|__GFP_ZERO");
	assert_string_equal(decode(&t, 0x140cca), "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	assert_string_equal(decode(&t, 0x1c24ca), "GFP_TRANSHUGE");
	assert_string_equal(decode(&t, 0xcc0 | 0x10000000), "GFP_KERNEL|0x10000000");
	assert_string_equal(decode(&t, 0x80000000), "0x80000000");
	assert_string_equal(decode(&t, 0x400), "__GFP_DIRECT_RECLAIM");
	assert_string_equal(decode(&t, 0), "none");
}

static void parse_72_enum_shifts(void **state)
{
	struct env *e = *state;
	struct ident_ctx c = { 0 };
	struct lt_gfp_table t;

	assert_int_equal(gfp_parse_format(e->fmt72, gfp_bits, &c, &t), 0);
	/* 37 named entries; the "{ 0, ((void *)0) }" terminator is no flag. */
	assert_int_equal(t.n, 37);
	assert_true(c.calls > 37);
	assert_string_equal(t.flags[0].name, "GFP_TRANSHUGE");
	assert_int_equal(t.flags[0].mask, 0x1c24ca);
	assert_string_equal(t.flags[13].name, "__GFP_RECLAIM");
	assert_string_equal(t.flags[36].name, "__GFP_ZEROTAGS");
	assert_int_equal(gfp_mask_of(&t, "GFP_KERNEL"), 0xcc0);
	assert_int_equal(gfp_mask_of(&t, "GFP_ATOMIC"), 0x820);
	/* 6.18 made GFP_NOWAIT imply __GFP_NOWARN. */
	assert_int_equal(gfp_mask_of(&t, "GFP_NOWAIT"), 0x2800);
	assert_int_equal(gfp_mask_of(&t, "__GFP_DIRECT_RECLAIM"), 0x400);
	assert_int_equal(gfp_mask_of(&t, "__GFP_COMP"), 1 << 18);
	assert_int_equal(gfp_mask_of(&t, "__GFP_ACCOUNT"), 1 << 22);
	assert_int_equal(gfp_mask_of(&t, "__GFP_ZEROTAGS"), 1 << 23);
	assert_int_equal(gfp_mask_of(&t, "__GFP_ATOMIC"), 0);
}

static void decode_72(void **state)
{
	struct env *e = *state;
	struct ident_ctx c = { 0 };
	struct lt_gfp_table t;

	assert_int_equal(gfp_parse_format(e->fmt72, gfp_bits, &c, &t), 0);
	assert_string_equal(decode(&t, 0xcc0), "GFP_KERNEL");
	assert_string_equal(decode(&t, 0x2800), "GFP_NOWAIT");
	/* Without NOWARN it is no longer GFP_NOWAIT. */
	assert_string_equal(decode(&t, 0x800), "__GFP_KSWAPD_RECLAIM");
	assert_string_equal(decode(&t, 0xdc0), "GFP_KERNEL|__GFP_ZERO");
	assert_string_equal(decode(&t, 0x140cca), "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	assert_string_equal(decode(&t, 0xcc0 | 0x400000), "GFP_KERNEL_ACCOUNT");
	/* Bit 9 is ___GFP_UNUSED_BIT: no name, so it stays hex. */
	assert_string_equal(decode(&t, 0xcc0 | 0x200), "GFP_KERNEL|0x200");
	assert_string_equal(decode(&t, 0xdc0 | 0x40000000),
			    "GFP_KERNEL|__GFP_ZERO|0x40000000");
	assert_string_equal(decode(&t, 0), "none");
}

static void identifier_values_come_from_the_callback(void **state)
{
	struct env *e = *state;
	struct ident_ctx c = { .shift = 1 };
	struct lt_gfp_table t;

	assert_int_equal(gfp_parse_format(e->fmt72, gfp_bits, &c, &t), 0);
	assert_int_equal(gfp_mask_of(&t, "GFP_KERNEL"), 0xcc0 << 1);
	assert_int_equal(gfp_mask_of(&t, "__GFP_DMA"), 2);
}

static void unresolved_identifier_skips_one_entry(void **state)
{
	struct env *e = *state;
	struct ident_ctx c = { .refuse = "___GFP_ZEROTAGS_BIT" };
	struct lt_gfp_table t;

	assert_int_equal(gfp_parse_format(e->fmt72, gfp_bits, &c, &t), 0);
	assert_int_equal(t.n, 36);
	assert_int_equal(gfp_mask_of(&t, "__GFP_ZEROTAGS"), 0);
	assert_int_equal(gfp_mask_of(&t, "__GFP_ACCOUNT"), 1 << 22);
	assert_string_equal(decode(&t, 0xcc0 | (1 << 23)), "GFP_KERNEL|0x800000");
}

static void enum_era_without_callback_names_nothing(void **state)
{
	struct env *e = *state;
	struct lt_gfp_table t;

	assert_int_equal(gfp_parse_format(e->fmt72, NULL, NULL, &t), 0);
	assert_int_equal(t.n, 0);
	assert_string_equal(decode(&t, 0xcc0), "0xcc0");
}

/* A one-entry format around expr; returns the mask or ~0 when skipped. */
static uint64_t eval(const char *expr)
{
	struct ident_ctx c = { 0 };
	struct lt_gfp_table t;
	char text[1024];

	snprintf(text, sizeof(text),
		 "name: mm_page_alloc\nprint fmt: \"gfp_flags=%%s\", "
		 "(REC->gfp_flags) ? __print_flags(REC->gfp_flags, \"|\", "
		 "{%s, \"X\"}) : \"none\"\n", expr);
	assert_int_equal(gfp_parse_format(text, gfp_bits, &c, &t), 0);
	return t.n == 1 ? t.flags[0].mask : ~0ULL;
}

static void evaluator_subset_of_c(void **state)
{
	(void)state;
	assert_int_equal(eval("0x400u"), 0x400);
	assert_int_equal(eval("1024"), 0x400);
	assert_int_equal(eval("0"), 0);
	assert_int_equal(eval("( unsigned long)(( gfp_t)0x10u)"), 0x10);
	assert_int_equal(eval("(unsigned long)((gfp_t)0x10U)"), 0x10);
	assert_int_equal(eval("(( gfp_t)(0x400u|0x800u))"), 0xc00);
	/* A cast binds tighter than a shift. */
	assert_int_equal(eval("(gfp_t)1 << 3"), 8);
	assert_int_equal(eval("(( gfp_t)(((1UL))) << (___GFP_DIRECT_RECLAIM_BIT))"),
			 0x400);
	/* What 6.14+ prints once TRACE_DEFINE_ENUM has put the numbers in. */
	assert_int_equal(eval("( unsigned long)(( gfp_t)((((1UL))) << (10)))"), 0x400);
	assert_int_equal(eval("(0x10|0x20)>>4"), 3);
	assert_int_equal(eval("4 + 4 - 1"), 7);
	assert_int_equal(eval("0x7 & ~0x2"), 5);
	assert_int_equal(eval("0x1ull << 40"), 1ULL << 40);
	assert_int_equal(eval("1UL<<63"), 1ULL << 63);
	assert_int_equal(eval("-1 & 0xff"), 0xff);
	/* Widths: gfp_t and plain int are 32 bits, unsigned long 64. */
	assert_int_equal(eval("~(( gfp_t)0)"), 0xffffffffULL);
	assert_int_equal(eval("~0UL"), ~0ULL);
	assert_int_equal(eval("(unsigned long)~0u"), 0xffffffffULL);
	assert_int_equal(eval("(u32)0x100000000ULL"), 0);
	assert_int_equal(eval("1 << 40"), 0);
	assert_int_equal(eval("( __u32)(1UL << 31)"), 0x80000000ULL);
}

static void evaluator_rejects_entry_not_file(void **state)
{
	(void)state;
	assert_int_equal(eval("0x400u |"), ~0ULL);
	assert_int_equal(eval("0x4g"), ~0ULL);
	assert_int_equal(eval("1 || 2"), ~0ULL);
	assert_int_equal(eval("1 && 2"), ~0ULL);
	assert_int_equal(eval("(foo)1"), ~0ULL);
	assert_int_equal(eval("___GFP_NO_SUCH_BIT"), ~0ULL);
	assert_int_equal(eval("(1 2)"), ~0ULL);
	assert_int_equal(eval("99999999999999999999999"), ~0ULL);
	assert_int_equal(eval("\"str\""), ~0ULL);
	/* Deep nesting is refused instead of recursing without bound. */
	{
		char deep[600];
		size_t i;

		for (i = 0; i < 200; i++)
			deep[i] = '(';
		deep[i++] = '1';
		for (size_t j = 0; j < 200; j++)
			deep[i++] = ')';
		deep[i] = '\0';
		assert_int_equal(eval(deep), ~0ULL);
	}
}

static void structure_errors(void **state)
{
	struct env *e = *state;
	struct lt_gfp_table t;
	char *cut;

	errno = 0;
	assert_int_equal(gfp_parse_format("name: mm_page_alloc\n", NULL, NULL, &t), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(gfp_parse_format(
		"print fmt: \"%s\", __print_flags(REC->flags, \"|\", {1, \"A\"})\n",
		NULL, NULL, &t), -1);
	assert_int_equal(errno, ENOENT);

	/* A file cut short mid-list is an error, not half a table. */
	cut = strdup(e->fmt61);
	assert_non_null(cut);
	cut[strstr(cut, "\"__GFP_IO\"") - cut] = '\0';
	t.n = 5;
	errno = 0;
	assert_int_equal(gfp_parse_format(cut, NULL, NULL, &t), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(t.n, 0);
	free(cut);

	/* found by fuzz_format: cut right after the flags argument, the
	 * scan stepped past the NUL (an overflow under make asan-test:
	 * the copy ends exactly there) */
	cut = strndup(e->fmt61, (size_t)(strstr(e->fmt61,
		"__print_flags(REC->gfp_flags") - e->fmt61) + 28);
	assert_non_null(cut);
	errno = 0;
	assert_int_equal(gfp_parse_format(cut, NULL, NULL, &t), -1);
	assert_int_equal(errno, ENOENT);
	free(cut);
}

static void picks_the_gfp_flags_list(void **state)
{
	struct lt_gfp_table t;

	(void)state;
	assert_int_equal(gfp_parse_format(
		"print fmt: \"%s %s\", __print_flags(REC->mode, \"|\", {1, \"A\"}), "
		"__print_flags( REC->gfp_flags , \"|\" , { 0x1, \"B\" } , "
		"{(unsigned long)0x6, \"C\"}, )\n", NULL, NULL, &t), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.flags[0].name, "B");
	assert_string_equal(t.flags[1].name, "C");
	assert_int_equal(t.flags[1].mask, 6);
}

static void table_add_and_kernel_decode_order(void **state)
{
	struct lt_gfp_table t = { .n = 0 };
	char name[64];

	(void)state;
	gfp_table_add(&t, 0xc00, "__GFP_RECLAIM");
	gfp_table_add(&t, 0x400, "__GFP_DIRECT_RECLAIM");
	gfp_table_add(&t, 0x800, "__GFP_KSWAPD_RECLAIM");
	gfp_table_add(&t, 0, "none");
	assert_int_equal(t.n, 4);
	assert_string_equal(decode(&t, 0xc00), "__GFP_RECLAIM");
	/* A zero mask never prints, unlike the kernel's old { 0, "none" }. */
	assert_string_equal(decode(&t, 0x400), "__GFP_DIRECT_RECLAIM");
	assert_string_equal(decode(&t, 0x1c00), "__GFP_RECLAIM|0x1000");
	assert_int_equal(gfp_mask_of(&t, "__GFP_KSWAPD_RECLAIM"), 0x800);

	/* Names that do not fit and rows past the end are dropped. */
	memset(name, 'N', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	gfp_table_add(&t, 1, name);
	assert_int_equal(t.n, 4);
	for (int i = 0; i < 200; i++)
		gfp_table_add(&t, 1ULL << (i % 64), "__GFP_X");
	assert_int_equal(t.n, sizeof(t.flags) / sizeof(*t.flags));
}

static void decode_truncates_safely(void **state)
{
	struct env *e = *state;
	struct lt_gfp_table t;
	char buf[8];

	assert_int_equal(gfp_parse_format(e->fmt61, NULL, NULL, &t), 0);
	assert_ptr_equal(gfp_decode(&t, 0xdc0, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "GFP_KER");
	assert_string_equal(gfp_decode(&t, 0xdc0, buf, 1), "");
	buf[0] = 'x';
	gfp_decode(&t, 0xdc0, buf, 0);
	assert_int_equal(buf[0], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_61_hex_literals),
		cmocka_unit_test(decode_61),
		cmocka_unit_test(parse_72_enum_shifts),
		cmocka_unit_test(decode_72),
		cmocka_unit_test(identifier_values_come_from_the_callback),
		cmocka_unit_test(unresolved_identifier_skips_one_entry),
		cmocka_unit_test(enum_era_without_callback_names_nothing),
		cmocka_unit_test(evaluator_subset_of_c),
		cmocka_unit_test(evaluator_rejects_entry_not_file),
		cmocka_unit_test(structure_errors),
		cmocka_unit_test(picks_the_gfp_flags_list),
		cmocka_unit_test(table_add_and_kernel_decode_order),
		cmocka_unit_test(decode_truncates_safely),
	};
	return cmocka_run_group_tests_name("gfp: mm_page_alloc format parsing",
					   tests, setup, teardown);
}
