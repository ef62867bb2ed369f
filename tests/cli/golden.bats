#!/usr/bin/env bats
# The golden files (tests/golden/, see its README), read by the programs:
# what main made at 4c5a59c every later version must still read.  Each
# test works on copies; the files in the tree are never written.

load helpers

GOLDEN=$TOP/tests/golden

setup() {
	common_setup
	cp -r "$GOLDEN"/. .
	chmod -R u+w .
}

@test "golden image: status reads a version-1 image, sealed, 2 of 3, one entry" {
	run --separate-stderr "$SYMBOLON" status --image image-v1.img </dev/null
	[ "$status" -eq 0 ]
	[[ $output =~ Version\ +[^\ ]+\ \(image\ format\ 1\) ]]
	[[ $output =~ Image\ ID\ +a69ac79d5da2890f5563c921ab96a69d ]]
	[[ $output =~ Identity\ Fingerprint\ +981D\ 775D\ C17F\ 21FF\ 6B13\ 9555\ 34D1\ E6AE\ 1B76\ D57D\ B95D\ A115\ 13DD\ 6664\ 4555\ E530 ]]
	[[ $output =~ Sealed\ +true ]]
	[[ $output =~ Total\ Shares\ +3 ]]
	[[ $output =~ Threshold\ +2 ]]
	[[ $output =~ Generation\ +1 ]]
	[[ $output =~ Entries\ +1 ]]
	[[ $output =~ Audit\ Records\ +2 ]]
	[[ $output =~ Header\ Copies\ +2\ of\ 2\ valid ]]
}

@test "golden image: any two of its shares unseal it and read the entry back byte for byte" {
	local a b
	for a in 1 2 3; do
		b=$((a % 3 + 1))
		run_to got "$SYMBOLON" store --image image-v1.img \
		    --share "image-shares/share-$a-of-3.cbor" \
		    --share "image-shares/share-$b-of-3.cbor" get greeting </dev/null
		[ "$status" -eq 0 ] || fail "shares $a and $b: $stderr"
		cmp got entry.txt
	done
	run --separate-stderr "$SYMBOLON" store --image image-v1.img \
	    --share image-shares/share-1-of-3.cbor \
	    --share image-shares/share-2-of-3.cbor list </dev/null
	[ "$status" -eq 0 ]
	[[ $output =~ greeting\ +40\ +1 ]]
	# Reading writes nothing.
	cmp image-v1.img "$GOLDEN/image-v1.img"
}

@test "golden image: verify --image with shares: both header copies, the audit chain, every entry" {
	run --separate-stderr "$SYMBOLON" verify --image image-v1.img \
	    --share image-shares/share-2-of-3.cbor \
	    --share image-shares/share-3-of-3.cbor </dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"header copy 0: valid"* ]]
	[[ $output == *"header copy 1: valid"* ]]
	[[ $output == *"audit log: 2 records, chain and signatures valid"* ]]
	[[ $output == *"entries: all 1 authenticate"* ]]
}

@test "golden image shares: valid against their manifest, a quorum" {
	run --separate-stderr "$SYMBOLON" verify \
	    --manifest image-shares/manifest.cbor image-shares/share-*.cbor </dev/null
	[ "$status" -eq 0 ]
	[ "$(grep -c 'valid (commitment matches the manifest)' <<<"$output")" -eq 3 ]
	[[ $output == *"a quorum is present"* ]]
}

@test "golden split shares: valid against their manifest with their passphrases; two recover the secret" {
	run --separate-stderr "$SYMBOLON" verify --manifest split-shares/manifest.cbor \
	    --passphrase-file split-passphrases.txt split-shares/share-*.cbor </dev/null
	[ "$status" -eq 0 ]
	[ "$(grep -c 'valid (commitment matches the manifest)' <<<"$output")" -eq 3 ]
	[[ $output == *"set 2A53-6E4B, generation 0"* ]]
	run --separate-stderr "$SYMBOLON" combine --manifest split-shares/manifest.cbor \
	    --share split-shares/share-1-of-3.cbor --share split-shares/share-3-of-3.cbor \
	    --passphrase-file split-passphrases.txt --out secret </dev/null
	[ "$status" -eq 0 ]
	cmp secret split-secret.txt
}

@test "golden transcript: verifies, names the image and its two records" {
	run --separate-stderr "$SYMBOLON" verify transcript.cbor </dev/null
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "transcript.cbor: transcript of image A69A-C79D, identity 981D 775D C17F 21FF, 2 records, exported by "*": valid" ]]
	[[ ${lines[1]} =~ \#1\ .*\ init\ +shamir\ seal,\ 2\ of\ 3\ shares,\ generation\ 1 ]]
	[[ ${lines[2]} =~ \#2\ .*\ put\ +entry\ greeting ]]
}

@test "golden files tampered with are refused" {
	printf '\001' | dd of=transcript.cbor bs=1 seek=100 conv=notrunc 2>/dev/null
	run --separate-stderr "$SYMBOLON" verify transcript.cbor </dev/null
	[ "$status" -eq 1 ]
	printf '\001' | dd of=image-shares/share-1-of-3.cbor bs=1 seek=100 \
	    conv=notrunc 2>/dev/null
	run --separate-stderr "$SYMBOLON" verify \
	    --manifest image-shares/manifest.cbor image-shares/share-1-of-3.cbor </dev/null
	[ "$status" -eq 1 ]
}

# A private copy of the version-2 image and its SoftHSM2 token.
golden_v2() {
	cp -a "$GOLDEN/image-v2-pkcs11" v2
	printf 'directories.tokendir = %s/v2/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
	    "$PWD" >v2/softhsm2.conf
	export SOFTHSM2_CONF=$PWD/v2/softhsm2.conf
}

@test "golden v2 image: status reads an auto-sealed image; its token unseals it and the entry reads back" {
	golden_v2
	run --separate-stderr "$SYMBOLON" status --image v2/image-v2.img
	assert_status 0
	[[ "$output" == *"image format 2"* ]]
	printf '%s\n' "$output" | grep -q '^Seal Type  *pkcs11$'
	printf '%s\n' "$output" | grep -q '^Total Recovery Shares  *3$'
	printf '%s\n' "$output" | grep -q '^Seal hsm1  *pkcs11, priority 1: answers$'
	run_to got.txt "$SYMBOLON" store --image v2/image-v2.img --pin-file v2/pin get greeting
	assert_status 0
	cmp got.txt "$GOLDEN/entry.txt"
}

@test "golden v2 image: two recovery shares and the token release its root key" {
	golden_v2
	run --separate-stderr "$SYMBOLON" keygen export-root --image v2/image-v2.img \
	    --out root.key --pin-file v2/pin --share v2/recovery/recovery-share-3-of-3.cbor \
	    --share v2/recovery/recovery-share-1-of-3.cbor </dev/null
	assert_status 0
	SOFTHSM2_CONF=/nonexistent run_to got.txt "$SYMBOLON" store \
	    --image v2/image-v2.img --root-key root.key get greeting
	assert_status 0
	cmp got.txt "$GOLDEN/entry.txt"
}
