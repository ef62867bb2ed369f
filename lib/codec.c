#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "symbolon/codec.h"

#include "base64_kernels.h"

/* ---------------------------------------------------------------- */
/* Base64 (standard alphabet, padded) in constant time, a group of three
 * bytes at a time.  libsodium's codec is constant time too but moves one
 * bit-accumulator step per character through a function call (about
 * 120 MB/s here); share bytes are secret, so the arithmetic stays
 * branch-free and table-free, only written for whole groups. */

/* 0xFF..FF if a < b else 0, for a, b < 2^16 (no branch). */
static inline uint32_t
lt_mask(uint32_t a, uint32_t b)
{
	return 0u - ((a - b) >> 31);
}

static inline char
b64_digit(uint32_t v)
{
	/* 0..25 'A'.., 26..51 'a'.., 52..61 '0'.., 62 '+', 63 '/'. */
	uint32_t c = v + 'A';

	c += lt_mask(25, v) & 6u;		/* v >= 26: 'a' - 26 - 'A' */
	c -= lt_mask(51, v) & 75u;		/* v >= 52: '0' - 52 ... */
	c -= lt_mask(61, v) & 15u;		/* v >= 62: '+' - 62 ... */
	c += lt_mask(62, v) & 3u;		/* v == 63: '/' */
	return (char)c;
}

/* The value of a base64 digit, or 0x100 set for anything else. */
static inline uint32_t
b64_value(uint32_t c)
{
	uint32_t upper = lt_mask(c, 'A') ^ lt_mask(c, 'Z' + 1u);
	uint32_t lower = lt_mask(c, 'a') ^ lt_mask(c, 'z' + 1u);
	uint32_t digit = lt_mask(c, '0') ^ lt_mask(c, '9' + 1u);
	uint32_t plus = lt_mask(c ^ '+', 1);
	uint32_t slash = lt_mask(c ^ '/', 1);
	uint32_t any = upper | lower | digit | plus | slash;

	return ((upper & (c - 'A')) | (lower & (c - 'a' + 26u)) |
	    (digit & (c - '0' + 52u)) | (plus & 62u) | (slash & 63u) |
	    (~any & 0x100u)) & 0x1ffu;
}

/* Whether the AVX2 kernels run here: chosen once; 0 forces scalar. */
static int base64_vector = -1;

void
sym_codec_use_vector(int on)
{
	base64_vector = on ? sym_base64_avx2_supported() : 0;
}

static int
vector(void)
{
	if (base64_vector < 0)
		base64_vector = sym_base64_avx2_supported();
	return base64_vector;
}

static void
base64_encode(char *out, const uint8_t *in, size_t len)
{
	size_t i = 0;

	if (vector()) {
		i = sym_base64_avx2_encode(out, in, len);
		out += i / 3 * 4;
	}

	for (; i + 3 <= len; i += 3, out += 4) {
		uint32_t g = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];

		out[0] = b64_digit(g >> 18);
		out[1] = b64_digit((g >> 12) & 63u);
		out[2] = b64_digit((g >> 6) & 63u);
		out[3] = b64_digit(g & 63u);
	}
	if (len - i == 1) {
		uint32_t g = (uint32_t)in[i] << 16;

		out[0] = b64_digit(g >> 18);
		out[1] = b64_digit((g >> 12) & 63u);
		out[2] = out[3] = '=';
		out += 4;
	} else if (len - i == 2) {
		uint32_t g = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		out[0] = b64_digit(g >> 18);
		out[1] = b64_digit((g >> 12) & 63u);
		out[2] = b64_digit((g >> 6) & 63u);
		out[3] = '=';
		out += 4;
	}
	*out = '\0';
}

/* Decodes len characters (a multiple of 4, padding already counted and
 * public) into out; SYM_EFORMAT if any is not a digit, found without a
 * branch on the secret characters, and non-canonical trailing bits (as
 * libsodium refuses them) likewise. */
static int
base64_decode(uint8_t *out, size_t cap, const char *text, size_t len,
    size_t padding)
{
	const unsigned char *t = (const unsigned char *)text;
	uint32_t bad = 0;
	size_t groups = len / 4, full = padding ? groups - 1 : groups;
	size_t o = 0, g = 0;

	if (vector()) {
		uint32_t vbad = 0;
		size_t used = sym_base64_avx2_decode(out, cap, text, full * 4,
		    &vbad);

		/* Any bit of vbad marks a bad character: fold to bit 8. */
		bad |= ((vbad | (0u - vbad)) >> 31) << 8;
		g = used / 4;
		t += used;
		o = g * 3;
	}
	for (; g < full; g++, t += 4, o += 3) {
		uint32_t a = b64_value(t[0]), b = b64_value(t[1]);
		uint32_t c = b64_value(t[2]), d = b64_value(t[3]);
		uint32_t v = a << 18 | b << 12 | c << 6 | d;

		bad |= a | b | c | d;
		out[o] = (uint8_t)(v >> 16);
		out[o + 1] = (uint8_t)(v >> 8);
		out[o + 2] = (uint8_t)v;
	}
	if (padding) {
		uint32_t a = b64_value(t[0]), b = b64_value(t[1]);
		uint32_t c = padding == 1 ? b64_value(t[2]) : 0;
		uint32_t v = a << 18 | b << 12 | c << 6;

		bad |= a | b | c;
		/* The bits after the last byte must be zero. */
		bad |= (padding == 1 ? (v & 0xffu) : (v & 0xffffu)) << 8;
		out[o] = (uint8_t)(v >> 16);
		if (padding == 1)
			out[o + 1] = (uint8_t)(v >> 8);
	}
	/* The verdict without a branch: 0, or SYM_EFORMAT. */
	bad >>= 8;
	return SYM_EFORMAT * (int)((bad | (0u - bad)) >> 31);
}

size_t
sym_codec_encoded_len(size_t len, enum sym_text_format format)
{
	if (format == SYM_TEXT_HEX)
		return len * 2 + 1;
	return sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
}

int
sym_codec_encode(char *out, size_t cap, const uint8_t *in, size_t len,
    enum sym_text_format format)
{
	if (format == SYM_TEXT_VAULT)
		format = SYM_TEXT_BASE64;
	if (cap < sym_codec_encoded_len(len, format))
		return SYM_ETOOBIG;
	if (format == SYM_TEXT_HEX)
		sodium_bin2hex(out, cap, in, len);
	else
		base64_encode(out, in, len);
	return SYM_OK;
}

static int
decode_hex(uint8_t *out, size_t cap, size_t *out_len, const char *text,
    size_t text_len)
{
	const char *end = NULL;

	if (text_len == 0 || text_len % 2 != 0)
		return SYM_EFORMAT;
	if (text_len / 2 > cap)
		return SYM_ETOOBIG;
	if (sodium_hex2bin(out, cap, text, text_len, NULL, out_len, &end) != 0
	    || end != text + text_len)
		return SYM_EFORMAT;
	return SYM_OK;
}

static int
decode_base64(uint8_t *out, size_t cap, size_t *out_len, const char *text,
    size_t text_len)
{
	size_t padding, n;
	uint8_t keep;
	int rc;

	*out_len = 0;
	if (text_len == 0 || text_len % 4 != 0) {
		sodium_memzero(out, cap);
		return SYM_EFORMAT;
	}
	/* The padding (public: it follows from the length) says exactly how
	 * many bytes come out, so an output one or two bytes too small is
	 * SYM_ETOOBIG, not a decoding failure. */
	padding = (size_t)(text[text_len - 1] == '=') +
	    (size_t)(text[text_len - 2] == '=');
	n = text_len / 4 * 3 - padding;
	if (n > cap) {
		sodium_memzero(out, cap);
		return SYM_ETOOBIG;
	}
	rc = base64_decode(out, cap, text, text_len, padding);
	/* A refusal wipes the whole output without branching on it: which
	 * character was wrong stays as secret as the rest. */
	keep = (uint8_t)(0u - (unsigned)(rc + 1));	/* 0xFF ok, 0 refused */
	for (size_t i = 0; i < cap; i++)
		out[i] &= keep;
	*out_len = n & (size_t)(0u - (size_t)(keep & 1u));
	return rc;
}

int
sym_codec_decode(uint8_t *out, size_t cap, size_t *out_len, const char *text,
    size_t text_len, enum sym_text_format format)
{
	int rc;

	*out_len = 0;
	switch (format) {
	case SYM_TEXT_HEX:
		rc = decode_hex(out, cap, out_len, text, text_len);
		break;
	case SYM_TEXT_BASE64:
		/* Wipes by itself on failure, in constant time. */
		return decode_base64(out, cap, out_len, text, text_len);
	case SYM_TEXT_VAULT:
		rc = decode_hex(out, cap, out_len, text, text_len);
		if (rc == SYM_OK && *out_len >= SYM_VAULT_KEY_MIN_BYTES &&
		    *out_len <= SYM_VAULT_KEY_MAX_BYTES)
			break;
		sodium_memzero(out, cap);
		rc = decode_base64(out, cap, out_len, text, text_len);
		break;
	default:
		return SYM_EUSAGE;
	}
	if (rc != SYM_OK) {
		sodium_memzero(out, cap);
		*out_len = 0;
	}
	return rc;
}

const char *
sym_time_text(char out[static SYM_TIME_TEXT_BYTES], uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	/* Above INT64_MAX the cast would wrap to a time before 1970. */
	if (t > (uint64_t)INT64_MAX || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, SYM_TIME_TEXT_BYTES, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, SYM_TIME_TEXT_BYTES, "%llu", (unsigned long long)t);
	return out;
}

int
sym_text_check_name(const char *name, size_t max)
{
	size_t len = strlen(name);

	if (len == 0 || len > max)
		return SYM_EUSAGE;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f)
			return SYM_EUSAGE;
	}
	return SYM_OK;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int
sym_text_next_line(const char **cursor, const char *end, const char **line,
    size_t *line_len, unsigned *lineno)
{
	while (*cursor < end) {
		const char *start = *cursor;
		const char *stop = memchr(start, '\n', (size_t)(end - start));
		const char *next = stop ? stop + 1 : end;

		if (stop == NULL)
			stop = end;
		*cursor = next;
		(*lineno)++;
		while (start < stop && is_blank(*start))
			start++;
		while (stop > start && is_blank(stop[-1]))
			stop--;
		if (stop > start) {
			*line = start;
			*line_len = (size_t)(stop - start);
			return 1;
		}
	}
	return 0;
}
