#!/usr/bin/env python3
"""Queries lazytrace JSON Lines for tests: prints one value per query.

usage: jsonl.py FILE QUERY...
  summary.PATH          a field of the summary record (dots descend)
  count:KIND            finding records of that kind
  hist:NAME[:COMM]      total of histogram NAME (summed over comms)
  hsum:NAME[:COMM]      sum of the values of histogram NAME (over comms)
  stackhas:KIND:FUNC    finding records of KIND whose stack has FUNC
  tids:KIND             distinct tids among findings of KIND
  framescut:KIND        findings of KIND whose stack_frames > len(stack)
  framesbad:KIND        findings of KIND without stack_frames >= len(stack)
  groupstack:KIND:FUNC  exact (aggregated) count of KIND with FUNC in stack
  groups:KIND           summary groups (kind, severity, event, stack) of KIND
  groupsum:KIND         exact count of KIND summed over its summary groups
  field:KIND:FIELD      sorted distinct values of FIELD in findings of KIND
  orders:KIND           "order:depth" of each finding of KIND, in order
  bad                   exact count of warning and error findings
  total                 exact count of all findings
  hmax:NAME             upper bound of the highest non-empty bucket
  hge:NAME:LOW          samples in buckets of NAME whose lower bound >= LOW
  trans:EV:DEPTH:FUNC   --boundaries watch transitions of EV (section_enter,
                        ...) at DEPTH with FUNC in the stack; * for any
  transtop:EV           sorted distinct top-frame functions of EV transitions
"""
import json
import sys


def frame_fn(frame):
    """ "zap_pte_range+0x12" -> zap_pte_range; ".constprop.0" dropped """
    return frame.split("+")[0].split(".")[0]


def main():
    recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    summary = next((r for r in recs if r.get("type") == "summary"), {})
    finds = [r for r in recs if r.get("type") == "finding"]
    for q in sys.argv[2:]:
        if q.startswith("summary."):
            v = summary
            for k in q[len("summary."):].split("."):
                v = v.get(k, {}) if isinstance(v, dict) else {}
            print(v if v != {} else "MISSING")
        elif q.startswith("count:"):
            print(sum(1 for f in finds if f["kind"] == q[6:]))
        elif q.startswith("hist:"):
            parts = q.split(":")
            print(sum(r["total"] for r in recs if r.get("type") == "histogram"
                      and r["name"] == parts[1]
                      and (len(parts) < 3 or r["comm"] == parts[2])))
        elif q.startswith("hsum:"):
            parts = q.split(":")
            print(sum(r["sum"] for r in recs if r.get("type") == "histogram"
                      and r["name"] == parts[1]
                      and (len(parts) < 3 or r["comm"] == parts[2])))
        elif q.startswith("stackhas:"):
            _, kind, fn = q.split(":")
            print(sum(1 for f in finds if f["kind"] == kind and any(
                s.split("+")[0].split(".")[0] == fn for s in f["stack"])))
        elif q.startswith("groupstack:"):
            _, kind, fn = q.split(":")
            print(sum(g["count"] for g in summary.get("groups", [])
                      if g["kind"] == kind and any(
                          s.split("+")[0].split(".")[0] == fn
                          for s in g["stack"])))
        elif q.startswith("groups:"):
            print(sum(1 for g in summary.get("groups", [])
                      if g["kind"] == q[7:]))
        elif q.startswith("groupsum:"):
            print(sum(g["count"] for g in summary.get("groups", [])
                      if g["kind"] == q[9:]))
        elif q.startswith("field:"):
            _, kind, fld = q.split(":")
            vals = sorted({f[fld] for f in finds if f["kind"] == kind})
            print(",".join(str(v) for v in vals))
        elif q.startswith("orders:"):
            print(" ".join("%d:%d" % (f["order"], f["depth"])
                           for f in finds if f["kind"] == q[7:]))
        elif q == "bad":
            print(sum(g["count"] for g in summary.get("groups", [])
                      if g["severity"] in ("warning", "error")))
        elif q == "total":
            print(sum(summary.get("findings", {}).values()))
        elif q.startswith("hmax:"):
            print(max([b["high"] for r in recs if r.get("type") == "histogram"
                       and r["name"] == q[5:] for b in r["buckets"]
                       if b["count"]] or [0]))
        elif q.startswith("hge:"):
            _, name, low = q.split(":")
            print(sum(b["count"] for r in recs if r.get("type") == "histogram"
                      and r["name"] == name for b in r["buckets"]
                      if b["low"] >= int(low)))
        elif q.startswith("framescut:"):
            print(sum(1 for f in finds if f["kind"] == q[10:]
                      and f.get("stack_frames", -1) > len(f["stack"])))
        elif q.startswith("framesbad:"):
            print(sum(1 for f in finds if f["kind"] == q[10:]
                      and not f.get("stack_frames", -1) >= len(f["stack"])))
        elif q.startswith("trans:"):
            _, ev, depth, fn = q.split(":")
            print(sum(t["count"] for t in summary.get("watch", {}).get(
                "transitions", []) if t["event"] == ev
                and depth in ("*", str(t["depth"]))
                and (fn == "*" or any(fn == frame_fn(s) for s in t["stack"]))))
        elif q.startswith("transtop:"):
            print(",".join(sorted({frame_fn(t["stack"][0]) if t["stack"]
                                   else "-" for t in summary.get(
                                       "watch", {}).get("transitions", [])
                                   if t["event"] == q[9:]})))
        elif q.startswith("tids:"):
            print(len({f["tid"] for f in finds if f["kind"] == q[5:]}))
        else:
            sys.exit("unknown query " + q)


main()
