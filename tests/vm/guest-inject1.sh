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
start_lt one --comm lt-inject --info all || exit 1
for w in "alloc 3" "alloc_nowait 4" "alloc_bh 2" "alloc_bh_in 2" "sleep 2" \
	 "open_user 3" "open_exit 2" "unbalanced 2" "enable_paused 3" "nest 4" \
	 "hold 50"; do
	set -- $w
	/lt/lt-inject $w
	echo "EXIT inject-$1 $?"
done
stop_lt one
unload_inject
exit 0
