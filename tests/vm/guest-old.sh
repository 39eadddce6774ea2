#!/bin/sh
# Guest side of the pre-7.0 VM test: no counter source; lazytrace must say
# so and still report allocations, flushes and batch sizes.
. /lt/guest-lib.sh
emit_dmesg_at_exit
echo "KERNEL $(uname -r) $(uname -m)"

emit_plan

# --boundaries watch: the plan says why not; tracing refuses (exit 2)
$LT --list-probes -p 1 --boundaries watch >/tmp/wplan 2>&1
echo "EXIT wplan $?"
emit_file wplan /tmp/wplan
$LT -p 1 --boundaries watch -d 1 >/tmp/wrun 2>&1
echo "EXIT wrun $?"
emit_file wrun /tmp/wrun

start_lt old --comm lt-exitstorm || exit 1
/lt/lt-exitstorm 8 3000
stop_lt old
exit 0
