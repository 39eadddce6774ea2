#!/usr/bin/env python3
"""Turns the overhead benchmark's VM log into a markdown table.

usage: table.py LOG OUT.md [OUT.json]
The guest (bench/guest-bench.sh) prints per run: RESULT (workload time),
TRACER (exit, peak RSS), SUMMARY (lazytrace's JSON summary) or BTCOUNT
(bpftrace's counts). Exits 1 when a run failed or a cell has no data, so a
smoke run that produced no well-formed table fails.
"""
import json
import re
import statistics
import sys

CONFIGS = ["untraced", "default", "stacks", "kprobe", "tracepoint", "bpftrace"]
LABEL = {"untraced": "untraced", "default": "lazytrace",
         "stacks": "lazytrace --stacks 32", "kprobe": "--mode kprobe",
         "tracepoint": "--mode tracepoint", "bpftrace": "bpftrace lazy.bt"}
KV = re.compile(r"(\w+)=(\S+)")


def main():
    log, out = sys.argv[1], sys.argv[2]
    runs = {}       # (wl, cfg) -> list of dicts, one per repetition
    meta = {"kernel": "?", "bpftrace": "-", "bench": ""}
    bad = []
    order = []
    for line in open(log, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("KERNEL "):
            meta["kernel"] = line[7:]
        elif line.startswith("BPFTRACE "):
            meta["bpftrace"] = line[9:]
        elif line.startswith("BENCH "):
            meta["bench"] = line[6:]
        tag = line.split(" ", 1)[0]
        if tag not in ("RESULT", "TRACER", "SUMMARY", "BTCOUNT"):
            continue
        head = line.split(" {", 1)[0]
        kv = dict(KV.findall(head))
        key = (kv["wl"], kv["cfg"])
        if kv["wl"] not in order:
            order.append(kv["wl"])
        r = runs.setdefault(key, {}).setdefault(kv["rep"], {})
        if tag == "RESULT":
            r["ns"] = int(kv["ns"])
            r["status"] = kv["status"]
            if kv["status"] != "0" or int(kv["ns"]) <= 0:
                bad.append(head)
        elif tag == "TRACER":
            r["hwm_kb"] = int(kv["hwm_kb"])
            r["wl_findings"] = int(kv.get("wl_findings", 0))
            r["attach_s"] = float(kv.get("attach_s", 0))
        elif tag == "BTCOUNT":
            r.update(events=int(kv["events"]), findings=int(kv["findings"]),
                     streamed=int(kv["printed"]), lost=int(kv["lost"]))
        else:
            try:
                s = json.loads(line[line.index("{"):])
            except ValueError:
                bad.append(head + " (no JSON summary)")
                continue
            r.update(events=sum(s["events"].values()),
                     findings=sum(s["findings"].values()),
                     streamed=s["streamed"],
                     lost=s["dropped"] + s["stacks_lost"] + s["aggregation_full"])
    cfgs = [c for c in CONFIGS if any(k[1] == c for k in runs)]
    rows, data = [], []
    hwm = {}
    for wl in order:
        base = None
        for c in cfgs:
            reps = [r for r in runs.get((wl, c), {}).values()
                    if r.get("status") == "0" and r.get("ns", 0) > 0]
            if not reps:
                bad.append("%s/%s: no successful run" % (wl, c))
                continue
            ns = [r["ns"] for r in reps]
            med = statistics.median(ns)
            if c == "untraced":
                base = med
            ratio = med / base if base else float("nan")
            spread = (max(ns) - min(ns)) / med * 100
            ev = [r["events"] / (r["ns"] / 1e9) for r in reps if "events" in r]
            lost = sum(r.get("lost", 0) for r in reps)
            fnd = [r["findings"] for r in reps if "findings" in r]
            hwm.setdefault(c, []).extend(
                (r["hwm_kb"], r["attach_s"]) for r in reps if r.get("hwm_kb"))
            wf = [r["wl_findings"] for r in reps if "wl_findings" in r]
            d = {"workload": wl, "config": c, "n": len(reps),
                 "median_ms": med / 1e6, "ratio": ratio, "spread_pct": spread,
                 "events_per_s": statistics.median(ev) if ev else None,
                 "findings": statistics.median(fnd) if fnd else None,
                 "workload_findings": statistics.median(wf) if wf else None,
                 "lost": lost if c != "untraced" else None}
            data.append(d)
            rows.append("| %s | %s | %d | %.1f | %.3f | %+.1f%% | %.0f%% | %s | %s | %s | %s |" % (
                wl, LABEL[c], len(reps), d["median_ms"], ratio,
                (ratio - 1) * 100, spread,
                "%.0f" % d["events_per_s"] if ev else "-",
                "%.0f" % d["findings"] if fnd else "-",
                "%.0f" % d["workload_findings"] if wf else "-",
                "-" if c == "untraced" else lost))
    with open(out, "w") as f:
        f.write("Kernel: %s. bpftrace: %s. %s\n\n" % (meta["kernel"], meta["bpftrace"], meta["bench"]))
        f.write("| workload | config | n | median ms | ratio | overhead | spread"
                " | events/s | findings | of workload | lost |\n")
        f.write("|---|---|---|---|---|---|---|---|---|---|---|\n")
        f.write("\n".join(rows) + "\n")
        if hwm:
            f.write("\n| tracer | peak RSS (VmHWM) max | attach time median |\n"
                    "|---|---|---|\n")
            for c in cfgs:
                if c in hwm and hwm[c]:
                    f.write("| %s | %.1f MB | %.1f s |\n" % (
                        LABEL[c], max(h for h, _ in hwm[c]) / 1024,
                        statistics.median(a for _, a in hwm[c])))
        if bad:
            f.write("\nFailed runs:\n" + "".join("- %s\n" % b for b in bad))
    if len(sys.argv) > 3:
        json.dump({"meta": meta, "rows": data}, open(sys.argv[3], "w"), indent=1)
    print(open(out).read())
    return 1 if bad or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
