#!/usr/bin/env bats
# Vault's share format against an independent implementation.
#
# The peer is the npm package shamir-secret-sharing 0.0.4 (Privy's
# TypeScript port of HashiCorp Vault's shamir/shamir.go: GF(2^8) with
# 0x11B, share = y bytes || x byte), driven by tests/interop/vault-shamir.mjs.
# It is installed once into build/interop and reused.  It is a real peer:
# if it cannot be installed, these tests fail; they never skip.

load helpers

PEER_PACKAGE=shamir-secret-sharing
PEER_VERSION=0.0.4

setup_file() {
	local top prefix log
	top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	prefix=$top/build/interop
	log=$BATS_FILE_TMPDIR/npm-install.log
	if [ "$(node -p "require('$prefix/node_modules/$PEER_PACKAGE/package.json').version" 2>/dev/null)" = "$PEER_VERSION" ]; then
		return 0
	fi
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		echo "node and npm are needed for the Vault interop peer" >&2
		return 1
	fi
	mkdir -p "$prefix"
	if ! npm install --prefix "$prefix" --no-audit --no-fund --save-exact \
	    "$PEER_PACKAGE@$PEER_VERSION" >"$log" 2>&1; then
		echo "npm install $PEER_PACKAGE@$PEER_VERSION failed:" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
}

setup() {
	common_setup
	PEER=(node "$TOP/tests/interop/vault-shamir.mjs")
	random_secret key 32
}

# peer_combine_is FORMAT SHARES WANT N... : the peer recovers WANT from
# lines N... of SHARES.
peer_combine_is() {
	local format=$1 shares=$2 want=$3
	shift 3
	pick "$shares" "$@" >subset
	"${PEER[@]}" combine --format "$format" subset >peer.out ||
	    fail "peer combine of lines $* failed"
	cmp -s peer.out "$want" || fail "peer recovered other bytes from lines $*"
}

# symbolon_combine_is SHARES WANT N... [-- OPTION...]
symbolon_combine_is() {
	local shares=$1 want=$2 n=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		n+=("$1")
		shift
	done
	[ "${1:-}" != -- ] || shift
	pick "$shares" "${n[@]}" >subset
	"$COMBINE" "$@" --share subset >ours.out 2>ours.err ||
	    fail "symbolon-combine of lines ${n[*]} failed: $(cat ours.err)"
	cmp -s ours.out "$want" || fail "symbolon-combine recovered other bytes from lines ${n[*]}"
}

@test "vault-interop: the peer is $PEER_PACKAGE $PEER_VERSION and round-trips on its own" {
	run node -p "require('$TOP/build/interop/node_modules/$PEER_PACKAGE/package.json').version"
	[ "$status" -eq 0 ]
	[ "$output" = "$PEER_VERSION" ]
	"${PEER[@]}" split --shares 5 --threshold 3 key >shares
	peer_combine_is base64 shares key 5 2 4
}

@test "vault-interop: Vault unseal keys (33 bytes, base64) from the peer combine in symbolon" {
	"${PEER[@]}" split --shares 5 --threshold 3 key >shares
	[ "$(grep -cE '^[A-Za-z0-9+/]{44}$' shares)" -eq 5 ]
	run decoded_lengths shares base64
	[ "${lines[*]}" = "33 33 33 33 33" ]
	for subset in "5 2 4" "1 2 3" "3 5 1" "4 3 2" "2 5 4 1" "1 2 3 4 5"; do
		# shellcheck disable=SC2086
		symbolon_combine_is shares key $subset
	done
	# Standard input, and one file per share.
	pick shares 4 1 5 | "$COMBINE" >got 2>/dev/null
	assert_file_equal got key
	pick shares 2 >a; pick shares 3 >b; pick shares 1 >c
	run_to got "$COMBINE" --share a --share b --share c
	assert_status 0
	assert_file_equal got key
}

@test "vault-interop: hex unseal keys from the peer combine in symbolon (Vault's rule and --format hex)" {
	"${PEER[@]}" split --shares 5 --threshold 3 --format hex key >shares.hex
	[ "$(grep -cE '^[0-9a-f]{66}$' shares.hex)" -eq 5 ]
	for subset in "5 2 4" "1 3 5" "2 1 4 3"; do
		# shellcheck disable=SC2086
		symbolon_combine_is shares.hex key $subset
		# shellcheck disable=SC2086
		symbolon_combine_is shares.hex key $subset -- --format hex
	done
}

@test "vault-interop: shares from symbolon-split combine in the peer (base64 and hex)" {
	"$SPLIT" --key-shares 5 --key-threshold 3 --in key >shares
	"$SPLIT" --key-shares 5 --key-threshold 3 --format hex --in key >shares.hex
	for subset in "5 2 4" "1 2 3" "4 1 5" "3 2 5 1" "1 2 3 4 5"; do
		# shellcheck disable=SC2086
		peer_combine_is base64 shares key $subset
		# shellcheck disable=SC2086
		peer_combine_is hex shares.hex key $subset
	done
}

@test "vault-interop: secrets of several lengths, both ways" {
	# 4100 and 5000 bytes cross symbolon's 4096-byte coefficient block.
	for len in 1 2 16 31 33 64 257 4100 5000; do
		random_secret s$len $len
		"${PEER[@]}" split --shares 4 --threshold 3 s$len >peer$len
		symbolon_combine_is peer$len s$len 4 1 3
		symbolon_combine_is peer$len s$len 2 3 4 1
		"$SPLIT" --key-shares 4 --key-threshold 3 --in s$len >ours$len
		peer_combine_is base64 ours$len s$len 3 4 2
		peer_combine_is base64 ours$len s$len 1 2 3 4
	done
}

@test "vault-interop: other thresholds, both ways: 2-of-2, 2-of-3, 7-of-10, 255-of-255" {
	for nt in "2 2" "3 2" "10 7" "255 255"; do
		read -r n t <<<"$nt"
		"${PEER[@]}" split --shares "$n" --threshold "$t" key >peer
		"$SPLIT" --key-shares "$n" --key-threshold "$t" --in key >ours
		# The last t lines, in reverse order.
		# shellcheck disable=SC2046
		symbolon_combine_is peer key $(seq "$n" -1 $((n - t + 1)))
		# shellcheck disable=SC2046
		peer_combine_is base64 ours key $(seq "$n" -1 $((n - t + 1)))
	done
}

@test "vault-interop: both interpolate arbitrary points to the same bytes" {
	# Any distinct non-zero x with any y is a valid input to Lagrange
	# interpolation; the two implementations must agree byte for byte,
	# which exercises the field arithmetic beyond split's own outputs.
	for round in 1 2 3 4 5; do
		: >points
		for x in 01 $(printf '%02x' $((round * 37))) ff 80; do
			{ head -c 40 /dev/urandom | hex_encode; echo "$x"; } | tr -d '\n' >>points
			echo >>points
		done
		"${PEER[@]}" combine --format hex points >peer.out
		"$COMBINE" --format hex --share points >ours.out 2>/dev/null
		[ "$(wc -c <ours.out)" -eq 40 ]
		cmp ours.out peer.out
	done
}

@test "vault-interop: raw share files (split/combine --format raw) are Vault's share bytes, both ways" {
	random_secret key 300000
	mkdir deal
	"$SPLIT" --key-shares 4 --key-threshold 3 --format raw --out-dir deal --in key
	for i in 2 4 1; do base64 -w0 "deal/share-$i-of-4.raw"; echo; done >lines
	"${PEER[@]}" combine lines >peer-back
	cmp peer-back key
	"${PEER[@]}" split --shares 4 --threshold 3 key >peer-lines
	for i in 1 2 3; do
		sed -n "${i}p" peer-lines | base64 -d >"peer-$i.raw"
	done
	"$COMBINE" --format raw --share peer-3.raw --share peer-1.raw \
	    --share peer-2.raw --out back
	cmp back key
}
