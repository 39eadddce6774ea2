#!/usr/bin/env bash
# bench.sh [--smoke]: the benchmarks of docs/PERFORMANCE.md.
# 1. Overhead: boots Debian sid's 7.x kernel under QEMU TCG with lazytrace,
#    the lt-* workloads and Debian's bpftrace (with its shared libraries),
#    runs bench/guest-bench.sh there: build/bench/overhead.md (+ .json).
# 2. Throughput: the uprobe model's finding storm on this host
#    (bench/throughput.py): build/bench/throughput.md (+ .json).
# --smoke: one round of tiny workloads, configurations untraced, default
# and bpftrace, one small storm; checks only that both run and give
# well-formed tables (exact counts included), never the times.
# Env: LT_BENCH_REPS, LT_BENCH_CONFIGS, LT_BENCH_WLS override the defaults;
# LT_BENCH_PROGSTATS=0 skips the per-program cost run (1 without --smoke).
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
[ "${1:-}" = --smoke ] && smoke=1
B=build
O=$B/bench
[ $smoke = 1 ] && O=$B/bench-smoke
P=$O/payload
BT=${LT_BPFTRACE:-/usr/bin/bpftrace}

for f in $B/lazytrace $B/workloads/lt-timeit $B/workloads/lt-exitstorm \
	$B/model/lt-model-v7; do
	[ -x $f ] || { echo "bench: $f missing (make all workloads models)" >&2; exit 2; }
done
[ -x "$BT" ] || { echo "bench: no bpftrace at $BT (apt-get install bpftrace)" >&2; exit 2; }

rm -rf "$O"
mkdir -p "$P/bt"
cp $B/lazytrace $B/workloads/* tests/vm/guest-lib.sh bench/lazy.bt "$P"/
cp bench/guest-bench.sh "$P"/test.sh
# bpftrace with every library ldd names, and the dynamic loader.
scripts/pack-dyn.sh "$BT" "$P/bt" || exit 2
[ "$(basename "$BT")" = bpftrace ] || mv "$P/bt/$(basename "$BT")" "$P/bt/bpftrace"

configs="untraced default infofirst stacks nostacks kprobe tracepoint bpftracecount bpftrace"
if [ $smoke = 1 ]; then
	reps=${LT_BENCH_REPS:-1}
	configs="untraced default bpftracecount bpftrace"
	cat >"$P/bench.conf" <<-EOC
	W_exitstorm="lt-exitstorm 4 256"
	W_munmap="lt-munmap 4 512"
	W_mprotect="lt-mprotect 20 64"
	W_forkexit="lt-forkexit 4 256"
	EOC
else
	reps=${LT_BENCH_REPS:-5}
	# Sized for ~1-2 s each, untraced, under TCG on the 2-core dev machine.
	cat >"$P/bench.conf" <<-EOC
	W_exitstorm="lt-exitstorm 150 512"
	W_munmap="lt-munmap 100 1024"
	W_mprotect="lt-mprotect 1500 256"
	W_forkexit="lt-forkexit 200 1024"
	EOC
fi
cat >>"$P/bench.conf" <<EOC
REPS=$reps
PROGSTATS=${LT_BENCH_PROGSTATS:-$((1 - smoke))}
CONFIGS="${LT_BENCH_CONFIGS:-$configs}"
WLS="${LT_BENCH_WLS:-exitstorm munmap mprotect forkexit}"
EOC

# bpftrace unpacks ~200 MB of libraries into the initramfs: 3 GB of RAM.
# -icount: the guest clock counts instructions (2^3 ns each), so workload
# times measure the CPU work done, not how busy the shared host was
# (docs/PERFORMANCE.md). LT_BENCH_ICOUNT= (empty) times by the host clock.
# The smoke run measures nothing: it boots without.
icount="-icount shift=3,sleep=on"
[ $smoke = 1 ] && icount=""
st=0
LT_VM_QEMU_ARGS=${LT_BENCH_ICOUNT-$icount} scripts/vm-run.sh --suite sid --payload "$P" --log "$O/vm.log" --mem 3072 \
	--timeout "${LT_BENCH_TIMEOUT:-$((smoke ? 1200 : 5400))}" || st=$?
bench/table.py "$O/vm.log" "$O/overhead.md" "$O/overhead.json" || st=1
echo "bench: overhead table in $O/overhead.md (VM log $O/vm.log)"
targs=(); [ $smoke = 1 ] && targs=(--smoke)
bench/throughput.py "$O/throughput.md" "${targs[@]}" || st=1
echo "bench: throughput table in $O/throughput.md"
exit $st
