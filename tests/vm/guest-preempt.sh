#!/bin/sh
# Guest side of the preempt=full VM test (tests/vm/run.sh): a fully
# preemptible 7.x kernel, a second workload on the one vCPU all along.
# An fentry program can be preempted there, and the kernel then skips its
# other runs on the CPU; auto mode chooses kprobes and must lose none.
# Ground truth: nbcount --kprobe (kprobes too, for the same reason).
. /lt/guest-lib.sh
emit_dmesg_at_exit
echo "KERNEL $(uname -r) $(uname -m)"
emit_plan

nbcount --kprobe lt-exitstorm >/tmp/truth.out 2>&1 &
TRUTH=$!
wait_line /tmp/truth.out "nbcount: ready" 120 $TRUTH || exit 1
/lt/lt-forkexit 1000000 64 >/dev/null 2>&1 &
BG=$!
start_lt auto --comm lt-exitstorm --info all || exit 1
start_lt fentry --mode fentry --comm lt-exitstorm --info all || exit 1
/lt/lt-exitstorm 24 3000
stop_lt fentry
stop_lt auto
kill $BG
wait $BG
kill -INT $TRUTH
wait $TRUTH
emit_file truth /tmp/truth.out

# The module: a section held open 300 ms, preemption on (switched out
# and in many times: the module counts it), allocations and a sleep in
# sections of known counts.
load_inject || exit 1
/lt/lt-forkexit 1000000 64 >/dev/null 2>&1 &
BG=$!
start_lt inject --comm lt-inject --info all || exit 1
for w in "hold 300" "alloc 3" "sleep 2" "nest 4"; do
	/lt/lt-inject $w
	echo "EXIT inject-${w% *} $?"
done
stop_lt inject
kill $BG
wait $BG
unload_inject
exit 0
