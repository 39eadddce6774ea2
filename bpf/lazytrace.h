/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one header shared by the BPF programs and the loader: logical events,
 * finding kinds, the ring-buffer record and every map key and value.
 * Both sides must agree on these layouts byte for byte, so keep them plain
 * fixed-width types with explicit padding.
 */
#ifndef LAZYTRACE_H
#define LAZYTRACE_H

#define LT_COMM_LEN	16
#define LT_MAX_STACK	32	/* frames carried in a streamed finding */
#define LT_HIST_SLOTS	40	/* 0, then (2^(k-2), 2^(k-1)]: up to 2^38 */
#define LT_MAX_PROBES	64	/* attach slots, see lt_probe_cookie */

/* Logical events: the rows of the probe catalog (user/discover/catalog.c). */
enum lt_event {
	LT_EV_ENTER,		/* section enter (arch or generic hook) */
	LT_EV_LEAVE,		/* section leave */
	LT_EV_FLUSH,		/* arch flush of a section still open */
	LT_EV_PAUSE,		/* 7.0 lazy_mmu_mode_pause */
	LT_EV_RESUME,		/* 7.0 lazy_mmu_mode_resume */
	LT_EV_PAGE_ALLOC,	/* page allocator */
	LT_EV_TLB_FLUSH,	/* TLB flush */
	LT_EV_NEXT_BATCH,	/* mmu_gather: tlb_next_batch */
	LT_EV_BATCH_FREE,	/* mmu_gather: one page batch freed */
	LT_EV_TABLE_FREE,	/* mmu_gather: page table queued for free */
	LT_EV_GATHER_FINISH,	/* mmu_gather: tlb_finish_mmu */
	LT_EV_SYSCALL_EXIT,	/* return to user space */
	LT_EV_TASK_EXIT,	/* task exit */
	LT_EV_SCHED_SWITCH,	/* context switch */
	LT_EV_SWITCH_OUT,	/* Xen PV: lazy mode left for the outgoing task */
	LT_EV_SWITCH_IN,	/* Xen PV: ... and entered again for the next */
	LT_EV_MAX
};

/* Finding kinds. Names and order match lt_kind_names in user/discover/rules.c. */
enum lt_kind {
	LT_K_ALLOC_IN_LAZY,
	LT_K_FLUSH_IN_LAZY,
	LT_K_UNBALANCED_DISABLE,
	LT_K_ENABLE_WHILE_PAUSED,
	LT_K_OPEN_AT_USER_RETURN,
	LT_K_OPEN_AT_EXIT,
	LT_K_SLEEP_IN_LAZY,
	LT_K_NESTED_ENTER,
	LT_K_STATE_MISMATCH,
	LT_K_OUTER_LOST_LAZY,	/* an inner leave ended the enclosing section */
	LT_K_MAX
};

/*
 * What a leave does to the section, by API (the loader picks it from the
 * symbol that was found):
 *  COUNT  7.0 lazy_mmu_mode_disable(): one level down, lazy while > 0;
 *  OFF    pre-7.0 arch_leave_lazy_mmu_mode(void): lazy mode ends, however
 *         many sections are still open (nothing nests before 7.0);
 *  STATE  the seed's v2 API, arch_leave_lazy_mmu_mode(state): a NESTED
 *         state keeps lazy mode on, LAZY_MMU_DEFAULT ends it.
 */
enum lt_leave_sem {
	LT_LEAVE_COUNT,
	LT_LEAVE_OFF,
	LT_LEAVE_STATE,
};

#define LT_LAZY_MMU_DEFAULT	0	/* seed v2: enum lazy_mmu_state */
#define LT_LAZY_MMU_NESTED	1

enum lt_severity {
	LT_SEV_INFO = 1,	/* legal under the rule set, still worth seeing */
	LT_SEV_WARNING,
	LT_SEV_ERROR,
};

/* Where "this task is in a lazy MMU section" is read from. */
enum lt_state_src {
	LT_SRC_NONE,
	LT_SRC_TASK_COUNTERS,	/* task_struct.lazy_mmu_state, 7.0+ */
	LT_SRC_XEN_PERCPU,	/* per-cpu xen_lazy_mode, Xen PV guests */
	LT_SRC_ARM64_TIF,	/* thread_info.flags TIF_LAZY_MMU, 6.16-6.19 */
	LT_SRC_EVENT_DEPTH,	/* depth counted from enter/leave probes */
	LT_SRC_MAX
};

/* Which layout of task_struct.lazy_mmu_state the kernel uses. */
enum lt_counter_layout {
	LT_LAYOUT_V7,		/* {enable_count, pause_count}: merged 7.0 */
	LT_LAYOUT_V4,		/* {nesting_level, active}: drafts v4/v5 */
	LT_LAYOUT_V3,		/* {count, enabled}: draft v3 */
};

enum lt_hist_id {
	LT_H_BATCH_PAGES,	/* pages in one mmu_gather page batch */
	LT_H_GATHER_BATCHES,	/* page batches used by one mmu_gather */
	LT_H_FLUSH_SPAN,	/* pages covered by one TLB flush */
	LT_H_DEPTH,		/* nesting depth at in-section events */
	LT_H_ALLOC_ORDER,	/* order of page allocations */
	LT_H_SECTION_SPAN,	/* ns from outermost enter to leave */
	LT_H_MAX
};

/* Counters in the per-CPU stats array, summed by the loader. */
enum lt_stat {
	LT_ST_EVENT0,				/* LT_EV_MAX hit counters */
	LT_ST_RB_DROPS = LT_EV_MAX,		/* ring buffer full */
	LT_ST_AGG_FULL,				/* aggregation map full */
	LT_ST_GATHER_FULLMM,			/* finished gathers, fullmm */
	LT_ST_GATHER_PARTIAL,			/* finished gathers, ranged */
	LT_ST_STACK_LOST,			/* stack map collision */
	LT_ST_IRQ_SKIPPED,			/* events in interrupt ctx */
	LT_ST_TASKS_NEW,			/* lt_tasks entries created */
	LT_ST_TASKS_GONE,			/* ... deleted at task exit */
	LT_ST_INFO_HELD,			/* info findings not streamed */
	LT_ST_HIST_FULL,			/* histogram samples: map full */
	LT_ST_SWITCH_PAIRS,			/* scheduler leave/enter, no boundary */
	LT_ST_FLUSH_PAIRS,			/* flush-internal leave/enter */
	LT_ST_FLUSH_LEAVE,			/* 7.x arch flush: outermost disable */
	LT_ST_FLUSH_NESTED,			/* ... nested disable */
	LT_ST_FLUSH_PAUSED,			/* ... pause or switch-out */
	LT_ST_PARKED_FULL,			/* lt_parked map full */
	LT_ST_BOUND_ENTER,			/* real enters, filtered */
	LT_ST_BOUND_LEAVE,			/* real leaves, filtered */
	LT_ST_UNSEEN_START,			/* leaves of sections begun
						 * before the probes were in */
	LT_ST_RTLOCK_WAIT,			/* PREEMPT_RT sleeping-lock
						 * waits in active sections */
	LT_ST_BOUND_PAUSE,			/* real pauses, filtered */
	LT_ST_BOUND_RESUME,			/* real resumes, filtered */
	LT_ST_WATCH_TRAPS,			/* watchpoint hits */
	LT_ST_WATCH_RESYNC,			/* ... whose old value was not
						 * the one last seen: writes
						 * missed, counters re-read */
	LT_ST_WATCH_UNDECODED,			/* arm64: store not decoded */
	LT_ST_WATCH_UNWRAP,			/* enable of a wrapped counter:
						 * no section */
	LT_ST_WATCH_THREADS,			/* threads seeded for a watch */
	LT_ST_WATCH_REPEAT,			/* arm64: a store reported again
						 * before it ran */
	LT_ST_MAX
};

/*
 * What becomes of a finding that is legal under the rule set (severity
 * info): only counted, without a stack walk (the default: under 7.0 rules
 * tlb_next_batch's GFP_NOWAIT allocation repeats on every large unmap,
 * exit and fork, and unwinding each one was most of fork+exit's overhead,
 * docs/PERFORMANCE.md); streamed the first time its (kind, severity,
 * event, stack) group is seen and counted after that; or every one
 * streamed. Warnings and errors are always streamed.
 */
enum lt_info_mode {
	LT_INFO_COUNT,
	LT_INFO_FIRST,
	LT_INFO_ALL,
};

/*
 * A kprobe/fentry attachment's cookie carries the logical event in the
 * low byte and the catalog slot (which symbol or copy) above it, so one
 * program serves every copy of a static function.
 */
#define LT_COOKIE(ev, slot)	(((unsigned long long)(slot) << 8) | (ev))
#define LT_COOKIE_EV(c)		((c) & 0xff)
#define LT_COOKIE_SLOT(c)	((c) >> 8)

/* One streamed finding (ring buffer record). */
struct lt_finding {
	unsigned long long ts_ns;
	unsigned long long cgroup_id;
	unsigned long long gfp;		/* page allocation gfp flags */
	unsigned long long pages;	/* pages flushed, or allocated */
	unsigned long long detail;	/* kind specific, see docs/JSON.md */
	unsigned int kind;
	unsigned int severity;
	unsigned int pid;
	unsigned int tid;
	unsigned int cpu;
	unsigned int depth;		/* nesting depth, primary source */
	unsigned int pause;		/* pause count, primary source */
	unsigned int event;		/* enum lt_event that raised it */
	unsigned int slot;		/* catalog slot of the probe */
	unsigned int order;		/* page allocation order */
	int stack_id;			/* key into the aggregation map */
	unsigned int nstack;		/* frames in stack[] */
	char comm[LT_COMM_LEN];
	unsigned long long stack[LT_MAX_STACK];
};
/* A record without frames (the stack map has them under stack_id) is cut
 * here: under a third of the size, so the ring holds three times as many. */
#define LT_FINDING_HDR	__builtin_offsetof(struct lt_finding, stack)

/* In-kernel aggregation: exact counts per (kind, severity, stack). */
struct lt_agg_key {
	unsigned int kind;
	unsigned int severity;
	int stack_id;			/* -1 when stacks are off or lost */
	unsigned int event;
};

struct lt_agg_val {
	unsigned long long count;
	unsigned long long first_ns;
	unsigned long long last_ns;
};

struct lt_hist_key {
	unsigned int hist;		/* enum lt_hist_id */
	unsigned int pad;
	unsigned long long cgroup_id;	/* 0 unless --by-cgroup */
	char comm[LT_COMM_LEN];
};

struct lt_hist_val {
	unsigned long long slots[LT_HIST_SLOTS];
	unsigned long long sum;		/* exact sum: Prometheus _sum */
};

/* Exact finding counts per comm: the metrics endpoint's comm label. */
struct lt_comm_key {
	unsigned int kind;
	unsigned int severity;
	char comm[LT_COMM_LEN];
};

/*
 * What the arch hooks are doing on this CPU, for telling section
 * boundaries from the leave/enter pairs the kernel makes inside its own
 * functions (docs/STATE.md, "Xen PV"):
 *  SWITCH_OUT  a context switch began: a leave now parks the outgoing task;
 *  SWITCH_IN   it ends: the next enter resumes the incoming, parked task;
 *  FLUSH       a pre-7.0 arch flush: the next leave and enter are its own;
 *  FLUSH_LEFT  ... its leave was seen, its enter comes next.
 */
enum lt_cpu_phase {
	LT_PH_NONE,
	LT_PH_SWITCH_OUT,
	LT_PH_SWITCH_IN,
	LT_PH_FLUSH,
	LT_PH_FLUSH_LEFT,
};

/* Per-task state for the event-tracked source and section spans. */
struct lt_task {
	unsigned int depth;		/* open enters */
	unsigned int pause;
	unsigned long long start_ns;	/* outermost enter */
	unsigned int off;		/* sections open, lazy mode ended */
	unsigned int wrapped;		/* 7.x: a wrapped counter reported */
	unsigned int watched;		/* --boundaries watch: depth and pause
					 * mirror the task counters */
	unsigned int last_old;		/* arm64: old counters at ... */
	unsigned long long last_pc;	/* ... the last hit's store */
};

/*
 * --boundaries watch: a thread to put a write watchpoint on, from the
 * task iterator (threads there at the start) or the fork tracepoint (those
 * created later). addr is &task->lazy_mmu_state.
 */
struct lt_watch_thread {
	unsigned int tid;
	unsigned int pad;
	unsigned long long addr;
};

/* --boundaries watch: transitions per (event, depth after it, stack). */
struct lt_bound_key {
	unsigned int event;		/* LT_EV_ENTER, _LEAVE, _PAUSE, _RESUME */
	unsigned int depth;		/* enable_count after the write */
	int stack_id;			/* -1 when stacks are off or lost */
	unsigned int pad;
};

#endif /* LAZYTRACE_H */
