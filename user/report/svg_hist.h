/* SPDX-License-Identifier: GPL-2.0 */
/* One log2 histogram as an inline SVG bar chart with axes and counts. */
#ifndef LT_SVG_HIST_H
#define LT_SVG_HIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "hist.h"

struct svg_hist {
	const char *name;		/* data-hist, e.g. "batch_pages" */
	const char *unit;		/* "pages", "ns", ... */
	int trace;			/* data-trace: 0, or 1 for "after" */
	const unsigned long long *slots;
	/* Slots drawn, and the y-axis top: shared by the two charts of a
	 * comparison so that equal bars mean equal counts. */
	unsigned int first, last;
	unsigned long long ymax;
	enum hist_layout layout;	/* the bounds the trace was written with */
};

/*
 * Bars carry data-hist, data-trace, data-bucket (the slot's low bound),
 * data-low, data-high and data-count, for tests and for readers of the
 * source. x labels are upper bounds (Prometheus' le); legacy traces keep
 * the lower bounds they were always drawn with.
 */
void svg_hist_draw(FILE *out, const struct svg_hist *h);
/* The same frame with "no data" and why, instead of an empty chart. */
void svg_no_data(FILE *out, const char *name, int trace, const char *why);

/* A bucket bound in few characters: 512, 1K, 32G; for ns 2us, 1ms, 4s. */
void svg_fmt_value(char *buf, size_t len, uint64_t v, const char *unit);
/* A 1-2-5 step giving at most max_ticks steps up to ymax. */
unsigned long long svg_tick_step(unsigned long long ymax, int max_ticks);

#endif
