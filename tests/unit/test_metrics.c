/* The Prometheus exposition and its bounded comm labels, rendered from a
 * hand-made snapshot through open_memstream. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "comm_top.h"
#include "metrics.h"

static char *render(const struct lt_metrics *m, struct lt_comm_top *top)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(metrics_render(f, m, top), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* The value of the sample line that starts with prefix, -1 if none. */
static long long sample(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l)
		if (!strncmp(l, prefix, n) && l[n] == ' ')
			return atoll(l + n + 1);
	return -1;
}

static void row(struct lt_comm_row *r, unsigned int kind, unsigned int sev,
		const char *comm, unsigned long long count)
{
	memset(r, 0, sizeof(*r));
	r->key.kind = kind;
	r->key.severity = sev;
	strncpy(r->key.comm, comm, LT_COMM_LEN);
	r->count = count;
}

#define F(kind, sev, comm) "lazytrace_findings_total{kind=\"" kind \
	"\",severity=\"" sev "\",comm=\"" comm "\"}"

static void test_findings_top_and_other(void **state)
{
	struct lt_comm_row rows[4];
	struct lt_metrics m = { .comms = rows, .ncomms = 4,
		.state_src = "none", .state_cross = "none", .rules = "7.0" };
	struct lt_comm_top top;
	char *t;

	comm_top_init(&top, 2);
	row(&rows[0], LT_K_ALLOC_IN_LAZY, LT_SEV_ERROR, "big", 50);
	row(&rows[1], LT_K_ALLOC_IN_LAZY, LT_SEV_ERROR, "mid", 20);
	row(&rows[2], LT_K_ALLOC_IN_LAZY, LT_SEV_ERROR, "small", 3);
	row(&rows[3], LT_K_NESTED_ENTER, LT_SEV_INFO, "tiny", 1);
	t = render(&m, &top);
	/* slots go to the biggest; their series start at 0 */
	assert_int_equal(sample(t, F("alloc_in_lazy", "error", "big")), 0);
	assert_int_equal(sample(t, F("alloc_in_lazy", "error", "mid")), 0);
	assert_int_equal(sample(t, F("alloc_in_lazy", "error", "other")), 73);
	assert_int_equal(sample(t, F("nested_enter", "info", "other")), 1);
	assert_int_equal(sample(t, F("alloc_in_lazy", "error", "small")), -1);
	/* a labelled comm has every pair of the rule set, from 0 */
	assert_int_equal(sample(t, F("nested_enter", "info", "big")), 0);
	free(t);

	/* "small" overtakes "mid": mid retires into other, small starts at 0 */
	rows[0].count = 60;
	rows[1].count = 25;
	rows[2].count = 500;
	t = render(&m, &top);
	assert_int_equal(sample(t, F("alloc_in_lazy", "error", "big")), 10);
	assert_int_equal(sample(t, F("alloc_in_lazy", "error", "small")), 0);
	assert_int_equal(sample(t, F("alloc_in_lazy", "error", "mid")), -1);
	assert_int_equal(sample(t, F("alloc_in_lazy", "error", "other")),
			 575);
	free(t);
}

/* Every pair the rule set can produce is there from the start, at 0. */
static void test_findings_predeclared(void **state)
{
	struct lt_metrics m = { .state_src = "none", .state_cross = "none",
		.rules = "pre-7.0" };
	struct lt_comm_top top;
	char *t;

	comm_top_init(&top, 4);
	t = render(&m, &top);
	assert_int_equal(sample(t, F("alloc_in_lazy", "error", "other")), 0);
	assert_int_equal(sample(t, F("enable_while_paused", "warning",
				     "other")), 0);
	assert_int_equal(sample(t, F("nested_enter", "info", "other")), -1);
	free(t);
	m.rules = "7.0";
	t = render(&m, &top);
	assert_int_equal(sample(t, F("nested_enter", "info", "other")), 0);
	assert_int_equal(sample(t, F("alloc_in_lazy", "info", "other")), 0);
	assert_int_equal(sample(t, F("alloc_in_lazy", "error", "other")), 0);
	assert_int_equal(sample(t, F("nested_enter", "error", "other")), -1);
	free(t);
}

static void test_comm_labels(void **state)
{
	char out[LT_LABEL_LEN];
	char evil[LT_COMM_LEN] = "a\"b\\c\n\x01\xff";
	struct lt_comm_row r;
	struct lt_metrics m = { .comms = &r, .ncomms = 1,
		.state_src = "none", .state_cross = "none", .rules = "7.0" };
	struct lt_comm_top top;
	char *t;

	comm_label(evil, out);
	assert_string_equal(out, "a\"b\\x5cc\\x0a\\x01\\xff");
	comm_label("a\\x01", out);	/* not the same label as "a\x01" */
	assert_string_equal(out, "a\\x5cx01");

	comm_top_init(&top, 4);
	row(&r, LT_K_OPEN_AT_EXIT, LT_SEV_WARNING, evil, 7);
	free(render(&m, &top));		/* the slot is given at 7 */
	r.count = 9;
	t = render(&m, &top);
	/* quote and backslash escaped once more by the text format */
	assert_int_equal(sample(t, F("open_at_exit", "warning",
		"a\\\"b\\\\x5cc\\\\x0a\\\\x01\\\\xff")), 2);
	free(t);

	/* a task named "other" never gets its own series */
	row(&r, LT_K_OPEN_AT_EXIT, LT_SEV_WARNING, "other", 2);
	comm_top_init(&top, 4);
	t = render(&m, &top);
	assert_int_equal(top.n, 0);
	assert_int_equal(sample(t, F("open_at_exit", "warning", "other")), 2);
	free(t);
}

static void test_histogram(void **state)
{
	struct lt_metrics m = { .state_src = "task_counters",
		.state_cross = "none", .rules = "7.0" };
	struct lt_comm_top top;
	char *t;

	comm_top_init(&top, 4);
	/* values 0, 3, 4 and 1000: slots 0, 3, 3, 11 */
	m.hist[LT_H_FLUSH_SPAN].slots[0] = 1;
	m.hist[LT_H_FLUSH_SPAN].slots[3] = 2;
	m.hist[LT_H_FLUSH_SPAN].slots[11] = 1;
	m.hist[LT_H_FLUSH_SPAN].sum = 1007;
	m.hist[LT_H_SECTION_SPAN].slots[LT_HIST_SLOTS - 1] = 1;
	m.hist[LT_H_SECTION_SPAN].sum = 3000000000ULL;
	t = render(&m, &top);
	assert_non_null(strstr(t, "# TYPE lazytrace_flush_span_pages histogram\n"));
	/* le are the native bucket bounds: 0 (the zero bucket), 1, 2, 4, ... */
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_bucket{le=\"0\"}"), 1);
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_bucket{le=\"1\"}"), 1);
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_bucket{le=\"2\"}"), 1);
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_bucket{le=\"4\"}"), 3);
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_bucket{le=\"3\"}"), -1);
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_bucket{le=\"512\"}"), 3);
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_bucket{le=\"1024\"}"), 4);
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_bucket{le=\"137438953472\"}"), 4);
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_bucket{le=\"+Inf\"}"), 4);
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_sum"), 1007);
	assert_int_equal(sample(t, "lazytrace_flush_span_pages_count"), 4);
	/* the clamped last slot only shows in +Inf; ns become seconds */
	assert_int_equal(sample(t, "lazytrace_section_span_seconds_bucket{le=\"+Inf\"}"), 1);
	assert_int_equal(sample(t, "lazytrace_section_span_seconds_bucket{le=\"5.12e-07\"}"), 0);
	assert_int_equal(sample(t, "lazytrace_section_span_seconds_sum"), 3);
	assert_non_null(strstr(t, "lazytrace_state_source_info{source=\"task_counters\","));
	assert_non_null(strstr(t, "lazytrace_build_info{version=\"" LT_VERSION "\","));
	free(t);
}

static void test_counters_and_plan(void **state)
{
	struct lt_metrics m = { .state_src = "none", .state_cross = "none",
		.rules = "pre-7.0", .nprobes = 1, .streamed = 9,
		.rate_limited = 4, .deduplicated = 2 };
	struct lt_comm_top top;
	char *t;

	comm_top_init(&top, 4);
	m.probes[0] = (struct lt_probe_info){ LT_EV_PAGE_ALLOC,
		"kmem:mm_page_alloc", "raw_tp" };
	m.stats[LT_ST_EVENT0 + LT_EV_PAGE_ALLOC] = 123;
	m.stats[LT_ST_EVENT0 + LT_EV_TLB_FLUSH] = 77;	/* not planned */
	m.stats[LT_ST_RB_DROPS] = 5;
	m.stats[LT_ST_INFO_HELD] = 31;
	m.stats[LT_ST_HIST_FULL] = 17;
	t = render(&m, &top);
	assert_int_equal(sample(t, "lazytrace_events_total{event=\"page_alloc\"}"), 123);
	assert_int_equal(sample(t, "lazytrace_events_total{event=\"tlb_flush\"}"), -1);
	assert_int_equal(sample(t, "lazytrace_events_dropped_total"), 5);
	assert_int_equal(sample(t, "lazytrace_findings_streamed_total"), 9);
	assert_int_equal(sample(t, "lazytrace_findings_rate_limited_total"), 4);
	assert_int_equal(sample(t, "lazytrace_findings_deduplicated_total"), 2);
	assert_int_equal(sample(t, "lazytrace_findings_info_held_total"), 31);
	assert_int_equal(sample(t, "lazytrace_hist_full_total"), 17);
	assert_int_equal(sample(t, "lazytrace_probe_info{event=\"page_alloc\","
				"symbol=\"kmem:mm_page_alloc\",method=\"raw_tp\"}"), 1);
	/* every family is declared once, before its samples */
	assert_ptr_equal(strstr(t, "# TYPE lazytrace_findings_total counter"),
			 strstr(t, "# TYPE lazytrace_findings_total"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings_top_and_other),
		cmocka_unit_test(test_findings_predeclared),
		cmocka_unit_test(test_comm_labels),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_counters_and_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
