# Sourced by guest-inject.sh and guest-inject1.sh on the 7.x cloud
# kernels (the injection module is loaded): watch_tests is the guest side
# of the --boundaries watch test (tests/vm/check-watch.sh):
# lazytrace -p on lt-sections, whose own counts of the sections it makes
# (one per page-table page each mprotect and munmap covers) the host
# compares with the watch's; a second thread created after the start;
# then the injection module's words written by another lt-sections, each
# transition of which the host counts from the words.

# sections_start NAME: lt-sections --fifo 40 16 behind two FIFOs
# (blocking reads, no polling in the window), its READY line to NAME.out
sections_start() {
	mkfifo /tmp/$1.in /tmp/$1.pipe
	/lt/lt-sections --fifo 40 16 </tmp/$1.in >/tmp/$1.pipe &
	SEC_PID=$!
	exec 3>/tmp/$1.in 4</tmp/$1.pipe
	read -r line <&4
	echo "$line" >/tmp/$1.out
	case $line in READY*) ;; *) echo "lt-sections not ready"; return 1 ;; esac
}

# sections_cmd NAME CMD: one command, its answer appended to NAME.out
sections_cmd() {
	echo "$2" >&3
	read -r line <&4
	echo "$line" >>/tmp/$1.out
}

sections_end() {
	exec 3>&- 4<&-
	wait $SEC_PID
	echo "EXIT lt-sections-$1 $?"
	emit_file $1.out /tmp/$1.out
}

watch_tests() {
	# 1. the workload's sections, the main thread and one created later
	sections_start work || return 1
	$LT --list-probes -v -p $SEC_PID --boundaries watch >/tmp/wplan 2>&1
	echo "EXIT wplan $?"
	emit_file wplan /tmp/wplan
	ip link set lo up
	start_lt watch -p $SEC_PID --boundaries watch --info first -v \
		--metrics 127.0.0.1:9464 || return 1
	sections_cmd work main
	sections_cmd work spawn
	tid=$(sed -n 's/^THREAD tid=\([0-9]*\)/\1/p' /tmp/work.out)
	# its watchpoint is in once lazytrace says so (-v)
	wait_line /tmp/watch.err "watching tid $tid " 120 || return 1
	sections_cmd work thread
	# the same counts on /metrics, scraped before the end
	wget -q -O /tmp/watch.prom http://127.0.0.1:9464/metrics
	emit_file watch.prom /tmp/watch.prom
	stop_lt watch
	sections_end work

	# 2. the module's words, from one watched thread
	sections_start inj || return 1
	start_lt inj -p $SEC_PID --boundaries watch --info first || return 1
	for w in "nest 5" "enable_paused 3" "hold 20" "alloc 2" "unbalanced 2" \
		 "open_user 2" "close" "sleep 1" "flush 2"; do
		sections_cmd inj "ctl $w"
	done
	stop_lt inj
	sections_end inj

	# 3. two of the words again, under lazytrace printing text. (Not a second
	# instance on the thread above: under QEMU TCG only one of two
	# watchpoints on one address saw the hits, the second 0 traps.)
	sections_start txt || return 1
	$LT -p $SEC_PID --boundaries watch -o /tmp/txt.txt 2>/tmp/txt.err &
	PID_txt=$!
	wait_line /tmp/txt.err "tracing with" 120 $PID_txt || return 1
	sections_cmd txt "ctl nest 5"
	sections_cmd txt "ctl enable_paused 3"
	kill -INT $PID_txt
	wait $PID_txt
	echo "EXIT txt $?"
	emit_file txt.txt /tmp/txt.txt
	sections_end txt
}
