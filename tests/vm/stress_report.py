#!/usr/bin/env python3
"""What lazytrace saw under stress-ng, per stressor (tests/vm/guest-stress.sh).

usage: stress_report.py FILES INSTANCE [--explained TSV] [--json OUT]

FILES is a VM run's files dir: stressors.out (each stressor's start and
end, CLOCK_MONOTONIC ns) and INSTANCE.jsonl (lazytrace --info all -j).
Every streamed finding is given to the stressor whose window holds its
ts_ns ("(between)" otherwise): that is what ran then, whatever the task
(a kworker's finding during mremap counts for mremap). Histograms are
per comm, and stress-ng names its stressor processes "stress-ng-NAME"
(cut to 15 bytes), so they are matched by that name.

Prints one block per stressor: findings by kind and severity, and for
each warning or error its stack. With --explained, each warning or error
must match a row of the TSV (kind, severity, conditions, reason); the
unexplained ones are listed and the exit code is 1. Conditions, all of
which must hold, comma-separated: FUNCTION (in the stack), FIELD=VALUE
or FIELD>=N (the finding's fields), hv=TEXT (FILES/hv, the guest's
/sys/hypervisor type and guest type, "xen PV" in a Xen PV dom0). --json writes the per-stressor table for docs/FIELD.md (field_md.py).
"""
import argparse
import collections
import json
import re
import sys


def pagemap_rounds(files):
    """lt-pagemap's rounds when it ran, "?" when the kernel lacks
    PAGEMAP_SCAN (it prints UNSUPPORTED and exits 0)."""
    try:
        for line in open(files + "/pagemap.out"):
            m = re.match(r"DONE lt-pagemap rounds=(\d+)", line)
            if m:
                return m.group(1)
    except OSError:
        pass
    return "?"


def windows(path):
    out = []
    for line in open(path):
        m = re.match(r"STRESSOR (\S+) rc=(\d+) t0=(\d+) t1=(\d+) bogo=(\S+)",
                     line)
        if m:
            out.append({"name": m.group(1), "rc": int(m.group(2)),
                        "t0": int(m.group(3)), "t1": int(m.group(4)),
                        "bogo": m.group(5)})
    return out


def frames(stack):
    return [f.split("+")[0] for f in stack or []]


# The machinery between a finding's probe and the code that opened the
# section: the allocator, the mmu_gather and the zap walk (its names in
# 6.1 to 7.2). What is left names the path: exit, munmap, exec, ...
MACHINERY = {
    "__alloc_pages", "__alloc_pages_noprof", "__alloc_frozen_pages_noprof",
    "alloc_frozen_pages_noprof",
    "alloc_pages_mpol", "alloc_pages_mpol_noprof", "alloc_pages_noprof",
    "alloc_pages", "__get_free_pages", "get_free_pages_noprof",
    "tlb_next_batch", "__tlb_remove_folio_pages", "__tlb_remove_page_size",
    "__zap_vma_range", "zap_pte_range", "zap_pmd_range", "zap_pud_range",
    "zap_p4d_range", "unmap_page_range", "unmap_single_vma", "unmap_vmas",
    "zap_vma_range_batched", "flush_tlb_mm_range",
}


def path(stack):
    return " < ".join([f for f in frames(stack) if f not in MACHINERY][:3])


def load_explained(path):
    rows = []
    for line in open(path):
        if not line.strip() or line.startswith("#"):
            continue
        kind, sev, fn, reason = line.rstrip("\n").split("\t")[:4]
        rows.append((kind, sev, fn, reason))
    return rows


def holds(cond, f, fr, hv):
    if cond.startswith("hv="):
        return cond[3:] == hv
    if ">=" in cond:
        k, v = cond.split(">=", 1)
        return isinstance(f.get(k), int) and f[k] >= int(v)
    if "=" in cond:
        k, v = cond.split("=", 1)
        return str(f.get(k)) == v
    return cond in fr


def explain(rows, f, hv):
    fr = frames(f.get("stack"))
    for kind, sev, conds, reason in rows:
        if kind == f["kind"] and sev == f["severity"] and all(
                holds(c.strip(), f, fr, hv) for c in conds.split(",")):
            return reason
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files")
    ap.add_argument("instance")
    ap.add_argument("--explained")
    ap.add_argument("--json")
    a = ap.parse_args()
    win = windows(a.files + "/stressors.out")
    for w in win:
        if w["name"] == "lt-pagemap":
            w["bogo"] = pagemap_rounds(a.files)
    recs = [json.loads(l) for l in open("%s/%s.jsonl" % (a.files, a.instance))
            if l.startswith("{")]
    summ = [r for r in recs if r.get("type") == "summary"]
    summ = summ[-1] if summ else {}
    per = collections.OrderedDict((w["name"], {
        "rc": w["rc"], "bogo": w["bogo"], "secs": (w["t1"] - w["t0"]) / 1e9,
        "findings": collections.Counter(), "bad": [],
        "info_stacks": collections.Counter(), "hists": {}})
        for w in win)
    per["(between)"] = {"rc": 0, "bogo": "-", "secs": 0,
                        "findings": collections.Counter(), "bad": [],
                        "info_stacks": collections.Counter(), "hists": {}}
    paths = collections.Counter()
    for r in recs:
        if r.get("type") != "finding":
            continue
        name = "(between)"
        for w in win:
            if w["t0"] <= r["ts_ns"] <= w["t1"]:
                name = w["name"]
                break
        p = per[name]
        p["findings"][(r["kind"], r["severity"])] += 1
        paths[(r["kind"], r["severity"], path(r.get("stack")))] += 1
        fr = frames(r.get("stack"))
        if r["severity"] == "info":
            p["info_stacks"][(r["kind"], " < ".join(fr[:4]))] += 1
        else:
            p["bad"].append(r)
    # A comm is cut to 15 bytes: stressors whose names agree that far
    # (mmapfiles, mmapfixed, mmapfork) share their histograms.
    comm = {w["name"]: ("stress-ng-" + w["name"])[:15] for w in win}
    for r in recs:
        if r.get("type") != "histogram" or not r.get("total"):
            continue
        names = [n for n, c in comm.items() if c == r.get("comm")]
        for n in names:
            per[n]["hists"][r["name"]] = {
                "total": r["total"], "sum": r["sum"],
                "max": max(b["high"] for b in r["buckets"] if b["count"]),
                "shared": [x for x in names if x != n]}
    rows = load_explained(a.explained) if a.explained else None
    try:
        hv = open(a.files + "/hv").read().strip()
    except OSError:
        hv = ""
    unexplained = []
    for name, p in per.items():
        if name == "(between)" and not p["findings"]:
            continue
        total = sum(p["findings"].values())
        print("%-14s rc=%d %5.1fs bogo=%s findings=%d" % (
            name, p["rc"], p["secs"], p["bogo"], total))
        for (k, s), n in sorted(p["findings"].items()):
            print("    %-20s %-8s %d" % (k, s, n))
        seen = set()
        for f in p["bad"]:
            fr = frames(f.get("stack"))
            why = explain(rows, f, hv) if rows is not None else None
            if rows is not None and not why:
                unexplained.append((name, f))
            key = (f["kind"], f["severity"], tuple(fr[:6]), bool(why))
            if key in seen:
                continue
            seen.add(key)
            tag = "explained" if why else ("UNEXPLAINED" if rows is not None
                                           else "")
            print("    %s %s %s comm=%s: %s" % (tag, f["kind"], f["severity"],
                                              f.get("comm"), " < ".join(fr[:8])))
            if why:
                print("        -> " + why)
    streamed = sum(1 for r in recs if r.get("type") == "finding")
    print("streamed %d, summary total %d, dropped %s" % (
        streamed, sum((summ.get("findings") or {}).values()),
        summ.get("dropped")))
    if a.json:
        out = {"kernel": summ.get("kernel"), "rules": summ.get("rules"),
               "dropped": summ.get("dropped"), "streamed": streamed,
               "paths": [{"kind": k, "severity": s, "path": pa, "count": c}
                         for (k, s, pa), c in paths.most_common(15)],
               "stressors": {n: {
                   "rc": p["rc"], "bogo": p["bogo"], "secs": p["secs"],
                   "findings": {"%s/%s" % k: v
                                for k, v in p["findings"].items()},
                   "bad": [{"kind": f["kind"], "severity": f["severity"],
                            "comm": f.get("comm"),
                            "stack": frames(f.get("stack"))[:10]}
                           for f in p["bad"]],
                   "info_stacks": [{"kind": k, "stack": s, "count": c}
                                   for (k, s), c in
                                   p["info_stacks"].most_common(5)],
                   "hists": p["hists"]} for n, p in per.items()}}
        json.dump(out, open(a.json, "w"), indent=1)
    if unexplained:
        print("%d unexplained warning/error findings" % len(unexplained))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
