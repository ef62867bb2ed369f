/* Runs split and combine with every secret byte marked undefined; run under
 * valgrind memcheck, any secret-dependent branch or address is an error. */
#include <stdio.h>
#include <string.h>

#include "symbolon/gf256.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"
#include "symbolon/shareset.h"

#include "ct_common.h"

#define SECRET_BYTES 64
#define SHARES 5
#define THRESHOLD 3

int
main(void)
{
	uint8_t secret[SECRET_BYTES], recovered[SECRET_BYTES];
	uint8_t share_bytes[SHARES][SECRET_BYTES + 1];
	uint8_t *shares[SHARES];
	const uint8_t *pick[THRESHOLD];
	size_t lens[THRESHOLD];
	struct sym_shareset *set = NULL;
	uint8_t a = 0x57, b = 0x83, product, inverse;
	int failures = 0;

	if (sym_secmem_init() != SYM_OK)
		return 2;
	sym_random_set_source(ct_random_source, NULL);

	/* The field operations alone, on secret operands. */
	SECRET(&a, 1);
	SECRET(&b, 1);
	product = sym_gf256_mul(a, b);
	inverse = sym_gf256_inv(product);
	product = sym_gf256_div(product, b);
	DECLASSIFY(&product, 1);
	DECLASSIFY(&inverse, 1);
	printf("%s field operations on secret operands\n",
	    product == 0x57 ? "ok" : "FAIL");
	failures += product != 0x57;

	randombytes_buf_deterministic(secret, sizeof secret,
	    (const unsigned char[randombytes_SEEDBYTES]){ 1 });
	SECRET(secret, sizeof secret);
	for (int i = 0; i < SHARES; i++)
		shares[i] = share_bytes[i];
	if (sym_shamir_split(shares, SHARES, THRESHOLD, secret,
	    sizeof secret) != SYM_OK) {
		printf("FAIL split\n");
		return 1;
	}

	/* Shares 5, 2, 4: the x bytes are public, the y bytes secret. */
	pick[0] = share_bytes[4];
	pick[1] = share_bytes[1];
	pick[2] = share_bytes[3];
	for (int i = 0; i < THRESHOLD; i++) {
		lens[i] = SECRET_BYTES + 1;
		DECLASSIFY(&share_bytes[i][SECRET_BYTES], 1);
	}
	DECLASSIFY(&share_bytes[3][SECRET_BYTES], 1);
	DECLASSIFY(&share_bytes[4][SECRET_BYTES], 1);
	if (sym_shamir_combine(recovered, pick, lens, THRESHOLD) != SYM_OK) {
		printf("FAIL combine\n");
		return 1;
	}
	DECLASSIFY(recovered, sizeof recovered);
	DECLASSIFY(secret, sizeof secret);
	printf("%s split 3-of-5 and combine from shares 5, 2, 4\n",
	    memcmp(recovered, secret, sizeof secret) == 0 ? "ok" : "FAIL");
	failures += memcmp(recovered, secret, sizeof secret) != 0;

	/* The share set (used by combine and unseal) copies and combines. */
	SECRET(secret, sizeof secret);
	for (int i = 0; i < SHARES; i++)
		SECRET(share_bytes[i], SECRET_BYTES);
	if (sym_shareset_new(&set) != SYM_OK)
		return 2;
	for (int i = 0; i < THRESHOLD; i++)
		if (sym_shareset_add(set, pick[i], SECRET_BYTES + 1) != SYM_OK) {
			printf("FAIL shareset add\n");
			return 1;
		}
	memset(recovered, 0, sizeof recovered);
	if (sym_shareset_combine(recovered, set) != SYM_OK) {
		printf("FAIL shareset combine\n");
		return 1;
	}
	sym_shareset_free(set);
	DECLASSIFY(recovered, sizeof recovered);
	DECLASSIFY(secret, sizeof secret);
	printf("%s share set gathers and combines\n",
	    memcmp(recovered, secret, sizeof secret) == 0 ? "ok" : "FAIL");
	failures += memcmp(recovered, secret, sizeof secret) != 0;
	return failures ? 1 : 0;
}
