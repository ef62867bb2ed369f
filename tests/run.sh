#!/usr/bin/env bash
# Runs every test suite (each speaks TAP), shows failures, and ends with one
# line: "N passed, N failed".  Exit status 0 only if nothing failed.
#
# A suite that exits non-zero without reporting a failure (a crash, a
# sanitizer abort) counts as one failure; results missing from a suite's
# plan ("1..N") count as failures too.
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
log_dir=build/test-logs
mkdir -p "$log_dir"

run_suite() {
	local name=$1; shift
	local log="$log_dir/$(echo "$name" | tr '/ ' '__').tap"
	local status ok notok plan
	"$@" >"$log" 2>&1
	status=$?
	ok=$(grep -cE '^ok ' "$log")
	notok=$(grep -cE '^not ok ' "$log")
	plan=$(grep -m1 -oE '^1\.\.[0-9]+' "$log" | cut -d. -f3)
	if [ -n "$plan" ] && [ $((ok + notok)) -lt "$plan" ]; then
		notok=$((notok + plan - ok - notok))
		echo "$name: $((plan - ok)) results missing from the plan of $plan"
	fi
	if [ "$status" -ne 0 ] && [ "$notok" -eq 0 ]; then
		notok=1
		echo "$name: exited with status $status without reporting a failure"
	fi
	if [ "$notok" -gt 0 ]; then
		echo "FAIL $name ($ok passed, $notok failed); log: $log"
		grep -E '^not ok |^# ' "$log" | head -40 | sed 's/^/    /'
		tail -5 "$log" | sed 's/^/    | /'
	else
		echo "ok   $name ($ok passed)"
	fi
	passed=$((passed + ok))
	failed=$((failed + notok))
}

export CMOCKA_MESSAGE_OUTPUT=TAP
for t in build/tests/test_*; do
	[ -x "$t" ] && run_suite "unit/${t##*/}" "$t"
done
for t in build/asan/tests/test_*; do
	[ -x "$t" ] && run_suite "asan/${t##*/}" env \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$t"
done
run_suite "ct/ctgrind" tests/ct/run.sh
run_suite "lint/layers" scripts/check-layers.sh
run_suite "cross/neon" tests/cross/run.sh
for f in tests/fuzz/run-corpora.sh; do
	[ -x "$f" ] && run_suite "fuzz/corpora" "$f"
done
for b in tests/cli/*.bats; do
	[ -e "$b" ] && run_suite "cli/${b##*/}" bats --tap "$b"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
