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

/* A bulk secret: split takes its coefficients from the ChaCha20 stream
 * (random.h) and runs the kernels over whole blocks, tails included. */
#define BULK_BYTES (3 * 4096 + 77)

static int
bulk_split_combine(void)
{
	static uint8_t secret[BULK_BYTES], recovered[BULK_BYTES];
	static uint8_t share_bytes[SHARES][BULK_BYTES + 1];
	uint8_t *shares[SHARES];
	const uint8_t *pick[THRESHOLD];
	size_t lens[THRESHOLD];
	int same;

	/* The system CSPRNG, not the test source: the stream path. */
	sym_random_set_source(NULL, NULL);
	randombytes_buf_deterministic(secret, sizeof secret,
	    (const unsigned char[randombytes_SEEDBYTES]){ 2 });
	SECRET(secret, sizeof secret);
	for (int i = 0; i < SHARES; i++)
		shares[i] = share_bytes[i];
	if (sym_shamir_split(shares, SHARES, THRESHOLD, secret,
	    sizeof secret) != SYM_OK)
		return 0;
	for (int i = 0; i < THRESHOLD; i++) {
		pick[i] = share_bytes[SHARES - 1 - i];
		lens[i] = BULK_BYTES + 1;
		DECLASSIFY(&share_bytes[SHARES - 1 - i][BULK_BYTES], 1);
		SECRET(share_bytes[SHARES - 1 - i], BULK_BYTES);
	}
	if (sym_shamir_combine(recovered, pick, lens, THRESHOLD) != SYM_OK)
		return 0;
	DECLASSIFY(recovered, sizeof recovered);
	DECLASSIFY(secret, sizeof secret);
	same = memcmp(recovered, secret, sizeof secret) == 0;
	sym_random_set_source(ct_random_source, NULL);
	return same;
}

int
main(int argc, char **argv)
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
	/* ct_shamir [KERNEL]: the bulk operations through that kernel. */
	if (argc > 1) {
		int k = sym_gf256_kernel_parse(argv[1]);

		if (k < 0 || sym_gf256_use_kernel((enum sym_gf256_kernel)k) !=
		    SYM_OK) {
			printf("SKIP kernel %s: not supported here\n", argv[1]);
			return 77;
		}
	}
	printf("kernel %s\n", sym_gf256_kernel_name(sym_gf256_kernel_active()));
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

	{
		int ok = bulk_split_combine();

		printf("%s bulk split and combine (%d bytes, stream coefficients)\n",
		    ok ? "ok" : "FAIL", BULK_BYTES);
		failures += !ok;
	}
	return failures ? 1 : 0;
}
