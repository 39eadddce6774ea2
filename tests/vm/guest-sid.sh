#!/bin/sh
# Guest side of the 7.x VM test: run, then hand everything to the host,
# which makes the assertions (tests/vm/run.sh).
. /lt/guest-lib.sh
echo "KERNEL $(uname -r) $(uname -m)"

$LT --list-probes -v >/tmp/plan 2>&1
echo "EXIT plan $?"
emit_file plan /tmp/plan

# Ground truth first, then fentry and kprobe tracers side by side on the
# same exit storm: all three must agree.
nbcount lt-exitstorm >/tmp/nb.out 2>&1 &
NB=$!
wait_line /tmp/nb.out "nbcount: ready" 120 || exit 1
start_lt fentry --mode fentry --comm lt-exitstorm || exit 1
start_lt kprobe --mode kprobe --comm lt-exitstorm || exit 1
# A second fentry instance on the same functions, with a 4 KiB ring and
# its consumer stopped through the storm: the ring must overflow, and
# its drop counter must account for every finding it could not stream.
start_lt drop --mode fentry --comm lt-exitstorm --ring-buffer 4 || exit 1
kill -STOP $PID_drop
/lt/lt-exitstorm 24 3000
kill -CONT $PID_drop
stop_lt fentry
stop_lt kprobe
stop_lt drop
kill -INT $NB
wait $NB
emit_file nbcount /tmp/nb.out

# A workload that opens sections but never tears page tables down. Its
# exec is done before tracing starts: 7.x tears the forked shell's mm down
# after the comm changed, which is a real (legal) allocation in a section.
mkfifo /tmp/quiet.in
/lt/lt-quiet --wait-stdin 3000 </tmp/quiet.in >/tmp/quiet.out &
Q=$!
exec 3>/tmp/quiet.in
wait_line /tmp/quiet.out "READY" 60 || exit 1
start_lt quiet --comm lt-quiet || exit 1
echo go >&3
wait_line /tmp/quiet.out "DONE" 300 || exit 1
stop_lt quiet
kill $Q
exec 3>&-
emit_file quiet.out /tmp/quiet.out

# Human-readable run, for the record and the README.
$LT --comm lt-exitstorm --stacks 6 -o /tmp/text.out 2>/tmp/text.err &
T=$!
wait_line /tmp/text.err "tracing with" 120 || exit 1
/lt/lt-exitstorm 4 3000
kill -INT $T
wait $T
echo "EXIT text $?"
emit_file text.out /tmp/text.out
# SIGKILL mid-trace: the kernel must drop every program and link with the
# last fd. bpftool is Debian's, with its libraries (tests/vm/run.sh).
if [ -x /lt/bpftool ]; then
	ours() { bpftool prog show | grep -cE 'name (fe|kp|tp)_'; }
	$LT --comm lt-exitstorm 2>/tmp/kill.err >/dev/null &
	K=$!
	wait_line /tmp/kill.err "tracing with" 120 || exit 1
	bpftool prog show >/tmp/kill.progs.before 2>&1
	bpftool link show >/tmp/kill.links.before 2>&1
	kill -9 $K
	wait $K
	echo "EXIT kill $?"
	n=0	# programs go after an RCU grace period: wait, with a deadline
	while [ "$(ours)" -gt 0 ] && [ $n -lt 200 ]; do
		n=$((n + 1))
		sleep 0.05
	done
	bpftool prog show >/tmp/kill.progs.after 2>&1
	bpftool link show >/tmp/kill.links.after 2>&1
	cat /sys/kernel/tracing/kprobe_events >/tmp/kill.kprobe_events
	for f in progs.before links.before progs.after links.after \
		 kprobe_events; do
		emit_file kill.$f /tmp/kill.$f
	done
fi
exit 0
