/*
 * The one source of randomness.
 *
 * Every random byte symbolon uses comes through here, from libsodium's
 * CSPRNG unless a test has installed its own source.  Callers say whether
 * the bytes they ask for become secret (polynomial coefficients, keys) or
 * public (x coordinates): the library never cares, but the constant-time
 * test's source marks secret bytes as undefined for valgrind, and must not
 * mark the public ones that rejection sampling legitimately branches on.
 */
#ifndef SYMBOLON_RANDOM_H
#define SYMBOLON_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

enum sym_random_use {
	SYM_RANDOM_PUBLIC = 0,
	SYM_RANDOM_SECRET = 1,
};

/* A replacement source: fill out[0..len) and return SYM_OK, or an error. */
typedef int (*sym_random_source)(void *ctx, uint8_t *out, size_t len,
    enum sym_random_use use);

/* Installs source (NULL restores libsodium's CSPRNG). For tests only. */
void sym_random_set_source(sym_random_source source, void *ctx);

/* Fills out with len random bytes. */
int sym_random_bytes(uint8_t *out, size_t len, enum sym_random_use use)
    SYM_WARN_UNUSED;

/* A uniform public integer in [0, upper] (inclusive), by rejection
 * sampling; upper <= 255. */
int sym_random_uniform_byte(uint8_t *out, uint8_t upper)
    SYM_WARN_UNUSED SYM_NONNULL(1);

#endif
