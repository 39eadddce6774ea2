/*
 * The protobuf exposition (user/metrics/metrics_pb.c): the stream is cut by its
 * own varint prefixes, every message is decoded with protobuf-c and
 * compared with what went in, and the wire bytes are checked against the
 * published field numbers by a small decoder of this file's own that
 * knows nothing of the generated code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hist.h"
#include "metrics.h"
#include "prom_metrics.pb-c.h"

typedef Io__Prometheus__Client__MetricFamily PbFamily;

struct stream {
	unsigned char *buf;
	size_t len;
};

static struct stream render(const struct lt_metrics *m)
{
	struct lt_comm_top top;
	struct stream s = { NULL, 0 };
	FILE *f = open_memstream((char **)&s.buf, &s.len);

	assert_non_null(f);
	comm_top_init(&top, 4);
	assert_int_equal(metrics_render_pb(f, m, &top), 0);
	assert_int_equal(fclose(f), 0);
	return s;
}

/* Base-128 varint, low group first; returns bytes read, 0 if cut short. */
static size_t get_varint(const unsigned char *p, size_t n, uint64_t *v)
{
	*v = 0;
	for (size_t i = 0; i < n && i < 10; i++) {
		*v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80))
			return i + 1;
	}
	return 0;
}

/* Every family of the stream, unpacked; also checks the framing. */
static size_t families(struct stream s, PbFamily **out, size_t max)
{
	size_t off = 0, n = 0;

	while (off < s.len) {
		uint64_t len;
		size_t k = get_varint(s.buf + off, s.len - off, &len);
		unsigned char *again;

		assert_true(k > 0);
		/* the shortest varint: no trailing 0x80 group */
		assert_true(k == 1 || s.buf[off + k - 1] != 0);
		assert_true(len <= s.len - off - k);
		assert_true(n < max);
		out[n] = io__prometheus__client__metric_family__unpack(
			NULL, len, s.buf + off + k);
		assert_non_null(out[n]);
		/* re-packing gives the very same bytes */
		assert_int_equal(
			io__prometheus__client__metric_family__get_packed_size(out[n]),
			len);
		again = malloc(len);
		io__prometheus__client__metric_family__pack(out[n], again);
		assert_memory_equal(again, s.buf + off + k, len);
		free(again);
		off += k + len;
		n++;
	}
	assert_int_equal(off, s.len);
	return n;
}

static PbFamily *find(PbFamily **f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i]->name, name))
			return f[i];
	return NULL;
}

static void free_all(PbFamily **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		io__prometheus__client__metric_family__free_unpacked(f[i], NULL);
}

/* Slot counts back from spans and deltas (slot = native index + 1). */
static void rebuild(const Io__Prometheus__Client__Histogram *h,
		    unsigned long long *slots)
{
	long long idx = 0, count = 0;
	size_t d = 0;

	memset(slots, 0, LT_HIST_SLOTS * sizeof(*slots));
	slots[0] = h->zero_count;
	for (size_t i = 0; i < h->n_positive_span; i++) {
		idx += h->positive_span[i]->offset;
		for (uint32_t j = 0; j < h->positive_span[i]->length; j++) {
			assert_true(d < h->n_positive_delta);
			count += h->positive_delta[d++];
			assert_true(count > 0);
			assert_true(idx >= 0 && idx + 1 < LT_HIST_SLOTS);
			slots[idx + 1] = (unsigned long long)count;
			idx++;
		}
	}
	assert_int_equal(d, h->n_positive_delta);
}

static struct lt_metrics sample_metrics(void)
{
	struct lt_metrics m = { .state_src = "task_counters",
		.state_cross = "none", .rules = "7.0", .nprobes = 1,
		.streamed = 9 };

	m.probes[0] = (struct lt_probe_info){ LT_EV_PAGE_ALLOC,
		"kmem:mm_page_alloc", "raw_tp" };
	m.stats[LT_ST_EVENT0 + LT_EV_PAGE_ALLOC] = 123;
	m.stats[LT_ST_RB_DROPS] = 5;
	/* batch pages 0 x2, 1, 3, 4, 510 x7, 1000: runs and gaps */
	m.hist[LT_H_BATCH_PAGES].slots[hist_slot(0)] = 2;
	m.hist[LT_H_BATCH_PAGES].slots[hist_slot(1)] = 1;
	m.hist[LT_H_BATCH_PAGES].slots[hist_slot(3)] = 2;
	m.hist[LT_H_BATCH_PAGES].slots[hist_slot(510)] = 7;
	m.hist[LT_H_BATCH_PAGES].slots[hist_slot(1000)] = 1;
	m.hist[LT_H_BATCH_PAGES].sum = 1 + 3 + 4 + 7 * 510 + 1000;
	m.hist[LT_H_SECTION_SPAN].slots[hist_slot(1500)] = 3;
	m.hist[LT_H_SECTION_SPAN].sum = 4500;
	return m;
}

static void test_native_histograms(void **state)
{
	struct lt_metrics m = sample_metrics();
	struct stream s = render(&m);
	PbFamily *f[64];
	size_t n = families(s, f, 64);
	PbFamily *bp = find(f, n, "lazytrace_gather_batch_pages");
	PbFamily *fs = find(f, n, "lazytrace_flush_span_pages");
	const Io__Prometheus__Client__Histogram *h;
	unsigned long long back[LT_HIST_SLOTS];

	(void)state;
	assert_non_null(bp);
	assert_int_equal(bp->type, IO__PROMETHEUS__CLIENT__METRIC_TYPE__HISTOGRAM);
	assert_int_equal(bp->n_metric, 1);
	h = bp->metric[0]->histogram;
	assert_non_null(h);
	assert_int_equal(h->sample_count, 13);
	assert_true(h->sample_sum == 1 + 3 + 4 + 7 * 510 + 1000);
	assert_true(h->has_schema && h->schema == 0);
	/* only 0 falls in the zero bucket, and the histogram reads native */
	assert_true(h->zero_threshold > 0 && h->zero_threshold < 0.5);
	assert_int_equal(h->zero_count, 2);
	rebuild(h, back);
	assert_memory_equal(back, m.hist[LT_H_BATCH_PAGES].slots, sizeof(back));
	/* {1}, [3,4] | (256,512], (512,1024]: native indices 0, 2 and 9, 10 */
	assert_int_equal(h->n_positive_span, 3);
	assert_int_equal(h->positive_span[0]->offset, 0);
	assert_int_equal(h->positive_span[0]->length, 1);
	assert_int_equal(h->positive_span[1]->offset, 1);
	assert_int_equal(h->positive_span[1]->length, 1);
	assert_int_equal(h->positive_span[2]->offset, 6);
	assert_int_equal(h->positive_span[2]->length, 2);
	assert_int_equal(h->n_positive_delta, 4);
	assert_int_equal(h->positive_delta[0], 1);
	assert_int_equal(h->positive_delta[1], 1);
	assert_int_equal(h->positive_delta[2], 5);
	assert_int_equal(h->positive_delta[3], -6);
	/* the classic buckets ride along: the text format's le and counts */
	assert_int_equal(h->n_bucket, LT_HIST_SLOTS - 1);
	assert_true(h->bucket[0]->upper_bound == 0);
	assert_int_equal(h->bucket[0]->cumulative_count, 2);
	assert_true(h->bucket[3]->upper_bound == 4);
	assert_int_equal(h->bucket[3]->cumulative_count, 5);
	assert_true(h->bucket[10]->upper_bound == 512);
	assert_int_equal(h->bucket[10]->cumulative_count, 12);
	assert_int_equal(h->bucket[LT_HIST_SLOTS - 2]->cumulative_count, 13);

	/* an empty histogram is native too, with no positive bucket */
	assert_non_null(fs);
	h = fs->metric[0]->histogram;
	assert_int_equal(h->sample_count, 0);
	assert_true(h->zero_threshold > 0);
	assert_int_equal(h->n_positive_span, 0);
	assert_int_equal(h->n_positive_delta, 0);
	free_all(f, n);
	free(s.buf);
}

/* Nanoseconds in seconds have no power-of-two bounds: classic only. */
static void test_section_span_is_classic(void **state)
{
	struct lt_metrics m = sample_metrics();
	struct stream s = render(&m);
	PbFamily *f[64];
	size_t n = families(s, f, 64);
	PbFamily *sp = find(f, n, "lazytrace_section_span_seconds");
	const Io__Prometheus__Client__Histogram *h;

	(void)state;
	assert_non_null(sp);
	h = sp->metric[0]->histogram;
	assert_false(h->has_schema);
	assert_false(h->has_zero_threshold);
	assert_int_equal(h->n_positive_span, 0);
	assert_int_equal(h->sample_count, 3);
	assert_true(fabs(h->sample_sum - 4.5e-6) < 1e-18);
	/* 1500 ns is in (1024, 2048] ns: le 2.048e-06 s holds all three */
	assert_true(h->bucket[11]->upper_bound == 1.024e-06);
	assert_int_equal(h->bucket[11]->cumulative_count, 0);
	assert_true(h->bucket[12]->upper_bound == 2.048e-06);
	assert_int_equal(h->bucket[12]->cumulative_count, 3);
	free_all(f, n);
	free(s.buf);
}

static void test_counters_and_gauges(void **state)
{
	struct lt_metrics m = sample_metrics();
	struct stream s = render(&m);
	PbFamily *f[64];
	size_t n = families(s, f, 64);
	PbFamily *ev = find(f, n, "lazytrace_events_total");
	PbFamily *st = find(f, n, "lazytrace_state_source_info");
	PbFamily *fi = find(f, n, "lazytrace_findings_total");

	(void)state;
	assert_non_null(ev);
	assert_int_equal(ev->type, IO__PROMETHEUS__CLIENT__METRIC_TYPE__COUNTER);
	assert_string_equal(ev->help, "Probe hits per logical event, exact");
	assert_int_equal(ev->n_metric, 1);
	assert_int_equal(ev->metric[0]->n_label, 1);
	assert_string_equal(ev->metric[0]->label[0]->name, "event");
	assert_string_equal(ev->metric[0]->label[0]->value, "page_alloc");
	assert_true(ev->metric[0]->counter->value == 123);
	assert_non_null(st);
	assert_int_equal(st->type, IO__PROMETHEUS__CLIENT__METRIC_TYPE__GAUGE);
	assert_int_equal(st->metric[0]->n_label, 3);
	assert_string_equal(st->metric[0]->label[0]->value, "task_counters");
	assert_true(st->metric[0]->gauge->value == 1);
	assert_true(find(f, n, "lazytrace_findings_streamed_total")
		    ->metric[0]->counter->value == 9);
	/* no finding yet: the rule set's (kind, severity) pairs are declared
	 * at 0 under "other", so a first finding is an increase() */
	assert_non_null(fi);
	assert_true(fi->n_metric > 0);
	for (size_t i = 0; i < fi->n_metric; i++) {
		assert_string_equal(fi->metric[i]->label[2]->value, "other");
		assert_true(fi->metric[i]->counter->value == 0);
	}
	/* skipped runs per planned event, and what they may cost per kind */
	assert_int_equal(find(f, n, "lazytrace_program_misses_total")
			 ->n_metric, 1);
	assert_int_equal(find(f, n, "lazytrace_findings_may_lack")
			 ->n_metric, LT_K_MAX);
	/* the running version, from debian/changelog through the build */
	assert_string_equal(find(f, n, "lazytrace_build_info")
			    ->metric[0]->label[0]->value, LT_VERSION);
	/* every family the text format has */
	assert_int_equal(n, 13 + LT_H_MAX + 3);
	free_all(f, n);
	free(s.buf);
}

/* ---- the wire, read without the generated code ---- */

struct field {
	unsigned int num, wt;
	uint64_t v;			/* varint and fixed64 */
	const unsigned char *p;		/* length-delimited */
	size_t len;
};

/* The next field at *off of p[0..n); 0 at the end. */
static int next_field(const unsigned char *p, size_t n, size_t *off,
		      struct field *f)
{
	uint64_t tag;
	size_t k;

	if (*off >= n)
		return 0;
	k = get_varint(p + *off, n - *off, &tag);
	assert_true(k > 0);
	*off += k;
	f->num = tag >> 3;
	f->wt = tag & 7;
	switch (f->wt) {
	case 0:
		k = get_varint(p + *off, n - *off, &f->v);
		assert_true(k > 0);
		*off += k;
		break;
	case 1:
		assert_true(n - *off >= 8);
		memcpy(&f->v, p + *off, 8);	/* little-endian host */
		*off += 8;
		break;
	case 2:
		k = get_varint(p + *off, n - *off, &f->v);
		assert_true(k > 0 && f->v <= n - *off - k);
		f->p = p + *off + k;
		f->len = f->v;
		*off += k + f->len;
		break;
	default:
		fail_msg("wire type %u", f->wt);
	}
	return 1;
}

static double as_double(uint64_t v)
{
	double d;

	memcpy(&d, &v, sizeof(d));
	return d;
}

/* The first delimited message whose field 1 (name) is name. */
static struct field message_named(struct stream s, const char *name)
{
	size_t off = 0;

	while (off < s.len) {
		uint64_t len;
		size_t k = get_varint(s.buf + off, s.len - off, &len), o = 0;
		struct field f, msg = { .p = s.buf + off + k, .len = len };

		while (next_field(msg.p, msg.len, &o, &f))
			if (f.num == 1 && f.wt == 2 && f.len == strlen(name) &&
			    !memcmp(f.p, name, f.len))
				return msg;
		off += k + len;
	}
	fail_msg("no message %s", name);
	return (struct field){ 0 };
}

/* A counter family, byte for byte as the published schema lays it out. */
static void test_counter_bytes(void **state)
{
	static const char name[] = "lazytrace_events_dropped_total";
	static const char help[] = "Findings the ring buffer refused (still counted)";
	struct lt_metrics m = sample_metrics();
	struct stream s = render(&m);
	struct field msg = message_named(s, name);
	unsigned char want[128], *w = want;

	(void)state;
	*w++ = 0x0a;			/* 1 name, length-delimited */
	*w++ = sizeof(name) - 1;
	memcpy(w, name, sizeof(name) - 1);
	w += sizeof(name) - 1;
	*w++ = 0x12;			/* 2 help */
	*w++ = sizeof(help) - 1;
	memcpy(w, help, sizeof(help) - 1);
	w += sizeof(help) - 1;
	*w++ = 0x18;			/* 3 type, varint: COUNTER = 0 */
	*w++ = 0x00;
	*w++ = 0x22;			/* 4 metric */
	*w++ = 11;
	*w++ = 0x1a;			/* Metric 3 counter */
	*w++ = 9;
	*w++ = 0x09;			/* Counter 1 value, fixed64 double */
	memcpy(w, "\x00\x00\x00\x00\x00\x00\x14\x40", 8);	/* 5.0 */
	w += 8;
	assert_int_equal(msg.len, (size_t)(w - want));
	assert_memory_equal(msg.p, want, msg.len);
	/* and its prefix is the one-byte varint of that length */
	assert_int_equal(msg.p[-1], msg.len);
	free(s.buf);
}

/* Histogram field numbers 1, 2, 5, 6, 7, 12, 13 on the wire. */
static void test_histogram_wire(void **state)
{
	struct lt_metrics m = sample_metrics();
	struct stream s = render(&m);
	struct field msg = message_named(s, "lazytrace_gather_batch_pages");
	struct field f, metric = { 0 }, hist = { 0 };
	size_t o = 0, spans = 0;
	int64_t deltas[8];
	size_t nd = 0;
	bool seen[17] = { false };

	(void)state;
	/* over 127 bytes: a two-byte length prefix */
	assert_true(msg.len > 127);
	assert_true(msg.p[-2] & 0x80);
	assert_int_equal((msg.p[-2] & 0x7f) | msg.p[-1] << 7, msg.len);
	while (next_field(msg.p, msg.len, &o, &f))
		if (f.num == 4)
			metric = f;
	assert_non_null(metric.p);
	o = 0;
	while (next_field(metric.p, metric.len, &o, &f))
		if (f.num == 7 && f.wt == 2)
			hist = f;
	assert_non_null(hist.p);
	o = 0;
	while (next_field(hist.p, hist.len, &o, &f)) {
		if (f.num < 17)
			seen[f.num] = true;
		if (f.num == 1)
			assert_int_equal(f.wt == 0 ? f.v : 0, 13);
		if (f.num == 5)		/* sint32 schema: zigzag 0 */
			assert_true(f.wt == 0 && f.v == 0);
		if (f.num == 6)
			assert_true(f.wt == 1 && as_double(f.v) > 0 &&
				    as_double(f.v) < 0.5);
		if (f.num == 7)
			assert_true(f.wt == 0 && f.v == 2);
		if (f.num == 12)
			spans++;
		if (f.num == 13) {	/* packed sint64, zigzag */
			size_t p = 0;

			assert_int_equal(f.wt, 2);
			while (p < f.len) {
				uint64_t z;
				size_t k = get_varint(f.p + p, f.len - p, &z);

				assert_true(k > 0 && nd < 8);
				deltas[nd++] = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
				p += k;
			}
		}
	}
	assert_true(seen[1] && seen[2] && seen[3] && seen[5] && seen[6] &&
		    seen[7] && seen[12] && seen[13]);
	assert_int_equal(spans, 3);
	assert_int_equal(nd, 4);
	assert_int_equal(deltas[0], 1);
	assert_int_equal(deltas[2], 5);
	assert_int_equal(deltas[3], -6);
	free(s.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_histograms),
		cmocka_unit_test(test_section_span_is_classic),
		cmocka_unit_test(test_counters_and_gauges),
		cmocka_unit_test(test_counter_bytes),
		cmocka_unit_test(test_histogram_wire),
	};

	return cmocka_run_group_tests_name("metrics_pb: protobuf exposition",
					   tests, NULL, NULL);
}
