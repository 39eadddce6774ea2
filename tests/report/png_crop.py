#!/usr/bin/env python3
"""Crops a screenshot below the page's last non-background row (plus a
margin): headless Chromium shoots the window, not the page.

usage: png_crop.py IN.png OUT.png
"""
import struct
import sys
import zlib

from check_png import content_end, decode

MARGIN = 24


def chunk(kind, body):
    return (struct.pack(">I", len(body)) + kind + body +
            struct.pack(">I", zlib.crc32(kind + body)))


def main():
    w, h, bpp, rows = decode(sys.argv[1])
    last = content_end(w, bpp, rows, rows[-1][:bpp])
    if last < 0:
        last = h - 1
    keep = rows[:min(h, last + 1 + MARGIN)]
    raw = b"".join(b"\0" + r for r in keep)
    ctype = 2 if bpp == 3 else 6
    with open(sys.argv[2], "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, len(keep), 8, ctype, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))
    print("png_crop: %s %dx%d" % (sys.argv[2], w, len(keep)))


if __name__ == "__main__":
    main()
