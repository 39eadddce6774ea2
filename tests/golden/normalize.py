#!/usr/bin/env python3
"""Normalize lazytrace output for the golden files (tests/golden/run.sh).

Only what must vary between two runs of the same scenario is rewritten;
every other byte is compared as written. Each rule says why it exists.
Usage: normalize.py text|json|metrics|plain < OUTPUT > NORMALIZED
"""
import re
import sys

mode = sys.argv[1]
out = []

# Shared by every mode.
def common(line):
    # The kernel release of the host that ran the test (plan, summary).
    line = re.sub(r'"kernel":"[^"]*"', '"kernel":"KERNEL"', line)
    line = re.sub(r'^(lazytrace plan for )\S+ ', r'\1KERNEL ', line)
    # The version comes from debian/changelog: a release is no format change.
    line = re.sub(r'version="[^"]*",libbpf="[^"]*"',
                  'version="VERSION",libbpf="LIBBPF"', line)
    return line


def text(lines):
    in_ns_hist = False
    ns_total = 0
    for line in lines:
        line = common(line)
        # Wall-clock time of a finding's first line.
        line = re.sub(r'^\d\d:\d\d:\d\d (?=(error|warning|info) )',
                      'HH:MM:SS ', line)
        # The model's pid/tid at the end of a finding's first line.
        line = re.sub(r' (\d+)/(\d+)$', ' PID/TID', line)
        # The CPU the model ran on.
        line = re.sub(r'^(  cpu )\d+', r'\1N', line)
        # Frames past main are libc's start and the stack's end: a bare
        # address there is whatever the frame-pointer walk found.
        line = re.sub(r'^(\s+)0x[0-9a-f]+$', r'\g<1>0xADDR', line)
        # The span between a group's first and last finding.
        line = re.sub(r' over \d+\.\d+ s$', ' over S.SSS s', line)
        # task_exit counts every task that exits on the host, not only
        # the model's (the exit probe is not filtered by --comm).
        line = re.sub(r'task_exit \d+', 'task_exit N', line)
        # Histograms in ns are times: their buckets depend on the machine.
        # The rows are replaced by one with their total count.
        if re.match(r'^\S+ \(ns, ', line):
            in_ns_hist = True
            ns_total = 0
            out.append(line)
            continue
        if in_ns_hist:
            m = re.match(r'^\s*\d+ -> \d+\s*: (\d+)\s', line)
            if m:
                ns_total += int(m.group(1))
                continue
            if re.match(r'^\s+\.\.\. \d+ empty rows \.\.\.$', line):
                continue
            if not line.startswith('     ns '):
                out.append('     (ns rows normalized: %d in all)\n' % ns_total)
                in_ns_hist = False
        out.append(line)
    if in_ns_hist:
        out.append('     (ns rows normalized: %d in all)\n' % ns_total)


def json_lines(lines):
    for line in lines:
        line = common(line)
        # Times, ids and the CPU of the model's run.
        line = re.sub(r'"(ts_ns|first_ns|last_ns|pid|tid|cpu|stack_id)":\d+',
                      r'"\1":0', line)
        # Bare addresses past main (see text above).
        line = re.sub(r'"0x[0-9a-f]+"', '"0xADDR"', line)
        # Every task's exit on the host (see text above).
        line = re.sub(r'"task_exit":\d+', '"task_exit":0', line)
        # A histogram in ns: sum and buckets are times; one bucket with
        # the total stays, so that the report can still read the line.
        if '"type":"histogram"' in line and '"unit":"ns"' in line:
            total = re.search(r'"total":(\d+)', line).group(1)
            line = re.sub(r'"sum":\d+', '"sum":0', line)
            line = re.sub(r'"buckets":\[[^\]]*\]',
                          '"buckets":[{"low":0,"high":0,"count":%s}]' % total,
                          line)
        out.append(line)


def metrics(lines):
    for line in lines:
        line = common(line)
        # Every task's exit on the host (see text above).
        line = re.sub(r'^(lazytrace_events_total\{event="task_exit"\}) \d+$',
                      r'\1 N', line)
        # Times: the ns histograms' buckets and sums, in seconds here.
        m = re.match(r'^(lazytrace_\w*_seconds_(bucket|sum))(\{[^}]*\})? \S+$',
                     line)
        if m:
            line = '%s%s N\n' % (m.group(1), m.group(3) or '')
        out.append(line)


lines = sys.stdin.readlines()
if mode == 'text':
    text(lines)
elif mode == 'json':
    json_lines(lines)
elif mode == 'metrics':
    metrics(lines)
else:
    out = [common(l) for l in lines]
sys.stdout.write(''.join(out))
