#!/usr/bin/env bats
# OpenPGP holders (issue 6): split, keygen init and rekey --init with
# --pgp-keys, every share source read through GPGME, rekey --backup,
# verify --manifest on sealed shares, witness signatures over transcripts.
#
# The peer is the gpg command line, both ways: gpg decrypts what symbolon
# encrypts, and symbolon reads what gpg --encrypt made of a share's text
# form.  setup_file makes fresh GnuPG homes with gpg --batch
# --quick-gen-key (ed25519 sign, cv25519 encr) and loopback pinentry
# (pgp_helpers.bash); teardown_file stops their agents and removes them.
# Every refusal is one line naming the file and the key, a non-zero exit,
# and nothing written (a snapshot of names, modes, times and sha256 of the
# working directory, before and after).  (bats 1.8's `run` sets a global
# i: loops around `run` use other names.)

# The FPR_*, SUBKEYID_* and GH* variables come from pgp_env.
# shellcheck disable=SC2154

load helpers
load pgp_helpers

setup_file() {
	pgp_make_homes
}

teardown_file() {
	# shellcheck disable=SC1090
	[ -n "${PGP_ENV:-}" ] && [ -f "$PGP_ENV" ] && . "$PGP_ENV"
	pgp_remove_homes
}

setup() {
	common_setup || return 1
	pgp_env
	# Rekey progress lives on tmpfs: a fresh directory per test.
	RUNDIR=$(mktemp -d /dev/shm/pgp-test.XXXXXX) || return 1
	export XDG_RUNTIME_DIR=$RUNDIR
	# Key files are read through private GnuPG homes under $TMPDIR,
	# removed when done: a directory of our own shows that they are.
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir "$TMPDIR"
	head -c 32 /dev/urandom >"$BATS_TEST_TMPDIR/secret"
	SECRET=$BATS_TEST_TMPDIR/secret
}

teardown() {
	[ -n "${RUNDIR:-}" ] && rm -rf "$RUNDIR"
	return 0
}

# split3 DIR [ARGS...] : a 2-of-3 split of $SECRET to alice (armoured key
# file), bob (binary key file) and carol (fingerprint), unless ARGS give
# other --pgp-keys.
split3() {
	local dir=$1
	shift
	[ $# -gt 0 ] || set -- --pgp-keys \
	    "$KEYS/alice.asc,$KEYS/bob.gpg,$FPR_carol"
	sym split --key-shares 3 --key-threshold 2 --in "$SECRET" \
	    --out-dir "$dir" "$@" >/dev/null
}

# image3 IMG DIR : keygen init, 2 of 3, to alice, bob and carol.
image3() {
	sym keygen init --image "$1" --key-shares 3 --key-threshold 2 \
	    --out-dir "$2" --pgp-keys "$KEYS/alice.asc,$KEYS/bob.asc,$FPR_carol" \
	    >/dev/null
}

nonce_of() {
	sym rekey --image "$1" --status --format json |
	    sed -n 's/^  "nonce": "\([^"]*\)",$/\1/p'
}

# ---- the fixture itself ----

@test "setup_file: fresh 0700 GnuPG homes with loopback pinentry and the keys the tests need" {
	local home
	for home in "$GH" "$GH_MALLORY" "$GH_NOAGENT" "$GH_PUBONLY" "$GH_PIN"; do
		[ "$(stat -c %a "$home")" = 700 ] || fail "$home is not mode 0700"
		grep -qx allow-loopback-pinentry "$home/gpg-agent.conf" ||
		    fail "$home: no allow-loopback-pinentry"
	done
	grep -qx no-autostart "$GH_NOAGENT/gpg.conf" || fail "no no-autostart"
	# gpg's own view of the keys (validity is field 2 of "pub").
	run gpg --batch --with-colons --list-keys
	printf '%s\n' "$output" | grep -A1 '^pub:e:' | grep -q "$FPR_expired" ||
	    fail "gpg does not call the expired key expired"
	printf '%s\n' "$output" | grep -A1 '^pub:r:' | grep -q "$FPR_revoked" ||
	    fail "gpg does not call the revoked key revoked"
	printf '%s\n' "$output" | grep -A1 '^pub:u:.*:scSC:' |
	    grep -q "$FPR_signonly" || fail "the sign-only key is not sign-only"
	printf '%s\n' "$output" | grep -q "^sub:e:.*:e:" ||
	    fail "no expired encryption subkey"
	# mallory's key is not in the holders' keyring; the witness's is.
	! gpg --batch --list-keys "$FPR_mallory" >/dev/null 2>&1 ||
	    fail "mallory's key is in the holders' keyring"
	gpg --batch --list-keys "$FPR_witness" >/dev/null 2>&1 ||
	    fail "no witness key"
	grep -q 'BEGIN PGP PRIVATE KEY BLOCK' "$KEYS/alice-secret.asc"
}

# ---- split ----

@test "split --pgp-keys: share I is an armoured message to key I; the output names fingerprint and user id" {
	run --separate-stderr sym split --key-shares 3 --key-threshold 2 \
	    --in "$SECRET" --out-dir d \
	    --pgp-keys "$KEYS/alice.asc,$KEYS/bob.gpg,$FPR_carol"
	assert_status 0
	[ -z "$(error_lines)" ] || fail "stderr: $stderr"
	[ "$(ls d | tr '\n' ' ')" = "manifest.cbor share-1-of-3.asc share-2-of-3.asc share-3-of-3.asc " ] ||
	    fail "files: $(ls d)"
	local n name fpr sub
	for n in 1 2 3; do
		[ "$(stat -c %a "d/share-$n-of-3.asc")" = 600 ] ||
		    fail "share $n has mode $(stat -c %a "d/share-$n-of-3.asc")"
		[ "$(head -n 1 "d/share-$n-of-3.asc")" = "-----BEGIN PGP MESSAGE-----" ] ||
		    fail "share $n is not armoured"
	done
	n=0
	for name in alice bob carol; do
		n=$((n + 1))
		fpr=FPR_$name sub=SUBKEYID_$name
		printf '%s\n' "$output" | grep -qxF "$(kv "Share $n of 3" "d/share-$n-of-3.asc  holder $name <$name@example.org>  (OpenPGP ${!fpr})")" ||
		    fail "share $n's line does not name ${!fpr} and $name: $output"
		# gpg agrees: one recipient, the holder's encryption subkey.
		[ "$(enc_to "d/share-$n-of-3.asc")" = "${!sub}" ] ||
		    fail "share $n is encrypted to $(enc_to "d/share-$n-of-3.asc"), not ${!sub}"
	done
	# No temporary GnuPG home is left behind.
	[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
}

@test "gpg --decrypt of each share shows its SYM1: text, which combine and verify accept" {
	split3 d
	local n
	for n in 1 2 3; do
		gpg_decrypt "d/share-$n-of-3.asc" >"s$n.txt"
		grep -Eqx 'SYM1:[0-9A-Z $%*+./:-]+' "s$n.txt" ||
		    fail "gpg shows: $(head -c 80 "s$n.txt")"
	done
	run --separate-stderr sym verify --manifest d/manifest.cbor s1.txt s2.txt s3.txt
	assert_status 0
	printf '%s\n' "$output" | grep -q '^s2.txt: share 2 of 3, bob <bob@example.org>, .*: valid (commitment matches the manifest)$' ||
	    fail "$output"
	sym_to out combine --share s3.txt --share s1.txt
	assert_status 0
	assert_file_equal out "$SECRET"
	# And straight from the messages.
	sym_to out2 combine --share d/share-2-of-3.asc --share d/share-3-of-3.asc
	assert_status 0
	assert_file_equal out2 "$SECRET"
	printf '%s\n' "$stderr" | grep -qx 'd/share-2-of-3.asc: share 2 of 3, bob <bob@example.org> accepted' ||
	    fail "$stderr"
}

@test "split --pgp-keys with --holders: the output still names each key's user id" {
	run --separate-stderr sym split --key-shares 2 --key-threshold 2 \
	    --in "$SECRET" --out-dir d --holders Treasurer,Auditor \
	    --pgp-keys "$FPR_alice,$KEYS/bob.asc"
	assert_status 0
	printf '%s\n' "$output" | grep -qxF "$(kv 'Share 1 of 2' "d/share-1-of-2.asc  holder Treasurer  (OpenPGP $FPR_alice alice <alice@example.org>)")" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -qxF "$(kv 'Share 2 of 2' "d/share-2-of-2.asc  holder Auditor  (OpenPGP $FPR_bob bob <bob@example.org>)")" ||
	    fail "$output"
}

@test "a fingerprint may be given in lower case or in groups; a subkey's fingerprint is not a holder's key" {
	local lower spaced subfpr
	lower=$(printf '%s' "$FPR_alice" | tr 'A-F' 'a-f')
	spaced=$(printf '%s' "$FPR_bob" | sed 's/..../& /g; s/ $//')
	split3 d --pgp-keys "$lower,$spaced,$FPR_carol"
	[ "$(enc_to d/share-1-of-3.asc)" = "$SUBKEYID_alice" ]
	[ "$(enc_to d/share-2-of-3.asc)" = "$SUBKEYID_bob" ]
	subfpr=$(gpg --batch --with-colons --list-keys "$FPR_alice" |
	    awk -F: '$1 == "sub" { s = 1 } s && $1 == "fpr" { print $10; exit }')
	[ ${#subfpr} -eq 40 ]
	refused 1 "symbolon-split: $subfpr: no OpenPGP key with that fingerprint in the keyring" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir e --pgp-keys "$subfpr,$FPR_bob"
}

@test "a key file is used, not imported: the user's keyring is unchanged" {
	local before
	before=$(sha256sum "$GH/pubring.kbx")
	split3 d --pgp-keys "$KEYS/alice.asc,$KEYS/mallory.asc,$KEYS/bob.gpg"
	[ "$(enc_to d/share-2-of-3.asc)" = "$SUBKEYID_mallory" ]
	[ "$(sha256sum "$GH/pubring.kbx")" = "$before" ] ||
	    fail "the keyring changed"
	! gpg --batch --list-keys "$FPR_mallory" >/dev/null 2>&1 ||
	    fail "mallory's key was imported"
	[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
}

@test "split refuses a file that is not an OpenPGP key, naming it; nothing written" {
	local f
	for f in garbage.asc empty.asc; do
		refused 1 "symbolon-split: $(re "$KEYS/$f"): not an OpenPGP public key" \
		    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
		    --out-dir d --pgp-keys "$KEYS/alice.asc,$KEYS/$f"
	done
	refused 2 "symbolon-split: $(re "$KEYS/missing.asc"): no such file or directory" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$KEYS/missing.asc,$KEYS/alice.asc"
	# Two keys in one file: which holder would it be?
	refused 1 "symbolon-split: $(re "$KEYS/two.asc"): more than one OpenPGP key in the file" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$KEYS/two.asc,$KEYS/bob.asc"
	[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
}

@test "split refuses a secret key where a public key belongs, naming the file and the key" {
	refused 1 "symbolon-split: $(re "$KEYS/alice-secret.asc"): key $FPR_alice \\(alice <alice@example\\.org>\\): this is an OpenPGP secret key: give the public key \\(gpg --export\\)" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$KEYS/alice-secret.asc,$KEYS/bob.asc"
	[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
}

@test "split refuses an expired key, by file (armoured, binary) or fingerprint, naming it" {
	local f
	for f in expired.asc expired.gpg; do
		refused 1 "symbolon-split: $(re "$KEYS/$f"): key $FPR_expired \\(expired <expired@example\\.org>\\): OpenPGP key has expired" \
		    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
		    --out-dir d --pgp-keys "$KEYS/alice.asc,$KEYS/$f"
	done
	refused 1 "symbolon-split: $FPR_expired \\(expired <expired@example\\.org>\\): OpenPGP key has expired" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$FPR_expired,$FPR_bob"
	# A valid primary key whose encryption subkey has expired.
	refused 1 "symbolon-split: $(re "$KEYS/subexpired.asc"): key $FPR_subexpired \\(subexpired <subexpired@example\\.org>\\): OpenPGP key has expired" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$KEYS/subexpired.asc,$FPR_bob"
}

@test "split refuses a revoked key, by file or fingerprint, naming it" {
	refused 1 "symbolon-split: $(re "$KEYS/revoked.asc"): key $FPR_revoked \\(revoked <revoked@example\\.org>\\): OpenPGP key has been revoked" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$KEYS/revoked.asc,$KEYS/alice.asc"
	refused 1 "symbolon-split: $FPR_revoked \\(revoked <revoked@example\\.org>\\): OpenPGP key has been revoked" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$KEYS/alice.asc,$FPR_revoked"
}

@test "split refuses a key without an encryption subkey, naming it" {
	refused 1 "symbolon-split: $(re "$KEYS/signonly.gpg"): key $FPR_signonly \\(signonly <signonly@example\\.org>\\): OpenPGP key has no valid encryption subkey" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$KEYS/alice.asc,$KEYS/signonly.gpg"
	refused 1 "symbolon-split: $FPR_signonly \\(signonly <signonly@example\\.org>\\): OpenPGP key has no valid encryption subkey" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$FPR_signonly,$KEYS/alice.asc"
}

@test "split refuses a fingerprint that is not in the keyring" {
	refused 1 "symbolon-split: $FPR_mallory: no OpenPGP key with that fingerprint in the keyring" \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$FPR_alice,$FPR_mallory"
}

@test "the number of keys must equal the number of shares (split, keygen init, rekey --init)" {
	refused_usage symbolon-split 'incorrect number of PGP keys: 2 for 3 shares' \
	    sym split --key-shares 3 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$FPR_alice,$FPR_bob"
	refused_usage symbolon-split 'incorrect number of PGP keys: 3 for 2 shares' \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$FPR_alice,$FPR_bob,$FPR_carol"
	refused_usage symbolon-keygen 'incorrect number of PGP keys: 2 for 3 shares' \
	    sym keygen init --image img --key-shares 3 --key-threshold 2 \
	    --out-dir k --pgp-keys "$FPR_alice,$FPR_bob"
	image3 img k
	refused_usage symbolon-rekey 'incorrect number of PGP keys for rekey: 1 for 2 shares' \
	    sym rekey --image img --init --key-shares 2 --key-threshold 2 \
	    --out-dir n --pgp-keys "$FPR_alice"
}

@test "--pgp-keys needs --out-dir and excludes --to and --passphrase" {
	refused_usage symbolon-split '--pgp-keys needs --out-dir' \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --pgp-keys "$FPR_alice,$FPR_bob"
	printf 'a\nb\n' >pass
	refused_usage symbolon-split '--pgp-keys excludes --to and --passphrase' \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --passphrase-file pass --pgp-keys "$FPR_alice,$FPR_bob"
	refused_usage symbolon-split '--pgp-keys: expected a comma-separated list of key files or fingerprints' \
	    sym split --key-shares 2 --key-threshold 2 --in "$SECRET" \
	    --out-dir d --pgp-keys "$FPR_alice,"
}

# ---- decryption wherever a share is read; gpg as the encrypting peer ----

@test "combine and verify read shares that gpg --encrypt made of a share's text form, binary and armoured" {
	sym split --key-shares 3 --key-threshold 2 --in "$SECRET" --out-dir t \
	    --armor >/dev/null
	gpg_encrypt_to "$FPR_alice" t/share-1-of-3.txt s1.gpg
	gpg_encrypt_to "$FPR_bob" t/share-2-of-3.txt s2.asc --armor
	gpg_encrypt_to "$FPR_carol" t/share-3-of-3.txt s3.asc --armor
	[ "$(head -n 1 s2.asc)" = "-----BEGIN PGP MESSAGE-----" ]
	! grep -q 'BEGIN PGP' s1.gpg || fail "s1.gpg is armoured"
	sym_to out combine --share s1.gpg --share s2.asc
	assert_status 0
	assert_file_equal out "$SECRET"
	sym_to out2 combine --share s3.asc --share s1.gpg
	assert_status 0
	assert_file_equal out2 "$SECRET"
	run --separate-stderr sym verify s1.gpg s2.asc
	assert_status 0
	printf '%s\n' "$output" | grep -Eq '^s1\.gpg: share 1 of 3, set .*: valid$' || fail "$output"
	# The manifest of shares dealt in clear names no OpenPGP keys: the
	# holders' own envelopes are opened and checked against it.
	run --separate-stderr sym verify --manifest t/manifest.txt s1.gpg s2.asc s3.asc
	assert_status 0
	printf '%s\n' "$output" | grep -q '^s3.asc: share 3 of 3, .*: valid (commitment matches the manifest)$' ||
	    fail "$output"
	printf '%s\n' "$output" | grep -q 'Quorum: 3 valid shares of set .*: a quorum is present$' ||
	    fail "$output"
}

@test "the binary bundle, encrypted by gpg, is a share source too; so is standard input" {
	sym split --key-shares 2 --key-threshold 2 --in "$SECRET" --out-dir b \
	    >/dev/null
	gpg_encrypt_to "$FPR_alice" b/share-1-of-2.cbor s1.gpg
	gpg_encrypt_to "$FPR_bob" b/share-2-of-2.cbor s2.asc --armor
	sym_to out combine --share s1.gpg --share s2.asc
	assert_status 0
	assert_file_equal out "$SECRET"
	# An armoured message as text on standard input.
	run --separate-stderr bash -c \
	    '"$1" combine --share s1.gpg --share - <s2.asc >out2' _ "$SYMBOLON"
	assert_status 0
	assert_file_equal out2 "$SECRET"
	printf '%s\n' "$stderr" | grep -qx 'standard input: share 2 of 2 accepted' ||
	    fail "$stderr"
}

@test "store, rotate, verify --image and rekey read OpenPGP shares of an image" {
	image3 img k
	run --separate-stderr sym store --image img --share k/share-1-of-3.asc \
	    --share k/share-3-of-3.asc list
	assert_status 0
	printf 'value' >v
	run --separate-stderr sym store --image img --share k/share-2-of-3.asc \
	    --share k/share-3-of-3.asc put name --in v
	assert_status 0
	run --separate-stderr sym rotate --image img --share k/share-1-of-3.asc \
	    --share k/share-2-of-3.asc
	assert_status 0
	run --separate-stderr sym verify --image img --share k/share-1-of-3.asc \
	    --share k/share-2-of-3.asc
	assert_status 0
	printf '%s\n' "$output" | grep -qx '  entries: all 1 authenticate' || fail "$output"
	run --separate-stderr sym store --image img --share k/share-3-of-3.asc \
	    --share k/share-1-of-3.asc get name
	assert_status 0
	[ "$output" = value ] || fail "get: $output"
}

@test "a share encrypted to someone else is refused, naming the file and the key id" {
	split3 d --pgp-keys "$KEYS/alice.asc,$KEYS/mallory.gpg,$KEYS/bob.asc"
	refused 1 "symbolon-combine: d/share-2-of-3\\.asc: encrypted to key id $SUBKEYID_mallory, whose secret key is not here" \
	    sym combine --share d/share-2-of-3.asc --share d/share-1-of-3.asc
	# The same from gpg on mallory's side.
	sym split --key-shares 2 --key-threshold 2 --in "$SECRET" --out-dir t \
	    --armor >/dev/null
	GNUPGHOME=$GH_MALLORY gpg_encrypt_to "$FPR_mallory" t/share-1-of-2.txt m.asc --armor
	refused 1 "symbolon-combine: m\\.asc: encrypted to key id $SUBKEYID_mallory, whose secret key is not here" \
	    sym combine --share m.asc --share t/share-2-of-2.txt
	# In a keyring that has mallory's public key (an auditor's), the
	# recipient is named by fingerprint and user id.
	GNUPGHOME=$GH_PUBONLY gpg --batch --quiet --import "$KEYS/mallory.asc" \
	    2>/dev/null </dev/null
	refused 1 "symbolon-combine: m\\.asc: encrypted to $FPR_mallory \\(mallory <mallory@example\\.org>\\), whose secret key is not here" \
	    env GNUPGHOME="$GH_PUBONLY" "$SYMBOLON" combine --share m.asc \
	    --share t/share-2-of-2.txt
}

@test "a corrupted OpenPGP message is refused as such, naming the file (and the key when it can be read)" {
	split3 d
	local size
	# Binary: one bit of the encrypted data.
	gpg --batch --dearmor <d/share-1-of-3.asc >c1.gpg
	size=$(stat -c %s c1.gpg)
	flip_byte c1.gpg $((size - 10))
	refused 1 "symbolon-combine: c1\\.gpg: OpenPGP message is corrupted or truncated \\(encrypted to $FPR_alice \\(alice <alice@example\\.org>\\)\\)" \
	    sym combine --share c1.gpg --share d/share-2-of-3.asc
	# Armoured, a character of the body changed: the checksum fails.
	awk 'NR == 4 { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2) } { print }' \
	    d/share-1-of-3.asc >c2.asc
	! cmp -s c2.asc d/share-1-of-3.asc || fail "c2.asc is unchanged"
	refused 1 "symbolon-combine: c2\\.asc: OpenPGP message is corrupted or truncated" \
	    sym combine --share c2.asc --share d/share-2-of-3.asc
	# Armoured, cut short.
	head -n 5 d/share-1-of-3.asc >c3.asc
	refused 1 "symbolon-combine: c3\\.asc: OpenPGP message is corrupted or truncated" \
	    sym combine --share c3.asc --share d/share-2-of-3.asc
	# verify says the same.
	run --separate-stderr sym verify c1.gpg
	assert_status 1
	[ "$output" = "c1.gpg: INVALID: OpenPGP message is corrupted or truncated" ] ||
	    fail "$output"
}

@test "a missing gpg-agent is named as such, with the file and the key; gpg itself says it" {
	split3 d
	# What gpg does in a home with no-autostart and no agent running.
	run --separate-stderr env GNUPGHOME="$GH_NOAGENT" gpg --batch --no-tty \
	    --decrypt d/share-1-of-3.asc
	[ "$status" -ne 0 ]
	printf '%s\n' "$stderr" | grep -q 'no gpg-agent running in this session' ||
	    fail "gpg says: $stderr"
	refused 2 "symbolon-combine: d/share-1-of-3\\.asc: gpg-agent \\(or its pinentry\\) is not available \\(encrypted to $FPR_alice \\(alice <alice@example\\.org>\\)\\)" \
	    env GNUPGHOME="$GH_NOAGENT" "$SYMBOLON" combine \
	    --share d/share-1-of-3.asc --share d/share-2-of-3.asc
	# verify still checks the recipients, then says why it stopped.
	run --separate-stderr env GNUPGHOME="$GH_NOAGENT" "$SYMBOLON" verify \
	    --manifest d/manifest.cbor d/share-1-of-3.asc </dev/null
	assert_status 2
	printf '%s\n' "$output" | grep -qx "d/share-1-of-3.asc: OpenPGP message addressed to share 1's holder alice <alice@example.org>, key $FPR_alice, as the manifest says" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -qx 'd/share-1-of-3.asc: INVALID: gpg-agent (or its pinentry) is not available' ||
	    fail "$output"
	# No agent was started there.
	[ ! -e "$GH_NOAGENT/S.gpg-agent" ] || fail "an agent started in $GH_NOAGENT"
}

@test "gpg-agent asks its pinentry for a protected key: right, wrong and cancelled passphrases" {
	split3 d --pgp-keys "$KEYS/dave.asc,$KEYS/bob.asc,$KEYS/carol.asc"
	gpg_decrypt d/share-2-of-3.asc >s2.txt
	echo wrong >"$GH_PIN/pin-answer"
	refused 1 "symbolon-combine: d/share-1-of-3\\.asc: cannot decrypt: wrong key or passphrase, or tampered \\(encrypted to $FPR_dave \\(dave <dave@example\\.org>\\)\\)" \
	    env GNUPGHOME="$GH_PIN" "$SYMBOLON" combine --share d/share-1-of-3.asc \
	    --share s2.txt
	echo CANCEL >"$GH_PIN/pin-answer"
	refused 2 "symbolon-combine: d/share-1-of-3\\.asc: cancelled at the passphrase prompt \\(encrypted to $FPR_dave \\(dave <dave@example\\.org>\\)\\)" \
	    env GNUPGHOME="$GH_PIN" "$SYMBOLON" combine --share d/share-1-of-3.asc \
	    --share s2.txt
	echo 'correct horse' >"$GH_PIN/pin-answer"
	GNUPGHOME=$GH_PIN sym_to out combine --share d/share-1-of-3.asc \
	    --share s2.txt
	assert_status 0
	assert_file_equal out "$SECRET"
}

# ---- verify --manifest on sealed shares ----

@test "verify --manifest checks each message's recipient against the manifest, then decrypts and checks the share" {
	split3 d
	run --separate-stderr sym verify --manifest d/manifest.cbor \
	    d/share-1-of-3.asc d/share-2-of-3.asc d/share-3-of-3.asc
	assert_status 0
	local n=0 name fpr
	for name in alice bob carol; do
		n=$((n + 1))
		fpr=FPR_$name
		printf '%s\n' "$output" | grep -qx "d/share-$n-of-3.asc: OpenPGP message addressed to share $n's holder $name <$name@example.org>, key ${!fpr}, as the manifest says" ||
		    fail "share $n: $output"
		printf '%s\n' "$output" | grep -q "^d/share-$n-of-3.asc: share $n of 3, $name <$name@example.org>, .*: valid (commitment matches the manifest)$" ||
		    fail "share $n: $output"
	done
	printf '%s\n' "$output" | grep -q '^Quorum: 3 valid shares of set .*: a quorum is present$' ||
	    fail "$output"
}

@test "verify --signer applies to the share inside an OpenPGP message" {
	split3 d
	sym keygen identity --name op --out op --no-passphrase >/dev/null 2>&1
	run --separate-stderr sym verify --signer op.pub d/share-1-of-3.asc
	assert_status 1
	printf '%s\n' "$output" | grep -qx "d/share-1-of-3.asc: INVALID: signed by an unexpected key" ||
	    fail "$output"
}

@test "verify --manifest without the holders' secret keys checks the recipients without decrypting" {
	split3 d
	run --separate-stderr env GNUPGHOME="$GH_PUBONLY" "$SYMBOLON" verify \
	    --manifest d/manifest.cbor d/share-1-of-3.asc d/share-3-of-3.asc </dev/null
	assert_status 0
	printf '%s\n' "$output" | grep -qx "d/share-3-of-3.asc: OpenPGP message addressed to share 3's holder carol <carol@example.org>, key $FPR_carol, as the manifest says" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -qx "d/share-3-of-3.asc: not decrypted: the holder's secret key is not here (recipients checked)" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -q '^Quorum: 0 valid shares' || fail "$output"
}

@test "verify --manifest refuses a share addressed to a key the manifest does not list, naming the key id" {
	split3 d
	gpg_decrypt d/share-1-of-3.asc >s1.txt
	GNUPGHOME=$GH_MALLORY gpg_encrypt_to "$FPR_mallory" s1.txt m.asc --armor
	run --separate-stderr sym verify --manifest d/manifest.cbor m.asc
	assert_status 1
	printf '%s\n' "$output" | grep -qx "m.asc: INVALID: encrypted to key id $SUBKEYID_mallory, which the manifest names for no holder" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -q '^Quorum: 0 valid shares' || fail "$output"
}

@test "verify --manifest refuses holder 1's share in holder 2's envelope" {
	split3 d
	gpg_decrypt d/share-1-of-3.asc >s1.txt
	gpg_encrypt_to "$FPR_bob" s1.txt swapped.asc --armor
	run --separate-stderr sym verify --manifest d/manifest.cbor swapped.asc
	assert_status 1
	printf '%s\n' "$output" | grep -qx "swapped.asc: OpenPGP message addressed to share 2's holder bob <bob@example.org>, key $FPR_bob, as the manifest says" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -q '^swapped.asc: share 1 of 3, alice <alice@example.org>, .*: INVALID: ' ||
	    fail "$output"
}

# ---- keygen init ----

@test "keygen init --pgp-keys seals the unseal key's shares to the holders' keys" {
	run --separate-stderr sym keygen init --image img --key-shares 3 \
	    --key-threshold 2 --out-dir k \
	    --pgp-keys "$KEYS/alice.asc,$KEYS/bob.gpg,$FPR_carol"
	assert_status 0
	printf '%s\n' "$output" | grep -qxF "$(kv 'Unseal Key 1' "k/share-1-of-3.asc  holder alice <alice@example.org>  OpenPGP $FPR_alice")" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -qxF "$(kv 'Unseal Key 3' "k/share-3-of-3.asc  holder carol <carol@example.org>  OpenPGP $FPR_carol")" ||
	    fail "$output"
	[ "$(enc_to k/share-2-of-3.asc)" = "$SUBKEYID_bob" ]
	gpg_decrypt k/share-2-of-3.asc | grep -Eqx 'SYM1:[0-9A-Z $%*+./:-]+'
	run --separate-stderr sym verify --manifest k/manifest.cbor k/share-1-of-3.asc \
	    k/share-2-of-3.asc k/share-3-of-3.asc
	assert_status 0
	printf '%s\n' "$output" | grep -q 'generation 1; threshold 2: a quorum is present$' ||
	    fail "$output"
}

@test "keygen init refuses a revoked key, naming it; no image, no shares" {
	refused 1 "symbolon-keygen: $(re "$KEYS/revoked.gpg"): key $FPR_revoked \\(revoked <revoked@example\\.org>\\): OpenPGP key has been revoked" \
	    sym keygen init --image img --key-shares 2 --key-threshold 2 \
	    --out-dir k --pgp-keys "$KEYS/alice.asc,$KEYS/revoked.gpg"
	[ ! -e img ] || fail "img was created"
	[ ! -e k ] || fail "k was created"
}

# ---- rekey ----

@test "rekey --init --pgp-keys --backup: new shares sealed to the keys, kept in the image, retrieved, deleted" {
	image3 img k
	run --separate-stderr sym rekey --image img --init --key-shares 2 \
	    --key-threshold 2 --out-dir n --pgp-keys "$KEYS/bob.gpg,$FPR_carol" --backup
	assert_status 0
	[ "$(row 'PGP Key 1')" = "$FPR_bob bob <bob@example.org>" ] || fail "$output"
	[ "$(row 'PGP Key 2')" = "$FPR_carol carol <carol@example.org>" ] || fail "$output"
	[ "$(row Backup)" = true ] || fail "$output"
	local nonce
	nonce=$(nonce_of img)
	[ -n "$nonce" ]
	run --separate-stderr sym rekey --image img --nonce "$nonce" \
	    --share k/share-1-of-3.asc
	assert_status 0
	run --separate-stderr sym rekey --image img --nonce "$nonce" \
	    --share k/share-3-of-3.asc
	assert_status 0
	printf '%s\n' "$output" | grep -qxF "$(kv 'Key 1' "n/share-1-of-2.asc  holder bob <bob@example.org>  OpenPGP $FPR_bob")" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -qxF "$(kv 'Key 2' "n/share-2-of-2.asc  holder carol <carol@example.org>  OpenPGP $FPR_carol")" ||
	    fail "$output"
	[ "$(enc_to n/share-1-of-2.asc)" = "$SUBKEYID_bob" ]
	[ "$(enc_to n/share-2-of-2.asc)" = "$SUBKEYID_carol" ]
	# The new shares unseal; the old ones no longer do.
	sym store --image img --share n/share-1-of-2.asc --share n/share-2-of-2.asc \
	    list >/dev/null 2>&1 || fail "the new shares do not unseal"
	! sym store --image img --share k/share-1-of-3.asc --share k/share-2-of-3.asc \
	    list >/dev/null 2>&1 || fail "the old shares still unseal"

	# Retrieve: no shares needed; the nonce, each recipient, the messages.
	run --separate-stderr sym rekey --image img --backup-retrieve
	assert_status 0
	[ "${lines[0]}" = "$(kv Nonce "$nonce")" ] || fail "$output"
	printf '%s\n' "$output" | grep -qxF "$(kv Recipient "$FPR_bob")" || fail "$output"
	printf '%s\n' "$output" | grep -qxF "$(kv 'User ID' 'carol <carol@example.org>')" ||
	    fail "$output"
	[ "$(printf '%s\n' "$output" | grep -c '^-----BEGIN PGP MESSAGE-----$')" -eq 2 ] ||
	    fail "$output"
	# Each kept message, given to gpg, is the same share as the file.
	printf '%s\n' "$output" | awk '/^-----BEGIN PGP MESSAGE-----$/ { n++; f = "backup-" n ".asc" }
	    f { print > f } /^-----END PGP MESSAGE-----$/ { f = "" }'
	[ "$(enc_to backup-1.asc)" = "$SUBKEYID_bob" ]
	[ "$(gpg_decrypt backup-1.asc)" = "$(gpg_decrypt n/share-1-of-2.asc)" ] ||
	    fail "backup 1 is not share 1"
	[ "$(gpg_decrypt backup-2.asc)" = "$(gpg_decrypt n/share-2-of-2.asc)" ] ||
	    fail "backup 2 is not share 2"
	sym_to kept combine --share backup-1.asc --share backup-2.asc
	assert_status 0

	run --separate-stderr sym rekey --image img --backup-delete
	assert_status 0
	[ "$output" = "Success! Deleted backed-up keys (if any)" ] || fail "$output"
	run --separate-stderr sym rekey --image img --backup-retrieve
	assert_status 1
	assert_no_stdout
	assert_one_error 'symbolon-rekey: no backed-up keys found'
}

@test "rekey --backup requires --pgp-keys, as in Vault" {
	image3 img k
	refused_usage symbolon-rekey 'cannot request a backup of the new keys without providing PGP keys for encryption' \
	    sym rekey --image img --init --key-shares 2 --key-threshold 2 \
	    --out-dir n --backup
	refused_usage symbolon-rekey '--key-shares, --key-threshold, --out-dir, --to, --holders, --pgp-keys, --backup and --signer go with --init' \
	    sym rekey --image img --backup-retrieve --backup
}

@test "rekey without --backup keeps nothing; --verify with OpenPGP new shares" {
	image3 img k
	sym rekey --image img --init --key-shares 2 --key-threshold 2 --out-dir n \
	    --verify --pgp-keys "$FPR_alice,$KEYS/carol.asc" >/dev/null
	local nonce vnonce
	nonce=$(nonce_of img)
	sym rekey --image img --nonce "$nonce" --share k/share-2-of-3.asc \
	    --share k/share-3-of-3.asc >out 2>/dev/null
	vnonce=$(sed -n 's/^Verification Nonce  *//p' out)
	[ -n "$vnonce" ] || fail "$(cat out)"
	run --separate-stderr sym rekey --image img --backup-retrieve
	assert_status 1
	assert_one_error 'symbolon-rekey: no backed-up keys found'
	run --separate-stderr sym rekey --image img --verify --nonce "$vnonce" \
	    --share n/share-1-of-2.asc --share n/share-2-of-2.asc
	assert_status 0
	printf '%s\n' "$output" | grep -q '^Rekey verification successful' || fail "$output"
	sym store --image img --share n/share-2-of-2.asc --share n/share-1-of-2.asc \
	    list >/dev/null 2>&1 || fail "the new shares do not unseal"
}

@test "rekey --init refuses an expired key, naming it; the image is unchanged" {
	image3 img k
	local before
	before=$(sha256sum img)
	refused 1 "symbolon-rekey: $(re "$KEYS/expired.asc"): key $FPR_expired \\(expired <expired@example\\.org>\\): OpenPGP key has expired" \
	    sym rekey --image img --init --key-shares 2 --key-threshold 2 \
	    --out-dir n --pgp-keys "$KEYS/alice.asc,$KEYS/expired.asc" --backup
	[ "$(sha256sum img)" = "$before" ]
	run --separate-stderr sym rekey --image img --status --format json
	printf '%s\n' "$output" | grep -qx '  "started": false,' || fail "$output"
}

# ---- witnesses ----

# transcript IMG DIR OUT : an image's audit transcript, exported.
transcript() {
	image3 "$1" "$2"
	sym verify --image "$1" --share "$2/share-1-of-3.asc" \
	    --share "$2/share-2-of-3.asc" --transcript "$3" >/dev/null 2>&1
}

@test "verify TRANSCRIPT --witness-sig: good signatures, binary and armoured, name who signed" {
	transcript img k T
	gpg --batch --local-user "$FPR_witness" --output T.sig --detach-sign T
	gpg --batch --local-user "$FPR_witness" --armor --output T.asc --detach-sign T
	gpg --batch --local-user "$FPR_alice" --output T.alice.sig --detach-sign T
	run --separate-stderr sym verify T --witness-sig T.sig --witness-sig T.asc \
	    --witness-sig T.alice.sig
	assert_status 0
	printf '%s\n' "$output" | grep -q '^T: transcript of image .*: valid$' || fail "$output"
	printf '%s\n' "$output" | grep -qx "  witness T.sig: good signature by witness <witness@example.org>, key $FPR_witness (validity full)" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -qx "  witness T.asc: good signature by witness <witness@example.org>, key $FPR_witness (validity full)" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -qx "  witness T.alice.sig: good signature by alice <alice@example.org>, key $FPR_alice (validity full)" ||
	    fail "$output"
}

@test "verify TRANSCRIPT --witness-sig: a signature over other bytes is INVALID" {
	transcript img k T
	printf 'something else\n' >other
	gpg --batch --local-user "$FPR_witness" --output bad.sig --detach-sign other
	gpg --batch --local-user "$FPR_witness" --output T.sig --detach-sign T
	run --separate-stderr sym verify T --witness-sig T.sig --witness-sig bad.sig
	assert_status 1
	printf '%s\n' "$output" | grep -qx "  witness T.sig: good signature by witness <witness@example.org>, key $FPR_witness (validity full)" ||
	    fail "$output"
	printf '%s\n' "$output" | grep -qx "  witness bad.sig: INVALID signature: signature does not verify, key $FPR_witness (validity unknown)" ||
	    fail "$output"
	# Not a signature at all.
	run --separate-stderr sym verify T --witness-sig k/manifest.cbor
	assert_status 1
	printf '%s\n' "$output" | grep -qx '  witness k/manifest.cbor: INVALID: not an OpenPGP detached signature' ||
	    fail "$output"
}

@test "verify TRANSCRIPT --witness-sig: a signer whose key is not in the keyring is named by fingerprint" {
	transcript img k T
	GNUPGHOME=$GH_MALLORY gpg --batch --local-user "$FPR_mallory" \
	    --output T.mallory.sig --detach-sign T
	run --separate-stderr sym verify T --witness-sig T.mallory.sig
	assert_status 1
	printf '%s\n' "$output" | grep -qx "  witness T.mallory.sig: INVALID signature: signed by an OpenPGP key that is not in the keyring, key $FPR_mallory (validity unknown)" ||
	    fail "$output"
}

@test "--witness-sig is never silently ignored: it needs a transcript" {
	transcript img k T
	gpg --batch --local-user "$FPR_witness" --output T.sig --detach-sign T
	run --separate-stderr sym verify k/manifest.cbor --witness-sig T.sig
	assert_status 2
	assert_one_error 'symbolon-verify: --witness-sig: no transcript among the files, so no signature was checked'
	refused_usage symbolon-verify '--witness-sig checks a transcript FILE: export it with --transcript, then verify it' \
	    sym verify --image img --witness-sig T.sig
}
