/*
 * libFuzzer target for the base45 decoder (RFC 9285).
 *
 * As text: whatever decodes must re-encode to exactly the same text (base45
 * has one encoding per byte string); whatever is refused must be refused at
 * an offset inside the text, with every group before that offset's group
 * decoding, and with no output left behind.  As bytes: encoding and
 * decoding back gives the bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/base45.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *text, size_t size)
{
	size_t cap = sym_base45_decoded_len(size);
	uint8_t *out = malloc(cap + 1);
	char *again = malloc(size + 1);
	size_t out_len = 1, offset = (size_t)-1, again_offset, prefix_len;
	int rc;

	if (out == NULL || again == NULL)
		abort();
	rc = sym_base45_decode(out, cap, &out_len, text, size, &offset);
	if (rc == SYM_OK) {
		if (out_len != cap || size % 3 == 1)
			abort();
		if (sym_base45_encode(again, size + 1, out, out_len) != SYM_OK)
			abort();
		if (strlen(again) != size || memcmp(again, text, size) != 0)
			abort();
	} else if (rc == SYM_EFORMAT) {
		if (out_len != 0 || offset >= size)
			abort();
		for (size_t i = 0; i < cap; i++)
			if (out[i] != 0)
				abort();
		/* The groups before the bad one are good. */
		prefix_len = offset / 3 * 3;
		if (sym_base45_decode(out, cap, &out_len, text, prefix_len,
		    NULL) != SYM_OK || out_len != prefix_len / 3 * 2)
			abort();
		/* And the text cut after the bad group fails at the same
		 * offset. */
		again_offset = (size_t)-1;
		if (sym_base45_decode(out, cap, &out_len, text,
		    prefix_len + 3 < size ? prefix_len + 3 : size,
		    &again_offset) != SYM_EFORMAT || again_offset != offset)
			abort();
	} else {
		abort();
	}
	free(out);
	free(again);
}

static void
check_bytes(const uint8_t *data, size_t size)
{
	size_t text_cap = sym_base45_encoded_len(size) + 1;
	char *text = malloc(text_cap);
	uint8_t *back = malloc(size + 1);
	size_t back_len = 0;

	if (text == NULL || back == NULL)
		abort();
	if (sym_base45_encode(text, text_cap, data, size) != SYM_OK ||
	    strlen(text) != text_cap - 1)
		abort();
	if (sym_base45_decode(back, size, &back_len, text, text_cap - 1,
	    NULL) != SYM_OK || back_len != size ||
	    memcmp(back, data, size) != 0)
		abort();
	free(text);
	free(back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libFuzzer's data is exactly size bytes, so ASan sees any read
	 * past the end. */
	check_text((const char *)data, size);
	check_bytes(data, size);
	return 0;
}
