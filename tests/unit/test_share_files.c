/* Unit tests for raw share files: all or nothing, never replacing a
 * file, shares that combine (and a combine that names a bad one). */
#define TMPDIR_NAME "files"
#include "tmpdir.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "symbolon/secmem.h"
#include "symbolon/share_files.h"

#define dir tmpdir

static int
secret_fd(const uint8_t *secret, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof path, "%s/secret", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, secret, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static unsigned
count_entries(const char *d)
{
	char cmd[300];
	FILE *p;
	unsigned n = 0;

	snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", d);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%u", &n), 1);
	pclose(p);
	return n;
}

static void
test_split_combine(void **state)
{
	uint8_t secret[70000], back[70000];
	char sub[256], paths[5][300], out[300];
	const char *pick[3];
	uint64_t len = 0;
	size_t bad = 9;
	struct stat st;
	int fd;

	(void)state;
	randombytes_buf(secret, sizeof secret);
	snprintf(sub, sizeof sub, "%s/deal", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	fd = secret_fd(secret, sizeof secret);
	assert_int_equal(sym_share_files_split(sub, 5, 3, fd, &len), SYM_OK);
	close(fd);
	assert_int_equal(len, sizeof secret);
	assert_int_equal(count_entries(sub), 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(sym_share_file_path(paths[i], sizeof paths[i],
		    sub, i + 1, 5), SYM_OK);
		assert_int_equal(stat(paths[i], &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		assert_int_equal(st.st_size, sizeof secret + 1);
	}
	pick[0] = paths[4];
	pick[1] = paths[0];
	pick[2] = paths[2];
	snprintf(out, sizeof out, "%s/back", dir);
	assert_int_equal(sym_share_files_combine(out, -1, pick, 3, 0, &len,
	    &bad), SYM_OK);
	fd = open(out, O_RDONLY);
	assert_int_equal(read(fd, back, sizeof back), (ssize_t)sizeof back);
	close(fd);
	assert_memory_equal(back, secret, sizeof secret);
	/* Never replaced without force; with force, replaced. */
	assert_int_equal(sym_share_files_combine(out, -1, pick, 3, 0, &len,
	    &bad), SYM_EEXIST);
	assert_int_equal(sym_share_files_combine(out, -1, pick, 3, 1, &len,
	    &bad), SYM_OK);
	/* A second deal into the same directory: refused, nothing added. */
	fd = secret_fd(secret, 10);
	assert_int_equal(sym_share_files_split(sub, 5, 3, fd, &len), SYM_EEXIST);
	close(fd);
	assert_int_equal(count_entries(sub), 5);
	/* A directory among the shares is named by its index. */
	pick[1] = sub;
	assert_int_equal(sym_share_files_combine(NULL, 1, pick, 3, 0, &len,
	    &bad), SYM_EISDIR);
	assert_int_equal(bad, 1);
}

static void
test_split_failure_leaves_nothing(void **state)
{
	char sub[256];
	uint64_t len = 0;
	int fd;

	(void)state;
	/* An empty secret fails after the temporary files exist. */
	snprintf(sub, sizeof sub, "%s/empty", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	fd = secret_fd((const uint8_t *)"", 0);
	assert_int_equal(sym_share_files_split(sub, 3, 2, fd, &len),
	    SYM_EEMPTYSECRET);
	close(fd);
	assert_int_equal(count_entries(sub), 0);
	/* A directory that does not exist. */
	snprintf(sub, sizeof sub, "%s/missing", dir);
	fd = secret_fd((const uint8_t *)"abc", 3);
	assert_int_equal(sym_share_files_split(sub, 3, 2, fd, &len),
	    SYM_ENOENT);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_combine),
		cmocka_unit_test(test_split_failure_leaves_nothing),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
