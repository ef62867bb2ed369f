/* Unit tests for pending operations and the journal: lines added (the
 * oldest dropped when full, control characters made printable), pending
 * operations put while sealed (both header copies, a new sequence number,
 * the signed core untouched) and read back, and the journal drained into
 * signed audit records by the next unsealed commit. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define TMPDIR_NAME "journal"
#include "tmpdir.h"

#include "symbolon/audit.h"
#include "symbolon/image.h"
#include "symbolon/init.h"
#include "symbolon/journal.h"
#include "symbolon/quorum.h"
#include "symbolon/secmem.h"
#include "symbolon/seal_shamir.h"

static int counter;

static void
make_image(char *path, size_t cap, struct sym_init_result *init)
{
	struct sym_init_shamir r = { .shares = 2, .threshold = 2,
	    .now = 1700000000 };

	assert_true(snprintf(path, cap, "%s/img-%d", tmpdir, counter++) > 0);
	r.path = path;
	assert_int_equal(sym_init_shamir(init, &r, NULL), SYM_OK);
}

static void
unseal(struct sym_image *img, const struct sym_init_result *init)
{
	struct sym_quorum *q = NULL;

	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	for (unsigned i = 0; i < 2; i++) {
		struct sym_share *s = NULL;

		assert_int_equal(sym_share_parse(&s, init->deal.shares[i],
		    init->deal.share_lens[i]), SYM_OK);
		assert_int_equal(sym_quorum_add(q, s), SYM_OK);
		sym_share_free(s);
	}
	assert_int_equal(sym_seal_shamir_unseal(img, q), SYM_OK);
	sym_quorum_free(q);
}

static void
test_journal_add(void **state)
{
	struct sym_image_pending p;
	char op[32];

	(void)state;
	memset(&p, 0, sizeof p);
	for (unsigned i = 0; i < SYM_IMAGE_MAX_JOURNAL + 3; i++) {
		snprintf(op, sizeof op, "step-%u", i);
		sym_image_journal_add(&p, 1000 + i, op, "detail\twith\ncontrols");
	}
	assert_int_equal(p.journal_count, SYM_IMAGE_MAX_JOURNAL);
	/* The three oldest were dropped. */
	assert_string_equal(p.journal[0].operation, "step-3");
	assert_int_equal(p.journal[0].time, 1003);
	assert_string_equal(p.journal[SYM_IMAGE_MAX_JOURNAL - 1].operation,
	    "step-66");
	assert_string_equal(p.journal[0].detail, "detail?with?controls");
	sym_image_pending_clear(&p);
	assert_int_equal(p.journal_count, 0);
}

static void
test_pending_put_get_sealed(void **state)
{
	char path[128];
	struct sym_init_result init;
	struct sym_image *img = NULL;
	struct sym_image_pending p, got;
	uint64_t seqid;
	static const uint8_t rekey[] = { 0xa1, 0x01, 0x02 };

	(void)state;
	make_image(path, sizeof path, &init);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_WRITE), SYM_OK);
	seqid = sym_image_info(img)->seqid;
	assert_int_equal(sym_image_pending_get(img, &got), SYM_OK);
	assert_null(got.rekey);
	assert_int_equal(got.journal_count, 0);
	memset(&p, 0, sizeof p);
	p.rekey = malloc(sizeof rekey);
	assert_non_null(p.rekey);
	memcpy(p.rekey, rekey, sizeof rekey);
	p.rekey_len = sizeof rekey;
	p.has_verification_nonce = 1;
	memset(p.verification_nonce, 0x5a, sizeof p.verification_nonce);
	sym_image_journal_add(&p, 1700000050, SYM_AUDIT_REKEY_INIT, "2 of 3");
	assert_int_equal(sym_image_pending_put(img, &p), SYM_OK);
	sym_image_pending_clear(&p);
	assert_int_equal(sym_image_info(img)->seqid, seqid + 1);
	sym_image_close(img);
	/* A reader sees it; both copies carry it. */
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
	assert_true(sym_image_info(img)->slot_valid[0]);
	assert_true(sym_image_info(img)->slot_valid[1]);
	assert_int_equal(sym_image_info(img)->seqid, seqid + 1);
	assert_int_equal(sym_image_info(img)->audit_count, 1);
	assert_int_equal(sym_image_pending_get(img, &got), SYM_OK);
	assert_int_equal(got.rekey_len, sizeof rekey);
	assert_memory_equal(got.rekey, rekey, sizeof rekey);
	assert_true(got.has_verification_nonce);
	assert_int_equal(got.verification_nonce[15], 0x5a);
	assert_int_equal(got.journal_count, 1);
	assert_string_equal(got.journal[0].operation, SYM_AUDIT_REKEY_INIT);
	sym_image_pending_clear(&got);
	/* Read-only: refused. */
	assert_int_equal(sym_image_pending_put(img, &got), SYM_EUSAGE);
	sym_image_close(img);
	sym_init_result_free(&init);
}

struct seen {
	unsigned count, sealed_steps;
	char last[SYM_AUDIT_OPERATION_MAX + 1];
};

static int
visit(void *ctx, const struct sym_audit_record *r)
{
	struct seen *s = ctx;

	s->count++;
	if (strstr(r->detail, "(while sealed, at ") != NULL)
		s->sealed_steps++;
	snprintf(s->last, sizeof s->last, "%s", r->operation);
	return 0;
}

static void
test_journal_drained_at_commit(void **state)
{
	char path[128];
	struct sym_init_result init;
	struct sym_image *img = NULL;
	struct sym_image_pending p;
	struct seen seen;

	(void)state;
	make_image(path, sizeof path, &init);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_WRITE), SYM_OK);
	memset(&p, 0, sizeof p);
	sym_image_journal_add(&p, 1700000060, SYM_AUDIT_REKEY_INIT, "a");
	sym_image_journal_add(&p, 1700000061, SYM_AUDIT_REKEY_CANCEL, "b");
	assert_int_equal(sym_image_pending_put(img, &p), SYM_OK);
	sym_image_pending_clear(&p);
	unseal(img, &init);
	assert_int_equal(sym_image_rotate(img, 1700000070), SYM_OK);
	sym_image_close(img);

	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
	assert_int_equal(sym_image_info(img)->audit_count, 1 + 2 + 1);
	assert_int_equal(sym_image_pending_get(img, &p), SYM_OK);
	assert_int_equal(p.journal_count, 0);
	sym_image_pending_clear(&p);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(sym_audit_walk(img, visit, &seen), SYM_OK);
	assert_int_equal(seen.count, 4);
	assert_int_equal(seen.sealed_steps, 2);
	assert_string_equal(seen.last, SYM_AUDIT_ROTATE);
	sym_image_close(img);
	sym_init_result_free(&init);
}

static void
test_pending_put_unsealed_waits_for_commit(void **state)
{
	char path[128];
	struct sym_init_result init;
	struct sym_image *img = NULL;
	struct sym_image_pending p;
	uint64_t seqid;

	(void)state;
	make_image(path, sizeof path, &init);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_WRITE), SYM_OK);
	unseal(img, &init);
	seqid = sym_image_info(img)->seqid;
	memset(&p, 0, sizeof p);
	p.has_verification_nonce = 1;
	assert_int_equal(sym_image_pending_put(img, &p), SYM_OK);
	assert_int_equal(sym_image_info(img)->seqid, seqid);	/* not yet */
	assert_int_equal(sym_image_commit(img, SYM_AUDIT_REKEY, "", 1), SYM_OK);
	sym_image_close(img);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
	assert_int_equal(sym_image_pending_get(img, &p), SYM_OK);
	assert_true(p.has_verification_nonce);
	sym_image_pending_clear(&p);
	sym_image_close(img);
	sym_init_result_free(&init);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_add),
		cmocka_unit_test(test_pending_put_get_sealed),
		cmocka_unit_test(test_journal_drained_at_commit),
		cmocka_unit_test(test_pending_put_unsealed_waits_for_commit),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("journal", tests, tmpdir_setup,
	    tmpdir_teardown);
}
