#!/usr/bin/env python3
"""Checks that a Chromium screenshot is a real picture of the report, not
an empty or error page: a valid PNG of the window's size, decoded here
(zlib + PNG filters, no imaging library), with many colours and enough
pixels in each bar colour asked for. With tail=MIN:MAX, the page must end
inside the picture: under its last row that is not all page background
(the colour of the top-left pixel) there are MIN to MAX background rows. A
window shorter than the page cuts it off with content at the bottom edge
(too few rows); one far taller leaves too many.

usage: check_png.py FILE WIDTH HEIGHT [RRGGBB:MIN_PIXELS ...] [tail=MIN:MAX]
"""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("check_png: %s is not a PNG" % path)
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]:
            sys.exit("check_png: %s: bad CRC in %s" % (path, kind))
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit("check_png: %s: unexpected format depth %d type %d" % (path, depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def content_end(w, bpp, rows, bg):
    """Index of the last row that is not all bg, or -1."""
    blank = bg * w
    return max((y for y, r in enumerate(rows) if r != blank), default=-1)


def main():
    path, want_w, want_h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    specs = [a for a in sys.argv[4:] if not a.startswith("tail=")]
    tails = [a[5:] for a in sys.argv[4:] if a.startswith("tail=")]
    w, h, bpp, rows = decode(path)
    bad = []
    end = content_end(w, bpp, rows, rows[0][:3] if bpp == 3 else rows[0][:4])
    for t in tails:
        lo, hi = (int(v) for v in t.split(":"))
        if not lo <= h - 1 - end <= hi:
            bad.append("%d background rows under the content, want %d-%d (%s)"
                       % (h - 1 - end, lo, hi, "cut off" if h - 1 - end < lo
                          else "window far taller than the page"))
    if (w, h) != (want_w, want_h):
        bad.append("size %dx%d, want %dx%d" % (w, h, want_w, want_h))
    counts = {}
    for r in rows:
        for x in range(0, len(r), bpp):
            px = r[x:x + 3]
            counts[px] = counts.get(px, 0) + 1
    top = max(counts.values())
    if len(counts) < 50:
        bad.append("only %d colours" % len(counts))
    if top > 0.97 * w * h:
        bad.append("%.1f%% of the picture is one colour" % (100.0 * top / (w * h)))
    for spec in specs:
        hexc, need = spec.split(":")
        px = bytes.fromhex(hexc)
        if counts.get(px, 0) < int(need):
            bad.append("%d pixels of #%s, want %s" % (counts.get(px, 0), hexc, need))
    print("check_png: %s %dx%d, %d colours, %s; content to row %d" % (
        path, w, h, len(counts),
        ", ".join("#%s %d px" % (s.split(":")[0], counts.get(bytes.fromhex(s.split(":")[0]), 0))
                  for s in specs), end))
    if bad:
        print("check_png: FAIL: " + "; ".join(bad))
        sys.exit(1)


if __name__ == "__main__":
    main()
