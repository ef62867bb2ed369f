/* Unit tests for the init ceremony: shares written first and the image
 * linked last, all or nothing (an out dir that cannot be written, or that
 * already holds a deal, leaves no image and no shares), the request rules
 * no single option shows, the report rows, and identities. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
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

#define TMPDIR_NAME "init"
#include "tmpdir.h"

#include "symbolon/image.h"
#include "symbolon/init.h"
#include "symbolon/io.h"
#include "symbolon/seal.h"
#include "symbolon/secmem.h"

static int counter;

static void
path_in(char *buf, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", dir, name);

	assert_true(n > 0 && (size_t)n < cap);
}

/* A fresh empty directory for one test. */
static void
new_dir(char *buf, size_t cap)
{
	assert_true(snprintf(buf, cap, "%s/t%d", tmpdir, counter++) > 0);
	assert_int_equal(mkdir(buf, 0700), 0);
}

static unsigned
files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_init_writes_shares_and_image(void **state)
{
	char dir[128], img_path[160], out[160], file[256];
	struct sym_init_result init;
	const char *names[3] = { "alice", "bob", "carol" };
	struct sym_init_shamir r = { .shares = 3, .threshold = 2,
	    .names = names, .name_count = 3, .now = 1700000000 };
	struct sym_image *img = NULL;

	(void)state;
	new_dir(dir, sizeof dir);
	path_in(img_path, sizeof img_path, dir, "img");
	path_in(out, sizeof out, dir, "shares");
	r.path = img_path;
	r.out_dir = out;
	assert_int_equal(sym_init_shamir(&init, &r, NULL), SYM_OK);
	assert_int_equal(files_in(out), 4);	/* 3 shares, the manifest */
	assert_int_equal(files_in(dir), 2);	/* no temporary file left */
	assert_non_null(init.shares);
	for (unsigned i = 0; i < 3; i++) {
		snprintf(file, sizeof file, "%s/share-%u-of-3.cbor", out, i + 1);
		assert_string_equal(init.shares[i].path, file);
		assert_string_equal(init.shares[i].holder, names[i]);
		assert_string_equal(init.shares[i].pgp_fingerprint, "");
		assert_null(init.shares[i].pgp_uid);
	}
	assert_int_equal(strlen(init.image_id), 9);	/* XXXX-XXXX */
	assert_int_equal(sym_image_open(&img, img_path, SYM_IMAGE_READ), SYM_OK);
	assert_memory_equal(sym_image_info(img)->image_id, init.info.image_id,
	    SYM_IMAGE_ID_BYTES);
	sym_image_close(img);
	sym_init_result_free(&init);
}

static void
test_init_unwritable_out_dir_leaves_nothing(void **state)
{
	char dir[128], img_path[160], blocker[160], out[200];
	struct sym_init_result init;
	struct sym_init_shamir r = { .shares = 3, .threshold = 2, .now = 1 };
	int fd;

	(void)state;
	new_dir(dir, sizeof dir);
	path_in(img_path, sizeof img_path, dir, "img");
	/* A file where the out dir's parent should be: no directory can be
	 * made there, even by root. */
	path_in(blocker, sizeof blocker, dir, "file");
	fd = open(blocker, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	path_in(out, sizeof out, blocker, "shares");
	r.path = img_path;
	r.out_dir = out;
	assert_int_not_equal(sym_init_shamir(&init, &r, NULL), SYM_OK);
	assert_int_equal(access(img_path, F_OK), -1);
	assert_int_equal(files_in(dir), 1);	/* only the blocker */
}

static void
test_init_out_dir_with_a_deal_leaves_nothing(void **state)
{
	char dir[128], img_path[160], out[160], manifest[200];
	struct sym_init_result init;
	struct sym_init_shamir r = { .shares = 2, .threshold = 2, .now = 1 };
	const char *failed = "unset";
	int fd;

	(void)state;
	new_dir(dir, sizeof dir);
	path_in(img_path, sizeof img_path, dir, "img");
	path_in(out, sizeof out, dir, "shares");
	assert_int_equal(mkdir(out, 0700), 0);
	path_in(manifest, sizeof manifest, out, "manifest.cbor");
	fd = open(manifest, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	r.path = img_path;
	r.out_dir = out;
	assert_int_equal(sym_init_shamir(&init, &r, &failed), SYM_EEXIST);
	assert_null(failed);
	assert_int_equal(access(img_path, F_OK), -1);
	assert_int_equal(files_in(out), 1);	/* only what was there */
	assert_int_equal(files_in(dir), 1);
}

static void
test_init_missing_identity_names_it(void **state)
{
	char dir[128], img_path[160];
	struct sym_init_result init;
	const char *to[2] = { "/nonexistent/a.pub", "/nonexistent/b.pub" };
	struct sym_init_shamir r = { .shares = 2, .threshold = 2, .to = to,
	    .to_count = 2, .now = 1 };
	const char *failed = NULL;

	(void)state;
	new_dir(dir, sizeof dir);
	path_in(img_path, sizeof img_path, dir, "img");
	r.path = img_path;
	assert_int_not_equal(sym_init_shamir(&init, &r, &failed), SYM_OK);
	assert_string_equal(failed, to[0]);
	assert_int_equal(files_in(dir), 0);
}

/* A seal whose publish lets a racer create the image path: the link then
 * fails, and what was published is withdrawn. */
struct racer {
	const char *path;
	int published, withdrawn;
};

static int
racer_make(void *state, uint8_t *key, struct sym_seal_made *made,
    const struct sym_image *img, uint64_t now)
{
	(void)state;
	(void)img;
	(void)now;
	memset(key, 0x42, SYM_IMAGE_KEY_BYTES);
	made->record.type = SYM_SEAL_SHAMIR;
	made->record.shares = made->record.threshold = 2;
	made->record.generation = 1;
	snprintf(made->detail, sizeof made->detail, "racer");
	return SYM_OK;
}

static int
racer_publish(void *state)
{
	struct racer *r = state;
	int fd = open(r->path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	assert_true(fd >= 0);
	close(fd);
	r->published = 1;
	return SYM_OK;
}

static void
racer_withdraw(void *state)
{
	((struct racer *)state)->withdrawn = 1;
}

static const struct sym_seal_ops racer_ops = {
	.type = "racer", .kind = SYM_SEAL_KIND_DEVICE, .make = racer_make,
	.publish = racer_publish, .withdraw = racer_withdraw,
};

static void
test_init_failed_link_withdraws(void **state)
{
	char dir[128], img_path[160];
	struct racer racer = { 0 };
	struct sym_seal seal = { .ops = &racer_ops, .state = &racer };
	struct sym_init_result init;
	struct stat st;

	(void)state;
	new_dir(dir, sizeof dir);
	path_in(img_path, sizeof img_path, dir, "img");
	racer.path = img_path;
	assert_int_equal(sym_init_image(&init, img_path, &seal, 1), SYM_EEXIST);
	assert_true(racer.published);
	assert_true(racer.withdrawn);
	/* The racer's file is untouched, the temporary image gone. */
	assert_int_equal(stat(img_path, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(files_in(dir), 1);
}

static void
test_init_request_rules(void **state)
{
	struct sym_init_shamir r = { .shares = 3, .threshold = 2 };
	const char *names[3] = { "a", "b\tc", "d" };
	char why[160];

	(void)state;
	assert_int_equal(sym_init_shamir_check(&r, why, sizeof why), SYM_OK);
	r.shares = 1;
	assert_int_equal(sym_init_shamir_check(&r, why, sizeof why), SYM_EUSAGE);
	assert_string_equal(why, "--key-shares: 2 to 255 shares");
	r.shares = 3;
	r.threshold = 4;
	assert_int_equal(sym_init_shamir_check(&r, why, sizeof why), SYM_EUSAGE);
	assert_string_equal(why, "--key-threshold 4: must be at least 2 and "
	    "at most --key-shares 3");
	r.threshold = 2;
	r.pgp_count = 2;
	assert_int_equal(sym_init_shamir_check(&r, why, sizeof why), SYM_EUSAGE);
	assert_string_equal(why, "incorrect number of PGP keys: 2 for 3 shares");
	r.pgp_count = 0;
	r.to_count = 3;
	r.passphrase_file = "p";
	assert_int_equal(sym_init_shamir_check(&r, why, sizeof why), SYM_EUSAGE);
	assert_string_equal(why, "--to excludes --holders and --passphrase-file");
	r.to_count = 0;
	r.passphrase_file = NULL;
	r.names = names;
	r.name_count = 3;
	assert_int_equal(sym_init_shamir_check(&r, why, sizeof why), SYM_EUSAGE);
	assert_string_equal(why, "--holders: name 2 is not 1 to 64 printable "
	    "bytes");
}

static void
test_identity(void **state)
{
	char dir[128], out[160];
	struct sym_init_identity req = { .name = "alice", .no_passphrase = 1,
	    .now = 1700000000 };
	struct sym_init_identity_result res;
	struct sym_identity pub;

	(void)state;
	new_dir(dir, sizeof dir);
	path_in(out, sizeof out, dir, "alice");
	req.out = out;
	assert_int_equal(sym_init_identity(&res, &req), SYM_OK);
	assert_string_equal(res.name, "alice");
	assert_true(strlen(res.fingerprint) > 0 && strlen(res.words) > 0);
	assert_int_equal(sym_identity_load_public(&pub, res.pub_path), SYM_OK);
	assert_string_equal(pub.name, "alice");
	assert_int_equal(files_in(dir), 2);
	/* Never replaced without force; nothing asked for first. */
	assert_int_equal(sym_init_identity(&res, &req), SYM_EEXIST);
	assert_non_null(res.failed);
	assert_string_equal(res.failed, res.pub_path);
	req.force = 1;
	assert_int_equal(sym_init_identity(&res, &req), SYM_OK);
	assert_int_equal(files_in(dir), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_writes_shares_and_image),
		cmocka_unit_test(test_init_unwritable_out_dir_leaves_nothing),
		cmocka_unit_test(test_init_out_dir_with_a_deal_leaves_nothing),
		cmocka_unit_test(test_init_missing_identity_names_it),
		cmocka_unit_test(test_init_failed_link_withdraws),
		cmocka_unit_test(test_init_request_rules),
		cmocka_unit_test(test_identity),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("init", tests, tmpdir_setup,
	    tmpdir_teardown);
}
