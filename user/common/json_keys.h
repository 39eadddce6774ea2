/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JSON Lines contract (docs/JSON.md): every key that lazytrace -j
 * writes and lazytrace report reads back, spelled once. The writers
 * (output/live.c, output/summary.c, output/plan_json.c) and the readers
 * (report/trace_load.c, report/trace_summary.c, report/trace_json.c) use
 * these names; keys only one side knows stay literals where they are.
 */
#ifndef LT_JSON_KEYS_H
#define LT_JSON_KEYS_H

/* The record types: the value of "type". */
#define LT_JT_FINDING            "finding"
#define LT_JT_HISTOGRAM          "histogram"
#define LT_JT_SUMMARY            "summary"
#define LT_JT_PLAN               "plan"

/* Keys, in alphabetical order. */
#define LT_JK_AGGREGATION_FULL   "aggregation_full"
#define LT_JK_BUCKETS            "buckets"
#define LT_JK_CGROUP_ID          "cgroup_id"
#define LT_JK_COMM               "comm"
#define LT_JK_COPIES             "copies"
#define LT_JK_COUNT              "count"
#define LT_JK_DEPTH              "depth"
#define LT_JK_DROPPED            "dropped"
#define LT_JK_EVENT              "event"
#define LT_JK_EVENTS             "events"
#define LT_JK_FINDINGS           "findings"
#define LT_JK_FIRST_NS           "first_ns"
#define LT_JK_GATHERS_FULLMM     "gathers_fullmm"
#define LT_JK_GATHERS_RANGED     "gathers_ranged"
#define LT_JK_GROUPS             "groups"
#define LT_JK_HIGH               "high"
#define LT_JK_IRQ_SKIPPED        "irq_skipped"
#define LT_JK_KERNEL             "kernel"
#define LT_JK_KIND               "kind"
#define LT_JK_LAST_NS            "last_ns"
#define LT_JK_LOW                "low"
#define LT_JK_METHOD             "method"
#define LT_JK_NAME               "name"
#define LT_JK_PROBES             "probes"
#define LT_JK_RULES              "rules"
#define LT_JK_SCOPE              "scope"
#define LT_JK_SEVERITY           "severity"
#define LT_JK_STACK              "stack"
#define LT_JK_STACKS_LOST        "stacks_lost"
#define LT_JK_STATE_CROSSCHECK   "state_crosscheck"
#define LT_JK_STATE_SOURCE       "state_source"
#define LT_JK_STREAMED           "streamed"
#define LT_JK_SYMBOL             "symbol"
#define LT_JK_TOTAL              "total"
#define LT_JK_TRANSITIONS        "transitions"
#define LT_JK_TS_NS              "ts_ns"
#define LT_JK_TYPE               "type"
#define LT_JK_WATCH              "watch"

#endif
