// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "floor.h"
#include "plan_print.h"

static void feature(FILE *out, const char *name, bool ok, const char *why)
{
	if (ok)
		fprintf(out, "  %-8s yes\n", name);
	else
		fprintf(out, "  %-8s no: %.60s\n", name, why);
}

/* Reason lines, indented under the event and cut to 80 columns. */
static void reasons(FILE *out, const char *why)
{
	const char *p = why;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(out, "    %.*s\n", len > 74 ? 74 : len, p);
		p += len + (nl ? 1 : 0);
	}
}

static void events(struct lt_session *s, FILE *out)
{
	fprintf(out, "\n%-19s %-7s %s\n", "EVENT", "METHOD", "SYMBOL");
	for (int e = 0; e < LT_EV_MAX; e++) {
		const struct lt_choice *ch = &s->plan.ev[e];

		if (ch->method == LT_M_NONE) {
			fprintf(out, "%-19s %-7s %s\n", event_name(e), "-",
				"not observed:");
			reasons(out, ch->why);
			continue;
		}
		fprintf(out, "%-19s %-7s %s", event_name(e),
			method_name(ch->method), ch->cand->symbol);
		if (ch->ncopies > 1)
			fprintf(out, " (%u copies)", ch->ncopies);
		fputc('\n', out);
		if (s->cfg.verbose)
			reasons(out, ch->why);
	}
}

/* --boundaries watch: what it covers, its limits and its cost. */
static void watch(struct lt_session *s, FILE *out)
{
	if (s->plan.ev[LT_EV_ENTER].method != LT_M_WATCH)
		return;
	fprintf(out, "\nboundaries: a write watchpoint on the counters of each "
		"thread of pid %d\n", s->cfg.pid);
	if (s->feat.watch_per_cpu)
		fprintf(out, "  arm64 has kernel watchpoints per CPU only "
			"(hw_breakpoint.c:578):\n  one per thread on each "
			"CPU, so as many threads as free watchpoint\n"
			"  registers (2 to 16 by CPU model)\n");
	else
		fprintf(out, "  per thread, in the debug registers only while "
			"it runs: any number\n  of threads\n");
	fprintf(out, "  cost: a debug exception and a program run per write, "
		"two a section\n  (docs/PERFORMANCE.md, section 4)\n"
		"  threads created later: watched once the loader has the "
		"fork record\n  (-v says when); writes before that count as "
		"resyncs\n"
		"  not seen: an enable or disable while paused (it writes "
		"nothing)\n"
		"  a helper process keeps the capabilities to open them "
		"(perf_event_open)\n");
}

static void state(struct lt_session *s, FILE *out)
{
	const struct lt_state_plan *sp = &s->sp;

	fprintf(out, "\nlazy state: %s", state_src_name(sp->primary));
	if (sp->secondary != LT_SRC_NONE)
		fprintf(out, ", cross-checked with %s",
			state_src_name(sp->secondary));
	fputc('\n', out);
	for (int i = 0; i < sp->nnotes; i++)
		fprintf(out, "  %.76s\n", sp->notes[i]);
	fprintf(out, "rules: %s%s\n", lt_rulesets[s->rules].name,
		s->cfg.rules < 0 ? " (default for this kernel)" : "");
}

static void lost(struct lt_session *s, FILE *out)
{
	int any = 0;

	fprintf(out, "\nnot observed on this kernel:\n");
	if (s->sp.lost[0]) {
		const char *p = s->sp.lost;

		/* wrap the long sentence at spaces, 74 columns a line */
		while (*p) {
			int len = strlen(p) > 74 ? 74 : (int)strlen(p);

			while (len < (int)strlen(p) && len > 0 && p[len] != ' ')
				len--;
			fprintf(out, "  %.*s\n", len, p);
			p += len;
			while (*p == ' ')
				p++;
		}
		any = 1;
	}
	for (int e = 0; e < LT_EV_MAX; e++) {
		if (s->plan.ev[e].method != LT_M_NONE)
			continue;
		fprintf(out, "  %s: %.55s\n", event_name(e),
			lt_catalog[e].lost);
		any = 1;
	}
	if (!any)
		fprintf(out, "  nothing\n");
}

void plan_print(struct lt_session *s, FILE *out)
{
	fprintf(out, "lazytrace plan for %.50s (%s)\n", s->ki.release,
		s->ki.machine);
	fprintf(out, "features (trial load and attach):\n");
	feature(out, "fentry", s->feat.fentry, s->feat.fentry_why);
	feature(out, "kprobe", s->feat.kprobe, s->feat.kprobe_why);
	feature(out, "raw_tp", s->feat.raw_tp, s->feat.raw_tp_why);
	/* BPF links need no tracefs; only these two extras come from it,
	 * so say where each came from (tests/host/run.sh "no tracefs"). */
	if (!s->cfg.uprobe_target) {
		if (!s->filters)
			fprintf(out, "tracefs: no available_filter_functions "
				"(not mounted or not readable):\n"
				"  notrace functions not excluded\n");
		fprintf(out, "GFP names: %s\n", s->gfp_from_format ?
			"tracefs mm_page_alloc format" : s->gfp.n ?
			"kernel BTF ___GFP_*_BIT (no tracefs format)" :
			"none, hex only");
	}
	fprintf(out, "preemption: %s (%.47s)\n", s->ki.preempt,
		s->ki.preempt_from);
	if (s->feat.preemptible && s->cfg.mode == LT_MODE_AUTO)
		fprintf(out, "  kprobes first: a preempted fentry program "
			"makes the kernel skip\n  its other runs on that "
			"CPU, a kprobe program runs unpreempted\n");
	if (s->feat.alloc_at_insert)
		fprintf(out, "per-CPU maps: entries allocated as they appear\n");
	else
		fprintf(out, "per-CPU maps: preallocated, ~1.8 MB a CPU (%s)\n",
			s->feat.prealloc_why);
	if (s->cfg.bench_floor)
		fprintf(out, "bench floor (--bench-floor %s): %s,\n"
			"  each program returns at once: nothing is traced\n",
			floor_name(s->cfg.bench_floor),
			s->cfg.bench_floor == LT_FLOOR_ALL ? "the plan's probes"
			: "the page allocator's probe alone");
	events(s, out);
	watch(s, out);
	state(s, out);
	lost(s, out);
}
