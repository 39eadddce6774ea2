# Sourced by the guest test scripts (busybox ash inside the VM).
# Files come back to the host between markers on the console.
LT=/lt/lazytrace
export PATH=/lt:$PATH

# wait_line FILE PATTERN SECONDS [PID]: until FILE has PATTERN; with PID,
# give up as soon as that process is gone (a tracer that refused to start
# fails the run at once, not after SECONDS of emulated time)
wait_line() {
	n=0
	until grep -q -- "$2" "$1" 2>/dev/null; do
		if [ -n "$4" ] && ! kill -0 "$4" 2>/dev/null; then
			grep -q -- "$2" "$1" 2>/dev/null && return 0
			echo "EXITED before '$2' in $1"; cat "$1"; return 1
		fi
		n=$((n + 1))
		[ $n -lt $(($3 * 20)) ] || { echo "TIMEOUT waiting for '$2' in $1"; cat "$1"; return 1; }
		sleep 0.05
	done
}

emit_file() {
	echo "=== FILE $1 ==="
	cat "$2"
	echo "=== END $1 ==="
}

# emit_dmesg_at_exit: hand the kernel's log to the host however the script
# ends. The console is booted quiet, so a WARN() from a probe would reach
# the host only this way (tests/vm/run.sh kernel_quiet).
emit_dmesg_at_exit() {
	trap 'dmesg >/tmp/dmesg 2>&1; emit_file dmesg /tmp/dmesg' EXIT
}

# start_lt NAME ARGS...: lazytrace in the background, JSON to /tmp/NAME.jsonl
start_lt() {
	name=$1
	shift
	$LT "$@" -j -o /tmp/$name.jsonl 2>/tmp/$name.err &
	eval "PID_$name=$!"
	wait_line /tmp/$name.err "tracing with" 120 $!
}

# stop_lt NAME: SIGINT, wait, hand the output and exit code to the host
stop_lt() {
	eval "p=\$PID_$1"
	kill -INT $p
	wait $p
	echo "EXIT $1 $?"
	emit_file $1.jsonl /tmp/$1.jsonl
	emit_file $1.err /tmp/$1.err
}

# use_bpftrace: Debian's dynamic bpftrace, packed by scripts/pack-dyn.sh
# into /lt/bt: its loader where PT_INTERP says, its libraries through
# LD_LIBRARY_PATH. False when the payload carries none.
use_bpftrace() {
	[ -x /lt/bt/bpftrace ] || return 1
	mkdir -p /lib64
	ln -sf /lt/bt/ld-linux-x86-64.so.2 /lib64/ld-linux-x86-64.so.2
	export LD_LIBRARY_PATH=/lt/bt
}

# emit_plan [ARGS]: lazytrace's probe plan and its exit code, to the host
emit_plan() {
	$LT --list-probes "$@" >/tmp/plan 2>&1
	echo "EXIT plan $?"
	emit_file plan /tmp/plan
}

# load_inject: the injection module (tests/kmod) in, its words to the host
load_inject() {
	insmod /lt/lt_inject.ko || return 1
	/lt/lt-inject list >/tmp/words 2>&1
	emit_file words /tmp/words
}

# unload_inject: the module out, its kernel log lines to the host
unload_inject() {
	rmmod lt_inject
	dmesg | grep 'lt_inject' >/tmp/inject.log
	emit_file inject.log /tmp/inject.log
}

# inject_one: every word of the module under one lazytrace run, "one"
# (tests/vm/run.sh check_inject_one tells them apart by kind and stack)
inject_one() {
	start_lt one --comm lt-inject --info all || return 1
	for w in "alloc 3" "alloc_nowait 4" "alloc_bh 2" "alloc_bh_in 2" \
		 "sleep 2" "open_user 3" "open_exit 2" "unbalanced 2" \
		 "enable_paused 3" "nest 4" "flush 2" "hold 50"; do
		set -- $w
		/lt/lt-inject $w
		echo "EXIT inject-$1 $?"
	done
	stop_lt one
}

# folios_ready ROUNDS PAGES OUT: lt-folios --wait-stdin in the background,
# its READY line (with its pid and page size) to OUT. Blocking reads on
# FIFOs, not wait_line: its grep, forked every 50 ms, would fault pages
# of its own into the window. Builtins only until folios_done.
folios_ready() {
	mkfifo /tmp/folios.in /tmp/folios.pipe
	/lt/lt-folios --wait-stdin "$1" "$2" </tmp/folios.in >/tmp/folios.pipe &
	FOLIOS_PID=$!
	FOLIOS_OUT=$3
	exec 3>/tmp/folios.in 4</tmp/folios.pipe
	read -r line <&4
	echo "$line" >$FOLIOS_OUT
	case $line in READY*) ;; *) echo "lt-folios not ready"; return 1 ;; esac
}

# folios_go: run the rounds, their FOLIOS line appended to OUT
folios_go() {
	echo go >&3
	read -r line <&4
	echo "$line" >>$FOLIOS_OUT
}

# folios_done: lt-folios exits (EOF on its stdin), its exit code to the host
folios_done() {
	exec 3>&- 4<&-
	wait $FOLIOS_PID
	echo "EXIT lt-folios $?"
	rm -f /tmp/folios.in /tmp/folios.pipe
}

# text_run LT_ARGS WORKLOAD...: a human-readable lazytrace run (LT_ARGS
# split on spaces) around WORKLOAD, its report to the host as text.out
text_run() {
	$LT $1 -o /tmp/text.out 2>/tmp/text.err &
	T=$!
	shift
	wait_line /tmp/text.err "tracing with" 120 $T || return 1
	"$@"
	kill -INT $T
	wait $T
	echo "EXIT text $?"
	emit_file text.out /tmp/text.out
}

# use_stress_ng: Debian's stress-ng, with its libraries and their loader
# in /lt/sng (scripts/fetch-stress-ng.sh). The loader goes where PT_INTERP
# says, so that stress-ng runs as itself (/proc/self/exe is stress-ng:
# the exec stressor re-runs it). Sets SNG to the command.
use_stress_ng() {
	[ -x /lt/sng/stress-ng ] || return 1
	mkdir -p /lib64 /lib
	[ -f /lt/sng/ld-linux-x86-64.so.2 ] &&
		ln -sf /lt/sng/ld-linux-x86-64.so.2 /lib64/ld-linux-x86-64.so.2
	[ -f /lt/sng/ld-linux-aarch64.so.1 ] &&
		ln -sf /lt/sng/ld-linux-aarch64.so.1 /lib/ld-linux-aarch64.so.1
	SNG="env LD_LIBRARY_PATH=/lt/sng /lt/sng/stress-ng"
}
