/* Unit tests for key fingerprints: BLAKE2b-personal known answers, the PGP
 * word list, and the two text forms with their buffer limits. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <sodium.h>

#include "symbolon/fingerprint.h"
#include "symbolon/secmem.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 8032 section 7.1, TEST 1 public key. */
static const uint8_t rfc8032_pk1[32] = {
	0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
	0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
	0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
	0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
};

/*
 * Expected values computed outside symbolon, with Python's hashlib:
 *   hashlib.blake2b(pk, digest_size=32, person=b'symbolon-fpr-v1')
 * (hashlib pads person with NULs to 16 bytes, as the contract says).
 */
static const char rfc8032_pk1_fpr[] =
    "5f873964ef30db91c8704bbacfb4489d5c6c032255c135830eedaaca02b6a340";
static const char counting_pk_fpr[] =	/* pk = 00 01 02 ... 1f */
    "5a1c6546397f966f2683aab1cca6024189bcca281a923f6856e92cfd0916da8e";

/*
 * SHA-256 of the even list then the odd list, each word followed by "\n"
 * (4431 bytes), over the lists as cross-checked between two public copies
 * (see lib/fingerprint.c).  Any edit to any word changes it.
 */
static const char word_lists_sha256[] =
    "7e5237abee2c4ed4374b29a853b0ac3ac108a0ea11e8c7f50f6dc667402a49b6";

static void
from_hex(uint8_t *out, size_t len, const char *hex)
{
	size_t bin_len = 0;

	assert_int_equal(strlen(hex), len * 2);
	assert_int_equal(sodium_hex2bin(out, len, hex, len * 2, NULL,
	    &bin_len, NULL), 0);
	assert_int_equal(bin_len, len);
}

static void
test_lists_distinct(void **state)
{
	(void)state;
	for (size_t parity = 0; parity < 2; parity++) {
		for (unsigned a = 0; a < 256; a++) {
			const char *wa = sym_pgp_word((uint8_t)a, parity);

			assert_non_null(wa);
			for (unsigned b = a + 1; b < 256; b++) {
				const char *wb = sym_pgp_word((uint8_t)b,
				    parity);

				/* Case-insensitive: read aloud, case is lost. */
				if (strcasecmp(wa, wb) == 0)
					fail_msg("list %zu: %02X and %02X are "
					    "both \"%s\"", parity, a, b, wa);
			}
		}
	}
}

static void
test_lists_disjoint(void **state)
{
	(void)state;
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++) {
			const char *even = sym_pgp_word((uint8_t)a, 0);
			const char *odd = sym_pgp_word((uint8_t)b, 1);

			if (strcasecmp(even, odd) == 0)
				fail_msg("\"%s\" is in both lists", even);
		}
}

static void
test_words_are_short_ascii(void **state)
{
	(void)state;
	for (size_t parity = 0; parity < 2; parity++)
		for (unsigned b = 0; b < 256; b++) {
			const char *w = sym_pgp_word((uint8_t)b, parity);
			size_t n = strlen(w);

			/* The header sizes its buffer for 11 letters. */
			assert_in_range(n, 4, 11);
			for (size_t i = 0; i < n; i++)
				if (!isalpha((unsigned char)w[i]) ||
				    (unsigned char)w[i] > 0x7f)
					fail_msg("\"%s\" is not ASCII letters",
					    w);
		}
}

static void
test_list_entries(void **state)
{
	static const char *const even_head[] = {
		"aardvark", "absurd", "accrue", "acme", "adrift", "adult",
		"afflict", "ahead",
	};
	static const char *const odd_head[] = {
		"adroitness", "adviser", "aftermath", "aggregate", "alkali",
		"almighty", "amulet", "amusement",
	};

	(void)state;
	for (size_t i = 0; i < COUNT(even_head); i++) {
		assert_string_equal(sym_pgp_word((uint8_t)i, 0), even_head[i]);
		assert_string_equal(sym_pgp_word((uint8_t)i, 1), odd_head[i]);
	}
	assert_string_equal(sym_pgp_word(0xff, 0), "Zulu");
	assert_string_equal(sym_pgp_word(0xfe, 0), "woodlark");
	assert_string_equal(sym_pgp_word(0xff, 1), "Yucatan");
	assert_string_equal(sym_pgp_word(0xfe, 1), "yesteryear");
	/* Only the parity of the position matters. */
	assert_string_equal(sym_pgp_word(0x9e, 0), "quiver");
	assert_string_equal(sym_pgp_word(0x9e, 1), "onlooker");
	assert_string_equal(sym_pgp_word(0x9e, 1000), "quiver");
	assert_string_equal(sym_pgp_word(0x9e, 1001), "onlooker");
	assert_string_equal(sym_pgp_word(0x9e, SIZE_MAX), "onlooker");
	assert_string_equal(sym_pgp_word(0x9e, SIZE_MAX - 1), "quiver");
}

static void
test_lists_pinned(void **state)
{
	crypto_hash_sha256_state h;
	uint8_t digest[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
	size_t total = 0;

	(void)state;
	crypto_hash_sha256_init(&h);
	for (size_t parity = 0; parity < 2; parity++)
		for (unsigned b = 0; b < 256; b++) {
			const char *w = sym_pgp_word((uint8_t)b, parity);

			crypto_hash_sha256_update(&h, (const uint8_t *)w,
			    strlen(w));
			crypto_hash_sha256_update(&h, (const uint8_t *)"\n", 1);
			total += strlen(w) + 1;
		}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
	assert_int_equal(total, 4431);
	assert_string_equal(hex, word_lists_sha256);
}

static void
test_published_example(void **state)
{
	/* Wikipedia, "PGP word list": the example fingerprint and its words,
	 * with the published capitalisation. */
	static const char hex[] = "E58294F2E9A227486E8B061B31CC528FD7FA3F19";
	static const char expected[] = "topmost Istanbul Pluto vagabond "
	    "treadmill Pacific brackish dictator goldfish Medusa afflict "
	    "bravado chatter revolver Dupont midsummer stopwatch whimsical "
	    "cowbell bottomless";
	uint8_t bytes[20];
	char out[sizeof expected];

	(void)state;
	from_hex(bytes, sizeof bytes, hex);
	assert_int_equal(sym_fingerprint_words(out, sizeof out, bytes,
	    sizeof bytes), SYM_OK);
	assert_string_equal(out, expected);
}

static void
test_fingerprint_kat(void **state)
{
	uint8_t pk[32];
	uint8_t fpr[SYM_FINGERPRINT_BYTES];
	uint8_t expected[SYM_FINGERPRINT_BYTES];
	uint8_t kid[SYM_KID_BYTES];
	uint8_t plain[SYM_FINGERPRINT_BYTES];

	(void)state;
	sym_fingerprint(fpr, rfc8032_pk1);
	from_hex(expected, sizeof expected, rfc8032_pk1_fpr);
	assert_memory_equal(fpr, expected, sizeof fpr);

	sym_fingerprint_kid(kid, rfc8032_pk1);
	assert_memory_equal(kid, expected, SYM_KID_BYTES);

	for (size_t i = 0; i < sizeof pk; i++)
		pk[i] = (uint8_t)i;
	sym_fingerprint(fpr, pk);
	from_hex(expected, sizeof expected, counting_pk_fpr);
	assert_memory_equal(fpr, expected, sizeof fpr);
	sym_fingerprint_kid(kid, pk);
	assert_memory_equal(kid, expected, SYM_KID_BYTES);

	/* Domain separation: not the plain, unpersonalised BLAKE2b-256. */
	assert_int_equal(crypto_generichash(plain, sizeof plain, pk,
	    sizeof pk, NULL, 0), 0);
	assert_memory_not_equal(plain, fpr, sizeof fpr);

	/* One flipped key bit changes the fingerprint. */
	pk[31] ^= 0x80;
	sym_fingerprint(fpr, pk);
	assert_memory_not_equal(fpr, expected, sizeof fpr);
}

static void
test_hex_format(void **state)
{
	uint8_t fpr[SYM_FINGERPRINT_BYTES];
	char out[SYM_FINGERPRINT_HEX_MAX];

	(void)state;
	assert_int_equal(SYM_FINGERPRINT_HEX_MAX, 80);
	sym_fingerprint(fpr, rfc8032_pk1);
	assert_int_equal(sym_fingerprint_hex(out, sizeof out, fpr), SYM_OK);
	assert_string_equal(out, "5F87 3964 EF30 DB91 C870 4BBA CFB4 489D "
	    "5C6C 0322 55C1 3583 0EED AACA 02B6 A340");

	/* Shape: 16 groups of four upper-case hex digits, single spaces. */
	assert_int_equal(strlen(out), SYM_FINGERPRINT_HEX_MAX - 1);
	for (size_t i = 0; i < strlen(out); i++) {
		if (i % 5 == 4)
			assert_int_equal(out[i], ' ');
		else
			assert_non_null(strchr("0123456789ABCDEF", out[i]));
	}

	memset(fpr, 0xab, sizeof fpr);
	fpr[0] = 0x00;
	fpr[31] = 0xff;
	assert_int_equal(sym_fingerprint_hex(out, sizeof out, fpr), SYM_OK);
	assert_string_equal(out, "00AB ABAB ABAB ABAB ABAB ABAB ABAB ABAB "
	    "ABAB ABAB ABAB ABAB ABAB ABAB ABAB ABFF");
}

static void
test_hex_too_small(void **state)
{
	uint8_t fpr[SYM_FINGERPRINT_BYTES];
	char out[SYM_FINGERPRINT_HEX_MAX];

	(void)state;
	sym_fingerprint(fpr, rfc8032_pk1);
	memset(out, 'x', sizeof out);
	assert_int_equal(sym_fingerprint_hex(out, sizeof out - 1, fpr),
	    SYM_ETOOBIG);
	/* A failed call leaves an empty string, never a partial one. */
	assert_int_equal(out[0], '\0');
	assert_int_equal(out[sizeof out - 1], 'x');
	assert_int_equal(sym_fingerprint_hex(out, 1, fpr), SYM_ETOOBIG);
	assert_int_equal(out[0], '\0');
	out[0] = 'x';
	assert_int_equal(sym_fingerprint_hex(out, 0, fpr), SYM_ETOOBIG);
	assert_int_equal(out[0], 'x');
}

static void
test_fingerprint_words(void **state)
{
	uint8_t fpr[SYM_FINGERPRINT_BYTES];
	char out[SYM_FINGERPRINT_WORDS_MAX];

	(void)state;
	sym_fingerprint(fpr, rfc8032_pk1);
	assert_int_equal(sym_fingerprint_words(out, sizeof out, fpr,
	    SYM_FINGERPRINT_WORD_BYTES), SYM_OK);
	assert_string_equal(out, "eyetooth liberty classroom getaway uncut "
	    "commando suspense miracle spaniel hesitate dragnet puberty");

	/* Nothing to say is an empty string, even with no bytes at all. */
	assert_int_equal(sym_fingerprint_words(out, 1, NULL, 0), SYM_OK);
	assert_string_equal(out, "");
	assert_int_equal(sym_fingerprint_words(out, sizeof out, fpr, 1),
	    SYM_OK);
	assert_string_equal(out, "eyetooth");
	assert_int_equal(sym_fingerprint_words(out, sizeof out, NULL, 1),
	    SYM_EUSAGE);
	assert_string_equal(out, "");
}

static void
test_words_max_fits(void **state)
{
	uint8_t longest[2] = { 0, 0 };
	uint8_t bytes[SYM_FINGERPRINT_WORD_BYTES];
	char out[SYM_FINGERPRINT_WORDS_MAX];

	(void)state;
	/* The longest word of each list, at every position: the worst case
	 * the header's size must hold. */
	for (size_t parity = 0; parity < 2; parity++)
		for (unsigned b = 0; b < 256; b++)
			if (strlen(sym_pgp_word((uint8_t)b, parity)) >
			    strlen(sym_pgp_word(longest[parity], parity)))
				longest[parity] = (uint8_t)b;
	for (size_t i = 0; i < sizeof bytes; i++)
		bytes[i] = longest[i % 2];
	assert_int_equal(sym_fingerprint_words(out, sizeof out, bytes,
	    sizeof bytes), SYM_OK);
	assert_true(strlen(out) < sizeof out);
}

static void
test_words_too_small(void **state)
{
	static const uint8_t bytes[] = { 0xe5, 0x82, 0x94 };
	static const char expected[] = "topmost Istanbul Pluto";
	char out[sizeof expected + 8];

	(void)state;
	/* Exactly enough room, then one byte less at each boundary. */
	assert_int_equal(sym_fingerprint_words(out, sizeof expected, bytes,
	    sizeof bytes), SYM_OK);
	assert_string_equal(out, expected);
	for (size_t cap = 1; cap < sizeof expected; cap++) {
		memset(out, 'x', sizeof out);
		assert_int_equal(sym_fingerprint_words(out, cap, bytes,
		    sizeof bytes), SYM_ETOOBIG);
		assert_int_equal(out[0], '\0');
		/* Nothing written past the first byte. */
		for (size_t i = 1; i < sizeof out; i++)
			assert_int_equal(out[i], 'x');
	}
	out[0] = 'x';
	assert_int_equal(sym_fingerprint_words(out, 0, bytes, sizeof bytes),
	    SYM_ETOOBIG);
	assert_int_equal(out[0], 'x');
	assert_int_equal(sym_fingerprint_words(out, 0, NULL, 0), SYM_ETOOBIG);
	assert_int_equal(out[0], 'x');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_distinct),
		cmocka_unit_test(test_lists_disjoint),
		cmocka_unit_test(test_words_are_short_ascii),
		cmocka_unit_test(test_list_entries),
		cmocka_unit_test(test_lists_pinned),
		cmocka_unit_test(test_published_example),
		cmocka_unit_test(test_fingerprint_kat),
		cmocka_unit_test(test_hex_format),
		cmocka_unit_test(test_hex_too_small),
		cmocka_unit_test(test_fingerprint_words),
		cmocka_unit_test(test_words_max_fits),
		cmocka_unit_test(test_words_too_small),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("fingerprint", tests, NULL, NULL);
}
