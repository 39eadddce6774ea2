// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "hist.h"
#include "report.h"
#include "trace_load.h"

struct lt_hrec {
	int id;
	char *comm;
	uint64_t cgroup_id;
	unsigned long long slots[LT_HIST_SLOTS];
};

/* One load: the file, the line being read, where errors go. */
struct loader {
	struct lt_trace *t;
	const char *name;
	size_t line;
	char *err;
	size_t errlen;
};

static int bad(struct loader *l, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s:%zu: %s", l->name, l->line, what);
	return -1;
}

int trace_hist_id(const char *name)
{
	for (int i = 0; i < LT_H_MAX; i++)
		if (!strcmp(hist_name(i), name))
			return i;
	return -1;
}

int trace_bucket_slot(uint64_t low, uint64_t high)
{
	unsigned int s = hist_slot(low);
	uint64_t lo, hi;

	hist_bounds(s, &lo, &hi);
	if (lo != low)
		return -1;
	/* The last slot holds everything clamped into it (hist_bounds()). */
	if (s == LT_HIST_SLOTS - 1)
		return high >= low ? (int)s : -1;
	return hi == high ? (int)s : -1;
}

/* ---- typed field access: a missing or mistyped field is an error ---- */

static json_object *field(struct loader *l, json_object *o, const char *key,
			  json_type type, bool *ok)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type)) {
		if (*ok)
			bad(l, "\"%s\" missing or not %s", key, json_type_to_name(type));
		*ok = false;
		return NULL;
	}
	return v;
}

static const char *str_field(struct loader *l, json_object *o, const char *key,
			     bool *ok)
{
	json_object *v = field(l, o, key, json_type_string, ok);

	return v ? json_object_get_string(v) : "";
}

static uint64_t u64_field(struct loader *l, json_object *o, const char *key,
			  bool *ok)
{
	json_object *v = field(l, o, key, json_type_int, ok);

	if (v && json_object_get_int64(v) < 0 && *ok) {
		*ok = false;
		bad(l, "\"%s\" is negative", key);
	}
	return v ? json_object_get_uint64(v) : 0;
}

/* Element i of an array of objects, or NULL after an error naming it. */
static json_object *obj_at(struct loader *l, json_object *a, size_t i,
			   const char *what)
{
	json_object *o = json_object_array_get_idx(a, i);

	if (!json_object_is_type(o, json_type_object)) {
		bad(l, "%s %zu is not an object", what, i);
		return NULL;
	}
	return o;
}

/* Optional string: "" when absent. */
static const char *opt_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fputs("lazytrace: out of memory\n", stderr);
		exit(2);
	}
	return d;
}

/* Grows *arr to hold n + 1 elements of size sz; exits on ENOMEM. */
static void *grow(void *arr, size_t n, size_t sz)
{
	void *p = realloc(arr, (n + 1) * sz);

	if (!p) {
		fputs("lazytrace: out of memory\n", stderr);
		exit(2);
	}
	memset((char *)p + n * sz, 0, sz);
	return p;
}

/* ---- stacks ---- */

static void free_stack(char **st, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(st[i]);
	free(st);
}

static int read_stack(struct loader *l, json_object *o, char ***out, size_t *n)
{
	bool ok = true;
	json_object *a = field(l, o, "stack", json_type_array, &ok);
	size_t len;

	*out = NULL;
	*n = 0;
	if (!a)
		return -1;
	len = json_object_array_length(a);
	*out = calloc(len ? len : 1, sizeof(char *));
	if (!*out)
		return bad(l, "out of memory");
	for (size_t i = 0; i < len; i++) {
		json_object *f = json_object_array_get_idx(a, i);

		if (!json_object_is_type(f, json_type_string)) {
			free_stack(*out, *n);
			*out = NULL;
			*n = 0;
			return bad(l, "stack frame %zu is not a string", i);
		}
		(*out)[(*n)++] = xstrdup(json_object_get_string(f));
	}
	return 0;
}

static bool stack_eq(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

/* A streamed stack is cut at --stacks frames: a prefix of the full one. */
static bool stack_prefix(char **p, size_t np, char **full, size_t nfull)
{
	return np <= nfull && stack_eq(p, np, full, np);
}

/* ---- comms ---- */

static struct lt_tcomm *comm_of(struct lt_trace *t, const char *comm)
{
	for (size_t i = 0; i < t->ncomms; i++)
		if (!strcmp(t->comms[i].comm, comm))
			return &t->comms[i];
	t->comms = grow(t->comms, t->ncomms, sizeof(*t->comms));
	t->comms[t->ncomms].comm = xstrdup(comm);
	return &t->comms[t->ncomms++];
}

/* Findings per comm in a group: the first LT_TGROUP_COMMS comms by name. */
static void add_comm(struct lt_tgroup *g, const char *comm)
{
	for (size_t i = 0; i < g->ncomms; i++)
		if (!strcmp(g->comms[i].name, comm)) {
			g->comms[i].v++;
			return;
		}
	if (g->ncomms == LT_TGROUP_COMMS) {
		g->other_comms++;
		return;
	}
	g->comms[g->ncomms].name = xstrdup(comm);
	g->comms[g->ncomms++].v = 1;
}

/* ---- records ---- */

static int load_finding(struct loader *l, json_object *o)
{
	struct lt_trace *t = l->t;
	bool ok = true;
	const char *kind = str_field(l, o, "kind", &ok);
	uint64_t ts = u64_field(l, o, "ts_ns", &ok);
	const char *comm = opt_str(o, "comm");
	struct lt_tgroup *g = NULL;
	char **st;
	size_t n;

	if (!ok || read_stack(l, o, &st, &n))
		return -1;
	for (size_t i = 0; i < t->ngroups && !g; i++)
		if (!strcmp(t->groups[i].kind, kind) &&
		    stack_eq(t->groups[i].stack, t->groups[i].nstack, st, n))
			g = &t->groups[i];
	if (g) {
		free_stack(st, n);
	} else {
		t->groups = grow(t->groups, t->ngroups, sizeof(*t->groups));
		g = &t->groups[t->ngroups++];
		g->kind = xstrdup(kind);
		g->severity = xstrdup(opt_str(o, "severity"));
		g->event = xstrdup(opt_str(o, "event"));
		g->stack = st;
		g->nstack = n;
		g->first_ns = ts;
		g->last_ns = ts;
	}
	g->streamed++;
	if (ts < g->first_ns)
		g->first_ns = ts;
	if (ts > g->last_ns)
		g->last_ns = ts;
	add_comm(g, comm);
	comm_of(t, comm)->findings++;
	if (!t->streamed++ || ts < t->first_ns)
		t->first_ns = ts;
	if (ts > t->last_ns)
		t->last_ns = ts;
	return 0;
}

static int load_hist(struct loader *l, json_object *o)
{
	struct lt_trace *t = l->t;
	bool ok = true;
	const char *name = str_field(l, o, "name", &ok);
	const char *comm = str_field(l, o, "comm", &ok);
	json_object *b = field(l, o, "buckets", json_type_array, &ok), *cg;
	uint64_t cgroup_id = 0, total = 0, want;
	unsigned long long slots[LT_HIST_SLOTS] = { 0 };
	struct lt_hrec *r = NULL;
	int id;

	if (!ok)
		return -1;
	want = u64_field(l, o, "total", &ok);
	if (!ok)
		return -1;
	if (json_object_object_get_ex(o, "cgroup_id", &cg))
		cgroup_id = json_object_get_uint64(cg);
	for (size_t i = 0; i < json_object_array_length(b); i++) {
		json_object *e = obj_at(l, b, i, "bucket");
		uint64_t lo, hi, c;
		int s;

		if (!e)
			return -1;
		lo = u64_field(l, e, "low", &ok);
		hi = u64_field(l, e, "high", &ok);
		c = u64_field(l, e, "count", &ok);
		if (!ok)
			return -1;
		s = trace_bucket_slot(lo, hi);
		if (s < 0)
			return bad(l, "bucket [%llu, %llu] is not a log2 bucket",
				   (unsigned long long)lo, (unsigned long long)hi);
		slots[s] += c;
		total += c;
	}
	if (total != want)
		return bad(l, "buckets add up to %llu, \"total\" says %llu",
			   (unsigned long long)total, (unsigned long long)want);
	id = trace_hist_id(name);
	if (id < 0)
		return 0;	/* a newer tracer's histogram: ignore it */
	if (!t->hist_scope[id])
		t->hist_scope[id] = xstrdup(opt_str(o, "scope"));
	/* Counts are cumulative since start: the last record is the total. */
	for (size_t i = 0; i < t->nhrecs && !r; i++)
		if (t->hrecs[i].id == id && t->hrecs[i].cgroup_id == cgroup_id &&
		    !strcmp(t->hrecs[i].comm, comm))
			r = &t->hrecs[i];
	if (!r) {
		t->hrecs = grow(t->hrecs, t->nhrecs, sizeof(*t->hrecs));
		r = &t->hrecs[t->nhrecs++];
		r->id = id;
		r->comm = xstrdup(comm);
		r->cgroup_id = cgroup_id;
	}
	memcpy(r->slots, slots, sizeof(slots));
	return 0;
}

static int load_kvs(struct loader *l, json_object *o, const char *key,
		    struct lt_kv **out, size_t *n)
{
	bool ok = true;
	json_object *m = field(l, o, key, json_type_object, &ok);

	if (!m)
		return -1;
	json_object_object_foreach(m, k, v) {
		if (!json_object_is_type(v, json_type_int))
			return bad(l, "\"%s.%s\" is not a number", key, k);
		*out = grow(*out, *n, sizeof(**out));
		(*out)[*n].name = xstrdup(k);
		(*out)[(*n)++].v = json_object_get_uint64(v);
	}
	return 0;
}

/* What the plan record and the summary both carry. */
static void free_header(struct lt_trace *t)
{
	free(t->kernel);
	free(t->rules);
	free(t->state_source);
	free(t->state_crosscheck);
	for (size_t i = 0; i < t->nprobes; i++) {
		free(t->probes[i].event);
		free(t->probes[i].method);
		free(t->probes[i].symbol);
	}
	free(t->probes);
	t->kernel = t->rules = t->state_source = t->state_crosscheck = NULL;
	t->probes = NULL;
	t->nprobes = 0;
}

static void free_summary(struct lt_trace *t)
{
	free_header(t);
	for (size_t i = 0; i < t->nkinds; i++)
		free(t->kinds[i].name);
	for (size_t i = 0; i < t->nevents; i++)
		free(t->events[i].name);
	free(t->kinds);
	free(t->events);
	t->kinds = t->events = NULL;
	t->nkinds = t->nevents = 0;
}

/* Kernel, rules, state sources and probes, from a plan or summary record. */
static int load_header(struct loader *l, json_object *o)
{
	struct lt_trace *t = l->t;
	bool ok = true;
	json_object *probes = field(l, o, "probes", json_type_array, &ok);

	if (!ok)
		return -1;
	free_header(t);
	t->has_plan = true;
	t->kernel = xstrdup(str_field(l, o, "kernel", &ok));
	t->rules = xstrdup(opt_str(o, "rules"));
	t->state_source = xstrdup(str_field(l, o, "state_source", &ok));
	t->state_crosscheck = xstrdup(opt_str(o, "state_crosscheck"));
	for (size_t i = 0; ok && i < json_object_array_length(probes); i++) {
		json_object *p = obj_at(l, probes, i, "probe"), *c;
		struct lt_tprobe *tp;

		if (!p)
			return -1;
		t->probes = grow(t->probes, t->nprobes, sizeof(*t->probes));
		tp = &t->probes[t->nprobes++];
		tp->event = xstrdup(str_field(l, p, "event", &ok));
		tp->method = xstrdup(str_field(l, p, "method", &ok));
		tp->symbol = xstrdup(opt_str(p, "symbol"));
		if (json_object_object_get_ex(p, "copies", &c))
			tp->copies = json_object_get_int(c);
	}
	return ok ? 0 : -1;
}

/* The plan record comes first; the summary's copy of it wins. */
static int load_plan(struct loader *l, json_object *o)
{
	return l->t->has_summary ? 0 : load_header(l, o);
}

/* Summary groups go to t->groups after every finding is in (attach_counts). */
struct sgroup_list {
	struct lt_tgroup *g;
	size_t n;
};

static int load_summary(struct loader *l, json_object *o, struct sgroup_list *sg)
{
	struct lt_trace *t = l->t;
	bool ok = true;
	json_object *groups = field(l, o, "groups", json_type_array, &ok);

	if (!ok)
		return -1;
	free_summary(t);	/* a later summary replaces an earlier one */
	for (size_t i = 0; i < sg->n; i++) {
		free(sg->g[i].kind);
		free(sg->g[i].severity);
		free(sg->g[i].event);
		free_stack(sg->g[i].stack, sg->g[i].nstack);
	}
	sg->n = 0;
	t->has_summary = true;
	if (load_header(l, o))
		return -1;
	t->sum_streamed = u64_field(l, o, "streamed", &ok);
	t->dropped = u64_field(l, o, "dropped", &ok);
	t->aggregation_full = u64_field(l, o, "aggregation_full", &ok);
	t->stacks_lost = u64_field(l, o, "stacks_lost", &ok);
	t->irq_skipped = u64_field(l, o, "irq_skipped", &ok);
	t->gathers_fullmm = u64_field(l, o, "gathers_fullmm", &ok);
	t->gathers_ranged = u64_field(l, o, "gathers_ranged", &ok);
	if (!ok || load_kvs(l, o, "findings", &t->kinds, &t->nkinds) ||
	    load_kvs(l, o, "events", &t->events, &t->nevents))
		return -1;
	for (size_t i = 0; i < json_object_array_length(groups); i++) {
		json_object *g = obj_at(l, groups, i, "group");
		struct lt_tgroup *d;

		if (!g)
			return -1;
		sg->g = grow(sg->g, sg->n, sizeof(*sg->g));
		d = &sg->g[sg->n++];
		d->kind = xstrdup(str_field(l, g, "kind", &ok));
		d->severity = xstrdup(opt_str(g, "severity"));
		d->event = xstrdup(opt_str(g, "event"));
		d->counted = u64_field(l, g, "count", &ok);
		d->first_ns = u64_field(l, g, "first_ns", &ok);
		d->last_ns = u64_field(l, g, "last_ns", &ok);
		d->has_counted = true;
		if (!ok || read_stack(l, g, &d->stack, &d->nstack))
			return -1;
	}
	return 0;
}

/*
 * Each summary group's exact count goes to the streamed group whose stack
 * is the longest prefix of its stack; a summary group no finding was
 * streamed for (all dropped) becomes a row of its own.
 */
static void attach_counts(struct lt_trace *t, struct sgroup_list *sg)
{
	for (size_t i = 0; i < sg->n; i++) {
		struct lt_tgroup *s = &sg->g[i], *best = NULL;

		for (size_t j = 0; j < t->ngroups; j++) {
			struct lt_tgroup *g = &t->groups[j];

			if (!g->streamed || strcmp(g->kind, s->kind) ||
			    !stack_prefix(g->stack, g->nstack, s->stack, s->nstack))
				continue;
			if (!best || g->nstack > best->nstack)
				best = g;
		}
		if (best) {
			best->counted += s->counted;
			best->has_counted = true;
			free(s->kind);
			free(s->severity);
			free(s->event);
			free_stack(s->stack, s->nstack);
			continue;
		}
		t->groups = grow(t->groups, t->ngroups, sizeof(*t->groups));
		t->groups[t->ngroups++] = *s;
	}
	free(sg->g);
	sg->g = NULL;
	sg->n = 0;
}

static int group_cmp(const void *a, const void *b)
{
	const struct lt_tgroup *x = a, *y = b;
	uint64_t cx = x->has_counted ? x->counted : x->streamed;
	uint64_t cy = y->has_counted ? y->counted : y->streamed;

	if (cx != cy)
		return cx < cy ? 1 : -1;
	return strcmp(x->kind, y->kind);
}

/* Histograms merged over comms, and each comm's sample totals. */
static void merge_hists(struct lt_trace *t)
{
	for (size_t i = 0; i < t->nhrecs; i++) {
		struct lt_hrec *r = &t->hrecs[i];

		hist_merge(t->hist[r->id], r->slots, LT_HIST_SLOTS);
		t->hist_seen[r->id] = true;
		comm_of(t, r->comm)->samples[r->id] +=
			hist_total(r->slots, LT_HIST_SLOTS);
		free(r->comm);
	}
	free(t->hrecs);
	t->hrecs = NULL;
	t->nhrecs = 0;
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

static int load_line(struct loader *l, const char *line, struct sgroup_list *sg)
{
	json_tokener *tok = json_tokener_new();
	json_object *o, *type;
	enum json_tokener_error jerr;
	int rc = 0;

	if (!tok)
		return bad(l, "out of memory");
	o = json_tokener_parse_ex(tok, line, strlen(line));
	jerr = json_tokener_get_error(tok);
	if (!o || jerr != json_tokener_success ||
	    !blank(line + json_tokener_get_parse_end(tok))) {
		rc = bad(l, "not JSON (%s); expected lazytrace -j output",
			 jerr == json_tokener_success ? "trailing characters" :
			 jerr == json_tokener_continue ? "cut short" :
			 json_tokener_error_desc(jerr));
	} else if (!json_object_is_type(o, json_type_object) ||
		   !json_object_object_get_ex(o, "type", &type) ||
		   !json_object_is_type(type, json_type_string)) {
		rc = bad(l, "no \"type\"; expected lazytrace -j output");
	} else {
		const char *ty = json_object_get_string(type);

		l->t->records++;
		if (!strcmp(ty, "finding"))
			rc = load_finding(l, o);
		else if (!strcmp(ty, "histogram"))
			rc = load_hist(l, o);
		else if (!strcmp(ty, "summary"))
			rc = load_summary(l, o, sg);
		else if (!strcmp(ty, "plan"))
			rc = load_plan(l, o);
		/* other types: docs/JSON.md says to ignore them */
	}
	json_object_put(o);
	json_tokener_free(tok);
	return rc;
}

int trace_load_stream(FILE *in, const char *name, struct lt_trace *t, char *err,
		      size_t errlen)
{
	struct loader l = { .t = t, .name = name, .err = err, .errlen = errlen };
	struct sgroup_list sg = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	t->path = xstrdup(name);
	while (!rc && (len = getline(&line, &cap, in)) >= 0) {
		l.line++;
		if ((size_t)len != strlen(line))
			rc = bad(&l, "a NUL byte; expected lazytrace -j output");
		else if (!blank(line))
			rc = load_line(&l, line, &sg);
	}
	t->lines = l.line;
	if (!rc && ferror(in))
		rc = bad(&l, "read error: %s", strerror(errno));
	if (!rc && !t->records) {
		snprintf(err, errlen, "%s: no records; expected lazytrace -j "
			 "output", name);
		rc = -1;
	}
	free(line);
	attach_counts(t, &sg);
	merge_hists(t);
	if (t->ngroups)
		qsort(t->groups, t->ngroups, sizeof(*t->groups), group_cmp);
	if (!t->streamed)	/* time origin from the summary groups then */
		for (size_t i = 0; i < t->ngroups; i++)
			if (!t->first_ns || t->groups[i].first_ns < t->first_ns)
				t->first_ns = t->groups[i].first_ns;
	return rc;
}

int trace_load(const char *path, struct lt_trace *t, char *err, size_t errlen)
{
	FILE *in = fopen(path, "r");
	int rc;

	if (!in) {
		memset(t, 0, sizeof(*t));
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	rc = trace_load_stream(in, path, t, err, errlen);
	fclose(in);
	return rc;
}

void trace_free(struct lt_trace *t)
{
	for (size_t i = 0; i < t->ngroups; i++) {
		free(t->groups[i].kind);
		free(t->groups[i].severity);
		free(t->groups[i].event);
		for (size_t c = 0; c < t->groups[i].ncomms; c++)
			free(t->groups[i].comms[c].name);
		free_stack(t->groups[i].stack, t->groups[i].nstack);
	}
	for (size_t i = 0; i < t->ncomms; i++)
		free(t->comms[i].comm);
	for (int i = 0; i < LT_H_MAX; i++)
		free(t->hist_scope[i]);
	free(t->groups);
	free(t->comms);
	free(t->path);
	free_summary(t);
	memset(t, 0, sizeof(*t));
}
