#!/bin/bash
# mktrace.sh SUITE OUT.jsonl: boot SUITE (sid = 7.x, trixie = 6.12) under
# QEMU with the x86 build and write the trace of tests/report/guest-example.sh
# to OUT.jsonl. Needs `make all workloads` first. This is how the example
# traces in docs/examples/ were made (docs/REPORT.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
suite=${1:?usage: mktrace.sh SUITE OUT.jsonl} out=${2:?usage: mktrace.sh SUITE OUT.jsonl}
d=build/report-vm/$suite
rm -rf "$d"
mkdir -p "$d/payload"
cp build/lazytrace build/workloads/* tests/vm/guest-lib.sh "$d/payload/"
cp tests/report/guest-example.sh "$d/payload/test.sh"
scripts/vm-run.sh --suite "$suite" --payload "$d/payload" --log "$d/log" --timeout 900
tests/vm/extract.py "$d/log" "$d/files"
if [ "$(awk '$1 == "trace" { print $2 }' "$d/files/exits")" != 0 ]; then
	echo "mktrace: lazytrace failed in the guest:" >&2
	cat "$d/files/trace.err" >&2
	exit 1
fi
cp "$d/files/trace.jsonl" "$out"
echo "mktrace: $(wc -l <"$out") records from $(cat "$d/files/kernel") in $out"
