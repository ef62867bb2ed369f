#!/usr/bin/env bats
# Rekey crash safety (issue 5): the completion of a rekey (without and
# with --verify) and the verification commit, interrupted at every
# mutating file operation (SYMBOLON_FAULT, lib/fault.h; the test build):
# "exit" dies before the operation, "torn" writes half of it and dies, as
# a power cut would; "eio" fails it.
#
# After each interrupted run exactly one of {old shares, new shares}
# unseals the image, and which one agrees with whether the commit happened
# (the image shows a new header sequence number: never before the step
# that writes the first header copy, always after it); `verify --image`
# passes with the shares that work (after the next update, when the
# interruption damaged one header copy: status promises that update
# rewrites it).

load helpers
load rekey_helpers
use_test_build

setup() {
	rekey_setup
}

teardown() {
	rekey_teardown
}

# prepare_completion [--verify] : img (old/: 3 shares, threshold 2, one
# entry) with a rekey to 3 new shares, threshold 2, in new/, and share 1
# already entered.  Saves the state to restore (img.t, prog.t) and sets
# RUN, the invocation that completes the rekey.
prepare_completion() {
	make_image img old 3 2
	echo "an entry" >entry
	# shellcheck disable=SC2046
	"$SYMBOLON" store --image img $(shares old 3 1 3) put entry --in entry \
	    </dev/null 2>/dev/null
	rk --image img --init "$@" --key-shares 3 --key-threshold 2 \
	    --out-dir new >/dev/null
	NONCE=$(nonce_of img)
	rk --image img --nonce "$NONCE" --share old/share-1-of-3.cbor 2>/dev/null
	save_state
	RUN=(rk --image img --nonce "$NONCE" --share old/share-2-of-3.cbor)
	OUT_DIR=new
}

# prepare_verification : as above with --verify, completed; the new
# shares in new/, new share 1 already presented.  RUN presents share 3.
prepare_verification() {
	prepare_completion --verify
	"${RUN[@]}" >/dev/null 2>&1
	VNONCE=$(vnonce_of img)
	[ -n "$VNONCE" ] || fail "no verification pending"
	rk --image img --verify --nonce "$VNONCE" \
	    --share new/share-1-of-3.cbor 2>/dev/null
	save_state
	RUN=(rk --image img --verify --nonce "$VNONCE"
	    --share new/share-3-of-3.cbor)
	OUT_DIR=
}

save_state() {
	PF=$(progress_files)
	[ "$(printf '%s\n' "$PF" | grep -c .)" -eq 1 ] ||
	    fail "expected one progress file, got: $PF"
	cp img img.t
	cp "$RUNDIR/$PF" prog.t
}

# restore_state : back to the saved state.  (Few processes: the loops
# below run this hundreds of times.)
restore_state() {
	cp img.t img
	cp prog.t "$RUNDIR/$PF"
	if [ -n "$OUT_DIR" ] && [ -e "$OUT_DIR" ]; then
		rm -rf "$OUT_DIR"
	fi
}

# count_steps : runs RUN once, uninterrupted, on a restored copy, and
# sets STEPS (the mutating operations it takes) and COMMIT (the step
# that writes the first header copy: the update ends write, fsync,
# write, fsync, one pair per copy).
count_steps() {
	local tail
	restore_state
	rm -f steps
	SYMBOLON_FAULT_LOG=$PWD/steps "${RUN[@]}" >/dev/null 2>&1 ||
	    fail "the uninterrupted run failed"
	STEPS=$(grep -c . steps)
	tail=$(tail -n 4 steps | cut -d' ' -f2 | tr '\n' ' ')
	[ "$tail" = "write fsync write fsync " ] ||
	    fail "the update does not end with two header writes: $(cat steps)"
	COMMIT=$((STEPS - 3))
	[ "$(sed -n "${COMMIT}p" steps)" = "$COMMIT write" ] || fail "$(cat steps)"
	image_state img.t
	SEQ0=$SEQ
}

# image_state IMG : sets SEQ, the header sequence number, and PENDING, the
# pending operations (a JSON array), from one status --format json.
image_state() {
	local json
	json=$("$SYMBOLON" status --image "$1" --format json </dev/null) ||
	    fail "status failed on $1"
	[[ $json =~ \"header_sequence\":\ ([0-9]+), ]] ||
	    fail "no header sequence: $json"
	SEQ=${BASH_REMATCH[1]}
	[[ $json =~ \"pending_operations\":\ (\[[^]]*\]) ]] ||
	    fail "no pending operations: $json"
	PENDING=${BASH_REMATCH[1]}
	# Journal lines are not at issue here.
	PENDING=${PENDING/, \"journal\"/}
	PENDING=${PENDING/\"journal\"/}
}

# healthy DIR : verify --image passes with the shares of DIR; if one
# header copy (and only that) was damaged, after one update made with
# them.
healthy() {
	local dir=$1 out
	# shellcheck disable=SC2046
	out=$("$SYMBOLON" verify --image img $(shares "$dir" 3 1 2) \
	    </dev/null 2>&1) && return 0
	[ "$(printf '%s\n' "$out" | grep -c 'header copy [01]: INVALID')" -eq 1 ] &&
	    [ "$(printf '%s\n' "$out" | grep -c 'header copy [01]: valid')" -eq 1 ] ||
	    fail "verify --image failed, and not for one damaged header copy:" \
	    "$out"
	# shellcheck disable=SC2046
	"$SYMBOLON" store --image img $(shares "$dir" 3 2 3) put repair \
	    --in /dev/null </dev/null >/dev/null 2>&1 ||
	    fail "the update after the interruption failed"
	# shellcheck disable=SC2046
	out=$("$SYMBOLON" verify --image img $(shares "$dir" 3 1 3) \
	    </dev/null 2>&1) || fail "verify --image after the update: $out"
}

# crash_loop SCENARIO MODE : interrupts RUN at every step in MODE and
# checks the image after each.  SCENARIO: complete, complete-verify,
# verification.
crash_loop() {
	local scenario=$1 mode=$2 k st committed old new want
	count_steps
	for ((k = 1; k <= STEPS; k++)); do
		restore_state
		st=0
		SYMBOLON_FAULT=$k:$mode "${RUN[@]}" >/dev/null 2>err || st=$?
		# Whether the commit happened, as the image tells it: a new
		# header sequence number.  Before the first header write it
		# cannot have, after it it must have; a torn first header
		# write may go either way (the header may fit in the half).
		image_state img
		committed=$((SEQ > SEQ0))
		if ((k < COMMIT)) || { ((k == COMMIT)) && [ "$mode" != torn ]; }; then
			((!committed)) ||
			    fail "step $k:$mode of $STEPS: committed before the header write (at $COMMIT)"
		elif ((k > COMMIT)); then
			((committed)) ||
			    fail "step $k:$mode of $STEPS: not committed after the header write (at $COMMIT)"
		fi
		if [ "$mode" = eio ]; then
			# A failed fsync after the first header copy still
			# leaves that copy written: committed, and an error.
			want=$((k <= COMMIT + 1 ? 2 : 0))
		else
			want=86
		fi
		[ "$st" -eq "$want" ] ||
		    fail "step $k:$mode: exit $st, expected $want: $(cat err)"
		old=0 new=0
		unseals img old 3 1 2 && old=1
		[ -d new ] && unseals img new 3 1 2 && new=1
		case $scenario in
		complete | verification)
			[ "$old$new" = "$((1 - committed))$committed" ] ||
			    fail "step $k:$mode of $STEPS (commit at $COMMIT):" \
			    "old shares unseal: $old, new shares: $new"
			;;
		complete-verify)
			# The new shares never unseal here: they await
			# verification once the commit is done.
			[ "$old$new" = 10 ] ||
			    fail "step $k:$mode of $STEPS (commit at $COMMIT):" \
			    "old shares unseal: $old, new shares: $new"
			;;
		esac
		# The pending operations agree with the commit.
		case $scenario:$committed in
		complete:0) want='["rekey"]' ;;
		complete:1) want='[]' ;;
		complete-verify:0) want='["rekey"]' ;;
		complete-verify:1) want='["rekey", "rekey-verification"]' ;;
		verification:0) want='["rekey", "rekey-verification"]' ;;
		verification:1) want='[]' ;;
		esac
		[ "$PENDING" = "$want" ] ||
		    fail "step $k:$mode of $STEPS (commit at $COMMIT, committed" \
		    "$committed): pending operations $PENDING, expected $want"
		if [ "$old" -eq 1 ]; then healthy old; else healthy new; fi
	done
}

@test "completion without --verify, interrupted at every step (exit): old or new shares, never neither" {
	prepare_completion
	crash_loop complete exit
}

@test "completion without --verify, torn at every step: old or new shares, never neither" {
	prepare_completion
	crash_loop complete torn
}

@test "completion without --verify, every step failing (eio): a failed fsync after the header never loses the new shares" {
	prepare_completion
	crash_loop complete eio
	# The one step where the update fails after its header copy was
	# written: the new shares are kept and it says what to do.
	restore_state
	SYMBOLON_FAULT=$((COMMIT + 1)):eio run --separate-stderr "${RUN[@]}"
	assert_status 2
	assert_one_rekey_error 'symbolon-rekey: img: input/output error after the new header was written: keep the new shares in new and the current ones, and see which unseal'
	unseals img new 3 2 3
}

@test "completion with --verify, interrupted at every step (exit): the old shares always unseal" {
	prepare_completion --verify
	crash_loop complete-verify exit
}

@test "completion with --verify, torn at every step: the old shares always unseal" {
	prepare_completion --verify
	crash_loop complete-verify torn
}

@test "verification commit, interrupted at every step (exit): old or new shares, never neither" {
	prepare_verification
	crash_loop verification exit
}

@test "verification commit, torn at every step: old or new shares, never neither" {
	prepare_verification
	crash_loop verification torn
}

@test "a process that dies after writing the new shares but before the commit leaves the old shares valid; the retry says what to do" {
	local stale
	prepare_completion
	count_steps
	restore_state
	SYMBOLON_FAULT=$COMMIT:exit run --separate-stderr "${RUN[@]}"
	assert_status 86
	# Every new share and the manifest are on disk; none of them works.
	[ -f new/manifest.cbor ] && [ -f new/share-3-of-3.cbor ] ||
	    fail "new shares not all written: $(ls new)"
	unseals img old 3 1 3 || fail "old shares do not unseal"
	unseals img new 3 1 2 && fail "new shares unseal without the commit"
	[ "$(nonce_of img)" = "$NONCE" ]
	run rk --image img --status
	[ "$(row 'Rekey Progress')" = 1/2 ] || fail "$output"
	# The retry will not overwrite share files, and says why.
	run --separate-stderr "${RUN[@]}"
	assert_status 1
	assert_no_stdout
	assert_one_rekey_error 'symbolon-rekey: new: already holds share files \(from an interrupted rekey\?\); move them away and submit again: the current shares still unseal the image'
	unseals img old 3 1 3 || fail "old shares do not unseal"
	mv new stale
	run --separate-stderr "${RUN[@]}"
	assert_status 0
	unseals img new 3 1 3
	unseals img old 3 1 2 && fail "old shares still unseal"
	run --separate-stderr "$SYMBOLON" store --image img \
	    --share stale/share-1-of-3.cbor --share stale/share-2-of-3.cbor list \
	    </dev/null
	assert_status 1
	stale=$(printf '%s\n' "$stderr" | grep -c 'stale/share-1-of-3.cbor: manifest does not match')
	[ "$stale" -eq 1 ] || fail "stale shares: $stderr"
	assert_no_progress
}
