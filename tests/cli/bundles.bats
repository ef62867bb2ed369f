#!/usr/bin/env bats
# split --out-dir and combine over signed share bundles: a 3-of-5 deal to
# five identities, recombination in any order and in either form, and
# every kind of bad share refused with one line naming it.
#
# The ceremony: each holder brings their share and their key; combine
# takes one --identity per holder present and opens each share with the
# key it is addressed to.  Shares in clear (--holders) and under
# per-holder passphrases typed at the terminal are recombined too.
# (bats 1.8's `run` sets a global i: loops around `run` use other names.)

load helpers
load bundle_helpers

setup_file() {
	bundle_setup_file
	make_bundle_fixtures
}

setup() {
	common_setup
	F=$FIXTURES
	ID=$F/ids
}

@test "split --to: a 3-of-5 deal to five identities, signed by the operator" {
	local names=(alice bob carol dave erin) i to=()
	for i in "${names[@]}"; do
		to+=("$ID/$i.pub")
	done
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 3 \
	    --in "$F/secret" --out-dir deal --signer "$ID/op.key" \
	    --to "$(IFS=,; echo "${to[*]}")"
	assert_status 0
	[ -z "$(bundle_error_lines)" ] || fail "stderr: $stderr"
	[ "$(ls deal | tr '\n' ' ')" = "manifest.cbor share-1-of-5.cbor share-2-of-5.cbor share-3-of-5.cbor share-4-of-5.cbor share-5-of-5.cbor " ] ||
	    fail "deal/ holds: $(ls deal)"
	for i in 1 2 3 4 5; do
		grep -qx "Share $i of 5 *deal/share-$i-of-5.cbor  holder ${names[i - 1]}  (encrypted to ${names[i - 1]})" \
		    <<<"$output" || fail "no line for share $i: $output"
		[ "$(stat -c %a "deal/share-$i-of-5.cbor")" = 600 ] ||
		    fail "share $i is not mode 0600"
	done
	# Signed by op: the fingerprint verify gives for op.pub.
	local op_fp
	op_fp=$("$VERIFY" "$ID/op.pub" | sed -n 's/.*fingerprint \(.*\): valid$/\1/p')
	[ -n "$op_fp" ] || fail "no fingerprint for op.pub"
	grep -q "^Signer  *$op_fp [0-9A-F ]*\$" <<<"$output" ||
	    fail "not signed by op ($op_fp): $output"
	grep -qx 'Total Shares *5' <<<"$output" || fail "$output"
	grep -qx 'Threshold *3' <<<"$output" || fail "$output"
	grep -qx 'Generation *0' <<<"$output" || fail "$output"
	# The secret's bytes are in no file of the deal.
	"$PYTHON" -c '
import sys
secret = open(sys.argv[1], "rb").read()
sys.exit(any(secret[:8] in open(f, "rb").read() for f in sys.argv[2:]))' \
	    "$F/secret" deal/* "$F/clear"/* || fail "the secret is in a deal"
}

@test "each holder verifies their own share alone, and with their key" {
	local names=(alice bob carol dave erin) n set
	set=$(sed -n 's/.*manifest, set \([0-9A-F-]*\),.*/\1/p' \
	    < <("$VERIFY" "$F/to/manifest.cbor"))
	[ -n "$set" ] || fail "no set id"
	for n in 1 2 3 4 5; do
		local share=$F/to/share-$n-of-5.cbor name=${names[n - 1]}
		run --separate-stderr "$VERIFY" --manifest "$F/to/manifest.cbor" \
		    "$share"
		assert_status 0
		[ "${#lines[@]}" -eq 3 ] || fail "$output"
		[[ ${lines[1]} == "$share: share $n of 5, $name, set $set, generation 0, threshold 3, signer "*": valid (sealed: signature and manifest checked, commitment not; give the key to check it)" ]] ||
		    fail "${lines[1]}"
		[ "${lines[2]}" = "Quorum: 1 valid share of set $set, generation 0; threshold 3: NOT a quorum" ] ||
		    fail "${lines[2]}"

		run --separate-stderr "$VERIFY" --manifest "$F/to/manifest.cbor" \
		    --identity "$ID/$name.key" --signer "$ID/op.pub" "$share"
		assert_status 0
		[[ ${lines[1]} == *": valid (commitment matches the manifest)" ]] ||
		    fail "${lines[1]}"
		[ -z "$(bundle_error_lines)" ] || fail "stderr: $stderr"
	done
	# Another holder's key cannot open alice's share: it stays unchecked,
	# which is not an error (a holder may audit all shares).
	run --separate-stderr "$VERIFY" --manifest "$F/to/manifest.cbor" \
	    --identity "$ID/bob.key" "$F/to/share-1-of-5.cbor"
	assert_status 0
	[[ ${lines[1]} == *"valid (sealed: "* ]] || fail "${lines[1]}"
	# Pinned to another signer, every share is refused.
	verify_refuses "$F/to/share-1-of-5.cbor" 'signed by an unexpected key' \
	    --signer "$ID/alice.pub"
}

@test "three holders recombine --to shares, each with their own key, in any order" {
	local t=$F/to
	run_to out "$COMBINE" --manifest "$t/manifest.cbor" \
	    --identity "$ID/erin.key" --identity "$ID/bob.key" \
	    --identity "$ID/carol.key" \
	    --share "$t/share-3-of-5.cbor" --share "$t/share-5-of-5.cbor" \
	    --share "$t/share-2-of-5.cbor"
	assert_status 0
	assert_file_equal out "$F/secret"
	local want
	want=$(printf '%s\n' \
	    "$t/share-3-of-5.cbor: share 3 of 5, carol accepted" "Progress 1/3" \
	    "$t/share-5-of-5.cbor: share 5 of 5, erin accepted" "Progress 2/3" \
	    "$t/share-2-of-5.cbor: share 2 of 5, bob accepted" "Progress 3/3"
	    signer_lines op)
	[ "$(printf '%s\n' "$stderr" | grep -v 'memory cannot be locked')" = "$want" ] ||
	    fail "stderr: $stderr"
	# A key that opens no share given is no problem.
	run_to out2 "$COMBINE" --identity "$ID/alice.key" \
	    --identity "$ID/dave.key" --identity "$ID/erin.key" \
	    --identity "$ID/custodian.key" \
	    --share "$t/share-4-of-5.cbor" --share "$t/share-1-of-5.cbor" \
	    --share "$t/share-5-of-5.cbor"
	assert_status 0
	assert_file_equal out2 "$F/secret"
}

@test "a --to share whose holder's key is not given is refused, naming the holder" {
	local t=$F/to
	combine_refuses "$t/share-2-of-5.cbor" \
	    "share 2 of 5 is encrypted to bob; give that holder's key with --identity" \
	    "$t/share-1-of-5.cbor" "$t/share-3-of-5.cbor" \
	    -- --identity "$ID/alice.key" --identity "$ID/carol.key"
	# With no --identity at all it is a usage problem (exit 2).
	run --separate-stderr "$COMBINE" --share "$t/share-1-of-5.cbor" \
	    --out recovered
	assert_status 2
	assert_one_bundle_error "symbolon-combine: $(ere_quote "$t/share-1-of-5.cbor"): share 1 of 5 is encrypted to alice; give that holder's key with --identity"
	[ ! -e recovered ] || fail "recovered written"
}

@test "combine --identity: one custodian's key opens every share dealt to it" {
	run_to out "$COMBINE" --identity "$ID/custodian.key" \
	    --manifest "$F/custodian/manifest.cbor" \
	    --share "$F/custodian/share-4-of-5.cbor" \
	    --share "$F/custodian/share-1-of-5.cbor" \
	    --share "$F/custodian/share-5-of-5.cbor"
	assert_status 0
	assert_file_equal out "$F/secret"
	assert_no_bundle_errors
	# The custodian's key does not open a share encrypted to alice.
	combine_refuses "$F/to/share-1-of-5.cbor" \
	    "share 1 of 5 is encrypted to alice; give that holder's key with --identity" \
	    -- --identity "$ID/custodian.key"
}

@test "three holders recombine shares in clear, reporting progress k/3 exactly" {
	local c=$F/clear
	run_to recovered "$COMBINE" --manifest "$c/manifest.cbor" \
	    --share "$c/share-5-of-5.cbor" --share "$c/share-1-of-5.cbor" \
	    --share "$c/share-3-of-5.cbor"
	assert_status 0
	assert_file_equal recovered "$F/secret"
	local want
	want=$(printf '%s\n' \
	    "$c/share-5-of-5.cbor: share 5 of 5, erin accepted" "Progress 1/3" \
	    "$c/share-1-of-5.cbor: share 1 of 5, alice accepted" "Progress 2/3" \
	    "$c/share-3-of-5.cbor: share 3 of 5, carol accepted" "Progress 3/3"
	    signer_lines op)
	[ "$(printf '%s\n' "$stderr" | grep -v 'memory cannot be locked')" = "$want" ] ||
	    fail "stderr: $stderr"
}

@test "any three of the five shares, in any order, recover the secret" {
	local c=$F/clear a b d order
	for a in 1 2 3 4 5; do
		for b in 1 2 3 4 5; do
			for d in 1 2 3 4 5; do
				[ "$a" -lt "$b" ] && [ "$b" -lt "$d" ] || continue
				"$COMBINE" --share "$c/share-$a-of-5.cbor" \
				    --share "$c/share-$b-of-5.cbor" \
				    --share "$c/share-$d-of-5.cbor" \
				    >out 2>/dev/null || fail "$a $b $d: exit $?"
				cmp -s out "$F/secret" || fail "$a $b $d: wrong secret"
			done
		done
	done
	# Every order of one triple, with and without the manifest.
	for order in "2 4 5" "2 5 4" "4 2 5" "4 5 2" "5 2 4" "5 4 2"; do
		set -- $order
		"$COMBINE" --share "$c/share-$1-of-5.cbor" \
		    --share "$c/share-$2-of-5.cbor" \
		    --share "$c/share-$3-of-5.cbor" \
		    --manifest "$c/manifest.cbor" >out 2>/dev/null ||
		    fail "$order: exit $?"
		cmp -s out "$F/secret" || fail "$order: wrong secret"
	done
	# All five work too.
	run_to out "$COMBINE" --share "$c/share-3-of-5.cbor" \
	    --share "$c/share-1-of-5.cbor" --share "$c/share-5-of-5.cbor" \
	    --share "$c/share-2-of-5.cbor" --share "$c/share-4-of-5.cbor"
	assert_status 0
	assert_file_equal out "$F/secret"
}

@test "text (SYM1:) and binary shares mix in one combine, in any order" {
	local a=$F/armor
	[ "$(head -c 5 "$a/share-1-of-5.txt")" = SYM1: ] || fail "not text"
	[ -f "$a/manifest.txt" ] || fail "no text manifest"
	# The binary form of two shares, by an independent base45 decoder;
	# encoding them again gives the very text split wrote.
	base45_decode "$a/share-2-of-5.txt" two.cbor
	base45_decode "$a/share-4-of-5.txt" four.cbor
	base45_decode "$a/manifest.txt" manifest.cbor
	base45_encode four.cbor four.txt
	assert_file_equal four.txt "$a/share-4-of-5.txt"
	[ "$(head -c 1 two.cbor | hex_encode)" = d2 ] || fail "not binary"

	run_to out "$COMBINE" --share "$a/share-1-of-5.txt" --share four.cbor \
	    --share "$a/share-5-of-5.txt" --manifest manifest.cbor
	assert_status 0
	assert_file_equal out "$F/secret"
	[ "$(printf '%s\n' "$stderr" | grep -c '^Progress')" -eq 3 ] ||
	    fail "stderr: $stderr"
	printf '%s\n' "$stderr" | grep -qx 'four.cbor: share 4 of 5, dave accepted' ||
	    fail "stderr: $stderr"

	run_to out "$COMBINE" --share two.cbor --share "$a/share-3-of-5.txt" \
	    --share four.cbor --manifest "$a/manifest.txt"
	assert_status 0
	assert_file_equal out "$F/secret"
	assert_no_bundle_errors
}

@test "combine --out writes the secret with mode 0600 and will not overwrite it" {
	local c=$F/clear
	run --separate-stderr "$COMBINE" --share "$c/share-1-of-5.cbor" \
	    --share "$c/share-2-of-5.cbor" --share "$c/share-3-of-5.cbor" \
	    --out secret.out
	assert_status 0
	assert_no_stdout
	assert_file_equal secret.out "$F/secret"
	[ "$(stat -c %a secret.out)" = 600 ] || fail "mode $(stat -c %a secret.out)"
	local before
	before=$(snapshot)
	run --separate-stderr "$COMBINE" --share "$c/share-1-of-5.cbor" \
	    --share "$c/share-2-of-5.cbor" --share "$c/share-3-of-5.cbor" \
	    --out secret.out
	assert_status 2
	assert_one_bundle_error 'symbolon-combine: secret\.out: file exists \(use --force to replace it\)'
	[ "$(snapshot)" = "$before" ] || fail "secret.out changed"
}

@test "too few shares, or one twice, recover nothing" {
	local c=$F/clear
	run --separate-stderr "$COMBINE" --share "$c/share-1-of-5.cbor" \
	    --share "$c/share-2-of-5.cbor" --out recovered
	assert_status 1
	assert_one_bundle_error 'symbolon-combine: only 2 of 3 shares given'
	[ ! -e recovered ] || fail "recovered written"
	combine_refuses "$c/share-2-of-5.cbor" 'share 2 of 5 was already entered' \
	    "$c/share-2-of-5.cbor" "$c/share-3-of-5.cbor"
	# The same share in its other form is the same share.
	base45_decode "$F/armor/share-2-of-5.txt" two.cbor
	combine_refuses two.cbor 'share 2 of 5 was already entered' \
	    "$F/armor/share-2-of-5.txt" "$F/armor/share-3-of-5.txt"
}

@test "combine refuses tampered, truncated and re-headed bundles" {
	local c=$F/clear g=$F/forged
	local good=("$c/share-2-of-5.cbor" "$c/share-3-of-5.cbor" "$c/share-4-of-5.cbor")
	combine_refuses "$g/tampered-payload.cbor" 'signature does not verify' "${good[@]}"
	combine_refuses "$g/tampered-signature.cbor" 'signature does not verify' "${good[@]}"
	combine_refuses "$g/wrong-kid.cbor" 'signed by an unexpected key' "${good[@]}"
	combine_refuses "$g/truncated.cbor" 'input is truncated' "${good[@]}"
	combine_refuses "$g/trailing.cbor" 'trailing bytes after the end' "${good[@]}"
}

@test "combine refuses a validly signed bundle of unknown type or version" {
	local c=$F/clear g=$F/forged
	local good=("$c/share-2-of-5.cbor" "$c/share-3-of-5.cbor" "$c/share-4-of-5.cbor")
	combine_refuses "$g/unknown-type.cbor" 'unknown or unexpected bundle type' "${good[@]}"
	combine_refuses "$g/bad-version.cbor" 'unsupported format version' "${good[@]}"
	# A real bundle of another type is no share either.
	combine_refuses "$c/manifest.cbor" 'unknown or unexpected bundle type' "${good[@]}"
	combine_refuses "$ID/alice.pub" 'unknown or unexpected bundle type' "${good[@]}"
}

@test "combine refuses a share signed by someone else, and names the signer it trusted" {
	local c=$F/clear
	combine_refuses "$F/forged/impostor.cbor" 'signed by an unexpected key' \
	    "$c/share-2-of-5.cbor" "$c/share-3-of-5.cbor"
	# With the manifest first, the impostor cannot even be the first.
	combine_refuses "$F/forged/impostor.cbor" 'signed by an unexpected key' \
	    -- --manifest "$c/manifest.cbor"
	# Without a manifest the first share decides whom to trust, so
	# combine names that signer once it is done: shares re-signed
	# wholesale by mallory recombine, and say so.
	run_to out "$COMBINE" --share "$F/forged/impostor.cbor" \
	    --share "$F/forged/impostor-2.cbor" --share "$F/forged/impostor-3.cbor"
	assert_status 0
	assert_file_equal out "$F/secret"
	[ "$(printf '%s\n' "$stderr" | tail -n 2)" = "$(signer_lines mallory)" ] ||
	    fail "stderr: $stderr"
	run_to out "$COMBINE" --share "$c/share-2-of-5.cbor" \
	    --share "$c/share-3-of-5.cbor" --share "$c/share-4-of-5.cbor"
	assert_status 0
	[ "$(printf '%s\n' "$stderr" | tail -n 2)" = "$(signer_lines op)" ] ||
	    fail "stderr: $stderr"
	# The manifest pins the signer: mallory's shares are refused.
	combine_refuses "$F/forged/impostor-2.cbor" 'signed by an unexpected key' \
	    "$c/share-1-of-5.cbor" -- --manifest "$c/manifest.cbor"
}

@test "combine refuses text shares that are truncated or not base45" {
	local a=$F/armor g=$F/forged
	local good=("$a/share-2-of-5.txt" "$a/share-3-of-5.txt" "$a/share-4-of-5.txt")
	combine_refuses "$g/truncated.txt" 'input is truncated' "${good[@]}"
	combine_refuses "$g/bad-base45.txt" 'not a valid encoding' "${good[@]}"
	combine_refuses "$g/overflow-base45.txt" 'not a valid encoding' "${good[@]}"
}

@test "combine refuses a share of another set" {
	local c=$F/clear o=$F/other set_c set_o
	set_c=$("$VERIFY" "$c/manifest.cbor" | sed -n 's/.*, set \([0-9A-F-]*\),.*/\1/p')
	set_o=$("$VERIFY" "$o/manifest.cbor" | sed -n 's/.*, set \([0-9A-F-]*\),.*/\1/p')
	[ -n "$set_c" ] && [ "$set_c" != "$set_o" ] || fail "sets $set_c $set_o"
	combine_refuses "$o/share-3-of-5.cbor" \
	    "share belongs to set $set_o, not $set_c" \
	    "$c/share-1-of-5.cbor" "$c/share-2-of-5.cbor"
	combine_refuses "$o/share-3-of-5.cbor" \
	    "share belongs to set $set_o, not $set_c" \
	    -- --manifest "$c/manifest.cbor"
}

@test "combine refuses a share of another generation" {
	local c=$F/clear g=$F/forged
	# The old share among newer ones (generation 1, forged by op).
	combine_refuses "$c/share-4-of-5.cbor" \
	    'share is of generation 0, not 1 \(replaced by a rekey\)' \
	    "$g/generation-1-1.cbor" "$g/generation-1-2.cbor"
	# A share of generation 1 against the generation-0 manifest.
	combine_refuses "$g/generation-1-3.cbor" \
	    'share is of generation 1, not 0' \
	    "$c/share-1-of-5.cbor" "$c/share-2-of-5.cbor" \
	    -- --manifest "$c/manifest.cbor"
}

@test "combine refuses shares against a manifest that does not match" {
	local c=$F/clear o=$F/other set_c set_o
	set_c=$("$VERIFY" "$c/manifest.cbor" | sed -n 's/.*, set \([0-9A-F-]*\),.*/\1/p')
	set_o=$("$VERIFY" "$o/manifest.cbor" | sed -n 's/.*, set \([0-9A-F-]*\),.*/\1/p')
	# The manifest of another deal: the first share is refused.
	combine_refuses "$c/share-1-of-5.cbor" \
	    "share belongs to set $set_c, not $set_o" \
	    -- --manifest "$o/manifest.cbor"
	# A manifest of the same set, signed by the same operator, but not
	# the one these shares were dealt with.
	combine_refuses "$c/share-1-of-5.cbor" 'manifest does not match' \
	    -- --manifest "$F/forged/manifest-other-created.cbor"
	# A share given as the manifest is refused as a manifest.
	run --separate-stderr "$COMBINE" --manifest "$c/share-1-of-5.cbor" \
	    --share "$c/share-2-of-5.cbor" --out recovered
	assert_status 1
	assert_one_bundle_error "symbolon-combine: $(ere_quote "$c/share-1-of-5.cbor"): unknown or unexpected bundle type"
	[ ! -e recovered ] || fail "recovered written"
}

@test "passphrase shares: each holder types their own; a wrong one is refused" {
	# Argon2id at MODERATE cost: three seals and three opens, ~10 s.
	printf '%s\n' 'alice says open' 'bob says open' 'carol says open' >pass
	run --separate-stderr "$SPLIT" --key-shares 3 --key-threshold 2 \
	    --in "$F/secret" --out-dir deal --signer "$ID/op.key" \
	    --holders alice,bob,carol --passphrase-file pass
	assert_status 0
	grep -qx 'Share 3 of 3 *deal/share-3-of-3.cbor  holder carol  (passphrase)' \
	    <<<"$output" || fail "$output"
	! grep -qF 'says open' deal/* || fail "a passphrase is in the deal"

	# Wrong passphrase for share 3 (line 3): refused before share 1 is
	# even opened, since it is given first.
	printf '%s\n' 'alice says open' 'bob says open' 'carol says close' >wrong
	combine_refuses deal/share-3-of-3.cbor \
	    'cannot decrypt: wrong key or passphrase, or tampered' \
	    -- --passphrase-file wrong

	# At the terminal, each holder is asked by name, in the order the
	# shares come, and what they type is not echoed.
	printf '%s\n' 'carol says open' 'alice says open' >answers
	in_pty answers transcript recovered 'Passphrase for share' \
	    "$COMBINE" --share deal/share-3-of-3.cbor --share deal/share-1-of-3.cbor
	[ "$status" -eq 0 ] || fail "exit $status: $(cat transcript)"
	assert_file_equal recovered "$F/secret"
	grep -q 'Passphrase for share 3 of 3, carol (will be hidden)' transcript ||
	    fail "transcript: $(cat transcript)"
	grep -q 'Passphrase for share 1 of 3, alice (will be hidden)' transcript ||
	    fail "transcript: $(cat transcript)"
	assert_not_echoed transcript answers
}
