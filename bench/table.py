#!/usr/bin/env python3
"""Turns the overhead benchmark's VM log into markdown tables.

usage: table.py LOG OUT.md [OUT.json]
The guest (bench/guest-bench.sh) prints RESULT per timed workload run, and
per tracer session (one configuration, one round, all workloads): SESSION
(exit, peak RSS, attach time), WLFIND (the findings of one workload's comm:
counted, and printed), SUMMARY (lazytrace's JSON summary) or BTCOUNT (bpftrace's counts).
Exits 1 when a run failed or a cell has no data: a smoke run that produced
no well-formed table fails.
"""
import json
import re
import statistics
import sys

CONFIGS = ["untraced", "default", "infofirst", "stacks", "nostacks",
           "kprobe", "tracepoint", "bpftracecount", "bpftrace"]
LABEL = {"untraced": "untraced", "default": "lazytrace",
         "infofirst": "lazytrace --info first",
         "stacks": "lazytrace --info all --stacks 32",
         "nostacks": "lazytrace --info all --stacks 0",
         "kprobe": "lazytrace --mode kprobe",
         "tracepoint": "lazytrace --mode tracepoint",
         "bpftracecount": "bpftrace bench/lazy.bt 0",
         "bpftrace": "bpftrace bench/lazy.bt 1"}
KV = re.compile(r"(\w+)=(\S+)")


def parse(log):
    meta = {"kernel": "?", "bpftrace": "-", "bench": ""}
    res, wlf, ses, order, bad = {}, {}, {}, [], []
    for line in open(log, errors="replace"):
        line = line.rstrip("\n")
        tag, _, rest = line.partition(" ")
        if tag == "KERNEL":
            meta["kernel"] = rest
        elif tag == "BPFTRACE":
            meta["bpftrace"] = rest
        elif tag == "BENCH":
            meta["bench"] = rest
        if tag == "PROGSTATS":
            wl = rest.split(" ", 1)[0].partition("=")[2]
            try:
                j = json.loads(rest[rest.index("{"):])
                meta.setdefault("progs", {})[wl] = j.get("program_costs", [])
            except ValueError:
                bad.append(line[:60] + " (no JSON summary)")
            continue
        if tag not in ("RESULT", "WLFIND", "SESSION", "SUMMARY", "BTCOUNT"):
            continue
        head = rest.split(" {", 1)[0]
        kv = dict(KV.findall(head))
        cr = (kv["cfg"], kv["rep"])
        if tag == "RESULT":
            if kv["wl"] not in order:
                order.append(kv["wl"])
            res.setdefault((kv["wl"], kv["cfg"]), []).append(kv)
            if kv["status"] != "0" or int(kv["ns"]) <= 0:
                bad.append(line)
        elif tag == "WLFIND":
            wlf.setdefault((kv["wl"], kv["cfg"]), []).append(
                (int(kv["n"]), int(kv.get("printed", kv["n"]))))
        elif tag == "SESSION":
            s = ses.setdefault(cr, {})
            if kv["exit"] != "0":
                bad.append(line)
                continue
            s.update(hwm_kb=int(kv["hwm_kb"]), attach_s=float(kv["attach_s"]),
                     cpu_s=int(kv.get("cpu_ticks", 0)) / 100)
        elif tag == "BTCOUNT":
            ses.setdefault(cr, {}).update(
                events=int(kv["events"]), findings=int(kv["findings"]),
                streamed=int(kv["printed"]), lost=int(kv["lost"]))
        else:
            try:
                j = json.loads(rest[rest.index("{"):])
            except ValueError:
                bad.append(head + " (no JSON summary)")
                continue
            ses.setdefault(cr, {}).update(
                events=sum(j["events"].values()),
                findings=sum(j["findings"].values()), streamed=j["streamed"],
                lost=j["dropped"] + j["stacks_lost"] + j["aggregation_full"]
                + j.get("prog_misses", 0))
    return meta, res, wlf, ses, order, bad


def med(xs):
    return statistics.median(xs) if xs else None


def main():
    log, out = sys.argv[1], sys.argv[2]
    meta, res, wlf, ses, order, bad = parse(log)
    cfgs = [c for c in CONFIGS if any(k[1] == c for k in res)]
    rows, data = [], {"meta": meta, "workloads": [], "tracers": []}
    for wl in order:
        base = None
        for c in cfgs:
            ns = [int(r["ns"]) for r in res.get((wl, c), [])
                  if r["status"] == "0" and int(r["ns"]) > 0]
            if not ns:
                bad.append("%s/%s: no successful run" % (wl, c))
                continue
            m = med(ns)
            if c == "untraced":
                base = m
            ratio = m / base if base else float("nan")
            spread = (max(ns) - min(ns)) / m * 100
            wf = med([n for n, _ in wlf.get((wl, c), [])])
            wp = med([p for _, p in wlf.get((wl, c), [])])
            data["workloads"].append({
                "workload": wl, "config": c, "n": len(ns), "median_ms": m / 1e6,
                "ratio": ratio, "spread_pct": spread, "workload_findings": wf,
                "workload_printed": wp})
            rows.append("| %s | %s | %d | %.1f | %.3f | %+.1f%% | %.0f%% | %s | %s |" % (
                wl, LABEL[c], len(ns), m / 1e6, ratio, (ratio - 1) * 100,
                spread, "-" if wf is None else "%.0f" % wf,
                "-" if wp is None else "%.0f" % wp))
    trows = []
    for c in cfgs:
        if c == "untraced":
            continue
        ss = [(rep, s) for (cc, rep), s in ses.items() if cc == c and "events" in s]
        if not ss:
            bad.append("%s: no tracer session with counts" % c)
            continue
        eps = []
        for rep, s in ss:
            t = sum(int(r["ns"]) for (w, cc), rr in res.items() if cc == c
                    for r in rr if r["rep"] == rep and r["status"] == "0")
            if t:
                eps.append(s["events"] / (t / 1e9))
        d = {"config": c, "sessions": len(ss),
             "events_per_s": med(eps),
             "findings": med([s["findings"] for _, s in ss]),
             "streamed": med([s["streamed"] for _, s in ss]),
             "lost": sum(s["lost"] for _, s in ss),
             "rss_mb": max([s.get("hwm_kb", 0) for _, s in ss]) / 1024,
             "attach_s": med([s.get("attach_s", 0) for _, s in ss]),
             "cpu_s": med([s.get("cpu_s", 0) for _, s in ss])}
        data["tracers"].append(d)
        trows.append("| %s | %d | %s | %.0f | %.0f | %d | %.1f | %.1f | %.2f |" % (
            LABEL[c], d["sessions"],
            "-" if d["events_per_s"] is None else "%.0f" % d["events_per_s"],
            d["findings"], d["streamed"], d["lost"], d["rss_mb"], d["attach_s"],
            d["cpu_s"]))
    with open(out, "w") as f:
        f.write("Kernel %s; %s; %s\n\n" % (meta["kernel"], meta["bpftrace"], meta["bench"]))
        f.write("| workload | config | n | median ms | ratio | overhead | spread"
                " | workload findings | printed |\n"
                "|---|---|---|---|---|---|---|---|---|\n")
        f.write("\n".join(rows) + "\n\n")
        f.write("| tracer | sessions | events/s | findings | streamed | lost"
                " | peak RSS MB | attach s | tracer CPU s |\n"
                "|---|---|---|---|---|---|---|---|---|\n")
        f.write("\n".join(trows) + "\n")
        if meta.get("progs"):
            f.write("\nWhere the time goes: the kernel's run time of each"
                    " program (kernel.bpf_stats_enabled), one more run of each"
                    " workload under the default plan\n\n"
                    "| workload | program | runs | us/run | total ms |"
                    " default's overhead ms |\n|---|---|---|---|---|---|\n")
            for wl, progs in meta["progs"].items():
                base = med([int(r["ns"]) for r in res.get((wl, "untraced"), [])])
                dflt = med([int(r["ns"]) for r in res.get((wl, "default"), [])])
                over = "-" if base is None or dflt is None else "%.0f" % ((dflt - base) / 1e6)
                progs = sorted(progs, key=lambda p: -p["run_ns"])
                for p in progs:
                    f.write("| %s | %s | %d | %.1f | %.1f | %s |\n" % (
                        wl, p["program"], p["runs"], p["run_ns"] / p["runs"] / 1e3,
                        p["run_ns"] / 1e6, over))
                f.write("| %s | all | %d | - | %.1f | %s |\n" % (
                    wl, sum(p["runs"] for p in progs),
                    sum(p["run_ns"] for p in progs) / 1e6, over))
            data["program_costs"] = meta["progs"]
        if bad:
            f.write("\nFailed runs:\n" + "".join("- %s\n" % b for b in bad))
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w") as f:
            json.dump(data, f, indent=1)
    print(open(out).read())
    return 1 if bad or not rows or not trows else 0


if __name__ == "__main__":
    sys.exit(main())
