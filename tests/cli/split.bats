#!/usr/bin/env bats
# symbolon-split: shares in Vault's text form; exit 1 for invalid input,
# 2 for usage and I/O errors; one error line; nothing on standard output
# when it fails.

load helpers

setup() {
	common_setup
	random_secret key 32
}

@test "split: --help prints the synopsis and exits 0" {
	run --separate-stderr "$SPLIT" --help
	assert_status 0
	[[ "$output" == usage:\ symbolon\ split* ]]
	[[ "$output" == *--key-shares* ]]
	[[ "$output" == *--key-threshold* ]]
	[ -z "$stderr" ]
}

@test "split: 3-of-5 of a 32-byte key gives 5 base64 lines of 33 bytes with distinct x in 1..255" {
	run_to shares "$SPLIT" --key-shares 5 --key-threshold 3 --in key
	assert_status 0
	[ -z "$(error_lines)" ]
	[ "$(grep -c '' shares)" -eq 5 ]
	# Vault's keys_base64: standard alphabet, padded, 33 bytes -> 44 chars.
	[ "$(grep -cE '^[A-Za-z0-9+/]{44}$' shares)" -eq 5 ]
	run decoded_lengths shares base64
	[ "${lines[*]}" = "33 33 33 33 33" ]
	x_values shares base64 >xs
	[ "$(sort -u xs | grep -c '')" -eq 5 ]
	while read -r x; do
		[ "$x" -ge 1 ]
		[ "$x" -le 255 ]
	done <xs
}

@test "split: any 3 of the 5 shares recover the key; 2 do not" {
	"$SPLIT" --key-shares 5 --key-threshold 3 --in key >shares
	pick shares 1 3 5 | "$COMBINE" >got 2>/dev/null
	assert_file_equal got key
	pick shares 4 2 1 | "$COMBINE" >got 2>/dev/null
	assert_file_equal got key
	# Raw shares do not record t: two of them interpolate a line, whose
	# value at 0 is not the key (but for a 2^-256 chance).
	pick shares 1 2 | "$COMBINE" >got 2>/dev/null
	run ! cmp -s got key
}

@test "split: --format hex gives 66 lower-case hex digits per share" {
	run_to shares "$SPLIT" --key-shares 5 --key-threshold 3 --format hex --in key
	assert_status 0
	[ "$(grep -cE '^[0-9a-f]{66}$' shares)" -eq 5 ]
	[ "$(grep -c '' shares)" -eq 5 ]
	x_values shares hex >xs
	[ "$(sort -u xs | grep -c '')" -eq 5 ]
	run ! grep -qx 0 xs
	pick shares 5 2 4 | "$COMBINE" --format hex >got 2>/dev/null
	assert_file_equal got key
}

@test "split: --format vault is base64, like the default" {
	run_to shares "$SPLIT" --key-shares 3 --key-threshold 2 --format vault --in key
	assert_status 0
	[ "$(grep -cE '^[A-Za-z0-9+/]{44}$' shares)" -eq 3 ]
}

@test "split: Vault's single-dash spellings -key-shares=5 -key-threshold=3" {
	run_to shares "$SPLIT" -key-shares=5 -key-threshold=3 -in=key
	assert_status 0
	[ "$(grep -c '' shares)" -eq 5 ]
	pick shares 2 5 3 | "$COMBINE" >got 2>/dev/null
	assert_file_equal got key

	run_to shares "$SPLIT" -key-shares 4 -key-threshold 2 -format=hex -in key
	assert_status 0
	[ "$(grep -cE '^[0-9a-f]{66}$' shares)" -eq 4 ]

	run_to shares "$SPLIT" --key-shares=5 --key-threshold=3 --in=key
	assert_status 0
	[ "$(grep -c '' shares)" -eq 5 ]
}

@test "split: reads the secret from --in FILE, from standard input and from --in -" {
	run_to a "$SPLIT" --key-shares 5 --key-threshold 3 --in key
	assert_status 0
	run_to b "$SPLIT" --key-shares 5 --key-threshold 3 <key
	assert_status 0
	run_to c "$SPLIT" --key-shares 5 --key-threshold 3 --in - <key
	assert_status 0
	for f in a b c; do
		[ "$(grep -c '' $f)" -eq 5 ]
		pick $f 1 4 5 | "$COMBINE" >got.$f 2>/dev/null
		assert_file_equal got.$f key
	done
	# Fresh coefficients and x values every time.
	run ! cmp -s a b
}

@test "split: secrets of 1, 16, 33, 64 and 1000 bytes keep every byte" {
	for len in 1 16 33 64 1000; do
		random_secret s$len $len
		"$SPLIT" --key-shares 4 --key-threshold 3 --in s$len >shares$len
		run decoded_lengths shares$len base64
		[ "${lines[*]}" = "$((len + 1)) $((len + 1)) $((len + 1)) $((len + 1))" ]
		pick shares$len 4 1 2 | "$COMBINE" >got$len 2>/dev/null
		assert_file_equal got$len s$len
	done
	# A text secret keeps its final newline.
	printf 'hunter2\n' >text
	"$SPLIT" --key-shares 2 --key-threshold 2 <text | "$COMBINE" >got 2>/dev/null
	assert_file_equal got text
}

@test "split: 255 shares use every x from 1 to 255 once; 2-of-2 works" {
	run_to shares "$SPLIT" --key-shares 255 --key-threshold 2 --in key
	assert_status 0
	x_values shares base64 | sort -n >xs
	seq 1 255 >want
	cmp xs want
	pick shares 255 1 | "$COMBINE" >got 2>/dev/null
	assert_file_equal got key

	run_to shares "$SPLIT" --key-shares 2 --key-threshold 2 --in key
	assert_status 0
	pick shares 2 1 | "$COMBINE" >got 2>/dev/null
	assert_file_equal got key
}

# --- bad input: exit status, one error line, no shares, no file touched ---

@test "split: threshold greater than shares is a usage error" {
	before=$(snapshot)
	run --separate-stderr "$SPLIT" --key-shares 3 --key-threshold 4 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split '--key-threshold 4: cannot exceed --key-shares 3'
	[ "$before" = "$(snapshot)" ]
}

@test "split: more than 255 shares is a usage error" {
	run --separate-stderr "$SPLIT" --key-shares 256 --key-threshold 3 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split '--key-shares 256: at most 255 shares'

	run --separate-stderr "$SPLIT" --key-shares 99999999999 --key-threshold 3 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split '--key-shares: not a number: 99999999999'
}

@test "split: threshold 1 (and 0) is a usage error" {
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 1 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split '--key-threshold 1: must be at least 2'

	run --separate-stderr "$SPLIT" --key-shares 1 --key-threshold 1 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split '--key-threshold 1: must be at least 2'

	# 0 is a value given, not a missing option.
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 0 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split '--key-threshold 0: must be at least 2'

	run --separate-stderr "$SPLIT" --key-shares 0 --key-threshold 2 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split '--key-threshold 2: cannot exceed --key-shares 0'
}

@test "split: missing --key-shares or --key-threshold is a usage error" {
	run --separate-stderr "$SPLIT" --key-threshold 3 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split 'missing --key-shares'

	run --separate-stderr "$SPLIT" --key-shares 5 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split 'missing --key-threshold'

	run --separate-stderr "$SPLIT" --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split 'missing --key-shares'

	# An option without its value.
	run --separate-stderr "$SPLIT" --key-threshold 3 --in key --key-shares
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split 'unknown option or missing value: --key-shares'
}

@test "split: non-numeric share counts are usage errors" {
	for bad in five 5x '' -3 ' 5' 0x5 5.0; do
		run --separate-stderr "$SPLIT" --key-shares "$bad" --key-threshold 3 --in key
		assert_status 2
		assert_no_stdout
		assert_usage_error symbolon-split '--key-shares: not a number: .*'
	done
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold three --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split '--key-threshold: not a number: three'
}

@test "split: an unknown option or format is a usage error" {
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 3 --frobnicate --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split 'unknown option or missing value: --frobnicate'

	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 3 --format base32 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split '--format: expected vault, hex or raw, not base32'
}

@test "split: an empty secret is invalid (exit 1), from a file or standard input" {
	: >empty
	before=$(snapshot)
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 3 --in empty
	assert_status 1
	assert_no_stdout
	assert_one_error 'symbolon-split: empty: secret is empty'
	[ "$before" = "$(snapshot)" ]

	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 3 </dev/null
	assert_status 1
	assert_no_stdout
	assert_one_error 'symbolon-split: standard input: secret is empty'
}

@test "split: a missing --in file is an I/O error naming it (exit 2)" {
	before=$(snapshot)
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 3 --in no-such-file
	assert_status 2
	assert_no_stdout
	assert_one_error 'symbolon-split: no-such-file: no such file or directory'
	[ "$before" = "$(snapshot)" ]
	[ ! -e no-such-file ]
}

@test "split: an unreadable --in file is an I/O error naming it (exit 2)" {
	# Readable only by its owner, run as somebody else (root reads anything).
	dir=$(mktemp -d /tmp/symbolon-split-XXXXXX)
	chmod 755 "$dir"
	cp key "$dir/key"
	chmod 000 "$dir/key"
	run --separate-stderr unprivileged "$SPLIT" --key-shares 5 --key-threshold 3 --in "$dir/key"
	rm -rf "$dir"
	assert_status 2
	assert_no_stdout
	assert_one_error "symbolon-split: $dir/key: permission denied"
}

@test "split: a directory as --in is an I/O error naming it (exit 2)" {
	mkdir secrets
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 3 --in secrets
	assert_status 2
	assert_no_stdout
	assert_one_error 'symbolon-split: secrets: is a directory'
}

@test "split: a secret given as an argument is refused, not split, not echoed" {
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 3 s3cr3t-value </dev/null
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split 'unexpected argument .*never from arguments\)'
	# Ceremonies are filmed and logged: the refusal must not repeat it.
	[[ "$stderr" != *s3cr3t-value* ]]
	# Even alongside a valid --in, nothing is split.
	run --separate-stderr "$SPLIT" --key-shares 5 --key-threshold 3 --in key extra
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split 'unexpected argument .*'
}

@test "split: a write error on standard output is reported (exit 2)" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c '"$1" --key-shares 5 --key-threshold 3 --in key >/dev/full' _ "$SPLIT"
	assert_status 2
	assert_one_error 'symbolon-split: standard output: no space left on device'
}

# --- the hidden prompt, on a real pseudo-terminal ---

@test "split: on a terminal, prompts 'Secret (will be hidden):' without echo" {
	printf 'correct horse battery staple\n' >typed
	in_pty typed tty.txt shares "$SECRET_PROMPT" "$SPLIT" --key-shares 5 --key-threshold 3
	assert_status 0
	[ "$(count_in tty.txt "$SECRET_PROMPT")" -eq 1 ]
	assert_not_echoed tty.txt typed
	# Nor any part of it.
	run ! grep -q horse tty.txt
	[ "$(grep -c '' shares)" -eq 5 ]
	pick shares 3 1 5 | "$COMBINE" >got 2>/dev/null
	printf 'correct horse battery staple' >want
	assert_file_equal got want
}

@test "split: an empty answer or end of input at the prompt splits nothing" {
	printf '\n' >typed
	in_pty typed tty.txt shares "$SECRET_PROMPT" "$SPLIT" --key-shares 5 --key-threshold 3
	assert_status 1
	[ ! -s shares ]
	grep -q 'symbolon-split: .*secret is empty' tty.txt

	printf '<EOF>\n' >typed
	in_pty typed tty.txt shares "$SECRET_PROMPT" "$SPLIT" --key-shares 5 --key-threshold 3
	assert_status 1
	[ ! -s shares ]
	[ "$(grep -c 'symbolon-split:' tty.txt)" -eq 1 ]
}

@test "split: --in with a terminal on standard input does not prompt" {
	printf 'never typed\n' >typed
	in_pty typed tty.txt shares "$SECRET_PROMPT" "$SPLIT" --key-shares 3 --key-threshold 2 --in key
	assert_status 0
	[ "$(count_in tty.txt "$SECRET_PROMPT")" -eq 0 ]
	pick shares 3 1 | "$COMBINE" >got 2>/dev/null
	assert_file_equal got key
}
