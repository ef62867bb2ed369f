#!/usr/bin/env bash
# A bulk secret (an archive, a disk key file) in raw share files, and
# back: split streams it into DIR/share-I-of-N.raw; combine streams the
# given shares back.  Raw shares carry no signature and no check (a wrong
# share gives a wrong secret, silently): compare the result's hash with
# the one in the minutes.
#   bulk.sh split SECRET_FILE THRESHOLD SHARES DIR
#   bulk.sh combine OUT_FILE SHARE_FILE...
. "$(dirname "$0")/common.sh"
case $1 in
split)
	secret=$2 t=$3 n=$4 dir=$5
	step "Split $secret $t-of-$n into raw share files in $dir"
	mkdir -p "$dir"
	run split --key-shares "$n" --key-threshold "$t" --format raw \
	    --out-dir "$dir" --in "$secret"
	printf 'sha256 for the minutes: %s\n' "$(sha256sum <"$secret" | cut -d' ' -f1)"
	;;
combine)
	out=$2; shift 2
	args=()
	for share in "$@"; do args+=(--share "$share"); done
	step "Combine ${*##*/} into $out"
	run combine --format raw "${args[@]}" --out "$out" </dev/null
	printf 'sha256 to compare with the minutes: %s\n' "$(sha256sum <"$out" | cut -d' ' -f1)"
	;;
*)
	echo "usage: bulk.sh split SECRET T N DIR | bulk.sh combine OUT SHARE..." >&2
	exit 2
	;;
esac
