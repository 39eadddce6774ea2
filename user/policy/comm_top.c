// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "comm_top.h"

struct total {
	const char *comm;		/* points into the rows */
	unsigned long long count;
};

void comm_top_init(struct lt_comm_top *t, unsigned int cap)
{
	memset(t, 0, sizeof(*t));
	t->cap = cap < LT_TOP_MAX ? cap : LT_TOP_MAX;
}

int comm_top_find(const struct lt_comm_top *t, const char *comm)
{
	for (unsigned int i = 0; i < t->n; i++)
		if (!strncmp(t->slot[i].comm, comm, LT_COMM_LEN))
			return (int)i;
	return -1;
}

static bool retired(const struct lt_comm_top *t, const char *comm)
{
	for (unsigned int i = 0; i < t->nretired; i++)
		if (!strncmp(t->retired[i], comm, LT_COMM_LEN))
			return true;
	return false;
}

static bool valid(const struct lt_comm_row *r)
{
	return r->key.kind < LT_K_MAX && r->key.severity >= LT_SEV_INFO &&
	       r->key.severity < LT_SEV_N;
}

static int total_cmp(const void *a, const void *b)
{
	const struct total *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strncmp(x->comm, y->comm, LT_COMM_LEN);
}

/* Per-comm totals of rows[], biggest first. *out is malloc'd. */
static int totals(const struct lt_comm_row *rows, size_t n,
		  struct total **out, size_t *nout)
{
	struct total *t = calloc(n ? n : 1, sizeof(*t));
	size_t nt = 0;

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (!valid(&rows[i]))
			continue;
		for (j = 0; j < nt; j++)
			if (!strncmp(t[j].comm, rows[i].key.comm, LT_COMM_LEN))
				break;
		if (j == nt)
			t[nt++].comm = rows[i].key.comm;
		t[j].count += rows[i].count;
	}
	qsort(t, nt, sizeof(*t), total_cmp);
	*out = t;
	*nout = nt;
	return 0;
}

static void give(struct lt_comm_top *t, unsigned int i, const char *comm,
		 const struct lt_comm_row *rows, size_t n)
{
	struct lt_comm_slot *s = &t->slot[i];

	memset(s, 0, sizeof(*s));
	memcpy(s->comm, comm, LT_COMM_LEN);
	for (size_t r = 0; r < n; r++)
		if (valid(&rows[r]) &&
		    !strncmp(rows[r].key.comm, comm, LT_COMM_LEN))
			s->base[rows[r].key.kind][rows[r].key.severity] =
				rows[r].count;
}

/*
 * The labelled comm with the smallest total (totals[] is sorted; every
 * labelled comm has rows, which the kernel never deletes).
 */
static int weakest(const struct lt_comm_top *t, const struct total *tot,
		   size_t nt, unsigned long long *count)
{
	int w = -1;

	for (size_t j = 0; j < nt; j++) {
		int i = comm_top_find(t, tot[j].comm);

		if (i >= 0) {
			w = i;
			*count = tot[j].count;
		}
	}
	return w;
}

int comm_top_update(struct lt_comm_top *t, const struct lt_comm_row *rows,
		    size_t n)
{
	struct total *tot;
	size_t nt;

	if (totals(rows, n, &tot, &nt))
		return -ENOMEM;
	for (size_t j = 0; j < nt; j++) {
		const char *c = tot[j].comm;
		unsigned long long low = 0;
		int w;

		/* a task named "other" is counted under the bucket */
		if (!strncmp(c, "other", LT_COMM_LEN) ||
		    comm_top_find(t, c) >= 0 || retired(t, c))
			continue;
		if (t->n < t->cap) {
			give(t, t->n++, c, rows, n);
			continue;
		}
		w = weakest(t, tot, nt, &low);
		/* strictly more: equal counts never trade places */
		if (w < 0 || tot[j].count <= low ||
		    t->nretired == LT_TOP_RETIRED)
			break;
		memcpy(t->retired[t->nretired++], t->slot[w].comm,
		       LT_COMM_LEN);
		give(t, (unsigned int)w, c, rows, n);
	}
	free(tot);
	return 0;
}

void comm_top_split(const struct lt_comm_top *t,
		    const struct lt_comm_row *rows, size_t n,
		    struct lt_comm_split *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t r = 0; r < n; r++) {
		unsigned int k = rows[r].key.kind, sev = rows[r].key.severity;
		int i;

		if (!valid(&rows[r]))
			continue;
		out->other[k][sev] += rows[r].count;
		i = comm_top_find(t, rows[r].key.comm);
		if (i < 0)
			continue;
		/* kernel counts only grow, so count >= base */
		out->slot[i][k][sev] = rows[r].count - t->slot[i].base[k][sev];
		out->other[k][sev] -= out->slot[i][k][sev];
	}
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
