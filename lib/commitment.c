#include <stdio.h>

#include <sodium.h>

#include "symbolon/commitment.h"

static void
commit(uint8_t out[static SYM_COMMITMENT_BYTES], const char personal[16],
    const uint8_t salt[static SYM_COMMITMENT_SALT_BYTES],
    const uint8_t set_id[static SYM_SET_ID_BYTES], uint64_t generation,
    const uint8_t *data, size_t len)
{
	crypto_generichash_blake2b_state state;
	uint8_t gen[8];

	for (int i = 0; i < 8; i++)
		gen[i] = (uint8_t)(generation >> (8 * i));
	/* Keyed by the salt, personalised per kind: a share commitment can
	 * never equal a secret commitment or a fingerprint. */
	crypto_generichash_blake2b_init_salt_personal(&state, salt,
	    SYM_COMMITMENT_SALT_BYTES, SYM_COMMITMENT_BYTES, NULL,
	    (const unsigned char *)personal);
	crypto_generichash_blake2b_update(&state, set_id, SYM_SET_ID_BYTES);
	crypto_generichash_blake2b_update(&state, gen, sizeof gen);
	crypto_generichash_blake2b_update(&state, data, len);
	crypto_generichash_blake2b_final(&state, out, SYM_COMMITMENT_BYTES);
	sodium_memzero(&state, sizeof state);
}

void
sym_commit_share(uint8_t out[static SYM_COMMITMENT_BYTES],
    const uint8_t salt[static SYM_COMMITMENT_SALT_BYTES],
    const uint8_t set_id[static SYM_SET_ID_BYTES], uint64_t generation,
    const uint8_t *share, size_t share_len)
{
	commit(out, "symbolon-shr-v1", salt, set_id, generation, share,
	    share_len);
}

void
sym_commit_secret(uint8_t out[static SYM_COMMITMENT_BYTES],
    const uint8_t salt[static SYM_COMMITMENT_SALT_BYTES],
    const uint8_t set_id[static SYM_SET_ID_BYTES], uint64_t generation,
    const uint8_t *secret, size_t secret_len)
{
	commit(out, "symbolon-sec-v1", salt, set_id, generation, secret,
	    secret_len);
}

int
sym_commit_check_share(const uint8_t expected[static SYM_COMMITMENT_BYTES],
    const uint8_t salt[static SYM_COMMITMENT_SALT_BYTES],
    const uint8_t set_id[static SYM_SET_ID_BYTES], uint64_t generation,
    const uint8_t *share, size_t share_len)
{
	uint8_t actual[SYM_COMMITMENT_BYTES];

	sym_commit_share(actual, salt, set_id, generation, share, share_len);
	return sodium_memcmp(actual, expected, SYM_COMMITMENT_BYTES) == 0 ?
	    SYM_OK : SYM_ECOMMITMENT;
}

int
sym_commit_check_secret(const uint8_t expected[static SYM_COMMITMENT_BYTES],
    const uint8_t salt[static SYM_COMMITMENT_SALT_BYTES],
    const uint8_t set_id[static SYM_SET_ID_BYTES], uint64_t generation,
    const uint8_t *secret, size_t secret_len)
{
	uint8_t actual[SYM_COMMITMENT_BYTES];

	sym_commit_secret(actual, salt, set_id, generation, secret, secret_len);
	return sodium_memcmp(actual, expected, SYM_COMMITMENT_BYTES) == 0 ?
	    SYM_OK : SYM_ECOMMITMENT;
}

void
sym_set_id_text(char out[static SYM_SET_ID_TEXT_MAX],
    const uint8_t set_id[static SYM_SET_ID_BYTES])
{
	snprintf(out, SYM_SET_ID_TEXT_MAX, "%02X%02X-%02X%02X", set_id[0],
	    set_id[1], set_id[2], set_id[3]);
}
