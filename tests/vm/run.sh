#!/bin/bash
# VM tests: boot Debian's real kernels under QEMU TCG and assert on what
# lazytrace reports there. sid (7.x) has the task counters; trixie (6.12)
# has none and must degrade. A kernel that cannot be fetched fails loudly.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/harness.sh
B=build
J=tests/lib/jsonl.py
T=${LT_VM_OUT:-$B/vm}
rm -rf "$T"
mkdir -p "$T"

payload() {	# payload DIR GUEST_SCRIPT BUILD_DIR
	mkdir -p "$1"
	cp "$3"/lazytrace "$3"/nbcount "$3"/workloads/* tests/vm/guest-lib.sh "$1"/
	cp "$2" "$1"/test.sh
}

exit_of() { awk -v n="$2" '$1 == n { print $2 }' "$1/exits"; }

boot() {	# boot SUITE GUEST_SCRIPT [ARCH] -> $T/SUITE[-ARCH]/{log,files/}
	local arch=${3:-amd64} d=$T/$1 b=$B
	if [ "$arch" != amd64 ]; then
		d=$T/$1-$arch
		b=$B/$arch
	fi
	payload "$d/payload" "$2" "$b"
	if ! scripts/vm-run.sh --suite "$1" --arch "$arch" --payload "$d/payload" \
		--log "$d/log" --timeout 900; then
		not_ok "$1 $arch: VM run failed (see $d/log)"
		tail -30 "$d/log"
		return 1
	fi
	tests/vm/extract.py "$d/log" "$d/files"
}

# The 7.x assertions, for every arch: FILES dir, label, expected uname -m.
check_7x() {
	local F=$1 L=$2 machine=$3 major m nb fe kp fe_nb kp_nb fe_st fe_n
	echo "--- $L: $(cat $F/kernel)"; cat $F/plan
	major=$(cut -d. -f1 <$F/kernel)
	check "$L boots a 7.x kernel ($(cut -d' ' -f1 <$F/kernel))" [ "$major" -ge 7 ]
	check "$L runs on $machine" [ "$(cut -d' ' -f2 <$F/kernel)" = "$machine" ]
	check "$L list-probes exits 0" [ "$(exit_of $F plan)" = 0 ]
	check "$L plan: for $machine" grep -q "^lazytrace plan for .*($machine)" $F/plan
	check "$L plan: task counters" grep -q "^lazy state: task_counters" $F/plan
	check "$L plan: fentry and kprobe work" \
		eval 'grep -q "fentry   yes" $F/plan && grep -q "kprobe   yes" $F/plan'
	check "$L plan: page_alloc via fentry" grep -qE "^page_alloc +fentry" $F/plan
	check "$L plan: next batch via fentry" \
		grep -qE "^gather_next_batch +fentry +tlb_next_batch" $F/plan
	check "$L plan: inline boundaries explained" \
		grep -q "no out-of-line symbol, event depth unused" $F/plan
	check "$L plan: rules 7.0 by default" grep -q "^rules: 7.0 (default" $F/plan
	for m in fentry kprobe; do
		check "$L $m mode exits 0" [ "$(exit_of $F $m)" = 0 ]
		check "$L $m: state source is task_counters" \
			[ "$($J $F/$m.jsonl summary.state_source)" = task_counters ]
	done
	nb=$(sed -n 's/^nbcount: allocs=//p' $F/nbcount)
	fe=$($J $F/fentry.jsonl summary.findings.alloc_in_lazy)
	kp=$($J $F/kprobe.jsonl summary.findings.alloc_in_lazy)
	fe_nb=$($J $F/fentry.jsonl groupstack:alloc_in_lazy:tlb_next_batch)
	kp_nb=$($J $F/kprobe.jsonl groupstack:alloc_in_lazy:tlb_next_batch)
	fe_st=$($J $F/fentry.jsonl stackhas:alloc_in_lazy:tlb_next_batch)
	fe_n=$($J $F/fentry.jsonl count:alloc_in_lazy)
	echo "$L alloc_in_lazy: fentry $fe ($fe_nb via tlb_next_batch, $fe_n streamed)," \
		"kprobe $kp ($kp_nb), independent nbcount $nb"
	check "$L exit storm yields alloc_in_lazy findings" [ "${fe:-0}" -gt 0 ]
	check "$L streamed findings carry tlb_next_batch stacks" \
		eval '[ "${fe_st:-0}" -gt 0 ] && [ "$fe_st" -eq "$fe_n" ]'
	check "$L tlb_next_batch allocations equal the independent count" \
		eval '[ -n "$nb" ] && [ "$nb" -gt 0 ] && [ "$fe_nb" -eq "$nb" ]'
	# kprobe handlers run in a different context (arm64: under
	# __nmi_enter); the interrupt filter must not hide real findings.
	check "$L kprobe mode: tlb_next_batch allocations equal the independent count" \
		eval '[ -n "$nb" ] && [ "${kp_nb:-0}" -eq "$nb" ]'
	check "$L fentry and kprobe modes agree" \
		eval '[ "$fe" -eq "$kp" ] && [ "$fe_nb" -eq "$kp_nb" ]'
	check "$L no streamed finding dropped" \
		eval '[ "$($J $F/fentry.jsonl summary.dropped)" = 0 ] && [ "$fe_n" -eq "$fe" ]'
	for m in fentry kprobe; do
		check "$L $m: batch_pages histogram filled" \
			[ "$($J $F/$m.jsonl hist:batch_pages)" -gt 0 ]
	done
	check "$L fentry and kprobe batch_pages histograms agree" \
		[ "$($J $F/fentry.jsonl hist:batch_pages)" = "$($J $F/kprobe.jsonl hist:batch_pages)" ]
	check "$L gather_batches histogram filled" \
		[ "$($J $F/fentry.jsonl hist:gather_batches)" -gt 0 ]
	check "$L alloc findings are GFP_NOWAIT info under 7.0 rules" \
		python3 -c "
import json,sys
f=[json.loads(l) for l in open('$F/fentry.jsonl')]
a=[r for r in f if r.get('type')=='finding' and r['kind']=='alloc_in_lazy']
sys.exit(not a or any(r['severity']!='info' or r['order']!=0 or r['caller'].split('.')[0]!='tlb_next_batch' for r in a))"
	check "$L quiet workload: no findings" \
		eval '[ "$($J $F/quiet.jsonl summary.findings.alloc_in_lazy)" = 0 ] &&
		      [ "$($J $F/quiet.jsonl count:alloc_in_lazy)" = 0 ]'
	check "$L quiet workload ran" grep -q DONE $F/quiet.out
	check "$L text mode run exits 0" [ "$(exit_of $F text)" = 0 ]
	check "$L text output is under 80 columns" [ "$(awk 'length > 79' $F/text.out | wc -l)" -eq 0 ]
	sed -n '1,40p' $F/text.out
}

# ---------------- sid: 7.x with task counters ----------------
if boot sid tests/vm/guest-sid.sh; then
	check_7x $T/sid/files "sid amd64" x86_64
fi

# ---------------- sid arm64: the same 7.x assertions ----------------
# install-deps installs qemu-system-arm: a missing one is a failure here,
# never a skip (vm-run.sh alone would exit 77).
if ! command -v qemu-system-aarch64 >/dev/null; then
	not_ok "sid arm64: qemu-system-aarch64 not installed (scripts/install-deps.sh: qemu-system-arm)"
elif [ ! -x $B/arm64/lazytrace ] || [ ! -x $B/arm64/nbcount ]; then
	not_ok "sid arm64: no arm64 build in $B/arm64 (make ARCH=arm64)"
elif boot sid tests/vm/guest-sid.sh arm64; then
	F=$T/sid-arm64/files
	check_7x $F "sid arm64" aarch64
	# __tlb_batch_free_encoded_pages is inlined there: the chain walk.
	check "sid arm64 plan: batch free via tlb_batch_pages_flush" \
		grep -qE "^gather_batch_free +fentry +tlb_batch_pages_flush" $F/plan
	check "sid arm64: full batches (256-511 pages) counted" \
		[ "$($J $F/fentry.jsonl hmax:batch_pages)" -ge 511 ]
fi

# ---------------- trixie: 6.12 without counters ----------------
if boot trixie tests/vm/guest-old.sh; then
	F=$T/trixie/files
	echo "--- trixie: $(cat $F/kernel)"; cat $F/plan
	check "trixie boots 6.12" grep -q "^6\.12" $F/kernel
	check "6.12 list-probes exits 0" [ "$(exit_of $F plan)" = 0 ]
	check "6.12 plan: no state source" grep -q "^lazy state: none" $F/plan
	check "6.12 plan: explains the degrade" grep -q "no lazy-state source" $F/plan
	check "6.12 trace exits 0" [ "$(exit_of $F old)" = 0 ]
	check "6.12 summary: state source none" \
		[ "$($J $F/old.jsonl summary.state_source)" = none ]
	check "6.12: batch histograms still produced" \
		[ "$($J $F/old.jsonl hist:batch_pages)" -gt 0 ]
	check "6.12: allocations still counted" \
		[ "$($J $F/old.jsonl hist:alloc_order)" -gt 0 ]
	check "6.12: no findings claimed" \
		[ "$($J $F/old.jsonl summary.findings.alloc_in_lazy)" = 0 ]
fi
finish
