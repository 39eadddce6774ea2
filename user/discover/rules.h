/* SPDX-License-Identifier: GPL-2.0 */
/* Rule sets: which findings are errors on which kernel era. */
#ifndef LT_RULES_H
#define LT_RULES_H

#include "lazytrace.h"
#include "names.h"
#include "state_src.h"

enum lt_rules {
	LT_RULES_PRE7,	/* Roberts' seed: no nesting, no alloc, no flush */
	LT_RULES_V7,	/* Brodsky's nesting series, merged for 7.0 */
	LT_RULES_MAX
};

struct lt_ruleset {
	const char *name;
	unsigned int sev[LT_K_MAX];
	unsigned int sev_alloc_sleep;	/* alloc_in_lazy that may sleep */
};

extern const struct lt_ruleset lt_rulesets[LT_RULES_MAX];

int rules_parse(const char *s, enum lt_rules *out);
enum lt_rules rules_default(const struct lt_kinfo *ki,
			    const struct lt_state_plan *sp);

int kind_parse(const char *s, enum lt_kind *out);

#endif
