/* SPDX-License-Identifier: GPL-2.0 */
/* log2 histograms, the same buckets as the BPF side's log2_slot(). */
#ifndef LT_HIST_H
#define LT_HIST_H

#include <stdint.h>
#include <stdio.h>
#include "lazytrace.h"

/*
 * Slot of a value: 0 to slot 0, (2^(k-2), 2^(k-1)] to slot k >= 1. Slot k
 * is Prometheus native histogram bucket k - 1 of schema 0 (upper bounds
 * 1, 2, 4, ...; upper bound included), slot 0 its zero bucket.
 */
unsigned int hist_slot(uint64_t v);
/* Inclusive bounds of slot k: [0,0], [1,1], [2,2], [3,4], [5,8], ... */
void hist_bounds(unsigned int slot, uint64_t *lo, uint64_t *hi);
/*
 * Traces written before the native buckets used [0,1], [2,3], [4,7], ...
 * (slot k = [2^k, 2^(k+1)), 0 in slot 0). `lazytrace report` still reads
 * them, and draws them with the bounds they were written with.
 */
enum hist_layout { HIST_NATIVE, HIST_LEGACY };
void hist_bounds_in(enum hist_layout l, unsigned int slot, uint64_t *lo,
		    uint64_t *hi);
uint64_t hist_total(const unsigned long long *slots, unsigned int n);
/* Adds src into dst slot by slot. */
void hist_merge(unsigned long long *dst, const unsigned long long *src, unsigned int n);
/* Lowest and highest non-empty slots; returns 0 when the histogram is empty. */
int hist_range(const unsigned long long *slots, unsigned int n, unsigned int *first,
	       unsigned int *last);

/*
 * libbpf-tools style text:
 *      pages               : count    distribution
 *          0 -> 1          : 3        |****                                    |
 * The bar is 40 columns, scaled to the largest slot; lines stay under 80.
 */
void hist_print(FILE *out, const unsigned long long *slots, unsigned int n,
		const char *unit);

#endif
