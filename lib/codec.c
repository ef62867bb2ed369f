#include <string.h>

#include <sodium.h>

#include "symbolon/codec.h"

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
		sodium_bin2base64(out, cap, in, len,
		    sodium_base64_VARIANT_ORIGINAL);
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
	const char *end = NULL;
	size_t padding;
	unsigned high = 0;

	if (text_len == 0 || text_len % 4 != 0)
		return SYM_EFORMAT;
	/* libsodium 1.0.18 reads each character as a signed char and maps
	 * every byte 0x80..0xFF to a base64 digit; refuse them first, without
	 * a branch per (secret) character. */
	for (size_t i = 0; i < text_len; i++)
		high |= (unsigned char)text[i];
	if (high & 0x80u)
		return SYM_EFORMAT;
	/* The padding (public: it follows from the length) says exactly how
	 * many bytes come out, so an output one or two bytes too small is
	 * SYM_ETOOBIG, not a decoding failure. */
	padding = (size_t)(text[text_len - 1] == '=') +
	    (size_t)(text[text_len - 2] == '=');
	if (text_len / 4 * 3 - padding > cap)
		return SYM_ETOOBIG;
	if (sodium_base642bin(out, cap, text, text_len, NULL, out_len, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || end != text + text_len)
		return SYM_EFORMAT;
	return SYM_OK;
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
		rc = decode_base64(out, cap, out_len, text, text_len);
		break;
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
