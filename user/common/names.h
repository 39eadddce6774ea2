/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of the histograms, one table for every output: the live text
 * and JSON (output/live.c), the metrics (metrics/metrics.c) and the
 * offline report, which reads the JSON back (report/); and the names of
 * the finding kinds and severities. Event names are the probe catalog's
 * (discover/catalog.c, event_name()).
 */
#ifndef LT_NAMES_H
#define LT_NAMES_H

#include "lazytrace.h"

struct lt_hist_desc {
	const char *name;	/* in text and JSON: "batch_pages" */
	const char *unit;	/* "pages", "ns" */
	const char *metric;	/* the Prometheus family */
	const char *help;	/* its HELP line */
	double scale;		/* to the metric's unit; 0: integers as recorded */
};

extern const struct lt_hist_desc lt_hist_descs[LT_H_MAX];

/* "alloc_in_lazy"; "unknown" past the last kind. */
const char *kind_name(unsigned int kind);
/* "info", "warning", "error"; "none" otherwise. */
const char *severity_name(unsigned int sev);

/* The histogram name and unit, as used in text and JSON; "?" if unknown. */
const char *hist_name(unsigned int id);
const char *hist_unit(unsigned int id);

#endif
