/* Unit tests for the share set: shares checked one at a time as they
 * arrive, refusals that leave the set as it was, and recovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "symbolon/secmem.h"
#include "symbolon/shamir.h"
#include "symbolon/shareset.h"

#define SECRET_LEN 4
#define SHARE_LEN (SECRET_LEN + SYM_SHAMIR_SHARE_OVERHEAD)

static const uint8_t secret[SECRET_LEN] = { 0xDE, 0xAD, 0xBE, 0xEF };

/* Five shares of secret, threshold 3, at x = 1..5 (known coefficients so
 * the test does not depend on the random source). */
static uint8_t share_bytes[5][SHARE_LEN];

static int
make_shares(void **state)
{
	static const uint8_t xs[5] = { 1, 2, 3, 4, 5 };
	static const uint8_t coefficients[2 * SECRET_LEN] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,
	};
	uint8_t *shares[5];

	(void)state;
	for (unsigned i = 0; i < 5; i++)
		shares[i] = share_bytes[i];
	return sym_shamir_evaluate(shares, xs, 5, 3, secret, SECRET_LEN,
	    coefficients) == SYM_OK ? 0 : -1;
}

/* The set holds exactly the shares with the given x, in that order, and
 * still recovers the secret when it has at least 3 of them. */
static void
assert_set_holds(const struct sym_shareset *set, const uint8_t *xs,
    size_t k)
{
	uint8_t out[SECRET_LEN];

	assert_int_equal(sym_shareset_count(set), k);
	assert_int_equal(sym_shareset_secret_len(set), k ? SECRET_LEN : 0);
	for (size_t i = 0; i < k; i++)
		assert_int_equal(sym_shareset_x(set, i), xs[i]);
	if (k >= 3) {
		memset(out, 0, sizeof out);
		assert_int_equal(sym_shareset_combine(out, set), SYM_OK);
		assert_memory_equal(out, secret, SECRET_LEN);
	}
}

static void
test_empty_set(void **state)
{
	struct sym_shareset *set = NULL;
	uint8_t out[SECRET_LEN];

	(void)state;
	assert_int_equal(sym_shareset_new(&set), SYM_OK);
	assert_non_null(set);
	assert_int_equal(sym_shareset_count(set), 0);
	assert_int_equal(sym_shareset_secret_len(set), 0);
	assert_int_equal(sym_shareset_combine(out, set), SYM_ETOOFEW);
	sym_shareset_free(set);
	sym_shareset_free(NULL);
}

static void
test_three_of_five_recover(void **state)
{
	static const uint8_t order[3] = { 4, 0, 2 };
	static const uint8_t want_x[3] = { 5, 1, 3 };
	struct sym_shareset *set = NULL;
	uint8_t out[SECRET_LEN];

	(void)state;
	assert_int_equal(sym_shareset_new(&set), SYM_OK);
	assert_int_equal(sym_shareset_add(set, share_bytes[order[0]],
	    SHARE_LEN), SYM_OK);
	/* One share is not enough to combine. */
	assert_int_equal(sym_shareset_combine(out, set), SYM_ETOOFEW);
	assert_int_equal(sym_shareset_add(set, share_bytes[order[1]],
	    SHARE_LEN), SYM_OK);
	assert_int_equal(sym_shareset_add(set, share_bytes[order[2]],
	    SHARE_LEN), SYM_OK);
	assert_set_holds(set, want_x, 3);
	sym_shareset_free(set);
}

static void
test_add_copies_the_share(void **state)
{
	struct sym_shareset *set = NULL;
	uint8_t scratch[SHARE_LEN];
	uint8_t out[SECRET_LEN];
	static const uint8_t want_x[3] = { 2, 3, 4 };

	(void)state;
	assert_int_equal(sym_shareset_new(&set), SYM_OK);
	for (unsigned i = 1; i <= 3; i++) {
		memcpy(scratch, share_bytes[i], SHARE_LEN);
		assert_int_equal(sym_shareset_add(set, scratch, SHARE_LEN),
		    SYM_OK);
		/* The caller wipes its buffer straight after adding. */
		memset(scratch, 0, sizeof scratch);
	}
	assert_set_holds(set, want_x, 3);
	assert_int_equal(sym_shareset_combine(out, set), SYM_OK);
	assert_memory_equal(out, secret, SECRET_LEN);
	sym_shareset_free(set);
}

static void
test_refusals_leave_set_unchanged(void **state)
{
	static const uint8_t want_x[3] = { 1, 2, 3 };
	struct sym_shareset *set = NULL;
	uint8_t bad[SHARE_LEN + 1];

	(void)state;
	assert_int_equal(sym_shareset_new(&set), SYM_OK);

	/* Refusals on an empty set keep it empty. */
	assert_int_equal(sym_shareset_add(set, share_bytes[0], 1),
	    SYM_EEMPTYSHARE);
	assert_int_equal(sym_shareset_add(set, share_bytes[0], 0),
	    SYM_EEMPTYSHARE);
	memcpy(bad, share_bytes[0], SHARE_LEN);
	bad[SECRET_LEN] = 0;
	assert_int_equal(sym_shareset_add(set, bad, SHARE_LEN), SYM_EZEROX);
	assert_set_holds(set, want_x, 0);

	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(sym_shareset_add(set, share_bytes[i],
		    SHARE_LEN), SYM_OK);
	assert_set_holds(set, want_x, 3);

	/* Only x: no y byte. */
	bad[0] = 4;
	assert_int_equal(sym_shareset_add(set, bad, 1), SYM_EEMPTYSHARE);
	assert_set_holds(set, want_x, 3);

	/* x = 0. */
	memcpy(bad, share_bytes[3], SHARE_LEN);
	bad[SECRET_LEN] = 0;
	assert_int_equal(sym_shareset_add(set, bad, SHARE_LEN), SYM_EZEROX);
	assert_set_holds(set, want_x, 3);

	/* One byte too short, one byte too long (x = 4, new to the set). */
	memcpy(bad, share_bytes[3] + 1, SHARE_LEN - 1);
	assert_int_equal(sym_shareset_add(set, bad, SHARE_LEN - 1),
	    SYM_ESHARELEN);
	assert_set_holds(set, want_x, 3);
	bad[0] = 0x00;
	memcpy(bad + 1, share_bytes[3], SHARE_LEN);
	assert_int_equal(sym_shareset_add(set, bad, SHARE_LEN + 1),
	    SYM_ESHARELEN);
	assert_set_holds(set, want_x, 3);

	/* The same share again, and another share with an x already held:
	 * the first share stays, the newcomer is refused. */
	assert_int_equal(sym_shareset_add(set, share_bytes[1], SHARE_LEN),
	    SYM_EDUPSHARE);
	assert_set_holds(set, want_x, 3);
	memcpy(bad, share_bytes[4], SHARE_LEN);
	bad[SECRET_LEN] = 2;
	assert_int_equal(sym_shareset_add(set, bad, SHARE_LEN),
	    SYM_EDUPSHARE);
	assert_set_holds(set, want_x, 3);

	/* After all that, a good share is still accepted. */
	assert_int_equal(sym_shareset_add(set, share_bytes[4], SHARE_LEN),
	    SYM_OK);
	assert_int_equal(sym_shareset_count(set), 4);
	assert_int_equal(sym_shareset_x(set, 3), 5);
	assert_set_holds(set, (const uint8_t[]){ 1, 2, 3, 5 }, 4);
	sym_shareset_free(set);
}

static void
test_full_set_refuses_256th(void **state)
{
	/* All 255 possible x of f(x) = s + 0x99 x (t = 2), then one more. */
	enum { N = SYM_SHAMIR_MAX_SHARES };
	static const uint8_t coefficients[SECRET_LEN] = { 0x99, 0x98, 0x97,
	    0x96 };
	static uint8_t bufs[N][SHARE_LEN], xs[N];
	uint8_t *shares[N];
	uint8_t extra[SHARE_LEN], out[SECRET_LEN];
	struct sym_shareset *set = NULL;

	(void)state;
	for (unsigned i = 0; i < N; i++) {
		xs[i] = (uint8_t)(i + 1);
		shares[i] = bufs[i];
	}
	assert_int_equal(sym_shamir_evaluate(shares, xs, N, 2, secret,
	    SECRET_LEN, coefficients), SYM_OK);
	assert_int_equal(sym_shareset_new(&set), SYM_OK);
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(sym_shareset_add(set, bufs[N - 1 - i],
		    SHARE_LEN), SYM_OK);
	assert_int_equal(sym_shareset_count(set), N);
	assert_int_equal(sym_shareset_x(set, 0), 255);
	assert_int_equal(sym_shareset_x(set, N - 1), 1);

	memcpy(extra, bufs[6], SHARE_LEN);
	extra[0] ^= 0x01;
	assert_int_equal(sym_shareset_add(set, extra, SHARE_LEN),
	    SYM_ETOOBIG);
	assert_int_equal(sym_shareset_count(set), N);
	memset(out, 0, sizeof out);
	assert_int_equal(sym_shareset_combine(out, set), SYM_OK);
	assert_memory_equal(out, secret, SECRET_LEN);
	sym_shareset_free(set);
}

static void
test_refusal_codes_are_distinct(void **state)
{
	static const int codes[] = { SYM_EEMPTYSHARE, SYM_EZEROX,
	    SYM_ESHARELEN, SYM_EDUPSHARE, SYM_ETOOBIG };

	(void)state;
	for (size_t i = 0; i < 5; i++)
		for (size_t j = i + 1; j < 5; j++)
			assert_int_not_equal(codes[i], codes[j]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_set),
		cmocka_unit_test(test_three_of_five_recover),
		cmocka_unit_test(test_add_copies_the_share),
		cmocka_unit_test(test_refusals_leave_set_unchanged),
		cmocka_unit_test(test_full_set_refuses_256th),
		cmocka_unit_test(test_refusal_codes_are_distinct),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("shareset", tests, make_shares,
	    NULL);
}
