/* SPDX-License-Identifier: GPL-2.0 */
/* The probe catalog: logical events, candidate symbols, attach methods. */
#ifndef LT_CATALOG_H
#define LT_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lazytrace.h"

struct btf;
struct lt_ksyms;
struct lt_strset;

enum lt_method {
	LT_M_NONE,
	LT_M_FENTRY,
	LT_M_KPROBE,
	LT_M_TRACEPOINT,
	LT_M_UPROBE,
	LT_M_WATCH,		/* hardware watchpoint per thread (watch.c) */
};

enum lt_mode {			/* --mode */
	LT_MODE_AUTO,
	LT_MODE_FENTRY,
	LT_MODE_KPROBE,
	LT_MODE_TRACEPOINT,
	LT_MODE_UPROBE,		/* --uprobe-target: the model's functions */
};

/* One way to observe a logical event. Program names are skeleton names. */
struct lt_candidate {
	const char *symbol;	/* function, or "group:name" for tracepoints */
	const char *fentry;	/* fentry program, NULL if not allowed */
	const char *kprobe;	/* kprobe program, NULL if not allowed */
	const char *tp;		/* raw tracepoint program */
	const char *why;	/* which kernels or arches have it */
	unsigned int needs;	/* LT_NEED_* runtime conditions */
	unsigned int sem;	/* leave semantics, enum lt_leave_sem */
	const char *watch;	/* perf_event program on a watchpoint */
};

/* pv_ops hooks exist in every XEN_PV=y build but only run on a PV guest. */
#define LT_NEED_XEN_PV	1u
/* Only with --boundaries watch: replaces every boundary probe. */
#define LT_NEED_WATCH	2u

#define LT_MAX_CANDS	6

struct lt_event_def {
	enum lt_event ev;
	const char *name;
	const char *lost;	/* what goes unobserved without it */
	bool needs_state;	/* useless without a lazy-state source */
	struct lt_candidate cands[LT_MAX_CANDS];
};

extern const struct lt_event_def lt_catalog[LT_EV_MAX];

#define LT_MAX_COPIES	16	/* static copies of one function */

/* What the resolver decided for one event. */
struct lt_choice {
	enum lt_method method;
	const struct lt_candidate *cand;	/* NULL when nothing chosen */
	const char *prog;
	int btf_id;				/* fentry target */
	unsigned int ncopies;
	uint64_t addrs[LT_MAX_COPIES];		/* kprobe: one per copy */
	char names[LT_MAX_COPIES][64];		/* suffixed names */
	unsigned int first_slot;		/* slot of addrs[0] */
	char why[512];				/* reasons, one per line */
};

struct lt_features {
	bool fentry, kprobe, raw_tp;
	bool xen_pv;		/* running as a Xen PV guest */
	bool preemptible;	/* full or RT: fentry programs can be
				 * preempted, kprobe programs cannot */
	bool watch;		/* --boundaries watch was asked for */
	bool watch_ok;		/* ... and can work here, else watch_why */
	bool watch_per_cpu;	/* arm64: kernel watchpoints per CPU only */
	char watch_why[96];
	bool alloc_at_insert;	/* map elements may be allocated at run time */
	const char *prealloc_why;	/* when not: why (the plan says) */
	char fentry_why[96], kprobe_why[96], raw_tp_why[96];
};

/* Symbol sources; any may be NULL (then that check is impossible). */
struct lt_symsrc {
	const struct lt_ksyms *ksyms;
	const struct lt_strset *filters;	/* available_filter_functions */
	const struct btf *btf;
};

struct lt_plan {
	struct lt_choice ev[LT_EV_MAX];
	unsigned int nslots;
};

/* Resolves every event. Pure: reads only its arguments. */
/* Every function the catalog names, into out[max]; returns how many. */
size_t catalog_symbols(const char **out, size_t max);
void catalog_resolve(const struct lt_symsrc *src,
		     const struct lt_features *feat, enum lt_mode mode,
		     struct lt_plan *plan);

/* Drops a resolved event from the plan, saying why. */
void plan_skip(struct lt_plan *plan, enum lt_event ev, const char *why);

/* The (event, symbol) behind a slot, for naming a finding's probe. */
const char *plan_slot_name(const struct lt_plan *plan, unsigned int slot,
			   enum lt_event *ev);

const char *method_name(enum lt_method m);
int mode_parse(const char *s, enum lt_mode *out);
const char *event_name(enum lt_event ev);

#endif
