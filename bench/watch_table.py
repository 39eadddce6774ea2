#!/usr/bin/env python3
"""watch_table.py VM_LOG OUT.md: the --boundaries watch benchmark's table
(bench/guest-watch-bench.sh RESULT lines): per workload the median time of
each configuration, its ratio to untraced with the spread of the per-round
ratios, the sections the watch counted and the cost of one section."""
import re
import statistics
import sys

rows = {}
kernel = "?"
for line in open(sys.argv[1], errors="replace"):
    if line.startswith("KERNEL "):
        kernel = line.split()[1]
    m = re.match(r"RESULT (.*)", line.strip())
    if not m or "failed" in line:
        continue
    f = dict(kv.split("=") for kv in m.group(1).split())
    if f["status"] != "0":
        continue
    rows.setdefault(f["wl"], {}).setdefault(f["config"], {})[f["round"]] = f

out = ["| workload | untraced | -p (probes) | -p --boundaries watch "
       "| sections | per section |", "|---|---|---|---|---|---|"]
bad = 0
for wl, cf in rows.items():
    base = cf.get("untraced", {})
    cells = []
    med = {}
    for c in ("untraced", "default", "watch"):
        runs = cf.get(c, {})
        if not runs:
            cells.append("-")
            bad = 1
            continue
        med[c] = statistics.median(int(r["ns"]) for r in runs.values())
        if c == "untraced":
            cells.append("%.3f s" % (med[c] / 1e9))
            continue
        ratios = [int(r["ns"]) / int(base[k]["ns"])
                  for k, r in runs.items() if k in base]
        cells.append("%.3f s, x%.3f (%.3f-%.3f)" % (
            med[c] / 1e9, med[c] / med["untraced"], min(ratios), max(ratios)))
    w = cf.get("watch", {})
    secs = sorted({int(r["enters"]) for r in w.values()})
    cost = ((med["watch"] - med["untraced"]) / secs[0] / 1e3
            if secs and secs[0] and "watch" in med else 0)
    out.append("| %s | %s | %s |" % (
        wl, " | ".join(cells),
        "%s | %.1f us" % ("/".join(map(str, secs)) or "-", cost)))
out.append("")
out.append("Kernel %s; medians of %d rounds; (min-max) are the per-round "
           "ratios." % (kernel, max(len(r) for c in rows.values()
                                   for r in c.values()) if rows else 0))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
print("\n".join(out))
sys.exit(bad or not rows)
