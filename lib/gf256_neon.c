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

/* horner (public): acc = acc * c + other; otherwise acc += c * other. */
static inline void
neon_run(uint8_t *acc, const uint8_t *other, uint8_t c, size_t len,
    int horner)
{
	uint8_t tlo[16], thi[16];
	size_t i = 0;

	gf256_nibble_tables(tlo, thi, c);
	uint8x16_t lo = vld1q_u8(tlo), hi = vld1q_u8(thi);
	for (; i + 16 <= len; i += 16) {
		uint8x16_t a = vld1q_u8(acc + i), o = vld1q_u8(other + i);

		vst1q_u8(acc + i, horner ? veorq_u8(mul_neon(a, lo, hi), o) :
		    veorq_u8(a, mul_neon(o, lo, hi)));
	}
	(horner ? gf256_portable_mul_add : gf256_portable_add_mul)(acc + i,
	    other + i, c, len - i);
}

static void
neon_mul_add(uint8_t *acc, const uint8_t *add, uint8_t c, size_t len)
{
	neon_run(acc, add, c, len, 1);
}

static void
neon_add_mul(uint8_t *acc, const uint8_t *src, uint8_t c, size_t len)
{
	neon_run(acc, src, c, len, 0);
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
