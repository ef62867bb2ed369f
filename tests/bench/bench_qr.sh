#!/usr/bin/env bash
# Bench for symbolon qr, in milliseconds per operation (mean of N runs,
# whole processes, as a ceremony runs them), next to the reference tools
# doing the same work in the same run:
#   encode: a share's code to PNG (symbolon vs the qrencode command), and
#           a whole share sheet to PDF (symbolon only: no peer makes one);
#   decode: a share sheet scanned at 300 dpi (pdftoppm), as PNG and as
#           JPEG (symbolon, which also verifies the bundle, vs zbarimg);
# then the robustness suite's success rate per distortion, from its last
# run (build/qr-robustness.txt, written by tests/cli/qr_robustness.bats),
# or, if it has not run, measured here on three sheets.
#   tests/bench/bench_qr.sh [N]      (default N = 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
n=${1:-10}
bin=$top/bin
for p in "$bin/symbolon-qr" "$bin/symbolon-keygen"; do
	[ -x "$p" ] || { echo "bench_qr: $p is missing: make all" >&2; exit 2; }
done
for p in qrencode zbarimg pdftoppm convert; do
	command -v "$p" >/dev/null || { echo "bench_qr: $p is missing: make deps" >&2; exit 2; }
done
work=$(mktemp -d /tmp/symbolon-bench-qr.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

"$bin/symbolon-keygen" init --image vault.img --key-shares 5 --key-threshold 3 \
    --out-dir seal --holders ann,bob,cat,dan,eve >/dev/null 2>&1
share=seal/share-3-of-5.cbor
"$bin/symbolon-qr" encode "$share" --format png --out once.png
"$bin/symbolon-qr" decode once.png --armor | tr -d '\n' >text
"$bin/symbolon-qr" encode "$share" --format pdf --out sheet.pdf --date 2026-01-01
pdftoppm -png -r 300 -singlefile sheet.pdf scan
convert scan.png -quality 85 scan.jpg

now_ns() { date +%s%N; }

# ms NAME COMMAND... : runs COMMAND n times, prints the mean in ms.
ms() {
	local name=$1 start end i
	shift
	"$@" >/dev/null 2>&1 || { echo "bench_qr: $name failed: $*" >&2; exit 1; }
	start=$(now_ns)
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1
	done
	end=$(now_ns)
	printf '  %-44s %8.1f ms\n' "$name" "$(echo "($end - $start) / $n / 1000000" | bc -l)"
}

printf 'symbolon qr bench: %d runs each; share bundle %d bytes, %d characters\n' \
    "$n" "$(wc -c <"$share")" "$(wc -c <text)"
printf '(%s; scan %s)\n\n' "$(uname -m)" "$(identify -format '%wx%h' scan.png) px, 300 dpi"
echo "encode"
ms "symbolon qr encode --format png" \
    "$bin/symbolon-qr" encode "$share" --format png --out out.png --force
ms "qrencode -l Q -o out.png (same text)" \
    sh -c 'qrencode -l Q -s 8 -o out.png <text'
ms "symbolon qr encode --format pdf (share sheet)" \
    "$bin/symbolon-qr" encode "$share" --format pdf --out out.pdf --force
echo "decode of a 300-dpi page scan"
ms "symbolon qr decode scan.png (and verify)" \
    "$bin/symbolon-qr" decode scan.png --out got.cbor --force
ms "zbarimg --raw scan.png" zbarimg -q --raw scan.png
ms "symbolon qr decode scan.jpg (and verify)" \
    "$bin/symbolon-qr" decode scan.jpg --out got.cbor --force
ms "zbarimg --raw scan.jpg" zbarimg -q --raw scan.jpg
cmp -s got.cbor "$share" || { echo "bench_qr: decode gave other bytes" >&2; exit 1; }

echo
echo "robustness: share sheets read back after each distortion"
if [ -s "$top/build/qr-robustness.txt" ]; then
	echo "  (from the last run of tests/cli/qr_robustness.bats," \
	    "$(date -r "$top/build/qr-robustness.txt" '+%Y-%m-%d %H:%M'))"
	grep -v '^#' "$top/build/qr-robustness.txt" | sed 's/^/  /'
else
	echo "  (measured here on 3 sheets; tests/cli/qr_robustness.bats runs 6)"
	for i in 1 2 3; do
		"$bin/symbolon-qr" encode "seal/share-$i-of-5.cbor" --format pdf --out "s$i.pdf"
		pdftoppm -gray -png -r 150 -singlefile "s$i.pdf" "s$i"
	done
	for d in $("$top/tests/cli/qr_distort.sh" list); do
		ok=0
		for i in 1 2 3; do
			out=$("$top/tests/cli/qr_distort.sh" "$d" "s$i.png" "d-$d-$i")
			"$bin/symbolon-qr" decode "$out" --out "r$i.cbor" --force 2>/dev/null &&
			    cmp -s "r$i.cbor" "seal/share-$i-of-5.cbor" && ok=$((ok + 1))
		done
		printf '  %-12s symbolon %d/3\n' "$d" "$ok"
	done
fi
