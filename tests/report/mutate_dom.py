#!/usr/bin/env python3
"""Writes a copy of a rendered DOM with one thing a reader sees made wrong
in one chart, so that the report test can show check_dom.py catches it.

usage: mutate_dom.py DOM OUT KIND CHART
KIND: count   the first count over a bar, one more
      xlabel  the first bucket label, another bucket's
      nolabel the first bucket label removed
      ytick   the top y tick label, doubled
Exits 3 when the chart or the text is not there: a mutation that changed
nothing must not pass for a caught one.
"""
import re
import sys


def mutate(svg, kind):
    if kind == "count":
        return re.sub(r'(<text class="count[^"]*"[^>]*>)(\d+)<',
                      lambda m: "%s%d<" % (m.group(1), int(m.group(2)) + 1), svg, 1)
    if kind == "xlabel":
        labels = re.findall(r'<text class="xtick"[^>]*>([^<]*)<', svg)
        if len(labels) < 2:
            return svg
        return re.sub(r'(<text class="xtick"[^>]*>)[^<]*<',
                      lambda m: m.group(1) + labels[1] + "<", svg, 1)
    if kind == "nolabel":
        return re.sub(r'<text class="xtick"[^>]*>[^<]*</text>', "", svg, 1)
    if kind == "ytick":
        ms = list(re.finditer(r'(<text class="ytick"[^>]*>)(\d+)<', svg))
        if not ms:
            return svg
        m = ms[-1]
        return svg[:m.start(2)] + str(2 * int(m.group(2))) + svg[m.end(2):]
    sys.exit("mutate_dom: unknown kind " + kind)


def main():
    src, dst, kind, chart = sys.argv[1:5]
    dom = open(src, errors="replace").read()
    m = re.search(r'<svg class="hist"[^>]*data-chart="%s" data-trace="0".*?</svg>'
                  % re.escape(chart), dom, re.S)
    if not m:
        sys.exit(3)
    new = mutate(m.group(0), kind)
    if new == m.group(0):
        print("mutate_dom: nothing to change for %s in %s" % (kind, chart))
        sys.exit(3)
    open(dst, "w").write(dom[:m.start()] + new + dom[m.end():])


if __name__ == "__main__":
    main()
