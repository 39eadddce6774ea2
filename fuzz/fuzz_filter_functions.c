// SPDX-License-Identifier: GPL-2.0
/*
 * available_filter_functions text through strset_from_text(). The file is
 * "name [module]" a line, with duplicate statics repeated; the set keeps
 * the first word of each line. An independent character-by-character
 * reading of the same input is the oracle: every first word is in the set,
 * the set holds exactly the distinct ones, and nothing with a blank in it
 * ever is.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include "fuzz.h"
#include "ksyms.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* First words of the lines, NUL-terminated in text; returns how many. */
static size_t first_words(char *text, size_t size, char **out)
{
	size_t n = 0, i = 0;

	while (i < size) {
		size_t start, end;

		while (i < size && blank(text[i]))
			i++;
		start = end = i;
		while (end < size && text[end] && text[end] != '\n' &&
		       !blank(text[end]))
			end++;
		/* The rest of the line, NUL included, is not a name. */
		i = end;
		while (i < size && text[i] != '\n')
			i++;
		text[end] = '\0';
		if (end > start)
			out[n++] = text + start;
		i++;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), **words, *probe;
	size_t n, distinct = 0;
	struct lt_strset *s;

	words = malloc((size + 1) * sizeof(*words));
	FUZZ_CHECK(words);
	n = first_words(text, size, words);
	s = strset_from_text(fuzz_text(data, size), size);
	FUZZ_CHECK(s);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(strset_has(s, words[i]));
		FUZZ_CHECK(asprintf(&probe, "%s ", words[i]) > 0);
		FUZZ_CHECK(!strset_has(s, probe));
		free(probe);
	}
	FUZZ_CHECK(!strset_has(s, ""));
	qsort(words, n, sizeof(*words), cmp_str);
	for (size_t i = 0; i < n; i++)
		distinct += !i || strcmp(words[i - 1], words[i]);
	FUZZ_CHECK(strset_count(s) == distinct);
	strset_free(s);
	free(words);
	free(text);
	return 0;
}
