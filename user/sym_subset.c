// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sym_subset.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Word `word` of line, up to its first '.', is in the sorted names[]. */
static bool names_it(const char *line, unsigned int word,
		     const char *const *names, size_t n)
{
	char base[256];
	const char *key = base;
	size_t len;

	for (unsigned int w = 0; w < word; w++) {
		line += strcspn(line, " \t\n");
		line += strspn(line, " \t");
	}
	len = strcspn(line, " \t\n.");
	if (!len || len >= sizeof(base))
		return false;
	memcpy(base, line, len);
	base[len] = '\0';
	return bsearch(&key, names, n, sizeof(*names), cmp_str) != NULL;
}

/* A kallsyms line with a non-zero address (x86's first, the absolute
 * fixed_percpu_data, is 0 even for root). */
static bool has_address(const char *line)
{
	size_t len = strcspn(line, " \t");

	return strspn(line, "0") < len;
}

/*
 * The lines of path that name one of names[], as one malloc'd text. For
 * kallsyms one line with an address is always kept, or the first when
 * none has one: the subset must look hidden exactly when the file is.
 */
static char *read_naming(const char *path, unsigned int word,
			 const char *const *names, size_t n, size_t *out_len)
{
	const char **sorted = malloc((n ? n : 1) * sizeof(*sorted));
	char *line = NULL, *text = NULL;
	size_t cap = 0, len = 0;
	FILE *in = fopen(path, "r"), *out = open_memstream(&text, &len);
	int err = 0;

	if (!sorted || !in || !out) {
		err = errno ? errno : ENOMEM;
		goto done;
	}
	memcpy(sorted, names, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	for (bool witness = !word, stand_in = false;
	     getline(&line, &cap, in) > 0;) {
		bool keep = names_it(line, word, sorted, n);

		if (!witness && has_address(line))
			witness = keep = true;
		else if (!witness && !stand_in)
			stand_in = keep = true;
		if (keep)
			fputs(line, out);
	}
	if (ferror(in))
		err = errno ? errno : EIO;
done:
	if (out && fclose(out) && !err)
		err = ENOMEM;
	if (in)
		fclose(in);
	free(line);
	free(sorted);
	if (err) {
		free(text);
		errno = err;
		return NULL;
	}
	*out_len = len;
	return text;
}

struct lt_ksyms *ksyms_load_naming(const char *path, const char *const *names,
				   size_t n)
{
	size_t len;
	char *text = read_naming(path, 2, names, n, &len);

	return text ? ksyms_from_text(text, len) : NULL;
}

struct lt_strset *strset_load_naming(const char *path,
				     const char *const *names, size_t n)
{
	size_t len;
	char *text = read_naming(path, 0, names, n, &len);

	return text ? strset_from_text(text, len) : NULL;
}
