#!/usr/bin/env bash
# Regression: every fuzz target runs once over its seed corpus (TAP).
set -u
cd "$(dirname "$0")/../.."
targets=(build/fuzz/fuzz_*)
[ -e "${targets[0]}" ] || { echo "1..0 # no fuzz targets"; exit 0; }
echo "1..${#targets[@]}"
n=1
for t in "${targets[@]}"; do
	name=${t##*/fuzz_}
	corpus=tests/fuzz/corpus/$name
	count=$(find "$corpus" -type f 2>/dev/null | wc -l)
	if out=$("$t" -runs=0 "$corpus" 2>&1) && [ "$count" -gt 0 ]; then
		echo "ok $n - fuzz_$name: $count corpus inputs run clean"
	else
		echo "not ok $n - fuzz_$name over $corpus ($count inputs)"
		tail -20 <<<"$out" | sed 's/^/# /'
	fi
	n=$((n + 1))
done
