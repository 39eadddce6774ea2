// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "json_keys.h"
#include "trace_json.h"
#include "trace_summary.h"

static int load_kvs(struct loader *l, json_object *o, const char *key,
		    struct lt_kv **out, size_t *n)
{
	bool ok = true;
	json_object *m = tj_field(l, o, key, json_type_object, &ok);

	if (!m)
		return -1;
	json_object_object_foreach(m, k, v) {
		if (!json_object_is_type(v, json_type_int))
			return tj_bad(l, "\"%s.%s\" is not a number", key, k);
		*out = tj_grow(*out, *n, sizeof(**out));
		(*out)[*n].name = tj_strdup(k);
		(*out)[(*n)++].v = json_object_get_uint64(v);
	}
	return 0;
}

/* What the plan record and the summary both carry. */
static void free_header(struct lt_trace *t)
{
	free(t->kernel);
	free(t->rules);
	free(t->state_source);
	free(t->state_crosscheck);
	for (size_t i = 0; i < t->nprobes; i++) {
		free(t->probes[i].event);
		free(t->probes[i].method);
		free(t->probes[i].symbol);
	}
	free(t->probes);
	t->kernel = t->rules = t->state_source = t->state_crosscheck = NULL;
	t->probes = NULL;
	t->nprobes = 0;
}

void tsum_free(struct lt_trace *t)
{
	free_header(t);
	for (size_t i = 0; i < t->nkinds; i++)
		free(t->kinds[i].name);
	for (size_t i = 0; i < t->nevents; i++)
		free(t->events[i].name);
	free(t->kinds);
	free(t->events);
	t->kinds = t->events = NULL;
	t->nkinds = t->nevents = 0;
	for (size_t i = 0; i < t->ntrans; i++) {
		free(t->trans[i].event);
		tj_free_stack(t->trans[i].stack, t->trans[i].nstack);
	}
	free(t->trans);
	t->trans = NULL;
	t->ntrans = 0;
}

/* --boundaries watch: summary.watch.transitions, when there is one. */
static int load_watch(struct loader *l, json_object *o)
{
	struct lt_trace *t = l->t;
	json_object *w, *a;
	bool ok = true;

	if (!json_object_object_get_ex(o, LT_JK_WATCH, &w))
		return 0;
	a = tj_field(l, w, LT_JK_TRANSITIONS, json_type_array, &ok);
	for (size_t i = 0; ok && i < json_object_array_length(a); i++) {
		json_object *r = tj_obj_at(l, a, i, "transition");
		struct lt_ttrans *d;

		if (!r)
			return -1;
		t->trans = tj_grow(t->trans, t->ntrans, sizeof(*t->trans));
		d = &t->trans[t->ntrans++];
		memset(d, 0, sizeof(*d));
		d->event = tj_strdup(tj_str(l, r, LT_JK_EVENT, &ok));
		d->depth = (unsigned int)tj_u64(l, r, LT_JK_DEPTH, &ok);
		d->count = tj_u64(l, r, LT_JK_COUNT, &ok);
		if (ok && tj_read_stack(l, r, &d->stack, &d->nstack))
			return -1;
	}
	return ok ? 0 : -1;
}

/* Kernel, rules, state sources and probes, from a plan or summary record. */
static int load_header(struct loader *l, json_object *o)
{
	struct lt_trace *t = l->t;
	bool ok = true;
	json_object *probes = tj_field(l, o, LT_JK_PROBES, json_type_array, &ok);

	if (!ok)
		return -1;
	free_header(t);
	t->has_plan = true;
	t->kernel = tj_strdup(tj_str(l, o, LT_JK_KERNEL, &ok));
	t->rules = tj_strdup(tj_opt_str(o, LT_JK_RULES));
	t->state_source = tj_strdup(tj_str(l, o, LT_JK_STATE_SOURCE, &ok));
	t->state_crosscheck = tj_strdup(tj_opt_str(o, LT_JK_STATE_CROSSCHECK));
	for (size_t i = 0; ok && i < json_object_array_length(probes); i++) {
		json_object *p = tj_obj_at(l, probes, i, "probe"), *c;
		struct lt_tprobe *tp;

		if (!p)
			return -1;
		t->probes = tj_grow(t->probes, t->nprobes, sizeof(*t->probes));
		tp = &t->probes[t->nprobes++];
		tp->event = tj_strdup(tj_str(l, p, LT_JK_EVENT, &ok));
		tp->method = tj_strdup(tj_str(l, p, LT_JK_METHOD, &ok));
		tp->symbol = tj_strdup(tj_opt_str(p, LT_JK_SYMBOL));
		if (json_object_object_get_ex(p, LT_JK_COPIES, &c))
			tp->copies = json_object_get_int(c);
	}
	return ok ? 0 : -1;
}

/* The plan record comes first; the summary's copy of it wins. */
int tsum_load_plan(struct loader *l, json_object *o)
{
	return l->t->has_summary ? 0 : load_header(l, o);
}


int tsum_load(struct loader *l, json_object *o, struct sgroup_list *sg)
{
	struct lt_trace *t = l->t;
	bool ok = true;
	json_object *groups = tj_field(l, o, LT_JK_GROUPS, json_type_array, &ok);

	if (!ok)
		return -1;
	tsum_free(t);	/* a later summary replaces an earlier one */
	for (size_t i = 0; i < sg->n; i++) {
		free(sg->g[i].kind);
		free(sg->g[i].severity);
		free(sg->g[i].event);
		tj_free_stack(sg->g[i].stack, sg->g[i].nstack);
	}
	sg->n = 0;
	t->has_summary = true;
	if (load_header(l, o))
		return -1;
	t->sum_streamed = tj_u64(l, o, LT_JK_STREAMED, &ok);
	t->dropped = tj_u64(l, o, LT_JK_DROPPED, &ok);
	t->aggregation_full = tj_u64(l, o, LT_JK_AGGREGATION_FULL, &ok);
	t->stacks_lost = tj_u64(l, o, LT_JK_STACKS_LOST, &ok);
	t->irq_skipped = tj_u64(l, o, LT_JK_IRQ_SKIPPED, &ok);
	t->gathers_fullmm = tj_u64(l, o, LT_JK_GATHERS_FULLMM, &ok);
	t->gathers_ranged = tj_u64(l, o, LT_JK_GATHERS_RANGED, &ok);
	if (!ok || load_kvs(l, o, LT_JK_FINDINGS, &t->kinds, &t->nkinds) ||
	    load_kvs(l, o, LT_JK_EVENTS, &t->events, &t->nevents) ||
	    load_watch(l, o))
		return -1;
	for (size_t i = 0; i < json_object_array_length(groups); i++) {
		json_object *g = tj_obj_at(l, groups, i, "group");
		struct lt_tgroup *d;

		if (!g)
			return -1;
		sg->g = tj_grow(sg->g, sg->n, sizeof(*sg->g));
		d = &sg->g[sg->n++];
		d->kind = tj_strdup(tj_str(l, g, LT_JK_KIND, &ok));
		d->severity = tj_strdup(tj_opt_str(g, LT_JK_SEVERITY));
		d->event = tj_strdup(tj_opt_str(g, LT_JK_EVENT));
		d->counted = tj_u64(l, g, LT_JK_COUNT, &ok);
		d->first_ns = tj_u64(l, g, LT_JK_FIRST_NS, &ok);
		d->last_ns = tj_u64(l, g, LT_JK_LAST_NS, &ok);
		d->has_counted = true;
		if (!ok || tj_read_stack(l, g, &d->stack, &d->nstack))
			return -1;
	}
	return 0;
}

/*
 * Each summary group's exact count goes to the streamed group whose stack
 * is the longest prefix of its stack; a summary group no finding was
 * streamed for (all dropped) becomes a row of its own.
 */
void tsum_attach_counts(struct lt_trace *t, struct sgroup_list *sg)
{
	for (size_t i = 0; i < sg->n; i++) {
		struct lt_tgroup *s = &sg->g[i], *best = NULL;

		for (size_t j = 0; j < t->ngroups; j++) {
			struct lt_tgroup *g = &t->groups[j];

			if (!g->streamed || strcmp(g->kind, s->kind) ||
			    !tj_stack_prefix(g->stack, g->nstack, s->stack, s->nstack))
				continue;
			if (!best || g->nstack > best->nstack)
				best = g;
		}
		if (best) {
			best->counted += s->counted;
			best->has_counted = true;
			free(s->kind);
			free(s->severity);
			free(s->event);
			tj_free_stack(s->stack, s->nstack);
			continue;
		}
		t->groups = tj_grow(t->groups, t->ngroups, sizeof(*t->groups));
		t->groups[t->ngroups++] = *s;
	}
	free(sg->g);
	sg->g = NULL;
	sg->n = 0;
}
