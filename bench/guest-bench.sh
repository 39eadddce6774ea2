#!/bin/sh
# Guest side of the overhead benchmark (scripts/bench.sh boots it as
# /lt/test.sh). Each round starts every configuration once, in an order that
# rotates from round to round (no configuration always runs first or last),
# waits until the tracer says it is attached, then times each workload with
# lt-timeit (CLOCK_MONOTONIC around fork..wait), then stops the tracer.
# Prints RESULT per workload run, SESSION/SUMMARY/BTCOUNT per tracer run.
. /lt/guest-lib.sh
. /lt/bench.conf	# REPS, CONFIGS, WLS, W_<name>="cmd args"
echo "KERNEL $(uname -r) $(uname -m)"
echo "GUEST cpus=$(grep -c ^processor /proc/cpuinfo) hypervisor=$(cat /sys/hypervisor/type 2>/dev/null || echo none) preempt=$(uname -v | grep -o 'PREEMPT[_A-Z]*' | head -1)"
echo "BENCH reps=$REPS configs=$CONFIGS workloads=$WLS"

if use_bpftrace; then
	echo "BPFTRACE $(/lt/bt/bpftrace --version 2>&1)"
fi

cpu_ticks() { awk '{ print $14 + $15 }' /proc/$TP/stat; }

# end_tracer: SIGINT, then up to 120 s for the tracer to print its counts
# and exit; one that does not is killed and its session reported "hung",
# which fails the benchmark (bench/table.py) instead of stalling it.
end_tracer() {
	kill -INT $TP
	n=0
	while kill -0 $TP 2>/dev/null; do
		n=$((n + 1))
		if [ $n -gt 2400 ]; then
			kill -9 $TP
			wait $TP
			return 255
		fi
		sleep 0.05
	done
	wait $TP
}

# start CONFIG: the tracer for CONFIG, attached, or a failure
start() {
	rm -f /tmp/t.out /tmp/t.err
	case $1 in
	untraced) return 0 ;;
	default) set -- ;;
	# the floor (docs/PERFORMANCE.md): the default's probes with
	# programs that return at once; the page allocator's alone
	floor) set -- --bench-floor all ;;
	flooralloc) set -- --bench-floor alloc ;;
	# every finding streamed, with or without its stack: what stack
	# capture and streaming cost (the default streams no legal finding)
	stacks) set -- --info all --stacks 32 ;;
	nostacks) set -- --info all --stacks 0 ;;
	infofirst) set -- --info first ;;
	kprobe) set -- --mode kprobe ;;
	tracepoint) set -- --mode tracepoint ;;
	bpftrace|bpftracecount)
		# 1: every finding printed (as --info all); 0: the legal ones
		# only counted (as lazytrace's default)
		m=1; [ $1 = bpftracecount ] && m=0
		/lt/bt/bpftrace /lt/lazy.bt $m >/tmp/t.out 2>/tmp/t.err &
		TP=$!
		wait_line /tmp/t.out "READY lazy.bt" 600 $TP || { cat /tmp/t.err; return 1; }
		T0=$(cpu_ticks)
		return 0 ;;
	*) echo "unknown config $1"; return 1 ;;
	esac
	$LT "$@" -j -o /tmp/t.out 2>/tmp/t.err &
	TP=$!
	wait_line /tmp/t.err "tracing with" 600 $TP || return 1
	T0=$(cpu_ticks)
}

# stop CONFIG REP ATTACH_S: the tracer's peak RSS, the findings it printed
# for each workload's comm, then its own counts
stop() {
	[ "$1" = untraced ] && return 0
	hwm=$(awk '$1 == "VmHWM:" { print $2 }' /proc/$TP/status)
	# the tracer's own CPU time since it attached (utime + stime, in
	# USER_HZ ticks): on the one guest vCPU the workloads wait for it
	ticks=$(($(cpu_ticks) - T0))
	end_tracer
	st=$?
	[ $st = 255 ] && st=hung
	echo "SESSION cfg=$1 rep=$2 exit=$st hwm_kb=${hwm:-0} attach_s=$3 cpu_ticks=${ticks:-0}"
	for w in $WLS; do
		eval "cmd=\$W_$w"
		comm=${cmd%% *}
		# n: the findings counted for the comm, p: those printed.
		# lazytrace counts every one per comm in the kernel (summary
		# "comms") and by default prints none of the legal ones (--info)
		case $1 in bpftrace*)
			p=$(grep -c "^[a-z_]* $comm " /tmp/t.out)
			# @legal[kind, comm]: N, the counted ones
			n=$(awk -v c="$comm]:" '/^@legal\[/ && $2 == c { s += $3 }
				END { print s + 0 }' /tmp/t.out)
			n=$((n + p)) ;;
		*)
			n=$(grep '"type":"summary"' /tmp/t.out | grep -o \
				"\"comm\":\"$comm\",\"kind\":\"[a-z_]*\",\"severity\":\"[a-z]*\",\"count\":[0-9]*" |
				sed 's/.*://' | awk '{ s += $1 } END { print s + 0 }')
			p=$(grep '"type":"finding"' /tmp/t.out | grep -c "\"comm\":\"$comm\"") ;;
		esac
		echo "WLFIND wl=$w cfg=$1 rep=$2 n=$n printed=$p"
	done
	if [ "${1#bpftrace}" != "$1" ]; then
		# @ev[...]: N per event, @nfind[...]: N per kind, "Lost N events"
		awk -v tag="cfg=$1 rep=$2" '
			/^@ev\[/ { ev += $2 }
			/^@nfind\[/ { fi += $2 }
			/^(alloc|flush|open|sleep)_/ { pr++ }
			/Lost [0-9]+ events/ { for (i = 1; i < NF; i++) if ($i == "Lost") lo += $(i + 1) }
			END { printf "BTCOUNT %s events=%d findings=%d printed=%d lost=%d\n", tag, ev, fi, pr, lo }
		' /tmp/t.out /tmp/t.err
	else
		echo "SUMMARY cfg=$1 rep=$2 $(grep '"type":"summary"' /tmp/t.out)"
	fi
	[ $st = 0 ] || { tail -5 /tmp/t.err; return 1; }
}

# rotate N WORDS...: the words, rotated left by N
rotate() {
	i=$1
	shift
	while [ $i -gt 0 ]; do w1=$1; shift; set -- "$@" $w1; i=$((i - 1)); done
	echo "$@"
}

# One untimed run of each workload first: page cache, binaries, slabs warm.
for w in $WLS; do
	eval "cmd=\$W_$w"
	/lt/lt-timeit $cmd >/dev/null 2>&1
done

fail=0
nc=$(echo $CONFIGS | wc -w)
nw=$(echo $WLS | wc -w)
r=1
while [ $r -le $REPS ]; do
	for c in $(rotate $((r % nc)) $CONFIGS); do
		t0=$(cut -d' ' -f1 /proc/uptime)
		if ! start $c; then
			echo "SESSION cfg=$c rep=$r exit=start-failed"
			fail=1
			continue
		fi
		t1=$(cut -d' ' -f1 /proc/uptime)
		for w in $(rotate $((r % nw)) $WLS); do
			eval "cmd=\$W_$w"
			/lt/lt-timeit $cmd >/tmp/w.out 2>/tmp/w.err
			wst=$?
			ns=$(sed -n 's/^TIME ns=\([0-9]*\).*/\1/p' /tmp/w.err)
			echo "RESULT wl=$w cfg=$c rep=$r ns=${ns:-0} status=$wst"
			[ $wst = 0 ] || fail=1
		done
		stop $c $r "$(echo "$t0 $t1" | awk '{ print $2 - $1 }')" || fail=1
	done
	r=$((r + 1))
done
# Where the time goes: each workload once more under the default plan with
# the kernel's per-program accounting on (it adds two clock reads a run,
# so never during the timed rounds above), and under the floor: its empty
# programs' run time is what the accounting itself adds to a run, the
# baseline to subtract (bench/table.py).
if [ "${PROGSTATS:-0}" = 1 ]; then
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
	for c in default floor; do
		for w in $WLS; do
			eval "cmd=\$W_$w"
			start $c || { fail=1; continue; }
			/lt/lt-timeit $cmd >/tmp/w.out 2>/tmp/w.err || fail=1
			end_tracer || fail=1
			echo "PROGSTATS wl=$w cfg=$c $(grep '"type":"summary"' /tmp/t.out)"
		done
	done
	echo 0 >/proc/sys/kernel/bpf_stats_enabled
fi
exit $fail
