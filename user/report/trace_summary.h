/* SPDX-License-Identifier: GPL-2.0 */
/* The loader's plan and summary records (internal to trace_load.c). */
#ifndef LT_TRACE_SUMMARY_H
#define LT_TRACE_SUMMARY_H

#include "trace_json.h"

/* Summary groups, held until every finding is in (tsum_attach_counts). */
struct sgroup_list {
	struct lt_tgroup *g;
	size_t n;
};

/* A plan record: kernel, rules, state sources, probes (unless a summary
 * already gave them). */
int tsum_load_plan(struct loader *l, json_object *o);
/* The summary: exact counts; its groups go to sg. */
int tsum_load(struct loader *l, json_object *o, struct sgroup_list *sg);
/*
 * Each summary group's exact count goes to the streamed group whose stack
 * is the longest prefix of its stack; a summary group no finding was
 * streamed for (all dropped) becomes a row of its own. Empties sg.
 */
void tsum_attach_counts(struct lt_trace *t, struct sgroup_list *sg);
void tsum_free(struct lt_trace *t);

#endif
