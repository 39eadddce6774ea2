/* The report page: escaping (a hostile comm or symbol must stay text),
 * chart labels and ticks, bars carrying their counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hist.h"
#include "html_out.h"
#include "html_report.h"
#include "svg_hist.h"
#include "trace_load.h"

/* Output of a writer as a string the caller frees. */
#define CAPTURE(var, call) do {						\
	size_t len_;							\
	FILE *out = open_memstream(&(var), &len_);			\
	assert_non_null(out);						\
	call;								\
	assert_int_equal(fclose(out), 0);				\
} while (0)

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_escape(void **state)
{
	char *s;

	(void)state;
	CAPTURE(s, html_esc(out, "<script>alert(\"x\" & 'y')</script>"));
	assert_string_equal(s, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)"
			    "&lt;/script&gt;");
	free(s);
	/* Control bytes (a comm may hold any) become U+FFFD; UTF-8 stays. */
	CAPTURE(s, html_esc(out, "a\x01\x1b[31m\x7f" "b\xc3\xa9"));
	assert_string_equal(s, "a&#xFFFD;&#xFFFD;[31m&#xFFFD;b\xc3\xa9");
	free(s);
	CAPTURE(s, html_elem(out, "td", "mono", "x<y"));
	assert_string_equal(s, "<td class=\"mono\">x&lt;y</td>");
	free(s);
}

static void test_fmt_value(void **state)
{
	char b[24];

	(void)state;
	svg_fmt_value(b, sizeof(b), 0, "pages");
	assert_string_equal(b, "0");
	svg_fmt_value(b, sizeof(b), 512, "pages");
	assert_string_equal(b, "512");
	svg_fmt_value(b, sizeof(b), 1024, "pages");
	assert_string_equal(b, "1K");
	svg_fmt_value(b, sizeof(b), 1ULL << 35, "pages");
	assert_string_equal(b, "32G");
	svg_fmt_value(b, sizeof(b), 1535, "pages");	/* not exact: no suffix */
	assert_string_equal(b, "1535");
	svg_fmt_value(b, sizeof(b), 512, "ns");
	assert_string_equal(b, "512ns");
	svg_fmt_value(b, sizeof(b), 1024, "ns");
	assert_string_equal(b, "1.0us");
	svg_fmt_value(b, sizeof(b), 2000000, "ns");
	assert_string_equal(b, "2ms");
	svg_fmt_value(b, sizeof(b), 1ULL << 33, "ns");
	assert_string_equal(b, "8.6s");
}

static void test_tick_step(void **state)
{
	(void)state;
	assert_int_equal(svg_tick_step(1, 5), 1);
	assert_int_equal(svg_tick_step(5, 5), 1);
	assert_int_equal(svg_tick_step(6, 5), 2);
	assert_int_equal(svg_tick_step(388, 5), 100);
	assert_int_equal(svg_tick_step(879, 5), 200);
	assert_int_equal(svg_tick_step(118862, 5), 50000);
	for (unsigned long long y = 1; y < 100000; y = y * 3 + 1)
		assert_true((y + svg_tick_step(y, 5) - 1) / svg_tick_step(y, 5) <= 5);
}

/* Every bucket from first to last is a bar with its bounds and count. */
static void test_bars(void **state)
{
	unsigned long long slots[LT_HIST_SLOTS] = { 0 };
	struct svg_hist h = { "batch_pages", "pages", 1, slots, 2, 8, 317 };
	char *s;

	(void)state;
	slots[2] = 158;
	slots[8] = 317;
	CAPTURE(s, svg_hist_draw(out, &h));
	assert_int_equal(count_of(s, "<rect class=\"bar t1\""), 7);
	assert_non_null(strstr(s, "data-hist=\"batch_pages\" data-trace=\"1\" "
			       "data-bucket=\"2\" data-low=\"2\" data-high=\"2\" "
			       "data-count=\"158\""));
	assert_non_null(strstr(s, "data-bucket=\"65\" data-low=\"65\" "
			       "data-high=\"128\" data-count=\"317\""));
	assert_int_equal(count_of(s, "data-count=\"0\""), 5);
	assert_non_null(strstr(s, ">317</text>"));
	/* native buckets are labelled by upper bound, as le reads */
	assert_non_null(strstr(s, "<title>65-128 pages: 317</title>"));
	assert_non_null(strstr(s, "<title>2 pages: 158</title>"));
	assert_non_null(strstr(s, "\">128</text>"));
	assert_non_null(strstr(s, "pages, log2 buckets: 0, 1, 2, 3-4"));
	assert_null(strstr(s, "no data"));
	free(s);
	/* a trace written with the old bounds keeps its old labels */
	h.layout = HIST_LEGACY;
	CAPTURE(s, svg_hist_draw(out, &h));
	assert_non_null(strstr(s, "data-bucket=\"4\" data-low=\"4\" "
			       "data-high=\"7\" data-count=\"158\""));
	assert_non_null(strstr(s, "data-bucket=\"256\" data-low=\"256\" "
			       "data-high=\"511\" data-count=\"317\""));
	assert_non_null(strstr(s, "<title>256-511 pages: 317</title>"));
	assert_non_null(strstr(s, "pages, log2 buckets: 0-1, 2-3"));
	free(s);
	CAPTURE(s, svg_no_data(out, "section_span", 0, "inlined <here>"));
	assert_non_null(strstr(s, ">no data<"));
	assert_non_null(strstr(s, "inlined &lt;here&gt;"));
	assert_null(strstr(s, "class=\"bar"));
	free(s);
}

/* A trace whose every string is hostile, through loader and page writer. */
static void test_page_injection(void **state)
{
	static const char text[] =
	"{\"type\":\"finding\",\"kind\":\"alloc<b>\",\"severity\":\"in\\\"fo\","
	"\"ts_ns\":5,\"comm\":\"<script>alert(1)</script>\",\"event\":\"e'v\","
	"\"stack\":[\"\\\"><img src=x onerror=alert(2)>\"]}\n"
	"{\"type\":\"histogram\",\"name\":\"batch_pages\",\"unit\":\"pages\","
	"\"scope\":\"<i>all\",\"comm\":\"<svg onload=alert(3)>\",\"total\":1,"
	"\"buckets\":[{\"low\":4,\"high\":7,\"count\":1}]}\n"
	"{\"type\":\"summary\",\"kernel\":\"</title><script>x</script>\","
	"\"rules\":\"7.0\",\"state_source\":\"<u>\",\"state_crosscheck\":\"none\","
	"\"findings\":{\"alloc<b>\":1},\"groups\":[],\"streamed\":1,\"dropped\":0,"
	"\"aggregation_full\":0,\"stacks_lost\":0,\"irq_skipped\":0,"
	"\"gathers_fullmm\":0,\"gathers_ranged\":0,\"events\":{},"
	"\"probes\":[{\"event\":\"<p>\",\"method\":\"fentry\",\"symbol\":"
	"\"<a href=x>\",\"copies\":1}]}\n";
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	const struct lt_trace *tp[1];
	struct lt_trace t;
	char err[256], *s;

	(void)state;
	assert_non_null(f);
	assert_int_equal(trace_load_stream(f, "<evil>.jsonl", &t, err, sizeof(err)), 0);
	fclose(f);
	tp[0] = &t;
	CAPTURE(s, html_report_write(out, tp, 1));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "<img"));
	assert_null(strstr(s, "<svg onload"));
	assert_null(strstr(s, "<a href"));
	assert_null(strstr(s, "<b>"));
	assert_null(strstr(s, "<i>"));
	assert_null(strstr(s, "<u>"));
	assert_null(strstr(s, "<evil>"));
	assert_null(strstr(s, "\"><img"));
	assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(s, "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
	assert_non_null(strstr(s, "&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;"));
	assert_non_null(strstr(s, "&lt;svg onload=alert(3)&gt;"));
	/* The page itself has no script and loads nothing. */
	assert_null(strstr(s, " src=\""));
	assert_null(strstr(s, " href=\""));
	assert_null(strstr(s, "url("));
	trace_free(&t);
	free(s);
}

static void load_text(const char *text, struct lt_trace *t)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	char err[256];

	assert_non_null(f);
	if (trace_load_stream(f, "t.jsonl", t, err, sizeof(err)))
		fail_msg("%s", err);
	fclose(f);
}

/* An old trace against a new one: each chart is drawn in its own bounds,
 * on its own x axis, and the page says why. */
static void test_compare_layouts(void **state)
{
	static const char old[] =
	"{\"type\":\"histogram\",\"name\":\"batch_pages\",\"comm\":\"a\","
	"\"total\":3,\"buckets\":[{\"low\":256,\"high\":511,\"count\":3}]}\n"
	"{\"type\":\"histogram\",\"name\":\"alloc_order\",\"comm\":\"a\","
	"\"total\":1,\"buckets\":[{\"low\":0,\"high\":1,\"count\":1}]}\n";
	static const char new[] =
	"{\"type\":\"histogram\",\"name\":\"batch_pages\",\"comm\":\"a\","
	"\"total\":2,\"sum\":1020,\"buckets\":[{\"low\":257,\"high\":512,"
	"\"count\":2}]}\n";
	const struct lt_trace *tp[2];
	struct lt_trace a, b;
	char *s;

	(void)state;
	load_text(old, &a);
	load_text(new, &b);
	tp[0] = &a;
	tp[1] = &b;
	CAPTURE(s, html_report_write(out, tp, 2));
	assert_non_null(strstr(s, "data-trace=\"0\" data-bucket=\"256\" "
			       "data-low=\"256\" data-high=\"511\" data-count=\"3\""));
	assert_non_null(strstr(s, "data-trace=\"1\" data-bucket=\"257\" "
			       "data-low=\"257\" data-high=\"512\" data-count=\"2\""));
	/* one bar each: the ranges are not merged across layouts */
	assert_int_equal(count_of(s, "<rect class=\"bar t0\" "), 1 + 1);
	assert_int_equal(count_of(s, "<rect class=\"bar t1\" "), 1);
	/* batch_pages has both; alloc_order only the old trace: no warning */
	assert_int_equal(count_of(s, "old bucket bounds"), 1);
	trace_free(&a);
	trace_free(&b);
	free(s);
}

/* Ring-buffer drops: the exact count shows, the row is starred, the page
 * says why; without a summary the count is unknown, not the streamed one. */
static void test_page_counts(void **state)
{
	static const char finding[] =
	"{\"type\":\"finding\",\"kind\":\"alloc_in_lazy\",\"severity\":\"info\","
	"\"ts_ns\":5,\"comm\":\"w\",\"event\":\"page_alloc\",\"stack\":[\"f\"]}\n";
	static const char summary[] =
	"{\"type\":\"summary\",\"kernel\":\"7.2\",\"state_source\":\"task_counters\","
	"\"findings\":{\"alloc_in_lazy\":9},\"groups\":[{\"kind\":\"alloc_in_lazy\","
	"\"severity\":\"info\",\"event\":\"page_alloc\",\"count\":9,\"first_ns\":1,"
	"\"last_ns\":9,\"stack\":[\"f\",\"g\"]}],\"streamed\":1,\"dropped\":8,"
	"\"aggregation_full\":0,\"stacks_lost\":0,\"irq_skipped\":0,"
	"\"gathers_fullmm\":0,\"gathers_ranged\":0,\"events\":{},\"probes\":[]}\n";
	char text[2048], err[256], *s;
	const struct lt_trace *tp[1];
	struct lt_trace t;
	FILE *f;

	(void)state;
	snprintf(text, sizeof(text), "%s%s", finding, summary);
	f = fmemopen(text, strlen(text), "r");
	assert_int_equal(trace_load_stream(f, "d.jsonl", &t, err, sizeof(err)), 0);
	fclose(f);
	tp[0] = &t;
	CAPTURE(s, html_report_write(out, tp, 1));
	assert_non_null(strstr(s, "data-count=\"9\" data-streamed=\"1\""));
	assert_non_null(strstr(s, ">1 *</td>"));
	assert_non_null(strstr(s, "Fewer findings were streamed than the kernel counted"));
	assert_null(strstr(s, "No summary record"));
	assert_null(strstr(s, "Skipped, not shown"));
	free(s);
	trace_free(&t);

	f = fmemopen((void *)finding, strlen(finding), "r");
	assert_int_equal(trace_load_stream(f, "d.jsonl", &t, err, sizeof(err)), 0);
	fclose(f);
	CAPTURE(s, html_report_write(out, tp, 1));
	assert_non_null(strstr(s, "No summary record"));
	assert_non_null(strstr(s, "<td class=\"n off\">?</td>"));
	assert_null(strstr(s, "Fewer findings were streamed"));
	free(s);
	trace_free(&t);
}

/* Records of a newer lazytrace are skipped, and the page counts them. */
static void test_page_skipped(void **state)
{
	static const char text[] =
	"{\"type\":\"future\"}\n{\"type\":\"future\"}\n"
	"{\"type\":\"histogram\",\"name\":\"future\",\"unit\":\"x\","
	"\"comm\":\"a\",\"total\":1,\"buckets\":[{\"low\":0,\"high\":1,"
	"\"count\":1}]}\n";
	const struct lt_trace *tp[1];
	struct lt_trace t;
	char err[256], *s;
	FILE *f;

	(void)state;
	f = fmemopen((void *)text, strlen(text), "r");
	assert_int_equal(trace_load_stream(f, "d.jsonl", &t, err, sizeof(err)), 0);
	fclose(f);
	tp[0] = &t;
	CAPTURE(s, html_report_write(out, tp, 1));
	assert_non_null(strstr(s, "Skipped, not shown (written by a newer "
			       "lazytrace?): 2 records of unknown type; 1 "
			       "histogram record of unknown name."));
	free(s);
	trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_fmt_value),
		cmocka_unit_test(test_tick_step),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_page_injection),
		cmocka_unit_test(test_page_counts),
		cmocka_unit_test(test_page_skipped),
		cmocka_unit_test(test_compare_layouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
