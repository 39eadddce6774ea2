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

# page_height HTML: the document's height at width $W, read by a script in
# a wrapper page of ours (the report itself runs none) from Chromium's DOM.
page_height() {
	local url="file://$(realpath "$1")" wrap="$T/measure-$(basename "$1")"
	cat >"$wrap" <<-EOF
	<!DOCTYPE html><html><body style="margin:0"><iframe src="$url"
	 scrolling="no" style="width:${W}px;height:100px;border:0" onload=
	 "document.body.dataset.height=this.contentDocument.documentElement.scrollHeight">
	</iframe></body></html>
	EOF
	mkdir -p "$T/prof-measure"
	timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$T/prof-measure" \
		--allow-file-access-from-files --dump-dom "file://$wrap" 2>/dev/null |
		sed -n 's/.*data-height="\([0-9]*\)".*/\1/p'
}

# chrome NAME HTML [HEIGHT]: $T/NAME.png, a window as tall as the page
# (height in $T/NAME.h) unless HEIGHT is given, and $T/NAME.dom. Each run
# gets a new, empty profile; nothing may reach the network.
flags=(--headless --no-sandbox --disable-gpu --disable-quic
	--no-first-run --disable-background-networking
	--disable-component-update --disable-sync --hide-scrollbars)
chrome() {
	local url="file://$(realpath "$2")" h=${3:-$(page_height "$2")}
	echo "${h:-0}" >"$T/$1.h"
	[ -n "$h" ] || { echo "chrome $1: no page height"; return; }
	mkdir -p "$T/prof-$1-shot" "$T/prof-$1-dom"
	timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$T/prof-$1-shot" \
		--window-size=$W,$h --screenshot="$T/$1.png" "$url" \
		>"$T/$1.shot.log" 2>&1
	timeout 120 "$CHROMIUM" "${flags[@]}" --user-data-dir="$T/prof-$1-dom" \
		--dump-dom "$url" >"$T/$1.dom" 2>"$T/$1.dom.log"
	[ -s "$T/$1.png" ] && [ -s "$T/$1.dom" ] || tail -5 "$T/$1.shot.log" "$T/$1.dom.log"
}
# The page ends inside the shot: its last content (the footer, under the
# top comms) sits above main's 40 px bottom padding, not at the edge.
FITS=tail=30:64

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
chrome one "$T/one.html"
check "chromium rendered the report (screenshot)" [ -s "$T/one.png" ]
check "screenshot: a real picture with blue bars, the whole page" \
	python3 tests/report/check_png.py "$T/one.png" $W "$(cat "$T/one.h")" \
	3b6fb6:5000 $FITS
check "DOM: bars, labels, findings and comms match the JSON" \
	python3 tests/report/check_dom.py "$T/one.dom" $SID
# The fit check is what catches a window shorter than the page.
chrome cut "$T/one.html" $(( $(cat "$T/one.h") - 300 ))
check "a shot 300 px shorter than the page fails the fit check" eval \
	'! python3 tests/report/check_png.py "$T/cut.png" $W $(( $(cat "$T/one.h") - 300 )) \
	 $FITS >"$T/cut.out" && grep -q "(cut off)" "$T/cut.out"'

# Each new reader check of check_dom.py fails on a DOM with that one
# thing wrong (mutate_dom.py), in a chart of the real trace.
mutant() {	# mutant DOM TRACE KIND CHART WANT_REGEX
	python3 tests/report/mutate_dom.py "$1" "$T/mut.dom" "$3" "$4" &&
		! python3 tests/report/check_dom.py "$T/mut.dom" "$2" >"$T/mut.out" &&
		grep -qE "$5" "$T/mut.out"
}
check "check_dom catches a wrong count over a bar" \
	mutant "$T/one.dom" $SID count batch_pages "batch_pages: count text"
check "check_dom catches a wrong bucket label" \
	mutant "$T/one.dom" $SID xlabel batch_pages "batch_pages: x label"
check "check_dom catches a missing bucket label" \
	mutant "$T/one.dom" $SID nolabel batch_pages "batch_pages: .*without an x label"
check "check_dom catches a wrong y tick label" \
	mutant "$T/one.dom" $SID ytick batch_pages "batch_pages: y ticks"

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
chrome two "$T/two.html"
check "comparison screenshot: blue and orange bars, the whole page" \
	python3 tests/report/check_png.py "$T/two.png" $W "$(cat "$T/two.h")" \
	3b6fb6:5000 e07b39:5000 $FITS
check "comparison DOM matches both JSON files" \
	python3 tests/report/check_dom.py "$T/two.dom" $OLD $SID

# ---- a fresh uprobe trace of the user-space model (docs/MODEL.md) ----
# Real x86/arm64 kernels inline the section boundaries, so their traces
# have no section_span: the model's out-of-line enter/leave, traced
# through uprobes on this host, fill it (and nesting_depth) with ns data.
MODEL=build/model/lt-model-v7
model_trace() {
	local pid s
	$LT --uprobe-target $MODEL --rules 7.0 --comm lt-model-v7 -j \
		-o "$T/model.jsonl" 2>"$T/model.err" &
	pid=$!
	if ! wait_for "$T/model.err" "tracing with" 30; then
		kill $pid 2>/dev/null
		wait $pid
		return 1
	fi
	for s in debug-pagealloc pause-resume sleeping-alloc flush-in-lazy concurrency; do
		$MODEL $s >>"$T/model.out" || break
	done
	kill -INT $pid
	wait $pid
}
if [ "$(id -u)" -ne 0 ]; then
	skip "model trace: uprobes need root (run make report-test as root)"
elif [ ! -x $MODEL ]; then
	not_ok "no $MODEL (make models)"
else
	model_trace
	check "model trace: lazytrace traced the model and exited 0" [ $? -eq 0 ]
	check "model trace: all 5 scenarios ran" [ "$(grep -c ^DONE "$T/model.out")" -eq 5 ]
	check "model trace has section_span samples (JSON)" python3 -c "
import json, sys
n = sum(r['total'] for r in map(json.loads, open('$T/model.jsonl'))
        if r['type'] == 'histogram' and r['name'] == 'section_span')
sys.exit(n == 0)"
	$LT report "$T/model.jsonl" -o "$T/model.html" 2>"$T/model.rerr"
	check "report of the model trace exits 0, nothing on stderr" \
		eval '[ $? -eq 0 ] && [ ! -s "$T/model.rerr" ]'
	sed -n '/data-chart="section_span"/,/<\/svg>/p' "$T/model.html" >"$T/span.svg"
	check "model report draws section_span bars, with time labels" eval \
		'grep -q "class=\"bar t0\"" "$T/span.svg" &&
		 grep -qE "class=\"xtick\"[^>]*>[0-9.]+(ns|us|ms|s)<" "$T/span.svg"'
	chrome model "$T/model.html"
	check "model screenshot: a real picture, the whole page" \
		python3 tests/report/check_png.py "$T/model.png" $W "$(cat "$T/model.h")" \
		3b6fb6:3000 $FITS
	check "model DOM: section_span bars and labels match the JSON" \
		python3 tests/report/check_dom.py "$T/model.dom" "$T/model.jsonl"
	check "check_dom catches a wrong section_span label (ns)" mutant \
		"$T/model.dom" "$T/model.jsonl" xlabel section_span "section_span: x label"
	check "check_dom catches a wrong section_span count" mutant \
		"$T/model.dom" "$T/model.jsonl" count section_span "section_span: count text"
fi

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
# -o naming an input, by its own name or another: refused before the
# trace is truncated.
cp $SID "$T/copy.jsonl"
ln -s copy.jsonl "$T/alias.jsonl"
same() {	# same NAME OUTPUT TRACES...
	local name=$1 o=$2
	shift 2
	$LT report "$@" -o "$o" 2>"$T/same.err"
	local rc=$?
	cat "$T/same.err"
	check "$name: exit 2" [ $rc -eq 2 ]
	check "$name: one line saying so" eval \
		'[ "$(wc -l <"$T/same.err")" -eq 1 ] && grep -q "is the trace .*copy.jsonl" "$T/same.err"'
	check "$name: the trace is untouched" cmp -s "$T/copy.jsonl" $SID
}
same "-o the input itself" "$T/copy.jsonl" "$T/copy.jsonl"
same "-o a symlink to the after trace" "$T/alias.jsonl" $OLD "$T/copy.jsonl"
# fopen fails: a directory that does not exist.
$LT report $SID -o "$T/nodir/r.html" 2>"$T/nodir.err"
check "-o in a missing directory: exit 2" [ $? -eq 2 ]
check "-o in a missing directory: one line saying so" eval \
	'[ "$(wc -l <"$T/nodir.err")" -eq 1 ] &&
	 grep -q "cannot write .*nodir/r.html: No such file" "$T/nodir.err"'
# Records of a newer lazytrace are skipped, and the page says how many.
{ cat $SID; echo '{"type":"future_record","x":1}'
  echo '{"type":"histogram","name":"future_hist","unit":"x","comm":"a","total":1,"buckets":[{"low":0,"high":1,"count":1}]}'
  echo '{"type":"future_record","x":2}'; } >"$T/newer.jsonl"
$LT report "$T/newer.jsonl" -o "$T/newer.html" 2>"$T/newer.err"
check "trace with unknown records: exit 0, nothing on stderr" \
	eval '[ $? -eq 0 ] && [ ! -s "$T/newer.err" ]'
check "the page counts the skipped records" grep -q \
	"2 records of unknown type; 1 histogram record of unknown name" "$T/newer.html"
check "a trace without them has no such note" eval \
	'! grep -q "Skipped, not shown" "$T/one.html"'
# A write error exits 2 and removes only what is a regular file: through a
# symlink to /dev/full, so a regression deletes the link, not the device.
ln -s /dev/full "$T/full.html"
$LT report $SID -o "$T/full.html" 2>"$T/full.err"
check "write error (/dev/full): exit 2" [ $? -eq 2 ]
check "write error: one line saying so" \
	eval '[ "$(wc -l <"$T/full.err")" -eq 1 ] && grep -q "writing .*full.html failed" "$T/full.err"'
check "write error: a device is not removed" [ -L "$T/full.html" ]
finish
