# Sourced by tests/vm/run.sh: the host side of guest-watch.sh
# (--boundaries watch on Debian's 7.2, where the helpers are inline).

# watch_num FILE KEY: NUMBER from lt-sections' "KEY=NUMBER" answers
watch_num() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1" | awk '{ s += $1 } END { print s + 0 }'; }

# check_watch FILES LABEL
check_watch() {
	local F=$1 L=$2 W=$1/watch.jsonl I=$1/inj.jsonl c z e
	echo "--- $L: $(cat $F/kernel 2>/dev/null)"
	for ev in section_enter section_leave section_pause section_resume; do
		check "$L plan: $ev via the watch" \
			grep -qE "^$ev +watch +task_struct.lazy_mmu_state\$" $F/wplan
	done
	check "$L plan: what the watch covers and costs" eval \
		'[ "$(exit_of $F wplan)" = 0 ] &&
		 grep -q "^boundaries: a write watchpoint on the counters" $F/wplan &&
		 grep -q "^  cost: a debug exception and a program run" $F/wplan &&
		 [ "$(awk "length > 79" $F/wplan | wc -l)" = 0 ]'
	check "$L: the watch tests ran to the end" \
		[ -z "$(exit_of $F watch-tests)" ]

	# 1. lt-sections' own count: one section for each page-table page
	# each mprotect and munmap covered, the second thread's too
	check "$L: lazytrace and lt-sections exit 0" eval \
		'[ "$(exit_of $F watch)" = 0 ] && [ "$(exit_of $F lt-sections-work)" = 0 ]'
	c=$(watch_num $F/work.out change)
	z=$(watch_num $F/work.out zap)
	e=$($J $W summary.boundaries.enters)
	echo "$L: lt-sections counted $c mprotect and $z munmap sections" \
		"(2 threads); the watch saw $e enters," \
		"$($J $W summary.boundaries.leaves) leaves;" \
		"opened in $($J $W transtop:section_enter)"
	check "$L: the workload made sections (${c:-?} + ${z:-?})" \
		[ "${c:-0}" -gt 0 -a "${z:-0}" -gt 0 ]
	check_queries $W "$L" <<-EOT
	summary.boundaries.enters $((c + z))
	summary.boundaries.leaves $((c + z))
	trans:section_enter:1:mprotect_fixup $c
	trans:section_enter:1:unmap_vmas $z
	trans:section_enter:*:* $((c + z))
	hist:section_span:lt-sections $((c + z))
	summary.watch.threads_watched 2
	summary.watch.threads_failed 0
	summary.watch.resyncs 0
	summary.watch.undecoded 0
	summary.findings.state_mismatch 0
	summary.findings.nested_enter 0
	summary.findings.unbalanced_disable 0
	EOT
	check "$L metrics: section enters and leaves on /metrics ($e)" eval \
		'grep -qx "lazytrace_events_total{event=\"section_enter\"} $e" $F/watch.prom &&
		 grep -qx "lazytrace_events_total{event=\"section_leave\"} $e" $F/watch.prom &&
		 grep -q "^lazytrace_probe_info{.*method=\"watch\"" $F/watch.prom'

	# 2. the module's words from one watched thread (guest-watch.sh);
	# per word: enters, leaves, nested enters, as the kernel runs them
	#   nest 5: 10 10 5 (enter enter leave leave)  enable_paused 3: 3 3 0
	#   (plus 3 pauses, 3 resumes; its enable and disable while paused
	#   write nothing)  hold 20: 1 1 0  alloc 2: 2 2 0  unbalanced 2: 0 2 0
	#   (two leaves from 0, then two raw writes of 0: unwraps)
	#   open_user 2: 2 0 1  close: 0 2 0  sleep 1: 1 1 0
	#   flush 2: 4 4 2 (munmap's zap section nests in the module's)
	check "$L inject: lazytrace exits 0, every word ran" eval \
		'[ "$(exit_of $F inj)" = 0 ] && [ "$(grep -c "^CTL ok" $F/inj.out)" = 9 ]'
	check_queries $I "$L inject" <<-'EOT'
	summary.boundaries.enters 23
	summary.boundaries.leaves 25
	summary.watch.pauses 3
	summary.watch.resumes 3
	summary.watch.unwraps 2
	summary.watch.resyncs 0
	summary.watch.undecoded 0
	summary.findings.nested_enter 8
	summary.findings.unbalanced_disable 2
	summary.findings.state_mismatch 0
	trans:section_enter:2:lt_inject_nest 5
	trans:section_enter:2:lt_inject_flush 2
	trans:section_enter:2:lt_inject_open 1
	trans:section_leave:255:* 2
	trans:section_pause:1:lt_inject_enable_paused 3
	trans:section_resume:1:lt_inject_enable_paused 3
	hist:section_span:lt-sections 15
	EOT
	# 3. nest 5 and enable_paused 3 again, as text
	check "$L text: the summary's section counts and openers" eval \
		'[ "$(exit_of $F txt)" = 0 ] &&
		 grep -q "^Sections (watch, 1 threads): 13 enters, 13 leaves,\$" $F/txt.txt &&
		 grep -qE "^  3 pauses, 3 resumes; [0-9]+ traps( \([0-9]+ reported twice\))?\$" $F/txt.txt &&
		 grep -qE "^ +5 at depth 2 in lt_inject_nest\+" $F/txt.txt &&
		 [ "$(awk "length > 79" $F/txt.txt | wc -l)" = 0 ]'
	rm -f $F/inj.html
	$B/lazytrace report $I -o $F/inj.html
	check "$L report: a table of the boundaries, nest's inner enters" eval \
		'grep -q "<h2>Section boundaries (watchpoints)</h2>" $F/inj.html &&
		 grep -qE "<td>section_enter</td><td class=\"n\">2</td><td class=\"n\">[0-9]+</td><td class=\"mono\">lt_inject_nest" $F/inj.html'
}
