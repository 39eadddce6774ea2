#!/bin/bash
# Report tests: `lazytrace report` on the real VM traces committed in
# docs/examples (sid 7.2 and trixie 6.12, tests/report/mktrace.sh), opened
# in headless Chromium. The screenshot must be a real picture and the
# rendered DOM must match the JSON, recomputed in Python (check_dom.py).
# Needs no VM: the traces are in the tree.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/harness.sh
LT=build/lazytrace
EX=docs/examples
SID=$EX/sid-7.2-workloads.jsonl
OLD=$EX/trixie-6.12-workloads.jsonl
CHROMIUM=${CHROMIUM:-chromium}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
W=1200

# chrome NAME HTML HEIGHT: $T/NAME.png and $T/NAME.dom. Each run gets a new,
# empty profile; nothing may reach the network.
chrome() {
	local flags=(--headless --no-sandbox --disable-gpu --disable-quic
		--no-first-run --disable-background-networking
		--disable-component-update --disable-sync --hide-scrollbars)
	local url="file://$(realpath "$2")"
	mkdir -p "$T/prof-$1-shot" "$T/prof-$1-dom"
	timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$T/prof-$1-shot" \
		--window-size=$W,$3 --screenshot="$T/$1.png" "$url" \
		>"$T/$1.shot.log" 2>&1
	timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$T/prof-$1-dom" \
		--dump-dom "$url" >"$T/$1.dom" 2>"$T/$1.dom.log"
	[ -s "$T/$1.png" ] && [ -s "$T/$1.dom" ] || tail -5 "$T/$1.shot.log" "$T/$1.dom.log"
}

# self_contained HTML: nothing to fetch, nothing to run.
self_contained() {
	! grep -qiE '<script|<link|<img|<iframe| src=| href=|url\(|@import' "$1"
}

if ! command -v "$CHROMIUM" >/dev/null; then
	not_ok "chromium not installed (scripts/install-deps.sh installs it)"
	finish
	exit 1
fi
if [ ! -x $LT ]; then
	not_ok "no $LT (make all)"
	finish
	exit 1
fi

# ---- one real trace ----
$LT report $SID -o "$T/one.html" 2>"$T/one.err"
check "report of the sid 7.2 trace exits 0" [ $? -eq 0 ]
check "report: nothing on stderr" [ ! -s "$T/one.err" ]
check "report is self-contained (no script, link, src, url)" self_contained "$T/one.html"
check "report has the six histogram charts" \
	[ "$(grep -c '<svg class="hist"' "$T/one.html")" -eq 6 ]
check "committed example docs/examples/report.html is current" \
	cmp -s "$T/one.html" $EX/report.html
chrome one "$T/one.html" 3400
check "chromium rendered the report (screenshot)" [ -s "$T/one.png" ]
check "screenshot is a real picture with blue bars" \
	python3 tests/report/check_png.py "$T/one.png" $W 3400 3b6fb6:5000
check "DOM: bars, findings and comms match the JSON" \
	python3 tests/report/check_dom.py "$T/one.dom" $SID

# ---- before (6.12) and after (7.2) ----
$LT report $OLD $SID -o "$T/two.html"
check "comparison report exits 0" [ $? -eq 0 ]
check "comparison is self-contained" self_contained "$T/two.html"
check "comparison has six charts per trace" \
	[ "$(grep -c '<svg class="hist"' "$T/two.html")" -eq 12 ]
check "comparison shows both kernels" eval \
	'grep -q "6.12.107+deb13-cloud-amd64" "$T/two.html" && grep -q "7.2.13+deb14-cloud-amd64" "$T/two.html"'
check "comparison flags alloc_order's different scopes" \
	grep -q "counted different scopes" "$T/two.html"
check "committed example docs/examples/compare.html is current" \
	cmp -s "$T/two.html" $EX/compare.html
chrome two "$T/two.html" 5400
check "comparison screenshot has blue and orange bars" \
	python3 tests/report/check_png.py "$T/two.png" $W 5400 3b6fb6:5000 e07b39:5000
check "comparison DOM matches both JSON files" \
	python3 tests/report/check_dom.py "$T/two.dom" $OLD $SID

# ---- a trace cut short: no summary, the plan record still names it ----
grep -v '"type":"summary"' $SID >"$T/nosum.jsonl"
$LT report "$T/nosum.jsonl" -o "$T/nosum.html"
check "report of a trace without its summary exits 0" [ $? -eq 0 ]
check "it says the summary is missing" grep -q "No summary record" "$T/nosum.html"
check "it still names the kernel and plan (plan record)" eval \
	'grep -q "7.2.13+deb14-cloud-amd64" "$T/nosum.html" &&
	 grep -q "__alloc_frozen_pages_noprof" "$T/nosum.html"'

# ---- hostile strings stay text, in a real browser ----
python3 - $SID >"$T/evil.jsonl" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["type"] == "finding":
        r["comm"] = "<img src=x onerror=alert(1)>"
        r["stack"][0] = "</td></tr></table><script>alert(2)</script>"
    if r["type"] == "summary":
        r["kernel"] = "</title><script>alert(3)</script>"
    print(json.dumps(r))
EOF
$LT report "$T/evil.jsonl" -o "$T/evil.html"
check "report of a hostile trace exits 0" [ $? -eq 0 ]
chrome evil "$T/evil.html" 1200
check "hostile comm and symbols did not become elements" python3 -c "
import sys
sys.path.insert(0, 'tests/report')
from check_dom import Dom
d = Dom()
d.feed(open('$T/evil.dom').read())
t = ''.join(d.text)
sys.exit(d.tags['script'] or d.tags['img'] or
         '<img src=x onerror=alert(1)>' not in t or
         '</td></tr></table><script>alert(2)</script>' not in t or
         '</title><script>alert(3)</script>' not in t)"

# ---- bad input: one line naming the line, exit 2, no output file ----
bad() {	# bad NAME WANT_REGEX ARGS...
	local name=$1 want=$2
	shift 2
	rm -f "$T/bad.html"
	$LT report "$@" -o "$T/bad.html" 2>"$T/bad.err"
	local rc=$?
	cat "$T/bad.err"
	check "$name: exit 2" [ $rc -eq 2 ]
	check "$name: one line saying so" eval \
		'[ "$(wc -l <"$T/bad.err")" -eq 1 ] && grep -qE "$want" "$T/bad.err"'
	check "$name: no report written" [ ! -e "$T/bad.html" ]
}
{ head -40 $SID; head -c 100 <(sed -n 41p $SID); echo; tail -n +42 $SID; } >"$T/cut.jsonl"
bad "line cut short" "cut.jsonl:41: not JSON \(cut short\)" "$T/cut.jsonl"
{ head -3 $SID; echo 'lazytrace: tracing with 9 probes'; } >"$T/text.jsonl"
bad "text output instead of JSON" "text.jsonl:4: not JSON.*lazytrace -j output" "$T/text.jsonl"
sed '0,/"low":4,"high":7/s//"low":4,"high":9/' $SID >"$T/bucket.jsonl"
bad "a bucket that is not log2" "bucket.jsonl:[0-9]+: bucket \[4, 9\]" "$T/bucket.jsonl"
: >"$T/empty.jsonl"
bad "empty file" "empty.jsonl: no records" "$T/empty.jsonl"
bad "missing file" "cannot open $T/nope.jsonl" "$T/nope.jsonl"
bad "three traces" "at most two traces" $SID $SID $SID
bad "no trace" "which trace"
# A write error exits 2 and removes only what is a regular file: through a
# symlink to /dev/full, so a regression deletes the link, not the device.
ln -s /dev/full "$T/full.html"
$LT report $SID -o "$T/full.html" 2>"$T/full.err"
check "write error (/dev/full): exit 2" [ $? -eq 2 ]
check "write error: one line saying so" \
	eval '[ "$(wc -l <"$T/full.err")" -eq 1 ] && grep -q "writing .*full.html failed" "$T/full.err"'
check "write error: a device is not removed" [ -L "$T/full.html" ]
finish
