/*
 * Unit tests for reading a bundle from any medium (source.h): a binary
 * or text bundle file, decoded or as it is; a PNG picture of its QR code,
 * from a file and from memory (the picture code is linked in here, so the
 * plugin is not loaded); an OpenPGP message handed to GnuPG only when
 * asked; errors with their offset; and the sym_bundle_read_file wrapper.
 * Files live in a mkdtemp directory under /tmp.
 */
#define TMPDIR_NAME "source"
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
#include "symbolon/picture.h"
#include "symbolon/qr.h"
#include "symbolon/secmem.h"
#include "symbolon/source.h"

static uint8_t *bundle;		/* a signed bundle of type identity */
static size_t bundle_len;

static void
put(const char *path, const void *data, size_t len)
{
	assert_int_equal(sym_io_write_file(path, data, len, SYM_IO_OVERWRITE),
	    SYM_OK);
}

static void
make_bundle(void)
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	uint8_t payload[256];
	struct sym_cbor_writer w;
	size_t len = 0;

	crypto_sign_keypair(pk, sk);
	sym_cbor_writer_init(&w, payload, sizeof payload);
	sym_bundle_begin(&w, 1, SYM_BUNDLE_IDENTITY, pk);
	sym_cbor_put_uint(&w, SYM_BUNDLE_FIRST_FIELD);
	sym_cbor_put_text(&w, "ann", 3);
	assert_int_equal(sym_cbor_writer_finish(&w, &len), SYM_OK);
	assert_int_equal(sym_bundle_sign(&bundle, &bundle_len, payload, len, sk),
	    SYM_OK);
	sodium_memzero(sk, sizeof sk);
}

/* The bundle's QR code as PNG bytes (a new secure buffer). */
static uint8_t *
bundle_png(size_t *len)
{
	struct sym_qr_texts t;
	struct sym_qr qr;
	uint8_t *png = NULL;

	assert_int_equal(sym_qr_plan(&t, bundle, bundle_len, SYM_QR_LEVEL_Q,
	    40), SYM_OK);
	assert_int_equal(t.count, 1);
	assert_int_equal(sym_qr_encode(&qr, t.text[0], t.len[0],
	    SYM_QR_LEVEL_Q, 40), SYM_OK);
	assert_int_equal(sym_qr_png(&png, len, &qr, 4, SYM_QR_QUIET_MODULES),
	    SYM_OK);
	sym_qr_free(&qr);
	sym_qr_texts_free(&t);
	return png;
}

static void
assert_is_bundle(const struct sym_source *s)
{
	assert_non_null(s->bytes);
	assert_int_equal(s->len, bundle_len);
	assert_memory_equal(s->bytes, bundle, bundle_len);
}

static void
test_binary_file(void **state)
{
	struct sym_source s;
	char path[128];

	(void)state;
	put(tmpdir_path(path, sizeof path, "b.cbor"), bundle, bundle_len);
	assert_int_equal(sym_source_read(&s, path, 1u << 20, 0), SYM_OK);
	assert_int_equal(s.kind, SYM_SOURCE_BYTES);
	assert_is_bundle(&s);
	sym_source_clear(&s);
	assert_null(s.bytes);
	assert_int_equal(sym_source_read(&s, path, 1u << 20,
	    SYM_SOURCE_DECODE | SYM_SOURCE_DECRYPT), SYM_OK);
	assert_is_bundle(&s);
	sym_source_clear(&s);
}

static void
test_text_file(void **state)
{
	struct sym_source s;
	char path[128], *text = NULL;
	size_t text_len = 0;

	(void)state;
	assert_int_equal(sym_bundle_armor(&text, &text_len, bundle, bundle_len),
	    SYM_OK);
	text[text_len++] = '\n';
	put(tmpdir_path(path, sizeof path, "b.txt"), text, text_len);
	/* As it is without SYM_SOURCE_DECODE... */
	assert_int_equal(sym_source_read(&s, path, 1u << 20, 0), SYM_OK);
	assert_int_equal(s.len, text_len);
	assert_memory_equal(s.bytes, text, text_len);
	sym_source_clear(&s);
	/* ...binary with it. */
	assert_int_equal(sym_source_read(&s, path, 1u << 20, SYM_SOURCE_DECODE),
	    SYM_OK);
	assert_int_equal(s.kind, SYM_SOURCE_BYTES);
	assert_is_bundle(&s);
	sym_source_clear(&s);
	sym_secmem_free(text);
}

static void
test_bad_text(void **state)
{
	static const char bad[] = "  SYM1:AB~CD\n";
	struct sym_source s;
	char path[128];

	(void)state;
	put(tmpdir_path(path, sizeof path, "bad.txt"), bad, sizeof bad - 1);
	assert_int_equal(sym_source_read(&s, path, 4096, SYM_SOURCE_DECODE),
	    SYM_EFORMAT);
	assert_null(s.bytes);
	assert_int_equal(s.len, 0);
	assert_int_equal(s.error_offset, 9);
	assert_int_equal(sym_source_read_bytes(&s, (const uint8_t *)"hello", 5,
	    SYM_SOURCE_DECODE), SYM_ENOTBUNDLE);
	assert_null(s.bytes);
}

static void
test_missing_and_too_big(void **state)
{
	struct sym_source s;
	char path[128];

	(void)state;
	assert_int_equal(sym_source_read(&s, tmpdir_path(path, sizeof path,
	    "none"), 4096, SYM_SOURCE_DECODE), SYM_ENOENT);
	assert_null(s.bytes);
	put(tmpdir_path(path, sizeof path, "big.cbor"), bundle, bundle_len);
	assert_int_equal(sym_source_read(&s, path, 8, 0), SYM_ETOOBIG);
	assert_null(s.bytes);
}

static void
test_picture_file_and_bytes(void **state)
{
	const struct sym_picture_ops *ops;
	struct sym_source s;
	char path[128];
	size_t png_len = 0;
	uint8_t *png = bundle_png(&png_len);

	(void)state;
	/* Linked in: the table is this program's own, nothing is loaded. */
	assert_int_equal(sym_picture_get(&ops), SYM_OK);
	assert_ptr_equal(ops, &sym_picture_plugin);
	put(tmpdir_path(path, sizeof path, "b.png"), png, png_len);
	assert_int_equal(sym_source_read(&s, path, 16, 0), SYM_OK);
	assert_int_equal(s.kind, SYM_SOURCE_PICTURE);
	assert_is_bundle(&s);
	sym_source_clear(&s);
	/* From memory (as standard input is read): found by its bytes. */
	assert_int_equal(sym_source_read_bytes(&s, png, png_len,
	    SYM_SOURCE_DECODE), SYM_OK);
	assert_int_equal(s.kind, SYM_SOURCE_PICTURE);
	assert_is_bundle(&s);
	sym_source_clear(&s);
	/* A damaged picture is the picture's error. */
	png[png_len / 2] ^= 0xff;
	png[png_len / 2 + 1] ^= 0xff;
	assert_int_not_equal(sym_source_read_bytes(&s, png, png_len, 0),
	    SYM_OK);
	assert_int_equal(s.kind, SYM_SOURCE_PICTURE);
	assert_null(s.bytes);
	sym_secmem_free(png);
}

static void
test_pgp_only_when_asked(void **state)
{
	static const char msg[] = "-----BEGIN PGP MESSAGE-----\n\n"
	    "hQEMA0000000000000AQgAnotreallyamessage\n"
	    "-----END PGP MESSAGE-----\n";
	struct sym_source s;
	int rc;

	(void)state;
	/* Without SYM_SOURCE_DECRYPT an OpenPGP message is only bytes. */
	assert_int_equal(sym_source_read_bytes(&s, (const uint8_t *)msg,
	    sizeof msg - 1, 0), SYM_OK);
	assert_int_equal(s.kind, SYM_SOURCE_BYTES);
	assert_int_equal(s.len, sizeof msg - 1);
	sym_source_clear(&s);
	/* With it, GnuPG's answer (here: a refusal) and the kind. */
	rc = sym_source_read_bytes(&s, (const uint8_t *)msg, sizeof msg - 1,
	    SYM_SOURCE_DECRYPT);
	assert_int_not_equal(rc, SYM_OK);
	assert_int_equal(s.kind, SYM_SOURCE_PGP);
	assert_null(s.bytes);
}

static void
test_bundle_read_file(void **state)
{
	uint8_t *bytes = NULL;
	size_t len = 0, offset = 99;
	char path[128];
	size_t png_len = 0;
	uint8_t *png = bundle_png(&png_len);

	(void)state;
	put(tmpdir_path(path, sizeof path, "w.png"), png, png_len);
	assert_int_equal(sym_bundle_read_file(&bytes, &len, path, &offset),
	    SYM_OK);
	assert_int_equal(offset, 0);
	assert_int_equal(len, bundle_len);
	assert_memory_equal(bytes, bundle, len);
	sym_secmem_free(bytes);
	put(tmpdir_path(path, sizeof path, "w.txt"), "SYM1:%%", 7);
	assert_int_equal(sym_bundle_read_file(&bytes, &len, path, &offset),
	    SYM_EFORMAT);
	assert_null(bytes);
	assert_int_equal(offset, 5);
	sym_secmem_free(png);
}

static void
test_name(void **state)
{
	(void)state;
	assert_string_equal(sym_source_name("-"), "standard input");
	assert_string_equal(sym_source_name("a.png"), "a.png");
}

static int
group_setup(void **state)
{
	if (tmpdir_setup(state) != 0)
		return -1;
	make_bundle();
	return 0;
}

static int
group_teardown(void **state)
{
	sym_secmem_free(bundle);
	return tmpdir_teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binary_file),
		cmocka_unit_test(test_text_file),
		cmocka_unit_test(test_bad_text),
		cmocka_unit_test(test_missing_and_too_big),
		cmocka_unit_test(test_picture_file_and_bytes),
		cmocka_unit_test(test_pgp_only_when_asked),
		cmocka_unit_test(test_bundle_read_file),
		cmocka_unit_test(test_name),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("source", tests, group_setup,
	    group_teardown);
}
