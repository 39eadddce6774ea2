// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <json-c/json.h>
#include "floor.h"
#include "json_keys.h"
#include "plan_json.h"

json_object *plan_probes_json(struct lt_session *s)
{
	json_object *a = json_object_new_array();

	for (int e = 0; e < LT_EV_MAX; e++) {
		const struct lt_choice *ch = &s->plan.ev[e];
		json_object *o = json_object_new_object();

		json_object_object_add(o, LT_JK_EVENT, json_object_new_string(event_name(e)));
		json_object_object_add(o, LT_JK_METHOD,
				       json_object_new_string(method_name(ch->method)));
		json_object_object_add(o, LT_JK_SYMBOL, json_object_new_string(
			ch->cand ? ch->cand->symbol : ""));
		json_object_object_add(o, LT_JK_COPIES, json_object_new_int(ch->ncopies));
		json_object_array_add(a, o);
	}
	return a;
}

void plan_json_fields(struct lt_session *s, json_object *o)
{
	json_object_object_add(o, LT_JK_KERNEL, json_object_new_string(s->ki.release));
	json_object_object_add(o, LT_JK_RULES, json_object_new_string(lt_rulesets[s->rules].name));
	json_object_object_add(o, LT_JK_STATE_SOURCE,
			       json_object_new_string(state_src_name(s->sp.primary)));
	json_object_object_add(o, LT_JK_STATE_CROSSCHECK,
			       json_object_new_string(state_src_name(s->sp.secondary)));
	/* only when asked: the default plan's fields stay as they were */
	if (s->plan.ev[LT_EV_ENTER].method == LT_M_WATCH)
		json_object_object_add(o, "boundaries", json_object_new_string(
			s->feat.watch_per_cpu ? "watch_per_cpu" : "watch"));
}

void plan_json_print(struct lt_session *s)
{
	json_object *o;

	if (!s->cfg.json)
		return;
	o = json_object_new_object();
	json_object_object_add(o, LT_JK_TYPE, json_object_new_string(LT_JT_PLAN));
	plan_json_fields(s, o);
	if (s->cfg.bench_floor)	/* empty programs: docs/JSON.md */
		json_object_object_add(o, "bench_floor", json_object_new_string(
			floor_name(s->cfg.bench_floor)));
	json_object_object_add(o, LT_JK_PROBES, plan_probes_json(s));
	fprintf(s->out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}
