// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text format 0.0.4, for curl and every scraper that does not
 * ask for protobuf. Histograms are classic ones (cumulative _bucket{le},
 * _sum, _count): the text format cannot carry native histograms. The le
 * bounds are the native bucket bounds lazytrace's slots are (0, 1, 2, 4,
 * ...), exact for the integer values the kernel side records.
 */
#include <errno.h>
#include <stdio.h>
#include "hist.h"
#include "metrics.h"

static const char *const type_name[] = {
	[LT_MT_COUNTER] = "counter",
	[LT_MT_GAUGE] = "gauge",
	[LT_MT_HISTOGRAM] = "histogram",
};

/* A label value: backslash, quote and newline escaped. */
static void put_label(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

static void family(void *ctx, const char *name, enum lt_mtype type,
		   const char *help)
{
	fprintf(ctx, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		type_name[type]);
}

static void value(void *ctx, const char *name, const struct lt_label *l,
		  unsigned int nl, unsigned long long v)
{
	FILE *out = ctx;

	fputs(name, out);
	for (unsigned int i = 0; i < nl; i++) {
		fprintf(out, "%c%s=\"", i ? ',' : '{', l[i].name);
		put_label(out, l[i].value);
		fputc('"', out);
	}
	fprintf(out, "%s %llu\n", nl ? "}" : "", v);
}

static void histogram(void *ctx, const char *name,
		      const struct lt_hist_val *h, double scale)
{
	unsigned long long cum = 0;
	FILE *out = ctx;
	char le[32];

	/* the last slot also holds clamped values: it is only +Inf */
	for (unsigned int i = 0; i + 1 < LT_HIST_SLOTS; i++) {
		cum += h->slots[i];
		metrics_le(le, sizeof(le), i, scale);
		fprintf(out, "%s_bucket{le=\"%s\"} %llu\n", name, le, cum);
	}
	cum += h->slots[LT_HIST_SLOTS - 1];
	fprintf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name, cum);
	if (scale)
		fprintf(out, "%s_sum %.12g\n", name, h->sum * scale);
	else
		fprintf(out, "%s_sum %llu\n", name, h->sum);
	fprintf(out, "%s_count %llu\n", name, cum);
}

static const struct lt_emitter text = { family, value, histogram };

int metrics_render(FILE *out, const struct lt_metrics *m,
		   struct lt_comm_top *top)
{
	if (metrics_walk(m, top, &text, out))
		return -ENOMEM;
	return ferror(out) ? -EIO : 0;
}
