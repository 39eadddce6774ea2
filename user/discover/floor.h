/* SPDX-License-Identifier: GPL-2.0 */
/* --bench-floor: the plan's probes with programs that return at once. */
#ifndef LT_FLOOR_H
#define LT_FLOOR_H

#include "catalog.h"

enum lt_floor {
	LT_FLOOR_OFF,
	LT_FLOOR_ALL,	/* every probe of the plan, empty */
	LT_FLOOR_ALLOC,	/* the page-allocation probe alone, empty */
};

int floor_parse(const char *s, unsigned int *out);
const char *floor_name(unsigned int f);

/* Turns a resolved plan into its floor: the same events, methods and
 * symbols, each with an empty program (bpf/floor.bpf.h); for
 * LT_FLOOR_ALLOC every event but the page allocation is skipped. */
void floor_apply(struct lt_plan *plan, unsigned int f);

#endif
