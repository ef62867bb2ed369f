#!/usr/bin/env bash
# DEMO AND TESTS ONLY: make OpenPGP keys for holders in a fresh GNUPGHOME
# (ed25519 signing, cv25519 encryption, no passphrase) and export each
# public key to DIR/NAME.asc.  Real holders bring their own keys, often on
# OpenPGP smartcards: symbolon reaches them through gpg-agent unchanged.
#   pgp-keys.sh GNUPGHOME_DIR DIR NAME...
. "$(dirname "$0")/common.sh"
home=$1 dir=$2; shift 2
mkdir -p -m 700 "$home"
mkdir -p "$dir"
echo allow-loopback-pinentry > "$home/gpg-agent.conf"
for name in "$@"; do
	step "$name makes an OpenPGP key (demo: no passphrase, no smartcard)"
	GNUPGHOME=$home gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key "$name <$name@example.org>" ed25519 sign 1y 2>/dev/null
	fpr=$(GNUPGHOME=$home gpg --list-keys --with-colons "$name@example.org" |
		awk -F: '/^fpr/ { print $10; exit }')
	GNUPGHOME=$home gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-add-key "$fpr" cv25519 encr 1y 2>/dev/null
	GNUPGHOME=$home gpg --export --armor "$fpr" > "$dir/$name.asc"
	printf '%s  %s\n' "$fpr" "$dir/$name.asc"
done
