#!/usr/bin/env bash
# Rekey an auto-sealed image: first its barrier (a new unseal key wrapped
# by the device: no shares), then its recovery key, with verification,
# to NEW_T-of-N new recovery shares for NEW_HOLDERS (comma-separated).
# Each current recovery holder enters their share in a separate
# invocation; the device's PIN is needed when the threshold is met.
#   autoseal-rekey.sh IMAGE PIN_FILE NEW_DIR NEW_T NEW_HOLDERS OLD_SHARE...
# PIN_FILE "-": the PIN is typed at the prompt.
. "$(dirname "$0")/common.sh"
image=$1 pin=$2 dir=$3 t=$4 holders=$5; shift 5
n=$(tr ',' '\n' <<<"$holders" | wc -l)
pin_opt=()
[ "$pin" = - ] || pin_opt=(--pin-file "$pin")
field() { symbolon rekey --image "$image" --target "$1" --status --format json |
	sed -n "s/.*\"$2\": \"\\([^\"]*\\)\".*/\\1/p"; }

step "Rekey the barrier: no new shares, the device wraps the new unseal key"
run rekey --image "$image" --init
nonce=$(field barrier nonce)
for share in "$@"; do
	step "A recovery holder enters $(basename "$share") (a separate invocation)"
	run rekey --image "$image" --nonce "$nonce" --share "$share" \
		"${pin_opt[@]}" </dev/null
done
step "Rekey the recovery key: $t of $n new recovery shares for $holders, verification required"
run rekey --image "$image" --target recovery --init --key-shares "$n" \
	--key-threshold "$t" --verify --holders "$holders" --out-dir "$dir"
nonce=$(field recovery nonce)
for share in "$@"; do
	step "A recovery holder enters $(basename "$share") again"
	run rekey --image "$image" --target recovery --nonce "$nonce" \
		--share "$share" "${pin_opt[@]}" </dev/null
done
step "Status: new recovery shares issued, verification pending"
run rekey --image "$image" --target recovery --status
vnonce=$(field recovery verification_nonce)
for i in $(seq 1 "$t"); do
	step "New holder $i proves recovery share $i of $n"
	run rekey --image "$image" --target recovery --verify --nonce "$vnonce" \
		--share "$dir/recovery-share-$i-of-$n.cbor" "${pin_opt[@]}" </dev/null
done
step "Seal status after the rekeys"
run status --image "$image"
