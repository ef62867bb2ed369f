/*
 * base45 (RFC 9285): the text form of bundles, chosen because its 45
 * symbols are exactly QR alphanumeric mode.  Two bytes become three
 * symbols (n = c + 45*d + 45^2*e), a final single byte two symbols.
 * The decoder refuses characters outside the alphabet, a dangling single
 * symbol, and triples above 65535, and reports the offset of the first bad
 * character.  Bundles may hold secrets, so both directions run in constant
 * time per symbol (no table indexed by a data byte, no branch on one).
 */
#ifndef SYMBOLON_BASE45_H
#define SYMBOLON_BASE45_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

/* Symbols needed for len bytes (no terminating NUL). */
size_t sym_base45_encoded_len(size_t len);
/* Bytes that text_len symbols decode to at most. */
size_t sym_base45_decoded_len(size_t text_len);

/* Writes the encoding of in and a NUL into out (cap bytes). */
int sym_base45_encode(char *out, size_t cap, const uint8_t *in, size_t len)
    SYM_WARN_UNUSED SYM_NONNULL(1);

/* Decodes text into out (cap bytes); *out_len gets the length.  On error
 * *error_offset (if not NULL) is the offset of the first bad symbol and
 * out is wiped. */
int sym_base45_decode(uint8_t *out, size_t cap, size_t *out_len,
    const char *text, size_t text_len, size_t *error_offset)
    SYM_WARN_UNUSED SYM_NONNULL(1, 3);

#endif
