// SPDX-License-Identifier: GPL-2.0
#include <argp.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "html_report.h"
#include "report_cmd.h"
#include "log.h"
#include "trace_load.h"

struct report_args {
	const char *in[2];
	int nin;
	const char *output;
};

static const char doc[] =
"Write a self-contained HTML report (inline SVG, no scripts) of a trace.\n"
"\n"
"USAGE: lazytrace report TRACE.jsonl -o report.html\n"
"       lazytrace report BEFORE.jsonl AFTER.jsonl -o compare.html\n"
"\n"
"TRACE is what lazytrace -j -o TRACE.jsonl wrote (docs/JSON.md). The charts\n"
"of two traces are drawn side by side, on shared axes (docs/REPORT.md).";

static const struct argp_option options[] = {
	{ "output", 'o', "FILE", 0, "Write the HTML to FILE (default stdout)", 0 },
	{ 0 },
};

static error_t parse(int key, char *arg, struct argp_state *st)
{
	struct report_args *a = st->input;

	switch (key) {
	case 'o':
		a->output = arg;
		break;
	case ARGP_KEY_ARG:
		if (a->nin == 2)
			argp_failure(st, 2, 0, "'%s': at most two traces, "
				     "BEFORE.jsonl AFTER.jsonl", arg);
		a->in[a->nin++] = arg;
		break;
	case ARGP_KEY_END:
		if (!a->nin)
			argp_failure(st, 2, 0, "which trace? lazytrace report "
				     "TRACE.jsonl -o report.html");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/*
 * -o naming an input would truncate the trace before the report of it is
 * written: compare the files themselves, so a symlink or another path to
 * the same trace is caught too.
 */
static const char *same_file(const struct report_args *a)
{
	struct stat o, in;

	if (!a->output || !strcmp(a->output, "-") || stat(a->output, &o))
		return NULL;
	for (int i = 0; i < a->nin; i++)
		if (!stat(a->in[i], &in) && in.st_dev == o.st_dev &&
		    in.st_ino == o.st_ino)
			return a->in[i];
	return NULL;
}

static bool is_regular(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISREG(st.st_mode);
}

int report_cmd(int argc, char **argv)
{
	static const struct argp argp = { options, parse, "TRACE.jsonl [AFTER.jsonl]",
					  doc, NULL, NULL, NULL };
	struct report_args a = { 0 };
	struct lt_trace t[2];
	const struct lt_trace *tp[2] = { &t[0], &t[1] };
	char err[512];
	const char *clash;
	FILE *out = stdout;
	int rc = 0, loaded = 0;
	bool bad;

	/* Bad usage exits 2 here as everywhere (argp's default is 64). */
	argp_err_exit_status = 2;
	argv[0] = "lazytrace report";	/* what usage messages call us */
	argp_parse(&argp, argc, argv, 0, NULL, &a);
	clash = same_file(&a);
	if (clash) {
		lt_err("report: -o %s is the trace %s: it would be overwritten",
		       a.output, clash);
		return 2;
	}
	for (; loaded < a.nin; loaded++) {
		if (trace_load(a.in[loaded], &t[loaded], err, sizeof(err))) {
			lt_err("report: %s", err);
			trace_free(&t[loaded]);
			rc = 2;
			goto out;
		}
	}
	if (a.output && strcmp(a.output, "-")) {
		out = fopen(a.output, "w");
		if (!out) {
			lt_err("report: cannot write %s: %s", a.output, strerror(errno));
			rc = 2;
			goto out;
		}
	}
	html_report_write(out, tp, a.nin);
	bad = fflush(out) || ferror(out);
	if (out != stdout)
		bad |= fclose(out) != 0;
	if (bad) {
		lt_err("report: writing %s failed: %s", a.output ? a.output : "stdout",
		       strerror(errno));
		/* A half-written page must not pass for a report; but only a
		 * regular file is ours to remove (-o /dev/full is not). */
		if (out != stdout && is_regular(a.output))
			unlink(a.output);
		rc = 2;
	}
out:
	while (loaded--)
		trace_free(&t[loaded]);
	return rc;
}
