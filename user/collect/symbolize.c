// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <stdio.h>
#include "symbolize.h"

/* Entry points into the page allocator, newest names first. A prefix
 * match also covers the _noprof (6.10+) and _mpol variants. */
static const char *const alloc_fns[] = {
	"__alloc_frozen_pages", "alloc_frozen_pages", "__alloc_pages",
	"alloc_pages", "__get_free_pages", "get_free_pages", "get_zeroed_page",
	"__folio_alloc", "folio_alloc", "vma_alloc_folio", "alloc_pages_mpol",
	"__alloc_pages_slowpath", "get_page_from_freelist",
};

static int base_eq(const char *sym, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(sym, name, n) && (sym[n] == '\0' || sym[n] == '.');
}

static int is_alloc_fn(const char *sym)
{
	for (size_t i = 0; i < sizeof(alloc_fns) / sizeof(alloc_fns[0]); i++)
		if (!strncmp(sym, alloc_fns[i], strlen(alloc_fns[i])))
			return 1;
	return 0;
}

static const char *frame_name(const struct lt_ksyms *ks, uint64_t addr)
{
	uint64_t off;
	const struct lt_ksym *s = ksyms_lookup(ks, addr, &off);

	return s ? s->name : NULL;
}

size_t stack_first_frame(const struct lt_ksyms *ks, const unsigned long long *stack,
			 size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *name = frame_name(ks, stack[i]);

		/* Leading unknown frames are programs loaded after kallsyms
		 * was read; named ones are BPF programs and trampolines. */
		if (name && strncmp(name, "bpf_", 4) && strncmp(name, "__bpf_", 6))
			break;
	}
	return i < n ? i : 0;
}

void stack_allocator(const struct lt_ksyms *ks, const unsigned long long *stack,
		     size_t n, char *alloc, size_t alen, char *caller,
		     size_t clen)
{
	const char *last = NULL;
	size_t i;

	alloc[0] = caller[0] = '\0';
	for (i = stack_first_frame(ks, stack, n); i < n; i++) {
		const char *name = frame_name(ks, stack[i]);

		if (!name || !is_alloc_fn(name))
			break;
		last = name;
	}
	if (last)
		snprintf(alloc, alen, "%s", last);
	if (last && i < n) {
		const char *name = frame_name(ks, stack[i]);

		snprintf(caller, clen, "%s", name ? name : "?");
	}
}

int stack_has(const struct lt_ksyms *ks, const unsigned long long *stack, size_t n,
	      const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = frame_name(ks, stack[i]);

		if (s && base_eq(s, name))
			return 1;
	}
	return 0;
}
