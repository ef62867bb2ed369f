/*
 * Private to lib/codec.c and lib/base64_x86.c: the vector base64 kernels.
 * Each processes a prefix of whole blocks and returns how many input
 * bytes it consumed (a multiple of 3 for encode, of 4 for decode); the
 * scalar code in codec.c does the rest.  Constant time in every byte.
 */
#ifndef SYMBOLON_BASE64_KERNELS_H
#define SYMBOLON_BASE64_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* 1 if the CPU runs the AVX2 kernels (and this build has them). */
int sym_base64_avx2_supported(void);
/* Encodes whole 24-byte blocks of in (reading 4 bytes past each block
 * while at least 28 remain) into out; returns the bytes consumed. */
size_t sym_base64_avx2_encode(char *out, const uint8_t *in, size_t len);
/* Decodes whole 32-character blocks of text that have no padding (the
 * caller keeps the last group for the scalar code), writing 32 bytes per
 * 24 decoded while at least out_room allows; ORs any invalid character
 * into *bad (a mask, non-zero if any).  Returns the characters consumed. */
size_t sym_base64_avx2_decode(uint8_t *out, size_t out_room,
    const char *text, size_t len, uint32_t *bad);

#endif
