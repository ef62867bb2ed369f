#!/usr/bin/env bash
# The arm64 GF(2^8) kernel, cross-built and run under qemu-user (TAP).
# Skips when the cross compiler or qemu-aarch64 is missing (make deps
# installs both on x86-64 Debian).
set -u
cd "$(dirname "$0")/../.."
cc=aarch64-linux-gnu-gcc
if [ "$(uname -m)" = aarch64 ]; then
	echo "1..0 # SKIP native arm64: the unit tests run the NEON kernel"
	exit 0
fi
if ! command -v $cc >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
	echo "1..0 # SKIP no $cc or qemu-aarch64"
	exit 0
fi
out=build/cross/kernel_check
mkdir -p build/cross
if ! $cc -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude -static -o $out \
    tests/cross/kernel_check.c lib/gf256.c lib/gf256_neon.c lib/gf256_x86.c \
    2>build/cross/build.log; then
	echo "1..1"
	echo "not ok 1 - arm64 cross build of the GF(2^8) kernels"
	sed 's/^/# /' build/cross/build.log
	exit 1
fi
qemu-aarch64 $out
