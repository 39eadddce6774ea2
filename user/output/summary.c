// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include "dedup.h"
#include "json_keys.h"
#include "plan_json.h"
#include "stack_cache.h"
#include "maps_read.h"
#include "summary.h"
#include "watch.h"
#include "symbolize.h"

int summary_failed(const struct lt_config *cfg, const struct lt_summary *sum)
{
	for (int k = 0; k < LT_K_MAX; k++) {
		unsigned long long bad = sum->kind_sev[k][LT_SEV_WARNING] +
					 sum->kind_sev[k][LT_SEV_ERROR];

		if (bad && (cfg->fail_on & (LT_FAIL_ANY | (1u << k))))
			return 1;
	}
	return 0;
}

/* The frames of a stack id as symbol strings, tracer frames skipped. */
static json_object *stack_json(struct lt_session *s,
			       const struct lt_summary *sum, int id)
{
	json_object *st = json_object_new_array();
	const __u64 *frames;
	size_t n = maps__summary_frames(sum, id, &frames);
	char buf[256];

	for (size_t j = stack_first_frame(s->ks, frames, n); j < n; j++)
		json_object_array_add(st, json_object_new_string(
			ksyms_format(s->ks, frames[j], buf, sizeof(buf))));
	return st;
}

/* One record per (kind, stack), merged from the exact groups. */
static json_object *dedup_json(struct lt_session *s, const struct lt_summary *sum)
{
	json_object *a = json_object_new_array();
	struct lt_dedup_rec *r;
	long n = dedup_groups(sum->groups, sum->ngroups, &r);

	for (long i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, LT_JK_KIND, json_object_new_string(kind_name(r[i].kind)));
		json_object_object_add(o, LT_JK_SEVERITY, json_object_new_string(
			severity_name(r[i].severity)));
		json_object_object_add(o, "stack_id", json_object_new_int(r[i].stack_id));
		json_object_object_add(o, LT_JK_COUNT, json_object_new_uint64(r[i].count));
		json_object_object_add(o, LT_JK_FIRST_NS, json_object_new_uint64(r[i].first_ns));
		json_object_object_add(o, LT_JK_LAST_NS, json_object_new_uint64(r[i].last_ns));
		json_object_object_add(o, LT_JK_STACK, stack_json(s, sum, r[i].stack_id));
		json_object_array_add(a, o);
	}
	free(r);
	return a;
}

static json_object *comms_json(const struct lt_summary *sum)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < sum->ncomms && i < LT_SUMMARY_COMMS; i++) {
		const struct lt_comm_row *c = &sum->comms[i];
		json_object *r = json_object_new_object();

		if (c->key.kind >= LT_K_MAX || c->key.severity > LT_SEV_ERROR) {
			json_object_put(r);
			continue;
		}
		json_object_object_add(r, LT_JK_COMM, json_object_new_string_len(
			c->key.comm, strnlen(c->key.comm, LT_COMM_LEN)));
		json_object_object_add(r, LT_JK_KIND, json_object_new_string(
			kind_name(c->key.kind)));
		json_object_object_add(r, LT_JK_SEVERITY, json_object_new_string(
			severity_name(c->key.severity)));
		json_object_object_add(r, LT_JK_COUNT, json_object_new_uint64(c->count));
		json_object_array_add(a, r);
	}
	return a;
}

/* Skipped runs of each attached event's program. */
static json_object *misses_json(struct lt_session *s,
				const struct lt_summary *sum)
{
	json_object *o = json_object_new_object();

	for (int e = 0; e < LT_EV_MAX; e++)
		if (s->plan.ev[e].method != LT_M_NONE)
			json_object_object_add(o, event_name(e),
				json_object_new_uint64(sum->ev_misses[e]));
	return o;
}

/* Per kind: how many findings the skipped runs may have cost. */
static json_object *may_lack_json(const struct lt_summary *sum)
{
	json_object *o = json_object_new_object();

	for (int k = 0; k < LT_K_MAX; k++)
		json_object_object_add(o, kind_name(k),
				       json_object_new_uint64(sum->may_miss[k]));
	return o;
}

/* Real boundaries (after the filters), the leave/enter pairs that were
 * not boundaries, and what the 7.x arch flush hook was called for
 * (handlers.bpf.h inner_pair, on_arch_flush). */
static json_object *boundaries_json(const struct lt_summary *sum)
{
	static const struct { const char *name; enum lt_stat st; } rows[] = {
		{ "switch_pairs", LT_ST_SWITCH_PAIRS },
		{ "flush_pairs", LT_ST_FLUSH_PAIRS },
		{ "flush_closing", LT_ST_FLUSH_LEAVE },
		{ "flush_nested", LT_ST_FLUSH_NESTED },
		{ "flush_paused", LT_ST_FLUSH_PAUSED },
		{ "parked_full", LT_ST_PARKED_FULL },
		{ "enters", LT_ST_BOUND_ENTER },
		{ "leaves", LT_ST_BOUND_LEAVE },
		{ "unseen_starts", LT_ST_UNSEEN_START },
		{ "rtlock_waits", LT_ST_RTLOCK_WAIT },
	};
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		json_object_object_add(o, rows[i].name, json_object_new_uint64(
			sum->stats[rows[i].st]));
	return o;
}

/* --boundaries watch: the threads, the traps, and every transition by
 * (event, depth after it, stack of the code that wrote the counter). */
static json_object *watch_json(struct lt_session *s,
			       const struct lt_summary *sum)
{
	static const struct { const char *name; enum lt_stat st; } rows[] = {
		{ "pauses", LT_ST_BOUND_PAUSE },
		{ "resumes", LT_ST_BOUND_RESUME },
		{ "traps", LT_ST_WATCH_TRAPS },
		{ "resyncs", LT_ST_WATCH_RESYNC },
		{ "undecoded", LT_ST_WATCH_UNDECODED },
		{ "unwraps", LT_ST_WATCH_UNWRAP },
		{ "repeats", LT_ST_WATCH_REPEAT },
		{ "threads_seeded", LT_ST_WATCH_THREADS },
	};
	const struct lt_watch_stats *ws = watch__stats(s);
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		json_object_object_add(o, rows[i].name, json_object_new_uint64(
			sum->stats[rows[i].st]));
	json_object_object_add(o, "threads_watched",
			       json_object_new_uint64(ws->watched));
	json_object_object_add(o, "threads_failed",
			       json_object_new_uint64(ws->failed));
	json_object_object_add(o, "threads_exited",
			       json_object_new_uint64(ws->exited));
	for (size_t i = 0; i < sum->nbounds; i++) {
		const struct lt_bound_row *b = &sum->bounds[i];
		json_object *r = json_object_new_object();

		json_object_object_add(r, LT_JK_EVENT, json_object_new_string(
			event_name(b->key.event)));
		json_object_object_add(r, LT_JK_DEPTH, json_object_new_int(
			b->key.depth));
		json_object_object_add(r, LT_JK_COUNT, json_object_new_uint64(
			b->count));
		json_object_object_add(r, LT_JK_STACK, stack_json(s, sum,
			b->key.stack_id));
		json_object_array_add(a, r);
	}
	json_object_object_add(o, LT_JK_TRANSITIONS, a);
	return o;
}

static void print_json(struct lt_session *s, const struct lt_summary *sum)
{
	json_object *o = json_object_new_object(), *f = json_object_new_object();
	json_object *ev = json_object_new_object(), *g = json_object_new_array();

	for (int k = 0; k < LT_K_MAX; k++)
		json_object_object_add(f, kind_name(k), json_object_new_uint64(sum->kind[k]));
	for (int e = 0; e < LT_EV_MAX; e++)
		json_object_object_add(ev, event_name(e),
				       json_object_new_uint64(sum->stats[e]));
	for (size_t i = 0; i < sum->ngroups; i++) {
		const struct lt_group *gr = &sum->groups[i];
		json_object *r = json_object_new_object();

		json_object_object_add(r, LT_JK_KIND, json_object_new_string(kind_name(gr->key.kind)));
		json_object_object_add(r, LT_JK_SEVERITY, json_object_new_string(
			severity_name(gr->key.severity)));
		json_object_object_add(r, LT_JK_EVENT, json_object_new_string(
			event_name(gr->key.event)));
		json_object_object_add(r, LT_JK_COUNT, json_object_new_uint64(gr->val.count));
		json_object_object_add(r, LT_JK_FIRST_NS, json_object_new_uint64(gr->val.first_ns));
		json_object_object_add(r, LT_JK_LAST_NS, json_object_new_uint64(gr->val.last_ns));
		json_object_object_add(r, LT_JK_STACK, stack_json(s, sum, gr->key.stack_id));
		json_object_array_add(g, r);
	}
	json_object_object_add(o, LT_JK_TYPE, json_object_new_string(LT_JT_SUMMARY));
	plan_json_fields(s, o);
	json_object_object_add(o, LT_JK_FINDINGS, f);
	json_object_object_add(o, LT_JK_GROUPS, g);
	json_object_object_add(o, "dedup", dedup_json(s, sum));
	json_object_object_add(o, "comms", comms_json(sum));
	json_object_object_add(o, LT_JK_STREAMED, json_object_new_uint64(s->streamed));
	json_object_object_add(o, "rate_limited", json_object_new_uint64(s->rate_limited));
	json_object_object_add(o, "deduplicated", json_object_new_uint64(s->deduplicated));
	json_object_object_add(o, LT_JK_DROPPED, json_object_new_uint64(sum->stats[LT_ST_RB_DROPS]));
	json_object_object_add(o, "info_held",
			       json_object_new_uint64(sum->stats[LT_ST_INFO_HELD]));
	json_object_object_add(o, LT_JK_AGGREGATION_FULL,
			       json_object_new_uint64(sum->stats[LT_ST_AGG_FULL]));
	json_object_object_add(o, "hist_full",
			       json_object_new_uint64(sum->stats[LT_ST_HIST_FULL]));
	json_object_object_add(o, LT_JK_STACKS_LOST,
			       json_object_new_uint64(sum->stats[LT_ST_STACK_LOST]));
	json_object_object_add(o, "prog_misses",
			       json_object_new_uint64(sum->prog_misses));
	json_object_object_add(o, "misses_by_event", misses_json(s, sum));
	json_object_object_add(o, "may_lack", may_lack_json(sum));
	json_object_object_add(o, "boundaries", boundaries_json(sum));
	if (s->watch)
		json_object_object_add(o, LT_JK_WATCH, watch_json(s, sum));
	if (sum->nprogs) {
		json_object *pc = json_object_new_array();

		for (size_t i = 0; i < sum->nprogs; i++) {
			json_object *r = json_object_new_object();

			json_object_object_add(r, "program", json_object_new_string(
				sum->progs[i].name));
			json_object_object_add(r, "runs", json_object_new_uint64(
				sum->progs[i].runs));
			json_object_object_add(r, "run_ns", json_object_new_uint64(
				sum->progs[i].run_ns));
			json_object_array_add(pc, r);
		}
		json_object_object_add(o, "program_costs", pc);
	}
	json_object_object_add(o, LT_JK_IRQ_SKIPPED,
			       json_object_new_uint64(sum->stats[LT_ST_IRQ_SKIPPED]));
	json_object_object_add(o, LT_JK_GATHERS_FULLMM,
			       json_object_new_uint64(sum->stats[LT_ST_GATHER_FULLMM]));
	json_object_object_add(o, LT_JK_GATHERS_RANGED,
			       json_object_new_uint64(sum->stats[LT_ST_GATHER_PARTIAL]));
	/* Per-task state (lt_tasks): created, and still held at the end. */
	json_object_object_add(o, "task_states",
			       json_object_new_uint64(sum->stats[LT_ST_TASKS_NEW]));
	json_object_object_add(o, "task_states_live", json_object_new_uint64(
		sum->stats[LT_ST_TASKS_NEW] - sum->stats[LT_ST_TASKS_GONE]));
	json_object_object_add(o, LT_JK_EVENTS, ev);
	json_object_object_add(o, LT_JK_PROBES, plan_probes_json(s));
	fprintf(s->out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* Never silent: which events' programs the kernel skipped, and which
 * counts may be low by how much. */
static void print_misses(struct lt_session *s, const struct lt_summary *sum)
{
	int n = 0;

	for (int e = 0; e < LT_EV_MAX; e++) {
		if (!sum->ev_misses[e])
			continue;
		fprintf(s->out, "%s%s %llu", n++ ? ", " :
			"Program runs the kernel skipped (already running on\n  the CPU: preempted or re-entered): ",
			event_name(e), sum->ev_misses[e]);
	}
	if (!n)
		return;
	fprintf(s->out, "\n  so these counts may be low by up to:\n");
	for (int k = 0; k < LT_K_MAX; k++)
		if (sum->may_miss[k])
			fprintf(s->out, "    %-20s %llu\n", kind_name(k),
				sum->may_miss[k]);
	if (sum->ev_misses[LT_EV_ENTER] || sum->ev_misses[LT_EV_LEAVE])
		fprintf(s->out, "  and a skipped boundary moves the tracked "
			"depth: later depth\n  findings may be false "
			"(--mode kprobe skips far fewer runs)\n");
}

/* One place that opened sections: a depth and frame 0 of the writer. */
struct opener {
	unsigned int depth;
	__u64 pc;
	unsigned long long count;
};

static int opener_cmp(const void *a, const void *b)
{
	const struct opener *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->depth < y->depth ? -1 : x->depth > y->depth;
}

/* The code that opened sections, merged by depth and frame 0 (the JSON
 * has every transition with its whole stack). */
static void print_watch(struct lt_session *s, const struct lt_summary *sum)
{
	const struct lt_watch_stats *ws = watch__stats(s);
	struct opener *o = calloc(sum->nbounds + 1, sizeof(*o));
	size_t n = 0;

	fprintf(s->out, "Sections (watch, %llu threads): %llu enters, "
		"%llu leaves,\n  %llu pauses, %llu resumes; %llu traps",
		ws->watched, sum->stats[LT_ST_BOUND_ENTER],
		sum->stats[LT_ST_BOUND_LEAVE], sum->stats[LT_ST_BOUND_PAUSE],
		sum->stats[LT_ST_BOUND_RESUME], sum->stats[LT_ST_WATCH_TRAPS]);
	if (sum->stats[LT_ST_WATCH_REPEAT])
		fprintf(s->out, " (%llu reported twice)",
			sum->stats[LT_ST_WATCH_REPEAT]);
	if (sum->stats[LT_ST_WATCH_RESYNC] || sum->stats[LT_ST_WATCH_UNDECODED])
		fprintf(s->out, ", %llu missed or undecoded",
			sum->stats[LT_ST_WATCH_RESYNC] +
			sum->stats[LT_ST_WATCH_UNDECODED]);
	fputc('\n', s->out);
	if (ws->failed)
		fprintf(s->out, "  %llu threads not watched (tid %u: %s)\n",
			ws->failed, ws->last_tid, strerror(ws->last_err));
	for (size_t i = 0; o && i < sum->nbounds; i++) {
		const struct lt_bound_row *b = &sum->bounds[i];
		const __u64 *frames;
		__u64 pc = maps__summary_frames(sum, b->key.stack_id, &frames) ?
			   frames[0] : 0;
		size_t j;

		if (b->key.event != LT_EV_ENTER)
			continue;
		for (j = 0; j < n; j++)
			if (o[j].depth == b->key.depth && o[j].pc == pc)
				break;
		if (j == n)
			o[n++] = (struct opener){ b->key.depth, pc, 0 };
		o[j].count += b->count;
	}
	if (n)
		qsort(o, n, sizeof(*o), opener_cmp);
	for (size_t i = 0; i < n && i < 8; i++) {
		char buf[64];

		fprintf(s->out, "%s%8llu at depth %u in %.40s\n",
			i ? "" : "  opened by:\n", o[i].count, o[i].depth,
			o[i].pc ? ksyms_format(s->ks, o[i].pc, buf, sizeof(buf)) :
			"(no stack)");
	}
	free(o);
}

static void print_text(struct lt_session *s, const struct lt_summary *sum)
{
	size_t shown = 0;

	fprintf(s->out, "\nFindings (rules %s, state %s):\n",
		lt_rulesets[s->rules].name, state_src_name(s->sp.primary));
	for (int k = 0; k < LT_K_MAX; k++)
		if (sum->kind[k])
			fprintf(s->out, "  %-20s %llu\n", kind_name(k), sum->kind[k]);
	for (size_t i = 0; i < sum->ngroups && shown < 5; i++, shown++) {
		const struct lt_group *gr = &sum->groups[i];
		const struct lt_stack_fmt *f =
			stack_cache_get(s, gr->key.stack_id);

		fprintf(s->out, "\n  %llu x %s (%s) at %s, over %.3f s\n",
			gr->val.count, kind_name(gr->key.kind),
			severity_name(gr->key.severity), event_name(gr->key.event),
			(gr->val.last_ns - gr->val.first_ns) / 1e9);
		if (f && f->text)
			fputs(f->text, s->out);
	}
	fprintf(s->out, "\nEvents:");
	/* three a line, counting the attached ones only */
	for (int e = 0, n = 0; e < LT_EV_MAX; e++)
		if (s->plan.ev[e].method != LT_M_NONE)
			fprintf(s->out, "%s%s %llu", n++ % 3 ? ", " : "\n  ",
				event_name(e), sum->stats[e]);
	fprintf(s->out, "\nGathers: %llu fullmm, %llu ranged\n",
		sum->stats[LT_ST_GATHER_FULLMM], sum->stats[LT_ST_GATHER_PARTIAL]);
	fprintf(s->out, "Streamed %llu, dropped %llu, aggregation full %llu, "
		"stacks lost %llu\n", s->streamed, sum->stats[LT_ST_RB_DROPS],
		sum->stats[LT_ST_AGG_FULL], sum->stats[LT_ST_STACK_LOST]);
	if (s->rate_limited || s->deduplicated)
		fprintf(s->out, "Not printed: %llu rate-limited, %llu repeats\n",
			s->rate_limited, s->deduplicated);
	if (sum->stats[LT_ST_HIST_FULL])
		fprintf(s->out, "Histogram samples lost, map full: %llu\n",
			sum->stats[LT_ST_HIST_FULL]);
	print_misses(s, sum);
	if (sum->stats[LT_ST_SWITCH_PAIRS] || sum->stats[LT_ST_FLUSH_PAIRS])
		fprintf(s->out, "Not boundaries: %llu context-switch and %llu "
			"flush leave/enter pairs\n",
			sum->stats[LT_ST_SWITCH_PAIRS],
			sum->stats[LT_ST_FLUSH_PAIRS]);
	if (s->watch)
		print_watch(s, sum);
	if (sum->stats[LT_ST_RTLOCK_WAIT])
		fprintf(s->out, "Not sleeps: %llu PREEMPT_RT lock waits in "
			"sections\n", sum->stats[LT_ST_RTLOCK_WAIT]);
	if (sum->stats[LT_ST_INFO_HELD])
		fprintf(s->out, "Legal (info) findings counted, not printed: "
			"%llu\n  (--info first: one per stack)\n",
			sum->stats[LT_ST_INFO_HELD]);
}

void summary_print(struct lt_session *s, const struct lt_summary *sum)
{
	if (s->cfg.json)
		print_json(s, sum);
	else
		print_text(s, sum);
}
