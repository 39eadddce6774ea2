#!/usr/bin/env python3
"""Compares a native histogram Prometheus stored with lazytrace's JSON.

usage: native_check.py PROM_URL TIME JOB SERIES JSONL NAME
  TIME    evaluation time (Unix seconds): a moment while lazytrace ran,
          so that the staleness marker its stop leaves is not yet seen
  SERIES  the exposed family, e.g. lazytrace_flush_span_pages
  NAME    the JSON histogram name, e.g. flush_span

Asks Prometheus' HTTP API for histogram_count(), histogram_sum() and the
raw native histogram (its buckets), and the JSON Lines file for NAME's
last record per comm (counts are cumulative), merged. Exits 0 when all
three agree with the JSON exactly, the count is non-zero, and the JSON's
exact sum lies within its buckets' bounds (the BPF slot rule holds);
prints one line either way.
"""
import json
import sys
import urllib.parse
import urllib.request

AT = None


def query(url, q):
    full = url + "/api/v1/query?" + urllib.parse.urlencode(
        {"query": q, "time": AT})
    with urllib.request.urlopen(full, timeout=10) as r:
        d = json.load(r)
    if d.get("status") != "success":
        sys.exit("query failed: %s" % d)
    return d["data"]["result"]


def one_value(url, q):
    res = query(url, q)
    if len(res) != 1 or "value" not in res[0]:
        return None
    return float(res[0]["value"][1])


def json_hist(path, name):
    last = {}
    for line in open(path):
        if line.strip():
            r = json.loads(line)
            if r.get("type") == "histogram" and r["name"] == name:
                last[(r["comm"], r.get("cgroup_id"))] = r
    total = sum(r["total"] for r in last.values())
    hsum = sum(r["sum"] for r in last.values())
    buckets = {}
    for r in last.values():
        for b in r["buckets"]:
            if b["count"]:
                key = (b["low"], b["high"])
                buckets[key] = buckets.get(key, 0) + b["count"]
    return total, hsum, buckets


def native_of(low, high):
    """The native bucket a JSON bucket is: the zero bucket, or (h/2, h]."""
    if high == 0:
        return "zero"
    return (high / 2, float(high))


def fmt(v):
    return "-" if v is None else "%g" % v


def main():
    global AT
    url, AT, job, series, path, name = sys.argv[1:7]
    sel = '%s{job="%s"}' % (series, job)
    count = one_value(url, "histogram_count(%s)" % sel)
    hsum = one_value(url, "histogram_sum(%s)" % sel)
    raw = query(url, sel)
    if len(raw) != 1 or "histogram" not in raw[0]:
        sys.exit("%s: not one native histogram in Prometheus: %s"
                 % (sel, json.dumps(raw)[:200]))
    h = raw[0]["histogram"][1]
    prom = {}
    for rule, lo, hi, c in h.get("buckets", []):
        lo, hi, c = float(lo), float(hi), float(c)
        if not c:
            continue
        # rule 3: closed both sides, around 0 (the zero bucket);
        # rule 0: (lo, hi], the positive buckets of schema 0
        key = "zero" if rule == 3 and lo <= 0 <= hi else (lo, hi)
        prom[key] = prom.get(key, 0) + c
    total, jsum, jb = json_hist(path, name)
    want = {}
    for (lo, hi), c in jb.items():
        key = native_of(lo, hi)
        want[key] = want.get(key, 0) + c
    line = ("%s %s: Prometheus %s/%s/%d, JSON %d/%d/%d (count/sum/buckets)"
            % (job, name, fmt(count), fmt(hsum), len(prom), total, jsum,
               len(want)))
    print(line)
    # The kernel's slot rule against its own exact sum: every value v
    # counted in [low, high] has low <= v <= high.
    lo_sum = sum(lo * c for (lo, hi), c in jb.items())
    hi_sum = sum(hi * c for (lo, hi), c in jb.items())
    if not lo_sum <= jsum <= hi_sum:
        print("  JSON sum %d outside its buckets' [%d, %d]"
              % (jsum, lo_sum, hi_sum))
    ok = (lo_sum <= jsum <= hi_sum and count is not None and count > 0 and count == total
          and float(h["count"]) == total
          and hsum == jsum and float(h["sum"]) == jsum and prom == want)
    if not ok:
        print("  Prometheus buckets %s" % sorted(prom.items(), key=str))
        print("  JSON buckets       %s" % sorted(want.items(), key=str))
    sys.exit(0 if ok else 1)


main()
