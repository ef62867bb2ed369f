/* Unit tests for the storage image: create (through the init ceremony),
 * open, unseal, commit; both header slots (a damaged one is outvoted, the
 * higher commit wins); entries, rotate and delete committing themselves.
 * Images live in a mkdtemp directory that the group teardown removes. */
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

#define TMPDIR_NAME "image"
#include "tmpdir.h"

#include "symbolon/audit.h"
#include "symbolon/image.h"
#include "symbolon/init.h"
#include "symbolon/quorum.h"
#include "symbolon/secmem.h"
#include "symbolon/seal_shamir.h"

static int counter;

static void
new_path(char *buf, size_t cap, const char *what)
{
	int n = snprintf(buf, cap, "%s/%s-%d", tmpdir, what, counter++);

	assert_true(n > 0 && (size_t)n < cap);
}

/* A new 2-of-3 image at path; its share bundles stay in *init. */
static void
make_image(const char *path, struct sym_init_result *init)
{
	struct sym_init_shamir r = {
		.path = path, .shares = 3, .threshold = 2, .now = 1700000000,
	};

	assert_int_equal(sym_init_shamir(init, &r, NULL), SYM_OK);
}

/* Unseals img with shares a and b of init. */
static int
unseal_with(struct sym_image *img, const struct sym_init_result *init,
    unsigned a, unsigned b)
{
	struct sym_quorum *q = NULL;
	struct sym_share *s[2] = { NULL, NULL };
	unsigned idx[2] = { a, b };
	int rc;

	assert_int_equal(sym_quorum_new(&q), SYM_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(sym_share_parse(&s[i], init->deal.shares[idx[i]],
		    init->deal.share_lens[idx[i]]), SYM_OK);
		rc = sym_image_check_share(img, s[i]);
		if (rc != SYM_OK)
			goto out;
		assert_int_equal(sym_quorum_add(q, s[i]), SYM_OK);
	}
	rc = sym_seal_shamir_unseal(img, q);
out:
	sym_share_free(s[0]);
	sym_share_free(s[1]);
	sym_quorum_free(q);
	return rc;
}

static int
fd_of(const char *text)
{
	char path[128];
	int fd;

	new_path(path, sizeof path, "value");
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void
assert_value(struct sym_image *img, const char *name, const char *text)
{
	char path[128], buf[256];
	int fd;
	ssize_t n;

	new_path(path, sizeof path, "got");
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(sym_image_get(img, name, fd), SYM_OK);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, buf, sizeof buf);
	close(fd);
	assert_int_equal(n, (ssize_t)strlen(text));
	assert_memory_equal(buf, text, strlen(text));
}

static void
copy_bytes(const char *path, uint64_t offset, uint8_t *buf, size_t len,
    int write_back)
{
	int fd = open(path, write_back ? O_WRONLY : O_RDONLY);

	assert_true(fd >= 0);
	if (write_back)
		assert_int_equal(pwrite(fd, buf, len, (off_t)offset), (ssize_t)len);
	else
		assert_int_equal(pread(fd, buf, len, (off_t)offset), (ssize_t)len);
	close(fd);
}

/* ---- create, open, commit ---- */

/* The image never takes a device record its reader would refuse: names
 * and types as seal strings give them, unique names, priority order. */
static void
test_device_records(void **state)
{
	char path[128];
	struct sym_image *img = NULL;
	struct sym_image_device d[2];

	(void)state;
	new_path(path, sizeof path, "devices");
	assert_int_equal(sym_image_create(&img, path, 1), SYM_OK);
	memset(d, 0, sizeof d);
	for (int i = 0; i < 2; i++) {
		snprintf(d[i].name, sizeof d[i].name, "hsm%d", i + 1);
		snprintf(d[i].type, sizeof d[i].type, "pkcs11");
		d[i].priority = (unsigned)i + 1;
		d[i].wrapped_len = 61;
		d[i].params.count = 1;
		snprintf(d[i].params.item[0].key, sizeof d[i].params.item[0].key,
		    "token");
		snprintf(d[i].params.item[0].value,
		    sizeof d[i].params.item[0].value, "ceremony");
	}
	assert_int_equal(sym_image_set_devices(img, d, 2), SYM_OK);
	assert_int_equal(sym_image_info(img)->device_count, 2);
	snprintf(d[1].name, sizeof d[1].name, "hsm1");	/* twice */
	assert_int_equal(sym_image_set_devices(img, d, 2), SYM_EUSAGE);
	snprintf(d[1].name, sizeof d[1].name, "x\"y");	/* a quote */
	assert_int_equal(sym_image_set_devices(img, d, 2), SYM_EUSAGE);
	snprintf(d[1].name, sizeof d[1].name, "hsm2");
	snprintf(d[1].type, sizeof d[1].type, "PKCS 11");
	assert_int_equal(sym_image_set_devices(img, d, 2), SYM_EUSAGE);
	snprintf(d[1].type, sizeof d[1].type, "pkcs11");
	d[1].priority = 0;
	assert_int_equal(sym_image_set_devices(img, d, 2), SYM_EUSAGE);
	d[1].priority = 2;
	snprintf(d[1].params.item[0].value, sizeof d[1].params.item[0].value,
	    "a\nb");
	assert_int_equal(sym_image_set_devices(img, d, 2), SYM_EUSAGE);
	d[1].params.item[0].value[1] = 'x';
	d[1].wrapped_len = 0;
	assert_int_equal(sym_image_set_devices(img, d, 2), SYM_EUSAGE);
	/* What was refused left the first set as it was. */
	assert_int_equal(sym_image_info(img)->device_count, 2);
	assert_string_equal(sym_image_info(img)->devices[1].name, "hsm2");
	sym_image_close(img);
}

/* A recovery share where an unseal share is expected, or the reverse, is
 * refused by name (SYM_ESHAREROLE), after the image check and before any
 * generation or manifest check. */
static void
test_share_roles(void **state)
{
	char path[128];
	struct sym_init_result init;
	struct sym_image *img = NULL;
	struct sym_share *share = NULL;

	(void)state;
	new_path(path, sizeof path, "roles");
	make_image(path, &init);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
	assert_int_equal(sym_share_parse(&share, init.deal.shares[0],
	    init.deal.share_lens[0]), SYM_OK);
	assert_int_equal(share->recovery, 0);
	assert_int_equal(sym_image_check_share_of(img, share,
	    SYM_IMAGE_UNSEAL_SHARE), SYM_OK);
	/* A Shamir image has no recovery shares to check against. */
	assert_int_equal(sym_image_check_share_of(img, share,
	    SYM_IMAGE_RECOVERY_SHARE), SYM_ESHAREROLE);
	share->recovery = 1;
	assert_int_equal(sym_image_check_share(img, share), SYM_ESHAREROLE);
	share->generation = 99;
	assert_int_equal(sym_image_check_share(img, share), SYM_ESHAREROLE);
	share->set_id[0] ^= 1;
	assert_int_equal(sym_image_check_share(img, share), SYM_EWRONGIMAGE);
	sym_share_free(share);
	sym_image_close(img);
	sym_init_result_free(&init);
}

static void
test_create_open(void **state)
{
	char path[128];
	struct sym_init_result init;
	struct sym_image *img = NULL;
	const struct sym_image_info *info;

	(void)state;
	new_path(path, sizeof path, "img");
	make_image(path, &init);
	assert_int_equal(init.info.seal.shares, 3);
	assert_int_equal(init.info.seal.threshold, 2);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
	info = sym_image_info(img);
	assert_memory_equal(info->image_id, init.info.image_id,
	    SYM_IMAGE_ID_BYTES);
	assert_int_equal(info->format_version, SYM_IMAGE_FORMAT_SHAMIR); /* a Shamir image stays version 1 */
	assert_int_equal(info->seal.type, SYM_SEAL_SHAMIR);
	assert_int_equal(info->seal.generation, 1);
	assert_memory_equal(info->seal.manifest_hash, init.deal.record->hash,
	    SYM_MANIFEST_HASH_BYTES);
	assert_true(info->slot_valid[0] && info->slot_valid[1]);
	assert_int_equal(info->terms, 1);
	assert_int_equal(info->audit_count, 1);	/* the init record */
	assert_int_equal(info->entries, 0);
	assert_false(sym_image_is_unsealed(img));
	assert_null(sym_image_identity_secret(img));
	assert_int_equal(unseal_with(img, &init, 0, 2), SYM_OK);
	assert_true(sym_image_is_unsealed(img));
	assert_non_null(sym_image_identity_secret(img));
	sym_image_close(img);
	/* Never replaced. */
	{
		struct sym_init_result again;
		struct sym_init_shamir r = { .path = path, .shares = 2,
		    .threshold = 2 };

		assert_int_equal(sym_init_shamir(&again, &r, NULL), SYM_EEXIST);
	}
	sym_init_result_free(&init);
}

static void
test_put_get_commit(void **state)
{
	char path[128];
	struct sym_init_result init;
	struct sym_image *img = NULL;
	int fd;

	(void)state;
	new_path(path, sizeof path, "img");
	make_image(path, &init);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_WRITE), SYM_OK);
	assert_int_equal(unseal_with(img, &init, 1, 2), SYM_OK);
	fd = fd_of("first value");
	assert_int_equal(sym_image_put(img, "alpha", fd, 1700000100), SYM_OK);
	close(fd);
	assert_int_equal(sym_image_info(img)->audit_count, 2);
	assert_int_equal(sym_image_info(img)->entries, 1);
	assert_int_equal(sym_image_commit(img, SYM_AUDIT_ROTATE, "a test",
	    1700000101), SYM_OK);
	sym_image_close(img);

	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
	assert_int_equal(sym_image_info(img)->audit_count, 3);
	assert_int_equal(sym_image_entry_count(img), 0);	/* sealed */
	assert_int_equal(unseal_with(img, &init, 0, 1), SYM_OK);
	assert_int_equal(sym_image_entry_count(img), 1);
	assert_string_equal(sym_image_entry_at(img, 0)->name, "alpha");
	assert_value(img, "alpha", "first value");
	assert_int_equal(sym_image_get(img, "beta", STDOUT_FILENO),
	    SYM_ENOENTRY);
	/* Read-only: no commit. */
	assert_int_equal(sym_image_commit(img, SYM_AUDIT_PUT, "", 1),
	    SYM_EUSAGE);
	sym_image_close(img);
	sym_init_result_free(&init);
}

static void
test_rotate_delete_commit_themselves(void **state)
{
	char path[128];
	struct sym_init_result init;
	struct sym_image *img = NULL;
	int fd;

	(void)state;
	new_path(path, sizeof path, "img");
	make_image(path, &init);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_WRITE), SYM_OK);
	/* Sealed: nothing changes. */
	assert_int_equal(sym_image_rotate(img, 1700000200), SYM_ESEALED);
	assert_int_equal(unseal_with(img, &init, 0, 1), SYM_OK);
	fd = fd_of("v");
	assert_int_equal(sym_image_put(img, "one", fd, 1700000200), SYM_OK);
	close(fd);
	assert_int_equal(sym_image_rotate(img, 1700000201), SYM_OK);
	assert_int_equal(sym_image_info(img)->active_term, 2);
	assert_int_equal(sym_image_delete(img, "one", 1700000100), SYM_OK);
	assert_int_equal(sym_image_delete(img, "one", 1700000100), SYM_ENOENTRY);
	sym_image_close(img);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
	assert_int_equal(sym_image_info(img)->audit_count, 4);
	assert_int_equal(sym_image_info(img)->terms, 2);
	assert_int_equal(sym_image_info(img)->entries, 0);
	sym_image_close(img);
	sym_init_result_free(&init);
}

static void
test_wrong_shares(void **state)
{
	char path[128], other[128];
	struct sym_init_result a, b;
	struct sym_image *img = NULL;

	(void)state;
	new_path(path, sizeof path, "img");
	new_path(other, sizeof other, "img");
	make_image(path, &a);
	make_image(other, &b);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
	assert_int_equal(unseal_with(img, &b, 0, 1), SYM_EWRONGIMAGE);
	assert_false(sym_image_is_unsealed(img));
	/* The key itself, but wrong. */
	{
		uint8_t key[SYM_IMAGE_KEY_BYTES] = { 1 };

		assert_int_equal(sym_image_unseal_key(img, key), SYM_EUNSEAL);
	}
	sym_image_close(img);
	sym_init_result_free(&a);
	sym_init_result_free(&b);
}

static void
test_not_an_image(void **state)
{
	char path[128];
	struct sym_image *img = NULL;
	int fd;

	(void)state;
	new_path(path, sizeof path, "junk");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, SYM_IMAGE_DATA_START), 0);
	close(fd);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ),
	    SYM_ENOTIMAGE);
	assert_null(img);
	assert_int_equal(sym_image_open(&img, tmpdir, SYM_IMAGE_READ),
	    SYM_EISDIR);
}

/* ---- header slots ---- */

static void
test_one_damaged_slot(void **state)
{
	char path[128];
	struct sym_init_result init;
	struct sym_image *img = NULL;

	(void)state;
	new_path(path, sizeof path, "img");
	make_image(path, &init);
	for (int slot = 0; slot < 2; slot++) {
		uint8_t b;
		uint64_t at = (uint64_t)slot * SYM_IMAGE_SLOT_BYTES + 40;

		copy_bytes(path, at, &b, 1, 0);
		b ^= 0x10;
		copy_bytes(path, at, &b, 1, 1);
		assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ),
		    slot == 0 ? SYM_OK : SYM_EBADHEADER);
		if (slot == 0) {
			/* The other copy carries the image. */
			assert_false(sym_image_info(img)->slot_valid[0]);
			assert_true(sym_image_info(img)->slot_valid[1]);
			assert_int_equal(sym_image_info(img)->slot_current, 1);
			assert_int_equal(unseal_with(img, &init, 0, 1), SYM_OK);
			sym_image_close(img);
		}
	}
	sym_init_result_free(&init);
}

static void
test_higher_commit_wins(void **state)
{
	char path[128];
	struct sym_init_result init;
	struct sym_image *img = NULL;
	uint8_t *old = malloc(SYM_IMAGE_SLOT_BYTES);
	int fd;

	(void)state;
	assert_non_null(old);
	new_path(path, sizeof path, "img");
	make_image(path, &init);
	for (int slot = 0; slot < 2; slot++) {
		uint64_t before;

		assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
		before = sym_image_info(img)->audit_count;
		sym_image_close(img);
		/* Keep one copy of the old header, commit, put it back: the
		 * copy holding the newer commit must win. */
		copy_bytes(path, (uint64_t)slot * SYM_IMAGE_SLOT_BYTES, old,
		    SYM_IMAGE_SLOT_BYTES, 0);
		assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_WRITE), SYM_OK);
		assert_int_equal(unseal_with(img, &init, 0, 1), SYM_OK);
		fd = fd_of("x");
		assert_int_equal(sym_image_put(img, "k", fd, 1700000300), SYM_OK);
		close(fd);
		sym_image_close(img);
		copy_bytes(path, (uint64_t)slot * SYM_IMAGE_SLOT_BYTES, old,
		    SYM_IMAGE_SLOT_BYTES, 1);
		assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ), SYM_OK);
		assert_true(sym_image_info(img)->slot_valid[0]);
		assert_true(sym_image_info(img)->slot_valid[1]);
		assert_int_equal(sym_image_info(img)->slot_current, 1 - slot);
		assert_int_equal(sym_image_info(img)->audit_count, before + 1);
		sym_image_close(img);
	}
	free(old);
	sym_init_result_free(&init);
}

static void
test_spliced_slot(void **state)
{
	char path[128], other[128];
	struct sym_init_result a, b;
	struct sym_image *img = NULL;
	uint8_t *slot = malloc(SYM_IMAGE_SLOT_BYTES);

	(void)state;
	assert_non_null(slot);
	new_path(path, sizeof path, "img");
	new_path(other, sizeof other, "img");
	make_image(path, &a);
	make_image(other, &b);
	/* Slot 0 from another image: two authentic headers of different
	 * images, one spliced in.  Trust neither. */
	copy_bytes(other, 0, slot, SYM_IMAGE_SLOT_BYTES, 0);
	copy_bytes(path, 0, slot, SYM_IMAGE_SLOT_BYTES, 1);
	assert_int_equal(sym_image_open(&img, path, SYM_IMAGE_READ),
	    SYM_EBADHEADER);
	assert_null(img);
	free(slot);
	sym_init_result_free(&a);
	sym_init_result_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_open),
		cmocka_unit_test(test_share_roles),
		cmocka_unit_test(test_device_records),
		cmocka_unit_test(test_put_get_commit),
		cmocka_unit_test(test_rotate_delete_commit_themselves),
		cmocka_unit_test(test_wrong_shares),
		cmocka_unit_test(test_not_an_image),
		cmocka_unit_test(test_one_damaged_slot),
		cmocka_unit_test(test_higher_commit_wins),
		cmocka_unit_test(test_spliced_slot),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("image", tests, tmpdir_setup,
	    tmpdir_teardown);
}
