/*
 * The arm64 kernel: nibble tables in TBL (vqtbl1q_u8), which selects from
 * a register by the secret nibbles, so no memory is indexed by a secret.
 * Advanced SIMD is part of every ARMv8-A CPU, so no feature test is needed.
 */
#include <stddef.h>
#include <stdint.h>

#include "symbolon/gf256.h"

#include "gf256_kernels.h"

#if defined(__aarch64__)
#include <arm_neon.h>

static inline uint8x16_t
mul_neon(uint8x16_t v, uint8x16_t lo, uint8x16_t hi)
{
	uint8x16_t l = vandq_u8(v, vdupq_n_u8(0x0f));
	uint8x16_t h = vshrq_n_u8(v, 4);

	return veorq_u8(vqtbl1q_u8(lo, l), vqtbl1q_u8(hi, h));
}

static void
neon_mul_add(uint8_t *acc, const uint8_t *add, uint8_t c, size_t len)
{
	uint8_t tlo[16], thi[16];
	size_t i = 0;

	gf256_nibble_tables(tlo, thi, c);
	uint8x16_t lo = vld1q_u8(tlo), hi = vld1q_u8(thi);
	for (; i + 16 <= len; i += 16)
		vst1q_u8(acc + i, veorq_u8(mul_neon(vld1q_u8(acc + i), lo, hi),
		    vld1q_u8(add + i)));
	gf256_portable_mul_add(acc + i, add + i, c, len - i);
}

static void
neon_add_mul(uint8_t *acc, const uint8_t *src, uint8_t c, size_t len)
{
	uint8_t tlo[16], thi[16];
	size_t i = 0;

	gf256_nibble_tables(tlo, thi, c);
	uint8x16_t lo = vld1q_u8(tlo), hi = vld1q_u8(thi);
	for (; i + 16 <= len; i += 16)
		vst1q_u8(acc + i, veorq_u8(vld1q_u8(acc + i),
		    mul_neon(vld1q_u8(src + i), lo, hi)));
	gf256_portable_add_mul(acc + i, src + i, c, len - i);
}

int
gf256_neon_kernel(struct gf256_kernel_ops *ops, int kernel)
{
	if (kernel != SYM_GF256_NEON)
		return 0;
	ops->mul_add = neon_mul_add;
	ops->add_mul = neon_add_mul;
	return 1;
}

#else

int
gf256_neon_kernel(struct gf256_kernel_ops *ops, int kernel)
{
	(void)ops;
	(void)kernel;
	return 0;
}

#endif
