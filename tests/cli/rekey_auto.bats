#!/usr/bin/env bats
# symbolon rekey on an auto-sealed image (Vault's rules, auto-seals.md
# 1.4, 1.5), against a real PKCS#11 peer (SoftHSM2, tests/devices):
#
#   --target barrier   the quorum is the recovery shares; at the threshold
#                      the image is unsealed through its device, the
#                      recovery key checked, and a new unseal key (and
#                      root key) is wrapped by the device: no shares.
#   --target recovery  the same state machine as a Shamir rekey, dealing
#                      new recovery shares; the unseal and root keys stay.
#
# (bats 1.8's `run` sets a global i: loops around `run` use other names.)

load helpers
load rekey_helpers
load ../devices/softhsm

SETID='[0-9A-F]{4}-[0-9A-F]{4}'

setup() {
	if ! command -v softhsm2-util >/dev/null || [ ! -r "$SOFTHSM_MODULE" ]; then
		skip "SoftHSM2 is not installed"
	fi
	rekey_setup
	HSM=$BATS_TEST_TMPDIR/hsm
	softhsm_setup "$HSM" || fail "softhsm_setup failed"
	PIN=$HSM/pin
	SEAL="pkcs11:module=$SOFTHSM_MODULE,token=ceremony,key=seal-aes,name=hsm1"
}

teardown() {
	rekey_teardown
	softhsm_teardown "${HSM:-}"
	if [ -n "${TEST_GNUPGHOME:-}" ]; then
		GNUPGHOME=$TEST_GNUPGHOME gpgconf --kill all 2>/dev/null || true
		rm -rf "$TEST_GNUPGHOME"
	fi
}

# auto_image IMG DIR [ARGS...] : an image sealed by the token, recovery
# shares 3 of 5 in DIR.
auto_image() {
	local img=$1 dir=$2
	shift 2
	"$SYMBOLON" keygen init --image "$img" --seal "$SEAL" --out-dir "$dir" \
	    --pin-file "$PIN" "$@" </dev/null >/dev/null
}

# rshares DIR N I... : the --share options for recovery shares I... of N.
rshares() {
	local dir=$1 n=$2 k
	shift 2
	for k in "$@"; do
		printf -- '--share\n%s\n' "$dir/recovery-share-$k-of-$n.cbor"
	done
}

# exports IMG DIR N I... : true if recovery shares I... of N in DIR
# authorise keygen export-root on IMG (the root key goes to ./root.key,
# replaced).
exports() {
	local img=$1 dir=$2 n=$3
	shift 3
	rm -f root.key
	# shellcheck disable=SC2046 # one option or path a line
	"$SYMBOLON" keygen export-root --image "$img" --out root.key \
	    --pin-file "$PIN" $(rshares "$dir" "$n" "$@") </dev/null \
	    >/dev/null 2>&1
}

transcript_of() {
	"$SYMBOLON" verify --image "$1" --pin-file "$PIN" --transcript tr \
	    </dev/null >/dev/null 2>&1 || fail "no transcript of $1"
	"$SYMBOLON" verify tr </dev/null
}

@test "barrier under pkcs11, one recovery share per invocation: a new unseal and root key, no shares; store and the old recovery shares still work" {
	local nonce before after k
	auto_image img rec
	echo "kept across the rekey" >payload
	"$SYMBOLON" store --image img --pin-file "$PIN" put doc --in payload \
	    </dev/null 2>/dev/null
	exports img rec 5 1 2 3 || fail "export-root before"
	mv root.key root-before.key
	before=$(find . -path ./rec -prune -o -type f -print | sort)
	run --separate-stderr rk --image img --init
	assert_status 0
	[ "$(row Target)" = barrier ] && [ "$(row 'Rekey Progress')" = 0/3 ] &&
	    [ "$(row 'New Shares')" = "none (the seal wraps the new key)" ] &&
	    [ -z "$(row 'New Threshold')" ] || fail "$output"
	nonce=$(nonce_of img)
	for k in 1 2; do
		run --separate-stderr rk --image img --nonce "$nonce" \
		    --share rec/recovery-share-$k-of-5.cbor
		assert_status 0
		[ "$output" = "Rekey Progress $k/3" ] || fail "$output"
	done
	run rk --image img --status
	[ "$(row 'Rekey Progress')" = 2/3 ] || fail "$output"
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share rec/recovery-share-3-of-5.cbor --pin-file "$PIN"
	assert_status 0
	[ -z "$(rekey_error_lines)" ] || fail "stderr: $stderr"
	printf '%s\n' "$output" | grep -q '^No shares were produced: the image unseals through its seal' ||
	    fail "$output"
	assert_no_progress
	# No share file anywhere; the recovery shares as they were.
	after=$(find . -path ./rec -prune -o -type f -print | grep -v '^./tr$' | sort)
	[ "$before" = "$after" ] || fail "files appeared: $after"
	run rk --image img --status
	[ "$(row Started)" = false ] || fail "$output"
	[ "$("$SYMBOLON" status --image img </dev/null | sed -n 's/^Generation  *//p')" = 2 ] ||
	    fail "generation"
	# Unseals through the device, with the entry intact.
	"$SYMBOLON" store --image img --pin-file "$PIN" get doc --out got \
	    </dev/null 2>/dev/null
	cmp payload got
	# The old recovery shares still authorise; the root key is new.
	exports img rec 5 3 4 5 || fail "the recovery shares stopped working"
	! cmp -s root-before.key root.key || fail "the root key was not replaced"
	run transcript_of img
	assert_status 0
	printf '%s\n' "$output" | grep -q " rekey  *generation 2: barrier key rotated by seal 'hsm1'; no shares (auto seal)$" ||
	    fail "no rekey record: $output"
	printf '%s\n' "$output" | grep -q ' rekey-share  *current recovery share 3 of 5 ' ||
	    fail "no share record: $output"
}

@test "barrier under an auto seal: --pgp-keys, --backup, --verify and shares refused with Vault's words; --target recovery refused on a Shamir image" {
	auto_image img rec
	refused 2 '--verify: requiring verification not supported when rekeying the barrier key with recovery keys' \
	    --image img --init --verify
	refused 2 '--pgp-keys: PGP key encryption not supported when using stored keys.*' \
	    --image img --init --pgp-keys a.asc,b.asc
	refused 2 '--backup: key backup not supported when using stored keys' \
	    --image img --init --backup
	refused 2 '--key-shares, --key-threshold, --out-dir, --to and --holders: not applicable to the barrier of an auto-sealed image.*' \
	    --image img --init --key-shares 3 --key-threshold 2 --out-dir new
	refused 2 '--target: expected barrier or recovery, not root' \
	    --image img --init --target root
	[ ! -e new ] || fail "out dir created"
	run rk --image img --status
	[ "$(row Started)" = false ] || fail "$output"
	# A Shamir image has no recovery key.
	make_image simg sold 3 2
	cp simg img
	refused 2 "recovery rekeying is for auto-sealed images; this image's seal is shamir" \
	    --image img --init --target recovery --key-shares 3 \
	    --key-threshold 2 --out-dir new
	refused 2 "recovery rekeying is for auto-sealed images; this image's seal is shamir" \
	    --image img --status --target recovery
	refused 2 "recovery rekeying is for auto-sealed images; this image's seal is shamir" \
	    -target=recovery --image img --cancel
	[ ! -e new ] || fail "out dir created"
}

@test "recovery with --verify across invocations: new recovery shares issued; the old ones authorise until verification, then the new ones; unseal and root keys unchanged" {
	local nonce vnonce k
	auto_image img rec
	exports img rec 5 1 2 3 && mv root.key root-before.key
	run --separate-stderr rk --image img --init --target recovery --verify \
	    --key-shares 4 --key-threshold 2 --out-dir rec2 --holders p,q,r,s
	assert_status 0
	[ "$(row Target)" = recovery ] && [ "$(row 'Rekey Progress')" = 0/3 ] &&
	    [ "$(row 'New Shares')" = 4 ] && [ "$(row 'New Threshold')" = 2 ] ||
	    fail "$output"
	nonce=$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "nonce": "\(.*\)",$/\1/p')
	[ "$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "target": "\(.*\)",$/\1/p')" = recovery ] || fail "json target"
	for k in 1 2; do
		run --separate-stderr rk --image img --target recovery \
		    --nonce "$nonce" --share rec/recovery-share-$k-of-5.cbor
		assert_status 0
		[ "$output" = "Rekey Progress $k/3" ] || fail "$output"
	done
	run --separate-stderr rk --image img --target recovery --nonce "$nonce" \
	    --share rec/recovery-share-5-of-5.cbor --pin-file "$PIN"
	assert_status 0
	[ -f rec2/recovery-manifest.cbor ] || fail "$(ls rec2)"
	for k in 1 2 3 4; do
		[ -f rec2/recovery-share-$k-of-4.cbor ] || fail "$(ls rec2)"
	done
	printf '%s\n' "$output" | grep -q '^These key shares are not valid until verification is performed' ||
	    fail "$output"
	vnonce=$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "verification_nonce": "\(.*\)",$/\1/p')
	[ -n "$vnonce" ] || fail "no verification nonce"
	run rk --image img --target recovery --status
	[ "$(row 'Verification Progress')" = 0/2 ] || fail "$output"
	# Until verified: the old ones authorise, the new ones do not.
	exports img rec 5 3 4 5 || fail "old recovery shares refused before verification"
	! exports img rec2 4 1 2 || fail "new recovery shares authorised before verification"
	refused 1 "rec/recovery-share-1-of-5.cbor: share is of generation 1, not 2.*" \
	    --image img --target recovery --verify --nonce "$vnonce" \
	    --share rec/recovery-share-1-of-5.cbor
	run --separate-stderr rk --image img --target recovery --verify \
	    --nonce "$vnonce" --share rec2/recovery-share-4-of-4.cbor
	assert_status 0
	[ "$output" = "Verification Progress 1/2" ] || fail "$output"
	run --separate-stderr rk --image img --target recovery --verify \
	    --nonce "$vnonce" --share rec2/recovery-share-2-of-4.cbor \
	    --pin-file "$PIN"
	assert_status 0
	printf '%s\n' "$output" | grep -q '^Rekey verification successful. The new recovery shares (generation 2) are now active' ||
	    fail "$output"
	assert_no_progress
	# Now the new ones authorise and the old ones are refused by
	# generation.
	run --separate-stderr "$SYMBOLON" keygen export-root --image img \
	    --out root.key --pin-file "$PIN" --share rec/recovery-share-1-of-5.cbor </dev/null
	assert_status 1
	[[ $stderr == *"rec/recovery-share-1-of-5.cbor: share is of generation 1, not 2 (replaced by a rekey)"* ]] ||
	    fail "$stderr"
	exports img rec2 4 1 3 || fail "the new recovery shares do not authorise"
	# The unseal key and root key are as they were.
	cmp root-before.key root.key
	[ "$("$SYMBOLON" status --image img </dev/null | sed -n 's/^Generation  *//p')" = 1 ] ||
	    fail "the barrier generation changed"
	"$SYMBOLON" store --image img --pin-file "$PIN" list </dev/null >/dev/null 2>&1 ||
	    fail "store no longer unseals"
	run transcript_of img
	printf '%s\n' "$output" | grep -q ' rekey-verified  *recovery generation 2 active' ||
	    fail "$output"
}

@test "one rekey at a time: the other --target is refused by name; recovery without --verify in one go; older recovery shares refused by generation" {
	local nonce
	auto_image img rec
	rk --image img --init -target=recovery --key-shares 3 \
	    --key-threshold 2 --out-dir rec2 >/dev/null
	nonce=$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "nonce": "\(.*\)",$/\1/p')
	refused 1 'a recovery rekey is in progress, not a barrier rekey: give --target recovery' \
	    --image img --status
	refused 1 'a recovery rekey is in progress, not a barrier rekey: give --target recovery' \
	    --image img --cancel
	refused 1 'a recovery rekey is in progress, not a barrier rekey: give --target recovery' \
	    --image img --nonce "$nonce" --share rec/recovery-share-1-of-5.cbor
	refused 1 'rekey already in progress \(a recovery rekey\)' --image img --init
	# shellcheck disable=SC2046
	run --separate-stderr rk --image img --target recovery --nonce "$nonce" \
	    $(rshares rec 5 2 4 5) --pin-file "$PIN"
	assert_status 0
	printf '%s\n' "$output" | grep -q '^Rekey complete: generation 2, 2 of 3 recovery shares. The old recovery shares no longer$' ||
	    fail "$output"
	exports img rec2 3 1 3 || fail "the new recovery shares do not authorise"
	# A barrier rekey now: a set of the older generation is refused.
	rk --image img --init >/dev/null
	nonce=$(nonce_of img)
	refused 1 'rec/recovery-share-1-of-5.cbor: share is of generation 1, not 2 \(replaced by a rekey\)' \
	    --image img --nonce "$nonce" --share rec/recovery-share-1-of-5.cbor
	refused 1 'a barrier rekey is in progress, not a recovery rekey: give --target barrier' \
	    --image img --target recovery --status
	# shellcheck disable=SC2046
	run --separate-stderr rk --image img --nonce "$nonce" $(rshares rec2 3 1 2) \
	    --pin-file "$PIN"
	assert_status 0
	exports img rec2 3 2 3 || fail "the recovery shares stopped working"
}

@test "unseal shares of a Shamir image and recovery shares of another auto image are refused, named; image and progress unchanged" {
	local nonce
	auto_image img rec
	auto_image img2 rec2
	make_image simg sold 3 2
	rk --image img --init --target recovery --key-shares 2 --key-threshold 2 \
	    --out-dir new >/dev/null
	nonce=$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "nonce": "\(.*\)",$/\1/p')
	rk --image img --target recovery --nonce "$nonce" \
	    --share rec/recovery-share-1-of-5.cbor >/dev/null 2>&1
	refused 1 "sold/share-1-of-3.cbor: share belongs to image $SETID, not $SETID" \
	    --image img --target recovery --nonce "$nonce" \
	    --share sold/share-1-of-3.cbor
	refused 1 "rec2/recovery-share-2-of-5.cbor: share belongs to image $SETID, not $SETID" \
	    --image img --target recovery --nonce "$nonce" \
	    --share rec2/recovery-share-2-of-5.cbor
	refused 1 "rec/recovery-share-1-of-5.cbor: share 1 of 5 was already entered" \
	    --image img --target recovery --nonce "$nonce" \
	    --share rec/recovery-share-1-of-5.cbor
	run rk --image img --target recovery --status
	[ "$(row 'Rekey Progress')" = 1/3 ] || fail "$output"
	[ ! -e new ] || fail "new shares written"
	# The reverse: recovery shares for a Shamir image's rekey.
	rk --image simg --init --key-shares 2 --key-threshold 2 --out-dir snew >/dev/null
	run --separate-stderr rk --image simg --nonce "$(nonce_of simg)" \
	    --share rec/recovery-share-1-of-5.cbor
	assert_status 1
	assert_one_rekey_error "symbolon-rekey: rec/recovery-share-1-of-5.cbor: share belongs to image $SETID, not $SETID"
}

@test "a wrong PIN at the threshold: one line, the image byte for byte as it was, progress kept; the right PIN completes" {
	local nonce
	auto_image img rec
	rk --image img --init >/dev/null
	nonce=$(nonce_of img)
	rk --image img --nonce "$nonce" --share rec/recovery-share-1-of-5.cbor >/dev/null 2>&1
	rk --image img --nonce "$nonce" --share rec/recovery-share-2-of-5.cbor >/dev/null 2>&1
	(umask 077 && printf '9999\n' >wrong.pin)
	cp img before.img
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share rec/recovery-share-3-of-5.cbor --pin-file wrong.pin
	[ "$status" -ne 0 ] || fail "a wrong PIN completed the rekey"
	assert_no_stdout
	assert_one_rekey_error "symbolon-rekey: seal 'hsm1' \(pkcs11\): .*; nothing changed, rekey progress kept at 2/3"
	cmp before.img img
	run rk --image img --status
	[ "$(row 'Rekey Progress')" = 2/3 ] && [ "$(row Nonce)" = "$nonce" ] ||
	    fail "$output"
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share rec/recovery-share-3-of-5.cbor --pin-file "$PIN"
	assert_status 0
	"$SYMBOLON" store --image img --pin-file "$PIN" list </dev/null >/dev/null 2>&1 ||
	    fail "store no longer unseals"
}

@test "threshold met but the recovery shares do not match: progress cleared, nonce kept, recorded; a wrong new set rotates the verification nonce" {
	local nonce vnonce
	identities a b c d e
	auto_image img rec --to ids/a.pub,ids/b.pub,ids/c.pub,ids/d.pub,ids/e.pub
	rk --image img --init >/dev/null
	nonce=$(nonce_of img)
	rk --image img --nonce "$nonce" --share rec/recovery-share-1-of-5.cbor \
	    --identity ids/a.key >/dev/null 2>&1
	rk --image img --nonce "$nonce" --share rec/recovery-share-2-of-5.cbor \
	    --identity ids/b.key >/dev/null 2>&1
	# The shares kept between invocations go bad: they still verify,
	# the combination no longer recovers the recovery key.
	spoil_progress
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share rec/recovery-share-3-of-5.cbor --identity ids/c.key \
	    --pin-file "$PIN"
	assert_status 1
	assert_no_stdout
	assert_one_rekey_error "symbolon-rekey: threshold met but the recovery shares do not match this image's recovery key: rekey progress cleared, nonce $nonce kept"
	assert_no_progress
	run rk --image img --status
	[ "$(row Nonce)" = "$nonce" ] && [ "$(row 'Rekey Progress')" = 0/3 ] ||
	    fail "$output"
	[ "$("$SYMBOLON" status --image img </dev/null | sed -n 's/^Generation  *//p')" = 1 ] ||
	    fail "rekeyed anyway"
	run transcript_of img
	printf '%s\n' "$output" | grep -q ' rekey-failed  *threshold met but the recovery shares do not match; progress cleared$' ||
	    fail "$output"
	rk --image img --cancel >/dev/null

	# A recovery rekey with --verify, its new set going bad.
	rk --image img --init --target recovery --verify --key-shares 2 \
	    --key-threshold 2 --out-dir rec2 --to ids/d.pub,ids/e.pub >/dev/null
	nonce=$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "nonce": "\(.*\)",$/\1/p')
	# shellcheck disable=SC2046
	rk --image img --target recovery --nonce "$nonce" $(rshares rec 5 3 4 5) \
	    --identity ids/c.key --identity ids/d.key --identity ids/e.key \
	    --pin-file "$PIN" >/dev/null 2>&1
	vnonce=$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "verification_nonce": "\(.*\)",$/\1/p')
	[ -n "$vnonce" ] || fail "not verifying"
	rk --image img --target recovery --verify --nonce "$vnonce" \
	    --share rec2/recovery-share-1-of-2.cbor --identity ids/d.key >/dev/null 2>&1
	spoil_progress
	run --separate-stderr rk --image img --target recovery --verify \
	    --nonce "$vnonce" --share rec2/recovery-share-2-of-2.cbor \
	    --identity ids/e.key --pin-file "$PIN"
	assert_status 1
	assert_one_rekey_error 'symbolon-rekey: rekey verification failed; incorrect key shares supplied'
	[ "$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "verification_nonce": "\(.*\)",$/\1/p')" != "$vnonce" ] ||
	    fail "the verification nonce was not rotated"
	# shellcheck disable=SC2046
	"$SYMBOLON" keygen export-root --image img --out root.key \
	    --pin-file "$PIN" $(rshares rec 5 1 2 3) --identity ids/a.key \
	    --identity ids/b.key --identity ids/c.key </dev/null >/dev/null 2>&1 ||
	    fail "the old recovery shares stopped working"
}

@test "--cancel while recovery shares await verification: they are discarded, the old ones stay" {
	local nonce
	auto_image img rec
	rk --image img --init --target recovery --verify --key-shares 2 \
	    --key-threshold 2 --out-dir rec2 >/dev/null
	nonce=$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "nonce": "\(.*\)",$/\1/p')
	# shellcheck disable=SC2046
	rk --image img --target recovery --nonce "$nonce" $(rshares rec 5 1 2 3) \
	    --pin-file "$PIN" >/dev/null 2>&1
	[ -f rec2/recovery-share-1-of-2.cbor ] || fail "not issued"
	run --separate-stderr rk --image img --target recovery --cancel
	assert_status 0
	[ "$output" = "Success! Canceled rekeying (if it was started)" ] || fail "$output"
	run rk --image img --target recovery --status
	[ "$(row Started)" = false ] || fail "$output"
	exports img rec 5 3 4 5 || fail "the old recovery shares stopped working"
	! exports img rec2 2 1 2 || fail "cancelled recovery shares authorise"
	# A fresh recovery rekey issues its own generation 2: the cancelled
	# set, of the same generation, is no use for its verification.
	rk --image img --init --target recovery --verify --key-shares 2 \
	    --key-threshold 2 --out-dir rec3 >/dev/null
	nonce=$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "nonce": "\(.*\)",$/\1/p')
	# shellcheck disable=SC2046
	rk --image img --target recovery --nonce "$nonce" $(rshares rec 5 2 4 5) \
	    --pin-file "$PIN" >/dev/null 2>&1
	nonce=$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "verification_nonce": "\(.*\)",$/\1/p')
	# shellcheck disable=SC2046
	run --separate-stderr rk --image img --target recovery --verify \
	    --nonce "$nonce" $(rshares rec2 2 1 2) --pin-file "$PIN"
	assert_status 1
	assert_one_rekey_error 'symbolon-rekey: rec2/recovery-share-1-of-2.cbor: .*'
	# shellcheck disable=SC2046
	run --separate-stderr rk --image img --target recovery --verify \
	    --nonce "$nonce" $(rshares rec3 2 1 2) --pin-file "$PIN"
	assert_status 0
	exports img rec3 2 1 2 || fail "the verified recovery shares do not authorise"
}

@test "recovery with --pgp-keys --backup: recovery shares sealed to OpenPGP keys, kept in the image, retrieved and deleted by --target recovery only" {
	local nonce name fpr fpr_bob fpr_carol
	TEST_GNUPGHOME=$(mktemp -d /tmp/symgpg.XXXXXX) || fail "no GnuPG home"
	export GNUPGHOME=$TEST_GNUPGHOME
	chmod 0700 "$GNUPGHOME"
	printf 'allow-loopback-pinentry\n' >"$GNUPGHOME/gpg-agent.conf"
	for name in bob carol; do
		gpg --batch --no-tty --quiet --pinentry-mode loopback \
		    --passphrase '' --quick-gen-key "$name <$name@example.org>" \
		    ed25519 sign 1y 2>/dev/null </dev/null || fail "gpg $name"
		fpr=$(gpg --batch --with-colons --list-keys "<$name@example.org>" |
		    awk -F: '$1 == "fpr" { print $10; exit }')
		gpg --batch --no-tty --quiet --pinentry-mode loopback \
		    --passphrase '' --quick-add-key "$fpr" cv25519 encr 1y \
		    2>/dev/null </dev/null || fail "gpg $name subkey"
		eval "fpr_$name=$fpr"
	done
	auto_image img rec
	run --separate-stderr rk --image img --init --target recovery \
	    --key-shares 2 --key-threshold 2 --out-dir rec2 \
	    --pgp-keys "$fpr_bob,$fpr_carol" --backup
	assert_status 0
	[ "$(row Backup)" = true ] || fail "$output"
	nonce=$(rk --image img --target recovery --status --format json |
	    sed -n 's/^  "nonce": "\(.*\)",$/\1/p')
	# shellcheck disable=SC2046
	run --separate-stderr rk --image img --target recovery --nonce "$nonce" \
	    $(rshares rec 5 1 2 3) --pin-file "$PIN"
	assert_status 0
	[ -f rec2/recovery-share-1-of-2.asc ] && [ -f rec2/recovery-share-2-of-2.asc ] ||
	    fail "$(ls rec2)"
	# The barrier of an auto seal keeps no backup: none for it.
	refused 1 'no backed-up keys found' --image img --backup-retrieve
	run --separate-stderr rk --image img --backup-delete
	assert_status 0
	run --separate-stderr rk --image img --target recovery --backup-retrieve
	assert_status 0
	[ "$(printf '%s\n' "$output" | grep -c '^-----BEGIN PGP MESSAGE-----$')" -eq 2 ] ||
	    fail "$output"
	printf '%s\n' "$output" | grep -q "^Recipient  *$fpr_bob$" || fail "$output"
	# The sealed recovery shares authorise, through gpg.
	rm -f root.key
	"$SYMBOLON" keygen export-root --image img --out root.key --pin-file "$PIN" \
	    --share rec2/recovery-share-1-of-2.asc --share rec2/recovery-share-2-of-2.asc \
	    </dev/null >/dev/null 2>&1 || fail "the sealed recovery shares do not authorise"
	run --separate-stderr rk --image img --target recovery --backup-delete
	assert_status 0
	refused 1 'no backed-up keys found' --image img --target recovery --backup-retrieve
}

# generation IMG : the barrier generation status reports.
generation() {
	"$SYMBOLON" status --image "$1" </dev/null | sed -n 's/^Generation  *//p'
}

@test "barrier completion under an auto seal, interrupted at every step (exit, torn): the device opens the image, with the old key or the new one" {
	local nonce pf steps k mode gen
	use_test_build
	auto_image img rec
	rk --image img --init >/dev/null
	nonce=$(nonce_of img)
	# shellcheck disable=SC2046
	rk --image img --nonce "$nonce" $(rshares rec 5 1 2) >/dev/null 2>&1
	pf=$(progress_files)
	cp img img.t
	cp "$RUNDIR/$pf" prog.t
	run_it() {
		rk --image img --nonce "$nonce" --share rec/recovery-share-3-of-5.cbor \
		    --pin-file "$PIN"
	}
	SYMBOLON_FAULT_LOG=$PWD/steps run_it >/dev/null 2>&1 ||
	    fail "the uninterrupted run failed"
	[ "$(generation img)" = 2 ] || fail "not rekeyed"
	steps=$(grep -c . steps)
	[ "$steps" -ge 4 ] || fail "$(cat steps)"
	for mode in exit torn; do
		for ((k = 1; k <= steps; k++)); do
			cp img.t img
			cp prog.t "$RUNDIR/$pf"
			SYMBOLON_FAULT=$k:$mode run_it >/dev/null 2>&1 || true
			gen=$(generation img)
			[ "$gen" = 1 ] || [ "$gen" = 2 ] ||
			    fail "step $k:$mode of $steps: generation '$gen'"
			"$SYMBOLON" store --image img --pin-file "$PIN" list \
			    </dev/null >/dev/null 2>&1 ||
			    fail "step $k:$mode of $steps (generation $gen): the device does not open the image"
			if [ "$gen" = 1 ]; then
				[ "$(nonce_of img)" = "$nonce" ] ||
				    fail "step $k:$mode: the rekey is gone, not done"
			else
				[ -z "$(nonce_of img)" ] ||
				    fail "step $k:$mode: done, and still pending"
			fi
		done
	done
	# The recovery shares authorise throughout (and this commits).
	exports img rec 5 3 4 5 || fail "the recovery shares stopped working"
}
