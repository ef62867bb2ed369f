/*
 * The x86 kernels, each compiled for its own instruction set with a
 * target attribute and used only when cpuid says the CPU has it, so one
 * binary runs everywhere.  Constant time: PSHUFB/VPSHUFB select from a
 * register by the secret nibbles (no memory is indexed), and GF2P8MULB
 * multiplies in the AES field (0x11B, Vault's) with a latency that does
 * not depend on its operands.
 */
#include <stddef.h>
#include <stdint.h>

#include "symbolon/gf256.h"

#include "gf256_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* ---- SSSE3: 16 bytes, nibble tables ---- */

__attribute__((target("ssse3"))) static inline __m128i
mul_ssse3(__m128i v, __m128i lo, __m128i hi)
{
	const __m128i nibble = _mm_set1_epi8(0x0f);
	__m128i l = _mm_and_si128(v, nibble);
	__m128i h = _mm_and_si128(_mm_srli_epi64(v, 4), nibble);

	return _mm_xor_si128(_mm_shuffle_epi8(lo, l), _mm_shuffle_epi8(hi, h));
}

/* horner (public, a constant at each call): acc = acc * c + other;
 * otherwise acc = acc + c * other.  Each kernel below has this shape. */
__attribute__((target("ssse3"))) static inline void
ssse3_run(uint8_t *acc, const uint8_t *other, uint8_t c, size_t len,
    int horner)
{
	uint8_t tlo[16], thi[16];
	size_t i = 0;

	gf256_nibble_tables(tlo, thi, c);
	__m128i lo = _mm_loadu_si128((const __m128i *)tlo);
	__m128i hi = _mm_loadu_si128((const __m128i *)thi);
	for (; i + 16 <= len; i += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(acc + i));
		__m128i o = _mm_loadu_si128((const __m128i *)(other + i));

		_mm_storeu_si128((__m128i *)(acc + i), horner ?
		    _mm_xor_si128(mul_ssse3(a, lo, hi), o) :
		    _mm_xor_si128(a, mul_ssse3(o, lo, hi)));
	}
	(horner ? gf256_portable_mul_add : gf256_portable_add_mul)(acc + i,
	    other + i, c, len - i);
}

/* ---- AVX2: 32 bytes, nibble tables in both lanes ---- */

__attribute__((target("avx2"))) static inline __m256i
mul_avx2(__m256i v, __m256i lo, __m256i hi)
{
	const __m256i nibble = _mm256_set1_epi8(0x0f);
	__m256i l = _mm256_and_si256(v, nibble);
	__m256i h = _mm256_and_si256(_mm256_srli_epi64(v, 4), nibble);

	return _mm256_xor_si256(_mm256_shuffle_epi8(lo, l),
	    _mm256_shuffle_epi8(hi, h));
}

__attribute__((target("avx2"))) static void
avx2_tables(__m256i *lo, __m256i *hi, uint8_t c)
{
	uint8_t tlo[16], thi[16];

	gf256_nibble_tables(tlo, thi, c);
	*lo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)tlo));
	*hi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)thi));
}

__attribute__((target("avx2"))) static inline void
avx2_run(uint8_t *acc, const uint8_t *other, uint8_t c, size_t len,
    int horner)
{
	__m256i lo, hi;
	size_t i = 0;

	avx2_tables(&lo, &hi, c);
	for (; i + 32 <= len; i += 32) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(acc + i));
		__m256i o = _mm256_loadu_si256((const __m256i *)(other + i));

		_mm256_storeu_si256((__m256i *)(acc + i), horner ?
		    _mm256_xor_si256(mul_avx2(a, lo, hi), o) :
		    _mm256_xor_si256(a, mul_avx2(o, lo, hi)));
	}
	(horner ? gf256_portable_mul_add : gf256_portable_add_mul)(acc + i,
	    other + i, c, len - i);
}

/* ---- GFNI: GF2P8MULB multiplies bytes modulo 0x11B ---- */

__attribute__((target("gfni,avx2"))) static inline void
gfni256_run(uint8_t *acc, const uint8_t *other, uint8_t c, size_t len,
    int horner)
{
	const __m256i k = _mm256_set1_epi8((char)c);
	size_t i = 0;

	for (; i + 32 <= len; i += 32) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(acc + i));
		__m256i o = _mm256_loadu_si256((const __m256i *)(other + i));

		_mm256_storeu_si256((__m256i *)(acc + i), horner ?
		    _mm256_xor_si256(_mm256_gf2p8mul_epi8(a, k), o) :
		    _mm256_xor_si256(a, _mm256_gf2p8mul_epi8(o, k)));
	}
	(horner ? gf256_portable_mul_add : gf256_portable_add_mul)(acc + i,
	    other + i, c, len - i);
}

__attribute__((target("gfni,avx512f,avx512bw"))) static inline void
gfni512_run(uint8_t *acc, const uint8_t *other, uint8_t c, size_t len,
    int horner)
{
	const __m512i k = _mm512_set1_epi8((char)c);
	size_t i = 0;

	for (; i + 64 <= len; i += 64) {
		__m512i a = _mm512_loadu_si512((const void *)(acc + i));
		__m512i o = _mm512_loadu_si512((const void *)(other + i));

		_mm512_storeu_si512((void *)(acc + i), horner ?
		    _mm512_xor_si512(_mm512_gf2p8mul_epi8(a, k), o) :
		    _mm512_xor_si512(a, _mm512_gf2p8mul_epi8(o, k)));
	}
	(horner ? gf256_portable_mul_add : gf256_portable_add_mul)(acc + i,
	    other + i, c, len - i);
}

/* The two operations of each kernel, as gf256_kernels.h names them. */
#define KERNEL_PAIR(isa, features)					\
	__attribute__((target(features))) static void			\
	isa##_mul_add(uint8_t *acc, const uint8_t *add, uint8_t c,	\
	    size_t len)							\
	{								\
		isa##_run(acc, add, c, len, 1);				\
	}								\
	__attribute__((target(features))) static void			\
	isa##_add_mul(uint8_t *acc, const uint8_t *src, uint8_t c,	\
	    size_t len)							\
	{								\
		isa##_run(acc, src, c, len, 0);				\
	}

KERNEL_PAIR(ssse3, "ssse3")
KERNEL_PAIR(avx2, "avx2")
KERNEL_PAIR(gfni256, "gfni,avx2")
KERNEL_PAIR(gfni512, "gfni,avx512f,avx512bw")

int
gf256_x86_kernel(struct gf256_kernel_ops *ops, int kernel)
{
	__builtin_cpu_init();
	switch (kernel) {
	case SYM_GF256_SSSE3:
		if (!__builtin_cpu_supports("ssse3"))
			return 0;
		ops->mul_add = ssse3_mul_add;
		ops->add_mul = ssse3_add_mul;
		return 1;
	case SYM_GF256_AVX2:
		if (!__builtin_cpu_supports("avx2"))
			return 0;
		ops->mul_add = avx2_mul_add;
		ops->add_mul = avx2_add_mul;
		return 1;
	case SYM_GF256_GFNI_AVX2:
		if (!__builtin_cpu_supports("gfni") ||
		    !__builtin_cpu_supports("avx2"))
			return 0;
		ops->mul_add = gfni256_mul_add;
		ops->add_mul = gfni256_add_mul;
		return 1;
	case SYM_GF256_GFNI_AVX512:
		if (!__builtin_cpu_supports("gfni") ||
		    !__builtin_cpu_supports("avx512bw"))
			return 0;
		ops->mul_add = gfni512_mul_add;
		ops->add_mul = gfni512_add_mul;
		return 1;
	default:
		return 0;
	}
}

#else

int
gf256_x86_kernel(struct gf256_kernel_ops *ops, int kernel)
{
	(void)ops;
	(void)kernel;
	return 0;
}

#endif
