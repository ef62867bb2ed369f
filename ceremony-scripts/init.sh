#!/usr/bin/env bash
# Initialise a storage image sealed T-of-N, one share per holder.
#   init.sh IMAGE T SHARE_DIR NAME...
. "$(dirname "$0")/common.sh"
image=$1 t=$2 out=$3; shift 3
holders=$(IFS=,; echo "$*")
step "Initialise $image: $t of $# shares, for $holders"
run keygen init --image "$image" --key-shares $# --key-threshold "$t" --out-dir "$out" --holders "$holders"
step "Seal status (needs no shares)"
run status --image "$image"
i=1
for name in "$@"; do
	step "$name checks share $i against the manifest"
	run verify --manifest "$out/manifest.cbor" "$out/share-$i-of-$#.cbor"
	i=$((i + 1))
done
