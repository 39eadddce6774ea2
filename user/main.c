// SPDX-License-Identifier: GPL-2.0
/*
 * lazytrace: trace Linux lazy MMU sections.
 * The lifecycle, in order: discover the kernel and plan, open, configure,
 * load, attach, poll, tear down. Every exit goes through one cleanup path.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <bpf/libbpf.h>
#include "alerts.h"
#include "attach.h"
#include "harden.h"
#include "floor.h"
#include "http.h"
#include "log.h"
#include "plan_json.h"
#include "plan_print.h"
#include "ratelimit.h"
#include "live.h"
#include "maps_read.h"
#include "report_cmd.h"
#include "setup.h"
#include "stack_cache.h"
#include "summary.h"
#include "watch.h"

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

static int on_finding(void *ctx, void *data, size_t size)
{
	struct lt_session *s = ctx;
	struct lt_finding f = { 0 };

	/* Records whose stack is in the stack map stop before stack[]. */
	if (size < LT_FINDING_HDR)
		return 0;
	memcpy(&f, data, size < sizeof(f) ? size : sizeof(f));
	if (size < sizeof(f))
		f.nstack = 0;
	alerts_finding(s, &f);
	return 0;
}

/*
 * A failed write (full disk) must not cost the counts: they live in the
 * kernel. Say so once, keep tracing, and send the summary to stderr.
 */
static bool output_failed(struct lt_session *s)
{
	if (s->out_err)
		return true;
	if (!fflush(s->out) && !ferror(s->out))
		return false;
	s->out_err = errno ? errno : EIO;
	lt_err("writing %s failed: %s; still counting, summary goes to stderr",
	       s->cfg.output ? s->cfg.output : "stdout", strerror(s->out_err));
	return true;
}

static void announce(struct lt_session *s)
{
	/* under 80 columns with the longest names (task_counters, pre-7.0) */
	fprintf(stderr, "lazytrace: tracing with %d probes, state %s, rules %s\n",
		s->nlinks, state_src_name(s->sp.primary),
		lt_rulesets[s->rules].name);
	if (s->cfg.bench_floor)
		fprintf(stderr, "lazytrace: --bench-floor %s: the programs "
			"return at once, nothing is traced\n",
			floor_name(s->cfg.bench_floor));
}

/* The histograms as the maps hold them now (collect), printed (output). */
static void print_hists(struct lt_session *s)
{
	struct hist_row *rows;
	size_t n;

	if (maps__hists(s, &rows, &n))
		return;
	live__hists(s, rows, n);
	free(rows);
}

static int poll_loop(struct lt_session *s)
{
	struct sigaction sa = { .sa_handler = on_signal };
	double start = mono_now(), next = start + s->cfg.interval;
	long printed = 0;
	int err;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (maps__ring_open(s, on_finding) || watch__poll_add(s, s->rb)) {
		lt_err("cannot open the ring buffer: %s", strerror(errno));
		return 2;
	}
	announce(s);
	while (!exiting) {
		double t;

		err = ring_buffer__poll(s->rb, 100);
		/* The BPF side wakes us only once records pile up
		 * (bpf/emit.bpf.h): a quiet timeout must still drain the few
		 * that are waiting, or a lone finding waits for the exit. */
		if (err == 0)
			err = ring_buffer__consume(s->rb);
		if (err < 0 && err != -EINTR) {
			lt_err("ring buffer poll: %s", strerror(-err));
			return 2;
		}
		output_failed(s);
		t = mono_now();
		if (s->cfg.interval && t >= next) {
			print_hists(s);
			next += s->cfg.interval;
			if (s->cfg.count && ++printed >= s->cfg.count)
				break;
		}
		if (s->cfg.duration && t - start >= s->cfg.duration)
			break;
	}
	/* Stop the programs before the last drain: a finding raised after
	 * it would be counted in the maps but never streamed (seen once in
	 * 10,527 under stress-ng, docs/FIELD.md). Closing a link needs no
	 * capability. kprobe unregister and trampoline updates wait for
	 * programs in flight; a raw tracepoint (7.2 kernel/tracepoint.c)
	 * only stops new runs, so one already running may still emit. */
	attach_detach(s);
	ring_buffer__consume(s->rb);
	return 0;
}

/* Histograms and summary from the maps; the exit code from --fail-on. */
static int finish(struct lt_session *s)
{
	struct lt_summary sum;
	FILE *out = s->out;
	int rc;

	if (output_failed(s))
		s->out = stderr;
	if (!s->cfg.interval)
		print_hists(s);
	if (maps__summary(s, &sum)) {
		lt_err("cannot read the aggregation maps");
		s->out = out;
		return 2;
	}
	summary_print(s, &sum);
	if (s->out == out && output_failed(s)) {	/* the summary hit it */
		s->out = stderr;
		summary_print(s, &sum);
	}
	rc = summary_failed(&s->cfg, &sum);
	maps__summary_free(&sum);
	s->out = out;
	return s->out_err ? 2 : rc;
}

int main(int argc, char **argv)
{
	struct lt_session s = { 0 };
	int rc;

	/* A subcommand with options of its own: before the tracer's parser. */
	if (argc > 1 && !strcmp(argv[1], "report"))
		return report_cmd(argc - 1, argv + 1);

	/* A fixed threshold: big buffers (kallsyms, BTF) are mmap'd and go
	 * back to the kernel when freed. glibc's default raises it after
	 * the first such free, and the next copies then stay on the heap
	 * (peak RSS, docs/PERFORMANCE.md). */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	/* Where transparent huge pages are "always" (Debian's 7.x cloud
	 * kernel), a heap or table touched a few KiB deep could take a whole
	 * 2 MiB page: one session in five peaked 2 MiB higher in the
	 * benchmark. Nothing here gains from huge pages (3.15+; on failure
	 * only the RSS changes). */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	cli_parse(argc, argv, &s.cfg, false);	/* exits 2 on bad usage */
	rc = setup_discover(&s);
	if (!rc && s.cfg.list_probes) {
		plan_print(&s, stdout);
		goto out;
	}
	if (!rc)
		rc = http_listen(&s);
	if (!rc && alerts_init(&s)) {
		lt_err("out of memory");
		rc = 2;
	}
	if (!rc)
		rc = attach_open_load(&s);
	if (!rc)
		rc = attach_all(&s);
	if (!rc)
		rc = setup_reload_ksyms(&s);
	if (!rc) {
		plan_json_print(&s);
		/* drop first: the server thread inherits no capability */
		rc = harden_drop() ?: http_start(&s);
	}
	if (!rc)
		rc = poll_loop(&s);
	if (!rc)
		rc = finish(&s);
out:
	http_stop(&s);
	alerts_free(&s);
	stack_cache_free(&s);
	attach_teardown(&s);
	setup_free(&s);
	/* The modules return -errno after their one line on stderr; the
	 * exit code is main's alone: 2 for any of them (README). */
	return rc < 0 ? 2 : rc;
}
