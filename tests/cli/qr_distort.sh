#!/usr/bin/env bash
# Degrades a page image the way printing, scanning and photographing do,
# with ImageMagick; shared by tests/cli/qr_robustness.bats and
# tests/bench/bench_qr.sh so both measure the same thing.
#
#   qr_distort.sh list              the distortions, one per line
#   qr_distort.sh NAME IN.png OUT   writes OUT.png (or OUT.jpg for the
#                                   JPEG ones) and prints the path written
#
# Every random choice is seeded (-seed), so a distortion of a given page is
# the same on every run.
set -eu

# The ones the issue names, then harsher ones that show the margin.
names=(clean rotate-3 rotate-8 rotate-15 scale-50 blur noise jpeg-50
	perspective print-scan)
harsh=(scale-25 blur-3 noise-heavy jpeg-10 rotate-45)

case ${1:-} in
list) printf '%s\n' "${names[@]}"; exit 0 ;;
list-harsh) printf '%s\n' "${harsh[@]}"; exit 0 ;;
esac
[ $# -eq 3 ] || { echo "usage: qr_distort.sh list | list-harsh | NAME IN.png OUT" >&2; exit 2; }
name=$1 in=$2 out=$3
im=(convert -limit thread 1 -seed 7 -define png:compression-level=1)
geometry=$(identify -format '%w %h' "$in")
w=${geometry% *} h=${geometry#* }

case $name in
clean) cp "$in" "$out.png" ;;
rotate-3) "${im[@]}" "$in" -background white -rotate 3 "$out.png" ;;
rotate-8) "${im[@]}" "$in" -background white -rotate -8 "$out.png" ;;
rotate-15) "${im[@]}" "$in" -background white -rotate 15 "$out.png" ;;
scale-50) "${im[@]}" "$in" -resize 50% "$out.png" ;;
# A scanner slightly out of focus: Gaussian blur of 1.5 px at 150 dpi.
blur) "${im[@]}" "$in" -blur 0x1.5 "$out.png" ;;
# Sensor noise: Gaussian, strong enough to speckle the white paper.
noise) "${im[@]}" "$in" -attenuate 0.8 +noise Gaussian "$out.png" ;;
jpeg-50) "${im[@]}" "$in" -quality 50 "$out.jpg" ;;
# A phone held not quite square: corners pulled in by 1 to 3 %.
perspective)
	"${im[@]}" "$in" -background white -virtual-pixel white -distort \
	    Perspective "0,0 $((w / 30)),$((h / 60))  $w,0 $((w - w / 50)),0  0,$h 0,$h  $w,$h $((w - w / 100)),$((h - h / 50))" \
	    "$out.png" ;;
# All at once, as a cheap office scan would: tilted, reduced, soft, noisy,
# and saved as a low-quality JPEG.
print-scan)
	"${im[@]}" "$in" -background white -rotate 4 -resize 80% -blur 0x1 \
	    -attenuate 0.5 +noise Gaussian -quality 60 "$out.jpg" ;;
# Harsher: a quarter of the size (37 dpi, about 1.5 pixels a module), a
# blur of 3 px (twice a module's width), noise at three times the
# strength, JPEG quality 10, and a page scanned at 45 degrees.
scale-25) "${im[@]}" "$in" -resize 25% "$out.png" ;;
blur-3) "${im[@]}" "$in" -blur 0x3 "$out.png" ;;
noise-heavy) "${im[@]}" "$in" -attenuate 2.4 +noise Gaussian "$out.png" ;;
jpeg-10) "${im[@]}" "$in" -quality 10 "$out.jpg" ;;
rotate-45) "${im[@]}" "$in" -background white -rotate 45 "$out.png" ;;
*) echo "qr_distort.sh: unknown distortion '$name'" >&2; exit 2 ;;
esac
case $name in
jpeg-50 | jpeg-10 | print-scan) echo "$out.jpg" ;;
*) echo "$out.png" ;;
esac
