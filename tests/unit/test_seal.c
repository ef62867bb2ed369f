/* Unit tests for the seal layer: the Shamir provider makes an unseal key
 * (dealt as shares signed by the image) and releases it from a quorum;
 * bad counts are refused with the key wiped; and a device-kind provider
 * written here (a stand-in for PKCS#11, TPM 2.0 or an OpenPGP card) seals
 * an image through the same interface, which the image cannot tell
 * apart. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define TMPDIR_NAME "seal"
#include "tmpdir.h"

#include "symbolon/image.h"
#include "symbolon/init.h"
#include "symbolon/seal.h"
#include "symbolon/seal_shamir.h"
#include "symbolon/secmem.h"

static int counter;

static void
new_path(char *buf, size_t cap)
{
	assert_true(snprintf(buf, cap, "%s/img-%d", tmpdir, counter++) > 0);
}

static struct sym_quorum *
quorum_of(const struct sym_deal_output *deal, unsigned a, unsigned b)
{
	struct sym_quorum *q = NULL;
	unsigned idx[2] = { a, b };

	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	for (int i = 0; i < 2; i++) {
		struct sym_share *s = NULL;

		assert_int_equal(sym_share_parse(&s, deal->shares[idx[i]],
		    deal->share_lens[idx[i]]), SYM_OK);
		assert_int_equal(sym_quorum_add(q, s), SYM_OK);
		sym_share_free(s);
	}
	return q;
}

static void
test_shamir_make_release(void **state)
{
	char path[128];
	struct sym_seal_shamir_params p = { .shares = 3, .threshold = 2 };
	struct sym_seal seal, again;
	struct sym_seal_made made;
	struct sym_image *img = NULL;
	struct sym_quorum *q;
	uint8_t *key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	uint8_t *back = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	struct sym_deal_output *deal;

	(void)state;
	assert_non_null(key);
	assert_non_null(back);
	new_path(path, sizeof path);
	assert_int_equal(sym_image_create(&img, path, 1700000000), SYM_OK);
	assert_int_equal(sym_seal_shamir_new(&seal, &p), SYM_OK);
	assert_string_equal(seal.name, "shamir");
	assert_int_equal(seal.ops->kind, SYM_SEAL_KIND_QUORUM);
	assert_null(sym_seal_shamir_deal(&seal));
	assert_int_equal(sym_seal_make(&seal, key, &made, img, 1700000000),
	    SYM_OK);
	assert_int_equal(made.record.type, SYM_SEAL_SHAMIR);
	assert_int_equal(made.record.shares, 3);
	assert_int_equal(made.record.threshold, 2);
	assert_int_equal(made.record.generation, 1);
	assert_string_equal(made.detail, "shamir seal, 2 of 3 shares, "
	    "generation 1");
	assert_string_equal(sym_seal_type_name(made.record.type), "shamir");
	deal = sym_seal_shamir_deal(&seal);
	assert_non_null(deal);
	assert_memory_equal(made.record.manifest_hash, deal->record->hash,
	    SYM_MANIFEST_HASH_BYTES);
	/* Shares of set = image id, signed by the image identity. */
	{
		struct sym_share *s = NULL;

		assert_int_equal(sym_share_parse(&s, deal->shares[0],
		    deal->share_lens[0]), SYM_OK);
		assert_memory_equal(s->set_id, sym_image_info(img)->image_id,
		    SYM_IMAGE_ID_BYTES);
		assert_memory_equal(s->signer, sym_image_info(img)->identity,
		    SYM_SIGN_PUBLICKEY_BYTES);
		sym_share_free(s);
	}
	/* Nothing to publish without an out dir. */
	assert_int_equal(sym_seal_publish(&seal), SYM_OK);
	/* Any two shares give the key back. */
	q = quorum_of(deal, 2, 0);
	{
		struct sym_seal_shamir_params r = { .quorum = q };

		assert_int_equal(sym_seal_shamir_new(&again, &r), SYM_OK);
		assert_int_equal(sym_seal_release(&again, back, img), SYM_OK);
		assert_memory_equal(back, key, SYM_IMAGE_KEY_BYTES);
		sym_seal_free(&again);
	}
	sym_quorum_free(q);
	/* A seal without shares releases nothing. */
	assert_int_equal(sym_seal_release(&seal, back, img), SYM_EUSAGE);
	sym_seal_free(&seal);
	sym_seal_free(&seal);	/* twice is harmless */
	sym_image_close(img);	/* never linked: no image */
	assert_int_equal(access(path, F_OK), -1);
	sym_secmem_free(key);
	sym_secmem_free(back);
}

static void
test_shamir_bad_counts(void **state)
{
	char path[128];
	struct sym_seal_shamir_params p = { .shares = 3, .threshold = 4 };
	struct sym_seal seal;
	struct sym_seal_made made;
	struct sym_image *img = NULL;
	uint8_t *key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	uint8_t zero[SYM_IMAGE_KEY_BYTES] = { 0 };

	(void)state;
	new_path(path, sizeof path);
	assert_int_equal(sym_image_create(&img, path, 1), SYM_OK);
	assert_int_equal(sym_seal_shamir_new(&seal, &p), SYM_OK);
	memset(key, 0xee, SYM_IMAGE_KEY_BYTES);
	assert_int_equal(sym_seal_make(&seal, key, &made, img, 1),
	    SYM_ETHRESHOLD);
	assert_memory_equal(key, zero, sizeof zero);
	sym_seal_free(&seal);
	p.shares = 1;
	assert_int_equal(sym_seal_shamir_new(&seal, &p), SYM_OK);
	assert_int_equal(sym_seal_make(&seal, key, &made, img, 1),
	    SYM_ESHARES);
	sym_seal_free(&seal);
	sym_image_close(img);
	sym_secmem_free(key);
}

/* A device seal: the "device" keeps its secret in the state and wraps U
 * by XOR with it, enough to show the interface carries one. */
struct device {
	uint8_t secret[SYM_IMAGE_KEY_BYTES];
	uint8_t blob[SYM_IMAGE_KEY_BYTES];
	int published;
};

static int
device_make(void *state, uint8_t *key, struct sym_seal_made *made,
    const struct sym_image *img, uint64_t now)
{
	struct device *d = state;

	(void)img;
	(void)now;
	for (unsigned i = 0; i < SYM_IMAGE_KEY_BYTES; i++) {
		key[i] = (uint8_t)(i * 7 + 1);
		made->device.wrapped[i] = d->blob[i] = key[i] ^ d->secret[i];
	}
	made->device.wrapped_len = SYM_IMAGE_KEY_BYTES;
	/* Not has_device: the image records it as a Shamir seal, so this
	 * shows only that the interface carries a device's blob. */
	made->record.type = SYM_SEAL_SHAMIR;
	made->record.shares = 2;
	made->record.threshold = 2;
	made->record.generation = 1;
	snprintf(made->detail, sizeof made->detail, "test device seal");
	return SYM_OK;
}

static int
device_publish(void *state)
{
	((struct device *)state)->published = 1;
	return SYM_OK;
}

static int
device_release(void *state, uint8_t *key, const struct sym_image *img)
{
	struct device *d = state;

	(void)img;
	for (unsigned i = 0; i < SYM_IMAGE_KEY_BYTES; i++)
		key[i] = d->blob[i] ^ d->secret[i];
	return SYM_OK;
}

static const struct sym_seal_ops device_ops = {
	.type = "test-device", .kind = SYM_SEAL_KIND_DEVICE,
	.make = device_make, .publish = device_publish,
	.release = device_release,
};

static void
test_device_seal(void **state)
{
	char path[128];
	struct device d;
	struct sym_seal seal = { .ops = &device_ops, .state = &d };
	struct sym_init_result init;
	struct sym_image *img = NULL;

	(void)state;
	memset(&d, 0x3c, sizeof d);
	d.published = 0;
	new_path(path, sizeof path);
	assert_int_equal(sym_init_image(&init, path, &seal, 1700000000), SYM_OK);
	assert_true(d.published);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
	assert_int_equal(sym_seal_unseal(img, &seal), SYM_OK);
	assert_true(sym_image_is_unsealed(img));
	sym_image_close(img);
	/* Another device's secret opens nothing. */
	d.secret[0] ^= 1;
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
	assert_int_equal(sym_seal_unseal(img, &seal), SYM_EUNSEAL);
	assert_false(sym_image_is_unsealed(img));
	sym_image_close(img);
	sym_init_result_free(&init);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shamir_make_release),
		cmocka_unit_test(test_shamir_bad_counts),
		cmocka_unit_test(test_device_seal),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("seal", tests, tmpdir_setup,
	    tmpdir_teardown);
}
