#!/bin/sh
# finding_cost.sh BIN: instructions the loader spends per streamed finding,
# as JSON, with the stack cached (what a kernel run sends: a stack id) and
# inline (frames in the record), from two callgrind runs each: the
# difference between N and 2N findings, over N, leaves start-up out.
set -eu
bin=$1
n=${LT_FINDINGS:-1000}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
refs() {
	valgrind --tool=callgrind --callgrind-out-file="$t/cg" "$bin" "$1" json \
		/proc/kallsyms "$2" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
for mode in cached inline; do
	a=$(refs "$n" $mode)
	b=$(refs $((2 * n)) $mode)
	[ -n "$a" ] && [ -n "$b" ] || { echo "finding_cost: callgrind failed" >&2; exit 1; }
	echo "finding_cost: $mode stack, $(( (b - a) / n )) instructions a finding"
done
