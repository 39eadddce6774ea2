// SPDX-License-Identifier: GPL-2.0
/*
 * lt-inject WORD [N]: drive the lt_inject test module.
 *
 *   lt-inject list           print the words the loaded module supports
 *   lt-inject WORD [N]       write "WORD N" to the ctl file (hold: N = ms)
 *   lt-inject unwrap WORD [N]  write "unwrap", then "WORD N", one process
 *   lt-inject open_user [N]  write "open_user N", run N short user-space
 *                            spins (returning to user with a section open),
 *                            then write "close" from the same process
 *   lt-inject unbalanced [N] fork N children; each writes "unbalanced_keep"
 *                            (the counter stays wrapped), makes a syscall,
 *                            writes "unwrap" and exits
 *   lt-inject open_exit [N]  fork N children; each writes "open_exit 1" and
 *                            _exit(0)s with the section open; waits for all
 *
 * LT_INJECT_CTL overrides the ctl path (default
 * /sys/kernel/debug/lt_inject/ctl). Exit status: 0 ok, 1 the write failed,
 * 2 bad usage or input. Build: gcc -static -O2 -o lt-inject lt-inject.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ctl_path(void)
{
	const char *p = getenv("LT_INJECT_CTL");

	return p && *p ? p : "/sys/kernel/debug/lt_inject/ctl";
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lt-inject list\n"
		"       lt-inject WORD [N]   (WORD: alloc alloc_nowait alloc_bh sleep open_user open_exit\n"
		"                             unbalanced enable_paused nest flush hold mismatch close;\n"
		"                             N: 1..100000, default 1; for hold, N is milliseconds)\n");
	exit(2);
}

static int open_ctl(int flags)
{
	int fd = open(ctl_path(), flags | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "lt-inject: cannot open %s: %s%s\n", ctl_path(), strerror(errno),
			errno == ENOENT ? " (is debugfs mounted and lt_inject.ko loaded?)" : "");
		exit(1);
	}
	return fd;
}

/* One write on an open fd; returns 0 or the errno. */
static int put(int fd, const char *word, unsigned long n)
{
	char buf[64];
	int len = snprintf(buf, sizeof(buf), "%s %lu", word, n);
	ssize_t w = write(fd, buf, len);

	if (w == len)
		return 0;
	return w < 0 ? errno : EIO;
}

static void report(const char *word, int err)
{
	const char *why = strerror(err);

	if (err == EOPNOTSUPP)
		why = "not supported by this module/kernel (see: lt-inject list)";
	else if (err == EBUSY)
		why = "refused: the writer is inside a section or paused (dmesg shows its counters)";
	else if (err == ERANGE)
		why = "count out of range";
	fprintf(stderr, "lt-inject: %s: %s\n", word, why);
}

/*
 * A while in user space, with no system call: a counted loop, not a
 * clock. clock_gettime() is a system call where the vDSO has no usable
 * clocksource: an RT guest under host load marked its TSC unstable and
 * went to HPET, and each call returned to user space with the section
 * open (183 open_at_user_return findings where the test counts 6).
 */
static void spin_user(void)
{
	for (volatile unsigned long i = 0; i < 200000; i++)
		;
}

static int do_list(void)
{
	char buf[4096];
	int fd = open_ctl(O_RDONLY);
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, r, stdout);
	close(fd);
	return r < 0 ? 1 : 0;
}

static int do_open_user(unsigned long n)
{
	int fd = open_ctl(O_WRONLY), err;
	unsigned long i;

	for (i = 0; i < n; i++) {
		err = put(fd, "open_user", 1);
		if (err) {
			report("open_user", err);
			return 1;
		}
		spin_user();		/* in user space with the section open */
		(void)getppid();		/* and a syscall inside it */
		err = put(fd, "close", 1);
		if (err) {
			report("close", err);
			return 1;
		}
	}
	close(fd);
	return 0;
}

/* The child of do_children: write WORD, then (unless NULL) make a syscall
 * and write AFTER, then exit. 0 or the errno of the failed write. */
static int child_writes(const char *word, const char *after)
{
	int fd = open(ctl_path(), O_WRONLY);
	int err = fd < 0 ? errno : put(fd, word, 1);

	if (err) {
		report(word, err);
		return err;
	}
	if (!after)
		return 0;	/* exit with it open; fd closed by exit */
	(void)getppid();
	return put(fd, after, 1);
}

/* N children in turn, each child_writes(WORD, AFTER); 1 if any failed. */
static int do_children(unsigned long n, const char *word, const char *after)
{
	unsigned long i, bad = 0;
	int st;

	/* Fail early, in the parent, if the module is missing. */
	close(open_ctl(O_WRONLY));
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "lt-inject: fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0)
			_exit(child_writes(word, after) ? 1 : 0);
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	}
	return bad ? 1 : 0;
}

/* N children, each: a disable with nothing open that stays wrapped
 * through one return to user space and one syscall, then undone. */
static int do_unbalanced(unsigned long n)
{
	return do_children(n, "unbalanced_keep", "unwrap");
}

static int do_open_exit(unsigned long n)
{
	unsigned long bad = do_children(n, "open_exit", NULL);

	/* A write from this (parent) task sweeps the exited children's notes. */
	{
		int fd = open_ctl(O_WRONLY), err = put(fd, "close", 1);

		if (err)
			report("close", err);
		close(fd);
	}
	if (bad) {
		fprintf(stderr, "lt-inject: open_exit: a child of %lu failed\n", n);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 1;
	const char *word;
	char *end;
	int fd, err;

	/* "unwrap WORD [N]": first repair this process's wrapped pause
	 * count (Debian 7.2 Xen PV, docs/STATE.md), then WORD, from the
	 * same process: a new one would start wrapped again. */
	if (argc >= 3 && !strcmp(argv[1], "unwrap")) {
		fd = open_ctl(O_WRONLY);
		err = put(fd, "unwrap", 1);
		close(fd);
		if (err) {
			report("unwrap", err);
			return 1;
		}
		argv++;
		argc--;
	}
	if (argc < 2 || argc > 3)
		usage();
	word = argv[1];
	if (!strcmp(word, "-h") || !strcmp(word, "--help"))
		usage();
	if (!strcmp(word, "list")) {
		if (argc != 2)
			usage();
		return do_list();
	}
	if (strlen(word) == 0 || strlen(word) > 23 || strspn(word, "abcdefghijklmnopqrstuvwxyz_") != strlen(word)) {
		fprintf(stderr, "lt-inject: bad word '%s'\n", word);
		usage();
	}
	if (argc == 3) {
		errno = 0;
		n = strtoul(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || argv[2][0] == '-' || n == 0 || n > 100000) {
			fprintf(stderr, "lt-inject: bad count '%s' (want 1..100000)\n", argv[2]);
			exit(2);
		}
	} else if (!strcmp(word, "hold")) {
		n = 10;
	}

	if (!strcmp(word, "open_user"))
		return do_open_user(n);
	if (!strcmp(word, "open_exit"))
		return do_open_exit(n);
	if (!strcmp(word, "unbalanced"))
		return do_unbalanced(n);

	fd = open_ctl(O_WRONLY);
	err = put(fd, word, n);
	close(fd);
	if (err) {
		report(word, err);
		return err == EOPNOTSUPP || err == ERANGE || err == EINVAL ? 2 : 1;
	}
	return 0;
}
