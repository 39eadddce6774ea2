/* SPDX-License-Identifier: GPL-2.0 */
/* --boundaries watch: a hardware watchpoint per thread (watch.c). */
#ifndef LT_WATCH_H
#define LT_WATCH_H

#include "session.h"

struct ring_buffer;

struct lt_watch_stats {
	unsigned long long watched;	/* threads given a watchpoint */
	unsigned long long failed;	/* ... that could not have one */
	unsigned long long exited;	/* ... whose watch ended at exit */
	size_t peak;			/* most watched at once */
	int last_err;			/* errno of the last failure */
	unsigned int last_tid;
};

/* Watch the traced process's threads, and those it creates later.
 * Nothing to do without --boundaries watch. 0, or -errno after an error. */
int watch__attach(struct lt_session *s);
/* Adds the new-thread ring to the poll loop's ring buffer. */
int watch__poll_add(struct lt_session *s, struct ring_buffer *rb);
/* Removes every watchpoint (the counts stay in the maps). */
void watch__detach(struct lt_session *s);
/* NULL without --boundaries watch. */
const struct lt_watch_stats *watch__stats(const struct lt_session *s);
void watch__free(struct lt_session *s);

#endif
