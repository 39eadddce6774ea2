/* SPDX-License-Identifier: GPL-2.0 */
/* Bounded comm labels for the metrics endpoint: top N, the rest "other". */
#ifndef LT_COMM_TOP_H
#define LT_COMM_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include "lazytrace.h"

#define LT_TOP_MAX	64
#define LT_TOP_DEFAULT	10
/* Comms that lost their slot; once full, slots stop changing hands. */
#define LT_TOP_RETIRED	256
#define LT_SEV_N	(LT_SEV_ERROR + 1)
/* A comm escaped for a label: every byte may become "\xNN". */
#define LT_LABEL_LEN	(LT_COMM_LEN * 4 + 1)

/* One row of the kernel's findings-by-comm map. */
struct lt_comm_row {
	struct lt_comm_key key;
	unsigned long long count;
};

struct lt_comm_slot {
	char comm[LT_COMM_LEN];
	/* the kernel's counts when the slot was given: they stay in other */
	unsigned long long base[LT_K_MAX][LT_SEV_N];
};

/*
 * The N labelled comms are re-ranked at every scrape by their exact total
 * count, with two rules that keep every exposed series monotonic:
 *  - a labelled series counts from 0 when its comm gets the slot (count
 *    minus base); what came before stays in "other", which is the exact
 *    remainder, so the series of one (kind, severity) always sum to the
 *    kernel's total;
 *  - a comm that loses its slot is retired: it never gets one again, so
 *    its label set never reappears with a smaller value. Its count moves
 *    to "other", which only grows.
 */
struct lt_comm_top {
	unsigned int cap, n, nretired;
	struct lt_comm_slot slot[LT_TOP_MAX];
	char retired[LT_TOP_RETIRED][LT_COMM_LEN];
};

/* What one scrape exposes, split by the slots. */
struct lt_comm_split {
	unsigned long long slot[LT_TOP_MAX][LT_K_MAX][LT_SEV_N];
	unsigned long long other[LT_K_MAX][LT_SEV_N];
};

void comm_top_init(struct lt_comm_top *t, unsigned int cap);
/* Re-ranks from a scrape's rows (any order). 0 or -ENOMEM. */
int comm_top_update(struct lt_comm_top *t, const struct lt_comm_row *rows,
		    size_t n);
/* The comm's slot, or -1. */
int comm_top_find(const struct lt_comm_top *t, const char *comm);
/* The exposed values of rows[] under the current slots. */
void comm_top_split(const struct lt_comm_top *t,
		    const struct lt_comm_row *rows, size_t n,
		    struct lt_comm_split *out);
/*
 * The comm as label text: printable ASCII kept, every other byte and the
 * backslash as "\xNN" (one to one, so two comms never share a label).
 */
void comm_label(const char *comm, char out[LT_LABEL_LEN]);

#endif
