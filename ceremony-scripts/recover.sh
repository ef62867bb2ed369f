#!/usr/bin/env bash
# Holders present recover the secret: each brings their share and key.
#   recover.sh OUT_FILE MANIFEST IDENTITY_DIR NAME:SHARE_FILE...
. "$(dirname "$0")/common.sh"
out=$1 manifest=$2 ids=$3; shift 3
args=()
for pair in "$@"; do
	args+=(--share "${pair#*:}" --identity "$ids/${pair%%:*}.key")
done
step "Recover the secret from the shares of: ${*%%:*}"
run combine --manifest "$manifest" "${args[@]}" --out "$out" </dev/null
