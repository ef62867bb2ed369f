/*
 * libFuzzer target: arbitrary bytes as a COSE_Sign1 (parse and verify
 * against a fixed key) and as CBOR (strict check, then a walk with the
 * pull reader).  Besides the sanitizers, it checks that the pieces agree:
 *
 *  - whatever sym_cbor_check_canonical accepts, the pull reader walks to
 *    the end, and re-encoding what it read with the writer gives the same
 *    bytes (the writer and reader are inverses on canonical input);
 *  - read_item agrees with check_canonical, error and offset included;
 *  - whatever check_canonical accepts, libcbor's cbor_load accepts too,
 *    unless it holds a one-byte tag 6..20 (libcbor 0.8's known gap);
 *  - verify1 accepts only what parse1 accepts, and any bundle it accepts
 *    is exactly the bundle sym_cose_sign1 writes for that payload and kid.
 *
 * Seed corpus: tests/fuzz/corpus/cose/ (bundles signed with the seed
 * 00 01 .. 1f below, and near misses).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <sodium.h>

#include "symbolon/cbor.h"
#include "symbolon/cose.h"
#include "symbolon/secmem.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t public_key[SYM_COSE_PUBLICKEY_BYTES];
static uint8_t secret_key[SYM_COSE_SECRETKEY_BYTES];

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t seed[32];

	(void)argc;
	(void)argv;
	CHECK(sym_secmem_init() == SYM_OK);
	for (unsigned i = 0; i < sizeof seed; i++)
		seed[i] = (uint8_t)i;
	CHECK(crypto_sign_seed_keypair(public_key, secret_key, seed) == 0);
	return 0;
}

/* Reads one item and writes it again; counts one-byte tags 6..20. */
static int
walk(struct sym_cbor_reader *r, struct sym_cbor_writer *w, unsigned *gap_tags)
{
	uint64_t u, tag;
	int64_t i;
	size_t n, len;
	const uint8_t *b;
	const char *t;
	int v;

	switch (sym_cbor_peek(r)) {
	case SYM_CBOR_UINT:
		if (sym_cbor_read_uint(r, &u) != SYM_OK)
			return -1;
		sym_cbor_put_uint(w, u);
		return 0;
	case SYM_CBOR_NEGINT:
		if (sym_cbor_read_int(r, &i) == SYM_OK) {
			sym_cbor_put_int(w, i);
			return 0;
		}
		/* below INT64_MIN: only skipped and copied */
		if (sym_cbor_read_item(r, &b, &len) != SYM_OK)
			return -1;
		sym_cbor_put_raw(w, b, len);
		return 0;
	case SYM_CBOR_BYTES:
		if (sym_cbor_read_bytes(r, &b, &len) != SYM_OK)
			return -1;
		sym_cbor_put_bytes(w, b, len);
		return 0;
	case SYM_CBOR_TEXT:
		if (sym_cbor_read_text(r, &t, &len) != SYM_OK)
			return -1;
		sym_cbor_put_text(w, t, len);
		return 0;
	case SYM_CBOR_ARRAY:
	case SYM_CBOR_MAP:
		if (sym_cbor_peek(r) == SYM_CBOR_ARRAY) {
			if (sym_cbor_read_array(r, &n) != SYM_OK)
				return -1;
			sym_cbor_put_array(w, n);
		} else {
			if (sym_cbor_read_map(r, &n) != SYM_OK)
				return -1;
			sym_cbor_put_map(w, n);
			n *= 2;
		}
		for (size_t k = 0; k < n; k++)
			if (walk(r, w, gap_tags) != 0)
				return -1;
		return 0;
	case SYM_CBOR_TAG:
		if (sym_cbor_read_tag(r, &tag) != SYM_OK)
			return -1;
		if (tag >= 6 && tag <= 20)
			(*gap_tags)++;
		sym_cbor_put_tag(w, tag);
		return walk(r, w, gap_tags);
	case SYM_CBOR_SIMPLE:
		if (sym_cbor_read_bool(r, &v) == SYM_OK) {
			sym_cbor_put_bool(w, v);
			return 0;
		}
		if (sym_cbor_read_null(r) != SYM_OK)
			return -1;
		sym_cbor_put_null(w);
		return 0;
	default:
		return -1;
	}
}

static void
fuzz_cbor(const uint8_t *data, size_t size)
{
	struct sym_cbor_reader r;
	struct sym_cbor_writer w;
	const uint8_t *item = NULL;
	size_t off = 0, len = 0, out_len = 0;
	unsigned gap_tags = 0;
	uint8_t *out;
	int rc, item_rc;

	rc = sym_cbor_check_canonical(data, size, &off);
	CHECK(rc == SYM_OK || off <= size);

	sym_cbor_reader_init(&r, data, size);
	item_rc = sym_cbor_read_item(&r, &item, &len);
	if (rc == SYM_ETRAILING) {
		CHECK(item_rc == SYM_OK && len == off && item == data);
	} else if (rc != SYM_OK) {
		CHECK(item_rc == rc && r.error_offset == off && r.pos == 0);
		return;
	} else {
		CHECK(item_rc == SYM_OK && len == size && item == data);
	}
	if (rc != SYM_OK)
		return;

	out = malloc(size);
	CHECK(out != NULL);
	sym_cbor_reader_init(&r, data, size);
	sym_cbor_writer_init(&w, out, size);
	CHECK(walk(&r, &w, &gap_tags) == 0);
	CHECK(sym_cbor_reader_end(&r) == SYM_OK);
	CHECK(sym_cbor_writer_finish(&w, &out_len) == SYM_OK);
	CHECK(out_len == size && memcmp(out, data, size) == 0);
	free(out);

	if (gap_tags == 0) {
		struct cbor_load_result res;
		cbor_item_t *loaded = cbor_load(data, size, &res);

		CHECK(loaded != NULL && res.read == size);
		cbor_decref(&loaded);
	}
}

static void
fuzz_cose(const uint8_t *data, size_t size)
{
	const uint8_t *payload = NULL, *kid = NULL, *verified = NULL;
	size_t payload_len = 0, kid_len = 0, verified_len = 0, off = 0;
	int parsed, rc;

	parsed = sym_cose_parse1(&payload, &payload_len, &kid, &kid_len, data,
	    size, &off);
	if (parsed == SYM_OK) {
		CHECK(sym_cbor_check_canonical(data, size, NULL) == SYM_OK);
		CHECK(data[0] == 0xd2);
		CHECK(payload >= data && payload + payload_len <= data + size);
		CHECK(kid_len >= 1 && kid_len <= SYM_COSE_MAX_KID_BYTES);
	} else {
		CHECK(payload == NULL && kid == NULL && off <= size);
	}

	rc = sym_cose_verify1(&verified, &verified_len, data, size, public_key,
	    NULL);
	if (rc != SYM_OK) {
		CHECK(verified == NULL && verified_len == 0);
		CHECK(parsed == SYM_OK ? rc == SYM_EBADSIG : rc == parsed);
		return;
	}
	CHECK(parsed == SYM_OK);
	CHECK(verified == payload && verified_len == payload_len);

	/* Ed25519 is deterministic: what we accept is what we write. */
	{
		uint8_t *again = malloc(size);
		size_t again_len = 0;

		CHECK(again != NULL);
		CHECK(sym_cose_sign1(again, size, &again_len, payload,
		    payload_len, kid, kid_len, secret_key) == SYM_OK);
		CHECK(again_len == size && memcmp(again, data, size) == 0);
		free(again);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size copy: the sanitizers then see any read past size. */
	uint8_t *copy = malloc(size ? size : 1);

	CHECK(copy != NULL);
	if (size > 0)
		memcpy(copy, data, size);
	fuzz_cose(copy, size);
	fuzz_cbor(copy, size);
	free(copy);
	return 0;
}
