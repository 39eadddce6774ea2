// SPDX-License-Identifier: GPL-2.0
/*
 * --boundaries watch: a hardware write watchpoint on each thread of the
 * traced process, on its task_struct.lazy_mmu_state, each running
 * pe_watch (bpf/watch.bpf.h). The threads there at the start come from a
 * BPF task iterator, those created later from the fork tracepoint
 * through lt_watch_rb; both are seeded in the kernel before their
 * watchpoint exists. Exited threads give their watchpoints back. A helper
 * process opens the watchpoints (watch_opener.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lazytrace.skel.h"
#include "log.h"
#include "setup.h"
#include "watch.h"
#include "watch_opener.h"

#define LT_WATCH_LINKS	64	/* per thread: CPUs (arm64) x 2 bytes */

struct lt_thread {
	unsigned int tid;
	unsigned int nlinks;
	struct bpf_link *links[LT_WATCH_LINKS];
};

struct lt_watch {
	struct lt_thread *th;
	size_t n, cap;
	int ncpus;		/* per-CPU watchpoints (arm64), else 0 */
	struct lt_watch_opener opener;
	struct bpf_link *fork_link;
	struct lt_watch_stats st;
};

static int attach_one(struct lt_session *s, struct lt_thread *t, int cpu,
		      __u64 addr, unsigned int len)
{
	int pfd = watch_opener_open(&s->watch->opener,
				    cpu < 0 ? (int)t->tid : -1, cpu, addr, len);
	struct bpf_link *l;

	if (pfd < 0)
		return pfd;
	l = bpf_program__attach_perf_event(s->skel->progs.pe_watch, pfd);
	if (!l) {
		int err = -errno;

		close(pfd);
		return err;
	}
	t->links[t->nlinks++] = l;
	return 0;
}

static void thread_drop(struct lt_thread *t)
{
	for (unsigned int i = 0; i < t->nlinks; i++)
		bpf_link__destroy(t->links[i]);
	t->nlinks = 0;
}

/*
 * Both counters in one 2-byte watchpoint where the address allows (x86
 * wants it aligned, hw_breakpoint.c:381-390); else one per byte.
 */
static int watch_thread(struct lt_session *s, unsigned int tid, __u64 addr)
{
	struct lt_watch *w = s->watch;
	unsigned int len = addr & 1 ? 1 : 2;
	int ncpu = w->ncpus ? w->ncpus : 1, err = 0;
	struct lt_thread *t;

	for (size_t i = 0; i < w->n; i++)
		if (w->th[i].tid == tid)
			return 0;	/* seen by the iterator and at fork */
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 16;
		void *p = realloc(w->th, cap * sizeof(*w->th));

		if (!p)
			return -ENOMEM;
		w->th = p;
		w->cap = cap;
	}
	t = &w->th[w->n];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	for (int c = 0; c < ncpu && !err; c++) {
		int cpu = w->ncpus ? c : -1;

		for (__u64 a = addr; a < addr + 2 && !err; a += len) {
			if (t->nlinks == LT_WATCH_LINKS) {
				err = -E2BIG;
				break;
			}
			err = attach_one(s, t, cpu, a, len);
			/* a CPU that is not online has no registers */
			if (err == -ENODEV && w->ncpus)
				err = 0;
		}
	}
	if (err || !t->nlinks) {
		thread_drop(t);
		w->st.failed++;
		w->st.last_err = err ? -err : ENODEV;
		w->st.last_tid = tid;
		return err ? err : -ENODEV;
	}
	w->n++;
	w->st.watched++;
	if (w->n > w->st.peak)
		w->st.peak = w->n;
	if (s->cfg.verbose)
		fprintf(stderr, "lazytrace: watching tid %u (%zu threads)\n",
			tid, w->n);
	return 0;
}

static void thread_gone(struct lt_session *s, unsigned int tid)
{
	struct lt_watch *w = s->watch;

	for (size_t i = 0; i < w->n; i++) {
		if (w->th[i].tid != tid)
			continue;
		thread_drop(&w->th[i]);
		w->th[i] = w->th[--w->n];
		w->st.exited++;
		return;
	}
}

/* A thread created or gone (lt_watch_rb): addr 0 means gone. */
static int on_thread(void *ctx, void *data, size_t size)
{
	struct lt_session *s = ctx;
	struct lt_watch_thread rec;
	int err;

	if (size < sizeof(rec))
		return 0;
	memcpy(&rec, data, sizeof(rec));
	if (!rec.addr) {
		thread_gone(s, rec.tid);
		return 0;
	}
	err = watch_thread(s, rec.tid, rec.addr);
	/* Tracing goes on; the summary counts what was not watched. */
	if (err && s->watch->st.failed == 1)
		lt_err("cannot watch new thread %u: %s; its sections are "
		       "not seen (the summary counts them)", rec.tid,
		       strerror(-err));
	return 0;
}

/* The threads there now, from the task iterator's records. */
static int watch_existing(struct lt_session *s)
{
	struct bpf_link *it = bpf_program__attach_iter(s->skel->progs.it_watch,
						       NULL);
	struct lt_watch_thread rec;
	int fd, err = 0;
	ssize_t n;

	if (!it) {
		lt_err("cannot list the threads of pid %d: %s", s->cfg.pid,
		       strerror(errno));
		return -ESRCH;
	}
	fd = bpf_iter_create(bpf_link__fd(it));
	if (fd < 0) {
		lt_err("cannot list the threads of pid %d: %s", s->cfg.pid,
		       strerror(errno));
		bpf_link__destroy(it);
		return -ESRCH;
	}
	while (!err && (n = read(fd, &rec, sizeof(rec))) == sizeof(rec)) {
		err = watch_thread(s, rec.tid, rec.addr);
		if (err) {
			lt_err("cannot put a watchpoint on tid %u: %s%s",
			       rec.tid, strerror(-err), err == -ENOSPC ?
			       " (no free debug register)" : "");
		}
	}
	close(fd);
	bpf_link__destroy(it);
	if (err)
		return -EBUSY;
	if (!s->watch->n) {
		lt_err("pid %d has no threads to watch (it exited?)",
		       s->cfg.pid);
		return -ESRCH;
	}
	return 0;
}

int watch__attach(struct lt_session *s)
{
	struct bpf_link *l;
	int err;

	if (!s->feat.watch || s->plan.ev[LT_EV_ENTER].method != LT_M_WATCH)
		return 0;
	s->watch = calloc(1, sizeof(*s->watch));
	if (!s->watch) {
		lt_err("out of memory");
		return -ENOMEM;
	}
	s->watch->opener.sock = -1;
	err = watch_opener_start(&s->watch->opener);
	if (err) {
		lt_err("cannot start the watchpoint helper: %s", strerror(-err));
		return -ECHILD;
	}
	if (s->feat.watch_per_cpu) {
		s->watch->ncpus = libbpf_num_possible_cpus();
		if (s->watch->ncpus <= 0 ||
		    s->watch->ncpus * 2 > LT_WATCH_LINKS) {
			lt_err("--boundaries watch: %d CPUs, at most %d here",
			       s->watch->ncpus, LT_WATCH_LINKS / 2);
			return -E2BIG;
		}
	}
	/* New threads first: one created while the iterator runs is then
	 * seen by both, and the second watch_thread only costs a slot. */
	l = bpf_program__attach(s->skel->progs.tp_watch_fork);
	if (!l) {
		lt_err("cannot attach sched_process_fork: %s", strerror(errno));
		return -EINVAL;
	}
	s->watch->fork_link = l;
	return watch_existing(s);
}

int watch__poll_add(struct lt_session *s, struct ring_buffer *rb)
{
	if (!s->watch)
		return 0;
	return ring_buffer__add(rb, bpf_map__fd(s->skel->maps.lt_watch_rb),
				on_thread, s);
}

void watch__detach(struct lt_session *s)
{
	struct lt_watch *w = s->watch;

	if (!w)
		return;
	bpf_link__destroy(w->fork_link);
	w->fork_link = NULL;
	for (size_t i = 0; i < w->n; i++)
		thread_drop(&w->th[i]);
	w->n = 0;
}

const struct lt_watch_stats *watch__stats(const struct lt_session *s)
{
	return s->watch ? &s->watch->st : NULL;
}

void watch__free(struct lt_session *s)
{
	if (!s->watch)
		return;
	watch__detach(s);
	watch_opener_stop(&s->watch->opener);
	free(s->watch->th);
	free(s->watch);
	s->watch = NULL;
}
