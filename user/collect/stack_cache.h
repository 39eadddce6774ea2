/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A finding's stack, symbolized once per stack id. The BPF side sends a
 * stack id, not the frames, when the stack map took the stack
 * (bpf/emit.bpf.h): one kernel unwind per finding instead of two, and the
 * loader's symbolizing and formatting of the same few stacks happen once
 * (docs/PERFORMANCE.md). A stack map entry never changes once written (no
 * BPF_F_REUSE_STACKID, and nothing deletes), so a cached id stays true.
 */
#ifndef LT_STACK_CACHE_H
#define LT_STACK_CACHE_H

#include <stddef.h>
#include "session.h"

struct lt_stack_fmt {
	int id;			/* stack id; -1 for frames that came inline */
	char alloc[64];		/* page allocator entry point, or "" */
	char caller[64];	/* its caller, or "" */
	char *json;		/* the shown frames as a JSON array */
	char *json_alloc;	/* "allocator":..,"caller":.. members */
	char *text;		/* the shown frames as indented text lines */
	size_t frames;		/* kernel frames captured, shown or not */
};

/* The formatted stack of id, cached; NULL when the map has no such id. */
const struct lt_stack_fmt *stack_cache_get(struct lt_session *s, int id);
/* Formats and caches the n frames of id (the stack map's, or a test's). */
const struct lt_stack_fmt *stack_cache_put(struct lt_session *s, int id,
					   const unsigned long long *frames,
					   size_t n);
/* Formats frames that are not in the cache (a record that carries its own
 * stack); the caller frees it with stack_fmt_clear(). */
void stack_fmt_build(struct lt_session *s, const unsigned long long *frames,
		     size_t n, struct lt_stack_fmt *out);
void stack_fmt_clear(struct lt_stack_fmt *f);
void stack_cache_free(struct lt_session *s);

#endif
