#!/usr/bin/env bash
# make fuzz: run each libFuzzer target for the given seconds (default 60)
# on a scratch copy of its seed corpus, and say how long each ran clean.
set -u
cd "$(dirname "$0")/../.."
seconds=${1:-60}
status=0
for t in build/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=${t##*/fuzz_}
	work=build/fuzz/work/$name
	mkdir -p "$work"
	cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null
	if "$t" -max_total_time="$seconds" -print_final_stats=1 "$work" \
	    >build/fuzz/"$name".log 2>&1; then
		execs=$(grep -m1 'stat::number_of_executed_units' build/fuzz/"$name".log | awk '{print $2}')
		echo "fuzz_$name: ran clean for ${seconds}s (${execs:-?} executions)"
	else
		echo "fuzz_$name: FAILED, see build/fuzz/$name.log"
		status=1
	fi
done
exit $status
