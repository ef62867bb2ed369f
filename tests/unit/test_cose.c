/*
 * Unit tests for COSE_Sign1: a known answer (checked once against an
 * independent implementation, @ldclabs/cose-ts, see
 * tests/cli/cose-interop.bats), round trips, every single-bit flip, and
 * forged bundles that carry a real signature but break one rule each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "symbolon/cbor.h"
#include "symbolon/cose.h"
#include "symbolon/secmem.h"

static uint8_t pk[SYM_COSE_PUBLICKEY_BYTES];
static uint8_t sk[SYM_COSE_SECRETKEY_BYTES];

static size_t
unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;

	for (const char *p = hex; *p != '\0'; ) {
		char pair[3];

		if (*p == ' ') {
			p++;
			continue;
		}
		if (p[1] == '\0' || p[1] == ' ' || n >= cap)
			fail_msg("bad test vector %s", hex);
		pair[0] = p[0];
		pair[1] = p[1];
		pair[2] = '\0';
		out[n++] = (uint8_t)strtoul(pair, NULL, 16);
		p += 2;
	}
	return n;
}

static int
setup_keys(void **state)
{
	uint8_t seed[32];

	(void)state;
	if (sym_secmem_init() != SYM_OK)
		return -1;
	for (unsigned i = 0; i < sizeof seed; i++)
		seed[i] = (uint8_t)i;
	return crypto_sign_seed_keypair(pk, sk, seed);
}

/* An exact-size heap copy, so ASan sees any read past the end. */
static uint8_t *
exact_copy(const uint8_t *bytes, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, bytes, len);
	return p;
}

/*
 * The known answer: seed 00 01 .. 1f, kid "symbolon-kat", payload
 * "symbolon known answer".  Computed once by sym_cose_sign1, then verified
 * and reproduced byte for byte by @ldclabs/cose-ts 1.5.0 (cborg and
 * @noble/curves: no code shared with libcbor or libsodium) and verified by
 * cose-kit 1.7.1 (cbor-x, Node's OpenSSL Ed25519) before being frozen;
 * tests/cli/cose-interop.bats keeps checking the same bundle.
 */
static const char kat_kid[] = "symbolon-kat";
static const char kat_payload[] = "symbolon known answer";
static const char kat_bundle[] =
    "d2 84 51 a2 01 27 04 4c 73796d626f6c6f6e2d6b6174"
    " a0"
    " 55 73796d626f6c6f6e206b6e6f776e20616e73776572"
    " 58 40"
    " a9831a316e5356640d2e67ae6cb0c5ed86e5455e278155545f438046a7560cc4"
    "5fa6dfb8837349cda5f432155eb8049e09b9ded5ec4e8dbe9d245a4db2c8fd05";

static void
test_known_answer(void **state)
{
	uint8_t out[256], want[256];
	size_t out_len = 0, want_len, payload_len = 0, kid_len = 0, off = 77;
	const uint8_t *payload = NULL, *kid = NULL;
	uint8_t *copy;

	(void)state;
	assert_int_equal(sym_cose_sign1(out, sizeof out, &out_len,
	    (const uint8_t *)kat_payload, strlen(kat_payload),
	    (const uint8_t *)kat_kid, strlen(kat_kid), sk), SYM_OK);
	want_len = unhex(want, sizeof want, kat_bundle);
	if (out_len != want_len || memcmp(out, want, out_len) != 0) {
		char hex[2 * sizeof out + 1];

		sodium_bin2hex(hex, sizeof hex, out, out_len);
		fail_msg("bundle is %s", hex);
	}

	copy = exact_copy(out, out_len);
	assert_int_equal(sym_cose_verify1(&payload, &payload_len, copy, out_len,
	    pk, &off), SYM_OK);
	assert_int_equal(off, 77);
	assert_int_equal(payload_len, strlen(kat_payload));
	assert_memory_equal(payload, kat_payload, payload_len);
	assert_ptr_equal(payload, copy + 22);	/* into the input */

	payload = NULL;
	assert_int_equal(sym_cose_parse1(&payload, &payload_len, &kid,
	    &kid_len, copy, out_len, &off), SYM_OK);
	assert_int_equal(kid_len, strlen(kat_kid));
	assert_memory_equal(kid, kat_kid, kid_len);
	assert_ptr_equal(kid, copy + 8);
	assert_ptr_equal(payload, copy + 22);
	free(copy);
}

static void
round_trip(size_t payload_len, size_t kid_len)
{
	size_t cap = payload_len + SYM_COSE_OVERHEAD, out_len = 0, got_len = 0;
	uint8_t *payload = malloc(payload_len ? payload_len : 1);
	uint8_t *out = malloc(cap);
	uint8_t kid[SYM_COSE_MAX_KID_BYTES];
	const uint8_t *got = NULL, *got_kid = NULL;
	size_t got_kid_len = 0, off = 0;

	assert_non_null(payload);
	assert_non_null(out);
	for (size_t i = 0; i < payload_len; i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	memset(kid, 'k', sizeof kid);

	assert_int_equal(sym_cose_sign1(out, cap, &out_len, payload,
	    payload_len, kid, kid_len, sk), SYM_OK);
	assert_true(out_len <= cap);
	assert_int_equal(out[0], 0xd2);
	assert_int_equal(sym_cbor_check_canonical(out, out_len, &off), SYM_OK);
	assert_int_equal(sym_cose_verify1(&got, &got_len, out, out_len, pk,
	    &off), SYM_OK);
	assert_int_equal(got_len, payload_len);
	if (payload_len > 0)
		assert_memory_equal(got, payload, payload_len);
	assert_int_equal(sym_cose_parse1(&got, &got_len, &got_kid,
	    &got_kid_len, out, out_len, &off), SYM_OK);
	assert_int_equal(got_kid_len, kid_len);
	assert_memory_equal(got_kid, kid, kid_len);
	free(payload);
	free(out);
}

static void
test_round_trips(void **state)
{
	(void)state;
	round_trip(0, 1);
	round_trip(1, 1);
	round_trip(23, 8);
	round_trip(24, 16);
	round_trip(255, 32);
	round_trip(256, 24);
	round_trip(70000, 32);	/* a four-byte length */
}

/* The biggest payload whose bundle still fits SYM_CBOR_MAX_INPUT. */
static void
test_payload_size_cap(void **state)
{
	size_t max = SYM_CBOR_MAX_INPUT - SYM_COSE_OVERHEAD, out_len = 0;
	uint8_t *payload = calloc(1, max + 1);
	uint8_t *out = malloc(SYM_CBOR_MAX_INPUT);
	const uint8_t *got = NULL;
	size_t got_len = 0;

	(void)state;
	assert_non_null(payload);
	assert_non_null(out);
	assert_int_equal(sym_cose_sign1(out, SYM_CBOR_MAX_INPUT, &out_len,
	    payload, max, (const uint8_t *)"k", 1, sk), SYM_OK);
	assert_true(out_len <= SYM_CBOR_MAX_INPUT);
	assert_int_equal(sym_cose_verify1(&got, &got_len, out, out_len, pk,
	    NULL), SYM_OK);
	assert_int_equal(got_len, max);
	assert_int_equal(sym_cose_sign1(out, SYM_CBOR_MAX_INPUT, &out_len,
	    payload, max + 1, (const uint8_t *)"k", 1, sk), SYM_ETOOBIG);
	assert_int_equal(out_len, 0);
	free(payload);
	free(out);
}

static void
test_sign_errors(void **state)
{
	uint8_t out[128], kid[SYM_COSE_MAX_KID_BYTES + 1];
	size_t out_len = 99, need;

	(void)state;
	memset(kid, 'k', sizeof kid);
	assert_int_equal(sym_cose_sign1(out, sizeof out, &out_len,
	    (const uint8_t *)"x", 1, kid, 0, sk), SYM_EUSAGE);
	assert_int_equal(out_len, 0);
	assert_int_equal(sym_cose_sign1(out, sizeof out, &out_len,
	    (const uint8_t *)"x", 1, kid, SYM_COSE_MAX_KID_BYTES + 1, sk),
	    SYM_EUSAGE);

	assert_int_equal(sym_cose_sign1(out, sizeof out, &need,
	    (const uint8_t *)"abcd", 4, kid, 1, sk), SYM_OK);
	assert_int_equal(need, 81);
	/* Every buffer one byte short or more fails, and is wiped: a
	 * payload may be secret. */
	for (size_t cap = 0; cap < need; cap++) {
		memset(out, 0xee, sizeof out);
		out_len = 99;
		assert_int_equal(sym_cose_sign1(out, cap, &out_len,
		    (const uint8_t *)"abcd", 4, kid, 1, sk), SYM_ETOOBIG);
		assert_int_equal(out_len, 0);
		for (size_t i = 0; i < cap; i++)
			assert_int_equal(out[i], 0);
		assert_int_equal(out[cap], 0xee);
	}
}

/* Every single-bit flip anywhere in a bundle is refused. */
static void
test_every_bit_flip_rejected(void **state)
{
	uint8_t bundle[128];
	size_t len = 0, rejected = 0;

	(void)state;
	assert_int_equal(sym_cose_sign1(bundle, sizeof bundle, &len,
	    (const uint8_t *)"abcd", 4, (const uint8_t *)"k", 1, sk), SYM_OK);
	for (size_t bit = 0; bit < 8 * len; bit++) {
		uint8_t *copy = exact_copy(bundle, len);
		const uint8_t *payload = (const uint8_t *)"sentinel";
		size_t payload_len = 8;

		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (sym_cose_verify1(&payload, &payload_len, copy, len, pk,
		    NULL) == SYM_OK)
			fail_msg("flip of bit %zu verifies", bit);
		assert_null(payload);
		assert_int_equal(payload_len, 0);
		rejected++;
		free(copy);
	}
	assert_int_equal(rejected, 8 * 81);
}

static void
test_wrong_key(void **state)
{
	uint8_t bundle[128], other_pk[32], other_sk[64], seed[32];
	size_t len = 0, off = 0, payload_len = 9;
	const uint8_t *payload = (const uint8_t *)"untouched";

	(void)state;
	assert_int_equal(sym_cose_sign1(bundle, sizeof bundle, &len,
	    (const uint8_t *)"abcd", 4, (const uint8_t *)"k", 1, sk), SYM_OK);
	memset(seed, 0x42, sizeof seed);
	assert_int_equal(crypto_sign_seed_keypair(other_pk, other_sk, seed), 0);
	assert_int_equal(sym_cose_verify1(&payload, &payload_len, bundle, len,
	    other_pk, &off), SYM_EBADSIG);
	assert_null(payload);
	assert_int_equal(payload_len, 0);
	assert_int_equal(off, len - 66);	/* the signature */

	/* The identity point, a small-order key: libsodium refuses it. */
	memset(other_pk, 0, sizeof other_pk);
	other_pk[0] = 1;
	assert_int_equal(sym_cose_verify1(&payload, &payload_len, bundle, len,
	    other_pk, &off), SYM_EBADSIG);
	/* parse1 does not look at keys. */
	{
		const uint8_t *kid = NULL;
		size_t kid_len = 0;

		assert_int_equal(sym_cose_parse1(&payload, &payload_len, &kid,
		    &kid_len, bundle, len, &off), SYM_OK);
		assert_int_equal(kid_len, 1);
		assert_int_equal(kid[0], 'k');
	}
}

/*
 * Builds tag_and_head || bstr(protected) || unprotected || payload ||
 * bstr(signature) || suffix, where the signature is a real one over
 * protected and payload (cut or padded to sig_len; SIZE_MAX leaves it
 * out).  payload_hex NULL writes nil (and signs an empty payload).
 */
static size_t
forge(uint8_t *out, size_t cap, const char *tag_and_head,
    const char *protected_hex, const char *unprotected_hex,
    const char *payload_hex, size_t sig_len, const char *suffix)
{
	uint8_t prot[64], payload[64], tbs[256], sig[64], tmp[128];
	size_t prot_len = unhex(prot, sizeof prot, protected_hex);
	size_t payload_len = payload_hex ? unhex(payload, sizeof payload,
	    payload_hex) : 0;
	size_t tbs_len, len, n;
	struct sym_cbor_writer w;

	/* Sig_structure, RFC 9052 4.4 */
	sym_cbor_writer_init(&w, tbs, sizeof tbs);
	sym_cbor_put_array(&w, 4);
	sym_cbor_put_text(&w, "Signature1", 10);
	sym_cbor_put_bytes(&w, prot, prot_len);
	sym_cbor_put_bytes(&w, NULL, 0);
	sym_cbor_put_bytes(&w, payload, payload_len);
	assert_int_equal(sym_cbor_writer_finish(&w, &tbs_len), SYM_OK);
	assert_int_equal(crypto_sign_detached(sig, NULL, tbs, tbs_len, sk), 0);

	len = unhex(out, cap, tag_and_head);
	sym_cbor_writer_init(&w, out + len, cap - len);
	sym_cbor_put_bytes(&w, prot, prot_len);
	n = unhex(tmp, sizeof tmp, unprotected_hex);
	memcpy(w.buf + w.len, tmp, n);
	w.len += n;
	if (payload_hex)
		sym_cbor_put_bytes(&w, payload, payload_len);
	else
		sym_cbor_put_null(&w);
	if (sig_len != SIZE_MAX) {
		uint8_t padded[80] = { 0 };

		memcpy(padded, sig, sizeof sig);
		sym_cbor_put_bytes(&w, padded, sig_len);
	}
	assert_int_equal(sym_cbor_writer_finish(&w, &n), SYM_OK);
	len += n;
	len += unhex(out + len, cap - len, suffix);
	return len;
}

#define GOOD_PROTECTED "a2 01 27 04 41 6b"	/* {1: -8, 4: h'6b'} */

static const struct {
	const char *why;
	const char *tag_and_head, *protected_hex, *unprotected_hex;
	const char *payload_hex;	/* NULL: nil */
	size_t sig_len;
	const char *suffix;
	int rc;
	size_t offset;	/* SIZE_MAX: the signature's offset */
} forgeries[] = {
	{ "alg ES256 (-7)", "d284", "a2 01 26 04 41 6b", "a0", "61626364",
	  64, "", SYM_ESCHEMA, 5 },
	{ "alg -9", "d284", "a2 01 28 04 41 6b", "a0", "61626364",
	  64, "", SYM_ESCHEMA, 5 },
	{ "alg as text", "d284", "a2 01 65 4564445341 04 41 6b", "a0",
	  "61626364", 64, "", SYM_ESCHEMA, 5 },
	{ "extra protected header", "d284", "a3 01 27 03 00 04 41 6b", "a0",
	  "61626364", 64, "", SYM_ESCHEMA, 3 },
	{ "crit instead of kid", "d284", "a2 01 27 02 81 01", "a0",
	  "61626364", 64, "", SYM_ESCHEMA, 6 },
	{ "no kid", "d284", "a1 01 27", "a0", "61626364", 64, "",
	  SYM_ESCHEMA, 3 },
	{ "no alg", "d284", "a1 04 41 6b", "a0", "61626364", 64, "",
	  SYM_ESCHEMA, 3 },
	{ "empty kid", "d284", "a2 01 27 04 40", "a0", "61626364", 64, "",
	  SYM_ESCHEMA, 7 },
	{ "33-byte kid", "d284", "a2 01 27 04 5821"
	  "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b",
	  "a0", "61626364", 64, "", SYM_ESCHEMA, 8 },
	{ "kid as text", "d284", "a2 01 27 04 61 6b", "a0", "61626364", 64,
	  "", SYM_ESCHEMA, 7 },
	{ "protected keys unsorted", "d284", "a2 04 41 6b 01 27", "a0",
	  "61626364", 64, "", SYM_ENONCANONICAL, 7 },
	{ "protected non-minimal alg", "d284", "a2 01 3807 04 41 6b", "a0",
	  "61626364", 64, "", SYM_ENONCANONICAL, 5 },
	{ "byte after protected map", "d284", "a2 01 27 04 41 6b 00", "a0",
	  "61626364", 64, "", SYM_ETRAILING, 9 },
	{ "empty protected", "d284", "", "a0", "61626364", 64, "",
	  SYM_ESCHEMA, 2 },
	{ "unprotected kid", "d284", GOOD_PROTECTED, "a1 04 41 6b",
	  "61626364", 64, "", SYM_ESCHEMA, 9 },
	{ "unprotected not a map", "d284", GOOD_PROTECTED, "40",
	  "61626364", 64, "", SYM_ESCHEMA, 9 },
	{ "nil payload (detached)", "d284", GOOD_PROTECTED, "a0", NULL,
	  64, "", SYM_ESCHEMA, 10 },
	{ "63-byte signature", "d284", GOOD_PROTECTED, "a0", "61626364",
	  63, "", SYM_ESCHEMA, 15 },
	{ "65-byte signature", "d284", GOOD_PROTECTED, "a0", "61626364",
	  65, "", SYM_ESCHEMA, 15 },
	{ "empty signature", "d284", GOOD_PROTECTED, "a0", "61626364",
	  0, "", SYM_ESCHEMA, 15 },
	{ "no signature", "d283", GOOD_PROTECTED, "a0", "61626364",
	  SIZE_MAX, "", SYM_ESCHEMA, 1 },
	{ "fifth element", "d285", GOOD_PROTECTED, "a0", "61626364",
	  64, "00", SYM_ESCHEMA, 1 },
	{ "missing tag", "84", GOOD_PROTECTED, "a0", "61626364", 64, "",
	  SYM_ESCHEMA, 0 },
	{ "tag 17 (COSE_Mac0)", "d184", GOOD_PROTECTED, "a0", "61626364",
	  64, "", SYM_ESCHEMA, 0 },
	{ "tag 98 (COSE_Sign)", "d86284", GOOD_PROTECTED, "a0", "61626364",
	  64, "", SYM_ESCHEMA, 0 },
	{ "tag 18 in two bytes", "d81284", GOOD_PROTECTED, "a0", "61626364",
	  64, "", SYM_ENONCANONICAL, 0 },
	{ "tag 18 twice", "d2d284", GOOD_PROTECTED, "a0", "61626364", 64, "",
	  SYM_ESCHEMA, 1 },
	{ "indefinite array", "d29f", GOOD_PROTECTED, "a0", "61626364", 64,
	  "ff", SYM_ENONCANONICAL, 1 },
	{ "trailing byte", "d284", GOOD_PROTECTED, "a0", "61626364", 64,
	  "00", SYM_ETRAILING, 81 },
	{ "trailing bundle", "d284", GOOD_PROTECTED, "a0", "61626364", 64,
	  "d2", SYM_ETRAILING, 81 },
	/* the control: the forger itself makes a good bundle */
	{ "control", "d284", GOOD_PROTECTED, "a0", "61626364", 64, "",
	  SYM_OK, 0 },
};

static void
test_forgeries_rejected(void **state)
{
	uint8_t good[128];
	size_t good_len = 0;

	(void)state;
	assert_int_equal(sym_cose_sign1(good, sizeof good, &good_len,
	    (const uint8_t *)"abcd", 4, (const uint8_t *)"k", 1, sk), SYM_OK);

	for (size_t i = 0; i < sizeof forgeries / sizeof forgeries[0]; i++) {
		uint8_t buf[256], *copy;
		size_t len = forge(buf, sizeof buf, forgeries[i].tag_and_head,
		    forgeries[i].protected_hex, forgeries[i].unprotected_hex,
		    forgeries[i].payload_hex, forgeries[i].sig_len,
		    forgeries[i].suffix);
		size_t off = 9999, payload_len = 1, kid_len = 1;
		const uint8_t *payload = buf, *kid = buf;
		int rc;

		copy = exact_copy(buf, len);
		rc = sym_cose_verify1(&payload, &payload_len, copy, len, pk,
		    &off);
		if (rc != forgeries[i].rc || (rc != SYM_OK &&
		    off != forgeries[i].offset))
			fail_msg("%s: verify1 rc %d at %zu, want %d at %zu",
			    forgeries[i].why, rc, off, forgeries[i].rc,
			    forgeries[i].offset);
		if (rc != SYM_OK) {
			assert_null(payload);
			assert_int_equal(payload_len, 0);
		}
		/* parse1 refuses the same, for the same reason. */
		off = 9999;
		rc = sym_cose_parse1(&payload, &payload_len, &kid, &kid_len,
		    copy, len, &off);
		if (rc != forgeries[i].rc || (rc != SYM_OK &&
		    off != forgeries[i].offset))
			fail_msg("%s: parse1 rc %d at %zu", forgeries[i].why,
			    rc, off);
		if (rc != SYM_OK) {
			assert_null(kid);
			assert_int_equal(kid_len, 0);
		} else {
			/* The control is exactly what sym_cose_sign1 writes. */
			assert_int_equal(len, good_len);
			assert_memory_equal(buf, good, len);
		}
		free(copy);
	}
}

static void
test_truncations_rejected(void **state)
{
	uint8_t bundle[128];
	size_t len = 0;

	(void)state;
	assert_int_equal(sym_cose_sign1(bundle, sizeof bundle, &len,
	    (const uint8_t *)"abcd", 4, (const uint8_t *)"k", 1, sk), SYM_OK);
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = exact_copy(bundle, cut);
		const uint8_t *payload = NULL;
		size_t payload_len = 0, off = 0;

		assert_int_equal(sym_cose_verify1(&payload, &payload_len, copy,
		    cut, pk, &off), SYM_ETRUNCATED);
		free(copy);
	}
}

/* A bundle whose signature covers something else entirely. */
static void
test_signature_over_other_payload(void **state)
{
	uint8_t a[128], b[128];
	size_t a_len = 0, b_len = 0, off = 0, payload_len = 0;
	const uint8_t *payload = NULL;

	(void)state;
	assert_int_equal(sym_cose_sign1(a, sizeof a, &a_len,
	    (const uint8_t *)"abcd", 4, (const uint8_t *)"k", 1, sk), SYM_OK);
	assert_int_equal(sym_cose_sign1(b, sizeof b, &b_len,
	    (const uint8_t *)"abce", 4, (const uint8_t *)"k", 1, sk), SYM_OK);
	assert_int_equal(a_len, b_len);
	memcpy(a + a_len - 64, b + b_len - 64, 64);
	assert_int_equal(sym_cose_verify1(&payload, &payload_len, a, a_len, pk,
	    &off), SYM_EBADSIG);
	assert_int_equal(off, a_len - 66);
	/* and under another kid */
	assert_int_equal(sym_cose_sign1(b, sizeof b, &b_len,
	    (const uint8_t *)"abcd", 4, (const uint8_t *)"j", 1, sk), SYM_OK);
	memcpy(a + a_len - 64, b + b_len - 64, 64);
	assert_int_equal(sym_cose_verify1(&payload, &payload_len, a, a_len, pk,
	    &off), SYM_EBADSIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_payload_size_cap),
		cmocka_unit_test(test_sign_errors),
		cmocka_unit_test(test_every_bit_flip_rejected),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_forgeries_rejected),
		cmocka_unit_test(test_truncations_rejected),
		cmocka_unit_test(test_signature_over_other_payload),
	};

	return cmocka_run_group_tests_name("cose", tests, setup_keys, NULL);
}
