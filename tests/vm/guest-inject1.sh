#!/bin/sh
# Guest side of the one-run injection test (tests/vm/run.sh
# check_inject_one), for slow guests (arm64 under TCG: each lazytrace
# start takes ~25 s): every word of the module under one lazytrace
# --comm lt-inject --info all; the host tells the words apart by kind and
# by the module function in the stacks.
. /lt/guest-lib.sh
emit_dmesg_at_exit
echo "KERNEL $(uname -r) $(uname -m)"
emit_plan -v
load_inject || exit 1
inject_one || exit 1
# --boundaries watch on the cloud kernels (not RT, not 16K)
case $(uname -r) in
*-cloud-*) . /lt/guest-watch.sh; watch_tests || echo "EXIT watch-tests 1" ;;
esac
unload_inject
exit 0
