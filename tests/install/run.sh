#!/bin/bash
# make install into a temporary DESTDIR: the files land where the prefix
# says, the binary runs, the man page renders without warnings, the
# completion script sources cleanly and completes options, and the
# systemd unit in deploy/ verifies against the installed binary; the
# example Prometheus rules pass promtool.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/harness.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/root

make -s install DESTDIR="$D" prefix=/usr >"$T/make.out" 2>&1
check "make install exits 0" [ $? -eq 0 ]
check "binary installed executable" [ -x "$D/usr/sbin/lazytrace" ]
check "man page installed" [ -f "$D/usr/share/man/man8/lazytrace.8" ]
C=$D/usr/share/bash-completion/completions/lazytrace
check "completion installed" [ -f "$C" ]
check "installed binary has --metrics" \
	grep -q -- "--metrics" <("$D/usr/sbin/lazytrace" --help)
check "installed binary is statically linked" \
	grep -q "statically linked" <(file -L "$D/usr/sbin/lazytrace")
check "installed binary carries the metrics server (libmicrohttpd)" \
	grep -q MHD_start_daemon <(nm "$D/usr/sbin/lazytrace")

# man: renders, no groff warnings, every option of --help documented
man -l "$D/usr/share/man/man8/lazytrace.8" >"$T/man.txt" 2>"$T/man.err"
rc=$?
check "man -l renders" [ $rc -eq 0 -a -s "$T/man.txt" ]
MANROFFSEQ='' man --warnings -l "$D/usr/share/man/man8/lazytrace.8" \
	>/dev/null 2>"$T/man.warn"
check "man page has no groff warnings" [ ! -s "$T/man.warn" ]
missing=""
for o in $("$D/usr/sbin/lazytrace" --help | grep -oE -- '--[a-z][a-z0-9-]+' |
	   sort -u); do
	grep -q -- "$o" "$T/man.txt" || missing="$missing $o"
done
check "man page covers every option${missing:+ (missing:$missing)}" \
	[ -z "$missing" ]
check "man page lists exit status 2" grep -q "EXIT STATUS" "$T/man.txt"
check "man page documents lazytrace report" grep -q "^REPORT" "$T/man.txt"

# completion: sourced by a clean bash, then asked like readline would
out=$(bash --norc --noprofile -c '
	set -u
	. "$1" || exit 9
	complete -p lazytrace >/dev/null || exit 8
	comp() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _lazytrace
		 echo "${COMPREPLY[*]}"; }
	comp lazytrace --met
	comp lazytrace --mode tr
	comp lazytrace --mode = f
	comp lazytrace --fail-on open_at_exit,sleep
	comp lazytrace --rules ""
	comp lazytrace rep
	comp lazytrace report --o
	comp lazytrace --info ""
	comp lazytrace --bench-floor ""
' _ "$C" 2>"$T/comp.err")
rc=$?
check "completion sources without errors" [ $rc -eq 0 -a ! -s "$T/comp.err" ]
mapfile -t got <<<"$out"
check "completes --met to --metrics and --metrics-top" \
	[ "${got[0]:-}" = "--metrics --metrics-top" ]
check "completes --mode values" [ "${got[1]:-}" = "tracepoint" ]
check "completes --mode=VALUE" [ "${got[2]:-}" = "fentry" ]
check "completes a --fail-on list" \
	[ "${got[3]:-}" = "open_at_exit,sleep_in_lazy" ]
check "completes --rules values" [ "${got[4]:-}" = "pre-7.0 7.0" ]
check "completes the report subcommand" [ "${got[5]:-}" = "report" ]
check "completes report's --output" [ "${got[6]:-}" = "--output" ]
check "completes --info values" [ "${got[7]:-}" = "count first all" ]
check "completes --bench-floor values" [ "${got[8]:-}" = "all alloc" ]

# The unit verifies against what was just installed. (--root wants a
# whole systemd tree; the unit's ExecStart is pointed at DESTDIR instead.)
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/sbin/lazytrace|$D/usr/sbin/lazytrace|" \
		deploy/systemd/lazytrace.service >"$T/lazytrace.service"
	systemd-analyze verify --man=no "$T/lazytrace.service" \
		>"$T/verify" 2>&1
	rc=$?
	cat "$T/verify"
	check "systemd-analyze verify: unit is clean" \
		[ $rc -eq 0 -a ! -s "$T/verify" ]
else
	skip "systemd-analyze not installed"
fi

# The unit leaves lazytrace what it needs (docs/METRICS.md: CAP_BPF,
# CAP_PERFMON, CAP_SYSLOG, CAP_SYS_ADMIN), counting the options that drop
# capabilities implicitly; tests/metrics/run.sh runs it with the result.
UC=tests/lib/unit_caps.py
NEED=CAP_BPF,CAP_PERFMON,CAP_SYSLOG,CAP_SYS_ADMIN
U=deploy/systemd/lazytrace.service
$UC $U
check "unit: effective set holds $NEED" $UC $U --need $NEED
UOUT=$($UC $U)
check "unit: NoNewPrivileges, nothing ambient, runs as root" \
	bash -c "grep -qx 'no_new_privs 1' <<<'$UOUT' &&
		 grep -qx 'ambient -' <<<'$UOUT' && grep -qx 'user root' <<<'$UOUT'"
# the model sees what breaks a unit: each implicit drop, ~ lines, User=
unit_with() {	# unit_with LINE: the deployed unit, LINE in [Service]
	awk -v l="$1" '/^\[Install\]/ { print l } { print }' $U >"$T/u.service"
	grep -qxF -- "$1" "$T/u.service"
}
unit_with ProtectKernelLogs=yes
check "unit + ProtectKernelLogs=yes: CAP_SYSLOG gone, option named" \
	bash -c "$UC $T/u.service --need $NEED | grep -q 'CAP_SYSLOG.*ProtectKernelLogs=yes'"
unit_with "CapabilityBoundingSet=~CAP_SYS_ADMIN"
check "unit + ~CAP_SYS_ADMIN line: AND-ed away" \
	bash -c "! $UC $T/u.service --need CAP_SYS_ADMIN >/dev/null &&
		 $UC $T/u.service --need CAP_BPF"
unit_with "CapabilityBoundingSet=CAP_NET_RAW"
check "unit + a second list: OR-ed in" $UC $T/u.service --need $NEED,CAP_NET_RAW
unit_with User=nobody
check "unit + User=nobody without ambient caps: nothing left" \
	bash -c "! $UC $T/u.service --need CAP_BPF >/dev/null"
unit_with PrivateUsers=yes
check "unit + PrivateUsers=yes: refused, not guessed" \
	bash -c "! $UC $T/u.service >/dev/null 2>&1"
# Without systemd as PID 1 (no systemd-run) the unit's mount and
# seccomp sandbox is not reproduced, only its capability sets.
if [ "$(ps -p 1 -o comm=)" = systemd ]; then
	skip "the unit under systemd: not implemented"
else
	skip "the unit under systemd: PID 1 is $(ps -p 1 -o comm=)"
fi

# The example alerting rules load, and fire (and stay quiet) as intended.
R=deploy/prometheus
promtool check rules $R/lazytrace-alerts.yml >"$T/rules" 2>&1
rc=$?
cat "$T/rules"
check "promtool check rules: alert rules are valid" [ $rc -eq 0 ]
(cd $R && promtool test rules lazytrace-alerts.test.yml) >"$T/rtest" 2>&1
rc=$?
cat "$T/rtest"
check "promtool test rules: alerts fire as intended" [ $rc -eq 0 ]
check "the DaemonSet example is valid YAML" python3 -c 'import sys, yaml
list(yaml.safe_load_all(open(sys.argv[1])))' deploy/kubernetes/daemonset.yaml
finish
