"""What a reader of a rendered chart sees, checked against the JSON: the
count printed over each bar, the bucket label under it and the y axis'
tick labels. The expected text is computed here from the JSON buckets and
units, not read from the data-* attributes the C code writes; a bar is
identified by its place from the left, a text by the bar it stands over.
Used by check_dom.py.
"""
import math
import re

NS_UNITS = ["ns", "us", "ms", "s"]
BIN_UNITS = ["", "K", "M", "G", "T", "P", "E"]


def slot_low(slot):
    """Low bound of log2 slot k: [0,1], [2,3], [4,7], ..."""
    return 0 if slot == 0 else 1 << slot


def slot_of(low):
    return 0 if low < 2 else low.bit_length() - 1


def label(low, unit):
    """The x label a reader should see under the bucket starting at low:
    decimal steps for time, exact binary suffixes for powers of two, and
    0-1 for the first bucket (so that it does not read as 0 alone)."""
    if low < 2:
        return "0-1"
    if unit == "ns":
        d, i = float(low), 0
        while d >= 1000 and i < 3:
            d /= 1000
            i += 1
        return ("%.0f" % d if d == int(d) else "%.1f" % d) + NS_UNITS[i]
    i = 0
    while low >= 1024 and low % 1024 == 0 and i < 6:
        low //= 1024
        i += 1
    return "%d%s" % (low, BIN_UNITS[i])


def ticks(ymax, most=5):
    """Round y ticks: the smallest 1-2-5 step giving at most `most` steps
    up to a top at or above ymax."""
    p = 1
    while True:
        for m in (1, 2, 5):
            step = p * m
            if math.ceil(ymax / step) <= most:
                top = math.ceil(ymax / step) * step
                return list(range(0, top + 1, step))
        p *= 10


def pos(t):
    """(x, y) where a text is anchored: its x/y, or its translate()."""
    m = re.search(r"translate\(([-\d.]+)[ ,]+([-\d.]+)\)", t["attrs"].get("transform", ""))
    if m:
        return float(m.group(1)), float(m.group(2))
    return float(t["attrs"].get("x", "nan")), float(t["attrs"].get("y", "nan"))


def text_of(t):
    return "".join(t["data"]).strip()


def under(bars, x):
    """Index of the bar whose centre is nearest to x, in left-to-right
    order, or None when x is more than half a bar band away."""
    centres = [float(b["x"]) + float(b["width"]) / 2 for b in bars]
    i = min(range(len(centres)), key=lambda k: abs(centres[k] - x))
    band = (centres[1] - centres[0]) if len(centres) > 1 else 2 * float(bars[0]["width"])
    return i if abs(centres[i] - x) <= band / 2 else None


def check_chart(c, what, chart, slots, want, unit, ymax):
    """slots: the chart's buckets left to right (the x range); want: JSON
    count per bucket low; ymax: the tallest count the y axis must cover
    (the pair's when a comparison shares the scale)."""
    bars = sorted(chart["bars"], key=lambda b: float(b["x"]))
    c.check(len(bars) == len(slots), "%s: %d bars for the %d buckets %s..%s" % (
        what, len(bars), len(slots), label(slot_low(slots[0]), unit),
        label(slot_low(slots[-1]), unit)))
    if len(bars) != len(slots):
        return
    lows = [slot_low(s) for s in slots]
    texts = {k: [t for t in chart["texts"] if k in t["cls"]]
             for k in ("count", "xtick", "ytick")}

    # The count over each bar: one per non-empty bucket, the JSON's count,
    # drawn above the bar's top.
    seen = {}
    for t in texts["count"]:
        x, y = pos(t)
        i = under(bars, x - (4 if "up" in t["cls"] else 0))
        if i is None:
            c.check(False, "%s: count %r over no bar" % (what, text_of(t)))
            continue
        seen[i] = seen.get(i, 0) + 1
        got, exp = text_of(t), str(want.get(lows[i], 0))
        c.check(got == exp, "%s: count text %r over bucket %s, JSON has %s" % (
            what, got, label(lows[i], unit), exp))
        c.check(y <= float(bars[i]["y"]), "%s: count %s is not above its bar" % (what, got))
    for i, lo in enumerate(lows):
        n = seen.get(i, 0)
        c.check(n == (1 if want.get(lo, 0) else 0),
                "%s: bucket %s has %d count texts, JSON count %d" % (
                    what, label(lo, unit), n, want.get(lo, 0)))

    # The bucket labels: every non-empty bucket labelled, every label the
    # low bound of the bucket it stands under.
    labelled = {}
    for t in texts["xtick"]:
        i = under(bars, pos(t)[0] - 4)
        if i is None:
            c.check(False, "%s: x label %r under no bar" % (what, text_of(t)))
            continue
        labelled[i] = labelled.get(i, 0) + 1
        c.check(text_of(t) == label(lows[i], unit),
                "%s: x label %r under bucket %d-%d, want %r" % (
                    what, text_of(t), lows[i], 2 * lows[i] - 1 if lows[i] else 1,
                    label(lows[i], unit)))
    c.check(all(n == 1 for n in labelled.values()), "%s: a bucket with two x labels" % what)
    miss = [label(lo, unit) for i, lo in enumerate(lows) if want.get(lo) and i not in labelled]
    c.check(not miss, "%s: non-empty buckets without an x label: %s" % (what, miss))

    # The y axis: round ticks from 0 to a top just covering ymax, evenly
    # spaced, and each bar's top where the ticks put its count.
    yt = sorted(texts["ytick"], key=lambda t: -pos(t)[1])
    got = [text_of(t) for t in yt]
    exp = [str(v) for v in ticks(ymax)]
    c.check(got == exp, "%s: y ticks %s, for a tallest bar of %d want %s" % (
        what, got, ymax, exp))
    c.check(chart["attrs"].get("data-ymax") == exp[-1],
            "%s: data-ymax %s, y ticks top at %s" % (what, chart["attrs"].get("data-ymax"), exp[-1]))
    if len(yt) < 2 or got != exp:
        return
    ys = [pos(t)[1] for t in yt]
    gaps = [a - b for a, b in zip(ys, ys[1:])]
    c.check(max(gaps) - min(gaps) <= 0.2, "%s: y ticks unevenly spaced %s" % (what, ys))
    y0, top = ys[0], int(exp[-1])
    per = (ys[0] - ys[-1]) / top    # px per count, from the tick labels
    base = float(bars[0]["y"]) + float(bars[0]["height"])
    off = []
    for b, lo in zip(bars, lows):
        n = want.get(lo, 0)
        if n * per < 1.5:   # drawn 1.5 px tall so that it stays visible
            continue
        bar_top = float(b["y"])
        if abs((base - bar_top) - n * per) > 0.2:
            off.append((label(lo, unit), n, round(base - bar_top, 1), round(n * per, 1)))
    c.check(not off, "%s: bars not at their count on the y ticks (%s): %s" % (
        what, "bucket, count, height, want", off))
    c.check(abs((y0 - base) - 4) <= 0.2, "%s: y tick 0 is not at the bars' base" % what)
