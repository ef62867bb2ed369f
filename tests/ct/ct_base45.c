/* base45 with every data byte and symbol marked undefined; run under
 * valgrind memcheck, any secret-dependent branch or address is an error.
 * argv[1] picks the half: "valid" encodes secret bytes and decodes secret
 * text; "invalid" decodes secret text that must be refused, so that
 * detecting a bad symbol (and finding the first) is checked as well. */
#include <stdio.h>
#include <string.h>

#include "symbolon/base45.h"

#include "ct_common.h"

#define MAX_BYTES 97
#define MAX_TEXT (MAX_BYTES / 2 * 3 + 2 + 1)

static int
round_trip(const uint8_t *bytes, size_t len, const char *expect)
{
	uint8_t secret[MAX_BYTES], back[MAX_BYTES];
	char text[MAX_TEXT];
	size_t back_len = 0, text_len;
	int rc, ok;

	memcpy(secret, bytes, len);
	SECRET(secret, len);
	rc = sym_base45_encode(text, sizeof text, secret, len);
	DECLASSIFY(&rc, sizeof rc);
	if (rc != SYM_OK)
		return 0;
	text_len = sym_base45_encoded_len(len);

	/* The text is as secret as the bytes: decode it as such. */
	rc = sym_base45_decode(back, sizeof back, &back_len, text, text_len,
	    NULL);
	DECLASSIFY(&rc, sizeof rc);
	DECLASSIFY(&back_len, sizeof back_len);
	DECLASSIFY(back, sizeof back);
	DECLASSIFY(text, sizeof text);
	DECLASSIFY(secret, len);
	ok = rc == SYM_OK && back_len == len && memcmp(back, bytes, len) == 0;
	if (expect != NULL)
		ok = ok && strcmp(text, expect) == 0;
	return ok;
}

static int
refused(const char *text, size_t bad)
{
	char secret[MAX_TEXT];
	uint8_t out[MAX_BYTES];
	size_t len = strlen(text), out_len = 1, offset = 0;
	int rc;

	memcpy(secret, text, len);
	SECRET(secret, len);
	rc = sym_base45_decode(out, sizeof out, &out_len, secret, len, &offset);
	DECLASSIFY(&rc, sizeof rc);
	DECLASSIFY(&out_len, sizeof out_len);
	DECLASSIFY(&offset, sizeof offset);
	DECLASSIFY(out, sizeof out);
	if (rc != SYM_EFORMAT || out_len != 0 || offset != bad) {
		printf("# %s: rc %d, out_len %zu, offset %zu (expected %zu)\n",
		    text, rc, out_len, offset, bad);
		return 0;
	}
	for (size_t i = 0; i < sym_base45_decoded_len(len); i++)
		if (out[i] != 0)
			return 0;
	return 1;
}

static int
valid(void)
{
	uint8_t bytes[MAX_BYTES];
	uint8_t all[256];
	int ok = 1;

	ok &= round_trip((const uint8_t *)"ietf!", 5, "QED8WEX0");
	ok &= round_trip((const uint8_t *)"\xff\xff", 2, "FGW");
	ok &= round_trip((const uint8_t *)"\xff", 1, "U5");
	randombytes_buf_deterministic(bytes, sizeof bytes,
	    (const unsigned char[randombytes_SEEDBYTES]){ 45 });
	ok &= round_trip(bytes, sizeof bytes, NULL);		/* odd */
	ok &= round_trip(bytes, sizeof bytes - 1, NULL);	/* even */
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	for (size_t i = 0; i + MAX_BYTES <= sizeof all; i += MAX_BYTES)
		ok &= round_trip(all + i, MAX_BYTES, NULL);
	ok &= round_trip(all + 194, 62, NULL);
	printf("%s encode and decode secret bytes and text\n",
	    ok ? "ok" : "FAIL");
	return ok;
}

static int
invalid(void)
{
	int ok = 1;

	ok &= refused("QED8wEX0", 4);		/* lower case */
	ok &= refused("BB8#BB8", 3);		/* outside the alphabet */
	ok &= refused("BB8\xff" "BB", 3);
	ok &= refused("BB8:::", 3);		/* triple above 65535 */
	ok &= refused("BB8GGW", 3);		/* 65536 */
	ok &= refused("BB8V5", 3);		/* pair above 255 */
	ok &= refused("BB8BB8Q", 6);		/* dangling symbol */
	ok &= refused("G#W", 1);
	ok &= refused("00a:::", 2);
	printf("%s refuse secret text, at the first bad symbol\n",
	    ok ? "ok" : "FAIL");
	return ok;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "invalid") == 0)
		return invalid() ? 0 : 1;
	return valid() ? 0 : 1;
}
