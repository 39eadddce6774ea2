// SPDX-License-Identifier: GPL-2.0
/*
 * gfp flag names from the kmem:mm_page_alloc format file.
 *
 * The print fmt line carries the kernel's own name table as C source:
 *
 *   __print_flags(REC->gfp_flags, "|", {( unsigned long)(EXPR), "NAME"}, ...)
 *
 * EXPR is whatever the GFP macros expanded to: hex literals and casts before
 * 6.10, shifts of ___GFP_*_BIT enum names after (the kernel substitutes the
 * numbers only where TRACE_DEFINE_ENUM covers them). A small evaluator for
 * that subset of C turns each entry into a mask, so the names follow the
 * running kernel instead of a table compiled into the tool.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gfp.h"

#define GFP_MAX_DEPTH	64	/* nesting seen in real files is ~10 */
#define GFP_IDENT_MAX	128

enum eval_err {
	EVAL_OK,
	EVAL_SYNTAX,
	EVAL_UNRESOLVED,
};

/* A value and the width of its C type, so that ~ and casts wrap right. */
struct val {
	uint64_t v;
	unsigned int bits;
};

struct parser {
	const char *p, *end;
	lt_ident_fn ident;
	void *arg;
	int depth;
	enum eval_err err;
};

static struct val parse_or(struct parser *ps);
static struct val parse_unary(struct parser *ps);

static uint64_t wrap(uint64_t v, unsigned int bits)
{
	return bits >= 64 ? v : v & ((1ULL << bits) - 1);
}

static struct val mkval(uint64_t v, unsigned int bits)
{
	return (struct val){ wrap(v, bits), bits };
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static char peek(struct parser *ps)
{
	skip_ws(ps);
	return ps->p < ps->end ? *ps->p : '\0';
}

/*
 * Consumes operator op unless it is the start of a longer one: "|" must not
 * eat half of "||", which this subset does not support.
 */
static bool eat(struct parser *ps, const char *op)
{
	size_t n = strlen(op);

	skip_ws(ps);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, op, n))
		return false;
	if (n == 1 && ps->p + 1 < ps->end && ps->p[1] == op[0] && op[0] != '(' &&
	    op[0] != ')' && op[0] != '~')
		return false;
	ps->p += n;
	return true;
}

static struct val fail(struct parser *ps, enum eval_err err)
{
	if (!ps->err)
		ps->err = err;
	ps->p = ps->end;
	return mkval(0, 64);
}

/* Integer literal with C suffixes: 0x400u, 1UL, 10, 0. */
static struct val parse_number(struct parser *ps)
{
	unsigned int bits = 32;
	unsigned long long v;
	int suffix = 0;
	char *e;

	errno = 0;
	v = strtoull(ps->p, &e, 0);
	if (errno || e == ps->p || e > ps->end)
		return fail(ps, EVAL_SYNTAX);
	ps->p = e;
	while (ps->p < ps->end && strchr("uUlL", *ps->p) && suffix < 3) {
		if (*ps->p == 'l' || *ps->p == 'L')
			bits = 64;
		ps->p++;
		suffix++;
	}
	if (ps->p < ps->end && is_ident_char(*ps->p))
		return fail(ps, EVAL_SYNTAX);
	if (v > 0xffffffffULL)
		bits = 64;
	return mkval(v, bits);
}

static struct val parse_ident(struct parser *ps)
{
	char name[GFP_IDENT_MAX];
	const char *s = ps->p;
	uint64_t v;
	size_t n;

	while (ps->p < ps->end && is_ident_char(*ps->p))
		ps->p++;
	n = (size_t)(ps->p - s);
	if (n >= sizeof(name))
		return fail(ps, EVAL_SYNTAX);
	memcpy(name, s, n);
	name[n] = '\0';
	if (!ps->ident || ps->ident(name, &v, ps->arg))
		return fail(ps, EVAL_UNRESOLVED);
	return mkval(v, v > 0xffffffffULL ? 64 : 32);
}

/* Width of a known scalar type word, 0 for anything else. */
static unsigned int type_word_bits(const char *w, size_t n)
{
	static const struct {
		const char *name;
		unsigned int bits;
	} words[] = {
		{ "gfp_t", 32 }, { "unsigned", 32 }, { "signed", 32 },
		{ "int", 32 }, { "long", 64 }, { "short", 16 }, { "char", 8 },
		{ "u32", 32 }, { "__u32", 32 }, { "u64", 64 }, { "__u64", 64 },
		{ "__force", 32 },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i].name) == n && !memcmp(words[i].name, w, n))
			return words[i].bits;
	return 0;
}

/*
 * At "(": if only type words follow up to ")", consumes the cast and
 * returns its width (the widest word: "unsigned long" is 64). Otherwise
 * leaves the position alone and returns 0.
 */
static unsigned int try_cast(struct parser *ps)
{
	const char *save = ps->p, *w;
	unsigned int bits = 0, b;

	if (!eat(ps, "("))
		return 0;
	while (peek(ps) != ')') {
		w = ps->p;
		while (ps->p < ps->end && is_ident_char(*ps->p))
			ps->p++;
		b = type_word_bits(w, (size_t)(ps->p - w));
		if (!b)
			goto not_cast;
		/* "__force" alone carries no width; a real type word sets it. */
		if (ps->p - w != 7 || memcmp(w, "__force", 7))
			bits = b > bits ? b : bits;
	}
	if (!bits)
		goto not_cast;
	ps->p++;
	return bits;
not_cast:
	ps->p = save;
	return 0;
}

static struct val parse_primary(struct parser *ps)
{
	struct val v;
	char c = peek(ps);

	if (c >= '0' && c <= '9')
		return parse_number(ps);
	if (is_ident_start(c))
		return parse_ident(ps);
	if (!eat(ps, "("))
		return fail(ps, EVAL_SYNTAX);
	v = parse_or(ps);
	if (!eat(ps, ")"))
		return fail(ps, EVAL_SYNTAX);
	return v;
}

static struct val parse_unary(struct parser *ps)
{
	unsigned int bits;
	struct val v;

	if (++ps->depth > GFP_MAX_DEPTH) {
		v = fail(ps, EVAL_SYNTAX);
	} else if (eat(ps, "~")) {
		v = parse_unary(ps);
		v = mkval(~v.v, v.bits);
	} else if (eat(ps, "-")) {
		v = parse_unary(ps);
		v = mkval(-v.v, v.bits);
	} else if (eat(ps, "+")) {
		v = parse_unary(ps);
	} else if (peek(ps) == '(' && (bits = try_cast(ps))) {
		v = parse_unary(ps);
		v = mkval(v.v, bits);
	} else {
		v = parse_primary(ps);
	}
	ps->depth--;
	return v;
}

static unsigned int wider(struct val a, struct val b)
{
	return a.bits > b.bits ? a.bits : b.bits;
}

static struct val parse_add(struct parser *ps)
{
	struct val l = parse_unary(ps), r;

	for (;;) {
		if (eat(ps, "+")) {
			r = parse_unary(ps);
			l = mkval(l.v + r.v, wider(l, r));
		} else if (eat(ps, "-")) {
			r = parse_unary(ps);
			l = mkval(l.v - r.v, wider(l, r));
		} else {
			return l;
		}
	}
}

/* The result has the left operand's type; oversized shifts give 0. */
static struct val parse_shift(struct parser *ps)
{
	struct val l = parse_add(ps), r;

	for (;;) {
		if (eat(ps, "<<")) {
			r = parse_add(ps);
			l = mkval(r.v >= l.bits ? 0 : l.v << r.v, l.bits);
		} else if (eat(ps, ">>")) {
			r = parse_add(ps);
			l = mkval(r.v >= l.bits ? 0 : l.v >> r.v, l.bits);
		} else {
			return l;
		}
	}
}

static struct val parse_and(struct parser *ps)
{
	struct val l = parse_shift(ps), r;

	while (eat(ps, "&")) {
		r = parse_shift(ps);
		l = mkval(l.v & r.v, wider(l, r));
	}
	return l;
}

static struct val parse_xor(struct parser *ps)
{
	struct val l = parse_and(ps), r;

	while (eat(ps, "^")) {
		r = parse_and(ps);
		l = mkval(l.v ^ r.v, wider(l, r));
	}
	return l;
}

static struct val parse_or(struct parser *ps)
{
	struct val l = parse_xor(ps), r;

	while (eat(ps, "|")) {
		r = parse_xor(ps);
		l = mkval(l.v | r.v, wider(l, r));
	}
	return l;
}

/* Evaluates [s, end) completely; anything left over is a syntax error. */
static enum eval_err eval_expr(const char *s, const char *end, lt_ident_fn ident,
			       void *arg, uint64_t *out)
{
	struct parser ps = { .p = s, .end = end, .ident = ident, .arg = arg };
	struct val v = parse_or(&ps);

	skip_ws(&ps);
	if (!ps.err && ps.p != ps.end)
		ps.err = EVAL_SYNTAX;
	*out = v.v;
	return ps.err;
}

static bool table_push(struct lt_gfp_table *t, uint64_t mask, const char *name,
		       size_t len)
{
	struct lt_gfp_flag *f;

	if (t->n >= sizeof(t->flags) / sizeof(*t->flags) ||
	    len >= sizeof(f->name) || !len)
		return false;
	f = &t->flags[t->n++];
	f->mask = mask;
	memcpy(f->name, name, len);
	f->name[len] = '\0';
	return true;
}

void gfp_table_add(struct lt_gfp_table *t, uint64_t mask, const char *name)
{
	table_push(t, mask, name, strlen(name));
}

/* Past the string literal starting at s ('"'), or NULL when unterminated. */
static const char *skip_string(const char *s)
{
	for (s++; *s && *s != '\n'; s++) {
		if (*s == '\\' && s[1])
			s++;
		else if (*s == '"')
			return s + 1;
	}
	return NULL;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Scans one "{EXPR, NAME}" entry starting at '{'. Sets *comma to the last
 * comma at the entry's own level (EXPR cannot hold a top-level comma, NAME
 * is last) and returns the closing '}', or NULL when the text ends first.
 */
static const char *scan_entry(const char *s, const char **comma)
{
	int depth = 0;

	*comma = NULL;
	for (; *s && *s != '\n'; s++) {
		switch (*s) {
		case '"':
			s = skip_string(s);
			if (!s)
				return NULL;
			s--;
			break;
		case '(': case '{':
			depth++;
			break;
		case ')': case '}':
			if (--depth == 0)
				return *s == '}' ? s : NULL;
			if (depth < 0)
				return NULL;
			break;
		case ',':
			if (depth == 1)
				*comma = s;
			break;
		}
	}
	return NULL;
}

/* NAME must be a plain string literal; "{ 0, ((void *)0) }" ends a list. */
static bool entry_name(const char *s, const char *end, const char **name,
		       size_t *len)
{
	const char *q;

	s = skip_space(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (*s != '"' || !(q = skip_string(s)) || q != end)
		return false;
	*name = s + 1;
	*len = (size_t)(end - s - 2);
	return true;
}

/* One entry: an entry that does not evaluate is left out, not fatal. */
static void parse_entry(const char *open, const char *comma, const char *close,
			lt_ident_fn ident, void *arg, struct lt_gfp_table *t)
{
	const char *name;
	uint64_t mask;
	size_t len;

	if (!comma || !entry_name(comma + 1, close, &name, &len))
		return;
	if (eval_expr(open + 1, comma, ident, arg, &mask) != EVAL_OK)
		return;
	table_push(t, mask, name, len);
}

/*
 * Position just after `__print_flags(REC->gfp_flags, "|",` on the print fmt
 * line, or NULL. Other events print other flags; only gfp_flags counts.
 */
static const char *find_flag_list(const char *text)
{
	const char *s = strstr(text, "print fmt:"), *q;

	while (s && (s = strstr(s, "__print_flags("))) {
		s = skip_space(s + strlen("__print_flags("));
		if (strncmp(s, "REC->gfp_flags", 14)) {
			continue;
		}
		s = skip_space(s + 14);
		/* test before stepping: at the NUL, s++ ran past it and the
		 * next strstr() read beyond the buffer
		 * (fuzz/corpus/format/crash-ends-after-gfp-flags) */
		if (*s != ',')
			continue;
		s = skip_space(s + 1);
		if (*s != '"' || !(q = skip_string(s)))
			continue;
		q = skip_space(q);
		if (*q == ',')
			return q + 1;
	}
	return NULL;
}

int gfp_parse_format(const char *text, lt_ident_fn ident, void *arg,
		     struct lt_gfp_table *t)
{
	const char *s, *close, *comma;

	t->n = 0;
	s = text ? find_flag_list(text) : NULL;
	if (!s) {
		errno = ENOENT;
		return -1;
	}
	for (;;) {
		s = skip_space(s);
		if (*s == ')')
			return 0;
		if (*s != '{')
			break;
		close = scan_entry(s, &comma);
		if (!close)
			break;
		parse_entry(s, comma, close, ident, arg, t);
		s = skip_space(close + 1);
		if (*s == ',')
			s++;
		else if (*s != ')')
			break;
	}
	/* Truncated or foreign syntax: do not hand back half a table. */
	t->n = 0;
	errno = EINVAL;
	return -1;
}

static void put(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*pos + 1 >= len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	*pos = *pos + (size_t)r < len ? *pos + (size_t)r : len - 1;
}

const char *gfp_decode(const struct lt_gfp_table *t, uint64_t flags,
		       char *buf, size_t len)
{
	size_t pos = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!flags) {
		put(buf, len, &pos, "none");
		return buf;
	}
	/* Like __print_flags: first match wins, so wide masks come first. */
	for (size_t i = 0; t && i < t->n && flags; i++) {
		uint64_t m = t->flags[i].mask;

		if (!m || (flags & m) != m)
			continue;
		put(buf, len, &pos, "%s%s", pos ? "|" : "", t->flags[i].name);
		flags &= ~m;
	}
	if (flags)
		put(buf, len, &pos, "%s0x%llx", pos ? "|" : "",
		    (unsigned long long)flags);
	return buf;
}

uint64_t gfp_mask_of(const struct lt_gfp_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!strcmp(t->flags[i].name, name))
			return t->flags[i].mask;
	return 0;
}
