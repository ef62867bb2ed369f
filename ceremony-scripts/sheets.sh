#!/usr/bin/env bash
# Print a share sheet (PDF) for every holder of a deal or an image, then
# scan each back as the ceremony's witnesses would: rasterise it at 150 dpi
# (pdftoppm, as a scanner) and check the scan against the manifest.  The
# PDFs go to the printer; the PNGs show what a scanner will read.
#   sheets.sh SHARE_DIR OUT_DIR [qr encode options: --paper letter,
#             --contact TEXT, --level H ...]
#   e.g. sheets.sh seal sheets --contact "Security office, ext. 4242"
. "$(dirname "$0")/common.sh"
dir=$1 out=$2; shift 2
mkdir -p "$out"
for share in "$dir"/share-*-of-*.cbor; do
	i=${share##*/share-}; i=${i%%-of-*}
	step "Print the sheet for share $i: $out/sheet-$i.pdf"
	run qr encode "$share" --format pdf --out "$out/sheet-$i.pdf" "$@"
	pdftoppm -png -r 150 -singlefile "$out/sheet-$i.pdf" "$out/sheet-$i"
	printf 'scanned at 150 dpi: %s (%s)\n' "$out/sheet-$i.png" \
		"$(identify -format '%wx%h pixels' "$out/sheet-$i.png")"
	step "The scan of sheet $i reads back, and matches the manifest"
	run verify --manifest "$dir/manifest.cbor" "$out/sheet-$i.png"
done
