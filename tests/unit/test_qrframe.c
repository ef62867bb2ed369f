/* Unit tests for the multi-part QR framing and the collector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "symbolon/base45.h"
#include "symbolon/bundle.h"
#include "symbolon/qrframe.h"
#include "symbolon/secmem.h"

/* Known answers, computed independently (Python hashlib.blake2b with
 * person=b"symbolon-qrp-v1", and a separate RFC 9285 encoder). */
static const uint8_t ten[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
static const char *const ten_parts[3] = {
	"SYMP1:100300000A00$S1F/KUQKAO8100KB0",
	"SYMP1:200300000A00$S1F/KUQKAO8*M0DY0",
	"SYMP1:300300000A00$S1F/KUQKAO8W01",
};

static void
fill(uint8_t *b, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

static void
test_hash_known_answer(void **state)
{
	static const uint8_t want[8] = {
		0x0c, 0xfa, 0xa5, 0xd2, 0xa2, 0xe4, 0x43, 0x8a
	};
	static const uint8_t want100[8] = {
		0x9b, 0x3d, 0x3a, 0xb0, 0xdd, 0x0c, 0xae, 0x6e
	};
	uint8_t hash[SYM_QRFRAME_HASH_BYTES], hundred[100];
	char text[SYM_QRFRAME_HASH_TEXT_MAX];

	(void)state;
	sym_qrframe_hash(hash, ten, sizeof ten);
	assert_memory_equal(hash, want, sizeof want);
	for (size_t i = 0; i < sizeof hundred; i++)
		hundred[i] = (uint8_t)i;
	sym_qrframe_hash(hash, hundred, sizeof hundred);
	assert_memory_equal(hash, want100, sizeof want100);
	sym_qrframe_hash_text(text, want);
	assert_string_equal(text, "0CFA-A5D2");
}

static void
test_parts_known_answer(void **state)
{
	(void)state;
	for (size_t k = 1; k <= 3; k++) {
		char *text = NULL;
		size_t len = 0;

		assert_int_equal(sym_qrframe_part(&text, &len, ten, sizeof ten,
		    k, 3), SYM_OK);
		assert_string_equal(text, ten_parts[k - 1]);
		assert_int_equal(len, strlen(ten_parts[k - 1]));
		sym_secmem_free(text);
	}
}

static void
test_parse_known_answer(void **state)
{
	struct sym_qrframe_part p;

	(void)state;
	assert_int_equal(sym_qrframe_parse(&p, (const uint8_t *)ten_parts[2],
	    strlen(ten_parts[2]), NULL), SYM_OK);
	assert_int_equal(p.k, 3);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.total, 10);
	assert_int_equal(p.slice_len, 2);
	assert_memory_equal(p.slice, ten + 8, 2);
	sym_qrframe_part_clear(&p);
	assert_null(p.slice);
	/* White space around a scanned text is forgiven. */
	assert_int_equal(sym_qrframe_parse(&p, (const uint8_t *)
	    "  SYMP1:300300000A00$S1F/KUQKAO8W01\n", 36, NULL), SYM_OK);
	sym_qrframe_part_clear(&p);
	assert_true(sym_qrframe_is_part((const uint8_t *)ten_parts[0], 36));
	assert_false(sym_qrframe_is_part((const uint8_t *)"SYM1:AB", 7));
	assert_false(sym_qrframe_is_part((const uint8_t *)"SYMP", 4));
}

static void
test_count(void **state)
{
	static uint8_t big[20000];
	size_t parts;

	(void)state;
	fill(big, sizeof big, 3);
	/* Fewest parts, each within the limit, none empty. */
	for (size_t max = 60; max <= 4296; max = max * 3 / 2) {
		for (size_t len = 2; len <= sizeof big; len = len * 5 / 2 + 1) {
			size_t slice;
			int rc = sym_qrframe_count(&parts, len, max);

			if (rc == SYM_ETOOBIG) {
				assert_true(sym_qrframe_part_len(1) > max ||
				    len > SYM_QRFRAME_MAX_PARTS);
				continue;
			}
			assert_int_equal(rc, SYM_OK);
			assert_true(parts >= 2);
			slice = (len + parts - 1) / parts;
			assert_true(sym_qrframe_part_len(slice) <= max);
			assert_true((parts - 1) * slice < len);
			/* One part fewer would not do. */
			if (parts > 2)
				assert_true(sym_qrframe_part_len((len + parts - 2) /
				    (parts - 1)) > max);
		}
	}
	assert_int_equal(sym_qrframe_count(&parts, 1, 1000), SYM_EUSAGE);
	assert_int_equal(sym_qrframe_count(&parts, 100, 10), SYM_ETOOBIG);
	assert_int_equal(sym_qrframe_count(&parts, SYM_BUNDLE_MAX_BYTES + 1,
	    4000), SYM_ETOOBIG);
	/* 9 bytes in slices of 3: three parts, never four with one empty. */
	assert_int_equal(sym_qrframe_count(&parts, 9,
	    sym_qrframe_part_len(3)), SYM_OK);
	assert_int_equal(parts, 3);
}

static void
test_round_trip(void **state)
{
	static uint8_t bundle[7001];
	size_t parts;

	(void)state;
	fill(bundle, sizeof bundle, 9);
	bundle[0] = 0xd2;
	assert_int_equal(sym_qrframe_count(&parts, sizeof bundle, 500), SYM_OK);
	{
		struct sym_qrcollect *c;
		const uint8_t *out;
		size_t out_len;
		unsigned src;

		assert_int_equal(sym_qrcollect_new(&c), SYM_OK);
		/* Backwards, every part twice. */
		for (size_t k = parts; k >= 1; k--) {
			char *text;
			size_t len;

			assert_int_equal(sym_qrframe_part(&text, &len, bundle,
			    sizeof bundle, k, parts), SYM_OK);
			assert_true(len <= 500);
			for (size_t i = 0; i < len; i++)
				assert_non_null(strchr("0123456789ABCDEFGHIJKLMN"
				    "OPQRSTUVWXYZ $%*+-./:", text[i]));
			assert_int_equal(sym_qrcollect_complete(c), 0);
			assert_int_equal(sym_qrcollect_add(c, (uint8_t *)text,
			    len, (unsigned)k, NULL), SYM_OK);
			assert_int_equal(sym_qrcollect_add(c, (uint8_t *)text,
			    len, 99, NULL), SYM_OK);
			sym_secmem_free(text);
		}
		assert_int_equal(sym_qrcollect_complete(c), 1);
		assert_int_equal(sym_qrcollect_finish(c, NULL), SYM_OK);
		assert_int_equal(sym_qrcollect_count(c), 1);
		sym_qrcollect_get(c, 0, &out, &out_len, &src);
		assert_int_equal(out_len, sizeof bundle);
		assert_memory_equal(out, bundle, sizeof bundle);
		assert_int_equal(src, parts);
		sym_qrcollect_free(c);
	}
}

/* Builds a part text from a raw header and slice (for forgeries). */
static char *
forge(unsigned k, unsigned n, uint32_t total, const uint8_t hash[8],
    const uint8_t *slice, size_t slice_len, size_t *text_len)
{
	uint8_t raw[256];
	static char text[512];

	raw[0] = (uint8_t)(k >> 8);
	raw[1] = (uint8_t)k;
	raw[2] = (uint8_t)(n >> 8);
	raw[3] = (uint8_t)n;
	raw[4] = (uint8_t)(total >> 24);
	raw[5] = (uint8_t)(total >> 16);
	raw[6] = (uint8_t)(total >> 8);
	raw[7] = (uint8_t)total;
	memcpy(raw + 8, hash, 8);
	memcpy(raw + 16, slice, slice_len);
	strcpy(text, SYM_QRFRAME_PREFIX);
	assert_int_equal(sym_base45_encode(text + 6, sizeof text - 6,
	    raw, 16 + slice_len), SYM_OK);
	*text_len = strlen(text);
	return text;
}

static void
test_parse_refuses(void **state)
{
	static const struct {
		unsigned k, n;
		uint32_t total;
		size_t slice_len;
		int rc;
	} cases[] = {
		{ 1, 3, 10, 4, SYM_OK },	/* the control */
		{ 0, 3, 10, 4, SYM_ESCHEMA },	/* k = 0 */
		{ 4, 3, 10, 2, SYM_ESCHEMA },	/* k > n */
		{ 1, 1, 10, 10, SYM_ESCHEMA },	/* one part is not a frame */
		{ 1, 0, 10, 4, SYM_ESCHEMA },
		{ 1, 3, 2, 1, SYM_ESCHEMA },	/* fewer bytes than parts */
		{ 1, 4, 9, 3, SYM_ESCHEMA },	/* slices of 3: part 4 empty */
		{ 1, 3, 10, 3, SYM_ESCHEMA },	/* slice too short */
		{ 1, 3, 10, 5, SYM_ESCHEMA },	/* slice too long */
		{ 3, 3, 10, 4, SYM_ESCHEMA },	/* last slice is 2 */
		{ 1, 2, SYM_BUNDLE_MAX_BYTES + 2, 100, SYM_ESCHEMA },
	};
	uint8_t hash[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, slice[16] = { 0 };
	struct sym_qrframe_part p;
	size_t len, offset;
	char *text;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		text = forge(cases[i].k, cases[i].n, cases[i].total, hash,
		    slice, cases[i].slice_len, &len);
		if (sym_qrframe_parse(&p, (uint8_t *)text, len, NULL) !=
		    cases[i].rc)
			fail_msg("case %zu: %s", i, text);
		assert_true(cases[i].rc == SYM_OK || p.slice == NULL);
		sym_qrframe_part_clear(&p);
	}
	/* Header only, no slice. */
	text = forge(1, 3, 10, hash, slice, 0, &len);
	assert_int_equal(sym_qrframe_parse(&p, (uint8_t *)text, len, NULL),
	    SYM_ETRUNCATED);
	/* Not base45: the offset names the bad character. */
	assert_int_equal(sym_qrframe_parse(&p, (const uint8_t *)
	    "SYMP1:100300000a00$S1F/KUQKAO8100KB0", 36, &offset), SYM_EFORMAT);
	assert_int_equal(offset, 15);
	assert_int_equal(sym_qrframe_parse(&p, (const uint8_t *)"SYM1:AAA", 8,
	    NULL), SYM_ENOTBUNDLE);
	assert_int_equal(sym_qrframe_part(&text, &len, ten, sizeof ten, 4, 3),
	    SYM_EUSAGE);
	assert_int_equal(sym_qrframe_part(&text, &len, ten, sizeof ten, 1, 1),
	    SYM_EUSAGE);
}

static int
add_text(struct sym_qrcollect *c, const char *text, unsigned src,
    struct sym_qrcollect_problem *p)
{
	return sym_qrcollect_add(c, (const uint8_t *)text, strlen(text), src, p);
}

static void
test_collect_missing_part_named(void **state)
{
	struct sym_qrcollect *c;
	struct sym_qrcollect_problem p;

	(void)state;
	assert_int_equal(sym_qrcollect_new(&c), SYM_OK);
	assert_int_equal(add_text(c, ten_parts[2], 7, NULL), SYM_OK);
	assert_int_equal(add_text(c, ten_parts[0], 8, NULL), SYM_OK);
	assert_int_equal(sym_qrcollect_complete(c), 0);
	assert_int_equal(sym_qrcollect_finish(c, &p), SYM_EQRPART);
	assert_int_equal(p.part, 2);
	assert_int_equal(p.parts, 3);
	assert_int_equal(p.src, 7);
	assert_int_equal(p.hash[0], 0x0c);
	assert_int_equal(sym_qrcollect_count(c), 0);
	/* finish is once only */
	assert_int_equal(sym_qrcollect_finish(c, &p), SYM_EUSAGE);
	sym_qrcollect_free(c);
}

static void
test_collect_refuses_mixed_bundles(void **state)
{
	static uint8_t other[10] = { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };
	struct sym_qrcollect *c;
	struct sym_qrcollect_problem p;
	char *text;
	size_t len;

	(void)state;
	/* Part 1 of one bundle and part 2 of another: neither complete. */
	assert_int_equal(sym_qrcollect_new(&c), SYM_OK);
	assert_int_equal(add_text(c, ten_parts[0], 1, NULL), SYM_OK);
	assert_int_equal(sym_qrframe_part(&text, &len, other, sizeof other, 2,
	    3), SYM_OK);
	assert_int_equal(sym_qrcollect_add(c, (uint8_t *)text, len, 2, NULL),
	    SYM_OK);
	sym_secmem_free(text);
	assert_int_equal(sym_qrcollect_finish(c, &p), SYM_EQRMIX);
	assert_int_equal(p.src, 1);
	assert_int_equal(p.other_src, 2);
	sym_qrcollect_free(c);

	/* Two complete multi-part bundles and a single one: all come out,
	 * in the order they were first seen. */
	assert_int_equal(sym_qrcollect_new(&c), SYM_OK);
	assert_int_equal(sym_qrframe_part(&text, &len, other, sizeof other, 3,
	    3), SYM_OK);
	assert_int_equal(sym_qrcollect_add(c, (uint8_t *)text, len, 0, NULL),
	    SYM_OK);
	sym_secmem_free(text);
	for (size_t k = 1; k <= 3; k++)
		assert_int_equal(add_text(c, ten_parts[k - 1], 1, NULL), SYM_OK);
	assert_int_equal(add_text(c, "SYM1:100", 2, NULL), SYM_OK);
	assert_int_equal(add_text(c, "SYM1:100\n", 3, NULL), SYM_OK);
	for (size_t k = 1; k <= 2; k++) {
		assert_int_equal(sym_qrframe_part(&text, &len, other,
		    sizeof other, k, 3), SYM_OK);
		assert_int_equal(sym_qrcollect_add(c, (uint8_t *)text, len, 4,
		    NULL), SYM_OK);
		sym_secmem_free(text);
	}
	assert_int_equal(sym_qrcollect_finish(c, NULL), SYM_OK);
	assert_int_equal(sym_qrcollect_count(c), 3);
	{
		const uint8_t *b;
		size_t b_len;
		unsigned src;

		sym_qrcollect_get(c, 0, &b, &b_len, &src);
		assert_int_equal(b_len, sizeof other);
		assert_memory_equal(b, other, sizeof other);
		assert_int_equal(src, 0);
		sym_qrcollect_get(c, 1, &b, &b_len, &src);
		assert_memory_equal(b, ten, sizeof ten);
		sym_qrcollect_get(c, 2, &b, &b_len, &src);
		assert_int_equal(b_len, 2);	/* "100" is 00 01 */
		assert_int_equal(b[0], 0);
		assert_int_equal(b[1], 1);
		assert_int_equal(src, 2);
	}
	sym_qrcollect_free(c);
}

static void
test_collect_refuses_conflicts(void **state)
{
	uint8_t hash[8], slice[4] = { 0, 1, 2, 0x55 };
	struct sym_qrcollect *c;
	struct sym_qrcollect_problem p;
	char *text;
	size_t len;

	(void)state;
	sym_qrframe_hash(hash, ten, sizeof ten);
	/* Same bundle hash and part, other bytes. */
	assert_int_equal(sym_qrcollect_new(&c), SYM_OK);
	assert_int_equal(add_text(c, ten_parts[0], 1, NULL), SYM_OK);
	text = forge(1, 3, 10, hash, slice, 4, &len);
	assert_int_equal(sym_qrcollect_add(c, (uint8_t *)text, len, 2, &p),
	    SYM_EQRMIX);
	assert_int_equal(p.part, 1);
	assert_int_equal(p.src, 2);
	assert_int_equal(p.other_src, 1);
	/* Same hash, another count. */
	text = forge(1, 2, 10, hash, slice, 4, &len);
	assert_int_equal(sym_qrframe_parse(&(struct sym_qrframe_part){ 0 },
	    (uint8_t *)text, len, NULL), SYM_ESCHEMA);
	text = forge(2, 4, 10, hash, slice, 3, &len);
	assert_int_equal(sym_qrcollect_add(c, (uint8_t *)text, len, 3, &p),
	    SYM_EQRMIX);
	sym_qrcollect_free(c);

	/* A forged part with a consistent header: the reassembly does not
	 * hash to the bundle named. */
	assert_int_equal(sym_qrcollect_new(&c), SYM_OK);
	text = forge(1, 3, 10, hash, slice, 4, &len);
	assert_int_equal(sym_qrcollect_add(c, (uint8_t *)text, len, 5, NULL),
	    SYM_OK);
	assert_int_equal(add_text(c, ten_parts[1], 6, NULL), SYM_OK);
	assert_int_equal(add_text(c, ten_parts[2], 6, NULL), SYM_OK);
	assert_int_equal(sym_qrcollect_finish(c, &p), SYM_EQRMIX);
	assert_int_equal(sym_qrcollect_count(c), 0);
	sym_qrcollect_free(c);

	/* Not ours: a URL. */
	assert_int_equal(sym_qrcollect_new(&c), SYM_OK);
	assert_int_equal(add_text(c, "https://example.org/", 0, NULL),
	    SYM_ENOTBUNDLE);
	assert_int_equal(add_text(c, "SYM1:1a0", 0, NULL), SYM_EFORMAT);
	assert_int_equal(add_text(c, "SYMP1:", 0, NULL), SYM_ETRUNCATED);
	assert_int_equal(sym_qrcollect_complete(c), 0);
	assert_int_equal(sym_qrcollect_finish(c, NULL), SYM_OK);
	assert_int_equal(sym_qrcollect_count(c), 0);
	sym_qrcollect_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_known_answer),
		cmocka_unit_test(test_parts_known_answer),
		cmocka_unit_test(test_parse_known_answer),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_collect_missing_part_named),
		cmocka_unit_test(test_collect_refuses_mixed_bundles),
		cmocka_unit_test(test_collect_refuses_conflicts),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("qrframe", tests, NULL, NULL);
}
