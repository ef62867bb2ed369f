/*
 * A mkdtemp directory under /tmp for one group of unit tests, removed
 * with all it holds by the group teardown.  Define TMPDIR_NAME (a short
 * word) before including; pass tmpdir_setup and tmpdir_teardown to
 * cmocka_run_group_tests_name.
 */
#ifndef SYMBOLON_TEST_TMPDIR_H
#define SYMBOLON_TEST_TMPDIR_H

/* Self-contained: the build may compile a header on its own. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#ifndef TMPDIR_NAME
#define TMPDIR_NAME "unit"
#endif

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cmocka.h>

static char tmpdir[64];

static int
tmpdir_remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
tmpdir_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/symbolon-test-%s.XXXXXX",
	    TMPDIR_NAME);
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
tmpdir_teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, tmpdir_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* tmpdir/name into buf (the test fails if it does not fit); returns buf. */
static inline const char *
tmpdir_path(char *buf, size_t cap, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", tmpdir, name);

	assert_true(n > 0 && (size_t)n < cap);
	return buf;
}

/* 1 if anything (a file, a link, a directory) is at path. */
static inline int
tmpdir_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

#endif
