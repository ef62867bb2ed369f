#include "symbolon/gf256.h"

uint8_t
sym_gf256_mul(uint8_t a, uint8_t b)
{
	/* Bit-serial ("Russian peasant") multiplication, most significant bit
	 * of b first, as Vault's shamir.mult: the masks -(bit) select a and
	 * the reduction constant without a branch. */
	unsigned r = 0;

	for (int i = 7; i >= 0; i--) {
		unsigned bit = ((unsigned)b >> i) & 1u;
		unsigned top = (r >> 7) & 1u;

		r = ((r << 1) & 0xffu) ^ ((0u - top) & 0x1bu) ^ ((0u - bit) & a);
	}
	return (uint8_t)r;
}

uint8_t
sym_gf256_inv(uint8_t a)
{
	/* a^254 by a fixed addition chain (Vault's): the sequence of
	 * multiplications is the same for every a. */
	uint8_t a2 = sym_gf256_mul(a, a);
	uint8_t a3 = sym_gf256_mul(a2, a);
	uint8_t a6 = sym_gf256_mul(a3, a3);
	uint8_t a12 = sym_gf256_mul(a6, a6);
	uint8_t a15 = sym_gf256_mul(a12, a3);
	uint8_t a24 = sym_gf256_mul(a12, a12);
	uint8_t a48 = sym_gf256_mul(a24, a24);
	uint8_t a63 = sym_gf256_mul(a48, a15);
	uint8_t a126 = sym_gf256_mul(a63, a63);
	uint8_t a127 = sym_gf256_mul(a126, a);

	return sym_gf256_mul(a127, a127);
}

uint8_t
sym_gf256_div(uint8_t a, uint8_t b)
{
	return sym_gf256_mul(a, sym_gf256_inv(b));
}
