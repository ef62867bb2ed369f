/* Unit tests for GF(2^8) arithmetic modulo 0x11B (Vault's field). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include <cmocka.h>

#include "symbolon/gf256.h"

#include "gf256_reference.h"
#include "symbolon/secmem.h"


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

/* ---- bulk kernels ---- */

/* Every kernel this build and CPU have, against the scalar multiply, on
 * random buffers of every length up to 300 at every alignment up to 64,
 * with every coefficient. */
static void
check_kernel(enum sym_gf256_kernel k)
{
	enum { MAX = 300 + 64 };
	static uint8_t acc[MAX], other[MAX], want[MAX];

	if (sym_gf256_use_kernel(k) != SYM_OK)
		fail_msg("kernel %s reported supported but refused",
		    sym_gf256_kernel_name(k));
	for (unsigned c = 0; c < 256; c++) {
		size_t len = (c * 7u) % 301u, off = c % 64u;

		randombytes_buf(acc, sizeof acc);
		randombytes_buf(other, sizeof other);
		for (size_t i = 0; i < len; i++)
			want[i] = (uint8_t)(reference_mul(acc[off + i],
			    (uint8_t)c) ^ other[off + i]);
		sym_gf256_mul_add(acc + off, other + off, (uint8_t)c, len);
		if (memcmp(acc + off, want, len) != 0)
			fail_msg("%s mul_add, c %#04x, len %zu, offset %zu",
			    sym_gf256_kernel_name(k), c, len, off);
		for (size_t i = 0; i < len; i++)
			want[i] = (uint8_t)(acc[off + i] ^
			    reference_mul(other[off + i], (uint8_t)c));
		sym_gf256_add_mul(acc + off, other + off, (uint8_t)c, len);
		if (memcmp(acc + off, want, len) != 0)
			fail_msg("%s add_mul, c %#04x, len %zu, offset %zu",
			    sym_gf256_kernel_name(k), c, len, off);
	}
	/* A long buffer, beyond any unrolling. */
	{
		enum { LONG = 65536 + 77 };
		uint8_t *a = sym_secmem_alloc(LONG), *b = sym_secmem_alloc(LONG);
		uint8_t *w = sym_secmem_alloc(LONG);

		assert_non_null(a);
		assert_non_null(b);
		assert_non_null(w);
		randombytes_buf(a, LONG);
		randombytes_buf(b, LONG);
		for (size_t i = 0; i < LONG; i++)
			w[i] = (uint8_t)(a[i] ^ reference_mul(b[i], 0xE5));
		sym_gf256_add_mul(a, b, 0xE5, LONG);
		if (memcmp(a, w, LONG) != 0)
			fail_msg("%s add_mul over %d bytes",
			    sym_gf256_kernel_name(k), LONG);
		sym_secmem_free(a);
		sym_secmem_free(b);
		sym_secmem_free(w);
	}
}

static void
test_every_kernel_matches_reference(void **state)
{
	unsigned ran = 0;

	(void)state;
	for (int k = 0; k < SYM_GF256_KERNELS; k++) {
		if (!sym_gf256_kernel_supported((enum sym_gf256_kernel)k))
			continue;
		check_kernel((enum sym_gf256_kernel)k);
		print_message("# kernel %s: identical to the reference\n",
		    sym_gf256_kernel_name((enum sym_gf256_kernel)k));
		ran++;
	}
	/* The portable kernel runs everywhere. */
	assert_true(sym_gf256_kernel_supported(SYM_GF256_PORTABLE));
	assert_true(ran >= 1);
#if defined(__x86_64__)
	/* Every x86-64 CPU has SSE2 and all we ship on have SSSE3; on this
	 * project's machines AVX2 too: a kernel silently missing would hide
	 * from the equivalence test, so count them. */
	if (__builtin_cpu_supports("ssse3"))
		assert_true(sym_gf256_kernel_supported(SYM_GF256_SSSE3));
	if (__builtin_cpu_supports("avx2"))
		assert_true(sym_gf256_kernel_supported(SYM_GF256_AVX2));
	if (__builtin_cpu_supports("gfni") && __builtin_cpu_supports("avx2"))
		assert_true(sym_gf256_kernel_supported(SYM_GF256_GFNI_AVX2));
	if (__builtin_cpu_supports("gfni") &&
	    __builtin_cpu_supports("avx512bw"))
		assert_true(sym_gf256_kernel_supported(SYM_GF256_GFNI_AVX512));
#endif
	assert_int_equal(sym_gf256_use_kernel(SYM_GF256_KERNELS), SYM_EUSAGE);
	sym_gf256_use_kernel_default();
}

static void
test_kernel_names(void **state)
{
	(void)state;
	for (int k = 0; k < SYM_GF256_KERNELS; k++)
		assert_int_equal(sym_gf256_kernel_parse(
		    sym_gf256_kernel_name((enum sym_gf256_kernel)k)), k);
	assert_int_equal(sym_gf256_kernel_parse("avx3"), -1);
	assert_string_equal(sym_gf256_kernel_name(SYM_GF256_GFNI_AVX512),
	    "gfni-avx512");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_every_kernel_matches_reference),
		cmocka_unit_test(test_kernel_names),
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
