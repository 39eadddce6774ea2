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


SLOTS = 40     # LT_HIST_SLOTS


def layout_of(low, high):
    """Which bucket rule a JSON bucket follows: "native" (lazytrace since
    the native Prometheus histograms: {0}, {1}, {2}, 3-4, 5-8, ...) or
    "legacy" (0-1, 2-3, 4-7, ...). No bucket is valid in both."""
    if (low, high) == (0, 1) or (low >= 2 and high == 2 * low - 1):
        return "legacy"
    return "native"


def slot_low(slot, layout):
    if layout == "legacy":
        return 0 if slot == 0 else 1 << slot
    return slot if slot < 2 else (1 << (slot - 2)) + 1


def slot_high(slot, layout):
    if layout == "legacy":
        return 1 if slot == 0 else (1 << (slot + 1)) - 1
    return slot if slot < 2 else 1 << (slot - 1)


def slot_of(low, layout):
    if layout == "legacy":
        return 0 if low < 2 else low.bit_length() - 1
    return low if low < 2 else (low - 1).bit_length() + 1


def fmt(v, unit):
    """A value as the report writes it: decimal steps for time, exact
    binary suffixes for powers of two."""
    if unit == "ns":
        d, i = float(v), 0
        while d >= 1000 and i < 3:
            d /= 1000
            i += 1
        return ("%.0f" % d if d == int(d) else "%.1f" % d) + NS_UNITS[i]
    i = 0
    while v >= 1024 and v % 1024 == 0 and i < 6:
        v //= 1024
        i += 1
    return "%d%s" % (v, BIN_UNITS[i])


def label(low, unit, layout="legacy"):
    """The x label a reader should see under the bucket starting at low.
    Legacy buckets read by their low bound, 0-1 for the first (so that it
    does not read as 0 alone); native ones by their upper bound, as
    Prometheus' le does, the last open-ended ("lo+")."""
    if layout == "legacy":
        return "0-1" if low < 2 else fmt(low, unit)
    s = slot_of(low, layout)
    if s == SLOTS - 1:
        return fmt(low, unit) + "+"
    return fmt(slot_high(s, layout), unit)


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


def check_chart(c, what, chart, slots, want, unit, ymax, layout="legacy"):
    """slots: the chart's buckets left to right (the x range); want: JSON
    count per bucket low; ymax: the tallest count the y axis must cover
    (the pair's when a comparison shares the scale)."""
    bars = sorted(chart["bars"], key=lambda b: float(b["x"]))
    c.check(len(bars) == len(slots), "%s: %d bars for the %d buckets %s..%s" % (
        what, len(bars), len(slots),
        label(slot_low(slots[0], layout), unit, layout),
        label(slot_low(slots[-1], layout), unit, layout)))
    if len(bars) != len(slots):
        return
    lows = [slot_low(s, layout) for s in slots]
    lab = lambda lo: label(lo, unit, layout)
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
            what, got, lab(lows[i]), exp))
        c.check(y <= float(bars[i]["y"]), "%s: count %s is not above its bar" % (what, got))
    for i, lo in enumerate(lows):
        n = seen.get(i, 0)
        c.check(n == (1 if want.get(lo, 0) else 0),
                "%s: bucket %s has %d count texts, JSON count %d" % (
                    what, lab(lo), n, want.get(lo, 0)))

    # The bucket labels: every non-empty bucket labelled, every label the
    # low bound of the bucket it stands under.
    labelled = {}
    for t in texts["xtick"]:
        i = under(bars, pos(t)[0] - 4)
        if i is None:
            c.check(False, "%s: x label %r under no bar" % (what, text_of(t)))
            continue
        labelled[i] = labelled.get(i, 0) + 1
        c.check(text_of(t) == lab(lows[i]),
                "%s: x label %r under bucket %d-%d, want %r" % (
                    what, text_of(t), lows[i],
                    slot_high(slots[i], layout), lab(lows[i])))
    c.check(all(n == 1 for n in labelled.values()), "%s: a bucket with two x labels" % what)
    miss = [lab(lo) for i, lo in enumerate(lows) if want.get(lo) and i not in labelled]
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
            off.append((lab(lo), n, round(base - bar_top, 1), round(n * per, 1)))
    c.check(not off, "%s: bars not at their count on the y ticks (%s): %s" % (
        what, "bucket, count, height, want", off))
    c.check(abs((y0 - base) - 4) <= 0.2, "%s: y tick 0 is not at the bars' base" % what)
