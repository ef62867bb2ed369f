#!/usr/bin/env bats
# symbolon keygen identity: the files it writes, what it prints, what it
# refuses.  Passphrase-protected keys cost an Argon2id run (MODERATE, a
# second or two) each time they are made or opened: one test does that.

load helpers
load bundle_helpers

setup_file() {
	bundle_setup_file
}

setup() {
	common_setup
}

# mode FILE : its permission bits, in octal.
mode() {
	stat -c %a "$1"
}

@test "keygen identity writes PATH.pub and PATH.key, mode 0600, and prints the fingerprint" {
	run --separate-stderr "$KEYGEN" identity --name "Alice Example" \
	    --out alice --no-passphrase
	assert_status 0
	[ -z "$(bundle_error_lines)" ] || fail "stderr: $stderr"
	[ "$(mode alice.pub)" = 600 ] || fail "alice.pub has mode $(mode alice.pub)"
	[ "$(mode alice.key)" = 600 ] || fail "alice.key has mode $(mode alice.key)"
	[ "$(ls | sort | tr '\n' ' ')" = "alice.key alice.pub " ] ||
	    fail "unexpected files: $(ls)"
	# Binary: a COSE_Sign1 (tag 18) with a 13-byte protected header.
	[ "$(head -c 3 alice.pub | hex_encode)" = d2844d ] ||
	    fail "alice.pub is not a binary bundle"

	local fp words
	[ "${lines[0]}" = "Identity       Alice Example" ] || fail "${lines[0]}"
	fp=$(printf '%s\n' "$output" | sed -n 's/^Fingerprint    //p')
	words=$(printf '%s\n' "$output" | sed -n 's/^Read aloud     //p')
	[[ $fp =~ ^[0-9A-F]{4}( [0-9A-F]{4}){15}$ ]] ||
	    fail "fingerprint '$fp' is not 16 groups of 4 hex digits"
	[[ $words =~ ^[A-Za-z-]+( [A-Za-z-]+){11}$ ]] ||
	    fail "'$words' is not 12 words"
	[ "${lines[3]}" = "Public         alice.pub" ] || fail "${lines[3]}"
	[ "${lines[4]}" = "Secret         alice.key (NOT passphrase-protected)" ] ||
	    fail "${lines[4]}"

	# verify names the same identity and the same fingerprint.
	run --separate-stderr "$VERIFY" alice.pub
	assert_status 0
	[ "$output" = "alice.pub: identity \"Alice Example\", fingerprint ${fp:0:19}: valid" ] ||
	    fail "verify says: $output"
}

@test "keygen identity gives each identity its own fingerprint and words" {
	"$KEYGEN" identity --name a --out a --no-passphrase >a.out
	"$KEYGEN" identity --name a --out b --no-passphrase >b.out
	[ "$(sed -n 2,3p a.out)" != "$(sed -n 2,3p b.out)" ] ||
	    fail "two identities share a fingerprint"
	! cmp -s a.key b.key || fail "two identities share a key"
}

@test "keygen identity --armor writes PATH.pub.txt in SYM1: text form" {
	run --separate-stderr "$KEYGEN" identity --name bob --out bob \
	    --no-passphrase --armor
	assert_status 0
	[ -f bob.pub.txt ] || fail "no bob.pub.txt"
	[ ! -e bob.pub ] || fail "bob.pub written as well"
	[ "$(head -c 5 bob.pub.txt)" = SYM1: ] || fail "bob.pub.txt: $(head -c 20 bob.pub.txt)"
	[ "$(wc -l <bob.pub.txt)" -eq 1 ] || fail "bob.pub.txt is not one line"
	grep -Eqx 'SYM1:[0-9A-Z $%*+./:-]+' bob.pub.txt ||
	    fail "bob.pub.txt has characters outside base45"
	[ "${lines[3]}" = "Public         bob.pub.txt" ] || fail "${lines[3]}"
	# An independent base45 decoder gives a binary bundle that is valid
	# too, and encodes back to the same text.
	base45_decode bob.pub.txt bob.pub
	base45_encode bob.pub again.txt
	assert_file_equal again.txt bob.pub.txt
	run --separate-stderr "$VERIFY" bob.pub.txt bob.pub
	assert_status 0
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
	[[ ${lines[0]} == 'bob.pub.txt: identity "bob", fingerprint '*': valid' ]] ||
	    fail "${lines[0]}"
	[ "${lines[1]#bob.pub: }" = "${lines[0]#bob.pub.txt: }" ] ||
	    fail "the two forms differ: $output"
}

@test "keygen identity refuses to overwrite either file (exit 2, nothing changed)" {
	"$KEYGEN" identity --name carol --out carol --no-passphrase >/dev/null
	local before
	before=$(snapshot)
	run --separate-stderr "$KEYGEN" identity --name carol --out carol \
	    --no-passphrase
	assert_status 2
	assert_no_stdout
	assert_one_error 'symbolon-keygen: carol\.pub: file exists \(use --force to replace it\)'
	[ "$(snapshot)" = "$before" ] || fail "files changed"

	# Only the key file there: still refused, and no PATH.pub appears.
	mv carol.pub elsewhere.pub
	before=$(snapshot)
	run --separate-stderr "$KEYGEN" identity --name carol --out carol \
	    --no-passphrase
	assert_status 2
	assert_one_error 'symbolon-keygen: carol\.key: file exists \(use --force to replace it\)'
	[ "$(snapshot)" = "$before" ] || fail "files changed"

	# --armor checks the file it would write, PATH.pub.txt.
	"$KEYGEN" identity --name dan --out dan --no-passphrase --armor >/dev/null
	rm dan.key
	before=$(snapshot)
	run --separate-stderr "$KEYGEN" identity --name dan --out dan \
	    --no-passphrase --armor
	assert_status 2
	assert_one_error 'symbolon-keygen: dan\.pub\.txt: file exists \(use --force to replace it\)'
	[ "$(snapshot)" = "$before" ] || fail "files changed"
}

@test "keygen identity --force replaces both files with a new identity" {
	"$KEYGEN" identity --name erin --out erin --no-passphrase >first.out
	local pub key
	pub=$(sha256sum <erin.pub)
	key=$(sha256sum <erin.key)
	run --separate-stderr "$KEYGEN" identity --name erin --out erin \
	    --no-passphrase --force
	assert_status 0
	[ "$(sha256sum <erin.pub)" != "$pub" ] || fail "erin.pub unchanged"
	[ "$(sha256sum <erin.key)" != "$key" ] || fail "erin.key unchanged"
	[ "$(mode erin.key)" = 600 ] || fail "erin.key has mode $(mode erin.key)"
	[ "${lines[1]}" != "$(sed -n 2p first.out)" ] || fail "same fingerprint"
	[ "$(ls | sort | tr '\n' ' ')" = "erin.key erin.pub first.out " ] ||
	    fail "left behind: $(ls)"
	run --separate-stderr "$VERIFY" erin.pub
	assert_status 0
}

@test "keygen identity refuses a bad --name (empty, control character, over 64 bytes)" {
	local name long64 long65
	long64=$(printf 'n%.0s' {1..64})
	long65=${long64}n
	for name in "" $'tab\there' $'new\nline' $'bell\a' $'del\x7f' \
	    $'esc\e[31m' "$long65"; do
		run --separate-stderr "$KEYGEN" identity --name "$name" \
		    --out who --no-passphrase
		assert_status 2
		assert_usage_error symbolon-keygen \
		    '--name: 1 to 64 bytes, no control characters'
		[ -z "$(ls)" ] || fail "name '$name' left files: $(ls)"
	done
	# 64 bytes, and UTF-8 beyond ASCII, are fine.
	run --separate-stderr "$KEYGEN" identity --name "$long64" --out long \
	    --no-passphrase
	assert_status 0
	run --separate-stderr "$KEYGEN" identity --name "Zoë Ørsted" --out zoe \
	    --no-passphrase
	assert_status 0
	run --separate-stderr "$VERIFY" zoe.pub
	assert_status 0
	[[ $output == 'zoe.pub: identity "Zoë Ørsted", fingerprint '*': valid' ]] ||
	    fail "$output"
}

@test "keygen identity: usage errors (no --name, no --out, both passphrase options, unknown subcommand)" {
	run --separate-stderr "$KEYGEN" identity --out x --no-passphrase
	assert_status 2
	assert_usage_error symbolon-keygen 'missing --name'
	run --separate-stderr "$KEYGEN" identity --name x --no-passphrase
	assert_status 2
	assert_usage_error symbolon-keygen 'missing --out'
	echo pass >pass
	run --separate-stderr "$KEYGEN" identity --name x --out x \
	    --no-passphrase --passphrase-file pass
	assert_status 2
	assert_usage_error symbolon-keygen \
	    '--no-passphrase and --passphrase-file exclude each other'
	run --separate-stderr "$KEYGEN" image --name x --out x
	assert_status 2
	assert_usage_error symbolon-keygen "unknown subcommand 'image'"
	[ "$(ls)" = pass ] || fail "left files: $(ls)"
}

@test "keygen identity --passphrase-file: the key opens with its passphrase only" {
	printf 'correct horse battery staple\n' >pass
	printf 'correct horse battery stapler\n' >wrong
	run --separate-stderr "$KEYGEN" identity --name pat --out pat \
	    --passphrase-file pass
	assert_status 0
	[ "${lines[4]}" = "Secret         pat.key (passphrase-protected)" ] ||
	    fail "${lines[4]}"
	local fp=${lines[1]#Fingerprint    }
	[ "$(mode pat.key)" = 600 ] || fail "pat.key has mode $(mode pat.key)"
	# The passphrase is not in the file, nor the key in clear form.
	! grep -q 'correct horse' pat.key || fail "passphrase stored"
	head -c 16 /dev/urandom >secret

	# A wrong passphrase: one line naming the key file, exit 1, no deal.
	run --separate-stderr "$SPLIT" --key-shares 3 --key-threshold 2 \
	    --in secret --out-dir deal --signer pat.key \
	    --signer-passphrase-file wrong
	assert_status 1
	assert_no_stdout
	assert_one_error 'symbolon-split: pat\.key: cannot decrypt: wrong key or passphrase, or tampered'
	[ ! -e deal ] || fail "split made deal/ with a wrong passphrase"

	# The right one signs the deal, under pat's fingerprint.
	run --separate-stderr "$SPLIT" --key-shares 3 --key-threshold 2 \
	    --in secret --out-dir deal --signer pat.key \
	    --signer-passphrase-file pass
	assert_status 0
	[ "$(printf '%s\n' "$output" | sed -n 's/^Signer  *//p')" = "$fp" ] ||
	    fail "deal not signed by pat: $output"
	run --separate-stderr "$VERIFY" --signer pat.pub --manifest \
	    deal/manifest.cbor deal/share-1-of-3.cbor
	assert_status 0
}
