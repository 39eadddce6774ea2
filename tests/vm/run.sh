#!/bin/bash
# VM tests: boot Debian's real kernels under QEMU TCG and assert on what
# lazytrace reports there. sid (7.x) has the task counters; trixie (6.12)
# has none and must degrade. A kernel that cannot be fetched fails loudly.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/harness.sh
. tests/vm/check-watch.sh
B=build
J=tests/lib/jsonl.py
T=${LT_VM_OUT:-$B/vm}
rm -rf "$T"
mkdir -p "$T"

payload() {	# payload DIR GUEST_SCRIPT BUILD_DIR ARCH [bpftrace]
	mkdir -p "$1"
	cp "$3"/lazytrace "$3"/nbcount "$3"/workloads/* tests/vm/guest-lib.sh \
		tests/vm/guest-watch.sh "$1"/
	cp "$2" "$1"/test.sh
	[ "$4" = amd64 ] && bpftool_payload "$1"
	if [ "${5:-}" = bpftrace ]; then
		# install-deps installs it: a missing one fails, never skips
		scripts/pack-dyn.sh /usr/bin/bpftrace "$1"/bt ||
			not_ok "$1: cannot pack /usr/bin/bpftrace (scripts/install-deps.sh)"
	fi
	return 0
}

# Debian's own bpftool, dynamic, with the libraries ldd names and their
# loader in /lt/bpftool.d; /lt/bpftool runs it through that loader.
bpftool_payload() {
	local bt
	bt=$(command -v bpftool) || return 0
	scripts/pack-dyn.sh "$bt" "$1"/bpftool.d || return 0
	cat >"$1"/bpftool <<-'EOF'
	#!/bin/sh
	exec /lt/bpftool.d/ld-linux-x86-64.so.2 --library-path /lt/bpftool.d \
		/lt/bpftool.d/bpftool "$@"
	EOF
	chmod +x "$1"/bpftool
}

# LT_VM_ONLY="sid-amd64 trixie ...": boot only these (a quicker rerun of
# one kernel); every other one is a loud skip, never a silent pass.
wanted() {
	[ -z "${LT_VM_ONLY:-}" ] && return 0
	case " $LT_VM_ONLY " in *" $1 "*) return 0 ;; esac
	skip "$1: not in LT_VM_ONLY=\"$LT_VM_ONLY\""
	return 1
}

exit_of() { awk -v n="$2" '$1 == n { print $2 }' "$1/exits"; }

# boot SUITE GUEST_SCRIPT [ARCH [bpftrace]] -> $T/SUITE[-ARCH]/{log,files/}
boot() {
	local arch=${3:-amd64} d=$T/$1 b=$B mem=1024
	if [ "$arch" != amd64 ]; then
		d=$T/$1-$arch
		b=$B/$arch
	fi
	# bpftrace's ~200 MB of libraries unpack into the initramfs
	[ "${4:-}" = bpftrace ] && mem=3072
	payload "$d/payload" "$2" "$b" "$arch" "${4:-}"
	vm_run "$1 $arch" "$d" --suite "$1" --arch "$arch" --timeout 1200 --mem $mem
}

# vm_run LABEL DIR VM_RUN_ARGS...: boot DIR/payload (scripts/vm-run.sh),
# its files to DIR/files, and the kernel must have stayed quiet
vm_run() {
	local l=$1 d=$2
	shift 2
	if ! scripts/vm-run.sh --payload "$d/payload" --log "$d/log" "$@"; then
		not_ok "$l: VM run failed (see $d/log)"
		tail -30 "$d/log"
		return 1
	fi
	tests/vm/extract.py "$d/log" "$d/files"
	kernel_quiet "$l" "$d/files/dmesg"
}

# kernel_quiet LABEL DMESG: the kernel warned of nothing while lazytrace
# loaded, attached, ran and detached (a WARN, BUG or oops prints a
# "Call Trace"; oops=panic would end the VM before this).
kernel_quiet() {
	local bad
	if [ ! -s "$2" ]; then
		not_ok "$1: no dmesg came back from the guest"
		return
	fi
	bad=$(grep -E 'WARNING: |BUG: |Oops|Call Trace|stack segment' "$2")
	check "$1: the kernel logged no WARNING, BUG or trace (dmesg)" [ -z "$bad" ]
	[ -z "$bad" ] || echo "$bad" | head -20
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
	# Debian's amd64 cloud 7.2 is PREEMPT_DYNAMIC (lazy), its arm64 one
	# static PREEMPT_LAZY, which uname -v prints as "PREEMPT" like full
	# and no config file in the guest tells apart: "full or lazy", where
	# auto mode takes kprobes
	local pm=fentry
	grep -qE "^preemption: (full|rt) " $F/plan && pm=kprobe
	check "$L plan: page_alloc via $pm" grep -qE "^page_alloc +$pm" $F/plan
	check "$L plan: next batch via $pm" \
		grep -qE "^gather_next_batch +$pm +tlb_next_batch" $F/plan
	check "$L plan: inline boundaries explained" \
		grep -q "no out-of-line symbol, event depth unused" $F/plan
	check "$L plan: rules 7.0 by default" grep -q "^rules: 7.0 (default" $F/plan
	for m in fentry kprobe; do
		check "$L $m mode exits 0" [ "$(exit_of $F $m)" = 0 ]
		check "$L $m: state source is task_counters" \
			[ "$($J $F/$m.jsonl summary.state_source)" = task_counters ]
	done
	nb=$(sed -n 's/^nbcount: allocs=\([0-9]*\).*/\1/p' $F/nbcount)
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
	# exit-path stacks are ~17 frames deep; 8 are shown by default
	fe_cut=$($J $F/fentry.jsonl framescut:alloc_in_lazy)
	fe_bad=$(echo $($J $F/fentry.jsonl framesbad:alloc_in_lazy))
	check "$L every cut stack says so ($fe_cut of $fe_n, $fe_bad wrong)" \
		eval '[ "$fe_bad" -eq 0 ] && [ "$fe_cut" -eq "$fe_n" ]'
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
	# fentry reads the gather through its typed pointer, kprobe mode
	# through the helper: the same storm must give the same figures
	check "$L fentry and kprobe agree on the gathers" \
		eval '[ "$($J $F/fentry.jsonl summary.gathers_fullmm hmax:gather_batches hist:gather_batches)" = \
		        "$($J $F/kprobe.jsonl summary.gathers_fullmm hmax:gather_batches hist:gather_batches)" ] &&
		      [ "$($J $F/fentry.jsonl summary.gathers_fullmm)" -gt 0 ]'
	check "$L fentry and kprobe agree on the ranged gathers" \
		[ "$($J $F/fentry.jsonl summary.gathers_ranged)" = "$($J $F/kprobe.jsonl summary.gathers_ranged)" ]
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
	check "$L text run: the events list starts on a line of its own" \
		grep -qx "Events:" $F/text.out
	# the default policy (--info count): legal findings counted, none
	# printed, and the summary says so
	check "$L text run: legal findings counted, not printed" \
		eval 'grep -qE "^Legal \(info\) findings counted, not printed: [1-9]" $F/text.out &&
		      ! grep -qE "^[0-9:]+ info +alloc_in_lazy" $F/text.out'
	check "$L text run: the count is the summary's" \
		eval '[ "$(sed -n "s/^Legal (info) findings counted, not printed: //p" $F/text.out)" = \
		        "$(awk "\$1 == \"alloc_in_lazy\" { print \$2 }" $F/text.out | head -1)" ]'
	sed -n '1,40p' $F/text.out
	check "$L 7.x keeps no per-task state (task_states 0)" \
		[ "$($J $F/fentry.jsonl summary.task_states)" = 0 ]
	check "$L no transparent huge page backs the tracer ($(cat $F/fentry.thp) KiB)" \
		[ "$(cat $F/fentry.thp)" = 0 ]
	check_first $F "$L" "$nb"
	check_drop $F "$L" "$nb"
	check_folios $F "$L"
}

# Folio ranges (guest-sid.sh: lt-folios --wait-stdin 8 1024 under 64K
# anonymous mTHP): each munmap zaps 64 folios of 16 pages, two batch
# entries each. The first 4 fill the 8-entry local batch (64 pages),
# the other 60 one batch page (120 entries, 960 pages). A count by
# entries would see 1024 per round, an eighth of the pages, and no
# batch above 510 (MAX_GATHER_BATCH on 4K pages).
check_folios() {
	local F=$1 L="$2 folios" th=$1/folios.thp
	local p r want a64 f64 a2m sum n big hmax
	# guest-sid.sh writes MTHP-MISSING where it cannot turn 64K on
	if [ ! -s $th ] || grep -q '^MTHP-MISSING' $th; then
		not_ok "$L: no 64K anonymous mTHP:" \
			"$(grep '^MTHP-MISSING' $th 2>&1)"
		return 1
	fi
	p=$(sed -n 's/^FOLIOS rounds=[0-9]* pages=//p' $F/folios.out)
	r=$(sed -n 's/^FOLIOS rounds=\([0-9]*\) .*/\1/p' $F/folios.out)
	a64=$(thp_delta $th 64kB anon_fault_alloc)
	f64=$(thp_delta $th 64kB anon_fault_fallback)
	a2m=$(thp_delta $th 2048kB anon_fault_alloc)
	sum=$($J $F/folios.jsonl hsum:batch_pages:lt-folios)
	n=$($J $F/folios.jsonl hist:batch_pages:lt-folios)
	big=$($J $F/folios.jsonl hge:batch_pages:513)
	hmax=$($J $F/folios.jsonl hmax:batch_pages)
	echo "$L: $r rounds, $p pages written; 64K folios $a64" \
		"(fallbacks $f64), 2M $a2m"
	echo "$L: batch_pages sum $sum in $n batches, $big of 513+," \
		"hmax $hmax"
	want=$((${p:-0} / 16))
	# 8 rounds of 1024 pages, as guest-sid.sh runs it
	check "$L: lt-folios ran and exits 0 ($p pages)" eval \
		'[ "$(exit_of $F lt-folios)" = 0 ] && [ "${p:-0}" -eq 8192 ]'
	check "$L: lazytrace exits 0" [ "$(exit_of $F folios)" = 0 ]
	check "$L: 64K mTHP was on, PMD size off" \
		grep -q '^ENABLED \[always\] .* PMD .*\[never\]' $th
	# Every 16-page slot of the aligned regions must have faulted as
	# one folio. The counter is system-wide: lazytrace's consumer runs
	# in the window too (the guest shell only blocks in reads and uses
	# builtins), so 4 more are allowed; measured 512 exactly on amd64
	# and arm64.
	check "$L: a 64K folio per 16 pages ($a64 in $want..$((want + 4)))" \
		eval '[ "${a64:-0}" -ge "$want" ] && [ "$a64" -le $((want + 4)) ]'
	check "$L: and no PMD-sized folio ($a2m)" [ "${a2m:-1}" -eq 0 ]
	# No slack: the window holds the rounds alone (READY before, EOF
	# after), so neither the exec nor the exit (stack, data) is in it,
	# and page tables go through tlb_remove_table, not the page batch
	# (MMU_GATHER_RCU_TABLE_FREE in Debian's amd64 and arm64 configs).
	# Measured: 8192 exactly on both, in 8 batches of 64 and 8 of 960.
	check "$L: batch_pages sum = pages written ($sum = $p)" \
		eval '[ -n "$p" ] && [ "${sum:-0}" -eq "$p" ]'
	check "$L: two batches a round, local and one page ($n = 2 x $r)" \
		eval '[ -n "$r" ] && [ "${n:-0}" -eq $((2 * r)) ]'
	# More pages than a batch has entries: only counted ranges give that.
	check "$L: more pages than entries (hmax $hmax > 512)" \
		[ "${hmax:-0}" -gt 512 ]
	check "$L: one such batch per round ($big = $r)" \
		eval '[ -n "$r" ] && [ "${big:-0}" -eq "$r" ]'
}

# thp_delta FILE SIZE COUNTER: after - before, from guest-sid.sh's
# thp_stats lines "WHEN SIZE COUNTER VALUE".
thp_delta() {
	awk -v s=$2 -v c=$3 '$2 == s && $3 == c { v[$1] = $4 }
		END { if ("before" in v && "after" in v)
			print v["after"] - v["before"] }' $1
}

# --info first on the same storm: every allocation counted, the first of
# each stack streamed, the rest held back and counted as such.
check_first() {
	local F=$1 L="$2 --info first" nb=$3 agg grp str held cm
	agg=$($J $F/first.jsonl summary.findings.alloc_in_lazy)
	grp=$($J $F/first.jsonl groups:alloc_in_lazy)
	str=$($J $F/first.jsonl count:alloc_in_lazy)
	held=$($J $F/first.jsonl summary.info_held)
	cm=$(python3 -c "import json,sys
s=[json.loads(l) for l in open(sys.argv[1])][-1]
print(sum(c['count'] for c in s['comms'] if c['comm']=='lt-exitstorm'
          and c['kind']=='alloc_in_lazy'))" $F/first.jsonl)
	echo "$L: aggregated $agg in $grp stacks, streamed $str, held $held," \
		"per comm $cm, nbcount $nb"
	check "$L exits 0" [ "$(exit_of $F first)" = 0 ]
	check "$L: tlb_next_batch allocations equal the independent count" \
		eval '[ -n "$nb" ] && [ "$($J $F/first.jsonl groupstack:alloc_in_lazy:tlb_next_batch)" -eq "$nb" ]'
	check "$L: one record per stack ($str streamed, $grp stacks)" \
		eval '[ "${str:-0}" -gt 0 ] && [ "$str" -eq "$grp" ]'
	check "$L: streamed + held = aggregated ($str + $held = $agg)" \
		eval '[ "$($J $F/first.jsonl summary.dropped)" = 0 ] &&
		      [ $((str + held)) -eq "$agg" ]'
	check "$L: the per-comm count is exact ($cm)" [ "$cm" = "$agg" ]
	check "$L: the records are the legal ones" \
		[ "$($J $F/first.jsonl field:alloc_in_lazy:severity)" = info ]
	# its /metrics, scraped in the guest once the storm was over
	local ver sc
	ver=$(scripts/version.sh)
	# over every comm label: a comm's series counts from 0 when it gets
	# its label (this first scrape), what came before stays in "other"
	sc=$(awk '/^lazytrace_findings_total\{kind="alloc_in_lazy",/ \
		{ s += $NF } END { print s + 0 }' $F/metrics.txt)
	check "$L: /metrics scraped in the guest" [ "$(exit_of $F scrape)" = 0 ]
	check "$L: /metrics says version $ver" \
		grep -q "^lazytrace_build_info{version=\"$ver\"" $F/metrics.txt
	check "$L: /metrics counts the same $agg ($sc)" [ "$sc" = "$agg" ]
}

# Ring overflow and a second instance: the "drop" run shared the storm
# with the fentry and kprobe runs, with a 4 KiB ring and its consumer
# stopped (SIGSTOP) throughout.
check_drop() {
	local F=$1 L=$2 nb=$3 agg str drop dnb miss
	agg=$($J $F/drop.jsonl summary.findings.alloc_in_lazy)
	miss=$($J $F/drop.jsonl summary.prog_misses)
	str=$($J $F/drop.jsonl summary.streamed)
	drop=$($J $F/drop.jsonl summary.dropped)
	dnb=$($J $F/drop.jsonl groupstack:alloc_in_lazy:tlb_next_batch)
	echo "$L overflow: aggregated $agg, streamed $str, dropped $drop;" \
		"tlb_next_batch $dnb, nbcount $nb, program misses $miss"
	check "$L second fentry instance exits 0" [ "$(exit_of $F drop)" = 0 ]
	# Three tracers share one vCPU under PREEMPT_LAZY: a task preempted
	# inside a program makes the kernel skip the next run of it on that
	# CPU. Such a skip must be counted (prog_misses), never silent.
	check "$L second fentry instance: every allocation counted or its miss recorded" \
		eval '[ -n "$nb" ] && [ "${dnb:-0}" -le "$nb" ] &&
		      [ $((nb - dnb)) -le "${miss:-0}" ]'
	check "$L overflow: the stopped consumer made the ring drop" \
		[ "${drop:-0}" -gt 0 ]
	check "$L overflow: dropped = aggregated - streamed ($drop = $agg - $str)" \
		eval '[ -n "$agg" ] && [ "$drop" -eq $((agg - str)) ]'
	check "$L overflow: every streamed record was written" \
		[ "$($J $F/drop.jsonl count:alloc_in_lazy)" = "$str" ]
}

# SIGKILL mid-trace (guest-sid.sh kill_run): bpftool's view before and
# after. check_kill FILES LABEL NAME
check_kill() {
	local F=$1 L=$2 k=$3 ids id linked=0 left=0
	ids=$(sed -nE 's/^([0-9]+): .* name (fe|kp|tp)_.*/\1/p' $F/$k.progs.before)
	for id in $ids; do
		grep -qE "prog $id( |$)" $F/$k.links.before && linked=$((linked + 1))
		grep -qE "prog $id( |$)" $F/$k.links.after && left=$((left + 1))
	done
	echo "$L SIGKILL: $(echo $ids | wc -w) programs, $linked linked before;" \
		"$(grep -cE 'name (fe|kp|tp)_' $F/$k.progs.after) programs," \
		"$left links after"
	check "$L SIGKILL: lazytrace was killed (137)" [ "$(exit_of $F $k)" = 137 ]
	check "$L SIGKILL: programs were loaded before" [ -n "$ids" ]
	check "$L SIGKILL: and linked before (bpftool link show)" [ $linked -gt 0 ]
	check "$L SIGKILL: no lazytrace program left (bpftool prog show)" \
		[ "$(grep -cE 'name (fe|kp|tp)_' $F/$k.progs.after)" -eq 0 ]
	check "$L SIGKILL: no link left (bpftool link show)" [ $left -eq 0 ]
	check "$L SIGKILL: no kprobe_events left" [ ! -s $F/$k.kprobe_events ]
	check "$L SIGKILL: no kprobe left (debugfs kprobes/list as before)" \
		cmp -s $F/kprobes.base $F/$k.kprobes.after
	check "$L SIGKILL: no perf event program left (bpftool perf show)" \
		[ "$(grep -c . $F/$k.perf.after)" -eq 0 ]
}

# The kprobe-mode kill, in the middle of an exit storm: its kprobes are
# perf events, which must go with the process as well.
check_kill_kprobe() {
	local F=$1 L="$2 kprobe mode" pb kb nf
	check_kill $F "$L" killk
	pb=$(grep -c kprobe $F/killk.perf.before)
	kb=$(grep -c . $F/killk.kprobes.before)
	nf=$(tail -1 $F/killk.wl)
	echo "$L SIGKILL: $pb kprobe perf events, $kb kernel kprobes before;" \
		"$nf findings written"
	check "$L SIGKILL: the workload ran through the kill" eval \
		'grep -q "running at the kill" $F/killk.wl &&
		 grep -q "running after the kill" $F/killk.wl'
	check "$L SIGKILL: findings were being written" [ "${nf:-0}" -gt 0 ]
	check "$L SIGKILL: kprobe perf events before (bpftool perf show)" \
		[ "$pb" -gt 0 ]
	check "$L SIGKILL: kernel kprobes registered before (kprobes/list)" \
		[ "$kb" -gt "$(grep -c . $F/kprobes.base)" ]
}

# bpftrace (kfunc, i.e. fentry) on tlb_next_batch through the same storm
# as lazytrace's fentry and kprobe runs: both keep working. Each
# tlb_next_batch call allocates at most one batch page, and lazytrace's
# own fentry counts every call by every task while it is attached.
check_bpftrace() {
	local F=$1 L=$2 bt fe_nb nb calls
	bt=$(sed -n 's/^@nb: //p' $F/bpftrace.out)
	fe_nb=$($J $F/fentry.jsonl groupstack:alloc_in_lazy:tlb_next_batch)
	calls=$($J $F/fentry.jsonl summary.events.gather_next_batch)
	nb=$(sed -n 's/^nbcount: allocs=\([0-9]*\).*/\1/p' $F/nbcount)
	echo "$L bpftrace: $bt tlb_next_batch calls by lt-exitstorm;" \
		"lazytrace $fe_nb allocations there, $calls calls in all;" \
		"nbcount $nb"
	check "$L bpftrace ran beside lazytrace and exits 0" \
		[ "$(exit_of $F bpftrace)" = 0 ]
	check "$L bpftrace counted tlb_next_batch" [ "${bt:-0}" -gt 0 ]
	check "$L bpftrace saw every call lazytrace found allocating ($bt >= $fe_nb)" \
		eval '[ -n "$fe_nb" ] && [ "${bt:-0}" -ge "$fe_nb" ]'
	check "$L lazytrace counted every call bpftrace saw ($calls >= $bt)" \
		eval '[ -n "$bt" ] && [ "${calls:-0}" -ge "$bt" ]'
	check "$L with bpftrace attached: still equal to nbcount ($fe_nb = $nb)" \
		eval '[ -n "$nb" ] && [ "$fe_nb" = "$nb" ]'
}

plan_has() {	# plan_has FILES LABEL EVENT METHOD SYMBOL: one plan row
	check "$2 plan: $3 via $4 $5" grep -qE "^$3 +$4 +$5\$" $1/plan
}

# Pre-7.0 kernels (guest-old.sh): no lazy state; say so, and still count
# what the exit storm did (8 tasks x 3000 written pages each).
check_old() {
	local F=$1 L=$2 ver=$3 n
	echo "--- $L: $(cat $F/kernel)"; cat $F/plan
	check "$L boots $ver" grep -q "^$ver\." $F/kernel
	check "$L list-probes exits 0" [ "$(exit_of $F plan)" = 0 ]
	check "$L plan: no state source" grep -q "^lazy state: none" $F/plan
	check "$L plan: kernel predates the 7.0 counters" \
		grep -q "lazy_mmu_state: absent (kernel predates 7.0)" $F/plan
	check "$L plan: explains the degrade" grep -q "no lazy-state source" $F/plan
	check "$L plan: rules pre-7.0 by default" \
		grep -q "^rules: pre-7.0 (default" $F/plan
	check "$L plan: Xen PV hooks explained as idle" \
		grep -q "paravirt_enter_lazy_mmu: Xen PV hook, idle" $F/plan
	check "$L plan: lines under 80 columns" \
		[ "$(awk 'length > 79' $F/plan | wc -l)" -eq 0 ]
	check "$L plan: --boundaries watch explained, probes kept" eval \
		'[ "$(exit_of $F wplan)" = 0 ] &&
		 grep -q "task_struct.lazy_mmu_state: no 7.0 counters in BTF" $F/wplan &&
		 grep -q "paravirt_enter_lazy_mmu: Xen PV hook, idle" $F/wplan'
	check "$L: --boundaries watch refused in one line, exit 2" eval \
		'[ "$(exit_of $F wrun)" = 2 ] && [ "$(wc -l <$F/wrun)" = 1 ] &&
		 grep -q "^lazytrace: --boundaries watch: no 7.0 counters" $F/wrun'
	check "$L trace exits 0" [ "$(exit_of $F old)" = 0 ]
	check "$L summary: state source none" \
		[ "$($J $F/old.jsonl summary.state_source)" = none ]
	echo "$L: lt-exitstorm allocations $($J $F/old.jsonl hist:alloc_order:lt-exitstorm)," \
		"batches of 257+ pages $($J $F/old.jsonl hge:batch_pages:257)"
	n=$($J $F/old.jsonl hist:alloc_order:lt-exitstorm)
	# Each child: 3000 data pages plus its page tables (~10), batch pages
	# (6) and what its fork costs (stack, pgd, slabs): measured 32 a
	# child on 6.1 and 6.12, bounded at 100, so a double count (48000)
	# fails as well as a lost one.
	check "$L: every written page counted, once ($n in 24000..24800)" \
		eval '[ "$n" -ge 24000 ] && [ "$n" -le 24800 ]'
	# A child's exit frees its ~3000 pages in the 8-page local batch and
	# batch pages of 510: 5 full and a last one of 442+ pages, so exactly
	# 6 of 257+ each (sid's 24 children give 144). The parent's exit and
	# the shell torn down at exec are far smaller, but allow one each.
	n=$($J $F/old.jsonl hge:batch_pages:257)
	check "$L: batches of 257+ pages, 6 a child ($n in 48..50)" \
		eval '[ "$n" -ge 48 ] && [ "$n" -le 50 ]'
	check "$L: gathers counted" [ "$($J $F/old.jsonl hist:gather_batches)" -gt 0 ]
	check "$L: no findings claimed" [ "$($J $F/old.jsonl total)" = 0 ]
	check "$L: nothing dropped" [ "$($J $F/old.jsonl summary.dropped)" = 0 ]
}

# ---------------- Xen PV dom0: where lazy MMU mode is real ----------------
# boot_kmod NAME SUITE KMOD_TARGET GUEST VM_RUN_ARGS...: the kernel of the
# module target, with guest script GUEST, xencount, the injection driver
# and the module built for that kernel (scripts/build-kmod.sh; a failed
# build fails) -> $T/NAME/files.
boot_kmod() {
	local n=$1 suite=$2 kt=$3 g=$4 d=$T/$1 ko arch=amd64 b=$B
	shift 4
	case $kt in *-arm64-*) arch=arm64 b=$B/arm64 ;; esac
	payload "$d/payload" "$g" $b $arch
	cp $b/lt-inject "$d/payload"/
	[ $arch = amd64 ] && cp $B/xencount "$d/payload"/
	if ! ko=$(scripts/build-kmod.sh "$kt" 2>"$d.kmod.log" | tail -n1) ||
	   [ ! -f "$ko" ]; then
		not_ok "$n: cannot build the injection module for $kt (see $d.kmod.log)"
		tail -5 "$d.kmod.log"
		return 1
	fi
	cp "$ko" "$d/payload/lt_inject.ko"
	vm_run "$n" "$d" --suite "$suite" --arch $arch --timeout 1500 "$@"
}

# boot_xen NAME SUITE KMOD_TARGET [DOM0 ARGS]: the suite's generic kernel
# as Xen PV dom0 (guest-xen.sh).
boot_xen() {
	boot_kmod "$1" "$2" "$3" tests/vm/guest-xen.sh --xen ${4:+--append "$4"}
}

# truth FILES KEY: one count from xencount's or nbcount's last line.
truth() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" $1/truth | tail -1; }

# Pre-7.0 dom0 (6.12, 6.1): the design's enter/leave probes, the per-cpu
# Xen state cross-checked with the event depth, the pre-7.0 rules, and
# the seed's bug: tlb_next_batch allocating inside a section, an error.
# check_xen FILES LABEL VERSION ENTER FLUSH SWITCH_OUT SWITCH_IN STATEVAR
#           ALLOCFN (the get-free-pages entry in the stacks)
check_xen() {
	local F=$1 L=$2 ver=$3 pm=${10:-fentry} m n nb ne nl en le sp hf sk bad
	echo "--- $L: $(cat $F/kernel)"; cat $F/plan
	check "$L boots $ver as Xen PV dom0" eval \
		'grep -q "^$ver\." $F/kernel && [ "$(cat $F/hv)" = "xen PV" ]'
	check "$L list-probes exits 0" [ "$(exit_of $F plan)" = 0 ]
	plan_has $F "$L" section_enter $pm $4
	plan_has $F "$L" section_leave $pm xen_leave_lazy_mmu
	plan_has $F "$L" section_flush $pm $5
	plan_has $F "$L" switch_out $pm $6
	plan_has $F "$L" switch_in $pm $7
	check "$L plan: Xen per-cpu state cross-checked with the event depth" \
		grep -q "^lazy state: xen_percpu, cross-checked with event_depth" $F/plan
	check "$L plan: reads $8" grep -q "^  $8: Xen PV guest, per-cpu mode read" $F/plan
	check "$L plan: rules pre-7.0 by default" grep -q "^rules: pre-7.0 (default" $F/plan
	check "$L plan: lines under 80 columns" [ "$(awk 'length > 79' $F/plan | wc -l)" -eq 0 ]
	nb=$(truth $F allocs); ne=$(truth $F enters); nl=$(truth $F leaves)
	check "$L xencount: tasks balanced, the per-cpu mode readable" eval \
		'[ "$(truth $F unbalanced)" = 0 ] && [ "$(truth $F open_tasks)" = 0 ] &&
		 [ "$(truth $F no_mode)" = 0 ] && [ "${ne:-0}" -gt 0 ] && [ "$ne" = "$nl" ]'
	for m in fentry kprobe auto; do
		n=$($J $F/$m.jsonl groupstack:alloc_in_lazy:$9)
		en=$($J $F/$m.jsonl summary.boundaries.enters)
		le=$($J $F/$m.jsonl summary.boundaries.leaves)
		sp=$($J $F/$m.jsonl hist:section_span:lt-exitstorm)
		echo "$L $m: alloc_in_lazy via $9 $n (xencount $nb), enters $en" \
			"leaves $le (xencount $ne $nl), spans $sp," \
			"misses $($J $F/$m.jsonl summary.prog_misses)"
		check "$L $m exits 0" [ "$(exit_of $F $m)" = 0 ]
		# equal, but for runs either side says the kernel skipped
		# (0 and 0 without preempt=full: then exactly equal)
		sk=$(( $($J $F/$m.jsonl summary.may_lack.alloc_in_lazy) + $(truth $F misses) ))
		check "$L $m: allocations in sections equal xencount ($n = $nb, skipped $sk)" \
			eval '[ -n "$nb" ] && [ "$nb" -gt 0 ] && [ "${n:-0}" -gt 0 ] &&
			      d=$((n > nb ? n - nb : nb - n)) && [ "$d" -le "$sk" ]'
		check "$L $m: every one an error, $9 in its stack" python3 -c "
import json,sys
f=[json.loads(l) for l in open('$F/$m.jsonl')]
a=[r for r in f if r.get('type')=='finding' and r['kind']=='alloc_in_lazy']
sys.exit(not a or any(r['severity']!='error' or
	not any(x.startswith('$9+') for x in r['stack']) for r in a))"
		sk=$(( $($J $F/$m.jsonl summary.misses_by_event.section_enter) +
		       $($J $F/$m.jsonl summary.misses_by_event.section_leave) +
		       $(truth $F misses) ))
		check "$L $m: enters = leaves = xencount's ($en $le $ne, skipped $sk)" \
			eval '[ -n "$ne" ] && [ "$en" = "$le" ] &&
			      d=$((en > ne ? en - ne : ne - en)) && [ "$d" -le "$sk" ]'
		# a sample the histogram map refused is counted (hist_full:
		# seen twice on 6.1, whose maps are preallocated), never lost
		hf=$($J $F/$m.jsonl summary.hist_full)
		check "$L $m: one section span per section ($sp = $en - up to $hf refused)" \
			eval '[ "$sp" -le "$en" ] && [ $((en - sp)) -le "$hf" ]'
		check "$L $m: nesting_depth from real boundaries" \
			[ "$($J $F/$m.jsonl hist:nesting_depth:lt-exitstorm)" -gt 0 ]
		bad=$(echo $($J $F/$m.jsonl summary.findings.nested_enter summary.findings.unbalanced_disable summary.findings.state_mismatch summary.findings.open_at_exit summary.findings.outer_lost_lazy))
		check "$L $m: no other finding ($bad)" [ "$bad" = "0 0 0 0 0" ]
	done
	# Without preempt=full nothing preempts a program: none skipped.
	# (With it, even kprobes are skipped while a preempted map syscall
	# holds the CPU's bpf_prog_active; the bounds above cover it.)
	[ "$pm" = fentry ] && check "$L kprobe mode: no program run skipped" \
		[ "$($J $F/kprobe.jsonl summary.prog_misses)" = 0 ]
}

# check_queries JSONL LABEL: each stdin line "QUERY COUNT" (tests/lib/
# jsonl.py) must give COUNT
check_queries() {
	local q want got
	while read -r q want; do
		got=$($J $1 $q)
		check "$2: $q = $want ($got)" [ "$got" = "$want" ]
	done
}

# check_inject FILES LABEL: the module's words under lazytrace --comm
# lt-inject (guest-xen.sh). hold keeps a section open 300 ms with
# preemption on; under preempt=full the scheduler switches it out and in.
check_inject() {
	local F=$1 L=$2 pre a sw bad
	pre=$(sed -n 's/.*hold 300ms: preempted \([0-9]*\) times.*/\1/p' $F/inject.log)
	a=$($J $F/inject.jsonl groupstack:alloc_in_lazy:lt_inject_alloc)
	sw=$($J $F/inject.jsonl summary.boundaries.switch_pairs)
	echo "$L inject: hold preempted $pre times (module), switch pairs $sw;" \
		"alloc $a; nested $($J $F/inject.jsonl summary.findings.nested_enter)"
	check "$L inject: every word ran" eval \
		'[ "$(exit_of $F inject-hold)" = 0 ] && [ "$(exit_of $F inject-alloc)" = 0 ] &&
		 [ "$(exit_of $F inject-sleep)" = 0 ] && [ "$(exit_of $F inject-alloc_bh_in)" = 0 ]'
	check "$L inject: lazytrace exits 0" [ "$(exit_of $F inject)" = 0 ]
	check "$L inject: 3 allocations that can sleep, 3 errors ($a)" [ "$a" = 3 ]
	# pre-7.0 rules: any allocation in a section is an error, GFP_NOWAIT
	# too; BH-off code is not lazy for Xen's own getters either
	check_queries $F/inject.jsonl "$L inject" <<-'EOT'
	groupstack:alloc_in_lazy:lt_inject_alloc_nowait 4
	groupstack:alloc_in_lazy:lt_inject_alloc_bh 0
	groupstack:alloc_in_lazy:lt_inject_alloc_bh_in 0
	groupstack:sleep_in_lazy:lt_inject_sleep 2
	EOT
	check "$L inject: every finding an error (pre-7.0 rules)" python3 -c "
import json,sys
f=[json.loads(l) for l in open('$F/inject.jsonl')]
a=[r for r in f if r.get('type')=='finding' and r['kind'] in
   ('alloc_in_lazy','sleep_in_lazy')]
sys.exit(not a or any(r['severity']!='error' for r in a))"
	if grep -qx nest $F/words; then
		check "$L inject: 5 nested enters ($($J $F/inject.jsonl groupstack:nested_enter:lt_inject_nest))" \
			[ "$($J $F/inject.jsonl groupstack:nested_enter:lt_inject_nest)" = 5 ]
	fi
	check "$L inject: boundaries balanced" eval \
		'[ "$($J $F/inject.jsonl summary.boundaries.enters)" = "$($J $F/inject.jsonl summary.boundaries.leaves)" ]'
	bad=$(echo $($J $F/inject.jsonl summary.findings.unbalanced_disable summary.findings.state_mismatch summary.findings.open_at_exit summary.findings.open_at_user_return))
	check "$L inject: no false unbalanced, mismatch or open finding ($bad)" \
		[ "$bad" = "0 0 0 0" ]
}

if wanted xen-trixie && boot_xen xen-trixie trixie trixie-amd64-generic; then
	check_xen $T/xen-trixie/files "xen 6.12" 6.12 xen_enter_lazy_mmu \
		xen_flush_lazy_mmu xen_start_context_switch xen_end_context_switch \
		xen_lazy_mode get_free_pages_noprof
	check "xen 6.12 plan: Xen counts nested enters" \
		grep -q "xen_lazy_nesting: Xen counts nested enters" $T/xen-trixie/files/plan
	check_inject $T/xen-trixie/files "xen 6.12"
fi
# preempt=full: a second workload shares the vCPU all along, and the
# module's section is preempted: scheduler pairs are no boundaries, and
# auto mode's kprobes lose no run.
if wanted xen-trixie-preempt &&
   boot_xen xen-trixie-preempt trixie trixie-amd64-generic preempt=full; then
	F=$T/xen-trixie-preempt/files
	check_xen $F "xen 6.12 preempt=full" 6.12 xen_enter_lazy_mmu \
		xen_flush_lazy_mmu xen_start_context_switch xen_end_context_switch \
		xen_lazy_mode get_free_pages_noprof kprobe
	check "xen 6.12 preempt=full plan: full, kprobes first" eval \
		'grep -q "^preemption: full" $F/plan && grep -qE "^page_alloc +kprobe" $F/plan'
	check "xen 6.12 preempt=full: kprobes skip fewer runs than fentry" \
		[ "$($J $F/auto.jsonl summary.prog_misses)" -lt "$($J $F/fentry.jsonl summary.prog_misses)" ]
	check_inject $F "xen 6.12 preempt=full"
	# the module counts its task's involuntary switches around the
	# section: it reads nivcsw just before lt_enter() and just after
	# lt_leave() (lt_inject.c lt_inject_hold), so up to 2 of them may
	# fall outside it (seen once: 72 counted, 73 pairs = 71 + 2)
	pre=$(sed -n 's/.*hold 300ms: preempted \([0-9]*\) times.*/\1/p' $F/inject.log)
	# and the 2 sleep words' sections are switched out and in once each
	# (msleep's uninterruptible sleep wakes on its timer only); a tick
	# may also preempt one of those two short sections before it sleeps
	sp=$($J $F/inject.jsonl summary.boundaries.switch_pairs)
	check "xen 6.12 preempt=full: each preemption of the held section and each sleep a pair ($sp in $pre + 2 - 2 .. $pre + 4)" \
		eval '[ "${pre:-0}" -gt 0 ] && [ "$sp" -ge "$pre" ] &&
		      [ "$sp" -le $((pre + 4)) ]' 
fi
if wanted xen-bookworm && boot_xen xen-bookworm bookworm bookworm-amd64-generic; then
	check_xen $T/xen-bookworm/files "xen 6.1" 6.1 paravirt_enter_lazy_mmu \
		paravirt_flush_lazy_mmu paravirt_start_context_switch \
		paravirt_end_context_switch paravirt_lazy_mode __get_free_pages
	check_inject $T/xen-bookworm/files "xen 6.1"
fi
# 7.2 dom0: the task counters as on the cloud kernel, and only the flush
# out of line. Debian's 7.2 resumes a new task at its first switch-in
# without a pause before (enlighten_pv.c:428-435): every forked task runs
# with pause_count wrapped, so lazy mode never activates there. lazytrace
# reports that once per task, as an unbalanced resume.
if wanted xen-sid && boot_xen xen-sid sid sid-amd64-generic; then
	F=$T/xen-sid/files
	echo "--- xen 7.2: $(cat $F/kernel)"; cat $F/plan
	check "xen 7.2 boots 7.x as Xen PV dom0" eval \
		'grep -q "^7\." $F/kernel && [ "$(cat $F/hv)" = "xen PV" ]'
	check "xen 7.2 plan: task counters, rules 7.0" eval \
		'grep -q "^lazy state: task_counters$" $F/plan && grep -q "^rules: 7.0 (default" $F/plan'
	plan_has $F "xen 7.2" section_flush fentry xen_flush_lazy_mmu
	check "xen 7.2 plan: switch hooks skipped, no boundaries" \
		grep -q "skipped: no section boundaries to tell apart" $F/plan
	for m in fentry kprobe auto; do
		n=$(python3 -c "
import json
f=[json.loads(l) for l in open('$F/$m.jsonl')]
a=[r for r in f if r.get('type')=='finding' and r['kind']=='unbalanced_disable']
print(len(a), len({r['tid'] for r in a}),
      sum(r['pause']>=128 and r['counter']=='pause_count' for r in a))")
		echo "xen 7.2 $m: wrapped-pause findings, tasks, with pause >= 128: $n"
		check "xen 7.2 $m: each lt-exitstorm task reported once, pause wrapped ($n)" \
			eval 'set -- $n; [ "$1" -ge 9 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ]'
		check "xen 7.2 $m: no open-section finding for it" eval \
			'[ "$(echo $($J $F/$m.jsonl summary.findings.open_at_user_return summary.findings.open_at_exit))" = "0 0" ]'
		check "xen 7.2 $m: no allocation in an active section, as nbcount ($(truth $F allocs))" \
			eval '[ "$($J $F/$m.jsonl summary.findings.alloc_in_lazy)" = "$(truth $F allocs)" ]'
	done
	# The module, its writer's pause count repaired first (unwrap): the
	# 5 nested disables reach xen_flush_lazy_mmu still nested.
	n=$($J $F/inject.jsonl summary.boundaries.flush_nested)
	echo "xen 7.2 inject: nested flushes $n, closing" \
		"$($J $F/inject.jsonl summary.boundaries.flush_closing)," \
		"wrapped tasks $($J $F/inject.jsonl summary.findings.unbalanced_disable)"
	check "xen 7.2 inject: every word ran" eval \
		'[ "$(exit_of $F inject-hold)" = 0 ] && [ "$(exit_of $F inject-alloc)" = 0 ] &&
		 [ "$(exit_of $F inject-nest)" = 0 ]'
	check "xen 7.2 inject: 5 nested flushes seen at xen_flush_lazy_mmu ($n)" [ "$n" = 5 ]
	check "xen 7.2 inject: 3 allocations that can sleep, errors" \
		[ "$($J $F/inject.jsonl groupstack:alloc_in_lazy:lt_inject_alloc)" = 3 ]
	check "xen 7.2 inject: 2 sleeps in sections, errors" \
		[ "$($J $F/inject.jsonl groupstack:sleep_in_lazy:lt_inject_sleep)" = 2 ]
	check "xen 7.2 inject: 4 GFP_NOWAIT allocations, info" python3 -c "
import json,sys
f=[json.loads(l) for l in open('$F/inject.jsonl')]
a=[r['severity'] for r in f if r.get('type')=='finding' and
   any(x.split('+')[0]=='lt_inject_alloc_nowait' for x in r['stack'])]
sys.exit(a!=['info']*4)"
	# one writer process per word, each forked with its pause count wrapped
	nw=$(grep -c '^inject-' $F/exits)
	check "xen 7.2 inject: each of the $nw writers reported wrapped once" \
		[ "$($J $F/inject.jsonl summary.findings.unbalanced_disable)" = "$nw" ]
fi

# ---------------- every finding kind from the injection module ----------
# the words the 7.x module offers (sorted, as the check compares them)
W7="alloc alloc_bh alloc_bh_in alloc_nowait enable_paused flush hold nest open_exit open_user sleep unbalanced unbalanced_keep unwrap "
# check_inject7 FILES LABEL: guest-inject.sh ran each word alone under
# lazytrace --comm lt-inject --info all (7.0 rules, task counters). Each
# row: word, kind, the module function in the stack ("-": any), the
# count, its severity ("-": none expected).
check_inject7() {
	local F=$1 L=$2 words=$3 w k fn want sev got
	echo "--- $L inject: $(cat $F/kernel)"
	check "$L inject: every word listed" eval \
		'[ "$(sort $F/words | tr "\n" " ")" = "$words" ]'
	while read -r w k fn want sev; do
		[ -s "$F/w_$w.jsonl" ] || { not_ok "$L inject $w: no trace"; continue; }
		if [ "$fn" = - ]; then
			got=$($J $F/w_$w.jsonl summary.findings.$k)
		else
			got=$($J $F/w_$w.jsonl groupstack:$k:$fn)
		fi
		echo "$L inject $w: $k ${fn#-} $got (injected $want)"
		check "$L inject $w: exits 0, lazytrace too" eval \
			'[ "$(exit_of $F inject-$w)" = 0 ] && [ "$(exit_of $F w_$w)" = 0 ]'
		check "$L inject $w: $k = $want ($got)" [ "$got" = "$want" ]
		# the injected ones' severity (the writer's own exit makes
		# legal tlb_next_batch allocations too)
		[ "$sev" = - ] || check "$L inject $w: $k is $sev" python3 -c "
import json,sys
f=[json.loads(l) for l in open('$F/w_$w.jsonl')]
a=[r for r in f if r.get('type')=='finding' and r['kind']=='$k' and
   ('$fn'=='-' or any(x.split('+')[0]=='$fn' for x in r['stack']))]
sys.exit(not a or any(r['severity']!='$sev' for r in a))"
	done <<-'EOT'
	alloc alloc_in_lazy lt_inject_alloc 3 error
	alloc_nowait alloc_in_lazy lt_inject_alloc_nowait 4 info
	alloc_bh alloc_in_lazy lt_inject_alloc_bh 0 -
	alloc_bh_in alloc_in_lazy lt_inject_alloc_bh_in 0 -
	sleep sleep_in_lazy lt_inject_sleep 2 error
	flush flush_in_lazy lt_inject_flush 4 info
	open_user open_at_user_return - 6 error
	open_exit open_at_exit - 2 error
	open_exit sleep_in_lazy - 0 -
	unbalanced unbalanced_disable - 2 error
	hold sleep_in_lazy - 0 -
	EOT
	# each flush word's munmap flushes the TLB once and frees its page
	# batch once inside the section: both are flush work
	check "$L inject flush: 2 TLB flushes and 2 batch frees" python3 -c "
import json,sys
f=[json.loads(l) for l in open('$F/w_flush.jsonl')]
a=[r['event'] for r in f if r.get('type')=='finding' and r['kind']=='flush_in_lazy']
sys.exit(sorted(a)!=['gather_batch_free']*2+['tlb_flush']*2)"
	# the kinds these kernels cannot show: the plan says why
	check "$L inject: nesting and pauses not observable, the plan says so" eval \
		'grep -q "^  section_enter: nesting depth from events" $F/plan &&
		 grep -q "^  section_pause: pause depth from events" $F/plan'
	check "$L inject nest, enable_paused: ran" eval \
		'[ "$(exit_of $F inject-nest)" = 0 ] && [ "$(exit_of $F inject-enable_paused)" = 0 ]'
	check "$L inject: the wrapped counter is 255, reported as a disable" \
		python3 -c "
import json,sys
f=[json.loads(l) for l in open('$F/w_unbalanced.jsonl')]
a=[r for r in f if r.get('type')=='finding' and r['kind']=='unbalanced_disable']
sys.exit(len(a)!=2 or any(r['depth']!=255 or r['counter']!='enable_count' for r in a))"
}

if wanted sid-inject &&
   boot_kmod sid-inject sid sid-amd64-cloud tests/vm/guest-inject.sh; then
	check_inject7 $T/sid-inject/files "sid amd64" "$W7"
	check_watch $T/sid-inject/files "sid amd64 watch"
fi

# PREEMPT_RT (Debian's rt-amd64): the same table, and what RT changes.
# BH-off code counts in the task there (softirq_disable_cnt), not in
# preempt_count; and a contended spinlock_t blocks in TASK_RTLOCK_WAIT,
# which is legal in a section (docs/RULES.md): the module's rtlock word
# counts the times its writer blocked, lazytrace counts rtlock_waits.
if wanted sid-rt && boot_kmod sid-rt sid sid-amd64-rt tests/vm/guest-inject.sh \
	--flavour rt; then
	F=$T/sid-rt/files
	check_inject7 $F "sid rt" "$(printf '%s\n' $W7 rtlock | sort | tr '\n' ' ')"
	check "sid rt plan: preemption rt, kprobes first" eval \
		'grep -q "^preemption: rt" $F/plan && grep -qE "^page_alloc +kprobe" $F/plan'
	check "sid rt plan: per-CPU maps preallocated" \
		grep -q "^per-CPU maps: preallocated, ~1.8 MB a CPU (PREEMPT_RT" $F/plan
	ag=0
	for f in $F/w_*.jsonl; do
		ag=$((ag + $($J $f summary.aggregation_full)))
	done
	check "sid rt: no finding refused by the maps ($ag)" [ "$ag" = 0 ]
	check "sid rt plan: the BH-off test reads the task" \
		grep -q "BH-off test: task softirq_disable_cnt (PREEMPT_RT)" $F/plan
	b=$(sed -n 's/.*rtlock 3: blocked \([0-9]*\) times.*/\1/p' $F/dmesg | tail -1)
	r=$($J $F/w_rtlock.jsonl summary.boundaries.rtlock_waits)
	echo "sid rt inject rtlock: the writer blocked $b times in its" \
		"sections, lazytrace rtlock_waits $r," \
		"sleep_in_lazy $($J $F/w_rtlock.jsonl summary.findings.sleep_in_lazy)"
	check "sid rt inject rtlock: ran, lazytrace exits 0" eval \
		'[ "$(exit_of $F inject-rtlock)" = 0 ] && [ "$(exit_of $F w_rtlock)" = 0 ]'
	check "sid rt inject rtlock: lock waits = the module's count ($r = $b > 0)" \
		eval '[ "${b:-0}" -gt 0 ] && [ "$r" = "$b" ]'
	check "sid rt inject rtlock: no sleep_in_lazy" \
		[ "$($J $F/w_rtlock.jsonl summary.findings.sleep_in_lazy)" = 0 ]
fi

# The same words under one lazytrace run (guest-inject1.sh), told apart
# by kind and by the module function in the stack: arm64 under TCG
# takes ~25 s for each lazytrace start.
check_inject_one() {
	local F=$1 L=$2 q want got w
	echo "--- $L inject: $(cat $F/kernel)"
	check "$L inject: lazytrace exits 0" [ "$(exit_of $F one)" = 0 ]
	for w in alloc alloc_nowait alloc_bh alloc_bh_in sleep open_user \
		 open_exit unbalanced enable_paused nest flush hold; do
		check "$L inject $w: ran" [ "$(exit_of $F inject-$w)" = 0 ]
	done
	# arm64 7.2: tlb_flush() is inline, no symbol sees the TLB flush
	# (the plan says so); each munmap's batch free is seen
	check "$L inject flush: 2 batch frees, the TLB flush not observable" \
		eval 'grep -qE "^tlb_flush +- +not observed" $F/plan &&
		      [ "$($J $F/one.jsonl groupstack:flush_in_lazy:lt_inject_flush)" = 2 ]'
	check "$L inject flush: all of them batch frees" python3 -c "
import json,sys
f=[json.loads(l) for l in open('$F/one.jsonl')]
a={r['event'] for r in f if r.get('type')=='finding' and
   r['kind']=='flush_in_lazy'}
sys.exit(a!={'gather_batch_free'})"
	# query, count: open_user returns to user twice a round (6), and
	# each open_exit child once before it exits (2)
	check_queries $F/one.jsonl "$L inject" <<-'EOT'
	groupstack:alloc_in_lazy:lt_inject_alloc 3
	groupstack:alloc_in_lazy:lt_inject_alloc_nowait 4
	groupstack:alloc_in_lazy:lt_inject_alloc_bh 0
	groupstack:alloc_in_lazy:lt_inject_alloc_bh_in 0
	groupstack:sleep_in_lazy:lt_inject_sleep 2
	summary.findings.sleep_in_lazy 2
	summary.findings.open_at_user_return 8
	summary.findings.open_at_exit 2
	summary.findings.unbalanced_disable 2
	EOT
	check "$L inject: sleeping allocations are errors, GFP_NOWAIT info" \
		python3 -c "
import json,sys
f=[json.loads(l) for l in open('$F/one.jsonl')]
def sev(fn): return {r['severity'] for r in f if r.get('type')=='finding'
	and any(x.split('+')[0]==fn for x in r['stack'])}
sys.exit(sev('lt_inject_alloc')!={'error'} or sev('lt_inject_alloc_nowait')!={'info'})"
	check "$L inject: nesting and pauses not observable, the plan says so" eval \
		'grep -q "^  section_enter: nesting depth from events" $F/plan &&
		 grep -q "^  section_pause: pause depth from events" $F/plan'
}

if ! wanted sid-arm64-inject; then
	:
elif ! command -v qemu-system-aarch64 >/dev/null; then
	not_ok "sid arm64 inject: qemu-system-aarch64 not installed"
elif boot_kmod sid-arm64-inject sid sid-arm64-cloud tests/vm/guest-inject1.sh; then
	check_inject_one $T/sid-arm64-inject/files "sid arm64"
	check_watch $T/sid-arm64-inject/files "sid arm64 watch"
fi

# 16 KiB pages (Debian's arm64-16k, guest-16k.sh): the module's words,
# then lt-folios with every THP size off, 2 rounds of 4096 small pages.
# A batch page holds 2046 entries there (510 on 4K): each munmap fills
# the local batch (8), a whole batch page and most of a second. Before
# the batch walk went past 512 entries, a batch counted 512 at most.
if ! wanted sid-arm64-16k; then
	:
elif ! command -v qemu-system-aarch64 >/dev/null; then
	not_ok "sid arm64-16k: qemu-system-aarch64 not installed"
elif boot_kmod sid-arm64-16k sid sid-arm64-16k tests/vm/guest-16k.sh \
	--flavour 16k; then
	F=$T/sid-arm64-16k/files
	check_inject_one $F "sid arm64-16k"
	ps=$(sed -n 's/^READY lt-folios .*pagesize=\([0-9]*\).*/\1/p' $F/batch.out)
	p=$(sed -n 's/^FOLIOS rounds=[0-9]* pages=//p' $F/batch.out)
	sum=$($J $F/batch.jsonl hsum:batch_pages:lt-folios)
	n=$($J $F/batch.jsonl hist:batch_pages:lt-folios)
	big=$($J $F/batch.jsonl hge:batch_pages:1025)
	echo "sid arm64-16k: page size $ps, $p pages written;" \
		"batch_pages sum $sum in $n batches, $big of 1025+," \
		"hmax $($J $F/batch.jsonl hmax:batch_pages)"
	check "sid arm64-16k: 16 KiB pages" [ "$ps" = 16384 ]
	check "sid arm64-16k: every THP size off" eval \
		'[ -s $F/thp ] && ! grep -v "\[never\]" $F/thp'
	check "sid arm64-16k: lt-folios and lazytrace exit 0 ($p pages)" eval \
		'[ "$(exit_of $F lt-folios)" = 0 ] && [ "$(exit_of $F batch)" = 0 ] &&
		 [ "${p:-0}" -eq 8192 ]'
	check "sid arm64-16k: batch_pages sum = pages written ($sum = $p)" \
		eval '[ -n "$p" ] && [ "${sum:-0}" -eq "$p" ]'
	check "sid arm64-16k: batches past 512 entries counted whole ($big >= 2)" \
		[ "${big:-0}" -ge 2 ]
fi

# ---------------- sid 7.x with preempt=full ----------------
# The exact counts hold where programs can be preempted: auto mode takes
# kprobes there and loses no run; fentry mode's shortfall, if any, is
# within what it reports it may lack.
if wanted sid-preempt &&
   boot_kmod sid-preempt sid sid-amd64-cloud tests/vm/guest-preempt.sh \
	--append preempt=full; then
	F=$T/sid-preempt/files
	echo "--- sid preempt=full: $(cat $F/kernel)"; cat $F/plan
	nb=$(truth $F allocs)
	a=$($J $F/auto.jsonl groupstack:alloc_in_lazy:tlb_next_batch)
	fe=$($J $F/fentry.jsonl groupstack:alloc_in_lazy:tlb_next_batch)
	fm=$($J $F/fentry.jsonl summary.may_lack.alloc_in_lazy)
	echo "sid preempt=full: nbcount $nb (misses $(truth $F misses));" \
		"auto $a (misses $($J $F/auto.jsonl summary.prog_misses));" \
		"fentry $fe (may lack $fm)"
	check "sid preempt=full plan: full, kprobes first" eval \
		'grep -q "^preemption: full" $F/plan && grep -qE "^page_alloc +kprobe" $F/plan'
	# Even kprobe programs are skipped there while a task that holds
	# the CPU's bpf_prog_active (a map syscall, which runs preemptible)
	# is preempted: measured 22 page_alloc skips in auto mode, 2 in
	# nbcount. Both sides say how many; the counts must agree within
	# that, and kprobes must skip fewer runs than fentry.
	am=$($J $F/auto.jsonl summary.may_lack.alloc_in_lazy)
	nm=$(truth $F misses)
	check "sid preempt=full: auto exits 0" [ "$(exit_of $F auto)" = 0 ]
	check "sid preempt=full: auto and nbcount agree within their skipped runs ($a, $nb; $am + $nm)" \
		eval '[ -n "$nb" ] && [ "$nb" -gt 0 ] && [ "${a:-0}" -gt 0 ] &&
		      d=$((a > nb ? a - nb : nb - a)) && [ "$d" -le $((am + nm)) ]'
	check "sid preempt=full: auto's skipped page_alloc runs are its may_lack" \
		[ "$am" = "$($J $F/auto.jsonl summary.misses_by_event.page_alloc)" ]
	check "sid preempt=full: fentry within what it says it may lack" \
		eval 'd=$((fe > nb ? fe - nb : nb - fe)) && [ "$d" -le $((fm + nm)) ]'
	check "sid preempt=full: kprobes skip fewer runs than fentry ($am < $fm)" \
		[ "$am" -lt "$fm" ]
	pre=$(sed -n 's/.*hold 300ms: preempted \([0-9]*\) times.*/\1/p' $F/inject.log)
	echo "sid preempt=full inject: hold preempted $pre times;" \
		"$(echo $($J $F/inject.jsonl summary.findings))"
	check "sid preempt=full inject: the held section was preempted ($pre)" \
		[ "${pre:-0}" -gt 0 ]
	check "sid preempt=full inject: 3 allocations that can sleep, errors" \
		[ "$($J $F/inject.jsonl groupstack:alloc_in_lazy:lt_inject_alloc)" = 3 ]
	check "sid preempt=full inject: 2 sleeps in a section" \
		[ "$($J $F/inject.jsonl groupstack:sleep_in_lazy:lt_inject_sleep)" = 2 ]
	check "sid preempt=full inject: a preemption is no sleep, nothing else" \
		[ "$(echo $($J $F/inject.jsonl summary.findings.sleep_in_lazy summary.findings.unbalanced_disable summary.findings.open_at_user_return summary.findings.state_mismatch))" = "2 0 0 0" ]
fi

# ---------------- sid: 7.x with task counters ----------------
if wanted sid-amd64 && boot sid tests/vm/guest-sid.sh amd64 bpftrace; then
	check_7x $T/sid/files "sid amd64" x86_64
	check "sid amd64 plan: lazy preemption (PREEMPT_DYNAMIC), fentry kept" \
		grep -q "^preemption: lazy (debugfs sched/preempt)" $T/sid/files/plan
	check_bpftrace $T/sid/files "sid amd64"
	check_kill $T/sid/files "sid amd64" kill
	check_kill_kprobe $T/sid/files "sid amd64"
fi

# ---------------- sid arm64: the same 7.x assertions ----------------
# install-deps installs qemu-system-arm: a missing one is a failure here,
# never a skip (vm-run.sh alone would exit 77).
if ! wanted sid-arm64; then
	:
elif ! command -v qemu-system-aarch64 >/dev/null; then
	not_ok "sid arm64: qemu-system-aarch64 not installed (scripts/install-deps.sh: qemu-system-arm)"
elif [ ! -x $B/arm64/lazytrace ] || [ ! -x $B/arm64/nbcount ]; then
	not_ok "sid arm64: no arm64 build in $B/arm64 (make ARCH=arm64)"
elif boot sid tests/vm/guest-sid.sh arm64; then
	F=$T/sid-arm64/files
	check_7x $F "sid arm64" aarch64
	# __tlb_batch_free_encoded_pages is inlined there: the chain walk.
	check "sid arm64 plan: static PREEMPT, full or lazy unknown, kprobes first" \
		grep -q "^preemption: full or lazy (uname -v PREEMPT; no config to tell)" $F/plan
	check "sid arm64 plan: batch free via tlb_batch_pages_flush" \
		grep -qE "^gather_batch_free +kprobe +tlb_batch_pages_flush" $F/plan
	check "sid arm64: full batches (257-512 pages) counted" \
		[ "$($J $F/fentry.jsonl hmax:batch_pages)" -ge 512 ]
	skip "sid arm64 SIGKILL check: only the amd64 payload carries bpftool"
fi

# ---------------- trixie: 6.12 without counters ----------------
if wanted trixie && boot trixie tests/vm/guest-old.sh; then
	F=$T/trixie/files
	check_old $F "6.12" 6.12
	plan_has $F 6.12 page_alloc fentry __alloc_pages_noprof
	plan_has $F 6.12 gather_next_batch fentry tlb_next_batch
	plan_has $F 6.12 gather_batch_free fentry __tlb_batch_free_encoded_pages
	# 6 batch pages a child (above), 8 children. This count is of every
	# task (lazytrace's own munmaps too, 134 in all once), so it has no
	# upper bound; the comm-filtered batches above have one.
	n=$($J $F/old.jsonl summary.events.gather_next_batch)
	check "6.12: next batches counted, 6 a child at least ($n >= 48)" \
		[ "$n" -ge 48 ]
fi

# ---------------- bookworm: 6.1, the oldest supported ----------------
# 6.1 predates memory allocation profiling (__alloc_pages, no _noprof)
# and encoded batch pages (6.3), and inlines tlb_next_batch.
if wanted bookworm && boot bookworm tests/vm/guest-old.sh; then
	F=$T/bookworm/files
	check_old $F "6.1" 6.1
	plan_has $F 6.1 page_alloc fentry __alloc_pages
	check "6.1 plan: tlb_next_batch inlined, explained" \
		eval 'grep -q "^gather_next_batch   -       not observed" $F/plan &&
		      grep -q "tlb_next_batch: not in BTF" $F/plan'
	plan_has $F 6.1 gather_batch_free fentry tlb_batch_pages_flush
	plan_has $F 6.1 tlb_flush fentry flush_tlb_mm_range
fi

# ---------------- stress-ng: real workloads nobody here wrote ----------------
# Debian's stress-ng (scripts/fetch-stress-ng.sh), one stressor at a time
# (guest-stress.sh), under lazytrace streaming every finding with its
# stack. make test runs the bounded subset (tests/vm/stress-subset.txt) on
# the 7.x kernels; make field runs the full sweep (stress-full.txt, every
# kernel of the matrix, LT_STRESS_LIST and LT_STRESS_ALL) for
# docs/FIELD.md. Under the 7.0 rules every warning or error must be
# explained (tests/vm/field-explained.tsv): a real kernel finding,
# recorded in docs/FIELD.md, or it fails here.
STRESS_LIST=${LT_STRESS_LIST:-tests/vm/stress-subset.txt}

# The triage check itself must be able to fail: a recorded error finding
# with no row in the TSV fails it, the same finding with a row passes.
SF=tests/fixtures/stress
tests/vm/stress_report.py $SF v7 --explained tests/vm/field-explained.tsv >/dev/null
check "stress_report: an unexplained error fails the check" [ $? -eq 1 ]
tests/vm/stress_report.py $SF v7 --explained $SF/explained.tsv >/dev/null
check "stress_report: the same error, explained, passes" [ $? -eq 0 ]

# boot_stress NAME SUITE ARCH INSTANCES VM_RUN_ARGS...: INSTANCES is one
# lazytrace instance a line, "NAME ARGS" -> $T/NAME/files
boot_stress() {
	local n=$1 suite=$2 arch=$3 inst=$4 d=$T/$1 b=$B sng
	shift 4
	[ $arch = arm64 ] && b=$B/arm64
	payload "$d/payload" tests/vm/guest-stress.sh $b $arch
	if ! sng=$(scripts/fetch-stress-ng.sh $arch 2>"$d.sng.log"); then
		not_ok "$n: cannot fetch stress-ng for $arch (see $d.sng.log)"
		return 1
	fi
	cp -r "$sng" "$d/payload/sng"
	cp "$STRESS_LIST" "$d/payload/stressors"
	printf '%s\n' "$inst" >"$d/payload/instances"
	vm_run "$n" "$d" --suite "$suite" --arch $arch --timeout 2400 \
		--mem 2048 "$@"
}
# Two NUMA nodes where QEMU gives them (not Xen dom0): NUMA balancing
# and migration get somewhere to move pages.
NUMA2=(--numa 2)

# check_pagemap FILES LABEL INSTANCE: lt-pagemap's flushes inside
# pagemap_scan_pmd_entry()'s section, each a flush_in_lazy of the rule
# set's severity (info under 7.0: on purpose), as many as lt-pagemap
# caused; none where the plan says no symbol sees the flush (arm64:
# flush_tlb_range is inline).
check_pagemap() {
	local F=$1 L="$2 lt-pagemap" i=$3 want got sev
	if grep -q '^UNSUPPORTED' $F/pagemap.out; then
		echo "$L: $(cat $F/pagemap.out) (before 6.7)"
		return
	fi
	want=$(sed -n 's/^DONE .* flushes=\([0-9]*\).*/\1/p' $F/pagemap.out)
	check "$L: ran (flushes=$want)" [ -n "$want" ]
	got=$(python3 -c 'import json,sys
print(sum(1 for l in open(sys.argv[1]) if l.startswith("{")
          for r in [json.loads(l)] if r.get("type") == "finding"
          and r["kind"] == "flush_in_lazy" and r.get("comm") == "lt-pagemap"))' \
		$F/$i.jsonl)
	if grep -qE '^tlb_flush +- +not observed' $F/plan; then
		check "$L: flush not observed here (plan), none reported ($got)" \
			[ "$got" = 0 ]
		return
	fi
	# Debian 7.2 as Xen PV dom0 underflows every forked task's pause
	# count (docs/FIELD.md K1): lazy_mmu_mode_enable() returns at once
	# there, no section opens, and a flush is inside none.
	if [ "$(cat $F/hv 2>/dev/null)" = "xen PV" ] &&
	   [ "$($J $F/$i.jsonl summary.state_source)" = task_counters ]; then
		check "$L: no section opens in a forked task (K1), none reported ($got)" \
			[ "$got" = 0 ]
		return
	fi
	check "$L: flush_in_lazy $got = lt-pagemap's $want" [ "$got" = "$want" ]
	sev=$(python3 -c 'import json,sys
print(" ".join(sorted({r["severity"] for l in open(sys.argv[1]) if l.startswith("{")
      for r in [json.loads(l)] if r.get("type") == "finding"
      and r["kind"] == "flush_in_lazy" and r.get("comm") == "lt-pagemap"})))' \
		$F/$i.jsonl)
	if [ "$($J $F/$i.jsonl summary.rules)" = 7.0 ]; then
		check "$L: info under the 7.0 rules ($sev)" [ "$sev" = info ]
	else
		check "$L: an error under the pre-7.0 rules ($sev)" [ "$sev" = error ]
	fi
}

# check_stress FILES LABEL INSTANCE [all-pass]: the instance ran through
# every stressor, streamed every finding, and (7.0 rules) explained
# every warning and error. all-pass: every stressor exited 0 too.
check_stress() {
	local F=$1 L="$2 $3" i=$3 want ran bad st tot
	echo "--- $L: $(cat $F/kernel 2>/dev/null) stress-ng $(head -1 $F/stress-ng.version)"
	want=$(( $(grep -c . "$STRESS_LIST") + 1 ))	# + lt-pagemap
	ran=$(grep -c '^STRESSOR ' $F/stressors.out)
	check "$L: lazytrace exits 0" [ "$(exit_of $F $i)" = 0 ]
	check "$L: every stressor ran ($ran of $want)" [ "$ran" -eq "$want" ]
	bad=$(grep '^STRESSOR ' $F/stressors.out | grep -v ' rc=0 ' |
		cut -d' ' -f2,3 | tr '\n' ' ')
	if [ "${4:-}" = all-pass ]; then
		check "$L: every stressor exited 0${bad:+ (not: $bad)}" [ -z "$bad" ]
	elif [ -n "$bad" ]; then
		echo "$L: stressors that did not exit 0 here: $bad"
	fi
	check_pagemap $F "$L" $i
	st=$(grep -c '"type":"finding"' $F/$i.jsonl)
	tot=$($J $F/$i.jsonl total)
	check "$L: every finding streamed ($st of $tot), none dropped" \
		eval '[ "$($J $F/$i.jsonl summary.dropped)" = 0 ] && [ "$st" = "$tot" ]'
	if [ "$($J $F/$i.jsonl summary.rules)" = 7.0 ]; then
		tests/vm/stress_report.py $F $i --json $F/$i.field.json \
			--explained tests/vm/field-explained.tsv
		check "$L: every 7.0-rules warning and error explained" [ $? -eq 0 ]
	else
		tests/vm/stress_report.py $F $i --json $F/$i.field.json
	fi
}

# The subset's stressors all run in the guest; the full list has some
# that cannot (docs/FIELD.md says which and why).
pass=all-pass
[ -n "${LT_STRESS_LIST:-}" ] && pass=
for a in amd64 arm64; do
	n=stress-sid; [ $a = arm64 ] && n=stress-sid-arm64
	if wanted $n && boot_stress $n sid $a "v7" "${NUMA2[@]}"; then
		check_stress $T/$n/files "sid $a stress-ng" v7 $pass
	fi
done
# The full sweep only (make field, LT_STRESS_ALL): Debian's other 7.2
# kernels, PREEMPT_RT (lock waits that are not sleeps) and 16K pages.
if [ -n "${LT_STRESS_ALL:-}" ]; then
	if wanted stress-sid-rt &&
	   boot_stress stress-sid-rt sid amd64 "v7" "${NUMA2[@]}" --flavour rt; then
		check_stress $T/stress-sid-rt/files "sid amd64 rt stress-ng" v7
	fi
	if wanted stress-sid-arm64-16k &&
	   boot_stress stress-sid-arm64-16k sid arm64 "v7" "${NUMA2[@]}" --flavour 16k; then
		check_stress $T/stress-sid-arm64-16k/files "sid arm64 16k stress-ng" v7
	fi
fi
# The Xen PV dom0 kernels: the default rules (pre-7.0 on 6.x: where the
# seed's rule is broken in practice) and the 7.0 rules side by side.
if [ -n "${LT_STRESS_ALL:-}" ]; then
	for k in "xen-trixie trixie" "xen-bookworm bookworm" "xen-sid sid"; do
		set -- $k
		n=stress-$1
		wanted $n || continue
		inst="pre7
v7 --rules 7.0"
		[ $2 = sid ] && inst="v7"
		if boot_stress $n $2 amd64 "$inst" --xen; then
			for i in $(cut -d' ' -f1 <<<"$inst"); do
				check_stress $T/$n/files "$1 stress-ng" $i
			done
		fi
	done
fi
finish
