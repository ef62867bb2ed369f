/* Unit tests for the verification policy: the report a good share, a
 * tampered share and a share sealed to another holder get, a transcript
 * (verified once, its records kept, a missing witness signature), and an
 * image's checks. */
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
#include "symbolon/deal.h"
#include "symbolon/init.h"
#include "symbolon/io.h"
#include "symbolon/secmem.h"
#include "symbolon/verify.h"

#define SECRET_LEN 32

static char dir[] = "/tmp/test_verify_XXXXXX";
static char path[4096];
static uint8_t *secret;
static struct sym_deal_output clear_deal, sealed_deal;
static struct sym_identity_secret *alice, *bob;

static const char *
at(const char *name)
{
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static int
deal(struct sym_deal_output *out, const char *sub,
    const struct sym_deal_holder *holders)
{
	struct sym_deal d = { .secret = secret, .secret_len = SECRET_LEN,
	    .threshold = 2, .count = 2, .created = 1, .holders = holders };
	char where[4096];

	snprintf(where, sizeof where, "%s/%s", dir, sub);
	if (sym_deal_run(out, &d) != SYM_OK)
		return -1;
	return sym_deal_write(out, where, 0) == SYM_OK ? 0 : -1;
}

static int
setup(void **state)
{
	struct sym_deal_holder holders[2] = { 0 };
	uint8_t *key = NULL;
	size_t key_len = 0;

	(void)state;
	if (sym_secmem_init() != SYM_OK || mkdtemp(dir) == NULL ||
	    (secret = sym_secmem_alloc(SECRET_LEN)) == NULL)
		return -1;
	memset(secret, 0x5A, SECRET_LEN);
	if (sym_identity_generate(&alice, "Alice", 1) != SYM_OK ||
	    sym_identity_generate(&bob, "Bob", 1) != SYM_OK)
		return -1;
	holders[0] = (struct sym_deal_holder){ .name = "Alice",
	    .protection = SYM_SHARE_TO_IDENTITY, .recipient = &alice->pub };
	holders[1] = (struct sym_deal_holder){ .name = "Bob",
	    .protection = SYM_SHARE_TO_IDENTITY, .recipient = &bob->pub };
	if (deal(&clear_deal, "clear", NULL) != 0 ||
	    deal(&sealed_deal, "sealed", holders) != 0)
		return -1;
	if (sym_identity_export_secret(&key, &key_len, bob, NULL, 0) != SYM_OK)
		return -1;
	if (sym_io_write_file(at("bob.key"), key, key_len,
	    SYM_IO_NO_OVERWRITE) != SYM_OK)
		return -1;
	sym_secmem_free(key);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[4200];

	(void)state;
	sym_deal_output_free(&clear_deal);
	sym_deal_output_free(&sealed_deal);
	sym_identity_secret_free(alice);
	sym_identity_secret_free(bob);
	sym_secmem_free(secret);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The report's text, checked to end with tail; returns its status. */
static int
text_ends(const struct sym_verify_report *r, const struct sym_verify *v,
    const char *name, const char *tail)
{
	char *text = NULL;
	int status = -1;

	assert_int_equal(sym_verify_report_text(&text, &status, r, v, name),
	    SYM_OK);
	assert_true(strlen(text) >= strlen(tail));
	assert_string_equal(text + strlen(text) - strlen(tail), tail);
	free(text);
	return status;
}

/* The report's text, checked to hold needle; returns its status. */
static int
text_has(const struct sym_verify_report *r, const struct sym_verify *v,
    const char *name, const char *needle)
{
	char *text = NULL;
	int status = -1;

	assert_int_equal(sym_verify_report_text(&text, &status, r, v, name),
	    SYM_OK);
	assert_non_null(strstr(text, needle));
	free(text);
	return status;
}

static void
test_good_share(void **state)
{
	struct sym_verify v = { 0 };
	struct sym_verify_report r;

	(void)state;
	assert_int_equal(sym_verify_load_manifest(&v, &r,
	    at("clear/manifest.cbor")), SYM_OK);
	assert_int_equal(r.type, SYM_BUNDLE_MANIFEST);
	assert_int_equal(r.manifest.threshold, 2);
	assert_int_equal(text_has(&r, &v, "m", "m: manifest, set "), 0);
	assert_int_equal(text_has(&r, &v, "m", ", 2 of 2, signer "), 0);
	assert_int_equal(sym_verify_file(&v, &r, at("clear/share-1-of-2.cbor")),
	    SYM_OK);
	assert_true(r.share_described);
	assert_int_equal(r.type, SYM_BUNDLE_SHARE);
	assert_int_equal(r.share.index, 1);
	assert_int_equal(r.share.count, 2);
	assert_int_equal(r.share.note, SYM_VERIFY_NOTE_COMMITMENT);
	assert_memory_equal(r.share.set_id, clear_deal.record->set_id,
	    SYM_SET_ID_BYTES);
	assert_int_equal(v.valid_shares, 1);
	assert_int_equal(text_ends(&r, &v, "s1",
	    "valid (commitment matches the manifest)\n"), 0);
	/* The same share again does not count twice towards the quorum. */
	assert_int_equal(sym_verify_file(&v, &r, at("clear/share-1-of-2.cbor")),
	    SYM_OK);
	assert_int_equal(v.valid_shares, 1);
	sym_verify_free(&v);
}

static void
test_tampered_share(void **state)
{
	struct sym_verify v = { 0 };
	struct sym_verify_report r;
	uint8_t *bytes = NULL;
	size_t len = 0;
	char *text = NULL;
	int status;

	(void)state;
	assert_int_equal(sym_io_read_all(&bytes, &len,
	    at("clear/share-2-of-2.cbor"), 1 << 20), SYM_OK);
	bytes[len / 2] ^= 0x01;
	assert_int_equal(sym_io_write_file(at("tampered.cbor"), bytes, len,
	    SYM_IO_NO_OVERWRITE), SYM_OK);
	sym_secmem_free(bytes);
	assert_int_not_equal(sym_verify_file(&v, &r, at("tampered.cbor")),
	    SYM_OK);
	assert_false(r.share_described);
	assert_true(sym_error_is_invalid(r.code));
	assert_int_equal(sym_verify_report_text(&text, &status, &r, &v, "t"),
	    SYM_OK);
	assert_int_equal(status, 1);
	assert_int_equal(strncmp(text, "t: INVALID: ", 12), 0);
	free(text);
	/* A file that is not there cannot be checked: status 2. */
	assert_int_equal(sym_verify_file(&v, &r, at("missing.cbor")),
	    SYM_ENOENT);
	assert_int_equal(text_has(&r, &v, "x", "x: INVALID: "), 2);
	sym_verify_free(&v);
}

static void
test_share_of_another_holder(void **state)
{
	const char *keys[1];
	char key_path[4096];
	struct sym_verify v = { 0 };
	struct sym_verify_report r;
	struct sym_identity_secret *loaded[1] = { NULL };

	(void)state;
	snprintf(key_path, sizeof key_path, "%s", at("bob.key"));
	keys[0] = key_path;
	v.keys = (struct sym_gather_keys){ .identity_paths = keys,
	    .identity_count = 1, .loaded = loaded };
	/* Without a manifest a sealed share is only said to be sealed. */
	assert_int_equal(sym_verify_file(&v, &r,
	    at("sealed/share-1-of-2.cbor")), SYM_OK);
	assert_int_equal(r.share.note, SYM_VERIFY_NOTE_SEALED);
	assert_string_equal(r.share.holder, "Alice");
	assert_int_equal(sym_verify_load_manifest(&v, &r,
	    at("sealed/manifest.cbor")), SYM_OK);
	/* Alice's share, with Bob's key only: valid, commitment unchecked. */
	assert_int_equal(sym_verify_file(&v, &r,
	    at("sealed/share-1-of-2.cbor")), SYM_OK);
	assert_int_equal(r.share.note, SYM_VERIFY_NOTE_UNCHECKED);
	assert_int_equal(text_ends(&r, &v, "a", "valid (sealed: signature and "
	    "manifest checked, commitment not; give the key to check it)\n"),
	    0);
	/* Bob's, decrypted with his key: the commitment is checked. */
	assert_int_equal(sym_verify_file(&v, &r,
	    at("sealed/share-2-of-2.cbor")), SYM_OK);
	assert_int_equal(r.share.note, SYM_VERIFY_NOTE_COMMITMENT);
	assert_null(r.key_path);
	assert_int_equal(v.valid_shares, 2);
	/* A share of another deal is refused against this manifest. */
	assert_int_equal(sym_verify_file(&v, &r,
	    at("clear/share-1-of-2.cbor")), SYM_EWRONGSET);
	assert_true(r.share_described);
	assert_int_equal(text_has(&r, &v, "c", "INVALID: "), 1);
	sym_identity_secret_free(loaded[0]);
	sym_verify_free(&v);
}

static void
test_transcript_and_image(void **state)
{
	struct sym_init_shamir request = { .shares = 2, .threshold = 2,
	    .now = 1000 };
	struct sym_init_result init;
	struct sym_image_info info;
	struct sym_image *img = NULL;
	struct sym_verify v = { 0 };
	struct sym_verify_report r;
	struct sym_verify_image_report ir;
	struct sym_verify_image_options o = { 0 };
	const char *witness[1] = { "/nonexistent/witness.sig" };
	char image_path[4096], transcript[4096], *text = NULL;
	uint8_t *bundle = NULL;
	size_t len = 0, records;
	int status;

	(void)state;
	snprintf(image_path, sizeof image_path, "%s", at("image.sym"));
	snprintf(transcript, sizeof transcript, "%s", at("transcript.cbor"));
	request.path = image_path;
	assert_int_equal(sym_init_shamir(&init, &request, NULL), SYM_OK);
	info = init.info;
	sym_init_result_free(&init);
	assert_int_equal(sym_image_open(&img, image_path, SYM_IMAGE_READ),
	    SYM_OK);
	assert_int_equal(sym_audit_transcript(img, &bundle, &len, NULL), SYM_OK);
	sym_image_close(img);
	assert_int_equal(sym_bundle_write_file(transcript, bundle, len, 0,
	    SYM_IO_NO_OVERWRITE), SYM_OK);
	sym_secmem_free(bundle);

	assert_int_equal(sym_verify_file(&v, &r, transcript), SYM_OK);
	assert_int_equal(r.type, SYM_BUNDLE_TRANSCRIPT);
	assert_int_equal(v.transcripts, 1);
	assert_memory_equal(r.transcript.image_id, info.image_id,
	    SYM_IMAGE_ID_BYTES);
	assert_memory_equal(r.transcript.identity, info.identity,
	    SYM_SIGN_PUBLICKEY_BYTES);
	assert_true(r.transcript.count >= 1);
	assert_int_equal(r.transcript.records[0].seq, 1);
	assert_string_equal(r.transcript.records[0].operation, SYM_AUDIT_INIT);
	records = r.transcript.count;
	assert_int_equal(sym_verify_report_text(&text, &status, &r, &v, "t"),
	    SYM_OK);
	assert_int_equal(status, 0);
	assert_non_null(strstr(text, " records, exported by "));
	assert_non_null(strstr(text, "init"));
	free(text);
	sym_verify_report_free(&r);

	/* A witness signature that cannot be read: said, status 2. */
	v.witness_sigs = witness;
	v.witness_count = 1;
	assert_int_equal(sym_verify_file(&v, &r, transcript), SYM_OK);
	assert_int_equal(r.transcript.witness_count, 1);
	assert_int_equal(r.transcript.witnesses[0].read_code, SYM_ENOENT);
	assert_int_equal(sym_verify_report_text(&text, &status, &r, &v, "t"),
	    SYM_OK);
	assert_int_equal(status, 2);
	free(text);
	sym_verify_report_free(&r);

	/* The image itself, sealed, exporting a second transcript. */
	o.transcript_path = at("again.cbor");
	assert_int_equal(sym_verify_image(&ir, image_path, &o), SYM_OK);
	assert_true(ir.slot_valid[0] && ir.slot_valid[1]);
	assert_int_equal(ir.audit_code, SYM_OK);
	assert_int_equal(ir.records, records);
	assert_false(ir.unsealed);
	assert_true(ir.transcript_written);
	/* ... and it will not replace a file. */
	assert_int_equal(sym_verify_image(&ir, image_path, &o), SYM_EEXIST);
	assert_int_equal(ir.transcript_absent, SYM_EEXIST);
	sym_verify_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_share),
		cmocka_unit_test(test_tampered_share),
		cmocka_unit_test(test_share_of_another_holder),
		cmocka_unit_test(test_transcript_and_image),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
