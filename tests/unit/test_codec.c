/* Unit tests for the text codecs: hex and base64 known answers (RFC 4648),
 * refusal of malformed or oversized text, Vault's unseal-key rule, and the
 * line iterator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "symbolon/codec.h"
#include "symbolon/secmem.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 4648 section 10. */
static const struct {
	const char *plain, *base64, *base16;
} rfc4648[] = {
	{ "", "", "" },
	{ "f", "Zg==", "66" },
	{ "fo", "Zm8=", "666F" },
	{ "foo", "Zm9v", "666F6F" },
	{ "foob", "Zm9vYg==", "666F6F62" },
	{ "fooba", "Zm9vYmE=", "666F6F6261" },
	{ "foobar", "Zm9vYmFy", "666F6F626172" },
};

static void
lower(char *dst, const char *src)
{
	for (; *src; src++, dst++)
		*dst = (*src >= 'A' && *src <= 'F') ? (char)(*src + 32) : *src;
	*dst = 0;
}

/* Decodes text through an exactly sized heap copy (no NUL after it), so
 * ASan catches any read past text_len. */
static int
decode_exact(uint8_t *out, size_t cap, size_t *out_len, const char *text,
    size_t text_len, enum sym_text_format format)
{
	char *copy = malloc(text_len ? text_len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, text, text_len);
	rc = sym_codec_decode(out, cap, out_len, copy, text_len, format);
	free(copy);
	return rc;
}

static int
decode_str(uint8_t *out, size_t cap, size_t *out_len, const char *text,
    enum sym_text_format format)
{
	return decode_exact(out, cap, out_len, text, strlen(text), format);
}

static void
test_encoded_len(void **state)
{
	(void)state;
	assert_int_equal(sym_codec_encoded_len(0, SYM_TEXT_HEX), 1);
	assert_int_equal(sym_codec_encoded_len(33, SYM_TEXT_HEX), 67);
	assert_int_equal(sym_codec_encoded_len(0, SYM_TEXT_BASE64), 1);
	assert_int_equal(sym_codec_encoded_len(1, SYM_TEXT_BASE64), 5);
	assert_int_equal(sym_codec_encoded_len(2, SYM_TEXT_BASE64), 5);
	assert_int_equal(sym_codec_encoded_len(3, SYM_TEXT_BASE64), 5);
	assert_int_equal(sym_codec_encoded_len(4, SYM_TEXT_BASE64), 9);
	assert_int_equal(sym_codec_encoded_len(33, SYM_TEXT_BASE64), 45);
}

static void
test_rfc4648_encode(void **state)
{
	char out[32], want[32];

	(void)state;
	for (size_t i = 0; i < COUNT(rfc4648); i++) {
		const uint8_t *in = (const uint8_t *)rfc4648[i].plain;
		size_t len = strlen(rfc4648[i].plain);
		size_t need = sym_codec_encoded_len(len, SYM_TEXT_BASE64);

		memset(out, '#', sizeof out);
		assert_int_equal(sym_codec_encode(out, need, in, len,
		    SYM_TEXT_BASE64), SYM_OK);
		assert_string_equal(out, rfc4648[i].base64);
		/* One byte less than encoded_len does not fit. */
		if (need > 0)
			assert_int_equal(sym_codec_encode(out, need - 1, in,
			    len, SYM_TEXT_BASE64), SYM_ETOOBIG);

		need = sym_codec_encoded_len(len, SYM_TEXT_HEX);
		memset(out, '#', sizeof out);
		assert_int_equal(sym_codec_encode(out, need, in, len,
		    SYM_TEXT_HEX), SYM_OK);
		lower(want, rfc4648[i].base16);
		assert_string_equal(out, want);
		assert_int_equal(sym_codec_encode(out, need - 1, in, len,
		    SYM_TEXT_HEX), SYM_ETOOBIG);

		/* Vault's output form is base64. */
		assert_int_equal(sym_codec_encode(out, sizeof out, in, len,
		    SYM_TEXT_VAULT), SYM_OK);
		assert_string_equal(out, rfc4648[i].base64);
	}
}

static void
test_rfc4648_decode(void **state)
{
	uint8_t out[16];
	size_t out_len;
	char lowered[32];

	(void)state;
	for (size_t i = 1; i < COUNT(rfc4648); i++) {
		const char *plain = rfc4648[i].plain;
		size_t len = strlen(plain);

		out_len = 99;
		assert_int_equal(decode_str(out, sizeof out, &out_len,
		    rfc4648[i].base64, SYM_TEXT_BASE64), SYM_OK);
		assert_int_equal(out_len, len);
		assert_memory_equal(out, plain, len);
		/* Exactly the room needed is enough. */
		assert_int_equal(decode_str(out, len, &out_len,
		    rfc4648[i].base64, SYM_TEXT_BASE64), SYM_OK);
		assert_memory_equal(out, plain, len);

		/* Hex in upper case (RFC 4648) and lower case. */
		assert_int_equal(decode_str(out, sizeof out, &out_len,
		    rfc4648[i].base16, SYM_TEXT_HEX), SYM_OK);
		assert_int_equal(out_len, len);
		assert_memory_equal(out, plain, len);
		lower(lowered, rfc4648[i].base16);
		assert_int_equal(decode_str(out, len, &out_len, lowered,
		    SYM_TEXT_HEX), SYM_OK);
		assert_int_equal(out_len, len);
		assert_memory_equal(out, plain, len);
	}
}

static void
test_empty_text_is_refused(void **state)
{
	/* RFC 4648 encodes nothing as "", but an empty text is never a key
	 * or a share: the decoders refuse it rather than return 0 bytes. */
	uint8_t out[4];
	size_t out_len = 99;

	(void)state;
	assert_int_equal(decode_str(out, sizeof out, &out_len, "",
	    SYM_TEXT_BASE64), SYM_EFORMAT);
	assert_int_equal(out_len, 0);
	assert_int_equal(decode_str(out, sizeof out, &out_len, "",
	    SYM_TEXT_HEX), SYM_EFORMAT);
	assert_int_equal(decode_str(out, sizeof out, &out_len, "",
	    SYM_TEXT_VAULT), SYM_EFORMAT);
}

static void
test_hex_all_bytes(void **state)
{
	uint8_t in[256], out[256];
	char text[513];
	size_t out_len;

	(void)state;
	for (unsigned i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	assert_int_equal(sym_codec_encode(text, sizeof text, in, sizeof in,
	    SYM_TEXT_HEX), SYM_OK);
	assert_int_equal(strlen(text), 512);
	assert_memory_equal(text, "000102", 6);
	assert_memory_equal(text + 500, "fafbfcfdfeff", 12);
	assert_int_equal(decode_exact(out, sizeof out, &out_len, text, 512,
	    SYM_TEXT_HEX), SYM_OK);
	assert_int_equal(out_len, 256);
	assert_memory_equal(out, in, 256);

	assert_int_equal(sym_codec_encode(text, sizeof text, in, sizeof in,
	    SYM_TEXT_BASE64), SYM_OK);
	assert_int_equal(strlen(text), 344);
	assert_memory_equal(text, "AAECAwQF", 8);
	assert_memory_equal(text + 332, "+fr7/P3+/w==", 12);
	assert_int_equal(decode_exact(out, sizeof out, &out_len, text, 344,
	    SYM_TEXT_BASE64), SYM_OK);
	assert_int_equal(out_len, 256);
	assert_memory_equal(out, in, 256);
}

static void
expect_refused(const char *text, enum sym_text_format format, size_t cap,
    int want)
{
	uint8_t out[64];
	size_t out_len = 77;
	int rc;

	memset(out, 0xAA, sizeof out);
	rc = decode_str(out, cap, &out_len, text, format);
	if (rc != want)
		fail_msg("decode(\"%s\", format %d, cap %zu) = %d, want %d",
		    text, (int)format, cap, rc, want);
	/* A failed decode leaves nothing behind: no length, no bytes. */
	assert_int_equal(out_len, 0);
	for (size_t i = 0; i < cap; i++)
		assert_int_equal(out[i], 0);
}

static void
test_hex_refusals(void **state)
{
	(void)state;
	expect_refused("abc", SYM_TEXT_HEX, 16, SYM_EFORMAT);	/* odd */
	expect_refused("a", SYM_TEXT_HEX, 16, SYM_EFORMAT);
	expect_refused("zz", SYM_TEXT_HEX, 16, SYM_EFORMAT);
	expect_refused("0g", SYM_TEXT_HEX, 16, SYM_EFORMAT);
	expect_refused("ab cd", SYM_TEXT_HEX, 16, SYM_EFORMAT);
	expect_refused("ab:cd", SYM_TEXT_HEX, 16, SYM_EFORMAT);
	expect_refused("abcd\n\n", SYM_TEXT_HEX, 16, SYM_EFORMAT);
	expect_refused("0x0102", SYM_TEXT_HEX, 16, SYM_EFORMAT);
	expect_refused("-1", SYM_TEXT_HEX, 16, SYM_EFORMAT);
	/* Too large for the output. */
	expect_refused("00112233", SYM_TEXT_HEX, 3, SYM_ETOOBIG);
	expect_refused("00", SYM_TEXT_HEX, 0, SYM_ETOOBIG);
}

static void
test_base64_refusals(void **state)
{
	(void)state;
	/* Characters outside the standard alphabet (URL-safe ones too). */
	expect_refused("Zm9v!A==", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Zm9-", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Zm9_", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Zm 9v", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Zm9\x80", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	/* Missing or misplaced padding. */
	expect_refused("Zg", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Zg=", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Zm8", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Z===", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("====", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Z=g=", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	/* Trailing junk after a complete encoding. */
	expect_refused("Zg==Zg==", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Zg==\n", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Zm9vYg==AAAA", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	/* Non-zero bits after the last byte: each byte string has exactly
	 * one encoding ("Zg==" is "f"). */
	expect_refused("Zh==", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	expect_refused("Zm9=", SYM_TEXT_BASE64, 16, SYM_EFORMAT);
	/* Too large for the output, by one to three bytes. */
	expect_refused("Zm9vYg==", SYM_TEXT_BASE64, 3, SYM_ETOOBIG);
	expect_refused("Zm9vYmFy", SYM_TEXT_BASE64, 5, SYM_ETOOBIG);
	expect_refused("Zm9vYmFy", SYM_TEXT_BASE64, 3, SYM_ETOOBIG);
	expect_refused("Zm9v", SYM_TEXT_BASE64, 2, SYM_ETOOBIG);
	expect_refused("Zm8=", SYM_TEXT_BASE64, 1, SYM_ETOOBIG);
	expect_refused("Zg==", SYM_TEXT_BASE64, 0, SYM_ETOOBIG);
}

static void
test_base64_refuses_every_non_alphabet_byte(void **state)
{
	/* Each of the 256 byte values as the last character of "Zm9?":
	 * exactly the 64 alphabet characters decode.  (libsodium 1.0.18 on
	 * its own maps every byte from 0x80 up to some digit.) */
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned accepted = 0;

	(void)state;
	for (unsigned c = 0; c < 256; c++) {
		char text[4] = { 'Z', 'm', '9', (char)c };
		uint8_t out[8];
		size_t out_len;
		int rc = decode_exact(out, sizeof out, &out_len, text, 4,
		    SYM_TEXT_BASE64);
		int in_alphabet = c != 0 && strchr(alphabet, (int)c) != NULL;

		if (in_alphabet) {
			assert_int_equal(rc, SYM_OK);
			assert_int_equal(out_len, 3);
			accepted++;
		} else if (rc != SYM_EFORMAT) {
			fail_msg("base64 byte %#04x: %d, want SYM_EFORMAT", c,
			    rc);
		}
		/* Hex: the 22 digits of either case, nothing else. */
		text[0] = '0';
		text[1] = (char)c;
		rc = decode_exact(out, sizeof out, &out_len, text, 2,
		    SYM_TEXT_HEX);
		if (c != 0 && strchr("0123456789abcdefABCDEF", (int)c))
			assert_int_equal(rc, SYM_OK);
		else if (rc != SYM_EFORMAT)
			fail_msg("hex byte %#04x: %d, want SYM_EFORMAT", c, rc);
	}
	assert_int_equal(accepted, 64);
}

static void
test_unknown_format(void **state)
{
	uint8_t out[4];
	size_t out_len = 5;

	(void)state;
	assert_int_equal(sym_codec_decode(out, sizeof out, &out_len, "00", 2,
	    (enum sym_text_format)7), SYM_EUSAGE);
	assert_int_equal(out_len, 0);
}

/* A 33-byte Vault share (32-byte key + x) whose base64 form holds
 * characters that are not hex digits. */
static const uint8_t vault_share[33] = {
	0xfb, 0x3e, 0x7f, 0x00, 0x9a, 0x51, 0xc2, 0x88, 0x14, 0x6d, 0xee,
	0x23, 0xb0, 0x47, 0x19, 0xfa, 0x5c, 0x02, 0x8e, 0xd1, 0x36, 0x7b,
	0xa4, 0xcf, 0x60, 0x95, 0x0b, 0xe8, 0x2f, 0x73, 0xbd, 0x41, 0x03,
};

static void
test_vault_accepts_hex_and_base64(void **state)
{
	char hex[67], b64[45];
	uint8_t out[64];
	size_t out_len;

	(void)state;
	assert_int_equal(sym_codec_encode(hex, sizeof hex, vault_share, 33,
	    SYM_TEXT_HEX), SYM_OK);
	assert_int_equal(sym_codec_encode(b64, sizeof b64, vault_share, 33,
	    SYM_TEXT_BASE64), SYM_OK);
	assert_string_equal(b64, "+z5/AJpRwogUbe4jsEcZ+lwCjtE2e6TPYJUL6C9zvUED");
	assert_true(strspn(b64, "0123456789abcdefABCDEF") < strlen(b64));

	memset(out, 0, sizeof out);
	assert_int_equal(decode_str(out, sizeof out, &out_len, hex,
	    SYM_TEXT_VAULT), SYM_OK);
	assert_int_equal(out_len, 33);
	assert_memory_equal(out, vault_share, 33);

	memset(out, 0, sizeof out);
	assert_int_equal(decode_str(out, sizeof out, &out_len, b64,
	    SYM_TEXT_VAULT), SYM_OK);
	assert_int_equal(out_len, 33);
	assert_memory_equal(out, vault_share, 33);

	/* The bounds: 16 and 33 bytes are taken as hex. */
	hex[32] = 0;
	assert_int_equal(decode_str(out, sizeof out, &out_len, hex,
	    SYM_TEXT_VAULT), SYM_OK);
	assert_int_equal(out_len, 16);
	assert_memory_equal(out, vault_share, 16);
}

static void
test_vault_rule_outside_hex_lengths(void **state)
{
	char hex[80], b64[80];
	uint8_t big[34], out[64], want[64];
	size_t out_len, want_len;

	(void)state;
	for (unsigned i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(0x11 * (i % 15) + i);

	/* 15 bytes of hex (30 characters) are outside 16..33, so the text
	 * must be base64, and 30 characters are not valid base64. */
	assert_int_equal(sym_codec_encode(hex, sizeof hex, big, 15,
	    SYM_TEXT_HEX), SYM_OK);
	assert_int_equal(strlen(hex), 30);
	expect_refused(hex, SYM_TEXT_VAULT, 64, SYM_EFORMAT);
	/* The same text is fine as explicit hex. */
	assert_int_equal(decode_str(out, sizeof out, &out_len, hex,
	    SYM_TEXT_HEX), SYM_OK);
	assert_int_equal(out_len, 15);

	/* 12 bytes of hex (24 characters) are valid base64 too: Vault reads
	 * them as base64, giving 18 different bytes. */
	assert_int_equal(sym_codec_encode(hex, sizeof hex, big, 12,
	    SYM_TEXT_HEX), SYM_OK);
	assert_int_equal(decode_str(out, sizeof out, &out_len, hex,
	    SYM_TEXT_VAULT), SYM_OK);
	assert_int_equal(out_len, 18);
	assert_int_equal(decode_str(want, sizeof want, &want_len, hex,
	    SYM_TEXT_BASE64), SYM_OK);
	assert_int_equal(want_len, 18);
	assert_memory_equal(out, want, 18);

	/* 34 bytes of hex (68 characters): also read as base64 (51 bytes). */
	assert_int_equal(sym_codec_encode(hex, sizeof hex, big, 34,
	    SYM_TEXT_HEX), SYM_OK);
	assert_int_equal(decode_str(out, sizeof out, &out_len, hex,
	    SYM_TEXT_VAULT), SYM_OK);
	assert_int_equal(out_len, 51);
	assert_int_equal(decode_str(want, sizeof want, &want_len, hex,
	    SYM_TEXT_BASE64), SYM_OK);
	assert_memory_equal(out, want, 51);

	/* A 16-byte value in base64 is still found when its text is not
	 * hex. */
	assert_int_equal(sym_codec_encode(b64, sizeof b64, vault_share, 16,
	    SYM_TEXT_BASE64), SYM_OK);
	assert_int_equal(decode_str(out, sizeof out, &out_len, b64,
	    SYM_TEXT_VAULT), SYM_OK);
	assert_int_equal(out_len, 16);
	assert_memory_equal(out, vault_share, 16);

	/* Neither hex nor base64. */
	expect_refused("not a key!", SYM_TEXT_VAULT, 64, SYM_EFORMAT);
}

static void
test_vault_rule_prefers_hex(void **state)
{
	/* 32 hex digits are also 32 valid base64 characters; Vault's rule
	 * takes hex first, which gives 16 bytes (base64 would give 24). */
	static const char text[] = "00112233445566778899aabbccddeeff";
	static const uint8_t want[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
	    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	uint8_t out[64];
	size_t out_len;

	(void)state;
	assert_int_equal(decode_str(out, sizeof out, &out_len, text,
	    SYM_TEXT_BASE64), SYM_OK);
	assert_int_equal(out_len, 24);
	assert_int_equal(decode_str(out, sizeof out, &out_len, text,
	    SYM_TEXT_VAULT), SYM_OK);
	assert_int_equal(out_len, 16);
	assert_memory_equal(out, want, 16);
}

/* ---- lines ---- */

struct line {
	const char *text;
	unsigned lineno;
};

static void
expect_lines(const char *text, size_t len, const struct line *want,
    size_t n)
{
	char *copy = malloc(len ? len : 1);
	const char *cursor, *end, *line = NULL;
	size_t line_len = 0, got = 0;
	unsigned lineno = 0;

	assert_non_null(copy);
	memcpy(copy, text, len);
	cursor = copy;
	end = copy + len;
	while (sym_text_next_line(&cursor, end, &line, &line_len, &lineno)) {
		if (got >= n)
			fail_msg("extra line %u: \"%.*s\"", lineno,
			    (int)line_len, line);
		assert_int_equal(line_len, strlen(want[got].text));
		assert_memory_equal(line, want[got].text, line_len);
		assert_int_equal(lineno, want[got].lineno);
		assert_true(line >= copy && line + line_len <= end);
		got++;
	}
	assert_int_equal(got, n);
	assert_ptr_equal(cursor, end);
	/* At the end it keeps saying so. */
	assert_int_equal(sym_text_next_line(&cursor, end, &line, &line_len,
	    &lineno), 0);
	free(copy);
}

#define LINES(text, ...) do { \
	static const struct line want_[] = { __VA_ARGS__ }; \
	expect_lines(text, sizeof(text) - 1, want_, COUNT(want_)); \
} while (0)

static void
test_next_line(void **state)
{
	(void)state;
	LINES("one\ntwo\n", { "one", 1 }, { "two", 2 });
	/* CRLF line ends. */
	LINES("one\r\ntwo\r\n", { "one", 1 }, { "two", 2 });
	/* No final newline. */
	LINES("one\ntwo", { "one", 1 }, { "two", 2 });
	/* Blank lines are skipped but counted; so are lines of blanks. */
	LINES("\n\none\n\n \t\r\n\r\ntwo\n\n", { "one", 3 }, { "two", 7 });
	/* Leading and trailing spaces and tabs go; inner ones stay. */
	LINES("  one \t\n\t two words  \r\n", { "one", 1 },
	    { "two words", 2 });
	/* A lone CR in the middle of a line is not a line end. */
	LINES("a\rb\n", { "a\rb", 1 });
	LINES("x", { "x", 1 });
}

static void
test_next_line_nothing(void **state)
{
	static const char *const empties[] = { "", "\n", "\r\n", "  \t \n\n" };
	const char *line = NULL;
	size_t line_len = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(empties); i++) {
		const char *cursor = empties[i];
		const char *end = cursor + strlen(cursor);
		unsigned lineno = 0;

		assert_int_equal(sym_text_next_line(&cursor, end, &line,
		    &line_len, &lineno), 0);
		assert_ptr_equal(cursor, end);
	}
}

static void
test_next_line_counts_physical_lines(void **state)
{
	static const char text[] = "\n\n\nkey\n\n";
	const char *cursor = text, *end = text + sizeof text - 1, *line;
	size_t line_len;
	unsigned lineno = 10;

	(void)state;
	/* lineno is a running count: the caller's start value is kept. */
	assert_int_equal(sym_text_next_line(&cursor, end, &line, &line_len,
	    &lineno), 1);
	assert_int_equal(lineno, 14);
	assert_int_equal(sym_text_next_line(&cursor, end, &line, &line_len,
	    &lineno), 0);
	assert_int_equal(lineno, 15);
}

/* Our block-wise base64 against libsodium's (an implementation we did not
 * write): every length 0..400 of random bytes encodes identically and
 * decodes back; random 4-character groups (valid and not) are accepted
 * or refused exactly as libsodium does, with the same bytes. */
static void
base64_matches_libsodium(void)
{
	static uint8_t in[400], back[400];
	static char ours[600], theirs[600];

	for (size_t len = 0; len <= sizeof in; len++) {
		size_t n = 0;

		randombytes_buf(in, len);
		assert_int_equal(sym_codec_encode(ours, sizeof ours, in, len,
		    SYM_TEXT_BASE64), SYM_OK);
		sodium_bin2base64(theirs, sizeof theirs, in, len,
		    sodium_base64_VARIANT_ORIGINAL);
		assert_string_equal(ours, theirs);
		if (len == 0)
			continue;
		assert_int_equal(sym_codec_decode(back, sizeof back, &n, ours,
		    strlen(ours), SYM_TEXT_BASE64), SYM_OK);
		assert_int_equal(n, len);
		assert_memory_equal(back, in, len);
	}
	for (unsigned round = 0; round < 200000; round++) {
		static const char pool[] = "ABCXYZabcxyz0189+/=-_ .\x80\xff";
		char text[8];
		uint8_t a[8], b[8];
		size_t an = 0, bn = 0;
		const char *end = NULL;
		uint32_t r = randombytes_random();
		size_t len = (round & 1) ? 8 : 4;
		int ra, rb;

		for (size_t i = 0; i < len; i++)
			text[i] = pool[randombytes_uniform(sizeof pool - 1)];
		(void)r;
		ra = sym_codec_decode(a, sizeof a, &an, text, len,
		    SYM_TEXT_BASE64);
		rb = sodium_base642bin(b, sizeof b, text, len, NULL, &bn, &end,
		    sodium_base64_VARIANT_ORIGINAL) == 0 && end == text + len;
		/* libsodium 1.0.18 maps bytes >= 0x80 to digits; we refuse
		 * them (test_base64_refuses_every_non_alphabet_byte). */
		if (memchr(text, 0x80, len) || memchr(text, 0xff, len)) {
			assert_int_equal(ra, SYM_EFORMAT);
			continue;
		}
		if (rb != (ra == SYM_OK))
			fail_msg("\"%.*s\": ours %d, libsodium %s", (int)len, text,
			    ra, rb ? "accepts" : "refuses");
		if (rb) {
			assert_int_equal(an, bn);
			assert_memory_equal(a, b, an);
		}
	}
	/* Long random texts with one bad character anywhere: refused by
	 * the vector blocks as by the scalar groups. */
	for (unsigned round = 0; round < 2000; round++) {
		static const char bad_chars[] = "=-_ .\n\x80\xff*";
		size_t len = 3 * (20 + randombytes_uniform(100));
		size_t tlen = (len + 2) / 3 * 4, n = 0, pos;

		randombytes_buf(in, len);
		assert_int_equal(sym_codec_encode(ours, sizeof ours, in, len,
		    SYM_TEXT_BASE64), SYM_OK);
		pos = randombytes_uniform((uint32_t)tlen);
		ours[pos] = bad_chars[randombytes_uniform(sizeof bad_chars - 1)];
		/* '=' at the very end may be valid padding of a shorter text. */
		if (ours[pos] == '=' && pos + 2 >= tlen)
			ours[pos] = '*';
		assert_int_equal(sym_codec_decode(back, sizeof back, &n, ours,
		    tlen, SYM_TEXT_BASE64), SYM_EFORMAT);
		assert_int_equal(n, 0);
	}
}

static void
test_base64_matches_libsodium(void **state)
{
	(void)state;
	/* Once with the AVX2 blocks (where the CPU has them), once scalar. */
	sym_codec_use_vector(1);
	base64_matches_libsodium();
	sym_codec_use_vector(0);
	base64_matches_libsodium();
	sym_codec_use_vector(1);
}

static void
test_time_and_name(void **state)
{
	char out[SYM_TIME_TEXT_BYTES];
	char long_name[300];

	(void)state;
	assert_string_equal(sym_time_text(out, 0), "1970-01-01T00:00:00Z");
	assert_string_equal(sym_time_text(out, 1764780000),
	    "2025-12-03T16:40:00Z");
	/* Beyond any calendar gmtime knows: the number itself. */
	assert_string_equal(sym_time_text(out, UINT64_MAX),
	    "18446744073709551615");
	assert_int_equal(sym_text_check_name("ann", 64), SYM_OK);
	assert_int_equal(sym_text_check_name("", 64), SYM_EUSAGE);
	assert_int_equal(sym_text_check_name("a\tb", 64), SYM_EUSAGE);
	assert_int_equal(sym_text_check_name("a\x7f", 64), SYM_EUSAGE);
	memset(long_name, 'x', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_int_equal(sym_text_check_name(long_name, 299), SYM_OK);
	assert_int_equal(sym_text_check_name(long_name, 298), SYM_EUSAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoded_len),
		cmocka_unit_test(test_rfc4648_encode),
		cmocka_unit_test(test_rfc4648_decode),
		cmocka_unit_test(test_base64_matches_libsodium),
		cmocka_unit_test(test_time_and_name),
		cmocka_unit_test(test_empty_text_is_refused),
		cmocka_unit_test(test_hex_all_bytes),
		cmocka_unit_test(test_hex_refusals),
		cmocka_unit_test(test_base64_refusals),
		cmocka_unit_test(test_base64_refuses_every_non_alphabet_byte),
		cmocka_unit_test(test_unknown_format),
		cmocka_unit_test(test_vault_accepts_hex_and_base64),
		cmocka_unit_test(test_vault_rule_outside_hex_lengths),
		cmocka_unit_test(test_vault_rule_prefers_hex),
		cmocka_unit_test(test_next_line),
		cmocka_unit_test(test_next_line_nothing),
		cmocka_unit_test(test_next_line_counts_physical_lines),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
