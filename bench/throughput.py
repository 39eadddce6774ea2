#!/usr/bin/env python3
"""Findings throughput: lazytrace against the uprobe model's storm.

usage: throughput.py OUT.md [--smoke]
For each offered rate, `lt-model-v7 storm THREADS N RATE` opens one lazy
section per thread and allocates N times in it (docs/MODEL.md), each
allocation one alloc_in_lazy finding; lazytrace traces it through uprobes
(--uprobe-target). Reports the findings per second reached, whether the
in-kernel aggregation counted every one of them (against the model's own
count), how many streamed records the ring buffer refused (counted, not
lost silently), how many the legal-finding policy held back (--info: the
storm's findings are legal under 7.0 rules; streamed + dropped + held
must equal the aggregate), and the loader's peak RSS (ru_maxrss from
wait4, so it covers the whole run). Exits 1 if a count is not exact or a
record went unaccounted.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

LT = "build/lazytrace"
MODEL = "build/model/lt-model-v7"
THREADS = 2


def wait_for(path, text, secs, proc):
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            if text in f.read():
                return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def one(tmp, n, rate, extra):
    out, err = os.path.join(tmp, "t.jsonl"), os.path.join(tmp, "t.err")
    with open(err, "w") as ef:
        lt = subprocess.Popen([LT, "--uprobe-target", MODEL, "--rules", "7.0",
                               "--comm", os.path.basename(MODEL), "-j",
                               "-o", out] + extra, stderr=ef)
    if not wait_for(err, "tracing with", 120, lt):
        lt.kill()
        lt.wait()
        sys.exit("throughput: lazytrace did not start: " + open(err).read())
    m = subprocess.run([MODEL, "storm", str(THREADS), str(n), str(rate)],
                       capture_output=True, text=True, check=True)
    st = dict(kv.split("=") for kv in m.stdout.split("\n")[0].split()[1:])
    lt.send_signal(signal.SIGINT)
    _, status, ru = os.wait4(lt.pid, 0)
    lt.returncode = os.waitstatus_to_exitcode(status)
    summ, nrec = None, 0
    for line in open(out):
        r = json.loads(line)
        if r["type"] == "summary":
            summ = r
        elif r["type"] == "finding":
            nrec += 1
    if lt.returncode != 0 or summ is None:
        sys.exit("throughput: lazytrace exited %d: %s" % (lt.returncode, open(err).read()))
    allocs, secs = int(st["allocs"]), float(st["seconds"])
    agg = summ["findings"]["alloc_in_lazy"]
    return {"offered": rate, "allocs": allocs, "seconds": secs,
            "findings_per_s": allocs / secs, "aggregated": agg,
            "streamed": summ["streamed"], "records": nrec,
            "dropped": summ["dropped"], "held": summ["info_held"],
            "exact": agg == allocs,
            "accounted": summ["streamed"] + summ["dropped"] + summ["info_held"] == agg
            and nrec == summ["streamed"],
            "rss_kb": ru.ru_maxrss, "events": summ["events"]["page_alloc"]}


def bare_uprobe(tmp, n):
    """The ceiling any uprobe-based tracer has here: bpftrace counting the
    same calls and doing nothing else."""
    out = os.path.join(tmp, "bt.out")
    with open(out, "w") as of:
        bt = subprocess.Popen(
            ["bpftrace", "-e", 'BEGIN { printf("READY\\n"); } '
             'uprobe:%s:__get_free_pages { @n = count(); }' % MODEL],
            stdout=of, stderr=subprocess.STDOUT)
    if not wait_for(out, "READY", 120, bt):
        bt.kill()
        bt.wait()
        return None
    m = subprocess.run([MODEL, "storm", str(THREADS), str(n)],
                       capture_output=True, text=True, check=True)
    st = dict(kv.split("=") for kv in m.stdout.split("\n")[0].split()[1:])
    bt.send_signal(signal.SIGINT)
    bt.wait()
    got = [l for l in open(out) if l.startswith("@n:")]
    return {"allocs": int(st["allocs"]), "seconds": float(st["seconds"]),
            "counted": int(got[0].split()[1]) if got else None}


def main():
    out = sys.argv[1]
    smoke = "--smoke" in sys.argv
    # (offered findings/s in all, 0 = flat out); each run ~2 s
    plan = [(0, 5000)] if smoke else [
        (10000, 0), (30000, 0), (100000, 0), (300000, 0), (500000, 0), (1000000, 0),
        (0, 1000000)]
    rows, bad = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for rate, n in plan:
            if not n:
                n = rate * 2 // THREADS
            # default (--info count): counted only, no stack; first: the
            # first of each stack streamed, the rest counted; all: every
            # one streamed
            for extra in ([[], ["--info", "all"]] if smoke else [
                    [], ["--info", "first"], ["--info", "all"],
                    ["--info", "all", "--stacks", "0"]]):
                r = one(tmp, n, rate, extra)
                r["args"] = " ".join(extra) or "default"
                rows.append(r)
                if not r["exact"] or not r["accounted"]:
                    bad.append(r)
                print("throughput: %s" % json.dumps(r), flush=True)
    with open(out, "w") as f:
        f.write("| offered/s | lazytrace | findings | reached/s | aggregated"
                " | exact | streamed | held | dropped | dropped % | peak RSS MB |\n"
                "|---|---|---|---|---|---|---|---|---|---|---|\n")
        for r in rows:
            f.write("| %s | %s | %d | %.0f | %d | %s | %d | %d | %d | %.1f | %.1f |\n" % (
                r["offered"] or "max", r["args"], r["allocs"], r["findings_per_s"],
                r["aggregated"], "yes" if r["exact"] else "NO", r["streamed"],
                r["held"], r["dropped"],
                100.0 * r["dropped"] / max(r["streamed"] + r["dropped"], 1),
                r["rss_kb"] / 1024))
        if bad:
            f.write("\nNOT EXACT or drops unaccounted: %d runs\n" % len(bad))
    bare = None
    if not smoke and subprocess.run(["which", "bpftrace"], capture_output=True).returncode == 0:
        with tempfile.TemporaryDirectory() as tmp:
            bare = bare_uprobe(tmp, 1000000)
        if bare:
            with open(out, "a") as f:
                f.write("\nBare uprobe ceiling (bpftrace counting the same calls,"
                        " nothing else): %d calls in %.3f s = %.0f/s, counted %s\n" % (
                            bare["allocs"], bare["seconds"],
                            bare["allocs"] / bare["seconds"], bare["counted"]))
    with open(out.rsplit(".", 1)[0] + ".json", "w") as f:
        json.dump({"runs": rows, "bare_uprobe": bare}, f, indent=1)
    print(open(out).read())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
