// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/kallsyms text (or --kallsyms FILE) through ksyms_from_text(), then
 * the lookups the catalog and the stack symbolizer make, with every word
 * of the input as a name query and every hex word as an address. Checks
 * that name searches return sorted, matching text symbols and that an
 * address lookup returns a symbol that exists at or below the address and
 * that the table answers in address order. The hex words also make a
 * kernel stack for the symbolizer (first frame, allocator and caller).
 */
#include <stdbool.h>
#include "fuzz.h"
#include "ksyms.h"
#include "symbolize.h"

#define MAX_WORDS	32
#define MAX_OUT		8

static bool is_text(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

static bool in_list(const struct lt_ksym *const *out, size_t n,
		    const struct lt_ksym *s)
{
	for (size_t i = 0; i < n; i++)
		if (out[i] == s)
			return true;
	return false;
}

static void check_name(const struct lt_ksyms *ks, const char *name)
{
	const struct lt_ksym *out[MAX_OUT];
	size_t found = ksyms_find_all(ks, name, out, MAX_OUT);
	size_t n = found < MAX_OUT ? found : MAX_OUT;

	FUZZ_CHECK(found <= ksyms_count(ks));
	FUZZ_CHECK(ksyms_find_all(ks, name, NULL, 0) == found);
	for (size_t i = 0; i < n; i++) {
		const struct lt_ksym *hit;

		FUZZ_CHECK(!strncmp(out[i]->name, name, strlen(name)));
		FUZZ_CHECK(is_text(out[i]->type));
		FUZZ_CHECK(!i || out[i - 1]->addr <= out[i]->addr);
		if (ksyms_hidden(ks))
			continue;
		/* The first text symbol at that address, maybe an alias. */
		hit = ksyms_lookup(ks, out[i]->addr, NULL);
		FUZZ_CHECK(hit && hit->addr == out[i]->addr);
	}
}

/* A lookup returns a text symbol at or below addr whose own address
 * looks up to itself, and that a name search finds again unless it is
 * module text. */
static const struct lt_ksym *check_addr(const struct lt_ksyms *ks,
					uint64_t addr)
{
	const struct lt_ksym *out[MAX_OUT], *s;
	uint64_t off = ~0ULL;
	char buf[64], tiny[4];
	size_t found;

	s = ksyms_lookup(ks, addr, &off);
	ksyms_format(ks, addr, buf, sizeof(buf));
	FUZZ_CHECK(strlen(buf) < sizeof(buf) && buf[0]);
	ksyms_format(ks, addr, tiny, sizeof(tiny));
	FUZZ_CHECK(strlen(tiny) < sizeof(tiny));
	if (!s)
		return NULL;
	FUZZ_CHECK(!ksyms_hidden(ks));
	FUZZ_CHECK((is_text(s->type) || s->type == 'm') && s->name[0]);
	FUZZ_CHECK(s->addr <= addr && off == addr - s->addr);
	FUZZ_CHECK(ksyms_lookup(ks, s->addr, NULL) == s);
	/* module text ('m') names stacks, but is never found by name */
	if (s->type == 'm')
		return s;
	found = ksyms_find_all(ks, s->name, out, MAX_OUT);
	FUZZ_CHECK(found >= 1);
	FUZZ_CHECK(found > MAX_OUT || in_list(out, found, s));
	return s;
}

/* The names the symbolizer picks are names the table holds. */
static void check_stack(const struct lt_ksyms *ks, const uint64_t *addrs,
			size_t n)
{
	unsigned long long stack[MAX_WORDS * 3];
	char alloc[24], caller[24];
	size_t first;

	for (size_t i = 0; i < n; i++)
		stack[i] = addrs[i];
	first = stack_first_frame(ks, stack, n);
	FUZZ_CHECK(first < n || !n);
	stack_allocator(ks, stack, n, alloc, sizeof(alloc), caller,
			sizeof(caller));
	FUZZ_CHECK(strlen(alloc) < sizeof(alloc));
	FUZZ_CHECK(strlen(caller) < sizeof(caller));
	FUZZ_CHECK(!caller[0] || alloc[0]);
	if (alloc[0] && strlen(alloc) < sizeof(alloc) - 1)
		FUZZ_CHECK(stack_has(ks, stack, n, alloc));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words = fuzz_text(data, size), *w, *save = NULL;
	const char *names[MAX_WORDS];
	uint64_t addrs[MAX_WORDS * 3];
	size_t nn = 0, na = 0, lines = 1;
	struct lt_ksyms *ks;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	/* The table parses in place: queries come from a copy. */
	for (size_t i = 0; i < size; i++)
		if (!words[i])
			words[i] = ' ';
	for (w = strtok_r(words, " \t\r\n", &save); w && nn < MAX_WORDS;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		char *end;
		uint64_t a = strtoull(w, &end, 16);

		names[nn++] = w;
		if (!*end) {
			addrs[na++] = a;
			addrs[na++] = a + 1;
			addrs[na++] = a - 1;
		}
	}
	ks = ksyms_from_text(fuzz_text(data, size), size);
	FUZZ_CHECK(ks);
	FUZZ_CHECK(ksyms_count(ks) <= lines);
	for (size_t i = 0; i < nn; i++)
		check_name(ks, names[i]);
	check_name(ks, "");
	for (size_t i = 0; i < na; i++) {
		const struct lt_ksym *s = check_addr(ks, addrs[i]);

		/* Sorted table: a higher address never finds a lower symbol. */
		for (size_t j = 0; s && j < i; j++) {
			const struct lt_ksym *t = ksyms_lookup(ks, addrs[j], NULL);

			if (t && addrs[j] < addrs[i])
				FUZZ_CHECK(t->addr <= s->addr);
		}
	}
	check_stack(ks, addrs, na);
	ksyms_free(ks);
	free(words);
	return 0;
}
