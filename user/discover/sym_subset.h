/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Planning needs the addresses of a few dozen catalog functions, not all
 * ~200k kallsyms lines: reading only the lines that name them keeps the
 * whole table out of the loader's peak RSS, which otherwise holds it next
 * to the kernel's BTF (docs/PERFORMANCE.md). Stacks are symbolized from
 * the full table, read after attach (setup_reload_ksyms).
 */
#ifndef LT_SYM_SUBSET_H
#define LT_SYM_SUBSET_H

#include <stddef.h>
#include <stdio.h>
#include "ksyms.h"

enum lt_lines { LT_LINES_KALLSYMS, LT_LINES_FILTERS };

/*
 * The lines of in (a kallsyms or a filter list) whose name, clone
 * suffixes aside, is one of names[], as one malloc'd text in *len bytes;
 * for kallsyms also one line with an address, so the subset looks hidden
 * exactly when the whole file does. NULL and errno on failure.
 */
char *lines_naming(FILE *in, enum lt_lines fmt, const char *const *names,
		   size_t n, size_t *len);

/* kallsyms lines whose name, clone suffixes aside, is one of names[]. */
struct lt_ksyms *ksyms_load_naming(const char *path, const char *const *names,
				   size_t n);
/* available_filter_functions lines, the same way. */
struct lt_strset *strset_load_naming(const char *path,
				     const char *const *names, size_t n);

#endif
