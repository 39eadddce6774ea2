// SPDX-License-Identifier: GPL-2.0
#include "names.h"

static const char *const kind_names[LT_K_MAX] = {
	[LT_K_ALLOC_IN_LAZY] = "alloc_in_lazy",
	[LT_K_FLUSH_IN_LAZY] = "flush_in_lazy",
	[LT_K_UNBALANCED_DISABLE] = "unbalanced_disable",
	[LT_K_ENABLE_WHILE_PAUSED] = "enable_while_paused",
	[LT_K_OPEN_AT_USER_RETURN] = "open_at_user_return",
	[LT_K_OPEN_AT_EXIT] = "open_at_exit",
	[LT_K_SLEEP_IN_LAZY] = "sleep_in_lazy",
	[LT_K_NESTED_ENTER] = "nested_enter",
	[LT_K_STATE_MISMATCH] = "state_mismatch",
	[LT_K_OUTER_LOST_LAZY] = "outer_lost_lazy",
};

const char *kind_name(unsigned int kind)
{
	return kind < LT_K_MAX ? kind_names[kind] : "unknown";
}

const char *severity_name(unsigned int sev)
{
	switch (sev) {
	case LT_SEV_INFO: return "info";
	case LT_SEV_WARNING: return "warning";
	case LT_SEV_ERROR: return "error";
	default: return "none";
	}
}

/* One row a histogram (name, unit, metric, HELP, scale): a table, one
 * line a row. */
const struct lt_hist_desc lt_hist_descs[LT_H_MAX] = {
	[LT_H_BATCH_PAGES]    = { "batch_pages",    "pages",   "lazytrace_gather_batch_pages",   "Pages in one mmu_gather page batch",          0 },
	[LT_H_GATHER_BATCHES] = { "gather_batches", "batches", "lazytrace_gather_batches",       "Page batches used by one mmu_gather",         0 },
	[LT_H_FLUSH_SPAN]     = { "flush_span",     "pages",   "lazytrace_flush_span_pages",     "Pages covered by one TLB flush",              0 },
	[LT_H_DEPTH]          = { "nesting_depth",  "depth",   "lazytrace_nesting_depth",        "Lazy MMU nesting depth at in-section events", 0 },
	[LT_H_ALLOC_ORDER]    = { "alloc_order",    "order",   "lazytrace_alloc_order",          "Order of page allocations",                   0 },
	[LT_H_SECTION_SPAN]   = { "section_span",   "ns",      "lazytrace_section_span_seconds", "Outermost lazy MMU section, enter to leave",  1e-9 },
};

static const struct lt_hist_desc *hist_desc(unsigned int id)
{
	static const struct lt_hist_desc unknown = { "?", "?", "", "", 0 };

	return id < LT_H_MAX ? &lt_hist_descs[id] : &unknown;
}

const char *hist_name(unsigned int id)
{
	return hist_desc(id)->name;
}

const char *hist_unit(unsigned int id)
{
	return hist_desc(id)->unit;
}
