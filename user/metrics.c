// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text format 0.0.4. Histograms are classic ones (cumulative
 * _bucket{le}, _sum, _count): the text format cannot carry native
 * histograms, so the le bounds are lazytrace's own log2 slots, exact for
 * the integer values the kernel side records.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "hist.h"
#include "lazytrace.skel.h"
#include "map_rows.h"
#include "metrics.h"
#include "report.h"
#include "rules.h"
#include "session.h"
#include "summary.h"

_Static_assert(sizeof(struct lt_comm_key) % 8 == 0,
	       "map_rows() puts the value right after the key");

static const struct {
	const char *name, *help;
	double scale;		/* 0: integer values as recorded */
} hists[LT_H_MAX] = {
	[LT_H_BATCH_PAGES] = { "lazytrace_gather_batch_pages",
		"Pages in one mmu_gather page batch", 0 },
	[LT_H_GATHER_BATCHES] = { "lazytrace_gather_batches",
		"Page batches used by one mmu_gather", 0 },
	[LT_H_FLUSH_SPAN] = { "lazytrace_flush_span_pages",
		"Pages covered by one TLB flush", 0 },
	[LT_H_DEPTH] = { "lazytrace_nesting_depth",
		"Lazy MMU nesting depth at in-section events", 0 },
	[LT_H_ALLOC_ORDER] = { "lazytrace_alloc_order",
		"Order of page allocations", 0 },
	[LT_H_SECTION_SPAN] = { "lazytrace_section_span_seconds",
		"Outermost lazy MMU section, enter to leave", 1e-9 },
};

int metrics_read(struct lt_session *s, struct lt_metrics *m)
{
	struct hist_row *rows;
	size_t n;
	int err;

	memset(m, 0, sizeof(*m));
	err = summary_read_stats(s, m->stats);
	if (!err)
		err = map_rows(bpf_map__fd(s->skel->maps.lt_comms),
			       sizeof(struct lt_comm_key), sizeof(__u64),
			       (void **)&m->comms, &m->ncomms);
	if (!err)
		err = map_rows(bpf_map__fd(s->skel->maps.lt_hists),
			       sizeof(rows->key), sizeof(rows->val),
			       (void **)&rows, &n);
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

/* A label value: backslash, quote and newline escaped (text format). */
static void put_label(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

static void family(FILE *out, const char *name, const char *type,
		   const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void counter(FILE *out, const char *name, const char *help,
		    unsigned long long v)
{
	family(out, name, "counter", help);
	fprintf(out, "%s %llu\n", name, v);
}

static void finding_line(FILE *out, unsigned int k, unsigned int sev,
			 const char *comm, unsigned long long v)
{
	fprintf(out, "lazytrace_findings_total{kind=\"%s\",severity=\"%s\","
		"comm=\"", kind_name(k), severity_name(sev));
	put_label(out, comm);
	fprintf(out, "\"} %llu\n", v);
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

static int findings(FILE *out, const struct lt_metrics *m,
		    struct lt_comm_top *top)
{
	struct lt_comm_split *sp = malloc(sizeof(*sp));
	bool decl[LT_K_MAX][LT_SEV_N];

	if (!sp || comm_top_update(top, m->comms, m->ncomms)) {
		free(sp);
		return -ENOMEM;
	}
	comm_top_split(top, m->comms, m->ncomms, sp);
	declared(m, decl);
	family(out, "lazytrace_findings_total", "counter",
	       "Findings, exact in-kernel counts; top comms, rest \"other\"");
	for (unsigned int i = 0; i < top->n; i++) {
		char label[LT_LABEL_LEN];

		comm_label(top->slot[i].comm, label);
		for (unsigned int k = 0; k < LT_K_MAX; k++)
			for (unsigned int sev = 1; sev < LT_SEV_N; sev++)
				if (decl[k][sev] || sp->slot[i][k][sev])
					finding_line(out, k, sev, label,
						     sp->slot[i][k][sev]);
	}
	for (unsigned int k = 0; k < LT_K_MAX; k++)
		for (unsigned int sev = 1; sev < LT_SEV_N; sev++)
			if (decl[k][sev] || sp->other[k][sev])
				finding_line(out, k, sev, "other",
					     sp->other[k][sev]);
	free(sp);
	return 0;
}

static void histogram(FILE *out, unsigned int id, const struct lt_hist_val *h)
{
	const char *name = hists[id].name;
	double scale = hists[id].scale;
	unsigned long long cum = 0;

	family(out, name, "histogram", hists[id].help);
	/* the last slot also holds clamped values: it is only +Inf */
	for (unsigned int i = 0; i + 1 < LT_HIST_SLOTS; i++) {
		uint64_t lo, hi;

		hist_bounds(i, &lo, &hi);
		cum += h->slots[i];
		if (scale)
			fprintf(out, "%s_bucket{le=\"%.9g\"} %llu\n", name,
				hi * scale, cum);
		else
			fprintf(out, "%s_bucket{le=\"%llu\"} %llu\n", name,
				(unsigned long long)hi, cum);
	}
	cum += h->slots[LT_HIST_SLOTS - 1];
	fprintf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name, cum);
	if (scale)
		fprintf(out, "%s_sum %.9g\n", name, h->sum * scale);
	else
		fprintf(out, "%s_sum %llu\n", name, h->sum);
	fprintf(out, "%s_count %llu\n", name, cum);
}

int metrics_render(FILE *out, const struct lt_metrics *m,
		   struct lt_comm_top *top)
{
	if (findings(out, m, top))
		return -ENOMEM;
	family(out, "lazytrace_events_total", "counter",
	       "Probe hits per logical event, exact");
	for (unsigned int i = 0; i < m->nprobes; i++)
		fprintf(out, "lazytrace_events_total{event=\"%s\"} %llu\n",
			event_name(m->probes[i].event),
			m->stats[LT_ST_EVENT0 + m->probes[i].event]);
	counter(out, "lazytrace_events_dropped_total",
		"Findings the ring buffer refused (still counted)",
		m->stats[LT_ST_RB_DROPS]);
	counter(out, "lazytrace_aggregation_full_total",
		"Findings not aggregated: map full", m->stats[LT_ST_AGG_FULL]);
	counter(out, "lazytrace_stacks_lost_total",
		"Stacks lost to stack map collisions",
		m->stats[LT_ST_STACK_LOST]);
	counter(out, "lazytrace_irq_skipped_total",
		"Events skipped in interrupt context",
		m->stats[LT_ST_IRQ_SKIPPED]);
	counter(out, "lazytrace_findings_streamed_total",
		"Findings read from the ring buffer", m->streamed);
	counter(out, "lazytrace_findings_rate_limited_total",
		"Findings not printed: --rate-limit", m->rate_limited);
	counter(out, "lazytrace_findings_deduplicated_total",
		"Findings not printed: --dedup repeats", m->deduplicated);
	for (unsigned int id = 0; id < LT_H_MAX; id++)
		histogram(out, id, &m->hist[id]);
	family(out, "lazytrace_probe_info", "gauge",
	       "The probe plan: one series per attached event");
	for (unsigned int i = 0; i < m->nprobes; i++) {
		fprintf(out, "lazytrace_probe_info{event=\"%s\",symbol=\"",
			event_name(m->probes[i].event));
		put_label(out, m->probes[i].symbol);
		fprintf(out, "\",method=\"%s\"} 1\n", m->probes[i].method);
	}
	family(out, "lazytrace_state_source_info", "gauge",
	       "Where the lazy MMU state is read from");
	fprintf(out, "lazytrace_state_source_info{source=\"%s\","
		"crosscheck=\"%s\",rules=\"%s\"} 1\n", m->state_src,
		m->state_cross, m->rules);
	return ferror(out) ? -EIO : 0;
}
