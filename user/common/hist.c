// SPDX-License-Identifier: GPL-2.0
/* log2 histograms: slot maths shared with bpf/emit.bpf.h, and the text form. */
#include <stdint.h>
#include <string.h>
#include "hist.h"

#define HIST_BAR_MAX	40	/* columns of stars when everything fits */
#define HIST_LINE_MAX	79	/* keep every line under 80 columns */
#define HIST_VAL_MIN_W	10	/* value columns wide enough for 2^33 */
#define HIST_CNT_MIN_W	8
#define HIST_RUN_FOLD	5	/* empty rows in a row that fold into one */

unsigned int hist_slot(uint64_t v)
{
	unsigned int r = 0;

	if (!v)
		return 0;
	/* 1 + the bit length of v - 1: 1 -> 1, 2 -> 2, 3 and 4 -> 3 */
	for (uint64_t x = v - 1; x; x >>= 1)
		r++;
	r++;
	return r < LT_HIST_SLOTS ? r : LT_HIST_SLOTS - 1;
}

/*
 * The last slot also holds every value clamped into it, so its upper bound
 * is the largest value rather than 2^(LT_HIST_SLOTS - 2): a reader of the
 * bounds must not conclude that nothing bigger was seen.
 */
void hist_bounds(unsigned int slot, uint64_t *lo, uint64_t *hi)
{
	if (slot < 2) {
		*lo = *hi = slot;	/* {0}, {1} */
		return;
	}
	*lo = slot < 66 ? (1ULL << (slot - 2)) + 1 : UINT64_MAX;
	if (slot >= LT_HIST_SLOTS - 1 || slot >= 65)
		*hi = UINT64_MAX;
	else
		*hi = 1ULL << (slot - 1);
}

static void legacy_bounds(unsigned int slot, uint64_t *lo, uint64_t *hi)
{
	if (slot == 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	*lo = slot < 64 ? 1ULL << slot : UINT64_MAX;
	if (slot >= LT_HIST_SLOTS - 1 || slot >= 63)
		*hi = UINT64_MAX;
	else
		*hi = (1ULL << (slot + 1)) - 1;
}

void hist_bounds_in(enum hist_layout l, unsigned int slot, uint64_t *lo,
		    uint64_t *hi)
{
	if (l == HIST_LEGACY)
		legacy_bounds(slot, lo, hi);
	else
		hist_bounds(slot, lo, hi);
}

uint64_t hist_total(const unsigned long long *slots, unsigned int n)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < n; i++)
		t += slots[i];
	return t;
}

void hist_merge(unsigned long long *dst, const unsigned long long *src, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		dst[i] += src[i];
}

int hist_range(const unsigned long long *slots, unsigned int n, unsigned int *first,
	       unsigned int *last)
{
	unsigned int i, j;

	for (i = 0; i < n && !slots[i]; i++)
		;
	if (i == n)
		return 0;
	for (j = n - 1; !slots[j]; j--)
		;
	*first = i;
	*last = j;
	return 1;
}

static int digits(uint64_t v)
{
	int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* Stars for count, scaled so that max fills width; overflow-safe. */
static int bar_len(uint64_t count, uint64_t max, int width)
{
	int stars;

	while (max > UINT64_MAX / (uint64_t)width) {
		max >>= 1;
		count >>= 1;
	}
	stars = (int)(count * (uint64_t)width / max);
	/* A non-empty slot must not look like an empty one. */
	return stars ? stars : 1;
}

struct hist_cols {
	int vw;		/* each value column */
	int cw;		/* count column */
	int bar;	/* star bar between the pipes */
};

/*
 * Line length is 2 * vw + cw + bar + 10 ("x -> y : c |bar|"). Columns grow
 * for wide numbers and the bar gives way, never below 9 stars even with
 * 20-digit values and counts.
 */
static struct hist_cols layout(const unsigned long long *slots, unsigned int first,
				 unsigned int last)
{
	struct hist_cols l = { HIST_VAL_MIN_W, HIST_CNT_MIN_W, HIST_BAR_MAX };
	uint64_t lo, hi, max = 0;
	int room;

	hist_bounds(last, &lo, &hi);
	if (digits(hi) > l.vw)
		l.vw = digits(hi);
	for (unsigned int i = first; i <= last; i++)
		if (slots[i] > max)
			max = slots[i];
	if (digits(max) > l.cw)
		l.cw = digits(max);
	room = HIST_LINE_MAX - (2 * l.vw + l.cw + 10);
	if (room < l.bar)
		l.bar = room;
	return l;
}

/* Empty slots from i on, none if slots[i] has samples. */
static unsigned int empty_run(const unsigned long long *slots, unsigned int i,
			      unsigned int last)
{
	unsigned int j = i;

	while (j < last && !slots[j])
		j++;
	return j - i;
}

static void print_row(FILE *out, const struct hist_cols *l,
		      const unsigned long long *slots, unsigned int i,
		      uint64_t max)
{
	char stars[HIST_BAR_MAX + 1];
	int s = slots[i] ? bar_len(slots[i], max, l->bar) : 0;
	uint64_t lo, hi;

	hist_bounds(i, &lo, &hi);
	memset(stars, '*', (size_t)s);
	stars[s] = '\0';
	fprintf(out, "%*llu -> %-*llu : %-*llu |%-*s|\n", l->vw,
		(unsigned long long)lo, l->vw, (unsigned long long)hi,
		l->cw, slots[i], l->bar, stars);
}

void hist_print(FILE *out, const unsigned long long *slots, unsigned int n,
		const char *unit)
{
	unsigned int first, last;
	struct hist_cols l;
	uint64_t max = 0;
	int uw, umax;

	if (!hist_range(slots, n, &first, &last)) {
		fprintf(out, "     (no samples)\n");
		return;
	}
	l = layout(slots, first, last);
	for (unsigned int i = first; i <= last; i++)
		if (slots[i] > max)
			max = slots[i];

	/* The unit sits over the value columns, as wide as "lo -> hi". */
	uw = 2 * l.vw + 4 - 5;
	umax = HIST_LINE_MAX - (5 + 3 + l.cw + 1 + (int)strlen("distribution"));
	if (uw > umax)
		uw = umax;
	fprintf(out, "%5s%-*.*s : %-*s distribution\n", "", uw, umax,
		unit ? unit : "", l.cw, "count");

	for (unsigned int i = first; i <= last; i++) {
		unsigned int run;

		print_row(out, &l, slots, i, max);
		/* One whole-address-space flush puts a sample at 2^35 pages:
		 * its 30-odd empty rows would push the rest off the screen.
		 * The run's first and last rows stay, for the bounds. */
		if (!slots[i])
			continue;
		run = empty_run(slots, i + 1, last);
		if (run >= HIST_RUN_FOLD) {
			print_row(out, &l, slots, i + 1, max);
			fprintf(out, "%*s... %u empty rows ...\n", l.vw, "",
				run - 2);
			i += run - 1;	/* next: the run's last row */
		}
	}
}
