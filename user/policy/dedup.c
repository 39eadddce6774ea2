// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "dedup.h"

static size_t slot_of(const struct lt_dedup *d, unsigned int kind,
		      int stack_id)
{
	unsigned long long h = ((unsigned long long)kind << 32) ^
			       (unsigned int)stack_id;

	h *= 0x9e3779b97f4a7c15ULL;	/* Fibonacci hashing */
	return (h >> 17) & (d->cap - 1);
}

static struct lt_dedup_rec *find(struct lt_dedup *d, unsigned int kind,
				 int stack_id)
{
	size_t i = slot_of(d, kind, stack_id);

	while (d->tab[i].count && (d->tab[i].kind != kind ||
				   d->tab[i].stack_id != stack_id))
		i = (i + 1) & (d->cap - 1);
	return &d->tab[i];
}

static int grow(struct lt_dedup *d)
{
	struct lt_dedup old = *d;

	d->cap = old.cap ? 2 * old.cap : 64;
	d->tab = calloc(d->cap, sizeof(*d->tab));
	if (!d->tab) {
		*d = old;
		return -ENOMEM;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.tab[i].count)
			*find(d, old.tab[i].kind, old.tab[i].stack_id) =
				old.tab[i];
	free(old.tab);
	return 0;
}

void dedup_free(struct lt_dedup *d)
{
	free(d->tab);
	memset(d, 0, sizeof(*d));
}

struct lt_dedup_rec *dedup_add(struct lt_dedup *d, unsigned int kind,
				unsigned int severity, int stack_id,
				unsigned long long ts_ns,
				unsigned long long count)
{
	struct lt_dedup_rec *r;

	if (2 * (d->n + 1) > d->cap && grow(d))	/* half full at most */
		return NULL;
	r = find(d, kind, stack_id);
	if (!r->count) {
		*r = (struct lt_dedup_rec){ .kind = kind, .stack_id = stack_id,
			.severity = severity, .first_ns = ts_ns,
			.last_ns = ts_ns };
		d->n++;
	}
	r->count += count;
	if (ts_ns < r->first_ns)
		r->first_ns = ts_ns;
	if (ts_ns > r->last_ns)
		r->last_ns = ts_ns;
	if (severity > r->severity)
		r->severity = severity;
	return r;
}

static int first_cmp(const void *a, const void *b)
{
	const struct lt_dedup_rec *x = a, *y = b;

	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return x->kind < y->kind ? -1 : x->kind > y->kind;
}

long dedup_groups(const struct lt_group *g, size_t n,
		  struct lt_dedup_rec **out)
{
	struct lt_dedup d = { 0 };
	size_t k = 0;

	*out = NULL;	/* free()able whatever happens */
	for (size_t i = 0; i < n; i++) {
		struct lt_dedup_rec *r;

		if (!g[i].val.count)
			continue;
		r = dedup_add(&d, g[i].key.kind, g[i].key.severity,
			      g[i].key.stack_id, g[i].val.first_ns,
			      g[i].val.count);
		if (!r)
			goto nomem;
		/* the group's last time, too: dedup_add took its first */
		if (g[i].val.last_ns > r->last_ns)
			r->last_ns = g[i].val.last_ns;
	}
	*out = malloc((d.n ? d.n : 1) * sizeof(**out));
	if (!*out)
		goto nomem;
	for (size_t i = 0; i < d.cap; i++)
		if (d.tab[i].count)
			(*out)[k++] = d.tab[i];
	dedup_free(&d);
	qsort(*out, k, sizeof(**out), first_cmp);
	return k;
nomem:
	dedup_free(&d);
	return -ENOMEM;
}
