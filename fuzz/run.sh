#!/bin/bash
# Runs libFuzzer targets over their seed corpora and prints one result line
# each (executions, exec/s, coverage); fails if any target finds a crash,
# a leak or a broken invariant.
#   fuzz/run.sh [libFuzzer flags] -- build/fuzz/fuzz_NAME...
# Seeds come from fuzz/corpus/NAME/ (read only: new inputs go to
# $FUZZ_OUT/work/NAME/), a dictionary from fuzz/NAME.dict when present.
# Crash inputs land in $FUZZ_OUT/artifacts/, full logs in $FUZZ_OUT/logs/
# (FUZZ_OUT defaults to build/fuzz).
set -uo pipefail
cd "$(dirname "$0")/.."
flags=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do flags+=("$1"); shift; done
shift || true
[ $# -gt 0 ] || { echo "fuzz: no targets given" >&2; exit 1; }
out=${FUZZ_OUT:-build/fuzz}
mkdir -p "$out/logs" "$out/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
fail=0
for t in "$@"; do
	name=$(basename "$t")
	name=${name#fuzz_}
	work=$out/work/$name
	log=$out/logs/$name.log
	mkdir -p "$work"
	seeds=()
	[ -d "fuzz/corpus/$name" ] && seeds=("fuzz/corpus/$name")
	dict=()
	[ -f "fuzz/$name.dict" ] && dict=("-dict=fuzz/$name.dict")
	"$t" "${flags[@]}" "${dict[@]}" -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$name-" \
		"$work" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	# libFuzzer divides by whole seconds: a run under 1 s reports 0
	grep -q '^Done .* in 0 second' "$log" && speed=">$runs"
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		printf 'fuzz %-18s ok   %9s runs %7s exec/s  %s\n' \
			"$name" "${runs:-?}" "${speed:-?}" "$cov"
	else
		fail=1
		printf 'fuzz %-18s FAIL (rc %d), see %s:\n' "$name" $rc "$log"
		grep -E 'ERROR|invariant failed|SUMMARY|Test unit written' "$log" |
			head -5
	fi
done
exit $fail
