/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one reader of the BPF maps (collect stage): snapshots that the
 * outputs print. Every function returns 0 or -errno unless it says else.
 */
#ifndef LT_MAPS_READ_H
#define LT_MAPS_READ_H

#include <stddef.h>
#include <bpf/libbpf.h>
#include "comm_top.h"
#include "session.h"

/* One row of the lt_hists map as map_rows() returns it. */
struct hist_row {
	struct lt_hist_key key;
	struct lt_hist_val val;
};
_Static_assert(sizeof(struct lt_hist_key) % 8 == 0,
	       "map_rows() puts the value right after the key");

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

/* The frames of one stack id, read with the snapshot. */
struct lt_stack_snap {
	int id;
	unsigned int n;
	unsigned long long frames[LT_MAX_STACK];
};

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
	struct lt_stack_snap *stacks;	/* of groups[] and bounds[], by id */
	size_t nstacks;
};

/* The findings' ring buffer as s->rb, fn called with s for each record.
 * errno stays set on failure. */
int maps__ring_open(struct lt_session *s, ring_buffer_sample_fn fn);
/* The end-of-run snapshot: aggregation, comms, boundaries (--boundaries
 * watch), stats and the programs' skipped runs. */
int maps__summary(struct lt_session *s, struct lt_summary *sum);
void maps__summary_free(struct lt_summary *sum);
/* The frames the snapshot holds for stack id: how many, *frames pointing
 * at them (0 and NULL when it has none). Reads no map. */
size_t maps__summary_frames(const struct lt_summary *sum, int id,
			    const unsigned long long **frames);
/* Adds the per-CPU stats counters into stats[LT_ST_MAX]. */
int maps__stats(struct lt_session *s, unsigned long long *stats);
/* Skipped program runs per attached event, and per finding kind the
 * most those runs may have cost; adds into both arrays. */
void maps__event_misses(struct lt_session *s,
			unsigned long long ev_misses[LT_EV_MAX],
			unsigned long long may_miss[LT_K_MAX]);
/* Every row of lt_hists (*rows to free; NULL and 0 when empty). */
int maps__hists(struct lt_session *s, struct hist_row **rows, size_t *n);
/* Every row of lt_comms (*rows to free; NULL and 0 when empty). */
int maps__comms(struct lt_session *s, struct lt_comm_row **rows, size_t *n);
/* Frames of a stack id from the stack map; returns how many (0 if none). */
size_t maps__stack(struct lt_session *s, int id, unsigned long long *frames);

#endif
