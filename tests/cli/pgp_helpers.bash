# Helpers for pgp.bats; load after helpers.bash.
#
# pgp_make_homes (from setup_file) makes, with the gpg command line only,
# fresh GnuPG homes under /tmp (short paths: gpg-agent's socket path has
# a length limit, and as root with no /run/user/0 the socket lives in the
# home itself):
#
#   $GH         the holders' keyring (GNUPGHOME of every test): alice, bob,
#               carol (ed25519 sign + cv25519 encr) and a witness (ed25519
#               sign), unprotected secret keys, loopback pinentry allowed;
#               plus expired, revoked and sign-only keys, whose secret
#               keys are deleted once their public keys are exported
#   $GH_MALLORY another user: mallory, whose key the holders never see
#   $GH_NOAGENT the holders' public and secret keys (copied files) with
#               "no-autostart": gpg there can never reach a gpg-agent
#   $GH_PUBONLY the holders' public keys only (an auditor's keyring)
#   $GH_PIN     dave, whose secret key is under the passphrase
#               "correct horse"; its gpg-agent runs a test pinentry
#               ($GH_PIN/pinentry) that answers with the contents of
#               $GH_PIN/pin-answer, or cancels if that is CANCEL
#
# and, in $KEYS: KEY.asc (armoured) and KEY.gpg (binary) public key files
# for alice, bob, carol, mallory, expired, revoked, signonly, subexpired;
# alice-secret.asc (a secret key export), two.asc (two keys in one file),
# garbage.asc (not a key) and witness.asc.  Fingerprints (primary) are in
# FPR_<name>, encryption subkey key ids in SUBKEYID_<name>; all exported
# to the tests through $PGP_ENV (sourced by pgp_env).

PGP_PASS=(--batch --pinentry-mode loopback --passphrase '')

# g HOME ARGS... : gpg on HOME, never at a prompt.
g() {
	local home=$1
	shift
	GNUPGHOME=$home gpg --batch --no-tty --quiet "$@" </dev/null
}

new_home() {
	local home
	home=$(mktemp -d /tmp/symgpg.XXXXXX) || return 1
	chmod 0700 "$home"
	printf 'allow-loopback-pinentry\n' >"$home/gpg-agent.conf"
	printf '%s\n' "$home"
}

# primary_fpr HOME UID : the primary key fingerprint of UID's key.
primary_fpr() {
	g "$1" --with-colons --list-keys -- "$2" |
	    awk -F: '$1 == "fpr" { print $10; exit }'
}

# enc_subkey_id HOME FPR : the key id of the (newest) encryption subkey.
enc_subkey_id() {
	g "$1" --with-colons --list-keys -- "$2" |
	    awk -F: '$1 == "sub" && $12 ~ /e/ { id = $5 } END { print id }'
}

# gen_key HOME NAME [EXPIRY] [FAKED_TIME] : ed25519 signing key with a
# cv25519 encryption subkey; prints the fingerprint.
gen_key() {
	local home=$1 name=$2 expiry=${3:-1y} faked=${4:-} fpr
	local time_opt=()
	[ -n "$faked" ] && time_opt=(--faked-system-time "$faked")
	g "$home" "${PGP_PASS[@]}" "${time_opt[@]}" \
	    --quick-gen-key "$name <$name@example.org>" ed25519 sign "$expiry" \
	    2>/dev/null || return 1
	fpr=$(primary_fpr "$home" "<$name@example.org>")
	g "$home" "${PGP_PASS[@]}" "${time_opt[@]}" \
	    --quick-add-key "$fpr" cv25519 encr "$expiry" 2>/dev/null || return 1
	printf '%s\n' "$fpr"
}

gen_sign_only() {
	local home=$1 name=$2
	g "$home" "${PGP_PASS[@]}" \
	    --quick-gen-key "$name <$name@example.org>" ed25519 sign 1y \
	    2>/dev/null || return 1
	primary_fpr "$home" "<$name@example.org>"
}

# export_pub HOME FPR NAME : $KEYS/NAME.asc and $KEYS/NAME.gpg
export_pub() {
	g "$1" --armor --export "$2" >"$KEYS/$3.asc" &&
	    g "$1" --export "$2" >"$KEYS/$3.gpg" &&
	    [ -s "$KEYS/$3.asc" ] && [ -s "$KEYS/$3.gpg" ]
}

# drop_secret HOME FPR : deletes the secret key (the public one stays).
drop_secret() {
	g "$1" --yes --delete-secret-keys "$2"
}

# (FPR_* are set here and read through the env file.)
# shellcheck disable=SC2034
pgp_make_homes() {
	local fpr subfpr rev name v
	PGP_ROOT=$(mktemp -d /tmp/symgpg-files.XXXXXX) || return 1
	KEYS=$PGP_ROOT/keys
	mkdir "$KEYS"
	GH=$(new_home) || return 1
	GH_MALLORY=$(new_home) || return 1
	GH_NOAGENT=$(new_home) || return 1
	GH_PUBONLY=$(new_home) || return 1
	GH_PIN=$(new_home) || return 1

	FPR_alice=$(gen_key "$GH" alice) || return 1
	FPR_bob=$(gen_key "$GH" bob) || return 1
	FPR_carol=$(gen_key "$GH" carol) || return 1
	FPR_witness=$(gen_sign_only "$GH" witness) || return 1
	FPR_mallory=$(gen_key "$GH_MALLORY" mallory) || return 1

	# Expired: made in 2020, valid for a day.
	FPR_expired=$(gen_key "$GH" expired 1d 20200101T000000) || return 1
	# Revoked: the revocation certificate gpg made with the key
	# (openpgp-revocs.d), imported.  gpg prefixes its armour with ':'
	# so that it is not imported by mistake.
	FPR_revoked=$(gen_key "$GH" revoked) || return 1
	rev=$GH/openpgp-revocs.d/$FPR_revoked.rev
	[ -f "$rev" ] || return 1
	sed 's/^:-----BEGIN/-----BEGIN/' "$rev" >"$PGP_ROOT/revoked.rev"
	g "$GH" --import "$PGP_ROOT/revoked.rev" 2>/dev/null || return 1
	FPR_signonly=$(gen_sign_only "$GH" signonly) || return 1
	# A valid primary key whose only encryption subkey has expired.
	# (Both made in 2020, the primary key valid for 20 years.)
	g "$GH" "${PGP_PASS[@]}" --faked-system-time 20200101T000000 \
	    --quick-gen-key 'subexpired <subexpired@example.org>' ed25519 \
	    sign 20y 2>/dev/null || return 1
	FPR_subexpired=$(primary_fpr "$GH" '<subexpired@example.org>')
	g "$GH" "${PGP_PASS[@]}" --faked-system-time 20200101T000000 \
	    --quick-add-key "$FPR_subexpired" cv25519 encr 1d 2>/dev/null ||
	    return 1

	for name in alice bob carol witness expired revoked signonly \
	    subexpired; do
		fpr=FPR_$name
		export_pub "$GH" "${!fpr}" "$name" || return 1
	done
	export_pub "$GH_MALLORY" "$FPR_mallory" mallory || return 1
	g "$GH" "${PGP_PASS[@]}" --armor --export-secret-keys "$FPR_alice" \
	    >"$KEYS/alice-secret.asc" || return 1
	grep -q 'BEGIN PGP PRIVATE KEY BLOCK' "$KEYS/alice-secret.asc" ||
	    return 1
	cat "$KEYS/alice.asc" "$KEYS/bob.asc" >"$KEYS/two.asc"
	printf 'this is not an OpenPGP key\n' >"$KEYS/garbage.asc"
	: >"$KEYS/empty.asc"

	# The expired, revoked and sign-only keys are refused for what they
	# are, not for lack of a secret key: only public keys stay.
	for name in expired revoked signonly subexpired; do
		fpr=FPR_$name
		drop_secret "$GH" "${!fpr}" || return 1
	done

	# A keyring that has the holders' keys but can never reach an agent.
	cp -a "$GH/pubring.kbx" "$GH/trustdb.gpg" "$GH/private-keys-v1.d" \
	    "$GH_NOAGENT/" || return 1
	printf 'no-autostart\n' >"$GH_NOAGENT/gpg.conf"

	cat "$KEYS/alice.asc" "$KEYS/bob.asc" "$KEYS/carol.asc" >"$PGP_ROOT/holders.asc"
	g "$GH_PUBONLY" --import "$PGP_ROOT/holders.asc" 2>/dev/null || return 1

	make_pin_home || return 1

	for name in alice bob carol mallory; do
		fpr=FPR_$name
		if [ "$name" = mallory ]; then
			subfpr=$(enc_subkey_id "$GH_MALLORY" "${!fpr}")
		else
			subfpr=$(enc_subkey_id "$GH" "${!fpr}")
		fi
		[ -n "$subfpr" ] || return 1
		printf -v "SUBKEYID_$name" '%s' "$subfpr"
	done

	PGP_ENV=$PGP_ROOT/env
	{
		for v in GH GH_MALLORY GH_NOAGENT GH_PUBONLY GH_PIN KEYS \
		    PGP_ROOT FPR_dave; do
			printf '%s=%q\n' "$v" "${!v}"
		done
		for name in alice bob carol witness mallory expired revoked \
		    signonly subexpired; do
			v=FPR_$name
			printf '%s=%q\n' "$v" "${!v}"
		done
		for name in alice bob carol mallory; do
			v=SUBKEYID_$name
			printf '%s=%q\n' "$v" "${!v}"
		done
	} >"$PGP_ENV"
	export PGP_ENV
}

# make_pin_home : $GH_PIN (see the top).  The pinentry speaks just enough
# Assuan for gpg-agent; the agent caches nothing, so every decryption
# asks it.
make_pin_home() {
	cat >"$GH_PIN/pinentry" <<'EOF_PINENTRY'
#!/bin/sh
dir=$(dirname "$0")
echo "OK Pleased to meet you"
while read -r cmd rest; do
	case $cmd in
	GETPIN)
		answer=$(cat "$dir/pin-answer" 2>/dev/null)
		if [ "$answer" = CANCEL ]; then
			echo "ERR 83886179 Operation cancelled <Pinentry>"
		else
			printf 'D %s\nOK\n' "$answer"
		fi ;;
	BYE) echo OK; exit 0 ;;
	*) echo OK ;;
	esac
done
EOF_PINENTRY
	chmod 0700 "$GH_PIN/pinentry"
	printf 'allow-loopback-pinentry\npinentry-program %s/pinentry\ndefault-cache-ttl 0\nmax-cache-ttl 0\n' \
	    "$GH_PIN" >"$GH_PIN/gpg-agent.conf"
	g "$GH_PIN" --batch --pinentry-mode loopback --passphrase 'correct horse' \
	    --quick-gen-key 'dave <dave@example.org>' ed25519 sign 1y \
	    2>/dev/null || return 1
	FPR_dave=$(primary_fpr "$GH_PIN" '<dave@example.org>')
	g "$GH_PIN" --batch --pinentry-mode loopback --passphrase 'correct horse' \
	    --quick-add-key "$FPR_dave" cv25519 encr 1y 2>/dev/null || return 1
	export_pub "$GH_PIN" "$FPR_dave" dave
}

pgp_remove_homes() {
	local home
	for home in "${GH:-}" "${GH_MALLORY:-}" "${GH_NOAGENT:-}" \
	    "${GH_PUBONLY:-}" "${GH_PIN:-}"; do
		if [ -z "$home" ] || [ ! -d "$home" ]; then
			continue
		fi
		GNUPGHOME=$home gpgconf --kill all 2>/dev/null || true
		rm -rf "$home"
	done
	[ -n "${PGP_ROOT:-}" ] && rm -rf "$PGP_ROOT"
	return 0
}

# pgp_env : the homes and fingerprints of setup_file, GNUPGHOME=$GH.
pgp_env() {
	# shellcheck disable=SC1090
	. "$PGP_ENV"
	export GNUPGHOME=$GH
}

# re TEXT : TEXT with the characters special in an extended regular
# expression escaped.
re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# sym ARGS... : symbolon, never at a prompt.
sym() {
	"$SYMBOLON" "$@" </dev/null
}

# refused STATUS PATTERN COMMAND... : COMMAND exits STATUS, says exactly
# one thing on standard error, matching the extended regular expression
# PATTERN (anchored), prints nothing on standard output, and the working
# directory is as it was: names, sizes, modes, times and sha256 of every
# file (snapshot).
refused() {
	local want=$1 pattern=$2 before after
	shift 2
	before=$(snapshot)
	run --separate-stderr "$@" </dev/null
	assert_status "$want"
	assert_no_stdout
	assert_one_error "$pattern"
	after=$(snapshot)
	[ "$before" = "$after" ] || fail "the directory changed:" \
	    "$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after"))"
}

# refused_usage PROG PATTERN COMMAND... : as refused, for a usage error
# (exit 2, the problem on one line, then the synopsis).
refused_usage() {
	local prog=$1 pattern=$2 before after
	shift 2
	before=$(snapshot)
	run --separate-stderr "$@" </dev/null
	assert_status 2
	assert_no_stdout
	assert_usage_error "$prog" "$pattern"
	after=$(snapshot)
	[ "$before" = "$after" ] || fail "the directory changed"
}

# enc_to FILE : the key ids an OpenPGP message is encrypted to, as gpg
# reads them (--list-packets needs no secret key), one a line.
enc_to() {
	GNUPGHOME=$GH_PUBONLY gpg --batch --no-tty --list-packets \
	    --pinentry-mode cancel -- "$1" 2>/dev/null </dev/null |
	    sed -n 's/^:pubkey enc packet: .* keyid \([0-9A-F]*\)$/\1/p'
}

# gpg_decrypt FILE : what gpg --decrypt makes of FILE in the holders'
# keyring.
gpg_decrypt() {
	gpg --batch --no-tty --quiet --decrypt -- "$1" 2>/dev/null </dev/null
}

# gpg_encrypt_to FPR IN OUT [--armor] : gpg --encrypt, as a holder would
# to keep their share (no web of trust in these keyrings: always trust).
gpg_encrypt_to() {
	local fpr=$1 in=$2 out=$3
	shift 3
	gpg --batch --no-tty --quiet --trust-model always "$@" \
	    --recipient "$fpr" --output "$out" --encrypt -- "$in" </dev/null
}

# flip_byte FILE OFFSET : xors one byte with 1, in place.
flip_byte() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' \n')
	[ -n "$b" ] || fail "flip_byte: $1 has no byte at $2"
	# shellcheck disable=SC2059 # the octal escape is the point
	printf "$(printf '\\%03o' $((b ^ 1)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# row NAME : the value of the Key/Value row NAME in $output.
# shellcheck disable=SC2154 # output: set by bats' run
row() {
	printf '%s\n' "$output" | sed -n "s/^$1  *//p" | head -n 1
}

# kv LABEL VALUE : a row as the programs print them ("%-22s %s").
kv() {
	printf '%-22s %s' "$1" "$2"
}

# sym_to FILE ARGS... : runs symbolon ARGS (standard input /dev/null) as
# `run --separate-stderr`, its standard output going to FILE byte for
# byte.
sym_to() {
	local out=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	run --separate-stderr bash -c 'out=$1; shift; exec "$@" >"$out" </dev/null' \
	    _ "$out" "$SYMBOLON" "$@"
}
