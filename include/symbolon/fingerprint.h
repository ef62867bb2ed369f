/*
 * Fingerprints of signing keys, in forms people compare.
 *
 * fingerprint = BLAKE2b-256 of the Ed25519 public key, personalised
 * "symbolon-fpr-v1" (domain separation: no other hash in symbolon can
 * collide with it).  The COSE kid of a key is the first SYM_KID_BYTES of
 * its fingerprint.  Fingerprints are public.
 *
 * Read-aloud form: the first SYM_FINGERPRINT_WORD_BYTES bytes as words of
 * the PGP word list (Juola and Zimmermann): byte i uses the two-syllable
 * "even" list when i is even and the three-syllable "odd" list when i is
 * odd, so a swapped or dropped word is heard, as in key ceremonies.
 */
#ifndef SYMBOLON_FINGERPRINT_H
#define SYMBOLON_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_FINGERPRINT_BYTES 32u
#define SYM_KID_BYTES 8u
#define SYM_FINGERPRINT_WORD_BYTES 12u
/* Room for the words of SYM_FINGERPRINT_WORD_BYTES bytes (longest word is
 * 11 letters) with spaces and a NUL. */
#define SYM_FINGERPRINT_WORDS_MAX (SYM_FINGERPRINT_WORD_BYTES * 12u + 1u)
/* "7F3A 91C2 ..." : 16 groups of 4 upper-case hex digits and a NUL. */
#define SYM_FINGERPRINT_HEX_MAX (SYM_FINGERPRINT_BYTES / 2u * 5u)

void sym_fingerprint(uint8_t fingerprint[static SYM_FINGERPRINT_BYTES],
    const uint8_t public_key[static 32]);

void sym_fingerprint_kid(uint8_t kid[static SYM_KID_BYTES],
    const uint8_t public_key[static 32]);

/* The PGP word for byte value b at position i (even/odd list); never NULL. */
const char *sym_pgp_word(uint8_t b, size_t position);

/* Writes the words for bytes[0..len), separated by single spaces. */
int sym_fingerprint_words(char *out, size_t cap, const uint8_t *bytes,
    size_t len) SYM_WARN_UNUSED SYM_NONNULL(1);

/* Writes the whole fingerprint as upper-case hex in groups of four. */
int sym_fingerprint_hex(char *out, size_t cap,
    const uint8_t fingerprint[static SYM_FINGERPRINT_BYTES])
    SYM_WARN_UNUSED SYM_NONNULL(1);

#endif
