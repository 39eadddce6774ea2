/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loads the JSON Lines lazytrace -j writes (docs/JSON.md) back into memory
 * for `lazytrace report`: the last histogram of each (name, comm, cgroup),
 * merged; the streamed findings grouped by kind and stack; the summary.
 */
#ifndef LT_TRACE_LOAD_H
#define LT_TRACE_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "lazytrace.h"
#include "hist.h"

struct lt_kv {
	char *name;
	uint64_t v;
};

struct lt_tprobe {
	char *event, *method, *symbol;
	int copies;
};

#define LT_TGROUP_COMMS	32

/* Streamed findings of one kind and stack, or a summary group none matched. */
struct lt_tgroup {
	char *kind, *severity, *event;
	struct lt_kv comms[LT_TGROUP_COMMS];	/* findings per comm */
	size_t ncomms;
	uint64_t other_comms;	/* findings of comms past LT_TGROUP_COMMS */
	char **stack;
	size_t nstack;
	uint64_t streamed, first_ns, last_ns;
	uint64_t counted;	/* exact, from the summary's groups */
	bool has_counted;	/* the summary had a group for this stack */
};

/* --boundaries watch: one (event, depth, stack) row of summary.watch */
struct lt_ttrans {
	char *event;
	unsigned int depth;
	uint64_t count;
	char **stack;
	size_t nstack;
};

struct lt_tcomm {
	char *comm;
	uint64_t findings;
	unsigned long long samples[LT_H_MAX];	/* histogram totals */
};

struct lt_trace {
	char *path;
	size_t lines, records;
	/* Records a newer lazytrace may write, skipped: the page says so. */
	size_t skipped_types, skipped_hists;
	/* Merged over comms; seen: some record of that name was present. */
	unsigned long long hist[LT_H_MAX][LT_HIST_SLOTS];
	bool hist_seen[LT_H_MAX];
	char *hist_scope[LT_H_MAX];
	/* Bucket bounds the trace was written with (one per file). */
	enum hist_layout layout;
	bool layout_seen;
	struct lt_tgroup *groups;
	size_t ngroups;
	struct lt_tcomm *comms;
	size_t ncomms;
	uint64_t streamed, first_ns, last_ns;

	bool has_plan;		/* kernel..probes: from a plan or summary record */
	bool has_summary;
	char *kernel, *rules, *state_source, *state_crosscheck;
	uint64_t sum_streamed, dropped, aggregation_full, stacks_lost;
	uint64_t irq_skipped, gathers_fullmm, gathers_ranged;
	struct lt_kv *kinds, *events;	/* summary.findings, summary.events */
	size_t nkinds, nevents;
	struct lt_tprobe *probes;
	size_t nprobes;
	struct lt_ttrans *trans;	/* summary.watch.transitions */
	size_t ntrans;

	/* Loader scratch: the last histogram per (name, comm, cgroup). */
	struct lt_hrec *hrecs;
	size_t nhrecs;
};

/*
 * Loads path into t. On malformed input returns -1 and writes one line
 * naming the file, the line and what is wrong into err.
 */
int trace_load(const char *path, struct lt_trace *t, char *err, size_t errlen);
/* The same from an open stream; name is used in messages. */
int trace_load_stream(FILE *in, const char *name, struct lt_trace *t, char *err,
		      size_t errlen);
void trace_free(struct lt_trace *t);

/*
 * The log2 slot a JSON bucket {low, high} stands for, and in *l the
 * layout it belongs to, or -1 if the pair is not one of
 * hist_bounds_in()'s in either layout (the last slot's high is
 * open-ended).
 */
int trace_bucket_slot(uint64_t low, uint64_t high, enum hist_layout *l);
/* Id of a histogram name (hist_name()), or -1. */
int trace_hist_id(const char *name);

#endif
