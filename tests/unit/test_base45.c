/* Unit tests for base45 (RFC 9285) and its constant-time division. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "symbolon/base45.h"

#include "../../lib/base45_ct.h"

#define MAX_BYTES 600
#define MAX_TEXT (MAX_BYTES / 2 * 3 + 2 + 1)

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Reference encoder: the RFC's words, with / and % and a table, as
 * different from the library as it can be. */
static void
reference_encode(char *out, const uint8_t *in, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i += 2) {
		unsigned n = in[i];

		if (i + 1 < len) {
			n = n * 256 + in[i + 1];
			out[o++] = alphabet[n % 45];
			out[o++] = alphabet[n / 45 % 45];
			out[o++] = alphabet[n / 45 / 45];
		} else {
			out[o++] = alphabet[n % 45];
			out[o++] = alphabet[n / 45];
		}
	}
	out[o] = '\0';
}

/* xorshift64*: reproducible test data. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint8_t
rng_byte(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint8_t)((rng_state * 0x2545f4914f6cdd1du) >> 56);
}

static void
check_encode(const char *bytes, size_t len, const char *expect)
{
	char text[MAX_TEXT];

	assert_int_equal(sym_base45_encode(text, sizeof text,
	    (const uint8_t *)bytes, len), SYM_OK);
	assert_string_equal(text, expect);
	assert_int_equal(strlen(text), sym_base45_encoded_len(len));
}

static void
check_decode(const char *text, const char *expect, size_t expect_len)
{
	uint8_t out[MAX_BYTES];
	size_t out_len = 12345, offset = 777;

	assert_int_equal(sym_base45_decode(out, sizeof out, &out_len, text,
	    strlen(text), &offset), SYM_OK);
	assert_int_equal(out_len, expect_len);
	assert_memory_equal(out, expect, expect_len);
	assert_int_equal(offset, 777);	/* untouched on success */
}

/* text must be refused as not base45, at offset; out must be wiped. */
static void
check_reject(const char *text, size_t text_len, size_t offset)
{
	uint8_t out[MAX_BYTES];
	size_t out_len = 12345, got = 99999;

	memset(out, 0xAA, sizeof out);
	assert_int_equal(sym_base45_decode(out, sizeof out, &out_len, text,
	    text_len, &got), SYM_EFORMAT);
	assert_int_equal(out_len, 0);
	assert_int_equal(got, offset);
	for (size_t i = 0; i < sym_base45_decoded_len(text_len); i++)
		assert_int_equal(out[i], 0);
	/* No offset wanted: the same answer. */
	assert_int_equal(sym_base45_decode(out, sizeof out, &out_len, text,
	    text_len, NULL), SYM_EFORMAT);
}

static void
test_division_exhaustive(void **state)
{
	(void)state;
	for (uint32_t n = 0; n <= SYM_CT_DIV45_MAX; n++) {
		if (sym_ct_div45(n) != n / 45 || sym_ct_mod45(n) != n % 45)
			fail_msg("45: n = %u", n);
	}
	/* Every n a triple of symbols can make (up to 44 + 44*45 + 44*2025). */
	for (uint32_t n = 0; n <= 91124; n++) {
		if (sym_ct_div256(n) != n / 256 || sym_ct_mod256(n) != n % 256)
			fail_msg("256: n = %u", n);
	}
	assert_true(SYM_CT_DIV45_MAX >= 65535);
}

static void
test_range_masks(void **state)
{
	(void)state;
	for (uint32_t c = 0; c < 256; c++) {
		assert_int_equal(sym_ct_in_range(c, '0', '9'),
		    c >= '0' && c <= '9' ? 0xffffffffu : 0);
		assert_int_equal(sym_ct_eq(c, ':'), c == ':' ? 0xffffffffu : 0);
	}
}

static void
test_rfc9285_vectors(void **state)
{
	char text[16];

	(void)state;
	/* The reference must itself be right, or comparing with it proves
	 * nothing. */
	reference_encode(text, (const uint8_t *)"ietf!", 5);
	assert_string_equal(text, "QED8WEX0");
	reference_encode(text, (const uint8_t *)"Hello!!", 7);
	assert_string_equal(text, "%69 VD92EX0");
	/* RFC 9285, sections 4.3 and 4.4. */
	check_encode("AB", 2, "BB8");
	check_encode("Hello!!", 7, "%69 VD92EX0");
	check_encode("base-45", 7, "UJCLQE7W581");
	check_encode("ietf!", 5, "QED8WEX0");
	check_decode("QED8WEX0", "ietf!", 5);
	check_decode("BB8", "AB", 2);
	check_decode("%69 VD92EX0", "Hello!!", 7);
	check_decode("UJCLQE7W581", "base-45", 7);
}

static void
test_lengths(void **state)
{
	(void)state;
	assert_int_equal(sym_base45_encoded_len(0), 0);
	assert_int_equal(sym_base45_encoded_len(1), 2);
	assert_int_equal(sym_base45_encoded_len(2), 3);
	assert_int_equal(sym_base45_encoded_len(3), 5);
	assert_int_equal(sym_base45_encoded_len(7), 11);
	assert_int_equal(sym_base45_decoded_len(0), 0);
	assert_int_equal(sym_base45_decoded_len(1), 0);
	assert_int_equal(sym_base45_decoded_len(2), 1);
	assert_int_equal(sym_base45_decoded_len(3), 2);
	assert_int_equal(sym_base45_decoded_len(11), 7);
	/* Too long to encode: saturates rather than wrapping. */
	assert_int_equal(sym_base45_encoded_len(SIZE_MAX), SIZE_MAX);
	assert_int_equal(sym_base45_encoded_len(SIZE_MAX / 3 * 2 + 2),
	    SIZE_MAX);
	assert_true(sym_base45_encoded_len(SIZE_MAX / 3 * 2 - 2) < SIZE_MAX);
	assert_int_equal(sym_base45_decoded_len(SIZE_MAX),
	    SIZE_MAX / 3 * 2 + (SIZE_MAX % 3 == 2));
}

static void
test_empty(void **state)
{
	char text[4] = "xyz";
	uint8_t out[4];
	size_t out_len = 5;

	(void)state;
	assert_int_equal(sym_base45_encode(text, sizeof text, NULL, 0), SYM_OK);
	assert_string_equal(text, "");
	assert_int_equal(sym_base45_encode(text, 1, (const uint8_t *)"", 0),
	    SYM_OK);
	assert_int_equal(sym_base45_decode(out, sizeof out, &out_len, "", 0,
	    NULL), SYM_OK);
	assert_int_equal(out_len, 0);
	out_len = 5;
	assert_int_equal(sym_base45_decode(out, 0, &out_len, NULL, 0, NULL),
	    SYM_OK);
	assert_int_equal(out_len, 0);
}

static void
test_every_byte(void **state)
{
	char text[3], expect[3];
	uint8_t out[1];
	size_t out_len;

	(void)state;
	for (unsigned b = 0; b < 256; b++) {
		uint8_t byte = (uint8_t)b;

		assert_int_equal(sym_base45_encode(text, sizeof text, &byte, 1),
		    SYM_OK);
		reference_encode(expect, &byte, 1);
		assert_string_equal(text, expect);
		assert_int_equal(sym_base45_decode(out, sizeof out, &out_len,
		    text, 2, NULL), SYM_OK);
		assert_int_equal(out_len, 1);
		assert_int_equal(out[0], byte);
	}
}

static void
test_every_pair(void **state)
{
	char text[4], expect[4];
	uint8_t in[2], out[2];
	size_t out_len;

	(void)state;
	for (unsigned n = 0; n < 65536; n++) {
		in[0] = (uint8_t)(n >> 8);
		in[1] = (uint8_t)n;
		assert_int_equal(sym_base45_encode(text, sizeof text, in, 2),
		    SYM_OK);
		reference_encode(expect, in, 2);
		if (strcmp(text, expect) != 0)
			fail_msg("n = %u: %s, expected %s", n, text, expect);
		assert_int_equal(sym_base45_decode(out, sizeof out, &out_len,
		    text, 3, NULL), SYM_OK);
		assert_int_equal(out_len, 2);
		assert_memory_equal(out, in, 2);
	}
}

static void
test_random_round_trips(void **state)
{
	uint8_t in[MAX_BYTES], out[MAX_BYTES];
	char text[MAX_TEXT], expect[MAX_TEXT];
	size_t out_len, len;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		len = round < 200 ? (size_t)round : rng_byte() * 2u + rng_byte() % 2u;
		for (size_t i = 0; i < len; i++)
			in[i] = rng_byte();
		assert_int_equal(sym_base45_encode(text, sizeof text, in, len),
		    SYM_OK);
		reference_encode(expect, in, len);
		assert_string_equal(text, expect);
		assert_int_equal(sym_base45_decode(out, sizeof out, &out_len,
		    text, strlen(text), NULL), SYM_OK);
		assert_int_equal(out_len, len);
		assert_memory_equal(out, in, len);
	}
}

static void
test_every_character(void **state)
{
	uint8_t out[2];
	size_t out_len, offset;

	(void)state;
	/* Each of the 256 byte values, first and second in a triple and a
	 * pair: accepted exactly when it is one of the 45 symbols. */
	for (unsigned c = 0; c < 256; c++) {
		int symbol = c != 0 && strchr(alphabet, (int)c) != NULL;
		char triple0[3] = { (char)c, '0', '0' };
		char triple1[3] = { '0', (char)c, '0' };
		char pair[2] = { (char)c, '0' };
		char pair1[2] = { '0', (char)c };
		const struct { const char *t; size_t len, bad; } cases[] = {
			{ triple0, 3, 0 }, { triple1, 3, 1 },
			{ pair, 2, 0 },
		};

		for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			int rc = sym_base45_decode(out, sizeof out, &out_len,
			    cases[k].t, cases[k].len, &offset);

			if (symbol) {
				assert_int_equal(rc, SYM_OK);
			} else {
				assert_int_equal(rc, SYM_EFORMAT);
				assert_int_equal(offset, cases[k].bad);
			}
		}
		/* Second in a pair: only values up to 5 keep it below 256. */
		if (!symbol)
			check_reject(pair1, 2, 1);
		else if (strchr(alphabet, (int)c) - alphabet <= 5)
			assert_int_equal(sym_base45_decode(out, sizeof out,
			    &out_len, pair1, 2, NULL), SYM_OK);
		else
			check_reject(pair1, 2, 0);
	}
}

static void
test_reject_characters(void **state)
{
	(void)state;
	check_reject("bb8", 3, 0);
	check_reject("QED8wEX0", 8, 4);
	check_reject("QED8WEx0", 8, 6);
	check_reject("%69 VD92ex0", 11, 8);
	check_reject("BB8#", 4, 3);
	check_reject("BB!", 3, 2);
	check_reject("B=8", 3, 1);
	check_reject("BB8,Q", 5, 3);
	check_reject("BB8_Q", 5, 3);
	check_reject("BB8\tQ", 5, 3);
	check_reject("BB8\nBB8", 7, 3);
	check_reject("BB8\0BB", 6, 3);		/* NUL inside the length */
	check_reject("BB8\x80" "BB", 6, 3);
	check_reject("BB8\xff" "BB", 6, 3);
	check_reject("BB8 ", 4, 3);		/* a trailing space dangles */
	check_reject("QED8WEX0 ", 9, 6);	/* or makes "X0 " > 65535 */
	/* The first bad symbol wins, whatever the kinds. */
	check_reject("BB8QEd8Wx", 9, 5);
	check_reject("bB8Q", 4, 0);
	check_reject("00a:::", 6, 2);
	check_reject("GGW00a", 6, 0);
	check_reject("G#W", 3, 1);		/* not a triple value: the '#' */
	check_reject("GG#", 3, 2);
}

static void
test_reject_dangling(void **state)
{
	(void)state;
	check_reject("Q", 1, 0);
	check_reject("BB8Q", 4, 3);
	check_reject("QED8WEX", 7, 6);
	check_reject("BB8BB8BB8B", 10, 9);
}

static void
test_triple_boundary(void **state)
{
	(void)state;
	/* 65535 = 15 + 45*16 + 2025*32: "FGW" is the largest triple. */
	check_decode("FGW", "\xff\xff", 2);
	check_encode("\xff\xff", 2, "FGW");
	check_reject("GGW", 3, 0);		/* 65536 */
	check_reject("FHW", 3, 0);		/* 65580 */
	check_reject("FGX", 3, 0);		/* 67560 */
	check_reject(":::", 3, 0);		/* 91124, the largest */
	check_reject("BB8GGW", 6, 3);
	check_reject("BB8BB8:::BB8", 12, 6);
	check_decode("000", "\0\0", 2);
}

static void
test_pair_boundary(void **state)
{
	(void)state;
	/* 255 = 30 + 45*5: "U5" is the largest pair. */
	check_decode("U5", "\xff", 1);
	check_encode("\xff", 1, "U5");
	check_reject("V5", 2, 0);		/* 256 */
	check_reject("06", 2, 0);		/* 270 */
	check_reject("::", 2, 0);		/* 2024 */
	check_reject("BB8V5", 5, 3);
	check_decode("BB8U5", "AB\xff", 3);
}

static void
test_too_big(void **state)
{
	char text[16];
	uint8_t out[8];
	size_t out_len = 5, offset = 99;

	(void)state;
	/* Encode: the symbols and the NUL must fit. */
	memset(text, 'x', sizeof text);
	assert_int_equal(sym_base45_encode(text, 3, (const uint8_t *)"AB", 2),
	    SYM_ETOOBIG);
	assert_int_equal(text[0], 0);		/* wiped */
	assert_int_equal(sym_base45_encode(text, 4, (const uint8_t *)"AB", 2),
	    SYM_OK);
	assert_string_equal(text, "BB8");
	assert_int_equal(sym_base45_encode(text, 0, (const uint8_t *)"", 0),
	    SYM_ETOOBIG);
	assert_int_equal(sym_base45_encode(text, 8,
	    (const uint8_t *)"ietf!", 5), SYM_ETOOBIG);
	assert_int_equal(sym_base45_encode(text, 9,
	    (const uint8_t *)"ietf!", 5), SYM_OK);

	/* Decode: the offset is that of the first group that does not fit. */
	memset(out, 0xAA, sizeof out);
	assert_int_equal(sym_base45_decode(out, 4, &out_len, "QED8WEX0", 8,
	    &offset), SYM_ETOOBIG);
	assert_int_equal(out_len, 0);
	assert_int_equal(offset, 6);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(out[4], 0xAA);		/* outside cap: untouched */
	assert_int_equal(sym_base45_decode(out, 3, &out_len, "BB8BB8", 6,
	    &offset), SYM_ETOOBIG);
	assert_int_equal(offset, 3);
	assert_int_equal(sym_base45_decode(out, 1, &out_len, "BB8", 3,
	    &offset), SYM_ETOOBIG);
	assert_int_equal(offset, 0);
	assert_int_equal(sym_base45_decode(out, 0, &out_len, "U5", 2,
	    NULL), SYM_ETOOBIG);
	assert_int_equal(sym_base45_decode(out, 5, &out_len, "QED8WEX0", 8,
	    NULL), SYM_OK);
	assert_int_equal(out_len, 5);
	assert_memory_equal(out, "ietf!", 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_division_exhaustive),
		cmocka_unit_test(test_range_masks),
		cmocka_unit_test(test_rfc9285_vectors),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_random_round_trips),
		cmocka_unit_test(test_every_character),
		cmocka_unit_test(test_reject_characters),
		cmocka_unit_test(test_reject_dangling),
		cmocka_unit_test(test_triple_boundary),
		cmocka_unit_test(test_pair_boundary),
		cmocka_unit_test(test_too_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
