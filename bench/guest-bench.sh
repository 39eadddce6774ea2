#!/bin/sh
# Guest side of the overhead benchmark (scripts/bench.sh boots it as
# /lt/test.sh). For every repetition, every workload, every configuration
# (the order rotates each round, so no configuration always runs first or
# last): start the tracer, wait until it says it is attached, time the
# workload with lt-timeit (CLOCK_MONOTONIC around fork..wait), stop the
# tracer, and print one RESULT line plus the tracer's own counts.
. /lt/guest-lib.sh
. /lt/bench.conf	# REPS, CONFIGS, WLS, W_<name>="cmd args"
echo "KERNEL $(uname -r) $(uname -m)"
echo "BENCH reps=$REPS configs=$CONFIGS workloads=$WLS"

# bpftrace is Debian's dynamic binary: give it its loader and libraries at
# the paths it was linked for.
if [ -x /lt/bt/bpftrace ]; then
	mkdir -p /lib64
	ln -sf /lt/bt/ld-linux-x86-64.so.2 /lib64/ld-linux-x86-64.so.2
	export LD_LIBRARY_PATH=/lt/bt
	echo "BPFTRACE $(/lt/bt/bpftrace --version 2>&1)"
fi

# start CONFIG: the tracer for CONFIG, attached, or a failure
start() {
	rm -f /tmp/t.out /tmp/t.err
	case $1 in
	untraced) return 0 ;;
	default) set -- ;;
	stacks) set -- --stacks 32 ;;
	kprobe) set -- --mode kprobe ;;
	tracepoint) set -- --mode tracepoint ;;
	bpftrace)
		/lt/bt/bpftrace /lt/lazy.bt >/tmp/t.out 2>/tmp/t.err &
		TP=$!
		wait_line /tmp/t.out "READY lazy.bt" 300 || { cat /tmp/t.err; return 1; }
		return 0 ;;
	*) echo "unknown config $1"; return 1 ;;
	esac
	$LT "$@" -j -o /tmp/t.out 2>/tmp/t.err &
	TP=$!
	wait_line /tmp/t.err "tracing with" 300 || return 1
}

# stop CONFIG WL REP COMM ATTACH_S: the tracer's peak RSS, the findings it
# printed for the workload's COMM, then its own counts
stop() {
	[ "$1" = untraced ] && return 0
	hwm=$(sed -n 's/^VmHWM: *\([0-9]*\) kB/\1/p' /proc/$TP/status)
	kill -INT $TP
	wait $TP
	st=$?
	if [ "$1" = bpftrace ]; then
		wf=$(grep -c "^[a-z_]* $4 " /tmp/t.out)
	else
		wf=$(grep '"type":"finding"' /tmp/t.out | grep -c "\"comm\":\"$4\"")
	fi
	echo "TRACER wl=$2 cfg=$1 rep=$3 exit=$st hwm_kb=${hwm:-0} wl_findings=$wf attach_s=$5"
	if [ "$1" = bpftrace ]; then
		# @ev[...]: N per event, @nfind[...]: N per kind, "Lost N events"
		awk -v tag="wl=$2 cfg=$1 rep=$3" '
			/^@ev\[/ { ev += $2 }
			/^@nfind\[/ { fi += $2 }
			/^(alloc|flush|open|sleep)_/ { pr++ }
			/Lost [0-9]+ events/ { for (i = 1; i < NF; i++) if ($i == "Lost") lo += $(i + 1) }
			END { printf "BTCOUNT %s events=%d findings=%d printed=%d lost=%d\n", tag, ev, fi, pr, lo }
		' /tmp/t.out /tmp/t.err
	else
		echo "SUMMARY wl=$2 cfg=$1 rep=$3 $(grep '"type":"summary"' /tmp/t.out)"
	fi
	[ $st = 0 ] || { tail -5 /tmp/t.err; return 1; }
}

run() {	# run WL CONFIG REP
	eval "cmd=\$W_$1"
	t0=$(cut -d' ' -f1 /proc/uptime)
	start $2 || { echo "RESULT wl=$1 cfg=$2 rep=$3 ns=0 status=start-failed"; return 1; }
	t1=$(cut -d' ' -f1 /proc/uptime)
	/lt/lt-timeit $cmd >/tmp/w.out 2>/tmp/w.err
	wst=$?
	ns=$(sed -n 's/^TIME ns=\([0-9]*\).*/\1/p' /tmp/w.err)
	stop $2 $1 $3 "${cmd%% *}" "$(echo "$t0 $t1" | awk '{ print $2 - $1 }')" ||
		wst=tracer-failed
	echo "RESULT wl=$1 cfg=$2 rep=$3 ns=${ns:-0} status=$wst"
}

# One untimed run of each workload first: page cache, binaries, slabs warm.
for w in $WLS; do
	eval "cmd=\$W_$w"
	/lt/lt-timeit $cmd >/dev/null 2>&1
done

fail=0
n=$(echo $CONFIGS | wc -w)
r=1
while [ $r -le $REPS ]; do
	k=0
	for w in $WLS; do
		# rotate the configuration order by (round + workload)
		set -- $CONFIGS
		i=$(( (r + k) % n ))
		while [ $i -gt 0 ]; do c=$1; shift; set -- "$@" $c; i=$((i - 1)); done
		for c in "$@"; do
			run $w $c $r || fail=1
		done
		k=$((k + 1))
	done
	r=$((r + 1))
done
exit $fail
