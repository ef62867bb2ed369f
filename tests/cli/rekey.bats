#!/usr/bin/env bats
# symbolon rekey: Vault's `operator rekey` state machine, offline (issue 5).
#
# --init records a pending rekey (no shares); holders of the current shares
# submit them with the nonce, one invocation each; at the threshold the new
# shares (generation + 1) are written and, without --verify, take effect at
# once; with --verify they take effect only once the new holders have
# presented them back.  Progress between invocations lives only on tmpfs.
# Messages follow Vault's (vault/rekey.go, command/operator_rekey.go) where
# Vault has one.
#
# Interruptions of the completion and of the verification commit are in
# rekey_crash.bats.  (bats 1.8's `run` sets a global i: loops around `run`
# use other names.)

load helpers
load rekey_helpers

UUID='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
SETID='[0-9A-F]{4}-[0-9A-F]{4}'
# A current share offered for verification is called "replaced by a
# rekey" (tools/gather.c), though it is still the active one: reported,
# tolerated here.
REPLACED='( \((replaced by a rekey|a current share, not one of the new shares being verified)\))?'
WARNING_TEXT='These key shares are not valid until verification is performed.  Do not
lose or discard your current key shares until after verification is
complete.  If you cancel the rekey before verification is complete the
new shares are discarded and the current shares remain valid.'

setup() {
	rekey_setup
}

teardown() {
	rekey_teardown
}

# complete_rekey IMG OLDDIR N I... : submits shares I... of N in one go
# to the pending rekey.
complete_rekey() {
	local img=$1 dir=$2 n=$3 nonce
	shift 3
	nonce=$(nonce_of "$img")
	# shellcheck disable=SC2046 # one option or path a line
	rk --image "$img" --nonce "$nonce" $(shares "$dir" "$n" "$@") \
	    >/dev/null 2>&1
}

@test "--init prints Vault's table and records the rekey; a second --init is refused" {
	local nonce started now
	make_image img old 3 2
	run --separate-stderr rk --image img --init --key-shares 5 \
	    --key-threshold 3 --out-dir new
	assert_status 0
	[ -z "$(rekey_error_lines)" ] || fail "stderr: $stderr"
	[ "${#lines[@]}" -eq 8 ] || fail "$output"
	[ "${lines[0]}" = "Key                    Value" ] || fail "${lines[0]}"
	[ "${lines[1]}" = "---                    -----" ] || fail "${lines[1]}"
	[[ ${lines[2]} =~ ^Nonce\ {18}($UUID)$ ]] || fail "${lines[2]}"
	nonce=${BASH_REMATCH[1]}
	[[ ${lines[3]} =~ ^Started\ {16}([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z)$ ]] ||
	    fail "${lines[3]}"
	started=$(date -u -d "${BASH_REMATCH[1]}" +%s)
	now=$(date -u +%s)
	[ $((now - started)) -ge 0 ] && [ $((now - started)) -lt 60 ] ||
	    fail "started $started, now $now"
	[ "${lines[4]}" = "Rekey Progress         0/2" ] || fail "${lines[4]}"
	[ "${lines[5]}" = "New Shares             5" ] || fail "${lines[5]}"
	[ "${lines[6]}" = "New Threshold          3" ] || fail "${lines[6]}"
	[ "${lines[7]}" = "Verification Required  false" ] || fail "${lines[7]}"
	# Recorded in the image, nothing else written yet.
	[ "$(nonce_of img)" = "$nonce" ]
	[ ! -e new ] || fail "--init wrote the out dir"
	assert_no_progress
	unseals img old 3 1 2 || fail "the old shares stopped working at --init"

	refused 1 'rekey already in progress' --image img --init \
	    --key-shares 3 --key-threshold 2 --out-dir other
	refused 1 'rekey already in progress' --image img --init --verify \
	    --key-shares 5 --key-threshold 3 --out-dir new
	[ "$(nonce_of img)" = "$nonce" ]

	# With --verify the table says so.
	make_image img2 old2 3 2
	run --separate-stderr rk --image img2 --init --verify --key-shares 2 \
	    --key-threshold 2 --out-dir new2
	assert_status 0
	[ "${lines[7]}" = "Verification Required  true" ] || fail "${lines[7]}"
	[ "$(nonce_of img2)" != "$nonce" ] || fail "two rekeys, one nonce"
}

@test "three holders in three invocations: k/3 kept on tmpfs (0600); at the threshold the new shares replace the old" {
	local nonce idhex k name pf
	make_image img old 5 3
	echo "kept across the rekey" >payload
	# shellcheck disable=SC2046
	"$SYMBOLON" store --image img $(shares old 5 1 2 3) put doc \
	    --in payload </dev/null 2>/dev/null
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir new \
	    --holders x,y,z >/dev/null
	nonce=$(nonce_of img)
	idhex=$(image_id_hex img)
	[[ $idhex =~ ^[0-9a-f]{32}$ ]] || fail "image id: $idhex"
	k=0
	for name in 2 5; do
		k=$((k + 1))
		run --separate-stderr rk --image img --nonce "$nonce" \
		    --share "old/share-$name-of-5.cbor"
		assert_status 0
		[ "$output" = "Rekey Progress $k/3" ] || fail "stdout: $output"
		printf '%s\n' "$stderr" | grep -qxF \
		    "old/share-$name-of-5.cbor: share $name of 5, h$name accepted" ||
		    fail "stderr: $stderr"
		[ -z "$(rekey_error_lines)" ] || fail "stderr: $stderr"
		# One progress file, on our tmpfs, named for image and nonce,
		# readable by its owner only.
		pf=$(progress_files)
		[ "$pf" = "symbolon-rekey-$idhex-${nonce//-/}" ] ||
		    fail "progress files: $pf"
		[ "$(stat -c %a "$RUNDIR/$pf")" = 600 ] ||
		    fail "progress mode $(stat -c %a "$RUNDIR/$pf")"
		[ "$(stat -f -c %T "$RUNDIR/$pf")" = tmpfs ]
		run rk --image img --status
		[ "$(row 'Rekey Progress')" = "$k/3" ] || fail "$output"
		[ ! -e new ] || fail "new shares before the threshold"
		# Between invocations the old shares still do everything.
		unseals img old 5 1 3 4 || fail "old shares stopped working"
	done

	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-4-of-5.cbor
	assert_status 0
	[ -z "$(rekey_error_lines)" ] || fail "stderr: $stderr"
	[ "$output" = "Key 1                  new/share-1-of-3.cbor  holder x
Key 2                  new/share-2-of-3.cbor  holder y
Key 3                  new/share-3-of-3.cbor  holder z

Rekey complete: generation 2, 2 of 3 shares. The old shares no longer
unseal the image." ] || fail "stdout: $output"
	assert_no_progress
	[ "$(cd new && echo *)" = "manifest.cbor share-1-of-3.cbor share-2-of-3.cbor share-3-of-3.cbor" ]
	[ "$(stat -c %a new/share-1-of-3.cbor new/manifest.cbor | sort -u)" = 600 ]
	run "$SYMBOLON" verify --manifest new/manifest.cbor new/share-1-of-3.cbor \
	    new/share-3-of-3.cbor </dev/null
	assert_status 0
	[[ ${lines[1]} == "new/share-1-of-3.cbor: share 1 of 3, x, set "*", generation 2, threshold 2, signer "*": valid (commitment matches the manifest)" ]] ||
	    fail "$output"

	# The rekey is over; the old shares are dead, the new ones open the
	# same contents.
	run rk --image img --status
	[ "$(row Nonce)" = n/a ] && [ "$(row Started)" = false ] || fail "$output"
	run "$SYMBOLON" status --image img </dev/null
	[ "$(row Generation)" = 2 ] && [ "$(row 'Total Shares')" = 3 ] &&
	    [ "$(row Threshold)" = 2 ] || fail "$output"
	# shellcheck disable=SC2046
	run --separate-stderr "$SYMBOLON" store --image img \
	    $(shares old 5 1 2 3) list </dev/null
	assert_status 1
	printf '%s\n' "$stderr" | grep -qxF "symbolon-store: old/share-1-of-5.cbor: share is of generation 1, not 2 (replaced by a rekey)" ||
	    fail "stderr: $stderr"
	# shellcheck disable=SC2046
	"$SYMBOLON" store --image img $(shares new 3 3 1) get doc --out got \
	    </dev/null 2>/dev/null
	cmp payload got
	# The rekey nonce is spent.
	refused 1 'no rekey in progress' --image img --nonce "$nonce" \
	    --share new/share-1-of-3.cbor
}

@test "--status, table and --format json: every field, before, while collecting, while verifying" {
	local nonce vnonce keys
	make_image img old 3 2
	# Nothing in progress.
	run --separate-stderr rk --image img --status
	assert_status 0
	[ "$output" = "Key                    Value
---                    -----
Nonce                  n/a
Started                false" ] || fail "$output"
	run --separate-stderr rk --image img --status --format json
	assert_status 0
	printf '%s\n' "$output" | "$PYTHON" -m json.tool >/dev/null ||
	    fail "not JSON: $output"
	[ "$output" = '{
  "nonce": "",
  "started": false,
  "started_at": "",
  "t": 0,
  "n": 0,
  "progress": 0,
  "required": 2,
  "verification_required": false,
  "verification_nonce": "",
  "verification_progress": 0
}' ] || fail "$output"

	# Collecting: one share of two in.
	rk --image img --init --verify --key-shares 4 --key-threshold 3 \
	    --out-dir new >/dev/null
	nonce=$(nonce_of img)
	rk --image img --nonce "$nonce" --share old/share-3-of-3.cbor 2>/dev/null
	run --separate-stderr rk --image img --status
	assert_status 0
	[ "$(row Nonce)" = "$nonce" ] && [ "$(row Started)" = true ] &&
	    [ "$(row 'Rekey Progress')" = 1/2 ] &&
	    [ "$(row 'New Shares')" = 4 ] && [ "$(row 'New Threshold')" = 3 ] &&
	    [ "$(row 'Verification Required')" = true ] || fail "$output"
	[[ $(row 'Started At') =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]] ||
	    fail "$output"
	[ -z "$(row 'Verification Nonce')" ] || fail "$output"
	[ -z "$(row 'Verification Progress')" ] || fail "$output"
	run --separate-stderr rk --image img --status --format json
	printf '%s\n' "$output" | "$PYTHON" -m json.tool >/dev/null ||
	    fail "not JSON: $output"
	keys=$(printf '%s\n' "$output" | "$PYTHON" -c 'import json,sys
d = json.load(sys.stdin)
print(" ".join(sorted(d)))
print(d["nonce"], d["started"], d["t"], d["n"], d["progress"], d["required"],
    d["verification_required"], repr(d["verification_nonce"]),
    d["verification_progress"])')
	[ "$keys" = "n nonce progress required started started_at t verification_nonce verification_progress verification_required
$nonce True 3 4 1 2 True '' 0" ] || fail "$keys"

	# Verifying: the rekey progress is spent, the verification counts.
	rk --image img --nonce "$nonce" --share old/share-1-of-3.cbor \
	    >/dev/null 2>&1
	vnonce=$(vnonce_of img)
	[[ $vnonce =~ ^$UUID$ ]] || fail "verification nonce '$vnonce'"
	rk --image img --verify --nonce "$vnonce" --share new/share-2-of-4.cbor \
	    2>/dev/null
	run --separate-stderr rk --image img --status
	[ "$(row Nonce)" = "$nonce" ] && [ "$(row Started)" = true ] &&
	    [ "$(row 'Rekey Progress')" = "0/2 (verification in progress)" ] &&
	    [ "$(row 'New Shares')" = 4 ] && [ "$(row 'New Threshold')" = 3 ] &&
	    [ "$(row 'Verification Required')" = true ] &&
	    [ "$(row 'Verification Nonce')" = "$vnonce" ] &&
	    [ "$(row 'Verification Progress')" = 1/3 ] || fail "$output"
	run --separate-stderr rk --image img --status --format json
	keys=$(printf '%s\n' "$output" | "$PYTHON" -c 'import json,sys
d = json.load(sys.stdin)
print(d["nonce"], d["started"], d["t"], d["n"], d["progress"], d["required"],
    d["verification_required"], d["verification_nonce"],
    d["verification_progress"])')
	[ "$keys" = "$nonce True 3 4 0 2 True $vnonce 1" ] || fail "$keys"
}

@test "wrong nonce, duplicate share, another image's share: named and refused, progress kept, image unchanged" {
	local nonce other
	make_image img old 3 3
	make_image other oth 3 2
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir new \
	    >/dev/null
	nonce=$(nonce_of img)
	rk --image img --nonce "$nonce" --share old/share-1-of-3.cbor 2>/dev/null
	[ "$(progress_files | grep -c .)" -eq 1 ]

	other=$(uuidgen 2>/dev/null || echo 01234567-89ab-cdef-0123-456789abcdef)
	refused 1 "incorrect nonce supplied; nonce for this rekey operation is $nonce" \
	    --image img --nonce "$other" --share old/share-2-of-3.cbor
	refused 1 "incorrect nonce supplied; nonce for this rekey operation is $nonce" \
	    --image img --nonce "not-a-nonce" --share old/share-2-of-3.cbor
	refused 1 "incorrect nonce supplied; nonce for this rekey operation is $nonce" \
	    --image img --nonce "${nonce:0:35}" --share old/share-2-of-3.cbor
	# Case does not matter in a UUID; the dashes do.
	refused 1 "incorrect nonce supplied; nonce for this rekey operation is $nonce" \
	    --image img --nonce "${nonce//-/}" --share old/share-2-of-3.cbor
	refused 1 'old/share-1-of-3.cbor: share 1 of 3 was already entered' \
	    --image img --nonce "$nonce" --share old/share-1-of-3.cbor
	refused 1 "oth/share-1-of-3.cbor: share belongs to image $SETID, not $SETID" \
	    --image img --nonce "$nonce" --share oth/share-1-of-3.cbor
	refused 2 'no-such-share: no such file or directory' \
	    --image img --nonce "$nonce" --share no-such-share
	run rk --image img --status
	[ "$(row 'Rekey Progress')" = 1/3 ] || fail "$output"

	# Upper case nonce, then the rest: the progress was kept.
	run --separate-stderr rk --image img --nonce "${nonce^^}" \
	    --share old/share-2-of-3.cbor
	assert_status 0
	[ "$output" = "Rekey Progress 2/3" ] || fail "$output"
	complete_rekey img old 3 3
	unseals img new 3 1 2
}

@test "shares accepted before a refused one in the same invocation are kept" {
	local nonce
	make_image img old 3 3
	make_image other oth 3 2
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir new \
	    >/dev/null
	nonce=$(nonce_of img)
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-1-of-3.cbor --share oth/share-2-of-3.cbor
	assert_status 1
	assert_one_rekey_error "symbolon-rekey: oth/share-2-of-3.cbor: share belongs to image $SETID, not $SETID"
	printf '%s\n' "$stderr" | grep -qxF 'Rekey Progress 1/3' ||
	    fail "stderr: $stderr"
	run rk --image img --status
	[ "$(row 'Rekey Progress')" = 1/3 ] ||
	    fail "a share reported accepted was not kept: $output"
	# And the duplicate in one invocation: the first copy counts.
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-2-of-3.cbor --share old/share-2-of-3.cbor
	assert_status 1
	assert_one_rekey_error 'symbolon-rekey: old/share-2-of-3.cbor: share 2 of 3 was already entered'
	run rk --image img --status
	[ "$(row 'Rekey Progress')" = 2/3 ] || fail "$output"
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-3-of-3.cbor
	assert_status 0
	unseals img new 3 2 3
	assert_no_progress
}

@test "a share of a replaced generation is refused, by a later rekey too; image unchanged" {
	make_image img old 3 2
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir gen2 \
	    >/dev/null
	complete_rekey img old 3 1 2
	unseals img gen2 3 1 3
	rk --image img --init --key-shares 2 --key-threshold 2 --out-dir gen3 \
	    >/dev/null
	refused 1 'old/share-1-of-3.cbor: share is of generation 1, not 2 \(replaced by a rekey\)' \
	    --image img --nonce "$(nonce_of img)" --share old/share-1-of-3.cbor
	run --separate-stderr rk --image img --nonce "$(nonce_of img)" \
	    --share gen2/share-2-of-3.cbor --share gen2/share-3-of-3.cbor
	assert_status 0
	unseals img gen3 2 1 2
	run "$SYMBOLON" status --image img </dev/null
	[ "$(row Generation)" = 3 ] || fail "$output"
}

@test "threshold met but the shares do not unseal: progress cleared, nonce kept, and it says so" {
	local nonce
	identities a b c
	make_image img old 3 2 --to ids/a.pub,ids/b.pub,ids/c.pub
	rk --image img --init --key-shares 2 --key-threshold 2 --out-dir new \
	    --holders p,q >/dev/null
	nonce=$(nonce_of img)
	rk --image img --nonce "$nonce" --share old/share-1-of-3.cbor \
	    --identity ids/a.key >/dev/null 2>&1
	# The share kept between invocations goes bad (as a corrupted share
	# would): its bundle still verifies, the combination does not.
	spoil_progress
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-2-of-3.cbor --identity ids/b.key
	assert_status 1
	assert_no_stdout
	assert_one_rekey_error "symbolon-rekey: the shares do not unseal this image: rekey progress cleared, nonce $nonce kept"
	assert_no_progress
	[ ! -e new/manifest.cbor ] || fail "new shares written"
	run rk --image img --status
	[ "$(row Nonce)" = "$nonce" ] && [ "$(row 'Rekey Progress')" = 0/2 ] ||
	    fail "$output"
	unseals img old 3 1 2 -- --identity ids/a.key --identity ids/b.key ||
	    fail "the old shares stopped working"
	# The same nonce, good shares: done.
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-2-of-3.cbor --share old/share-3-of-3.cbor \
	    --identity ids/b.key --identity ids/c.key
	assert_status 0
	unseals img new 2 1 2
	# The failure is in the audit log.
	"$SYMBOLON" verify --image img --share new/share-1-of-2.cbor \
	    --share new/share-2-of-2.cbor --transcript tr </dev/null >/dev/null 2>&1
	run --separate-stderr "$SYMBOLON" verify tr </dev/null
	assert_status 0
	printf '%s\n' "$output" | grep -q ' rekey-failed  *threshold met but the shares do not unseal; progress cleared (while sealed' ||
	    fail "no rekey-failed record: $output"
}

@test "--verify: new shares pending, the old ones keep working for everything, then verification makes the new ones active" {
	local nonce vnonce
	make_image img old 3 2
	echo "before the rekey" >one
	echo "while verification was pending" >two
	# shellcheck disable=SC2046
	"$SYMBOLON" store --image img $(shares old 3 1 2) put one --in one \
	    </dev/null 2>/dev/null
	rk --image img --init --verify --key-shares 4 --key-threshold 3 \
	    --out-dir new --holders w,x,y,z >/dev/null
	nonce=$(nonce_of img)
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-1-of-3.cbor
	assert_status 0
	[ "$output" = "Rekey Progress 1/2" ] || fail "$output"
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-3-of-3.cbor
	assert_status 0
	[ -z "$(rekey_error_lines)" ] || fail "stderr: $stderr"
	vnonce=$(vnonce_of img)
	[[ $vnonce =~ ^$UUID$ ]] && [ "$vnonce" != "$nonce" ] ||
	    fail "verification nonce '$vnonce'"
	[ "$output" = "Key 1                  new/share-1-of-4.cbor  holder w
Key 2                  new/share-2-of-4.cbor  holder x
Key 3                  new/share-3-of-4.cbor  holder y
Key 4                  new/share-4-of-4.cbor  holder z

Verification Nonce     $vnonce

$WARNING_TEXT" ] || fail "stdout: $output"
	assert_no_progress

	# Pending: the image is still generation 1 and the old shares do
	# every operation; the new ones do none.
	run "$SYMBOLON" status --image img </dev/null
	[ "$(row Generation)" = 1 ] && [ "$(row 'Total Shares')" = 3 ] ||
	    fail "$output"
	# shellcheck disable=SC2046
	"$SYMBOLON" store --image img $(shares old 3 2 3) put two --in two \
	    </dev/null 2>/dev/null
	# shellcheck disable=SC2046
	"$SYMBOLON" store --image img $(shares old 3 1 3) get one --out got1 \
	    </dev/null 2>/dev/null
	cmp one got1
	# shellcheck disable=SC2046
	"$SYMBOLON" rotate --image img $(shares old 3 1 2) </dev/null >/dev/null 2>&1
	# shellcheck disable=SC2046
	"$SYMBOLON" verify --image img $(shares old 3 1 2) </dev/null >/dev/null 2>&1
	# shellcheck disable=SC2046
	run --separate-stderr "$SYMBOLON" store --image img \
	    $(shares new 4 1 2 3) list </dev/null
	assert_status 1
	printf '%s\n' "$stderr" | grep -qxF 'symbolon-store: new/share-1-of-4.cbor: share is of generation 2, not 1' ||
	    fail "stderr: $stderr"

	# The rekey step is over; the new set is no use as old shares either.
	refused 1 "rekey operation already finished; verification must be performed; nonce for the verification operation is $vnonce" \
	    --image img --nonce "$nonce" --share old/share-2-of-3.cbor
	refused 1 "rekey operation already finished; verification must be performed; nonce for the verification operation is $vnonce" \
	    --image img --nonce "$nonce" --share new/share-1-of-4.cbor
	refused 1 "incorrect nonce supplied; nonce for this verify operation is $vnonce" \
	    --image img --verify --nonce "$nonce" --share new/share-1-of-4.cbor
	refused 1 "old/share-2-of-3.cbor: share is of generation 1, not 2$REPLACED" \
	    --image img --verify --nonce "$vnonce" --share old/share-2-of-3.cbor

	# The new holders, one at a time.
	run --separate-stderr rk --image img --verify --nonce "$vnonce" \
	    --share new/share-2-of-4.cbor
	assert_status 0
	[ "$output" = "Verification Progress 1/3" ] || fail "$output"
	[ "$(stat -c %a "$RUNDIR/$(progress_files)")" = 600 ]
	refused 1 'new/share-2-of-4.cbor: share 2 of 4 was already entered' \
	    --image img --verify --nonce "$vnonce" --share new/share-2-of-4.cbor
	run --separate-stderr rk --image img --verify --nonce "$vnonce" \
	    --share new/share-4-of-4.cbor
	assert_status 0
	[ "$output" = "Verification Progress 2/3" ] || fail "$output"
	unseals img old 3 1 2 || fail "old shares stopped before verification"
	run --separate-stderr rk --image img --verify --nonce "$vnonce" \
	    --share new/share-1-of-4.cbor
	assert_status 0
	[ -z "$(rekey_error_lines)" ] || fail "stderr: $stderr"
	[ "$output" = "Rekey verification successful. The new shares (generation 2) are now active;
the old shares no longer unseal the image." ] || fail "$output"
	assert_no_progress

	run rk --image img --status
	[ "$(row Started)" = false ] || fail "$output"
	run "$SYMBOLON" status --image img </dev/null
	[ "$(row Generation)" = 2 ] && [ "$(row 'Total Shares')" = 4 ] &&
	    [ "$(row Threshold)" = 3 ] || fail "$output"
	unseals img old 3 1 2 && fail "old shares still unseal after verification"
	# shellcheck disable=SC2046
	"$SYMBOLON" store --image img $(shares new 4 1 3 4) get two --out got2 \
	    </dev/null 2>/dev/null
	cmp two got2
	# shellcheck disable=SC2046
	"$SYMBOLON" verify --image img $(shares new 4 1 2 3) </dev/null >/dev/null
	refused 1 'no rekey verification in progress' \
	    --image img --verify --nonce "$vnonce" --share new/share-3-of-4.cbor
}

@test "--verify with a wrong set: incorrect key shares supplied, progress cleared, a fresh verification nonce" {
	local vnonce fresh
	identities d e f
	make_image img old 3 2
	rk --image img --init --verify --key-shares 3 --key-threshold 2 \
	    --out-dir new --to ids/d.pub,ids/e.pub,ids/f.pub >/dev/null
	complete_rekey img old 3 1 2
	vnonce=$(vnonce_of img)
	rk --image img --verify --nonce "$vnonce" --share new/share-1-of-3.cbor \
	    --identity ids/d.key >/dev/null 2>&1
	spoil_progress
	run --separate-stderr rk --image img --verify --nonce "$vnonce" \
	    --share new/share-2-of-3.cbor --identity ids/e.key
	assert_status 1
	assert_no_stdout
	assert_one_rekey_error 'symbolon-rekey: rekey verification failed; incorrect key shares supplied'
	assert_no_progress
	fresh=$(vnonce_of img)
	[[ $fresh =~ ^$UUID$ ]] && [ "$fresh" != "$vnonce" ] ||
	    fail "verification nonce not rotated: '$vnonce' -> '$fresh'"
	run rk --image img --status
	[ "$(row 'Verification Progress')" = 0/2 ] || fail "$output"
	# Nothing changed: the old shares work, the new ones wait.
	unseals img old 3 1 3 || fail "old shares stopped working"
	unseals img new 3 1 2 -- --identity ids/d.key --identity ids/e.key &&
	    fail "new shares active after a failed verification"
	refused 1 "incorrect nonce supplied; nonce for this verify operation is $fresh" \
	    --image img --verify --nonce "$vnonce" --share new/share-2-of-3.cbor \
	    --identity ids/e.key
	# The right set, the fresh nonce.
	run --separate-stderr rk --image img --verify --nonce "$fresh" \
	    --share new/share-3-of-3.cbor --share new/share-2-of-3.cbor \
	    --identity ids/f.key --identity ids/e.key
	assert_status 0
	unseals img new 3 1 3 -- --identity ids/d.key --identity ids/f.key
	unseals img old 3 1 2 && fail "old shares still unseal"
	"$SYMBOLON" verify --image img --share new/share-1-of-3.cbor \
	    --share new/share-2-of-3.cbor --identity ids/d.key \
	    --identity ids/e.key --transcript tr </dev/null >/dev/null 2>&1
	run --separate-stderr "$SYMBOLON" verify tr </dev/null
	assert_status 0
	printf '%s\n' "$output" | grep -q ' rekey-verify-failed  *incorrect key shares supplied; verification nonce rotated (while sealed' ||
	    fail "no rekey-verify-failed record: $output"
}

@test "--verify --all waits for every new share" {
	local vnonce
	make_image img old 3 2
	rk --image img --init --verify --key-shares 3 --key-threshold 2 \
	    --out-dir new >/dev/null
	complete_rekey img old 3 2 3
	vnonce=$(vnonce_of img)
	run --separate-stderr rk --image img --verify --all --nonce "$vnonce" \
	    --share new/share-1-of-3.cbor --share new/share-3-of-3.cbor
	assert_status 0
	[ "$output" = "Verification Progress 2/3" ] || fail "$output"
	run rk --image img --status --all
	[ "$(row 'Verification Progress')" = 2/3 ] || fail "$output"
	unseals img new 3 1 3 && fail "new shares active before all were shown"
	unseals img old 3 1 2 || fail "old shares stopped working"
	run --separate-stderr rk --image img --verify --all --nonce "$vnonce" \
	    --share new/share-2-of-3.cbor
	assert_status 0
	[[ $output == "Rekey verification successful."* ]] || fail "$output"
	unseals img new 3 2 3
	assert_no_progress
}

@test "--verify --cancel: a new verification nonce, progress cleared, the rekey kept" {
	local nonce vnonce fresh
	make_image img old 3 2
	rk --image img --init --verify --key-shares 3 --key-threshold 2 \
	    --out-dir new >/dev/null
	nonce=$(nonce_of img)
	complete_rekey img old 3 1 2
	vnonce=$(vnonce_of img)
	rk --image img --verify --nonce "$vnonce" --share new/share-1-of-3.cbor \
	    2>/dev/null
	[ "$(progress_files | grep -c .)" -eq 1 ]
	run --separate-stderr rk --image img --verify --cancel
	assert_status 0
	[ -z "$(rekey_error_lines)" ] || fail "stderr: $stderr"
	[[ $output =~ ^Success!\ Rekey\ verification\ canceled\;\ the\ new\ verification\ nonce\ is\ ($UUID)$ ]] ||
	    fail "$output"
	fresh=${BASH_REMATCH[1]}
	[ "$fresh" != "$vnonce" ] && [ "$(vnonce_of img)" = "$fresh" ] ||
	    fail "nonce not rotated"
	assert_no_progress
	run rk --image img --status
	[ "$(row Nonce)" = "$nonce" ] &&
	    [ "$(row 'Verification Progress')" = 0/2 ] || fail "$output"
	refused 1 "incorrect nonce supplied; nonce for this verify operation is $fresh" \
	    --image img --verify --nonce "$vnonce" --share new/share-2-of-3.cbor
	unseals img old 3 2 3 || fail "old shares stopped working"
	run --separate-stderr rk --image img --verify --nonce "$fresh" \
	    --share new/share-1-of-3.cbor --share new/share-2-of-3.cbor
	assert_status 0
	unseals img new 3 1 2
}

@test "--cancel discards everything, while collecting and while verifying; the old shares stay" {
	local nonce vnonce
	make_image img old 3 2
	run --separate-stderr rk --image img --cancel
	assert_status 0
	[ "$output" = "Success! Canceled rekeying (if it was started)" ] ||
	    fail "$output"

	# While collecting.
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir c1 \
	    >/dev/null
	nonce=$(nonce_of img)
	rk --image img --nonce "$nonce" --share old/share-1-of-3.cbor 2>/dev/null
	[ "$(progress_files | grep -c .)" -eq 1 ]
	run --separate-stderr rk --image img --cancel
	assert_status 0
	[ "$output" = "Success! Canceled rekeying (if it was started)" ] ||
	    fail "$output"
	assert_no_progress
	run rk --image img --status
	[ "$(row Started)" = false ] || fail "$output"
	refused 1 'no rekey in progress' --image img --nonce "$nonce" \
	    --share old/share-2-of-3.cbor
	[ ! -e c1 ] || fail "shares written for a canceled rekey"

	# While verifying: the new shares are discarded.
	rk --image img --init --verify --key-shares 3 --key-threshold 2 \
	    --out-dir c2 >/dev/null
	[ "$(nonce_of img)" != "$nonce" ] || fail "nonce reused"
	complete_rekey img old 3 2 3
	vnonce=$(vnonce_of img)
	rk --image img --verify --nonce "$vnonce" --share c2/share-1-of-3.cbor \
	    2>/dev/null
	run --separate-stderr rk --image img --cancel
	assert_status 0
	[ "$output" = "Success! Canceled rekeying (if it was started)" ] ||
	    fail "$output"
	assert_no_progress
	refused 1 'no rekey verification in progress' --image img --verify \
	    --nonce "$vnonce" --share c2/share-2-of-3.cbor
	unseals img c2 3 1 2 && fail "canceled shares unseal"
	unseals img old 3 1 2 || fail "old shares stopped working"
	# The next commit drops the discarded wrapping; a later rekey's
	# verification does not take the canceled set.
	# shellcheck disable=SC2046
	"$SYMBOLON" store --image img $(shares old 3 1 3) put x --in /dev/null \
	    </dev/null 2>/dev/null
	rk --image img --init --verify --key-shares 3 --key-threshold 2 \
	    --out-dir c3 >/dev/null
	complete_rekey img old 3 1 2
	vnonce=$(vnonce_of img)
	refused 1 'c2/share-1-of-3.cbor: manifest does not match' \
	    --image img --verify --nonce "$vnonce" --share c2/share-1-of-3.cbor
	run --separate-stderr rk --image img --verify --nonce "$vnonce" \
	    --share c3/share-1-of-3.cbor --share c3/share-3-of-3.cbor
	assert_status 0
	unseals img c3 3 2 3
	unseals img old 3 1 2 && fail "old shares still unseal"
	true
}

@test "expiry: shares entered more than --ttl seconds ago are wiped, the rekey stays" {
	local nonce
	make_image img old 3 3
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir new \
	    >/dev/null
	nonce=$(nonce_of img)
	rk --image img --nonce "$nonce" --share old/share-1-of-3.cbor 2>/dev/null
	run rk --image img --status --ttl 1
	[ "$(row 'Rekey Progress')" = 1/3 ] || fail "expired at once: $output"
	sleep 2
	run --separate-stderr rk --image img --nonce "$nonce" --ttl 1 \
	    --share old/share-2-of-3.cbor
	assert_status 0
	printf '%s\n' "$stderr" | grep -qxF 'symbolon-rekey: warning: shares entered more than 1 seconds ago expired and were wiped; enter them again' ||
	    fail "stderr: $stderr"
	[ "$output" = "Rekey Progress 1/3" ] || fail "$output"
	run rk --image img --status
	[ "$(row Nonce)" = "$nonce" ] && [ "$(row 'Rekey Progress')" = 1/3 ] ||
	    fail "$output"
	# Share 1 again is new, not a duplicate: it was forgotten.
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-1-of-3.cbor
	assert_status 0
	[ "$output" = "Rekey Progress 2/3" ] || fail "$output"
	complete_rekey img old 3 3
	unseals img new 3 1 2
}

@test "expiry: the default --ttl is one hour" {
	local nonce now
	make_image img old 3 3
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir new \
	    >/dev/null
	nonce=$(nonce_of img)
	rk --image img --nonce "$nonce" --share old/share-1-of-3.cbor 2>/dev/null
	now=$(date +%s)
	# Entered 3500 seconds ago: still there.
	set_progress_created $((now - 3500))
	run rk --image img --status
	[ "$(row 'Rekey Progress')" = 1/3 ] || fail "$output"
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-2-of-3.cbor
	assert_status 0
	[ "$output" = "Rekey Progress 2/3" ] || fail "$output"
	[ -z "$(rekey_error_lines)" ] || fail "stderr: $stderr"
	# 3700 seconds ago: gone, the rekey kept.
	set_progress_created $((now - 3700))
	run --separate-stderr rk --image img --nonce "$nonce" \
	    --share old/share-3-of-3.cbor
	assert_status 0
	[ "$output" = "Rekey Progress 1/3" ] || fail "$output"
	printf '%s\n' "$stderr" | grep -qxF 'symbolon-rekey: warning: shares entered more than 3600 seconds ago expired and were wiped; enter them again' ||
	    fail "stderr: $stderr"
	[ "$(nonce_of img)" = "$nonce" ]
}

@test "progress only on tmpfs: XDG_RUNTIME_DIR on disk falls back to /dev/shm; neither on tmpfs is refused" {
	local nonce idhex h disk=$BATS_TEST_TMPDIR/disk-runtime
	[ "$(stat -f -c %T "$BATS_TEST_TMPDIR")" != tmpfs ] ||
	    skip "the test directory is itself on tmpfs"
	mkdir -m 700 "$disk"
	make_image img old 3 2
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir new \
	    >/dev/null
	nonce=$(nonce_of img)
	idhex=$(image_id_hex img)
	REKEY_FALLBACK_IDS=$idhex
	XDG_RUNTIME_DIR=$disk rk --image img --nonce "$nonce" \
	    --share old/share-1-of-3.cbor 2>/dev/null
	[ -z "$(ls -A "$disk")" ] || fail "progress written to disk: $(ls -A "$disk")"
	[ -f "/dev/shm/symbolon-rekey-$idhex-${nonce//-/}" ] ||
	    fail "no progress in /dev/shm"
	[ "$(stat -c %a "/dev/shm/symbolon-rekey-$idhex-${nonce//-/}")" = 600 ]
	run env -u XDG_RUNTIME_DIR "$SYMBOLON" rekey --image img --status </dev/null
	[ "$(row 'Rekey Progress')" = 1/2 ] || fail "$output"
	XDG_RUNTIME_DIR=$disk rk --image img --cancel >/dev/null
	[ ! -e "/dev/shm/symbolon-rekey-$idhex-${nonce//-/}" ] ||
	    fail "progress left in /dev/shm after cancel"

	# Neither on tmpfs: a mount namespace where /dev/shm is a directory
	# on disk.  Needs unshare -m (root, or user namespaces).
	mkdir -m 1777 "$BATS_TEST_TMPDIR/fake-shm"
	unshare -m --propagation private sh -c \
	    'mount --bind "$1" /dev/shm && [ "$(stat -f -c %T /dev/shm)" != tmpfs ]' \
	    _ "$BATS_TEST_TMPDIR/fake-shm" 2>/dev/null ||
	    skip "cannot hide /dev/shm in a mount namespace (unshare -m) here"
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir new \
	    >/dev/null
	nonce=$(nonce_of img)
	h=$(file_hash img)
	for runtime in "$disk" ""; do
		run --separate-stderr unshare -m --propagation private sh -c '
		    mount --bind "$1" /dev/shm || exit 99
		    shift
		    if [ -n "$1" ]; then export XDG_RUNTIME_DIR=$1
		    else unset XDG_RUNTIME_DIR; fi
		    shift
		    exec "$@" </dev/null' _ "$BATS_TEST_TMPDIR/fake-shm" \
		    "$runtime" "$SYMBOLON" rekey --image img --nonce "$nonce" \
		    --share old/share-1-of-3.cbor --share old/share-2-of-3.cbor
		assert_status 2
		assert_no_stdout
		assert_one_rekey_error 'symbolon-rekey: no RAM-backed file system \(tmpfs\) for rekey progress: set XDG_RUNTIME_DIR or mount /dev/shm'
		[ "$(file_hash img)" = "$h" ] || fail "image changed"
		[ -z "$(find "$disk" "$BATS_TEST_TMPDIR/fake-shm" -mindepth 1)" ] ||
		    fail "progress written to disk"
	done
	[ ! -e new ] || fail "new shares without tmpfs"
	unseals img old 3 1 2
}

@test "every step is in the audit log: sealed steps journaled, then signed at the next commit (verify --transcript)" {
	local nonce vnonce ops fp
	make_image img old 3 2
	"$SYMBOLON" keygen identity --name op --out op --no-passphrase \
	    </dev/null >/dev/null
	fp=$("$SYMBOLON" verify op.pub </dev/null |
	    sed -n 's/.*fingerprint \([0-9A-F ]*\): valid$/\1/p')
	[ -n "$fp" ] || fail "no fingerprint for op.pub"
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir c1 \
	    --signer op.key >/dev/null
	rk --image img --nonce "$(nonce_of img)" --share old/share-1-of-3.cbor \
	    2>/dev/null
	rk --image img --cancel >/dev/null
	run --separate-stderr rk --image img --init --verify --key-shares 3 \
	    --key-threshold 2 --out-dir new --signer op.key
	assert_status 0
	[[ $output == *"Started By             $fp"* ]] || fail "$output"
	nonce=$(nonce_of img)
	run rk --image img --status
	[[ $output == *"Started By             $fp"* ]] || fail "$output"
	rk --image img --nonce "$nonce" --share old/share-2-of-3.cbor 2>/dev/null
	rk --image img --nonce "$nonce" --share old/share-3-of-3.cbor \
	    >/dev/null 2>&1
	vnonce=$(vnonce_of img)
	rk --image img --verify --nonce "$vnonce" --share new/share-1-of-3.cbor \
	    2>/dev/null
	rk --image img --verify --cancel >/dev/null
	vnonce=$(vnonce_of img)
	rk --image img --verify --nonce "$vnonce" --share new/share-2-of-3.cbor \
	    2>/dev/null
	rk --image img --verify --nonce "$vnonce" --share new/share-3-of-3.cbor \
	    >/dev/null 2>&1
	run --separate-stderr "$SYMBOLON" verify --image img \
	    --share new/share-1-of-3.cbor --share new/share-2-of-3.cbor \
	    --transcript tr </dev/null
	assert_status 0
	run --separate-stderr "$SYMBOLON" verify tr </dev/null
	assert_status 0
	ops=$(printf '%s\n' "$output" | sed -n 's/^  #[0-9]* *[^ ]* *\([a-z-]*\) .*/\1/p' |
	    tr '\n' ' ')
	[ "$ops" = "init rekey-init rekey-share rekey-cancel rekey-init rekey-share rekey-share rekey-issued rekey-share rekey-verify-cancel rekey-share rekey-share rekey-verified " ] ||
	    fail "operations: $ops"
	# Steps taken sealed say so; the nonce and the operator are named.
	[ "$(printf '%s\n' "$output" | grep -c '(while sealed, at [^;]*; journaled unsigned, signed here)$')" -eq 10 ] ||
	    fail "$output"
	printf '%s\n' "$output" | grep -q "rekey-init .*nonce $nonce, new 2 of 3, verify, by op " ||
	    fail "$output"
	printf '%s\n' "$output" | grep -q 'rekey-issued .*generation 2: 2 of 3 shares, pending verification' ||
	    fail "$output"
	printf '%s\n' "$output" | grep -q 'rekey-share .*current share 2 of 3 (x [0-9]*, holder h2) accepted' ||
	    fail "$output"
	printf '%s\n' "$output" | grep -q 'rekey-verified .*generation 2 active; the previous generation destroyed' ||
	    fail "$output"
}

@test "bad input: one line, non-zero exit, image unchanged" {
	local nonce vnonce
	make_image img old 3 2
		# Nothing in progress.
	refused 1 'no rekey in progress' --image img --nonce \
	    01234567-89ab-cdef-0123-456789abcdef --share old/share-1-of-3.cbor
	refused 1 'no rekey verification in progress' --image img --verify \
	    --nonce 01234567-89ab-cdef-0123-456789abcdef \
	    --share old/share-1-of-3.cbor
	refused 1 'no rekey verification in progress' --image img --verify --cancel
	# --init checks, Vault's wording first.
	refused 2 '--key-threshold 4: provided threshold greater than the total shares or less than 2' \
	    --image img --init --key-shares 3 --key-threshold 4 --out-dir new
	refused 2 '--key-threshold 1: provided threshold greater than the total shares or less than 2' \
	    --image img --init --key-shares 3 --key-threshold 1 --out-dir new
	refused 2 '--key-shares: 2 to 255 shares' \
	    --image img --init --key-shares 256 --key-threshold 3 --out-dir new
	refused 2 '--key-shares: 2 to 255 shares' \
	    --image img --init --key-shares 1 --key-threshold 1 --out-dir new
	refused 2 '--key-shares: not a number: many' \
	    --image img --init --key-shares many --key-threshold 2 --out-dir new
	refused 2 'missing --out-dir \(where the new shares will be written\)' \
	    --image img --init --key-shares 3 --key-threshold 2
	refused 2 '--to and --holders name one holder per new share \(3\)' \
	    --image img --init --key-shares 3 --key-threshold 2 --out-dir new \
	    --holders a,b
	refused 2 '--key-shares, --key-threshold, --out-dir, --to, --holders, .*--signer go with --init' \
	    --image img --status --key-shares 3
	refused 2 '--init, --status and --cancel exclude each other' \
	    --image img --init --cancel --key-shares 3 --key-threshold 2 \
	    --out-dir new
	refused 2 '--ttl: a number of seconds, not 0' --image img --status --ttl 0
	refused 2 '--format: expected table or json, not yaml' --image img \
	    --status --format yaml
	refused 2 'missing --image' --status
	mkdir dealt
	cp old/manifest.cbor dealt/
	refused 2 'dealt: already holds a deal; give an empty directory for the new shares' \
	    --image img --init --key-shares 3 --key-threshold 2 --out-dir dealt
	[ ! -e new ] || fail "out dir created by a refused --init"

	# A rekey in progress.
	rk --image img --init --key-shares 3 --key-threshold 2 --out-dir new \
	    >/dev/null
	nonce=$(nonce_of img)
	refused 2 "missing nonce: give it with --nonce \(it is $nonce\)" \
	    --image img --share old/share-1-of-3.cbor
	refused 1 'no rekey verification in progress' --image img --verify \
	    --nonce "$nonce" --share old/share-1-of-3.cbor
	refused 1 'no rekey verification in progress' --image img --verify --cancel
	refused 1 'rekey already in progress' --image img --init \
	    --key-shares 3 --key-threshold 2 --out-dir new
	# Verification pending: the new set is no use as current shares, and
	# the rekey cannot start over.
	rk --image img --cancel >/dev/null
	rk --image img --init --verify --key-shares 2 --key-threshold 2 \
	    --out-dir v >/dev/null
	nonce=$(nonce_of img)
	complete_rekey img old 3 1 3
	vnonce=$(vnonce_of img)
	refused 1 "rekey operation already finished; verification must be performed; nonce for the verification operation is $vnonce" \
	    --image img --nonce "$nonce" --share v/share-1-of-2.cbor
	refused 1 'rekey already in progress' --image img --init \
	    --key-shares 3 --key-threshold 2 --out-dir other
	# ...and the current shares are no use for the verification.
	refused 1 "old/share-1-of-3.cbor: share is of generation 1, not 2$REPLACED" \
	    --image img --verify --nonce "$vnonce" --share old/share-1-of-3.cbor
	refused 1 "incorrect nonce supplied; nonce for this verify operation is $vnonce" \
	    --image img --verify --nonce "$nonce" --share v/share-1-of-2.cbor
}

@test "--armor on the completing invocation writes the new bundles as text, which unseal; transcripts too" {
	local nonce
	make_image img old 3 2
	rk --image img --init --key-shares 2 --key-threshold 2 --out-dir new >/dev/null
	nonce=$(nonce_of img)
	# shellcheck disable=SC2046
	run --separate-stderr rk --image img --nonce "$nonce" $(shares old 3 1 3) --armor
	assert_status 0
	[ -f new/manifest.txt ] && [ -f new/share-1-of-2.txt ] &&
	    [ -f new/share-2-of-2.txt ] || fail "$(ls new)"
	[ ! -e new/share-1-of-2.cbor ] || fail "binary shares written too"
	[ "$(head -c 5 new/share-1-of-2.txt)" = "SYM1:" ] || fail "not text form"
	"$SYMBOLON" store --image img --share new/share-1-of-2.txt \
	    --share new/share-2-of-2.txt list </dev/null >/dev/null 2>&1 ||
	    fail "the text-form shares do not unseal"
	run --separate-stderr "$SYMBOLON" verify --image img --transcript t.txt --armor </dev/null
	assert_status 0
	[ "$(head -c 5 t.txt)" = "SYM1:" ] || fail "transcript not in text form"
	"$SYMBOLON" verify t.txt >/dev/null || fail "text transcript does not verify"
	# A second export refuses to replace it, and leaves it as it was.
	cp t.txt before.txt
	run --separate-stderr "$SYMBOLON" verify --image img --transcript t.txt --armor </dev/null
	assert_status 2
	cmp t.txt before.txt
}
