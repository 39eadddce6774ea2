// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "json_keys.h"
#include "lazytrace.h"
#include "comm.h"
#include "hist.h"
#include "live.h"
#include "names.h"
#include "stack_cache.h"

/* "key": in a hand-written format string, the key from json_keys.h */
#define K(key)	"\"" key "\":"

/* Every flag of a full table decoded: 256 bytes cut real ones short. */
#define LT_GFP_TEXT	1024

static const char *probe_name(struct lt_session *s, const struct lt_finding *f)
{
	const char *n = plan_slot_name(&s->plan, f->slot, NULL);

	return n ? n : event_name(f->event);
}

/* The other source's view, packed by cross_check() in handlers.bpf.h. */
static void mismatch_detail(unsigned long long d, unsigned int *src,
			    unsigned int *depth, unsigned int *pause)
{
	*src = d >> 32;
	*pause = (d >> 16) & 0xffff;
	*depth = d & 0xffff;
}

/* A string from outside (a comm, gfp names from the kernel's format
 * file) as a JSON literal, escaped by json-c. */
static const char *jstr(const char *v, char *buf, size_t len)
{
	json_object *o = json_object_new_string(v);

	snprintf(buf, len, "%s",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return buf;
}

/*
 * One line per finding, written directly: building a json-c object of
 * twenty members per record was four fifths of the loader's work per
 * finding (docs/PERFORMANCE.md). The names from our own tables are plain
 * identifiers; everything else goes through json-c's escaping, and the
 * stack was serialized by json-c once per stack id.
 */
static void finding_json(struct lt_session *s, const struct lt_finding *f,
			 const struct lt_stack_fmt *sf)
{
	char gfp[LT_GFP_TEXT], comm[LT_COMM_LEN], esc[2 * LT_GFP_TEXT];
	FILE *o = s->out;

	fprintf(o, "{" K(LT_JK_TYPE) "\"" LT_JT_FINDING "\","
		K(LT_JK_KIND) "\"%s\"," K(LT_JK_SEVERITY) "\"%s\","
		K(LT_JK_RULES) "\"%s\"," K(LT_JK_TS_NS) "%llu,"
		"\"pid\":%d,\"tid\":%d,",
		kind_name(f->kind), severity_name(f->severity),
		lt_rulesets[s->rules].name, f->ts_ns, (int)f->pid,
		(int)f->tid);
	fprintf(o, K(LT_JK_COMM) "%s,\"cpu\":%d," K(LT_JK_DEPTH) "%d,"
		"\"pause\":%d," K(LT_JK_CGROUP_ID) "%llu,"
		K(LT_JK_EVENT) "\"%s\",\"probe\":\"%s\"",
		jstr(comm_clean(f->comm, comm, true), esc, sizeof(esc)),
		(int)f->cpu, (int)f->depth, (int)f->pause, f->cgroup_id,
		event_name(f->event), probe_name(s, f));
	if (f->kind == LT_K_ALLOC_IN_LAZY) {
		fprintf(o, ",\"order\":%d,\"gfp\":%llu,\"gfp_flags\":%s,%s",
			(int)f->order, f->gfp,
			jstr(gfp_decode(&s->gfp, f->gfp, gfp, sizeof(gfp)), esc,
			     sizeof(esc)),
			sf->json_alloc ? sf->json_alloc :
			"\"allocator\":\"\",\"caller\":\"\"");
	}
	if (f->kind == LT_K_FLUSH_IN_LAZY)
		fprintf(o, ",\"pages\":%llu", f->pages);
	if (f->kind == LT_K_STATE_MISMATCH) {
		unsigned int src, depth, pause;

		mismatch_detail(f->detail, &src, &depth, &pause);
		fprintf(o, ",\"other_source\":\"%s\",\"other_depth\":%d,"
			"\"other_pause\":%d", state_src_name(src), (int)depth,
			(int)pause);
	}
	if (f->kind == LT_K_SLEEP_IN_LAZY)
		fprintf(o, ",\"task_state\":%llu", f->detail);
	if (f->kind == LT_K_UNBALANCED_DISABLE)	/* handlers.bpf.h */
		fprintf(o, ",\"counter\":\"%s\"", f->detail ? "pause_count" :
			"enable_count");
	fprintf(o, ",\"stack_frames\":%zu," K(LT_JK_STACK) "%s}\n", sf->frames,
		sf->json ? sf->json : "[]");
}

/*
 * prefix, then text broken after '|' or ' ' so that no line reaches 80
 * columns; continuation lines are indented. A real allocation's decoded
 * gfp (GFP_KERNEL_ACCOUNT | __GFP_ZERO | ...) is longer than one line
 * (fuzz/corpus/finding/crash-gfp-past-80-columns).
 */
static void put_wrapped(FILE *out, const char *prefix, const char *text)
{
	size_t col = strlen(prefix);

	fputs(prefix, out);
	while (*text) {
		size_t n = strcspn(text, "| ");

		n += text[n] != '\0';	/* the separator stays on its line */
		if (col + n > 79 && col > 4) {
			fputs("\n    ", out);
			col = 4;
		}
		fwrite(text, 1, n, out);
		col += n;
		text += n;
	}
	fputc('\n', out);
}

static void finding_text(struct lt_session *s, const struct lt_finding *f,
			 const struct lt_stack_fmt *sf)
{
	char tbuf[24], buf[256], gfp[LT_GFP_TEXT], comm[LT_COMM_LEN];
	time_t now = time(NULL);

	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&now));
	/* two short lines keep the worst case (long comm, 7-digit pids)
	 * under 80 columns */
	fprintf(s->out, "%s %-7s %-19s %s %u/%u\n", tbuf,
		severity_name(f->severity), kind_name(f->kind),
		comm_clean(f->comm, comm, false), f->pid, f->tid);
	fprintf(s->out, "  cpu %u depth %u pause %u\n", f->cpu, f->depth,
		f->pause);
	switch (f->kind) {
	case LT_K_ALLOC_IN_LAZY:
		snprintf(tbuf, sizeof(tbuf), "  order %u gfp ", f->order);
		put_wrapped(s->out, tbuf,
			    gfp_decode(&s->gfp, f->gfp, gfp, sizeof(gfp)));
		if (sf->alloc[0]) {
			snprintf(buf, sizeof(buf), "%s <- %s", sf->alloc,
				 sf->caller[0] ? sf->caller : "?");
			put_wrapped(s->out, "  allocator ", buf);
		}
		break;
	case LT_K_FLUSH_IN_LAZY:
		if (f->pages == ~0ULL)
			fprintf(s->out, "  %s flushed all\n", probe_name(s, f));
		else
			fprintf(s->out, "  %s flushed %llu pages\n",
				probe_name(s, f), f->pages);
		break;
	case LT_K_STATE_MISMATCH: {
		unsigned int src, depth, pause;

		mismatch_detail(f->detail, &src, &depth, &pause);
		fprintf(s->out, "  %s says depth %u pause %u; %s disagrees\n",
			state_src_name(s->sp.primary), f->depth, f->pause,
			state_src_name(src));
		(void)depth;
		(void)pause;
		break;
	}
	case LT_K_SLEEP_IN_LAZY:
		fprintf(s->out, "  task state 0x%llx at %s\n", f->detail,
			probe_name(s, f));
		break;
	case LT_K_UNBALANCED_DISABLE:
		fprintf(s->out, "  %s at %s\n", f->detail ?
			"a resume without a pause" : "a disable with none open",
			probe_name(s, f));
		break;
	default:
		fprintf(s->out, "  at %s\n", probe_name(s, f));
	}
	if (sf->text)
		fputs(sf->text, s->out);
}

void live__finding(struct lt_session *s, const struct lt_finding *rec)
{
	struct lt_finding f = *rec;
	const struct lt_stack_fmt *sf = NULL;
	struct lt_stack_fmt own = { .id = -1 };

	/* The record is the kernel side's word: never read past stack[]
	 * on it (fuzz/corpus/finding/crash-*). */
	if (f.nstack > LT_MAX_STACK)
		f.nstack = LT_MAX_STACK;
	/* No frames inline: they are in the stack map under stack_id. */
	if (!f.nstack && s->cfg.stacks)
		sf = stack_cache_get(s, f.stack_id);
	if (!sf) {
		stack_fmt_build(s, f.stack, f.nstack, &own);
		sf = &own;
	}
	if (s->cfg.json)
		finding_json(s, &f, sf);
	else
		finding_text(s, &f, sf);
	stack_fmt_clear(&own);
}

/* ---- histograms ---- */

static int row_cmp(const void *a, const void *b)
{
	const struct hist_row *x = a, *y = b;
	uint64_t tx = hist_total(x->val.slots, LT_HIST_SLOTS);
	uint64_t ty = hist_total(y->val.slots, LT_HIST_SLOTS);

	if (x->key.hist != y->key.hist)
		return x->key.hist < y->key.hist ? -1 : 1;
	return tx < ty ? 1 : tx > ty ? -1 : strncmp(x->key.comm, y->key.comm,
						    LT_COMM_LEN);
}

static const char *hist_scope(struct lt_session *s, unsigned int id)
{
	if (id == LT_H_DEPTH)
		return "in_section";
	if (id == LT_H_ALLOC_ORDER)
		return s->sp.primary == LT_SRC_NONE ? "all" : "in_section";
	return "all";
}

static void hist_json(struct lt_session *s, const struct hist_row *r)
{
	json_object *o = json_object_new_object(), *b = json_object_new_array();
	unsigned int first, last;
	char comm[LT_COMM_LEN];

	comm_clean(r->key.comm, comm, true);
	json_object_object_add(o, LT_JK_TYPE, json_object_new_string(LT_JT_HISTOGRAM));
	json_object_object_add(o, LT_JK_NAME, json_object_new_string(hist_name(r->key.hist)));
	json_object_object_add(o, "unit", json_object_new_string(hist_unit(r->key.hist)));
	json_object_object_add(o, LT_JK_SCOPE, json_object_new_string(hist_scope(s, r->key.hist)));
	json_object_object_add(o, LT_JK_COMM, json_object_new_string(comm));
	if (s->cfg.by_cgroup)
		json_object_object_add(o, LT_JK_CGROUP_ID,
				       json_object_new_uint64(r->key.cgroup_id));
	json_object_object_add(o, LT_JK_TOTAL, json_object_new_uint64(
		hist_total(r->val.slots, LT_HIST_SLOTS)));
	/* exact, as the kernel added it up: Prometheus' sample sum */
	json_object_object_add(o, "sum", json_object_new_uint64(r->val.sum));
	if (hist_range(r->val.slots, LT_HIST_SLOTS, &first, &last)) {
		for (unsigned int i = first; i <= last; i++) {
			json_object *e = json_object_new_object();
			uint64_t lo, hi;

			hist_bounds(i, &lo, &hi);
			json_object_object_add(e, LT_JK_LOW, json_object_new_uint64(lo));
			json_object_object_add(e, LT_JK_HIGH, json_object_new_uint64(hi));
			json_object_object_add(e, LT_JK_COUNT,
					       json_object_new_uint64(r->val.slots[i]));
			json_object_array_add(b, e);
		}
	}
	json_object_object_add(o, LT_JK_BUCKETS, b);
	fprintf(s->out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* Text: one histogram per name over every comm; -v adds one per comm. */
static void hist_text(struct lt_session *s, const struct hist_row *rows,
		      size_t n)
{
	char comm[LT_COMM_LEN];

	for (unsigned int id = 0; id < LT_H_MAX; id++) {
		unsigned long long all[LT_HIST_SLOTS] = { 0 };
		size_t ncomm = 0;

		for (size_t i = 0; i < n; i++) {
			if (rows[i].key.hist != id)
				continue;
			hist_merge(all, rows[i].val.slots, LT_HIST_SLOTS);
			ncomm++;
		}
		if (!ncomm)
			continue;
		fprintf(s->out, "\n%s (%s, %s), %zu comm%s\n", hist_name(id),
			hist_unit(id), hist_scope(s, id), ncomm,
			ncomm == 1 ? "" : "s");
		hist_print(s->out, all, LT_HIST_SLOTS, hist_unit(id));
		for (size_t i = 0; s->cfg.verbose && i < n; i++) {
			if (rows[i].key.hist != id)
				continue;
			fprintf(s->out, "\n  comm %s\n",
				comm_clean(rows[i].key.comm, comm, false));
			hist_print(s->out, rows[i].val.slots, LT_HIST_SLOTS,
				   hist_unit(id));
		}
	}
}

void live__hists(struct lt_session *s, struct hist_row *rows, size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)	/* ids this build knows */
		if (rows[i].key.hist < LT_H_MAX)
			rows[kept++] = rows[i];
	if (kept)	/* no rows: rows is NULL, which qsort forbids */
		qsort(rows, kept, sizeof(*rows), row_cmp);
	if (s->cfg.json) {
		for (size_t i = 0; i < kept; i++)
			hist_json(s, &rows[i]);
	} else {
		hist_text(s, rows, kept);
	}
}
