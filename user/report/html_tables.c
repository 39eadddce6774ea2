// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "html_out.h"
#include "html_tables.h"

#define TOP_COMMS	10
#define GROUP_COMMS_SHOWN	5

static void when(FILE *out, const struct lt_trace *t, uint64_t ns)
{
	fprintf(out, "<td class=\"n\" title=\"ts_ns %" PRIu64 "\">+%.3f s</td>",
		ns, ns >= t->first_ns ? (ns - t->first_ns) / 1e9 : 0.0);
}

static int kv_cmp(const void *a, const void *b)
{
	const struct lt_kv *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* The comms of a group, most findings first. */
static void group_comms(FILE *out, const struct lt_tgroup *gr)
{
	struct lt_kv c[LT_TGROUP_COMMS];
	uint64_t others = gr->other_comms;
	size_t i;

	memcpy(c, gr->comms, gr->ncomms * sizeof(*c));
	qsort(c, gr->ncomms, sizeof(*c), kv_cmp);
	fputs("<td class=\"mono\">", out);
	for (i = 0; i < gr->ncomms && i < GROUP_COMMS_SHOWN; i++) {
		html_esc(out, *c[i].name ? c[i].name : "?");
		fprintf(out, "&nbsp;%" PRIu64 "<br>", c[i].v);
	}
	for (; i < gr->ncomms; i++)
		others += c[i].v;
	if (others)
		fprintf(out, "<span class=\"off\">others&nbsp;%" PRIu64 "</span>",
			others);
	fputs("</td>", out);
}

void html_findings(FILE *out, const struct lt_trace *t, int n, int i)
{
	bool short_count = false;

	fputs("<div class=\"card\">", out);
	html_trace_tag(out, n, i);
	html_elem(out, "span", "mono", t->path);
	if (!t->ngroups) {
		fputs("<p>No findings.", out);
		/* Say so rather than let "none" read as "clean". */
		if (t->has_plan && !strcmp(t->state_source, "none"))
			fputs(" This kernel has no lazy-state source: findings "
			      "that need to know whether a section is open cannot "
			      "be raised here (docs/STATE.md).", out);
		fputs("</p></div>\n", out);
		return;
	}
	if (!t->has_summary)
		fputs("<p class=\"warn\">No summary record: the exact count of "
		      "each group is unknown (?).</p>\n", out);
	fputs("<table class=\"findings\"><tr><th>kind</th><th class=\"n\">count"
	      "</th><th class=\"n\">streamed</th><th class=\"n\">first seen</th>"
	      "<th class=\"n\">last seen</th><th>comms</th><th>stack "
	      "(innermost first)</th></tr>\n", out);
	for (size_t g = 0; g < t->ngroups; g++) {
		const struct lt_tgroup *gr = &t->groups[g];

		fprintf(out, "<tr data-trace=\"%d\" data-kind=\"", i);
		html_esc(out, gr->kind);
		fprintf(out, "\" data-count=\"%" PRIu64 "\" data-streamed=\"%" PRIu64
			"\" data-first-ns=\"%" PRIu64 "\" data-last-ns=\"%" PRIu64
			"\"><td>", gr->has_counted ? gr->counted : gr->streamed,
			gr->streamed, gr->first_ns, gr->last_ns);
		html_esc(out, gr->kind);
		fputs("<br><span class=\"sev-", out);
		html_esc(out, gr->severity);
		fputs("\">", out);
		html_esc(out, gr->severity);
		fputs("</span> at ", out);
		html_esc(out, gr->event);
		if (gr->has_counted)
			fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td>", gr->counted);
		else
			fputs("</td><td class=\"n off\">?</td>", out);
		fprintf(out, "<td class=\"n\">%" PRIu64 "%s</td>", gr->streamed,
			gr->has_counted && gr->streamed < gr->counted ? " *" : "");
		short_count |= gr->has_counted && gr->streamed < gr->counted;
		when(out, t, gr->first_ns);
		when(out, t, gr->last_ns);
		group_comms(out, gr);
		fputs("<td><ol class=\"stack\">", out);
		for (size_t f = 0; f < gr->nstack; f++)
			html_elem(out, "li", NULL, gr->stack[f]);
		if (!gr->nstack)
			fputs("<li class=\"off\">no stack</li>", out);
		fputs("</ol></td></tr>\n", out);
	}
	fputs("</table>\n", out);
	if (short_count)
		fputs("<p class=\"warn\">* Fewer findings were streamed than the "
		      "kernel counted (ring buffer drops): count is the exact "
		      "in-kernel figure; first and last seen come from the streamed "
		      "ones, or from the kernel's aggregation when none was "
		      "streamed.</p>\n", out);
	fprintf(out, "<p class=\"note\">Grouped by kind and stack. %stimes are "
		"relative to the first finding.</p></div>\n", t->has_summary ?
		"Count: exact, from the in-kernel aggregation (summary record); " : "");
}

static uint64_t comm_weight(const struct lt_tcomm *c)
{
	return hist_total(c->samples, LT_H_MAX);
}

static int comm_cmp(const void *a, const void *b)
{
	const struct lt_tcomm *x = a, *y = b;

	if (x->findings != y->findings)
		return x->findings < y->findings ? 1 : -1;
	if (comm_weight(x) != comm_weight(y))
		return comm_weight(x) < comm_weight(y) ? 1 : -1;
	return strcmp(x->comm, y->comm);
}

void html_comms(FILE *out, const struct lt_trace *t, int n, int i)
{
	struct lt_tcomm *sorted = malloc((t->ncomms + 1) * sizeof(*sorted));
	size_t shown;

	fputs("<div class=\"card\">", out);
	html_trace_tag(out, n, i);
	if (!sorted || !t->ncomms) {
		fputs("<p>No comms in this trace.</p></div>\n", out);
		free(sorted);
		return;
	}
	memcpy(sorted, t->comms, t->ncomms * sizeof(*sorted));
	qsort(sorted, t->ncomms, sizeof(*sorted), comm_cmp);
	fputs("<table class=\"comms\"><tr><th>comm</th><th class=\"n\">findings"
	      "</th><th class=\"n\">page batches</th><th class=\"n\">flushes</th>"
	      "<th class=\"n\">allocations</th></tr>\n", out);
	for (shown = 0; shown < t->ncomms && shown < TOP_COMMS; shown++) {
		const struct lt_tcomm *c = &sorted[shown];

		fprintf(out, "<tr data-trace=\"%d\" data-findings=\"%" PRIu64
			"\"><td class=\"mono\">", i, c->findings);
		html_esc(out, *c->comm ? c->comm : "?");
		fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%llu"
			"</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td></tr>\n",
			c->findings, c->samples[LT_H_BATCH_PAGES],
			c->samples[LT_H_FLUSH_SPAN], c->samples[LT_H_ALLOC_ORDER]);
	}
	fputs("</table>", out);
	if (t->ncomms > shown)
		fprintf(out, "<p class=\"note\">%zu more comms not shown.</p>",
			t->ncomms - shown);
	fputs("<p class=\"note\">Findings streamed per comm; the other columns are "
	      "histogram samples (batch_pages, flush_span, alloc_order).</p>"
	      "</div>\n", out);
	free(sorted);
}
