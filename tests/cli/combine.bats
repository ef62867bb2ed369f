#!/usr/bin/env bats
# symbolon-combine: shares in any order from files, standard input or a
# hidden prompt; exit 1 for invalid shares, 2 for usage and I/O errors;
# one error line naming FILE:LINE; no output file created or changed on
# any error.

load helpers

setup() {
	common_setup
	random_secret key 32
	"$SPLIT" --key-shares 5 --key-threshold 3 --in key >shares
	"$SPLIT" --key-shares 5 --key-threshold 3 --format hex --in key >shares.hex
}

# permutations WORD... : every ordering of the words, one per line.
permutations() {
	local i rest
	if [ $# -le 1 ]; then
		echo "$*"
		return
	fi
	for ((i = 1; i <= $#; i++)); do
		rest=("${@:1:i-1}" "${@:i+1}")
		permutations "${rest[@]}" | sed "s/^/${!i} /"
	done
}

@test "combine: --help prints the synopsis and exits 0" {
	run --separate-stderr "$COMBINE" --help
	assert_status 0
	[[ "$output" == usage:\ symbolon\ combine* ]]
	[[ "$output" == *--share* ]]
	[[ "$output" == *--key-threshold* ]]
	[ -z "$stderr" ]
}

@test "combine: shares 5, 2, 4 in that order recover the key" {
	pick shares 5 2 4 >three
	run_to got "$COMBINE" --share three
	assert_status 0
	assert_file_equal got key
	[ -z "$(error_lines)" ]
}

@test "combine: every 3 of the 5 shares, and 4 and 5 of them, recover the key" {
	for a in 1 2 3 4 5; do
		for b in $(seq $((a + 1)) 5); do
			for c in $(seq $((b + 1)) 5); do
				pick shares $c $a $b | "$COMBINE" >got 2>/dev/null ||
				    fail "shares $c $a $b: exit $?"
				assert_file_equal got key
			done
		done
	done
	pick shares 4 1 5 2 | "$COMBINE" >got 2>/dev/null
	assert_file_equal got key
	"$COMBINE" <shares >got 2>/dev/null
	assert_file_equal got key
}

@test "combine: every ordering of some subsets recovers the key" {
	for subset in "5 2 4" "1 3 5" "2 1 4 3"; do
		# shellcheck disable=SC2086
		permutations $subset >orders
		# shellcheck disable=SC2086
		set -- $subset
		[ "$(grep -c '' orders)" -eq "$([ $# -eq 3 ] && echo 6 || echo 24)" ]
		while read -r -a order; do
			pick shares "${order[@]}" >subset.txt
			"$COMBINE" --share subset.txt >got 2>/dev/null ||
			    fail "order ${order[*]}: exit $?"
			assert_file_equal got key
		done <orders
	done
}

@test "combine: one file of several lines, with blank lines, spaces and CRLF" {
	{
		echo
		pick shares 3 | sed 's/^/  /'
		echo
		pick shares 1 | sed 's/$/\r/'
		printf '\t'; pick shares 5 | tr -d '\n'
	} >messy
	run_to got "$COMBINE" --share messy
	assert_status 0
	assert_file_equal got key
}

@test "combine: several --share files, one share each" {
	pick shares 4 >s4
	pick shares 1 >s1
	pick shares 3 >s3
	run_to got "$COMBINE" --share s4 --share s1 --share s3
	assert_status 0
	assert_file_equal got key
	[ "$(printf '%s\n' "$stderr" | grep -c '^Progress ')" -eq 3 ]
	# Vault's spelling.
	run_to got "$COMBINE" -share=s3 -share s4 -share=s1
	assert_status 0
	assert_file_equal got key
}

@test "combine: shares from standard input, --share -, or files and standard input" {
	pick shares 2 5 1 >three
	run_to got "$COMBINE" <three
	assert_status 0
	assert_file_equal got key

	run_to got "$COMBINE" --share - <three
	assert_status 0
	assert_file_equal got key

	pick shares 4 >s4
	run_to got "$COMBINE" --share s4 --share - < <(pick shares 2 3)
	assert_status 0
	assert_file_equal got key
}

@test "combine: hex shares, by Vault's rule (default) and with --format hex" {
	pick shares.hex 5 2 4 >three
	run_to got "$COMBINE" --share three
	assert_status 0
	assert_file_equal got key
	run_to got "$COMBINE" --format hex --share three
	assert_status 0
	assert_file_equal got key
	# Upper-case hex too; and base64 and hex of one split mix freely.
	tr a-f A-F <three >upper
	run_to got "$COMBINE" --format hex --share upper
	assert_status 0
	assert_file_equal got key
	{ pick shares 1; to_hex <(pick shares 3); pick shares 5; } >mixed
	run_to got "$COMBINE" --share mixed
	assert_status 0
	assert_file_equal got key
}

@test "combine: Progress k/t lines go to standard error, never to standard output" {
	pick shares 5 2 4 >three
	run --separate-stderr "$COMBINE" --key-threshold 3 --out out --share three
	assert_status 0
	assert_no_stdout
	[ "$stderr" = "$(printf 'Progress 1/3\nProgress 2/3\nProgress 3/3')" ]
	assert_file_equal out key

	run --separate-stderr "$COMBINE" --out out2 --share three
	assert_status 0
	[ "$stderr" = "$(printf 'Progress 1/?\nProgress 2/?\nProgress 3/?')" ]
}

@test "combine: --key-threshold T takes its shares; Vault spelling -key-threshold=3" {
	pick shares 1 2 3 >three
	run_to got "$COMBINE" --key-threshold 3 --share three
	assert_status 0
	assert_file_equal got key
	run_to got "$COMBINE" -key-threshold=3 <three
	assert_status 0
	assert_file_equal got key
}

@test "combine: --key-threshold 3 with only 2 shares and no terminal fails (exit 1)" {
	pick shares 1 2 >two
	before=$(snapshot)
	run --separate-stderr "$COMBINE" --key-threshold 3 --share two </dev/null
	assert_status 1
	assert_no_stdout
	assert_one_error 'symbolon-combine: only 2 of 3 shares given'
	[ "$before" = "$(snapshot)" ]

	run --separate-stderr "$COMBINE" --key-threshold 3 --out secret <two
	assert_status 1
	assert_no_stdout
	assert_one_error 'symbolon-combine: only 2 of 3 shares given'
	[ ! -e secret ]
	[ "$before" = "$(snapshot)" ]
}

@test "combine: --key-threshold out of range or not a number is a usage error" {
	for bad in 1 0 256 three ''; do
		run --separate-stderr "$COMBINE" --key-threshold "$bad" --share shares
		assert_status 2
		assert_no_stdout
		assert_usage_error symbolon-combine \
		    "--key-threshold: expected a number from 2 to 255, not $bad"
	done
}

# --- --out FILE ---

@test "combine: --out FILE writes the key with mode 0600, nothing on standard output" {
	umask 000
	run --separate-stderr "$COMBINE" --share shares --out secret.bin
	assert_status 0
	assert_no_stdout
	assert_file_equal secret.bin key
	[ "$(stat -c %a secret.bin)" = 600 ]
	# No temporary file left behind.
	[ "$(ls -A | sort | tr '\n' ' ')" = "key secret.bin shares shares.hex " ]
}

@test "combine: --out refuses to replace an existing file without --force" {
	echo "precious" >secret.bin
	chmod 644 secret.bin
	before=$(snapshot)
	run --separate-stderr "$COMBINE" --share shares --out secret.bin
	assert_status 2
	assert_no_stdout
	assert_one_error 'symbolon-combine: secret.bin: file exists \(use --force to replace it\)'
	[ "$before" = "$(snapshot)" ]
	[ "$(cat secret.bin)" = precious ]
	# It refuses before reading a single share.
	[[ "$stderr" != *Progress* ]]
}

@test "combine: --out refuses a dangling or live symlink without --force" {
	echo "victim" >victim
	ln -s victim link
	ln -s nowhere dangling
	before=$(snapshot)
	run --separate-stderr "$COMBINE" --share shares --out link
	assert_status 2
	assert_one_error 'symbolon-combine: link: file exists \(use --force to replace it\)'
	run --separate-stderr "$COMBINE" --share shares --out dangling
	assert_status 2
	assert_one_error 'symbolon-combine: dangling: file exists \(use --force to replace it\)'
	[ "$before" = "$(snapshot)" ]
	[ ! -e nowhere ]
}

@test "combine: --out --force replaces the file (mode 0600), not a symlink's target" {
	echo "old contents" >secret.bin
	chmod 644 secret.bin
	run --separate-stderr "$COMBINE" --share shares --out secret.bin --force
	assert_status 0
	assert_file_equal secret.bin key
	[ "$(stat -c %a secret.bin)" = 600 ]

	echo "victim" >victim
	ln -s victim link
	run --separate-stderr "$COMBINE" --share shares --out link --force
	assert_status 0
	[ ! -L link ]
	assert_file_equal link key
	[ "$(cat victim)" = victim ]
}

@test "combine: --out in a missing directory is an I/O error naming it" {
	before=$(snapshot)
	run --separate-stderr "$COMBINE" --share shares --out no/such/dir/secret
	assert_status 2
	assert_no_stdout
	assert_one_error 'symbolon-combine: no/such/dir/secret: no such file or directory'
	[ "$before" = "$(snapshot)" ]
}

@test "combine: a write error on standard output is reported (exit 2)" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c '"$1" --share shares >/dev/full' _ "$COMBINE"
	assert_status 2
	assert_one_error 'symbolon-combine: standard output: no space left on device'
}

# --- bad shares: exit 1, one line naming FILE:LINE, nothing written ---

# combine_fails STATUS PATTERN ARGS... : combine with --out fails as told
# and leaves the directory exactly as it was.
combine_fails() {
	local want=$1 pattern=$2 before
	shift 2
	before=$(snapshot)
	run --separate-stderr "$COMBINE" --out recovered "$@"
	assert_status "$want"
	assert_no_stdout
	assert_one_error "$pattern"
	[ ! -e recovered ] || fail "recovered was written"
	[ "$before" = "$(snapshot)" ] || fail "the directory changed"
	# And to standard output: no partial secret either.
	run --separate-stderr "$COMBINE" "$@"
	assert_status "$want"
	assert_no_stdout
	assert_one_error "$pattern"
}

@test "combine: a garbage line is refused, naming FILE:LINE" {
	{ pick shares 1 2; echo 'this is not a share!'; pick shares 3; } >bad
	combine_fails 1 'symbolon-combine: bad:3: not a valid encoding' --share bad
}

@test "combine: line numbers count blank lines" {
	{ pick shares 1; echo; echo '   '; echo 'QUJD$$$$'; } >bad
	combine_fails 1 'symbolon-combine: bad:4: not a valid encoding' --share bad
}

@test "combine: truncated base64 is refused" {
	{ pick shares 1; pick shares 2 | cut -c 1-41; pick shares 3; } >bad
	combine_fails 1 'symbolon-combine: bad:2: not a valid encoding' --share bad
	# Cut at a 4-character boundary it decodes, but is too short.
	{ pick shares 1; pick shares 2 | cut -c 1-40; pick shares 3; } >short
	combine_fails 1 'symbolon-combine: short:2: shares are of different lengths' --share short
	# Missing padding.
	{ pick shares 1; pick shares 2 | tr -d =; } >nopad
	if ! grep -q = <(pick shares 2); then
		skip "this share needs no padding"
	fi
	combine_fails 1 'symbolon-combine: nopad:2: not a valid encoding' --share nopad
}

@test "combine: truncated hex with --format hex is refused" {
	{ pick shares.hex 1; pick shares.hex 2 | cut -c 1-65; pick shares.hex 3; } >bad
	combine_fails 1 'symbolon-combine: bad:2: not a valid encoding' --format hex --share bad
	{ pick shares.hex 1; pick shares.hex 2 | cut -c 1-64; pick shares.hex 3; } >short
	combine_fails 1 'symbolon-combine: short:2: shares are of different lengths' --format hex --share short
	# base64 is not hex.
	combine_fails 1 'symbolon-combine: shares:1: not a valid encoding' --format hex --share shares
}

@test "combine: shares of different lengths are refused" {
	random_secret longer 48
	"$SPLIT" --key-shares 3 --key-threshold 2 --in longer >shares48
	{ pick shares 1 2; pick shares48 1; } >mixed
	combine_fails 1 'symbolon-combine: mixed:3: shares are of different lengths' --share mixed
	pick shares 1 >a
	pick shares48 2 >b
	combine_fails 1 'symbolon-combine: b:1: shares are of different lengths' --share a --share b
}

@test "combine: a duplicate share is refused" {
	{ pick shares 2 4 2; } >dup
	combine_fails 1 'symbolon-combine: dup:3: duplicate share \(same x already entered\)' --share dup
	# The same share in hex is the same share.
	{ pick shares 2; to_hex <(pick shares 2); pick shares 4; } >dup2
	combine_fails 1 'symbolon-combine: dup2:2: duplicate share \(same x already entered\)' --share dup2
	# Across files.
	pick shares 3 1 >a
	pick shares 1 >b
	combine_fails 1 'symbolon-combine: b:1: duplicate share \(same x already entered\)' --share a --share b
}

@test "combine: a share with x = 0 is refused" {
	zero=$(pick shares.hex 2 | sed 's/..$/00/')
	{ pick shares.hex 1; echo "$zero"; pick shares.hex 3; } >bad
	combine_fails 1 'symbolon-combine: bad:2: share has x = 0, which no valid share has' --share bad
	# First in the file, and in base64.
	{ to_base64 <(echo "$zero"); pick shares 1 3; } >bad64
	combine_fails 1 'symbolon-combine: bad64:1: share has x = 0, which no valid share has' --share bad64
}

@test "combine: a share with no y bytes is refused" {
	{ pick shares 1; echo AQ==; } >bad
	combine_fails 1 'symbolon-combine: bad:2: share is empty' --share bad
}

@test "combine: a single share is too few (exit 1)" {
	pick shares 3 >one
	combine_fails 1 'symbolon-combine: fewer than two shares' --share one
	# From standard input (read once, so not through combine_fails).
	run --separate-stderr "$COMBINE" --share - <one
	assert_status 1
	assert_no_stdout
	assert_one_error 'symbolon-combine: fewer than two shares'
}

@test "combine: an empty file, or only blank lines, has no share (exit 1)" {
	: >empty
	combine_fails 1 'symbolon-combine: empty: no share found' --share empty
	printf '\n  \n\t\r\n' >blank
	combine_fails 1 'symbolon-combine: blank: no share found' --share blank
	combine_fails 1 'symbolon-combine: standard input: no share found' </dev/null
	# After good shares from another file, too.
	combine_fails 1 'symbolon-combine: empty: no share found' --share shares --share empty
}

@test "combine: a missing share file is an I/O error (exit 2)" {
	combine_fails 2 'symbolon-combine: missing.txt: no such file or directory' --share missing.txt
	combine_fails 2 'symbolon-combine: missing.txt: no such file or directory' --share shares --share missing.txt
	[ ! -e missing.txt ]
}

@test "combine: a directory given as a share is an I/O error (exit 2)" {
	mkdir sharedir
	combine_fails 2 'symbolon-combine: sharedir: is a directory' --share sharedir
}

@test "combine: an unreadable share file is an I/O error (exit 2)" {
	dir=$(mktemp -d /tmp/symbolon-combine-XXXXXX)
	chmod 755 "$dir"
	cp shares "$dir/shares"
	chmod 000 "$dir/shares"
	run --separate-stderr unprivileged "$COMBINE" --share "$dir/shares"
	rm -rf "$dir"
	assert_status 2
	assert_no_stdout
	assert_one_error "symbolon-combine: $dir/shares: permission denied"
}

@test "combine: a share given as an argument is refused, and not echoed" {
	share=$(pick shares 1)
	before=$(snapshot)
	run --separate-stderr "$COMBINE" --out recovered --share shares "$share"
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-combine 'unexpected argument .*never as arguments\)'
	[[ "$stderr" != *"$share"* ]]
	[ "$before" = "$(snapshot)" ]
}

@test "combine: unknown options and formats are usage errors" {
	run --separate-stderr "$COMBINE" --frobnicate --share shares
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-combine 'unknown option or missing value: --frobnicate'
	run --separate-stderr "$COMBINE" --format base32 --share shares
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-combine '--format: expected vault, hex or raw, not base32'
	run --separate-stderr "$COMBINE" --share
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-combine 'unknown option or missing value: --share'
}

# --- the hidden prompt, on a real pseudo-terminal ---

@test "combine: on a terminal, prompts 'Share (will be hidden):', refuses a bad share, keeps the others" {
	{
		pick shares 5
		echo 'not-a-share!'
		pick shares 2
		pick shares 4
	} >typed
	in_pty typed tty.txt got "$SHARE_PROMPT" "$COMBINE" --key-threshold 3
	assert_status 0
	assert_file_equal got key
	[ "$(count_in tty.txt "$SHARE_PROMPT")" -eq 4 ]
	[ "$(count_in tty.txt 'symbolon-combine: share refused: not a valid encoding')" -eq 1 ]
	# The refusal did not drop share 5: three good shares were enough.
	grep -q 'Progress 1/3' tty.txt
	grep -q 'Progress 2/3' tty.txt
	grep -q 'Progress 3/3' tty.txt
	assert_not_echoed tty.txt typed
	# No 8-character piece of any share shows either.
	while read -r line; do
		run ! grep -qF -- "${line:8:8}" tty.txt
	done < <(pick shares 5 2 4)
}

@test "combine: at the prompt a duplicate or x = 0 share is refused and the others kept" {
	zero=$(pick shares.hex 3 | sed 's/..$/00/')
	{
		pick shares 1
		pick shares 1
		echo "$zero"
		pick shares 3
		pick shares 4
	} >typed
	in_pty typed tty.txt got "$SHARE_PROMPT" "$COMBINE" --key-threshold 3
	assert_status 0
	assert_file_equal got key
	[ "$(count_in tty.txt "$SHARE_PROMPT")" -eq 5 ]
	grep -q 'share refused: duplicate share' tty.txt
	grep -q 'share refused: share has x = 0' tty.txt
	assert_not_echoed tty.txt typed
}

@test "combine: without --key-threshold the prompt ends at an empty line" {
	{ pick shares 4 1 3; echo; } >typed
	in_pty typed tty.txt got "$SHARE_PROMPT" "$COMBINE"
	assert_status 0
	assert_file_equal got key
	[ "$(count_in tty.txt "$SHARE_PROMPT")" -eq 4 ]
	grep -q 'Progress 3/?' tty.txt
	assert_not_echoed tty.txt typed
}

@test "combine: shares from a file, the rest at the prompt, up to --key-threshold" {
	pick shares 2 >s2
	{ pick shares 5 3; } >typed
	in_pty typed tty.txt got "$SHARE_PROMPT" "$COMBINE" --key-threshold 3 --share s2
	assert_status 0
	assert_file_equal got key
	[ "$(count_in tty.txt "$SHARE_PROMPT")" -eq 2 ]
	assert_not_echoed tty.txt typed

	# A file that already meets the threshold needs no prompt.
	pick shares 1 2 3 >s123
	: >nothing
	in_pty nothing tty.txt got "$SHARE_PROMPT" "$COMBINE" --key-threshold 3 --share s123
	assert_status 0
	assert_file_equal got key
	[ "$(count_in tty.txt "$SHARE_PROMPT")" -eq 0 ]
}

@test "combine: end of input at the prompt before the threshold fails, writing nothing" {
	{ pick shares 1 4; echo '<EOF>'; } >typed
	before=$(snapshot)
	in_pty typed tty.txt /dev/null "$SHARE_PROMPT" "$COMBINE" --key-threshold 3 --out secret
	assert_status 1
	[ ! -e secret ]
	grep -q 'symbolon-combine: only 2 of 3 shares given' tty.txt
	[ "$(grep -c 'symbolon-combine:' tty.txt)" -eq 1 ]
	assert_not_echoed tty.txt typed

	{ pick shares 2; echo '<EOF>'; } >typed
	in_pty typed tty.txt /dev/null "$SHARE_PROMPT" "$COMBINE" --key-threshold 3 --out secret
	assert_status 1
	[ ! -e secret ]
	grep -q 'symbolon-combine: fewer than two shares' tty.txt
	[ "$(grep -c 'symbolon-combine:' tty.txt)" -eq 1 ]
}

@test "combine: with --out FILE existing, refuses before prompting" {
	echo precious >secret
	: >nothing
	in_pty nothing tty.txt /dev/null "$SHARE_PROMPT" "$COMBINE" --key-threshold 3 --out secret
	assert_status 2
	[ "$(count_in tty.txt "$SHARE_PROMPT")" -eq 0 ]
	grep -q 'symbolon-combine: secret: file exists' tty.txt
	[ "$(cat secret)" = precious ]
}

@test "combine: the echo check itself works (control: a program that echoes)" {
	printf 'visible-text-123\n' >typed
	in_pty typed tty.txt out "$SHARE_PROMPT" \
	    sh -c 'printf "Share (will be hidden): " >&2; read -r line; echo "$line" >/dev/null'
	assert_status 0
	run assert_not_echoed tty.txt typed
	[ "$status" -ne 0 ]
}
