#!/usr/bin/env python3
"""Splits a VM console log into the files the guest handed back.

usage: extract.py LOG OUTDIR  -> OUTDIR/<name> per '=== FILE name ===' block,
and OUTDIR/exits with the 'EXIT name rc' lines, OUTDIR/kernel with uname.
"""
import os
import re
import sys

# A kernel message on the console: "[  306.745162] irq 4: nobody cared"
KMSG = re.compile(r"\[ *\d+\.\d{6}\] ")

log, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
cur = None
buf = []
exits = []
held = ""
for line in open(log, errors="replace"):
    line = line.rstrip("\r\n")
    # The kernel prints on the same console too (quiet boots print only
    # errors): sid's RT kernel under load printed "irq 4: nobody cared"
    # and its handler list into the middle of a JSON line. Its lines are
    # skipped until the rest of the cut line comes.
    if held and (KMSG.match(line) or line.startswith("(XEN) ")):
        continue
    line = held + line
    held = ""
    k = KMSG.search(line)
    if cur not in (None, "dmesg") and k and k.start() > 0:
        held = line[:k.start()]
        continue
    # Xen prints its own lines on the same serial console (dom0 boots),
    # sometimes in the middle of a dom0 line: "...,"comm"(XEN) uart
    # interrupt taking more than 4ms, switched to polling" then the rest
    # of the dom0 line on the next one (seen under load). Cut it out and
    # join the halves.
    x = line.find("(XEN) ")
    if x == 0:
        continue
    if x > 0:
        held = line[:x]
        continue
    if cur is None and line.startswith("=== FILE ") and line.endswith(" ==="):
        cur, buf = line[9:-4], []
    elif cur is not None and line == "=== END %s ===" % cur:
        with open(os.path.join(out, cur), "w") as f:
            f.write("\n".join(buf) + ("\n" if buf else ""))
        cur = None
    elif cur is not None:
        buf.append(line)
    elif line.startswith("EXIT "):
        exits.append(line[5:])
    elif line.startswith("KERNEL "):
        with open(os.path.join(out, "kernel"), "w") as f:
            f.write(line[7:] + "\n")
with open(os.path.join(out, "exits"), "w") as f:
    f.write("\n".join(exits) + "\n")
