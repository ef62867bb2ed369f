#!/usr/bin/env bats
# COSE_Sign1 against an independent implementation.
#
# The peer is the npm package @ldclabs/cose-ts 1.5.0 (RFC 9052 in
# TypeScript: cborg for CBOR, @noble/curves for Ed25519; nothing shared with
# libcbor or libsodium), driven by tests/interop/cose-verify.mjs and
# cose-sign.mjs.  symbolon's side is build/tests/cose_sample.  The package is
# installed once into build/interop and reused.  It is a real peer: if it
# cannot be installed, these tests fail; they never skip.

bats_require_minimum_version 1.5.0

PEER_PACKAGE=@ldclabs/cose-ts
PEER_VERSION=1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
SAMPLE=$TOP/build/tests/cose_sample
export COSE_TS_MODULES=$TOP/build/interop/node_modules

# The known answer of tests/unit/test_cose.c.
KAT_SEED=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
KAT_KID=symbolon-kat
KAT_PAYLOAD='symbolon known answer'
KAT_BUNDLE=d28451a20127044c73796d626f6c6f6e2d6b6174a05573796d626f6c6f6e206b6e6f776e20616e737765725840a9831a316e5356640d2e67ae6cb0c5ed86e5455e278155545f438046a7560cc45fa6dfb8837349cda5f432155eb8049e09b9ded5ec4e8dbe9d245a4db2c8fd05
SEED=5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed

setup_file() {
	local prefix=$TOP/build/interop log=$BATS_FILE_TMPDIR/npm-install.log
	if [ ! -x "$SAMPLE" ] && ! make -C "$TOP" -s build/tests/cose_sample >&2; then
		echo "cannot build build/tests/cose_sample" >&2
		return 1
	fi
	if [ "$(node -p "require('$COSE_TS_MODULES/$PEER_PACKAGE/package.json').version" 2>/dev/null)" = "$PEER_VERSION" ]; then
		return 0
	fi
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		echo "node and npm are needed for the COSE interop peer" >&2
		return 1
	fi
	mkdir -p "$prefix"
	if ! npm install --prefix "$prefix" --no-audit --no-fund \
	    "$PEER_PACKAGE@$PEER_VERSION" >"$log" 2>&1; then
		echo "npm install $PEER_PACKAGE@$PEER_VERSION failed:" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
}

setup() {
	mkdir "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work" || return 1
	PEER_VERIFY=(node "$TOP/tests/interop/cose-verify.mjs")
	PEER_SIGN=(node "$TOP/tests/interop/cose-sign.mjs")
}

hex() {
	od -An -v -tx1 "$1" | tr -d ' \n'
}

# flip FILE OFFSET: inverts the lowest bit of the byte at OFFSET.
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "$(printf '\\%03o' $((b ^ 1)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

@test "a symbolon COSE_Sign1 verifies in cose-ts with the expected payload" {
	head -c 1000 /dev/urandom >payload
	run "$SAMPLE" sign "$SEED" holder-3 payload bundle.cose key.pub
	[ "$status" -eq 0 ]
	run --separate-stderr "${PEER_VERIFY[@]}" bundle.cose key.pub
	[ "$status" -eq 0 ]
	[ "$output" = "$(hex payload)" ]
	# and the kid the peer read is ours
	[[ "$stderr" == *"kid $(printf holder-3 | od -An -tx1 | tr -d ' \n')"* ]]
}

@test "the known answer of test_cose.c, byte for byte, verifies in cose-ts" {
	printf '%s' "$KAT_PAYLOAD" >payload
	run "$SAMPLE" sign "$KAT_SEED" "$KAT_KID" payload kat.cose kat.pub
	[ "$status" -eq 0 ]
	[ "$(hex kat.cose)" = "$KAT_BUNDLE" ]
	run --separate-stderr "${PEER_VERIFY[@]}" kat.cose kat.pub
	[ "$status" -eq 0 ]
	[ "$output" = "$(hex payload)" ]
}

@test "empty, 24-byte and 70000-byte payloads and a 32-byte kid verify in cose-ts" {
	local n kid=0123456789abcdef0123456789abcdef
	for n in 0 24 70000; do
		head -c "$n" /dev/urandom >payload
		run "$SAMPLE" sign "$SEED" "$kid" payload bundle.cose key.pub
		[ "$status" -eq 0 ]
		run --separate-stderr "${PEER_VERIFY[@]}" bundle.cose key.pub
		[ "$status" -eq 0 ]
		[ "$output" = "$(hex payload)" ]
	done
}

@test "tampered symbolon bundles fail in cose-ts (and in symbolon)" {
	local len off
	printf 'a share, say' >payload
	run "$SAMPLE" sign "$SEED" k payload good.cose key.pub
	[ "$status" -eq 0 ]
	len=$(stat -c %s good.cose)
	# layout: d2 84 46 {1: -8, 4: h'6b'} a0 4c payload 58 40 signature
	for off in 8 12 20 $((len - 40)) $((len - 1)); do
		cp good.cose bad.cose
		flip bad.cose "$off"
		run --separate-stderr "${PEER_VERIFY[@]}" bad.cose key.pub
		[ "$status" -eq 1 ] || { echo "cose-ts accepted a flip at $off"; false; }
		run --separate-stderr "$SAMPLE" verify bad.cose key.pub
		[ "$status" -eq 1 ] || { echo "symbolon accepted a flip at $off"; false; }
	done
	# the untouched bundle under someone else's key
	run "$SAMPLE" sign "$KAT_SEED" k payload other.cose other.pub
	[ "$status" -eq 0 ]
	run --separate-stderr "${PEER_VERIFY[@]}" good.cose other.pub
	[ "$status" -eq 1 ]
	run --separate-stderr "$SAMPLE" verify good.cose other.pub
	[ "$status" -eq 1 ]
	# and the control
	run --separate-stderr "${PEER_VERIFY[@]}" good.cose key.pub
	[ "$status" -eq 0 ]
}

@test "a cose-ts COSE_Sign1 verifies in symbolon and equals symbolon's byte for byte" {
	local n
	for n in 0 1 100 70000; do
		head -c "$n" /dev/urandom >payload
		run "${PEER_SIGN[@]}" "$SEED" signer-7 payload peer.cose
		[ "$status" -eq 0 ]
		run "$SAMPLE" sign "$SEED" signer-7 payload ours.cose key.pub
		[ "$status" -eq 0 ]
		run --separate-stderr "$SAMPLE" verify peer.cose key.pub
		[ "$status" -eq 0 ]
		[ "$output" = "$(hex payload)" ]
		# Same deterministic headers, deterministic Ed25519.
		cmp peer.cose ours.cose
	done
}

@test "symbolon refuses a cose-ts bundle signed by another key" {
	printf 'payload' >payload
	run "${PEER_SIGN[@]}" "$KAT_SEED" signer-7 payload peer.cose
	[ "$status" -eq 0 ]
	run "$SAMPLE" sign "$SEED" signer-7 payload ours.cose key.pub
	[ "$status" -eq 0 ]
	run --separate-stderr "$SAMPLE" verify peer.cose key.pub
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"signature does not verify"* ]]
}
