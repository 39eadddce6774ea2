#!/bin/bash
# Proof that the metrics endpoint tells the truth, on the host kernel:
# a real Prometheus (Debian's) scrapes two lazytrace instances every
# second, one in tracepoint mode counting a workload's page allocations
# and TLB flushes, one tracing the user-space model (real findings, see
# docs/MODEL.md). Once the workloads are done, what Prometheus stored must
# equal each instance's own JSON summary. Along the way: hostile HTTP
# requests, the capability drop, --dedup, --rate-limit, --syslog, SIGTERM.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/harness.sh
LT=${LT_DYN:-build/dyn/lazytrace}	# tests/sanitize/run.sh: the ASan build
LTS=${LT_BIN:-build/lazytrace}	# the static build (its ASan twin there too)
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
	[ -n "${OWN_LOG:-}" ] && rm -f /dev/log
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

# ---- the static build has no server and says so, attaching nothing ----
$LTS --mode tracepoint --metrics 9 -d 1 >"$T/static.out" \
	2>"$T/static.err"
rc=$?
cat "$T/static.err"
check "static build: --metrics exits 2" [ $rc -eq 2 ]
check "static build: one line says what to use" \
	[ "$(grep -c "build/dyn/lazytrace" "$T/static.err")" -eq 1 ]
check "static build: nothing traced" [ ! -s "$T/static.out" ]

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

# ---- hostile clients while the workloads run ----
python3 $HP "$PM" slowloris >"$T/slow" 2>&1 &
SLOW=$!
PIDS+=($SLOW)
$W/lt-munmap 40 512 >"$T/w.out" || not_ok "lt-munmap failed"
for s in roberts-bug roberts-bug roberts-bug debug-pagealloc flush-in-lazy; do
	$M $s >>"$T/model.out" || not_ok "model $s failed"
done
check "model scenarios ran" [ "$(grep -c '^DONE' "$T/model.out")" -eq 5 ]
hostile() {	# hostile CASE EXPECTED...
	local c=$1 got
	shift
	got=$(python3 $HP "$PM" "$c" 2>&1)
	if [[ " $* " == *" $got "* ]]; then ok "http $c: $got"
	else not_ok "http $c: got '$got', expected one of: $*"; fi
}
hostile get 200
hostile index 200
hostile head 200
hostile method 405
hostile post 405
hostile huge-url 414
hostile huge-header 431
hostile query 400
hostile unknown 404
hostile traversal 404
hostile version 505
# Bytes that are no request line at all: MHD answers 400 or hangs up.
hostile garbage 400 closed
hostile random 400 closed
wait $SLOW
read -r slow <"$T/slow"
check "slowloris: a scrape is served meanwhile ($slow)" \
	[ "${slow%% *}" = 200 ]
check "slowloris: the server drops idle partial requests" \
	[ "${slow#* }" = "dropped=4/4" ]
check "lazytrace survived every request" kill -0 $MP

# ---- what Prometheus holds equals lazytrace's own counts ----
# The workloads are over, so the kernel counts are final: wait for a
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
q 'sum by (kind) (lazytrace_findings_total{job="lt-model"})' >"$T/p.kinds"
# the model's uprobe events stop with the model (task_exit does not)
q 'lazytrace_events_total{job="lt-model"} > 0 and on (event)
   lazytrace_probe_info{job="lt-model",method="uprobe"}' >"$T/p.mevents"
pc() { q "$1{job=\"lt-model\"}" | cut -d' ' -f2; }
{
	echo "streamed $(pc lazytrace_findings_streamed_total)"
	echo "deduplicated $(pc lazytrace_findings_deduplicated_total)"
	echo "dropped $(pc lazytrace_events_dropped_total)"
} >"$T/p.counters"
q 'lazytrace_flush_span_pages_count{job="lt-tp"}' >"$T/p.flush"
q 'lazytrace_flush_span_pages_bucket{job="lt-tp",le="+Inf"}' >"$T/p.flushinf"
q 'lazytrace_alloc_order_count{job="lt-tp"}' >"$T/p.order"
q 'count(lazytrace_probe_info{job="lt-tp",method="raw_tp"})' >"$T/p.info"
q 'lazytrace_state_source_info{job="lt-model"}' >"$T/p.state"
curl -s "http://127.0.0.1:$PM/metrics" >"$T/scrape.txt"
promtool check metrics <"$T/scrape.txt" >"$T/lint" 2>&1
check "promtool check metrics: exposition is clean" \
	[ $? -eq 0 -a ! -s "$T/lint" ]
cat "$T/lint"

# SIGTERM for one, SIGINT for the other: both detach, summarize, exit 0
kill -TERM $MP
wait $MP
check "SIGTERM with the server running: exit 0" [ $? -eq 0 ]
# Probe hits are counted before the --comm filter, so the tracepoint
# instance's event counters never stop: take a fresh scrape, stop right
# after it, and allow what three seconds at the scraped rate add.
T_END=$(date +%s.%N)
check "a fresh scrape of the tracepoint instance" \
	until_true 30 scraped_after lt-tp
q 'lazytrace_events_total{job="lt-tp"}' >"$T/p.events"
kill -INT $TP
wait $TP
check "SIGINT with the server running: exit 0" [ $? -eq 0 ]
q 'rate(lazytrace_events_total{job="lt-tp"}[10s])' >"$T/p.rate"

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
summary "$T/tp.jsonl" events event >"$T/j.events"
python3 -c 'import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
up = {p["event"] for p in s["probes"] if p["method"] == "uprobe"}
for e, v in sorted(s["events"].items()):
    if v and e in up:
        print("event=%s %d" % (e, v))' "$T/m.jsonl" >"$T/j.mevents"
for f in streamed deduplicated dropped; do
	echo "$f $($J "$T/m.jsonl" summary.$f)"
done >"$T/j.counters"
echo "Prometheus:"
cat "$T/p.kinds" "$T/p.events" "$T/p.mevents" "$T/p.counters" "$T/p.flush" \
	"$T/p.flushinf"
echo "JSON summaries:"
cat "$T/j.kinds" "$T/j.events" "$T/j.mevents" "$T/j.counters"

check "findings scraped: non-zero" [ -s "$T/p.kinds" ]
check "findings by kind: Prometheus = summary" cmp -s "$T/p.kinds" "$T/j.kinds"
check "alloc_in_lazy: 4 (3 repeats + 1)" grep -qx "kind=alloc_in_lazy 4" "$T/p.kinds"
check "tracepoint events scraped: non-zero" \
	grep -q "^event=page_alloc [1-9]" "$T/p.events"
check "events: Prometheus = summary within one scrape (tracepoint)" \
	python3 -c 'import sys
rd = lambda f: {l.split()[0]: float(l.split()[1]) for l in open(f)}
p, j, r = rd(sys.argv[1]), rd(sys.argv[2]), rd(sys.argv[3])
ok = bool(p) and all(0 < p[e] <= j.get(e, 0) <= p[e] + max(3 * r.get(e, 0), 1000)
                     for e in p)
sys.exit(not ok)' "$T/p.events" "$T/j.events" "$T/p.rate"
check "events: Prometheus = summary (model)" cmp -s "$T/p.mevents" "$T/j.mevents"
check "streamed, deduplicated, dropped: Prometheus = summary" \
	cmp -s "$T/p.counters" "$T/j.counters"
check "flush span histogram: _count = summary's histogram" \
	[ "$(cut -d' ' -f2 "$T/p.flush")" = "$($J "$T/tp.jsonl" hist:flush_span)" ]
check "flush span histogram: +Inf bucket = _count" \
	[ "$(cut -d' ' -f2 "$T/p.flush")" = "$(cut -d' ' -f2 "$T/p.flushinf")" ]
check "alloc order histogram: _count = summary's histogram" \
	[ "$(cut -d' ' -f2 "$T/p.order")" = "$($J "$T/tp.jsonl" hist:alloc_order)" ]
check "probe plan info: two raw_tp probes" grep -qx -- "- 2" "$T/p.info"
check "state source info scraped" grep -q "source=event_depth" "$T/p.state"

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

# ---- --rate-limit: printing is capped, counting is not ----
# (the static build, the one the VM tests run: it drops capabilities too)
M7=build/model/lt-model-v7
$LTS --uprobe-target $M7 --rules 7.0 --comm lt-model-v7 \
	--rate-limit 5/s -j -o "$T/rl.jsonl" 2>"$T/rl.err" &
RL=$!
PIDS+=($RL)
if wait_for "$T/rl.err" "tracing with" 30; then
	check "static build: capabilities all dropped while tracing" \
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
U=deploy/systemd/lazytrace.service
set_of() {	# the unit's CapabilityBoundingSet as setpriv caps, minus $1
	sed -n 's/^CapabilityBoundingSet=//p' $U | tr ' ' '\n' |
		grep -vx "${1:-none}" | tr 'A-Z' 'a-z' |
		sed 's/^cap_/+/' | paste -sd,
}
with_caps() {	# with_caps CAPS: trace 1 s with exactly CAPS
	setpriv --bounding-set "-all,$1" $LT --mode tracepoint -d 1 \
		-o /dev/null 2>"$T/caps.err"
}
with_caps "$(set_of)"
rc=$?
check "unit's capabilities ($(set_of)): exit 0" [ $rc -eq 0 ]
check "unit's capabilities: probes attached" grep -q "tracing with" "$T/caps.err"
for c in CAP_SYSLOG CAP_SYS_ADMIN; do
	with_caps "$(set_of $c)"
	check "unit without $c: lazytrace refuses (exit 2)" [ $? -eq 2 ]
done

# ---- --syslog: findings reach /dev/log with their severity ----
# daemon.err is <27>, daemon.warning <28>. A journald-owned /dev/log
# cannot be read back here, so only a free one is used.
if [ -e /dev/log ]; then
	skip "--syslog: /dev/log exists and is not ours to read"
else
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind("/dev/log")
print("bound", flush=True)
while True:
    print(s.recv(4096).decode(errors="replace"), flush=True)' >"$T/syslog" &
	PIDS+=($!)
	OWN_LOG=1
	if wait_for "$T/syslog" bound 10; then
		$LT --uprobe-target $M --rules pre-7.0 --comm lt-model-pre7 \
			--syslog -o /dev/null 2>"$T/sl.err" &
		SL=$!
		PIDS+=($SL)
		if wait_for "$T/sl.err" "tracing with" 30; then
			$M roberts-bug >/dev/null
			check "--syslog: the error finding is logged as daemon.err" \
				wait_for "$T/syslog" "<27>.*lazytrace\[$SL\]: error alloc_in_lazy comm=lt-model-pre7" 10
			kill -INT $SL
			wait $SL
			check "--syslog: lazytrace exits 0" [ $? -eq 0 ]
		else
			not_ok "--syslog: lazytrace did not start"
		fi
	else
		not_ok "--syslog: could not bind /dev/log"
	fi
fi
finish
