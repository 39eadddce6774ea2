// SPDX-License-Identifier: GPL-2.0
/*
 * The planning subset (user/discover/sym_subset.c) against the whole table: the same
 * input read as kallsyms and as a filter list, once whole and once through
 * lines_naming() with the catalog's names. The subset must answer every
 * catalog name exactly as the whole table does (the same symbols at the
 * same addresses, the same filter-list membership) and be hidden exactly
 * when the whole table is, whatever the lines look like.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "catalog.h"
#include "ksyms.h"
#include "sym_subset.h"

#define MAX_NAMES	(LT_EV_MAX * LT_MAX_CANDS)
#define MAX_HITS	LT_MAX_COPIES

static const char *names[MAX_NAMES];
static size_t nnames;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	nnames = catalog_symbols(names, MAX_NAMES);
	FUZZ_CHECK(nnames > 0 && nnames <= MAX_NAMES);
	return 0;
}

static char *subset(const uint8_t *data, size_t size, enum lt_lines fmt,
		    size_t *len)
{
	FILE *in = fmemopen((void *)data, size, "r");
	char *t;

	FUZZ_CHECK(in);
	t = lines_naming(in, fmt, names, nnames, len);
	fclose(in);
	FUZZ_CHECK(t);
	return t;
}

static void same_kallsyms(const uint8_t *data, size_t size)
{
	size_t len;
	struct lt_ksyms *all = ksyms_from_text(fuzz_text(data, size), size);
	struct lt_ksyms *sub;
	char *t = subset(data, size, LT_LINES_KALLSYMS, &len);

	sub = ksyms_from_text(t, len);
	if (!all) {
		ksyms_free(sub);
		return;
	}
	FUZZ_CHECK(sub);
	FUZZ_CHECK(ksyms_hidden(all) == ksyms_hidden(sub));
	for (size_t i = 0; i < nnames; i++) {
		const struct lt_ksym *a[MAX_HITS], *b[MAX_HITS];
		size_t na = ksyms_find_all(all, names[i], a, MAX_HITS);
		size_t nb = ksyms_find_all(sub, names[i], b, MAX_HITS);

		FUZZ_CHECK(na == nb);
		for (size_t j = 0; j < na && j < MAX_HITS; j++) {
			FUZZ_CHECK(a[j]->addr == b[j]->addr);
			FUZZ_CHECK(!strcmp(a[j]->name, b[j]->name));
		}
	}
	ksyms_free(all);
	ksyms_free(sub);
}

static void same_filters(const uint8_t *data, size_t size)
{
	size_t len;
	struct lt_strset *all = strset_from_text(fuzz_text(data, size), size);
	struct lt_strset *sub;
	char *t = subset(data, size, LT_LINES_FILTERS, &len);

	sub = strset_from_text(t, len);
	if (!all) {
		strset_free(sub);
		return;
	}
	FUZZ_CHECK(sub);
	for (size_t i = 0; i < nnames; i++)
		FUZZ_CHECK(strset_has(all, names[i]) ==
			   strset_has(sub, names[i]));
	strset_free(all);
	strset_free(sub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	same_kallsyms(data, size);
	same_filters(data, size);
	return 0;
}
