#!/usr/bin/env bats
# symbolon verify: audits bundles of every type, alone or against their
# manifest, and names each one that is not valid.  verify reports on
# standard output (one line per FILE: VALID or INVALID and why) and keeps
# standard error for problems with its options and its --manifest.
#
# And the issue's "done when": a share changed in any single byte is
# refused, by verify and by combine, with a message naming the file.
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
	G=$F/forged
}

# set_of MANIFEST : the set id verify prints for it.
set_of() {
	"$VERIFY" "$1" | sed -n 's/.*manifest, set \([0-9A-F-]*\),.*/\1/p'
}

@test "verify names each bundle's type, signer and set, in either form" {
	local c=$F/clear op set
	op=$("$VERIFY" "$ID/op.pub" | sed -n 's/.*fingerprint \(.*\): valid$/\1/p')
	set=$(set_of "$c/manifest.cbor")
	run --separate-stderr "$VERIFY" "$ID/op.pub" "$c/manifest.cbor" \
	    "$c/share-2-of-5.cbor" "$F/to/share-5-of-5.cbor" \
	    "$F/armor/share-1-of-5.txt"
	assert_status 0
	[ -z "$(bundle_error_lines)" ] || fail "stderr: $stderr"
	[ "${#lines[@]}" -eq 5 ] || fail "$output"
	[ "${lines[0]}" = "$ID/op.pub: identity \"op\", fingerprint $op: valid" ] ||
	    fail "${lines[0]}"
	[ "${lines[1]}" = "$c/manifest.cbor: manifest, set $set, generation 0, 3 of 5, signer $op: valid" ] ||
	    fail "${lines[1]}"
	[ "${lines[2]}" = "$c/share-2-of-5.cbor: share 2 of 5, bob, set $set, generation 0, threshold 3, signer $op: valid" ] ||
	    fail "${lines[2]}"
	[[ ${lines[3]} == "$F/to/share-5-of-5.cbor: share 5 of 5, erin, set "*", generation 0, threshold 3, signer $op: valid (sealed)" ]] ||
	    fail "${lines[3]}"
	[[ ${lines[4]} == "$F/armor/share-1-of-5.txt: share 1 of 5, alice, set "*": valid" ]] ||
	    fail "${lines[4]}"
}

@test "verify --manifest checks commitments and says whether a quorum is present" {
	local c=$F/clear set
	set=$(set_of "$c/manifest.cbor")
	run --separate-stderr "$VERIFY" --manifest "$c/manifest.cbor" \
	    "$c/share-4-of-5.cbor" "$c/share-1-of-5.cbor"
	assert_status 0
	[ "${#lines[@]}" -eq 4 ] || fail "$output"
	[[ ${lines[1]} == "$c/share-4-of-5.cbor: share 4 of 5, dave, "*": valid (commitment matches the manifest)" ]] ||
	    fail "${lines[1]}"
	[ "${lines[3]}" = "Quorum: 2 valid shares of set $set, generation 0; threshold 3: NOT a quorum" ] ||
	    fail "${lines[3]}"
	# The same share twice counts once.
	run --separate-stderr "$VERIFY" --manifest "$c/manifest.cbor" \
	    "$c/share-4-of-5.cbor" "$c/share-1-of-5.cbor" "$c/share-4-of-5.cbor"
	assert_status 0
	[ "${lines[4]}" = "Quorum: 2 valid shares of set $set, generation 0; threshold 3: NOT a quorum" ] ||
	    fail "${lines[4]}"
	run --separate-stderr "$VERIFY" --manifest "$c/manifest.cbor" \
	    --signer "$ID/op.pub" "$c/share-4-of-5.cbor" "$c/share-1-of-5.cbor" \
	    "$c/share-5-of-5.cbor"
	assert_status 0
	[ "${lines[4]}" = "Quorum: 3 valid shares of set $set, generation 0; threshold 3: a quorum is present" ] ||
	    fail "${lines[4]}"
	# An invalid share does not count, and makes the exit status 1.
	run --separate-stderr "$VERIFY" --manifest "$c/manifest.cbor" \
	    "$c/share-4-of-5.cbor" "$G/tampered-payload.cbor" "$c/share-5-of-5.cbor"
	assert_status 1
	[ "${lines[2]}" = "$G/tampered-payload.cbor: INVALID: signature does not verify" ] ||
	    fail "${lines[2]}"
	[ "${lines[4]}" = "Quorum: 2 valid shares of set $set, generation 0; threshold 3: NOT a quorum" ] ||
	    fail "${lines[4]}"
}

@test "verify --signer: bundles by anyone else are refused" {
	verify_refuses "$F/clear/share-1-of-5.cbor" 'signed by an unexpected key' \
	    --signer "$ID/mallory.pub"
	verify_refuses "$ID/alice.pub" 'signed by an unexpected key' \
	    --signer "$ID/op.pub"
	run --separate-stderr "$VERIFY" --signer "$ID/op.pub" "$G/impostor.cbor"
	assert_status 1
	[ "$output" = "$G/impostor.cbor: INVALID: signed by an unexpected key" ] ||
	    fail "$output"
	# A manifest by someone else is a problem with --manifest (stderr).
	run --separate-stderr "$VERIFY" --signer "$ID/mallory.pub" \
	    --manifest "$F/clear/manifest.cbor" "$F/clear/share-1-of-5.cbor"
	assert_status 1
	assert_no_stdout
	assert_one_bundle_error "symbolon-verify: $(ere_quote "$F/clear/manifest.cbor"): signed by an unexpected key"
}

@test "verify refuses tampered, truncated, re-headed and re-signed bundles" {
	verify_refuses "$G/tampered-payload.cbor" 'signature does not verify'
	verify_refuses "$G/tampered-signature.cbor" 'signature does not verify'
	verify_refuses "$G/wrong-kid.cbor" 'signed by an unexpected key'
	verify_refuses "$G/truncated.cbor" 'input is truncated \(at byte [0-9]+\)'
	verify_refuses "$G/trailing.cbor" 'trailing bytes after the end \(at byte [0-9]+\)'
	verify_refuses "$G/unknown-type.cbor" 'unknown or unexpected bundle type'
	verify_refuses "$G/bad-version.cbor" 'unsupported format version'
	verify_refuses "$G/truncated.txt" 'input is truncated \(at byte [0-9]+\)'
	verify_refuses "$G/bad-base45.txt" 'bad base45 at offset 40'
	verify_refuses "$G/overflow-base45.txt" 'bad base45 at offset 35'
	printf 'hello\n' >plain.txt
	verify_refuses plain.txt 'not a symbolon bundle \(neither binary COSE nor SYM1: text\)'
	: >empty
	verify_refuses empty 'not a symbolon bundle \(neither binary COSE nor SYM1: text\)'
	# The key file is not a bundle, and must not be taken for one.
	verify_refuses "$ID/alice.key" 'not a symbolon bundle \(neither binary COSE nor SYM1: text\)'
}

@test "verify --manifest refuses a share of another set or generation, or another manifest's" {
	local c=$F/clear
	verify_refuses "$F/other/share-1-of-5.cbor" 'share belongs to another set' \
	    --manifest "$c/manifest.cbor"
	verify_refuses "$G/generation-1-2.cbor" 'share is of another generation' \
	    --manifest "$c/manifest.cbor"
	verify_refuses "$c/share-2-of-5.cbor" 'manifest does not match' \
	    --manifest "$G/manifest-other-created.cbor"
	verify_refuses "$G/impostor.cbor" 'signed by an unexpected key' \
	    --manifest "$c/manifest.cbor"
	# Alone, the generation-1 share is a valid bundle: it takes the
	# manifest to know it is not the current one.
	run --separate-stderr "$VERIFY" "$G/generation-1-2.cbor"
	assert_status 0
	[[ $output == *", generation 1, threshold 3, "*": valid" ]] || fail "$output"
	# A --manifest that is no manifest: one line on stderr, exit 1.
	run --separate-stderr "$VERIFY" --manifest "$c/share-1-of-5.cbor" \
	    "$c/share-2-of-5.cbor"
	assert_status 1
	assert_no_stdout
	assert_one_bundle_error "symbolon-verify: $(ere_quote "$c/share-1-of-5.cbor"): unknown or unexpected bundle type"
}

@test "verify --passphrase-file: a wrong passphrase makes the share INVALID" {
	# Argon2id at MODERATE cost: two seals, two opens.
	printf '%s\n' 'first holder' 'second holder' >pass
	printf '%s\n' 'first holder!' 'second holder' >wrong
	"$SPLIT" --key-shares 2 --key-threshold 2 --in "$F/secret" \
	    --out-dir deal --passphrase-file pass >/dev/null
	verify_refuses deal/share-1-of-2.cbor \
	    'cannot decrypt: wrong key or passphrase, or tampered' \
	    --manifest deal/manifest.cbor --passphrase-file wrong
	run --separate-stderr "$VERIFY" --manifest deal/manifest.cbor \
	    --passphrase-file pass deal/share-1-of-2.cbor
	assert_status 0
	[[ ${lines[1]} == "deal/share-1-of-2.cbor: share 1 of 2, "*": valid (commitment matches the manifest)" ]] ||
	    fail "${lines[1]}"
}

@test "verify: no FILE, or a file that cannot be read, is a usage or I/O error" {
	run --separate-stderr "$VERIFY"
	assert_status 2
	assert_usage_error symbolon-verify 'no FILE to verify'
	run --separate-stderr "$VERIFY" missing.cbor
	assert_status 2
	[ "$output" = "missing.cbor: INVALID: no such file or directory" ] ||
	    fail "$output"
}

# The issue's "done when": every byte of a share bundle matters.

@test "a share with any one byte changed is refused by verify, naming the file" {
	local c=$F/clear n bad lines_about
	n=$(every_byte_flipped "$c/share-1-of-5.cbor" mut)
	[ "$n" -gt 250 ] || fail "only $n bytes"
	# One run over every mutation, alone and against the manifest.
	run --separate-stderr "$VERIFY" mut/*
	assert_status 1
	[ -z "$(bundle_error_lines)" ] || fail "stderr: $stderr"
	[ "${#lines[@]}" -eq "$n" ] || fail "${#lines[@]} lines for $n files"
	bad=$(printf '%s\n' "$output" | grep -Ev '^mut/mut-[0-9]{4}\.cbor: (.*: )?INVALID: ' || true)
	[ -z "$bad" ] || fail "not refused: $bad"
	lines_about=$(printf '%s\n' "$output" | cut -d: -f1 | sort -u | wc -l)
	[ "$lines_about" -eq "$n" ] || fail "$lines_about files named, not $n"

	run --separate-stderr "$VERIFY" --manifest "$c/manifest.cbor" mut/*
	assert_status 1
	bad=$(printf '%s\n' "$output" | sed '1d;$d' |
	    grep -Ev '^mut/mut-[0-9]{4}\.cbor: (.*: )?INVALID: ' || true)
	[ -z "$bad" ] || fail "not refused against the manifest: $bad"
	[ "${lines[-1]}" = "Quorum: 0 valid shares of set $(set_of "$c/manifest.cbor"), generation 0; threshold 3: NOT a quorum" ] ||
	    fail "${lines[-1]}"
}

@test "a share with any one byte changed is refused by combine, naming the file" {
	# One combine per offset (about 300 of them: a few seconds), the
	# changed share second, between two good ones; the loop only runs
	# combine, and one awk checks every exit status and every stderr.
	local c=$F/clear n m bad
	n=$(every_byte_flipped "$c/share-1-of-5.cbor" mut)
	for m in mut/*; do
		"$COMBINE" --share "$c/share-2-of-5.cbor" --share "$m" \
		    --share "$c/share-3-of-5.cbor" --out recovered \
		    >"$m.out" 2>"$m.err" && echo "$m 0" >>status ||
		    echo "$m $?" >>status
		[ ! -e recovered ] || fail "$m: the secret was written"
	done
	[ "$(grep -c '' status)" -eq "$n" ] || fail "not $n runs"
	bad=$(awk '$2 != 1 { print $1 ": exit " $2 }' status)
	[ -z "$bad" ] || fail "$bad"
	bad=$(find mut -name '*.out' -size +0 | head -3)
	[ -z "$bad" ] || fail "wrote to standard output: $bad"
	# Per file: exactly one line that is not progress, a share accepted
	# or the memory-lock warning, and it is "symbolon-combine: FILE: ...".
	bad=$(awk '
	    /^Progress [0-9]+\/[0-9]+$/ || /memory cannot be locked/ ||
	    /^[^:]+: share [0-9]+ of [0-9]+(, .*)? accepted$/ { next }
	    { name = FILENAME; sub(/\.err$/, "", name); errors[name]++
	      if (index($0, "symbolon-combine: " name ": ") != 1)
		print FILENAME ": " $0 }
	    END { for (f in errors) if (errors[f] == 1) ok++
		  else print f ": " errors[f] " error lines"
		  print ok + 0 " files with one error line" }
	' mut/*.err)
	[ "$bad" = "$n files with one error line" ] || fail "$bad"
}

@test "a sealed share, a manifest and a text share with any one byte changed are refused by verify" {
	local n bad
	# A share encrypted to an identity (ciphertext and recipient too).
	n=$(every_byte_flipped "$F/to/share-3-of-5.cbor" sealed)
	run --separate-stderr "$VERIFY" sealed/*
	assert_status 1
	[ "${#lines[@]}" -eq "$n" ] || fail "${#lines[@]} lines for $n files"
	bad=$(printf '%s\n' "$output" | grep -Ev '^sealed/mut-[0-9]{4}\.cbor: (.*: )?INVALID: ' || true)
	[ -z "$bad" ] || fail "not refused: $bad"

	# The manifest itself.
	n=$(every_byte_flipped "$F/clear/manifest.cbor" manifest)
	run --separate-stderr "$VERIFY" manifest/*
	assert_status 1
	[ "${#lines[@]}" -eq "$n" ] || fail "${#lines[@]} lines for $n files"
	bad=$(printf '%s\n' "$output" | grep -Ev '^manifest/mut-[0-9]{4}\.cbor: INVALID: ' || true)
	[ -z "$bad" ] || fail "not refused: $bad"

	# The text form, each symbol replaced by another symbol of the base45
	# alphabet (still well-formed text, so it must be the signature or
	# the decoder that says no).
	mkdir text
	n=$("$PYTHON" -c '
import sys
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
text = open(sys.argv[1]).read().rstrip("\n")
for i in range(5, len(text)):
    c = A[(A.index(text[i]) + 1 + i % 44) % 45]
    open("text/mut-%04d.txt" % i, "w").write(text[:i] + c + text[i + 1:] + "\n")
print(len(text) - 5)' "$F/armor/share-1-of-5.txt")
	run --separate-stderr "$VERIFY" text/*
	assert_status 1
	[ "${#lines[@]}" -eq "$n" ] || fail "${#lines[@]} lines for $n files"
	bad=$(printf '%s\n' "$output" | grep -Ev '^text/mut-[0-9]{4}\.txt: (.*: )?INVALID: ' || true)
	[ -z "$bad" ] || fail "not refused: $bad"
}
