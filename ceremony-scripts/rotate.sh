#!/usr/bin/env bash
# Rotate the keyring (new writes use the new term); REENCRYPT=1 also moves
# every entry to it.
#   rotate.sh IMAGE SHARE_FILE...
. "$(dirname "$0")/common.sh"
image=$1; shift
args=()
for s in "$@"; do args+=(--share "$s"); done
[ "${REENCRYPT:-0}" = 1 ] && args+=(--reencrypt)
step "Rotate the keyring of $image"
run rotate --image "$image" "${args[@]}" </dev/null
