# Helpers for rekey.bats and rekey_crash.bats; load after helpers.bash.
#
# Rekey progress lives on tmpfs ($XDG_RUNTIME_DIR, else /dev/shm): every
# test gets its own fresh directory under /dev/shm as XDG_RUNTIME_DIR, so
# that tests running side by side never see each other's progress, and
# removes it afterwards.  Standard input is always /dev/null: no prompt.

REKEY_PROGRESS_GLOB='symbolon-rekey-*'

rekey_setup() {
	common_setup || return 1
	[ "$(stat -f -c %T /dev/shm)" = tmpfs ] ||
	    fail "/dev/shm is not a tmpfs here: the rekey tests need one"
	RUNDIR=$(mktemp -d /dev/shm/rekey-test.XXXXXX) || return 1
	export XDG_RUNTIME_DIR=$RUNDIR
}

rekey_teardown() {
	local id
	[ -n "${RUNDIR:-}" ] && rm -rf "$RUNDIR"
	# Progress that fell back to /dev/shm itself (the fallback test).
	for id in ${REKEY_FALLBACK_IDS:-}; do
		rm -f /dev/shm/symbolon-rekey-"$id"-*
	done
}

# make_image IMG DIR N T [ARGS...] : keygen init, holders h1..hN unless
# ARGS say otherwise.
make_image() {
	local img=$1 dir=$2 n=$3 t=$4 holders i
	shift 4
	if [ $# -eq 0 ]; then
		holders=h1
		for ((i = 2; i <= n; i++)); do holders=$holders,h$i; done
		set -- --holders "$holders"
	fi
	"$SYMBOLON" keygen init --image "$img" --key-shares "$n" \
	    --key-threshold "$t" --out-dir "$dir" "$@" </dev/null >/dev/null
}

# rk ARGS... : symbolon rekey, never at a prompt.
rk() {
	"$SYMBOLON" rekey "$@" </dev/null
}

# shares DIR N I... : the --share options for shares I... of N in DIR.
shares() {
	local dir=$1 n=$2 i
	shift 2
	for i in "$@"; do
		printf -- '--share\n%s\n' "$dir/share-$i-of-$n.cbor"
	done
}

# unseals IMG DIR N I... [-- ARGS...] : true if shares I... of N in DIR
# unseal IMG (store list, which writes nothing).
unseals() {
	local img=$1 dir=$2 n=$3 args=() i
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=(--share "$dir/share-$1-of-$n.cbor")
		shift
	done
	[ "${1:-}" = -- ] && shift
	"$SYMBOLON" store --image "$img" "${args[@]}" "$@" list \
	    </dev/null >/dev/null 2>&1
}

# json_field IMG KEY : one value of rekey --status --format json, without
# quotes.
json_field() {
	rk --image "$1" --status --format json |
	    sed -n "s/^  \"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p"
}

nonce_of() {
	json_field "$1" nonce
}

vnonce_of() {
	json_field "$1" verification_nonce
}

# row NAME : the value of the Key/Value row NAME in $output.
row() {
	printf '%s\n' "$output" | sed -n "s/^$1  *//p" | head -n 1
}

file_hash() {
	sha256sum "$1" | cut -d' ' -f1
}

# image_id_hex IMG : the image id as progress file names spell it.
image_id_hex() {
	"$SYMBOLON" status --image "$1" </dev/null | sed -n 's/^Image ID  *//p'
}

# progress_files : the progress files in our runtime directory, one a line.
progress_files() {
	find "$RUNDIR" -mindepth 1 -maxdepth 1 -name "$REKEY_PROGRESS_GLOB" -printf '%f\n'
}

assert_no_progress() {
	local left
	left=$(progress_files)
	[ -z "$left" ] || fail "progress left on tmpfs: $left"
}

# rekey_error_lines : $stderr without share acceptances, progress lines,
# the plan a submission shows first ("Rekey to ...", or "Rekey the
# barrier: ..." on an auto seal, "Started by" and its words) and the
# memory-lock warning: what the program says went wrong.  (Bash
# only: these run after every refusal, and processes are slow to start
# on a loaded machine.)
rekey_error_lines() {
	local line
	while IFS= read -r line; do
		[[ -z $line ||
		    $line =~ ^.*:\ (recovery\ )?share\ [0-9]+\ of\ [0-9]+(,\ .*)?\ accepted$ ||
		    $line =~ ^(Rekey|Verification|Unseal)\ Progress\ [0-9]+/[0-9]+$ ||
		    $line =~ ^Rekey\ to\ [0-9]+\ of\ [0-9]+\ new\ (recovery\ )?shares ||
		    $line =~ ^Rekey\ the\ barrier:\ a\ new\ unseal\ key ||
		    $line =~ ^Started\ by\ {13}[0-9A-F]{4}(\ [0-9A-F]{4}){15}$ ||
		    $line =~ ^\ {23}[A-Za-z]+(\ [A-Za-z]+){11}$ ||
		    $line == *"warning: memory cannot be locked"* ]] && continue
		printf '%s\n' "$line"
	done <<<"$stderr"
}

# assert_one_rekey_error PATTERN : exactly one such line, matching the
# extended regular expression PATTERN (anchored).
assert_one_rekey_error() {
	local lines
	lines=$(rekey_error_lines)
	[[ -n $lines && $lines != *$'\n'* ]] ||
	    fail "expected one error line, got:" "$(printf '\n%s' "$lines")"
	[[ $lines =~ ^($1)$ ]] || fail "error line '$lines' does not match '$1'"
}

# flip_byte FILE OFFSET : xors one byte with 1, in place.
flip_byte() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' \n')
	[ -n "$b" ] || fail "flip_byte: $1 has no byte at $2"
	# shellcheck disable=SC2059 # the octal escape is the point
	printf "$(printf '\\%03o' $((b ^ 1)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# spoil_progress : damages the raw share kept in the only progress file
# (its last bytes, after the bundle), as a corrupted share would be: the
# bundle still verifies, the combination no longer does.  Only shares
# that are encrypted (to an identity) are kept raw beside their bundle.
spoil_progress() {
	local files f size
	files=$(progress_files)
	[ "$(printf '%s\n' "$files" | grep -c .)" -eq 1 ] ||
	    fail "expected one progress file, got: $files"
	f=$RUNDIR/$files
	size=$(stat -c %s "$f")
	flip_byte "$f" $((size - 2))
}

# set_progress_created TIME : rewrites when the only progress file says
# its first share was entered.  The file is {1: image id (bstr 16), 2:
# nonce (bstr 16), 3: created (uint), 4: shares}: created is the 4-byte
# uint (0x1a) at offset 38.
set_progress_created() {
	local files f b
	files=$(progress_files)
	[ "$(printf '%s\n' "$files" | grep -c .)" -eq 1 ] ||
	    fail "expected one progress file, got: $files"
	f=$RUNDIR/$files
	[ "$(od -An -tx1 -j 37 -N 2 "$f" | tr -d ' \n')" = 031a ] ||
	    fail "unexpected progress layout: $(od -An -tx1 -N 48 "$f")"
	b=$(printf '%08x' "$1")
	# shellcheck disable=SC2059 # the escapes are the point
	printf "$(printf '%s' "$b" | sed 's/../\\x&/g')" |
	    dd of="$f" bs=1 seek=39 conv=notrunc status=none
}

# identities NAME... : holder identities (no passphrase) in ids/.
identities() {
	local name
	mkdir -p ids
	for name in "$@"; do
		"$SYMBOLON" keygen identity --name "$name" --out "ids/$name" \
		    --no-passphrase </dev/null >/dev/null || return 1
	done
}

# refused STATUS PATTERN ARGS... : rekey ARGS is refused with exit STATUS
# and exactly one error line matching PATTERN (usage errors: that line
# and the synopsis), printing nothing on standard output, and the image
# (img) and the progress files are byte for byte as they were.
refused() {
	local want=$1 pattern=$2 before after
	shift 2
	before=$(sha256sum img "$RUNDIR"/symbolon-rekey-* 2>/dev/null || true)
	run --separate-stderr rk "$@"
	assert_status "$want"
	assert_no_stdout
	if [ "$want" -eq 2 ] && printf '%s\n' "$stderr" | grep -q '^usage: '; then
		assert_usage_error symbolon-rekey "$pattern"
	else
		assert_one_rekey_error "symbolon-rekey: ($pattern)"
	fi
	after=$(sha256sum img "$RUNDIR"/symbolon-rekey-* 2>/dev/null || true)
	[ "$before" = "$after" ] || fail "rekey $* changed the image or the progress"
}
