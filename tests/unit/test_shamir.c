/* Unit tests for Shamir split/combine over GF(2^8): Vault's share layout,
 * known answers, parameter and share checks, the x shuffle, and failure of
 * the random source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "symbolon/gf256.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"

#define MAX_N SYM_SHAMIR_MAX_SHARES

/* n share buffers of len bytes each, in secure memory: sodium_malloc puts
 * the end of each one against a guard page, so writing one byte past it
 * crashes even without ASan. */
struct shares {
	unsigned n;
	size_t len;
	uint8_t *p[1000];
};

static void
shares_alloc(struct shares *s, unsigned n, size_t len)
{
	s->n = n;
	s->len = len;
	for (unsigned i = 0; i < n; i++) {
		s->p[i] = sym_secmem_alloc(len);
		assert_non_null(s->p[i]);
	}
}

static void
shares_free(struct shares *s)
{
	for (unsigned i = 0; i < s->n; i++)
		sym_secmem_free(s->p[i]);
	s->n = 0;
}

static int
all_bytes_are(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static int
restore_source(void **state)
{
	(void)state;
	sym_random_set_source(NULL, NULL);
	return 0;
}

/* ---- replacement random sources ---- */

struct source_ctx {
	int fail_code;		/* returned instead of bytes when due */
	unsigned fail_after_secret;	/* secret calls that succeed first */
	unsigned secret_calls;
	unsigned public_calls;
	size_t secret_bytes;
	uint8_t public_fill;	/* used when public_zero */
	int public_zero;	/* public bytes are public_fill, else CSPRNG */
	int secret_zero;	/* secret bytes are 0, else CSPRNG */
	uint64_t seed;		/* non-zero: deterministic stream from seed */
	uint64_t counter;
};

static int
test_source(void *ctx, uint8_t *out, size_t len, enum sym_random_use use)
{
	struct source_ctx *c = ctx;

	if (use == SYM_RANDOM_SECRET) {
		if (c->fail_code != 0 && c->secret_calls >= c->fail_after_secret)
			return c->fail_code;
		c->secret_calls++;
		c->secret_bytes += len;
		if (c->secret_zero) {
			memset(out, 0, len);
			return SYM_OK;
		}
	} else {
		c->public_calls++;
		if (c->public_zero) {
			memset(out, c->public_fill, len);
			return SYM_OK;
		}
	}
	if (c->seed != 0) {
		unsigned char seed[randombytes_SEEDBYTES] = { 0 };

		memcpy(seed, &c->seed, sizeof c->seed);
		memcpy(seed + 8, &c->counter, sizeof c->counter);
		c->counter++;
		randombytes_buf_deterministic(out, len, seed);
	} else {
		randombytes_buf(out, len);
	}
	return SYM_OK;
}

/* libsodium's CSPRNG, fetched 4 KiB at a time: the shuffle asks for one
 * byte per draw, and a getrandom() call per byte would dominate the
 * statistical test below. */
struct pool {
	uint8_t bytes[4096];
	size_t left;
};

static int
pooled_csprng_source(void *ctx, uint8_t *out, size_t len,
    enum sym_random_use use)
{
	struct pool *p = ctx;

	(void)use;
	while (len > 0) {
		size_t take;

		if (p->left == 0) {
			randombytes_buf(p->bytes, sizeof p->bytes);
			p->left = sizeof p->bytes;
		}
		take = len < p->left ? len : p->left;
		memcpy(out, p->bytes + sizeof p->bytes - p->left, take);
		sodium_memzero(p->bytes + sizeof p->bytes - p->left, take);
		p->left -= take;
		out += take;
		len -= take;
	}
	return SYM_OK;
}

static int
always_fail_source(void *ctx, uint8_t *out, size_t len,
    enum sym_random_use use)
{
	(void)out;
	(void)len;
	(void)use;
	return *(const int *)ctx;
}

/* ---- known answers ---- */

static void
test_evaluate_known_answer_t2(void **state)
{
	static const uint8_t secret[] = { 0x01, 0x02, 0x03, 0x04 };
	static const uint8_t coefficients[] = { 0x10, 0x20, 0x30, 0x40 };
	static const uint8_t xs[] = { 1, 2, 3 };
	static const uint8_t want[3][5] = {
		{ 0x11, 0x22, 0x33, 0x44, 0x01 },
		{ 0x21, 0x42, 0x63, 0x84, 0x02 },
		{ 0x31, 0x62, 0x53, 0xc4, 0x03 },
	};
	uint8_t buf[3][5];
	uint8_t *shares[3] = { buf[0], buf[1], buf[2] };
	const uint8_t *pick[2];
	size_t lens[2] = { 5, 5 };
	uint8_t out[4];

	(void)state;
	memset(buf, 0xAA, sizeof buf);
	assert_int_equal(sym_shamir_evaluate(shares, xs, 3, 2, secret,
	    sizeof secret, coefficients), SYM_OK);
	assert_memory_equal(buf[0], want[0], 5);
	assert_memory_equal(buf[1], want[1], 5);
	assert_memory_equal(buf[2], want[2], 5);

	pick[0] = want[0];
	pick[1] = want[2];
	memset(out, 0xAA, sizeof out);
	assert_int_equal(sym_shamir_combine(out, pick, lens, 2), SYM_OK);
	assert_memory_equal(out, secret, sizeof secret);

	pick[0] = want[2];
	pick[1] = want[1];
	memset(out, 0xAA, sizeof out);
	assert_int_equal(sym_shamir_combine(out, pick, lens, 2), SYM_OK);
	assert_memory_equal(out, secret, sizeof secret);
}

static void
test_evaluate_known_answer_t3(void **state)
{
	/* Degree 1 is coefficients[0], degree 2 is coefficients[1]:
	 * f(x) = 0x53 + 0xCA x + 0x01 x^2. */
	static const uint8_t secret[] = { 0x53 };
	static const uint8_t coefficients[] = { 0xCA, 0x01 };
	static const uint8_t xs[] = { 1, 2, 3 };
	static const uint8_t want[3][2] = {
		{ 0x98, 0x01 }, { 0xD8, 0x02 }, { 0x13, 0x03 },
	};
	uint8_t buf[3][2];
	uint8_t *shares[3] = { buf[0], buf[1], buf[2] };
	const uint8_t *pick[3] = { want[2], want[0], want[1] };
	size_t lens[3] = { 2, 2, 2 };
	uint8_t out[1] = { 0 };

	(void)state;
	assert_int_equal(sym_shamir_evaluate(shares, xs, 3, 3, secret,
	    sizeof secret, coefficients), SYM_OK);
	assert_memory_equal(buf, want, sizeof want);
	assert_int_equal(sym_shamir_combine(out, pick, lens, 3), SYM_OK);
	assert_int_equal(out[0], 0x53);
}

static void
test_evaluate_matches_direct_polynomial(void **state)
{
	/* Two bytes, degree 3: every coefficient is found at
	 * coefficients[(d - 1) * secret_len + i]. */
	static const uint8_t secret[] = { 0x7A, 0x00 };
	static const uint8_t coefficients[] = {
		0x11, 0x22,	/* degree 1, bytes 0 and 1 */
		0x33, 0x44,	/* degree 2 */
		0x55, 0x66,	/* degree 3 */
	};
	static const uint8_t xs[] = { 0x05, 0xFF, 0x80, 0x01 };
	uint8_t buf[4][3];
	uint8_t *shares[4] = { buf[0], buf[1], buf[2], buf[3] };

	(void)state;
	assert_int_equal(sym_shamir_evaluate(shares, xs, 4, 4, secret,
	    sizeof secret, coefficients), SYM_OK);
	for (unsigned s = 0; s < 4; s++) {
		uint8_t x = xs[s];
		uint8_t x2 = sym_gf256_mul(x, x);
		uint8_t x3 = sym_gf256_mul(x2, x);

		for (unsigned i = 0; i < 2; i++) {
			uint8_t y = secret[i];

			y ^= sym_gf256_mul(coefficients[0 + i], x);
			y ^= sym_gf256_mul(coefficients[2 + i], x2);
			y ^= sym_gf256_mul(coefficients[4 + i], x3);
			assert_int_equal(buf[s][i], y);
		}
		assert_int_equal(buf[s][2], x);
	}
}

static void
test_every_intercept_interpolates(void **state)
{
	static const uint8_t xs[] = { 1, 2, 3 };
	size_t lens[3] = { 2, 2, 2 };

	(void)state;
	for (unsigned s = 0; s < 256; s++) {
		uint8_t secret[1] = { (uint8_t)s };
		uint8_t coefficients[2] = { (uint8_t)(s * 7 + 1),
		    (uint8_t)(s ^ 0xA5) };
		uint8_t buf[3][2];
		uint8_t *shares[3] = { buf[0], buf[1], buf[2] };
		const uint8_t *pick[3] = { buf[0], buf[1], buf[2] };
		uint8_t out[1];

		assert_int_equal(sym_shamir_evaluate(shares, xs, 3, 3, secret,
		    1, coefficients), SYM_OK);
		out[0] = (uint8_t)~s;
		assert_int_equal(sym_shamir_combine(out, pick, lens, 3),
		    SYM_OK);
		if (out[0] != s)
			fail_msg("intercept %#04x came back as %#04x", s, out[0]);
	}
}

static void
test_below_threshold_gives_wrong_secret(void **state)
{
	/* Documented: raw shares carry no threshold.  Interpolating a degree-2
	 * polynomial f through two of its points gives the line L with
	 * f - L = c2 (x - x1)(x - x2), so L(0) = s + c2 x1 x2 exactly. */
	static const uint8_t secret[] = { 0x01, 0x02, 0x03, 0x04 };
	static const uint8_t coefficients[] = {
		0x10, 0x20, 0x30, 0x40,	/* degree 1 */
		0x05, 0x06, 0x07, 0x08,	/* degree 2 */
	};
	static const uint8_t xs[] = { 1, 2, 3 };
	uint8_t buf[3][5];
	uint8_t *shares[3] = { buf[0], buf[1], buf[2] };
	const uint8_t *pick[2] = { buf[1], buf[2] };
	size_t lens[2] = { 5, 5 };
	uint8_t out[4];
	uint8_t x1x2 = sym_gf256_mul(2, 3);

	(void)state;
	assert_int_equal(sym_shamir_evaluate(shares, xs, 3, 3, secret,
	    sizeof secret, coefficients), SYM_OK);
	assert_int_equal(sym_shamir_combine(out, pick, lens, 2), SYM_OK);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(out[i], secret[i] ^
		    sym_gf256_mul(coefficients[4 + i], x1x2));
	assert_memory_not_equal(out, secret, sizeof secret);
}

static void
test_below_threshold_split(void **state)
{
	uint8_t secret[32], out[32];
	struct shares s;
	const uint8_t *pick[2];
	size_t lens[2] = { 33, 33 };

	(void)state;
	randombytes_buf(secret, sizeof secret);
	shares_alloc(&s, 5, 33);
	assert_int_equal(sym_shamir_split(s.p, 5, 3, secret, sizeof secret),
	    SYM_OK);
	pick[0] = s.p[0];
	pick[1] = s.p[4];
	assert_int_equal(sym_shamir_combine(out, pick, lens, 2), SYM_OK);
	/* Equal only if all 32 degree-2 coefficients were 0: p = 2^-256. */
	assert_memory_not_equal(out, secret, sizeof secret);
	shares_free(&s);
}

/* ---- split and recombine ---- */

static void
combine_subset(const struct shares *s, const unsigned *idx, size_t k,
    const uint8_t *secret, size_t secret_len)
{
	const uint8_t *pick[5];
	size_t lens[5];
	uint8_t out[16];

	for (size_t i = 0; i < k; i++) {
		pick[i] = s->p[idx[i]];
		lens[i] = s->len;
	}
	memset(out, 0xEE, sizeof out);
	assert_int_equal(sym_shamir_combine(out, pick, lens, k), SYM_OK);
	assert_memory_equal(out, secret, secret_len);
	/* combine writes exactly secret_len bytes. */
	assert_true(all_bytes_are(out + secret_len, sizeof out - secret_len,
	    0xEE));
}

static void
test_split_test_5_of_3_every_subset(void **state)
{
	static const uint8_t secret[] = { 't', 'e', 's', 't' };
	struct shares s;
	unsigned idx[5], combos3 = 0, combos4 = 0, combos5 = 0;

	(void)state;
	shares_alloc(&s, 5, sizeof secret + SYM_SHAMIR_SHARE_OVERHEAD);
	assert_int_equal(sym_shamir_split(s.p, 5, 3, secret, sizeof secret),
	    SYM_OK);
	for (unsigned i = 0; i < 5; i++) {
		uint8_t x = s.p[i][sizeof secret];

		assert_int_not_equal(x, 0);
		for (unsigned j = 0; j < i; j++)
			assert_int_not_equal(x, s.p[j][sizeof secret]);
	}
	/* Every ordered selection of 3, 4 and 5 distinct shares. */
	for (idx[0] = 0; idx[0] < 5; idx[0]++)
	for (idx[1] = 0; idx[1] < 5; idx[1]++) {
		if (idx[1] == idx[0])
			continue;
		for (idx[2] = 0; idx[2] < 5; idx[2]++) {
			if (idx[2] == idx[0] || idx[2] == idx[1])
				continue;
			combine_subset(&s, idx, 3, secret, sizeof secret);
			combos3++;
			for (idx[3] = 0; idx[3] < 5; idx[3]++) {
				if (idx[3] == idx[0] || idx[3] == idx[1] ||
				    idx[3] == idx[2])
					continue;
				combine_subset(&s, idx, 4, secret,
				    sizeof secret);
				combos4++;
				for (idx[4] = 0; idx[4] < 5; idx[4]++) {
					if (idx[4] == idx[0] ||
					    idx[4] == idx[1] ||
					    idx[4] == idx[2] ||
					    idx[4] == idx[3])
						continue;
					combine_subset(&s, idx, 5, secret,
					    sizeof secret);
					combos5++;
				}
			}
		}
	}
	assert_int_equal(combos3, 60);
	assert_int_equal(combos4, 120);
	assert_int_equal(combos5, 120);
	shares_free(&s);
}

static void
test_split_boundaries(void **state)
{
	static const uint8_t secret[] = { 0xFF, 0x00, 0x80 };
	static const struct {
		unsigned n, t;
	} cases[] = { { 2, 2 }, { 3, 2 }, { 3, 3 }, { 255, 2 }, { 255, 255 } };
	uint8_t out[3];

	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct shares s;
		const uint8_t *pick[MAX_N];
		size_t lens[MAX_N];
		unsigned n = cases[c].n, t = cases[c].t;
		uint8_t seen[256] = { 0 };

		shares_alloc(&s, n, sizeof secret + 1);
		assert_int_equal(sym_shamir_split(s.p, n, t, secret,
		    sizeof secret), SYM_OK);
		for (unsigned i = 0; i < n; i++) {
			uint8_t x = s.p[i][sizeof secret];

			assert_int_not_equal(x, 0);
			assert_int_equal(seen[x], 0);
			seen[x] = 1;
			pick[i] = s.p[n - 1 - i];
			lens[i] = s.len;
		}
		/* The last t shares, then all of them. */
		memset(out, 0, sizeof out);
		assert_int_equal(sym_shamir_combine(out, pick, lens, t),
		    SYM_OK);
		assert_memory_equal(out, secret, sizeof secret);
		memset(out, 0, sizeof out);
		assert_int_equal(sym_shamir_combine(out, pick, lens, n),
		    SYM_OK);
		assert_memory_equal(out, secret, sizeof secret);
		shares_free(&s);
	}
}

static void
test_split_large_secret(void **state)
{
	/* Larger than split's 4096-byte coefficient block, and not a
	 * multiple of it: every block must be randomised independently. */
	enum { LEN = 10000, BLOCK = 4096 };
	uint8_t *secret = sym_secmem_alloc(LEN);
	uint8_t *out = sym_secmem_alloc(LEN);
	struct shares s;
	const uint8_t *pick[3];
	size_t lens[3] = { LEN + 1, LEN + 1, LEN + 1 };
	unsigned unchanged = 0, repeated = 0;

	(void)state;
	assert_non_null(secret);
	assert_non_null(out);
	randombytes_buf(secret, LEN);
	shares_alloc(&s, 4, LEN + 1);
	assert_int_equal(sym_shamir_split(s.p, 4, 3, secret, LEN), SYM_OK);
	pick[0] = s.p[3];
	pick[1] = s.p[0];
	pick[2] = s.p[2];
	assert_int_equal(sym_shamir_combine(out, pick, lens, 3), SYM_OK);
	assert_memory_equal(out, secret, LEN);
	/* y = s + c1 x + c2 x^2 equals s with probability 1/256 per byte, so
	 * about 23 of the last 5904 bytes; a block left unrandomised gives
	 * 5904.  A block reusing the previous block's coefficients makes
	 * y ^ s repeat at distance 4096 (about 16 by chance of 4096). */
	for (size_t i = 2 * BLOCK; i < LEN; i++)
		unchanged += s.p[0][i] == secret[i];
	for (size_t i = 0; i < BLOCK; i++)
		repeated += (uint8_t)(s.p[0][i] ^ secret[i]) ==
		    (uint8_t)(s.p[0][i + BLOCK] ^ secret[i + BLOCK]);
	assert_in_range(unchanged, 0, 400);
	assert_in_range(repeated, 0, 400);
	shares_free(&s);
	sym_secmem_free(secret);
	sym_secmem_free(out);
}

/* ---- parameters ---- */

static void
test_split_invalid_parameters(void **state)
{
	static const uint8_t secret[] = { 1, 2, 3 };
	static const struct {
		unsigned n, t;
		int want;
	} cases[] = {
		{ 0, 0, SYM_ESHARES },
		{ 1, 1, SYM_ESHARES },
		{ 2, 3, SYM_ETHRESHOLD },
		{ 1000, 3, SYM_ESHARES },
		{ 256, 2, SYM_ESHARES },
		{ 10, 1, SYM_ETHRESHOLD },
		{ 10, 0, SYM_ETHRESHOLD },
		{ 255, 256, SYM_ETHRESHOLD },
	};
	static const uint8_t coefficients[3 * 256];
	static uint8_t xs[1000], bufs[1000][sizeof secret + 1];
	struct shares s;

	(void)state;
	/* Real buffers for every n asked for, so a wrong implementation
	 * that touched them would be caught by ASan, not by luck. */
	s.n = 0;
	for (unsigned i = 0; i < 1000; i++)
		s.p[i] = bufs[i];
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		int rc = sym_shamir_split(s.p, cases[c].n, cases[c].t, secret,
		    sizeof secret);

		if (rc != cases[c].want)
			fail_msg("split n=%u t=%u: %d, want %d", cases[c].n,
			    cases[c].t, rc, cases[c].want);
		rc = sym_shamir_evaluate(s.p, xs, cases[c].n, cases[c].t,
		    secret, sizeof secret, coefficients);
		if (rc != cases[c].want)
			fail_msg("evaluate n=%u t=%u: %d, want %d", cases[c].n,
			    cases[c].t, rc, cases[c].want);
	}
	assert_int_equal(sym_shamir_split(s.p, 5, 3, secret, 0),
	    SYM_EEMPTYSECRET);
	assert_int_equal(sym_shamir_split(s.p, 5, 3, NULL, 3),
	    SYM_EEMPTYSECRET);
	assert_int_equal(sym_shamir_evaluate(s.p, xs, 5, 3, secret, 0,
	    coefficients), SYM_EEMPTYSECRET);
	/* The three parameter errors are told apart. */
	assert_int_not_equal(SYM_ESHARES, SYM_ETHRESHOLD);
	assert_int_not_equal(SYM_ESHARES, SYM_EEMPTYSECRET);
	assert_int_not_equal(SYM_ETHRESHOLD, SYM_EEMPTYSECRET);
}

/* ---- share checks ---- */

static void
assert_check_refuses(const uint8_t *const shares[], const size_t lens[], size_t k,
    int want, size_t want_bad)
{
	size_t bad = 9999;
	uint8_t out[8];
	int rc = sym_shamir_check(shares, lens, k, &bad);

	if (rc != want)
		fail_msg("check: %d, want %d", rc, want);
	if (bad != want_bad)
		fail_msg("check: bad index %zu, want %zu", bad, want_bad);
	assert_int_equal(sym_shamir_check(shares, lens, k, NULL), want);
	memset(out, 0x5A, sizeof out);
	assert_int_equal(sym_shamir_combine(out, shares, lens, k), want);
}

static void
test_check_and_combine_refuse(void **state)
{
	static const uint8_t a[] = { 0x11, 0x22, 0x01 };
	static const uint8_t b[] = { 0x33, 0x44, 0x02 };
	static const uint8_t c[] = { 0x55, 0x66, 0x03 };
	static const uint8_t a_again[] = { 0x77, 0x88, 0x01 };
	static const uint8_t short_c[] = { 0x55, 0x03 };
	static const uint8_t long_c[] = { 0x55, 0x66, 0x77, 0x03 };
	static const uint8_t zero_x[] = { 0x55, 0x66, 0x00 };
	static const uint8_t only_x[] = { 0x03 };
	static const uint8_t only_x1[] = { 0x01 };
	const uint8_t *sh[4];
	size_t len[4];

	(void)state;
	/* Fewer than two shares. */
	sh[0] = a;
	len[0] = sizeof a;
	assert_check_refuses(sh, len, 0, SYM_ETOOFEW, 0);
	assert_check_refuses(sh, len, 1, SYM_ETOOFEW, 0);

	/* Different lengths, at index 2 (shorter) or 1 (longer). */
	sh[1] = b;
	len[1] = sizeof b;
	sh[2] = short_c;
	len[2] = sizeof short_c;
	assert_check_refuses(sh, len, 3, SYM_ESHARELEN, 2);
	sh[1] = long_c;
	len[1] = sizeof long_c;
	sh[2] = c;
	len[2] = sizeof c;
	assert_check_refuses(sh, len, 3, SYM_ESHARELEN, 1);

	/* A repeated x, even with different y bytes. */
	sh[1] = b;
	len[1] = sizeof b;
	sh[2] = c;
	sh[3] = a_again;
	len[3] = sizeof a_again;
	assert_check_refuses(sh, len, 4, SYM_EDUPSHARE, 3);
	sh[1] = a;		/* the very same share twice */
	assert_check_refuses(sh, len, 2, SYM_EDUPSHARE, 1);

	/* x = 0. */
	sh[1] = zero_x;
	len[1] = sizeof zero_x;
	assert_check_refuses(sh, len, 3, SYM_EZEROX, 1);
	sh[0] = zero_x;
	len[0] = sizeof zero_x;
	sh[1] = b;
	len[1] = sizeof b;
	assert_check_refuses(sh, len, 2, SYM_EZEROX, 0);

	/* A share with no y byte (only x), first or later; and length 0. */
	sh[0] = a;
	len[0] = sizeof a;
	sh[2] = only_x;
	len[2] = sizeof only_x;
	assert_check_refuses(sh, len, 3, SYM_EEMPTYSHARE, 2);
	sh[0] = only_x1;
	len[0] = sizeof only_x1;
	sh[1] = only_x;
	len[1] = sizeof only_x;
	assert_check_refuses(sh, len, 2, SYM_EEMPTYSHARE, 0);
	sh[0] = a;
	len[0] = 0;
	sh[1] = b;
	len[1] = sizeof b;
	assert_check_refuses(sh, len, 2, SYM_EEMPTYSHARE, 0);

	/* The first problem, in share order, is the one reported. */
	sh[0] = a;
	len[0] = sizeof a;
	sh[1] = zero_x;
	len[1] = sizeof zero_x;
	sh[2] = short_c;
	len[2] = sizeof short_c;
	assert_check_refuses(sh, len, 3, SYM_EZEROX, 1);

	/* And a good set passes. */
	sh[0] = c;
	len[0] = sizeof c;
	sh[1] = a;
	len[1] = sizeof a;
	sh[2] = b;
	len[2] = sizeof b;
	assert_int_equal(sym_shamir_check(sh, len, 3, NULL), SYM_OK);
}

static void
test_check_codes_are_distinct(void **state)
{
	static const int codes[] = { SYM_ETOOFEW, SYM_EEMPTYSHARE,
	    SYM_ESHARELEN, SYM_EZEROX, SYM_EDUPSHARE };

	(void)state;
	for (size_t i = 0; i < 5; i++)
		for (size_t j = i + 1; j < 5; j++)
			assert_int_not_equal(codes[i], codes[j]);
}

static void
test_combine_all_255_x(void **state)
{
	/* Shares at every x in 1..255 of f(x) = 0x42 + 0x99 x. */
	static const uint8_t secret[] = { 0x42 };
	static const uint8_t coefficients[] = { 0x99 };
	uint8_t xs[MAX_N], buf[MAX_N][2], out[1] = { 0 };
	uint8_t *shares[MAX_N];
	const uint8_t *pick[MAX_N];
	size_t lens[MAX_N];

	(void)state;
	for (unsigned i = 0; i < MAX_N; i++) {
		xs[i] = (uint8_t)(MAX_N - i);
		shares[i] = buf[i];
		pick[i] = buf[i];
		lens[i] = 2;
	}
	assert_int_equal(sym_shamir_evaluate(shares, xs, MAX_N, 2, secret, 1,
	    coefficients), SYM_OK);
	assert_int_equal(sym_shamir_combine(out, pick, lens, MAX_N), SYM_OK);
	assert_int_equal(out[0], 0x42);
}

/* ---- x coordinates ---- */

static void
check_distinct_x(const struct shares *s, size_t secret_len)
{
	uint8_t seen[256] = { 0 };

	for (unsigned i = 0; i < s->n; i++) {
		uint8_t x = s->p[i][secret_len];

		if (x == 0 || seen[x])
			fail_msg("share %u has x %u (zero or repeated)", i, x);
		seen[x] = 1;
	}
}

static void
test_x_distinct_with_seeded_source(void **state)
{
	static const uint8_t secret[] = { 9, 8, 7 };
	struct source_ctx ctx;
	struct shares s;

	(void)state;
	shares_alloc(&s, 255, sizeof secret + 1);
	for (uint64_t seed = 1; seed <= 200; seed++) {
		unsigned n = seed % 2 ? 255 : (unsigned)(2 + seed % 50);

		memset(&ctx, 0, sizeof ctx);
		ctx.seed = seed;
		sym_random_set_source(test_source, &ctx);
		s.n = n;
		assert_int_equal(sym_shamir_split(s.p, n, 2, secret,
		    sizeof secret), SYM_OK);
		check_distinct_x(&s, sizeof secret);
		/* The whole shuffle from one pooled draw (rarely two). */
		assert_true(ctx.public_calls >= 1 && ctx.public_calls <= 2);
	}
	s.n = 255;
	shares_free(&s);
}

static void
test_x_distinct_with_constant_source(void **state)
{
	/* The most lopsided source that still terminates: every draw is 0.
	 * The shuffle must still give a permutation, and with zero
	 * coefficients every y byte is the secret byte. */
	static const uint8_t secret[] = { 0xAB, 0xCD };
	struct source_ctx ctx;
	struct shares s;

	(void)state;
	memset(&ctx, 0, sizeof ctx);
	ctx.public_zero = 1;
	ctx.secret_zero = 1;
	sym_random_set_source(test_source, &ctx);
	shares_alloc(&s, 255, sizeof secret + 1);
	assert_int_equal(sym_shamir_split(s.p, 255, 5, secret, sizeof secret),
	    SYM_OK);
	check_distinct_x(&s, sizeof secret);
	for (unsigned i = 0; i < 255; i++)
		assert_memory_equal(s.p[i], secret, sizeof secret);
	shares_free(&s);
}

static void
test_coefficients_are_secret_draws(void **state)
{
	/* Coefficients must come from draws marked SECRET (the
	 * constant-time test relies on it) and x from PUBLIC ones. */
	static const uint8_t secret[] = { 0x10, 0x20, 0x30, 0x40, 0x50 };
	struct source_ctx ctx;
	struct shares s;

	(void)state;
	memset(&ctx, 0, sizeof ctx);
	ctx.secret_zero = 1;	/* public draws from the CSPRNG */
	sym_random_set_source(test_source, &ctx);
	shares_alloc(&s, 7, sizeof secret + 1);
	assert_int_equal(sym_shamir_split(s.p, 7, 4, secret, sizeof secret),
	    SYM_OK);
	for (unsigned i = 0; i < 7; i++)
		assert_memory_equal(s.p[i], secret, sizeof secret);
	check_distinct_x(&s, sizeof secret);
	assert_true(ctx.secret_bytes >= 3 * sizeof secret);
	assert_true(ctx.public_calls >= 1 && ctx.public_calls <= 2);
	shares_free(&s);
}

static void
test_x_shuffle_statistics(void **state)
{
	/* 3000 splits of 255 shares with libsodium's CSPRNG (each split costs
	 * a sodium_malloc, so a few thousand is what a unit test affords).
	 * Every bound is more than 10 standard deviations from its mean, so
	 * none of them fails by chance in the lifetime of the project.
	 * - Each value v in 1..255 lands among the first 8 shares in about
	 *   3000 * 8 / 255 = 94 runs: require 20..250.
	 * - Position 0 alone: each value about 11.8 times; require at least
	 *   240 distinct values and no value more than 60 times.
	 * - Position i holds i + 1 (a fixed point) about once per run, and a
	 *   run has one with probability 1 - 1/e = 0.63: Sattolo's cyclic
	 *   shuffle (j < i) never leaves one, a sorted or identity draw
	 *   always does. */
	enum { RUNS = 3000 };
	static unsigned first8[256], first[256];
	static const uint8_t secret[] = { 0x5C };
	static struct pool pool;
	struct shares s;
	unsigned fixed_points = 0, fixed_point_runs = 0, distinct = 0;

	(void)state;
	memset(first8, 0, sizeof first8);
	memset(first, 0, sizeof first);
	pool.left = 0;
	sym_random_set_source(pooled_csprng_source, &pool);
	shares_alloc(&s, MAX_N, 2);
	for (unsigned r = 0; r < RUNS; r++) {
		unsigned fixed = 0;

		assert_int_equal(sym_shamir_split(s.p, MAX_N, 2, secret, 1),
		    SYM_OK);
		check_distinct_x(&s, 1);
		for (unsigned i = 0; i < MAX_N; i++) {
			uint8_t x = s.p[i][1];

			if (i < 8)
				first8[x]++;
			fixed += x == i + 1;
		}
		first[s.p[0][1]]++;
		fixed_points += fixed;
		fixed_point_runs += fixed > 0;
	}
	for (unsigned v = 1; v < 256; v++) {
		if (first8[v] < 20 || first8[v] > 250)
			fail_msg("x = %u among the first 8 shares %u times of "
			    "%u, expected about 94", v, first8[v], RUNS);
		assert_in_range(first[v], 0, 60);
		distinct += first[v] > 0;
	}
	assert_in_range(distinct, 240, 255);
	assert_in_range(fixed_points, RUNS / 2, RUNS * 2);
	assert_in_range(fixed_point_runs, RUNS / 2, RUNS * 3 / 4);
	shares_free(&s);
}

/* ---- a failing random source ---- */

static void
test_random_failure_wipes_shares(void **state)
{
	static const uint8_t secret[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	int code = SYM_EIO;
	struct shares s;

	(void)state;
	sym_random_set_source(always_fail_source, &code);
	shares_alloc(&s, 5, sizeof secret + 1);
	for (unsigned i = 0; i < 5; i++)
		memset(s.p[i], 0xAA, s.len);
	assert_int_equal(sym_shamir_split(s.p, 5, 3, secret, sizeof secret),
	    SYM_EIO);
	for (unsigned i = 0; i < 5; i++)
		assert_true(all_bytes_are(s.p[i], s.len, 0));

	code = SYM_ERANDOM;
	for (unsigned i = 0; i < 5; i++)
		memset(s.p[i], 0xAA, s.len);
	assert_int_equal(sym_shamir_split(s.p, 5, 3, secret, sizeof secret),
	    SYM_ERANDOM);
	for (unsigned i = 0; i < 5; i++)
		assert_true(all_bytes_are(s.p[i], s.len, 0));
	shares_free(&s);
}

static void
test_stuck_source_fails(void **state)
{
	/* A source stuck at 0xFF can never give j <= 254: rejection sampling
	 * must give up with SYM_ERANDOM rather than loop forever. */
	static const uint8_t secret[] = { 1, 2, 3 };
	struct source_ctx ctx;
	struct shares s;

	(void)state;
	memset(&ctx, 0, sizeof ctx);
	ctx.public_zero = 1;
	ctx.public_fill = 0xFF;
	sym_random_set_source(test_source, &ctx);
	shares_alloc(&s, 3, sizeof secret + 1);
	for (unsigned i = 0; i < 3; i++)
		memset(s.p[i], 0xAA, s.len);
	assert_int_equal(sym_shamir_split(s.p, 3, 2, secret, sizeof secret),
	    SYM_ERANDOM);
	for (unsigned i = 0; i < 3; i++)
		assert_true(all_bytes_are(s.p[i], s.len, 0));
	shares_free(&s);
}

static void
test_late_random_failure_wipes_shares(void **state)
{
	/* The source fails on the second block of coefficients, after the
	 * first 4096 y bytes of every share have been written. */
	enum { LEN = 5000 };
	uint8_t *secret = sym_secmem_alloc(LEN);
	struct source_ctx ctx;
	struct shares s;

	(void)state;
	assert_non_null(secret);
	memset(secret, 0x3C, LEN);
	memset(&ctx, 0, sizeof ctx);
	ctx.fail_code = SYM_EIO;
	ctx.fail_after_secret = 1;
	sym_random_set_source(test_source, &ctx);
	shares_alloc(&s, 4, LEN + 1);
	for (unsigned i = 0; i < 4; i++)
		memset(s.p[i], 0xAA, s.len);
	assert_int_equal(sym_shamir_split(s.p, 4, 2, secret, LEN), SYM_EIO);
	assert_int_equal(ctx.secret_calls, 1);
	for (unsigned i = 0; i < 4; i++)
		assert_true(all_bytes_are(s.p[i], s.len, 0));
	shares_free(&s);
	sym_secmem_free(secret);
}

static void
test_known_answers_under_every_kernel(void **state)
{
	/* The known answers above, and a large split and combine, with each
	 * kernel this machine runs: all must give the same bytes. */
	for (int k = 0; k < SYM_GF256_KERNELS; k++) {
		if (sym_gf256_use_kernel((enum sym_gf256_kernel)k) != SYM_OK)
			continue;
		test_evaluate_known_answer_t2(state);
		test_evaluate_known_answer_t3(state);
		test_evaluate_matches_direct_polynomial(state);
		test_split_large_secret(state);
	}
	sym_gf256_use_kernel_default();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evaluate_known_answer_t2),
		cmocka_unit_test(test_evaluate_known_answer_t3),
		cmocka_unit_test(test_known_answers_under_every_kernel),
		cmocka_unit_test(test_evaluate_matches_direct_polynomial),
		cmocka_unit_test(test_every_intercept_interpolates),
		cmocka_unit_test(test_below_threshold_gives_wrong_secret),
		cmocka_unit_test(test_below_threshold_split),
		cmocka_unit_test(test_split_test_5_of_3_every_subset),
		cmocka_unit_test(test_split_boundaries),
		cmocka_unit_test(test_split_large_secret),
		cmocka_unit_test(test_split_invalid_parameters),
		cmocka_unit_test(test_check_and_combine_refuse),
		cmocka_unit_test(test_check_codes_are_distinct),
		cmocka_unit_test(test_combine_all_255_x),
		cmocka_unit_test_teardown(test_x_distinct_with_seeded_source,
		    restore_source),
		cmocka_unit_test_teardown(test_x_distinct_with_constant_source,
		    restore_source),
		cmocka_unit_test_teardown(test_coefficients_are_secret_draws,
		    restore_source),
		cmocka_unit_test_teardown(test_x_shuffle_statistics,
		    restore_source),
		cmocka_unit_test_teardown(test_random_failure_wipes_shares,
		    restore_source),
		cmocka_unit_test_teardown(test_stuck_source_fails,
		    restore_source),
		cmocka_unit_test_teardown(test_late_random_failure_wipes_shares,
		    restore_source),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("shamir", tests, NULL, NULL);
}
