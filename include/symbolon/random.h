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

/*
 * Uniform public integers from a pool: one draw of SYM_RANDOM_POOL_BYTES
 * serves a whole Fisher-Yates shuffle of 255 values (about 340 bytes
 * expected; a rare longer run draws again), where one draw per value cost
 * a system call each.
 */
#define SYM_RANDOM_POOL_BYTES 512u
struct sym_random_pool {
	uint8_t bytes[SYM_RANDOM_POOL_BYTES];
	size_t used, len;
};
void sym_random_pool_init(struct sym_random_pool *p) SYM_NONNULL(1);
/* A uniform public integer in [0, upper] (upper <= 255). */
int sym_random_pool_uniform(struct sym_random_pool *p, uint8_t *out,
    uint8_t upper) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * A stream of secret random bytes for bulk needs (the coefficients of a
 * large split): ChaCha20 keyed once with 32 bytes from the system CSPRNG,
 * a new nonce per read, so no keystream is ever used twice.  Its output
 * is as unpredictable as the kernel's own CRNG (itself ChaCha20 keyed
 * from the entropy pool) unless ChaCha20 is broken (docs/DECISIONS.md).
 * With a test source installed, reads come from that source instead, so
 * seeded and constant-time tests see every byte.
 */
struct sym_random_stream;
int sym_random_stream_new(struct sym_random_stream **out)
    SYM_WARN_UNUSED SYM_NONNULL(1);
int sym_random_stream_read(struct sym_random_stream *s, uint8_t *out,
    size_t len) SYM_WARN_UNUSED SYM_NONNULL(1);
/* Wipes the key. */
void sym_random_stream_free(struct sym_random_stream *s);

#endif
