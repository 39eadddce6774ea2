/* lt-sections [--fifo] ROUNDS PAGES
 *
 * Known numbers of lazy MMU sections, counted by the workload itself, for
 * lazytrace --boundaries watch (tests/vm/guest-watch.sh). It prints
 * "READY pid=P" and then reads commands on stdin, one a line, answering
 * each with one line on stdout:
 *   main    ROUNDS times mprotect read-only and back on one populated
 *           region of PAGES small pages, then ROUNDS times mmap, touch and
 *           munmap such a region:
 *           "DONE main tid=T change=C zap=Z"
 *   spawn   a second thread, which waits: "THREAD tid=T"
 *   thread  that thread does the mprotect rounds: "DONE thread tid=T change=C"
 *   ctl W   writes W to the lt_inject module's ctl file (tests/kmod), in
 *           one write from this thread: "CTL ok" or "CTL error E"
 * EOF ends it, the second thread too.
 *
 * C and Z are the sections the kernel opens for those calls: one for each
 * page-table page (PMD) the range covers, in change_pte_range() (7.2
 * mm/mprotect.c:340) and zap_pte_range() (mm/memory.c:1925), counted here
 * from the region's addresses. zap_pte_range() also ends its section
 * early and opens another when need_resched() is set (memory.c:1929):
 * --fifo runs the workload SCHED_FIFO, so that the tracer's wake-ups
 * cannot set it, and the counts are exact.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include "wl.h"

static long rounds, pages;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int thread_go, thread_done, thread_exit;
static long thread_change;
static unsigned int thread_tid;

/* Page-table pages covering [p, p + len): a PTE table maps PG / 8
 * entries (8-byte PTEs on x86-64 and arm64, any page size). */
static long pmds(const unsigned char *p, long len)
{
	uintptr_t span = PG * (PG / 8), a = (uintptr_t)p;

	return (long)((a + len - 1) / span - a / span + 1);
}

static unsigned int tid(void)
{
	return (unsigned int)syscall(SYS_gettid);
}

/* ROUNDS read-only-and-back pairs on one populated region. */
static long change_rounds(void)
{
	unsigned char *p = wl_map_small_or_exit("lt-sections", pages,
						WL_NOHUGE_MUST);
	long n = 0;

	for (long r = 0; r < rounds; r++) {
		if (mprotect(p, pages * PG, PROT_READ) ||
		    mprotect(p, pages * PG, PROT_READ | PROT_WRITE)) {
			perror("lt-sections: mprotect");
			exit(1);
		}
		n += 2 * pmds(p, pages * PG);
	}
	/* left mapped: its munmap would be a section of its own */
	return n;
}

static long zap_rounds(void)
{
	long n = 0;

	for (long r = 0; r < rounds; r++) {
		unsigned char *p = wl_map_small_or_exit("lt-sections", pages,
							WL_NOHUGE_MUST);

		n += pmds(p, pages * PG);
		if (munmap(p, pages * PG)) {
			perror("lt-sections: munmap");
			exit(1);
		}
	}
	return n;
}

static void *second(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	thread_tid = tid();
	pthread_cond_broadcast(&cv);
	while (!thread_go && !thread_exit)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	if (thread_exit)
		return NULL;
	thread_change = change_rounds();
	pthread_mutex_lock(&mu);
	thread_done = 1;
	pthread_cond_broadcast(&cv);
	/* Waits for EOF: glibc's thread exit madvises its stack away,
	 * a section after the count. */
	while (!thread_exit)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

/* The injection module's words run in the writer's context: this
 * thread's, whose sections the tracer watches. */
static const char *ctl_write(const char *word)
{
	static char err[32];
	int fd = open("/sys/kernel/debug/lt_inject/ctl", O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, word, strlen(word));

	if (n == (ssize_t)strlen(word)) {
		close(fd);
		return "ok";
	}
	snprintf(err, sizeof(err), "error %d", errno);
	if (fd >= 0)
		close(fd);
	return err;
}

int main(int argc, char **argv)
{
	struct sched_param sp = { .sched_priority = 1 };
	int fifo = argc > 1 && !strcmp(argv[1], "--fifo");
	pthread_t th;
	int spawned = 0;
	char line[96];

	if (argc != 3 + fifo) {
		fprintf(stderr, "usage: lt-sections [--fifo] ROUNDS PAGES\n");
		return 2;
	}
	rounds = wl_arg("lt-sections", argv[1 + fifo], 1, 100000);
	/* one page-table page's worth at most, so that a region covers
	 * one or two of them */
	pages = wl_arg("lt-sections", argv[2 + fifo], 1, (long)(PG / 8));
	if (fifo && sched_setscheduler(0, SCHED_FIFO, &sp)) {
		perror("lt-sections: SCHED_FIFO");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("READY pid=%d\n", getpid());
	while (fgets(line, sizeof(line), stdin)) {
		if (!strcmp(line, "main\n")) {
			long c = change_rounds(), z = zap_rounds();

			printf("DONE main tid=%u change=%ld zap=%ld\n", tid(),
			       c, z);
		} else if (!strcmp(line, "spawn\n") && !spawned) {
			/* Our own stack: glibc's would mprotect a guard
			 * page, a section of its own where a populated
			 * mapping shares the page table (seen: 161 of 160) */
			size_t sz = 256 * 1024;
			void *stk = mmap(NULL, sz, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS |
					 MAP_STACK, -1, 0);
			pthread_attr_t at;

			if (stk == MAP_FAILED || pthread_attr_init(&at) ||
			    pthread_attr_setstack(&at, stk, sz) ||
			    pthread_create(&th, &at, second, NULL)) {
				fprintf(stderr, "lt-sections: no thread\n");
				return 1;
			}
			spawned = 1;
			pthread_mutex_lock(&mu);
			while (!thread_tid)
				pthread_cond_wait(&cv, &mu);
			pthread_mutex_unlock(&mu);
			printf("THREAD tid=%u\n", thread_tid);
		} else if (!strcmp(line, "thread\n") && spawned) {
			pthread_mutex_lock(&mu);
			thread_go = 1;
			pthread_cond_broadcast(&cv);
			while (!thread_done)
				pthread_cond_wait(&cv, &mu);
			pthread_mutex_unlock(&mu);
			printf("DONE thread tid=%u change=%ld\n", thread_tid,
			       thread_change);
		} else if (!strncmp(line, "ctl ", 4)) {
			printf("CTL %s\n", ctl_write(line + 4));
		} else {
			fprintf(stderr, "lt-sections: bad command %s", line);
			return 2;
		}
	}
	if (spawned) {
		pthread_mutex_lock(&mu);
		thread_exit = 1;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		pthread_join(th, NULL);
	}
	return 0;
}
