/*
 * Shamir's secret sharing over GF(2^8), byte for byte compatible with
 * HashiCorp Vault's and OpenBao's shamir package.
 *
 * A raw share is the y bytes followed by one x byte (Vault's layout):
 * share_len = secret_len + SYM_SHAMIR_SHARE_OVERHEAD.  Each secret byte gets
 * its own random polynomial of degree threshold-1 whose constant term is
 * that byte.  x coordinates are distinct, in 1..255, and drawn by a uniform
 * Fisher-Yates shuffle so they reveal nothing about how many shares exist.
 *
 * Secret: the secret, the coefficients and the y bytes.  Public: x bytes,
 * lengths, counts.  Nothing here branches on or indexes by a secret.
 */
#ifndef SYMBOLON_SHAMIR_H
#define SYMBOLON_SHAMIR_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_SHAMIR_SHARE_OVERHEAD 1u
#define SYM_SHAMIR_MAX_SHARES 255u
#define SYM_SHAMIR_MIN_THRESHOLD 2u

/*
 * Splits secret[0..secret_len) into n shares with threshold t.
 * shares[i] must point at secret_len + 1 writable bytes for i < n; they
 * should be secure memory.  Requires 2 <= t <= n <= 255 and secret_len > 0.
 * On error every share buffer is wiped.
 */
int sym_shamir_split(uint8_t *const shares[], unsigned n, unsigned t,
    const uint8_t *secret, size_t secret_len)
    SYM_WARN_UNUSED SYM_NONNULL(1);

/*
 * The deterministic core of split, exposed for known-answer tests:
 * evaluates at xs[0..n) the polynomials whose constant terms are the
 * secret bytes and whose higher coefficients are
 * coefficients[(d - 1) * secret_len + i] for degree d = 1..t-1 and byte i.
 * Writes y bytes and the x byte of every share.
 */
int sym_shamir_evaluate(uint8_t *const shares[], const uint8_t xs[],
    unsigned n, unsigned t, const uint8_t *secret, size_t secret_len,
    const uint8_t *coefficients) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 5, 7);

/*
 * Checks that k raw shares can be combined: k >= 2, every share has at
 * least one y byte, all have the same length, no x is 0, no x repeats.
 * Returns SYM_OK or the first problem: SYM_ETOOFEW, SYM_EEMPTYSHARE,
 * SYM_ESHARELEN, SYM_EZEROX, SYM_EDUPSHARE.  *bad (if not NULL) gets the
 * index of the offending share.
 */
int sym_shamir_check(const uint8_t *const shares[], const size_t lens[],
    size_t k, size_t *bad) SYM_WARN_UNUSED;

/*
 * Recovers the secret from k shares by Lagrange interpolation at 0 over all
 * of them; secret must hold lens[0] - 1 bytes.  With fewer shares than the
 * threshold the result is a wrong secret: raw shares carry no threshold
 * and no integrity (bundles add both).
 */
int sym_shamir_combine(uint8_t *secret, const uint8_t *const shares[],
    const size_t lens[], size_t k) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/*
 * The public pieces of split and combine, for callers that stream a large
 * secret block by block (shamir_stream.h): n distinct x coordinates in
 * 1..255 by a uniform shuffle, and the Lagrange basis at 0 of k distinct
 * non-zero x values (basis[i] multiplies share i's y bytes).
 */
int sym_shamir_draw_x(uint8_t xs[static SYM_SHAMIR_MAX_SHARES], unsigned n)
    SYM_WARN_UNUSED;
int sym_shamir_basis(uint8_t basis[], const uint8_t xs[], size_t k)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

#endif
