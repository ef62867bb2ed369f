/* Base64 (Vault's share text) of secret bytes, encode and decode, with
 * every byte marked undefined; run under valgrind memcheck by run.sh. */
#include <stdio.h>
#include <string.h>

#include "symbolon/codec.h"

#include "ct_common.h"

int
main(void)
{
	uint8_t secret[100], back[100];
	char text[200];
	size_t n = 0;
	int failures = 0;

	/* The AVX2 blocks (where the CPU has them) and the scalar groups. */
	for (int vec = 1; vec >= 0; vec--)
	for (size_t len = 97; len <= 100; len++) {
		sym_codec_use_vector(vec);
		randombytes_buf(secret, len);
		SECRET(secret, len);
		if (sym_codec_encode(text, sizeof text, secret, len,
		    SYM_TEXT_BASE64) != SYM_OK)
			return 2;
		size_t text_len = (len + 2) / 3 * 4;
		int rc;

		/* The padding follows from the length: public. */
		DECLASSIFY(text + text_len - 2, 2);
		rc = sym_codec_decode(back, sizeof back, &n, text, text_len,
		    SYM_TEXT_BASE64);
		/* The verdict itself is public (accepted or not). */
		DECLASSIFY(&rc, sizeof rc);
		DECLASSIFY(&n, sizeof n);
		if (rc != SYM_OK) {
			printf("FAIL decode of %zu bytes\n", len);
			failures++;
			continue;
		}
		DECLASSIFY(back, len);
		DECLASSIFY(secret, len);
		printf("%s base64 round trip of %zu secret bytes (%s)\n",
		    n == len && memcmp(back, secret, len) == 0 ? "ok" : "FAIL",
		    len, vec ? "vector" : "scalar");
		failures += n != len || memcmp(back, secret, len) != 0;
	}
	return failures ? 1 : 0;
}
