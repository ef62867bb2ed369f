#!/usr/bin/env bats
# Crash safety of every image update (DESIGN: "a power cut at any write
# leaves an image that opens in the old state or the new one ... Tests
# prove it by failing every write, fsync and rename in turn").
#
# Each operation is run once with SYMBOLON_FAULT_LOG to count its N
# mutating I/O steps; then, for K = 1 .. N+1, from a fresh copy of the same
# starting image, with SYMBOLON_FAULT="K:exit" (the process dies before
# step K), "K:torn" (for the steps that are writes: half the bytes are
# written, then the process dies) and "K:eio" (step K fails; the program
# carries on and reports it); for put also "K:enospc" and "K:erofs".
# After every run: the image opens, holds exactly the old state or exactly
# the new one (status counts, list, every value), the old shares unseal
# it, and verify --image with shares passes.  K = N+1 is the run that is
# not interrupted.  rotate --reencrypt commits after each entry, so its
# "states" are its checkpoints, and running it again must finish the job.
#
# The faults come from the hook of the test build (build/test-bin/, lib/
# fault.h): release programs have none (release.bats).

load helpers
load image_helpers
use_test_build

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	# The starting image: three entries, one of two chunks, one empty.
	make_image start.img sh
	printf 'a value\n' >a.val
	head -c 300000 /dev/urandom >b.val
	: >c.val
	head -c 300000 /dev/urandom >new.val
	put start.img sh a a.val
	put start.img sh b b.val
	put start.img sh c c.val

	local op
	for op in put delete rotate reencrypt; do
		cp start.img "$op.img"
		rm -f "$op.log"
		SYMBOLON_FAULT_LOG=$PWD/$op.log run_op "$op" "$op.img" "$PWD" ||
		    return 1
		image_state "$op.img" "$PWD/sh" >"$op.state" || return 1
	done
	image_state start.img "$PWD/sh" >start.state || return 1
	"$BIN/symbolon-verify" --image start.img --share sh/share-2-of-3.cbor \
	    --share sh/share-3-of-3.cbor </dev/null >/dev/null 2>&1 || return 1
	rm -rf init && mkdir init && (cd init &&
	    SYMBOLON_FAULT_LOG=$PWD/../init.log make_image img sh) || return 1
}

setup() {
	common_setup
	FILES=$BATS_FILE_TMPDIR
}

# run_op OP IMG DIR : the operation under test, on IMG, with the shares and
# values in DIR; output discarded, its exit status returned.
run_op() {
	local op=$1 img=$2 dir=$3
	case $op in
	put)	store "$img" "$dir/sh" put new --in "$dir/new.val" ;;
	delete)	store "$img" "$dir/sh" delete b ;;
	rotate)	"$BIN/symbolon-rotate" --image "$img" --share "$dir/sh/share-1-of-3.cbor" \
		    --share "$dir/sh/share-2-of-3.cbor" </dev/null ;;
	reencrypt) "$BIN/symbolon-rotate" --reencrypt --image "$img" \
		    --share "$dir/sh/share-1-of-3.cbor" \
		    --share "$dir/sh/share-2-of-3.cbor" </dev/null ;;
	*)	return 99 ;;
	esac >/dev/null 2>&1
}

# image_state IMG SHAREDIR : what the image holds, as text: four rows of
# status, then "entry NAME SIZE TERM SHA256" per entry, read back with the
# shares.  Fails if the image does not open or does not unseal.  (Few
# processes: this runs after every one of some 300 interrupted updates.)
image_state() {
	local img=$1 dir=$2 out line name size term rest i
	local -a rows=() files=() sums=()
	out=$("$BIN/symbolon-status" --image "$img" 2>/dev/null) || return 1
	while IFS= read -r line; do
		case $line in
		'Keyring Terms '* | 'Entries '* | 'Audit Records '* | \
		    'Pending Operations '*)
			printf '%s\n' "$line" ;;
		esac
	done <<<"$out"
	out=$(store "$img" "$dir" list 2>/dev/null) || return 1
	mkdir -p values
	while read -r name size term rest; do
		[ "$name" = Name ] && continue
		store "$img" "$dir" get "$name" >"values/${#files[@]}" 2>/dev/null ||
		    return 1
		rows+=("entry $name $size $term")
		files+=("values/${#files[@]}")
	done <<<"$out"
	[ "${#files[@]}" -gt 0 ] || return 0
	mapfile -t sums < <(sha256sum "${files[@]}")
	for i in "${!rows[@]}"; do
		printf '%s %s\n' "${rows[i]}" "${sums[i]%% *}"
	done
}

# verify_ok IMG SHAREDIR MODE : verify --image with shares 2 and 3 passes.
# After a torn header write one copy may be damaged (and said to be):
# then exactly that is reported, and the next update rewrites it.
verify_ok() {
	local img=$1 dir=$2 mode=$3 out
	out=$("$BIN/symbolon-verify" --image "$img" --share "$dir/share-2-of-3.cbor" \
	    --share "$dir/share-3-of-3.cbor" </dev/null 2>&1) && return 0
	[ "$mode" = torn ] || { echo "$out"; return 1; }
	[ "$(grep -c INVALID <<<"$out")" -eq 1 ] &&
	    grep -Eqx '  header copy [01]: INVALID \(damaged or forged\)' <<<"$out" ||
	    { echo "$out"; return 1; }
	store "$img" "$dir" put repair --in /dev/null >/dev/null 2>&1 ||
	    { echo "the update after a torn header failed"; return 1; }
	out=$("$BIN/symbolon-verify" --image "$img" --share "$dir/share-2-of-3.cbor" \
	    --share "$dir/share-3-of-3.cbor" </dev/null 2>&1) ||
	    { echo "$out"; return 1; }
}

# steps OP : N, the number of mutating steps OP takes.
steps() {
	grep -c '' "$FILES/$1.log"
}

# first_header_write OP : K of the first header write: the first write
# after the first fsync (the data is synced before any header is written).
first_header_write() {
	awk '$2 == "fsync" { synced = 1 } synced && $2 == "write" { print $1; exit }' \
	    "$FILES/$1.log"
}

# torn_skips OP MODE K : true if K:MODE would repeat K:exit: a torn write
# writes half and dies, but at any other step "torn" is "exit".
torn_skips() {
	[ "$2" = torn ] && [ "$3" -le "$(steps "$1")" ] &&
	    ! grep -qx "$3 write" "$FILES/$1.log"
}

# crash_loop OP MODE : the loop described at the top, for one operation.
crash_loop() {
	local op=$1 mode=$2 n h k rc got old new
	n=$(steps "$op")
	h=$(first_header_write "$op")
	old=$(cat "$FILES/start.state")
	new=$(cat "$FILES/$op.state")
	[ "$n" -gt 0 ]
	[ -n "$h" ]
	[ "$old" != "$new" ]
	for ((k = 1; k <= n + 1; k++)); do
		torn_skips "$op" "$mode" "$k" && continue
		cp "$FILES/start.img" f.img
		rc=0
		SYMBOLON_FAULT=$k:$mode run_op "$op" f.img "$FILES" || rc=$?
		case $mode in
		exit | torn)
			if [ "$k" -le "$n" ]; then
				[ "$rc" -eq 86 ] || fail "$op K=$k:$mode: exit $rc, not 86"
			else
				[ "$rc" -eq 0 ] || fail "$op K=$k:$mode: exit $rc"
			fi ;;
		*)
			[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] ||
			    fail "$op K=$k:$mode: exit $rc, not 0 or 2"
			if [ "$rc" -ne 0 ] && [ "$k" -le "$h" ]; then
				cmp -s "$FILES/start.img" f.img ||
				    fail "$op K=$k:$mode failed before its first header" \
				    "write but changed the image"
				# the starting image itself: checked in setup_file
				continue
			fi ;;
		esac
		got=$(image_state f.img "$FILES/sh") ||
		    fail "$op K=$k:$mode: the image does not open or unseal:" \
		    "$("$BIN/symbolon-status" --image f.img 2>&1 | tail -n 1)"
		if [ "$op" = reencrypt ]; then
			reencrypt_state_ok "$got" "$old" ||
			    fail "$op K=$k:$mode: state is no checkpoint:" \
			    "$(printf '\n%s' "$got")"
		elif [ "$got" != "$old" ] && [ "$got" != "$new" ]; then
			fail "$op K=$k:$mode: neither the old state nor the new:" \
			    "$(printf '\n%s' "$got")"
		fi
		# An update happens exactly when its first header copy is
		# written (step h): before, the old state; after, the new.  (A
		# torn step h writes the first half of the slot, which may hold
		# all of the header: either state.  The last test cuts headers
		# at chosen bytes.)
		if [ "$op" != reencrypt ]; then
			if [ "$k" -gt "$h" ] && [ "$got" != "$new" ]; then
				fail "$op K=$k:$mode: a header was written, yet the old state"
			fi
			if { [ "$k" -lt "$h" ] ||
			    { [ "$k" -eq "$h" ] && [ "$mode" != torn ]; }; } &&
			    [ "$got" != "$old" ]; then
				fail "$op K=$k:$mode: no header was written, yet the new state"
			fi
		fi
		if [ "$rc" -eq 0 ] && [ "$got" != "$new" ]; then
			fail "$op K=$k:$mode: exit 0, but not the new state:" \
			    "$(printf '\n%s' "$got")"
		fi
		# Resuming depends only on the checkpoint, and the exit loop
		# reaches every one of them.
		if [ "$op" = reencrypt ] && [ "$mode" = exit ]; then
			reencrypt_resumes f.img "$got" "$old" ||
			    fail "$op K=$k:$mode: a second run did not finish the job"
		fi
		verify_ok f.img "$FILES/sh" "$mode" || fail "$op K=$k:$mode: verify --image failed"
	done
	echo "# $op: K=1..$((n + 1)):$mode" >&3
}

# entries_of STATE : the entry lines without their term.
entries_of() {
	local a b c d e
	while read -r a b c d e; do
		[ "$a" = entry ] && printf '%s %s %s %s\n' "$a" "$b" "$c" "$e"
	done <<<"$1"
	return 0
}

# terms_of STATE : "COUNT ACTIVE" from the Keyring Terms row.
terms_of() {
	[[ $1 =~ Keyring\ Terms\ +([0-9]+)\ \(active\ ([0-9]+)\) ]] &&
	    echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
}

# entry_terms STATE : the distinct terms the entries are under.
entry_terms() {
	local a b c d e t
	local -A seen=()
	while read -r a b c d e; do
		[ "$a" = entry ] && seen[$d]=1
	done <<<"$1"
	for ((t = 1; t < 100; t++)); do
		[ -z "${seen[$t]-}" ] || printf '%s ' "$t"
	done
}

# reencrypt_state_ok GOT OLD : rotate --reencrypt commits after each entry,
# so its checkpoints are: the old state; a term added; re-encryption
# started (pending); some entries moved; done (one term).  In all of them
# every value is the old one.
reencrypt_state_ok() {
	local got=$1 old=$2
	[ "$(entries_of "$got")" = "$(entries_of "$old")" ] || return 1
	case $(terms_of "$got") in
	'1 1' | '2 2' | '1 2') ;;
	*) return 1 ;;
	esac
	case $(entry_terms "$got") in
	'1 ' | '1 2 ' | '2 ') ;;
	*) return 1 ;;
	esac
	# pending only between a term added and done
	[[ $got =~ Pending\ Operations\ +none ]] || [ "$(terms_of "$got")" = '2 2' ]
}

# reencrypt_resumes IMG GOT OLD : running rotate --reencrypt again on IMG
# (in state GOT) finishes: one term, every entry under it, the values
# unchanged; a re-encryption that was pending is resumed, not restarted
# with another term.
reencrypt_resumes() {
	local img=$1 got=$2 old=$3 after terms
	run_op reencrypt "$img" "$FILES" || return 1
	after=$(image_state "$img" "$FILES/sh") || return 1
	[ "$(entries_of "$after")" = "$(entries_of "$old")" ] || return 1
	[[ $after =~ Pending\ Operations\ +none ]] || return 1
	terms=$(terms_of "$after")
	[ "${terms% *}" = 1 ] || return 1
	[ "$(entry_terms "$after")" = "${terms#* } " ] || return 1
	if ! [[ $got =~ Pending\ Operations\ +none ]]; then
		got=$(terms_of "$got")
		[ "$terms" = "1 ${got#* }" ] || return 1
	fi
}

@test "step counts and expected states: every update syncs its data before the first header write, and ends with two header copies" {
	local op n h
	for op in init put delete rotate reencrypt; do
		n=$(steps "$op")
		h=$(first_header_write "$op")
		echo "# $op: N = $n mutating steps, first header write at $h" >&3
		[ "$n" -ge 4 ]
		[ -n "$h" ]
		# write, fsync for each of the two header copies
		[ "$(tail -n 4 "$FILES/$op.log" | cut -d' ' -f2 | tr '\n' ' ')" = \
		    "write fsync write fsync " ] || [ "$op" = init ]
	done
	# The states the loops compare against are what the operations should
	# leave.
	local start put
	start=$(cat "$FILES/start.state")
	put=$(cat "$FILES/put.state")
	[[ $start == *"Keyring Terms"*"1 (active 1)"* ]]
	[ "$(entries_of "$start" | cut -d' ' -f2 | tr '\n' ' ')" = "a b c " ]
	[ "$(entry_terms "$start")" = "1 " ]
	[[ $put == *"entry new 300000 1 $(sha256sum <"$FILES/new.val" | cut -c1-64)"* ]]
	[ "$(entries_of "$(cat "$FILES/delete.state")" | cut -d' ' -f2 | tr '\n' ' ')" = "a c " ]
	[[ $(cat "$FILES/rotate.state") == *"Keyring Terms"*"2 (active 2)"* ]]
	[ "$(terms_of "$(cat "$FILES/reencrypt.state")")" = "1 2" ]
	[ "$(entry_terms "$(cat "$FILES/reencrypt.state")")" = "2 " ]
	[ "$(entries_of "$(cat "$FILES/reencrypt.state")")" = "$(entries_of "$start")" ]
	# init ends by linking the image into place, after the shares
	[ "$(tail -n 1 "$FILES/init.log" | cut -d' ' -f2)" = link ]
	[ "$(grep -c link "$FILES/init.log")" -eq 5 ]
}

# ---------------------------------------------------------------- init

# init_loop MODE : init has no old image: after an interrupted run, either
# no image exists, or it opens and its shares unseal it.  A failure it
# reports (eio) leaves nothing behind at all.
init_loop() {
	local mode=$1 n k rc f got left
	n=$(steps init)
	for ((k = 1; k <= n + 1; k++)); do
		torn_skips init "$mode" "$k" && continue
		mkdir "run$k"
		cd "run$k" || return 1
		rc=0
		SYMBOLON_FAULT=$k:$mode make_image img sh 2>/dev/null || rc=$?
		if [ "$mode" != eio ] && [ "$k" -le "$n" ]; then
			[ "$rc" -eq 86 ] || fail "init K=$k:$mode: exit $rc, not 86"
		fi
		if [ "$k" -gt "$n" ]; then
			[ "$rc" -eq 0 ] || fail "init K=$k:$mode: exit $rc"
		fi
		if [ -e img ]; then
			# the image appears last, after all of its shares
			for f in sh/manifest.cbor sh/share-{1,2,3}-of-3.cbor; do
				[ -e "$f" ] ||
				    fail "init K=$k:$mode: an image without $f"
			done
			got=$(image_state img "$PWD/sh") ||
			    fail "init K=$k:$mode: the image does not open or unseal"
			printf '%s\n' "$got" | grep -Eqx 'Entries +0' &&
			    printf '%s\n' "$got" | grep -Eqx 'Audit Records +1' ||
			    fail "init K=$k:$mode: $got"
			verify_ok img "$PWD/sh" "$mode" || fail "init K=$k:$mode: verify --image failed"
		fi
		if [ "$mode" = eio ]; then
			if [ "$rc" -eq 0 ]; then
				[ -e img ] || fail "init K=$k:eio: exit 0 but no image"
			else
				[ "$rc" -eq 2 ] || fail "init K=$k:eio: exit $rc"
				left=$(find . -mindepth 1 ! -path ./sh)
				[ -z "$left" ] ||
				    fail "init K=$k:eio: files left behind: $left"
			fi
		fi
		cd .. || return 1
	done
	echo "# init: K=1..$((n + 1)):$mode" >&3
}

@test "init interrupted at every step (K:exit): no image, or a whole one its shares unseal" {
	init_loop exit
}

@test "init interrupted at every step (K:torn): no image, or a whole one its shares unseal" {
	init_loop torn
}

@test "init failing at every step (K:eio): nothing left behind, or a whole image" {
	init_loop eio
}

# ---------------------------------------------------------------- put

@test "put interrupted at every step (K:exit): old state or new" {
	crash_loop put exit
}

@test "put torn at every step (K:torn): old state or new" {
	crash_loop put torn
}

@test "put failing at every step (K:eio): old state or new" {
	crash_loop put eio
}

@test "put on a full disk at every step (K:enospc): unchanged byte for byte until a header is written" {
	crash_loop put enospc
}

@test "put on a read-only file system at every step (K:erofs): unchanged byte for byte until a header is written" {
	crash_loop put erofs
}

# ---------------------------------------------------------------- delete

@test "delete interrupted at every step (K:exit): old state or new" {
	crash_loop delete exit
}

@test "delete torn at every step (K:torn): old state or new" {
	crash_loop delete torn
}

@test "delete failing at every step (K:eio): old state or new" {
	crash_loop delete eio
}

# ---------------------------------------------------------------- rotate

@test "rotate interrupted at every step (K:exit): old state or new" {
	crash_loop rotate exit
}

@test "rotate torn at every step (K:torn): old state or new" {
	crash_loop rotate torn
}

@test "rotate failing at every step (K:eio): old state or new" {
	crash_loop rotate eio
}

# ---------------------------------------------------------------- rotate --reencrypt

@test "rotate --reencrypt (3 entries) interrupted at every step (K:exit): a checkpoint, and a second run finishes" {
	crash_loop reencrypt exit
}

@test "rotate --reencrypt (3 entries) torn at every step (K:torn): a checkpoint, every value intact" {
	crash_loop reencrypt torn
}

@test "rotate --reencrypt (3 entries) failing at every step (K:eio): a checkpoint, every value intact" {
	crash_loop reencrypt eio
}

# ---------------------------------------------------------------- torn headers

# The fault injector's torn write keeps the first half of the buffer, and a
# header write is a whole 256 KiB slot whose used part is a few KiB: it
# never cuts the header itself.  So here a power cut inside a header write
# is made by hand: the image after a put, with one slot cut back to the
# old bytes from byte CUT on, the other slot old (cut in the first copy
# written) or new (cut in the second).

# splice OLD NEW OUT SLOT CUT OTHER : OUT = NEW, with slot SLOT from byte CUT
# on taken from OLD, and the other slot taken from OTHER (old or new).
splice() {
	"$PYTHON" - "$@" "$SLOT_BYTES" <<'EOF'
import sys
old_p, new_p, out_p, slot, cut, other, slot_bytes = sys.argv[1:]
slot, cut, slot_bytes = int(slot), int(cut), int(slot_bytes)
old, new = open(old_p, "rb").read(), bytearray(open(new_p, "rb").read())
a = slot * slot_bytes
new[a + cut:a + slot_bytes] = old[a + cut:a + slot_bytes]
if other == "old":
    b = (1 - slot) * slot_bytes
    new[b:b + slot_bytes] = old[b:b + slot_bytes]
open(out_p, "wb").write(new)
EOF
}

@test "a header write cut at any byte: the old state while the first copy is incomplete, then the new" {
	local old new slot used cut got
	old=$(cat "$FILES/start.state")
	new=$(cat "$FILES/put.state")
	for slot in 0 1; do
		used=$(slot_length "$FILES/put.img" "$slot")
		for cut in 1 7 8 12 100 $((used / 2)) $((used - 33)) $((used - 1)); do
			splice "$FILES/start.img" "$FILES/put.img" f.img "$slot" "$cut" old
			got=$(image_state f.img "$FILES/sh") ||
			    fail "slot $slot cut at $cut of $used: does not open"
			[ "$got" = "$old" ] ||
			    fail "slot $slot cut at $cut of $used: not the old state"
			verify_ok f.img "$FILES/sh" torn ||
			    fail "slot $slot cut at $cut: verify --image"
			# the first copy whole, the second cut: the new state
			splice "$FILES/start.img" "$FILES/put.img" f.img "$slot" "$cut" new
			got=$(image_state f.img "$FILES/sh") ||
			    fail "slot $slot cut at $cut of $used, other new: does not open"
			[ "$got" = "$new" ] ||
			    fail "slot $slot cut at $cut of $used, other new: not the new state"
		done
		# cut after the last byte used: that copy is whole
		splice "$FILES/start.img" "$FILES/put.img" f.img "$slot" "$used" old
		got=$(image_state f.img "$FILES/sh")
		[ "$got" = "$new" ] || fail "slot $slot whole: not the new state"
	done
}
