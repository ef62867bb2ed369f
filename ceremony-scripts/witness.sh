#!/usr/bin/env bash
# A witness signs the exported audit transcript with their own OpenPGP
# key, and anyone checks the transcript and the witnesses' signatures.
#   witness.sh TRANSCRIPT WITNESS_KEY_ID
. "$(dirname "$0")/common.sh"
transcript=$1 witness=$2
step "The witness signs $transcript (gpg --detach-sign)"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
	--local-user "$witness" --detach-sign --output "$transcript.sig" "$transcript"
echo "wrote $transcript.sig"
step "Check the transcript and who witnessed it"
run verify "$transcript" --witness-sig "$transcript.sig"
