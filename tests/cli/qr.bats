#!/usr/bin/env bats
# symbolon qr: bundles to QR codes and back, through real files.
#
# Every bundle type goes out as PNG, SVG (rasterised by rsvg-convert), PDF
# share sheets (rasterised by pdftoppm at 150 and 300 dpi) and the terminal
# form (rendered to pixels by ceremony-scripts/screen.py), and must come
# back byte for byte.  Independent peers, installed from npm into
# build/interop like the other interop tests (if they cannot be installed
# these tests fail; they never skip): jsQR (decoder) must read what
# symbolon writes, and symbolon must read what node-qrcode (encoder)
# writes, in alphanumeric and in byte mode.  qrencode and zbarimg, the
# command-line tools of the libraries symbolon links, are peers too.

bats_require_minimum_version 1.5.0
load helpers

QR=$BIN/symbolon-qr
KEYGEN=$BIN/symbolon-keygen
VERIFY=$BIN/symbolon-verify
STORE=$BIN/symbolon-store
FORGE=$TOP/build/tests/forge
SCREEN=$TOP/ceremony-scripts/screen.py
INTEROP=$TOP/build/interop
export QR_INTEROP_MODULES=$INTEROP/node_modules
PEERS=(jsqr@1.4.0 pngjs@7.0.0 qrcode@1.5.4)

peer_version() {
	node -p "require('$QR_INTEROP_MODULES/$1/package.json').version" 2>/dev/null
}

install_peers() {
	local log=$BATS_FILE_TMPDIR/npm-install.log p missing=()
	for p in "${PEERS[@]}"; do
		[ "$(peer_version "${p%@*}")" = "${p#*@}" ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	mkdir -p "$INTEROP"
	if ! npm install --prefix "$INTEROP" --no-audit --no-fund --save-exact \
	    "${missing[@]}" >"$log" 2>&1; then
		echo "npm install ${missing[*]} failed:" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
}

# The fixtures: one bundle of every type, made once per file.
setup_file() {
	local f=$BATS_FILE_TMPDIR/fx p
	for p in "$QR" "$KEYGEN" "$SPLIT" "$VERIFY" "$STORE"; do
		[ -x "$p" ] || { echo "$p is missing: run 'make all'" >&2; return 1; }
	done
	[ -x "$FORGE" ] || make -C "$TOP" -s build/tests/forge >&2 || return 1
	for p in rsvg-convert pdftoppm pdftotext pdfinfo convert qrencode zbarimg node npm; do
		command -v "$p" >/dev/null || { echo "$p is missing: make deps" >&2; return 1; }
	done
	install_peers || return 1
	mkdir -p "$f/ids"
	for p in ann bob cat; do
		"$KEYGEN" identity --name "$p" --out "$f/ids/$p" --no-passphrase \
		    >"$f/ids/$p.keygen" 2>/dev/null || return 1
	done
	head -c 32 /dev/urandom >"$f/secret"
	"$SPLIT" --key-shares 3 --key-threshold 2 --in "$f/secret" \
	    --out-dir "$f/clear" --holders ann,bob,cat >/dev/null 2>&1 || return 1
	"$SPLIT" --key-shares 3 --key-threshold 2 --in "$f/secret" \
	    --out-dir "$f/sealed" --to "$f/ids/ann.pub,$f/ids/bob.pub,$f/ids/cat.pub" \
	    >/dev/null 2>&1 || return 1
	printf 'one\ntwo\nthree\n' >"$f/passphrases"
	"$SPLIT" --key-shares 3 --key-threshold 2 --in "$f/secret" \
	    --out-dir "$f/pass" --passphrase-file "$f/passphrases" \
	    >/dev/null 2>&1 || return 1
	"$KEYGEN" init --image "$f/vault.img" --key-shares 3 --key-threshold 2 \
	    --out-dir "$f/seal" --holders ann,bob,cat >/dev/null 2>&1 || return 1
	printf 'db-password' >"$f/entry"
	for p in a b c d; do
		"$STORE" --image "$f/vault.img" --share "$f/seal/share-1-of-3.cbor" \
		    --share "$f/seal/share-3-of-3.cbor" put "entry-$p" \
		    --in "$f/entry" >/dev/null 2>&1 </dev/null || return 1
	done
	"$VERIFY" --image "$f/vault.img" --transcript "$f/transcript.cbor" \
	    >/dev/null 2>&1 || return 1
	# The types no program writes to a file (a pending rekey lives in the
	# image; header cores and audit records inside transcripts): a real
	# payload under each type number, signed by an identity.
	"$FORGE" payload "$f/clear/manifest.cbor" >"$f/payload" || return 1
	for p in 4:rekey 6:core 7:record; do
		"$FORGE" set-uint "$f/payload" 1 "${p%%:*}" >"$f/payload.$p" &&
		    "$FORGE" sign "$f/ids/ann.key" "$f/payload.$p" \
		    >"$f/type-${p#*:}.cbor" || return 1
	done
	# Names for the loops below: FILE, one per bundle type and protection.
	printf '%s\n' "$f/ids/ann.pub" "$f/clear/share-1-of-3.cbor" \
	    "$f/sealed/share-2-of-3.cbor" "$f/pass/share-3-of-3.cbor" \
	    "$f/clear/manifest.cbor" "$f/seal/share-2-of-3.cbor" \
	    "$f/seal/manifest.cbor" "$f/transcript.cbor" "$f/type-rekey.cbor" \
	    "$f/type-core.cbor" "$f/type-record.cbor" >"$f/all"
}

setup() {
	common_setup
	FX=$BATS_FILE_TMPDIR/fx
	mapfile -t ALL <"$FX/all"
}

# armor FILE : the SYM1: text of a single-code bundle file, as --armor
# writes it, read back through a PNG.
armor() {
	"$QR" encode "$1" --format png --out armor-of.png --force &&
	    "$QR" decode armor-of.png --armor | tr -d '\n'
}

@test "qr: every bundle type round-trips through PNG byte for byte" {
	local b
	[ ${#ALL[@]} -eq 11 ]
	for b in "${ALL[@]}"; do
		# One file per code: the transcript takes two at level Q.
		run --separate-stderr "$QR" encode "$b" --format png --out-dir codes
		assert_status 0
		run_to back.cbor "$QR" decode codes/*.png
		assert_status 0
		assert_file_equal back.cbor "$b"
		rm -r codes back.cbor
	done
	# The image is the bundle to every program that reads one.
	"$QR" encode "$FX/clear/manifest.cbor" --format png --out manifest.png
	run --separate-stderr "$VERIFY" manifest.png
	assert_status 0
	[[ "$output" == "manifest.png: manifest, set "*": valid" ]]
}

@test "qr: two inputs of the same name get two output files, each its own bundle" {
	run --separate-stderr "$QR" encode "$FX/clear/share-1-of-3.cbor" \
	    "$FX/sealed/share-1-of-3.cbor" --format png --out-dir codes
	assert_status 0
	[ "$(ls codes | wc -l)" -eq 2 ]
	run_to a.cbor "$QR" decode codes/share-1-of-3.png
	assert_file_equal a.cbor "$FX/clear/share-1-of-3.cbor"
	run_to b.cbor "$QR" decode codes/share-1-of-3-2.png
	assert_file_equal b.cbor "$FX/sealed/share-1-of-3.cbor"
}

@test "qr: every bundle type round-trips through SVG rasterised by rsvg-convert" {
	local b f
	for b in "${ALL[@]}"; do
		"$QR" encode "$b" --format svg --module 3 --out-dir codes
		for f in codes/*.svg; do
			head -c 100 "$f" | grep -q '^<?xml'
			rsvg-convert "$f" -o "${f%.svg}.png"
		done
		run_to back.cbor "$QR" decode codes/*.png
		assert_status 0
		assert_file_equal back.cbor "$b"
		rm -r codes back.cbor
	done
}

@test "qr: every bundle type round-trips through a PDF rasterised at 150 and 300 dpi" {
	local b dpi pages=0 n
	for b in "${ALL[@]}"; do
		run --separate-stderr "$QR" encode "$b" --format pdf --out sheet.pdf \
		    --date 2026-01-02
		assert_status 0
		n=$(pdfinfo sheet.pdf | sed -n 's/^Pages: *//p')
		pages=$((pages + n))
		for dpi in 150 300; do
			pdftoppm -png -r "$dpi" sheet.pdf page
			run_to back.cbor "$QR" decode page-*.png
			assert_status 0
			assert_file_equal back.cbor "$b"
			rm page-*.png back.cbor
		done
		rm sheet.pdf
	done
	# One page per code: the transcript's two parts are two pages.
	[ "$pages" -eq $((${#ALL[@]} + 1)) ] || fail "$pages pages"
	# Many bundles in one PDF: a page each, in order.
	"$QR" encode "${ALL[@]:0:3}" --format pdf --out three.pdf
	[ "$(pdfinfo three.pdf | sed -n 's/^Pages: *//p')" -eq 3 ]
	pdftoppm -png -r 150 -f 2 -l 2 -singlefile three.pdf two
	run_to back.cbor "$QR" decode two.png
	assert_file_equal back.cbor "${ALL[1]}"
}

@test "qr: every bundle type round-trips through the terminal, rendered to pixels" {
	local b
	for b in "${ALL[@]}"; do
		"$QR" encode "$b" >screen.txt
		# black on white whatever the terminal's theme
		grep -q $'\e\[30;107m' screen.txt
		"$PYTHON" "$SCREEN" screen.txt screen.png
		run_to back.cbor "$QR" decode screen.png
		assert_status 0
		assert_file_equal back.cbor "$b"
		# Without colours, on a dark terminal: light ink on dark.
		"$QR" encode "$b" --plain >plain.txt
		! grep -q $'\e' plain.txt
		"$PYTHON" "$SCREEN" plain.txt dark.png --dark --cell=6x12
		run_to back.cbor "$QR" decode dark.png
		assert_status 0
		assert_file_equal back.cbor "$b"
	done
}

@test "qr: a single code holds exactly the --armor text, in alphanumeric mode" {
	local b=$FX/sealed/share-2-of-3.cbor text
	"$QR" encode "$b" --format png --out code.png
	text=$(zbarimg -q --raw -Sdisable -Sqrcode.enable code.png 2>/dev/null)
	[[ "$text" == SYM1:* ]]
	"$QR" decode code.png --armor >armor.txt
	[ "$text" = "$(cat armor.txt)" ]
	# every character is in the QR alphanumeric set (base45's alphabet)
	! printf '%s' "$text" | LC_ALL=C grep -q '[^0-9A-Z $%*+./:-]'
}

@test "qr: a bundle too large for one code is cut into parts, read in any order" {
	local b=$FX/transcript.cbor n
	[ "$(wc -c <"$b")" -gt 1300 ] || fail "transcript is only $(wc -c <"$b") bytes"
	# Too large for one version-40 code at level H: parts, not an error.
	run --separate-stderr "$QR" encode "$b" --format png --level H --out-dir h
	assert_status 0
	n=$(ls h | wc -l)
	[ "$n" -ge 2 ] || fail "$n codes at level H"
	[ -e h/transcript-part-1-of-$n.png ]
	# Smaller codes, more parts: backwards, with repeats.
	"$QR" encode "$b" --format png --max-version 10 --out-dir p
	n=$(ls p | wc -l)
	[ "$n" -ge 4 ] || fail "only $n parts"
	zbarimg -q --raw p/transcript-part-1-of-$n.png 2>/dev/null | grep -q '^SYMP1:'
	mapfile -t parts < <(ls p/*.png | sort -r)
	run_to back.cbor "$QR" decode "${parts[@]}" p/transcript-part-2-of-$n.png \
	    "${parts[0]}"
	assert_status 0
	assert_file_equal back.cbor "$b"
	# Every part its own page, and the pages read back in any order.
	"$QR" encode "$b" --format pdf --max-version 10 --out parts.pdf
	[ "$(pdfinfo parts.pdf | sed -n 's/^Pages: *//p')" -eq "$n" ]
	pdftotext parts.pdf - | grep -q "Part 2 of $n of bundle"
	pdftoppm -png -r 150 parts.pdf page
	mapfile -t pages < <(ls page-*.png | sort -r)
	run_to back2.cbor "$QR" decode "${pages[@]}"
	assert_status 0
	assert_file_equal back2.cbor "$b"
	# All the parts on one page (a phone photo of a screen): one image.
	"$QR" encode "$b" --max-version 10 --plain >screen.txt
	"$PYTHON" "$SCREEN" screen.txt screen.png
	run --separate-stderr "$VERIFY" screen.png
	assert_status 0
}

@test "qr: several bundles decode into a directory, named by what they are" {
	"$QR" encode "$FX/seal/share-2-of-3.cbor" "$FX/seal/manifest.cbor" \
	    "$FX/ids/bob.pub" --format png --out-dir codes
	[ -e codes/share-2-of-3.png ] && [ -e codes/manifest.png ] && [ -e codes/bob.png ]
	run --separate-stderr "$QR" decode codes/*.png --out-dir back
	assert_status 0
	assert_file_equal back/share-2-of-3.cbor "$FX/seal/share-2-of-3.cbor"
	assert_file_equal back/manifest.cbor "$FX/seal/manifest.cbor"
	assert_file_equal back/identity.cbor "$FX/ids/bob.pub"
	[ "$(stat -c %a back/share-2-of-3.cbor)" = 600 ]
	# --armor: the text form, one per line, to standard output.
	run --separate-stderr "$QR" decode codes/*.png --armor
	assert_status 0
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == SYM1:* ]]
	# Refused where they would not fit: several into one file.
	run --separate-stderr "$QR" decode codes/*.png --out one.cbor
	assert_status 2
	assert_usage_error symbolon-qr '3 bundles decoded: give --out-dir DIR'
	[ ! -e one.cbor ]
}

@test "qr: jsQR, an independent decoder, reads every code symbolon writes" {
	local b f want codes=0
	for b in "${ALL[@]}"; do
		"$QR" encode "$b" --format png --module 4 --out-dir codes
		for f in codes/*.png; do
			# what zbar reads, and for a single code the --armor text
			want=$(zbarimg -q --raw "$f" 2>/dev/null | head -c -1 | hex_encode)
			[ -n "$want" ]
			if [ "$(ls codes | wc -l)" -eq 1 ]; then
				[ "$want" = "$("$QR" decode "$f" --armor | tr -d '\n' | hex_encode)" ]
			fi
			run --separate-stderr node "$TOP/tests/interop/qr-decode.mjs" "$f"
			assert_status 0
			[ "$output" = "$want" ] || fail "jsQR read other bytes from $f"
			codes=$((codes + 1))
		done
		rm -r codes
	done
	[ "$codes" -eq 12 ]
	# and the code on a share sheet, rasterised at 150 dpi, framed as a
	# phone frames it (jsQR searches a whole page's text for finder
	# patterns too, and now and then settles on a wrong one)
	"$QR" encode "$FX/sealed/share-1-of-3.cbor" --format pdf --out sheet.pdf
	pdftoppm -png -r 150 -x 200 -y 200 -W 840 -H 820 -singlefile sheet.pdf sheet
	run --separate-stderr node "$TOP/tests/interop/qr-decode.mjs" sheet.png
	assert_status 0
	[ "$output" = "$("$QR" decode sheet.png --armor | tr -d '\n' | hex_encode)" ]
}

@test "qr: symbolon reads codes made by node-qrcode, an independent encoder" {
	local b=$FX/sealed/share-3-of-3.cbor mode
	armor "$b" >text
	for mode in alphanumeric auto; do
		node "$TOP/tests/interop/qr-encode.mjs" "$mode" Q text "$mode.png"
		run_to back.cbor "$QR" decode "$mode.png"
		assert_status 0
		assert_file_equal back.cbor "$b"
	done
	# Byte mode, a binary bundle (first byte 0xD2, not UTF-8): the bytes
	# come back exactly, because zbar is told not to guess a charset.
	node "$TOP/tests/interop/qr-encode.mjs" byte M "$b" byte.png
	run_to back.cbor "$QR" decode byte.png
	assert_status 0
	assert_file_equal back.cbor "$b"
	# zbarimg as it comes transcodes the same code (the pitfall); with
	# zbar's binary setting it agrees with symbolon.
	zbarimg -q --raw -Sdisable -Sqrcode.enable byte.png 2>/dev/null | head -c -1 >guessed
	! cmp -s guessed "$b"
	zbarimg -q --raw -Sdisable -Sqrcode.enable -Sqrcode.binary byte.png 2>/dev/null >raw
	head -c "$(wc -c <"$b")" raw >raw.cbor
	assert_file_equal raw.cbor "$b"
}

@test "qr: symbolon reads what the qrencode command writes, and zbarimg reads symbolon's" {
	local b=$FX/clear/share-2-of-3.cbor
	armor "$b" >text
	qrencode -l H -s 4 -o qrencode.png <text
	run_to back.cbor "$QR" decode qrencode.png
	assert_status 0
	assert_file_equal back.cbor "$b"
	qrencode -8 -l M -s 4 -o binary.png <"$b"
	run_to back.cbor "$QR" decode binary.png
	assert_status 0
	assert_file_equal back.cbor "$b"
	"$QR" encode "$b" --format png --level H --module 3 --out ours.png
	[ "$(zbarimg -q --raw ours.png 2>/dev/null)" = "$(cat text)" ]
}

@test "qr: every program takes a share sheet image where it takes a bundle" {
	local i
	for i in 1 2 3; do
		"$QR" encode "$FX/sealed/share-$i-of-3.cbor" --format pdf --out "sheet-$i.pdf"
		pdftoppm -png -r 150 -singlefile "sheet-$i.pdf" "sheet-$i"
		"$QR" encode "$FX/seal/share-$i-of-3.cbor" --format pdf --out "seal-$i.pdf"
		pdftoppm -png -r 150 -singlefile "seal-$i.pdf" "seal-$i"
	done
	"$QR" encode "$FX/sealed/manifest.cbor" --format png --out manifest.png
	# combine, with sheets, a JPEG scan among them, and keys to open them
	convert sheet-1.png -quality 70 sheet-1.jpg
	run_to recovered "$COMBINE" --manifest manifest.png \
	    --share sheet-3.png --identity "$FX/ids/cat.key" \
	    --share sheet-1.jpg --identity "$FX/ids/ann.key" </dev/null
	assert_status 0
	assert_file_equal recovered "$FX/secret"
	# verify: a sheet against its manifest, no key needed
	run --separate-stderr "$VERIFY" --manifest manifest.png sheet-2.png
	assert_status 0
	[[ "${lines[1]}" == "sheet-2.png: share 2 of 3, bob, "* ]]
	# store: the image unsealed from two sheets' scans
	run --separate-stderr "$STORE" --image "$FX/vault.img" --share seal-3.png \
	    --share seal-2.png get entry-a --out entry </dev/null
	assert_status 0
	assert_file_equal entry "$FX/entry"
}

@test "qr: a share sheet shows the holder, set, position, signer words and instructions" {
	local s=$FX/sealed/share-2-of-3.cbor text words
	run --separate-stderr "$QR" encode "$s" --format pdf --out sheet.pdf \
	    --date 2026-03-04 --contact "the security officer, ext. 4242"
	assert_status 0
	pdfinfo sheet.pdf | grep -Eq '^Page size: +595.* x 841.* pts \(A4\)'
	text=$(pdftotext -layout sheet.pdf -)
	[[ "$text" == *"Key share 2 of 3"* ]]
	[[ "$text" == *bob* ]]
	[[ "$text" == *"share 2 of 3, threshold 2, generation"* ]]
	[[ "$text" == *"encrypted to the holder's identity"* ]]
	[[ "$text" == *2026-03-04* ]]
	[[ "$text" == *"the security officer, ext. 4242"* ]]
	[[ "$text" == *"symbolon verify --manifest manifest.cbor sheet.png"* ]]
	[[ "$text" == *"Tamper-evident bag"*"serial no."* ]]
	# the dealer's fingerprint words, as keygen printed them
	words=$("$VERIFY" "$s" | sed -n 's/.*signer \([0-9A-F ]*\):.*/\1/p')
	[ -n "$words" ]
	[[ "$text" == *"$words"* ]]
	# Letter paper on request; a share in clear says so.
	"$QR" encode "$FX/clear/share-1-of-3.cbor" --format pdf --paper letter --out letter.pdf
	pdfinfo letter.pdf | grep -Eq '^Page size: +612 x 792 pts \(letter\)'
	pdftotext letter.pdf - | grep -q 'IN CLEAR: this sheet is the share itself'
}

@test "qr: output files are not replaced without --force" {
	local b=$FX/ids/ann.pub
	"$QR" encode "$b" --format png --out code.png
	cp code.png before.png
	run --separate-stderr "$QR" encode "$FX/ids/bob.pub" --format png --out code.png
	assert_status 2
	assert_one_error 'symbolon-qr: code.png: file exists \(use --force to replace it\)'
	cmp code.png before.png
	run --separate-stderr "$QR" encode "$FX/ids/bob.pub" --format png --out code.png --force
	assert_status 0
	! cmp -s code.png before.png
}

# refused "IMAGE..." PATTERN : decode refuses the images with one error line matching
# "symbolon-qr: PATTERN", exit 1, and writes nothing.
refused() {
	local images pattern=$2 before
	read -ra images <<<"$1"
	before=$(snapshot)
	run --separate-stderr "$QR" decode "${images[@]}" --out-dir out
	assert_status 1
	assert_no_stdout
	assert_one_error "symbolon-qr: $pattern"
	[ "$(snapshot)" = "$before" ] || fail "decode wrote something"
}

@test "qr: bad images are refused in one line naming the file, nothing written" {
	convert -size 400x300 xc:white blank.png
	refused blank.png 'blank.png: no readable QR code in the image \(none, or damaged\)'
	qrencode -s 4 -o url.png 'https://example.org/symbolon'
	refused url.png 'url.png: QR code is not a symbolon bundle \(no SYM1: or SYMP1: text\)'
	# a share's code with a third of it painted over
	"$QR" encode "$FX/seal/share-1-of-3.cbor" --format png --module 4 --out good.png
	convert good.png -fill white -draw 'rectangle 60,60 260,400' damaged.png
	refused damaged.png 'damaged.png: no readable QR code in the image \(none, or damaged\)'
	printf 'this is a text file\n' >photo.jpg
	refused photo.jpg 'photo.jpg: not a PNG or JPEG image, or a damaged one'
	printf '\377\330\377\340 and then nothing a decoder can use' >broken.jpg
	refused broken.jpg 'broken.jpg: not a PNG or JPEG image, or a damaged one'
	head -c 3000 good.png >cut.png
	refused cut.png 'cut.png: not a PNG or JPEG image, or a damaged one'
	# A real PNG of 8000 x 5001 pixels (5 kB compressed): over the cap,
	# refused before it is decoded.
	"$PYTHON" -c '
import struct, zlib
w, h = 8000, 5001
def chunk(k, d):
    return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
row = b"\0" + b"\xff" * (w // 8)
idat = zlib.compress(row * h, 9)
open("huge.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR",
    struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)) + chunk(b"IDAT", idat) +
    chunk(b"IEND", b""))'
	[ "$(wc -c <huge.png)" -lt 100000 ]
	refused huge.png 'huge.png: image has more pixels than the cap \(40 megapixels\)'
}

@test "qr: a part alone, or parts of two bundles, are refused by name" {
	local n
	"$QR" encode "$FX/transcript.cbor" --format png --max-version 10 --out-dir t
	"$QR" encode "$FX/seal/manifest.cbor" --format png --max-version 5 --out-dir m
	n=$(ls t | wc -l)
	refused t/transcript-part-1-of-$n.png \
	    "t/transcript-part-1-of-$n.png: part 2 of $n of bundle [0-9A-F]{4}-[0-9A-F]{4} is missing"
	refused "t/transcript-part-2-of-$n.png m/manifest-part-1-of-$(ls m | wc -l).png" \
	    "t/transcript-part-2-of-$n.png: parts of different bundles \([0-9A-F]{4}-[0-9A-F]{4}, and another in m/manifest-part-1-of-[0-9]+.png\), none complete"
	# The programs that take a bundle say the same.
	run --separate-stderr "$VERIFY" t/transcript-part-1-of-$n.png
	assert_status 1
	[[ "$output$stderr" == *"a part of the multi-part bundle is missing"* ]]
	run --separate-stderr "$COMBINE" --share t/transcript-part-1-of-$n.png </dev/null
	assert_status 1
	assert_one_error "symbolon-combine: t/transcript-part-1-of-$n.png: a part of the multi-part bundle is missing"
}

@test "qr: usage errors say what is missing, then the synopsis" {
	run --separate-stderr "$QR"
	assert_status 2
	assert_usage_error symbolon-qr 'missing encode or decode'
	run --separate-stderr "$QR" encode
	assert_status 2
	assert_usage_error symbolon-qr 'no BUNDLE to encode'
	run --separate-stderr "$QR" encode "$FX/ids/ann.pub" --format pdf
	assert_status 2
	assert_usage_error symbolon-qr '--format pdf needs --out FILE'
	run --separate-stderr "$QR" encode "$FX/ids/ann.pub" "$FX/ids/bob.pub" --format png --out x.png
	assert_status 2
	assert_usage_error symbolon-qr '2 QR codes, one per file: give --out-dir DIR'
	run --separate-stderr "$QR" encode "$FX/ids/ann.pub" --level X
	assert_status 2
	assert_usage_error symbolon-qr '--level must be L, M, Q or H'
	run --separate-stderr "$QR" encode "$FX/ids/ann.pub" --max-version 41
	assert_status 2
	assert_usage_error symbolon-qr '--max-version must be 1..40'
	run --separate-stderr "$QR" decode
	assert_status 2
	assert_usage_error symbolon-qr 'no IMAGE to decode'
	run --separate-stderr "$QR" decode x.png --camera
	assert_status 2
	assert_usage_error symbolon-qr 'give IMAGE files or --camera, not both'
	[ ! -e x.png ]
}

@test "qr: --camera without a camera is one error line, exit 2" {
	run --separate-stderr "$QR" decode --camera=/dev/nonexistent-video --armor --timeout 2
	assert_status 2
	assert_one_error 'symbolon-qr: /dev/nonexistent-video: camera not available \(no video support, or no such device\)'
}

@test "qr: a bundle that does not verify is not encoded" {
	cp "$FX/clear/share-1-of-3.cbor" bad.cbor
	printf '\x00' | dd of=bad.cbor bs=1 seek=200 conv=notrunc 2>/dev/null
	run --separate-stderr "$QR" encode bad.cbor --format png --out bad.png
	assert_status 1
	assert_one_error 'symbolon-qr: bad.cbor: .*'
	[ ! -e bad.png ]
}
