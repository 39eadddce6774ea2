#!/bin/sh
# Guest side of the 16K-page arm64 test (tests/vm/run.sh, sid-arm64-16k):
# the module's words under one lazytrace run, then full page batches.
# A batch page holds (PAGE_SIZE - 16) / 8 = 2046 entries on 16K pages
# (include/asm-generic/tlb.h MAX_GATHER_BATCH), 510 on 4K. With every THP
# size off, lt-folios writes small pages only (one batch entry each), and
# each munmap of 4096 of them fills the 8-entry local batch, a full 2046
# one and the rest. The host compares the batch_pages sum with the pages
# written.
. /lt/guest-lib.sh
emit_dmesg_at_exit
echo "KERNEL $(uname -r) $(uname -m) PAGESIZE $(getconf PAGESIZE 2>/dev/null)"
emit_plan -v
load_inject || exit 1
inject_one || exit 1
unload_inject

M=/sys/kernel/mm/transparent_hugepage
for f in $M/enabled $M/hugepages-*/enabled; do
	[ -w "$f" ] && echo never >"$f"
done
grep -H . $M/enabled $M/hugepages-*/enabled >/tmp/thp.now 2>&1
emit_file thp /tmp/thp.now
folios_ready 2 4096 /tmp/batch.out || exit 1
start_lt batch --comm lt-folios || exit 1
folios_go
stop_lt batch
folios_done
emit_file batch.out /tmp/batch.out
exit 0
