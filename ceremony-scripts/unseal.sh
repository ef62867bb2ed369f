#!/usr/bin/env bash
# One operation on an unsealed image: the holders present give their
# shares; the image is sealed again when the program exits.
#   unseal.sh IMAGE "SHARE_FILE..." STORE_ARGS...
#   e.g. unseal.sh vault.img "s/share-1-of-5.cbor s/share-3-of-5.cbor ..." get db
. "$(dirname "$0")/common.sh"
image=$1 shares=$2; shift 2
args=()
for s in $shares; do args+=(--share "$s"); done
step "Unseal $image with $(wc -w <<<"$shares") shares for: store $*"
run store --image "$image" "${args[@]}" "$@"
