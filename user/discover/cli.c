// SPDX-License-Identifier: GPL-2.0
#include <argp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "comm_top.h"
#include "floor.h"
#include "rules.h"

const char *argp_program_version = "lazytrace " LT_VERSION;
const char *argp_program_bug_address = "<lazytrace issues>";

static const char doc[] =
"Trace Linux lazy MMU sections and report rule violations.\n"
"\n"
"USAGE: lazytrace [OPTION...] [interval] [count]\n"
"\n"
"EXAMPLES:\n"
"    lazytrace                  # trace until Ctrl-C, then summarize\n"
"    lazytrace --list-probes    # show the probe plan, attach nothing\n"
"    lazytrace -d 10 -j         # 10 s, JSON Lines on stdout\n"
"    lazytrace 5 3              # histograms every 5 s, 3 times\n"
"    lazytrace --comm postgres  # only tasks named postgres\n"
"    lazytrace --fail-on open_at_exit,sleep_in_lazy -d 60  # for CI\n"
"    lazytrace report t.jsonl -o t.html  # HTML report of a -j trace\n"
"    lazytrace --metrics 9464 --dedup --rate-limit 10/s  # daemon\n"
"    lazytrace -p 812 --boundaries watch  # each section of pid 812\n"
"\n"
"Exit status: 0 done, 1 --fail-on matched, 2 bad usage or setup error.\n";

enum {
	OPT_COMM = 0x100, OPT_STACKS, OPT_FAIL_ON, OPT_MODE, OPT_RULES,
	OPT_LIST, OPT_BY_CGROUP, OPT_BTF, OPT_KALLSYMS, OPT_UPROBE, OPT_SEED_V2,
	OPT_METRICS, OPT_RATE, OPT_DEDUP, OPT_SYSLOG,
	OPT_RING, OPT_METRICS_TOP, OPT_TRACEFS, OPT_INFO, OPT_BOUNDARIES,
	OPT_BENCH_FLOOR,
};

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "cgroup", 'c', "CGROUP_PATH", 0, "Trace this cgroup v2 only", 0 },
	{ "comm", OPT_COMM, "NAME", 0, "Trace tasks with this comm only", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS", 0 },
	{ "json", 'j', NULL, 0, "Write JSON Lines (docs/JSON.md)", 0 },
	{ "output", 'o', "FILE", 0, "Write to FILE instead of stdout", 0 },
	{ "stacks", OPT_STACKS, "N", 0,
	  "Kernel stack frames shown per finding (default 8, 0 = off)", 0 },
	{ "verbose", 'v', NULL, 0, "Say more (repeatable)", 0 },
	{ "fail-on", OPT_FAIL_ON, "KIND[,KIND]", 0,
	  "Exit 1 if a warning or error of these kinds (or 'any') is seen", 0 },
	{ "mode", OPT_MODE, "MODE", 0,
	  "auto, fentry, kprobe or tracepoint (default auto)", 0 },
	{ "rules", OPT_RULES, "SET", 0,
	  "pre-7.0 or 7.0 (default: from the running kernel)", 0 },
	{ "list-probes", OPT_LIST, NULL, 0,
	  "Print the probe plan for this kernel and exit", 0 },
	{ "by-cgroup", OPT_BY_CGROUP, NULL, 0, "Key histograms by cgroup too", 0 },
	{ "ring-buffer", OPT_RING, "KIB", 0,
	  "Ring buffer for streamed findings (power of two, 4..262144; "
	  "default 1024)", 0 },
	{ "btf", OPT_BTF, "PATH", 0, "Kernel BTF (default /sys/kernel/btf/vmlinux)", 0 },
	{ "kallsyms", OPT_KALLSYMS, "PATH", 0, "kallsyms file (default /proc/kallsyms)", 0 },
	{ "tracefs", OPT_TRACEFS, "DIR", 0,
	  "Mounted tracefs for the filter list and event formats (default"
	  " /sys/kernel/tracing, then /sys/kernel/debug/tracing)", 0 },
	{ "uprobe-target", OPT_UPROBE, "PATH", 0,
	  "Trace a user-space model whose functions carry the kernel's names"
	  " (docs/MODEL.md)", 0 },
	{ "seed-v2", OPT_SEED_V2, NULL, 0,
	  "arch_leave_lazy_mmu_mode(state) follows the seed's v2 API", 0 },
	{ "metrics", OPT_METRICS, "[ADDR:]PORT", 0,
	  "Serve Prometheus metrics (default address 127.0.0.1)", 0 },
	{ "metrics-top", OPT_METRICS_TOP, "N", 0,
	  "comm labels on /metrics: the top N (0..64, default 10), "
	  "the rest \"other\"", 0 },
	{ "rate-limit", OPT_RATE, "N/s", 0,
	  "Print at most N findings a second (counts stay exact)", 0 },
	{ "dedup", OPT_DEDUP, NULL, 0,
	  "Print each (kind, stack) once; the summary counts them", 0 },
	{ "info", OPT_INFO, "WHEN", 0,
	  "Legal (info) findings: 'count' only (default); 'first' of each "
	  "stack printed, the rest counted; 'all' printed", 0 },
	{ "syslog", OPT_SYSLOG, NULL, 0, "Also send findings to syslog", 0 },
	{ "boundaries", OPT_BOUNDARIES, "FROM", 0,
	  "Section boundaries from 'probes' (default) or 'watch': a hardware"
	  " watchpoint on each thread's lazy state (7.0+, needs -p)", 0 },
	{ "bench-floor", OPT_BENCH_FLOOR, "WHICH", 0,
	  "Benchmarks only: the plan's probes with empty programs ('all'),"
	  " or the page allocator's alone ('alloc'); traces nothing", 0 },
	{ 0 },
};

struct parse_ctx {
	struct lt_config *cfg;
	bool quiet;
	int npos;
};

static int info_parse(const char *s, unsigned int *out)
{
	static const char *const names[] = {
		[LT_INFO_COUNT] = "count", [LT_INFO_FIRST] = "first",
		[LT_INFO_ALL] = "all",
	};

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static int fail(struct argp_state *st, const char *fmt, ...)
{
	struct parse_ctx *pc = st->input;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pc->cfg->err, sizeof(pc->cfg->err), fmt, ap);
	va_end(ap);
	if (!pc->quiet)
		argp_failure(st, 2, 0, "%s", pc->cfg->err);
	return EINVAL;
}

/* A positive number no larger than max; strtod accepts "1.5" and "10". */
static int parse_seconds(const char *s, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* [ADDR:]PORT, IPv4; the loopback address unless one is given. */
static int parse_listen(const char *arg, struct lt_config *cfg)
{
	const char *colon = strrchr(arg, ':'), *port = colon ? colon + 1 : arg;
	struct in_addr a = { htonl(INADDR_LOOPBACK) };
	char ip[INET_ADDRSTRLEN];
	long v;

	if (colon) {
		if ((size_t)(colon - arg) >= sizeof(ip))
			return -EINVAL;
		snprintf(ip, sizeof(ip), "%.*s", (int)(colon - arg), arg);
		if (inet_pton(AF_INET, ip, &a) != 1)
			return -EINVAL;
	}
	if (parse_long(port, 1, 65535, &v))
		return -EINVAL;
	cfg->metrics_on = true;
	cfg->metrics_addr = a.s_addr;
	cfg->metrics_port = (unsigned short)v;
	return 0;
}

/*
 * "N/s" or "N": findings per second. Parsed in place: a copy into a fixed
 * buffer once cut "0000...5/sjunk" down to a valid "0000...5".
 */
static int parse_rate(const char *arg, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || (*end && strcmp(end, "/s")) ||
	    !(v > 0) || v > 1e9)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A copy of the whole list: a fixed buffer cut long lists short, and a
 * cut item could turn into a valid one (fuzz/corpus/names/crash-*). */
static int parse_fail_on(struct argp_state *st, const char *arg)
{
	struct parse_ctx *pc = st->input;
	char *buf = strdup(arg), *save = NULL, *tok;
	int err = 0;

	if (!buf)
		return fail(st, "out of memory");
	for (tok = strtok_r(buf, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		enum lt_kind k;

		if (!strcmp(tok, "any"))
			pc->cfg->fail_on |= LT_FAIL_ANY;
		else if (!kind_parse(tok, &k))
			pc->cfg->fail_on |= 1u << k;
		else
			err = fail(st, "unknown --fail-on kind '%s' "
				   "(see docs/RULES.md)", tok);
	}
	free(buf);
	/* An empty list would silently never fail: CI would pass blind. */
	if (!err && !pc->cfg->fail_on)
		err = fail(st, "--fail-on needs a kind or 'any' "
			   "(see docs/RULES.md)");
	return err;
}

static error_t parse_opt(int key, char *arg, struct argp_state *st)
{
	struct parse_ctx *pc = st->input;
	struct lt_config *cfg = pc->cfg;
	enum lt_rules r;
	long v;

	switch (key) {
	case 'p':
		if (parse_long(arg, 1, INT_MAX, &v))
			return fail(st, "invalid pid '%s'", arg);
		cfg->pid = (int)v;
		break;
	case 'c':
		cfg->cgroup_path = arg;
		break;
	case OPT_COMM:
		if (!*arg || strlen(arg) >= LT_COMM_LEN)
			return fail(st, "--comm takes 1 to %d characters",
				    LT_COMM_LEN - 1);
		snprintf(cfg->comm, sizeof(cfg->comm), "%s", arg);
		cfg->comm_on = true;
		break;
	case 'd':
		if (parse_seconds(arg, 365 * 86400.0, &cfg->duration))
			return fail(st, "invalid duration '%s': seconds, "
				    "more than 0 and at most a year", arg);
		break;
	case 'j':
		cfg->json = true;
		break;
	case 'o':
		cfg->output = arg;
		break;
	case OPT_STACKS:
		if (parse_long(arg, 0, LT_MAX_STACK, &v))
			return fail(st, "--stacks takes 0 to %d", LT_MAX_STACK);
		cfg->stacks = (int)v;
		break;
	case 'v':
		cfg->verbose++;
		break;
	case OPT_FAIL_ON:
		return parse_fail_on(st, arg);
	case OPT_MODE:
		if (mode_parse(arg, &cfg->mode))
			return fail(st, "unknown --mode '%s': use auto, "
				    "fentry, kprobe or tracepoint", arg);
		break;
	case OPT_RULES:
		if (rules_parse(arg, &r))
			return fail(st, "unknown --rules '%s': use pre-7.0 "
				    "or 7.0", arg);
		cfg->rules = r;
		break;
	case OPT_LIST:
		cfg->list_probes = true;
		break;
	case OPT_BY_CGROUP:
		cfg->by_cgroup = true;
		break;
	case OPT_BTF:
		cfg->btf_path = arg;
		break;
	case OPT_KALLSYMS:
		cfg->kallsyms_path = arg;
		break;
	case OPT_TRACEFS:
		if (!*arg)
			return fail(st, "--tracefs needs a directory");
		cfg->tracefs_path = arg;
		break;
	case OPT_UPROBE:
		cfg->uprobe_target = arg;
		break;
	case OPT_RING:
		/* The kernel wants a power-of-two multiple of the page size. */
		if (parse_long(arg, 4, 262144, &v) || (v & (v - 1)) ||
		    v * 1024 % sysconf(_SC_PAGESIZE))
			return fail(st, "--ring-buffer takes KiB: a power of two "
				    "from the page size to 262144");
		cfg->ring_kib = (unsigned int)v;
		break;
	case OPT_SEED_V2:
		cfg->seed_v2 = true;
		break;
	case OPT_METRICS:
		if (parse_listen(arg, cfg))
			return fail(st, "invalid --metrics '%s': use PORT or "
				    "IPV4:PORT", arg);
		break;
	case OPT_METRICS_TOP:
		if (parse_long(arg, 0, LT_TOP_MAX, &v))
			return fail(st, "--metrics-top takes 0 to %d",
				    LT_TOP_MAX);
		cfg->metrics_top = (unsigned int)v;
		break;
	case OPT_RATE:
		if (parse_rate(arg, &cfg->rate_limit))
			return fail(st, "invalid --rate-limit '%s': use N/s, "
				    "N more than 0", arg);
		break;
	case OPT_DEDUP:
		cfg->dedup = true;
		break;
	case OPT_SYSLOG:
		cfg->syslog = true;
		break;
	case OPT_INFO:
		if (info_parse(arg, &cfg->info))
			return fail(st, "unknown --info '%s': use count, "
				    "first or all", arg);
		break;
	case OPT_BOUNDARIES:
		if (strcmp(arg, "probes") && strcmp(arg, "watch"))
			return fail(st, "unknown --boundaries '%s': use probes "
				    "or watch", arg);
		cfg->watch = !strcmp(arg, "watch");
		break;
	case OPT_BENCH_FLOOR:
		if (floor_parse(arg, &cfg->bench_floor))
			return fail(st, "unknown --bench-floor '%s': use all "
				    "or alloc", arg);
		break;
	case ARGP_KEY_END:
		/* One watchpoint per thread: of one process, not every task. */
		if (cfg->watch && !cfg->pid)
			return fail(st, "--boundaries watch needs -p PID");
		if (cfg->watch && cfg->uprobe_target)
			return fail(st, "--boundaries watch traces the kernel, "
				    "not --uprobe-target");
		/* the floor is that of the probes; a watchpoint has none */
		if (cfg->bench_floor && cfg->watch)
			return fail(st, "--bench-floor is the probes' floor, "
				    "not --boundaries watch's");
		/* empty programs raise nothing: CI would pass blind */
		if (cfg->bench_floor && cfg->fail_on)
			return fail(st, "--bench-floor traces nothing: "
				    "--fail-on could never fail");
		break;
	case ARGP_KEY_ARG:
		if (pc->npos == 0) {
			if (parse_seconds(arg, 86400, &cfg->interval))
				return fail(st, "invalid interval '%s': "
					    "seconds, at most a day", arg);
		} else if (pc->npos == 1) {
			if (parse_long(arg, 1, LONG_MAX, &cfg->count))
				return fail(st, "invalid count '%s'", arg);
		} else {
			return fail(st, "unexpected argument '%s'", arg);
		}
		pc->npos++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct lt_config *cfg, bool quiet)
{
	static const struct argp argp = { options, parse_opt, "[interval] [count]",
					  doc, NULL, NULL, NULL };
	struct parse_ctx pc = { .cfg = cfg, .quiet = quiet };
	unsigned int flags = quiet ? ARGP_NO_EXIT | ARGP_NO_ERRS | ARGP_SILENT : 0;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	cfg->stacks = 8;
	cfg->metrics_top = LT_TOP_DEFAULT;
	cfg->rules = -1;
	argp_err_exit_status = 2;
	err = argp_parse(&argp, argc, argv, flags, NULL, &pc);
	if (err && !cfg->err[0])
		snprintf(cfg->err, sizeof(cfg->err), "invalid arguments");
	return err;
}
