/*
 * cose_sample: the symbolon side of tests/cli/cose-interop.bats.
 *
 *   cose_sample sign SEED_HEX KID PAYLOAD BUNDLE PUBLIC_KEY
 *	Signs the file PAYLOAD as a COSE_Sign1 with the Ed25519 key from the
 *	32-byte seed SEED_HEX and kid KID (its bytes as given); writes the
 *	bundle and the raw 32-byte public key.
 *   cose_sample verify BUNDLE PUBLIC_KEY
 *	Verifies BUNDLE against the raw public key and prints the payload in
 *	hex.
 *
 * Exit status: 0, 1 if the bundle does not verify, 2 for other errors.
 * A test tool: the seed comes from the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/cbor.h"
#include "symbolon/cose.h"
#include "symbolon/secmem.h"

static int
read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = SYM_CBOR_MAX_INPUT + 1;
	uint8_t *buf;

	if (f == NULL)
		return -1;
	buf = malloc(cap);
	if (buf == NULL) {
		fclose(f);
		return -1;
	}
	*len = fread(buf, 1, cap, f);
	if (ferror(f) || *len == cap) {	/* error, or over the cap */
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	*out = buf;
	return 0;
}

static int
write_file(const char *path, const uint8_t *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return -1;
	if (fwrite(bytes, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int
sign(char **argv)
{
	uint8_t seed[32], pk[SYM_COSE_PUBLICKEY_BYTES];
	uint8_t sk[SYM_COSE_SECRETKEY_BYTES];
	uint8_t *payload = NULL, *bundle = NULL;
	size_t seed_len = 0, payload_len = 0, bundle_len = 0;
	const char *end = NULL;
	int rc, status = 2;

	if (sodium_hex2bin(seed, sizeof seed, argv[2], strlen(argv[2]), NULL,
	    &seed_len, &end) != 0 || seed_len != sizeof seed || *end != '\0') {
		fprintf(stderr, "cose_sample: seed must be 64 hex digits\n");
		return 2;
	}
	if (crypto_sign_seed_keypair(pk, sk, seed) != 0)
		goto out;
	if (read_file(argv[4], &payload, &payload_len) != 0) {
		fprintf(stderr, "cose_sample: %s: cannot read\n", argv[4]);
		goto out;
	}
	bundle = malloc(payload_len + SYM_COSE_OVERHEAD);
	if (bundle == NULL)
		goto out;
	rc = sym_cose_sign1(bundle, payload_len + SYM_COSE_OVERHEAD,
	    &bundle_len, payload, payload_len, (const uint8_t *)argv[3],
	    strlen(argv[3]), sk);
	if (rc != SYM_OK) {
		fprintf(stderr, "cose_sample: %s\n", sym_strerror(rc));
		goto out;
	}
	if (write_file(argv[5], bundle, bundle_len) != 0 ||
	    write_file(argv[6], pk, sizeof pk) != 0) {
		fprintf(stderr, "cose_sample: cannot write output\n");
		goto out;
	}
	status = 0;
out:
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(seed, sizeof seed);
	free(payload);
	free(bundle);
	return status;
}

static int
verify(char **argv)
{
	uint8_t *bundle = NULL, *key = NULL;
	size_t bundle_len = 0, key_len = 0, payload_len = 0, off = 0;
	const uint8_t *payload = NULL;
	int rc, status = 2;

	if (read_file(argv[2], &bundle, &bundle_len) != 0 ||
	    read_file(argv[3], &key, &key_len) != 0) {
		fprintf(stderr, "cose_sample: cannot read input\n");
		goto out;
	}
	if (key_len != SYM_COSE_PUBLICKEY_BYTES) {
		fprintf(stderr, "cose_sample: %s: not a 32-byte key\n", argv[3]);
		goto out;
	}
	rc = sym_cose_verify1(&payload, &payload_len, bundle, bundle_len, key,
	    &off);
	if (rc != SYM_OK) {
		fprintf(stderr, "cose_sample: %s: %s at byte %zu\n", argv[2],
		    sym_strerror(rc), off);
		status = sym_exit_status(rc);
		goto out;
	}
	for (size_t i = 0; i < payload_len; i++)
		printf("%02x", payload[i]);
	printf("\n");
	status = 0;
out:
	free(bundle);
	free(key);
	return status;
}

int
main(int argc, char **argv)
{
	if (sym_secmem_init() != SYM_OK)
		return 2;
	if (argc == 7 && strcmp(argv[1], "sign") == 0)
		return sign(argv);
	if (argc == 4 && strcmp(argv[1], "verify") == 0)
		return verify(argv);
	fprintf(stderr, "usage: cose_sample sign SEED_HEX KID PAYLOAD BUNDLE "
	    "PUBLIC_KEY\n       cose_sample verify BUNDLE PUBLIC_KEY\n");
	return 2;
}
