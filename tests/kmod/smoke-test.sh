#!/bin/sh
# lt_inject smoke test: run every listed word, check dmesg.
echo "LT-T kernel $(uname -r) preempt=$(cat /sys/kernel/debug/sched/preempt 2>/dev/null)"
dmesg -n 1
insmod /lt/lt_inject.ko || { echo "LT-T insmod failed"; exit 10; }
echo "LT-T words:"; /lt/lt-inject list | sed 's/^/LT-T   /'
fail=0
for w in $(/lt/lt-inject list); do
    case $w in
        hold) set -- hold 200 ;;
        open_user|open_exit) set -- "$w" 5 ;;
        *) set -- "$w" 3 ;;
    esac
    if [ "$w" = hold ]; then
        ( while :; do :; done ) & spin=$!
        /lt/lt-inject "$@"; rc=$?
        kill $spin; wait $spin 2>/dev/null
    else
        /lt/lt-inject "$@"; rc=$?
    fi
    echo "LT-T word $* rc=$rc"
    [ $rc = 0 ] || fail=1
done
# Is there a TLB flush inside "flush"? Count the flush functions with ftrace.
T=/sys/kernel/tracing
if [ -w $T/set_ftrace_filter ]; then
    : > $T/set_ftrace_filter
    for f in flush_tlb_kernel_range __flush_tlb_all vm_unmap_aliases lt_inject_flush; do
        echo $f >> $T/set_ftrace_filter 2>/dev/null || echo "LT-T   ftrace: cannot filter $f"
    done
    echo "LT-T   ftrace filter: $(cat $T/set_ftrace_filter | tr '\n' ' ')"
    echo function > $T/current_tracer; echo 1 > $T/tracing_on
    /lt/lt-inject flush 2; echo "LT-T traced flush 2 rc=$?"
    echo 0 > $T/tracing_on
    grep -v '^#' $T/trace | sed 's/^ *//; s/^/LT-T   ftrace: /' | head -20
    echo nop > $T/current_tracer
fi
# Bad input: exit 2 each.
/lt/lt-inject bogus 1; echo "LT-T bogus rc=$? (want 2)"
/lt/lt-inject alloc 0; echo "LT-T alloc 0 rc=$? (want 2)"
/lt/lt-inject mismatch; echo "LT-T mismatch rc=$? (2 unless Xen PV)"
/lt/lt-inject; echo "LT-T no args rc=$? (want 2)"
rmmod lt_inject; echo "LT-T rmmod rc=$?"
echo "LT-T dmesg lt_inject:"; dmesg | grep -E 'lt_inject' | sed 's/^/LT-T   /'
echo "LT-T dmesg problems:"; dmesg | grep -nE 'WARNING|BUG|Call Trace|Oops|taint' | sed 's/^/LT-T   /'
dmesg > /tmp/dmesg.txt; grep -qE 'WARNING|BUG:|Call Trace|Oops' /tmp/dmesg.txt && fail=1
echo "LT-T tainted=$(cat /proc/sys/kernel/tainted)"
echo "LT-T result fail=$fail"
exit $fail
