# Shared helpers for the command-line tests; `load helpers` in each file.
#
# Every test runs in its own empty directory (under BATS_TEST_TMPDIR) and calls
# the real programs in bin/ by absolute path.  Secrets and shares are
# binary, so tests compare files (cmp) rather than captured output.

bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BIN=$TOP/bin
SPLIT=$BIN/symbolon-split
COMBINE=$BIN/symbolon-combine
SYMBOLON=$BIN/symbolon
# The test build (`make unit-tests`): the same programs with the fault
# injection hook (SYMBOLON_FAULT, lib/fault.h), which release programs lack.
TEST_BIN=$TOP/build/test-bin
PTY_DRIVER=$BATS_TEST_DIRNAME/pty_driver.py
# The system python starts in a tenth of the time a pyenv shim takes.
if [ -x /usr/bin/python3 ]; then
	PYTHON=/usr/bin/python3
else
	PYTHON=python3
fi
# shellcheck disable=SC2034 # used by the files that load this one
SHARE_PROMPT='Share (will be hidden):'
# shellcheck disable=SC2034
SECRET_PROMPT='Secret (will be hidden):'

common_setup() {
	local p
	for p in "$SPLIT" "$COMBINE" "$SYMBOLON"; do
		[ -x "$p" ] || fail "$p is missing: run 'make all unit-tests' first"
	done
	# A subdirectory: bats keeps its own files (run --separate-stderr)
	# in BATS_TEST_TMPDIR, and snapshots must see only ours.
	mkdir "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work" || return 1
}

# use_test_build : BIN, SPLIT, COMBINE and SYMBOLON name the programs of
# the test build, for the tests that inject faults.
use_test_build() {
	BIN=$TEST_BIN
	SPLIT=$BIN/symbolon-split
	COMBINE=$BIN/symbolon-combine
	SYMBOLON=$BIN/symbolon
}

fail() {
	printf '%s\n' "$*" >&2
	return 1
}

# random_secret FILE BYTES
random_secret() {
	head -c "$2" /dev/urandom >"$1"
}

# pick FILE N... : prints lines N... of FILE, in the order given.
pick() {
	local file=$1 n
	shift
	for n in "$@"; do
		sed -n "${n}p" "$file"
	done
}

# run_to FILE COMMAND... : like `run --separate-stderr`, but standard
# output goes to FILE byte for byte (bash variables cannot hold NULs).
run_to() {
	local out=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	run --separate-stderr bash -c 'out=$1; shift; exec "$@" >"$out"' _ "$out" "$@"
}

# The lines of $stderr that are neither progress reports nor the warning
# every program gives where memory cannot be locked (RLIMIT_MEMLOCK):
# what is left is what the program says went wrong.
error_lines() {
	printf '%s\n' "$stderr" | grep -v -e '^Progress [0-9]*/[0-9?]*$' \
	    -e '^$' -e 'warning: memory cannot be locked' || true
}

# assert_one_error PATTERN : the program reported exactly one problem, on
# one line of standard error, and that line matches the extended regular
# expression PATTERN (anchored at both ends).
assert_one_error() {
	local lines count
	lines=$(error_lines)
	count=$(printf '%s' "$lines" | grep -c '' || true)
	[ "$count" -eq 1 ] || fail "expected one error line, got $count:" \
	    "$(printf '\n%s' "$lines")"
	printf '%s\n' "$lines" | grep -Eq "^($1)\$" ||
	    fail "error line '$lines' does not match '$1'"
}

# assert_usage_error PROG PATTERN : a usage error is one line naming the
# problem, then the synopsis (DESIGN: usage() says what is missing first);
# no other line is an error from PROG.
assert_usage_error() {
	local prog=$1 pattern=$2 first others
	first=$(printf '%s\n' "$stderr" | grep -v 'warning: memory cannot be locked' | head -n 1)
	printf '%s\n' "$first" | grep -Eq "^$prog: ($pattern)\$" ||
	    fail "first line of stderr '$first' does not match '$prog: $pattern'"
	others=$(printf '%s\n' "$stderr" | grep -c "^$prog:" || true)
	[ "$others" -eq 1 ] || fail "$others lines from $prog on stderr, expected 1"
	printf '%s\n' "$stderr" | grep -q '^usage: ' ||
	    fail "no synopsis after the usage error"
}

assert_status() {
	[ "$status" -eq "$1" ] || fail "exit status $status, expected $1;" \
	    "stderr: $stderr"
}

assert_no_stdout() {
	[ -z "$output" ] || fail "unexpected standard output: $output"
}

# snapshot : names, sizes, modes, times and hashes of everything in the
# current directory, to show that a failed run created or changed nothing.
snapshot() {
	ls -lAR --time-style=full-iso .
	find . -type f -exec sha256sum {} + | sort
}

# assert_file_equal GOT WANT
assert_file_equal() {
	[ -f "$1" ] || fail "$1 was not written"
	cmp -s "$1" "$2" || fail "$1 differs from $2" \
	    "($(wc -c <"$1") vs $(wc -c <"$2") bytes)"
}

# hex_encode / hex_decode: standard input to standard output, with only
# coreutils (no xxd).
hex_encode() {
	od -An -v -tx1 | tr -d ' \n'
}

hex_decode() {
	local hex
	hex=$(tr -d ' \n')
	# shellcheck disable=SC2059 # the escapes are the point
	printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')"
}

# decoded_lengths FILE FORMAT : the byte length of each share in FILE
# (base64 or hex), one per line.
decoded_lengths() {
	local line
	while IFS= read -r line; do
		if [ "$2" = hex ]; then
			printf '%s' "$line" | hex_decode | wc -c
		else
			printf '%s' "$line" | base64 -d | wc -c
		fi
	done <"$1"
}

# x_values FILE FORMAT : the x coordinate (last byte) of each share.
x_values() {
	local line
	while IFS= read -r line; do
		if [ "$2" = hex ]; then
			printf '%d\n' "0x${line: -2}"
		else
			printf '%s' "$line" | base64 -d | tail -c 1 | od -An -tu1 | tr -d ' '
		fi
	done <"$1"
}

# to_hex / to_base64 FILE : re-encodes every share line of FILE.
to_hex() {
	local line
	while IFS= read -r line; do
		printf '%s' "$line" | base64 -d | hex_encode
		echo
	done <"$1"
}

to_base64() {
	local line
	while IFS= read -r line; do
		printf '%s' "$line" | hex_decode | base64 -w 0
		echo
	done <"$1"
}

# in_pty ANSWERS TRANSCRIPT STDOUT PROMPT COMMAND... : runs COMMAND on a
# pseudo-terminal, typing the lines of ANSWERS at each PROMPT.
in_pty() {
	local answers=$1 transcript=$2 out=$3 prompt=$4
	shift 4
	run --separate-stderr "$PYTHON" "$PTY_DRIVER" --prompt "$prompt" \
	    --answers "$answers" --transcript "$transcript" --stdout "$out" \
	    -- "$@"
}

# assert_not_echoed TRANSCRIPT FILE : no line of FILE appears in what the
# terminal showed.
assert_not_echoed() {
	local line
	while IFS= read -r line; do
		if [ -z "$line" ] || [ "$line" = "<EOF>" ]; then
			continue
		fi
		if grep -qF -- "$line" "$1"; then
			fail "typed text '$line' was echoed on the terminal"
		fi
	done <"$2"
}

# count_in FILE TEXT : how many times TEXT occurs in FILE.
count_in() {
	grep -oF -- "$2" "$1" | grep -c '' || true
}

# unprivileged COMMAND... : runs COMMAND as nobody when we are root, so
# that file modes are enforced (root reads a mode 000 file).
unprivileged() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	else
		"$@"
	fi
}
