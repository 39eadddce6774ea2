#!/usr/bin/env python3
"""Every histogram Prometheus stored for one job against the same
histogram in lazytrace's JSON Lines output (summed over comms).

usage: hist_cmp.py PROM_URL JOB FILE.jsonl TIME [NONZERO,...]
TIME: when to read Prometheus (before the instance exited, after its
counts became final). Prints one line per histogram; exits 1 when a bucket, _count or +Inf
differs, or when a histogram named in NONZERO is empty.
"""
import json
import sys
import urllib.parse
import urllib.request

# exposition name, JSON name, exposition le per JSON "high"
HISTS = [
    ("lazytrace_gather_batch_pages", "batch_pages", 1),
    ("lazytrace_gather_batches", "gather_batches", 1),
    ("lazytrace_flush_span_pages", "flush_span", 1),
    ("lazytrace_nesting_depth", "nesting_depth", 1),
    ("lazytrace_alloc_order", "alloc_order", 1),
    ("lazytrace_section_span_seconds", "section_span", 1e-9),
]


def query(url, q, t):
    full = url + "/api/v1/query?" + urllib.parse.urlencode(
        {"query": q, "time": t})
    with urllib.request.urlopen(full, timeout=10) as r:
        d = json.load(r)
    return [(s["metric"], float(s["value"][1])) for s in d["data"]["result"]]


def main():
    url, job, path, t = sys.argv[1:5]
    nonzero = set(sys.argv[5].split(",")) if len(sys.argv) > 5 else set()
    recs = [json.loads(l) for l in open(path) if l.strip()]
    bad = 0
    for prom, name, scale in HISTS:
        slots = {}	# JSON high -> count, summed over comms
        for r in recs:
            if r.get("type") == "histogram" and r["name"] == name:
                for b in r["buckets"]:
                    slots[b["high"]] = slots.get(b["high"], 0) + b["count"]
        total = sum(slots.values())
        sel = '{job="%s"}' % job
        buckets = {m["le"]: v for m, v in query(url, prom + "_bucket" + sel, t)}
        count = query(url, prom + "_count" + sel, t)
        errs = []
        if not count or count[0][1] != total:
            errs.append("_count %s" % (count[0][1] if count else "absent"))
        if buckets.get("+Inf") != total:
            errs.append("+Inf %s" % buckets.get("+Inf"))
        les = sorted((float(le), v) for le, v in buckets.items()
                     if le != "+Inf")
        top = les[-1][0] if les else 0
        cum = 0
        for high in sorted(slots):
            cum += slots[high]
            le = high * scale
            got = [v for f, v in les if abs(f - le) <= le * 1e-9]
            # the last slot holds clamped values: only in +Inf
            if not got and le <= top:
                errs.append("le=%g missing" % le)
            elif got and got[0] != cum:
                errs.append("le=%g: %d, summary %d" % (le, got[0], cum))
        if name in nonzero and not total:
            errs.append("empty, expected samples")
        print("%s %s: summary %d%s" % (job, prom, total,
              "; " + ", ".join(errs) if errs else " = Prometheus"))
        bad += bool(errs)
    sys.exit(1 if bad else 0)


main()
