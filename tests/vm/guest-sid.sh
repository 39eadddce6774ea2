#!/bin/sh
# Guest side of the 7.x VM test: run, then hand everything to the host,
# which makes the assertions (tests/vm/run.sh).
. /lt/guest-lib.sh
emit_dmesg_at_exit
echo "KERNEL $(uname -r) $(uname -m)"

# Debian's bpftrace on the function lazytrace's fentry counts: started
# first, since its attach takes about a minute under TCG; it runs through
# the exit storm beside the tracers below (amd64 payload only).
BT=
if use_bpftrace; then
	/lt/bt/bpftrace -e 'kfunc:tlb_next_batch /comm == "lt-exitstorm"/
		{ @nb = count(); } BEGIN { printf("READY\n"); }' \
		>/tmp/bpftrace.out 2>&1 &
	BT=$!
fi

emit_plan -v

# Ground truth first, then fentry and kprobe tracers side by side on the
# same exit storm: all three must agree.
nbcount lt-exitstorm >/tmp/nb.out 2>&1 &
NB=$!
wait_line /tmp/nb.out "nbcount: ready" 120 $NB || exit 1
# These stream every legal (info) finding (--info all), so that each
# record can be checked; "first" streams one per stack (--info first).
start_lt fentry --mode fentry --comm lt-exitstorm --info all || exit 1
start_lt kprobe --mode kprobe --comm lt-exitstorm --info all || exit 1
# This one serves /metrics too (the one binary has the server on both
# arches); scraped once the storm is over, when its counts are final.
ip link set lo up
start_lt first --mode fentry --comm lt-exitstorm --info first \
	--metrics 127.0.0.1:9464 || exit 1
# A second fentry instance on the same functions, with a 4 KiB ring and
# its consumer stopped through the storm: the ring must overflow, and
# its drop counter must account for every finding it could not stream.
start_lt drop --mode fentry --comm lt-exitstorm --ring-buffer 4 \
	--info all || exit 1
kill -STOP $PID_drop
if [ -n "$BT" ]; then
	wait_line /tmp/bpftrace.out READY 300 || exit 1
fi
/lt/lt-exitstorm 24 3000
kill -CONT $PID_drop
wget -q -O /tmp/metrics.txt http://127.0.0.1:9464/metrics
echo "EXIT scrape $?"
emit_file metrics.txt /tmp/metrics.txt
# the tracer opts out of transparent huge pages (THP is "always" here):
# none may back its memory, or its RSS jumps by 2 MiB at random
awk '$1 == "AnonHugePages:" { s += $2 } END { print s + 0 }' \
	/proc/$PID_fentry/smaps >/tmp/fentry.thp
emit_file fentry.thp /tmp/fentry.thp
stop_lt fentry
stop_lt kprobe
stop_lt first
stop_lt drop
if [ -n "$BT" ]; then
	kill -INT $BT
	wait $BT
	echo "EXIT bpftrace $?"
	emit_file bpftrace.out /tmp/bpftrace.out
fi
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

# Folio ranges in the batch: with 64K anonymous mTHP, munmap hands each
# 16-page folio to the mmu_gather as two entries (page, then count), the
# only case where batch_pages() walks the batch. The kernel's own count
# of 64K folios allocated at fault (anon_fault_alloc) is the ground
# truth; the PMD size is off meanwhile, so no region becomes one 2 MiB
# folio instead. A kernel without the 64K knob is reported
# (MTHP-MISSING) and fails on the host: never a silent skip.
M=/sys/kernel/mm/transparent_hugepage
: >/tmp/folios.thp
# Builtins only: a forked cat, exec'd after the first counter is read,
# faults a 64K folio of its own into the next (measured: 513 for 512).
thp_stats() {	# thp_stats WHEN: the counters the host compares
	for s in 64kB 2048kB; do
		for c in anon_fault_alloc anon_fault_fallback; do
			read -r v <$M/hugepages-$s/stats/$c
			echo "$1 $s $c $v" >>/tmp/folios.thp
		done
	done
}
if [ ! -w $M/hugepages-64kB/enabled ]; then
	echo "MTHP-MISSING $M/hugepages-64kB/enabled: $(ls $M 2>&1 | tr '\n' ' ')" \
		>>/tmp/folios.thp
else
	# folios_ready: no forked helper faults folios of its own meanwhile
	folios_ready 8 1024 /tmp/folios.out || exit 1
	# Attached and its start-up memory faulted in before 64K is on.
	start_lt folios --mode fentry --comm lt-folios || exit 1
	pmd=$(sed 's/.*\[\(.*\)\].*/\1/' $M/hugepages-2048kB/enabled)
	echo "PMD-WAS $pmd" >>/tmp/folios.thp
	echo never >$M/hugepages-2048kB/enabled &&
		echo always >$M/hugepages-64kB/enabled ||
		echo "MTHP-MISSING cannot enable $M/hugepages-64kB" >>/tmp/folios.thp
	echo "ENABLED $(cat $M/hugepages-64kB/enabled)" \
		"PMD $(cat $M/hugepages-2048kB/enabled)" >>/tmp/folios.thp
	thp_stats before
	folios_go
	thp_stats after
	echo never >$M/hugepages-64kB/enabled
	echo "$pmd" >$M/hugepages-2048kB/enabled
	stop_lt folios
	folios_done
	emit_file folios.out /tmp/folios.out
fi
emit_file folios.thp /tmp/folios.thp

# Human-readable run, for the record and the README.
text_run "--comm lt-exitstorm --stacks 6" /lt/lt-exitstorm 4 3000 || exit 1
# SIGKILL mid-trace: the kernel must drop every program and link with the
# last fd. bpftool is Debian's, with its libraries (tests/vm/run.sh).
# kill_run NAME: lazytrace ($PID_NAME) is attached; record bpftool's view
# and the kernel's kprobes, SIGKILL it, wait until its programs are gone
# (an RCU grace period, with a deadline), record them again.
kill_run() {
	eval "p=\$PID_$1"
	bpftool prog show >/tmp/$1.progs.before 2>&1
	bpftool link show >/tmp/$1.links.before 2>&1
	bpftool perf show >/tmp/$1.perf.before 2>&1
	cat /sys/kernel/debug/kprobes/list >/tmp/$1.kprobes.before 2>&1
	kill -9 $p
	wait $p
	echo "EXIT $1 $?"
	n=0
	while [ "$(bpftool prog show | grep -cE 'name (fe|kp|tp)_')" -gt 0 ] &&
	      [ $n -lt 200 ]; do
		n=$((n + 1))
		sleep 0.05
	done
	bpftool prog show >/tmp/$1.progs.after 2>&1
	bpftool link show >/tmp/$1.links.after 2>&1
	bpftool perf show >/tmp/$1.perf.after 2>&1
	cat /sys/kernel/debug/kprobes/list >/tmp/$1.kprobes.after 2>&1
	cat /sys/kernel/tracing/kprobe_events >/tmp/$1.kprobe_events
	for f in progs.before links.before perf.before kprobes.before \
		 progs.after links.after perf.after kprobes.after \
		 kprobe_events; do
		emit_file $1.$f /tmp/$1.$f
	done
}
if [ -x /lt/bpftool ]; then
	cat /sys/kernel/debug/kprobes/list >/tmp/kprobes.base 2>&1
	emit_file kprobes.base /tmp/kprobes.base
	# the default plan (fentry), idle
	$LT --comm lt-exitstorm 2>/tmp/kill.err >/dev/null &
	PID_kill=$!
	wait_line /tmp/kill.err "tracing with" 120 $PID_kill || exit 1
	kill_run kill
	# kprobe mode (perf-event kprobes) in the middle of an exit storm:
	# killed once its findings are being written (--info all: each legal
	# allocation streamed), the workload running
	$LT --mode kprobe --comm lt-exitstorm --info all -j \
		-o /tmp/killk.jsonl 2>/tmp/killk.err &
	PID_killk=$!
	wait_line /tmp/killk.err "tracing with" 120 $PID_killk || exit 1
	/lt/lt-exitstorm 100000 3000 >/dev/null &
	W=$!
	wait_line /tmp/killk.jsonl '"type":"finding"' 300 || exit 1
	kill -0 $W && echo "workload running at the kill" >/tmp/killk.wl
	kill_run killk
	kill -0 $W && echo "workload running after the kill" >>/tmp/killk.wl
	kill -9 $W
	wait $W
	grep -c '"type":"finding"' /tmp/killk.jsonl >>/tmp/killk.wl
	emit_file killk.wl /tmp/killk.wl
fi
exit 0
