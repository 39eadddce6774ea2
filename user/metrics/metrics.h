/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus exposition: a map snapshot, what of it is shown
 * (metrics_walk), and two formats of it: text (metrics_text.c) and
 * protobuf with native histograms (metrics_pb.c).
 */
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
	unsigned long long ev_misses[LT_EV_MAX], may_miss[LT_K_MAX];
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
enum lt_mtype { LT_MT_COUNTER, LT_MT_GAUGE, LT_MT_HISTOGRAM };

struct lt_label {
	const char *name, *value;
};

#define LT_MAX_LABELS	3

/*
 * A format: called family by family, each family's samples after it.
 * Strings live for the call only. scale: 0 for integer values as
 * recorded (their slots are native buckets), else the factor to the
 * exposed unit (ns to seconds).
 */
struct lt_emitter {
	void (*family)(void *ctx, const char *name, enum lt_mtype type,
		       const char *help);
	void (*value)(void *ctx, const char *name, const struct lt_label *l,
		      unsigned int nl, unsigned long long v);
	void (*histogram)(void *ctx, const char *name,
			  const struct lt_hist_val *h, double scale);
};

/*
 * The one list of what a scrape shows, in order, for every format; top
 * keeps the comm slots between scrapes. 0 or -ENOMEM.
 */
int metrics_walk(const struct lt_metrics *m, struct lt_comm_top *top,
		 const struct lt_emitter *e, void *ctx);
/* A classic bucket's le as text; both formats use it, so they agree. */
void metrics_le(char *buf, size_t len, unsigned int slot, double scale);
/* Text format 0.0.4 (classic histograms). 0 or -errno. */
int metrics_render(FILE *out, const struct lt_metrics *m,
		   struct lt_comm_top *top);
/*
 * Delimited io.prometheus.client.MetricFamily messages, integer
 * histograms native (schema 0). 0 or -errno. metrics_pb.c.
 */
int metrics_render_pb(FILE *out, const struct lt_metrics *m,
		      struct lt_comm_top *top);

#endif
