// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "attach.h"
#include "feature_probe.h"
#include "lazytrace.skel.h"
#include "log.h"
#include "setup.h"
#include "watch.h"

/* CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns() and task start_time */
static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int verbose_print(enum libbpf_print_level level, const char *fmt,
			 va_list ap)
{
	return vfprintf(stderr, fmt, ap);
}

static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

/* What a leave means depends on which leave symbol was found. */
static enum lt_leave_sem leave_sem(struct lt_session *s)
{
	const struct lt_choice *ch = &s->plan.ev[LT_EV_LEAVE];

	if (!ch->cand)
		return LT_LEAVE_COUNT;
	if (ch->cand->sem == LT_LEAVE_OFF && s->cfg.seed_v2)
		return LT_LEAVE_STATE;
	if (ch->cand->sem == LT_LEAVE_OFF && s->sp.leave_nests)
		return LT_LEAVE_COUNT;	/* 6.12 xen_lazy_nesting */
	return ch->cand->sem;
}

static void set_knobs(struct lt_session *s)
{
	struct lazytrace_bpf__rodata *ro = s->skel->rodata;
	const struct lt_ruleset *rs = &lt_rulesets[s->rules];
	uint64_t reclaim = gfp_mask_of(&s->gfp, "__GFP_DIRECT_RECLAIM");

	ro->cfg_src = s->sp.primary;
	ro->cfg_src2 = s->sp.secondary;
	ro->cfg_layout = s->sp.layout;
	ro->cfg_tif_bit = s->sp.tif_bit;
	ro->cfg_irq_check = s->sp.irq_check;
	if (s->sp.thread_size)
		ro->cfg_thread_size = s->sp.thread_size;
	ro->cfg_pc_var = s->sp.pc_var;
	ro->cfg_pcpu_offsets = s->sp.pcpu_offsets;
	ro->cfg_xen_var = s->sp.xen_var;
	ro->cfg_tgid = s->cfg.pid;
	ro->cfg_cgroup_id = s->cgroup_id;
	ro->cfg_comm_on = s->cfg.comm_on;
	memcpy((void *)ro->cfg_comm, s->cfg.comm, LT_COMM_LEN);
	ro->cfg_stacks = s->cfg.stacks > 0;
	ro->cfg_by_cgroup = s->cfg.by_cgroup;
	ro->cfg_info = s->cfg.info;
	memcpy((void *)ro->cfg_sev, rs->sev, sizeof(rs->sev));
	ro->cfg_sev_alloc_sleep = rs->sev_alloc_sleep;
	if (reclaim)	/* else keep 0x400, the value since 2.6 */
		ro->cfg_gfp_reclaim = reclaim;
	ro->cfg_page_shift = __builtin_ctzl(sysconf(_SC_PAGESIZE));
	ro->cfg_user = s->cfg.uprobe_target != NULL;
	ro->cfg_leave_sem = leave_sem(s);
	ro->cfg_watch = s->plan.ev[LT_EV_ENTER].method == LT_M_WATCH;
	for (int e = 0; e < LT_EV_MAX; e++)
		ro->cfg_fentry_slot[e] = s->plan.ev[e].first_slot;
	/* Preallocated, the per-CPU values of the histogram, aggregation and
	 * per-comm maps cost ~1.8 MB a CPU whether used or not (~340 MB on
	 * 192 CPUs), where a trace fills a few dozen entries; allocated at
	 * insert, only those. An insert the allocator refuses is counted as
	 * a full map's would be (hist_full, aggregation_full). */
	if (s->feat.alloc_at_insert) {
		struct bpf_map *per_cpu[] = { s->skel->maps.lt_hists,
			s->skel->maps.lt_agg, s->skel->maps.lt_comms };

		for (size_t i = 0; i < sizeof(per_cpu) / sizeof(*per_cpu); i++)
			bpf_map__set_map_flags(per_cpu[i],
					       bpf_map__map_flags(per_cpu[i]) |
					       BPF_F_NO_PREALLOC);
	}
	if (!s->cfg.stacks)
		bpf_map__set_max_entries(s->skel->maps.lt_stacks, 1);
	if (s->cfg.ring_kib)
		bpf_map__set_max_entries(s->skel->maps.lt_rb,
					 s->cfg.ring_kib * 1024);
}

/* Only the chosen programs load; the rest of the ladder stays on disk. */
static int select_programs(struct lt_session *s)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, s->skel->obj)
		bpf_program__set_autoload(p, false);
	for (int e = 0; e < LT_EV_MAX; e++) {
		const struct lt_choice *ch = &s->plan.ev[e];

		if (ch->method == LT_M_NONE)
			continue;
		p = bpf_object__find_program_by_name(s->skel->obj, ch->prog);
		if (!p) {
			lt_err("internal: no program %s", ch->prog);
			return -ENOENT;
		}
		bpf_program__set_autoload(p, true);
		/* the watch's helpers: its thread list and new threads */
		if (ch->method == LT_M_WATCH) {
			bpf_program__set_autoload(s->skel->progs.it_watch, true);
			bpf_program__set_autoload(s->skel->progs.tp_watch_fork,
						  true);
		}
		if (ch->method == LT_M_FENTRY &&
		    bpf_program__set_attach_target(p, 0, ch->cand->symbol)) {
			lt_err("cannot target fentry at %s", ch->cand->symbol);
			return -EINVAL;
		}
	}
	return 0;
}

int attach_open_load(struct lt_session *s)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = s->cfg.btf_path);
	int err;

	libbpf_set_print(s->cfg.verbose > 1 ? verbose_print : quiet_print);
	s->skel = lazytrace_bpf__open_opts(&opts);
	if (!s->skel) {
		lt_err("cannot open the BPF object: %s", strerror(errno));
		return -EINVAL;
	}
	set_knobs(s);
	err = select_programs(s);
	if (err)
		return err;
	err = lazytrace_bpf__load(s->skel);
	if (err) {
		lt_err("BPF load failed: %s (run with -vv for the verifier log)",
		       strerror(-err));
		return -EINVAL;
	}
	return 0;
}

static int add_link(struct lt_session *s, struct bpf_link *l, const char *what)
{
	if (!l) {
		lt_err("cannot attach %s: %s", what, strerror(errno));
		return -EINVAL;
	}
	s->links[s->nlinks++] = l;
	return 0;
}

/* kprobes go in by address, one per copy, each with its slot as cookie. */
static int attach_kprobes(struct lt_session *s, enum lt_event ev,
			  struct bpf_program *p, const struct lt_choice *ch)
{
	for (unsigned int i = 0; i < ch->ncopies; i++) {
		LIBBPF_OPTS(bpf_perf_event_opts, po,
			    .bpf_cookie = LT_COOKIE(ev, ch->first_slot + i));
		int pfd = kprobe_open_addr(ch->addrs[i], false);
		struct bpf_link *l;

		if (pfd < 0) {
			lt_err("kprobe at %s (0x%llx): %s", ch->names[i],
			       (unsigned long long)ch->addrs[i], strerror(errno));
			return -EINVAL;
		}
		l = bpf_program__attach_perf_event_opts(p, pfd, &po);
		if (!l)
			close(pfd);	/* the link owns it otherwise */
		if (add_link(s, l, ch->names[i]))
			return -EINVAL;
	}
	return 0;
}

/* A model function, by name; libbpf turns it into a file offset. */
static int attach_uprobe(struct lt_session *s, enum lt_event ev,
			 struct bpf_program *p, const struct lt_choice *ch)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = ch->names[0],
		    .bpf_cookie = LT_COOKIE(ev, ch->first_slot));

	return add_link(s, bpf_program__attach_uprobe_opts(p, -1,
			s->cfg.uprobe_target, 0, &uo), ch->names[0]);
}

int attach_all(struct lt_session *s)
{
	for (int e = 0; e < LT_EV_MAX; e++) {
		const struct lt_choice *ch = &s->plan.ev[e];
		struct bpf_program *p;
		int err = 0;

		if (ch->method == LT_M_NONE)
			continue;
		p = bpf_object__find_program_by_name(s->skel->obj, ch->prog);
		switch (ch->method) {
		case LT_M_FENTRY:
			err = add_link(s, bpf_program__attach_trace(p),
				       ch->cand->symbol);
			break;
		case LT_M_KPROBE:
			err = attach_kprobes(s, e, p, ch);
			break;
		case LT_M_UPROBE:
			err = attach_uprobe(s, e, p, ch);
			break;
		case LT_M_TRACEPOINT:
			err = add_link(s, bpf_program__attach_raw_tracepoint(
					       p, ch->names[0]), ch->names[0]);
			break;
		case LT_M_WATCH:	/* per thread, after the loop */
		default:
			break;
		}
		if (err)
			return err;
	}
	/* Probes attach one by one, seconds apart under emulation: a section
	 * whose enter came before its leave's probe would leave its task one
	 * level too deep for good (seen on 6.12 dom0, the shell that started
	 * lazytrace). Boundaries count from here on (handlers.bpf.h). */
	s->skel->bss->lt_ready_ns = mono_ns();
	return watch__attach(s);
}

void attach_detach(struct lt_session *s)
{
	watch__detach(s);
	for (int i = 0; i < s->nlinks; i++)
		bpf_link__destroy(s->links[i]);
	s->nlinks = 0;
}

void attach_teardown(struct lt_session *s)
{
	if (s->rb)
		ring_buffer__free(s->rb);
	s->rb = NULL;
	attach_detach(s);
	watch__free(s);
	lazytrace_bpf__destroy(s->skel);
	s->skel = NULL;
}
