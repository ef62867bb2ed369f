/*
 * Private to lib/base45.c (and its unit test, which checks these helpers
 * exhaustively against / and %): constant-time arithmetic on secret values.
 *
 * The `/` operator on a variable may compile to a hardware divide whose
 * time depends on its operands (and at -O0 it does even for a constant
 * divisor), so division by 45 is a multiply and a shift, and division by
 * 256 a shift and a mask.
 */
#ifndef SYMBOLON_BASE45_CT_H
#define SYMBOLON_BASE45_CT_H

#include <stdint.h>

/* Largest n for which sym_ct_div45 and sym_ct_mod45 are exact.  With
 * M = ceil(2^21 / 45) = 46604 the error is M*45 - 2^21 = 28, and
 * floor(n*M / 2^21) = floor(n / 45) while n*28 < 2^21, so up to 74898;
 * n*M stays below 2^32 there.  base45 needs n <= 65535. */
#define SYM_CT_DIV45_MAX 74898u

static inline uint32_t
sym_ct_div45(uint32_t n)
{
	return (n * 46604u) >> 21;
}

static inline uint32_t
sym_ct_mod45(uint32_t n)
{
	return n - 45u * sym_ct_div45(n);
}

static inline uint32_t
sym_ct_div256(uint32_t n)
{
	return n >> 8;
}

static inline uint32_t
sym_ct_mod256(uint32_t n)
{
	return n & 0xffu;
}

/* Hides from the optimiser that x is 0 or all ones, so that it does not
 * turn a masked select back into a branch. */
static inline uint32_t
sym_ct_barrier(uint32_t x)
{
	__asm__("" : "+r"(x));
	return x;
}

/* All ones if lo <= c <= hi, else 0; c, lo and hi below 2^31. */
static inline uint32_t
sym_ct_in_range(uint32_t c, uint32_t lo, uint32_t hi)
{
	uint32_t out = ((c - lo) | (hi - c)) >> 31;	/* 1 when outside */

	return sym_ct_barrier(out - 1u);
}

static inline uint32_t
sym_ct_eq(uint32_t c, uint32_t k)
{
	return sym_ct_in_range(c, k, k);
}

#endif
