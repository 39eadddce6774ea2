#!/usr/bin/env python3
"""watch_table.py VM_LOG OUT.md: the --boundaries watch benchmark's table
(bench/guest-watch-bench.sh RESULT lines): per workload the median time of
each configuration, its ratio to untraced with the spread of the per-round
ratios, the sections the watch counted and what one costs over -p alone
(two watchpoint hits, each a debug exception and a program run)."""
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
       "| sections | watch per section |", "|---|---|---|---|---|---|"]
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
    # The watch's own cost: each watch run against the median -p run,
    # divided by the sections that run counted (a workload's mapping
    # may cross one more page-table boundary in one run than another).
    w = cf.get("watch", {})
    secs = sorted(int(r["enters"]) for r in w.values())
    per = [(int(r["ns"]) - med["default"]) / int(r["enters"]) / 1e3
           for r in w.values() if int(r["enters"]) and "default" in med]
    out.append("| %s | %s | %s | %s |" % (
        wl, " | ".join(cells),
        "%d-%d" % (secs[0], secs[-1]) if secs else "-",
        "%.0f us" % statistics.median(per) if per else "-"))
out.append("")
out.append("Kernel %s; medians of %d rounds; (min-max) are the per-round "
           "ratios to untraced; watch per section: (watch - median -p) / "
           "sections of that run, median." % (kernel, max(len(r) for c in rows.values()
                                   for r in c.values()) if rows else 0))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
print("\n".join(out))
sys.exit(bad or not rows)
