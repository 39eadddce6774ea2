#!/usr/bin/env bash
# bench.sh [--smoke]: the benchmarks of docs/PERFORMANCE.md.
# 1. Overhead: boots Debian kernels under QEMU TCG with lazytrace, the lt-*
#    workloads and Debian's bpftrace (with its shared libraries), runs
#    bench/guest-bench.sh there. One part per kernel and clock:
#      icount  sid 7.2 cloud, 1 vCPU, guest time counted in instructions
#      wall    sid 7.2 cloud, 2 vCPUs (one host thread), the host's clock
#              (host load logged)
#      xen     trixie 6.12 as Xen PV dom0, icount (sections really batch)
#      rt      sid 7.2 PREEMPT_RT, icount
#    build/bench/PART/overhead.md (+ .json), and build/bench/overhead.md:
#    the floor table of every part (bench/table.py --combine).
# 2. Throughput: the uprobe model's finding storm on this host
#    (bench/throughput.py): build/bench/throughput.md (+ .json).
# --smoke: the icount part only (booted without icount: it measures
# nothing), one round of tiny workloads, one small storm; checks only that
# both run and give well-formed tables (exact counts included).
# Env: LT_BENCH_OUT (the output directory), LT_BENCH_PARTS (default "icount wall xen rt throughput"),
# LT_BENCH_REPS (default 3 under icount, 5 by the wall clock),
# LT_BENCH_CONFIGS, LT_BENCH_WLS override the defaults; LT_BENCH_PROGSTATS=0
# skips the per-program cost run (1 in the icount, xen and rt parts without
# --smoke);
# LT_BENCH_JOBS: icount parts run at once (default 2; they count guest
# instructions, so a busy host slows them but does not change them).
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
[ "${1:-}" = --smoke ] && smoke=1
B=build
O=$B/bench
[ $smoke = 1 ] && O=$B/bench-smoke
O=${LT_BENCH_OUT:-$O}
BT=${LT_BPFTRACE:-/usr/bin/bpftrace}
parts=${LT_BENCH_PARTS:-icount wall xen rt throughput}
[ $smoke = 1 ] && parts=${LT_BENCH_PARTS:-icount throughput}

for f in $B/lazytrace $B/workloads/lt-timeit $B/workloads/lt-exitstorm \
	$B/model/lt-model-v7; do
	[ -x $f ] || { echo "bench: $f missing (make all workloads models)" >&2; exit 2; }
done
[ -x "$BT" ] || { echo "bench: no bpftrace at $BT (apt-get install bpftrace)" >&2; exit 2; }

# A run of every part starts afresh; LT_BENCH_PARTS replaces only the
# parts it names, and the joined floor table takes whatever parts are there.
if [ -n "${LT_BENCH_PARTS:-}" ]; then
	for p in $parts; do rm -rf "${O:?}/$p"; done
else
	rm -rf "$O"
fi
mkdir -p "$O"
# Two payloads: with bpftrace (~200 MB of libraries) and without, for the
# parts that run no bpftrace (6.12 has no task counters for lazy.bt).
mkpayload() {	# DIR WITH_BPFTRACE
	mkdir -p "$1"
	cp $B/lazytrace $B/workloads/* tests/vm/guest-lib.sh bench/lazy.bt "$1"/
	cp bench/guest-bench.sh "$1"/test.sh
	if [ "$2" = 1 ]; then
		scripts/pack-dyn.sh "$BT" "$1/bt" || exit 2
		[ "$(basename "$BT")" = bpftrace ] || mv "$1/bt/$(basename "$BT")" "$1/bt/bpftrace"
	fi
}

if [ $smoke = 1 ]; then
	W='W_exitstorm="lt-exitstorm 4 256"
W_munmap="lt-munmap 4 512"
W_mprotect="lt-mprotect 20 64"
W_forkexit="lt-forkexit 4 256"'
else
	# Sized for ~1-7 s each, untraced, under TCG on the 2-core dev machine.
	W='W_exitstorm="lt-exitstorm 150 512"
W_munmap="lt-munmap 100 1024"
W_mprotect="lt-mprotect 1500 256"
W_forkexit="lt-forkexit 200 1024"'
fi
bt_configs="untraced flooralloc floor default bpftracecount"
# lazy.bt reads the 7.x task counters: not on 6.12
xen_configs="untraced flooralloc floor default"
[ $smoke = 1 ] && bt_configs="untraced flooralloc floor default bpftracecount bpftrace"

# Host load beside the figures: every 2 s the VM log's line count, the
# 1-minute load average and how many QEMU processes run (ours and any
# other's); bench/table.py gives each workload run the sample before it.
sample_host() {	# LOG OUT: until the VM log's writer stops
	while :; do
		printf '%s %s %s\n' "$(wc -l <"$1" 2>/dev/null || echo 0)" \
			"$(cut -d' ' -f1 /proc/loadavg)" \
			"$(pgrep -c qemu-system || true)" >>"$2"
		sleep 2
	done
}

# part NAME: boots that part's kernel and writes $O/NAME/overhead.*
part() {
	local name=$1 d=$O/$1 reps=3 cfgs=$bt_configs bt=1 vm=() q="-icount shift=3,sleep=on"
	local stats=$((1 - smoke)) sp st=0 accel=tcg
	case $name in
	icount) vm=(--suite sid) ;;
	wall) vm=(--suite sid --smp 2); q=""; reps=5; stats=0
		# one host thread for both vCPUs (scripts/vm-run.sh says why)
		accel=tcg,thread=single ;;
	xen) vm=(--suite trixie --xen); cfgs=$xen_configs; bt=0 ;;
	rt) vm=(--suite sid --flavour rt) ;;
	*) echo "bench: unknown part $name" >&2; return 2 ;;
	esac
	[ $smoke = 1 ] && { reps=1; q=""; }
	# -icount: the guest clock counts instructions (2^3 ns each), so
	# workload times measure the CPU work done, not how busy the shared
	# host was (docs/PERFORMANCE.md). LT_BENCH_ICOUNT= (empty) times the
	# icount parts by the host clock instead.
	[ -n "$q" ] && q=${LT_BENCH_ICOUNT-$q}
	mkdir -p "$d"
	mkpayload "$d/payload" $bt
	cat >"$d/payload/bench.conf" <<-EOC
	$W
	REPS=${LT_BENCH_REPS:-$reps}
	PROGSTATS=${LT_BENCH_PROGSTATS:-$stats}
	CONFIGS="${LT_BENCH_CONFIGS:-$cfgs}"
	WLS="${LT_BENCH_WLS:-exitstorm munmap mprotect forkexit}"
	EOC
	: >"$d/vm.log"
	sample_host "$d/vm.log" "$d/hostload.txt" &
	sp=$!
	# bpftrace unpacks ~200 MB of libraries into the initramfs: 3 GB.
	LT_VM_ACCEL=$accel LT_VM_QEMU_ARGS=$q scripts/vm-run.sh "${vm[@]}" \
		--payload "$d/payload" \
		--log "$d/vm.log" --mem 3072 \
		--timeout "${LT_BENCH_TIMEOUT:-$((smoke ? 1200 : 5400))}" || st=$?
	kill $sp 2>/dev/null; wait $sp 2>/dev/null || true
	rm -rf "$d/payload"
	bench/table.py "$d/vm.log" "$d/overhead.md" "$d/overhead.json" \
		--part "$name" --clock "$([ -n "$q" ] && echo icount || echo host)" \
		--hostload "$d/hostload.txt" >/dev/null || st=1
	echo "bench: $name: $d/overhead.md (VM log $d/vm.log), status $st"
	return $st
}

st=0
icount_parts="" other=""
for p in $parts; do
	case $p in
	icount|xen|rt) icount_parts="$icount_parts $p" ;;
	*) other="$other $p" ;;
	esac
done
# The icount parts side by side, LT_BENCH_JOBS at a time; the wall-clock
# part and the throughput storm after them, alone, since the host's load
# is what they measure with.
jobs=${LT_BENCH_JOBS:-2}
running=()
for p in $icount_parts; do
	if [ ${#running[@]} -ge "$jobs" ]; then
		wait "${running[0]}" || st=1
		running=("${running[@]:1}")
	fi
	part "$p" &
	running+=($!)
done
for pid in "${running[@]}"; do wait "$pid" || st=1; done
for p in $other; do
	case $p in
	throughput)
		targs=(); [ $smoke = 1 ] && targs=(--smoke)
		bench/throughput.py "$O/throughput.md" "${targs[@]}" || st=1
		echo "bench: throughput table in $O/throughput.md" ;;
	*) part "$p" || st=1 ;;
	esac
done
jsons=()
for p in icount wall xen rt; do
	[ -f "$O/$p/overhead.json" ] && jsons+=("$O/$p/overhead.json")
done
if [ ${#jsons[@]} -gt 0 ]; then
	bench/table.py --combine "$O/overhead.md" "${jsons[@]}" || st=1
	echo "bench: floor table in $O/overhead.md"
fi
exit $st
