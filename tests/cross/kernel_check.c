/*
 * The arm64 kernel checked where there is no arm64 machine: built with
 * aarch64-linux-gnu-gcc (static, only lib/gf256*.c) and run under
 * qemu-aarch64 by tests/cross/run.sh.  It compares the NEON kernel with
 * the portable one and with a schoolbook reference, as
 * tests/unit/test_gf256.c does natively.  TAP.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "symbolon/gf256.h"

#include "../unit/gf256_reference.h"

static uint64_t state = 0x9e3779b97f4a7c15u;

static uint8_t
next_byte(void)
{
	/* xorshift64*: test data only. */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint8_t)((state * 0x2545f4914f6cdd1du) >> 56);
}


static int
check(enum sym_gf256_kernel k)
{
	static uint8_t acc[400], src[400], want[400];

	if (sym_gf256_use_kernel(k) != SYM_OK)
		return 0;
	for (unsigned c = 0; c < 256; c++) {
		size_t len = (c * 13u) % 331u, off = c % 32u;

		for (size_t i = 0; i < sizeof acc; i++) {
			acc[i] = next_byte();
			src[i] = next_byte();
		}
		for (size_t i = 0; i < len; i++)
			want[i] = (uint8_t)(reference_mul(acc[off + i],
			    (uint8_t)c) ^ src[off + i]);
		sym_gf256_mul_add(acc + off, src + off, (uint8_t)c, len);
		if (memcmp(acc + off, want, len) != 0)
			return 0;
		for (size_t i = 0; i < len; i++)
			want[i] = (uint8_t)(acc[off + i] ^
			    reference_mul(src[off + i], (uint8_t)c));
		sym_gf256_add_mul(acc + off, src + off, (uint8_t)c, len);
		if (memcmp(acc + off, want, len) != 0)
			return 0;
	}
	return 1;
}

int
main(void)
{
	int ok_neon = sym_gf256_kernel_supported(SYM_GF256_NEON) &&
	    check(SYM_GF256_NEON);
	int ok_portable = check(SYM_GF256_PORTABLE);

	sym_gf256_use_kernel_default();
	printf("1..3\n");
	printf("%s 1 - arm64: the NEON kernel is chosen by default\n",
	    sym_gf256_kernel_active() == SYM_GF256_NEON ? "ok" : "not ok");
	printf("%s 2 - arm64: NEON kernel matches the reference\n",
	    ok_neon ? "ok" : "not ok");
	printf("%s 3 - arm64: portable kernel matches the reference\n",
	    ok_portable ? "ok" : "not ok");
	return ok_neon && ok_portable ? 0 : 1;
}
