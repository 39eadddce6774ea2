#!/bin/bash
# Host live tests: the CI machine's own kernel (6.18, no kprobes, no fentry,
# no lazy state). Proves tracepoint mode counts real events, --list-probes
# explains the degrade, bad input fails cleanly and nothing stays attached.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/harness.sh
LT=${LT_BIN:-build/lazytrace}	# make asan-test passes the sanitizer build
W=build/workloads
J=tests/lib/jsonl.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "host tests need root"; exit 1
fi
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

our_progs() {	# lazytrace's programs are named fe_*, kp_* and tp_*
	bpftool prog show 2>/dev/null | grep -cE 'name (fe|kp|tp)_[a-z0-9_]+ ' || true
}

# Programs are freed after an RCU grace period once the last fd closes:
# wait for that condition, up to a deadline.
detached() {
	local deadline=$(( $(date +%s) + 10 ))
	until [ "$(our_progs)" -eq 0 ]; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# ---- --list-probes on a kernel without lazy state or kprobes ----
$LT --list-probes >"$T/plan" 2>"$T/plan.err"; rc=$?
cat "$T/plan"
check "list-probes exits 0" [ $rc -eq 0 ]
check "list-probes: fentry unavailable" grep -q "fentry   no:" "$T/plan"
check "list-probes: kprobes unavailable" grep -q "kprobe   no:" "$T/plan"
check "list-probes: no lazy state source" grep -q "^lazy state: none" "$T/plan"
check "list-probes: says what is lost" grep -q "no lazy-state source: alloc_in_lazy" "$T/plan"
check "list-probes: 6.18 predates counters" grep -q "lazy_mmu_state: absent" "$T/plan"
check "list-probes: page_alloc via raw_tp" grep -qE "^page_alloc +raw_tp +kmem:mm_page_alloc" "$T/plan"
check "list-probes: tlb_flush via raw_tp" grep -qE "^tlb_flush +raw_tp +tlb:tlb_flush" "$T/plan"
check "list-probes: syscall_exit skipped" grep -q "skipped: no lazy-state source" "$T/plan"
check "list-probes: lines under 80 columns" [ "$(awk 'length > 79' "$T/plan" | wc -l)" -eq 0 ]
check "list-probes: nothing attached" [ "$(our_progs)" -eq 0 ]

# ---- tracepoint mode counts real page allocations and TLB flushes ----
ITER=40 PAGES=512
$LT --mode tracepoint --comm lt-munmap -j -o "$T/tp.jsonl" 2>"$T/tp.err" &
pid=$!
if wait_for "$T/tp.err" "tracing with" 20; then
	check "tracepoint mode: programs attached" [ "$(our_progs)" -gt 0 ]
	$W/lt-munmap $ITER $PAGES >"$T/w.out"
	kill -INT $pid
	wait $pid; rc=$?
	cat "$T/tp.err"
	check "tracepoint mode exits 0 on SIGINT" [ $rc -eq 0 ]
	allocs=$($J "$T/tp.jsonl" summary.events.page_alloc)
	flushes=$($J "$T/tp.jsonl" summary.events.tlb_flush)
	mine=$($J "$T/tp.jsonl" hist:alloc_order:lt-munmap)
	echo "page_alloc events $allocs, lt-munmap allocations $mine, tlb flushes $flushes"
	check "counts page allocations (>= $((ITER * PAGES)) by lt-munmap)" \
		[ "$mine" -ge $((ITER * PAGES)) ]
	check "every comm-filtered allocation is a counted event" [ "$allocs" -ge "$mine" ]
	check "counts TLB flushes" [ "$flushes" -gt 0 ]
	check "summary names state source none" \
		[ "$($J "$T/tp.jsonl" summary.state_source)" = none ]
	check "no findings without a state source" \
		[ "$($J "$T/tp.jsonl" summary.findings.alloc_in_lazy)" = 0 ]
	check "SIGINT detached everything" detached
else
	not_ok "tracepoint mode did not start: $(cat "$T/tp.err")"
	kill $pid 2>/dev/null
fi

# ---- SIGTERM prints the summary and detaches ----
$LT --mode tracepoint -o "$T/term.txt" 2>"$T/term.err" &
pid=$!
if wait_for "$T/term.err" "tracing with" 20; then
	kill -TERM $pid; wait $pid; rc=$?
	check "SIGTERM exits 0" [ $rc -eq 0 ]
	check "SIGTERM prints the summary" grep -q "^Findings (rules" "$T/term.txt"
	check "SIGTERM detached everything" detached
else
	not_ok "SIGTERM run did not start"
	kill $pid 2>/dev/null
fi

# ---- bad input: one line, exit 2, nothing attached ----
bad() {
	local name=$1
	shift
	"$@" >"$T/bad.out" 2>"$T/bad.err"
	local rc=$? lines
	lines=$(wc -l <"$T/bad.err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && detached; then
		ok "bad input: $name -> $(cat "$T/bad.err")"
	else
		not_ok "bad input: $name (rc $rc, $lines lines): $(cat "$T/bad.err")"
	fi
}
bad "unknown pid" $LT -p 999999999 -d 1
bad "not a cgroup" $LT -c /tmp -d 1
bad "negative duration" $LT -d -5
bad "unknown mode" $LT --mode magic
bad "unknown rules" $LT --rules 6.0
bad "unknown fail-on kind" $LT --fail-on nonsense
bad "fentry forced where unavailable" $LT --mode fentry -d 1
bad "missing BTF" $LT --btf /nonexistent/vmlinux -d 1
bad "unwritable output" $LT -o /proc/version/x -d 1
bad "not root" setpriv --reuid=65534 --regid=65534 --clear-groups $LT -d 1

finish
