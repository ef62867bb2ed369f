# A stand-in for an OpenPGP card: a GnuPG home with one RSA-3072
# encryption key protected by a PIN, for tests of the openpgp seal.
# Source this file, then:
#
#   gpg_card_setup DIR [PIN]   makes the GnuPG home DIR (mode 0700; it must
#                              not exist; keep the path short: gpg-agent's
#                              socket path has a 108-byte limit, so use
#                              e.g. "$(mktemp -u /tmp/sym-gpg-XXXXXX)"),
#                              with gpg-agent allowed loopback pinentry and
#                              caching no PIN; generates the key
#                              'Seal Card <seal@example>' with PIN (default
#                              123456); exports its public key to
#                              DIR/card.pub; prints its fingerprint (40 hex
#                              digits, one line) and nothing else.
#   gpg_card_key DIR UID [PIN] another RSA-3072 encryption key in DIR;
#                              prints its fingerprint.
#   gpg_card_forget DIR        stops DIR's gpg-agent: it forgets cached
#                              PINs (the next use starts a new one).
#   gpg_card_teardown DIR      stops DIR's gpg-agent and removes DIR.
#
# The tests point GNUPGHOME at DIR.  Every function returns non-zero on
# failure, with gpg's messages on standard error.

gpg_card_key() {
	local dir=$1 uid=$2 pin=${3:-123456} fpr
	gpg --homedir "$dir" --batch --quiet --no-tty --pinentry-mode loopback \
		--passphrase "$pin" --quick-generate-key "$uid" rsa3072 encr \
		never >/dev/null 2>&1 || {
		echo "gpg_card_key: could not generate '$uid' in $dir" >&2
		return 1
	}
	fpr=$(gpg --homedir "$dir" --batch --with-colons --list-keys "=$uid" \
		2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
	[ ${#fpr} -eq 40 ] || {
		echo "gpg_card_key: no fingerprint for '$uid'" >&2
		return 1
	}
	echo "$fpr"
}

gpg_card_setup() {
	local dir=$1 pin=${2:-123456} fpr
	if [ -z "$dir" ] || [ -e "$dir" ]; then
		echo "gpg_card_setup: give a directory that does not exist" >&2
		return 1
	fi
	if [ ${#dir} -gt 60 ]; then
		echo "gpg_card_setup: $dir: too long for gpg-agent's socket" >&2
		return 1
	fi
	command -v gpg >/dev/null && command -v gpgconf >/dev/null || {
		echo "gpg_card_setup: gpg and gpgconf are needed" >&2
		return 1
	}
	mkdir -m 0700 "$dir" || return 1
	printf 'no-greeting\n' >"$dir/gpg.conf"
	printf '%s\n' allow-loopback-pinentry 'default-cache-ttl 0' \
		'max-cache-ttl 0' >"$dir/gpg-agent.conf"
	fpr=$(gpg_card_key "$dir" 'Seal Card <seal@example>' "$pin") || return 1
	gpg --homedir "$dir" --batch --quiet --export -o "$dir/card.pub" "$fpr" \
		2>/dev/null || return 1
	echo "$fpr"
}

gpg_card_forget() {
	gpgconf --homedir "$1" --kill gpg-agent >/dev/null 2>&1 || true
}

gpg_card_teardown() {
	local dir=$1
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	gpgconf --homedir "$dir" --kill gpg-agent >/dev/null 2>&1 || true
	rm -rf -- "$dir"
}
