#!/usr/bin/env python3
"""Checks the DOM Chromium rendered from a lazytrace report against the
JSON Lines it was made from, computing every expected figure here,
independently of the C loader.

usage: check_dom.py DOM TRACE.jsonl [AFTER.jsonl]
Prints one line per failed check; exits 1 if any failed, else prints a
one-line tally.
"""
import json
import sys
from collections import defaultdict
from html.parser import HTMLParser

import check_reading

HISTS = ["batch_pages", "gather_batches", "flush_span", "nesting_depth",
         "alloc_order", "section_span"]


class Dom(HTMLParser):
    """Bars, charts, finding rows and comm rows, with their text."""

    def __init__(self):
        super().__init__()
        self.bars = []          # attrs of every rect.bar
        self.charts = []        # {"attrs", "text"} per svg.hist
        self.frows = []         # {"attrs", "stack": [li texts]}
        self.crows = []         # {"attrs", "cells": [td texts]}
        self.tags = defaultdict(int)
        self.text = []
        self._svg = self._frow = self._crow = None
        self._li = self._td = self._txt = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        cls = a.get("class", "").split()
        if tag == "svg" and "hist" in cls:
            self._svg = {"attrs": a, "text": [], "bars": [], "texts": []}
            self.charts.append(self._svg)
        elif tag == "rect" and "bar" in cls:
            self.bars.append(a)
            if self._svg is not None:
                self._svg["bars"].append(a)
        elif tag == "text" and self._svg is not None:
            self._txt = {"cls": cls, "attrs": a, "data": []}
            self._svg["texts"].append(self._txt)
        elif tag == "tr" and "data-kind" in a:
            self._frow = {"attrs": a, "stack": []}
            self.frows.append(self._frow)
        elif tag == "tr" and "data-findings" in a:
            self._crow = {"attrs": a, "cells": []}
            self.crows.append(self._crow)
        elif tag == "li" and self._frow is not None:
            self._li = []
        elif tag == "td" and self._crow is not None:
            self._td = []

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None
        elif tag == "text":
            self._txt = None
        elif tag == "tr":
            self._frow = self._crow = None
        elif tag == "li" and self._li is not None:
            self._frow["stack"].append("".join(self._li))
            self._li = None
        elif tag == "td" and self._td is not None:
            self._crow["cells"].append("".join(self._td))
            self._td = None

    def handle_data(self, data):
        self.text.append(data)
        if self._svg is not None:
            self._svg["text"].append(data)
        if self._txt is not None:
            self._txt["data"].append(data)
        if self._li is not None:
            self._li.append(data)
        if self._td is not None:
            self._td.append(data)


def expected(path):
    """Histograms (last record per name, comm, cgroup; merged), streamed
    finding groups and per-comm finding counts, and the summary."""
    last = {}
    units, scopes = {}, {}
    groups = {}
    comms = defaultdict(int)
    summary = None
    layout = "legacy"
    for line in open(path):
        if not line.strip():
            continue
        r = json.loads(line)
        if r["type"] == "histogram":
            last[(r["name"], r["comm"], r.get("cgroup_id"))] = r
            for b in r["buckets"][:1]:
                layout = check_reading.layout_of(b["low"], b["high"])
            units[r["name"]] = r["unit"]
            scopes[r["name"]] = r["scope"]
        elif r["type"] == "finding":
            k = (r["kind"], tuple(r["stack"]))
            g = groups.setdefault(k, {"n": 0, "first": r["ts_ns"], "last": r["ts_ns"]})
            g["n"] += 1
            g["first"] = min(g["first"], r["ts_ns"])
            g["last"] = max(g["last"], r["ts_ns"])
            comms[r["comm"]] += 1
        elif r["type"] == "summary":
            summary = r
    hists = defaultdict(lambda: defaultdict(int))
    for r in last.values():
        for b in r["buckets"]:
            hists[r["name"]][b["low"]] += b["count"]
    return hists, groups, comms, summary, units, scopes, layout


def chart_axes(exps, name):
    """Per trace, the x range (slots) and the count the y axis must cover:
    a comparison shares the x range, and the y scale where both traces
    counted the same scope (docs/REPORT.md)."""
    nz = [{k: v for k, v in e[0].get(name, {}).items() if v} for e in exps]
    slots = [check_reading.slot_of(k, e[6]) for h, e in zip(nz, exps)
             for k in h]
    xr = list(range(min(slots), max(slots) + 1)) if slots else []
    tops = [max(h.values(), default=0) for h in nz]
    sc = [e[5].get(name) for e in exps]
    if len(exps) == 2 and (None in sc or sc[0] == sc[1]):
        tops = [max(tops)] * 2
    return xr, tops


class Checker:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("check_dom: FAIL: " + what)


def check_bars(c, dom, i, name, want, axes=None):
    bars = [b for b in dom.bars
            if b["data-hist"] == name and b["data-trace"] == str(i)]
    got = {int(b["data-low"]): int(b["data-count"]) for b in bars}
    nonzero = {k: v for k, v in want.items() if v}
    chart = [s for s in dom.charts if s["attrs"].get("data-chart") == name
             and s["attrs"].get("data-trace") == str(i)]
    c.check(len(chart) == 1, "trace %d %s: one chart, got %d" % (i, name, len(chart)))
    if not nonzero:
        c.check(not bars, "trace %d %s: no data, yet %d bars" % (i, name, len(bars)))
        c.check(chart and "no data" in "".join(chart[0]["text"]),
                "trace %d %s: empty chart does not say 'no data'" % (i, name))
        return
    c.check({k: v for k, v in got.items() if v} == nonzero,
            "trace %d %s: bars %s != JSON %s" % (i, name, got, nonzero))
    c.check(len(got) == len(bars), "trace %d %s: two bars for a bucket" % (i, name))
    if not bars:
        return
    # Contiguous log2 buckets with no gap: native ones {0}, {1}, {2},
    # [3,4], [5,8], ... or, in traces written before them, [0,1], [2,3],
    # [4,7], ...
    pairs = [(int(b["data-low"]), int(b["data-high"])) for b in bars]
    native = all(lo == hi <= 2 or hi == 2 * (lo - 1) or hi == 2**64 - 1
                 for lo, hi in pairs)
    lows = sorted(got)
    if native:
        slot = [v if v < 2 else (v - 1).bit_length() + 1 for v in lows]
    else:
        slot = [0 if v == 0 else v.bit_length() - 1 for v in lows]
    c.check(slot == list(range(slot[0], slot[0] + len(slot))),
            "trace %d %s: buckets not contiguous: %s" % (i, name, lows))
    for lo, hi in pairs:
        if native:
            ok = lo == hi <= 2 or hi == 2 * (lo - 1) or hi == 2**64 - 1
        else:
            ok = (lo == 0 and hi == 1) or hi == 2 * lo - 1 or hi == 2**64 - 1
        c.check(ok, "trace %d %s: bucket [%d, %d] not log2" % (i, name, lo, hi))
    # Heights proportional to counts: the tallest bar sets the scale, the
    # others are within the 0.1 px the SVG is written with; bars under
    # 1.5 px are drawn 1.5 px so that they stay visible.
    top = int(chart[0]["attrs"]["data-ymax"]) if chart else 0
    c.check(top >= max(nonzero.values()),
            "trace %d %s: y axis tops at %d, under the tallest bar" % (i, name, top))
    tall = max(bars, key=lambda b: int(b["data-count"]))
    scale = float(tall["height"]) / int(tall["data-count"])
    off = [(b["data-low"], b["height"]) for b in bars
           if abs(float(b["height"]) - max(int(b["data-count"]) * scale,
                                           1.5 if int(b["data-count"]) else 0)) > 0.1]
    c.check(not off, "trace %d %s: bar heights not proportional to counts: %s"
            % (i, name, off))
    c.check(all(float(b["height"]) > 0 for b in bars if int(b["data-count"])),
            "trace %d %s: a non-empty bucket is invisible" % (i, name))
    if axes and chart:
        xr, top, unit, layout = axes
        check_reading.check_chart(c, "trace %d %s" % (i, name), chart[0], xr,
                                  nonzero, unit, top, layout)


def check_trace(c, dom, i, exps):
    hists, groups, comms, summary, units, _, layout = exps[i]
    text = "".join(dom.text)
    for name in HISTS:
        xr, tops = chart_axes(exps, name)
        check_bars(c, dom, i, name, hists.get(name, {}),
                   (xr, tops[i], units.get(name), layout))
    # Findings: rows of this trace, against the JSON.
    rows = [r for r in dom.frows if r["attrs"]["data-trace"] == str(i)]
    for (kind, stack), g in groups.items():
        row = [r for r in rows if r["attrs"]["data-kind"] == kind
               and tuple(r["stack"]) == stack]
        c.check(len(row) == 1, "trace %d: %d rows for %s %s" % (i, len(row), kind, stack[:3]))
        if len(row) != 1:
            continue
        a = row[0]["attrs"]
        c.check(int(a["data-streamed"]) == g["n"],
                "trace %d %s: streamed %s != %d" % (i, kind, a["data-streamed"], g["n"]))
        c.check(int(a["data-first-ns"]) == g["first"] and int(a["data-last-ns"]) == g["last"],
                "trace %d %s: first/last %s/%s != %d/%d" % (
                    i, kind, a["data-first-ns"], a["data-last-ns"], g["first"], g["last"]))
    c.check(sum(int(r["attrs"]["data-streamed"]) for r in rows) ==
            sum(g["n"] for g in groups.values()),
            "trace %d: streamed findings in the table != JSON" % i)
    if summary:
        per_kind = defaultdict(int)
        for r in rows:
            per_kind[r["attrs"]["data-kind"]] += int(r["attrs"]["data-count"])
        want = {k: v for k, v in summary["findings"].items() if v}
        c.check(dict(per_kind) == want,
                "trace %d: counts per kind %s != summary %s" % (i, dict(per_kind), want))
        c.check(summary["kernel"] in text, "trace %d: kernel %s not shown" % (i, summary["kernel"]))
        c.check(summary["state_source"] in text, "trace %d: state source not shown" % i)
        for p in summary["probes"]:
            if p["method"] != "-":
                c.check(p["symbol"] in text, "trace %d: probe %s not shown" % (i, p["symbol"]))
    # Top comms: each shown count right, sorted, the busiest one first.
    crow = [r for r in dom.crows if r["attrs"]["data-trace"] == str(i)]
    c.check(len(crow) > 0, "trace %d: no comm rows" % i)
    shown = [(r["cells"][0], int(r["attrs"]["data-findings"])) for r in crow]
    for comm, n in shown:
        c.check(comms.get(comm, 0) == n,
                "trace %d: comm %s shows %d findings, JSON has %d" % (i, comm, n, comms.get(comm, 0)))
    c.check([n for _, n in shown] == sorted([n for _, n in shown], reverse=True),
            "trace %d: comms not sorted by findings" % i)
    if comms:
        c.check(shown and shown[0][1] == max(comms.values()),
                "trace %d: top comm %s is not the busiest" % (i, shown[:1]))


def check_shared_scale(c, dom, paths):
    """Before and after share a y axis where they counted the same scope."""
    scopes = []
    for p in paths:
        sc = {}
        for line in open(p):
            r = json.loads(line) if line.strip() else {}
            if r.get("type") == "histogram":
                sc[r["name"]] = r["scope"]
        scopes.append(sc)
    for name in HISTS:
        tops = [s["attrs"].get("data-ymax") for s in dom.charts
                if s["attrs"].get("data-chart") == name]
        if len(tops) != 2 or "0" in tops or name not in scopes[0] or name not in scopes[1]:
            continue
        same = scopes[0][name] == scopes[1][name]
        c.check((tops[0] == tops[1]) == same,
                "%s: y axes %s for scopes %s/%s" % (name, tops, scopes[0][name], scopes[1][name]))


def main():
    dom = Dom()
    dom.feed(open(sys.argv[1], errors="replace").read())
    traces = sys.argv[2:]
    c = Checker()
    c.check(len(dom.charts) == len(HISTS) * len(traces),
            "%d charts for %d traces" % (len(dom.charts), len(traces)))
    c.check(dom.tags["script"] == 0, "the page has a script")
    c.check(dom.tags["img"] == 0 and dom.tags["link"] == 0, "the page loads resources")
    exps = [expected(p) for p in traces]
    for i in range(len(traces)):
        check_trace(c, dom, i, exps)
    if len(traces) == 2:
        check_shared_scale(c, dom, traces)
    print("check_dom: %d checks passed, %d failed (%d bars, %d finding rows)" % (
        c.passed, c.failed, len(dom.bars), len(dom.frows)))
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
