#!/bin/sh
# Guest side of the injection test (tests/vm/run.sh check_inject7): every
# word of the lt_inject module (tests/kmod) a known number of times, under
# lazytrace --comm lt-inject --info all, one run per word so that each
# count is that word's alone.
. /lt/guest-lib.sh
emit_dmesg_at_exit
echo "KERNEL $(uname -r) $(uname -m)"
emit_plan -v
load_inject || exit 1
# WORD COUNT: the counts the host expects are in run.sh, beside these
for w in "alloc 3" "alloc_nowait 4" "alloc_bh 2" "alloc_bh_in 2" "sleep 2" "open_user 3" \
	 "open_exit 2" "unbalanced 2" "enable_paused 3" "nest 4" "flush 2" \
	 "hold 50" "rtlock 3"; do
	set -- $w
	grep -qx "$1" /tmp/words || continue
	start_lt "w_$1" --comm lt-inject --info all || exit 1
	/lt/lt-inject $w
	echo "EXIT inject-$1 $?"
	stop_lt "w_$1"
done
# --boundaries watch on the cloud kernels (not RT, not 16K)
case $(uname -r) in
*-cloud-*) . /lt/guest-watch.sh; watch_tests || echo "EXIT watch-tests 1" ;;
esac
unload_inject
exit 0
