/* SPDX-License-Identifier: GPL-2.0 */
/* Everything one run of lazytrace holds, from plan to links. */
#ifndef LT_SESSION_H
#define LT_SESSION_H

#include <stdbool.h>
#include <stdio.h>
#include "catalog.h"
#include "cli.h"
#include "gfp.h"
#include "ksyms.h"
#include "rules.h"
#include "state_src.h"

#define LT_MAX_LINKS	(LT_EV_MAX * LT_MAX_COPIES)

struct lazytrace_bpf;
struct bpf_link;
struct ring_buffer;
struct lt_alerts;
struct lt_http;
struct lt_watch;

struct lt_session {
	struct lt_config cfg;
	struct lt_kinfo ki;
	struct lt_features feat;
	struct lt_plan plan;
	struct lt_state_plan sp;
	enum lt_rules rules;
	struct lt_ksyms *ks;
	struct lt_strset *filters;
	struct btf *btf;
	struct lt_gfp_table gfp;
	bool gfp_from_format;		/* names from tracefs, not from BTF */
	FILE *out;
	int out_err;			/* errno of the first failed write */
	unsigned long long cgroup_id;
	struct lazytrace_bpf *skel;
	struct bpf_link *links[LT_MAX_LINKS];
	int nlinks;
	struct ring_buffer *rb;
	unsigned long long streamed;	/* findings read from the ring */
	unsigned long long rate_limited; /* not printed: --rate-limit */
	unsigned long long deduplicated; /* not printed: --dedup */
	struct lt_alerts *alerts;	/* alerts.c: dedup, rate, syslog */
	struct lt_http *http;		/* the --metrics server */
	struct lt_stack_cache *stack_cache; /* stack_cache.c */
	struct lt_watch *watch;		/* watch.c: --boundaries watch */
};

#endif
