#!/usr/bin/env python3
"""The tables of docs/FIELD.md from a make field run.

usage: field_md.py DIR   (DIR/stress-*/files/*.field.json, written by
                          stress_report.py --json; markdown on stdout)
"""
import glob
import json
import os
import sys

ABBR = {"alloc_in_lazy": "alloc", "flush_in_lazy": "flush",
        "nested_enter": "nest", "enable_while_paused": "en-paused",
        "unbalanced_disable": "unbal", "open_at_user_return": "open-ret",
        "open_at_exit": "open-exit", "sleep_in_lazy": "sleep",
        "state_mismatch": "mismatch", "outer_lost_lazy": "outer-lost"}
SEV = {"info": "i", "warning": "W", "error": "E"}


def cell(findings):
    parts = []
    for key, n in sorted(findings.items(), key=lambda kv: -kv[1]):
        kind, sev = key.split("/")
        parts.append("%s %s:%d" % (ABBR.get(kind, kind), SEV[sev], n))
    return ", ".join(parts) or "-"


def hist(h, name):
    x = h.get(name)
    if not x:
        return "-"
    if x.get("shared"):	# one comm for several stressors
        return "with %s" % ", ".join(x["shared"])
    return "%d (max %d)" % (x["total"], x["max"])


def summary(paths):
    print("| kernel | rules | ran (skipped) | findings "
          "| warnings + errors |")
    print("|---|---|---|---|---|")
    for path in paths:
        d = json.load(open(path))
        st = {n: s for n, s in d["stressors"].items() if n != "(between)"}
        skipped = [n for n, s in st.items() if s["rc"] or s["bogo"] == "?"]
        bad = sum(v for s in d["stressors"].values()
                  for k, v in s["findings"].items()
                  if not k.endswith("/info"))
        hv = " Xen PV dom0" if "xen" in path.split(os.sep)[-3] else ""
        print("| %s%s | %s | %d of %d (%s) | %d | %d |" % (
            d["kernel"], hv, d["rules"], len(st) - len(skipped), len(st),
            ", ".join(skipped) or "none", d["streamed"], bad))
    print()


def main():
    paths = sorted(glob.glob(os.path.join(sys.argv[1],
                                          "stress-*/files/*.field.json")))
    summary(paths)
    for path in paths:
        d = json.load(open(path))
        run = path.split(os.sep)[-3]
        inst = os.path.basename(path).split(".")[0]
        print("### %s, %s rules (%s, instance %s)\n" % (
            d["kernel"], d["rules"], run, inst))
        print("streamed %d findings, dropped %s\n" % (d["streamed"],
                                                      d["dropped"]))
        print("Where the findings come from (the frames above the "
              "allocator, mmu_gather and zap machinery), all stressors:\n")
        print("| kind | severity | path | count |")
        print("|---|---|---|---|")
        for x in d.get("paths", []):
            print("| %s | %s | `%s` | %d |" % (x["kind"], x["severity"],
                                               x["path"], x["count"]))
        print()
        print("| stressor | rc | bogo ops | findings (i info, W warning, "
              "E error) | batches (max pages) | flushes (max pages) |")
        print("|---|---|---|---|---|---|")
        for name, s in d["stressors"].items():
            if name == "(between)" and not s["findings"]:
                continue
            print("| %s | %d | %s | %s | %s | %s |" % (
                name, s["rc"], s["bogo"], cell(s["findings"]),
                hist(s["hists"], "batch_pages"), hist(s["hists"],
                                                       "flush_span")))
        print()
        bad = [(n, f) for n, s in d["stressors"].items() for f in s["bad"]]
        seen = set()
        for n, f in bad:
            key = (f["kind"], f["severity"], tuple(f["stack"][:6]))
            if key in seen:
                continue
            seen.add(key)
            print("- %s: %s %s (%s): `%s`" % (n, f["kind"], f["severity"],
                                             f["comm"],
                                             " < ".join(f["stack"][:8])))
        if bad:
            print()
        stacks = {}
        for n, s in d["stressors"].items():
            for st in s["info_stacks"]:
                k = (st["kind"], st["stack"])
                stacks.setdefault(k, [0, []])
                stacks[k][0] += st["count"]
                stacks[k][1].append(n)
        if stacks:
            print("Info findings by stack (first four frames), top 12:\n")
            for (kind, st), (c, names) in sorted(
                    stacks.items(), key=lambda kv: -kv[1][0])[:12]:
                print("- %s %d: `%s` (%s)" % (kind, c, st,
                                              ", ".join(names[:6])))
            print()


if __name__ == "__main__":
    main()
