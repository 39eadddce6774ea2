#!/bin/sh
# Guest side of the stress-ng runs (tests/vm/run.sh stress sections, make
# field): Debian's stress-ng, one stressor at a time, under lazytrace
# instances that stream every finding with its stack (--info all). Each
# line of /lt/instances is one instance: NAME LAZYTRACE-ARGS. Each line
# of /lt/stressors is STRESSOR SECONDS [STRESS-NG ARGS]. The host splits
# the findings by stressor by time: every stressor's start and end
# (CLOCK_MONOTONIC, as the findings' ts_ns) go to stressors.out.
. /lt/guest-lib.sh
emit_dmesg_at_exit
echo "KERNEL $(uname -r) $(uname -m)"
# "xen PV" in a Xen PV dom0: field-explained.tsv rows can ask for it
echo "$(cat /sys/hypervisor/type 2>/dev/null) $(cat /sys/hypervisor/guest_type 2>/dev/null)" >/tmp/hv
emit_file hv /tmp/hv
use_stress_ng || { echo "no stress-ng in the payload"; exit 1; }
$SNG --version >/tmp/sng.version 2>&1
emit_file stress-ng.version /tmp/sng.version
emit_plan
# POSIX shared memory (the shm and dev-shm stressors) lives in /dev/shm
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm
# NUMA balancing (change_prot_numa) where there are two nodes
echo 1 >/proc/sys/kernel/numa_balancing 2>/dev/null
echo "NUMA nodes: $(ls -d /sys/devices/system/node/node* 2>/dev/null | wc -l)" >/tmp/numa
emit_file numa /tmp/numa
# KSM scans what madvise(MADV_MERGEABLE) offers (the madvise and ksm
# paths of the stressors); a kernel without it keeps going.
echo 1 >/sys/kernel/mm/ksm/run 2>/dev/null
NAMES=
while read -r name args; do
	start_lt $name $args --info all --ring-buffer 16384 --stacks 16 ||
		exit 1
	# stress-ng makes its own children the OOM killer's first choice;
	# the tracers must never be one
	eval "echo -1000 >/proc/\$PID_$name/oom_score_adj"
	NAMES="$NAMES $name"
done </lt/instances
: >/tmp/stressors.out
mkdir -p /tmp/sng
while read -r s secs args; do
	t0=$(/lt/lt-now)
	timeout $((secs + 60)) $SNG --$s 1 --timeout ${secs}s \
		--temp-path /tmp/sng --metrics-brief $args \
		</dev/null >/tmp/sng/$s.out 2>&1
	rc=$?
	t1=$(/lt/lt-now)
	ops=$(sed -n "s/.*metrc: *\[[0-9]*\] *$s  *\([0-9]*\) .*/\1/p" /tmp/sng/$s.out |
		head -1)
	echo "STRESSOR $s rc=$rc t0=$t0 t1=$t1 bogo=${ops:-?}" >>/tmp/stressors.out
	# why a stressor did not run, in stress-ng's words
	{ [ $rc -eq 0 ] || tail -3 /tmp/sng/$s.out
	  grep -iE 'skipping|skipped: [1-9]|not supported|not implemented' \
		/tmp/sng/$s.out | head -2; } | sed "s/^/  $s: /" >>/tmp/stressors.out
done </lt/stressors
# The path no stressor takes: PAGEMAP_SCAN write-protecting, which
# flushes inside its section on purpose (lt-pagemap.c); its own count
# of the flushes is the host's second count.
t0=$(/lt/lt-now)
/lt/lt-pagemap 20 64 >/tmp/pagemap.out 2>&1
rc=$?
t1=$(/lt/lt-now)
echo "STRESSOR lt-pagemap rc=$rc t0=$t0 t1=$t1 bogo=-" >>/tmp/stressors.out
emit_file pagemap.out /tmp/pagemap.out
emit_file stressors.out /tmp/stressors.out
for name in $NAMES; do
	stop_lt $name
done
