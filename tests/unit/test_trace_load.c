/* The report's JSON Lines loader: bucket maths, cumulative histograms,
 * findings grouped by kind and stack against the summary's exact counts,
 * and one-line errors that name the line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hist.h"
#include "trace_load.h"

static int load(const char *text, struct lt_trace *t, char *err, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	err[0] = '\0';
	rc = trace_load_stream(f, "t.jsonl", t, err, len);
	fclose(f);
	return rc;
}

/* Loading must fail with an error that starts with want. */
static void load_fails(const char *text, const char *want)
{
	struct lt_trace t;
	char err[256];

	assert_int_equal(load(text, &t, err, sizeof(err)), -1);
	if (strncmp(err, want, strlen(want)))
		fail_msg("error '%s' does not start with '%s'", err, want);
	assert_null(strchr(err, '\n'));
	trace_free(&t);
}

static void test_bucket_slot(void **state)
{
	enum hist_layout l;
	uint64_t lo, hi;

	(void)state;
	/* today's native buckets: {0}, {1}, {2}, [3,4], ... */
	assert_int_equal(trace_bucket_slot(0, 0, &l), 0);
	assert_int_equal(l, HIST_NATIVE);
	assert_int_equal(trace_bucket_slot(1, 1, &l), 1);
	assert_int_equal(trace_bucket_slot(2, 2, &l), 2);
	assert_int_equal(trace_bucket_slot(3, 4, &l), 3);
	assert_int_equal(trace_bucket_slot(257, 512, &l), 10);
	assert_int_equal(l, HIST_NATIVE);
	/* traces written before them: [0,1], [2,3], [4,7], ... */
	assert_int_equal(trace_bucket_slot(0, 1, &l), 0);
	assert_int_equal(l, HIST_LEGACY);
	assert_int_equal(trace_bucket_slot(2, 3, &l), 1);
	assert_int_equal(l, HIST_LEGACY);
	assert_int_equal(trace_bucket_slot(256, 511, &l), 8);
	assert_int_equal(trace_bucket_slot(1ULL << 35, (1ULL << 36) - 1, &l),
			 35);
	assert_int_equal(l, HIST_LEGACY);
	/* Every slot's own bounds map back to it, in its own layout. */
	for (unsigned int s = 0; s < LT_HIST_SLOTS; s++) {
		hist_bounds(s, &lo, &hi);
		assert_int_equal(trace_bucket_slot(lo, hi, &l), (int)s);
		assert_int_equal(l, HIST_NATIVE);
		hist_bounds_in(HIST_LEGACY, s, &lo, &hi);
		assert_int_equal(trace_bucket_slot(lo, hi, &l), (int)s);
		assert_int_equal(l, HIST_LEGACY);
	}
	/* Log2 buckets of neither layout. */
	assert_int_equal(trace_bucket_slot(3, 3, &l), -1);
	assert_int_equal(trace_bucket_slot(256, 512, &l), -1);
	assert_int_equal(trace_bucket_slot(0, 3, &l), -1);
	assert_int_equal(trace_bucket_slot(5, 7, &l), -1);
	/* The last slot is open-ended but not upside down. */
	hist_bounds(LT_HIST_SLOTS - 1, &lo, &hi);
	assert_int_equal(trace_bucket_slot(lo, lo + 5, &l), LT_HIST_SLOTS - 1);
	assert_int_equal(trace_bucket_slot(lo, lo - 1, &l), -1);
}

static void test_hist_id(void **state)
{
	(void)state;
	assert_int_equal(trace_hist_id("batch_pages"), LT_H_BATCH_PAGES);
	assert_int_equal(trace_hist_id("section_span"), LT_H_SECTION_SPAN);
	assert_int_equal(trace_hist_id("nope"), -1);
}

/* Interval records are cumulative: the last per (name, comm) counts; comms
 * are merged; an unknown histogram name or record type is skipped and
 * counted, for the page to say so. */
static void test_hists(void **state)
{
	static const char text[] =
	"{\"type\":\"histogram\",\"name\":\"batch_pages\",\"unit\":\"pages\",\"scope\":\"all\","
	"\"comm\":\"a\",\"total\":3,\"buckets\":[{\"low\":4,\"high\":7,\"count\":3}]}\n"
	"{\"type\":\"histogram\",\"name\":\"batch_pages\",\"unit\":\"pages\",\"scope\":\"all\","
	"\"comm\":\"b\",\"total\":1,\"buckets\":[{\"low\":256,\"high\":511,\"count\":1}]}\n"
	"\n"
	"{\"type\":\"histogram\",\"name\":\"batch_pages\",\"unit\":\"pages\",\"scope\":\"all\","
	"\"comm\":\"a\",\"total\":7,\"buckets\":[{\"low\":4,\"high\":7,\"count\":5},"
	"{\"low\":8,\"high\":15,\"count\":0},{\"low\":16,\"high\":31,\"count\":2}]}\n"
	"{\"type\":\"histogram\",\"name\":\"future\",\"unit\":\"x\",\"comm\":\"a\","
	"\"total\":1,\"buckets\":[{\"low\":0,\"high\":1,\"count\":1}]}\n"
	"{\"type\":\"newer_record\",\"x\":1}\n";
	struct lt_trace t;
	char err[256];

	(void)state;
	assert_int_equal(load(text, &t, err, sizeof(err)), 0);
	assert_int_equal(t.records, 5);
	assert_int_equal(t.lines, 6);
	assert_int_equal(t.skipped_hists, 1);
	assert_int_equal(t.skipped_types, 1);
	assert_true(t.hist_seen[LT_H_BATCH_PAGES]);
	assert_false(t.hist_seen[LT_H_FLUSH_SPAN]);
	assert_int_equal(t.hist[LT_H_BATCH_PAGES][2], 5);
	assert_int_equal(t.hist[LT_H_BATCH_PAGES][4], 2);
	assert_int_equal(t.hist[LT_H_BATCH_PAGES][8], 1);
	assert_int_equal(hist_total(t.hist[LT_H_BATCH_PAGES], LT_HIST_SLOTS), 8);
	assert_string_equal(t.hist_scope[LT_H_BATCH_PAGES], "all");
	assert_int_equal(t.ncomms, 2);
	assert_false(t.has_summary);
	assert_int_equal(t.layout, HIST_LEGACY);
	trace_free(&t);
}

/* Today's buckets load into the same slots lazytrace counted them in. */
static void test_native_hists(void **state)
{
	static const char text[] =
	"{\"type\":\"histogram\",\"name\":\"nesting_depth\",\"unit\":\"depth\","
	"\"scope\":\"all\",\"comm\":\"a\",\"total\":9,\"buckets\":["
	"{\"low\":0,\"high\":0,\"count\":1},{\"low\":1,\"high\":1,\"count\":4},"
	"{\"low\":2,\"high\":2,\"count\":3},{\"low\":3,\"high\":4,\"count\":1}]}\n";
	struct lt_trace t;
	char err[256];

	(void)state;
	assert_int_equal(load(text, &t, err, sizeof(err)), 0);
	assert_int_equal(t.layout, HIST_NATIVE);
	assert_int_equal(t.hist[LT_H_DEPTH][0], 1);
	assert_int_equal(t.hist[LT_H_DEPTH][1], 4);
	assert_int_equal(t.hist[LT_H_DEPTH][2], 3);
	assert_int_equal(t.hist[LT_H_DEPTH][3], 1);
	trace_free(&t);
}

#define FINDING(comm, ts, stack) \
	"{\"type\":\"finding\",\"kind\":\"alloc_in_lazy\",\"severity\":\"info\"," \
	"\"ts_ns\":" #ts ",\"comm\":\"" comm "\",\"event\":\"page_alloc\"," \
	"\"stack\":[" stack "]}\n"

/*
 * Streamed stacks are cut at --stacks frames: each summary group counts
 * toward the streamed group whose stack is a prefix of its own. A group
 * nothing was streamed for (dropped) becomes a row with its own times.
 */
static void test_groups(void **state)
{
	static const char text[] =
	FINDING("w", 2000, "\"f\",\"g\"")
	FINDING("w", 1000, "\"f\",\"g\"")
	FINDING("x", 5000, "\"f\",\"g\"")
	FINDING("w", 3000, "\"h\"")
	"{\"type\":\"summary\",\"kernel\":\"7.2.0\",\"rules\":\"7.0\","
	"\"state_source\":\"task_counters\",\"state_crosscheck\":\"none\","
	"\"findings\":{\"alloc_in_lazy\":12,\"flush_in_lazy\":0},"
	"\"groups\":["
	"{\"kind\":\"alloc_in_lazy\",\"severity\":\"info\",\"event\":\"page_alloc\","
	"\"count\":6,\"first_ns\":900,\"last_ns\":6000,\"stack\":[\"f\",\"g\",\"k\"]},"
	"{\"kind\":\"alloc_in_lazy\",\"severity\":\"info\",\"event\":\"page_alloc\","
	"\"count\":4,\"first_ns\":950,\"last_ns\":6100,\"stack\":[\"f\",\"g\",\"m\"]},"
	"{\"kind\":\"alloc_in_lazy\",\"severity\":\"info\",\"event\":\"page_alloc\","
	"\"count\":2,\"first_ns\":7000,\"last_ns\":8000,\"stack\":[\"z\"]}],"
	"\"streamed\":4,\"dropped\":8,\"aggregation_full\":0,\"stacks_lost\":0,"
	"\"irq_skipped\":0,\"gathers_fullmm\":1,\"gathers_ranged\":2,"
	"\"events\":{\"page_alloc\":99},"
	"\"probes\":[{\"event\":\"page_alloc\",\"method\":\"fentry\","
	"\"symbol\":\"__alloc_frozen_pages_noprof\",\"copies\":1}]}\n";
	struct lt_trace t;
	char err[256];
	const struct lt_tgroup *g;

	(void)state;
	assert_int_equal(load(text, &t, err, sizeof(err)), 0);
	assert_true(t.has_summary);
	assert_string_equal(t.kernel, "7.2.0");
	assert_string_equal(t.state_source, "task_counters");
	assert_int_equal(t.dropped, 8);
	assert_int_equal(t.nprobes, 1);
	assert_string_equal(t.probes[0].symbol, "__alloc_frozen_pages_noprof");
	assert_int_equal(t.streamed, 4);
	assert_int_equal(t.first_ns, 1000);
	assert_int_equal(t.last_ns, 5000);
	assert_int_equal(t.ngroups, 3);
	/* Sorted by exact count: f,g (6 + 4), z (2, dropped), h (0 counted). */
	g = &t.groups[0];
	assert_int_equal(g->nstack, 2);
	assert_string_equal(g->stack[0], "f");
	assert_int_equal(g->streamed, 3);
	assert_true(g->has_counted);
	assert_int_equal(g->counted, 10);
	assert_int_equal(g->first_ns, 1000);	/* from the streamed ones */
	assert_int_equal(g->last_ns, 5000);
	assert_int_equal(g->ncomms, 2);
	g = &t.groups[1];
	assert_string_equal(g->stack[0], "z");
	assert_int_equal(g->streamed, 0);
	assert_int_equal(g->counted, 2);
	assert_int_equal(g->first_ns, 7000);
	g = &t.groups[2];
	assert_string_equal(g->stack[0], "h");
	assert_int_equal(g->streamed, 1);
	assert_false(g->has_counted);
	trace_free(&t);
}

#define PLAN(kernel) \
	"{\"type\":\"plan\",\"kernel\":\"" kernel "\",\"rules\":\"7.0\"," \
	"\"state_source\":\"task_counters\",\"state_crosscheck\":\"none\"," \
	"\"probes\":[{\"event\":\"page_alloc\",\"method\":\"fentry\"," \
	"\"symbol\":\"a\",\"copies\":1}]}\n"

/* The plan record names kernel and probes of a trace cut short; a summary,
 * which comes last, has the final word. */
static void test_plan(void **state)
{
	static const char cut[] = PLAN("7.2.1") FINDING("w", 10, "\"f\"");
	static const char whole[] = PLAN("7.2.1")
	"{\"type\":\"summary\",\"kernel\":\"7.2.2\",\"state_source\":\"none\","
	"\"findings\":{},\"groups\":[],\"streamed\":0,\"dropped\":0,"
	"\"aggregation_full\":0,\"stacks_lost\":0,\"irq_skipped\":0,"
	"\"gathers_fullmm\":0,\"gathers_ranged\":0,\"events\":{},\"probes\":[]}\n"
	PLAN("7.2.3");
	struct lt_trace t;
	char err[256];

	(void)state;
	assert_int_equal(load(cut, &t, err, sizeof(err)), 0);
	assert_true(t.has_plan);
	assert_false(t.has_summary);
	assert_string_equal(t.kernel, "7.2.1");
	assert_string_equal(t.state_source, "task_counters");
	assert_int_equal(t.nprobes, 1);
	assert_string_equal(t.probes[0].method, "fentry");
	assert_int_equal(t.ngroups, 1);
	assert_false(t.groups[0].has_counted);
	trace_free(&t);
	assert_int_equal(load(whole, &t, err, sizeof(err)), 0);
	assert_true(t.has_summary);
	assert_string_equal(t.kernel, "7.2.2");
	assert_string_equal(t.state_source, "none");
	assert_int_equal(t.nprobes, 0);
	trace_free(&t);
	load_fails("{\"type\":\"plan\",\"kernel\":\"k\",\"probes\":[]}\n",
		   "t.jsonl:1: \"state_source\" missing or not string");
	load_fails("{\"type\":\"plan\",\"kernel\":\"k\",\"state_source\":\"x\","
		   "\"probes\":[7]}\n", "t.jsonl:1: probe 0 is not an object");
}

static void test_malformed(void **state)
{
	(void)state;
	load_fails("", "t.jsonl: no records");
	load_fails("\n\n", "t.jsonl: no records");
	load_fails("{\"type\":\"summary\"", "t.jsonl:1: not JSON (cut short)");
	load_fails(FINDING("w", 1, "") "not json\n", "t.jsonl:2: not JSON");
	load_fails(FINDING("w", 1, "") "{\"type\":\"finding\"} x\n",
		   "t.jsonl:2: not JSON (trailing");
	load_fails("[1,2]\n", "t.jsonl:1: no \"type\"");
	load_fails("{\"kind\":\"x\"}\n", "t.jsonl:1: no \"type\"");
	load_fails("\n" FINDING("w", -5, ""), "t.jsonl:2: \"ts_ns\" is negative");
	load_fails("{\"type\":\"finding\",\"kind\":\"a\",\"ts_ns\":1,\"stack\":[1]}\n",
		   "t.jsonl:1: stack frame 0 is not a string");
	load_fails("{\"type\":\"finding\",\"kind\":\"a\",\"ts_ns\":\"1\",\"stack\":[]}\n",
		   "t.jsonl:1: \"ts_ns\" missing or not int");
	load_fails("{\"type\":\"histogram\",\"name\":\"batch_pages\",\"comm\":\"a\","
		   "\"total\":1,\"buckets\":[{\"low\":3,\"high\":5,\"count\":1}]}\n",
		   "t.jsonl:1: bucket [3, 5] is not a log2 bucket");
	load_fails("{\"type\":\"histogram\",\"name\":\"batch_pages\",\"comm\":\"a\","
		   "\"total\":2,\"buckets\":[{\"low\":2,\"high\":3,\"count\":1}]}\n",
		   "t.jsonl:1: buckets add up to 1, \"total\" says 2");
	load_fails("{\"type\":\"histogram\",\"name\":\"batch_pages\",\"comm\":\"a\","
		   "\"total\":2,\"buckets\":[{\"low\":2,\"high\":2,\"count\":1},"
		   "{\"low\":4,\"high\":7,\"count\":1}]}\n",
		   "t.jsonl:1: bucket [4, 7] mixes old and new bucket bounds");
	load_fails("{\"type\":\"summary\",\"kernel\":\"k\"}\n",
		   "t.jsonl:1: \"groups\" missing or not array");
}

static void test_open_error(void **state)
{
	struct lt_trace t;
	char err[256];

	(void)state;
	assert_int_equal(trace_load("/nonexistent/t.jsonl", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open /nonexistent/t.jsonl"));
	trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_slot),
		cmocka_unit_test(test_hist_id),
		cmocka_unit_test(test_hists),
		cmocka_unit_test(test_native_hists),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_open_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
