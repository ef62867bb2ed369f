#!/usr/bin/env bash
# Rekey with verification: replace the image's shares by NEW_T-of-N new
# ones for NEW_HOLDERS (comma-separated).  Each current holder enters their
# share in a separate invocation; the new holders then prove their shares
# before they take effect.  Until then the old shares keep working.
#   rekey.sh IMAGE NEW_T NEW_DIR NEW_HOLDERS OLD_SHARE...
. "$(dirname "$0")/common.sh"
image=$1 t=$2 dir=$3 holders=$4; shift 4
n=$(tr ',' '\n' <<<"$holders" | wc -l)
nonce_of() { symbolon rekey --image "$image" --status --format json |
	sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p"; }

step "Start the rekey: $t of $n new shares for $holders, verification required"
run rekey --image "$image" --init --key-shares "$n" --key-threshold "$t" \
	--verify --holders "$holders" --out-dir "$dir"
nonce=$(nonce_of nonce)
for share in "$@"; do
	step "A current holder enters $(basename "$share") (a separate invocation)"
	run rekey --image "$image" --nonce "$nonce" --share "$share" </dev/null
done
step "Status: new shares issued, verification pending"
run rekey --image "$image" --status
vnonce=$(nonce_of verification_nonce)
for i in $(seq 1 "$t"); do
	step "New holder $i proves share $i of $n"
	run rekey --image "$image" --verify --nonce "$vnonce" \
		--share "$dir/share-$i-of-$n.cbor" </dev/null
done
step "Seal status after the rekey"
run status --image "$image"
