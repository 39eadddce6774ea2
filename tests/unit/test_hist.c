/* log2 slot maths (must match log2_slot() on the BPF side) and the text
 * printer, captured through open_memstream. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hist.h"

/* Prints into a string the caller frees. */
static char *print(const unsigned long long *slots, unsigned int n, const char *unit)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	hist_print(f, slots, n, unit);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* Every line ends in '\n' and is under 80 columns; returns the count. */
static int check_lines(const char *text)
{
	int lines = 0;

	while (*text) {
		const char *nl = strchr(text, '\n');

		assert_non_null(nl);
		if (nl - text >= 80)
			fail_msg("%d columns: %.*s", (int)(nl - text),
				 (int)(nl - text), text);
		text = nl + 1;
		lines++;
	}
	return lines;
}

static void slots_of_values(void **state)
{
	(void)state;
	/* slot k >= 1 is (2^(k-2), 2^(k-1)]: native bucket k - 1 */
	assert_int_equal(hist_slot(0), 0);
	assert_int_equal(hist_slot(1), 1);
	assert_int_equal(hist_slot(2), 2);
	assert_int_equal(hist_slot(3), 3);
	assert_int_equal(hist_slot(4), 3);
	assert_int_equal(hist_slot(5), 4);
	assert_int_equal(hist_slot(8), 4);
	assert_int_equal(hist_slot(9), 5);
	assert_int_equal(hist_slot(510), 10);
	assert_int_equal(hist_slot(512), 10);
	assert_int_equal(hist_slot(513), 11);
	assert_int_equal(hist_slot(1ULL << 37), 38);
	assert_int_equal(hist_slot((1ULL << 37) + 1), 39);
	/* Everything past the table is clamped into the last slot. */
	assert_int_equal(hist_slot(1ULL << 40), LT_HIST_SLOTS - 1);
	assert_int_equal(hist_slot(1ULL << 63), LT_HIST_SLOTS - 1);
	assert_int_equal(hist_slot(UINT64_MAX), LT_HIST_SLOTS - 1);
}

/* The rule restated in the bit arithmetic of Prometheus' schema 0. */
static void slots_are_native_buckets(void **state)
{
	(void)state;
	for (uint64_t v = 1; v < 70000; v++) {
		unsigned int idx = 0;	/* smallest i with v <= 2^i */

		while ((1ULL << idx) < v)
			idx++;
		assert_int_equal(hist_slot(v), idx + 1);
	}
}

static void bounds_of_slots(void **state)
{
	uint64_t lo, hi;

	(void)state;
	hist_bounds(0, &lo, &hi);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 0);
	hist_bounds(1, &lo, &hi);
	assert_int_equal(lo, 1);
	assert_int_equal(hi, 1);
	hist_bounds(2, &lo, &hi);
	assert_int_equal(lo, 2);
	assert_int_equal(hi, 2);
	hist_bounds(3, &lo, &hi);
	assert_int_equal(lo, 3);
	assert_int_equal(hi, 4);
	hist_bounds(11, &lo, &hi);
	assert_int_equal(lo, 513);
	assert_int_equal(hi, 1024);
	hist_bounds(38, &lo, &hi);
	assert_int_equal(lo, (1ULL << 36) + 1);
	assert_int_equal(hi, 1ULL << 37);
	/* The clamping slot owns everything above it. */
	hist_bounds(LT_HIST_SLOTS - 1, &lo, &hi);
	assert_int_equal(lo, (1ULL << 37) + 1);
	assert_int_equal(hi, UINT64_MAX);
}

static void legacy_bounds(void **state)
{
	uint64_t lo, hi;

	(void)state;
	hist_bounds_in(HIST_LEGACY, 0, &lo, &hi);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 1);
	hist_bounds_in(HIST_LEGACY, 8, &lo, &hi);
	assert_int_equal(lo, 256);
	assert_int_equal(hi, 511);
	hist_bounds_in(HIST_LEGACY, LT_HIST_SLOTS - 1, &lo, &hi);
	assert_int_equal(lo, 1ULL << 39);
	assert_int_equal(hi, UINT64_MAX);
	hist_bounds_in(HIST_NATIVE, 8, &lo, &hi);
	assert_int_equal(lo, 65);
	assert_int_equal(hi, 128);
}

static void bounds_agree_with_slots(void **state)
{
	(void)state;
	for (unsigned int k = 0; k < LT_HIST_SLOTS; k++) {
		uint64_t lo, hi;

		hist_bounds(k, &lo, &hi);
		assert_int_equal(hist_slot(lo), k);
		assert_int_equal(hist_slot(hi), k);
		if (k + 1 < LT_HIST_SLOTS)
			assert_int_equal(hist_slot(hi + 1), k + 1);
	}
}

static void total_merge_range(void **state)
{
	unsigned long long a[LT_HIST_SLOTS] = { 0 }, b[LT_HIST_SLOTS] = { 0 };
	unsigned long long guard[LT_HIST_SLOTS + 1] = { 0 };
	unsigned int first = 99, last = 99;

	(void)state;
	assert_int_equal(hist_total(a, LT_HIST_SLOTS), 0);
	assert_int_equal(hist_range(a, LT_HIST_SLOTS, &first, &last), 0);
	assert_int_equal(first, 99);

	a[3] = 5;
	a[7] = 1;
	b[0] = 2;
	b[7] = 4;
	b[39] = 1;
	hist_merge(a, b, LT_HIST_SLOTS);
	assert_int_equal(a[0], 2);
	assert_int_equal(a[3], 5);
	assert_int_equal(a[7], 5);
	assert_int_equal(a[39], 1);
	assert_int_equal(b[7], 4);
	assert_int_equal(hist_total(a, LT_HIST_SLOTS), 13);
	assert_int_equal(hist_range(a, LT_HIST_SLOTS, &first, &last), 1);
	assert_int_equal(first, 0);
	assert_int_equal(last, 39);
	assert_int_equal(hist_range(a + 1, 6, &first, &last), 1);
	assert_int_equal(first, 2);
	assert_int_equal(last, 2);

	/* n bounds the work: the slot past it stays untouched. */
	guard[LT_HIST_SLOTS] = 77;
	hist_merge(guard, b, LT_HIST_SLOTS);
	assert_int_equal(guard[LT_HIST_SLOTS], 77);
	assert_int_equal(hist_total(guard, LT_HIST_SLOTS), hist_total(b, LT_HIST_SLOTS));
}

static void prints_first_to_last_slot(void **state)
{
	unsigned long long s[LT_HIST_SLOTS] = { 0 };
	char *text;

	(void)state;
	s[0] = 3;
	s[2] = 12;
	s[3] = 1;
	text = print(s, LT_HIST_SLOTS, "pages");
	assert_string_equal(text,
		"     pages               : count    distribution\n"
		"         0 -> 0          : 3        |**********                              |\n"
		"         1 -> 1          : 0        |                                        |\n"
		"         2 -> 2          : 12       |****************************************|\n"
		"         3 -> 4          : 1        |***                                     |\n");
	assert_int_equal(check_lines(text), 5);
	free(text);
}

static void leading_empty_slots_are_not_printed(void **state)
{
	unsigned long long s[LT_HIST_SLOTS] = { 0 };
	char *text;

	(void)state;
	s[10] = 1000;
	s[11] = 1;
	text = print(s, LT_HIST_SLOTS, "ns");
	/* One sample in a thousand still shows a star. */
	assert_string_equal(text,
		"     ns                  : count    distribution\n"
		"       257 -> 512        : 1000     |****************************************|\n"
		"       513 -> 1024       : 1        |*                                       |\n");
	free(text);
}

static void empty_histogram(void **state)
{
	unsigned long long s[LT_HIST_SLOTS] = { 0 };
	char *text = print(s, LT_HIST_SLOTS, "pages");

	(void)state;
	assert_string_equal(text, "     (no samples)\n");
	free(text);
}

static void wide_values_shrink_the_bar(void **state)
{
	unsigned long long s[LT_HIST_SLOTS] = { 0 };
	unsigned long long lo, hi, count;
	char bar[64], *text, *row;

	(void)state;
	s[0] = 1;
	s[39] = 123456789012ULL;
	text = print(s, LT_HIST_SLOTS, "ns");
	/* header, slot 0, slot 1, "... 36 empty rows ...", slot 38, 39 */
	assert_int_equal(check_lines(text), 6);
	assert_non_null(strstr(text, "... 36 empty rows ...\n"));
	/* The rows still read back as "lo -> hi : count |bar|". */
	row = text + strlen(text) - 1;
	while (row > text && row[-1] != '\n')
		row--;
	assert_int_equal(sscanf(row, "%llu -> %llu : %llu |%63[*]|", &lo, &hi,
				&count, bar), 4);
	assert_int_equal(lo, (1ULL << 37) + 1);
	assert_int_equal(hi, UINT64_MAX);
	assert_int_equal(count, 123456789012ULL);
	assert_true(strlen(bar) < 40);
	free(text);
}

/* Lines for samples in slots a <= b only: a run of 5 or more empty rows
 * prints as its first row, one "..." line and its last row. */
static int expected_lines(unsigned int a, unsigned int b)
{
	unsigned int empty = b > a ? b - a - 1 : 0;

	return 1 + (int)(b - a + 1) - (empty >= 5 ? (int)empty - 3 : 0);
}

static void long_empty_runs_fold(void **state)
{
	unsigned long long s[LT_HIST_SLOTS] = { 0 };
	char *text;

	(void)state;
	s[2] = 7;	/* 4 empty rows: shown, folding saves nothing */
	s[7] = 1;	/* 5 empty rows: folded */
	s[13] = 2;
	text = print(s, LT_HIST_SLOTS, "pages");
	assert_string_equal(text,
		"     pages               : count    distribution\n"
		"         2 -> 2          : 7        |****************************************|\n"
		"         3 -> 4          : 0        |                                        |\n"
		"         5 -> 8          : 0        |                                        |\n"
		"         9 -> 16         : 0        |                                        |\n"
		"        17 -> 32         : 0        |                                        |\n"
		"        33 -> 64         : 1        |*****                                   |\n"
		"        65 -> 128        : 0        |                                        |\n"
		"          ... 3 empty rows ...\n"
		"      1025 -> 2048       : 0        |                                        |\n"
		"      2049 -> 4096       : 2        |***********                             |\n");
	assert_int_equal(check_lines(text), 11);
	free(text);
}

static void no_line_reaches_80_columns(void **state)
{
	static const unsigned long long counts[] = {
		1, 9, 12345678, 123456789, 99999999999ULL, UINT64_MAX / 2, UINT64_MAX,
	};
	unsigned long long s[LT_HIST_SLOTS];
	char *text;

	(void)state;
	for (unsigned int last = 0; last < LT_HIST_SLOTS; last++) {
		for (size_t c = 0; c < sizeof(counts) / sizeof(*counts); c++) {
			memset(s, 0, sizeof(s));
			s[last] = counts[c];
			s[last / 2] = 1;
			text = print(s, LT_HIST_SLOTS,
				     "a very long unit name that keeps going and going");
			assert_int_equal(check_lines(text),
					 expected_lines(last / 2, last));
			free(text);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slots_of_values),
		cmocka_unit_test(bounds_of_slots),
		cmocka_unit_test(slots_are_native_buckets),
		cmocka_unit_test(legacy_bounds),
		cmocka_unit_test(bounds_agree_with_slots),
		cmocka_unit_test(total_merge_range),
		cmocka_unit_test(prints_first_to_last_slot),
		cmocka_unit_test(leading_empty_slots_are_not_printed),
		cmocka_unit_test(empty_histogram),
		cmocka_unit_test(wide_values_shrink_the_bar),
		cmocka_unit_test(long_empty_runs_fold),
		cmocka_unit_test(no_line_reaches_80_columns),
	};
	return cmocka_run_group_tests_name("hist: log2 slots and text output",
					   tests, NULL, NULL);
}
