/*
 * Unit tests for the QR round trip through lib (qrwrite.h, qrread.h):
 * bundles encoded into PNG files and read back, byte for byte, into an
 * output directory named after their type; the refusals the program
 * prints (usage: several bundles for one --out, a format that needs an
 * output; a picture holding only someone else's QR code; a missing part)
 * with the subject and the text the report carries.  Files live in a
 * mkdtemp directory under /tmp.
 */
#define TMPDIR_NAME "qrread"
#include "tmpdir.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/io.h"
#include "symbolon/qrread.h"
#include "symbolon/qrwrite.h"
#include "symbolon/secmem.h"


/* A signed identity-type bundle with a text field of fill bytes, written
 * to path in binary; *bytes keeps a copy. */
static void
make_bundle(const char *path, size_t fill, uint8_t **bytes, size_t *len)
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	uint8_t *payload = malloc(fill + 128);
	char *text = malloc(fill + 1);
	struct sym_cbor_writer w;
	size_t plen = 0;

	assert_non_null(payload);
	assert_non_null(text);
	memset(text, 'a', fill);
	text[fill] = '\0';
	crypto_sign_keypair(pk, sk);
	sym_cbor_writer_init(&w, payload, fill + 128);
	sym_bundle_begin(&w, 1, SYM_BUNDLE_IDENTITY, pk);
	sym_cbor_put_uint(&w, SYM_BUNDLE_FIRST_FIELD);
	sym_cbor_put_text(&w, text, fill);
	assert_int_equal(sym_cbor_writer_finish(&w, &plen), SYM_OK);
	assert_int_equal(sym_bundle_sign(bytes, len, payload, plen, sk), SYM_OK);
	assert_int_equal(sym_io_write_file(path, *bytes, *len, SYM_IO_OVERWRITE),
	    SYM_OK);
	sodium_memzero(sk, sizeof sk);
	free(payload);
	free(text);
}

static void
assert_file_is(const char *path, const uint8_t *bytes, size_t len)
{
	uint8_t *data = NULL;
	size_t n = 0;

	assert_int_equal(sym_io_read_all(&data, &n, path, 1u << 20), SYM_OK);
	assert_int_equal(n, len);
	assert_memory_equal(data, bytes, len);
	sym_secmem_free(data);
}

static struct sym_qrwrite_options
png_options(const char *out, const char *out_dir)
{
	struct sym_qrwrite_options o = {
		.format = SYM_QRWRITE_PNG, .level = SYM_QR_LEVEL_Q,
		.max_version = 40, .module = 3, .out = out, .out_dir = out_dir,
	};

	return o;
}

static void
test_round_trip(void **state)
{
	char b1[128], b2[128], pics[128], back[128], p1[200], p2[200], f[200];
	const char *bundles[2] = { b1, b2 }, *pngs[2] = { p1, p2 };
	struct sym_qrwrite_options o = png_options(NULL, tmpdir_path(pics,
	    sizeof pics, "pics"));
	struct sym_qrread_request q = { .paths = pngs, .count = 2,
	    .out_dir = tmpdir_path(back, sizeof back, "back") };
	struct sym_qrwrite w;
	struct sym_qrread r;
	uint8_t *x1, *x2;
	size_t l1, l2;

	(void)state;
	make_bundle(tmpdir_path(b1, sizeof b1, "one.cbor"), 10, &x1, &l1);
	make_bundle(tmpdir_path(b2, sizeof b2, "two.cbor"), 20, &x2, &l2);
	assert_int_equal(sym_qrwrite_run(&w, bundles, 2, &o), SYM_OK);
	assert_int_equal(w.fs.count, 2);
	sym_qrwrite_free(&w);
	snprintf(p1, sizeof p1, "%s/one.png", pics);
	snprintf(p2, sizeof p2, "%s/two.png", pics);
	assert_int_equal(sym_qrread_run(&r, &q), SYM_OK);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.fs.count, 2);
	snprintf(f, sizeof f, "%s/identity.cbor", back);
	assert_string_equal(r.fs.files[0].path, f);
	assert_file_is(f, x1, l1);
	snprintf(f, sizeof f, "%s/identity-2.cbor", back);
	assert_string_equal(r.fs.files[1].path, f);
	assert_file_is(f, x2, l2);
	sym_qrread_free(&r);
	/* Again: the files are there, and nothing is replaced without force. */
	assert_int_equal(sym_qrread_run(&r, &q), SYM_EEXIST);
	snprintf(f, sizeof f, "%s/identity.cbor", back);
	assert_string_equal(r.subject, f);
	sym_qrread_free(&r);
	q.force = 1;
	assert_int_equal(sym_qrread_run(&r, &q), SYM_OK);
	sym_qrread_free(&r);
	/* Two bundles for one output file is a usage error. */
	q.out_dir = NULL;
	q.out = b1;
	assert_int_equal(sym_qrread_run(&r, &q), SYM_EUSAGE);
	assert_string_equal(r.why, "2 bundles decoded: give --out-dir DIR");
	sym_qrread_free(&r);
	sym_secmem_free(x1);
	sym_secmem_free(x2);
}

static void
test_write_usage(void **state)
{
	char b1[128];
	const char *bundles[1] = { b1 };
	struct sym_qrwrite_options o = png_options(NULL, NULL);
	struct sym_qrwrite w;
	uint8_t *x;
	size_t l;

	(void)state;
	make_bundle(tmpdir_path(b1, sizeof b1, "u.cbor"), 10, &x, &l);
	assert_int_equal(sym_qrwrite_run(&w, bundles, 1, &o), SYM_EUSAGE);
	assert_string_equal(w.why, "--format png needs --out FILE or --out-dir "
	    "DIR");
	sym_qrwrite_free(&w);
	o.format = SYM_QRWRITE_PDF;
	assert_int_equal(sym_qrwrite_run(&w, bundles, 1, &o), SYM_EUSAGE);
	assert_string_equal(w.why, "--format pdf needs --out FILE");
	sym_qrwrite_free(&w);
	/* A file that is no bundle is refused, naming it. */
	assert_int_equal(sym_io_write_file(b1, (const uint8_t *)"SYM1:~~", 7,
	    SYM_IO_OVERWRITE), SYM_OK);
	assert_int_equal(sym_qrwrite_run(&w, bundles, 1, &o), SYM_EFORMAT);
	assert_string_equal(w.subject, b1);
	assert_string_equal(w.why, "bad base45 at offset 5");
	sym_qrwrite_free(&w);
	sym_secmem_free(x);
}

static void
test_foreign_and_missing_part(void **state)
{
	char b1[128], pics[128], p[200], f[200];
	const char *bundles[1] = { b1 }, *pngs[1] = { p };
	struct sym_qrwrite_options o = png_options(NULL, tmpdir_path(pics,
	    sizeof pics, "parts"));
	struct sym_qrread_request q = { .paths = pngs, .count = 1,
	    .armor = 1 };
	struct sym_qr qr;
	struct sym_qrwrite w;
	struct sym_qrread r;
	uint8_t *x, *png = NULL;
	size_t l, png_len = 0;

	(void)state;
	/* Someone else's QR code. */
	assert_int_equal(sym_qr_encode(&qr, "HTTPS://EXAMPLE.ORG", 19,
	    SYM_QR_LEVEL_Q, 40), SYM_OK);
	assert_int_equal(sym_qr_png(&png, &png_len, &qr, 4, 4), SYM_OK);
	sym_qr_free(&qr);
	assert_int_equal(sym_io_write_file(tmpdir_path(p, sizeof p, "url.png"),
	    png, png_len, SYM_IO_OVERWRITE), SYM_OK);
	sym_secmem_free(png);
	assert_int_equal(sym_qrread_run(&r, &q), SYM_ENOTBUNDLE);
	assert_string_equal(r.subject, p);
	assert_string_equal(r.why, "QR code is not a symbolon bundle (no SYM1: "
	    "or SYMP1: text)");
	sym_qrread_free(&r);
	/* A bundle in parts, one part read only. */
	make_bundle(tmpdir_path(b1, sizeof b1, "big.cbor"), 600, &x, &l);
	o.max_version = 10;
	assert_int_equal(sym_qrwrite_run(&w, bundles, 1, &o), SYM_OK);
	assert_true(w.fs.count >= 2);
	snprintf(f, sizeof f, "%s/big-part-1-of-%zu.png", pics, w.fs.count);
	assert_string_equal(w.fs.files[0].path, f);
	sym_qrwrite_free(&w);
	snprintf(p, sizeof p, "%s", f);
	assert_int_equal(sym_qrread_run(&r, &q), SYM_EQRPART);
	assert_string_equal(r.subject, p);
	assert_non_null(strstr(r.why, "part 2 of "));
	assert_non_null(strstr(r.why, " is missing"));
	sym_qrread_free(&r);
	sym_secmem_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_write_usage),
		cmocka_unit_test(test_foreign_and_missing_part),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("qrread", tests, tmpdir_setup,
	    tmpdir_teardown);
}
