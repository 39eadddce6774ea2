#!/bin/sh
# Guest side of the example traces in docs/examples/ (tests/report/mktrace.sh):
# one system-wide trace (default mode) of the same workload mix, so two
# kernels (or two patches) can be compared with `lazytrace report A B`.
. /lt/guest-lib.sh
echo "KERNEL $(uname -r) $(uname -m)"

start_lt trace --stacks 16 || exit 1
/lt/lt-exitstorm 24 3000
/lt/lt-munmap 20 2000
/lt/lt-forkexit 10 2000
/lt/lt-mprotect 50 512
stop_lt trace
exit 0
