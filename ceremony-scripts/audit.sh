#!/usr/bin/env bash
# The auditor's procedure: check the image with shares, export the signed
# audit transcript, and verify that transcript as another machine would.
#   audit.sh IMAGE TRANSCRIPT SHARE_FILE...
. "$(dirname "$0")/common.sh"
image=$1 transcript=$2; shift 2
args=()
for s in "$@"; do args+=(--share "$s"); done
step "Check $image: header copies, audit chain, every entry"
run verify --image "$image" "${args[@]}" --transcript "$transcript" </dev/null
step "On the auditor's machine: verify the transcript alone"
run verify "$transcript"
