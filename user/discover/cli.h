/* SPDX-License-Identifier: GPL-2.0 */
/* Command line: argp parsing into a config, no system access. */
#ifndef LT_CLI_H
#define LT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include "lazytrace.h"
#include "catalog.h"

#define LT_FAIL_ANY	(1u << LT_K_MAX)

struct lt_config {
	int pid;			/* -p, 0 = all */
	const char *cgroup_path;	/* -c */
	char comm[LT_COMM_LEN];		/* --comm */
	bool comm_on;
	double duration;		/* -d seconds, 0 = until a signal */
	double interval;		/* positional, 0 = only at the end */
	long count;			/* positional, 0 = unlimited */
	bool json;			/* -j */
	int stacks;			/* --stacks frames, 0 = off */
	int verbose;			/* -v */
	unsigned int fail_on;		/* bit per kind, LT_FAIL_ANY */
	enum lt_mode mode;
	int rules;			/* enum lt_rules, -1 = by kernel */
	bool list_probes;
	bool by_cgroup;
	const char *output;		/* -o, NULL = stdout */
	const char *btf_path;		/* --btf, NULL = running kernel */
	const char *kallsyms_path;	/* --kallsyms */
	const char *tracefs_path;	/* --tracefs, NULL = the usual places */
	const char *uprobe_target;	/* --uprobe-target: a user-space model */
	bool seed_v2;			/* leave(state), the seed's v2 API */
	bool metrics_on;		/* --metrics [ADDR:]PORT */
	unsigned int metrics_addr;	/* IPv4, network order */
	unsigned short metrics_port;
	unsigned int metrics_top;	/* --metrics-top: labelled comms */
	double rate_limit;		/* --rate-limit N/s, 0 = none */
	bool dedup;			/* --dedup: print each (kind, stack) once */
	bool syslog;			/* --syslog */
	unsigned int info;		/* --info: enum lt_info_mode */
	unsigned int ring_kib;		/* --ring-buffer, 0 = built-in 1 MiB */
	bool watch;			/* --boundaries watch */
	unsigned int bench_floor;	/* --bench-floor: enum lt_floor */
	char err[160];			/* why parsing failed */
};

/*
 * Parses argv into cfg. With quiet set, prints nothing and never exits
 * (unit tests); otherwise argp prints help and one-line errors and exits 2.
 * Returns 0 or an errno with cfg->err filled.
 */
int cli_parse(int argc, char **argv, struct lt_config *cfg, bool quiet);

#endif
