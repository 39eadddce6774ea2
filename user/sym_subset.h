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
#include "ksyms.h"

/* kallsyms lines whose name, clone suffixes aside, is one of names[]. */
struct lt_ksyms *ksyms_load_naming(const char *path, const char *const *names,
				   size_t n);
/* available_filter_functions lines, the same way. */
struct lt_strset *strset_load_naming(const char *path,
				     const char *const *names, size_t n);

#endif
