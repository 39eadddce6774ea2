#!/bin/bash
# The unit, host live, uprobe-model and metrics tests (the HTTP server
# under hostile requests) against the ASan+UBSan build (make asan). Any
# sanitizer report fails the run: the process aborts, so
# its test fails, and every report is also written to a log directory that
# must stay empty - a report from a process whose exit code no test looks
# at still counts.
#   tests/sanitize/run.sh build/asan
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/asan}
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
# The not-root host test runs lazytrace as nobody: it must be able to log.
chmod 1777 "$LOGS"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:log_path=$LOGS/asan"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$LOGS/ubsan"
export LSAN_OPTIONS="report_objects=1"

fail=0
# Every binary run below must really be instrumented: a plain build in
# $B would pass every test here and check nothing.
echo "== instrumented: ASan and UBSan symbols in every binary"
n=0
for f in "$B"/lazytrace "$B"/unit/test_*; do
	n=$((n + 1))
	# a variable, not a pipe: grep -q would SIGPIPE readelf (pipefail)
	syms=$([ -x "$f" ] && readelf -Ws "$f" 2>/dev/null)
	if grep -q ' __asan_init$' <<<"$syms" &&
	   grep -q ' __asan_report_load' <<<"$syms" &&
	   grep -q ' __ubsan_handle_' <<<"$syms"; then
		echo "ok   - $f is instrumented"
	else
		echo "not ok - $f: missing, or not instrumented (make asan)"
		fail=1
	fi
done
[ $n -gt 1 ] || { echo "not ok - no unit tests in $B/unit (make asan)"; fail=1; }
echo "== unit tests ($B)"
LT_FIXTURES=tests/fixtures LT_BUILD=$B tests/unit/run.sh "$B"/unit/test_* ||
	fail=1
echo "== host live tests (LT_BIN=$B/lazytrace)"
LT_BIN=$B/lazytrace tests/host/run.sh || fail=1
echo "== uprobe model tests (LT_BIN=$B/lazytrace)"
LT_BIN=$B/lazytrace tests/model/run.sh || fail=1
echo "== metrics tests (LT_BIN=$B/lazytrace): the HTTP server too"
LT_BIN=$B/lazytrace tests/metrics/run.sh || fail=1

reports=$(find "$LOGS" -type f | wc -l)
for f in "$LOGS"/*; do
	[ -f "$f" ] || continue
	echo "== sanitizer report $(basename "$f")"
	cat "$f"
done
echo "sanitizer reports: $reports"
[ "$reports" -eq 0 ] || fail=1
exit $fail
