// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "hist.h"
#include "json_keys.h"
#include "names.h"
#include "trace_json.h"
#include "trace_load.h"
#include "trace_summary.h"

struct lt_hrec {
	int id;
	char *comm;
	uint64_t cgroup_id;
	unsigned long long slots[LT_HIST_SLOTS];
};

int trace_hist_id(const char *name)
{
	for (int i = 0; i < LT_H_MAX; i++)
		if (!strcmp(hist_name(i), name))
			return i;
	return -1;
}

static int slot_in(enum hist_layout l, uint64_t low, uint64_t high)
{
	for (unsigned int s = 0; s < LT_HIST_SLOTS; s++) {
		uint64_t lo, hi;

		hist_bounds_in(l, s, &lo, &hi);
		if (lo != low)
			continue;
		/* The last slot holds everything clamped into it. */
		if (s == LT_HIST_SLOTS - 1)
			return high >= low ? (int)s : -1;
		return hi == high ? (int)s : -1;
	}
	return -1;
}

/* No bucket is valid in both layouts: the first bucket tells them apart. */
int trace_bucket_slot(uint64_t low, uint64_t high, enum hist_layout *l)
{
	int s = slot_in(HIST_NATIVE, low, high);

	if (s >= 0) {
		*l = HIST_NATIVE;
		return s;
	}
	*l = HIST_LEGACY;
	return slot_in(HIST_LEGACY, low, high);
}

/* ---- comms ---- */

static struct lt_tcomm *comm_of(struct lt_trace *t, const char *comm)
{
	for (size_t i = 0; i < t->ncomms; i++)
		if (!strcmp(t->comms[i].comm, comm))
			return &t->comms[i];
	t->comms = tj_grow(t->comms, t->ncomms, sizeof(*t->comms));
	t->comms[t->ncomms].comm = tj_strdup(comm);
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
	g->comms[g->ncomms].name = tj_strdup(comm);
	g->comms[g->ncomms++].v = 1;
}

/* ---- records ---- */

static int load_finding(struct loader *l, json_object *o)
{
	struct lt_trace *t = l->t;
	bool ok = true;
	const char *kind = tj_str(l, o, LT_JK_KIND, &ok);
	uint64_t ts = tj_u64(l, o, LT_JK_TS_NS, &ok);
	const char *comm = tj_opt_str(o, LT_JK_COMM);
	struct lt_tgroup *g = NULL;
	char **st;
	size_t n;

	if (!ok || tj_read_stack(l, o, &st, &n))
		return -1;
	for (size_t i = 0; i < t->ngroups && !g; i++)
		if (!strcmp(t->groups[i].kind, kind) &&
		    tj_stack_eq(t->groups[i].stack, t->groups[i].nstack, st, n))
			g = &t->groups[i];
	if (g) {
		tj_free_stack(st, n);
	} else {
		t->groups = tj_grow(t->groups, t->ngroups, sizeof(*t->groups));
		g = &t->groups[t->ngroups++];
		g->kind = tj_strdup(kind);
		g->severity = tj_strdup(tj_opt_str(o, LT_JK_SEVERITY));
		g->event = tj_strdup(tj_opt_str(o, LT_JK_EVENT));
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
	const char *name = tj_str(l, o, LT_JK_NAME, &ok);
	const char *comm = tj_str(l, o, LT_JK_COMM, &ok);
	json_object *b = tj_field(l, o, LT_JK_BUCKETS, json_type_array, &ok), *cg;
	uint64_t cgroup_id = 0, total = 0, want;
	unsigned long long slots[LT_HIST_SLOTS] = { 0 };
	struct lt_hrec *r = NULL;
	int id;

	if (!ok)
		return -1;
	want = tj_u64(l, o, LT_JK_TOTAL, &ok);
	if (!ok)
		return -1;
	if (json_object_object_get_ex(o, LT_JK_CGROUP_ID, &cg))
		cgroup_id = json_object_get_uint64(cg);
	for (size_t i = 0; i < json_object_array_length(b); i++) {
		json_object *e = tj_obj_at(l, b, i, "bucket");
		enum hist_layout lay;
		uint64_t lo, hi, c;
		int s;

		if (!e)
			return -1;
		lo = tj_u64(l, e, LT_JK_LOW, &ok);
		hi = tj_u64(l, e, LT_JK_HIGH, &ok);
		c = tj_u64(l, e, LT_JK_COUNT, &ok);
		if (!ok)
			return -1;
		s = trace_bucket_slot(lo, hi, &lay);
		if (s < 0)
			return tj_bad(l, "bucket [%llu, %llu] is not a log2 bucket",
				   (unsigned long long)lo, (unsigned long long)hi);
		if (t->layout_seen && lay != t->layout)
			return tj_bad(l, "bucket [%llu, %llu] mixes old and new "
				      "bucket bounds", (unsigned long long)lo,
				      (unsigned long long)hi);
		t->layout = lay;
		t->layout_seen = true;
		slots[s] += c;
		total += c;
	}
	if (total != want)
		return tj_bad(l, "buckets add up to %llu, \"total\" says %llu",
			   (unsigned long long)total, (unsigned long long)want);
	id = trace_hist_id(name);
	if (id < 0) {		/* a newer tracer's histogram: skip, counted */
		t->skipped_hists++;
		return 0;
	}
	if (!t->hist_scope[id])
		t->hist_scope[id] = tj_strdup(tj_opt_str(o, LT_JK_SCOPE));
	/* Counts are cumulative since start: the last record is the total. */
	for (size_t i = 0; i < t->nhrecs && !r; i++)
		if (t->hrecs[i].id == id && t->hrecs[i].cgroup_id == cgroup_id &&
		    !strcmp(t->hrecs[i].comm, comm))
			r = &t->hrecs[i];
	if (!r) {
		t->hrecs = tj_grow(t->hrecs, t->nhrecs, sizeof(*t->hrecs));
		r = &t->hrecs[t->nhrecs++];
		r->id = id;
		r->comm = tj_strdup(comm);
		r->cgroup_id = cgroup_id;
	}
	memcpy(r->slots, slots, sizeof(slots));
	return 0;
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
		return tj_bad(l, "out of memory");
	o = json_tokener_parse_ex(tok, line, strlen(line));
	jerr = json_tokener_get_error(tok);
	if (!o || jerr != json_tokener_success ||
	    !blank(line + json_tokener_get_parse_end(tok))) {
		rc = tj_bad(l, "not JSON (%s); expected lazytrace -j output",
			 jerr == json_tokener_success ? "trailing characters" :
			 jerr == json_tokener_continue ? "cut short" :
			 json_tokener_error_desc(jerr));
	} else if (!json_object_is_type(o, json_type_object) ||
		   !json_object_object_get_ex(o, LT_JK_TYPE, &type) ||
		   !json_object_is_type(type, json_type_string)) {
		rc = tj_bad(l, "no \"type\"; expected lazytrace -j output");
	} else {
		const char *ty = json_object_get_string(type);

		l->t->records++;
		if (!strcmp(ty, LT_JT_FINDING))
			rc = load_finding(l, o);
		else if (!strcmp(ty, LT_JT_HISTOGRAM))
			rc = load_hist(l, o);
		else if (!strcmp(ty, LT_JT_SUMMARY))
			rc = tsum_load(l, o, sg);
		else if (!strcmp(ty, LT_JT_PLAN))
			rc = tsum_load_plan(l, o);
		else	/* docs/JSON.md: ignore them; the page counts them */
			l->t->skipped_types++;
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
	t->path = tj_strdup(name);
	while (!rc && (len = getline(&line, &cap, in)) >= 0) {
		l.line++;
		if ((size_t)len != strlen(line))
			rc = tj_bad(&l, "a NUL byte; expected lazytrace -j output");
		else if (!blank(line))
			rc = load_line(&l, line, &sg);
	}
	t->lines = l.line;
	if (!rc && ferror(in))
		rc = tj_bad(&l, "read error: %s", strerror(errno));
	if (!rc && !t->records) {
		snprintf(err, errlen, "%s: no records; expected lazytrace -j "
			 "output", name);
		rc = -1;
	}
	free(line);
	tsum_attach_counts(t, &sg);
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
		tj_free_stack(t->groups[i].stack, t->groups[i].nstack);
	}
	for (size_t i = 0; i < t->ncomms; i++)
		free(t->comms[i].comm);
	for (int i = 0; i < LT_H_MAX; i++)
		free(t->hist_scope[i]);
	free(t->groups);
	free(t->comms);
	free(t->path);
	tsum_free(t);
	memset(t, 0, sizeof(*t));
}
