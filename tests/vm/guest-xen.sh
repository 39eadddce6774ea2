#!/bin/sh
# Guest side of the Xen PV dom0 VM test (tests/vm/run.sh): Debian's
# generic kernel as dom0, where lazy MMU mode batches for real. The same
# exit storm under lazytrace in fentry and kprobe mode, beside an
# independent count: xencount (pre-7.0: kprobes, the kernel's own per-cpu
# lazy mode) or nbcount (7.x: task counters). With preempt=full on the
# command line a second workload shares the one vCPU throughout.
. /lt/guest-lib.sh
emit_dmesg_at_exit
echo "KERNEL $(uname -r) $(uname -m)"
echo "$(cat /sys/hypervisor/type) $(cat /sys/hypervisor/guest_type)" >/tmp/hv
emit_file hv /tmp/hv

emit_plan -v

# The per-era names the independent counter needs (docs/STATE.md).
case $(uname -r) in
6.1.*)	XC="__get_free_pages paravirt_enter_lazy_mmu xen_leave_lazy_mmu
	    paravirt_lazy_mode paravirt_start_context_switch
	    paravirt_end_context_switch xen_end_context_switch
	    paravirt_flush_lazy_mmu" ;;
6.12.*)	XC="get_free_pages_noprof xen_enter_lazy_mmu xen_leave_lazy_mmu
	    xen_lazy_mode xen_start_context_switch xen_end_context_switch
	    xen_flush_lazy_mmu" ;;
*)	XC= ;;
esac
if [ -n "$XC" ]; then
	xencount lt-exitstorm $XC >/tmp/truth.out 2>&1 &
	TRUTH=$!
	wait_line /tmp/truth.out "xencount: ready" 120 $TRUTH || exit 1
else
	nbcount lt-exitstorm >/tmp/truth.out 2>&1 &
	TRUTH=$!
	wait_line /tmp/truth.out "nbcount: ready" 120 $TRUTH || exit 1
fi

# preempt=full: a second workload (fork+exit, another comm) keeps the
# one vCPU contended, so tasks are preempted inside sections and inside
# programs.
BG=
if grep -q 'preempt=full' /proc/cmdline; then
	/lt/lt-forkexit 1000000 64 >/dev/null 2>&1 &
	BG=$!
fi
start_lt fentry --mode fentry --comm lt-exitstorm --info all || exit 1
start_lt kprobe --mode kprobe --comm lt-exitstorm --info all || exit 1
start_lt auto --comm lt-exitstorm --info all || exit 1
/lt/lt-exitstorm 8 3000
if [ -n "$BG" ]; then
	kill $BG
	wait $BG
fi
stop_lt fentry
stop_lt kprobe
stop_lt auto
kill -INT $TRUTH
wait $TRUTH
emit_file truth /tmp/truth.out

# The injection module (tests/kmod), where the host built one for this
# kernel: a section held open 300 ms with preemption on, while another
# task wants the vCPU (preempt=full), and violations of known counts.
if [ -f /lt/lt_inject.ko ]; then
	load_inject || exit 1
	if [ -n "$BG$(grep -o 'preempt=full' /proc/cmdline)" ]; then
		/lt/lt-forkexit 1000000 64 >/dev/null 2>&1 &
		BG=$!
	fi
	start_lt inject --comm lt-inject --info all || exit 1
	# 7.2: the writer's wrapped pause count is repaired first (unwrap),
	# or no section could open (docs/STATE.md)
	U=
	grep -qx unwrap /tmp/words && U=unwrap
	for w in "hold 300" "alloc 3" "alloc_nowait 4" "alloc_bh 2" \
		 "alloc_bh_in 2" "sleep 2" "nest 5"; do
		set -- $w
		grep -qx "$1" /tmp/words || continue
		/lt/lt-inject $U $w
		echo "EXIT inject-$1 $?"
	done
	stop_lt inject
	[ -n "$BG" ] && kill $BG && wait $BG
	unload_inject
fi

# Every comm, text: the report a reader sees (README, docs/VM.md).
text_run "--stacks 8" /lt/lt-exitstorm 2 3000 || exit 1
exit 0
