// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/kallsyms and available_filter_functions.
 *
 * Both files are read whole into one buffer and parsed in place: names are
 * NUL-terminated where they stand and the tables hold pointers into the
 * buffer. A real kallsyms has ~200k lines, so one read, one count of the
 * lines and two qsorts keep the load far below the 0.3 s budget.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ksyms.h"
#include "read_whole.h"

/*
 * kallsyms has no sizes: a symbol runs to the next address. Nothing follows
 * the last one, so give it a page rather than the rest of the address space;
 * on a real kernel the last entries are section markers anyway.
 */
#define LT_KSYM_LAST_SPAN	4096

struct lt_ksyms {
	char *buf;
	/* Every core symbol and module text, by address: data too, so text
	 * symbols end where the next object of any kind starts. */
	struct lt_ksym *syms;
	size_t n;
	/* Text symbols only, by name then address. */
	const struct lt_ksym **byname;
	size_t ntext;
	bool hidden;
};

struct lt_strset {
	char *buf;
	const char **names;
	size_t n;
};


static size_t count_lines(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t n = 1;	/* a last line without '\n' */

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_text_type(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

/* Module text, kept under this type of ours: stacks through a module (a
 * driver, the injection module of the VM tests) name its functions, yet
 * the catalog never attaches to one (not in byname). */
#define LT_KSYM_MODULE_TEXT	'm'

static bool is_stack_text(char t)
{
	return is_text_type(t) || t == LT_KSYM_MODULE_TEXT;
}

/*
 * One line "ADDR TYPE NAME[\t[module]]", NUL-terminated in place.
 * Returns false for module data and for lines that do not parse; module
 * text gets type LT_KSYM_MODULE_TEXT. BPF programs and trampolines
 * ("[bpf]") are kept as they are: they show up in stacks.
 */
static bool parse_ksym_line(char *line, struct lt_ksym *sym)
{
	uint64_t addr = 0;
	char *p = line, *name;
	int digits = 0, v;

	while ((v = hexval(*p)) >= 0 && digits < 16) {
		addr = addr << 4 | (uint64_t)v;
		p++;
		digits++;
	}
	if (!digits || *p != ' ' || !p[1] || p[2] != ' ')
		return false;
	sym->addr = addr;
	sym->type = p[1];
	name = p + 3;
	p = name + strcspn(name, " \t");
	if (p == name)
		return false;
	if (*p) {
		*p++ = '\0';
		if (strchr(p, '[') && strcmp(p, "[bpf]")) {
			if (!is_text_type(sym->type))
				return false;
			sym->type = LT_KSYM_MODULE_TEXT;
		}
	}
	sym->name = name;
	return true;
}

/*
 * Ties on address keep file order: names point into one buffer in file
 * order, so comparing the pointers is comparing line numbers.
 */
static int cmp_addr(const void *a, const void *b)
{
	const struct lt_ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->name != y->name)
		return x->name < y->name ? -1 : 1;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	const struct lt_ksym *x = *(const struct lt_ksym *const *)a;
	const struct lt_ksym *y = *(const struct lt_ksym *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : cmp_addr(x, y);
}

static int ksyms_parse(struct lt_ksyms *ks, size_t len)
{
	char *p = ks->buf, *end = ks->buf + len, *nl, *w = ks->buf, *nb;
	size_t cap = count_lines(ks->buf, len);

	ks->syms = malloc(cap * sizeof(*ks->syms));
	if (!ks->syms)
		return -1;
	ks->hidden = true;
	for (; p < end; p = nl + 1) {
		struct lt_ksym *s = &ks->syms[ks->n];

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		*nl = '\0';
		if (!parse_ksym_line(p, s))
			continue;
		/* Keep only the names, packed at the front of the buffer in
		 * file order (cmp_addr relies on it): the addresses and types
		 * are a third of kallsyms, and the loader's RSS counts them
		 * (docs/PERFORMANCE.md). w never passes the line being read. */
		size_t nlen = strlen(s->name) + 1;

		memmove(w, s->name, nlen);
		s->name = w;
		w += nlen;
		if (s->addr)
			ks->hidden = false;
		if (is_text_type(s->type))
			ks->ntext++;
		ks->n++;
	}
	/* A shrinking realloc keeps the data; the names may move with it. */
	uintptr_t base = (uintptr_t)ks->buf;

	nb = realloc(ks->buf, w > ks->buf ? (size_t)(w - ks->buf) : 1);
	if (nb && (uintptr_t)nb != base) {
		for (size_t i = 0; i < ks->n; i++)
			ks->syms[i].name = nb + ((uintptr_t)ks->syms[i].name - base);
	}
	if (nb)
		ks->buf = nb;
	/* kallsyms is nearly sorted already; qsort copes either way. */
	qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_addr);
	return 0;
}

static int ksyms_index(struct lt_ksyms *ks)
{
	size_t j = 0;

	ks->byname = malloc((ks->ntext ? ks->ntext : 1) * sizeof(*ks->byname));
	if (!ks->byname)
		return -1;
	for (size_t i = 0; i < ks->n; i++)
		if (is_text_type(ks->syms[i].type))
			ks->byname[j++] = &ks->syms[i];
	qsort(ks->byname, ks->ntext, sizeof(*ks->byname), cmp_name);
	return 0;
}

struct lt_ksyms *ksyms_from_text(char *text, size_t len)
{
	struct lt_ksyms *ks = calloc(1, sizeof(*ks));
	int err;

	if (!ks) {
		free(text);
		return NULL;
	}
	ks->buf = text;
	if (ksyms_parse(ks, len) || ksyms_index(ks))
		goto fail;
	return ks;
fail:
	err = errno ? errno : ENOMEM;
	ksyms_free(ks);
	errno = err;
	return NULL;
}

struct lt_ksyms *ksyms_load(const char *path)
{
	size_t len;
	char *text = read_whole(path, &len);

	return text ? ksyms_from_text(text, len) : NULL;
}

void ksyms_free(struct lt_ksyms *ks)
{
	if (!ks)
		return;
	free(ks->byname);
	free(ks->syms);
	free(ks->buf);
	free(ks);
}

/* Text symbols: the ones lookups and searches can return. */
size_t ksyms_count(const struct lt_ksyms *ks)
{
	return ks ? ks->ntext : 0;
}

/* An empty table has no usable address either, so it counts as hidden. */
int ksyms_hidden(const struct lt_ksyms *ks)
{
	return !ks || ks->hidden;
}

/* "N" of a ".isra.N" group: one or more digits up to the next '.' or end. */
static const char *skip_number(const char *p)
{
	const char *q = p;

	while (*q >= '0' && *q <= '9')
		q++;
	return q > p && (*q == '.' || !*q) ? q : NULL;
}

/*
 * True when rest is a (possibly empty) run of compiler clone suffixes. A
 * .cold part is not an entry point, so any unknown group - .cold included -
 * rejects the name.
 */
static bool clone_suffixes(const char *rest)
{
	static const char *const groups[] = {
		".isra.", ".constprop.", ".part.", ".llvm.",
	};

	while (*rest) {
		const char *next = NULL;

		for (size_t i = 0; !next && i < sizeof(groups) / sizeof(*groups); i++) {
			size_t gl = strlen(groups[i]);

			if (!strncmp(rest, groups[i], gl))
				next = skip_number(rest + gl);
		}
		if (!next)
			return false;
		rest = next;
	}
	return true;
}

/* First index in byname whose name is >= name. */
static size_t name_lower_bound(const struct lt_ksyms *ks, const char *name)
{
	size_t lo = 0, hi = ks->ntext;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ks->byname[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Keeps out[0..*n) the lowest-address matches seen so far, sorted. */
static void insert_by_addr(const struct lt_ksym **out, size_t max, size_t *n,
			   const struct lt_ksym *s)
{
	size_t i = *n;

	if (i == max) {
		if (!max || cmp_addr(out[max - 1], s) < 0)
			return;
		i--;
	} else {
		(*n)++;
	}
	for (; i > 0 && cmp_addr(out[i - 1], s) > 0; i--)
		out[i] = out[i - 1];
	out[i] = s;
}

size_t ksyms_find_all(const struct lt_ksyms *ks, const char *name,
		      const struct lt_ksym **out, size_t max)
{
	size_t len = strlen(name), found = 0, stored = 0;

	if (!ks || !len)
		return 0;
	/* Every candidate starts with name, so they sit together in byname. */
	for (size_t i = name_lower_bound(ks, name); i < ks->ntext; i++) {
		const struct lt_ksym *s = ks->byname[i];

		if (strncmp(s->name, name, len))
			break;
		if (!clone_suffixes(s->name + len))
			continue;
		found++;
		if (out)
			insert_by_addr(out, max, &stored, s);
	}
	return found;
}

const struct lt_ksym *ksyms_find_data(const struct lt_ksyms *ks,
				      const char *name)
{
	/* Once or twice at start: a scan beats a second index in RSS. */
	for (size_t i = 0; ks && i < ks->n; i++)
		if (ks->syms[i].type != LT_KSYM_MODULE_TEXT &&
		    !strcmp(ks->syms[i].name, name))
			return &ks->syms[i];
	return NULL;
}

/* Index of the last symbol at or below addr, or n when there is none. */
static size_t addr_floor(const struct lt_ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : ks->n;
}

const struct lt_ksym *ksyms_lookup(const struct lt_ksyms *ks, uint64_t addr,
				   uint64_t *off)
{
	const struct lt_ksym *s;
	size_t i, j;

	if (!ks || ks->hidden)
		return NULL;
	i = addr_floor(ks, addr);
	if (i == ks->n)
		return NULL;
	/* The floor is the last symbol <= addr, so syms[j] starts above it. */
	j = i + 1;
	if (j == ks->n && addr - ks->syms[i].addr >= LT_KSYM_LAST_SPAN)
		return NULL;
	/* Aliases share an address: answer with the first text one listed. */
	while (i > 0 && ks->syms[i - 1].addr == ks->syms[i].addr)
		i--;
	for (s = NULL; i < j && !s; i++)
		if (is_stack_text(ks->syms[i].type))
			s = &ks->syms[i];
	if (s && off)
		*off = addr - s->addr;
	return s;
}

const char *ksyms_format(const struct lt_ksyms *ks, uint64_t addr, char *buf,
			 size_t len)
{
	const struct lt_ksym *s;
	uint64_t off;

	if (!len)
		return buf;
	s = ksyms_lookup(ks, addr, &off);
	if (s)
		snprintf(buf, len, "%s+0x%" PRIx64, s->name, off);
	else
		snprintf(buf, len, "0x%" PRIx64, addr);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keeps the first word of every line; the file repeats duplicate statics. */
/* A line's name as strset_parse() reads it; NULL for a blank line. */
static char *strset_word(char *p)
{
	char *w = p + strspn(p, " \t\r");

	if (!*w)
		return NULL;
	w[strcspn(w, " \t\r")] = '\0';
	return w;
}

const char *strset_line_name(char *line)
{
	return strset_word(line);
}

bool ksyms_line_parse(char *line, struct lt_ksym *out)
{
	return parse_ksym_line(line, out);
}

static int strset_parse(struct lt_strset *s, size_t len)
{
	char *p = s->buf, *end = s->buf + len, *nl;
	size_t j = 0;

	s->names = malloc(count_lines(s->buf, len) * sizeof(*s->names));
	if (!s->names)
		return -1;
	for (; p < end; p = nl + 1) {
		char *w;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		*nl = '\0';
		w = strset_word(p);
		if (w)
			s->names[s->n++] = w;
	}
	qsort(s->names, s->n, sizeof(*s->names), cmp_str);
	for (size_t i = 0; i < s->n; i++)
		if (!j || strcmp(s->names[j - 1], s->names[i]))
			s->names[j++] = s->names[i];
	s->n = j;
	return 0;
}

struct lt_strset *strset_from_text(char *text, size_t len)
{
	struct lt_strset *s = calloc(1, sizeof(*s));
	int err;

	if (!s) {
		free(text);
		return NULL;
	}
	s->buf = text;
	if (strset_parse(s, len))
		goto fail;
	return s;
fail:
	err = errno ? errno : ENOMEM;
	strset_free(s);
	errno = err;
	return NULL;
}

struct lt_strset *strset_load(const char *path)
{
	size_t len;
	char *text = read_whole(path, &len);

	return text ? strset_from_text(text, len) : NULL;
}

void strset_free(struct lt_strset *s)
{
	if (!s)
		return;
	free(s->names);
	free(s->buf);
	free(s);
}

int strset_has(const struct lt_strset *s, const char *name)
{
	if (!s || !s->n)
		return 0;
	return bsearch(&name, s->names, s->n, sizeof(*s->names), cmp_str) != NULL;
}

size_t strset_count(const struct lt_strset *s)
{
	return s ? s->n : 0;
}
