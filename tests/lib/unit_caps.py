#!/usr/bin/env python3
"""The capabilities a systemd unit really leaves its service, from the
unit file, for hosts where systemd is not PID 1 (no systemd-run).

usage: unit_caps.py UNIT                  the computed sets, one a line
       unit_caps.py UNIT --need CAP,...   exit 1 (one line) if one is gone
       unit_caps.py UNIT --setpriv [CAP]  setpriv(1) options reproducing
                                          the unit's sets, minus CAP

Modelled after systemd.exec(5) (systemd 252): CapabilityBoundingSet=
(lines OR-ed, "~" lines AND-ed, "" empties, "~" fills), the options that
shrink the bounding set implicitly (IMPLICIT below), AmbientCapabilities=,
NoNewPrivileges= and User=. Anything else that would change capabilities
(PrivateUsers=, DynamicUser=, SecureBits=) is refused rather than guessed.
"""
import subprocess
import sys

# systemd.exec(5): "Enabling this option removes ... from the capability
# bounding set for this unit"
IMPLICIT = {
    "PrivateDevices": {"CAP_MKNOD", "CAP_SYS_RAWIO"},
    "ProtectKernelModules": {"CAP_SYS_MODULE"},
    "ProtectKernelLogs": {"CAP_SYSLOG"},
    "ProtectClock": {"CAP_SYS_TIME", "CAP_WAKE_ALARM"},
}
UNMODELLED = ("PrivateUsers", "DynamicUser", "SecureBits")
TRUE = ("1", "yes", "y", "true", "t", "on")


def all_caps():
    out = subprocess.run(["systemd-analyze", "capability"], check=True,
                         capture_output=True, text=True).stdout
    return {l.split()[0].upper() for l in out.splitlines()[1:] if l.strip()}


def service_lines(path):
    """(key, value) of the [Service] section, continuations joined."""
    lines, cur, section = [], "", None
    for raw in open(path):
        line = raw.rstrip("\n")
        if not cur and line.lstrip().startswith(("#", ";")):
            continue
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        line, cur = cur + line, ""
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif "=" in line and section == "Service":
            k, v = line.split("=", 1)
            lines.append((k.strip(), v.strip()))
    return lines


def caps_assign(cur, value, full, initial):
    """One assignment to a capability set option."""
    if value == "":
        return set()
    if value == "~":
        return set(full)
    invert = value.startswith("~")
    listed = {c.upper() for c in value.lstrip("~").split()}
    unknown = listed - full
    if unknown:
        sys.exit("unit_caps: unknown capability " + " ".join(sorted(unknown)))
    if invert:
        return (cur if cur is not None else set(full)) & (full - listed)
    return listed if cur is None or cur == initial else cur | listed


def compute(path):
    full = all_caps()
    bset, amb, nnp, user, drops = None, set(), False, "root", {}
    for k, v in service_lines(path):
        if k == "CapabilityBoundingSet":
            bset = caps_assign(bset, v, full, None)
        elif k == "AmbientCapabilities":
            amb = caps_assign(amb, v, full, set())
        elif k == "NoNewPrivileges":
            nnp = v.lower() in TRUE
        elif k == "User":
            user = v or "root"
        elif k in IMPLICIT:
            if v.lower() in TRUE:
                drops[k] = IMPLICIT[k]
            else:
                drops.pop(k, None)
        elif k in UNMODELLED and v.lower() not in ("", "0", "no", "false"):
            sys.exit("unit_caps: %s=%s changes capabilities in ways this "
                     "model does not follow" % (k, v))
    bound = set(full) if bset is None else bset
    for caps in drops.values():
        bound -= caps
    amb &= bound
    # root gets the bounding set at exec; anyone else only the ambient set
    eff = bound if user in ("root", "0") else amb
    return {"bounding": bound, "ambient": amb, "effective": eff,
            "nnp": nnp, "user": user, "drops": drops}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    u = compute(sys.argv[1])
    args = sys.argv[2:]
    if args[:1] == ["--need"]:
        for cap in args[1].split(","):
            if cap not in u["effective"]:
                why = [k + "=yes" for k, c in u["drops"].items() if cap in c]
                print("%s: %s not in the effective set%s" % (
                    sys.argv[1], cap,
                    " (dropped by %s)" % ", ".join(why) if why else ""))
                sys.exit(1)
        return
    if args[:1] == ["--setpriv"]:
        eff = u["effective"] - set(args[1:2])
        amb = u["ambient"] - set(args[1:2])
        fmt = lambda caps: ",".join(["-all"] + sorted(
            "+" + c[4:].lower() for c in caps))
        out = ["--bounding-set", fmt(eff), "--inh-caps", fmt(amb),
               "--ambient-caps", fmt(amb)]
        if u["user"] not in ("root", "0"):
            out += ["--reuid", u["user"], "--init-groups"]
        if u["nnp"]:
            out.append("--no-new-privs")
        print(" ".join(out))
        return
    for k in ("bounding", "ambient", "effective"):
        print(k, " ".join(sorted(u[k])) or "-")
    print("no_new_privs", int(u["nnp"]))
    print("user", u["user"])
    for k, caps in sorted(u["drops"].items()):
        print("dropped_by %s=yes %s" % (k, " ".join(sorted(caps))))


if __name__ == "__main__":
    main()
