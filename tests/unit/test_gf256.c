/* Unit tests for GF(2^8) arithmetic modulo 0x11B (Vault's field). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "symbolon/gf256.h"
#include "symbolon/secmem.h"

/* Reference: schoolbook carry-less product, then long division by the
 * AES polynomial x^8 + x^4 + x^3 + x + 1.  Deliberately a different
 * algorithm from the library's interleaved bit-serial one. */
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

static void
test_known_answers(void **state)
{
	(void)state;
	assert_int_equal(sym_gf256_mul(3, 7), 0x09);
	assert_int_equal(sym_gf256_mul(7, 3), 0x09);
	assert_int_equal(sym_gf256_mul(0x57, 0x83), 0xC1);	/* FIPS 197 4.2 */
	assert_int_equal(sym_gf256_mul(0x57, 0x13), 0xFE);	/* FIPS 197 4.2.1 */
	assert_int_equal(sym_gf256_mul(0x80, 0x02), 0x1B);	/* one reduction */
	assert_int_equal(sym_gf256_mul(3, 0), 0);
	assert_int_equal(sym_gf256_mul(0, 3), 0);
	assert_int_equal(sym_gf256_mul(0, 0), 0);
	assert_int_equal(sym_gf256_mul(1, 0xFF), 0xFF);
	assert_int_equal(sym_gf256_add(16, 16), 0);
	assert_int_equal(sym_gf256_add(3, 4), 7);
	assert_int_equal(sym_gf256_add(0xFF, 0x0F), 0xF0);
	assert_int_equal(sym_gf256_div(0, 7), 0);
	assert_int_equal(sym_gf256_div(3, 3), 1);
	assert_int_equal(sym_gf256_div(6, 3), 2);
	assert_int_equal(sym_gf256_div(0x09, 7), 3);
	assert_int_equal(sym_gf256_div(0xC1, 0x83), 0x57);
	assert_int_equal(sym_gf256_inv(0x53), 0xCA);		/* FIPS 197 5.1.1 */
	assert_int_equal(sym_gf256_inv(1), 1);
}

static void
test_reference_self_check(void **state)
{
	/* The reference must itself be right, or the exhaustive test below
	 * proves nothing. */
	(void)state;
	assert_int_equal(reference_mul(0x57, 0x83), 0xC1);
	assert_int_equal(reference_mul(0x57, 0x13), 0xFE);
	assert_int_equal(reference_mul(3, 7), 0x09);
	assert_int_equal(reference_mul(0x53, 0xCA), 0x01);
}

static void
test_mul_matches_reference_exhaustively(void **state)
{
	(void)state;
	for (unsigned a = 0; a < 256; a++) {
		for (unsigned b = 0; b < 256; b++) {
			uint8_t got = sym_gf256_mul((uint8_t)a, (uint8_t)b);
			uint8_t want = reference_mul((uint8_t)a, (uint8_t)b);

			if (got != want)
				fail_msg("mul(%#04x, %#04x) = %#04x, want %#04x",
				    a, b, got, want);
		}
	}
}

static void
test_field_laws(void **state)
{
	static const uint8_t cs[] = { 0x00, 0x01, 0x02, 0x1B, 0x53, 0x80,
	    0xCA, 0xFF };

	(void)state;
	for (unsigned a = 0; a < 256; a++) {
		for (unsigned b = 0; b < 256; b++) {
			uint8_t x = (uint8_t)a, y = (uint8_t)b;

			if (sym_gf256_mul(x, y) != sym_gf256_mul(y, x))
				fail_msg("mul not commutative at %u, %u", a, b);
			for (size_t k = 0; k < sizeof cs; k++) {
				uint8_t c = cs[k];

				if (sym_gf256_mul(x, sym_gf256_add(y, c)) !=
				    sym_gf256_add(sym_gf256_mul(x, y),
				    sym_gf256_mul(x, c)))
					fail_msg("not distributive at %u, %u, %u",
					    a, b, c);
				if (sym_gf256_mul(sym_gf256_mul(x, y), c) !=
				    sym_gf256_mul(x, sym_gf256_mul(y, c)))
					fail_msg("not associative at %u, %u, %u",
					    a, b, c);
			}
		}
	}
}

static void
test_inverse(void **state)
{
	(void)state;
	assert_int_equal(sym_gf256_inv(0), 0);
	for (unsigned a = 1; a < 256; a++) {
		uint8_t inv = sym_gf256_inv((uint8_t)a);

		if (sym_gf256_mul(inv, (uint8_t)a) != 1)
			fail_msg("inv(%#04x) = %#04x is not an inverse", a, inv);
		if (sym_gf256_inv(inv) != a)
			fail_msg("inv(inv(%#04x)) != %#04x", a, a);
	}
}

static void
test_div_undoes_mul(void **state)
{
	(void)state;
	for (unsigned a = 0; a < 256; a++) {
		/* Documented: dividing by 0 gives 0. */
		if (sym_gf256_div((uint8_t)a, 0) != 0)
			fail_msg("div(%#04x, 0) != 0", a);
		for (unsigned b = 1; b < 256; b++) {
			uint8_t q = sym_gf256_div((uint8_t)a, (uint8_t)b);

			if (sym_gf256_mul(q, (uint8_t)b) != a)
				fail_msg("div(%#04x, %#04x) * b != a", a, b);
		}
	}
}

static void
test_generator_e5(void **state)
{
	static const uint8_t first[] = { 0x01, 0xe5, 0x4c, 0xb5, 0xfb, 0x9f,
	    0xfc, 0x12 };
	uint8_t seen[256] = { 0 };
	uint8_t p = 1;

	(void)state;
	for (unsigned k = 0; k < 255; k++) {
		if (k < sizeof first && p != first[k])
			fail_msg("0xe5^%u = %#04x, want %#04x", k, p, first[k]);
		if (k > 0 && p == 1)
			fail_msg("0xe5 has order %u, not 255", k);
		assert_int_equal(seen[p], 0);
		seen[p] = 1;
		p = sym_gf256_mul(p, 0xe5);
	}
	/* 0xe5^255 = 1 and the 255 powers are every non-zero element. */
	assert_int_equal(p, 1);
	assert_int_equal(seen[0], 0);
	for (unsigned v = 1; v < 256; v++)
		assert_int_equal(seen[v], 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_reference_self_check),
		cmocka_unit_test(test_mul_matches_reference_exhaustively),
		cmocka_unit_test(test_field_laws),
		cmocka_unit_test(test_inverse),
		cmocka_unit_test(test_div_undoes_mul),
		cmocka_unit_test(test_generator_e5),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("gf256", tests, NULL, NULL);
}
