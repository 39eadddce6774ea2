#!/usr/bin/env python3
"""lazytrace_events_total as Prometheus stored it against the JSON
summary of an instance that counts all the time (probe hits are counted
before the filters), within one scrape interval.

usage: events_cmp.py PROM_URL JOB FILE.jsonl T_KILL INTERVAL
T_KILL: when the instance was signalled (its summary is read after).
The compared sample is the last one scraped before T_KILL, which must
be at most one interval (and scheduling slack) older; the summary may
exceed it by what the measured rate adds in one interval: the highest
per-scrape rate over the last five intervals, times INTERVAL. Exits 1 on
a zero counter or a difference outside that.
"""
import json
import math
import sys
import urllib.parse
import urllib.request


def main():
    url, job, path, t_kill, ival = sys.argv[1:6]
    t_kill, ival = float(t_kill), float(ival)
    recs = [json.loads(l) for l in open(path) if l.strip()]
    summary = next(r for r in recs if r.get("type") == "summary")
    q = 'lazytrace_events_total{job="%s"}[%ds]' % (job, int(ival * 30))
    full = url + "/api/v1/query?" + urllib.parse.urlencode(
        {"query": q, "time": "%.3f" % (t_kill + ival * 5)})
    with urllib.request.urlopen(full, timeout=10) as r:
        res = json.load(r)["data"]["result"]
    bad = not res
    for s in res:
        ev = s["metric"]["event"]
        pts = [(float(t), float(v)) for t, v in s["values"] if float(t) <= t_kill]
        j = summary["events"].get(ev, 0)
        if len(pts) < 6:
            print("event=%s: only %d samples before the signal" % (ev, len(pts)))
            bad = True
            continue
        tb, vb = pts[-1]
        rate = max((v2 - v1) / (t2 - t1) for (t1, v1), (t2, v2)
                   in zip(pts[-6:-1], pts[-5:]))
        allowed = math.ceil(rate * ival)
        ok = vb > 0 and vb <= j <= vb + allowed and t_kill - tb <= ival * 1.5
        print("event=%s scraped %d (%.2f s before the signal) summary %d: "
              "+%d, allowed +%d (%.0f/s x %g s)%s" % (
                  ev, vb, t_kill - tb, j, j - vb, allowed, rate, ival,
                  "" if ok else " FAIL"))
        bad |= not ok
    sys.exit(1 if bad else 0)


main()
