/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/kallsyms: name lookup for the catalog, address lookup for stacks. */
#ifndef LT_KSYMS_H
#define LT_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lt_ksym {
	uint64_t addr;
	char type;		/* kallsyms type letter: t, T, W, ... */
	const char *name;	/* full name, suffix included (".isra.0") */
};

struct lt_ksyms;

/* Parses a kallsyms-format file; module symbols ("[mod]") are skipped.
 * Returns NULL and sets errno on failure. */
struct lt_ksyms *ksyms_load(const char *path);
/* The same from kallsyms-format text in a malloc'd, NUL-terminated buffer,
 * which the table takes over (freed on failure too). */
struct lt_ksyms *ksyms_from_text(char *text, size_t len);
void ksyms_free(struct lt_ksyms *ks);
/* Any core symbol of exactly this name, data and per-cpu ones too (their
 * value is the per-cpu offset); NULL when kallsyms lacks it. */
const struct lt_ksym *ksyms_find_data(const struct lt_ksyms *ks,
				      const char *name);
size_t ksyms_count(const struct lt_ksyms *ks);
/* True when every address is 0 (kptr_restrict hides them). */
int ksyms_hidden(const struct lt_ksyms *ks);

/*
 * Every text symbol whose name is `name` or `name` plus a compiler suffix
 * (.isra.N, .constprop.N, .part.N, .llvm.N; never .cold), in address order.
 * Duplicate static copies all come back. Returns how many were found (may
 * exceed max; only max are stored).
 */
size_t ksyms_find_all(const struct lt_ksyms *ks, const char *name,
		      const struct lt_ksym **out, size_t max);

/* The text symbol containing addr, or NULL. *off gets addr - sym->addr. */
const struct lt_ksym *ksyms_lookup(const struct lt_ksyms *ks, uint64_t addr,
				   uint64_t *off);

/* "name+0xoff" into buf; "0x<addr>" when unknown. Returns buf. */
const char *ksyms_format(const struct lt_ksyms *ks, uint64_t addr, char *buf,
			 size_t len);

/* One kallsyms line as the table reads it (cut at the name's end): false
 * for a line the table skips (malformed, or a module's). */
bool ksyms_line_parse(char *line, struct lt_ksym *out);

/* A set of names, e.g. available_filter_functions. */
struct lt_strset;
struct lt_strset *strset_load(const char *path);	/* first word a line */
/* The same from text in a malloc'd, NUL-terminated buffer, which the set
 * takes over (freed on failure too). */
struct lt_strset *strset_from_text(char *text, size_t len);
void strset_free(struct lt_strset *s);
int strset_has(const struct lt_strset *s, const char *name);
/* One line's name as the set reads it (cut in place), NULL if none. */
const char *strset_line_name(char *line);
size_t strset_count(const struct lt_strset *s);

#endif
