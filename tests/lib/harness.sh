# Minimal shell test harness shared by host and VM tests: named checks,
# loud skips, and a closing "N passed, N failed" line CI can read.
PASS=0
FAIL=0
SKIP=0

ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
skip() { SKIP=$((SKIP + 1)); echo "SKIP - $* (SKIPPED, NOT TESTED)"; }

# check NAME COMMAND...: passes when COMMAND exits 0
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# wait_for FILE PATTERN SECONDS: waits for a line to appear (a condition,
# not a fixed sleep); fails when the deadline passes first.
wait_for() {
	local file=$1 pat=$2 deadline=$(( $(date +%s) + $3 ))
	until grep -q -- "$pat" "$file" 2>/dev/null; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

finish() {
	if [ "$SKIP" -gt 0 ]; then
		echo "$PASS passed, $FAIL failed, $SKIP skipped"
	else
		echo "$PASS passed, $FAIL failed"
	fi
	[ "$FAIL" -eq 0 ]
}
