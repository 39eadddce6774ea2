/* SPDX-License-Identifier: GPL-2.0 */
/* The privileged helper process that opens watchpoints (watch_opener.c). */
#ifndef LT_WATCH_OPENER_H
#define LT_WATCH_OPENER_H

struct lt_watch_opener {
	int sock;		/* -1 when not running */
	int pid;
};

/* Forks the helper; call while the capabilities are still held. 0 or
 * -errno. */
int watch_opener_start(struct lt_watch_opener *o);
/* A write watchpoint of len bytes at addr: on thread tid (cpu -1), or on
 * cpu (tid -1), disabled. Its fd, or -errno. */
int watch_opener_open(struct lt_watch_opener *o, int tid, int cpu,
		      unsigned long long addr, unsigned int len);
/* Ends the helper and waits for it. */
void watch_opener_stop(struct lt_watch_opener *o);

#endif
