/* SPDX-License-Identifier: GPL-2.0 */
/* Turning raw kernel stacks into names a kernel developer reads. */
#ifndef LT_SYMBOLIZE_H
#define LT_SYMBOLIZE_H

#include <stddef.h>
#include <stdint.h>
#include "ksyms.h"

/* Frames that belong to the tracer, not the kernel path: BPF trampolines
 * and programs, named or not, at the top of the stack. Returns the index of
 * the first kernel frame (0 when every frame looks like the tracer's). */
size_t stack_first_frame(const struct lt_ksyms *ks, const unsigned long long *stack,
			 size_t n);

/*
 * The allocator entry point of a page-allocation stack: the outermost frame
 * of the run of allocator functions at the top, and the caller right after
 * it (e.g. get_free_pages_noprof called by tlb_next_batch). Either is set to
 * "" when the stack does not say.
 */
void stack_allocator(const struct lt_ksyms *ks, const unsigned long long *stack,
		     size_t n, char *alloc, size_t alen, char *caller,
		     size_t clen);

/* True when any frame's function is `name` (suffixes ignored). */
int stack_has(const struct lt_ksyms *ks, const unsigned long long *stack, size_t n,
	      const char *name);

#endif
