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

payload() {	# payload DIR GUEST_SCRIPT
	mkdir -p "$1"
	cp $B/lazytrace $B/nbcount $B/workloads/* tests/vm/guest-lib.sh "$1"/
	cp "$2" "$1"/test.sh
}

exit_of() { awk -v n="$2" '$1 == n { print $2 }' "$1/exits"; }

boot() {	# boot SUITE GUEST_SCRIPT -> $T/SUITE/{log,files/}
	local d=$T/$1
	payload "$d/payload" "$2"
	if ! scripts/vm-run.sh --suite "$1" --payload "$d/payload" \
		--log "$d/log" --timeout 900; then
		not_ok "$1: VM run failed (see $d/log)"
		tail -30 "$d/log"
		return 1
	fi
	tests/vm/extract.py "$d/log" "$d/files"
}

# ---------------- sid: 7.x with task counters ----------------
if boot sid tests/vm/guest-sid.sh; then
	F=$T/sid/files
	echo "--- sid: $(cat $F/kernel)"; cat $F/plan
	major=$(cut -d. -f1 <$F/kernel)
	check "sid boots a 7.x kernel ($(cut -d' ' -f1 <$F/kernel))" [ "$major" -ge 7 ]
	check "7.x list-probes exits 0" [ "$(exit_of $F plan)" = 0 ]
	check "7.x plan: task counters" grep -q "^lazy state: task_counters" $F/plan
	check "7.x plan: fentry and kprobe work" \
		grep -q "fentry   yes" $F/plan
	check "7.x plan: page_alloc via fentry" grep -qE "^page_alloc +fentry" $F/plan
	check "7.x plan: inline boundaries explained" \
		grep -q "no out-of-line symbol, event depth unused" $F/plan
	check "7.x plan: rules 7.0 by default" grep -q "^rules: 7.0 (default" $F/plan
	for m in fentry kprobe; do
		check "$m mode exits 0" [ "$(exit_of $F $m)" = 0 ]
		check "$m: state source is task_counters" \
			[ "$($J $F/$m.jsonl summary.state_source)" = task_counters ]
	done
	nb=$(sed -n 's/^nbcount: allocs=//p' $F/nbcount)
	fe=$($J $F/fentry.jsonl summary.findings.alloc_in_lazy)
	kp=$($J $F/kprobe.jsonl summary.findings.alloc_in_lazy)
	fe_nb=$($J $F/fentry.jsonl groupstack:alloc_in_lazy:tlb_next_batch)
	kp_nb=$($J $F/kprobe.jsonl groupstack:alloc_in_lazy:tlb_next_batch)
	fe_st=$($J $F/fentry.jsonl stackhas:alloc_in_lazy:tlb_next_batch)
	fe_n=$($J $F/fentry.jsonl count:alloc_in_lazy)
	echo "alloc_in_lazy: fentry $fe ($fe_nb via tlb_next_batch, $fe_n streamed)," \
		"kprobe $kp ($kp_nb), independent nbcount $nb"
	check "exit storm yields alloc_in_lazy findings" [ "${fe:-0}" -gt 0 ]
	check "streamed findings carry tlb_next_batch stacks" \
		eval '[ "${fe_st:-0}" -gt 0 ] && [ "$fe_st" -eq "$fe_n" ]'
	check "tlb_next_batch allocations equal the independent count" \
		eval '[ -n "$nb" ] && [ "$nb" -gt 0 ] && [ "$fe_nb" -eq "$nb" ]'
	check "fentry and kprobe modes agree" \
		eval '[ "$fe" -eq "$kp" ] && [ "$fe_nb" -eq "$kp_nb" ]'
	check "no streamed finding dropped" \
		eval '[ "$($J $F/fentry.jsonl summary.dropped)" = 0 ] && [ "$fe_n" -eq "$fe" ]'
	check "batch_pages histogram filled" [ "$($J $F/fentry.jsonl hist:batch_pages)" -gt 0 ]
	check "gather_batches histogram filled" \
		[ "$($J $F/fentry.jsonl hist:gather_batches)" -gt 0 ]
	check "alloc findings are GFP_NOWAIT info under 7.0 rules" \
		python3 -c "
import json,sys
f=[json.loads(l) for l in open('$F/fentry.jsonl')]
a=[r for r in f if r.get('type')=='finding' and r['kind']=='alloc_in_lazy']
sys.exit(not a or any(r['severity']!='info' or r['order']!=0 or r['caller'].split('.')[0]!='tlb_next_batch' for r in a))"
	check "quiet workload: no findings" \
		eval '[ "$($J $F/quiet.jsonl summary.findings.alloc_in_lazy)" = 0 ] &&
		      [ "$($J $F/quiet.jsonl count:alloc_in_lazy)" = 0 ]'
	check "quiet workload ran" grep -q DONE $F/quiet.out
	check "text mode run exits 0" [ "$(exit_of $F text)" = 0 ]
	check "text output is under 80 columns" [ "$(awk 'length > 79' $F/text.out | wc -l)" -eq 0 ]
	sed -n '1,40p' $F/text.out
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
