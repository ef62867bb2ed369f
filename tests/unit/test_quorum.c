/* Unit tests for the quorum: bound by the first share or by a manifest,
 * checked before any secret is asked for, refusals that leave it as it
 * was, and recovery checked against the secret commitment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "symbolon/deal.h"
#include "symbolon/quorum.h"
#include "symbolon/secmem.h"

#define SECRET_LEN 24

static uint8_t *secret;
static struct sym_deal_output a, other;
static struct sym_share *shares[3], *stranger;

static int
setup(void **state)
{
	struct sym_deal d = { .threshold = 2, .count = 3, .created = 1,
	    .secret_len = SECRET_LEN };

	(void)state;
	if (sym_secmem_init() != SYM_OK ||
	    (secret = sym_secmem_alloc(SECRET_LEN)) == NULL)
		return -1;
	memset(secret, 0xC3, SECRET_LEN);
	d.secret = secret;
	if (sym_deal_run(&a, &d) != SYM_OK || sym_deal_run(&other, &d) != SYM_OK)
		return -1;
	for (unsigned i = 0; i < 3; i++)
		if (sym_share_parse(&shares[i], a.shares[i], a.share_lens[i]) !=
		    SYM_OK)
			return -1;
	return sym_share_parse(&stranger, other.shares[0],
	    other.share_lens[0]) == SYM_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 3; i++)
		sym_share_free(shares[i]);
	sym_share_free(stranger);
	sym_deal_output_free(&a);
	sym_deal_output_free(&other);
	sym_secmem_free(secret);
	return 0;
}

static void
test_bound_by_first_share(void **state)
{
	struct sym_quorum *q = NULL;
	uint8_t *out = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	assert_null(sym_quorum_set_id(q));
	assert_null(sym_quorum_signer(q));
	assert_int_equal(sym_quorum_threshold(q), 0);
	assert_int_equal(sym_quorum_add(q, shares[1]), SYM_OK);
	assert_int_equal(sym_quorum_threshold(q), 2);
	assert_memory_equal(sym_quorum_set_id(q), a.record->set_id,
	    SYM_SET_ID_BYTES);
	assert_memory_equal(sym_quorum_signer(q), a.record->signer,
	    SYM_SIGN_PUBLICKEY_BYTES);
	assert_true(sym_quorum_has_index(q, 2));
	assert_false(sym_quorum_has_index(q, 1));
	assert_false(sym_quorum_has_index(q, 999));
	assert_int_equal(sym_quorum_recover(&out, &len, q), SYM_ETOOFEW);
	/* Refusals leave the quorum as it was. */
	assert_int_equal(sym_quorum_check(q, stranger), SYM_EWRONGSET);
	assert_int_equal(sym_quorum_add(q, stranger), SYM_EWRONGSET);
	assert_int_equal(sym_quorum_check(q, shares[1]), SYM_EDUPSHARE);
	assert_int_equal(sym_quorum_add(q, shares[1]), SYM_EDUPSHARE);
	assert_int_equal(sym_quorum_count(q), 1);
	assert_int_equal(sym_quorum_add(q, shares[2]), SYM_OK);
	assert_int_equal(sym_quorum_recover(&out, &len, q), SYM_OK);
	assert_int_equal(len, SECRET_LEN);
	assert_memory_equal(out, secret, SECRET_LEN);
	sym_secmem_free(out);
	sym_quorum_free(q);
}

static void
test_bound_by_manifest(void **state)
{
	struct sym_quorum *q = NULL;

	(void)state;
	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	assert_int_equal(sym_quorum_set_manifest(q, a.record), SYM_OK);
	assert_int_equal(sym_quorum_threshold(q), 2);
	assert_int_equal(sym_quorum_generation(q), 0);
	assert_int_not_equal(sym_quorum_check(q, stranger), SYM_OK);
	assert_int_equal(sym_quorum_add(q, shares[0]), SYM_OK);
	/* Too late to pin a manifest once a share is in. */
	assert_int_equal(sym_quorum_set_manifest(q, a.record), SYM_EUSAGE);
	sym_quorum_free(q);
}

static void
test_sealed_share_is_checked_not_added(void **state)
{
	struct sym_quorum *q = NULL;
	struct sym_share sealed = *shares[0];

	(void)state;
	sealed.raw = NULL;
	sealed.raw_len = 0;
	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	assert_int_equal(sym_quorum_check(q, &sealed), SYM_OK);
	assert_int_equal(sym_quorum_add(q, &sealed), SYM_EUSAGE);
	assert_int_equal(sym_quorum_count(q), 0);
	sym_quorum_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bound_by_first_share),
		cmocka_unit_test(test_bound_by_manifest),
		cmocka_unit_test(test_sealed_share_is_checked_not_added),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
