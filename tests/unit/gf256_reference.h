/*
 * The reference multiply the kernel tests compare against: schoolbook
 * carry-less product, then long division by the AES polynomial
 * x^8 + x^4 + x^3 + x + 1.  Deliberately a different algorithm from the
 * library's (bit-serial, SWAR, shuffles, GF2P8MULB).  Shared by
 * tests/unit/test_gf256.c and tests/cross/kernel_check.c.
 */
#ifndef SYMBOLON_TEST_GF256_REFERENCE_H
#define SYMBOLON_TEST_GF256_REFERENCE_H

#include <stdint.h>

static uint8_t
reference_mul(uint8_t a, uint8_t b)
{
	unsigned product = 0;

	for (unsigned i = 0; i < 8; i++)
		if (((unsigned)b >> i) & 1u)
			product ^= (unsigned)a << i;
	for (unsigned bit = 14; bit >= 8; bit--)
		if ((product >> bit) & 1u)
			product ^= 0x11Bu << (bit - 8);
	return (uint8_t)product;
}

#endif
