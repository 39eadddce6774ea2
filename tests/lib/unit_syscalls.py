#!/usr/bin/env python3
"""Which system calls a traced run made that a systemd unit's seccomp
filter would refuse, for hosts where systemd is not PID 1.

usage: unit_syscalls.py UNIT STRACE_FILE
Prints the refused calls, one line; exits 1 if there are any.

Modelled after systemd.exec(5) (systemd 252): SystemCallFilter= lines
(the first decides allow- or deny-listing, later ones add or remove),
@groups expanded by systemd-analyze syscall-filter, the calls always
allowed in allow-list mode, and the groups PrivateDevices=,
ProtectClock= and ProtectKernelModules= deny. Argument-level filters
(RestrictNamespaces=, RestrictAddressFamilies=, MemoryDenyWriteExecute=)
are not modelled: a call's name is all this checks.
"""
import re
import subprocess
import sys

sys.path.insert(0, sys.path[0])
from unit_caps import TRUE, service_lines  # noqa: E402

# systemd.exec(5): "execve(), exit(), exit_group(), getrlimit(),
# rt_sigreturn(), sigreturn() system calls and the system calls for
# querying time and sleeping are implicitly allow-listed"
ALWAYS = {"execve", "exit", "exit_group", "getrlimit", "rt_sigreturn",
          "sigreturn", "clock_gettime", "gettimeofday", "time",
          "nanosleep", "clock_nanosleep", "clock_getres"}
IMPLICIT_DENY = {"PrivateDevices": "@raw-io", "ProtectClock": "@clock",
                 "ProtectKernelModules": "@module"}


def expand(name, seen=None):
    if not name.startswith("@"):
        return {name}
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    out = subprocess.run(["systemd-analyze", "syscall-filter", name],
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit("unit_syscalls: unknown filter set " + name)
    calls = set()
    for line in out.stdout.splitlines()[1:]:
        line = line.strip()
        if line and not line.startswith("#"):
            calls |= expand(line, seen)
    return calls


def allowed_by(path):
    mode, calls, deny = None, set(), set()
    for k, v in service_lines(path):
        if k == "SystemCallFilter":
            if not v:
                mode, calls = None, set()
                continue
            inv = v.startswith("~")
            names = set()
            for n in v.lstrip("~").split():
                names |= expand(n)
            if mode is None:
                mode = "deny" if inv else "allow"
            if (mode == "allow") != inv:
                calls |= names
            else:
                calls -= names
        elif k in IMPLICIT_DENY and v.lower() in TRUE:
            deny |= expand(IMPLICIT_DENY[k])
    if mode == "allow":
        return lambda c: (c in calls or c in ALWAYS) and c not in deny
    if mode == "deny":
        return lambda c: c not in calls and c not in deny
    return lambda c: c not in deny


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ok = allowed_by(sys.argv[1])
    used = set()
    for line in open(sys.argv[2]):
        m = re.match(r"^(?:\d+\s+)?([a-z_0-9]+)\(", line)
        if m:
            used.add(m.group(1))
    if not used:
        sys.exit("unit_syscalls: no system calls in " + sys.argv[2])
    bad = sorted(c for c in used if not ok(c))
    if bad:
        print("refused by the unit's filter: " + " ".join(bad))
        sys.exit(1)
    print("%d distinct system calls, all allowed" % len(used))


main()
