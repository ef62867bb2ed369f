/* Unit tests for the one source of randomness: the replaceable source,
 * error propagation, and the uniform public byte by rejection sampling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "symbolon/random.h"
#include "symbolon/secmem.h"

struct counting {
	unsigned calls;
	size_t bytes;
	enum sym_random_use last_use;
	unsigned next;		/* next byte of the 0..255 cycle */
	unsigned limit;		/* bytes to hand out before failing */
	int fail_code;
	uint8_t fill;
	int use_fill;
};

static int
counting_source(void *ctx, uint8_t *out, size_t len, enum sym_random_use use)
{
	struct counting *c = ctx;

	c->calls++;
	c->last_use = use;
	for (size_t i = 0; i < len; i++) {
		if (c->bytes >= c->limit)
			return c->fail_code;
		out[i] = c->use_fill ? c->fill : (uint8_t)(c->next++ & 0xFF);
		c->bytes++;
	}
	return SYM_OK;
}

static int
restore_source(void **state)
{
	(void)state;
	sym_random_set_source(NULL, NULL);
	return 0;
}

static void
test_default_source_is_random(void **state)
{
	uint8_t a[32], b[32], zero[32] = { 0 };

	(void)state;
	assert_int_equal(sym_random_bytes(a, sizeof a, SYM_RANDOM_SECRET),
	    SYM_OK);
	assert_int_equal(sym_random_bytes(b, sizeof b, SYM_RANDOM_PUBLIC),
	    SYM_OK);
	/* Equal by chance with probability 2^-256. */
	assert_memory_not_equal(a, b, sizeof a);
	assert_memory_not_equal(a, zero, sizeof a);
}

static void
test_installed_source_is_used(void **state)
{
	struct counting c = { .limit = 1000, .fail_code = SYM_EINTERNAL };
	uint8_t buf[8];
	uint8_t want[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

	(void)state;
	sym_random_set_source(counting_source, &c);
	assert_int_equal(sym_random_bytes(buf, sizeof buf, SYM_RANDOM_SECRET),
	    SYM_OK);
	assert_memory_equal(buf, want, sizeof buf);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.last_use, SYM_RANDOM_SECRET);
	assert_int_equal(sym_random_bytes(buf, 3, SYM_RANDOM_PUBLIC), SYM_OK);
	assert_int_equal(c.last_use, SYM_RANDOM_PUBLIC);
	assert_int_equal(buf[0], 8);
	/* Nothing asked, nothing drawn. */
	assert_int_equal(sym_random_bytes(buf, 0, SYM_RANDOM_SECRET), SYM_OK);
	assert_int_equal(c.calls, 2);

	/* NULL restores libsodium's CSPRNG. */
	sym_random_set_source(NULL, NULL);
	assert_int_equal(sym_random_bytes(buf, sizeof buf, SYM_RANDOM_SECRET),
	    SYM_OK);
	assert_int_equal(c.calls, 2);
}

static void
test_source_error_is_returned(void **state)
{
	struct counting c = { .limit = 0, .fail_code = SYM_EIO };
	uint8_t buf[4], x = 0;

	(void)state;
	sym_random_set_source(counting_source, &c);
	assert_int_equal(sym_random_bytes(buf, sizeof buf, SYM_RANDOM_SECRET),
	    SYM_EIO);
	assert_int_equal(sym_random_uniform_byte(&x, 10), SYM_EIO);
	c.fail_code = SYM_ERANDOM;
	assert_int_equal(sym_random_uniform_byte(&x, 255), SYM_ERANDOM);
}

static void
test_uniform_byte_exact_counts(void **state)
{
	/* Given each of the 256 byte values once, a correct rejection
	 * sampler returns every value of [0, upper] equally often and
	 * nothing above upper.  (Reducing modulo upper + 1 would not.) */
	(void)state;
	for (unsigned upper = 0; upper < 256; upper++) {
		struct counting c = { .limit = 256,
		    .fail_code = SYM_EINTERNAL };
		unsigned counts[256] = { 0 }, total = 0;
		uint8_t x;
		int rc;

		sym_random_set_source(counting_source, &c);
		while ((rc = sym_random_uniform_byte(&x, (uint8_t)upper)) ==
		    SYM_OK) {
			if (x > upper)
				fail_msg("upper %u gave %u", upper, x);
			assert_int_equal(c.last_use, SYM_RANDOM_PUBLIC);
			counts[x]++;
			total++;
		}
		assert_int_equal(rc, SYM_EINTERNAL);
		assert_true(total >= 128);	/* at least half accepted */
		for (unsigned v = 1; v <= upper; v++)
			if (counts[v] != counts[0])
				fail_msg("upper %u: %u came %u times, 0 came %u",
				    upper, v, counts[v], counts[0]);
		assert_int_equal(counts[0] * (upper + 1), total);
	}
}

static void
test_uniform_byte_stuck_source(void **state)
{
	/* A source stuck at 0xFF never gives a value <= 0x80 (or anything
	 * below 0xFF): the sampler must give up, not spin forever. */
	struct counting c = { .limit = 1u << 30, .use_fill = 1, .fill = 0xFF };
	uint8_t x = 0;

	(void)state;
	sym_random_set_source(counting_source, &c);
	assert_int_equal(sym_random_uniform_byte(&x, 0x80), SYM_ERANDOM);
	assert_int_equal(sym_random_uniform_byte(&x, 254), SYM_ERANDOM);
	assert_true(c.calls >= 2);
	/* But 0xFF is fine when it is in range. */
	assert_int_equal(sym_random_uniform_byte(&x, 255), SYM_OK);
	assert_int_equal(x, 0xFF);
	/* And upper = 0 always gives 0. */
	c.fill = 0x00;
	assert_int_equal(sym_random_uniform_byte(&x, 0), SYM_OK);
	assert_int_equal(x, 0);
}

static void
test_uniform_byte_with_csprng(void **state)
{
	/* 30000 draws in [0, 2]: each value about 10000 times, standard
	 * deviation 82; the bounds are 12 deviations away. */
	unsigned counts[3] = { 0 };

	(void)state;
	for (unsigned i = 0; i < 30000; i++) {
		uint8_t x = 0xEE;

		assert_int_equal(sym_random_uniform_byte(&x, 2), SYM_OK);
		assert_in_range(x, 0, 2);
		counts[x]++;
	}
	for (unsigned v = 0; v < 3; v++)
		assert_in_range(counts[v], 9000, 11000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_source_is_random),
		cmocka_unit_test_teardown(test_installed_source_is_used,
		    restore_source),
		cmocka_unit_test_teardown(test_source_error_is_returned,
		    restore_source),
		cmocka_unit_test_teardown(test_uniform_byte_exact_counts,
		    restore_source),
		cmocka_unit_test_teardown(test_uniform_byte_stuck_source,
		    restore_source),
		cmocka_unit_test(test_uniform_byte_with_csprng),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("random", tests, NULL, NULL);
}
