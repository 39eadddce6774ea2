#!/bin/bash
# Golden output files: lazytrace's text, JSON, plan, metrics, help and
# report output, compared byte for byte with tests/golden/expected/ after
# tests/golden/normalize.py has rewritten what must vary between runs
# (times, pids, the CPU, the host's kernel release; each rule is explained
# there). A format change shows as a diff here; if it is meant, rerun with
# GOLDEN_UPDATE=1 and commit the new files with the change.
#
# The live scenarios trace the user-space model (docs/MODEL.md) through
# uprobes: the same BPF programs and state machine as on a kernel, and the
# same findings on every run. Needs root and uprobes, as make model-test.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/harness.sh
. tests/lib/model.sh
LT=${LT_BIN:-build/lazytrace}
G=tests/golden/expected
N=tests/golden/normalize.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
UPDATE=${GOLDEN_UPDATE:-0}

# golden NAME FILE: compares FILE with $G/NAME (or writes it on update).
golden() {
	if [ "$UPDATE" = 1 ]; then
		cp "$2" "$G/$1"
		ok "$1: written"
	elif diff -u "$G/$1" "$2" >"$T/$1.diff"; then
		ok "$1: as golden"
	else
		not_ok "$1 differs from $G/$1:"
		head -40 "$T/$1.diff"
	fi
}

# live NAME MODEL SCENARIO RULES [ARGS...]: stdout in $T/NAME.out,
# stderr in $T/NAME.err (tests/lib/model.sh).
live() {
	local name=$1
	shift
	model_trace "$name" "$1" "$2" "$3" "$T/$name.out" "$T/$name.err" \
		"$T/$name.model" "${@:4}"
}

# both NAME MODEL SCENARIO RULES [ARGS...]: the scenario in text and in
# JSON Lines (-j); stdout and stderr of each, normalized.
both() {
	local name=$1
	shift
	if live "$name" "$@"; then
		{ $N text <"$T/$name.out"; echo "--- stderr"
		  $N text <"$T/$name.err"; } >"$T/$name.txt"
		golden "$name.txt" "$T/$name.txt"
	fi
	if live "$name-j" "$@" -j; then
		{ $N json <"$T/$name-j.out"; echo "--- stderr"
		  $N text <"$T/$name-j.err"; } >"$T/$name.jsonl"
		golden "$name.jsonl" "$T/$name.jsonl"
	fi
}

# The seed's bug (pre-7.0 rules): an error with its stack, histograms.
both roberts-bug pre7 roberts-bug pre-7.0
# 7.0 rules: a sleeping allocation (GFP_KERNEL, order 2) is an error.
# (Scenarios with two groups of equal count are left out: the summary
# lists those in the in-kernel map's order, which varies.)
both sleeping-alloc v7 sleeping-alloc 7.0
# A TLB flush in a section: the flush fields and the flush histogram.
both flush-in-lazy pre7 flush-in-lazy pre-7.0
# 7.0 pause and resume, --info all: pause counts and events.
both pause-resume v7 pause-resume 7.0 --info all
# An unbalanced disable; printed once per stack (--dedup).
both unbalanced v7 unbalanced 7.0 --dedup
# 8 threads x 10000 sections, legal allocations only counted (--info count):
# the held count and the summary's groups without stacks.
both concurrency v7 concurrency 7.0
# --bench-floor alloc: empty programs, nothing found; the plan record
# and stderr say so.
both bench-floor pre7 roberts-bug pre-7.0 --bench-floor alloc

# The plan (probes resolved in the model's ELF; the
# feature and preemption lines are this host's, like make model-test's).
$LT --uprobe-target build/model/lt-model-v7 --list-probes >"$T/plan.out" 2>&1
$N plain <"$T/plan.out" >"$T/plan.txt"
golden list-probes.txt "$T/plan.txt"
# -j does not apply to --list-probes: the plan stays text (the JSON plan
# is the first record of every -j run above).
$LT --uprobe-target build/model/lt-model-pre7 --list-probes -j >"$T/planj.out" 2>&1
$N plain <"$T/planj.out" >"$T/planj.txt"
golden list-probes-pre7-j.txt "$T/planj.txt"

$LT --uprobe-target build/model/lt-model-v7 --bench-floor alloc \
	--list-probes >"$T/planf.out" 2>&1
$N plain <"$T/planf.out" >"$T/planf.txt"
golden list-probes-floor.txt "$T/planf.txt"

# Help texts: the CLI's options and the report tool's.
$LT --help >"$T/help.out" 2>&1
$N plain <"$T/help.out" >"$T/help.txt"
golden help.txt "$T/help.txt"
$LT report --help >"$T/rhelp.out" 2>&1
golden report-help.txt "$T/rhelp.out"

# The metrics exposition after the seed's bug: names, labels, HELP and
# TYPE lines and every count (times normalized).
PORT=${GOLDEN_PORT:-19471}
$LT --uprobe-target build/model/lt-model-pre7 --rules pre-7.0 \
	--comm lt-model-pre7 --metrics "127.0.0.1:$PORT" \
	>"$T/metrics.out" 2>"$T/metrics.err" &
pid=$!
if wait_for "$T/metrics.err" "tracing with" 30; then
	build/model/lt-model-pre7 roberts-bug >/dev/null
	sleep 0.5	# the finding's record reaches the consumer
	curl -s "http://127.0.0.1:$PORT/metrics" >"$T/scrape.out"
	kill -INT $pid
	wait $pid
	$N metrics <"$T/scrape.out" >"$T/scrape.txt"
	golden metrics.txt "$T/scrape.txt"
else
	not_ok "metrics: lazytrace did not start: $(cat "$T/metrics.err")"
	kill $pid 2>/dev/null
fi

# The report tool reads what the live JSON writer wrote: the normalized
# roberts-bug and sleeping-alloc traces above, alone and compared. The
# page's bytes are golden in docs/examples (below, and make report-test);
# here every record must be read, and the finding must reach the page.
for tr in roberts-bug sleeping-alloc; do
	sed '/^--- stderr/,$d' "$G/$tr.jsonl" >"$T/$tr.jsonl"
done
$LT report "$T/roberts-bug.jsonl" -o "$T/rb.html" 2>"$T/rb.err"; rc=$?
check "report reads the live JSON: exit 0, nothing on stderr" \
	[ $rc -eq 0 -a ! -s "$T/rb.err" ]
check "report: the finding, its stack and its histograms" grep -q \
	'data-kind="alloc_in_lazy" data-count="1" data-streamed="1"' "$T/rb.html"
check "report: 6 records on 6 lines" grep -q '<td>6 records on 6 lines</td>' \
	"$T/rb.html"
$LT report "$T/roberts-bug.jsonl" "$T/sleeping-alloc.jsonl" \
	-o "$T/cmp.html" 2>"$T/cmp.err"; rc=$?
check "report compares two live traces" [ $rc -eq 0 -a ! -s "$T/cmp.err" ]
for ex in report compare; do
	if [ $ex = report ]; then
		$LT report docs/examples/sid-7.2-workloads.jsonl -o "$T/ex.html"
	else
		$LT report docs/examples/trixie-6.12-workloads.jsonl \
			docs/examples/sid-7.2-workloads.jsonl -o "$T/ex.html"
	fi
	check "docs/examples/$ex.html is what this build writes" \
		cmp -s "$T/ex.html" docs/examples/$ex.html
done

finish
