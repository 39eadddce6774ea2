// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "floor.h"

/* bpf/floor.bpf.h defines fe_floor0..fe_floor15: one per event, since a
 * fentry program is bound to its target when it loads. */
_Static_assert(LT_EV_MAX <= 16, "bpf/floor.bpf.h: one fe_floorN per event");

static const char *const names[] = {
	[LT_FLOOR_OFF] = "off", [LT_FLOOR_ALL] = "all",
	[LT_FLOOR_ALLOC] = "alloc",
};

int floor_parse(const char *s, unsigned int *out)
{
	/* "off" is the default, not a choice: the option turns a floor on */
	for (unsigned int i = LT_FLOOR_ALL; i <= LT_FLOOR_ALLOC; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

const char *floor_name(unsigned int f)
{
	return f <= LT_FLOOR_ALLOC ? names[f] : "?";
}

void floor_apply(struct lt_plan *plan, unsigned int f)
{
	static char fe[LT_EV_MAX][16];

	if (f == LT_FLOOR_OFF)
		return;
	for (int e = 0; e < LT_EV_MAX; e++) {
		struct lt_choice *ch = &plan->ev[e];

		if (f == LT_FLOOR_ALLOC && e != LT_EV_PAGE_ALLOC)
			plan_skip(plan, e, "--bench-floor alloc: the page "
				  "allocator's probe only");
		switch (ch->method) {
		case LT_M_FENTRY:
			snprintf(fe[e], sizeof(fe[e]), "fe_floor%d", e);
			ch->prog = fe[e];
			break;
		case LT_M_KPROBE:
		case LT_M_UPROBE:
			ch->prog = "kp_floor";
			break;
		case LT_M_TRACEPOINT:
			ch->prog = "tp_floor";
			break;
		default:
			break;
		}
	}
}
