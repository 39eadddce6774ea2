# Tracing the user-space model (docs/MODEL.md), shared by the model and
# golden tests. Needs tests/lib/harness.sh and $LT (the lazytrace binary).

# model_trace NAME MODEL SCENARIO RULES OUT ERR MODEL_OUT [ARGS...]:
# lazytrace on build/model/lt-model-MODEL (stdout to OUT, stderr to ERR)
# until the model ran SCENARIO (its stdout to MODEL_OUT), then SIGINT.
# Returns 1 after a not_ok line when lazytrace did not start or failed.
model_trace() {
	local name=$1 model=$2 sc=$3 rules=$4 out=$5 err=$6 mout=$7 pid
	shift 7
	$LT --uprobe-target build/model/lt-model-$model --rules "$rules" \
		--comm lt-model-$model "$@" >"$out" 2>"$err" &
	pid=$!
	if ! wait_for "$err" "tracing with" 30; then
		not_ok "$name: lazytrace did not start: $(cat "$err")"
		kill $pid 2>/dev/null
		return 1
	fi
	build/model/lt-model-$model "$sc" >"$mout"
	kill -INT $pid
	wait $pid || { not_ok "$name: lazytrace exited $?"; return 1; }
}
