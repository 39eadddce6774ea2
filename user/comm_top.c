// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "comm_top.h"

void comm_top_init(struct lt_comm_top *t, unsigned int cap)
{
	memset(t, 0, sizeof(*t));
	t->cap = cap < LT_TOP_MAX ? cap : LT_TOP_MAX;
}

bool comm_top_has(const struct lt_comm_top *t, const char *comm)
{
	for (unsigned int i = 0; i < t->n; i++)
		if (!strncmp(t->names[i], comm, LT_COMM_LEN))
			return true;
	return false;
}

static int total_cmp(const void *a, const void *b)
{
	const struct lt_comm_total *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strncmp(x->comm, y->comm, LT_COMM_LEN);
}

void comm_top_update(struct lt_comm_top *t, struct lt_comm_total *totals,
		     size_t n)
{
	qsort(totals, n, sizeof(*totals), total_cmp);
	for (size_t i = 0; i < n && t->n < t->cap; i++)
		/* a task named "other" is counted under the bucket */
		if (strncmp(totals[i].comm, "other", LT_COMM_LEN) &&
		    !comm_top_has(t, totals[i].comm))
			memcpy(t->names[t->n++], totals[i].comm, LT_COMM_LEN);
}

void comm_label(const char *comm, char out[LT_LABEL_LEN])
{
	size_t o = 0;

	for (size_t i = 0; i < LT_COMM_LEN && comm[i]; i++) {
		unsigned char c = comm[i];

		if (c >= ' ' && c < 0x7f && c != '\\')
			out[o++] = c;
		else
			o += snprintf(out + o, LT_LABEL_LEN - o, "\\x%02x", c);
	}
	out[o] = 0;
}
