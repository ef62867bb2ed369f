#!/usr/bin/env bats
# symbolon: the dispatcher.  One table gives both the help and the verbs
# it runs, so every verb the help lists must run, and its help must be the
# program's own.

load helpers

setup() {
	common_setup
	random_secret key 32
}

# The verbs listed under "Verbs:" in the help, one per line.
listed_verbs() {
	"$SYMBOLON" --help | sed -n '/^Verbs:/,/^$/p' | awk 'NF >= 2 && /^  / { print $1 }'
}

@test "symbolon: --help lists split and combine with their descriptions" {
	run --separate-stderr "$SYMBOLON" --help
	assert_status 0
	[ -z "$stderr" ]
	[[ "${lines[0]}" == "usage: symbolon VERB"* ]]
	printf '%s\n' "$output" | grep -Eq '^  split +[a-z].{10,}$'
	printf '%s\n' "$output" | grep -Eq '^  combine +[a-z].{10,}$'
	printf '%s\n' "$output" | grep -Eq '^  split +split a secret into Shamir shares'
	printf '%s\n' "$output" | grep -Eq '^  combine +gather shares.*recover the secret'
	# -help and -h are the same.
	run --separate-stderr "$SYMBOLON" -h
	assert_status 0
	[[ "$output" == *"  split "* ]]
}

@test "symbolon: every listed verb has a description and runs its own --help" {
	run listed_verbs
	[ "${#lines[@]}" -ge 2 ]
	for verb in "${lines[@]}"; do
		"$SYMBOLON" --help | grep -Eq "^  $verb +[^ ].{5,}$"
		[ -x "$BIN/symbolon-$verb" ] || fail "symbolon-$verb is listed but not built"
		"$SYMBOLON" help "$verb" >via-help 2>&1 || fail "symbolon help $verb: exit $?"
		"$BIN/symbolon-$verb" --help >direct 2>&1
		cmp via-help direct || fail "symbolon help $verb is not symbolon-$verb --help"
	done
}

@test "symbolon: split ... dispatches to symbolon-split with its arguments" {
	run_to shares "$SYMBOLON" split --key-shares 5 --key-threshold 3 --in key
	assert_status 0
	[ "$(grep -c '' shares)" -eq 5 ]
	run decoded_lengths shares base64
	[ "${lines[*]}" = "33 33 33 33 33" ]
	# Standard input passes through, and Vault's spelling.
	run_to shares2 "$SYMBOLON" split -key-shares=3 -key-threshold=2 -format=hex <key
	assert_status 0
	[ "$(grep -cE '^[0-9a-f]{66}$' shares2)" -eq 3 ]
	pick shares 5 2 4 >three
	run_to got "$SYMBOLON" combine --share three
	assert_status 0
	assert_file_equal got key
}

@test "symbolon: runs the programs beside it, not ones earlier in PATH" {
	mkdir fakebin
	printf '#!/bin/sh\necho impostor\n' >fakebin/symbolon-split
	chmod +x fakebin/symbolon-split
	PATH="$PWD/fakebin:$PATH" run --separate-stderr "$SYMBOLON" split --key-shares 2 --key-threshold 2 --in key
	assert_status 0
	[[ "$output" != *impostor* ]]
	[ "${#lines[@]}" -eq 2 ]
}

@test "symbolon: the verb's exit status and error come through unchanged" {
	run --separate-stderr "$SYMBOLON" split --key-shares 3 --key-threshold 4 --in key
	assert_status 2
	assert_no_stdout
	assert_usage_error symbolon-split '--key-threshold 4: cannot exceed --key-shares 3'

	echo 'not a share' >bad
	run --separate-stderr "$SYMBOLON" combine --share bad
	assert_status 1
	assert_no_stdout
	assert_one_error 'symbolon-combine: bad:1: not a valid encoding'
}

@test "symbolon: an unknown verb is one error line, then the help, exit 2" {
	run --separate-stderr "$SYMBOLON" frobnicate --key-shares 5
	assert_status 2
	assert_no_stdout
	[ "${stderr_lines[0]}" = "symbolon: unknown verb 'frobnicate'" ]
	[ "$(printf '%s\n' "$stderr" | grep -c '^symbolon:')" -eq 1 ]
	printf '%s\n' "$stderr" | grep -q '^usage: symbolon VERB'
	printf '%s\n' "$stderr" | grep -Eq '^  split '
	printf '%s\n' "$stderr" | grep -Eq '^  combine '
	# Only listed verbs run: no path tricks.
	for verb in ../bin/symbolon-split /bin/sh split/../split ''; do
		run --separate-stderr "$SYMBOLON" "$verb" --help
		assert_status 2
		assert_no_stdout
		[ "${stderr_lines[0]}" = "symbolon: unknown verb '$verb'" ]
	done
}

@test "symbolon: help split prints split's usage; help combine prints combine's" {
	run --separate-stderr "$SYMBOLON" help split
	assert_status 0
	[ -z "$stderr" ]
	[[ "${lines[0]}" == "usage: symbolon split "* ]]
	[[ "$output" == *--key-shares* ]]
	[ "$output" = "$("$SPLIT" --help)" ]

	run --separate-stderr "$SYMBOLON" help combine
	assert_status 0
	[ -z "$stderr" ]
	[ "$output" = "$("$COMBINE" --help)" ]

	# Same as VERB --help.
	run --separate-stderr "$SYMBOLON" split --help
	assert_status 0
	[ "$output" = "$("$SPLIT" --help)" ]
}

@test "symbolon: help alone prints the help; help for an unknown verb fails" {
	run --separate-stderr "$SYMBOLON" help
	assert_status 0
	[[ "$output" == *"  split "* ]]
	[[ "$output" == *"  combine "* ]]

	run --separate-stderr "$SYMBOLON" help frobnicate
	assert_status 2
	assert_no_stdout
	[ "${stderr_lines[0]}" = "symbolon: unknown verb 'frobnicate'" ]
}

@test "symbolon: no verb is a usage error (exit 2) that shows the help" {
	run --separate-stderr "$SYMBOLON"
	assert_status 2
	[[ "$output$stderr" == *"usage: symbolon VERB"* ]]
}

@test "symbolon: --version prints one line" {
	run --separate-stderr "$SYMBOLON" --version
	assert_status 0
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" =~ ^symbolon\ [0-9]+\.[0-9]+\.[0-9]+ ]]
}
