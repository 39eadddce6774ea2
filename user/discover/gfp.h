/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gfp flag names. Bit values change between kernel versions (6.10 moved
 * them into an enum of ___GFP_*_BIT), so the table is read from the running
 * kernel: the kmem:mm_page_alloc format file, whose __print_flags() list
 * names each mask, with enum identifiers resolved through a callback
 * (the loader passes a BTF enum lookup).
 */
#ifndef LT_GFP_H
#define LT_GFP_H

#include <stddef.h>
#include <stdint.h>

struct lt_gfp_flag {
	uint64_t mask;
	char name[40];
};

struct lt_gfp_table {
	struct lt_gfp_flag flags[96];
	size_t n;
};

/* Resolves an identifier such as ___GFP_IO_BIT; 0 on success. */
typedef int (*lt_ident_fn)(const char *ident, uint64_t *val, void *arg);

/* Parses the text of a format file. Returns 0, or -1 with errno set. */
int gfp_parse_format(const char *text, lt_ident_fn ident, void *arg,
		     struct lt_gfp_table *t);
/* Builds a table from one-bit masks only, e.g. from BTF ___GFP_*_BIT enums. */
void gfp_table_add(struct lt_gfp_table *t, uint64_t mask, const char *name);

/* Decodes like the kernel's __print_flags: table order, each matched mask is
 * removed, a remainder is printed as hex. "|" separates. Returns buf. */
const char *gfp_decode(const struct lt_gfp_table *t, uint64_t flags,
		       char *buf, size_t len);

/* The mask named name ("__GFP_DIRECT_RECLAIM"), 0 when absent. */
uint64_t gfp_mask_of(const struct lt_gfp_table *t, const char *name);

#endif
