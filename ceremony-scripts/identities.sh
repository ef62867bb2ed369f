#!/usr/bin/env bash
# Each key holder makes an identity on the ceremony laptop and reads its
# fingerprint aloud; the witnesses write it down.
#   identities.sh DIR NAME...      (passphrase asked at the terminal)
#   NO_PASSPHRASE=1 identities.sh DIR NAME...   (demos and tests only)
. "$(dirname "$0")/common.sh"
dir=$1; shift
mkdir -p "$dir"
for name in "$@"; do
	step "$name makes an identity"
	if [ "${NO_PASSPHRASE:-0}" = 1 ]; then
		run keygen identity --name "$name" --out "$dir/$name" --no-passphrase
	else
		run keygen identity --name "$name" --out "$dir/$name"
	fi
done
