#!/bin/sh
# Guest side of the pre-7.0 VM test: no counter source; lazytrace must say
# so and still report allocations, flushes and batch sizes.
. /lt/guest-lib.sh
emit_dmesg_at_exit
echo "KERNEL $(uname -r) $(uname -m)"

emit_plan

start_lt old --comm lt-exitstorm || exit 1
/lt/lt-exitstorm 8 3000
stop_lt old
exit 0
