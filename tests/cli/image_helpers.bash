# Helpers for the storage-image tests (image.bats, crash.bats); load after
# helpers.bash.
#
# Images are 3 shares, threshold 2, shares as plain (unprotected) bundles
# in a directory; standard input is /dev/null so no prompt ever appears.
# The helpers call bin/symbolon-VERB directly (one exec fewer than the
# dispatcher: crash.bats runs them some 3000 times); the tests call
# `symbolon VERB`.

# shellcheck disable=SC2154 # $stderr and $output are set by bats' run
# shellcheck disable=SC2034 # the layout constants are used by the loaders

# The layout from include/symbolon/image.h.
SLOT_BYTES=262144
DATA_START=524288
STREAM_HEADER=24	# secretstream header before an entry's first chunk
STREAM_ABYTES=17	# added to every chunk

# make_image IMG DIR [ARGS...] : keygen init, 3 shares, threshold 2.
make_image() {
	local img=$1 dir=$2
	shift 2
	"$BIN/symbolon-keygen" init --image "$img" --key-shares 3 \
	    --key-threshold 2 --out-dir "$dir" "$@" </dev/null >/dev/null
}

# store IMG DIR ARGS... : store on IMG with shares 1 and 2 of DIR.
store() {
	local img=$1 dir=$2
	shift 2
	"$BIN/symbolon-store" --image "$img" --share "$dir/share-1-of-3.cbor" \
	    --share "$dir/share-2-of-3.cbor" "$@" </dev/null
}

# store_to FILE IMG DIR ARGS... : store as `run --separate-stderr`, with
# standard output to FILE byte for byte.
store_to() {
	local out=$1 img=$2 dir=$3
	shift 3
	# shellcheck disable=SC2016 # expanded by the inner shell
	run --separate-stderr bash -c 'out=$1; shift; exec "$@" >"$out" </dev/null' \
	    _ "$out" "$BIN/symbolon-store" --image "$img" \
	    --share "$dir/share-1-of-3.cbor" --share "$dir/share-2-of-3.cbor" "$@"
}

# put IMG DIR NAME FILE
put() {
	store "$1" "$2" put "$3" --in "$4" 2>/dev/null
}

# file_hash FILE : the SHA-256 of FILE, alone.
file_hash() {
	sha256sum "$1" | cut -d' ' -f1
}

# byte_at FILE OFFSET : the byte's value, in decimal.
byte_at() {
	od -An -tu1 -j "$2" -N1 "$1" | tr -d ' \n'
}

# set_byte FILE OFFSET VALUE : overwrites one byte in place.
set_byte() {
	# shellcheck disable=SC2059 # the octal escape is the point
	printf "$(printf '\\%03o' "$3")" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# flip_bit FILE OFFSET [MASK] : xors one byte with MASK (default 1).
flip_bit() {
	local b
	b=$(byte_at "$1" "$2")
	[ -n "$b" ] || fail "flip_bit: $1 has no byte at $2"
	set_byte "$1" "$2" $((b ^ ${3:-1}))
}

# slot_length FILE SLOT : the bytes the header slot uses: magic and length
# (12), the envelope, the checksum (32).
slot_length() {
	local base=$(($2 * SLOT_BYTES)) len=0 i
	for i in 8 9 10 11; do
		len=$((len * 256 + $(byte_at "$1" $((base + i)))))
	done
	echo $((12 + len + 32))
}

# set_slot_version FILE SLOT VERSION : writes VERSION into the magic of a
# header slot and seals it again with a valid checksum (BLAKE2b-256,
# personal "symbolon-hdr-v1"): an intact header of another format version.
set_slot_version() {
	"$PYTHON" - "$1" "$2" "$3" "$SLOT_BYTES" <<'EOF'
import hashlib, sys
path, slot, version, slot_bytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(path, "r+b") as f:
    base = slot * slot_bytes
    f.seek(base)
    head = bytearray(f.read(12))
    assert head[:7] == b"SYMBIMG", head
    head[7] = version
    length = int.from_bytes(head[8:12], "big")
    body = bytes(head) + f.read(length)
    sum_ = hashlib.blake2b(body, digest_size=32,
        person=b"symbolon-hdr-v1\0").digest()
    f.seek(base)
    f.write(body + sum_)
EOF
}

# image_error_lines : $stderr without share acceptances, unseal progress
# and the memory-lock warning.
image_error_lines() {
	printf '%s\n' "$stderr" | grep -v -E \
	    -e '^.*: (recovery )?share [0-9]+ of [0-9]+(, .*)? accepted$' \
	    -e '^Unseal Progress [0-9]+/[0-9]+$' -e '^$' \
	    -e 'warning: memory cannot be locked' || true
}

# assert_one_image_error PATTERN : exactly one line of stderr (other than
# the above) and it matches PATTERN (extended, anchored).
assert_one_image_error() {
	local lines count
	lines=$(image_error_lines)
	count=$(printf '%s' "$lines" | grep -c '' || true)
	[ "$count" -eq 1 ] || fail "expected one error line, got $count:" \
	    "$(printf '\n%s' "$lines")"
	printf '%s\n' "$lines" | grep -Eq "^($1)\$" ||
	    fail "error line '$lines' does not match '$1'"
}

# status_field IMG KEY : the value of one row of the status table.
status_field() {
	"$BIN/symbolon-status" --image "$1" | sed -n "s/^$2  *//p"
}

# image_id_text SHAREDIR : the image id as init and errors print it
# (XXXX-XXXX), read from a share with verify.
image_id_text() {
	"$BIN/symbolon-verify" "$1/share-1-of-3.cbor" 2>/dev/null |
	    sed -n 's/.*, set \([0-9A-F]\{4\}-[0-9A-F]\{4\}\),.*/\1/p' | head -n 1
}

# output_lacks PATTERN : no line of $output matches PATTERN (extended).
# (In bats, `! cmd` does not fail a test.)
output_lacks() {
	if printf '%s\n' "$output" | grep -Eq "$1"; then
		fail "output has a line matching '$1': $output"
	fi
}

# no_temporary_files : nothing named *.tmp* in the current directory.
no_temporary_files() {
	if compgen -G '*.tmp*' >/dev/null; then
		fail "temporary files left: $(compgen -G '*.tmp*')"
	fi
}

# unchanged_after IMG COMMAND... : runs COMMAND (as `run
# --separate-stderr`) and fails if IMG changed.
unchanged_after() {
	local img=$1 before after
	shift
	before=$(file_hash "$img")
	run --separate-stderr "$@"
	after=$(file_hash "$img")
	[ "$before" = "$after" ] || fail "$img changed: $*"
}
