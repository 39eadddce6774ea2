#!/usr/bin/env python3
"""Prometheus HTTP API client for the metrics test.

usage: promq.py URL QUERY   prints the instant query's value(s), one per
                            line as "LABELS VALUE" (LABELS "-" when none),
                            sorted; nothing when the result is empty.
       promq.py URL --ready exits 0 when /-/ready answers 200.
"""
import json
import sys
import urllib.parse
import urllib.request


def main():
    url, q = sys.argv[1], sys.argv[2]
    if q == "--ready":
        try:
            with urllib.request.urlopen(url + "/-/ready", timeout=2) as r:
                sys.exit(0 if r.status == 200 else 1)
        except OSError:
            sys.exit(1)
    full = url + "/api/v1/query?" + urllib.parse.urlencode({"query": q})
    with urllib.request.urlopen(full, timeout=10) as r:
        d = json.load(r)
    if d.get("status") != "success":
        sys.exit("query failed: %s" % d)
    res = d["data"]["result"]
    if d["data"]["resultType"] == "scalar":
        res = [{"metric": {}, "value": res}]
    lines = []
    for s in res:
        labels = ",".join("%s=%s" % kv for kv in sorted(s["metric"].items())
                          if kv[0] not in ("job", "instance", "__name__"))
        v = s["value"][1]
        if v.endswith(".0") or v.replace(".", "", 1).isdigit():
            f = float(v)
            v = str(int(f)) if f == int(f) else v
        lines.append("%s %s" % (labels or "-", v))
    print("\n".join(sorted(lines)))


main()
