/* lt-hold CMD [ARG...]
 * lt-timeit for a traced pid: forks CMD's process held before its exec,
 * prints "HOLD pid=<N>" on stderr, and waits for a line on stdin (the
 * harness starts a tracer on that pid meanwhile, lazytrace -p N). Then it
 * lets the exec go and prints "TIME ns=<N> status=<S>" on stderr: the
 * CLOCK_MONOTONIC time from the release to just after the wait. The pid
 * and its task stay the same through exec, so -p N and a watchpoint on
 * its thread cover CMD (bench/guest-watch-bench.sh). */
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
	char line[16], go = 0;
	long long t0, t1;
	int p[2], st;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: lt-hold CMD [ARG...]\n");
		return 2;
	}
	if (pipe(p)) {
		perror("lt-hold: pipe");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("lt-hold: fork");
		return 1;
	}
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &go, 1) != 1)
			_exit(126);	/* the harness gave up */
		close(p[0]);
		execvp(argv[1], argv + 1);
		perror("lt-hold: exec");
		_exit(127);
	}
	close(p[0]);
	fprintf(stderr, "HOLD pid=%d\n", pid);
	if (!fgets(line, sizeof(line), stdin)) {
		fprintf(stderr, "lt-hold: no go line\n");
		return 1;
	}
	t0 = now_ns();
	if (write(p[1], "g", 1) != 1) {
		perror("lt-hold: release");
		return 1;
	}
	if (waitpid(pid, &st, 0) < 0) {
		perror("lt-hold: waitpid");
		return 1;
	}
	t1 = now_ns();
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	fprintf(stderr, "TIME ns=%lld status=%d\n", t1 - t0, st);
	return st;
}
