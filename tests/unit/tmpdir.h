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
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

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

#endif
