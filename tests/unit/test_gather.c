/* Unit tests for the share-gathering engine: bundles accepted in any
 * order, each refusal reported as data (duplicate, another set, another
 * generation, a sealed share without its key, mixed kinds), too few
 * shares, and Vault-format text shares. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "symbolon/bundle.h"
#include "symbolon/codec.h"
#include "symbolon/deal.h"
#include "symbolon/gather.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"

#define SECRET_LEN 32

static uint8_t *secret;
/* a: set A generation 0; b: another set; c: set A, generation 1. */
static struct sym_deal_output deal_a, deal_b, deal_c;

static int
setup(void **state)
{
	struct sym_deal d = { .threshold = 2, .count = 3, .created = 1 };

	(void)state;
	if (sym_secmem_init() != SYM_OK ||
	    (secret = sym_secmem_alloc(SECRET_LEN)) == NULL)
		return -1;
	for (unsigned i = 0; i < SECRET_LEN; i++)
		secret[i] = (uint8_t)(i * 7 + 1);
	d.secret = secret;
	d.secret_len = SECRET_LEN;
	if (sym_deal_run(&deal_a, &d) != SYM_OK ||
	    sym_deal_run(&deal_b, &d) != SYM_OK)
		return -1;
	d.set_id = deal_a.record->set_id;
	d.generation = 1;
	return sym_deal_run(&deal_c, &d) == SYM_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	sym_deal_output_free(&deal_a);
	sym_deal_output_free(&deal_b);
	sym_deal_output_free(&deal_c);
	sym_secmem_free(secret);
	return 0;
}

/* A fresh engine for bundles (and, with text, for text shares). */
static void
engine_new(struct sym_gather *g, struct sym_shareset **text)
{
	memset(g, 0, sizeof *g);
	assert_int_equal(sym_quorum_new(&g->quorum), SYM_OK);
	if (text != NULL) {
		assert_int_equal(sym_shareset_new(text), SYM_OK);
		g->text = *text;
		g->format = SYM_TEXT_VAULT;
	}
}

static int
add_share(struct sym_gather *g, const struct sym_deal_output *d, unsigned i,
    struct sym_gather_report *r)
{
	return sym_gather_add(g, d->shares[i], d->share_lens[i],
	    SYM_GATHER_FILE, r);
}

static void
test_bundles_recover(void **state)
{
	struct sym_gather g;
	struct sym_gather_report r;
	uint8_t *out = NULL;
	size_t len = 0;

	(void)state;
	engine_new(&g, NULL);
	assert_int_equal(sym_gather_needed(&g), 0);
	assert_int_equal(add_share(&g, &deal_a, 2, &r), SYM_OK);
	assert_int_equal(r.refusal, SYM_GATHER_ACCEPTED);
	assert_true(r.have_share);
	assert_int_equal(r.index, 3);
	assert_int_equal(r.count, 3);
	assert_int_equal(sym_gather_needed(&g), 2);
	assert_int_equal(sym_gather_count(&g), 1);
	assert_int_equal(sym_gather_recover(&out, &len, &g), SYM_ETOOFEW);
	assert_null(out);
	assert_int_equal(add_share(&g, &deal_a, 0, &r), SYM_OK);
	assert_int_equal(sym_gather_recover(&out, &len, &g), SYM_OK);
	assert_int_equal(len, SECRET_LEN);
	assert_memory_equal(out, secret, SECRET_LEN);
	sym_secmem_free(out);
	sym_quorum_free(g.quorum);
}

static void
test_refuses_duplicate(void **state)
{
	struct sym_gather g;
	struct sym_gather_report r;
	char why[256];

	(void)state;
	engine_new(&g, NULL);
	assert_int_equal(add_share(&g, &deal_a, 0, &r), SYM_OK);
	assert_int_equal(add_share(&g, &deal_a, 0, &r), SYM_EDUPSHARE);
	assert_int_equal(r.refusal, SYM_GATHER_DUPLICATE);
	assert_int_equal(r.index, 1);
	assert_int_equal(sym_gather_count(&g), 1);
	assert_int_equal(sym_gather_explain(why, sizeof why, &r, "s1"), 1);
	assert_string_equal(why, "s1: share 1 of 3 was already entered");
	assert_int_equal(sym_exit_status(r.code), 1);
	sym_quorum_free(g.quorum);
}

static void
test_refuses_wrong_set(void **state)
{
	struct sym_gather g;
	struct sym_gather_report r;
	char why[256], want[SYM_SET_ID_TEXT_MAX], have[SYM_SET_ID_TEXT_MAX];
	char expected[256];

	(void)state;
	engine_new(&g, NULL);
	assert_int_equal(add_share(&g, &deal_a, 0, &r), SYM_OK);
	assert_int_equal(add_share(&g, &deal_b, 1, &r), SYM_EWRONGSET);
	assert_int_equal(r.refusal, SYM_GATHER_WRONG_SET);
	assert_false(r.against_image);
	assert_memory_equal(r.expected_set, deal_a.record->set_id,
	    SYM_SET_ID_BYTES);
	assert_memory_equal(r.set_id, deal_b.record->set_id, SYM_SET_ID_BYTES);
	sym_set_id_text(want, deal_a.record->set_id);
	sym_set_id_text(have, deal_b.record->set_id);
	snprintf(expected, sizeof expected, "b: share belongs to set %s, not %s",
	    have, want);
	assert_int_equal(sym_gather_explain(why, sizeof why, &r, "b"), 1);
	assert_string_equal(why, expected);
	assert_int_equal(sym_gather_count(&g), 1);
	sym_quorum_free(g.quorum);
}

static void
test_refuses_wrong_generation(void **state)
{
	struct sym_gather g;
	struct sym_gather_report r;
	char why[256];

	(void)state;
	engine_new(&g, NULL);
	assert_int_equal(add_share(&g, &deal_c, 0, &r), SYM_OK);
	assert_int_equal(add_share(&g, &deal_a, 1, &r), SYM_EGENERATION);
	assert_int_equal(r.refusal, SYM_GATHER_WRONG_GENERATION);
	assert_int_equal(r.generation, 0);
	assert_int_equal(r.expected_generation, 1);
	assert_int_equal(sym_gather_explain(why, sizeof why, &r, "old"), 1);
	assert_string_equal(why, "old: share is of generation 0, not 1 "
	    "(replaced by a rekey)");
	sym_quorum_free(g.quorum);
}

static void
test_refuses_against_manifest(void **state)
{
	struct sym_gather g;
	struct sym_gather_report r;
	char path[] = "/tmp/test_gather_XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(sym_bundle_write_file(path, deal_a.manifest,
	    deal_a.manifest_len, 0, SYM_IO_NO_OVERWRITE), SYM_OK);
	engine_new(&g, NULL);
	assert_int_equal(sym_gather_load_manifest(&g, path), SYM_OK);
	unlink(path);
	assert_int_equal(g.kind, SYM_GATHER_BUNDLES);
	assert_int_equal(sym_gather_needed(&g), 2);
	/* Refused before any share is in: the manifest says the set. */
	assert_int_equal(add_share(&g, &deal_b, 0, &r), SYM_EWRONGSET);
	assert_int_equal(r.refusal, SYM_GATHER_WRONG_SET);
	assert_int_equal(add_share(&g, &deal_c, 0, &r), SYM_EGENERATION);
	assert_int_equal(sym_gather_count(&g), 0);
	sym_quorum_free(g.quorum);
}

static void
test_refuses_sealed_without_key(void **state)
{
	struct sym_identity_secret *id = NULL;
	struct sym_deal_holder holders[2] = { 0 };
	struct sym_deal d = { .secret = secret, .secret_len = SECRET_LEN,
	    .threshold = 2, .count = 2, .holders = holders };
	struct sym_deal_output out;
	struct sym_gather g;
	struct sym_gather_report r;
	char why[256];

	(void)state;
	assert_int_equal(sym_identity_generate(&id, "Alice", 1), SYM_OK);
	for (unsigned i = 0; i < 2; i++) {
		holders[i].name = "Alice";
		holders[i].protection = SYM_SHARE_TO_IDENTITY;
		holders[i].recipient = &id->pub;
	}
	assert_int_equal(sym_deal_run(&out, &d), SYM_OK);
	engine_new(&g, NULL);
	assert_int_equal(add_share(&g, &out, 0, &r), SYM_EUSAGE);
	assert_int_equal(r.refusal, SYM_GATHER_NO_IDENTITY);
	assert_int_equal(sym_gather_explain(why, sizeof why, &r, "a"), 1);
	assert_string_equal(why, "a: share 1 of 2 is encrypted to Alice; give "
	    "that holder's key with --identity");
	assert_int_equal(sym_exit_status(r.code), 2);
	sym_quorum_free(g.quorum);
	sym_deal_output_free(&out);
	sym_identity_secret_free(id);
}

/* Three Vault text shares of secret, one a line, base64. */
static char *
text_shares(size_t *len)
{
	char *text = sym_secmem_alloc(1024);
	uint8_t *shares[3];
	size_t used = 0;

	assert_non_null(text);
	for (unsigned i = 0; i < 3; i++)
		assert_non_null(shares[i] = sym_secmem_alloc(SECRET_LEN + 1));
	assert_int_equal(sym_shamir_split(shares, 3, 2, secret, SECRET_LEN),
	    SYM_OK);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(sym_codec_encode(text + used, 1024 - used,
		    shares[i], SECRET_LEN + 1, SYM_TEXT_BASE64), SYM_OK);
		used += strlen(text + used);
		text[used++] = '\n';
		sym_secmem_free(shares[i]);
	}
	*len = used;
	return text;
}

static void
test_text_shares(void **state)
{
	struct sym_gather g;
	struct sym_gather_report r;
	struct sym_shareset *set = NULL;
	uint8_t *out = NULL;
	size_t len = 0, out_len = 0;
	char *text = text_shares(&len);

	(void)state;
	engine_new(&g, &set);
	g.text_threshold = 3;
	assert_int_equal(sym_gather_needed(&g), 3);
	assert_int_equal(sym_gather_add(&g, (uint8_t *)text, len,
	    SYM_GATHER_FILE, &r), SYM_OK);
	assert_int_equal(g.kind, SYM_GATHER_TEXT);
	assert_int_equal(r.text_added, 3);
	assert_int_equal(sym_gather_count(&g), 3);
	assert_int_equal(sym_gather_recover(&out, &out_len, &g), SYM_OK);
	assert_int_equal(out_len, SECRET_LEN);
	assert_memory_equal(out, secret, SECRET_LEN);
	sym_secmem_free(out);
	/* A bundle among text shares is refused, not taken. */
	assert_int_equal(add_share(&g, &deal_a, 0, &r), SYM_EUSAGE);
	assert_int_equal(r.refusal, SYM_GATHER_MIXED);
	assert_int_equal(sym_gather_count(&g), 3);
	sym_secmem_free(text);
	sym_shareset_free(set);
	sym_quorum_free(g.quorum);
}

static void
test_text_refusals(void **state)
{
	static const char bad[] = "\n# not a share\n";
	static const char blank[] = "\n  \n";
	struct sym_gather g;
	struct sym_gather_report r;
	struct sym_shareset *set = NULL;
	size_t len = 0;
	char *text = text_shares(&len), why[256], expected[256];

	(void)state;
	engine_new(&g, &set);
	/* The second line repeats the first: refused at line 2. */
	memcpy(text + len, text, len);
	assert_int_not_equal(sym_gather_add(&g, (uint8_t *)text, 2 * len,
	    SYM_GATHER_FILE, &r), SYM_OK);
	assert_int_equal(r.line, 4);
	assert_int_equal(r.code, SYM_EDUPSHARE);
	assert_int_equal(sym_gather_explain(why, sizeof why, &r, "f"), 1);
	snprintf(expected, sizeof expected, "f:4: %s",
	    sym_strerror(SYM_EDUPSHARE));
	assert_string_equal(why, expected);
	assert_int_equal(sym_gather_count(&g), 3);
	assert_int_not_equal(sym_gather_add(&g, (const uint8_t *)bad,
	    sizeof bad - 1, SYM_GATHER_FILE, &r), SYM_OK);
	assert_int_equal(r.line, 2);
	assert_int_equal(sym_gather_add(&g, (const uint8_t *)blank,
	    sizeof blank - 1, SYM_GATHER_FILE, &r), SYM_EFORMAT);
	assert_int_equal(r.refusal, SYM_GATHER_NO_SHARE);
	sym_secmem_free(text);
	sym_shareset_free(set);
	sym_quorum_free(g.quorum);
}

static void
test_refusal_decides_no_kind(void **state)
{
	/* A blank text file first, then a bundle: the bundle is taken (a
	 * refused input leaves the engine as it was). */
	static const char blank[] = "\n  \n";
	struct sym_gather g;
	struct sym_gather_report r;
	struct sym_shareset *set = NULL;

	(void)state;
	engine_new(&g, &set);
	assert_int_equal(sym_gather_add(&g, (const uint8_t *)blank,
	    sizeof blank - 1, SYM_GATHER_FILE, &r), SYM_EFORMAT);
	assert_int_equal(sym_gather_count(&g), 0);
	assert_int_equal(add_share(&g, &deal_a, 1, &r), SYM_OK);
	assert_int_equal(r.refusal, SYM_GATHER_ACCEPTED);
	assert_int_equal(sym_gather_needed(&g), 2);
	sym_shareset_free(set);
	sym_quorum_free(g.quorum);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundles_recover),
		cmocka_unit_test(test_refuses_duplicate),
		cmocka_unit_test(test_refuses_wrong_set),
		cmocka_unit_test(test_refuses_wrong_generation),
		cmocka_unit_test(test_refuses_against_manifest),
		cmocka_unit_test(test_refuses_sealed_without_key),
		cmocka_unit_test(test_text_shares),
		cmocka_unit_test(test_text_refusals),
		cmocka_unit_test(test_refusal_decides_no_kind),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
