#!/usr/bin/env bats
# The storage image from the command line: keygen init, status, store,
# rotate, verify --image and transcripts; then bad input of every kind,
# each refused with one line, a non-zero exit and the image unchanged byte
# for byte.

load helpers
load image_helpers

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	# One image with three entries (one with a space in its name) and
	# another image, for its shares.
	make_image base.img sh --holders alice,bob,carol
	printf 'first value\n' >a.val
	head -c 3000 /dev/urandom >b.val
	: >c.val
	put base.img sh alpha a.val
	put base.img sh 'beta value' b.val
	put base.img sh empty c.val
	make_image other.img other-sh
}

setup() {
	common_setup
	BASE=$BATS_FILE_TMPDIR
	SH=$BASE/sh
	cp "$BASE/base.img" img
}

# ---------------------------------------------------------------- init

@test "keygen init: summary, image and share files (mode 0600), shares check against the manifest" {
	run --separate-stderr "$SYMBOLON" keygen init --image new.img \
	    --key-shares 3 --key-threshold 2 --out-dir shares \
	    --holders alice,bob,carol </dev/null
	assert_status 0
	[ -z "$(error_lines)" ] || fail "stderr: $stderr"
	printf '%s\n' "$output" | grep -Eq '^Image +new\.img$'
	printf '%s\n' "$output" | grep -Eq '^Image ID +[0-9A-F]{4}-[0-9A-F]{4}$'
	printf '%s\n' "$output" | grep -Eq '^Identity Fingerprint +([0-9A-F]{4} ){15}[0-9A-F]{4}$'
	printf '%s\n' "$output" | grep -Eq '^Seal Type +shamir$'
	printf '%s\n' "$output" | grep -Eq '^Total Shares +3$'
	printf '%s\n' "$output" | grep -Eq '^Threshold +2$'
	printf '%s\n' "$output" | grep -Eq '^Generation +1$'
	printf '%s\n' "$output" | grep -Eq '^Unseal Key 1 +shares/share-1-of-3\.cbor  holder alice$'
	printf '%s\n' "$output" | grep -Eq '^Unseal Key 2 +shares/share-2-of-3\.cbor  holder bob$'
	printf '%s\n' "$output" | grep -Eq '^Unseal Key 3 +shares/share-3-of-3\.cbor  holder carol$'
	printf '%s\n' "$output" | grep -q '^Image initialized with 3 key shares and a key threshold of 2\.'
	printf '%s\n' "$output" | grep -q '^WARNING: lost shares cannot be recovered\.'

	# Exactly these files, all 0600; no temporary file left behind.
	[ "$(ls -A | tr '\n' ' ')" = "img new.img shares " ]
	[ "$(ls -A shares | tr '\n' ' ')" = "manifest.cbor share-1-of-3.cbor share-2-of-3.cbor share-3-of-3.cbor " ]
	for f in new.img shares/*; do
		[ "$(stat -c %a "$f")" = 600 ] || fail "$f: mode $(stat -c %a "$f")"
	done
	# Two header slots, then the data area with the first audit record.
	[ "$(stat -c %s new.img)" -gt "$DATA_START" ]
	[ "$(head -c 7 new.img)" = SYMBIMG ]
	[ "$(tail -c +$((SLOT_BYTES + 1)) new.img | head -c 7)" = SYMBIMG ]

	# The id printed is the image's: status shows it in full, the shares
	# carry it as their set.
	local id hex
	id=$(printf '%s\n' "$output" | sed -n 's/^Image ID  *//p')
	hex=$(status_field new.img 'Image ID')
	[ "${hex:0:8}" = "$(printf '%s' "${id/-/}" | tr 'A-F' 'a-f')" ] ||
	    fail "status Image ID $hex does not start with $id"
	[ "$(image_id_text shares)" = "$id" ]
	for i in 1 2 3; do
		run "$SYMBOLON" verify --manifest shares/manifest.cbor \
		    "shares/share-$i-of-3.cbor"
		assert_status 0
		printf '%s\n' "$output" | grep -q "share $i of 3, .*: valid (commitment matches the manifest)"
	done
}

@test "keygen init refuses to overwrite an existing image: exit 2, nothing changed" {
	local before
	before=$(snapshot)
	run --separate-stderr "$SYMBOLON" keygen init --image img \
	    --key-shares 3 --key-threshold 2 --out-dir fresh </dev/null
	assert_status 2
	assert_one_error 'symbolon-keygen: img: file exists.*'
	[ "$(snapshot)" = "$before" ] || fail "files changed"
}

@test "keygen init refuses to overwrite existing share files: exit 2, no image, the old file kept" {
	local before
	mkdir shares
	echo 'keep me' >shares/share-2-of-3.cbor
	before=$(snapshot)
	run --separate-stderr "$SYMBOLON" keygen init --image new.img \
	    --key-shares 3 --key-threshold 2 --out-dir shares </dev/null
	assert_status 2
	assert_one_error 'symbolon-keygen: shares(/share-2-of-3\.cbor)?: .+'
	[ "$(snapshot)" = "$before" ] || fail "files changed"
	[ ! -e new.img ]
}

@test "keygen init: usage errors for a bad threshold or share count" {
	run --separate-stderr "$SYMBOLON" keygen init --image new.img \
	    --key-shares 3 --key-threshold 4 --out-dir shares </dev/null
	assert_usage_error symbolon-keygen '--key-threshold 4: .*'
	run --separate-stderr "$SYMBOLON" keygen init --image new.img \
	    --key-shares 1 --key-threshold 1 --out-dir shares </dev/null
	assert_usage_error symbolon-keygen '--key-shares: .*'
	run --separate-stderr "$SYMBOLON" keygen init --image new.img \
	    --key-shares 3 --key-threshold 2 </dev/null
	assert_usage_error symbolon-keygen 'missing --out-dir.*'
	[ "$(ls -A)" = img ] || fail "files left: $(ls -A)"
}

# ---------------------------------------------------------------- status

@test "status: the Key/Value table" {
	run --separate-stderr "$SYMBOLON" status --image img
	assert_status 0
	printf '%s\n' "$output" | grep -Eq '^Key +Value$'
	printf '%s\n' "$output" | grep -Eq '^Seal Type +shamir$'
	printf '%s\n' "$output" | grep -Eq '^Initialized +true$'
	printf '%s\n' "$output" | grep -Eq '^Sealed +true$'
	printf '%s\n' "$output" | grep -Eq '^Total Shares +3$'
	printf '%s\n' "$output" | grep -Eq '^Threshold +2$'
	printf '%s\n' "$output" | grep -Eq '^Unseal Progress +0/2$'
	printf '%s\n' "$output" | grep -Eq '^Version +[0-9.]+ \(image format 1\)$'
	printf '%s\n' "$output" | grep -Eq '^Image ID +[0-9a-f]{32}$'
	printf '%s\n' "$output" | grep -Eq '^Identity Fingerprint +([0-9A-F]{4} ){15}[0-9A-F]{4}$'
	printf '%s\n' "$output" | grep -Eq '^Generation +1$'
	printf '%s\n' "$output" | grep -Eq '^Keyring Terms +1 \(active 1\)$'
	printf '%s\n' "$output" | grep -Eq '^Entries +3$'
	printf '%s\n' "$output" | grep -Eq '^Audit Records +4$'
	printf '%s\n' "$output" | grep -Eq '^Header Copies +2 of 2 valid, sequence 4$'
	printf '%s\n' "$output" | grep -Eq '^Pending Operations +none$'
}

@test "status --format json: stable keys, values agree with the table" {
	run --separate-stderr "$SYMBOLON" status --image img --format json
	assert_status 0
	printf '%s' "$output" | "$PYTHON" -c '
import json, re, sys
d = json.load(sys.stdin)
keys = ["type", "initialized", "sealed", "n", "t", "recovery_seal",
    "progress", "nonce",
    "version", "format_version", "image_id", "identity_fingerprint",
    "identity_words", "generation", "keyring_terms", "active_term",
    "entries", "audit_records", "header_sequence", "header_copies_valid",
    "pending_operations"]
assert list(d) == keys, list(d)
want = {"type": "shamir", "initialized": True, "sealed": True, "n": 3,
    "t": 2, "recovery_seal": False, "progress": 0, "format_version": 1, "generation": 1,
    "keyring_terms": 1, "active_term": 1, "entries": 3, "audit_records": 4,
    "header_sequence": 4, "header_copies_valid": 2,
    "pending_operations": []}
for k, v in want.items():
    assert d[k] == v and type(d[k]) == type(v), (k, d[k])
assert re.fullmatch("[0-9a-f]{32}", d["image_id"]), d["image_id"]
assert re.fullmatch("[0-9a-f]{64}", d["identity_fingerprint"])
assert len(d["identity_words"].split()) >= 8
'
	local hex
	hex=$(status_field img 'Image ID')
	printf '%s' "$output" | grep -q "\"image_id\": \"$hex\""
}

@test "status needs no shares and changes nothing; usage errors exit 2" {
	unchanged_after img "$SYMBOLON" status --image img --format json
	assert_status 0
	run --separate-stderr "$SYMBOLON" status --image img --format yaml
	assert_usage_error symbolon-status '--format: expected table or json, not yaml'
	run --separate-stderr "$SYMBOLON" status
	assert_usage_error symbolon-status 'missing --image'
}

# ---------------------------------------------------------------- store

@test "store put/get round trips: NUL bytes, an empty value, 5 MB, names with spaces" {
	printf 'a\0b\0\0c\n\0' >nul.val
	: >empty.val
	head -c $((5 * 1024 * 1024)) /dev/urandom >big.val
	printf 'x' >one.val
	run --separate-stderr store img "$SH" put 'with NULs' --in nul.val
	assert_status 0
	[ -z "$output" ]
	run --separate-stderr store img "$SH" put 'an empty one' --in empty.val
	assert_status 0
	run --separate-stderr store img "$SH" put 'five megabytes' --in big.val
	assert_status 0
	# from standard input
	# shellcheck disable=SC2016 # expanded by the inner shell
	run --separate-stderr bash -c '"$1" store --image img --share "$2/share-1-of-3.cbor" --share "$2/share-3-of-3.cbor" put "  spaced  name " <one.val' _ "$SYMBOLON" "$SH"
	assert_status 0

	store_to got img "$SH" get 'with NULs'
	assert_status 0
	assert_file_equal got nul.val
	store_to got img "$SH" get 'an empty one'
	assert_status 0
	[ ! -s got ]
	store_to got img "$SH" get 'five megabytes'
	assert_status 0
	assert_file_equal got big.val
	store_to got img "$SH" get '  spaced  name '
	assert_status 0
	assert_file_equal got one.val
	# the entries from setup are still there
	store_to got img "$SH" get 'beta value'
	assert_status 0
	assert_file_equal got "$BASE/b.val"

	run --separate-stderr store img "$SH" list
	assert_status 0
	[ "$(printf '%s\n' "$output" | head -n 1 | tr -s ' ')" = "Name Size Term Modified" ]
	printf '%s\n' "$output" | grep -Eq '^with NULs +8 +1  [0-9T:-]+Z$'
	printf '%s\n' "$output" | grep -Eq '^an empty one +0 +1  '
	printf '%s\n' "$output" | grep -Eq '^five megabytes +5242880 +1  '
	printf '%s\n' "$output" | grep -Eq '^  spaced  name  +1 +1  '
	printf '%s\n' "$output" | grep -Eq '^beta value +3000 +1  '
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 8 ]
	[ "$(status_field img Entries)" = 7 ]
	[ "$(status_field img 'Audit Records')" = 8 ]
}

@test "store put replaces an entry's value" {
	printf 'second\n' >new.val
	run --separate-stderr store img "$SH" put alpha --in new.val
	assert_status 0
	store_to got img "$SH" get alpha
	assert_file_equal got new.val
	[ "$(status_field img Entries)" = 3 ]
}

@test "store get --out writes mode 0600, never overwrites without --force" {
	run --separate-stderr store img "$SH" get 'beta value' --out got
	assert_status 0
	assert_file_equal got "$BASE/b.val"
	[ "$(stat -c %a got)" = 600 ]

	echo 'precious' >keep
	run --separate-stderr store img "$SH" get alpha --out keep
	assert_status 2
	assert_one_image_error 'symbolon-store: keep: file exists.*'
	[ "$(cat keep)" = precious ]

	run --separate-stderr store img "$SH" get alpha --out keep --force
	assert_status 0
	assert_file_equal keep "$BASE/a.val"
	[ "$(stat -c %a keep)" = 600 ]
	no_temporary_files
}

@test "store delete removes one entry; the others stay readable" {
	run --separate-stderr store img "$SH" delete 'beta value'
	assert_status 0
	run --separate-stderr store img "$SH" list
	assert_status 0
	output_lacks '^beta value'
	printf '%s\n' "$output" | grep -q '^alpha '
	printf '%s\n' "$output" | grep -q '^empty '
	store_to got img "$SH" get alpha
	assert_status 0
	assert_file_equal got "$BASE/a.val"
	store_to got img "$SH" get 'beta value'
	assert_status 1
	assert_one_image_error 'symbolon-store: beta value: no such entry'
	[ "$(status_field img Entries)" = 2 ]
}

@test "store: usage errors (no operation, bad name, --out with put) exit 2 and change nothing" {
	unchanged_after img "$SYMBOLON" store --image img --share "$SH/share-1-of-3.cbor"
	assert_usage_error symbolon-store 'missing operation: .*'
	unchanged_after img "$SYMBOLON" store --image img --share "$SH/share-1-of-3.cbor" put "$(printf 'bad\tname')" --in /dev/null
	assert_usage_error symbolon-store 'NAME: .*'
	unchanged_after img "$SYMBOLON" store --image img put x --out y
	assert_usage_error symbolon-store '--out goes with get'
	unchanged_after img "$SYMBOLON" store --image img frobnicate x
	assert_usage_error symbolon-store 'unknown operation: frobnicate'
}

# ---------------------------------------------------------------- rotate

@test "rotate adds a keyring term; old entries still read, new ones use it" {
	run --separate-stderr "$SYMBOLON" rotate --image img \
	    --share "$SH/share-1-of-3.cbor" --share "$SH/share-3-of-3.cbor" </dev/null
	assert_status 0
	[ "$output" = "Success! Installed key term 2." ]
	[ "$(status_field img 'Keyring Terms')" = "2 (active 2)" ]
	printf 'after rotate\n' >d.val
	put img "$SH" delta d.val
	run --separate-stderr store img "$SH" list
	printf '%s\n' "$output" | grep -Eq '^alpha +12 +1  '
	printf '%s\n' "$output" | grep -Eq '^delta +13 +2  '
	store_to got img "$SH" get alpha
	assert_status 0
	assert_file_equal got "$BASE/a.val"
	store_to got img "$SH" get delta
	assert_file_equal got d.val
}

@test "rotate --reencrypt moves every entry to the newest term and leaves one term" {
	run --separate-stderr "$SYMBOLON" rotate --image img \
	    --share "$SH/share-1-of-3.cbor" --share "$SH/share-2-of-3.cbor" </dev/null
	assert_status 0
	run --separate-stderr "$SYMBOLON" rotate --image img --reencrypt \
	    --share "$SH/share-1-of-3.cbor" --share "$SH/share-2-of-3.cbor" </dev/null
	assert_status 0
	printf '%s\n' "$output" | grep -qx 'Success! Installed key term 3.'
	printf '%s\n' "$output" | grep -qx 'Re-encrypted every entry under term 3; 1 term remains.'
	[ "$(status_field img 'Keyring Terms')" = "1 (active 3)" ]
	[ "$(status_field img 'Pending Operations')" = none ]
	run --separate-stderr store img "$SH" list
	[ "$(printf '%s\n' "$output" | tail -n +2 | awk '{ print $(NF-1) }' | sort -u)" = 3 ]
	store_to got img "$SH" get alpha
	assert_file_equal got "$BASE/a.val"
	store_to got img "$SH" get 'beta value'
	assert_file_equal got "$BASE/b.val"
	store_to got img "$SH" get empty
	assert_status 0
	[ ! -s got ]
	run --separate-stderr "$SYMBOLON" verify --image img \
	    --share "$SH/share-2-of-3.cbor" --share "$SH/share-3-of-3.cbor" </dev/null
	assert_status 0
}

# ---------------------------------------------------------------- verify

@test "verify --image without shares: both header copies, the audit log" {
	unchanged_after img "$SYMBOLON" verify --image img
	assert_status 0
	printf '%s\n' "$output" | grep -Eq '^img: image [0-9A-F]{4}-[0-9A-F]{4}, identity ([0-9A-F]{4} ){3}[0-9A-F]{4}, generation 1$'
	printf '%s\n' "$output" | grep -qx '  header copy 0: valid (checksum, identity signature)'
	printf '%s\n' "$output" | grep -qx '  header copy 1: valid (checksum, identity signature)'
	printf '%s\n' "$output" | grep -qx '  audit log: 4 records, chain and signatures valid'
	output_lacks 'unsealed'
}

@test "verify --image with shares: unseals and authenticates every entry" {
	unchanged_after img "$SYMBOLON" verify --image img \
	    --share "$SH/share-3-of-3.cbor" --share "$SH/share-1-of-3.cbor"
	assert_status 0
	printf '%s\n' "$output" | grep -qx '  unsealed: root key, keyring, index and header MAC valid'
	printf '%s\n' "$output" | grep -qx '  entries: all 3 authenticate'
}

@test "verify --transcript exports the audit log; verify TRANSCRIPT checks it; one flipped byte is refused" {
	run --separate-stderr "$SYMBOLON" verify --image img --transcript audit.cbor \
	    --share "$SH/share-1-of-3.cbor" --share "$SH/share-2-of-3.cbor" </dev/null
	assert_status 0
	printf '%s\n' "$output" | grep -qx '  transcript: audit.cbor (4 records)'
	[ -s audit.cbor ]

	run --separate-stderr "$SYMBOLON" verify audit.cbor
	assert_status 0
	local id
	id=$(image_id_text "$SH")
	printf '%s\n' "$output" | grep -Eq "^audit.cbor: transcript of image $id, identity .*, 4 records, .*: valid$"
	printf '%s\n' "$output" | grep -Eq '^  #1 +[0-9T:-]+Z +init +shamir seal, 2 of 3 shares, generation 1$'
	printf '%s\n' "$output" | grep -Eq '^  #2 +[0-9T:-]+Z +put +entry alpha$'
	printf '%s\n' "$output" | grep -Eq '^  #3 +[0-9T:-]+Z +put +entry beta value$'
	printf '%s\n' "$output" | grep -Eq '^  #4 +[0-9T:-]+Z +put +entry empty$'

	# Never overwritten.
	cp audit.cbor kept
	run --separate-stderr "$SYMBOLON" verify --image img --transcript audit.cbor
	assert_status 2
	assert_one_error 'symbolon-verify: audit.cbor: file exists.*'
	cmp -s audit.cbor kept

	# One byte flipped anywhere (the middle, the signature at the end).
	local size off
	size=$(stat -c %s audit.cbor)
	for off in $((size / 2)) $((size - 5)); do
		cp kept bad.cbor
		flip_bit bad.cbor "$off"
		run --separate-stderr "$SYMBOLON" verify bad.cbor
		assert_status 1
		printf '%s\n' "$output" | grep -Eq '^bad\.cbor: INVALID: .+$' ||
		    fail "offset $off: $output"
		output_lacks 'valid$'
	done
}

# ---------------------------------------------------------------- shares

@test "shares of another image are refused by name, with both image ids; nothing changes" {
	local mine theirs
	cp -r "$BASE/other-sh" other
	mine=$(image_id_text "$SH")
	theirs=$(image_id_text other)
	[ -n "$mine" ]
	[ -n "$theirs" ]
	[ "$mine" != "$theirs" ]
	unchanged_after img "$SYMBOLON" store --image img \
	    --share other/share-1-of-3.cbor --share other/share-2-of-3.cbor list </dev/null
	assert_status 1
	assert_one_image_error "symbolon-store: other/share-1-of-3.cbor: share belongs to image $theirs, not $mine"
	# One of ours and one of theirs: the stranger is named.
	unchanged_after img "$SYMBOLON" store --image img \
	    --share "$SH/share-1-of-3.cbor" --share other/share-3-of-3.cbor \
	    put x --in /dev/null </dev/null
	assert_status 1
	assert_one_image_error "symbolon-store: other/share-3-of-3.cbor: share belongs to image $theirs, not $mine"
	unchanged_after img "$SYMBOLON" rotate --image img \
	    --share other/share-1-of-3.cbor --share other/share-2-of-3.cbor </dev/null
	assert_status 1
	assert_one_image_error "symbolon-rotate: other/share-1-of-3.cbor: share belongs to image $theirs, not $mine"
}

@test "too few shares: exit 1, nothing changes" {
	unchanged_after img "$SYMBOLON" store --image img \
	    --share "$SH/share-2-of-3.cbor" put x --in /dev/null </dev/null
	assert_status 1
	assert_one_image_error 'symbolon-store: only 1 of 2 shares given'
	unchanged_after img "$SYMBOLON" store --image img list </dev/null
	assert_status 1
	assert_one_image_error 'symbolon-store: only 0 of 2 shares given'
}

@test "the same share twice is refused: exit 1, nothing changes" {
	unchanged_after img "$SYMBOLON" store --image img \
	    --share "$SH/share-2-of-3.cbor" --share "$SH/share-2-of-3.cbor" list </dev/null
	assert_status 1
	assert_one_image_error ".*/share-2-of-3.cbor: share 2 of 3 was already entered"
}

@test "a tampered share is refused: exit 1, nothing changes" {
	local size off
	size=$(stat -c %s "$SH/share-3-of-3.cbor")
	for off in 40 $((size / 2)) $((size - 3)); do
		cp "$SH/share-3-of-3.cbor" bad.cbor
		flip_bit bad.cbor "$off"
		unchanged_after img "$SYMBOLON" store --image img \
		    --share "$SH/share-1-of-3.cbor" --share bad.cbor \
		    put x --in /dev/null </dev/null
		assert_status 1
		assert_one_image_error 'symbolon-store: bad\.cbor: .+'
	done
}

# ---------------------------------------------------------------- bad images

# refused IMG PATTERN : status, store list, store put and verify --image
# all refuse IMG with one line matching PATTERN and leave it unchanged.
refused() {
	local img=$1 pattern=$2
	unchanged_after "$img" "$SYMBOLON" status --image "$img"
	assert_status 1
	assert_one_error "symbolon-status: $img: $pattern"
	unchanged_after "$img" store "$img" "$SH" list
	assert_status 1
	assert_one_image_error "symbolon-store: $img: $pattern"
	unchanged_after "$img" store "$img" "$SH" put new --in "$BASE/a.val"
	assert_status 1
	assert_one_image_error "symbolon-store: $img: $pattern"
	unchanged_after "$img" "$SYMBOLON" verify --image "$img"
	assert_status 1
	printf '%s\n' "$output" | grep -Eqx "$img: INVALID: $pattern" ||
	    fail "verify: $output"
}

@test "an image cut short in its data area is refused" {
	truncate -s $(($(stat -c %s img) - 100)) img
	refused img 'input is truncated'
	truncate -s $((DATA_START + 10)) img
	refused img 'input is truncated'
}

@test "an image cut short in its header is refused" {
	cp img img2
	truncate -s $((SLOT_BYTES + 1000)) img
	refused img 'input is truncated'
	# Cut inside copy 0: neither copy is whole.
	truncate -s 100 img2
	refused img2 '(input is truncated|both header copies are damaged or forged)'
}

# damaged_copy SLOT : one header copy damaged; the other carries the image.
damaged_copy() {
	local slot=$1 base=$(($1 * SLOT_BYTES)) used
	used=$(slot_length img "$slot")
	flip_bit img $((base + 100))
	flip_bit img $((base + used - 1)) 128	# its checksum too

	unchanged_after img "$SYMBOLON" status --image img
	assert_status 0
	printf '%s\n' "$output" | grep -Eq '^Header Copies +1 of 2 valid \(.*\), sequence 4$'
	unchanged_after img "$SYMBOLON" status --image img --format json
	assert_status 0
	printf '%s\n' "$output" | grep -q '"header_copies_valid": 1,'
	store_to got img "$SH" get 'beta value'
	assert_status 0
	assert_file_equal got "$BASE/b.val"
	unchanged_after img "$SYMBOLON" verify --image img
	assert_status 1
	printf '%s\n' "$output" | grep -qx "  header copy $slot: INVALID (damaged or forged)"
	printf '%s\n' "$output" | grep -qx "  header copy $((1 - slot)): valid (checksum, identity signature)"
	printf '%s\n' "$output" | grep -qx '  audit log: 4 records, chain and signatures valid'
	# The next update rewrites the damaged copy.
	put img "$SH" new "$BASE/a.val"
	[ "$(status_field img 'Header Copies')" = "2 of 2 valid, sequence 5" ]
	run --separate-stderr "$SYMBOLON" verify --image img \
	    --share "$SH/share-1-of-3.cbor" --share "$SH/share-2-of-3.cbor" </dev/null
	assert_status 0
}

@test "a flipped bit in header copy 0 only: status and get still work, 1 of 2 valid" {
	damaged_copy 0
}

@test "a flipped bit in header copy 1 only: status and get still work, 1 of 2 valid" {
	damaged_copy 1
}

@test "flipped bits in both header copies: refused" {
	flip_bit img 100
	flip_bit img $((SLOT_BYTES + 100))
	refused img 'both header copies are damaged or forged'
}

@test "a flipped bit in one entry's ciphertext: that entry refused by name, the others readable" {
	local before after size=5000 off
	head -c $size /dev/urandom >victim.val
	before=$(stat -c %s img)
	put img "$SH" victim victim.val
	after=$(stat -c %s img)
	# The entry starts where the file ended; its audit record follows.
	[ $((after - before)) -gt $((STREAM_HEADER + size + STREAM_ABYTES)) ]
	put img "$SH" later "$BASE/a.val"
	off=$((before + STREAM_HEADER + size / 2))
	flip_bit img "$off"

	unchanged_after img store img "$SH" get victim
	assert_status 1
	assert_one_image_error 'symbolon-store: victim: stored data fails authentication.*'
	unchanged_after img store img "$SH" get victim --out got
	assert_status 1
	assert_one_image_error 'symbolon-store: victim: stored data fails authentication.*'
	[ ! -e got ]
	no_temporary_files
	for name in alpha 'beta value' later; do
		store_to got img "$SH" get "$name"
		assert_status 0
	done
	assert_file_equal got "$BASE/a.val"
	unchanged_after img "$SYMBOLON" verify --image img \
	    --share "$SH/share-1-of-3.cbor" --share "$SH/share-2-of-3.cbor"
	assert_status 1
	printf '%s\n' "$output" | grep -Eqx '  entry victim: INVALID: stored data fails authentication.*'
	# Headers and audit log are untouched by the damage.
	printf '%s\n' "$output" | grep -qx '  audit log: 6 records, chain and signatures valid'
	[ "$(status_field img 'Header Copies')" = "2 of 2 valid, sequence 6" ]
}

@test "the stream header of an entry damaged: that entry refused by name" {
	local before
	before=$(stat -c %s img)
	put img "$SH" victim "$BASE/b.val"
	flip_bit img $((before + 3))
	unchanged_after img store img "$SH" get victim
	assert_status 1
	assert_one_image_error 'symbolon-store: victim: stored data fails authentication.*'
	store_to got img "$SH" get alpha
	assert_status 0
}

@test "a file that is not an image is refused" {
	head -c $((DATA_START + 4096)) /dev/urandom >random.img
	refused random.img 'not a symbolon image'
	: >empty.img
	refused empty.img 'not a symbolon image'
	cp "$SH/share-1-of-3.cbor" share.img
	refused share.img 'not a symbolon image'
	run --separate-stderr "$SYMBOLON" status --image .
	assert_status 2
	assert_one_error 'symbolon-status: \.: is a directory'
	run --separate-stderr "$SYMBOLON" status --image missing.img
	assert_status 2
	assert_one_error 'symbolon-status: missing\.img: no such file or directory'
	[ ! -e missing.img ]
}

@test "an image of a newer format version is refused" {
	[ "$(byte_at img 7)" = 1 ]
	[ "$(byte_at img $((SLOT_BYTES + 7)))" = 1 ]
	set_slot_version img 0 2
	set_slot_version img 1 2
	refused img 'unsupported format version'
}

@test "a header copy of a newer version beside a current one: refused, not rolled back" {
	# An intact newer header means a newer program has written this
	# image; opening the older copy would roll it back.
	set_slot_version img 1 2
	refused img 'unsupported format version'
}

@test "a flipped bit in the version byte of one header copy: the other copy carries the image" {
	flip_bit img 7 3
	unchanged_after img "$SYMBOLON" status --image img
	assert_status 0
	printf '%s\n' "$output" | grep -Eq '^Header Copies +1 of 2 valid '
	store_to got img "$SH" get alpha
	assert_status 0
	assert_file_equal got "$BASE/a.val"
}

@test "a missing entry: get and delete exit 1 naming it, nothing changes" {
	unchanged_after img store img "$SH" get nosuch
	assert_status 1
	assert_one_image_error 'symbolon-store: nosuch: no such entry'
	[ -z "$output" ]
	unchanged_after img store img "$SH" get nosuch --out got
	assert_status 1
	assert_one_image_error 'symbolon-store: nosuch: no such entry'
	[ ! -e got ]
	unchanged_after img store img "$SH" delete nosuch
	assert_status 1
	assert_one_image_error 'symbolon-store: nosuch: no such entry'
}

@test "a full disk during put (SYMBOLON_FAULT=K:enospc): exit 2, the image unchanged byte for byte" {
	local BIN=$TEST_BIN	# the programs with the fault hook
	head -c 600000 /dev/urandom >big.val	# three chunks
	# 1: the entry's stream header; 2: its first chunk (after the header
	# was appended).
	for k in 1 2 3; do
		export SYMBOLON_FAULT=$k:enospc
		unchanged_after img store img "$SH" put new --in big.val
		unset SYMBOLON_FAULT
		assert_status 2
		# (The error names the input file, not the image: reported.)
		assert_one_image_error 'symbolon-store: (img|big\.val): no space left on device'
	done
	run --separate-stderr store img "$SH" list
	output_lacks '^new '
}
