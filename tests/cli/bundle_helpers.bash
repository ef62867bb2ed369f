# Helpers for the signed-bundle tests (keygen.bats, bundles.bats,
# verify.bats); `load helpers` first, then `load bundle_helpers`.
#
# Fixtures are made in setup_file, once per .bats file, under
# $BATS_FILE_TMPDIR: identities with no passphrase, deals, and forged or
# corrupted bundles.  Nothing binary is committed.  Forgeries that need a
# signature come from build/tests/forge (tests/cli/forge.c), which re-signs
# an edited payload with a key file made by keygen --no-passphrase; base45
# is done here in Python, independently of lib/base45.c, so converting a
# share between its two forms also checks the library's encoding.

KEYGEN=$BIN/symbolon-keygen
VERIFY=$BIN/symbolon-verify
FORGE=$TOP/build/tests/forge

bundle_setup_file() {
	local p
	for p in "$KEYGEN" "$SPLIT" "$COMBINE" "$VERIFY"; do
		[ -x "$p" ] || fail "$p is missing: run 'make all' first"
	done
	[ -x "$FORGE" ] || fail "$FORGE is missing: run 'make unit-tests' first"
}

# make_identities DIR NAME... : DIR/NAME.pub and DIR/NAME.key, no
# passphrase, and what keygen printed in DIR/NAME.keygen.
make_identities() {
	local dir=$1 name
	shift
	mkdir -p "$dir"
	for name in "$@"; do
		"$KEYGEN" identity --name "$name" --out "$dir/$name" \
		    --no-passphrase >"$dir/$name.keygen" 2>/dev/null ||
		    fail "keygen identity $name failed"
	done
}

# signer_lines NAME : the two lines combine prints on stderr to name the
# signer of the shares it took, for identity NAME of the fixtures.
signer_lines() {
	local out=$FIXTURES/ids/$1.keygen
	printf '%-22s %s\n' "shares signed by" \
	    "$(sed -n 's/^Fingerprint    //p' "$out")" \
	    "" "$(sed -n 's/^Read aloud     //p' "$out")"
}

# deal DIR SPLIT-OPTION... : a deal of FIXTURES/secret into DIR (3 of 5
# unless the options say otherwise, which they then must in full).
deal() {
	local dir=$1
	shift
	"$SPLIT" --in "$FIXTURES/secret" --out-dir "$dir" "$@" >/dev/null 2>&1 ||
	    fail "split --out-dir $dir $* failed"
}

# base45_decode TEXTFILE OUT / base45_encode BINFILE OUT : between the
# "SYM1:" text form and binary bundles (RFC 9285, written from the RFC).
_base45_py='
import sys
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
def enc(b):
    out = []
    for i in range(0, len(b) - 1, 2):
        n = b[i] * 256 + b[i + 1]
        out += [A[n % 45], A[n // 45 % 45], A[n // 2025]]
    if len(b) % 2:
        out += [A[b[-1] % 45], A[b[-1] // 45]]
    return "".join(out)
def dec(s):
    v = [A.index(c) for c in s]
    out = bytearray()
    for i in range(0, len(v), 3):
        g = v[i:i + 3]
        n = sum(d * 45 ** k for k, d in enumerate(g))
        if len(g) == 3:
            assert n <= 0xffff
            out += bytes([n >> 8, n & 0xff])
        else:
            assert len(g) == 2 and n <= 0xff
            out.append(n)
    return bytes(out)
mode, src, dst = sys.argv[1:]
if mode == "decode":
    text = open(src).read().strip()
    assert text.startswith("SYM1:")
    open(dst, "wb").write(dec(text[5:]))
else:
    open(dst, "w").write("SYM1:" + enc(open(src, "rb").read()) + "\n")
'
base45_decode() {
	"$PYTHON" -c "$_base45_py" decode "$1" "$2"
}

base45_encode() {
	"$PYTHON" -c "$_base45_py" encode "$1" "$2"
}

# flip_byte FILE OFFSET OUT [MASK] : a copy of FILE with the byte at
# OFFSET xor MASK (default 0x01).
flip_byte() {
	"$PYTHON" -c '
import sys
src, off, dst, mask = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4], 0)
b = bytearray(open(src, "rb").read())
b[off] ^= mask
open(dst, "wb").write(b)' "$1" "$2" "$3" "${4:-0x01}"
}

# every_byte_flipped FILE DIR : DIR/mut-NNNN.cbor for each byte offset of
# FILE, with one bit flipped there (bit offset % 8, so every bit position
# is tried across the file).  Prints the number of files.
every_byte_flipped() {
	mkdir -p "$2"
	"$PYTHON" -c '
import sys
src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
for i in range(len(data)):
    b = bytearray(data)
    b[i] ^= 1 << (i % 8)
    open("%s/mut-%04d.cbor" % (dst, i), "wb").write(b)
print(len(data))' "$1" "$2"
}

# swap_protected BUNDLE DONOR OUT : BUNDLE with DONOR's protected header
# (bytes 2..15: D2 84, then bstr(14) {1: -8, 4: kid(8)}).  The layout is
# checked so that a format change fails here, not somewhere obscure.
swap_protected() {
	local f
	for f in "$1" "$2"; do
		[ "$(head -c 8 "$f" | hex_encode)" = d2844da201270448 ] ||
		    fail "$f: unexpected COSE_Sign1 layout"
	done
	{ head -c 2 "$1"; tail -c +3 "$2" | head -c 14; tail -c +17 "$1"; } >"$3"
}

# reforge BUNDLE KEYFILE OUT [KEY VALUE] : BUNDLE's payload, with top-level
# field KEY set to the uint VALUE, re-signed by KEYFILE.
reforge() {
	local payload=$3.payload
	"$FORGE" payload "$1" >"$payload" || fail "forge payload $1"
	if [ $# -ge 5 ]; then
		"$FORGE" set-uint "$payload" "$4" "$5" >"$payload.new" &&
		    mv "$payload.new" "$payload" || fail "forge set-uint $1 $4 $5"
	fi
	"$FORGE" sign "$2" "$payload" >"$3" || fail "forge sign $1"
	rm -f "$payload"
}

# make_bundle_fixtures : everything under $FIXTURES (exported):
#   ids/NAME.{pub,key}  alice bob carol dave erin (holders), op (the
#                       operator who signs deals), custodian
#   secret              32 random bytes
#   to/       3 of 5, share I encrypted to holder I, signed by op
#   clear/    3 of 5, holders named, shares in clear, signed by op
#   armor/    the same in text form (another set)
#   other/    another 3-of-5 deal like clear/ (another set)
#   custodian/  3 of 5, every share encrypted to custodian
#   forged/   corrupted and forged bundles, from clear/ unless named:
#     tampered-payload.cbor    a bit of the share bytes flipped
#     tampered-signature.cbor  a bit of the signature flipped
#     truncated.cbor           the last byte cut
#     trailing.cbor            a byte added
#     wrong-kid.cbor           share 1 with alice.pub's protected header
#     unknown-type.cbor        share 1 re-signed by op as type 99
#     bad-version.cbor         share 1 re-signed by op as version 2
#     generation-1-I.cbor      share I (1..3) re-signed by op as generation 1
#     impostor.cbor            share 1 re-signed by mallory (as signer)
#     impostor-I.cbor          share I (2, 3) re-signed by mallory
#     manifest-other-created.cbor  clear's manifest re-signed by op with
#                              another creation time: same set, other hash
#     truncated.txt            armor's share 1 cut short (on a group)
#     bad-base45.txt           armor's share 1 with a lower-case letter
#     overflow-base45.txt      armor's share 1 with a triple above 65535
make_bundle_fixtures() {
	local f=$BATS_FILE_TMPDIR/fx ids holders to=() i
	export FIXTURES=$f
	ids=$f/ids
	mkdir -p "$f/forged"
	head -c 32 /dev/urandom >"$f/secret"
	make_identities "$ids" alice bob carol dave erin op mallory custodian
	holders=alice,bob,carol,dave,erin
	for i in alice bob carol dave erin; do
		to+=("$ids/$i.pub")
	done
	deal "$f/to" --key-shares 5 --key-threshold 3 --signer "$ids/op.key" \
	    --to "$(IFS=,; echo "${to[*]}")"
	deal "$f/clear" --key-shares 5 --key-threshold 3 \
	    --signer "$ids/op.key" --holders "$holders"
	deal "$f/armor" --key-shares 5 --key-threshold 3 \
	    --signer "$ids/op.key" --holders "$holders" --armor
	deal "$f/other" --key-shares 5 --key-threshold 3 \
	    --signer "$ids/op.key" --holders "$holders"
	i=$ids/custodian.pub
	deal "$f/custodian" --key-shares 5 --key-threshold 3 \
	    --signer "$ids/op.key" --to "$i,$i,$i,$i,$i"

	local s1=$f/clear/share-1-of-5.cbor g=$f/forged len
	# The forger must reproduce a bundle it did not change byte for
	# byte (Ed25519 is deterministic), or nothing it makes means much.
	reforge "$s1" "$ids/op.key" "$g/resigned.cbor"
	cmp -s "$s1" "$g/resigned.cbor" || fail "forge does not round-trip"
	len=$(wc -c <"$s1")
	# The clear share's y bytes end 64 + 2 (signature and its head) + 1
	# (x) bytes before the end.
	flip_byte "$s1" $((len - 70)) "$g/tampered-payload.cbor"
	flip_byte "$s1" $((len - 1)) "$g/tampered-signature.cbor" 0x40
	head -c $((len - 1)) "$s1" >"$g/truncated.cbor"
	{ cat "$s1"; printf '\0'; } >"$g/trailing.cbor"
	swap_protected "$s1" "$ids/alice.pub" "$g/wrong-kid.cbor"
	reforge "$s1" "$ids/op.key" "$g/unknown-type.cbor" 1 99
	reforge "$s1" "$ids/op.key" "$g/bad-version.cbor" 2 2
	for i in 1 2 3; do
		reforge "$f/clear/share-$i-of-5.cbor" "$ids/op.key" \
		    "$g/generation-1-$i.cbor" 5 1
	done
	reforge "$s1" "$ids/mallory.key" "$g/impostor.cbor"
	for i in 2 3; do
		reforge "$f/clear/share-$i-of-5.cbor" "$ids/mallory.key" \
		    "$g/impostor-$i.cbor"
	done
	reforge "$f/clear/manifest.cbor" "$ids/op.key" \
	    "$g/manifest-other-created.cbor" 9 12345
	local t1=$f/armor/share-1-of-5.txt
	# "SYM1:" and 3 * 40 symbols: whole groups, so it decodes, to too
	# few bytes.
	head -c 125 "$t1" >"$g/truncated.txt"
	sed 's/^\(.\{40\}\)./\1a/' "$t1" >"$g/bad-base45.txt"
	# ":::" is 44 + 44*45 + 44*45^2 = 91124; group-aligned at 5 + 3*10.
	sed 's/^\(.\{35\}\).../\1:::/' "$t1" >"$g/overflow-base45.txt"
}

# The lines of $stderr that report a problem: not progress, not a share
# accepted, not the signer of the shares taken (fingerprint, then words),
# not the warning about memory that cannot be locked.
bundle_error_lines() {
	printf '%s\n' "$stderr" | grep -v -E -e '^Progress [0-9]+/[0-9?]+$' \
	    -e '^[^:]+: share [0-9]+ of [0-9]+(, .*)? accepted$' \
	    -e '^shares signed by +[0-9A-F]{4}( [0-9A-F]{4}){15}$' \
	    -e '^ {23}[A-Za-z-]+( [A-Za-z-]+){11}$' \
	    -e '^$' -e 'warning: memory cannot be locked' || true
}

# assert_one_bundle_error PATTERN : exactly one problem line on stderr,
# matching the extended regular expression PATTERN in full.
assert_one_bundle_error() {
	local lines count
	lines=$(bundle_error_lines)
	count=$(printf '%s' "$lines" | grep -c '' || true)
	[ "$count" -eq 1 ] || fail "expected one error line, got $count:" \
	    "$(printf '\n%s' "$lines")"
	printf '%s\n' "$lines" | grep -Eq "^($1)\$" ||
	    fail "error line '$lines' does not match '$1'"
}

# assert_no_bundle_errors : nothing but progress on stderr.
assert_no_bundle_errors() {
	local lines
	lines=$(bundle_error_lines)
	[ -z "$lines" ] || fail "unexpected errors: $lines"
}

# ere_quote TEXT : TEXT with the extended-regex metacharacters escaped.
ere_quote() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'
}

# combine_refuses BAD PATTERN GOOD... [-- OPTION...] : combine, given a
# first GOOD share, then BAD, then the other GOODs (and the OPTIONs), exits
# 1 and says exactly one thing, naming BAD and matching PATTERN, and
# writes no secret.
combine_refuses() {
	local bad=$1 pattern=$2 before=() after=()
	shift 2
	if [ $# -gt 0 ] && [ "$1" != -- ]; then
		before=(--share "$1")
		shift
	fi
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		after+=(--share "$1")
		shift
	done
	[ $# -gt 0 ] && shift
	run --separate-stderr "$COMBINE" "$@" "${before[@]}" --share "$bad" \
	    "${after[@]}" --out recovered
	assert_status 1
	assert_one_bundle_error "symbolon-combine: $(ere_quote "$bad"): ($pattern)"
	[ ! -e recovered ] || fail "combine wrote recovered"
	assert_no_stdout
}

# verify_refuses FILE PATTERN [OPTION...] : verify reports FILE, and only
# FILE, as INVALID (with a reason matching PATTERN) on one line of
# standard output, says nothing on standard error, and exits 1.
verify_refuses() {
	local file=$1 pattern=$2 lines
	shift 2
	run --separate-stderr "$VERIFY" "$@" "$file"
	assert_status 1
	lines=$(printf '%s\n' "$output" | grep -F -- "$file: " || true)
	[ "$(printf '%s' "$lines" | grep -c '')" -eq 1 ] ||
	    fail "expected one line about $file, got: $output"
	printf '%s\n' "$lines" | grep -Eq "^$(ere_quote "$file"): (.*: )?INVALID: ($pattern)\$" ||
	    fail "'$lines' does not say INVALID: $pattern"
	[ -z "$(bundle_error_lines)" ] || fail "stderr: $stderr"
}
