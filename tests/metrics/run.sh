#!/bin/bash
# Proof that the metrics endpoint tells the truth, on the host kernel:
# a real Prometheus (Debian's) scrapes two lazytrace instances every
# second, one in tracepoint mode counting a workload's page allocations
# and TLB flushes, one tracing the user-space model (real findings, see
# docs/MODEL.md). Once the workloads are done, what Prometheus stored must
# equal each instance's own JSON summary. Along the way: hostile HTTP
# requests, the capability drop, --dedup, --rate-limit, --syslog, SIGTERM;
# last, native histograms over protobuf (native.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/harness.sh
LT=${LT_BIN:-build/lazytrace}	# tests/sanitize/run.sh: the ASan build
W=build/workloads
M=build/model/lt-model-pre7
J=tests/lib/jsonl.py
HP=tests/metrics/http_probe.py
T=$(mktemp -d)
PIDS=()		# everything this script started, killed on every exit path
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" -ne 0 ]; then
	echo "metrics tests need root"; exit 1
fi
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# until_true SECONDS COMMAND...: polls a condition up to a deadline
until_true() {
	local deadline=$(( $(date +%s) + $1 ))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

caps_zero() {	# every thread: no capability left, no_new_privs set
	local st
	for st in /proc/$1/task/*/status; do
		grep -q "^CapEff:[[:space:]]*0000000000000000$" "$st" &&
		grep -q "^CapPrm:[[:space:]]*0000000000000000$" "$st" &&
		grep -q "^CapBnd:[[:space:]]*0000000000000000$" "$st" &&
		grep -q "^NoNewPrivs:[[:space:]]*1$" "$st" || return 1
	done
}

# ---- a busy port fails before anything is attached ----
PT=$(free_port)
python3 -c 'import socket,sys,time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
print("bound", flush=True); sys.stdin.read()' "$PT" >"$T/busy" </dev/zero &
BUSY=$!
PIDS+=($BUSY)
if wait_for "$T/busy" bound 10; then
	$LT --mode tracepoint --metrics "$PT" -d 1 >"$T/busy.out" 2>"$T/busy.err"
	rc=$?
	cat "$T/busy.err"
	check "busy port: exits 2" [ $rc -eq 2 ]
	check "busy port: says so" grep -q "Address already in use" "$T/busy.err"
	check "busy port: never started tracing" \
		bash -c "! grep -q 'tracing with' '$T/busy.err'"
else
	not_ok "busy port: the port holder did not start"
fi
kill $BUSY 2>/dev/null

# ---- two traced instances and a Prometheus scraping both ----
PT=$(free_port)
PM=$(free_port)
PP=$(free_port)
$LT --mode tracepoint --comm lt-munmap --metrics "127.0.0.1:$PT" -j \
	-o "$T/tp.jsonl" 2>"$T/tp.err" &
TP=$!
PIDS+=($TP)
$LT --uprobe-target $M --rules pre-7.0 --comm lt-model-pre7 --dedup \
	--metrics "$PM" -j -o "$T/m.jsonl" 2>"$T/m.err" &
MP=$!
PIDS+=($MP)
cat >"$T/prom.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: lt-tp
    static_configs: [{targets: ['127.0.0.1:$PT']}]
  - job_name: lt-model
    static_configs: [{targets: ['127.0.0.1:$PM']}]
EOC
/usr/bin/prometheus --config.file="$T/prom.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address="127.0.0.1:$PP" --log.level=warn \
	>"$T/prom.log" 2>&1 &
PIDS+=($!)
URL=http://127.0.0.1:$PP
q() { tests/metrics/promq.py "$URL" "$1"; }

if ! wait_for "$T/tp.err" "tracing with" 30 ||
   ! wait_for "$T/m.err" "tracing with" 30; then
	cat "$T/tp.err" "$T/m.err"
	not_ok "lazytrace did not start"
	finish
	exit 1
fi
check "prometheus ready (/-/ready)" until_true 60 tests/metrics/promq.py "$URL" --ready
both_up() { [ "$(q 'sum(up{job=~"lt-.*"})')" = "- 2" ]; }
check "prometheus scrapes both instances" until_true 30 both_up

for p in $TP $MP; do
	check "capabilities all dropped while tracing (pid $p)" caps_zero $p
done
check "the metrics server is its own thread" \
	[ "$(ls /proc/$MP/task | wc -l)" -ge 2 ]

# ---- every (kind, severity) of the rule set is there at 0 from the start ----
# (an alert's increase() cannot see a series that first appears at 1)
q 'lazytrace_findings_total{job="lt-model"}' >"$T/p.first"
check "first scrape: alloc_in_lazy/error declared at 0 (model, pre-7.0)" \
	grep -qx "comm=other,kind=alloc_in_lazy,severity=error 0" "$T/p.first"
check "first scrape: every findings series at 0" \
	bash -c "[ -s '$T/p.first' ] && ! grep -qv ' 0$' '$T/p.first'"

# ---- the model's scenarios: real findings, stable counts afterwards ----
for s in roberts-bug roberts-bug roberts-bug debug-pagealloc flush-in-lazy; do
	$M $s >>"$T/model.out" || not_ok "model $s failed"
done
check "model scenarios ran" [ "$(grep -c '^DONE' "$T/model.out")" -eq 5 ]

# ---- hostile clients while a workload is being traced ----
# lt-munmap runs in a loop under the tracepoint instance, which every
# case below is sent to; its histogram counts (only lt-munmap's, by the
# --comm filter) must keep rising during the attack and after it.
touch "$T/wl.run"
( while [ -e "$T/wl.run" ]; do $W/lt-munmap 40 512 >/dev/null || exit 1; done ) &
WL=$!
PIDS+=($WL)
traced() {	# the tracepoint instance's alloc_order count, from /metrics
	curl -s "http://127.0.0.1:$PT/metrics" |
		sed -n 's/^lazytrace_alloc_order_count \([0-9]*\)$/\1/p'
}
rising_from() { [ "$(traced)" -gt "$1" ]; }
check "workload traced before the attack" until_true 30 rising_from 0
c0=$(traced)
T_ATTACK=$(date +%s)
python3 $HP "$PT" slowloris >"$T/slow" 2>&1 &
SLOW=$!
PIDS+=($SLOW)
hostile() {	# hostile CASE EXPECTED: exactly that answer
	local got
	got=$(python3 $HP "$PT" "$1" 2>&1)
	if [ "$got" = "$2" ]; then ok "http $1: $got"
	else not_ok "http $1: got '$got', expected $2"; fi
}
# lazytrace's own answers (user/metrics/http_route.c, user/metrics/http_server.c)
hostile get 200
hostile index 200
hostile head 200
hostile method 405
hostile post 405
hostile query 400
hostile unknown 404
hostile traversal 404
hostile no-host 400
hostile long-url 414
# libmicrohttpd's own answers, before lazytrace sees the request
# (docs/METRICS.md, "Hostile clients")
hostile huge-url 414
hostile huge-header 431
hostile no-version 400
hostile bad-protocol 400
hostile bad-header 400
hostile garbage 400
hostile soup-space 400
hostile version 505
hostile http2 505
# no request line at all: libmicrohttpd hangs up without an answer
hostile no-space closed
hostile empty-lines closed
hostile soup-nospace closed
wait $SLOW
read -r slow <"$T/slow"
check "slowloris: a scrape is served meanwhile ($slow)" \
	[ "${slow%% *}" = 200 ]
check "slowloris: the server drops idle partial requests" \
	[ "${slow#* }" = "dropped=4/4" ]
c1=$(traced)
check "tracing kept counting during the attack ($c0 -> $c1)" [ "$c1" -gt "$c0" ]
check "tracing keeps counting after it" until_true 30 rising_from "$c1"
span=$(( $(date +%s) - T_ATTACK + 1 ))
check "Prometheus scraped the attacked instance throughout (${span}s)" \
	[ "$(q "min_over_time(up{job=\"lt-tp\"}[${span}s])")" = "- 1" ]
check "lazytrace survived every request" kill -0 $TP
rm -f "$T/wl.run"
wait $WL
check "workload loop ended cleanly" [ $? -eq 0 ]

# ---- what Prometheus holds equals lazytrace's own counts ----
# The workloads are over, so the filtered counts are final: wait for a
# scrape of each instance that started after this moment, and for the
# model's findings to have been streamed to user space, then compare.
T_END=$(date +%s.%N)
scraped_after() {	# scraped_after JOB: its last scrape began after T_END
	local v
	v=$(q "max(timestamp(up{job=\"$1\"}))")
	awk -v a="${v#- }" -v b="$T_END" 'BEGIN { exit !(a + 0 > b + 0) }'
}
check "a scrape of the tracepoint instance after the workload" \
	until_true 30 scraped_after lt-tp
check "a scrape of the model instance after every finding streamed" \
	until_true 30 bash -c "$(declare -f q scraped_after); URL=$URL T_END=$T_END
	scraped_after lt-model &&
	[ \"\$(q 'sum(lazytrace_findings_total{job=\"lt-model\"}) -
		    sum(lazytrace_findings_streamed_total{job=\"lt-model\"})')\" = '- 0' ]"
q 'sum by (kind) (lazytrace_findings_total{job="lt-model"}) > 0' >"$T/p.kinds"
# the model's uprobe events stop with the model (task_exit does not)
q 'lazytrace_events_total{job="lt-model"} > 0 and on (event)
   lazytrace_probe_info{job="lt-model",method="uprobe"}' >"$T/p.mevents"
pc() { q "$1{job=\"lt-model\"}" | cut -d' ' -f2; }
{
	echo "streamed $(pc lazytrace_findings_streamed_total)"
	echo "deduplicated $(pc lazytrace_findings_deduplicated_total)"
	echo "dropped $(pc lazytrace_events_dropped_total)"
	echo "info_held $(pc lazytrace_findings_info_held_total)"
} >"$T/p.counters"
q 'count(lazytrace_probe_info{job="lt-tp",method="raw_tp"})' >"$T/p.info"
q 'lazytrace_state_source_info{job="lt-model"}' >"$T/p.state"
q 'lazytrace_build_info{job="lt-model"}' >"$T/p.build"
q 'count by (kind) (lazytrace_findings_total{job="lt-tp",comm="other"})' |
	sed 's/^kind=\([^ ]*\) .*/\1/' >"$T/p.tpkinds"
curl -s "http://127.0.0.1:$PM/metrics" >"$T/scrape.txt"
promtool check metrics <"$T/scrape.txt" >"$T/lint" 2>&1
check "promtool check metrics: exposition is clean" \
	[ $? -eq 0 -a ! -s "$T/lint" ]
cat "$T/lint"

# SIGTERM for one, SIGINT for the other: both detach, summarize, exit 0
T_MKILL=$(date +%s.%N)
kill -TERM $MP
wait $MP
check "SIGTERM with the server running: exit 0" [ $? -eq 0 ]
# Probe hits are counted before the --comm filter, so the tracepoint
# instance's event counters never stop: its summary is compared with the
# last scrape before the signal, within what one scrape interval adds.
# The signal follows a fresh scrape as closely as polling allows.
T_END=$(date +%s.%N)
check "a fresh scrape of the tracepoint instance" \
	until_true 30 scraped_after lt-tp
T_KILL=$(date +%s.%N)
kill -INT $TP
wait $TP
check "SIGINT with the server running: exit 0" [ $? -eq 0 ]

summary() {	# summary FILE FIELD: "key=K V" for its non-zero entries
	python3 - "$1" "$2" "$3" <<'EOP'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
s = next(r for r in recs if r.get("type") == "summary")
for k, v in sorted(s[sys.argv[2]].items()):
    if v:
        print("%s=%s %d" % (sys.argv[3], k, v))
EOP
}
summary "$T/m.jsonl" findings kind >"$T/j.kinds"
python3 -c 'import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
up = {p["event"] for p in s["probes"] if p["method"] == "uprobe"}
for e, v in sorted(s["events"].items()):
    if v and e in up:
        print("event=%s %d" % (e, v))' "$T/m.jsonl" >"$T/j.mevents"
for f in streamed deduplicated dropped info_held; do
	echo "$f $($J "$T/m.jsonl" summary.$f)"
done >"$T/j.counters"
echo "Prometheus:"
cat "$T/p.kinds" "$T/p.mevents" "$T/p.counters"
echo "JSON summaries:"
cat "$T/j.kinds" "$T/j.mevents" "$T/j.counters"

check "findings scraped: non-zero" [ -s "$T/p.kinds" ]
check "findings by kind: Prometheus = summary" cmp -s "$T/p.kinds" "$T/j.kinds"
check "alloc_in_lazy: 4 (3 repeats + 1)" grep -qx "kind=alloc_in_lazy 4" "$T/p.kinds"
check "every kind of the summary had a series from the start (tracepoint)" \
	cmp -s "$T/p.tpkinds" <(python3 -c 'import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
print("\n".join(sorted(s["findings"])))' "$T/tp.jsonl")
check "events: Prometheus = summary within one scrape interval (tracepoint)" \
	tests/metrics/events_cmp.py "$URL" lt-tp "$T/tp.jsonl" "$T_KILL" 1
check "events: Prometheus = summary (model)" cmp -s "$T/p.mevents" "$T/j.mevents"
check "streamed, deduplicated, dropped, info_held: Prometheus = summary" \
	cmp -s "$T/p.counters" "$T/j.counters"
# Every histogram, bucket by bucket. The tracepoint instance's are
# filtered by --comm, so final. Neither workload feeds the gather
# histograms (batch_pages, gather_batches) on this host: they are
# compared at 0 only, and that is said loudly below.
check "histograms: Prometheus = summary, flush and order non-zero (tracepoint)" \
	tests/metrics/hist_cmp.py "$URL" lt-tp "$T/tp.jsonl" "$T_KILL" \
	flush_span,alloc_order
check "histograms: Prometheus = summary, 4 non-zero (model)" \
	tests/metrics/hist_cmp.py "$URL" lt-model "$T/m.jsonl" "$T_MKILL" \
	flush_span,nesting_depth,alloc_order,section_span
skip "gather histograms non-zero: no workload feeds them here"
check "probe plan info: two raw_tp probes" grep -qx -- "- 2" "$T/p.info"
check "state source info scraped" grep -q "source=event_depth" "$T/p.state"
# the version has one home: the top line of debian/changelog
VER=$(scripts/version.sh)
check "build info scraped: version $VER" grep -q "version=$VER" "$T/p.build"
check "--version says $VER too" [ "$($LT --version)" = "lazytrace $VER" ]

# --dedup: roberts-bug's three identical findings print once, and the
# summary's dedup record keeps the exact count and both times
check "--dedup: two repeats held back" \
	[ "$($J "$T/m.jsonl" summary.deduplicated)" -ge 2 ]
check "--dedup: printed = streamed - held back" \
	[ "$(grep -c '"type":"finding"' "$T/m.jsonl")" -eq \
	  $(( $($J "$T/m.jsonl" summary.streamed) - $($J "$T/m.jsonl" summary.deduplicated) )) ]
check "--dedup: summary record counts all three, first < last" \
	python3 -c 'import json,sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
r = [d for d in s["dedup"] if d["kind"] == "alloc_in_lazy" and d["count"] >= 3]
sys.exit(not (r and r[0]["first_ns"] < r[0]["last_ns"]))' "$T/m.jsonl"

# ---- --fail-on, end to end: 1 on a matching finding, 0 otherwise ----
fail_on() {	# fail_on KINDS SCENARIO: lazytrace's exit status
	rm -f "$T/fo.err"	# else the last run's line would pass wait_for
	$LT --uprobe-target $M --rules pre-7.0 --comm lt-model-pre7 \
		--fail-on "$1" -o /dev/null 2>"$T/fo.err" &
	local p=$!
	PIDS+=($p)
	wait_for "$T/fo.err" "tracing with" 30 || { kill $p; return 99; }
	$M "$2" >/dev/null
	kill -INT $p
	wait $p
}
fail_on alloc_in_lazy roberts-bug
check "--fail-on alloc_in_lazy, roberts-bug: exit 1" [ $? -eq 1 ]
fail_on any flush-in-lazy
check "--fail-on any, flush-in-lazy: exit 1" [ $? -eq 1 ]
fail_on open_at_exit,sleep_in_lazy roberts-bug
check "--fail-on open_at_exit,sleep_in_lazy, roberts-bug: exit 0" [ $? -eq 0 ]
fail_on any roberts-fix
check "--fail-on any, roberts-fix (no finding): exit 0" [ $? -eq 0 ]

# ---- --rate-limit: printing is capped, counting is not ----
# (it drops capabilities too)
M7=build/model/lt-model-v7
$LT --uprobe-target $M7 --rules 7.0 --comm lt-model-v7 --info all \
	--rate-limit 5/s -j -o "$T/rl.jsonl" 2>"$T/rl.err" &
RL=$!
PIDS+=($RL)
if wait_for "$T/rl.err" "tracing with" 30; then
	check "capabilities all dropped while tracing" \
		caps_zero $RL
	t0=$(date +%s%N)
	$M7 concurrency >/dev/null
	kill -INT $RL
	wait $RL
	# tokens: 5 to start, 5 more a second until the signal
	cap=$(( 5 + 5 * ($(date +%s%N) - t0) / 1000000000 + 1 ))
	printed=$(grep -c '"type":"finding"' "$T/rl.jsonl")
	check "rate limit: exact count stays 100" \
		[ "$($J "$T/rl.jsonl" summary.findings.alloc_in_lazy)" = 100 ]
	check "rate limit: printed $printed of 100, at most $cap" \
		[ "$printed" -ge 5 -a "$printed" -le "$cap" ]
	check "rate limit: printed + rate_limited = streamed" \
		[ $(( printed + $($J "$T/rl.jsonl" summary.rate_limited) )) -eq \
		  "$($J "$T/rl.jsonl" summary.streamed)" ]
else
	not_ok "rate limit: lazytrace did not start"
fi

# ---- the systemd unit's capability set is enough, and each is needed ----
# systemd is not PID 1 on the test host, so the unit's capability sets
# (bounding set minus the implicit drops, ambient set, NoNewPrivileges,
# User=) are computed from the file and reproduced with setpriv.
U=deploy/systemd/lazytrace.service
with_unit_caps() {	# with_unit_caps [CAP]: trace 1 s as the unit, minus CAP
	# shellcheck disable=SC2046
	setpriv $(tests/lib/unit_caps.py $U --setpriv ${1:-}) \
		$LT --mode tracepoint -d 1 -o /dev/null 2>"$T/caps.err"
}
read -r -a EFF <<<"$(tests/lib/unit_caps.py $U | sed -n 's/^effective //p')"
with_unit_caps
rc=$?
check "unit's capabilities (${EFF[*]}): exit 0" [ $rc -eq 0 ]
check "unit's capabilities: probes attached" grep -q "tracing with" "$T/caps.err"
check "unit's capabilities: no_new_privs reproduced" \
	grep -q -- "--no-new-privs" <(tests/lib/unit_caps.py $U --setpriv)
check "unit's effective set is the four documented" \
	[ "${EFF[*]}" = "CAP_BPF CAP_PERFMON CAP_SYSLOG CAP_SYS_ADMIN" ]
for c in CAP_SYSLOG CAP_SYS_ADMIN; do
	with_unit_caps "$c"
	check "unit without $c: lazytrace refuses (exit 2)" [ $? -eq 2 ]
done
# CAP_SYS_ADMIN still implies CAP_BPF and CAP_PERFMON (kept for the day
# the libbpf build no longer needs CAP_SYS_ADMIN): each alone is redundant.
for c in CAP_BPF CAP_PERFMON; do
	with_unit_caps "$c"
	check "unit without $c: CAP_SYS_ADMIN covers it (exit 0)" [ $? -eq 0 ]
done

# ---- the unit's system call filter lets the daemon run ----
# The unit's own ExecStart options on a free port, with the unit's
# capability sets, under strace: every call made must pass the unit's
# SystemCallFilter= (tests/lib/unit_syscalls.py; names only, argument
# filters are not modelled).
PS=$(free_port)
rm -f "$T/st.err"
# Under the sanitizer run (tests/sanitize/run.sh) LeakSanitizer aborts
# when ptraced: this run is about system calls, the others check leaks.
# shellcheck disable=SC2046
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
setpriv $(tests/lib/unit_caps.py $U --setpriv) strace -f -qq -o "$T/strace" \
	$LT --metrics "127.0.0.1:$PS" --syslog --dedup --rate-limit 10/s \
	--stacks 8 -d 3 -o /dev/null 2>"$T/st.err" &
ST=$!
PIDS+=($ST)
if wait_for "$T/st.err" "tracing with" 30; then
	check "unit's options under strace: a scrape is served" \
		grep -q "^lazytrace_events_total" <(curl -s "http://127.0.0.1:$PS/metrics")
	wait $ST
	check "unit's options under strace: exit 0" [ $? -eq 0 ]
	check "unit's SystemCallFilter allows every call made" \
		tests/lib/unit_syscalls.py $U "$T/strace"
	sed 's/^SystemCallFilter=.*/SystemCallFilter=@system-service perf_event_open/' \
		$U >"$T/nobpf.service"
	check "a filter without bpf would be caught" bash -c \
		"tests/lib/unit_syscalls.py '$T/nobpf.service' '$T/strace' | grep -qw bpf"
else
	cat "$T/st.err"
	not_ok "unit's options under strace: lazytrace did not start"
fi

# ---- --syslog: findings reach /dev/log with their severity ----
# In a private mount namespace (unshare -m) /dev is a fresh tmpfs holding
# the real null and a datagram socket this test binds at /dev/log, so the
# test reads what lazytrace logs whether or not the host has a journald.
# The pre-7.0 model under the 7.0 rules gives all three severities:
# roberts-bug info, debug-pagealloc warning (outer_lost_lazy), exit-open
# error; run through a symlink whose name carries an escape sequence.
cat >"$T/ns.sh" <<'EONS'
set -eu
D=$1; shift
mkdir -p "$D/olddev"
mount --bind /dev "$D/olddev"
mount -t tmpfs -o mode=0755 lt-dev /dev
touch /dev/null
mount --bind "$D/olddev/null" /dev/null
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind("/dev/log")
print("bound", flush=True)
while True:
    print(s.recv(4096).decode(errors="replace"), flush=True)' >"$D/syslog" &
L=$!
trap 'kill $L 2>/dev/null' EXIT
trap 'exit 1' INT TERM
until grep -q bound "$D/syslog"; do sleep 0.05; done
"$@" &
echo $! >"$D/lt.pid"
rc=0
wait $! || rc=$?
exit $rc
EONS
mkdir -p "$T/sl"
host_log() { stat -c '%F %i' /dev/log 2>/dev/null || echo none; }
HOST_LOG=$(host_log)
ESC=$(printf '\033')
ln -s "$(realpath $M)" "$T/sl/lt${ESC}[1mx"
unshare -m --propagation private bash "$T/ns.sh" "$T/sl" \
	$LT --uprobe-target $M --rules 7.0 --info all --syslog -o /dev/null \
	2>"$T/sl.err" &
NS=$!
PIDS+=($NS)
if wait_for "$T/sl.err" "tracing with" 30; then
	SL=$(cat "$T/sl/lt.pid")
	check "--syslog: lazytrace runs in the private namespace" \
		[ "$(readlink /proc/$SL/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]
	$M roberts-bug >/dev/null
	$M debug-pagealloc >/dev/null
	"$T/sl/lt${ESC}[1mx" exit-open >/dev/null
	P="lazytrace\[$SL\]: "
	check "--syslog: an info finding as daemon.info (<30>)" \
		wait_for "$T/sl/syslog" "<30>.*${P}info alloc_in_lazy comm=lt-model-pre7" 10
	check "--syslog: a warning as daemon.warning (<28>)" \
		wait_for "$T/sl/syslog" "<28>.*${P}warning outer_lost_lazy comm=lt-model-pre7" 10
	check "--syslog: an error as daemon.err (<27>), comm escaped" \
		wait_for "$T/sl/syslog" "<27>.*${P}error open_at_exit comm=lt\\\\x1b\[1mx " 10
	check "--syslog: no raw escape byte logged" \
		bash -c "! grep -q \$'\\033' '$T/sl/syslog'"
	kill -INT $SL
	wait $NS
	check "--syslog: lazytrace exits 0" [ $? -eq 0 ]
	check "--syslog: the host's /dev/log untouched ($HOST_LOG)" \
		[ "$(host_log)" = "$HOST_LOG" ]
else
	cat "$T/sl.err"
	not_ok "--syslog: lazytrace did not start in the namespace"
fi

# ---- native histograms: protobuf to a native-histogram Prometheus ----
# (tests/metrics/native.sh: its own instances and Prometheus)
LT_BIN=$LT tests/metrics/native.sh
check "native histograms (tests/metrics/native.sh)" [ $? -eq 0 ]
# ---- end native histograms ----
finish
