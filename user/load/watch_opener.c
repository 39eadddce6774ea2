// SPDX-License-Identifier: GPL-2.0
/*
 * --boundaries watch opens watchpoints for threads created after the
 * tracer dropped its capabilities (harden.c), and perf_event_open wants
 * them: CAP_SYS_ADMIN where perf_event_paranoid > 2 (Debian's default 3,
 * 7.2 kernel/events/core.c:13886, Debian's patch), CAP_PERFMON for a
 * kernel address, and ptrace read access to the thread. So a child
 * process forked before the drop keeps them and does that one call: it
 * reads (tid, cpu, address, length) requests from a socket and answers
 * with the event's fd (SCM_RIGHTS) or an errno. It shares no memory with
 * the tracer, whose metrics server parses untrusted input.
 */
#define _GNU_SOURCE 1	/* close_range */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "watch_opener.h"

struct wo_req {
	int tid;		/* -1 with cpu >= 0: a per-CPU watchpoint */
	int cpu;
	unsigned long long addr;
	unsigned int len;
};

static int wp_open(const struct wo_req *r)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(a),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = r->addr,
		.bp_len = r->len,
		.sample_period = 1,
		.disabled = 1,		/* libbpf enables it with the program */
	};
	int fd = syscall(__NR_perf_event_open, &a, r->tid, r->cpu, -1,
			 PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* One answer: an errno, or 0 and the fd alongside. */
static void reply(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	int err = fd < 0 ? -fd : 0;
	struct iovec iov = { &err, sizeof(err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	sendmsg(sock, &m, MSG_NOSIGNAL);
	if (fd >= 0)
		close(fd);
}

static void __attribute__((noreturn)) serve(int sock)
{
	struct wo_req r;

	/* The tracer's Ctrl-C reaches the whole process group: this one
	 * ends when the tracer closes the socket, or dies. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	/* nothing of the tracer's: no BPF map, no output file */
	close_range(0, sock - 1, 0);
	close_range(sock + 1, ~0U, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "lazytrace-watch");
	while (read(sock, &r, sizeof(r)) == sizeof(r))
		reply(sock, wp_open(&r));
	_exit(0);
}

int watch_opener_start(struct lt_watch_opener *o)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	o->pid = fork();
	if (o->pid < 0) {
		int err = -errno;

		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (!o->pid) {
		close(sv[0]);
		serve(sv[1]);
	}
	close(sv[1]);
	o->sock = sv[0];
	return 0;
}

int watch_opener_open(struct lt_watch_opener *o, int tid, int cpu,
		      unsigned long long addr, unsigned int len)
{
	struct wo_req r = { .tid = tid, .cpu = cpu, .addr = addr, .len = len };
	char cbuf[CMSG_SPACE(sizeof(int))];
	int err = 0, fd = -1;
	struct iovec iov = { &err, sizeof(err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;

	if (o->sock < 0)
		return -EBADF;
	if (write(o->sock, &r, sizeof(r)) != sizeof(r) ||
	    recvmsg(o->sock, &m, MSG_CMSG_CLOEXEC) != sizeof(err))
		return -EPIPE;
	if (err)
		return -err;
	c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

void watch_opener_stop(struct lt_watch_opener *o)
{
	if (o->sock >= 0)
		close(o->sock);
	o->sock = -1;
	if (o->pid > 0)
		waitpid(o->pid, NULL, 0);
	o->pid = 0;
}
