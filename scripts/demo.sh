#!/bin/bash
# make demo: boot Debian's newest 7.x kernel under QEMU and let lazytrace
# watch an exit storm, printing its findings and histograms.
# make demo-xen (demo.sh --xen): trixie's 6.12 as Xen PV dom0, where
# lazy mode batches for real and the pre-7.0 findings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
suite=(--suite sid)
[ "${1:-}" = --xen ] && suite=(--suite trixie --xen)
D=build/demo
rm -rf "$D"
mkdir -p "$D/payload"
cp build/lazytrace build/workloads/* tests/vm/guest-lib.sh "$D/payload/"
cat > "$D/payload/test.sh" <<'GUEST'
#!/bin/sh
. /lt/guest-lib.sh
echo "== $(uname -r): the probe plan"
$LT --list-probes
echo "== tracing an exit storm (24 processes, 3000 small pages each)"
# under 7.0 rules the allocations are legal (info): by default only
# counted; --info first also prints where, once per stack. Under the
# pre-7.0 rules (Xen dom0) they are errors: all printed.
$LT --comm lt-exitstorm --stacks 8 --info first 2>/tmp/err >/tmp/out &
P=$!
wait_line /tmp/err "tracing with" 120 $P || exit 1
/lt/lt-exitstorm 24 3000
kill -INT $P
wait $P
# show the first findings, then the histograms and summary
head -24 /tmp/out
echo "   ... $(grep -c alloc_in_lazy /tmp/out) finding headers in all ..."
sed -n '/^batch_pages/,$p' /tmp/out
GUEST
scripts/vm-run.sh "${suite[@]}" --payload "$D/payload" --log "$D/log" --timeout 900 >/dev/null || {
	echo "demo: the VM run failed; see $D/log" >&2; exit 1; }
tests/vm/extract.py "$D/log" "$D/files" >/dev/null
sed -n '/^== /,/LT-VM-EXIT/p' "$D/log" | grep -v LT-VM-EXIT
