#!/usr/bin/env bash
# Deal a secret T-of-N to holders' identities: each share is encrypted to
# its holder, then every holder checks their own share alone.
#   deal.sh SECRET_FILE T OUT_DIR IDENTITY_DIR NAME...
. "$(dirname "$0")/common.sh"
secret=$1 t=$2 out=$3 ids=$4; shift 4
n=$#
to=$(printf "$ids/%s.pub," "$@"); to=${to%,}
step "Deal the secret $t-of-$n, each share encrypted to its holder"
run split --key-shares "$n" --key-threshold "$t" --in "$secret" --out-dir "$out" --to "$to"
i=1
for name in "$@"; do
	step "$name checks share $i alone, against the manifest, with their own key"
	run verify --manifest "$out/manifest.cbor" --identity "$ids/$name.key" "$out/share-$i-of-$n.cbor"
	i=$((i + 1))
done
