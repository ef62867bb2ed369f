#!/usr/bin/env bash
# make demo: a small ceremony in a temporary directory, every step printed.
# Today: a random 32-byte key is split 3-of-5 and recovered from shares 5, 2
# and 4, entered in that order, one holder at a time.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/bin
work=$(mktemp -d /tmp/symbolon-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "The ceremony administrator makes a 32-byte key (demo only: a real key never touches disk)"
run head -c 32 /dev/urandom > key.bin

step "Split it 3-of-5: one share per line, Vault's base64 form"
"$bin"/symbolon split -key-shares=5 -key-threshold=3 --in key.bin > shares.txt
for i in 1 2 3 4 5; do
	sed -n "${i}p" shares.txt > "holder-$i.share"
	chmod 600 "holder-$i.share"
	printf 'holder %d receives holder-%d.share (%s...)\n' "$i" "$i" "$(cut -c1-8 "holder-$i.share")"
done
rm shares.txt

step "Holders 5, 2 and 4 bring their shares back, in that order"
run "$bin"/symbolon combine --key-threshold 3 --share holder-5.share \
	--share holder-2.share --share holder-4.share --out recovered.bin

step "The recovered key is the original"
if cmp -s key.bin recovered.bin; then
	echo "recovered.bin matches key.bin: ceremony complete"
else
	echo "MISMATCH" >&2
	exit 1
fi

step "Two shares are not enough, and a repeated share is named"
sed -n '1p' holder-1.share > two.txt
cat holder-3.share >> two.txt
"$bin"/symbolon combine --key-threshold 3 --share two.txt --out never.bin </dev/null \
	&& { echo "combine accepted two shares" >&2; exit 1; } || true
cat holder-1.share holder-1.share > dup.txt
"$bin"/symbolon combine --share dup.txt </dev/null \
	&& { echo "combine accepted a duplicate" >&2; exit 1; } || true
[ ! -e never.bin ] && echo "no output file was written"
