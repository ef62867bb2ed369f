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

#include "device_script.h"
#include <limits.h>

#include "symbolon/audit.h"
#include "symbolon/image.h"
#include "symbolon/init.h"
#include "symbolon/quorum.h"
#include "symbolon/rekey.h"
#include "symbolon/seal_auto.h"
#include "symbolon/seal_devices.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"
#include "symbolon/seal_device.h"
#include "symbolon/seal_shamir.h"

#define TMPFS_MAGIC_NUMBER 0x01021994L

static char dir[64], img_path[128], new_dir[128], runtime[64];
static struct sym_deal_output old_deal;	/* generation 1: 3 shares, t = 2 */
static struct sym_image *img;
static uint64_t now;
/* Auto-sealed images: the target the submissions are for, and the PIN. */
static enum sym_rekey_target target;
static struct sym_seal_pin pin;

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
	assert_int_equal(sym_rekey_status(s, img, target, now,
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

/* The kind of share a submission takes on img. */
static enum sym_image_share_kind
share_kind(int verification)
{
	if (sym_image_info(img)->seal.type == SYM_SEAL_AUTO)
		return verification ? SYM_IMAGE_PENDING_RECOVERY_SHARE :
		    SYM_IMAGE_RECOVERY_SHARE;
	return verification ? SYM_IMAGE_PENDING_UNSEAL_SHARE :
	    SYM_IMAGE_UNSEAL_SHARE;
}

static int
submit(struct sym_rekey_submit_result *r, int verification, const char *nonce,
    const struct sym_deal_output *deal, const unsigned *which, size_t k,
    int how)
{
	const struct sym_rekey_submit_params p = {
		.target = target,
		.verification = verification, .nonce = nonce,
		.ttl = SYM_REKEY_DEFAULT_TTL, .image_name = "img",
		.pin = &pin,
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
		assert_int_equal(sym_image_check_share_of(img, share,
		    share_kind(verification)), SYM_OK);
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


/* ---------------------------------------------------------------- */
/* The target in the rekey bundle */

static void
test_bundle_target(void **state)
{
	static struct sym_rekey r, back;
	uint8_t *bundle = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(sym_secmem_init(), SYM_OK);
	/* A recovery rekey: key 14 says so. */
	memset(&r, 0, sizeof r);
	r.target = SYM_REKEY_RECOVERY;
	r.shares = 3;
	r.threshold = 2;
	snprintf(r.out_dir, sizeof r.out_dir, "rec2");
	assert_int_equal(sym_rekey_encode(&bundle, &len, &r, NULL, NULL, NULL),
	    SYM_OK);
	assert_int_equal(sym_rekey_parse(&back, bundle, len), SYM_OK);
	assert_int_equal(back.target, SYM_REKEY_RECOVERY);
	assert_int_equal(back.shares, 3);
	sym_secmem_free(bundle);
	/* The barrier of an auto seal: no shares, no directory; no key 14,
	 * as every bundle written before it. */
	memset(&r, 0, sizeof r);
	assert_int_equal(sym_rekey_encode(&bundle, &len, &r, NULL, NULL, NULL),
	    SYM_OK);
	assert_int_equal(sym_rekey_parse(&back, bundle, len), SYM_OK);
	assert_int_equal(back.target, SYM_REKEY_BARRIER);
	assert_int_equal(back.shares, 0);
	assert_string_equal(back.out_dir, "");
	sym_secmem_free(bundle);
	/* Forged: no shares for the recovery key, or to verify, or with a
	 * directory; a directory missing for shares. */
	r.target = SYM_REKEY_RECOVERY;
	assert_int_equal(sym_rekey_encode(&bundle, &len, &r, NULL, NULL, NULL),
	    SYM_OK);
	assert_int_equal(sym_rekey_parse(&back, bundle, len), SYM_ESCHEMA);
	sym_secmem_free(bundle);
	r.target = SYM_REKEY_BARRIER;
	r.verify = 1;
	assert_int_equal(sym_rekey_encode(&bundle, &len, &r, NULL, NULL, NULL),
	    SYM_OK);
	assert_int_equal(sym_rekey_parse(&back, bundle, len), SYM_ESCHEMA);
	sym_secmem_free(bundle);
	r.verify = 0;
	snprintf(r.out_dir, sizeof r.out_dir, "x");
	assert_int_equal(sym_rekey_encode(&bundle, &len, &r, NULL, NULL, NULL),
	    SYM_OK);
	assert_int_equal(sym_rekey_parse(&back, bundle, len), SYM_ESCHEMA);
	sym_secmem_free(bundle);
	r.shares = r.threshold = 2;
	r.out_dir[0] = '\0';
	assert_int_equal(sym_rekey_encode(&bundle, &len, &r, NULL, NULL, NULL),
	    SYM_OK);
	assert_int_equal(sym_rekey_parse(&back, bundle, len), SYM_ESCHEMA);
	sym_secmem_free(bundle);
}

static void
test_start_rules_auto(void **state)
{
	static struct sym_image_info info;
	struct sym_rekey_start_params p = { 0 };
	char why[SYM_REKEY_WHY_MAX];

	(void)state;
	info.seal.type = SYM_SEAL_AUTO;
	/* The barrier: --init alone. */
	assert_int_equal(sym_rekey_start_check(why, &p, 1, &info), SYM_OK);
	p.verify = 1;
	assert_int_equal(sym_rekey_start_check(why, &p, 1, &info), SYM_EUSAGE);
	assert_string_equal(why, "--verify: requiring verification not "
	    "supported when rekeying the barrier key with recovery keys");
	p.verify = 0;
	p.backup = 1;
	assert_int_equal(sym_rekey_start_check(why, &p, 1, &info), SYM_EUSAGE);
	assert_string_equal(why, "--backup: key backup not supported when "
	    "using stored keys");
	p.backup = 0;
	p.shares = 3;
	p.threshold = 2;
	p.out_dir = "x";
	assert_int_equal(sym_rekey_start_check(why, &p, 1, &info), SYM_EUSAGE);
	/* The recovery key: a Shamir rekey's rules. */
	p.target = SYM_REKEY_RECOVERY;
	assert_int_equal(sym_rekey_start_check(why, &p, 1, &info), SYM_OK);
	p.out_dir = NULL;
	assert_int_equal(sym_rekey_start_check(why, &p, 1, &info), SYM_EUSAGE);
	/* A Shamir image: the barrier needs its shares. */
	memset(&p, 0, sizeof p);
	info.seal.type = SYM_SEAL_SHAMIR;
	assert_int_equal(sym_rekey_start_check(why, &p, 1, &info), SYM_EUSAGE);
}

/* ---------------------------------------------------------------- */
/* An auto-sealed image (SoftHSM2 through tests/devices/softhsm.bash) */

#define SOFTHSM_MODULE "/usr/lib/softhsm/libsofthsm2.so"

static char helper[PATH_MAX], pin_path[160];


/* As setup, with the image sealed by a SoftHSM2 token and 3 of 5
 * recovery shares (old_deal); fails without SoftHSM2. */
static int
setup_auto(void **state)
{
	struct sym_init_shamir request = { .shares = 5, .threshold = 3,
	    .recovery = 1 };
	struct sym_init_result init;
	char cmd[PATH_MAX + 512], seal[256], rec[160], why[SYM_SEAL_WHY_MAX];

	if (access(SOFTHSM_MODULE, R_OK) != 0 || system("command -v "
	    "softhsm2-util >/dev/null && command -v pkcs11-tool >/dev/null") !=
	    0 || device_script(helper, sizeof helper, "softhsm.bash") != 0) {
		/* make deps installs SoftHSM2: its absence is a failure. */
		fprintf(stderr, "# SoftHSM2 (softhsm2-util, pkcs11-tool, "
		    SOFTHSM_MODULE ") is missing\n");
		return -1;
	}
	if (setup(state) != 0)
		return -1;
	sym_image_close(img);
	img = NULL;
	sym_deal_output_free(&old_deal);
	(void)unlink(img_path);
	snprintf(cmd, sizeof cmd, "bash -c '. \"%s\" && softhsm_setup %s/hsm'",
	    helper, dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof cmd, "%s/hsm/softhsm2.conf", dir);
	setenv("SOFTHSM2_CONF", cmd, 1);
	snprintf(pin_path, sizeof pin_path, "%s/hsm/pin", dir);
	pin.file = pin_path;
	snprintf(seal, sizeof seal, "pkcs11:module=%s,token=ceremony,"
	    "key=seal-aes,name=hsm1", SOFTHSM_MODULE);
	snprintf(rec, sizeof rec, "%s/rec", dir);
	request.path = img_path;
	request.out_dir = rec;
	request.now = now;
	assert_int_equal(sym_init_auto(&init, &request, seal, &pin, NULL, why),
	    SYM_OK);
	old_deal = init.deal;
	memset(&init.deal, 0, sizeof init.deal);
	sym_init_result_free(&init);
	reopen();
	return 0;
}

static int
teardown_auto(void **state)
{
	target = SYM_REKEY_BARRIER;
	memset(&pin, 0, sizeof pin);
	return img != NULL || old_deal.record != NULL ? teardown(state) : 0;
}

static void
start_target(enum sym_rekey_target t, unsigned shares, int verify,
    struct sym_rekey_start_result *r)
{
	const struct sym_rekey_start_params p = {
		.target = t, .shares = shares, .threshold = shares ? 2 : 0,
		.verify = verify, .out_dir = shares ? new_dir : NULL,
		.now = now,
	};

	target = t;
	reopen();
	assert_int_equal(sym_rekey_start(r, img, &p), SYM_OK);
	assert_int_equal(r->said.refusal, SYM_REKEY_ACCEPTED);
	sym_rekey_text_free(&r->said.text);
}

/* Whether recovery shares a, b, c (of deal) match img's recovery key
 * (after its device unsealed it). */
static int
authorises(const struct sym_deal_output *deal, unsigned a, unsigned b,
    unsigned c)
{
	const unsigned which[3] = { a, b, c };
	struct sym_seal_devices_report report;
	struct sym_quorum *q = NULL;
	uint8_t *key = NULL;
	size_t len = 0;
	int rc = SYM_OK;

	reopen();
	assert_int_equal(sym_seal_devices_unseal(img, &pin, &report), SYM_OK);
	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	for (size_t i = 0; i < 3 && which[i] && rc == SYM_OK; i++) {
		struct sym_share *share = NULL;

		rc = sym_share_parse(&share, deal->shares[which[i] - 1],
		    deal->share_lens[which[i] - 1]);
		if (rc == SYM_OK)
			rc = sym_image_check_share_of(img, share,
			    SYM_IMAGE_RECOVERY_SHARE);
		if (rc == SYM_OK)
			rc = sym_quorum_add(q, share);
		sym_share_free(share);
	}
	if (rc == SYM_OK)
		rc = sym_quorum_recover(&key, &len, q);
	if (rc == SYM_OK)
		rc = sym_image_recovery_check(img, key, 0);
	sym_secmem_free(key);
	sym_quorum_free(q);
	return rc == SYM_OK;
}

static void
test_auto_barrier(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_submit_result r;
	static const unsigned one[1] = { 1 }, two[2] = { 4, 5 };
	const uint8_t *root;
	uint8_t before[SYM_IMAGE_KEY_BYTES];
	struct sym_seal_devices_report report;
	struct sym_seal_pin wrong = { .file = "/dev/null" };
	char nonce[SYM_UUID_TEXT_BYTES];

	(void)state;
	if (img == NULL)
		fail_msg("the auto-sealed image was not made");
	assert_int_equal(sym_seal_devices_unseal(img, &pin, &report), SYM_OK);
	root = sym_image_root_key(img);
	memcpy(before, root, sizeof before);
	start_target(SYM_REKEY_BARRIER, 0, 0, &st);
	nonce_text(nonce, 0);
	assert_int_equal(submit(&r, 0, nonce, &old_deal, one, 1, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_KEPT);
	sym_rekey_submit_result_free(&r);
	/* A device that fails changes nothing (an empty PIN file). */
	pin = wrong;
	assert_int_not_equal(submit(&r, 0, nonce, &old_deal, two, 2, 0), SYM_OK);
	assert_non_null(strstr(r.said.why, "seal 'hsm1' (pkcs11): "));
	sym_rekey_submit_result_free(&r);
	pin.file = pin_path;
	assert_int_equal(submit(&r, 0, nonce, &old_deal, two, 2, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_COMPLETED);
	assert_true(r.no_shares);
	assert_null(r.deal.record);
	assert_non_null(strstr(r.said.text.bytes, "No shares were produced"));
	sym_rekey_submit_result_free(&r);
	reopen();
	assert_int_equal(sym_image_info(img)->seal.generation, 2);
	assert_int_equal(sym_image_info(img)->recovery.generation, 1);
	/* A new root key, opened by the device; the recovery shares stay. */
	assert_true(authorises(&old_deal, 1, 2, 3));
	assert_memory_not_equal(sym_image_root_key(img), before, sizeof before);
}

static void
test_auto_recovery_verify(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_submit_result r;
	static struct sym_deal_output new_deal;
	static const unsigned three[3] = { 1, 3, 5 }, pair[2] = { 2, 3 };
	char nonce[SYM_UUID_TEXT_BYTES];

	(void)state;
	if (img == NULL)
		fail_msg("the auto-sealed image was not made");
	start_target(SYM_REKEY_RECOVERY, 3, 1, &st);
	nonce_text(nonce, 0);
	assert_int_equal(submit(&r, 0, nonce, &old_deal, three, 3, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_ISSUED);
	assert_true(r.deal.record->recovery);
	assert_int_equal(r.generation, 2);
	keep_deal(&new_deal, &r);
	/* Pending: the old ones authorise, the barrier is untouched. */
	assert_true(authorises(&old_deal, 2, 4, 5));
	assert_int_equal(sym_image_info(img)->seal.generation, 1);
	nonce_text(nonce, 1);
	assert_int_equal(submit(&r, 1, nonce, &new_deal, pair, 2, 0), SYM_OK);
	assert_int_equal(r.outcome, SYM_REKEY_VERIFIED);
	sym_rekey_submit_result_free(&r);
	reopen();
	assert_int_equal(sym_image_info(img)->recovery.generation, 2);
	assert_int_equal(sym_image_info(img)->seal.generation, 1);
	assert_false(sym_image_info(img)->recovery_pending);
	assert_true(authorises(&new_deal, 1, 3, 0));
	assert_false(authorises(&old_deal, 1, 2, 3));
	sym_deal_output_free(&new_deal);
}

static void
test_auto_targets_refused(void **state)
{
	static struct sym_rekey_start_result st;
	static struct sym_rekey_status s;
	static struct sym_rekey_cancel_result c;

	(void)state;
	if (img == NULL)
		fail_msg("the auto-sealed image was not made");
	start_target(SYM_REKEY_RECOVERY, 2, 0, &st);
	reopen();
	assert_int_equal(sym_rekey_status(&s, img, SYM_REKEY_BARRIER, now,
	    SYM_REKEY_DEFAULT_TTL, 0), SYM_OK);
	assert_int_equal(s.said.refusal, SYM_REKEY_OTHER_TARGET);
	assert_string_equal(s.said.why, "a recovery rekey is in progress, not "
	    "a barrier rekey: give --target recovery");
	assert_int_equal(sym_rekey_cancel(&c, img, SYM_REKEY_BARRIER, 0, now,
	    SYM_REKEY_DEFAULT_TTL), SYM_OK);
	assert_int_equal(c.said.refusal, SYM_REKEY_OTHER_TARGET);
	assert_int_equal(sym_rekey_status(&s, img, SYM_REKEY_RECOVERY, now,
	    SYM_REKEY_DEFAULT_TTL, 0), SYM_OK);
	assert_int_equal(s.said.refusal, SYM_REKEY_ACCEPTED);
	assert_true(s.started);
	assert_int_equal(s.required, 3);
	assert_non_null(strstr(s.said.text.bytes, "Target                 "
	    "recovery\n"));
	sym_rekey_text_free(&s.said.text);
}

static void
test_recovery_target_on_shamir(void **state)
{
	static struct sym_rekey_start_result st;
	const struct sym_rekey_start_params p = {
		.target = SYM_REKEY_RECOVERY, .shares = 3, .threshold = 2,
		.out_dir = new_dir, .now = now,
	};

	(void)state;
	reopen();
	assert_int_equal(sym_rekey_start(&st, img, &p), SYM_OK);
	assert_int_equal(st.said.refusal, SYM_REKEY_NOT_AUTO);
	assert_string_equal(st.said.why, "recovery rekeying is for "
	    "auto-sealed images; this image's seal is shamir");
	assert_int_equal(sym_rekey_exit_status(SYM_OK, st.said.refusal), 2);
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
		cmocka_unit_test(test_bundle_target),
		cmocka_unit_test(test_start_rules_auto),
		cmocka_unit_test_setup_teardown(test_recovery_target_on_shamir,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_barrier, setup_auto,
		    teardown_auto),
		cmocka_unit_test_setup_teardown(test_auto_recovery_verify,
		    setup_auto, teardown_auto),
		cmocka_unit_test_setup_teardown(test_auto_targets_refused,
		    setup_auto, teardown_auto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
