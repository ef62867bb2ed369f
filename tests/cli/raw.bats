#!/usr/bin/env bats
# Raw share files (split --format raw --out-dir, combine --format raw):
# one file per holder, the share's bytes then its x (Vault's layout),
# written and read in constant memory.  vault-interop.bats checks the
# bytes against an implementation we did not write.

load helpers

setup() {
	common_setup
	random_secret key 300000
	mkdir deal
}

@test "raw: split writes one 0600 file per share; any 3 of 5 combine" {
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 3 \
	    --format raw --out-dir deal --in key
	assert_status 0
	[ "$(ls deal | wc -l)" -eq 5 ]
	for i in 1 2 3 4 5; do
		[ "$(stat -c %a deal/share-$i-of-5.raw)" = 600 ]
		[ "$(stat -c %s deal/share-$i-of-5.raw)" -eq 300001 ]
		grep -q "deal/share-$i-of-5.raw" <<<"$output"
	done
	for subset in "5 2 4" "1 2 3" "3 4 5" "1 3 5 2"; do
		args=()
		for i in $subset; do args+=(--share "deal/share-$i-of-5.raw"); done
		run --separate-stderr "$COMBINE" --format raw "${args[@]}" --out back
		assert_status 0
		cmp back key
		rm back
		# It says that raw shares cannot be checked.
		grep -q "raw shares carry no check" <<<"$stderr"
	done
	# From standard input too, and to standard output.
	mkdir deal2
	"$SPLIT" --key-shares 3 --key-threshold 2 --format raw --out-dir deal2 <key
	"$COMBINE" --format raw --share deal2/share-3-of-3.raw \
	    --share deal2/share-1-of-3.raw >back2
	cmp back2 key
}

@test "raw: bad input is named, exits non-zero and writes nothing" {
	"$SPLIT" --key-shares 3 --key-threshold 2 --format raw --out-dir deal --in key
	head -c 100 deal/share-2-of-3.raw >short.raw
	before=$(snapshot)
	# A second deal into the same directory.
	run --separate-stderr "$SPLIT" --key-shares 3 --key-threshold 2 \
	    --format raw --out-dir deal --in key
	assert_status 2
	assert_one_error 'symbolon-split: deal: already holds share files; give an empty directory'
	# Options that make bundles.
	run --separate-stderr "$SPLIT" --key-shares 3 --key-threshold 2 \
	    --format raw --out-dir new --holders a,b,c --in key
	assert_status 2
	assert_usage_error symbolon-split '--format raw shares are unsigned and in clear: .*'
	run --separate-stderr "$SPLIT" --key-shares 3 --key-threshold 2 \
	    --format raw --in key
	assert_status 2
	assert_usage_error symbolon-split '--format raw writes one file per share: give --out-dir'
	# Combine: options raw shares cannot honour are refused, not ignored.
	for extra in "--manifest deal/share-2-of-3.raw" "--key-threshold 2" \
	    "--signer deal/share-2-of-3.raw" "--identity deal/share-2-of-3.raw"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$COMBINE" --format raw $extra \
		    --share deal/share-1-of-3.raw --share deal/share-2-of-3.raw --out out
		assert_status 2
		assert_usage_error symbolon-combine '--format raw shares carry no signature, threshold or protection: .*'
	done
	# Combine: a directory, a missing file, a share of another length,
	# the same share twice, one share alone.
	run --separate-stderr "$COMBINE" --format raw --share deal/share-1-of-3.raw \
	    --share deal --out out
	assert_status 2
	assert_one_error 'symbolon-combine: deal: .*directory.*'
	run --separate-stderr "$COMBINE" --format raw --share deal/share-1-of-3.raw \
	    --share nothere --out out
	assert_status 2
	assert_one_error 'symbolon-combine: nothere: .*'
	run --separate-stderr "$COMBINE" --format raw --share deal/share-1-of-3.raw \
	    --share short.raw --out out
	assert_status 1
	assert_one_error 'symbolon-combine: short.raw: .*'
	run --separate-stderr "$COMBINE" --format raw --share deal/share-1-of-3.raw \
	    --share deal/share-1-of-3.raw --out out
	assert_status 1
	assert_one_error 'symbolon-combine: deal/share-1-of-3.raw: .*'
	run --separate-stderr "$COMBINE" --format raw --share deal/share-1-of-3.raw \
	    --share - --out out <deal/share-2-of-3.raw
	assert_status 2
	assert_one_error 'symbolon-combine: -: not a regular file: a raw share is read from its end'
	run --separate-stderr "$COMBINE" --format raw --share deal/share-1-of-3.raw \
	    --share <(cat deal/share-2-of-3.raw) --out out
	assert_status 2
	assert_one_error 'symbolon-combine: /dev/fd/[0-9]+: not a regular file: a raw share is read from its end'
	run --separate-stderr "$COMBINE" --format raw --share deal/share-1-of-3.raw \
	    --out out
	assert_status 1
	[ ! -e out ]
	[ "$(snapshot)" = "$before" ] || fail "files changed"
}
