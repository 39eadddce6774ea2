#!/bin/bash
# Renders the example reports in docs/examples from the committed real
# traces, with their screenshots (headless Chromium). tests/report/run.sh
# checks that the committed HTML is what the current build writes.
set -euo pipefail
cd "$(dirname "$0")/../.."
EX=docs/examples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
shot() {	# shot HTML PNG: a tall window, cropped to the page
	mkdir -p "$T/prof-$3"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --hide-scrollbars \
		--user-data-dir="$T/prof-$3" --window-size=1200,$3 \
		--screenshot="$T/shot.png" "file://$PWD/$1" >/dev/null 2>&1
	python3 tests/report/png_crop.py "$T/shot.png" "$2"
}
build/lazytrace report $EX/sid-7.2-workloads.jsonl -o $EX/report.html
build/lazytrace report $EX/trixie-6.12-workloads.jsonl $EX/sid-7.2-workloads.jsonl \
	-o $EX/compare.html
shot $EX/report.html $EX/report.png 8000
shot $EX/compare.html $EX/compare.png 9000
ls -l $EX
