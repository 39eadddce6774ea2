/* SPDX-License-Identifier: GPL-2.0 */
/* The Prometheus text exposition: a map snapshot and its rendering. */
#ifndef LT_METRICS_H
#define LT_METRICS_H

#include <stdbool.h>
#include <stdio.h>
#include "comm_top.h"

struct lt_session;

struct lt_probe_info {
	unsigned int event;		/* enum lt_event */
	const char *symbol, *method;
};

/* Everything one scrape shows, read at one moment. */
struct lt_metrics {
	unsigned long long stats[LT_ST_MAX];
	struct lt_comm_row *comms;
	size_t ncomms;
	struct lt_hist_val hist[LT_H_MAX];	/* merged over comms */
	unsigned long long streamed, rate_limited, deduplicated;
	struct lt_probe_info probes[LT_EV_MAX];	/* planned events only */
	unsigned int nprobes;
	const char *state_src, *state_cross, *rules;
};

/* Reads the maps through the session's open fds. 0 or -errno. */
int metrics_read(struct lt_session *s, struct lt_metrics *m);
void metrics_free(struct lt_metrics *m);
/* Writes the exposition; top keeps the comm slots between scrapes. */
int metrics_render(FILE *out, const struct lt_metrics *m,
		   struct lt_comm_top *top);

#endif
