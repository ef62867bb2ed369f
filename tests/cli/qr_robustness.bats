#!/usr/bin/env bats
# Share sheets through the damage of printing and scanning.
#
# Six share sheets (three of an image's shares in clear, three of a deal's
# shares sealed to identities: QR versions 16 and 19 at level Q) are made
# as PDF, rasterised at 150 dpi in grey as an office scanner would, and
# degraded by tests/cli/qr_distort.sh (ImageMagick, seeded: rotation by 3,
# 8 and 15 degrees, scaling to 50 %, blur, noise, JPEG quality 50, a slight
# perspective, and all of these at once; then harsher ones to show the
# margin).  Each degraded page must give back its bundle byte for byte;
# jsQR, an independent decoder, is run on the same pages.
#
# The rates are recorded (TAP comments, and build/qr-robustness.txt for
# the bench) and asserted at the floors in the table below; pages symbolon
# missed are kept in build/qr-robustness-misses/ with its error.  The sheets'
# contents are random (fresh keys each run) while the damage is not, so the
# floors sit below what was measured: see the comment at the table.

bats_require_minimum_version 1.5.0
load helpers

QR=$BIN/symbolon-qr
KEYGEN=$BIN/symbolon-keygen
DISTORT=$BATS_TEST_DIRNAME/qr_distort.sh
INTEROP=$TOP/build/interop
export QR_INTEROP_MODULES=$INTEROP/node_modules
PEERS=(jsqr@1.4.0 pngjs@7.0.0)
RATES=$TOP/build/qr-robustness.txt
MISSES=$TOP/build/qr-robustness-misses
SHEETS=6

setup_file() {
	local f=$BATS_FILE_TMPDIR/sheets p i log=$BATS_FILE_TMPDIR/npm.log missing=()
	for p in "$QR" "$KEYGEN" "$SPLIT"; do
		[ -x "$p" ] || { echo "$p is missing: run 'make all'" >&2; return 1; }
	done
	for p in convert identify pdftoppm node npm; do
		command -v "$p" >/dev/null || { echo "$p is missing: make deps" >&2; return 1; }
	done
	for p in "${PEERS[@]}"; do
		[ "$(node -p "require('$QR_INTEROP_MODULES/${p%@*}/package.json').version" \
		    2>/dev/null)" = "${p#*@}" ] || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ] && ! npm install --prefix "$INTEROP" \
	    --no-audit --no-fund --save-exact "${missing[@]}" >"$log" 2>&1; then
		echo "npm install ${missing[*]} failed:" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
	mkdir -p "$f"
	cd "$f" || return 1
	for p in ann bob cat; do
		"$KEYGEN" identity --name "$p" --out "$p" --no-passphrase \
		    >/dev/null 2>&1 || return 1
	done
	"$KEYGEN" init --image vault.img --key-shares 3 --key-threshold 2 \
	    --out-dir seal --holders ann,bob,cat >/dev/null 2>&1 || return 1
	head -c 32 /dev/urandom >secret
	"$SPLIT" --key-shares 3 --key-threshold 2 --in secret --out-dir deal \
	    --to ann.pub,bob.pub,cat.pub >/dev/null 2>&1 || return 1
	i=1
	for p in seal/share-{1,2,3}-of-3.cbor deal/share-{1,2,3}-of-3.cbor; do
		cp "$p" "bundle-$i.cbor"
		"$QR" encode "$p" --format pdf --out "sheet-$i.pdf" \
		    --date 2026-01-02 || return 1
		pdftoppm -gray -png -r 150 -singlefile "sheet-$i.pdf" "sheet-$i" ||
		    return 1
		"$QR" decode "sheet-$i.png" --armor | tr -d '\n' |
		    od -An -v -tx1 | tr -d ' \n' >"text-$i.hex" || return 1
		echo >>"text-$i.hex"
		i=$((i + 1))
	done
	mkdir -p "$TOP/build"
	rm -rf "$MISSES"
	printf '# symbolon qr robustness: %s sheets per distortion, 150 dpi grey\n' \
	    "$SHEETS" >"$RATES"
}

setup() {
	common_setup
	S=$BATS_FILE_TMPDIR/sheets
}

# damage NAME MIN_SYMBOLON MIN_JSQR : every sheet through distortion NAME;
# symbolon must give back at least MIN_SYMBOLON of the bundles byte for
# byte, jsQR read at least MIN_JSQR of the codes exactly.
damage() {
	local name=$1 min_ours=$2 min_peer=$3 i out ours=0 peer=0 pngs=() line
	for i in $(seq 1 "$SHEETS"); do
		out=$("$DISTORT" "$name" "$S/sheet-$i.png" "$name-$i")
		if "$QR" decode "$out" --out "got-$i.cbor" 2>"why-$i" &&
		    cmp -s "got-$i.cbor" "$S/bundle-$i.cbor"; then
			ours=$((ours + 1))
		else
			# Kept for a look: the page, and what symbolon said.
			mkdir -p "$MISSES"
			cp "$out" "$MISSES/"
			cp "why-$i" "$MISSES/${out##*/}.txt"
		fi
		if [ "${out%.jpg}" != "$out" ]; then
			convert "$out" "${out%.jpg}.png"
			out=${out%.jpg}.png
		fi
		pngs+=("$out")
	done
	i=1
	while IFS= read -r line; do
		[ "$line" = "$(cat "$S/text-$i.hex")" ] && peer=$((peer + 1))
		i=$((i + 1))
	done < <(node "$TOP/tests/interop/qr-decode.mjs" "${pngs[@]}" 2>/dev/null)
	printf '%-12s symbolon %d/%d  jsQR %d/%d\n' "$name" "$ours" "$SHEETS" \
	    "$peer" "$SHEETS" >>"$RATES"
	printf '# %s: symbolon %d/%d, jsQR %d/%d\n' "$name" "$ours" "$SHEETS" \
	    "$peer" "$SHEETS" >&3
	[ "$ours" -ge "$min_ours" ] ||
	    fail "$name: symbolon read $ours of $SHEETS, floor $min_ours"
	[ "$peer" -ge "$min_peer" ] ||
	    fail "$name: jsQR read $peer of $SHEETS, floor $min_peer"
}

# Floors.  Measured on 2026-11-23 over 11 runs of this file (66 fresh
# sheets per distortion; the harsh ones, 10 runs, 60 sheets), pages read
# back byte for byte:
#
#   distortion    symbolon        jsQR             floor (symbolon, jsQR)
#   clean         64/66 (*)       60/66 (min 3)    6, 3
#   rotate-3      66/66           66/66            5, 5
#   rotate-8      66/66           66/66            5, 5
#   rotate-15     66/66           66/66            5, 5
#   scale-50      66/66           60/66 (min 3)    5, 3
#   blur          66/66           66/66            5, 5
#   noise         66/66           25/66 (min 0)    5, 0
#   jpeg-50       66/66           60/66 (min 3)    5, 3
#   perspective   66/66           66/66            5, 5
#   print-scan    66/66           66/66            5, 5
#   scale-25      52/60 (min 3)   54/60 (min 3)    2, 2
#   blur-3        24/60 (min 1)    1/60            0, 0
#   noise-heavy   60/60            0/60            5, 0
#   jpeg-10       60/60           54/60 (min 3)    5, 2
#   rotate-45     60/60           60/60            5, 5
#
# (*) two misses in one run, while bin/symbolon-qr was being relinked by a
# concurrent build; the same pages rotated, scaled and blurred read in that
# run, and no clean page was missed in the ten others.
#
# Under the issue's distortions symbolon missed no page; its floor of 5 of
# 6 leaves one page to chance.  Clean scans must all read.  jsQR's
# whole-page misses come in threes (one run's three sheets of one kind:
# it settles on finder-like patterns in the page's text; on the code
# alone it reads them all, tests/cli/qr.bats), so its floors sit at the
# lowest run.  blur-3 (a blur twice a module wide) is where reading ends:
# recorded, not asserted.
@test "robustness: clean 150-dpi scans" {
	damage clean "$SHEETS" 3
}

@test "robustness: rotated 3 degrees" {
	damage rotate-3 5 5
}

@test "robustness: rotated 8 degrees" {
	damage rotate-8 5 5
}

@test "robustness: rotated 15 degrees" {
	damage rotate-15 5 5
}

@test "robustness: scaled to 50 %" {
	damage scale-50 5 3
}

@test "robustness: blurred" {
	damage blur 5 5
}

@test "robustness: noise" {
	damage noise 5 0
}

@test "robustness: JPEG quality 50" {
	damage jpeg-50 5 3
}

@test "robustness: slight perspective" {
	damage perspective 5 5
}

@test "robustness: printed and scanned (all of the above at once)" {
	damage print-scan 5 5
}

# Beyond what the issue asks: where reading starts to fail.
@test "robustness (harsh): scaled to 25 % (37 dpi)" {
	damage scale-25 2 2
}

@test "robustness (harsh): blurred 3 px" {
	damage blur-3 0 0
}

@test "robustness (harsh): heavy noise" {
	damage noise-heavy 5 0
}

@test "robustness (harsh): JPEG quality 10" {
	damage jpeg-10 5 2
}

@test "robustness (harsh): rotated 45 degrees" {
	damage rotate-45 5 5
}
