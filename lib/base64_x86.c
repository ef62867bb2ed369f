/*
 * Base64 with AVX2 (Muła and Lemire, "Faster Base64 Encoding and Decoding
 * using AVX2 Instructions", 2018): 24 bytes to 32 characters and back per
 * step, with the character classes found by VPSHUFB over nibbles (a
 * register lookup, not memory) and additions: no branch and no address
 * depends on a byte, so share text stays constant time.
 */
#include <stddef.h>
#include <stdint.h>

#include "base64_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

int
sym_base64_avx2_supported(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
}

/* 0..63 to the standard alphabet. */
__attribute__((target("avx2"))) static inline __m256i
to_ascii(__m256i v)
{
	/* 0..25 -> 13 ('A'), 26..51 -> 0 ('a' - 26), 52..61 -> 1..10
	 * ('0' - 52), 62 -> 11 ('+' - 62), 63 -> 12 ('/' - 63). */
	const __m256i shift = _mm256_setr_epi8(
	    'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
	    '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '+' - 62,
	    '/' - 63, 'A', 0, 0,
	    'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
	    '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '+' - 62,
	    '/' - 63, 'A', 0, 0);
	__m256i k = _mm256_subs_epu8(v, _mm256_set1_epi8(51));
	__m256i less = _mm256_cmpgt_epi8(_mm256_set1_epi8(26), v);

	k = _mm256_or_si256(k, _mm256_and_si256(less, _mm256_set1_epi8(13)));
	return _mm256_add_epi8(_mm256_shuffle_epi8(shift, k), v);
}

__attribute__((target("avx2"))) size_t
sym_base64_avx2_encode(char *out, const uint8_t *in, size_t len)
{
	const __m256i spread = _mm256_setr_epi8(
	    1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,
	    1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
	size_t i = 0;

	for (; i + 28 <= len; i += 24, out += 32) {
		__m256i v = _mm256_setr_m128i(
		    _mm_loadu_si128((const __m128i *)(in + i)),
		    _mm_loadu_si128((const __m128i *)(in + i + 12)));
		__m256i t0, t1, t2, t3;

		/* Each 32-bit lane: bytes b1 b0 b2 b1 of a 3-byte group,
		 * then the four 6-bit fields moved into four bytes. */
		v = _mm256_shuffle_epi8(v, spread);
		t0 = _mm256_and_si256(v, _mm256_set1_epi32(0x0fc0fc00));
		t1 = _mm256_mulhi_epu16(t0, _mm256_set1_epi32(0x04000040));
		t2 = _mm256_and_si256(v, _mm256_set1_epi32(0x003f03f0));
		t3 = _mm256_mullo_epi16(t2, _mm256_set1_epi32(0x01000010));
		_mm256_storeu_si256((__m256i *)out,
		    to_ascii(_mm256_or_si256(t1, t3)));
	}
	return i;
}

__attribute__((target("avx2"))) size_t
sym_base64_avx2_decode(uint8_t *out, size_t out_room, const char *text,
    size_t len, uint32_t *bad)
{
	/* Classes by nibble: a character is valid exactly when the bits of
	 * its low-nibble class and its high-nibble class do not meet. */
	const __m256i lut_lo = _mm256_setr_epi8(
	    0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	    0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
	    0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	    0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
	const __m256i lut_hi = _mm256_setr_epi8(
	    0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
	    0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	    0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
	    0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
	const __m256i lut_roll = _mm256_setr_epi8(
	    0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
	const __m256i mask_2f = _mm256_set1_epi8(0x2f);
	const __m256i pack = _mm256_setr_epi8(
	    2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
	    2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
	__m256i invalid = _mm256_setzero_si256();
	size_t i = 0, o = 0;

	for (; i + 32 <= len && o + 32 <= out_room; i += 32, o += 24) {
		__m256i s = _mm256_loadu_si256((const __m256i *)(text + i));
		__m256i hi_n = _mm256_and_si256(_mm256_srli_epi32(s, 4),
		    mask_2f);
		__m256i lo_n = _mm256_and_si256(s, mask_2f);
		__m256i hi = _mm256_shuffle_epi8(lut_hi, hi_n);
		__m256i lo = _mm256_shuffle_epi8(lut_lo, lo_n);
		__m256i eq_2f = _mm256_cmpeq_epi8(s, mask_2f);
		__m256i roll = _mm256_shuffle_epi8(lut_roll,
		    _mm256_add_epi8(eq_2f, hi_n));
		__m256i v, merged;

		invalid = _mm256_or_si256(invalid, _mm256_and_si256(lo, hi));
		v = _mm256_add_epi8(s, roll);
		/* Four 6-bit values to three bytes in each 32-bit lane. */
		merged = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x01400140));
		merged = _mm256_madd_epi16(merged, _mm256_set1_epi32(0x00011000));
		merged = _mm256_shuffle_epi8(merged, pack);
		merged = _mm256_permutevar8x32_epi32(merged,
		    _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7));
		_mm256_storeu_si256((__m256i *)(out + o), merged);
	}
	/* Fold the lanes without a branch: any set bit marks a bad byte. */
	{
		__m128i x = _mm_or_si128(_mm256_castsi256_si128(invalid),
		    _mm256_extracti128_si256(invalid, 1));
		uint64_t lo64 = (uint64_t)_mm_cvtsi128_si64(x);
		uint64_t hi64 = (uint64_t)_mm_extract_epi64(x, 1);
		uint64_t any = lo64 | hi64;

		*bad |= (uint32_t)(any | (any >> 32));
	}
	return i;
}

#else

int
sym_base64_avx2_supported(void)
{
	return 0;
}

size_t
sym_base64_avx2_encode(char *out, const uint8_t *in, size_t len)
{
	(void)out;
	(void)in;
	(void)len;
	return 0;
}

size_t
sym_base64_avx2_decode(uint8_t *out, size_t out_room, const char *text,
    size_t len, uint32_t *bad)
{
	(void)out;
	(void)out_room;
	(void)text;
	(void)len;
	(void)bad;
	return 0;
}

#endif
