#include <string.h>

#include "symbolon/base45.h"
#include "symbolon/bundle_text.h"
#include "symbolon/secmem.h"

#define PREFIX_LEN (sizeof SYM_BUNDLE_TEXT_PREFIX - 1)
#define COSE_SIGN1_TAG_BYTE 0xd2u

int
sym_bundle_armor(char **text, size_t *text_len, const uint8_t *bytes,
    size_t len)
{
	size_t body = sym_base45_encoded_len(len);
	size_t cap = PREFIX_LEN + body + 1;
	int rc;

	*text = sym_secmem_alloc(cap);
	if (*text == NULL)
		return SYM_ENOMEM;
	memcpy(*text, SYM_BUNDLE_TEXT_PREFIX, PREFIX_LEN);
	rc = sym_base45_encode(*text + PREFIX_LEN, cap - PREFIX_LEN, bytes, len);
	if (rc != SYM_OK) {
		sym_secmem_free(*text);
		*text = NULL;
		return rc;
	}
	*text_len = PREFIX_LEN + body;
	return SYM_OK;
}

static int
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t
sym_bundle_text_trim(const uint8_t **text, size_t *len)
{
	size_t lead = 0;

	while (*len > 0 && is_space((*text)[0])) {
		(*text)++;
		(*len)--;
		lead++;
	}
	while (*len > 0 && is_space((*text)[*len - 1]))
		(*len)--;
	return lead;
}

int
sym_bundle_sniff(const uint8_t *input, size_t input_len)
{
	if (input_len > 0 && input[0] == COSE_SIGN1_TAG_BYTE)
		return 1;
	(void)sym_bundle_text_trim(&input, &input_len);
	return input_len >= PREFIX_LEN &&
	    memcmp(input, SYM_BUNDLE_TEXT_PREFIX, PREFIX_LEN) == 0;
}

int
sym_bundle_decode(uint8_t **bytes, size_t *len, const uint8_t *input,
    size_t input_len, size_t *error_offset)
{
	size_t ignored, cap, leading;
	const uint8_t *text = input;
	int rc;

	if (error_offset == NULL)
		error_offset = &ignored;
	*error_offset = 0;
	*bytes = NULL;
	*len = 0;
	/* Binary bundles are taken as they are: trailing bytes are an error
	 * for the parser to name, not white space to forgive. */
	if (input_len > 0 && input[0] == COSE_SIGN1_TAG_BYTE) {
		if (input_len > SYM_BUNDLE_MAX_BYTES)
			return SYM_ETOOBIG;
		*bytes = sym_secmem_alloc(input_len);
		if (*bytes == NULL)
			return SYM_ENOMEM;
		memcpy(*bytes, input, input_len);
		*len = input_len;
		return SYM_OK;
	}
	(void)sym_bundle_text_trim(&text, &input_len);
	leading = (size_t)(text - input);
	if (input_len < PREFIX_LEN ||
	    memcmp(text, SYM_BUNDLE_TEXT_PREFIX, PREFIX_LEN) != 0)
		return SYM_ENOTBUNDLE;
	text += PREFIX_LEN;
	input_len -= PREFIX_LEN;
	cap = sym_base45_decoded_len(input_len);
	if (cap > SYM_BUNDLE_MAX_BYTES)
		return SYM_ETOOBIG;
	*bytes = sym_secmem_alloc(cap);
	if (*bytes == NULL)
		return SYM_ENOMEM;
	rc = sym_base45_decode(*bytes, cap, len, (const char *)text, input_len,
	    error_offset);
	if (rc != SYM_OK) {
		*error_offset += leading + PREFIX_LEN;
		sym_secmem_free(*bytes);
		*bytes = NULL;
		*len = 0;
		return rc;
	}
	if (*len == 0) {
		sym_secmem_free(*bytes);
		*bytes = NULL;
		return SYM_ETRUNCATED;
	}
	return SYM_OK;
}
