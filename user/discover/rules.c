// SPDX-License-Identifier: GPL-2.0
/*
 * Rule sets. The reasoning behind each severity is in docs/RULES.md; the
 * short form: before 7.0 sections do not nest and a nested leave silently
 * ends the outer section, so nesting, allocation and flushing inside one
 * are bugs (Roberts' RFC). 7.0 made nesting legal and tlb_next_batch's
 * GFP_NOWAIT allocation is by design, but sleeping, leaving a section open
 * and unbalanced calls are still bugs.
 */
#include <errno.h>
#include <string.h>
#include "rules.h"

#define I LT_SEV_INFO
#define W LT_SEV_WARNING
#define E LT_SEV_ERROR

const struct lt_ruleset lt_rulesets[LT_RULES_MAX] = {
	[LT_RULES_PRE7] = { "pre-7.0", {
		[LT_K_ALLOC_IN_LAZY] = E,	/* DEBUG_PAGEALLOC re-enters */
		[LT_K_FLUSH_IN_LAZY] = E,	/* flush before updates land */
		[LT_K_UNBALANCED_DISABLE] = E,
		[LT_K_ENABLE_WHILE_PAUSED] = W,	/* no pause before 7.0 */
		[LT_K_OPEN_AT_USER_RETURN] = E,
		[LT_K_OPEN_AT_EXIT] = E,
		[LT_K_SLEEP_IN_LAZY] = E,	/* arches disable preemption */
		[LT_K_NESTED_ENTER] = E,	/* inner leave ends outer */
		[LT_K_STATE_MISMATCH] = W,
		[LT_K_OUTER_LOST_LAZY] = E,	/* batching silently lost */
	}, E },
	[LT_RULES_V7] = { "7.0", {
		[LT_K_ALLOC_IN_LAZY] = I,	/* GFP_NOWAIT is legal */
		[LT_K_FLUSH_IN_LAZY] = I,	/* pagemap_scan does it */
		[LT_K_UNBALANCED_DISABLE] = E,
		/* 7.2 pgtable.h: enable() and disable() have no effect while
		 * paused, and pause()/resume() pairs may nest */
		[LT_K_ENABLE_WHILE_PAUSED] = I,
		[LT_K_OPEN_AT_USER_RETURN] = E,
		[LT_K_OPEN_AT_EXIT] = E,
		[LT_K_SLEEP_IN_LAZY] = E,
		[LT_K_NESTED_ENTER] = I,	/* nesting is legal */
		[LT_K_STATE_MISMATCH] = W,	/* brief skew is normal */
		[LT_K_OUTER_LOST_LAZY] = W,	/* needs pre-7.0 arch hooks */
	}, E },
};

#undef I
#undef W
#undef E

int rules_parse(const char *s, enum lt_rules *out)
{
	static const struct { const char *name; enum lt_rules r; } alias[] = {
		{ "pre-7.0", LT_RULES_PRE7 }, { "pre7", LT_RULES_PRE7 },
		{ "seed", LT_RULES_PRE7 }, { "7.0", LT_RULES_V7 },
		{ "v7", LT_RULES_V7 }, { "7", LT_RULES_V7 },
	};

	for (unsigned int i = 0; i < sizeof(alias) / sizeof(alias[0]); i++) {
		if (!strcmp(s, alias[i].name)) {
			*out = alias[i].r;
			return 0;
		}
	}
	return -EINVAL;
}

/* The kernel's own era: 7.0 counters, or a 7.x release, mean 7.0 rules. */
enum lt_rules rules_default(const struct lt_kinfo *ki,
			    const struct lt_state_plan *sp)
{
	if (sp->primary == LT_SRC_TASK_COUNTERS && sp->layout == LT_LAYOUT_V7)
		return LT_RULES_V7;
	return ki->major >= 7 ? LT_RULES_V7 : LT_RULES_PRE7;
}

int kind_parse(const char *s, enum lt_kind *out)
{
	for (int k = 0; k < LT_K_MAX; k++) {
		if (!strcmp(s, kind_name(k))) {
			*out = (enum lt_kind)k;
			return 0;
		}
	}
	return -EINVAL;
}

