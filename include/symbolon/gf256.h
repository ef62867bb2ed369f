/*
 * Arithmetic in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1
 * (0x11B): exactly HashiCorp Vault's field, so shares interoperate.
 *
 * All arguments may be secret. Every function runs in constant time: no
 * table lookup, no branch and no memory index depends on its arguments.
 */
#ifndef SYMBOLON_GF256_H
#define SYMBOLON_GF256_H

#include <stdint.h>

/* a + b (and a - b): XOR. */
static inline uint8_t
sym_gf256_add(uint8_t a, uint8_t b)
{
	return (uint8_t)(a ^ b);
}

/* a * b modulo 0x11B. */
uint8_t sym_gf256_mul(uint8_t a, uint8_t b);

/* a^254, which is a^-1 for a != 0; 0 for a = 0. */
uint8_t sym_gf256_inv(uint8_t a);

/* a / b; b must not be 0 (the result is then 0). */
uint8_t sym_gf256_div(uint8_t a, uint8_t b);

#endif
