#!/usr/bin/env bats
# Release programs carry no test hook (issue 10): the fault injection of
# the crash-safety tests (SYMBOLON_FAULT, lib/fault.h) is compiled only
# into the test build in build/test-bin/.

load helpers
load image_helpers

setup() {
	common_setup
}

@test "no release program has a SYMBOLON_FAULT string: strings bin/* | grep -c SYMBOLON_FAULT is 0" {
	run bash -c 'strings "$1"/* | grep -c SYMBOLON_FAULT' _ "$TOP/bin"
	[ "$output" = 0 ]
}

@test "the test build has the hook (so the check above can fail)" {
	[ -x "$TEST_BIN/symbolon-store" ] ||
	    fail "$TEST_BIN is missing: run 'make unit-tests' first"
	run bash -c 'strings "$1"/symbolon-* | grep -c SYMBOLON_FAULT' _ "$TEST_BIN"
	[ "$output" -ge 1 ]
}

@test "a release program ignores SYMBOLON_FAULT; the test build obeys it" {
	SYMBOLON_FAULT=1:exit make_image img sh
	[ -e img ]
	run env SYMBOLON_FAULT=1:exit "$TEST_BIN/symbolon-keygen" init \
	    --image img2 --key-shares 3 --key-threshold 2 --out-dir sh2 </dev/null
	[ "$status" -eq 86 ]
	[ ! -e img2 ]
}
