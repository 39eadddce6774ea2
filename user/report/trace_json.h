/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Typed access to the fields of one JSON Lines record, for the report's
 * loader (trace_load.c, trace_summary.c): a missing or mistyped field is an
 * error naming the file and line.
 */
#ifndef LT_TRACE_JSON_H
#define LT_TRACE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "trace_load.h"

/* One load: the file, the line being read, where errors go. */
struct loader {
	struct lt_trace *t;
	const char *name;
	size_t line;
	char *err;
	size_t errlen;
};

/* Formats the one-line error "FILE:LINE: what" into l->err; returns -1. */
int tj_bad(struct loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Field key of type type, or NULL (and *ok = false, error once). */
json_object *tj_field(struct loader *l, json_object *o, const char *key,
		   json_type type, bool *ok);
const char *tj_str(struct loader *l, json_object *o, const char *key, bool *ok);
/* A non-negative integer field. */
uint64_t tj_u64(struct loader *l, json_object *o, const char *key, bool *ok);
/* Element i of an array of objects, or NULL after an error naming it. */
json_object *tj_obj_at(struct loader *l, json_object *a, size_t i,
		       const char *what);
/* Optional string: "" when absent. */
const char *tj_opt_str(json_object *o, const char *key);
/* strdup and realloc by one element (zeroed); both exit 2 on ENOMEM. */
char *tj_strdup(const char *s);
void *tj_grow(void *arr, size_t n, size_t sz);

/* "stack": an array of symbolized frames, copied; freed by free_stack. */
int tj_read_stack(struct loader *l, json_object *o, char ***out, size_t *n);
void tj_free_stack(char **st, size_t n);
bool tj_stack_eq(char **a, size_t na, char **b, size_t nb);
/* A streamed stack is cut at --stacks frames: a prefix of the full one. */
bool tj_stack_prefix(char **p, size_t np, char **full, size_t nfull);

#endif
