/* The golden files (tests/golden/, see its README): artefacts made by the
 * programs of main at commit 4c5a59c, which every later version must
 * still read.  A version-1 storage image with its shares and manifest, a
 * passphrase share set from split, and an audit transcript: each is read
 * through the library, checked against what was known when it was made,
 * and, tampered with, refused.  Read from the top of the tree (make check
 * runs the tests there); the image is copied to a temporary file first,
 * so nothing under tests/golden/ is ever opened for writing. */
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
#include <sodium.h>

#include "symbolon/audit.h"
#include "symbolon/fingerprint.h"
#include "symbolon/image.h"
#include "symbolon/io.h"
#include "symbolon/manifest.h"
#include "symbolon/quorum.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"
#include "symbolon/seal_shamir.h"

#define GOLDEN "tests/golden/"
#define MAX_FILE (1u << 20)

/* What was printed when the files were made (tests/golden/README). */
static const char image_id_hex[] = "a69ac79d5da2890f5563c921ab96a69d";
static const char identity_fpr[] = "981D 775D C17F 21FF 6B13 9555 34D1 E6AE "
    "1B76 D57D B95D A115 13DD 6664 4555 E530";
static const char *const image_holders[] = { "alice", "bob", "carol" };
static const char *const split_holders[] = { "dave", "erin", "frank" };
static const char *const split_passphrases[] = { "correct horse one",
	"correct horse two", "correct horse three" };
static const char split_set_hex[] = "2a536e4b";

static char image_copy[64];

static uint8_t *
slurp(const char *name, size_t *len)
{
	char path[256];
	uint8_t *buf;

	snprintf(path, sizeof path, GOLDEN "%s", name);
	if (sym_io_read_all(&buf, len, path, MAX_FILE) != SYM_OK)
		fail_msg("%s: cannot read (run from the top of the tree)", path);
	return buf;
}

static void
assert_hex(const uint8_t *bin, size_t bin_len, const char *want)
{
	char hex[128];

	assert_true(bin_len * 2 < sizeof hex);
	sodium_bin2hex(hex, sizeof hex, bin, bin_len);
	hex[strlen(want)] = '\0';
	assert_string_equal(hex, want);
}

/* The image identity is the one whose fingerprint keygen printed. */
static void
assert_identity(const uint8_t identity[static SYM_SIGN_PUBLICKEY_BYTES])
{
	uint8_t fpr[SYM_FINGERPRINT_BYTES];
	char text[SYM_FINGERPRINT_HEX_MAX];

	sym_fingerprint(fpr, identity);
	assert_int_equal(sym_fingerprint_hex(text, sizeof text, fpr), SYM_OK);
	assert_string_equal(text, identity_fpr);
}

static int
setup(void **state)
{
	uint8_t *img;
	size_t len;
	int fd;

	(void)state;
	if (sym_secmem_init() != SYM_OK)
		return -1;
	snprintf(image_copy, sizeof image_copy, "/tmp/symbolon-golden-XXXXXX");
	fd = mkstemp(image_copy);
	if (fd < 0)
		return -1;
	img = slurp("image-v1.img", &len);
	if (sym_io_write_fd(fd, img, len) != SYM_OK || close(fd) != 0)
		return -1;
	sym_secmem_free(img);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(image_copy);
	return 0;
}

static struct sym_share *
share_from(const char *name)
{
	struct sym_share *share = NULL;
	uint8_t *buf;
	size_t len;

	buf = slurp(name, &len);
	if (sym_share_parse(&share, buf, len) != SYM_OK)
		fail_msg("%s: not a valid share bundle", name);
	sym_secmem_free(buf);
	return share;
}

static void
manifest_from(struct sym_manifest *m, const char *name)
{
	uint8_t *buf;
	size_t len;

	buf = slurp(name, &len);
	if (sym_manifest_parse(m, buf, len) != SYM_OK)
		fail_msg("%s: not a valid manifest", name);
	sym_secmem_free(buf);
}

/* ---- the version-1 image ---- */

static void
test_image_opens(void **state)
{
	struct sym_image *img = NULL;
	const struct sym_image_info *info;

	(void)state;
	assert_int_equal(sym_image_open(&img, image_copy, SYM_IMAGE_READ),
	    SYM_OK);
	info = sym_image_info(img);
	assert_int_equal(info->format_version, 1);
	assert_hex(info->image_id, sizeof info->image_id, image_id_hex);
	assert_identity(info->identity);
	assert_true(info->slot_valid[0] && info->slot_valid[1]);
	assert_int_equal(info->seqid, 2);
	assert_int_equal(info->seal.type, SYM_SEAL_SHAMIR);
	assert_int_equal(info->seal.shares, 3);
	assert_int_equal(info->seal.threshold, 2);
	assert_int_equal(info->seal.generation, 1);
	assert_int_equal(info->terms, 1);
	assert_int_equal(info->active_term, 1);
	assert_int_equal(info->entries, 1);
	assert_int_equal(info->audit_count, 2);
	assert_false(info->reencrypt_pending);
	assert_false(info->verification_pending);
	assert_false(sym_image_is_unsealed(img));
	sym_image_close(img);
}

struct records {
	size_t count;
	char operation[4][SYM_AUDIT_OPERATION_MAX + 1];
};

static int
collect(void *ctx, const struct sym_audit_record *r)
{
	struct records *rs = ctx;

	if (rs->count < 4)
		snprintf(rs->operation[rs->count], sizeof rs->operation[0],
		    "%s", r->operation);
	rs->count++;
	return 0;
}

/* Unseals img with shares a and b of image-shares/. */
static int
unseal_with(struct sym_image *img, unsigned a, unsigned b)
{
	struct sym_quorum *q = NULL;
	unsigned pick[2] = { a, b };
	int rc;

	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	for (size_t i = 0; i < 2; i++) {
		char name[64];
		struct sym_share *s;

		snprintf(name, sizeof name, "image-shares/share-%u-of-3.cbor",
		    pick[i]);
		s = share_from(name);
		assert_int_equal(s->index, pick[i]);
		assert_string_equal(s->holder, image_holders[pick[i] - 1]);
		assert_int_equal(sym_image_check_share(img, s), SYM_OK);
		assert_int_equal(sym_quorum_add(q, s), SYM_OK);
		sym_share_free(s);
	}
	rc = sym_seal_shamir_unseal(img, q);
	sym_quorum_free(q);
	return rc;
}

static void
test_image_unseals_and_reads_back(void **state)
{
	static const unsigned pairs[][2] = { { 1, 2 }, { 2, 3 }, { 3, 1 } };
	struct records rs;
	uint8_t *want, *got;
	size_t want_len, got_len;
	char out[64];

	(void)state;
	want = slurp("entry.txt", &want_len);
	for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++) {
		struct sym_image *img = NULL;
		const struct sym_image_entry *e;
		const char *bad = NULL;
		int fd;

		assert_int_equal(sym_image_open(&img, image_copy,
		    SYM_IMAGE_READ), SYM_OK);
		assert_int_equal(unseal_with(img, pairs[p][0], pairs[p][1]),
		    SYM_OK);
		assert_true(sym_image_is_unsealed(img));
		assert_int_equal(sym_image_entry_count(img), 1);
		e = sym_image_entry_at(img, 0);
		assert_non_null(e);
		assert_string_equal(e->name, "greeting");
		assert_int_equal(e->term, 1);
		assert_int_equal(e->size, want_len);
		assert_int_equal(sym_image_verify_entries(img, &bad), SYM_OK);

		snprintf(out, sizeof out, "/tmp/symbolon-golden-get-XXXXXX");
		fd = mkstemp(out);
		assert_true(fd >= 0);
		assert_int_equal(sym_image_get(img, "greeting", fd), SYM_OK);
		close(fd);
		assert_int_equal(sym_io_read_all(&got, &got_len, out,
		    MAX_FILE), SYM_OK);
		unlink(out);
		assert_int_equal(got_len, want_len);
		assert_memory_equal(got, want, want_len);
		sym_secmem_free(got);

		memset(&rs, 0, sizeof rs);
		assert_int_equal(sym_audit_walk(img, collect, &rs), SYM_OK);
		assert_int_equal(rs.count, 2);
		assert_string_equal(rs.operation[0], SYM_AUDIT_INIT);
		assert_string_equal(rs.operation[1], SYM_AUDIT_PUT);
		sym_image_close(img);
	}
	sym_secmem_free(want);
}

static void
test_image_shares_match_manifest(void **state)
{
	struct sym_manifest *m = calloc(1, sizeof *m);
	struct sym_image *img = NULL;

	(void)state;
	assert_non_null(m);
	manifest_from(m, "image-shares/manifest.cbor");
	assert_int_equal(m->threshold, 2);
	assert_int_equal(m->count, 3);
	assert_int_equal(m->generation, 1);
	assert_hex(m->set_id, sizeof m->set_id, image_id_hex);
	assert_int_equal(sym_image_open(&img, image_copy, SYM_IMAGE_READ),
	    SYM_OK);
	/* The image's seal records this manifest; its identity signed it. */
	assert_memory_equal(sym_image_info(img)->seal.manifest_hash, m->hash,
	    sizeof m->hash);
	assert_memory_equal(sym_image_info(img)->identity, m->signer,
	    sizeof m->signer);
	sym_image_close(img);
	for (unsigned i = 1; i <= 3; i++) {
		char name[64];
		struct sym_share *s;

		snprintf(name, sizeof name, "image-shares/share-%u-of-3.cbor", i);
		s = share_from(name);
		assert_int_equal(s->protection, SYM_SHARE_CLEAR);
		assert_string_equal(m->entries[i - 1].holder,
		    image_holders[i - 1]);
		assert_int_equal(sym_manifest_check_share(m, s), SYM_OK);
		sym_share_free(s);
	}
	free(m);
}

/* ---- the share set from split ---- */

static void
test_split_shares(void **state)
{
	struct sym_manifest *m = calloc(1, sizeof *m);
	struct sym_quorum *q = NULL;
	uint8_t *secret, *want;
	size_t secret_len, want_len;

	(void)state;
	assert_non_null(m);
	manifest_from(m, "split-shares/manifest.cbor");
	assert_int_equal(m->threshold, 2);
	assert_int_equal(m->count, 3);
	assert_int_equal(m->generation, 0);
	assert_hex(m->set_id, sizeof m->set_id, split_set_hex);
	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	assert_int_equal(sym_quorum_set_manifest(q, m), SYM_OK);
	for (unsigned i = 1; i <= 3; i++) {
		char name[64];
		struct sym_share *s;
		const char *pw = split_passphrases[i - 1];

		snprintf(name, sizeof name, "split-shares/share-%u-of-3.cbor", i);
		s = share_from(name);
		assert_int_equal(s->protection, SYM_SHARE_PASSPHRASE);
		assert_string_equal(s->holder, split_holders[i - 1]);
		assert_int_equal(sym_manifest_check_share(m, s), SYM_OK);
		if (i == 2) {
			/* Another holder's passphrase does not open it. */
			assert_int_equal(sym_share_unseal_passphrase(s,
			    split_passphrases[0],
			    strlen(split_passphrases[0])), SYM_EDECRYPT);
			sym_share_free(s);
			continue;
		}
		assert_int_equal(sym_share_unseal_passphrase(s, pw,
		    strlen(pw)), SYM_OK);
		assert_int_equal(sym_manifest_check_share(m, s), SYM_OK);
		assert_int_equal(sym_quorum_add(q, s), SYM_OK);
		sym_share_free(s);
	}
	assert_int_equal(sym_quorum_recover(&secret, &secret_len, q), SYM_OK);
	want = slurp("split-secret.txt", &want_len);
	assert_int_equal(secret_len, want_len);
	assert_memory_equal(secret, want, want_len);
	sym_secmem_free(secret);
	sym_secmem_free(want);
	sym_quorum_free(q);
	free(m);
}

/* ---- the transcript ---- */

static void
test_transcript(void **state)
{
	uint8_t image_id[SYM_IMAGE_ID_BYTES];
	uint8_t identity[SYM_SIGN_PUBLICKEY_BYTES];
	struct records rs;
	uint8_t *t;
	size_t len;

	(void)state;
	t = slurp("transcript.cbor", &len);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(sym_audit_verify_transcript(t, len, image_id,
	    identity, collect, &rs), SYM_OK);
	assert_hex(image_id, sizeof image_id, image_id_hex);
	assert_identity(identity);
	assert_int_equal(rs.count, 2);
	assert_string_equal(rs.operation[0], SYM_AUDIT_INIT);
	assert_string_equal(rs.operation[1], SYM_AUDIT_PUT);
	/* Any byte changed: refused. */
	for (size_t i = 0; i < len; i += 7) {
		t[i] ^= 0x01;
		if (sym_audit_verify_transcript(t, len, image_id, identity,
		    NULL, NULL) == SYM_OK)
			fail_msg("transcript with byte %zu changed accepted", i);
		t[i] ^= 0x01;
	}
	sym_secmem_free(t);
}

static void
test_tampered_share_refused(void **state)
{
	struct sym_share *share = NULL;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = slurp("image-shares/share-1-of-3.cbor", &len);
	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x40;
		if (sym_share_parse(&share, buf, len) == SYM_OK)
			fail_msg("share with byte %zu changed accepted", i);
		assert_null(share);
		buf[i] ^= 0x40;
	}
	sym_secmem_free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_opens),
		cmocka_unit_test(test_image_unseals_and_reads_back),
		cmocka_unit_test(test_image_shares_match_manifest),
		cmocka_unit_test(test_split_shares),
		cmocka_unit_test(test_transcript),
		cmocka_unit_test(test_tampered_share_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
