#!/usr/bin/env bash
# make bench: times symbolon's Shamir split/combine (library and programs)
# against libgfshare's gfsplit/gfcombine and the raw libsodium random rate.
# build/bench/bench_shamir does the timing and the correctness checks; this
# script finds the peer programs and a scratch directory.
#
# gfsplit/gfcombine come from the Debian package libgfshare-bin: installed
# with apt-get when missing and running as root, otherwise the apt-get line
# is printed and the bench fails.
#
# Arguments are passed to bench_shamir (--budget S, --sizes N, --lib-only).
# The scratch directory is under $TMPDIR (default /tmp); it holds random
# test secrets only and is removed on exit.
set -u
cd "$(dirname "$0")/../.."

for f in bin/symbolon-split bin/symbolon-combine build/bench/bench_shamir; do
	if [ ! -x "$f" ]; then
		echo "bench: $f missing; run: make bench" >&2
		exit 2
	fi
done

if ! command -v gfsplit >/dev/null 2>&1 || ! command -v gfcombine >/dev/null 2>&1; then
	line="apt-get install -y libgfshare-bin"
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "bench: installing libgfshare-bin (gfsplit, gfcombine)"
		export DEBIAN_FRONTEND=noninteractive
		if ! { apt-get update -q >/dev/null &&
		    apt-get install -y -q --no-install-recommends libgfshare-bin >/dev/null; }; then
			echo "bench: failed: $line" >&2
			exit 2
		fi
	else
		echo "bench: gfsplit/gfcombine missing (Debian package libgfshare-bin)" >&2
		echo "bench: run as root: apt-get update && $line" >&2
		exit 2
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/symbolon-bench.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
gfv=$(dpkg-query -W -f '${Version}' libgfshare-bin 2>/dev/null || echo unknown)
echo "bench: ${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo ?) cores; libgfshare-bin $gfv; scratch $work"

# A snapshot of the programs: a rebuild during the run must not change
# (or briefly remove) what is being timed.
mkdir "$work/bin" && cp bin/symbolon-split bin/symbolon-combine "$work/bin/" || exit 2

build/bench/bench_shamir --work "$work" \
	--split "$work/bin/symbolon-split" --combine "$work/bin/symbolon-combine" \
	--gfsplit "$(command -v gfsplit)" --gfcombine "$(command -v gfcombine)" "$@"
