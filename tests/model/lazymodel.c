/*
 * A user-space model of the kernel's lazy MMU code paths, traced by
 * `lazytrace --uprobe-target`. Its functions carry the kernel's names and
 * are never inlined, so the same BPF programs that kprobe a kernel attach
 * here as uprobes. Built twice, like the two kernel eras:
 *   lt-model-pre7  arch hooks with the seed's v2 API: state = enter(),
 *                  leave(state), LAZY_MMU_DEFAULT from xen_flush_lazy_mmu;
 *   lt-model-v7    7.0 generic helpers lazy_mmu_mode_enable/disable/pause/
 *                  resume with per-task counters, over void arch hooks.
 * Usage: lt-model-* SCENARIO   (no argument lists them)
 * Adding a scenario: write a function below and add a row to `scenarios`
 * (docs/MODEL.md).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define MODEL __attribute__((noinline, used))
/* keeps a function's body (and so its symbol) from being folded away */
#define BODY() __asm__ volatile("" ::: "memory")
/* An argument the model ignores must still reach the callee: without a use,
 * clang passes undef for it and the tracer would read a stale register. */
#define USE(x) __asm__ volatile("" :: "r"(x))

/* gfp masks as the kernel spells them (7.x bit values) */
#define GFP_NOWAIT	0x2800UL	/* __GFP_KSWAPD_RECLAIM | __GFP_NOWARN */
#define GFP_KERNEL	0xcc0UL		/* may sleep: __GFP_DIRECT_RECLAIM */

/* The leading fields of struct mmu_gather keep the kernel's offsets, so
 * lazytrace's CO-RE reads of start, end and the flags land on them (the
 * same from 6.1 to 7.2 on x86-64 and arm64). */
struct mmu_gather {
	void *mm;
	void *batch;
	unsigned long start, end;
	unsigned int fullmm : 1, need_flush_all : 1, freed_tables : 1,
		     delayed_rmap : 1, cleared_ptes : 1, cleared_pmds : 1,
		     cleared_puds : 1, cleared_p4ds : 1;
};

static __thread int lazy;	/* the model's own "in lazy mode" */

/* ---------------- arch hooks ---------------- */
#ifdef MODEL_V7
MODEL void arch_enter_lazy_mmu_mode(void) { lazy = 1; BODY(); }
MODEL void arch_leave_lazy_mmu_mode(void) { lazy = 0; BODY(); }
MODEL void arch_flush_lazy_mmu_mode(void) { BODY(); }

/* 7.0 generic helpers, as in include/linux/pgtable.h */
static __thread unsigned char enable_count, pause_count;

MODEL void lazy_mmu_mode_enable(void)
{
	if (pause_count)
		return;
	if (enable_count++ == 0)
		arch_enter_lazy_mmu_mode();
	BODY();
}

MODEL void lazy_mmu_mode_disable(void)
{
	if (pause_count || !enable_count)
		return;
	if (--enable_count == 0)
		arch_leave_lazy_mmu_mode();
	else
		arch_flush_lazy_mmu_mode();
	BODY();
}

MODEL void lazy_mmu_mode_pause(void)
{
	if (pause_count++ == 0 && enable_count)
		arch_leave_lazy_mmu_mode();
	BODY();
}

MODEL void lazy_mmu_mode_resume(void)
{
	if (--pause_count == 0 && enable_count)
		arch_enter_lazy_mmu_mode();
	BODY();
}

#define ENTER()		(lazy_mmu_mode_enable(), 0)
#define LEAVE(s)	lazy_mmu_mode_disable()
#define MODEL_NAME	"v7"
#else
enum lazy_mmu_state { LAZY_MMU_DEFAULT, LAZY_MMU_NESTED };

MODEL enum lazy_mmu_state arch_enter_lazy_mmu_mode(void)
{
	enum lazy_mmu_state s = lazy ? LAZY_MMU_NESTED : LAZY_MMU_DEFAULT;

	lazy = 1;
	BODY();
	return s;
}

MODEL void arch_leave_lazy_mmu_mode(enum lazy_mmu_state s)
{
	USE(s);
	if (s == LAZY_MMU_DEFAULT)
		lazy = 0;
	BODY();
}

MODEL void arch_flush_lazy_mmu_mode(void) { BODY(); }

/* Xen's flush: leave fully, then enter again. `probe` allocates in
 * between, where lazy mode must be off whatever the nesting. */
MODEL void __get_free_pages_probe(int order);
MODEL void xen_flush_lazy_mmu(int probe)
{
	USE(probe);
	arch_leave_lazy_mmu_mode(LAZY_MMU_DEFAULT);
	if (probe)
		__get_free_pages_probe(probe);
	arch_enter_lazy_mmu_mode();
	BODY();
}

#define ENTER()		arch_enter_lazy_mmu_mode()
#define LEAVE(s)	arch_leave_lazy_mmu_mode(s)
#define MODEL_NAME	"pre7"
#endif

/* ---------------- allocator, mmu_gather, page tables ---------------- */
static char page[4096];

MODEL unsigned long __get_free_pages(unsigned long gfp, unsigned int order)
{
	USE(gfp);
	USE(order);
	BODY();
	return (unsigned long)page;
}

MODEL void __get_free_pages_probe(int order)
{
	USE(order);
	__get_free_pages(GFP_NOWAIT, order);
}

MODEL int tlb_next_batch(struct mmu_gather *tlb)
{
	USE(tlb);
	BODY();
	return __get_free_pages(GFP_NOWAIT, 0) != 0;
}

MODEL void tlb_flush_mmu_tlbonly(struct mmu_gather *tlb) { USE(tlb); BODY(); }
MODEL void tlb_batch_pages_flush(struct mmu_gather *tlb) { USE(tlb); BODY(); }
MODEL void tlb_remove_table(struct mmu_gather *tlb, void *t) { USE(tlb); USE(t); BODY(); }

/* DEBUG_PAGEALLOC: mapping a fresh page updates the linear map in a lazy
 * section of its own. */
MODEL int apply_to_page_range(void)
{
	int s = ENTER();

	(void)s;
	BODY();
	LEAVE(s);
	return 0;
}

MODEL void __kernel_map_pages(void)
{
	apply_to_page_range();
}

MODEL unsigned long alloc_debug_pagealloc(void)
{
	unsigned long p = __get_free_pages(GFP_NOWAIT, 0);

	__kernel_map_pages();
	return p;
}

/* ---------------- scenarios ---------------- */

/* 1. Roberts: tlb_next_batch allocates inside zap_pte_range's section */
MODEL void zap_pte_range(struct mmu_gather *tlb, int fixed)
{
	int s = ENTER();

	(void)s;
	if (fixed) {	/* his fix: leave around the allocation */
		LEAVE(s);
		tlb_next_batch(tlb);
		s = ENTER();
	} else {
		tlb_next_batch(tlb);
	}
	LEAVE(s);
}

static void roberts_bug(void) { struct mmu_gather t = { 0 }; zap_pte_range(&t, 0); }
static void roberts_fix(void) { struct mmu_gather t = { 0 }; zap_pte_range(&t, 1); }

/* 3. an allocation in a section under DEBUG_PAGEALLOC nests a section */
static void debug_pagealloc(void)
{
	int s = ENTER();

	(void)s;
	alloc_debug_pagealloc();
	BODY();		/* the outer section's remainder */
	LEAVE(s);
}

#ifndef MODEL_V7
/* 4. the seed's v2 API. __get_free_pages_probe(order) marks each step:
 * lazytrace's findings carry the depth seen at every one of them. */
static void seed_v2(void)
{
	enum lazy_mmu_state s1, s2;

	s1 = arch_enter_lazy_mmu_mode();	/* depth 1 */
	__get_free_pages_probe(1);
	xen_flush_lazy_mmu(10);			/* off at 10, back on */
	__get_free_pages_probe(2);		/* depth 1 */
	arch_leave_lazy_mmu_mode(s1);
	__get_free_pages_probe(3);		/* off */

	s1 = arch_enter_lazy_mmu_mode();
	__get_free_pages_probe(4);		/* depth 1 */
	s2 = arch_enter_lazy_mmu_mode();	/* NESTED */
	__get_free_pages_probe(5);		/* depth 2 */
	xen_flush_lazy_mmu(11);			/* off at 11 though nested */
	__get_free_pages_probe(6);		/* depth 2 */
	arch_leave_lazy_mmu_mode(s2);		/* NESTED: stays on */
	__get_free_pages_probe(7);		/* depth 1 */
	arch_leave_lazy_mmu_mode(s1);
	__get_free_pages_probe(8);		/* off */
}
#else
/* 5. 7.0 pause/resume */
static void pause_resume(void)
{
	lazy_mmu_mode_enable();
	lazy_mmu_mode_enable();
	lazy_mmu_mode_pause();
	__get_free_pages(GFP_NOWAIT, 0);	/* paused: not lazy */
	lazy_mmu_mode_resume();
	lazy_mmu_mode_disable();
	lazy_mmu_mode_disable();
}

/* 7.0: an enable and a disable while paused change nothing
 * (pgtable.h: "has no effect"); the section stays one level deep, and
 * the allocation after the resume is inside it */
static void enable_paused(void)
{
	lazy_mmu_mode_enable();
	lazy_mmu_mode_pause();
	lazy_mmu_mode_enable();
	lazy_mmu_mode_disable();
	lazy_mmu_mode_resume();
	__get_free_pages(GFP_NOWAIT, 0);	/* depth 1 */
	lazy_mmu_mode_disable();
}

/* a sleeping allocation inside a 7.0 section */
static void sleeping_alloc(void)
{
	lazy_mmu_mode_enable();
	__get_free_pages(GFP_KERNEL, 2);
	lazy_mmu_mode_disable();
}
#endif

/* 6. leave with nothing open */
static void unbalanced(void)
{
#ifdef MODEL_V7
	lazy_mmu_mode_disable();
#else
	arch_leave_lazy_mmu_mode(LAZY_MMU_DEFAULT);
#endif
}

/* 7. a thread exits inside a section */
static void *open_thread(void *arg)
{
	int s = ENTER();

	(void)s;
	printf("OPEN tid=%d\n", gettid());
	return NULL;
}

static void exit_open(void)
{
	pthread_t t;

	pthread_create(&t, NULL, open_thread, NULL);
	pthread_join(t, NULL);
}

/* 8. a TLB flush inside a section */
static void flush_in_lazy(void)
{
	struct mmu_gather t = { .start = 0x10000, .end = 0x20000,
				.cleared_ptes = 1 };
	int s = ENTER();

	(void)s;
	tlb_flush_mmu_tlbonly(&t);	/* 16 pages */
	LEAVE(s);
}

/* 8b. the same call with nothing cleared: tlb_flush_mmu_tlbonly returns at
 * once. A full-mm gather keeps start = end = ~0 after __tlb_reset_range,
 * so its end says nothing. */
static void flush_noop(void)
{
	struct mmu_gather t = { .start = ~0UL, .end = ~0UL, .fullmm = 1 };
	int s = ENTER();

	(void)s;
	tlb_flush_mmu_tlbonly(&t);
	LEAVE(s);
}

/* 9. 8 threads, 10000 sections each; thread 3 allocates in every 100th */
#define THREADS		8
#define SECTIONS	10000
static pthread_barrier_t go;

static void *section_thread(void *arg)
{
	long me = (long)arg;

	if (me == 3)
		printf("ALLOCATOR tid=%d\n", gettid());
	pthread_barrier_wait(&go);
	for (int i = 0; i < SECTIONS; i++) {
		int s = ENTER();

		(void)s;
		if (me == 3 && i % 100 == 0)
			__get_free_pages(GFP_NOWAIT, 0);
		LEAVE(s);
	}
	return NULL;
}

static void concurrency(void)
{
	pthread_t t[THREADS];

	pthread_barrier_init(&go, NULL, THREADS);
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, section_thread, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
}

/* 10. throughput (scripts/bench-throughput.sh): `storm THREADS N [RATE]`.
 * Each thread opens one section and allocates N times in it, paced to RATE
 * allocations per second in all (0 = flat out); prints its own count. */
static long storm_threads = 2, storm_n = 100000, storm_rate;
static double storm_t[64][2];	/* each thread's first and last call */

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *storm_thread(void *arg)
{
	double t0, per = storm_rate ? (double)storm_threads / storm_rate : 0;
	double *t = arg;
	int s = ENTER();

	(void)s;
	pthread_barrier_wait(&go);
	t[0] = t0 = mono_s();
	for (long i = 0; i < storm_n; i++) {
		/* on schedule every 64 calls: the clock is not free either */
		while (per && !(i & 63) && mono_s() < t0 + i * per)
			;
		__get_free_pages(GFP_NOWAIT, 0);
	}
	t[1] = mono_s();
	LEAVE(s);
	return NULL;
}

static void storm(void)
{
	pthread_t t[64];
	double first = 0, last = 0;

	pthread_barrier_init(&go, NULL, storm_threads);
	for (long i = 0; i < storm_threads; i++)
		pthread_create(&t[i], NULL, storm_thread, storm_t[i]);
	for (long i = 0; i < storm_threads; i++) {
		pthread_join(t[i], NULL);
		if (!i || storm_t[i][0] < first)
			first = storm_t[i][0];
		if (storm_t[i][1] > last)
			last = storm_t[i][1];
	}
	printf("STORM allocs=%ld threads=%ld seconds=%.6f\n",
	       storm_threads * storm_n, storm_threads, last - first);
}

/* 11. 10,000 short-lived tasks, each with per-task section state; every
 * 10th exits with its section open. Sequential: the state of one dead
 * task must be gone before the next, which bounds what is held. */
#define FORKS		10000

static void fork_storm(void)
{
	for (int i = 0; i < FORKS; i++) {
		pid_t p = fork();

		if (p < 0) {
			perror("fork");
			exit(1);
		}
		if (p == 0) {
			int s = ENTER();

			(void)s;
			if (i % 10)
				LEAVE(s);
			_exit(0);
		}
		if (waitpid(p, NULL, 0) != p) {
			perror("waitpid");
			exit(1);
		}
	}
}

/*
 * The same finding on two CPUs, one after the other: its group's per-CPU
 * slots are merged by the loader, and the second CPU's slot, zeroed when
 * the first CPU created the group, must still get a first-seen time.
 * Prints the CPUs used and the CLOCK_MONOTONIC window around both.
 */
static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void two_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long long t0 = mono_ns();

	/* one call site, so both findings have one stack, one group */
	for (int i = 0; i < 2; i++) {
		pin(i && n > 1 ? (int)n - 1 : 0);
		roberts_bug();
	}
	printf("CPUS first=0 second=%ld t0=%llu t1=%llu\n", n > 1 ? n - 1 : 0,
	       t0, mono_ns());
}

/*
 * 3000 comms, each one section: two histogram entries each (depth at the
 * enter, span at the leave), 6000 for a 4096-entry histogram map. Every
 * sample is either in a histogram or counted lost (summary hist_full).
 */
static void many_comms(void)
{
	char name[16];

	for (int i = 0; i < 3000; i++) {
		int s;

		snprintf(name, sizeof(name), "lt-c%04d", i);
		if (prctl(PR_SET_NAME, name)) {
			perror("prctl");
			exit(1);
		}
		s = ENTER();
		(void)s;
		LEAVE(s);
	}
	prctl(PR_SET_NAME, "lt-model-" MODEL_NAME);
}

static const struct {
	const char *name;
	void (*run)(void);
} scenarios[] = {
	{ "roberts-bug", roberts_bug },
	{ "roberts-fix", roberts_fix },
	{ "debug-pagealloc", debug_pagealloc },
#ifndef MODEL_V7
	{ "seed-v2", seed_v2 },
#else
	{ "pause-resume", pause_resume },
	{ "sleeping-alloc", sleeping_alloc },
	{ "enable-paused", enable_paused },
#endif
	{ "unbalanced", unbalanced },
	{ "exit-open", exit_open },
	{ "flush-in-lazy", flush_in_lazy },
	{ "flush-noop", flush_noop },
	{ "concurrency", concurrency },
	{ "storm", storm },
	{ "fork-storm", fork_storm },
	{ "two-cpus", two_cpus },
	{ "many-comms", many_comms },
};

int main(int argc, char **argv)
{
	size_t n = sizeof(scenarios) / sizeof(scenarios[0]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "storm")) {
		storm_threads = atol(argv[2]);
		storm_n = atol(argv[3]);
		storm_rate = argc > 4 ? atol(argv[4]) : 0;
		if (storm_threads < 1 || storm_threads > 64 || storm_n < 1 ||
		    storm_rate < 0) {
			fprintf(stderr, "usage: storm THREADS(1-64) N [RATE]\n");
			return 2;
		}
		argc = 2;
	}
	for (size_t i = 0; argc == 2 && i < n; i++) {
		if (strcmp(argv[1], scenarios[i].name))
			continue;
		scenarios[i].run();
		printf("DONE %s %s\n", MODEL_NAME, argv[1]);
		return 0;
	}
	fprintf(stderr, "usage: lt-model-%s SCENARIO\nscenarios:", MODEL_NAME);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %s", scenarios[i].name);
	fputc('\n', stderr);
	return 2;
}
