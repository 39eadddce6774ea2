// SPDX-License-Identifier: GPL-2.0
/*
 * The one reader of the BPF maps and of the programs' kernel counters.
 * Every output gets what it shows from here: the end-of-run summary
 * (maps__summary), the histograms (maps__hists), the metrics snapshot
 * (maps__stats, maps__comms, maps__hists, maps__event_misses) and the
 * frames of a stack id (maps__stack). Nothing else touches the skeleton's
 * maps; it opens the findings ring buffer too (watch.c adds its own).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lazytrace.skel.h"
#include "map_rows.h"
#include "maps_read.h"

_Static_assert(sizeof(struct lt_comm_key) % 8 == 0,
	       "map_rows() puts the value right after the key");

int maps__ring_open(struct lt_session *s, ring_buffer_sample_fn fn)
{
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.lt_rb), fn, s,
				 NULL);
	return s->rb ? 0 : -errno;
}

int maps__hists(struct lt_session *s, struct hist_row **rows, size_t *n)
{
	return map_rows(bpf_map__fd(s->skel->maps.lt_hists),
			sizeof((*rows)->key), sizeof((*rows)->val),
			(void **)rows, n);
}

int maps__comms(struct lt_session *s, struct lt_comm_row **rows, size_t *n)
{
	return map_rows(bpf_map__fd(s->skel->maps.lt_comms),
			sizeof(struct lt_comm_key), sizeof(__u64),
			(void **)rows, n);
}

size_t maps__stack(struct lt_session *s, int id, unsigned long long *frames)
{
	size_t n = 0;

	memset(frames, 0, LT_MAX_STACK * sizeof(*frames));
	if (id < 0 || !s->skel ||
	    bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.lt_stacks), &id,
				frames))
		return 0;
	while (n < LT_MAX_STACK && frames[n])
		n++;
	return n;
}

int maps__stats(struct lt_session *s, unsigned long long *stats)
{
	int fd = bpf_map__fd(s->skel->maps.lt_stats);
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long *v;

	if (ncpu <= 0)
		return ncpu;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (__u32 i = 0; i < LT_ST_MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, v))
			continue;
		for (int c = 0; c < ncpu; c++)
			stats[i] += v[c];
	}
	free(v);
	return 0;
}

/*
 * A tracing program is skipped when it would nest on a CPU where it is
 * already running: on a preemptible kernel a task preempted inside it
 * makes the next task's event a miss. The kernel counts those (5.12+);
 * they bound what the exact counts may lack.
 */
/* The finding kinds a skipped run of each event's program can lose. A
 * skipped boundary also moves the tracked depth, which can raise false
 * ones later: the text says so. */
static const unsigned int miss_kinds[LT_EV_MAX] = {
#define DEPTH_KINDS (1u << LT_K_NESTED_ENTER | 1u << LT_K_UNBALANCED_DISABLE | \
		     1u << LT_K_ENABLE_WHILE_PAUSED | 1u << LT_K_OUTER_LOST_LAZY)
	[LT_EV_ENTER] = DEPTH_KINDS, [LT_EV_LEAVE] = DEPTH_KINDS,
	[LT_EV_PAUSE] = DEPTH_KINDS, [LT_EV_RESUME] = DEPTH_KINDS,
	[LT_EV_SWITCH_OUT] = DEPTH_KINDS, [LT_EV_SWITCH_IN] = DEPTH_KINDS,
	[LT_EV_PAGE_ALLOC] = 1u << LT_K_ALLOC_IN_LAZY | 1u << LT_K_STATE_MISMATCH,
	[LT_EV_TLB_FLUSH] = 1u << LT_K_FLUSH_IN_LAZY | 1u << LT_K_STATE_MISMATCH,
	[LT_EV_BATCH_FREE] = 1u << LT_K_FLUSH_IN_LAZY | 1u << LT_K_STATE_MISMATCH,
	[LT_EV_SYSCALL_EXIT] = 1u << LT_K_OPEN_AT_USER_RETURN,
	[LT_EV_TASK_EXIT] = 1u << LT_K_OPEN_AT_EXIT,
	[LT_EV_SCHED_SWITCH] = 1u << LT_K_SLEEP_IN_LAZY,
#undef DEPTH_KINDS
};

/* Each attached event's own program: its skipped runs. */
void maps__event_misses(struct lt_session *s,
			unsigned long long ev_misses[LT_EV_MAX],
			unsigned long long may_miss[LT_K_MAX])
{
	for (int e = 0; e < LT_EV_MAX; e++) {
		const struct lt_choice *ch = &s->plan.ev[e];
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		struct bpf_program *p;

		if (ch->method == LT_M_NONE || !ch->prog)
			continue;
		p = bpf_object__find_program_by_name(s->skel->obj, ch->prog);
		if (!p || bpf_obj_get_info_by_fd(bpf_program__fd(p), &info,
						 &len))
			continue;
		ev_misses[e] = info.recursion_misses;
		for (int k = 0; k < LT_K_MAX; k++)
			if (miss_kinds[e] & 1u << k)
				may_miss[k] += info.recursion_misses;
	}
}

static void read_misses(struct lt_session *s, struct lt_summary *sum)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, s->skel->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		sum->prog_misses += info.recursion_misses;
		if (info.run_cnt && sum->nprogs < LT_MAX_PROGS) {
			struct lt_prog_cost *c = &sum->progs[sum->nprogs++];

			snprintf(c->name, sizeof(c->name), "%s",
				 bpf_program__name(p));
			c->runs = info.run_cnt;
			c->run_ns = info.run_time_ns;
		}
	}
}

static int group_cmp(const void *a, const void *b)
{
	const struct lt_group *x = a, *y = b;

	return x->val.count < y->val.count ? 1 :
	       x->val.count > y->val.count ? -1 : 0;
}

/* Counts add; first and last seen are the earliest and latest of the
 * CPUs that saw the group (0 on a CPU that never did). */
static void agg_merge(void *acc, const void *cpu, size_t value_size)
{
	struct lt_agg_val *a = acc;
	const struct lt_agg_val *c = cpu;

	(void)value_size;
	if (!c->count)
		return;
	if (!a->count || c->first_ns < a->first_ns)
		a->first_ns = c->first_ns;
	if (c->last_ns > a->last_ns)
		a->last_ns = c->last_ns;
	a->count += c->count;
}

static int comm_cmp(const void *a, const void *b)
{
	const struct lt_comm_row *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 :
	       memcmp(&x->key, &y->key, sizeof(x->key));
}

static int bound_cmp(const void *a, const void *b)
{
	const struct lt_bound_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (x->key.event != y->key.event)
		return x->key.event < y->key.event ? -1 : 1;
	return x->key.depth < y->key.depth ? -1 : x->key.depth > y->key.depth;
}

static int id_cmp(const void *a, const void *b)
{
	/* ints, or lt_stack_snap, whose first member is its id */
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The frames of every stack id the groups and the boundaries name, read
 * once here so that printing the summary reads no map. A stack map entry
 * never changes once written (bpf/emit.bpf.h), so this is what a read at
 * print time would give. */
static int read_stacks(struct lt_session *s, struct lt_summary *sum)
{
	size_t n = 0, distinct = 0;
	int *ids = malloc((sum->ngroups + sum->nbounds + 1) * sizeof(*ids));

	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < sum->ngroups; i++)
		ids[n++] = sum->groups[i].key.stack_id;
	for (size_t i = 0; i < sum->nbounds; i++)
		ids[n++] = sum->bounds[i].key.stack_id;
	if (n)
		qsort(ids, n, sizeof(*ids), id_cmp);
	for (size_t i = 0; i < n; i++)
		distinct += ids[i] >= 0 && (!i || ids[i] != ids[i - 1]);
	sum->stacks = distinct ? calloc(distinct, sizeof(*sum->stacks)) : NULL;
	if (distinct && !sum->stacks) {
		free(ids);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct lt_stack_snap *st;

		/* no stack (-1: counted without unwinding), or seen */
		if (ids[i] < 0 || (i && ids[i] == ids[i - 1]))
			continue;
		st = &sum->stacks[sum->nstacks];
		st->id = ids[i];
		st->n = maps__stack(s, ids[i], st->frames);
		sum->nstacks += st->n > 0;
	}
	free(ids);
	return 0;
}

size_t maps__summary_frames(const struct lt_summary *sum, int id,
			    const unsigned long long **frames)
{
	const struct lt_stack_snap key = { .id = id }, *st = NULL;

	if (sum->nstacks)
		st = bsearch(&key, sum->stacks, sum->nstacks,
			     sizeof(*sum->stacks), id_cmp);
	*frames = st ? st->frames : NULL;
	return st ? st->n : 0;
}

int maps__summary(struct lt_session *s, struct lt_summary *sum)
{
	size_t n;
	int err;

	memset(sum, 0, sizeof(*sum));
	err = map_rows_merge(bpf_map__fd(s->skel->maps.lt_agg),
			     sizeof(struct lt_agg_key),
			     sizeof(struct lt_agg_val), agg_merge,
			     (void **)&sum->groups, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		const struct lt_group *g = &sum->groups[i];

		if (g->key.kind >= LT_K_MAX || g->key.severity > LT_SEV_ERROR)
			continue;
		sum->groups[sum->ngroups++] = *g;
		sum->kind[g->key.kind] += g->val.count;
		sum->kind_sev[g->key.kind][g->key.severity] += g->val.count;
	}
	if (sum->ngroups)	/* no rows: groups is NULL, which qsort forbids */
		qsort(sum->groups, sum->ngroups, sizeof(*sum->groups), group_cmp);
	/* Per comm: the findings a legal-finding policy (--info) or a full
	 * ring kept from the stream are still counted there, exactly. */
	err = maps__comms(s, &sum->comms, &sum->ncomms);
	if (err)
		return err;
	if (sum->ncomms)
		qsort(sum->comms, sum->ncomms, sizeof(*sum->comms), comm_cmp);
	if (s->watch) {
		err = map_rows(bpf_map__fd(s->skel->maps.lt_bounds),
			       sizeof(struct lt_bound_key), sizeof(__u64),
			       (void **)&sum->bounds, &sum->nbounds);
		if (err)
			return err;
		if (sum->nbounds)
			qsort(sum->bounds, sum->nbounds, sizeof(*sum->bounds),
			      bound_cmp);
	}
	err = read_stacks(s, sum);
	if (err)
		return err;
	read_misses(s, sum);
	maps__event_misses(s, sum->ev_misses, sum->may_miss);
	return maps__stats(s, sum->stats);
}

void maps__summary_free(struct lt_summary *sum)
{
	free(sum->stacks);
	free(sum->comms);
	free(sum->bounds);
	free(sum->groups);
	sum->groups = NULL;
}
