#!/usr/bin/env bats
# Auto seals from the command line, against real devices: SoftHSM2 tokens
# (PKCS#11), swtpm (TPM 2.0) and gpg-agent (an OpenPGP key): init with
# recovery shares, status, use with no shares, export-root with a quorum of
# recovery shares, and every device failure named in one line with the
# image unchanged.

load helpers
load image_helpers

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	# shellcheck source=../devices/softhsm.bash
	source "$BATS_TEST_DIRNAME/../devices/softhsm.bash"
	softhsm_setup "$BATS_FILE_TMPDIR/hsm"
	SEAL="pkcs11:module=$SOFTHSM_MODULE,token=ceremony,key=seal-aes,name=hsm1"
	"$BIN/symbolon" keygen init --image base.img --seal "$SEAL" \
	    --out-dir rec --pin-file hsm/pin >init.out 2>init.err
	printf 'value one\n' >a.val
	"$BIN/symbolon" store --image base.img --pin-file hsm/pin put a \
	    --in a.val 2>/dev/null
	"$BIN/symbolon" keygen init --image other.img --seal "$SEAL" \
	    --out-dir other-rec --pin-file hsm/pin >/dev/null 2>&1
	"$BIN/symbolon" keygen init --image sham.img --key-shares 3 \
	    --key-threshold 2 --out-dir sh >/dev/null 2>&1
}

setup() {
	common_setup
	# shellcheck source=../devices/softhsm.bash
	source "$BATS_TEST_DIRNAME/../devices/softhsm.bash"
	BASE=$BATS_FILE_TMPDIR
	export SOFTHSM2_CONF=$BASE/hsm/softhsm2.conf
	SOFTHSM_MODULE=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
	SEAL="pkcs11:module=$SOFTHSM_MODULE,token=ceremony,key=seal-aes,name=hsm1"
	PIN=$BASE/hsm/pin
	cp "$BASE/base.img" img
	REC=$BASE/rec
}

# A private copy of the SoftHSM tokens, so that a test may break them.
private_tokens() {
	cp -a "$BASE/hsm" hsm
	sed -i "s|$BASE/hsm|$PWD/hsm|" hsm/softhsm2.conf
	export SOFTHSM2_CONF=$PWD/hsm/softhsm2.conf
}


@test "init --seal pkcs11: recovery shares, no unseal shares, the table says so" {
	grep -q '^Seal Type  *pkcs11$' "$BASE/init.out"
	grep -q '^Seal Name  *hsm1$' "$BASE/init.out"
	grep -q '^Recovery Seal  *true$' "$BASE/init.out"
	grep -q '^Recovery Seal Type  *shamir$' "$BASE/init.out"
	grep -q '^Total Recovery Shares  *5$' "$BASE/init.out"
	grep -q '^Threshold  *3$' "$BASE/init.out"
	grep -q 'Recovery shares cannot open it' "$BASE/init.out"
	[ "$(ls "$REC")" = "$(printf '%s\n' recovery-manifest.cbor \
	    recovery-share-{1..5}-of-5.cbor)" ]
	run --separate-stderr "$BIN/symbolon" verify "$REC/recovery-share-2-of-5.cbor"
	assert_status 0
	[[ "$output" == *"recovery share 2 of 5, set "*": valid"* ]]
	run --separate-stderr "$BIN/symbolon" verify --manifest \
	    "$REC/recovery-manifest.cbor" "$REC/recovery-share-4-of-5.cbor"
	assert_status 0
}

@test "status: Vault's fields for an auto seal, and whether the device answers" {
	run --separate-stderr "$BIN/symbolon" status --image img
	assert_status 0
	[ "$(status_field img 'Seal Type')" = pkcs11 ]
	printf '%s\n' "$output" | grep -q '^Recovery Seal  *true$' 
	[ "$(status_field img 'Recovery Seal Type')" = shamir ]
	[ "$(status_field img 'Total Recovery Shares')" = 5 ]
	[ "$(status_field img 'Threshold')" = 3 ]
	[ "$(status_field img 'Sealed')" = true ]
	[ "$(status_field img 'Seal hsm1')" = 'pkcs11, priority 1: answers' ]
	[[ "$(status_field img Version)" == *"image format 2"* ]]
	run --separate-stderr "$BIN/symbolon" status --image img --format json
	assert_status 0
	printf '%s' "$output" | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
assert d["type"] == "pkcs11", d["type"]
assert d["recovery_seal"] is True and d["recovery_seal_type"] == "shamir"
assert d["n"] == 5 and d["t"] == 3 and d["format_version"] == 2
assert d["seals"] == [{"name": "hsm1", "type": "pkcs11", "priority": 1,
    "healthy": True, "error": ""}], d["seals"]
'
}

@test "status names a device that does not answer, and needs no PIN" {
	private_tokens
	softhsm_remove_token "$PWD/hsm" ceremony
	run --separate-stderr "$BIN/symbolon" status --image img
	assert_status 0
	status_field img 'Seal hsm1' | grep -Eq "^pkcs11, priority 1: does not answer: token 'ceremony' .*not found$"
	run --separate-stderr "$BIN/symbolon" status --image img --format json
	printf '%s' "$output" | "$PYTHON" -c '
import json, sys
s = json.load(sys.stdin)["seals"][0]
assert s["healthy"] is False and "not found" in s["error"], s
'
}

@test "store, rotate and verify --image unseal through the device alone" {
	run --separate-stderr "$BIN/symbolon" store --image img --pin-file "$PIN" get a
	assert_status 0
	[ "$output" = 'value one' ]
	printf 'two\n' >b.val
	run --separate-stderr "$BIN/symbolon" store --image img --pin-file "$PIN" put b --in b.val
	assert_status 0
	run --separate-stderr "$BIN/symbolon" rotate --image img --pin-file "$PIN"
	assert_status 0
	run --separate-stderr "$BIN/symbolon" verify --image img --pin-file "$PIN"
	assert_status 0
	[[ "$output" == *"audit log: "*"valid"* ]]
	run --separate-stderr "$BIN/symbolon" store --image img --pin-file "$PIN" list
	assert_status 0
	[[ "$output" == *$'\na '* && "$output" == *$'\nb '* ]]
}

@test "a wrong PIN is named in one line, and the image is unchanged" {
	echo 9999 >bad.pin
	unchanged_after img "$BIN/symbolon" store --image img --pin-file bad.pin put x --in /dev/null
	assert_status 2
	assert_one_image_error "symbolon-store: seal 'hsm1' \\(pkcs11\\): wrong PIN for token 'ceremony'"
	# The right PIN still works: no retry burned the token's counter.
	run --separate-stderr "$BIN/symbolon" store --image img --pin-file "$PIN" list
	assert_status 0
}

@test "a missing token, a device answering with another key: one line each" {
	private_tokens
	softhsm_remove_token "$PWD/hsm" ceremony
	unchanged_after img "$BIN/symbolon" store --image img --pin-file "$PIN" list
	assert_status 2
	assert_one_image_error "symbolon-store: seal 'hsm1' \\(pkcs11\\): token 'ceremony' .*not found"
	# A new token of the same name, with a key of the same label: not the
	# device the image was sealed to.
	softhsm_add_token "$PWD/hsm" ceremony
	SOFTHSM2_CONF=$PWD/hsm/softhsm2.conf pkcs11-tool --module "$SOFTHSM_MODULE" \
	    --token-label ceremony --login --pin 1234 --keygen --key-type aes:32 \
	    --label seal-aes --id 01 --sensitive --private >/dev/null 2>&1
	unchanged_after img "$BIN/symbolon" store --image img --pin-file "$PIN" list
	[ "$status" -ne 0 ]
	assert_one_image_error "symbolon-store: seal 'hsm1' \\(pkcs11\\): .*"
}

@test "recovery shares open nothing: with the device gone they are refused, and their key is not the root key" {
	private_tokens
	softhsm_remove_token "$PWD/hsm" ceremony
	unchanged_after img "$BIN/symbolon" store --image img \
	    --share "$REC/recovery-share-1-of-5.cbor" \
	    --share "$REC/recovery-share-2-of-5.cbor" \
	    --share "$REC/recovery-share-3-of-5.cbor" list
	assert_status 2
	assert_one_image_error "symbolon-store: --share: not applicable to seal type pkcs11: .*"
	unchanged_after img "$BIN/symbolon" keygen export-root --image img --out root.key \
	    --share "$REC/recovery-share-1-of-5.cbor" \
	    --share "$REC/recovery-share-2-of-5.cbor" \
	    --share "$REC/recovery-share-3-of-5.cbor"
	[ "$status" -ne 0 ]
	[ ! -e root.key ]
	[[ "$stderr" == *"token 'ceremony'"*"not found"* ]]
	# Whatever the recovery shares combine to, it opens nothing: used as
	# a root key it fails the image's authentication.
	run_to rk.bin "$BIN/symbolon" combine --share "$REC/recovery-share-1-of-5.cbor" \
	    --share "$REC/recovery-share-2-of-5.cbor" --share "$REC/recovery-share-3-of-5.cbor"
	assert_status 0
	[ "$(stat -c %s rk.bin)" -eq 32 ]
	id=$(status_field img 'Image ID')
	printf 'symbolon-root-key-v1 %s %s\n' "$id" "$(base64 -w0 rk.bin)" >fake.key
	unchanged_after img "$BIN/symbolon" store --image img --root-key fake.key list
	assert_status 1
	assert_one_image_error "symbolon-store: fake.key: stored data fails authentication.*"
}

@test "export-root: a quorum of recovery shares and the device release the root key; the key opens the image alone" {
	run --separate-stderr "$BIN/symbolon" keygen export-root --image img --out root.key \
	    --pin-file "$PIN" --share "$REC/recovery-share-5-of-5.cbor" \
	    --share "$REC/recovery-share-1-of-5.cbor" --share "$REC/recovery-share-3-of-5.cbor"
	assert_status 0
	[ "$(stat -c %a root.key)" = 600 ]
	grep -Eq '^symbolon-root-key-v1 [0-9a-f]{32} [A-Za-z0-9+/]{43}=$' root.key
	[[ "$stderr" == *"Recovery Progress 3/3"* ]]
	# With no device at all.
	SOFTHSM2_CONF=/nonexistent run --separate-stderr "$BIN/symbolon" store --image img --root-key root.key get a
	assert_status 0
	[ "$output" = 'value one' ]
	# The audit log says who released it.
	run --separate-stderr "$BIN/symbolon" verify --image img --pin-file "$PIN" --transcript t.cbor
	assert_status 0
	run --separate-stderr "$BIN/symbolon" verify t.cbor
	[[ "$output" == *"export-root"*"by a quorum of 3 recovery shares"* ]]
	# Never over a file, and not for another image.
	run --separate-stderr "$BIN/symbolon" store --image "$BASE/other.img" --root-key root.key list
	assert_status 1
	assert_one_image_error "symbolon-store: root.key: share belongs to another image"
}

@test "export-root refuses too few, foreign and unseal shares, naming them" {
	unchanged_after img "$BIN/symbolon" keygen export-root --image img --out root.key \
	    --pin-file "$PIN" --share "$REC/recovery-share-1-of-5.cbor" \
	    --share "$REC/recovery-share-2-of-5.cbor" </dev/null
	assert_status 1
	[ ! -e root.key ]
	[[ "$stderr" == *"only 2 of 3 shares given"* ]]
	unchanged_after img "$BIN/symbolon" keygen export-root --image img --out root.key \
	    --pin-file "$PIN" --share "$BASE/other-rec/recovery-share-1-of-5.cbor" </dev/null
	assert_status 1
	[[ "$stderr" == *"recovery-share-1-of-5.cbor: share belongs to image"* ]]
	unchanged_after img "$BIN/symbolon" keygen export-root --image img --out root.key \
	    --pin-file "$PIN" --share "$BASE/sh/share-1-of-3.cbor" </dev/null
	assert_status 1
	[[ "$stderr" == *"share-1-of-3.cbor: share belongs to image"* ]]
	[ ! -e root.key ]
	# A Shamir image's export needs its unseal shares; recovery shares of
	# an auto seal are another image's.
	cp "$BASE/sham.img" sham.img
	unchanged_after sham.img "$BIN/symbolon" keygen export-root --image sham.img --out root.key \
	    --share "$REC/recovery-share-1-of-5.cbor" </dev/null
	assert_status 1
	[ ! -e root.key ]
}

@test "init refuses Vault's wrong family of options and bad seal strings; nothing is written" {
	run --separate-stderr "$BIN/symbolon" keygen init --image n.img --seal "$SEAL" \
	    --key-shares 3 --key-threshold 2 --out-dir d --pin-file "$PIN"
	assert_status 2
	[[ "$stderr" == *"--key-shares, --key-threshold, --pgp-keys: not applicable to seal type pkcs11"* ]]
	run --separate-stderr "$BIN/symbolon" keygen init --image n.img \
	    --recovery-shares 3 --recovery-threshold 2 --out-dir d
	assert_status 2
	[[ "$stderr" == *"not applicable to seal type shamir"* ]]
	local bad
	for bad in "hsm:module=$SOFTHSM_MODULE" \
	    "pkcs11:module=$SOFTHSM_MODULE,token=ceremony,key=seal-aes,colour=red" \
	    "pkcs11:module=/etc/passwd,token=ceremony,key=seal-aes" \
	    "pkcs11:module=$SOFTHSM_MODULE,token=ceremony,key=no-such-key" \
	    "pkcs11:module=$SOFTHSM_MODULE,token=ceremony,key=loose-aes" \
	    "pkcs11:module=$SOFTHSM_MODULE,token=nowhere,key=seal-aes" \
	    "pkcs11:module=$SOFTHSM_MODULE,token=ceremony,key=seal-aes,name=no spaces"; do
		run --separate-stderr "$BIN/symbolon" keygen init --image n.img \
		    --seal "$bad" --out-dir d --pin-file "$PIN"
		[ "$status" -ne 0 ] || fail "accepted: $bad"
		[ ! -e n.img ] || fail "an image was written for: $bad"
		[ ! -e d ] || [ -z "$(ls d)" ] || fail "shares were written for: $bad"
		assert_one_error "symbolon-keygen: .*"
	done
	run --separate-stderr "$BIN/symbolon" keygen init --image n.img \
	    --seal "pkcs11:module=$SOFTHSM_MODULE,token=ceremony,key=loose-aes" \
	    --out-dir d --pin-file "$PIN"
	[[ "$stderr" == *"extractable"* || "$stderr" == *"copied off"* ]]
	run --separate-stderr "$BIN/symbolon" keygen init --image n.img \
	    --seal "hsm:x=1" --out-dir d
	[[ "$stderr" == *"unknown seal type 'hsm'"* ]]
	# A module or TCTI library anyone but root could have written is
	# never loaded: the path comes from a seal string or an image header.
	mkdir -m 0777 open
	cp "$SOFTHSM_MODULE" open/mod.so
	run --separate-stderr "$BIN/symbolon" keygen init --image n.img --out-dir d \
	    --seal "pkcs11:module=$PWD/open/mod.so,token=ceremony,key=seal-aes" --pin-file "$PIN"
	assert_status 2
	assert_one_error "symbolon-keygen: seal 'pkcs11' \\(pkcs11\\): PKCS#11 module refused: '.*/open' is not root's alone .*"
	[ ! -e n.img ]
	run --separate-stderr "$BIN/symbolon" keygen init --image n.img --out-dir d \
	    --seal "tpm2:tcti=$PWD/open/mod.so"
	assert_status 2
	assert_one_error "symbolon-keygen: seal 'tpm2' \\(tpm2\\): tcti .*not a path"
	[ ! -e n.img ]
}

@test "tpm2: init on swtpm, use with no shares, a stopped TPM is named" {
	# shellcheck source=../devices/swtpm.bash
	source "$BATS_TEST_DIRNAME/../devices/swtpm.bash"
	swtpm_start "$PWD/tpm"
	run --separate-stderr "$BIN/symbolon" keygen init --image t.img \
	    --seal "tpm2:tcti=$SYMBOLON_TEST_TCTI,name=laptop" --out-dir trec
	local init_status=$status
	printf 'tpm value\n' >v
	run --separate-stderr "$BIN/symbolon" store --image t.img put v --in v
	local put_status=$status
	run --separate-stderr "$BIN/symbolon" store --image t.img get v
	local get_status=$status got=$output
	run --separate-stderr "$BIN/symbolon" status --image t.img
	local answers
	answers=$(status_field t.img 'Seal laptop')
	swtpm_stop "$PWD/tpm"
	[ "$init_status" -eq 0 ] && [ "$put_status" -eq 0 ] && [ "$get_status" -eq 0 ]
	[ "$got" = 'tpm value' ]
	[ "$answers" = 'tpm2, priority 1: answers' ]
	[ "$(status_field t.img 'Seal Type')" = tpm2 ]
	unchanged_after t.img "$BIN/symbolon" store --image t.img list
	assert_status 2
	assert_one_image_error "symbolon-store: seal 'laptop' \\(tpm2\\): TPM at .* does not answer"
	status_field t.img 'Seal laptop' | grep -q '^tpm2, priority 1: does not answer: '
}

@test "openpgp: init to a key gpg-agent holds (a card's stand-in), use with its PIN, a missing secret key is named" {
	# shellcheck source=../devices/gpg.bash
	source "$BATS_TEST_DIRNAME/../devices/gpg.bash"
	local home fpr
	home=$(mktemp -u /tmp/sym-gpg-XXXXXX)
	fpr=$(gpg_card_setup "$home")
	export GNUPGHOME=$home
	printf '123456\n' >card.pin
	run --separate-stderr "$BIN/symbolon" keygen init --image g.img \
	    --seal "openpgp:key=$home/card.pub,name=card" --out-dir grec
	local init_status=$status
	printf 'card value\n' >v
	run --separate-stderr "$BIN/symbolon" store --image g.img --pin-file card.pin put v --in v
	local put_status=$status
	gpg_card_forget "$home"
	echo 000000 >bad.pin
	unchanged_after g.img "$BIN/symbolon" store --image g.img --pin-file bad.pin get v
	local bad_status=$status bad_err
	bad_err=$(image_error_lines)
	gpg_card_forget "$home"
	run --separate-stderr "$BIN/symbolon" store --image g.img --pin-file card.pin get v
	local get_status=$status got=$output
	local answers
	answers=$("$BIN/symbolon-status" --image g.img | sed -n 's/^Seal card  *//p')
	gpg --homedir "$home" --batch --yes --delete-secret-keys "$fpr" >/dev/null 2>&1
	gpg_card_forget "$home"
	unchanged_after g.img "$BIN/symbolon" store --image g.img --pin-file card.pin list
	local gone_status=$status gone_err
	gone_err=$(image_error_lines)
	gpg_card_teardown "$home"
	[ "$init_status" -eq 0 ] && [ "$put_status" -eq 0 ] && [ "$get_status" -eq 0 ]
	[ "$got" = 'card value' ]
	[ "$answers" = 'openpgp, priority 1: answers' ]
	[ "$bad_status" -ne 0 ]
	[[ "$bad_err" == "symbolon-store: seal 'card' (openpgp): wrong PIN for OpenPGP key"* ]]
	[ "$gone_status" -ne 0 ]
	[[ "$gone_err" == "symbolon-store: seal 'card' (openpgp): no secret key for "*"insert the card"* ]]
	[ "$(status_field g.img 'Seal Type')" = openpgp ]
}

@test "the PIN at a terminal: asked once, hidden, and never on the command line" {
	printf '1234\n' >answers
	in_pty answers transcript out.txt "PIN for token 'ceremony' (will be hidden):" \
	    "$BIN/symbolon" store --image img get a
	assert_status 0
	[ "$(cat out.txt)" = 'value one' ]
	[ "$(count_in transcript "PIN for token 'ceremony' (will be hidden)")" -eq 1 ]
	assert_not_echoed transcript answers
	# A wrong one is not asked again: one failed attempt, one line.
	printf '9999\n1234\n' >answers
	unchanged_after img "$PYTHON" "$PTY_DRIVER" --prompt "PIN for token 'ceremony' (will be hidden):" \
	    --answers answers --transcript transcript2 --stdout out2.txt -- \
	    "$BIN/symbolon" store --image img list
	[ "$status" -eq 2 ]
	[ "$(count_in transcript2 "PIN for token 'ceremony' (will be hidden)")" -eq 1 ]
	grep -q "wrong PIN for token 'ceremony'" transcript2
}

@test "export-root never replaces a file; a bad root-key file is named; --root-key excludes --share" {
	echo keep >root.key
	unchanged_after img "$BIN/symbolon" keygen export-root --image img --out root.key \
	    --pin-file "$PIN" --share "$REC/recovery-share-1-of-5.cbor" \
	    --share "$REC/recovery-share-2-of-5.cbor" --share "$REC/recovery-share-3-of-5.cbor" </dev/null
	[ "$status" -ne 0 ]
	[ "$(cat root.key)" = keep ]
	assert_one_image_error "symbolon-keygen: root.key: file exists.*"
	printf 'symbolon-root-key-v1 nothex\n' >bad.key
	unchanged_after img "$BIN/symbolon" store --image img --root-key bad.key list
	assert_status 1
	assert_one_image_error "symbolon-store: bad.key: .*"
	unchanged_after img "$BIN/symbolon" store --image img --root-key bad.key \
	    --share "$REC/recovery-share-1-of-5.cbor" list
	assert_status 2
	assert_one_image_error "symbolon-store: --root-key and --share exclude each other"
}
