#!/bin/bash
# Runs every cmocka unit-test binary; each prints its own summary. Fails
# if any binary fails or none ran.
set -uo pipefail
[ $# -gt 0 ] || { echo "unit: no test binaries given" >&2; exit 1; }
fail=0
for t in "$@"; do
	echo "== $t"
	"$t" || fail=1
done
exit $fail
