/*
 * For the fuzz targets that reach parsers behind a signature: a signature
 * over random bytes never verifies, so they sign the input themselves
 * with a fixed key, after putting that key where every payload names its
 * signer (map head, 01 type, 02 version, then 03 58 20 and 32 bytes).
 */
#ifndef SYMBOLON_FUZZ_SIGNER_H
#define SYMBOLON_FUZZ_SIGNER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/secmem.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define SIGNER_KEY_AT 5u
#define SIGNER_AT (SIGNER_KEY_AT + 3u)

static uint8_t public_key[SYM_SIGN_PUBLICKEY_BYTES];
static uint8_t secret_key[SYM_SIGN_SECRETKEY_BYTES];

/* Secure memory, and the fixed key from a seed of fill bytes. */
static inline void
fuzz_signer_init(uint8_t fill)
{
	uint8_t seed[32];

	CHECK(sym_secmem_init() == SYM_OK);
	memset(seed, fill, sizeof seed);
	CHECK(crypto_sign_seed_keypair(public_key, secret_key, seed) == 0);
}

/* The fixed key in payload's signer field, if it has one where every
 * payload has it. */
static inline void
fuzz_signer_place(uint8_t *payload, size_t size)
{
	if (size >= SIGNER_AT + sizeof public_key &&
	    memcmp(payload + SIGNER_KEY_AT, "\x03\x58\x20", 3) == 0)
		memcpy(payload + SIGNER_AT, public_key, sizeof public_key);
}

#endif
