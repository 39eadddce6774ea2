// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http_accept.h"

struct span {
	const char *p;
	size_t n;
};

static struct span trim(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {	/* quoted value */
		p++;
		n -= 2;
	}
	return (struct span){ p, n };
}

static bool is(struct span s, const char *word)
{
	return s.n == strlen(word) && !strncasecmp(s.p, word, s.n);
}

static bool is_exact(struct span s, const char *word)
{
	return s.n == strlen(word) && !memcmp(s.p, word, s.n);
}

/* A weight "0" to "1" with at most three decimals; -1 if malformed. */
static double weight(struct span v)
{
	char buf[8];
	char *end;
	double q;

	if (!v.n || v.n >= sizeof(buf) || (v.p[0] != '0' && v.p[0] != '1'))
		return -1;
	memcpy(buf, v.p, v.n);
	buf[v.n] = '\0';
	q = strtod(buf, &end);
	return *end || q > 1 ? -1 : q;
}

struct range {
	bool pb, text;
	double q;
};

/* One media range: type/subtype, then ;name=value parameters. */
static struct range media_range(const char *p, size_t n)
{
	struct range r = { .q = 1 };
	const char *semi = memchr(p, ';', n);
	struct span type = trim(p, semi ? (size_t)(semi - p) : n);
	bool proto = false, delimited = false;

	while (semi) {
		const char *start = semi + 1;
		size_t left = n - (size_t)(start - p);
		const char *eq;
		struct span name, val;

		semi = memchr(start, ';', left);
		if (semi)
			left = (size_t)(semi - start);
		eq = memchr(start, '=', left);
		if (!eq)
			continue;
		name = trim(start, (size_t)(eq - start));
		val = trim(eq + 1, left - (size_t)(eq + 1 - start));
		if (is(name, "q"))
			r.q = weight(val);
		else if (is(name, "proto"))
			proto = is_exact(val, "io.prometheus.client.MetricFamily");
		else if (is(name, "encoding"))
			delimited = is(val, "delimited");
	}
	r.pb = is(type, "application/vnd.google.protobuf") && proto &&
		delimited;
	r.text = is(type, "text/plain") || is(type, "text/*") ||
		is(type, "*/*");
	return r;
}

enum lt_format http_accept(const char *accept)
{
	double q_pb = 0, q_text = 0;
	const char *p = accept;

	if (!p)
		return LT_FMT_TEXT;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		struct range r = media_range(p, n);

		if (r.pb && r.q > q_pb)
			q_pb = r.q;
		if (r.text && r.q > q_text)
			q_text = r.q;
		if (!comma)
			break;
		p = comma + 1;
	}
	return q_pb > 0 && q_pb >= q_text ? LT_FMT_PROTOBUF : LT_FMT_TEXT;
}
