#!/usr/bin/env bash
# Initialise a storage image sealed by a device (an auto seal), with one
# recovery share per holder, and show it is used with no shares.
#   autoseal.sh IMAGE SEAL PIN_FILE T RECOVERY_DIR NAME...
# SEAL is a seal string (symbolon-keygen(1)), e.g.
#   pkcs11:module=/usr/lib/softhsm/libsofthsm2.so,token=ceremony,key=seal-aes,name=hsm1
# PIN_FILE holds the device's PIN (leave it out of a real ceremony: give
# "-" and type the PIN at the prompt).
. "$(dirname "$0")/common.sh"
image=$1 seal=$2 pin=$3 t=$4 out=$5; shift 5
holders=$(IFS=,; echo "$*")
pin_opt=()
[ "$pin" = - ] || pin_opt=(--pin-file "$pin")
step "Initialise $image sealed by ${seal%%:*}; $t of $# recovery shares for $holders"
run keygen init --image "$image" --seal "$seal" --recovery-shares $# \
	--recovery-threshold "$t" --out-dir "$out" --holders "$holders" "${pin_opt[@]}"
step "Seal status: the device answers; recovery shares, not unseal shares"
run status --image "$image"
i=1
for name in "$@"; do
	step "$name checks recovery share $i against the recovery manifest"
	run verify --manifest "$out/recovery-manifest.cbor" "$out/recovery-share-$i-of-$#.cbor"
	i=$((i + 1))
done
step "The image unseals through the device alone: no shares"
run store --image "$image" "${pin_opt[@]}" list
