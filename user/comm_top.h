/* SPDX-License-Identifier: GPL-2.0 */
/* Bounded comm labels for the metrics endpoint: top N, the rest "other". */
#ifndef LT_COMM_TOP_H
#define LT_COMM_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include "../bpf/lazytrace.h"

#define LT_TOP_MAX	64
#define LT_TOP_DEFAULT	10
/* A comm escaped for a label: every byte may become "\xNN". */
#define LT_LABEL_LEN	(LT_COMM_LEN * 4 + 1)

struct lt_comm_total {
	char comm[LT_COMM_LEN];
	unsigned long long count;
};

/*
 * Slots are sticky: a comm that got one keeps it for the whole run, and a
 * comm gets one only when first seen, so no series ever moves between its
 * own label and "other" and every counter stays monotonic.
 */
struct lt_comm_top {
	unsigned int cap, n;
	char names[LT_TOP_MAX][LT_COMM_LEN];
};

void comm_top_init(struct lt_comm_top *t, unsigned int cap);
/*
 * Gives slots to comms of totals[] not seen before, largest count first,
 * while slots are free. totals[] is reordered.
 */
void comm_top_update(struct lt_comm_top *t, struct lt_comm_total *totals,
		     size_t n);
bool comm_top_has(const struct lt_comm_top *t, const char *comm);
/*
 * The comm as label text: printable ASCII kept, every other byte and the
 * backslash as "\xNN" (one to one, so two comms never share a label).
 */
void comm_label(const char *comm, char out[LT_LABEL_LEN]);

#endif
