#!/bin/bash
# Native histograms, end to end on the host kernel: Debian's Prometheus
# with --enable-feature=native-histograms asks lazytrace for protobuf,
# and what it stores as native histograms (count, sum, every bucket) must
# equal lazytrace's own JSON histogram records. Two instances: tracepoint
# mode on a workload (flush span, allocation order: the zero bucket and
# positive ones) and the user-space model (nesting depth, section span).
# Both filter by comm, so once the workloads exit their histograms are
# final: a scrape after that moment must match exactly. Run by run.sh.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/harness.sh
LT=${LT_BIN:-build/lazytrace}
W=build/workloads
M=build/model/lt-model-pre7
J=tests/lib/jsonl.py
NC=tests/metrics/native_check.py
T=$(mktemp -d)
PIDS=()
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

[ "$(id -u)" -eq 0 ] || { echo "native histogram tests need root"; exit 1; }
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
until_true() {	# until_true SECONDS COMMAND...: polls up to a deadline
	local deadline=$(( $(date +%s) + $1 ))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

PT=$(free_port)
PM=$(free_port)
PP=$(free_port)
$LT --mode tracepoint --comm lt-munmap --metrics "127.0.0.1:$PT" -j \
	-o "$T/tp.jsonl" 2>"$T/tp.err" &
TP=$!
PIDS+=($TP)
$LT --uprobe-target $M --rules pre-7.0 --comm lt-model-pre7 \
	--metrics "$PM" -j -o "$T/m.jsonl" 2>"$T/m.err" &
MP=$!
PIDS+=($MP)
cat >"$T/prom.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: nh-tp
    static_configs: [{targets: ['127.0.0.1:$PT']}]
  - job_name: nh-model
    static_configs: [{targets: ['127.0.0.1:$PM']}]
EOC
/usr/bin/prometheus --enable-feature=native-histograms \
	--config.file="$T/prom.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address="127.0.0.1:$PP" --log.level=warn \
	>"$T/prom.log" 2>&1 &
PIDS+=($!)
URL=http://127.0.0.1:$PP
q() { tests/metrics/promq.py "$URL" "$1"; }

if ! wait_for "$T/tp.err" "tracing with" 30 ||
   ! wait_for "$T/m.err" "tracing with" 30; then
	cat "$T/tp.err" "$T/m.err"
	not_ok "native: lazytrace did not start"
	finish
	exit 1
fi
check "native: prometheus ready" until_true 60 tests/metrics/promq.py "$URL" --ready
both_up() { [ "$(q 'sum(up{job=~"nh-.*"})')" = "- 2" ]; }
check "native: prometheus scrapes both instances" until_true 30 both_up

$W/lt-munmap 40 512 >/dev/null || not_ok "native: lt-munmap failed"
for s in roberts-bug debug-pagealloc flush-in-lazy; do
	$M $s >/dev/null || not_ok "native: model $s failed"
done

T_END=$(date +%s.%N)
scraped_after() {	# scraped_after JOB: its last scrape began after T_END
	local v
	v=$(q "max(timestamp(up{job=\"$1\"}))")
	awk -v a="${v#- }" -v b="$T_END" 'BEGIN { exit !(a + 0 > b + 0) }'
}
check "native: a scrape of the tracepoint instance after the work" \
	until_true 30 scraped_after nh-tp
check "native: a scrape of the model instance after the workload" \
	until_true 30 scraped_after nh-model
AT=$(date +%s.%N)	# the queries' moment: both still running
curl -s "http://127.0.0.1:$PT/metrics" -D "$T/text.h" -o "$T/text"
curl -s -H "Accept: application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited" \
	"http://127.0.0.1:$PT/metrics" -D "$T/pb.h" -o "$T/pb"
qa() { python3 - "$URL" "$AT" "$1" <<'EOP'
import json, sys, urllib.parse, urllib.request
u = sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode(
    {"query": sys.argv[3], "time": sys.argv[2]})
r = json.load(urllib.request.urlopen(u, timeout=10))["data"]["result"]
print(" ".join(sorted(x["value"][1] for x in r if "value" in x)))
EOP
}
qa 'count({__name__=~"lazytrace_.*_bucket",job=~"nh-.*"}) by (__name__)' \
	>"$T/p.classic"
qa 'lazytrace_section_span_seconds_count{job="nh-model"}' >"$T/p.span"
qa 'sum(lazytrace_findings_total{job="nh-model"})' >"$T/p.findings"
qa 'lazytrace_findings_streamed_total{job="nh-model"}' >"$T/p.streamed"
qa 'count(lazytrace_probe_info{job="nh-tp"})' >"$T/p.probes"
for n in flush_span:lazytrace_flush_span_pages alloc_order:lazytrace_alloc_order; do
	echo "nh-tp ${n%%:*} ${n#*:}"
done >"$T/cases"
for n in nesting_depth:lazytrace_nesting_depth flush_span:lazytrace_flush_span_pages \
	 alloc_order:lazytrace_alloc_order; do
	echo "nh-model ${n%%:*} ${n#*:}"
done >>"$T/cases"

kill -INT $TP $MP
wait $TP
check "native: tracepoint instance exits 0" [ $? -eq 0 ]
wait $MP
check "native: model instance exits 0" [ $? -eq 0 ]

check "native: curl without Accept gets text" \
	grep -qi "^content-type: text/plain; version=0.0.4" "$T/text.h"
check "native: text keeps classic buckets" \
	grep -q '^lazytrace_flush_span_pages_bucket{le="+Inf"} ' "$T/text"
check "native: an Accept naming protobuf gets protobuf" \
	grep -qi "^content-type: application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited" "$T/pb.h"
# One classic family is left in Prometheus: the section span (seconds).
echo "classic bucket series in Prometheus: $(cat "$T/p.classic")"
check "native: only the section span is stored classic" \
	[ "$(qa 'count({__name__=~"lazytrace_.*_bucket",job=~"nh-.*"})')" = \
	  "$(qa 'count({__name__="lazytrace_section_span_seconds_bucket",job=~"nh-.*"})')" ]
while read -r job name series; do
	jf=$T/tp.jsonl
	[ "$job" = nh-model ] && jf=$T/m.jsonl
	check "native: $job $name: count, sum, buckets = JSON" \
		python3 $NC "$URL" "$AT" "$job" "$series" "$jf" "$name"
done <"$T/cases"
span=$($J "$T/m.jsonl" hist:section_span)
check "native: section span _count = JSON ($(cat "$T/p.span") = $span)" \
	[ "$(cat "$T/p.span")" = "$span" -a "$span" -gt 0 ]
check "native: findings counter (protobuf) = JSON ($(cat "$T/p.findings"))" \
	[ "$(cat "$T/p.findings")" = "$($J "$T/m.jsonl" total)" -a \
	  "$($J "$T/m.jsonl" total)" -gt 0 ]
check "native: streamed counter (protobuf) = JSON" \
	[ "$(cat "$T/p.streamed")" = "$($J "$T/m.jsonl" summary.streamed)" ]
check "native: probe plan gauge (protobuf): two raw_tp probes" \
	[ "$(cat "$T/p.probes")" = 2 ]
finish
