/*
 * Commitments let a holder or an auditor check a share, and combine check
 * the recovered secret, without revealing either.
 *
 *   share commitment  = BLAKE2b-256(key = salt, personal "symbolon-shr-v1",
 *                         set_id || generation (8 bytes, little-endian) ||
 *                         raw share (y bytes || x))
 *   secret commitment = the same with personal "symbolon-sec-v1" over the
 *                         secret instead of the share
 *
 * The salt is 32 random bytes per deal, published in the manifest and in
 * every share bundle.  A commitment to a low-entropy secret (a password)
 * can be brute-forced: split random keys, as Vault does.  Inputs are
 * secret; outputs are public.  Comparisons use sodium_memcmp.
 */
#ifndef SYMBOLON_COMMITMENT_H
#define SYMBOLON_COMMITMENT_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_COMMITMENT_BYTES 32u
#define SYM_COMMITMENT_SALT_BYTES 32u
#define SYM_SET_ID_BYTES 16u
/* "7F3A-91C2": the first four bytes of a set id, for people. */
#define SYM_SET_ID_TEXT_MAX 10u

void sym_commit_share(uint8_t out[static SYM_COMMITMENT_BYTES],
    const uint8_t salt[static SYM_COMMITMENT_SALT_BYTES],
    const uint8_t set_id[static SYM_SET_ID_BYTES], uint64_t generation,
    const uint8_t *share, size_t share_len);

void sym_commit_secret(uint8_t out[static SYM_COMMITMENT_BYTES],
    const uint8_t salt[static SYM_COMMITMENT_SALT_BYTES],
    const uint8_t set_id[static SYM_SET_ID_BYTES], uint64_t generation,
    const uint8_t *secret, size_t secret_len);

/* SYM_OK if the commitment to the share/secret equals expected, else
 * SYM_ECOMMITMENT. */
int sym_commit_check_share(const uint8_t expected[static SYM_COMMITMENT_BYTES],
    const uint8_t salt[static SYM_COMMITMENT_SALT_BYTES],
    const uint8_t set_id[static SYM_SET_ID_BYTES], uint64_t generation,
    const uint8_t *share, size_t share_len) SYM_WARN_UNUSED;
int sym_commit_check_secret(const uint8_t expected[static SYM_COMMITMENT_BYTES],
    const uint8_t salt[static SYM_COMMITMENT_SALT_BYTES],
    const uint8_t set_id[static SYM_SET_ID_BYTES], uint64_t generation,
    const uint8_t *secret, size_t secret_len) SYM_WARN_UNUSED;

/* Writes "7F3A-91C2" for set_id into out. */
void sym_set_id_text(char out[static SYM_SET_ID_TEXT_MAX],
    const uint8_t set_id[static SYM_SET_ID_BYTES]);

#endif
