/*
 * COSE_Sign1 (RFC 9052 section 4.2), as symbolon uses it:
 *
 *   18([ protected: bstr .cbor {1: -8, 4: kid}, unprotected: {},
 *        payload: bstr, signature: bstr .size 64 ])
 *
 * alg EdDSA (-8) with Ed25519 from libsodium; kid (label 4) in the
 * protected header.  The signature covers the deterministic encoding of
 * Sig_structure = ["Signature1", protected, h'', payload].  The outer tag
 * 18 (byte 0xD2) is written and read here by hand (see cbor.h for why).
 *
 * Payloads may hold secrets (a share): the Sig_structure is built in
 * secure memory and wiped.
 */
#ifndef SYMBOLON_COSE_H
#define SYMBOLON_COSE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_COSE_TAG_SIGN1 18u
#define SYM_COSE_ALG_EDDSA (-8)
#define SYM_COSE_MAX_KID_BYTES 32u
#define SYM_COSE_SIG_BYTES 64u
#define SYM_COSE_PUBLICKEY_BYTES 32u
#define SYM_COSE_SECRETKEY_BYTES 64u	/* libsodium's seed||pk form */
/* Bytes a COSE_Sign1 adds around a payload, at most. */
#define SYM_COSE_OVERHEAD (32u + SYM_COSE_MAX_KID_BYTES + SYM_COSE_SIG_BYTES)

/* Signs payload into out (cap bytes); *out_len gets the bundle's length. */
int sym_cose_sign1(uint8_t *out, size_t cap, size_t *out_len,
    const uint8_t *payload, size_t payload_len,
    const uint8_t *kid, size_t kid_len,
    const uint8_t secret_key[static SYM_COSE_SECRETKEY_BYTES])
    SYM_WARN_UNUSED SYM_NONNULL(1, 3, 4, 6, 8);

/*
 * Parses a COSE_Sign1 without verifying it: *kid (kid_len bytes) and
 * *payload point into in.  For routing only (finding the signer's key);
 * WARNING: nothing in the payload may be acted upon before
 * sym_cose_verify1 succeeds.
 */
int sym_cose_parse1(const uint8_t **payload, size_t *payload_len,
    const uint8_t **kid, size_t *kid_len, const uint8_t *in, size_t in_len,
    size_t *error_offset) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4, 5);

/* Verifies in against public_key; on success *payload points into in. */
int sym_cose_verify1(const uint8_t **payload, size_t *payload_len,
    const uint8_t *in, size_t in_len,
    const uint8_t public_key[static SYM_COSE_PUBLICKEY_BYTES],
    size_t *error_offset) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 5);

#endif
