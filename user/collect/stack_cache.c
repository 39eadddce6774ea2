// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include "maps_read.h"
#include "stack_cache.h"
#include "symbolize.h"

/* Open addressing over stack ids. Real runs see a handful of distinct
 * stacks; past the cap, stacks are formatted per finding, as before. */
#define LT_STACK_CACHE_CAP	4096

struct lt_stack_cache {
	struct lt_stack_fmt *tab;
	size_t cap, used;
};

static char *frames_json(struct lt_session *s, const unsigned long long *st,
			 size_t first, size_t n)
{
	json_object *a = json_object_new_array();
	char buf[256], *out;
	size_t shown = 0;

	for (size_t i = first; i < n && shown < (size_t)s->cfg.stacks;
	     i++, shown++)
		json_object_array_add(a, json_object_new_string(
			ksyms_format(s->ks, st[i], buf, sizeof(buf))));
	out = strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	json_object_put(a);
	return out;
}

static char *frames_text(struct lt_session *s, const unsigned long long *st,
			 size_t first, size_t n)
{
	char buf[256], *out = NULL;
	size_t len = 0, shown = 0;
	FILE *m = open_memstream(&out, &len);

	if (!m)
		return NULL;
	for (size_t i = first; i < n && shown < (size_t)s->cfg.stacks;
	     i++, shown++)
		fprintf(m, "    %.72s\n",
			ksyms_format(s->ks, st[i], buf, sizeof(buf)));
	/* Stacks are keyed on every captured frame: without this, two
	 * stacks that part below the cut would print as one. */
	if (shown && first + shown < n)
		fprintf(m, "    ... %zu deeper (--stacks %zu shows all)\n",
			n - first - shown, n - first);
	if (fclose(m)) {
		free(out);
		return NULL;
	}
	return out;
}

/* The allocator members of a finding, serialized by json-c. */
static char *alloc_json(const struct lt_stack_fmt *f)
{
	json_object *o = json_object_new_object();
	const char *t;
	char *out;

	json_object_object_add(o, "allocator", json_object_new_string(f->alloc));
	json_object_object_add(o, "caller", json_object_new_string(f->caller));
	t = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	out = strndup(t + 1, strlen(t) - 2);	/* without the braces */
	json_object_put(o);
	return out;
}

void stack_fmt_build(struct lt_session *s, const unsigned long long *frames,
		     size_t n, struct lt_stack_fmt *out)
{
	size_t first = stack_first_frame(s->ks, frames, n);

	stack_allocator(s->ks, frames, n, out->alloc, sizeof(out->alloc),
			out->caller, sizeof(out->caller));
	out->frames = n - first;
	/* Only the form this session prints: the other is never asked for. */
	out->json = s->cfg.json ? frames_json(s, frames, first, n) : NULL;
	out->json_alloc = s->cfg.json ? alloc_json(out) : NULL;
	out->text = s->cfg.json ? NULL : frames_text(s, frames, first, n);
}

void stack_fmt_clear(struct lt_stack_fmt *f)
{
	free(f->json);
	free(f->json_alloc);
	free(f->text);
	f->json = f->json_alloc = f->text = NULL;
}

static struct lt_stack_cache *cache_of(struct lt_session *s)
{
	struct lt_stack_cache *c = s->stack_cache;

	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cap = 2 * LT_STACK_CACHE_CAP;
	c->tab = calloc(c->cap, sizeof(*c->tab));
	if (!c->tab) {
		free(c);
		return NULL;
	}
	return s->stack_cache = c;
}

/* The slot of id, or the empty slot where it would go. */
static struct lt_stack_fmt *slot_for(struct lt_stack_cache *c, int id)
{
	size_t i = ((unsigned int)id * 2654435761u) & (c->cap - 1);

	while ((c->tab[i].json || c->tab[i].text) && c->tab[i].id != id)
		i = (i + 1) & (c->cap - 1);
	return &c->tab[i];
}

const struct lt_stack_fmt *stack_cache_put(struct lt_session *s, int id,
					   const unsigned long long *frames,
					   size_t n)
{
	static struct lt_stack_fmt spill;	/* the cache is full */
	struct lt_stack_cache *c = cache_of(s);
	struct lt_stack_fmt *e;

	if (!c)
		return NULL;
	e = slot_for(c, id);
	if (e->json || e->text)
		return e;
	if (c->used >= LT_STACK_CACHE_CAP)
		e = &spill;
	stack_fmt_clear(e);
	e->id = id;
	stack_fmt_build(s, frames, n, e);
	if (!e->json && !e->text)
		return NULL;	/* out of memory: the record goes without */
	if (e != &spill)
		c->used++;
	return e;
}

const struct lt_stack_fmt *stack_cache_get(struct lt_session *s, int id)
{
	unsigned long long frames[LT_MAX_STACK];
	struct lt_stack_cache *c = cache_of(s);
	struct lt_stack_fmt *e;
	size_t n;

	if (id < 0 || !c)
		return NULL;
	e = slot_for(c, id);
	if (e->json || e->text)
		return e;
	n = maps__stack(s, id, frames);
	return n ? stack_cache_put(s, id, frames, n) : NULL;
}

void stack_cache_free(struct lt_session *s)
{
	struct lt_stack_cache *c = s->stack_cache;

	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		stack_fmt_clear(&c->tab[i]);
	free(c->tab);
	free(c);
	s->stack_cache = NULL;
}
