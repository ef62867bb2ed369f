/* Unit tests for the rekey ceremony (rekey.h) and its codecs
 * (rekey_bundle.h): the state transitions on a real image in a temporary
 * directory, driven as tools/rekey.c drives them, one call per action,
 * with the shares handed to the submission as tools/gather.c hands them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "symbolon/audit.h"
#include "symbolon/image.h"
#include "symbolon/init.h"
#include "symbolon/quorum.h"
#include "symbolon/rekey.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"
#include "symbolon/seal_shamir.h"

#define TMPFS_MAGIC_NUMBER 0x01021994L

static char dir[64], img_path[128], new_dir[128], runtime[64];
static struct sym_deal_output old_deal;	/* generation 1: 3 shares, t = 2 */
static struct sym_image *img;
static uint64_t now;

/* The one place that makes an image (sym_image_create's signature is the
 * image layer's to change): 3 shares, threshold 2, unnamed holders. */
static void
create_image(const char *path, struct sym_deal_output *deal)
{
	struct sym_init_shamir request = { .path = path, .shares = 3,
	    .threshold = 2, .now = now };
	struct sym_init_result init;

	assert_int_equal(sym_init_shamir(&init, &request, NULL), SYM_OK);
	assert_int_equal(init.info.seal.generation, 1);
	/* The deal moves to the caller; the rest of the result goes. */
	*deal = init.deal;
	memset(&init.deal, 0, sizeof init.deal);
	sym_init_result_free(&init);
}

/* Each step runs on a fresh open of the image, as each invocation does. */
static void
reopen(void)
{
	sym_image_close(img);
	img = NULL;
	assert_int_equal(sym_image_open(&img, img_path, SYM_IMAGE_WRITE),
	    SYM_OK);
}

static int
setup(void **state)
{
	struct statfs fs;

	(void)state;
	if (statfs("/dev/shm", &fs) != 0 || (long)fs.f_type != TMPFS_MAGIC_NUMBER)
		return -1;
	assert_int_equal(sym_secmem_init(), SYM_OK);
	now = (uint64_t)time(NULL);
	snprintf(dir, sizeof dir, "/tmp/test-rekey-XXXXXX");
	snprintf(runtime, sizeof runtime, "/dev/shm/test-rekey-XXXXXX");
	if (mkdtemp(dir) == NULL || mkdtemp(runtime) == NULL)
		return -1;
	setenv("XDG_RUNTIME_DIR", runtime, 1);
	setenv("GNUPGHOME", dir, 1);	/* no keyring of the user's */
	snprintf(img_path, sizeof img_path, "%s/img", dir);
	snprintf(new_dir, sizeof new_dir, "%s/new", dir);
	create_image(img_path, &old_deal);
	img = NULL;
	reopen();
	return 0;
}

static int
teardown(void **state)
{
	char cmd[256];

	(void)state;
	sym_image_close(img);
	img = NULL;
	sym_deal_output_free(&old_deal);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, runtime);
	return system(cmd) == 0 ? 0 : -1;
}

static void
start(int verify, struct sym_rekey_start_result *r)
{
	const struct sym_rekey_start_params p = {
		.shares = 3, .threshold = 2, .verify = verify,
		.out_dir = new_dir, .now = now,
	};

	reopen();
	assert_int_equal(sym_rekey_start(r, img, &p), SYM_OK);
}

static void
status(struct sym_rekey_status *s)
{
	reopen();
	assert_int_equal(sym_rekey_status(s, img, SYM_REKEY_BARRIER, now,
	    SYM_REKEY_DEFAULT_TTL, 0), SYM_OK);
	sym_rekey_text_free(&s->said.text);
}

static void
nonce_text(char out[SYM_UUID_TEXT_BYTES], int verification)
{
	struct sym_rekey_status s;

	status(&s);
	sym_uuid_text(out, verification ? s.verification_nonce : s.nonce);
}

/* How a submission goes: the raw share of the last one spoilt (as a
 * corrupted share would be), the gathering interrupted after the shares
 * (a later share refused), or two hours later than the others. */
#define CORRUPT 1
#define INTERRUPTED 2
#define LATER 4

/* Hands shares (indices 1..n of deal) to a submission, as gather does,
 * and finishes it. */
static int
submit(struct sym_rekey_submit_result *r, int verification, const char *nonce,
    const struct sym_deal_output *deal, const unsigned *which, size_t k,
    int how)
{
	const struct sym_rekey_submit_params p = {
		.verification = verification, .nonce = nonce,
		.ttl = SYM_REKEY_DEFAULT_TTL, .image_name = "img",
		.now = how & LATER ? now + 7200 : now,
	};
	const int corrupt = how & CORRUPT;
	struct sym_rekey_submission_info info;
	struct sym_rekey_submission *sub = NULL;
	struct sym_quorum *q = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	reopen();
	assert_int_equal(sym_rekey_submission_open(&sub, &info, img, &p),
	    SYM_OK);
	if (sub == NULL) {
		r->said.refusal = info.said.refusal;
		memcpy(r->said.why, info.said.why, sizeof r->said.why);
		return SYM_OK;
	}
	sym_rekey_text_free(&info.plan);
	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	assert_int_equal(sym_rekey_submission_load(sub, &info, q), SYM_OK);
	if (how & LATER)
		assert_true(info.expired);
	for (size_t i = 0; i < k; i++) {
		const uint8_t *bundle = deal->shares[which[i] - 1];
		size_t len = deal->share_lens[which[i] - 1];
		struct sym_share *share = NULL;

		assert_int_equal(sym_share_parse(&share, bundle, len), SYM_OK);
		assert_int_equal(verification ?
		    sym_image_check_pending_share(img, share) :
		    sym_image_check_share(img, share), SYM_OK);
		if (corrupt && i == k - 1)
			share->raw[0] ^= 1;
		assert_int_equal(sym_quorum_add(q, share), SYM_OK);
		assert_int_equal(sym_rekey_submission_accept(sub, bundle, len,
		    share), SYM_OK);
		sym_share_free(share);
	}
	rc = sym_rekey_submission_finish(sub, r, q, how & INTERRUPTED);
	sym_quorum_free(q);
	return rc;
}

/* Whether shares (of deal) unseal the image. */
static int
unseals(const struct sym_deal_output *deal, unsigned a, unsigned b)
{
	struct sym_quorum *q = NULL;
	const unsigned which[2] = { a, b };
	int rc = SYM_OK;

	reopen();
	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	for (size_t i = 0; i < 2 && rc == SYM_OK; i++) {
		struct sym_share *share = NULL;

		rc = sym_share_parse(&share, deal->shares[which[i] - 1],
		    deal->share_lens[which[i] - 1]);
		if (rc == SYM_OK)
			rc = sym_image_check_share(img, share);
		if (rc == SYM_OK)
			rc = sym_quorum_add(q, share);
		sym_share_free(share);
	}
	if (rc == SYM_OK)
		rc = sym_seal_shamir_unseal(img, q);
	sym_quorum_free(q);
	return rc == SYM_OK;
}

/* Takes the new shares out of a result (they outlive it). */
static void
keep_deal(struct sym_deal_output *kept, struct sym_rekey_submit_result *r)
{
	*kept = r->deal;
	memset(&r->deal, 0, sizeof r->deal);
	sym_rekey_submit_result_free(r);
}

static void
test_init_submit_complete(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_submit_result r;
	struct sym_deal_output fresh;
	struct sym_rekey_status s;
	char nonce[SYM_UUID_TEXT_BYTES];
	const unsigned one = 1, three = 3;

	(void)state;
	start(0, &st);
	assert_int_equal(st.said.refusal, SYM_REKEY_ACCEPTED);
	assert_non_null(strstr(st.said.text.bytes, "Rekey Progress         0/2"));
	sym_rekey_text_free(&st.said.text);
	start(0, &st);
	assert_int_equal(st.said.refusal, SYM_REKEY_IN_PROGRESS);
	assert_string_equal(st.said.why, "rekey already in progress");
	status(&s);
	assert_true(s.started);
	assert_int_equal(s.progress, 0);
	assert_int_equal(s.required, 2);
	sym_uuid_text(nonce, s.nonce);

	/* k of t: kept on tmpfs, nothing written yet. */
	assert_int_equal(submit(&r, 0, nonce, &old_deal, &one, 1, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_KEPT);
	assert_string_equal(r.said.text.bytes, "Rekey Progress 1/2\n");
	sym_rekey_submit_result_free(&r);
	status(&s);
	assert_int_equal(s.progress, 1);
	assert_int_equal(access(new_dir, F_OK), -1);

	/* t of t: the new shares, active at once. */
	assert_int_equal(submit(&r, 0, nonce, &old_deal, &three, 1, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_ACCEPTED);
	assert_int_equal(r.outcome, SYM_REKEY_COMPLETED);
	assert_int_equal(r.generation, 2);
	assert_non_null(strstr(r.said.text.bytes, "Rekey complete: generation 2"));
	keep_deal(&fresh, &r);
	status(&s);
	assert_false(s.started);
	assert_int_equal(sym_image_info(img)->seal.generation, 2);
	assert_true(unseals(&fresh, 1, 2));
	assert_false(unseals(&old_deal, 1, 2));
	/* The nonce is spent. */
	assert_int_equal(submit(&r, 0, nonce, &fresh, &one, 1, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_NONE);
	sym_deal_output_free(&fresh);
}

static void
test_init_verify_issue_promote(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_submit_result r;
	struct sym_deal_output fresh;
	struct sym_rekey_status s;
	char nonce[SYM_UUID_TEXT_BYTES], vnonce[SYM_UUID_TEXT_BYTES];
	const unsigned both[2] = { 1, 2 }, one = 1, three = 3;

	(void)state;
	start(1, &st);
	sym_rekey_text_free(&st.said.text);
	nonce_text(nonce, 0);
	assert_int_equal(submit(&r, 0, nonce, &old_deal, both, 2, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_ISSUED);
	assert_int_equal(r.generation, 2);
	sym_uuid_text(vnonce, r.verification_nonce);
	assert_non_null(strstr(r.said.text.bytes, vnonce));
	keep_deal(&fresh, &r);

	/* Issued: the old shares still do everything, the new ones wait. */
	status(&s);
	assert_true(s.verifying);
	assert_int_equal(s.new_threshold, 2);
	assert_true(unseals(&old_deal, 2, 3));
	assert_false(unseals(&fresh, 1, 2));
	assert_int_equal(submit(&r, 0, nonce, &old_deal, &one, 1, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_AWAITS_VERIFICATION);
	assert_non_null(strstr(r.said.why, vnonce));

	/* Verification, one new holder at a time. */
	assert_int_equal(submit(&r, 1, vnonce, &fresh, &three, 1, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_KEPT);
	assert_string_equal(r.said.text.bytes, "Verification Progress 1/2\n");
	sym_rekey_submit_result_free(&r);
	assert_int_equal(submit(&r, 1, vnonce, &fresh, &one, 1, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_VERIFIED);
	assert_int_equal(r.generation, 2);
	sym_rekey_submit_result_free(&r);
	status(&s);
	assert_false(s.started);
	assert_false(s.verifying);
	assert_true(unseals(&fresh, 1, 3));
	assert_false(unseals(&old_deal, 1, 2));
	sym_deal_output_free(&fresh);
}

static void
test_wrong_verification_set_rotates_nonce(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_submit_result r;
	struct sym_deal_output fresh;
	struct sym_rekey_status s;
	char nonce[SYM_UUID_TEXT_BYTES], vnonce[SYM_UUID_TEXT_BYTES];
	char rotated[SYM_UUID_TEXT_BYTES];
	const unsigned both[2] = { 1, 3 };

	(void)state;
	start(1, &st);
	sym_rekey_text_free(&st.said.text);
	nonce_text(nonce, 0);
	assert_int_equal(submit(&r, 0, nonce, &old_deal, both, 2, 0), SYM_OK);
	keep_deal(&fresh, &r);
	nonce_text(vnonce, 1);
	assert_int_equal(submit(&r, 1, vnonce, &fresh, both, 2, 1), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_VERIFY_FAILED);
	assert_string_equal(r.said.why,
	    "rekey verification failed; incorrect key shares supplied");
	assert_int_equal(sym_rekey_exit_status(SYM_OK, r.said.refusal), 1);
	assert_int_equal(r.journal_rc, SYM_OK);
	nonce_text(rotated, 1);
	assert_string_not_equal(rotated, vnonce);
	status(&s);
	assert_int_equal(s.verification_progress, 0);
	/* The old nonce is refused, the new one takes the right set. */
	assert_int_equal(submit(&r, 1, vnonce, &fresh, both, 2, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_WRONG_NONCE);
	assert_int_equal(submit(&r, 1, rotated, &fresh, both, 2, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_VERIFIED);
	sym_rekey_submit_result_free(&r);
	sym_deal_output_free(&fresh);
}

static void
cancel(int verification, struct sym_rekey_cancel_result *c)
{
	reopen();
	assert_int_equal(sym_rekey_cancel(c, img, SYM_REKEY_BARRIER,
	    verification, now, SYM_REKEY_DEFAULT_TTL), SYM_OK);
	sym_rekey_text_free(&c->said.text);
}

static void
test_cancel_at_each_stage(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_submit_result r;
	struct sym_rekey_cancel_result c;
	struct sym_deal_output fresh;
	struct sym_rekey_status s;
	char nonce[SYM_UUID_TEXT_BYTES], vnonce[SYM_UUID_TEXT_BYTES];
	const unsigned one = 1, two = 2, both[2] = { 2, 3 };

	(void)state;
	/* Nothing to cancel, and no verification to restart. */
	cancel(0, &c);
	assert_int_equal(c.said.refusal, SYM_REKEY_ACCEPTED);
	assert_false(c.canceled);
	cancel(1, &c);
	assert_int_equal(c.said.refusal, SYM_REKEY_NO_VERIFICATION);
	/* Started. */
	start(0, &st);
	sym_rekey_text_free(&st.said.text);
	cancel(0, &c);
	assert_true(c.canceled);
	status(&s);
	assert_false(s.started);
	/* Collecting: the progress goes too. */
	start(0, &st);
	sym_rekey_text_free(&st.said.text);
	nonce_text(nonce, 0);
	assert_int_equal(submit(&r, 0, nonce, &old_deal, &one, 1, 0), SYM_OK);
	sym_rekey_submit_result_free(&r);
	cancel(0, &c);
	assert_int_equal(submit(&r, 0, nonce, &old_deal, &two, 1, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_NONE);
	assert_int_equal(access(new_dir, F_OK), -1);
	/* Issued: -cancel -verify restarts, -cancel discards the new set. */
	start(1, &st);
	sym_rekey_text_free(&st.said.text);
	nonce_text(nonce, 0);
	assert_int_equal(submit(&r, 0, nonce, &old_deal, both, 2, 0), SYM_OK);
	keep_deal(&fresh, &r);
	nonce_text(vnonce, 1);
	cancel(1, &c);
	assert_true(c.canceled);
	{
		char fresh_nonce[SYM_UUID_TEXT_BYTES];

		sym_uuid_text(fresh_nonce, c.verification_nonce);
		assert_string_not_equal(fresh_nonce, vnonce);
	}
	status(&s);
	assert_true(s.verifying);
	assert_true(s.started);
	cancel(0, &c);
	assert_true(c.canceled);
	status(&s);
	assert_false(s.started);
	assert_false(s.verifying);
	nonce_text(vnonce, 1);
	assert_int_equal(submit(&r, 1, vnonce, &fresh, both, 2, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_NO_VERIFICATION);
	assert_true(unseals(&old_deal, 1, 3));
	assert_false(unseals(&fresh, 1, 2));
	sym_deal_output_free(&fresh);
}

static void
test_nonce_refusals(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_submit_result r;
	char nonce[SYM_UUID_TEXT_BYTES], why[SYM_REKEY_WHY_MAX];
	const unsigned one = 1;

	(void)state;
	assert_int_equal(submit(&r, 0, NULL, &old_deal, &one, 1, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_NONE);
	start(0, &st);
	sym_rekey_text_free(&st.said.text);
	nonce_text(nonce, 0);
	assert_int_equal(submit(&r, 0, NULL, &old_deal, &one, 1, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_NO_NONCE);
	assert_int_equal(sym_rekey_exit_status(SYM_OK, r.said.refusal), 2);
	assert_int_equal(submit(&r, 0, "01234567-89ab-cdef-0123-456789abcdef",
	    &old_deal, &one, 1, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_WRONG_NONCE);
	snprintf(why, sizeof why, "incorrect nonce supplied; nonce for this "
	    "rekey operation is %s", nonce);
	assert_string_equal(r.said.why, why);
	assert_int_equal(submit(&r, 1, nonce, &old_deal, &one, 1, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_NO_VERIFICATION);
	/* Refusals change nothing: the rekey still has no share. */
	assert_int_equal(submit(&r, 0, nonce, &old_deal, &one, 1, 0), SYM_OK);
	assert_string_equal(r.said.text.bytes, "Rekey Progress 1/2\n");
	sym_rekey_submit_result_free(&r);
}

static void
test_no_unseal_clears_progress_keeps_nonce(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_submit_result r;
	struct sym_rekey_status s;
	char nonce[SYM_UUID_TEXT_BYTES], why[SYM_REKEY_WHY_MAX];
	const unsigned both[2] = { 1, 2 };

	(void)state;
	start(0, &st);
	sym_rekey_text_free(&st.said.text);
	nonce_text(nonce, 0);
	assert_int_equal(submit(&r, 0, nonce, &old_deal, both, 2, CORRUPT),
	    SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_NO_UNSEAL);
	snprintf(why, sizeof why, "the shares do not unseal this image: rekey "
	    "progress cleared, nonce %s kept", nonce);
	assert_string_equal(r.said.why, why);
	assert_int_equal(access(new_dir, F_OK), -1);
	status(&s);
	assert_true(s.started);
	assert_int_equal(s.progress, 0);
	/* The failure is journaled; the same nonce then completes. */
	assert_int_equal(submit(&r, 0, nonce, &old_deal, both, 2, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_COMPLETED);
	sym_rekey_submit_result_free(&r);
}

static void
test_interrupted_keeps_accepted_and_expiry_wipes(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_submit_result r;
	struct sym_rekey_status s;
	char nonce[SYM_UUID_TEXT_BYTES];
	const unsigned one = 1, two = 2;

	(void)state;
	start(0, &st);
	sym_rekey_text_free(&st.said.text);
	nonce_text(nonce, 0);
	/* A refused share after share 1: share 1 is kept, nothing said. */
	assert_int_equal(submit(&r, 0, nonce, &old_deal, &one, 1, INTERRUPTED),
	    SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_KEPT);
	assert_int_equal(r.said.text.len, 0);
	sym_rekey_submit_result_free(&r);
	status(&s);
	assert_int_equal(s.progress, 1);
	/* Two hours on, share 1 has expired: share 2 alone is 1 of 2. */
	assert_int_equal(submit(&r, 0, nonce, &old_deal, &two, 1, LATER),
	    SYM_OK);
	assert_string_equal(r.said.text.bytes, "Rekey Progress 1/2\n");
	sym_rekey_submit_result_free(&r);
}

static void
test_shares_left_by_an_interrupted_completion(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_submit_result r;
	char nonce[SYM_UUID_TEXT_BYTES], stale[192];
	const unsigned both[2] = { 2, 3 };
	FILE *f;

	(void)state;
	start(0, &st);
	sym_rekey_text_free(&st.said.text);
	nonce_text(nonce, 0);
	assert_int_equal(mkdir(new_dir, 0700), 0);
	snprintf(stale, sizeof stale, "%s/share-2-of-3.cbor", new_dir);
	assert_non_null(f = fopen(stale, "w"));
	fclose(f);
	assert_int_equal(submit(&r, 0, nonce, &old_deal, both, 2, 0), SYM_OK);
	assert_int_equal(r.said.refusal, SYM_REKEY_SHARES_LEFT);
	assert_non_null(strstr(r.said.why, "already holds share files"));
	/* Nothing changed: the old shares still unseal. */
	assert_true(unseals(&old_deal, 1, 2));
	assert_int_equal(unlink(stale), 0);
	assert_int_equal(submit(&r, 0, nonce, &old_deal, both, 2, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_COMPLETED);
	sym_rekey_submit_result_free(&r);
}

static void
test_start_rules(void **state)
{
	const char *names[3] = { "a", "b", "c" };
	struct sym_rekey_start_params p = { .shares = 3, .threshold = 4,
	    .out_dir = "x" };
	char why[SYM_REKEY_WHY_MAX];

	(void)state;
	assert_int_equal(sym_rekey_start_check(why, &p, 1, NULL), SYM_EUSAGE);
	assert_string_equal(why, "--key-threshold 4: provided threshold "
	    "greater than the total shares or less than 2");
	p.threshold = 2;
	p.names = names;
	p.name_count = 2;
	assert_int_equal(sym_rekey_start_check(why, &p, 1, NULL), SYM_EUSAGE);
	p.name_count = 3;
	assert_int_equal(sym_rekey_start_check(why, &p, 1, NULL), SYM_OK);
	p.backup = 1;
	assert_int_equal(sym_rekey_start_check(why, &p, 1, NULL), SYM_EUSAGE);
	assert_int_equal(sym_rekey_start_check(why, &p, 0, NULL), SYM_EUSAGE);
	memset(&p, 0, sizeof p);
	assert_int_equal(sym_rekey_start_check(why, &p, 0, NULL), SYM_OK);
}

static void
test_backup_get_delete(void **state)
{
	static struct sym_rekey_backup b;
	static struct sym_manifest m;
	struct sym_deal_output deal;
	struct sym_image_pending pending;
	uint8_t nonce[SYM_REKEY_NONCE_BYTES] = { 7, 7, 7 };
	uint8_t msg[] = "-----BEGIN PGP MESSAGE-----\nx\n";

	(void)state;
	reopen();
	assert_int_equal(sym_rekey_backup_get(&b, img, SYM_REKEY_BARRIER), SYM_OK);
	assert_int_equal(b.said.refusal, SYM_REKEY_NO_BACKUP);
	assert_string_equal(b.said.why, "no backed-up keys found");
	sym_rekey_backup_free(&b);

	/* What a completed --backup rekey leaves in the header. */
	memset(&deal, 0, sizeof deal);
	memset(&m, 0, sizeof m);
	m.count = 2;
	memset(m.entries[1].pgp_fingerprint, 0xAB, 20);
	deal.record = &m;
	deal.sealed[1] = msg;
	deal.sealed_lens[1] = sizeof msg - 1;
	assert_int_equal(sym_image_pending_get(img, &pending), SYM_OK);
	assert_int_equal(sym_rekey_backup_encode(&pending.backup,
	    &pending.backup_len, nonce, &deal), SYM_OK);
	assert_int_equal(sym_image_pending_put(img, &pending), SYM_OK);
	sym_image_pending_clear(&pending);

	reopen();
	assert_int_equal(sym_rekey_backup_get(&b, img, SYM_REKEY_BARRIER), SYM_OK);
	assert_int_equal(b.said.refusal, SYM_REKEY_ACCEPTED);
	assert_memory_equal(b.nonce, nonce, sizeof nonce);
	assert_int_equal(b.count, 1);
	assert_int_equal(b.entries[0].index, 2);
	assert_string_equal(b.entries[0].fpr,
	    "ABABABABABABABABABABABABABABABABABABABAB");
	assert_memory_equal(b.entries[0].message, msg, sizeof msg - 1);
	assert_non_null(strstr(b.said.text.bytes, "Recipient              ABAB"));
	sym_rekey_backup_free(&b);

	assert_int_equal(sym_rekey_backup_delete(&b, img, SYM_REKEY_BARRIER, now), SYM_OK);
	assert_string_equal(b.said.text.bytes,
	    "Success! Deleted backed-up keys (if any)\n");
	sym_rekey_backup_free(&b);
	reopen();
	assert_int_equal(sym_rekey_backup_get(&b, img, SYM_REKEY_BARRIER), SYM_OK);
	assert_int_equal(b.said.refusal, SYM_REKEY_NO_BACKUP);
	sym_rekey_backup_free(&b);
	/* The deletion is journaled under its audit name. */
	assert_int_equal(sym_image_pending_get(img, &pending), SYM_OK);
	assert_true(pending.journal_count >= 1);
	assert_string_equal(pending.journal[pending.journal_count - 1].operation,
	    SYM_AUDIT_REKEY_BACKUP_DELETE);
	sym_image_pending_clear(&pending);
}

static void
test_uuid_round_trip(void **state)
{
	uint8_t n[SYM_REKEY_NONCE_BYTES], back[SYM_REKEY_NONCE_BYTES];
	char text[SYM_UUID_TEXT_BYTES];

	(void)state;
	for (size_t i = 0; i < sizeof n; i++)
		n[i] = (uint8_t)(i * 17);
	sym_uuid_text(text, n);
	assert_string_equal(text, "00112233-4455-6677-8899-aabbccddeeff");
	assert_int_equal(sym_uuid_parse(back, text), SYM_OK);
	assert_memory_equal(back, n, sizeof n);
	assert_int_equal(sym_uuid_parse(back, "00112233445566778899aabbccddeeff"),
	    SYM_EFORMAT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_submit_complete, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_init_verify_issue_promote,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_wrong_verification_set_rotates_nonce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_at_each_stage, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nonce_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backup_get_delete, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_no_unseal_clears_progress_keeps_nonce, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_interrupted_keeps_accepted_and_expiry_wipes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_shares_left_by_an_interrupted_completion, setup,
		    teardown),
		cmocka_unit_test(test_start_rules),
		cmocka_unit_test(test_uuid_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
