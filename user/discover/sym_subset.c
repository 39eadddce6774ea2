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

/* name, up to its first '.', is in the sorted names[]. */
static bool named(const char *name, const char *const *names, size_t n)
{
	char base[256];
	const char *key = base;
	size_t len = strcspn(name, ".");

	if (!len || len >= sizeof(base))
		return false;
	memcpy(base, name, len);
	base[len] = '\0';
	return bsearch(&key, names, n, sizeof(*names), cmp_str) != NULL;
}

/*
 * Whether to keep a line, read by the same line parsers as the whole
 * tables (on a copy: they cut it). A kallsyms subset keeps one witness,
 * the first line the table would take with a non-zero address (x86's
 * first line, the absolute fixed_percpu_data, is 0 even for root), or
 * until there is one the first it would take at all: a subset without
 * catalog names still reads as visible, or as hidden, as the whole file.
 */
struct keep_state {
	bool witness, stand_in;
};

static bool keep_line(char *copy, enum lt_lines fmt, const char *const *names,
		      size_t n, struct keep_state *st)
{
	struct lt_ksym k;
	const char *w;

	if (fmt == LT_LINES_FILTERS) {
		w = strset_line_name(copy);
		return w && named(w, names, n);
	}
	if (!ksyms_line_parse(copy, &k))
		return false;
	if (!st->witness && k.addr) {
		st->witness = true;
		return true;
	}
	if (!st->witness && !st->stand_in) {
		st->stand_in = true;
		return true;
	}
	return named(k.name, names, n);
}

char *lines_naming(FILE *in, enum lt_lines fmt, const char *const *names,
		   size_t n, size_t *out_len)
{
	const char **sorted = malloc((n ? n : 1) * sizeof(*sorted));
	char *line = NULL, *copy = NULL, *text = NULL;
	size_t cap = 0, ccap = 0, len = 0;
	FILE *out = open_memstream(&text, &len);
	struct keep_state st = { 0 };
	ssize_t got;
	int err = 0;

	if (!sorted || !out) {
		err = errno ? errno : ENOMEM;
		goto done;
	}
	memcpy(sorted, names, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	while ((got = getline(&line, &cap, in)) > 0) {
		if ((size_t)got + 1 > ccap) {
			char *c = realloc(copy, got + 1);

			if (!c) {
				err = ENOMEM;
				break;
			}
			copy = c;
			ccap = got + 1;
		}
		memcpy(copy, line, got + 1);
		/* the tables cut a line at its '\n' before they parse it */
		if (copy[got - 1] == '\n')
			copy[got - 1] = '\0';
		/* the bytes as read: a NUL inside a line stays where it was */
		if (keep_line(copy, fmt, sorted, n, &st))
			fwrite(line, 1, got, out);
	}
	if (!err && ferror(in))
		err = errno ? errno : EIO;
done:
	if (out && fclose(out) && !err)
		err = ENOMEM;
	free(copy);
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

static char *read_naming(const char *path, enum lt_lines fmt,
			 const char *const *names, size_t n, size_t *len)
{
	FILE *in = fopen(path, "r");
	char *text;

	if (!in)
		return NULL;
	text = lines_naming(in, fmt, names, n, len);
	fclose(in);
	return text;
}

struct lt_ksyms *ksyms_load_naming(const char *path, const char *const *names,
				   size_t n)
{
	size_t len;
	char *text = read_naming(path, LT_LINES_KALLSYMS, names, n, &len);

	return text ? ksyms_from_text(text, len) : NULL;
}

struct lt_strset *strset_load_naming(const char *path,
				     const char *const *names, size_t n)
{
	size_t len;
	char *text = read_naming(path, LT_LINES_FILTERS, names, n, &len);

	return text ? strset_from_text(text, len) : NULL;
}
