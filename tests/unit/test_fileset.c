/* Unit tests for the all-or-nothing file set writer (fileset.h): files
 * written mode 0600, an existing file refused before anything is written
 * (or replaced with force), and rollback when a later file cannot be
 * written.  Everything happens in a mkdtemp directory under /tmp. */
#define TMPDIR_NAME "fileset"
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

#include "symbolon/fileset.h"
#include "symbolon/io.h"
#include "symbolon/secmem.h"


static void
assert_file_is(const char *path, const char *text)
{
	uint8_t *data = NULL;
	size_t len = 0;

	assert_int_equal(sym_io_read_all(&data, &len, path, 4096), SYM_OK);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(data, text, len);
	sym_secmem_free(data);
}

static void
add(struct sym_fileset *fs, const char *path, const char *text)
{
	assert_int_equal(sym_fileset_add_copy(fs, path, (const uint8_t *)text,
	    strlen(text)), SYM_OK);
}

static void
test_writes_all_mode_0600(void **state)
{
	struct sym_fileset fs;
	char a[160], b[160], dir[128];
	struct stat st;

	(void)state;
	tmpdir_path(dir, sizeof dir, "out");
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	sym_fileset_init(&fs);
	add(&fs, a, "one");
	add(&fs, b, "two");
	assert_true(sym_fileset_has(&fs, a));
	assert_false(sym_fileset_has(&fs, "elsewhere"));
	assert_int_equal(sym_fileset_write(&fs, dir, 0), SYM_OK);
	assert_int_equal(fs.written, 2);
	assert_file_is(a, "one");
	assert_file_is(b, "two");
	assert_int_equal(stat(a, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	sym_fileset_remove(&fs);
	assert_false(tmpdir_exists(a));
	assert_false(tmpdir_exists(b));
	sym_fileset_free(&fs);
	assert_int_equal(fs.count, 0);
}

static void
test_refuses_existing_without_force(void **state)
{
	struct sym_fileset fs;
	char a[128], b[128], c[128];

	(void)state;
	tmpdir_path(a, sizeof a, "x1");
	tmpdir_path(b, sizeof b, "x2");
	tmpdir_path(c, sizeof c, "x3");
	assert_int_equal(sym_io_write_file(c, (const uint8_t *)"old", 3,
	    SYM_IO_NO_OVERWRITE), SYM_OK);
	sym_fileset_init(&fs);
	add(&fs, a, "1");
	add(&fs, b, "2");
	add(&fs, c, "3");
	/* Refused before anything is written: the first two never appear. */
	assert_int_equal(sym_fileset_write(&fs, NULL, 0), SYM_EEXIST);
	assert_string_equal(fs.failed_path, c);
	assert_false(fs.failed_stdout);
	assert_false(tmpdir_exists(a));
	assert_false(tmpdir_exists(b));
	assert_file_is(c, "old");
	/* With force, it is replaced. */
	assert_int_equal(sym_fileset_write(&fs, NULL, 1), SYM_OK);
	assert_file_is(a, "1");
	assert_file_is(c, "3");
	sym_fileset_remove(&fs);
	sym_fileset_free(&fs);
}

static void
test_rollback_when_third_fails(void **state)
{
	struct sym_fileset fs;
	char a[128], b[128], c[128];

	(void)state;
	tmpdir_path(a, sizeof a, "r1");
	tmpdir_path(b, sizeof b, "r2");
	/* Absent (its directory is), so the check passes; writing fails. */
	tmpdir_path(c, sizeof c, "no-such-dir/r3");
	sym_fileset_init(&fs);
	add(&fs, a, "1");
	add(&fs, b, "2");
	add(&fs, c, "3");
	assert_int_equal(sym_fileset_write(&fs, NULL, 0), SYM_ENOENT);
	assert_string_equal(fs.failed_path, c);
	assert_int_equal(fs.written, 0);
	assert_false(tmpdir_exists(a));
	assert_false(tmpdir_exists(b));
	/* With force: what it created goes, what it replaced stays. */
	assert_int_equal(sym_io_write_file(b, (const uint8_t *)"old", 3,
	    SYM_IO_NO_OVERWRITE), SYM_OK);
	assert_int_equal(sym_fileset_write(&fs, NULL, 1), SYM_ENOENT);
	assert_false(tmpdir_exists(a));
	assert_file_is(b, "2");
	(void)unlink(b);
	sym_fileset_free(&fs);
}

static void
test_directory_failure(void **state)
{
	struct sym_fileset fs;
	char dir[128], path[160];

	(void)state;
	tmpdir_path(dir, sizeof dir, "missing/deeper");
	snprintf(path, sizeof path, "%s/f", dir);
	sym_fileset_init(&fs);
	add(&fs, path, "x");
	assert_int_equal(sym_fileset_write(&fs, dir, 0), SYM_ENOENT);
	assert_string_equal(fs.failed_path, dir);
	sym_fileset_free(&fs);
}

static void
test_add_takes_buffer(void **state)
{
	struct sym_fileset fs;
	uint8_t *data = sym_secmem_alloc(4);

	(void)state;
	assert_non_null(data);
	memcpy(data, "abcd", 4);
	sym_fileset_init(&fs);
	assert_int_equal(sym_fileset_add(&fs, NULL, data, 4), SYM_OK);
	assert_null(fs.files[0].path);
	assert_ptr_equal(fs.files[0].data, data);
	sym_fileset_free(&fs);
	sym_fileset_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writes_all_mode_0600),
		cmocka_unit_test(test_refuses_existing_without_force),
		cmocka_unit_test(test_rollback_when_third_fails),
		cmocka_unit_test(test_directory_failure),
		cmocka_unit_test(test_add_takes_buffer),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("fileset", tests, tmpdir_setup,
	    tmpdir_teardown);
}
