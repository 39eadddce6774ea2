/* lt-timeit [--hold] CMD [ARG...]
 * Runs CMD, waits for it and prints "TIME ns=<N> status=<S>" on stderr: the
 * CLOCK_MONOTONIC time from just before fork to just after the wait, so a
 * benchmark (bench/guest-bench.sh) times the workload itself and nothing of
 * the shell around it. Exits with CMD's exit status (127 if it cannot run).
 * --hold: for a traced pid. CMD's process is held before its exec; "HOLD
 * pid=<N>" goes to stderr and a line on stdin lets it go (meanwhile the
 * harness starts lazytrace -p N), and the time runs from there. The pid and
 * task stay the same through exec, so -p N and a watchpoint on its thread
 * cover CMD (bench/guest-watch-bench.sh). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* --hold: the child waits for a byte on gate before its exec, and the
 * clock starts when the harness says go. */
static long long hold(pid_t pid, int gate)
{
	char line[16];
	long long t0;

	fprintf(stderr, "HOLD pid=%d\n", pid);
	if (!fgets(line, sizeof(line), stdin)) {
		fprintf(stderr, "lt-timeit: no go line\n");
		exit(1);
	}
	t0 = now_ns();
	if (write(gate, "g", 1) != 1) {
		perror("lt-timeit: release");
		exit(1);
	}
	close(gate);
	return t0;
}

int main(int argc, char **argv)
{
	int held = argc > 1 && !strcmp(argv[1], "--hold");
	int gate[2] = { -1, -1 };
	long long t0, t1;
	pid_t pid;
	int st;
	char go;

	if (argc < 2 + held) {
		fprintf(stderr, "usage: lt-timeit [--hold] CMD [ARG...]\n");
		return 2;
	}
	argv += held;
	if (held && pipe(gate)) {
		perror("lt-timeit: pipe");
		return 1;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("lt-timeit: fork");
		return 1;
	}
	if (pid == 0) {
		if (held) {
			close(gate[1]);
			if (read(gate[0], &go, 1) != 1)
				_exit(126);	/* the harness gave up */
			close(gate[0]);
		}
		execvp(argv[1], argv + 1);
		perror("lt-timeit: exec");
		_exit(127);
	}
	if (held) {
		close(gate[0]);
		t0 = hold(pid, gate[1]);
	}
	if (waitpid(pid, &st, 0) < 0) {
		perror("lt-timeit: waitpid");
		return 1;
	}
	t1 = now_ns();
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	fprintf(stderr, "TIME ns=%lld status=%d\n", t1 - t0, st);
	return st;
}
