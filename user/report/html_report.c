// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "html_out.h"
#include "html_report.h"
#include "html_tables.h"
#include "html_style.h"
#include "names.h"
#include "svg_hist.h"

/* What each chart shows, in the order the page shows them. */
static const struct {
	int id;
	const char *title, *what;
} charts[] = {
	{ LT_H_BATCH_PAGES, "Pages per mmu_gather batch",
	  "Pages freed in one mmu_gather page batch." },
	{ LT_H_GATHER_BATCHES, "Batches per mmu_gather",
	  "Page batches one mmu_gather used before it finished." },
	{ LT_H_FLUSH_SPAN, "TLB flush span",
	  "Pages one TLB flush covered; full flushes (TLB_FLUSH_ALL) have "
	  "no span and are not counted." },
	{ LT_H_DEPTH, "Nesting depth",
	  "Lazy MMU nesting depth at events inside a section." },
	{ LT_H_ALLOC_ORDER, "Allocation order",
	  "Order of page allocations (scope says whether only those inside "
	  "a section count)." },
	{ LT_H_SECTION_SPAN, "Section span",
	  "Time from the outermost enter to the leave of a lazy MMU section." },
};

static void kv_row(FILE *out, const char *k, const char *v)
{
	fprintf(out, "<tr><th>%s</th><td>", k);
	html_esc(out, v);
	fputs("</td></tr>\n", out);
}

static void kv_num(FILE *out, const char *k, uint64_t v)
{
	fprintf(out, "<tr><th>%s</th><td>%" PRIu64 "</td></tr>\n", k, v);
}

static const struct lt_tprobe *probe_of(const struct lt_trace *t, const char *event)
{
	for (size_t i = 0; i < t->nprobes; i++)
		if (!strcmp(t->probes[i].event, event))
			return &t->probes[i];
	return NULL;
}

static uint64_t kv_get(const struct lt_kv *kv, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].name, name))
			return kv[i].v;
	return 0;
}

/* Findings of a kind: the summary's exact count, else the streamed ones. */
static uint64_t kind_count(const struct lt_trace *t, const char *kind)
{
	uint64_t c = 0;

	if (t->has_summary)
		return kv_get(t->kinds, t->nkinds, kind);
	for (size_t i = 0; i < t->ngroups; i++)
		if (!strcmp(t->groups[i].kind, kind))
			c += t->groups[i].streamed;
	return c;
}

static uint64_t findings_total(const struct lt_trace *t)
{
	uint64_t c = 0;

	if (!t->has_summary)
		return t->streamed;
	for (size_t i = 0; i < t->nkinds; i++)
		c += t->kinds[i].v;
	return c;
}

/* Without the summary only the streamed records are known. */
static void no_summary(FILE *out, const struct lt_trace *t)
{
	fprintf(out, "<p class=\"warn\">No summary record: the trace was cut "
		"short (lazytrace killed before it ended?). %sExact in-kernel "
		"counts are unknown: counts below are the streamed records only."
		"</p>\n", t->has_plan ? "" : "No plan record either: kernel and "
		"probe plan are unknown. ");
}

/* Records this build does not know are skipped, but not silently. */
static void skipped(FILE *out, const struct lt_trace *t)
{
	if (!t->skipped_types && !t->skipped_hists)
		return;
	fputs("<p class=\"warn\">Skipped, not shown (written by a newer "
	      "lazytrace?):", out);
	if (t->skipped_types)
		fprintf(out, " %zu record%s of unknown type%s", t->skipped_types,
			t->skipped_types == 1 ? "" : "s",
			t->skipped_hists ? ";" : ".");
	if (t->skipped_hists)
		fprintf(out, " %zu histogram record%s of unknown name.",
			t->skipped_hists, t->skipped_hists == 1 ? "" : "s");
	fputs("</p>\n", out);
}

static void overview(FILE *out, const struct lt_trace *t, int n, int i)
{
	char buf[128];

	fputs("<div class=\"card\">", out);
	html_trace_tag(out, n, i);
	html_elem(out, "span", "mono", t->path);
	if (!t->has_summary)
		no_summary(out, t);
	skipped(out, t);
	fputs("<table class=\"kv\">\n", out);
	if (t->has_plan) {
		kv_row(out, "kernel", t->kernel);
		kv_row(out, "rules", t->rules);
		snprintf(buf, sizeof(buf), "%s (cross-check: %s)", t->state_source,
			 *t->state_crosscheck ? t->state_crosscheck : "none");
		kv_row(out, "lazy state source", buf);
	}
	kv_num(out, "findings", findings_total(t));
	kv_num(out, "findings streamed", t->streamed);
	if (t->has_summary) {
		kv_num(out, "records the ring buffer dropped", t->dropped);
		snprintf(buf, sizeof(buf), "%" PRIu64 " full mm, %" PRIu64 " ranged",
			 t->gathers_fullmm, t->gathers_ranged);
		kv_row(out, "mmu_gathers", buf);
		if (t->aggregation_full || t->stacks_lost)
			fprintf(out, "<tr><th>lost</th><td>%" PRIu64 " groups (map "
				"full), %" PRIu64 " stacks</td></tr>\n",
				t->aggregation_full, t->stacks_lost);
	}
	if (t->streamed) {
		snprintf(buf, sizeof(buf), "%.3f s", (t->last_ns - t->first_ns) / 1e9);
		kv_row(out, "first to last streamed finding", buf);
	}
	snprintf(buf, sizeof(buf), "%zu records on %zu lines", t->records, t->lines);
	kv_row(out, "input", buf);
	fputs("</table></div>\n", out);
}

/*
 * Two traces counted the same thing unless a histogram's scope differs
 * (alloc_order counts every allocation without a lazy-state source, only
 * those in a section with one).
 */
static bool same_scope(const struct lt_trace *const *t, int n, int id)
{
	const char *a = t[0]->hist_scope[id], *b = n == 2 ? t[1]->hist_scope[id] : a;

	return !a || !b || !strcmp(a, b);
}

static void delta_cell(FILE *out, uint64_t a, uint64_t b)
{
	fprintf(out, "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
		"</td><td class=\"n\">", a, b);
	if (a == b)
		fputs("=", out);
	else if (a)
		fprintf(out, "%+" PRId64 " (%+.0f%%)", (int64_t)(b - a),
			100.0 * ((double)b - (double)a) / (double)a);
	else
		fprintf(out, "%+" PRId64, (int64_t)(b - a));
	fputs("</td></tr>\n", out);
}

/* Before and after in numbers, for a reader who wants the gist first. */
static void comparison(FILE *out, const struct lt_trace *const *t)
{
	static const char *events[] = { "page_alloc", "tlb_flush", "gather_finish",
					"gather_next_batch" };

	fputs("<h2>Before and after</h2>\n<div class=\"card\"><table>\n"
	      "<tr><th>measure</th><th class=\"n\">before</th>"
	      "<th class=\"n\">after</th><th class=\"n\">change</th></tr>\n", out);
	fputs("<tr><td>findings (all kinds)</td>", out);
	delta_cell(out, findings_total(t[0]), findings_total(t[1]));
	for (int k = 0; k < LT_K_MAX; k++) {
		uint64_t a = kind_count(t[0], kind_name(k));
		uint64_t b = kind_count(t[1], kind_name(k));

		if (!a && !b)
			continue;
		fprintf(out, "<tr><td>&nbsp;&nbsp;%s</td>", kind_name(k));
		delta_cell(out, a, b);
	}
	for (size_t c = 0; c < sizeof(charts) / sizeof(charts[0]); c++) {
		int id = charts[c].id;

		fprintf(out, "<tr><td>%s samples%s</td>", hist_name(id),
			same_scope(t, 2, id) ? "" : " (scopes differ)");
		delta_cell(out, hist_total(t[0]->hist[id], LT_HIST_SLOTS),
			   hist_total(t[1]->hist[id], LT_HIST_SLOTS));
	}
	for (size_t e = 0; e < sizeof(events) / sizeof(events[0]); e++) {
		if (!t[0]->has_summary || !t[1]->has_summary)
			break;
		fprintf(out, "<tr><td>%s probe hits</td>", events[e]);
		delta_cell(out, kv_get(t[0]->events, t[0]->nevents, events[e]),
			   kv_get(t[1]->events, t[1]->nevents, events[e]));
	}
	fputs("</table></div>\n", out);
}

static void plan(FILE *out, const struct lt_trace *t, int n, int i)
{
	fputs("<div class=\"card\">", out);
	html_trace_tag(out, n, i);
	if (!t->has_plan) {
		fputs("<p class=\"off\">Unknown: the trace has no plan or "
		      "summary record.</p></div>\n", out);
		return;
	}
	fputs("<table><tr><th>event</th><th>method</th><th>symbol</th>"
	      "<th class=\"n\">hits</th></tr>\n", out);
	for (size_t p = 0; p < t->nprobes; p++) {
		const struct lt_tprobe *pr = &t->probes[p];
		bool off = !strcmp(pr->method, "-");

		fprintf(out, "<tr%s><td>", off ? " class=\"off\"" : "");
		html_esc(out, pr->event);
		fputs("</td><td class=\"nw\">", out);
		html_esc(out, off ? "not traced" : pr->method);
		fputs("</td><td class=\"mono\">", out);
		html_esc(out, pr->symbol);
		if (pr->copies > 1)
			fprintf(out, " (%d copies)", pr->copies);
		if (t->has_summary)
			fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td></tr>\n",
				kv_get(t->events, t->nevents, pr->event));
		else
			fputs("</td><td class=\"n off\">?</td></tr>\n", out);
	}
	fputs("</table></div>\n", out);
}

/* Why a chart is empty, from what the trace says about itself. */
static const char *why_empty(const struct lt_trace *t, int id)
{
	const struct lt_tprobe *en = probe_of(t, "section_enter");
	const struct lt_tprobe *lv = probe_of(t, "section_leave");

	if (t->hist_seen[id])
		return "0 samples recorded";
	if (id == LT_H_DEPTH && t->has_plan && !strcmp(t->state_source, "none"))
		return "no lazy-state source on this kernel: depth unknown";
	if (id == LT_H_SECTION_SPAN && en && lv &&
	    (!strcmp(en->method, "-") || !strcmp(lv->method, "-")))
		return "enter/leave not traced here (no out-of-line symbol)";
	return "the trace has no record of this histogram";
}

static void chart(FILE *out, const struct lt_trace *const *t, int n, int c)
{
	int id = charts[c].id;
	unsigned int first = LT_HIST_SLOTS, last = 0, f, l;
	unsigned long long ymax[2] = { 0, 0 };
	bool share = same_scope(t, n, id);
	/* A trace from before the native buckets has other bounds: slot i
	 * is not the same bucket in both, so the x ranges stay apart. */
	bool same_x = n < 2 || t[0]->layout == t[1]->layout ||
		!hist_total(t[0]->hist[id], LT_HIST_SLOTS) ||
		!hist_total(t[1]->hist[id], LT_HIST_SLOTS);
	unsigned int fi[2] = { 0, 0 }, la[2] = { 0, 0 };

	/* Comparisons share the x range, and the y scale when they count
	 * the same thing: equal bars then mean equal counts. */
	for (int i = 0; i < n; i++) {
		if (!hist_range(t[i]->hist[id], LT_HIST_SLOTS, &f, &l))
			continue;
		fi[i] = f;
		la[i] = l;
		first = f < first ? f : first;
		last = l > last ? l : last;
		for (unsigned int s = f; s <= l; s++)
			if (t[i]->hist[id][s] > ymax[i])
				ymax[i] = t[i]->hist[id][s];
	}
	if (share && ymax[1] > ymax[0])
		ymax[0] = ymax[1];
	else if (share)
		ymax[1] = ymax[0];
	fputs("<div class=\"card\">", out);
	html_elem(out, "h3", NULL, charts[c].title);
	fprintf(out, "<p class=\"note\">%s <code>%s</code>, %s.</p>\n",
		charts[c].what, hist_name(id), hist_unit(id));
	if (!share)
		fputs("<p class=\"warn\">The two traces counted different "
		      "scopes: each chart has its own y axis.</p>\n", out);
	if (!same_x)
		fputs("<p class=\"warn\">One trace was written with the old "
		      "bucket bounds: each chart has its own x axis.</p>\n", out);
	if (n == 2)
		fputs("<div class=\"cols\">", out);
	for (int i = 0; i < n; i++) {
		uint64_t total = hist_total(t[i]->hist[id], LT_HIST_SLOTS);

		fputs("<figure>", out);
		if (total) {
			struct svg_hist h = { hist_name(id), hist_unit(id), i,
					      t[i]->hist[id], first, last, ymax[i],
					      t[i]->layout };

			if (!same_x) {
				h.first = fi[i];
				h.last = la[i];
			}

			svg_hist_draw(out, &h);
		} else {
			svg_no_data(out, hist_name(id), i, why_empty(t[i], id));
		}
		fputs("<figcaption class=\"cap\">", out);
		if (n == 2)
			html_trace_tag(out, n, i);
		fprintf(out, "%" PRIu64 " samples", total);
		if (t[i]->hist_scope[id]) {
			fputs(", scope ", out);
			html_esc(out, t[i]->hist_scope[id]);
		}
		fputs("</figcaption></figure>\n", out);
	}
	if (n == 2)
		fputs("</div>", out);
	fputs("</div>\n", out);
}

/* One card per trace: a row of two when comparing. */
/* --boundaries watch: who opened and closed sections, at what depth. */
static void boundaries(FILE *out, const struct lt_trace *t, int n, int i)
{
	fputs("<div class=\"card\">", out);
	html_trace_tag(out, n, i);
	if (!t->ntrans) {
		fputs("<p class=\"off\">Not traced: boundaries came from "
		      "probes (<code>--boundaries watch</code> gives them "
		      "here).</p></div>\n", out);
		return;
	}
	fputs("<table><tr><th>event</th><th class=\"n\">depth after</th>"
	      "<th class=\"n\">count</th><th>code that wrote the counter"
	      "</th></tr>\n", out);
	for (size_t r = 0; r < t->ntrans && r < 24; r++) {
		const struct lt_ttrans *x = &t->trans[r];

		fputs("<tr><td>", out);
		html_esc(out, x->event);
		fprintf(out, "</td><td class=\"n\">%u</td><td class=\"n\">%"
			PRIu64 "</td><td class=\"mono\">", x->depth, x->count);
		for (size_t f = 0; f < x->nstack && f < 3; f++) {
			if (f)
				fputs(" &larr; ", out);
			html_esc(out, x->stack[f]);
		}
		fputs("</td></tr>\n", out);
	}
	if (t->ntrans > 24)
		fprintf(out, "<tr class=\"off\"><td colspan=\"4\">%zu more "
			"in the JSON</td></tr>\n", t->ntrans - 24);
	fputs("</table></div>\n", out);
}

static void per_trace(FILE *out, const struct lt_trace *const *t, int n,
		      void (*fn)(FILE *, const struct lt_trace *, int, int), bool cols)
{
	if (cols && n == 2)
		fputs("<div class=\"cols\">\n", out);
	for (int i = 0; i < n; i++) {
		fn(out, t[i], n, i);
		if (!cols && i + 1 < n)
			fputs("<div style=\"height:12px\"></div>\n", out);
	}
	if (cols && n == 2)
		fputs("</div>\n", out);
}

void html_report_write(FILE *out, const struct lt_trace *const *t, int n)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	      "'none'; style-src 'unsafe-inline'\">\n<title>", out);
	fputs("lazytrace report: ", out);
	html_esc(out, t[0]->has_plan ? t[0]->kernel : t[0]->path);
	if (n == 2) {
		fputs(" vs ", out);
		html_esc(out, t[1]->has_plan ? t[1]->kernel : t[1]->path);
	}
	fprintf(out, "</title>\n<style>\n%s</style></head><body><main>\n", html_style);
	fputs("<header><h1>lazytrace report</h1><div class=\"sub\">", out);
	fputs(n == 2 ? "Lazy MMU sections, before and after: " :
	      "Lazy MMU sections traced by lazytrace: ", out);
	for (int i = 0; i < n; i++) {
		if (i)
			fputs(" vs ", out);
		html_elem(out, "span", "mono", t[i]->path);
	}
	fputs("</div></header>\n<h2>Trace</h2>\n", out);
	per_trace(out, t, n, overview, true);
	if (n == 2)
		comparison(out, t);
	fputs("<h2>Probe plan</h2>\n", out);
	per_trace(out, t, n, plan, true);
	fputs("<h2>Histograms</h2>\n<p class=\"note\">log2 buckets as lazytrace "
	      "records them; each bar is labelled with its count, merged over "
	      "every comm.</p>\n", out);
	if (n == 1)
		fputs("<div class=\"cols\">\n", out);
	for (size_t c = 0; c < sizeof(charts) / sizeof(charts[0]); c++) {
		chart(out, t, n, c);
		if (n == 2)
			fputs("<div style=\"height:12px\"></div>\n", out);
	}
	if (n == 1)
		fputs("</div>\n", out);
	if (t[0]->ntrans || (n == 2 && t[1]->ntrans)) {
		fputs("<h2>Section boundaries (watchpoints)</h2>\n", out);
		per_trace(out, t, n, boundaries, true);
	}
	fputs("<h2>Findings</h2>\n", out);
	per_trace(out, t, n, html_findings, false);
	fputs("<h2>Top comms</h2>\n", out);
	per_trace(out, t, n, html_comms, true);
	fputs("<footer>Written by <code>lazytrace report</code> from the JSON "
	      "Lines of <code>lazytrace -j</code> (docs/JSON.md, docs/REPORT.md). "
	      "Self-contained: no scripts, no external resources.</footer>\n"
	      "</main></body></html>\n", out);
}
