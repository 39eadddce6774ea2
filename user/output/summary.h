/* SPDX-License-Identifier: GPL-2.0 */
/* The end-of-run summary: exact in-kernel counts, drops, the plan. */
#ifndef LT_SUMMARY_H
#define LT_SUMMARY_H

#include "comm_top.h"
#include "session.h"

/* --boundaries watch: one (event, depth, stack) row of lt_bounds. */
struct lt_bound_row {
	struct lt_bound_key key;
	unsigned long long count;
};

struct lt_group {
	struct lt_agg_key key;
	struct lt_agg_val val;
};
_Static_assert(sizeof(struct lt_agg_key) % 8 == 0,
	       "map_rows() puts the value right after the key");

/* What the kernel measured of one program: only with
 * kernel.bpf_stats_enabled=1 (docs/PERFORMANCE.md), else all 0. */
struct lt_prog_cost {
	char name[24];
	unsigned long long runs, run_ns;
};

#define LT_MAX_PROGS	64

struct lt_summary {
	struct lt_prog_cost progs[LT_MAX_PROGS];
	size_t nprogs;			/* programs that ran, measured */
	unsigned long long kind[LT_K_MAX];
	unsigned long long kind_sev[LT_K_MAX][LT_SEV_ERROR + 1];
	unsigned long long stats[LT_ST_MAX];
	unsigned long long prog_misses;	/* runs the kernel skipped */
	unsigned long long ev_misses[LT_EV_MAX];	/* ... per event */
	unsigned long long may_miss[LT_K_MAX];	/* findings they may lack */
	struct lt_group *groups;
	size_t ngroups;
	struct lt_comm_row *comms;	/* exact count per comm, most first */
	size_t ncomms;
	struct lt_bound_row *bounds;	/* --boundaries watch, most first */
	size_t nbounds;
};

/* Rows of the comms table the JSON summary shows. */
#define LT_SUMMARY_COMMS	32

/* Reads the aggregation and stats maps. 0 or -errno. */
int summary_read(struct lt_session *s, struct lt_summary *sum);
/* Adds the per-CPU stats counters into stats[LT_ST_MAX]. 0 or -errno. */
int summary_read_stats(struct lt_session *s, unsigned long long *stats);
/* Skipped program runs per attached event, and per finding kind the
 * most those runs may have cost; adds into both arrays. */
void summary_event_misses(struct lt_session *s,
			  unsigned long long ev_misses[LT_EV_MAX],
			  unsigned long long may_miss[LT_K_MAX]);
void summary_free(struct lt_summary *sum);
void summary_print(struct lt_session *s, const struct lt_summary *sum);
/* True when --fail-on matched a warning or error. */
int summary_failed(const struct lt_config *cfg, const struct lt_summary *sum);

#endif
