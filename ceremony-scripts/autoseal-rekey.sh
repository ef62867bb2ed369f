#!/usr/bin/env bash
# Rekey under an auto seal.  First the barrier: a new unseal key, wrapped
# by the device, authorised by the current recovery shares and returning
# no shares.  Then the recovery keys, with verification: NEW_T-of-N new
# recovery shares for NEW_HOLDERS (comma-separated), each current holder
# entering theirs in a separate invocation, the new holders proving
# theirs before they count.
#   autoseal-rekey.sh IMAGE PIN_FILE NEW_DIR NEW_T NEW_HOLDERS RECOVERY_SHARE...
. "$(dirname "$0")/common.sh"
image=$1 pin=$2 dir=$3 t=$4 holders=$5; shift 5
n=$(tr ',' '\n' <<<"$holders" | wc -l)
nonce_of() { symbolon rekey --image "$image" --target "$1" --status --format json |
	sed -n "s/.*\"$2\": \"\\([^\"]*\\)\".*/\\1/p"; }

step "Rekey the barrier: a new unseal key wrapped by the device; no shares are made"
run rekey --image "$image" --target barrier --init
nonce=$(nonce_of barrier nonce)
for share in "$@"; do
	step "A recovery holder authorises with $(basename "$share") (a separate invocation)"
	run rekey --image "$image" --target barrier --nonce "$nonce" --share "$share" \
		--pin-file "$pin" </dev/null
done

step "Rekey the recovery keys: $t of $n new recovery shares for $holders, verified"
run rekey --image "$image" --target recovery --init --key-shares "$n" \
	--key-threshold "$t" --verify --holders "$holders" --out-dir "$dir"
nonce=$(nonce_of recovery nonce)
for share in "$@"; do
	step "A current recovery holder enters $(basename "$share")"
	run rekey --image "$image" --target recovery --nonce "$nonce" --share "$share" \
		--pin-file "$pin" </dev/null
done
vnonce=$(nonce_of recovery verification_nonce)
for i in $(seq 1 "$t"); do
	step "New recovery holder $i proves recovery share $i of $n"
	run rekey --image "$image" --target recovery --verify --nonce "$vnonce" \
		--share "$dir/recovery-share-$i-of-$n.cbor" --pin-file "$pin" </dev/null
done
step "Seal status after both rekeys"
run status --image "$image"
