#!/usr/bin/env bash
# make bench: times symbolon's Shamir split/combine (library and programs)
# against libgfshare's gfsplit/gfcombine and the raw libsodium random rate;
# then the storage image (store put/get of a 1 GiB entry against raw
# secretstream, peak RSS, status/list/rekey on a 1 KiB and a 1 GiB image).
# build/bench/bench_shamir and build/bench/bench_image do the timing and the
# correctness checks; this script finds the peer programs and a scratch
# directory.
#
# gfsplit/gfcombine come from the Debian package libgfshare-bin: installed
# with apt-get when missing and running as root, otherwise the apt-get line
# is printed and the bench fails.
#
# Arguments are passed to bench_shamir (--budget S, --sizes N, --lib-only).
# BENCH_IMAGE_MIB (default 1024) sets the size of the image bench's big
# entry; BENCH_IMAGE_MIB=0 skips the image bench.  BENCH_STARTUP_RUNS
# (default 300) sets the runs of the start-up line (status next to a
# program linked only to libsodium).
# The scratch directory is under $TMPDIR (default /tmp); it holds random
# test secrets only and is removed on exit.  The image bench needs about
# 4.5 times BENCH_IMAGE_MIB of free space there.
set -u
cd "$(dirname "$0")/../.." || exit 2

image_mib=${BENCH_IMAGE_MIB:-1024}
case $image_mib in
''|*[!0-9]*) echo "bench: BENCH_IMAGE_MIB: a number of MiB, not $image_mib" >&2
	exit 2 ;;
esac
image_programs=(bin/symbolon-keygen bin/symbolon-store bin/symbolon-status
    bin/symbolon-rekey)

for f in bin/symbolon-split bin/symbolon-combine build/bench/bench_shamir \
    "${image_programs[@]}" build/bench/bench_image build/bench/bench_startup \
    build/bench/startup_sodium build/libsymbolon-picture.so; do
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
mkdir "$work/bin" "$work/build" && cp bin/symbolon-split bin/symbolon-combine \
    "${image_programs[@]}" build/bench/bench_image build/bench/bench_startup \
    build/bench/startup_sodium "$work/bin/" &&
    cp build/libsymbolon-picture.so "$work/build/" || exit 2

# Start-up (issue 10): status on a small image (and its --help) next to a
# program linked only to libsodium, interleaved in the same run; status
# links neither cairo nor zbar (the picture plugin is loaded only for a
# picture).
mkdir "$work/startup" &&
    "$work/bin/symbolon-keygen" init --image "$work/startup/img" \
    --key-shares 3 --key-threshold 2 --out-dir "$work/startup/shares" \
    </dev/null >/dev/null 2>&1 &&
    "$work/bin/bench_startup" --runs "${BENCH_STARTUP_RUNS:-300}" \
    "$work/bin/startup_sodium" -- "$work/bin/symbolon-status" \
    --image "$work/startup/img" || exit 2
# The same program doing nothing but start (its --help): the loader's
# share, without the work of reading an image.
"$work/bin/bench_startup" --runs "${BENCH_STARTUP_RUNS:-300}" \
    "$work/bin/startup_sodium" -- "$work/bin/symbolon-status" --help || exit 2

build/bench/bench_shamir --work "$work" \
	--split "$work/bin/symbolon-split" --combine "$work/bin/symbolon-combine" \
	--gfsplit "$(command -v gfsplit)" --gfcombine "$(command -v gfcombine)" "$@"
status=$?

# Constant time, measured: dudect's fixed-vs-random test of every kernel
# (tests/bench/dudect_shamir.c).  Its verdicts are printed, not enforced:
# a loaded machine can push |t| over 4.5, and the portable kernel's open
# finding (docs/DECISIONS.md) would fail every run.
build/bench/dudect_shamir "${BENCH_DUDECT_RUNS:-300000}" ||
	echo "bench: dudect found |t| > 4.5 (see above)"

# The image bench, in its own directory; BENCH_IMAGE_MIB=0 skips it.
if [ "$image_mib" -gt 0 ]; then
	need_kib=$((image_mib * 1024 * 9 / 2 + 65536))
	avail_kib=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
	if [ -z "$avail_kib" ] || [ "$avail_kib" -lt "$need_kib" ]; then
		echo "bench: image bench needs $((need_kib / 1024)) MiB free in" \
		    "$work, has $((${avail_kib:-0} / 1024)); set TMPDIR or" \
		    "BENCH_IMAGE_MIB" >&2
		status=2
	elif mkdir "$work/image"; then
		"$work/bin/bench_image" --work "$work/image" --bin "$work/bin" \
		    --mib "$image_mib" || status=$?
	else
		status=2
	fi
fi

# QR codes (issue 7): encode and scan next to qrencode and zbarimg.
echo
tests/bench/bench_qr.sh "${BENCH_QR_RUNS:-10}" || status=$?
exit $status
