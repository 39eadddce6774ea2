/* lt-timeit CMD [ARG...]
 * Runs CMD, waits for it and prints "TIME ns=<N> status=<S>" on stderr: the
 * CLOCK_MONOTONIC time from just before fork to just after the wait, so a
 * benchmark (bench/guest-bench.sh) times the workload itself and nothing of
 * the shell around it. Exits with CMD's exit status (127 if it cannot run). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long t0, t1;
	pid_t pid;
	int st;

	if (argc < 2) {
		fprintf(stderr, "usage: lt-timeit CMD [ARG...]\n");
		return 2;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("lt-timeit: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("lt-timeit: exec");
		_exit(127);
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
