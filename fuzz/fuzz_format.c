// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint format files (events/kmem/mm_page_alloc/format) through
 * gfp_parse_format(), its C-expression evaluator included, then
 * gfp_decode() on flags drawn from the input and the table. Checks: a
 * failed parse leaves no half table; names are non-empty and fit; a
 * decode fits its buffer, and (for tables whose names can be read back)
 * the decoded names and hex remainder OR back to the flags decoded.
 */
#include <stdbool.h>
#include "fuzz.h"
#include "gfp.h"

/* include/linux/gfp_types.h, enum ___GFP_*_BIT (x86, 7.x) */
static const char *const bits[] = {
	"DMA", "HIGHMEM", "DMA32", "MOVABLE", "RECLAIMABLE", "HIGH", "IO", "FS",
	"ZERO", "UNUSED", "DIRECT_RECLAIM", "KSWAPD_RECLAIM", "WRITE", "NOWARN",
	"RETRY_MAYFAIL", "NOFAIL", "NORETRY", "MEMALLOC", "COMP", "NOMEMALLOC",
	"HARDWALL", "THISNODE", "ACCOUNT", "ZEROTAGS",
};

/* The BTF enum lookup's contract; two extra names give 64-bit and
 * all-ones values the real enum does not have. */
static int ident(const char *name, uint64_t *val, void *arg)
{
	char want[64];

	if (!strcmp(name, "BIG")) {
		*val = 0xff00000000ULL;
		return 0;
	}
	if (!strcmp(name, "ONES")) {
		*val = ~0ULL;
		return 0;
	}
	for (size_t i = 0; i < sizeof(bits) / sizeof(*bits); i++) {
		snprintf(want, sizeof(want), "___GFP_%s_BIT", bits[i]);
		if (!strcmp(name, want)) {
			*val = i;
			return 0;
		}
	}
	return -1;
}

/* True when decode output can be split on '|' and mapped back by name. */
static bool readable(const struct lt_gfp_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strchr(t->flags[i].name, '|') ||
		    !strncmp(t->flags[i].name, "0x", 2) ||
		    !strcmp(t->flags[i].name, "none"))
			return false;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(t->flags[i].name, t->flags[j].name))
				return false;
	}
	return true;
}

static void check_decode(const struct lt_gfp_table *t, bool rt, uint64_t flags)
{
	char buf[sizeof(t->flags) + 32], tiny[8], *tok, *save = NULL;
	uint64_t back = 0;

	gfp_decode(t, flags, tiny, sizeof(tiny));
	FUZZ_CHECK(strlen(tiny) < sizeof(tiny));
	gfp_decode(t, flags, buf, sizeof(buf));
	FUZZ_CHECK(strlen(buf) < sizeof(buf) - 1);	/* never truncated */
	if (!flags) {
		FUZZ_CHECK(!strcmp(buf, "none"));
		return;
	}
	if (!rt)
		return;
	for (tok = strtok_r(buf, "|", &save); tok;
	     tok = strtok_r(NULL, "|", &save)) {
		uint64_t m;

		if (!strncmp(tok, "0x", 2)) {
			m = strtoull(tok, NULL, 16);
			FUZZ_CHECK(m && !(back & m));
		} else {
			m = gfp_mask_of(t, tok);
			FUZZ_CHECK(m && (flags & m) == m);
		}
		back |= m;
	}
	FUZZ_CHECK(back == flags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct lt_gfp_table t;
	uint64_t tail = 0, all = 0;
	bool rt;
	int rc;

	memset(&t, 0xa5, sizeof(t));	/* the parser must set n itself */
	rc = gfp_parse_format(text, ident, NULL, &t);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(t.n <= sizeof(t.flags) / sizeof(*t.flags));
	if (rc)
		FUZZ_CHECK(t.n == 0);
	for (size_t i = 0; i < t.n; i++) {
		const char *name = t.flags[i].name;

		FUZZ_CHECK(memchr(name, '\0', sizeof(t.flags[i].name)));
		FUZZ_CHECK(name[0]);
		all |= t.flags[i].mask;
	}
	rt = readable(&t);
	memcpy(&tail, data + (size > 8 ? size - 8 : 0), size < 8 ? size : 8);
	check_decode(&t, rt, 0);
	check_decode(&t, rt, tail);
	check_decode(&t, rt, all);
	check_decode(&t, rt, ~0ULL);
	for (size_t i = 0; i < t.n; i++)
		check_decode(&t, rt, t.flags[i].mask);
	free(text);
	return 0;
}
