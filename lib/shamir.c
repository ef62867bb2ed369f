#include <string.h>

#include <sodium.h>

#include "symbolon/gf256.h"
#include "symbolon/random.h"
#include "symbolon/shamir.h"

/* Coefficients are drawn and wiped one block at a time, so a 64 MiB secret
 * does not need 64 MiB of coefficients per degree. */
#define COEFFICIENT_BLOCK 4096u

static int
check_parameters(unsigned n, unsigned t, size_t secret_len)
{
	if (secret_len == 0)
		return SYM_EEMPTYSECRET;
	if (n > SYM_SHAMIR_MAX_SHARES || n < 2)
		return SYM_ESHARES;
	if (t < SYM_SHAMIR_MIN_THRESHOLD || t > n)
		return SYM_ETHRESHOLD;
	return SYM_OK;
}

static void
evaluate_block(uint8_t *const shares[], const uint8_t xs[], unsigned n,
    unsigned t, const uint8_t *secret, size_t offset, size_t count,
    const uint8_t *coefficients, size_t stride)
{
	for (unsigned s = 0; s < n; s++) {
		uint8_t x = xs[s];
		uint8_t *y = shares[s] + offset;

		/* Horner over the whole block: start from the highest
		 * coefficient, then y = y * x + the next lower one, and last
		 * y = y * x + the secret byte (the constant term). */
		memcpy(y, coefficients + (size_t)(t - 2) * stride, count);
		for (unsigned d = t - 2; d > 0; d--)
			sym_gf256_mul_add(y, coefficients +
			    (size_t)(d - 1) * stride, x, count);
		sym_gf256_mul_add(y, secret + offset, x, count);
	}
}

int
sym_shamir_evaluate(uint8_t *const shares[], const uint8_t xs[], unsigned n,
    unsigned t, const uint8_t *secret, size_t secret_len,
    const uint8_t *coefficients)
{
	int rc = check_parameters(n, t, secret_len);

	if (rc != SYM_OK)
		return rc;
	evaluate_block(shares, xs, n, t, secret, 0, secret_len, coefficients,
	    secret_len);
	for (unsigned s = 0; s < n; s++)
		shares[s][secret_len] = xs[s];
	return SYM_OK;
}

int
sym_shamir_draw_x(uint8_t xs[static SYM_SHAMIR_MAX_SHARES], unsigned n)
{
	uint8_t all[SYM_SHAMIR_MAX_SHARES];
	struct sym_random_pool pool;

	sym_random_pool_init(&pool);
	for (unsigned i = 0; i < SYM_SHAMIR_MAX_SHARES; i++)
		all[i] = (uint8_t)(i + 1);
	/* Fisher-Yates with j in [0, i] (not Sattolo's [0, i-1], which can
	 * never leave a value in place). x values are public, and so is the
	 * pool they are drawn from: one draw for the whole shuffle. */
	for (unsigned i = SYM_SHAMIR_MAX_SHARES - 1; i > 0; i--) {
		uint8_t j, tmp;
		int rc = sym_random_pool_uniform(&pool, &j, (uint8_t)i);

		if (rc != SYM_OK)
			return rc;
		tmp = all[i];
		all[i] = all[j];
		all[j] = tmp;
	}
	memcpy(xs, all, n);
	return SYM_OK;
}

int
sym_shamir_split(uint8_t *const shares[], unsigned n, unsigned t,
    const uint8_t *secret, size_t secret_len)
{
	uint8_t xs[SYM_SHAMIR_MAX_SHARES];
	uint8_t *coefficients = NULL;
	struct sym_random_stream *stream = NULL;
	size_t block_bytes;
	int rc = check_parameters(n, t, secret_len);

	if (rc != SYM_OK)
		return rc;
	if (secret == NULL)
		return SYM_EEMPTYSECRET;
	rc = sym_shamir_draw_x(xs, n);
	if (rc != SYM_OK)
		goto out;
	block_bytes = (size_t)(t - 1) * COEFFICIENT_BLOCK;
	coefficients = sodium_malloc(block_bytes);
	if (coefficients == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	/* A key-sized secret takes every coefficient from the system, as
	 * before; a bulk secret takes them from a ChaCha20 stream keyed once
	 * from the system (random.h), which is what makes it fast. */
	if (secret_len > COEFFICIENT_BLOCK &&
	    (rc = sym_random_stream_new(&stream)) != SYM_OK)
		goto out;
	for (size_t off = 0; off < secret_len; off += COEFFICIENT_BLOCK) {
		size_t count = secret_len - off;

		if (count > COEFFICIENT_BLOCK)
			count = COEFFICIENT_BLOCK;
		/* Exactly the coefficients this block needs: a 32-byte key
		 * draws 64 bytes at t = 3, not a whole block's worth. */
		rc = stream != NULL ?
		    sym_random_stream_read(stream, coefficients,
		    (size_t)(t - 1) * count) :
		    sym_random_bytes(coefficients, (size_t)(t - 1) * count,
		    SYM_RANDOM_SECRET);
		if (rc != SYM_OK)
			goto out;
		evaluate_block(shares, xs, n, t, secret, off, count,
		    coefficients, count);
	}
	for (unsigned s = 0; s < n; s++)
		shares[s][secret_len] = xs[s];
	rc = SYM_OK;
out:
	sym_random_stream_free(stream);
	sodium_free(coefficients);
	if (rc != SYM_OK)
		for (unsigned s = 0; s < n; s++)
			sodium_memzero(shares[s], secret_len + 1);
	return rc;
}

int
sym_shamir_check(const uint8_t *const shares[], const size_t lens[], size_t k,
    size_t *bad)
{
	size_t ignored;

	if (bad == NULL)
		bad = &ignored;
	*bad = 0;
	if (k < 2)
		return SYM_ETOOFEW;
	for (size_t i = 0; i < k; i++) {
		*bad = i;
		if (lens[i] < 1 + SYM_SHAMIR_SHARE_OVERHEAD)
			return SYM_EEMPTYSHARE;
		if (lens[i] != lens[0])
			return SYM_ESHARELEN;
		if (shares[i][lens[i] - 1] == 0)
			return SYM_EZEROX;
		for (size_t j = 0; j < i; j++)
			if (shares[j][lens[j] - 1] == shares[i][lens[i] - 1])
				return SYM_EDUPSHARE;
	}
	return SYM_OK;
}

int
sym_shamir_basis(uint8_t basis[], const uint8_t xs[], size_t k)
{
	if (k < 2)
		return SYM_ETOOFEW;
	for (size_t i = 0; i < k; i++) {
		/* The Lagrange basis at 0 depends only on the public x values. */
		uint8_t b = 1;

		if (xs[i] == 0)
			return SYM_EZEROX;
		for (size_t j = 0; j < k; j++) {
			if (j == i)
				continue;
			if (xs[j] == xs[i])
				return SYM_EDUPSHARE;
			b = sym_gf256_mul(b, sym_gf256_div(xs[j],
			    sym_gf256_add(xs[i], xs[j])));
		}
		basis[i] = b;
	}
	return SYM_OK;
}

int
sym_shamir_combine(uint8_t *secret, const uint8_t *const shares[],
    const size_t lens[], size_t k)
{
	uint8_t xs[SYM_SHAMIR_MAX_SHARES], basis[SYM_SHAMIR_MAX_SHARES];
	size_t secret_len;
	int rc = sym_shamir_check(shares, lens, k, NULL);

	if (rc != SYM_OK)
		return rc;
	secret_len = lens[0] - SYM_SHAMIR_SHARE_OVERHEAD;
	for (size_t i = 0; i < k; i++)
		xs[i] = shares[i][secret_len];
	rc = sym_shamir_basis(basis, xs, k);
	if (rc != SYM_OK)
		return rc;
	memset(secret, 0, secret_len);
	for (size_t i = 0; i < k; i++)
		sym_gf256_add_mul(secret, shares[i], basis[i], secret_len);
	return SYM_OK;
}
