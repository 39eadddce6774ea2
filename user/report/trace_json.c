// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "json_keys.h"
#include "trace_json.h"

int tj_bad(struct loader *l, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s:%zu: %s", l->name, l->line, what);
	return -1;
}

/* ---- typed field access: a missing or mistyped field is an error ---- */

json_object *tj_field(struct loader *l, json_object *o, const char *key,
			  json_type type, bool *ok)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type)) {
		if (*ok)
			tj_bad(l, "\"%s\" missing or not %s", key, json_type_to_name(type));
		*ok = false;
		return NULL;
	}
	return v;
}

const char *tj_str(struct loader *l, json_object *o, const char *key,
			     bool *ok)
{
	json_object *v = tj_field(l, o, key, json_type_string, ok);

	return v ? json_object_get_string(v) : "";
}

uint64_t tj_u64(struct loader *l, json_object *o, const char *key,
			  bool *ok)
{
	json_object *v = tj_field(l, o, key, json_type_int, ok);

	if (v && json_object_get_int64(v) < 0 && *ok) {
		*ok = false;
		tj_bad(l, "\"%s\" is negative", key);
	}
	return v ? json_object_get_uint64(v) : 0;
}

/* Element i of an array of objects, or NULL after an error naming it. */
json_object *tj_obj_at(struct loader *l, json_object *a, size_t i,
			   const char *what)
{
	json_object *o = json_object_array_get_idx(a, i);

	if (!json_object_is_type(o, json_type_object)) {
		tj_bad(l, "%s %zu is not an object", what, i);
		return NULL;
	}
	return o;
}

/* Optional string: "" when absent. */
const char *tj_opt_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

char *tj_strdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fputs("lazytrace: out of memory\n", stderr);
		exit(2);
	}
	return d;
}

/* Grows *arr to hold n + 1 elements of size sz; exits on ENOMEM. */
void *tj_grow(void *arr, size_t n, size_t sz)
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

void tj_free_stack(char **st, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(st[i]);
	free(st);
}

int tj_read_stack(struct loader *l, json_object *o, char ***out, size_t *n)
{
	bool ok = true;
	json_object *a = tj_field(l, o, LT_JK_STACK, json_type_array, &ok);
	size_t len;

	*out = NULL;
	*n = 0;
	if (!a)
		return -1;
	len = json_object_array_length(a);
	*out = calloc(len ? len : 1, sizeof(char *));
	if (!*out)
		return tj_bad(l, "out of memory");
	for (size_t i = 0; i < len; i++) {
		json_object *f = json_object_array_get_idx(a, i);

		if (!json_object_is_type(f, json_type_string)) {
			tj_free_stack(*out, *n);
			*out = NULL;
			*n = 0;
			return tj_bad(l, "stack frame %zu is not a string", i);
		}
		(*out)[(*n)++] = tj_strdup(json_object_get_string(f));
	}
	return 0;
}

bool tj_stack_eq(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

/* A streamed stack is cut at --stacks frames: a prefix of the full one. */
bool tj_stack_prefix(char **p, size_t np, char **full, size_t nfull)
{
	return np <= nfull && tj_stack_eq(p, np, full, np);
}
