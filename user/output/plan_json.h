/* SPDX-License-Identifier: GPL-2.0 */
/* The probe plan in JSON: the summary's "probes" and the "plan" record. */
#ifndef LT_PLAN_JSON_H
#define LT_PLAN_JSON_H

#include <json-c/json.h>
#include "session.h"

/* [{"event", "method", "symbol", "copies"}, ...] for every logical event. */
json_object *plan_probes_json(struct lt_session *s);
/* kernel, rules, state_source, state_crosscheck: plan and summary records. */
void plan_json_fields(struct lt_session *s, json_object *o);
/*
 * With -j, one "plan" record (kernel, rules, state sources, probes) before
 * any finding: a trace cut short still says what it traced and where.
 */
void plan_json_print(struct lt_session *s);

#endif
