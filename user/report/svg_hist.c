// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>
#include "hist.h"
#include "html_out.h"
#include "svg_hist.h"

/* Geometry, in CSS pixels: the page lays two charts side by side. */
#define W	520
#define H	260
#define ML	58	/* room for y labels */
#define MR	14
#define MT	28	/* room for the count over the tallest bar */
#define MB	58	/* room for slanted x labels and the axis title */
#define PW	(W - ML - MR)
#define PH	(H - MT - MB)
#define MAX_YTICKS	5
#define MAX_XLABELS	14

void svg_fmt_value(char *buf, size_t len, uint64_t v, const char *unit)
{
	static const char *bin[] = { "", "K", "M", "G", "T", "P", "E" };
	static const char *ns[] = { "ns", "us", "ms", "s" };
	int i = 0;

	if (unit && !strcmp(unit, "ns")) {
		double d = v;

		/* Decimal for time; past seconds stay in seconds. */
		while (d >= 1000 && i < 3) {
			d /= 1000;
			i++;
		}
		snprintf(buf, len, d == (uint64_t)d ? "%.0f%s" : "%.1f%s", d, ns[i]);
		return;
	}
	/* Buckets are powers of two: binary suffixes keep them exact. */
	while (v >= 1024 && v % 1024 == 0 && i < 6) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%llu%s", (unsigned long long)v, bin[i]);
}

unsigned long long svg_tick_step(unsigned long long ymax, int max_ticks)
{
	static const unsigned int mult[] = { 1, 2, 5 };
	unsigned long long p = 1;

	if (max_ticks < 1)
		max_ticks = 1;
	for (;;) {
		for (int i = 0; i < 3; i++) {
			unsigned long long step = p * mult[i];

			if ((ymax + step - 1) / step <= (unsigned long long)max_ticks)
				return step;
		}
		p *= 10;
	}
}

/* top: the y axis' top count (data-ymax), 0 for a chart without one. */
static void frame_open(FILE *out, const char *name, int trace,
		       unsigned long long top)
{
	fprintf(out, "<svg class=\"hist\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"data-chart=\"", W, H, W, H);
	html_esc(out, name);
	fprintf(out, "\" data-trace=\"%d\" data-ymax=\"%llu\">\n", trace, top);
}

static void y_axis(FILE *out, unsigned long long top, unsigned long long step)
{
	for (unsigned long long v = 0; v <= top; v += step) {
		double y = MT + PH - (double)v * PH / top;

		fprintf(out, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
			"y2=\"%.1f\"/><text class=\"ytick\" x=\"%d\" y=\"%.1f\">%llu"
			"</text>\n", ML, W - MR, y, y, ML - 6, y + 4, v);
	}
	fprintf(out, "<text class=\"ytitle\" transform=\"translate(14 %d) "
		"rotate(-90)\">count</text>\n", MT + PH / 2);
	fprintf(out, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>"
		"<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n",
		ML, ML, MT, MT + PH, ML, W - MR, MT + PH, MT + PH);
}

/*
 * Which buckets get an x label: every non-empty one, then every
 * every-th one that has no labelled neighbour closer than every.
 */
static void x_labels(const struct svg_hist *h, unsigned int n, unsigned int every,
		     bool *label)
{
	for (unsigned int i = 0; i < n; i++)
		label[i] = h->slots[h->first + i] != 0;
	for (unsigned int i = 0; i < n; i += every) {
		bool near = false;

		for (unsigned int j = i >= every - 1 ? i - (every - 1) : 0;
		     j < n && j < i + every; j++)
			near |= label[j];
		if (!near || every == 1)
			label[i] = true;
	}
}

/* Traces from before the native buckets: labelled by lower bound. */
static void legacy_title(FILE *out, unsigned int s, const char *lo_s,
			 const char *hi_s, char *tick, size_t len)
{
	/* "0" would read as depth or order 0 alone: it holds 0 and 1 */
	snprintf(tick, len, "%s", s ? lo_s : "0-1");
	fprintf(out, "%s", s ? lo_s : "0");
	if (s == LT_HIST_SLOTS - 1)
		fputs(" and more", out);
	else
		fprintf(out, "-%s", hi_s);
}

/* Native buckets: labelled by upper bound, as Prometheus' le reads. */
static void native_title(FILE *out, unsigned int s, uint64_t lo, uint64_t hi,
			 const char *lo_s, const char *hi_s, char *tick,
			 size_t len)
{
	if (s == LT_HIST_SLOTS - 1) {
		snprintf(tick, len, "%s+", lo_s);
		fprintf(out, "%s and more", lo_s);
	} else if (lo == hi) {
		snprintf(tick, len, "%s", hi_s);
		fputs(hi_s, out);
	} else {
		snprintf(tick, len, "%s", hi_s);
		fprintf(out, "%s-%s", lo_s, hi_s);
	}
}

void svg_hist_draw(FILE *out, const struct svg_hist *h)
{
	unsigned int n = h->last - h->first + 1, every = (n + MAX_XLABELS - 1) / MAX_XLABELS;
	unsigned long long step = svg_tick_step(h->ymax ? h->ymax : 1, MAX_YTICKS);
	unsigned long long top = (h->ymax + step - 1) / step * step;
	double band = (double)PW / n, bw = band * 0.78 < 72 ? band * 0.78 : 72;
	bool narrow = band < 26;	/* counts turn upright over thin bars */
	bool label[LT_HIST_SLOTS];

	x_labels(h, n, every, label);
	if (!top)
		top = step;
	frame_open(out, h->name, h->trace, top);
	y_axis(out, top, step);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int s = h->first + i;
		unsigned long long c = h->slots[s];
		double x = ML + i * band + (band - bw) / 2, bh = (double)c * PH / top;
		char lo_s[24], hi_s[24], tick[26];
		uint64_t lo, hi;

		hist_bounds_in(h->layout, s, &lo, &hi);
		/* A non-empty bucket is never invisible. */
		if (c && bh < 1.5)
			bh = 1.5;
		svg_fmt_value(lo_s, sizeof(lo_s), lo, h->unit);
		svg_fmt_value(hi_s, sizeof(hi_s), hi, h->unit);
		fprintf(out, "<rect class=\"bar t%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" data-hist=\"", h->trace, x, MT + PH - bh, bw, bh);
		html_esc(out, h->name);
		fprintf(out, "\" data-trace=\"%d\" data-bucket=\"%llu\" data-low=\"%llu\" "
			"data-high=\"%llu\" data-count=\"%llu\"><title>", h->trace,
			(unsigned long long)lo, (unsigned long long)lo,
			(unsigned long long)hi, c);
		if (h->layout == HIST_LEGACY)
			legacy_title(out, s, lo_s, hi_s, tick, sizeof(tick));
		else
			native_title(out, s, lo, hi, lo_s, hi_s, tick, sizeof(tick));
		fputc(' ', out);
		html_esc(out, h->unit);
		fprintf(out, ": %llu</title></rect>\n", c);
		if (c && narrow)
			fprintf(out, "<text class=\"count up\" transform=\"translate(%.1f %.1f) "
				"rotate(-90)\">%llu</text>\n", x + bw / 2 + 4,
				MT + PH - bh - 3, c);
		else if (c)
			fprintf(out, "<text class=\"count\" x=\"%.1f\" y=\"%.1f\">%llu</text>\n",
				x + bw / 2, MT + PH - bh - 4, c);
		/* Upright labels fit under thin bars, slanted ones read better. */
		if (label[i])
			fprintf(out, "<text class=\"xtick\" transform=\"translate(%.1f %d) "
				"rotate(%d)\">%s</text>\n", x + bw / 2 + (narrow ? 4 : 3),
				MT + PH + 10, narrow ? -90 : -40, tick);
	}
	fprintf(out, "<text class=\"xtitle\" x=\"%d\" y=\"%d\">", ML + PW / 2, H - 3);
	html_esc(out, h->unit);
	fputs(h->layout == HIST_LEGACY ? ", log2 buckets: 0-1, 2-3, 4-7, ..." :
	      ", log2 buckets: 0, 1, 2, 3-4, 5-8, ...", out);
	fputs("</text>\n</svg>\n", out);
}

void svg_no_data(FILE *out, const char *name, int trace, const char *why)
{
	frame_open(out, name, trace, 0);
	fprintf(out, "<rect class=\"nodata\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
		"<text class=\"nodata\" x=\"%d\" y=\"%d\">no data</text>"
		"<text class=\"why\" x=\"%d\" y=\"%d\">", ML, MT, PW, PH,
		ML + PW / 2, MT + PH / 2 - 4, ML + PW / 2, MT + PH / 2 + 18);
	html_esc(out, why);
	fputs("</text>\n</svg>\n", out);
}
