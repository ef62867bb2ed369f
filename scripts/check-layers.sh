#!/usr/bin/env bash
# Fails on an include that runs upward across the layers of
# scripts/layers.txt, on a module missing from it, and on a circle of
# includes.  Speaks TAP: one result per lib/ and include/ file, one for
# circles.
set -u
cd "$(dirname "$0")/.."
declare -A layer_of
rank=0
while read -r name modules; do
	case $name in ''|'#'*) continue ;; esac
	for m in $modules; do layer_of[$m]=$rank; done
	layer_names[$rank]=$name
	rank=$((rank + 1))
done < scripts/layers.txt

files=$(ls lib/*.c lib/*.h include/symbolon/*.h 2>/dev/null)
total=$(($(echo "$files" | wc -l) + 2))
echo "1..$total"
n=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for f in $files; do
	n=$((n + 1))
	# A private lib/<module>_internal.h belongs to its module.
	m=$(basename "$f"); m=${m%.*}; m=${m%_internal}
	if [ -z "${layer_of[$m]+x}" ]; then
		echo "not ok $n - $f: module '$m' is in no layer of scripts/layers.txt"
		continue
	fi
	bad=""
	for inc in $(sed -nE 's/^#include "(symbolon\/)?([a-z0-9_]+)\.h".*/\2/p' "$f"); do
		inc=${inc%_internal}
		if [ -z "${layer_of[$inc]+x}" ]; then
			bad+=" $inc (in no layer)"
		elif [ "${layer_of[$inc]}" -gt "${layer_of[$m]}" ]; then
			bad+=" $inc (${layer_names[${layer_of[$inc]}]})"
		fi
		[ "$inc" != "$m" ] && echo "$m $inc" >> "$edges"
	done
	if [ -n "$bad" ]; then
		echo "not ok $n - $f (${layer_names[${layer_of[$m]}]}) includes upward:$bad"
	else
		echo "ok $n - $f (${layer_names[${layer_of[$m]}]})"
	fi
done
n=$((n + 1))
# The table names only modules that exist (it is the map of the tree).
ghosts=""
for m in "${!layer_of[@]}"; do
	[ -e lib/$m.c ] || [ -e lib/$m.h ] || [ -e include/symbolon/$m.h ] ||
		ghosts+=" $m"
done
if [ -z "$ghosts" ]; then
	echo "ok $n - every module of scripts/layers.txt is in the tree"
else
	echo "not ok $n - scripts/layers.txt names modules with no file:$ghosts"
fi
n=$((n + 1))
# tsort reports a cycle on standard error ("input contains a loop").
if cycle=$(sort -u "$edges" | tsort 2>&1 >/dev/null) && [ -z "$cycle" ]; then
	echo "ok $n - no circle of includes among lib modules"
else
	echo "not ok $n - a circle of includes:"
	echo "$cycle" | sed 's/^/# /'
fi
