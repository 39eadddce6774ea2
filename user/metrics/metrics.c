// SPDX-License-Identifier: GPL-2.0
/*
 * What a scrape shows: the map snapshot (metrics_read) and the list of
 * families walked for each format (metrics_walk). The formats themselves
 * are metrics_text.c and metrics_pb.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "hist.h"
#include "maps_read.h"
#include "metrics.h"
#include "names.h"
#include "rules.h"
#include "session.h"

int metrics_read(struct lt_session *s, struct lt_metrics *m)
{
	struct hist_row *rows;
	size_t n;
	int err;

	memset(m, 0, sizeof(*m));
	err = maps__stats(s, m->stats);
	maps__event_misses(s, m->ev_misses, m->may_miss);
	if (!err)
		err = maps__comms(s, &m->comms, &m->ncomms);
	if (!err)
		err = maps__hists(s, &rows, &n);
	if (err) {
		metrics_free(m);
		return err;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned int id = rows[i].key.hist;

		if (id >= LT_H_MAX)
			continue;
		hist_merge(m->hist[id].slots, rows[i].val.slots, LT_HIST_SLOTS);
		m->hist[id].sum += rows[i].val.sum;
	}
	free(rows);
	/* the main thread writes these; a torn read is impossible on u64 */
	m->streamed = __atomic_load_n(&s->streamed, __ATOMIC_RELAXED);
	m->rate_limited = __atomic_load_n(&s->rate_limited, __ATOMIC_RELAXED);
	m->deduplicated = __atomic_load_n(&s->deduplicated, __ATOMIC_RELAXED);
	for (unsigned int e = 0; e < LT_EV_MAX; e++) {
		const struct lt_choice *ch = &s->plan.ev[e];

		if (ch->method == LT_M_NONE)
			continue;
		m->probes[m->nprobes++] = (struct lt_probe_info){
			.event = e, .method = method_name(ch->method),
			.symbol = ch->cand ? ch->cand->symbol : "",
		};
	}
	m->state_src = state_src_name(s->sp.primary);
	m->state_cross = state_src_name(s->sp.secondary);
	m->rules = lt_rulesets[s->rules].name;
	return 0;
}

void metrics_free(struct lt_metrics *m)
{
	free(m->comms);
	m->comms = NULL;
	m->ncomms = 0;
}

/*
 * The (kind, severity) pairs the active rule set can produce. Each gets a
 * series from the first scrape on, at 0: a series that first appears at 1
 * is invisible to increase(), so an alert would miss the first finding.
 */
static void declared(const struct lt_metrics *m,
		     bool out[LT_K_MAX][LT_SEV_N])
{
	enum lt_rules r;

	memset(out, 0, sizeof(bool) * LT_K_MAX * LT_SEV_N);
	if (!m->rules || rules_parse(m->rules, &r))
		return;
	for (unsigned int k = 0; k < LT_K_MAX; k++)
		out[k][lt_rulesets[r].sev[k]] = true;
	out[LT_K_ALLOC_IN_LAZY][lt_rulesets[r].sev_alloc_sleep] = true;
}

static void finding(const struct lt_emitter *e, void *ctx, unsigned int k,
		    unsigned int sev, const char *comm, unsigned long long v)
{
	struct lt_label l[] = { { "kind", kind_name(k) },
				{ "severity", severity_name(sev) },
				{ "comm", comm } };

	e->value(ctx, "lazytrace_findings_total", l, 3, v);
}

static int findings(const struct lt_metrics *m, struct lt_comm_top *top,
		    const struct lt_emitter *e, void *ctx)
{
	struct lt_comm_split *sp = malloc(sizeof(*sp));
	bool decl[LT_K_MAX][LT_SEV_N];

	if (!sp || comm_top_update(top, m->comms, m->ncomms)) {
		free(sp);
		return -ENOMEM;
	}
	comm_top_split(top, m->comms, m->ncomms, sp);
	declared(m, decl);
	e->family(ctx, "lazytrace_findings_total", LT_MT_COUNTER,
		  "Findings, exact in-kernel counts; top comms, rest \"other\"");
	for (unsigned int i = 0; i < top->n; i++) {
		char label[LT_LABEL_LEN];

		comm_label(top->slot[i].comm, label);
		for (unsigned int k = 0; k < LT_K_MAX; k++)
			for (unsigned int sev = 1; sev < LT_SEV_N; sev++)
				if (decl[k][sev] || sp->slot[i][k][sev])
					finding(e, ctx, k, sev, label,
						sp->slot[i][k][sev]);
	}
	for (unsigned int k = 0; k < LT_K_MAX; k++)
		for (unsigned int sev = 1; sev < LT_SEV_N; sev++)
			if (decl[k][sev] || sp->other[k][sev])
				finding(e, ctx, k, sev, "other",
					sp->other[k][sev]);
	free(sp);
	return 0;
}

void metrics_le(char *buf, size_t len, unsigned int slot, double scale)
{
	uint64_t lo, hi;

	hist_bounds(slot, &lo, &hi);
	if (scale)	/* 12 digits: 2^37 ns is 137.438953472 s, exactly */
		snprintf(buf, len, "%.12g", hi * scale);
	else
		snprintf(buf, len, "%llu", (unsigned long long)hi);
}

static void counter(const struct lt_emitter *e, void *ctx, const char *name,
		    const char *help, unsigned long long v)
{
	e->family(ctx, name, LT_MT_COUNTER, help);
	e->value(ctx, name, NULL, 0, v);
}

int metrics_walk(const struct lt_metrics *m, struct lt_comm_top *top,
		 const struct lt_emitter *e, void *ctx)
{
	struct lt_label l[3];

	if (findings(m, top, e, ctx))
		return -ENOMEM;
	e->family(ctx, "lazytrace_events_total", LT_MT_COUNTER,
		  "Probe hits per logical event, exact");
	for (unsigned int i = 0; i < m->nprobes; i++) {
		l[0] = (struct lt_label){ "event",
					  event_name(m->probes[i].event) };
		e->value(ctx, "lazytrace_events_total", l, 1,
			 m->stats[LT_ST_EVENT0 + m->probes[i].event]);
	}
	e->family(ctx, "lazytrace_program_misses_total", LT_MT_COUNTER,
		  "Runs the kernel skipped: the program was already running on the CPU");
	for (unsigned int i = 0; i < m->nprobes; i++) {
		l[0] = (struct lt_label){ "event",
					  event_name(m->probes[i].event) };
		e->value(ctx, "lazytrace_program_misses_total", l, 1,
			 m->ev_misses[m->probes[i].event]);
	}
	e->family(ctx, "lazytrace_findings_may_lack", LT_MT_GAUGE,
		  "Findings the skipped runs may have cost, at most");
	for (unsigned int k = 0; k < LT_K_MAX; k++) {
		l[0] = (struct lt_label){ "kind", kind_name(k) };
		e->value(ctx, "lazytrace_findings_may_lack", l, 1,
			 m->may_miss[k]);
	}
	counter(e, ctx, "lazytrace_events_dropped_total",
		"Findings the ring buffer refused (still counted)",
		m->stats[LT_ST_RB_DROPS]);
	counter(e, ctx, "lazytrace_aggregation_full_total",
		"Findings not aggregated: map full", m->stats[LT_ST_AGG_FULL]);
	counter(e, ctx, "lazytrace_hist_full_total",
		"Histogram samples not kept: map full",
		m->stats[LT_ST_HIST_FULL]);
	counter(e, ctx, "lazytrace_stacks_lost_total",
		"Stacks lost to stack map collisions",
		m->stats[LT_ST_STACK_LOST]);
	counter(e, ctx, "lazytrace_irq_skipped_total",
		"Events skipped in interrupt context",
		m->stats[LT_ST_IRQ_SKIPPED]);
	counter(e, ctx, "lazytrace_findings_streamed_total",
		"Findings read from the ring buffer", m->streamed);
	counter(e, ctx, "lazytrace_findings_rate_limited_total",
		"Findings not printed: --rate-limit", m->rate_limited);
	counter(e, ctx, "lazytrace_findings_deduplicated_total",
		"Findings not printed: --dedup repeats", m->deduplicated);
	counter(e, ctx, "lazytrace_findings_info_held_total",
		"Legal findings counted, not streamed: --info",
		m->stats[LT_ST_INFO_HELD]);
	for (unsigned int id = 0; id < LT_H_MAX; id++) {
		const struct lt_hist_desc *h = &lt_hist_descs[id];

		e->family(ctx, h->metric, LT_MT_HISTOGRAM, h->help);
		e->histogram(ctx, h->metric, &m->hist[id], h->scale);
	}
	e->family(ctx, "lazytrace_probe_info", LT_MT_GAUGE,
		  "The probe plan: one series per attached event");
	for (unsigned int i = 0; i < m->nprobes; i++) {
		l[0] = (struct lt_label){ "event",
					  event_name(m->probes[i].event) };
		l[1] = (struct lt_label){ "symbol", m->probes[i].symbol };
		l[2] = (struct lt_label){ "method", m->probes[i].method };
		e->value(ctx, "lazytrace_probe_info", l, 3, 1);
	}
	e->family(ctx, "lazytrace_state_source_info", LT_MT_GAUGE,
		  "Where the lazy MMU state is read from");
	l[0] = (struct lt_label){ "source", m->state_src };
	l[1] = (struct lt_label){ "crosscheck", m->state_cross };
	l[2] = (struct lt_label){ "rules", m->rules };
	e->value(ctx, "lazytrace_state_source_info", l, 3, 1);
	e->family(ctx, "lazytrace_build_info", LT_MT_GAUGE,
		  "The running lazytrace: its version and libbpf's");
	l[0] = (struct lt_label){ "version", LT_VERSION };
	l[1] = (struct lt_label){ "libbpf", libbpf_version_string() };
	e->value(ctx, "lazytrace_build_info", l, 2, 1);
	return 0;
}
