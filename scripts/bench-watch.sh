#!/usr/bin/env bash
# bench-watch.sh: the cost of --boundaries watch (docs/PERFORMANCE.md,
# "Section boundaries from watchpoints"). Boots Debian sid's 7.x cloud
# kernel under QEMU TCG with -icount (the guest clock counts instructions,
# so the host's load does not move the figures) and runs
# bench/guest-watch-bench.sh: build/bench-watch/watch.md.
# Env: LT_BENCH_REPS (5), LT_BENCH_ICOUNT= (empty: the host clock).
set -euo pipefail
cd "$(dirname "$0")/.."
B=build
O=$B/bench-watch
P=$O/payload
for f in $B/lazytrace $B/workloads/lt-timeit $B/workloads/lt-munmap; do
	[ -x $f ] || { echo "bench-watch: $f missing (make all workloads)" >&2; exit 2; }
done
rm -rf "$O"
mkdir -p "$P"
cp $B/lazytrace $B/workloads/* tests/vm/guest-lib.sh "$P"/
cp bench/guest-watch-bench.sh "$P"/test.sh
# sized for ~1 s each untraced under TCG
cat >"$P/bench.conf" <<EOC
REPS=${LT_BENCH_REPS:-5}
W_munmap="lt-munmap 100 1024"
W_exitstorm="lt-exitstorm 150 512"
W_mprotect="lt-mprotect 1500 256"
WLS="munmap exitstorm mprotect"
EOC
st=0
LT_VM_QEMU_ARGS=${LT_BENCH_ICOUNT-"-icount shift=3,sleep=on"} \
	scripts/vm-run.sh --suite sid --payload "$P" --log "$O/vm.log" \
	--mem 1024 --timeout 5400 || st=$?
bench/watch_table.py "$O/vm.log" "$O/watch.md" || st=1
echo "bench-watch: table in $O/watch.md (VM log $O/vm.log)"
exit $st
