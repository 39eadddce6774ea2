// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus protobuf exposition: io.prometheus.client.MetricFamily
 * messages, each after its length as a varint ("encoding=delimited"),
 * packed by protobuf-c from user/metrics/prom_metrics.proto. It exists for the
 * native histograms the text format cannot carry.
 *
 * A slot k >= 1 holds (2^(k-2), 2^(k-1)] (user/common/hist.h): exactly native
 * bucket k - 1 of schema 0, and slot 0 (the value 0) is the zero bucket,
 * so the native histograms are the kernel's counts unchanged. The zero
 * threshold is tiny rather than 0: no integer but 0 falls under it, and a
 * threshold above 0 marks the histogram native even before its first
 * sample (for every Prometheus since native histograms came, 2.40). The
 * classic buckets ride along, the same as the text format's, for
 * scrapers that read only those. The section span (ns, exposed in
 * seconds) has no power-of-two bounds in seconds: it stays classic.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "metrics.h"
#include "prom_metrics.pb-c.h"

typedef Io__Prometheus__Client__MetricFamily PbFamily;
typedef Io__Prometheus__Client__Metric PbMetric;
typedef Io__Prometheus__Client__LabelPair PbLabel;
typedef Io__Prometheus__Client__Counter PbCounter;
typedef Io__Prometheus__Client__Gauge PbGauge;
typedef Io__Prometheus__Client__Histogram PbHistogram;
typedef Io__Prometheus__Client__Bucket PbBucket;
typedef Io__Prometheus__Client__BucketSpan PbSpan;

#define NATIVE_BUCKETS	(LT_HIST_SLOTS - 1)	/* slots 1.. */

/* One family being built; everything it points to is in allocs. */
struct pb {
	FILE *out;
	PbFamily fam;
	PbMetric **metric;
	size_t nmetric, cap;
	void **allocs;
	size_t nallocs, acap;
	int err;
};

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? 2 * *cap : 16;
	return realloc(p, *cap * size);
}

/* Zeroed memory freed with the family; NULL (and err set) if none. */
static void *take(struct pb *p, size_t size)
{
	void **a = grow(p->allocs, &p->acap, p->nallocs, sizeof(void *));
	void *m;

	if (!a) {
		p->err = -ENOMEM;
		return NULL;
	}
	p->allocs = a;
	m = calloc(1, size);
	if (!m) {
		p->err = -ENOMEM;
		return NULL;
	}
	return p->allocs[p->nallocs++] = m;
}

static char *take_str(struct pb *p, const char *s)
{
	char *c = take(p, strlen(s) + 1);

	return c ? strcpy(c, s) : NULL;
}

/* The length prefix: base 128, low group first, top bit = more. */
static void put_varint(FILE *out, uint64_t v)
{
	do {
		unsigned char b = v & 0x7f;

		v >>= 7;
		fputc(b | (v ? 0x80 : 0), out);
	} while (v);
}

/* Writes the family built so far (none without metrics, as clients do). */
static void flush(struct pb *p)
{
	size_t len;
	uint8_t *buf;

	if (!p->err && p->fam.name && p->nmetric) {
		p->fam.n_metric = p->nmetric;
		p->fam.metric = p->metric;
		len = io__prometheus__client__metric_family__get_packed_size(&p->fam);
		buf = malloc(len ? len : 1);
		if (!buf) {
			p->err = -ENOMEM;
		} else {
			io__prometheus__client__metric_family__pack(&p->fam, buf);
			put_varint(p->out, len);
			fwrite(buf, 1, len, p->out);
			free(buf);
		}
	}
	for (size_t i = 0; i < p->nallocs; i++)
		free(p->allocs[i]);
	p->nallocs = 0;
	p->nmetric = 0;
	io__prometheus__client__metric_family__init(&p->fam);
}

static PbMetric *new_metric(struct pb *p, const struct lt_label *l,
			    unsigned int nl)
{
	PbMetric **arr = grow(p->metric, &p->cap, p->nmetric, sizeof(*arr));
	PbMetric *m = take(p, sizeof(*m));
	PbLabel **labels = take(p, (nl ? nl : 1) * sizeof(*labels));

	if (!arr)
		p->err = -ENOMEM;
	else
		p->metric = arr;
	if (p->err)
		return NULL;
	io__prometheus__client__metric__init(m);
	for (unsigned int i = 0; i < nl; i++) {
		PbLabel *lp = take(p, sizeof(*lp));

		if (!lp)
			return NULL;
		io__prometheus__client__label_pair__init(lp);
		lp->name = take_str(p, l[i].name);
		lp->value = take_str(p, l[i].value);
		labels[i] = lp;
	}
	m->n_label = nl;
	m->label = labels;
	p->metric[p->nmetric++] = m;
	return p->err ? NULL : m;
}

static void family(void *ctx, const char *name, enum lt_mtype type,
		   const char *help)
{
	struct pb *p = ctx;

	flush(p);
	p->fam.name = take_str(p, name);
	p->fam.help = take_str(p, help);
	p->fam.has_type = 1;
	p->fam.type = type == LT_MT_COUNTER ?
		IO__PROMETHEUS__CLIENT__METRIC_TYPE__COUNTER :
		type == LT_MT_GAUGE ? IO__PROMETHEUS__CLIENT__METRIC_TYPE__GAUGE :
		IO__PROMETHEUS__CLIENT__METRIC_TYPE__HISTOGRAM;
}

static void value(void *ctx, const char *name, const struct lt_label *l,
		  unsigned int nl, unsigned long long v)
{
	struct pb *p = ctx;
	PbMetric *m = new_metric(p, l, nl);

	if (!m)
		return;
	if (p->fam.type == IO__PROMETHEUS__CLIENT__METRIC_TYPE__COUNTER) {
		PbCounter *c = take(p, sizeof(*c));

		if (!c)
			return;
		io__prometheus__client__counter__init(c);
		c->has_value = 1;
		c->value = (double)v;	/* exact below 2^53 */
		m->counter = c;
	} else {
		PbGauge *g = take(p, sizeof(*g));

		if (!g)
			return;
		io__prometheus__client__gauge__init(g);
		g->has_value = 1;
		g->value = (double)v;
		m->gauge = g;
	}
}

static void classic(struct pb *p, PbHistogram *h,
		    const struct lt_hist_val *v, double scale)
{
	unsigned long long cum = 0;
	char le[32];

	h->bucket = take(p, (LT_HIST_SLOTS - 1) * sizeof(*h->bucket));
	if (!h->bucket)
		return;
	/* +Inf is implied by sample_count, as the schema allows */
	for (unsigned int i = 0; i + 1 < LT_HIST_SLOTS; i++) {
		PbBucket *b = take(p, sizeof(*b));

		if (!b)
			return;
		io__prometheus__client__bucket__init(b);
		cum += v->slots[i];
		metrics_le(le, sizeof(le), i, scale);	/* the text's le */
		b->has_cumulative_count = b->has_upper_bound = 1;
		b->cumulative_count = cum;
		b->upper_bound = strtod(le, NULL);
		h->bucket[h->n_bucket++] = b;
	}
}

/*
 * Spans over the runs of non-empty buckets: offset = empty buckets
 * skipped (the first from index 0), deltas count to count.
 */
static void native(struct pb *p, PbHistogram *h, const struct lt_hist_val *v)
{
	long long prev = 0;
	int gap = 0;

	h->has_schema = h->has_zero_threshold = h->has_zero_count = 1;
	h->schema = 0;
	h->zero_threshold = ldexp(1.0, -128);
	h->zero_count = v->slots[0];
	h->positive_span = take(p, (NATIVE_BUCKETS + 1) * sizeof(PbSpan *));
	h->positive_delta = take(p, NATIVE_BUCKETS * sizeof(int64_t));
	if (!h->positive_span || !h->positive_delta)
		return;
	for (unsigned int k = 1; k < LT_HIST_SLOTS; k++) {
		PbSpan *sp;

		if (!v->slots[k]) {
			gap++;
			continue;
		}
		if (gap || !h->n_positive_span) {
			sp = take(p, sizeof(*sp));
			if (!sp)
				return;
			io__prometheus__client__bucket_span__init(sp);
			sp->has_offset = sp->has_length = 1;
			sp->offset = gap;
			h->positive_span[h->n_positive_span++] = sp;
		}
		h->positive_span[h->n_positive_span - 1]->length++;
		h->positive_delta[h->n_positive_delta++] =
			(long long)v->slots[k] - prev;
		prev = (long long)v->slots[k];
		gap = 0;
	}
}

static void histogram(void *ctx, const char *name,
		      const struct lt_hist_val *v, double scale)
{
	struct pb *p = ctx;
	PbMetric *m = new_metric(p, NULL, 0);
	PbHistogram *h = take(p, sizeof(*h));

	if (!m || !h)
		return;
	io__prometheus__client__histogram__init(h);
	h->has_sample_count = h->has_sample_sum = 1;
	h->sample_count = hist_total(v->slots, LT_HIST_SLOTS);
	h->sample_sum = scale ? v->sum * scale : (double)v->sum;
	classic(p, h, v, scale);
	if (!scale)
		native(p, h, v);
	m->histogram = h;
}

static const struct lt_emitter pb_format = { family, value, histogram };

int metrics_render_pb(FILE *out, const struct lt_metrics *m,
		      struct lt_comm_top *top)
{
	struct pb p = { .out = out };
	int err;

	io__prometheus__client__metric_family__init(&p.fam);
	err = metrics_walk(m, top, &pb_format, &p);
	flush(&p);
	free(p.metric);
	free(p.allocs);
	if (err || p.err)
		return err ? err : p.err;
	return ferror(out) ? -EIO : 0;
}
