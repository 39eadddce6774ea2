#!/bin/sh
# Guest side of scripts/bench-watch.sh: the cost of --boundaries watch.
# Each workload runs held by lt-timeit --hold (its pid known before it starts),
# untraced, under lazytrace -p PID (boundary probes, the default) and
# under lazytrace -p PID --boundaries watch, in rounds whose order
# rotates. One "RESULT" line a run; the host makes the table.
. /lt/guest-lib.sh
. /lt/bench.conf
echo "KERNEL $(uname -r) $(uname -m)"

# run_one CONFIG WORKLOAD-NAME CMD...
run_one() {
	c=$1 w=$2
	shift 2
	rm -f /tmp/go /tmp/h.err /tmp/b.jsonl
	mkfifo /tmp/go
	/lt/lt-timeit --hold "$@" </tmp/go >/dev/null 2>/tmp/h.err &
	hp=$!
	exec 5>/tmp/go
	wait_line /tmp/h.err "HOLD pid=" 60 $hp || return 1
	pid=$(sed -n 's/^HOLD pid=//p' /tmp/h.err)
	case $c in
	default) start_lt b -p $pid || return 1 ;;
	watch) start_lt b -p $pid --boundaries watch || return 1 ;;
	esac
	echo go >&5
	exec 5>&-
	wait $hp
	st=$?
	e=0 t=0
	if [ $c != untraced ]; then
		kill -INT $PID_b
		wait $PID_b
		e=$(sed -n 's/.*"enters":\([0-9]*\).*/\1/p' /tmp/b.jsonl)
		t=$(sed -n 's/.*"traps":\([0-9]*\).*/\1/p' /tmp/b.jsonl)
	fi
	ns=$(sed -n 's/^TIME ns=\([0-9]*\).*/\1/p' /tmp/h.err)
	echo "RESULT wl=$w config=$c round=$r ns=$ns status=$st enters=${e:-0} traps=${t:-0}"
}

r=1
while [ $r -le $REPS ]; do
	# rotate: no configuration always first
	case $((r % 3)) in
	0) order="untraced default watch" ;;
	1) order="default watch untraced" ;;
	2) order="watch untraced default" ;;
	esac
	for w in $WLS; do
		eval "cmd=\$W_$w"
		for c in $order; do
			run_one $c $w /lt/$cmd || echo "RESULT wl=$w config=$c round=$r failed"
		done
	done
	r=$((r + 1))
done
exit 0
