/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Identical findings: same kind and same stack (the stack map's id, which
 * the kernel dedups by frames). Two views: which streamed findings repeat
 * one already printed (--dedup), and the exact in-kernel groups merged to
 * one record per (kind, stack) for the summary.
 */
#ifndef LT_DEDUP_H
#define LT_DEDUP_H

#include <stddef.h>
#include "summary.h"

struct lt_dedup_rec {
	unsigned int kind;
	unsigned int severity;		/* the worst one seen */
	int stack_id;
	unsigned long long count, first_ns, last_ns;
};

struct lt_dedup {
	struct lt_dedup_rec *tab;	/* open addressing, count 0 = free */
	size_t cap, n;
};

void dedup_free(struct lt_dedup *d);
/*
 * Records one occurrence at ts_ns; returns the record (count 1 the first
 * time) or NULL when out of memory.
 */
struct lt_dedup_rec *dedup_add(struct lt_dedup *d, unsigned int kind,
				unsigned int severity, int stack_id,
				unsigned long long ts_ns,
				unsigned long long count);
/*
 * Merges the summary's groups (split by severity and event) into one
 * record per (kind, stack): *out (to free) gets them, oldest first.
 * Returns the number or -ENOMEM.
 */
long dedup_groups(const struct lt_group *g, size_t n,
		  struct lt_dedup_rec **out);

#endif
